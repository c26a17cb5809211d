"""Each adapter creates its resource through moto's backend, as CloudFormation would."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .conftest import deploy, vpc_resources

TAGS = [{"Key": "project", "Value": "secure-ml"}]


def test_kms_key_with_tags_rotation_and_policy(aws):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    outputs = deploy(
        aws,
        {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {
                    "KeyPolicy": policy,
                    "EnableKeyRotation": True,
                    "Description": "data",
                    "Tags": TAGS,
                },
            }
        },
        {"KeyId": {"Value": {"Ref": "Key"}}, "Arn": {"Value": {"Fn::GetAtt": ["Key", "Arn"]}}},
    )
    kms = aws("kms")
    key_id = outputs["KeyId"]
    assert outputs["Arn"].endswith(key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == policy
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "project", "TagValue": "secure-ml"}]


def test_kms_key_rotation_defaults_to_off(aws):
    outputs = deploy(
        aws,
        {"Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": []}}}},
        {"KeyId": {"Value": {"Ref": "Key"}}},
    )
    assert aws("kms").get_key_rotation_status(KeyId=outputs["KeyId"])["KeyRotationEnabled"] is False


def test_bucket_applies_what_moto_ignores(aws):
    deploy(
        aws,
        {
            "Logs": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "logs-bucket"}},
            "Data": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": "data-bucket",
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {
                                "BucketKeyEnabled": True,
                                "ServerSideEncryptionByDefault": {
                                    "SSEAlgorithm": "aws:kms",
                                    "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/abc",
                                },
                            }
                        ]
                    },
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                    "LoggingConfiguration": {
                        "DestinationBucketName": {"Ref": "Logs"},
                        "LogFilePrefix": "data/",
                    },
                    "Tags": TAGS,
                },
            },
        },
    )
    s3 = aws("s3")
    rule = s3.get_bucket_encryption(Bucket="data-bucket")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["BucketKeyEnabled"] is True
    assert s3.get_bucket_versioning(Bucket="data-bucket")["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket="data-bucket")["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    assert s3.get_bucket_ownership_controls(Bucket="data-bucket")["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]
    assert s3.get_bucket_logging(Bucket="data-bucket")["LoggingEnabled"] == {
        "TargetBucket": "logs-bucket",
        "TargetPrefix": "data/",
    }
    # Without those properties nothing is added.
    assert "Status" not in s3.get_bucket_versioning(Bucket="logs-bucket")
    with pytest.raises(ClientError):
        s3.get_public_access_block(Bucket="logs-bucket")


def test_bucket_object_lock(aws):
    deploy(
        aws,
        {
            "Archive": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": "archive",
                    "ObjectLockEnabled": True,
                    "ObjectLockConfiguration": {
                        "ObjectLockEnabled": "Enabled",
                        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
                    },
                },
            }
        },
    )
    lock = aws("s3").get_object_lock_configuration(Bucket="archive")["ObjectLockConfiguration"]
    assert lock["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", "Days": 30}


def tls_only(bucket_ref) -> dict:
    arn = {"Fn::Join": ["", ["arn:aws:s3:::", bucket_ref]]}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "s3:*",
                "Resource": [arn, {"Fn::Join": ["", [arn, "/*"]]}],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def test_bucket_policy_is_stored_and_conditional_denies_do_not_block_requests(aws):
    deploy(
        aws,
        {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "staging"}},
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": tls_only({"Ref": "Bucket"})},
            },
        },
    )
    s3 = aws("s3")
    stored = json.loads(s3.get_bucket_policy(Bucket="staging")["Policy"])
    assert stored["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    # moto has no request context for the condition; the emulator treats it as not matching.
    s3.put_object(Bucket="staging", Key="asset.zip", Body=b"x")


def test_bucket_policy_unconditional_deny_still_enforced(aws):
    deploy(
        aws,
        {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "locked"}},
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": "locked",
                    "PolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "s3:PutObject",
                                "Resource": "arn:aws:s3:::locked/*",
                            }
                        ]
                    },
                },
            },
        },
    )
    with pytest.raises(ClientError) as error:
        aws("s3").put_object(Bucket="locked", Key="k", Body=b"x")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_security_group_egress(aws):
    resources = vpc_resources()
    resources["Egress"] = {
        "Type": "AWS::EC2::SecurityGroupEgress",
        "Properties": {
            "GroupId": {"Fn::GetAtt": ["Group", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "DestinationSecurityGroupId": {"Fn::GetAtt": ["Group", "GroupId"]},
            "Description": "to peers",
        },
    }
    resources["EgressCidr"] = {
        "Type": "AWS::EC2::SecurityGroupEgress",
        "Properties": {
            "GroupId": {"Fn::GetAtt": ["Group", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "CidrIp": "10.0.0.0/16",
        },
    }
    outputs = deploy(aws, resources, {"Group": {"Value": {"Fn::GetAtt": ["Group", "GroupId"]}}})
    group = aws("ec2").describe_security_groups(GroupIds=[outputs["Group"]])["SecurityGroups"][0]
    egress = {(p.get("FromPort"), p["IpProtocol"]): p for p in group["IpPermissionsEgress"]}
    assert egress[(443, "tcp")]["UserIdGroupPairs"][0]["GroupId"] == outputs["Group"]
    assert egress[(5432, "tcp")]["IpRanges"][0]["CidrIp"] == "10.0.0.0/16"


def test_restrict_default_security_group_revokes_every_rule(aws):
    resources = vpc_resources()
    resources["Restrict"] = {
        "Type": "Custom::VpcRestrictDefaultSG",
        "Properties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:not-invoked",
            "DefaultSecurityGroupId": {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]},
            "Account": "123456789012",
        },
    }
    outputs = deploy(aws, resources, {"Default": {"Value": {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}}})
    ec2 = aws("ec2")
    group = ec2.describe_security_groups(GroupIds=[outputs["Default"]])["SecurityGroups"][0]
    assert group["GroupName"] == "default"
    assert group["IpPermissions"] == [] and group["IpPermissionsEgress"] == []
    # Deleting the stack restores the defaults, as the Lambda handler does.
    aws("cloudformation").delete_stack(StackName="adapter-test")


def test_sagemaker_domain(aws):
    resources = vpc_resources()
    resources["Domain"] = {
        "Type": "AWS::SageMaker::Domain",
        "Properties": {
            "DomainName": "studio",
            "AuthMode": "IAM",
            "AppNetworkAccessType": "VpcOnly",
            "VpcId": {"Ref": "Vpc"},
            "SubnetIds": [{"Ref": "SubnetA"}],
            "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/k",
            "DefaultUserSettings": {
                "ExecutionRole": "arn:aws:iam::123456789012:role/exec",
                "SecurityGroups": [{"Fn::GetAtt": ["Group", "GroupId"]}],
            },
            "Tags": TAGS,
        },
    }
    outputs = deploy(
        aws,
        resources,
        {"Id": {"Value": {"Ref": "Domain"}}, "Arn": {"Value": {"Fn::GetAtt": ["Domain", "DomainArn"]}}},
    )
    domain = aws("sagemaker").describe_domain(DomainId=outputs["Id"])
    assert outputs["Arn"] == domain["DomainArn"]
    assert domain["AppNetworkAccessType"] == "VpcOnly"
    assert domain["KmsKeyId"].endswith("key/k")
    assert len(domain["DefaultUserSettings"]["SecurityGroups"]) == 1


def test_sagemaker_domain_defaults_to_public_internet(aws):
    resources = vpc_resources()
    resources["Domain"] = {
        "Type": "AWS::SageMaker::Domain",
        "Properties": {
            "DomainName": "open",
            "AuthMode": "IAM",
            "VpcId": {"Ref": "Vpc"},
            "SubnetIds": [{"Ref": "SubnetA"}],
            "DefaultUserSettings": {"ExecutionRole": "arn:aws:iam::123456789012:role/exec"},
        },
    }
    outputs = deploy(aws, resources, {"Id": {"Value": {"Ref": "Domain"}}})
    assert (
        aws("sagemaker").describe_domain(DomainId=outputs["Id"])["AppNetworkAccessType"]
        == "PublicInternetOnly"
    )


def test_cloudtrail_trail_logging(aws):
    outputs = deploy(
        aws,
        {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "trail-bucket"}},
            "Trail": {
                "Type": "AWS::CloudTrail::Trail",
                "Properties": {
                    "TrailName": "org-trail",
                    "S3BucketName": {"Ref": "Bucket"},
                    "IsLogging": True,
                    "IsMultiRegionTrail": True,
                    "EnableLogFileValidation": True,
                    "IncludeGlobalServiceEvents": True,
                    "KMSKeyId": "arn:aws:kms:us-east-1:123456789012:key/t",
                    "EventSelectors": [{"IncludeManagementEvents": True, "ReadWriteType": "All"}],
                },
            },
        },
        {"Name": {"Value": {"Ref": "Trail"}}, "Arn": {"Value": {"Fn::GetAtt": ["Trail", "Arn"]}}},
    )
    cloudtrail = aws("cloudtrail")
    trail = cloudtrail.describe_trails(trailNameList=["org-trail"])["trailList"][0]
    assert outputs == {"Name": "org-trail", "Arn": trail["TrailARN"]}
    assert trail["IsMultiRegionTrail"] and trail["LogFileValidationEnabled"]
    assert cloudtrail.get_trail_status(Name="org-trail")["IsLogging"] is True
    assert (
        cloudtrail.get_event_selectors(TrailName="org-trail")["EventSelectors"][0]["ReadWriteType"] == "All"
    )


def test_cloudtrail_trail_not_logging(aws):
    deploy(
        aws,
        {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "trail-bucket"}},
            "Trail": {
                "Type": "AWS::CloudTrail::Trail",
                "Properties": {"TrailName": "quiet", "S3BucketName": {"Ref": "Bucket"}, "IsLogging": False},
            },
        },
    )
    assert aws("cloudtrail").get_trail_status(Name="quiet")["IsLogging"] is False


def test_config_recorder_channel_and_rule(aws):
    deploy(
        aws,
        {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "config-bucket"}},
            # Config writes to a bucket of its own account as the recorder's role
            # (cdk_secure_ml/emulator/config.py refuses otherwise)
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "config",
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "config.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                    "Policies": [
                        {
                            "PolicyName": "deliver",
                            "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Statement": [
                                    {
                                        "Effect": "Allow",
                                        "Action": "s3:PutObject",
                                        "Resource": "arn:aws:s3:::config-bucket/AWSLogs/123456789012/*",
                                    }
                                ],
                            },
                        }
                    ],
                },
            },
            "Recorder": {
                "Type": "AWS::Config::ConfigurationRecorder",
                "Properties": {
                    "Name": "default",
                    "RoleARN": {"Fn::GetAtt": ["Role", "Arn"]},
                    "RecordingGroup": {"AllSupported": True, "IncludeGlobalResourceTypes": True},
                },
            },
            "Channel": {
                "Type": "AWS::Config::DeliveryChannel",
                "DependsOn": "Recorder",
                "Properties": {
                    "S3BucketName": {"Ref": "Bucket"},
                    "ConfigSnapshotDeliveryProperties": {"DeliveryFrequency": "TwentyFour_Hours"},
                },
            },
            "Rule": {
                "Type": "AWS::Config::ConfigRule",
                "DependsOn": "Recorder",
                "Properties": {
                    "ConfigRuleName": "s3-bucket-ssl-requests-only",
                    "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_SSL_REQUESTS_ONLY"},
                },
            },
            "RuleWithParameters": {
                "Type": "AWS::Config::ConfigRule",
                "DependsOn": "Recorder",
                "Properties": {
                    "ConfigRuleName": "access-keys-rotated",
                    "InputParameters": {"maxAccessKeyAge": 90},
                    "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
                },
            },
        },
    )
    config = aws("config")
    recorder = config.describe_configuration_recorders()["ConfigurationRecorders"][0]
    assert recorder["roleARN"].endswith("role/config") and recorder["recordingGroup"]["allSupported"] is True
    assert (
        config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0]["recording"]
        is True
    )
    assert config.describe_delivery_channels()["DeliveryChannels"][0]["s3BucketName"] == "config-bucket"
    rules = {r["ConfigRuleName"]: r for r in config.describe_config_rules()["ConfigRules"]}
    assert rules["s3-bucket-ssl-requests-only"]["Source"]["SourceIdentifier"] == "S3_BUCKET_SSL_REQUESTS_ONLY"
    assert json.loads(rules["access-keys-rotated"]["InputParameters"]) == {"maxAccessKeyAge": "90"}


def test_config_recorder_waits_for_a_delivery_channel(aws):
    deploy(
        aws,
        {
            "Recorder": {
                "Type": "AWS::Config::ConfigurationRecorder",
                "Properties": {"Name": "default", "RoleARN": "arn:aws:iam::123456789012:role/config"},
            }
        },
    )
    status = aws("config").describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0]
    assert status["recording"] is False


def test_application_autoscaling_target_and_policy(aws):
    resource_id = "endpoint/model/variant/AllTraffic"
    outputs = deploy(
        aws,
        {
            "Target": {
                "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
                "Properties": {
                    "ServiceNamespace": "sagemaker",
                    "ResourceId": resource_id,
                    "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                    "MinCapacity": 2,
                    "MaxCapacity": 4,
                    "RoleARN": "arn:aws:iam::123456789012:role/autoscaling",
                },
            },
            "Policy": {
                "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
                "Properties": {
                    "PolicyName": "invocations",
                    "PolicyType": "TargetTrackingScaling",
                    "ScalingTargetId": {"Ref": "Target"},
                    "TargetTrackingScalingPolicyConfiguration": {
                        "TargetValue": 70,
                        "PredefinedMetricSpecification": {
                            "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
                        },
                    },
                },
            },
        },
        {"Target": {"Value": {"Ref": "Target"}}},
    )
    assert outputs["Target"] == f"{resource_id}|sagemaker:variant:DesiredInstanceCount|sagemaker"
    client = aws("application-autoscaling")
    target = client.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"][0]
    assert (target["ResourceId"], target["MinCapacity"], target["MaxCapacity"]) == (resource_id, 2, 4)
    policy = client.describe_scaling_policies(ServiceNamespace="sagemaker")["ScalingPolicies"][0]
    assert policy["PolicyName"] == "invocations"
    assert policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70


def test_guardduty_detector(aws):
    outputs = deploy(
        aws,
        {
            "Detector": {
                "Type": "AWS::GuardDuty::Detector",
                "Properties": {"Enable": True, "FindingPublishingFrequency": "FIFTEEN_MINUTES", "Tags": TAGS},
            }
        },
        {"Id": {"Value": {"Ref": "Detector"}}},
    )
    detector = aws("guardduty").get_detector(DetectorId=outputs["Id"])
    assert detector["Status"] == "ENABLED" and detector["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"


def test_sns_topic_policy(aws):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "1",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": "*",
            }
        ],
    }
    outputs = deploy(
        aws,
        {
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "alerts"}},
            "Policy": {
                "Type": "AWS::SNS::TopicPolicy",
                "Properties": {"Topics": [{"Ref": "Topic"}], "PolicyDocument": policy},
            },
        },
        {"Topic": {"Value": {"Ref": "Topic"}}},
    )
    attributes = aws("sns").get_topic_attributes(TopicArn=outputs["Topic"])["Attributes"]
    assert json.loads(attributes["Policy"]) == policy


def test_cdk_metadata_is_a_stack_resource(aws):
    deploy(
        aws, {"CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:abc"}}}
    )


def test_sagemaker_model_keeps_name_vpc_and_isolation(aws):
    resources = vpc_resources()
    resources["Model"] = {
        "Type": "AWS::SageMaker::Model",
        "Properties": {
            "ModelName": "churn",
            "ExecutionRoleArn": "arn:aws:iam::123456789012:role/e",
            "EnableNetworkIsolation": True,
            "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"},
            "VpcConfig": {
                "Subnets": [{"Ref": "SubnetA"}],
                "SecurityGroupIds": [{"Fn::GetAtt": ["Group", "GroupId"]}],
            },
        },
    }
    outputs = deploy(aws, resources, {"Name": {"Value": {"Fn::GetAtt": ["Model", "ModelName"]}}})
    model = aws("sagemaker").describe_model(ModelName="churn")
    assert outputs["Name"] == "churn"
    assert model["EnableNetworkIsolation"] is True and len(model["VpcConfig"]["Subnets"]) == 1


def test_sagemaker_notebook_instance_keeps_network_and_keys(aws):
    resources = vpc_resources()
    resources["Notebook"] = {
        "Type": "AWS::SageMaker::NotebookInstance",
        "Properties": {
            "NotebookInstanceName": "lab",
            "InstanceType": "ml.t3.medium",
            "RoleArn": "arn:aws:iam::123456789012:role/e",
            "SubnetId": {"Ref": "SubnetA"},
            "SecurityGroupIds": [{"Fn::GetAtt": ["Group", "GroupId"]}],
            "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/v",
            "DirectInternetAccess": "Disabled",
            "RootAccess": "Disabled",
        },
    }
    deploy(aws, resources)
    notebook = aws("sagemaker").describe_notebook_instance(NotebookInstanceName="lab")
    assert (notebook["DirectInternetAccess"], notebook["RootAccess"]) == ("Disabled", "Disabled")
    assert notebook["SubnetId"].startswith("subnet-") and notebook["KmsKeyId"].endswith("key/v")


def test_cloudwatch_alarms(aws):
    deploy(
        aws,
        {
            "Errors": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "AlarmName": "5xx",
                    "Namespace": "AWS/SageMaker",
                    "MetricName": "Invocation5XXErrors",
                    "Statistic": "Sum",
                    "Dimensions": [{"Name": "EndpointName", "Value": "churn"}],
                    "Period": 60,
                    "EvaluationPeriods": 3,
                    "DatapointsToAlarm": 2,
                    "Threshold": 1,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "TreatMissingData": "notBreaching",
                    "Tags": TAGS,
                },
            },
            "Latency": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "AlarmName": "latency",
                    "Namespace": "AWS/SageMaker",
                    "MetricName": "ModelLatency",
                    "ExtendedStatistic": "p99",
                    "Period": 60,
                    "EvaluationPeriods": 1,
                    "Threshold": 500000,
                    "ComparisonOperator": "GreaterThanThreshold",
                    "Unit": "Microseconds",
                },
            },
        },
    )
    alarms = {a["AlarmName"]: a for a in aws("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert alarms["5xx"]["Dimensions"] == [{"Name": "EndpointName", "Value": "churn"}]
    assert alarms["5xx"]["DatapointsToAlarm"] == 2 and alarms["latency"]["ExtendedStatistic"] == "p99"


def test_cross_stack_reference_with_get_stack_output(aws):
    """aws-cdk-lib's weak cross-stack references: Fn::GetStackOutput reads the producer's outputs."""
    deploy(
        aws,
        {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "producer-topic"}}},
        {"TopicArn": {"Value": {"Ref": "Topic"}}},
        name="producer",
    )
    outputs = deploy(
        aws,
        {
            "Param": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Name": "/consumer/topic",
                    "Type": "String",
                    "Tags": {"team": "fraud"},
                    "Value": {"Fn::GetStackOutput": {"StackName": "producer", "OutputName": "TopicArn"}},
                },
            }
        },
        {"Value": {"Value": {"Fn::GetStackOutput": {"StackName": "producer", "OutputName": "TopicArn"}}}},
        name="consumer",
    )
    assert outputs["Value"].endswith(":producer-topic")
    assert aws("ssm").get_parameter(Name="/consumer/topic")["Parameter"]["Value"] == outputs["Value"]


def test_change_set_stacks_keep_their_outputs(aws):
    import json as _json

    cloudformation = aws("cloudformation")
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"Arn": {"Value": {"Ref": "Topic"}}},
    }
    cloudformation.create_change_set(
        StackName="cs", ChangeSetName="c", ChangeSetType="CREATE", TemplateBody=_json.dumps(template)
    )
    cloudformation.execute_change_set(StackName="cs", ChangeSetName="c")
    outputs = cloudformation.describe_stacks(StackName="cs")["Stacks"][0]["Outputs"]
    assert outputs[0]["OutputKey"] == "Arn" and outputs[0]["OutputValue"].startswith("arn:aws:sns:")


@pytest.mark.aws_behaviour("ec2.az-id-belongs-to-its-region")
def test_subnets_by_az_id_land_in_that_zone_and_foreign_ids_are_refused(aws):
    """MlNetwork(availability_zone_ids=...) gives AvailabilityZoneId; moto's model ignored it (every such
    subnet went to us-east-1a). An AZ ID of another region is refused, through the API and the template."""
    ec2 = aws("ec2")
    zones = {z["ZoneId"]: z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}
    first, second = sorted(zones)[:2]
    resources = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        **{
            f"Subnet{i}": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": {"Ref": "Vpc"},
                    "CidrBlock": f"10.0.{i}.0/24",
                    "AvailabilityZoneId": zone_id,
                },
            }
            for i, zone_id in enumerate((first, second))
        },
    }
    deploy(aws, resources, name="az-ids")
    placed = {
        (s["AvailabilityZoneId"], s["AvailabilityZone"])
        for s in ec2.describe_subnets()["Subnets"]
        if s["CidrBlock"].startswith("10.0.")
    }
    assert placed == {(first, zones[first]), (second, zones[second])}

    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(
        ClientError, match=r"InvalidParameterValue.*euw1-az1.*ec2\.az-id-belongs-to-its-region"
    ):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZoneId="euw1-az1")
    assert (
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.2.0/24", AvailabilityZoneId=first)["Subnet"][
            "AvailabilityZone"
        ]
        == zones[first]
    )


@pytest.mark.aws_behaviour("ec2.az-id-belongs-to-its-region")
def test_a_subnet_with_a_foreign_az_id_fails_its_stack(aws):
    from moto.ec2.models.subnets import Subnet

    from cdk_secure_ml.emulator.refusals import Refused

    from .conftest import REGION

    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(Refused, match="euw1-az1"):
        Subnet.create_from_cloudformation_json(
            "Subnet",
            {"Properties": {"VpcId": vpc, "CidrBlock": "10.8.1.0/24", "AvailabilityZoneId": "euw1-az1"}},
            "123456789012",
            REGION,
        )


@pytest.mark.aws_behaviour("ec2.subnet-public-ip-only-default-vpc")
def test_subnets_of_a_template_map_public_ips_only_when_told(aws):
    """moto made the first subnet of each zone a default subnet mapping public IPs, in any VPC: the audit then
    found a public subnet the template never asked for (in eu-west-1, not in us-east-1)."""
    resources = vpc_resources()
    resources["SubnetB"] = {
        "Type": "AWS::EC2::Subnet",
        "Properties": {
            "VpcId": {"Ref": "Vpc"},
            "CidrBlock": "10.0.2.0/24",
            "AvailabilityZone": "us-east-1b",
            "MapPublicIpOnLaunch": True,
        },
    }
    deploy(aws, resources)
    subnets = {
        s["CidrBlock"]: s
        for s in aws("ec2").describe_subnets(
            Filters=[{"Name": "cidr-block", "Values": ["10.0.1.0/24", "10.0.2.0/24"]}]
        )["Subnets"]
    }
    assert subnets["10.0.1.0/24"]["MapPublicIpOnLaunch"] is False
    assert subnets["10.0.1.0/24"]["DefaultForAz"] is False
    assert subnets["10.0.2.0/24"]["MapPublicIpOnLaunch"] is True


def test_endpoint_configs_take_current_instance_types(aws):
    """moto's enum of instance types has no ml.g5 or ml.m6i: SageMaker hosts both."""
    sagemaker = aws("sagemaker")
    sagemaker.create_model(
        ModelName="m",
        ExecutionRoleArn="arn:aws:iam::123456789012:role/x",
        PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/i:1"},
    )
    for instance_type in ("ml.g5.xlarge", "ml.m6i.large"):
        sagemaker.create_endpoint_config(
            EndpointConfigName=instance_type.replace(".", "-"),
            ProductionVariants=[
                {
                    "VariantName": "v",
                    "ModelName": "m",
                    "InstanceType": instance_type,
                    "InitialInstanceCount": 1,
                }
            ],
        )
    with pytest.raises(ClientError, match="is not an ML instance type"):
        sagemaker.create_endpoint_config(
            EndpointConfigName="bad",
            ProductionVariants=[
                {"VariantName": "v", "ModelName": "m", "InstanceType": "m5.large", "InitialInstanceCount": 1}
            ],
        )
