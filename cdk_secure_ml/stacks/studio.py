"""StudioStack (the domain, runtime settings) and StudioUsersStack (user profiles, spread over stacks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from cdk_secure_ml.config import PlatformConfig, StudioUserConfig
from cdk_secure_ml.config.studio_spaces import StudioSpacesConfig
from cdk_secure_ml.constructs.identity import MlPersonas
from cdk_secure_ml.constructs.mlflow import MlflowTrackingServers
from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.studio import SdkDefaultsLifecycleConfigs, SecureStudioDomain, sdk_defaults
from cdk_secure_ml.constructs.studio_images import (
    StudioCustomImage,
    StudioCustomImages,
    add_custom_images_to_profile,
)
from cdk_secure_ml.constructs.studio_spaces import add_private_spaces, apply_space_storage_defaults
from cdk_secure_ml.stacks.foundation import FoundationStack

__all__ = ["StudioStack", "StudioUsersStack", "user_stack_slices", "studio_custom_images",
           "DEFAULT_MAX_PROFILES_PER_STACK"]

#: A user profile is one resource (~0.6 KB of template); 400 per stack stays far below
#: CloudFormation's 500 resources and 1 MB.
DEFAULT_MAX_PROFILES_PER_STACK = 400


def studio_custom_images(config: PlatformConfig) -> tuple[StudioCustomImage, ...]:
    """``studio.custom_images`` as the construct's :class:`StudioCustomImage` (docs/studio.md)."""
    return tuple(StudioCustomImage(name=i.name, repository=i.repository, digest=i.digest, app_type=i.app_type,
                                   display_name=i.display_name) for i in config.studio.custom_images)


