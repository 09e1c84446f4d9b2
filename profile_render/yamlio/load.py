"""Values files: read values documents exactly the way Helm 4.1 reads them.

Helm parses values with ``sigs.k8s.io/yaml``: YAML 1.1 scalars resolved by
go-yaml v2 rules, converted to JSON, and decoded into ``map[string]any``. The
visible consequences, all reproduced here (the scalar rules are the
:data:`~profile_render.yamlio.policy.HELM` policy):

* ``y/Y/yes/n/no/on/off/true/false`` (three casings each) are booleans, also as
  mapping keys, where they become the strings ``"true"``/``"false"``;
* every number ends up a float64 (integers above 2**53 lose precision),
  underscores are ignored, ``0755`` is octal, ``0o17``/``0x1f``/``0b11`` work,
  base-60 (``1:30``) is a string, out-of-range floats stay strings;
* timestamps stay the text they were written as; ``!!binary`` is decoded;
* ``.inf``/``.nan`` are errors (JSON cannot carry them), a ``null`` key is an
  error, integer/float/bool keys are stringified (floats with 32-bit precision,
  infinities as ``.inf``), a key that fits only uint64 is an error;
* explicit tags are checked as go-yaml checks them (``!!int 1.5`` fails,
  ``!!float 1`` widens), tags on collections and unknown tags are ignored;
* merge keys (``<<``) apply in document order (a later explicit key wins, an
  earlier one loses);
* Helm splits a file into documents itself, on every line starting with
  ``---`` (anything but a comment after it is an error), reads only the first
  YAML document of each piece (``...`` ends it) and merges the pieces like
  ``-f`` files; a UTF-16BE file is one piece, a UTF-16LE one an error;
* an empty document is ``{}``; a top level that is not a mapping is an error.

Reading itself (decoding, parser choice, the node builder, limits, located
errors) is shared with the catalog and manifest readers; see
:mod:`profile_render.yamlio`.

Numbers are normalised to what Helm's float64 shows: an integral value with
magnitude at most 2**53 becomes an ``int`` (Go prints ``1.0`` as ``1``); every
other number is a ``float``.
"""

from __future__ import annotations

import os
import re

import yaml
from typing import TYPE_CHECKING, Any, Collection, Dict, List, Optional, Sequence, Tuple, Union

from profile_render.errors import (
    LimitExceededError,
    ProfileRenderError,
    StrictModeError,
    ValuesSyntaxError,
    ValuesTypeError,
    ValuesWarning,
)
from profile_render.files import Cap, read_file
from profile_render.records import MutableRecord
from profile_render.yamlio.build import VALUES_RULES, Document, DuplicateKey, ReadRules, read_documents
from profile_render.yamlio.decode import UTF16_BOMS, decode_yaml
from profile_render.yamlio.limits import DEFAULT_LIMITS, Limits, NodeBudget, check_size, deep_nesting_suspected
from profile_render.yamlio.parse import GUARD_FLOOR, event_parser
from profile_render.yamlio.policy import HELM
from profile_render.yamlio.positions import EventSource, PositionIndex, index_positions
from profile_render.yamlio.stream import Fallback, locate_streamed, may_define_anchor

if TYPE_CHECKING:  # names for annotations: the unquoted-placeholder machinery is imported when a text needs it
    from profile_render.yamlio.unquoted import EscapedToken, MarkedEvents, Marking, Site, UnquotedScalar

__all__ = [
    "Limits",
    "LoadedValues",
    "load_values",
    "load_values_file",
    "load_yaml_document",
    "locate_in_text",
    "split_helm_documents",
]

ValuesDict = Dict[str, Any]


