"""Against the real Helm: what the template scan calls unreached, and what lint flags, changes nothing Helm renders."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest
import yaml

from profile_render.helm.chart import load_chart
from profile_render.helm.template_reads import scan_templates
from profile_render.orchestrator.lint import lint
from profile_render.tree import merge_layers
from profile_render.values import merge_values
from tests.helm_oracle import helm_binary, helm_env

HELM = helm_binary()
pytestmark = [pytest.mark.helm, pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)")]

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "template-reads"
TUTORIAL = ROOT.parent / "shared" / "reference" / "catalog-samples" / "app-orch-tutorials" / "developer-guide-tutorial"
PROBE = "zz-probe-value"

CHARTS: List[Tuple[Path, Optional[Path]]] = [
    (DATA / "shop", DATA / "base-values.yaml"),
    (ROOT / "examples" / "hello-chart", None),
    (ROOT / "examples" / "edge-package" / "charts" / "web-app", None),
    (ROOT / "examples" / "edge-package" / "charts" / "vm-ephemeral", None),
    (ROOT / "examples" / "edge-package" / "charts" / "vm-pv", None),
    (ROOT / "tests" / "data" / "stock" / "charts" / "stock-api", None),
    (ROOT / "tests" / "data" / "stock" / "charts" / "stock-web", None),
    (TUTORIAL / "tutorial-chart" / "tutorial-server", None),
    (TUTORIAL / "tutorial-chart" / "tutorial-web-ui", None),
]


def _render(chart: Path, *values: Dict[str, Any], tmp_path: Path) -> str:
    cmd = [str(HELM), "template", "probe", str(chart), "--namespace", "ns"]
    for i, layer in enumerate(values):
        path = tmp_path / f"layer{i}.yaml"
        path.write_text(yaml.safe_dump(layer))
        cmd += ["-f", str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=helm_env(), timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _maps(tree: Any, path: Tuple[str, ...] = ()) -> List[Tuple[str, ...]]:
    """Paths of the non-empty tables (a key added to them cannot change their truth in an if or with)."""
    out = []
    if isinstance(tree, dict) and tree:
        out.append(path)
        for key, value in tree.items():
            out.extend(_maps(value, path + (key,)))
    return out


def _layer(paths: Sequence[Tuple[str, ...]]) -> Dict[str, Any]:
    layer: Dict[str, Any] = {}
    for path in paths:
        node = layer
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = PROBE
    return layer


@pytest.mark.parametrize("chart, base", [c for c in CHARTS if c[0].is_dir()], ids=lambda c: getattr(c, "name", ""))
def test_new_keys_the_scan_calls_unreached_change_nothing(chart, base, tmp_path):
    reads = scan_templates(load_chart(chart))
    assert reads.complete, reads.problems
    layers = [yaml.safe_load(base.read_text())] if base else []
    values = merge_layers([merge_values(chart).values, *layers])
    unreached = [m + ("zzprobe",) for m in _maps(values) if not reads.reaches(m + ("zzprobe",))]
    assert ("zzprobe",) in unreached
    baseline = _render(chart, *layers, tmp_path=tmp_path)
    assert _render(chart, *layers, _layer(unreached), tmp_path=tmp_path) == baseline


@pytest.mark.parametrize("path, layer", [
    (("service", "annotations", "zzprobe"), {"service": {"annotations": {"zzprobe": PROBE}}}),
    (("env", "zzprobe", "value"), {"env": {"zzprobe": {"value": PROBE}}}),
    (("redis", "auth", "password"), {"redis": {"auth": {"enabled": True, "password": PROBE}}}),
    (("tier",), {"tier": PROBE}),
])
def test_the_probe_sees_keys_read_without_a_default(path, layer, tmp_path):
    chart, base = CHARTS[0]
    assert scan_templates(load_chart(chart)).reaches(path)
    layers = [yaml.safe_load(base.read_text())]
    assert PROBE in _render(chart, *layers, layer, tmp_path=tmp_path)


def test_keys_lint_flags_are_ignored_by_helm(tmp_path):
    package = DATA / "package"
    findings = lint(package, charts={"shop": DATA / "shop"})
    flagged = [f.path for f in findings if f.rule in ("unknown-key", "unreachable-key") and f.path]
    assert len(flagged) == 5
    profile = yaml.safe_load((package / "shop-values.yaml").read_text())
    pruned = yaml.safe_load((package / "shop-values.yaml").read_text())
    for path in flagged:
        node = pruned
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    assert _render(DATA / "shop", profile, tmp_path=tmp_path) == _render(DATA / "shop", pruned, tmp_path=tmp_path)
    unreachable_parameters = [f for f in findings if f.rule == "unreachable-key" and not f.path]
    assert {f.message.split("'")[1] for f in unreachable_parameters} == {"serviceMonitor.intervalSeconds", "interval"}
    with_parameters = merge_layers([profile, {"serviceMonitor": {"intervalSeconds": "99"}, "interval": "99s"}])
    assert _render(DATA / "shop", with_parameters, tmp_path=tmp_path) == _render(DATA / "shop", profile,
                                                                                    tmp_path=tmp_path)
