"""The whole platform config, and the rules that compare its sections (docs/config.md)."""

from __future__ import annotations

import copy
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, field_validator, model_validator

from cdk_secure_ml.config._section import Partial, Problem, Section, Unknown, each_item, error_message
from cdk_secure_ml.config._types import Region, check_tags
from cdk_secure_ml.config.bedrock import BedrockConfig, bedrock_platform_problems
from cdk_secure_ml.config.delivery import DeliveryConfig, DeliveryStageConfig
from cdk_secure_ml.config.encryption import EncryptionConfig
from cdk_secure_ml.config.endpoints import (
    EndpointConfig,
    consumer_endpoint_problems,
    endpoint_stage_problems,
    endpoint_team_problems,
    model_monitor_image_problems,
    repeated_endpoint_name_problems,
)
from cdk_secure_ml.config.feature_store import FeatureStoreConfig, feature_group_team_problems
from cdk_secure_ml.config.governance import GovernanceConfig
from cdk_secure_ml.config.identity import IdentityConfig
from cdk_secure_ml.config.inference_components import (
    InferenceComponentEndpointConfig,
    inference_component_stage_problems,
    inference_component_team_problems,
)
from cdk_secure_ml.config.mlflow import mlflow_network_problems, mlflow_server_name_problems
from cdk_secure_ml.config.network import NetworkConfig, subnet_capacity_problems
from cdk_secure_ml.config.storage import StorageConfig
from cdk_secure_ml.config.studio import StudioConfig, unknown_team_problems
from cdk_secure_ml.core.names import kms_alias_prefix_problem
from cdk_secure_ml.core.network import az_id_problems

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")

Tags = Annotated[dict[str, str], AfterValidator(lambda tags: check_tags(tags, "tag"))]


# --------------------------------------------------------------------------------------------------
# Rules across sections (paths relative to the platform config)


def zones_in_region_problems(platform: Any) -> list[Problem]:
    """The network's AZ names belong to the platform's region; more than 2 AZs are listed."""
    network, region = platform.network, platform.region
    problems: list[Problem] = []
    foreign = [az for az in network.availability_zones if not az.startswith(region)]
    if foreign:
        problems.append((("network", "availability_zones"), (
            f"network.availability_zones {foreign} are not in region {region}; "
            f"use zones named {region}a, {region}b, ...")))
    if network.azs() > 2 and not (network.availability_zones or network.availability_zone_ids):
        problems.append((("network", "az_count"), (
            f"network.az_count is {network.az_count}, but the reference stacks are environment-agnostic "
            "(offline synth) and can only discover 2 AZs; list the zones in network.availability_zones")))
    return problems


def zone_id_problems(platform: Any) -> list[Problem]:
    """The network's AZ IDs: their format, count and repeats, and (when the region is known) its region."""
    ids = platform.network.availability_zone_ids
    if not ids:
        return []
    try:
        region = platform.region
    except Unknown:
        region = None  # reported at region; the IDs are still checked for what does not need it
    return [(("network", "availability_zone_ids"), message) for message in az_id_problems(ids, region)]


def abac_tag_problems(platform: Any) -> list[Problem]:
    """Platform-wide tags do not use the ABAC tag keys."""
    abac = (platform.identity.team_tag_key, platform.identity.user_tag_key)
    problems: list[Problem] = []
    for path, what, tags in ((("tags",), "tags", platform.tags),
                             (("studio", "job_tags"), "studio.job_tags", platform.studio.job_tags)):
        reserved = [k for k in tags if k in abac]
        if reserved:
            problems.append((path, (
                f"{what} {reserved} use the ABAC tag keys (identity.team_tag_key / user_tag_key); a "
                "platform-wide value would give every resource the same team: rename the tag")))
    return problems


def key_alias_problems(platform: Any) -> list[Problem]:
    """Without ``encryption.alias_prefix`` the key aliases are ``alias/<name>/...``: the name must be a usable
    prefix (EncryptionKeys refuses one starting with ``aws``)."""
    if platform.encryption.alias_prefix is not None:
        return []
    problem = kms_alias_prefix_problem(platform.name)
    if problem is None:
        return []
    return [(("name",), ("the key aliases default to alias/<name>/<data class>, and the name as alias prefix "
                         f"{problem}; set encryption.alias_prefix or rename the platform"))]


