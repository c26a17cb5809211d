"""Resolve the latest Approved version of SageMaker model package groups, for ``cdk synth``.

The delivery pipeline's synth step runs, in the tooling account::

    APPROVED_MODEL_PACKAGES=$(.venv/bin/python -m cdk_secure_ml.delivery_context --group secure-ml-models)
    npx cdk synth -c config=... -c approved-model-packages="$APPROVED_MODEL_PACKAGES"

and prints ``{"<group>": "<model package version ARN>", ...}``. A group without an approved version
is an error (exit 2): the pipeline stops rather than deploying something else. Needs
``sagemaker:ListModelPackages`` on the groups (docs/delivery.md, "Model promotion").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any


class NoApprovedPackage(LookupError):
    """A model package group has no Approved version."""


def latest_approved(group: str, client: Any) -> str:
    """The ARN of the most recently created Approved model package version of ``group``."""
    response = client.list_model_packages(
        ModelPackageGroupName=group, ModelApprovalStatus="Approved",
        SortBy="CreationTime", SortOrder="Descending", MaxResults=1,
    )
    packages = response.get("ModelPackageSummaryList") or []
    if not packages:
        raise NoApprovedPackage(f"model package group {group!r} has no Approved model package version; approve one "
                                "(ModelApprovalStatus=Approved) before deploying")
    return packages[0]["ModelPackageArn"]


def resolve(groups: Sequence[str], client: Any) -> dict[str, str]:
    """{group: latest approved version ARN} for every group, in order."""
    return {group: latest_approved(group, client) for group in dict.fromkeys(groups)}


def main(argv: Sequence[str] | None = None, client: Any = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cdk_secure_ml.delivery_context",
        description="Print the latest Approved model package version of each group as the JSON of the CDK "
                    "context approved-model-packages.")
    parser.add_argument("--group", action="append", required=True, help="model package group name (repeatable)")
    parser.add_argument("--region", help="default: the AWS SDK's region")
    args = parser.parse_args(argv)
    if client is None:
        import boto3

        client = boto3.client("sagemaker", region_name=args.region)
    try:
        approved = resolve(args.group, client)
    except NoApprovedPackage as error:
        print(f"delivery_context: {error}", file=sys.stderr)
        return 2
    print(json.dumps(approved, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
