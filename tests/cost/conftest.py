"""Assemblies for the cost tests: the default, demo and hub configs' come from the session fixtures of
tests/conftest.py (synthesized once for every test); the multi-account one is synthesized here, once."""

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
def demo_assembly(demo_app) -> Path:
    _, _, assembly = demo_app
    return Path(assembly.directory)


@pytest.fixture(scope="session")
def multi_account_assembly(tmp_path_factory) -> Path:
    return _synth("multi-account", tmp_path_factory.mktemp("cost-multi"))


@pytest.fixture(scope="session")
def default_assembly(reference_app) -> Path:
    _, _, assembly = reference_app
    return Path(assembly.directory)


@pytest.fixture(scope="session")
def hub_assembly(hub_app) -> Path:
    """config/hub.yaml: the hub account's stack and the pipeline's three spoke stages."""
    _, _, hub_stack = hub_app
    return Path(hub_stack.node.root.outdir)
