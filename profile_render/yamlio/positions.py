"""Where a value path is set in a values text, found without reading the whole text again for each path.

Provenance asks, path by path, where a loaded values file sets a value
(:meth:`~profile_render.yamlio.load.LoadedValues.locate`). Reading the whole
text again with every position costs as much as loading it, for every
lookup, and the positions of a 4 MB file fill tens of megabytes. Instead,
the first lookup reads the text's events once and keeps only where each
top-level entry starts and ends and where each anchor is defined
(:class:`PositionIndex`, a few numbers per entry and per anchor). A lookup
then reads the entry its path starts in, and the entries that define the
anchors its aliases and merge keys name: each entry once, into an
:class:`_Outline` (its nodes' kinds, positions, extents and resolved keys,
in a few bytes a node), which later lookups reuse.

The answer is the one the full builder's positions give
(:mod:`profile_render.yamlio.build`, read with ``positions=True``): the
key or item that sets the path last, following each part of the path
through the node that finally gave the value there. A key set twice counts
where it is set last; a merge key (``<<``, applied where it stands, as
go-yaml v2 does) sets the keys of the mappings it names where those
mappings set them, a list of mappings merging last to first; an item that
is an alias sits where its anchored node starts; an alias is read in the
anchor defined last before it. A path the value does not hold has no
position (None). Pieces of a multi-document text (Helm's ``---`` split)
are asked last to first, as later documents win.

Whatever the index does not cover raises
:class:`~profile_render.yamlio.stream.Fallback` (a top level that is not a
block mapping with every key at column 0, a merge key or an anchor or
alias at the top level, an alias or collection as a key, a key the policy
refuses, a merge of something that is not a mapping): the caller then
reads the whole text with every position.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Any, Callable, Dict, List, Optional, Tuple

from yaml.events import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent
from yaml.events import SequenceStartEvent, StreamEndEvent

from profile_render.yamlio.policy import HELM, MERGE, ScalarPolicy, ScalarProblem
from profile_render.yamlio.scalars import SPECIAL_START
from profile_render.yamlio.stream import Fallback

__all__ = ["EventSource", "PositionIndex", "index_positions"]

Path = Tuple[Any, ...]
Spot = Tuple[int, int]
#: A top-level entry's extent in its piece: index of its key, index after its value, 0-based line of its key.
Span = Tuple[int, int, int]
#: Events of a text (a piece or one entry of it): a parser with ``get_event`` and ``dispose``.
EventSource = Callable[[str], Any]

_SCALAR, _MAPPING, _SEQUENCE, _ALIAS = range(4)
_NOT_A_KEY = object()  # an alias or a collection standing as a key

#: How many aliases and merged mappings one lookup may follow: far above any real file, and a bound on
#: hostile ones (the loader has already refused alias bombs; this keeps a lookup from repeating their work).
_STEPS = 100_000


class _Piece:
    """One document of the text (a Helm piece): where it starts, its text, its entries and its anchors."""

    __slots__ = ("offset", "text", "entries", "anchors")

    def __init__(self, offset: int, text: str, entries: Dict[str, Span],
                 anchors: Dict[str, Tuple[List[int], List[Span]]]) -> None:
        self.offset = offset  # 0-based line of the piece's first line in the whole text
        self.text = text
        self.entries = entries  # top-level key -> the span of the entry that sets it last
        self.anchors = anchors  # anchor name -> (indexes of its definitions in order, the span holding each)


class _Outline:
    """One top-level entry's nodes in document order (aliases not expanded), in compact arrays.

    Node ``n``: ``kinds[n]``; its 1-based ``lines[n]`` and ``columns[n]`` in
    the whole source; ``ends[n]``, the node after it and everything inside
    it; ``keys[n]``, the policy's key when the node stands as a mapping key
    (None otherwise). ``aliases``: alias node -> (anchor name, index in the
    piece); ``anchors``: (anchor name, index in the piece) of an anchored
    node -> the node.
    """

    __slots__ = ("kinds", "lines", "columns", "ends", "keys", "aliases", "anchors")

    def __init__(self) -> None:
        self.kinds = bytearray()
        self.lines = array("i")  # 4 bytes a number: lines and nodes of a text within Limits stay far below 2**31
        self.columns = array("i")
        self.ends = array("i")
        self.keys: List[Any] = []
        self.aliases: Dict[int, Tuple[str, int]] = {}
        self.anchors: Dict[Tuple[str, int], int] = {}

    def spot(self, node: int) -> Spot:
        """The node's 1-based (line, column)."""
        return self.lines[node], self.columns[node]


