"""Go regular expressions (``regexp``, RE2 syntax with Perl flags) evaluated by RE2 itself.

Helm's schema library compiles ``pattern``, ``patternProperties`` and
``format: regex`` with Go's ``regexp.Compile``. Go's ``regexp`` and the C++
RE2 engine (the ``google-re2`` package, module ``re2``) share one syntax and
one semantics: leftmost-first, linear-time matching, ``$`` only at the very
end of the text, ASCII ``\\d``/``\\w``/``\\s``/``\\b``, simple case folding. So a
pattern goes to RE2 as written, with the default options (Perl syntax, UTF-8).

Where the two parsers disagree, a small guard (:func:`re2_text`) decides as
Go (Helm 4.1.4 is built with Go 1.25), each point checked against the Helm
binary (``tests/test_regex.py``):

* ``\\C`` (any byte) and capture names with non-ASCII letters are RE2 syntax
  Go rejects;
* Go 1.25 looks ``\\p{...}`` names up loosely (case, spaces, ``_`` and ``-``
  ignored) and knows ``ASCII``, ``Assigned``, ``LC``, ``Cn`` and the long
  category names (``\\p{Letter}``), which RE2 does not: they are respelled
  for RE2. Its loose lookup also makes every script with ``_`` or an inner
  capital in its name (``Old_Italic``, ``SignWriting``) unknown: rejected;
* Go 1.25's ``\\pC`` also holds the unassigned code points (``Cn``), which RE2
  names only as a complement: classes that need one are rewritten as an
  alternation or a complement, and the few that would need an intersection
  raise :class:`UnsupportedRegexError` instead of being misjudged;
* Go refuses capture groups nested 1000 deep ("expression nests too deeply").

Nothing here imports ``re2`` until a pattern is compiled.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any, FrozenSet, List, NamedTuple, Optional, Tuple

__all__ = [
    "expanded_size",
    "pattern_shape",
    "match_cost",
    "GoRegexError",
    "UnsupportedRegexError",
    "RegexBudgetError",
    "GoRegex",
    "RegexCache",
    "compile_go_regex",
    "go_regex_error",
    "re2_text",
    "MAX_MEM",
]

#: RE2's memory budget per compiled pattern. Go has none, and RE2's
#: default (8 MiB) refuses ``\\pL{1,500}``, which Go accepts; 32 MiB takes any
#: single Unicode class repeated up to Go's limit of 1000 while keeping a
#: hostile schema's patterns bounded. A pattern that still does not fit
#: (``\\pL{1,1000}\\pL{1,1000}``) raises :class:`UnsupportedRegexError`.
MAX_MEM = 32 << 20


class GoRegexError(ValueError):
    """A pattern Go's ``regexp.Compile`` rejects; ``str()`` is Go's message (``error parsing regexp: ...``)."""


class UnsupportedRegexError(GoRegexError):
    """A pattern Go accepts that profile-render cannot evaluate the same way with RE2."""


# ---------------------------------------------------------------------------
# Go 1.25's \p{name} lookup

#: General categories RE2 names as Go does (Go's C differs: see _unicode_class).
_CATEGORIES: FrozenSet[str] = frozenset((
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
    "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps",
    "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs"))

#: Unicode 15.0 scripts whose name survives Go 1.25's loose lookup (one word,
#: one capital); the others are unreachable in Go and so rejected.
_SCRIPTS: FrozenSet[str] = frozenset("""
Adlam Ahom Arabic Armenian Avestan Balinese Bamum Batak Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese
Buhid Carian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari Dogra
Duployan Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gurmukhi Han Hangul Hanunoo
Hatran Hebrew Hiragana Inherited Javanese Kaithi Kannada Katakana Kawi Kharoshthi Khmer Khojki Khudawadi Lao
Latin Lepcha Limbu Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Medefaidrin Miao
Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari Newa Nko Nushu Ogham Oriya Osage Osmanya Palmyrene
Phoenician Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham Sinhala Sogdian Soyombo Sundanese Syriac
Tagalog Tagbanwa Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai
Vithkuqi Wancho Yezidi Yi
""".split())

#: Unicode's long names (and extra aliases) of the general categories, as Go 1.25 accepts them.
_CATEGORY_ALIASES = {
    "Other": "C", "Control": "Cc", "cntrl": "Cc", "Format": "Cf", "Unassigned": "Cn", "Private_Use": "Co",
    "Surrogate": "Cs", "Letter": "L", "Cased_Letter": "LC", "Lowercase_Letter": "Ll", "Modifier_Letter": "Lm",
    "Other_Letter": "Lo", "Titlecase_Letter": "Lt", "Uppercase_Letter": "Lu", "Mark": "M", "Combining_Mark": "M",
    "Spacing_Mark": "Mc", "Enclosing_Mark": "Me", "Nonspacing_Mark": "Mn", "Number": "N", "Decimal_Number": "Nd",
    "digit": "Nd", "Letter_Number": "Nl", "Other_Number": "No", "Punctuation": "P", "punct": "P",
    "Connector_Punctuation": "Pc", "Dash_Punctuation": "Pd", "Close_Punctuation": "Pe",
    "Final_Punctuation": "Pf", "Initial_Punctuation": "Pi", "Other_Punctuation": "Po", "Open_Punctuation": "Ps",
    "Symbol": "S", "Currency_Symbol": "Sc", "Modifier_Symbol": "Sk", "Math_Symbol": "Sm", "Other_Symbol": "So",
    "Separator": "Z", "Line_Separator": "Zl", "Paragraph_Separator": "Zp", "Space_Separator": "Zs",
}

# Sets RE2 has no name for, as items of an RE2 character class. RE2's \pC is
# Cc, Cf, Co and Cs, while Go 1.25's C also holds Cn (the unassigned code
# points), which RE2 can only name as a complement.
_LMNPSZ = "\\pL\\pM\\pN\\pP\\pS\\pZ"
_ASSIGNED = _LMNPSZ + "\\pC"
_ASCII = "\\x00-\\x7f"
_NON_ASCII = "\\x{80}-\\x{10ffff}"
_LC = "\\p{Lu}\\p{Ll}\\p{Lt}"


def _canonical(name: str) -> str:
    """Go 1.25's lookup key: separators (``_ - space``) dropped, first letter upper, the rest lower (ASCII only)."""
    out: List[str] = []
    for ch in name:
        if ch in "_- ":
            continue
        if not out:
            out.append(ch.upper() if "a" <= ch <= "z" else ch)
        else:
            out.append(ch.lower() if "A" <= ch <= "Z" else ch)
    return "".join(out)


