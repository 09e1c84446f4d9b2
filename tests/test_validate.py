"""Schema validation (profile_render.helm.schema) against the real Helm 4.1.4 binary.

Every oracle case writes one throwaway chart with a ``values.schema.json``
(and subcharts with their own), runs ``helm template`` on it and runs
``merge_values`` + ``validate_values`` on the very same files, then checks
that Helm fails exactly when we raise (and, per case, what Helm does, so a
changed oracle is noticed). The Python side runs with sockets disabled: no
case may touch the network. Helm's remote references point at
``127.0.0.1:9`` (refused at once, nothing leaves the machine).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type

import pytest

from profile_render.errors import ProfileRenderError
from profile_render.values import Layer, MergeResult, merge_values
from profile_render.helm.schema import (
    GoRegexError,
    InvalidSchemaError,
    SchemaRefError,
    SchemaValidationError,
    SchemaViolation,
    ValidatorCache,
    compile_go_regex,
    validate_values,
)
from tests.helm_oracle import HelmOutcome, Subchart, helm_binary, run_helm_template, write_chart

HELM = helm_binary()
oracle = [pytest.mark.helm, pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)")]

ROOT = Path(__file__).resolve().parent.parent
REFUSED = "http://127.0.0.1:9"  # a remote reference Helm tries (and fails) to fetch without leaving the host


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any attempt of this process to open a network connection or resolve a name."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# ---------------------------------------------------------------------------
# Harness


@dataclass
class Case:
    """A chart (values + schema), its subcharts with their schemas, and the user's input."""

    values_yaml: str = ""
    schema: Optional[str] = None  # None: no values.schema.json
    user: Optional[str] = None
    sets: Sequence[str] = ()
    subcharts: Mapping[str, Subchart] = field(default_factory=dict)
    sub_schemas: Mapping[str, str] = field(default_factory=dict)  # charts/<dir> -> schema text
    chart_yaml_extra: str = ""


@dataclass
class Both:
    helm: HelmOutcome
    result: Optional[MergeResult]
    error: Optional[BaseException]


def write_case(root: Path, case: Case) -> Tuple[Path, List[Path]]:
    chart = write_chart(root / "chart", case.values_yaml, subcharts=case.subcharts,
                        chart_yaml_extra=case.chart_yaml_extra)
    if case.schema is not None:
        (chart / "values.schema.json").write_text(case.schema, encoding="utf-8")
    for sub_dir, text in case.sub_schemas.items():
        (chart / "charts" / sub_dir / "values.schema.json").write_text(text, encoding="utf-8")
    files = []
    if case.user is not None:
        f = root / "user.yaml"
        f.write_text(case.user, encoding="utf-8")
        files.append(f)
    return chart, files


def ours(chart: Path, files: Sequence[Path], sets: Sequence[str] = (), *,
         local_refs: Mapping[str, Any] = {}) -> Tuple[Optional[MergeResult], Optional[BaseException]]:
    result = merge_values(chart, [Layer.from_file(f) for f in files], set_values=list(sets), validate_schema=False)
    try:
        validate_values(result.chart, result.values, origin=result.origin, cache=ValidatorCache(),
                        local_refs=local_refs)
    except ProfileRenderError as exc:
        return result, exc
    return result, None


def both(case: Case, **kwargs: Any) -> Both:
    with tempfile.TemporaryDirectory(prefix="pr-validate-") as tmp:
        chart, files = write_case(Path(tmp), case)
        helm = run_helm_template(chart, files, case.sets)
        result, error = ours(chart, files, case.sets, **kwargs)
    return Both(helm, result, error)


def helm_failure_kind(stderr: str) -> Type[ProfileRenderError]:
    """Which of our errors Helm's failure corresponds to, read from its stderr.

    A reference Helm could not load (``failing loading ...``) is a
    SchemaRefError; a list of ``- at '/path': ...`` lines about the values a
    SchemaValidationError; anything else (bad JSON, a schema breaking its
    meta-schema, a pointer to nothing) an InvalidSchemaError.
    """
    if "failing loading " in stderr:
        return SchemaRefError
    if re.search(r"^- at '", stderr, re.MULTILINE) and "metaschema" not in stderr:
        return SchemaValidationError
    return InvalidSchemaError


def agree(case: Case, helm_ok: bool, error_type: Optional[Type[BaseException]] = None) -> Both:
    """Run both sides; Helm must behave as expected and we must fail exactly when Helm fails, the same way.

    When Helm fails, ``error_type`` is required: we must raise exactly that
    kind of error, and Helm's failure must be of the same kind
    (:func:`helm_failure_kind`), so a wrong kind of failure cannot pass.
    """
    out = both(case)
    assert out.helm.ok == helm_ok, f"the Helm oracle changed: ok={out.helm.ok}\n{out.helm.stderr}"
    if helm_ok:
        assert out.error is None, f"Helm accepts, we fail: {out.error}"
    else:
        assert error_type is not None, "a failing case must name the error it expects"
        assert out.error is not None, f"Helm fails, we accept.\nHelm: {out.helm.stderr}"
        assert type(out.error) is error_type, repr(out.error)
        assert helm_failure_kind(out.helm.stderr) is error_type, out.helm.stderr
    return out


def violations(out: Both) -> List[SchemaViolation]:
    assert isinstance(out.error, SchemaValidationError), repr(out.error)
    return out.error.violations


