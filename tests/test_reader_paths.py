"""The reader's fast paths give exactly what its exact paths give.

The YAML boundary reads most texts the fast way and keeps an exact way for
the rest: the streaming builder and the full builder, libyaml mended for
go-yaml v2 and the pure-Python parser, one stream for a multi-piece values
text and one parser per piece, the top-level index of ``locate`` and a
whole-text scan, events to libyaml's emitter and PyYAML's representer. Each
pair is run on the same generated texts (which reach every limit) and must
agree: values, positions, repeated keys, and the error when there is one.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Tuple
from unittest import mock

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from profile_render.checks.read import MANIFEST_RULES
from profile_render.emit import _HelmDumper, to_yaml
from profile_render.errors import ProfileRenderError
from profile_render.yamlio import build, load, parse
from profile_render.yamlio.build import CATALOG_RULES, VALUES_RULES, read_documents
from profile_render.yamlio.limits import Limits
from profile_render.yamlio.load import load_values, locate_in_text
from profile_render.yamlio.scalars import SPECIAL_START, _SPECIAL
from tests.test_load import _flow, _growing_texts, _small_limits

def _always(text: str) -> bool:
    return True  # every text may hold anchors: the builder for anchors reads it


def _never(text: str) -> bool:
    return False  # no text holds anchors: the streaming builder meets them and gives up
_RULES = {"values": VALUES_RULES, "catalog": CATALOG_RULES, "manifests": MANIFEST_RULES}


@contextmanager
def _patched(target: Any, name: str, value: Any) -> Iterator[None]:
    with mock.patch.object(target, name, value):
        yield


def _read(text: str, rules: Any, limits: Limits, positions: bool) -> Tuple[Any, ...]:
    """A comparable outcome of read_documents: documents, or the error's class, text and location."""
    try:
        documents = read_documents(text, rules=rules, source="s.yaml", limits=limits, positions=positions)
    except ProfileRenderError as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("ok", [(repr(d.value), d.line, d.column, sorted((d.positions or {}).items(), key=repr), d.duplicates)
                   for d in documents])


# Texts with repeated keys, quoted and tagged scalars, refusals, flow and block nesting, syntax errors.
_atoms = st.sampled_from(["a", "y", "no", "1", "0x1f", "1.5", ".nan", "~", "''", '"q"', "'s'", "!!int 3", "!!str 4",
                          "!!float x", "[1, 2]", "{x: 1}", "[]", "{}", "k", "é", "2001-01-01", "!!binary aGk=",
                          "[[a]]", "{? a : b}", "!!map {a: 1}", "%x", "- x", "<<", "{[1]: 2}"])
_keys = st.sampled_from(["a", "b", "y", "1", "'q'", "\"d\"", "~", "[k]", "<<", "!!int 5", "k"])


@st.composite
def _block(draw: Any, depth: int = 0) -> str:
    lines = []
    indent = "  " * depth
    for _ in range(draw(st.integers(1, 6))):
        key, shape = draw(_keys), draw(st.integers(0, 3))
        if shape == 0 or depth > 4:
            lines.append(f"{indent}{key}: {draw(_atoms)}")
        elif shape == 1:
            lines.append(f"{indent}{key}:\n{draw(_block(depth + 1))}")
        elif shape == 2:
            lines.append(f"{indent}{key}:" + "".join(f"\n{indent}- {draw(_atoms)}" for _ in range(draw(st.integers(0, 3)))))
        else:
            lines.append(f"{indent}{key}: {draw(_flow)}")
    return "\n".join(lines)


_texts = st.one_of(_block().map(lambda t: t + "\n"), _growing_texts(),
                   st.lists(_block(), min_size=2, max_size=4).map(lambda ts: "\n---\n".join(ts) + "\n"))
_limits = st.one_of(st.just(Limits()), _small_limits)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts, st.sampled_from(sorted(_RULES)), _limits, st.booleans())
@example("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n", "values", Limits(), True)
@example("a: .nan\nb: [", "values", Limits(), False)  # the parser error later in the document wins
@example("a: .nan\nb: " + "[" * 50 + "\n", "values", Limits(max_depth=10), False)
@example("x: 1\n" + "[k]: 1\n", "catalog", Limits(), True)
def test_the_streaming_builders_read_as_the_full_builder(text: str, reader: str, limits: Limits, positions: bool):
    with _patched(build, "read_streamed", _give_up):
        full = _read(text, _RULES[reader], limits, positions)
    with _patched(build, "may_define_anchor", _never):
        assert _read(text, _RULES[reader], limits, positions) == full  # anchors make it give up
    with _patched(build, "may_define_anchor", _always):
        assert _read(text, _RULES[reader], limits, positions) == full  # the builder for anchors


