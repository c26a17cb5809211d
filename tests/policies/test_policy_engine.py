"""Engine: loading (JSON, YAML short forms), intrinsic resolution, conditions, discovery, acknowledgements."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cdk_secure_ml.policies.runner import check_paths
from cdk_secure_ml.policies.template import (
    NO_VALUE,
    InputError,
    Template,
    TemplateError,
    Unresolved,
    discover,
    load_file,
    load_template,
)

from .sml_helpers import check, res, template

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "templates"


def resolve(value, **sections):
    return Template(template({"R": res("AWS::SNS::Topic")}, **sections), "t.json").resolve(value)


# -- intrinsics ------------------------------------------------------------------------------------


def test_ref_parameter_default_and_list_parameter() -> None:
    params = {"Parameters": {"Stage": {"Type": "String", "Default": "prod"},
                             "Ids": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "a, b"}}}  # fmt: skip
    assert resolve({"Ref": "Stage"}, **params) == "prod"
    assert resolve({"Ref": "Ids"}, **params) == ["a", "b"]


@pytest.mark.parametrize(
    "param",
    [{"Type": "String"}, {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/path/in/ssm"}],
    ids=["no-default", "ssm-type"],
)
def test_ref_parameter_unresolved(param) -> None:
    value = resolve({"Ref": "P"}, Parameters={"P": param})
    assert isinstance(value, Unresolved)
    assert value.expr == "Ref P"


def test_ref_pseudo_and_resource_stay_unresolved() -> None:
    region = resolve({"Ref": "AWS::Region"})
    assert isinstance(region, Unresolved) and region.refs == frozenset()
    topic = resolve({"Ref": "R"})
    assert isinstance(topic, Unresolved) and topic.refs == {"R"}
    assert resolve({"Ref": "AWS::NoValue"}) is NO_VALUE
    assert resolve({"A": {"Ref": "AWS::NoValue"}, "B": [1, {"Ref": "AWS::NoValue"}]}) == {"B": [1]}


def test_getatt_forms() -> None:
    for form in (["R", "TopicArn"], "R.TopicArn"):
        value = resolve({"Fn::GetAtt": form})
        assert isinstance(value, Unresolved)
        assert value.refs == {"R"} and value.expr == "Fn::GetAtt R.TopicArn"


def test_getatt_subnet_availability_zone_is_its_property() -> None:
    data = template({"S": res("AWS::EC2::Subnet", AvailabilityZone="eu-west-1b")})
    assert Template(data, "t").resolve({"Fn::GetAtt": ["S", "AvailabilityZone"]}) == "eu-west-1b"


def test_join_sub_select_split() -> None:
    params = {"Parameters": {"Name": {"Type": "String", "Default": "ml"}}}
    assert resolve({"Fn::Join": ["-", ["a", {"Ref": "Name"}, 3]]}, **params) == "a-ml-3"
    assert resolve({"Fn::Sub": "x-${Name}-${!Literal}"}, **params) == "x-ml-${Literal}"
    assert resolve({"Fn::Sub": ["${A}/${Name}", {"A": "left"}]}, **params) == "left/ml"
    assert resolve({"Fn::Select": ["1", ["a", "b", "c"]]}) == "b"
    assert resolve({"Fn::Split": [",", "a,b"]}) == ["a", "b"]
    assert resolve({"Fn::Select": [1, {"Fn::Split": [",", {"Fn::Join": [",", ["x", "y"]]}]}]}) == "y"


def test_partially_unresolved_strings_keep_text_and_refs() -> None:
    joined = resolve({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/X"]]})
    assert isinstance(joined, Unresolved)
    assert joined.text == "arn:${AWS::Partition}:iam::aws:policy/X"
    sub = resolve({"Fn::Sub": "${R.TopicName}-suffix"})
    assert isinstance(sub, Unresolved) and sub.refs == {"R"} and sub.text == "${R.TopicName}-suffix"


def test_select_over_getazs_marks_the_zone_index() -> None:
    first = resolve({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
    second = resolve({"Fn::Select": [1, {"Fn::GetAZs": {"Ref": "AWS::Region"}}]})
    assert isinstance(first, Unresolved) and first.az is not None and first.az[1] == 0
    assert second.az is not None and second.az[1] == 1


def test_conditions_and_if() -> None:
    sections = {
        "Parameters": {"Stage": {"Type": "String", "Default": "prod"}},
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
            "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
            "InEu": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]},
            "ProdAndEu": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "InEu"}]},
            "DevAndEu": {"Fn::And": [{"Condition": "IsDev"}, {"Condition": "InEu"}]},
            "ProdOrEu": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "InEu"}]},
        },
    }
    t = Template(template({"R": res("AWS::SNS::Topic")}, **sections), "t")
    assert [t.condition(c) for c in ("IsProd", "IsDev", "InEu", "ProdAndEu", "DevAndEu", "ProdOrEu")] == [
        True, False, None, None, False, True,
    ]  # fmt: skip
    assert t.resolve({"Fn::If": ["IsProd", "yes", "no"]}) == "yes"
    assert t.resolve({"Fn::If": ["IsDev", "yes", {"Ref": "AWS::NoValue"}]}) is NO_VALUE
    unknown = t.resolve({"Fn::If": ["InEu", "a", "b"]})
    assert isinstance(unknown, Unresolved) and unknown.alternatives == ("a", "b")


def test_find_in_map() -> None:
    sections = {
        "Mappings": {"M": {"prod": {"Count": 2}}},
        "Parameters": {"S": {"Type": "String", "Default": "prod"}},
    }
    assert resolve({"Fn::FindInMap": ["M", {"Ref": "S"}, "Count"]}, **sections) == 2
    assert isinstance(
        resolve({"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "Count"]}, **sections), Unresolved
    )
    assert resolve({"Fn::FindInMap": ["M", "dev", "Count", {"DefaultValue": 1}]}, **sections) == 1


def test_unknown_intrinsics_are_unresolved() -> None:
    # Fn::GetStackOutput: CDK's weak cross-stack references (@aws-cdk/core:defaultCrossStackReferences)
    weak = {"Fn::GetStackOutput": {"StackName": "other", "Region": "eu-west-1", "OutputName": "KeyArn"}}
    for expr in ({"Fn::ImportValue": "x"}, {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, {"Fn::GetAZs": ""}, weak):
        assert isinstance(resolve(expr), Unresolved)
    assert resolve({"Fn::Base64": "hello"}) == "aGVsbG8="


def test_resource_with_false_condition_is_not_checked() -> None:
    data = template(
        {"Plain": {**res("AWS::SNS::Topic"), "Condition": "Never"}},
        Conditions={"Never": {"Fn::Equals": ["a", "b"]}},
    )
    report = check(data)
    assert report.findings == [] and report.resources == 0


# -- YAML ------------------------------------------------------------------------------------------


def test_yaml_short_forms_parse_to_long_forms() -> None:
    data = load_file(FIXTURES / "short_forms.yaml")
    props = data["Resources"]["Notebook"]["Properties"]
    assert props["RoleArn"] == {"Fn::GetAtt": ["Role", "Arn"]}
    assert props["KmsKeyId"] == {"Fn::GetAtt": ["Key", "Arn"]}
    assert props["SubnetId"] == {"Fn::Select": [0, {"Ref": "SubnetIds"}]}
    assert props["SecurityGroupIds"] == [{"Fn::ImportValue": "shared-ml-sg"}]
    assert data["Conditions"]["IsDev"] == {"Fn::Not": [{"Condition": "IsProd"}]}
    assert data["Resources"]["Key"]["Properties"]["KeyPolicy"]["Version"] == "2012-10-17"  # not a date
    assert data["AWSTemplateFormatVersion"] == "2010-09-09"


def test_yaml_short_forms_resolve() -> None:
    t = load_template(FIXTURES / "short_forms.yaml")
    nb = t.resources["Notebook"].properties
    assert nb["SubnetId"] == "subnet-a"
    assert nb["DirectInternetAccess"] == "Disabled"
    assert nb["RootAccess"] == "Enabled"
    assert nb["InstanceMetadataServiceConfiguration"]["MinimumInstanceMetadataServiceVersion"] == "2"
    assert nb["LifecycleConfigName"] == "prod-lifecycle"
    assert nb["Tags"][0]["Value"] == "aGVsbG8="
    assert all(isinstance(tag["Value"], Unresolved) for tag in nb["Tags"][1:])
    assert t.resources["Key"].properties["EnableKeyRotation"] is True
    boundary = t.resources["Role"].properties["PermissionsBoundary"]
    assert (
        isinstance(boundary, Unresolved)
        and boundary.text == "arn:aws:iam::${AWS::AccountId}:policy/ml-boundary"
    )
    assert t.condition("ProdInEu") is None and t.condition("IsDev") is False


def test_yaml_short_form_template_findings() -> None:
    report = check_paths([FIXTURES / "short_forms.yaml"])
    got = {(f.rule, f.resource) for f in report.findings}
    assert ("SML-NET-3", "Notebook") in got  # RootAccess from the dev mapping
    assert ("SML-ENC-14", "EuTopic") in got  # condition not resolvable: checked
    assert ("SML-NET-4", "Notebook") not in got and ("SML-ENC-12", "Key") not in got
    # Stage defaults to prod, but dev is an allowed value: what dev changes is judged, naming the parameter
    # (the DevOnlyTopic exists only then).
    dev = " (when parameter Stage is 'dev')"
    by_dev = {(f.rule, f.resource) for f in report.findings if f.message.endswith(dev)}
    assert {("SML-NET-2", "Notebook"), ("SML-ENC-11", "Key"), ("SML-ENC-14", "DevOnlyTopic")} <= by_dev
    assert all(f.message.endswith(dev) for f in report.findings if f.resource == "DevOnlyTopic")
    internet = [f for f in report.findings if (f.rule, f.resource) == ("SML-NET-2", "Notebook")]
    assert internet and all(f.message.endswith(dev) for f in internet)


# -- line numbers ----------------------------------------------------------------------------------

# The logical id "Topic" also appears as a key of another section, as a string value and in a reference:
# only the key under Resources counts.
LINES_JSON = """{
  "Description": "Topic",
  "Mappings": {
    "Topic": {"a": {"b": "c"}}
  },
  "Resources": {
    "Queue": {"Type": "AWS::SQS::Queue",
              "Properties": {"QueueName": "Topic", "Tags": [{"Key": "a\\/b", "Value": "\\u00e9"}]}},
    "T\\u006fpic": {
      "Type": "AWS::SNS::Topic", "DependsOn": "Queue"
    }
  },
  "Outputs": {"Arn": {"Value": {"Ref": "Topic"}}}
}
"""
LINES_YAML = """Outputs:
  Topic:
    Value: !Ref Topic
