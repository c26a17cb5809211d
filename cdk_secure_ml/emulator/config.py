"""AWS Config: AWS::Config::ConfigRule, ConfigurationRecorder and DeliveryChannel (placeholders in
moto 5.2) through moto's Config backend.

As CloudFormation does, the recorder starts as soon as both it and a delivery channel exist.
(This module is ``emulator.config``; it does not shadow the project's ``config/`` folder, which
holds YAML files, nor ``cdk_secure_ml.config``.)

Refusals (:func:`install` wraps moto's backend, so the API and the CloudFormation adapters both hit them):

- a second configuration recorder or delivery channel in a region (moto refuses too; the wrapper names
  the behaviour and its source);
- a delivery channel before any recorder;
- a delivery channel to a bucket with Object Lock. AWS documents the refusal but not its error code;
  PutDeliveryChannel test-writes to the bucket and reports a failed write as
  InsufficientDeliveryPolicyException, the code used here;
- a delivery channel whose test write would fail: Config writes to a bucket of its own account as the
  recorder's role, so the role's policies must allow ``s3:PutObject`` under ``AWSLogs/<account>/`` and no
  Deny of the bucket policy may match the role (a service-linked role writes as the service principal,
  which the bucket policy must allow). :mod:`emulator.iam_eval` evaluates the statements; a role the
  emulator does not hold is not checked;
- through CloudFormation, a delivery channel that does not depend on the configuration recorder of its
  own template: CloudFormation creates resources without a dependency in parallel, so the channel may
  come first (moto creates them in template order, which would hide the race).
"""

from __future__ import annotations

import json
from typing import Any

from moto.config.models import config_backends
from moto.core.common_models import CloudFormationModel

from ._base import AdapterMixin, adapter, cfn_tags
from .refusals import refuse


def _bucket_has_object_lock(account_id: str, name: str) -> bool:
    from moto.s3.models import s3_backends

    for backend in s3_backends[account_id].values():
        bucket = backend.buckets.get(name)
        if bucket is not None:
            return bool(bucket.object_lock_enabled)
    return False


def install() -> None:
    """Called once by :func:`emulator.server.install_adapters`: wrap moto's Config backend."""
    from moto.config.models import ConfigBackend

    if getattr(ConfigBackend, "_secure_ml_refusals", False):
        return
    put_recorder = ConfigBackend.put_configuration_recorder
    put_channel = ConfigBackend.put_delivery_channel

    def put_configuration_recorder(self: Any, config_recorder: dict[str, Any]) -> Any:
        name = config_recorder.get("name")
        others = [n for n in self.recorders if n != name]
        if others:
            refuse("config.one-recorder-per-region",
                   f"Failed to put configuration recorder '{name}': recorder '{others[0]}' already exists in "
                   f"{self.region_name}; an account has one configuration recorder per Region",
                   code="MaxNumberOfConfigurationRecordersExceededException")
        return put_recorder(self, config_recorder)

    def put_delivery_channel(self: Any, delivery_channel: dict[str, Any]) -> Any:
        name = delivery_channel.get("name")
        if not self.recorders:
            refuse("config.delivery-channel-needs-recorder",
                   f"Cannot put delivery channel '{name}': there is no configuration recorder in "
                   f"{self.region_name}; create the recorder first",
                   code="NoAvailableConfigurationRecorderException")
        others = [n for n in self.delivery_channels if n != name]
        if others:
            refuse("config.one-delivery-channel-per-region",
                   f"Failed to put delivery channel '{name}': delivery channel '{others[0]}' already exists "
                   f"in {self.region_name}; an account has one delivery channel per Region",
                   code="MaxNumberOfDeliveryChannelsExceededException")
        bucket = delivery_channel.get("s3BucketName") or ""
        if bucket and _bucket_has_object_lock(self.account_id, bucket):
            refuse("config.delivery-bucket-no-object-lock",
                   f"Insufficient delivery policy to s3 bucket: {bucket}, unable to write to bucket: the "
                   "bucket "
                   "has Object Lock enabled, which AWS Config does not support for delivery",
                   code="InsufficientDeliveryPolicyException")
        problem = _delivery_problem(self, delivery_channel)
        if problem:
            refuse("config.same-account-delivery-uses-recorder-role",
                   f"Insufficient delivery policy to s3 bucket: {bucket}, unable to write to bucket: "
                   f"{problem}",
                   code="InsufficientDeliveryPolicyException")
        return put_channel(self, delivery_channel)

    ConfigBackend.put_configuration_recorder = put_configuration_recorder  # type: ignore[method-assign]
    ConfigBackend.put_delivery_channel = put_delivery_channel  # type: ignore[method-assign]
    ConfigBackend._secure_ml_refusals = True  # type: ignore[attr-defined]


