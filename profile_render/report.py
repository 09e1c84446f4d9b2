"""The one reporter: diagnostics as text, JSON or SARIF 2.1.0.

Text is one line per diagnostic::

    file:line:col: severity: message (at a.b[0]). Hint: how to fix [rule-id]

with as much of the location as is known, ``Kind/name: `` before the message
for a problem in a rendered manifest (whose advice reads ``Fix:``), and no
``[rule-id]`` for a plain input error. JSON is a list of :func:`to_dict`
objects, one fixed shape for every diagnostic (``schemas/diagnostic.schema.json``):
``rule``, ``severity``, ``message``, ``source``, ``line``, ``column``, ``path``
(dotted text and ``pathParts``), ``hint``, the manifest object's ``document``,
``kind`` and ``name``, ``related`` places, and the former names ``code`` and
``fix``. SARIF is a log with one run whose tool driver lists the
rules given, so CI systems can annotate pull requests.

Nothing here adds information a diagnostic does not hold, so no output can
show a secret a diagnostic does not show.
"""

from __future__ import annotations

import json
import os
from pathlib import PurePath, PurePosixPath
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote

from profile_render.problems import Diagnostic, Location, Rule, format_path

__all__ = [
    "FORMATS",
    "SARIF_VERSION",
    "SARIF_SCHEMA_URI",
    "location_text",
    "line_text",
    "error_text",
    "path_parts",
    "to_dict",
    "dict_json",
    "format_text",
    "format_json",
    "sarif_log",
    "format_sarif",
    "report",
    "artifact_uri",
]

FORMATS = ("text", "json", "sarif")
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "profile-render"
# Text shows paths up to this many parts (first and last halves beyond); JSON and SARIF show them whole.
PATH_LIMIT = 12
_LEVELS: Mapping[str, str] = {"error": "error", "warning": "warning", "info": "note"}


# -- text ------------------------------------------------------------------------------------------

def location_text(d: Diagnostic) -> Optional[str]:
    """Where a diagnostic is, as text: ``file:line:col``, ``file (document 2)``, ``document 2`` or None.

    Without a line, what else is known goes in parentheses after the file
    (``file (column 7)``); without a file, only a manifest document index can
    say where.
    """
    if d.source is None:
        return f"document {d.document}" if d.document is not None else None
    if d.line is not None:
        return str(Location(d.source, d.line, d.column))
    extra = [f"document {d.document}"] if d.document is not None else []
    if d.column is not None:
        extra.append(f"column {d.column}")
    return f"{d.source} ({', '.join(extra)})" if extra else d.source


def _advice_label(d: Diagnostic) -> str:
    # A manifest problem's hint is always an edit to that object, so it reads as a fix.
    return "Fix" if d.in_manifest else "Hint"


def _body(d: Diagnostic, *, at: str = "at") -> str:
    """The message with its subject, path and advice: what text lines and SARIF messages say."""
    text = d.message
    if d.in_manifest:
        subject = f"{d.kind}/{d.name}" if d.name else (d.kind or "object")
        text = f"{subject}: {text}"
    if d.path:
        text += f" ({at} {format_path(d.path, limit=PATH_LIMIT)})"
    if d.hint:
        text += f". {_advice_label(d)}: {d.hint}"
    return text


def line_text(d: Diagnostic) -> str:
    """One diagnostic as a text line: ``file:line:col: severity: message (at path). Hint: ... [rule]``."""
    where = location_text(d)
    text = f"{where}: " if where else ""
    text += f"{d.severity}: {_body(d)}"
    return f"{text} [{d.rule}]" if d.rule else text


def error_text(d: Diagnostic) -> str:
    """An input error's diagnostic as ``str(ProfileRenderError)`` shows it: ``file:line:col: problem ...``.

    Unlike a report line it has no severity (it is always an error) and names
    the path a value path.
    """
    where = location_text(d)
    return (f"{where}: " if where else "") + _body(d, at="at value path")


def format_text(diagnostics: Iterable[Diagnostic], *, prefix: str = "") -> str:
    """Diagnostics as text, one line each (each starting with ``prefix``)."""
    return "".join(f"{prefix}{line_text(d)}\n" for d in diagnostics)


# -- JSON ------------------------------------------------------------------------------------------

def path_parts(path: Optional[Sequence[Any]]) -> Optional[List[Any]]:
    """A value path as a JSON list: list indexes stay integers, every other part becomes its text.

    An index too long for JSON to carry as a number (more digits than Python
    writes) is named by its size instead, as the dotted form names it.
    """
    if path is None:
        return None
    out: List[Any] = []
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out.append(part if part.bit_length() <= 64 else format_path((part,))[1:-1])
        else:
            out.append(str(part))
    return out


def to_dict(d: Diagnostic) -> Dict[str, Any]:
    """A diagnostic as a JSON-ready dict with a fixed set of keys (``schemas/diagnostic.schema.json``).

    Keys: ``rule`` (and ``code``, its name before 0.2), ``severity``,
    ``message``, ``source``, ``line``, ``column``, ``path`` (dotted text, or
    None), ``pathParts`` (the same path as a list of keys and indexes),
    ``hint`` (and ``fix``, its name in manifest findings), ``document``,
    ``kind`` and ``name`` (set for a problem in a rendered manifest), and
    ``related`` (other places, each ``{source, line, column}``). Every key is
    always present, null when unknown.
    """
    return {
        "rule": d.rule,
        "code": d.rule,
        "severity": d.severity,
        "message": d.message,
        "source": d.source,
        "line": d.line,
        "column": d.column,
        "path": format_path(d.path) if d.path else None,
        "pathParts": path_parts(d.path) if d.path else None,
        "hint": d.hint,
        "fix": d.hint,
        "document": d.document,
        "kind": d.kind,
        "name": d.name,
        "related": [{"source": r.source, "line": r.line, "column": r.column} for r in d.related],
    }


