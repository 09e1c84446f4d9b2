"""Renders cost O(profile): chart defaults shared copy-on-write, scanned for placeholders once per chart.

What a caller can observe: results share the chart's untouched tables (and
never change them, even when the caller changes ``values``); ``values`` is
the caller's own copy; globals and subchart defaults coalesce exactly as Helm
coalesces them; the placeholder scan of a chart's defaults runs once per
chart and still finds every placeholder, whatever the placeholder set.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any, List

import pytest
import yaml

from tests.helm_oracle import Subchart, helm_binary, helm_values, write_chart
from profile_render import DeploymentContext, Placeholders, load_chart, merge_values, render
from profile_render import rendering
from profile_render.orchestrator.placeholders import PlaceholderError
from tests.test_thread_safety import _scribble, _snapshot  # one definition of "a careless caller"

PARENT = """\
global:
  conf: {region: eu, tiers: {gold: 1}}
  list: [1, 2]
image: {repository: web, tag: "1.0"}
untouched: {deep: {deeper: [1, {x: 2}]}}
first:
  fromParent: {a: 1}
"""
FIRST = """\
global:
  conf: {zone: a}
own: {keep: true, drop: 1}
fromParent: {b: 2}
"""
SECOND = """\
global:
  conf: {zone: b}
own: {keep: false}
"""
USER = """\
global:
  conf: {tiers: {bronze: 3}}
image: {tag: "2.0"}
first:
  own: {drop: null}
  fromParent: {c: 3}
second:
  own: {extra: x}
