"""The package type-checks cleanly (it ships py.typed, so its hints are part of the API)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_is_clean():
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "profile_render"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout
