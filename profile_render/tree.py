"""Generic helpers for values trees: nested dicts and lists with scalar leaves.

A values tree is what the YAML reader returns and what Helm's templates see:
dicts (string keys), lists, and scalars (str, int, float, bool, None). These
helpers know nothing about charts, layers' provenance or placeholders; the
modules that do (``helm/``, ``origin.py``, ``orchestrator/``) build on them.

Nothing here mutates its inputs unless a parameter says so, and nothing holds
state between calls: every function is safe to call from many threads.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, List, Sequence, Tuple

from deepmerge import Merger

from profile_render.errors import LimitExceededError
from profile_render.yamlio.limits import DEFAULT_LIMITS

__all__ = [
    "ValuesDict",
    "ValuePath",
    "check_tree",
    "copy_tree",
    "merge_layers",
    "walk",
    "iter_leaves",
    "iter_strings",
]

ValuesDict = Dict[str, Any]
ValuePath = Tuple[Any, ...]

# helm -f a -f b: dicts merge, everything else (lists, scalars, null, type
# conflicts) is replaced by the later layer. The merger holds only this
# configuration and no per-merge state, so one instance serves every thread.
_LAYER_MERGER = Merger([(dict, ["merge"])], ["override"], ["override"])


def check_tree(tree: Any, *, max_depth: int, max_nodes: int, source: str) -> None:
    """Refuse a values tree built outside our readers that later stages could not walk safely.

    A tree nested ``max_depth`` levels deep (a cycle is infinitely deep),
    with more than ``max_nodes`` nodes (a subtree shared many times counts
    each time it is reached), or holding an integer beyond float64's range
    (which no reader of values can produce, and Python cannot print past
    4,300 digits) raises :class:`~profile_render.errors.LimitExceededError`
    naming ``source`` and the value path. The walk is iterative and stops at
    the first excess, so it costs at most ``max_nodes`` steps.
    """
    if not isinstance(tree, (dict, list)):
        return
    path: List[Any] = []
    stack: List[Iterator[Tuple[Any, Any]]] = [iter(tree.items()) if isinstance(tree, dict) else enumerate(tree)]
    nodes = 1
    while stack:
        for key, value in stack[-1]:
            nodes += 1
            if nodes > max_nodes:
                raise LimitExceededError(f"the values hold more than {max_nodes:,} nodes", source=source,
                                         path=tuple(path) + (key,),
                                         hint="pass smaller values, or raise Limits.max_nodes")
            if value.__class__ is int and value.bit_length() > 1024:
                raise LimitExceededError("the values hold an integer beyond the range of Helm's numbers (float64)",
                                         source=source, path=tuple(path) + (key,),
                                         hint="Helm reads every number as a float64; pass a smaller number or a string")
            if isinstance(value, dict) or isinstance(value, list):
                if len(stack) >= max_depth:
                    raise LimitExceededError(f"the values are nested more than {max_depth} levels deep",
                                             source=source, path=tuple(path) + (key,),
                                             hint="flatten the structure (a value that contains itself never ends), "
                                                  "or raise Limits.max_depth")
                path.append(key)
                stack.append(iter(value.items()) if isinstance(value, dict) else enumerate(value))
                break
        else:
            stack.pop()
            if path:
                path.pop()


def copy_tree(value: Any) -> Any:
    """Deep-copy a values tree made of dicts and lists (scalars are immutable and shared)."""
    # Written out rather than copy.deepcopy: a values tree holds no shared or
    # cyclic objects, so deepcopy's memo and per-object dispatch are pure cost,
    # and this runs on every chart default table during coalescing.
    if isinstance(value, dict):
        return {k: (copy_tree(v) if isinstance(v, (dict, list)) else v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def merge_layers(layers: Iterable[ValuesDict], *, copy: bool = True, check: bool = True) -> ValuesDict:
    """Merge user layers in order, later wins, like several ``helm -f`` files.

    Maps merge recursively; anything else (lists, scalars, ``null``, a map
    meeting a non-map) is replaced by the later layer. ``null`` is kept: it
    only means "delete" once it meets the chart defaults in coalescing.

    Leaves are never inspected beyond "is it a dict?", so stand-in objects
    (provenance tokens, see ``origin.py``) merge exactly like the scalars they
    replace.

    With ``copy=False`` the layers are consumed (their dicts may be reused and
    changed); pass it only for layers nobody else holds. A copied layer is
    first checked against the default :class:`~profile_render.Limits` (depth,
    nodes, numbers); ``check=False`` skips that for layers already checked.

    >>> merge_layers([{"a": {"b": 1, "c": 2}}, {"a": {"b": None, "d": 3}}])
    {'a': {'b': None, 'c': 2, 'd': 3}}
    """
    result: ValuesDict = {}
    for layer in layers:
        if copy and check:
            # A caller's tree: refuse what later stages could not walk (too deep, cyclic, too big).
            check_tree(layer, max_depth=DEFAULT_LIMITS.max_depth, max_nodes=DEFAULT_LIMITS.max_nodes,
                       source="<merge_layers>")
        layer = copy_tree(layer) if copy else layer
        if not result:
            result = layer
        else:
            _LAYER_MERGER.merge(result, layer)
    return result


def walk(tree: Any, path: Sequence[Any]) -> Tuple[bool, Any]:
    """Follow a value path (keys and list indexes) through a tree; returns ``(found, value)``.

    A string part selects a dict key, an int part (not a bool) a list item;
    anything else, or a missing key or index, gives ``(False, None)``, so a
    null value found at the path is told apart from an absent one.
    """
    current = tree
    for part in path:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and not isinstance(part, bool) \
                and 0 <= part < len(current):
            current = current[part]
        else:
            return False, None
    return True, current


def iter_leaves(tree: Any, path: ValuePath = ()) -> Iterator[Tuple[ValuePath, Any]]:
    """Yield ``(path, value)`` for every leaf of a tree (anything not a dict or list), depth first.

    Empty dicts and lists have no leaves and yield nothing; ``path`` is the
    prefix given to every yielded path.
    """
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from iter_leaves(value, path + (key,))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from iter_leaves(value, path + (index,))
    else:
        yield path, tree


def iter_strings(tree: Any, path: ValuePath = ()) -> Iterator[Tuple[ValuePath, str, bool]]:
    """Yield ``(path, text, is_key)`` for every string key and string value of a tree, in document order.

    A key is yielded (with ``is_key`` true and the path of its value) just
    before the strings inside its value, so a scan that stops at the first hit
    stops where a reader of the document would.
    """
    if isinstance(tree, str):
        yield path, tree, False
    elif isinstance(tree, dict):
        for key, value in tree.items():
            if isinstance(key, str):
                yield path + (key,), key, True
            yield from iter_strings(value, path + (key,))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from iter_strings(value, path + (index,))
