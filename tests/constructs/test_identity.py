"""Identity: boundary on every role, persona separation of duties, ABAC, guardrails, trust, PassRole."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import pytest
from aws_cdk import CfnWaitConditionHandle, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.identity import (
    EXECUTION_PERSONAS,
    PERSONAS,
    MlPersonas,
    PlatformContext,
    boundary_statements,
    data_scientist_denials,
    data_scientist_statements,
    execution_role_statements,
    guardrail_statements,
    ml_admin_denials,
    ml_admin_statements,
    ml_engineer_denials,
    ml_engineer_statements,
    model_consumer_statements,
    promoted_model_statements,
    studio_access_statements,
    studio_user_statements,
    team_data_statements,
)
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.core.instance_types import INSTANCE_STORE_FAMILIES, instance_store_patterns
from tests.conftest import new_app
from tests.helpers.access import decide, evaluate, resolved
from tests.helpers.job_network import job_network


@pytest.fixture(scope="module")
def foundation(reference_app):
    _, stage, _ = reference_app
    return stage.foundation, Template.from_stack(stage.foundation)


def _policies_of(
    template: Template, stack: Stack, role: iam.Role, *, skip: tuple[str, ...] = (), resolve: bool = False
) -> list[dict]:
    """The documents of ``role``'s managed policies, without those whose logical ids are in ``skip``; with
    ``resolve``, their intrinsics resolved for the evaluator (tests.helpers.access)."""
    role_res = template.find_resources("AWS::IAM::Role")[stack.get_logical_id(role.node.default_child)]
    arns = role_res["Properties"].get("ManagedPolicyArns", [])
    refs = [ref["Ref"] for ref in arns if ref["Ref"] not in skip]
    policies = template.find_resources("AWS::IAM::ManagedPolicy")
    docs = [policies[ref]["Properties"]["PolicyDocument"] for ref in refs]
    return resolved(docs, template.to_json()) if resolve else docs


def _bucket_name(foundation) -> str:
    """The data bucket's name as the evaluator's resolver gives it."""
    stack, t = foundation
    logical_id = stack.get_logical_id(stack.data_bucket.bucket.node.default_child)
    return resolved([{"Ref": logical_id}], t.to_json())[0]


def _docs(foundation, persona, team=None, *, guardrails=True, resolve=False):
    """The persona's documents; ``guardrails=False`` leaves out the guardrail policy (its own tests send
    the VPC, keys and instance types a job needs)."""
    stack, t = foundation
    personas = stack.personas
    role = personas.execution_role(persona, team) if team else personas.human_role(persona)
    skip = () if guardrails else (stack.get_logical_id(personas.policies["Guardrails"].node.default_child),)
    return _policies_of(t, stack, role, skip=skip, resolve=resolve)


# ----------------------------------------------------------------------------- boundary and roles


def test_every_role_in_every_stack_has_the_boundary(reference_app):
    _, stage, _ = reference_app
    stacks = [
        stage.foundation,
        stage.governance,
        *([stage.studio] if stage.studio else []),
        *stage.user_stacks,
    ]
    checked = 0
    for stack in stacks:
        for logical_id, role in Template.from_stack(stack).find_resources("AWS::IAM::Role").items():
            assert "PermissionsBoundary" in role["Properties"], f"{stack.stack_name}/{logical_id}"
            checked += 1
    assert checked >= 12  # personas, execution roles, flow log, custom resource, trail, recorder


def test_boundary_denies_what_no_role_may_do(foundation):
    stack, t = foundation
    boundary_id = stack.get_logical_id(stack.permissions_boundary.policy.node.default_child)
    doc = t.find_resources("AWS::IAM::ManagedPolicy")[boundary_id]["Properties"]["PolicyDocument"]
    for action in (
        "iam:CreateRole",
        "iam:PutRolePermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary",
        "organizations:LeaveOrganization",
        "cloudtrail:StopLogging",
        "config:StopConfigurationRecorder",
        "guardduty:DeleteDetector",
        "ec2:CreateInternetGateway",
        "ec2:CreateNatGateway",
        "kms:ScheduleKeyDeletion",
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
    ):
        assert decide([doc], action) == "deny", action
    for action in ("sagemaker:CreateTrainingJob", "s3:GetObject", "kms:Decrypt", "iam:PassRole"):
        assert decide([doc], action) == "allow", action


def test_human_roles_are_assumed_through_the_account_with_session_tags(foundation):
    stack, t = foundation
    roles = t.find_resources("AWS::IAM::Role")
    for persona in PERSONAS:
        role = roles[stack.get_logical_id(stack.personas.human_role(persona).node.default_child)]
        trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        actions = {a for s in trust for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
        assert actions == {"sts:AssumeRole", "sts:TagSession"}
        for statement in trust:
            assert "root" in json.dumps(statement["Principal"])  # the account, never a user or *
        assert role["Properties"]["Path"] == "/secure-ml/people/"
        assert role["Properties"]["MaxSessionDuration"] == 14400
    t.resource_count_is("AWS::IAM::User", 0)
    t.resource_count_is("AWS::IAM::AccessKey", 0)


@pytest.mark.aws_behaviour("sagemaker.source-identity-needs-trust", "sagemaker.jobs-take-the-source-identity")
def test_execution_roles_per_team_trust_sagemaker_for_this_account_only(foundation):
    stack, t = foundation
    roles = t.find_resources("AWS::IAM::Role")
    assert set(stack.personas.execution_roles) == {
        (p, team) for p in EXECUTION_PERSONAS for team in ("research", "fraud")
    }
    for (persona, team), role in stack.personas.execution_roles.items():
        props = roles[stack.get_logical_id(role.node.default_child)]["Properties"]
        trust = props["AssumeRolePolicyDocument"]["Statement"]
        actions = sorted(
            a for s in trust for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        )
        # E1: the domain propagates the profile name as source identity, so SageMaker assumes
        # execution roles with sts:SetSourceIdentity.
        assert actions == ["sts:AssumeRole", "sts:SetSourceIdentity"]
        for statement in trust:
            assert statement["Effect"] == "Allow"
            assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
            assert statement["Condition"] == {
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
            }
        assert props["Path"] == f"/secure-ml/execution/{persona}/{team}/"
        tags = {tag["Key"]: tag["Value"] for tag in props["Tags"]}
        assert tags["team"] == team and tags["secure-ml:persona"] == persona


def test_no_aws_managed_full_access_policies(foundation):
    _, t = foundation
    text = json.dumps(t.to_json())
    assert "AmazonSageMakerFullAccess" not in text and "AdministratorAccess" not in text
    assert '"kms:*"' not in json.dumps(t.find_resources("AWS::IAM::ManagedPolicy"))


# ----------------------------------------------------------------------------- separation of duties


def test_data_scientist_trains_but_does_not_deploy_or_touch_cicd(foundation):
    for docs in (
        _docs(foundation, "data-scientist", guardrails=False, resolve=True),
        _docs(foundation, "data-scientist", "research", guardrails=False, resolve=True),
    ):
        for action in (
            "sagemaker:CreateTrainingJob",
            "sagemaker:CreateProcessingJob",
            "sagemaker:CreateHyperParameterTuningJob",
        ):
            assert decide(docs, action) == "allow", action
        for action in (
            "sagemaker:CreateEndpoint",
            "sagemaker:CreateEndpointConfig",
            "sagemaker:UpdateEndpoint",
            "sagemaker:DeleteEndpoint",
            "sagemaker:CreateModel",
            "codepipeline:StartPipelineExecution",
            "codebuild:StartBuild",
            "codecommit:GitPush",
            "sagemaker:StartPipelineExecution",
            "sagemaker:UpdateModelPackage",
        ):
            assert decide(docs, action) == "deny", action


def test_ml_engineer_deploys_but_does_not_train(foundation):
    for docs in (
        _docs(foundation, "ml-engineer", guardrails=False, resolve=True),
        _docs(foundation, "ml-engineer", "fraud", guardrails=False, resolve=True),
    ):
        for action in (
            "sagemaker:CreateModel",
            "sagemaker:CreateEndpointConfig",
            "sagemaker:CreateEndpoint",
            "sagemaker:UpdateEndpoint",
            "sagemaker:StartPipelineExecution",
            "application-autoscaling:RegisterScalableTarget",
        ):
            assert decide(docs, action) == "allow", action
        for action in ("sagemaker:CreateTrainingJob", "sagemaker:CreateHyperParameterTuningJob"):
            assert decide(docs, action) == "deny", action


def test_ml_admin_runs_studio_but_no_workloads_or_data(foundation):
    docs = _docs(foundation, "ml-admin", resolve=True)
    for action in ("sagemaker:CreateUserProfile", "sagemaker:DeleteApp", "sagemaker:UpdateDomain"):
        assert decide(docs, action) == "allow", action
    for action in ("sagemaker:CreateTrainingJob", "sagemaker:CreateEndpoint", "sagemaker:CreateModel"):
        assert decide(docs, action) == "deny", action
    for action in ("s3:GetObject", "kms:Decrypt", "sagemaker:CreatePresignedDomainUrl"):
        assert decide(docs, action) == "implicit-deny", action


def test_model_consumer_gets_nothing_without_named_endpoints(foundation):
    assert _docs(foundation, "model-consumer") == []


def test_no_promoted_model_access_without_a_delivery_account(foundation):
    docs = _docs(foundation, "data-scientist", "research")
    assert not [s for d in docs for s in d["Statement"] if s.get("Sid") == "ReadPromotedModels"]


# ----------------------------------------------------------------------------- ABAC and guardrails


def _statement(docs, sid):
    found = [s for d in docs for s in d["Statement"] if s.get("Sid") == sid]
    assert found, sid
    return found[0]


def test_creation_requires_the_callers_team_and_operations_require_a_team_match(foundation):
    docs = _docs(foundation, "data-scientist")
    create = _statement(docs, "CreateTeamJobs")
    assert create["Condition"] == {"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}}
    operate = _statement(docs, "OperateTeamJobs")
    assert operate["Condition"] == {
        "StringEquals": {"sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"}
    }
    tag = _statement(docs, "TagOnlyWithOwnTeam")
    assert tag["Condition"]["StringEqualsIfExists"] == {
        "sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"
    }


def test_s3_access_is_per_team_prefix_and_keys_only_through_s3(foundation):
    docs = _docs(foundation, "data-scientist")
    objects = _statement(docs, "TeamObjects")
    rendered = json.dumps(objects["Resource"])
    assert rendered.count("/${aws:PrincipalTag/team}/*") == 2
    listing = _statement(docs, "ListTeamPrefix")
    assert listing["Condition"] == {
        "StringLike": {"s3:prefix": ["${aws:PrincipalTag/team}/*", "${aws:PrincipalTag/team}"]}
    }
    keys = _statement(docs, "TeamDataKeysThroughS3")
    assert keys["Condition"] == {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}
    read_only = _docs(foundation, "ml-engineer", resolve=True)
    data = f"arn:aws:s3:::{_bucket_name(foundation)}/research/features/part-0.parquet"
    assert decide(read_only, "s3:PutObject", resource=data) == "implicit-deny"
    assert decide(read_only, "s3:GetObject", resource=data) == "allow"
    fraud = data.replace("/research/", "/fraud/")
    assert decide(read_only, "s3:GetObject", resource=fraud) == "implicit-deny"


def test_presigned_url_only_for_own_profile(foundation):
    docs = _docs(foundation, "data-scientist")
    statement = _statement(docs, "OpenOwnStudioProfile")
    assert statement["Action"] == "sagemaker:CreatePresignedDomainUrl"
    assert json.dumps(statement["Resource"]).endswith(':user-profile/*/${aws:PrincipalTag/user}"]]}')
    assert statement["Condition"] == {
        "StringEquals": {"sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"}
    }


def test_pass_role_only_own_team_execution_roles_to_sagemaker(foundation):
    for persona in ("data-scientist", "ml-engineer"):
        statement = _statement(_docs(foundation, persona), "PassOwnTeamExecutionRole")
        assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
        assert json.dumps(statement["Resource"]).endswith(
            f':role/secure-ml/execution/{persona}/${{aws:PrincipalTag/team}}/*"]]}}'
        )


def test_guardrails_on_sagemaker_condition_keys(foundation):
    stack, _ = foundation
    docs = _docs(foundation, "data-scientist", "research")
    resolved = stack.resolve
    subnets = _statement(docs, "DenyJobsInOtherSubnets")
    assert subnets["Effect"] == "Deny"
    assert subnets["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:VpcSubnets"] == [
        resolved(s) for s in stack.network.subnet_ids
    ]
    expectations = {
        "DenyJobsOutsideTheVpc": {"Null": {"sagemaker:VpcSubnets": "true"}},
        "DenyUnencryptedJobVolumes": {
            "Null": {"sagemaker:VolumeKmsKey": "true"},
            "ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": instance_store_patterns()},
        },
        "DenyUnencryptedJobVolumesWithoutInstanceType": {
            "Null": {"sagemaker:VolumeKmsKey": "true", "sagemaker:InstanceTypes": "true"}
        },
        "DenySharedSpaces": {"StringEquals": {"sagemaker:SpaceSharingType": "Shared"}},
        "DenyUnencryptedJobOutput": {"Null": {"sagemaker:OutputKmsKey": "true"}},
        "DenyPlaintextInterContainerTraffic": {
            "BoolIfExists": {"sagemaker:InterContainerTrafficEncryption": "false"}
        },
        "DenyContainersWithoutNetworkIsolation": {"BoolIfExists": {"sagemaker:NetworkIsolation": "false"}},
        "DenyInternetNotebooks": {"StringNotEqualsIfExists": {"sagemaker:DirectInternetAccess": "Disabled"}},
        "DenyRootNotebooks": {"StringEquals": {"sagemaker:RootAccess": "Enabled"}},
        "DenyDomainsOutsideTheVpc": {
            "StringEquals": {"sagemaker:AppNetworkAccessType": "PublicInternetOnly"}
        },
    }
    for sid, condition in expectations.items():
        statement = _statement(docs, sid)
        assert statement["Effect"] == "Deny" and statement["Condition"] == condition, sid
    types = _statement(docs, "DenyInstanceTypesOutsideTheAllowList")
    assert types["Condition"] == {
        "ForAnyValue:StringNotLike": {
            "sagemaker:InstanceTypes": ["ml.t3.*", "ml.m5.*", "ml.m6i.*", "ml.c5.*", "ml.g5.*", "system"]
        }
    }
    assert "sagemaker:CreateTrainingJob" in _statement(docs, "DenyUnencryptedJobVolumes")["Action"]


@pytest.mark.aws_behaviour("sagemaker.vpc-job-eni-permissions-unconditioned")
def test_execution_roles_may_create_job_enis_and_grant_keys_to_aws_services(foundation):
    docs = _docs(foundation, "data-scientist", "fraud")
    enis = _statement(docs, "NetworkInterfacesForVpcJobs")
    assert "ec2:CreateNetworkInterface" in enis["Action"]
    # SageMaker's processing-job validation fails on a conditioned or resource-scoped ENI grant.
    assert enis["Resource"] == "*" and "Condition" not in enis
    grant = _statement(docs, "GrantVolumeKeyToAwsServices")
    assert grant["Action"] == "kms:CreateGrant"
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert "kms:CreateGrant" not in _statement(docs, "EncryptVolumes")["Action"]


def test_managed_policies_fit_the_iam_size_limit(foundation):
    _, t = foundation
    for logical_id, policy in t.find_resources("AWS::IAM::ManagedPolicy").items():
        text = json.dumps(policy["Properties"]["PolicyDocument"], separators=(",", ":"))
        # IAM counts the resolved document without whitespace; intrinsics here are longer than ARNs.
        assert len(text) < 6144, f"{logical_id}: {len(text)} characters"


# ----------------------------------------------------------------------------- options and errors


@pytest.fixture(scope="module")
def options_lab():
    app = new_app()
    stack = Stack(app, "IdentityOptions")
    keys = EncryptionKeys(stack, "Keys")
    data = SecureBucket(stack, "Data", encryption_key=keys.data)
    artifacts = SecureBucket(stack, "Artifacts", encryption_key=keys.artifacts)
    provider = iam.SamlProvider.from_saml_provider_arn(
        stack, "Idp", "arn:aws:iam::111122223333:saml-provider/corp"
    )
    personas = MlPersonas(
        stack,
        "Personas",
        platform="lab",
        teams=["vision"],
        **job_network(stack, ["subnet-1", "subnet-2"], ["sg-1"]),
        data_bucket=data.bucket,
        artifacts_bucket=artifacts.bucket,
        data_key=keys.data,
        artifacts_key=keys.artifacts,
        volumes_key=keys.volumes,
        instance_types=[],
        trusted_principal=iam.SamlConsolePrincipal(provider),
        team_tag_key="cost-center",
        user_tag_key="login",
        consumer_endpoint_names=["fraud-scorer"],
    )
    app.synth()
    return stack, personas, Template.from_stack(stack)


def test_saml_federation_trust(options_lab):
    stack, personas, t = options_lab
    role = t.find_resources("AWS::IAM::Role")[
        stack.get_logical_id(personas.human_role("data-scientist").node.default_child)
    ]
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    actions = {a for s in trust for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert actions == {"sts:AssumeRoleWithSAML", "sts:TagSession"}
    assert all(s["Principal"] == {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"} for s in trust)


def test_custom_tag_keys_and_consumer_endpoints_and_no_instance_list(options_lab):
    stack, personas, t = options_lab
    docs = _policies_of(t, stack, personas.human_role("data-scientist"))
    assert _statement(docs, "CreateTeamJobs")["Condition"] == {
        "StringEquals": {"aws:RequestTag/cost-center": "${aws:PrincipalTag/cost-center}"}
    }
    assert (
        json.dumps(_statement(docs, "OpenOwnStudioProfile")["Resource"]).count("${aws:PrincipalTag/login}")
        == 1
    )
    assert not [
        s for d in docs for s in d["Statement"] if s.get("Sid") == "DenyInstanceTypesOutsideTheAllowList"
    ]
    consumer = _policies_of(t, stack, personas.human_role("model-consumer"))
    named = resolved(consumer, t.to_json())
    scorer = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/fraud-scorer-0a1b2c3d"
    assert decide(named, "sagemaker:InvokeEndpoint", resource=scorer) == "allow"
    churn = scorer.replace("fraud", "churn")
    assert decide(named, "sagemaker:InvokeEndpoint", resource=churn) == "implicit-deny"
    assert decide(named, "sagemaker:CreateEndpoint", resource=scorer) == "implicit-deny"
    invoke = _statement(consumer, "InvokeNamedEndpoints")
    # the physical names <name>-<8 hex> of SecureEndpoint, lower-cased as in SageMaker ARNs
    assert json.dumps(invoke["Resource"]).endswith(':endpoint/fraud-scorer-????????"]]}')


def test_lookup_errors_name_what_exists(options_lab):
    _, personas, _ = options_lab
    with pytest.raises(ValueError, match=r"teams: \['vision'\]"):
        personas.execution_role("data-scientist", "nlp")
    with pytest.raises(ValueError, match="unknown persona 'wizard'"):
        personas.human_role("wizard")


# ----------------------------------------------------------------------------- typed network parameters


def test_a_subnet_selection_pins_jobs_to_the_selected_subnets():
    stack = Stack(new_app(), "S")
    kwargs = _kwargs(stack, ["subnet-1", "subnet-2"], ["sg-1", "sg-2"])
    personas = MlPersonas(
        stack,
        "P",
        **{
            **kwargs,
            "teams": ["a"],
            "subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        },
    )
    assert stack.resolve(personas.context.subnet_ids) == ["subnet-1", "subnet-2"]
    assert stack.resolve(personas.context.security_group_ids) == ["sg-1", "sg-2"]
    guardrails = personas.policies["Guardrails"].document.to_json()["Statement"]
    by_sid = {st["Sid"]: st for st in stack.resolve(guardrails)}
    assert by_sid["DenyJobsInOtherSubnets"]["Condition"] == {
        "ForAnyValue:StringNotEquals": {"sagemaker:VpcSubnets": ["subnet-1", "subnet-2"]}
    }
    assert by_sid["DenyJobsWithOtherSecurityGroups"]["Condition"] == {
        "ForAnyValue:StringNotEquals": {"sagemaker:VpcSecurityGroupIds": ["sg-1", "sg-2"]}
    }


# ----------------------------------------------------------------------------- grant


@dataclass
class GrantLab:
    stack: Stack
    other: Stack
    personas: MlPersonas
    roles: dict[str, iam.Role]
    grants: dict[str, iam.Grant]
    waiter: CfnWaitConditionHandle

    def template(self, stack: Stack | None = None) -> Template:
        return Template.from_stack(stack or self.stack)


@pytest.fixture(scope="module")
def grant_lab() -> GrantLab:
    app = new_app()
    stack = Stack(app, "Grants")
    personas = MlPersonas(
        stack,
        "Personas",
        **{**_kwargs(stack), "teams": ["vision", "nlp"], "consumer_endpoint_names": ["fraud-scorer"]},
    )
    roles = {
        p: iam.Role(stack, f"Existing{i}", assumed_by=iam.AccountRootPrincipal())
        for i, p in enumerate(PERSONAS)
    }
    grants = {p: personas.grant(p, role) for p, role in roles.items()}
    # A role of another stack, for team nlp; an imported role, a user and a group.
    other = Stack(app, "Elsewhere")
    roles["nlp-engineer"] = iam.Role(other, "NlpEngineer", assumed_by=iam.AccountRootPrincipal())
    grants["nlp-engineer"] = personas.grant("ml-engineer", roles["nlp-engineer"], team="nlp")
    grants["imported"] = personas.grant("data-scientist", iam.Role.from_role_name(stack, "Ci", "ci-trainer"))
    grants["user"] = personas.grant("ml-admin", iam.User(stack, "BreakGlass"))
    grants["group"] = personas.grant("model-consumer", iam.Group(stack, "Consumers"))
    waiter = CfnWaitConditionHandle(stack, "AfterTheGrant")
    grants["data-scientist"].apply_before(waiter)
    app.synth()
    return GrantLab(stack, other, personas, roles, grants, waiter)


@pytest.mark.parametrize("persona", PERSONAS)
def test_grant_attaches_the_policies_of_the_personas_role(grant_lab, persona):
    t = grant_lab.template()
    granted = _policies_of(t, grant_lab.stack, grant_lab.roles[persona])
    assert granted and granted == _policies_of(t, grant_lab.stack, grant_lab.personas.human_role(persona))


def test_a_grant_is_an_iam_grant_of_the_attached_allow_statements(grant_lab):
    grant = grant_lab.grants["data-scientist"]
    assert isinstance(grant, iam.Grant) and grant.success
    grant.assert_success()
    t = grant_lab.template()
    docs = _policies_of(t, grant_lab.stack, grant_lab.roles["data-scientist"])
    allows = [st for d in docs for st in d["Statement"] if st["Effect"] == "Allow"]
    assert len(grant.principal_statements) == len(allows)
    assert {a for st in grant.principal_statements for a in st.actions} == {
        a for st in allows for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
    }
    # The separation-of-duty denials come with the attached policies.
    assert decide(resolved(docs, t.to_json()), "sagemaker:CreateEndpoint") == "deny"


def test_apply_before_waits_for_the_policies_and_the_grantee(grant_lab):
    stack, t = grant_lab.stack, grant_lab.template()
    depends = t.find_resources("AWS::CloudFormation::WaitConditionHandle")[
        stack.get_logical_id(grant_lab.waiter)
    ]["DependsOn"]
    role_id = stack.get_logical_id(grant_lab.roles["data-scientist"].node.default_child)
    policy_ids = {
        stack.get_logical_id(grant_lab.personas.policies[i].node.default_child)
        for i in ("Guardrails", "TeamData", "DataScientist", "StudioAccess")
    }
    assert {role_id, *policy_ids} <= set(depends)


@pytest.mark.aws_behaviour("iam.role-tags-are-principal-tags")
def test_grant_with_a_team_tags_the_grantee_like_an_execution_role(grant_lab):
    other, t = grant_lab.other, grant_lab.template(grant_lab.other)
    props = t.find_resources("AWS::IAM::Role")[
        other.get_logical_id(grant_lab.roles["nlp-engineer"].node.default_child)
    ]["Properties"]
    assert {"Key": "team", "Value": "nlp"} in props["Tags"]
    # A role of another stack gets the Foundation-side policies by exported ARN.
    assert len(props["ManagedPolicyArns"]) == 4
    assert all("Fn::ImportValue" in arn for arn in props["ManagedPolicyArns"])


def test_imported_roles_users_and_groups_get_the_policies_by_name(grant_lab):
    stack, t = grant_lab.stack, grant_lab.template()
    policies = t.find_resources("AWS::IAM::ManagedPolicy")

    def props(policy_id: str) -> dict:
        return policies[stack.get_logical_id(grant_lab.personas.policies[policy_id].node.default_child)][
            "Properties"
        ]

    for policy_id in ("Guardrails", "TeamData", "DataScientist", "StudioAccess"):
        assert props(policy_id)["Roles"] == ["ci-trainer"], policy_id
    assert "Roles" not in props("MlEngineer")
    user = t.find_resources("AWS::IAM::User")
    assert [len(u["Properties"]["ManagedPolicyArns"]) for u in user.values()] == [2]  # guardrails, ML admin
    group = next(iter(t.find_resources("AWS::IAM::Group").values()))
    assert group["Properties"]["ManagedPolicyArns"] == [
        {"Ref": stack.get_logical_id(grant_lab.personas.policies["ModelConsumer"].node.default_child)}
    ]


@pytest.mark.parametrize(
    ("persona", "grantee", "team", "message"),
    [
        (
            "wizard",
            "role",
            None,
            r"unknown persona 'wizard'; use one of \['data-scientist', 'ml-engineer', "
            r"'ml-admin', 'model-consumer'\]",
        ),
        ("data-scientist", "role", "audio", r"unknown team 'audio'; use one of \['vision', 'nlp'\]"),
        ("data-scientist", "service", None, r"grantee .* is not an IAM role, user or group"),
        (
            "data-scientist",
            "imported",
            "nlp",
            r"team='nlp' tags the grantee, and .*/Imported is not an iam.Role",
        ),
    ],
)
def test_grant_errors_name_the_value_and_the_choices(persona, grantee, team, message):
    stack = Stack(new_app(), "S")
    personas = MlPersonas(stack, "P", **{**_kwargs(stack), "teams": ["vision", "nlp"]})
    grantees = {
        "role": iam.Role(stack, "R", assumed_by=iam.AccountRootPrincipal()),
        "service": iam.ServicePrincipal("sagemaker.amazonaws.com"),
        "imported": iam.Role.from_role_name(stack, "Imported", "ci-trainer"),
    }
    with pytest.raises(ValueError, match=message):
        personas.grant(persona, grantees[grantee], team=team)


def test_no_grant_of_a_consumer_without_endpoints():
    stack = Stack(new_app(), "S")
    personas = MlPersonas(stack, "P", **{**_kwargs(stack), "teams": ["a"]})
    with pytest.raises(
        ValueError, match="'model-consumer' has no policy to attach because consumer_endpoint_names is empty"
    ):
        personas.grant("model-consumer", iam.Role(stack, "R", assumed_by=iam.AccountRootPrincipal()))


@pytest.mark.aws_behaviour("iam-identity-center.provisioned-roles-protected")
def test_no_grant_to_a_role_iam_identity_center_provisions():
    stack = Stack(new_app(), "S")
    personas = MlPersonas(stack, "P", **{**_kwargs(stack), "teams": ["a"]})
    sso_role = iam.Role.from_role_name(stack, "Sso", "AWSReservedSSO_DataScientist_0123456789abcdef")
    with pytest.raises(
        ValueError,
        match=r"AWSReservedSSO_DataScientist_0123456789abcdef is provisioned by "
        r"IAM Identity Center.*assume the persona roles",
    ):
        personas.grant("data-scientist", sso_role)


def _kwargs(stack, subnet_ids=("subnet-1",), security_group_ids=("sg-1",)):
    keys = EncryptionKeys(stack, "Keys")
    bucket = SecureBucket(stack, "B", encryption_key=keys.data)
    return dict(
        platform="p",
        **job_network(stack, subnet_ids, security_group_ids),
        data_bucket=bucket.bucket,
        artifacts_bucket=bucket.bucket,
        data_key=keys.data,
        artifacts_key=keys.artifacts,
        volumes_key=keys.volumes,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"teams": []}, "teams is empty"),
        ({"teams": ["Bad Team"]}, "['Bad Team']"),
        ({"teams": ["a", "a"]}, "repeat a name"),
        ({"teams": ["a"], "instance_types": ["p3.2xlarge"]}, "['p3.2xlarge'] are not SageMaker types"),
        ({"teams": ["a"], "subnets": []}, "subnets is empty"),
        ({"teams": ["a"], "security_groups": []}, "security_groups is empty"),
        ({"teams": ["a"], "team_tag_key": "bad key!"}, "team_tag_key 'bad key!'"),
        ({"teams": ["a"], "image_accounts": ["*", "123"]},
         "image_accounts ['*', '123'] are not 12-digit account ids; give each account as 12 digits in quotes "
         "(e.g. '123456789012'), no wildcards"),
    ],
)
def test_bad_input(overrides, message):
    stack = Stack(new_app(), "S")
    with pytest.raises(ValueError) as info:
        MlPersonas(stack, "P", **{**_kwargs(stack), **overrides})
    assert message in str(info.value)


# ----------------------------------------------------------------------------- existence of every name


def _all_statements() -> list[iam.PolicyStatement]:
    ctx = PlatformContext(
        partition="aws",
        region="eu-west-1",
        account="111122223333",
        platform="p",
        subnet_ids=["subnet-1"],
        security_group_ids=["sg-1"],
        data_bucket_arn="arn:aws:s3:::d",
        artifacts_bucket_arn="arn:aws:s3:::a",
        data_key_arn="k1",
        artifacts_key_arn="k2",
        volumes_key_arn="k3",
        instance_types=["ml.m5.*"],
        consumer_endpoint_names=["e"],
        model_source_account="444455556666",
    )
    builders = (
        boundary_statements,
        guardrail_statements,
        team_data_statements,
        data_scientist_statements,
        data_scientist_denials,
        ml_engineer_statements,
        ml_engineer_denials,
        ml_admin_statements,
        ml_admin_denials,
        model_consumer_statements,
        studio_access_statements,
        execution_role_statements,
        promoted_model_statements,
        studio_user_statements,
    )
    return [s for build in builders for s in build(ctx)]


def test_every_action_and_condition_key_exists_in_the_iam_database():
    from policy_sentry.querying.actions import get_actions_for_service
    from policy_sentry.querying.conditions import get_condition_keys_for_service

    global_keys = {
        "aws:RequestTag",
        "aws:ResourceTag",
        "aws:PrincipalTag",
        "aws:SourceAccount",
        "aws:TagKeys",
    }
    unknown_actions, unknown_keys = [], []
    cache: dict[str, list[str]] = {}
    for statement in _all_statements():
        doc = statement.to_statement_json()
        for action in [doc["Action"]] if isinstance(doc["Action"], str) else doc["Action"]:
            if action == "*":
                continue
            service, name = action.split(":")
            known = cache.setdefault(service, [a.split(":")[1] for a in get_actions_for_service(service)])
            import fnmatch

            if not [a for a in known if fnmatch.fnmatchcase(a.lower(), name.lower())]:
                unknown_actions.append(action)
        for operator_block in (doc.get("Condition") or {}).values():
            for key in operator_block:
                base = key.split("/")[0]
                if base in global_keys:
                    continue
                service = key.split(":")[0]
                service_keys = {k.split("/")[0] for k in get_condition_keys_for_service(service)}
                if base not in service_keys:
                    unknown_keys.append(key)
    assert unknown_actions == []
    assert unknown_keys == []


# ----------------------------------------------------------------------------- Studio, logs, instance storage
# Evaluated with conditions (tests/helpers/access.py) on the statement builders' documents.

ACCOUNT, REGION, DOMAIN = "111122223333", "eu-west-1", "d-abc123"


def _ctx() -> PlatformContext:
    return PlatformContext(
        partition="aws",
        region=REGION,
        account=ACCOUNT,
        platform="p",
        subnet_ids=["subnet-1", "subnet-2"],
        security_group_ids=["sg-1"],
        data_bucket_arn="arn:aws:s3:::d",
        artifacts_bucket_arn="arn:aws:s3:::a",
        data_key_arn="k1",
        artifacts_key_arn="k2",
        volumes_key_arn="k3",
        instance_types=["ml.m5.*", "ml.g5.*", "ml.t3.*"],
    )


def _documents(*builders) -> list[dict]:
    ctx = _ctx()
    return [{"Statement": [s.to_statement_json() for build in builders for s in build(ctx)]}]


def _arn(resource: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{resource}"


def _studio_call(owner: str, sharing: str = "Private", **extra) -> dict:
    """What SageMaker puts in the request context when alice's Studio acts as her execution role."""
    return {
        "sagemaker:DomainId": DOMAIN,
        "sagemaker:UserProfileName": "alice",
        "sagemaker:OwnerUserProfileArn": _arn(f"user-profile/{DOMAIN}/{owner}"),
        "sagemaker:SpaceSharingType": sharing,
        "sagemaker:InstanceTypes": ["ml.t3.medium"],
        "aws:PrincipalTag/team": "research",
        **extra,
    }


