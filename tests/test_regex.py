"""Go patterns on RE2 (profile_render.helm.schema.regex), against the real Helm 4.1.4 binary where Helm decides.

The oracle cases put many patterns into one throwaway chart's
``values.schema.json`` and compare, per property, what Helm rejects with what
profile-render rejects: whole schemas (Go's ``regexp.Compile`` failing in the
meta-schema check, with Go's message) and values (matching).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from profile_render.helm.schema import (
    GoRegexError,
    InvalidSchemaError,
    RegexCache,
    SchemaValidationError,
    UnsupportedRegexError,
    ValidatorCache,
    compile_go_regex,
    go_regex_error,
    validate_values,
)
from profile_render.values import Layer, merge_values
from tests.helm_oracle import helm_binary, run_helm_template, write_chart

ROOT = Path(__file__).resolve().parent.parent
D7 = "http://json-schema.org/draft-07/schema#"
D2019 = "https://json-schema.org/draft/2019-09/schema"
D2020 = "https://json-schema.org/draft/2020-12/schema"

oracle = pytest.mark.skipif(helm_binary() is None, reason="helm binary not available (scripts/fetch-helm.sh)")


def _run(schema: Dict[str, Any], user: Optional[Dict[str, Any]] = None) -> Tuple[str, Optional[BaseException], bool]:
    """Helm's stderr, our error (or None) and whether Helm succeeded, for one chart with this schema and user values."""
    with tempfile.TemporaryDirectory(prefix="pr-regex-") as tmp:
        chart = write_chart(Path(tmp) / "chart", "")
        (chart / "values.schema.json").write_text(json.dumps(schema), encoding="utf-8")
        files = []
        if user is not None:
            user_file = Path(tmp) / "user.yaml"
            user_file.write_text(json.dumps(user, ensure_ascii=False), encoding="utf-8")
            files.append(user_file)
        helm = run_helm_template(chart, files)
        merged = merge_values(chart, [Layer.from_file(f) for f in files], validate_schema=False)
        try:
            validate_values(merged.chart, merged.values, cache=ValidatorCache())
        except (SchemaValidationError, InvalidSchemaError) as exc:
            return helm.stderr, exc, helm.ok
    return helm.stderr, None, helm.ok


# ---------------------------------------------------------------------------
# Oracle: which patterns Go rejects, and with which message


GO_REJECTS_RE2_ACCEPTS = [
    "\\C", "a\\Cb",  # any byte
    "(?P<\u00e9>x)", "(?<\u00e9>x)", "(?P<ab\u0660>x)", "(?P<\u00b5>x)",  # capture names are ASCII in Go
    "\\p{Old_Italic}", "\\p{Nag_Mundari}", "\\p{SignWriting}", "\\p{Canadian_Aboriginal}",  # lost to loose lookup
    "(" * 1000 + "a" + ")" * 1000,  # nests too deeply
]
GO_ACCEPTS_RE2_REJECTS = [
    "\\p{greek}", "\\p{GREEK}", "\\p{ Greek}", "\\p{lu}", "\\pl", "\\p{L u}", "\\p{_L}", "\\p{nko}",
    "\\p{Letter}", "\\p{Uppercase_Letter}", "\\p{uppercase-letter}", "\\p{Cased_Letter}", "\\p{Other}",
    "\\p{cntrl}", "\\p{digit}", "\\p{punct}", "\\p{Combining_Mark}", "\\p{Unassigned}",
    "\\p{Any}", "\\p{any}", "\\p{ASCII}", "\\p{ascii}", "\\p{Assigned}", "\\p{LC}", "\\p{lc}", "\\p{Cn}",
    "\\P{^LC}", "\\p{^greek}", "[\\p{ascii}]", "[\\P{Cn}x]", "[^\\pC]",
]
BOTH_AGREE = [
    "a**", "(?=x)", "ok", "[[:foo:]]", "\\1", "a{1001}", "(?<n>x)", "x{,3}", "(?#c)", "[\\b]", "^*a",
    "(a{1000}){1000}", "(a{10}){100}", "\\pL{1000}", "\\p{L&}", "\\p{Vith}", "\\p{Latn}", "\\p{Garay}",
    "\\8", "\\x{110000}", "\\x{10FFFF}", "[]a]", "[^]a]", "(?i-)a", "(?-)", "(?smiU)a", "(?P=n)", "\\Q", "\\E",
    "x{2,1}", "x{1,}{2}", "[[:^word:]]", "\\p", "\\p{", "\\p{}", "[a-\\pL]", "(?P<>a)", "(?P<a-b>a)", "(?P<a",
    "[z-\\d]", "\\x{}", "\\u0041", "\\N{LATIN}", "[\\A]", "[\\C]", "\\Qa\\C\\E", "\\Q\\E*", "\\p{Han}",
    "(?P<n>a)(?P<n>b)", "(" * 999 + "a" + ")" * 999, "(?:" * 1500 + "a" + ")" * 1500, "\\p{Kawi}", "\\p{Old_Hungarian",
]


