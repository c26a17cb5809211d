"""The shape of a check's result, shared by every CDK-free check of :mod:`cdk_secure_ml.core`.

A check returns a list of :data:`Problem`: ``(path, message)``. The path is relative to what was checked, in
keys and list indexes (``("variants", 1, "instance_count")``, ``("team_tag_key",)``); the caller puts its
own location in front (:func:`nested`). A construct joins the messages of all its problems into one
``ValueError`` (``"<Construct>: <message>; <message>"``, :func:`messages`); the config places each one at its
own key and line. The message names the value, what is wrong and the fix.

Unresolved CDK tokens (values known only at deploy time) are recognized by their string encoding
(:func:`is_unresolved`), without importing aws-cdk-lib.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: A location relative to the checked object: keys and list indexes.
Path = tuple[str | int, ...]
#: One problem: where, and what is wrong with the fix.
Problem = tuple[Path, str]

# aws-cdk-lib encodes an unresolved string token as "${Token[...]}" (core/lib/private/encoding.ts);
# Token.is_unresolved(str) tests for that marker (tests/constructs/test_hosting_api.py compares the two).
_TOKEN_RE = re.compile(r"\$\{Token\[")


def is_unresolved(value: object) -> bool:
    """True when ``value`` is a string holding an unresolved CDK token (known only at deploy time)."""
    return isinstance(value, str) and _TOKEN_RE.search(value) is not None


def nested(prefix: Path, problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` with ``prefix`` put in front of each path."""
    return [((*prefix, *path), message) for path, message in problems]


def messages(problems: Iterable[Problem]) -> list[str]:
    """The messages of ``problems``, in order (what a construct reports)."""
    return [message for _, message in problems]