def _delivery_problem(backend: Any, channel: dict[str, Any]) -> str | None:
    """Why Config's test write to the channel's bucket would fail, or None. Only a bucket the emulator
    holds is checked (a bucket of another account is not emulated)."""
    from moto.iam.models import iam_backends
    from moto.s3.models import s3_backends

    from .iam_eval import allows, denies

    name = channel.get("s3BucketName") or ""
    bucket = next(
        (b.buckets[name] for b in s3_backends[backend.account_id].values() if name in b.buckets), None
    )
    recorder = next(iter(backend.recorders.values()), None)
    if bucket is None or recorder is None:
        return None
    prefix = channel.get("s3KeyPrefix")
    folder = prefix.rstrip("/") + "/" if prefix else ""
    key = f"{folder}AWSLogs/{backend.account_id}/Config/ConfigWritabilityCheckFile"
    request = {
        "action": "s3:PutObject",
        "resource": f"arn:aws:s3:::{name}/{key}",
        "context": {
            "aws:SecureTransport": "true",
            "s3:x-amz-acl": "bucket-owner-full-control",
            "s3:TlsVersion": "1.3",
        },
    }
    bucket_policy = json.loads(bucket.policy) if bucket.policy else {}
    role_arn = recorder.role_arn
    if ":role/aws-service-role/" in role_arn:
        request["context"] |= {
            "aws:PrincipalServiceName": "config.amazonaws.com",
            "aws:SourceAccount": backend.account_id,
        }
        principal = {"Service": "config.amazonaws.com"}
        if not allows([bucket_policy], request, principal=principal):
            return (
                "the recorder uses the service-linked role, so Config writes as config.amazonaws.com, "
                "and the bucket policy does not allow it s3:PutObject"
            )
        if denies([bucket_policy], request, principal=principal):
            return "a Deny of the bucket policy matches config.amazonaws.com"
        return None
    request["context"] |= {"aws:PrincipalArn": role_arn, "aws:PrincipalAccount": backend.account_id}
    try:
        role = iam_backends[backend.account_id]["aws"].get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - moto raises its own NotFound types
        # A role the emulator does not hold (a test's placeholder ARN): nothing to evaluate, so no refusal.
        return None
    documents = [json.loads(d) if isinstance(d, str) else d for d in role.policies.values()]
    for policy in role.managed_policies.values():
        version = next((v for v in policy.versions if v.is_default), None)
        if version is not None and version.document:
            documents.append(
                json.loads(version.document) if isinstance(version.document, str) else version.document
            )
    if not allows(documents, request):
        return (
            f"Config writes to a bucket of its own account as the recorder's role {role_arn}, whose "
            f"policies do not allow s3:PutObject on {request['resource']}"
        )
    if denies([bucket_policy], request, principal={"AWS": role_arn}):
        return f"a Deny of the bucket policy matches the recorder's role {role_arn}"
    return None


def _references(node: Any) -> set[str]:
    """Logical ids a template fragment refers to (Ref, Fn::GetAtt, Fn::Sub)."""
    import re

    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".")[0]
                found.add(target)
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", str(text))}
            found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


def depends_on(resources: dict[str, Any], logical_id: str) -> set[str]:
    """Every logical id ``logical_id`` depends on, directly or not (DependsOn and references)."""
    seen: set[str] = set()
    todo = [logical_id]
    while todo:
        resource = resources.get(todo.pop()) or {}
        direct = resource.get("DependsOn") or []
        direct = [direct] if isinstance(direct, str) else list(direct)
        for target in {*direct, *_references(resource.get("Properties") or {})}:
            if target in resources and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _template_resources(account_id: str, region_name: str, stack_id: str | None) -> dict[str, Any]:
    from moto.cloudformation.models import cloudformation_backends

    stack = cloudformation_backends[account_id][region_name].stacks.get(stack_id or "")
    template = getattr(getattr(stack, "resource_map", None), "_template", None) or {}
    return template.get("Resources") or {}


