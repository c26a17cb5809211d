"""SecureStudioDomain and SecureEndpoint given a plain security group (field case 07): a group of the app
gets the rules it lacks (self rules for Studio, TCP 443 to the interface endpoints on both sides), an
imported group is left unchanged with a warning, a workload group of MlNetwork gets nothing twice; and
SecureEndpoint warns when its group shares the endpoint's stack (field case 13). Each app is synthesized
once per module; the synthesized templates are then checked with SML-NET-23/24."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

from cdk_secure_ml import (
    EncryptionKeys,
    MlNetwork,
    ModelSource,
    SecureBucket,
    SecureEndpoint,
    SecureStudioDomain,
)
from cdk_secure_ml.policies.runner import check_paths
from tests.conftest import new_app

ENV = Environment(account="111122223333", region="eu-west-1")


def _domain(stack: Stack, network: MlNetwork, keys: EncryptionKeys, group: ec2.ISecurityGroup, name: str):
    role = iam.Role(stack, f"{name}Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    return SecureStudioDomain(
        stack, name, domain_name=name.lower(), vpc=network.vpc, subnets=network.subnets,
        security_groups=[group], encryption_key=keys.volumes, default_execution_role=role,
    )


def _endpoint(stack: Stack, network: MlNetwork, bucket, name: str, **kwargs):
    return SecureEndpoint(
        stack, name, endpoint_name=name.lower(),
        repository=ecr.Repository.from_repository_name(stack, f"{name}Repo", "churn-inference"),
        model_source=ModelSource.from_image("sha256:" + "3" * 64, "models/churn/model.tar.gz"),
        artifacts_bucket=bucket, network=network, **kwargs,
    )


@pytest.fixture(scope="module")
def apps():
    """Stack "Plain": case 07 (a plain group, default egress) and a plain group without outbound rules;
    "Imported": an imported immutable group; "Workload": MlNetwork's own workload group; "Serving": an
    endpoint whose group is made in its stack (case 13), and one given a group of the network's stack."""
    app = new_app()
    plain = Stack(app, "Plain", env=ENV)
    keys = EncryptionKeys(plain, "Keys", alias_prefix="plain")
    network = MlNetwork(plain, "Network", cidr="10.70.0.0/20", flow_log_key=keys.logs)
    studio_sg = ec2.SecurityGroup(plain, "StudioSg", vpc=network.vpc, description="Studio apps")
    closed_sg = ec2.SecurityGroup(plain, "ClosedSg", vpc=network.vpc, allow_all_outbound=False)
    _domain(plain, network, keys, studio_sg, "Research")
    _domain(plain, network, keys, closed_sg, "Closed")
    imported = ec2.SecurityGroup.from_security_group_id(plain, "ImportedSg", "sg-0123456789abcdef0",
                                                        mutable=False)
    imported_domain = _domain(plain, network, keys, imported, "Imported")

    serving = Stack(app, "Serving", env=ENV)
    skeys = EncryptionKeys(serving, "Keys", alias_prefix="churn")
    snetwork = MlNetwork(serving, "Network", cidr="10.80.0.0/20", flow_log_key=skeys.logs)
    bucket = SecureBucket(serving, "Artifacts", encryption_key=skeys.artifacts).bucket
    same_stack = _endpoint(serving, snetwork, bucket, "Churn")
    own_sg = ec2.SecurityGroup(serving, "OwnSg", vpc=snetwork.vpc, allow_all_outbound=False)
    given = _endpoint(serving, snetwork, bucket, "Given", security_groups=[own_sg])

    apart = Stack(app, "Apart", env=ENV)
    network_stack = Stack(app, "ApartNetwork", env=ENV)
    akeys = EncryptionKeys(network_stack, "Keys", alias_prefix="apart")
    anetwork = MlNetwork(network_stack, "Network", cidr="10.90.0.0/20", flow_log_key=akeys.logs)
    group = anetwork.new_workload_security_group(network_stack, "Workload")
    abucket = SecureBucket(apart, "Artifacts", encryption_key=akeys.artifacts).bucket
    apart_endpoint = _endpoint(apart, anetwork, abucket, "Apart", security_groups=[group])
    assembly = app.synth()
    return {
        "plain": Template.from_stack(plain),
        "serving": Template.from_stack(serving),
        "network_stack": Template.from_stack(network_stack),
        "outdir": Path(assembly.directory),
        "messages": {a.stack_name: a.messages for a in assembly.stacks},
        "imported_domain": imported_domain,
        "same_stack": same_stack,
        "given": given,
        "apart_endpoint": apart_endpoint,
    }


def _rules(t: Template, kind: str, group_prefix: str) -> list[dict]:
    return [r["Properties"] for r in t.find_resources(f"AWS::EC2::SecurityGroup{kind}").values()
            if r["Properties"]["GroupId"]["Fn::GetAtt"][0].startswith(group_prefix)]


def _warnings(apps, stack: str, code: str) -> list[str]:
    return [str(m.entry.data) for m in apps["messages"][stack]
            if "warn" in str(m.level).lower() and code in str(m.entry.data)]


