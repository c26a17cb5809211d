"""What a synthesized platform costs a month: ``secure-ml cost`` and its model (docs/cost.md).

CDK-free: reads ``cdk.out`` (:mod:`.assembly`), prices from a dated snapshot (:mod:`.prices`), the
estimate (:mod:`.estimate`, with the named assumptions of :mod:`.model`) and its reports (:mod:`.report`).

.. code-block:: python

    from cdk_secure_ml.cost import estimate_assembly

    result = estimate_assembly("cdk.out")          # raises CostInputError for a path it cannot read
    print(result.total, [i.to_json() for i in result.items][:1])
"""

from __future__ import annotations

from pathlib import Path

from .assembly import CostInputError, StackTemplate, read_assembly
from .estimate import estimate
from .model import Assumptions, Estimate, LineItem
from .prices import Price, PriceBook, load_price_book


def estimate_assembly(
    path: str | Path,
    assumptions: Assumptions | None = None,
    prices: PriceBook | None = None,
    default_region: str | None = None,
) -> Estimate:
    """The :class:`Estimate` of the assembly (or template) at ``path`` with the shipped price snapshot."""
    return estimate(read_assembly(path), prices or load_price_book(), assumptions, default_region)


__all__ = [
    "Assumptions",
    "CostInputError",
    "Estimate",
    "LineItem",
    "Price",
    "PriceBook",
    "StackTemplate",
    "estimate",
    "estimate_assembly",
    "load_price_book",
    "read_assembly",
]
