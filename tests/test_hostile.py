"""Hostile input: every case of the generated corpus ends cleanly, in time and memory, without leaking a secret.

The corpus (tests/hostile/corpus.py) is written under pytest's temp folder and
run by tests/hostile/runner.py in forked children, each with a memory cap; one
test per class of hostile input reports every case of that class that failed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from tests.hostile import corpus
from tests.hostile.runner import judge

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def hostile_results(tmp_path_factory: pytest.TempPathFactory) -> List[Dict[str, Any]]:
    work = tmp_path_factory.mktemp("hostile")
    results = work / "results.json"
    subprocess.run([sys.executable, str(ROOT / "tests" / "hostile" / "runner.py"), str(work / "corpus"),
                    str(results), "--jobs", "2"], check=True, cwd=ROOT, timeout=900)
    return json.loads(results.read_text(encoding="utf-8"))


def test_corpus_is_large_enough(hostile_results: List[Dict[str, Any]]) -> None:
    counts = {cls: sum(r["cls"] == cls for r in hostile_results) for cls in corpus.CLASSES}
    assert len(hostile_results) >= 300
    assert all(n > 0 for n in counts.values()), counts


@pytest.mark.parametrize("cls", corpus.CLASSES)
def test_hostile_class_ends_cleanly(hostile_results: List[Dict[str, Any]], cls: str) -> None:
    failures = []
    for result in hostile_results:
        if result["cls"] != cls:
            continue
        why = judge(result)
        if why:
            message = (result["stderr"] or result["stdout"]).strip().splitlines()
            failures.append(f"{result['id']}: {'; '.join(why)}" + (f" [{message[-1][:160]}]" if message else ""))
    assert not failures, f"{len(failures)} case(s) of {cls!r}:\n" + "\n".join(failures)
