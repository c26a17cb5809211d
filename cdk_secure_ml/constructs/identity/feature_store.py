"""The persona statements for SageMaker Feature Store: records and metadata of the caller's team's feature
groups, by the team tag (ABAC).

Pure builders, like :mod:`.statements`: :class:`~cdk_secure_ml.constructs.identity.personas.MlPersonas` puts
them in the ``FeatureStore`` (read and write) and ``FeatureStoreRead`` managed policies when it is built with
``feature_store=True``.

- The runtime actions (PutRecord, GetRecord, DeleteRecord, BatchGetRecord) and DescribeFeatureGroup /
  DescribeFeatureMetadata act on a ``feature-group`` resource and take ``sagemaker:ResourceTag/<key>``
  (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html): each is
  allowed only where the group's team tag equals the caller's (``aws:PrincipalTag/<key>``). Another team's
  group matches no Allow, so it is denied. ListFeatureGroups and Search take no resource; the personas'
  browse statement already has them (every team sees group names, not records).
- Records of an online store encrypted with a customer managed key need ``kms:Decrypt`` on that key for
  every data-plane call (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OnlineStoreSecurityConfig.html):
  the platform's data key, on which the personas otherwise only act through S3.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from cdk_secure_ml.constructs.identity.context import PlatformContext
from cdk_secure_ml.core.feature_store import DESCRIBE_ACTIONS, RECORD_READ_ACTIONS, RECORD_WRITE_ACTIONS


def feature_store_statements(ctx: PlatformContext, *, write: bool = True) -> list[iam.PolicyStatement]:
    """Read (and with ``write``, put and delete) records of the caller's team's feature groups, describe
    them, and decrypt their online store with the data key.

    :param ctx: the platform context (its ``data_key_arn`` is the online stores' key).
    :param write: False for the read-only policy (GetRecord, BatchGetRecord and the Describe actions).
    :returns: two statements, ``TeamFeatureGroups`` and ``FeatureStoreOnlineKey``.
    """
    actions = [*RECORD_READ_ACTIONS, *DESCRIBE_ACTIONS]
    if write:
        actions += list(RECORD_WRITE_ACTIONS)
    return [
        iam.PolicyStatement(
            sid="TeamFeatureGroups",
            actions=actions,
            resources=[ctx.sagemaker("feature-group/*")],
            conditions={"StringEquals": {f"sagemaker:ResourceTag/{ctx.team_tag_key}": ctx.team}},
        ),
        iam.PolicyStatement(
            sid="FeatureStoreOnlineKey",
            actions=["kms:Decrypt"],
            resources=[ctx.data_key_arn],
        ),
    ]
