#!/usr/bin/env python3
"""Run the hostile corpus: each case in a forked child with a memory cap and a time limit.

Usage (from the repository root)::

    .venv/bin/python tests/hostile/runner.py WORKDIR RESULTS.json [--only CLASS]... [--jobs 2]

The parent imports profile_render and everything it loads once, writes the
corpus under WORKDIR (corpus.build), then forks one child per case: the child
caps its address space, points stdin/stdout/stderr at files, runs the case (the
CLI's ``main(argv)`` or an API scenario) and exits with the CLI's code, 1 for a
``ProfileRenderError`` from the API, or 70 for anything else (the traceback goes
to a file the parent reads). The parent kills a child that runs past the hard
limit and records, per case: exit code, wall time, peak RSS (from wait4), the
first part of stdout/stderr, any crash text, and whether the canary password
appears anywhere in what the child wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import corpus  # noqa: E402

#: What may not appear in stderr: each marks an ending that is not a clean, located error.
MARKERS = ("Traceback (most recent call last)", "internal error", "out of memory",
           "nested too deeply to process")
HARD_LIMIT_S = 45.0  # kill a child after this wall-clock time (a hang spends no CPU); the judged limit is corpus.TIME_LIMIT_S of CPU, so a shared machine's load cannot fail a case that works
MEMORY_CAP = 1536 * 1024 * 1024  # address space above the parent's own, for the child
CRASH_EXIT = 70


def _vm_size() -> int:
    """The current process's virtual memory size in bytes (VmSize of /proc/self/status)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _warm_imports() -> None:
    """Import what the cases use, so children start warm and the cap covers only their own work."""
    import profile_render
    from profile_render import cli  # noqa: F401

    for name in profile_render.__all__:
        if name != "__version__":
            getattr(profile_render, name)
    corpus.warm()


def _child(case: corpus.Case, out_dir: Path) -> None:
    """Run one case in this (forked) process and exit; never returns."""
    code = CRASH_EXIT
    try:
        cap = _vm_size() + MEMORY_CAP
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        stdin = os.open(case.stdin or os.devnull, os.O_RDONLY)
        os.dup2(stdin, 0)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            target = os.open(out_dir / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
        for key, value in case.env.items():
            os.environb[os.fsencode(key)] = value if isinstance(value, bytes) else os.fsencode(value)
        os.chdir(case.cwd)
        code = corpus.run_case(case)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the whole point is to catch what escapes
        try:
            (out_dir / "crash").write_text(traceback.format_exc(), encoding="utf-8", errors="backslashreplace")
        finally:
            code = CRASH_EXIT
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001
            pass
        os._exit(code if 0 <= code < 256 else CRASH_EXIT)


def _read(path: Path, limit: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[:limit].decode("utf-8", "backslashreplace")


def _canary_in(out_dir: Path) -> bool:
    needles = [c.encode() for c in corpus.CANARIES]
    for name in ("stdout", "stderr", "crash"):
        path = out_dir / name
        if path.exists():
            data = path.read_bytes()
            if any(n in data for n in needles):
                return True
    return False


def run_all(cases: Sequence[corpus.Case], results_dir: Path, jobs: int) -> List[Dict[str, Any]]:
    """Run every case, at most ``jobs`` at once; returns one result dict per case, in case order."""
    pending = list(enumerate(cases))
    running: Dict[int, Any] = {}
    results: List[Optional[Dict[str, Any]]] = [None] * len(cases)
    while pending or running:
        while pending and len(running) < jobs:
            index, case = pending.pop(0)
            out_dir = results_dir / f"{index:04d}"
            out_dir.mkdir(parents=True, exist_ok=True)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(case, out_dir)
            running[pid] = (index, case, out_dir, time.monotonic(), False)
        time.sleep(0.002)
        for pid, (index, case, out_dir, started, killed) in list(running.items()):
            waited, status, usage = os.wait4(pid, os.WNOHANG)
            elapsed = time.monotonic() - started
            if waited == 0:
                if elapsed > HARD_LIMIT_S and not killed:
                    os.kill(pid, signal.SIGKILL)
                    running[pid] = (index, case, out_dir, started, True)
                continue
            del running[pid]
            if os.WIFSIGNALED(status):
                code = -os.WTERMSIG(status)
            else:
                code = os.WEXITSTATUS(status)
            results[index] = {
                "id": case.id,
                "cls": case.cls,
                "expect": case.expect,
                "code": code,
                "killed": killed,
                "seconds": round(elapsed, 3),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
                "max_rss_mib": round(usage.ru_maxrss / 1024.0, 1),
                "stdout": _read(out_dir / "stdout"),
                "stderr": _read(out_dir / "stderr"),
                "crash": _read(out_dir / "crash", 8000),
                "canary": _canary_in(out_dir),
                "forbidden": corpus.forbidden_text_in(case, out_dir),
            }
    return [r for r in results if r is not None]


def judge(result: Dict[str, Any]) -> List[str]:
    """Why ``result`` is not a clean ending (empty when it is)."""
    why = []
    if result["crash"]:
        why.append("an exception escaped: " + result["crash"].strip().splitlines()[-1])
    # CPU time, not wall time: on a shared machine the wall clock measures the neighbours too. A case that
    # waits (a blocking read) burns no CPU but runs into the hard wall-clock limit and is killed.
    if result["killed"] or result["cpu_seconds"] > corpus.TIME_LIMIT_S:
        why.append(f"took {result['cpu_seconds']} s of CPU, {result['seconds']} s in all "
                   f"(limit {corpus.TIME_LIMIT_S} s)" + (", killed" if result["killed"] else ""))
    if result["max_rss_mib"] > corpus.MEMORY_LIMIT_MIB:
        why.append(f"used {result['max_rss_mib']} MiB (limit {corpus.MEMORY_LIMIT_MIB} MiB)")
    if result["code"] not in (0, 1, 2) and not result["crash"]:
        why.append(f"exit code {result['code']}")
    if result["canary"]:
        why.append("printed a canary secret")
    if result["forbidden"]:
        why.append(f"printed {result['forbidden']}")
    for marker in MARKERS:
        if marker in result["stderr"]:
            why.append(f"stderr says {marker!r}")
    if result["expect"] == "error" and result["code"] == 0:
        why.append("accepted an input it must refuse")
    if result["code"] in (1, 2) and not result["stderr"].strip() and not result["stdout"].strip():
        why.append("failed without a message")
    return why


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workdir", type=Path)
    ap.add_argument("results", type=Path)
    ap.add_argument("--only", action="append", default=[], help="run only this class (repeatable)")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    _warm_imports()
    cases = [c for c in corpus.build(args.workdir) if not args.only or c.cls in args.only]
    results = run_all(cases, args.workdir / "_results", args.jobs)
    args.results.write_text(json.dumps(results, indent=1), encoding="utf-8")
    failing = [(r, judge(r)) for r in results if judge(r)]
    for result, why in failing:
        lines = (result["stderr"] or result["stdout"]).strip().splitlines()
        print(f"FAIL {result['id']}: {'; '.join(why)}" + (f" [{lines[-1][:160]}]" if lines else ""))
    print(f"{len(results)} cases, {len(failing)} failing, {sum(r['seconds'] for r in results):.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
