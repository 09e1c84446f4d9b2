"""Load stage: read values documents exactly the way Helm 4.1 reads them.

Helm parses values with ``sigs.k8s.io/yaml``: YAML 1.1 scalars resolved by
go-yaml v2 rules, converted to JSON, and decoded into ``map[string]any``. The
visible consequences, all reproduced here:

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

The hot path uses libyaml (PyYAML's ``CParser``) for scanning, parsing and
composing, and a small purpose-built constructor. Texts where libyaml reads
differently from go-yaml v2 (the ``!`` tag, a redefined anchor, the escapes
``\\'`` and ``\\/``, a byte order mark inside the text) go through a slower
parser that reads them as go-yaml does; see :func:`_node_loader`.

Numbers are normalised to what Helm's float64 shows: an integral value with
magnitude at most 2**53 becomes an ``int`` (Go prints ``1.0`` as ``1``); every
other number is a ``float``.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import math
import os
import re
import struct
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from profile_render.errors import (
    LimitExceededError,
    ProfileRenderError,
    StrictModeError,
    ValuesSyntaxError,
    ValuesTypeError,
    ValuesWarning,
)

try:  # libyaml: the fast path
    from yaml._yaml import CParser as _Parser

    LIBYAML = True
except ImportError:  # pragma: no cover - exercised by tests that force the fallback
    from yaml.parser import Parser as _Parser  # type: ignore[assignment]

    LIBYAML = False

from yaml.composer import Composer
from yaml.parser import Parser as _PyParser
from yaml.reader import Reader
from yaml.scanner import Scanner, ScannerError

__all__ = [
    "Limits",
    "LoadedValues",
    "load_values",
    "load_values_file",
    "load_yaml_document",
    "LIBYAML",
    "resolve_plain_scalar",
]

ValuesDict = Dict[str, Any]
MarkTable = Dict[int, Dict[Any, Tuple[int, int]]]

_MAX_EXACT = 2**53
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_UINT64_MAX = 2**64 - 1

# Tags the resolver hands the constructor. Plain scalars get one private tag so
# resolution happens once, in Python, with go-yaml v2's rules.
_PLAIN = "!profile-render/plain"
_Y = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _Y + "str", _Y + "int", _Y + "float", _Y + "bool", _Y + "null"
_BINARY, _TIMESTAMP, _MAP, _SEQ = _Y + "binary", _Y + "timestamp", _Y + "map", _Y + "seq"
_MERGE = _Y + "merge"


@dataclass(frozen=True)
class Limits:
    """Resource limits applied while loading one values document.

    ``max_bytes`` defaults to the catalog's 4,000,000-byte cap on chart values;
    ``max_depth`` bounds container nesting; ``max_alias_expansion`` bounds how
    many nodes aliases may re-materialise (a "billion laughs" document fails
    fast instead of exhausting memory).
    """

    max_bytes: int = 4_000_000
    max_depth: int = 200
    max_alias_expansion: int = 100_000

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_depth", "max_alias_expansion"):
            if getattr(self, name) < 1:
                raise ValueError(f"Limits.{name} must be a positive integer")
        if self.max_depth > 900:
            # Construction recurses once per nesting level; stay well inside
            # CPython's default recursion limit (libyaml itself stops at 1000).
            raise ValueError("Limits.max_depth cannot exceed 900")


DEFAULT_LIMITS = Limits()

# ---------------------------------------------------------------------------
# Scalar resolution (go-yaml v2 rules)

_MISSING = object()


class _Reject:
    """A plain scalar that Helm refuses (JSON cannot represent it)."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what


_SPECIAL: Dict[str, Any] = {}
for _words, _val in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    (("", "~", "null", "Null", "NULL"), None),
    ((".nan", ".NaN", ".NAN"), _Reject("NaN")),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), _Reject("+Inf")),
    (("-.inf", "-.Inf", "-.INF"), _Reject("-Inf")),
):
    for _w in _words:
        _SPECIAL[_w] = _val

_NUMBER_START = frozenset("+-0123456789")
# Go's strconv.ParseInt(s, 0, 64) syntax (underscores already removed).
_GO_INT = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
_GO_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?\Z")
_TIMESTAMP_PREFIX = re.compile(r"[0-9]{4}-")


def _go_int(text: str) -> int:
    """Parse Go base-0 integer syntax already matched by ``_GO_INT``."""
    sign = 1
    body = text
    if body[0] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if len(body) > 1 and body[0] == "0":
        p = body[1]
        if p in "xX":
            return sign * int(body[2:], 16)
        if p in "oO":
            return sign * int(body[2:], 8)
        if p in "bB":
            return sign * int(body[2:], 2)
        return sign * int(body[1:], 8)
    return sign * int(body)


