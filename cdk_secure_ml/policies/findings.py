"""Findings: what a rule reports about one resource. Plain data, no AWS CDK import."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Literal

Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")

#: Prefix of every message for a value a rule needs but cannot resolve within the template.
CANNOT_VERIFY = "cannot verify: "


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one resource (or on the template, then ``resource`` is empty).

    ``line`` is the 1-based line of the resource's logical id in ``file`` (None when unknown: a
    template built in memory, or a live-audit finding); it is not part of the JSON shape.
    """

    rule: str
    severity: Severity
    file: str
    resource: str
    resource_type: str
    message: str
    #: Set when the resource acknowledges the rule with a reason; acknowledged findings never fail a check.
    acknowledged: bool = field(default=False, compare=False)
    reason: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    def acknowledge(self, reason: str) -> Finding:
        """This finding, acknowledged with ``reason`` (it no longer fails a check)."""
        return replace(self, acknowledged=True, reason=reason)

    def to_json(self) -> dict[str, str]:
        """The public JSON shape: rule, severity, file, resource, resource_type, message."""
        data = asdict(self)
        data.pop("acknowledged")
        data.pop("reason")
        data.pop("line")
        return data


@dataclass
class Summary:
    files: int = 0
    resources: int = 0
    errors: int = 0
    warnings: int = 0
    acknowledged: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)


class FindingsBySeverity:
    """``errors``, ``warnings`` and ``success`` over a ``findings`` list (static check and live audit)."""

    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def success(self) -> bool:
        """True when no unacknowledged error-level finding remains."""
        return not self.errors


@dataclass(frozen=True)
class ReadProblem:
    """A path or file that could not be read (the other files were still checked): ``message`` names
    the file and, for a parse error, the 1-based ``line`` and ``column``."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None


@dataclass
class Report(FindingsBySeverity):
    """The result of checking a set of templates; ``problems`` lists the inputs that could not be read
    (``secure-ml check`` exits 2 when there is any)."""

    findings: list[Finding]
    acknowledged: list[Finding]
    files: list[str]
    resources: int
    problems: list[ReadProblem] = field(default_factory=list)

    @property
    def summary(self) -> Summary:
        return Summary(
            files=len(self.files),
            resources=self.resources,
            errors=len(self.errors),
            warnings=len(self.warnings),
            acknowledged=len(self.acknowledged),
        )
