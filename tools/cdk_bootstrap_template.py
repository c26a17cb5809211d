"""Generate ``cdk_secure_ml/policies/data/cdk_bootstrap_template.json``: the CDK CLI's bootstrap template,
whose roles ``secure-ml access`` models in the accounts a delivery pipeline deploys to.

    .venv/bin/python -m tools.cdk_bootstrap_template          # rewrite the file
    .venv/bin/python -m tools.cdk_bootstrap_template --check  # exit 1 when it is stale

Dev-only: it reads the template the pinned CDK CLI ships (``node_modules/aws-cdk/lib/api/bootstrap/
bootstrap-template.yaml``, what ``cdk bootstrap`` deploys; ``cdk bootstrap --show-template`` prints the same)
and records the CLI version beside it, so the library needs neither Node nor the CLI at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tools.generated import write_or_check

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "cdk_secure_ml" / "policies" / "data" / "cdk_bootstrap_template.json"
CLI = ROOT / "node_modules" / "aws-cdk"
SOURCE = CLI / "lib" / "api" / "bootstrap" / "bootstrap-template.yaml"


def render() -> str:
    template = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    version = json.loads((CLI / "package.json").read_text(encoding="utf-8"))["version"]
    bootstrap = template["Resources"]["CdkBootstrapVersion"]["Properties"]["Value"]
    data = {"cdk_cli_version": version, "bootstrap_version": str(bootstrap), "template": template}
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    return write_or_check(FILE, render, ".venv/bin/python -m tools.cdk_bootstrap_template", argv)


if __name__ == "__main__":
    raise SystemExit(main())
