#!/usr/bin/env python3
"""In-process costs of a service that keeps charts loaded: render cost, memory of results, render_many.

Usage (from the repository root)::

    .venv/bin/python benchmarks/inprocess.py                   # markdown report on stdout (progress on stderr)
    .venv/bin/python benchmarks/inprocess.py --check           # ... and exit 1 when a target is missed
    .venv/bin/python benchmarks/inprocess.py --values PATH     # also measure a values file of your own

Rows (see benchmarks/README.md):

- render cost: one ``render()`` of a loaded chart with a small Profile (placeholders and a
  generated pull Secret), against one ``yaml.load(..., Loader=yaml.CSafeLoader)`` of the chart's
  values, interleaved round by round; target <= 2 % (ratio of medians);
- memory: ``tracemalloc`` of 1,000 results of one loaded chart held at once, above the chart
  (loaded and rendered once); target <= 20 MiB;
- scaling: ``merge_values`` (load + merge) on charts of 4 sizes, the exponent of time against bytes;
- provenance: the first ``origin()`` of a merge of a ~4 MB values file (the replay); target < 1 s;
- render_many: 1,000 deployments of 10 charts with no executor, 2 threads and 2 processes.

Inputs are generated deterministically under ``benchmarks/.data/`` (no network): the dense chart of
``generate.py`` and a values file shaped like kube-prometheus-stack's (``kps_like``: a few dozen
component sections of nested settings, more than half of its lines comments).
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import generate  # noqa: E402  (benchmarks/generate.py)
from compare_revisions import RENDER_PROFILE  # noqa: E402
import yaml  # noqa: E402

from profile_render import (  # noqa: E402
    DeploymentContext,
    ImageRegistry,
    Layer,
    RenderRequest,
    Secret,
    load_chart,
    merge_values,
    render,
    render_many,
)

TARGET_RENDER_SHARE = 0.02
TARGET_RESULTS_MIB = 20.0
TARGET_ORIGIN_SECONDS = 1.0

PROFILE = RENDER_PROFILE  # the small Profile compare_revisions.py renders: placeholders and a pull Secret
REGISTRY = ImageRegistry(name="harbor-docker-oci", root_url="oci://registry.example.com/catalog-apps-acme-edge",
                         username="robot", password=Secret("bench-token"))

# -- a kube-prometheus-stack-shaped values file -------------------------------------------------------------

KPS_SECTIONS = ("alertmanager", "grafana", "kubeApiServer", "kubelet", "kubeControllerManager", "coreDns",
                "kubeDns", "kubeEtcd", "kubeScheduler", "kubeProxy", "kubeStateMetrics", "nodeExporter",
                "prometheusOperator", "prometheus", "thanosRuler", "windowsMonitoring", "crds", "defaultRules",
                "additionalPrometheusRulesMap", "prometheus-node-exporter", "kube-state-metrics", "cleanPrometheusOperatorObjectNames")
FULL_SECTIONS = ("alertmanager", "prometheus", "thanosRuler", "prometheusOperator")
TOPICS = ("scrape interval", "relabeling", "TLS settings", "pod security", "service discovery", "retention",
          "resource requests", "node selection", "ingress", "storage", "web UI", "alert routing")


def _monitor(rng: random.Random) -> Dict[str, Any]:
    return {"enabled": True, "interval": "", "scrapeTimeout": "", "proxyUrl": "", "honorLabels": rng.random() < 0.5,
            "labelLimit": 0, "sampleLimit": 0, "targetLimit": 0, "selector": {}, "additionalLabels": {},
            "metricRelabelings": [], "relabelings": [{"sourceLabels": ["__meta_kubernetes_pod_node_name"],
                                                       "separator": ";", "regex": "^(.*)$",
                                                       "targetLabel": "nodename", "replacement": "$1",
                                                       "action": "replace"}],
            "tlsConfig": {"caFile": "", "insecureSkipVerify": False}, "bearerTokenFile": None}


def _workload(rng: random.Random, name: str, full: bool) -> Dict[str, Any]:
    """One component's settings; ``full`` adds the spec and config blocks of the big components."""
    section = {
        "enabled": rng.random() < 0.8, "annotations": {}, "labels": {},
        "image": {"registry": "quay.io", "repository": f"prometheus/{name.lower()}", "tag": "",
                  "sha": "", "pullPolicy": "IfNotPresent"},
        "serviceAccount": {"create": True, "name": "", "annotations": {}, "automountServiceAccountToken": True},
        "service": {"enabled": True, "annotations": {}, "labels": {}, "clusterIP": "", "port": rng.choice((9090, 9093, 8080)),
                    "targetPort": rng.choice((9090, 9093, 8080)), "externalIPs": [], "loadBalancerIP": "",
                    "loadBalancerSourceRanges": [], "type": "ClusterIP", "sessionAffinity": "None"},
        "serviceMonitor": _monitor(rng),
        "ingress": {"enabled": False, "ingressClassName": "", "annotations": {}, "labels": {}, "hosts": [],
                    "paths": [], "tls": []},
        "resources": {"requests": {"cpu": rng.choice(generate.CPU), "memory": rng.choice(generate.MEM)}} if rng.random() < 0.3 else {},
        "securityContext": {"runAsGroup": 2000, "runAsNonRoot": True, "runAsUser": 1000, "fsGroup": 2000,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "containerSecurityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                     "capabilities": {"drop": ["ALL"]}},
        "nodeSelector": {}, "tolerations": [], "affinity": {}, "topologySpreadConstraints": [],
        "podDisruptionBudget": {"enabled": False, "minAvailable": 1, "unhealthyPodEvictionPolicy": "AlwaysAllow"},
        "extraArgs": [], "extraEnv": [], "extraVolumes": [], "extraVolumeMounts": [],
    }
    if not full:
        for key in ("ingress", "securityContext", "containerSecurityContext", "podDisruptionBudget", "serviceAccount"):
            del section[key]
        return section
    section.update({
        "spec": {"replicas": 1, "retention": f"{rng.randint(1, 30)}d", "retentionSize": "", "logLevel": "info",
                 "logFormat": "logfmt", "routePrefix": "/", "externalUrl": None, "paused": False,
                 "storage": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"],
                                                              "resources": {"requests": {"storage": "50Gi"}}}}},
                 "additionalArgs": [], "podMetadata": {}, "priorityClassName": "", "web": {}, "secrets": [],
                 "configMaps": [], "alertmanagerConfigSelector": {}, "alertmanagerConfigNamespaceSelector": {}},
        "config": {"global": {"resolve_timeout": "5m"},
                   "route": {"group_by": ["namespace"], "group_wait": "30s", "group_interval": "5m",
                             "repeat_interval": "12h", "receiver": "null",
                             "routes": [{"receiver": "null", "matchers": ["alertname = \"Watchdog\""]}]},
                   "receivers": [{"name": "null"}], "templates": ["/etc/alertmanager/config/*.tmpl"]},
    })
    return section


