"""The wheel as a user installs it (issue 15, item 5): build it, install it with the ``[lint]`` extra into
a fresh venv, synthesize ``examples/team_workspace`` from a directory outside the checkout, and run
every gate of ``make check`` there with the installed package: ``secure-ml check``, ``secure-ml
iam-lint``, cfn-lint, and checkov from its tool environment (``.tools/``, as ``make check`` does).

The slowest test of the suite: about 3 minutes on the 2-core reference machine, most of it pip
installing aws-cdk-lib from pip's cache (the package registry is reached for what is not cached).
One test, not several, so that pytest-xdist does not build the venv twice.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

from tests.conftest import ROOT

CDK = ROOT / "node_modules" / ".bin" / "cdk"


def _checkov() -> Path:
    version = re.search(r"^CHECKOV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert version, "the Makefile pins checkov"
    return ROOT / ".tools" / f"checkov-{version.group(1)}" / "bin" / "checkov"


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{output[-4000:]}"
    return output


def test_the_wheel_installs_and_its_gates_pass_on_an_app_outside_the_checkout(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="18,20", AWS_EC2_METADATA_DISABLED="true")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], tmp_path, env)
    (wheel,) = dist.glob("cdk_secure_ml-*.whl")

    user = tmp_path / "venv"
    venv.create(user, with_pip=True)
    python = user / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", f"{wheel}[lint]"], tmp_path, env, timeout=1200)

    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text((ROOT / "examples" / "team_workspace" / "app.py").read_text())
    (app / "cdk.json").write_text(json.dumps({"app": f"{python} app.py"}))
    # The app imports the installed package, not the checkout.
    where = _run([str(python), "-c", "import cdk_secure_ml; print(cdk_secure_ml.__file__)"], app, env)
    assert where.strip().startswith(str(user)), where

    _run([str(CDK), "synth", "--quiet", "--no-notices"], app, env)
    templates = sorted(str(p) for p in (app / "cdk.out").glob("*.template.json"))
    assert [Path(t).name for t in templates] == ["FraudTeamWorkspace.template.json"]

    bin_ = user / "bin"
    check = _run([str(bin_ / "secure-ml"), "check", "cdk.out"], app, env)
    assert "1 template(s)" in check and " 0 error(s)" in check
    iam_lint = _run([str(bin_ / "secure-ml"), "iam-lint", "cdk.out"], app, env)
    assert " 0 error(s)" in iam_lint
    _run(
        [str(bin_ / "cfn-lint"), "--non-zero-exit-code", "error", "--format", "parseable", *templates],
        app,
        env,
    )
    checkov = _run(
        [
            str(_checkov()),
            "--directory",
            "cdk.out",
            "--framework",
            "cloudformation",
            "--skip-download",
            "--quiet",
            "--compact",
        ],
        app,
        env,
    )
    assert "Failed checks: 0" in checkov