_ALIASES = {_canonical(alias): target for alias, target in _CATEGORY_ALIASES.items()}


class _Set(NamedTuple):
    """A set of code points as RE2 class items: their union, or (``complement``) everything else."""

    items: str
    complement: bool = False


def _unicode_class(name: str, negated: bool, text: str) -> _Set:
    """Go's ``\\p{name}`` (``negated`` for ``\\P``) as an RE2 set; GoRegexError where Go does not know the name."""
    if name.startswith("^"):
        name, negated = name[1:], not negated
    key = _canonical(name)
    key = {"Ascii": "ASCII", "Lc": "LC"}.get(key, key)
    if key not in ("Any", "Assigned", "ASCII", "LC", "Cn") and key not in _CATEGORIES and key not in _SCRIPTS:
        key = _ALIASES.get(key, "")
    if not key:
        raise GoRegexError(f"error parsing regexp: invalid character class range: `{_shown(text)}`")
    if key == "C":
        return _Set(_LMNPSZ, complement=not negated)
    if key in _CATEGORIES or key in _SCRIPTS or key == "Any":
        return _Set(f"\\{'P' if negated else 'p'}{{{key}}}")
    if key == "ASCII":
        return _Set(_NON_ASCII if negated else _ASCII)
    if key == "Assigned":
        return _Set(_ASSIGNED, complement=negated)
    if key == "Cn":
        return _Set(_ASSIGNED, complement=not negated)
    return _Set(_LC, complement=negated)


def _standalone(item: _Set) -> str:
    """RE2 text for a ``\\p`` class outside brackets."""
    if item.items == _LC:
        # Go 1.25 does not case-fold LC (U+0345, which folds to a Greek iota, stays out): nor may RE2
        return f"(?-i:[{'^' if item.complement else ''}{item.items}])"
    if item.complement:
        return f"[^{item.items}]"
    if item.items.count("\\") == 1 and item.items.startswith(("\\p", "\\P")):
        return item.items
    return f"[{item.items}]"