def _execution_role_documents() -> list[dict]:
    return _documents(
        guardrail_statements,
        data_scientist_statements,
        data_scientist_denials,
        execution_role_statements,
        studio_user_statements,
    )


def test_execution_roles_carry_the_studio_user_policy_and_people_do_not(foundation):
    for persona in EXECUTION_PERSONAS:
        docs = _docs(foundation, persona, "research")
        assert sorted(_statement(docs, "ManageOwnPrivateSpaces")["Action"]) == [
            "sagemaker:CreateSpace",
            "sagemaker:DeleteSpace",
            "sagemaker:UpdateSpace",
        ]
        assert not [
            s
            for d in _docs(foundation, persona)
            for s in d["Statement"]
            if s.get("Sid") == "ManageOwnPrivateSpaces"
        ]


@pytest.mark.aws_behaviour(
    "sagemaker.studio-private-space-permissions",
    "sagemaker.studio-policy-variables",
    "iam.set-operators-and-missing-keys",
)
def test_studio_as_the_execution_role_runs_only_its_users_own_private_spaces():
    docs = _execution_role_documents()
    space, app = _arn(f"space/{DOMAIN}/alice-lab"), _arn(f"app/{DOMAIN}/alice-lab/jupyterlab/default")
    for action in ("sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace"):
        assert evaluate(docs, action, space, _studio_call("alice")) == "allow", action
        assert evaluate(docs, action, space, _studio_call("bob")) == "implicit-deny", action
    for action in ("sagemaker:CreateApp", "sagemaker:DeleteApp"):
        assert evaluate(docs, action, app, _studio_call("alice")) == "allow", action
        assert evaluate(docs, action, app, _studio_call("bob")) == "implicit-deny", action
    # Another domain's profile, or a call without Studio's context, match nothing.
    other_domain = {
        **_studio_call("alice"),
        "sagemaker:OwnerUserProfileArn": _arn("user-profile/d-other/alice"),
    }
    assert evaluate(docs, "sagemaker:CreateSpace", _arn("space/d-other/x"), other_domain) == "implicit-deny"
    assert (
        evaluate(docs, "sagemaker:CreateSpace", space, {"sagemaker:SpaceSharingType": "Private"})
        == "implicit-deny"
    )
    # Studio tags what it creates: AddTags only as part of a create call.
    assert (
        evaluate(
            docs,
            "sagemaker:AddTags",
            space,
            _studio_call("alice", **{"sagemaker:TaggingAction": "CreateSpace"}),
        )
        == "allow"
    )
    assert evaluate(docs, "sagemaker:AddTags", space, _studio_call("alice")) == "implicit-deny"
    for action in (
        "sagemaker:DescribeDomain",
        "sagemaker:DescribeUserProfile",
        "sagemaker:DescribeSpace",
        "sagemaker:DescribeApp",
    ):
        resource = {
            "DescribeDomain": _arn(f"domain/{DOMAIN}"),
            "DescribeUserProfile": _arn(f"user-profile/{DOMAIN}/alice"),
            "DescribeSpace": space,
            "DescribeApp": app,
        }[action.split(":")[1]]
        assert evaluate(docs, action, resource, _studio_call("alice")) == "allow", action
    assert evaluate(docs, "sagemaker:ListSpaces", "*", {}) == "allow"