class LoadedValues(MutableRecord):
    """One parsed values document: the data Helm sees plus what we noticed reading it.

    >>> loaded = load_values("image:\\n  tag: '1.0'\\n", source="values.yaml")
    >>> loaded.data, loaded.source
    ({'image': {'tag': '1.0'}}, 'values.yaml')
    >>> loaded.locate(("image", "tag"))
    (2, 3)
    """

    _fields = ("data", "source", "warnings", "text", "unquoted", "escaped", "_marking")
    _derived = ("_entries", "_located", "_documents")
    _repr_fields = ("data", "source", "warnings")
    _compare = ("data", "source", "warnings", "text", "unquoted", "escaped")
    data: ValuesDict
    source: str
    warnings: List[ValuesWarning]
    text: Optional[str]
    # Where each piece's top-level entries and anchors are (a PositionIndex), read on the first locate(); False: none.
    _entries: Any
    #: The values and keys that were unquoted scalars holding a placeholder (read with ``placeholders=``).
    unquoted: Tuple[UnquotedScalar, ...]
    #: Placeholder tokens that YAML escapes spelt (read with ``placeholders=``): the reference never replaces them.
    escaped: Tuple[EscapedToken, ...]
    # The text with the placeholders' % marked, read in its place to follow value paths (see yamlio/unquoted.py).
    _marking: Optional[Marking]
    # How many paths were located; past _LOCATE_ONE_BY_ONE, every position of the text, read once (False: unreadable).
    _located: int
    _documents: Any

    def __init__(self, data: ValuesDict, source: str, warnings: Optional[List[ValuesWarning]] = None,
                 text: Optional[str] = None, unquoted: Tuple[UnquotedScalar, ...] = (),
                 escaped: Tuple[EscapedToken, ...] = (), _marking: Optional[Marking] = None) -> None:
        set_field = self._set
        set_field("data", data)
        set_field("source", source)
        set_field("warnings", [] if warnings is None else warnings)
        set_field("text", text)
        set_field("unquoted", unquoted)
        set_field("escaped", escaped)
        set_field("_marking", _marking)
        set_field("_entries", None)
        set_field("_located", 0)
        set_field("_documents", None)

    def locate(self, path: Tuple[Any, ...]) -> Optional[Tuple[int, int]]:
        """The 1-based (line, column) where ``path`` is set in this document, or None.

        The first call reads the text once to find where each top-level entry
        and each anchor is (:mod:`~profile_render.yamlio.positions`), so each
        later call reads only the entries its path goes through, once.

        >>> load_values("ports:\\n  - 80\\n").locate(("ports", 0))
        (2, 5)
        """
        if self.text is None:
            return None
        path = tuple(path)
        marking = self._marking
        text, marker = (marking.text, marking.marker) if marking is not None else (self.text, None)

        def events(chunk: str) -> Any:
            return _path_events(chunk, marker)

        if self._entries is None:
            self._entries = _index(text, self.source, events) or False
        if self._entries and path:
            try:
                return self._entries.locate(path, events)
            except (Fallback, yaml.YAMLError):
                pass  # what only the whole text can answer
        # A text the index does not cover: once many paths have been asked for (a report of every value), the whole
        # text is read once with every position, so each further call is a look-up instead of a parse of the text.
        self._located += 1
        if self._located > _LOCATE_ONE_BY_ONE and path:
            if self._documents is None:
                self._documents = _positioned_documents(text, self.source, marker) or False
            if self._documents:
                return _position_in(self._documents, path)
        return locate_in_text(text, self.source, path, marker=marker)


def _merge_documents(base: ValuesDict, doc: ValuesDict) -> ValuesDict:
    """Merge a later document into an earlier one like ``helm -f a -f b`` merges files."""
    for key, value in doc.items():
        if isinstance(value, dict):
            current = base.get(key)
            if isinstance(current, dict):
                base[key] = _merge_documents(current, value)
                continue
        base[key] = value
    return base


_SEPARATOR_LINE = re.compile(r"^---([^\n]*)(?:\n|\Z)", re.MULTILINE)