def _bracket(negated: bool, items: List[_Set], text: str) -> str:
    """RE2 text for a bracketed class whose items may include complements (sets RE2 cannot union inside brackets)."""
    plain = "".join(item.items for item in items if not item.complement)
    others = [item.items for item in items if item.complement]
    if not others:
        return f"[{'^' if negated else ''}{plain}]"
    if not negated:
        # a union of complements: one alternative per part
        return "(?:" + "|".join(([f"[{plain}]"] if plain else []) + [f"[^{x}]" for x in others]) + ")"
    if len(others) == 1 and not plain:
        return f"[{others[0]}]"  # the complement of a complement
    raise UnsupportedRegexError(f"profile-render cannot evaluate the character class {text} "
                                "(RE2 cannot intersect the sets it names)")


# ---------------------------------------------------------------------------
# The guard


_MAX_CAPTURE_DEPTH = 999  # Go's parse tree may be 1000 deep; a capture adds a level above its content


def _is_go_capture_name(name: str) -> bool:
    return bool(name) and all(ch == "_" or ("0" <= ch <= "9") or ("A" <= ch <= "Z") or ("a" <= ch <= "z")
                              for ch in name)


def _flags_end(pattern: str, i: int) -> Optional[int]:
    """Index of the ``:`` or ``)`` ending a flag group's flags (``(?i-s`` ...), or None."""
    while i < len(pattern) and pattern[i] in "imsU-":
        i += 1
    return i if i < len(pattern) and pattern[i] in ":)" else None


def _unicode_escape(pattern: str, i: int) -> Tuple[Optional[_Set], int]:
    """The ``\\p``/``\\P`` escape at ``i``: its set and where it ends, or (None, i) when RE2 should see it as is."""
    j = i + 2
    if j >= len(pattern):
        return None, i
    if pattern[j] == "{":
        end = pattern.find("}", j)
        if end == -1:
            return None, i  # RE2 reports the missing brace as Go does
        name, j = pattern[j + 1:end], end + 1
    else:
        name, j = pattern[j], j + 1
    return _unicode_class(name, pattern[i + 1] == "P", pattern[i:j]), j


def _class_end(pattern: str, i: int) -> Tuple[List[_Set], int, bool]:
    """The items of the bracketed class opening at ``i`` and the index after it (``False``: never closed)."""
    n = len(pattern)
    j = i + 1
    if j < n and pattern[j] == "^":
        j += 1
    items: List[_Set] = []
    first = True  # a ']' first in the class is a literal
    while j < n:
        c = pattern[j]
        if c == "]" and not first:
            return items, j + 1, True
        first = False
        if c == "[" and pattern.startswith("[:", j):
            end = pattern.find(":]", j + 2)
            if end != -1:  # a POSIX class such as [:alpha:]
                items.append(_Set(pattern[j:end + 2]))
                j = end + 2
                continue
        if c == "\\" and j + 1 < n:
            if pattern[j + 1] in "pP":
                item, after = _unicode_escape(pattern, j)
                if item is not None:
                    items.append(item)
                    j = after
                    continue
            items.append(_Set(pattern[j:j + 2]))
            j += 2
            continue
        items.append(_Set(c))
        j += 1
    return items, n, False


_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN = re.compile(r"[^\\\[()]+")


