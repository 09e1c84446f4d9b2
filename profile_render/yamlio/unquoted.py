"""Unquoted placeholders in a Profile's values: ``key: %OrgName%`` read as the Edge Orchestrator reads it.

The reference replaces placeholder text in the Profile before parsing it, so
``key: %OrgName%`` deploys although ``%`` cannot start a plain YAML scalar.
profile-render never edits the text with placeholder *values*. Instead the
``%`` that opens every known token ``%Name%`` is swapped, one character for
one character, for a private-use character the text does not hold (the
*marker*), so every line and column stays where it was; one parse then reads
the whole text (no retry per token). Where the marker is an ordinary
character and ``%`` was too (inside any scalar, in comments) nothing
changes; where a plain scalar starts with it, the scalar the reference would
see is read. :class:`MarkedEvents` maps the marker back in every scalar
event, and *flags* each plain scalar holding a token: its text is prefixed
with the marker, the number of a :class:`Site` (where it is, its tag, flow
or block), and the marker again, which no text of the user can hold.
:func:`unflag` then removes the flags from the built values and says which
values and keys were unquoted scalars holding placeholders.

After resolution (``orchestrator/placeholders.py``) the resolved text of such
a scalar is read as the plain scalar Helm reads after the reference's
replacement (:func:`read_unquoted`): ``123`` an int, ``true`` a bool. Text
that would not stay one plain scalar there (``: ``, `` #``, an indicator at
the start, spaces at either end, a line break, empty) is a
:class:`UnquotedProblem` naming what the reference reads instead.
"""

from __future__ import annotations

import re
from typing import Any, Collection, Dict, List, NamedTuple, Optional, Sequence, Tuple

from yaml.events import MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent

from profile_render.records import Record
from profile_render.yamlio.policy import HELM, MERGE, ScalarPolicy, ScalarProblem
from profile_render.yamlio.scalars import Reject

__all__ = ["Marking", "Site", "UnquotedScalar", "EscapedToken", "UnquotedProblem", "MarkedEvents",
           "mark_placeholders", "unflag", "clean_text", "read_unquoted", "double_quoted"]

Path = Tuple[Any, ...]

# Private-use planes a marker may come from: the BMP's first, then plane 15's (a text cannot hold them all).
_PRIVATE_USE = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE))


class Marking(Record):
    """A text with the ``%`` opening each known placeholder token replaced by ``marker`` (same length).

    ``escape_marker`` (another character the text does not hold) and
    ``tokens`` (the pattern of a known token) are set when the text holds a
    backslash: a double-quoted scalar's escapes can then spell a token
    (``"\\x25OrgName\\x25"``) that is not in the text, so the reference's text
    replacement never sees it; :class:`MarkedEvents` flags such tokens with
    ``escape_marker`` and :func:`unflag` lists them (:class:`EscapedToken`).
    """

    _fields = ("text", "marker", "escape_marker", "tokens")
    text: str
    marker: str
    escape_marker: str
    tokens: str

    def __init__(self, text: str, marker: str, escape_marker: str = "", tokens: str = "") -> None:
        self._set("text", text)
        self._set("marker", marker)
        self._set("escape_marker", escape_marker)
        self._set("tokens", tokens)


class EscapedToken(NamedTuple):
    """A placeholder token that YAML escapes spelt in a string: not in the text, so the reference leaves it as it is.

    ``path`` is the value path (keys as written); ``in_key``: the key at the
    end of ``path`` holds it; ``starts``: where each such token begins in
    the string; ``tokens``: their text (``%OrgName%``).
    """

    path: Path
    in_key: bool
    starts: Tuple[int, ...]
    tokens: Tuple[str, ...]


def _spare_character(text: str) -> str:
    """A private-use character ``text`` does not hold (a few quick looks, then one pass over the text)."""
    for code in (0xE000, 0xE001, 0xE002, 0xE003):
        if chr(code) not in text:
            return chr(code)
    present = set(text)
    for block in _PRIVATE_USE:
        for code in block:
            if chr(code) not in present:
                return chr(code)
    raise AssertionError("a text cannot hold every private-use character")  # pragma: no cover


