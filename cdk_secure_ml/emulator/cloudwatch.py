"""AWS::CloudWatch::Alarm (a placeholder in moto 5.2) through moto's CloudWatch backend, and alarm actions.

Metric alarms and metric-math alarms (``Metrics``) are both created; composite alarms are a
different type (AWS::CloudWatch::CompositeAlarm) and not emulated.

moto changes an alarm's state on SetAlarmState but runs none of its actions and has no alarm history.
:func:`install` adds both: when an alarm enters a state, each SNS action of that state is published as
``cloudwatch.amazonaws.com`` (with the alarm's ARN and account as ``aws:SourceArn`` / ``aws:SourceAccount``),
if the topic's access policy allows it (:func:`emulator.sns.topic_policy_allows`). Otherwise nothing is
sent and the alarm history records the failed action with AWS's message, as AWS does
(https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger). DescribeAlarmHistory
answers from that history. :func:`fire_alarm` is the demo's view of it: an alarm set to ALARM, and what
arrives on an SQS queue subscribed to its topics.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from moto.cloudwatch.models import Alarm as MotoAlarm
from moto.cloudwatch.models import (
    CloudWatchBackend,
    Dimension,
    Metric,
    MetricDataQuery,
    MetricStat,
    cloudwatch_backends,
)
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

from ._base import AdapterMixin, adapter, as_bool, cfn_tags
from .refusals import Refused, refuse

CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"
_installed = False


def install() -> None:
    """Alarm actions on state changes, and DescribeAlarmHistory (this process only). Idempotent."""
    global _installed
    if _installed:
        return
    moto_set_alarm_state = CloudWatchBackend.set_alarm_state

    def set_alarm_state(self: CloudWatchBackend, alarm_name: str, reason: str, reason_data: str,
                        state_value: str) -> None:
        alarm = self.alarms.get(alarm_name)
        old = alarm.state_value if alarm is not None else None
        moto_set_alarm_state(self, alarm_name, reason, reason_data, state_value)
        alarm = self.alarms[alarm_name]
        if old != state_value:
            _history(self).append(
                _item(
                    alarm,
                    "StateUpdate",
                    f"Alarm updated from {old} to {state_value}",
                    {
                        "oldState": {"stateValue": old},
                        "newState": {"stateValue": state_value, "stateReason": reason},
                    },
                )
            )
            run_actions(self, alarm, old)

    CloudWatchBackend.set_alarm_state = set_alarm_state  # type: ignore[method-assign]

    def describe_alarm_history(self: CloudWatchResponse) -> ActionResult:
        name = self._get_param("AlarmName")
        kind = self._get_param("HistoryItemType")
        items = [
            i
            for i in _history(self.cloudwatch_backend)
            if (name is None or i["AlarmName"] == name) and (kind is None or i["HistoryItemType"] == kind)
        ]
        ascending = self._get_param("ScanBy") == "TimestampAscending"
        items = sorted(items, key=lambda i: i["Timestamp"], reverse=not ascending)
        return ActionResult({"AlarmHistoryItems": items[: int(self._get_param("MaxRecords") or 100)]})

    describe_alarm_history.__name__ = describe_alarm_history.__qualname__ = "describe_alarm_history"
    CloudWatchResponse.describe_alarm_history = describe_alarm_history  # type: ignore[attr-defined]
    _installed = True


def _history(backend: CloudWatchBackend) -> list[dict[str, Any]]:
    """The emulator's alarm history, on moto's backend object (a moto reset empties it)."""
    return backend.__dict__.setdefault("_emulator_alarm_history", [])


def _item(alarm: MotoAlarm, kind: str, summary: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "AlarmName": alarm.name,
        "AlarmType": "MetricAlarm",
        "Timestamp": utcnow(),
        "HistoryItemType": kind,
        "HistorySummary": summary,
        "HistoryData": json.dumps(data),
    }


def _actions_for(alarm: MotoAlarm, state: str) -> list[str]:
    return list(
        {
            "ALARM": alarm.alarm_actions,
            "OK": alarm.ok_actions,
            "INSUFFICIENT_DATA": alarm.insufficient_data_actions,
        }.get(state)
        or []
    )


def _notification(
    alarm: MotoAlarm, old_state: str | None, account_id: str, region_name: str
) -> tuple[str, str]:
    """(subject, message) of CloudWatch's alarm notification (the JSON fields AWS sends)."""
    message = {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account_id,
        "NewStateValue": alarm.state_value,
        "NewStateReason": alarm.state_reason,
        "StateChangeTime": alarm.state_updated_timestamp.isoformat(),
        "Region": region_name,
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old_state,
        "Trigger": {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "Threshold": alarm.threshold,
            "ComparisonOperator": alarm.comparison_operator,
            "Dimensions": [{"name": d.name, "value": d.value} for d in alarm.dimensions or []],
        },
    }
    return f'{alarm.state_value}: "{alarm.name}" in {region_name}'[:100], json.dumps(message)


