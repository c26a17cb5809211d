"""The emulator process: free ports, the type table, the template-URL fix, the environment."""

from __future__ import annotations

import socket

import pytest

from cdk_secure_ml.emulator.server import Emulator, unsupported_types


def test_unsupported_types_names_what_nothing_creates():
    assert unsupported_types(
        [
            "AWS::S3::BucketPolicy",
            "AWS::SageMaker::Domain",
            "AWS::EC2::VPC",
            "Custom::VpcRestrictDefaultSG",
            "AWS::SageMaker::UserProfile",
            "AWS::SageMaker::Workteam",
            "Custom::Anything",
            "AWS::CloudFormation::WaitCondition",
        ]
    ) == ["AWS::CloudFormation::WaitCondition", "AWS::SageMaker::Workteam", "Custom::Anything"]


def test_two_emulators_get_their_own_ports_and_stop():
    with Emulator() as first, Emulator() as second:
        assert first.port != second.port and first.port > 0
        assert first.endpoint_url.startswith("http://127.0.0.1:")
        s3 = first.client("s3")
        s3.create_bucket(Bucket="probe")
        assert "probe" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
        port = first.port
    with Emulator() as third:  # a new emulator starts from an empty account
        assert third.client("s3").list_buckets()["Buckets"] == []
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_env_points_only_at_the_emulator():
    emulator = Emulator(port=1234)
    env = emulator.env({"AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "t", "PATH": "/bin"})
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1234"
    assert (
        env["AWS_ACCESS_KEY_ID"] == "testing" and "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    )
    assert env["AWS_EC2_METADATA_DISABLED"] == "true" and env["PATH"] == "/bin"


def test_stack_from_a_template_url_on_the_emulator_host():
    """The cdk CLI passes TemplateURL=http://127.0.0.1:<port>/<bucket>/<key>; moto alone reads bucket
    "127"."""
    with Emulator() as emulator:
        s3 = emulator.client("s3")
        s3.create_bucket(Bucket="assets")
        s3.put_object(
            Bucket="assets", Key="t.json", Body=b'{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}'
        )
        cloudformation = emulator.client("cloudformation")
        cloudformation.create_stack(
            StackName="from-url", TemplateURL=f"{emulator.endpoint_url}/assets/t.json"
        )
        assert (
            cloudformation.describe_stacks(StackName="from-url")["Stacks"][0]["StackStatus"]
            == "CREATE_COMPLETE"
        )
