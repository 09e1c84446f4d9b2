#!/usr/bin/env python3
"""Benchmark profile-render's merge path against the PyYAML C-loader floor and Helm.

Usage (from the repository root)::

    .venv/bin/python benchmarks/run.py                 # generate inputs if needed, measure, print a markdown report
    .venv/bin/python benchmarks/run.py --check         # ... and exit 1 when a target is missed
    .venv/bin/python benchmarks/run.py --profile       # ... and print cProfile hotspots of the in-process pipeline

Rows (see benchmarks/README.md for details):

(a) floor, in-process   read both files, ``yaml.load(..., Loader=yaml.CSafeLoader)`` each,
                        ``json.dumps`` of the chart values (sorted keys, indent 2)
(b) ours, in-process    ``merge_values(chart_dir, [Layer.from_file(profile)]).to_json()``
(b') ours, YAML         the same with ``.to_yaml()`` (information only)
(c) whole process       ``profile-render merge CHART -f profile -o json`` vs (c0) a bare
                        ``python -c`` doing the floor work (both write JSON to /dev/null);
                        (c') the CLI without a bytecode cache, (c-) ``python -c pass`` (info)
(d) helm template       ``helm template bench CHART -f profile`` (Helm 4.1.4)
(f) versus helm         ``merge -o json`` and ``render -o json`` against ``helm template`` printing the
                        same values, on the dense chart and the monitoring stack (benchmarks/versus_helm.py)
(e) memory              tracemalloc peak in-process; max RSS of each whole process
                        (``/usr/bin/time -f %M``, falling back to wait4)

Targets: (b) <= 1.3 x (a) and ours whole-process <= 1.5 x bare floor process
(ratios of medians, wall clock). Runs are interleaved (floor, ours, floor, ...)
so load from other processes hits both sides alike; CPU-time medians are
reported next to wall-clock medians for the same reason.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)
import versus_helm  # noqa: E402  (benchmarks/versus_helm.py)
from versus_helm import helm_binary, helm_env  # noqa: E402
from installed import installed_python  # noqa: E402  (benchmarks/installed.py)

TARGET_INPROC = 1.3
TARGET_PROCESS = 1.5
FORBIDDEN_IMPORTS = ("jsonschema", "jinja2")

# The floor's whole-process program: exactly the floor work, nothing else.
FLOOR_CODE = """\
import json, sys, yaml
with open(sys.argv[1], 'rb') as f:
    values = yaml.load(f.read(), Loader=yaml.CSafeLoader)
with open(sys.argv[2], 'rb') as f:
    profile = yaml.load(f.read(), Loader=yaml.CSafeLoader)
sys.stdout.write(json.dumps(values, sort_keys=True, indent=2, ensure_ascii=False) + '\\n')
"""

IMPORT_TIMER = """\
import time
t0 = time.perf_counter()
import {module}
print(time.perf_counter() - t0)
"""

MODULES_PROBE = """\
import contextlib, io, json, sys
before = set(sys.modules)
from profile_render.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    rc = main(['merge', sys.argv[1], '-f', sys.argv[2], '-o', 'json'])
names = sorted(sys.modules)
print(json.dumps({'rc': rc, 'modules': names, 'before': sorted(before),
                  'stdlib': sorted(sys.stdlib_module_names)}))
"""


# ---------------------------------------------------------------------------
# helpers


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def fmt_mib(nbytes: float) -> str:
    return f"{nbytes / (1024 * 1024):.1f}"


class Samples:
    """Wall and CPU samples of one measured thing."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.wall: List[float] = []
        self.cpu: List[float] = []
        self.rss_kb: List[int] = []

    @property
    def n(self) -> int:
        return len(self.wall)

    def min(self) -> float:
        return min(self.wall)

    def median(self) -> float:
        return statistics.median(self.wall)

    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    def as_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"n": self.n, "wall": self.wall, "cpu": self.cpu,
                             "min": self.min(), "median": self.median(), "cpu_median": self.cpu_median()}
        if self.rss_kb:
            d["max_rss_kb"] = max(self.rss_kb)
        return d


