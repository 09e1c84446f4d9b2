"""A chart's ``.helmignore``, matched as Helm 4.1.4 matches it, without backtracking.

Helm matches each rule with Go's ``filepath.Match``. This module runs Go's own
algorithm on a pre-parsed pattern rather than translating it to a regular
expression for a backtracking engine (where ``*a*a*a*a*a*a*a*a*a*a*a*a*b``
against a long name takes exponential time):

* the pattern splits into *chunks*, each a run of ``*`` and then the
  characters up to the next ``*`` outside a class (Go's ``scanChunk``); a chunk
  is a fixed-length sequence of atoms: literal text, ``?`` (any character but
  ``/``) and classes (``[a-z]``, ``[^...]``; a class may match ``/``);
* a chunk is tried at the current position; failing that, when it follows a
  ``*``, at each later position up to the next ``/``; the leftmost success is
  kept (a fixed-length chunk never needs a later choice revisited), so a
  match costs at most the name's length times the pattern's;
* Go reports a malformed chunk (an unclosed ``[``, a trailing ``\\``, a class
  starting with ``-`` or ``]``) only when matching reaches it: Helm checks each
  rule once by matching it against ``"abc"`` (an error there fails the chart
  load), and a rule that errs later simply matches nothing. A range whose ends
  are reversed (``[z-a]``) is no error in Go; it matches nothing.

The rules themselves follow Helm's ``pkg/ignore``: first firing rule decides;
a rule without ``/`` matches the base name, one with ``/`` the whole relative
path (a leading ``/`` is dropped); a trailing ``/`` restricts it to
directories; a ``!`` rule ignores every path it does *not* match; ``**`` is
refused; ``templates/.?*`` is always added. Identical rules are kept once (a
repeat can never be the first to fire).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, List, Optional, Sequence, Tuple, Union

__all__ = ["IgnoreRules", "IgnoreRuleError", "IgnoreWorkExceeded", "Meter", "go_match", "parse_glob"]

#: One atom of a chunk: literal text, a run of ``?`` (its length), or a class (negated, ranges).
_Class = Tuple[bool, Tuple[Tuple[int, int], ...]]
Atom = Union[str, int, _Class]


class IgnoreRuleError(ValueError):
    """A ``.helmignore`` rule Helm refuses (its text and why)."""


class IgnoreWorkExceeded(Exception):
    """Matching the rules against a chart's paths took more steps than allowed."""


class Meter:
    """The matching steps still allowed (one rule tried on one path is a step; so is each atom a scan may test)."""

    __slots__ = ("left",)

    def __init__(self, steps: int) -> None:
        self.left = steps

    def spend(self, steps: int) -> None:
        """Use ``steps`` more; raises :class:`IgnoreWorkExceeded` past the allowance."""
        self.left -= steps
        if self.left < 0:
            raise IgnoreWorkExceeded()


class _Chunk:
    """One chunk of a pattern: whether ``*`` precedes it, its atoms, and whether Go finds it well-formed."""

    __slots__ = ("star", "atoms", "valid", "first_literal")

    def __init__(self, star: bool, atoms: Tuple[Atom, ...], valid: bool) -> None:
        self.star = star
        self.atoms = atoms
        self.valid = valid
        self.first_literal = atoms[0] if atoms and isinstance(atoms[0], str) else ""

    def match_at(self, name: str, pos: int) -> int:
        """The position after this chunk when it matches ``name`` at ``pos``; -1 when it does not."""
        end = len(name)
        for atom in self.atoms:
            if isinstance(atom, str):
                if not name.startswith(atom, pos):
                    return -1
                pos += len(atom)
            elif isinstance(atom, int):
                stop = pos + atom
                if stop > end or name.find("/", pos, stop) >= 0:
                    return -1
                pos = stop
            else:
                if pos >= end:
                    return -1
                negated, ranges = atom
                code = ord(name[pos])
                if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte (surrogateescape): Go's RuneError
                    code = 0xFFFD
                hit = False
                for lo, hi in ranges:
                    if lo <= code <= hi:
                        hit = True
                        break
                if hit == negated:
                    return -1
                pos += 1
        return pos


def _scan_chunk(pattern: str, i: int) -> Tuple[bool, int, int]:
    """Go's scanChunk from index ``i``: (star, start of the chunk, end of the chunk)."""
    n = len(pattern)
    star = False
    while i < n and pattern[i] == "*":
        i += 1
        star = True
    start = i
    in_range = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 < n:
                i += 1
        elif c == "[":
            in_range = True
        elif c == "]":
            in_range = False
        elif c == "*" and not in_range:
            break
        i += 1
    return star, start, i


