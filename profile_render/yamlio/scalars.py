"""Go's readings of YAML scalar text: go-yaml v2 resolution, Go number parsing, Go float formatting.

Helm and Kubernetes read YAML with go-yaml v2 (through ``sigs.k8s.io/yaml``);
the Edge Orchestrator catalog reads it with gopkg.in/yaml.v3, whose plain
scalars differ only in booleans (see :mod:`profile_render.yamlio.policy`).
This module holds the text-level rules they share:

* :func:`resolve_exact` resolves a scalar as go-yaml v2's ``resolve`` does:
  a kind (null, bool, int, uint, float, timestamp, str) and an exact value;
* :func:`resolve_plain_scalar` is the fast path for an untagged plain scalar
  as Helm sees it after its JSON round trip (every number a float64);
* :func:`format_go_float` and :func:`format_float32_key` print floats as Go's
  ``strconv.FormatFloat`` does;
* :func:`go_string` is ``!!binary`` bytes as Go's JSON encoder hands them on.
"""

from __future__ import annotations

import codecs
import math
import re
import struct
from typing import Any, Dict, Optional, Tuple, Union

__all__ = [
    "Reject",
    "resolve_plain_scalar",
    "resolve_exact",
    "plain_kind",
    "as_float64",
    "as_kubernetes_number",
    "go_int",
    "is_go_timestamp",
    "to_float32",
    "format_go_float",
    "format_float32_key",
    "go_string",
    "quoted_excerpt",
    "SPECIAL_START",
    "TIMESTAMP_TAG",
]

_MAX_EXACT = 2**53
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_UINT64_MAX = 2**64 - 1
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

_MISSING = object()


class Reject:
    """A plain scalar that JSON cannot carry (NaN or an infinity), so Helm and Kubernetes refuse it."""

    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what


_NOT_A_NUMBER, _PLUS_INF, _MINUS_INF = Reject("NaN"), Reject("+Inf"), Reject("-Inf")
_SPECIAL: Dict[str, Any] = {}
for _words, _val in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    (("", "~", "null", "Null", "NULL"), None),
    ((".nan", ".NaN", ".NAN"), _NOT_A_NUMBER),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), _PLUS_INF),
    (("-.inf", "-.Inf", "-.INF"), _MINUS_INF),
):
    for _w in _words:
        _SPECIAL[_w] = _val
_REJECTED_FLOATS = {"NaN": math.nan, "+Inf": math.inf, "-Inf": -math.inf}

_NUMBER_START = frozenset("+-0123456789")
#: The characters a plain scalar must start with to be anything but text (a number, bool, null, NaN or infinity)
#: in go-yaml v2, yaml.v3 or Kubernetes; "<" for the merge key.
SPECIAL_START = frozenset("yYnNtTfFoO~.+-0123456789<")
# Go's strconv.ParseInt(s, 0, 64) syntax (underscores already removed).
_GO_INT = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
# go-yaml v2's own "0b" branch, tried after ParseInt, ParseUint and the float syntax fail: the text after "0b"
# through strconv.ParseInt(rest, 2, 64), which takes a sign there ("0b-101" is -5, "0b+1" is 1).
_SIGNED_AFTER_0B = re.compile(r"0b[-+][01]+\Z")
_GO_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?\Z")
_TIMESTAMP_PREFIX = re.compile(r"[0-9]{4}-")


# Digits (leading zeros dropped) that can still fit 64 bits, per base; longer text is out of range without
# converting it (Python refuses to convert more than 4,300 decimal digits, and nothing longer can fit).
_MAX_DIGITS = {16: 16, 8: 22, 2: 64, 10: 20}