def _give_up(*args: Any, **kwargs: Any) -> Any:
    raise build.Fallback


_anchor_texts = st.sampled_from([
    "a: &x {k: 1, k: 2}\nb: *x\nc: [*x, *x]\n",
    "a: &x [1, &y {z: 1}]\nb: *y\nc: *x\n*y : 1\n",
    "&k key: 1\nv: *k\n*k : 2\n",
    "a: &x [&x 1, *x]\nb: *x\n",
    "a: &n ~\n*n : 1\n",
    "a: &c [1]\n*c : 2\n",
    "a: &q .nan\n",
    "&q .inf: 1\nb: *q\n",
    "a: &d " + "[" * 8 + "]" * 8 + "\nb: [[[[[*d]]]]]\n",
    "a: &m {x: 1}\nb:\n  <<: *m\n  y: 2\n",
    "a: *nope\n",
    "a: &r [*r]\n",
    "a: &s " + "x" * 500 + "\nb: [" + ", ".join(["*s"] * 20) + "]\n",
    "l0: &l0 [x, x, x, x]\nl1: &l1 [*l0, *l0, *l0, *l0]\nl2: &l2 [*l1, *l1, *l1, *l1]\nl3: [*l2, *l2]\n",
])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_anchor_texts, _block().map(lambda t: t + "\n")), min_size=1, max_size=3).map("".join),
       st.sampled_from(sorted(_RULES)), _limits, st.booleans())
def test_the_builder_for_anchors_reads_as_the_full_builder(text: str, reader: str, limits: Limits,
                                                            positions: bool):
    with _patched(build, "read_streamed", _give_up):
        full = _read(text, _RULES[reader], limits, positions)
    with _patched(build, "may_define_anchor", _always):
        assert _read(text, _RULES[reader], limits, positions) == full


_escapes = st.sampled_from(['"it\\\'s"', "'a\\'", "'a\\''", "a\\'b", '"x\\/y"', '"\\\\/"', '"\\\\\'"', '"\\\\\\\'"',
                            "\ufeffk", "v\ufeff", '"q\\"q"', 'p"q', "x # c\\'x", "|\n  it\\'s \"x\"\n",
                            ">\n  a\\'b\n", '"a\\\n  b\\\'c"', "plain", "[a\\'b, \"c\\'d\"]", "{k: \"v\\'\"}",
                            "!!str \"t\\'\"", "'sq'''", "\"e\\u00e9\\'\"", '"\\ufeff\\\'"', "'\ufeff'"])


@st.composite
def _escaping_texts(draw: Any) -> str:
    lines = []
    for i in range(draw(st.integers(1, 8))):
        key = draw(st.sampled_from(["k", "'k\\'", "\"k\\'\"", "k\\'", "\ufeffk", "a"])) + str(i)
        lines.append(f"{key}: {draw(_escapes)}")
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(_escaping_texts(), st.sampled_from(["values", "manifests"]), st.booleans())
@example("%YAML 1.1\n# x\\'\n---\na: 1\n", "values", False)
def test_libyaml_mended_for_go_yaml_reads_as_go_yaml_does(text: str, reader: str, positions: bool):
    """Over the pure-Python parser's size bound, libyaml with go-yaml v2's escapes mended reads the same."""
    with _patched(parse, "PURE_PYTHON_MAX", 0):
        mended = _read(text, _RULES[reader], Limits(), positions)
    exact = _read(text, _RULES[reader], Limits(), positions)
    if mended[0] == exact[0] == "error":
        return  # both refuse; libyaml words some errors differently
    assert mended == exact


def test_the_pure_python_parser_never_reads_a_long_text():
    long = "".join(f"k{i}: v{i}\n" for i in range(30_000))
    texts = [long + "z: \"it\\'s\"\n", long + "z: |\n" + " " * 130 + "x\n", long + "z: " + "[" * 150 + "]" * 150 + "\n",
             long + "\ufeffz: 1\n", long + "z: " + "[" * 5000 + "\n"]

    def refuse(text: str) -> None:
        raise AssertionError("the pure-Python parser was given a long text")

    outcomes = []
    with _patched(parse.GoV2EventParser, "__init__", refuse):
        for text in texts:
            try:
                outcomes.append(load_values(text).data.get("z", load_values(text).data.get("\ufeffz")))
            except ProfileRenderError as exc:
                outcomes.append(type(exc).__name__)
    assert outcomes[0] == "it's" and outcomes[1] == "x\n" and outcomes[3] == 1
    assert outcomes[4] == "LimitExceededError"  # libyaml's own nesting limit, or ours


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_block(), _growing_texts()), min_size=2, max_size=5),
       st.sampled_from(["---\n", "--- # c\n", "---  \n", "---\n\n"]), _limits)
