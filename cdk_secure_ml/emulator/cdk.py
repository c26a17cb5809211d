"""AWS::CDK::Metadata: CDK's version-reporting record. CloudFormation stores it and creates nothing
in the account; the adapter does the same, so the record is a stack resource rather than skipped."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from ._base import AdapterMixin, adapter, short_id


@adapter
class CdkMetadata(AdapterMixin, CloudFormationModel):
    def __init__(self, analytics: str | None) -> None:
        self.analytics = analytics
        self.physical_id = short_id("cdk-metadata-")

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CDK::Metadata"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CdkMetadata:
        return cls(cloudformation_json.get("Properties", {}).get("Analytics"))
