"""The streaming builder for documents with anchors and aliases.

What :func:`profile_render.yamlio.stream.read_streamed` does for documents
without anchors, for documents with them: values straight from the events,
none kept. An alias is a deep copy of the value its anchor built (the full
builder builds it again from the anchor's events: the same value, never
shared), and everything the full builder does again for it is done again
here: the repeated keys inside it are reported again, under the alias's
path, and the positions inside it are recorded again under that path.

The full builder measures aliases in one pass before building (undefined
and recursive aliases, the alias bomb, nodes and bytes of text expanded);
the same measures are kept here as the events come, with the same outcome
(each is checked where it can change), and anything they would refuse, or
an alias too deep to expand gives up
(:class:`~profile_render.yamlio.stream.Fallback`): the full builder then
raises the located error.

Merge keys (``<<``) are applied where they stand, as go-yaml v2 (the
full builder with a policy whose ``merge_in_place`` is set) applies them:
the value is an alias of a mapping, or a list of such aliases merged last
to first (so an earlier one wins); each mapping's keys are set into the
mapping holding the ``<<`` in its order, replacing what an earlier key or
merge set there, and an explicit key after it replaces them in turn, never
reported as a repeat (only explicit keys are). The full builder builds the
merged mapping again at the path of the mapping holding the ``<<``, so its
repeated keys are reported again there and its positions recorded again
there, in the same order. Everything else about a merge key gives up: an
inline mapping or list item that is not an alias (``<<: {a: 1}``), an
alias of a list or a scalar, a ``<<`` key that is an alias or has an
anchor, an anchor or a tag on the list, and yaml.v3's merging (catalog
files).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from yaml.events import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent
from yaml.events import SequenceStartEvent

from profile_render.yamlio.policy import MERGE, ScalarPolicy, ScalarProblem
from profile_render.yamlio.scalars import SPECIAL_START, Reject
from profile_render.yamlio.stream import NO_KEY, Fallback, Refused, StreamedDocument, key_of, refuse, slot_path
from profile_render.yamlio.stream import stack_path

__all__ = ["Budgets", "anchored_document"]

Path = Tuple[Any, ...]
Spot = Tuple[int, int]


class Budgets(NamedTuple):
    """What one document may still use: nodes (aliases expanded), bytes of text aliases repeat, alias bomb size."""

    nodes: int
    alias_bytes: Optional[int]
    expansion: int


class _Anchor(NamedTuple):
    """What an anchor marked: its value, measures, first event and what building it recorded."""

    value: Any
    size: int  # nodes, aliases inside expanded
    nbytes: int  # bytes of scalar text, the same way
    height: int  # collections nested in it, itself included (0 for a scalar)
    event: Any  # the anchored node's first event
    path: Path
    duplicates: List[Tuple[Path, int, int, int]]
    positions: List[Tuple[Path, Spot]]


# A frame: [container, is a mapping, key waiting for its value, slot in the parent, path, {key: line},
#           nodes as written and nodes aliases added when it opened (itself counted), bytes of scalar text
#           and bytes aliases repeated when it opened, height of its children, anchor (name, duplicates and
#           positions recorded before it, first event) or None]
_CONTAINER, _IS_MAP, _KEY, _SLOT, _PATH, _LINES, _UNIQUE, _ADDED, _TEXT, _REPEATED, _HEIGHT, _ANCHOR = range(12)


def anchored_document(get_event: Callable[[], Any], policy: ScalarPolicy, max_depth: int, with_positions: bool,
                      offset: int, budgets: Budgets) -> Tuple[StreamedDocument, int, int]:
    """Build one document (from the event after its DocumentStartEvent); returns it, its nodes and alias bytes."""
    return _Builder(get_event, policy, max_depth, with_positions, offset, budgets).run()


class _Builder:
    """Builds one document from its events, measuring it as the full builder does (see the module doc).

    The measures are running totals: nodes as written (``unique``), nodes
    aliases and merges add (``added``), bytes of scalar text written
    (``text``) and bytes aliases repeat (``repeated``). A collection's
    expanded size and bytes are the growth of these totals while it is
    open, so the full builder's per-node bookkeeping costs nothing here; its
    checks are made where their outcome can change (an alias, a merge, the
    end of a collection holding one) and the nodes budget, which only grows,
    where a refusal or the end of the document needs it.
    """

    def __init__(self, get_event: Callable[[], Any], policy: ScalarPolicy, max_depth: int, with_positions: bool,
                 offset: int, budgets: Budgets) -> None:
        self.get_event = get_event
        self.policy = policy
        self.max_depth = max_depth
        self.offset = offset
        self.budgets = budgets
        self.positions: Optional[Dict[Path, Spot]] = {} if with_positions else None
        # Every position recorded, in order, an alias's as one entry naming its anchor: replayed into
        # ``positions`` once the document has passed every measure (an alias bomb records nothing).
        self.log: List[Tuple[Path, Any]] = []
        self.duplicates: List[Tuple[Path, int, int, int]] = []
        self.anchors: Dict[str, Any] = {}  # name -> _Anchor (a collection still open: its frame)
        self.stack: List[List[Any]] = []
        self.key_cache: Dict[str, Any] = {}
        self.unique = 0  # nodes as written
        self.added = 0  # nodes aliases (and merges) add: the full builder's nodes are unique + added
        self.text = 0  # bytes of scalar text written
        self.repeated = 0  # bytes of scalar text aliases repeat
        self.later: List[Tuple[Any, Any, "_Later"]] = []  # (container, slot, marker) of each copy to make

    # -- measures, as the full builder takes them -----------------------------------------------------------
    @property
    def built(self) -> int:
        """The nodes built so far, aliases expanded."""
        return self.unique + self.added

    def repeat(self, anchor: "_Anchor") -> None:
        """An alias of ``anchor`` (as a value, a key or merged): the budgets, then the alias bomb check."""
        self.added += anchor.size
        self.repeated += anchor.nbytes
        budgets = self.budgets
        if budgets.alias_bytes is not None and self.repeated > budgets.alias_bytes:
            raise Fallback
        if self.unique + self.added > budgets.nodes:
            raise Fallback
        if self.stack:
            self.check_expansion(self.stack[-1])

    def check_expansion(self, frame: List[Any]) -> None:
        """Give up when ``frame`` expands to more nodes than the document holds by more than the limit."""
        # Its expanded size is 1 + (unique - frame[_UNIQUE]) + (added - frame[_ADDED]); less ``unique``:
        if 1 - frame[_UNIQUE] + self.added - frame[_ADDED] > self.budgets.expansion:
            raise Fallback

    def spot(self, event: Any) -> Spot:
        mark = event.start_mark
        return mark.line + self.offset + 1, mark.column + 1

    def place(self, path: Path, spot: Spot) -> None:
        self.log.append((path, spot))

    # -- building -------------------------------------------------------------------------------------------
    def run(self) -> Tuple[StreamedDocument, int, int]:
        """Build the document; plain keys, untagged scalars and collections without anchors inline (the hot path)."""
        get_event = self.get_event
        stack = self.stack
        plain = self.policy.plain
        positions = self.positions
        log = self.log
        duplicates = self.duplicates
        later = self.later
        key_cache = self.key_cache
        offset = self.offset
        max_depth = self.max_depth
        event = root = get_event()
        while True:
            cls = event.__class__
            if stack:
                top = stack[-1]
                if top[_IS_MAP] and top[_KEY] is NO_KEY and cls is not MappingEndEvent:
                    key: Any = None
                    if cls is ScalarEvent and event.anchor is None and event.tag is None and event.implicit[0]:
                        text = event.value
                        key = text if text and text[0] not in SPECIAL_START else key_cache.get(text)
                    if key.__class__ is not str:
                        self.key(event, cls)
                        event = get_event()
                        continue
                    # A plain key that is its own text, or was read as text before: the hot path.
                    self.unique += 1
                    self.text += len(text)
                    mark = event.start_mark
                    line = mark.line + offset + 1
                    lines = top[_LINES]
                    first = lines.get(key)
                    if first is not None:
                        duplicates.append((top[_PATH] + (key,), line, mark.column + 1, first))
                    lines[key] = line
                    if positions is not None:
                        log.append((top[_PATH] + (key,), (line, mark.column + 1)))
                    top[_KEY] = key
                    event = get_event()
                    continue
            height = 0
            if cls is ScalarEvent:
                if event.anchor is None and event.tag is None:
                    text = event.value
                    self.unique += 1
                    self.text += len(text)
                    if not event.implicit[0]:
                        value = text  # quoted: always text
                    elif (value := plain(text)).__class__ is Reject:
                        self.refuse(self.policy.rejected(text, value), event, slot_path(stack))
                else:
                    value = self.marked_scalar(event)
                if positions is not None and stack and not stack[-1][_IS_MAP]:
                    log.append((stack[-1][_PATH] + (len(stack[-1][_CONTAINER]),), self.spot(event)))
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None or not stack or len(stack) >= max_depth:
                    self.start(event, cls)
                else:  # the common collection: inline
                    top = stack[-1]
                    if top[_IS_MAP]:
                        slot = top[_KEY]
                    else:
                        slot = len(top[_CONTAINER])
                        if positions is not None:
                            log.append((top[_PATH] + (slot,), self.spot(event)))
                    self.unique += 1
                    if cls is MappingStartEvent:
                        stack.append([{}, True, NO_KEY, slot, top[_PATH] + (slot,), {}, self.unique, self.added,
                                      self.text, self.repeated, 0, None])
                    else:
                        stack.append([[], False, None, slot, top[_PATH] + (slot,), None, self.unique, self.added,
                                      self.text, self.repeated, 0, None])
                event = get_event()
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                value = frame[_CONTAINER]
                height = frame[_HEIGHT] + 1
                if frame[_ANCHOR] is not None:
                    self.ended(frame, height)
                if stack and self.added != frame[_ADDED]:
                    # Aliases inside made it larger: the full builder checks the collection holding it again
                    # here (without them, that collection measures what it measured when last checked).
                    self.check_expansion(stack[-1])
            else:  # an alias
                value, height = self.alias(event)
            if not stack:
                return self.document(root, value)
            top = stack[-1]
            if height > top[_HEIGHT]:
                top[_HEIGHT] = height
            container = top[_CONTAINER]
            if top[_IS_MAP]:
                slot = top[_KEY]
                container[slot] = value
                top[_KEY] = NO_KEY
            else:
                slot = len(container)
                container.append(value)
            if value.__class__ is _Later:
                later.append((container, slot, value))
            event = get_event()

    def document(self, root: Any, value: Any) -> Tuple[StreamedDocument, int, int]:
        if self.unique + self.added > self.budgets.nodes:
            raise Fallback
        self.get_event()  # DocumentEndEvent
        # Every measure passed: now make the copies aliases and merges stand for, in document order (an
        # anchored value holding some had them made before any copy of it).
        for container, slot, marker in self.later:
            # A repeated key may have put a later value in the slot since: the last one written wins.
            if container[slot] is marker:
                source = marker.source
                container[slot] = _copy(source if marker.key is NO_KEY else source[marker.key])
        if self.positions is not None:
            _replay(self.log, self.positions)
        line, column = self.spot(root)
        return (value, line, column, self.positions, self.duplicates), self.unique + self.added, self.repeated

    def marked_scalar(self, event: Any) -> Any:
        """A scalar value with an anchor or a tag: counted, read, and its anchor recorded."""
        self.unique += 1
        self.text += len(event.value)
        value = self.scalar(event, event)
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(value, 1, len(event.value), 0, event, (), [], [])
        return value

    def scalar(self, event: Any, where: Any) -> Any:
        """A scalar event's value; a refusal is raised at ``where`` (the event, or the alias's anchored event)."""
        if event.tag is None:
            if not event.implicit[0]:
                return event.value
            value = self.policy.plain(event.value)
            if value.__class__ is Reject:
                self.refuse(self.policy.rejected(event.value, value), where, slot_path(self.stack))
            return value
        try:
            return self.policy.tagged(event)
        except ScalarProblem as problem:
            self.refuse(problem, where, slot_path(self.stack))

    def refuse(self, problem: ScalarProblem, event: Any, path: Path, depth: Optional[int] = None,
               nodes: Optional[int] = None) -> Any:
        """Raise the refusal once the rest of the document reads (see :func:`~profile_render.yamlio.stream.refuse`)."""
        refuse(problem, event, path, self.get_event, len(self.stack) if depth is None else depth, self.max_depth,
               self.built if nodes is None else nodes, self.budgets.nodes)

    def key(self, event: Any, cls: Any) -> None:
        """A mapping key (a scalar, or an alias of one); its position, repeats and line recorded."""
        stack = self.stack
        top = stack[-1]
        opens = True  # a collection written as the key opens here (an aliased one does not)
        if cls is AliasEvent:
            anchor = self.anchored(event)
            self.repeat(anchor)
            event = anchor.event
            cls = event.__class__
            opens = False
        elif cls is ScalarEvent:
            self.unique += 1
            self.text += len(event.value)
            if event.anchor is not None:
                self.anchors[event.anchor] = _Anchor(None, 1, len(event.value), 0, event, (), [], [])
        if cls is not ScalarEvent:
            problem = self.policy.collection_key()
            if opens and len(stack) >= self.max_depth:
                if self.built + 1 > self.budgets.nodes:
                    raise Fallback
                raise Refused(problem, event, stack_path(stack))  # where the depth guard stops reading
            self.refuse(problem, event, stack_path(stack), len(stack) + opens, self.built + opens)
        text = event.value
        if event.tag is None and event.implicit[0]:
            if text and text[0] not in SPECIAL_START:
                key = text
            else:
                key = self.key_cache.get(text, NO_KEY)
                if key is NO_KEY:
                    key = self.key_cache[text] = key_of(self.policy.key, event)
        else:
            key = key_of(self.policy.key, event)
        if key.__class__ is ScalarProblem:
            self.refuse(key, event, stack_path(stack))
        if key is MERGE:
            if not opens or event.anchor is not None or not self.policy.merge_in_place:
                raise Fallback  # an aliased or anchored ``<<``, or yaml.v3's merging: unusual, left to the full builder
            self.merge(top)
            return
        line, column = self.spot(event)
        lines = top[_LINES]
        first = lines.get(key)
        if first is not None:
            self.duplicates.append((top[_PATH] + (key,), line, column, first))
        lines[key] = line
        if self.positions is not None:
            self.place(top[_PATH] + (key,), (line, column))
        top[_KEY] = key

    def anchored(self, alias: Any) -> _Anchor:
        """What an alias names; an undefined or recursive alias is left to the full builder, which says which."""
        anchor = self.anchors.get(alias.anchor)
        if anchor is None or anchor.__class__ is not _Anchor:  # never defined, or its collection is still open
            raise Fallback
        return anchor

    def start(self, event: Any, cls: Any) -> None:
        """Open a collection that is the root, has an anchor or meets the depth guard (:meth:`run` opens the rest)."""
        stack = self.stack
        slot: Any = None
        path: Path = ()
        if stack:
            top = stack[-1]
            slot = top[_KEY] if top[_IS_MAP] else len(top[_CONTAINER])
            path = top[_PATH] + (slot,)
            if self.positions is not None and not top[_IS_MAP]:
                self.place(path, self.spot(event))
        anchor = None
        if event.anchor is not None:
            anchor = (event.anchor, len(self.duplicates), len(self.log), event)
        self.unique += 1
        is_map = cls is MappingStartEvent
        frame = [{} if is_map else [], is_map, NO_KEY if is_map else None, slot, path, {} if is_map else None,
                 self.unique, self.added, self.text, self.repeated, 0, anchor]
        if anchor is not None:
            self.anchors[event.anchor] = frame  # open: an alias of it is recursive
        stack.append(frame)
        if self.unique + self.added > self.budgets.nodes:
            raise Fallback
        if len(stack) > self.max_depth:
            # The depth guard stops reading here, as the full builder's does; nothing before was refused.
            raise Refused(None, event, path)

    def ended(self, frame: List[Any], height: int) -> None:
        """An anchored collection's frame has closed: record what its anchor marks (unless defined again inside)."""
        name, duplicates, logged, event = frame[_ANCHOR]
        if self.anchors.get(name) is frame:  # not defined again inside (the later definition counts then)
            size = 1 + self.unique - frame[_UNIQUE] + self.added - frame[_ADDED]
            nbytes = self.text - frame[_TEXT] + self.repeated - frame[_REPEATED]
            self.anchors[name] = _Anchor(frame[_CONTAINER], size, nbytes, height, event, frame[_PATH],
                                         self.duplicates[duplicates:], self.log[logged:])

    def alias(self, event: Any) -> Tuple[Any, int]:
        """An alias as a value: a copy of what its anchor built, and what building it recorded, again."""
        anchor = self.anchored(event)
        stack = self.stack
        if len(stack) + anchor.height > self.max_depth:
            raise Fallback  # the full builder finds where the copy passes the depth limit
        self.repeat(anchor)
        path = slot_path(stack)
        if self.positions is not None and stack and not stack[-1][_IS_MAP]:
            self.place(path, self.spot(anchor.event))
        if anchor.value is None and anchor.event.__class__ is ScalarEvent:
            value = self.scalar(anchor.event, anchor.event)  # an anchored key, now a value
        elif isinstance(anchor.value, (dict, list)):
            value = _Later(anchor.value, NO_KEY)  # copied once the whole document has passed the measures
        else:
            value = anchor.value
        self.again(anchor, path)
        return value, anchor.height

    def again(self, anchor: _Anchor, path: Path) -> None:
        """Record again, under ``path``, the repeated keys and positions building ``anchor``'s value recorded."""
        cut = len(anchor.path)
        for duplicate_path, line, column, first in anchor.duplicates:
            self.duplicates.append((path + duplicate_path[cut:], line, column, first))
        if self.positions is not None and anchor.positions:
            self.log.append((path, anchor))  # its positions again, under this path

    # -- merge keys (go-yaml v2: in place) ---------------------------------------------------------------------
    def merge(self, top: List[Any]) -> None:
        """Apply the value of a ``<<`` key (its next event on) to the mapping of frame ``top``, as the full builder does."""
        event = self.get_event()
        cls = event.__class__
        depth = len(self.stack)  # where the full builder builds each merged mapping: the depth of top's values
        if cls is AliasEvent:
            sources = [self.merged(event, depth)]
        elif cls is SequenceStartEvent and event.anchor is None and event.tag is None:
            sources = self.merged_list(depth)
        else:  # an inline mapping, a scalar (refused), an anchored or tagged list: the full builder's
            raise Fallback
        into = top[_CONTAINER]
        later = self.later
        for anchor in sources:
            if anchor.height > top[_HEIGHT]:
                top[_HEIGHT] = anchor.height
            self.again(anchor, top[_PATH])  # the full builder builds the mapping again at top's path
            source = anchor.value
            for key, value in source.items():
                if value.__class__ is dict or value.__class__ is list or value.__class__ is _Later:
                    marker = _Later(source, key)  # copied once the document has passed the measures
                    into[key] = marker
                    later.append((into, key, marker))
                else:
                    into[key] = value

    def merged(self, alias: Any, depth: int) -> _Anchor:
        """The mapping an alias in a merge key's value names, measured as an alias; anything else gives up."""
        anchor = self.anchored(alias)
        if anchor.event.__class__ is not MappingStartEvent:
            raise Fallback  # a list (its items would merge) or a scalar (refused): the full builder's
        if depth + anchor.height > self.max_depth:
            raise Fallback  # the full builder finds where the merged mapping passes the depth limit
        self.repeat(anchor)
        return anchor

    def merged_list(self, depth: int) -> List[_Anchor]:
        """The mappings a merge key's list of aliases names, last first (the order they merge in)."""
        if depth >= self.max_depth:
            raise Fallback  # the depth guard cuts the list short: the full builder says where
        self.unique += 1
        if self.unique + self.added > self.budgets.nodes:
            raise Fallback
        # A frame for the list alone, so that its aliases are measured in it as the full builder measures them.
        frame = [None, False, None, None, None, None, self.unique, self.added, self.text, self.repeated, 0, None]
        self.stack.append(frame)
        sources = []
        while True:
            event = self.get_event()
            cls = event.__class__
            if cls is SequenceEndEvent:
                break
            if cls is not AliasEvent:
                raise Fallback  # an inline item, or a nested list: the full builder's
            sources.append(self.merged(event, depth))
        self.stack.pop()
        if self.added != frame[_ADDED]:
            self.check_expansion(self.stack[-1])
        sources.reverse()
        return sources


