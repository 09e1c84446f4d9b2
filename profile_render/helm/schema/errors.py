"""What schema validation reports: violations, and the errors for bad values, bad schemas and unreachable references."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple

from profile_render.errors import LimitExceededError, ProfileRenderError, format_path
from profile_render.report import path_parts
from profile_render.helm.schema.instances import repr_prefix

__all__ = [
    "ValuePath",
    "SchemaViolation",
    "SchemaValidationError",
    "SchemaRefError",
    "InvalidSchemaError",
    "SchemaLimitError",
    "MAX_ECHO",
    "echo",
    "path_key",
]

ValuePath = Tuple[Any, ...]

#: The longest value text a message may quote.
MAX_ECHO = 80


@dataclass(frozen=True)
class SchemaViolation:
    """One way the final values break a chart's ``values.schema.json``.

    ``path`` is the value path in the *final* values (a subchart's section
    prefix included); ``keyword`` the failing schema keyword (``type``,
    ``required``, ``enum``, ``format`` ..., ``false`` for a ``false`` schema);
    ``schema_path`` the keywords leading to it inside the schema; ``chart``
    the chart name path (``parent/sub``); ``origin`` where the offending value
    was set, when the caller gave an origin function.

    >>> try:
    ...     validate_values(load_chart(Path("examples/web-chart")), {"adminEmail": "ops@example.com", "replicas": 0})
    ... except SchemaValidationError as error:
    ...     violation = error.violations[0]
    >>> violation.path, violation.keyword, violation.message
    (('replicas',), 'minimum', '0 is less than the minimum of 1')
    >>> violation.to_dict()["schemaPath"]
    ['properties', 'replicas', 'minimum']
    """

    path: ValuePath
    message: str
    keyword: str
    schema_path: Tuple[Any, ...]
    chart: str
    schema_source: str
    origin: Optional[object] = None

    def to_dict(self) -> Dict[str, Any]:
        """The violation as a JSON-ready dict (``schemas/error.schema.json#/$defs/violation``).

        Keys: ``path`` (dotted text) and ``pathParts``, ``message``,
        ``keyword``, ``schemaPath`` (the keywords and indexes as a list),
        ``chart``, ``schemaSource`` and ``origin`` (``{layer, source, line,
        column}`` of the value, or null).

        >>> try:
        ...     validate_values(load_chart(Path("examples/web-chart")), {"adminEmail": 1})
        ... except SchemaValidationError as error:
        ...     print(error.violations[0].to_dict()["path"])
        adminEmail
        """
        return {
            "path": format_path(self.path) if self.path else None,
            "pathParts": path_parts(self.path),
            "message": self.message,
            "keyword": self.keyword,
            "schemaPath": path_parts(self.schema_path),
            "chart": self.chart,
            "schemaSource": self.schema_source,
            "origin": _origin_dict(self.origin),
        }

    def __str__(self) -> str:
        text = f"{format_path(self.path, limit=12)}: {self.message} [{self.keyword}]"
        where = _origin_text(self.origin)
        if where:
            text += f" (value from {where})"
        return text


def _origin_dict(origin: Optional[object]) -> Optional[Dict[str, Any]]:
    """An Origin-like object's place as ``{layer, source, line, column}``, or None."""
    if origin is None:
        return None
    fields = ("layer", "source", "line", "column")
    return {name: getattr(origin, name, None) for name in fields}


def _origin_text(origin: Optional[object]) -> str:
    """``file:line:column (layer)`` for an Origin-like object, or ``""``."""
    if origin is None:
        return ""
    location = getattr(origin, "location", None)
    layer = getattr(origin, "layer", None)
    if location is None:
        return str(origin)
    return f"{location}, {layer}" if layer else str(location)


class SchemaValidationError(ProfileRenderError):
    """The final values break one or more charts' ``values.schema.json`` (Helm would refuse to render).

    ``violations`` lists every violation of every chart, sorted by value path;
    ``str()`` lists them, one per line, each with its value path, message,
    keyword and the location the value was set at (when known).

    >>> try:
    ...     merge_values(load_chart(Path("examples/web-chart")), [Layer.from_text("replicas: 0\\n")])
    ... except SchemaValidationError as error:
    ...     print(error)
    examples/web-chart/values.schema.json: the values do not meet the schema of chart web (2 violations):
      - (top level): 'adminEmail' is a required property [required] (value from <string>, values file)
      - replicas: 0 is less than the minimum of 1 [minimum] (value from <string>:1:1, values file)
    Hint: change the values (or the chart's values.schema.json); Helm refuses to render them
    """

    def __init__(self, violations: Sequence[SchemaViolation], *, complete: bool = True) -> None:
        self.violations: Tuple[SchemaViolation, ...] = tuple(violations)
        #: False when validation stopped at ``SchemaLimits.max_violations``: there may be more
        self.complete = complete
        charts = sorted({v.chart for v in self.violations})
        first = self.violations[0] if self.violations else None
        count = len(self.violations)
        counted = f"{count} violation{'s' if count != 1 else ''}" if complete else \
            f"the first {count:,} violations; SchemaLimits.max_violations stops the search there"
        super().__init__(
            f"the values do not meet the schema of chart{'s' if len(charts) > 1 else ''} "
            f"{', '.join(charts)} ({counted})",
            source=first.schema_source if first and len({v.schema_source for v in self.violations}) == 1 else None,
            hint="change the values (or the chart's values.schema.json); Helm refuses to render them",
        )

    def _render(self) -> str:
        head = f"{self.source}: {self.problem}" if self.source else self.problem
        lines = [head + ":"]
        multi = len({v.chart for v in self.violations}) > 1
        for v in self.violations:
            prefix = f"{v.chart}: " if multi else ""
            lines.append(f"  - {prefix}{v}")
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)

    def _extra_dict(self) -> Dict[str, Any]:
        """Every violation in its JSON form, and whether the list is complete."""
        return {"violations": [v.to_dict() for v in self.violations], "complete": self.complete}


