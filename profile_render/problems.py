"""The one located problem record: :class:`Diagnostic`.

Every problem profile-render reports is a :class:`Diagnostic`: a
:class:`~profile_render.errors.ProfileRenderError` carries one (``error.diagnostic``),
the values pipeline's warnings are diagnostics, and so are lint's and the
manifest checks' findings. A diagnostic says where (file, 1-based line and
column, value or field path, and for a rendered manifest the object: document
index, kind and name), how bad (severity), which rule (a stable id), what is
wrong (message) and how to fix it (hint). :mod:`profile_render.report` writes
diagnostics as text, JSON and SARIF 2.1.0.

The names the four record types had are kept: ``Finding`` is this class;
``ValuesWarning`` and ``ManifestFinding`` are this class with their former
constructor signatures (they add no field and no behaviour), and ``code`` and
``fix`` read ``rule`` and ``hint``.

Diagnostics never hold secrets: code that reports about a value that may be
secret describes the value instead of quoting it.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

from profile_render.records import Record

__all__ = [
    "ERROR",
    "WARNING",
    "INFO",
    "SEVERITIES",
    "Location",
    "Rule",
    "Diagnostic",
    "Finding",
    "ValuesWarning",
    "ManifestFinding",
    "format_path",
]

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


def format_path(path: Sequence[object], *, limit: Optional[int] = None) -> str:
    """Render a value path as Helm-style dotted text, e.g. ``a.b[0].c``.

    Keys that contain dots or brackets are escaped the way ``--set`` expects
    (``a\\.b``), so the printed path can be pasted back into ``--set``. With
    ``limit``, a longer path shows its first and last parts around an ellipsis.
    """
    if limit is not None and len(path) > limit:
        half = max(1, limit // 2)
        return f"{format_path(path[:half])}...{format_path(path[-half:])}"
    out: list[str] = []
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out.append(f"[{_int_text(part)}]")
            continue
        text = str(part).replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")
        out.append(text if not out else "." + text)
    return "".join(out) if out else "(top level)"


def _int_text(number: int) -> str:
    """An integer as text, or its size when it has more digits than Python turns into text (4,300)."""
    try:
        return str(number)
    except ValueError:
        return f"<an integer of about {int(number.bit_length() * 0.30103):,} digits>"


class Location(Record):
    """A place in a source: a file (or other named input) and a 1-based line and column.

    >>> place = Location("values.yaml", 3, 5)
    >>> print(place)
    values.yaml:3:5
    """

    _fields = ("source", "line", "column")
    source: str
    line: Optional[int]
    column: Optional[int]

    def __init__(self, source: str, line: Optional[int] = None, column: Optional[int] = None) -> None:
        self._set("source", source)
        self._set("line", line)
        self._set("column", column)

    def __str__(self) -> str:
        if self.line is None:
            return self.source
        if self.column is None:
            return f"{self.source}:{self.line}"
        return f"{self.source}:{self.line}:{self.column}"


class Rule(Record):
    """What a rule id stands for: its default severity and a one-line summary of what it finds.

    ``severity`` is None for a rule whose severity depends on the case (the
    catalog's ``yaml-syntax``, for example); ``description`` may say more.
    Reporters list rules in SARIF's ``tool.driver.rules``.
    """

    _fields = ("id", "severity", "summary", "description")
    id: str
    severity: Optional[str]
    summary: str
    description: str

    def __init__(self, id: str, severity: Optional[str], summary: str, description: str = "") -> None:
        self._set("id", id)
        self._set("severity", severity)
        self._set("summary", summary)
        self._set("description", description)


class Diagnostic(Record):
    """One located problem: an error, a warning, a lint finding or a manifest finding.

    ``rule`` is a stable id (None for a plain input error); ``severity`` one of
    ``error``, ``warning``, ``info``; ``source``/``line``/``column`` (1-based)
    locate it when known; ``path`` is the value path in a values file or the
    field path inside an object. ``document``, ``kind`` and ``name`` are set
    for a problem in a rendered manifest: the 0-based index of the object's
    document among the non-empty documents of the stream, its kind and its
    ``metadata.name`` ("" when it has none). ``related`` lists other places
    the problem involves (the earlier of two duplicate keys, for example).

    Diagnostics compare and hash by their fields, whichever of the compatible
    constructors (``ValuesWarning``, ``ManifestFinding``) made them.

    >>> problem = Diagnostic("my-rule", "warning", "replicas is 0", "values.yaml", 2, 1, hint="use at least 1")
    >>> print(problem)
    values.yaml:2:1: warning: replicas is 0. Hint: use at least 1 [my-rule]
    >>> problem.to_dict()["severity"]
    'warning'
    """

    _fields = ("rule", "severity", "message", "source", "line", "column", "path", "hint", "document", "kind",
               "name", "related")
    rule: Optional[str]
    severity: str
    message: str
    source: Optional[str]
    line: Optional[int]
    column: Optional[int]
    path: Optional[Tuple[Any, ...]]
    hint: Optional[str]
    document: Optional[int]
    kind: Optional[str]
    name: Optional[str]
    related: Tuple[Location, ...]

    def __init__(self, rule: Optional[str], severity: str, message: str, source: Optional[str] = None,
                 line: Optional[int] = None, column: Optional[int] = None, path: Optional[Tuple[Any, ...]] = None,
                 hint: Optional[str] = None, document: Optional[int] = None, kind: Optional[str] = None,
                 name: Optional[str] = None, related: Tuple[Location, ...] = ()) -> None:
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}")
        set_field = self._set
        set_field("rule", rule)
        set_field("severity", severity)
        set_field("message", message)
        set_field("source", source)
        set_field("line", line)
        set_field("column", column)
        # Paths arrive as lists from some callers; a tuple keeps the record hashable.
        set_field("path", tuple(path) if path is not None and not isinstance(path, tuple) else path)
        set_field("hint", hint)
        set_field("document", document)
        set_field("kind", kind)
        set_field("name", name)
        set_field("related", related if isinstance(related, tuple) else tuple(related))

    def __eq__(self, other: object) -> bool:  # any of the compatible constructors: equal by fields
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def code(self) -> Optional[str]:
        """The rule id under the name ``ValuesWarning`` gave it."""
        return self.rule

    @property
    def fix(self) -> Optional[str]:
        """The hint under the name ``ManifestFinding`` gave it."""
        return self.hint

    @property
    def in_manifest(self) -> bool:
        """Whether the problem is in an object of a rendered manifest stream (``document`` is set)."""
        return self.document is not None

    @property
    def location(self) -> Optional[str]:
        """Where, as text (``file:line:col``, ``file (document 2)``, ...), or None when nothing is known."""
        from profile_render.report import location_text  # report imports this module

        return location_text(self)

    def evolve(self, **changes: Any) -> "Diagnostic":
        """A :class:`Diagnostic` with ``changes`` applied (``rule=``, ``severity=`` ...), whatever made this one."""
        values: Dict[str, Any] = {name: getattr(self, name) for name in Diagnostic._fields}
        values.update(changes)
        return Diagnostic(**values)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON form, a fresh dict the caller owns (keys: :func:`profile_render.report.to_dict`).

        >>> Diagnostic("unknown-key", "warning", "k is unknown", "v.yaml", 3, 1, ("a", 0)).to_dict()["pathParts"]
        ['a', 0]
        """
        from profile_render.report import to_dict

        return to_dict(self)

    def to_json(self, *, indent: Optional[int] = 2) -> str:
        """:meth:`to_dict` as JSON text (described by ``schemas/diagnostic.schema.json``).

        >>> print(Diagnostic(None, "error", "m").to_json(indent=None)[:40])
        {"rule": null, "code": null, "severity":
        """
        from profile_render.report import dict_json

        return dict_json(self.to_dict(), indent=indent)

    def __str__(self) -> str:
        """One line: ``file:line:col: severity: message (at path). Hint: ... [rule]``."""
        from profile_render.report import line_text

        return line_text(self)


#: Lint and package findings were ``Finding`` records; they are diagnostics.
Finding = Diagnostic


class ValuesWarning(Diagnostic):
    """A warning of the values pipeline, built with the former signature ``ValuesWarning(code, message, ...)``.

    Helm would accept the input, but it is probably a mistake. ``code`` is the
    rule id (``duplicate-key``, ``table-conflict`` ...); the severity is
    ``warning``. The object is a plain :class:`Diagnostic` otherwise.

    >>> warning = load_values("a: 1\\na: 2\\n").warnings[0]
    >>> isinstance(warning, ValuesWarning), warning.rule, warning.line
    (True, 'duplicate-key', 2)
    """

    def __init__(self, code: str, message: str, source: Optional[str] = None, line: Optional[int] = None,
                 column: Optional[int] = None, path: Optional[Tuple[Any, ...]] = None, hint: Optional[str] = None,
                 related: Sequence[Location] = ()) -> None:
        super().__init__(code, WARNING, message, source, line, column, path, hint, related=tuple(related))


class ManifestFinding(Diagnostic):
    """A manifest finding, built with the former signature.

    ``ManifestFinding(rule, severity, document, kind, name, path, message, fix,
    source=None, line=None, column=None)``; ``fix`` is the hint. The object is
    a plain :class:`Diagnostic` otherwise.
    """

    def __init__(self, rule: str, severity: str, document: int, kind: str, name: str, path: Tuple[Any, ...],
                 message: str, fix: str, source: Optional[str] = None, line: Optional[int] = None,
                 column: Optional[int] = None) -> None:
        super().__init__(rule, severity, message, source, line, column, path, fix, document, kind, name)
