"""The distribution's metadata: the LICENSE file is the licence pyproject declares."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_the_license_file_is_the_apache_2_text_pyproject_declares():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert declared == {"text": "Apache-2.0"}
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text


def test_importing_the_library_imports_neither_moto_nor_the_emulator():
    """The emulator ships in the package (issue 15) but only ``secure-ml demo`` and the tests import it;
    a CDK app that imports the library must not need the ``[emulator]`` extra."""
    import subprocess
    import sys

    code = (
        "import sys, cdk_secure_ml; from cdk_secure_ml import add_compliance_packs, MlNetwork; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'moto', 'werkzeug'}), "
        "[m for m in sys.modules if m.startswith('cdk_secure_ml.emulator')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] []"


def _requirement_names(requirements: list[str]) -> set[str]:
    import re

    return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def _third_party_distributions(package_dir) -> set[str]:
    """The distributions whose modules the code under ``package_dir`` imports (anywhere in a module)."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    found = set()
    for path in package_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "cdk_secure_ml":
                    continue
                found |= {d.lower().replace("_", "-") for d in owners.get(top, [top])}
    return found


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_emulator_extra_installs_what_the_emulator_imports():
    project = _project()
    provided = _requirement_names(project["dependencies"] + project["optional-dependencies"]["emulator"])
    # werkzeug comes with moto[server]; boto3's botocore with boto3.
    provided |= {"werkzeug", "botocore"}
    assert _third_party_distributions(ROOT / "cdk_secure_ml" / "emulator") - provided == set()


def test_the_lint_extra_installs_what_iam_lint_imports():
    project = _project()
    provided = _requirement_names(project["dependencies"] + project["optional-dependencies"]["lint"])
    assert _third_party_distributions(ROOT / "cdk_secure_ml" / "policies" / "iam_lint") - provided == set()
    assert "cfn-lint" in provided  # the template gate of the CI, run from the package


def test_no_extra_needs_code_outside_the_wheel():
    """The old [local] installed moto for an emulator the wheel did not hold; it is now [emulator]."""
    extras = _project()["optional-dependencies"]
    assert extras["local"] == ["cdk-secure-ml[emulator]"]
    assert (ROOT / "cdk_secure_ml" / "emulator" / "__init__.py").exists()
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    assert packages["include"] == ["cdk_secure_ml*"]


def test_mypy_resolves_the_installed_package_from_outside_the_checkout(tmp_path):
    """Finding 19: with setuptools' default editable install (an import hook), mypy reports
    ``import-not-found`` for cdk_secure_ml; ``make setup`` installs it with ``editable_mode=compat``."""
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "use.py").write_text(
        "from cdk_secure_ml.core.names import ACCOUNT_ID_RE\n\nn: int = ACCOUNT_ID_RE\n"
    )
    # aws-cdk-lib's types are large and not what this test is about.
    (tmp_path / "mypy.ini").write_text(
        f"[mypy]\ncache_dir = {tmp_path / 'cache'}\n[mypy-aws_cdk.*,constructs.*,cdk_nag.*,jsii.*]\n"
        "follow_imports = skip\n"
    )
    mypy = Path(sys.executable).parent / "mypy"
    result = subprocess.run(
        [str(mypy), "--config-file", "mypy.ini", "use.py"], cwd=tmp_path, capture_output=True, text=True
    )
    assert "import-not-found" not in result.stdout, result.stdout
    assert 'expression has type "Pattern[str]", variable has type "int"' in result.stdout, result.stdout
