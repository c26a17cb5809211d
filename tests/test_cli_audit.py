"""`secure-ml audit` is reachable through the main CLI and fails cleanly on bad input."""

from __future__ import annotations

from cdk_secure_ml.cli import main


def test_audit_dispatch_unknown_region(capsys, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    assert main(["audit", "--region", "nowhere-9"]) == 2
    err = capsys.readouterr().err
    assert "unknown region 'nowhere-9'" in err
    assert "Traceback" not in err


def test_audit_listed_in_help(capsys):
    assert main(["--help"]) == 0
    assert "audit" in capsys.readouterr().out
