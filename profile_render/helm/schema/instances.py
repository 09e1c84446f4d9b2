"""Values and schemas as the validator handles them: with a bounded ``repr``.

jsonschema writes the offending value (and sometimes the schema) into every
error message with ``repr()`` as it finds the error, including errors that
``anyOf``/``oneOf``/``not`` then discard. On a large value that is a copy of
the whole value per error: a hostile schema with a thousand failing
branches over a 4 MB values file would build gigabytes of text. So the
values a schema validates, and the schema documents themselves, are
containers whose ``repr`` stops after :data:`MAX_REPR` characters:
:func:`wrap` makes them (one linear, iterative copy per validation), and
:func:`bounded_repr` writes the start of Python's ``repr`` of anything,
without recursion and without looking at more of it than it prints.
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Callable, Dict, List, Optional, Tuple

__all__ = ["MAX_REPR", "repr_prefix", "bounded_repr", "wrap", "BoundedDict", "BoundedList", "BoundedStr"]

#: The most characters a bounded ``repr`` writes before it stops (and says how big the value is).
MAX_REPR = 80


def _quote_for(text: str) -> str:
    """The quote Python's ``repr`` puts around ``text``."""
    return '"' if "'" in text and '"' not in text else "'"


def _str_prefix(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``repr(text)`` (same quotes and escapes), reading at most ``limit`` of it."""
    if len(text) <= limit:
        return str.__repr__(text)
    head = str(text[:limit])
    # repr() chooses its quotes from the whole string: add characters that force the same choice, cut them off
    if _quote_for(text) == '"':
        return str.__repr__(head + "'")[: -2][:limit]
    return str.__repr__(head + "\"'")[: -4][:limit]


def _number_repr(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 10_000:
        return f"<an integer of about {int(value.bit_length() * 0.30103)} digits>"
    return repr(value)


def repr_prefix(value: Any, limit: int) -> Tuple[str, bool]:
    """The first ``limit`` characters of Python's ``repr(value)``, and whether that is all of it.

    Iterative, so any nesting depth is fine, and it stops reading the value
    once it has ``limit`` characters.
    """
    parts: List[str] = []
    size = 0
    # pending pieces, last first: literal text, or values still to write
    stack: List[Tuple[bool, Any]] = [(False, value)]
    while stack and size <= limit:
        literal, item = stack.pop()
        if literal:
            text = item
        elif isinstance(item, str):
            text = _str_prefix(item, limit - size + 1)
        elif isinstance(item, dict):
            entries = list(islice(item.items(), limit - size + 1))
            stack.append((True, "}"))
            for index in range(len(entries) - 1, -1, -1):
                key, val = entries[index]
                stack.extend(((False, val), (True, ": "), (False, key)))
                if index:
                    stack.append((True, ", "))
            text = "{"
        elif isinstance(item, list):
            entries = list(islice(item, limit - size + 1))
            stack.append((True, "]"))
            for index in range(len(entries) - 1, -1, -1):
                stack.append((False, entries[index]))
                if index:
                    stack.append((True, ", "))
            text = "["
        elif item is None or isinstance(item, (bool, int, float)):
            text = _number_repr(item)
        else:
            text = repr(item)[: limit + 1]
        parts.append(text)
        size += len(text)
    full = "".join(parts)
    complete = not stack and size <= limit
    return (full if complete else full[:limit]), complete


def bounded_repr(value: Any, limit: int = MAX_REPR) -> str:
    """Python's ``repr(value)`` when it is at most ``limit`` characters long, else its start and the value's size."""
    text, complete = repr_prefix(value, limit)
    return text if complete else f"{text}... ({_describe_size(value)})"


def _describe_size(value: Any) -> str:
    if isinstance(value, str):
        return f"{len(value)} characters"
    if isinstance(value, dict):
        return f"{len(value)} keys"
    if isinstance(value, (list, tuple)):
        return f"{len(value)} items"
    return "truncated"


class BoundedDict(Dict[Any, Any]):
    """A dict whose ``repr`` is bounded (see :func:`bounded_repr`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return bounded_repr(self)


class BoundedList(List[Any]):
    """A list whose ``repr`` is bounded."""

    __slots__ = ()

    def __repr__(self) -> str:
        return bounded_repr(self)


class BoundedStr(str):
    """A str whose ``repr`` is bounded."""

    __slots__ = ()

    def __repr__(self) -> str:
        return bounded_repr(self)


def wrap(value: Any, text: Optional[Callable[[str], str]] = None) -> Any:
    """A copy of a JSON-like tree whose dicts, lists and long strings have a bounded ``repr`` (iterative).

    ``text``, when given, rewrites every string (keys included) on the way.
    """
    leaf = _Leaf(text)
    if not isinstance(value, (dict, list)):
        return leaf.string(value)
    root: Any = BoundedDict() if isinstance(value, dict) else BoundedList()
    stack: List[Tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict):
            for key, item in source.items():
                target[leaf.string(key)] = leaf.copy(item, stack)
        else:
            target.extend(leaf.copy(item, stack) for item in source)
    return root


class _Leaf:
    """How :func:`wrap` copies one item: containers queued for copying, strings rewritten and bounded."""

    __slots__ = ("text",)

    def __init__(self, text: Optional[Callable[[str], str]]) -> None:
        self.text = text

    def string(self, item: Any) -> Any:
        if not isinstance(item, str):
            return item
        if self.text is not None:
            item = self.text(item)
        return BoundedStr(item) if len(item) > MAX_REPR else item

    def copy(self, item: Any, stack: List[Tuple[Any, Any]]) -> Any:
        if isinstance(item, dict):
            copy: Any = BoundedDict()
        elif isinstance(item, list):
            copy = BoundedList()
        else:
            return self.string(item)
        stack.append((item, copy))
        return copy
