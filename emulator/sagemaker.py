"""SageMaker: AWS::SageMaker::Domain and DataQualityJobDefinition (placeholders in moto 5.2), Model
and NotebookInstance completed, through moto's SageMaker backend; UserProfile, StudioLifecycleConfig
and MonitoringSchedule through the emulator's own stand-in API (:mod:`emulator.sagemaker_standins`).

moto's own Model model drops EnableNetworkIsolation and ModelName; its NotebookInstance model keeps
only the instance type and role (no subnet, security groups, KMS key, DirectInternetAccess,
RootAccess). The adapters pass every property moto's backend stores. moto stores no
InstanceMetadataServiceConfiguration; the stand-in keeps it on moto's notebook object and adds it
to DescribeNotebookInstance.

moto 5.2.5 has no API at all for user profiles, Studio lifecycle configs and monitoring schedules
(no backend, no handler). Their adapters are stand-ins: they create the resource in the stand-in
store, which answers boto3's Describe/List/Delete calls; the demo labels them "[emulator stand-in]".
AWS::SageMaker::Space has neither and stays unimplemented (the demo would report it as skipped;
the platform creates no spaces: users create their own private ones from Studio).

Updates follow CloudFormation's update behaviours: a domain and a user profile update their settings
in place (a create-only property replaces them), a Studio lifecycle config is always replaced.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from moto.core.common_models import CloudFormationModel
from moto.sagemaker.models import FakeSagemakerNotebookInstance, Model, sagemaker_backends

from . import sagemaker_standins as standins
from ._base import AdapterMixin, adapter, as_bool, cfn_tags, stand_in
from .refusals import Refused, refuse

#: Keys of SageMaker property structures that are booleans or integers in the API; CloudFormation
#: may pass them as strings.
_BOOLEAN_KEYS = {"EnableNetworkIsolation", "EnableInterContainerTrafficEncryption", "EnableCapture"}
_INTEGER_KEYS = {"InstanceCount", "VolumeSizeInGB", "MaxRuntimeInSeconds"}


def install() -> None:
    """The stand-in API (moto's SageMakerResponse gains the actions moto lacks)."""
    standins.install()


def api_typed(value: Any) -> Any:
    """A CloudFormation property structure with the API's booleans and integers."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _BOOLEAN_KEYS:
                out[key] = as_bool(item)
            elif key in _INTEGER_KEYS and isinstance(item, str) and item.strip().isdigit():
                out[key] = int(item)
            else:
                out[key] = api_typed(item)
        return out
    if isinstance(value, list):
        return [api_typed(item) for item in value]
    return value


def sagemaker_name(generated: str) -> str:
    """A name CloudFormation generates for a SageMaker resource: at most 63 characters of
    ``[a-zA-Z0-9-]``, the random suffix kept (moto's is ``<stack>-<logical id>-<suffix>``)."""
    name = re.sub(r"[^a-zA-Z0-9-]", "-", generated)
    if len(name) > 63:
        head, _, suffix = name.rpartition("-")
        suffix = suffix[:20]
        name = f"{head[:62 - len(suffix)].rstrip('-')}-{suffix}"
    return name.strip("-")


@adapter
class Domain(AdapterMixin, CloudFormationModel):
    def __init__(self, domain_id: str, description: dict[str, Any]) -> None:
        self.physical_id = domain_id
        self.DomainId = domain_id
        self.DomainArn = description["DomainArn"]
        self.Url = description.get("Url")
        self.HomeEfsFileSystemId = description.get("HomeEfsFileSystemId")
        self.SecurityGroupIdForDomainBoundary = description.get("SecurityGroupIdForDomainBoundary")
        self.SingleSignOnManagedApplicationInstanceId = description.get("SingleSignOnManagedApplicationInstanceId")
        self.SingleSignOnApplicationArn = description.get("SingleSignOnApplicationArn")

    @staticmethod
    def cloudformation_name_type() -> str:
        return "DomainName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::Domain"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("DomainId", "DomainArn", "Url", "HomeEfsFileSystemId", "SecurityGroupIdForDomainBoundary",
                "SingleSignOnManagedApplicationInstanceId", "SingleSignOnApplicationArn")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> Domain:
        props = cloudformation_json["Properties"]
        backend = sagemaker_backends[account_id][region_name]
        created = backend.create_domain(
            domain_name=props.get("DomainName", resource_name),
            auth_mode=props["AuthMode"],
            default_user_settings=props["DefaultUserSettings"],
            subnet_ids=props["SubnetIds"],
            vpc_id=props["VpcId"],
            domain_settings=props.get("DomainSettings"),
            tags=cfn_tags(props),
            # CloudFormation's default, as in the API: PublicInternetOnly.
            app_network_access_type=props.get("AppNetworkAccessType", "PublicInternetOnly"),
            home_efs_file_system_kms_key_id=None,
            kms_key_id=props.get("KmsKeyId"),
            app_security_group_management=props.get("AppSecurityGroupManagement"),
            default_space_settings=props.get("DefaultSpaceSettings"),
        )
        domain_id = created["DomainArn"].rsplit("/", 1)[-1]
        return cls(domain_id, backend.describe_domain(domain_id))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = sagemaker_backends[account_id][region_name]
        if resource_name in backend.domains:
            backend.delete_domain(resource_name, None)

    #: Properties whose change replaces the domain; the rest update in place
    #: (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-domain.html).
    REPLACING: ClassVar[dict[str, str]] = {"AuthMode": "auth_mode", "DomainName": "domain_name",
                                           "KmsKeyId": "kms_key_id"}

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str,
        region_name: str,
    ) -> Any:
        """In place, as in AWS, unless a create-only property changes (then: replace)."""
        props = cloudformation_json["Properties"]
        backend = sagemaker_backends[account_id][region_name]
        domain = backend.domains.get(original_resource.physical_id)
        if domain is None or any(props.get(key) != getattr(domain, attribute)
                                 for key, attribute in cls.REPLACING.items()):
            return super().update_from_cloudformation_json(original_resource, new_resource_name, cloudformation_json,
                                                           account_id, region_name)
        standins.update_domain(backend, domain.id, {
            "DefaultUserSettings": props.get("DefaultUserSettings"), "DefaultSpaceSettings": props.get("DefaultSpaceSettings"),
            "DomainSettings": props.get("DomainSettings"), "SubnetIds": props.get("SubnetIds"),
            "AppNetworkAccessType": props.get("AppNetworkAccessType", "PublicInternetOnly"), "Tags": cfn_tags(props),
        })
        return cls(domain.id, backend.describe_domain(domain.id))


@adapter
class SageMakerModel(AdapterMixin, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::Model"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return Model.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> Model:
        props = cloudformation_json["Properties"]
        model = sagemaker_backends[account_id][region_name].create_model(
            model_name=props.get("ModelName", resource_name),
            execution_role_arn=props["ExecutionRoleArn"],
            primary_container=props.get("PrimaryContainer"),
            vpc_config=props.get("VpcConfig"),
            containers=props.get("Containers"),
            tags=cfn_tags(props),
        )
        model.enable_network_isolation = as_bool(props.get("EnableNetworkIsolation"))
        return model

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        Model.delete_from_cloudformation_json(resource_name, cloudformation_json, account_id, region_name)


@adapter
class NotebookInstance(AdapterMixin, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::NotebookInstance"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return FakeSagemakerNotebookInstance.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> FakeSagemakerNotebookInstance:
        props = cloudformation_json["Properties"]
        notebook = sagemaker_backends[account_id][region_name].create_notebook_instance(
            notebook_instance_name=props.get("NotebookInstanceName", resource_name),
            instance_type=props["InstanceType"],
            role_arn=props["RoleArn"],
            subnet_id=props.get("SubnetId"),
            security_group_ids=props.get("SecurityGroupIds"),
            kms_key_id=props.get("KmsKeyId"),
            tags=cfn_tags(props),
            lifecycle_config_name=props.get("LifecycleConfigName"),
            # CloudFormation's defaults, as the API's.
            direct_internet_access=props.get("DirectInternetAccess", "Enabled"),
            volume_size_in_gb=int(props.get("VolumeSizeInGB", 5)),
            accelerator_types=props.get("AcceleratorTypes"),
            default_code_repository=props.get("DefaultCodeRepository"),
            additional_code_repositories=props.get("AdditionalCodeRepositories"),
            root_access=props.get("RootAccess", "Enabled"),
        )
        standins.set_instance_metadata_service(notebook, props.get("InstanceMetadataServiceConfiguration"))
        return notebook

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        FakeSagemakerNotebookInstance.delete_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name
        )


@adapter
class DataQualityJobDefinition(AdapterMixin, CloudFormationModel):
    """Through moto's backend (CreateDataQualityJobDefinition). Ref is the ARN, as in CloudFormation."""

    def __init__(self, arn: str, creation_time: Any) -> None:
        self.physical_id = self.JobDefinitionArn = arn
        self.CreationTime = creation_time.isoformat() if hasattr(creation_time, "isoformat") else str(creation_time)

    @staticmethod
    def cloudformation_name_type() -> str:
        return "JobDefinitionName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::DataQualityJobDefinition"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("JobDefinitionArn", "CreationTime")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> DataQualityJobDefinition:
        props = api_typed(cloudformation_json["Properties"])
        backend = sagemaker_backends[account_id][region_name]
        name = props.get("JobDefinitionName") or sagemaker_name(resource_name)
        arn = backend.create_data_quality_job_definition(
            account_id=account_id,
            job_definition_name=name,
            tags=cfn_tags(props),
            role_arn=props["RoleArn"],
            job_resources=props["JobResources"],
            stopping_condition=props.get("StoppingCondition"),
            environment=(props.get("DataQualityAppSpecification") or {}).get("Environment"),
            network_config=props.get("NetworkConfig"),
            data_quality_baseline_config=props.get("DataQualityBaselineConfig"),
            data_quality_app_specification=props["DataQualityAppSpecification"],
            data_quality_job_input=props["DataQualityJobInput"],
            data_quality_job_output_config=props["DataQualityJobOutputConfig"],
        )["JobDefinitionArn"]
        return cls(arn, backend.data_quality_job_definitions[name].creation_time)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = sagemaker_backends[account_id][region_name]
        name = resource_name.rsplit("/", 1)[-1]
        if name in backend.data_quality_job_definitions:
            backend.delete_data_quality_job_definition(name)


@stand_in
class UserProfile(AdapterMixin, CloudFormationModel):
    """Stand-in: moto has no user profiles. Ref is ``<name>|<domain id>``, as in CloudFormation."""

    def __init__(self, profile: dict[str, Any]) -> None:
        self.physical_id = f"{profile['UserProfileName']}|{profile['DomainId']}"
        self.UserProfileArn = profile["UserProfileArn"]

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::UserProfile"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("UserProfileArn",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> UserProfile:
        props = api_typed(cloudformation_json["Properties"])
        return cls(standins.create_user_profile(
            standins.backend(account_id, region_name), props["DomainId"], props["UserProfileName"],
            user_settings=props.get("UserSettings"),
            single_sign_on_user_identifier=props.get("SingleSignOnUserIdentifier"),
            single_sign_on_user_value=props.get("SingleSignOnUserValue"),
            tags=cfn_tags(props),
        ))

    #: Properties whose change replaces the profile; UserSettings and Tags update in place
    #: (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-userprofile.html).
    REPLACING = ("DomainId", "UserProfileName", "SingleSignOnUserIdentifier", "SingleSignOnUserValue")

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str,
        region_name: str,
    ) -> Any:
        """In place, as in AWS, unless a create-only property changes (then: replace)."""
        props = api_typed(cloudformation_json["Properties"])
        name, _, domain_id = original_resource.physical_id.partition("|")
        backend = standins.backend(account_id, region_name)
        existing = standins.store(backend, "user_profiles").get((domain_id, name))
        if existing is None or any(props.get(key) != existing.get(key) for key in cls.REPLACING):
            return super().update_from_cloudformation_json(original_resource, new_resource_name, cloudformation_json,
                                                           account_id, region_name)
        return cls(standins.update_user_profile(backend, domain_id, name, user_settings=props.get("UserSettings") or {},
                                                tags=cfn_tags(props)))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        name, _, domain_id = resource_name.partition("|")
        backend = standins.backend(account_id, region_name)
        if (domain_id, name) in standins.store(backend, "user_profiles"):
            standins.delete_user_profile(backend, domain_id, name)


@stand_in
class StudioLifecycleConfig(AdapterMixin, CloudFormationModel):
    """Stand-in: moto has no Studio lifecycle configs. Ref is the name, as in CloudFormation."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.physical_id = config["StudioLifecycleConfigName"]
        self.StudioLifecycleConfigArn = config["StudioLifecycleConfigArn"]

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::StudioLifecycleConfig"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("StudioLifecycleConfigArn",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> StudioLifecycleConfig:
        props = cloudformation_json["Properties"]
        return cls(standins.create_studio_lifecycle_config(
            standins.backend(account_id, region_name), props["StudioLifecycleConfigName"],
            props["StudioLifecycleConfigContent"], props["StudioLifecycleConfigAppType"],
            tags=cfn_tags(props),
        ))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = standins.backend(account_id, region_name)
        if resource_name in standins.store(backend, "studio_lifecycle_configs"):
            standins.delete_studio_lifecycle_config(backend, resource_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str,
        region_name: str,
    ) -> StudioLifecycleConfig:
        """Never in place: every property is create-only, so CloudFormation replaces the config,
        which needs a new name. As CloudFormation does, the new one is created first, the old one
        deleted after (kept with ``UpdateReplacePolicy: Retain``, or while still in use: in AWS that
        clean-up failure does not fail the update)."""
        old_name = original_resource.physical_id
        if cloudformation_json["Properties"]["StudioLifecycleConfigName"] == old_name:
            refuse("sagemaker.studio-lifecycle-config-immutable",
                   f"CloudFormation cannot update a stack when a custom-named resource requires replacing: Studio "
                   f"lifecycle config {old_name} has no update (every property requires replacement). Rename "
                   f"{old_name} and update the stack again", code="ValidationError")
        new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        if cloudformation_json.get("UpdateReplacePolicy") != "Retain":
            try:
                cls.delete_from_cloudformation_json(old_name, cloudformation_json, account_id, region_name)
            except Refused:
                pass
        return new


@stand_in
class MonitoringSchedule(AdapterMixin, CloudFormationModel):
    """Stand-in: moto has no monitoring schedules. Ref is the ARN, as in CloudFormation."""

    def __init__(self, schedule: dict[str, Any]) -> None:
        self.physical_id = self.MonitoringScheduleArn = schedule["MonitoringScheduleArn"]
        self.CreationTime = schedule["CreationTime"].isoformat()
        self.LastModifiedTime = schedule["LastModifiedTime"].isoformat()

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::MonitoringSchedule"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("MonitoringScheduleArn", "CreationTime", "LastModifiedTime")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> MonitoringSchedule:
        props = api_typed(cloudformation_json["Properties"])
        return cls(standins.create_monitoring_schedule(
            standins.backend(account_id, region_name), props["MonitoringScheduleName"],
            props["MonitoringScheduleConfig"], tags=cfn_tags(props),
        ))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = standins.backend(account_id, region_name)
        name = resource_name.rsplit("/", 1)[-1]
        if name in standins.store(backend, "monitoring_schedules"):
            standins.delete_monitoring_schedule(backend, name)
