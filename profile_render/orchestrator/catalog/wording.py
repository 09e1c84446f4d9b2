"""What catalog findings share: how they name a field, an object and where it is defined; an unknown defaultProfile."""

from __future__ import annotations

from typing import Any, List, Optional

from profile_render.errors import format_path
from profile_render.findings import ERROR, Finding
from profile_render.orchestrator.catalog.specs import CatalogDocument, FieldPath


def field_label(path: FieldPath, kind: str) -> str:
    """The field named in a message: the last key with any list indexes after it (``suggestedValues[2]``)."""
    if not path:
        return kind
    start = len(path) - 1
    while start > 0 and isinstance(path[start], int):
        start -= 1
    return format_path(path[start:])


def object_place(path: FieldPath, kind: str) -> str:
    """The object a message names: the kind, followed by the field path when the object is nested."""
    return f"{kind} {format_path(path)}" if path else kind


def defined_at(spec: Any) -> str:
    """Where an object is defined: ``file:line``, or the file alone for an already-decoded document."""
    return f"{spec.source}:{spec.line}" if spec.line is not None else str(spec.source)


def unknown_default(doc: CatalogDocument, rule: str, default: Optional[str], names: List[str], kind: str,
                    owner: str, choices: str) -> Optional[Finding]:
    """The finding for a ``defaultProfile`` naming none of ``names`` (the ``kind`` objects of ``owner``), else None."""
    if default is None or default in names:
        return None
    return doc.finding(
        rule, ERROR, f"defaultProfile {default!r} is not a {kind} of {owner} ({kind}s: {', '.join(names) or 'none'})",
        ("defaultProfile",), f"name one of {choices}, or drop defaultProfile to use the first")