@pytest.mark.aws_behaviour("sagemaker.shared-space-runs-as-the-space-role")
def test_nobody_creates_shared_spaces():
    docs = _execution_role_documents()
    space = _arn(f"space/{DOMAIN}/team-room")
    assert evaluate(docs, "sagemaker:CreateSpace", space, _studio_call("alice", sharing="Shared")) == "deny"
    assert (
        evaluate(
            docs,
            "sagemaker:CreateApp",
            _arn(f"app/{DOMAIN}/team-room/jupyterlab/default"),
            _studio_call("alice", sharing="Shared"),
        )
        == "deny"
    )
    admin = _documents(guardrail_statements, ml_admin_statements)
    assert evaluate(admin, "sagemaker:CreateSpace", space, {"sagemaker:SpaceSharingType": "Shared"}) == "deny"
    assert (
        evaluate(admin, "sagemaker:CreateSpace", space, {"sagemaker:SpaceSharingType": "Private"}) == "allow"
    )


def _job(instance_types, volume_key: bool = True) -> dict:
    """A training job request that satisfies every guardrail but (maybe) the volume key."""
    request = {
        "sagemaker:VpcSubnets": ["subnet-1"],
        "sagemaker:VpcSecurityGroupIds": ["sg-1"],
        "sagemaker:OutputKmsKey": "k2",
        "sagemaker:InterContainerTrafficEncryption": "true",
        "sagemaker:NetworkIsolation": "true",
        "aws:RequestTag/team": "research",
        "aws:PrincipalTag/team": "research",
    }
    if instance_types is not None:
        request["sagemaker:InstanceTypes"] = instance_types
    if volume_key:
        request["sagemaker:VolumeKmsKey"] = "k3"
    return request