def measure_interleaved(funcs: Sequence[Tuple[Samples, Callable[[], Any]]], runs: int, warmup: int) -> None:
    """Run each function ``warmup`` times, then ``runs`` timed rounds, rotating the order each round."""
    for _ in range(warmup):
        for _, fn in funcs:
            fn()
    k = len(funcs)
    for r in range(runs):
        order = [funcs[(r + i) % k] for i in range(k)]
        for samples, fn in order:
            gc.collect()
            c0 = time.process_time()
            t0 = time.perf_counter()
            fn()
            t1 = time.perf_counter()
            c1 = time.process_time()
            samples.wall.append(t1 - t0)
            samples.cpu.append(c1 - c0)


def run_process(cmd: Sequence[str], env: Optional[Dict[str, str]] = None,
                stdout: Any = subprocess.DEVNULL) -> Tuple[float, float, int, int, str]:
    """Run one process; returns (wall seconds, user+sys seconds, max RSS KiB, exit code, stderr)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        t1 = time.perf_counter()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return t1 - t0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, text


def measure_processes(cmds: Sequence[Tuple[Samples, List[str], Optional[Dict[str, str]]]],
                      runs: int, warmup: int) -> None:
    for _ in range(warmup):
        for samples, cmd, env in cmds:
            _, _, _, rc, err = run_process(cmd, env)
            if rc != 0:
                raise SystemExit(f"benchmark: {samples.name} failed (exit {rc}):\n{err}")
    k = len(cmds)
    for r in range(runs):
        for samples, cmd, env in [cmds[(r + i) % k] for i in range(k)]:
            wall, cpu, _, rc, err = run_process(cmd, env)
            if rc != 0:
                raise SystemExit(f"benchmark: {samples.name} failed (exit {rc}):\n{err}")
            samples.wall.append(wall)
            samples.cpu.append(cpu)


def measure_rss(cmds: Sequence[Tuple[Samples, List[str], Optional[Dict[str, str]]]], runs: int) -> str:
    """Max RSS of each command, measured apart from the timed runs.

    ``/usr/bin/time -f %M`` is used when present: on Linux a child's ru_maxrss
    starts from its parent's high-water mark (fork/exec keeps it), so wait4 on a
    child of this (large) benchmark process over-reports small processes.
    """
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    method = "/usr/bin/time -f %M" if gnu_time else "wait4 ru_maxrss (inflated by the parent's RSS)"
    for samples, cmd, env in cmds:
        samples.rss_kb = []
        for _ in range(runs):
            if gnu_time:
                with tempfile.NamedTemporaryFile("r", suffix=".rss") as f:
                    _, _, _, rc, err = run_process([gnu_time, "-f", "%M", "-o", f.name] + list(cmd), env)
                    text = f.read().strip().splitlines()
                if rc != 0 or not text:
                    raise SystemExit(f"benchmark: {samples.name} failed under /usr/bin/time (exit {rc}):\n{err}")
                samples.rss_kb.append(int(text[-1]))
            else:
                _, _, rss, rc, err = run_process(cmd, env)
                samples.rss_kb.append(rss)
    return method


PYCACHE = generate.DEFAULT_OUT / "pycache"


def py_env(bytecode_cache: bool = True) -> Dict[str, str]:
    """Environment for the Python child processes.

    With ``bytecode_cache`` (the default, as after a normal ``pip install``)
    compiled modules are cached under benchmarks/.data/pycache via
    PYTHONPYCACHEPREFIX, even when the caller's environment sets
    PYTHONDONTWRITEBYTECODE, so no timed process pays for compiling sources.
    Without it, PYTHONDONTWRITEBYTECODE=1 and no prefix: the interpreter uses
    whatever .pyc files sit next to the sources (the standard library's) and
    compiles the rest -- profile_render from an editable install with no
    ``profile_render/__pycache__`` -- in every process.
    """
    env = dict(os.environ)
    env.pop("PYTHONPYCACHEPREFIX", None)
    # This tree's package first, also when the interpreter's environment has another checkout installed.
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def cli_path(python: str) -> List[str]:
    """The installed ``profile-render`` console script next to the interpreter (or ``-m`` as a fallback)."""
    script = Path(python).parent / "profile-render"
    if script.exists():
        return [str(script)]
    print("benchmark: profile-render is not installed in this venv; using `python -m profile_render` "
          "(install with `.venv/bin/pip install -q -e .`)", file=sys.stderr)
    return [python, "-m", "profile_render"]


# ---------------------------------------------------------------------------
# measurements


def inprocess(chart: Path, values: Path, profile: Path, runs: int, warmup: int) -> Dict[str, Samples]:
    import yaml

    from profile_render.helm.chart import load_chart
    from profile_render.values import Layer, merge_values

    def floor() -> str:
        with open(values, "rb") as f:
            v = yaml.load(f.read(), Loader=yaml.CSafeLoader)
        with open(profile, "rb") as f:
            yaml.load(f.read(), Loader=yaml.CSafeLoader)
        return json.dumps(v, sort_keys=True, indent=2, ensure_ascii=False)

    def ours() -> str:
        return merge_values(Path(chart), [Layer.from_file(profile)]).to_json()

    def ours_yaml() -> str:
        return merge_values(Path(chart), [Layer.from_file(profile)]).to_yaml()

    s = {name: Samples(name) for name in ("floor", "ours", "ours_yaml")}
    measure_interleaved([(s["floor"], floor), (s["ours"], ours), (s["ours_yaml"], ours_yaml)], runs, warmup)

    # Stage breakdown (information only): where our time goes, next to the floor's own stages.
    stage_runs = max(5, runs // 2)
    text_v = values.read_bytes()
    text_p = profile.read_bytes()
    chart_obj = load_chart(str(chart))
    layer = Layer.from_file(profile)
    result = merge_values(chart_obj, [layer])
    floor_values = yaml.load(text_v, Loader=yaml.CSafeLoader)
    stages = {
        "floor: yaml.load values.yaml": lambda: yaml.load(text_v, Loader=yaml.CSafeLoader),
        "floor: yaml.load profile": lambda: yaml.load(text_p, Loader=yaml.CSafeLoader),
        "floor: json.dumps": lambda: json.dumps(floor_values, sort_keys=True, indent=2, ensure_ascii=False),
        "ours: load_chart (Chart.yaml + values.yaml)": lambda: load_chart(str(chart)),
        "ours: Layer.from_file(profile)": lambda: Layer.from_file(profile),
        "ours: merge_values (loaded chart + layer)": lambda: merge_values(chart_obj, [layer]),
        "ours: to_json": lambda: result.to_json(),
        "ours: to_yaml": lambda: result.to_yaml(),
    }
    stage_samples = [(Samples(name), fn) for name, fn in stages.items()]
    measure_interleaved(stage_samples, stage_runs, 1)
    for samples, _ in stage_samples:
        s["stage:" + samples.name] = samples
    return s


def tracemalloc_peaks(chart: Path, values: Path, profile: Path) -> Dict[str, int]:
    import yaml

    from profile_render.values import Layer, merge_values

    def floor() -> str:
        with open(values, "rb") as f:
            v = yaml.load(f.read(), Loader=yaml.CSafeLoader)
        with open(profile, "rb") as f:
            yaml.load(f.read(), Loader=yaml.CSafeLoader)
        return json.dumps(v, sort_keys=True, indent=2, ensure_ascii=False)

    def ours() -> str:
        return merge_values(Path(chart), [Layer.from_file(profile)]).to_json()

    peaks = {}
    for name, fn in (("floor", floor), ("ours", ours)):
        fn()  # warm caches and lazy imports outside the traced window
        gc.collect()
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            out = fn()
            peaks[name] = tracemalloc.get_traced_memory()[1]
            del out
        finally:
            tracemalloc.stop()
    return peaks


MERGE_PATH_IMPORT = "profile_render.cli, profile_render.values, profile_render.emit"


def _importtime_rows(python: str, statement: str) -> List[Dict[str, Any]]:
    res = subprocess.run([python, "-X", "importtime", "-c", statement], capture_output=True, text=True, check=True,
                         env=py_env())
    rows = []
    for line in res.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = line[len("import time:"):].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        rows.append({"module": name.strip(), "self_us": int(self_us), "cumulative_us": int(cum_us), "depth": depth})
    # Everything up to the top-level `site` row is interpreter start-up; the rest is the statement's imports.
    last_site = max((i for i, r in enumerate(rows) if r["module"] == "site" and r["depth"] == 0), default=-1)
    return rows[last_site + 1:]


def import_report(python: str, runs: int) -> Dict[str, Any]:
    """Import time in fresh processes: the CLI module, the whole merge path, and the floor's imports."""
    out: Dict[str, Any] = {}
    timed = (("profile_render.cli", "profile_render.cli", True),
             ("merge path", MERGE_PATH_IMPORT, True),
             ("merge path, no .pyc", MERGE_PATH_IMPORT, False),
             ("yaml, json (floor)", "yaml, json", True))
    for label, module, cached in timed:
        times = []
        for _ in range(runs + 1):
            res = subprocess.run([python, "-c", IMPORT_TIMER.format(module=module)], capture_output=True, text=True,
                                 check=True, env=py_env(cached))
            times.append(float(res.stdout.strip()))
        times = times[1:]  # the first run may write the bytecode cache
        out[label] = {"statement": f"import {module}", "cached": cached, "n": runs, "min": min(times),
                      "median": statistics.median(times)}
    # -X importtime of the whole merge path (one run: the shape matters, absolute numbers are noisy).
    rows = _importtime_rows(python, "import " + MERGE_PATH_IMPORT)
    out["importtime_total_us"] = sum(r["cumulative_us"] for r in rows if r["depth"] == 0)
    out["importtime_top_self"] = sorted(rows, key=lambda r: -r["self_us"])[:12]
    out["importtime_third_party"] = [r for r in rows if r["module"].split(".")[0] in ("yaml", "deepmerge")
                                     and "." not in r["module"]]
    out["importtime_ours"] = [r for r in rows if r["module"].startswith("profile_render")]
    return out


def merge_path_modules(python: str, chart: Path, profile: Path) -> Dict[str, Any]:
    res = subprocess.run([python, "-c", MODULES_PROBE, str(chart), str(profile)], capture_output=True, text=True,
                         check=True, env=py_env())
    data = json.loads(res.stdout)
    stdlib = set(data["stdlib"])
    tops = sorted({m.split(".")[0] for m in data["modules"]})
    third = [m for m in tops if m not in stdlib and not m.startswith("_") and m != "profile_render"
             and m not in ("cython_runtime",)]
    ours = sorted(m for m in data["modules"] if m.startswith("profile_render."))
    forbidden = [m for m in FORBIDDEN_IMPORTS if any(n == m or n.startswith(m + ".") for n in data["modules"])]
    return {"rc": data["rc"], "third_party": third, "profile_render_modules": ours, "forbidden": forbidden}


def correctness(python: str, chart: Path, profile: Path, in_process_json: str) -> Dict[str, Any]:
    """Our CLI output vs in-process output vs Helm's toJson .Values (parsed JSON equality)."""
    res = subprocess.run(cli_path(python) + ["merge", str(chart), "-f", str(profile), "-o", "json"],
                         capture_output=True, text=True, env=py_env())
    out: Dict[str, Any] = {"cli_rc": res.returncode, "cli_equals_in_process": res.stdout == in_process_json + "\n"}
    if res.returncode != 0:
        out["cli_stderr"] = res.stderr
        return out
    helm = helm_binary()
    if helm is None:
        out["helm"] = None
        return out
    with tempfile.TemporaryDirectory(prefix="pr-bench-helm-") as tmp:
        h = subprocess.run([str(helm), "template", "bench", str(chart), "-f", str(profile)], capture_output=True,
                           text=True, env=helm_env(Path(tmp)))
    if h.returncode != 0:
        out["helm"] = {"rc": h.returncode, "stderr": h.stderr}
        return out
    line = next((ln for ln in h.stdout.splitlines() if ln.startswith("# {")), None)
    helm_values = json.loads(line[2:]) if line else None
    out["helm"] = {"rc": 0, "equal": helm_values == json.loads(res.stdout)}
    return out


def run_cprofile(chart: Path, profile: Path, iterations: int, top: int) -> List[Dict[str, Any]]:
    import cProfile
    import pstats

    from profile_render.values import Layer, merge_values

    def ours() -> str:
        return merge_values(Path(chart), [Layer.from_file(profile)]).to_json()

    ours()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(iterations):
        ours()
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (filename, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = filename
        for prefix in (str(ROOT) + "/", sys.prefix + "/"):
            if short.startswith(prefix):
                short = short[len(prefix):]
        if "site-packages/" in short:
            short = short.split("site-packages/", 1)[1]
        rows.append({"function": f"{short}:{line}({func})", "calls": nc, "tottime": tt / iterations,
                     "cumtime": ct / iterations, "cum_share": ct / total if total else 0.0,
                     "self_share": tt / total if total else 0.0})
    rows.sort(key=lambda r: -r["cumtime"])
    by_cum = rows[:top]
    by_self = sorted(rows, key=lambda r: -r["tottime"])[:top]
    return [{"total_per_run": total / iterations, "by_cumulative": by_cum, "by_self": by_self}]


# ---------------------------------------------------------------------------
# report


def environment(python: str) -> Dict[str, Any]:
    import yaml

    try:
        from yaml import _yaml as _cyaml  # type: ignore[attr-defined]

        libyaml = _cyaml.get_version_string()
    except Exception:  # pragma: no cover
        libyaml = None
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "profile_render"],
                                    capture_output=True, text=True).stdout.strip())
    except OSError:  # pragma: no cover
        head, dirty = "", False
    helm = helm_binary()
    helm_version = None
    if helm is not None:
        with tempfile.TemporaryDirectory() as tmp:
            helm_version = subprocess.run([str(helm), "version", "--short"], capture_output=True, text=True,
                                          env=helm_env(Path(tmp))).stdout.strip()
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "python_impl": platform.python_implementation(),
        "pyyaml": yaml.__version__,
        "libyaml": libyaml,
        "libyaml_in_use": bool(getattr(yaml, "__with_libyaml__", False)),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "git": head + ("-dirty" if dirty else ""),
        "helm": helm_version,
        "interpreter": python,
    }


