"""SecureStudioDomain: a VPC-only SageMaker Studio domain, its user profiles and secure SDK defaults."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

import yaml
from aws_cdk import CfnOutput, Fn, RemovalPolicy, Stack, Tags, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

#: SageMaker resource names (domains, user profiles, model package groups, ...): letters, digits and
#: hyphens, 1-63 characters, starting and ending with a letter or digit.
SAGEMAKER_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
#: SageMaker's limits for JupyterLab idle shutdown (minutes).
IDLE_TIMEOUT_RANGE = (60, 525600)
#: Priority of ABAC tags (team, owner): above the default 100 of stage-wide tags.
ABAC_TAG_PRIORITY = 300
#: StudioLifecycleConfigContent is at most 16384 characters (base64).
LIFECYCLE_CONTENT_LIMIT = 16384


def sdk_defaults(
    *,
    subnet_ids: Sequence[str],
    security_group_ids: Sequence[str],
    volume_key_arn: str,
    output_key_arn: str,
    network_isolation: bool = True,
) -> dict:
    """The SageMaker Python SDK's defaults ("intelligent defaults", ``~/.config/sagemaker/config.yaml``):
    every training, processing and transform job, model, endpoint config and monitoring schedule
    started from Studio gets the VPC, keys, network isolation and inter-container encryption the
    guardrails require, without the data scientist typing any of it. Values may be CDK tokens."""
    vpc = {"Subnets": list(subnet_ids), "SecurityGroupIds": list(security_group_ids)}
    network = {"EnableNetworkIsolation": network_isolation, "EnableInterContainerTrafficEncryption": True,
               "VpcConfig": vpc}
    return {
        "SchemaVersion": "1.0",
        "SageMaker": {
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
        },
    }


def sdk_defaults_yaml(defaults: dict) -> str:
    """``defaults`` as YAML (tokens stay inside the strings; CDK turns them into Fn::Join)."""
    return yaml.safe_dump(defaults, sort_keys=False, width=100000, default_flow_style=False)


def sdk_defaults_script(defaults_yaml: str) -> str:
    """A JupyterLab lifecycle script that installs ``defaults_yaml`` as the SDK's user config."""
    return (
        "#!/bin/bash\n"
        "# Installed by cdk-secure-ml: SageMaker Python SDK defaults that satisfy the platform guardrails.\n"
        "set -euo pipefail\n"
        'mkdir -p "$HOME/.config/sagemaker"\n'
        "cat > \"$HOME/.config/sagemaker/config.yaml\" <<'SECURE_ML_DEFAULTS'\n"
        f"{defaults_yaml}"
        "SECURE_ML_DEFAULTS\n"
    )