def run_actions(backend: CloudWatchBackend, alarm: MotoAlarm, old_state: str | None) -> None:
    """Publish the alarm's SNS actions of its new state, as CloudWatch would; record each outcome."""
    from moto.sns.models import sns_backends

    from .sns import topic_policy_allows

    if not alarm.actions_enabled:
        return
    account_id, region_name = backend.account_id, backend.region_name
    for action in _actions_for(alarm, alarm.state_value):
        if not action.startswith("arn:") or action.split(":")[2] != "sns":
            continue  # EC2, Auto Scaling and SSM actions are not emulated
        topic_region = action.split(":")[3]
        context = {
            "aws:SourceArn": alarm.alarm_arn,
            "aws:SourceAccount": account_id,
            "aws:SourceOwner": account_id,
            "aws:SecureTransport": "true",
        }
        try:
            allowed, why = topic_policy_allows(
                account_id, topic_region, action, service=CLOUDWATCH_PRINCIPAL, context=context
            )
            if not allowed:
                refuse(
                    "sns.topic-policy-allows-cloudwatch-alarms",
                    f"Resource: {alarm.alarm_arn} is not authorized to perform: SNS:Publish on resource: "
                    f"{action} ({why})",
                    code="AuthorizationError",
                )
            subject, message = _notification(alarm, old_state, account_id, region_name)
            sns_backends[account_id][topic_region].publish(message, arn=action, subject=subject)
        except Refused as refused:
            _history(backend).append(
                _item(
                    alarm,
                    "Action",
                    f"Failed to execute action {action}",
                    {
                        "actionState": "Failed",
                        "notificationResource": action,
                        "error": getattr(refused, "message", str(refused)),
                    },
                )
            )
            continue
        except Exception as error:  # noqa: BLE001 - any other failure is a failed action too, as in AWS
            _history(backend).append(
                _item(
                    alarm,
                    "Action",
                    f"Failed to execute action {action}",
                    {"actionState": "Failed", "notificationResource": action, "error": str(error)},
                )
            )
            continue
        _history(backend).append(
            _item(
                alarm,
                "Action",
                f"Successfully executed action {action}",
                {"actionState": "Succeeded", "notificationResource": action},
            )
        )


