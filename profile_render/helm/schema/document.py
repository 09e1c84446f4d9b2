"""Schema files read as Go's ``encoding/json`` decoder (with ``UseNumber``) reads them for Helm."""

from __future__ import annotations

import json
from typing import Any

from profile_render.helm.schema.errors import InvalidSchemaError

__all__ = ["JNum", "parse_schema_json"]


class JNum(float):
    """A JSON number from a schema: a float that remembers its exact text (numbers compare as that decimal)."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> "JNum":
        obj = super().__new__(cls, text)
        obj.text = text
        return obj

    def __repr__(self) -> str:
        return self.text


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON value {name}")


def parse_schema_json(data: bytes, source: str) -> Any:
    """Decode a schema file like Helm (BOM dropped, one JSON document, exact numbers); InvalidSchemaError otherwise."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise InvalidSchemaError("the schema file is empty (Helm fails with EOF)", source=source,
                                 hint="write a JSON schema (at least {}) or delete values.schema.json")
    try:
        return json.loads(text, parse_float=JNum, parse_int=int, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        column = exc.colno + (1 if bom and exc.lineno == 1 else 0)
        problem = exc.msg
        if problem == "Extra data":
            problem = "invalid character after top-level value"
        raise InvalidSchemaError(f"the schema file is not valid JSON: {problem}", source=source,
                                 line=exc.lineno, column=column, hint="fix the JSON syntax") from None
    except (ValueError, RecursionError) as exc:
        raise InvalidSchemaError(f"the schema file is not valid JSON: {exc}", source=source,
                                 hint="fix the JSON syntax") from None
