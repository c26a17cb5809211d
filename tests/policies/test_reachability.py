"""SML-NET-23 (workload groups reach the interface endpoints on TCP 443) and SML-NET-24 (Studio and
distributed-job groups admit their own members), on small templates: each path of the security-group
graph (inline and separate rules, group/CIDR/VPC-CIDR/prefix-list peers, protocol -1 and port ranges,
EC2's default egress, Fn::ImportValue across templates, what cannot be read), the insecure shape of
field case 07 and its compliant twin, and the reference app's templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_secure_ml.policies.findings import CANNOT_VERIFY
from cdk_secure_ml.policies.rule import RunContext
from cdk_secure_ml.policies.rules.reachability import _graph, _group_refs, _groups
from cdk_secure_ml.policies.runner import check_paths, check_templates
from cdk_secure_ml.policies.template import Template, discover

from .sml_helpers import res, template

NO_EGRESS = [{"CidrIp": "255.255.255.255/32", "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86}]


def _id(name: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [name, "GroupId"]}


def _rule(
    kind: str, group: str, peer: dict[str, Any], protocol: str = "tcp", ports: tuple | None = (443, 443)
) -> dict[str, Any]:
    props: dict[str, Any] = {"GroupId": _id(group), "IpProtocol": protocol, **peer}
    if ports is not None:
        props["FromPort"], props["ToPort"] = ports
    return res(f"AWS::EC2::SecurityGroup{kind}", **props)


def network(**workload: Any) -> dict[str, Any]:
    """A VPC, its interface endpoint and the endpoint's group (no ingress), and ``Workload``, a group with
    ``workload`` as its properties (default: EC2's default egress, no ingress)."""
    return {
        "Vpc": res("AWS::EC2::VPC", CidrBlock="10.0.0.0/16"),
        "EndpointSg": res("AWS::EC2::SecurityGroup", GroupDescription="endpoints", VpcId={"Ref": "Vpc"},
                          SecurityGroupEgress=NO_EGRESS),
        "StsEndpoint": res("AWS::EC2::VPCEndpoint", VpcEndpointType="Interface", VpcId={"Ref": "Vpc"},
                           ServiceName="com.amazonaws.eu-west-1.sts", PrivateDnsEnabled=True,
                           SecurityGroupIds=[_id("EndpointSg")]),
        "Workload": res("AWS::EC2::SecurityGroup", GroupDescription="studio", VpcId={"Ref": "Vpc"},
                        **workload),
    }


def studio_rules() -> dict[str, Any]:
    """What MlNetwork.new_workload_security_group gives a group: self all-traffic both ways, and 443 to
    the endpoints on both sides."""
    return {
        "SelfIn": _rule("Ingress", "Workload", {"SourceSecurityGroupId": _id("Workload")}, "-1", None),
        "SelfOut": _rule("Egress", "Workload", {"DestinationSecurityGroupId": _id("Workload")}, "-1", None),
        "ToEndpoints": _rule("Egress", "Workload", {"DestinationSecurityGroupId": _id("EndpointSg")}),
        "EndpointsFrom": _rule("Ingress", "EndpointSg", {"SourceSecurityGroupId": _id("Workload")}),
    }


def domain(groups: list[Any] | None = None) -> dict[str, Any]:
    groups = groups if groups is not None else [_id("Workload")]
    return {"Domain": res(
        "AWS::SageMaker::Domain", AppNetworkAccessType="VpcOnly", VpcId={"Ref": "Vpc"},
        DefaultUserSettings={"SecurityGroups": groups},
    )}


def found(resources: dict[str, Any], rule: str, *more: dict[str, Any]) -> list:
    templates = [Template(template(resources), "a.json")] + [
        Template(t, f"t{i}.json") for i, t in enumerate(more)
    ]
    return [f for f in check_templates(templates).findings if f.rule == rule]


# -- field case 07 and its twin -------------------------------------------------------------------


@pytest.mark.aws_behaviour("sagemaker.studio-vpconly-security-group-traffic",
                           "ec2.security-group-rules-both-sides")
def test_case_07_plain_group_fails_both_rules() -> None:
    resources = {**network(), **domain()}
    (reach,) = found(resources, "SML-NET-23")
    assert reach.severity == "error"
    assert "StsEndpoint on TCP 443" in reach.message
    assert "no ingress rule of EndpointSg admits it" in reach.message
    assert "no egress rule" not in reach.message  # the default egress allows it
    self_rules = found(resources, "SML-NET-24")
    assert sorted(m.message.split(" do not admit ")[1].split(" (")[0] for m in self_rules) == [
        "TCP 2049", "TCP 8192-65535"]


def test_case_07_twin_is_clean() -> None:
    resources = {**network(SecurityGroupEgress=NO_EGRESS), **studio_rules(), **domain()}
    assert found(resources, "SML-NET-23") == [] and found(resources, "SML-NET-24") == []


@pytest.mark.aws_behaviour("cloudformation.security-group-default-egress")
def test_restricted_egress_without_a_rule_to_the_endpoints_fails_on_the_egress_side() -> None:
    rules = {k: v for k, v in studio_rules().items() if k != "ToEndpoints"}
    (reach,) = found({**network(SecurityGroupEgress=NO_EGRESS), **rules, **domain()}, "SML-NET-23")
    assert "no egress rule of Workload allows it" in reach.message
    assert "no ingress rule" not in reach.message


@pytest.mark.parametrize("egress", [
    [{"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}],  # AllowAllOutbound
    [{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}],
    [{"CidrIp": "10.0.0.0/8", "IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535}],  # contains the VPC
    [{"CidrIp": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}, "IpProtocol": "6", "FromPort": 443, "ToPort": 443}],
])
def test_egress_that_covers_the_endpoints(egress) -> None:
    rules = {k: v for k, v in studio_rules().items() if k != "ToEndpoints"}
    assert found({**network(SecurityGroupEgress=egress), **rules, **domain()}, "SML-NET-23") == []


@pytest.mark.parametrize("egress, verdict", [
    ([{"CidrIp": "192.168.0.0/16", "IpProtocol": "-1"}], "fail"),  # another range
    ([{"DestinationPrefixListId": "pl-6da54004", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}],
     "fail"),
    ([{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}], "fail"),  # wrong port
    ([{"CidrIp": "0.0.0.0/0", "IpProtocol": "udp", "FromPort": 443, "ToPort": 443}], "fail"),
    ([{"CidrIp": "10.0.128.0/17", "IpProtocol": "-1"}], "unverified"),  # part of the VPC: which part?
])
def test_egress_that_does_not_cover_the_endpoints(egress, verdict) -> None:
    rules = {k: v for k, v in studio_rules().items() if k != "ToEndpoints"}
    (reach,) = found({**network(SecurityGroupEgress=egress), **rules, **domain()}, "SML-NET-23")
    assert reach.message.startswith(CANNOT_VERIFY) == (verdict == "unverified")


@pytest.mark.parametrize("peer", [
    {"CidrIp": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}},  # MlNetwork(endpoint_access_from_vpc_cidr=True)
    {"CidrIp": "10.0.0.0/16"},
    {"SourceSecurityGroupId": {"Ref": "Workload"}},  # Ref of a VPC group is its id
])
def test_endpoint_ingress_peers_that_admit_the_workload(peer) -> None:
    rules = {k: v for k, v in studio_rules().items() if k != "EndpointsFrom"}
    rules["EndpointsFrom"] = _rule("Ingress", "EndpointSg", peer)
    assert found({**network(SecurityGroupEgress=NO_EGRESS), **rules, **domain()}, "SML-NET-23") == []


def test_inline_ingress_on_the_endpoint_group_counts() -> None:
    resources = {**network(SecurityGroupEgress=NO_EGRESS), **studio_rules(), **domain()}
    del resources["EndpointsFrom"]
    resources["EndpointSg"]["Properties"]["SecurityGroupIngress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "SourceSecurityGroupId": _id("Workload")}]
    assert found(resources, "SML-NET-23") == []


def test_self_rules_need_both_directions_and_the_ports() -> None:
    rules = studio_rules()
    rules["SelfOut"] = _rule("Egress", "Workload", {"DestinationSecurityGroupId": _id("Workload")},
                             "tcp", (2049, 2049))
    (self_rule,) = found({**network(SecurityGroupEgress=NO_EGRESS), **rules, **domain()}, "SML-NET-24")
    assert "TCP 8192-65535" in self_rule.message


def test_studio_port_ranges_satisfy_the_self_rule() -> None:
    rules = {k: v for k, v in studio_rules().items() if not k.startswith("Self")}
    for name, ports in (("Nfs", (2049, 2049)), ("Apps", (8192, 65535))):
        rules[f"{name}In"] = _rule("Ingress", "Workload", {"SourceSecurityGroupId": _id("Workload")},
                                   "tcp", ports)
    resources = {**network(), **rules, **domain()}  # default egress covers the egress side
    assert found(resources, "SML-NET-24") == []


def test_several_groups_are_evaluated_together() -> None:
    """The rules of every group on the ENI combine: one group for the endpoints, another for itself."""
    resources = {**network(SecurityGroupEgress=NO_EGRESS), **studio_rules(),
                 **domain([_id("Workload"), _id("Other")])}
    resources["Other"] = res("AWS::EC2::SecurityGroup", GroupDescription="other", VpcId={"Ref": "Vpc"},
                             SecurityGroupEgress=NO_EGRESS)
    assert found(resources, "SML-NET-23") == [] and found(resources, "SML-NET-24") == []


# -- what cannot be read --------------------------------------------------------------------------


@pytest.mark.parametrize("groups, text", [
    (["sg-0123456789abcdef0"], "sg-0123456789abcdef0, not defined in the templates checked"),
    ([{"Ref": "StudioGroup"}], "Ref StudioGroup"),
    ([{"Fn::ImportValue": "platform-StudioGroup"}], "Fn::ImportValue platform-StudioGroup"),
    ({"Fn::Split": [",", {"Ref": "Groups"}]}, "Fn::Split"),
])
def test_groups_outside_the_run_cannot_be_verified(groups, text) -> None:
    resources = {**network(), **domain(groups)}
    reach = found(resources, "SML-NET-23")
    assert reach and all(f.severity == "warning" and f.message.startswith(CANNOT_VERIFY) for f in reach)
    assert text in reach[0].message


def test_unreadable_rules_cannot_be_verified() -> None:
    resources = {**network(SecurityGroupIngress={"Fn::If": ["C", [], []]}), **domain()}
    reach = found(resources, "SML-NET-23")
    assert reach[0].message.startswith(CANNOT_VERIFY) and "rules not readable" in reach[0].message


def test_a_vpc_without_interface_endpoints_is_left_to_sml_net_17() -> None:
    resources = {**network(), **domain()}
    del resources["StsEndpoint"]
    assert found(resources, "SML-NET-23") == []


# -- across stacks ----------------------------------------------------------------------------------


def _split() -> tuple[dict[str, Any], dict[str, Any]]:
    foundation = template({**network(SecurityGroupEgress=NO_EGRESS), **studio_rules()}, Outputs={
        "WorkloadId": {"Value": _id("Workload"), "Export": {"Name": "platform:Workload"}},
        "VpcId": {"Value": {"Ref": "Vpc"}, "Export": {"Name": "platform:Vpc"}},
    })
    studio = template({"Domain": res(
        "AWS::SageMaker::Domain", AppNetworkAccessType="VpcOnly", VpcId={"Fn::ImportValue": "platform:Vpc"},
        DefaultUserSettings={"SecurityGroups": [{"Fn::ImportValue": "platform:Workload"}]},
    )})
    return foundation, studio


def test_imported_group_is_judged_on_the_exporting_template() -> None:
    foundation, studio = _split()
    report = check_templates([Template(studio, "studio.json"), Template(foundation, "foundation.json")])
    assert [f for f in report.findings if f.rule in ("SML-NET-23", "SML-NET-24")] == []
    del foundation["Resources"]["EndpointsFrom"]
    report = check_templates([Template(studio, "studio.json"), Template(foundation, "foundation.json")])
    (reach,) = [f for f in report.findings if f.rule == "SML-NET-23"]
    assert reach.file == "studio.json" and "no ingress rule of EndpointSg" in reach.message


def test_imported_group_without_its_export_cannot_be_verified() -> None:
    foundation, studio = _split()
    del foundation["Outputs"]["WorkloadId"]
    report = check_templates([Template(studio, "studio.json"), Template(foundation, "foundation.json")])
    (reach,) = [f for f in report.findings if f.rule == "SML-NET-23"]
    assert reach.message.startswith(CANNOT_VERIFY) and "platform:Workload" in reach.message


def test_a_template_alone_with_no_interface_endpoints_has_nothing_to_reach() -> None:
    _, studio = _split()
    report = check_templates([Template(studio, "studio.json")])
    assert [f for f in report.findings if f.rule == "SML-NET-23"] == []


# -- other workloads --------------------------------------------------------------------------------


@pytest.mark.aws_behaviour("ec2.security-group-rules-both-sides")
def test_models_and_jobs_get_a_warning_studio_and_notebooks_an_error() -> None:
    vpc_config = {"Subnets": ["subnet-1", "subnet-2"], "SecurityGroupIds": [_id("Workload")]}
    resources = {
        **network(),
        "Model": res("AWS::SageMaker::Model", ExecutionRoleArn="arn:aws:iam::111122223333:role/r",
                     VpcConfig=vpc_config),
        "Job": res("AWS::SageMaker::DataQualityJobDefinition", NetworkConfig={"VpcConfig": vpc_config}),
        "Notebook": res("AWS::SageMaker::NotebookInstance", SecurityGroupIds=[_id("Workload")]),
        "Profile": res("AWS::SageMaker::UserProfile", UserSettings={"SecurityGroups": [_id("Workload")]}),
    }
    severity = {f.resource: f.severity for f in found(resources, "SML-NET-23")}
    assert severity == {"Model": "warning", "Job": "warning", "Notebook": "error", "Profile": "error"}


@pytest.mark.aws_behaviour("sagemaker.distributed-job-self-ingress")
@pytest.mark.parametrize("count, expected", [(1, 0), (2, 1)])
def test_distributed_jobs_need_their_members_admitted(count, expected) -> None:
    resources = {**network(), "Job": res(
        "AWS::SageMaker::DataQualityJobDefinition",
        JobResources={"ClusterConfig": {"InstanceCount": count, "InstanceType": "ml.m5.large"}},
        NetworkConfig={"VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": [_id("Workload")]}},
    )}
    assert len(found(resources, "SML-NET-24")) == expected


def test_findings_carry_the_resource_line(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(template({**network(), **domain()}), indent=1))
    (reach,) = [f for f in check_paths([path]).findings if f.rule == "SML-NET-23"]
    lines = path.read_text().splitlines()
    assert reach.line is not None and '"Domain"' in lines[reach.line - 1]


# -- the reference app ------------------------------------------------------------------------------


def test_reference_app_workload_groups_reach_and_admit_themselves(demo_app) -> None:
    """Not vacuous: the Studio and Serving templates import the workload group from Foundation, and the
    rules follow the import to its rules (no finding, no "cannot verify")."""
    _, stage, _ = demo_app
    templates = discover([stage.node.root.outdir])
    report = check_templates(templates)
    assert [f for f in report.findings if f.rule in ("SML-NET-23", "SML-NET-24")] == []
    context = RunContext(templates=tuple(templates))
    judged = 0
    for t in templates:
        for r in t.of_type("AWS::SageMaker::Domain", "AWS::SageMaker::Model", "AWS::SageMaker::UserProfile"):
            for path, raw in _group_refs(r):
                groups, problems = _groups(_graph(t, context), r, path, raw)
                assert groups and not problems, (r.logical_id, path)
                judged += 1
    assert judged >= 4
