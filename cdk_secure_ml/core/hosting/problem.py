"""The shape of a hosting check's result: ``(path, message)`` pairs, and the helpers every check uses.

A check returns a list of :data:`Problem`. The path is relative to the object checked, in keys and list
indexes (``("variants", 1, "instance_count")``); the caller puts its own location in front
(:func:`nested`): ``SecureEndpoint`` joins the messages into one ``ValueError``, the config reports each at
its own key and line. The message names the value, what is wrong and the fix.

CDK-free: unresolved CDK tokens are recognized by their string encoding (:func:`is_unresolved`).
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
