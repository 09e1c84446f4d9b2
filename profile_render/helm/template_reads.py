"""What a chart's templates can read from ``.Values``: the value paths Helm's templates reach, over-approximated, never under.

:func:`scan_templates` runs an abstract interpretation of every template of a
chart and its subcharts (Go ``text/template`` with Helm's and Sprig's
functions), tracking which values each expression stands for:

* ``.Values.a.b``, ``$.Values``, ``$root.Values`` (any variable holding the
  top object), ``index .Values "a" "b"``, ``get``, ``hasKey``, ``pluck``,
  ``dig``, ``default``/``coalesce``/``and``/``or``/``ternary``/``required``
  and ``merge`` into a new ``dict`` (which return one of their arguments)
  are followed to the paths they read;
* ``with`` moves dot to its value, ``range`` to an element of it (a path
  with :data:`ANY` for the element's key or index), variables (``:=``, ``=``,
  ``range $k, $v :=``) carry values with Go's scoping (a value assigned in a
  loop to a variable from outside it is opened: later turns extend it);
* ``define``/``template``/``include``/``block`` run the named template with
  the context it is called with (a values subtree, the top object, a ``dict``
  of those), once per name and context; a dynamic name runs every named
  template; subcharts' templates read under the subchart's key (every alias
  it is declared under) and ``global``; dependency conditions and tags count
  as reads;
* whatever leaves that tracking makes the whole subtree it stands for
  *open*: a value printed (``{{ .Values.a }}``), passed to ``toYaml``,
  ``tpl``, ``printf``, ``list``, ``set``, or any function not modelled, a
  map ranged over with its element used whole, an index by a computed key.
  ``tpl`` with the top object as context runs the values' own template
  strings (the chart's defaults and ``extra_texts``) as templates too.

So a path is *reached* when it is a prefix of a path read (``ANY`` matching
any key) or lies under an open prefix. The scan is linear per template run
and bounded: no recursion on template input (pipelines are evaluated with an
explicit stack; named-template calls are memoized and depth-capped), abstract
values of bounded size, and a work budget (:class:`ScanLimits`). A template
Helm would refuse to parse, or a scan over budget, gives a result with
``complete=False``, which callers must not use to call a key unread.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Union

from profile_render.helm.chart import Chart
from profile_render.helm.template_lex import (
    CONST, DECLARE, ASSIGN, COMMA, DOT, FIELD, IDENT, KEYWORD, LPAREN, NUMBER, PIPE, RPAREN, STRING, VAR,
    Action, Token, lex_actions,
)

__all__ = ["ANY", "DEEP", "ScanLimits", "TemplateReads", "scan_templates"]

Path = Tuple[str, ...]

#: The key standing for "any key or index" in a path read (a range element, a computed index).
ANY = "*"

#: The key standing for "any number of keys, none included" (a variable walked down the values in a loop).
DEEP = "**"


@dataclass(frozen=True)
class ScanLimits:
    """Bounds on one scan; past ``max_work`` the result is incomplete."""

    max_tokens_per_action: int = 100_000
    max_paren_depth: int = 1_000
    max_work: int = 3_000_000  # tokens evaluated plus characters lexed / 8, named-template runs included
    max_call_depth: int = 32
    max_contexts_per_template: int = 256  # distinct contexts a named template is followed with; later ones are opened
    max_path_length: int = 64
    max_union: int = 16
    max_value_size: int = 64  # nodes of one abstract value (a dict of dicts of ...), shared parts counted each time
    max_positions: int = 1_000  # charts in the tree counted once per key they live under
    max_kept_text: int = 65_536  # a slice up to this size is lexed once and kept (8 times this in all)


class _Node:
    """A node of the trie of paths read; ``open`` marks a prefix under which anything may be read.

    ``deep`` marks the node a :data:`DEEP` key leads to: it takes any number of keys.
    """

    __slots__ = ("children", "open", "deep")

    def __init__(self, deep: bool = False) -> None:
        self.children: Dict[str, "_Node"] = {}
        self.open = False
        self.deep = deep


def _deep_closure(states: List[Tuple[_Node, bool]]) -> List[Tuple[_Node, bool]]:
    """The states plus, for each, the :data:`DEEP` node below it taking no key (deduplicated, in order)."""
    out: Dict[Tuple[int, bool], Tuple[_Node, bool]] = {}
    pending = list(states)
    while pending:
        node, inside = pending.pop(0)
        if (id(node), inside) in out:
            continue
        out[(id(node), inside)] = (node, inside)
        deep = node.children.get(DEEP)
        if deep is not None:
            pending.append((deep, inside))
    return list(out.values())


def _build_trie(reads: Iterable[Path], opened: Iterable[Path]) -> _Node:
    root = _Node()
    for paths, is_open in ((reads, False), (opened, True)):
        for path in paths:
            node = root
            for key in path:
                child = node.children.get(key)
                if child is None:
                    child = node.children[key] = _Node(deep=key == DEEP)
                node = child
            if is_open:
                node.open = True
    return root


@dataclass(frozen=True)
class TemplateReads:
    """The value paths a chart's templates read and the prefixes under which they may read anything.

    Paths are tuples of keys from the top chart's values; :data:`ANY` in a
    path matches any key. ``complete`` is False when the templates could not
    all be followed (``problems`` says why); then absence proves nothing.
    """

    reads: FrozenSet[Path] = frozenset()
    open: FrozenSet[Path] = frozenset()
    complete: bool = True
    problems: Tuple[str, ...] = ()
    tpl_roots: FrozenSet[Path] = frozenset()
    _trie: _Node = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_trie", _build_trie(self.reads, self.open))

    def _walk(self, path: Sequence[object]) -> Tuple[bool, bool]:
        """(reached, open) for a path: a prefix of a read, or under an open prefix.

        The walk keeps (node, inside) states: ``inside`` is True while a
        :data:`DEEP` node is taking keys, and a path that ends only there is a
        prefix only because ``DEEP`` may stand for it, which does not count.
        """
        states = _deep_closure([(self._trie, False)])
        if any(node.open for node, _inside in states):
            return True, True
        for key in path:
            following: List[Tuple[_Node, bool]] = []
            for node, _inside in states:
                if isinstance(key, str) and key not in (ANY, DEEP):
                    child = node.children.get(key)
                    if child is not None:
                        following.append((child, False))
                wild = node.children.get(ANY)
                if wild is not None:
                    following.append((wild, False))
                if node.deep:
                    following.append((node, True))
            states = _deep_closure(following)
            if not states:
                return False, False
            if any(node.open for node, _inside in states):
                return True, True
        return any(not inside for _node, inside in states), False

    def reaches(self, path: Sequence[object]) -> bool:
        """Whether a template may read the value at ``path`` (an int key is a list index).

        A path that only :data:`DEEP` stands for is not reached by itself,
        only through a longer path that matches (see :meth:`reaches_below`).
        """
        return self._walk(path)[0]

    def reaches_below(self, path: Sequence[object], tree: object) -> bool:
        """Whether ``path`` or any path below it in ``tree`` (the value there: dicts are followed) is reached."""
        pending: List[Tuple[Tuple[object, ...], object]] = [(tuple(path), tree)]
        while pending:
            here, value = pending.pop()
            if self.reaches(here):
                return True
            if isinstance(value, dict):
                pending.extend((here + (key,), item) for key, item in value.items())
        return False

    def is_open(self, path: Sequence[object]) -> bool:
        """Whether ``path`` lies under an open prefix (anything below it may be read)."""
        return self._walk(path)[1]

    def paths(self) -> Iterator[Path]:
        """Every path read or opened and each of its prefixes, cut before :data:`ANY` or :data:`DEEP` (for suggestions)."""
        seen: Set[Path] = set()
        for path in sorted(self.reads | self.open):
            for wild in (ANY, DEEP):
                if wild in path:
                    path = path[:path.index(wild)]
            for end in range(1, len(path) + 1):
                if path[:end] not in seen:
                    seen.add(path[:end])
                    yield path[:end]


# -- abstract values -----------------------------------------------------------
# None stands for a value that is not (or no longer) tracked: not from .Values,
# or already opened where it left the tracking.


@dataclass(frozen=True)
class _Root:
    """The top object (``.`` of a chart's template): ``.Values`` lives under ``prefix``."""

    prefix: Path


@dataclass(frozen=True)
class _Values:
    """The values subtree at ``path``; ``chart_root`` marks a chart's ``.Values`` (where ``global`` resolves)."""

    path: Path
    chart_root: bool = False


@dataclass(frozen=True)
class _Subcharts:
    """``.Subcharts`` of a chart's top object."""

    prefix: Path


@dataclass(frozen=True)
class _Dict:
    """A ``dict``: (key, value) items, key None when computed; ``size`` counts its nodes (it bounds hashing)."""

    items: Tuple[Tuple[Optional[str], "AV"], ...]
    size: int = field(default=1, compare=False)


@dataclass(frozen=True)
class _List:
    """A ``list`` of values: any element may be any of ``members``."""

    members: FrozenSet["AV"]
    size: int = field(default=1, compare=False)


@dataclass(frozen=True)
class _Texts:
    """One of a few known strings (a constant, an element of ``list "a" "b"``, a part of ``splitList "." "a.b"``)."""

    texts: FrozenSet[str]


@dataclass(frozen=True)
class _Template:
    """``.Template`` of a chart's top object (``prefix`` says which chart)."""

    prefix: Path


@dataclass(frozen=True)
class _TemplatePath:
    """A text built from ``.Template.BasePath`` or ``.Template.Name``: the name of a template file of that chart."""

    prefix: Path


@dataclass(frozen=True)
class _Union:
    """One of several values (``default``, ``or``, a variable assigned in a branch ...)."""

    members: FrozenSet["AV"]
    size: int = field(default=1, compare=False)


AV = Union[None, _Root, _Values, _Subcharts, _Dict, _Union, _List, _Texts, _Template, _TemplatePath]


def _size(value: AV) -> int:
    return value.size if isinstance(value, (_Dict, _Union, _List)) else 1
# ("v", AV) a value, ("f", AV) a dict just made (nothing else refers to it), ("c", str|int|None) a constant,
# ("i", name) a function name.
_Op = Tuple[str, object]


class _Refused(Exception):
    """A template Go's parser (or executor) refuses."""


class _Exhausted(Exception):
    """The scan ran out of budget."""


# Functions returning one of their arguments: the result is the union of them.
_PASS = frozenset({"default", "coalesce", "and", "or", "deepCopy", "mustDeepCopy", "rest", "initial", "reverse",
                   "mustRest", "mustInitial", "mustReverse", "uniq", "mustUniq", "compact", "mustCompact",
                   "sortAlpha"})
# Functions that only look at their arguments (compare, test, measure): nothing is opened.
_LOOK = frozenset({"not", "eq", "ne", "lt", "le", "gt", "ge", "empty", "kindIs", "typeIs", "typeIsLike", "kindOf",
                   "typeOf", "deepEqual", "contains", "hasPrefix", "hasSuffix", "semverCompare", "regexMatch",
                   "mustRegexMatch", "fail", "len", "has", "mustHas", "isAbs"})


class _Vars:
    """Template variables with Go's scoping: a stack of values per name, so lookups cost the same at any depth."""

    def __init__(self, dot: AV) -> None:
        self.stacks: Dict[str, List[Tuple[int, AV]]] = {"$": [(0, dot)]}  # name -> (scope level, value)
        self.scopes: List[Set[str]] = [{"$"}]  # the names each open scope declared
        self.loops: List[int] = []  # scope levels of the open range bodies

    def push(self) -> int:
        """Open a scope; returns its level."""
        self.scopes.append(set())
        return len(self.scopes) - 1

    def pop_to(self, level: int) -> Dict[str, AV]:
        """Close the scopes from ``level`` on; returns what they declared (innermost wins)."""
        closed: Dict[str, AV] = {}
        while len(self.scopes) > level:
            for name in self.scopes.pop():
                closed.setdefault(name, self.stacks[name].pop()[1])
        while self.loops and self.loops[-1] >= level:
            self.loops.pop()
        return closed

    def declared(self, name: str) -> bool:
        return bool(self.stacks.get(name))

    def lookup(self, name: str) -> AV:
        stack = self.stacks.get(name)
        if not stack:
            raise _Refused(f"undefined variable {name}")
        return stack[-1][1]

    def bind(self, names: Sequence[str], how: str, value: AV, scanner: "_Scanner") -> None:
        """Declare (``:=``, in the innermost scope) or assign (``=``, where declared: either value may be there).

        An assignment in a range body to a variable declared outside it runs
        again on the next element, deriving longer paths from this value each
        time: the value is widened to cover them all (:meth:`_Scanner.widen`).
        """
        level = len(self.scopes) - 1
        for name in names:
            stack = self.stacks.setdefault(name, [])
            if how == DECLARE:
                if name in self.scopes[-1]:
                    stack[-1] = (level, value)
                else:
                    self.scopes[-1].add(name)
                    stack.append((level, value))
            elif not stack:
                raise _Refused(f"undefined variable {name}")
            else:
                declared_at, old = stack[-1]
                if self.loops and declared_at < self.loops[-1]:
                    value = scanner.widen(value)
                stack[-1] = (declared_at, scanner.union([old, value]))


class _Scanner:
    """One scan of a chart tree: the named templates, the reads and open prefixes found so far, the budget."""

    def __init__(self, limits: ScanLimits) -> None:
        self.limits = limits
        self.reads: Set[Path] = set()
        self.opened: Set[Path] = set()
        self.tpl_roots: Set[Path] = set()
        self.files: List[Tuple[str, str]] = []  # (name, text)
        self.defines: Dict[str, List[Tuple[int, int, int, int]]] = {}  # name -> (file, start, end, line)
        self.done: Set[Tuple[str, AV]] = set()
        self.contexts: Dict[str, int] = {}  # name -> contexts followed
        self.position_files: Dict[Path, List[int]] = {}  # chart position -> its files run as templates
        self.files_done: Set[Tuple[int, AV]] = set()  # (file, context) already run
        self.results: Dict[Tuple[str, AV], AV] = {}  # what a named template printed, when known
        self.printed: List[List[AV]] = []  # per run: the values printed, None for text or anything unknown
        self.lexed: Dict[Tuple[int, int, int], List[Action]] = {}
        self.kept = 0  # characters whose actions are kept in lexed
        self.depth = 0
        self.work = 0

    # -- budget and errors

    def charge(self, amount: int) -> None:
        self.work += amount
        if self.work > self.limits.max_work:
            raise _Exhausted("the templates take more work to follow than the scan allows")

    # -- abstract operations

    def read(self, path: Path) -> None:
        self.reads.add(path)

    def open(self, value: AV) -> None:
        """The value leaves the tracking: everything below it may be read."""
        if value is None:
            return
        self.charge(_size(value))
        pending: List[AV] = [value]
        while pending:
            v = pending.pop()
            if isinstance(v, _Values):
                self.opened.add(v.path)
            elif isinstance(v, (_Root, _Subcharts)):
                self.opened.add(v.prefix)
                if v.prefix:
                    self.opened.add(("global",))
            elif isinstance(v, _Dict):
                pending.extend(item for _key, item in v.items)
            elif isinstance(v, (_Union, _List)):
                pending.extend(v.members)

    def union(self, values: Iterable[AV]) -> AV:
        members: Set[AV] = set()
        for v in values:
            if isinstance(v, _Union):
                members.update(v.members)
            elif v is not None:
                members.add(v)
        if not members:
            return None
        if len(members) == 1:
            return next(iter(members))
        size = sum(_size(v) for v in members)
        if len(members) > self.limits.max_union or size > self.limits.max_value_size:
            for v in members:
                self.open(v)
            return None
        return _Union(frozenset(members), size)

    def values_at(self, path: Path, chart_root: bool = False) -> AV:
        if len(path) > self.limits.max_path_length:
            self.opened.add(path[:self.limits.max_path_length])
            return None
        self.read(path)
        return _Values(path, chart_root)

    def field(self, value: AV, name: str) -> AV:
        if isinstance(value, _Values):
            if value.chart_root and name == "global" and value.path:
                # Helm copies globals down every level: a subchart's global may come from any chart above it
                return self.union(self.values_at(value.path[:end] + (name,)) for end in range(len(value.path) + 1))
            return self.values_at(value.path + (name,))
        if isinstance(value, _Root):
            if name == "Values":
                return self.values_at(value.prefix, chart_root=True)
            if name == "Template":
                return _Template(value.prefix)
            return _Subcharts(value.prefix) if name == "Subcharts" else None
        if isinstance(value, _Subcharts):
            return _Root(value.prefix + (name,))
        if isinstance(value, _Template):
            return _TemplatePath(value.prefix) if name in ("BasePath", "Name") else None
        if isinstance(value, _Dict):
            exact = [item for key, item in value.items if key == name][-1:]  # sprig's dict: the last one wins
            return self.union(exact + [item for key, item in value.items if key is None])
        if isinstance(value, _Union):
            return self.union(self.field(m, name) for m in value.members)
        return None

    def widen(self, value: AV) -> AV:
        """A value standing also for whatever paths further keys below it lead to (values paths get :data:`DEEP`).

        Anything else that is not a values subtree is opened (a dict's items
        could be replaced by deeper values too).
        """
        members = value.members if isinstance(value, _Union) else frozenset([value])
        out: List[AV] = []
        for v in members:
            if isinstance(v, _Values):
                out.append(v if DEEP in v.path else self.values_at(v.path + (DEEP,)))
            else:
                self.open(v)
                out.append(v)
        return self.union(out)

    def texts(self, op: _Op) -> Optional[FrozenSet[str]]:
        """The strings an argument may be, when they are known."""
        if op[0] == "c":
            return frozenset([op[1]]) if isinstance(op[1], str) else None
        value = self.value(op)
        return value.texts if isinstance(value, _Texts) else None

    def make_texts(self, texts: Iterable[str]) -> AV:
        known = frozenset(texts)
        return _Texts(known) if len(known) <= self.limits.max_value_size else None

    def any_key(self, value: AV) -> AV:
        """The value at a key or index not known here (a range element, ``index`` by a computed key)."""
        if isinstance(value, _Texts):
            return value  # an element of a list of known strings
        if isinstance(value, _List):
            return self.union(value.members)
        if isinstance(value, _Values):
            return self.values_at(value.path + (ANY,))
        if isinstance(value, _Dict):
            return self.union(item for _key, item in value.items)
        if isinstance(value, _Union):
            return self.union(self.any_key(m) for m in value.members)
        self.open(value)  # the top object or .Subcharts, ranged or indexed by a computed key
        return None

    def make_dict(self, args: Sequence[_Op]) -> AV:
        values = [self.value(op) for op in args[1::2]]
        keys: List[Optional[str]] = []
        for op in args[0::2]:
            if op[0] == "c" and isinstance(op[1], str):
                keys.append(op[1])
            else:
                self.open(self.value(op))  # a computed key: its text is the key
                keys.append(None)
        items = tuple(zip(keys, values + [None] * (len(keys) - len(values))))
        size = 1 + sum(_size(v) for v in values)
        if size > self.limits.max_value_size:
            for v in values:
                self.open(v)
            return None
        return _Dict(items, size)

    def tpl_context(self, value: AV) -> None:
        """``tpl`` runs text from the values with this context: the top object is followed, the rest opened."""
        pending: List[AV] = [value]
        while pending:
            v = pending.pop()
            if isinstance(v, _Root):
                self.tpl_roots.add(v.prefix)
            elif isinstance(v, _Dict):
                pending.extend(item for _key, item in v.items)
            elif isinstance(v, (_Union, _List)):
                pending.extend(v.members)
            else:
                self.open(v)

    @staticmethod
    def value(op: _Op) -> AV:
        return op[1] if op[0] in ("v", "f") else None  # type: ignore[return-value]

    # -- named templates

    def invoke(self, name: str, context: AV) -> AV:
        """Run the named template with ``context`` as dot (once per name and context); returns what it prints.

        The result is tracked only when the template prints one known string
        and nothing else (``common.utils.getKeyFromList`` prints a key name).
        """
        spans = self.defines.get(name)
        if not spans or (name, context) in self.done:
            return self.results.get((name, context))
        runs = self.contexts.get(name, 0)
        if self.depth >= self.limits.max_call_depth or runs >= self.limits.max_contexts_per_template:
            self.open(context)
            return None
        self.charge(_size(context))  # hashing and comparing contexts costs their size
        self.contexts[name] = runs + 1
        self.done.add((name, context))
        self.depth += 1
        printed: List[AV] = []
        try:
            for index, start, end, line in spans:
                printed.append(self.run(index, start, end, line, context))
        finally:
            self.depth -= 1
        result = self.union(printed) if all(isinstance(v, _Texts) for v in printed) else None
        self.results[(name, context)] = result
        return result

    def run_files(self, prefix: Path, context: AV) -> None:
        """``include`` of a template file of the chart at ``prefix`` by a name built from ``.Template``."""
        for index in self.position_files.get(prefix, ()):
            if (index, context) in self.files_done:
                continue
            if self.depth >= self.limits.max_call_depth:
                self.open(context)
                return
            self.files_done.add((index, context))
            self.depth += 1
            try:
                self.run(index, 0, len(self.files[index][1]), 1, context)
            finally:
                self.depth -= 1

    def invoke_any(self, context: AV) -> None:
        """``include`` with a computed name: any named template may run with this context."""
        for name in sorted(self.defines):
            self.invoke(name, context)

    # -- functions

    def call(self, name: str, args: List[_Op]) -> AV:
        values = [self.value(op) for op in args]
        if name == "include":
            context = values[1] if len(values) > 1 else None
            for extra in values[2:]:
                self.open(extra)
            if args and args[0][0] == "c" and isinstance(args[0][1], str):
                return self.invoke(args[0][1], context)
            if values and isinstance(values[0], _TemplatePath):
                self.run_files(values[0].prefix, context)  # include (print $.Template.BasePath "/x.yaml") .
            else:
                self.invoke_any(context)
            return None
        if name == "tpl":
            if values:
                self.open(values[0])
            for v in values[1:]:
                self.tpl_context(v)
            return None
        if name in _PASS:
            return self.union(values)
        if name in _LOOK:
            return None
        if name in ("list", "tuple") and args:
            known = [self.texts(op) for op in args]
            if all(k is not None for k in known):
                return self.make_texts(t for k in known for t in k or ())
            members = frozenset(v for v in values if v is not None)
            size = 1 + sum(_size(v) for v in members)
            if size <= self.limits.max_value_size:
                return _List(members, size) if members else None
        if name in ("split", "splitList", "mustSplitList") and len(args) == 2:
            separators, texts = self.texts(args[0]), self.texts(args[1])
            if separators is not None and texts is not None and len(separators) == 1:
                (separator,) = separators
                return self.make_texts(part for text in texts for part in (text.split(separator) if separator
                                                                           else list(text)))
        if name in ("print", "printf") and len(args) == 1 + (name == "printf") and isinstance(values[-1], _Texts) \
                and (name == "print" or args[0] in (("c", "%s"), ("c", "%v"))):
            return values[-1]  # printf "%s" of one known string is that string
        if name in ("print", "printf", "cat"):
            paths = [v for v in values if isinstance(v, _TemplatePath)]
            for v in values:
                self.open(v)
            return paths[0] if paths else None
        if name == "required":
            return values[-1] if values else None
        if name == "ternary":
            return self.union(values[:2])
        if name in ("first", "last", "mustFirst", "mustLast"):
            return self.union(self.any_key(v) for v in values)
        if name == "index" and args:
            return self.index(values[0], args[1:])
        if name in ("get", "hasKey") and len(args) == 2:
            found = self.index(values[0], args[1:])
            return found if name == "get" else None
        if name == "pluck" and args:
            return self.union(self.index(v, args[:1]) for v in values[1:])
        if name == "dig" and len(args) >= 3:
            return self.union([self.index(values[-1], args[:-2]), values[-2]])
        if name == "dict":
            return self.make_dict(args)
        if name in ("merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite") and args:
            # The result is the first dict with the others' keys added: a key's value comes from one of them.
            # A dict that something else refers to changes for them too, so the others are opened then.
            if args[0][0] != "f":
                for v in values[1:]:
                    self.open(v)
            return self.union(values)
        if name == "set" and len(args) == 3:
            self.open(values[2])
            return values[0]
        for v in values:
            self.open(v)
        return None

    def index(self, value: AV, keys: Sequence[_Op]) -> AV:
        for op in keys:
            texts = self.texts(op)
            if texts is not None and len(texts) <= self.limits.max_union:
                value = self.union(self.field(value, text) for text in sorted(texts))
            else:
                value = self.any_key(value)
        return value

    # -- pipelines

    def command(self, ops: List[_Op]) -> AV:
        head = ops[0]
        if head[0] == "i":
            return self.call(str(head[1]), ops[1:])
        if len(ops) == 1:
            return self.value(head)
        for op in ops:  # arguments given to a non-function (a method such as .Files.Get)
            self.open(self.value(op))
        return None

    def pipeline(self, tokens: Sequence[Token], i: int, dot: AV, variables: _Vars) -> Tuple[List[str], str, AV]:
        """Evaluate the pipeline at ``tokens[i:]``: (declared variables, ":=" or "=" or "", value)."""
        stack: List[Tuple[List[str], str, List[_Op], List[_Op]]] = []  # (decl, how, ops, carried value)
        decl, how, i = _declaration(tokens, i)
        stack.append((decl, how, [], []))
        prev = ""
        n = len(tokens)
        while i < n:
            token = tokens[i]
            kind = token.kind
            ops = stack[-1][2]
            if kind == FIELD:
                name = str(token.value)
                if not token.spaced and prev in (VAR, FIELD, RPAREN) and ops:
                    ops[-1] = ("v", self.field(self.value(ops[-1]), name))
                else:
                    ops.append(("v", self.field(dot, name)))
            elif kind == VAR:
                ops.append(("v", variables.lookup(str(token.value))))
            elif kind == DOT:
                ops.append(("v", dot))
            elif kind in (STRING, NUMBER, CONST):
                ops.append(("c", token.value if kind != CONST else None))
            elif kind == IDENT:
                ops.append(("i", token.value))
            elif kind == LPAREN:
                if len(stack) >= self.limits.max_paren_depth:
                    raise _Exhausted("parentheses nested deeper than the scan allows")
                decl, how, i = _declaration(tokens, i + 1)
                stack.append((decl, how, [], []))
                prev = LPAREN
                continue
            elif kind == RPAREN:
                if len(stack) == 1:
                    raise _Refused("unexpected right paren")
                inner = stack.pop()
                value = self.finish(inner[2], inner[3])
                variables.bind(inner[0], inner[1], value, self)
                stack[-1][2].append((_tag(inner[2], inner[0]), value))
            elif kind == PIPE:
                if not ops:
                    raise _Refused("missing command before |")
                carried = stack[-1][3]
                carried[:] = [(_tag(ops, ()), self.command(ops + carried))]
                ops.clear()
            else:
                raise _Refused(f"unexpected {token.text or kind} in a pipeline")
            prev = kind
            i += 1
        if len(stack) != 1:
            raise _Refused("unclosed left paren")
        outer = stack[0]
        return outer[0], outer[1], self.finish(outer[2], outer[3])

    def finish(self, ops: List[_Op], carried: List[_Op]) -> AV:
        if not ops:
            raise _Refused("missing value for command")
        return self.command(ops + carried)

    # -- running a template

    def actions(self, index: int, start: int, end: int, line: int) -> Iterable[Action]:
        """The actions of a slice of a file; a small slice (a named template's body) is lexed once and kept."""
        key = (index, start, end)
        cached = self.lexed.get(key)
        if cached is not None:
            return cached
        self.charge((end - start) // 8 + 1)  # lexing, comments included
        found = lex_actions(self.files[index][1], start, end, max_tokens=self.limits.max_tokens_per_action, line=line)
        if end - start > self.limits.max_kept_text or self.kept + end - start > 8 * self.limits.max_kept_text:
            return found
        self.kept += end - start
        kept = list(found)
        self.lexed[key] = kept
        return kept

    def run(self, index: int, start: int, end: int, line: int, dot: AV) -> AV:
        """Follow the actions of ``files[index][start:end]`` with ``dot`` as the starting context.

        Returns what the run prints when that is one known string and nothing
        else (white space and comments aside), None otherwise.
        """
        self.printed.append([])
        try:
            self.follow(index, start, end, line, dot)
            printed = self.printed[-1]
        finally:
            self.printed.pop()
        return printed[0] if len(printed) == 1 and isinstance(printed[0], _Texts) else None

    def note_printed(self, value: AV) -> None:
        """Record a value the current run prints (two are enough to know its output is not one known string)."""
        if len(self.printed[-1]) < 2:
            self.printed[-1].append(value)

    def follow(self, index: int, start: int, end: int, line: int, dot: AV) -> None:
        name, text = self.files[index]
        variables = _Vars(dot)
        frames: List[Tuple[AV, int]] = []  # (dot outside, level of the control's own scope)
        skip = 0
        block: Optional[Tuple[str, AV]] = None
        previous = start
        for action in self.actions(index, start, end, line):
            if len(self.printed[-1]) < 2 and _COMMENT.sub("", text[previous:action.start]).strip():
                self.note_printed(None)  # literal text is printed too
            previous = action.end
            self.charge(len(action.tokens) + 1)
            if action.broken:
                raise _Refused(f"{name}:{action.line}: {action.broken}")
            tokens = action.tokens
            if not tokens:
                raise _Refused(f"{name}:{action.line}: missing value for command")
            word = tokens[0].value if tokens[0].kind == KEYWORD else None
            try:
                if skip:
                    if word in ("if", "with", "range", "define", "block"):
                        skip += 1
                    elif word == "end":
                        skip -= 1
                        if not skip and block is not None:
                            self.note_printed(self.invoke(*block))
                            block = None
                    continue
                dot, skip, block = self.step(tokens, word, dot, variables, frames)
            except _Refused as exc:
                raise _Refused(f"{name}:{action.line}: {exc}") from None
        if frames or skip:
            raise _Refused(f"{name}: unexpected EOF (an action is not closed by {{{{ end }}}})")
        if len(self.printed[-1]) < 2 and _COMMENT.sub("", text[previous:end]).strip():
            self.note_printed(None)

    def step(self, tokens: Sequence[Token], word: Optional[object], dot: AV, variables: _Vars,
             frames: List[Tuple[AV, int]]) -> Tuple[AV, int, Optional[Tuple[str, AV]]]:
        """Follow one action; returns the new dot, how many ``end``s to skip (a definition) and a block to run."""
        if word is None:
            decl, how, value = self.pipeline(tokens, 0, dot, variables)
            if decl:
                variables.bind(decl, how, value, self)
            else:
                self.open(value)  # printed
                self.note_printed(value)
            return dot, 0, None
        if word in ("if", "with", "range"):
            frames.append((dot, variables.push()))
            decl, how, value = self.pipeline(tokens, 1, dot, variables)
            inner = dot
            if word == "range":
                element = self.any_key(value)
                if len(decl) == 2:
                    variables.bind(decl[:1], how, None, self)
                    variables.bind(decl[1:], how, element, self)
                else:
                    variables.bind(decl, how, element, self)
                inner = element
                variables.loops.append(len(variables.scopes))  # the body's scope, pushed below
            else:
                variables.bind(decl, how, value, self)
                if word == "with":
                    inner = value
            variables.push()
            return inner, 0, None
        if word == "else":
            if not frames:
                raise _Refused("unexpected {{else}}")
            outer, own = frames[-1]
            # Go's parser keeps a branch's variables visible until {{end}}; at run time a name declared
            # outside wins, and one declared only in the branch above is unset (any value will do).
            branch = variables.pop_to(own + 1)
            variables.push()
            for name, value in branch.items():
                if not variables.declared(name):
                    variables.bind([name], DECLARE, value, self)
            if len(tokens) > 1 and tokens[1].kind == KEYWORD and tokens[1].value in ("if", "with"):
                decl, how, value = self.pipeline(tokens, 2, outer, variables)
                variables.bind(decl, how, value, self)
                return (value if tokens[1].value == "with" else outer), 0, None
            return outer, 0, None
        if word == "end":
            if not frames:
                raise _Refused("unexpected {{end}}")
            outer, own = frames.pop()
            variables.pop_to(own)
            return outer, 0, None
        if word in ("define", "block", "template"):
            if len(tokens) < 2 or tokens[1].kind != STRING:
                raise _Refused(f"{word} needs a constant template name")
            name = str(tokens[1].value)
            context = self.pipeline(tokens, 2, dot, variables)[2] if len(tokens) > 2 else None
            if word == "template":
                self.note_printed(self.invoke(name, context))
                return dot, 0, None
            return dot, 1, ((name, context) if word == "block" else None)
        return dot, 0, None  # break, continue


_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.DOTALL)


def _tag(ops: Sequence[_Op], declared: Sequence[str]) -> str:
    """The tag of a command's result: "f" for a ``dict`` just made and not stored in a variable."""
    return "f" if ops and ops[0] == ("i", "dict") and not declared else "v"


def _declaration(tokens: Sequence[Token], i: int) -> Tuple[List[str], str, int]:
    """A pipeline's leading ``$x :=`` / ``$x =`` / ``$k, $v :=``: (names, operator, index after it)."""
    n = len(tokens)
    if i + 1 < n and tokens[i].kind == VAR and tokens[i + 1].kind in (DECLARE, ASSIGN):
        return [str(tokens[i].value)], tokens[i + 1].kind, i + 2
    if (i + 3 < n and tokens[i].kind == VAR and tokens[i + 1].kind == COMMA and tokens[i + 2].kind == VAR
            and tokens[i + 3].kind in (DECLARE, ASSIGN)):
        return [str(tokens[i].value), str(tokens[i + 2].value)], tokens[i + 3].kind, i + 4
    return [], "", i


# -- the chart tree --------------------------------------------------------------


def _positions(chart: Chart, limits: ScanLimits) -> List[Tuple[Path, Chart]]:
    """Every chart of the tree with the value path it lives under, once per alias it is declared with."""
    out: List[Tuple[Path, Chart]] = []
    pending: List[Tuple[Path, Chart]] = [((), chart)]
    while pending:
        prefix, here = pending.pop()
        out.append((prefix, here))
        if len(out) > limits.max_positions:
            raise _Exhausted("the chart tree has more subchart positions than the scan allows")
        declared = here.declared or ()
        for sub in here.dependencies:
            names = [dep.effective_name for dep in declared if dep.name == sub.name] or [sub.name]
            for key in dict.fromkeys(names):
                pending.append((prefix + (key,), sub))
    return out


def _template_strings(tree: object) -> Iterator[str]:
    """Strings in a values tree that hold a template action (``tpl`` may run them)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if "{{" in node:
                yield node
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _collect_defines(scanner: _Scanner, index: int) -> None:
    """Record where each ``define``/``block`` body of a file starts and ends."""
    name, text = scanner.files[index]
    scanner.charge(len(text) // 8 + 1)
    stack: List[Optional[Tuple[str, int, int]]] = []
    for action in lex_actions(text, max_tokens=scanner.limits.max_tokens_per_action):
        scanner.charge(len(action.tokens) + 1)
        if action.broken:
            raise _Refused(f"{name}:{action.line}: {action.broken}")
        tokens = action.tokens
        word = tokens[0].value if tokens and tokens[0].kind == KEYWORD else None
        if word in ("define", "block"):
            if len(tokens) < 2 or tokens[1].kind != STRING:
                raise _Refused(f"{name}:{action.line}: {word} needs a constant template name")
            stack.append((str(tokens[1].value), action.end, action.line))
        elif word in ("if", "with", "range"):
            stack.append(None)
        elif word == "end":
            if not stack:
                raise _Refused(f"{name}:{action.line}: unexpected {{{{end}}}}")
            opened = stack.pop()
            if opened is not None:
                scanner.defines.setdefault(opened[0], []).append((index, opened[1], action.start, opened[2]))
    if stack:
        raise _Refused(f"{name}: unexpected EOF (an action is not closed by {{{{ end }}}})")


def scan_templates(chart: Chart, *, extra_texts: Sequence[str] = (),
                   limits: Optional[ScanLimits] = None) -> TemplateReads:
    """The value paths the templates of ``chart`` and its subcharts read, and the prefixes opened.

    ``extra_texts`` are more strings ``tpl`` may run (a Profile's values):
    they count only when a template calls ``tpl`` with the top object as
    context, like the chart's own default strings. A chart without known
    templates (a bare values file) gives an incomplete result.
    """
    limits = limits or ScanLimits()
    scanner = _Scanner(limits)
    if chart.templates is None:
        return TemplateReads(complete=False, problems=("the chart's templates are not known",))
    problems: List[str] = []
    try:
        positions = _positions(chart, limits)
        seen: Dict[int, List[int]] = {}
        for _prefix, here in positions:
            if id(here) in seen:
                continue
            seen[id(here)] = []
            for name, text in here.templates or ():
                scanner.files.append((posixpath.join(here.name, name), text))
                seen[id(here)].append(len(scanner.files) - 1)
                _collect_defines(scanner, len(scanner.files) - 1)
        for prefix, here in positions:
            for dep in here.declared or ():
                for condition in dep.condition.split(","):
                    if condition.strip():
                        scanner.read(prefix + tuple(condition.strip().split(".")))
                for tag in dep.tags:
                    scanner.read(("tags", tag))
            scanner.position_files[prefix] = [index for index in seen[id(here)]  # partials only define templates
                                              if not posixpath.basename(scanner.files[index][0]).startswith("_")]
        for prefix, _here in positions:
            scanner.run_files(prefix, _Root(prefix))
        texts: List[str] = []
        for _prefix, here in positions:
            texts.extend(_template_strings(here.values))
        texts.extend(t for t in extra_texts if "{{" in t)
        first = len(scanner.files)
        scanner.files.extend(("(a template string in the values)", text) for text in dict.fromkeys(texts))
        done: Set[Path] = set()
        while scanner.tpl_roots - done:
            root = min(scanner.tpl_roots - done)
            done.add(root)
            for index in range(first, len(scanner.files)):
                try:
                    scanner.run(index, 0, len(scanner.files[index][1]), 1, _Root(root))
                except _Refused:
                    pass  # a string tpl would refuse is not run by a working chart
    except (_Refused, _Exhausted) as exc:
        problems.append(str(exc))
    return TemplateReads(frozenset(scanner.reads), frozenset(scanner.opened), not problems, tuple(problems),
                         frozenset(scanner.tpl_roots))
