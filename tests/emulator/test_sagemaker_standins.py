"""SageMaker resources moto 5.2.5 leaves out: the DataQualityJobDefinition adapter (moto's backend),
the stand-ins for user profiles, Studio lifecycle configs and monitoring schedules (moto has no API
for them: the emulator answers boto3 itself), and a notebook's IMDS settings."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from cdk_secure_ml.emulator._base import ADAPTERS, STAND_INS
from cdk_secure_ml.emulator.sagemaker import api_typed, sagemaker_name
from cdk_secure_ml.emulator.server import unsupported_types

from .conftest import deploy, vpc_resources

ROLE = "arn:aws:iam::123456789012:role/monitor"
KEY = "arn:aws:kms:us-east-1:123456789012:key/m"


def studio(resources: dict | None = None) -> dict:
    resources = {**vpc_resources(), **(resources or {})}
    resources["Domain"] = {"Type": "AWS::SageMaker::Domain", "Properties": {
        "DomainName": "studio", "AuthMode": "IAM", "AppNetworkAccessType": "VpcOnly",
        "VpcId": {"Ref": "Vpc"}, "SubnetIds": [{"Ref": "SubnetA"}],
        "DefaultUserSettings": {"ExecutionRole": "arn:aws:iam::123456789012:role/exec"}}}
    return resources


def job_definition(**overrides) -> dict:
    props = {
        "RoleArn": ROLE,
        "DataQualityAppSpecification": {
            "ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
        },
        "DataQualityJobInput": {
            "EndpointInput": {"EndpointName": "churn", "LocalPath": "/opt/ml/processing/input/endpoint"}
        },
        "DataQualityJobOutputConfig": {
            "KmsKeyId": KEY,
            "MonitoringOutputs": [
                {"S3Output": {"S3Uri": "s3://monitoring/churn", "LocalPath": "/opt/ml/processing/output"}}
            ],
        },
        "JobResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.m5.large",
                "VolumeSizeInGB": "20",
                "VolumeKmsKeyId": KEY,
            }
        },
        "NetworkConfig": {
            "EnableNetworkIsolation": "true",
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": {
                "Subnets": [{"Ref": "SubnetA"}],
                "SecurityGroupIds": [{"Fn::GetAtt": ["Group", "GroupId"]}],
            },
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 1800},
    }
    props.update(overrides)
    return {"Type": "AWS::SageMaker::DataQualityJobDefinition", "Properties": props}


def test_the_platforms_sagemaker_types_are_all_implemented():
    types = [
        "AWS::SageMaker::UserProfile",
        "AWS::SageMaker::StudioLifecycleConfig",
        "AWS::SageMaker::MonitoringSchedule",
        "AWS::SageMaker::Space",
        "AWS::SageMaker::MlflowTrackingServer",  # emulator/mlflow.py
        "AWS::SageMaker::DataQualityJobDefinition",
    ]
    assert unsupported_types(types) == []
    # Only the types moto has no API for are stand-ins; the job definition goes through moto's backend.
    # (inference components are emulator/inference_components.py's stand-in, custom images
    # emulator/studio_images.py's, tested there)
    assert set(types[:5]) == {t for t in STAND_INS if t.startswith("AWS::SageMaker::")} - {
        "AWS::SageMaker::InferenceComponent", "AWS::SageMaker::Image", "AWS::SageMaker::ImageVersion",
        "AWS::SageMaker::AppImageConfig"}
    assert "AWS::SageMaker::DataQualityJobDefinition" in ADAPTERS


def test_user_profiles(aws):
    resources = studio(
        {
            "Alice": {
                "Type": "AWS::SageMaker::UserProfile",
                "Properties": {
                    "DomainId": {"Ref": "Domain"},
                    "UserProfileName": "alice",
                    "UserSettings": {
                        "ExecutionRole": "arn:aws:iam::123456789012:role/alice",
                        "SecurityGroups": [{"Fn::GetAtt": ["Group", "GroupId"]}],
                    },
                    "Tags": [{"Key": "team", "Value": "fraud"}],
                },
            },
            "Bob": {
                "Type": "AWS::SageMaker::UserProfile",
                "Properties": {"DomainId": {"Ref": "Domain"}, "UserProfileName": "bob"},
            },
        }
    )
    outputs = deploy(
        aws,
        resources,
        {
            "Ref": {"Value": {"Ref": "Alice"}},
            "Arn": {"Value": {"Fn::GetAtt": ["Alice", "UserProfileArn"]}},
            "Domain": {"Value": {"Ref": "Domain"}},
        },
    )
    domain = outputs["Domain"]
    assert outputs["Ref"] == f"alice|{domain}"  # CloudFormation's Ref: <name>|<domain id>
    assert outputs["Arn"] == f"arn:aws:sagemaker:us-east-1:123456789012:user-profile/{domain}/alice"
    sagemaker = aws("sagemaker")
    alice = sagemaker.describe_user_profile(DomainId=domain, UserProfileName="alice")
    assert alice["UserProfileArn"] == outputs["Arn"] and alice["Status"] == "InService"
    assert alice["UserSettings"]["ExecutionRole"].endswith("role/alice")
    assert alice["UserSettings"]["SecurityGroups"][0].startswith("sg-")
    listed = sagemaker.list_user_profiles(
        DomainIdEquals=domain, SortBy="UserProfileName", SortOrder="Ascending"
    )
    assert [p["UserProfileName"] for p in listed["UserProfiles"]] == ["alice", "bob"]
    first = sagemaker.list_user_profiles(MaxResults=1)
    assert len(first["UserProfiles"]) == 1 and first["NextToken"]
    with pytest.raises(ClientError) as missing:
        sagemaker.describe_user_profile(DomainId=domain, UserProfileName="carol")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFound"


def test_user_profile_api_checks_the_domain_and_duplicates(aws):
    outputs = deploy(aws, studio(), {"Domain": {"Value": {"Ref": "Domain"}}})
    sagemaker = aws("sagemaker")
    with pytest.raises(ClientError) as no_domain:
        sagemaker.create_user_profile(DomainId="d-doesnotexist", UserProfileName="x")
    assert no_domain.value.response["Error"]["Code"] == "ResourceNotFound"
    arn = sagemaker.create_user_profile(DomainId=outputs["Domain"], UserProfileName="x")["UserProfileArn"]
    assert arn.endswith(f"user-profile/{outputs['Domain']}/x")
    with pytest.raises(ClientError) as duplicate:
        sagemaker.create_user_profile(DomainId=outputs["Domain"], UserProfileName="x")
    assert duplicate.value.response["Error"]["Code"] == "ResourceInUse"
    sagemaker.delete_user_profile(DomainId=outputs["Domain"], UserProfileName="x")
    assert sagemaker.list_user_profiles()["UserProfiles"] == []


def test_user_profiles_go_with_their_stack(aws):
    deploy(
        aws,
        studio(
            {
                "P": {
                    "Type": "AWS::SageMaker::UserProfile",
                    "Properties": {"DomainId": {"Ref": "Domain"}, "UserProfileName": "p"},
                }
            }
        ),
    )
    aws("cloudformation").delete_stack(StackName="adapter-test")
    assert aws("sagemaker").list_user_profiles()["UserProfiles"] == []


def test_studio_lifecycle_config(aws):
    outputs = deploy(
        aws,
        {
            "Config": {
                "Type": "AWS::SageMaker::StudioLifecycleConfig",
                "Properties": {
                    "StudioLifecycleConfigName": "studio-sdk-defaults",
                    "StudioLifecycleConfigAppType": "JupyterLab",
                    "StudioLifecycleConfigContent": {"Fn::Base64": "#!/bin/bash\necho hi\n"},
                },
            }
        },
        {
            "Ref": {"Value": {"Ref": "Config"}},
            "Arn": {"Value": {"Fn::GetAtt": ["Config", "StudioLifecycleConfigArn"]}},
        },
    )
    assert outputs["Ref"] == "studio-sdk-defaults"
    sagemaker = aws("sagemaker")
    config = sagemaker.describe_studio_lifecycle_config(StudioLifecycleConfigName="studio-sdk-defaults")
    assert config["StudioLifecycleConfigArn"] == outputs["Arn"]
    assert outputs["Arn"].endswith(":studio-lifecycle-config/studio-sdk-defaults")
    assert config["StudioLifecycleConfigAppType"] == "JupyterLab"
    assert config["StudioLifecycleConfigContent"] == "IyEvYmluL2Jhc2gKZWNobyBoaQo="
    listed = sagemaker.list_studio_lifecycle_configs(AppTypeEquals="JupyterLab")["StudioLifecycleConfigs"]
    assert [c["StudioLifecycleConfigName"] for c in listed] == ["studio-sdk-defaults"]
    assert sagemaker.list_studio_lifecycle_configs(AppTypeEquals="CodeEditor")["StudioLifecycleConfigs"] == []
    with pytest.raises(ClientError) as bad:
        sagemaker.create_studio_lifecycle_config(
            StudioLifecycleConfigName="x",
            StudioLifecycleConfigContent="e",
            StudioLifecycleConfigAppType="Nope",
        )
    assert bad.value.response["Error"]["Code"] == "ValidationException"
    sagemaker.delete_studio_lifecycle_config(StudioLifecycleConfigName="studio-sdk-defaults")
    with pytest.raises(ClientError):
        sagemaker.describe_studio_lifecycle_config(StudioLifecycleConfigName="studio-sdk-defaults")


def test_data_quality_job_definition_through_motos_backend(aws):
    resources = {**vpc_resources(), "Job": job_definition()}
    outputs = deploy(
        aws,
        resources,
        {
            "Ref": {"Value": {"Ref": "Job"}},
            "Arn": {"Value": {"Fn::GetAtt": ["Job", "JobDefinitionArn"]}},
            "Created": {"Value": {"Fn::GetAtt": ["Job", "CreationTime"]}},
        },
    )
    # Ref is the ARN, with a name CloudFormation generated (no JobDefinitionName given).
    assert (
        outputs["Ref"] == outputs["Arn"]
        and ":data-quality-job-definition/adapter-test-Job-" in outputs["Arn"]
    )
    name = outputs["Arn"].rsplit("/", 1)[-1]
    sagemaker = aws("sagemaker")
    job = sagemaker.describe_data_quality_job_definition(JobDefinitionName=name)
    assert job["JobDefinitionArn"] == outputs["Arn"]
    network = job["NetworkConfig"]
    assert (
        network["EnableNetworkIsolation"] is True and network["EnableInterContainerTrafficEncryption"] is True
    )
    assert network["VpcConfig"]["SecurityGroupIds"][0].startswith("sg-")
    assert job["JobResources"]["ClusterConfig"] == {
        "InstanceCount": 1,
        "InstanceType": "ml.m5.large",
        "VolumeSizeInGB": 20,
        "VolumeKmsKeyId": KEY,
    }
    assert job["DataQualityJobOutputConfig"]["KmsKeyId"] == KEY
    summaries = sagemaker.list_data_quality_job_definitions()["JobDefinitionSummaries"]
    assert [s["MonitoringJobDefinitionName"] for s in summaries] == [name]
    aws("cloudformation").delete_stack(StackName="adapter-test")
    assert sagemaker.list_data_quality_job_definitions()["JobDefinitionSummaries"] == []


def test_monitoring_schedule_naming_a_job_definition(aws):
    """As SecureEndpoint writes it: the job definition's name cut from its ARN."""
    resources = {**vpc_resources(), "Job": job_definition(JobDefinitionName="churn-data-quality")}
    resources["Schedule"] = {
        "Type": "AWS::SageMaker::MonitoringSchedule",
        "Properties": {
            "MonitoringScheduleName": "churn-data-quality",
            "MonitoringScheduleConfig": {
                "MonitoringJobDefinitionName": {
                    "Fn::Select": [1, {"Fn::Split": ["/", {"Fn::GetAtt": ["Job", "JobDefinitionArn"]}]}]
                },
                "MonitoringType": "DataQuality",
                "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
            },
        },
    }
    outputs = deploy(
        aws,
        resources,
        {
            "Ref": {"Value": {"Ref": "Schedule"}},
            "Arn": {"Value": {"Fn::GetAtt": ["Schedule", "MonitoringScheduleArn"]}},
        },
    )
    assert outputs["Ref"] == outputs["Arn"] and outputs["Arn"].endswith(
        ":monitoring-schedule/churn-data-quality"
    )
    sagemaker = aws("sagemaker")
    schedule = sagemaker.describe_monitoring_schedule(MonitoringScheduleName="churn-data-quality")
    assert schedule["MonitoringScheduleStatus"] == "Scheduled" and schedule["MonitoringType"] == "DataQuality"
    assert schedule["EndpointName"] == "churn"
    assert schedule["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] == "churn-data-quality"
    assert schedule["MonitoringScheduleConfig"]["ScheduleConfig"]["ScheduleExpression"] == "cron(0 * ? * * *)"
    summary = sagemaker.list_monitoring_schedules(EndpointName="churn")["MonitoringScheduleSummaries"][0]
    assert summary["MonitoringJobDefinitionName"] == "churn-data-quality"
    assert sagemaker.list_monitoring_schedules(EndpointName="other")["MonitoringScheduleSummaries"] == []


def test_monitoring_schedule_api_checks_its_job_definition(aws):
    sagemaker = aws("sagemaker")
    config = {
        "MonitoringJobDefinitionName": "missing",
        "MonitoringType": "DataQuality",
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
    }
    with pytest.raises(ClientError) as missing:
        sagemaker.create_monitoring_schedule(MonitoringScheduleName="s", MonitoringScheduleConfig=config)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFound"
    with pytest.raises(ClientError) as neither:
        sagemaker.create_monitoring_schedule(
            MonitoringScheduleName="s", MonitoringScheduleConfig={"MonitoringType": "DataQuality"}
        )
    assert neither.value.response["Error"]["Code"] == "ValidationException"


def test_monitoring_schedule_with_an_inline_job_definition(aws):
    sagemaker = aws("sagemaker")
    sagemaker.create_monitoring_schedule(
        MonitoringScheduleName="inline",
        MonitoringScheduleConfig={
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
            "MonitoringJobDefinition": {
                "MonitoringInputs": [{"EndpointInput": {"EndpointName": "churn", "LocalPath": "/in"}}],
                "MonitoringOutputConfig": {
                    "MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://b/o", "LocalPath": "/out"}}]
                },
                "MonitoringResources": {
                    "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 20}
                },
                "MonitoringAppSpecification": {"ImageUri": "image"},
                "RoleArn": ROLE,
            },
        },
    )
    schedule = sagemaker.describe_monitoring_schedule(MonitoringScheduleName="inline")
    assert schedule["EndpointName"] == "churn"
    assert schedule["MonitoringScheduleConfig"]["MonitoringJobDefinition"]["RoleArn"] == ROLE
    sagemaker.delete_monitoring_schedule(MonitoringScheduleName="inline")
    assert sagemaker.list_monitoring_schedules()["MonitoringScheduleSummaries"] == []


