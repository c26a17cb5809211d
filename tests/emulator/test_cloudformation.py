"""The emulator's CloudFormation: failure and rollback, update order, replacement, custom names, exports.

Each test drives moto's CloudFormation in-process (CreateStack/UpdateStack/DeleteStack and change sets,
as the cdk CLI uses them) and checks what AWS documents.
"""

from __future__ import annotations

import json

import pytest

from cdk_secure_ml.emulator.cloudformation import (
    changed_create_only,
    dependency_order,
    name_property,
    replaced_resources,
    retained_resources,
)

from .conftest import REGION

pytestmark = pytest.mark.usefixtures("adapters")


def _stack(client, name):
    return client("cloudformation").describe_stacks(StackName=name)["Stacks"][0]


def _events(client, name):
    return client("cloudformation").describe_stack_events(StackName=name)["StackEvents"]


def _moto_stack(name):
    from moto.cloudformation import cloudformation_backends

    from cdk_secure_ml.emulator.server import ACCOUNT_ID

    backend = cloudformation_backends[ACCOUNT_ID][REGION]
    return next(s for s in backend.stacks.values() if s.name == name)


def _create(client, name, resources, outputs=None):
    client("cloudformation").create_stack(
        StackName=name, TemplateBody=json.dumps({"Resources": resources, "Outputs": outputs or {}}))
    return _stack(client, name)


def _update(client, name, resources, outputs=None, change_set=True):
    cloudformation = client("cloudformation")
    body = json.dumps({"Resources": resources, "Outputs": outputs or {}})
    if change_set:  # what the cdk CLI does
        cloudformation.create_change_set(StackName=name, ChangeSetName="update", TemplateBody=body,
                                         ChangeSetType="UPDATE")
        cloudformation.execute_change_set(StackName=name, ChangeSetName="update")
        cloudformation.delete_change_set(StackName=name, ChangeSetName="update")
    else:
        cloudformation.update_stack(StackName=name, TemplateBody=body)
    return _stack(client, name)


def _lifecycle_config(content: str, name: str | None = "sdk-defaults") -> dict:
    properties = {"StudioLifecycleConfigAppType": "JupyterLab", "StudioLifecycleConfigContent": content}
    if name:
        properties["StudioLifecycleConfigName"] = name
    return {"Type": "AWS::SageMaker::StudioLifecycleConfig", "Properties": properties}


# --------------------------------------------------------------------------------------------------
# Schema facts


@pytest.mark.aws_behaviour("cloudformation.create-only-properties")
def test_create_only_properties_come_from_the_resource_schema():
    assert changed_create_only(
        "AWS::SageMaker::StudioLifecycleConfig",
        {"StudioLifecycleConfigContent": "a"},
        {"StudioLifecycleConfigContent": "b"},
    ) == ["StudioLifecycleConfigContent"]
    # EndpointConfigName is updatable on an endpoint (UpdateEndpoint); EndpointName is not.
    assert (
        changed_create_only(
            "AWS::SageMaker::Endpoint",
            {"EndpointConfigName": "a", "EndpointName": "e"},
            {"EndpointConfigName": "b", "EndpointName": "e"},
        )
        == []
    )
    assert changed_create_only("AWS::SageMaker::Endpoint", {"EndpointName": "e"}, {"EndpointName": "f"}) == [
        "EndpointName"
    ]
    assert changed_create_only("AWS::CDK::Metadata", {"Analytics": "a"}, {"Analytics": "b"}) == []


@pytest.mark.parametrize(
    ("resource_type", "name"),
    [
        ("AWS::SageMaker::StudioLifecycleConfig", "StudioLifecycleConfigName"),
        ("AWS::SageMaker::Endpoint", "EndpointName"),
        ("AWS::IAM::Role", "RoleName"),
        ("AWS::KMS::Alias", "AliasName"),
        ("AWS::SSM::Parameter", "Name"),
        ("AWS::Logs::LogGroup", "LogGroupName"),
        ("AWS::S3::Bucket", "BucketName"),
        ("AWS::Config::DeliveryChannel", "Name"),
        ("AWS::EC2::VPC", None),
        ("AWS::ApplicationAutoScaling::ScalingPolicy", None),  # PolicyName is unique per scalable target only
    ],
)
def test_the_custom_name_property_of_a_type(resource_type, name):
    assert name_property(resource_type) == name


