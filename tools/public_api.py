"""Generate the public API: ``cdk_secure_ml/__init__.py`` (lazy re-exports) and ``docs/api.md``.

Nothing is listed twice. The public API is the union of the ``__all__`` lists of:

- the modules and packages of ``cdk_secure_ml.constructs`` and ``cdk_secure_ml.stacks`` (read from the source
  with :mod:`ast`); a name is imported from the shallowest module that lists it (a package before its
  modules), and documented from where it is defined (there, in a module of the package, or in ``core``);
- the modules of :data:`DECLARING_MODULES`: the config package and the policy modules an app uses.

``problems()`` (run by the tests) says what is missing: a module without ``__all__`` whose package declares
none either, a public class listed nowhere, a listed name without a docstring. Two public names that collide
are an
error: rename one.

Run ``python -m tools.public_api`` after changing an ``__all__``; ``--check`` fails when either file is stale.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

from tools.generated import ROOT, write_or_check

PACKAGE = ROOT / "cdk_secure_ml"
#: Packages whose every module's public definitions are public API.
DEFINING_PACKAGES = ("constructs", "stacks")
#: Modules whose ``__all__`` is public API as a whole (``policies`` holds internals beside them).
DECLARING_MODULES = (
    "cdk_secure_ml.config",
    "cdk_secure_ml.cost",
    "cdk_secure_ml.policies.acknowledgements",
    "cdk_secure_ml.policies.packs",
    "cdk_secure_ml.policies.plugin",
    "cdk_secure_ml.policies.runner",
)
INIT = PACKAGE / "__init__.py"
DOC = ROOT / "docs" / "api.md"


def _modules(package: str) -> Iterator[tuple[str, Path]]:
    base = PACKAGE / package
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if any(p.startswith("_") and p != "__init__" for p in parts):
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield "cdk_secure_ml." + ".".join(parts), path


def _definitions(path: Path) -> tuple[dict[str, tuple[str, str]], list[str] | None]:
    """The public names a module defines -> (kind, summary), and the module's ``__all__`` (None: none)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    defined: dict[str, tuple[str, str]] = {}
    declared: list[str] | None = None
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef) and not node.name.startswith("_"):
            kind = "class" if isinstance(node, ast.ClassDef) else "function"
            defined[node.name] = (kind, _first_line(ast.get_docstring(node)))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not isinstance(target, ast.Name):
                    continue
                if target.id == "__all__" and node.value is not None:
                    declared = list(ast.literal_eval(node.value))
                elif not target.id.startswith("_"):
                    alias = target.id[0].isupper() and not target.id.isupper()  # CamelCase = ...: a type
                    defined[target.id] = ("type" if alias else "constant", _comment_above(lines, node.lineno))
    return defined, declared


def _first_line(doc: str | None) -> str:
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def _comment_above(lines: list[str], lineno: int) -> str:
    comment: list[str] = []
    i = lineno - 2
    while i >= 0 and lines[i].startswith("#:"):
        comment.insert(0, lines[i][2:].strip())
        i -= 1
    return " ".join(comment)


def _declaring_modules(package: str) -> list[tuple[str, Path, dict[str, tuple[str, str]], list[str] | None]]:
    """(module, path, definitions, __all__) of the package's public modules, packages before their modules."""
    found = []
    for module, path in _modules(package):
        defined, declared = _definitions(path)
        found.append((module, path, defined, declared))
    return sorted(found, key=lambda m: (m[0].count("."), m[0]))


def _covering_package(module: str, declared_packages: dict[str, list[str]]) -> str | None:
    """The closest enclosing package of ``module`` that declares ``__all__``."""
    parts = module.split(".")
    for end in range(len(parts) - 1, 2, -1):
        package = ".".join(parts[:end])
        if package in declared_packages:
            return package
    return None


def problems() -> list[str]:
    """What keeps the public API from being complete and documented (empty when it is).

    A module needs ``__all__`` unless its package's ``__init__`` declares one (then that is the API of the
    package's modules). Every public class a module defines is listed in one of the two.
    """
    found = []
    for package in DEFINING_PACKAGES:
        modules = _declaring_modules(package)
        packages = {m: d for m, p, _, d in modules if p.name == "__init__.py" and d is not None}
        for module, path, defined, declared in modules:
            covering = _covering_package(module, packages) if path.name != "__init__.py" else None
            listed = set(declared or ()) | set(packages.get(covering, ()) if covering else ())
            if declared is None and covering is None and defined:
                found.append(f"{module} defines public names but has no __all__ (nor has its package)")
                continue
            for name, (kind, summary) in defined.items():
                if kind == "class" and name not in listed:
                    found.append(f"{module}.{name} is a public class missing from __all__ "
                                 f"(or make it private: _{name})")
                if name in listed and not summary:
                    found.append(f"{module}.{name} is exported without a docstring (a #: comment for a "
                                 "constant)")
    return found


