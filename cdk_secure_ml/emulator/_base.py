"""What every adapter shares: the registry and defaults for CloudFormationModel's abstract methods.

An adapter is ``class X(AdapterMixin, CloudFormationModel)`` decorated with :func:`adapter`. It must
subclass ``CloudFormationModel`` directly: moto finds models through ``__subclasses__()``, which
lists direct subclasses only. The registry lets :func:`emulator.server.install_adapters` give
adapters precedence where moto has a model of its own (it would shadow ours, or, for ``Custom::``
types, invoke a Lambda function, which needs docker).
"""

from __future__ import annotations

import json
from typing import Any

from moto.moto_api._internal import mock_random

#: CloudFormation type → adapter class.
ADAPTERS: dict[str, type] = {}
#: The adapted types whose service API moto does not have at all: the emulator emulates the API too
#: (a "stand-in", e.g. :mod:`emulator.sagemaker_standins`), not only the CloudFormation type.
STAND_INS: set[str] = set()


def adapter(cls: type) -> type:
    """Register ``cls`` as the model of ``cls.cloudformation_type()``."""
    ADAPTERS[cls.cloudformation_type()] = cls
    return cls


def stand_in(cls: type) -> type:
    """Register ``cls`` as an adapter whose resource lives in an API the emulator emulates itself
    (moto has none for it); the demo labels these types "[emulator stand-in]"."""
    STAND_INS.add(cls.cloudformation_type())
    return adapter(cls)


def cfn_tags(properties: dict[str, Any]) -> list[dict[str, str]]:
    """CloudFormation ``Tags`` (``[{Key, Value}]``) as a list, also when absent."""
    return [{"Key": t["Key"], "Value": str(t["Value"])} for t in properties.get("Tags") or []]


def as_json_text(value: Any) -> str | None:
    """A policy or parameters object as the JSON text the service APIs take (None stays None)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def as_bool(value: Any, default: bool = False) -> bool:
    """CloudFormation booleans arrive as JSON booleans or as "true"/"false" strings."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def short_id(prefix: str) -> str:
    return f"{prefix}{mock_random.get_random_hex(17)}"


class AdapterMixin:
    """Defaults for the abstract methods; adapters override what they need."""

    #: Set by create_from_cloudformation_json; what Ref returns.
    physical_id: str = ""

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.attributes()

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ()

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name in self.attributes():
            return getattr(self, attribute_name.replace(".", "_"))
        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    def is_created(self) -> bool:
        return True

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """Replace: delete the old resource, create the new one (adapters override for in-place)."""
        cls.delete_from_cloudformation_json(
            original_resource.physical_resource_id, cloudformation_json, account_id, region_name
        )
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        return None
