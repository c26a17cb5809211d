"""Shared fixtures. Synthesis through jsii costs seconds, so every app here is built and synthesized
once per session and tests assert on its templates."""

from __future__ import annotations

import json
import os
from pathlib import Path

# Before aws_cdk starts jsii's node process: Node 20's end-of-life banner is noise in test output.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import pytest
from aws_cdk import App

from cdk_secure_ml.config import PlatformConfig, load_config
from cdk_secure_ml.stacks.reference_app import build_reference_app

ROOT = Path(__file__).resolve().parent.parent


def cdk_context() -> dict:
    """The feature flags of cdk.json, so tests synthesize what `cdk synth` does."""
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.pop("config", None)
    return context


def new_app(**extra_context) -> App:
    return App(context={**cdk_context(), **extra_context})


def strict_app() -> App:
    """An app whose synth raises on any unacknowledged policy finding (as app.py does)."""
    return new_app(
        **{"@aws-cdk/core:failSynthOnValidationErrors": True, "@aws-cdk/core:appMode": "inmemory"}
    )


@pytest.fixture(scope="session")
def default_config() -> PlatformConfig:
    return load_config(ROOT / "config" / "default.yaml")


@pytest.fixture(scope="session")
def reference_app(default_config):
    """The reference app with all four cdk-nag packs, synthesized once. Synth raising here means an
    unacknowledged finding."""
    app, stage = build_reference_app(default_config, app=strict_app())
    assembly = app.synth()
    return app, stage, assembly


@pytest.fixture(scope="session")
def hub_app():
    """config/hub.yaml, synthesized once with every pack (raises on any unacknowledged finding).
    (config, pipeline stack, hub stack); the assembly is in ``hub_stack.node.root.outdir``."""
    config = load_config(ROOT / "config" / "hub.yaml")
    app, pipeline = build_reference_app(config, app=strict_app(), config_path="config/hub.yaml")
    app.synth()
    hub_stack = app.node.find_child("secure-ml-EndpointHub")
    return config, pipeline, hub_stack


@pytest.fixture(scope="session")
def demo_app():
    """config/demo.yaml's platform with all compliance packs, synthesized once in strict mode: synth raising
    here means an unacknowledged finding. (config, stage, assembly)."""
    config = load_config(ROOT / "config" / "demo.yaml")
    app, stage = build_reference_app(config, app=strict_app())
    assembly = app.synth()
    return config, stage, assembly
