"""The live audit of SageMaker Feature Store feature groups (docs/feature-store.md, docs/audit.md).

Two checks per feature group, from DescribeFeatureGroup, ListTags, DescribeKey and ListBuckets (read-only;
:data:`~cdk_secure_ml.policies.live.audit.AUDIT_IAM_ACTIONS` lists them):

- ``SML-AUD-141``: the online store has ``SecurityConfig.KmsKeyId``, a customer managed key that exists and
  is enabled (without one, Feature Store uses an AWS owned or AWS managed key:
  https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-security.html);
- ``SML-AUD-142``: the offline store is in a bucket of this account, under the prefix of the group's team
  tag (``s3://<bucket>/<team>/...``), with ``S3StorageConfig.KmsKeyId`` a customer managed key.

A group without that store passes that check (nothing to encrypt). The checks read the team from the tag
``team`` (the platform's default ABAC key) or, failing that, from any tag whose value is the prefix.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["FeatureGroupAudit", "check_feature_groups", "offline_store_problems", "online_store_problems"]

KIND = "AWS::SageMaker::FeatureGroup"


class FeatureGroupAudit(Protocol):
    """What the checks use of :class:`~cdk_secure_ml.policies.live.audit.Auditor`."""

    def call(self, service: str, operation: str, **kwargs: Any) -> dict[str, Any]: ...

    def pages(self, service: str, operation: str, key: str, **kwargs: Any) -> list[Any]: ...

    def verdict(self, rule: str, resource: str, resource_type: str, problems: Any) -> None: ...


def _key_problem(auditor: FeatureGroupAudit, key_id: str | None, what: str) -> str:
    if not key_id:
        return f"{what} has no KmsKeyId: Feature Store encrypts it with an AWS owned or AWS managed key"
    meta = auditor.call("kms", "describe_key", KeyId=key_id)["KeyMetadata"]
    if meta.get("KeyManager") != "CUSTOMER":
        return f"{what}'s key {key_id} is not a customer managed key"
    if meta.get("KeyState") != "Enabled":
        return f"{what}'s key {key_id} is {meta.get('KeyState')}"
    return ""


def online_store_problems(auditor: FeatureGroupAudit, group: dict[str, Any]) -> list[str]:
    """The problems of ``group``'s (DescribeFeatureGroup's answer) online store; none without one."""
    online = group.get("OnlineStoreConfig")
    if not online or online.get("EnableOnlineStore") is False:
        return []
    return [_key_problem(auditor, (online.get("SecurityConfig") or {}).get("KmsKeyId"), "the online store")]


def offline_store_problems(
    auditor: FeatureGroupAudit, group: dict[str, Any], tags: dict[str, str], buckets: list[str]
) -> list[str]:
    """The problems of ``group``'s offline store: its bucket (one of ``buckets``, this account's), the
    team prefix (``tags['team']``), its key; none without an offline store."""
    offline = group.get("OfflineStoreConfig")
    if not offline:
        return []
    storage = offline.get("S3StorageConfig") or {}
    uri = str(storage.get("S3Uri") or "")
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    prefix = key.split("/", 1)[0]
    problems = []
    if bucket not in buckets:
        problems.append(f"the offline store's bucket {bucket!r} is not a bucket of this account")
    team = tags.get("team")
    if team is None:
        teams = [v for v in tags.values() if v == prefix]
        team = teams[0] if teams else None
    if not team:
        problems.append("the feature group has no team tag: its offline store cannot be checked against a "
                        "team prefix")
    elif prefix != team:
        problems.append(f"the offline store {uri} is not under its team's prefix {team}/")
    problems.append(_key_problem(auditor, storage.get("KmsKeyId"), "the offline store"))
    return problems


def check_feature_groups(auditor: FeatureGroupAudit) -> None:
    """Record the verdicts of every feature group of the region."""
    summaries = auditor.pages("sagemaker", "list_feature_groups", "FeatureGroupSummaries")
    if not summaries:
        return
    buckets = [b["Name"] for b in auditor.call("s3", "list_buckets").get("Buckets", [])]
    for summary in summaries:
        name = summary["FeatureGroupName"]
        group = auditor.call("sagemaker", "describe_feature_group", FeatureGroupName=name)
        listed = auditor.call("sagemaker", "list_tags", ResourceArn=group["FeatureGroupArn"]).get("Tags", [])
        tags = {t["Key"]: t["Value"] for t in listed}
        auditor.verdict("SML-AUD-141", name, KIND, online_store_problems(auditor, group))
        auditor.verdict("SML-AUD-142", name, KIND, offline_store_problems(auditor, group, tags, buckets))
