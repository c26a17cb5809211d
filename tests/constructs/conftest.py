"""One app holding every construct variant the tests look at, synthesized once per session."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import AccessLogsBucket, SecureBucket
from tests.conftest import new_app


@dataclass
class Lab:
    stacks: dict[str, Stack]
    objects: dict[str, object]

    def template(self, name: str) -> Template:
        return Template.from_stack(self.stacks[name])


@pytest.fixture(scope="session")
def lab() -> Lab:
    app = new_app()
    stacks: dict[str, Stack] = {}
    objects: dict[str, object] = {}

    def stack(name: str) -> Stack:
        stacks[name] = Stack(app, name)
        return stacks[name]

    # --- network
    s = stack("NetworkDefaults")
    net = MlNetwork(s, "Net")
    objects["net"] = net
    objects["net_sg"] = net.new_workload_security_group(s, "Workload")

    s = stack("NetworkOptions")
    keys = EncryptionKeys(s, "Keys")
    net = MlNetwork(
        s,
        "Net",
        cidr="10.50.0.0/20",
        availability_zones=["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        subnet_cidr_mask=24,
        interface_endpoints=["sagemaker.api", "sts", "logs"],
        extra_interface_endpoints=["codeartifact.api", "sts"],
        dynamodb_gateway_endpoint=True,
        endpoint_access_from_vpc_cidr=True,
        s3_prefix_list_id="pl-6da54004",
        flow_log_key=keys.logs,
        flow_log_retention=logs.RetentionDays.TWO_YEARS,
    )
    objects["net_options"] = net
    objects["net_options_sg"] = net.new_workload_security_group(s, "Workload")

    s = stack("NetworkImported")
    vpc = ec2.Vpc.from_vpc_attributes(
        s,
        "Existing",
        vpc_id="vpc-0123456789abcdef0",
        vpc_cidr_block="10.9.0.0/16",
        availability_zones=["eu-west-1a", "eu-west-1b"],
        isolated_subnet_ids=["subnet-aaaa1111", "subnet-bbbb2222"],
        isolated_subnet_route_table_ids=["rtb-aaaa1111", "rtb-bbbb2222"],
    )
    objects["net_imported"] = MlNetwork(s, "Net", vpc=vpc)

    # --- keys
    s = stack("KeysDefaults")
    objects["keys"] = EncryptionKeys(s, "Keys", alias_prefix="team-a")
    s = stack("KeysShared")
    objects["keys_shared"] = EncryptionKeys(s, "Keys", shared_key=True, data_classes=["data", "logs"])

    # --- buckets
    s = stack("BucketDefaults")
    objects["bucket"] = SecureBucket(s, "Data")
    s = stack("BucketOptions")
    net = MlNetwork(s, "Net")
    keys = EncryptionKeys(s, "Keys")
    logs_bucket = SecureBucket(s, "Plain", encryption_key=keys.data)
    objects["bucket_options"] = SecureBucket(
        s,
        "Artifacts",
        encryption_key=keys.artifacts,
        server_access_logs_bucket=logs_bucket.server_access_logs_bucket,
        server_access_logs_prefix="artifacts/",
        object_lock_retention=Duration.days(365),
        object_lock_mode="COMPLIANCE",
        allowed_vpc_endpoints=[net.s3_endpoint],
        vpc_endpoint_exceptions=["arn:aws:iam::123456789012:role/ingest"],
    )
    objects["bucket_governance"] = SecureBucket(
        s, "Governed", encryption_key=keys.data, object_lock_retention=Duration.days(30),
        server_access_logs_bucket=logs_bucket.server_access_logs_bucket,
    )
    objects["bucket_unversioned"] = SecureBucket(
        s, "Scratch", encryption_key=keys.data, versioned=False,
        server_access_logs_bucket=logs_bucket.server_access_logs_bucket,
    )
    s = stack("Extras")
    objects["keys_extras"] = EncryptionKeys(s, "Keys", pending_window=Duration.days(7),
                                            removal_policy=RemovalPolicy.DESTROY, data_classes=["features"])
    objects["logs_named"] = AccessLogsBucket(s, "Logs", bucket_name="team-a-access-logs",
                                             noncurrent_version_expiration=Duration.days(30))
    objects["bucket_named"] = SecureBucket(
        s, "Named", bucket_name="team-a-features", encryption_key=objects["keys_extras"].key_for("features"),
        server_access_logs_bucket=objects["logs_named"].bucket,
        lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=Duration.days(400))],
    )
    app.synth()
    return Lab(stacks=stacks, objects=objects)
