"""Values handed over as Python objects, normalised to what Helm would hold had it read them from a values file.

Helm reads values files with sigs.k8s.io/yaml: YAML, then JSON, then Go's
``map[string]any``. A Python mapping given through the API is turned into
exactly what that reading gives for the same values written as YAML, so a
dict and its YAML text merge, validate and print identically:

* every number is a float64: an integral value of magnitude at most 2**53
  stays an ``int`` (Go prints ``1.0`` as ``1``), anything else becomes a
  ``float`` (``2**53 + 1`` becomes ``9007199254740992.0``, as Helm reads
  ``9007199254740993``), ``-0.0`` stays a float;
* NaN and infinities are refused (JSON, and so Helm, cannot hold them);
  so is an integer beyond float64's range (a ``LimitExceededError``, as for
  any tree given through the API: Helm would read its digits as a string,
  which a caller passing a number never means);
* keys must be strings (Helm's keys always are): an ``int``, ``bool``,
  ``None`` or tuple key is refused, naming the value path;
* tuples become lists, any ``Mapping`` a dict, ``str`` subclasses plain
  ``str``; bytes and any other object are refused, naming their type and
  path (values never quote the value itself: it may be secret);
* text must be valid Unicode (a lone surrogate cannot be written to UTF-8);
* nesting and size are bounded by ``Limits.max_depth`` and ``Limits.max_nodes``
  (a mapping that contains itself is infinitely deep).

The walk is iterative and builds a new tree; the caller's objects are never
changed or kept.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

from profile_render.errors import LimitExceededError, ValuesTypeError
from profile_render.orchestrator.model import is_unicode_text
from profile_render.tree import check_tree
from profile_render.yamlio.limits import DEFAULT_LIMITS, Limits
from profile_render.yamlio.scalars import as_float64

__all__ = ["normalize_values"]

ValuesDict = Dict[str, Any]
_FIX = "use str, int, float, bool, None, lists and mappings with string keys"


def _describe_key(key: Any) -> str:
    """A refused key, named for a message (keys are names, never secrets, but long ones are cut)."""
    if key is None:
        return "None (null)"
    shown = repr(key)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{shown} (of type {type(key).__name__})"


def _number(value: Any, source: str, path: Tuple[Any, ...]) -> Any:
    """A number as Helm's float64 holds it; NaN, infinities and integers beyond float64 refused."""
    if isinstance(value, float):
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            what = "NaN" if math.isnan(value) else ("+Infinity" if value > 0 else "-Infinity")
            raise ValuesTypeError(f"the value is {what}, which Helm's values (JSON numbers) cannot hold",
                                  source=source, path=path,
                                  hint="pass a finite number, or a string if the text is meant")
        return as_float64(value)
    value = int(value)
    if value.bit_length() <= 1024:  # longer ones cannot be a float64; never convert (or print) them
        try:
            return as_float64(value)
        except OverflowError:
            pass  # between float64's largest value and 2**1024
    raise LimitExceededError("the value is an integer beyond the range of Helm's numbers (float64); Helm "
                             "would read its digits as a string", source=source, path=path,
                             hint="pass a smaller number, or a string if the digits are meant as text")


def _leaf(value: Any, source: str, path: Tuple[Any, ...]) -> Any:
    """A scalar as Helm would hold it (see the module doc), or a located error naming its type."""
    cls = value.__class__
    if cls is str:
        if not is_unicode_text(value):
            raise ValuesTypeError("the text is not valid Unicode (it holds a lone surrogate)", source=source,
                                  path=path, hint="decode bytes as UTF-8 before passing them")
        return value
    if value is None or cls is bool:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, (int, float)):
        return _number(value, source, path)
    if isinstance(value, str):
        return _leaf(str.__str__(value), source, path)
    if isinstance(value, (bytes, bytearray, memoryview)):
        raise ValuesTypeError("the value is bytes, which Helm's values cannot hold", source=source, path=path,
                              hint="decode it to text (str) first, or base64-encode it if it is binary")
    raise ValuesTypeError(f"the value is of type {type(value).__name__}, which Helm's values cannot hold",
                          source=source, path=path, hint=_FIX)


def _key(key: Any, source: str, path: Tuple[Any, ...]) -> str:
    """A mapping key as a plain string; anything else is refused (Helm's keys are strings)."""
    if isinstance(key, str):
        text = str.__str__(key)
        if not is_unicode_text(text):
            raise ValuesTypeError("a key is not valid Unicode (it holds a lone surrogate)", source=source,
                                  path=path, hint="decode bytes as UTF-8 before passing them")
        return text
    raise ValuesTypeError(f"the key {_describe_key(key)} is not a string; Helm's values keys are strings",
                          source=source, path=path,
                          hint="write the key as a string (e.g. '1' or 'true'), as a values file would")


def normalize_values(mapping: Mapping[Any, Any], *, source: str = "<values>",
                     limits: Optional[Limits] = None) -> ValuesDict:
    """A new values tree holding what Helm would hold had it read ``mapping`` from a values file.

    Raises :class:`~profile_render.errors.ValuesTypeError` (naming ``source``
    and the value path) for what Helm's values cannot hold, and
    :class:`~profile_render.errors.LimitExceededError` past
    ``limits.max_depth`` or ``limits.max_nodes`` or for an integer beyond
    float64's range. ``TypeError`` when
    ``mapping`` itself is not a mapping.

    >>> normalize_values({"a": (1, 2.0, 2**53 + 1)})
    {'a': [1, 2, 9007199254740992.0]}
    """
    if not isinstance(mapping, Mapping):
        raise TypeError(f"values must be a mapping, not {type(mapping).__name__}")
    limits = limits or DEFAULT_LIMITS
    # The dicts and lists first, without building anything: a tree that shares subtrees (2**80 paths
    # through 160 dicts) or contains itself is refused at the price of a walk, not of a copy.
    check_tree(mapping, max_depth=limits.max_depth, max_nodes=limits.max_nodes, source=source)
    root: ValuesDict = {}
    nodes = 1
    path: List[Any] = []  # the keys and indexes down to the container being filled
    # (items of a caller's container, the container built for it)
    stack: List[Tuple[Iterator[Tuple[Any, Any]], Any]] = [(iter(mapping.items()), root)]
    while stack:
        items, out = stack[-1]
        is_dict = out.__class__ is dict
        for key, value in items:
            nodes += 1
            if is_dict and (key.__class__ is not str or not key.isascii()):
                key = _key(key, source, tuple(path))
            if nodes > limits.max_nodes:
                raise LimitExceededError(f"the values hold more than {limits.max_nodes:,} nodes", source=source,
                                         path=tuple(path) + (key,),
                                         hint="pass smaller values, or raise Limits.max_nodes")
            cls = value.__class__
            if cls is dict or cls is list or isinstance(value, (Mapping, list, tuple)):
                if len(stack) >= limits.max_depth:
                    raise LimitExceededError(f"the values are nested more than {limits.max_depth} levels deep",
                                             source=source, path=tuple(path) + (key,),
                                             hint="flatten the structure (a value that contains itself never "
                                                  "ends), or raise Limits.max_depth")
                child: Any = {} if isinstance(value, Mapping) else []
                if is_dict:
                    out[key] = child
                else:
                    out.append(child)
                path.append(key)
                stack.append((iter(value.items()) if isinstance(value, Mapping) else enumerate(value), child))
                break
            if not (cls is str and value.isascii()) and cls is not bool and value is not None:
                value = _leaf(value, source, tuple(path) + (key,))
            if is_dict:
                out[key] = value
            else:
                out.append(value)
        else:
            stack.pop()
            if path:
                path.pop()
    return root
