"""The fixed monthly cost of a synthesized assembly, per account and region, itemised.

What is counted, from each stack's template (the AWS billing rule each relies on, by URL):

- interface VPC endpoints: one endpoint-hour per AZ (subnet) per hour
  (https://aws.amazon.com/privatelink/pricing/); gateway endpoints are listed at $0;
- KMS keys: a key-month each, plus one for each of a rotating key's first two rotations
  (https://aws.amazon.com/kms/pricing/);
- the Config recorder (configuration items recorded) and rules (evaluations)
  (https://aws.amazon.com/config/pricing/), from :class:`~.model.CostAssumptions` volumes;
- the GuardDuty detector's foundational analysis (CloudTrail management events, VPC flow and DNS logs) and
  S3 Protection when enabled (https://aws.amazon.com/guardduty/pricing/), from assumed volumes;
- CloudTrail: the first trail logging management events in an account and region is free, a further one
  pays for its copy; data events are charged on every trail (https://aws.amazon.com/cloudtrail/pricing/);
- log groups: ingestion, and storage of what the retention keeps (https://aws.amazon.com/cloudwatch/pricing/);
- SageMaker endpoints: each instance variant's minimum count (the autoscaling target's ``MinCapacity``,
  else ``InitialInstanceCount``) x the instance-hour x hours per month
  (https://aws.amazon.com/sagemaker-ai/pricing/);
- Studio: the ceiling idle shutdown puts on the spend of apps left running (a ``ceiling`` line);
- the hub layout's network (docs/network.md, "Hub layout"): each transit gateway VPC attachment, an
  attachment-hour billed to the VPC's account, and the GB its VPC sends (an assumption; the sender pays)
  (https://aws.amazon.com/transit-gateway/pricing/); each Route 53 hosted zone, a zone-month, less beyond
  an account's 25th; Route 53 Profiles, an hourly charge to the account that owns the Profiles for up to
  100 Profile-VPC associations, those made by other accounts included, then a charge per association
  (https://aws.amazon.com/route53/pricing/); a spoke's Profile association is listed at $0 (its owner
  pays); RAM resource shares at $0.

Hub-layout items are only those of the network; a transit gateway itself has no hourly charge (its
attachments do).

Not counted: data processed and transferred, requests (KMS, S3, API calls), S3 storage, Model Monitor and
other jobs, free tiers and trials.

Every other resource is sorted by :mod:`.coverage` against ``data/resource_types.json``: a billable type
without a price is listed (a fixed charge also as an item without price, so the total reads "at least"),
a free type needs nothing, and a type the table does not know gets a warning ("unknown: not priced, may
bill").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .assembly import UNKNOWN_REGION, StackTemplate
from .coverage import TypeTable, classify, load_type_table
from .model import CostAssumptions, CostEstimate, CostItem
from .prices import PriceBook

DAYS_PER_MONTH = 365 / 12


@dataclass
class _Env:
    """Resources of one account and region, in template order, with their stack."""

    account: str
    region: str
    resources: list[tuple[str, str, dict[str, Any]]]  # (stack, logical id, resource)
    #: Route 53 Profile-VPC associations of the whole assembly in this region (their Profile's owner pays)
    profile_associations: int = 0

    def of_type(self, resource_type: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [r for r in self.resources if r[2].get("Type") == resource_type]


class _Pricer:
    """Builds line items of one environment from the price book."""

    def __init__(self, env: _Env, book: PriceBook) -> None:
        self.env, self.book = env, book

    def item(
        self,
        stack: str,
        category: str,
        resource: str,
        quantity: float,
        key: str,
        *,
        assumption: str = "",
        note: str = "",
        kind: str = "fixed",
    ) -> CostItem:
        price = self.book.get(self.env.region, key)
        if price is None:
            why = (
                "the stack's region is not set (unknown-region); pass --region"
                if self.env.region == UNKNOWN_REGION
                else f"no price for {key} in {self.env.region}"
            )
            return CostItem(
                self.env.account,
                self.env.region,
                category,
                resource,
                stack,
                round(quantity, 4),
                key.rsplit(".", 1)[-1],
                None,
                None,
                "",
                kind=kind,
                assumption=assumption,
                note=f"no price: {why}" + (f"; {note}" if note else ""),
            )
        return CostItem(
            self.env.account,
            self.env.region,
            category,
            resource,
            stack,
            round(quantity, 4),
            price.unit,
            price.usd,
            round(quantity * price.usd, 2),
            price.source,
            price.date,
            price.verified,
            kind,
            assumption,
            note,
        )


def _props(resource: dict[str, Any]) -> dict[str, Any]:
    props = resource.get("Properties")
    return props if isinstance(props, dict) else {}


def _vpc_endpoints(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    for stack, lid, resource in env.of_type("AWS::EC2::VPCEndpoint"):
        props = _props(resource)
        if props.get("VpcEndpointType") == "Interface":
            subnets = props.get("SubnetIds")
            azs = len(subnets) if isinstance(subnets, list) else a.default_az_count
            note = f"{azs} AZ(s)" + ("" if isinstance(subnets, list) else " (subnets not listed: assumed)")
            yield pricer.item(
                stack,
                "interface endpoints",
                lid,
                azs * a.hours_per_month,
                "privatelink.interface_endpoint_hour",
                note=note,
                assumption="" if isinstance(subnets, list) else "default_az_count",
            )
        else:
            yield pricer.item(
                stack,
                "gateway endpoints",
                lid,
                a.hours_per_month,
                "privatelink.gateway_endpoint_hour",
                note="gateway endpoints are free",
            )


def _kms_keys(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    for stack, lid, resource in env.of_type("AWS::KMS::Key"):
        yield pricer.item(stack, "KMS keys", lid, 1, "kms.key_month")
        rotations = min(a.kms_rotations, 2)
        if rotations and _props(resource).get("EnableKeyRotation") is True:
            yield pricer.item(
                stack,
                "KMS keys",
                f"{lid} rotations",
                rotations,
                "kms.rotation_month",
                assumption="kms_rotations",
            )


def _config(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    for stack, lid, _ in env.of_type("AWS::Config::ConfigurationRecorder"):
        yield pricer.item(
            stack,
            "Config",
            lid,
            a.config_items_per_month,
            "config.configuration_item",
            assumption="config_items_per_month",
        )
    rules = env.of_type("AWS::Config::ConfigRule")
    if rules:
        stacks = sorted({stack for stack, _, _ in rules})
        yield pricer.item(
            ", ".join(stacks),
            "Config",
            f"{len(rules)} Config rules",
            len(rules) * a.config_evaluations_per_rule_per_month,
            "config.rule_evaluation",
            assumption="config_evaluations_per_rule_per_month",
        )


def _s3_protection(props: dict[str, Any]) -> bool:
    features = props.get("Features") or []
    if any(
        isinstance(f, dict) and f.get("Name") == "S3_DATA_EVENTS" and f.get("Status") == "ENABLED"
        for f in features
    ):
        return True
    s3_logs = (props.get("DataSources") or {}).get("S3Logs") or {}
    return s3_logs.get("Enable") is True


def _guardduty(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    for stack, lid, resource in env.of_type("AWS::GuardDuty::Detector"):
        props = _props(resource)
        if props.get("Enable") is False:
            continue
        yield pricer.item(
            stack,
            "GuardDuty",
            f"{lid} management events",
            a.management_events_per_month / 1e6,
            "guardduty.management_events_million",
            assumption="management_events_per_month",
        )
        yield pricer.item(
            stack,
            "GuardDuty",
            f"{lid} flow and DNS logs",
            a.guardduty_flow_dns_gb_per_month,
            "guardduty.flow_dns_gb",
            assumption="guardduty_flow_dns_gb_per_month",
        )
        if _s3_protection(props):
            yield pricer.item(
                stack,
                "GuardDuty",
                f"{lid} S3 data events",
                a.s3_data_events_per_month / 1e6,
                "guardduty.s3_data_events_million",
                assumption="s3_data_events_per_month",
            )


def _logs_management_events(props: dict[str, Any]) -> bool:
    selectors = props.get("EventSelectors")
    if props.get("AdvancedEventSelectors"):
        return any(
            isinstance(s, dict)
            and any(
                isinstance(f, dict)
                and f.get("Field") == "eventCategory"
                and "Management" in (f.get("Equals") or [])
                for f in s.get("FieldSelectors") or []
            )
            for s in props["AdvancedEventSelectors"]
        )
    if not selectors:
        return True  # a trail without selectors logs all management events
    return any(isinstance(s, dict) and s.get("IncludeManagementEvents", True) is not False for s in selectors)


def _logs_data_events(props: dict[str, Any]) -> bool:
    if any(isinstance(s, dict) and s.get("DataResources") for s in props.get("EventSelectors") or []):
        return True
    return any(
        isinstance(s, dict)
        and any(
            isinstance(f, dict) and f.get("Field") == "eventCategory" and "Data" in (f.get("Equals") or [])
            for f in s.get("FieldSelectors") or []
        )
        for s in props.get("AdvancedEventSelectors") or []
    )


def _cloudtrail(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    free_copy_used = False
    for stack, lid, resource in env.of_type("AWS::CloudTrail::Trail"):
        props = _props(resource)
        if _logs_management_events(props):
            if not free_copy_used:
                free_copy_used = True
                yield CostItem(
                    env.account,
                    env.region,
                    "CloudTrail",
                    f"{lid} management events",
                    stack,
                    0,
                    "100,000 events",
                    0.0,
                    0.0,
                    "https://aws.amazon.com/cloudtrail/pricing/",
                    pricer.book.date,
                    note="first copy of management events is free",
                )
            else:
                yield pricer.item(
                    stack,
                    "CloudTrail",
                    f"{lid} management events (additional copy)",
                    a.management_events_per_month / 1e5,
                    "cloudtrail.management_events_additional_100k",
                    assumption="management_events_per_month",
                )
        if _logs_data_events(props):
            yield pricer.item(
                stack,
                "CloudTrail",
                f"{lid} data events",
                a.s3_data_events_per_month / 1e5,
                "cloudtrail.data_events_100k",
                assumption="s3_data_events_per_month",
            )


def _log_groups(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    ingestion = a.log_ingestion_gb_per_group_per_month
    for stack, lid, resource in env.of_type("AWS::Logs::LogGroup"):
        retention = _props(resource).get("RetentionInDays")
        yield pricer.item(
            stack,
            "log groups",
            f"{lid} ingestion",
            ingestion,
            "logs.ingestion_gb",
            assumption="log_ingestion_gb_per_group_per_month",
        )
        if isinstance(retention, (int, float)):
            months, note = retention / DAYS_PER_MONTH, f"retention {retention} days"
        else:
            months, note = a.log_storage_months_never_expire, "never expires: grows every month"
        yield pricer.item(
            stack,
            "log groups",
            f"{lid} storage",
            ingestion * months,
            "logs.storage_gb_month",
            assumption="log_ingestion_gb_per_group_per_month",
            note=note,
        )


def _ref_target(value: Any, attribute: str) -> str | None:
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        getatt = value.get("Fn::GetAtt")
        if isinstance(getatt, list) and len(getatt) == 2 and getatt[1] == attribute:
            return str(getatt[0])
    return None


def _scalable_minimums(env: _Env) -> dict[tuple[str, str], int]:
    """(endpoint logical id, variant name) -> MinCapacity of its autoscaling target."""
    minimums: dict[tuple[str, str], int] = {}
    for _, _, resource in env.of_type("AWS::ApplicationAutoScaling::ScalableTarget"):
        props = _props(resource)
        if props.get("ServiceNamespace") != "sagemaker":
            continue
        parts = (
            (props.get("ResourceId") or {}).get("Fn::Join", [None, []])[1]
            if isinstance(props.get("ResourceId"), dict)
            else []
        )
        endpoint = next((t for p in parts if (t := _ref_target(p, "EndpointName"))), None)
        tail = next((p for p in reversed(parts) if isinstance(p, str) and "/variant/" in p), None)
        if endpoint and tail and isinstance(props.get("MinCapacity"), int):
            minimums[(endpoint, tail.rsplit("/variant/", 1)[1])] = props["MinCapacity"]
    return minimums


def _endpoints(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    configs = {lid: (stack, _props(r)) for stack, lid, r in env.of_type("AWS::SageMaker::EndpointConfig")}
    minimums = _scalable_minimums(env)
    for stack, lid, resource in env.of_type("AWS::SageMaker::Endpoint"):
        config_id = _ref_target(_props(resource).get("EndpointConfigName"), "EndpointConfigName")
        if config_id not in configs:
            continue
        for variant in configs[config_id][1].get("ProductionVariants") or []:
            instance_type, name = variant.get("InstanceType"), variant.get("VariantName", "?")
            if not isinstance(instance_type, str):
                continue  # serverless variants: billed per request, no fixed cost
            autoscaled = (lid, name) in minimums
            count = minimums.get((lid, name), variant.get("InitialInstanceCount", 1))
            origin = "autoscaling MinCapacity" if autoscaled else "InitialInstanceCount"
            note = f"{count} x {instance_type} ({origin})"
            yield pricer.item(
                stack,
                "endpoint instances",
                f"{lid}/{name}",
                count * a.hours_per_month,
                f"sagemaker.hosting.{instance_type}",
                note=note,
            )


def _idle_timeout(settings: dict[str, Any]) -> tuple[int | None, str | None]:
    for app in ("JupyterLabAppSettings", "CodeEditorAppSettings"):
        app_settings = settings.get(app) or {}
        idle = (app_settings.get("AppLifecycleManagement") or {}).get("IdleSettings") or {}
        if idle.get("LifecycleManagement") == "ENABLED":
            instance = (app_settings.get("DefaultResourceSpec") or {}).get("InstanceType")
            return idle.get("MaxIdleTimeoutInMinutes") or idle.get("IdleTimeoutInMinutes"), instance
    return None, None


def _studio(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    users = len(env.of_type("AWS::SageMaker::UserProfile"))
    for stack, lid, resource in env.of_type("AWS::SageMaker::Domain"):
        timeout, instance = _idle_timeout(_props(resource).get("DefaultUserSettings") or {})
        instance = instance if isinstance(instance, str) else a.studio_instance_type
        if isinstance(timeout, int):
            hours = users * a.studio_sessions_per_user_per_month * timeout / 60
            note = (
                f"{users} user(s) x {a.studio_sessions_per_user_per_month:g} sessions x {timeout} min idle "
                f"on {instance} before idle shutdown stops the app"
            )
            assumption = "studio_sessions_per_user_per_month"
        else:
            hours = users * a.hours_per_month
            note = f"no idle shutdown: {users} user(s) x an app left running all month on {instance}"
            assumption = "hours_per_month"
        yield pricer.item(
            stack,
            "Studio idle ceiling",
            lid,
            hours,
            f"sagemaker.studio.{instance}",
            kind="ceiling",
            note=note,
            assumption=assumption,
        )


TGW_ATTACHMENTS = ("AWS::EC2::TransitGatewayAttachment", "AWS::EC2::TransitGatewayVpcAttachment")
#: Hosted zones an account pays the first-tier zone-month for (https://aws.amazon.com/route53/pricing/).
HOSTED_ZONES_FIRST_TIER = 25
#: Profile-VPC associations the Profiles' hourly charge covers per account and region.
PROFILE_ASSOCIATIONS_INCLUDED = 100


def _transit_gateway(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    attachments = [r for kind in TGW_ATTACHMENTS for r in env.of_type(kind)]
    for stack, lid, _ in attachments:
        yield pricer.item(
            stack,
            "transit gateway",
            f"{lid} attachment",
            a.hours_per_month,
            "transitgateway.attachment_hour",
            note="billed to the account of the attached VPC (this one)",
        )
        yield pricer.item(
            stack,
            "transit gateway",
            f"{lid} data processing",
            a.transit_gateway_gb_per_attachment_per_month,
            "transitgateway.data_processing_gb",
            assumption="transit_gateway_gb_per_attachment_per_month",
            note="GB this VPC sends into the transit gateway (the sender pays)",
        )


def _zero(env: _Env, stack: str, category: str, resource: str, source: str, note: str) -> CostItem:
    return CostItem(
        env.account, env.region, category, resource, stack, 0, "month", 0.0, 0.0, source, note=note
    )


def _route53(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    for n, (stack, lid, _) in enumerate(env.of_type("AWS::Route53::HostedZone")):
        first = n < HOSTED_ZONES_FIRST_TIER
        key = "route53.hosted_zone_month" if first else "route53.hosted_zone_month_over_25"
        tier = "" if first else f" beyond the {HOSTED_ZONES_FIRST_TIER}th of the account"
        note = f"private hosted zone{tier}"
        yield pricer.item(stack, "Route 53", lid, 1, key, note=note)
    profiles = env.of_type("AWS::Route53Profiles::Profile")
    if profiles:
        associations = env.profile_associations
        seen = (
            f"{associations} Profile-VPC association(s) in this assembly"
            if associations
            else "no Profile-VPC association in this assembly: spokes deploy theirs (assumed at least one)"
        )
        yield pricer.item(
            profiles[0][0],
            "Route 53",
            f"Profiles ({len(profiles)} owned)",
            a.hours_per_month,
            "route53profiles.account_hour",
            note=f"the Profiles' owner pays for every association, other accounts' included; {seen}",
        )
        extra = associations - PROFILE_ASSOCIATIONS_INCLUDED
        if extra > 0:
            yield pricer.item(
                profiles[0][0],
                "Route 53",
                f"Profile-VPC associations beyond {PROFILE_ASSOCIATIONS_INCLUDED}",
                extra * a.hours_per_month,
                "route53profiles.association_hour_over_100",
                note=f"{extra} association(s)",
            )
    for stack, lid, _ in env.of_type("AWS::Route53Profiles::ProfileAssociation"):
        yield _zero(
            env,
            stack,
            "Route 53",
            lid,
            "https://aws.amazon.com/route53/pricing/",
            "Profile-VPC association: billed to the account that owns the Profile (the hub), not this one",
        )


def _ram(env: _Env, pricer: _Pricer, a: CostAssumptions) -> Iterable[CostItem]:
    for stack, lid, _ in env.of_type("AWS::RAM::ResourceShare"):
        yield pricer.item(stack, "RAM", lid, 1, "ram.resource_share_month", note="a resource share is free")


ESTIMATORS = (
    _vpc_endpoints,
    _kms_keys,
    _config,
    _guardduty,
    _cloudtrail,
    _log_groups,
    _endpoints,
    _studio,
    _transit_gateway,
    _route53,
    _ram,
)


def estimate(
    stacks: list[StackTemplate],
    prices: PriceBook,
    assumptions: CostAssumptions | None = None,
    default_region: str | None = None,
    types: TypeTable | None = None,
) -> CostEstimate:
    """Itemise the fixed monthly cost of ``stacks`` (from :func:`~.assembly.read_assembly`).

    ``default_region`` prices stacks whose region is unknown; without it their items have no price.
    ``types`` is the resource type table (default: the one shipped, :func:`~.coverage.load_type_table`).
    """
    a = assumptions or CostAssumptions()
    envs: dict[tuple[str, str], _Env] = {}
    warnings: list[str] = []
    for s in stacks:
        region = default_region if s.region == UNKNOWN_REGION and default_region else s.region
        env = envs.setdefault((s.account, region), _Env(s.account, region, []))
        env.resources += [(s.stack, lid, r) for lid, r in s.resources.items() if isinstance(r, dict)]
    for env in envs.values():
        env.profile_associations = sum(
            len(other.of_type("AWS::Route53Profiles::ProfileAssociation"))
            for other in envs.values()
            if other.region == env.region
        )
    for account, region in sorted(envs):
        if region not in prices.prices and region != UNKNOWN_REGION:
            warnings.append(
                f"{account}/{region}: the price snapshot has no prices for {region} "
                f"(it has {', '.join(prices.regions)}); run tools/refresh_prices.py --region {region}"
            )
    items = [
        item
        for _, env in sorted(envs.items())
        for f in ESTIMATORS
        for item in f(env, _Pricer(env, prices), a)
    ]
    everything = (
        (env.account, env.region, stack, lid, r)
        for _, env in sorted(envs.items())
        for stack, lid, r in env.resources
    )
    coverage = classify(everything, types or load_type_table())
    return CostEstimate(
        items + coverage.items(),
        a,
        prices.date,
        prices.file,
        warnings + coverage.warnings(),
        coverage.not_priced,
        coverage.unknown,
    )
