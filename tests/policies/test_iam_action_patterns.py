"""IAM action patterns as the rules match them: ``*`` and ``?`` are the only wildcards and names are
case-insensitive (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
``[`` is a literal character for IAM (fnmatch, which the matcher replaced, read it as a class)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_secure_ml.policies.iam_document import action_grants
from cdk_secure_ml.policies.intrinsics import Unresolved


@pytest.mark.parametrize(
    ("pattern", "action", "grants"),
    [
        ("iam:PassRole", "iam:PassRole", True),
        ("IAM:passrole", "iam:PassRole", True),
        ("iam:PassRole", "iam:PassRoles", False),
        ("iam:Pass*", "iam:PassRole", True),
        ("iam:*", "iam:PassRole", True),
        ("*", "s3:GetObject", True),
        ("s3:Get*", "s3:PutObject", False),
        ("s3:?etObject", "s3:GetObject", True),
        ("s3:?etObject", "s3:GGetObject", False),
        ("s3:*Object", "s3:GetObjectAcl", False),
        ("s3:[GP]etObject", "s3:GetObject", False),
        ("s3:[GP]etObject*", "s3:[GP]etObjectAcl", True),
        ("s3:Get.*", "s3:GetXObject", False),
    ],
)
def test_action_pattern_matching(pattern: str, action: str, grants: bool) -> None:
    assert action_grants(pattern, action) is grants


def test_unresolved_and_non_string_patterns() -> None:
    assert action_grants(Unresolved("Ref Action"), "iam:PassRole") is None
    assert action_grants(["iam:PassRole"], "iam:PassRole") is False


@pytest.mark.parametrize(
    ("pattern", "action", "grants"),
    [
        ("s3:*object*", "s3:GetObjectAcl", True),
        ("s3:*object*acl", "s3:GetObjectAcl", True),
        ("s3:*object*acl", "s3:GetObjectTagging", False),
        ("s3:get*get*", "s3:getget", True),
        ("s3:get*get*", "s3:get", False),
        ("a*a", "a", False),
        ("a*a", "aa", True),
        ("**", "", True),
        ("s3:*", "s3:", True),
        ("s3:*", "s", False),
    ],
)
def test_star_patterns_match_like_a_regex(pattern: str, action: str, grants: bool) -> None:
    """The ``*``-only matcher (prefix, suffix, parts in order) agrees with the equivalent regex."""
    import re

    regex = "".join(".*" if c == "*" else re.escape(c) for c in pattern.lower())
    assert (re.fullmatch(regex, action.lower(), re.DOTALL) is not None) is grants
    assert action_grants(pattern, action) is grants


@given(pattern=st.text(alphabet="ab*?:", max_size=8), action=st.text(alphabet="abAB:", max_size=8))
@settings(max_examples=400, deadline=None)
def test_any_pattern_matches_like_the_regex(pattern: str, action: str) -> None:
    """Random patterns over a small alphabet: the matcher agrees with the regex IAM's wildcards describe."""
    import re

    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern.lower())
    assert action_grants(pattern, action) is (re.fullmatch(regex, action.lower(), re.DOTALL) is not None)
