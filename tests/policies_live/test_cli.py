"""``secure-ml audit`` exit codes and output formats."""

from __future__ import annotations

import io
import json

import pytest

from cdk_secure_ml.policies.live.cli import main_audit

from .conftest import REGION


@pytest.fixture
def no_aws(monkeypatch, tmp_path):
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_no_credentials(no_aws, capsys):
    assert main_audit(["--region", REGION]) == 2
    assert "no AWS credentials" in one_line_error(capsys)


def test_unknown_region(no_aws, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    assert main_audit(["--region", "mars-north-1"]) == 2
    assert "unknown region 'mars-north-1'" in one_line_error(capsys)


def test_unreachable_endpoint(no_aws, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    assert main_audit(["--region", REGION, "--endpoint-url", "http://127.0.0.1:9"]) == 2
    assert "cannot reach http://127.0.0.1:9" in one_line_error(capsys)


def test_endpoint_url_must_be_http(no_aws, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    assert main_audit(["--region", REGION, "--endpoint-url", "localhost:5000"]) == 2
    one_line_error(capsys)


def test_unknown_profile(no_aws, capsys):
    assert main_audit(["--profile", "nope", "--region", REGION]) == 2
    assert "profile 'nope' not found" in one_line_error(capsys)


def test_bad_option(capsys):
    assert main_audit(["--format", "sarif"]) == 2
    one_line_error(capsys)


def test_findings_exit_1_with_json(aws):
    out = io.StringIO()
    assert main_audit(["--region", REGION, "--format", "json"], stdout=out) == 1
    document = json.loads(out.getvalue())
    assert {"rule", "severity", "file", "resource", "resource_type", "message"} <= set(
        document["findings"][0]
    )
    assert document["summary"]["errors"] >= 3 and document["summary"]["region"] == REGION


def test_clean_account_exits_0(aws):
    aws.client("s3").create_bucket(Bucket="trail-logs")
    # moto applies SSE-S3 to new buckets; make the trail bucket compliant so the account is clean.
    s3 = aws.client("s3")
    s3.put_bucket_encryption(
        Bucket="trail-logs",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/k",
                    }
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket="trail-logs",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket="trail-logs", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_policy(
        Bucket="trail-logs",
        Policy=json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": ["arn:aws:s3:::trail-logs", "arn:aws:s3:::trail-logs/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ]
            }
        ),
    )
    trail = aws.client("cloudtrail")
    trail.create_trail(
        Name="org-trail",
        S3BucketName="trail-logs",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId="k",
        CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:123456789012:log-group:t:*",
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/t",
    )
    trail.start_logging(Name="org-trail")
    config = aws.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": "arn:aws:iam::123456789012:role/c"}
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "trail-logs"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    aws.client("guardduty").create_detector(Enable=True)
    out = io.StringIO()
    assert main_audit(["--region", REGION], stdout=out) == 0, out.getvalue()
    assert out.getvalue().splitlines()[-1].startswith(f"audit of {REGION}: ")


def test_fail_on_not_verified_turns_a_check_that_did_not_run_into_exit_1(aws, monkeypatch):
    """The delivery pipeline's audit step passes --fail-on-not-verified: a drift check the audit role
    could not perform is not a pass (review S3; docs/delivery.md, "Post-deploy audit")."""
    from cdk_secure_ml.policies.findings import Finding
    from cdk_secure_ml.policies.live import cli
    from cdk_secure_ml.policies.live.calls import AuditResult
    from cdk_secure_ml.policies.live.rules import NOT_VERIFIED

    denied = Finding(
        NOT_VERIFIED,
        "warning",
        f"aws://{REGION}",
        "sagemaker monitoring",
        "",
        "not verified: access denied on sagemaker:list_monitoring_schedules",
    )
    monkeypatch.setattr(cli, "run_audit", lambda *a, **k: AuditResult(findings=[denied], passed=12))
    out = io.StringIO()
    assert main_audit(["--region", REGION], stdout=out) == 0  # a warning: the default exit code is unchanged
    assert main_audit(["--region", REGION, "--fail-on-not-verified"], stdout=out) == 1
    assert "(1 not verified)" in out.getvalue()
    monkeypatch.setattr(cli, "run_audit", lambda *a, **k: AuditResult(findings=[], passed=12))
    assert main_audit(["--region", REGION, "--fail-on-not-verified"], stdout=io.StringIO()) == 0
