"""Located errors: every problem met while reading YAML becomes a ProfileRenderError with file, line, column and hint.

Each reader names its three error classes (:class:`ErrorClasses`): bad
syntax, values the reader refuses, and limits. :func:`yaml_error` maps any
PyYAML or libyaml error (both raise :class:`yaml.YAMLError`) to the first.
"""

from __future__ import annotations

from typing import Optional, Type

import yaml

from profile_render.records import Record
from profile_render.errors import LimitExceededError, ProfileRenderError, ValuesSyntaxError, ValuesTypeError

__all__ = ["ErrorClasses", "VALUES_ERRORS", "yaml_error", "UNDEFINED_ALIAS_HINT"]

UNDEFINED_ALIAS_HINT = "define the anchor (&name) before using the alias (*name)"
_SYNTAX_HINT = "check the YAML syntax near this position"
_INDENT_HINT = "check the indentation near this position"
# Parser problems that almost always mean a line is indented wrongly.
_INDENTATION_PROBLEMS = ("did not find expected key", "expected <block end>", "did not find expected '-' indicator",
                         "could not find expected ':'")


class ErrorClasses(Record):
    """The error classes one reader raises: bad syntax, refused values, limits."""

    _fields = ("syntax", "type", "limit")
    syntax: Type[ProfileRenderError]
    type: Type[ProfileRenderError]
    limit: Type[ProfileRenderError]

    def __init__(self, syntax: Type[ProfileRenderError], type: Type[ProfileRenderError],
                 limit: Type[ProfileRenderError]) -> None:
        self._set("syntax", syntax)
        self._set("type", type)
        self._set("limit", limit)


VALUES_ERRORS = ErrorClasses(ValuesSyntaxError, ValuesTypeError, LimitExceededError)


def yaml_error(exc: yaml.YAMLError, text: str, source: str, errors: ErrorClasses, *, line_offset: int = 0,
               placeholder_hint: bool = False) -> ProfileRenderError:
    """The located error for a parser error on ``text`` (whose first line is line ``line_offset`` of ``source``).

    The message is the parser's problem with its context ("while parsing a
    block mapping", and where that started when it is another line); the
    hint names the usual fix (quote a value starting with ``%``, ``@`` or a
    backquote, use spaces not tabs, fix the indentation). libyaml's own
    nesting limit is reported as a limit. ``placeholder_hint`` shows how to
    quote an Edge Orchestrator placeholder.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or ["invalid YAML"])[0]
    context = getattr(exc, "context", None)
    line: Optional[int] = None
    column: Optional[int] = None
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    else:
        position = getattr(exc, "position", None)  # a ReaderError: a character the reader refuses
        if position is not None:
            before = text[:position]
            line = before.count("\n") + 1
            column = position - (before.rfind("\n") + 1) + 1
        reason = getattr(exc, "reason", None)
        if reason:
            problem = reason
    message = problem
    if context:
        started = getattr(exc, "context_mark", None)
        if started is not None and mark is not None and started.line != mark.line:
            message = f"{problem} ({context} that starts at line {started.line + line_offset + 1}, " \
                      f"column {started.column + 1})"
        else:
            message = f"{problem} ({context})"
    if line is not None:
        line += line_offset
    if "maximum nesting depth" in problem:
        return errors.limit(message, source=source, line=line, column=column, hint="flatten the structure")
    return errors.syntax(message, source=source, line=line, column=column,
                         hint=_hint(problem, text, mark, placeholder_hint))


def _hint(problem: str, text: str, mark: Optional[yaml.Mark], placeholder_hint: bool) -> str:
    """How to fix the usual causes of ``problem``."""
    if "cannot start any token" in problem:
        char = ""
        if mark is not None:
            lines = text.splitlines()
            char = lines[mark.line][mark.column: mark.column + 1] if mark.line < len(lines) else ""
        if char == "\t":
            return "YAML does not allow tabs for indentation; use spaces"
        if char == "%" and placeholder_hint:
            return "a value starting with '%' must be quoted, e.g. key: '%GeneratedDockerCredential%'"
        if char and char in "%@`":
            return f"a value starting with {char!r} must be quoted"
        return "quote the value"
    if any(p in problem for p in _INDENTATION_PROBLEMS):
        return _INDENT_HINT
    return _SYNTAX_HINT
