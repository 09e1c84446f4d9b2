"""JSON read as Helm's ``--set-json`` reads it with Go's ``encoding/json`` (into ``interface{}``).

Go and Python's :mod:`json` agree on what a JSON document is except in a few
places, which this module settles Go's way:

* every number becomes a float64 (``1e3`` is 1000, ``9007199254740993`` is
  9007199254740992), shown as :func:`~profile_render.yamlio.scalars.as_float64`
  shows Helm's numbers; a number beyond float64's range is an error, and
  ``NaN``/``Infinity`` are not JSON;
* a lone ``\\uD800`` escape becomes U+FFFD;
* after a value read from the middle of a ``--set-json`` argument, Go's
  ``json.Decoder`` stops where the value ends (``1x`` is 1, then ``x``),
  except that a number cut short (``1.``, ``1e``) is an error.

Nesting is measured before Python's recursive decoder sees the text, so a
deep document is refused with a limit error instead of exhausting the stack.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from profile_render.yamlio.scalars import as_float64

__all__ = ["GoJSONError", "JSONTooDeep", "decode_object", "decode_value", "go_space", "skip_go_space", "tag_leaves",
           "tree_size"]

_GO_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_STRUCTURE = re.compile(r'[\[\]{}"\\]')
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters Python's str.isspace() takes for spaces and Go's unicode.IsSpace does not.
_NOT_GO_SPACE = frozenset("\x1c\x1d\x1e\x1f")


class GoJSONError(ValueError):
    """Text Go's encoding/json rejects; ``offset`` is where in the whole text the problem is."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class JSONTooDeep(ValueError):
    """A JSON value nested deeper than the caller allows; ``offset`` is the bracket that goes too deep."""

    def __init__(self, offset: int) -> None:
        super().__init__("too deep")
        self.offset = offset


class _OutOfRange(ValueError):
    """A number float64 cannot hold (raised from inside the decoder, located by the caller)."""


def _number(text: str) -> Any:
    """A JSON number as Go's float64 holds it, as Helm's values show it."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _OutOfRange(text)
    return as_float64(value)


def _constant(name: str) -> Any:
    raise _OutOfRange(name)


_DECODER = json.JSONDecoder(parse_float=_number, parse_int=_number, parse_constant=_constant, strict=True)


def go_space(char: str) -> bool:
    """Whether Go's ``unicode.IsSpace`` takes ``char`` for a space."""
    return char.isspace() and char not in _NOT_GO_SPACE


def skip_go_space(text: str, pos: int) -> int:
    """The offset of the first character at or after ``pos`` that is not a Go space."""
    end = len(text)
    while pos < end and go_space(text[pos]):
        pos += 1
    return pos


def _check_depth(text: str, pos: int, max_depth: int) -> None:
    """Refuse a value starting at ``pos`` whose brackets nest ``max_depth`` deep (strings skipped), in linear time."""
    if pos >= len(text) or text[pos] not in "[{":
        return
    depth = 0
    in_string = False
    search = _STRUCTURE.search
    at = pos
    while True:
        found = search(text, at)
        if found is None:
            return
        at = found.start()
        char = text[at]
        if in_string:
            if char == "\\":
                at += 2
                continue
            if char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth >= max_depth:
                raise JSONTooDeep(at)
        elif char in "]}":
            depth -= 1
            if depth <= 0:
                return
        at += 1


def _decode(text: str, pos: int, max_depth: int) -> Tuple[Any, int]:
    """Python's decoder on the value at ``pos``, with its errors and number hooks turned into Go's answers."""
    _check_depth(text, pos, max_depth)
    try:
        value, end = _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise GoJSONError(exc.msg, exc.pos) from None
    except _OutOfRange as exc:
        shown = str(exc) if len(str(exc)) <= 40 else str(exc)[:40] + "..."
        raise GoJSONError(f"{shown} is not a number JSON's float64 can hold", pos) from None
    return _fix_strings(value), end


def decode_value(text: str, pos: int, max_depth: int) -> Tuple[Any, int]:
    """Read one JSON value starting at ``pos`` as Go's json.Decoder does; return it and the offset after it.

    Raises :class:`GoJSONError` (with the offset of the problem) or
    :class:`JSONTooDeep` when the value nests ``max_depth`` levels deep.
    """
    if pos < len(text) and (text[pos] == "-" or text[pos].isdigit()):
        # Top-level numbers end where Go's scanner ends them: a number cut short is an error.
        number = _GO_NUMBER.match(text, pos)
        if number is not None:
            after = text[number.end():number.end() + 1]
            if (after == "." and number.group(1) is None and number.group(2) is None) or (
                    after in ("e", "E") and number.group(2) is None):
                raise GoJSONError(f"the number is cut short before {after!r}", number.end())
    return _decode(text, pos, max_depth)


def decode_object(text: str, start: int, max_depth: int) -> Dict[str, Any]:
    """Read ``text[start:]`` whole as one JSON object, as Go's json.Unmarshal into a map does."""
    value, end = _decode(text, start, max_depth)
    rest = text[end:]
    if rest.strip(" \t\r\n"):
        raise GoJSONError("unexpected text after the JSON object", end + len(rest) - len(rest.lstrip(" \t\r\n")))
    if not isinstance(value, dict):
        raise GoJSONError("the JSON value is not an object", start)
    return value


def _fix_strings(value: Any) -> Any:
    """Replace lone surrogates (from ``\\uD800`` escapes) by U+FFFD in every string and key, as Go does."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if _LONE_SURROGATE.search(value) else value
    if not isinstance(value, (dict, list)):
        return value
    stack: List[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in list(node):
                item = node[key]
                if isinstance(item, (dict, list)):
                    stack.append(item)
                elif isinstance(item, str) and _LONE_SURROGATE.search(item):
                    node[key] = _LONE_SURROGATE.sub("\ufffd", item)
                if _LONE_SURROGATE.search(key):
                    # Go decodes both keys to the same string too: the later value wins.
                    node[_LONE_SURROGATE.sub("\ufffd", key)] = node.pop(key)
        else:
            for index, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    stack.append(item)
                elif isinstance(item, str) and _LONE_SURROGATE.search(item):
                    node[index] = _LONE_SURROGATE.sub("\ufffd", item)
    return value


def tree_size(value: object) -> Tuple[int, int]:
    """The nodes of a value (itself included) and how many containers deep it nests (0 for a scalar)."""
    if not isinstance(value, (dict, list)):
        return 1, 0
    nodes, deepest = 0, 0
    stack: List[Tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in (node.values() if isinstance(node, dict) else node))
    return nodes, deepest


def tag_leaves(value: object, leaf: Optional[Callable[[object], object]]) -> object:
    """``value`` (changed in place) with ``leaf`` applied to every non-null scalar in it; None leaves it as it is."""
    if leaf is None:
        return value
    if not isinstance(value, (dict, list)):
        return value if value is None else leaf(value)
    stack: List[Any] = [value]
    while stack:
        node = stack.pop()
        slots = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for slot, item in slots:
            if isinstance(item, (dict, list)):
                stack.append(item)
            elif item is not None:
                node[slot] = leaf(item)
    return value
