"""The hub layout (issue 17, item 2): config/hub.yaml synthesized once; the hub's and a spoke's templates,
the rules on them, and the config's error paths."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from aws_cdk import Environment, Stack
from aws_cdk.assertions import Template

from cdk_secure_ml.config import ConfigError, parse_config
from cdk_secure_ml.constructs.endpoint_hub import MlEndpointHub
from cdk_secure_ml.core.endpoint_hub import PRIVATE_DNS_NAMES, WILDCARD_DNS_SERVICES, hub_cidr_problems
from cdk_secure_ml.core.network import DEFAULT_INTERFACE_ENDPOINTS

from .conftest import ROOT, new_app
from .policies.sml_helpers import findings, verdict

SPOKES = {"222222222222": "10.21.0.0/16", "333333333333": "10.22.0.0/16", "444444444444": "10.23.0.0/16"}
HUB_CIDR = "10.0.0.0/22"


@pytest.fixture(scope="session")
def hub_template(hub_app) -> dict[str, Any]:
    return Template.from_stack(hub_app[2]).to_json()


@pytest.fixture(scope="session")
def spoke_template(hub_app) -> dict[str, Any]:
    return Template.from_stack(hub_app[1].stages["dev"].foundation).to_json()


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == kind}


# -- the hub ---------------------------------------------------------------------------------------


@pytest.mark.aws_behaviour("vpc.endpoint-private-dns-own-vpc-only")
def test_hub_endpoints_have_private_dns_off_and_a_zone_per_service(hub_template):
    endpoints = {lid: r["Properties"] for lid, r in of_type(hub_template, "AWS::EC2::VPCEndpoint").items()
                 if r["Properties"].get("VpcEndpointType") == "Interface"}
    assert len(endpoints) == len(DEFAULT_INTERFACE_ENDPOINTS)
    assert all(p["PrivateDnsEnabled"] is False for p in endpoints.values())
    zones = sorted(r["Properties"]["Name"]
                   for r in of_type(hub_template, "AWS::Route53::HostedZone").values())
    assert zones == sorted(PRIVATE_DNS_NAMES[s].format(region="eu-west-1") + "."
                           for s in DEFAULT_INTERFACE_ENDPOINTS)
    records = [r["Properties"] for r in of_type(hub_template, "AWS::Route53::RecordSet").values()]
    # an apex alias per zone, plus a wildcard where clients call sub-domains (ECR registries, Studio apps)
    assert len(records) == len(DEFAULT_INTERFACE_ENDPOINTS) + len(WILDCARD_DNS_SERVICES)
    assert {r["Name"] for r in records if r["Name"].startswith("*.")} == {
        "*." + PRIVATE_DNS_NAMES[s].format(region="eu-west-1") + "." for s in WILDCARD_DNS_SERVICES}
    aliased = {str(r["AliasTarget"]["DNSName"]) for r in records}
    assert all(any(lid in text for text in aliased) for lid in endpoints)


@pytest.mark.aws_behaviour("route53.profile-shared-by-ram",
                           "route53.cross-account-zone-association-needs-authorization")
def test_hub_zones_are_in_a_route53_profile_shared_with_the_spokes(hub_template):
    (profile_id,) = of_type(hub_template, "AWS::Route53Profiles::Profile")
    associations = of_type(hub_template, "AWS::Route53Profiles::ProfileResourceAssociation")
    assert len(associations) == len(DEFAULT_INTERFACE_ENDPOINTS)
    assert all(a["Properties"]["ProfileId"] == {"Fn::GetAtt": [profile_id, "Id"]}
               for a in associations.values())
    (share,) = [r["Properties"] for r in of_type(hub_template, "AWS::RAM::ResourceShare").values()]
    assert sorted(share["Principals"]) == sorted(SPOKES)
    assert share["AllowExternalPrincipals"] is False
    arns = str(share["ResourceArns"])
    assert profile_id in arns and "transit-gateway/" in arns


@pytest.mark.aws_behaviour("ec2.transit-gateway-auto-accept-shared-attachments")
def test_hub_transit_gateway_accepts_spokes_and_routes_to_them(hub_template):
    ((tgw_id, tgw),) = of_type(hub_template, "AWS::EC2::TransitGateway").items()
    assert tgw["Properties"]["AutoAcceptSharedAttachments"] == "enable"
    assert len(of_type(hub_template, "AWS::EC2::TransitGatewayAttachment")) == 1
    routes = [r["Properties"] for r in of_type(hub_template, "AWS::EC2::Route").values()]
    assert sorted(r["DestinationCidrBlock"] for r in routes) == sorted(list(SPOKES.values()) * 2)
    assert all(r["TransitGatewayId"] == {"Ref": tgw_id} for r in routes)
    outputs = hub_template["Outputs"]
    assert {"TransitGatewayId", "Route53ProfileId"} <= set(outputs)


@pytest.mark.aws_behaviour("ec2.transit-gateway-attachment-one-route-table",
                           "ec2.transit-gateway-default-route-tables")
def test_hub_transit_gateway_segments_spokes_from_each_other(hub_template):
    """Two routing domains: the spokes' default table gets only the hub attachment's propagation; the
    hub's attachment is associated with the hub table, which takes the spokes' propagations."""
    ((tgw_id, tgw),) = of_type(hub_template, "AWS::EC2::TransitGateway").items()
    # Off at creation, so that the hub's attachment joins only the tables named below.
    assert tgw["Properties"]["DefaultRouteTableAssociation"] == "disable"
    assert tgw["Properties"]["DefaultRouteTablePropagation"] == "disable"
    tables = of_type(hub_template, "AWS::EC2::TransitGatewayRouteTable")
    assert sorted(tables) == sorted(lid for lid in tables if lid.startswith("EndpointHub"))
    spokes_table = next(lid for lid in tables if "SpokesRouteTable" in lid)
    hub_table = next(lid for lid in tables if "HubRouteTable" in lid)
    (attachment,) = of_type(hub_template, "AWS::EC2::TransitGatewayAttachment")
    (association,) = of_type(hub_template, "AWS::EC2::TransitGatewayRouteTableAssociation").values()
    assert association["Properties"] == {"TransitGatewayAttachmentId": {"Ref": attachment},
                                         "TransitGatewayRouteTableId": {"Ref": hub_table}}
    (propagation,) = of_type(hub_template, "AWS::EC2::TransitGatewayRouteTablePropagation").values()
    assert propagation["Properties"] == {"TransitGatewayAttachmentId": {"Ref": attachment},
                                         "TransitGatewayRouteTableId": {"Ref": spokes_table}}
    # no static route could put a spoke range in either table
    assert not of_type(hub_template, "AWS::EC2::TransitGatewayRoute")
    ((lid, call),) = of_type(hub_template, "Custom::AWS").items()
    create = json.dumps(call["Properties"]["Create"])
    for expected in ('modifyTransitGateway', 'AssociationDefaultRouteTableId', spokes_table,
                     'PropagationDefaultRouteTableId', hub_table, tgw_id):
        assert expected in create
    depends = set(call.get("DependsOn", []))
    assert any("HubAssociation" in d for d in depends) and any("HubPropagation" in d for d in depends)


@pytest.mark.aws_behaviour("ec2.transit-gateway-default-route-table-not-deletable")
def test_the_default_route_tables_are_released_on_delete_and_the_call_may_name_them(hub_template):
    """Deleting the hub turns the defaults off before the tables go (a default table cannot be deleted), and
    the handler may name the route tables, on which ModifyTransitGateway is authorized too."""
    ((_, call),) = of_type(hub_template, "Custom::AWS").items()
    delete = json.dumps(call["Properties"]["Delete"])
    assert '\\"DefaultRouteTableAssociation\\":\\"disable\\"' in delete
    assert '\\"DefaultRouteTablePropagation\\":\\"disable\\"' in delete
    policies = [r["Properties"]["PolicyDocument"] for r in of_type(hub_template, "AWS::IAM::Policy").values()
                if "ec2:ModifyTransitGateway" in json.dumps(r["Properties"]["PolicyDocument"])]
    (statement,) = policies[0]["Statement"]
    assert sum("transit-gateway-route-table/" in json.dumps(r) for r in statement["Resource"]) == 2


def test_hub_endpoint_group_admits_443_from_each_spoke_range(hub_template):
    groups = [r["Properties"] for r in of_type(hub_template, "AWS::EC2::SecurityGroup").values()
              if "interface endpoints" in r["Properties"]["GroupDescription"]]
    ingress = {(i["CidrIp"], i["FromPort"], i["ToPort"])
               for g in groups for i in g.get("SecurityGroupIngress", [])}
    assert ingress == {(cidr, 443, 443) for cidr in SPOKES.values()}


@pytest.mark.aws_behaviour("vpc.endpoint-default-policy-full-access")
def test_hub_endpoint_policies_admit_the_spoke_accounts(hub_template):
    endpoint = next(r["Properties"] for r in of_type(hub_template, "AWS::EC2::VPCEndpoint").values()
                    if "sts" in str(r["Properties"]["ServiceName"]))
    statement = next(s for s in endpoint["PolicyDocument"]["Statement"] if s["Sid"] == "PrincipalsOfAccounts")
    accounts = statement["Condition"]["StringEquals"]["aws:PrincipalAccount"]
    assert "555555555555" in accounts and set(SPOKES) <= set(accounts)


# -- a spoke ---------------------------------------------------------------------------------------


def test_spoke_keeps_only_gateway_endpoints_in_its_own_range(spoke_template):
    endpoints = [r["Properties"] for r in of_type(spoke_template, "AWS::EC2::VPCEndpoint").values()]
    assert [e.get("VpcEndpointType", "Gateway") for e in endpoints] == ["Gateway"]
    (vpc,) = of_type(spoke_template, "AWS::EC2::VPC").values()
    assert vpc["Properties"]["CidrBlock"] == SPOKES["222222222222"]


@pytest.mark.aws_behaviour("route53.profile-associations-have-priority")
def test_spoke_attaches_to_the_hub_routes_to_it_and_resolves_through_the_profile(hub_app, spoke_template):
    """The spoke associates the hub's Profile whatever Profiles its VPC already has (several are allowed,
    by priority), and tags its attachment with the hub's range."""
    hub = hub_app[0].network.hub
    (attachment,) = of_type(spoke_template, "AWS::EC2::TransitGatewayAttachment").values()
    assert attachment["Properties"]["TransitGatewayId"] == hub.transit_gateway_id
    assert {"Key": "secure-ml:endpoint-hub-cidr", "Value": HUB_CIDR} in attachment["Properties"]["Tags"]
    routes = [r["Properties"] for r in of_type(spoke_template, "AWS::EC2::Route").values()]
    assert [r["DestinationCidrBlock"] for r in routes] == [HUB_CIDR, HUB_CIDR]
    (profile,) = of_type(spoke_template, "AWS::Route53Profiles::ProfileAssociation").values()
    assert profile["Properties"]["ProfileId"] == hub.route53_profile_id
    egress = [e for g in of_type(spoke_template, "AWS::EC2::SecurityGroup").values()
              for e in g["Properties"].get("SecurityGroupEgress", []) if e.get("CidrIp") == HUB_CIDR]
    assert [(e["FromPort"], e["ToPort"]) for e in egress] == [(443, 443)]