def test_stand_in_state_is_reset_with_moto(aws):
    """moto's reset (the emulator's /moto-api/reset) empties the stand-in store too."""
    from moto.core.base_backend import BackendDict

    aws("sagemaker").create_studio_lifecycle_config(
        StudioLifecycleConfigName="c",
        StudioLifecycleConfigContent="e",
        StudioLifecycleConfigAppType="JupyterLab",
    )
    BackendDict.reset()
    assert aws("sagemaker").list_studio_lifecycle_configs()["StudioLifecycleConfigs"] == []


def test_notebook_instance_keeps_its_metadata_service_settings(aws):
    resources = vpc_resources()
    resources["Notebook"] = {
        "Type": "AWS::SageMaker::NotebookInstance",
        "Properties": {
            "NotebookInstanceName": "lab",
            "InstanceType": "ml.t3.medium",
            "RoleArn": "arn:aws:iam::123456789012:role/e",
            "SubnetId": {"Ref": "SubnetA"},
            "DirectInternetAccess": "Disabled",
            "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": 2},
        },
    }
    deploy(aws, resources)
    sagemaker = aws("sagemaker")
    notebook = sagemaker.describe_notebook_instance(NotebookInstanceName="lab")
    assert notebook["InstanceMetadataServiceConfiguration"] == {"MinimumInstanceMetadataServiceVersion": "2"}
    # UpdateNotebookInstance (which moto lacks) changes it, and root access, as in AWS.
    sagemaker.update_notebook_instance(
        NotebookInstanceName="lab",
        RootAccess="Enabled",
        InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "1"},
    )
    notebook = sagemaker.describe_notebook_instance(NotebookInstanceName="lab")
    assert notebook["InstanceMetadataServiceConfiguration"] == {"MinimumInstanceMetadataServiceVersion": "1"}
    assert notebook["RootAccess"] == "Enabled"


