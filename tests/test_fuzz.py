"""A short, bounded atheris run of every fuzz target (tests/fuzz/targets.py); long runs: docs/security.md."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "tests" / "fuzz"
SECONDS_PER_TARGET = 5



@pytest.mark.parametrize("target", ["yaml", "set", "placeholders", "manifests"])
def test_fuzz_target_finds_nothing(tmp_path: Path, target: str) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FUZZ / "seeds" / target, corpus)  # libFuzzer adds inputs to its first corpus folder
    proc = subprocess.run(
        [sys.executable, str(FUZZ / "targets.py"), target, f"-max_total_time={SECONDS_PER_TARGET}",
         "-rss_limit_mb=1024", "-timeout=5", f"-artifact_prefix={tmp_path}/", str(corpus)],
        capture_output=True, text=True, timeout=SECONDS_PER_TARGET * 12, cwd=ROOT,
    )
    crashes = sorted(p.name for p in tmp_path.glob("crash-*")) + sorted(p.name for p in tmp_path.glob("timeout-*"))
    assert proc.returncode == 0 and not crashes, (proc.stderr[-3000:], crashes)
    assert "Done" in proc.stderr  # the fuzzer really ran