def _as_float64(number: Union[int, float]) -> Union[int, float]:
    """Normalise a number to how Helm's float64 shows it (see module doc)."""
    if isinstance(number, int):
        if -_MAX_EXACT <= number <= _MAX_EXACT:
            return number
        return float(number)
    if number.is_integer() and -_MAX_EXACT <= number <= _MAX_EXACT and not (
        number == 0 and math.copysign(1.0, number) < 0
    ):
        return int(number)
    return number


def _resolve_number(text: str) -> Any:
    """Resolve a plain scalar starting with a digit or sign; returns text when it is no number."""
    if _TIMESTAMP_PREFIX.match(text):
        return text  # a timestamp (or timestamp-like text): Helm keeps the text
    plain = text.replace("_", "") if "_" in text else text
    if _GO_INT.match(plain):
        value = _go_int(plain)
        if _INT64_MIN <= value <= _UINT64_MAX:
            return _as_float64(value)
        # out of 64-bit range: Go falls through to the float syntax, then gives up
        if _GO_FLOAT.match(plain):
            f = float(plain)
            return text if math.isinf(f) else _as_float64(f)
        return text
    if _GO_FLOAT.match(plain):
        f = float(plain)
        return text if math.isinf(f) else _as_float64(f)
    return text


def resolve_plain_scalar(text: str) -> Any:
    """Resolve an untagged plain YAML scalar to the value Helm sees (bool, None, number or str)."""
    special = _SPECIAL.get(text, _MISSING)
    if special is not _MISSING:
        return special
    first = text[0]
    if first in _NUMBER_START:
        return _resolve_number(text)
    if first == "." and _DOT_FLOAT.match(text):
        f = float(text)
        return text if math.isinf(f) else _as_float64(f)
    return text


_GO_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:([Tt])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})"
    r"|( )([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?)?\Z"
)
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_go_timestamp(text: str) -> bool:
    """Whether go-yaml v2's parseTimestamp accepts the text (Go's time.Parse with its four layouts)."""
    m = _GO_TIMESTAMP.match(text)
    if m is None:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month] or (month == 2 and day == 29 and not leap):
        return False
    clock = m.group(5, 6, 7) if m.group(4) else m.group(10, 11, 12) if m.group(9) else None
    if clock is not None:
        hour, minute, second = (int(x) for x in clock)
        if hour >= 24 or minute >= 60 or second >= 60:
            return False
    zone = m.group(8)
    if zone and zone != "Z" and (int(zone[1:3]) > 24 or int(zone[4:6]) > 60):
        return False
    return True


def _resolve_exact(text: str, tag: str = "") -> Tuple[str, Any]:
    """Resolve a scalar as go-yaml v2's ``resolve`` does, before any JSON conversion.

    Returns ``(kind, value)``: kind is null, bool, int (fits int64), uint (fits
    only uint64), float (possibly infinite or NaN), timestamp (the text) or
    str; values are exact (ints are not rounded to float64 yet). ``tag`` is
    the explicit tag, "" for a plain scalar: only plain and ``!!timestamp``
    scalars may resolve to timestamps.
    """
    special = _SPECIAL.get(text, _MISSING)
    if special is not _MISSING:
        if special is None:
            return "null", None
        if isinstance(special, bool):
            return "bool", special
        return "float", {"NaN": math.nan, "+Inf": math.inf, "-Inf": -math.inf}[special.what]
    first = text[0]
    if first == ".":
        # go-yaml hands these to strconv.ParseFloat as written (no underscore removal)
        if _DOT_FLOAT.match(text):
            f = float(text)
            if not math.isinf(f):
                return "float", f
        return "str", text
    if first not in _NUMBER_START:
        return "str", text
    if (tag == "" or tag == _TIMESTAMP) and _TIMESTAMP_PREFIX.match(text) and _is_go_timestamp(text):
        return "timestamp", text
    plain = text.replace("_", "") if "_" in text else text
    if _GO_INT.match(plain):
        value = _go_int(plain)
        if _INT64_MIN <= value <= _INT64_MAX:
            return "int", value
        if 0 <= value <= _UINT64_MAX and plain[0] != "+":  # ParseUint takes no sign
            return "uint", value
    if _GO_FLOAT.match(plain):
        f = float(plain)
        if not math.isinf(f):
            return "float", f
    return "str", text


def _plain_kind(text: str) -> str:
    """Classify a scalar's text as go-yaml v2 resolves it: int, float, bool, null, timestamp or str."""
    if _TIMESTAMP_PREFIX.match(text):
        return "timestamp"  # err on the side of quoting timestamp-like text when emitting
    kind = _resolve_exact(text)[0] if text else "null"
    return "int" if kind == "uint" else kind


