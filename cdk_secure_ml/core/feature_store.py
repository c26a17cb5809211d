"""Feature Store facts and checks: feature group names, feature definitions, the stores and the offline
store's place in the data bucket (docs/feature-store.md).

CDK-free: the config validators, :class:`~cdk_secure_ml.constructs.feature_store.SecureFeatureStore` and the
emulator's feature group stand-in call the same checks, so a group the construct would refuse is refused
when the config loads, with the same words.

Sources (each also a line of :mod:`cdk_secure_ml.core.aws_behaviours`):

- names, feature types, the reserved feature names, 2,500 features, "at least one of the online and the
  offline store", the event time's type:
  https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html and the
  CloudFormation resource's schema (names ``^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}``, 1-64 characters);
- what replaces a group (create-only properties) and what updates it in place (added features, the online
  store's TTL): https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-featuregroup.html
  and https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateFeatureGroup.html (features cannot
  be removed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdk_secure_ml.core.problems import Problem, is_unresolved

#: A feature group's or a feature's name, as the CloudFormation resource accepts it: 1-64 letters, digits
#: and hyphens, starting and ending with a letter or digit.
FEATURE_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}$")
#: The feature types Feature Store knows.
FEATURE_TYPES: tuple[str, ...] = ("String", "Integral", "Fractional")
#: The types an event time feature may have (a Unix time in seconds, or an ISO-8601 string).
EVENT_TIME_TYPES: tuple[str, ...] = ("String", "Fractional")
#: Feature names Feature Store keeps for itself (the offline store's columns).
RESERVED_FEATURE_NAMES: tuple[str, ...] = ("is_deleted", "write_time", "api_invocation_time")
#: At most this many features in a group.
MAX_FEATURES = 2500
#: The units of the online store's TtlDuration.
TTL_UNITS: tuple[str, ...] = ("Seconds", "Minutes", "Hours", "Days", "Weeks")
#: The Glue database Feature Store creates the offline store's tables in (AmazonSageMakerFeatureStoreAccess
#: scopes its Glue statement to it:
#: https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-feature-store.html).
GLUE_DATABASE = "sagemaker_featurestore"
#: The actions of the Feature Store runtime (featurestore-runtime) the personas get on their team's groups;
#: each takes ``sagemaker:ResourceTag/<key>`` on the ``feature-group`` resource
#: (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html).
RECORD_READ_ACTIONS: tuple[str, ...] = ("sagemaker:GetRecord", "sagemaker:BatchGetRecord")
RECORD_WRITE_ACTIONS: tuple[str, ...] = ("sagemaker:PutRecord", "sagemaker:DeleteRecord")
DESCRIBE_ACTIONS: tuple[str, ...] = ("sagemaker:DescribeFeatureGroup", "sagemaker:DescribeFeatureMetadata")
#: The interface endpoint service of the runtime (core.network.INTERFACE_ENDPOINT_SERVICES).
RUNTIME_ENDPOINT_SERVICE = "sagemaker.featurestore-runtime"


def offline_store_prefix(team: str) -> str:
    """The key prefix of a team's offline stores in the data bucket: ``<team>/feature-store`` (no slash at
    either end; the team's personas already own ``<team>/``)."""
    return f"{team}/feature-store"


def offline_store_role_path(platform: str) -> str:
    """IAM path of the offline store roles, ``/<platform>/feature-store/``: the data bucket's VPC endpoint
    restriction exempts the roles under it (Feature Store writes the offline store from SageMaker's
    network, with no ``aws:SourceVpce``; docs/feature-store.md)."""
    return f"/{platform}/feature-store/"


def offline_store_role_arn_pattern(partition: str, account: str, platform: str) -> str:
    """The ARN pattern of every offline store role of ``platform`` (``aws:PrincipalArn``, ArnLike)."""
    return f"arn:{partition}:iam::{account}:role{offline_store_role_path(platform)}*"


def glue_table_prefix(group_name: str) -> str:
    """The start of the Glue table name Feature Store gives a group's offline store: the name in lower case
    with hyphens as underscores (Athena's naming rules), then ``_<creation time>``."""
    return group_name.lower().replace("-", "_")


