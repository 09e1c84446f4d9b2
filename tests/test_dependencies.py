"""Dependency processing on its own: conditions, tags, alias and import-values give the chart Helm renders."""

from __future__ import annotations

import pytest

from profile_render import merge_values
from profile_render.errors import ChartError, ValuesWarning
from profile_render.helm.chart import load_chart
from profile_render.helm.dependencies import (
    apply_dependency_plan,
    check_dependencies_present,
    import_values,
    plan_dependencies,
    process_dependencies,
)
from tests.helm_oracle import Subchart, helm_binary, run_helm_template, write_chart

DEPENDENCIES = """dependencies:
  - name: web
    version: 0.1.0
    condition: web.enabled
  - name: worker
    version: 0.1.0
    tags: [batch]
  - name: db
    version: 0.1.0
    alias: cache
    import-values:
      - data
      - child: settings
        parent: fromCache
"""


@pytest.fixture
def chart_dir(tmp_path):
    return write_chart(
        tmp_path / "app", "web:\n  enabled: true\ntags:\n  batch: true\nown: 1\n",
        name="app", chart_yaml_extra=DEPENDENCIES,
        subcharts={
            "web": Subchart("port: 80\n", name="web"),
            "worker": Subchart("jobs: 2\n", name="worker"),
            "db": Subchart("exports:\n  data:\n    size: 5\nsettings:\n  mode: fast\n", name="db"),
        },
    )


def test_process_dependencies_applies_conditions_tags_alias_and_imports(chart_dir):
    chart = load_chart(chart_dir)
    effective = process_dependencies(chart, {"web": {"enabled": False}, "tags": {"batch": False}})
    assert [sub.name for sub in effective.dependencies] == ["cache"]
    assert effective.values["size"] == 5  # exports.data imported at the top
    assert effective.values["fromCache"] == {"mode": "fast"}
    assert effective.values["own"] == 1
    # the loaded chart is left as it was
    assert sorted(sub.name for sub in chart.dependencies) == ["db", "web", "worker"]
    assert "size" not in chart.values


def test_process_dependencies_is_the_pipeline_s_effective_chart(chart_dir):
    user = {"web": {"enabled": False}}
    merged = merge_values(chart_dir, [user])
    effective = process_dependencies(load_chart(chart_dir), user)
    assert [sub.name for sub in effective.dependencies] == [sub.name for sub in merged.chart.dependencies]
    assert [sub.name for sub in effective.dependencies] == ["worker", "cache"]
    assert effective.values == merged.chart.values


@pytest.mark.helm
@pytest.mark.skipif(helm_binary() is None, reason="Helm oracle binary not fetched (scripts/fetch-helm.sh)")
@pytest.mark.parametrize("user", ["", "web: {enabled: false}\n", "tags: {batch: false}\nweb: {enabled: 'no'}\n"])
def test_the_fixture_renders_as_in_helm(chart_dir, tmp_path, user):
    layer = tmp_path / "user.yaml"
    layer.write_text(user)
    helm = run_helm_template(chart_dir, [layer])
    assert helm.ok, helm.stderr
    assert merge_values(chart_dir, [layer]).values == helm.values


def test_a_plan_applies_to_any_chart_of_the_same_shape(chart_dir):
    chart = load_chart(chart_dir)
    plan = plan_dependencies(chart, {"tags": {"batch": False}})
    # Helm's order: declared dependencies in Chart.yaml order, under their effective names
    assert plan[()] == (("web", "web"), ("db", "cache"))
    effective = import_values(apply_dependency_plan(chart, plan))
    assert [sub.name for sub in effective.dependencies] == ["web", "cache"]
    assert [dep.name for dep in effective.declared or ()] == ["web", "cache"]
    assert effective.values["size"] == 5


def test_non_boolean_condition_warns_and_is_ignored(chart_dir):
    warnings = []
    effective = process_dependencies(load_chart(chart_dir), {"web": {"enabled": "no"}}, warn=warnings.append)
    assert "web" in {sub.name for sub in effective.dependencies}
    assert [(w.code, w.path) for w in warnings] == [("non-bool-condition", ("web", "enabled"))]
    assert all(isinstance(w, ValuesWarning) for w in warnings)


def test_a_declared_dependency_missing_from_charts_is_refused(tmp_path):
    chart = load_chart(write_chart(tmp_path / "app", "a: 1\n", name="app",
                                   chart_yaml_extra="dependencies:\n  - name: gone\n    version: 0.1.0\n"))
    with pytest.raises(ChartError) as info:
        check_dependencies_present(chart)
    assert "'gone'" in info.value.problem and info.value.path == ("dependencies",)
    assert "helm dependency build" in info.value.hint
    with pytest.raises(ChartError):
        process_dependencies(chart, {})


def test_a_library_chart_is_refused(tmp_path):
    chart = load_chart(write_chart(tmp_path / "lib", "a: 1\n", name="lib", chart_yaml_extra="type: library\n"))
    with pytest.raises(ChartError) as info:
        plan_dependencies(chart, {})
    assert "not installable" in info.value.problem and info.value.path == ("type",)
