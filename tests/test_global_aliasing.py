"""Subchart globals reach the parent's nested global tables, as in Helm (its coalesceGlobals shares them).

Helm copies only the top level of each table under the parent's ``global``
(``copyMap``) before merging a subchart's globals into it; the tables below are
the parent's own, so what a subchart merges into them (its global defaults, the
user's globals for it) shows in the parent's ``global`` and in every subchart
coalesced after it. Every case is compared with the Helm 4.1.4 binary.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from profile_render import Layer, load_chart, merge_values
from tests.helm_oracle import Subchart, helm_binary, run_helm_template, write_chart

pytestmark = [pytest.mark.helm,
              pytest.mark.skipif(helm_binary() is None, reason="Helm oracle binary not fetched (scripts/fetch-helm.sh)")]

CASES = {
    "subchart default below a parent table": (
        "global:\n  top: 1\n  deep:\n    inner:\n      y: 2\n",
        {"s1": "global:\n  deep:\n    inner:\n      x: 1\n  flat: 2\n", "s2": "a: 1\n"}, ""),
    "a new table one level down": (
        "global:\n  deep:\n    inner:\n      y: 2\n",
        {"s1": "global:\n  deep:\n    other:\n      z: 3\n    inner:\n      w: 4\n", "s2": ""}, ""),
    "no parent table: nothing leaks": (
        "global:\n  top: 1\n",
        {"s1": "global:\n  deep:\n    inner:\n      x: 1\n", "s2": ""}, ""),
    "user globals for a subchart": (
        "global:\n  deep:\n    inner:\n      y: 2\n",
        {"s1": "", "s2": "b: 1\n"}, "s1:\n  global:\n    deep:\n      inner:\n        u: 5\n"),
    "parent wins, null kept out": (
        "global:\n  deep:\n    inner:\n      y: 2\n      n: 1\n",
        {"s1": "global:\n  deep:\n    inner:\n      y: 9\n      n: null\n      x: 1\n", "s2": ""}, ""),
    "nested subcharts": (
        "global:\n  deep:\n    inner:\n      y: 2\n",
        {"s1": "global:\n  deep:\n    inner:\n      x: 1\n", "s2": ""}, "s2:\n  c: 1\n"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_globals_as_helm_shares_them(tmp_path: Path, name: str) -> None:
    parent, subs, user = CASES[name]
    chart_dir = write_chart(tmp_path / "chart", parent, subcharts={k: Subchart(v) for k, v in subs.items()})
    files = []
    if user:
        (tmp_path / "user.yaml").write_text(user)
        files.append(tmp_path / "user.yaml")
    helm = run_helm_template(chart_dir, files)
    assert helm.ok, helm.stderr
    chart = load_chart(chart_dir)
    ours = merge_values(chart, [Layer.from_text(user, source="user.yaml")] if user else [])
    assert ours.values == helm.values
    again = merge_values(chart, [Layer.from_text(user, source="user.yaml")] if user else [])
    assert again.values == helm.values  # the shared chart defaults were not changed by the first merge
