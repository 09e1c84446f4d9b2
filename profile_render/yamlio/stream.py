"""The streaming builder: values straight from parse events, for documents without anchors.

Most documents hold no anchor, no alias and no merge key, are within every
limit, and hold nothing a reader refuses. For them the full builder
(:mod:`profile_render.yamlio.build`) keeps every event of a document before
building, which for a multi-megabyte file means millions of objects alive at
once and most of the time spent in the garbage collector. This builder takes
one event at a time and keeps none of them, building with an explicit stack
(no recursion).

It builds exactly what the full builder builds (values, key positions,
repeated keys). A scalar or key the policy refuses, a collection as a key, or
a collection nested ``max_depth`` deep is raised here (:class:`Refused`), once
the rest of the document has been read as the full builder reads it. It
gives up (:class:`Fallback`) at an anchor, an alias, a merge key or more
nodes than the budget allows: the caller then reads the text again with the
full builder, which handles those and raises the located error, in the order
the full builder finds them (texts that may hold anchors go to
:mod:`profile_render.yamlio.anchored` instead). Parser errors are not a
reason to give up: both builders pull the same events in the same order, so
the error met here is the one the full builder would meet, and the caller
maps it.

:func:`locate_streamed` follows a value path through a text's events for
provenance, building nothing.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, NoReturn, Optional, Tuple

from yaml.events import DocumentEndEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent
from yaml.events import SequenceStartEvent, StreamEndEvent

from profile_render.yamlio.policy import MERGE, ScalarPolicy, ScalarProblem
from profile_render.yamlio.scalars import SPECIAL_START, Reject

__all__ = ["Fallback", "Refused", "ANCHOR_LIKE", "may_define_anchor", "StreamedDocument", "read_streamed",
           "reading_path", "locate_streamed"]

Path = Tuple[Any, ...]

#: Text that might define an anchor (``&name`` at the start of a node: first in the text or after whitespace or
#: an indicator); false alarms only cost speed. The ``&`` comes first so that a search skips to each ``&`` at
#: once; the lookbehind then looks at the character before it.
ANCHOR_LIKE = re.compile(r"&(?<![^\s\[\]{},:?-]&)[^\s\[\]{},]")

# On one line: a comment, or a quoted scalar opening where a node may start (what they hold is never an anchor).
_COMMENT_OR_QUOTED = re.compile(
    r"""(?:^|(?<=[ \t]))#.*|(?:^|(?<=[\s\[{,:?-]))(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')""")


def may_define_anchor(text: str) -> bool:
    """Whether ``text`` might define an anchor: an :data:`ANCHOR_LIKE` ``&`` outside comments and quoted scalars.

    Comments and quoted scalars are recognised on the line of each ``&``
    alone, each line looked at once (so a text full of ``&`` costs one pass):
    ``&&`` in a comment (``## >0 && <=86400``) or ``"a &b"`` is no anchor.
    The answer only chooses a reader's way, never its result: a missed
    anchor (inside a quoted scalar that began on an earlier line, say) makes
    the streaming builder meet it and hand the text to the full builder,
    and a false alarm (an ``&`` in a block scalar's text) takes the builder
    for anchors, which reads any text as the others do.
    """
    if "&" not in text:
        return False
    search = ANCHOR_LIKE.search
    position = 0
    while True:
        match = search(text, position)
        if match is None:
            return False
        ampersand = match.start()
        line_start = text.rfind("\n", 0, ampersand) + 1
        line_end = text.find("\n", ampersand)
        if line_end < 0:
            line_end = len(text)
        if search(_COMMENT_OR_QUOTED.sub(" ", text[line_start:line_end])):
            return True
        position = line_end

#: One document read: value, 1-based line and column of its root, key positions, repeated keys
#: (each as value path, 1-based line and column, and the line that set the key before).
StreamedDocument = Tuple[Any, int, int, Optional[Dict[Path, Tuple[int, int]]], List[Tuple[Path, int, int, int]]]

NO_KEY = object()  # a mapping frame waiting for its next key


class Fallback(Exception):
    """The document holds something only the full builder handles; read the text with it instead."""


