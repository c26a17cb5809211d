"""Stand-ins for SageMaker inference components, which moto 5.2.5 does not have.

moto has no CreateInferenceComponent (nor Describe/List/Update/Delete), keeps none of an endpoint config's
``ExecutionRoleArn``, ``VpcConfig`` and ``EnableNetworkIsolation``, and its Application Auto Scaling
refuses the scalable dimension ``sagemaker:inference-component:DesiredCopyCount`` that AWS documents
(https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html). This
module, installed with the other adapters:

- records those three endpoint-config properties on moto's endpoint config (CloudFormation path) and returns
  them from DescribeEndpointConfig, as SageMaker does;
- emulates ``AWS::SageMaker::InferenceComponent`` (a stand-in, labelled so by the demo) and the API actions
  DescribeInferenceComponent and ListInferenceComponents, in a store on moto's SageMaker backend (so moto's
  reset empties it);
- lets Application Auto Scaling register ``inference-component/<name>`` targets.

It refuses what AWS refuses, where the emulator can see it: a component on an endpoint that does not exist,
on an endpoint whose config names a model on its variant or has no ``ExecutionRoleArn``
(``sagemaker.inference-component-endpoint-config``), naming a model that does not exist
(``sagemaker.inference-component-needs-model``), or reserving less than SageMaker's minimum CPU and memory
(``sagemaker.inference-component-compute-minimums``). It never runs a model; placement of copies on
instances (capacity) is checked at synth time (core/hosting/inference_components.py), not here.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from moto.applicationautoscaling import models as appscaling_models
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceNotFound
from moto.sagemaker.models import SageMakerModelBackend, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

from ._base import AdapterMixin, cfn_tags, stand_in
from .refusals import refuse
from .sagemaker import EndpointConfig, api_typed

#: The CloudFormation types whose API this module emulates (the demo labels them "stand-in").
STAND_IN_TYPES = ("AWS::SageMaker::InferenceComponent",)
COPY_COUNT_DIMENSION = "sagemaker:inference-component:DesiredCopyCount"
#: The endpoint-config properties of an inference-component endpoint moto does not keep.
CONFIG_KEYS = ("ExecutionRoleArn", "VpcConfig", "EnableNetworkIsolation")

_installed = False


def components(sagemaker: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    """The inference components of ``sagemaker`` by name (a store on moto's backend object)."""
    return sagemaker.__dict__.setdefault("_emulator_inference_components", {})


def config_extras(sagemaker: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    """Endpoint config name -> the :data:`CONFIG_KEYS` it was created with."""
    return sagemaker.__dict__.setdefault("_emulator_endpoint_config_extras", {})


def _check_endpoint(sagemaker: SageMakerModelBackend, endpoint_name: str, component: str) -> None:
    endpoint = sagemaker.endpoints.get(endpoint_name)
    if endpoint is None:
        raise ResourceNotFound(f"Endpoint {endpoint_name} not found (inference component {component})")
    config_name = endpoint.endpoint_config_name
    config = sagemaker.endpoint_configs.get(config_name)
    variants = config.production_variants if config is not None else []
    named = [v.get("VariantName") for v in variants if v.get("ModelName")]
    if named:
        refuse("sagemaker.inference-component-endpoint-config",
               f"Inference component {component}: endpoint {endpoint_name}'s config {config_name} names a "
               f"model on variant(s) {named}; an endpoint for inference components has variants without "
               "ModelName")
    if not config_extras(sagemaker).get(config_name, {}).get("ExecutionRoleArn"):
        refuse("sagemaker.inference-component-endpoint-config",
               f"Inference component {component}: endpoint {endpoint_name}'s config {config_name} has no "
               "ExecutionRoleArn; an endpoint for inference components carries the role on its config")


def _check_specification(sagemaker: SageMakerModelBackend, name: str, specification: dict[str, Any]) -> None:
    model = specification.get("ModelName")
    if model is not None and model not in sagemaker._models:
        refuse("sagemaker.inference-component-needs-model",
               f"Inference component {name}: model {model} does not exist", code="ValidationException")
    requirements = specification.get("ComputeResourceRequirements") or {}
    cores, memory = requirements.get("NumberOfCpuCoresRequired"), requirements.get("MinMemoryRequiredInMb")
    if cores is not None and float(cores) < 0.25:
        refuse("sagemaker.inference-component-compute-minimums",
               f"Inference component {name}: NumberOfCpuCoresRequired {cores} is below 0.25")
    if memory is None or int(memory) < 128:
        refuse("sagemaker.inference-component-compute-minimums",
               f"Inference component {name}: MinMemoryRequiredInMb {memory} is below 128")


def create_inference_component(
    sagemaker: SageMakerModelBackend,
    name: str,
    endpoint_name: str,
    variant_name: str | None,
    specification: dict[str, Any],
    runtime_config: dict[str, Any] | None,
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    store = components(sagemaker)
    if name in store:
        refuse("sagemaker.resource-names-63", f"Inference component {name} already exists",
               code="ResourceInUse")
    _check_endpoint(sagemaker, endpoint_name, name)
    _check_specification(sagemaker, name, specification)
    endpoint = sagemaker.endpoints[endpoint_name]
    now = utcnow()
    copies = int((runtime_config or {}).get("CopyCount", 1))
    record = {
        "InferenceComponentName": name,
        "InferenceComponentArn": arn_formatter("inference-component", name, sagemaker.account_id,
                                               sagemaker.region_name),
        "EndpointName": endpoint_name,
        "EndpointArn": endpoint.arn,
        "VariantName": variant_name or "AllTraffic",
        "Specification": specification,
        "RuntimeConfig": {"DesiredCopyCount": copies, "CurrentCopyCount": copies},
        "InferenceComponentStatus": "InService",
        "CreationTime": now,
        "LastModifiedTime": now,
        "Tags": list(tags or []),
    }
    store[name] = record
    return record


def update_inference_component(
    sagemaker: SageMakerModelBackend, name: str, specification: dict[str, Any], runtime_config: dict[str, Any]
) -> dict[str, Any]:
    record = components(sagemaker).get(name)
    if record is None:
        raise ResourceNotFound(f"Inference component {name} not found")
    _check_specification(sagemaker, name, specification)
    copies = int((runtime_config or {}).get("CopyCount", record["RuntimeConfig"]["DesiredCopyCount"]))
    record.update(Specification=specification, LastModifiedTime=utcnow(),
                  RuntimeConfig={"DesiredCopyCount": copies, "CurrentCopyCount": copies})
    return record


def describe_inference_component(sagemaker: SageMakerModelBackend, name: str) -> dict[str, Any]:
    record = components(sagemaker).get(name)
    if record is None:
        raise ResourceNotFound(f"Inference component {name} not found")
    return {k: v for k, v in record.items() if k != "Tags"}


@stand_in
class InferenceComponent(AdapterMixin, CloudFormationModel):
    """Stand-in: moto has no inference components. Ref is the ARN, as in CloudFormation; every property
    updates in place (the CloudFormation reference lists no replacement)."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.physical_id = self.InferenceComponentArn = record["InferenceComponentArn"]
        self.InferenceComponentStatus = record["InferenceComponentStatus"]

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::InferenceComponent"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("InferenceComponentArn", "InferenceComponentStatus")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> InferenceComponent:
        props = api_typed(cloudformation_json["Properties"])
        return cls(create_inference_component(
            sagemaker_backends[account_id][region_name], props["InferenceComponentName"],
            props["EndpointName"], props.get("VariantName"), props.get("Specification") or {},
            props.get("RuntimeConfig"), tags=cfn_tags(props),
        ))

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any],
        account_id: str, region_name: str,
    ) -> Any:
        props = api_typed(cloudformation_json["Properties"])
        backend = sagemaker_backends[account_id][region_name]
        name = props["InferenceComponentName"]
        if name not in components(backend):  # renamed (or gone): a new component, the old one deleted
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        return cls(update_inference_component(backend, name, props.get("Specification") or {},
                                              props.get("RuntimeConfig") or {}))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = sagemaker_backends[account_id][region_name]
        components(backend).pop(resource_name.rsplit("/", 1)[-1], None)


def _describe_handler(self: SageMakerResponse) -> ActionResult:
    return ActionResult(describe_inference_component(self.sagemaker_backend,
                                                     self._get_param("InferenceComponentName")))


def _list_handler(self: SageMakerResponse) -> ActionResult:
    endpoint = self._get_param("EndpointNameEquals")
    summaries = [
        {k: r[k] for k in ("InferenceComponentName", "InferenceComponentArn", "EndpointName", "EndpointArn",
                           "VariantName", "InferenceComponentStatus", "CreationTime", "LastModifiedTime")}
        for r in components(self.sagemaker_backend).values() if endpoint in (None, r["EndpointName"])
    ]
    return ActionResult({"InferenceComponents": summaries})


def _record_config_extras() -> None:
    """Keep ``CONFIG_KEYS`` of endpoint configs created through CloudFormation, and return them from
    DescribeEndpointConfig (moto drops them)."""
    create = EndpointConfig.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_with_extras(cls: Any, resource_name: str, cloudformation_json: dict[str, Any],
                           account_id: str, region_name: str, **kwargs: Any) -> Any:
        config = create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        props = api_typed(cloudformation_json["Properties"])
        extras = {k: props[k] for k in CONFIG_KEYS if k in props}
        if extras:
            config_extras(sagemaker_backends[account_id][region_name])[config.endpoint_config_name] = extras
        return config

    EndpointConfig.create_from_cloudformation_json = classmethod(create_with_extras)  # type: ignore[method-assign]
    describe = SageMakerModelBackend.describe_endpoint_config

    def describe_with_extras(self: SageMakerModelBackend, endpoint_config_name: str) -> Any:
        response = describe(self, endpoint_config_name)
        extras = config_extras(self).get(endpoint_config_name)
        return {**response, **extras} if extras and isinstance(response, dict) else response

    SageMakerModelBackend.describe_endpoint_config = describe_with_extras  # type: ignore[method-assign]


def _variants_without_model() -> None:
    """An endpoint config for inference components has variants without ``ModelName``; moto's check of the
    variants' models assumes every variant names one. Variants that name a model are still checked."""
    validate = SageMakerModelBackend.validate_production_variants

    def validate_named(self: SageMakerModelBackend, production_variants: list[dict[str, Any]]) -> None:
        validate(self, [v for v in production_variants if "ModelName" in v])

    SageMakerModelBackend.validate_production_variants = validate_named  # type: ignore[method-assign]


def _tags_of_components() -> None:
    """ListTags on a component's ARN returns its tags (moto resolves only its own resources' ARNs)."""
    resolve = SageMakerModelBackend._get_resource_from_arn

    def resolve_components(self: SageMakerModelBackend, arn: str) -> Any:
        for record in components(self).values():
            if record["InferenceComponentArn"] == arn:
                return SimpleNamespace(tags=record["Tags"])
        return resolve(self, arn)

    SageMakerModelBackend._get_resource_from_arn = resolve_components  # type: ignore[method-assign]


def _accept_copy_count_dimension() -> None:
    """AWS registers ``inference-component/<name>`` targets on the copy-count dimension; moto 5.2.5 does not
    know the dimension."""
    valid = appscaling_models._target_params_are_valid

    def target_params_are_valid(namespace: str, r_id: str, dimension: str) -> bool:
        if namespace == "sagemaker" and dimension == COPY_COUNT_DIMENSION and r_id.startswith(
                "inference-component/"):
            return True
        return valid(namespace, r_id, dimension)

    appscaling_models._target_params_are_valid = target_params_are_valid
    validate_params = ApplicationAutoScalingResponse._validate_params

    def validate_request(self: ApplicationAutoScalingResponse) -> None:
        # the request-level enum check (DescribeScalableTargets, RegisterScalableTarget, ...)
        if self._get_param("ScalableDimension") != COPY_COUNT_DIMENSION:
            validate_params(self)

    ApplicationAutoScalingResponse._validate_params = validate_request  # type: ignore[method-assign]


def install() -> None:
    """Patch moto in this process (the emulator's, or a test's). Idempotent."""
    global _installed
    if _installed:
        return
    for action, handler in (("describe_inference_component", _describe_handler),
                            ("list_inference_components", _list_handler)):
        handler.__name__ = handler.__qualname__ = action
        setattr(SageMakerResponse, action, handler)
    _record_config_extras()
    _variants_without_model()
    _tags_of_components()
    _accept_copy_count_dimension()
    _installed = True