def test_notebook_instance_api_keeps_metadata_service_settings_and_omits_them_when_unset(aws):
    sagemaker = aws("sagemaker")
    sagemaker.create_notebook_instance(
        NotebookInstanceName="v2",
        InstanceType="ml.t3.medium",
        RoleArn="arn:aws:iam::123456789012:role/e",
        InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "2"},
    )
    sagemaker.create_notebook_instance(
        NotebookInstanceName="unset", InstanceType="ml.t3.medium", RoleArn="arn:aws:iam::123456789012:role/e"
    )
    assert sagemaker.describe_notebook_instance(NotebookInstanceName="v2")[
        "InstanceMetadataServiceConfiguration"
    ] == {"MinimumInstanceMetadataServiceVersion": "2"}
    assert "InstanceMetadataServiceConfiguration" not in sagemaker.describe_notebook_instance(
        NotebookInstanceName="unset"
    )


def test_api_typed_and_generated_names():
    assert api_typed(
        {
            "NetworkConfig": {"EnableNetworkIsolation": "false", "VpcConfig": {"Subnets": ["a"]}},
            "ClusterConfig": {"VolumeSizeInGB": "20", "InstanceType": "ml.m5.large"},
        }
    ) == {
        "NetworkConfig": {"EnableNetworkIsolation": False, "VpcConfig": {"Subnets": ["a"]}},
        "ClusterConfig": {"VolumeSizeInGB": 20, "InstanceType": "ml.m5.large"},
    }
    long = "secure-ml-demo-Serving-ChurnEndpointDataQualityJob20689433-" + "AbCdEf123456"
    name = sagemaker_name(long)
    assert len(name) <= 63 and name.endswith("-AbCdEf123456") and name.startswith("secure-ml-demo-Serving")
    assert sagemaker_name("stack-Logical_Id-xyz") == "stack-Logical-Id-xyz"