# -- the rules -------------------------------------------------------------------------------------


def with_sagemaker(template: dict[str, Any]) -> dict[str, Any]:
    """The template with a SageMaker resource, so SML-NET-17 (scoped to ML templates) judges its VPC, as it
    would a stack that holds the Studio domain beside the network."""
    out = copy.deepcopy(template)
    out["Resources"]["Domain"] = {"Type": "AWS::SageMaker::Domain", "Properties": {}}
    return out


def test_rules_accept_the_hub_and_its_spoke(hub_template, spoke_template):
    assert verdict(findings(hub_template, "SML-NET-14")) == "pass"
    assert verdict(findings(with_sagemaker(spoke_template), "SML-NET-17")) == "pass"


def test_rules_refuse_a_spoke_that_reaches_nothing(spoke_template):
    detached = with_sagemaker(spoke_template)
    for lid in of_type(detached, "AWS::EC2::TransitGatewayAttachment"):
        del detached["Resources"][lid]
    for lid, resource in list(detached["Resources"].items()):
        if resource["Type"] == "AWS::EC2::Route":
            del detached["Resources"][lid]
    found = findings(detached, "SML-NET-17")
    assert verdict(found) == "warning"
    assert "sagemaker.api" in found[0].message


def test_rules_refuse_a_hub_endpoint_without_private_dns_or_zone(hub_template):
    stripped = copy.deepcopy(hub_template)
    for lid in of_type(stripped, "AWS::Route53::RecordSet"):
        del stripped["Resources"][lid]
    assert len(findings(stripped, "SML-NET-14")) == len(DEFAULT_INTERFACE_ENDPOINTS)


