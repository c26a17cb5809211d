"""``secure-ml``: check CloudFormation templates against the cdk-secure-ml rule catalogue.

    secure-ml check PATH... [--format text|json|sarif] [--output FILE]
    secure-ml rules [--format text|json|markdown]
    secure-ml iam-lint PATH... [--format text|json] [--justifications FILE] [--output FILE]
    secure-ml access PATH [--scenarios FILE] [--format text|json]          (docs/access.md)
    secure-ml teardown-studio --domain-id ID [--delete-home-efs] [--yes]   (docs/operations.md)
    secure-ml demo [--app "python app.py"] [--keep DIR] ...   (the [emulator] extra; docs/operations.md)
    secure-ml cost PATH [--format text|json]   (docs/cost.md)

Exit codes of ``check``: 0 no error-level finding; 1 error-level findings; 2 bad usage or input that
cannot be read or parsed (the message names the file and line). An unreadable file does not stop the
check: every other file is checked and the report (SARIF included) is written, then the exit code is 2.

Pure Python: no AWS CDK import, so a check of a whole cdk.out takes well under a second.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from .policies.findings import Finding, ReadProblem, Report
from .policies.rule import cfn_reference_url
from .policies.rules import AREA_NAMES, AREAS, CATALOGUE, RULES_BY_ID, Rule
from .policies.runner import check_paths
from .policies.template import InputError
from .usage import Parser as _Parser
from .usage import UsageError

PROG = "secure-ml"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MARKDOWN_COMMAND = "python -m cdk_secure_ml.cli rules --format markdown > docs/rules.md"


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("cdk-secure-ml")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0.0.0"


class _LazyVersion(argparse.Action):
    """``--version``: reads the installed version only when asked (importlib.metadata costs ~25 ms of every
    ``secure-ml check``, which bench/check_vs_checkov.py measures)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Policy checks for secure ML environments on AWS.")
    parser.add_argument("--version", action=_LazyVersion, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser(
        "check",
        help="check CloudFormation templates (files, or directories such as cdk.out)",
        description="Check CloudFormation templates (JSON or YAML) against the rule catalogue. "
        "Exit 0: no error-level finding; 1: error-level findings; 2: bad usage or unreadable input "
        "(the other files are still checked and the report written).",
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
    check.add_argument(
        "--show-acknowledged",
        action="store_true",
        help="text format: also list the acknowledged findings, each with its reason",
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
        help="YAML file of justified findings, added to the ones the templates carry in their resources' "
        "Metadata.cdk_secure_ml.iam_lint (default: those only)",
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
        "access",
        help="prove who can do what in a cdk.out with the policies it holds, offline "
        "(secure-ml access --help)",
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
        "rules",
        help="list the rule catalogue, or explain rules (secure-ml rules SML-NET-2)",
        description="List the rule catalogue; with rule ids, explain those rules: what they check, why, "
        "the fix and AWS's documentation.",
    )
    rules.add_argument("ids", nargs="*", metavar="RULE", help="rule ids to explain (default: list them all)")
    rules.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)"
    )
    return parser


# -- check output ------------------------------------------------------------------------------------


def format_text(report: Report, show_acknowledged: bool = False) -> str:
    """One line per finding, each followed by the fix of its rule (``fix: ...``; rules outside our
    catalogue, such as iam-lint's, have none), then the summary line. ``show_acknowledged`` also lists the
    acknowledged findings with their reasons, before the summary."""
    lines = []
    for f in sorted(report.findings, key=lambda f: (f.file, f.severity != "error", f.rule, f.resource)):
        lines.append(f"{f.file}: {f.severity} {f.rule} {f.resource} ({f.resource_type}): {f.message}")
        if f.rule in RULES_BY_ID:
            lines.append(f"    fix: {RULES_BY_ID[f.rule].remediation}")
    if show_acknowledged:
        lines += [
            f"{f.file}: acknowledged {f.rule} {f.resource} ({f.resource_type}): {f.message}\n"
            f"    reason: {f.reason}"
            for f in sorted(report.acknowledged, key=lambda f: (f.file, f.rule, f.resource))
        ]
    s = report.summary
    lines.append(
        f"{s.files} template(s), {s.resources} resource(s): {s.errors} error(s), {s.warnings} warning(s), "
        f"{s.acknowledged} acknowledged"
    )
    return "\n".join(lines) + "\n"