def dict_json(data: Mapping[str, Any], *, indent: Optional[int] = 2) -> str:
    """A :func:`to_dict` (or error ``to_dict()``) result as JSON text, non-ASCII kept as is."""
    return json.dumps(data, indent=indent, ensure_ascii=False)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """Diagnostics as a JSON list of :func:`to_dict` objects."""
    return json.dumps([to_dict(d) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


# -- SARIF -----------------------------------------------------------------------------------------

def artifact_uri(source: str) -> Optional[str]:
    """A URI reference for a source that names a file, or None for a stand-in (``<stdin>``, ``--set a=b``).

    An absolute path becomes a ``file://`` URI; a relative one a relative
    reference with ``/`` separators and every other reserved character
    percent-encoded.
    """
    if not source or (source.startswith("<") and source.endswith(">")) or source.startswith("-"):
        return None
    if os.path.isabs(source):
        return PurePosixPath(PurePath(source).as_posix()).as_uri()
    return quote(PurePath(source).as_posix())


def _physical(source: Optional[str], line: Optional[int], column: Optional[int]) -> Optional[Dict[str, Any]]:
    uri = artifact_uri(source) if source is not None else None
    if uri is None:
        return None
    out: Dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if line is not None:
        region: Dict[str, Any] = {"startLine": line}
        if column is not None:
            region["startColumn"] = column
        out["region"] = region
    return out


def _location(d: Diagnostic) -> Optional[Dict[str, Any]]:
    out: Dict[str, Any] = {}
    physical = _physical(d.source, d.line, d.column)
    if physical is not None:
        out["physicalLocation"] = physical
    logical: List[Dict[str, Any]] = []
    if d.in_manifest and (d.kind or d.name):
        logical.append({"kind": "resource", "name": d.name or "", "fullyQualifiedName": f"{d.kind}/{d.name}"})
    if d.path:
        logical.append({"kind": "property", "name": str(d.path[-1]), "fullyQualifiedName": format_path(d.path)})
    if logical:
        out["logicalLocations"] = logical
    return out or None


def _result(d: Diagnostic, rule_index: Mapping[str, int]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    if d.rule:
        out["ruleId"] = d.rule
        if d.rule in rule_index:
            out["ruleIndex"] = rule_index[d.rule]
    out["level"] = _LEVELS[d.severity]
    out["message"] = {"text": _body(d)}
    location = _location(d)
    if location is not None:
        out["locations"] = [location]
    related = [p for p in (_physical(r.source, r.line, r.column) for r in d.related) if p is not None]
    if related:
        out["relatedLocations"] = [{"id": i, "physicalLocation": p} for i, p in enumerate(related)]
    properties: Dict[str, Any] = {}
    if d.path:
        properties["path"] = format_path(d.path)
    if d.in_manifest:
        properties.update(document=d.document, kind=d.kind, name=d.name)
    if d.hint:
        properties[_advice_label(d).lower()] = d.hint
    if properties:
        out["properties"] = properties
    return out


def _descriptor(rule: Rule) -> Dict[str, Any]:
    out: Dict[str, Any] = {"id": rule.id, "shortDescription": {"text": rule.summary}}
    if rule.description:
        out["fullDescription"] = {"text": rule.description}
    if rule.severity is not None:
        out["defaultConfiguration"] = {"level": _LEVELS[rule.severity]}
    return out


def sarif_log(diagnostics: Iterable[Diagnostic], *, rules: Sequence[Rule] = (), failed: bool = False,
              artifacts: Sequence[Tuple[str, Sequence[str], Mapping[str, Any]]] = ()) -> Dict[str, Any]:
    """A SARIF 2.1.0 log (as a dict) with one run of profile-render reporting ``diagnostics``.

    ``rules`` become ``tool.driver.rules`` (results refer to them by id and
    index); ``failed`` marks a run that an input error stopped before it could
    check everything; ``artifacts`` (path, SARIF roles, properties) become the
    run's ``artifacts``, the files the run looked at.
    """
    from profile_render import __version__

    rule_index = {rule.id: i for i, rule in enumerate(rules)}
    run: Dict[str, Any] = {
        "tool": {"driver": {"name": TOOL_NAME, "version": __version__,
                            "rules": [_descriptor(rule) for rule in rules]}},
        "invocations": [{"executionSuccessful": not failed}],
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, rule_index) for d in diagnostics],
    }
    listed = []
    for path, roles, properties in artifacts:
        uri = artifact_uri(path)
        if uri is not None:
            entry: Dict[str, Any] = {"location": {"uri": uri}}
            if roles:
                entry["roles"] = list(roles)
            if properties:
                entry["properties"] = dict(properties)
            listed.append(entry)
    if listed:
        run["artifacts"] = listed
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def format_sarif(diagnostics: Iterable[Diagnostic], *, rules: Sequence[Rule] = (), failed: bool = False,
                 artifacts: Sequence[Tuple[str, Sequence[str], Mapping[str, Any]]] = ()) -> str:
    """:func:`sarif_log` as JSON text."""
    log = sarif_log(diagnostics, rules=rules, failed=failed, artifacts=artifacts)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def report(diagnostics: Sequence[Diagnostic], fmt: str = "text", *, rules: Sequence[Rule] = (),
           failed: bool = False) -> str:
    """Diagnostics in one of :data:`FORMATS`: ``text``, ``json`` or ``sarif`` (``rules`` and ``failed`` for SARIF)."""
    if fmt == "text":
        return format_text(diagnostics)
    if fmt == "json":
        return format_json(diagnostics)
    if fmt == "sarif":
        return format_sarif(diagnostics, rules=rules, failed=failed)
    raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
