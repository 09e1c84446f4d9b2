"""Parsing YAML text into events: libyaml when it reads the text as the reference does, PyYAML's parser otherwise.

Readers never let libyaml or PyYAML compose nodes (both composers recurse
once per nesting level, in C for libyaml, which can crash the process on
deep input). They pull parse events instead, which both parsers produce
without recursion, one document at a time (:func:`iter_documents`), and
build values from the events themselves (:mod:`profile_render.yamlio.build`).

libyaml is the fast path. PyYAML's pure-Python parser reads a text instead
when libyaml is missing or not wanted, when the text might nest deeper than
the limit, or than :data:`GUARD_FLOOR` levels when the limit is lower
(:func:`~profile_render.yamlio.limits.deep_nesting_suspected`), and,
for go-yaml v2 readers, when the text holds something libyaml's scanner
reads differently from go-yaml v2's (the escapes ``\\'`` and ``\\/``, a byte
order mark after the start); :class:`GoV2EventParser` scans those as go-yaml
v2 does. The checks are cheap and may raise false alarms, which only cost
speed: the parsers read ordinary YAML alike.
"""

from __future__ import annotations

from typing import Any, Iterator, List, NamedTuple

from yaml.events import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent
from yaml.events import SequenceStartEvent, StreamEndEvent
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner, ScannerError

from profile_render.yamlio.limits import deep_nesting_suspected

try:  # libyaml: the fast path
    from yaml._yaml import CParser as _CParser

    LIBYAML = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None  # type: ignore[assignment, misc]
    LIBYAML = False

__all__ = ["LIBYAML", "GUARD_FLOOR", "EventParser", "GoV2EventParser", "DocumentEvents", "event_parser", "iter_documents"]


class EventParser(Reader, Scanner, Parser):
    """PyYAML's pure-Python reader, scanner and parser: events without recursion and without a nesting limit."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


class GoV2EventParser(EventParser):
    """The pure-Python parser, made to scan like go-yaml v2 where PyYAML's scanner differs.

    go-yaml knows the escape ``\\'`` but not ``\\/`` in double-quoted scalars,
    skips tabs between tokens where libyaml does (in flow context and after
    ``:``/``-``), and keeps a byte order mark that starts a later line as text.
    """

    ESCAPE_REPLACEMENTS = {**{k: v for k, v in Scanner.ESCAPE_REPLACEMENTS.items() if k != "/"}, "'": "'"}  # type: ignore[misc]  # typeshed marks it Final; go-yaml's escapes differ

    def scan_to_next_token(self) -> None:
        """Skip spaces, comments and line breaks up to the next token (and tabs where libyaml does)."""
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " " or (self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0\r\n\x85\u2028\u2029":
                    self.forward()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                return

    def scan_flow_scalar(self, style: Any) -> Any:
        """Scan a quoted scalar, refusing escapes of code points go-yaml refuses."""
        # go-yaml refuses escapes of surrogates or beyond U+10FFFF; PyYAML would
        # produce an unencodable string or fail with a ValueError.
        start = self.get_mark()
        try:
            token = Scanner.scan_flow_scalar(self, style)
        except ValueError:
            raise ScannerError("while parsing a quoted scalar", start,
                               "found invalid Unicode character escape code", self.get_mark()) from None
        if any("\ud800" <= c <= "\udfff" for c in token.value):
            raise ScannerError("while parsing a quoted scalar", start,
                               "found invalid Unicode character escape code", self.get_mark())
        return token


# Below this nesting libyaml is safe on every build and our own stop enforces any lower limit exactly,
# so a small Limits.max_depth does not send every text to the slow parser.
GUARD_FLOOR = 100


def event_parser(text: str, *, go_v2: bool, use_libyaml: bool, max_depth: int, shallow: bool = False) -> Any:
    """The fastest parser that reads ``text`` as the reference does and that the depth guard lets near it.

    ``go_v2`` asks for go-yaml v2's scanning (values, manifests); without it
    PyYAML's own scanner stands in for libyaml (catalog files). ``shallow``
    says the caller already knows the depth guard passes the text (it passed
    a text holding this one: see :func:`~profile_render.yamlio.limits.deep_nesting_suspected`).
    Creating the pure-Python parser checks the text's characters, so this may
    raise :class:`yaml.YAMLError`.
    """
    if use_libyaml and LIBYAML and (shallow or not deep_nesting_suspected(text, max(max_depth, GUARD_FLOOR))) and not (
            go_v2 and ("\\/" in text or "\\'" in text or text.find("\ufeff", 1) >= 0)):
        return _CParser(text)
    return GoV2EventParser(text) if go_v2 else EventParser(text)


class DocumentEvents(NamedTuple):
    """The events of one document, from its DocumentStartEvent to its DocumentEndEvent.

    ``truncated``: a collection opened ``max_depth`` levels deep, and the
    events end with its start (the builder refuses it, with its value path).
    """

    events: List[Any]
    collections: int
    aliases: bool
    truncated: bool


def iter_documents(parser: Any, max_depth: int) -> Iterator[DocumentEvents]:
    """Pull a parser's events document by document, stopping at a collection nested ``max_depth`` deep.

    The stop keeps the parser from reading deeper than the limit; nothing is
    read past the end of the document taken last (go-yaml reads no further
    either, so anything broken after it does not matter).
    """
    get_event = parser.get_event
    get_event()  # StreamStartEvent
    while True:
        first = get_event()
        if first.__class__ is StreamEndEvent:
            return
        events = [first]
        append = events.append
        depth = collections = 0
        aliases = False
        while True:
            event = get_event()
            append(event)
            cls = event.__class__
            if cls is ScalarEvent:
                continue
            if cls is MappingStartEvent or cls is SequenceStartEvent:
                if depth >= max_depth:
                    yield DocumentEvents(events, collections + 1, aliases, True)
                    return
                depth += 1
                collections += 1
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                depth -= 1
            elif cls is AliasEvent:
                aliases = True
            else:  # DocumentEndEvent
                break
        yield DocumentEvents(events, collections, aliases, False)
