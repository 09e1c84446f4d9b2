"""Loader behaviour that needs no Helm binary: errors, limits, warnings, the fallback parser."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from profile_render.yamlio import parse as parse_module
from profile_render.errors import (
    LimitExceededError,
    ProfileRenderError,
    StrictModeError,
    ValuesSyntaxError,
    ValuesTypeError,
)
from profile_render.yamlio.load import Limits, load_values, load_values_file


def test_libyaml_is_used_on_this_machine():
    assert parse_module.LIBYAML, "PyYAML should be built with libyaml here (the hot path)"


def test_unquoted_placeholder_gets_quote_hint():
    with pytest.raises(ValuesSyntaxError) as info:
        load_values("image:\n  pullSecret: %GeneratedDockerCredential%\n", source="profile.yaml")
    err = info.value
    assert (err.source, err.line, err.column) == ("profile.yaml", 2, 15)
    assert "quote" in err.hint and "'%GeneratedDockerCredential%'" in err.hint
    assert str(err).startswith("profile.yaml:2:15: ")


def test_syntax_error_position_and_hint():
    with pytest.raises(ValuesSyntaxError) as info:
        load_values("a:\n  b: 1\n c: 2\n", source="v.yaml")
    assert (info.value.line, info.value.column) == (3, 2)
    assert info.value.hint


def test_tab_indentation_hint():
    with pytest.raises(ValuesSyntaxError) as info:
        load_values("a:\n\tb: 1\n", source="v.yaml")
    assert info.value.line == 2
    assert "tab" in info.value.hint.lower()


def test_invalid_utf8_names_position():
    with pytest.raises(ValuesSyntaxError) as info:
        load_values(b"a: ok\nb: \xff\xfe\n", source="v.yaml")
    assert (info.value.line, info.value.column) == (2, 4)
    assert "UTF-8" in info.value.problem


def test_control_character_is_a_syntax_error_with_position():
    with pytest.raises(ValuesSyntaxError) as info:
        load_values("a: 1\nb: x\x07\n", source="v.yaml")
    assert info.value.line == 2


@pytest.mark.parametrize(
    "text, problem",
    [
        ("- 1\n- 2\n", "not a list"),
        ("just text\n", "not a str"),
        ("a: 1\n---\n- x\n", "not a list"),
        ("~: 1\n", "null"),
        ("a: .inf\n", "Inf"),
        ("a: .nan\n", "NaN"),
        ("? [a]\n: 1\n", "collection"),
        ("a: !!int abc\n", "!!int"),
        ("a: !!binary '%%%'\n", "base64"),
    ],
)
def test_helm_rejected_documents_raise_type_errors(text, problem):
    with pytest.raises(ValuesTypeError) as info:
        load_values(text, source="v.yaml")
    assert problem in str(info.value)
    assert info.value.line is not None


def test_empty_and_comment_only_documents_are_empty_maps():
    assert load_values("").data == {}
    assert load_values("# nothing\n---\n").data == {}


def test_duplicate_key_warns_with_both_lines_and_keeps_last():
    loaded = load_values("a: 1\nb: 2\na: 3\n", source="v.yaml")
    assert loaded.data == {"a": 3, "b": 2}
    (warning,) = loaded.warnings
    assert warning.code == "duplicate-key"
    assert (warning.source, warning.line, warning.column) == ("v.yaml", 3, 1)
    assert "line 3" in warning.message and "line 1" in warning.message
    assert warning.path == ("a",)


def test_boolean_spellings_collide_as_keys():
    loaded = load_values("y: 1\nyes: 2\n")
    assert loaded.data == {"true": 2}
    assert [w.code for w in loaded.warnings] == ["duplicate-key"]


def test_strict_turns_warning_into_error():
    with pytest.raises(StrictModeError) as info:
        load_values("a: 1\na: 2\n", source="v.yaml", strict=True)
    assert info.value.line == 2
    assert "strict" in info.value.hint


def test_size_limit_is_checked_before_parsing():
    with pytest.raises(LimitExceededError) as info:
        load_values("a: " + "x" * 200 + "\n", limits=Limits(max_bytes=100), source="big.yaml")
    assert "100" in info.value.problem and info.value.source == "big.yaml"
    assert "max_bytes" in info.value.hint


def test_default_size_limit_is_the_catalog_cap():
    assert Limits().max_bytes == 4_000_000


def test_depth_limit():
    nested = "a: " + "[" * 30 + "]" * 30 + "\n"
    load_values(nested, limits=Limits(max_depth=40))
    with pytest.raises(LimitExceededError) as info:
        load_values(nested, limits=Limits(max_depth=10))
    assert "10 levels" in info.value.problem and info.value.line == 1


def test_extremely_deep_flow_nesting_is_refused_cleanly():
    with pytest.raises(ProfileRenderError):
        load_values("a: " + "[" * 100_000 + "]" * 100_000)


def _billion_laughs(levels: int = 12) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        refs = ", ".join([f"*l{i - 1}"] * 10)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_fails_fast_with_bounded_memory():
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(LimitExceededError) as info:
            load_values(_billion_laughs())
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "alias" in info.value.problem
    # Functional bound, not a benchmark: exponential expansion would take minutes and gigabytes.
    assert elapsed < 1.0
    assert peak < 20 * 1024 * 1024


def test_alias_limit_is_configurable_and_aliases_are_copies():
    text = "base: &b {x: 1}\none: *b\ntwo: *b\n"
    data = load_values(text).data
    assert data == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1}}
    assert data["one"] is not data["two"], "aliases must not share mutable state"
    with pytest.raises(LimitExceededError):
        load_values(text, limits=Limits(max_alias_expansion=1))


def test_recursive_alias_is_refused():
    with pytest.raises(ValuesTypeError) as info:
        load_values("a: &x [1, *x]\n")
    assert "recursive" in info.value.problem


def test_limits_validate_themselves():
    with pytest.raises(ValueError):
        Limits(max_depth=0)
    with pytest.raises(ValueError):
        Limits(max_depth=5000)


def test_load_values_file_errors(tmp_path):
    with pytest.raises(ValuesSyntaxError) as info:
        load_values_file(tmp_path / "missing.yaml")
    assert info.value.source.endswith("missing.yaml") and info.value.hint
    with pytest.raises(ValuesSyntaxError):
        load_values_file(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 50)
    with pytest.raises(LimitExceededError):
        load_values_file(big, limits=Limits(max_bytes=10))


def test_bom_is_ignored():
    assert load_values(b"\xef\xbb\xbfa: 1\n").data == {"a": 1}


def test_locate_finds_keys_across_documents_and_merges():
    text = "a:\n  b: 1\n---\na:\n  c: 2\nbase: &x {p: 1}\nm:\n  <<: *x\n  q: 2\nl: [x, y]\n"
    loaded = load_values(text, source="v.yaml")
    assert loaded.locate(("a", "c")) == (5, 3)
    assert loaded.locate(("a", "b")) == (2, 3)
    assert loaded.locate(("m", "q")) == (9, 3)
    assert loaded.locate(("m", "p")) == (6, 11)
    assert loaded.locate(("l", 1)) == (10, 8)
    assert loaded.locate(("nope",)) is None


# -- the pure-Python fallback must read everything exactly like libyaml does ------------

_scalars = st.one_of(
    st.sampled_from(["y", "n", "yes", "off", "~", "null", "0755", "0o17", "0x1F", "1_000", "1e3", "1.5",
                     "-0", "+12", "2001-12-14", "1:30", ".5", "true", "x", "''", '"q"', "!!str 12", "0b101"]),
    st.integers(-10**20, 10**20).map(str),
    st.text("abcxyz019.-_ ", min_size=1, max_size=6).map(lambda s: repr(s.strip() or "s")),
)


@st.composite
def _documents(draw):
    keys = draw(st.lists(st.sampled_from(["a", "b", "y", "1", "on", "k"]), min_size=1, max_size=5))
    lines = []
    for key in keys:
        if draw(st.booleans()):
            lines.append(f"{key}: {draw(_scalars)}")
        else:
            items = draw(st.lists(_scalars, max_size=3))
            lines.append(f"{key}: [{', '.join(items)}]")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(_documents())
def test_fallback_parser_matches_libyaml(text):
    def outcome(use_libyaml):
        try:
            loaded = load_values(text, use_libyaml=use_libyaml)
            return ("ok", loaded.data, [w.code for w in loaded.warnings])
        except ProfileRenderError as exc:
            return ("error", type(exc).__name__, exc.line)

    assert outcome(True) == outcome(False)


# -- fuzzing the loader up to and past its limits ---------------------------------------------

_leaves = st.sampled_from(
    ["1", "y", "x", "~", "''", '"q"', "0x1F", "1e400", "!!int 3", "! 12", "!!binary aGk=", "2001-12-14",
     "&a 1", "&b [1, 2]", "&c {k: v}", "[]", "{}"] * 6
    + ["*a", "*b", "*c", ".inf", "!!int x"] * 2  # aliases that may be undefined, refused scalars
    + ["%x", "@", "'", "{", "]", "? k"]  # broken syntax
)
_keys = st.sampled_from(["a", "b", "y", "1", "1.5", "'q'"] * 4 + ["~", "<<", "[k]", "*a"])


_properties = st.sampled_from(["", "", "", "", "&a ", "&b ", "&c ", "!!map ", "!foo "])


def _flow_node(children):
    return st.one_of(
        st.tuples(_properties, st.lists(children, max_size=4)).map(lambda p: p[0] + "[" + ", ".join(p[1]) + "]"),
        st.tuples(_properties, st.lists(st.tuples(_keys, children), max_size=4)).map(
            lambda p: p[0] + "{" + ", ".join(f"{k}: {v}" for k, v in p[1]) + "}"),
    )


_flow = st.recursive(_leaves, _flow_node, max_leaves=25)


def _laughs(levels: int) -> str:
    lines = ["l0: &l0 [x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 4)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@st.composite
def _growing_texts(draw):
    """Values texts that nest (flow and block), alias, merge, grow and break: they reach every limit."""
    pieces = []
    for _ in range(draw(st.integers(1, 2))):
        shape = draw(st.sampled_from(["flow", "deep", "unclosed", "block", "laughs", "merge", "wide", "wide"]))
        if shape == "flow":
            piece = "a: " + draw(_flow) + "\nb: " + draw(_flow) + "\n"
        elif shape == "deep":
            n = draw(st.integers(0, 120))
            piece = "a: " + "[" * n + draw(_flow) + "]" * n + "\n"
        elif shape == "unclosed":
            piece = "a: " + draw(st.sampled_from(["[", "{a: ", "- "])) * draw(st.integers(1, 3000))
        elif shape == "block":
            n = draw(st.integers(1, 60))
            piece = draw(st.sampled_from([
                "".join(" " * i + "k:\n" for i in range(n)),
                "".join(" " * (2 * i) + "- k:\n" for i in range(n)),
                "a:\n" + "- " * n + "x\n",
            ]))
        elif shape == "laughs":
            piece = _laughs(draw(st.integers(1, 8)))
        elif shape == "merge":
            piece = f"base: &a {draw(_flow)}\nm:\n  <<: *a\n  k: {draw(_flow)}\nl: [*a, *a]\n"
        else:
            piece = "".join(f"k{i}: {draw(_flow)}\n" for i in range(draw(st.integers(1, 40))))
        pieces.append(piece)
    return "---\n".join(pieces)


_small_limits = st.builds(Limits, max_bytes=st.one_of(st.integers(20, 2_000), st.just(4_000_000)),
                          max_depth=st.integers(1, 40), max_alias_expansion=st.integers(1, 300),
                          max_nodes=st.integers(1, 1_000))


def _depth(value):
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _nodes(value):
    if isinstance(value, dict):
        return 1 + sum(1 + _nodes(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_nodes(v) for v in value)
    return 1


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), _growing_texts()), st.one_of(st.just(Limits()), _small_limits),
       st.booleans())
@example("\x1f\\/", Limits(), True)  # a control character on the pure-Python reader path (found by CI)
@example("a: \"\\'\"\x07", Limits(), True)
@example("\ufeffa\ufeff: 1\x1f", Limits(), True)
@example("a: " + "[" * 50_000, Limits(), True)  # deeper than libyaml's own limit
@example(_laughs(12), Limits(), True)  # an alias bomb
@example("a: " + "[" * 30 + "]" * 30 + "\n", Limits(max_depth=30), False)  # exactly too deep
def test_arbitrary_text_never_raises_anything_else(text, limits, use_libyaml):
    """Any text, within or past any limits, gives values within the limits or a ProfileRenderError."""
    try:
        loaded = load_values(text, limits=limits, use_libyaml=use_libyaml)
    except ProfileRenderError as exc:
        assert exc.source == "<string>" and exc.problem
        return
    assert isinstance(loaded.data, dict)
    assert len(text.encode("utf-8")) <= limits.max_bytes
    assert _depth(loaded.data) <= limits.max_depth
    assert _nodes(loaded.data) <= limits.max_nodes


@settings(max_examples=100, deadline=None)
@given(_growing_texts(), _small_limits)
def test_limits_refuse_alike_with_either_parser(text, limits):
    """Both parsers accept the same texts within the limits and refuse the same ones past them."""
    def outcome(use_libyaml):
        try:
            return ("ok", load_values(text, limits=limits, use_libyaml=use_libyaml).data)
        except LimitExceededError:
            return ("limit",)
        except ProfileRenderError:
            return ("error",)

    fast, slow = outcome(True), outcome(False)
    assert fast == slow or {fast[0], slow[0]} == {"error"}