@oracle
@pytest.mark.helm
def test_go_rejects_exactly_what_helm_rejects_with_the_same_message():
    patterns = GO_REJECTS_RE2_ACCEPTS + GO_ACCEPTS_RE2_REJECTS + BOTH_AGREE
    body = {"$schema": D7, "properties": {f"p{i}": {"pattern": p} for i, p in enumerate(patterns)}}
    stderr, error, _ = _run(body)
    helm = dict(re.findall(r"- at '/properties/(p\d+)/pattern': '.*?' is not valid regex: (.*)", stderr))
    mine = {f"p{i}": go_regex_error(p) for i, p in enumerate(patterns)}
    assert {k: v for k, v in mine.items() if v is not None} == helm
    assert isinstance(error, InvalidSchemaError)
    assert {re.match(r"at '/properties/(p\d+)/pattern'", d).group(1) for d in error.details} == set(helm)
    # the guard really is what decides the first two lists
    rejected = {patterns.index(p) for p in GO_REJECTS_RE2_ACCEPTS}
    assert {f"p{i}" for i in rejected} <= set(helm)
    assert not {f"p{patterns.index(p)}" for p in GO_ACCEPTS_RE2_REJECTS} & set(helm)


@oracle
@pytest.mark.helm
def test_patterns_too_large_for_re2_are_refused_not_misjudged():
    # Go accepts these (its programs hold character classes whole); RE2 would need more than MAX_MEM
    pattern = "^\\pL{1,1000}\\pL{1,1000}$"
    stderr, error, ok = _run({"$schema": D7, "properties": {"a": {"pattern": pattern}}}, {"a": "xy"})
    assert ok, stderr
    assert isinstance(error, InvalidSchemaError) and "cannot evaluate" in str(error) and "32 MiB" in str(error)
    assert go_regex_error(pattern) is None
    assert compile_go_regex("^\\pL{1,1000}$").search("h\u00e9llo")  # one class at Go's repeat limit fits


@oracle
@pytest.mark.helm
def test_backslash_c_is_refused_like_helm(tmp_path):
    # in a pattern: the schema is invalid; as a value of format regex (draft-07): the value is invalid
    stderr, error, ok = _run({"$schema": D7, "properties": {"a": {"pattern": "^\\C$"}}})
    assert not ok and "invalid escape sequence: `\\C`" in stderr
    assert isinstance(error, InvalidSchemaError) and "invalid escape sequence: `\\C`" in str(error)
    stderr, error, ok = _run({"$schema": D7, "properties": {"a": {"format": "regex"}}}, {"a": "x\\Cy"})
    assert not ok and "- at '/a'" in stderr
    assert isinstance(error, SchemaValidationError)
    (v,) = error.violations
    assert (v.path, v.keyword) == (("a",), "format") and "invalid escape sequence" in v.message


def test_backslash_c_unit():
    with pytest.raises(GoRegexError, match="invalid escape sequence: `\\\\C`"):
        compile_go_regex("a\\C")
    assert compile_go_regex("\\Qa\\C\\E").search("a\\C")  # quoted: literal text
    assert go_regex_error("[\\C]") is not None


# ---------------------------------------------------------------------------
# Oracle: what patterns match


