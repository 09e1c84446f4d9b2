"""Generic values-tree helpers: copy, layer merge, path walk, leaf and string iteration."""

from __future__ import annotations

import profile_render
from profile_render.origin import TracedLeaf, trace_tree
from profile_render.tree import copy_tree, iter_leaves, iter_strings, merge_layers, walk


def test_copy_tree_copies_containers_and_shares_scalars():
    text = "x" * 100
    tree = {"a": {"b": [1, {"c": text}]}, "d": None}
    copied = copy_tree(tree)
    assert copied == tree
    assert copied is not tree and copied["a"] is not tree["a"]
    assert copied["a"]["b"] is not tree["a"]["b"] and copied["a"]["b"][1] is not tree["a"]["b"][1]
    assert copied["a"]["b"][1]["c"] is text
    copied["a"]["b"][1]["c"] = "changed"
    assert tree["a"]["b"][1]["c"] == text
    assert copy_tree(5) == 5 and copy_tree(None) is None


def test_merge_layers_merges_maps_and_replaces_everything_else():
    first = {"a": {"x": 1, "y": [1, 2]}, "b": {"k": 1}, "keep": "first", "n": 1}
    second = {"a": {"y": [3], "z": None}, "b": "scalar", "n": None}
    merged = merge_layers([first, second])
    assert merged == {"a": {"x": 1, "y": [3], "z": None}, "b": "scalar", "keep": "first", "n": None}
    # the inputs are untouched by default
    assert first == {"a": {"x": 1, "y": [1, 2]}, "b": {"k": 1}, "keep": "first", "n": 1}
    assert second == {"a": {"y": [3], "z": None}, "b": "scalar", "n": None}
    assert merge_layers([]) == {}
    assert profile_render.merge_layers is merge_layers


def test_merge_layers_treats_traced_leaves_like_scalars():
    # provenance replay merges traced copies: the decisions must be the same
    first = {"a": {"x": 1, "y": 2}, "b": {"k": 1}}
    second = {"a": {"y": 3}, "b": 4}
    plain = merge_layers([first, second])
    traced = merge_layers([trace_tree(first, 0), trace_tree(second, 1)], copy=False)
    assert [(path, leaf.layer, leaf.value) for path, leaf in iter_leaves(traced)] == [
        (path, layer, value) for (path, value), layer in zip(iter_leaves(plain), (0, 1, 1))
    ]
    assert all(isinstance(leaf, TracedLeaf) for _, leaf in iter_leaves(traced))


def test_walk_tells_absent_from_null():
    tree = {"a": {"b": [10, {"c": None}]}, "t": True}
    assert walk(tree, ("a", "b", 1, "c")) == (True, None)
    assert walk(tree, ("a", "b", 0)) == (True, 10)
    assert walk(tree, ()) == (True, tree)
    assert walk(tree, ("a", "missing")) == (False, None)
    assert walk(tree, ("a", "b", 2)) == (False, None)
    assert walk(tree, ("a", "b", -1)) == (False, None)
    assert walk(tree, ("a", "b", True)) == (False, None)  # a bool is not a list index
    assert walk(tree, ("a", 0)) == (False, None)  # an int does not select a dict key
    assert walk(tree, ("t", "x")) == (False, None)


def test_iter_leaves_yields_scalars_with_paths():
    tree = {"a": {"b": [1, None], "e": {}}, "c": "x", "l": []}
    assert list(iter_leaves(tree)) == [(("a", "b", 0), 1), (("a", "b", 1), None), (("c",), "x")]
    assert list(iter_leaves(7, ("p",))) == [(("p",), 7)]


def test_iter_strings_yields_keys_before_their_values_in_document_order():
    tree = {"k1": "v1", "k2": {"k3": ["s", 5, {"k4": "v4"}]}, "n": 1}
    assert list(iter_strings(tree)) == [
        (("k1",), "k1", True),
        (("k1",), "v1", False),
        (("k2",), "k2", True),
        (("k2", "k3"), "k3", True),
        (("k2", "k3", 0), "s", False),
        (("k2", "k3", 2, "k4"), "k4", True),
        (("k2", "k3", 2, "k4"), "v4", False),
        (("n",), "n", True),
    ]
    assert list(iter_strings("top", ("at",))) == [(("at",), "top", False)]