class Refused(Exception):
    """The error the full builder would raise first: ``problem`` (None: nested ``max_depth`` deep) at ``event``.

    ``path`` is the value path the error names.
    """

    def __init__(self, problem: Optional[ScalarProblem], event: Any, path: Path) -> None:
        super().__init__(problem.problem if problem is not None else "nested too deeply")
        self.problem = problem
        self.event = event
        self.path = path


def read_streamed(parser: Any, *, policy: ScalarPolicy, max_depth: int, first_only: bool, positions: bool,
                  line_offset: int, nodes_left: int, anchors: bool = False, alias_bytes: Optional[int] = None,
                  expansion: int = 0) -> Tuple[List[StreamedDocument], int, int]:
    """Read the documents of a text from ``parser``'s events; returns them, the nodes and the alias bytes they used.

    Raises :class:`Fallback` (see the module doc) and whatever the parser
    raises. ``nodes_left`` is the node budget the documents share. With
    ``anchors`` (the text may hold some), documents are read by
    :func:`profile_render.yamlio.anchored.anchored_document`, within
    ``alias_bytes`` (the bytes of text aliases may still repeat, None: no
    bound) and ``expansion`` (``Limits.max_alias_expansion``).
    """
    get_event = parser.get_event
    get_event()  # StreamStartEvent
    documents: List[StreamedDocument] = []
    built = used = 0
    while True:
        if get_event().__class__ is StreamEndEvent:  # else a DocumentStartEvent
            break
        if anchors:
            from profile_render.yamlio.anchored import Budgets, anchored_document

            budgets = Budgets(nodes_left - built, None if alias_bytes is None else alias_bytes - used, expansion)
            document, nodes, nbytes = anchored_document(get_event, policy, max_depth, positions, line_offset, budgets)
            used += nbytes
        else:
            document, nodes = _document(get_event, policy, max_depth, positions, line_offset, nodes_left - built)
        built += nodes
        documents.append(document)
        if first_only:
            break
    return documents, built, used


def reading_path(text: str, *, policy: ScalarPolicy, limits: Any, positions: bool = False) -> str:
    """Which builder reads every document of ``text`` (with libyaml, ``limits`` a :class:`~profile_render.yamlio.limits.Limits`).

    ``"stream"``: this module's builder (no anchor in the text);
    ``"anchored"``: the builder for anchors; ``"full"``: a streaming builder
    gave up (:class:`Fallback`) and the full builder reads the text again.
    A text they refuse, or that does not parse, is theirs: they raise its
    error. For measuring and testing; it reads the text once, as
    :func:`profile_render.yamlio.build.read_documents` would.
    """
    from yaml import YAMLError

    from profile_render.yamlio.parse import event_parser

    anchors = may_define_anchor(text)
    path = "anchored" if anchors else "stream"
    try:
        parser = event_parser(text, go_v2=policy.go_v2_scanner, use_libyaml=True, max_depth=limits.max_depth)
    except YAMLError:
        return path  # refused before any builder runs
    try:
        read_streamed(parser, policy=policy, max_depth=limits.max_depth, first_only=False, positions=positions,
                      line_offset=0, nodes_left=limits.max_nodes, anchors=anchors, alias_bytes=limits.max_alias_bytes,
                      expansion=limits.max_alias_expansion)
    except Fallback:
        return "full"
    except (Refused, YAMLError):
        pass  # raised by the streaming builder itself
    finally:
        parser.dispose()
    return path