MATCH_CASES = [
    ("^\\p{greek}$", "\u03b1"), ("^\\p{greek}$", "a"), ("^\\p{Letter}+$", "h\u00e9llo"), ("^\\p{ASCII}+$", "abc"),
    ("^\\p{ASCII}+$", "\u00e9"), ("(?i)^\\p{ASCII}$", "\u212a"), ("^\\P{ASCII}$", "\u00e9"), ("^[\\P{ASCII}]$", "a"),
    ("^\\p{LC}$", "\u01c5"), ("^\\p{LC}$", "\u00aa"), ("^\\P{LC}$", "\u00aa"), ("(?i)^\\p{LC}$", "\u0345"),
    ("(?i)^\\P{LC}$", "\u0345"), ("^[\\p{LC}0-9]+$", "aB3"), ("^\\p{Cn}$", "\u0378"), ("^\\p{Cn}$", "a"),
    ("^\\p{Assigned}$", "a"), ("^\\p{Assigned}$", "\u0378"), ("^\\pC$", "\u0378"), ("^\\p{Other}$", "\u0378"),
    ("^\\PC$", "\u0378"), ("^[^\\pC]$", "\u0378"), ("^[^\\pC]$", "a"), ("^[^\\pC]$", "\x01"), ("^[\\pCa]$", "a"),
    ("^[\\pCa]$", "b"), ("^[\\p{Cn}a]$", "\u0378"), ("^[\\P{Cn}]$", "\u0378"), ("(?i)^\\p{Lu}$", "a"),
    ("^\\p{^Greek}$", "a"), ("^\\P{^Greek}$", "\u03b1"), ("^\\p{Nd}+$", "\u0663"), ("^\\p{digit}$", "\u0663"),
    ("^[[:alpha:]]$", "\u00e9"), ("\\bfoo\\b", "\u00e9foo\u00e9"), ("(?i)\u017f", "s"), ("(?i)^[k]$", "\u212a"),
    ("^.$", "\U0001F600"), ("^\\p{Any}$", "\n"), ("^\\p{cntrl}$", "\x01"), ("^\\p{Combining_Mark}$", "\u0301"),
    ("^\\p{Lu}$", "\u01c5"), ("(?i)^\\p{Lt}$", "\u01c4"), ("^\\s$", "\u3000"), ("^\\s$", "\x0b"), ("^\\PL$", "\n"),
    ("^\\p{nko}$", "\u07c0"), ("(?U)^a+", "aaa"), ("^\\x{FFFD}$", "\ufffd"), ("^(a+)+$", "a" * 40 + "b"),
]


@oracle
@pytest.mark.helm
def test_patterns_match_like_helm():
    body = {"$schema": D2020, "properties": {f"p{i}": {"pattern": p} for i, (p, _) in enumerate(MATCH_CASES)}}
    stderr, error, _ = _run(body, {f"p{i}": text for i, (_, text) in enumerate(MATCH_CASES)})
    helm = set(re.findall(r"- at '/(p\d+)'", stderr))
    assert error is None or isinstance(error, SchemaValidationError), repr(error)
    mine = {v.path[0] for v in error.violations} if error is not None else set()
    differ = [MATCH_CASES[int(p[1:])] for p in sorted(helm ^ mine)]
    assert not differ, f"patterns matched differently from Helm: {differ}"
    assert len(helm) > 15