@example(["a: |\n  x", "  y\n"], "---\n", Limits())
@example(["a: 'x", "y'\n"], "---\n", Limits())
@example(["# only a comment", "", "a: 1"], "---\n", Limits())
def test_a_multi_piece_text_reads_as_one_stream_as_piece_by_piece(pieces: list, separator: str, limits: Limits):
    text = separator.join(p if p.endswith("\n") or not p else p + "\n" for p in pieces)

    def outcome() -> Tuple[Any, ...]:
        try:
            loaded = load_values(text, limits=limits)
        except ProfileRenderError as exc:
            return ("error", str(exc))
        return ("ok", repr(loaded.data), [(w.message, w.line, w.column, w.path) for w in loaded.warnings])

    batched = outcome()
    with _patched(load, "_one_stream", lambda text: False):
        assert outcome() == batched


def _paths(value: Any, prefix: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield prefix + (key,)
        yield from _paths(child, prefix + (key,))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_texts, st.lists(_block(), min_size=2, max_size=3).map(lambda ts: "\n---\n".join(ts) + "\n")))
@example("a: {b: 1}\na: {c: 2}\n")
@example("a: 1\n---\na: {x: 1}\n---\nb: 2\n")
@example("a:\n- x\n- y\nb: 2\n")
def test_every_way_to_locate_a_path_finds_the_same_spot(text: str):
    try:
        loaded = load_values(text)
    except ProfileRenderError:
        return
    paths = list(_paths(loaded.data))[:40] + [("missing",), ("a", 7), (0,)]
    for path in paths:
        with _patched(load, "may_define_anchor", _always):
            whole = locate_in_text(text, "s", path)  # positions of the full builder
        assert locate_in_text(text, "s", path) == whole
        assert loaded.locate(path) == whole  # through the top-level index
        assert loaded.locate(path) == whole  # the index, kept


def test_locate_reads_one_entry_after_the_first_lookup():
    text = "".join(f"k{i}:\n  v: {i}\n" for i in range(2000))
    loaded = load_values(text)
    assert loaded.locate(("k1999", "v")) == (4000, 3)
    calls = []
    real = load.event_parser

    def counting(text: str, **kwargs: Any) -> Any:
        calls.append(len(text))
        return real(text, **kwargs)

    with _patched(load, "event_parser", counting):
        assert loaded.locate(("k3", "v")) == (8, 3)
    assert calls == [len("k3:\n  v: 3\n")]


_leaf_values = st.one_of(st.text(max_size=12), st.sampled_from(["y", "no", "1:30", "0x1F", "1_000", "<<", "~", " a",
                                                                "a ", "- x", "#c", "a: b", "\n", "x\ny", " x\ny", "\t"]),
                         st.booleans(), st.none(), st.integers(-(2**70), 2**70),
                         st.floats(allow_nan=True, allow_infinity=True))
_trees = st.recursive(_leaf_values, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.one_of(st.text(max_size=8), _leaf_values), children,
                                                    max_size=4)), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(_trees)
@example({"a": [1, {"b": None}], 0.5: "x", True: 1})  # keys PyYAML cannot sort
def test_yaml_output_is_the_representers_text(tree: Any):
    def old() -> str:
        if isinstance(tree, dict) and not tree:
            return "{}\n"
        return yaml.dump(tree, Dumper=_HelmDumper, allow_unicode=True, sort_keys=True, width=2**31 - 1)

    try:
        expected: Any = old()
    except Exception as exc:  # noqa: BLE001 - the same failure is expected of both
        expected = type(exc)
    try:
        got: Any = to_yaml(tree)
    except Exception as exc:  # noqa: BLE001
        got = type(exc)
    assert got == expected


def test_shared_subtrees_are_written_as_the_representer_writes_them():
    shared = [1, 2]
    assert to_yaml({"a": shared, "b": shared}) == "a: &id001\n- 1\n- 2\nb: *id001\n"


def test_the_plain_text_fast_path_agrees_with_the_resolvers():
    assert all(word == "" or word[0] in SPECIAL_START for word in _SPECIAL)


def test_a_repeated_key_whose_first_value_was_an_alias_keeps_the_last_value():
    # Found by the property above. Helm 4.1.4 prints {"a":[1,1],"b":1,"c":[{"k":2},{"k":2}]} for this file:
    # the second `b` wins even though the first was an alias copied only once the document was measured.
    text = "a: &x {k: 1, k: 2}\nb: *x\nc: [*x, *x]\na: &x [&x 1, *x]\nb: *x\n"
    from profile_render.yamlio.load import load_values

    assert load_values(text).data == {"a": [1, 1], "b": 1, "c": [{"k": 2}, {"k": 2}]}
