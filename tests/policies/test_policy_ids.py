"""Rule ids without the engine: ``cdk_secure_ml.policies.ids`` agrees with the catalogue and loads nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cdk_secure_ml.policies import ids, plugin
from cdk_secure_ml.policies.rules import AREAS, CATALOGUE, RULES_BY_ID

ROOT = Path(__file__).resolve().parents[2]


def test_rule_ids_are_the_catalogues() -> None:
    assert ids.RULE_IDS == set(RULES_BY_ID) == {r.id for r in CATALOGUE}
    assert ids.AREAS == AREAS and {r.area for r in CATALOGUE} <= set(ids.AREAS)


def test_ack_id() -> None:
    assert ids.ack_id("SML-NET-1") == "cdk-secure-ml::SML-NET-1"
    with pytest.raises(ValueError, match=r"unknown rule id 'SML-NET-999'; see `secure-ml rules`"):
        ids.ack_id("SML-NET-999")
    # The constructs import it from the plugin module until they switch to ids.
    assert plugin.ack_id is ids.ack_id and plugin.PLUGIN_NAME == ids.PLUGIN_NAME


def test_importing_ids_loads_neither_the_engine_nor_aws_cdk() -> None:
    probe = (
        "import sys\n"
        "import cdk_secure_ml.policies.ids as ids\n"
        "assert ids.ack_id('SML-IAM-1')\n"
        "prefixes = ('cdk_secure_ml', 'aws_cdk', 'jsii', 'yaml')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(prefixes))\n"
        "print(' '.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    assert result.stdout.split() == ["cdk_secure_ml", "cdk_secure_ml.policies", "cdk_secure_ml.policies.ids"]