def re2_text(pattern: str) -> str:
    """The text to give RE2 for Go pattern ``pattern``: raises GoRegexError where Go rejects what RE2 accepts.

    Only Unicode classes change (see the module docstring); RE2 itself
    reports every other syntax error. Lone surrogates (JSON escapes Go's
    decoder turns into U+FFFD) become U+FFFD here too.
    """
    pattern = _SURROGATE.sub("\ufffd", pattern)
    out: List[str] = []
    groups: List[bool] = []  # per open group: is it a capture?
    depth = 0
    i, n = 0, len(pattern)
    while i < n:
        plain = _PLAIN.match(pattern, i)
        if plain is not None:  # a run of characters that need no translation, copied at once
            out.append(plain.group())
            i = plain.end()
            continue
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e == "Q":  # quoted text up to \E: copied untouched
                end = pattern.find("\\E", i + 2)
                end = n if end == -1 else end + 2
                out.append(pattern[i:end])
                i = end
                continue
            if e == "C":
                raise GoRegexError("error parsing regexp: invalid escape sequence: `\\C`")
            if e in "pP":
                item, after = _unicode_escape(pattern, i)
                if item is not None:
                    out.append(_standalone(item))
                    i = after
                    continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[":
            items, end, closed = _class_end(pattern, i)
            if closed and any(item.complement for item in items):
                out.append(_bracket(pattern[i + 1:i + 2] == "^", items, pattern[i:end]))
            else:
                negated = pattern[i + 1:i + 2] == "^"
                out.append(("[^" if negated else "[") + "".join(item.items for item in items)
                           + ("]" if closed else ""))
            i = end
            continue
        if c == "(":
            capture = True
            if pattern.startswith("(?P<", i) or (pattern.startswith("(?<", i)
                                                  and not pattern.startswith(("(?<=", "(?<!"), i)):
                start = i + (4 if pattern[i + 2] == "P" else 3)
                end = pattern.find(">", start)
                if end == -1 or not _is_go_capture_name(pattern[start:end]):
                    shown = pattern[i:end + 1] if end != -1 else pattern[i:]
                    raise GoRegexError(f"error parsing regexp: invalid named capture: `{_shown(shown)}`")
            elif pattern.startswith("(?", i):
                close = _flags_end(pattern, i + 2)
                if close is not None and pattern[close] == ")":
                    out.append(pattern[i:close + 1])  # (?flags): no group
                    i = close + 1
                    continue
                capture = False
            groups.append(capture)
            if capture:
                depth += 1
                if depth > _MAX_CAPTURE_DEPTH:
                    raise GoRegexError(f"error parsing regexp: expression nests too deeply: `{_shown(pattern)}`")
        elif c == ")" and groups:
            if groups.pop():
                depth -= 1
        out.append(c)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------
# Compiling

# RE2's error kinds in Go's words (regexp/syntax ErrorCode texts).
_GO_ERRORS = {
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid repetition size": "invalid repeat count",
    "no argument for repetition operator": "missing argument to repetition operator",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "trailing \\": "trailing backslash at end of expression",
    "invalid named capture group": "invalid named capture",
}


def _go_message(re2_message: str) -> str:
    kind, sep, arg = re2_message.partition(": ")
    kind = _GO_ERRORS.get(kind, kind)
    return f"error parsing regexp: {kind}: `{_shown(arg)}`" if sep else f"error parsing regexp: {kind}"


def _shown(text: str) -> str:
    """The part of a pattern a message quotes: all of it, as Go does, unless it is long."""
    return text if len(text) <= _MAX_QUOTED else f"{text[:_MAX_QUOTED]}...({len(text):,} characters)"


#: The longest pattern text an error message quotes (Go quotes the whole pattern).
_MAX_QUOTED = 10_000


class GoRegex:
    """A compiled Go pattern: ``search(text)`` says whether it matches anywhere in ``text``, in linear time.

    ``program`` is the size of RE2's program (instructions), ``cost`` what one
    character of text costs to match at worst (see :func:`match_cost`).
    """

    __slots__ = ("pattern", "_compiled", "program", "cost", "mem")

    def __init__(self, pattern: str, compiled: Any) -> None:
        self.pattern = pattern
        self._compiled = compiled
        self.program: int = compiled.programsize
        self.cost = match_cost(pattern, self.program)
        #: the RE2 memory it was compiled with (its program, and its DFA cache at most)
        self.mem = MAX_MEM

    def search(self, text: str) -> bool:
        """Whether the pattern matches somewhere in ``text`` (Go's ``MatchString``)."""
        # surrogatepass: a lone surrogate in a value must not make matching raise
        return self._compiled.search(text.encode("utf-8", "surrogatepass")) is not None

    def __repr__(self) -> str:
        return f"GoRegex({self.pattern[:60]!r}{'...' if len(self.pattern) > 60 else ''})"


def _options(max_mem: int) -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern on stderr
    options.max_mem = max_mem
    return options


def _re2_message(exc: BaseException) -> str:
    detail = exc.args[0] if exc.args else ""
    return detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)


class RegexBudgetError(UnsupportedRegexError):
    """The pattern needs more RE2 memory than the caller had left to give it (see ``compile_go_regex``)."""


#: RE2 memory a pattern is first compiled with, then grown (x8) while it does not fit, up to MAX_MEM. What
#: the program leaves of it is the DFA's cache: small, so a hostile pattern's DFA cannot hold much memory
#: (when it fills, RE2 falls back to its NFA, whose cost the regex work budget already assumes).
FIRST_MEM = 512 << 10