def _key(policy: ScalarPolicy, event: Any, cache: Dict[str, Any]) -> Any:
    """The policy's key for a key scalar, or the :class:`ScalarProblem` refusing it.

    Plain keys are resolved once per text through ``cache``, which also
    hands out one string object for every key written alike (outlines hold
    many repeated keys).
    """
    text = event.value
    plain = event.tag is None and event.implicit[0]
    if plain:
        key = cache.get(text, _NOT_A_KEY)
        if key is not _NOT_A_KEY:
            return key
        if text and text[0] not in SPECIAL_START:
            cache[text] = text
            return text
    try:
        key = policy.key(event)
    except ScalarProblem as problem:
        return problem
    if plain:
        cache[text] = key
    return key


def _index_piece(parser: Any, offset: int, text: str, policy: ScalarPolicy) -> Optional[_Piece]:
    """The entries and anchors of the first document of ``parser``'s text, or None when it cannot be indexed.

    Only a block mapping whose keys are scalars at column 0, without
    an anchor, an alias or a merge key at the top level, is indexed: then an
    entry's span, from its key to the next top-level key, is a document of
    its own that sets the entry's paths at the same columns.
    """
    get_event = parser.get_event
    get_event()  # StreamStartEvent
    anchors: Dict[str, Tuple[List[int], List[Span]]] = {}
    entries: Dict[str, Span] = {}
    if get_event().__class__ is StreamEndEvent:  # no document: the piece sets nothing
        return _Piece(offset, text, entries, anchors)
    root = get_event()
    if root.__class__ is not MappingStartEvent or root.anchor is not None or root.flow_style:
        return None
    cache: Dict[str, Any] = {}
    pending: List[Tuple[str, int]] = []  # anchors defined in the current entry: (name, index)
    key: Any = None
    start = line = 0
    depth = 1
    want_key = True
    while True:
        event = get_event()
        cls = event.__class__
        if depth == 1:
            if want_key:
                if key is not None:
                    span = (start, event.start_mark.index, line)
                    entries[key] = span
                    for name, at in pending:
                        indexes, spans = anchors.setdefault(name, ([], []))
                        indexes.append(at)
                        spans.append(span)
                    pending.clear()
                if cls is MappingEndEvent:
                    return _Piece(offset, text, entries, anchors)
                mark = event.start_mark
                if cls is not ScalarEvent or event.anchor is not None or mark.column != 0:
                    return None
                key = _key(policy, event, cache)
                if key is MERGE or key.__class__ is not str:
                    return None
                start, line = mark.index, mark.line
                want_key = False
                continue
            want_key = True  # the entry's value
        if cls is ScalarEvent:
            if event.anchor is not None:
                pending.append((event.anchor, event.start_mark.index))
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if event.anchor is not None:
                pending.append((event.anchor, event.start_mark.index))
            depth += 1
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            depth -= 1


def index_positions(pieces: List[Tuple[int, str]], events: EventSource, *,
                    policy: ScalarPolicy = HELM) -> Optional["PositionIndex"]:
    """Read each piece's events once into a :class:`PositionIndex`; None when a piece cannot be indexed.

    ``pieces`` are (0-based first line, text) as Helm splits a values text;
    ``events`` makes the parser for a text. Parser errors propagate.
    """
    indexed: List[_Piece] = []
    for offset, text in pieces:
        parser = events(text)
        try:
            piece = _index_piece(parser, offset, text, policy)
        finally:
            parser.dispose()
        if piece is None:
            return None
        indexed.append(piece)
    return PositionIndex(indexed, policy)


