"""Reading catalog YAML: documents kept apart, yaml.v3 scalars, positions recorded (see :mod:`profile_render.yamlio`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from profile_render.errors import ProfileRenderError
from pathlib import Path

from profile_render.orchestrator.catalog.specs import MASK, SCHEMA_LINE, SECRET_KEYS, CheckedFile, FieldPath
from profile_render.yamlio.build import CATALOG_RULES, read_documents
from profile_render.yamlio.decode import decode_yaml
from profile_render.yamlio.limits import CATALOG_LIMITS
from profile_render.yamlio.located import VALUES_ERRORS


class HiddenSecret:
    """A secret value inside a document (``authToken``): shown as ``'****'``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"'{MASK}'"

    __str__ = __repr__


@dataclass
class ParsedDocument:
    """One document of a catalog file: its value, where it starts, key positions, and keys set twice.

    ``duplicate_keys`` rows are (key, line, column, value path, line of the earlier key).
    """

    value: Any
    line: Optional[int]  # None for a document written from already-decoded data
    column: Optional[int]
    positions: Dict[FieldPath, Tuple[int, int]]
    duplicate_keys: List[Tuple[str, int, int, FieldPath, int]]


class YamlProblem(Exception):
    """A catalog file that cannot be read: what is wrong, where (1-based, when known), how to fix it."""

    def __init__(self, message: str, line: Optional[int], column: Optional[int], hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint

    @classmethod
    def of(cls, error: ProfileRenderError) -> "YamlProblem":
        """The problem a located reading error describes (the file is named by the caller)."""
        return cls(error.problem, error.line, error.column, error.hint)


def decode_catalog_bytes(raw: bytes) -> str:
    """A catalog file's text: UTF-8, or UTF-16 after its byte order mark; raises YamlProblem."""
    try:
        return decode_yaml(raw, source="<catalog file>", subject="the file is",
                           hint="catalog and values files are UTF-8 YAML text", error=VALUES_ERRORS.syntax)
    except ProfileRenderError as exc:
        raise YamlProblem.of(exc) from None


def parse_documents(text: str) -> List[ParsedDocument]:
    """Every YAML document of ``text``, kept apart, with positions; raises YamlProblem."""
    try:
        documents = read_documents(text, rules=CATALOG_RULES, source="<catalog file>", limits=CATALOG_LIMITS,
                                   positions=True)
    except ProfileRenderError as exc:
        raise YamlProblem.of(exc) from None
    return [ParsedDocument(document.value, document.line, document.column, document.positions or {},
                           [(dup.path[-1], dup.line, dup.column, dup.path, dup.first_line) for dup in document.duplicates])
            for document in documents]


def hide_secrets(value: Any) -> Any:
    """Wrap every ``authToken`` (at any depth) and the default of a secret parameter template so no repr shows them."""
    if isinstance(value, dict):
        secret_template = value.get("secret") is True
        return {k: HiddenSecret(v) if k in SECRET_KEYS or (secret_template and k == "default") else hide_secrets(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [hide_secrets(v) for v in value]
    return value


def reveal(value: Any) -> Any:
    """The value with every :class:`HiddenSecret` in it unwrapped (for the code that needs the secret itself)."""
    if isinstance(value, HiddenSecret):
        return reveal(value.value)
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value




_SCHEMA_LINE_BYTES = SCHEMA_LINE.encode("utf-8")


def has_spec_schema(value: Any) -> bool:
    """Whether a document is a mapping with a non-empty ``specSchema`` (what makes the upload validate a file)."""
    return isinstance(value, dict) and value.get("specSchema") not in (None, "")


def judged_file(path: Path, raw: bytes, documents: List[ParsedDocument], explicit: bool) -> Optional[CheckedFile]:
    """Whether the catalog's validator CLI or its upload would check this parsed file (None: neither does).

    The validator CLI checks a file that was named explicitly, or found in a folder with a name ending in
    ``.yaml`` (not ``.yml``), when its bytes contain :data:`SCHEMA_LINE` (double quotes, one space, even
    in a comment). The upload validates a file one of whose documents has a non-empty ``specSchema``.
    """
    by_validator = (explicit or path.name.endswith(".yaml")) and _SCHEMA_LINE_BYTES in raw
    by_upload = any(has_spec_schema(document.value) for document in documents)
    if not (by_validator or by_upload):
        return None
    return CheckedFile(path, by_validator, by_upload)
