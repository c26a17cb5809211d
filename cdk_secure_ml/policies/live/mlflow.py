"""The live audit of managed MLflow tracking servers (docs/mlflow.md): :func:`check_mlflow` makes the calls
(their IAM actions are in :data:`.audit.AUDIT_IAM_ACTIONS`; tests/policies_live derives the calls from the
source of :mod:`.audit` and of this module), the functions below read the answers.

- ``SML-ENC-101``: the artifact store is ``s3://<bucket>/<prefix>/`` (a key prefix, such as the team's
  ``<team>/mlflow/``, never the bucket's root) of a bucket that encrypts with a customer-managed KMS key.
- ``SML-IAM-101``: the server's role is trusted by ``sagemaker.amazonaws.com`` and only with
  ``aws:SourceAccount`` or ``aws:SourceArn`` (the confused deputy), and by no other principal.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from cdk_secure_ml.core.mlflow import ARTIFACT_STORE_URI_RE

from .calls import AwsCalls

__all__ = ["artifact_bucket", "artifact_store_problems", "check_mlflow", "role_name", "trust_problems"]

KIND = "AWS::SageMaker::MlflowTrackingServer"


def check_mlflow(auditor: AwsCalls) -> None:
    """Every tracking server of the region: SML-ENC-101 (artifact store) and SML-IAM-101 (role trust)."""
    for summary in auditor.pages("sagemaker", "list_mlflow_tracking_servers", "TrackingServerSummaries"):
        name = summary["TrackingServerName"]
        server = auditor.call("sagemaker", "describe_mlflow_tracking_server", TrackingServerName=name)
        uri = server.get("ArtifactStoreUri")
        bucket = artifact_bucket(uri)
        missing = "ServerSideEncryptionConfigurationNotFoundError"
        encryption = auditor._bucket_call("get_bucket_encryption", bucket, missing) if bucket else None
        auditor.verdict("SML-ENC-101", name, KIND, artifact_store_problems(uri, encryption))
        role = auditor.call("iam", "get_role", RoleName=role_name(server.get("RoleArn") or ""))["Role"]
        auditor.verdict("SML-IAM-101", name, KIND, trust_problems(role))


def artifact_bucket(uri: str | None) -> str | None:
    """The bucket of an ``s3://`` artifact store URI, or None for another form."""
    match = ARTIFACT_STORE_URI_RE.match(uri or "")
    return match.group(1) if match else None


def artifact_store_problems(uri: str | None, encryption: dict[str, Any] | None) -> list[str]:
    """The problems of an artifact store ``uri`` whose bucket has the GetBucketEncryption answer
    ``encryption`` (None: the bucket has no default encryption)."""
    match = ARTIFACT_STORE_URI_RE.match(uri or "")
    if not match:
        return [f"ArtifactStoreUri {uri!r} is not an s3:// URI of a bucket"]
    problems = []
    if not match.group(2).strip("/"):
        problems.append(f"ArtifactStoreUri {uri} is the bucket's root; use the team's prefix "
                        "(s3://<bucket>/<team>/mlflow/)")
    rules = ((encryption or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    defaults = [r.get("ApplyServerSideEncryptionByDefault") or {} for r in rules]
    if not any(d.get("SSEAlgorithm") in ("aws:kms", "aws:kms:dsse") and d.get("KMSMasterKeyID")
               and not str(d["KMSMasterKeyID"]).startswith("alias/aws/") for d in defaults):
        problems.append(f"the artifact store's bucket {match.group(1)} does not encrypt with a "
                        "customer-managed KMS key by default")
    return problems


def role_name(role_arn: str) -> str:
    """The name of a role ARN (``arn:aws:iam::<account>:role/<path>/<name>``)."""
    return role_arn.rsplit("/", 1)[-1]


def trust_problems(role: dict[str, Any]) -> list[str]:
    """The problems of the trust policy of ``role`` (GetRole's ``Role``) for a tracking server's role."""
    document = role.get("AssumeRolePolicyDocument") or {}
    if isinstance(document, str):
        document = json.loads(unquote(document))
    problems = []
    trusted = False
    for statement in document.get("Statement") or []:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal") or {}
        services = principal.get("Service") if isinstance(principal, dict) else None
        services = [services] if isinstance(services, str) else list(services or [])
        kinds = principal if isinstance(principal, dict) else {"*": principal}
        others = [k for k in kinds if k != "Service"]
        if others or any(s != "sagemaker.amazonaws.com" for s in services):
            problems.append(f"the trust policy of {role.get('RoleName')} also trusts {principal}")
            continue
        keys = {k.lower() for operator in (statement.get("Condition") or {}).values() for k in operator}
        if "sts:AssumeRole" in str(statement.get("Action")):
            trusted = True
            if not keys & {"aws:sourceaccount", "aws:sourcearn"}:
                problems.append(f"{role.get('RoleName')} trusts SageMaker without aws:SourceAccount or "
                                "aws:SourceArn")
    if not trusted:
        problems.append(f"{role.get('RoleName')} is not assumable by sagemaker.amazonaws.com")
    return problems
