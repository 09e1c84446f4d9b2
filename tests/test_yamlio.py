"""The one YAML reader (profile_render.yamlio): depth guard, limits, policies, positions, errors, for all three readers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import profile_render.yamlio.parse as parse_module
from profile_render.checks.read import ManifestError, ManifestLimitError, read_manifests
from profile_render.errors import LimitExceededError, ProfileRenderError, ValuesSyntaxError, ValuesTypeError
from profile_render.orchestrator.catalog import load_catalog
from profile_render.orchestrator.catalog.read import YamlProblem, parse_documents
from profile_render.yamlio.build import CATALOG_RULES, VALUES_RULES, read_documents
from profile_render.yamlio.limits import CATALOG_LIMITS, Limits, deep_nesting_suspected
from profile_render.yamlio.load import load_values, load_yaml_document
from profile_render.yamlio.policy import CATALOG, HELM, KUBERNETES
from profile_render.yamlio.stream import may_define_anchor
from profile_render.yamlio.scalars import as_kubernetes_number, format_float32_key, format_go_float, plain_kind

DEEP_FLOW = "a: " + "[" * 50_000  # crashes the libyaml of PyYAML 6.0.3 when composed
DEEP_BLOCK = "".join(" " * i + "k:\n" for i in range(400))


def read_values(text, limits=None):
    return load_values(text, source="v.yaml", limits=limits)


def read_catalog(text, limits=CATALOG_LIMITS):
    return read_documents(text, rules=CATALOG_RULES, source="c.yaml", limits=limits, positions=True)


def read_stream(text):
    return read_manifests(text, source="m.yaml")


READERS = {"values": read_values, "catalog": read_catalog, "manifests": read_stream}


@pytest.fixture
def no_libyaml(monkeypatch):
    """Make any use of libyaml fail the test: the depth guard must keep deep text away from it."""
    class Refused:
        def __init__(self, text):
            raise AssertionError("libyaml was handed the text")

    monkeypatch.setattr(parse_module, "_CParser", Refused)


# -- the depth guard -----------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("text, line", [(DEEP_FLOW, 1), (DEEP_BLOCK, None)])
def test_depth_guard_refuses_deep_nesting_before_libyaml_sees_it(reader, text, line, no_libyaml):
    with pytest.raises(LimitExceededError) as info:
        READERS[reader](text)
    error = info.value
    assert "levels deep" in error.problem and error.source.endswith(".yaml")
    assert error.line is not None and error.column is not None
    if line is not None:
        assert error.line == line
    assert error.path and error.path[0] in ("a", "k")
    if reader == "manifests":
        assert isinstance(error, ManifestError), "every manifest reading error stays a ManifestError"


def test_depth_guard_in_a_catalog_file_is_a_located_finding(tmp_path: Path):
    (tmp_path / "app.yaml").write_text("specSchema: Application\nname: x\nextra: " + "[" * 50_000 + "\n")
    catalog = load_catalog([tmp_path])
    (finding,) = [f for f in catalog.findings if f.rule == "yaml-syntax"]
    assert (finding.line, finding.column) == (3, 207)
    assert "nested more than 200 levels deep" in finding.message
    with pytest.raises(YamlProblem) as info:
        parse_documents("a: " + "[" * 50_000)
    assert (info.value.line, info.value.column) == (1, 203)


def test_compact_sequences_nest_too():
    with pytest.raises(LimitExceededError) as info:
        read_values("a:\n" + "- " * 3000 + "x\n")
    assert info.value.line == 2


def test_nesting_within_the_limit_is_read_by_both_parsers():
    text = "a: " + "[" * 150 + "x" + "]" * 150 + "\n" + "".join(" " * i + "k:\n" for i in range(150))
    assert not deep_nesting_suspected(text, 400)
    fast = load_values(text, limits=Limits(max_depth=400)).data
    slow = load_values(text, limits=Limits(max_depth=400), use_libyaml=False).data
    assert fast == slow
    inner = fast["a"]
    for _ in range(149):
        (inner,) = inner
    assert inner == ["x"]


def test_deep_nesting_is_suspected_cheaply_and_ordinary_text_is_not():
    ordinary = "".join(f"c{i}:\n  image: {{repository: r, tag: '1.0'}}\n  ports: [80, 443]\n" for i in range(500))
    assert not deep_nesting_suspected(ordinary, 200)
    assert deep_nesting_suspected(DEEP_FLOW, 200) and deep_nesting_suspected(DEEP_BLOCK, 200)
    assert deep_nesting_suspected("a:\n" + "  " * 60 + "- x\n", 200)


def test_limit_exactly_at_the_depth_is_located_with_its_path():
    with pytest.raises(LimitExceededError) as info:
        load_values("a:\n  b: [[x]]\n", limits=Limits(max_depth=3))
    assert (info.value.line, info.value.column, info.value.path) == (2, 7, ("a", "b", 0))
    assert load_values("a:\n  b: [x]\n", limits=Limits(max_depth=3)).data == {"a": {"b": ["x"]}}


def test_libyaml_own_nesting_limit_is_reported_as_a_limit():
    # Quoted closing brackets hide the real nesting from the cheap estimate; libyaml stops at 1000 levels.
    text = "a: " + '[ "]", ' * 5000
    assert not deep_nesting_suspected(text, 900)
    with pytest.raises(LimitExceededError) as info:
        load_values(text, limits=Limits(max_depth=900))
    assert info.value.line == 1 and "nesting depth" in info.value.problem


# -- alias and node budgets, for every reader ------------------------------------------------------


LAUGHS = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 12))


@pytest.mark.parametrize("reader", READERS)
def test_alias_bombs_are_refused_by_every_reader(reader):
    with pytest.raises(LimitExceededError) as info:
        READERS[reader](LAUGHS)
    assert "nodes" in info.value.problem and info.value.line is not None


def test_node_budget_covers_every_document_of_a_text():
    text = "a: [1, 2, 3]\n---\nb: [1, 2, 3]\n"
    assert read_values(text, Limits(max_nodes=12)).data == {"a": [1, 2, 3], "b": [1, 2, 3]}
    with pytest.raises(LimitExceededError) as info:
        read_values(text, Limits(max_nodes=11))
    assert "more than 11 nodes" in info.value.problem and info.value.line == 3
    assert "Limits.max_nodes" in info.value.hint
    assert [d.value for d in read_catalog(text, Limits(max_nodes=12))] == [{"a": [1, 2, 3]}, {"b": [1, 2, 3]}]
    with pytest.raises(LimitExceededError) as info:
        read_catalog("a: &x [1, 2]\nb: [*x, *x, *x]\n", Limits(max_nodes=10))
    assert (info.value.line, info.value.column) == (2, 9), "the alias whose copy passes the budget"
    assert "Limits" not in info.value.hint, "catalog and manifest limits are not the caller's to raise"


def test_alias_expansion_limit_counts_the_copies():
    text = "base: &b {x: 1}\none: *b\ntwo: *b\n"  # each copy is three nodes: a mapping, a key, a value
    assert read_values(text, Limits(max_alias_expansion=6)).data["two"] == {"x": 1}
    with pytest.raises(LimitExceededError) as info:
        read_values(text, Limits(max_alias_expansion=5))
    assert "aliases expand to more than 5 nodes" in info.value.problem


@pytest.mark.parametrize("reader", READERS)
def test_undefined_and_recursive_aliases_are_located(reader):
    with pytest.raises(ProfileRenderError) as info:
        READERS[reader]("a: 1\nb: *nope\n")
    assert (info.value.line, info.value.column) == (2, 4)
    assert "undefined alias 'nope'" in info.value.problem and "anchor" in info.value.hint
    with pytest.raises(ProfileRenderError) as info:
        READERS[reader]("a: &x [1, *x]\n")
    assert (info.value.line, info.value.column) == (1, 4) and "recursive alias" in info.value.problem


@pytest.mark.parametrize("reader", READERS)
def test_a_redefined_anchor_serves_later_aliases(reader):
    # go-yaml (v2 and v3) lets an anchor be defined again; libyaml's composer refused it.
    result = READERS[reader]("a: &x 1\nb: *x\nc: &x [2]\nd: *x\n")
    value = result.data if reader == "values" else result[0][0] if reader == "manifests" else result[0].value
    assert value == {"a": 1, "b": 1, "c": [2], "d": [2]}


def test_aliases_are_fresh_copies_and_repeat_their_duplicate_keys():
    loaded = read_values("p: &x {a: 1, a: 2}\nq: [*x, *x]\n")
    assert loaded.data["q"] == [{"a": 2}, {"a": 2}] and loaded.data["q"][0] is not loaded.data["q"][1]
    assert [w.line for w in loaded.warnings] == [1, 1, 1]  # go-yaml decodes each copy again


# -- positions and duplicates ------------------------------------------------------------------------


def test_positions_point_at_keys_items_anchors_and_merged_keys():
    (document,) = read_catalog("base: &b {p: 1, q: [x, y]}\nm:\n  <<: *b\n  q: 2\nl: [*b, z]\n")
    positions = document.positions
    assert positions[("m",)] == (2, 1)
    assert positions[("m", "p")] == (1, 11), "a merged key sits where its anchor's does"
    assert positions[("m", "q")] == (4, 3), "an explicit key wins over a merged one, position too"
    assert positions[("l", 0)] == (1, 7) and positions[("l", 0, "q", 1)] == (1, 24)
    assert positions[("l", 1)] == (5, 9)


def test_duplicates_are_recorded_by_every_reader():
    text = "a: 1\nb: 2\na: 3\n"
    assert [(w.line, w.column, w.path) for w in read_values(text).warnings] == [(3, 1, ("a",))]
    (document,) = read_catalog(text)
    assert [(d.path, d.line, d.column, d.first_line) for d in document.duplicates] == [(("a",), 3, 1, 1)]
    ((obj, positions),) = read_stream(text)
    assert obj == {"a": 3, "b": 2} and positions.duplicates == ((("a",), 3, 1, 1),)


def test_values_pieces_keep_their_line_numbers():
    with pytest.raises(ValuesTypeError) as info:
        read_values("a: 1\n---\nb: 2\nc: .inf\n")
    assert (info.value.line, info.value.column, info.value.path) == (4, 4, ("c",))
    with pytest.raises(ValuesSyntaxError) as info:
        read_values("a: 1\n---\nb: [1\n")
    assert info.value.line == 4


# -- located syntax errors ------------------------------------------------------------------------------


def test_syntax_errors_name_where_the_broken_construct_starts():
    with pytest.raises(ValuesSyntaxError) as info:
        read_values("a:\n  b: 1\n c: 2\n")
    error = info.value
    assert (error.line, error.column) == (3, 2)
    assert error.problem.endswith("(while parsing a block mapping that starts at line 1, column 1)")
    assert error.hint == "check the indentation near this position"


@pytest.mark.parametrize("reader, hint", [
    ("values", "a value starting with '%' must be quoted, e.g. key: '%GeneratedDockerCredential%'"),
    ("catalog", "a value starting with '%' must be quoted"),
    ("manifests", "a value starting with '%' must be quoted"),
])
def test_quoting_hints(reader, hint):
    with pytest.raises(ProfileRenderError) as info:
        READERS[reader]("a: ok\nb: %x%\n")
    assert (info.value.line, info.value.column, info.value.hint) == (2, 4, hint)


@pytest.mark.parametrize("reader, subject", [("values", "the file is"), ("manifests", "the manifests are")])
def test_invalid_bytes_are_located(reader, subject):
    with pytest.raises(ProfileRenderError) as info:
        READERS[reader](b"a: ok\nb: \xff\n")
    assert (info.value.line, info.value.column) == (2, 4)
    assert info.value.problem == f"{subject} not valid UTF-8 text (byte 0xff)"


# -- scalar policies ------------------------------------------------------------------------------------


def test_the_three_policies_read_yaml_1_1_words_as_their_readers_do():
    text = "a: yes\nb: y\nc: on\nd: true\n"
    assert read_values(text).data == {"a": True, "b": True, "c": True, "d": True}
    assert read_catalog(text)[0].value == {"a": "yes", "b": "y", "c": "on", "d": True}
    assert read_stream(text)[0][0] == {"a": True, "b": "y", "c": True, "d": True}
    assert (HELM.name, KUBERNETES.name, CATALOG.name) == (
        "go-yaml v2 (Helm)", "go-yaml v2 (Kubernetes)", "yaml.v3 (catalog)")


def test_numbers_as_helm_and_kubernetes_decode_json():
    text = "big: 9007199254740993\nf: 1.0\ne: 1.5e10\nu: 18446744073709551615\nneg: -0.0\n"
    assert read_values(text).data == {"big": 9007199254740992.0, "f": 1, "e": 15000000000,
                                      "u": 1.8446744073709552e19, "neg": -0.0}
    manifest = read_stream(text)[0][0]
    assert manifest == {"big": 9007199254740993, "f": 1, "e": 15000000000, "u": 1.8446744073709552e19, "neg": 0}
    assert [type(v) for v in manifest.values()] == [int, int, int, float, int]
    assert as_kubernetes_number("float", 1e21) == 1e21 and as_kubernetes_number("int", 2**63 - 1) == 2**63 - 1


def test_go_formatting_helpers_are_public():
    assert format_go_float(1e21, 64) == "1e+21" and format_go_float(0.0001, 64) == "0.0001"
    assert format_float32_key(3.14159265358979) == "3.1415927" and format_float32_key(float("inf")) == ".inf"
    assert plain_kind("0x1F") == "int" and plain_kind("2001-12-14") == "timestamp" and plain_kind("") == "null"


def test_chart_yaml_documents_read_any_value():
    assert load_yaml_document("name: x\nversion: 1.0\n") == {"name": "x", "version": 1}
    assert load_yaml_document("- 1\n") == [1] and load_yaml_document("") is None
    assert load_yaml_document("a: 1\n--- {b: 2}\n") == {"a": 1}, "only the first YAML document counts"


def test_values_rules_name_what_callers_may_tune():
    assert VALUES_RULES.limit_hint("flatten the structure", "max_depth") == \
        "flatten the structure or raise Limits.max_depth"
    assert CATALOG_RULES.limit_hint("flatten the structure", "max_depth") == "flatten the structure"


# -- manifests: where the go-yaml v2 / sigs.k8s.io/yaml reading differs from the PyYAML one it replaced ------

# (text, what Kubernetes' reading gives now, what PyYAML's SafeConstructor gave before)
MANIFEST_DIFFERENCES = [
    ("v: 1:30", {"v": "1:30"}, {"v": 90}),  # no base-60 numbers
    ("v: 0o17", {"v": 15}, {"v": "0o17"}),  # Go's octal prefix
    ("v: 1e3", {"v": 1000}, {"v": "1e3"}),  # a float without a dot
    ("v: 1.0", {"v": 1}, {"v": 1.0}),  # an integral float is an int64 once through JSON
    ("v: !!float 1", {"v": 1}, {"v": 1.0}),
    ("v: !!binary aGVsbG8=", {"v": "hello"}, {"v": "aGVsbG8="}),  # binary is decoded
    ("1.0: a", {"1": "a"}, {"1.0": "a"}),  # float keys in Go's shortest 32-bit form
    ("a: 1\n<<: {a: 2, b: 3}", {"a": 2, "b": 3}, {"a": 1, "b": 3}),  # a merge key applies where it stands
    ("v: ! 12", {"v": "12"}, {"v": 12}),  # the non-specific tag keeps the text
    ("v: 12345678901234567890", {"v": 1.2345678901234567e19}, {"v": 12345678901234567890}),  # beyond int64
    ("a: &x 1\nb: &x 2\nc: *x", {"a": 1, "b": 2, "c": 2}, None),  # a redefined anchor (was refused)
]
MANIFEST_REFUSALS = [
    ("v: .inf", "'.inf' is +Inf, which JSON (and so Kubernetes) cannot represent"),  # was float("inf")
    ("v: .nan", "'.nan' is NaN"),  # was float("nan")
    ("~: 1", "a mapping key is null"),  # was the key "null"
    ("null: 1", "a mapping key is null"),
    ("v: !!int abc", "cannot decode the value (a !!str) as !!int"),  # was an uncaught ValueError
    ('v: "\\/"', "found unknown escape character"),  # go-yaml v2 has no \/ escape; was "/"
]


@pytest.mark.parametrize("text, now, before", MANIFEST_DIFFERENCES)
def test_manifests_read_as_kubernetes_reads_them(text, now, before):
    ((obj, _positions),) = read_stream(text)
    assert obj == now and [type(v) for v in obj.values()] == [type(v) for v in now.values()]
    assert repr(obj) != repr(before)


@pytest.mark.parametrize("text, problem", MANIFEST_REFUSALS)
def test_manifests_refuse_what_kubernetes_refuses(text, problem):
    with pytest.raises(ManifestError) as info:
        read_stream(text)
    assert problem in info.value.problem and info.value.line == 1 and info.value.source == "m.yaml"


def test_manifests_keep_single_letter_booleans_as_text():
    # go-yaml v2 (and so Kubernetes) reads y/Y/n/N as booleans; the manifest reader keeps
    # PyYAML's reading of them, which tests/test_manifests.py pins ("n: 5" keeps its key).
    ((obj, _),) = read_stream("n: 5\ny: N\nyes: on\n")
    assert obj == {"n": 5, "y": "N", "true": True}
    assert read_values("n: 5\ny: N\n").data == {"false": 5, "true": False}


def test_manifest_errors_never_quote_values():
    with pytest.raises(ManifestError) as info:
        read_stream("kind: Secret\ndata:\n  token: !!int CANARY-secret\n")
    assert "CANARY" not in str(info.value) and (info.value.line, info.value.column) == (3, 10)
    with pytest.raises(ValuesTypeError) as info:
        read_values("a: !!int abc\n")
    assert "'abc'" in info.value.problem, "values errors quote the text, as Helm's do"


def test_manifest_limit_errors_are_both_kinds():
    assert issubclass(ManifestLimitError, ManifestError) and issubclass(ManifestLimitError, LimitExceededError)
    with pytest.raises(ManifestLimitError):
        read_stream(LAUGHS)


# -- which texts may define anchors (the choice of builder) -----------------------------------------


@pytest.mark.parametrize("text", [
    "## The value must be >0 && <=86400 if ServiceAffinity == \"ClientIP\"\na: 1\n",
    "a: 1  # see &anchors && aliases\n",
    "#&x\na: 1\n",
    "a: \"x &y\"\n",
    "a: 'x &y'\n",
    "a: 'it''s &x'\n",
    "l: [\"&a\", '&b']\n",
    "a: b&c\n",
    "cmd: make&&make install\n",
])
def test_ampersands_in_comments_quoted_text_or_plain_text_are_no_anchors(text):
    assert not may_define_anchor(text)
    assert read_values(text).data == yaml.load(text, Loader=yaml.CSafeLoader)  # and the text reads as YAML does


@pytest.mark.parametrize("text, expected", [
    ("a: &x 1\nb: *x\n", {"a": 1, "b": 1}),
    ("&k key: 1\nv: *k\n", {"key": 1, "v": "key"}),
    ("- &a x\n- *a\n", None),
    ("a: [1, &b 2, *b]\n", {"a": [1, 2, 2]}),
    ("a: !!str &c 3\nb: *c\n", {"a": "3", "b": "3"}),
    ("a: {k: &d v}\nb: *d\n", {"a": {"k": "v"}, "b": "v"}),
    ("x: \"q\" # a comment\nw: &e 1\nz: *e\n", {"x": "q", "w": 1, "z": 1}),
    ("a: &x 1\nb: &x 2\nc: *x\n", {"a": 1, "b": 2, "c": 2}),  # defined again: the later one counts
    ("a: &x 1 # && in the comment after it\nb: *x\n", {"a": 1, "b": 1}),
    ("a: 'q' # c\nb: &y [1]\nc: *y\n", {"a": "q", "b": [1], "c": [1]}),
])
def test_real_anchors_are_seen_and_read_by_the_builder_for_anchors(text, expected, monkeypatch):
    assert may_define_anchor(text)
    from profile_render.yamlio import anchored

    used = []
    real = anchored.anchored_document
    monkeypatch.setattr(anchored, "anchored_document", lambda *args: used.append(1) or real(*args))
    documents = read_documents(text, rules=VALUES_RULES, source="v.yaml", limits=Limits())
    if expected is not None:
        assert documents[0].value == expected
    assert used  # the streaming builder for anchors read it, not the full builder after a false start


def test_a_comment_with_ampersands_keeps_the_text_on_the_fast_paths(monkeypatch):
    from profile_render.yamlio import anchored

    text = "".join(f"# >0 && <=86400 ({i})\nk{i}:\n  v: {i}\n" for i in range(50))
    monkeypatch.setattr(anchored, "anchored_document", lambda *args: pytest.fail("read as if it held anchors"))
    loaded = load_values(text + "---\nk0:\n  w: 1\n")
    assert loaded.data["k49"] == {"v": 49} and loaded.data["k0"] == {"v": 0, "w": 1}
    assert loaded.locate(("k49", "v")) == (150, 3)


def test_a_text_full_of_ampersands_is_looked_at_once():
    import time

    text = "# " + "&x " * 300_000 + "\n" + "a: '&y'\n" * 1000
    start = time.perf_counter()
    assert not may_define_anchor(text)
    assert may_define_anchor("- " + "&&" * 500_000)  # might be an anchor named "&&&..."
    assert may_define_anchor(text + "b: &z 1\n")
    assert time.perf_counter() - start < 5  # one pass per line; quadratic would take minutes
