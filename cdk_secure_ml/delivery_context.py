"""Resolve the latest Approved version of SageMaker model package groups, for ``cdk synth``.

The delivery pipeline's synth step runs, in the tooling account::

    APPROVED_MODEL_PACKAGES=$(.venv/bin/python -m cdk_secure_ml.delivery_context --group secure-ml-models)
    npx cdk synth -c config=... -c approved-model-packages="$APPROVED_MODEL_PACKAGES" \\
        -c resolved-model-package-groups=secure-ml-models

and prints ``{"<group>": "<model package version ARN>", ...}`` for the groups that have an approved
version. A group without one is not an error: it is left out of the JSON (and named on stderr), and
``resolved-model-package-groups`` tells the app that the registry was asked about it, so the
endpoints that deploy from it **wait**: their stage deploys without them (no Serving stack while no
endpoint is ready) until a version is approved, and the approval's EventBridge rule starts the
pipeline again (docs/delivery.md, "First run: an empty registry"). ``--require-approved`` restores
the strict behaviour (exit 2 on a group without an approved version).

Needs ``sagemaker:ListModelPackages`` on ``*``: the Service Authorization Reference lists the action
with the ``model-package`` resource type only, never ``model-package-group``, and AWS's own
``AmazonSageMakerModelRegistryFullAccess`` grants it on ``*``
(https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-model-registry.html).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: CDK context: the model package groups the ``approved-model-packages`` context was resolved for
#: (comma-separated, or a list). A group named here but absent from ``approved-model-packages`` has
#: no approved version: the endpoints that deploy from it wait (:func:`endpoints_awaiting_approval`).
RESOLVED_GROUPS_CONTEXT = "resolved-model-package-groups"


class NoApprovedPackage(LookupError):
    """A model package group has no Approved version (only raised with ``require_approved``)."""


def latest_approved(group: str, client: Any) -> str | None:
    """The ARN of the most recently created Approved model package version of ``group``; None
    when the group has none (yet)."""
    response = client.list_model_packages(
        ModelPackageGroupName=group, ModelApprovalStatus="Approved",
        SortBy="CreationTime", SortOrder="Descending", MaxResults=1,
    )
    packages = response.get("ModelPackageSummaryList") or []
    return packages[0]["ModelPackageArn"] if packages else None


def resolve(groups: Sequence[str], client: Any, *, require_approved: bool = False) -> dict[str, str]:
    """{group: latest approved version ARN} for every group that has one, in order.

    :raises NoApprovedPackage: with ``require_approved``, naming the first group without one.
    """
    approved: dict[str, str] = {}
    for group in dict.fromkeys(groups):
        arn = latest_approved(group, client)
        if arn is not None:
            approved[group] = arn
        elif require_approved:
            raise NoApprovedPackage(f"model package group {group!r} has no Approved model package version; "
                                    "approve one (ModelApprovalStatus=Approved) before deploying")
    return approved


def resolved_groups(scope: Any) -> frozenset[str]:
    """The ``resolved-model-package-groups`` context of ``scope`` (a construct): the groups the
    registry was asked about. Empty when the context is not set (offline synth, tests)."""
    value = scope.node.try_get_context(RESOLVED_GROUPS_CONTEXT)
    if value in (None, ""):
        return frozenset()
    if isinstance(value, str):
        items: Iterable[Any] = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = value
    else:  # a bad -c value is bad input, reported like every config problem (ValueError)
        raise ValueError(  # noqa: TRY004
            f"context {RESOLVED_GROUPS_CONTEXT} must be a comma-separated list of model package group names, "
            f"e.g. -c {RESOLVED_GROUPS_CONTEXT}=secure-ml-models (got {value!r})")
    return frozenset(str(i).strip() for i in items if str(i).strip())


def endpoints_awaiting_approval(endpoints: Sequence[Any], approved: Mapping[str, str],
                                resolved: Iterable[str]) -> dict[str, list[str]]:
    """{endpoint name: its groups without an approved version} for the endpoints that must wait.

    An endpoint waits when one of its groups (the endpoint's or a variant's) was resolved against
    the registry (``resolved``) and has no approved version (not in ``approved``). It waits whole:
    a variant is not deployed without the others. A configured ``image`` + ``model_data`` fallback
    does not stand in for it here: the fallback is for offline synthesis, and a stage deploys only
    models that were approved.
    """
    resolved = set(resolved)
    waiting: dict[str, list[str]] = {}
    for endpoint in endpoints:
        missing = [g for g in endpoint.model_package_groups() if g in resolved and g not in approved]
        if missing:
            waiting[endpoint.name] = missing
    return waiting


def main(argv: Sequence[str] | None = None, client: Any = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cdk_secure_ml.delivery_context",
        description="Print the latest Approved model package version of each group that has one, as the JSON "
                    "of the CDK context approved-model-packages. A group without an approved version is "
                    "named on stderr and left out: its endpoints wait (exit 0).")
    parser.add_argument("--group", action="append", required=True, help="model package group name "
                                                                        "(repeatable)")
    parser.add_argument("--region", help="default: the AWS SDK's region")
    parser.add_argument("--require-approved", action="store_true",
                        help="exit 2 when a group has no approved version (default: its endpoints wait)")
    args = parser.parse_args(argv)
    if client is None:
        import boto3

        client = boto3.client("sagemaker", region_name=args.region)
    try:
        approved = resolve(args.group, client, require_approved=args.require_approved)
    except NoApprovedPackage as error:
        print(f"delivery_context: {error}", file=sys.stderr)
        return 2
    for group in dict.fromkeys(args.group):
        if group not in approved:
            print(f"delivery_context: model package group {group!r} has no Approved version yet: the "
                  "endpoints "
                  "that deploy from it wait, and their stages deploy without them; approving a version "
                  "starts the pipeline again", file=sys.stderr)
    print(json.dumps(approved, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
