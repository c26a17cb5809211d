"""AWS::GuardDuty::Detector (a placeholder in moto 5.2) through moto's GuardDuty backend.

:func:`install` makes the backend refuse a second detector in a region, as GuardDuty does
(behaviour ``guardduty.one-detector-per-region``; moto 5.2 would create any number), for the API and
the CloudFormation adapter alike.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.guardduty.models import guardduty_backends

from ._base import AdapterMixin, adapter, as_bool, cfn_tags
from .refusals import refuse


def install() -> None:
    """Called once by :func:`emulator.server.install_adapters`: wrap moto's GuardDuty backend."""
    from moto.guardduty.models import GuardDutyBackend

    if getattr(GuardDutyBackend, "_secure_ml_refusals", False):
        return
    create = GuardDutyBackend.create_detector

    def create_detector(self: Any, *args: Any, **kwargs: Any) -> str:
        if self.detectors:
            refuse("guardduty.one-detector-per-region",
                   f"The request is rejected because a detector already exists for the current account "
                   f"({next(iter(self.detectors))} in {self.region_name})",
                   code="BadRequestException")
        return create(self, *args, **kwargs)

    GuardDutyBackend.create_detector = create_detector  # type: ignore[method-assign]
    GuardDutyBackend._secure_ml_refusals = True  # type: ignore[attr-defined]


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
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
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