def _escaped_char(chunk: str, j: int) -> Tuple[Optional[int], int]:
    """Go's getEsc at ``chunk[j:]``: (code point or None for a malformed class, index after it)."""
    n = len(chunk)
    if j >= n or chunk[j] in "-]":
        return None, j
    if chunk[j] == "\\":
        j += 1
        if j >= n:
            return None, j
    code = ord(chunk[j])
    if 0xDC80 <= code <= 0xDCFF:  # invalid UTF-8 in the pattern
        return None, j
    j += 1
    if j >= n:  # Go: nothing may end a class early
        return None, j
    return code, j


def _parse_chunk(star: bool, chunk: str) -> _Chunk:
    """The atoms of one chunk, as Go's matchChunk reads it, and whether it is well-formed."""
    atoms: List[Atom] = []
    literal: List[str] = []
    anys = 0

    def flush() -> None:
        nonlocal anys
        if literal:
            atoms.append("".join(literal))
            literal.clear()
        if anys:
            atoms.append(anys)
            anys = 0

    i = 0
    n = len(chunk)
    while i < n:
        c = chunk[i]
        if c == "[":
            flush()
            i += 1
            negated = i < n and chunk[i] == "^"
            if negated:
                i += 1
            ranges: List[Tuple[int, int]] = []
            while True:
                if i < n and chunk[i] == "]" and ranges:
                    i += 1
                    break
                lo, i = _escaped_char(chunk, i)
                if lo is None:
                    return _Chunk(star, (), False)
                hi = lo
                if chunk[i] == "-":
                    upper, i = _escaped_char(chunk, i + 1)
                    if upper is None:
                        return _Chunk(star, (), False)
                    hi = upper
                ranges.append((lo, hi))
            atoms.append((negated, tuple(r for r in ranges if r[0] <= r[1])))
            continue
        if c == "?":
            if literal:
                flush()
            anys += 1
            i += 1
            continue
        if c == "\\":
            i += 1
            if i >= n:
                return _Chunk(star, (), False)
            c = chunk[i]
        if anys:
            flush()
        literal.append(c)
        i += 1
    flush()
    return _Chunk(star, tuple(atoms), True)


def parse_glob(pattern: str) -> Tuple[_Chunk, ...]:
    """A ``filepath.Match`` pattern split into parsed chunks (malformed chunks are marked, not raised)."""
    chunks: List[_Chunk] = []
    i = 0
    n = len(pattern)
    while i < n:
        star, start, end = _scan_chunk(pattern, i)
        chunks.append(_parse_chunk(star, pattern[start:end]))
        i = end
    return tuple(chunks)


def go_match(chunks: Sequence[_Chunk], name: str, meter: Optional[Meter] = None) -> Optional[bool]:
    """Go's ``filepath.Match`` on a parsed pattern: True, False, or None where Go returns ErrBadPattern.

    With a ``meter``, every attempt to match a chunk spends one step per atom of the chunk.
    """
    pos = 0
    end = len(name)
    count = len(chunks)
    index = 0
    while index < count:
        chunk = chunks[index]
        last = index == count - 1
        if chunk.star and not chunk.atoms and chunk.valid:
            # a trailing star matches the rest of the name unless it holds a '/'
            return name.find("/", pos) < 0
        if not chunk.valid:
            return None
        cost = len(chunk.atoms)
        if meter is not None:
            meter.spend(cost)
        after = chunk.match_at(name, pos)
        if after >= 0 and (after == end or not last):
            pos = after
            index += 1
            continue
        if not chunk.star:
            return False
        slash = name.find("/", pos)
        limit = end if slash < 0 else slash  # the star may consume name[pos:limit]
        literal = chunk.first_literal
        start = pos + 1
        found = False
        while start <= limit:
            if literal:
                start = name.find(literal, start, limit + len(literal))
                if start < 0:
                    break
            if meter is not None:
                meter.spend(cost)
            after = chunk.match_at(name, start)
            if after >= 0 and not (last and after != end):
                found = True
                break
            start += 1
        if not found:
            return False
        pos = after
        index += 1
    return pos == end


# Go's unicode.IsSpace: what strings.TrimSpace trims from each line (Python's str.strip trims more).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"
_META = re.compile(r"[*?\[\\]")
_PREFIX_STAR = re.compile(r"([^*?\[\\]*)\*+\Z")
_STAR_SUFFIX = re.compile(r"\*+([^*?\[\\]+)\Z")


