"""The distribution's metadata: the LICENSE file is the licence pyproject declares."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_the_license_file_is_the_apache_2_text_pyproject_declares():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert declared == {"text": "Apache-2.0"}
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text


def test_importing_the_library_imports_neither_moto_nor_the_emulator():
    """The emulator ships in the package (issue 15) but only ``secure-ml demo`` and the tests import it;
    a CDK app that imports the library must not need the ``[emulator]`` extra."""
    import subprocess
    import sys

    code = (
        "import sys, cdk_secure_ml; from cdk_secure_ml import add_compliance_packs, MlNetwork; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'moto', 'werkzeug'}), "
        "[m for m in sys.modules if m.startswith('cdk_secure_ml.emulator')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] []"
