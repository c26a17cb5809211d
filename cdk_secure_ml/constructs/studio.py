"""SecureStudioDomain: a VPC-only SageMaker Studio domain, its user profiles and secure SDK defaults."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import jsii
import yaml
from aws_cdk import CfnOutput, Fn, IResolveContext, IStringProducer, Lazy, RemovalPolicy, Stack, Tags, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_secure_ml.constructs.security_group_reach import wire_studio_groups
from cdk_secure_ml.constructs.studio_profiles import profile_role_and_tags
from cdk_secure_ml.core.names import SAGEMAKER_NAME_RE

if TYPE_CHECKING:
    from cdk_secure_ml.constructs.identity import MlPersonas

__all__ = [
    "SecureStudioDomain",
    "SdkDefaultsLifecycleConfigs",
    "sdk_defaults",
    "sdk_defaults_yaml",
    "sdk_defaults_script",
    "instance_storage_defaults",
    "lifecycle_config_name",
    "IDLE_TIMEOUT_RANGE",
]

#: SageMaker's limits for JupyterLab idle shutdown (minutes).
IDLE_TIMEOUT_RANGE = (60, 525600)
#: Priority of ABAC tags (team, owner): above the default 100 of stage-wide tags.
ABAC_TAG_PRIORITY = 300
#: StudioLifecycleConfigContent is at most 16384 characters (base64); the name at most 63
#: (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateStudioLifecycleConfig.html).
LIFECYCLE_CONTENT_LIMIT = 16384
LIFECYCLE_NAME_LIMIT = 63
#: Characters of the content digest in a lifecycle configuration's name.
LIFECYCLE_DIGEST_LENGTH = 10
#: What a CDK token in the script is assumed to resolve to at most, for the size estimate (ARNs,
#: ids and bucket names are shorter).
TOKEN_ESTIMATE = 128
#: Lifecycle configurations run for these Studio apps (CloudFormation app type -> name part).
LIFECYCLE_APP_TYPES: Mapping[str, str] = {"JupyterLab": "jl", "CodeEditor": "ce"}
#: SDK config sections whose create calls carry the ``Tags`` of :func:`sdk_defaults` (the SDK appends
#: ``SageMaker.<API>.Tags``; TrainingJob's also go to tuning jobs).
TAGGED_SDK_APIS = ("TrainingJob", "ProcessingJob", "TransformJob", "Model", "EndpointConfig", "Endpoint",
                   "MonitoringSchedule", "Pipeline")
#: Where the lifecycle script installs the SDK's user config, and the variant without volume keys.
SDK_CONFIG_PATH = "$HOME/.config/sagemaker/config.yaml"
INSTANCE_STORAGE_CONFIG_PATH = "$HOME/.config/sagemaker/instance-storage/config.yaml"

_TOKEN_RE = re.compile(r"\$\{Token\[[^\]]+\]\}")


def sdk_defaults(
    *,
    subnet_ids: Sequence[str],
    security_group_ids: Sequence[str],
    volume_key_arn: str,
    output_key_arn: str,
    network_isolation: bool = True,
    bucket_name: str | None = None,
    key_prefix: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> dict:
    """The SageMaker Python SDK's defaults ("intelligent defaults", ``~/.config/sagemaker/config.yaml``):
    every training, processing and transform job, model, endpoint config and monitoring schedule
    started from Studio gets the VPC, keys, network isolation and inter-container encryption the
    guardrails require, without the data scientist typing any of it. Values may be CDK tokens.

    :param bucket_name, key_prefix: the SDK's default bucket and key prefix
        (``SageMaker.PythonSDK.Modules.Session.DefaultS3Bucket`` / ``DefaultS3ObjectKeyPrefix``):
        code and output of jobs without an explicit S3 path go to ``s3://<bucket>/<prefix>/...``
        instead of ``sagemaker-<region>-<account>``, which the platform's roles cannot create or use.
    :param tags: added to every create call of :data:`TAGGED_SDK_APIS` (``SageMaker.<API>.Tags``),
        so the ABAC create statements (``aws:RequestTag/<team key>``) match.

    Keys as documented by the SDK:
    https://sagemaker.readthedocs.io/en/stable/overview.html#configuring-and-using-defaults-with-the-sagemaker-python-sdk
    """
    vpc = {"Subnets": list(subnet_ids), "SecurityGroupIds": list(security_group_ids)}
    network = {"EnableNetworkIsolation": network_isolation, "EnableInterContainerTrafficEncryption": True,
               "VpcConfig": vpc}
    sagemaker_defaults: dict[str, Any] = {}
    if bucket_name is not None:
        session: dict[str, str] = {"DefaultS3Bucket": bucket_name}
        if key_prefix:
            session["DefaultS3ObjectKeyPrefix"] = key_prefix
        sagemaker_defaults["PythonSDK"] = {"Modules": {"Session": session}}
    sagemaker_defaults.update({
        "TrainingJob": {
            "EnableNetworkIsolation": network_isolation,
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": vpc,
            "OutputDataConfig": {"KmsKeyId": output_key_arn},
            "ResourceConfig": {"VolumeKmsKeyId": volume_key_arn},
        },
        "ProcessingJob": {
            "NetworkConfig": network,
            "ProcessingOutputConfig": {"KmsKeyId": output_key_arn},
            "ProcessingResources": {"ClusterConfig": {"VolumeKmsKeyId": volume_key_arn}},
        },
        "TransformJob": {
            "DataCaptureConfig": {"KmsKeyId": output_key_arn},
            "TransformOutput": {"KmsKeyId": output_key_arn},
            "TransformResources": {"VolumeKmsKeyId": volume_key_arn},
        },
        "Model": {"EnableNetworkIsolation": network_isolation, "VpcConfig": vpc},
        "EndpointConfig": {"KmsKeyId": volume_key_arn, "DataCaptureConfig": {"KmsKeyId": output_key_arn}},
        "MonitoringSchedule": {
            "MonitoringScheduleConfig": {
                "MonitoringJobDefinition": {
                    "NetworkConfig": network,
                    "MonitoringOutputConfig": {"KmsKeyId": output_key_arn},
                    "MonitoringResources": {"ClusterConfig": {"VolumeKmsKeyId": volume_key_arn}},
                }
            }
        },
    })
    if tags:
        tag_list = [{"Key": key, "Value": value} for key, value in tags.items()]
        for api in TAGGED_SDK_APIS:
            sagemaker_defaults.setdefault(api, {})["Tags"] = copy.deepcopy(tag_list)
    return {"SchemaVersion": "1.0", "SageMaker": sagemaker_defaults}


def instance_storage_defaults(defaults: dict) -> dict:
    """``defaults`` without any volume key, for jobs on instance-store types (ml.g5, ml.p4d, ...).

    SageMaker refuses a ``VolumeKmsKeyId`` on instance types with local storage, whose NVMe volumes
    the hardware encrypts
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingClusterConfig.html).
    The SDK drops a config volume key itself only for training jobs and endpoint configs, and passes
    the processing, transform and monitoring ones on whatever the type, so those jobs on
    instance-store types need this variant (docs/studio.md). The guardrails let a job without a
    volume key through only when every instance type it asks for is an instance-store type.
    """
    def strip(node: Any, path: tuple[str, ...]) -> Any:
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "VolumeKmsKeyId" or (path == ("SageMaker", "EndpointConfig") and key == "KmsKeyId"):
                continue
            value = strip(value, (*path, key))
            if isinstance(value, dict) and not value:
                continue
            out[key] = value
        return out

    return strip(copy.deepcopy(defaults), ())


def sdk_defaults_yaml(defaults: dict) -> str:
    """``defaults`` as YAML (tokens stay inside the strings; CDK turns them into Fn::Join)."""
    return yaml.safe_dump(defaults, sort_keys=False, width=100000, default_flow_style=False)


def sdk_defaults_script(defaults_yaml: str, instance_storage_yaml: str | None = None) -> str:
    """A Studio lifecycle script that installs ``defaults_yaml`` as the SDK's user config and, when
    given, ``instance_storage_yaml`` as the variant for instance-store types."""
    script = (
        "#!/bin/bash\n"
        "# Installed by cdk-secure-ml: SageMaker Python SDK defaults that satisfy the platform guardrails.\n"
        "set -euo pipefail\n"
        'mkdir -p "$HOME/.config/sagemaker"\n'
        f"cat > \"{SDK_CONFIG_PATH}\" <<'SECURE_ML_DEFAULTS'\n"
        f"{defaults_yaml}"
        "SECURE_ML_DEFAULTS\n"
    )
    if instance_storage_yaml is not None:
        script += (
            "# Jobs on instance-store types (ml.g5, ...): SAGEMAKER_USER_CONFIG_OVERRIDE=<this file>.\n"
            'mkdir -p "$HOME/.config/sagemaker/instance-storage"\n'
            f"cat > \"{INSTANCE_STORAGE_CONFIG_PATH}\" <<'SECURE_ML_DEFAULTS'\n"
            f"{instance_storage_yaml}"
            "SECURE_ML_DEFAULTS\n"
        )
    return script


def estimated_content_length(script: str) -> int:
    """The base64 length of ``script`` once deployed, each CDK token counted as
    :data:`TOKEN_ESTIMATE` characters (its value is not known at synth)."""
    raw = len(_TOKEN_RE.sub("", script).encode()) + TOKEN_ESTIMATE * len(_TOKEN_RE.findall(script))
    return 4 * math.ceil(raw / 3)


def lifecycle_config_name(prefix: str, digest: str) -> str:
    """``<prefix>-<digest>`` within SageMaker's 63 characters and name pattern: a long prefix is
    cut, never the digest, so the name still changes with the content."""
    cleaned = re.sub(r"-+", "-", re.sub(r"[^a-zA-Z0-9-]", "-", prefix)).strip("-")
    room = LIFECYCLE_NAME_LIMIT - 1 - len(digest)
    cleaned = cleaned[:room].rstrip("-")
    return f"{cleaned}-{digest}" if cleaned else digest


@jsii.implements(IStringProducer)
class _LifecycleConfigName:
    """``<prefix>-<digest>`` of a lifecycle config's content and tags as synthesized. The seed carries the
    construct's path, which keeps equal defaults apart (a large team's slices in two stacks, a long prefix cut
    short)."""

    def __init__(
        self, prefix: str, seed: str, script: str, config: sagemaker.CfnStudioLifecycleConfig
    ) -> None:
        self._prefix, self._seed, self._script, self._config = prefix, seed, script, config

    def produce(self, context: IResolveContext) -> str:
        # The type is taggable through cdkTagManager (TagManager.isTaggableV2), not ``tags``.
        resolved = context.resolve(
            {"content": self._script, "tags": self._config.cdk_tag_manager.render_tags()}
        )
        seed = f"{self._seed}\n{json.dumps(resolved, sort_keys=True, default=str)}"
        return lifecycle_config_name(
            self._prefix, hashlib.sha256(seed.encode()).hexdigest()[:LIFECYCLE_DIGEST_LENGTH]
        )


class SdkDefaultsLifecycleConfigs(Construct):
    """The SDK defaults as Studio lifecycle configurations, one per app type (JupyterLab, Code
    Editor: each space has its own home volume, so each app installs the file itself).

    A Studio lifecycle configuration cannot be updated: every property is create-only, so any
    change replaces it, and CloudFormation cannot replace a resource whose custom name stays the
    same (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html).
    The name therefore ends with a digest of the content (as CloudFormation sees it: references to
    other resources by logical id), so a change to the defaults creates a config with a new name
    and the domain or profiles that list it move to it. Referrers must live in the same stack:
    a cross-stack reference (an export) would not change the referrer's template when the name changes, and
    CloudFormation refuses to change an export another stack imports.

    Retained: SageMaker refuses to delete a configuration that a domain or user profile still lists
    or that a running app uses
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteStudioLifecycleConfig.html),
    and the domain and profiles are retained; docs/studio.md lists the clean-up.

    :param name_prefix: the names are ``<prefix>-<jl|ce>-<digest>``, cut to 63 characters; the
        digest covers the content, the tags (also create-only), the app type and this construct's path.
    :param defaults: the SDK defaults (:func:`sdk_defaults`).

    Attributes: ``configs`` (app type ``JupyterLab`` / ``CodeEditor`` ->
    ``sagemaker.CfnStudioLifecycleConfig``), ``jupyter_lab`` and ``code_editor`` (those two), ``defaults``
    (``dict``, the SageMaker Python SDK defaults the script writes), ``script`` (``str``, the lifecycle
    script).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name_prefix: str,
        defaults: dict,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        self.defaults = defaults
        self.script = sdk_defaults_script(
            sdk_defaults_yaml(defaults), sdk_defaults_yaml(instance_storage_defaults(defaults))
        )
        estimate = estimated_content_length(self.script)
        if estimate > LIFECYCLE_CONTENT_LIMIT:
            raise ValueError(
                f"SdkDefaultsLifecycleConfigs {name_prefix!r}: the SDK defaults script is about {estimate} "
                f"characters once base64-encoded, over SageMaker's {LIFECYCLE_CONTENT_LIMIT} for a lifecycle "
                "configuration; pass fewer subnets, security groups or tags in the defaults"
            )
        self.configs: dict[str, sagemaker.CfnStudioLifecycleConfig] = {}
        for app_type, short in LIFECYCLE_APP_TYPES.items():
            config = sagemaker.CfnStudioLifecycleConfig(
                self,
                app_type,
                studio_lifecycle_config_app_type=app_type,
                studio_lifecycle_config_name="placeholder",  # replaced below: it depends on the tags
                studio_lifecycle_config_content=Fn.base64(self.script),
            )
            # Tags are create-only too, and are applied by aspects after this constructor (stage-wide tags):
            # the name is computed at synth time, from the content and the tags the resource ends up with.
            config.studio_lifecycle_config_name = Lazy.uncached_string(
                _LifecycleConfigName(
                    f"{name_prefix}-{short}",
                    f"{self.node.path}\n{name_prefix}\n{app_type}",
                    self.script,
                    config,
                )
            )
            config.apply_removal_policy(removal_policy)
            self.configs[app_type] = config

    @property
    def jupyter_lab(self) -> sagemaker.CfnStudioLifecycleConfig:
        """The JupyterLab lifecycle configuration."""
        return self.configs["JupyterLab"]

    @property
    def code_editor(self) -> sagemaker.CfnStudioLifecycleConfig:
        """The Code Editor lifecycle configuration."""
        return self.configs["CodeEditor"]

    def arn(self, app_type: str) -> str:
        """The ARN of the configuration for ``app_type`` (its ``Fn::GetAtt``, not a built string)."""
        return self.configs[app_type].attr_studio_lifecycle_config_arn


