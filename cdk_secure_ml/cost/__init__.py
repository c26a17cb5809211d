"""What a synthesized platform costs a month: ``secure-ml cost`` and its model (docs/cost.md).

CDK-free: reads ``cdk.out`` (:mod:`.assembly`), prices from a dated snapshot (:mod:`.prices`), the
estimate (:mod:`.estimate`, with the named assumptions of :mod:`.model`), what it covers (:mod:`.coverage`:
every resource type priced, billable without a price, free, or reported unknown) and its reports
(:mod:`.report`).

.. code-block:: python

    from cdk_secure_ml import estimate_assembly

    result = estimate_assembly("cdk.out")          # raises CostInputError for a path it cannot read
    print(result.total, [i.to_json() for i in result.items][:1])
"""

from __future__ import annotations

from pathlib import Path

from .assembly import CostInputError, read_assembly
from .estimate import estimate
from .model import CostAssumptions, CostEstimate, CostItem
from .prices import PriceBook, load_price_book


def estimate_assembly(
    path: str | Path,
    assumptions: CostAssumptions | None = None,
    prices: PriceBook | None = None,
    default_region: str | None = None,
) -> CostEstimate:
    """The :class:`CostEstimate` of the assembly (or template) at ``path`` with the shipped price snapshot."""
    return estimate(read_assembly(path), prices or load_price_book(), assumptions, default_region)


__all__ = [
    "CostAssumptions",
    "CostEstimate",
    "CostInputError",
    "CostItem",
    "PriceBook",
    "estimate_assembly",
    "load_price_book",
]