class SchemaRefError(ProfileRenderError):
    """A schema refers to a document profile-render must not fetch (and ``local_refs`` lacks).

    ``ref`` is the absolute URI that was asked for.
    """

    def __init__(self, ref: str, *, source: Optional[str] = None, what: str = "$ref") -> None:
        self.ref = ref
        scheme = ref.split(":", 1)[0].lower() if ":" in ref else ""
        if scheme in ("http", "https"):
            helm = "Helm would download it"
        elif scheme == "file":
            helm = "Helm would read it from the local disk (relative references resolve against file:///values.schema.json)"
        else:
            helm = "Helm has no loader for this scheme and fails"
        super().__init__(
            f"the schema's {what} {ref!r} names a document that is not available offline ({helm})",
            source=source,
            hint="profile-render never fetches schemas: pass the document in local_refs={uri: schema}, "
                 "or inline it under $defs and refer to it with a local #/$defs/... reference",
        )

    def _extra_dict(self) -> Dict[str, Any]:
        """The URI that was asked for."""
        return {"ref": self.ref}


class InvalidSchemaError(ProfileRenderError):
    """A ``values.schema.json`` is not valid JSON or not a valid schema (Helm fails on it too).

    ``details`` lists every problem found (``at '/properties/a/pattern': ...``)
    when the schema breaks its meta-schema; the message names the first.

    >>> chart = Chart.from_files({"Chart.yaml": "apiVersion: v2\\nname: web\\nversion: 0.1.0\\n",
    ...                           "values.schema.json": '{"type": 3}'})
    >>> try:
    ...     merge_values(chart)
    ... except InvalidSchemaError as error:
    ...     print(error.problem)
    the schema is not a valid draft 2020-12 schema: at '/type': 3 is not valid under any of the given schemas
    """

    def __init__(self, problem: str, *, details: Sequence[str] = (), **kwargs: Any) -> None:
        self.details: Tuple[str, ...] = tuple(details)
        super().__init__(problem, **kwargs)

    def _extra_dict(self) -> Dict[str, Any]:
        """Every problem found in the schema."""
        return {"details": list(self.details)}


class SchemaLimitError(InvalidSchemaError, LimitExceededError):
    """A schema goes beyond one of the :class:`~profile_render.helm.schema.limits.SchemaLimits`.

    It is both an :class:`InvalidSchemaError` (the schema cannot be used)
    and a :class:`~profile_render.errors.LimitExceededError` (a caller may
    raise the limit the message names).
    """


def echo(value: Any) -> str:
    """A value's repr, shortened so a message never quotes more than :data:`MAX_ECHO` characters of it.

    Only as much of the value is read as is shown, so echoing a huge or
    deeply nested value costs nothing.
    """
    text, complete = repr_prefix(value, MAX_ECHO)
    if complete:
        return text
    if isinstance(value, str):
        return f"{text[:50]}...{text[0]} ({len(value)} characters)"
    if isinstance(value, dict):
        return f"{text[:50]}...}} ({len(value)} keys)"
    if isinstance(value, list):
        return f"{text[:50]}...] ({len(value)} items)"
    return text[: MAX_ECHO - 3] + "..."


def path_key(path: Sequence[Any]) -> Tuple[Tuple[int, Any], ...]:
    """A sort key for a value or schema path: indexes before names, each in its own order."""
    return tuple((0, p) if isinstance(p, int) and not isinstance(p, bool) else (1, str(p)) for p in path)
