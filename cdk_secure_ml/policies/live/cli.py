"""``secure-ml audit [--profile P] [--region R] [--endpoint-url URL] [--format text|json]
[--fail-on-not-verified]``.

Exit codes: 0 no error-level finding; 1 error-level findings (with ``--fail-on-not-verified``, also
any check that could not be verified); 2 bad input (no credentials, an unreachable endpoint, an
unknown region): one line on stderr, no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO
from urllib.parse import urlparse

from cdk_secure_ml.core.regions import known_regions

from ...usage import Parser as _Parser
from ...usage import UsageError
from .audit import run_audit
from .calls import AuditError, AuditResult
from .rules import title_of

PROG = "secure-ml audit"


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Audit a deployed account and region with read-only AWS calls. Exit 0: no error-level "
        "finding; 1: error-level findings; 2: bad input (credentials, endpoint, region).",
    )
    p.add_argument("--profile", help="AWS profile (default: the standard credential chain)")
    p.add_argument("--region", help="region to audit (default: the profile's or AWS_REGION)")
    p.add_argument("--endpoint-url", help="send every call to this endpoint (e.g. a local emulator)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument(
        "--fail-on-not-verified",
        action="store_true",
        help="also exit 1 when a check could not be verified (access denied or another error): "
        "a check that did not run is not a pass (the delivery pipeline sets it)",
    )
    return p


def open_session(profile: str | None, region: str | None, endpoint_url: str | None):
    """A boto3 session and the region, after checking that the account answers (STS)."""
    import boto3
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        ProfileNotFound,
    )

    if endpoint_url:
        parts = urlparse(endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise AuditError(f"--endpoint-url {endpoint_url!r} is not an http(s) URL")
    try:
        session = boto3.Session(profile_name=profile)
    except ProfileNotFound:
        raise AuditError(f"AWS profile {profile!r} not found") from None
    region = region or session.region_name
    if not region:
        raise AuditError("no region: pass --region or set AWS_REGION")
    if region not in known_regions():
        raise AuditError(f"unknown region {region!r}; use an AWS region code such as eu-west-1")
    if session.get_credentials() is None:
        raise AuditError("no AWS credentials found; set AWS_PROFILE or pass --profile")
    from botocore.config import Config

    sts = session.client(
        "sts",
        region_name=region,
        endpoint_url=endpoint_url,
        config=Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 2}),
    )
    try:
        sts.get_caller_identity()
    except EndpointConnectionError:
        raise AuditError(f"cannot reach {endpoint_url or 'AWS STS in ' + region}") from None
    except NoCredentialsError:
        raise AuditError("no AWS credentials found; set AWS_PROFILE or pass --profile") from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        raise AuditError(f"the credentials were refused ({code})") from None
    except BotoCoreError as error:
        raise AuditError(f"cannot reach {endpoint_url or 'AWS'}: {error}") from None
    return session, region


def format_text(result: AuditResult, region: str) -> str:
    lines = [
        f"{f.severity} {f.rule} {f.resource}"
        + (f" ({f.resource_type})" if f.resource_type else "")
        + f": {f.message}"
        for f in sorted(result.findings, key=lambda f: (f.severity != "error", f.rule, f.resource))
    ]
    s = result.summary()
    lines.append(
        f"audit of {region}: {s['checks']} check(s), {s['passed']} passed, {s['errors']} error(s), "
        f"{s['warnings']} warning(s) ({s['not_verified']} not verified)"
    )
    return "\n".join(lines) + "\n"


def format_json(result: AuditResult, region: str) -> str:
    document = {
        "findings": [{**f.to_json(), "title": title_of(f.rule)} for f in result.findings],
        "summary": {"region": region, **result.summary()},
    }
    return json.dumps(document, indent=2) + "\n"


def main_audit(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Entry point of ``secure-ml audit`` (``argv`` without the ``audit`` word). Returns the exit code."""
    stdout = stdout or sys.stdout
    try:
        args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        session, region = open_session(args.profile, args.region, args.endpoint_url)
        result = run_audit(session, region, args.endpoint_url)
        stdout.write((format_json if args.format == "json" else format_text)(result, region))
        not_verified = result.summary()["not_verified"]
        return 0 if result.success and not (args.fail_on_not_verified and not_verified) else 1
    except (UsageError, AuditError) as error:
        print(f"secure-ml: error: {error}", file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help
        return exit_.code if isinstance(exit_.code, int) else 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main_audit())
