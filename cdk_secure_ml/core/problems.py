"""The shape of a check's result, shared by the CDK-free checks of :mod:`cdk_secure_ml.core`.

A check returns a list of :data:`Problem`: ``(path, message)``. ``path`` is the argument's name relative
to the caller (a construct keyword, or a config key the config prefixes with its section); ``message``
names the value, what is wrong and the fix. A construct joins the messages of all its problems into one
``ValueError`` (``"<Construct>: <message>; <message>"``); the config places each one at its own path.
"""

from __future__ import annotations

Problem = tuple[str, str]


def messages(problems: list[Problem]) -> list[str]:
    """The messages of ``problems``, in order (what a construct reports)."""
    return [message for _, message in problems]
