"""MlNetwork: isolated subnets, endpoints, security groups, flow logs; options and error paths."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Annotations, Match

from cdk_secure_ml.constructs.network import DEFAULT_INTERFACE_ENDPOINTS, MlNetwork
from tests.conftest import new_app


def _ids(template, type_):
    return list(template.find_resources(type_))


def _service_names(template) -> list[str]:
    names = []
    for res in template.find_resources("AWS::EC2::VPCEndpoint").values():
        names.append(json.dumps(res["Properties"]["ServiceName"]))
    return names


# ---------------------------------------------------------------------------------------- defaults


def test_vpc_has_only_isolated_subnets_and_no_internet_path(lab):
    t = lab.template("NetworkDefaults")
    t.has_resource_properties(
        "AWS::EC2::VPC", {"CidrBlock": "10.20.0.0/16", "EnableDnsHostnames": True, "EnableDnsSupport": True}
    )
    for type_ in ("AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::VPCGatewayAttachment",
                  "AWS::EC2::EIP", "AWS::EC2::Route", "AWS::EC2::EgressOnlyInternetGateway"):
        t.resource_count_is(type_, 0)
    subnets = t.find_resources("AWS::EC2::Subnet")
    assert len(subnets) == 2
    azs = {json.dumps(s["Properties"]["AvailabilityZone"]) for s in subnets.values()}
    assert len(azs) == 2, "subnets must be in distinct AZs"
    for subnet in subnets.values():
        assert subnet["Properties"]["MapPublicIpOnLaunch"] is False
    net = lab.objects["net"]
    assert len(net.subnets) == 2
    assert net.imported is False


def test_s3_gateway_endpoint_on_every_route_table(lab):
    t = lab.template("NetworkDefaults")
    tables = _ids(t, "AWS::EC2::RouteTable")
    assert len(tables) == 2
    t.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "VpcEndpointType": "Gateway",
            "RouteTableIds": Match.array_equals([{"Ref": table} for table in tables]),
        },
    )
    gateways = [r for r in t.find_resources("AWS::EC2::VPCEndpoint").values()
                if r["Properties"].get("VpcEndpointType") == "Gateway"]
    assert len(gateways) == 1
    assert ".s3" in json.dumps(gateways[0]["Properties"]["ServiceName"])


def test_interface_endpoints_default_set_private_dns_own_security_group(lab):
    t = lab.template("NetworkDefaults")
    net = lab.objects["net"]
    assert list(net.interface_endpoints) == list(DEFAULT_INTERFACE_ENDPOINTS)
    sg_id = Stack.of(net).resolve(net.endpoint_security_group.security_group_id)
    interfaces = [r for r in t.find_resources("AWS::EC2::VPCEndpoint").values()
                  if r["Properties"].get("VpcEndpointType") == "Interface"]
    assert len(interfaces) == len(DEFAULT_INTERFACE_ENDPOINTS)
    for endpoint in interfaces:
        props = endpoint["Properties"]
        assert props["PrivateDnsEnabled"] is True
        assert props["SecurityGroupIds"] == [sg_id]
        assert len(props["SubnetIds"]) == 2
    names = " ".join(_service_names(t))
    for suffix in (".sagemaker.api", ".sagemaker.runtime", ".notebook", ".studio", ".sts", ".logs",
                   ".monitoring", ".ecr.api", ".ecr.dkr", ".kms", ".ssm"):
        assert suffix in names, suffix
    assert names.count("aws.sagemaker.") == 2  # notebook and studio use the aws.sagemaker prefix


def test_endpoint_security_group_admits_only_workload_groups(lab):
    t = lab.template("NetworkDefaults")
    net = lab.objects["net"]
    stack = Stack.of(net)
    endpoint_sg = stack.get_logical_id(net.endpoint_security_group.node.default_child)
    workload_sg = stack.get_logical_id(lab.objects["net_sg"].node.default_child)
    props = t.find_resources("AWS::EC2::SecurityGroup")[endpoint_sg]["Properties"]
    assert "SecurityGroupIngress" not in props, "no CIDR ingress by default"
    # allow_all_outbound=False: CDK's placeholder rule that matches no traffic
    assert len(props["SecurityGroupEgress"]) == 1
    assert props["SecurityGroupEgress"][0]["CidrIp"] == "255.255.255.255/32"
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": {"Fn::GetAtt": [endpoint_sg, "GroupId"]},
            "SourceSecurityGroupId": {"Fn::GetAtt": [workload_sg, "GroupId"]},
            "FromPort": 443, "ToPort": 443, "IpProtocol": "tcp",
        },
    )
    ingress_to_endpoints = [
        r for r in t.find_resources("AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [endpoint_sg, "GroupId"]}
    ]
    assert len(ingress_to_endpoints) == 1


def test_workload_security_group_self_rules_and_egress_to_endpoints_only(lab):
    t = lab.template("NetworkDefaults")
    net = lab.objects["net"]
    stack = Stack.of(net)
    sg = stack.get_logical_id(lab.objects["net_sg"].node.default_child)
    endpoint_sg = stack.get_logical_id(net.endpoint_security_group.node.default_child)
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {"GroupId": {"Fn::GetAtt": [sg, "GroupId"]}, "SourceSecurityGroupId": {"Fn::GetAtt": [sg, "GroupId"]},
         "IpProtocol": "-1"},
    )
    egress = [r["Properties"] for r in t.find_resources("AWS::EC2::SecurityGroupEgress").values()
              if r["Properties"]["GroupId"] == {"Fn::GetAtt": [sg, "GroupId"]}]
    destinations = sorted(json.dumps(e.get("DestinationSecurityGroupId")) for e in egress)
    assert destinations == sorted(json.dumps({"Fn::GetAtt": [g, "GroupId"]}) for g in (sg, endpoint_sg))
    inline = t.find_resources("AWS::EC2::SecurityGroup")[sg]["Properties"]["SecurityGroupEgress"]
    assert inline == [{"CidrIp": "0.0.0.0/0", "Description": "S3 via the gateway endpoint",
                       "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}]


def test_flow_logs_to_encrypted_retained_log_group(lab):
    t = lab.template("NetworkDefaults")
    t.has_resource_properties(
        "AWS::EC2::FlowLog",
        {"ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"},
    )
    t.has_resource(
        "AWS::Logs::LogGroup",
        {
            "Properties": {"KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("NetFlowLogKey"), "Arn"]},
                           "RetentionInDays": 365},
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )
    t.has_resource(
        "AWS::KMS::Key",
        {
            "Properties": {
                "EnableKeyRotation": True,
                "KeyPolicy": {"Statement": Match.array_with([Match.object_like({
                    "Principal": {"Service": Match.any_value()},
                    "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": Match.any_value()}},
                })])},
            },
            "DeletionPolicy": "Retain",
        },
    )


def test_default_security_group_is_closed(lab):
    t = lab.template("NetworkDefaults")
    vpc = _ids(t, "AWS::EC2::VPC")[0]
    t.has_resource_properties(
        "Custom::VpcRestrictDefaultSG",
        {"DefaultSecurityGroupId": {"Fn::GetAtt": [vpc, "DefaultSecurityGroup"]}},
    )
    handler = next(iter(t.find_resources("AWS::Lambda::Function").values()))
    skipped = {s["id"] for s in handler["Metadata"]["checkov"]["skip"]}
    assert skipped == {"CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117"}
    assert all(s["comment"] for s in handler["Metadata"]["checkov"]["skip"])


# ----------------------------------------------------------------------------------------- options


def test_options_cidr_azs_and_subnet_mask(lab):
    t = lab.template("NetworkOptions")
    t.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": "10.50.0.0/20"})
    subnets = [s["Properties"] for s in t.find_resources("AWS::EC2::Subnet").values()]
    assert sorted(s["AvailabilityZone"] for s in subnets) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert all(s["CidrBlock"].endswith("/24") for s in subnets)


def test_options_endpoints_list_extra_dynamodb(lab):
    t = lab.template("NetworkOptions")
    net = lab.objects["net_options"]
    assert list(net.interface_endpoints) == ["sagemaker.api", "sts", "logs", "codeartifact.api"]
    names = " ".join(_service_names(t))
    assert ".dynamodb" in names and ".codeartifact.api" in names and ".studio" not in names
    assert net.dynamodb_endpoint is not None
    gateways = [
        r
        for r in t.find_resources("AWS::EC2::VPCEndpoint").values()
        if r["Properties"].get("VpcEndpointType") == "Gateway"
    ]
    assert len(gateways) == 2


def test_options_endpoint_access_from_vpc_cidr_and_prefix_list(lab):
    t = lab.template("NetworkOptions")
    net = lab.objects["net_options"]
    stack = Stack.of(net)
    endpoint_sg = stack.get_logical_id(net.endpoint_security_group.node.default_child)
    vpc = _ids(t, "AWS::EC2::VPC")[0]
    props = t.find_resources("AWS::EC2::SecurityGroup")[endpoint_sg]["Properties"]
    assert props["SecurityGroupIngress"] == [
        {
            "CidrIp": {"Fn::GetAtt": [vpc, "CidrBlock"]},
            "Description": "HTTPS from the VPC CIDR",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    sg = stack.get_logical_id(lab.objects["net_options_sg"].node.default_child)
    assert "SecurityGroupEgress" not in t.find_resources("AWS::EC2::SecurityGroup")[sg]["Properties"]
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress",
        {
            "GroupId": {"Fn::GetAtt": [sg, "GroupId"]},
            "DestinationPrefixListId": "pl-6da54004",
            "FromPort": 443,
            "ToPort": 443,
            "IpProtocol": "tcp",
        },
    )
    cidr_egress = [
        r for r in t.find_resources("AWS::EC2::SecurityGroupEgress").values() if "CidrIp" in r["Properties"]
    ]
    assert cidr_egress == []


def test_options_flow_log_key_and_retention(lab):
    t = lab.template("NetworkOptions")
    keys_logs = Stack.of(lab.objects["net_options"]).get_logical_id(
        lab.objects["net_options"].flow_log_key.node.default_child
    )
    assert "KeysLogsKey" in keys_logs
    t.has_resource_properties(
        "AWS::Logs::LogGroup", {"KmsKeyId": {"Fn::GetAtt": [keys_logs, "Arn"]}, "RetentionInDays": 731}
    )
    t.resource_count_is("AWS::KMS::Key", 4)  # only EncryptionKeys' keys: no extra flow-log key


def test_imported_vpc_gets_endpoints_and_flow_logs(lab):
    t = lab.template("NetworkImported")
    net = lab.objects["net_imported"]
    assert net.imported is True
    assert net.subnet_ids == ["subnet-aaaa1111", "subnet-bbbb2222"]
    t.resource_count_is("AWS::EC2::VPC", 0)
    t.resource_count_is("Custom::VpcRestrictDefaultSG", 0)
    t.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "VpcEndpointType": "Gateway",
            "VpcId": "vpc-0123456789abcdef0",
            "RouteTableIds": ["rtb-aaaa1111", "rtb-bbbb2222"],
        },
    )
    t.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {"VpcEndpointType": "Interface", "SubnetIds": ["subnet-aaaa1111", "subnet-bbbb2222"]},
    )
    t.has_resource_properties("AWS::EC2::FlowLog", {"ResourceId": "vpc-0123456789abcdef0"})
    Annotations.from_stack(lab.stacks["NetworkImported"]).has_warning(
        "*", Match.string_like_regexp("default security group")
    )


# ------------------------------------------------------------------------------------ error paths


def _stack():
    return Stack(new_app(), "S")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_azs": 1}, "max_azs is 1"),
        ({"availability_zones": ["eu-west-1a"]}, "fewer than 2 distinct AZs"),
        ({"availability_zones": ["eu-west-1a", "eu-west-1a"]}, "fewer than 2 distinct AZs"),
        ({"cidr": "10.0.0.0/33"}, "'10.0.0.0/33' is not a valid IPv4 network"),
        ({"cidr": "10.0.0.5/16"}, "did you mean 10.0.0.0/16"),
        ({"cidr": "10.20.0.0/16", "reserved_cidrs": ["10.20.128.0/17"]}, "overlaps 10.20.128.0/17"),
        ({"cidr": "10.20.0.0/16", "reserved_cidrs": ["bogus"]}, "reserved CIDR 'bogus'"),
        (
            {"extra_interface_endpoints": ["sagemaker.apii"]},
            "unknown interface endpoint service(s) ['sagemaker.apii']",
        ),
        ({"interface_endpoints": ["s3"]}, "['s3']"),
        ({"s3_prefix_list_id": "prefix-1"}, "'prefix-1' is not a prefix-list id"),
        ({"subnet_cidr_mask": 12}, "/12 does not fit"),
        ({"cidr": "10.20.0.0/24", "subnet_cidr_mask": 24}, "room for fewer than 2 subnets"),
        ({"max_azs": 3}, "environment-agnostic"),
    ],
)
def test_bad_input_raises_clear_value_error(kwargs, message):
    with pytest.raises(ValueError) as info:
        MlNetwork(_stack(), "Net", **kwargs)
    assert message in str(info.value)


def test_all_problems_of_one_input_are_reported_together():
    with pytest.raises(ValueError) as info:
        MlNetwork(_stack(), "Net", max_azs=1, cidr="8.8.8.0/24", extra_interface_endpoints=["nope"])
    text = str(info.value)
    assert "max_azs is 1" in text and "not a private range" in text and "['nope']" in text


def _imported(stack, subnets, azs, route_tables=True):
    return ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-1",
        availability_zones=azs,
        isolated_subnet_ids=subnets,
        isolated_subnet_route_table_ids=[f"rtb-{i}" for i in range(len(subnets))] if route_tables else None,
    )


def test_imported_vpc_with_one_subnet_is_refused():
    stack = _stack()
    with pytest.raises(ValueError, match=r"at least 2 private subnets in distinct AZs \(found: subnet-a"):
        MlNetwork(stack, "Net", vpc=_imported(stack, ["subnet-a"], ["eu-west-1a"]))


def test_imported_vpc_with_subnets_in_one_az_is_refused():
    stack = _stack()
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-1",
        availability_zones=["eu-west-1a"],
        isolated_subnet_ids=["subnet-a", "subnet-b"],
        isolated_subnet_route_table_ids=["rtb-a", "rtb-b"],
    )
    with pytest.raises(ValueError, match="distinct AZs"):
        MlNetwork(stack, "Net", vpc=vpc)


def test_imported_vpc_without_route_tables_is_refused():
    stack = _stack()
    with pytest.raises(ValueError, match="route tables of subnets"):
        MlNetwork(
            stack,
            "Net",
            vpc=_imported(stack, ["subnet-a", "subnet-b"], ["eu-west-1a", "eu-west-1b"], route_tables=False),
        )


# ------------------------------------------------------------------ endpoint policies (review S1)

RESTRICTED = (
    "sagemaker.api",
    "sagemaker.runtime",
    "sts",
    "logs",
    "monitoring",
    "ecr.api",
    "ecr.dkr",
    "kms",
    "ssm",
)
ACCOUNT = {"Ref": "AWS::AccountId"}
ORG = "o-a1b2c3d4e5"
TOOLING = "111111111111"
PARTNER = "555555555555"
JUMPSTART = "arn:aws:s3:::jumpstart-cache-prod-eu-west-1/*"


@pytest.fixture(scope="module")
def perimeters():
    """One MlNetwork per perimeter variant, synthesized once."""
    from aws_cdk.assertions import Template

    app = new_app()
    variants = {
        "account": {},
        "org": {
            "organization_id": ORG,
            "trusted_accounts": [PARTNER],
            "trusted_resource_accounts": [TOOLING],
            "allowed_s3_objects": [JUMPSTART],
            "extra_interface_endpoints": ["codeartifact.api"],
        },
        "open": {"restrict_endpoints": False},
    }
    built = {name: (Stack(app, f"Perimeter{name.title()}"), kwargs) for name, kwargs in variants.items()}
    nets = {name: MlNetwork(stack, "Net", **kwargs) for name, (stack, kwargs) in built.items()}
    return {name: (nets[name], Template.from_stack(stack)) for name, (stack, _) in built.items()}


def _policies(template) -> dict[str, dict | None]:
    """Endpoint service suffix (s3, sts, notebook, ...) -> its PolicyDocument (None: the default)."""
    found = {}
    for res in template.find_resources("AWS::EC2::VPCEndpoint").values():
        name = json.dumps(res["Properties"]["ServiceName"])
        suffix = next(s for s in (*INTERFACE_SUFFIXES, "s3") if name.rstrip('"]}').endswith("." + s))
        found[suffix] = res["Properties"].get("PolicyDocument")
    return found


INTERFACE_SUFFIXES = (
    "sagemaker.api",
    "sagemaker.runtime",
    "notebook",
    "studio",
    "sts",
    "logs",
    "monitoring",
    "ecr.api",
    "ecr.dkr",
    "kms",
    "ssm",
    "codeartifact.api",
)


@pytest.mark.aws_behaviour(
    "vpc.endpoint-default-policy-full-access",
    "s3.endpoint-policy-resource-account",
    "ecr.image-layers-from-starport-bucket",
)
def test_s3_gateway_endpoint_admits_only_this_accounts_principals_and_buckets(perimeters):
    """Without a policy the gateway endpoint lets foreign credentials write to any bucket (S1)."""
    _, t = perimeters["account"]
    policy = _policies(t)["s3"]
    assert policy["Statement"] == [
        {
            "Sid": "PrincipalsOfAccountsToBucketsOfAccounts",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:PrincipalAccount": [ACCOUNT], "s3:ResourceAccount": [ACCOUNT]}
            },
        },
        {
            "Sid": "AwsServicePrincipals",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}},
        },
        # ECR presigns the layer download with its own credentials: no principal condition here
        {
            "Sid": "EcrImageLayers",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":s3:::prod-",
                        {"Ref": "AWS::Region"},
                        "-starport-layer-bucket/*",
                    ],
                ]
            },
        },
    ]
    # nothing else is allowed: no statement without a principal or a resource perimeter but the two above
    unconditioned = [s["Sid"] for s in policy["Statement"] if "Condition" not in s]
    assert unconditioned == ["EcrImageLayers"]


@pytest.mark.aws_behaviour(
    "vpc.endpoint-default-policy-full-access",
    "sts.endpoint-policy-principal-keys",
    "vpc.endpoint-policy-support-varies",
)
def test_interface_endpoints_admit_only_this_accounts_principals(perimeters):
    _, t = perimeters["account"]
    policies = _policies(t)
    expected = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PrincipalsOfAccounts",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": [ACCOUNT]}},
            },
            {
                "Sid": "AwsServicePrincipals",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}},
            },
        ],
    }
    for service in RESTRICTED:
        assert policies[service] == expected, service
    # the browser path to Studio apps and notebooks keeps the default policy (presigned URLs from
    # sagemaker.api)
    assert policies["notebook"] is None and policies["studio"] is None


@pytest.mark.aws_behaviour(
    "s3.endpoint-policy-resource-account", "sagemaker.vpc-model-download-through-s3-endpoint"
)
def test_organization_trusted_accounts_and_aws_owned_objects(perimeters):
    net, t = perimeters["org"]
    policies = _policies(t)
    s3 = {s["Sid"]: s for s in policies["s3"]["Statement"]}
    principals = {
        "Accounts": {"aws:PrincipalAccount": [ACCOUNT, PARTNER]},
        "Organization": {"aws:PrincipalOrgID": ORG},
    }
    buckets = {
        "Accounts": {"s3:ResourceAccount": [ACCOUNT, PARTNER, TOOLING]},
        "Organization": {"aws:ResourceOrgID": ORG},
    }
    for p, p_condition in principals.items():
        for b, b_condition in buckets.items():
            sid = f"PrincipalsOf{p}ToBucketsOf{b}"
            assert s3[sid]["Condition"] == {"StringEquals": {**p_condition, **b_condition}}, sid
            assert s3[sid]["Action"] == "s3:*"
    assert s3["AllowedAwsOwnedObjects"] == {
        "Sid": "AllowedAwsOwnedObjects",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": JUMPSTART,
    }
    # the tooling account's buckets, not its principals
    sts = {s["Sid"]: s for s in policies["sts"]["Statement"]}
    assert sts["PrincipalsOfAccounts"]["Condition"] == {
        "StringEquals": {"aws:PrincipalAccount": [ACCOUNT, PARTNER]}
    }
    assert sts["PrincipalsOfOrganization"]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": ORG}}
    # a service without documented endpoint-policy support keeps the default policy
    assert policies["codeartifact.api"] is None
    assert "codeartifact.api" not in net.restricted_endpoints and set(net.restricted_endpoints) == set(
        RESTRICTED
    )


def test_restrict_endpoints_false_keeps_the_default_policies(perimeters):
    net, t = perimeters["open"]
    assert all(p is None for p in _policies(t).values()) and net.restricted_endpoints == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"organization_id": "123"}, r"organization_id '123' is not an AWS Organizations id"),
        ({"trusted_accounts": ["12345"]}, r"trusted_accounts \['12345'\] are not 12-digit account ids"),
        ({"trusted_resource_accounts": ["x"]}, r"trusted_resource_accounts \['x'\] are not 12-digit"),
        (
            {"allowed_s3_objects": ["my-bucket/*"]},
            r"allowed_s3_objects \['my-bucket/\*'\] are not S3 "
            r"object ARN",
        ),
    ],
)
def test_bad_perimeter_input_is_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MlNetwork(Stack(new_app(), "S"), "Net", **kwargs)


# ------------------------------------------------------------------ AZ IDs (review M6)


@pytest.mark.aws_behaviour("ec2.az-ids-consistent-across-accounts")
def test_availability_zone_ids_name_the_subnets_zones_by_id():
    from aws_cdk import Environment
    from aws_cdk.assertions import Template

    stack = Stack(new_app(), "Ids", env=Environment(region="us-east-1"))
    net = MlNetwork(stack, "Net", availability_zone_ids=["use1-az1", "use1-az2"])
    subnets = Template.from_stack(stack).find_resources("AWS::EC2::Subnet").values()
    assert sorted(s["Properties"]["AvailabilityZoneId"] for s in subnets) == ["use1-az1", "use1-az2"]
    assert all("AvailabilityZone" not in s["Properties"] for s in subnets)
    assert net.availability_zone_ids == ["use1-az1", "use1-az2"]


@pytest.mark.parametrize(
    "ids, message",
    [
        (["use1-az1"], r"fewer than 2 zones"),
        (["use1-az1", "euw1-az2"], r"\['euw1-az2'\] are not in region us-east-1 \(its AZ IDs are use1-az1"),
        (["us-east-1a", "use1-az2"], r"\['us-east-1a'\] are not AZ IDs"),
        (["use1-az1", "use1-az1"], r"repeat a zone"),
    ],
)
def test_bad_availability_zone_ids_are_named(ids, message):
    from aws_cdk import Environment

    with pytest.raises(ValueError, match=message):
        MlNetwork(
            Stack(new_app(), "S", env=Environment(region="us-east-1")), "Net", availability_zone_ids=ids
        )


@pytest.mark.aws_behaviour("ec2.subnet-reserved-addresses", "vpc.interface-endpoint-eni-per-subnet")
def test_subnets_too_small_for_the_interface_endpoints_are_refused():
    # 11 default endpoints + 5 reserved addresses fill a /28 (16 addresses); a 12th endpoint does not fit.
    MlNetwork(_stack(), "Net", cidr="10.20.0.0/24", subnet_cidr_mask=28)
    expected = (r"MlNetwork: subnet_cidr_mask /28 is too small: each of the 2 subnets has 16 addresses: "
                r"5 reserved by AWS, 12 for the interface endpoints \(17, more than it has\); "
                r"use subnet_cidr_mask /27")
    with pytest.raises(ValueError, match=expected):
        MlNetwork(_stack(), "Net", cidr="10.20.0.0/24", subnet_cidr_mask=28,
                  extra_interface_endpoints=["secretsmanager"])
