"""The docs say the truth: every ```python block of README.md and docs/*.md runs, imports from the package
root, and no page or docstring points at a file outside the repository.

How a page's blocks run (docs/architecture.md, "Code blocks in the docs"):

- Each block starts with an empty namespace, unless the line right above its fence is
  ``<!-- docs-test: continue -->``: then it runs in the namespace the page's previous block left, as the
  rest of the same example. A block marked ``<!-- docs-test: separate -->`` runs on its own and leaves that
  namespace to the blocks after it (an aside inside a longer example). No block is skipped.
- A page's blocks run in order, in this process (the session's jsii kernel is already up, so a page costs
  its synthesis only, not a new Node.js process), in a fresh temporary working directory, with
  ``os.environ`` restored afterwards.
- When a block chain ends, every ``aws_cdk.App`` it left is synthesized. Outside the CDK CLI a failing
  validation plugin raises, so an example whose resources break our pack or cdk-nag's fails here.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3
from constructs import Construct

import cdk_secure_ml
from cdk_secure_ml import add_compliance_packs
from tests.conftest import ROOT

CONTINUE = "<!-- docs-test: continue -->"
SEPARATE = "<!-- docs-test: separate -->"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # 1-based line of the first code line
    source: str
    continues: bool
    separate: bool = False


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start(1)) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        found.append(Block(page, line, match.group(1), before == CONTINUE, before == SEPARATE))
    return found


def _run(block: Block, namespace: dict) -> None:
    # Blank lines in front, so a traceback names the page and its real line number.
    code = compile("\n" * (block.line - 1) + block.source, str(block.page.relative_to(ROOT)), "exec")
    exec(code, namespace)  # noqa: S102 - the point of the test: the docs' own examples, as a user runs them


def _synth_apps(namespace: dict) -> int:
    apps = [value for value in namespace.values() if isinstance(value, App)]
    for app in apps:
        app.synth()  # raises on an unacknowledged finding of the registered packs
    return len(apps)


PAGES_WITH_CODE = [page for page in PAGES if blocks(page)]


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_block_of_the_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    saved_environ = dict(os.environ)
    page_blocks = blocks(page)
    first = page_blocks[0]
    assert not first.continues, f"{page.name}:{first.line}: the first block has nothing to continue"
    namespace: dict = {}
    try:
        for block in page_blocks:
            if block.separate:
                aside: dict = {"__name__": f"docs_{page.stem}_aside"}
                _run(block, aside)
                _synth_apps(aside)
                continue
            if not block.continues:
                _synth_apps(namespace)
                namespace = {"__name__": f"docs_{page.stem}"}
            _run(block, namespace)
        _synth_apps(namespace)
    finally:
        os.environ.clear()
        os.environ.update(saved_environ)


def _plain_bucket_app(**context) -> App:
    app = App(context=context)
    add_compliance_packs(app)
    s3.Bucket(Stack(app, "Plain"), "Open")  # no KMS, no TLS-only policy, no logs: findings of every pack
    return app


@pytest.mark.aws_behaviour("cdk.validation-failure-fails-synth")
def test_outside_the_cli_a_finding_fails_synth_which_is_what_makes_a_doc_block_fail():
    with pytest.raises(RuntimeError, match=r"ValidationFailed(.|\n)*SML-ENC-7(.|\n)*AwsSolutions-S1"):
        _plain_bucket_app().synth()


@pytest.mark.aws_behaviour("cdk.validation-failure-fails-synth")
def test_the_context_key_the_cli_sets_leaves_the_failure_to_the_caller(tmp_path):
    # What CDK CLI 2.1148 asks of the app (docs/compliance.md): the report is written, synth returns, the CLI
    # prints the report and exits 1.
    assembly = _plain_bucket_app(**{"@aws-cdk/core:failSynthOnValidationErrors": False}).synth()
    report = json.loads((Path(assembly.directory) / "validation-report.json").read_text())
    conclusions = {r["pluginName"]: r["conclusion"] for r in report["pluginReports"]}
    assert conclusions["cdk-secure-ml"] == "failure" and conclusions["AwsSolutions"] == "failure"


def _imports(block: Block) -> list[tuple[str, list[str]]]:
    tree = ast.parse(block.source)
    found = [(node.module or "", [a.name for a in node.names]) for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom)]
    found += [(a.name, []) for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
    return found


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_import_only_from_the_package_root(page):
    for block in blocks(page):
        for module, names in _imports(block):
            if not module.startswith("cdk_secure_ml"):
                continue
            where = f"{page.name}:{block.line}"
            assert module == "cdk_secure_ml", f"{where} imports from {module}; import from cdk_secure_ml"
            missing = sorted(set(names) - set(cdk_secure_ml.__all__))
            assert not missing, f"{where}: {missing} are not exported at the package root"


def test_the_names_the_docs_tell_users_to_use_are_exported_at_the_root():
    # The names the newcomer review of 2026-11-30 (finding 14) found only in submodules.
    for name in ("AlarmThresholds", "ConfigProblem", "skip_checkov", "SecureMlChecks", "MlPlatformPipeline",
                 "OrganizationGuardrailsStack", "new_alarm_topic", "CONFIG_RULES", "add_compliance_packs",
                 "acknowledge", "ack_id", "check_paths"):
        assert name in cdk_secure_ml.__all__, name
        assert getattr(cdk_secure_ml, name) is not None


def test_a_continue_marker_sits_right_above_a_python_fence():
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if line.strip() in (CONTINUE, SEPARATE):
                following = lines[number] if number < len(lines) else ""
                where = f"{page.name}:{number}"
                assert following.startswith("```python"), f"{where}: put {line.strip()} right above ```python"


#: Files that were never in this repository, and paths that leave it: a user of the checkout or the wheel
#: cannot follow them. Cite AWS documentation or a page of docs/ instead.
OUTSIDE_REFERENCES = re.compile(r"\bshared/|REQUIREMENTS(\.md)?\b|DESIGN\.md")
SCANNED = ("README.md", "docs", "cdk_secure_ml", "tools", "examples", "emulator", "bench", "app.py",
           "pyproject.toml", "Makefile")


def test_nothing_points_outside_the_repository():
    found = []
    for entry in SCANNED:
        path = ROOT / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if file.suffix not in {".md", ".py", ".toml", ".yaml", ".yml", ".json", ""}:
                continue
            try:
                text = file.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            for number, line in enumerate(text.splitlines(), 1):
                if OUTSIDE_REFERENCES.search(line):
                    found.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "references to files outside the repository:\n" + "\n".join(found)


def _public_constructs() -> list[type]:
    return [obj for name in cdk_secure_ml.__all__
            if isinstance(obj := getattr(cdk_secure_ml, name), type) and issubclass(obj, Construct)]


def _own_attributes(cls: type) -> tuple[list[str], list[ast.FunctionDef]]:
    """The public ``self.<name>`` a class assigns in its own body, and its own public methods."""
    node = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    assert isinstance(node, ast.ClassDef)
    names: list[str] = []
    for sub in ast.walk(node):
        targets = (sub.targets if isinstance(sub, ast.Assign)
                   else [sub.target] if isinstance(sub, ast.AnnAssign) else [])
        flat = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
        for target in flat:
            if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id == "self" and not target.attr.startswith("_")
                    and target.attr not in names):
                names.append(target.attr)
    methods = [n for n in node.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    names += [m.name for m in methods if any(getattr(d, "id", None) == "property" for d in m.decorator_list)]
    return names, methods


@pytest.mark.parametrize("construct", _public_constructs(), ids=lambda c: c.__name__)
def test_every_public_construct_documents_its_attributes(construct):
    names, methods = _own_attributes(construct)
    doc = construct.__doc__ or ""
    assert "Attributes" in doc, f"{construct.__name__}'s docstring has no Attributes section"
    section = doc[doc.index("Attributes"):]
    missing = [n for n in names if f"``{n}``" not in section]
    assert not missing, f"{construct.__name__}: Attributes does not name {missing}"
    undocumented = [m.name for m in methods if not ast.get_docstring(m)]
    assert not undocumented, f"{construct.__name__}: no docstring on {undocumented}"