class StudioStack(Stack):
    """The VPC-only Studio domain and the platform's runtime settings in SSM Parameter Store.

    Attributes:

    - ``domain`` (``SecureStudioDomain``).
    - ``team_sdk_defaults`` (``dict[str, dict]``): team -> the SDK defaults of its profiles.
    - ``parameters`` (``dict[str, ssm.StringParameter]``): setting -> SSM parameter jobs and tools read.
    - ``mlflow`` (``MlflowTrackingServers | None``): the managed MLflow tracking servers (``studio.mlflow``).
    - ``custom_images`` (``StudioCustomImages | None``): the custom images (``studio.custom_images``).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: PlatformConfig, foundation: FoundationStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        personas = foundation.personas
        if personas is None:
            raise ValueError("StudioStack needs identity.teams in the config (execution roles are per team)")
        network = foundation.network
        keys = foundation.keys
        studio = config.studio
        group = foundation.workload_security_group
        team_tag_key = config.identity.team_tag_key
        #: Team -> its SDK defaults: the platform's network and keys, the artifacts bucket under the
        #: team's prefix (the only S3 path the team's roles may write), the team tag on what it creates.
        self.team_sdk_defaults: dict[str, dict] = {
            team.name: sdk_defaults(
                subnet_ids=network.subnet_ids,
                security_group_ids=[group.security_group_id],
                volume_key_arn=keys.volumes.key_arn,
                output_key_arn=keys.artifacts.key_arn,
                bucket_name=foundation.artifacts_bucket.bucket.bucket_name,
                key_prefix=team.name,
                tags={**studio.job_tags, team_tag_key: team.name},
            )
            for team in config.identity.teams
        }
        first_team = config.identity.teams[0].name
        self.domain = SecureStudioDomain(
            self,
            "Domain",
            domain_name=studio.domain_name or config.name,
            vpc=network.vpc,
            subnets=network.subnets,
            security_groups=[group],
            encryption_key=keys.volumes,
            default_execution_role=personas.execution_role("data-scientist", first_team),
            auth_mode=studio.auth_mode,
            idle_timeout_minutes=studio.idle_timeout_minutes,
            sharing_bucket=foundation.artifacts_bucket.bucket if studio.notebook_sharing else None,
            sharing_key=keys.artifacts if studio.notebook_sharing else None,
            sdk_defaults=self.team_sdk_defaults[first_team],
        )
        apply_space_storage_defaults(self.domain, default_gib=studio.spaces.ebs_volume_size_gib,
                                     maximum_gib=studio.spaces.max_ebs_volume_size_gib)
        images = studio_custom_images(config)
        self.custom_images = StudioCustomImages(self, "CustomImages", domain=self.domain, images=images) \
            if images else None
        self.mlflow = self._new_mlflow(config, foundation)
        self.parameters = self._publish_settings(config, foundation, personas)

    def _new_mlflow(
        self, config: PlatformConfig, foundation: FoundationStack
    ) -> MlflowTrackingServers | None:
        """``studio.mlflow``: the tracking servers, artifacts in the artifacts bucket (docs/mlflow.md)."""
        mlflow = config.studio.mlflow
        if mlflow is None:
            return None
        return MlflowTrackingServers(
            self, "Mlflow",
            platform=config.name,
            artifacts_bucket=foundation.artifacts_bucket.bucket,
            artifacts_key=foundation.keys.artifacts,
            teams=[team.name for team in config.identity.teams],
            mode=mlflow.mode,
            size=mlflow.size,
            version=mlflow.version,
            automatic_model_registration=mlflow.automatic_model_registration,
            weekly_maintenance_window=mlflow.weekly_maintenance_window,
            team_tag_key=config.identity.team_tag_key,
        )

    def _publish_settings(
        self, config: PlatformConfig, foundation: FoundationStack, personas: MlPersonas
    ) -> dict[str, ssm.StringParameter]:
        """Runtime settings, as SSM parameters, that jobs and tools read instead of hard-coding ids."""
        prefix = f"/{config.name}"
        values = {
            "network/subnet-ids": ",".join(foundation.network.subnet_ids),
            "network/security-group-id": foundation.workload_security_group.security_group_id,
            "buckets/data": foundation.data_bucket.bucket_name,
            "buckets/artifacts": foundation.artifacts_bucket.bucket_name,
            "studio/domain-id": self.domain.domain_id,
        }
        for data_class in foundation.keys.data_classes:
            values[f"keys/{data_class}-arn"] = foundation.keys.key_for(data_class).key_arn
        for (persona, team), role in personas.execution_roles.items():
            values[f"roles/{team}/{persona}-execution-arn"] = role.role_arn
        if self.mlflow is not None:  # mlflow.set_tracking_uri(<ARN>) in notebooks and jobs
            for server_team, server in self.mlflow.servers.items():
                setting = f"mlflow/{server_team or 'shared'}/tracking-server-arn"
                values[setting] = server.attr_tracking_server_arn
        parameters = {}
        for name, value in values.items():
            construct_id = "Param" + pascal_case(name)
            parameters[name] = ssm.StringParameter(
                self, construct_id, parameter_name=f"{prefix}/{name}", string_value=value,
                description=f"{config.name} platform setting (cdk-secure-ml)",
            )
        return parameters


class StudioUsersStack(Stack):
    """User profiles of one team (or one slice of a large team), and the lifecycle configurations
    that install the team's SDK defaults in their apps.

    The configurations live here, with the profiles that list them: a change to the defaults
    replaces them under a new name and updates the profiles in the same stack operation (a
    reference across stacks would leave the profiles on the old one).

    :param sdk_defaults: team -> SDK defaults (``StudioStack.team_sdk_defaults``); teams without an
        entry use the domain's.
    :param spaces: ``studio.spaces``: the private spaces each user gets with the profile (none by default).
    :param custom_images: the domain's custom images (:func:`studio_custom_images`), listed in the settings
        of profiles that set their own app settings (a profile's settings take precedence over the domain's).

    Attributes:

    - ``profiles`` (``dict[str, sagemaker.CfnUserProfile]``): user name -> profile.
    - ``spaces`` (``dict[str, dict[str, sagemaker.CfnSpace]]``): user name -> app type -> private space.
    - ``sdk_lifecycle_configs`` (``dict[str, SdkDefaultsLifecycleConfigs]``): team -> its lifecycle
      configurations.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain: SecureStudioDomain,
        personas: MlPersonas,
        users: Sequence[StudioUserConfig],
        team_tag_key: str = "team",
        sdk_defaults: Mapping[str, dict] | None = None,
        spaces: StudioSpacesConfig | None = None,
        custom_images: Sequence[StudioCustomImage] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.profiles = {}
        self.spaces: dict[str, dict] = {}
        self.sdk_lifecycle_configs: dict[str, SdkDefaultsLifecycleConfigs] = {}
        for team in dict.fromkeys(user.team for user in users):
            if sdk_defaults and team in sdk_defaults:
                self.sdk_lifecycle_configs[team] = domain.add_sdk_defaults(
                    self, f"SdkDefaults{pascal_case(team)}", label=team, defaults=sdk_defaults[team])
        for user in users:
            tags = {team_tag_key: user.team, "owner": user.name, "secure-ml:persona": user.persona}
            self.profiles[user.name] = domain.add_user_profile(
                self,
                f"Profile{pascal_case(user.name)}",
                user_name=user.name,
                execution_role=personas.execution_role(user.persona, user.team),
                tags=tags,
                sso_user_name=user.sso_user_name,
                sdk_defaults=self.sdk_lifecycle_configs.get(user.team),
            )
            if custom_images and user.team in self.sdk_lifecycle_configs:
                add_custom_images_to_profile(self.profiles[user.name], custom_images)
            if spaces is not None and spaces.private:
                self.spaces[user.name] = add_private_spaces(
                    self, domain=domain, profile=self.profiles[user.name], user_name=user.name,
                    app_types=spaces.private, ebs_volume_size_gib=spaces.ebs_volume_size_gib, tags=tags)


def user_stack_slices(
    users: Sequence[StudioUserConfig], max_per_stack: int
) -> list[tuple[str, list[StudioUserConfig]]]:
    """Group users by team, in config order, into slices of at most ``max_per_stack``.

    Returns ``(stack id, users)``. Config order keeps assignments stable: add new users at the end
    of the list, or a profile may move to another stack (which replaces it).
    """
    if max_per_stack < 1:
        raise ValueError(f"max_per_stack is {max_per_stack}; use at least 1")
    by_team: dict[str, list[StudioUserConfig]] = {}
    for user in users:
        by_team.setdefault(user.team, []).append(user)
    slices = []
    for team, members in by_team.items():
        for index in range(0, len(members), max_per_stack):
            part = index // max_per_stack
            stack_id = f"Users{pascal_case(team)}" + (str(part + 1) if part else "")
            slices.append((stack_id, members[index:index + max_per_stack]))
    return slices