@pytest.mark.aws_behaviour(
    "sagemaker.no-volume-key-on-instance-storage", "iam.set-operators-and-missing-keys"
)
@pytest.mark.parametrize(
    ("instance_types", "volume_key", "expected"),
    [
        (["ml.m5.xlarge"], True, "allow"),
        (["ml.m5.xlarge"], False, "deny"),  # EBS volume without our key
        (["ml.g5.2xlarge"], False, "allow"),  # SageMaker refuses a volume key here: none is right
        (["ml.g5.2xlarge"], True, "allow"),
        (["ml.g5.2xlarge", "ml.m5.xlarge"], False, "deny"),  # one EBS type is enough to need the key
        (None, False, "deny"),  # no instance type in the request: still denied
    ],
)
def test_instance_store_jobs_need_no_volume_key_and_nothing_else_is_exempt(
    instance_types, volume_key, expected
):
    docs = _execution_role_documents()
    resource = _arn("training-job/j")
    assert (
        evaluate(docs, "sagemaker:CreateTrainingJob", resource, _job(instance_types, volume_key)) == expected
    )


def test_every_instance_store_family_is_exempt():
    docs = _execution_role_documents()
    for family in INSTANCE_STORE_FAMILIES:
        request = _job([f"ml.{family}.xlarge"], volume_key=False)
        statements = [
            s
            for d in docs
            for s in d["Statement"]
            if s.get("Sid", "").startswith("DenyUnencryptedJobVolumes")
        ]
        assert (
            evaluate([{"Statement": statements}], "sagemaker:CreateProcessingJob", "*", request)
            == "implicit-deny"
        ), family


