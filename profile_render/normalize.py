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
    if key.__class__ is str or isinstance(key, str):
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
    root: ValuesDict = {}
    nodes = 1
    # (items of a caller's container, the container built for it, its value path)
    stack: List[Tuple[Iterator[Tuple[Any, Any]], Any, Tuple[Any, ...]]] = [(iter(mapping.items()), root, ())]
    while stack:
        items, out, path = stack[-1]
        for key, value in items:
            nodes += 1
            if out.__class__ is dict:
                key = _key(key, source, path)
            where = path + (key,)
            if nodes > limits.max_nodes:
                raise LimitExceededError(f"the values hold more than {limits.max_nodes:,} nodes", source=source,
                                         path=where, hint="pass smaller values, or raise Limits.max_nodes")
            if isinstance(value, (Mapping, list, tuple)):
                if len(stack) >= limits.max_depth:
                    raise LimitExceededError(f"the values are nested more than {limits.max_depth} levels deep",
                                             source=source, path=where,
                                             hint="flatten the structure (a value that contains itself never "
                                                  "ends), or raise Limits.max_depth")
                child: Any = {} if isinstance(value, Mapping) else []
                _store(out, key, child)
                stack.append((iter(value.items()) if isinstance(value, Mapping) else enumerate(value), child, where))
                break
            _store(out, key, _leaf(value, source, where))
        else:
            stack.pop()
    return root


def _store(container: Any, key: Any, value: Any) -> None:
    """Put a value into a dict under ``key`` or append it to a list (list items come in index order)."""
    if container.__class__ is dict:
        container[key] = value
    else:
        container.append(value)