def _new_re2(text: bytes, max_mem: int) -> Any:
    """An RE2 object, built without google-re2's module-wide cache of the last 128 compilations."""
    import re2

    make = getattr(re2, "_Regexp", None)
    options = _options(max_mem)
    return make(text, options) if make is not None else re2.compile(text, options)


def compile_go_regex(pattern: str, max_mem: int = 0) -> GoRegex:
    """Compile a Go pattern with RE2; raises GoRegexError with Go's message where Go's ``regexp.Compile`` fails.

    :class:`UnsupportedRegexError` (a GoRegexError) marks the few patterns Go
    accepts that RE2 cannot evaluate (beyond :data:`MAX_MEM`, or a class
    RE2 has no name for inside brackets). ``max_mem``, when given and below
    :data:`MAX_MEM`, stops RE2 early: a pattern needing more raises
    :class:`RegexBudgetError`.
    """
    import re2

    text = re2_text(pattern).encode("utf-8")
    budget = MAX_MEM if max_mem <= 0 or max_mem >= MAX_MEM else max_mem
    mem = min(FIRST_MEM, budget)
    while True:
        try:
            compiled = _new_re2(text, mem)
            break
        except re2.error as exc:
            message = _re2_message(exc)
            if not message.startswith("pattern too large"):
                raise GoRegexError(_go_message(message)) from None
            if mem < budget:
                mem = min(mem * 8, budget)
                continue
            if budget < MAX_MEM:
                raise RegexBudgetError(f"the pattern needs more than the {budget:,} bytes of RE2 memory left "
                                       "for it") from None
            raise UnsupportedRegexError(
                f"profile-render cannot evaluate the pattern: RE2 needs more than {MAX_MEM >> 20} MiB for it "
                "(Go accepts it)") from None
    regex = GoRegex(pattern, compiled)
    regex.mem = mem
    return regex


def go_regex_error(pattern: str) -> Optional[str]:
    """Why Go's ``regexp.Compile`` rejects ``pattern`` (its message), or None when Go accepts it.

    Only the syntax is checked: RE2 parses the pattern and is given no
    memory to build a program, so the check costs about what Go's parser
    does, however much a matching program would need (a ``format: regex``
    value is never matched against anything).
    """
    import re2

    try:
        text = re2_text(pattern)
    except UnsupportedRegexError:
        return None  # Go accepts it; only evaluating it is beyond us
    except GoRegexError as exc:
        return str(exc)
    try:
        _new_re2(text.encode("utf-8"), _SYNTAX_ONLY)
    except re2.error as exc:
        message = _re2_message(exc)
        if message.startswith("pattern too large"):
            return None  # parsed: the syntax is valid (building a program was not asked for)
        return _go_message(message)
    return None


#: RE2's memory for a syntax check: too little for any program, so RE2 stops right after parsing.
_SYNTAX_ONLY = 64

_COUNT = re.compile(r"\{([0-9]+)(?:(,)([0-9]*))?\}")
_MAX_COUNT = 1000  # Go's (and RE2's) largest repeat count
_LITERALS = re.compile(r"[^\\\[(){|*+?.^$]+")


def pattern_shape(pattern: str) -> Tuple[int, int]:
    """``(size, nodes)`` of a pattern, read in linear time without parsing it (a syntax error just gives
    some shape): ``size`` estimates Go's program (one instruction per literal character, class or group,
    counted repetitions multiplying what they repeat, like Go's ``calcSize``), ``nodes`` the parse tree
    RE2 builds before any repetition is expanded (a run of plain characters is one node)."""
    frames: List[List[int]] = [[0, 0]]  # per open group: [size so far, size of the last atom]
    nodes = 0

    def atom(size: int) -> None:
        frames[-1][0] += size
        frames[-1][1] = size

    i, n = 0, len(pattern)
    while i < n:
        nodes += 1
        plain = _LITERALS.match(pattern, i)
        if plain is not None:  # a run of plain characters: one instruction each
            frames[-1][0] += plain.end() - i
            frames[-1][1] = 1
            i = plain.end()
            continue
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e == "Q":
                end = pattern.find("\\E", i + 2)
                end = n if end == -1 else end
                frames[-1][0] += end - i - 2
                frames[-1][1] = 1
                i = end + 2
                continue
            j = i + 2
            if e in "pPx" and j < n and pattern[j] == "{":
                close = pattern.find("}", j)
                j = n if close == -1 else close + 1
            atom(1)
            i = j
        elif c == "[":
            i = _class_end(pattern, i)[1]
            atom(1)
        elif c == "(":
            if pattern.startswith("(?", i):
                j = i + 2
                while j < n and pattern[j] not in ":)>":
                    j += 1
                if j < n and pattern[j] == ")":
                    i = j + 1  # flags only: no group
                    continue
                i = j + 1
            else:
                i += 1
            frames.append([0, 0])
        elif c == ")" and len(frames) > 1:
            atom(frames.pop()[0] + 1)
            i += 1
        elif c == "{" and _COUNT.match(pattern, i):
            match = _COUNT.match(pattern, i)
            assert match is not None
            low, comma, high = match.group(1), match.group(2), match.group(3)
            most = high if comma and high else low
            count = _MAX_COUNT + 1 if len(most) > 4 else int(most)
            last = frames[-1][1]
            frames[-1][0] += last * (count - 1) if count else 0
            frames[-1][1] = last * count
            if frames[-1][0] > _SIZE_CAP:
                frames[-1][0] = frames[-1][1] = _SIZE_CAP
            i = match.end()
        else:
            atom(1)
            i += 1
    total = 0
    for frame in reversed(frames):
        total = frame[0] + total
    return min(total, _SIZE_CAP), nodes


