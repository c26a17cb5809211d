"""Model Monitor is opt-in: AWS closed it to new customers, so the reference app deploys no schedule, and an
existing customer who sets ``model_monitor`` gets the schedule under the construct ids it always had.

The "customer" app is config/demo.yaml with ``model_monitor`` set on the churn endpoint, synthesized once in
strict mode (every pack; an unacknowledged finding raises)."""

from __future__ import annotations

import re

import pytest
import yaml
from aws_cdk.assertions import Annotations, Match, Template

from cdk_secure_ml.config import load_config
from cdk_secure_ml.constructs.hosting.monitor import AVAILABILITY_WARNING
from cdk_secure_ml.policies.acknowledgements import flatten_cfn_reference
from cdk_secure_ml.stacks.reference_app import build_reference_app

from .conftest import ROOT, strict_app

SCHEDULE = "AWS::SageMaker::MonitoringSchedule"
JOB = "AWS::SageMaker::DataQualityJobDefinition"
#: The construct ids under the endpoint that Model Monitor has always used (public API: a different id
#: would replace an existing customer's schedule, and its custom name would make that replacement fail).
MONITOR_IDS = ("MonitorRole", "MonitorPolicy", "DataQualityJob", "MonitoringSchedule")


@pytest.fixture(scope="module")
def customer_app(tmp_path_factory):
    """config/demo.yaml plus ``model_monitor`` on churn, as an existing Model Monitor customer writes it."""
    document = yaml.safe_load((ROOT / "config" / "demo.yaml").read_text())
    (churn,) = [e for e in document["endpoints"] if e["name"] == "churn"]
    churn["model_monitor"] = {"schedule_expression": "cron(0 * ? * * *)"}
    path = tmp_path_factory.mktemp("customer") / "demo-with-model-monitor.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    app, stage = build_reference_app(load_config(path), app=strict_app())
    app.synth()
    return stage


#: Their logical ids in the demo's serving stack, as deployed before Model Monitor became opt-in (templates
#: of main at the start of 2026-11-30's night session): a change would replace a deployed schedule.
DEPLOYED_LOGICAL_IDS = {
    "ChurnEndpointMonitorRole65AE92F5": "AWS::IAM::Role",
    "ChurnEndpointMonitorPolicy3AA5353F": "AWS::IAM::ManagedPolicy",
    "ChurnEndpointDataQualityJob20689433": JOB,
    "ChurnEndpointMonitoringSchedule8B15FA28": SCHEDULE,
}


def _monitor_ids(serving) -> dict[str, str]:
    """Logical id -> type of the Model Monitor resources under the churn endpoint (none when it has none)."""
    endpoint = serving.endpoints["churn"]
    resources = Template.from_stack(serving).to_json()["Resources"]
    ids: dict[str, str] = {}
    for construct_id in MONITOR_IDS:
        child = endpoint.node.try_find_child(construct_id)
        if child is not None:
            logical_id = serving.get_logical_id(child.node.default_child or child)
            ids[logical_id] = resources[logical_id]["Type"]
    return ids


@pytest.mark.aws_behaviour("sagemaker.model-monitor-closed-to-new-customers")
def test_the_reference_app_deploys_no_model_monitor_but_keeps_data_capture(demo_app):
    config, stage, _ = demo_app
    assert all(endpoint.model_monitor is None for endpoint in config.endpoints)
    t = Template.from_stack(stage.serving)
    t.resource_count_is(SCHEDULE, 0)
    t.resource_count_is(JOB, 0)
    assert _monitor_ids(stage.serving) == {}
    # data capture (the inference record) stays on: its API has no such restriction
    endpoint_config = next(iter(t.find_resources("AWS::SageMaker::EndpointConfig").values()))["Properties"]
    assert endpoint_config["DataCaptureConfig"]["EnableCapture"] is True
    Annotations.from_stack(stage.serving).has_no_warning("*", Match.string_like_regexp("Model Monitor"))


