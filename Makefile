# One entry point for people and CI. `make setup` is idempotent: it (re)creates the venv and
# node_modules only when pyproject.toml / package-lock.json change.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CONFIG ?= config/default.yaml
CDK := node_modules/.bin/cdk
CHECKOV_VERSION := 3.3.30
CHECKOV_ENV := .tools/checkov-$(CHECKOV_VERSION)
CHECKOV := $(CHECKOV_ENV)/bin/checkov
# jsii prints a Node end-of-life banner on Node 20; it is harmless.
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# Synthesis never needs AWS: don't let SDKs probe instance metadata for credentials.
export AWS_EC2_METADATA_DISABLED := true

.PHONY: setup test lint synth check bench clean

setup: $(VENV)/.installed node_modules/.installed

# Each step says what it does before it starts and how long it took (the first run installs for minutes).
# editable_mode=compat installs a path entry instead of setuptools' import hook, which mypy and IDEs cannot
# follow (https://setuptools.pypa.io/en/latest/userguide/development_mode.html).
$(VENV)/.installed: pyproject.toml
	@echo "setup: installing this package and its [dev] extra into $(VENV) (the first time takes a few minutes) ..."
	@start=$$(date +%s); \
	  test -x $(PY) || $(PYTHON) -m venv $(VENV); \
	  $(PY) -m pip install -q -q --disable-pip-version-check -e '.[dev]' --config-settings editable_mode=compat && \
	  echo "setup: $(VENV) ready in $$(( $$(date +%s) - start )) s"
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "setup: installing the pinned AWS CDK CLI into node_modules ..."
	@start=$$(date +%s); \
	  npm ci --no-audit --no-fund --loglevel=error && \
	  echo "setup: node_modules ready in $$(( $$(date +%s) - start )) s"
	@touch $@

## synth: the reference app for $(CONFIG) into cdk.out (no credentials, no network)
synth: setup
	rm -rf cdk.out  # no stale assemblies of another config in the checks
	$(CDK) synth --quiet -c config=$(CONFIG)

## test: lint and types, unit and synth tests (the wheel test among them), then the CI policy gates
# checkov first: tests/test_wheel.py runs every gate, checkov included, on an app built from the wheel.
test: setup $(CHECKOV)
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -n 2 -q
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory check CONFIG=config/demo.yaml
	$(MAKE) --no-print-directory check CONFIG=config/multi-account.yaml
	$(MAKE) --no-print-directory check CONFIG=config/hub.yaml

## lint: ruff (pyproject's selection: line length 110, complexity 12) on the repository, mypy on the package
lint: setup
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/mypy

## check: policy gates on the synthesized templates (the same ones CI runs)
check: synth $(CHECKOV)
	$(VENV)/bin/secure-ml check cdk.out
	$(VENV)/bin/secure-ml iam-lint cdk.out
	$(VENV)/bin/secure-ml access cdk.out --config $(CONFIG) --format text > cdk.out/access.txt || { cat cdk.out/access.txt; exit 1; }
	@tail -n 1 cdk.out/access.txt
	find cdk.out -name '*.template.json' -print0 | xargs -0 $(VENV)/bin/cfn-lint --non-zero-exit-code error --format parseable
	$(CHECKOV) --directory cdk.out --framework cloudformation --skip-download --quiet --compact

# checkov pins boto3==1.35.49, so it lives in its own tool environment, never in .venv.
$(CHECKOV):
	@echo "setup: installing checkov $(CHECKOV_VERSION) into $(CHECKOV_ENV) (the first time takes a minute or two) ..."
	@start=$$(date +%s); \
	  rm -rf $(CHECKOV_ENV) && $(PYTHON) -m venv $(CHECKOV_ENV) && \
	  $(CHECKOV_ENV)/bin/pip install --quiet --disable-pip-version-check "checkov==$(CHECKOV_VERSION)" && \
	  echo "setup: checkov ready in $$(( $$(date +%s) - start )) s"

## bench: the speed goals of the issues (never timed tests): synth overhead, check vs checkov, profiles at scale, demo time, access proofs
bench: synth $(CHECKOV)
	$(PY) bench/synth.py
	$(PY) bench/check_vs_checkov.py
	$(PY) bench/profiles.py
	$(PY) bench/demo.py
	$(PY) bench/cost.py
	$(PY) bench/access.py

clean:
	rm -rf cdk.out .pytest_cache

.PHONY: demo demo-drift
# The demo's platform: config/demo.yaml, unless CONFIG is given (make demo CONFIG=config/x.yaml), as for synth.
DEMO_CONFIG = $(if $(filter command line environment,$(origin CONFIG)),$(CONFIG),config/demo.yaml)
## demo: deploy $(DEMO_CONFIG) with the real cdk CLI into a local AWS emulator (moto) and audit it;
## `secure-ml demo --app "python app.py"` does the same for any CDK app (docs/operations.md)
demo: setup
	$(PY) -m cdk_secure_ml.emulator.demo --config $(DEMO_CONFIG)

## demo-drift: the demo, then change the platform through boto3 and show the audit catching it
demo-drift: setup
	$(PY) -m cdk_secure_ml.emulator.demo --config $(DEMO_CONFIG) --drift