# How a rule's pattern is matched: the common shapes by string methods, the rest by go_match.
_NEVER, _LITERAL, _PREFIX, _SUFFIX, _GLOB = range(5)

#: One rule: negate, directories only, matches the base name, how, and the text or parsed chunks it matches with.
_Rule = Tuple[bool, bool, bool, int, Any]


def _compile(pattern: str) -> Tuple[int, Any]:
    """How to match one rule's pattern (see the constants above); a pattern Go finds malformed matches nothing."""
    if _META.search(pattern) is None:
        return _LITERAL, pattern
    shape = _PREFIX_STAR.match(pattern)
    if shape is not None:
        return _PREFIX, shape.group(1)
    shape = _STAR_SUFFIX.match(pattern)
    if shape is not None:
        return _SUFFIX, shape.group(1)
    chunks = parse_glob(pattern)
    if any(not c.valid for c in chunks):
        return _NEVER, None
    return _GLOB, chunks


def _matches(kind: int, arg: Any, name: str, meter: Optional[Meter]) -> bool:
    """Whether ``name`` matches a compiled pattern."""
    if kind == _LITERAL:
        return bool(name == arg)
    if kind == _PREFIX:
        return name.startswith(arg) and name.find("/", len(arg)) < 0
    if kind == _SUFFIX:
        return name.endswith(arg) and name.find("/", 0, len(name) - len(arg)) < 0
    if kind == _GLOB:
        return go_match(arg, name, meter) is True
    return False


def _checks_out(rule: str) -> bool:
    """Whether Go's ``filepath.Match(rule, "abc")`` (Helm's check of each rule) returns no error."""
    if _META.search(rule) is None or _PREFIX_STAR.match(rule) or _STAR_SUFFIX.match(rule):
        return True  # no class, no escape: nothing can be malformed
    return go_match(parse_glob(rule), "abc") is not None


class IgnoreRules:
    """A chart's ``.helmignore`` with Helm's semantics (see the module doc)."""

    def __init__(self, text: str, *, max_steps: Optional[int] = None) -> None:
        """Parse the rules (one a line); raises :class:`IgnoreRuleError` for a rule Helm refuses.

        ``max_steps`` bounds the matching work of all later :meth:`ignore`
        calls together (rules tried, plus the atoms scans test):
        :class:`IgnoreWorkExceeded` past it. Helm's cost is rules × paths too;
        the bound keeps a hostile rule set on a chart of many files in check.
        """
        self.meter = Meter(max_steps) if max_steps is not None else None
        self.rules: List[_Rule] = []
        seen = set()
        for line in text.split("\n") + ["templates/.?*"]:
            rule = line.strip(_GO_SPACE)
            if not rule or rule[0] == "#" or rule in seen:
                continue
            seen.add(rule)
            if "**" in rule:
                raise IgnoreRuleError("double-star (**) syntax is not supported in .helmignore")
            if not _checks_out(rule):
                raise IgnoreRuleError(f"bad pattern {rule!r} in .helmignore (syntax error in pattern)")
            negate = rule[0] == "!"
            if negate:
                rule = rule[1:]
            must_dir = rule.endswith("/")
            if must_dir:
                rule = rule[:-1]
            if rule.startswith("/"):
                base, rule = False, rule[1:]
            else:
                base = "/" not in rule
            kind, arg = _compile(rule)
            self.rules.append((negate, must_dir, base, kind, arg))

    def ignore(self, rel: str, is_dir: bool) -> bool:
        """Whether Helm skips the file or directory at ``rel`` (relative, ``/``-separated)."""
        if not rel or rel in (".", "./"):
            return False
        base_name = posixpath.basename(rel)
        meter = self.meter
        tried = 0
        try:
            for negate, must_dir, base, kind, arg in self.rules:
                tried += 1
                subject = base_name if base else rel
                if kind == _LITERAL:  # the common shapes inline
                    hit = subject == arg
                elif kind == _PREFIX:
                    hit = subject.startswith(arg) and subject.find("/", len(arg)) < 0
                else:
                    hit = _matches(kind, arg, subject, meter)
                if negate:
                    if must_dir and not is_dir:
                        return True
                    if not hit:
                        return True
                    continue
                if must_dir and not is_dir:
                    continue
                if hit:
                    return True
            return False
        finally:
            if meter is not None:
                meter.spend(tried)
