"""Schema files read as Go's ``encoding/json`` decoder (with ``UseNumber``) reads them for Helm.

* A UTF-8 byte order mark is dropped; an empty file fails (Go: EOF).
* Invalid UTF-8 inside a string is U+FFFD, one per bad byte, and so is a
  lone surrogate escape (``"\\ud800"``), as in Go; outside strings it is a
  syntax error.
* Numbers keep their text (:class:`~.numbers.JNum`), so integers of any
  length and exponents of any size are read exactly (Python's 4,300-digit
  limit on ``int()`` never applies).
* Nesting is measured before anything is decoded: more than 10,000 levels
  is Go's "exceeded max depth", more than ``SchemaLimits.max_depth`` a
  :class:`SchemaLimitError` at the bracket that goes too deep.
* Containers and long strings have a bounded ``repr`` (:mod:`.instances`).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, Optional, Tuple

from profile_render.helm.schema.errors import InvalidSchemaError, SchemaLimitError
from profile_render.helm.schema.instances import wrap
from profile_render.helm.schema.limits import GO_MAX_JSON_DEPTH
from profile_render.helm.schema.numbers import JNum
from profile_render.helm.schema.runs import fresh_stack_call

__all__ = ["JNum", "parse_schema_json", "document_depth", "prepare_document", "count_objects"]

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: Documents nested deeper than this are decoded on a fresh stack.
_DEEP = 200


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON value {name}")


def _integer(text: str) -> Any:
    # ints a float carries exactly stay ints; longer ones keep their text (no int() digit limit, exact compares)
    return int(text) if len(text) <= 15 else JNum(text)


def _deepest(text: str) -> int:
    """How deeply ``text`` nests brackets outside strings (cheap: no decoding)."""
    if text.count("[") + text.count("{") == 0:
        return 0
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    return max(0, max(accumulate(1 if c in "[{" else -1 for c in brackets)))


def _offset_at_depth(text: str, depth: int) -> int:
    """The offset of the first bracket that opens level ``depth`` (outside strings)."""
    level = 0
    for match in _TOKEN.finditer(text):
        c = match.group()
        if c in "[{":
            level += 1
            if level >= depth:
                return match.start()
        elif c in "]}":
            level -= 1
    return 0


def _line_column(text: str, offset: int, bom: bool) -> Tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column + (1 if bom and line == 1 else 0)


def document_depth(doc: Any, limit: int) -> int:
    """How deeply an already decoded document nests (iterative), counting no further than ``limit + 1``."""
    deepest = 0
    stack = [(doc, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            if level > deepest:
                deepest = level
                if deepest > limit:
                    return deepest
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def count_objects(doc: Any) -> int:
    """How many JSON objects a decoded document holds (iterative)."""
    count = 0
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            count += 1
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def prepare_document(doc: Any, *, fix_surrogates: bool = False) -> Any:
    """A copy of a decoded schema document with bounded reprs (and lone surrogates as U+FFFD when asked)."""
    return wrap(doc, _fix_surrogates if fix_surrogates else None)


def _fix_surrogates(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def parse_schema_json(data: bytes, source: str, max_depth: int) -> Any:
    """Decode a schema file like Helm (BOM dropped, one JSON document, exact numbers); InvalidSchemaError otherwise.

    ``max_depth`` is ``SchemaLimits.max_depth``; a deeper document raises
    :class:`SchemaLimitError` (deeper than 10,000 levels: the InvalidSchemaError Helm gives).
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    # invalid bytes become lone surrogates (one per byte), turned into U+FFFD below as Go does
    text = data.decode("utf-8", errors="surrogateescape")
    if not text.strip(" \t\r\n"):
        raise InvalidSchemaError("the schema file is empty (Helm fails with EOF)", source=source,
                                 hint="write a JSON schema (at least {}) or delete values.schema.json")
    deepest = _check_depth(text, source, max_depth, bom)

    def decode() -> Any:
        return json.loads(text, parse_float=JNum, parse_int=_integer, parse_constant=_reject_constant)

    try:
        # Python's decoder recurses once per level: a deep document is decoded on a fresh stack
        doc = fresh_stack_call(decode) if deepest > _DEEP else decode()
    except json.JSONDecodeError as exc:
        column = exc.colno + (1 if bom and exc.lineno == 1 else 0)
        problem = exc.msg
        if problem == "Extra data":
            problem = "invalid character after top-level value"
        raise InvalidSchemaError(f"the schema file is not valid JSON: {problem}", source=source,
                                 line=exc.lineno, column=column, hint="fix the JSON syntax") from None
    except RecursionError:
        raise SchemaLimitError("the schema file nests too deeply for Python's JSON decoder (its recursion limit)",
                               source=source, hint="flatten the schema with $defs and $ref") from None
    except ValueError as exc:
        raise InvalidSchemaError(f"the schema file is not valid JSON: {exc}", source=source,
                                 hint="fix the JSON syntax") from None
    return prepare_document(doc, fix_surrogates=_SURROGATE.search(text) is not None
                            or _SURROGATE_ESCAPE.search(text) is not None)


def _check_depth(text: str, source: str, max_depth: int, bom: bool) -> int:
    """How deep ``text`` nests; SchemaLimitError (or Go's InvalidSchemaError) when deeper than allowed."""
    deepest = _deepest(text)
    if deepest <= max_depth:
        return deepest
    go_fails = deepest > GO_MAX_JSON_DEPTH
    level = GO_MAX_JSON_DEPTH + 1 if go_fails else max_depth + 1
    offset = _offset_at_depth(text, level)
    line, column = _line_column(text, offset, bom)
    if go_fails:
        raise InvalidSchemaError(
            f"the schema file is not valid JSON: invalid character {text[offset]!r} exceeded max depth "
            f"(Go's JSON decoder, and so Helm, allows {GO_MAX_JSON_DEPTH:,} levels)",
            source=source, line=line, column=column, hint="flatten the schema with $defs and $ref")
    raise SchemaLimitError(
        f"the schema nests {_at_least(deepest, level)} levels deep, more than the limit of {max_depth} "
        "(SchemaLimits.max_depth)",
        source=source, line=line, column=column,
        hint="flatten the schema with $defs and $ref; a caller can raise SchemaLimits.max_depth (up to 900)")


def _at_least(deepest: int, level: int) -> str:
    return f"{deepest:,}" if deepest >= level else f"at least {level:,}"


def document_depth_error(depth: int, max_depth: int, what: str) -> Optional[SchemaLimitError]:
    """The error for a ``local_refs`` document ``what`` that nests ``depth`` levels, if over ``max_depth``."""
    if depth <= max_depth:
        return None
    return SchemaLimitError(
        f"the schema document {what} nests more than {max_depth} levels deep (SchemaLimits.max_depth)",
        source=what, hint="flatten the schema with $defs and $ref; a caller can raise SchemaLimits.max_depth")
