"""The one node builder: plain Python values from parse events, under a reader's scalar policy and limits.

:func:`read_documents` is the whole YAML reading of every reader: parser
choice (:mod:`~profile_render.yamlio.parse`), limits
(:mod:`~profile_render.yamlio.limits`), the scalar policy
(:mod:`~profile_render.yamlio.policy`) and located errors
(:mod:`~profile_render.yamlio.located`). For each document it builds:

* the value: dicts with string keys, lists and scalars; an alias is a fresh
  copy of what its anchor marked (built again from the anchor's events, as
  go-yaml does, so no two places share a mutable object), and an anchor
  defined again replaces the old one for later aliases;
* merge keys (``<<``), applied where they stand (go-yaml v2) or before every
  explicit key (yaml.v3), as the policy says;
* on request, the 1-based (line, column) of every key and list item by
  value path (an alias's items sit where its anchor's do);
* every key set twice in one mapping (:class:`DuplicateKey`): the last one
  wins, as in go-yaml;
* before building: undefined and recursive aliases, the alias expansion
  (nodes and bytes of text) and the nodes budget are checked in one pass
  over the events, so an alias bomb is refused in time proportional to its
  text.

Every text is first given to the streaming builders
(:mod:`profile_render.yamlio.stream`, and :mod:`profile_render.yamlio.anchored`
when the text may hold anchors), which build the same values without
keeping the events; they hand anything they do not handle back to the
builder here, which then raises the located error.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

import yaml
from yaml.events import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent

from profile_render.records import MutableRecord, Record
from profile_render.errors import ProfileRenderError
from profile_render.yamlio.collector import collector_paused
from profile_render.yamlio.limits import Limits, NodeBudget
from profile_render.yamlio.located import UNDEFINED_ALIAS_HINT, VALUES_ERRORS, ErrorClasses, yaml_error
from profile_render.yamlio.parse import DocumentEvents, event_parser, iter_documents
from profile_render.yamlio.policy import CATALOG, HELM, MERGE, ScalarPolicy, ScalarProblem
from profile_render.yamlio.scalars import Reject
from profile_render.yamlio.stream import Fallback, Refused, may_define_anchor, read_streamed

__all__ = ["Path", "DuplicateKey", "Document", "ReadRules", "VALUES_RULES", "CATALOG_RULES", "read_documents"]

Path = Tuple[Any, ...]


class DuplicateKey(NamedTuple):
    """A key set again in the same mapping: its value path, 1-based position, and the line that set it before."""

    path: Path
    line: int
    column: int
    first_line: int


class Document(MutableRecord):
    """One YAML document read: its value, where its root starts (1-based), key positions and repeated keys."""

    _fields = ("value", "line", "column", "positions", "duplicates")
    value: Any
    line: int
    column: int
    positions: Optional[Dict[Path, Tuple[int, int]]]
    duplicates: List[DuplicateKey]

    def __init__(self, value: Any, line: int, column: int, positions: Optional[Dict[Path, Tuple[int, int]]],
                 duplicates: List[DuplicateKey]) -> None:
        self._set("value", value)
        self._set("line", line)
        self._set("column", column)
        self._set("positions", positions)
        self._set("duplicates", duplicates)


class ReadRules(Record):
    """Everything that differs between readers: the scalar policy, error classes and wording.

    ``subject`` starts messages about the whole input ("values are nested
    more than 200 levels deep"); ``tree_hint`` answers a recursive alias;
    ``tunable`` lets hints name the :class:`Limits` field to raise;
    ``placeholder_hint`` shows how to quote a Profile placeholder;
    ``events``, when set, wraps each parser made for a text (whose first line
    is the given 0-based line of the source), e.g. to read unquoted
    placeholders (:class:`~profile_render.yamlio.unquoted.MarkedEvents`).
    """

    _fields = ("policy", "errors", "subject", "tree_hint", "tunable", "placeholder_hint", "events")
    policy: ScalarPolicy
    errors: ErrorClasses
    subject: str
    tree_hint: str
    tunable: bool
    placeholder_hint: bool
    events: Optional[Callable[[Any, int], Any]]

    def __init__(self, policy: ScalarPolicy, errors: ErrorClasses, subject: str, tree_hint: str,
                 tunable: bool = False, placeholder_hint: bool = False,
                 events: Optional[Callable[[Any, int], Any]] = None) -> None:
        self._set("policy", policy)
        self._set("errors", errors)
        self._set("subject", subject)
        self._set("tree_hint", tree_hint)
        self._set("tunable", tunable)
        self._set("placeholder_hint", placeholder_hint)
        self._set("events", events)

    def limit_hint(self, fix: str, field: str) -> str:
        """``fix``, and where the caller may tune limits, raising ``Limits.<field>`` as the other way out."""
        return f"{fix} or raise Limits.{field}" if self.tunable else fix


VALUES_RULES = ReadRules(HELM, VALUES_ERRORS, "values are", "Helm values must be a tree; remove the self-reference",
                         tunable=True, placeholder_hint=True)
CATALOG_RULES = ReadRules(CATALOG, VALUES_ERRORS, "the document is", "catalog files cannot hold recursive structures")


def read_documents(
    text: str,
    *,
    rules: ReadRules,
    source: str,
    limits: Limits,
    first_only: bool = False,
    positions: bool = False,
    use_libyaml: bool = True,
    line_offset: int = 0,
    budget: Optional[NodeBudget] = None,
    shallow: bool = False,
) -> List[Document]:
    """Read every document of a YAML text (only the first with ``first_only``) into :class:`Document` objects.

    ``source`` names the text in errors, whose first line is line
    ``line_offset`` of it (0-based). ``budget`` is the nodes still allowed
    when several texts share ``limits.max_nodes``; ``shallow`` that the
    depth guard already passed a text holding this one. Every problem raises
    one of ``rules.errors``, located. The cyclic garbage collector is paused
    while the documents are built (:mod:`~profile_render.yamlio.collector`).
    """
    if budget is None:
        budget = NodeBudget(limits.max_nodes, limits.max_alias_bytes)
    with collector_paused():  # building allocates in bulk and makes no cycles (see yamlio/collector.py)
        return _read(text, rules, source, limits, first_only, positions, use_libyaml, line_offset, budget, shallow)


def _read(text: str, rules: ReadRules, source: str, limits: Limits, first_only: bool, positions: bool,
          use_libyaml: bool, line_offset: int, budget: NodeBudget, shallow: bool) -> List[Document]:
    """The body of :func:`read_documents`."""
    streamed = _streamed(text, rules, source, limits, first_only, positions, use_libyaml, line_offset, budget,
                         shallow)
    if streamed is not None:
        return streamed
    parser = _parser(text, rules, source, limits, use_libyaml, line_offset, shallow)
    documents: List[Document] = []
    try:
        for parsed in iter_documents(parser, limits.max_depth):
            documents.append(_Builder(parsed, rules, source, limits, line_offset, positions).document(budget))
            if first_only:
                break
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, source, rules.errors, line_offset=line_offset,
                         placeholder_hint=rules.placeholder_hint) from None
    except RecursionError:
        raise rules.errors.limit(f"{rules.subject} nested too deeply to read", source=source,
                                 hint="flatten the structure") from None
    finally:
        parser.dispose()
    return documents


def _streamed(text: str, rules: ReadRules, source: str, limits: Limits, first_only: bool, positions: bool,
              use_libyaml: bool, line_offset: int, budget: NodeBudget, shallow: bool) -> Optional[List[Document]]:
    """The documents as the streaming builders read them, or None when they hand the text to the full builder."""
    anchors = may_define_anchor(text)
    parser = _parser(text, rules, source, limits, use_libyaml, line_offset, shallow)
    try:
        streamed, built, used = read_streamed(
            parser, policy=rules.policy, max_depth=limits.max_depth, first_only=first_only, positions=positions,
            line_offset=line_offset, nodes_left=budget.remaining, anchors=anchors, alias_bytes=budget.alias_bytes,
            expansion=limits.max_alias_expansion)
    except Fallback:
        return None
    except Refused as refusal:
        mark = refusal.event.start_mark
        line, column = mark.line + line_offset + 1, mark.column + 1
        if refusal.problem is None:
            raise rules.errors.limit(f"{rules.subject} nested more than {limits.max_depth} levels deep",
                                     source=source, line=line, column=column, path=refusal.path,
                                     hint=rules.limit_hint("flatten the structure", "max_depth")) from None
        raise rules.errors.type(refusal.problem.problem, source=source, line=line, column=column,
                                hint=refusal.problem.hint, path=refusal.path) from None
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, source, rules.errors, line_offset=line_offset,
                         placeholder_hint=rules.placeholder_hint) from None
    finally:
        parser.dispose()
    budget.remaining -= built
    if budget.alias_bytes is not None:
        budget.alias_bytes -= used
    return [Document(value, line, column, places, [DuplicateKey(*d) for d in repeated])
            for value, line, column, places, repeated in streamed]


def _parser(text: str, rules: ReadRules, source: str, limits: Limits, use_libyaml: bool, line_offset: int,
            shallow: bool) -> Any:
    """The event parser for ``text`` (:func:`~profile_render.yamlio.parse.event_parser`), its errors located."""
    try:
        parser = event_parser(text, go_v2=rules.policy.go_v2_scanner, use_libyaml=use_libyaml,
                              max_depth=limits.max_depth, shallow=shallow)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, source, rules.errors, line_offset=line_offset,
                         placeholder_hint=rules.placeholder_hint) from None
    return parser if rules.events is None else rules.events(parser, line_offset)


class _Builder:
    """Builds one document's value from its events (see the module doc)."""

    def __init__(self, parsed: DocumentEvents, rules: ReadRules, source: str, limits: Limits, line_offset: int,
                 positions: bool) -> None:
        self.parsed = parsed
        self.events = parsed.events
        self.rules = rules
        self.policy = rules.policy
        self.plain = rules.policy.plain
        self.source = source
        self.limits = limits
        self.max_depth = limits.max_depth
        self.offset = line_offset
        self.positions: Optional[Dict[Path, Tuple[int, int]]] = {} if positions else None
        self.duplicates: List[DuplicateKey] = []
        self.targets: Dict[int, int] = {}  # alias event index -> index of the anchored node's first event
        self.plain_keys: Dict[str, Any] = {}  # plain key text -> key: keys repeat, resolving them does not need to

    def document(self, budget: NodeBudget) -> Document:
        """Check the document's aliases and size against the limits, then build it."""
        parsed = self.parsed
        events = self.events
        nodes = len(events) if parsed.truncated else len(events) - 2 - parsed.collections
        if parsed.aliases or nodes > budget.remaining:
            nodes = self.link(budget)
        budget.remaining -= nodes
        try:
            value = self.node(1, 0, ())[0]
        except IndexError:
            if not parsed.truncated:
                raise
            # A merge key's list cut short by the depth guard: refuse it where the guard stopped.
            raise self.too_deep(events[-1], None) from None
        if parsed.truncated:
            # Building refuses the collection the guard stopped at before it ends; never let a
            # cut-short document through whatever path got there.
            raise self.too_deep(events[-1], None)
        root = events[1]
        return Document(value, root.start_mark.line + self.offset + 1, root.start_mark.column + 1,
                        self.positions, self.duplicates)

    # -- errors ---------------------------------------------------------------
    def located(self, cls: Any, problem: str, event: Any, hint: Optional[str], path: Optional[Path]
                ) -> ProfileRenderError:
        """An error of class ``cls`` at ``event``'s start."""
        mark = event.start_mark
        error: ProfileRenderError = cls(problem, source=self.source, line=mark.line + self.offset + 1,
                                        column=mark.column + 1, hint=hint, path=path)
        return error

    def refused(self, problem: ScalarProblem, event: Any, path: Optional[Path]) -> ProfileRenderError:
        """The located error for a scalar or key the policy refuses."""
        return self.located(self.rules.errors.type, problem.problem, event, problem.hint, path)

    def too_deep(self, event: Any, path: Optional[Path]) -> ProfileRenderError:
        """The located error for a collection nested ``max_depth`` deep."""
        return self.located(self.rules.errors.limit, f"{self.rules.subject} nested more than {self.max_depth} levels deep",
                            event, self.rules.limit_hint("flatten the structure", "max_depth"), path)

    # -- aliases and budgets ----------------------------------------------------
    def link(self, budget: NodeBudget) -> int:
        """Point every alias at its anchor's events and measure the document; returns the nodes it builds.

        One pass in document order: an alias must name an anchor defined
        before it and already complete (else it is undefined or recursive);
        a collection whose expanded size exceeds the distinct nodes seen so
        far by more than ``max_alias_expansion`` is an alias bomb; the nodes
        built, aliases expanded, must stay within ``budget.remaining``, and
        the bytes of scalar text aliases repeat within ``budget.alias_bytes``
        (which this takes from).
        """
        events = self.events
        errors = self.rules.errors
        remaining = budget.remaining
        limit = self.limits.max_alias_expansion
        bytes_left = budget.alias_bytes
        anchors: Dict[str, int] = {}
        sizes: Dict[int, Tuple[int, int]] = {}  # anchored node -> (nodes, bytes of scalar text), expanded
        stack: List[List[int]] = []  # [start index, expanded size so far, bytes so far] of each open collection
        unique = built = 0
        for index, event in enumerate(events):
            cls = event.__class__
            if cls is MappingStartEvent or cls is SequenceStartEvent:
                unique += 1
                built += 1
                if event.anchor is not None:
                    anchors[event.anchor] = index
                stack.append([index, 1, 0])
                size = 0
                nbytes = 0
            elif cls is ScalarEvent:
                unique += 1
                built += 1
                size = 1
                nbytes = len(event.value)
                if event.anchor is not None:
                    anchors[event.anchor] = index
                    sizes[index] = (1, nbytes)
            elif cls is AliasEvent:
                target = anchors.get(event.anchor)
                if target is None:
                    raise self.located(errors.syntax, f"found undefined alias {event.anchor!r}", event,
                                       UNDEFINED_ALIAS_HINT, None)
                known = sizes.get(target)
                if known is None:
                    raise self.located(errors.type, "recursive alias: an anchored node refers to itself",
                                       events[target], self.rules.tree_hint, None)
                self.targets[index] = target
                size, nbytes = known
                built += size
                if bytes_left is not None:
                    bytes_left -= nbytes
                    if bytes_left < 0:
                        raise self.located(
                            errors.limit, f"aliases repeat more than {budget.alias_bytes:,} bytes of text", event,
                            self.rules.limit_hint("reduce the aliasing of long values", "max_alias_bytes"), None)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                start, size, nbytes = stack.pop()
                if events[start].anchor is not None:
                    sizes[start] = (size, nbytes)
            else:
                continue  # the document's start and end
            if built > remaining:
                raise self.located(errors.limit,
                                   f"{self.rules.subject} too large: more than {self.limits.max_nodes:,} nodes "
                                   "once aliases are expanded", event,
                                   self.rules.limit_hint("shrink the document or use fewer aliases", "max_nodes"),
                                   None)
            if size and stack:
                top = stack[-1]
                top[1] += size
                top[2] += nbytes
                if top[1] - unique > limit:
                    raise self.located(
                        errors.limit, f"aliases expand to more than {limit:,} nodes", events[top[0]],
                        self.rules.limit_hint("this looks like an alias bomb; reduce the aliasing",
                                              "max_alias_expansion"), None)
        budget.alias_bytes = bytes_left
        return built

    def marked(self, index: int) -> Any:
        """The event whose position stands for the node at ``index`` (an alias's anchored node)."""
        event = self.events[index]
        if event.__class__ is AliasEvent:
            return self.events[self.targets[index]]
        return event

    def skip(self, index: int) -> int:
        """The index just after the node that starts at ``index``."""
        events = self.events
        cls = events[index].__class__
        if cls is not MappingStartEvent and cls is not SequenceStartEvent:
            return index + 1
        depth = 0
        while True:
            cls = events[index].__class__
            if cls is MappingStartEvent or cls is SequenceStartEvent:
                depth += 1
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1

    def spot(self, event: Any) -> Tuple[int, int]:
        """``event``'s 1-based (line, column) in the whole source."""
        mark = event.start_mark
        return mark.line + self.offset + 1, mark.column + 1

    # -- building -------------------------------------------------------------------
    def node(self, index: int, depth: int, path: Path) -> Tuple[Any, int]:
        """The value of the node that starts at ``index`` and the index after it."""
        event = self.events[index]
        cls = event.__class__
        if cls is ScalarEvent:
            return self.scalar(event, path), index + 1
        if cls is AliasEvent:
            return self.node(self.targets[index], depth, path)[0], index + 1
        if depth >= self.max_depth:
            raise self.too_deep(event, path)
        if cls is MappingStartEvent:
            return self.mapping(index, depth, path)
        return self.sequence(index, depth, path)

    def scalar(self, event: Any, path: Path) -> Any:
        """A scalar's value under the policy (refusals located at ``path``)."""
        if event.tag is None:
            if not event.implicit[0]:
                return event.value  # quoted: always text
            value = self.plain(event.value)
            if value.__class__ is Reject:
                raise self.refused(self.policy.rejected(event.value, value), event, path)
            return value
        try:
            return self.policy.tagged(event)
        except ScalarProblem as problem:
            raise self.refused(problem, event, path) from None

    def sequence(self, index: int, depth: int, path: Path) -> Tuple[List[Any], int]:
        """A list; like go-yaml, any tag on the sequence (!!set, !!omap, ...) is ignored."""
        events = self.events
        positions = self.positions
        plain = self.plain
        out: List[Any] = []
        append = out.append
        child_depth = depth + 1
        index += 1
        item = 0
        while True:
            event = events[index]
            cls = event.__class__
            if cls is SequenceEndEvent:
                return out, index + 1
            if positions is not None:
                positions[path + (item,)] = self.spot(self.marked(index))
            # The hot path, a plain scalar, inline; the rest (and refusals) through node().
            if cls is ScalarEvent and event.tag is None and event.implicit[0] and (
                    value := plain(event.value)).__class__ is not Reject:
                index += 1
            else:
                value, index = self.node(index, child_depth, path + (item,))
            append(value)
            item += 1

    def mapping(self, index: int, depth: int, path: Path) -> Tuple[Dict[str, Any], int]:
        """A mapping with string keys; repeated keys recorded, merge keys applied as the policy says."""
        events = self.events
        positions = self.positions
        plain = self.plain
        key_of = self.key
        out: Dict[str, Any] = {}
        explicit: Dict[str, Any] = {}  # key -> the key event that set it last
        merged: Optional[Dict[str, Any]] = None  # yaml.v3: what merge keys bring, under the explicit keys
        child_depth = depth + 1
        index += 1
        while True:
            key_event = events[index]
            cls = key_event.__class__
            if cls is MappingEndEvent:
                break
            if cls is AliasEvent:
                key_event = events[self.targets[index]]
                cls = key_event.__class__
            if cls is not ScalarEvent:
                raise self.refused(self.policy.collection_key(), key_event, path)
            try:
                key = key_of(key_event)
            except ScalarProblem as problem:
                raise self.refused(problem, key_event, path) from None
            index += 1
            if key is MERGE:
                if self.policy.merge_in_place:
                    index = self.merge(out, index, child_depth, path)
                else:
                    if merged is None:
                        merged = {}
                    index = self.merge(merged, index, child_depth, path)
                continue
            previous = explicit.get(key)
            if previous is not None:
                self.duplicate(path + (key,), key_event, previous)
            explicit[key] = key_event
            event = events[index]
            if event.__class__ is ScalarEvent and event.tag is None and event.implicit[0] and (
                    value := plain(event.value)).__class__ is not Reject:
                index += 1  # a plain scalar, the hot path
            else:
                value, index = self.node(index, child_depth, path + (key,))
            out[key] = value
            if positions is not None:
                positions[path + (key,)] = self.spot(key_event)
        if merged is not None:
            merged.update(out)
            if positions is not None:  # explicit keys win over merged ones, positions too
                for key, key_event in explicit.items():
                    positions[path + (key,)] = self.spot(key_event)
            out = merged
        return out, index + 1

    def key(self, event: Any) -> Any:
        """The key a scalar event stands for under the policy (plain keys resolved once per text)."""
        if event.tag is None and event.implicit[0]:
            key = self.plain_keys.get(event.value)
            if key is None:
                key = self.plain_keys[event.value] = self.policy.key(event)
            return key
        return self.policy.key(event)

    def duplicate(self, path: Path, event: Any, previous: Any) -> None:
        """Record a key set again at ``event`` (``previous`` set it before)."""
        line, column = self.spot(event)
        self.duplicates.append(DuplicateKey(path, line, column, self.spot(previous)[0]))

    def merge(self, into: Dict[str, Any], index: int, depth: int, path: Path) -> int:
        """Merge the value of a ``<<`` key (at ``index``) into ``into``, as go-yaml does; returns the index after it.

        The value is a mapping or a list of mappings; a list merges last to
        first, so an earlier mapping in it wins.
        """
        value_event = self.marked(index)
        cls = value_event.__class__
        if cls is MappingStartEvent:
            sources = [index]
        elif cls is SequenceStartEvent:
            start = index if value_event is self.events[index] else self.targets[index]
            items = []
            item = start + 1
            while self.events[item].__class__ is not SequenceEndEvent:
                items.append(item)
                item = self.skip(item)
            sources = items[::-1]
            for item in sources:
                if self.marked(item).__class__ is not MappingStartEvent:
                    raise self.located(self.rules.errors.type, "a merge key (<<) list may only hold mappings",
                                       self.marked(item), "merge only anchored mappings: <<: [*a, *b]", path)
        else:
            raise self.located(self.rules.errors.type, "a merge key (<<) needs a mapping or a list of mappings",
                               value_event, "write <<: *anchor where the anchor is a mapping", path)
        for source in sources:
            into.update(self.node(source, depth, path)[0])
        return self.skip(index)
