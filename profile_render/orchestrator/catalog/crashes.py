"""What makes the catalog's schema validator crash instead of judging a file (a reference defect).

The contract ("Catalog YAML files") records that the Go validator panics,
rather than reporting, when a document holds a mapping key that is not a
string (``1: x``, ``true: x``) or an unquoted value that yaml.v3 resolves as a
timestamp (``description: 2024-01-01``). The upload validates every file
holding a ``specSchema`` document, so such a file is never accepted. Our
catalog reader (yaml.v3 rules, :mod:`profile_render.yamlio.policy`) keeps those
keys and timestamps as text, which is right for what the file means but hides
the crash; this module finds them from the parser's events, with positions.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

from yaml import YAMLError, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent

from profile_render.yamlio.limits import CATALOG_LIMITS
from profile_render.yamlio.parse import event_parser, iter_documents
from profile_render.yamlio.policy import catalog_plain_scalar
from profile_render.yamlio.scalars import TIMESTAMP_TAG, is_go_timestamp

__all__ = ["validator_crashes"]

_KEY_HINT = "quote the key (e.g. '1': x): the validator needs string keys"
_TIME_HINT = "quote the value (e.g. description: \"2024-01-01\") so that it stays text"


def _plain(event: Any) -> bool:
    """Whether a scalar event is an untagged plain scalar (the ones yaml.v3 resolves by their text)."""
    return not event.style and event.tag in (None, "!") and bool(event.implicit[0])  # libyaml: "", PyYAML: None


def _key_problem(event: Any) -> str:
    """Why a plain key crashes the validator, or "" when it is a string to yaml.v3."""
    if event.value == "<<":
        return ""
    value = catalog_plain_scalar(event.value)
    if value is None or isinstance(value, str):
        return ""  # a null key is refused by the reader already
    kind = "boolean" if isinstance(value, bool) else "number"
    return f"the mapping key {event.value!r} is a {kind}, not a string"


def _value_problem(event: Any) -> str:
    """Why a value crashes the validator (it is decoded as a time), or ""."""
    if event.tag == TIMESTAMP_TAG or (_plain(event) and is_go_timestamp(event.value)):
        return f"the unquoted value {event.value!r} is read as a timestamp"
    return ""


def validator_crashes(text: str) -> List[Tuple[str, str, int, int]]:
    """Every key and value of ``text`` that crashes the catalog's validator: (problem, hint, line, column), 1-based.

    ``text`` has been read by the catalog reader already (so it parses and
    stays within the catalog limits); an unparseable text gives no rows.
    """
    rows: List[Tuple[str, str, int, int]] = []
    try:
        parser = event_parser(text, go_v2=False, use_libyaml=True, max_depth=CATALOG_LIMITS.max_depth)
        for document in iter_documents(parser, CATALOG_LIMITS.max_depth):
            # One entry per open collection: for a mapping, whether its next scalar is a key.
            expecting_key: List[Optional[bool]] = []  # None for a sequence
            for event in document.events:
                cls = event.__class__
                in_key = bool(expecting_key) and expecting_key[-1]
                if cls is ScalarEvent:
                    problem = (_key_problem(event) if _plain(event) else "") if in_key else _value_problem(event)
                    if problem:
                        mark = event.start_mark
                        rows.append((problem, _KEY_HINT if in_key else _TIME_HINT, mark.line + 1, mark.column + 1))
                if expecting_key and cls is not MappingEndEvent and cls is not SequenceEndEvent:
                    if expecting_key[-1] is not None:
                        expecting_key[-1] = not in_key
                if cls is MappingStartEvent:
                    expecting_key.append(True)
                elif cls is SequenceStartEvent:
                    expecting_key.append(None)
                elif cls is MappingEndEvent or cls is SequenceEndEvent:
                    expecting_key.pop()
    except YAMLError:  # the reader judged the text already; no second opinion on broken YAML
        return rows
    return rows