@dataclass(frozen=True)
class Feature:
    """One feature definition: ``name`` and ``type`` (one of :data:`FEATURE_TYPES`)."""

    name: str
    type: str


def feature_name_problem(name: str, what: str = "feature group name") -> str | None:
    """Why ``name`` is not a valid feature (group) name, or None."""
    if is_unresolved(name) or FEATURE_NAME_RE.match(name):
        return None
    return (f"{what} {name!r} is not valid: use 1-64 letters, digits and hyphens, starting and ending with a "
            "letter or digit (no underscores or spaces)")


def feature_problems(features: Sequence[Feature]) -> list[Problem]:
    """The feature definitions: at least one, at most :data:`MAX_FEATURES`, valid and unique names, not
    reserved, known types. Paths are relative to the list (``(index, "name")``)."""
    problems: list[Problem] = []
    if not features:
        return [((), "a feature group needs at least one feature: [{name: customer-id, type: String}, ...]")]
    if len(features) > MAX_FEATURES:
        problems.append(((), f"{len(features)} features; a feature group holds at most {MAX_FEATURES}"))
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        if feature.name in RESERVED_FEATURE_NAMES:
            problems.append(((index, "name"), (
                f"feature name {feature.name!r} is reserved by Feature Store (its offline store's columns "
                f"{list(RESERVED_FEATURE_NAMES)}); rename the feature")))
        else:
            problem = feature_name_problem(feature.name, "feature name")
            if problem:
                problems.append(((index, "name"), problem))
        if feature.name in seen:
            problems.append(((index, "name"), f"feature {feature.name!r} is listed twice (first at "
                                              f"features.{seen[feature.name]})"))
        seen.setdefault(feature.name, index)
        if feature.type not in FEATURE_TYPES:
            problems.append(((index, "type"), f"feature type {feature.type!r} of {feature.name!r} is not one "
                                              f"of {list(FEATURE_TYPES)}"))
    return problems


def feature_group_problems(
    *, name: str, record_identifier: str, event_time: str, features: Sequence[Feature], online: bool,
    offline: bool, ttl: tuple[str, int] | None = None,
) -> list[Problem]:
    """Every problem of one feature group, paths relative to the group (``("features", 2, "type")``).

    The record identifier and the event time are features of the group; the event time is a String or a
    Fractional feature; the group has an online store, an offline store or both; a TTL (unit, value) needs
    the online store (it expires online records only).
    """
    problems: list[Problem] = []
    problem = feature_name_problem(name)
    if problem:
        problems.append((("name",), problem))
    problems += [(("features", *path), message) for path, message in feature_problems(features)]
    types = {f.name: f.type for f in features}
    for key, value in (("record_identifier", record_identifier), ("event_time", event_time)):
        if value not in types:
            problems.append(((key,), f"{key} {value!r} of feature group {name!r} is not one of its features "
                                     f"{list(types)}; add it to features"))
    event_type = types.get(event_time)
    if event_type in FEATURE_TYPES and event_type not in EVENT_TIME_TYPES:
        problems.append((("event_time",), (
            f"event_time {event_time!r} of feature group {name!r} is {types[event_time]}; an event time is a "
            "String (ISO-8601) or a Fractional (Unix seconds) feature")))
    if not online and not offline:
        problems.append((("online",), f"feature group {name!r} has neither an online nor an offline store; "
                                      "set online: true, offline: true or both"))
    if ttl is not None:
        unit, amount = ttl
        if unit not in TTL_UNITS:
            problems.append((("ttl", "unit"), f"ttl unit {unit!r} is not one of {list(TTL_UNITS)}"))
        if amount < 1:
            problems.append((("ttl", "value"), f"ttl value {amount} is not a positive number of {unit}"))
        if not online:
            problems.append((("ttl",), f"feature group {name!r} has a ttl but no online store; the ttl "
                                       "expires online records only: set online: true or remove ttl"))
    return problems
