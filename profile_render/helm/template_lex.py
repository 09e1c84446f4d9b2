"""Go ``text/template`` actions as Helm's template engine lexes them: a chart template's text cut into actions of tokens.

Only the actions matter for what a template reads, so the text between them
is skipped. The rules follow Go's ``text/template/parse/lex.go``: actions are
``{{ ... }}``; ``{{- `` and `` -}}`` trim markers need the space; comments are
``{{/* ... */}}`` (optionally trim-marked) and must close right before the
delimiter; strings are ``"..."`` (no newline), raw strings `` `...` `` and
character constants ``'x'``; ``}}`` ends an action only outside strings, and
inside open parentheses it is an error.

The lexer is linear in the text and never recurses: every position is read
once (a failed string scan stops at the end of its line or the next quote),
and an action with a lexing error is cut at the next ``}}`` and reported as
broken, which Helm would refuse to parse. Callers bound the work with
``max_tokens`` (per action).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple, Union

__all__ = ["Token", "Action", "lex_actions", "KEYWORDS"]

# Token kinds.
FIELD = "field"        # .name (text: name)
VAR = "var"            # $ or $name (text: "$" or "$name")
DOT = "dot"            # .
IDENT = "ident"        # a function name
KEYWORD = "keyword"    # if, else, end, range, with, define, template, block, break, continue
STRING = "string"      # "..." or `...` (value: the decoded text)
NUMBER = "number"      # value: an int when the literal is a plain decimal integer, else None
CONST = "const"        # true, false, nil, 'c'
LPAREN = "("
RPAREN = ")"
PIPE = "|"
DECLARE = ":="
ASSIGN = "="
COMMA = ","

KEYWORDS = frozenset({"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"})
_CONSTANTS = frozenset({"true", "false", "nil"})


@dataclass(frozen=True)
class Token:
    """One token of an action; ``spaced`` says whether white space came right before it."""

    kind: str
    text: str
    value: Union[str, int, None] = None
    spaced: bool = True


@dataclass(frozen=True)
class Action:
    """One ``{{ ... }}`` action: its tokens, where it starts and ends in the text, and why it is broken (or "")."""

    tokens: Tuple[Token, ...]
    start: int
    end: int
    line: int
    broken: str = ""


_SPACE = " \t\r\n"
_IDENT = re.compile(r"[^\W]+", re.UNICODE)  # letters, digits and _ (Go's isAlphaNumeric)
_NUMBER = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F_.pP+-]*|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?")
_QUOTED = re.compile(r'"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"')
_CHAR = re.compile(r"'[^'\\\n]*(?:\\[^\n][^'\\\n]*)*'")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            "\\": "\\", '"': '"', "'": "'"}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)", re.DOTALL)


def _unquote(body: str) -> str:
    """The text of a Go interpreted string literal's body (escapes decoded; an unknown escape is kept as is)."""
    if "\\" not in body:
        return body

    def one(match: "re.Match[str]") -> str:
        code = match.group(1)
        if code in _ESCAPES:
            return _ESCAPES[code]
        if code[0] in "xuU":
            value = int(code[1:], 16)
        elif len(code) == 3:
            value = int(code, 8)
        else:
            return match.group(0)
        return chr(value) if value < 0x110000 and not 0xD800 <= value < 0xE000 else "\ufffd"

    return _ESCAPE.sub(one, body)


def _right_delim(text: str, pos: int) -> int:
    """The length of the closing delimiter at ``pos`` (``}}`` is 2, `` -}}`` is 4), or 0 when there is none."""
    if text.startswith("}}", pos):
        return 2
    if pos + 1 < len(text) and text[pos] in _SPACE and text[pos + 1] == "-" and text.startswith("}}", pos + 2):
        return 4
    return 0


def _at_terminator(text: str, pos: int, end: int) -> bool:
    """Go's atTerminator: what may follow a word, field or variable."""
    if pos >= end:
        return True
    return text[pos] in _SPACE or text[pos] in ".,|:()" or _right_delim(text, pos) > 0


class _Broken(Exception):
    """A lexing error inside an action."""