def test_dependency_order_puts_every_resource_after_what_it_refers_to():
    resources = {
        "C": {"Type": "T", "Properties": {"X": {"Fn::Sub": "${B.Arn}-${AWS::Region}"}}},
        "B": {"Type": "T", "Properties": {"X": {"Fn::GetAtt": ["A", "Id"]}}},
        "A": {"Type": "T", "DependsOn": "D"},
        "D": {"Type": "T"},
    }
    order = dependency_order(resources)
    assert order.index("D") < order.index("A") < order.index("B") < order.index("C")


# --------------------------------------------------------------------------------------------------
# Failure and rollback


@pytest.mark.aws_behaviour("cloudformation.failed-operation-rolls-back")
def test_a_failed_create_rolls_back_what_it_created_and_names_the_resource(aws):
    stack = _create(
        aws,
        "failing",
        {
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "kept-only-if-retained"}},
            "Broken": {
                "Type": "AWS::SSM::Parameter",
                "DependsOn": "Topic",
                "Properties": {"Type": "String", "Value": {"Fn::GetAtt": ["Topic", "NoSuchAttribute"]}},
            },
        },
    )
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = [e for e in _events(aws, "failing") if e["ResourceStatus"] == "CREATE_FAILED"]
    assert [e["LogicalResourceId"] for e in failed] == ["Broken"]
    assert "NoSuchAttribute" in failed[0]["ResourceStatusReason"]
    assert aws("sns").list_topics()["Topics"] == []


@pytest.mark.aws_behaviour(
    "cloudformation.failed-operation-rolls-back", "cloudformation.custom-name-replacement"
)
def test_a_failed_update_rolls_back_to_the_previous_template(aws):
    _create(aws, "lifecycle", {"Config": _lifecycle_config("v1")})
    stack = _update(aws, "lifecycle", {"Config": _lifecycle_config("v2")})
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    template = aws("cloudformation").get_template(StackName="lifecycle")["TemplateBody"]
    body = template if isinstance(template, dict) else json.loads(template)
    assert body["Resources"]["Config"]["Properties"]["StudioLifecycleConfigContent"] == "v1"


# --------------------------------------------------------------------------------------------------
# Replacement and custom names


@pytest.mark.aws_behaviour("cloudformation.custom-name-replacement", "cloudformation.create-only-properties")
def test_replacing_a_custom_named_resource_is_refused(aws):
    """A Studio lifecycle config has no update API: a content change replaces it, which fails while its
    custom name stays the same (the D7 failure)."""
    _create(aws, "studio", {"Config": _lifecycle_config("v1")})
    _update(aws, "studio", {"Config": _lifecycle_config("v2")})
    failed = [e for e in _events(aws, "studio") if e["ResourceStatus"] == "UPDATE_FAILED"]
    assert [e["LogicalResourceId"] for e in failed] == ["Config"]
    reason = failed[0]["ResourceStatusReason"]
    assert "cannot update a stack when a custom-named resource requires replacing" in reason
    assert "Rename sdk-defaults" in reason and "StudioLifecycleConfigContent" in reason
    assert "cloudformation.custom-name-replacement" in reason
    configs = aws("sagemaker").list_studio_lifecycle_configs()["StudioLifecycleConfigs"]
    assert [c["StudioLifecycleConfigName"] for c in configs] == ["sdk-defaults"]


