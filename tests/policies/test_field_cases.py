"""The field cases of issue 14 (tests/policies/field_cases/, copied from shared/field-cases with their
headers): each case's expected result, and its compliant twin (``twin-*``) clean. Plus the kinds behind
them, on small inline templates: template language (Fn::ForEach, Fn::Length, Fn::ToJsonString, SAM,
nested stacks, what cannot be read) and robustness (one unreadable file among good ones)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdk_secure_ml.cli import main
from cdk_secure_ml.policies.runner import check_paths
from cdk_secure_ml.policies.template import InputError, Template, discover

from .sml_helpers import check, res, template

CASES = Path(__file__).parent / "field_cases"


def _by_rule(path: Path) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for f in check_paths([path]).findings:
        found.setdefault((f.rule, f.resource), []).append(f.message)
    return found


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[tuple[str, str], list[str]]]:
    """Each handed case and twin checked once."""
    return {path.name.split("-")[0] + path.name.split("-")[1]: _by_rule(path) for path in CASES.iterdir()}


@pytest.mark.aws_behaviour("cloudformation.language-extensions")
def test_case_01_foreach_loop_is_expanded_and_each_notebook_judged(reports) -> None:
    found = reports["case01"]
    for team in ("Vision", "Forecast", "Nlp"):
        for rule in ("SML-NET-2", "SML-NET-3", "SML-NET-4", "SML-ENC-2"):
            assert (rule, f"Notebook{team}") in found, (rule, team, sorted(found))
    assert not any(rule == "SML-META-4" for rule, _ in found)


@pytest.mark.aws_behaviour("sam.function-policies-generated-role")
def test_case_02_sam_function_role_is_judged(reports) -> None:
    found = reports["case02"]
    assert ("SML-IAM-5", "ModelOpsFunctionRole") in found
    assert "AmazonSageMakerFullAccess" in found[("SML-IAM-5", "ModelOpsFunctionRole")][0]
    assert ("SML-IAM-3", "ModelOpsFunctionRole") in found and ("SML-IAM-4", "ModelOpsFunctionRole") in found


@pytest.mark.aws_behaviour("iam.notresource-allow-everything-else")
def test_case_03_notresource_is_every_other_resource(reports) -> None:
    found = reports["case03"]
    (message,) = found[("SML-IAM-2", "DataScientistRole")]
    assert "sagemaker:*" in message and "NotResource" in message
    assert not [key for key in found if key[1] == "ControlRole"]


@pytest.mark.aws_behaviour("iam.stringlike-wildcard-matches-any")
def test_case_05_conditions_that_restrict_nobody(reports) -> None:
    found = reports["case05"]
    (key_message,) = found[("SML-ENC-12", "ModelKey")]
    assert "AnyAccountViaSageMaker" in key_message and "kms:CallerAccount" in key_message
    assert "ScopedKeyUse" not in " ".join(key_message)
    (policy_message,) = found[("SML-IAM-8", "ArtifactsPolicy")]
    assert "HttpsOnlyRead" in policy_message and "aws:SecureTransport" in policy_message


def test_case_08_inference_component_endpoint_config_carries_vpc_and_isolation(reports) -> None:
    found = reports["case08"]
    assert ("SML-NET-5", "LlmEndpointConfig") in found and ("SML-NET-7", "LlmEndpointConfig") in found
    # An endpoint config whose variants name models leaves VPC and isolation to the models.
    variant = {"VariantName": "v", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 2}
    config = res("AWS::SageMaker::EndpointConfig", KmsKeyId="k", ProductionVariants=[variant])
    rules = {f.rule for f in check(template({"C": config})).findings}
    assert not rules & {"SML-NET-5", "SML-NET-6", "SML-NET-7"}


@pytest.mark.parametrize("twin", ["twin01", "twin02", "twin03", "twin05", "twin08"])
def test_compliant_twins_are_clean(reports, twin: str) -> None:
    assert reports[twin] == {}


# -- template language -----------------------------------------------------------------------------


def _yaml(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.aws_behaviour("cloudformation.language-extensions")
def test_foreach_resources_point_at_the_loop_line(tmp_path: Path) -> None:
    path = _yaml(
        tmp_path,
        "Transform: AWS::LanguageExtensions\nResources:\n  Keep:\n    Type: AWS::SNS::Topic\n"
        "    Properties: {KmsMasterKeyId: alias/k}\n"
        "  Fn::ForEach::Topics:\n    - Name\n    - [A, B]\n    - Topic${Name}:\n"
        "        Type: AWS::SNS::Topic\n",
    )
    (loaded,) = discover([path])
    assert sorted(loaded.resources) == ["Keep", "TopicA", "TopicB"]
    lines = {f.resource: f.line for f in check_paths([path]).findings if f.rule == "SML-ENC-14"}
    assert lines == {"TopicA": 6, "TopicB": 6}


def test_foreach_over_something_unresolvable_is_a_cannot_verify_warning(tmp_path: Path) -> None:
    path = _yaml(
        tmp_path,
        "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics:\n    - Name\n"
        "    - !GetAtt Other.Names\n    - Topic${Name}:\n        Type: AWS::SNS::Topic\n",
    )
    (finding,) = [f for f in check_paths([path]).findings if f.rule == "SML-META-4"]
    assert finding.severity == "warning" and finding.message.startswith("cannot verify: ")
    assert "Fn::ForEach::Topics" in finding.message


@pytest.mark.aws_behaviour("cloudformation.language-extensions")
def test_length_and_to_json_string_resolve() -> None:
    data = template(
        {"T": res("AWS::SNS::Topic", DisplayName={"Fn::ToJsonString": {"a": [1, "b"]}},
                  Count={"Fn::Length": [1, 2, 3]}, Other={"Fn::Length": {"Ref": "Free"}})},
        Transform="AWS::LanguageExtensions", Parameters={"Free": {"Type": "CommaDelimitedList"}},
    )  # fmt: skip
    props = Template(data, "t.json").resources["T"].properties
    assert props["DisplayName"] == '{"a":[1,"b"]}' and props["Count"] == 3
    assert str(props["Other"]).startswith("Fn::Length")


def test_sam_local_code_uri_is_translated(tmp_path: Path) -> None:
    path = _yaml(
        tmp_path,
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Runtime: python3.12\n      Handler: a.h\n      CodeUri: ./src\n"
        "      Policies: [AdministratorAccess]\n",
    )
    found = {(f.rule, f.resource, f.line) for f in check_paths([path]).findings}
    assert ("SML-IAM-5", "FnRole", 3) in found  # generated by SAM, reported at its source's line


def test_an_invalid_sam_template_is_a_cannot_verify_warning(tmp_path: Path) -> None:
    path = _yaml(
        tmp_path,
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12}\n",
    )
    (finding,) = [f for f in check_paths([path]).findings if f.rule == "SML-META-4"]
    assert "SAM translation failed" in finding.message and finding.message.startswith("cannot verify: ")


def test_nested_stack_with_a_local_template_is_followed(tmp_path: Path) -> None:
    (tmp_path / "child").mkdir()
    _yaml(tmp_path / "child", "Resources:\n  Inner:\n    Type: AWS::SNS::Topic\n", "topics.yaml")
    parent = _yaml(
        tmp_path,
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties: {TemplateURL: child/topics.yaml}\n",
    )
    report = check_paths([parent])
    assert len(report.files) == 2
    assert {(f.rule, f.resource) for f in report.findings} == {("SML-ENC-14", "Inner")}


# -- robustness ------------------------------------------------------------------------------------


def test_one_unreadable_file_does_not_stop_the_others(tmp_path: Path, capsys) -> None:
    (tmp_path / "good.yaml").write_text("Resources:\n  T:\n    Type: AWS::SNS::Topic\n")
    (tmp_path / "bad.yaml").write_text("Resources:\n  A:\n    Type: [oops\n")
    sarif = tmp_path / "out.sarif"
    code = main(["check", str(tmp_path), "--format", "sarif", "-o", str(sarif)])
    err = capsys.readouterr().err
    assert code == 2 and "bad.yaml:4" in err
    run = json.loads(sarif.read_text())["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["SML-ENC-14"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_a_clean_run_reports_success_in_sarif(tmp_path: Path, capsys) -> None:
    (tmp_path / "good.yaml").write_text(
        "Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: {KmsMasterKeyId: k}\n"
    )
    assert main(["check", str(tmp_path), "--format", "sarif"]) == 0
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_check_paths_still_raises_without_keep_going(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("Resources: [\n")
    with pytest.raises(InputError, match="bad.yaml"):
        check_paths([tmp_path])
    report = check_paths([tmp_path, tmp_path / "missing.yaml"], keep_going=True)
    assert [p.line for p in report.problems] == [2, None] and report.files == []
    assert "missing.yaml: no such file" in report.problems[1].message


def test_a_resource_that_is_not_a_mapping_is_reported() -> None:
    report = check(template({"Bad": ["AWS::SNS::Topic"]}))
    (finding,) = report.findings
    assert finding.rule == "SML-META-4" and finding.resource == "Bad" and "not a mapping" in finding.message


# -- values behind Parameters and Conditions -------------------------------------------------------


@pytest.mark.aws_behaviour("cloudformation.parameter-allowed-values")
def test_an_insecure_allowed_value_of_a_defaulted_parameter_is_a_finding_naming_it() -> None:
    allowed = ["Disabled", "Enabled"]
    params = {"Internet": {"Type": "String", "Default": "Disabled", "AllowedValues": allowed}}
    notebook = res(
        "AWS::SageMaker::NotebookInstance", InstanceType="ml.t3.medium", RoleArn="r", SubnetId="s",
        SecurityGroupIds=["sg"], KmsKeyId="k", RootAccess="Disabled",
        DirectInternetAccess={"Ref": "Internet"},
        InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "2"},
    )  # fmt: skip
    (finding,) = check(template({"Nb": notebook}, Parameters=params)).findings
    assert finding.rule == "SML-NET-2" and finding.severity == "error"
    assert finding.message.endswith("(when parameter Internet is 'Enabled')")
    # Only secure values allowed: clean.
    params["Internet"]["AllowedValues"] = ["Disabled"]
    assert check(template({"Nb": notebook}, Parameters=params)).findings == []


@pytest.mark.aws_behaviour("cloudformation.conditions-evaluated-at-deploy")
def test_a_resource_created_only_under_another_allowed_value_is_checked() -> None:
    sections = {
        "Parameters": {"Stage": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
    }
    topic = {**res("AWS::SNS::Topic"), "Condition": "IsProd"}
    report = check(template({"ProdTopic": topic}, **sections))
    assert [(f.rule, f.message) for f in report.findings] == [
        ("SML-ENC-14", "KmsMasterKeyId is not set (when parameter Stage is 'prod')")
    ]


@pytest.mark.aws_behaviour("cloudformation.conditions-evaluated-at-deploy")
def test_both_branches_of_an_if_on_a_parameter_without_default_are_judged() -> None:
    sections = {
        "Parameters": {"Stage": {"Type": "String", "AllowedValues": ["dev", "prod"]}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
    }
    key = res("AWS::KMS::Key", EnableKeyRotation={"Fn::If": ["IsProd", True, False]})
    messages = sorted(f.message for f in check(template({"Key": key}, **sections)).findings)
    assert "EnableKeyRotation is false (when parameter Stage is 'dev')" in messages
    assert not any("'prod'" in m for m in messages)


# -- service facts: instance-store families (core/instance_types.py) -------------------------------


@pytest.mark.aws_behaviour("sagemaker.endpoint-config-kms-key-local-storage")
def test_case_09_kms_key_on_an_instance_store_type_is_an_error(reports) -> None:
    found = reports["case09"]
    (message,) = found[("SML-ENC-3", "GpuConfigWithKey")]
    assert "ml.g5.2xlarge" in message and "remove KmsKeyId" in message
    assert ("SML-ENC-3", "GpuConfigNoKey") not in found
    assert found[("SML-ENC-3", "CpuConfigNoKey")] == ["KmsKeyId is not set"]
    assert reports["twin09"] == {}


@pytest.mark.aws_behaviour("sagemaker.endpoint-config-kms-key-local-storage")
def test_every_instance_store_family_of_the_table_is_exempt_from_the_endpoint_key() -> None:
    from cdk_secure_ml.core.instance_types import INSTANCE_STORE_FAMILIES

    for family in INSTANCE_STORE_FAMILIES:
        variant = {"VariantName": "v", "ModelName": "m", "InstanceType": f"ml.{family}.xlarge"}
        config = res("AWS::SageMaker::EndpointConfig", ProductionVariants=[variant])
        assert not [f for f in check(template({"C": config})).findings if f.rule == "SML-ENC-3"], family
    mixed = res("AWS::SageMaker::EndpointConfig", ProductionVariants=[
        {"VariantName": "a", "ModelName": "m", "InstanceType": "ml.g5.xlarge"},
        {"VariantName": "b", "ModelName": "m", "InstanceType": "ml.m5.xlarge"},
    ])  # fmt: skip
    (finding,) = [f for f in check(template({"C": mixed})).findings if f.rule == "SML-ENC-3"]
    assert finding.severity == "warning" and "own endpoint config" in finding.message


@pytest.mark.aws_behaviour("sagemaker.no-volume-key-on-instance-storage")
def test_monitoring_job_volume_key_on_an_instance_store_type_is_an_error() -> None:
    cluster = {"InstanceCount": 1, "InstanceType": "ml.m5d.large", "VolumeSizeInGB": 20}
    job = res(
        "AWS::SageMaker::DataQualityJobDefinition",
        JobResources={"ClusterConfig": {**cluster, "VolumeKmsKeyId": "k"}},
        DataQualityJobOutputConfig={"KmsKeyId": "k"},
    )
    (finding,) = [f for f in check(template({"Job": job})).findings if f.rule == "SML-ENC-5"]
    assert "ml.m5d.large" in finding.message and finding.severity == "error"
    job["Properties"]["JobResources"]["ClusterConfig"] = cluster
    assert not [f for f in check(template({"Job": job})).findings if f.rule == "SML-ENC-5"]