def format_json(report: Report) -> str:
    document: dict[str, Any] = {
        "findings": [f.to_json() for f in report.findings],
        "summary": report.summary.to_json(),
    }
    if report.problems:
        document["problems"] = [
            {"file": p.file, "line": p.line, "message": p.message} for p in report.problems
        ]
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
                # SARIF 2.1.0 §3.20: an invocation that met unreadable input did not succeed; each
                # problem is a tool execution notification at its file and line.
                "invocations": [
                    {
                        "executionSuccessful": not report.problems,
                        "toolExecutionNotifications": [_sarif_notification(p) for p in report.problems],
                    }
                ],
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _sarif_notification(problem: ReadProblem) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": problem.line or 1}
    if problem.column:
        region["startColumn"] = problem.column
    return {
        "level": "error",
        "message": {"text": problem.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": _artifact_uri(problem.file)}, "region": region}}
        ],
    }


CHECK_FORMATS = {"text": format_text, "json": format_json, "sarif": format_sarif}


# -- rules output ------------------------------------------------------------------------------------


def rules_text() -> str:
    width = max(len(r.id) for r in CATALOGUE)
    return "".join(f"{r.id:<{width}}  {r.severity:<7}  {r.title}\n" for r in CATALOGUE)


def rules_explained(ids: Sequence[str]) -> str:
    """``secure-ml rules SML-NET-2 ...``: each rule's title, severity, resource types, why, fix and sources.

    :raises UsageError: an id that is not in the catalogue (with the closest ids).
    """
    unknown = [i for i in ids if i.upper() not in RULES_BY_ID]
    if unknown:
        import difflib  # only for the hint: every `secure-ml` run would pay for it at the top

        hints = [f"{i!r} (did you mean {', '.join(close)}?)" if (close := difflib.get_close_matches(
            i.upper(), RULES_BY_ID, n=3, cutoff=0.6)) else repr(i) for i in unknown]
        raise UsageError(f"unknown rule id {', '.join(hints)}; secure-ml rules lists them all")
    blocks = []
    for rule in (RULES_BY_ID[i.upper()] for i in ids):
        lines = [
            f"{rule.id}  {rule.severity}  {rule.title}",
            f"  applies to: {', '.join(rule.resource_types) or 'any resource'}",
            f"  why: {rule.rationale}",
            f"  fix: {rule.remediation}",
            f"  acknowledge: acknowledge(construct, reason, {rule.id!r}) in CDK, or resource Metadata "
            f'{{"cdk_secure_ml": {{"acknowledge": [{{"rule": "{rule.id}", "reason": "..."}}]}}}}',
        ]
        # AWS's pages: the rule's own references, then the CloudFormation reference of each type it reads.
        lines += [f"  see: {uri}" for uri in (*rule.references, *map(cfn_reference_url, rule.resource_types))]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


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
    "2. `template.py`: loading JSON and YAML, discovery in directories (local nested templates",
    "   followed), line numbers, `Template` and `Resource`; `cfn_yaml.py` reads YAML with the short",
    "   forms (`!Ref`, `!GetAtt` …) into data and line numbers; `intrinsics.py` resolves `Ref`,",
    "   `Fn::Sub`, `Fn::If`, `Fn::Length` … or gives `Unresolved`; `transforms.py` expands",
    "   `AWS::LanguageExtensions` (`Fn::ForEach`, with cfn-lint's expander) and translates SAM (with",
    "   aws-sam-translator, offline), and notes what it cannot expand (SML-META-4, \"cannot verify\");",
    "   `variants.py` makes the variants of a template where a parameter takes another of its",
    "   `AllowedValues`, or a condition that cannot be evaluated is true or false.",
    "3. `rule.py` (`Rule`, `Violation`, the `@rule` registry, property helpers) and `iam_document.py`",
    "   (statements, principals, actions, conditions: shared by the rules, the live audit and iam-lint).",
    "4. `acks.py`: reading acknowledgements (resource `Metadata`, CDK's in the cloud assembly).",
    "5. `rules/`: the catalogue, one module per area; shared resource types in `rules/_types.py`.",
    "6. `runner.py`: `check_templates(templates, rules)` and `check_paths(paths, rules=None)` (the whole",
    "   catalogue by default) run the rules and apply acknowledgements. A finding that appears only in a",
    "   variant names it: `RootAccess is \"Enabled\" (when parameter Access is 'Enabled')`.",
    "   `check_paths(paths, keep_going=True)` (what `secure-ml check` does) puts a file it cannot read",
    "   in `report.problems` and checks the others; the CLI writes the report, then exits 2.",
    "",
    "On top: `plugin.py` (`SecureMlChecks`, the CDK validation plugin), `iam_lint/` (parliament),",
    "`live/` (`secure-ml audit`), and `acknowledgements.py` (writing acknowledgements in a CDK app).",
    "",
    "The same check from Python:",
    "",
    "```python",
    "from aws_cdk import App, Stack",
    "from cdk_secure_ml import SecureBucket, check_paths",
    "",
    "app = App()",
    'SecureBucket(Stack(app, "Data"), "Features")',
    "assembly = app.synth()",
    "",
    '# After `cdk synth`, check_paths(["cdk.out"]); any file or directory of templates will do.',
    "report = check_paths([assembly.directory])  # raises InputError for a path it cannot read",
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
        "The library's `acknowledge(construct, reason, *rule_ids)` (`from cdk_secure_ml import acknowledge`)",
        "writes both: CDK's form, and, for our `SML-*` rules, the `Metadata` form on every CloudFormation",
        "resource under the construct (the closest construct's reason wins, as in CDK). A template taken out",
        "of the assembly (`cdk synth MyStack > t.yaml`) therefore keeps its acknowledgements:",
        "`secure-ml check t.yaml` gives the same result as `secure-ml check cdk.out`.",
        "",
        'In an app, `ack_id("SML-NET-1")` (`from cdk_secure_ml import ack_id`) builds the CDK id. Code that',
        "must not load aws_cdk (a script around `secure-ml check`) imports `ack_id` and `RULE_IDS` from",
        "`cdk_secure_ml.policies.ids`, which loads neither the rules nor aws_cdk.",
        "",
        "`secure-ml check --format sarif` reports each finding at the line of its resource's logical id and",
        "links each rule (`helpUri`) to the CloudFormation reference of the resource type it reads.",
        "",
        "What the check reads, beyond a plain template:",
        "",
        "- `Transform: AWS::LanguageExtensions`: `Fn::ForEach` loops are expanded (cfn-lint's expander) and",
        "  each generated resource is judged, reported at the line of its loop; `Fn::Length` and",
        "  `Fn::ToJsonString` are resolved.",
        "- `Transform: AWS::Serverless-2016-10-31` (SAM): the template is translated offline with",
        "  aws-sam-translator, so a function's generated role and policies meet the IAM rules (reported",
        "  at the line of the SAM resource). Both expanders come with",
        "  `pip install 'cdk-secure-ml[transforms]'`; without them, and for any other transform or macro,",
        "  SML-META-4 says what was not checked.",
        "- Nested stacks whose `TemplateURL` is a local file are followed and checked.",
        "- Parameters and conditions: a parameter's other `AllowedValues`, and both sides of a condition",
        "  the template cannot evaluate (one on the region, say), are judged too; a finding only such a",
        "  variant has names it: `… (when parameter Stage is 'dev')`. A parameter without `AllowedValues`",
        "  (free-form, or `AllowedPattern` only) may take any value at deploy time: a rule its secure",
        "  `Default` passes gives the warning `cannot verify: … is Ref P (a deploy-time parameter without",
        "  AllowedValues)` instead of a pass; an insecure `Default` is still an error.",
        "- A file that cannot be read is reported (file and line) and the others are still checked; the",
        "  report (SARIF with `invocations[0].executionSuccessful: false`) is written, then the exit code",
        "  is 2.",
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

    report = iam_lint.lint_paths(args.paths, args.justifications)
    _write(CHECK_FORMATS[args.format](report), args.output, sys.stdout)
    return 0 if report.success else 1