def quoted_excerpt(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message; a long text is cut to its first ``limit`` characters and its length."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


def go_int(text: str) -> Optional[int]:
    """The integer Go's ``strconv.ParseInt(text, 0, 64)`` syntax denotes, or None when it needs more than 64 bits.

    ``text`` has already matched Go's integer syntax. Out-of-range text is
    recognised by its length, so a scalar of any length costs time linear in
    its length and never reaches ``int()`` with more digits than 64 bits hold.
    """
    sign = 1
    body = text
    if body[0] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    base = 10
    if len(body) > 1 and body[0] == "0":
        p = body[1]
        if p in "xX":
            base, body = 16, body[2:]
        elif p in "oO":
            base, body = 8, body[2:]
        elif p in "bB":
            base, body = 2, body[2:]
        else:
            base, body = 8, body[1:]
    body = body.lstrip("0") or "0"
    if len(body) > _MAX_DIGITS[base]:
        return None
    value = int(body, base)
    return -value if sign < 0 else value


def as_float64(number: Union[int, float]) -> Union[int, float]:
    """A number as Helm's float64 shows it: an integral value of magnitude at most 2**53 as an int, else a float.

    Go prints float64 ``1.0`` as ``1``; negative zero stays a float.
    """
    if isinstance(number, int):
        if -_MAX_EXACT <= number <= _MAX_EXACT:
            return number
        return float(number)
    if number.is_integer() and -_MAX_EXACT <= number <= _MAX_EXACT and not (
        number == 0 and math.copysign(1.0, number) < 0
    ):
        return int(number)
    return number


def as_kubernetes_number(kind: str, number: Union[int, float]) -> Union[int, float]:
    """A go-yaml v2 number as Kubernetes decodes it from JSON: an int64 when the JSON text is one, else a float64.

    ``sigs.k8s.io/yaml`` writes int64 values as integers and floats with Go's
    encoding/json (integral floats below 1e21 without a fraction);
    apimachinery then reads each JSON number as int64 if it parses, else as
    float64. So ``1.0`` and ``1e3`` become ints, a uint64-only value a float.
    """
    if kind == "int":
        return number
    value = float(number)
    if value.is_integer() and abs(value) < 1e21 and _INT64_MIN <= value <= _INT64_MAX:
        return int(value)
    return value


def _resolve_number(text: str) -> Any:
    """Resolve a plain scalar starting with a digit or sign; returns text when it is no number."""
    if _TIMESTAMP_PREFIX.match(text):
        return text  # a timestamp (or timestamp-like text): Helm keeps the text
    plain = text.replace("_", "") if "_" in text else text
    if _GO_INT.match(plain):
        value = go_int(plain)
        if value is not None and _INT64_MIN <= value <= _UINT64_MAX:
            return as_float64(value)
        # out of 64-bit range: Go falls through to the float syntax, then gives up
        if _GO_FLOAT.match(plain):
            f = float(plain)
            return text if math.isinf(f) else as_float64(f)
        return text
    if _GO_FLOAT.match(plain):
        f = float(plain)
        return text if math.isinf(f) else as_float64(f)
    signed = _signed_after_0b(plain)
    return text if signed is None else as_float64(signed)


def _signed_after_0b(plain: str) -> Optional[int]:
    """The int go-yaml v2 reads from ``0b`` and a signed binary number (``0b-101``), or None (Go: not an int).

    Only go-yaml's fallback branch reads these: Go's base-0 ParseInt wants
    the sign before the prefix. The value must fit an int64 (ParseUint, the
    branch's second try, takes no sign).
    """
    if not _SIGNED_AFTER_0B.match(plain):
        return None
    value = int(plain[2:], 2)  # linear in the length for base 2 (no digit limit applies)
    return value if _INT64_MIN <= value <= _INT64_MAX else None


def resolve_plain_scalar(text: str) -> Any:
    """Resolve an untagged plain YAML scalar to the value Helm sees (bool, None, number, str, or a :class:`Reject`)."""
    if text:
        first = text[0]
        if first not in SPECIAL_START:
            return text
        if first != "0" and len(text) < 16 and text.isdigit() and text.isascii():
            return int(text)  # the common decimal integer, exact in a float64
    special = _SPECIAL.get(text, _MISSING)
    if special is not _MISSING:
        return special
    first = text[0]
    if first in _NUMBER_START:
        return _resolve_number(text)
    if first == "." and _DOT_FLOAT.match(text):
        f = float(text)
        return text if math.isinf(f) else as_float64(f)
    return text


_GO_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:([Tt])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})"
    r"|( )([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?)?\Z"
)
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_go_timestamp(text: str) -> bool:
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