"""
SUBCHARTS = {"first": Subchart(FIRST), "second": Subchart(SECOND)}


def _context() -> DeploymentContext:
    return DeploymentContext(app_name="app", app_version="1.0.0", deployment_name="deployment-abc12",
                             namespace="apps", org="acme", project="edge")


@pytest.fixture()
def chart_dir(tmp_path: Path) -> Path:
    return write_chart(tmp_path / "parent", PARENT, name="parent", subcharts=SUBCHARTS)


@pytest.mark.helm
@pytest.mark.skipif(helm_binary() is None, reason="needs the helm binary (scripts/fetch-helm.sh)")
def test_globals_and_subchart_defaults_coalesce_as_helm_does(chart_dir: Path) -> None:
    outcome = helm_values(PARENT, [USER], subcharts=SUBCHARTS)
    assert outcome.ok, outcome.stderr
    ours = json.loads(merge_values(load_chart(chart_dir), [yaml.safe_load(USER)]).to_json())
    assert ours == outcome.values


def test_results_share_untouched_defaults_and_copy_only_what_the_user_reaches(chart_dir: Path) -> None:
    chart = load_chart(chart_dir)
    result = merge_values(chart, [yaml.safe_load(USER)])
    shared = result.read_only_values()
    assert shared["untouched"] is chart.values["untouched"]  # no user value reaches it: the chart's own table
    assert shared["image"] is not chart.values["image"] and chart.values["image"]["tag"] == "1.0"
    first = dict(chart.walk())[("first",)]
    assert shared["first"]["own"] is not first.values["own"] and "drop" not in shared["first"]["own"]
    assert first.values["own"] == {"keep": True, "drop": 1}
    # the caller's tree is a copy of its own: nothing in it is the chart's
    assert result.values == shared and result.values["untouched"] is not chart.values["untouched"]
    assert result.values is result.values  # copied once, on first access


def test_changing_values_value_and_forms_never_reaches_the_chart(chart_dir: Path) -> None:
    chart = load_chart(chart_dir)
    before = _snapshot(chart)
    result = merge_values(chart, [yaml.safe_load(USER)])
    expected = result.to_json()
    untouched = result.value("untouched")  # before values was read: a copy of its own
    _scribble(untouched)
    assert result.to_json() == expected and _snapshot(chart) == before
    _scribble(result.values)
    assert _snapshot(chart) == before
    assert json.loads(result.to_json())["untouched"]["added-key"] == {"x": 1}  # the result now shows the caller's changes
    assert merge_values(chart, [yaml.safe_load(USER)]).to_json() == expected


def test_globals_reach_every_subchart_and_the_yaml_form_repeats_them_in_full(chart_dir: Path) -> None:
    chart = load_chart(chart_dir)
    before = _snapshot(chart)
    result = merge_values(chart, [yaml.safe_load(USER)])
    tree = result.read_only_values()
    assert tree["global"]["conf"] == {"region": "eu", "tiers": {"gold": 1, "bronze": 3}}
    assert tree["first"]["global"]["conf"] == {"region": "eu", "tiers": {"gold": 1, "bronze": 3}, "zone": "a"}
    assert tree["second"]["global"]["conf"] == {"region": "eu", "tiers": {"gold": 1, "bronze": 3}, "zone": "b"}
    assert tree["global"]["conf"] is not tree["first"]["global"]["conf"]  # first's zone went into a copy
    # a table held in several places of the shared tree is written out in full each time, never as an alias
    text = result.to_yaml()
    assert "&" not in text and "*" not in text
    assert yaml.safe_load(text) == json.loads(result.to_json())
    # the caller's copy holds each place as a table of its own
    mine = result.values
    mine["global"]["conf"]["tiers"]["gold"] = 0
    assert mine["first"]["global"]["conf"]["tiers"]["gold"] == 1 and _snapshot(chart) == before


def test_a_pickled_result_keeps_its_values_and_its_provenance(chart_dir: Path) -> None:
    chart = load_chart(chart_dir)
    result = merge_values(chart, [yaml.safe_load(USER)])
    copy = pickle.loads(pickle.dumps(result))
    assert copy.to_json() == result.to_json()
    assert copy.origin("image.tag") == result.origin("image.tag")
    assert copy.origin("untouched.deep").layer == "chart defaults"


def test_the_defaults_are_scanned_once_per_chart_and_checked_for_each_placeholder_set(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_chart(tmp_path / "app", "note: 'runs on %Cluster% at 100%'\nplain: {a: b}\n", name="app",
                       subcharts={"db": Subchart("dsn: '%Custom%'\n")})
    chart = load_chart(root)
    scans: List[Any] = []
    real = rendering.iter_strings
    monkeypatch.setattr(rendering, "iter_strings", lambda tree: scans.append(tree) or real(tree))
    for _ in range(3):  # unknown names in the defaults are plain text for the built-in set
        render(chart, None, context=_context())
    assert len(scans) == 2  # the chart and its subchart, once each
    custom = Placeholders().register("Custom", lambda context: "c")
    with pytest.raises(PlaceholderError) as info:
        render(chart, None, context=_context(), placeholders=custom)
    assert info.value.path == ("dsn",) and info.value.source.endswith("charts/db/values.yaml")
    assert info.value.line == 1
    cluster = Placeholders().register("Cluster", lambda context: "c")
    with pytest.raises(PlaceholderError) as info:
        render(chart, None, context=_context(), placeholders=cluster)
    assert info.value.path == ("note",)
    assert len(scans) == 2  # the other placeholder sets used the same scan
    assert render(chart.with_changes(), None, context=_context()).values["plain"] == {"a": "b"}
    assert len(scans) == 3  # a changed chart is a new chart: scanned again (its top only; the subchart is the same)


def test_coalesce_values_gives_a_tree_of_the_callers_own_unless_asked_to_share(chart_dir: Path) -> None:
    from profile_render import coalesce_values

    chart = load_chart(chart_dir)
    before = _snapshot(chart)
    own = coalesce_values(chart, {"image": {"tag": "3.0"}})
    shared = coalesce_values(chart, {"image": {"tag": "3.0"}}, share_defaults=True)
    assert own == shared and own["image"]["tag"] == "3.0"
    assert own["untouched"] is not chart.values["untouched"] and shared["untouched"] is chart.values["untouched"]
    _scribble(own)
    assert _snapshot(chart) == before
