"""The live audit of feature groups (SML-AUD-141, SML-AUD-142), against moto with the emulator's feature group
API (cdk_secure_ml.emulator.feature_store)."""

from __future__ import annotations

from cdk_secure_ml.policies.live import run_audit

from .conftest import REGION

FEATURES = [{"FeatureName": "id", "FeatureType": "String"}, {"FeatureName": "t", "FeatureType": "Fractional"}]


def _findings(session, rule: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in run_audit(session, REGION).findings:
        if f.rule == rule:
            out.setdefault(f.resource, []).append(f.message)
    return out


def _group(session, name: str, *, key: str | None, uri: str | None, offline_key: str | None = None,
           team: str | None = "research", online: bool = True) -> None:
    request = {"FeatureGroupName": name, "RecordIdentifierFeatureName": "id", "EventTimeFeatureName": "t",
               "FeatureDefinitions": FEATURES}
    if online:
        request["OnlineStoreConfig"] = {"EnableOnlineStore": True,
                                        **({"SecurityConfig": {"KmsKeyId": key}} if key else {})}
    if uri:
        storage = {"S3Uri": uri, **({"KmsKeyId": offline_key} if offline_key else {})}
        request["OfflineStoreConfig"] = {"S3StorageConfig": storage}
        request["RoleArn"] = "arn:aws:iam::123456789012:role/p/feature-store/offline"
    if team:
        request["Tags"] = [{"Key": "team", "Value": team}]
    session.client("sagemaker").create_feature_group(**request)


def test_a_platform_feature_group_passes(aws):
    aws.client("s3").create_bucket(Bucket="data")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    _group(aws, "good", key=key, uri="s3://data/research/feature-store", offline_key=key)
    _group(aws, "online-only", key=key, uri=None)
    assert _findings(aws, "SML-AUD-141") == {} and _findings(aws, "SML-AUD-142") == {}


def test_no_feature_groups_no_verdicts(aws):
    result = run_audit(aws, REGION)
    assert not [f for f in result.findings if f.resource_type == "AWS::SageMaker::FeatureGroup"]


def test_an_online_store_without_a_customer_key(aws):
    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    aws.client("kms").disable_key(KeyId=key)
    _group(aws, "no-key", key=None, uri=None)
    _group(aws, "disabled", key=key, uri=None)
    found = _findings(aws, "SML-AUD-141")
    assert found["no-key"] == [
        "the online store has no KmsKeyId: Feature Store encrypts it with an AWS owned or AWS managed key"]
    assert found["disabled"] == [f"the online store's key {key} is Disabled"]


def test_an_offline_store_outside_the_bucket_or_prefix_or_without_key(aws):
    aws.client("s3").create_bucket(Bucket="data")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    _group(aws, "elsewhere", key=key, uri="s3://someone-elses/research/fs", offline_key=key)
    _group(aws, "wrong-prefix", key=key, uri="s3://data/fraud/feature-store", offline_key=key)
    _group(aws, "no-key", key=key, uri="s3://data/research/feature-store")
    _group(aws, "untagged", key=key, uri="s3://data/research/feature-store", offline_key=key, team=None)
    found = _findings(aws, "SML-AUD-142")
    assert found["elsewhere"] == [
        "the offline store's bucket 'someone-elses' is not a bucket of this account"]
    assert found["wrong-prefix"] == [
        "the offline store s3://data/fraud/feature-store is not under its team's prefix research/"]
    assert found["no-key"] == ["the offline store has no KmsKeyId: Feature Store encrypts it with an AWS "
                               "owned or AWS managed key"]
    assert found["untagged"] == ["the feature group has no team tag: its offline store cannot be checked "
                                 "against a team prefix"]
