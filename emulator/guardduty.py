"""AWS::GuardDuty::Detector (a placeholder in moto 5.2) through moto's GuardDuty backend."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.guardduty.models import guardduty_backends

from ._base import AdapterMixin, adapter, as_bool, cfn_tags


@adapter
class Detector(AdapterMixin, CloudFormationModel):
    def __init__(self, detector_id: str) -> None:
        self.physical_id = detector_id
        self.Id = detector_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::GuardDuty::Detector"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("Id",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> Detector:
        props = cloudformation_json["Properties"]
        detector_id = guardduty_backends[account_id][region_name].create_detector(
            enable=as_bool(props.get("Enable")),
            # The service default when the property is absent.
            finding_publishing_frequency=props.get("FindingPublishingFrequency", "SIX_HOURS"),
            data_sources=props.get("DataSources") or {},
            tags={t["Key"]: t["Value"] for t in cfn_tags(props)},
            features=props.get("Features") or [],
        )
        return cls(detector_id)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        guardduty_backends[account_id][region_name].delete_detector(resource_name)