@pytest.mark.aws_behaviour(
    "sagemaker.execution-role-writes-job-logs", "sagemaker-python-sdk.fit-streams-job-logs"
)
def test_execution_roles_create_and_read_sagemaker_log_groups():
    docs = _documents(execution_role_statements)
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs"
    stream = f"{group}:log-stream:job-1/algo-1-1700000000"
    assert evaluate(docs, "logs:CreateLogGroup", group) == "allow"
    for action in ("logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents"):
        assert evaluate(docs, action, stream) == "allow", action
    for action in ("logs:DescribeLogStreams", "logs:FilterLogEvents"):
        assert evaluate(docs, action, group) == "allow", action
    assert (
        evaluate(docs, "logs:CreateLogGroup", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/x")
        == "implicit-deny"
    )



@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns")
def test_execution_roles_pull_only_their_accounts_images():
    """An image another account shares with everyone is not pulled: the repository must be the platform
    account's (or, with a model source account, that account's: the next test)."""
    docs = _documents(execution_role_statements, promoted_model_statements)
    own = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/research/trainer"
    other = f"arn:aws:ecr:{REGION}:999988887777:repository/public/trainer"
    for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"):
        assert evaluate(docs, action, own) == "allow", action
        assert evaluate(docs, action, other) == "implicit-deny", action
    # another region's repository of the same account is not this platform's either
    elsewhere = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/x"
    assert evaluate(docs, "ecr:BatchGetImage", elsewhere) == "implicit-deny"
    assert evaluate(docs, "ecr:GetAuthorizationToken", "*") == "allow"


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns", "sagemaker.execution-role-pulls-images")
def test_execution_roles_pull_sagemakers_prebuilt_images_of_the_region():
    """The identity side of pulling a Deep Learning Container or a built-in algorithm: allowed from the
    accounts that publish them in the region, not from those accounts in another region. (AWS's
    repository policies, the other side, are not in any assembly.)"""
    from cdk_secure_ml.core.sagemaker_image_accounts import SAGEMAKER_IMAGE_ACCOUNTS

    ctx = dataclasses.replace(_ctx(), sagemaker_image_repositories=[
        f"arn:aws:ecr:{REGION}:{a}:repository/*" for a in SAGEMAKER_IMAGE_ACCOUNTS[REGION][1]
    ])
    docs = [{"Statement": [s.to_statement_json() for s in execution_role_statements(ctx)]}]
    dlc = f"arn:aws:ecr:{REGION}:763104351884:repository/pytorch-training"
    for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"):
        assert evaluate(docs, action, dlc) == "allow", action
    assert evaluate(docs, "ecr:BatchGetImage", dlc.replace(REGION, "ap-south-1")) == "implicit-deny"
    without = [{"Statement": [s.to_statement_json() for s in execution_role_statements(_ctx())]}]
    assert evaluate(without, "ecr:BatchGetImage", dlc) == "implicit-deny"


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns")
def test_execution_roles_with_a_model_source_account_pull_its_images_too():
    ctx = dataclasses.replace(_ctx(), model_source_account="444455556666")
    docs = [{"Statement": [s.to_statement_json()
                           for s in execution_role_statements(ctx) + promoted_model_statements(ctx)]}]
    assert evaluate(docs, "ecr:BatchGetImage",
                    f"arn:aws:ecr:{REGION}:444455556666:repository/p/models") == "allow"
    assert evaluate(docs, "ecr:BatchGetImage",
                    f"arn:aws:ecr:{REGION}:999988887777:repository/p/models") == "implicit-deny"


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns",
                           "sagemaker.execution-role-pulls-images")