def resolve_exact(text: str, tag: str = "") -> Tuple[str, Any]:
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
        return "float", _REJECTED_FLOATS[special.what]
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
    if (tag == "" or tag == TIMESTAMP_TAG) and _TIMESTAMP_PREFIX.match(text) and is_go_timestamp(text):
        return "timestamp", text
    plain = text.replace("_", "") if "_" in text else text
    if _GO_INT.match(plain):
        value = go_int(plain)
        if value is None:
            pass  # beyond 64 bits: Go tries the float syntax next
        elif _INT64_MIN <= value <= _INT64_MAX:
            return "int", value
        elif 0 <= value <= _UINT64_MAX and plain[0] != "+":  # ParseUint takes no sign
            return "uint", value
    if _GO_FLOAT.match(plain):
        f = float(plain)
        if not math.isinf(f):
            return "float", f
    signed = _signed_after_0b(plain)
    if signed is not None:
        return "int", signed
    return "str", text


def plain_kind(text: str) -> str:
    """Classify a scalar's text as go-yaml v2 resolves it: int, float, bool, null, timestamp or str."""
    if _TIMESTAMP_PREFIX.match(text):
        return "timestamp"  # err on the side of quoting timestamp-like text when emitting
    kind = resolve_exact(text)[0] if text else "null"
    return "int" if kind == "uint" else kind


def to_float32(value: float) -> float:
    """Round a float64 to float32 as Go's float32(v) conversion does (overflow gives infinity)."""
    try:
        return float(struct.unpack("f", struct.pack("f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def format_float32_key(value: float) -> str:
    """Format a float mapping key as sigs.k8s.io/yaml does: Go's ``FormatFloat(v, 'g', -1, 32)``.

    Infinities and NaN become ``.inf``, ``-.inf`` and ``.nan``.
    """
    if math.isnan(value):
        return ".nan"
    f32 = to_float32(value)
    if math.isinf(f32):
        return ".inf" if f32 > 0 else "-.inf"
    return format_go_float(f32, 32)


def format_go_float(value: float, bits: int) -> str:
    """Go's ``strconv.FormatFloat(v, 'g', -1, bits)`` for a finite value (bits is 32 or 64).

    The shortest digits that read back to the same float32/float64; an
    exponent (at least two digits) below 1e-4 and from 1e6 up.
    """
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    if bits == 64:
        # Python's repr is the shortest text that reads back to the same float64
        from decimal import Decimal  # imported here: only Chart.yaml numbers and float keys need it, rarely

        sign_bit, digit_tuple, exp = Decimal(repr(value)).as_tuple()
        sign = "-" if sign_bit else ""
        all_digits = "".join(map(str, digit_tuple))
        exponent = len(all_digits) + int(exp) - 1
        mantissa = all_digits.rstrip("0") or "0"
    else:
        candidate = ""
        for precision in range(0, 9):
            candidate = f"{value:.{precision}e}"
            if to_float32(float(candidate)) == value:
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


# Registering the same pure function again (a re-import) is harmless: the registry holds no state of ours.
codecs.register_error("profile_render.go_utf8", _go_replace_errors)  # type: ignore[arg-type]  # typeshed wants UnicodeError; decoding only raises UnicodeDecodeError


def go_string(raw: bytes) -> str:
    """Decoded ``!!binary`` bytes as Helm ends up with them after its JSON round trip."""
    return raw.decode("utf-8", errors="profile_render.go_utf8")
