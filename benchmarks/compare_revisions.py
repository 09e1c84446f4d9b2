#!/usr/bin/env python3
"""Compare this working tree with an earlier revision on the same inputs, side by side, in one run.

Usage (from the repository root)::

    .venv/bin/python benchmarks/compare_revisions.py --base 8397b7e      # the revision before a change
    .venv/bin/python benchmarks/compare_revisions.py --base v0.1.0 --rounds 21 --markdown out.md

The base revision is exported with ``git archive`` into a temporary folder; both
sides run in fresh interpreters of the same Python, with ``PYTHONPATH`` pointing
at each tree, on the inputs ``benchmarks/generate.py`` writes. Rounds alternate
which side goes first, so load from other processes on a shared machine hits
both sides alike; the report gives medians and the ratio of medians per row.

Rows:

- ``merge in-process``: ``merge_values(chart, [Layer.from_file(profile)]).to_json()``,
  best of 3 calls in one interpreter after one warm-up call;
- ``render in-process``: ``render(chart, profile, context=..., registry=...)`` and
  ``to_json()`` with a small Profile of placeholders, best of 3 likewise;
- ``merge process``: the whole ``profile-render merge CHART -f PROFILE -o json``
  command (``python -m profile_render merge ...``), wall clock.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)

RENDER_PROFILE = """\
imagePullSecrets:
  - name: '%GeneratedDockerCredential%'
image:
  registry: '%ImageRegistryURL%'
labels:
  org: '%OrgName%'
  project: '%ProjectName%'
"""

# Timed inside the child interpreter; prints the best of three calls in milliseconds.
INPROCESS = """\
import sys, time
chart, profile, which = sys.argv[1], sys.argv[2], sys.argv[3]
from profile_render import Layer, load_chart, merge_values
if which == "merge":
    def job():
        return merge_values(load_chart(chart), [Layer.from_file(profile)]).to_json()
else:
    from profile_render import DeploymentContext, ImageRegistry, Secret, render
    context = DeploymentContext(app_name="bench", app_version="1.0.0", deployment_name="deployment-abc12",
                                namespace="apps", org="acme", project="edge")
    registry = ImageRegistry(name="harbor-docker-oci", root_url="oci://registry.example.com/catalog-apps-acme-edge",
                             username="robot", password=Secret("bench-token"))
    def job():
        return render(load_chart(chart), Layer.from_file(profile, kind="profile"), context=context,
                      registry=registry).to_json()
job()
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    job()
    best = min(best, time.perf_counter() - start)
print(best * 1000.0)
"""


def export_revision(rev: str, dest: Path) -> None:
    """Write the tree of ``rev`` (its ``profile_render`` package and schemas) under ``dest``."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev],
                          check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    # The package reads its bundled schemas as package data (profile_render.schemas -> schemas/).
    schemas = dest / "profile_render" / "schemas"
    if not schemas.exists() and (dest / "schemas").is_dir():
        shutil.copytree(dest / "schemas", schemas)
        (schemas / "__init__.py").touch()


def side_tree(dest: Path) -> Path:
    """A copy of this working tree's package, laid out like an export (package data beside the code)."""
    shutil.copytree(ROOT / "profile_render", dest / "profile_render",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", dest / "profile_render" / "schemas")
    (dest / "profile_render" / "schemas" / "__init__.py").touch()
    return dest


def run(cmd: Sequence[str], tree: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"}
    return subprocess.run(list(cmd), env=env, capture_output=True, text=True, check=True)


def measure(trees: Dict[str, Path], chart: Path, profile: Path, render_profile: Path,
            rounds: int) -> Dict[str, Dict[str, List[float]]]:
    """Alternate the sides round by round; returns row -> side -> samples in milliseconds."""
    rows: Dict[str, Dict[str, List[float]]] = {
        "merge in-process": {s: [] for s in trees},
        "render in-process": {s: [] for s in trees},
        "merge process": {s: [] for s in trees},
    }
    names = list(trees)
    for i in range(rounds + 1):  # round 0 warms the bytecode caches and is dropped
        order = names if i % 2 == 0 else names[::-1]
        for side in order:
            tree = trees[side]
            merged = run([sys.executable, "-c", INPROCESS, str(chart), str(profile), "merge"], tree)
            rendered = run([sys.executable, "-c", INPROCESS, str(chart), str(render_profile), "render"], tree)
            start = time.perf_counter()
            run([sys.executable, "-m", "profile_render", "merge", str(chart), "-f", str(profile), "-o", "json"], tree)
            process_ms = (time.perf_counter() - start) * 1000.0
            if i == 0:
                continue
            rows["merge in-process"][side].append(float(merged.stdout))
            rows["render in-process"][side].append(float(rendered.stdout))
            rows["merge process"][side].append(process_ms)
    return rows


def report(rows: Dict[str, Dict[str, List[float]]], base: str, rounds: int) -> str:
    lines = [f"Base `{base}` vs this tree, {rounds} interleaved rounds (medians, ms; ratio = this tree / base).", "",
             "| row | base median | this tree median | ratio |", "|---|---:|---:|---:|"]
    for row, sides in rows.items():
        b = statistics.median(sides["base"])
        h = statistics.median(sides["head"])
        lines.append(f"| {row} | {b:.1f} | {h:.1f} | {h / b:.2f}x |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the git revision to compare with (e.g. a commit or tag)")
    ap.add_argument("--rounds", type=int, default=11, help="interleaved rounds (default 11)")
    ap.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = ap.parse_args(argv)

    stats = generate.generate(generate.DEFAULT_OUT, generate.DEFAULT_COMPONENTS)
    chart, profile = Path(stats["chart"]), Path(stats["profile"])
    with tempfile.TemporaryDirectory(prefix="pr-compare-") as tmp:
        base_tree = Path(tmp) / "base"
        export_revision(args.base, base_tree)
        head_tree = side_tree(Path(tmp) / "head")
        render_profile = Path(tmp) / "render-profile.yaml"
        render_profile.write_text(RENDER_PROFILE, encoding="utf-8")
        rows = measure({"base": base_tree, "head": head_tree}, chart, profile, render_profile, args.rounds)
    text = report(rows, args.base, args.rounds)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