def expanded_size(pattern: str) -> int:
    """About how many instructions Go's program for ``pattern`` has (see :func:`pattern_shape`)."""
    return pattern_shape(pattern)[0]


_SIZE_CAP = 10 ** 12

#: RE2 spends up to this many instructions of its own program per unit of Go's size (Unicode classes
#: become byte automata of hundreds of instructions): a pattern's cost is the larger of the two measures.
_RE2_PER_UNIT = 64


def match_cost(pattern: str, program: int) -> int:
    """What matching ``pattern`` costs per character of text at worst, in units of about 10 ns on this
    kind of machine: Go's program size, or RE2's divided by :data:`_RE2_PER_UNIT` when that is larger.
    (RE2 is linear in the text, but when its DFA gives up it steps every live thread for each byte.)"""
    return max(1, expanded_size(pattern), program // _RE2_PER_UNIT)


#: Units a ``format: regex`` syntax check is charged per unit of the value's Go size.
SYNTAX_CHECK_COST = 32
#: Units every match is charged on top of its text (the fixed cost of a call, a few microseconds).
SEARCH_COST = 400
#: RE2 memory per instruction of program, generously: a budget of instructions as ``max_mem``.
BYTES_PER_INSTRUCTION = 64


class RegexCache:
    """A thread-safe, bounded LRU of compiled Go patterns (only successful compilations are kept).

    Owned by whoever validates (a :class:`~profile_render.helm.schema.cache.ValidatorCache`,
    the catalog's validators); two caches never share entries.
    """

    def __init__(self, maxsize: int = 256, *, max_memory: int = 256 << 20) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        #: the RE2 memory its entries may have been given together (the most recent entry always stays)
        self.max_memory = max_memory
        self._memory = 0
        self._lock = threading.Lock()
        self._entries: "OrderedDict[str, GoRegex]" = OrderedDict()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def compile(self, pattern: str, max_mem: int = 0) -> GoRegex:
        """The compiled pattern (compiled on a miss; raises GoRegexError like :func:`compile_go_regex`,
        which ``max_mem`` is given to)."""
        with self._lock:
            found = self._entries.get(pattern)
            if found is not None:
                self._entries.move_to_end(pattern)
                return found
        compiled = compile_go_regex(pattern, max_mem)  # outside the lock: compiling may take a while
        with self._lock:
            old = self._entries.pop(pattern, None)
            if old is not None:
                self._memory -= old.mem
            self._entries[pattern] = compiled
            self._memory += compiled.mem
            while len(self._entries) > 1 and (len(self._entries) > self.maxsize or self._memory > self.max_memory):
                self._memory -= self._entries.popitem(last=False)[1].mem
        return compiled

    def search(self, pattern: str, text: str) -> bool:
        """Whether Go pattern ``pattern`` matches somewhere in ``text``."""
        return self.compile(pattern).search(text)

    def error(self, pattern: str) -> Optional[str]:
        """Like :func:`go_regex_error` (a compiled pattern in the cache is valid; nothing is added to it)."""
        with self._lock:
            if pattern in self._entries:
                return None
        return go_regex_error(pattern)