def schema(body: Mapping[str, Any], draft: Optional[str] = None) -> str:
    doc = dict(body)
    if draft is not None:
        doc = {"$schema": draft, **doc}
    return json.dumps(doc)


D4 = "http://json-schema.org/draft-04/schema#"
D7 = "http://json-schema.org/draft-07/schema#"
D2019 = "https://json-schema.org/draft/2019-09/schema"
D2020 = "https://json-schema.org/draft/2020-12/schema"
LATEST = "http://json-schema.org/schema#"  # what many real charts write


def props(**properties: Any) -> Dict[str, Any]:
    return {"type": "object", "properties": properties}


# ---------------------------------------------------------------------------
# Oracle: core keywords


def _oracle(fn):
    """Mark a test as an oracle test (needs the Helm binary)."""
    for mark in oracle:
        fn = mark(fn)
    return fn


@_oracle
@pytest.mark.parametrize("user, helm_ok", [("port: 80", True), ("port: http", False), ("port: 80.5", False)],
                         ids=["int", "string", "fraction"])
def test_type(user, helm_ok):
    out = agree(Case(schema=schema(props(port={"type": "integer"})), user=user), helm_ok, SchemaValidationError)
    if not helm_ok:
        (v,) = violations(out)
        assert (v.path, v.keyword, v.chart) == (("port",), "type", "oracle")


@_oracle
def test_required_missing_and_given_by_default():
    body = {"type": "object", "required": ["name"]}
    out = agree(Case(schema=schema(body)), False, SchemaValidationError)
    (v,) = violations(out)
    assert v.keyword == "required" and v.path == ()
    agree(Case("name: x", schema=schema(body)), True)


@_oracle
@pytest.mark.parametrize("user, helm_ok", [("mode: fast", True), ("mode: warp", False), ("mode: 1.0", True)],
                         ids=["member", "not-member", "number-equal-1"])
def test_enum(user, helm_ok):
    out = agree(Case(schema=schema(props(mode={"enum": ["fast", "slow", 1]})), user=user), helm_ok,
                SchemaValidationError)
    if not helm_ok:
        assert violations(out)[0].keyword == "enum"


@_oracle
@pytest.mark.parametrize("pattern, user, helm_ok", [
    ("^[a-z]+$", "tag: abc", True),
    ("^[a-z]+$", "tag: Abc", False),
    ("^[a-z]+$", "tag: |\n  abc\n", False),  # Go's $ does not match before a final newline
    ("^\\d+$", "tag: '\u0663'", False),  # Go's \d is ASCII only
], ids=["match", "no-match", "dollar-before-newline", "unicode-digit"])
def test_pattern(pattern, user, helm_ok):
    out = agree(Case(schema=schema(props(tag={"type": "string", "pattern": pattern})), user=user), helm_ok,
                SchemaValidationError)
    if not helm_ok:
        v = violations(out)[0]
        assert v.keyword == "pattern" and repr(pattern) in v.message


@_oracle
def test_additional_properties_and_pattern_properties():
    body = {"type": "object", "additionalProperties": False, "properties": {"a": {}},
            "patternProperties": {"^x-[a-z]+$": {"type": "string"}}}
    agree(Case(schema=schema(body), user="a: 1\nx-extra: ok"), True)
    out = agree(Case(schema=schema(body), user="a: 1\nb: 2"), False, SchemaValidationError)
    assert [v.keyword for v in violations(out)] == ["additionalProperties"]
    # Go's $ again: "x-abc\n" is not matched by the pattern, so it is an additional property
    agree(Case(schema=schema(body), user='a: 1\n"x-abc\\n": ok'), False, SchemaValidationError)


@_oracle
@pytest.mark.parametrize("user, helm_ok", [
    ("num: 1.0", True),    # Helm sees float64 1: an integer
    ("num: 1e3", True),
    ("num: 1.5", False),
    ("num: 1e300", True),  # a float64 beyond 2**53 is still integral
], ids=["1.0", "1e3", "1.5", "1e300"])
def test_integer_versus_number(user, helm_ok):
    for draft in (None, D4):
        agree(Case(schema=schema(props(num={"type": "integer"}), draft), user=user), helm_ok, SchemaValidationError)


@_oracle
def test_numbers_compare_as_shortest_decimals():
    body = props(a={"multipleOf": 0.1}, b={"multipleOf": 0.01}, c={"maximum": 0.3}, d={"exclusiveMinimum": 0.1})
    agree(Case(schema=schema(body), user="a: 0.3\nb: 4.35\nc: 0.3\nd: 0.1000001"), True)
    out = agree(Case(schema=schema(body), user="a: 0.35\nc: 0.30000000000000004\nd: 0.1"), False,
                SchemaValidationError)
    assert sorted(v.keyword for v in violations(out)) == ["exclusiveMinimum", "maximum", "multipleOf"]


@_oracle
def test_set_values_are_typed_like_helm():
    body = props(num={"type": "integer"}, s={"type": "string"})
    agree(Case(schema=schema(body), sets=["num=3", "s=abc"]), True)
    agree(Case(schema=schema(body), sets=["num=3.0"]), False, SchemaValidationError)  # --set keeps 3.0 a string
    agree(Case(schema=schema(body), sets=["s=3"]), False, SchemaValidationError)


# ---------------------------------------------------------------------------
# Oracle: format and the draft


FORMAT_BODY = props(email={"type": "string", "format": "email"}, day={"type": "string", "format": "date"},
                    ip={"type": "string", "format": "ipv4"})
BAD_FORMATS = "email: nope\nday: 2021-02-29\nip: 1.2.3\n"


