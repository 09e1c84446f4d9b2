"""The skip policy (tests/skip_policy.py) that tests/conftest.py enforces on every test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.skip_policy import skip_policy_violation

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("reason", [
    "helm binary not available (scripts/fetch-helm.sh)",
    "Helm oracle binary not fetched (scripts/fetch-helm.sh)",
    "the Helm binary is not cached (scripts/fetch-helm.sh)",
    "kubectl oracle not fetched (scripts/fetch-helm.sh)",
    "needs chromium (scripts/test.sh installs Debian's package)",
])
def test_a_missing_oracle_may_skip_except_under_ci(reason: str) -> None:
    assert skip_policy_violation(reason, ci=False) is None
    problem = skip_policy_violation(reason, ci=True)
    assert problem is not None and "CI=true" in problem and reason in problem


def test_a_missing_shared_folder_may_skip_even_under_ci() -> None:
    reason = "needs ../shared/reference (the real catalog samples), absent as in a fresh clone"
    assert skip_policy_violation(reason, ci=False) is None and skip_policy_violation(reason, ci=True) is None


@pytest.mark.parametrize("reason", ["flaky on this machine", "TODO", "", "helm is slow"])
def test_any_other_reason_breaks_the_policy(reason: str) -> None:
    problem = skip_policy_violation(reason, ci=False)
    assert problem is not None and "skip policy" in problem


def test_conftest_fails_a_test_that_skips_for_another_reason(tmp_path: Path) -> None:
    probe = tmp_path / "test_skip_probe.py"  # outside the repository: the policy comes in as a plugin
    probe.write_text("import pytest\n\n"
                     "def test_skips_for_no_good_reason():\n    pytest.skip('not today')\n\n"
                     "@pytest.mark.skipif(True, reason='needs ../shared (probe)')\n"
                     "def test_skips_for_shared():\n    pass\n")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
                           "--rootdir", str(tmp_path), "-rs", str(probe)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 1, proc.stdout
    assert "1 failed, 1 skipped" in proc.stdout
    assert "skip policy does not allow: 'not today'" in proc.stdout