def _rules(args: argparse.Namespace) -> int:
    """``secure-ml rules [RULE ...]``: the catalogue, or the named rules explained."""
    if args.ids and args.format != "text":
        raise UsageError("rule ids are explained in text only; leave out --format")
    sys.stdout.write(rules_explained(args.ids) if args.ids else RULES_FORMATS[args.format]())
    return 0


@contextmanager
def _fewer_collector_passes() -> Iterator[None]:
    """A check keeps what it allocates to the end (templates, resolved properties, variants), so the cyclic
    garbage collector's frequent passes free almost nothing (414 objects in 121 passes on bench/samples)
    yet took a tenth of the run. Inside: far fewer passes, over the objects allocated since (start-up's
    are frozen). The collector's settings are restored after, for a caller that runs ``main`` in-process."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _check(args: argparse.Namespace) -> int:
    """``secure-ml check``: exit 0 without error-level findings, 1 with, 2 when a file could not be read
    (every other file is still checked and reported)."""
    if args.show_acknowledged and args.format != "text":
        raise UsageError("--show-acknowledged is for the text format (SARIF has them as suppressions)")
    with _fewer_collector_passes():
        report = check_paths(args.paths, keep_going=True)
    # Nothing read at all: only the errors, as for bad usage; SARIF is written anyway, so a CI upload step
    # finds its file (with executionSuccessful false).
    if report.files or not report.problems or args.format == "sarif":
        if args.format == "text":
            _write(format_text(report, args.show_acknowledged), args.output, sys.stdout)
        else:
            _write(CHECK_FORMATS[args.format](report), args.output, sys.stdout)
    for problem in report.problems:
        print(f"{PROG}: error: {problem.message}", file=sys.stderr)
    if report.problems:
        return 2
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
            return _rules(args)
        if args.command == "iam-lint":
            return _iam_lint(args)
        return _check(args)
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
