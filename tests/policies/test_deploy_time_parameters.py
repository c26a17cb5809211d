"""A security property whose value comes from a parameter without AllowedValues (issue 14, the second
review): the deployer may pass any value, so a secure Default is not a pass. The rule reports "cannot
verify" naming the parameter; with AllowedValues every allowed value is judged instead, and an insecure
default is still an error."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_secure_ml.policies.findings import CANNOT_VERIFY

from .sml_helpers import check, findings
from .test_policy_rule_cases import MODEL, NETWORK, add, mod


def _model(parameter: dict[str, Any]) -> dict[str, Any]:
    resources = mod(add(NETWORK, **MODEL), "Model", "EnableNetworkIsolation", {"Ref": "Isolation"})
    return {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {"Isolation": parameter},
            "Resources": resources}  # fmt: skip


@pytest.mark.aws_behaviour("cloudformation.parameter-allowed-values")
@pytest.mark.parametrize(
    "parameter",
    [
        {"Type": "String", "Default": "true"},
        {"Type": "String", "Default": "true", "AllowedPattern": "^(true|false)$"},
        {"Type": "String", "Default": "true", "MinLength": 4, "MaxLength": 5},
    ],
    ids=["free-form", "allowed-pattern-only", "lengths-only"],
)
def test_a_secure_default_of_a_free_form_parameter_cannot_be_verified(parameter: dict[str, Any]) -> None:
    (finding,) = findings(_model(parameter), "SML-NET-7", "Model")
    assert finding.severity == "warning" and finding.message.startswith(CANNOT_VERIFY)
    assert "Ref Isolation (a deploy-time parameter without AllowedValues)" in finding.message


@pytest.mark.aws_behaviour("cloudformation.parameter-allowed-values")
def test_allowed_values_judge_every_value_instead() -> None:
    parameter = {"Type": "String", "Default": "true", "AllowedValues": ["true", "false"]}
    (finding,) = findings(_model(parameter), "SML-NET-7", "Model")
    assert finding.severity == "error" and "(when parameter Isolation is 'false')" in finding.message


@pytest.mark.aws_behaviour("cloudformation.parameter-allowed-values")
def test_a_parameter_with_only_secure_allowed_values_is_clean() -> None:
    parameter = {"Type": "String", "Default": "true", "AllowedValues": ["true"]}
    assert findings(_model(parameter), "SML-NET-7") == []


def test_an_insecure_default_is_still_an_error_and_not_also_a_warning() -> None:
    (finding,) = findings(_model({"Type": "String", "Default": "false"}), "SML-NET-7", "Model")
    assert finding.severity == "error" and 'EnableNetworkIsolation is "false"' in finding.message


def test_a_free_form_parameter_elsewhere_adds_no_warning() -> None:
    """Only the resources and rules whose value depends on the parameter hear of it."""
    data = _model({"Type": "String", "Default": "true", "AllowedValues": ["true"]})
    data["Parameters"]["Owner"] = {"Type": "String", "Default": "ml-team"}
    data["Resources"]["Model"]["Properties"]["Tags"] = [{"Key": "owner", "Value": {"Ref": "Owner"}}]
    assert not [f for f in check(data).findings if "Owner" in f.message]