def _stage_data(data: dict[str, Any], stage: DeliveryStageConfig, az_count: int) -> dict[str, Any]:
    """The platform config (as data) that ``stage`` deploys: its region, kind and AZs, no delivery section."""
    data = copy.deepcopy(dict(data))
    data.pop("delivery", None)
    network = data.get("network") or {}
    if not isinstance(network, dict):
        raise Unknown("network")
    data["region"] = stage.region
    data["stage"] = stage.stage_kind
    spoke = _hub_spoke_data(network, stage.account)
    if spoke is not None:
        # In the hub layout each stage's VPC is the spoke of its account, with the spoke's own range.
        network = {**network, "cidr": spoke.get("cidr")}
    if stage.availability_zone_ids:
        data["network"] = {**network, "availability_zone_ids": list(stage.availability_zone_ids),
                           "availability_zones": []}
    else:
        data["network"] = {**network, "availability_zones": stage.azs(az_count), "availability_zone_ids": []}
    return data


def _hub_spoke_data(network: dict[str, Any], account: str) -> dict[str, Any] | None:
    """The ``network.hub.spokes`` entry (as data) of ``account``, in the hub layout."""
    hub = network.get("hub")
    if not isinstance(hub, dict):
        return None
    spokes = hub.get("spokes") or []
    return next((s for s in spokes if isinstance(s, dict) and str(s.get("account")) == account), None)


def hub_spoke_problems(platform: Any) -> list[Problem]:
    """In the hub layout every platform VPC is a spoke: each delivery stage's account is listed in
    ``network.hub.spokes`` (and the stage gets that spoke's range); without delivery, a spoke has
    ``network.cidr``. Spokes are in the hub's region: an interface endpoint serves its own region."""
    hub = platform.network.hub
    if hub is None:
        return []
    problems: list[Problem] = []
    hub_region = hub.region or platform.region
    delivery = platform.delivery
    if delivery is None:
        if not any(s.cidr == platform.network.cidr for s in hub.spokes):
            problems.append((("network", "hub", "spokes"),
                             f"no spoke has network.cidr {platform.network.cidr}: list this platform's "
                             f"account with it ({{account: '<12 digits>', cidr: {platform.network.cidr}}})"))
        if platform.region != hub_region:
            problems.append((("network", "hub", "region"),
                             f"the hub is in {hub_region} but the platform in {platform.region}; interface "
                             "endpoints serve their own region only: put the hub in the platform's region"))
        return problems

    def check(index: int, stage: Any) -> list[Problem]:
        found: list[Problem] = []
        if hub.spoke_for(stage.account) is None:
            found.append((("delivery", "stages", index, "account"),
                          f"stage {stage.name!r} (account {stage.account}) is not a spoke of network.hub; "
                          f"add {{account: '{stage.account}', cidr: <its VPC range>}} to network.hub.spokes"))
        if stage.region != hub_region:
            found.append((("delivery", "stages", index, "region"),
                          f"stage {stage.name!r} is in {stage.region} but the hub in {hub_region}; interface "
                          "endpoints serve their own region only"))
        return found

    return problems + each_item(delivery.stages, check)


def _problems_of(data: dict[str, Any]) -> set[tuple[tuple[str | int, ...], str]]:
    try:
        PlatformConfig.model_validate(data)
    except ValidationError as error:
        return {(tuple(e["loc"]), error_message(e)) for e in error.errors()}
    return set()


def delivery_stage_fit_problems(platform: Any) -> list[Problem]:
    """Every delivery stage deploys the platform with its own region and kind: that must validate too (e.g. a
    prod stage refuses single-instance endpoints). Each problem is reported where the platform config says it,
    naming the stage; problems the platform has anyway are not repeated."""
    delivery = platform.delivery
    if delivery is None:
        return []
    if isinstance(platform, Partial):
        data, known = {k: v for k, v in platform.raw().items() if k != "delivery"}, platform.errors()
    else:
        data, known = platform.model_dump(exclude={"delivery"}), []
    seen = _problems_of(data)  # what the platform reports anyway, whatever the stage
    az_count = platform.network.azs()

    def check(index: int, stage: Any) -> list[Problem]:
        if any(tuple(e["loc"])[:3] == ("delivery", "stages", index) for e in known):
            return []  # the stage itself has problems, reported at the stage
        try:
            PlatformConfig.model_validate(_stage_data(data, stage, az_count))
        except ValidationError as error:
            where = f"in delivery stage {stage.name!r} ({stage.stage_kind} in {stage.region})"
            return [(tuple(e["loc"]), f"{where}: {error_message(e)}") for e in error.errors()
                    if (tuple(e["loc"]), error_message(e)) not in seen]
        return []

    return each_item(delivery.stages, check)