# ------------------------------------------------------------------------------- updates, as CloudFormation
# does them


def _update(client, resources: dict, name: str = "adapter-test") -> dict:
    cloudformation = client("cloudformation")
    cloudformation.update_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
    return cloudformation.describe_stacks(StackName=name)["Stacks"][0]


def _lifecycle(name: str, script: str = "#!/bin/bash\necho hi\n", **extra) -> dict:
    return {
        "Type": "AWS::SageMaker::StudioLifecycleConfig",
        **extra,
        "Properties": {
            "StudioLifecycleConfigName": name,
            "StudioLifecycleConfigAppType": "JupyterLab",
            "StudioLifecycleConfigContent": {"Fn::Base64": script},
        },
    }


def _profile(settings: dict) -> dict:
    return {
        "Type": "AWS::SageMaker::UserProfile",
        "Properties": {
            "DomainId": {"Ref": "Domain"},
            "UserProfileName": "ana",
            "UserSettings": settings,
            "Tags": [{"Key": "team", "Value": "nlp"}],
        },
    }


@pytest.mark.aws_behaviour(
    "sagemaker.studio-lifecycle-config-immutable", "cloudformation.custom-name-replacement"
)
def test_a_lifecycle_config_is_never_updated_in_place(aws):
    """Every property of the type is create-only, so a content change replaces it, and a replacement under
    the same custom name fails the update (cdk_secure_ml.emulator.cloudformation), as in AWS."""
    deploy(aws, {"Config": _lifecycle("sdk-defaults")})
    stack = _update(aws, {"Config": _lifecycle("sdk-defaults", "#!/bin/bash\necho changed\n")})
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    events = aws("cloudformation").describe_stack_events(StackName="adapter-test")["StackEvents"]
    reason = next(e for e in events if e["ResourceStatus"] == "UPDATE_FAILED")["ResourceStatusReason"]
    assert "custom-named resource requires replacing" in reason and "StudioLifecycleConfigContent" in reason
    config = aws("sagemaker").describe_studio_lifecycle_config(StudioLifecycleConfigName="sdk-defaults")
    assert config["StudioLifecycleConfigContent"] == "IyEvYmluL2Jhc2gKZWNobyBoaQo="  # unchanged


