"""Go 1.24's category C in the catalog's patterns: spelling ``\\pC`` for the RE2 engine, finding it in text."""

from __future__ import annotations

import json
import unicodedata
from typing import List, Optional, Tuple


# Go's category C before Go 1.25 (the catalog's validator is built with Go 1.24): control, format,
# private-use and surrogate code points, not the unassigned ones, which RE2's \p{C...} names leave out too.
_GO124_C = "\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}"
_CATEGORY_C = frozenset({"Cc", "Cf", "Co", "Cs"})
CATEGORY_C_PATTERN = "^\\PC*$"


def catalog_go_pattern(pattern: str) -> str:
    """A catalog schema pattern as :func:`~profile_render.helm.schema.regex.compile_go_regex` must see it.

    The catalog's validator matches patterns with Go 1.24's ``regexp``, whose ``\\pC`` is Cc, Cf, Co and Cs;
    Go 1.25, which the regex module follows for Helm, adds the unassigned code points (Cn). So ``\\pC`` and
    ``\\PC`` are spelled out here as the four categories; everything else passes through unchanged.
    """
    out: List[str] = []
    i = 0
    class_start = -1  # index in pattern of the '[' of the class being read, -1 outside brackets
    while i < len(pattern):
        char, escape = pattern[i], pattern[i:i + 3]
        if escape in ("\\pC", "\\PC"):
            negated = escape == "\\PC"
            if class_start < 0:
                out.append(f"[{'^' if negated else ''}{_GO124_C}]")
            elif not negated:
                out.append(_GO124_C)
            else:  # a complement inside brackets: no bundled pattern has one
                raise ValueError(f"cannot spell \\PC inside a character class: {pattern}")
            i += 3
        elif char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
        else:
            if char == "[" and class_start < 0:
                class_start = i
            elif char == "]" and class_start >= 0 and i > class_start + 1 + (pattern[class_start + 1] == "^"):
                class_start = -1  # (a ']' first in the class is a literal)
            out.append(char)
            i += 1
    return "".join(out)


def first_category_c(text: str) -> Optional[Tuple[int, str]]:
    """The 1-based position and U+ code of the first character of Go 1.24's category C in ``text``."""
    for index, char in enumerate(text, 1):
        if unicodedata.category(char) in _CATEGORY_C:
            return index, f"U+{ord(char):04X}"
    return None


def escape_category_c(text: str) -> str:
    """``text`` with each character of Go 1.24's category C written as an escape (``\\t``, ``\\u200b``)."""
    out: List[str] = []
    for char in text:
        if unicodedata.category(char) not in _CATEGORY_C:
            out.append(char)
        else:
            out.append(json.dumps(char)[1:-1] if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
    return "".join(out)
