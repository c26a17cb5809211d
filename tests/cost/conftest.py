"""Assemblies for the cost tests: the demo, multi-account and hub configs, each synthesized once per session
into a directory (the default config's assembly is tests/conftest.py's ``reference_app``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_cdk import App

from cdk_secure_ml.config import load_config
from cdk_secure_ml.stacks.reference_app import build_reference_app
from tests.conftest import ROOT, cdk_context


def _synth(name: str, outdir: Path) -> Path:
    """config/<name>.yaml synthesized into ``outdir``, no compliance packs (cost reads templates only)."""
    config = load_config(ROOT / "config" / f"{name}.yaml")
    app = App(context=cdk_context(), outdir=str(outdir))
    build_reference_app(config, app=app, compliance_packs=False, config_path=f"config/{name}.yaml")
    app.synth()
    return outdir


@pytest.fixture(scope="session")
def demo_assembly(tmp_path_factory) -> Path:
    return _synth("demo", tmp_path_factory.mktemp("cost-demo"))


@pytest.fixture(scope="session")
def multi_account_assembly(tmp_path_factory) -> Path:
    return _synth("multi-account", tmp_path_factory.mktemp("cost-multi"))


@pytest.fixture(scope="session")
def default_assembly(reference_app) -> Path:
    _, _, assembly = reference_app
    return Path(assembly.directory)


@pytest.fixture(scope="session")
def hub_assembly(tmp_path_factory) -> Path:
    """config/hub.yaml: the hub account's stack and the pipeline's three spoke stages."""
    return _synth("hub", tmp_path_factory.mktemp("cost-hub"))
