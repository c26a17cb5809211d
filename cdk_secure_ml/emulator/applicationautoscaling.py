"""Application Auto Scaling: AWS::ApplicationAutoScaling::ScalableTarget and ScalingPolicy
(placeholders in moto 5.2) through moto's backend.

A ScalableTarget's Ref is ``<ResourceId>|<ScalableDimension>|<ServiceNamespace>``, as in
CloudFormation, so a ScalingPolicy can name its target with ``ScalingTargetId``. Its ResourceId,
ScalableDimension and ServiceNamespace are create-only: a changed one (e.g. a SageMaker endpoint replaced
under a new name) registers the new target and deregisters the old one; other changes re-register it in
place. The registered targets are what SageMaker's UpdateEndpoint checks (emulator.sagemaker).
"""

from __future__ import annotations

from typing import Any

from moto.applicationautoscaling.models import applicationautoscaling_backends
from moto.core.common_models import CloudFormationModel

from ._base import AdapterMixin, adapter


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


@adapter
class ScalableTarget(AdapterMixin, CloudFormationModel):
    def __init__(self, namespace: str, resource_id: str, dimension: str) -> None:
        self.namespace, self.resource_id, self.dimension = namespace, resource_id, dimension
        self.physical_id = f"{resource_id}|{dimension}|{namespace}"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApplicationAutoScaling::ScalableTarget"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ScalableTarget:
        props = cloudformation_json["Properties"]
        backend = applicationautoscaling_backends[account_id][region_name]
        backend.register_scalable_target(
            namespace=props["ServiceNamespace"],
            r_id=props["ResourceId"],
            dimension=props["ScalableDimension"],
            min_capacity=_int(props.get("MinCapacity")),
            max_capacity=_int(props.get("MaxCapacity")),
            role_arn=props.get("RoleARN"),
            suspended_state=props.get("SuspendedState"),
        )
        return cls(props["ServiceNamespace"], props["ResourceId"], props["ScalableDimension"])

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: ScalableTarget,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> ScalableTarget:
        new = cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )
        if new.physical_id != original_resource.physical_id:
            original_resource.delete(account_id, region_name)
        return new

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        resource_id, _, rest = resource_name.partition("|")
        dimension, _, namespace = rest.partition("|")
        cls(namespace, resource_id, dimension).delete(account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = applicationautoscaling_backends[account_id][region_name]
        if backend._scalable_target_exists(self.resource_id, self.dimension):
            backend.deregister_scalable_target(self.namespace, self.resource_id, self.dimension)


@adapter
class ScalingPolicy(AdapterMixin, CloudFormationModel):
    def __init__(self, policy: Any, namespace: str, resource_id: str, dimension: str) -> None:
        self.namespace, self.resource_id, self.dimension = namespace, resource_id, dimension
        self.name = policy.policy_name
        self.physical_id = policy.policy_arn
        self.Arn = policy.policy_arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApplicationAutoScaling::ScalingPolicy"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("Arn",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ScalingPolicy:
        props = cloudformation_json["Properties"]
        if props.get("ScalingTargetId"):
            resource_id, dimension, namespace = props["ScalingTargetId"].split("|")
        else:
            resource_id, dimension, namespace = (
                props["ResourceId"],
                props["ScalableDimension"],
                props["ServiceNamespace"],
            )
        policy_type = props["PolicyType"]
        body_key = {
            "TargetTrackingScaling": "TargetTrackingScalingPolicyConfiguration",
            "StepScaling": "StepScalingPolicyConfiguration",
        }.get(policy_type, "PredictiveScalingPolicyConfiguration")
        backend = applicationautoscaling_backends[account_id][region_name]
        policy = backend.put_scaling_policy(
            policy_name=props["PolicyName"],
            service_namespace=namespace,
            resource_id=resource_id,
            scalable_dimension=dimension,
            policy_body=props.get(body_key) or {},
            policy_type=policy_type,
        )
        return cls(policy, namespace, resource_id, dimension)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = applicationautoscaling_backends[account_id][region_name]
        backend.delete_scaling_policy(self.name, self.namespace, self.resource_id, self.dimension)
