"""``secure-ml``: check CloudFormation templates against the cdk-secure-ml rule catalogue.

    secure-ml check PATH... [--format text|json|sarif] [--output FILE]
    secure-ml rules [--format text|json|markdown]
    secure-ml iam-lint PATH... [--format text|json] [--justifications FILE] [--output FILE]
    secure-ml access PATH [--scenarios FILE] [--format text|json]          (docs/access.md)
    secure-ml teardown-studio --domain-id ID [--delete-home-efs] [--yes]   (docs/operations.md)
    secure-ml demo [--app "python app.py"] [--keep DIR] ...   (the [emulator] extra; docs/operations.md)
    secure-ml cost PATH [--format text|json]   (docs/cost.md)

Exit codes of ``check``: 0 no error-level finding; 1 error-level findings; 2 bad usage or input that
cannot be read or parsed (the message names the file and line).

Pure Python: no AWS CDK import, so a check of a whole cdk.out takes well under a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .policies.findings import Finding, Report
from .policies.rule import cfn_reference_url
from .policies.rules import AREA_NAMES, AREAS, CATALOGUE, RULES_BY_ID, Rule
from .policies.runner import check_paths
from .policies.template import InputError

PROG = "secure-ml"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MARKDOWN_COMMAND = "python -m cdk_secure_ml.cli rules --format markdown > docs/rules.md"


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("cdk-secure-ml")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0.0.0"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Policy checks for secure ML environments on AWS.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser(
        "check",
        help="check CloudFormation templates (files, or directories such as cdk.out)",
        description="Check CloudFormation templates (JSON or YAML) against the rule catalogue. "
        "Exit 0: no error-level finding; 1: error-level findings; 2: bad usage or unreadable input.",
    )
    check.add_argument(
        "paths", nargs="+", metavar="PATH", help="template file or directory (searched recursively)"
    )
    check.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="output format (default: text)"
    )
    check.add_argument(
        "-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )

    iam_lint = commands.add_parser(
        "iam-lint",
        help="lint every IAM policy document in templates with parliament (the [lint] extra)",
        description="Run parliament on every IAM policy document (identity, trust, resource, key and SCP "
        "policies) in CloudFormation templates. Exit 0: no error-level finding (parliament HIGH or MEDIUM) "
        "left unjustified; 1: error-level findings; 2: bad usage, unreadable input, or parliament missing.",
    )
    iam_lint.add_argument(
        "paths", nargs="+", metavar="PATH", help="template file or directory (searched recursively)"
    )
    iam_lint.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    iam_lint.add_argument(
        "--justifications",
        metavar="FILE",
        help="YAML file of justified findings (default: the one shipped in cdk_secure_ml/policies/data)",
    )
    iam_lint.add_argument(
        "-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )

    commands.add_parser(
        "audit",
        help="read-only audit of a deployed account with boto3 (secure-ml audit --help)",
        add_help=False,
    )
    commands.add_parser(
        "demo",
        help="deploy a CDK app into a local AWS emulator, audit it ([emulator] extra; demo --help)",
        add_help=False,
    )
    commands.add_parser(
        "teardown-studio",
        help="delete a Studio domain's apps, spaces and profiles, then the domain "
        "(secure-ml teardown-studio --help)",
        add_help=False,
    )
    commands.add_parser(
        "cost", help="fixed monthly cost of a cdk.out, per account and region (secure-ml cost --help)",
        add_help=False,
    )
    rules = commands.add_parser(
        "rules", help="list the rule catalogue", description="List the rule catalogue."
    )
    rules.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)"
    )
    return parser


# -- check output ------------------------------------------------------------------------------------


def format_text(report: Report) -> str:
    lines = [
        f"{f.file}: {f.severity} {f.rule} {f.resource} ({f.resource_type}): {f.message}"
        for f in sorted(report.findings, key=lambda f: (f.file, f.severity != "error", f.rule, f.resource))
    ]
    s = report.summary
    lines.append(
        f"{s.files} template(s), {s.resources} resource(s): {s.errors} error(s), {s.warnings} warning(s), "
        f"{s.acknowledged} acknowledged"
    )
    return "\n".join(lines) + "\n"


def format_json(report: Report) -> str:
    document = {
        "findings": [f.to_json() for f in report.findings],
        "summary": report.summary.to_json(),
    }
    return json.dumps(document, indent=2) + "\n"


def _artifact_uri(file: str) -> str:
    path = Path(file)
    return path.resolve().as_uri() if path.is_absolute() else path.as_posix()


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": rule.remediation},
        "defaultConfiguration": {"level": rule.severity},
        "properties": {"area": AREA_NAMES[rule.area], "resourceTypes": list(rule.resource_types)},
    }
    if rule.help_uri:
        entry["helpUri"] = rule.help_uri
    return entry


def _sarif_result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": finding.severity,
        "message": {"text": f"{finding.resource} ({finding.resource_type}): {finding.message}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _artifact_uri(finding.file)},
                    # SARIF viewers need a line: the resource's, else the top of the file.
                    "region": {"startLine": finding.line or 1},
                },
                "logicalLocations": [{"name": finding.resource, "kind": "resource"}],
            }
        ],
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.acknowledged:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.reason or ""}]
    return result


def format_sarif(report: Report) -> str:
    index = {rule.id: i for i, rule in enumerate(CATALOGUE)}
    results = [_sarif_result(f, index) for f in [*report.findings, *report.acknowledged]]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": PROG,
                        "version": _version(),
                        "rules": [_sarif_rule(rule) for rule in CATALOGUE],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


CHECK_FORMATS = {"text": format_text, "json": format_json, "sarif": format_sarif}


# -- rules output ------------------------------------------------------------------------------------


def rules_text() -> str:
    width = max(len(r.id) for r in CATALOGUE)
    return "".join(f"{r.id:<{width}}  {r.severity:<7}  {r.title}\n" for r in CATALOGUE)


def rules_json() -> str:
    return (
        json.dumps(
            [
                {
                    "id": r.id,
                    "severity": r.severity,
                    "title": r.title,
                    "rationale": r.rationale,
                    "remediation": r.remediation,
                    "resource_types": list(r.resource_types),
                }
                for r in CATALOGUE
            ],
            indent=2,
        )
        + "\n"
    )


#: The last section of docs/rules.md: how cdk_secure_ml/policies/ is laid out.
ENGINE_LAYOUT = [
    "## How the policy engine is laid out",
    "",
    "`cdk_secure_ml/policies/`, each layer importing only the ones above it (`tests/test_architecture.py`",
    "fails on an import cycle, including one postponed into a function):",
    "",
    "1. `ids.py` (rule ids, `ack_id`) and `findings.py` (`Finding`, `Report`): plain data.",
    "2. `template.py`: loading JSON and YAML (short forms), discovery in directories, line numbers,",
    "   `Template` and `Resource`; `intrinsics.py` resolves `Ref`, `Fn::Sub`, `Fn::If` … or gives",
    "   `Unresolved`.",
    "3. `rule.py` (`Rule`, `Violation`, the `@rule` registry, property helpers) and `iam_document.py`",
    "   (statements, principals, actions, conditions: shared by the rules, the live audit and iam-lint).",
    "4. `acks.py`: reading acknowledgements (resource `Metadata`, CDK's in the cloud assembly).",
    "5. `rules/`: the catalogue, one module per area; shared resource types in `rules/_types.py`.",
    "6. `runner.py`: `check_templates(templates, rules)` and `check_paths(paths, rules=None)` (the whole",
    "   catalogue by default) run the rules and apply acknowledgements.",
    "",
    "On top: `plugin.py` (`SecureMlChecks`, the CDK validation plugin), `iam_lint/` (parliament),",
    "`live/` (`secure-ml audit`), and `acknowledgements.py` (writing acknowledgements in a CDK app).",
    "",
    "The same check from Python:",
    "",
    "```python",
    "from cdk_secure_ml.policies.runner import check_paths",
    "",
    'report = check_paths(["cdk.out"])  # raises InputError for a path it cannot read',
    "for finding in report.errors:",
    "    print(finding.rule, finding.file, finding.line, finding.resource, finding.message)",
    "```",
]


def rules_markdown() -> str:
    out = [
        "# Policy rules",
        "",
        f"<!-- Generated from the rule catalogue by `{MARKDOWN_COMMAND}`. Do not edit. -->",
        "",
        "Every rule runs in three places: `secure-ml check` on templates, the `SecureMlChecks` CDK",
        "validation plugin at synth time, and (where the same check applies) `secure-ml audit`.",
        "A value a rule needs but cannot resolve within the template gives a warning",
        '"cannot verify: …", never a pass.',
        "",
        "Acknowledge a finding next to the code that deviates, with a reason:",
        "",
        "- CDK: `Validations.of(construct).acknowledge("
        'Acknowledgment(id="cdk-secure-ml::SML-NET-1", reason="…"))`',
        "  (the plugin name, `::`, the rule id). CDK records it in the cloud assembly",
        "  (`<stack>.metadata.json`), so `secure-ml check cdk.out` honours it too.",
        "- Plain templates: resource `Metadata`",
        '  `{"cdk_secure_ml": {"acknowledge": [{"rule": "SML-NET-1", "reason": "…"}]}}`.',
        "",
        'In Python, `cdk_secure_ml.policies.ids.ack_id("SML-NET-1")` builds the CDK id; importing',
        "`cdk_secure_ml.policies.ids` (`RULE_IDS`, `ack_id`) loads neither the rules nor aws_cdk.",
        "",
        "`secure-ml check --format sarif` reports each finding at the line of its resource's logical id and",
        "links each rule (`helpUri`) to the CloudFormation reference of the resource type it reads.",
        "",
        "| Id | Severity | Title |",
        "| --- | --- | --- |",
    ]
    out += [f"| [{r.id}](#{r.id.lower()}) | {r.severity} | {r.title} |" for r in CATALOGUE]
    for area in AREAS:
        rules = [r for r in CATALOGUE if r.area == area]
        if not rules:
            continue
        out += ["", f"## {AREA_NAMES[area]} ({area})"]
        for r in rules:
            types = ", ".join(f"[`{t}`]({cfn_reference_url(t)})" for t in r.resource_types) or "any resource"
            out += [
                "",
                f"### {r.id}",
                "",
                f"**{r.title}** — severity: {r.severity}",
                "",
                f"- Applies to: {types}",
                f"- Why: {r.rationale}",
                f"- Fix: {r.remediation}",
            ]
            if r.references:
                out.append("- See: " + ", ".join(f"<{uri}>" for uri in r.references))
    out += ["", *ENGINE_LAYOUT]
    return "\n".join(out) + "\n"


RULES_FORMATS = {"text": rules_text, "json": rules_json, "markdown": rules_markdown}


# -- entry point -------------------------------------------------------------------------------------


def _write(text: str, output: str | None, stdout: TextIO) -> None:
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise InputError(f"{output}: cannot write: {error.strerror or error}") from None
    else:
        stdout.write(text)


def _iam_lint(args: argparse.Namespace) -> int:
    """``secure-ml iam-lint``; parliament (a dev / CI dependency) is imported only here."""
    from .policies import iam_lint

    justifications = args.justifications or iam_lint.DEFAULT_JUSTIFICATIONS
    report = iam_lint.lint_paths(args.paths, justifications)
    _write(CHECK_FORMATS[args.format](report), args.output, sys.stdout)
    return 0 if report.success else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point (``secure-ml``). Returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["audit"]:
        # The live audit has its own parser (boto3 session options); boto3 is imported only here.
        from .policies.live.cli import main_audit

        return main_audit(args_list[1:])
    if args_list[:1] == ["demo"]:
        # The emulator (the [emulator] extra) is imported only here.
        from .emulator.app_demo import main as main_demo

        return main_demo(args_list[1:])
    if args_list[:1] == ["access"]:
        from .policies.access.cli import main_access

        return main_access(args_list[1:])
    if args_list[:1] == ["teardown-studio"]:
        from .teardown import main_teardown_studio

        return main_teardown_studio(args_list[1:])
    if args_list[:1] == ["cost"]:
        from .cost.cli import main_cost

        return main_cost(args_list[1:])
    try:
        args = _parser().parse_args(args_list)
        if args.command == "rules":
            sys.stdout.write(RULES_FORMATS[args.format]())
            return 0
        if args.command == "iam-lint":
            return _iam_lint(args)
        report = check_paths(args.paths)
        _write(CHECK_FORMATS[args.format](report), args.output, sys.stdout)
        return 0 if report.success else 1
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except InputError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else 0
    except KeyboardInterrupt:
        return 130


__all__ = ["RULES_BY_ID", "format_json", "format_sarif", "format_text", "main", "rules_markdown"]

if __name__ == "__main__":
    sys.exit(main())