@_oracle
@pytest.mark.parametrize("draft, asserted", [
    (None, False), (D7, True), ("http://json-schema.org/draft-07/schema", True),
    ("https://json-schema.org/draft-07/schema#", True), (D4, True), ("http://json-schema.org/draft-06/schema#", True),
    (D2019, False), (D2020, False), (LATEST, False), ("https://json-schema.org/schema", False),
], ids=["none", "draft-07", "draft-07-no-hash", "draft-07-https", "draft-04", "draft-06",
        "2019-09", "2020-12", "schema#", "schema-https"])
def test_format_is_asserted_only_before_2019(draft, asserted):
    out = agree(Case(schema=schema(FORMAT_BODY, draft), user=BAD_FORMATS), not asserted, SchemaValidationError)
    if asserted:
        assert sorted((v.path, v.keyword) for v in violations(out)) == [
            (("day",), "format"), (("email",), "format"), (("ip",), "format")]
        assert "missing @" in next(v.message for v in violations(out) if v.path == ("email",))
    agree(Case(schema=schema(FORMAT_BODY, draft), user="email: a@b.co\nday: 2020-02-29\nip: 10.0.0.1\n"), True)


FORMAT_CASES = {
    "email": ["a@b.c", "nope", "a..b@c.d", ".a@b.c", '"a b"@c.d', '"a\\"b"@c', "a@[1.2.3.4]", "a@[IPv6:::1]",
              "a@[1.2.3]", "a@-b.c", "a@b_c.d", "\u00fc@b.c", "a@b", "x" * 65 + "@a.b", "a b@c.d"],
    "ipv4": ["1.2.3.4", "1.2.3", "01.2.3.4", "+1.2.3.4", "-0.1.2.3", "256.1.1.1", "0.0.0.0", "1..3.4"],
    "ipv6": ["::1", "1.2.3.4", "fe80::1%eth0", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8:9", "::ffff:01.2.3.4", "g::1"],
    "hostname": ["example.com", "ex_ample.com", "-a.com", "a-.com", "a.com.", "a..com", "", "a" * 64,
                 "b\u00fccher.ch", "1.2.3.4"],
    "date": ["2020-01-01", "2020-13-01", "2021-02-29", "2020-02-29", "2020-1-01", "0000-02-29", "2020-04-31"],
    "time": ["12:00:00Z", "12:00:00", "23:59:60Z", "12:00:60Z", "+1:00:00Z", "12:00:00.5Z", "12:00:00.Z",
             "12:00:00+01:00", "12:00:00+0100", "24:00:00Z", "00:59:60+01:00", "12:00:00-25:00"],
    "date-time": ["2020-01-01T00:00:00Z", "2020-01-01 00:00:00Z", "2020-01-01t00:00:00z", "2020-01-01T00:00:00",
                  "2020-01-01T00:00:00.123+05:30", "2020-02-30T00:00:00Z"],
    "uri": ["http://example.com", "example.com", "mailto:a@b.c", "http://[::1]:80/", "http://[1.2.3.4]/",
            "http://[abc]/", "http://a b/", "http://a:b:c/", "http://a:8x/", "http://a/%zz", "http://a/b#%zz",
            "http://us er@a/", ":foo", "http://[fe80::1%25en0]/", "http://a%2fb/", "HTTP://A"],
    "uri-reference": ["/a/b", "a:b/c", "a/b:c", "\\a", "//a/b", "#frag", "http://[::1", "a%2"],
    "uri-template": ["http://a/{b}", "http://a/{b", "http://a/{{b}}", "/x/{y}/z"],
    "uuid": ["123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000",
             "123e4567-e89b-12d3-a456-42661417400g"],
    "duration": ["P1D", "PT1H", "P", "PT", "P1W", "P1Y2W", "P1D2Y", "P1H", "P1Y2M3DT4H5M6S", "P1.5D"],
    "semver": ["1.2.3", "1.2", "01.2.3", "1.2.3-alpha.1", "1.2.3-01", "1.2.3+build", "1.2.3+", "v1.2.3"],
    "json-pointer": ["", "/a", "a", "/a~2", "/a~0~1"],
    "relative-json-pointer": ["0", "1/a", "01", "0#", "a"],
    "regex": ["a+", "(?=x)", "[", "\\d", "a**", "\\p{Greek}"],
    "period": ["2020-01-01T00:00:00Z/P1D", "P1D/2020-01-01T00:00:00Z", "2020-01-01", "P1D/P1D"],
    "idn-email": ["nope"],  # unknown to Helm: ignored
    "made-up": ["x"],
}


def _batch(keyword: str, cases: Sequence[Tuple[Any, Any]], draft: str = D7) -> Tuple[set, set]:
    """One chart with one property per case; the sets of properties Helm and we reject."""
    body = {"properties": {f"p{i}": {keyword: arg} for i, (arg, _) in enumerate(cases)}}
    user = json.dumps({f"p{i}": value for i, (_, value) in enumerate(cases)}, ensure_ascii=False)
    with tempfile.TemporaryDirectory(prefix="pr-validate-") as tmp:
        chart, files = write_case(Path(tmp), Case(schema=schema(body, draft), user=user))
        helm = run_helm_template(chart, files)
        helm_fails = set(re.findall(r"- at '/(p\d+)'", helm.stderr))
        assert helm.ok or helm_fails, helm.stderr
        _, error = ours(chart, files)
    mine = {v.path[0] for v in error.violations} if isinstance(error, SchemaValidationError) else set()
    assert error is None or isinstance(error, SchemaValidationError), repr(error)
    return helm_fails, mine


@_oracle
def test_every_format_decides_like_helm():
    cases = [(name, value) for name, values in FORMAT_CASES.items() for value in values]
    helm_fails, mine = _batch("format", cases)
    differ = [cases[int(p[1:])] for p in sorted(helm_fails ^ mine)]
    assert not differ, f"formats decided differently from Helm: {differ}"
    assert len(helm_fails) > 60  # the batch really exercises failures


PATTERN_CASES = [
    ("^[a-z]+$", "abc\n"), ("^[a-z]+$", "abc"), ("^\\d$", "\u0663"), ("^\\d$", "3"), ("(?i)abc", "ABC"),
    ("a(?i)b", "aB"), ("a(?i)b", "AB"), ("(?m)^b$", "a\nb\nc"), ("^b$", "a\nb\nc"), ("\\bfoo\\b", "a foo b"),
    ("\\bfoo\\b", "\u00e9foo\u00e9"), ("\\w+", "\u00e9"), ("[[:alpha:]]+", "abc"), ("^[^[:alpha:]]$", "a"),
    ("\\Qa.b\\E", "axb"), ("x{,3}", "x{,3}"), ("^x{,3}$", "xx"), ("\\s", "\u000b"), ("\\s", "\u00a0"),
    ("^[\\D]$", "5"), ("a{01}", "a{01}"), ("^*a", "a"), ("\\12", "\n"), ("(?s)^.$", "\n"), ("^.$", "\n"),
    ("(?i)k", "\u212a"), ("^\\pL+$", "h\u00e9llo"), ("^\\p{Lu}$", "a"), ("^abc\\z", "abc\n"), ("(?m)abc$", "abc\n"),
    ("^.$", "\U0001F600"), ("^(?U)a+", "aaa"), ("^$", ""), ("[[:^space:]]", " "), ("^\\S+$", "a\u00a0b"),
]


@_oracle
def test_patterns_match_like_go_regexp():
    helm_fails, mine = _batch("pattern", PATTERN_CASES, draft=D2020)
    differ = [PATTERN_CASES[int(p[1:])] for p in sorted(helm_fails ^ mine)]
    assert not differ, f"patterns matched differently from Helm: {differ}"


@_oracle
def test_invalid_re2_patterns_make_the_schema_invalid():
    patterns = ["a**", "(?=x)", "ok", "[[:foo:]]", "\\1", "a{1001}", "(?<n>x)", "x{,3}", "(?#c)", "[\\b]"]
    body = {"properties": {f"p{i}": {"pattern": p} for i, p in enumerate(patterns)}}
    with tempfile.TemporaryDirectory(prefix="pr-validate-") as tmp:
        chart, files = write_case(Path(tmp), Case(schema=schema(body, D7)))
        helm = run_helm_template(chart, files)
        _, error = ours(chart, files)
    assert not helm.ok and "not valid against metaschema" in helm.stderr
    helm_bad = set(re.findall(r"- at '/properties/(p\d+)/pattern'", helm.stderr))
    assert isinstance(error, InvalidSchemaError), repr(error)
    mine = {re.match(r"at '/properties/(p\d+)/pattern'", d).group(1) for d in error.details}
    assert mine == helm_bad == {"p0", "p1", "p3", "p4", "p5", "p8", "p9"}


# ---------------------------------------------------------------------------
# Oracle: nulls


@_oracle
def test_null_values():
    # a null default stays and is checked (null is not a string)
    out = agree(Case("num: null", schema=schema(props(num={"type": "string"}))), False, SchemaValidationError)
    assert violations(out)[0].path == ("num",)
    # a user null deletes the default: the key is gone and required fails
    agree(Case("num: 1", schema=schema({"required": ["num"]}), user="num: null"), False, SchemaValidationError)
    # a user null without a default stays: present for required ...
    agree(Case("", schema=schema({"required": ["num"]}), user="num: null"), True)
    # ... and checked for its type
    agree(Case("", schema=schema(props(num={"type": "string"})), user="num: null"), False, SchemaValidationError)
    agree(Case("a: {b: 1}", schema=schema(props(a={"required": ["b"]})), user="a: {b: null}"), False,
          SchemaValidationError)


# ---------------------------------------------------------------------------
# Oracle: subcharts


SUB_INT = json.dumps({"properties": {"x": {"type": "integer"}}})
SUB_STRICT = json.dumps({"type": "object", "additionalProperties": False, "properties": {"x": {}}})


@_oracle
def test_subchart_schema_sees_its_section():
    out = agree(Case(subcharts={"sub": Subchart("x: a")}, sub_schemas={"sub": SUB_INT}), False,
                SchemaValidationError)
    (v,) = violations(out)
    assert (v.path, v.chart, v.keyword) == (("sub", "x"), "oracle/sub", "type")
    assert v.schema_source.endswith("charts/sub/values.schema.json")
    agree(Case(subcharts={"sub": Subchart("x: a")}, sub_schemas={"sub": SUB_INT}, user="sub: {x: 5}"), True)


@_oracle
def test_subchart_section_always_carries_global():
    # Helm copies `global` into every subchart section before validating it
    out = agree(Case(subcharts={"sub": Subchart("x: 1")}, sub_schemas={"sub": SUB_STRICT}), False,
                SchemaValidationError)
    assert violations(out)[0].keyword == "additionalProperties"
    agree(Case("global: {g: 1}", subcharts={"sub": Subchart("x: 1")}, sub_schemas={"sub": SUB_STRICT}), False,
          SchemaValidationError)


@_oracle
def test_aliased_subchart_is_validated_under_its_alias():
    extra = "dependencies:\n- name: sub\n  version: 0.1.0\n  alias: other\n"
    out = agree(Case(subcharts={"sub": Subchart("x: 1")}, sub_schemas={"sub": SUB_INT}, chart_yaml_extra=extra,
                     user="other: {x: q}\nsub: {x: r}"), False, SchemaValidationError)
    (v,) = violations(out)
    assert v.path == ("other", "x") and v.chart == "oracle/other"


@_oracle
def test_disabled_subchart_is_not_validated():
    extra = "dependencies:\n- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n"
    agree(Case("sub: {enabled: false}", subcharts={"sub": Subchart("x: a")}, sub_schemas={"sub": SUB_INT},
               chart_yaml_extra=extra), True)
    agree(Case("sub: {enabled: true}", subcharts={"sub": Subchart("x: a")}, sub_schemas={"sub": SUB_INT},
               chart_yaml_extra=extra), False, SchemaValidationError)


@_oracle
def test_parent_schema_constrains_the_subchart_section():
    parent = schema(props(sub={"properties": {"x": {"type": "string"}}}))
    out = agree(Case(schema=parent, subcharts={"sub": Subchart("x: 1")}), False, SchemaValidationError)
    (v,) = violations(out)
    assert (v.path, v.chart) == (("sub", "x"), "oracle")
    agree(Case(schema=parent, subcharts={"sub": Subchart("x: 1")}, user="sub: {x: one}"), True)


@_oracle
def test_nested_subchart_and_both_levels_reported_together():
    inner = Subchart("flag: 1")
    out = agree(Case(schema=schema(props(top={"type": "string"})), user="top: 1",
                     subcharts={"sub": Subchart("x: a", subcharts={"inner": inner})},
                     sub_schemas={"sub": SUB_INT, "sub/charts/inner": json.dumps(props(flag={"type": "boolean"}))}),
                False, SchemaValidationError)
    assert [(v.chart, v.path) for v in violations(out)] == [
        ("oracle/sub/inner", ("sub", "inner", "flag")), ("oracle/sub", ("sub", "x")), ("oracle", ("top",))]


# ---------------------------------------------------------------------------
# Oracle: references


@_oracle
def test_local_refs():
    body = {"definitions": {"port": {"type": "integer"}}, "$defs": {"name": {"$anchor": "nm", "type": "string"}},
            "properties": {"a": {"$ref": "#/definitions/port"}, "b": {"$ref": "#nm"}}}
    agree(Case(schema=schema(body), user="a: 1\nb: x"), True)
    out = agree(Case(schema=schema(body), user="a: x\nb: 1"), False, SchemaValidationError)
    assert [v.path for v in violations(out)] == [("a",), ("b",)]
    assert violations(out)[0].schema_path[:2] == ("properties", "a")


@_oracle
def test_ref_to_nowhere_is_an_invalid_schema():
    agree(Case(schema=schema(props(a={"$ref": "#/definitions/missing"})), user="a: 1"), False, InvalidSchemaError)


@_oracle
def test_ref_siblings_are_ignored_before_2019():
    body = {"definitions": {"s": {"type": "string"}}, "properties": {"a": {"$ref": "#/definitions/s", "type": "integer"}}}
    agree(Case(schema=schema(body, D7), user="a: x"), True)
    agree(Case(schema=schema(body, D2020), user="a: x"), False, SchemaValidationError)


@_oracle
def test_remote_ref_fails_without_any_network_access():
    # Helm tries to download it (and fails here); we refuse before any socket is opened
    for ref in (f"{REFUSED}/x.json", f"{REFUSED}/x.json#/definitions/y"):
        out = agree(Case(schema=schema(props(a={"$ref": ref}))), False, SchemaRefError)
        assert "127.0.0.1:9/x.json" in str(out.error) and "local_refs" in str(out.error)
        assert "127.0.0.1:9" in out.helm.stderr


@_oracle
def test_remote_ref_in_an_absent_property_still_fails():
    # Helm compiles every reachable reference, whatever the values hold
    agree(Case(schema=schema(props(zz={"$ref": f"{REFUSED}/x.json"})), user="a: 1"), False, SchemaRefError)


@_oracle
def test_remote_ref_in_an_unused_definition_is_never_loaded():
    body = {"definitions": {"r": {"$ref": f"{REFUSED}/x.json"}}, "$defs": {"q": {"$ref": f"{REFUSED}/y.json"}},
            "x-vendor": {"$ref": f"{REFUSED}/z.json"}, "properties": {"a": {"type": "string"}}}
    agree(Case(schema=schema(body), user="a: x"), True)


@_oracle
def test_relative_ref_is_a_file_helm_reads_from_the_disk_root():
    out = agree(Case(schema=schema(props(a={"$ref": "other.schema.json"})), user="a: x"), False, SchemaRefError)
    assert out.error.ref == "file:///other.schema.json"


@_oracle
def test_unresolved_urn_is_the_permissive_schema():
    agree(Case(schema=schema({"allOf": [{"$ref": "urn:example:x"}], **props(a={"type": "integer"})}), user="a: 1"),
          True)
    agree(Case(schema=schema({"allOf": [{"$ref": "urn:example:x"}], **props(a={"type": "integer"})}), user="a: x"),
          False, SchemaValidationError)
    # ... but a fragment into it points to nothing
    agree(Case(schema=schema(props(a={"$ref": "urn:example:x#/definitions/a"}))), False, InvalidSchemaError)


@_oracle
def test_ref_to_a_bundled_meta_schema_resolves_offline():
    agree(Case(schema=schema(props(a={"$ref": D7})), user="a: x"), False, SchemaValidationError)
    agree(Case(schema=schema(props(a={"$ref": D2020})), user="a: {type: string}"), True)


@_oracle
def test_file_ref_resolves_from_local_refs_like_helm_reads_it(tmp_path):
    shared = tmp_path / "shared.schema.json"
    shared.write_text(json.dumps({"type": "integer", "minimum": 1}))
    uri = "file://" + str(shared)
    case = Case(schema=schema(props(a={"$ref": uri})), user="a: 0")
    out = both(case, local_refs={uri: json.loads(shared.read_text())})
    assert not out.helm.ok and isinstance(out.error, SchemaValidationError)
    assert violations(out)[0].keyword == "minimum"
    case.user = "a: 2"
    out = both(case, local_refs={uri: json.loads(shared.read_text())})
    assert out.helm.ok and out.error is None
    # without the document we refuse instead of reading the disk
    assert isinstance(both(case).error, SchemaRefError)


@_oracle
def test_unknown_meta_schema_would_be_fetched():
    out = agree(Case(schema=schema({"$schema": f"{REFUSED}/meta"}), user="a: 1"), False, SchemaRefError)
    assert "$schema" in str(out.error)


@_oracle
def test_urn_meta_schema_means_the_default_draft():
    body = {"$schema": "urn:example:meta", **props(a={"type": "integer"}, e={"format": "email"})}
    agree(Case(schema=schema(body), user="a: 1\ne: nope"), True)
    agree(Case(schema=schema(body), user="a: x"), False, SchemaValidationError)


# ---------------------------------------------------------------------------
# Oracle: broken schema files


@_oracle
@pytest.mark.parametrize("text", ["", "  \n", '{"type": "object",}', '{"type": "object"} {}', "[]", "5", "null",
                                  '{"type": 5}', '{"$schema": 5}', '{"properties": {"a": {"minLength": -1}}}'],
                         ids=["empty", "blank", "trailing-comma", "two-documents", "array", "number", "null",
                              "bad-type", "bad-$schema", "negative-minLength"])
def test_broken_schema_files(text):
    out = agree(Case(schema=text, user="a: 1"), False, InvalidSchemaError)
    assert "values.schema.json" in str(out.error)


@_oracle
def test_json_syntax_error_names_line_and_column():
    out = agree(Case(schema='{\n  "type": "object",\n  "properties": {,}\n}'), False, InvalidSchemaError)
    assert (out.error.line, out.error.column) == (3, 18)
    assert out.error.source.endswith("values.schema.json")


@_oracle
def test_boolean_schemas_and_byte_order_mark():
    agree(Case(schema="true", user="a: 1"), True)
    out = agree(Case(schema="false", user="a: 1"), False, SchemaValidationError)
    assert violations(out)[0].keyword == "false"
    agree(Case(schema='\ufeff{"type": "object"}', user="a: 1"), True)


@_oracle
def test_embedded_resource_keeps_its_own_draft():
    # $schema counts only on a resource: a sub-schema with $id is one (draft-07 there: format asserted)
    agree(Case(schema=schema(props(a={"$schema": D7, "format": "email"})), user="a: x"), True)
    out = agree(Case(schema=schema(props(a={"$id": "http://schemas.example/a", "$schema": D7, "format": "email"})),
                     user="a: x"), False, SchemaValidationError)
    assert violations(out)[0].keyword == "format"
    agree(Case(schema=schema(props(a={"$id": "http://schemas.example/a", "$schema": D2020, "format": "email"}), D7),
               user="a: x"), True)


# ---------------------------------------------------------------------------
# Unit: the cache


CHART_VALUES = "port: 80\n"


def _merged(tmp_path: Path, schema_text: str, name: str = "c") -> MergeResult:
    chart = write_chart(tmp_path / name, CHART_VALUES)
    (chart / "values.schema.json").write_text(schema_text)
    return merge_values(chart, validate_schema=False)


def test_cache_compiles_once_for_repeated_validations(tmp_path):
    result = _merged(tmp_path, schema(props(port={"type": "integer"})))
    cache = ValidatorCache()
    for _ in range(5):
        validate_values(result.chart, result.values, cache=cache)
    assert (cache.misses, cache.hits, len(cache)) == (1, 4, 1)


def test_cache_is_thread_safe(tmp_path):
    texts = [schema(props(port={"type": "integer", "maximum": 1000 + i})) for i in range(4)]
    results = [_merged(tmp_path, t, f"c{i}") for i, t in enumerate(texts)]
    bad = _merged(tmp_path, schema(props(port={"type": "string"})), "bad")
    cache = ValidatorCache(maxsize=16)
    barrier = threading.Barrier(8)
    failures: List[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(40):
                r = results[(n + i) % len(results)]
                validate_values(r.chart, r.values, cache=cache)
                with pytest.raises(SchemaValidationError):
                    validate_values(bad.chart, bad.values, cache=cache)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    assert cache.misses == 5 and cache.hits == 8 * 80 - 5


def test_cache_is_bounded_lru(tmp_path):
    results = [_merged(tmp_path, schema(props(port={"maximum": 100 + i})), f"c{i}") for i in range(3)]
    cache = ValidatorCache(maxsize=2)
    for r in results:
        validate_values(r.chart, r.values, cache=cache)
    assert len(cache) == 2 and cache.misses == 3
    validate_values(results[2].chart, results[2].values, cache=cache)  # still cached
    assert cache.hits == 1
    validate_values(results[0].chart, results[0].values, cache=cache)  # evicted first
    assert cache.misses == 4 and len(cache) == 2


def test_cache_keys_on_local_refs_identity(tmp_path):
    uri = "https://schemas.example/port.json"
    result = _merged(tmp_path, schema(props(port={"$ref": uri})))
    cache = ValidatorCache()
    refs_int = {uri: {"type": "integer"}}
    refs_str = {uri: {"type": "string"}}
    validate_values(result.chart, result.values, cache=cache, local_refs=refs_int)
    with pytest.raises(SchemaValidationError):
        validate_values(result.chart, result.values, cache=cache, local_refs=refs_str)
    validate_values(result.chart, result.values, cache=cache, local_refs=refs_int)
    assert (cache.misses, cache.hits) == (2, 1)


def test_without_a_cache_each_call_compiles_into_its_own(tmp_path, monkeypatch):
    from profile_render.helm.schema import cache as cache_module, validate as module

    assert not any(isinstance(v, ValidatorCache) for v in vars(module).values()), "a module-level cache is back"
    made: List[ValidatorCache] = []
    real = cache_module.ValidatorCache

    class Recording(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(cache_module, "ValidatorCache", Recording)  # validate imports it when a schema is met
    result = _merged(tmp_path, schema(props(port={"type": "integer", "minimum": 12345})))
    messages = []
    for _ in range(2):
        with pytest.raises(SchemaValidationError) as info:
            validate_values(result.chart, result.values)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert len(made) == 2 and made[0] is not made[1]
    assert [(c.misses, c.hits, len(c)) for c in made] == [(1, 0, 1), (1, 0, 1)]


def test_two_caches_share_nothing(tmp_path):
    result = _merged(tmp_path, schema(props(port={"type": "integer", "pattern": "^[0-9]+$"})))
    first, second = ValidatorCache(), ValidatorCache()
    validate_values(result.chart, result.values, cache=first)
    assert (first.misses, len(first), len(first.regexes)) == (1, 1, 1)
    assert (second.misses, len(second), len(second.regexes)) == (0, 0, 0)
    validate_values(result.chart, result.values, cache=second)
    assert (second.misses, len(second), len(second.regexes)) == (1, 1, 1)
    assert first.hits == second.hits == 0
    assert first.regexes is not second.regexes


def test_pattern_cache_is_bounded(tmp_path):
    patterns = [f"^{letter}" for letter in "abcdef"]
    result = _merged(tmp_path, schema(props(port={"anyOf": [{"pattern": p} for p in patterns]})))
    cache = ValidatorCache(regex_maxsize=2)
    validate_values(result.chart, result.values, cache=cache)
    assert len(cache.regexes) == 2 and cache.regexes.maxsize == 2
    with pytest.raises(ValueError):
        ValidatorCache(regex_maxsize=0)


def test_compile_errors_are_not_cached(tmp_path):
    result = _merged(tmp_path, schema(props(port={"$ref": "https://schemas.example/x.json"})))
    cache = ValidatorCache()
    for _ in range(2):
        with pytest.raises(SchemaRefError):
            validate_values(result.chart, result.values, cache=cache)
    assert len(cache) == 0 and cache.misses == 2


# ---------------------------------------------------------------------------
# Unit: the error object


@dataclass(frozen=True)
class FakeOrigin:
    layer: str
    source: str
    line: int
    column: int

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}:{self.column}"


def test_error_lists_paths_keywords_and_origins(tmp_path):
    chart = write_chart(tmp_path / "c", "image:\n  tag: 5\nreplicas: many\n", name="parent",
                        subcharts={"sub": Subchart("x: a")})
    (chart / "values.schema.json").write_text(schema(props(
        image=props(tag={"type": "string"}), replicas={"type": "integer"}, name={"type": "string"}) | {
        "required": ["name"]}))
    (chart / "charts" / "sub" / "values.schema.json").write_text(SUB_INT)
    result = merge_values(chart, validate_schema=False)
    asked: List[tuple] = []

    def origin(path):
        asked.append(path)
        return FakeOrigin("values file", "values.yaml", 1 + len(path), 3)

    with pytest.raises(SchemaValidationError) as info:
        validate_values(result.chart, result.values, origin=origin, cache=ValidatorCache())
    err = info.value
    got = [(v.path, v.keyword, v.chart) for v in err.violations]
    assert got == [((), "required", "parent"), (("image", "tag"), "type", "parent"),
                   (("replicas",), "type", "parent"), (("sub", "x"), "type", "parent/sub")]
    assert sorted(asked) == sorted(v.path for v in err.violations)
    tag = err.violations[1]
    assert tag.origin == FakeOrigin("values file", "values.yaml", 3, 3)
    assert tag.schema_path == ("properties", "image", "properties", "tag", "type")
    assert tag.schema_source == str(chart / "values.schema.json")
    text = str(err)
    assert "4 violations" in text and "parent, parent/sub" in text
    assert "image.tag: 5 is not of type 'string' [type] (value from values.yaml:3:3, values file)" in text
    assert "parent/sub: sub.x:" in text
    assert isinstance(err, ProfileRenderError)


def test_real_origins_from_merge_result(tmp_path):
    chart = write_chart(tmp_path / "c", "port: 80\n")
    (chart / "values.schema.json").write_text(schema(props(port={"type": "integer"})))
    user = tmp_path / "user.yaml"
    user.write_text("# comment\nport: http\n")
    result = merge_values(chart, [Layer.from_file(user)], validate_schema=False)
    with pytest.raises(SchemaValidationError) as info:
        validate_values(result.chart, result.values, origin=result.origin, cache=ValidatorCache())
    (v,) = info.value.violations
    assert (v.origin.source, v.origin.line) == (str(user), 2)
    assert f"{user}:2:" in str(info.value)


def test_messages_never_quote_long_values(tmp_path):
    secret = "s3cr3t-" + "x" * 5000
    chart = write_chart(tmp_path / "c", json.dumps({"token": secret, "blob": {"k": secret}, "n": secret}))
    (chart / "values.schema.json").write_text(schema(props(
        token={"type": "string", "maxLength": 10, "pattern": "^[a-z]+$", "format": "email"},
        blob={"type": "string"}, n={"enum": ["a", "b"]}), D7))
    result = merge_values(chart, validate_schema=False)
    with pytest.raises(SchemaValidationError) as info:
        validate_values(result.chart, result.values, cache=ValidatorCache())
    assert len(info.value.violations) == 5
    for v in info.value.violations:
        assert "x" * 81 not in v.message, v.message
        assert len(v.message) < 200
    assert "x" * 81 not in str(info.value)


def test_schema_ref_error_names_the_url_and_the_fix(tmp_path):
    result = _merged(tmp_path, schema(props(port={"$ref": "https://schemas.example/port.json#/defs/p"})))
    with pytest.raises(SchemaRefError) as info:
        validate_values(result.chart, result.values, cache=ValidatorCache())
    assert info.value.ref == "https://schemas.example/port.json"
    assert "Helm would download it" in str(info.value) and "local_refs" in info.value.hint


def test_local_refs_resolve_remote_refs_offline(tmp_path):
    uri = "https://schemas.example/port.json"
    result = _merged(tmp_path, schema(props(port={"$ref": uri + "#/definitions/p"})))
    refs = {uri: {"definitions": {"p": {"type": "integer", "maximum": 10}}}}
    with pytest.raises(SchemaValidationError) as info:
        validate_values(result.chart, result.values, cache=ValidatorCache(), local_refs=refs)
    assert info.value.violations[0].keyword == "maximum"


@pytest.mark.parametrize("vocabulary, asserted", [
    ({"https://json-schema.org/draft/2020-12/vocab/core": True,
      "https://json-schema.org/draft/2020-12/vocab/format-assertion": True}, True),
    ({"https://json-schema.org/draft/2020-12/vocab/core": True}, False),
])
def test_custom_meta_schema_from_local_refs_decides_format_assertion(tmp_path, vocabulary, asserted):
    meta_uri = "https://schemas.example/meta"
    meta = {"$schema": D2020, "$id": meta_uri, "$vocabulary": vocabulary, "$dynamicAnchor": "meta",
            "allOf": [{"$ref": D2020}]}
    chart = write_chart(tmp_path / "c", "ip: 1.2.3\n")
    (chart / "values.schema.json").write_text(schema(props(ip={"type": "string", "format": "ipv4"}), meta_uri))
    result = merge_values(chart, validate_schema=False)
    refs = {meta_uri: meta}
    if asserted:
        with pytest.raises(SchemaValidationError):
            validate_values(result.chart, result.values, cache=ValidatorCache(), local_refs=refs)
    else:
        validate_values(result.chart, result.values, cache=ValidatorCache(), local_refs=refs)
    with pytest.raises(SchemaRefError) as info:  # without it, Helm would download the meta-schema
        validate_values(result.chart, result.values, cache=ValidatorCache())
    assert "$schema" in str(info.value)


def test_validate_jsonschema_and_re2_are_not_imported_by_the_merge_path(tmp_path):
    chart = write_chart(tmp_path / "c", "a: 1\n")
    code = (
        "import sys\n"
        "import profile_render\n"
        "from profile_render.values import merge_values\n"
        "from pathlib import Path\n"
        f"merge_values(Path({str(chart)!r}))\n"
        "assert 'profile_render.helm.schema.validate' not in sys.modules, 'merge imported validate'\n"
        "assert 're2' not in sys.modules, 'merge imported re2'\n"
        "import profile_render.helm.schema.validate\n"
        "assert 'jsonschema' not in sys.modules, 'validate imported jsonschema eagerly'\n"
        "assert 're2' not in sys.modules, 'validate imported re2 eagerly'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("pattern, text, matches", [
    ("^a$", "a\n", False), ("(?m)^a$", "b\na\n", True), ("\\d", "\u0663", False), ("[[:upper:]]", "A", True),
    ("(?i)A(?-i)b", "aB", False), ("(?P<x>a)|b", "b", True), ("\\x{1F600}", "\U0001F600", True),
])
def test_go_regex_matching(pattern, text, matches):
    assert compile_go_regex(pattern).search(text) is matches


@pytest.mark.parametrize("pattern", ["(?=a)", "a**", "\\1", "a{1001}", "(?x)a", "[z-a]", "(a"])
def test_go_regex_rejects_what_go_rejects(pattern):
    with pytest.raises(GoRegexError):
        compile_go_regex(pattern)