def mark_placeholders(text: str, names: Collection[str]) -> Optional[Marking]:
    """``text`` with the ``%`` of every known token ``%Name%`` replaced by a marker, or None when it holds none.

    Tokens are found left to right as :meth:`Placeholders.scan
    <profile_render.orchestrator.placeholders.Placeholders.scan>` finds them
    (``%a%OrgName%`` holds one), in one pass of one regular expression.
    """
    escapes = "\\" in text  # only a double-quoted scalar's escapes can spell a token the text does not hold
    if not names or ("%" not in text and not escapes):
        return None
    known = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    # A name is the longest identifier after the %, so a known name must be followed by the closing % at once.
    tokens = f"%(?:{known})%"
    starts = [m.start() for m in re.finditer(tokens, text)] if "%" in text else []
    if not starts and not escapes:
        return None
    marker = _spare_character(text)
    chars = list(text)
    for at in starts:
        chars[at] = marker
    if not escapes:
        return Marking("".join(chars), marker)
    return Marking("".join(chars), marker, _spare_character(text + marker), tokens)


class Site(NamedTuple):
    """A plain scalar that held a placeholder token: 1-based position, tag, flow context, token at its start."""

    line: int
    column: int
    tag: Optional[str]
    flow: bool
    leading: bool


class UnquotedScalar(Record):
    """A value or key of the built values that was an unquoted scalar holding a placeholder.

    ``path`` is the value path (keys as written); ``in_key`` says the key at
    the end of ``path`` is the scalar, not its value. ``leading``: the scalar
    starts with the placeholder (plain YAML could not read it). ``line`` and
    ``column`` (1-based) locate the scalar; ``text`` is its text as written
    (folded, placeholders unresolved).
    """

    _fields = ("path", "in_key", "line", "column", "tag", "flow", "leading", "text")
    path: Path
    in_key: bool
    line: int
    column: int
    tag: Optional[str]
    flow: bool
    leading: bool
    text: str

    def __init__(self, path: Path, in_key: bool, line: int, column: int, tag: Optional[str], flow: bool,
                 leading: bool, text: str) -> None:
        self._set("path", path)
        self._set("in_key", in_key)
        self._set("line", line)
        self._set("column", column)
        self._set("tag", tag)
        self._set("flow", flow)
        self._set("leading", leading)
        self._set("text", text)


class MarkedEvents:
    """A parser whose scalar events have the marker mapped back to ``%`` (see the module doc).

    With ``sites`` (a list this appends to), plain scalars holding a token
    are flagged and their tag dropped (the tag is kept in the :class:`Site`
    and applied to the resolved text); without, they just read as the text
    written, which is how value paths are followed for positions.
    """

    def __init__(self, parser: Any, marker: str, line_offset: int, sites: Optional[List[Site]],
                 escapes: Optional[Tuple[str, str]] = None) -> None:
        self.parser = parser
        self.marker = marker
        self.offset = line_offset
        self.sites = sites
        # (escape marker, token pattern): flag tokens that escapes spelt in quoted scalars (with ``sites`` only)
        self.escapes = escapes if sites is not None else None
        self.flow: List[bool] = []

    def dispose(self) -> None:
        self.parser.dispose()

    def get_event(self) -> Any:
        event = self.parser.get_event()
        cls = event.__class__
        if cls is ScalarEvent:
            value = event.value
            marker = self.marker
            if self.escapes is not None and event.style and "%" in value:
                # A token with a real % in a quoted scalar was not in the text (the text's tokens hold the marker).
                escape_marker, tokens = self.escapes
                spelt = [m.start() for m in re.finditer(tokens, value)]
                if spelt:
                    chars = list(value)
                    for at in spelt:
                        chars[at] = escape_marker
                    value = event.value = "".join(chars)
            if marker in value:
                plain = not event.style
                text = value.replace(marker, "%")
                if plain:
                    if self.sites is not None:
                        mark = event.start_mark
                        self.sites.append(Site(mark.line + self.offset + 1, mark.column + 1, event.tag,
                                               bool(self.flow and self.flow[-1]), value[0] == marker))
                        text = f"{marker}{len(self.sites) - 1}{marker}{text}"
                    event.tag = None
                    event.implicit = (True, False)
                event.value = text
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            self.flow.append(bool(event.flow_style) or bool(self.flow and self.flow[-1]))
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            if self.flow:
                self.flow.pop()
        return event