def kps_like_values(rng: random.Random) -> Dict[str, Any]:
    """A values document with kube-prometheus-stack's shape: a global block and component sections."""
    doc: Dict[str, Any] = {"nameOverride": "", "namespaceOverride": "", "kubeTargetVersionOverride": "",
                           "fullnameOverride": "", "commonLabels": {},
                           "global": {"rbac": {"create": True, "createAggregateClusterRoles": False},
                                      "imageRegistry": "", "imagePullSecrets": []}}
    for name in KPS_SECTIONS:
        doc[name] = _workload(rng, name, full=name in FULL_SECTIONS)
    return doc


def with_comments(text: str, rng: random.Random) -> str:
    """The YAML text with comment lines before most keys, as a documented chart's values file has them."""
    out: List[str] = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped and not stripped.startswith("- ") and ":" in stripped and rng.random() < 0.85:
            pad = line[: len(line) - len(stripped)]
            key = stripped.split(":", 1)[0]
            if len(pad) <= 2:
                out.append("")
            out.append(f"{pad}## {key}: the {rng.choice(TOPICS)}")
            for _ in range(rng.choice((0, 1, 1, 2))):
                out.append(f"{pad}# {key} sets the {rng.choice(TOPICS)}; see the README for the {rng.choice(TOPICS)}")
        out.append(line)
    return "\n".join(out) + "\n"