@pytest.mark.aws_behaviour("sagemaker.studio-vpconly-security-group-traffic")
def test_plain_group_of_the_app_gets_the_studio_self_rules(apps) -> None:
    ingress = _rules(apps["plain"], "Ingress", "StudioSg")
    ports = sorted((r["FromPort"], r["ToPort"]) for r in ingress)
    assert ports == [(2049, 2049), (8192, 65535)]
    assert all(r["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith("StudioSg") for r in ingress)
    # allow_all_outbound (the default): no egress rule is needed, none is added
    assert _rules(apps["plain"], "Egress", "StudioSg") == []


@pytest.mark.aws_behaviour("ec2.security-group-rules-both-sides")
def test_plain_group_reaches_the_endpoints_on_both_sides(apps) -> None:
    endpoint_ingress = _rules(apps["plain"], "Ingress", "NetworkEndpointSecurityGroup")
    sources = {r["SourceSecurityGroupId"]["Fn::GetAtt"][0][:8] for r in endpoint_ingress
               if isinstance(r["SourceSecurityGroupId"], dict)}
    assert {"StudioSg", "ClosedSg"} <= sources
    closed_egress = _rules(apps["plain"], "Egress", "ClosedSg")
    assert sorted((r["FromPort"], r["ToPort"]) for r in closed_egress) == [(443, 443), (2049, 2049),
                                                                            (8192, 65535)]


def test_synthesized_templates_pass_the_reachability_rules(apps) -> None:
    """Case 07 no longer fails SML-NET-23/24; the imported group is "cannot verify" (a warning), never a
    pass and never an error."""
    found = [f for f in check_paths([apps["outdir"]]).findings if f.rule in ("SML-NET-23", "SML-NET-24")]
    assert found and all(f.severity == "warning" and "sg-0123456789abcdef0" in f.message for f in found)
    assert {f.resource for f in found} == {apps["plain"].find_resources(
        "AWS::SageMaker::Domain", {"Properties": {"DomainName": "imported"}}).popitem()[0]}


@pytest.mark.aws_behaviour("ec2.duplicate-permission-refused")
def test_imported_group_is_left_alone_with_a_warning(apps) -> None:
    (text,) = _warnings(apps, "Plain", "secure-ml:workload-sg-reach")
    assert "sg-0123456789abcdef0" in text and "2049" in text and "8192-65535" in text
    assert "new_workload_security_group" in text
    # its side cannot be changed; the endpoints' group (of this app) admits it
    apps["plain"].has_resource_properties("AWS::EC2::SecurityGroupIngress", {
        "SourceSecurityGroupId": "sg-0123456789abcdef0", "FromPort": 443, "ToPort": 443,
        "GroupId": Match.object_like({"Fn::GetAtt": Match.array_with([Match.string_like_regexp(
            "NetworkEndpointSecurityGroup")])}),
    })
    assert not [r for r in apps["plain"].find_resources("AWS::EC2::SecurityGroupEgress").values()
                if r["Properties"]["GroupId"] == "sg-0123456789abcdef0"]


def test_mlnetwork_workload_group_gets_no_rule_twice(apps) -> None:
    """A workload group already has self all-traffic rules and 443 both ways: nothing is added."""
    t = apps["network_stack"]
    ingress = _rules(t, "Ingress", "Workload")
    egress = _rules(t, "Egress", "Workload")
    assert [r["IpProtocol"] for r in ingress] == ["-1"]
    assert sorted(r["IpProtocol"] for r in egress) == ["-1", "tcp"]
    assert len(_rules(t, "Ingress", "NetworkEndpointSecurityGroup")) == 1


def test_endpoint_given_a_plain_group_reaches_the_endpoints(apps) -> None:
    t = apps["serving"]
    (egress,) = _rules(t, "Egress", "OwnSg")
    assert (egress["FromPort"], egress["ToPort"]) == (443, 443)
    assert egress["DestinationSecurityGroupId"]["Fn::GetAtt"][0].startswith("NetworkEndpointSecurityGroup")
    assert [r for r in _rules(t, "Ingress", "NetworkEndpointSecurityGroup")
            if r["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith("OwnSg")]


@pytest.mark.aws_behaviour("ec2.delete-security-group-in-use")
def test_case_13_endpoint_group_in_the_endpoint_stack_warns(apps) -> None:
    warnings = _warnings(apps, "Serving", "secure-ml:endpoint-sg-same-stack")
    assert any("Serving/Churn/SecurityGroup" in w and "Teardown" in w for w in warnings)
    assert any("Serving/OwnSg" in w for w in warnings)  # a given group in the same stack too
    assert _warnings(apps, "Apart", "secure-ml:endpoint-sg-same-stack") == []


def test_warnings_name_no_group_of_mlnetwork_in_another_stack(apps) -> None:
    assert _warnings(apps, "Apart", "secure-ml:workload-sg-reach") == []
    assert json.dumps(_warnings(apps, "Serving", "secure-ml:workload-sg-reach")) == "[]"
