"""Semantic-version ranges as Helm checks them when matching subcharts to Chart.yaml dependencies.

Helm matches a dependency to a chart under ``charts/`` only when the chart's
version satisfies the dependency's ``version`` range (Masterminds semver v3
syntax). An empty or unparsable range matches nothing. Supported: exact
versions, ``=``, ``!=``, ``>``, ``<``, ``>=``, ``<=`` (and ``=>``, ``=<``), ``~``/``~>``,
``^``, wildcards (``1.2.x``, ``1.*``, ``*``), hyphen ranges (``1.2 - 1.4.5``),
comma- or space-separated AND, and ``||`` OR. A pre-release version satisfies a
range only when the range itself names a pre-release.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

__all__ = ["Version", "parse_version", "is_compatible_range"]

_VERSION = re.compile(
    r"v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\Z"
)
_PART = r"(?:0|[1-9]\d*|[xX*])"
_CONSTRAINT = re.compile(
    r"\s*(!=|>=|=>|<=|=<|~>|>|<|=|~|\^)?\s*"
    r"(v?" + _PART + r"(?:\." + _PART + r")?(?:\." + _PART + r")?"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)\s*\Z"
)
_HYPHEN = re.compile(r"\s*(\S+)\s+-\s+(\S+)\s*")

Version = Tuple[int, int, int, Tuple[object, ...]]  # major, minor, patch, pre-release key ((), when none)


def _uint64(digits: str) -> Optional[int]:
    """Go's strconv.ParseUint(digits, 10, 64) for ASCII digits; None when it does not fit (never int() on long text)."""
    significant = digits.lstrip("0") or "0"
    if len(significant) > 20:
        return None
    number = int(significant)
    return number if number < 2**64 else None


def _pre_key(pre: Optional[str]) -> Tuple[object, ...]:
    if not pre:
        return ()
    # Masterminds compares identifiers that parse as uint64 numerically, the rest as text.
    return tuple((0, n, "") if p.isdigit() and (n := _uint64(p)) is not None else (1, 0, p) for p in pre.split("."))


def _compare(a: Version, b: Version) -> int:
    if a[:3] != b[:3]:
        return -1 if a[:3] < b[:3] else 1
    pa, pb = a[3], b[3]
    if pa == pb:
        return 0
    if not pa:
        return 1  # a release ranks above its pre-releases
    if not pb:
        return -1
    return -1 if pa < pb else 1


def parse_version(text: str) -> Optional[Version]:
    """Parse a (possibly partial) semantic version; None when it is not one."""
    m = _VERSION.match(text.strip())
    if m is None:
        return None
    major, minor, patch, pre, _build = m.groups()
    numbers = [_uint64(part or "0") for part in (major, minor, patch)]
    if None in numbers:
        return None  # Masterminds: "Error parsing version segment"
    return numbers[0] or 0, numbers[1] or 0, numbers[2] or 0, _pre_key(pre)


class _Bound:
    """One comparison: ``op`` applied to a version that may have wildcards."""

    def __init__(self, op: str, text: str) -> None:
        body = text[1:] if text.startswith("v") else text
        core, _, build = body.partition("+")
        core, _, pre = core.partition("-")
        parts = core.split(".")
        self.wild = len(parts)  # index of the first wildcard or missing part
        nums: List[int] = []
        for i, part in enumerate(parts):
            if part in ("x", "X", "*"):
                self.wild = min(self.wild, i)
                nums.append(0)
            else:
                number = _uint64(part)
                if number is None:
                    raise ValueError("version segment out of range")  # _parse_group: an unparsable range
                nums.append(number)
        while len(nums) < 3:
            nums.append(0)
        if len(parts) < 3:
            self.wild = min(self.wild, len(parts))
        self.op = {"=>": ">=", "=<": "<=", "~>": "~"}.get(op, op)
        self.version: Version = (nums[0], nums[1], nums[2], _pre_key(pre))
        self.has_pre = bool(pre)
        self.dirty = self.wild < 3

    def _range(self) -> Tuple[Version, Optional[Version]]:
        """For a wildcard version: the [low, high) range it stands for."""
        major, minor, _patch, _ = self.version
        if self.wild == 0:
            return (0, 0, 0, ()), None
        if self.wild == 1:
            return (major, 0, 0, ()), (major + 1, 0, 0, ())
        return (major, minor, 0, ()), (major, minor + 1, 0, ())

    def check(self, v: Version) -> bool:
        op, c = self.op, self.version
        if op in ("", "="):
            if not self.dirty:
                return _compare(v, c) == 0
            low, high = self._range()
            return _compare(v, low) >= 0 and (high is None or _compare(v, high) < 0)
        if op == "!=":
            if not self.dirty:
                return _compare(v, c) != 0
            low, high = self._range()
            return not (_compare(v, low) >= 0 and (high is None or _compare(v, high) < 0))
        if op == ">":
            if self.dirty:
                _low, high = self._range()
                return high is not None and _compare(v, high) >= 0
            return _compare(v, c) > 0
        if op == ">=":
            return _compare(v, c) >= 0
        if op == "<":
            return _compare(v, c) < 0
        if op == "<=":
            if self.dirty:
                _low, high = self._range()
                return high is None or _compare(v, high) < 0
            return _compare(v, c) <= 0
        if op == "~":
            if self.wild == 0:
                return True
            major, minor, _p, _ = c
            upper: Version = (major + 1, 0, 0, ()) if self.wild == 1 else (major, minor + 1, 0, ())
            return _compare(v, c) >= 0 and _compare(v, upper) < 0
        if op == "^":
            if self.wild == 0:
                return True
            major, minor, patch, _ = c
            if major > 0 or self.wild == 1:
                ceiling: Version = (major + 1, 0, 0, ())
            elif minor > 0 or self.wild == 2:
                ceiling = (0, minor + 1, 0, ())
            else:
                ceiling = (0, 0, patch + 1, ())
            return _compare(v, c) >= 0 and _compare(v, ceiling) < 0
        return False


def _parse_group(text: str) -> Optional[List[_Bound]]:
    hyphen = _HYPHEN.fullmatch(text)
    if hyphen is not None:
        text = f">= {hyphen.group(1)}, <= {hyphen.group(2)}"
    pieces = [p for p in re.split(r"\s*,\s*|\s+(?=[!=<>~^v0-9xX*])", text.strip()) if p]
    merged: List[str] = []
    for piece in pieces:  # "> 1.2" split by the space rule: glue a bare operator to its version
        if merged and re.fullmatch(r"(!=|>=|=>|<=|=<|~>|>|<|=|~|\^)", merged[-1]):
            merged[-1] += piece
        else:
            merged.append(piece)
    bounds = []
    for piece in merged:
        m = _CONSTRAINT.match(piece)
        if m is None:
            return None
        try:
            bounds.append(_Bound(m.group(1) or "", m.group(2)))
        except ValueError:
            return None
    return bounds or None


def is_compatible_range(constraint: str, version: str) -> bool:
    """Whether ``version`` satisfies the semver range ``constraint`` (Helm's IsCompatibleRange)."""
    v = parse_version(version or "")
    if v is None or not constraint or not constraint.strip():
        return False
    groups = []
    for group in constraint.split("||"):
        bounds = _parse_group(group)
        if bounds is None:
            return False
        groups.append(bounds)
    for bounds in groups:
        if v[3] and not any(b.has_pre for b in bounds):
            continue  # pre-releases need a range that names one
        if all(b.check(v) for b in bounds):
            return True
    return False
