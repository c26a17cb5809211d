"""The names, paths and ARN patterns delivery gives the roles it trusts, and the account-id check.

CDK-free: strings in, strings out. The pipeline (tooling account), the audit role (every target account)
and the model registry derive them here, so both sides of each trust use the same name.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdk_secure_ml.constructs.identity.context import execution_role_path
from cdk_secure_ml.core.names import ACCOUNT_ID_RE
from cdk_secure_ml.core.problems import is_unresolved


def audit_role_name(platform: str) -> str:
    """Name of the read-only audit role in every target account."""
    return f"{platform}-pipeline-audit"


def audit_role_path(platform: str) -> str:
    """IAM path of the read-only audit role in every target account, ``/<platform>/delivery/``."""
    return f"/{platform}/delivery/"


def audit_step_role_name(platform: str) -> str:
    """Name of the audit steps' CodeBuild role in the tooling account (the only principal the
    target accounts' audit roles trust)."""
    return f"{platform}-delivery-audit-step"


def audit_role_arn(platform: str, account: str, partition: str = "aws") -> str:
    """ARN of the read-only audit role of ``platform`` in ``account``."""
    return f"arn:{partition}:iam::{account}:role{audit_role_path(platform)}{audit_role_name(platform)}"


def execution_role_arn_pattern(platform: str, account: str, partition: str = "aws") -> str:
    """Every SageMaker execution role of the platform in ``account``."""
    return f"arn:{partition}:iam::{account}:role{execution_role_path(platform)}*"


def account_problems(what: str, accounts: Sequence[str]) -> list[str]:
    """``what {bad} are not 12-digit account ids`` when some of ``accounts`` are not (tokens pass)."""
    bad = [a for a in accounts if not is_unresolved(str(a)) and not ACCOUNT_ID_RE.fullmatch(str(a))]
    return [f"{what} {bad} are not 12-digit account ids"] if bad else []
