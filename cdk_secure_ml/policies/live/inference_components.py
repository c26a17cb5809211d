"""The live audit of endpoints built on inference components (``InferenceComponentEndpoint``).

Such an endpoint's config names no model on its variants: the config itself carries ``VpcConfig`` and
``EnableNetworkIsolation`` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html),
so SML-NET-5/6/7 are checked on the config; its instances scale with managed instance scaling and its models'
copies with Application Auto Scaling targets ``inference-component/<name>``
(https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html), so
SML-HOST-3 is checked there instead of on variant targets; and each component carries the team tag
(SML-HOST-101). Data capture (SML-HOST-4) is not evaluated on these configs: the platform builds them
without ``DataCaptureConfig`` and acknowledges SML-HOST-4 in the template with the same reason
(docs/hosting.md, "Inference components").
"""

from __future__ import annotations

from typing import Any, Protocol

COPY_COUNT_DIMENSION = "sagemaker:inference-component:DesiredCopyCount"
#: The tag key a component's team is read from (the platform's default ``identity.team_tag_key``).
TEAM_TAG_KEY = "team"


class _Auditor(Protocol):
    def call(self, service: str, operation: str, **kwargs: Any) -> dict[str, Any]: ...
    def pages(self, service: str, operation: str, key: str, **kwargs: Any) -> list[Any]: ...
    def verdict(self, rule: str, resource: str, resource_type: str, problems: Any) -> None: ...
    def _vpc_of_subnets(self, subnet_ids: list[str]) -> tuple[str | None, set[str]]: ...
    def _ml_vpc(self, vpc_id: str | None, why: str) -> None: ...


def hosts_inference_components(config: dict[str, Any]) -> bool:
    """An endpoint config whose instance variants all name no model (the template rules' test too)."""
    variants = config.get("ProductionVariants") or []
    return bool(variants) and all(not v.get("ModelName") and not v.get("ServerlessConfig") for v in variants)


def check_config(auditor: _Auditor, name: str, config: dict[str, Any]) -> None:
    """SML-NET-5/6/7 on the config of an inference-component endpoint."""
    kind = "AWS::SageMaker::EndpointConfig"
    vpc = config.get("VpcConfig") or {}
    subnets, groups = vpc.get("Subnets") or [], vpc.get("SecurityGroupIds") or []
    auditor.verdict("SML-NET-5", name, kind, [
        "no VpcConfig: the components' containers run outside your VPC" if not vpc else "",
        "VpcConfig.Subnets is empty" if vpc and not subnets else "",
        "VpcConfig.SecurityGroupIds is empty" if vpc and not groups else "",
    ])
    if subnets:
        vpc_id, zones = auditor._vpc_of_subnets(subnets)
        auditor.verdict("SML-NET-6", name, kind, [
            f"subnets are in {len(zones)} availability zone(s); use 2 or more" if len(zones) < 2 else ""])
        auditor._ml_vpc(vpc_id, f"endpoint config {name}")
    auditor.verdict("SML-NET-7", name, kind, [
        "" if config.get("EnableNetworkIsolation") else "EnableNetworkIsolation is not true"])


def check_endpoint(auditor: _Auditor, name: str, config: dict[str, Any]) -> None:
    """SML-HOST-3 (managed instance scaling; each component's copies scale) and SML-HOST-101 (team tag)."""
    kind = "AWS::SageMaker::Endpoint"
    unscaled = [v.get("VariantName") for v in config.get("ProductionVariants") or []
                if (v.get("ManagedInstanceScaling") or {}).get("Status") != "ENABLED"]
    problems = [
        f"variant(s) {', '.join(map(str, unscaled))} without managed instance scaling" if unscaled else ""
    ]
    for summary in auditor.pages("sagemaker", "list_inference_components", "InferenceComponents",
                                 EndpointNameEquals=name):
        component = summary["InferenceComponentName"]
        resource_id = f"inference-component/{component}"
        targets = auditor.call("application-autoscaling", "describe_scalable_targets",
                               ServiceNamespace="sagemaker", ResourceIds=[resource_id],
                               ScalableDimension=COPY_COUNT_DIMENSION)["ScalableTargets"]
        if targets:
            policies = auditor.call("application-autoscaling", "describe_scaling_policies",
                                    ServiceNamespace="sagemaker", ResourceId=resource_id,
                                    ScalableDimension=COPY_COUNT_DIMENSION)["ScalingPolicies"]
            problems.append("" if policies else f"component {component} has a scalable target but no policy")
        tags = auditor.call("sagemaker", "list_tags", ResourceArn=summary["InferenceComponentArn"])["Tags"]
        auditor.verdict("SML-HOST-101", component, "AWS::SageMaker::InferenceComponent", [
            "" if any(t["Key"] == TEAM_TAG_KEY and t.get("Value") for t in tags)
            else f"no {TEAM_TAG_KEY} tag: the component's owner is unknown to ABAC and cost reports"])
    auditor.verdict("SML-HOST-3", name, kind, problems)
