"""Loading a config never loads aws-cdk-lib or jsii (review A8): the package depends on core only."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = r"""
import json, sys
from pathlib import Path
import cdk_secure_ml.config as config
for name in ("default", "demo", "multi-account"):
    platform = config.load_config(Path("config") / f"{name}.yaml")
    config.parse_config(Path("config", f"{name}.yaml").read_text())
    for stage in platform.delivery.stages if platform.delivery else []:
        platform.for_delivery_stage(stage)
organization = config.parse_config(
    "name: ml-dev\nregion: eu-west-1\n"
    "governance: {organization: {target_ou_ids: [ou-ab12-cd34ef56], merge_scps: true}}\n")
organization.governance.organization.scp_content()
print(json.dumps(sorted(sys.modules)))
"""

CDK_MODULES = ("aws_cdk", "jsii", "constructs", "cdk_nag", "cdk_secure_ml.constructs", "cdk_secure_ml.stacks")


def test_loading_the_three_configs_imports_no_cdk_module():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=True)
    modules = json.loads(result.stdout)
    loaded = [m for m in modules if m.split(".")[0] in CDK_MODULES or m.startswith(CDK_MODULES)]
    assert loaded == [], f"loading a config imported {loaded}"
    assert "cdk_secure_ml.config.loader" in modules and "cdk_secure_ml.core.names" in modules
