"""The public API is generated from the modules' ``__all__`` (tools/public_api.py), listed in docs/api.md."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import cdk_secure_ml
from tools import public_api


def test_the_root_module_and_docs_api_md_are_current():
    assert public_api.main(["--check"]) == 0, "run: python -m tools.public_api"


def test_every_public_class_is_exported_and_documented():
    assert public_api.problems() == []


@pytest.mark.parametrize("name", cdk_secure_ml.__all__)
def test_every_exported_name_is_the_object_of_its_module(name):
    module = importlib.import_module(cdk_secure_ml._EXPORTS[name])
    assert getattr(cdk_secure_ml, name) is getattr(module, name)


def test_the_constructs_users_name_most_are_exported():
    for name in (
        "SecureEndpoint",
        "ModelSource",
        "MlNetwork",
        "MlPersonas",
        "MlPlatformPipeline",
        "ModelRegistry",
        "AlarmOptions",
        "SecureMlChecks",
        "add_compliance_packs",
        "ConfigProblem",
        "load_config",
        "OrganizationGuardrailsStack",
        "StudioUsersStack",
        "DeliveryPipelineStack",
        "new_alarm_topic",
    ):
        assert name in cdk_secure_ml.__all__, name


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'SecureEndpiont'"):
        cdk_secure_ml.SecureEndpiont  # noqa: B018


def test_importing_the_package_loads_no_cdk():
    code = ("import sys, cdk_secure_ml; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'aws_cdk', 'jsii'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_module_missing_its_class_from_all_is_reported(tmp_path, monkeypatch):
    package = tmp_path / "cdk_secure_ml" / "constructs"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "thing.py").write_text(
        '__all__ = ["Listed"]\n\nclass Listed:\n    """A thing."""\n\n\n'
        'class Forgotten:\n    """Another."""\n\n\nclass Bare:\n    pass\n'
    )
    (package / "loose.py").write_text('class Loose:\n    """No __all__."""\n')
    monkeypatch.setattr(public_api, "PACKAGE", tmp_path / "cdk_secure_ml")
    monkeypatch.setattr(public_api, "DEFINING_PACKAGES", ("constructs",))
    found = public_api.problems()
    assert (
        "cdk_secure_ml.constructs.thing.Forgotten is a public class missing from __all__ "
        "(or make it private: _Forgotten)" in found
    )
    assert (
        "cdk_secure_ml.constructs.loose defines public names but has no __all__ (nor has its package)"
        in found
    )
    assert not any("Listed" in f for f in found)


def test_every_public_name_has_a_summary_in_docs_api_md():
    missing = [name for name, (_, _, summary) in public_api.collect().items() if not summary]
    assert missing == []
