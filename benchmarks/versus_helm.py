#!/usr/bin/env python3
"""Whole process against ``helm template``: ``profile-render merge/render -o json`` and Helm, the same values.

Usage (from the repository root)::

    .venv/bin/python benchmarks/versus_helm.py                 # 15 interleaved rounds, markdown table
    .venv/bin/python benchmarks/versus_helm.py --rounds 31 --markdown out.md
    .venv/bin/python benchmarks/versus_helm.py --base-tree ../main     # also another checkout, interleaved

``benchmarks/run.py`` runs the same rows (unless ``--no-helm``). On two inputs
from ``benchmarks/generate.py``, the dense generated chart and the monitoring
stack shaped like kube-prometheus-stack's values, four commands each:

- ``helm merge``: ``helm template bench CHART -f PROFILE``; the chart's only
  template is ``# {{ toJson .Values }}``, so Helm computes and prints the
  values and nothing else;
- ``ours merge``: ``profile-render merge CHART -f PROFILE -o json``;
- ``ours render``: ``profile-render render CHART --profile RENDER_PROFILE ...
  -o json``: the profile plus a block of placeholders
  (``%GeneratedDockerCredential%``, ``%ImageRegistryURL%``, ``%OrgName%``,
  ``%ProjectName%``), a registry with a password file, the pull Secret
  generated; its JSON holds the values, the manifests and the Secret's name;
- ``helm render``: ``helm template`` with the same profile, its placeholders
  replaced by what the Edge Orchestrator puts there (read from one run of
  ours), then the ``fleet-globals.yaml`` the orchestrator adds (generation 1):
  the values Helm gets from the orchestrator.

Three floors run in the same rounds, to show where a Python process's time
goes (``python -c``, with the interpreter ours uses): ``start`` (``pass``),
``import yaml`` (``import yaml, json``), and ``PyYAML load`` (the chart's
values and the profile loaded with PyYAML's C loader and the values printed
with ``json.dumps``: what any PyYAML program pays for the same work, with no
checks, merge or provenance).

All commands of one input run interleaved, the order rotating each round,
after a warm-up round; Python children get a bytecode cache and start as
after a plain ``pip install`` (``benchmarks/installed.py``: no finder of the
editable install). Correctness: the values each of ours prints equal the
values Helm prints (parsed JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)
from installed import installed_python  # noqa: E402  (benchmarks/installed.py)

# Appended to a profile for the render rows: one of each placeholder the orchestrator fills in.
RENDER_BLOCK = """
deployment:
  imagePullSecrets:
    - name: '%GeneratedDockerCredential%'
  registry: '%ImageRegistryURL%'
  labels:
    org: '%OrgName%'
    project: '%ProjectName%'
"""
PLACEHOLDERS = {"%GeneratedDockerCredential%": ("imagePullSecrets", 0, "name"), "%ImageRegistryURL%": ("registry",),
                "%OrgName%": ("labels", "org"), "%ProjectName%": ("labels", "project")}
RENDER_ARGS = ["--app-name", "bench", "--app-version", "1.0.0", "--deployment-name", "deployment-abc12",
               "--namespace", "apps", "--org", "acme", "--project", "edge",
               "--registry-url", "oci://registry.example.com/catalog-apps-acme-edge", "--registry-username", "robot"]


def py_env(tree: Path = ROOT) -> Dict[str, str]:
    """Environment of the Python children: ``tree``'s package first, a bytecode cache (as after pip install)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(generate.DEFAULT_OUT / "pycache")
    env["PYTHONPATH"] = str(tree) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def helm_env(tmp: Path) -> Dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp),
            "HELM_CACHE_HOME": str(tmp / "cache"), "HELM_CONFIG_HOME": str(tmp / "config"),
            "HELM_DATA_HOME": str(tmp / "data")}


def ours_command(python: str) -> List[str]:
    """The CLI as its console script starts it (``profile_render.cli:main``), from this tree."""
    return [python, "-c", "import sys; from profile_render.cli import main; sys.exit(main())"]


class Row:
    """The commands of one comparison and their samples: wall and user+sys CPU seconds per round."""

    def __init__(self, name: str, cmd: List[str], env: Dict[str, str], cwd: Path) -> None:
        # ``cwd`` holds no package: ``python -c`` puts the working folder first on sys.path
        self.name, self.cmd, self.env, self.cwd = name, cmd, env, cwd
        self.wall: List[float] = []
        self.cpu: List[float] = []

    def run(self, stdout: Any = subprocess.DEVNULL) -> Tuple[float, float]:
        with tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err, env=self.env,
                                    cwd=self.cwd)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            if os.waitstatus_to_exitcode(status) != 0:
                err.seek(0)
                raise SystemExit(f"versus_helm: {self.name} failed:\n{err.read().decode('utf-8', 'replace')}")
        return wall, usage.ru_utime + usage.ru_stime

    def output(self) -> str:
        return subprocess.run(self.cmd, env=self.env, cwd=self.cwd, capture_output=True, text=True,
                              check=True).stdout


