"""Provenance: which layer, file, line and column gave each final value.

Tracing costs nothing on the normal path. When an origin is first asked for,
the merge is replayed once on *traced* copies of the layers, in which every
scalar is replaced by a :class:`TracedLeaf` token naming its layer and path.
The merge and coalesce code only ever asks "is it a table? is it null?", so the
replay takes exactly the same decisions, and the final traced tree says where
every leaf came from. Source positions are found in the one file involved,
again only on demand: its first lookup indexes where its top-level entries
and anchors are, and each lookup then reads only the entries its path goes
through (see :mod:`profile_render.yamlio.positions`).
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

from profile_render.records import Record
from profile_render.errors import ProfileRenderError, format_path
from profile_render.yamlio.collector import collector_paused

__all__ = ["Origin", "parse_value_path", "PathNotFoundError", "TracedLeaf", "trace_tree"]

ValuePath = Tuple[Any, ...]


class PathNotFoundError(ProfileRenderError, KeyError):
    """The asked-for value path does not exist in the final values.

    >>> merged = merge_values(load_chart(Path("examples/hello-chart")))
    >>> try:
    ...     merged.origin("no.such.value")
    ... except PathNotFoundError as error:
    ...     print(error.problem)
    no.such.value is not set in the final values
    """

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return self._render()


class Origin(Record):
    """Where a value came from.

    ``layer`` is the kind of layer (``chart defaults``, ``subchart defaults``,
    ``values file``, ``--set``, ``--set-string``, or a caller-chosen layer
    name); ``source`` the file or argument; ``line``/``column`` 1-based when
    known; ``source_path`` the value's path inside that source (which differs
    from the final path for subchart defaults and globals).

    >>> merged = merge_values(load_chart(Path("examples/hello-chart")), [Path("examples/profile-values.yaml")])
    >>> origin = merged.origin("image.repository")
    >>> origin.layer, origin.source, origin.line
    ('values file', 'examples/profile-values.yaml', 6)
    """

    _fields = ("layer", "source", "line", "column", "source_path")
    layer: str
    source: str
    line: Optional[int]
    column: Optional[int]
    source_path: ValuePath

    def __init__(self, layer: str, source: str, line: Optional[int] = None, column: Optional[int] = None,
                 source_path: ValuePath = ()) -> None:
        self._set("layer", layer)
        self._set("source", source)
        self._set("line", line)
        self._set("column", column)
        self._set("source_path", source_path)

    @property
    def location(self) -> str:
        """``file:line:column`` (or just the source name when no position is known)."""
        if self.line is None:
            return self.source
        return f"{self.source}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location} ({self.layer}, {format_path(self.source_path)})"


_WHOLE = object()  # a TracedLeaf's key when its parent path is the whole path


class TracedLeaf:
    """A traced scalar: stands in for a value during the replayed merge.

    ``layer`` is the index of the source that gave the value (the replay
    numbers its sources from lowest to highest precedence), ``path`` the
    value's path inside that source, ``value`` the scalar itself.
    """

    # The path is kept as its parent's path and the last part (``key``; _WHOLE: ``parent`` is the whole path):
    # a traced tree then shares one tuple per container instead of making one per leaf.
    __slots__ = ("layer", "parent", "key", "value")

    def __init__(self, layer: int, path: ValuePath, value: Any, key: Any = _WHOLE) -> None:
        """Stand in for ``value``, found at ``path`` of source number ``layer`` (at ``path + (key,)`` given ``key``)."""
        self.layer = layer
        self.parent = path
        self.key = key
        self.value = value

    @property
    def path(self) -> ValuePath:
        """The value's path inside its source."""
        key = self.key
        return self.parent if key is _WHOLE else self.parent + (key,)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"TracedLeaf({self.layer}, {self.path!r})"


def trace_tree(value: Any, layer: int, path: ValuePath = ()) -> Any:
    """Copy a values tree replacing every non-null scalar with a :class:`TracedLeaf` of source ``layer``.

    Nulls stay nulls so that coalescing still sees them as deletions; the
    replay finds their origin by searching the sources instead. The cyclic
    garbage collector is paused meanwhile, as while reading values (the copy
    allocates in bulk and makes no cycles; see :mod:`profile_render.yamlio.collector`).
    """
    if value is None:
        return None
    if not isinstance(value, (dict, list)):
        return TracedLeaf(layer, path, value)
    with collector_paused():
        return _traced(value, layer, path)


def _traced(value: Any, layer: int, path: ValuePath) -> Any:
    """:func:`trace_tree` of a dict or list."""
    if isinstance(value, dict):
        out: Any = {}
        for key, item in value.items():
            if item is None:
                out[key] = None
            elif isinstance(item, (dict, list)):
                out[key] = _traced(item, layer, path + (key,))
            else:
                out[key] = TracedLeaf(layer, path, item, key)
        return out
    out = []
    append = out.append
    for index, item in enumerate(value):
        if item is None:
            append(None)
        elif isinstance(item, (dict, list)):
            append(_traced(item, layer, path + (index,)))
        else:
            append(TracedLeaf(layer, path, item, index))
    return out


def parse_value_path(text: str) -> ValuePath:
    """Parse a dotted value path like ``a.b[0].c`` (``\\.`` escapes a dot) into a tuple.

    This is the path syntax of ``--set`` and ``--explain``.

    >>> parse_value_path("a.b[0].c")
    ('a', 'b', 0, 'c')
    """
    if text == "":
        raise ProfileRenderError("the value path is empty", source=text,
                                 hint="name a path such as image.repository or containers[0].name")
    parts: List[Any] = []
    buf: List[str] = []
    i = 0
    pending = True  # a key segment is open
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == ".":
            if pending:
                if not buf:
                    raise ProfileRenderError(f"empty key in value path {text!r}", column=i + 1,
                                             hint="remove the doubled dot or escape a literal dot as \\.")
                parts.append("".join(buf))
                buf = []
            pending = True
            i += 1
            continue
        if ch == "[":
            close = text.find("]", i)
            digits = text[i + 1:close] if close >= 0 else ""
            if not (digits.isascii() and digits.isdigit()):
                raise ProfileRenderError(f"bad list index in value path {text[:80]!r}", column=i + 1,
                                         hint="write list indexes as [0], [1], ...")
            if len(digits) > 18:  # no list holds that many items; int() of thousands of digits is refused
                raise ProfileRenderError(f"list index of {len(digits):,} digits in a value path", column=i + 1,
                                         hint="no values list is that long; check the path")
            if pending and buf:
                parts.append("".join(buf))
                buf = []
            elif pending and not parts:
                raise ProfileRenderError(f"value path {text!r} starts with a list index", column=1,
                                         hint="values are a mapping at the top level; start with a key")
            parts.append(int(text[i + 1:close]))
            pending = False
            i = close + 1
            continue
        if not pending:
            raise ProfileRenderError(f"expected '.' or '[' after a list index in {text!r}", column=i + 1,
                                     hint="write a[0].b, not a[0]b")
        buf.append(ch)
        i += 1
    if pending:
        if not buf:
            raise ProfileRenderError(f"value path {text!r} ends with a dot", column=len(text),
                                     hint="remove the trailing dot")
        parts.append("".join(buf))
    return tuple(parts)