Resources: {
  Queue: {Type: AWS::SQS::Queue, Properties: {QueueName: Topic}},
  Topic: {Type: AWS::SNS::Topic, DependsOn: Queue}
}
"""


@pytest.mark.parametrize(("name", "text", "lines"), [
    ("t.template.json", LINES_JSON, {"Queue": 7, "Topic": 9}),
    ("t.yaml", LINES_YAML, {"Queue": 5, "Topic": 6}),
    # surrogate-pair escapes (which libyaml would refuse)
    ("s.json", '{"Description": "\\ud83d\\ude00",\n "Resources": {\n  "Topic": {"Type": "AWS::SNS::Topic"}}}',
     {"Topic": 3}),
    ("min.json", json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}), {"Topic": 1}),
], ids=["json", "yaml-flow-style", "json-surrogates", "json-one-line"])  # fmt: skip
def test_resource_lines_come_from_the_parser(tmp_path: Path, name: str, text: str, lines: dict) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (loaded,) = discover([path])
    assert {lid: r.line for lid, r in loaded.resources.items()} == lines
    report = check_paths([path])
    assert report.findings and {f.line for f in report.findings} <= set(lines.values())
    assert all(f.line == lines[f.resource] for f in report.findings)


def test_json_lines_follow_json_loads() -> None:
    from cdk_secure_ml.policies.template import json_resource_lines

    # A duplicate key: json.loads keeps the last one, and so do the lines (of both Resources and the id).
    text = '{"Resources": {"A": {}},\n "Resources": {\n "B": {},\n "B": {}}}'
    assert json.loads(text)["Resources"] == {"B": {}} and json_resource_lines(text) == {"B": 4}
    assert json_resource_lines("[1, 2]") == {} and json_resource_lines('{"Resources": {}}') == {}
    (loaded,) = discover([FIXTURES / "compliant.json"])
    assert loaded.resources["Notebook"].line == 3 and loaded.resources["Topic"].line == 16


def test_a_template_built_in_memory_has_no_lines() -> None:
    (finding,) = check(template({"T": res("AWS::SNS::Topic")})).findings
    assert finding.rule == "SML-ENC-14" and finding.line is None


# -- loading errors and discovery ------------------------------------------------------------------


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.template.json"
    bad.write_text('{\n  "Resources": {\n    "A": ,\n  }\n}\n')
    with pytest.raises(TemplateError) as error:
        load_file(bad)
    assert error.value.line == 3
    assert str(error.value).startswith(f"{bad}:3:")


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  A:\n    Type: [unclosed\n  B: x\n")
    with pytest.raises(TemplateError) as error:
        load_file(bad)
    assert error.value.line is not None and error.value.line >= 3
    assert "invalid YAML" in str(error.value) and str(bad) in str(error.value)


def test_named_file_that_is_not_a_template_is_an_error() -> None:
    with pytest.raises(InputError, match="not a CloudFormation template"):
        discover([FIXTURES / "settings.json"])


def test_directory_skips_non_templates() -> None:
    names = sorted(Path(t.file).name for t in discover([FIXTURES]))
    assert names == ["compliant.json", "noncompliant.yaml", "short_forms.yaml"]


def test_empty_directory_and_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no CloudFormation templates"):
        discover([tmp_path])
    (tmp_path / "manifest.json").write_text('{"Resources": {}}')  # skipped by name
    with pytest.raises(InputError, match="no CloudFormation templates"):
        discover([tmp_path])
    with pytest.raises(InputError, match="no such file"):
        discover([tmp_path / "missing.json"])
    with pytest.raises(InputError):
        discover([])


def test_directory_is_recursive_and_deduplicated(tmp_path: Path) -> None:
    nested = tmp_path / "assembly-x" / "deeper"
    nested.mkdir(parents=True)
    shutil.copy(FIXTURES / "compliant.json", nested / "Stack.template.json")
    (tmp_path / "asset.abc").mkdir()
    (tmp_path / "asset.abc" / "package.template.json").write_text("not even json")  # asset folders skipped
    (tmp_path / "tree.json").write_text(json.dumps({"tree": {}}))
    found = discover([tmp_path, nested / "Stack.template.json"])
    assert [Path(t.file).name for t in found] == ["Stack.template.json"]


def test_invalid_file_in_directory_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.template.json").write_text('{"Resources": {}')
    with pytest.raises(TemplateError, match="a.template.json:1"):
        discover([tmp_path])


# -- acknowledgements ------------------------------------------------------------------------------


def test_metadata_acknowledgement_suppresses_only_that_rule() -> None:
    report = check_paths([FIXTURES / "compliant.json"])
    assert report.findings == []
    assert [(f.rule, f.resource, f.reason) for f in report.acknowledged] == [
        ("SML-ENC-14", "Topic", "carries only build status, no data")
    ]


def test_acknowledgement_without_reason_does_not_suppress() -> None:
    data = template(
        {
            "T": {
                **res("AWS::SNS::Topic"),
                "Metadata": {"cdk_secure_ml": {"acknowledge": [{"rule": "SML-ENC-14"}]}},
            }
        }
    )
    rules = sorted(f.rule for f in check(data).findings)
    assert rules == ["SML-ENC-14", "SML-META-1"]


def _cloud_assembly(tmp_path: Path, acknowledged: dict) -> Path:
    data = template(
        {
            "TopicD925BC7E": {
                **res("AWS::SNS::Topic"),
                "Metadata": {"aws:cdk:path": "app/Stack/Topic/Resource"},
            }
        }
    )
    (tmp_path / "Stack.template.json").write_text(json.dumps(data))
    metadata = {"/app/Stack": [{"type": "aws:cdk:templateFile", "data": "Stack.template.json"}]}
    for path, ack in acknowledged.items():
        metadata[path] = [{"type": "aws:cdk:acknowledged-rules", "data": ack}]
    (tmp_path / "Stack.metadata.json").write_text(json.dumps(metadata))
    return tmp_path


def test_cdk_acknowledgement_in_cloud_assembly_is_honoured(tmp_path: Path) -> None:
    assembly = _cloud_assembly(tmp_path, {"/app/Stack/Topic": {"cdk-secure-ml::SML-ENC-14": "status only"}})
    report = check_paths([assembly])
    assert report.findings == [] and [f.rule for f in report.acknowledged] == ["SML-ENC-14"]


@pytest.mark.parametrize(
    "acknowledged",
    [
        {"/app/Stack/Topic": {"SML-ENC-14": "bare ids do not match in CDK either"}},
        {"/app/Other": {"cdk-secure-ml::SML-ENC-14": "another construct"}},
        {"/app/Stack/Topic": {"OtherPlugin::SML-ENC-14": "another plugin"}},
    ],
    ids=["bare-id", "other-construct", "other-plugin"],
)
def test_cdk_acknowledgement_must_match_plugin_and_path(tmp_path: Path, acknowledged: dict) -> None:
    report = check_paths([_cloud_assembly(tmp_path, acknowledged)])
    assert [f.rule for f in report.findings] == ["SML-ENC-14"]


def test_unknown_rule_acknowledged_is_a_warning() -> None:
    data = template(
        {
            "T": {
                **res("AWS::SNS::Topic", KmsMasterKeyId="k"),
                "Metadata": {"cdk_secure_ml": {"acknowledge": [{"rule": "SML-NET-99", "reason": "r"}]}},
            }
        }
    )
    assert [(f.rule, f.severity) for f in check(data).findings] == [("SML-META-2", "warning")]


def test_unresolvable_condition_judges_both_branches_not_a_pass() -> None:
    """A condition the template cannot evaluate (it depends on the region) is taken as true and as false;
    the branch that fails is reported, naming the condition (issue 14, kind 3)."""
    sections = {"Conditions": {"InEu": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}}
    key = res("AWS::KMS::Key", EnableKeyRotation={"Fn::If": ["InEu", True, False]})
    whole = {"Type": "AWS::SNS::Topic", "Properties": {"Fn::If": ["InEu", {"KmsMasterKeyId": "k"}, {}]}}
    found = check(template({"Key": key, "Topic": whole}, **sections)).findings
    assert sorted((f.rule, f.severity, f.message) for f in found) == [
        ("SML-ENC-11", "error", "EnableKeyRotation is false (when condition InEu is false)"),
        ("SML-ENC-14", "error", "KmsMasterKeyId is not set (when condition InEu is false)"),
    ]
    # Both branches compliant: no finding, and no "cannot verify" left behind.
    key = res("AWS::KMS::Key", EnableKeyRotation={"Fn::If": ["InEu", True, "true"]})
    assert check(template({"Key": key}, **sections)).findings == []


def test_acknowledgement_checks_are_catalogue_rules_the_runner_runs() -> None:
    from cdk_secure_ml.policies.rules import RULES_BY_ID
    from cdk_secure_ml.policies.runner import check_templates

    data = template({"T": {**res("AWS::SNS::Topic", KmsMasterKeyId="k"), "Metadata": {"cdk_secure_ml": {
        "acknowledge": [{"rule": "SML-ENC-14"}, {"rule": "SML-NET-99", "reason": "typo"}]}}}})  # fmt: skip
    meta = [RULES_BY_ID["SML-META-1"], RULES_BY_ID["SML-META-2"]]
    assert all(r.any_resource and r.applies_to("AWS::SNS::Topic") for r in meta)
    found = check_templates([Template(data, "t.json")], meta).findings
    assert [(f.rule, f.severity, f.message) for f in found] == [
        ("SML-META-1", "error", "acknowledgement of SML-ENC-14 has no reason: give one a reviewer can judge"),
        ("SML-META-2", "warning", "acknowledges unknown rule 'SML-NET-99'"),
    ]
    # A run without them reports neither; the acknowledgement without a reason still suppresses nothing.
    others = [r for r in RULES_BY_ID.values() if not r.id.startswith("SML-META-")]
    assert check_templates([Template(data, "t.json")], others).findings == []


def test_acknowledging_a_meta_rule_does_not_suppress_it() -> None:
    acknowledge = [{"rule": "SML-META-2", "reason": "r"}, {"rule": "SML-NET-99", "reason": "r"}]
    data = template({"T": {**res("AWS::SNS::Topic", KmsMasterKeyId="k"),
                           "Metadata": {"cdk_secure_ml": {"acknowledge": acknowledge}}}})  # fmt: skip
    assert [f.rule for f in check(data).findings] == ["SML-META-2"]


# -- robustness ------------------------------------------------------------------------------------


def test_malformed_properties_give_cannot_verify_not_a_crash() -> None:
    data = template(
        {"B": res("AWS::S3::Bucket", BucketEncryption="not-a-mapping", PublicAccessBlockConfiguration=[1])}
    )
    report = check(data)
    assert report.findings  # reported, and the check finished


def test_reference_cloud_assembly_has_no_errors(reference_app) -> None:
    # The reference app synthesized in-process (session fixture); speed is measured in bench/.
    _, _, assembly = reference_app
    report = check_paths([Path(assembly.directory)])
    assert report.files and report.resources > 20
    assert report.errors == [], [(f.rule, f.resource, f.message) for f in report.errors]