def ensure_inputs(out: Path) -> Dict[str, Path]:
    """Write (when missing or stale) the dense chart, the kps-like chart and the larger inputs; return their paths."""
    generate.generate(out)
    paths = {"dense": out / "chart"}
    rng = random.Random(generate.SEED)
    kps = out / "kps-like"
    _write(kps / "Chart.yaml", generate.CHART_YAML.replace("name: bench", "name: kps-like"))
    _write(kps / "values.yaml", with_comments(generate.dump(kps_like_values(rng)), rng))
    paths["kube-prometheus-stack-like"] = kps
    return paths


def _write(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def sized_chart(out: Path, components: int) -> Path:
    """The dense generator's chart with ``components`` components, under ``out/sized-N``."""
    folder = out / f"sized-{components}"
    generate.generate(folder, components=components)
    return folder / "chart"


# -- measuring ------------------------------------------------------------------------------------------------

def _context(n: int = 0) -> DeploymentContext:
    return DeploymentContext(app_name="bench", app_version="1.0.0", deployment_name=f"deployment-{n:05d}",
                             namespace="apps", org="acme", project="edge")


def _timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def render_share(chart_dir: Path, rounds: int, renders_per_round: int) -> Dict[str, Any]:
    """Interleaved rounds of one libyaml parse of the values and ``renders_per_round`` renders (their mean)."""
    values_path = chart_dir / "values.yaml" if chart_dir.is_dir() else chart_dir
    text = values_path.read_bytes()
    chart = load_chart(chart_dir)
    profile = Layer.from_text(PROFILE, source="profile.yaml", kind="profile")
    context = _context()

    def parse() -> None:
        yaml.load(text, Loader=yaml.CSafeLoader)

    def renders() -> None:
        for _ in range(renders_per_round):
            render(chart, profile, context=context, registry=REGISTRY)

    def render_json() -> None:
        for _ in range(renders_per_round):
            render(chart, profile, context=context, registry=REGISTRY).to_json()

    renders()  # warm-up: the per-chart placeholder scan happens here, once
    parse_s: List[float] = []
    render_s: List[float] = []
    json_s: List[float] = []
    for r in range(rounds):
        jobs = [(parse_s, parse, 1), (render_s, renders, renders_per_round), (json_s, render_json, renders_per_round)]
        for samples, fn, n in jobs[r % 3:] + jobs[: r % 3]:
            samples.append(_timed(fn) / n)
    parse_m, render_m = statistics.median(parse_s), statistics.median(render_s)
    per_round = statistics.median(rs / ps for rs, ps in zip(render_s, parse_s))
    return {"bytes": len(text), "lines": text.count(b"\n"), "parse_ms": parse_m * 1e3, "parse_min_ms": min(parse_s) * 1e3,
            "render_ms": render_m * 1e3, "render_min_ms": min(render_s) * 1e3,
            "render_json_ms": statistics.median(json_s) * 1e3, "share": render_m / parse_m,
            "share_per_round": per_round, "rounds": rounds, "renders_per_round": renders_per_round}


def results_memory(chart_dir: Path, count: int) -> Dict[str, float]:
    """MiB traced above the loaded (and once rendered) chart for ``count`` results held at once."""
    chart = load_chart(chart_dir)
    profile = Layer.from_text(PROFILE, source="profile.yaml", kind="profile")
    render(chart, profile, context=_context(), registry=REGISTRY)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        held = [render(chart, profile, context=_context(n), registry=REGISTRY) for n in range(count)]
        gc.collect()
        shared = tracemalloc.get_traced_memory()[0] - base
        for result in held[:100]:
            result.values  # the caller's own copy, made on first access
        gc.collect()
        copied_100 = tracemalloc.get_traced_memory()[0] - base - shared
    finally:
        tracemalloc.stop()
    chart_mib = _tree_mib(chart_dir)
    del held
    return {"results_mib": shared / 2**20, "per_result_kib": shared / count / 1024,
            "values_copy_kib": copied_100 / 100 / 1024, "chart_mib": chart_mib, "count": count}


def _tree_mib(chart_dir: Path) -> float:
    """MiB traced while loading the chart (what 'the chart' weighs in memory)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        chart = load_chart(chart_dir)
        gc.collect()
        size = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    del chart
    return size / 2**20


def scaling(out: Path, sizes: Sequence[int], runs: int) -> Dict[str, Any]:
    """``merge_values`` (load + merge) time per chart size, sizes interleaved each round, and the fitted exponent.

    The exponent is fitted on the minimum of each size (the least disturbed run on a shared machine).
    """
    charts = [(components, sized_chart(out, components)) for components in sizes]
    samples: Dict[int, List[float]] = {components: [] for components in sizes}
    for r in range(runs):
        for components, chart_dir in charts[r % len(charts):] + charts[: r % len(charts)]:
            profile = chart_dir.parent / "profile.yaml"
            samples[components].append(_timed(lambda: merge_values(chart_dir, [Path(profile)])))
    rows = [{"components": components, "bytes": (chart_dir / "values.yaml").stat().st_size,
             "min_ms": min(samples[components]) * 1e3, "median_ms": statistics.median(samples[components]) * 1e3}
            for components, chart_dir in charts]
    xs = [math.log(r["bytes"]) for r in rows]
    ys = [math.log(r["min_ms"]) for r in rows]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return {"rows": rows, "exponent": slope, "runs": runs}


def origin_time(out: Path, components: int) -> Dict[str, Any]:
    """Time of the first ``origin()`` (the provenance replay) on a merge of a large generated chart."""
    chart_dir = sized_chart(out, components)
    profile = chart_dir.parent / "profile.yaml"
    result = merge_values(load_chart(chart_dir), [Layer.from_file(profile)])
    first_key = next(iter(result.read_only_values()["components"])) if "components" in result.read_only_values() \
        else next(iter(result.read_only_values()))
    start = time.perf_counter()
    found = result.origin(first_key)
    first = time.perf_counter() - start
    start = time.perf_counter()
    result.origin(first_key)
    again = time.perf_counter() - start
    return {"bytes": (chart_dir / "values.yaml").stat().st_size, "first_s": first, "again_ms": again * 1e3,
            "found": found is not None}


def masked_json(result: Any) -> str:
    """What a service answers with: the masked form as compact JSON (what a worker sends back)."""
    return result.to_json(masked=True, indent=None)


def batch(out: Path, charts: int, deployments: int, workers: int) -> Dict[str, Any]:
    """render_many over ``deployments`` deployments of ``charts`` charts: none, threads and processes."""
    dirs = [sized_chart(out, 8 + 2 * i) for i in range(charts)]
    profile = Layer.from_text(PROFILE, source="profile.yaml", kind="profile")
    requests = [RenderRequest(dirs[n % charts], _context(n), profile, [{"replicaCount": n}], REGISTRY, key=n)
                for n in range(deployments)]
    rows: Dict[str, float] = {}
    kept: List[Any] = []
    rows["none, results kept"] = _timed(lambda: kept.extend(render_many(requests)))
    failed = [o.error for o in kept if not o.ok]
    if failed:  # a batch of errors measures nothing
        raise SystemExit(f"render_many: {len(failed)} requests failed, the first: {failed[0]}")
    rows["none, masked JSON"] = _timed(lambda: render_many(requests, transform=masked_json))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        rows[f"{workers} threads, masked JSON"] = _timed(lambda: render_many(requests, pool, transform=masked_json))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pool.submit(int).result()  # the workers are started before the clock runs
        rows[f"{workers} processes, masked JSON"] = _timed(
            lambda: render_many(requests, pool, transform=masked_json, chunk_size=deployments // charts // workers))
    sample = requests[: 2 * charts]
    naive = _timed(lambda: [render(r.chart, r.profile, r.overrides, context=r.context, registry=r.registry)
                            for r in sample]) / len(sample) * deployments
    total_bytes = sum((d / "values.yaml").stat().st_size for d in dirs)
    return {"seconds": rows, "naive_estimate_s": naive, "charts": charts, "deployments": deployments,
            "chart_bytes": total_bytes}


# -- report ---------------------------------------------------------------------------------------------------

def report(data: Dict[str, Any]) -> str:
    lines = [f"## In-process benchmark ({data['when']}, {data['host']})", ""]
    lines += ["### One render of a loaded chart vs one libyaml parse of its values (target <= 2 %)", "",
              "| input | bytes | lines | parse median ms | render median ms | render min ms | render + to_json ms | "
              "render / parse (medians) | per-round median | met |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, row in data["share"].items():
        lines.append(f"| {name} | {row['bytes']:,} | {row['lines']:,} | {row['parse_ms']:.2f} | {row['render_ms']:.3f} | "
                     f"{row['render_min_ms']:.3f} | {row['render_json_ms']:.2f} | {100 * row['share']:.2f} % | "
                     f"{100 * row['share_per_round']:.2f} % | {'yes' if row['share'] <= TARGET_RENDER_SHARE else 'NO'} |")
    lines += ["", "### 1,000 results held at once (tracemalloc, above the loaded chart; target <= 20 MiB)", "",
              "| input | chart MiB | 1,000 results MiB | per result KiB | `values` copy per result KiB (info) | met |",
              "|---|---:|---:|---:|---:|---|"]
    for name, row in data["memory"].items():
        lines.append(f"| {name} | {row['chart_mib']:.1f} | {row['results_mib']:.1f} | {row['per_result_kib']:.1f} | "
                     f"{row['values_copy_kib']:.0f} | {'yes' if row['results_mib'] <= TARGET_RESULTS_MIB else 'NO'} |")
    if "scaling" in data:
        sc = data["scaling"]
        lines += ["", f"### Scaling of `merge_values` (load + merge) with chart size: exponent {sc['exponent']:.2f} "
                  f"(fitted on minimums, {sc['runs']} interleaved runs)", "",
                  "| components | bytes | min ms | median ms |", "|---:|---:|---:|---:|"]
        lines += [f"| {r['components']} | {r['bytes']:,} | {r['min_ms']:.1f} | {r['median_ms']:.1f} |" for r in sc["rows"]]
    if "origin" in data:
        o = data["origin"]
        lines += ["", f"### Provenance: first `origin()` on a merge of a {o['bytes'] / 1e6:.1f} MB values file: "
                  f"{o['first_s']:.2f} s (target < 1 s: {'yes' if o['first_s'] < TARGET_ORIGIN_SECONDS else 'NO'}); "
                  f"later calls {o['again_ms']:.2f} ms"]
    if "batch" in data:
        b = data["batch"]
        lines += ["", f"### render_many: {b['deployments']:,} deployments of {b['charts']} charts "
                  f"({b['chart_bytes']:,} bytes of chart defaults in all)", "",
                  "| executor | seconds | renders/s |", "|---|---:|---:|"]
        for name, seconds in b["seconds"].items():
            lines.append(f"| {name} | {seconds:.2f} | {b['deployments'] / seconds:,.0f} |")
        lines.append(f"| (no batch: `render(path, ...)` per request, loading the chart each time; estimated from "
                     f"{2 * b['charts']} requests) | {b['naive_estimate_s']:.1f} | "
                     f"{b['deployments'] / b['naive_estimate_s']:,.0f} |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=21, help="interleaved rounds of the render-cost rows")
    ap.add_argument("--renders", type=int, default=20, help="renders timed together per round")
    ap.add_argument("--results", type=int, default=1000, help="results held at once in the memory row")
    ap.add_argument("--values", type=Path, action="append", default=[],
                    help="another chart directory or values file to measure (e.g. a kube-prometheus-stack checkout)")
    ap.add_argument("--quick", action="store_true", help="render cost and memory only")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    out = HERE / ".data"
    inputs = ensure_inputs(out)
    for extra in args.values:
        label = extra.parent.name if extra.name == "values.yaml" else extra.name
        inputs[f"{label} (given)"] = extra
    data: Dict[str, Any] = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                            "host": f"{platform.python_implementation()} {platform.python_version()}, "
                                    f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
                            "share": {}, "memory": {}}
    for name, path in inputs.items():
        print(f"render cost: {name}", file=sys.stderr)
        data["share"][name] = render_share(path, args.rounds, args.renders)
        print(f"memory: {name}", file=sys.stderr)
        data["memory"][name] = results_memory(path, args.results)
    if not args.quick:
        print("scaling", file=sys.stderr)
        data["scaling"] = scaling(out, (16, 32, 64, 128), 9)
        print("origin on ~4 MB", file=sys.stderr)
        data["origin"] = origin_time(out, 770)  # just under Limits.max_bytes (4,000,000)
        print("render_many", file=sys.stderr)
        data["batch"] = batch(out, 10, 1000, 2)
    print(report(data))
    missed = [name for name, row in data["share"].items() if row["share"] > TARGET_RENDER_SHARE]
    missed += [name for name, row in data["memory"].items() if row["results_mib"] > TARGET_RESULTS_MIB]
    if "origin" in data and data["origin"]["first_s"] >= TARGET_ORIGIN_SECONDS:
        missed.append("origin")
    if args.check and missed:
        print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