def test_the_reference_apps_execution_roles_pull_from_their_account_only(foundation):
    """config/default.yaml (one account, no delivery account): the account's repositories, and the
    accounts that publish SageMaker's prebuilt images in the region (the role pulls those too)."""
    from cdk_secure_ml.core.sagemaker_image_accounts import SAGEMAKER_IMAGE_ACCOUNTS

    prebuilt = [f"arn:aws:ecr:{REGION}:{a}:repository/*" for a in SAGEMAKER_IMAGE_ACCOUNTS[REGION][1]]
    assert "arn:aws:ecr:eu-west-1:763104351884:repository/*" in prebuilt  # Deep Learning Containers
    for persona in EXECUTION_PERSONAS:
        docs = _docs(foundation, persona, "research", resolve=True)
        pulls = [s for d in docs for s in d["Statement"] if "ecr:BatchGetImage" in s["Action"]]
        assert [(s["Sid"], s["Resource"]) for s in pulls] == [
            ("PullImages", f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/*"),
            ("PullSageMakerImages", prebuilt),
        ], persona


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns")
def test_a_shared_image_account_is_pulled_from_when_named():
    stack = Stack(new_app(), "Shared", env={"account": "111111111111", "region": "eu-west-1"})
    personas = MlPersonas(stack, "P", **{**_kwargs(stack), "teams": ["a"],
                                         "image_accounts": ["210987654321", "111111111111"]})
    policy = stack.get_logical_id(personas.policies["SageMakerExecution"].node.default_child)
    document = Template.from_stack(stack).to_json()["Resources"][policy]["Properties"]["PolicyDocument"]
    pulls = [s for s in document["Statement"] if s["Sid"] == "PullImages"]
    # the platform account once, though it was named again
    assert [s["Resource"] for s in pulls] == [[
        "arn:aws:ecr:eu-west-1:111111111111:repository/*", "arn:aws:ecr:eu-west-1:210987654321:repository/*"
    ]]


def test_grant_to_something_that_is_not_grantable_is_a_type_error():
    stack = Stack(new_app(), "S")
    personas = MlPersonas(stack, "P", **{**_kwargs(stack), "teams": ["a"]})
    with pytest.raises(TypeError, match=r"MlPersonas.grant: grantee 'arn:aws:iam::1:role/r' is not an "
                                        r"iam.IGrantable; pass an iam.Role, User or Group"):
        personas.grant("ml-engineer", "arn:aws:iam::1:role/r")


def test_grant_to_imported_principals_names_them_on_the_policies():
    """CDK's imported groups and immutable roles ignore add_managed_policy and imported users refuse it
    (aws/aws-cdk#22482): grant names them on the persona's policies instead."""
    stack = Stack(new_app(), "S", env={"account": "111111111111", "region": "eu-west-1"})
    personas = MlPersonas(stack, "P", **{**_kwargs(stack), "teams": ["a"]})
    personas.grant("ml-admin", iam.Group.from_group_name(stack, "G", "admins"))
    personas.grant("ml-admin", iam.User.from_user_name(stack, "U", "break-glass"))
    personas.grant("ml-admin", iam.Role.from_role_arn(stack, "R", "arn:aws:iam::111111111111:role/ops",
                                                      mutable=False))
    t = Template.from_stack(stack)
    admin = t.find_resources("AWS::IAM::ManagedPolicy")[
        stack.get_logical_id(personas.policies["MlAdmin"].node.default_child)]["Properties"]
    assert admin["Groups"] == ["admins"] and admin["Users"] == ["break-glass"] and admin["Roles"] == ["ops"]
    with pytest.raises(ValueError, match=r"grantee .* is in account 222222222222, the persona policies in "
                                         r"111111111111; a managed policy attaches only in its own account"):
        personas.grant("ml-admin", iam.Role.from_role_arn(stack, "X", "arn:aws:iam::222222222222:role/x"))


def test_grant_refuses_users_and_groups_of_another_account_and_groups_imported_with_a_path():
    stack = Stack(new_app(), "S2", env={"account": "111111111111", "region": "eu-west-1"})
    personas = MlPersonas(stack, "P", **{**_kwargs(stack), "teams": ["a"]})
    other_user = iam.User.from_user_arn(stack, "U", "arn:aws:iam::222222222222:user/ci-user")
    with pytest.raises(ValueError, match=r"is in account 222222222222, the persona policies in 111111111111"):
        personas.grant("ml-admin", other_user)
    other_group = iam.Group.from_group_arn(stack, "G", "arn:aws:iam::222222222222:group/ops")
    with pytest.raises(ValueError, match=r"is in account 222222222222"):
        personas.grant("ml-admin", other_group)
    with_path = iam.Group.from_group_arn(stack, "H", "arn:aws:iam::111111111111:group/ops/ci-group")
    with pytest.raises(ValueError, match=r"group 'ops/ci-group' was imported with its path; import it by "
                                         r"name \(iam.Group.from_group_name\(scope, id, 'ci-group'\)\)"):
        personas.grant("ml-admin", with_path)
