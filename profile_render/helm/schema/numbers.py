"""JSON numbers as Helm's validator sees them: Go's ``big.Rat`` of each number's text.

santhosh-tekuri/jsonschema v6 turns every number into a ``big.Rat`` with
``SetString(fmt.Sprint(v))``: a schema number keeps the text it was written
with (``json.Number``), a value is a float64 whose text is the shortest
decimal that reads back as it. So ``1.0`` is an integer, ``0.3`` is a
multiple of ``0.1``, and integers have no size limit. Go's ``SetString``
fails when the decimal exponent it must apply (the written exponent minus
the digits after the point) is beyond ±1,000,000, or the exponent does not
fit an int64; v6 then treats the number as:

* not an integer (``"maxLength": 1e1000000000`` breaks the meta-schema);
* not equal to anything, itself included (``enum``, ``const``, ``uniqueItems``);
* no bound at all (``"minimum": 1e1000001`` is ignored);
* and, where a *value* compared against a bound has no rat, a nil pointer:
  Helm fails with a runtime error (:class:`GoPanic`).

Integer keywords (``maxLength``, ``minItems`` ...) take the low 64 bits of
the integer as a signed int64, as Go's ``Int64()`` does: ``"maxLength": 1e19``
becomes -8446744073709551616, so every string is too long.

Exact values are :class:`decimal.Decimal` built from the text (linear in its
length, whatever its size; Python's int-from-text limit of 4,300 digits never
applies), and no operation materialises ``10**exponent``: comparisons, equality
and hashing are exact on decimals, and ``multipleOf`` takes a remainder at
just the precision its quotient needs.
"""

from __future__ import annotations

import re
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation
from typing import Any, List, Optional, Tuple

__all__ = ["GoPanic", "JNum", "go_rat", "is_number", "is_integer", "go_int64", "multiple_of", "numbers_equal",
           "plain", "number_key", "go_string_rat", "number_equals_text", "readable_number"]

#: Go's ``big.Rat.SetString`` refuses a decimal exponent beyond this magnitude.
MAX_EXP5 = 1_000_000
_INT64 = 1 << 63
_UINT64 = 1 << 64
_TWO_64 = Decimal(_UINT64)

_NUMBER = re.compile(r"-?(?P<int>0|[1-9][0-9]*)(?:\.(?P<frac>[0-9]+))?(?:[eE](?P<exp>[+-]?[0-9]+))?")


_UNREAD: Any = object()
#: Below this magnitude every integer is a float64, so plain ints and floats compare as their rats do.
_EXACT = 1 << 53


def plain(value: Any) -> bool:
    """Whether ``value`` is an int, or a float below 2**53 in magnitude, read from values (not a schema's
    :class:`JNum`): Python's own comparisons then decide exactly as Go's rats of their shortest text."""
    kind = type(value)
    return kind is int or (kind is float and -_EXACT < value < _EXACT)


class GoPanic(Exception):
    """Helm's validator would dereference a nil ``big.Rat`` here and fail with a Go runtime error."""


class JNum(float):
    """A JSON number from a schema: a float that remembers its exact text (numbers compare as that decimal).

    Integers written with more digits than a float carries exactly are
    JNums too, so that a schema may hold integers of any length.
    """

    __slots__ = ("text", "_rat")
    text: str
    _rat: Any

    def __new__(cls, text: str) -> "JNum":
        try:
            value = float(text)
        except (ValueError, OverflowError):  # pragma: no cover - json only hands us valid number text
            value = float("nan")
        obj = super().__new__(cls, value)
        obj.text = text
        obj._rat = _UNREAD
        return obj

    def rat(self) -> Optional[Decimal]:
        """Go's ``big.Rat`` of the text (worked out once)."""
        if self._rat is _UNREAD:
            self._rat = _text_rat(self.text)
        rat: Optional[Decimal] = self._rat
        return rat

    def __repr__(self) -> str:
        if len(self.text) > 60:
            return f"{self.text[:30]}...{self.text[-10:]} ({len(self.text)} characters)"
        return self.text