class SecureStudioDomain(Construct):
    """A SageMaker Studio domain that reaches AWS only through the VPC's endpoints.

    - ``AppNetworkAccessType=VpcOnly`` on the given subnets and security groups;
    - the domain KMS key encrypts the home EFS and the apps' EBS volumes;
    - default user settings: the given execution role, notebook sharing off (or to an encrypted
      bucket), JupyterLab idle shutdown, the SDK-defaults lifecycle configuration run by default,
      Docker access off, execution-role source identity = user profile name (CloudTrail shows who);
    - domain tags propagate to resources created from Studio (ABAC);
    - RETAIN by default: deleting the stack leaves the domain and its home EFS (SageMaker also
      retains the EFS when a domain is deleted). See docs/studio.md for the teardown path.

    :param vpc, subnets, security_groups: where apps run (2+ subnets in distinct AZs recommended).
    :param encryption_key: the volumes key.
    :param default_execution_role: execution role of profiles that do not set their own.
    :param auth_mode: ``IAM`` (presigned URLs) or ``SSO`` (IAM Identity Center).
    :param idle_timeout_minutes: JupyterLab apps shut down after this idle time (60–525600).
    :param sharing_bucket, sharing_key: allow notebook sharing to this bucket (encrypted with the
        key); None (default) turns sharing off.
    :param sdk_defaults: the SDK defaults (see :func:`sdk_defaults`), installed for every JupyterLab
        app by a lifecycle configuration; None skips it.
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
            problems.append(f"domain_name {domain_name!r} must be letters, digits and single hyphens (max 63)")
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
            problems.append("notebook sharing needs both sharing_bucket and sharing_key (an encrypted bucket)")
        if problems:
            raise ValueError("SecureStudioDomain: " + "; ".join(problems))

        stack = Stack.of(self)
        self.domain_name = domain_name
        self.security_groups = list(security_groups)
        self.lifecycle_config: sagemaker.CfnStudioLifecycleConfig | None = None
        lifecycle_arns: list[str] = []
        if sdk_defaults is not None:
            self.sdk_defaults = sdk_defaults
            content = Fn.base64(sdk_defaults_script(sdk_defaults_yaml(sdk_defaults)))
            self.lifecycle_config = sagemaker.CfnStudioLifecycleConfig(
                self,
                "SdkDefaults",
                studio_lifecycle_config_app_type="JupyterLab",
                studio_lifecycle_config_name=f"{domain_name}-sdk-defaults",
                studio_lifecycle_config_content=content,
            )
            lifecycle_arns = [
                f"arn:{stack.partition}:sagemaker:{stack.region}:{stack.account}:studio-lifecycle-config/"
                f"{domain_name}-sdk-defaults"
            ]

        sharing = sagemaker.CfnDomain.SharingSettingsProperty(notebook_output_option="Disabled")
        if sharing_bucket is not None and sharing_key is not None:
            sharing = sagemaker.CfnDomain.SharingSettingsProperty(
                notebook_output_option="Allowed",
                s3_output_path=sharing_bucket.s3_url_for_object("shared-notebooks"),
                s3_kms_key_id=sharing_key.key_arn,
            )

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
                security_group_ids=[g.security_group_id for g in security_groups],
                docker_settings=sagemaker.CfnDomain.DockerSettingsProperty(enable_docker_access="DISABLED"),
                execution_role_identity_config="USER_PROFILE_NAME",
            ),
            default_user_settings=sagemaker.CfnDomain.UserSettingsProperty(
                execution_role=default_execution_role.role_arn,
                security_groups=[g.security_group_id for g in security_groups],
                sharing_settings=sharing,
                studio_web_portal="ENABLED",
                default_landing_uri="studio::",
                jupyter_lab_app_settings=sagemaker.CfnDomain.JupyterLabAppSettingsProperty(
                    app_lifecycle_management=sagemaker.CfnDomain.AppLifecycleManagementProperty(
                        idle_settings=sagemaker.CfnDomain.IdleSettingsProperty(
                            lifecycle_management="ENABLED",
                            idle_timeout_in_minutes=idle_timeout_minutes,
                            min_idle_timeout_in_minutes=low,
                            max_idle_timeout_in_minutes=max(idle_timeout_minutes, low),
                        )
                    ),
                    lifecycle_config_arns=lifecycle_arns or None,
                    default_resource_spec=sagemaker.CfnDomain.ResourceSpecProperty(
                        lifecycle_config_arn=lifecycle_arns[0]
                    )
                    if lifecycle_arns
                    else None,
                ),
            ),
        )
        self.domain.apply_removal_policy(removal_policy)
        if self.lifecycle_config is not None:
            self.domain.node.add_dependency(self.lifecycle_config)

        # The teardown path needs these ids (docs/studio.md).
        CfnOutput(self, "DomainId", value=self.domain.attr_domain_id)
        CfnOutput(self, "HomeEfsFileSystemId", value=self.domain.attr_home_efs_file_system_id,
                  description="Retained home EFS: delete its mount targets, then the file system, after the domain")
        CfnOutput(self, "SecurityGroupIds", value=",".join(g.security_group_id for g in security_groups))

    # ------------------------------------------------------------------------------------------

    @property
    def domain_id(self) -> str:
        return self.domain.attr_domain_id

    @property
    def domain_arn(self) -> str:
        return self.domain.attr_domain_arn

    def add_user_profile(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_name: str,
        execution_role: iam.IRole,
        tags: Mapping[str, str] = {},
        sso_user_name: str | None = None,
    ) -> sagemaker.CfnUserProfile:
        """A user profile for ``user_name`` with its own execution role and this domain's security
        groups. ``scope`` may be another stack (profiles at scale are spread over stacks)."""
        if not Token.is_unresolved(user_name) and not SAGEMAKER_NAME_RE.match(user_name):
            raise ValueError(
                f"user profile name {user_name!r} is invalid: letters, digits and single hyphens, up to 63 "
                "characters, starting and ending with a letter or digit"
            )
        if self.domain.auth_mode == "SSO" and not sso_user_name:
            sso_user_name = user_name
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
            ),
        )
        # ABAC tags must win over stage-wide tags with the same key (higher aspect priority).
        for key, value in tags.items():
            Tags.of(profile).add(key, value, priority=ABAC_TAG_PRIORITY)
        # A profile cannot be deleted while its apps run; keep it with the domain on stack delete.
        profile.apply_removal_policy(RemovalPolicy.RETAIN)
        return profile