def split_helm_documents(text: str, source: str) -> List[Tuple[int, str]]:
    """Split values text into documents as Helm does (k8s YAMLReader), with each one's first line index.

    Helm does not let the YAML parser see ``---``: every line that starts with
    ``---`` ends a document, and only spaces or a comment may follow it on that
    line (``--- {a: 1}`` is an error). Lines are split on ``\\n`` only.
    Documents holding nothing at all are skipped.
    """
    if "---" not in text:
        return [(0, text)] if text else []
    chunks: List[Tuple[int, str]] = []
    pos = 0
    line = 0  # the line number at pos
    for match in _SEPARATOR_LINE.finditer(text):
        separator_line = line + text.count("\n", pos, match.start())
        rest = match.group(1).strip()
        if rest and not rest.startswith("#"):
            raise ValuesSyntaxError(
                f"invalid document separator: {rest!r} follows '---' on the same line",
                source=source, line=separator_line + 1, column=4,
                hint="Helm splits documents itself; put the content on the line after '---'")
        if match.start() > pos:
            chunks.append((line, text[pos:match.start()]))
        pos = match.end()
        line = separator_line + 1
    if pos < len(text):
        chunks.append((line, text[pos:]))
    return chunks


def _pieces_or_none(text: str, source: str) -> Optional[List[Tuple[int, str]]]:
    """:func:`split_helm_documents`, or None when Helm would refuse the text's separators."""
    try:
        return split_helm_documents(text, source)
    except ProfileRenderError:
        return None


_DOCUMENT_END_OR_DIRECTIVE = re.compile(r"^(?:\.\.\.|%)", re.MULTILINE)


def _one_stream(text: str) -> bool:
    """Whether YAML, reading ``text`` as one stream, splits it into documents exactly where Helm splits it.

    Helm's pieces end at every line starting with ``---``, which YAML also
    takes for a document start; YAML ends documents at ``...`` lines too
    (Helm reads on past them into the same piece, ignoring the rest) and
    lets directives (``%``) start them; and go-yaml v2's scanning, where it
    differs from libyaml, needs each piece on its own.
    """
    return (not _DOCUMENT_END_OR_DIRECTIVE.search(text) and "\\/" not in text and "\\'" not in text
            and "\ufeff" not in text and not may_define_anchor(text))


def _duplicate_warning(duplicate: DuplicateKey, source: str) -> ValuesWarning:
    """The warning for a key set twice in one mapping (Helm keeps the last silently)."""
    return ValuesWarning(
        code="duplicate-key",
        message=(f"duplicate key {duplicate.path[-1]!r}: the value at line {duplicate.line} "
                 f"replaces the one at line {duplicate.first_line}"),
        source=source, line=duplicate.line, column=duplicate.column, path=duplicate.path,
        hint="Helm silently keeps the last one; delete the other",
        related=(),
    )


def _read_values(text: str, source: str, limits: Limits, warnings: List[ValuesWarning], *, use_libyaml: bool = True,
                 split: bool = True, positions: bool = False, rules: ReadRules = VALUES_RULES) -> List[Document]:
    """Read every piece of a values text (see :func:`split_helm_documents`): the first YAML document of each.

    Like go-yaml v2's Unmarshal, anything after a ``...`` end marker in the
    same piece is ignored. Without ``split`` the whole text is one piece.
    Duplicate keys are added to ``warnings``.
    """
    pieces = split_helm_documents(text, source) if split else ([(0, text)] if text else [])
    documents: List[Document] = []
    # One look at the whole text answers the depth guard for every piece (see deep_nesting_suspected).
    shallow = len(pieces) > 1 and not deep_nesting_suspected(text, max(limits.max_depth, GUARD_FLOOR))
    if shallow and use_libyaml and _one_stream(text):
        # Read as one YAML stream, its documents are Helm's pieces: one parser instead of one per piece.
        try:
            documents = read_documents(text, rules=rules, source=source, limits=limits, positions=positions,
                                       budget=NodeBudget(limits.max_nodes, limits.max_alias_bytes), shallow=True)
        except ProfileRenderError:
            documents = []  # read piece by piece, which says exactly what is wrong where
        else:
            for document in documents:
                warnings.extend(_duplicate_warning(d, source) for d in document.duplicates)
            return documents
    budget = NodeBudget(limits.max_nodes, limits.max_alias_bytes)
    for offset, chunk in pieces:
        for document in read_documents(chunk, rules=rules, source=source, limits=limits, first_only=True,
                                       positions=positions, use_libyaml=use_libyaml, line_offset=offset,
                                       budget=budget, shallow=shallow):
            warnings.extend(_duplicate_warning(d, source) for d in document.duplicates)
            documents.append(document)
    return documents