FLOORS = {
    "start": "pass",
    "import yaml": "import yaml, json",
    "PyYAML load": ("import json, sys, yaml\n"
                    "values = yaml.load(open(sys.argv[1], 'rb').read(), Loader=yaml.CSafeLoader)\n"
                    "profile = yaml.load(open(sys.argv[2], 'rb').read(), Loader=yaml.CSafeLoader)\n"
                    "sys.stdout.write(json.dumps(values, sort_keys=True, indent=2, ensure_ascii=False))\n"),
}


def _helm_values(text: str) -> Any:
    line = next(ln for ln in text.splitlines() if ln.startswith("# {"))
    return json.loads(line[2:])


def _at(tree: Any, path: Tuple[Any, ...]) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def prepare(python: str, helm: Path, inputs: Dict[str, Tuple[Path, Path]], work: Path,
            base: Optional[Path] = None) -> Tuple[List[Row], Dict[str, Any]]:
    """The rows of every input (and of the ``base`` checkout), and whether ours prints the values Helm prints."""
    env, henv = py_env(), helm_env(work / "helm-home")
    password = work / "registry-password"
    password.write_text("bench-token\n", encoding="utf-8")
    rows: List[Row] = []
    checks: Dict[str, Any] = {}
    for label, (chart, profile) in inputs.items():
        render_profile = work / f"{label}-render-profile.yaml"
        render_profile.write_text(profile.read_text(encoding="utf-8") + RENDER_BLOCK, encoding="utf-8")
        merge = Row(f"{label}: ours merge", ours_command(python) + ["merge", str(chart), "-f", str(profile), "-o",
                                                                     "json"], env, work)
        render = Row(f"{label}: ours render", ours_command(python) + [
            "render", str(chart), "--profile", str(render_profile), *RENDER_ARGS, "--registry-password-file",
            str(password), "-o", "json"], env, work)
        rendered = json.loads(render.output())
        resolved_text = render_profile.read_text(encoding="utf-8")
        for placeholder, path in PLACEHOLDERS.items():
            resolved_text = resolved_text.replace(placeholder, str(_at(rendered["values"]["deployment"], path)))
        resolved = work / f"{label}-resolved-profile.yaml"
        resolved.write_text(resolved_text, encoding="utf-8")
        # The third values file the orchestrator hands Fleet, which render adds as ADM does (a new deployment).
        fleet_globals = work / "fleet-globals.yaml"
        fleet_globals.write_text("global:\n  fleet:\n    deploymentGeneration: 1\n    clusterLabels: {}\n",
                                 encoding="utf-8")
        helm_merge = Row(f"{label}: helm merge", [str(helm), "template", "bench", str(chart), "-f", str(profile)],
                         henv, work)
        helm_render = Row(f"{label}: helm render", [str(helm), "template", "bench", str(chart), "-f", str(resolved),
                                                    "-f", str(fleet_globals)], henv, work)
        checks[label] = {
            "merge equals helm": json.loads(merge.output()) == _helm_values(helm_merge.output()),
            "render values equal helm": rendered["values"] == _helm_values(helm_render.output()),
        }
        rows += [helm_merge, merge, helm_render, render]
        rows += [Row(f"{label}: floor {name}", [python, "-c", code, str(chart / "values.yaml"), str(profile)],
                     env, work) for name, code in FLOORS.items()]
        if base is not None:  # the same commands with another checkout's package: before and after a change
            rows += [Row(row.name.replace(": ours ", ": base "), row.cmd, py_env(base), work)
                     for row in (merge, render)]
    return rows, checks


def measure(rows: Sequence[Row], rounds: int) -> None:
    """One warm-up round, then ``rounds`` rounds of every row, the order rotating each round."""
    for row in rows:
        row.run()
    count = len(rows)
    for r in range(rounds):
        for row in [rows[(r + i) % count] for i in range(count)]:
            wall, cpu = row.run()
            row.wall.append(wall)
            row.cpu.append(cpu)


def ratios(ours: Row, helm: Row) -> Dict[str, float]:
    """Ours over Helm: ratio of medians, of minimums, median of per-round ratios, ratio of CPU medians."""
    return {"median": statistics.median(ours.wall) / statistics.median(helm.wall),
            "min": min(ours.wall) / min(helm.wall),
            "paired": statistics.median(o / h for o, h in zip(ours.wall, helm.wall)),
            "cpu": statistics.median(ours.cpu) / statistics.median(helm.cpu)}


