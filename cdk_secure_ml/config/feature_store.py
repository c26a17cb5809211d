"""``feature_store``: SageMaker Feature Store feature groups per team (docs/feature-store.md,
``SecureFeatureStore``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from cdk_secure_ml.config._section import Problem, Section, Unknown, each_item
from cdk_secure_ml.core.feature_store import (
    RUNTIME_ENDPOINT_SERVICE,
    Feature,
    feature_group_problems,
)


class FeatureConfig(Section):
    """One feature of a group."""

    name: str = Field(description="Feature name: 1-64 letters, digits and hyphens, starting and ending with "
                                  "a letter or digit; not is_deleted, write_time or api_invocation_time.")
    type: Literal["String", "Integral", "Fractional"] = Field(description="String, Integral or Fractional.")


class TtlConfig(Section):
    """How long the online store keeps a record after its event time."""

    unit: Literal["Seconds", "Minutes", "Hours", "Days", "Weeks"] = Field(
        description="Seconds, Minutes, Hours, Days or Weeks.")
    value: int = Field(ge=1, description="A positive number of units.")


def _type(feature: Any) -> str:
    try:
        return str(feature.type)
    except Unknown:
        return "?"  # reported at the feature's type; not one of FEATURE_TYPES, so no rule compares it


def _group_problems(group: Any) -> list[Problem]:
    try:
        ttl = (group.ttl.unit, group.ttl.value) if group.ttl is not None else None
    except Unknown:
        ttl = None  # reported at the ttl
    problems = feature_group_problems(
        name=group.name, record_identifier=group.record_identifier, event_time=group.event_time,
        features=[Feature(f.name, _type(f)) for f in group.features], online=group.online,
        offline=group.offline, ttl=ttl)
    # Pydantic already placed the name and types of each feature; keep the rules that compare them.
    return [(path, message) for path, message in problems
            if not (path[:1] == ("features",) and len(path) == 3 and path[2] == "type")]


class FeatureGroupConfig(Section):
    """One feature group: its schema, its stores and its team."""

    name: str = Field(description="Feature group name, 1-64 letters, digits and hyphens; unique in the "
                                  "account and region. A change of a create-only key needs a new name "
                                  "(docs/feature-store.md, 'Day 2').")
    team: str = Field(description="The owning team, one of identity.teams: its tag on the group (ABAC), "
                                  "its prefix of the data bucket for the offline store.")
    description: str | None = Field(None, max_length=128, description="Free text, up to 128 characters.")
    record_identifier: str = Field(description="The feature that identifies a record (one of features).")
    event_time: str = Field(description="The feature holding the record's event time (one of features, "
                                        "String or Fractional).")
    features: list[FeatureConfig] = Field(description="The features, {name, type}; 1-2,500. New ones may be "
                                                      "added at the end; none may be removed or changed.")
    online: bool = Field(True, description="An online store (low-latency GetRecord), encrypted with the "
                                           "platform's data key.")
    offline: bool = Field(True, description="An offline store in the data bucket under "
                                            "<team>/feature-store/, encrypted with the data key.")
    glue_table: bool = Field(True, description="Let Feature Store create the offline store's Glue table in "
                                               "the sagemaker_featurestore database (for Athena); false "
                                               "sets DisableGlueTableCreation.")
    ttl: TtlConfig | None = Field(None, description="Expire online records this long after their event "
                                                    "time, {unit, value}; default: never.")

    rules = (_group_problems,)


def duplicate_group_problems(store: Any) -> list[Problem]:
    """Each group is listed once (paths relative to the section)."""
    seen: dict[str, int] = {}

    def check(index: int, group: Any) -> list[Problem]:
        if group.name in seen:
            return [(("groups", index, "name"), f"feature group {group.name!r} is listed twice (first at "
                                                 f"groups.{seen[group.name]})")]
        seen[group.name] = index
        return []

    return each_item(store.groups, check)


class FeatureStoreConfig(Section):
    """Feature groups of the FeatureStore stack, and the featurestore-runtime interface endpoint."""

    groups: list[FeatureGroupConfig] = Field(
        default_factory=list, description="The feature groups (docs/feature-store.md); none: no FeatureStore "
                                          "stack and no featurestore-runtime endpoint.")

    rules = (duplicate_group_problems,)


def feature_group_team_problems(platform: Any) -> list[Problem]:
    """Feature groups belong to teams of ``identity.teams`` (paths relative to the platform config)."""
    names = [team.name for team in platform.identity.teams]

    def check(index: int, group: Any) -> list[Problem]:
        if group.team in names:
            return []
        return [(("feature_store", "groups", index, "team"),
                 f"feature group {group.name!r} is in unknown team {group.team!r}; add it to identity.teams "
                 f"{names}")]

    return each_item(platform.feature_store.groups, check)


def feature_store_endpoints(platform: Any) -> list[str]:
    """The interface endpoint services of the platform VPC, with ``sagemaker.featurestore-runtime`` when
    feature groups are configured (records are read and written through it from the VPC)."""
    services = list(platform.network.interface_endpoints.services())
    if platform.feature_store.groups and RUNTIME_ENDPOINT_SERVICE not in services:
        services.append(RUNTIME_ENDPOINT_SERVICE)
    return services