def clean_text(text: str, marker: str, escape_marker: str = "") -> str:
    """``text`` (a message, a key) with flags removed and the markers shown as the ``%`` they stand for."""
    if escape_marker and escape_marker in text:
        text = text.replace(escape_marker, "%")
    if marker not in text:
        return text
    return re.sub(f"{re.escape(marker)}[0-9]+{re.escape(marker)}", "", text).replace(marker, "%")


def _flag(text: str, marker: str) -> Optional[Tuple[int, str]]:
    """The site number and text of a flagged string, or None when ``text`` is not flagged."""
    if not text.startswith(marker):
        return None
    end = text.index(marker, 1)
    return int(text[1:end]), text[end + 1:]


def unflag(data: Any, marking: Marking, sites: Sequence[Site]
           ) -> Tuple[Any, List[UnquotedScalar], List[UnquotedScalar], List[Path], List[EscapedToken]]:
    """The built values without flags; the unquoted scalars, unquoted keys lost, repeated keys and escaped tokens.

    A flagged key equal to another key of its mapping as written
    (``%OrgName%`` and ``'%OrgName%'``) is the same key to the reference:
    the later one wins, as for any repeated key; its path is returned so the
    caller can warn, and an unquoted key that lost is returned apart (it is
    not in the values, but it is in the text). Tokens escapes spelt
    (``marking.escape_marker``) get their ``%`` back and are listed. Walks
    the tree without recursion.
    """
    marker = marking.marker
    escape_marker = marking.escape_marker or None
    escaped: List[EscapedToken] = []

    def unescaped(text: str, path: Path, in_key: bool) -> str:
        starts = tuple(at for at, char in enumerate(text) if char == escape_marker)
        plain = text.replace(escape_marker, "%")  # type: ignore[arg-type]
        tokens = tuple(plain[at:plain.index("%", at + 1) + 1] for at in starts)
        escaped.append(EscapedToken(path, in_key, starts, tokens))
        return plain
    found: List[UnquotedScalar] = []  # values
    keys: Dict[Path, UnquotedScalar] = {}  # keys, by path: a repeated key's record goes with it
    lost: List[UnquotedScalar] = []
    repeated: List[Path] = []

    def record(path: Path, in_key: bool, number: int, text: str) -> None:
        site = sites[number]
        scalar = UnquotedScalar(path, in_key, site.line, site.column, site.tag, site.flow, site.leading, text)
        if in_key:
            keys[path] = scalar
        else:
            found.append(scalar)

    def value_of(item: Any, path: Path) -> Any:
        if item.__class__ is str and item.startswith(marker):
            number, text = _flag(item, marker)  # type: ignore[misc]
            record(path, False, number, text)
            return text
        if escape_marker is not None and item.__class__ is str and escape_marker in item:
            return unescaped(item, path, False)
        if isinstance(item, (dict, list)):
            stack.append((item, path))
        return item

    stack: List[Tuple[Any, Path]] = []
    data = value_of(data, ())
    while stack:
        node, path = stack.pop()
        if isinstance(node, list):
            for index, item in enumerate(node):
                node[index] = value_of(item, path + (index,))
            continue
        if any(key.__class__ is str and (key.startswith(marker) or (escape_marker is not None
                                                                    and escape_marker in key)) for key in node):
            entries = list(node.items())
            node.clear()
            for key, item in entries:
                flagged = _flag(key, marker) if key.__class__ is str else None
                if flagged is not None:
                    key = flagged[1]
                elif escape_marker is not None and key.__class__ is str and escape_marker in key:
                    key = unescaped(key, path + (key.replace(escape_marker, "%"),), True)
                if key in node:
                    repeated.append(path + (key,))
                    earlier = keys.pop(path + (key,), None)  # the later key wins, written quoted or not
                    if earlier is not None:
                        lost.append(earlier)
                if flagged is not None:
                    record(path + (key,), True, flagged[0], key)
                node[key] = item
        for key in list(node):
            node[key] = value_of(node[key], path + (key,))
    return data, found + list(keys.values()), lost, repeated, escaped