def _to_float32(value: float) -> float:
    """Round a float64 to float32 as Go's float32(v) conversion does (overflow gives infinity)."""
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def _format_float32_key(value: float) -> str:
    """Format a float mapping key as sigs.k8s.io/yaml does: Go's ``FormatFloat(v, 'g', -1, 32)``.

    Infinities and NaN become ``.inf``, ``-.inf`` and ``.nan``.
    """
    if math.isnan(value):
        return ".nan"
    f32 = _to_float32(value)
    if math.isinf(f32):
        return ".inf" if f32 > 0 else "-.inf"
    return _format_go_float(f32, 32)


def _format_go_float(value: float, bits: int) -> str:
    """Go's ``strconv.FormatFloat(v, 'g', -1, bits)`` for a finite value (bits is 32 or 64).

    The shortest digits that read back to the same float32/float64; an
    exponent (at least two digits) below 1e-4 and from 1e6 up.
    """
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    if bits == 64:
        # Python's repr is the shortest text that reads back to the same float64
        sign_bit, digit_tuple, exp = Decimal(repr(value)).as_tuple()
        sign = "-" if sign_bit else ""
        all_digits = "".join(map(str, digit_tuple))
        exponent = len(all_digits) + int(exp) - 1
        mantissa = all_digits.rstrip("0") or "0"
    else:
        candidate = ""
        for precision in range(0, 9):
            candidate = f"{value:.{precision}e}"
            if _to_float32(float(candidate)) == value:
                break
        lead, _, exp_text = candidate.partition("e")
        exponent = int(exp_text)
        sign = "-" if lead.startswith("-") else ""
        mantissa = lead.lstrip("-").replace(".", "").rstrip("0") or "0"
    if exponent < -4 or exponent >= 6:
        body = mantissa[0] + ("." + mantissa[1:] if len(mantissa) > 1 else "")
        return f"{sign}{body}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent >= len(mantissa) - 1:
        return sign + mantissa + "0" * (exponent - len(mantissa) + 1)
    if exponent >= 0:
        return sign + mantissa[: exponent + 1] + "." + mantissa[exponent + 1 :]
    return sign + "0." + "0" * (-exponent - 1) + mantissa


def _go_replace_errors(exc: UnicodeDecodeError) -> Tuple[str, int]:
    """Codec error handler: one U+FFFD per undecodable byte, resuming at the next byte."""
    # Go's JSON encoder replaces every byte that does not start a valid UTF-8
    # sequence with U+FFFD and resynchronises on the next byte.
    return "\ufffd", exc.start + 1


codecs.register_error("profile_render.go_utf8", _go_replace_errors)  # type: ignore[arg-type]  # typeshed wants UnicodeError; decoding only raises UnicodeDecodeError


def _go_string(raw: bytes) -> str:
    """Decoded ``!!binary`` bytes as Helm ends up with them after its JSON round trip."""
    return raw.decode("utf-8", errors="profile_render.go_utf8")


# ---------------------------------------------------------------------------
# Parser plumbing


class _Resolver:
    """Tags every untagged plain scalar ``_PLAIN`` so the constructor resolves it once."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: Tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        if kind is SequenceNode:
            return _SEQ
        return _MAP


class _CNodeLoader(_Parser, _Resolver):
    """libyaml scanner+parser+composer producing nodes (construction is ours)."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)


class _GoComposer(Composer):
    """PyYAML's composer with go-yaml v2's readings where libyaml's composer differs.

    go-yaml v2 keeps a scalar tagged with the non-specific tag ``!`` as text
    (libyaml resolves it as if untagged: ``! 12`` would be a number), and lets
    an anchor be defined again, later aliases seeing the new node (libyaml
    refuses the document).
    """

    def compose_node(self, parent: Any, index: Any) -> Node:
        """Compose the next node, forgetting an earlier anchor of the same name first."""
        if not self.check_event(AliasEvent):  # type: ignore[attr-defined]  # PyYAML mixins are untyped
            anchor = self.peek_event().anchor  # type: ignore[attr-defined]  # PyYAML mixins are untyped
            if anchor is not None:
                self.anchors.pop(anchor, None)  # a redefined anchor replaces the old one
        return Composer.compose_node(self, parent, index)  # type: ignore[return-value]  # PyYAML's composer is untyped

    def compose_scalar_node(self, anchor: Any) -> ScalarNode:
        """Compose a scalar; one tagged ``!`` is a plain string, as in go-yaml."""
        event = self.get_event()  # type: ignore[attr-defined]  # PyYAML mixins are untyped
        if event.tag == "!":
            tag = _STR
        elif event.tag is None:
            tag = self.resolve(ScalarNode, event.value, event.implicit)  # type: ignore[attr-defined]  # PyYAML mixins are untyped
        else:
            tag = event.tag
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        if anchor is not None:
            self.anchors[anchor] = node
        return node


