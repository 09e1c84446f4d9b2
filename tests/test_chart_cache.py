"""ChartCache: one load per content digest, LRU bounds, thread safety; one chart shared by concurrent renders."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict

import pytest

import profile_render.chart_cache as chart_cache_module
from profile_render import (
    CacheStats,
    Chart,
    ChartCache,
    ChartError,
    DeploymentContext,
    ImageRegistry,
    Layer,
    Secret,
    load_chart,
    render,
)
from profile_render.helm.chart import PreparedChart
from tests.hostile.corpus import tgz

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CHART = ROOT / "examples" / "hello-chart"


def chart_files(name: str = "c", values: str = "a: 1\n") -> Dict[str, str]:
    return {"Chart.yaml": f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n", "values.yaml": values}


def test_a_chart_is_loaded_once_per_content_and_source():
    cache = ChartCache()
    first = cache.files(chart_files(), source="c")
    assert cache.files(chart_files(), source="c") is first
    assert cache.files({k: v.encode() for k, v in chart_files().items()}, source="c") is first  # same bytes
    assert cache.files(chart_files(values="a: 2\n"), source="c") is not first  # other content
    assert cache.files(chart_files(), source="other label") is not first  # the label shows in errors
    assert cache.stats() == CacheStats(hits=2, misses=3, evictions=0, entries=3, size=cache.stats().size)
    archive = tgz([("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"), ("c/values.yaml", b"a: 1\n")])
    packed = cache.archive(archive)
    assert cache.archive(bytearray(archive)) is packed and packed.values == first.values
    assert len(cache) == 4


def test_charts_on_disk_are_read_each_time_and_reloaded_when_they_change(tmp_path):
    directory = Path(__import__("shutil").copytree(EXAMPLE_CHART, tmp_path / "chart"))
    cache = ChartCache()
    first = cache.load(directory)
    assert cache.load(directory) is first
    (directory / "values.yaml").write_text("replicaCount: 7\n")
    changed = cache.load(directory)
    assert changed is not first and changed.values == {"replicaCount": 7}
    (directory / "notes.txt").write_text("a file that decides nothing still counts as a name")
    assert cache.load(directory) is not changed
    assert cache.stats().misses == 3
    with pytest.raises(TypeError, match="os.PathLike"):
        cache.load(str(directory))  # type: ignore[arg-type]


def test_lru_eviction_by_entries_and_by_bytes():
    cache = ChartCache(max_entries=2)
    a = cache.files(chart_files("a"))
    cache.files(chart_files("b"))
    assert cache.files(chart_files("a")) is a  # a is now the most recently used
    cache.files(chart_files("c"))  # evicts b
    assert cache.files(chart_files("a")) is a
    assert cache.stats().evictions == 1 and len(cache) == 2
    cache.files(chart_files("b"))
    assert cache.stats().misses == 4

    one = cache.files(chart_files("x")).values
    size = len("".join(chart_files("x").values()))  # what a cached files chart counts: its kept files' bytes
    small = ChartCache(max_bytes=size * 2 + 1)
    for name in "xyz":
        small.files(chart_files(name))
    assert len(small) == 2 and small.stats().evictions == 1 and small.stats().size <= size * 2 + 1
    tiny = ChartCache(max_bytes=1)
    assert tiny.files(chart_files()).values == one  # loaded and returned, but too large to keep
    assert len(tiny) == 0 and tiny.stats().misses == 1
    with pytest.raises(ValueError):
        ChartCache(max_entries=0)
    cache.clear()
    assert len(cache) == 0 and cache.stats().size == 0


def test_threads_asking_for_the_same_missing_chart_load_it_once(monkeypatch):
    builds = []
    release = threading.Event()
    real = chart_cache_module.prepare_files

    def slow_prepare(files, **kwargs):
        prepared = real(files, **kwargs)

        def build():
            builds.append(threading.get_ident())
            release.wait(10)
            return prepared.build()

        return PreparedChart(prepared.kind, prepared.digest, prepared.size, build)

    monkeypatch.setattr(chart_cache_module, "prepare_files", slow_prepare)
    cache = ChartCache()
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(cache.files, chart_files()) for _ in range(8)]
        while not builds:
            threading.Event().wait(0.01)
        threading.Event().wait(0.2)  # let the other seven reach the wait
        release.set()
        charts = [f.result() for f in futures]
    assert len(builds) == 1 and all(c is charts[0] for c in charts)
    assert cache.stats().misses == 1 and cache.stats().hits == 7


def test_a_failed_load_is_not_cached():
    cache = ChartCache()
    bad = {"Chart.yaml": "apiVersion: v2\nname: c\n"}  # no version
    for _ in range(2):
        with pytest.raises(ChartError, match="no version"):
            cache.files(bad)
    assert len(cache) == 0 and cache.stats().misses == 0


def _registry() -> ImageRegistry:
    return ImageRegistry(name="harbor", root_url="oci://registry.example.com/p", username="robot",
                         password=Secret("pw"))


def _render(chart: Chart, n: int):
    context = DeploymentContext(app_name="hello", app_version="1.0.0", deployment_name=f"dep-{n}",
                                namespace=f"ns-{n % 3}")
    profile = Layer.from_mapping({"replicaCount": n, "image": {"repository": "%ImageRegistryURL%/img",
                                                               "tag": f"1.{n}"},
                                  "imagePullSecrets": [{"name": "%GeneratedDockerCredential%"}],
                                  "service": {"port": 8000 + n}, "debug": None if n % 2 else {"extra": [n]}},
                                 kind="profile")
    return render(chart, profile, [{"resources": {"limits": {"cpu": f"{n}00m"}}}], context=context,
                  registry=_registry()).to_json()


def test_one_chart_serves_concurrent_renders_without_being_changed():
    cache = ChartCache()
    chart = cache.load(EXAMPLE_CHART)
    before = copy.deepcopy(chart.values)
    before_objects = [id(chart.values[k]) for k in sorted(chart.values)]
    serial = [_render(chart, n) for n in range(32)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda n: _render(cache.load(EXAMPLE_CHART), n), range(32)))
    assert parallel == serial
    assert len(set(serial)) == 32
    assert chart.values == before and [id(chart.values[k]) for k in sorted(chart.values)] == before_objects
    assert cache.stats().misses == 1 and cache.stats().hits == 32
    assert load_chart(EXAMPLE_CHART).values == chart.values


def test_the_service_example_in_the_docs_runs():
    text = (ROOT / "docs" / "service.md").read_text()
    blocks = [block for block in re.findall(r"```python\n(.*?)```", text, re.S) if "def handle(" in block]
    assert len(blocks) == 1  # the service loop (the page's other blocks run in tests/test_doc_blocks.py)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", blocks[0]], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "registry.example.com/catalog-apps-acme-edge/hello-edge" in proc.stdout
    assert "CacheStats(hits=8, misses=1" in proc.stdout
