"""The YAML loader's own constructor and resolver (``cfn_yaml``) give exactly what PyYAML's give for the
same :class:`CfnYamlLoader`: on every YAML file of the repository, and on the cases that take PyYAML's
generic path (merge keys, numbers, booleans, null, keys that are not strings, unknown tags)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from cdk_secure_ml.policies.cfn_yaml import CfnYamlLoader, construct, load_yaml
from cdk_secure_ml.policies.template import TemplateError, load_file

ROOT = Path(__file__).resolve().parents[2]
YAML_FILES = sorted(
    p
    for pattern in (
        "tests/**/*.yaml", "config/*.yaml", "examples/**/*.yaml", "docs/**/*.yaml", "bench/samples/**/*.yaml"
    )
    for p in ROOT.glob(pattern)
)


class _PyYamlResolver(CfnYamlLoader):  # type: ignore[misc,valid-type]
    """The same loader with PyYAML's own resolver (cfn_yaml replaces it with a shorter one)."""

    resolve = yaml.resolver.BaseResolver.resolve


def _pyyaml(text: str) -> Any:
    loader = _PyYamlResolver(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def test_the_repository_has_yaml_templates_to_compare() -> None:
    assert len(YAML_FILES) >= 40  # 38 of them AWS's public samples
    assert any("field_cases" in str(p) for p in YAML_FILES)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_data_as_pyyaml_on_the_repositorys_yaml(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text)[0] == _pyyaml(text)


CASES = {
    "short forms on scalars": "A: !Ref X\nB: !Sub 'a-${X}'\nC: !GetAtt R.Arn\nD: !Condition C\n",
    "short forms on sequences": "A: !Join ['-', [a, !Ref X]]\nB: !GetAtt [R, Arn]\nC: !If [C, 1, 2]\n",
    "short forms on mappings": "A: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}\n",
    "nested short forms": "A: !Sub ['${A}', {A: !Select [0, !GetAZs '']}]\nB: !Base64 {'Fn::Sub': x}\n",
    "scalars PyYAML types": "A: 1\nB: 1.5\nC: true\nD: null\nE: ~\nF: 0x1f\nG: 2012-10-17\nH: '1'\nI: yes\n",
    "merge keys": "base: &b {A: 1, B: 2}\nderived:\n  <<: *b\n  B: 3\n",
    "aliases": "a: &x [1, 2]\nb: *x\nc: &y {K: !Ref V}\nd: *y\n",
    "keys that are not strings": "1: one\ntrue: yes\nnull: nothing\n",
    "short form with a merge inside": "A: !If\n  - C\n  - {<<: {X: 1}, Y: 2}\n  - !Ref AWS::NoValue\n",
    "empty values": "A:\nB: []\nC: {}\nD: ''\n",
    "duplicate keys, last wins": "A: 1\nA: 2\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_same_data_as_pyyaml(text: str) -> None:
    assert load_yaml(text)[0] == _pyyaml(text)


def test_aliased_collections_are_shared_as_pyyaml_shares_them() -> None:
    """A mapping reached twice through an alias is one object: input with nested aliases stays linear."""
    data, _ = load_yaml("a: &x {K: [1]}\nb: *x\n")
    assert data["a"] is data["b"]
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    data, _ = load_yaml(laughs)
    assert data["i"][0] is data["i"][9] is data["h"]


def test_a_recursive_alias_is_refused_with_its_line() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="recursive alias") as raised:
        load_yaml("Resources:\n  a: &x\n    - *x\n")
    # Marks are 0-based: the anchored sequence starts on line 2.
    assert raised.value.problem_mark is not None and raised.value.problem_mark.line == 1


def test_an_unknown_tag_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rain.yaml"
    path.write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: !Rain::Embed x.json\n")
    with pytest.raises(TemplateError, match=r"rain\.yaml:4:17: invalid YAML: .*'!Rain::Embed'"):
        load_file(path)


def test_a_loader_with_constructors_of_its_own_keeps_pyyamls_path() -> None:
    """A subclass that adds a constructor is not second-guessed: PyYAML builds its data."""

    class Upper(CfnYamlLoader):  # type: ignore[misc,valid-type]
        pass

    Upper.add_constructor("!Up", lambda loader, node: str(node.value).upper())
    assert load_yaml("A: !Up x\nB: !Ref Y\n", Upper)[0] == {"A": "X", "B": {"Ref": "Y"}}
    assert load_yaml("A: 1\n", yaml.SafeLoader)[0] == {"A": 1}


def test_construct_takes_a_composed_node() -> None:
    loader = CfnYamlLoader("Outputs: {A: {Value: !GetAtt B.Arn}}\n")
    try:
        node = loader.get_single_node()
        assert construct(loader, node) == {"Outputs": {"A": {"Value": {"Fn::GetAtt": ["B", "Arn"]}}}}
    finally:
        loader.dispose()