def load_values(
    data: Union[str, bytes],
    *,
    source: str = "<string>",
    limits: Optional[Limits] = None,
    strict: bool = False,
    use_libyaml: bool = True,
    keep_text: bool = True,
    placeholders: Collection[str] = (),
) -> LoadedValues:
    """Parse values text the way Helm reads a values file and return the tree plus warnings.

    ``source`` names the input in errors and provenance. With ``strict``, the
    first warning is raised as a :class:`StrictModeError`. ``keep_text`` keeps
    the text so :meth:`LoadedValues.locate` can find source positions later.

    ``placeholders`` names placeholders (without the % signs) that may stand
    unquoted where a plain scalar starts (``key: %OrgName%``), as the Edge
    Orchestrator lets a Profile's values hold them (it replaces the text
    before parsing): such a scalar keeps its text, is recorded in
    :attr:`LoadedValues.unquoted` for the render stage to resolve and read as
    Helm would, and gets the warning ``unquoted-placeholder``
    (see :mod:`profile_render.yamlio.unquoted`). Helm itself refuses them.

    >>> loaded = load_values("replicaCount: 2\\nport: 08080\\n")
    >>> loaded.data
    {'replicaCount': 2, 'port': 8080}
    """
    limits = limits or DEFAULT_LIMITS
    if not isinstance(data, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"values text must be str or bytes, not {type(data).__name__}")
    # Text with lone surrogates is refused (located) by decode_yaml; measure it without failing here.
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    check_size(len(raw), limits.max_bytes, what="the values document is", source=source, error=LimitExceededError,
               hint="split the values or raise Limits.max_bytes (the catalog caps chart values at 4,000,000 bytes)")
    split = True
    if not isinstance(data, str) and raw[:2] in UTF16_BOMS:
        # Helm's document splitter reads lines as bytes and re-adds a "\n" byte
        # to each: a UTF-16LE file always ends up one byte short of a character,
        # a UTF-16BE one survives whole, '---' lines unseen (one YAML stream).
        if raw[:2] == b"\xff\xfe":
            raise ValuesSyntaxError("the file is UTF-16LE, which Helm cannot read as values",
                                    source=source, hint="save the file as UTF-8")
        split = False
    text = decode_yaml(data, source=source, subject="the file is", hint="save the file as UTF-8",
                       error=ValuesSyntaxError)
    marking = None
    if placeholders:
        from profile_render.yamlio.unquoted import mark_placeholders

        marking = mark_placeholders(text, placeholders)
    if marking is not None:
        return _load_marked(text, marking, source, limits, strict, use_libyaml, split, keep_text)
    warnings: List[ValuesWarning] = []
    result = _merged(text, source, limits, warnings, use_libyaml, split, VALUES_RULES)
    if strict and warnings:
        raise StrictModeError(warnings[0])
    return LoadedValues(result, source, warnings, text if keep_text else None)


def _merged(text: str, source: str, limits: Limits, warnings: List[ValuesWarning], use_libyaml: bool, split: bool,
            rules: ReadRules) -> ValuesDict:
    """The documents of a values text (see :func:`_read_values`) merged as Helm merges them; each must be a mapping."""
    result: ValuesDict = {}
    for document in _read_values(text, source, limits, warnings, use_libyaml=use_libyaml, split=split, rules=rules):
        value = document.value
        if value is None:
            continue
        if not isinstance(value, dict):
            kind = "a list" if isinstance(value, list) else f"a {type(value).__name__} scalar"
            raise ValuesTypeError(
                f"the top level of a values document must be a mapping, not {kind}",
                source=source, line=document.line, column=document.column,
                hint="values files are key: value mappings at the top level",
            )
        result = _merge_documents(result, value) if result else value
    return result


