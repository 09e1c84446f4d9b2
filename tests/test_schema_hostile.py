"""Hostile ``values.schema.json`` files: decided as Helm 4.1.4 decides, or refused within a named limit.

Oracle tests run the real Helm binary on the same files (``agree`` from
``test_validate``); unit tests pin what profile-render does where Helm gives
no answer in reasonable time (a located ``LimitExceededError`` naming a
limit of :class:`SchemaLimits` that a caller can raise), and the pieces the
guards are made of.
"""

from __future__ import annotations

import json
import tempfile
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional, Tuple

import pytest

from profile_render.errors import LimitExceededError, ProfileRenderError
from profile_render.helm.schema import (
    InvalidSchemaError,
    SchemaLimitError,
    SchemaLimits,
    SchemaValidationError,
    ValidatorCache,
    validate_values,
)
from profile_render.helm.schema.compiler import compile_schema
from profile_render.helm.schema.errors import echo
from profile_render.helm.schema.instances import bounded_repr, repr_prefix, wrap
from profile_render.helm.schema.keywords import duplicates, equal
from profile_render.helm.schema.numbers import JNum, go_int64, go_rat, is_integer, multiple_of
from profile_render.helm.schema.regex import RegexCache, go_regex_error, pattern_shape
from profile_render.values import merge_values
from tests.helm_oracle import HelmOutcome, run_helm_template, write_chart
from tests.test_validate import D4, D7, HELM, Case, agree, no_network, oracle, props, schema, violations  # noqa: F401

helm = [*oracle]


def _oracle(fn: Any) -> Any:
    for mark in helm:
        fn = mark(fn)
    return fn


def both_bytes(schema_bytes: bytes, values: str, **limits: int) -> Tuple[Optional[HelmOutcome], Any]:
    """Helm (when available) and profile-render on a chart whose schema file holds exactly these bytes."""
    with tempfile.TemporaryDirectory(prefix="pr-hostile-") as tmp:
        chart = write_chart(Path(tmp) / "chart", values)
        (chart / "values.schema.json").write_bytes(schema_bytes)
        outcome = run_helm_template(chart, []) if HELM is not None else None
        return outcome, ours(chart, **limits)


def ours(chart: Path, **limits: int) -> Optional[BaseException]:
    merged = merge_values(chart, validate_schema=False)
    try:
        validate_values(merged.chart, merged.values, cache=ValidatorCache(limits=SchemaLimits(**limits)))
    except ProfileRenderError as exc:
        return exc
    return None


def chart_with(tmp_path: Path, schema_doc: Any, values: str = "a: 1\n") -> Path:
    chart = write_chart(tmp_path / "c", values)
    text = schema_doc if isinstance(schema_doc, str) else json.dumps(schema_doc)
    (chart / "values.schema.json").write_text(text, encoding="utf-8")
    return chart


# ---------------------------------------------------------------------------
# References: cycles as v6 reports them, long chains


CYCLE = {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}