def _replay(log: List[Tuple[Path, Any]], positions: Dict[Path, Spot]) -> None:
    """Write a position log into ``positions`` in order, an alias's entry as its anchor's positions under its path."""
    work: List[Tuple[List[Tuple[Path, Any]], int, Path, int]] = [(log, 0, (), 0)]  # entries, next, prefix, cut
    while work:
        entries, index, prefix, cut = work.pop()
        while index < len(entries):
            path, item = entries[index]
            index += 1
            if prefix or cut:
                path = prefix + path[cut:]
            if item.__class__ is _Anchor:
                work.append((entries, index, prefix, cut))
                work.append((item.positions, 0, path, len(item.path)))
                break
            positions[path] = item


class _Later:
    """Where a copy goes until the document has passed every measure (an alias bomb builds nothing).

    The copy is of ``source`` (an alias's anchored value), or, for a merged
    entry, of ``source[key]`` as it stands then (itself copied in by then,
    if it was waiting too: the markers are replaced in document order).
    """

    __slots__ = ("source", "key")

    def __init__(self, source: Any, key: Any) -> None:
        self.source = source
        self.key = key


def _copy(value: Any) -> Any:
    """A deep copy of a values tree, without recursion (anchored values may be as deep as the limit)."""
    if not isinstance(value, (dict, list)):
        return value
    root: Any = {} if isinstance(value, dict) else []
    work: List[Tuple[Any, Any]] = [(value, root)]
    while work:
        source, target = work.pop()
        if isinstance(source, dict):
            for key, item in source.items():
                if isinstance(item, (dict, list)):
                    copied: Any = {} if isinstance(item, dict) else []
                    work.append((item, copied))
                    target[key] = copied
                else:
                    target[key] = item
        else:
            for item in source:
                if isinstance(item, (dict, list)):
                    copied = {} if isinstance(item, dict) else []
                    work.append((item, copied))
                    target.append(copied)
                else:
                    target.append(item)
    return root