class PlatformConfig(Section):
    """The whole platform config: one file per platform (config/*.yaml)."""

    name: str = Field(description="Platform name, 3-32 lower-case letters, digits and hyphens, starting with "
                                  "a letter: names the stage (stack prefix), key aliases and bucket names.")
    region: Region = Field(description="AWS region code, checked against botocore's region list (commercial, "
                                       "GovCloud, China, ...).")
    stage: Literal["dev", "test", "staging", "prod"] = Field(
        "dev", description="dev, test, staging or prod: tagged on every resource; every stage but dev is "
                           "production (endpoints need 2 or more instances).")
    tags: Tags = Field(
        default_factory=dict, description="Tags on every resource; keys 1-128 characters without the aws: "
                                          "prefix, values up to 256; not the ABAC keys of identity.")
    network: NetworkConfig = Field(default_factory=NetworkConfig, description="The isolated VPC "
                                                                              "(docs/network.md).")
    encryption: EncryptionConfig = Field(
        default_factory=EncryptionConfig, description="The platform's KMS keys (docs/encryption.md).")
    storage: StorageConfig = Field(
        default_factory=StorageConfig, description="The data and artifacts buckets (docs/storage.md).")
    governance: GovernanceConfig = Field(
        default_factory=GovernanceConfig, description="Audit trail, Config rules, GuardDuty, alerts, SCPs "
        "(docs/governance.md).")
    endpoints: list[EndpointConfig] = Field(
        default_factory=list, description="SageMaker endpoints of the ServingStack (docs/hosting.md)."
    )
    inference_component_endpoints: list[InferenceComponentEndpointConfig] = Field(
        default_factory=list, description="SageMaker endpoints whose models are inference components "
                                          "(docs/hosting.md, \"Inference components\").")
    identity: IdentityConfig = Field(
        default_factory=IdentityConfig, description="Teams, ABAC tag keys, federation (docs/identity.md).")
    studio: StudioConfig = Field(
        default_factory=StudioConfig, description="The Studio domain and its users (docs/studio.md).")
    feature_store: FeatureStoreConfig = Field(
        default_factory=FeatureStoreConfig, description="SageMaker Feature Store feature groups per team "
                                                        "(docs/feature-store.md).")
    delivery: DeliveryConfig | None = Field(
        None, description="Deploy through a CDK pipeline from a tooling account to stage accounts "
                          "(docs/delivery.md)."
    )
    bedrock: BedrockConfig | None = Field(
        None, description="Private Amazon Bedrock for the personas: allow-listed models, the VPC endpoint, "
                          "invocation logging, an optional guardrail (docs/bedrock.md).")

    rules = (zones_in_region_problems, zone_id_problems, abac_tag_problems, key_alias_problems,
             repeated_endpoint_name_problems, endpoint_stage_problems, endpoint_team_problems,
             model_monitor_image_problems, unknown_team_problems, delivery_stage_fit_problems,
             hub_spoke_problems, subnet_capacity_problems, consumer_endpoint_problems,
             bedrock_platform_problems, feature_group_team_problems,
             inference_component_stage_problems, inference_component_team_problems,
             mlflow_server_name_problems, mlflow_network_problems)

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _NAME_RE.match(name):
            raise ValueError(
                f"{name!r} is not a valid platform name; use 3-32 lower-case letters, digits and hyphens, "
                "starting with a letter (it prefixes stack names and key aliases)"
            )
        return name

    @model_validator(mode="after")
    def _account_singletons(self) -> PlatformConfig:
        """Decide ``governance.config_recorder`` and ``guardduty_detector`` where the file leaves them out.

        An account and region has one Config recorder, one delivery channel and one GuardDuty detector
        (https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html,
        https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html). In an AWS
        Organizations landing zone (a ``delivery`` or ``governance.organization`` section) Control Tower or
        the organization's delegated administrator has created them already, and a second one fails the
        deploy; a standalone account has none until the platform creates them. Every delivery stage
        inherits the decision (:meth:`for_delivery_stage` keeps it).
        """
        gov = self.governance
        standalone = self.delivery is None and gov.organization is None
        updates = {key: standalone for key in ("config_recorder", "guardduty_detector")
                   if getattr(gov, key) is None}
        if updates:
            object.__setattr__(self, "governance", gov.model_copy(update=updates))
        return self

    @property
    def key_alias_prefix(self) -> str:
        return self.encryption.alias_prefix or self.name

    def for_delivery_stage(self, stage: DeliveryStageConfig) -> PlatformConfig:
        """This config as deployed by ``stage``: its region, kind and AZs, validated again.

        :raises pydantic.ValidationError: when the config does not fit the stage (refused when the config
            loads, so only for a stage that is not one of :attr:`delivery`'s).
        """
        data = _stage_data(self.model_dump(exclude={"delivery"}), stage, self.network.azs())
        return PlatformConfig.model_validate(data)
