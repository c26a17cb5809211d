"""AWS's public SageMaker sample templates (``bench/samples``, unchanged copies; see its README): hand-written
YAML with parameters, AllowedValues, conditions, mappings, nested stacks and every short form. Every template
is read, no rule fails on one (a rule that raises reports "the rule could not evaluate"), every finding has
the line of its resource, and the findings on a few resources are the ones their YAML calls for."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_secure_ml.policies.findings import Report
from cdk_secure_ml.policies.runner import check_paths

SAMPLES = Path(__file__).resolve().parents[2] / "bench" / "samples"
REFERENCE = SAMPLES / "secure-data-science-reference-architecture" / "cloudformation"


@pytest.fixture(scope="module")
def report() -> Report:
    return check_paths([SAMPLES], keep_going=True)


def test_every_sample_template_is_read(report: Report) -> None:
    templates = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    assert len(templates) == 38
    assert report.problems == []
    assert sorted(map(Path, report.files)) == templates
    assert report.resources > 300


def test_no_rule_fails_on_a_sample_and_nothing_is_left_unread(report: Report) -> None:
    assert [f for f in report.findings if "could not evaluate" in f.message] == []
    assert [f for f in report.findings if f.rule == "SML-META-4"] == []


def test_every_finding_has_its_resources_line(report: Report) -> None:
    assert report.findings
    for finding in report.findings:
        assert finding.line is not None, finding
        text = Path(finding.file).read_text(encoding="utf-8").splitlines()[finding.line - 1]
        assert text.strip().startswith(f"{finding.resource}:"), (finding, text)


def _rules_of(report: Report, file: Path, resource: str) -> set[str]:
    return {f.rule for f in report.findings if Path(f.file) == file and f.resource == resource}


def test_findings_the_samples_yaml_calls_for(report: Report) -> None:
    """Read off the YAML by hand. The v1 notebook sets DirectInternetAccess: Disabled and a SubnetId, but
    neither RootAccess nor the instance metadata service version (both default to the insecure value); the
    key of the backing store sets no EnableKeyRotation; the ECS log group sets only its name."""
    notebook = _rules_of(report, REFERENCE / "ds_notebook_v1.yaml", "NotebookInstance")
    assert {"SML-NET-3", "SML-NET-4"} <= notebook
    assert not {"SML-NET-1", "SML-NET-2"} & notebook
    assert "SML-ENC-11" in _rules_of(report, REFERENCE / "ds_env_backing_store.yaml", "KMSCMK")
    log_group = _rules_of(report, REFERENCE / "ds_shared_services_ecs.yaml", "LogGroup")
    assert {"SML-AUD-4", "SML-ENC-13"} <= log_group


def test_a_resource_named_under_outputs_first_gets_its_resources_line(report: Report) -> None:
    """``DataBucket:`` first appears under Outputs (line 23); the finding points at the resource (116)."""
    (finding, *_) = [
        f for f in report.findings
        if Path(f.file) == REFERENCE / "ds_env_backing_store.yaml" and f.resource == "DataBucket"
    ]  # fmt: skip
    assert finding.line == 116


def test_a_variants_resources_resolve_as_a_full_resolution_would() -> None:
    """A variant's resource resolves again only the properties that name what the variant changes, and
    copies the others from the base resource (variants.py): for every variant of every sample template,
    the result equals resolving all its properties under the variant."""
    from cdk_secure_ml.policies.template import Resource, discover
    from cdk_secure_ml.policies.variants import variants_of

    compared = 0
    for template in discover([SAMPLES]):
        variants, _ = variants_of(template)
        for variant in variants:
            for resource in variant.template.resources.values():
                assert resource.properties == Resource.properties.func(resource), (  # type: ignore[attr-defined]
                    template.file, variant.label, resource.logical_id
                )
                compared += 1
    assert compared > 5000
