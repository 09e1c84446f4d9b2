"""The exception hierarchy of profile-render.

Every failure a caller can provoke with bad input is a :class:`ProfileRenderError`
(or a subclass). Errors are structured like python-jsonschema's: callers inspect
``source``, ``line``, ``column``, ``path``, ``problem`` and ``hint`` instead of
parsing a message; they are read from ``error.diagnostic``, the same located
record (:class:`~profile_render.problems.Diagnostic`) that warnings and
findings are, so errors report through the same reporter. ``str(error)``
renders them as one readable paragraph.

Every error has a JSON form, ``to_dict()`` / ``to_json()`` (described by
``schemas/error.schema.json``): the diagnostic's fields, the error's type
names, its text, and what its kind adds (a schema error's violations, a
package error's findings ...).

Errors are immutable records once raised: the located fields, ``diagnostic``
and the lists a kind adds (held as tuples) cannot be reassigned or changed, so
one error can be shared between threads and returned to many callers.

Secrets never belong in these objects: code that raises an error about a value
that may be secret must describe the value, not quote it.
"""

from __future__ import annotations


import functools
from typing import Any, Callable, Dict, Generic, List, Optional, Sequence, Tuple, TypeVar, Union, cast, overload

from profile_render.problems import ERROR, Diagnostic, Location, ValuesWarning, format_path
from profile_render.report import dict_json, error_text, to_dict

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
    "error_types",
    "resource_guard",
]


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


T = TypeVar("T")


