#!/usr/bin/env python3
"""Reference app: `cdk synth -c config=config/<file>.yaml` builds the platform for that config."""

import sys

from aws_cdk import App

from cdk_secure_ml.config import ConfigError, load_config
from cdk_secure_ml.stacks.reference_app import build_reference_app

if len(sys.argv) > 1:
    # The config comes from CDK context, which only the cdk CLI passes (an argument here would be ignored).
    print(f"app.py takes no arguments (got {sys.argv[1:]}); run it through the cdk CLI: "
          "node_modules/.bin/cdk synth -c config=config/demo.yaml", file=sys.stderr)
    sys.exit(2)

app = App()
# `cdk synth` must fail on an unacknowledged policy finding. CLI 2.1148 does so by itself (it asks the
# app to leave reporting to it, failSynthOnValidationErrors=false, then prints the report and exits 1),
# but older CLIs exited 0 (aws/aws-cdk#26844). So the app reports itself, whatever CLI runs it: a
# validation failure raises here, with the whole report in the message, and the app exits 1
# (docs/compliance.md, "What fails when a finding is not acknowledged").
app.node.set_context("@aws-cdk/core:failSynthOnValidationErrors", True)
app.node.set_context("@aws-cdk/core:appMode", "inmemory")

config_path = app.node.try_get_context("config") or "config/default.yaml"
try:
    config = load_config(config_path)
except ConfigError as error:
    # Fail before any construct is built, with every problem listed.
    print(error, file=sys.stderr)
    sys.exit(1)

build_reference_app(config, app=app)
try:
    app.synth()
except RuntimeError as error:  # jsii raises RuntimeError with the JavaScript error's message
    print(f"synth of {config_path} failed:\n{error}", file=sys.stderr)
    sys.exit(1)
