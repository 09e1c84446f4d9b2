"""Limits on reading YAML: size, nesting depth, alias expansion and nodes built, and the depth guard.

Every reader enforces them in our own code, before libyaml or the node
builder could be driven to exhaust memory or the stack:

* the size is checked on the bytes, before decoding;
* :func:`deep_nesting_suspected` looks at the text first: text that might
  nest deeper than the limit goes to PyYAML's pure-Python parser, which has
  no nesting limit of its own and does not recurse, so libyaml (whose builds
  differ: 0.2.5 has no limit, 0.2.6 stops at 1000) never sees it; the event
  reader then stops at the first collection nested ``max_depth`` deep;
* aliases are measured before anything is built (an alias bomb is refused in
  time proportional to its text), and so is the number of nodes built.
"""

from __future__ import annotations

import re
from typing import Optional, Type

from profile_render.records import Record

from profile_render.errors import ProfileRenderError

__all__ = ["Limits", "DEFAULT_LIMITS", "CATALOG_LIMITS", "MANIFEST_LIMITS", "NodeBudget", "check_size",
           "deep_nesting_suspected"]


class Limits(Record):
    """Resource limits applied while reading one YAML text, and to the values a call builds from other sources.

    ``max_bytes`` defaults to the catalog's 4,000,000-byte cap on chart values;
    ``max_depth`` bounds container nesting (of values read from YAML, built
    by ``--set``, or handed over as Python dicts through the API);
    ``max_alias_expansion`` bounds how many nodes aliases may re-materialise
    in one document (a "billion laughs" document fails fast instead of
    exhausting memory) and ``max_alias_bytes`` how many bytes of scalar text
    they may re-materialise in one text (a long string aliased many times);
    ``max_nodes`` bounds the nodes one text may build, aliases expanded (for
    values the default is above what the other defaults let a text reach),
    and the nodes of a values tree handed over through the API;
    ``max_set_nodes`` bounds the nodes and list slots all ``--set`` and
    ``--set-string`` expressions of one call (or all parameter templates of
    one application) may create together (``k[65536]=1`` creates 65,537).

    >>> small = Limits(max_depth=10)
    >>> load_values("a:\\n  b: 1\\n", limits=small).data
    {'a': {'b': 1}}
    """

    _fields = ("max_bytes", "max_depth", "max_alias_expansion", "max_nodes", "max_alias_bytes", "max_set_nodes")
    max_bytes: int
    max_depth: int
    max_alias_expansion: int
    max_nodes: int
    max_alias_bytes: int
    max_set_nodes: int

    def __init__(self, max_bytes: int = 4_000_000, max_depth: int = 200, max_alias_expansion: int = 100_000,
                 max_nodes: int = 5_000_000, max_alias_bytes: int = 4_000_000,
                 max_set_nodes: int = 1_000_000) -> None:
        self._set("max_bytes", max_bytes)
        self._set("max_depth", max_depth)
        self._set("max_alias_expansion", max_alias_expansion)
        self._set("max_nodes", max_nodes)
        self._set("max_alias_bytes", max_alias_bytes)
        self._set("max_set_nodes", max_set_nodes)
        self.__post_init__()

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_depth", "max_alias_expansion", "max_nodes", "max_alias_bytes",
                     "max_set_nodes"):
            if getattr(self, name) < 1:
                raise ValueError(f"Limits.{name} must be a positive integer")
        if self.max_depth > 900:
            # libyaml 0.2.6 stops at 1000 levels; ours must come first. Building
            # recurses twice per level, so past about 400 levels CPython's default
            # recursion limit may end a read first (still a LimitExceededError,
            # without a position).
            raise ValueError("Limits.max_depth cannot exceed 900")


DEFAULT_LIMITS = Limits()
# Catalog files: the node and depth bounds the catalog reader always had; no practical size bound.
CATALOG_LIMITS = Limits(max_bytes=64 * 1024 * 1024, max_depth=200, max_alias_expansion=1_000_000,
                        max_nodes=1_000_000)
# Manifest streams (helm template output) can be large: the node bound they always had.
MANIFEST_LIMITS = Limits(max_bytes=64 * 1024 * 1024, max_depth=300, max_alias_expansion=2_000_000,
                         max_nodes=2_000_000, max_alias_bytes=16 * 1024 * 1024)


class NodeBudget:
    """What one reading may still build, shared by the documents of one text.

    ``remaining``: nodes, aliases expanded; ``alias_bytes``: bytes of scalar
    text that aliases may still re-materialise (None: no bound).
    """

    __slots__ = ("remaining", "alias_bytes")

    def __init__(self, limit: int, alias_bytes: Optional[int] = None) -> None:
        self.remaining = limit
        self.alias_bytes = alias_bytes


def check_size(size: int, limit: int, *, what: str, source: str, hint: str,
               error: Type[ProfileRenderError]) -> None:
    """Raise ``error`` when an input of ``size`` bytes is over ``limit``; ``what`` names it ("the values file is")."""
    if size > limit:
        raise error(f"{what} {size:,} bytes, more than the limit of {limit:,}", source=source, hint=hint)


_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def deep_nesting_suspected(text: str, max_depth: int) -> bool:
    """Whether ``text`` might nest collections more than ``max_depth`` deep (cheap; false alarms only cost speed).

    Nesting is flow nesting (brackets) plus block nesting (indentation): a
    text deeper than the limit has flow brackets open more than half of it
    deep, or a line indented more than about half of it. A text not
    suspected holds no part that is (bracket depth and line indentation are
    never greater in a part than in the whole), so a caller may check a
    whole text once for all its parts. Brackets inside
    quotes or comments are counted too; that can only raise false alarms,
    or, where a quoted closing bracket hides real depth, leave the check to
    the event reader, which enforces the limit exactly either way.
    """
    half = max_depth // 2
    if text.count("[") + text.count("{") > half:
        depth = deepest = 0
        for char in _NOT_BRACKETS.sub("", text):
            if char == "[" or char == "{":
                depth += 1
                if depth > deepest:
                    deepest = depth
            elif depth:
                depth -= 1
        if deepest > half:
            return True
    # Each block level indents by at least one column, or two levels (a
    # mapping and the sequence under one of its keys) share one; compact
    # sequences ("- - x") add two columns a level.
    indent = max(half - 2, 1)
    return _indented(indent).search(text) is not None or _indented_start(indent).match(text) is not None


def _indented(columns: int) -> "re.Pattern[str]":
    """A line whose leading spaces, tabs and block indicators reach ``columns`` (re caches the compiled pattern)."""
    return re.compile("\n[ \t?-]{%d}" % columns)


def _indented_start(columns: int) -> "re.Pattern[str]":
    """The same for the first line."""
    return re.compile("[ \t?-]{%d}" % columns)