def _document(get_event: Callable[[], Any], policy: ScalarPolicy, max_depth: int, with_positions: bool,
              offset: int, nodes_left: int) -> Tuple[StreamedDocument, int]:
    """Build one document, from the event after its DocumentStartEvent to its DocumentEndEvent."""
    plain = policy.plain
    tagged = policy.tagged
    policy_key = policy.key
    key_cache: Dict[str, Any] = {}
    positions: Optional[Dict[Path, Tuple[int, int]]] = {} if with_positions else None
    duplicates: List[Tuple[Path, int, int, int]] = []
    # A frame: [container, is_mapping, key waiting for its value, slot in the parent, path (with positions),
    #           {key: line that set it} (mappings)]
    stack: List[List[Any]] = []
    nodes = 0
    event = root = get_event()
    while True:
        cls = event.__class__
        if stack:
            top = stack[-1]
            if top[1] and top[2] is NO_KEY:  # a mapping wants a key (or its end)
                if cls is MappingEndEvent:
                    stack.pop()
                    value = top[0]
                    event = None  # nothing more to read for this value
                else:
                    if cls is MappingStartEvent or cls is SequenceStartEvent:
                        if len(stack) < max_depth:
                            refuse(policy.collection_key(), event, stack_path(stack), get_event, len(stack) + 1,
                                    max_depth, nodes + 1, nodes_left)
                        if nodes + 1 > nodes_left:
                            raise Fallback
                        raise Refused(policy.collection_key(), event, stack_path(stack))  # where the guard stops
                    if cls is not ScalarEvent or event.anchor is not None:
                        raise Fallback
                    text = event.value
                    if event.tag is None and event.implicit[0]:
                        if text and text[0] not in SPECIAL_START:
                            key = text
                        else:
                            key = key_cache.get(text, NO_KEY)
                            if key is NO_KEY:
                                key = key_cache[text] = key_of(policy_key, event)
                    else:
                        key = key_of(policy_key, event)
                    if key.__class__ is ScalarProblem:
                        refuse(key, event, stack_path(stack), get_event, len(stack), max_depth, nodes + 1, nodes_left)
                    if key is MERGE:
                        raise Fallback
                    nodes += 1
                    mark = event.start_mark
                    line = mark.line + offset + 1
                    lines = top[5]
                    first = lines.get(key)
                    if first is not None:
                        duplicates.append((stack_path(stack) + (key,), line, mark.column + 1, first))
                    lines[key] = line
                    if positions is not None:
                        positions[top[4] + (key,)] = (line, mark.column + 1)
                    top[2] = key
                    event = get_event()
                    continue
        if event is None:
            pass  # a mapping just ended: attach it below
        elif cls is ScalarEvent:
            if event.anchor is not None:
                raise Fallback
            nodes += 1
            if event.tag is None:
                if event.implicit[0]:
                    value = plain(event.value)
                    if value.__class__ is Reject:
                        refuse(policy.rejected(event.value, value), event, slot_path(stack), get_event, len(stack),
                                max_depth, nodes, nodes_left)
                else:
                    value = event.value  # quoted: always text
            else:
                try:
                    value = tagged(event)
                except ScalarProblem as problem:
                    refuse(problem, event, slot_path(stack), get_event, len(stack), max_depth, nodes, nodes_left)
            if stack and not stack[-1][1] and positions is not None:
                top = stack[-1]
                mark = event.start_mark
                positions[top[4] + (len(top[0]),)] = (mark.line + offset + 1, mark.column + 1)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if event.anchor is not None:
                raise Fallback
            nodes += 1
            if len(stack) >= max_depth:
                # The depth guard stops reading here, as the full builder's does; nothing before was refused.
                if nodes > nodes_left:
                    raise Fallback
                raise Refused(None, event, slot_path(stack))
            slot: Any = None
            path: Path = ()
            if stack:
                top = stack[-1]
                slot = top[2] if top[1] else len(top[0])
                if positions is not None:
                    path = top[4] + (slot,)
                    if not top[1]:
                        mark = event.start_mark
                        positions[path] = (mark.line + offset + 1, mark.column + 1)
            if cls is MappingStartEvent:
                stack.append([{}, True, NO_KEY, slot, path, {}])
            else:
                stack.append([[], False, None, slot, path, None])
            event = get_event()
            continue
        elif cls is SequenceEndEvent:
            value = stack.pop()[0]
        else:  # an alias
            raise Fallback
        if nodes > nodes_left:
            raise Fallback
        if not stack:
            get_event()  # DocumentEndEvent
            start = root.start_mark
            return (value, start.line + offset + 1, start.column + 1, positions, duplicates), nodes
        top = stack[-1]
        if top[1]:
            top[0][top[2]] = value
            top[2] = NO_KEY
        else:
            top[0].append(value)
        event = get_event()


def key_of(policy_key: Callable[[Any], Any], event: Any) -> Any:
    """The policy's key for a key scalar, or the :class:`ScalarProblem` refusing it."""
    try:
        return policy_key(event)
    except ScalarProblem as problem:
        return problem