def ratio(a: Samples, b: Samples) -> Tuple[float, float, float, float]:
    """(median ratio, min ratio, cpu-median ratio, median of per-round ratios) of a over b.

    Runs are interleaved, so sample i of both was taken in the same round; the
    per-round ratio is the least sensitive to load from other processes.
    """
    paired = statistics.median(x / y for x, y in zip(a.wall, b.wall))
    return a.median() / b.median(), a.min() / b.min(), a.cpu_median() / b.cpu_median(), paired


def render(report: Dict[str, Any], s: Dict[str, Samples]) -> str:
    env = report["env"]
    data = report["data"]
    lines: List[str] = []
    add = lines.append
    add(f"## profile-render merge benchmark ({env['date']})")
    add("")
    add(f"- Python {env['python']} ({env['python_impl']}), PyYAML {env['pyyaml']}, libyaml {env['libyaml']} "
        f"(C loader in use: {env['libyaml_in_use']}), {env['helm'] or 'helm: not available'}")
    add(f"- {env['platform']}, {env['cpus']} CPUs, load average at start "
        f"{' / '.join(f'{x:.2f}' for x in env['loadavg'])}; profile_render at git {env['git']}")
    add(f"- chart defaults: {data['values_bytes']:,} bytes, {data['values_lines']:,} lines, "
        f"{data['values_events']:,} YAML events; profile: {data['profile_bytes']:,} bytes, "
        f"{data['profile_lines']:,} lines, {data['profile_events']:,} YAML events (seed {data['seed']})")
    add("")
    add("| row | what | N | min ms | median ms | CPU median ms | vs floor (median) | max RSS MiB |")
    add("|---|---|---:|---:|---:|---:|---:|---:|")

    def row(label: str, what: str, x: Samples, base: Optional[Samples]) -> None:
        rel = f"{x.median() / base.median():.2f}x" if base is not None else "1.00x"
        rss = fmt_mib(max(x.rss_kb) * 1024) if x.rss_kb else ""
        add(f"| {label} | {what} | {x.n} | {fmt_ms(x.min())} | {fmt_ms(x.median())} | {fmt_ms(x.cpu_median())} | "
            f"{rel} | {rss} |")

    row("(a)", "floor in-process: CSafeLoader x2 + json.dumps", s["floor"], None)
    row("(b)", "ours in-process: merge_values().to_json()", s["ours"], s["floor"])
    row("(b')", "ours in-process: merge_values().to_yaml() (info)", s["ours_yaml"], s["floor"])
    if "proc_floor" in s:
        row("(c0)", "process: `python -c` floor work", s["proc_floor"], None)
        row("(c)", "process: `profile-render merge -o json`", s["proc_ours"], s["proc_floor"])
        nopyc = "no .pyc for profile_render" if not (ROOT / "profile_render" / "__pycache__").exists() else \
            "PYTHONDONTWRITEBYTECODE=1 (profile_render/__pycache__ exists!)"
        row("(c')", f"process: `profile-render merge -o json`, {nopyc} (info)", s["proc_ours_nocache"],
            s["proc_floor"])
        row("(c-)", "process: `python -c pass` (interpreter start, info)", s["proc_pass"], s["proc_floor"])
    if "proc_helm" in s:
        row("(d)", "process: `helm template` (Helm 4.1.4)", s["proc_helm"], s["proc_floor"])
    add("")
    add("Ratios are of medians (wall clock); \"vs floor\" is against (a) for in-process rows and (c0) for processes.")
    add("")

    t = report["targets"]
    add("### Targets")
    add("")
    add("| target | limit | ratio of medians | ratio of mins | per-round median | CPU-time ratio | met |")
    add("|---|---:|---:|---:|---:|---:|---|")
    for name, tgt in t.items():
        if "limit" not in tgt:
            continue
        add(f"| {name} | <= {tgt['limit']:.2f}x | {tgt['median']:.2f}x | {tgt['min']:.2f}x | {tgt['paired']:.2f}x | "
            f"{tgt['cpu']:.2f}x | {'yes' if tgt['met'] else '**NO**'} |")
    add(f"| merge path imports none of {', '.join(FORBIDDEN_IMPORTS)} | | | | | | "
        f"{'yes' if t['imports']['met'] else '**NO** (' + ', '.join(t['imports']['forbidden']) + ')'} |")
    c = report["correctness"]
    helm = c.get("helm")
    helm_text = "not checked (no helm)" if helm is None else (
        "yes" if helm.get("equal") else f"**NO** ({helm})")
    add(f"| CLI output equals in-process `to_json()` | | | | | | {'yes' if c.get('cli_equals_in_process') else '**NO**'} |")
    add(f"| output equals `helm template`'s toJson .Values | | | | | | {helm_text} |")
    add("")
    add("A target is judged on the ratio of medians (wall clock). The other columns show how robust that is: "
        "min over min, the median of per-round ratios (runs are interleaved), and user+sys CPU time.")
    add("")

    m = report["memory"]
    add("### Memory")
    add("")
    add("| measure | floor | ours | ratio |")
    add("|---|---:|---:|---:|")
    add(f"| tracemalloc peak, in-process (MiB) | {fmt_mib(m['tracemalloc']['floor'])} | "
        f"{fmt_mib(m['tracemalloc']['ours'])} | {m['tracemalloc']['ours'] / m['tracemalloc']['floor']:.2f}x |")
    if "proc_floor" in s:
        fr, orr = max(s["proc_floor"].rss_kb), max(s["proc_ours"].rss_kb)
        add(f"| max RSS, whole process (MiB) | {fmt_mib(fr * 1024)} | {fmt_mib(orr * 1024)} | {orr / fr:.2f}x |")
        add(f"| max RSS, `python -c pass` (MiB, interpreter alone) | {fmt_mib(max(s['proc_pass'].rss_kb) * 1024)} | | |")
        if "proc_helm" in s:
            add(f"| max RSS, `helm template` (MiB) | | {fmt_mib(max(s['proc_helm'].rss_kb) * 1024)} | |")
        add("")
        add(f"Max RSS: largest of 3 runs per command, measured with {report.get('rss_method')}.")
    add("")

    st = [(k[len("stage:"):], v) for k, v in s.items() if k.startswith("stage:")]
    if st:
        add("### Stage breakdown (in-process, information only)")
        add("")
        add("| stage | N | min ms | median ms |")
        add("|---|---:|---:|---:|")
        for name, x in st:
            add(f"| {name} | {x.n} | {fmt_ms(x.min())} | {fmt_ms(x.median())} |")
        add("")

    imp = report["imports"]
    add("### Import time and modules of the merge path")
    add("")
    add("| imports (fresh process, `time.perf_counter()` around the import) | N | min ms | median ms |")
    add("|---|---:|---:|---:|")
    for label in ("profile_render.cli", "merge path", "merge path, no .pyc", "yaml, json (floor)"):
        x = imp[label]
        note = "" if x["cached"] else " (no .pyc for profile_render, info)"
        add(f"| `{x['statement']}`{note} | {x['n']} | {fmt_ms(x['min'])} | {fmt_ms(x['median'])} |")
    add("")
    add(f"- `python -X importtime -c \"import {MERGE_PATH_IMPORT}\"` (one run): {imp['importtime_total_us'] / 1000:.1f} ms "
        "in all; third-party: " + ", ".join(f"{r['module']} {r['cumulative_us'] / 1000:.1f} ms"
                                           for r in imp["importtime_third_party"])
        + "; heaviest modules by self time: " + ", ".join(f"{r['module']} {r['self_us'] / 1000:.1f} ms"
                                                           for r in imp["importtime_top_self"][:8]))
    mods = report["modules"]
    add(f"- third-party top-level modules loaded by `profile-render merge`: {', '.join(mods['third_party']) or 'none'}")
    add(f"- profile_render modules loaded: {', '.join(x.split('.', 1)[1] for x in mods['profile_render_modules'])}")
    add(f"- forbidden ({', '.join(FORBIDDEN_IMPORTS)}) imported: {', '.join(mods['forbidden']) or 'none'}")
    add("")

    prof = report.get("cprofile")
    if prof:
        p = prof[0]
        add(f"### cProfile of (b), per run (profiled total {fmt_ms(p['total_per_run'])} ms/run)")
        add("")
        add("| function | calls/run | cumulative ms | share | self ms | self share |")
        add("|---|---:|---:|---:|---:|---:|")
        for r in p["by_cumulative"]:
            add(f"| `{r['function']}` | {r['calls'] // max(1, report['cprofile_iterations'])} | {fmt_ms(r['cumtime'])} | "
                f"{r['cum_share']:.0%} | {fmt_ms(r['tottime'])} | {r['self_share']:.0%} |")
        add("")
        add("Top by self time:")
        add("")
        add("| function | self ms | self share |")
        add("|---|---:|---:|")
        for r in p["by_self"]:
            add(f"| `{r['function']}` | {fmt_ms(r['tottime'])} | {r['self_share']:.0%} |")
        add("")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark profile-render merge against the PyYAML floor and Helm.")
    ap.add_argument("--runs", type=int, default=21, help="timed in-process runs per row (default 21)")
    ap.add_argument("--proc-runs", type=int, default=15, help="timed whole-process runs per row (default 15)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed warm-up runs per row (default 3)")
    ap.add_argument("--components", type=int, default=generate.DEFAULT_COMPONENTS,
                    help="size of the generated chart (default %(default)s)")
    ap.add_argument("--no-processes", action="store_true", help="skip the whole-process rows (c), (d)")
    ap.add_argument("--no-helm", action="store_true", help="skip helm template (d)")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--profile", action="store_true", help="cProfile the in-process pipeline and report hotspots")
    ap.add_argument("--profile-iterations", type=int, default=5)
    ap.add_argument("--markdown", type=Path, help="also write the markdown report to this file")
    ap.add_argument("--json", type=Path, help="write raw samples and results as JSON to this file")
    args = ap.parse_args(argv)

    python = installed_python()  # the child processes start as after a plain pip install
    sys.path.insert(0, str(ROOT))
    stats = generate.generate(generate.DEFAULT_OUT, args.components)
    chart, values, profile = Path(stats["chart"]), Path(stats["values"]), Path(stats["profile"])
    print(f"inputs: chart defaults {stats['values_bytes']:,} bytes / {stats['values_events']:,} YAML events; "
          f"profile {stats['profile_bytes']:,} bytes / {stats['profile_events']:,} YAML events "
          f"(CSafeLoader yaml.parse)", file=sys.stderr)
    if stats["values_bytes"] < generate.MIN_BYTES or stats["values_events"] < generate.MIN_EVENTS:
        print("benchmark: the generated chart defaults are below the required size", file=sys.stderr)
        return 2

    report: Dict[str, Any] = {"env": environment(python), "data": stats}
    print("measuring in-process rows (a), (b) ...", file=sys.stderr)
    s = inprocess(chart, values, profile, args.runs, args.warmup)

    from profile_render.values import Layer, merge_values

    in_process_json = merge_values(Path(chart), [Layer.from_file(profile)]).to_json()

    if not args.no_processes:
        print("measuring whole processes (c), (d) ...", file=sys.stderr)
        cmds: List[Tuple[Samples, List[str], Optional[Dict[str, str]]]] = []
        s["proc_floor"] = Samples("floor process")
        s["proc_ours"] = Samples("profile-render process")
        s["proc_pass"] = Samples("python -c pass")
        merge_cmd = cli_path(python) + ["merge", str(chart), "-f", str(profile), "-o", "json"]
        s["proc_ours_nocache"] = Samples("profile-render process, no bytecode cache")
        cmds.append((s["proc_floor"], [python, "-c", FLOOR_CODE, str(values), str(profile)], py_env()))
        cmds.append((s["proc_ours"], merge_cmd, py_env()))
        cmds.append((s["proc_pass"], [python, "-c", "pass"], py_env()))
        cmds.append((s["proc_ours_nocache"], merge_cmd, py_env(bytecode_cache=False)))
        helm = None if args.no_helm else helm_binary()
        tmp_helm = Path(tempfile.mkdtemp(prefix="pr-bench-helm-"))
        try:
            if helm is not None:
                s["proc_helm"] = Samples("helm template")
                cmds.append((s["proc_helm"], [str(helm), "template", "bench", str(chart), "-f", str(profile)],
                             helm_env(tmp_helm)))
            measure_processes(cmds, args.proc_runs, max(1, args.warmup // 2))
            print("measuring max RSS (e) ...", file=sys.stderr)
            report["rss_method"] = measure_rss(cmds, 3)
        finally:
            shutil.rmtree(tmp_helm, ignore_errors=True)

    print("measuring memory (e) ...", file=sys.stderr)
    report["memory"] = {"tracemalloc": tracemalloc_peaks(chart, values, profile)}
    print("measuring import time and merge-path modules ...", file=sys.stderr)
    report["imports"] = import_report(python, max(5, args.proc_runs))
    report["modules"] = merge_path_modules(python, chart, profile)
    print("checking output against the CLI and helm ...", file=sys.stderr)
    report["correctness"] = correctness(python, chart, profile, in_process_json)

    targets: Dict[str, Any] = {}
    med, mn, cpu, paired = ratio(s["ours"], s["floor"])
    targets["(b) in-process vs floor (a)"] = {"limit": TARGET_INPROC, "median": med, "min": mn, "cpu": cpu,
                                             "paired": paired, "met": med <= TARGET_INPROC}
    if "proc_ours" in s:
        med, mn, cpu, paired = ratio(s["proc_ours"], s["proc_floor"])
        targets["(c) whole process vs bare floor process"] = {"limit": TARGET_PROCESS, "median": med, "min": mn,
                                                              "cpu": cpu, "paired": paired,
                                                              "met": med <= TARGET_PROCESS}
    targets["imports"] = {"met": not report["modules"]["forbidden"], "forbidden": report["modules"]["forbidden"]}
    helm_check = report["correctness"].get("helm")
    targets["correctness"] = {"met": report["correctness"]["cli_rc"] == 0
                              and (helm_check is None or bool(helm_check.get("equal")))}
    report["targets"] = targets
    missed = [name for name, t in targets.items() if not t["met"]]

    if args.profile or (args.check and missed):
        print("profiling the in-process pipeline ...", file=sys.stderr)
        report["cprofile"] = run_cprofile(chart, profile, args.profile_iterations, 25)
        report["cprofile_iterations"] = args.profile_iterations

    text = render(report, s)
    if not args.no_processes and not args.no_helm and helm_binary() is not None:
        print("measuring whole processes against helm template (merge and render, both inputs) ...", file=sys.stderr)
        versus, report["versus_helm"] = versus_helm.run(python, helm_binary(), args.proc_runs)  # type: ignore[arg-type]
        text += "\n### Whole process against `helm template` (merge and render, two inputs)\n\n" + versus + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    if args.json:
        raw = dict(report)
        raw["samples"] = {k: v.as_dict() for k, v in s.items()}
        args.json.write_text(json.dumps(raw, indent=2, default=str) + "\n")
    if missed:
        print(f"\ntargets missed: {', '.join(missed)}", file=sys.stderr)
        if args.check:
            return 1
    else:
        print("\nall targets met", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