class PositionIndex:
    """Where the top-level entries and anchors of a values text are; answers where a path is set.

    Made by :func:`index_positions`. Entries read for a lookup are kept
    (outlined) for the next ones, so a report of every value reads each
    entry once. Safe to share between threads: an entry two threads outline
    at once is outlined twice, and either outline is kept.
    """

    def __init__(self, pieces: List[_Piece], policy: ScalarPolicy) -> None:
        self.pieces = pieces
        self.policy = policy
        self.outlines: Dict[Tuple[int, int], _Outline] = {}  # (piece number, entry start) -> its outline
        self.keys: Dict[str, Any] = {}  # plain key text -> key, shared by the outlines (see _key)

    def locate(self, path: Path, events: EventSource) -> Optional[Spot]:
        """The 1-based (line, column) where ``path`` is set last, or None when the values do not hold it.

        ``events`` makes a parser for a text, as for :func:`index_positions`.
        Raises :class:`~profile_render.yamlio.stream.Fallback` when the
        index cannot answer (see the module doc), and parser errors.
        """
        if not path or not isinstance(path[0], str):
            raise Fallback
        for number in range(len(self.pieces) - 1, -1, -1):
            piece = self.pieces[number]
            span = piece.entries.get(path[0])
            if span is None:
                continue
            try:
                spot = _Lookup(self, number, events).follow(span, path)
            except RecursionError:
                raise Fallback from None
            if spot is not None:
                return spot
        return None

    def outline(self, number: int, span: Span, events: EventSource) -> _Outline:
        """The outline of the entry at ``span`` of piece ``number``, read now or kept from before."""
        key = (number, span[0])
        outline = self.outlines.get(key)
        if outline is None:
            piece = self.pieces[number]
            start, end, line = span
            parser = events(piece.text[start:end])
            try:
                outline = _outline(parser, self.policy, piece.offset + line, start, self.keys)
            finally:
                parser.dispose()
            self.outlines[key] = outline
        return outline


def _outline(parser: Any, policy: ScalarPolicy, line_offset: int, start: int, cache: Dict[str, Any]) -> _Outline:
    """Outline the first document of ``parser``'s text (an entry starting at ``start`` in its piece, on 0-based line
    ``line_offset`` of the source); ``cache`` resolves plain keys (see :func:`_key`)."""
    get_event = parser.get_event
    get_event()  # StreamStartEvent
    get_event()  # DocumentStartEvent (an entry is never empty)
    outline = _Outline()
    kinds, lines, columns, ends, keys = outline.kinds, outline.lines, outline.columns, outline.ends, outline.keys
    stack: List[List[Any]] = []  # per open collection: [its node, is a mapping, the next node is a key]
    while True:
        event = get_event()
        cls = event.__class__
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            ends[stack.pop()[0]] = len(kinds)
            if not stack:
                return outline
            continue
        node = len(kinds)
        mark = event.start_mark
        lines.append(mark.line + line_offset + 1)
        columns.append(mark.column + 1)
        ends.append(node + 1)
        key = None
        if stack:
            top = stack[-1]
            if top[1]:
                if top[2]:
                    key = _key(policy, event, cache) if cls is ScalarEvent else _NOT_A_KEY
                top[2] = not top[2]
        keys.append(key)
        if cls is ScalarEvent:
            kinds.append(_SCALAR)
        elif cls is AliasEvent:
            kinds.append(_ALIAS)
            outline.aliases[node] = (event.anchor, start + mark.index)
            continue
        elif cls is MappingStartEvent:
            kinds.append(_MAPPING)
            stack.append([node, True, True])
        elif cls is SequenceStartEvent:
            kinds.append(_SEQUENCE)
            stack.append([node, False, False])
        else:  # the document ended at a scalar root: not an entry
            raise Fallback
        if event.anchor is not None:
            outline.anchors[(event.anchor, start + mark.index)] = node
        if not stack:
            raise Fallback  # a scalar root: not an entry


