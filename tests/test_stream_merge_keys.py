"""Merge keys (``<<``) in the streaming builder for anchors read exactly as the full builder reads them.

The builder for anchors (:mod:`profile_render.yamlio.anchored`) applies a
merge key of an alias, or of a list of aliases, itself; anything else about
a merge key still hands the text to the full builder
(:mod:`profile_render.yamlio.build`). Each test reads the same text both ways
and compares everything a reader returns: the values (with their key order),
the key positions, the repeated keys (and so the repeated-key warnings) and
the error when there is one. The texts are every YAML text of the
conformance corpus and of the tests that holds ``<<``, generated documents
with anchors, aliases and merge keys (nested, lists of aliases, explicit keys
before and after, merges of mappings that merge), and the dense benchmark
chart, which must no longer fall back.
"""

from __future__ import annotations

import ast
import importlib.util
import random
from pathlib import Path
from typing import Any, Iterator, List, Tuple
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from profile_render.checks.read import MANIFEST_RULES
from profile_render.errors import ProfileRenderError
from profile_render.yamlio import build
from profile_render.yamlio.build import CATALOG_RULES, VALUES_RULES, read_documents
from profile_render.yamlio.limits import Limits
from profile_render.yamlio.load import load_values
from profile_render.yamlio.stream import reading_path
from tests.test_reader_paths import _give_up
from tests.test_reader_paths import _read as _outcome  # everything read_documents returns, comparably

ROOT = Path(__file__).resolve().parents[1]
_RULES = {"values": VALUES_RULES, "catalog": CATALOG_RULES, "manifests": MANIFEST_RULES}


def _both(text: str, rules: Any = VALUES_RULES, limits: Limits = Limits(), positions: bool = True
          ) -> Tuple[Tuple[Any, ...], Tuple[Any, ...]]:
    """The outcome of the full builder alone, and of the reader as it is (streaming first)."""
    with mock.patch.object(build, "read_streamed", _give_up):
        full = _outcome(text, rules, limits, positions)
    return full, _outcome(text, rules, limits, positions)


def _warnings(text: str) -> Any:
    """load_values' values and repeated-key warnings (as dicts), or its error."""
    try:
        loaded = load_values(text, source="v.yaml")
    except ProfileRenderError as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("ok", repr(loaded.data), [w.to_dict() for w in loaded.warnings])


# ---------------------------------------------------------------------------------------------------------------
# The corpus: every text with "<<" in the conformance cases, in the tests' string literals and in their data files.


def _conformance_texts() -> Iterator[str]:
    from tests.test_conformance import CASES

    def subchart_texts(subcharts: Any) -> Iterator[Any]:
        for sub in dict(subcharts).values():
            yield sub.values_yaml
            yield from subchart_texts(sub.subcharts or {})

    for spec in CASES.values():
        case = spec.case
        yield case.values_yaml
        yield from case.user_files
        yield from subchart_texts(case.subcharts)
        yield from subchart_texts(case.archives)


def _literal_texts() -> Iterator[str]:
    """Every string constant in the tests' modules (a text written in pieces gives each piece)."""
    for module in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value


def _data_texts() -> Iterator[str]:
    for folder in (ROOT / "tests", ROOT / "examples", ROOT / "docs"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".yaml", ".yml") and path.is_file():
                yield path.read_text(encoding="utf-8", errors="replace")


def _corpus() -> List[str]:
    texts = {t for source in (_conformance_texts(), _literal_texts(), _data_texts())
             for t in source if isinstance(t, str) and "<<" in t}
    return sorted(texts)


CORPUS = _corpus()


def test_the_corpus_holds_merge_keys_of_every_kind():
    """The corpus is not empty, and reaches merges the streaming builder applies and ones it hands over."""
    assert len(CORPUS) >= 30
    paths = {reading_path(text, policy=VALUES_RULES.policy, limits=Limits()) for text in CORPUS}
    assert {"anchored", "full"} <= paths


@pytest.mark.parametrize("positions", [True, False], ids=["positions", "values"])
@pytest.mark.parametrize("reader", sorted(_RULES))
def test_every_corpus_text_reads_as_the_full_builder_reads_it(reader: str, positions: bool):
    streamed = 0
    for text in CORPUS:
        full, fast = _both(text, _RULES[reader], Limits(), positions)
        assert fast == full, text
        streamed += reading_path(text, policy=_RULES[reader].policy, limits=Limits()) != "full"
    assert streamed >= 10  # the comparison is not the full builder against itself


def test_every_corpus_text_warns_as_the_full_builder_warns():
    """The repeated-key warnings load_values gives (paths, lines, columns, wording) do not depend on the builder."""
    for text in CORPUS:
        with mock.patch.object(build, "read_streamed", _give_up):
            full = _warnings(text)
        assert _warnings(text) == full, text


