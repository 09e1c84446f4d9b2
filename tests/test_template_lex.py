"""The Go text/template lexer behind the template scan: actions, trim markers, comments, strings, errors, bounds."""

from __future__ import annotations

import time

import pytest

from profile_render.helm.template_lex import lex_actions


def _kinds(text):
    return [[(t.kind, t.value) for t in action.tokens] for action in lex_actions(text)]


def test_actions_and_text_between_them():
    text = "a: {{ .Values.a.b }}\nb: {{- $x := index $.Values \"k\" 0 -}}\n{{ template \"n\" . }}"
    actions = list(lex_actions(text))
    assert [a.line for a in actions] == [1, 2, 3]
    assert all(not a.broken for a in actions)
    assert [(t.kind, t.value, t.spaced) for t in actions[0].tokens] == [
        ("field", "Values", True), ("field", "a", False), ("field", "b", False)]
    assert [(t.kind, t.value) for t in actions[1].tokens] == [
        ("var", "$x"), (":=", None), ("ident", "index"), ("var", "$"), ("field", "Values"), ("string", "k"),
        ("number", 0)]
    assert [(t.kind, t.value) for t in actions[2].tokens] == [("keyword", "template"), ("string", "n"), ("dot", None)]
    assert text[actions[1].start:actions[1].end].endswith("-}}")


def test_trim_markers_need_their_space():
    assert _kinds("{{-3}}") == [[("number", -3)]]
    assert _kinds("{{- 3 -}}") == [[("number", 3)]]
    assert _kinds("{{3 -}}") == [[("number", 3)]]
    assert _kinds("{{ .a -}}{{- .b }}") == [[("field", "a")], [("field", "b")]]


@pytest.mark.parametrize("text", [
    "{{/* a comment with {{ .Values.x }} */}}",
    "{{- /* trimmed */ -}}",
    "{{- /* left only */}}",
    "{{/* multi\nline */ -}}",
])
def test_comments_are_left_out(text):
    assert list(lex_actions(text)) == []


@pytest.mark.parametrize("text, reason", [
    ("{{/* never closed", "unclosed comment"),
    ("{{/* closed */ too late }}", "comment ends before closing delimiter"),
    ("{{ /* not a comment */ }}", "unexpected character '/' in action"),
    ("{{ .Values.a ", "unclosed action"),
    ("{{ \"no end\n\" }}", "unterminated quoted string"),
    ("{{ `raw", "unterminated raw quoted string"),
    ("{{ (.Values.a }}", "unclosed left paren"),
    ("{{ .Values.a) }}", "unexpected right paren"),
    ("{{ .Values.a-b }}", "bad character"),
    ("{{ 3x }}", "bad number syntax"),
    ("{{ a : b }}", "expected :="),
])
def test_broken_actions(text, reason):
    (action,) = lex_actions(text)
    assert action.broken == reason and action.tokens == ()


def test_strings_hide_delimiters_and_decode_escapes():
    (action,) = lex_actions('{{ printf "}} \\"q\\" \\u00e9 \\x41 \\101" `a}}\nb` \'}\' }}')
    assert [(t.kind, t.value) for t in action.tokens] == [
        ("ident", "printf"), ("string", '}} "q" é A A'), ("string", "a}}\nb"), ("const", None)]


def test_lexing_goes_on_after_a_broken_action():
    actions = list(lex_actions("{{ .a ) }} x {{ .b }}"))
    assert [a.broken for a in actions] == ["unexpected right paren", ""]
    assert [(t.kind, t.value) for t in actions[1].tokens] == [("field", "b")]


def test_bounds_of_a_slice_and_token_cap():
    text = "{{ .a }}{{ .b }}{{ .c }}"
    assert [[t.value for t in a.tokens] for a in lex_actions(text, 8, 16)] == [["b"]]
    (action,) = lex_actions("{{ " + ". " * 50 + "}}", max_tokens=10)
    assert action.broken == "too many tokens in one action"


@pytest.mark.parametrize("text", [
    "{{" * 500_000,                        # 1 MB of left delimiters: one unclosed action
    "{{ \"" * 250_000,                      # unterminated strings everywhere
    "{{ `}}" * 200_000,                     # raw strings swallowing the delimiters
    "{{/*" * 250_000,                      # unclosed comments
    "{{ ( " * 250_000 + "}}",               # deep parentheses
    "{{ .a }}" * 130_000,                   # many good actions
])
def test_hostile_text_is_lexed_in_linear_time(text):
    started = time.perf_counter()
    actions = sum(1 for _ in lex_actions(text))
    assert actions >= 1
    assert time.perf_counter() - started < 10