@pytest.mark.aws_behaviour(
    "cloudformation.replacement-creates-first", "cloudformation.create-only-properties"
)
def test_a_replacement_with_a_new_name_creates_the_new_then_deletes_the_old(aws):
    _create(aws, "renamed", {"Config": _lifecycle_config("v1", name="sdk-defaults-1")})
    stack = _update(aws, "renamed", {"Config": _lifecycle_config("v2", name="sdk-defaults-2")})
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    configs = aws("sagemaker").list_studio_lifecycle_configs()["StudioLifecycleConfigs"]
    assert [c["StudioLifecycleConfigName"] for c in configs] == ["sdk-defaults-2"]
    assert replaced_resources(_moto_stack("renamed")) == ["Config"]


@pytest.mark.aws_behaviour("cloudformation.replacement-creates-first")
def test_a_resource_that_refers_to_a_replaced_one_is_updated(aws):
    """moto compares raw templates; CloudFormation updates whatever refers to a new physical id."""

    def resources(path: str) -> dict:
        return {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "Path": path,
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Principal": {"Service": "sagemaker.amazonaws.com"},
                            }
                        ],
                    },
                },
            },
            "RoleArn": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Name": "/test/role-arn",
                    "Type": "String",
                    "Value": {"Fn::GetAtt": ["Role", "Arn"]},
                },
            },
        }

    _create(aws, "refs", resources("/one/"))
    stack = _update(aws, "refs", resources("/two/"))
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    value = aws("ssm").get_parameter(Name="/test/role-arn")["Parameter"]["Value"]
    assert ":role/two/" in value
    assert [r["Path"] for r in aws("iam").list_roles()["Roles"]] == ["/two/"]
    assert replaced_resources(_moto_stack("refs")) == ["Role"]


@pytest.mark.aws_behaviour("cloudformation.deletion-policy-retain")
def test_a_removed_resource_with_retain_is_kept(aws):
    kept = {"Type": "AWS::SNS::Topic", "DeletionPolicy": "Retain", "Properties": {"TopicName": "kept"}}
    gone = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "gone"}}
    _create(aws, "cleanup", {"Kept": kept, "Gone": gone})
    stack = _update(
        aws,
        "cleanup",
        {"Other": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "other"}}},
        change_set=False,
    )
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    names = sorted(t["TopicArn"].rsplit(":", 1)[1] for t in aws("sns").list_topics()["Topics"])
    assert names == ["kept", "other"]
    assert [(logical, kind) for logical, kind, _ in retained_resources(_moto_stack("cleanup"))] == [
        ("Kept", "AWS::SNS::Topic")
    ]


@pytest.mark.aws_behaviour("cloudformation.deletion-policy-retain")
def test_deleting_a_stack_keeps_retained_resources(aws):
    _create(
        aws,
        "doomed",
        {
            "Kept": {
                "Type": "AWS::SNS::Topic",
                "DeletionPolicy": "Retain",
                "Properties": {"TopicName": "kept"},
            },
            "Gone": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "gone"}},
        },
    )
    stack = _moto_stack("doomed")
    aws("cloudformation").delete_stack(StackName="doomed")
    assert stack.status == "DELETE_COMPLETE"
    assert [t["TopicArn"].rsplit(":", 1)[1] for t in aws("sns").list_topics()["Topics"]] == ["kept"]
    assert [logical for logical, _, _ in retained_resources(stack)] == ["Kept"]


# --------------------------------------------------------------------------------------------------
# Exports


def _producer(topic_name: str) -> tuple[dict, dict]:
    return (
        {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": topic_name}}},
        {"TopicArn": {"Value": {"Ref": "Topic"}, "Export": {"Name": "shared-topic"}}},
    )


def _consumer() -> dict:
    return {
        "Arn": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {"Type": "String", "Value": {"Fn::ImportValue": "shared-topic"}},
        }
    }