# ---------------------------------------------------------------------------------------------------------------
# Generated documents with anchors, aliases and merge keys.

_SCALARS = ["1", "x", "true", "~", "'q'", "2.5", "0x1F", '"d"', "[]", "{}", "[1, 2]", "{p: 1}"]
_KEYS = ["a", "b", "c", "x", "y", "true", "1"]  # few, so that keys repeat and merges overlap explicit keys


class _Doc:
    """What a generated document has defined so far: mapping anchors, other anchors, a name counter."""

    def __init__(self) -> None:
        self.maps: List[str] = []
        self.others: List[str] = []
        self.count = 0

    def name(self, draw: Any) -> str:
        if self.maps and draw(st.integers(0, 9)) == 0:
            return draw(st.sampled_from(self.maps))  # an anchor defined again: later aliases name the new node
        self.count += 1
        return f"n{self.count}"

    def scalar(self, name: str) -> None:
        """``name`` now marks a scalar (or a list): no longer a mapping to merge."""
        if name in self.maps:
            self.maps.remove(name)
        self.others.append(name)


def _anchors(doc: _Doc, draw: Any, count: int) -> List[str]:
    return [draw(st.sampled_from(doc.maps)) for _ in range(count)]


def _merge_value(draw: Any, doc: _Doc, unusual: bool) -> str:
    """The value of a ``<<`` key: an alias, a list of aliases, or (``unusual``, at times) what the full builder takes."""
    if doc.maps and not (unusual and draw(st.integers(0, 9)) == 0):
        shape = draw(st.sampled_from(["alias", "alias", "list", "list", "empty-list"]))
    else:
        shape = draw(st.sampled_from(["scalar", "inline", "mixed-list", "other-alias", "anchored-list"]))
    if shape == "alias":
        return "*" + _anchors(doc, draw, 1)[0]
    if shape == "list":
        return "[" + ", ".join("*" + n for n in _anchors(doc, draw, draw(st.integers(1, 3)))) + "]"
    if shape == "empty-list":
        return "[]"
    if shape == "scalar":
        return draw(st.sampled_from(["1", "~", "x"]))
    if shape == "inline":
        return "{x: 9, z: 8}"
    if shape == "mixed-list":
        return "[" + ", ".join(["*" + n for n in doc.maps[:1]] + ["{k: 1}"]) + "]"
    if shape == "anchored-list":
        name = doc.name(draw)
        value = "&" + name + " [" + ", ".join("*" + n for n in doc.maps[:2] if n != name) + "]"
        doc.scalar(name)
        return value
    return "*" + (draw(st.sampled_from(doc.others)) if doc.others else "undefined")


def _mapping(draw: Any, doc: _Doc, indent: int, depth: int, unusual: bool) -> List[str]:
    """The lines of a block mapping's entries at ``indent``; anchors defined in it join ``doc`` as they complete."""
    pad = " " * indent
    lines: List[str] = []
    for _ in range(draw(st.integers(1, 5))):
        shape = draw(st.sampled_from(["scalar", "scalar", "map", "map", "list", "alias", "merge", "merge", "flow"]))
        key = draw(st.sampled_from(_KEYS))
        if shape == "merge" and (doc.maps or (unusual and draw(st.integers(0, 9)) == 0)):
            lines.append(f"{pad}<<: {_merge_value(draw, doc, unusual)}")
        elif shape == "alias" and (doc.maps or doc.others):
            lines.append(f"{pad}{key}: *{draw(st.sampled_from(doc.maps + doc.others))}")
        elif shape in ("scalar", "merge", "alias"):
            value = draw(st.sampled_from(_SCALARS + [".nan"] if unusual else _SCALARS))  # Helm refuses NaN
            if draw(st.integers(0, 5)) == 0:
                name = doc.name(draw)
                value = f"&{name} {value}"
                doc.scalar(name)
            lines.append(f"{pad}{key}: {value}")
        elif shape == "map" and depth < 4:
            name = doc.name(draw) if draw(st.booleans()) else None
            lines.append(f"{pad}{key}:" + (f" &{name}" if name else ""))
            if name in doc.maps:
                doc.maps.remove(name)  # open again: an alias of it inside would be recursive
            lines.extend(_mapping(draw, doc, indent + 2, depth + 1, unusual))
            if name:
                doc.maps.append(name)
        elif shape == "list" and depth < 4:
            lines.append(f"{pad}{key}:")
            for _ in range(draw(st.integers(0, 3))):
                item = draw(st.sampled_from(["scalar", "map", "alias"]))
                if item == "alias" and doc.maps:
                    lines.append(f"{pad}- *{draw(st.sampled_from(doc.maps))}")
                elif item == "map":
                    entries = _mapping(draw, doc, indent + 2, depth + 1, unusual)
                    lines.append(f"{pad}- {entries[0].lstrip()}")
                    lines.extend(entries[1:])
                else:
                    lines.append(f"{pad}- {draw(st.sampled_from(_SCALARS))}")
        else:  # a flow mapping, maybe anchored, maybe merging
            name = doc.name(draw) if draw(st.booleans()) else None
            if name in doc.maps:
                doc.maps.remove(name)  # open: an alias of it inside would be recursive
            entries = [f"{draw(st.sampled_from(_KEYS))}: {draw(st.sampled_from(_SCALARS[:6]))}"
                       for _ in range(draw(st.integers(0, 3)))]
            if doc.maps and draw(st.booleans()):
                entries.insert(draw(st.integers(0, len(entries))), "<<: " + _merge_value(draw, doc, False))
            lines.append(f"{pad}{key}: " + (f"&{name} " if name else "") + "{" + ", ".join(entries) + "}")
            if name:
                doc.maps.append(name)
    return lines


