"""The plumbing of the live audit: boto3 clients per service, calls that turn a refused or failed call
into "not verified" (never a pass), and the verdicts the checks record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from ..findings import Finding, FindingsBySeverity
from .rules import NOT_VERIFIED, severity_of

__all__ = ["AuditError", "AuditResult", "AwsCalls", "NotVerified"]

#: Error codes AWS services use for a refused call.
_DENIED = {
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "AuthorizationError", "AuthorizationErrorException", "UnrecognizedClientException",
    "InvalidClientTokenId", "OptInRequired", "SubscriptionRequiredException",
}  # fmt: skip


class AuditError(Exception):
    """The audit cannot start: no credentials, unreachable endpoint, unknown region."""


@dataclass
class AuditResult(FindingsBySeverity):
    """The findings of an audit, with the number of checks that passed and failed."""

    findings: list[Finding] = field(default_factory=list)
    passed: int = 0
    #: (rule, resource) pairs with at least one finding.
    failed_checks: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "checks": self.passed + self.failed_checks,
            "passed": self.passed,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "not_verified": sum(1 for f in self.findings if f.rule == NOT_VERIFIED),
        }


class NotVerified(Exception):
    """A call the auditor could not make (``code``: the AWS error code, or the botocore error)."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"{operation}: {code}")
        self.operation, self.code, self.message = operation, code, message


@contextmanager
def _not_verified(service: str, operation: str) -> Iterator[None]:
    """An AWS error of the call becomes :class:`NotVerified` (the check did not run); a missing endpoint or
    missing credentials stay errors of the whole audit."""
    try:
        yield
    except ClientError as error:
        info = error.response.get("Error", {})
        raise NotVerified(
            f"{service}:{operation}", str(info.get("Code", "")), str(info.get("Message", ""))
        ) from None
    except (EndpointConnectionError, NoCredentialsError):
        raise
    except BotoCoreError as error:
        raise NotVerified(f"{service}:{operation}", type(error).__name__, str(error)) from None


class AwsCalls:
    """One audit run's connection to an account and region, and its :class:`AuditResult`.

    ``session`` is a boto3 session; ``endpoint_url`` sends every call elsewhere (a local emulator).
    """

    def __init__(self, session: Any, region: str, endpoint_url: str | None = None) -> None:
        self.session = session
        self.region = region
        self.endpoint_url = endpoint_url
        self.location = f"aws://{region}"
        self.result = AuditResult()
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url
            )
        return self._clients[service]

    def call(self, service: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        with _not_verified(service, operation):
            return getattr(self.client(service), operation)(**kwargs)

    def pages(self, service: str, operation: str, key: str, **kwargs: Any) -> list[Any]:
        """Every item of a paginated list call (or of one call, when it cannot paginate)."""
        client = self.client(service)
        items: list[Any] = []
        with _not_verified(service, operation):
            if client.can_paginate(operation):
                for page in client.get_paginator(operation).paginate(**kwargs):
                    items.extend(page.get(key, []))
            else:
                items.extend(getattr(client, operation)(**kwargs).get(key, []))
        return items

    def verdict(self, rule: str, resource: str, resource_type: str, problems: Iterable[str]) -> None:
        problems = [p for p in problems if p]
        if not problems:
            self.result.passed += 1
            return
        self.result.failed_checks += 1
        for message in problems:
            self.result.findings.append(
                Finding(rule, severity_of(rule), self.location, resource, resource_type, message)
            )

    def not_verified(self, area: str, error: NotVerified) -> None:
        kind = "access denied" if error.code in _DENIED else f"error {error.code}"
        self.result.failed_checks += 1
        self.result.findings.append(
            Finding(
                NOT_VERIFIED,
                "warning",
                self.location,
                area,
                "",
                f"not verified: {kind} on {error.operation}"
                + (f" ({error.message})" if error.message and error.code not in _DENIED else ""),
            )
        )

    def _bucket_call(self, operation: str, name: str, missing: str) -> dict[str, Any] | None:
        """A bucket configuration, or None when the bucket has none (the ``missing`` error code)."""
        try:
            return getattr(self.client("s3"), operation)(Bucket=name)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code == missing:
                return None
            message = str(error.response.get("Error", {}).get("Message", ""))
            raise NotVerified(f"s3:{operation}", code, message) from None
