"""JSON output: the fast writer gives byte for byte what json.dumps and the exact Go-float writer give."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from profile_render import emit
from profile_render.emit import go_float, to_json
from profile_render.errors import LimitExceededError, ValuesTypeError

_floats = st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([1e21, 1e-7, 100.0, -0.0, 0.0, 1.5, 123456789.125, 1e16, 5e-324, 0.1]))
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), _floats,
                     st.text(max_size=8), st.sampled_from(["", "é", "\n", '"', "\\", "},\n  {", "\u2028", "\x00"]))
_keys = st.one_of(st.text(max_size=6), st.sampled_from(["a", "b", "", "é", "A", "},\n    {"]))
_trees = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                        st.dictionaries(_keys, inner, max_size=5)), max_leaves=40)


def _exact(value: Any, indent: Any) -> str:
    """The reference: the plain writer that formats every float as Go does."""
    out: list = []
    emit._write_json(value, out, indent, 0)
    return "".join(out)


def _no_floats_python_writes_unlike_go(value: Any) -> bool:
    return not emit.has_exotic_floats(value)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees, st.sampled_from([2, None, 4, 0]))
@example({"a": {"b": [1, 2.5, {"c": 1e21}], "d": {}}, "e": []}, 2)
@example({"k": [[], {}, [[]], [{}]]}, 2)
@example([1e-7, "x"], None)
def test_the_writer_equals_the_exact_writer(tree: Any, indent: Any):
    assert to_json(tree, indent=indent) == _exact(tree, indent)
    assert to_json(tree, indent=indent, exotic_floats=True) == _exact(tree, indent)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees.filter(_no_floats_python_writes_unlike_go), st.sampled_from([2, None]))
def test_without_exotic_floats_the_writer_equals_json_dumps(tree: Any, indent: Any):
    separators = (",", ":") if indent is None else None
    expected = json.dumps(tree, sort_keys=True, ensure_ascii=False, indent=indent, separators=separators,
                          allow_nan=False)
    assert to_json(tree, indent=indent) == expected


@pytest.mark.parametrize("value, text", [(1e21, "1e+21"), (100.0, "100"), (1e-7, "1e-7"), (-0.0, "-0"),
                                         (0.5, "0.5"), (1e20, "100000000000000000000")])
def test_floats_are_written_as_go_writes_them_in_every_kind_of_container(value: float, text: str):
    assert go_float(value) == text
    assert to_json({"a": value, "b": "x"}, indent=None) == f'{{"a":{text},"b":"x"}}'  # a container of scalars
    assert to_json({"a": [value], "b": {}}, indent=None) == f'{{"a":[{text}],"b":{{}}}}'
    assert to_json({"n": {"a": value}, "m": [1, {"z": value}]}) == (
        f'{{\n  "m": [\n    1,\n    {{\n      "z": {text}\n    }}\n  ],\n  "n": {{\n    "a": {text}\n  }}\n}}')


@pytest.mark.parametrize("tree", [
    {1: "int key", 2: "x"},  # keys json turns into text
    {"a": {2.5: 1}},
    OrderedDict([("b", 1), ("a", 2)]),  # containers of other types
    {"a": (1, 2)},
    {"a": [1, {"b": OrderedDict(c=1)}]},
    {"s": type("Text", (str,), {})("sub")},
    {"i": type("Number", (int,), {})(3)},
    {"b": True, "k": {True: 1}},
])
@pytest.mark.parametrize("indent", [2, None])
def test_trees_that_are_not_plain_values_are_written_as_json_dumps_writes_them(tree: Any, indent: Any):
    separators = (",", ":") if indent is None else None
    assert to_json(tree, indent=indent) == json.dumps(tree, sort_keys=True, ensure_ascii=False, indent=indent,
                                                      separators=separators)


def test_keys_of_mixed_types_fail_as_json_dumps_fails():
    with pytest.raises(TypeError):
        to_json({"a": {1: 1, "b": 2}, "c": [1, {}]})


@pytest.mark.parametrize("where", [{"a": math.nan}, {"a": [1, {"b": math.inf}]}, {"x": {"a": 1, "b": -math.inf}}])
@pytest.mark.parametrize("indent", [2, None])
def test_a_non_finite_float_is_refused_with_its_path(where: Any, indent: Any):
    with pytest.raises(ValuesTypeError) as info:
        to_json(where, indent=indent)
    assert info.value.path and "JSON" in info.value.problem


def test_a_tree_too_deep_to_write_is_a_limit_error():
    deep: Any = []
    for _ in range(5000):
        deep = [deep, 1]
    with pytest.raises(LimitExceededError):
        to_json(deep)


def test_a_plain_values_tree_is_written_without_a_scan_for_floats(monkeypatch: pytest.MonkeyPatch):
    def refused(values: Any) -> bool:
        raise AssertionError("scanned")

    monkeypatch.setattr(emit, "has_exotic_floats", refused)
    tree = {"a": [1, 2.5, 1e21, {"b": None, "c": "x"}], "d": {"e": True}, "f": []}
    assert to_json(tree) == _exact(tree, 2)
    assert to_json(tree, indent=None) == _exact(tree, None)