@pytest.mark.aws_behaviour(
    "sagemaker.studio-lifecycle-config-immutable", "cloudformation.replacement-creates-first"
)
def test_a_renamed_lifecycle_config_replaces_the_old_one(aws):
    deploy(aws, {"Config": _lifecycle("sdk-defaults-1")}, name="lcc")
    stack = _update(aws, {"Config": _lifecycle("sdk-defaults-2", "#!/bin/bash\necho v2\n")}, name="lcc")
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    sagemaker = aws("sagemaker")
    names = {
        c["StudioLifecycleConfigName"]
        for c in sagemaker.list_studio_lifecycle_configs()["StudioLifecycleConfigs"]
    }
    assert names == {"sdk-defaults-2"}
    # With UpdateReplacePolicy Retain (what the platform sets) the old one stays.
    _update(
        aws,
        {"Config": _lifecycle("sdk-defaults-3", "#!/bin/bash\necho v3\n", UpdateReplacePolicy="Retain")},
        name="lcc",
    )
    names = {
        c["StudioLifecycleConfigName"]
        for c in sagemaker.list_studio_lifecycle_configs()["StudioLifecycleConfigs"]
    }
    assert names == {"sdk-defaults-2", "sdk-defaults-3"}


@pytest.mark.aws_behaviour("cloudformation.user-profile-settings-update-in-place")
def test_user_profile_settings_update_in_place(aws):
    arn = "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/"
    resources = studio({"Ana": _profile({"JupyterLabAppSettings": {"LifecycleConfigArns": [arn + "v1"]}})})
    deploy(aws, resources)
    sagemaker = aws("sagemaker")
    domain = sagemaker.list_domains()["Domains"][0]["DomainId"]
    created = sagemaker.describe_user_profile(DomainId=domain, UserProfileName="ana")
    changed = {**resources, "Ana": _profile({"JupyterLabAppSettings": {"LifecycleConfigArns": [arn + "v2"]}})}
    assert _update(aws, changed)["StackStatus"] == "UPDATE_COMPLETE"
    profile = sagemaker.describe_user_profile(DomainId=domain, UserProfileName="ana")
    assert profile["UserSettings"]["JupyterLabAppSettings"]["LifecycleConfigArns"] == [arn + "v2"]
    # The same profile (its uid on the home EFS, its creation time), not a new one.
    assert profile["HomeEfsFileSystemUid"] == created["HomeEfsFileSystemUid"]
    assert profile["CreationTime"] == created["CreationTime"]