def is_number(value: Any) -> bool:
    """Whether ``value`` is a JSON number (booleans are not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text_rat(text: str) -> Optional[Decimal]:
    """``big.Rat.SetString(text)`` for JSON number text: the exact decimal, or None where Go fails."""
    match = _NUMBER.fullmatch(text)
    if match is None:  # pragma: no cover - json only hands us valid number text
        return None
    fraction, exponent = match.group("frac") or "", match.group("exp")
    exp5 = -len(fraction)
    if exponent is not None:
        if len(exponent.lstrip("+-").lstrip("0")) > 19:
            return None  # Go: the exponent does not parse as an int64
        exp = int(exponent)
        if not -_INT64 <= exp < _INT64:
            return None
        exp5 += exp
    if match.group("int").strip("0") == "" and fraction.strip("0") == "":
        return Decimal(0)  # Go special-cases zero before looking at the exponent
    if abs(exp5) > MAX_EXP5:
        return None
    return Decimal(text)


def go_rat(value: Any) -> Optional[Decimal]:
    """The exact value v6 gives a number (Go's ``big.Rat`` of its text), or None where Go cannot make one.

    Schema numbers (:class:`JNum`) use their text; Python ints are exact;
    floats use their shortest decimal text, as Go's ``fmt.Sprint`` prints a
    float64. Infinities and NaN have no rat (Go's ``SetString("+Inf")`` fails).
    """
    if isinstance(value, JNum):
        return value.rat()
    if isinstance(value, int):
        return Decimal(value)
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return Decimal(repr(float(value)))


def is_integer(value: Any) -> bool:
    """v6's integer test: a number whose rat exists and is whole (``1.0``, ``1e300``, ``1e1000000`` too)."""
    if not is_number(value):
        return False
    if isinstance(value, int):
        return True
    if type(value) is float:  # a value's float: its shortest text is whole exactly when the float is
        return value.is_integer() if value - value == 0 else False
    rat = go_rat(value)
    if rat is None:
        return False
    return _whole(rat)


def go_int64(value: Any) -> Optional[int]:
    """v6's integer keyword value: ``int(rat.Num().Int64())``, or None when the number is no integer for Go.

    Go's ``Int64()`` keeps the low 64 bits of the magnitude as a signed
    int64 and then applies the sign, so ``1e19`` is -8446744073709551616.
    """
    if type(value) is int:
        low = value % _UINT64
        return low - _UINT64 if low >= _INT64 else low
    if not is_number(value):
        return None
    rat = go_rat(value)
    if rat is None or not _whole(rat):
        return None
    low = int(_exact_context(rat.adjusted() + 2).remainder(rat.copy_abs(), _TWO_64)) if rat else 0
    if rat < 0:
        low = (_UINT64 - low) % _UINT64  # Go negates the int64, wrapping around
    return low - _UINT64 if low >= _INT64 else low


def _whole(rat: Decimal) -> bool:
    """Whether an exact decimal is a whole number (any exponent, any number of digits)."""
    return rat.as_tuple().exponent >= 0 or rat == rat.to_integral_value(context=_exact_context(1))  # type: ignore[operator]


def _exact_context(digits: int) -> Context:
    """A decimal context whose precision holds ``digits`` digits and any exponent (results stay exact)."""
    return Context(prec=max(1, min(digits, MAX_PREC)), Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])


def numbers_equal(a: Any, b: Any) -> bool:
    """v6's number equality: both rats exist and are equal (so a number Go cannot read equals nothing)."""
    if plain(a) and plain(b):
        return bool(a == b)
    ra, rb = go_rat(a), go_rat(b)
    return ra is not None and rb is not None and ra == rb


def multiple_of(value: Decimal, divisor: Decimal) -> bool:
    """Whether ``value / divisor`` is an integer, exactly, without materialising either number's power of ten."""
    if value == 0 or divisor == 0:
        return True
    if value.adjusted() < divisor.adjusted():
        return False  # 0 < |value| < |divisor|
    # the integer part of the quotient has at most this many digits: a remainder at that precision is exact
    context = _exact_context(value.adjusted() - divisor.adjusted() + 2)
    remainder = context.remainder(value, divisor)
    if context.flags[InvalidOperation]:  # pragma: no cover - the precision always suffices
        return False
    return bool(remainder == 0)


def number_key(value: Any) -> Any:
    """A hashable key equal (with an equal hash) for exactly the numbers v6 finds equal; None for a number
    Go cannot read."""
    if type(value) is int:
        return value
    if type(value) is float and -_EXACT < value < _EXACT and value.is_integer():
        return int(value)
    return go_rat(value)


# ---------------------------------------------------------------------------
# Strings read as numbers: v6 compares a number with anything by Go's Rat.SetString(fmt.Sprint(other))

#: A string whose value Go reads but which is too far from any float64 to equal a value (never equal).
_FAR: Any = object()
_FAR_EXPONENT = 4200

_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def _scan_digits(text: str, i: int, base: int, frac_ok: bool, prefixed: bool) -> Tuple[Optional[str], int, int]:
    """Go's ``nat.scan`` digits in ``base``, with ``_`` between digits (or right after a base prefix):
    ``(digits, fraction digit count, end)``, digits None where Go reports no digits or a bad separator."""
    allowed = _DIGITS[base]
    digits: List[str] = []
    fraction = -1
    previous = "0" if prefixed else "."
    n = len(text)
    while i < n:
        c = text[i]
        if c == "." and frac_ok and fraction < 0:
            fraction = 0
            previous = "."
        elif c == "_":
            if previous != "0":
                return None, 0, i
            previous = "_"
        elif c in allowed:
            digits.append(c)
            if fraction >= 0:
                fraction += 1
            previous = "0"
        else:
            break
        i += 1
    if not digits or previous == "_":
        return None, 0, i
    return "".join(digits), max(fraction, 0), i


def _scan_int(text: str, i: int, frac_ok: bool) -> Tuple[Optional[int], int, int, int]:
    """A magnitude with Go's base-0 prefixes: ``(value, base, fraction digits, end)`` or value None."""
    base, prefixed = 10, False
    lower = text[i:i + 2].lower()
    if lower in ("0b", "0o", "0x"):
        base, prefixed = {"0b": 2, "0o": 8, "0x": 16}[lower], True
        i += 2
    elif not frac_ok and text[i:i + 1] == "0" and len(text) > i + 1 and text[i + 1] not in "/":
        base, prefixed = 8, True  # Int.SetString: a leading 0 means octal
        i += 1
    digits, fraction, end = _scan_digits(text, i, base, frac_ok, prefixed)
    if digits is None:
        if base == 8 and not frac_ok and text[i - 1:i] == "0":  # a plain "0"
            return 0, 10, 0, i
        return None, base, 0, end
    return int(digits, base), base, fraction, end


def go_string_rat(text: str) -> Any:
    """Go's ``big.Rat.SetString(text)``: the exact value (Decimal or Fraction), ``None`` where Go fails, or a
    marker for a value too far from any float64 to equal one. Base prefixes, underscores, ``p`` exponents and
    ``a/b`` fractions are read as Go reads them."""
    from fractions import Fraction

    if not text:
        return None
    if "/" in text:
        head, _, tail = text.partition("/")
        sign = -1 if head[:1] == "-" else 1
        head = head[1:] if head[:1] in "+-" else head
        if not head or not tail or tail[:1] in "+-":
            return None
        numerator, _b, _f, end = _scan_int(head, 0, False)
        denominator, _b2, _f2, end2 = _scan_int(tail, 0, False)
        if numerator is None or end != len(head) or denominator is None or end2 != len(tail) or not denominator:
            return None
        return Fraction(sign * numerator, denominator)
    i = 1 if text[:1] in "+-" else 0
    sign = 1 if text[:1] == "-" else 0
    mantissa, base, fraction, i = _scan_int(text, i, True)
    if mantissa is None:
        return None
    exp, ebase = 0, 10
    if i < len(text) and text[i] in "eEpP":
        ebase = 10 if text[i] in "eE" else 2
        j = i + 1
        negative = j < len(text) and text[j] == "-"
        if j < len(text) and text[j] in "+-":
            j += 1
        digits, _f, end = _scan_digits(text, j, 10, False, False)
        if digits is None or len(digits.lstrip("0")) > 19:
            return None
        exp = -int(digits) if negative else int(digits)
        i = end
    if i != len(text):
        return None
    if mantissa == 0:
        return Decimal(0)
    exp5 = -fraction if base == 10 else 0
    exp2 = -fraction * {2: 1, 8: 3, 10: 1, 16: 4}[base]
    exp2 += exp
    if ebase == 10:
        exp5 += exp
    if abs(exp5) > MAX_EXP5 or abs(exp2) > 10 * MAX_EXP5:
        return None
    if exp2 == exp5:
        return Decimal((sign, tuple(int(d) for d in str(mantissa)), exp5))
    if abs(exp2) > _FAR_EXPONENT or abs(exp5) > _FAR_EXPONENT:
        return _FAR
    value = Fraction(-mantissa if sign else mantissa) * Fraction(2) ** exp2 * Fraction(5) ** exp5
    return value


def number_equals_text(number: Any, text: str) -> bool:
    """v6's ``equals(number, string)``: the string read by Go's ``Rat.SetString`` equals the number."""
    rat = go_rat(number)
    other = go_string_rat(text)
    if rat is None or other is None or other is _FAR:
        return False
    return bool(rat == other)


def readable_number(text: str) -> Any:
    """The value Go's ``Rat.SetString`` reads from ``text`` when it could equal a value's number, else None."""
    value = go_string_rat(text)
    return None if value is None or value is _FAR else value