def refuse(problem: ScalarProblem, event: Any, path: Path, get_event: Callable[[], Any], depth: int, max_depth: int,
            nodes: int, nodes_left: int) -> NoReturn:
    """Raise the refusal of ``event`` once the rest of the document reads without a parser error.

    The full builder reads a whole document before building it, so a parser
    error later in the document, or too many nodes, would be reported first;
    reading stops where the depth guard stops it. ``depth`` collections are
    open; an alias leaves the document to the full builder.
    """
    while True:
        event_class = get_event().__class__
        if event_class is ScalarEvent:
            nodes += 1
        elif event_class is MappingStartEvent or event_class is SequenceStartEvent:
            nodes += 1
            if depth >= max_depth:
                break  # the depth guard stops reading here
            depth += 1
        elif event_class is MappingEndEvent or event_class is SequenceEndEvent:
            depth -= 1
        elif event_class is DocumentEndEvent:
            break
        else:  # an alias
            raise Fallback
    if nodes > nodes_left:
        raise Fallback
    raise Refused(problem, event, path)


def slot_path(stack: List[List[Any]]) -> Path:
    """The value path of the node about to be read (its slot in the innermost open collection)."""
    if not stack:
        return ()
    top = stack[-1]
    return stack_path(stack) + ((top[2] if top[1] else len(top[0])),)


def stack_path(stack: List[List[Any]]) -> Path:
    """The value path of the innermost open collection."""
    return tuple(frame[3] for frame in stack[1:])



def locate_streamed(parser: Any, *, policy: ScalarPolicy, path: Path, line_offset: int,
                    max_depth: int) -> Optional[Tuple[int, int]]:
    """Where the first document of ``parser``'s text sets ``path``: the 1-based (line, column) of its key or item.

    The answer the full builder's positions give for a path the document's
    value holds, and None when the value does not hold it: the last key or
    item that sets the path counts, and a later key or item that sets one of
    its parents forgets it (that value replaced the subtree). Only the path
    is followed (no value is built), so this costs little more than parsing.
    Raises :class:`Fallback` on an anchor, an alias, a merge key on the path
    or a collection nested ``max_depth`` deep, and whatever the parser raises.
    """
    get_event = parser.get_event
    get_event()  # StreamStartEvent
    if get_event().__class__ is StreamEndEvent:
        return None
    target = len(path)
    policy_key = policy.key
    found: Optional[Tuple[int, int]] = None
    stack: List[List[Any]] = []  # per open collection: [is a mapping, on the path, next item index, wants a key]
    on_path = True  # whether the next node sits at path[:len(stack)] (the root does)
    while True:
        event = get_event()
        cls = event.__class__
        if stack:
            top = stack[-1]
            depth = len(stack)  # how deep a node inside ``top`` sits
            if top[0]:
                if top[3]:  # a key, or the mapping's end
                    if cls is MappingEndEvent:
                        stack.pop()
                        if not stack:
                            return found
                        continue
                    if cls is not ScalarEvent or event.anchor is not None:
                        raise Fallback
                    top[3] = False
                    on_path = False
                    if top[1] and depth <= target:
                        text = event.value
                        if event.tag is None and event.implicit[0] and text and text[0] not in SPECIAL_START:
                            key = text
                        else:
                            key = key_of(policy_key, event)
                        if key is MERGE:
                            raise Fallback
                        part = path[depth - 1]
                        if part.__class__ is str and key == part:
                            on_path = True
                            found = _spot(event, line_offset) if depth == target else None
                    continue
                top[3] = True  # the key's value; a key comes next
            else:
                if cls is SequenceEndEvent:
                    stack.pop()
                    if not stack:
                        return found
                    continue
                index = top[2]
                top[2] = index + 1
                on_path = False
                if top[1] and depth <= target:
                    part = path[depth - 1]
                    if part.__class__ is int and part == index:
                        on_path = True
                        found = _spot(event, line_offset) if depth == target else None
        if cls is ScalarEvent:
            if event.anchor is not None:
                raise Fallback
            if not stack:
                return found  # a scalar document
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if event.anchor is not None or len(stack) >= max_depth:
                raise Fallback
            is_mapping = cls is MappingStartEvent
            stack.append([is_mapping, on_path, 0, is_mapping])
        else:  # an alias
            raise Fallback


def _spot(event: Any, offset: int) -> Tuple[int, int]:
    """``event``'s 1-based (line, column) in the whole source."""
    mark = event.start_mark
    return mark.line + offset + 1, mark.column + 1