@pytest.mark.aws_behaviour(
    "sagemaker.studio-lifecycle-config-in-use", "cloudformation.user-profile-settings-update-in-place"
)
def test_a_lifecycle_config_a_profile_lists_cannot_be_deleted(aws):
    outputs = deploy(aws, studio(), {"Domain": {"Value": {"Ref": "Domain"}}})
    sagemaker = aws("sagemaker")
    arn = sagemaker.create_studio_lifecycle_config(
        StudioLifecycleConfigName="defaults",
        StudioLifecycleConfigContent="ZWNobw==",
        StudioLifecycleConfigAppType="JupyterLab",
    )["StudioLifecycleConfigArn"]
    sagemaker.create_user_profile(
        DomainId=outputs["Domain"],
        UserProfileName="ana",
        UserSettings={
            "JupyterLabAppSettings": {
                "LifecycleConfigArns": [arn],
                "DefaultResourceSpec": {"LifecycleConfigArn": arn},
            }
        },
    )
    with pytest.raises(
        ClientError,
        match=r"in use by user profile "
        r"ana.*sagemaker\.studio-lifecycle-config-in-use",
    ) as info:
        sagemaker.delete_studio_lifecycle_config(StudioLifecycleConfigName="defaults")
    assert info.value.response["Error"]["Code"] == "ResourceInUse"
    sagemaker.update_user_profile(
        DomainId=outputs["Domain"],
        UserProfileName="ana",
        UserSettings={"JupyterLabAppSettings": {"LifecycleConfigArns": []}},
    )
    sagemaker.delete_studio_lifecycle_config(StudioLifecycleConfigName="defaults")
    assert sagemaker.list_studio_lifecycle_configs()["StudioLifecycleConfigs"] == []


