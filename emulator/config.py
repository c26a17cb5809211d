"""AWS Config: AWS::Config::ConfigRule, ConfigurationRecorder and DeliveryChannel (placeholders in
moto 5.2) through moto's Config backend.

As CloudFormation does, the recorder starts as soon as both it and a delivery channel exist.
(This module is ``emulator.config``; it does not shadow the project's ``config/`` folder, which
holds YAML files, nor ``cdk_secure_ml.config``.)
"""

from __future__ import annotations

import json
from typing import Any

from moto.config.models import config_backends
from moto.core.common_models import CloudFormationModel

from ._base import AdapterMixin, adapter, cfn_tags


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
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
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
        cls, original_resource: ConfigRule, new_resource_name: str, cloudformation_json: dict[str, Any],
        account_id: str, region_name: str,
    ) -> ConfigRule:
        cloudformation_json["Properties"].setdefault("ConfigRuleName", original_resource.physical_id)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

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
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
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
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> DeliveryChannel:
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
