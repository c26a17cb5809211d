"""SecureFeatureStore: SageMaker Feature Store feature groups with KMS on both stores, the offline store in
the team's prefix of the data bucket, a least-privileged offline store role per team, and the team tag
(docs/feature-store.md).

There is no L2 for feature groups in aws-cdk-lib; the groups are ``sagemaker.CfnFeatureGroup`` (the
``AWS::SageMaker::FeatureGroup`` resource,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-featuregroup.html).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from aws_cdk import RemovalPolicy, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.principals import sagemaker_principal
from cdk_secure_ml.core.feature_store import (
    GLUE_DATABASE,
    Feature,
    feature_group_problems,
    glue_table_prefix,
    offline_store_prefix,
    offline_store_role_path,
)
from cdk_secure_ml.core.problems import messages, nested
from cdk_secure_ml.policies.acknowledgements import acknowledge_wildcards, justify_imported_resources

__all__ = ["FeatureGroupOptions", "SecureFeatureStore"]


@dataclass(frozen=True)
class FeatureGroupOptions:
    """One feature group of :class:`SecureFeatureStore`.

    :param name: the feature group's name, 1-64 letters, digits and hyphens (its physical name: a change of
        a create-only option needs a new name, docs/feature-store.md "Day 2").
    :param team: the owning team: the team tag on the group, the offline store under ``<team>/feature-store``.
    :param record_identifier, event_time: names of two of ``features``; the event time is String or
        Fractional.
    :param features: ``(name, type)`` pairs or :class:`~cdk_secure_ml.core.feature_store.Feature`; type
        String, Integral or Fractional.
    :param online: an online store, encrypted with ``data_key``. Default True.
    :param offline: an offline store in ``data_bucket``, encrypted with ``data_key``. Default True.
    :param glue_table: let Feature Store create the offline store's Glue table (False sets
        ``DisableGlueTableCreation``). Default True.
    :param ttl: ``(unit, value)`` after which online records expire (``("Days", 30)``); default None (never).
    :param description: up to 128 characters.
    """

    name: str
    team: str
    record_identifier: str
    event_time: str
    features: Sequence[Feature | tuple[str, str]] = field(default_factory=tuple)
    online: bool = True
    offline: bool = True
    glue_table: bool = True
    ttl: tuple[str, int] | None = None
    description: str = ""

    def feature_list(self) -> list[Feature]:
        return [f if isinstance(f, Feature) else Feature(*f) for f in self.features]


class SecureFeatureStore(Construct):
    """Feature groups, secure by default.

    - The online store is encrypted with ``data_key`` (``OnlineStoreConfig.SecurityConfig.KmsKeyId``), the
      offline store written to ``s3://<data_bucket>/<team>/feature-store`` with ``data_key``
      (``OfflineStoreConfig.S3StorageConfig``).
    - One offline store role per team with offline groups (``OfflineStoreRole<Team>``, path
      ``/<platform>/feature-store/``), assumable by SageMaker from this account only. It may write objects
      under the team's feature-store prefix and read them back (Feature Store's manifests), generate data
      keys with ``data_key`` through S3 only, and, for groups with a Glue table, read and update those
      tables of the ``sagemaker_featurestore`` database: what AWS's AmazonSageMakerFeatureStoreAccess grants
      (https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-feature-store.html),
      narrowed from every ``*sagemaker*`` bucket and every table to the team's prefix and its tables.
    - Each group carries ``team_tag_key`` = team (the personas' ABAC, :mod:`.identity.feature_store`) and is
      retained when removed from the stack or replaced: it holds data.

    :param platform: the platform name (the offline roles' path).
    :param groups: the feature groups, each name once.
    :param data_bucket: the bucket of the offline stores.
    :param data_key: the KMS key of both stores.
    :param team_tag_key: the ABAC tag key. Default ``team``.
    :raises ValueError: every problem of ``groups`` at once (``SecureFeatureStore: ...; ...``), from
        :func:`~cdk_secure_ml.core.feature_store.feature_group_problems`, and a repeated name.

    Attributes:

    - ``groups`` (``dict[str, sagemaker.CfnFeatureGroup]``): name -> feature group.
    - ``offline_roles`` (``dict[str, iam.Role]``): team -> its offline store role.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, platform: str, groups: Sequence[FeatureGroupOptions],
        data_bucket: s3.IBucket, data_key: kms.IKey, team_tag_key: str = "team",
    ) -> None:
        super().__init__(scope, construct_id)
        problems: list[str] = []
        seen: set[str] = set()
        for index, group in enumerate(groups):
            problems += messages(nested(("groups", index), feature_group_problems(
                name=group.name, record_identifier=group.record_identifier, event_time=group.event_time,
                features=group.feature_list(), online=group.online, offline=group.offline, ttl=group.ttl)))
            if group.name in seen:
                problems.append(f"feature group {group.name!r} is given twice; names are unique in "
                                "the account")
            seen.add(group.name)
        if problems:
            raise ValueError("SecureFeatureStore: " + "; ".join(problems))
        self._platform = platform
        self._bucket = data_bucket
        self._key = data_key
        self.offline_roles: dict[str, iam.Role] = {}
        self._offline_policies: dict[str, iam.ManagedPolicy] = {}
        offline = [g for g in groups if g.offline]
        for team in dict.fromkeys(g.team for g in offline):
            self._new_offline_role(team, [g for g in offline if g.team == team])
        self.groups: dict[str, sagemaker.CfnFeatureGroup] = {}
        for group in groups:
            self.groups[group.name] = self._new_group(group, team_tag_key)

    # ------------------------------------------------------------------------------------------ roles

    def _new_offline_role(self, team: str, groups: list[FeatureGroupOptions]) -> None:
        stack = Stack.of(self)
        prefix = offline_store_prefix(team)
        role = iam.Role(
            self, f"OfflineStoreRole{pascal_case(team)}",
            assumed_by=sagemaker_principal(self),
            path=offline_store_role_path(self._platform),
            description=f"{self._platform}: Feature Store offline store of team {team}",
        )
        Tags.of(role).add("secure-ml:feature-store-team", team)
        statements = [
            iam.PolicyStatement(
                sid="OfflineStoreObjects",
                actions=["s3:PutObject", "s3:PutObjectAcl", "s3:GetObject"],
                resources=[self._bucket.arn_for_objects(f"{prefix}/*")],
            ),
            iam.PolicyStatement(sid="OfflineStoreBucketAcl", actions=["s3:GetBucketAcl"],
                                resources=[self._bucket.bucket_arn]),
            iam.PolicyStatement(
                sid="OfflineStoreKeyThroughS3",
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=[self._key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"}},
            ),
        ]
        tables = [glue_table_prefix(g.name) for g in groups if g.glue_table]
        if tables:
            glue = f"arn:{stack.partition}:glue:{stack.region}:{stack.account}"
            statements.append(iam.PolicyStatement(
                sid="OfflineStoreGlueTables",
                actions=["glue:GetTable", "glue:UpdateTable"],
                resources=[f"{glue}:catalog", f"{glue}:database/{GLUE_DATABASE}",
                           *[f"{glue}:table/{GLUE_DATABASE}/{t}_*" for t in tables]],
            ))
        policy = iam.ManagedPolicy(
            self, f"OfflineStorePolicy{pascal_case(team)}", statements=statements, roles=[role],
            description=f"{self._platform}: Feature Store offline store of team {team}")
        acknowledge_wildcards(policy, (
            "The offline store's objects are keys Feature Store names under the team's prefix "
            "(<team>/feature-store/<account>/sagemaker/<region>/offline-store/<group>-<time>/...), and its "
            "Glue "
            "tables are named <group>_<creation time> by Feature Store: the wildcards stand for those names, "
            "inside the team's prefix and its groups' tables."))
        justify_imported_resources(policy, (
            "The data bucket and the data key are the ones SecureFeatureStore was given (data_bucket, "
            "data_key), imported from the stack that owns them; the statement names exactly them."))
        self.offline_roles[team] = role
        self._offline_policies[team] = policy

    # ------------------------------------------------------------------------------------------ groups

    def _new_group(self, group: FeatureGroupOptions, team_tag_key: str) -> sagemaker.CfnFeatureGroup:
        # OnlineStoreConfig and OfflineStoreConfig are untyped JSON in aws-cdk-lib: CloudFormation's own keys.
        online: dict | None = None
        if group.online:
            online = {"EnableOnlineStore": True, "SecurityConfig": {"KmsKeyId": self._key.key_arn}}
            if group.ttl:
                online["TtlDuration"] = {"Unit": group.ttl[0], "Value": group.ttl[1]}
        offline: dict | None = None
        role_arn = None
        if group.offline:
            offline = {
                "S3StorageConfig": {"S3Uri": self._bucket.s3_url_for_object(offline_store_prefix(group.team)),
                                    "KmsKeyId": self._key.key_arn},
                "DisableGlueTableCreation": not group.glue_table,
            }
            role_arn = self.offline_roles[group.team].role_arn
        resource = sagemaker.CfnFeatureGroup(
            self, f"Group{pascal_case(group.name)}",
            feature_group_name=group.name,
            record_identifier_feature_name=group.record_identifier,
            event_time_feature_name=group.event_time,
            feature_definitions=[
                sagemaker.CfnFeatureGroup.FeatureDefinitionProperty(feature_name=f.name, feature_type=f.type)
                for f in group.feature_list()
            ],
            online_store_config=online,
            offline_store_config=offline,
            role_arn=role_arn,
            description=group.description or None,
        )
        # The team tag is the group's ABAC attribute: it must win over any stage-wide tag of that key.
        Tags.of(resource).add(team_tag_key, group.team, priority=300)
        # A feature group holds records: kept when it leaves the stack, or is replaced.
        resource.apply_removal_policy(RemovalPolicy.RETAIN)
        if group.offline:
            # CreateFeatureGroup checks the role's access to the offline store: the role's policy must exist
            # first (the role itself is referenced by RoleArn).
            resource.node.add_dependency(self._offline_policies[group.team])
        return resource