class _Lookup:
    """One lookup in one piece: follows a path through its entries, aliases and merge keys."""

    def __init__(self, index: PositionIndex, number: int, events: EventSource) -> None:
        self.index = index
        self.number = number
        self.piece = index.pieces[number]
        self.events = events
        self.steps = _STEPS

    def follow(self, span: Span, path: Path) -> Optional[Spot]:
        """Where ``path`` (starting with the key of the entry at ``span``) is set last, or None."""
        outline = self.index.outline(self.number, span, self.events)
        node = 0  # the entry document's root mapping
        spot: Optional[Spot] = None
        for part in path:
            outline, node = self.resolve(outline, node)
            kind = outline.kinds[node]
            if kind == _MAPPING and isinstance(part, str):
                found = self.setter(outline, node, part)
                if found is None:
                    return None
                spot, outline, node = found
            elif kind == _SEQUENCE and isinstance(part, int):
                item = _item(outline, node, part)
                if item is None:
                    return None
                outline, node = self.resolve(outline, item)  # an alias item sits where its anchor's node does
                spot = outline.spot(node)
            else:
                return None
        return spot

    def resolve(self, outline: _Outline, node: int) -> Tuple[_Outline, int]:
        """The node an alias stands for (the anchor defined last before it), or the node itself."""
        if outline.kinds[node] != _ALIAS:
            return outline, node
        self.spend()
        name, at = outline.aliases[node]
        definitions = self.piece.anchors.get(name)
        if definitions is None:
            raise Fallback
        indexes, spans = definitions
        which = bisect_left(indexes, at) - 1
        if which < 0:
            raise Fallback
        target = self.index.outline(self.number, spans[which], self.events)
        anchored = target.anchors.get((name, indexes[which]))
        if anchored is None:
            raise Fallback
        return target, anchored

    def setter(self, outline: _Outline, mapping: int, key: str) -> Optional[Tuple[Spot, _Outline, int]]:
        """What sets ``key`` last in a mapping: the spot of the key and where its value is, or None."""
        found = None
        keys, ends = outline.keys, outline.ends
        node = mapping + 1
        end = ends[mapping]
        while node < end:
            written = keys[node]
            value = ends[node]
            if written.__class__ is str:
                if written == key:
                    found = (outline.spot(node), outline, value)
            elif written is MERGE:
                for source_outline, source in self.merged(outline, value):
                    hit = self.setter(source_outline, source, key)
                    if hit is not None:
                        found = hit
            else:  # an alias or a collection as a key, or a key the policy refuses
                raise Fallback
            node = ends[value]
        return found

    def merged(self, outline: _Outline, value: int) -> List[Tuple[_Outline, int]]:
        """The mappings a merge key's value names, in the order they apply (a list merges last to first)."""
        outline, value = self.resolve(outline, value)
        kind = outline.kinds[value]
        if kind == _MAPPING:
            self.spend()
            return [(outline, value)]
        if kind != _SEQUENCE:
            raise Fallback
        sources = []
        node = value + 1
        while node < outline.ends[value]:
            source = self.resolve(outline, node)
            if source[0].kinds[source[1]] != _MAPPING:
                raise Fallback
            self.spend()
            sources.append(source)
            node = outline.ends[node]
        sources.reverse()
        return sources

    def spend(self) -> None:
        """Count one alias or merged mapping followed; past the bound, the whole text answers instead."""
        self.steps -= 1
        if self.steps < 0:
            raise Fallback


def _item(outline: _Outline, sequence: int, index: int) -> Optional[int]:
    """The node of item ``index`` of a sequence, or None when it has fewer items."""
    if index < 0:
        return None
    ends = outline.ends
    node = sequence + 1
    end = ends[sequence]
    while node < end:
        if index == 0:
            return node
        index -= 1
        node = ends[node]
    return None
