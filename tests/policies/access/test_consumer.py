"""The model consumer's access proofs on config/demo.yaml's assembly (synthesized once per session, with the
compliance packs): it invokes the endpoints named in identity.consumer_endpoint_names and nothing else
(docs/identity.md). The expected decisions come from that promise and the config, never from the policies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from cdk_secure_ml.cli import main
from cdk_secure_ml.policies.access import derive, load_assembly, run
from tests.conftest import ROOT

DEMO = str(ROOT / "config" / "demo.yaml")


@pytest.fixture(scope="module")
def demo_dir(demo_app, tmp_path_factory) -> Path:
    _, _, assembly = demo_app
    copy = tmp_path_factory.mktemp("consumer") / "cdk.out"
    shutil.copytree(assembly.directory, copy)
    return copy


@pytest.fixture(scope="module")
def physical(demo_app) -> str:
    _, stage, _ = demo_app
    resource = stage.serving.endpoints["churn"].endpoint
    template = Template.from_stack(stage.serving).to_json()
    return template["Resources"][stage.serving.get_logical_id(resource)]["Properties"]["EndpointName"]


def _consumer(results):
    return {
        s.name: (s, d)
        for s, d in results
        if s.principal.endswith("ModelConsumerRole") or "model consumer" in s.name
    }


@pytest.mark.aws_behaviour("sagemaker.invoke-endpoint-authorized-on-the-endpoint")
@pytest.mark.aws_behaviour("iam.resource-arn-wildcards")
def test_the_consumer_invokes_its_endpoint_and_nothing_else(demo_dir, physical):
    assembly = load_assembly(demo_dir)
    rows = _consumer(run(assembly, derive(assembly, consumer_endpoints=["churn"])))
    given = f"the model consumer calls InvokeEndpoint on {physical} (given to it)"
    expected = {
        given: "allow",
        "the model consumer invokes churn-v2-0123abcd, an endpoint it was not given": "deny",
        "the model consumer invokes an endpoint it was not given": "deny",
        f"the model consumer calls DescribeEndpoint on {physical}": "deny",
        f"the model consumer calls UpdateEndpoint on {physical}": "deny",
        f"the model consumer calls CreateEndpoint on {physical}": "deny",
    }
    assert {name: rows[name][0].expected for name in expected} == expected
    assert {name: rows[name][1].decision for name in expected} == expected
    # both grants decide it: the persona's policy (endpoint/churn-????????) and the Serving stack's (the ARN)
    deciding = {(h.logical_id[:-8], h.sid) for h in rows[given][1].statements}
    assert deciding == {
        ("PersonasModelConsumer", "InvokeNamedEndpoints"),
        ("ModelConsumerInvoke", "<no Sid>"),
    }


def test_without_the_config_only_the_denials_are_promised(demo_dir):
    assembly = load_assembly(demo_dir)
    unknown = [s for s in derive(assembly) if "model consumer" in s.name]
    assert unknown and {s.expected for s in unknown} == {"deny"}
    assert not any("given to it" in s.name for s in unknown)
    # a config that gives the consumer nothing: its endpoint is denied too (and the policy grants it: differs)
    none_given = run(assembly, derive(assembly, consumer_endpoints=[]))
    rows = [(s, d) for s, d in none_given if s.name.endswith("(not given to it)")]
    # one per endpoint of the demo: churn (a SecureEndpoint) and scoring (inference components)
    assert len(rows) == 2 and {(s.expected, d.decision) for s, d in rows} == {("deny", "allow")}


def test_access_reads_the_config(demo_dir, capsys):
    assert main(["access", str(demo_dir), "--config", DEMO]) == 0
    out = capsys.readouterr().out
    assert "(given to it)" in out and out.rstrip().endswith("0 differ")
    # the flag wins over the config: an endpoint it was not given is allowed by the policies, so it differs
    assert main(["access", str(demo_dir), "--config", DEMO, "--consumer-endpoint", "other"]) == 1
    assert (
        "XX deny     allow (allow)          the model consumer calls InvokeEndpoint"
        in capsys.readouterr().out
    )


def test_a_bad_config_exits_2(demo_dir, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nregion: us-east-1\nidentity: {consumer_endpoint_names: churn}\n")
    assert main(["access", str(demo_dir), "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"--config {bad}" in err and "consumer_endpoint_names" in err
    assert main(["access", str(demo_dir), "--config", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml" in capsys.readouterr().err


def _mutate(demo_dir: Path, tmp_path: Path, change) -> Path:
    copy = tmp_path / "cdk.out"
    shutil.copytree(demo_dir, copy)
    for template in copy.rglob("*.template.json"):
        data = json.loads(template.read_text())
        if change(data["Resources"]):
            template.write_text(json.dumps(data))
    return copy


def test_mutation_remove_the_consumer_grants(demo_dir, tmp_path, capsys):
    def drop(resources):
        changed = False
        for lid, res in resources.items():
            if res["Type"] == "AWS::IAM::ManagedPolicy" and "ModelConsumer" in lid:
                res["Properties"]["PolicyDocument"]["Statement"] = [
                    {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}
                ]
                changed = True
        return changed

    assert main(["access", str(_mutate(demo_dir, tmp_path, drop)), "--config", DEMO]) == 1
    differing = [line for line in capsys.readouterr().out.splitlines() if line.startswith("XX")]
    # one per endpoint given to the consumer: churn and scoring
    assert len(differing) == 2 and all(line.endswith("(given to it)") for line in differing)


@pytest.mark.aws_behaviour("iam.resource-arn-wildcards")
def test_mutation_widen_the_persona_grant(demo_dir, tmp_path, capsys):
    def widen(resources):
        for lid, res in resources.items():
            if lid.startswith("PersonasModelConsumer") and res["Type"] == "AWS::IAM::ManagedPolicy":
                res["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] = "*"
                return True
        return False

    assert main(["access", str(_mutate(demo_dir, tmp_path, widen)), "--config", DEMO]) == 1
    out = capsys.readouterr().out
    assert "XX deny     allow (allow)          the model consumer invokes churn-v2-0123abcd" in out


def test_an_async_endpoint_adds_invoke_endpoint_async(demo_dir, tmp_path, physical):
    def make_async(resources):
        for res in resources.values():
            if res["Type"] == "AWS::SageMaker::EndpointConfig":
                res["Properties"]["AsyncInferenceConfig"] = {"OutputConfig": {"S3OutputPath": "s3://b/o"}}
                return True
        return False

    assembly = load_assembly(_mutate(demo_dir, tmp_path, make_async))
    rows = _consumer(run(assembly, derive(assembly, consumer_endpoints=["churn"])))
    scenario, decision = rows[f"the model consumer calls InvokeEndpointAsync on {physical} (given to it)"]
    # the persona's policy grants InvokeEndpointAsync on endpoint/churn-????????
    assert (scenario.expected, decision.decision) == ("allow", "allow")