def _all_definitions() -> dict[str, tuple[str, str]]:
    """Every public definition in the package -> (kind, summary), documented ones first."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for name, (kind, summary) in _definitions(path)[0].items():
            if name not in found or (summary and not found[name][1]):
                found[name] = (kind, summary)
    return found


def _describe(name: str, module: str, definitions: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(kind, summary) of ``module.name``: from its definition in the source, else from the object."""
    if name in definitions and (definitions[name][1] or definitions[name][0] != "constant"):
        return definitions[name]
    value = getattr(importlib.import_module(module), name)
    if not isinstance(value, type) and getattr(value, "__module__", None) == "typing":
        return "type", definitions.get(name, ("", ""))[1]
    kind = "class" if isinstance(value, type) else "function" if callable(value) else "constant"
    return kind, _first_line(value.__doc__) if kind != "constant" else ""


def _listed() -> list[tuple[str, list[str]]]:
    """(module, its __all__) of the construct and stack modules that declare the API, shallowest first;
    a package's ``__all__`` is the API of its modules."""
    listed: list[tuple[str, list[str]]] = []
    for package in DEFINING_PACKAGES:
        modules = _declaring_modules(package)
        packages = {m: d for m, p, _, d in modules if p.name == "__init__.py" and d is not None}
        for module, path, _, declared in modules:
            covered = path.name != "__init__.py" and _covering_package(module, packages) is not None
            if declared is not None and not covered:
                listed.append((module, declared))
    return listed


def collect() -> dict[str, tuple[str, str, str]]:
    """name -> (module it is imported from, kind, summary) for the whole public API.

    A name is credited to the shallowest module that lists it in ``__all__`` (a package before its
    modules), then to the modules of :data:`DECLARING_MODULES`; its kind and summary come from where it is
    defined in the package (a docstring, or the ``#:`` comment above a constant).
    """
    sys.path.insert(0, str(ROOT))
    definitions = _all_definitions()
    api: dict[str, tuple[str, str, str]] = {}
    for module, names in _listed():
        for name in names:
            if name not in api:
                api[name] = (module, *_describe(name, module, definitions))
    for module in DECLARING_MODULES:
        for name in importlib.import_module(module).__all__:
            if name in api:
                raise SystemExit(f"public name {name} is in {api[name][0]} and {module}; rename one")
            api[name] = (module, *_describe(name, module, definitions))
    return api


def render_init(api: dict[str, tuple[str, str, str]]) -> str:
    by_module: dict[str, list[str]] = {}
    for name, (module, _, _) in api.items():
        by_module.setdefault(module, []).append(name)
    exports = "\n".join(f'    "{name}": "{api[name][0]}",' for name in sorted(api))

    def isort_key(name: str) -> tuple[int, str]:  # ruff's order: CONSTANTS, Classes, functions
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    imports = []
    for module in sorted(by_module):
        names = sorted(by_module[module], key=isort_key)
        body = "".join(f"        {n},\n" for n in names)
        imports.append(f"    from {module} import (  # noqa: F401\n{body}    )")
    return f'''"""cdk-secure-ml: AWS CDK v2 constructs for secure machine-learning environments.

The public API, re-exported lazily (PEP 562): ``secure-ml check`` needs no CDK and starts without loading
aws-cdk-lib through jsii. GENERATED by ``python -m tools.public_api`` from the modules' ``__all__`` (see that
module for what is public); docs/api.md lists every name. Do not edit by hand. Longer than 600 lines because
it lists each public name three times: the lazy map, ``__all__`` and the imports for type checkers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {{
{exports}
}}

__all__ = [
{"".join(f'    "{n}",{chr(10)}' for n in sorted(api))}]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cdk_secure_ml' has no attribute {{name!r}}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # for type checkers and IDEs
{chr(10).join(imports)}
'''


def render_doc(api: dict[str, tuple[str, str, str]]) -> str:
    out = [
        "# Public API",
        "",
        "GENERATED by `python -m tools.public_api` from the modules' `__all__`; do not edit. Every name "
        "below",
        "imports from the package root (`from cdk_secure_ml import SecureEndpoint`) and from its module. "
        "How to",
        "use them: the area pages in this folder.",
        "",
    ]
    by_module: dict[str, list[str]] = {}
    for name, (module, _, _) in api.items():
        by_module.setdefault(module, []).append(name)
    for module in sorted(by_module):
        out += [f"## `{module}`", "", "| name | kind | summary |", "|---|---|---|"]
        for name in sorted(by_module[module]):
            _, kind, summary = api[name]
            out.append(f"| `{name}` | {kind} | {summary.replace('|', '&#124;')} |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    api = collect()
    command = "python -m tools.public_api"
    rc = write_or_check(INIT, lambda: render_init(api), command, argv)
    return rc or write_or_check(DOC, lambda: render_doc(api), command, argv)


if __name__ == "__main__":
    raise SystemExit(main())