class _CEventLoader(_GoComposer, _Parser, _Resolver):
    """libyaml's scanner and parser, go-yaml's composition (for texts that need it)."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)


class _PyNodeLoader(Reader, Scanner, _PyParser, _GoComposer, _Resolver):
    """The pure-Python parser, made to scan like go-yaml v2 where PyYAML's scanner differs.

    go-yaml knows the escape ``\\'`` but not ``\\/`` in double-quoted scalars,
    skips tabs between tokens where libyaml does (in flow context and after
    ``:``/``-``), and keeps a byte order mark that starts a later line as text.
    """

    ESCAPE_REPLACEMENTS = {**{k: v for k, v in Scanner.ESCAPE_REPLACEMENTS.items() if k != "/"}, "'": "'"}  # type: ignore[misc]  # typeshed marks it Final; go-yaml's escapes differ

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        _PyParser.__init__(self)
        Composer.__init__(self)

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


# A "!" standing alone as a tag (not "!foo", not inside a word).
_NONSPECIFIC_TAG = re.compile(r"(?:^|(?<=[\s\[\]{},]))!(?=[\s\[\]{},]|\Z)", re.MULTILINE)
_ANCHOR = re.compile(r"(?:^|(?<=[\s\[\]{},]))&([^\s\[\]{},]+)", re.MULTILINE)


def _node_loader(text: str, use_libyaml: bool) -> Any:
    """The fastest parser that reads this text as go-yaml v2 does.

    The checks are cheap and may raise false alarms, which only cost speed:
    every parser here reads ordinary YAML alike.
    """
    if not (use_libyaml and LIBYAML):
        return _PyNodeLoader(text)
    if "\\/" in text or "\\'" in text or "\ufeff" in text[1:]:
        return _PyNodeLoader(text)  # scanner-level differences
    if ("!" in text and _NONSPECIFIC_TAG.search(text)) or (
            "&" in text and len(set(names := _ANCHOR.findall(text))) != len(names)):
        return _CEventLoader(text)  # composer-level differences
    return _CNodeLoader(text)


# ---------------------------------------------------------------------------
# Construction


class _Builder:
    """Builds Python values from composed nodes with Helm's semantics and our limits."""

    def __init__(
        self,
        source: str,
        limits: Limits,
        warnings: List[ValuesWarning],
        marks: Optional[MarkTable] = None,
        line_offset: int = 0,
    ) -> None:
        self.source = source
        self.line_offset = line_offset  # the document's first line in the whole text
        self.limits = limits
        self.warnings = warnings
        self.marks = marks
        self.seen: set = set()
        self.in_progress: set = set()
        self.alias_budget = limits.max_alias_expansion
        self.alias_depth = 0  # > 0 while re-materialising an alias

    # -- errors -----------------------------------------------------------
    def _error(self, cls: type, node: Node, problem: str, hint: Optional[str] = None, path: Any = None) -> ProfileRenderError:
        mark = node.start_mark
        return cls(problem, source=self.source, line=mark.line + self.line_offset + 1, column=mark.column + 1,
                   hint=hint, path=path)

    # -- alias bombs ------------------------------------------------------------
    def check_aliases(self, root: Node) -> None:
        """Refuse a document whose aliases expand past the limit, before building anything.

        Sizes are computed once per distinct node (the graph is a DAG), so an
        alias bomb is refused in time proportional to its text, not its expansion.
        """
        sizes: Dict[int, int] = {}
        active: set = set()
        limit = self.limits.max_alias_expansion
        unique = [0]

        def size(node: Node, depth: int) -> int:
            ident = id(node)
            known = sizes.get(ident)
            if known is not None:
                return known
            if ident in active:
                raise self._error(ValuesTypeError, node, "recursive alias: an anchored node refers to itself",
                                  "Helm values must be a tree; remove the self-reference")
            if depth > self.limits.max_depth:
                raise self._error(LimitExceededError, node,
                                  f"values are nested more than {self.limits.max_depth} levels deep",
                                  "flatten the structure or raise Limits.max_depth")
            unique[0] += 1
            total = 1
            if not isinstance(node, ScalarNode):
                active.add(ident)
                children = node.value if isinstance(node, SequenceNode) else [c for pair in node.value for c in pair]
                for child in children:
                    total += size(child, depth + 1)
                    if total - unique[0] > limit:
                        raise self._error(
                            LimitExceededError, node,
                            f"aliases expand to more than {limit:,} nodes",
                            "this looks like an alias bomb; reduce the aliasing or raise Limits.max_alias_expansion")
                active.discard(ident)
            sizes[ident] = total
            return total

        size(root, 0)

    # -- entry --------------------------------------------------------------
    def build(self, node: Node, depth: int, path: Tuple[Any, ...]) -> Any:
        ident = id(node)
        if ident in self.seen:
            if ident in self.in_progress:
                raise self._error(
                    ValuesTypeError, node, "recursive alias: an anchored node refers to itself",
                    "Helm values must be a tree; remove the self-reference", path)
            self.alias_depth += 1
            try:
                return self._build(node, depth, path)
            finally:
                self.alias_depth -= 1
        self.seen.add(ident)
        return self._build(node, depth, path)

    def _build(self, node: Node, depth: int, path: Tuple[Any, ...]) -> Any:
        if self.alias_depth:
            self.alias_budget -= 1
            if self.alias_budget < 0:
                raise self._error(
                    LimitExceededError, node,
                    f"aliases expand to more than {self.limits.max_alias_expansion} nodes",
                    "this looks like an alias bomb; reduce the aliasing or raise Limits.max_alias_expansion",
                    path)
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if depth >= self.limits.max_depth:
            raise self._error(
                LimitExceededError, node,
                f"values are nested more than {self.limits.max_depth} levels deep",
                "flatten the structure or raise Limits.max_depth", path)
        if isinstance(node, SequenceNode):
            return self.sequence(node, depth, path)
        return self.mapping(node, depth, path)  # type: ignore[arg-type]  # the node is a MappingNode here

    # -- scalars ------------------------------------------------------------
    def scalar(self, node: ScalarNode, path: Tuple[Any, ...]) -> Any:
        tag = node.tag
        if tag == _PLAIN:
            value = resolve_plain_scalar(node.value)
            if isinstance(value, _Reject):
                raise self._error(
                    ValuesTypeError, node,
                    f"{node.value!r} is {value.what}, which JSON (and so Helm) cannot represent",
                    f"quote it ('{node.value}') to keep it as text", path)
            return value
        if tag == _STR:
            return node.value
        return self.tagged_scalar(node, tag, path)

    def tagged_scalar(self, node: ScalarNode, tag: str, path: Tuple[Any, ...]) -> Any:
        """The value of an explicitly tagged scalar, checked against its tag as go-yaml v2 checks it."""
        kind, value = self.resolve_tagged(node, tag, path)
        if kind == "float":
            if math.isnan(value) or math.isinf(value):
                raise self._error(
                    ValuesTypeError, node,
                    f"{node.value!r} is {'NaN' if math.isnan(value) else ('+Inf' if value > 0 else '-Inf')}, "
                    "which JSON (and so Helm) cannot represent",
                    "use a finite number or a string", path)
            return _as_float64(value)
        if kind == "int" or kind == "uint":
            return _as_float64(value)
        return value

    def resolve_tagged(self, node: ScalarNode, tag: str, path: Tuple[Any, ...]) -> Tuple[str, Any]:
        """Resolve a tagged scalar to go-yaml v2's (kind, exact value); unknown tags keep the text."""
        text = node.value
        if tag == _BINARY:
            # Go's StdEncoding skips only CR and LF; any other space is invalid base64.
            try:
                raw = base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True)
            except (binascii.Error, ValueError):
                raise self._error(ValuesTypeError, node, "!!binary value is not valid base64",
                                  "fix the base64 text or drop the !!binary tag", path) from None
            return "str", _go_string(raw)
        if tag not in (_INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP):
            return "str", text  # !!str, collection tags on scalars, local tags: the text
        kind, value = _resolve_exact(text, tag)
        want = tag[len(_Y):]
        if kind == "uint":
            kind_name = "int"
        else:
            kind_name = kind
        if kind_name == want:
            return kind, value
        if tag == _FLOAT and kind == "int":
            return "float", float(value)  # only int64 widens; a uint64-only value is an error
        short = "!!" + want
        raise self._error(ValuesTypeError, node, f"cannot decode {text!r} (a !!{kind_name}) as {short}",
                          f"write a valid {short} value or remove the tag", path)

    # -- collections --------------------------------------------------------
    def sequence(self, node: SequenceNode, depth: int, path: Tuple[Any, ...]) -> Any:
        """A list; like go-yaml v2, any tag on the sequence (!!set, !!omap, ...) is ignored."""
        out: List[Any] = []
        append = out.append
        build = self.build
        d = depth + 1
        marks = self.marks
        if marks is not None:
            off = self.line_offset
            marks[id(out)] = {i: (c.start_mark.line + off, c.start_mark.column) for i, c in enumerate(node.value)}
        for i, child in enumerate(node.value):
            append(build(child, d, path + (i,)))
        return out

    def key_of(self, key_node: Node, path: Tuple[Any, ...]) -> Any:
        """The string Helm uses for a mapping key node (``_MERGE`` for a merge key).

        go-yaml v2 resolves a key like any scalar, then sigs.k8s.io/yaml turns
        it into a JSON key: bools become true/false, ints their decimal text,
        floats Go's 32-bit shortest form (infinities .inf/-.inf, NaN .nan);
        null and uint64-only keys are errors.
        """
        if not isinstance(key_node, ScalarNode):
            raise self._error(
                ValuesTypeError, key_node, "a mapping key is a collection",
                "Helm values keys must be scalars; use a string key", path)
        tag = key_node.tag
        text = key_node.value
        if tag == _STR:
            return text
        if text == "<<" and (tag == _PLAIN or tag == _MERGE):
            return _MERGE
        if tag == _PLAIN:
            kind, value = _resolve_exact(text) if text else ("null", None)
        else:
            kind, value = self.resolve_tagged(key_node, tag, path)
        if kind == "str" or kind == "timestamp":
            return value
        if kind == "bool":
            return "true" if value else "false"
        if kind == "int":
            return str(value)
        if kind == "float":
            return _format_float32_key(value)  # type: ignore[arg-type]  # a number here
        if kind == "null":
            raise self._error(
                ValuesTypeError, key_node, "a mapping key is null",
                "Helm rejects null keys; quote the key ('~': ...) or give it a name", path)
        raise self._error(ValuesTypeError, key_node,
                          f"the key {text} is an unsigned 64-bit integer, which Helm cannot use as a key",
                          "quote the key", path)

    def mapping(self, node: MappingNode, depth: int, path: Tuple[Any, ...]) -> Any:
        out: Dict[str, Any] = {}
        explicit: Dict[str, Node] = {}
        d = depth + 1
        build = self.build
        marks = self.marks
        spots: Optional[Dict[Any, Tuple[int, int]]] = None
        if marks is not None:
            spots = marks[id(out)] = {}
        for key_node, value_node in node.value:
            key = self.key_of(key_node, path)
            if key is _MERGE:
                self.merge_into(out, value_node, d, path, spots)
                continue
            previous = explicit.get(key)
            if previous is not None:
                pm = previous.start_mark
                km = key_node.start_mark
                off = self.line_offset
                self.warnings.append(ValuesWarning(
                    code="duplicate-key",
                    message=(f"duplicate key {key!r}: the value at line {km.line + off + 1} "
                             f"replaces the one at line {pm.line + off + 1}"),
                    source=self.source, line=km.line + off + 1, column=km.column + 1,
                    path=path + (key,),
                    hint="Helm silently keeps the last one; delete the other",
                    related=(),
                ))
            explicit[key] = key_node
            value = build(value_node, d, path + (key,))
            out[key] = value
            if spots is not None:
                spots[key] = (key_node.start_mark.line + self.line_offset, key_node.start_mark.column)
        return out

    def merge_into(self, out: Dict[str, Any], value_node: Node, depth: int, path: Tuple[Any, ...],
                   spots: Optional[Dict[Any, Tuple[int, int]]]) -> None:
        """Apply a ``<<`` merge key as go-yaml v2 does: in document position, sequences last-to-first."""
        if isinstance(value_node, MappingNode):
            sources = [value_node]
        elif isinstance(value_node, SequenceNode):
            sources = list(reversed(value_node.value))
            for item in sources:
                if not isinstance(item, MappingNode):
                    raise self._error(ValuesTypeError, item, "a merge key (<<) list may only hold mappings",
                                      "merge only anchored mappings: <<: [*a, *b]", path)
        else:
            raise self._error(ValuesTypeError, value_node,
                              "a merge key (<<) needs a mapping or a list of mappings",
                              "write <<: *anchor where the anchor is a mapping", path)
        for source in sources:
            merged = self.build(source, depth, path)
            out.update(merged)
            if spots is not None and self.marks is not None:
                spots.update(self.marks.get(id(merged), {}))


