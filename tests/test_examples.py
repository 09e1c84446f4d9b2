"""The shipped examples run as documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_render_api_example_runs():
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "render_api.py")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "secret name: b-0a3669a2-6cbc-50" in proc.stdout
    assert "registry-oci.example.com/catalog-apps-acme-edge/hello-edge" in proc.stdout
    assert "example-token" not in proc.stdout and ".dockerconfigjson: '****'" in proc.stdout