@pytest.mark.aws_behaviour("cloudformation.export-in-use")
def test_a_stack_whose_export_is_imported_cannot_be_deleted(aws):
    resources, outputs = _producer("alerts")
    cloudformation = aws("cloudformation")
    cloudformation.create_change_set(
        StackName="producer",
        ChangeSetName="c",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps({"Resources": resources, "Outputs": outputs}),
    )
    cloudformation.execute_change_set(StackName="producer", ChangeSetName="c")
    assert [e["Name"] for e in cloudformation.list_exports()["Exports"]] == ["shared-topic"]
    assert _create(aws, "consumer", _consumer())["StackStatus"] == "CREATE_COMPLETE"

    cloudformation.delete_stack(StackName="producer")
    stack = _stack(aws, "producer")
    assert stack["StackStatus"] == "DELETE_FAILED"
    reason = next(e for e in _events(aws, "producer") if e["ResourceStatus"] == "DELETE_FAILED")[
        "ResourceStatusReason"
    ]
    assert "Export shared-topic cannot be deleted as it is in use by consumer" in reason

    cloudformation.delete_stack(StackName="consumer")
    cloudformation.delete_stack(StackName="producer")
    assert cloudformation.list_exports()["Exports"] == []


@pytest.mark.aws_behaviour("cloudformation.export-in-use")
def test_an_imported_export_cannot_change(aws):
    resources, outputs = _producer("alerts")
    _create(aws, "producer", resources, outputs)
    _create(aws, "consumer", _consumer())
    resources, outputs = _producer("alerts-v2")
    assert _update(aws, "producer", resources, outputs)["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    reason = _stack(aws, "producer").get("StackStatusReason", "") or " ".join(
        e.get("ResourceStatusReason", "") for e in _events(aws, "producer")
    )
    assert "Cannot update export shared-topic as it is in use by consumer" in reason


@pytest.mark.aws_behaviour("iam.delete-policy-detach-first", "cloudformation.deletion-policy-retain")
def test_a_stack_whose_role_has_a_managed_policy_can_be_deleted(aws):
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    _create(
        aws,
        "roles",
        {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
            },
            "Policy": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {"Roles": [{"Ref": "Role"}], "PolicyDocument": document},
            },
        },
    )
    stack = _moto_stack("roles")
    aws("cloudformation").delete_stack(StackName="roles")
    assert stack.status == "DELETE_COMPLETE"
    assert aws("iam").list_policies(Scope="Local")["Policies"] == []
    assert aws("iam").list_roles()["Roles"] == []


def test_a_network_stack_can_be_deleted(aws):
    """moto has no CloudFormation delete for route tables, their associations, VPC endpoints and flow logs;
    without one the VPC's deletion fails and no network stack could be destroyed."""
    _create(
        aws,
        "network",
        {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Subnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24"},
            },
            "Routes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "Association": {
                "Type": "AWS::EC2::SubnetRouteTableAssociation",
                "Properties": {"SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Routes"}},
            },
            "S3": {
                "Type": "AWS::EC2::VPCEndpoint",
                "Properties": {
                    "VpcId": {"Ref": "Vpc"},
                    "ServiceName": "com.amazonaws.us-east-1.s3",
                    "VpcEndpointType": "Gateway",
                    "RouteTableIds": [{"Ref": "Routes"}],
                },
            },
            "Logs": {
                "Type": "AWS::EC2::FlowLog",
                "Properties": {
                    "ResourceId": {"Ref": "Vpc"},
                    "ResourceType": "VPC",
                    "TrafficType": "ALL",
                    "LogDestinationType": "s3",
                    "LogDestination": "arn:aws:s3:::flow-logs",
                },
            },
        },
    )
    stack = _moto_stack("network")
    aws("cloudformation").delete_stack(StackName="network")
    assert stack.status == "DELETE_COMPLETE", stack.stack_status_reason
    ec2 = aws("ec2")
    assert [v for v in ec2.describe_vpcs()["Vpcs"] if v["CidrBlock"] == "10.0.0.0/16"] == []
    assert [e["State"].lower() for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]] in ([], ["deleted"])
    assert ec2.describe_flow_logs()["FlowLogs"] == []