def table(rows: Sequence[Row], checks: Dict[str, Any], rounds: int) -> str:
    """The results as a markdown table (one line per input and command; base columns when measured)."""
    by_name = {row.name: row for row in rows}
    based = any(": base " in name for name in by_name)
    lines = [f"Whole process, {rounds} interleaved rounds after a warm-up round; wall-clock ms "
             "(CPU: user+sys, Helm's on several threads).", "",
             "| input | command | helm median | ours median | ours / helm (medians) | per-round median | "
             "mins | CPU | same values |" + (" base median | ours / base | CPU |" if based else ""),
             "|---|---|---:|---:|---:|---:|---:|---:|---|" + ("---:|---:|---:|" if based else "")]
    for label in checks:
        for command, check in (("merge", "merge equals helm"), ("render", "render values equal helm")):
            helm, ours = by_name[f"{label}: helm {command}"], by_name[f"{label}: ours {command}"]
            r = ratios(ours, helm)
            line = (f"| {label} | `{command} -o json` | {statistics.median(helm.wall) * 1000:.1f} | "
                    f"{statistics.median(ours.wall) * 1000:.1f} | **{r['median']:.2f}x** | {r['paired']:.2f}x | "
                    f"{r['min']:.2f}x | {r['cpu']:.2f}x | {'yes' if checks[label][check] else '**NO**'} |")
            if based:
                base = by_name[f"{label}: base {command}"]
                line += (f" {statistics.median(base.wall) * 1000:.1f} | "
                         f"{statistics.median(ours.wall) / statistics.median(base.wall):.2f}x | "
                         f"{statistics.median(ours.cpu) / statistics.median(base.cpu):.2f}x |")
            lines.append(line)
    lines += ["", "Floors in the same rounds (Python processes doing part of the work; median wall ms, and over "
              "Helm's merge):", "", "| input | " + " | ".join(FLOORS) + " | helm merge |",
              "|---|" + "---:|" * (len(FLOORS) + 1)]
    for label in checks:
        helm = by_name[f"{label}: helm merge"]
        cells = [f"{statistics.median(by_name[f'{label}: floor {name}'].wall) * 1000:.1f} "
                 f"({statistics.median(by_name[f'{label}: floor {name}'].wall) / statistics.median(helm.wall):.2f}x)"
                 for name in FLOORS]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {statistics.median(helm.wall) * 1000:.1f} |")
    return "\n".join(lines)


def run(python: str, helm: Path, rounds: int, base: Optional[Path] = None) -> Tuple[str, Dict[str, Any]]:
    """Generate the inputs, measure (also ``base``, another checkout, when given), return the table and samples."""
    stats = generate.generate(generate.DEFAULT_OUT)
    inputs = {"dense chart": (Path(stats["chart"]), Path(stats["profile"])),
              "monitoring stack": (Path(stats["stack_chart"]), Path(stats["stack_profile"]))}
    with tempfile.TemporaryDirectory(prefix="pr-versus-helm-") as tmp:
        rows, checks = prepare(python, helm, inputs, Path(tmp), base)
        measure(rows, rounds)
    packages = {side: subprocess.run([python, "-c", "import profile_render; print(profile_render.__file__)"],
                                     env=py_env(tree), cwd=tempfile.gettempdir(), capture_output=True, text=True,
                                     check=True).stdout.strip()
                for side, tree in (("ours", ROOT), ("base", base)) if tree is not None}
    print(f"packages timed: {packages}", file=sys.stderr)
    raw = {"packages": packages, "checks": checks, "samples": {row.name: {"wall": row.wall, "cpu": row.cpu} for row in rows},
           "inputs": {k: stats[k] for k in stats if k.startswith(("values_", "stack_", "profile_"))}}
    return table(rows, checks, rounds), raw


def helm_binary() -> Optional[Path]:
    env = os.environ.get("PROFILE_RENDER_HELM")
    if env:
        return Path(env)
    cached = ROOT / ".cache" / "tools" / "helm"
    return cached if cached.is_file() and os.access(cached, os.X_OK) else None


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    ap.add_argument("--markdown", type=Path, help="also write the table to this file")
    ap.add_argument("--json", type=Path, help="write the raw samples to this file")
    ap.add_argument("--base-tree", type=Path, help="also time another checkout's package (a folder holding "
                    "profile_render/), interleaved: before and after a change")
    args = ap.parse_args(argv)
    helm = helm_binary()
    if helm is None:
        print("versus_helm: no helm binary (scripts/fetch-helm.sh, or set PROFILE_RENDER_HELM)", file=sys.stderr)
        return 2
    text, raw = run(installed_python(), helm, args.rounds, args.base_tree)
    print(f"load average at the end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    return 0 if all(all(c.values()) for c in raw["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