@_oracle
@pytest.mark.parametrize("body, user, helm_ok", [
    ({"$defs": CYCLE, "$ref": "#/$defs/a"}, "a: 1", False),
    ({"$ref": "#"}, "a: 1", False),
    ({"allOf": [{"$ref": "#"}]}, "a: 1", False),
    ({"$defs": {"a": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}, "a: 1", False),
    ({"$defs": CYCLE, "properties": {"x": {"$ref": "#/$defs/a"}}}, "a: 1", True),  # never met
    ({"$defs": CYCLE, "properties": {"x": {"$ref": "#/$defs/a"}}}, "x: 1", False),
    ({"$defs": CYCLE, "anyOf": [{"$ref": "#/$defs/a"}, True]}, "a: 1", True),  # only that branch fails
    ({"$defs": CYCLE, "not": {"$ref": "#/$defs/a"}}, "a: 1", True),
    ({"properties": {"a": {"$ref": "#"}}}, "a: {a: {a: x}}", True),  # recursion that makes progress
], ids=["cycle", "self", "self-in-allof", "allof-cycle", "absent-property", "present-property", "anyof-branch",
        "not", "recursive-progress"])
def test_reference_cycles_fail_where_helm_meets_them(body, user, helm_ok):
    out = agree(Case(schema=schema(body), user=user), helm_ok, SchemaValidationError)
    if not helm_ok:
        v = violations(out)[0]
        assert v.keyword == "$ref" and "reference cycle" in v.message


@_oracle
def test_reference_cycle_under_draft_07():
    body = {"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
            "$ref": "#/definitions/a"}
    (v,) = violations(agree(Case(schema=schema(body, D7), user="a: 1"), False, SchemaValidationError))
    assert v.path == () and v.keyword == "$ref"


@_oracle
@pytest.mark.parametrize("siblings", [False, True], ids=["pure", "with-siblings"])
def test_a_chain_of_5000_references_is_followed(siblings):
    chain = {f"d{i}": {"$ref": f"#/$defs/d{i + 1}", **({"type": "object"} if siblings else {})}
             for i in range(5000)}
    chain["d5000"] = {"type": "object", "required": ["a"]}
    body = {"$defs": chain, "$ref": "#/$defs/d0"}
    agree(Case(schema=schema(body), user="a: 1"), True)
    (v,) = violations(agree(Case(schema=schema(body), user="b: 1"), False, SchemaValidationError))
    assert v.keyword == "required"


@_oracle
def test_a_chain_of_allof_references_fails_at_its_end():
    chain = {f"d{i}": {"allOf": [{"$ref": f"#/$defs/d{i + 1}"}]} for i in range(2000)}
    chain["d2000"] = {"type": "string"}
    (v,) = violations(agree(Case(schema=schema({"$defs": chain, "$ref": "#/$defs/d0"}), user="a: 1"), False,
                            SchemaValidationError))
    assert v.keyword == "type"


def test_dynamic_reference_cycle_and_unevaluated_keywords_terminate(tmp_path):
    chart = chart_with(tmp_path, {"$dynamicAnchor": "m", "allOf": [{"$dynamicRef": "#m"}],
                                  "unevaluatedProperties": False, "unevaluatedItems": False})
    error = ours(chart)
    assert isinstance(error, SchemaValidationError)
    assert {v.keyword for v in error.violations} >= {"$dynamicRef"}


@_oracle
def test_values_as_deep_as_the_reader_allows_under_a_recursive_schema():
    deep = "".join(" " * i + "a:\n" for i in range(195)) + " " * 195 + "a: 1\n"
    body = {"additionalProperties": {"anyOf": [{"type": "object", "$ref": "#"}, {"type": "integer"}]}}
    agree(Case(schema=schema(body), user=deep), True)
    bad = deep.replace("a: 1", "a: x")
    (v,) = violations(agree(Case(schema=schema(body), user=bad), False, SchemaValidationError))
    assert (v.path, v.keyword) == (("a",), "anyOf")  # the outermost branch that fails


def test_deep_recursion_runs_on_fresh_stacks_that_are_stopped_afterwards(tmp_path):
    value: Any = 1
    for _ in range(800):
        value = {"a": [value]}
    compiled = compile_schema(json.dumps({"$defs": {"n": {"anyOf": [
        {"type": "integer"}, {"additionalProperties": {"items": {"$ref": "#/$defs/n"}}}]}},
        "$ref": "#/$defs/n"}).encode(), "s.json", {}, RegexCache())
    before = threading.active_count()
    assert list(compiled.violations(wrap(value), "s.json")) == []
    assert threading.active_count() == before


# ---------------------------------------------------------------------------
# Nesting of the schema file


@_oracle
@pytest.mark.parametrize("text", ["[" * 10001 + "]" * 10001, "[" * 20000], ids=["10001", "unclosed"])
def test_json_nested_beyond_go_limit_is_invalid_as_in_helm(text):
    out = agree(Case(schema=text, user="a: 1"), False, InvalidSchemaError)
    assert "exceeded max depth" in str(out.error) and out.error.line == 1 and out.error.column == 10001
    assert "exceeded max depth" in out.helm.stderr


@_oracle
def test_json_nested_within_go_limit_but_beyond_ours_is_refused_too():
    # Helm decodes it, then finds that an array is no schema; we refuse it at the depth limit: both refuse
    outcome, error = both_bytes(b"[" * 10000 + b"]" * 10000, "a: 1\n")
    assert outcome is not None and not outcome.ok and "want boolean or object" in outcome.stderr
    assert isinstance(error, SchemaLimitError) and isinstance(error, InvalidSchemaError)


def test_schema_deeper_than_the_limit_is_refused_where_it_goes_too_deep(tmp_path):
    text = '{"properties": {"a": ' * 200 + "{}" + "}}" * 200  # 401 levels
    error = ours(chart_with(tmp_path, text))
    assert isinstance(error, SchemaLimitError) and isinstance(error, LimitExceededError)
    assert isinstance(error, InvalidSchemaError)
    assert "SchemaLimits.max_depth" in str(error) and "256" in str(error)
    assert (error.line, error.column) == (1, 21 * 128 + 1)  # the 257th bracket
    assert ours(chart_with(tmp_path / "raised", text), max_depth=500) is None


def test_brackets_in_strings_do_not_count(tmp_path):
    assert ours(chart_with(tmp_path, {"description": "[" * 50000, "properties": {"a": {}}})) is None


def test_max_depth_ceiling():
    with pytest.raises(ValueError, match="900"):
        SchemaLimits(max_depth=901)
    with pytest.raises(ValueError):
        SchemaLimits(max_regex_work=0)


# ---------------------------------------------------------------------------
# Numbers: Go's big.Rat


N4301 = "1" + "0" * 4300


@_oracle
@pytest.mark.parametrize("keyword, bound, user, helm_ok", [
    ("maximum", N4301, "a: 5", True),
    ("maximum", "1" + "0" * 50000, "a: 1e300", True),
    ("minimum", N4301, "a: 5", False),
    ("maxLength", "10000000000000000000", "a: x", False),  # 1e19 wraps to a negative int64
    ("maxLength", str(2 ** 64 + 5), "a: xxxxx", True),  # wraps to 5
    ("maxLength", str(2 ** 64 + 5), "a: xxxxxx", False),
    ("maxLength", "1e2", "a: " + "x" * 101, False),
    ("minItems", "1e19", "a: []", True),  # wraps to a negative bound
    ("maxItems", "1e19", "a: []", False),
    ("minimum", "1e1000001", "a: 1", True),  # Go cannot read it: no bound
    ("minimum", "1e1000000", "a: 1", False),
    ("maximum", "-1e1000001", "a: 1", True),
    ("multipleOf", "1e-1000000", "a: 1", True),
    ("const", "1e1000001", "a: 1", False),  # equals nothing
    ("enum", "[" + N4301 + ", 5]", "a: 5", True),
], ids=lambda v: v[:12] if isinstance(v, str) else str(v))
def test_numbers_are_go_rats(keyword, bound, user, helm_ok):
    text = '{"properties": {"a": {"%s": %s}}}' % (keyword, bound)
    out = agree(Case(schema=text, user=user), helm_ok, SchemaValidationError)
    if not helm_ok:
        assert violations(out)[0].keyword == keyword


@_oracle
@pytest.mark.parametrize("text", [
    '{"properties": {"a": {"multipleOf": 1e-1000001}}}',
    '{"properties": {"a": {"multipleOf": 1.0e-1000000}}}',  # the digits after the point count too
    '{"$schema": "%s", "enum": [1e1000001, %s]}' % (D4, ", ".join(str(i) for i in range(20))),
], ids=["multipleOf", "multipleOf-fraction-digits", "draft4-enum-21-items"])
def test_numbers_go_cannot_read_where_helm_fails_with_a_runtime_error(text):
    out = agree(Case(schema=text, user="a: 1"), False, InvalidSchemaError)
    assert "runtime error" in str(out.error) and "runtime error" in out.helm.stderr


@_oracle
def test_twenty_enum_items_with_a_number_go_cannot_read_are_compared_pairwise():
    text = '{"$schema": "%s", "enum": [1e1000001, %s]}' % (D4, ", ".join(str(i) for i in range(19)))
    agree(Case(schema=text, user="a: 1"), False, SchemaValidationError)


@_oracle
@pytest.mark.parametrize("text", [
    '{"properties": {"a": {"maxLength": 1e1000000000}}}',
    '{"properties": {"a": {"maxLength": 1e99999999999999999999}}}',
    '{"properties": {"a": {"maxLength": -1%s}}}' % ("0" * 4300),
], ids=["exponent-too-large", "exponent-overflow", "negative-4301-digits"])
def test_integer_keywords_go_cannot_read_break_the_meta_schema(text):
    agree(Case(schema=text, user="a: x"), False, InvalidSchemaError)


def test_number_units():
    assert go_rat(JNum("1e1000001")) is None and go_rat(JNum("0e99999999999")) == 0
    assert go_rat(JNum("1.0e-1000000")) is None and go_rat(JNum("1e-1000000")) is not None
    assert is_integer(JNum("1e1000000")) and not is_integer(JNum("1e-1000000"))
    assert is_integer(JNum("100.000")) and is_integer(1e300) and not is_integer(0.5)
    assert go_int64(JNum("1e19")) == -8446744073709551616
    assert go_int64(JNum("-9223372036854775809")) == 9223372036854775807
    assert go_int64(JNum("1" + "0" * 4300)) == 0 and go_int64(2 ** 64 + 5) == 5
    assert multiple_of(Decimal("0.3"), Decimal("0.1")) and not multiple_of(Decimal("0.31"), Decimal("0.1"))
    assert multiple_of(Decimal(1), go_rat(JNum("1e-999999")))
    assert repr(JNum("9" * 5000)).endswith("(5000 characters)")


# ---------------------------------------------------------------------------
# Encodings


@_oracle
@pytest.mark.parametrize("data, user, helm_ok", [
    (b'{"properties": {"a": {"enum": ["\\ud800"]}}}', 'a: "\\uFFFD"', True),
    (b'{"properties": {"a": {"enum": ["\\ud800"]}}}', "a: x", False),
    (b'{"properties": {"a": {"const": "\\ude00\\ud83d"}}}', 'a: "\\uFFFD\\uFFFD"', True),
    (b'{"properties": {"a": {"const": "\\ud83d\\ude00"}}}', 'a: "\\U0001F600"', True),
    (b'{"properties": {"a": {"enum": ["\xff"]}}}', 'a: "\\uFFFD"', True),
    (b'{"properties": {"a": {"const": "\xe2\x82"}}}', 'a: "\\uFFFD\\uFFFD"', True),  # one U+FFFD a byte
    (b'{"properties": {"\xff": {"type": "string"}}}', 'a: 1\n"\\uFFFD": 1', False),
], ids=["surrogate-escape", "surrogate-escape-other", "reversed-pair", "pair", "invalid-byte",
        "truncated-sequence", "invalid-byte-in-key"])
def test_bad_unicode_in_schema_strings_is_u_fffd_as_in_go(data, user, helm_ok):
    with tempfile.TemporaryDirectory(prefix="pr-hostile-") as tmp:
        chart = write_chart(Path(tmp) / "chart", "")
        (chart / "values.schema.json").write_bytes(data)
        (Path(tmp) / "user.yaml").write_text(user + "\n", encoding="utf-8")
        outcome = run_helm_template(chart, [Path(tmp) / "user.yaml"])
        from profile_render.values import Layer

        merged = merge_values(chart, [Layer.from_file(Path(tmp) / "user.yaml")], validate_schema=False)
        try:
            validate_values(merged.chart, merged.values, cache=ValidatorCache())
            error: Optional[BaseException] = None
        except ProfileRenderError as exc:
            error = exc
    assert outcome.ok == helm_ok, outcome.stderr
    assert (error is None) == helm_ok, error
    if error is not None:
        assert isinstance(error, SchemaValidationError) and "\ud800" not in str(error)


@_oracle
@pytest.mark.parametrize("data", [
    b'{"type": "object"}\xff', b'{"type": \xff"object"}', '{"type": "object"}'.encode("utf-16"),
    b"\xef\xbb\xbf\xef\xbb\xbf{}", b'{"type": "obj\x00ect"}',
], ids=["after", "between", "utf-16", "two-boms", "nul"])
def test_bad_bytes_outside_strings_are_invalid_json_as_in_go(data):
    outcome, error = both_bytes(data, "a: 1\n")
    if outcome is not None:
        assert not outcome.ok
    assert type(error) is InvalidSchemaError


# ---------------------------------------------------------------------------
# uniqueItems: v6's equality, in linear time


@_oracle
@pytest.mark.parametrize("items, helm_ok", [
    ("[1, 1.0]", False), ("[1, true]", True), ("[0.1, 0.10]", False), ("[{a: 1, b: [2]}, {b: [2.0], a: 1}]", False),
    ("[{a: 1}, {a: 1, b: 2}]", True), ("[[1, 2], [2, 1]]", True), ("[null, null]", False),
    ('["1", 1]', False), ('[1, "1"]', True), ('["1/2", 0.5]', False), ('["0x10", 16]', False), ('["1_0", 10]', False),
    ('[" 1", 1]', True), ('[{a: "1"}, {a: 1}]', False), ('["1e1000001", 1e300]', True), ('["true", true]', True),
    ("[" + ", ".join(str(i) for i in range(40)) + ", 3.0]", False),
    ("[" + ", ".join(f"{{k: {i}}}" for i in range(40)) + "]", True),
], ids=["int-float", "bool-number", "decimals", "objects-by-content", "different-keys", "order-matters", "nulls",
        "string-then-number", "number-then-string", "fraction-text", "hex-text", "underscore-text", "space-text",
        "nested-text", "unreadable-text", "bool-text", "long-array", "long-distinct"])
def test_unique_items_equality_as_v6(items, helm_ok):
    # v6 compares the later item with the earlier one and reads a string next to a number with Go's
    # Rat.SetString: "1" equals 1 when the number comes second (up to 20 items, compared pairwise)
    out = agree(Case(schema=schema(props(l={"uniqueItems": True})), user=f"l: {items}"), helm_ok,
                SchemaValidationError)
    if not helm_ok:
        assert violations(out)[0].keyword == "uniqueItems"


@_oracle
@pytest.mark.parametrize("keyword, user, helm_ok", [
    ('"const": "5"', "a: 5", True), ('"const": "5"', 'a: "5"', True), ('"const": 5', 'a: "5"', False),
    ('"enum": ["5"]', "a: 5", False), ('"enum": ["5", 7]', "a: 5", True), ('"enum": ["0x5", 7]', "a: 5", True),
], ids=["const-text-number", "const-text-text", "const-number-text", "enum-text-only", "enum-with-number",
        "enum-hex-text"])
def test_const_and_enum_read_text_next_to_a_number_as_v6(keyword, user, helm_ok):
    agree(Case(schema='{"properties": {"a": {%s}}}' % keyword, user=user), helm_ok, SchemaValidationError)


def test_duplicates_reads_each_value_once():
    items = [{"k": i, "v": ["a", i]} for i in range(50000)]
    found, read = duplicates(items)
    assert found is None and read == 50000 * 7
    items.append({"v": ["a", 7.0], "k": 7})
    assert duplicates(items)[0] == (7, 50000)
    assert equal({"a": [1, {"b": 2.0}]}, {"a": [1.0, {"b": 2}]}) and not equal([True], [1])


# ---------------------------------------------------------------------------
# Regular expressions: every path linear, with budgets


@_oracle
@pytest.mark.parametrize("value, helm_ok", [
    ("(" * 3000 + "a" + ")" * 3000, False),  # Go: expression nests too deeply
    ("(?:" * 3000 + "a" + ")" * 3000, True),  # non-capturing groups leave no node in Go's tree
    ("((a{1000}){1000}){1000}", False),
    ("\\pL{1000}", True),
], ids=["captures-3000", "non-capturing-3000", "nested-counts", "unicode-class-1000"])
def test_format_regex_values_are_judged_as_go_would(value, helm_ok):
    body = props(s={"format": "regex"})
    out = agree(Case(schema=schema(body, D7), user="s: " + json.dumps(value)), helm_ok, SchemaValidationError)
    if not helm_ok:
        (v,) = violations(out)
        assert v.keyword == "format" and len(v.message) < 10_500


def test_format_regex_values_are_only_parsed_and_never_cached():
    regexes = RegexCache()
    assert regexes.error("\\pL{1000}") is None and len(regexes) == 0
    assert go_regex_error("(a)" * 1000) is None
    assert pattern_shape("a" * 200000) == (200000, 1)
    assert pattern_shape("(a)" * 10) == (20, 30)


def test_regex_work_is_bounded(tmp_path):
    text = "ab" * 150_000
    chart = chart_with(tmp_path, props(s={"pattern": "(?:a|b)*a(?:a|b){1000}c"}), f"s: {text}\n")
    error = ours(chart)
    assert isinstance(error, LimitExceededError) and "SchemaLimits.max_regex_work" in str(error)
    assert error.source is not None and error.source.endswith("values.schema.json")
    assert isinstance(ours(chart, max_regex_work=10 ** 12), SchemaValidationError)  # raised: no match


def test_pattern_programs_are_bounded(tmp_path):
    body = props(**{f"s{i}": {"pattern": f"^\\pL{{1000}}{i}$"} for i in range(2)})
    error = ours(chart_with(tmp_path, body, "s0: x\n"))
    assert isinstance(error, SchemaLimitError) and "SchemaLimits.max_pattern_program" in str(error)


def test_pattern_parts_are_bounded(tmp_path):
    # the meta-schema's format: regex check meets the pattern first (as a value it has too many parts)
    error = ours(chart_with(tmp_path, props(s={"pattern": "(a)" * 40000}), "s: a\n"))
    assert isinstance(error, LimitExceededError) and "SchemaLimits.max_pattern_nodes" in str(error)
    error = ours(chart_with(tmp_path / "draft7", {"$schema": D7, **props(s={"pattern": "(a)" * 40000})}, "s: a\n"))
    assert isinstance(error, LimitExceededError) and "max_pattern_nodes" in str(error)
    value = "(a)" * 40000
    error = ours(chart_with(tmp_path / "v", {"$schema": D7, **props(s={"format": "regex"})}, f"s: '{value}'\n"))
    assert isinstance(error, LimitExceededError) and "max_pattern_nodes" in str(error)


# ---------------------------------------------------------------------------
# Work that grows with the schema times the values


def test_validation_steps_are_bounded(tmp_path):
    body = props(l={"items": {"anyOf": [{"const": i} for i in range(1000)]}})
    chart = chart_with(tmp_path, body, "l: [" + ", ".join("-1" for _ in range(1000)) + "]\n")
    error = ours(chart)
    assert isinstance(error, LimitExceededError) and "SchemaLimits.max_validation_steps" in str(error)
    error = ours(chart, max_validation_steps=10 ** 8)
    assert isinstance(error, SchemaValidationError) and len(error.violations) == 1000


def test_required_names_are_reported_in_bounded_messages(tmp_path):
    body = {"required": [f"r{i}" for i in range(500)]}
    error = ours(chart_with(tmp_path, body))
    assert isinstance(error, SchemaValidationError)
    (v,) = error.violations
    assert v.message.startswith("'r0', 'r1'") and "and 480 more are required properties" in v.message


def test_violations_are_capped(tmp_path):
    chart = chart_with(tmp_path, props(l={"items": {"type": "string"}}),
                       "l: [" + ", ".join(str(i) for i in range(3000)) + "]\n")
    error = ours(chart)
    assert isinstance(error, SchemaValidationError) and not error.complete and len(error.violations) == 1000
    assert "max_violations" in str(error).splitlines()[0]
    error = ours(chart, max_violations=5000)
    assert isinstance(error, SchemaValidationError) and error.complete and len(error.violations) == 3000


def test_schema_objects_are_bounded_across_subcharts(tmp_path):
    doc = props(**{f"p{i}": {"type": "string"} for i in range(6000)})
    chart = chart_with(tmp_path, doc, "a: 1\nsub: {}\n")
    sub = write_chart(chart / "charts" / "sub", "", name="sub")
    (sub / "values.schema.json").write_text(json.dumps(doc))
    error = ours(chart)
    assert isinstance(error, SchemaLimitError) and "SchemaLimits.max_schema_objects" in str(error)
    assert ours(chart, max_schema_objects=13000) is None
    cache = ValidatorCache()
    merged = merge_values(chart, validate_schema=False)
    for _ in range(2):  # the second time from the cache: the same refusal
        with pytest.raises(SchemaLimitError, match="max_schema_objects"):
            validate_values(merged.chart, merged.values, cache=cache)


def test_messages_never_copy_large_values(tmp_path):
    body = props(l={"anyOf": [{"minItems": 10 ** 6 + i} for i in range(50)]}, s={"not": {"type": "string"}},
                 r={"required": ["x" * 5000]})
    values = "l: [" + ", ".join(str(i) for i in range(20000)) + "]\ns: '" + "y" * 10000 + "'\nr: {}\n"
    error = ours(chart_with(tmp_path, body, values))
    assert isinstance(error, SchemaValidationError) and len(error.violations) == 3
    for v in error.violations:
        assert len(v.message) < 400, v.message


def test_bounded_repr_is_python_repr_when_short_and_iterative():
    for value in ({"a": [1, 2.5, None, True]}, "it's", 'say "hi"', ["both ' \""], {}):
        assert repr_prefix(value, 80) == (repr(value), True)
    nested: Any = []
    for _ in range(100000):
        nested = [nested]
    assert bounded_repr(nested, 20).startswith("[" * 20 + "...")
    assert echo("x" * 1000) == "'" + "x" * 49 + "...' (1000 characters)"
    assert echo(10 ** 5000) == "<an integer of about 5000 digits>"


def test_nothing_but_profile_render_errors_leave_the_api(tmp_path):
    hostile = [
        "[" * 500 + "]" * 500, '{"properties": {"a": {"multipleOf": 1e-1000001}}}',
        json.dumps({"$defs": CYCLE, "$ref": "#/$defs/a"}), b'{"enum": ["\xed\xa0\x80"]}'.decode("utf-8", "replace"),
        json.dumps({"$schema": D7, "patternProperties": {"(a)" * 40000: {}}}),
    ]
    for index, text in enumerate(hostile):
        error = ours(chart_with(tmp_path / str(index), text))
        assert error is None or isinstance(error, ProfileRenderError)


def test_work_limits_bound_the_validation_not_each_chart(tmp_path):
    # each schema alone stays within the steps; the chart and its subchart together do not
    body = props(l={"items": {"anyOf": [{"const": i} for i in range(100)]}})
    items = "[" + ", ".join("-1" for _ in range(900)) + "]"
    chart = chart_with(tmp_path, body, f"l: {items}\nsub:\n  l: {items}\n")
    sub = write_chart(chart / "charts" / "sub", "", name="sub")
    (sub / "values.schema.json").write_text(json.dumps(body))
    error = ours(chart)
    assert isinstance(error, LimitExceededError) and "max_validation_steps" in str(error)
    error = ours(chart, max_validation_steps=400_000)
    assert isinstance(error, SchemaValidationError) and len(error.violations) == 1000 and not error.complete