class SecureStudioDomain(Construct):
    """A SageMaker Studio domain that reaches AWS only through the VPC's endpoints.

    - ``AppNetworkAccessType=VpcOnly`` on the given subnets and security groups;
    - the domain KMS key encrypts the home EFS and the apps' EBS volumes;
    - default user settings: the given execution role, notebook sharing off (or to an encrypted
      bucket), JupyterLab and Code Editor idle shutdown, the SDK-defaults lifecycle configurations
      run by default, Docker access off, execution-role source identity = user profile name
      (CloudTrail shows who; every execution role must then trust ``sts:SetSourceIdentity``, see
      :func:`cdk_secure_ml.constructs.identity.add_source_identity_trust`);
    - default space settings: the space execution role and the same security groups (shared
      spaces are denied by the platform's guardrails; these settings keep any space an
      administrator creates on the platform's network);
    - domain tags propagate to resources created from Studio (ABAC);
    - RETAIN by default: deleting the stack leaves the domain and its home EFS (SageMaker also
      retains the EFS when a domain is deleted). See docs/studio.md for the teardown path.

    :param vpc, subnets, security_groups: where apps run (2+ AZs); groups get the rules Studio needs.
    :param encryption_key: the volumes key.
    :param default_execution_role: execution role of profiles that do not set their own.
    :param default_space_execution_role: the role of shared spaces (``DefaultSpaceSettings``);
        default: ``default_execution_role``.
    :param auth_mode: ``IAM`` (presigned URLs) or ``SSO`` (IAM Identity Center).
    :param idle_timeout_minutes: JupyterLab and Code Editor apps shut down after this idle time
        (60–525600).
    :param sharing_bucket, sharing_key: allow notebook sharing to this bucket (encrypted with the
        key); None (default) turns sharing off.
    :param sdk_defaults: the SDK defaults (see :func:`sdk_defaults`) of profiles that do not set
        their own, installed for every JupyterLab and Code Editor app by lifecycle configurations;
        None skips them. Profiles get their team's with :meth:`add_sdk_defaults`.

    Attributes: ``domain`` (``sagemaker.CfnDomain``; L1, aws-cdk-lib has no L2), ``domain_id`` and
    ``domain_arn`` (``str``), ``domain_name`` (``str``), ``security_groups`` (``list[ec2.ISecurityGroup]`` of
    its apps), ``idle_timeout_minutes`` (``int``), ``sdk_defaults`` (``dict``, set only when given),
    ``sdk_lifecycle_configs`` (``SdkDefaultsLifecycleConfigs | None``) and ``lifecycle_config`` (their
    JupyterLab one, or None).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain_name: str,
        vpc: ec2.IVpc,
        subnets: Sequence[ec2.ISubnet],
        security_groups: Sequence[ec2.ISecurityGroup],
        encryption_key: kms.IKey,
        default_execution_role: iam.IRole,
        default_space_execution_role: iam.IRole | None = None,
        auth_mode: Literal["IAM", "SSO"] = "IAM",
        idle_timeout_minutes: int = 60,
        sharing_bucket: s3.IBucket | None = None,
        sharing_key: kms.IKey | None = None,
        sdk_defaults: dict | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        problems = []
        if not SAGEMAKER_NAME_RE.match(domain_name):
            problems.append(
                f"domain_name {domain_name!r} must be letters, digits and single hyphens (max 63)"
            )
        if auth_mode not in ("IAM", "SSO"):
            problems.append(f"auth_mode {auth_mode!r} is not IAM or SSO")
        low, high = IDLE_TIMEOUT_RANGE
        if not low <= idle_timeout_minutes <= high:
            problems.append(f"idle_timeout_minutes {idle_timeout_minutes} is outside {low}-{high}")
        if len(subnets) < 1:
            problems.append("subnets is empty; pass the isolated subnets of the ML network")
        if not security_groups:
            problems.append("security_groups is empty; pass a workload security group of the ML network")
        if (sharing_bucket is None) != (sharing_key is None):
            problems.append(
                "notebook sharing needs both sharing_bucket and sharing_key (an encrypted bucket)"
            )
        if problems:
            raise ValueError("SecureStudioDomain: " + "; ".join(problems))

        self.domain_name = domain_name
        self.security_groups = wire_studio_groups(self, security_groups, vpc)
        self.idle_timeout_minutes = idle_timeout_minutes
        #: The domain's own SDK-defaults configurations (None without ``sdk_defaults``).
        self.sdk_lifecycle_configs: SdkDefaultsLifecycleConfigs | None = None
        #: The JupyterLab one (kept for callers of earlier versions).
        self.lifecycle_config: sagemaker.CfnStudioLifecycleConfig | None = None
        if sdk_defaults is not None:
            self.sdk_defaults = sdk_defaults
            self.sdk_lifecycle_configs = self.add_sdk_defaults(
                self, "SdkDefaults", label="domain", defaults=sdk_defaults
            )
            self.lifecycle_config = self.sdk_lifecycle_configs.jupyter_lab

        sharing = sagemaker.CfnDomain.SharingSettingsProperty(notebook_output_option="Disabled")
        if sharing_bucket is not None and sharing_key is not None:
            sharing = sagemaker.CfnDomain.SharingSettingsProperty(
                notebook_output_option="Allowed",
                s3_output_path=sharing_bucket.s3_url_for_object("shared-notebooks"),
                s3_kms_key_id=sharing_key.key_arn,
            )

        group_ids = [g.security_group_id for g in security_groups]
        lifecycle = self.sdk_lifecycle_configs
        # L1: aws-cdk-lib has no L2 for SageMaker domains.
        self.domain = sagemaker.CfnDomain(
            self,
            "Resource",
            domain_name=domain_name,
            auth_mode=auth_mode,
            app_network_access_type="VpcOnly",
            vpc_id=vpc.vpc_id,
            subnet_ids=[s.subnet_id for s in subnets],
            kms_key_id=encryption_key.key_arn,
            tag_propagation="ENABLED",
            domain_settings=sagemaker.CfnDomain.DomainSettingsProperty(
                security_group_ids=group_ids,
                docker_settings=sagemaker.CfnDomain.DockerSettingsProperty(enable_docker_access="DISABLED"),
                execution_role_identity_config="USER_PROFILE_NAME",
            ),
            default_user_settings=sagemaker.CfnDomain.UserSettingsProperty(
                execution_role=default_execution_role.role_arn,
                security_groups=group_ids,
                sharing_settings=sharing,
                studio_web_portal="ENABLED",
                default_landing_uri="studio::",
                jupyter_lab_app_settings=sagemaker.CfnDomain.JupyterLabAppSettingsProperty(
                    **self._app_settings(sagemaker.CfnDomain, lifecycle, "JupyterLab")
                ),
                code_editor_app_settings=sagemaker.CfnDomain.CodeEditorAppSettingsProperty(
                    **self._app_settings(sagemaker.CfnDomain, lifecycle, "CodeEditor")
                ),
            ),
            # Shared spaces run as this role (https://docs.aws.amazon.com/sagemaker/latest/dg/
            # execution-roles-and-spaces.html); the platform denies creating them, and these
            # settings keep any an administrator creates on the platform's security groups.
            default_space_settings=sagemaker.CfnDomain.DefaultSpaceSettingsProperty(
                execution_role=(default_space_execution_role or default_execution_role).role_arn,
                security_groups=group_ids,
            ),
        )
        self.domain.apply_removal_policy(removal_policy)

        # The teardown path needs these ids (docs/studio.md).
        CfnOutput(self, "DomainId", value=self.domain.attr_domain_id)
        CfnOutput(
            self,
            "HomeEfsFileSystemId",
            value=self.domain.attr_home_efs_file_system_id,
            description="Retained home EFS: delete its mount targets, then the file system, after the domain",
        )
        CfnOutput(self, "SecurityGroupIds", value=",".join(group_ids))

    # ------------------------------------------------------------------------------------------

    @property
    def domain_id(self) -> str:
        """The domain id (``d-...``), ``Fn::GetAtt DomainId``."""
        return self.domain.attr_domain_id

    @property
    def domain_arn(self) -> str:
        """The domain ARN, ``Fn::GetAtt DomainArn``."""
        return self.domain.attr_domain_arn

    def _app_settings(
        self, cfn: Any, lifecycle: SdkDefaultsLifecycleConfigs | None, app_type: str, idle: bool = True
    ) -> dict:
        """Keyword arguments of a JupyterLab / Code Editor app settings property of ``cfn``
        (CfnDomain or CfnUserProfile): idle shutdown (domain level only: CloudFormation's
        UserProfile schema has no AppLifecycleManagement) and, with ``lifecycle``, its
        configuration for ``app_type`` as the default and only one."""
        low, _ = IDLE_TIMEOUT_RANGE
        timeout = self.idle_timeout_minutes
        settings: dict[str, Any] = {}
        if idle:
            settings["app_lifecycle_management"] = cfn.AppLifecycleManagementProperty(
                idle_settings=cfn.IdleSettingsProperty(
                    lifecycle_management="ENABLED",
                    idle_timeout_in_minutes=timeout,
                    min_idle_timeout_in_minutes=low,
                    max_idle_timeout_in_minutes=max(timeout, low),
                )
            )
        if lifecycle is not None:
            arn = lifecycle.arn(app_type)
            settings["lifecycle_config_arns"] = [arn]
            settings["default_resource_spec"] = cfn.ResourceSpecProperty(lifecycle_config_arn=arn)
        return settings

    def add_sdk_defaults(
        self,
        scope: Construct,
        construct_id: str,
        *,
        label: str,
        defaults: dict,
    ) -> SdkDefaultsLifecycleConfigs:
        """Lifecycle configurations installing ``defaults`` (a team's), named
        ``<domain>-<label>-<jl|ce>-<digest>``. Create them in the stack of the profiles that use
        them (:meth:`add_user_profile` ``sdk_defaults``)."""
        return SdkDefaultsLifecycleConfigs(
            scope, construct_id, name_prefix=f"{self.domain_name}-{label}", defaults=defaults
        )

    def add_user_profile(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_name: str,
        execution_role: iam.IRole | None = None,
        tags: Mapping[str, str] = {},
        sso_user_name: str | None = None,
        sdk_defaults: SdkDefaultsLifecycleConfigs | None = None,
        personas: MlPersonas | None = None,
        persona: str | None = None,
        team: str | None = None,
    ) -> sagemaker.CfnUserProfile:
        """A user profile for ``user_name`` with its own execution role and this domain's security
        groups. ``scope`` may be another stack (profiles at scale are spread over stacks).

        :param personas, persona, team: the :class:`MlPersonas` whose execution role of ``persona``
            (``data-scientist`` or ``ml-engineer``) and ``team`` the profile runs as; the profile is
            tagged ``<team tag key>=team``, ``owner=user_name``, ``secure-ml:persona=persona`` (plus
            ``tags``). Recommended: the ABAC team tag then always matches the role's.
        :param execution_role: instead of ``personas``: the role itself. A tag key the role carries
            itself (MlPersonas' roles carry the team and persona) must have the same value in ``tags``.
        :param tags: extra tags (ABAC priority, above stage-wide tags).
        :param sdk_defaults: the user's team's SDK defaults (:meth:`add_sdk_defaults`), run by
            default in the user's JupyterLab and Code Editor apps; they must be in ``scope``'s stack.
            None: the domain's.
        :raises ValueError: a bad profile name; a team or persona tag that differs from the role's;
            ``execution_role`` and ``personas`` both or neither (:func:`profile_role_and_tags`).
        """
        if not Token.is_unresolved(user_name) and not SAGEMAKER_NAME_RE.match(user_name):
            raise ValueError(
                f"user profile name {user_name!r} is invalid: letters, digits and single hyphens, up to 63 "
                "characters, starting and ending with a letter or digit"
            )
        if sdk_defaults is not None and Stack.of(sdk_defaults) is not Stack.of(scope):
            raise ValueError(
                f"user profile {user_name!r}: its sdk_defaults are in stack "
                f"{Stack.of(sdk_defaults).node.path!r}, the profile in {Stack.of(scope).node.path!r}; create "
                "them in the profile's stack "
                "(add_sdk_defaults(scope, ...)) so a change to the defaults updates the profile"
            )
        execution_role, tags = profile_role_and_tags(
            user_name=user_name, execution_role=execution_role, tags=tags, personas=personas,
            persona=persona, team=team,
        )
        if self.domain.auth_mode == "SSO" and not sso_user_name:
            sso_user_name = user_name
        app_settings: dict[str, Any] = {}
        if sdk_defaults is not None:
            cfn = sagemaker.CfnUserProfile
            app_settings = {
                "jupyter_lab_app_settings": cfn.JupyterLabAppSettingsProperty(
                    **self._app_settings(cfn, sdk_defaults, "JupyterLab", idle=False)
                ),
                "code_editor_app_settings": cfn.CodeEditorAppSettingsProperty(
                    **self._app_settings(cfn, sdk_defaults, "CodeEditor", idle=False)
                ),
            }
        profile = sagemaker.CfnUserProfile(
            scope,
            construct_id,
            domain_id=self.domain_id,
            user_profile_name=user_name,
            single_sign_on_user_identifier="UserName" if self.domain.auth_mode == "SSO" else None,
            single_sign_on_user_value=sso_user_name if self.domain.auth_mode == "SSO" else None,
            user_settings=sagemaker.CfnUserProfile.UserSettingsProperty(
                execution_role=execution_role.role_arn,
                security_groups=[g.security_group_id for g in self.security_groups],
                **app_settings,
            ),
        )
        # ABAC tags must win over stage-wide tags with the same key (higher aspect priority).
        for key, value in tags.items():
            Tags.of(profile).add(key, value, priority=ABAC_TAG_PRIORITY)
        # A profile cannot be deleted while its apps run; keep it with the domain on stack delete.
        profile.apply_removal_policy(RemovalPolicy.RETAIN)
        return profile
