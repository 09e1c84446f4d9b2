"""Findings: what lint and package checks report, one object per problem.

A :class:`Finding` is data (rule id, severity, location, field path, message,
hint), rendered as ``file:line:col: severity: message [rule-id]`` in text and as
a plain dict in JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from profile_render.errors import format_path

__all__ = ["Finding", "ERROR", "WARNING", "INFO", "SEVERITIES"]

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Finding:
    """One problem found in a deployment package, a values file or a chart.

    ``rule`` is a stable id documented in docs/lint-rules.md; ``path`` is the
    field path inside the object (``profiles[0].parameterTemplates[1].type``)
    or the value path inside a values file.
    """

    rule: str
    severity: str
    message: str
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    path: Optional[Tuple[Any, ...]] = None
    hint: Optional[str] = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}")

    @property
    def location(self) -> str:
        """``file:line:col`` (as much of it as is known)."""
        if self.source is None:
            return "<package>"
        if self.line is None:
            return self.source
        return f"{self.source}:{self.line}:{self.column or 1}"

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}: {self.message}"
        if self.path:
            text += f" (at {format_path(self.path, limit=12)})"
        if self.hint:
            text += f". Hint: {self.hint}"
        return f"{text} [{self.rule}]"

    def to_dict(self) -> Dict[str, Any]:
        """The JSON form of the finding."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "path": format_path(self.path) if self.path else None,
            "hint": self.hint,
        }