UNEVALUATED_CASES: List[Tuple[Dict[str, Any], Dict[str, Any]]] = [
    ({"properties": {"a": {}}, "unevaluatedProperties": False}, {"a": 1, "b": 2}),
    ({"additionalProperties": {"type": "string"}, "unevaluatedProperties": False}, {"a": "x"}),
    ({"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False}, {"a": 1}),
    ({"anyOf": [{"properties": {"a": {"type": "string"}}}, {"properties": {"b": {}}}],
      "unevaluatedProperties": False}, {"a": 1, "b": 2}),
    ({"patternProperties": {"^\\d$": {}}, "unevaluatedProperties": False}, {"\u0663": 1}),
    ({"patternProperties": {"^\\d$": {}}, "unevaluatedProperties": False}, {"3": 1}),
    ({"if": {"properties": {"a": {"const": 1}}}, "then": {"properties": {"b": {}}},
      "else": {"properties": {"c": {}}}, "unevaluatedProperties": False}, {"a": 1, "b": 2}),
    ({"if": {"properties": {"a": {"const": 1}}}, "then": {"properties": {"b": {}}},
      "else": {"properties": {"c": {}}}, "unevaluatedProperties": False}, {"a": 2, "c": 3}),
    ({"$ref": "#/$defs/x", "unevaluatedProperties": False}, {"a": 1}),
    ({"$ref": "#/$defs/x", "unevaluatedProperties": False}, {"a": 1, "z": 1}),
    ({"unevaluatedProperties": {"type": "integer"}}, {"a": "x"}),
    ({"unevaluatedProperties": {"type": "integer"}}, {"a": 1}),
    ({"dependentSchemas": {"a": {"properties": {"b": {}}}}, "properties": {"a": {}},
      "unevaluatedProperties": False}, {"b": 2}),
    ({"patternProperties": {"^x-\\d+$": {"type": "integer"}}, "additionalProperties": False},
     {"x-1": 1, "x-\u0663": 1}),
    ({"patternProperties": {"(?i)^K$": {"type": "integer"}}}, {"\u212a": "s"}),
    ({"patternProperties": {"^(a+)+$": {"type": "integer"}}}, {"a" * 40 + "b": "s"}),
    ({"patternProperties": {"^(a+)+$": {"type": "integer"}}}, {"a" * 40: "s"}),
    ({"oneOf": [{"properties": {"a": {}}, "required": ["a"]}, {"properties": {"b": {}}, "required": ["b"]}],
      "unevaluatedProperties": False}, {"a": 1, "b": 1}),
]


@oracle
@pytest.mark.helm
@pytest.mark.parametrize("draft", [D2019, D2020], ids=["2019-09", "2020-12"])
def test_pattern_properties_and_unevaluated_properties_like_helm(draft):
    body = {"$schema": draft, "$defs": {"x": {"properties": {"a": {}}}},
            "properties": {f"p{i}": s for i, (s, _) in enumerate(UNEVALUATED_CASES)}}
    stderr, error, _ = _run(body, {f"p{i}": v for i, (_, v) in enumerate(UNEVALUATED_CASES)})
    helm = set(re.findall(r"- at '/(p\d+)", stderr))
    assert error is None or isinstance(error, SchemaValidationError), repr(error)
    mine = {v.path[0] for v in error.violations} if error is not None else set()
    differ = [UNEVALUATED_CASES[int(p[1:])] for p in sorted(helm ^ mine)]
    assert not differ, f"decided differently from Helm: {differ}"
    assert len(helm) > 8


@oracle
@pytest.mark.helm
@pytest.mark.parametrize("name, helm_ok", [("ok_1", True), ("\u00e9", False), ("a" * 40 + "!", False)],
                         ids=["ascii", "non-ascii-word", "redos-shaped"])
def test_property_names_pattern_like_helm(name, helm_ok):
    # v6 reports propertyNames failures at the object's parent (''), so one name per run
    stderr, error, ok = _run({"$schema": D2020, "properties": {"o": {"propertyNames": {"pattern": "^(\\w+)+$"}}}},
                             {"o": {name: 1}})
    assert ok is helm_ok, stderr
    if helm_ok:
        assert error is None
    else:
        assert "invalid propertyName" in stderr
        assert isinstance(error, SchemaValidationError)
        assert [(v.path, v.keyword) for v in error.violations] == [(("o",), "pattern")]


# ---------------------------------------------------------------------------
# Unit: linear time (a backtracking engine would never finish these)


EVIL = "^(a+)+$"
EVIL_TEXT = "a" * 40 + "b"


def _validate(tmp_path: Path, schema: Dict[str, Any], values: Dict[str, Any]) -> List[Tuple[Any, str]]:
    chart = write_chart(tmp_path / "c", json.dumps(values))
    (chart / "values.schema.json").write_text(json.dumps(schema))
    merged = merge_values(chart, validate_schema=False)
    try:
        validate_values(merged.chart, merged.values, cache=ValidatorCache())
    except SchemaValidationError as exc:
        return [(v.path, v.keyword) for v in exc.violations]
    return []


def test_catastrophic_pattern_is_linear_in_pattern(tmp_path):
    schema = {"properties": {"bad": {"pattern": EVIL}, "good": {"pattern": EVIL}}}
    assert _validate(tmp_path, schema, {"bad": EVIL_TEXT, "good": "a" * 40}) == [(("bad",), "pattern")]


def test_catastrophic_pattern_is_linear_in_pattern_properties(tmp_path):
    schema = {"properties": {"o": {"patternProperties": {EVIL: {"type": "integer"}}, "additionalProperties": False}}}
    assert _validate(tmp_path, schema, {"o": {EVIL_TEXT: 1}}) == [(("o",), "additionalProperties")]
    assert _validate(tmp_path, schema, {"o": {"a" * 40: "x"}}) == [(("o", "a" * 40), "type")]


def test_catastrophic_pattern_is_linear_in_property_names(tmp_path):
    schema = {"properties": {"o": {"propertyNames": {"pattern": EVIL}}}}
    assert _validate(tmp_path, schema, {"o": {EVIL_TEXT: 1, "aaa": 2}}) == [(("o",), "pattern")]


def test_catastrophic_pattern_is_linear_in_format_regex(tmp_path):
    schema = {"$schema": D7, "properties": {"re": {"format": "regex"}, "o": {"propertyNames": {"format": "regex"}}}}
    assert _validate(tmp_path, schema, {"re": EVIL, "o": {EVIL: 1}}) == []
    assert _validate(tmp_path, schema, {"re": EVIL + "(", "o": {"(?=a)": 1}}) == [
        (("o",), "format"), (("re",), "format")]
    assert compile_go_regex(EVIL).search(EVIL_TEXT) is False


# ---------------------------------------------------------------------------
# Unit: the guard, the messages, what cannot be evaluated


@pytest.mark.parametrize("pattern, message", [
    ("a**", "error parsing regexp: invalid nested repetition operator: `**`"),
    ("(?=x)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
    ("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"),
    ("\\p{Old_Italic}", "error parsing regexp: invalid character class range: `\\p{Old_Italic}`"),
    ("(?P<\u00e9>x)", "error parsing regexp: invalid named capture: `(?P<\u00e9>`"),
])
def test_messages_are_go_messages(pattern, message):
    assert go_regex_error(pattern) == message
    with pytest.raises(GoRegexError) as info:
        compile_go_regex(pattern)
    assert str(info.value) == message and not isinstance(info.value, UnsupportedRegexError)


@pytest.mark.parametrize("pattern", ["[^\\pC\\s]", "[^\\P{LC}a]", "[^\\p{Cn}\\pC]"])
def test_classes_re2_cannot_build_are_refused_not_misjudged(pattern, tmp_path):
    # Go accepts these; RE2 cannot intersect the sets involved, so profile-render says so instead of guessing
    with pytest.raises(UnsupportedRegexError, match="cannot evaluate"):
        compile_go_regex(pattern)
    assert go_regex_error(pattern) is None  # as a format: regex value it is valid, as in Go
    chart = write_chart(tmp_path / "c", "a: x\n")
    (chart / "values.schema.json").write_text(json.dumps({"properties": {"a": {"pattern": pattern}}}))
    merged = merge_values(chart, validate_schema=False)
    with pytest.raises(InvalidSchemaError, match="cannot evaluate"):
        validate_values(merged.chart, merged.values, cache=ValidatorCache())


def test_lone_surrogates_never_raise():
    # Go's JSON decoder reads a lone surrogate escape as U+FFFD; a value holding one must not crash matching
    assert compile_go_regex("^\ud800$").search("\ufffd")
    assert compile_go_regex("^a").search("a\udc00") is True


# ---------------------------------------------------------------------------
# Unit: the pattern cache


def test_regex_cache_is_a_bounded_lru():
    cache = RegexCache(maxsize=2)
    a = cache.compile("a")
    cache.compile("b")
    assert cache.compile("a") is a  # a hit, now the most recent
    cache.compile("c")  # evicts b
    assert len(cache) == 2
    assert cache.compile("a") is a
    assert cache.compile("b") is not None and len(cache) == 2
    with pytest.raises(ValueError):
        RegexCache(maxsize=0)


def test_regex_cache_keeps_no_failures_and_shares_nothing():
    first, second = RegexCache(), RegexCache()
    assert first.error("a**") is not None and len(first) == 0
    with pytest.raises(GoRegexError):
        first.search("(?=a)", "a")
    assert first.search("^a", "ab") and len(first) == 1
    assert len(second) == 0


def test_regex_cache_is_thread_safe():
    cache = RegexCache(maxsize=8)
    patterns = [f"^{c}+$" for c in "abcdefghijkl"]
    failures: List[BaseException] = []
    barrier = threading.Barrier(6)

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(200):
                p = patterns[(n + i) % len(patterns)]
                assert cache.search(p, p[1] * 3)
                assert not cache.search(p, "!")
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    assert len(cache) == 8


def test_re2_is_imported_only_when_a_pattern_is_compiled():
    code = (
        "import sys\n"
        "import profile_render.helm.schema.regex as regex\n"
        "from profile_render.helm.schema import ValidatorCache\n"
        "ValidatorCache()\n"
        "assert 're2' not in sys.modules, 'importing the regex module imported re2'\n"
        "assert regex.compile_go_regex('a+').search('aa')\n"
        "assert 're2' in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
