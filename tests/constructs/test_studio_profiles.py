"""add_user_profile: the profile's ABAC team tag and its execution role's team agree (newcomer report,
finding 13)."""

from __future__ import annotations

import pytest
from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from cdk_secure_ml import EncryptionKeys, MlNetwork, MlPersonas, SecureBucket, SecureStudioDomain
from tests.conftest import new_app


@pytest.fixture(scope="module")
def lab():
    stack = Stack(new_app(), "Profiles")
    keys = EncryptionKeys(stack, "Keys")
    bucket = SecureBucket(stack, "B", encryption_key=keys.data)
    net = MlNetwork(stack, "Net", flow_log_key=keys.logs)
    network = {"vpc": net.vpc, "subnets": net.subnets,
               "security_groups": [net.new_workload_security_group(stack, "Sg")]}
    personas = MlPersonas(
        stack, "Personas", platform="p", teams=["fraud", "research"], **network, data_bucket=bucket.bucket,
        artifacts_bucket=bucket.bucket, data_key=keys.data, artifacts_key=keys.artifacts,
        volumes_key=keys.volumes, team_tag_key="cost-center",
    )
    domain = SecureStudioDomain(
        stack, "Domain", domain_name="lab", vpc=network["vpc"], subnets=network["subnets"],
        security_groups=network["security_groups"], encryption_key=keys.volumes,
        default_execution_role=personas.execution_role("data-scientist", "fraud"),
    )
    domain.add_user_profile(stack, "Bob", user_name="bob", personas=personas, persona="ml-engineer",
                            team="fraud", tags={"project": "churn"})
    # The existing form, with tags that agree with the role's, keeps working.
    domain.add_user_profile(stack, "Ann", user_name="ann",
                            execution_role=personas.execution_role("data-scientist", "research"),
                            tags={"cost-center": "research", "owner": "ann"})
    template = Template.from_stack(stack)
    return stack, domain, personas, template


def _profile(stack, template, name):
    found = [p["Properties"] for p in template.find_resources("AWS::SageMaker::UserProfile").values()
             if p["Properties"]["UserProfileName"] == name]
    assert len(found) == 1
    props = found[0]
    return props, {t["Key"]: t["Value"] for t in props.get("Tags", [])}


def test_team_and_persona_take_the_role_from_personas_and_tag_the_profile(lab):
    stack, _, personas, template = lab
    props, tags = _profile(stack, template, "bob")
    role = personas.execution_role("ml-engineer", "fraud")
    assert props["UserSettings"]["ExecutionRole"] == stack.resolve(role.role_arn)
    assert tags == {"cost-center": "fraud", "owner": "bob", "secure-ml:persona": "ml-engineer",
                    "project": "churn"}


def test_the_execution_role_form_still_works_when_its_tags_agree(lab):
    stack, _, personas, template = lab
    props, tags = _profile(stack, template, "ann")
    assert props["UserSettings"]["ExecutionRole"] == stack.resolve(
        personas.execution_role("data-scientist", "research").role_arn)
    assert tags == {"cost-center": "research", "owner": "ann"}


def test_a_team_tag_that_differs_from_the_roles_team_is_refused(lab):
    stack, domain, personas, _ = lab
    role = personas.execution_role("ml-engineer", "fraud")
    with pytest.raises(
        ValueError,
        match=r"user profile 'eve': its tags disagree with its execution role Profiles/Personas/"
              r"MlEngineerFraudExecutionRole: cost-center='research' but the role has cost-center='fraud'; "
              r".*add_user_profile\(\.\.\., personas=personas, persona=\.\.\., team=\.\.\.\)",
    ):
        domain.add_user_profile(stack, "Eve", user_name="eve", execution_role=role,
                                tags={"cost-center": "research"})


def test_a_persona_tag_that_differs_from_the_roles_is_refused(lab):
    stack, domain, personas, _ = lab
    with pytest.raises(ValueError, match=r"secure-ml:persona='data-scientist' but the role has "
                                         r"secure-ml:persona='ml-engineer'"):
        domain.add_user_profile(stack, "Fay", user_name="fay",
                                execution_role=personas.execution_role("ml-engineer", "fraud"),
                                tags={"secure-ml:persona": "data-scientist"})


def test_extra_tags_cannot_override_the_team_given_with_personas(lab):
    stack, domain, personas, _ = lab
    with pytest.raises(ValueError, match=r"cost-center='research' but the role has cost-center='fraud'"):
        domain.add_user_profile(stack, "Gil", user_name="gil", personas=personas, persona="ml-engineer",
                                team="fraud", tags={"cost-center": "research"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"persona": "ml-admin", "team": "fraud"}, r"persona 'ml-admin' gets no Studio profile.*"
                                                    r"\['data-scientist', 'ml-engineer'\]"),
        ({"persona": "ml-engineer", "team": "ops"}, r"no execution role for persona 'ml-engineer' and team "
                                                     r"'ops'.*teams: \['fraud', 'research'\]"),
        ({"persona": "ml-engineer"}, r"with personas= pass persona= .* and team= \(one of \['fraud', "
                                     r"'research'\]\)"),
    ],
)
def test_bad_persona_or_team_is_named(lab, kwargs, message):
    stack, domain, personas, _ = lab
    with pytest.raises(ValueError, match=message):
        domain.add_user_profile(stack, "Bad", user_name="bad", personas=personas, **kwargs)


def test_role_and_personas_are_exclusive_and_one_is_needed(lab):
    stack, domain, personas, _ = lab
    role = iam.Role.from_role_arn(stack, "Imported", "arn:aws:iam::111122223333:role/x")
    with pytest.raises(ValueError, match="give execution_role or personas=/persona=/team=, not both"):
        domain.add_user_profile(stack, "X", user_name="x", execution_role=role, personas=personas,
                                persona="ml-engineer", team="fraud")
    with pytest.raises(ValueError, match=r"pass personas=, persona= and team= .*or execution_role="):
        domain.add_user_profile(stack, "Y", user_name="y")
    with pytest.raises(ValueError, match="persona= and team= need personas="):
        domain.add_user_profile(stack, "Z", user_name="z", execution_role=role, team="fraud")