class DiagnosticField(Generic[T]):
    """A read-only attribute of an error that reads one field of the error's ``diagnostic``."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc

    @overload
    def __get__(self, error: None, owner: type) -> "DiagnosticField[T]": ...

    @overload
    def __get__(self, error: "ProfileRenderError", owner: type) -> T: ...

    def __get__(self, error: "Optional[ProfileRenderError]", owner: type) -> "Union[T, DiagnosticField[T]]":
        if error is None:
            return self
        value: T = getattr(error.diagnostic, self.name)
        return value

    def __set__(self, error: "ProfileRenderError", value: T) -> None:
        # Refused rather than shadowed, so the attribute and the reported record never disagree.
        raise AttributeError(f"an error's {self.name} is read from its diagnostic and cannot be set")


class ProfileRenderError(Exception):
    """Base class of every error profile-render raises for bad input.

    Attributes (read from ``diagnostic``, the error's located record, whose
    severity is ``error``):
        problem: what is wrong, one sentence (the diagnostic's ``message``).
        source: the file or input name (``"<string>"``, ``"--set a=b"``), if known.
        line, column: 1-based position in ``source``, if known.
        path: the value path (tuple of keys and list indexes), if one applies.
        hint: how to fix it, if there is advice to give.

    >>> error = ProfileRenderError("replicas must be a number", source="values.yaml", line=3, column=5,
    ...                            hint="write replicas: 2")
    >>> print(error)
    values.yaml:3:5: replicas must be a number. Hint: write replicas: 2
    >>> error.to_dict()["line"], error.to_dict()["hint"]
    (3, 'write replicas: 2')
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
        self._diagnostic = Diagnostic(None, ERROR, problem, source, line, column,
                                      tuple(path) if path is not None else None, hint)
        super().__init__(self._render())

    @property
    def diagnostic(self) -> Diagnostic:
        """The error's located record (severity ``error``), the one every other field is read from."""
        return self._diagnostic

    # What the error says is read from its diagnostic: one record, no copies to keep in step.
    problem = DiagnosticField[str]("message", "What is wrong, one sentence.")
    source = DiagnosticField[Optional[str]]("source", "The file or input name, if known.")
    line = DiagnosticField[Optional[int]]("line", "The 1-based line in ``source``, if known.")
    column = DiagnosticField[Optional[int]]("column", "The 1-based column in ``source``, if known.")
    path = DiagnosticField[Optional[Tuple[object, ...]]]("path", "The value path the error is about, if one applies.")
    hint = DiagnosticField[Optional[str]]("hint", "How to fix it, if there is advice to give.")

    @property
    def location(self) -> Optional[Location]:
        """The source location as a :class:`Location`, or None when no source is known."""
        if self.source is None:
            return None
        return Location(self.source, self.line, self.column)

    def relocated(self, **changes: Any) -> "ProfileRenderError":
        """A copy of this error (same class and extras) whose diagnostic has ``changes``, e.g. ``line=None``.

        Errors are read-only records; a caller that knows better where the
        problem is (or that a position means nothing to its reader) raises
        the copy instead.
        """
        from copy import copy  # only errors that are relocated need it

        clone = copy(self)
        clone._diagnostic = self._diagnostic.evolve(**changes)
        clone.args = (clone._render(),)
        return clone

    def _render(self) -> str:
        return error_text(self.diagnostic)

    def __reduce__(self) -> Tuple[Any, ...]:
        """Pickle as the same class with the same record and extras (render_many's process workers send errors back).

        A subclass's constructor may take other arguments than the text, so
        unpickling restores the fields instead of calling it.
        """
        return (_rebuilt_error, (type(self), self.args, dict(self.__dict__)))

    def __str__(self) -> str:
        return self._render()

    def to_dict(self) -> Dict[str, Any]:
        """The error as a JSON-ready dict, a fresh one the caller owns (``schemas/error.schema.json``).

        ``type`` is the class name and ``errorTypes`` every profile-render
        error class it is an instance of (most specific first, so a service can
        map ``LimitExceededError`` to its own status); then every key of the
        diagnostic's JSON form (:func:`profile_render.report.to_dict`), ``text``
        (``str(error)``) and what the error's kind adds.

        >>> error = ChartError("no Chart.yaml", source="chart/", hint="point at a chart directory")
        >>> {k: error.to_dict()[k] for k in ("type", "errorTypes", "source", "hint")}
        {'type': 'ChartError', 'errorTypes': ['ChartError', 'ProfileRenderError'], 'source': 'chart/', \
'hint': 'point at a chart directory'}
        """
        out: Dict[str, Any] = {"type": type(self).__name__, "errorTypes": error_types(type(self))}
        out.update(to_dict(self.diagnostic))
        out["text"] = str(self)
        out.update(self._extra_dict())
        return out

    def to_json(self, *, indent: Optional[int] = 2) -> str:
        """:meth:`to_dict` as JSON text.

        >>> print(ProfileRenderError("replicas must be a number", source="values.yaml", line=3).to_json(indent=None))
        {"type": "ProfileRenderError", ..., "message": "replicas must be a number", "source": "values.yaml", "line": 3, ...}
        """
        return dict_json(self.to_dict(), indent=indent)

    def _extra_dict(self) -> Dict[str, Any]:
        """What this kind of error adds to :meth:`to_dict` (nothing here); subclasses with more to say extend it.

        Every key a subclass adds must be declared in ``schemas/error.schema.json``.
        """
        return {}


def _rebuilt_error(cls: "type[ProfileRenderError]", args: Tuple[Any, ...], fields: Dict[str, Any]) -> "ProfileRenderError":
    """An error of class ``cls`` with the given ``args`` and fields, its constructor not called (see ``__reduce__``)."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(fields)
    return error


class ValuesSyntaxError(ProfileRenderError):
    """A values document is not valid YAML.

    >>> try:
    ...     load_values("ports: [80, 443\\n")
    ... except ValuesSyntaxError as error:
    ...     print(error.line, error.column)
    2 1
    """


class ValuesTypeError(ProfileRenderError):
    """A values document is valid YAML but not a valid Helm values tree.

    For example: the top level is not a mapping, a key is null, a value JSON
    cannot carry, or a tag is unknown.

    >>> try:
    ...     load_values("- a list at the top\\n")
    ... except ValuesTypeError as error:
    ...     print(error.problem)
    the top level of a values document must be a mapping, not a list
    """


class LimitExceededError(ProfileRenderError):
    """An input exceeds a configured limit (size, nesting depth, alias expansion).

    >>> try:
    ...     load_values("replicaCount: 1\\n", limits=Limits(max_bytes=4))
    ... except LimitExceededError as error:
    ...     print(error.problem)
    the values document is 16 bytes, more than the limit of 4
    """


class SetSyntaxError(ProfileRenderError):
    """A ``--set``/``--set-string`` expression cannot be parsed.

    >>> try:
    ...     parse_set("image.tag")
    ... except SetSyntaxError as error:
    ...     print(error.problem)
    key "tag" has no value
    """


class ChartError(ProfileRenderError):
    """A chart (directory, archive or values file) cannot be read or is malformed.

    >>> try:
    ...     Chart.from_files({"Chart.yaml": "apiVersion: v2\\nname: web\\n"})
    ... except ChartError as error:
    ...     print(error.problem)
    Chart.yaml has no version
    """


class MergeError(ProfileRenderError):
    """Layers cannot be combined (for example a subchart section that is not a table).

    >>> try:
    ...     merge_values(load_chart(Path("examples/web-chart")), [Layer.from_text("redis: 1\\n")])
    ... except MergeError as error:
    ...     print(error.problem)
    the values for subchart 'redis' must be a table, not a number
    """


class StrictModeError(ProfileRenderError):
    """A warning was raised while ``strict`` mode turns warnings into errors.

    >>> try:
    ...     load_values("a: 1\\na: 2\\n", strict=True)
    ... except StrictModeError as error:
    ...     print(error.line, error.problem)
    2 duplicate key 'a': the value at line 2 replaces the one at line 1
    """

    def __init__(self, warning: Diagnostic) -> None:
        if not isinstance(warning, Diagnostic):
            raise TypeError("StrictModeError wraps a warning (a Diagnostic)")
        self.warning = warning
        super().__init__(
            warning.message,
            source=warning.source,
            line=warning.line,
            column=warning.column,
            path=warning.path,
            hint=(warning.hint + "; " if warning.hint else "") + "this is an error because strict mode is on",
        )
        # The error keeps the warning's rule id, so reports can still say which check it was.
        self._diagnostic = self.diagnostic.evolve(rule=warning.rule)

    def _extra_dict(self) -> Dict[str, Any]:
        """The warning strict mode turned into this error, in its own JSON form."""
        return {"warning": to_dict(self.warning)}


def error_types(cls: type) -> List[str]:
    """The names of the profile-render error classes ``cls`` is (itself first, ``ProfileRenderError`` last).

    Order follows the method resolution order, so the most specific kinds
    come first; other exception classes mixed in (``KeyError``, ``ValueError``)
    are left out.
    """
    return [base.__name__ for base in cls.__mro__
            if isinstance(base, type) and issubclass(base, ProfileRenderError)]


F = TypeVar("F", bound=Callable[..., Any])


def resource_guard(function: F) -> F:
    """Defence in depth at a public entry point: Python's recursion limit or memory running out, reached before
    any of profile-render's own limits, leaves as a :class:`LimitExceededError`, not as a raw exception.

    The real limits (nesting depth, sizes, expansion) come first and say which
    limit and how to raise it; reaching this means one is missing, so the
    message says so (and keeps the words the hostile-input runner looks for).
    """

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except RecursionError:
            raise LimitExceededError(
                "the input is nested too deeply to process: Python's recursion limit was reached before any "
                "limit of profile-render's", hint="nest the input less deeply; please report this input as a bug",
            ) from None
        except MemoryError:
            raise LimitExceededError(
                "out of memory while processing the input, before any limit of profile-render's was reached",
                hint="give smaller input; please report this input as a bug") from None

    return cast(F, guarded)
