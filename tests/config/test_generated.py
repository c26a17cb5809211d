"""docs/config.md's key tables and config.schema.json are generated from the models and current."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from cdk_secure_ml.config import PlatformConfig
from tests.conftest import ROOT
from tools.config_doc import BEGIN, DOC, SCHEMA, render_doc, render_schema


def _sections(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    seen.add(model)
    for field in model.model_fields.values():
        for candidate in _types_in(field.annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) and candidate not in seen:
                _sections(candidate, seen)
    return seen


def _types_in(annotation: object) -> list[object]:
    args = getattr(annotation, "__args__", ())
    return [annotation, *(t for a in args for t in _types_in(a))]


def test_the_committed_tables_and_schema_are_current():
    assert DOC.read_text(encoding="utf-8") == render_doc(), "run: .venv/bin/python -m tools.config_doc"
    assert SCHEMA.read_text(encoding="utf-8") == render_schema(), "run: .venv/bin/python -m tools.config_doc"


def test_every_key_has_a_description():
    missing = [f"{model.__name__}.{name}" for model in _sections(PlatformConfig, set())
               for name, field in model.model_fields.items() if not (field.description or "").strip()]
    assert missing == []


def test_the_prose_around_the_tables_is_kept():
    text = DOC.read_text(encoding="utf-8")
    assert text.index("## How problems are reported") < text.index(BEGIN)
    assert "## Defaults that depend on other sections" in text.split("<!-- END generated -->")[1]


@pytest.mark.parametrize("name", ["default", "demo", "multi-account"])
def test_the_schema_accepts_the_shipped_configs_and_they_name_it(name):
    path = ROOT / "config" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../config.schema.json"
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(yaml.safe_load(text))


def test_the_schema_flags_unknown_keys_and_wrong_values_for_editors():
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    errors = {e.message for e in validator.iter_errors(
        {"name": "ml", "region": "eu-west-1", "colour": "blue", "studio": {"auth_mode": "LDAP"},
         "identity": {"team_tag_key": "bad key!"}})}
    assert any("'colour' was unexpected" in m for m in errors)
    assert any("'LDAP' is not one of" in m for m in errors)
    assert any("'bad key!' does not match" in m for m in errors)


def test_the_schema_bounds_instance_types_and_rollout_sizes_for_editors():
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))

    def errors(variant: dict, rollout: dict) -> list[str]:
        endpoint = {"name": "e", "team": "t", "image_repository": "r", "image": "latest",
                    "model_data": "t/m.tar.gz", "variants": [variant], "rollout": rollout}
        return [e.message for e in validator.iter_errors({"name": "ml", "region": "eu-west-1",
                                                          "endpoints": [endpoint]})]

    canary = {"traffic_routing": "CANARY", "size_percent": 10}
    assert errors({"instance_type": "ml.p6-b200.48xlarge"}, canary) == []
    bad = errors({"instance_type": "ml.-m5.large"}, {"traffic_routing": "CANARY", "size_percent": 60})
    assert any("'ml.-m5.large' does not match" in m for m in bad)
    assert any("60 is greater than the maximum of 50" in m for m in bad)
    linear = {"traffic_routing": "LINEAR", "size_percent": 12.5}
    assert any("12.5 is not a multiple of 1" in m for m in errors({"instance_type": "ml.m5.large"}, linear))