def _marked_rules(marking: Marking, sites: Optional[List[Site]]) -> ReadRules:
    """The values rules reading a marked text: scalars flagged into ``sites``, or (None) just read as written."""
    from profile_render.yamlio.unquoted import MarkedEvents

    marker = marking.marker
    escapes = (marking.escape_marker, marking.tokens) if marking.escape_marker else None

    def events(parser: Any, line_offset: int) -> MarkedEvents:
        return MarkedEvents(parser, marker, line_offset, sites, escapes)

    return VALUES_RULES._replace(events=events)


def _cleaned(error: ProfileRenderError, marker: str, escape_marker: str = "") -> ProfileRenderError:
    """``error`` as the original text would show it: no flag or marker in its message, hint or path."""
    from profile_render.yamlio.unquoted import clean_text

    diagnostic = error.diagnostic
    path = diagnostic.path
    if path is not None:
        path = tuple(clean_text(part, marker, escape_marker) if isinstance(part, str) else part for part in path)
    texts = (diagnostic.message, diagnostic.hint or "") + tuple(p for p in (path or ()) if isinstance(p, str))
    if not any(marker in t or (escape_marker and escape_marker in t) for t in texts) and path == diagnostic.path:
        return error
    cleaned: ProfileRenderError = error.__class__.__new__(error.__class__)
    ProfileRenderError.__init__(cleaned, clean_text(diagnostic.message, marker, escape_marker),
                                source=diagnostic.source, line=diagnostic.line, column=diagnostic.column, path=path,
                                hint=clean_text(diagnostic.hint, marker, escape_marker) if diagnostic.hint
                                else diagnostic.hint)
    return cleaned


def _unquoted_warning(scalar: UnquotedScalar, source: str) -> ValuesWarning:
    """The warning for a scalar that starts with an unquoted placeholder (Helm alone could not read it)."""
    from profile_render.yamlio.unquoted import double_quoted

    name = scalar.text[:scalar.text.index("%", 1) + 1]
    what = "key" if scalar.in_key else "value"
    quoted = double_quoted(scalar.text)
    last = scalar.path[-1] if scalar.path else None
    if scalar.in_key:
        example = f"{quoted}: ..."
    else:
        example = f"- {quoted}" if isinstance(last, int) else f"{last if isinstance(last, str) else 'key'}: {quoted}"
    return ValuesWarning(
        code="unquoted-placeholder",
        message=(f"the {what} starts with the unquoted placeholder {name}, which YAML cannot read; the Edge "
                 "Orchestrator replaces it before parsing and reads the result as a plain scalar "
                 "(a number, a boolean, null ...)"),
        source=source, line=scalar.line, column=scalar.column, path=scalar.path,
        hint=f"quote the {what}, e.g. {example}, so it stays a string whatever it becomes",
    )


#: How many ``unquoted-placeholder`` warnings one file gets one by one; one more counts the rest.
UNQUOTED_WARNINGS = 100


