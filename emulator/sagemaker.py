"""SageMaker: AWS::SageMaker::Domain (a placeholder in moto 5.2), and Model and NotebookInstance
completed, through moto's SageMaker backend.

moto's own Model model drops EnableNetworkIsolation and ModelName; its NotebookInstance model keeps
only the instance type and role (no subnet, security groups, KMS key, DirectInternetAccess,
RootAccess). The adapters pass every property moto's backend stores. moto stores no
InstanceMetadataServiceConfiguration, so SML-NET-4 cannot pass against the emulator.

moto's SageMaker backend has no user profiles or spaces, so AWS::SageMaker::UserProfile and
AWS::SageMaker::Space stay unimplemented and the demo reports them as skipped.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sagemaker.models import FakeSagemakerNotebookInstance, Model, sagemaker_backends

from ._base import AdapterMixin, adapter, as_bool, cfn_tags


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
        return sagemaker_backends[account_id][region_name].create_notebook_instance(
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

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        FakeSagemakerNotebookInstance.delete_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name
        )
