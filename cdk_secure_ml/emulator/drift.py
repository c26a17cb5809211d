"""Drift: change a deployed platform behind CloudFormation's back, as a person with console access
might, and say which audit finding must catch each change. Used by ``make demo-drift`` and the
end-to-end test."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Drift:
    description: str
    #: The rule whose finding must appear, and the resource it must name (substring match).
    rule: str
    resource: str
    apply: Callable[[], None]


def _physical_id(
    cloudformation: Any, stack_prefix: str, resource_type: str, logical_prefix: str
) -> str | None:
    """The physical id of the platform's resource (stack outputs are not kept by moto's change sets)."""
    for stack in cloudformation.describe_stacks()["Stacks"]:
        if not stack["StackName"].startswith(stack_prefix):
            continue
        for resource in cloudformation.describe_stack_resources(StackName=stack["StackName"])[
            "StackResources"
        ]:
            if resource["ResourceType"] == resource_type and resource["LogicalResourceId"].startswith(
                logical_prefix
            ):
                return resource["PhysicalResourceId"]
    return None


def platform_drifts(client: Callable[[str], Any], platform: str) -> list[Drift]:
    """The drifts applicable to the deployed platform ``platform`` (the config's name); ``client``
    makes a boto3 client for a service. Nothing is changed until a drift's ``apply`` runs."""
    cloudformation = client("cloudformation")
    prefix = f"{platform}-"
    drifts: list[Drift] = []

    # Logical id prefixes of FoundationStack (construct ids are public API and do not change).
    data_bucket = _physical_id(cloudformation, prefix, "AWS::S3::Bucket", "DataBucket")
    artifacts_bucket = _physical_id(cloudformation, prefix, "AWS::S3::Bucket", "ArtifactsBucket")
    vpc_id = _physical_id(cloudformation, prefix, "AWS::EC2::VPC", "NetworkVpc")
    s3, kms, ec2 = client("s3"), client("kms"), client("ec2")

    if data_bucket:
        public = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicRead",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{data_bucket}/*",
                }
            ],
        }
        drifts.append(
            Drift(
                f"replace the bucket policy of {data_bucket} with a public-read policy",
                "SML-IAM-8",
                data_bucket,
                lambda: s3.put_bucket_policy(Bucket=data_bucket, Policy=json.dumps(public)),
            )
        )
        drifts.append(
            Drift(
                f"(same change) {data_bucket} no longer denies plain HTTP",
                "SML-ENC-8",
                data_bucket,
                lambda: None,
            )
        )
        encryption = s3.get_bucket_encryption(Bucket=data_bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ][0]
        key = encryption["ApplyServerSideEncryptionByDefault"].get("KMSMasterKeyID")
        if key:
            key_id = key.rsplit("/", 1)[-1]
            drifts.append(
                Drift(
                    f"disable automatic rotation of the data key {key_id}",
                    "SML-ENC-11",
                    key_id,
                    lambda: kms.disable_key_rotation(KeyId=key_id),
                )
            )
    if artifacts_bucket:
        drifts.append(
            Drift(
                f"remove Block Public Access from {artifacts_bucket}",
                "SML-ENC-9",
                artifacts_bucket,
                lambda: s3.delete_public_access_block(Bucket=artifacts_bucket),
            )
        )
        drifts.append(
            Drift(
                f"suspend versioning of {artifacts_bucket}",
                "SML-ENC-10",
                artifacts_bucket,
                lambda: s3.put_bucket_versioning(
                    Bucket=artifacts_bucket, VersioningConfiguration={"Status": "Suspended"}
                ),
            )
        )
    if vpc_id:

        def internet_route() -> None:
            gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc_id)
            table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
                "RouteTables"
            ][0]
            ec2.create_route(
                RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway
            )

        def delete_flow_logs() -> None:
            logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
            ec2.delete_flow_logs(FlowLogIds=[f["FlowLogId"] for f in logs])

        drifts.append(
            Drift(
                f"attach an internet gateway to {vpc_id} with a 0.0.0.0/0 route",
                "SML-NET-12",
                vpc_id,
                internet_route,
            )
        )
        drifts.append(Drift(f"delete the flow logs of {vpc_id}", "SML-NET-16", vpc_id, delete_flow_logs))

    trails = [t for t in client("cloudtrail").describe_trails()["trailList"] if t["Name"].startswith(prefix)]
    for trail in trails[:1]:
        name = trail["Name"]
        drifts.append(
            Drift(
                f"stop CloudTrail logging of {name}",
                "SML-AUD-101",
                name,
                lambda name=name: client("cloudtrail").stop_logging(Name=name),
            )
        )
    guardduty = client("guardduty")
    for detector in guardduty.list_detectors()["DetectorIds"][:1]:
        drifts.append(
            Drift(
                f"disable the GuardDuty detector {detector}",
                "SML-AUD-103",
                detector,
                lambda detector=detector: guardduty.update_detector(DetectorId=detector, Enable=False),
            )
        )
    config = client("config")
    for recorder in config.describe_configuration_recorders()["ConfigurationRecorders"][:1]:
        name = recorder["name"]
        drifts.append(
            Drift(
                f"stop the AWS Config recorder {name}",
                "SML-AUD-102",
                name,
                lambda name=name: config.stop_configuration_recorder(ConfigurationRecorderName=name),
            )
        )
    sagemaker = client("sagemaker")
    for notebook in sagemaker.list_notebook_instances()["NotebookInstances"][:1]:
        name = notebook["NotebookInstanceName"]
        # DirectInternetAccess cannot be changed on a notebook instance; root access can.
        drifts.append(
            Drift(
                f"enable root access on notebook {name}",
                "SML-NET-3",
                name,
                lambda name=name: sagemaker.update_notebook_instance(
                    NotebookInstanceName=name, RootAccess="Enabled"
                ),
            )
        )
    return drifts


def caught(findings: list[Any], drift: Drift) -> bool:
    """Whether an error or warning finding of the drift's rule names its resource."""
    return any(f.rule == drift.rule and drift.resource in f.resource for f in findings)