def _load_marked(text: str, marking: Marking, source: str, limits: Limits, strict: bool, use_libyaml: bool,
                 split: bool, keep_text: bool) -> LoadedValues:
    """:func:`load_values` for a text holding placeholder tokens: the marked text read, the flags then removed."""
    from profile_render.yamlio.unquoted import clean_text, unflag

    sites: List[Site] = []
    read: List[ValuesWarning] = []
    try:
        result = _merged(marking.text, source, limits, read, use_libyaml, split, _marked_rules(marking, sites))
    except ProfileRenderError as exc:
        raise _cleaned(exc, marking.marker, marking.escape_marker) from None
    result, unquoted, lost, repeated, escaped = unflag(result, marking, sites)
    marker, escape_marker = marking.marker, marking.escape_marker
    warnings = [ValuesWarning(w.rule or "duplicate-key", clean_text(w.message, marker, escape_marker), w.source,
                              w.line, w.column,
                              tuple(clean_text(p, marker, escape_marker) if isinstance(p, str) else p
                                    for p in w.path or ()),
                              w.hint, w.related)
                for w in read]
    keys = {scalar.path: scalar for scalar in unquoted + lost if scalar.in_key}
    for path in repeated:
        scalar = keys.get(path)
        warnings.append(ValuesWarning(
            code="duplicate-key",
            message=f"duplicate key {path[-1]!r}: written both quoted and unquoted in one mapping; the last one wins",
            source=source, line=scalar.line if scalar else None, column=scalar.column if scalar else None, path=path,
            hint="Helm silently keeps the last one; delete the other"))
    leading = sorted((u for u in unquoted + lost if u.leading), key=lambda u: (u.line, u.column, u.in_key))
    warnings.extend(_unquoted_warning(scalar, source) for scalar in leading[:UNQUOTED_WARNINGS])
    if len(leading) > UNQUOTED_WARNINGS:  # one line each would flood the output of a hostile file
        rest = leading[UNQUOTED_WARNINGS]
        warnings.append(ValuesWarning(
            code="unquoted-placeholder",
            message=f"{len(leading) - UNQUOTED_WARNINGS:,} more values or keys start with an unquoted placeholder, "
                    "the first of them here",
            source=source, line=rest.line, column=rest.column, path=rest.path,
            hint="quote them; a placeholder starting a value or key needs quotes for plain YAML"))
    loaded = LoadedValues(result, source, warnings, text if keep_text else None, unquoted=tuple(unquoted),
                          escaped=tuple(escaped), _marking=marking if keep_text else None)
    warnings.extend(_escaped_warning(token, loaded) for token in escaped[:UNQUOTED_WARNINGS])
    if strict and warnings:
        raise StrictModeError(warnings[0])
    return loaded


def _escaped_warning(token: EscapedToken, loaded: LoadedValues) -> ValuesWarning:
    """The warning for a string whose placeholder YAML escapes spelt: the reference deploys the token as text."""
    line, column = loaded.locate(token.path) or (None, None)
    what = "key" if token.in_key else "value"
    names = ", ".join(dict.fromkeys(token.tokens))
    return ValuesWarning(
        code="escaped-placeholder",
        message=(f"this {what} spells {names} with YAML escapes; the Edge Orchestrator replaces placeholders in the "
                 "Profile's text before parsing it, so it does not see this one and deploys the text "
                 f"{names} itself, not the placeholder's value (profile-render predicts the same)"),
        source=loaded.source, line=line, column=column, path=token.path,
        hint=f"write {names} without escapes to have it replaced; leave it escaped only if the text itself is meant",
    )


def load_yaml_document(data: Union[str, bytes], *, source: str = "<string>", limits: Optional[Limits] = None) -> Any:
    """Parse the first YAML document of a text as go-yaml v2's Unmarshal does and return its value.

    This is how Helm reads ``Chart.yaml`` and ``requirements.yaml``: no
    splitting on ``---`` lines, anything after the first document ignored, the
    same scalar and key rules as values. The value may be any type (None for
    an empty document).
    """
    limits = limits or DEFAULT_LIMITS
    if not isinstance(data, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"values text must be str or bytes, not {type(data).__name__}")
    # Text with lone surrogates is refused (located) by decode_yaml; measure it without failing here.
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    check_size(len(raw), limits.max_bytes, what="the document is", source=source, error=LimitExceededError,
               hint="shrink the file or raise Limits.max_bytes")
    text = decode_yaml(data, source=source, subject="the file is", hint="save the file as UTF-8",
                       error=ValuesSyntaxError)
    documents = read_documents(text, rules=VALUES_RULES, source=source, limits=limits, first_only=True)
    return documents[0].value if documents else None


