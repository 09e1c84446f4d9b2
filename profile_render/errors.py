"""The exception hierarchy and warning records of profile-render.

Every failure a caller can provoke with bad input is a :class:`ProfileRenderError`
(or a subclass). Errors are structured like python-jsonschema's: callers inspect
``source``, ``line``, ``column``, ``path``, ``problem`` and ``hint`` instead of
parsing a message. ``str(error)`` renders them as one readable paragraph.

Secrets never belong in these objects: code that raises an error about a value
that may be secret must describe the value, not quote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence, Tuple

__all__ = [
    "Location",
    "ProfileRenderError",
    "ValuesSyntaxError",
    "ValuesTypeError",
    "LimitExceededError",
    "SetSyntaxError",
    "ChartError",
    "MergeError",
    "StrictModeError",
    "ValuesWarning",
    "format_path",
    "describe_value",
]

PathKey = object  # a str (mapping key) or an int (list index)


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
            out.append(f"[{part}]")
            continue
        text = str(part).replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")
        out.append(text if not out else "." + text)
    return "".join(out) if out else "(top level)"


def describe_value(value: object, *, mapping: str = "a table") -> str:
    """Name a value's kind for a message without quoting it (values may be secret).

    ``mapping`` is the word for a dict (``a table`` in values, ``a mapping`` in
    catalog files).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return mapping
    return "a value"


@dataclass(frozen=True)
class Location:
    """A place in a source: a file (or other named input) and a 1-based line and column."""

    source: str
    line: Optional[int] = None
    column: Optional[int] = None

    def __str__(self) -> str:
        if self.line is None:
            return self.source
        if self.column is None:
            return f"{self.source}:{self.line}"
        return f"{self.source}:{self.line}:{self.column}"


class ProfileRenderError(Exception):
    """Base class of every error profile-render raises for bad input.

    Attributes:
        problem: what is wrong, one sentence.
        source: the file or input name (``"<string>"``, ``"--set a=b"``), if known.
        line, column: 1-based position in ``source``, if known.
        path: the value path (tuple of keys and list indexes), if one applies.
        hint: how to fix it, if there is advice to give.
    """

    def __init__(
        self,
        problem: str,
        *,
        source: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        path: Optional[Sequence[object]] = None,
        hint: Optional[str] = None,
    ) -> None:
        self.problem = problem
        self.source = source
        self.line = line
        self.column = column
        self.path: Optional[Tuple[object, ...]] = tuple(path) if path is not None else None
        self.hint = hint
        super().__init__(self._render())

    @property
    def location(self) -> Optional[Location]:
        """The source location as a :class:`Location`, or None when no source is known."""
        if self.source is None:
            return None
        return Location(self.source, self.line, self.column)

    def _render(self) -> str:
        parts = []
        loc = self.location
        if loc is not None:
            if self.line is None and self.column is not None:
                parts.append(f"{self.source} (column {self.column}): ")
            else:
                parts.append(f"{loc}: ")
        parts.append(self.problem)
        if self.path:
            parts.append(f" (at value path {format_path(self.path, limit=12)})")
        if self.hint:
            parts.append(f". Hint: {self.hint}")
        return "".join(parts)

    def __str__(self) -> str:
        return self._render()


class ValuesSyntaxError(ProfileRenderError):
    """A values document is not valid YAML."""


class ValuesTypeError(ProfileRenderError):
    """A values document is valid YAML but not a valid Helm values tree
    (top level not a mapping, a null key, a value JSON cannot carry, a bad tag)."""


class LimitExceededError(ProfileRenderError):
    """An input exceeds a configured limit (size, nesting depth, alias expansion)."""


class SetSyntaxError(ProfileRenderError):
    """A ``--set``/``--set-string`` expression cannot be parsed."""


class ChartError(ProfileRenderError):
    """A chart (directory, archive or values file) cannot be read or is malformed."""


class MergeError(ProfileRenderError):
    """Layers cannot be combined (for example a subchart section that is not a table)."""


class StrictModeError(ProfileRenderError):
    """A warning was raised while ``strict`` mode turns warnings into errors."""

    def __init__(self, warning: "ValuesWarning") -> None:
        self.warning = warning
        super().__init__(
            warning.message,
            source=warning.source,
            line=warning.line,
            column=warning.column,
            path=warning.path,
            hint=(warning.hint + "; " if warning.hint else "") + "this is an error because strict mode is on",
        )


@dataclass(frozen=True)
class ValuesWarning:
    """A non-fatal finding: Helm would accept the input, but it is probably a mistake.

    ``code`` is a stable identifier (``duplicate-key``, ``table-conflict`` ...)
    callers can filter on.
    """

    code: str
    message: str
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    path: Optional[Tuple[object, ...]] = None
    hint: Optional[str] = None
    related: Tuple[Location, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        head = ""
        if self.source is not None:
            head = str(Location(self.source, self.line, self.column)) + ": "
        text = f"{head}warning: {self.message}"
        if self.path:
            text += f" (at value path {format_path(self.path, limit=12)})"
        if self.hint:
            text += f". Hint: {self.hint}"
        return text
