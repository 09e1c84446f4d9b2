"""Abstract values of a template scan: what a template expression stands for in terms of the chart's values.

An expression of a Helm template is followed as one of these: the top object
(:class:`Top`, whose ``.Values`` lives under a chart's key), a values subtree
(:class:`Subtree` at a path, :data:`ANY`/:data:`DEEP` allowed), ``.Subcharts``,
a ``dict`` or ``list`` of such values, known strings (:class:`Texts`),
``.Template`` and a template file's name built from it, or one of several
(:class:`OneOf`); ``None`` is a value not tracked (not from ``.Values``, or
already opened). :class:`ValueTracker` records the paths each operation reads
and the subtrees that leave the tracking (*open*), bounds the size of values
and charges the work budget of :class:`ScanLimits`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple, Union

from profile_render.helm.template_paths import ANY, DEEP, Path

__all__ = ["ScanLimits", "Top", "Subtree", "Subcharts", "DictValue", "ListValue", "Texts", "TemplateObject",
           "TemplatePath", "OneOf", "Abstract", "Operand", "size_of", "Refused", "Exhausted", "ValueTracker"]


@dataclass(frozen=True)
class ScanLimits:
    """Bounds on one scan; past ``max_work`` the result is incomplete."""

    max_tokens_per_action: int = 100_000
    max_paren_depth: int = 1_000
    max_work: int = 3_000_000  # tokens evaluated plus characters lexed / 8, named-template runs included
    max_call_depth: int = 32
    max_contexts_per_template: int = 1_024  # distinct contexts a named template is followed with; later ones are opened
    max_path_length: int = 64
    max_union: int = 16
    max_value_size: int = 64  # nodes of one abstract value (a dict of dicts of ...), shared parts counted each time
    max_positions: int = 1_000  # charts in the tree counted once per key they live under
    max_kept_text: int = 65_536  # a slice up to this size is lexed once and kept (8 times this in all)


# None stands for a value that is not (or no longer) tracked: not from .Values,
# or already opened where it left the tracking.


@dataclass(frozen=True)
class Top:
    """The top object (``.`` of a chart's template): ``.Values`` lives under ``prefix``."""

    prefix: Path


@dataclass(frozen=True)
class Subtree:
    """The values subtree at ``path``; ``chart_root`` marks a chart's ``.Values`` (where ``global`` resolves)."""

    path: Path
    chart_root: bool = False


@dataclass(frozen=True)
class Subcharts:
    """``.Subcharts`` of a chart's top object."""

    prefix: Path


@dataclass(frozen=True)
class DictValue:
    """A ``dict``: (key, value) items, key None when computed; ``size`` counts its nodes (it bounds hashing)."""

    items: Tuple[Tuple[Optional[str], "Abstract"], ...]
    size: int = field(default=1, compare=False)


@dataclass(frozen=True)
class ListValue:
    """A ``list`` of values: any element may be any of ``members``."""

    members: FrozenSet["Abstract"]
    size: int = field(default=1, compare=False)


@dataclass(frozen=True)
class Texts:
    """One of a few known strings (a constant, an element of ``list "a" "b"``, a part of ``splitList "." "a.b"``)."""

    texts: FrozenSet[str]


@dataclass(frozen=True)
class TemplateObject:
    """``.Template`` of a chart's top object (``prefix`` says which chart)."""

    prefix: Path


@dataclass(frozen=True)
class TemplatePath:
    """A text built from ``.Template.BasePath`` or ``.Template.Name``: the name of a template file of that chart."""

    prefix: Path


@dataclass(frozen=True)
class OneOf:
    """One of several values (``default``, ``or``, a variable assigned in a branch ...)."""

    members: FrozenSet["Abstract"]
    size: int = field(default=1, compare=False)


Abstract = Union[None, Top, Subtree, Subcharts, DictValue, OneOf, ListValue, Texts, TemplateObject, TemplatePath]


def size_of(value: Abstract) -> int:
    """How many nodes a value has (bounds the cost of hashing and comparing it)."""
    return value.size if isinstance(value, (DictValue, OneOf, ListValue)) else 1


#: An argument of a template command: ("v", value), ("f", value) for a dict just made (nothing else refers to
#: it), ("c", str, int or None) for a constant, ("i", name) for a function name.
Operand = Tuple[str, object]


class Refused(Exception):
    """A template Go's parser (or executor) refuses."""


class Exhausted(Exception):
    """The scan ran out of budget."""


class ValueTracker:
    """The abstract values' operations for one scan: what is read, what is opened, and the work budget.

    ``profile_render.helm.template_reads`` builds its scanner on it.
    """

    def __init__(self, limits: ScanLimits) -> None:
        self.limits = limits
        self.reads: Set[Path] = set()
        self.opened: Set[Path] = set()
        self.tpl_roots: Set[Path] = set()
        self.work = 0

    # -- budget and errors

    def charge(self, amount: int) -> None:
        self.work += amount
        if self.work > self.limits.max_work:
            raise Exhausted("the templates take more work to follow than the scan allows")

    # -- abstract operations

    def read(self, path: Path) -> None:
        self.reads.add(path)

    def open(self, value: Abstract) -> None:
        """The value leaves the tracking: everything below it may be read."""
        if value is None:
            return
        self.charge(size_of(value))
        pending: List[Abstract] = [value]
        while pending:
            v = pending.pop()
            if isinstance(v, Subtree):
                self.opened.add(v.path)
            elif isinstance(v, (Top, Subcharts)):
                self.opened.add(v.prefix)
                if v.prefix:
                    self.opened.add(("global",))
            elif isinstance(v, DictValue):
                pending.extend(item for _key, item in v.items)
            elif isinstance(v, (OneOf, ListValue)):
                pending.extend(v.members)

    def union(self, values: Iterable[Abstract]) -> Abstract:
        members: Set[Abstract] = set()
        for v in values:
            if isinstance(v, OneOf):
                members.update(v.members)
            elif v is not None:
                members.add(v)
        if not members:
            return None
        if len(members) == 1:
            return next(iter(members))
        size = sum(size_of(v) for v in members)
        if len(members) > self.limits.max_union or size > self.limits.max_value_size:
            for v in members:
                self.open(v)
            return None
        return OneOf(frozenset(members), size)

    def values_at(self, path: Path, chart_root: bool = False) -> Abstract:
        if len(path) > self.limits.max_path_length:
            self.opened.add(path[:self.limits.max_path_length])
            return None
        self.read(path)
        return Subtree(path, chart_root)

    def field(self, value: Abstract, name: str) -> Abstract:
        if isinstance(value, Subtree):
            if value.chart_root and name == "global" and value.path:
                # Helm copies globals down every level: a subchart's global may come from any chart above it
                return self.union(self.values_at(value.path[:end] + (name,)) for end in range(len(value.path) + 1))
            return self.values_at(value.path + (name,))
        if isinstance(value, Top):
            if name == "Values":
                return self.values_at(value.prefix, chart_root=True)
            if name == "Template":
                return TemplateObject(value.prefix)
            return Subcharts(value.prefix) if name == "Subcharts" else None
        if isinstance(value, Subcharts):
            return Top(value.prefix + (name,))
        if isinstance(value, TemplateObject):
            return TemplatePath(value.prefix) if name in ("BasePath", "Name") else None
        if isinstance(value, DictValue):
            exact = [item for key, item in value.items if key == name][-1:]  # sprig's dict: the last one wins
            return self.union(exact + [item for key, item in value.items if key is None])
        if isinstance(value, OneOf):
            return self.union(self.field(m, name) for m in value.members)
        return None

    def widen(self, value: Abstract) -> Abstract:
        """A value standing also for whatever paths further keys below it lead to (values paths get :data:`DEEP`).

        Anything else that is not a values subtree is opened (a dict's items
        could be replaced by deeper values too).
        """
        members = value.members if isinstance(value, OneOf) else frozenset([value])
        out: List[Abstract] = []
        for v in members:
            if isinstance(v, Subtree):
                out.append(v if DEEP in v.path else self.values_at(v.path + (DEEP,)))
            else:
                self.open(v)
                out.append(v)
        return self.union(out)

    def texts(self, op: Operand) -> Optional[FrozenSet[str]]:
        """The strings an argument may be, when they are known."""
        if op[0] == "c":
            return frozenset([op[1]]) if isinstance(op[1], str) else None
        value = self.value(op)
        return value.texts if isinstance(value, Texts) else None

    def make_texts(self, texts: Iterable[str]) -> Abstract:
        known = frozenset(texts)
        return Texts(known) if len(known) <= self.limits.max_value_size else None

    def any_key(self, value: Abstract) -> Abstract:
        """The value at a key or index not known here (a range element, ``index`` by a computed key)."""
        if isinstance(value, Texts):
            return value  # an element of a list of known strings
        if isinstance(value, ListValue):
            return self.union(value.members)
        if isinstance(value, Subtree):
            return self.values_at(value.path + (ANY,))
        if isinstance(value, DictValue):
            return self.union(item for _key, item in value.items)
        if isinstance(value, OneOf):
            return self.union(self.any_key(m) for m in value.members)
        self.open(value)  # the top object or .Subcharts, ranged or indexed by a computed key
        return None

    def make_dict(self, args: Sequence[Operand]) -> Abstract:
        values = [self.value(op) for op in args[1::2]]
        keys: List[Optional[str]] = []
        for op in args[0::2]:
            if op[0] == "c" and isinstance(op[1], str):
                keys.append(op[1])
            else:
                self.open(self.value(op))  # a computed key: its text is the key
                keys.append(None)
        items = tuple(zip(keys, values + [None] * (len(keys) - len(values))))
        size = 1 + sum(size_of(v) for v in values)
        if size > self.limits.max_value_size:
            for v in values:
                self.open(v)
            return None
        return DictValue(items, size)

    def tpl_context(self, value: Abstract) -> None:
        """``tpl`` runs text from the values with this context: the top object is followed, the rest opened."""
        pending: List[Abstract] = [value]
        while pending:
            v = pending.pop()
            if isinstance(v, Top):
                self.tpl_roots.add(v.prefix)
            elif isinstance(v, DictValue):
                pending.extend(item for _key, item in v.items)
            elif isinstance(v, (OneOf, ListValue)):
                pending.extend(v.members)
            else:
                self.open(v)

    @staticmethod
    def value(op: Operand) -> Abstract:
        return op[1] if op[0] in ("v", "f") else None  # type: ignore[return-value]

    def index(self, value: Abstract, keys: Sequence[Operand]) -> Abstract:
        for op in keys:
            texts = self.texts(op)
            if texts is not None and len(texts) <= self.limits.max_union:
                value = self.union(self.field(value, text) for text in sorted(texts))
            else:
                value = self.any_key(value)
        return value
