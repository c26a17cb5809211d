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
AWS::SageMaker::Space has neither: :mod:`emulator.studio_apps` emulates the Space and App APIs users call
from Studio, and :mod:`emulator.studio_spaces` the CloudFormation type (the platform's private spaces).

Updates follow CloudFormation's update behaviours: a domain and a user profile update their settings
in place (a create-only property replaces them), a Studio lifecycle config is always replaced.

Hosting (:func:`install` patches moto's backend, so boto3 and the CloudFormation adapters share it):

- ``UpdateEndpoint``, which moto lacks, with AWS's rules: it refuses to change the instance type of, or
  remove, a variant registered as an Application Auto Scaling target
  (``sagemaker.update-endpoint-autoscaled-variant``) and, under a blue/green or rolling
  ``DeploymentConfig``, a new config that renames or drops a variant
  (``sagemaker.blue-green-same-variant-names``); ``RetainAllVariantProperties`` keeps the current instance
  counts and weights except those named in ``ExcludeRetainedVariantProperties``.
- ``CreateModel`` refuses an Amazon ECR image of another region (``sagemaker.image-uri-tag-or-digest``).
- ``CreateEndpointConfig`` refuses ``KmsKeyId`` with an instance type that has local NVMe storage
  (``sagemaker.endpoint-config-kms-key-local-storage``).
- AWS::SageMaker::Endpoint and EndpointConfig adapters take their names from ``EndpointName`` /
  ``EndpointConfigName`` (moto generated names); an endpoint whose other properties change is updated
  with UpdateEndpoint, as CloudFormation does, not deleted and re-created.

Longer than 600 lines because it holds every SageMaker CloudFormation type the platform deploys (one
adapter class each) beside the hosting API patches they call; a Studio / hosting split is possible and
was left out of the move into the package (issue 15) so that parallel edits of this file still merge.
"""

from __future__ import annotations

import re
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import (
    FakeEndpoint,
    FakeEndpointConfig,
    FakeSagemakerNotebookInstance,
    Model,
    SageMakerModelBackend,
    sagemaker_backends,
)
from moto.sagemaker.responses import SageMakerResponse

from cdk_secure_ml.core.hosting.model_source import IMAGE_URI_RE
from cdk_secure_ml.core.instance_types import has_instance_storage, instance_family

from . import sagemaker_standins as standins
from ._base import AdapterMixin, adapter, as_bool, cfn_tags, stand_in
from .refusals import refuse

#: Keys of SageMaker property structures that are booleans or integers in the API; CloudFormation
#: may pass them as strings.
_BOOLEAN_KEYS = {"EnableNetworkIsolation", "EnableInterContainerTrafficEncryption", "EnableCapture"}
_INTEGER_KEYS = {"InstanceCount", "VolumeSizeInGB", "MaxRuntimeInSeconds"}


_installed = False


def install() -> None:
    """The stand-in API (moto's SageMakerResponse gains the actions moto lacks) and the hosting rules."""
    global _installed
    standins.install()
    if _installed:
        return
    moto_create_config = SageMakerModelBackend.create_endpoint_config
    moto_create_endpoint = SageMakerModelBackend.create_endpoint

    # moto's enum of ML instance types stops years ago (no ml.g5, ml.m6i, ml.t3): it refused types SageMaker
    # hosts. The emulator accepts any ml.<family>.<size>; which a region offers is the account's to say.
    def validate_instance_type(self: Any, instance_type: str) -> None:
        if instance_family(instance_type or "") is None:
            raise ValidationError(message=f"Value '{instance_type}' at 'instanceType' is not an ML instance "
                                          "type "
                                          "(ml.<family>.<size>)")

    FakeEndpointConfig.validate_instance_type = validate_instance_type
    FakeSagemakerNotebookInstance.validate_instance_type = validate_instance_type

    def create_endpoint_config(
        self: SageMakerModelBackend,
        endpoint_config_name: str,
        production_variants: Any,
        data_capture_config: Any,
        async_inference_config: Any,
        tags: Any,
        kms_key_id: str | None,
    ) -> FakeEndpointConfig:
        check_endpoint_config_key(endpoint_config_name, production_variants, kms_key_id)
        return moto_create_config(
            self,
            endpoint_config_name=endpoint_config_name,
            production_variants=production_variants,
            data_capture_config=data_capture_config,
            async_inference_config=async_inference_config,
            tags=tags,
            kms_key_id=kms_key_id,
        )

    def create_endpoint(
        self: SageMakerModelBackend, endpoint_name: str, endpoint_config_name: str, tags: Any
    ) -> FakeEndpoint:
        endpoint = moto_create_endpoint(
            self, endpoint_name=endpoint_name, endpoint_config_name=endpoint_config_name, tags=tags
        )
        _endpoint_state(self)[endpoint_name] = {
            "variants": _variant_types(self.endpoint_configs[endpoint_config_name].production_variants),
            "deployment_config": None,
        }
        return endpoint

    def delete_endpoint(self: SageMakerModelBackend, endpoint_name: str) -> None:
        moto_delete_endpoint(self, endpoint_name)
        _endpoint_state(self).pop(endpoint_name, None)

    moto_delete_endpoint = SageMakerModelBackend.delete_endpoint
    moto_create_model = SageMakerModelBackend.create_model

    def create_model(self: SageMakerModelBackend, model_name: str, execution_role_arn: str,
                     primary_container: Any, vpc_config: Any, containers: Any, tags: Any) -> Any:
        check_model_image_region(model_name, [primary_container, *(containers or [])], self.region_name)
        return moto_create_model(self, model_name=model_name, execution_role_arn=execution_role_arn,
                                 primary_container=primary_container, vpc_config=vpc_config,
                                 containers=containers, tags=tags)

    SageMakerModelBackend.create_model = create_model  # type: ignore[method-assign]
    SageMakerModelBackend.create_endpoint_config = create_endpoint_config  # type: ignore[method-assign]
    SageMakerModelBackend.create_endpoint = create_endpoint  # type: ignore[method-assign]
    SageMakerModelBackend.delete_endpoint = delete_endpoint  # type: ignore[method-assign]
    SageMakerModelBackend.update_endpoint = update_endpoint  # type: ignore[attr-defined]

    def update_endpoint_handler(self: SageMakerResponse) -> ActionResult:
        arn = update_endpoint(
            self.sagemaker_backend,
            self._get_param("EndpointName"),
            self._get_param("EndpointConfigName"),
            retain_all_variant_properties=bool(self._get_param("RetainAllVariantProperties")),
            exclude_retained_variant_properties=self._get_param("ExcludeRetainedVariantProperties"),
            deployment_config=self._get_param("DeploymentConfig"),
            retain_deployment_config=bool(self._get_param("RetainDeploymentConfig")),
        )
        return ActionResult({"EndpointArn": arn})

    update_endpoint_handler.__name__ = update_endpoint_handler.__qualname__ = "update_endpoint"
    SageMakerResponse.update_endpoint = update_endpoint_handler  # type: ignore[attr-defined]
    _installed = True


# -- hosting: endpoint configs and UpdateEndpoint ------------------------------------------------------


def check_model_image_region(name: str, containers: Any, region: str) -> None:
    """CreateModel fails when a container's Amazon ECR image is in another region than the model
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html)."""
    for container in containers:
        match = IMAGE_URI_RE.match(str((container or {}).get("Image") or ""))
        if match and match["region"] != region:
            refuse(
                "sagemaker.image-uri-tag-or-digest",
                f"Model {name}: image {container['Image']} is in region {match['region']}, the model in "
                f"{region}; use the image of {region}.",
            )


def check_endpoint_config_key(name: str, production_variants: Any, kms_key_id: str | None) -> None:
    """CreateEndpointConfig with a ``KmsKeyId`` fails when a variant's instance type has local NVMe storage
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html)."""
    if not kms_key_id:
        return
    local = [
        v.get("InstanceType")
        for v in production_variants or []
        if v.get("InstanceType") and has_instance_storage(v["InstanceType"])
    ]
    if local:
        refuse(
            "sagemaker.endpoint-config-kms-key-local-storage",
            f"Endpoint config {name}: KmsKeyId is not supported for instance types with local instance "
            f"storage ({', '.join(local)}); their storage is encrypted by the instance. Remove KmsKeyId.",
        )


def _endpoint_state(backend: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    """What the emulator records per endpoint that moto's endpoint drops: the variants' instance types and
    the last DeploymentConfig."""
    return standins.store(backend, "endpoint_state")


def _variant_types(production_variants: list[dict[str, Any]]) -> dict[str, str | None]:
    return {v["VariantName"]: v.get("InstanceType") for v in production_variants or []}


def _autoscaled_variants(backend: SageMakerModelBackend, endpoint_name: str) -> set[str]:
    """Variants of ``endpoint_name`` registered as Application Auto Scaling scalable targets."""
    from moto.applicationautoscaling.models import applicationautoscaling_backends

    autoscaling = applicationautoscaling_backends[backend.account_id][backend.region_name]
    prefix = f"endpoint/{endpoint_name}/variant/"
    return {
        t.resource_id[len(prefix) :]
        for t in autoscaling.describe_scalable_targets("sagemaker", None, None)
        if t.resource_id.startswith(prefix)
        and t.scalable_dimension == "sagemaker:variant:DesiredInstanceCount"
    }


def update_endpoint(  # noqa: C901 (one refusal per documented UpdateEndpoint rule)
    backend: SageMakerModelBackend,
    endpoint_name: str,
    endpoint_config_name: str,
    *,
    retain_all_variant_properties: bool = False,
    exclude_retained_variant_properties: list[dict[str, str]] | None = None,
    deployment_config: dict[str, Any] | None = None,
    retain_deployment_config: bool = False,
) -> str:
    """UpdateEndpoint as SageMaker documents it; the endpoint's ARN.

    - A variant registered as a scalable target may not change its instance type or disappear
      (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html).
    - Under a blue/green (or rolling) DeploymentConfig the new config keeps the old variant names
      (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html).
    - ``RetainAllVariantProperties`` keeps the current instance counts and weights of variants of the same
      name, except the property types listed in ``ExcludeRetainedVariantProperties``
      (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html).
    """
    endpoint = backend.endpoints.get(endpoint_name)
    if endpoint is None:
        arn = FakeEndpoint.arn_formatter(endpoint_name, backend.account_id, backend.region_name)
        raise ValidationError(message=f'Could not find endpoint "{arn}".')
    config = backend.endpoint_configs.get(endpoint_config_name)
    if config is None:
        arn = FakeEndpointConfig.arn_formatter(endpoint_config_name, backend.account_id, backend.region_name)
        raise ValidationError(message=f'Could not find endpoint configuration "{arn}".')
    state = _endpoint_state(backend).setdefault(
        endpoint_name,
        {
            "variants": _variant_types(
                backend.endpoint_configs[endpoint.endpoint_config_name].production_variants
            )
            if endpoint.endpoint_config_name in backend.endpoint_configs
            else {},
            "deployment_config": None,
        },
    )
    old, new = state["variants"], _variant_types(config.production_variants)
    deployment = deployment_config or (state["deployment_config"] if retain_deployment_config else None)

    scaled = _autoscaled_variants(backend, endpoint_name)
    changed = sorted(v for v in scaled & set(old) if v not in new or new[v] != old[v])
    if changed:
        details = ", ".join(f"{v} ({old[v]} -> {new[v]})" if v in new else f"{v} (removed)" for v in changed)
        refuse(
            "sagemaker.update-endpoint-autoscaled-variant",
            f"Endpoint {endpoint_name}: the update changes the instance type of, or removes, variant(s) "
            f"registered for auto scaling: {details}. Deregister the scalable target(s) first "
            "(DeregisterScalableTarget), "
            "update, then register them again; or deploy the change under a new endpoint name.",
        )
    if deployment and (deployment.get("BlueGreenUpdatePolicy") or deployment.get("RollingUpdatePolicy")):
        missing = sorted(set(old) - set(new))
        if missing:
            refuse(
                "sagemaker.blue-green-same-variant-names",
                f"Endpoint {endpoint_name}: a blue/green or rolling deployment needs the new endpoint "
                f"config {endpoint_config_name} to keep the variant names of the current one; missing: "
                f"{missing} (new: {sorted(new)}). Keep the names, or deploy under a new endpoint name.",
            )

    excluded = {p.get("VariantPropertyType") for p in exclude_retained_variant_properties or []}
    current = {v["VariantName"]: v for v in endpoint.production_variants}
    variants = endpoint._process_production_variants(config.production_variants)
    if retain_all_variant_properties:
        for variant in variants:
            before = current.get(variant["VariantName"])
            if before is None:
                continue
            for prop, keys in (
                ("DesiredInstanceCount", ("CurrentInstanceCount", "DesiredInstanceCount")),
                ("DesiredWeight", ("CurrentWeight", "DesiredWeight")),
            ):
                if prop not in excluded:
                    for key in keys:
                        if key in before:
                            variant[key] = before[key]
    endpoint.production_variants = variants
    endpoint.endpoint_config_name = endpoint_config_name
    endpoint.data_capture_config = config.data_capture_config
    endpoint.endpoint_status = "InService"
    endpoint.last_modified_time = utcnow()
    state["variants"] = new
    state["deployment_config"] = deployment
    return endpoint.arn


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
        name = f"{head[: 62 - len(suffix)].rstrip('-')}-{suffix}"
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
        self.SingleSignOnManagedApplicationInstanceId = description.get(
            "SingleSignOnManagedApplicationInstanceId"
        )
        self.SingleSignOnApplicationArn = description.get("SingleSignOnApplicationArn")

    @staticmethod
    def cloudformation_name_type() -> str:
        return "DomainName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::Domain"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return (
            "DomainId",
            "DomainArn",
            "Url",
            "HomeEfsFileSystemId",
            "SecurityGroupIdForDomainBoundary",
            "SingleSignOnManagedApplicationInstanceId",
            "SingleSignOnApplicationArn",
        )

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
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

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """In place, as in AWS. A change of a create-only property never gets here: the emulator's
        CloudFormation replaces the resource first (emulator.cloudformation, from the provider schema);
        a domain that is gone is created again."""
        props = cloudformation_json["Properties"]
        backend = sagemaker_backends[account_id][region_name]
        domain = backend.domains.get(original_resource.physical_id)
        if domain is None:
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        standins.update_domain(
            backend,
            domain.id,
            {
                "DefaultUserSettings": props.get("DefaultUserSettings"),
                "DefaultSpaceSettings": props.get("DefaultSpaceSettings"),
                "DomainSettings": props.get("DomainSettings"),
                "SubnetIds": props.get("SubnetIds"),
                "AppNetworkAccessType": props.get("AppNetworkAccessType", "PublicInternetOnly"),
                "Tags": cfn_tags(props),
            },
        )
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
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
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
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
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
        self.CreationTime = (
            creation_time.isoformat() if hasattr(creation_time, "isoformat") else str(creation_time)
        )

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
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
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
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> UserProfile:
        props = api_typed(cloudformation_json["Properties"])
        return cls(
            standins.create_user_profile(
                standins.backend(account_id, region_name),
                props["DomainId"],
                props["UserProfileName"],
                user_settings=props.get("UserSettings"),
                single_sign_on_user_identifier=props.get("SingleSignOnUserIdentifier"),
                single_sign_on_user_value=props.get("SingleSignOnUserValue"),
                tags=cfn_tags(props),
            )
        )

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """In place, as in AWS (create-only changes are replaced before, as for Domain);
        a profile that is gone is created again."""
        props = api_typed(cloudformation_json["Properties"])
        name, _, domain_id = original_resource.physical_id.partition("|")
        backend = standins.backend(account_id, region_name)
        existing = standins.store(backend, "user_profiles").get((domain_id, name))
        if existing is None:
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        return cls(
            standins.update_user_profile(
                backend, domain_id, name, user_settings=props.get("UserSettings") or {}, tags=cfn_tags(props)
            )
        )

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
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> StudioLifecycleConfig:
        props = cloudformation_json["Properties"]
        return cls(
            standins.create_studio_lifecycle_config(
                standins.backend(account_id, region_name),
                props["StudioLifecycleConfigName"],
                props["StudioLifecycleConfigContent"],
                props["StudioLifecycleConfigAppType"],
                tags=cfn_tags(props),
            )
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = standins.backend(account_id, region_name)
        if resource_name in standins.store(backend, "studio_lifecycle_configs"):
            standins.delete_studio_lifecycle_config(backend, resource_name)


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
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> MonitoringSchedule:
        props = api_typed(cloudformation_json["Properties"])
        return cls(
            standins.create_monitoring_schedule(
                standins.backend(account_id, region_name),
                props["MonitoringScheduleName"],
                props["MonitoringScheduleConfig"],
                tags=cfn_tags(props),
            )
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = standins.backend(account_id, region_name)
        name = resource_name.rsplit("/", 1)[-1]
        if name in standins.store(backend, "monitoring_schedules"):
            standins.delete_monitoring_schedule(backend, name)


@adapter
class EndpointConfig(AdapterMixin, CloudFormationModel):
    """Through moto's backend, named by ``EndpointConfigName`` (moto's model generates a name). Every property
    is create-only, so an update replaces it. Ref is the ARN, as in CloudFormation."""

    @staticmethod
    def cloudformation_name_type() -> str:
        return "EndpointConfigName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::EndpointConfig"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return FakeEndpointConfig.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FakeEndpointConfig:
        props = api_typed(cloudformation_json["Properties"])
        return sagemaker_backends[account_id][region_name].create_endpoint_config(
            endpoint_config_name=props.get("EndpointConfigName", sagemaker_name(resource_name)),
            production_variants=props["ProductionVariants"],
            data_capture_config=props.get("DataCaptureConfig") or {},
            async_inference_config=props.get("AsyncInferenceConfig") or {},
            tags=cfn_tags(props),
            kms_key_id=props.get("KmsKeyId"),
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = sagemaker_backends[account_id][region_name]
        name = resource_name.rsplit("/", 1)[-1]
        if name in backend.endpoint_configs:
            backend.delete_endpoint_config(name)


@adapter
class Endpoint(AdapterMixin, CloudFormationModel):
    """Through moto's backend, named by ``EndpointName``. A changed ``EndpointName`` replaces the endpoint
    (create-only); any other change is an UpdateEndpoint with the template's ``DeploymentConfig``,
    ``RetainAllVariantProperties`` and ``ExcludeRetainedVariantProperties``, as CloudFormation calls it
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-endpoint.html),
    so SageMaker's update rules apply. Ref is the ARN."""

    @staticmethod
    def cloudformation_name_type() -> str:
        return "EndpointName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::Endpoint"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return FakeEndpoint.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FakeEndpoint:
        props = api_typed(cloudformation_json["Properties"])
        backend = sagemaker_backends[account_id][region_name]
        name = props.get("EndpointName", sagemaker_name(resource_name))
        endpoint = backend.create_endpoint(
            endpoint_name=name, endpoint_config_name=props["EndpointConfigName"], tags=cfn_tags(props)
        )
        _endpoint_state(backend)[name]["deployment_config"] = props.get("DeploymentConfig")
        return endpoint

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: FakeEndpoint,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> FakeEndpoint:
        props = api_typed(cloudformation_json["Properties"])
        backend = sagemaker_backends[account_id][region_name]
        name = props.get("EndpointName", original_resource.endpoint_name)
        if name != original_resource.endpoint_name:
            # Replacement: the new endpoint first, then the old one goes.
            new = cls.create_from_cloudformation_json(
                new_resource_name, cloudformation_json, account_id, region_name
            )
            cls.delete_from_cloudformation_json(
                original_resource.arn, cloudformation_json, account_id, region_name
            )
            return new
        update_endpoint(
            backend,
            name,
            props["EndpointConfigName"],
            retain_all_variant_properties=as_bool(props.get("RetainAllVariantProperties")),
            exclude_retained_variant_properties=props.get("ExcludeRetainedVariantProperties"),
            deployment_config=props.get("DeploymentConfig"),
            retain_deployment_config=as_bool(props.get("RetainDeploymentConfig")),
        )
        return backend.endpoints[name]

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = sagemaker_backends[account_id][region_name]
        name = resource_name.rsplit("/", 1)[-1]
        if name in backend.endpoints:
            backend.delete_endpoint(name)