def fire_alarm(
    client_factory: Callable[[str], Any], alarm_name: str, state: str = "ALARM"
) -> list[dict[str, Any]]:
    """Set ``alarm_name`` to ``state`` and return the SNS notifications that arrive on an SQS queue
    subscribed to each SNS action of that state (the demo: "an alarm notification reaches its subscribers").

    ``client_factory(service)`` returns a boto3 client of the emulated account (``Emulator.client``). The
    queue and subscription are created here (``alarm-<hash of the topic ARN>``). An alarm already in
    ``state`` is first set to another state, because CloudWatch acts on transitions only. An empty list
    means nothing arrived: DescribeAlarmHistory (HistoryItemType ``Action``) says why.

    :returns: the SNS envelopes (``Type``, ``TopicArn``, ``Subject``, ``Message`` with the alarm JSON).
    """
    cloudwatch, sns, sqs = client_factory("cloudwatch"), client_factory("sns"), client_factory("sqs")
    alarms = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    if not alarms:
        raise ValueError(f"no alarm named {alarm_name!r}")
    alarm = alarms[0]
    key = {"ALARM": "AlarmActions", "OK": "OKActions", "INSUFFICIENT_DATA": "InsufficientDataActions"}[state]
    topics = [a for a in alarm.get(key, []) if a.split(":")[2:3] == ["sns"]]
    if alarm["StateValue"] == state:
        other = "OK" if state != "OK" else "INSUFFICIENT_DATA"
        cloudwatch.set_alarm_state(AlarmName=alarm_name, StateValue=other, StateReason="reset by fire_alarm")
    queues = []
    for topic in topics:
        name = f"alarm-{hashlib.sha256(topic.encode()).hexdigest()[:12]}"
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        _drain(sqs, url)  # what an earlier call left
        queues.append(url)
    cloudwatch.set_alarm_state(
        AlarmName=alarm_name, StateValue=state, StateReason="set by fire_alarm (emulator demo)"
    )
    return [message for url in queues for message in _drain(sqs, url)]


def _drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Receive and delete every message of the queue; their bodies, parsed."""
    received = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not messages:
            return received
        for message in messages:
            received.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _queries(metrics: list[dict[str, Any]] | None) -> list[MetricDataQuery] | None:
    if not metrics:
        return None
    queries = []
    for query in metrics:
        stat = query.get("MetricStat")
        metric_stat = None
        if stat:
            metric = stat["Metric"]
            dimensions = [Dimension(d["Name"], d["Value"]) for d in metric.get("Dimensions") or []]
            metric_stat = MetricStat(
                Metric(metric["MetricName"], metric["Namespace"], dimensions),
                str(stat["Period"]),
                stat["Stat"],
                stat.get("Unit"),
            )
        queries.append(
            MetricDataQuery(
                query["Id"],
                query.get("Label"),
                str(query.get("Period", "")),
                str(query.get("ReturnData", True)).lower(),
                query.get("Expression"),
                metric_stat,
            )
        )
    return queries


@adapter
class Alarm(AdapterMixin, CloudFormationModel):
    def __init__(self, alarm: Any) -> None:
        self.alarm = alarm
        self.physical_id = alarm.name
        self.Arn = alarm.alarm_arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

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
    ) -> Alarm:
        props = cloudformation_json["Properties"]
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=props.get("AlarmName", resource_name),
            namespace=props.get("Namespace"),
            metric_name=props.get("MetricName"),
            comparison_operator=props["ComparisonOperator"],
            evaluation_periods=int(props["EvaluationPeriods"]),
            period=int(props["Period"]) if props.get("Period") else None,
            threshold=float(props["Threshold"]) if props.get("Threshold") is not None else None,
            statistic=props.get("Statistic"),
            description=props.get("AlarmDescription"),
            dimensions=[{"Name": d["Name"], "Value": d["Value"]} for d in props.get("Dimensions") or []],
            alarm_actions=props.get("AlarmActions") or [],
            metric_data_queries=_queries(props.get("Metrics")),
            datapoints_to_alarm=int(props["DatapointsToAlarm"]) if props.get("DatapointsToAlarm") else None,
            extended_statistic=props.get("ExtendedStatistic"),
            ok_actions=props.get("OKActions") or [],
            insufficient_data_actions=props.get("InsufficientDataActions") or [],
            unit=props.get("Unit"),
            actions_enabled=as_bool(props.get("ActionsEnabled"), default=True),
            treat_missing_data=props.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=props.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=props.get("ThresholdMetricId"),
            tags=cfn_tags(props),
        )
        return cls(alarm)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Alarm,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Alarm:
        cloudformation_json["Properties"].setdefault("AlarmName", original_resource.physical_id)
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        cloudwatch_backends[account_id][region_name].delete_alarms([resource_name])
