"""``secure-ml demo`` (cdk_secure_ml.emulator.app_demo): usage errors, a failing cdk CLI, and Ctrl-C.

A stand-in cdk CLI (a shell script) plays each case, so these tests start the emulator but never the real
CLI; the deploy of a real app is what ``make demo`` and the wheel test do (tests/test_wheel.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cdk_secure_ml.cli import main

FAKE_CDK = """#!/bin/sh
echo "fake cdk $*"
case "$1" in
  bootstrap) exit 0 ;;
  deploy) {deploy} ;;
  *) exit 0 ;;
esac
"""


def fake_cdk(tmp_path: Path, deploy: str) -> str:
    path = tmp_path / "cdk"
    path.write_text(FAKE_CDK.format(deploy=deploy))
    path.chmod(0o755)
    return str(path)


def test_usage_errors_name_the_value_and_the_fix(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    cdk = fake_cdk(tmp_path, "exit 0")
    assert main(["demo", "--cdk", cdk, "-c", "config"]) == 2
    assert "-c config: give KEY=VALUE" in capsys.readouterr().err
    assert main(["demo", "--cdk", cdk]) == 2  # no --app, no cdk.json
    assert f'no --app and no cdk.json in {tmp_path}: pass --app "python app.py"' in capsys.readouterr().err
    assert main(["demo", "--cdk", str(tmp_path / "missing"), "--app", "x"]) == 2
    assert "no cdk CLI found" in capsys.readouterr().err


def test_without_the_emulator_extra_it_says_which_extra(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "cdk_secure_ml.emulator.server", None)  # as if moto were missing
    assert main(["demo", "--cdk", fake_cdk(tmp_path, "exit 0"), "--app", "python app.py"]) == 2
    assert "pip install 'cdk-secure-ml[emulator]'" in capsys.readouterr().err


def test_a_failed_deploy_exits_1_with_the_log_tail(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    cdk = fake_cdk(tmp_path, 'echo "MyStack failed: Resource handler returned message"; exit 1')
    assert main(["demo", "--cdk", cdk, "--app", "python app.py", "--keep", str(tmp_path / "keep")]) == 1
    out = capsys.readouterr().out
    assert "demo: cdk deploy '**' of python app.py: failed in " in out
    assert "cdk deploy failed (exit 1)" in out and "MyStack failed: Resource handler" in out
    assert "demo: emulator stopped after" in out
    log = (tmp_path / "keep" / "cdk.log").read_text()
    assert "$ cdk bootstrap aws://123456789012/us-east-1 --bootstrap-kms-key-id" in log
    assert "fake cdk deploy ** --require-approval never --app python app.py --output" in log


def test_ctrl_c_says_interrupted_and_exits_130_without_a_traceback(tmp_path):
    """SIGINT to the whole process group, as a terminal's Ctrl-C sends it, while the CLI deploys."""
    cdk = fake_cdk(tmp_path, "sleep 60")
    process = subprocess.Popen(
        [sys.executable, "-m", "cdk_secure_ml.cli", "demo", "--cdk", cdk, "--app", "python app.py"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("demo: cdk deploy '**'"):
            os.killpg(process.pid, signal.SIGINT)
            break
    rest, _ = process.communicate(timeout=60)
    out = "".join(lines) + rest
    assert process.returncode == 130, out
    assert "demo: interrupted" in out and "demo: emulator stopped after" in out
    assert "Traceback" not in out and "failed" not in out


@pytest.mark.parametrize("code", [-signal.SIGINT, 130])
def test_a_cdk_cli_stopped_by_ctrl_c_is_an_interruption(tmp_path, code):
    from cdk_secure_ml.emulator.app_demo import Cdk

    script = tmp_path / "cdk"
    script.write_text(f"#!/bin/sh\n{'kill -INT $$' if code < 0 else 'exit 130'}\n")
    script.chmod(0o755)
    with pytest.raises(KeyboardInterrupt):
        Cdk(str(script), dict(os.environ), tmp_path / "cdk.log").run(["deploy"], tmp_path)
