"""AWS::CloudTrail::Trail (a placeholder in moto 5.2) through moto's CloudTrail backend.

As in CloudFormation, ``IsLogging`` starts or stops logging; event and insight selectors are stored.
"""

from __future__ import annotations

from typing import Any

from moto.cloudtrail.models import cloudtrail_backends
from moto.core.common_models import CloudFormationModel

from ._base import AdapterMixin, adapter, as_bool, cfn_tags


def _apply(trail: Any, props: dict[str, Any]) -> None:
    if props.get("EventSelectors") or props.get("AdvancedEventSelectors"):
        trail.put_event_selectors(
            props.get("EventSelectors") or [], props.get("AdvancedEventSelectors") or []
        )
    if props.get("InsightSelectors"):
        trail.put_insight_selectors(props["InsightSelectors"])
    if as_bool(props.get("IsLogging")):
        trail.start_logging()
    else:
        trail.stop_logging()


@adapter
class Trail(AdapterMixin, CloudFormationModel):
    def __init__(self, trail: Any) -> None:
        self.trail = trail
        self.physical_id = trail.trail_name
        self.Arn = trail.arn
        self.SnsTopicArn = getattr(trail, "topic_arn", None)

    @staticmethod
    def cloudformation_name_type() -> str:
        return "TrailName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudTrail::Trail"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("Arn", "SnsTopicArn")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Trail:
        props = cloudformation_json["Properties"]
        backend = cloudtrail_backends[account_id][region_name]
        trail = backend.create_trail(
            name=props.get("TrailName", resource_name),
            bucket_name=props["S3BucketName"],
            s3_key_prefix=props.get("S3KeyPrefix"),
            sns_topic_name=props.get("SnsTopicName"),
            is_global=as_bool(props.get("IncludeGlobalServiceEvents"), default=True),
            is_multi_region=as_bool(props.get("IsMultiRegionTrail")),
            log_validation=as_bool(props.get("EnableLogFileValidation")),
            is_org_trail=as_bool(props.get("IsOrganizationTrail")),
            cw_log_group_arn=props.get("CloudWatchLogsLogGroupArn"),
            cw_role_arn=props.get("CloudWatchLogsRoleArn"),
            kms_key_id=props.get("KMSKeyId"),
            tags_list=cfn_tags(props),
        )
        _apply(trail, props)
        return cls(trail)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = cloudtrail_backends[account_id][region_name]
        if resource_name in backend.trails:
            backend.delete_trail(resource_name)
