"""The cost model's data: the named assumptions, one line of the estimate, and the estimate.

Every figure that is not read from a template is an :class:`CostAssumptions` field, documented here,
printed with every report, and settable from the command line (``secure-ml cost --assume NAME=VALUE``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: Hours in a month as AWS's pricing examples count them (24 x 365 / 12, rounded).
HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class CostAssumptions:
    """What the templates cannot say. Defaults describe a small platform of a few users, one region.

    - ``hours_per_month`` (h): hours an always-on resource is billed per month (730).
    - ``config_items_per_month``: configuration items the Config recorder records per account and region
      per month (1,000: a few hundred resources, a few changes each).
    - ``config_evaluations_per_rule_per_month``: evaluations of each Config rule per month (100: rules
      run on changes of the resources in their scope, and periodic rules once per period).
    - ``management_events_per_month``: CloudTrail management events per account and region per month
      (200,000), analysed by GuardDuty and charged for a second trail that logs them.
    - ``s3_data_events_per_month``: S3 data events per month on the buckets a trail logs data events for,
      and GuardDuty S3 Protection analyses (1,000,000).
    - ``guardduty_flow_dns_gb_per_month`` (GB): VPC flow log and DNS query log volume GuardDuty analyses
      per account and region per month (5 GB).
    - ``log_ingestion_gb_per_group_per_month`` (GB): data each log group ingests per month (1 GB).
    - ``log_storage_months_never_expire`` (months): for a log group without retention, how many months
      of ingestion are stored (12: the first year; it grows without end).
    - ``kms_rotations``: automatic rotations each rotating key has had (0: the first year); each of the
      first two adds a key-month.
    - ``studio_sessions_per_user_per_month``: Studio sessions per user per month after which an app may be
      left idle (21 working days).
    - ``studio_instance_type``: the instance type of a Studio app when the domain sets no default
      (ml.t3.medium, Studio's default for CPU images:
      https://docs.aws.amazon.com/sagemaker/latest/dg/notebooks-usage-metering.html).
    - ``default_az_count``: AZs of an interface endpoint whose subnets the template does not list (2).
    - ``transit_gateway_gb_per_attachment_per_month`` (GB): data each VPC sends into the transit gateway per
      month in the hub layout (10 GB: API calls to the hub's interface endpoints; image layers and data go
      through the spoke's free S3 gateway endpoint). Transit Gateway bills it to the sender's account:
      https://aws.amazon.com/blogs/networking-and-content-delivery/introducing-flexible-cost-allocation-for-aws-transit-gateway
    """

    hours_per_month: float = HOURS_PER_MONTH
    config_items_per_month: float = 1_000
    config_evaluations_per_rule_per_month: float = 100
    management_events_per_month: float = 200_000
    s3_data_events_per_month: float = 1_000_000
    guardduty_flow_dns_gb_per_month: float = 5.0
    log_ingestion_gb_per_group_per_month: float = 1.0
    log_storage_months_never_expire: float = 12
    kms_rotations: int = 0
    studio_sessions_per_user_per_month: float = 21
    studio_instance_type: str = "ml.t3.medium"
    default_az_count: int = 2
    transit_gateway_gb_per_attachment_per_month: float = 10.0

    def replace(self, overrides: dict[str, str]) -> CostAssumptions:
        """A copy with ``NAME=VALUE`` overrides; raises ValueError naming an unknown name or a bad value."""
        types = {f.name: f.type for f in fields(self)}
        values = asdict(self)
        for name, raw in overrides.items():
            if name not in types:
                raise ValueError(f"unknown assumption '{name}'; use one of {', '.join(sorted(types))}")
            kind = types[name]
            try:
                value: Any = raw if kind == "str" else int(raw) if kind == "int" else float(raw)
            except ValueError:
                raise ValueError(
                    f"assumption {name}={raw!r}: expected a{'n integer' if kind == 'int' else ' number'}"
                ) from None
            if kind != "str" and value < 0:
                raise ValueError(f"assumption {name}={raw!r}: must be >= 0")
            values[name] = value
        return CostAssumptions(**values)


@dataclass(frozen=True)
class CostItem:
    """One line of the estimate: ``monthly`` = ``quantity`` x ``unit_price`` (USD per month).

    ``unit_price`` and ``monthly`` are None when there is no price (unknown region or instance type; the
    ``note`` says which): never a silent 0. ``kind`` is ``fixed`` (in the total) or ``ceiling`` (an upper
    bound such as Studio's idle spend, reported beside the total). ``assumption`` names the
    :class:`CostAssumptions` field the quantity comes from, if any.
    """

    account: str
    region: str
    category: str
    resource: str
    stack: str
    quantity: float
    unit: str
    unit_price: float | None
    monthly: float | None
    source: str
    price_date: str = ""
    verified: bool = True
    kind: str = "fixed"
    assumption: str = ""
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ResourceRef:
    """One resource of the assembly: its environment, stack, logical id and CloudFormation type."""

    account: str
    region: str
    stack: str
    resource: str
    type: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NotPriced:
    """The resources of one billable type the estimate does not price (``cost/data/resource_types.json``).

    ``charge`` is ``fixed`` (it bills while it exists: the total is a lower bound, and the estimate has an
    item without price for it) or ``usage`` (it bills only with use, which a fixed cost leaves out);
    ``reason`` says what it bills and why there is no price, ``source`` is the AWS page.
    """

    type: str
    charge: str
    reason: str
    source: str
    resources: tuple[ResourceRef, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "charge": self.charge,
            "reason": self.reason,
            "source": self.source,
            "count": len(self.resources),
            "resources": [r.to_json() for r in self.resources],
        }


@dataclass
class CostEstimate:
    """The itemised estimate of an assembly: ``items``, the ``assumptions`` and the prices' date.

    ``not_priced`` lists the billable resource types without a price (:class:`NotPriced`, by type and
    charge); ``unknown`` the resources whose type the table of ``cost/data/resource_types.json`` does not
    know (:class:`ResourceRef`): not priced, they may bill, and ``warnings`` names each type.
    """

    items: list[CostItem]
    assumptions: CostAssumptions
    price_date: str
    price_file: str = ""
    warnings: list[str] = field(default_factory=list)
    not_priced: list[NotPriced] = field(default_factory=list)
    unknown: list[ResourceRef] = field(default_factory=list)

    @staticmethod
    def _sum(items: list[CostItem], kind: str) -> float:
        return round(sum(i.monthly for i in items if i.kind == kind and i.monthly is not None), 2)

    @property
    def total(self) -> float:
        """Fixed monthly cost (USD) of every priced item."""
        return self._sum(self.items, "fixed")

    @property
    def ceiling_total(self) -> float:
        """Sum of the ceilings (USD per month), reported beside the total."""
        return self._sum(self.items, "ceiling")

    @property
    def unpriced(self) -> list[CostItem]:
        return [i for i in self.items if i.monthly is None]

    @property
    def complete(self) -> bool:
        """True when the total is the whole fixed cost: every item priced, no resource of unknown type."""
        return not self.unpriced and not self.unknown

    def environments(self) -> list[tuple[str, str]]:
        return sorted({(i.account, i.region) for i in self.items})

    def by_environment(self) -> dict[tuple[str, str], list[CostItem]]:
        grouped: dict[tuple[str, str], list[CostItem]] = defaultdict(list)
        for item in self.items:
            grouped[(item.account, item.region)].append(item)
        return dict(sorted(grouped.items()))

    def accounts_json(self) -> list[dict[str, Any]]:
        return [
            {
                "account": account,
                "region": region,
                "total": self._sum(items, "fixed"),
                "ceiling": self._sum(items, "ceiling"),
                "unpriced": sum(1 for i in items if i.monthly is None),
            }
            for (account, region), items in self.by_environment().items()
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "accounts": self.accounts_json(),
            "items": [i.to_json() for i in self.items],
            "total": self.total,
            "ceiling_total": self.ceiling_total,
            "unpriced": len(self.unpriced),
            "currency": "USD",
            "price_date": self.price_date,
            "assumptions": asdict(self.assumptions),
            "warnings": list(self.warnings),
            "not_priced": [n.to_json() for n in self.not_priced],
            "unknown": [r.to_json() for r in self.unknown],
        }