def double_quoted(text: str) -> str:
    """``text`` written as a double-quoted YAML scalar (for hints that show how to quote a value)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class UnquotedProblem(Exception):
    """The resolved text would not be read as one plain scalar: ``reading`` says what the reference reads."""

    def __init__(self, reading: str) -> None:
        super().__init__(reading)
        self.reading = reading


_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",[]{}?")
_BREAKS = frozenset("\n\r\x85\u2028\u2029")
# What YAML (and go-yaml v2) does not let a document hold, line breaks included: the complement of its printable
# characters, a small class (the printable class itself took milliseconds to compile at every start).
# Compiled on first use (re caches it): only an unquoted placeholder's re-read needs it, not every Profile read.
_NOT_PRINTABLE = "[\x00-\x08\x0a-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
_START_READINGS = {
    "#": "a comment, so an empty (null) value", "&": "an anchor", "*": "an alias", "!": "a tag",
    "|": "a block scalar", ">": "a block scalar", "'": "a quoted scalar", '"': "a quoted scalar",
    "[": "a flow list", "{": "a flow mapping", "%": "a YAML error ('%' cannot start a plain scalar)",
    "@": "a YAML error (reserved character)", "`": "a YAML error (reserved character)",
}


def _structure(text: str, inserted: Sequence[str], *, leading: bool, in_key: bool, flow: bool,
               line_start: bool) -> None:
    """Raise :class:`UnquotedProblem` unless ``text`` is one plain scalar with exactly this text in its place."""
    for value in inserted:
        if any(c in _BREAKS for c in value):
            raise UnquotedProblem("text over several lines (another structure, or a YAML error)")
        if re.search(_NOT_PRINTABLE, value):
            raise UnquotedProblem("a YAML error (a control character)")
        if flow and any(c in _FLOW_INDICATORS for c in value):
            raise UnquotedProblem("a flow indicator (',', '?', brackets or braces) that ends the scalar, "
                                  "so another structure or a YAML error")
    if not text:
        raise UnquotedProblem("a null key, which Helm refuses" if in_key else "an empty value, which is null")
    if text[0] in " \t" or text[-1] in " \t":
        raise UnquotedProblem("the text without the space at its start or end (or a YAML error)")
    if leading:
        first = text[0]
        second = text[1:2]
        if first in "-?:":
            # go-yaml v2 starts a plain scalar with '-' followed by text anywhere, with '?' or ':' only in block context.
            if not second or second in " \t":
                raise UnquotedProblem({"-": "a list item", "?": "a complex key", ":": "a mapping value"}[first])
            if flow and first != "-":
                raise UnquotedProblem("a YAML error (a flow collection item cannot start with '?' or ':')")
        elif first in _INDICATORS:
            raise UnquotedProblem(_START_READINGS.get(first, "a YAML error (a flow indicator)"))
        if in_key and not flow and line_start and text.startswith(("---", "...")):
            raise UnquotedProblem("a document marker, which ends the document")
    if ": " in text or ":\t" in text or text.endswith(":"):
        raise UnquotedProblem("a mapping (': ' separates a key from its value)")
    if " #" in text or "\t#" in text:
        raise UnquotedProblem("the text up to ' #' (the rest is a comment)")
    if in_key and len(text) > 1024:
        raise UnquotedProblem("a YAML error (a plain key longer than 1024 characters)")


def read_unquoted(text: str, inserted: Sequence[str], *, in_key: bool, tag: Optional[str], flow: bool,
                  leading: bool, line_start: bool = False, policy: ScalarPolicy = HELM) -> Any:
    """The value (or key) Helm reads for an unquoted scalar whose text, placeholders replaced, is ``text``.

    ``inserted`` are the texts the placeholders became; ``line_start`` says
    a block key starts its line. Raises :class:`UnquotedProblem` when the
    reference would not read one plain scalar of exactly that text, or reads
    a value Helm refuses.
    """
    _structure(text, inserted, leading=leading, in_key=in_key, flow=flow, line_start=line_start)
    event = ScalarEvent(None, tag, (tag is None, False), text)
    try:
        if in_key:
            key = policy.key(event)
            if key is MERGE:
                raise UnquotedProblem("the merge key '<<'")
            return key
        if tag is not None:
            return policy.tagged(event)
    except ScalarProblem as problem:
        raise UnquotedProblem(f"a value Helm refuses ({problem.problem})") from None
    value = policy.plain(text)
    if value.__class__ is Reject:
        raise UnquotedProblem(f"a value Helm refuses ({policy.rejected(text, value).problem})")
    return value