def load_values_file(
    path: Union[str, os.PathLike],
    *,
    limits: Optional[Limits] = None,
    strict: bool = False,
    source: Optional[str] = None,
    placeholders: Collection[str] = (),
) -> LoadedValues:
    """Read and parse a values file from disk (see :func:`load_values`, also for ``placeholders``).

    The file is read through the safe reader (:func:`profile_render.files.read_file`):
    only a regular file (or a link to one) is read, never more than
    ``limits.max_bytes`` bytes of it.

    >>> load_values_file(Path("examples/overrides.yaml")).data
    {'replicaCount': 3, 'service': {'port': 9090}}
    """
    limits = limits or DEFAULT_LIMITS
    name = source or os.fsdecode(path)
    raw = read_file(path, cap=Cap(limits.max_bytes, "Limits.max_bytes", DEFAULT_LIMITS.max_bytes),
                    what="the values file", source=name, error=ValuesSyntaxError, advice="split the values")
    return load_values(raw, source=name, limits=limits, strict=strict, placeholders=placeholders)


def _path_events(chunk: str, marker: Optional[str], line_offset: int = 0) -> Any:
    """Events to follow value paths through ``chunk``; in a marked text (``marker``), scalars read as written."""
    parser = event_parser(chunk, go_v2=True, use_libyaml=True, max_depth=DEFAULT_LIMITS.max_depth)
    if marker is None:
        return parser
    from profile_render.yamlio.unquoted import MarkedEvents

    return MarkedEvents(parser, marker, line_offset, None)


def locate_in_text(text: str, source: str, path: Sequence[Any], *, marker: Optional[str] = None
                   ) -> Optional[Tuple[int, int]]:
    """Find the 1-based (line, column) of the key or item that sets ``path`` in a values text.

    Later documents win over earlier ones, as in :func:`load_values`.
    ``marker`` says the text is marked (:func:`~profile_render.yamlio.unquoted.mark_placeholders`).
    """
    path = tuple(path)
    if not path:
        return None
    limits = Limits(max_bytes=2**62)
    if not may_define_anchor(text):
        # Follow the path through the events of each piece, last piece first, building nothing.
        pieces = _pieces_or_none(text, source)
        if pieces is not None:
            try:
                for offset, chunk in reversed(pieces):
                    parser = _path_events(chunk, marker)
                    try:
                        spot = locate_streamed(parser, policy=HELM, path=path, line_offset=offset,
                                               max_depth=limits.max_depth)
                    finally:
                        parser.dispose()
                    if spot is not None:
                        return spot
                return None
            except Fallback:
                pass
            except yaml.YAMLError:
                return None
    documents = _positioned_documents(text, source, marker)
    return _position_in(documents, path) if documents is not None else None


#: For a text the index cannot cover: how many paths are located one by one before it is read whole with every position.
_LOCATE_ONE_BY_ONE = 32


def _positioned_documents(text: str, source: str, marker: Optional[str]) -> Optional[List[Document]]:
    """Every piece of a values text read with the positions of all its keys and items (None when unreadable)."""
    if marker is None:
        rules = VALUES_RULES
    else:
        from profile_render.yamlio.unquoted import Marking

        rules = _marked_rules(Marking(text, marker), None)
    try:
        return _read_values(text, source, Limits(max_bytes=2**62), [], positions=True, rules=rules)
    except ProfileRenderError:
        return None


def _position_in(documents: List[Document], path: Tuple[Any, ...]) -> Optional[Tuple[int, int]]:
    """Where the last document holding ``path`` sets it (later documents win, as in :func:`load_values`)."""
    for document in reversed(documents):
        if path and document.positions is not None and _holds(document.value, path):
            return document.positions.get(path)
    return None


def _index(text: str, source: str, events: EventSource) -> Optional[PositionIndex]:
    """The position index of a values text (:func:`~profile_render.yamlio.positions.index_positions`), or None.

    None when a piece cannot be indexed or read, or the text holds what
    only a whole reading places exactly (directives, byte order marks): then
    paths are looked up in the whole text.
    """
    if "\ufeff" in text or text.startswith("%") or "\n%" in text:
        return None
    pieces = _pieces_or_none(text, source)
    if pieces is None:
        return None
    try:
        return index_positions(pieces, events)
    except yaml.YAMLError:
        return None


def _holds(value: Any, path: Tuple[Any, ...]) -> bool:
    """Whether ``path`` leads through ``value`` (mapping keys and list indexes)."""
    current = value
    for part in path:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            return False
    return True
