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
from typing import Any, Optional

__all__ = ["GoPanic", "JNum", "go_rat", "is_number", "is_integer", "go_int64", "multiple_of", "numbers_equal",
           "plain", "number_key"]

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