def _lex_inside(text: str, pos: int, end: int, max_tokens: int) -> Tuple[List[Token], int, int]:
    """Tokens of one action from ``pos`` up to its closing delimiter: (tokens, position after it, paren depth).

    Raises :class:`_Broken` (with the position reached) on anything Go's lexer refuses.
    """
    tokens: List[Token] = []
    depth = 0
    spaced = True
    while True:
        if pos >= end:
            raise _Broken("unclosed action", pos)
        size = _right_delim(text, pos)
        if size:
            if depth:
                raise _Broken("unclosed left paren", pos)
            return tokens, pos + size, depth
        if len(tokens) >= max_tokens:
            raise _Broken("too many tokens in one action", pos)
        c = text[pos]
        if c in _SPACE:
            pos += 1
            spaced = True
            continue
        start = pos
        kind: str
        value: Union[str, int, None] = None
        if c == '"':
            match = _QUOTED.match(text, pos, end)
            if match is None:
                raise _Broken("unterminated quoted string", pos)
            pos = match.end()
            kind, value = STRING, _unquote(text[start + 1:pos - 1])
        elif c == "`":
            close = text.find("`", pos + 1, end)
            if close < 0:
                raise _Broken("unterminated raw quoted string", pos)
            pos = close + 1
            kind, value = STRING, text[start + 1:close]
        elif c == "'":
            match = _CHAR.match(text, pos, end)
            if match is None:
                raise _Broken("unterminated character constant", pos)
            pos = match.end()
            kind = CONST
        elif c == "$" or (c == "." and not (pos + 1 < end and text[pos + 1].isdigit())):
            match = _IDENT.match(text, pos + 1, end)
            pos = match.end() if match is not None else pos + 1
            if not _at_terminator(text, pos, end):
                raise _Broken("bad character", pos)
            if c == "$":
                kind, value = VAR, text[start:pos]
            elif pos == start + 1:
                kind = DOT
            else:
                kind, value = FIELD, text[start + 1:pos]
        elif c in "+-." or c.isdigit():
            match = _NUMBER.match(text, pos, end)
            pos = match.end() if match is not None else pos
            if pos == start or pos == start + 1 and c in "+-.":
                raise _Broken("bad number syntax", pos)
            if pos < end and (text[pos].isalnum() or text[pos] == "_"):
                raise _Broken("bad number syntax", pos)
            literal = text[start:pos]
            kind, value = NUMBER, (int(literal) if literal.lstrip("+-").isdigit() and len(literal) < 20 else None)
        elif c == "(":
            pos += 1
            depth += 1
            kind = LPAREN
        elif c == ")":
            pos += 1
            depth -= 1
            if depth < 0:
                raise _Broken("unexpected right paren", pos)
            kind = RPAREN
        elif c == "|":
            pos += 1
            kind = PIPE
        elif c == ",":
            pos += 1
            kind = COMMA
        elif c == "=":
            pos += 1
            kind = ASSIGN
        elif c == ":":
            if not text.startswith(":=", pos):
                raise _Broken("expected :=", pos)
            pos += 2
            kind = DECLARE
        else:
            match = _IDENT.match(text, pos, end)
            if match is None:
                raise _Broken(f"unexpected character {c!r} in action", pos)
            pos = match.end()
            if not _at_terminator(text, pos, end):
                raise _Broken("bad character", pos)
            word = text[start:pos]
            kind = KEYWORD if word in KEYWORDS else CONST if word in _CONSTANTS else IDENT
            value = word
        tokens.append(Token(kind, text[start:pos] if kind != STRING else "", value, spaced))
        spaced = False


def lex_actions(text: str, start: int = 0, end: Optional[int] = None, *, max_tokens: int = 100_000,
                line: int = 1) -> Iterator[Action]:
    """Every action of ``text[start:end]`` in order, comments left out.

    A broken action (``Action.broken`` says why) ends at the next ``}}`` after
    the error, or at ``end``; lexing goes on after it. ``line`` is the line
    number of ``start``.
    """
    stop = len(text) if end is None else min(end, len(text))
    pos = start
    counted = start
    while pos < stop:
        left = text.find("{{", pos, stop)
        if left < 0:
            return
        line += text.count("\n", counted, left)
        counted = left
        inner = left + 2
        if inner + 1 < stop and text[inner] == "-" and text[inner + 1] in _SPACE:
            inner += 2
        if text.startswith("/*", inner, stop):
            close = text.find("*/", inner + 2, stop)
            size = _right_delim(text, close + 2) if close >= 0 and close + 2 <= stop else 0
            if close < 0 or not size or close + 2 + size > stop:
                after = stop if close < 0 else close + 2
                yield Action((), left, after, line, "unclosed comment" if close < 0
                             else "comment ends before closing delimiter")
                pos = after
            else:
                pos = close + 2 + size
            continue
        try:
            tokens, pos, _depth = _lex_inside(text, inner, stop, max_tokens)
        except _Broken as exc:
            reason, where = exc.args
            close = text.find("}}", where, stop)
            after = stop if close < 0 else close + 2
            yield Action((), left, after, line, reason)
            pos = after
            continue
        yield Action(tuple(tokens), left, pos, line)