@st.composite
def _documents(draw: Any, unusual: bool = True) -> str:
    """A values text: a few anchored mappings first (as charts write them), then entries that use them."""
    doc = _Doc()
    lines = []
    for index in range(draw(st.integers(0, 3))):
        name = doc.name(draw)
        if name in doc.maps:
            doc.maps.remove(name)
        lines.append(f"base{index}: &{name}")
        lines.extend(_mapping(draw, doc, 2, 1, unusual))
        doc.maps.append(name)
    lines.extend(_mapping(draw, doc, 0, 0, unusual))
    return "\n".join(lines) + "\n"


_small_limits = st.builds(Limits, max_depth=st.integers(1, 8), max_alias_expansion=st.integers(1, 60),
                          max_nodes=st.integers(1, 200), max_alias_bytes=st.integers(1, 200))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_documents(), st.sampled_from(sorted(_RULES)), st.one_of(st.just(Limits()), _small_limits), st.booleans())
@example("a: &m {x: 1, x: 2}\nb:\n  <<: *m\n  x: 3\n", "values", Limits(), True)
@example("a: &m {x: {p: 1}}\nb: &n\n  <<: *m\n  y: *m\nc:\n  <<: [*n, *m]\n", "values", Limits(max_depth=3), True)
@example("a: &m {x: 1}\nb:\n  <<: [*m, *m, *m]\n", "values", Limits(max_alias_expansion=2), False)
@example("a: &m {x: 1}\nb:\n  <<: [*m, *m, *m]\n", "values", Limits(max_nodes=9), False)
@example("a: &m {x: abcdef}\nb:\n  <<: [*m, *m]\n", "values", Limits(max_alias_bytes=12), False)
@example("a: &m {x: 1}\nb:\n  <<: *m\n  c: .nan\n", "values", Limits(), True)
@example("a: &m {x: 1}\nb: [{<<: *m}, {<<: [*m]}]\n", "values", Limits(max_depth=2), True)
def test_generated_documents_read_as_the_full_builder_reads_them(text: str, reader: str, limits: Limits,
                                                                 positions: bool):
    full, fast = _both(text, _RULES[reader], limits, positions)
    assert fast == full


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_documents(unusual=False), st.booleans())
def test_merges_of_aliases_and_lists_of_aliases_stream(text: str, positions: bool):
    """Without the unusual forms, a document with merge keys is read by the streaming builder alone, alike."""
    assert reading_path(text, policy=VALUES_RULES.policy, limits=Limits(), positions=positions) in ("anchored",
                                                                                                     "stream")
    with mock.patch.object(build._Builder, "document", _give_up):  # the full builder would fail the read
        fast = _outcome(text, VALUES_RULES, Limits(), positions)
    full, _ = _both(text, VALUES_RULES, Limits(), positions)
    assert fast == full


# ---------------------------------------------------------------------------------------------------------------
# Semantics spelled out (each is also compared with the full builder).

_CASES = [
    # explicit keys before a merge are replaced by it; after it, they replace it (go-yaml v2, in place)
    ("a: &m {x: 1, w: 2}\nb:\n  x: 0\n  <<: *m\n  w: 3\n", {"x": 1, "w": 3}),
    # a list of aliases merges last to first: the first one wins
    ("a: &m {x: 1}\nc: &n {x: 2, z: 2}\nb:\n  <<: [*m, *n]\n", {"x": 1, "z": 2}),
    # a merge of a mapping that itself merges
    ("a: &m {x: 1}\nc: &n\n  <<: *m\n  z: 2\nb:\n  <<: *n\n  w: 3\n", {"x": 1, "z": 2, "w": 3}),
    # two merge keys: the later one replaces what the earlier one set
    ("a: &m {x: 1}\nc: &n {x: 2}\nb:\n  <<: *m\n  <<: *n\n", {"x": 2}),
    # an empty list merges nothing
    ("a: &m {x: 1}\nb:\n  <<: []\n  k: 1\n", {"k": 1}),
]


