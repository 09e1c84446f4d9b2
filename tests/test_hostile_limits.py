"""Memory amplification and recursion at the boundary: every excess is a located LimitExceededError.

Each limit named here is a :class:`~profile_render.yamlio.limits.Limits`
field a caller can raise; the tests show the default refusing and a raised
limit accepting.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from profile_render import Layer, merge_values
from profile_render.emit import to_json, to_yaml
from profile_render.errors import LimitExceededError, ProfileRenderError, SetSyntaxError
from profile_render.helm.chart import chart_from_values
from profile_render.helm.setvalues import SetBudget, apply_set
from profile_render.orchestrator.params import ParameterTemplate, apply_parameter_templates, check_template
from profile_render.orchestrator.params import ParameterError
from profile_render.tree import check_tree
from profile_render.values import check_layer
from profile_render.yamlio.limits import Limits
from profile_render.yamlio.load import load_values
from tests.helm_oracle import helm_binary, helm_values

CHART = Path(__file__).resolve().parent.parent / "examples" / "hello-chart"


# -- aliases: nodes and bytes -------------------------------------------------------------------------


def _wide(copies: int, size: int) -> str:
    return "a0: &a0 " + "x" * size + "\n" + "".join(f"k{i}: *a0\n" for i in range(copies))


def test_aliases_repeating_long_text_are_refused_at_the_alias_that_passes_the_byte_budget():
    with pytest.raises(LimitExceededError) as info:
        load_values(_wide(20_000, 60_000), source="v.yaml")  # 1.2 GB of text once expanded
    error = info.value
    assert "more than 4,000,000 bytes" in error.problem and "max_alias_bytes" in error.hint
    assert (error.source, error.line, error.column) == ("v.yaml", 68, 6)  # the 67th alias: 67 x 60,000 > 4 MB


def test_the_alias_byte_budget_is_shared_by_the_documents_of_a_text_and_can_be_raised():
    piece = _wide(30, 60_000)  # 1.8 MB of repeated text per document
    with pytest.raises(LimitExceededError):
        load_values(piece + "---\n" + piece + "---\n" + piece)
    assert len(load_values(piece + "---\n" + piece + "---\n" + piece,
                           limits=Limits(max_alias_bytes=6_000_000)).data) == 31
    assert len(load_values(piece).data) == 31


def test_the_alias_byte_budget_counts_nested_and_merged_text():
    text = ("base: &b {k: " + "y" * 1000 + "}\nl1: &l1 [*b, *b, *b, *b]\nl2: &l2 [*l1, *l1, *l1, *l1]\n"
            "m:\n  <<: *b\n  z: 1\nw: [*l2, *l2]\n")
    loaded = load_values(text, limits=Limits(max_alias_bytes=60_000))  # 53,053 bytes repeated in all
    assert loaded.data["m"]["k"] == "y" * 1000
    with pytest.raises(LimitExceededError) as info:
        load_values(text, limits=Limits(max_alias_bytes=40_000))
    assert (info.value.line, info.value.column) == (7, 10)  # the second *l2 passes 40,000


def test_an_alias_bomb_in_every_reader_is_still_refused_by_nodes():
    lines = ["a0: &a0 [" + ",".join(["'xxxxxxxxxxxxxxxx'"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    with pytest.raises(LimitExceededError) as info:
        load_values("\n".join(lines) + "\n")
    assert "aliases expand to more than 100,000 nodes" in info.value.problem


# -- --set: one budget per call, depth ----------------------------------------------------------------


def test_set_list_growth_is_bounded_for_the_whole_call():
    sets = [f"k{i}[65535]=1" for i in range(2000)]  # 131 million list slots asked for
    with pytest.raises(LimitExceededError) as info:
        merge_values(CHART, set_values=sets)
    error = info.value
    assert "more than 1,000,000 values and list slots" in error.problem and "max_set_nodes" in error.hint
    assert error.source == "--set k15[65535]=1" and error.path == ("k15", 65535) and error.column == 5
    one = merge_values(CHART, set_values=sets[:15])  # 15 x 65,536 slots fit
    assert len(one.values["k14"]) == 65536
    assert len(merge_values(CHART, set_values=sets[:20], limits=Limits(max_set_nodes=2_000_000)).values) > 20


def test_set_string_shares_the_budget_with_set():
    with pytest.raises(LimitExceededError) as info:
        merge_values(CHART, set_values=["a[65535]=1"], set_string_values=["b[65535]=1"],
                     limits=Limits(max_set_nodes=100_000))
    assert info.value.source.startswith("--set-string")


def test_growing_one_list_item_by_item_is_linear_and_within_the_budget():
    expression = ",".join(f"k[{i}]={i}" for i in range(65537))
    result = merge_values(CHART, set_values=[expression])
    assert result.values["k"][65536] == 65536 and len(result.values["k"]) == 65537


def test_growing_a_list_given_by_a_values_file_copies_it_and_counts_the_copy():
    layer = Layer({"l": list(range(1000))}, "<api>")
    with pytest.raises(LimitExceededError):
        merge_values(CHART, [layer], set_values=[f"l[{1000 + i}]=x" for i in range(200)],
                     limits=Limits(max_set_nodes=100_000))  # 200 copies of a list of 1,000+ items
    assert len(merge_values(CHART, [layer], set_values=["l[1999]=x"]).values["l"]) == 2000
    assert layer.values["l"] == list(range(1000))  # the caller's list is never changed


@pytest.mark.parametrize("expression", ["a" + "[0]" * 40_000 + "=1", "a" + "[0].b" * 20_000 + "=1",
                                        "a" + "[0]" * 200 + "={x,y}"])
def test_a_deep_set_path_is_refused_where_it_passes_the_depth(expression):
    with pytest.raises(LimitExceededError) as info:
        merge_values(CHART, set_values=[expression])
    error = info.value
    assert "nested more than 200 levels deep" in error.problem and "max_depth" in error.hint
    assert error.source.startswith("--set a[0]") and len(error.source) < 260
    assert error.path is not None and len(error.path) == 200 and error.column is not None


def test_the_set_depth_can_be_raised_and_apply_set_alone_builds_any_depth():
    merge_values(CHART, set_values=["a" + "[0]" * 300 + "=1"], limits=Limits(max_depth=400))
    deep: dict = {}
    apply_set("a" + "[0]" * 40_000 + "=1", deep)  # the low-level parser never recurses
    with pytest.raises(LimitExceededError):
        apply_set("a" + "[0]" * 40_000 + "=1", {}, limits=Limits())
    budget = SetBudget(10)
    apply_set("a[4]=1", {}, budget=budget)
    with pytest.raises(LimitExceededError):
        apply_set("b[4]=1", {}, budget=budget)


def test_set_syntax_errors_still_come_before_limits():
    with pytest.raises(SetSyntaxError):
        merge_values(CHART, set_values=["a[65537]=1"])


# -- values handed over as Python objects ---------------------------------------------------------------


def _nest(depth: int, leaf: Any = "leaf") -> Any:
    tree = leaf
    for _ in range(depth):
        tree = {"a": tree}
    return tree


def test_a_deep_dict_through_the_api_is_refused_before_any_stage_walks_it():
    with pytest.raises(LimitExceededError) as info:
        merge_values(CHART, [Layer(_nest(50_000), "<memory>", "values file")])
    error = info.value
    assert error.source == "<memory>" and "nested more than 200 levels deep" in error.problem
    assert error.path == ("a",) * 200
    with pytest.raises(LimitExceededError):
        merge_values(CHART, [_nest(300)])
    assert merge_values(CHART, [_nest(300)], limits=Limits(max_depth=400)).values["a"]["a"]


def test_render_checks_a_layer_built_from_dicts_before_resolving_placeholders():
    from profile_render import DeploymentContext, render

    context = DeploymentContext(app_name="app", app_version="1.0.0", deployment_name="deployment-abc12",
                                namespace="apps", org="acme", project="edge")
    with pytest.raises(LimitExceededError) as info:
        render(CHART, Layer(_nest(50_000), "<profile>", "profile"), context=context)
    assert info.value.source == "<profile>"


def test_a_dict_that_contains_itself_or_shares_subtrees_without_end_is_refused():
    cyclic: dict = {}
    cyclic["self"] = cyclic
    with pytest.raises(LimitExceededError):
        merge_values(CHART, [cyclic])
    shared: dict = {"leaf": 1}
    for _ in range(60):
        shared = {"x": shared, "y": shared}  # 2**60 paths
    with pytest.raises(LimitExceededError) as info:
        check_layer(Layer(shared, "<api>"))
    assert "more than 5,000,000 nodes" in info.value.problem


def test_a_caller_built_chart_is_checked_too():
    with pytest.raises(LimitExceededError):
        merge_values(chart_from_values(_nest(1000), source="<chart>"))


def test_check_tree_locates_the_first_excess():
    with pytest.raises(LimitExceededError) as info:
        check_tree({"a": {"b": [0, {"c": {}}]}, "z": 1}, max_depth=3, max_nodes=100, source="s")
    assert info.value.path == ("a", "b", 1)
    check_tree({"a": {"b": [0, {"c": 1}]}}, max_depth=4, max_nodes=100, source="s")
    with pytest.raises(LimitExceededError):
        check_tree([1, 2, 3], max_depth=3, max_nodes=3, source="s")


def test_recursion_never_escapes_the_api_even_with_the_highest_depth_limit():
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(400)  # what a deep caller stack leaves over, made small
        with pytest.raises(LimitExceededError) as info:
            merge_values(CHART, [_nest(350)], limits=Limits(max_depth=900))
        assert "nested too deeply to be merged" in info.value.problem
    finally:
        sys.setrecursionlimit(limit)


def test_yaml_output_never_recurses_and_json_output_refuses_cleanly():
    deep = _nest(5_000, [1, {"b": None}])
    assert to_yaml(deep).count("\n") == 5_002  # 5,000 keys, then "- 1" and "- b: null"
    with pytest.raises(LimitExceededError):
        to_json(deep)
    assert to_json(_nest(200, [1.5e300]), indent=None).startswith('{"a":{"a":')


# -- parameter templates ---------------------------------------------------------------------------------


def test_a_parameter_template_index_is_bounded_like_helm_set():
    with pytest.raises(ParameterError) as info:
        check_template(ParameterTemplate(name="a[99999999]", source="app.yaml", line=3, column=9))
    assert "larger than Helm's maximum of 65536" in info.value.problem and info.value.line == 3


def test_parameter_template_list_slots_and_depth_are_bounded():
    templates = [ParameterTemplate(name=f"l{i}[65536]", default="x", source="app.yaml", line=i + 1, column=9)
                 for i in range(20)]
    with pytest.raises(LimitExceededError) as info:
        apply_parameter_templates(templates, {}, application="app")
    assert info.value.line == 16 and "max_set_nodes" in info.value.hint
    applied = apply_parameter_templates(templates, {}, application="app", limits=Limits(max_set_nodes=2_000_000))
    assert len(applied.layers) == 20
    deep = ParameterTemplate(name=".".join(["a"] * 300), default="x")
    with pytest.raises(LimitExceededError):
        apply_parameter_templates([deep], {}, application="app")


def test_every_refusal_here_is_a_profile_render_error():
    for call in (lambda: load_values(_wide(100, 60_000)),
                 lambda: merge_values(CHART, set_values=["a" + "[0]" * 500 + "=1"]),
                 lambda: merge_values(CHART, [_nest(1000)])):
        with pytest.raises(ProfileRenderError):
            call()


# -- divergences from Helm (docs/helm-divergences.md rows 17 and 18), pinned against the binary -----------

requires_helm = pytest.mark.skipif(helm_binary() is None, reason="helm binary not available (scripts/fetch-helm.sh)")


@pytest.mark.helm
@requires_helm
def test_helm_accepts_the_set_paths_and_totals_we_refuse():
    deep = "a" + "[0]" * 300 + "=1"
    wide = [f"k{i}[65535]=1" for i in range(16)]
    assert helm_values("", set_args=[deep]).ok and helm_values("", set_args=wide).ok
    with pytest.raises(LimitExceededError):
        merge_values(CHART, set_values=[deep])
    with pytest.raises(LimitExceededError):
        merge_values(CHART, set_values=wide)


@pytest.mark.helm
@requires_helm
def test_helm_accepts_aliases_repeating_text_we_refuse():
    text = _wide(80, 60_000)  # 4.8 MB of repeated text
    helm = helm_values("", user_files=[text])
    assert helm.ok and helm.values is not None and len(helm.values["k79"]) == 60_000
    with pytest.raises(LimitExceededError):
        load_values(text)