def _sts(template: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    return next((lid, r["Properties"]) for lid, r in of_type(template, kind).items() if "Sts" in lid
                and (kind != "AWS::Route53::RecordSet" or not r["Properties"]["Name"].startswith("*.")))


@pytest.mark.parametrize("break_it", ["zone of another name", "public zone", "record below the apex"])
def test_rules_refuse_a_hub_alias_outside_the_service_zone_apex(hub_template, break_it):
    broken = copy.deepcopy(hub_template)
    zone_id, _ = _sts(broken, "AWS::Route53::HostedZone")
    zone = broken["Resources"][zone_id]["Properties"]
    record = broken["Resources"][_sts(broken, "AWS::Route53::RecordSet")[0]]["Properties"]
    if break_it == "zone of another name":
        zone["Name"] = record["Name"] = "sts.example.com."
    elif break_it == "public zone":
        del zone["VPCs"]
    else:
        record["Name"] = "x.sts.eu-west-1.amazonaws.com."
    found = findings(broken, "SML-NET-14")
    assert len(found) == 1 and "Sts" in found[0].resource


@pytest.mark.parametrize("break_it", ["route to another range", "attachment without the hub tag",
                                      "no Profile association"])
def test_rules_refuse_a_spoke_exemption_without_a_route_to_the_hub_range(spoke_template, break_it):
    broken = with_sagemaker(spoke_template)
    if break_it == "route to another range":
        for route in of_type(broken, "AWS::EC2::Route").values():
            route["Properties"]["DestinationCidrBlock"] = "0.0.0.0/0"
    elif break_it == "attachment without the hub tag":
        for attachment in of_type(broken, "AWS::EC2::TransitGatewayAttachment").values():
            del attachment["Properties"]["Tags"]
    else:
        for lid in of_type(broken, "AWS::Route53Profiles::ProfileAssociation"):
            del broken["Resources"][lid]
    found = findings(broken, "SML-NET-17")
    assert verdict(found) == "warning" and "sagemaker.api" in found[0].message


# -- the config ------------------------------------------------------------------------------------

BASE = """
name: secure-ml
region: eu-west-1
network:
  cidr: 10.21.0.0/16
  interface_endpoints: {mode: hub}
  hub:
    account: "555555555555"
    spokes:
      - {account: "222222222222", cidr: 10.21.0.0/16}
"""


def problems(text: str) -> str:
    with pytest.raises(ConfigError) as error:
        parse_config(text)
    return str(error.value)


def test_config_single_account_hub_loads():
    config = parse_config(BASE)
    assert config.network.hub is not None and config.network.hub.zones("eu-west-1") == ["eu-west-1a",
                                                                                        "eu-west-1b"]


def test_config_hub_mode_without_hub_names_the_fix():
    text = BASE.split("  hub:")[0]
    assert "mode: hub needs a network.hub section" in problems(text)


def test_config_hub_without_hub_mode_names_the_fix():
    assert "interface_endpoints.mode is per-account" in problems(BASE.replace("{mode: hub}", "{}"))


def test_config_overlapping_ranges_are_refused_at_their_line():
    text = BASE + "      - {account: \"333333333333\", cidr: 10.21.128.0/17}\n    cidr: 10.21.0.0/24\n"
    message = problems(text)
    assert "network.hub.spokes.1.cidr" in message and "overlaps" in message
    assert "network.hub.cidr" in message


def test_config_platform_vpc_must_be_a_spoke():
    assert "no spoke has network.cidr 10.30.0.0/16" in problems(BASE.replace("cidr: 10.21.0.0/16\n  inter",
                                                                           "cidr: 10.30.0.0/16\n  inter"))


def test_config_hub_account_is_not_a_spoke_and_accounts_are_listed_once():
    text = BASE + "      - {account: \"555555555555\", cidr: 10.22.0.0/16}\n" \
                  "      - {account: \"222222222222\", cidr: 10.23.0.0/16}\n"
    message = problems(text)
    assert "is the hub account" in message and "is already spoke 0" in message


def test_config_hub_in_another_region_is_refused():
    assert "serve their own region only" in problems(BASE.replace("    account: \"555555555555\"\n",
                                                                  "    account: \"555555555555\"\n"
                                                                  "    region: eu-central-1\n"))


def test_config_service_without_known_dns_name_is_refused():
    text = BASE.replace("{mode: hub}", "{mode: hub, extra: [codecommit]}")
    assert "the hub layout cannot serve ['codecommit']" in problems(text)


def test_config_delivery_stage_outside_the_spokes_is_refused():
    text = (ROOT / "config" / "hub.yaml").read_text().replace(
        '      - {account: "444444444444", cidr: 10.23.0.0/16}\n', "")
    assert "stage 'prod' (account 444444444444) is not a spoke" in problems(text)


def test_config_stage_gets_its_spoke_range(hub_app):
    config, pipeline, _ = hub_app
    assert {name: stage.config.network.cidr for name, stage in pipeline.stages.items()} == {
        "dev": "10.21.0.0/16", "staging": "10.22.0.0/16", "prod": "10.23.0.0/16"}


# -- the construct ---------------------------------------------------------------------------------


def test_construct_refuses_overlaps_and_env_agnostic_stacks():
    assert hub_cidr_problems("10.0.0.0/22", {"a": "10.0.0.0/16"})
    app = new_app()
    with pytest.raises(ValueError, match=r"MlEndpointHub: 2222.*overlaps the hub"):
        MlEndpointHub(Stack(app, "A", env=Environment(account="555555555555", region="eu-west-1")), "Hub",
                      platform="p", spokes={"222222222222": "10.0.0.0/16"})
    with pytest.raises(ValueError, match="needs an explicit region"):
        MlEndpointHub(Stack(app, "B"), "Hub", platform="p", spokes={"222222222222": "10.21.0.0/16"})


def test_network_md_hub_example_synthesizes():
    """docs/network.md's Python example of the hub layout builds what it says."""
    text = (ROOT / "docs" / "network.md").read_text()
    section = text.split("## Hub layout", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict[str, Any] = {}
    exec(compile(code, "docs/network.md", "exec"), scope)  # noqa: S102 - our own documentation
    spoke = Template.from_stack(scope["spoke_stack"]).to_json()
    assert len(of_type(spoke, "AWS::EC2::TransitGatewayAttachment")) == 1
    assert not [e for e in of_type(spoke, "AWS::EC2::VPCEndpoint").values()
                if e["Properties"].get("VpcEndpointType") == "Interface"]
    hub = Template.from_stack(scope["hub_stack"]).to_json()
    assert len(of_type(hub, "AWS::Route53::HostedZone")) == len(DEFAULT_INTERFACE_ENDPOINTS)


# -- the emulator ----------------------------------------------------------------------------------


def _deployable(template: dict[str, Any], s3: Any) -> str:
    """The template without CDK's bootstrap-version rule, its Lambda assets uploaded to moto's S3."""
    out = copy.deepcopy(template)
    out.pop("Rules", None)
    out.pop("Parameters", None)
    for function in of_type(out, "AWS::Lambda::Function").values():
        code = function["Properties"]["Code"]
        if isinstance(code.get("S3Bucket"), str):
            buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
            if code["S3Bucket"] not in buckets:
                s3.create_bucket(Bucket=code["S3Bucket"],
                                 CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
            s3.put_object(Bucket=code["S3Bucket"], Key=code["S3Key"], Body=b"zip")
    return json.dumps(out)


@pytest.mark.aws_behaviour("ec2.transit-gateway-attachment-one-route-table",
                           "ec2.transit-gateway-default-route-tables",
                           "route53.profile-delete-needs-no-vpc-associations",
                           "ec2.transit-gateway-delete-needs-no-attachments")
def test_emulator_deploys_the_hub_and_a_spoke_that_uses_it(hub_template, spoke_template, monkeypatch):
    """The hub stack, then a spoke's Foundation given the hub's outputs (as the config is after the
    hub's first deploy), deploy in the emulator; the stand-ins record the Profile's zones, its share
    with the spoke accounts and the spoke VPC's association."""
    import boto3
    from moto import mock_aws

    from cdk_secure_ml.emulator.endpoint_hub import PROFILES, SHARES
    from cdk_secure_ml.emulator.server import install_adapters

    install_adapters()
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        cloudformation = boto3.client("cloudformation", region_name="eu-west-1")
        s3 = boto3.client("s3", region_name="eu-west-1")
        cloudformation.create_stack(StackName="hub", TemplateBody=_deployable(hub_template, s3),
                                    Capabilities=["CAPABILITY_IAM"])
        hub = cloudformation.describe_stacks(StackName="hub")["Stacks"][0]
        assert hub["StackStatus"] == "CREATE_COMPLETE", hub.get("StackStatusReason")
        outputs = {o["OutputKey"]: o["OutputValue"] for o in hub["Outputs"]}
        profile = PROFILES[outputs["Route53ProfileId"]]
        assert len(profile["Zones"]) == len(DEFAULT_INTERFACE_ENDPOINTS)
        (share,) = [s for s in SHARES.values() if profile["Arn"] in s["ResourceArns"]]
        assert sorted(share["Principals"]) == sorted(SPOKES)

        spoke = json.loads(json.dumps(spoke_template)
                           .replace("tgw-0a1b2c3d4e5f60718", outputs["TransitGatewayId"])
                           .replace("rp-0a1b2c3d4e5f6a7b", outputs["Route53ProfileId"]))
        cloudformation.create_stack(StackName="spoke", TemplateBody=_deployable(spoke, s3),
                                    Capabilities=["CAPABILITY_IAM"])
        stack = cloudformation.describe_stacks(StackName="spoke")["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        spoke_vpc = next(o["OutputValue"] for o in stack["Outputs"] if o["OutputKey"] == "VpcId")
        assert spoke_vpc in profile["Vpcs"]
        ec2 = boto3.client("ec2", region_name="eu-west-1")
        attachments = ec2.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]
        assert {a["VpcId"] for a in attachments} == {outputs["VpcId"], spoke_vpc}
        _assert_routing_domains(hub, outputs["VpcId"], spoke_vpc, cloudformation)

        # Teardown in the wrong order: the hub's Profile is still associated with the spoke's VPC and its
        # transit gateway still has the spoke's attachment (docs/network.md, "Teardown").
        cloudformation.delete_stack(StackName="hub")
        events = cloudformation.describe_stack_events(StackName="hub")["StackEvents"]
        reasons = " ".join(e.get("ResourceStatusReason", "") for e in events
                           if e["ResourceStatus"] == "DELETE_FAILED")
        assert "route53.profile-delete-needs-no-vpc-associations" in reasons, reasons


def _assert_routing_domains(hub: dict[str, Any], hub_vpc: str, spoke_vpc: str, cloudformation: Any) -> None:
    """After the hub and one spoke deploy: the spokes table holds only the hub's range and is where the
    spoke's attachment is associated; the hub table holds the spoke's range."""
    from moto.core import DEFAULT_ACCOUNT_ID

    from cdk_secure_ml.emulator.transit_gateway import associated_attachments, routes_of

    resources = cloudformation.describe_stack_resources(StackName="hub")["StackResources"]
    tables = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources
              if r["ResourceType"] == "AWS::EC2::TransitGatewayRouteTable"}
    spokes_table = next(t for lid, t in tables.items() if "SpokesRouteTable" in lid)
    hub_table = next(t for lid, t in tables.items() if "HubRouteTable" in lid)
    account, region = DEFAULT_ACCOUNT_ID, "eu-west-1"
    assert routes_of(account, region, spokes_table) == {HUB_CIDR}
    assert routes_of(account, region, hub_table) == {SPOKES["222222222222"]}
    attachments = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources
                   if r["ResourceType"] == "AWS::EC2::TransitGatewayAttachment"}
    assert associated_attachments(account, region, hub_table) == set(attachments.values())
    spoke_attachment = associated_attachments(account, region, spokes_table)
    assert len(spoke_attachment) == 1 and not spoke_attachment & set(attachments.values())