# ---------------------------------------------------------------------------
# Public API


@dataclass
class LoadedValues:
    """One parsed values document: the data Helm sees plus what we noticed reading it."""

    data: ValuesDict
    source: str
    warnings: List[ValuesWarning] = field(default_factory=list)
    text: Optional[str] = field(default=None, repr=False)

    def locate(self, path: Tuple[Any, ...]) -> Optional[Tuple[int, int]]:
        """The 1-based (line, column) where ``path`` is set in this document, or None."""
        if self.text is None:
            return None
        return locate_in_text(self.text, self.source, path)


def _decode(data: bytes, source: str) -> str:
    """The text of a YAML file: UTF-8, or UTF-16 when it starts with a UTF-16 byte order mark (as go-yaml)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:2] in (b"\xfe\xff", b"\xff\xfe"):
        try:
            return data[2:].decode("utf-16-be" if data[:2] == b"\xfe\xff" else "utf-16-le")
        except UnicodeDecodeError:
            raise ValuesSyntaxError("the file is not valid UTF-16", source=source,
                                    hint="save the file as UTF-8") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ValuesSyntaxError(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            source=source, line=line, column=column,
            hint="save the file as UTF-8",
        ) from None


def _syntax_error(exc: yaml.YAMLError, text: str, source: str, offset: int = 0) -> ProfileRenderError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    else:
        position = getattr(exc, "position", None)
        if position is None:
            line = column = None
        else:
            before = text[:position]
            line = before.count("\n") + 1
            column = position - (before.rfind("\n") + 1) + 1
        reason = getattr(exc, "reason", None)
        if reason:
            problem = reason
    hint = "check the YAML syntax near this position"
    message = problem
    if context:
        message = f"{problem} ({context})"
    if line is not None and "cannot start any token" in problem:
        line_text = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
        char = line_text[column - 1: column] if column else ""
        if char == "%":
            hint = "a value starting with '%' must be quoted, e.g. key: '%GeneratedDockerCredential%'"
        elif char == "@" or char == "`":
            hint = f"a value starting with {char!r} must be quoted"
        elif char == "\t":
            hint = "YAML does not allow tabs for indentation; use spaces"
    elif "found character that cannot start any token" in problem:
        hint = "quote the value"
    if "found undefined alias" in problem:
        hint = "define the anchor (&name) before using the alias (*name)"
    if line is not None:
        line += offset
    return ValuesSyntaxError(message, source=source, line=line, column=column, hint=hint)


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


def _split_documents(text: str, source: str) -> List[Tuple[int, str]]:
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


_SEPARATOR_LINE = re.compile(r"^---([^\n]*)(?:\n|\Z)", re.MULTILINE)


def _parse(
    text: str,
    source: str,
    limits: Limits,
    warnings: List[ValuesWarning],
    marks: Optional[MarkTable],
    use_libyaml: bool,
    split: bool = True,
) -> List[Tuple[Any, Tuple[int, int]]]:
    """Parse every document of a values text (see :func:`_split_documents`) into (value, (line, column)) pairs.

    Like go-yaml v2's Unmarshal, only the first YAML document of each piece is
    read: anything after a ``...`` end marker in the same piece is ignored.
    Without ``split`` the whole text is one piece.
    """
    documents: List[Tuple[Any, Tuple[int, int]]] = []
    pieces = _split_documents(text, source) if split else ([(0, text)] if text else [])
    for offset, chunk in pieces:
        try:
            # The pure-Python reader checks characters as it is created, so creation can fail too.
            loader = _node_loader(chunk, use_libyaml)
        except yaml.YAMLError as exc:
            raise _syntax_error(exc, chunk, source, offset) from None
        builder = _Builder(source, limits, warnings, marks, offset)
        try:
            if loader.check_node():
                node = loader.get_node()
                if node is not None:
                    if "*" in chunk:  # no '*' anywhere means no alias can occur
                        builder.check_aliases(node)
                    start = (node.start_mark.line + offset, node.start_mark.column)
                    documents.append((builder.build(node, 0, ()), start))
        except yaml.YAMLError as exc:
            raise _syntax_error(exc, chunk, source, offset) from None
        except RecursionError:
            raise LimitExceededError(
                "values are nested too deeply to read", source=source,
                hint="flatten the structure") from None
        finally:
            dispose = getattr(loader, "dispose", None)
            if dispose is not None:
                dispose()
    return documents


def load_values(
    data: Union[str, bytes],
    *,
    source: str = "<string>",
    limits: Optional[Limits] = None,
    strict: bool = False,
    use_libyaml: bool = True,
    keep_text: bool = True,
) -> LoadedValues:
    """Parse values text the way Helm reads a values file and return the tree plus warnings.

    ``source`` names the input in errors and provenance. With ``strict``, the
    first warning is raised as a :class:`StrictModeError`. ``keep_text`` keeps
    the text so :meth:`LoadedValues.locate` can find source positions later.
    """
    limits = limits or DEFAULT_LIMITS
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > limits.max_bytes:
        raise LimitExceededError(
            f"the values document is {len(raw):,} bytes, more than the limit of {limits.max_bytes:,}",
            source=source,
            hint="split the values or raise Limits.max_bytes (the catalog caps chart values at 4,000,000 bytes)",
        )
    split = True
    if not isinstance(data, str) and raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
        # Helm's document splitter reads lines as bytes and re-adds a "\n" byte
        # to each: a UTF-16LE file always ends up one byte short of a character,
        # a UTF-16BE one survives whole, '---' lines unseen (one YAML stream).
        if raw[:2] == b"\xff\xfe":
            raise ValuesSyntaxError("the file is UTF-16LE, which Helm cannot read as values",
                                    source=source, hint="save the file as UTF-8")
        split = False
    text = data if isinstance(data, str) else _decode(raw, source)
    if text.startswith("\ufeff"):
        text = text[1:]
    warnings: List[ValuesWarning] = []
    documents = _parse(text, source, limits, warnings, None, use_libyaml, split)
    result: ValuesDict = {}
    for value, (line, column) in documents:
        if value is None:
            continue
        if not isinstance(value, dict):
            kind = "a list" if isinstance(value, list) else f"a {type(value).__name__} scalar"
            raise ValuesTypeError(
                f"the top level of a values document must be a mapping, not {kind}",
                source=source, line=line + 1, column=column + 1,
                hint="values files are key: value mappings at the top level",
            )
        result = _merge_documents(result, value) if result else value
    if strict and warnings:
        raise StrictModeError(warnings[0])
    return LoadedValues(result, source, warnings, text if keep_text else None)


def load_yaml_document(data: Union[str, bytes], *, source: str = "<string>", limits: Optional[Limits] = None) -> Any:
    """Parse the first YAML document of a text as go-yaml v2's Unmarshal does and return its value.

    This is how Helm reads ``Chart.yaml`` and ``requirements.yaml``: no
    splitting on ``---`` lines, anything after the first document ignored, the
    same scalar and key rules as values. The value may be any type (None for
    an empty document).
    """
    limits = limits or DEFAULT_LIMITS
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > limits.max_bytes:
        raise LimitExceededError(
            f"the document is {len(raw):,} bytes, more than the limit of {limits.max_bytes:,}",
            source=source, hint="shrink the file or raise Limits.max_bytes")
    text = data if isinstance(data, str) else _decode(raw, source)
    if text.startswith("\ufeff"):
        text = text[1:]
    loader = _node_loader(text, True)
    builder = _Builder(source, limits, [], None)
    try:
        if not loader.check_node():
            return None
        node = loader.get_node()
        if node is None:
            return None
        if "*" in text:
            builder.check_aliases(node)
        return builder.build(node, 0, ())
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text, source) from None
    except RecursionError:
        raise LimitExceededError("the document is nested too deeply to read", source=source,
                                 hint="flatten the structure") from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()


def load_values_file(
    path: Union[str, os.PathLike],
    *,
    limits: Optional[Limits] = None,
    strict: bool = False,
    source: Optional[str] = None,
) -> LoadedValues:
    """Read and parse a values file from disk (see :func:`load_values`)."""
    limits = limits or DEFAULT_LIMITS
    p = Path(path)
    name = source or str(path)
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise LimitExceededError(
                f"the values file is {size:,} bytes, more than the limit of {limits.max_bytes:,}",
                source=name, hint="split the values or raise Limits.max_bytes")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ValuesSyntaxError("the values file does not exist", source=name,
                                hint="check the path") from None
    except IsADirectoryError:
        raise ValuesSyntaxError("expected a values file but found a directory", source=name,
                                hint="pass a YAML file") from None
    except OSError as exc:
        raise ValuesSyntaxError(f"cannot read the values file: {exc.strerror}", source=name,
                                hint="check the path and its permissions") from None
    return load_values(raw, source=name, limits=limits, strict=strict)


def locate_in_text(text: str, source: str, path: Tuple[Any, ...]) -> Optional[Tuple[int, int]]:
    """Find the 1-based (line, column) of the key or item that sets ``path`` in a values text.

    Later documents win over earlier ones, as in :func:`load_values`.
    """
    marks: MarkTable = {}
    try:
        documents = _parse(text, source, Limits(max_bytes=2**62), [], marks, True)
    except ProfileRenderError:
        return None
    for value, _node in reversed(documents):
        spot = _walk_marks(value, marks, path)
        if spot is not None:
            return spot
    return None


def _walk_marks(value: Any, marks: MarkTable, path: Tuple[Any, ...]) -> Optional[Tuple[int, int]]:
    current = value
    spot: Optional[Tuple[int, int]] = None
    for part in path:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            spot = marks.get(id(current), {}).get(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            spot = marks.get(id(current), {}).get(part)
            current = current[part]
        else:
            return None
    if spot is None:
        return None
    return spot[0] + 1, spot[1] + 1