@pytest.mark.aws_behaviour(
    "cloudformation.domain-settings-update-in-place", "sagemaker.studio-lifecycle-config-in-use"
)
def test_domain_settings_update_in_place(aws):
    resources = studio({"Config": _lifecycle("domain-defaults-1")})
    arn = {"Fn::GetAtt": ["Config", "StudioLifecycleConfigArn"]}
    resources["Domain"]["Properties"]["DefaultUserSettings"]["JupyterLabAppSettings"] = {
        "LifecycleConfigArns": [arn]
    }
    deploy(aws, resources)
    sagemaker = aws("sagemaker")
    [before] = sagemaker.list_domains()["Domains"]
    with pytest.raises(ClientError, match="in use by domain"):
        sagemaker.delete_studio_lifecycle_config(StudioLifecycleConfigName="domain-defaults-1")
    changed = json.loads(json.dumps(resources))
    changed["Config"] = _lifecycle("domain-defaults-2", "#!/bin/bash\necho v2\n")
    changed["Domain"]["Properties"]["DefaultSpaceSettings"] = {
        "ExecutionRole": "arn:aws:iam::123456789012:role/space"
    }
    assert _update(aws, changed)["StackStatus"] == "UPDATE_COMPLETE"
    [after] = sagemaker.list_domains()["Domains"]
    assert after["DomainId"] == before["DomainId"]
    described = sagemaker.describe_domain(DomainId=after["DomainId"])
    new_arn = sagemaker.describe_studio_lifecycle_config(StudioLifecycleConfigName="domain-defaults-2")[
        "StudioLifecycleConfigArn"
    ]
    assert described["DefaultUserSettings"]["JupyterLabAppSettings"]["LifecycleConfigArns"] == [new_arn]
    assert described["DefaultSpaceSettings"] == {"ExecutionRole": "arn:aws:iam::123456789012:role/space"}