@pytest.mark.aws_behaviour("sagemaker.model-monitor-closed-to-new-customers")
def test_an_existing_customer_gets_the_schedule_under_its_old_ids_with_a_warning(customer_app):
    serving = customer_app.serving
    endpoint = serving.endpoints["churn"]
    assert _monitor_ids(serving) == DEPLOYED_LOGICAL_IDS
    assert endpoint.node.find_child("MonitoringSchedule") is endpoint.monitoring_schedule
    t = Template.from_stack(serving)
    t.has_resource_properties(SCHEDULE, {"MonitoringScheduleName": "churn-data-quality"})
    job = next(iter(t.find_resources(JOB).values()))["Properties"]
    output = job["DataQualityJobOutputConfig"]["MonitoringOutputs"][0]["S3Output"]["S3Uri"]
    assert flatten_cfn_reference(output).endswith(f"/research/model-monitor/{endpoint.endpoint_name}")
    warning = Match.string_like_regexp(re.escape(AVAILABILITY_WARNING))
    Annotations.from_stack(serving).has_warning(f"/{endpoint.node.path}/DataQualityMonitor", warning)


@pytest.mark.aws_behaviour("sagemaker.delete-monitoring-schedule-keeps-history")
def test_turning_model_monitor_off_removes_only_its_own_resources(demo_app, customer_app):
    """Day 2 (docs/hosting.md): a deployment that had the schedule and drops ``model_monitor`` loses the
    schedule, its job definition, role and policy; every other resource of the serving stack stays the same,
    and the reports stay in the data bucket (another stack, retained)."""
    _, stage, _ = demo_app
    before = Template.from_stack(customer_app.serving).to_json()["Resources"]
    after = Template.from_stack(stage.serving).to_json()["Resources"]
    removed = {lid: before[lid]["Type"] for lid in before.keys() - after.keys()}
    assert removed == _monitor_ids(customer_app.serving) == DEPLOYED_LOGICAL_IDS
    assert after.keys() <= before.keys()
    # (CDK's own metadata resource counts the constructs: not a resource of the account)
    changed = [lid for lid, resource in after.items()
               if resource != before[lid] and resource["Type"] != "AWS::CDK::Metadata"]
    assert changed == []
    # the reports' bucket belongs to the Foundation stack and is retained: no update of Serving deletes them
    foundation = customer_app.foundation
    bucket = foundation.data_bucket.bucket.node.default_child
    bucket_id = foundation.get_logical_id(bucket)
    resources = Template.from_stack(foundation).to_json()["Resources"]
    assert resources[bucket_id]["DeletionPolicy"] == "Retain"
    assert bucket_id not in before


@pytest.mark.aws_behaviour("sagemaker.execution-role-pulls-images")
def test_the_monitoring_role_pulls_the_analyzer_image_of_its_region(customer_app):
    """The monitoring job runs as MonitorRole, which pulls the Model Monitor analyzer image: that one
    repository of AWS's analyzer account of the region (us-east-1: 156813124566), and nothing else."""
    from cdk_secure_ml.core.model_monitor_images import MODEL_MONITOR_IMAGE_ACCOUNTS

    serving = customer_app.serving
    policy = serving.endpoints["churn"].node.find_child("MonitorPolicy")
    document = Template.from_stack(serving).to_json()["Resources"][
        serving.get_logical_id(policy.node.default_child)]["Properties"]["PolicyDocument"]
    pulls = [s for s in document["Statement"] if "ecr:BatchGetImage" in s["Action"]]
    account = MODEL_MONITOR_IMAGE_ACCOUNTS["us-east-1"]
    assert [(s["Sid"], s["Resource"]) for s in pulls] == [(
        "PullAnalyzerImage", f"arn:aws:ecr:us-east-1:{account}:repository/sagemaker-model-monitor-analyzer"
    )]
    token = [s for s in document["Statement"] if s["Action"] == "ecr:GetAuthorizationToken"]
    assert [t["Resource"] for t in token] == ["*"]