def camel(value: Any) -> Any:
    """CloudFormation's PascalCase keys → the Config API's camelCase keys (S3BucketName → s3BucketName)."""
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel(item) for item in value]
    return value


def _start_recorders(backend: Any) -> None:
    if not backend.delivery_channels:
        return
    for name, recorder in backend.recorders.items():
        if not recorder.status.recording:
            backend.start_configuration_recorder(name)


@adapter
class ConfigRule(AdapterMixin, CloudFormationModel):
    def __init__(self, name: str, rule: dict[str, Any]) -> None:
        self.physical_id = name
        self.Arn = rule.get("ConfigRuleArn")
        self.ConfigRuleId = rule.get("ConfigRuleId")
        self.Compliance_Type = "COMPLIANT"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "ConfigRuleName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Config::ConfigRule"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("Arn", "ConfigRuleId", "Compliance.Type")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ConfigRule:
        props = dict(cloudformation_json["Properties"])
        props.setdefault("ConfigRuleName", resource_name)
        tags = cfn_tags(props)
        props.pop("Tags", None)
        props.pop("Compliance", None)
        if isinstance(props.get("InputParameters"), dict):
            # The API takes a JSON string whose values are strings.
            props["InputParameters"] = json.dumps({k: str(v) for k, v in props["InputParameters"].items()})
        backend = config_backends[account_id][region_name]
        backend.put_config_rule(props, tags)
        name = props["ConfigRuleName"]
        return cls(name, backend.describe_config_rules([name], None)["ConfigRules"][0])

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: ConfigRule,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> ConfigRule:
        cloudformation_json["Properties"].setdefault("ConfigRuleName", original_resource.physical_id)
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = config_backends[account_id][region_name]
        if resource_name in backend.config_rules:
            backend.delete_config_rule(resource_name)


@adapter
class ConfigurationRecorder(AdapterMixin, CloudFormationModel):
    def __init__(self, name: str) -> None:
        self.physical_id = name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Config::ConfigurationRecorder"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ConfigurationRecorder:
        recorder = camel(cloudformation_json["Properties"])
        recorder.setdefault("name", resource_name)
        backend = config_backends[account_id][region_name]
        backend.put_configuration_recorder(recorder)
        _start_recorders(backend)
        return cls(recorder["name"])

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = config_backends[account_id][region_name]
        if resource_name in backend.recorders:
            backend.stop_configuration_recorder(resource_name)
            backend.delete_configuration_recorder(resource_name)


@adapter
class DeliveryChannel(AdapterMixin, CloudFormationModel):
    def __init__(self, name: str) -> None:
        self.physical_id = name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Config::DeliveryChannel"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> DeliveryChannel:
        resources = _template_resources(account_id, region_name, kwargs.get("StackId"))
        logical_id = kwargs.get("LogicalId", "")
        recorders = {k for k, r in resources.items() if r.get("Type") == "AWS::Config::ConfigurationRecorder"}
        missing = sorted(recorders - depends_on(resources, logical_id))
        if missing:
            refuse(
                "config.delivery-channel-needs-recorder",
                f"{logical_id}: the delivery channel does not depend on the configuration recorder "
                f"{missing[0]} "
                "of its template, so CloudFormation may create it first; add DependsOn",
                code="NoAvailableConfigurationRecorderException",
            )
        channel = camel(cloudformation_json["Properties"])
        channel.setdefault("name", resource_name)
        backend = config_backends[account_id][region_name]
        backend.put_delivery_channel(channel)
        _start_recorders(backend)
        return cls(channel["name"])

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = config_backends[account_id][region_name]
        if resource_name in backend.delivery_channels:
            for name, recorder in backend.recorders.items():
                if recorder.status.recording:
                    backend.stop_configuration_recorder(name)
            backend.delete_delivery_channel(resource_name)