@pytest.mark.parametrize("text, merged", _CASES)
def test_merge_semantics_stream_and_match(text: str, merged: Any):
    assert reading_path(text, policy=VALUES_RULES.policy, limits=Limits()) == "anchored"
    full, fast = _both(text)
    assert fast == full
    value = read_documents(text, rules=VALUES_RULES, source="s.yaml", limits=Limits())[0].value
    assert value["b"] == merged


def test_merged_tables_are_copies_never_shared():
    """Like go-yaml, which decodes a merged mapping again, no merged table is the anchor's own object."""
    text = "a: &m {x: {p: [1, {q: 2}]}}\nb:\n  <<: *m\nc:\n  <<: [*m]\n"
    value = read_documents(text, rules=VALUES_RULES, source="s.yaml", limits=Limits())[0].value
    assert value["a"] == value["b"] == value["c"] == {"x": {"p": [1, {"q": 2}]}}
    tables = [value[k]["x"] for k in "abc"] + [value[k]["x"]["p"] for k in "abc"]
    assert len({id(t) for t in tables}) == len(tables)
    value["b"]["x"]["p"][1]["q"] = 9
    assert value["a"]["x"]["p"][1]["q"] == 2 and value["c"]["x"]["p"][1]["q"] == 2


def test_merged_keys_are_located_and_repeats_reported_under_the_merging_mapping():
    text = "a: &m\n  x: 1\n  x: 2\n  w: {p: 1}\nb:\n  z: 0\n  <<: *m\n"
    document = read_documents(text, rules=VALUES_RULES, source="s.yaml", limits=Limits(), positions=True)[0]
    assert document.positions is not None
    assert document.positions[("b", "x")] == (3, 3)  # where the anchored mapping sets x last
    assert document.positions[("b", "w", "p")] == (4, 7)
    assert [(d.path, d.line, d.first_line) for d in document.duplicates] == [(("a", "x"), 3, 2), (("b", "x"), 3, 2)]
    assert _both(text) == (_outcome(text, VALUES_RULES, Limits(), True),) * 2


@pytest.mark.parametrize("text", [
    "a: &m [1]\nb:\n  <<: *m\n",  # an alias of a list: its items would merge
    "a: &m {x: 1}\nb:\n  <<: {y: 1}\n",  # an inline mapping
    "a: &m {x: 1}\nb:\n  <<: [*m, 1]\n",  # a list holding a scalar: refused, located
    "b:\n  <<: 1\n",  # a scalar: refused, located
    "a: &m {x: 1}\nb:\n  <<: *nope\n",  # an undefined alias
    "a: &m {x: 1}\nb:\n  <<: &l [*m]\n",  # an anchored list
    "a: &k <<\nb:\n  *k : {x: 1}\n",  # a merge key that is an alias
])
def test_unusual_merges_are_left_to_the_full_builder(text: str):
    assert reading_path(text, policy=VALUES_RULES.policy, limits=Limits()) == "full"
    full, fast = _both(text)
    assert fast == full


def test_catalog_merges_are_left_to_the_full_builder():
    """yaml.v3 merges before every explicit key (catalog files): not streamed, read by the full builder."""
    text = "a: &m {x: 1}\nb:\n  x: 0\n  <<: *m\n"
    assert reading_path(text, policy=CATALOG_RULES.policy, limits=Limits()) == "full"
    assert reading_path(text, policy=VALUES_RULES.policy, limits=Limits()) == "anchored"
    full, fast = _both(text, CATALOG_RULES)
    assert fast == full


# ---------------------------------------------------------------------------------------------------------------
# The dense benchmark chart.


def _benchmark_values(components: int) -> str:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    doc, _ = generate.chart_values(random.Random(generate.SEED), components)
    text: str = generate.dump(doc)
    return text


def test_the_dense_benchmark_chart_no_longer_falls_back(tmp_path: Path):
    """Its 6 anchors and ~100 merge keys are read by the streaming builder, exactly as the full builder reads them."""
    text = _benchmark_values(16)
    assert text.count("<<: *") >= 20 and text.count("&") >= 6
    assert reading_path(text, policy=VALUES_RULES.policy, limits=Limits()) == "anchored"
    assert reading_path(text, policy=VALUES_RULES.policy, limits=Limits(), positions=True) == "anchored"
    for positions in (False, True):
        full, fast = _both(text, VALUES_RULES, Limits(), positions)
        assert fast == full
    # The chart loader itself takes that path: the full builder is never asked.
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: bench\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text(text)
    from profile_render.helm.chart import load_chart

    with mock.patch.object(build._Builder, "document", _give_up):
        loaded = load_chart(chart)
    with mock.patch.object(build, "read_streamed", _give_up):
        assert load_chart(chart).values == loaded.values
