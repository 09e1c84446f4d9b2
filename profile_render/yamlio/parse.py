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
speed: the parsers read ordinary YAML alike. The pure-Python parser costs
about 2 s a megabyte, so it reads at most :data:`PURE_PYTHON_MAX`
characters; longer texts go to libyaml in every case, mended by
:class:`GoV2LibyamlParser` where go-yaml v2 scans differently (see
:func:`event_parser`).
"""

from __future__ import annotations

import bisect
import re
from typing import Any, Iterator, List, NamedTuple, Optional

from yaml.events import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent
from yaml.error import Mark
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

__all__ = ["LIBYAML", "GUARD_FLOOR", "PURE_PYTHON_MAX", "EventParser", "GoV2EventParser", "GoV2LibyamlParser",
           "DocumentEvents", "event_parser", "iter_documents"]


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

#: The longest text (in characters) the pure-Python parser reads, about half a second of work: longer texts
#: are always read by libyaml (see :func:`event_parser`).
PURE_PYTHON_MAX = 256 * 1024


def event_parser(text: str, *, go_v2: bool, use_libyaml: bool, max_depth: int, shallow: bool = False) -> Any:
    """The fastest parser that reads ``text`` as the reference does and that the depth guard lets near it.

    ``go_v2`` asks for go-yaml v2's scanning (values, manifests); without it
    PyYAML's own scanner stands in for libyaml (catalog files). ``shallow``
    says the caller already knows the depth guard passes the text (it passed
    a text holding this one: see :func:`~profile_render.yamlio.limits.deep_nesting_suspected`).
    Creating the pure-Python parser checks the text's characters, so this may
    raise :class:`yaml.YAMLError`.

    The pure-Python parser (which costs about 2 s a megabyte) reads only
    texts of at most :data:`PURE_PYTHON_MAX` characters. A longer text the
    depth guard suspects goes to libyaml all the same: libyaml's parser does
    not recurse on any build, the readers stop at the limit as ever, and the
    only difference is that libyaml's own nesting limit (1,000 levels on
    builds that have one) may report extreme nesting first, at its own
    position. A longer go-yaml v2 text that libyaml would scan differently
    goes to :class:`GoV2LibyamlParser`, which corrects libyaml where it
    differs.
    """
    if not (use_libyaml and LIBYAML):
        return GoV2EventParser(text) if go_v2 else EventParser(text)
    differs = go_v2 and ("\\/" in text or "\\'" in text or text.find("\ufeff", 1) >= 0)
    if not differs and (shallow or not deep_nesting_suspected(text, max(max_depth, GUARD_FLOOR))):
        return _CParser(text)
    if len(text) <= PURE_PYTHON_MAX:
        return GoV2EventParser(text) if go_v2 else EventParser(text)
    return GoV2LibyamlParser(text) if differs else _CParser(text)


# A run of backslashes before a quote: the quote is escaped (in a double-quoted scalar) when the run is odd.
_BACKSLASHES_QUOTE = re.compile(r"\\+'")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_BOM = re.compile("\ufeff")


class GoV2LibyamlParser:
    """libyaml's events, corrected where go-yaml v2 scans escapes and byte order marks differently.

    For texts too long for the pure-Python parser. libyaml refuses the
    escape ``\\'`` in a double-quoted scalar (go-yaml reads it as ``'``),
    accepts ``\\/`` (go-yaml refuses it), and skips a byte order mark that
    starts a line (go-yaml keeps it as text). So libyaml reads a copy of the
    text, of the same length, in which the backslash of every ``\\'`` that
    could be an escape and every byte order mark after the first character
    are private-use characters the text does not hold. A backslash is an
    ordinary character everywhere but in a double-quoted scalar, where
    ``\\'`` and its stand-in are both two characters that do not end the
    scalar, so libyaml splits the copy exactly as go-yaml splits the text.
    Each scalar is then mended: the stand-in becomes the backslash again, or,
    in a double-quoted scalar, goes (``\\'`` is ``'``); a double-quoted scalar
    with the escape ``\\/`` is refused as go-yaml refuses it; the byte order
    marks come back. Errors are libyaml's, so their wording may differ
    slightly from go-yaml's.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        spare = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)
        self.backslash: Optional[str] = None
        self.bom: Optional[str] = None
        scanned = text
        escapes = [m.end() - 2 for m in _BACKSLASHES_QUOTE.finditer(text) if (m.end() - m.start()) % 2 == 0]
        if escapes:
            self.backslash = next(spare)
            chars = list(text)
            for at in escapes:
                chars[at] = self.backslash
            scanned = "".join(chars)
        self.boms: List[int] = []
        if text.find("\ufeff", 1) >= 0:
            self.bom = next(spare)
            scanned = scanned[:1] + scanned[1:].replace("\ufeff", self.bom)
            self.boms = [m.start() for m in _BOM.finditer(text, 1)]
        self.slash = "\\/" in text
        self.parser = _CParser(scanned)

    def dispose(self) -> None:
        self.parser.dispose()

    def get_event(self) -> Any:
        event: Any = self.parser.get_event()
        if self.boms:
            # go-yaml, like PyYAML's reader, does not count a byte order mark as a column.
            mark = event.start_mark
            before = bisect.bisect_left(self.boms, mark.index) - bisect.bisect_left(self.boms, mark.index - mark.column)
            if before:
                event.start_mark = Mark(mark.name, mark.index, mark.line, mark.column - before, None, 0)
        if event.__class__ is ScalarEvent:
            value = event.value
            double = event.style == '"'
            if double and self.slash:
                self.refuse_slash(event)
            if self.backslash is not None and self.backslash in value:
                value = value.replace(self.backslash, "" if double else "\\")
            if self.bom is not None and self.bom in value:
                value = value.replace(self.bom, "\ufeff")
            event.value = value
        return event

    def refuse_slash(self, event: Any) -> None:
        """go-yaml's error for the escape ``\\/`` in a double-quoted scalar, if the scalar holds one."""
        mark = event.start_mark
        span = self.text[mark.index:event.end_mark.index]
        if "\\/" not in span:
            return
        opening = span.index('"')  # anchors and tags cannot hold one
        for escape in _ESCAPE.finditer(span, opening + 1):
            if escape.group(1) == "/":
                raise ScannerError("while scanning a double-quoted scalar", _mark_at(self.text, mark, mark.index + opening),
                                   "found unknown escape character '/'",
                                   _mark_at(self.text, mark, mark.index + escape.start(1)))


def _mark_at(text: str, known: Any, index: int) -> Mark:
    """The mark of ``text[index]``, counted from ``known`` (a mark at or before it)."""
    newline = text.rfind("\n", known.index, index)
    if newline < 0:
        return Mark(known.name, index, known.line, known.column + index - known.index, None, 0)
    return Mark(known.name, index, known.line + text.count("\n", known.index, index), index - newline - 1, None, 0)


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
