"""Positions through the index (yamlio/positions.py) are the full builder's positions.

``LoadedValues.locate`` reads a text once into an index of its top-level
entries and anchors, then reads only the entries a path goes through. Every
answer must be the one the whole text read with every position gives
(``locate_in_text`` with anchors assumed, the slow path): aliases of
anchors defined in other entries, anchors defined again, merge keys (one
mapping, a list, inline, nested, before and after explicit keys), repeated
keys, alias items, several documents; and a file at the size limit.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from profile_render import Layer, load_chart, merge_values
from profile_render.errors import ProfileRenderError
from profile_render.yamlio import load, parse, positions
from profile_render.yamlio.load import load_values, locate_in_text
from profile_render.yamlio.positions import PositionIndex

_NAMES = ["a", "b", "c"]  # few anchor names, so that anchors are defined again
_KEYS = ["k", "m", "n", "'k'", '"m"', "y", "10"]
_ATOMS = ["1", "x", "'q'", "~", "true", "[1, 2]", "{p: 1, q: [x]}", "[]", "{}"]


class _Writer:
    """Writes a random block-style values text, tracking which anchors are defined and what they mark."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw
        self.anchors: Dict[str, str] = {}  # name -> "map", "seq" or "scalar" (as last defined)

    def choose(self, options: List[Any]) -> Any:
        return self.draw(st.sampled_from(options))

    def anchor(self) -> Tuple[str, Optional[str]]:
        """An anchor to put before a node (or none), and its name."""
        if not self.draw(st.booleans()):
            return "", None
        name = self.choose(_NAMES)
        return f"&{name} ", name

    def alias(self, kinds: Tuple[str, ...]) -> Optional[str]:
        names = [name for name, kind in self.anchors.items() if kind in kinds]
        return f"*{self.choose(names)}" if names else None

    def value(self, depth: int, indent: int) -> str:
        """What follows ``key:``: a scalar, an alias, a flow node, or a block mapping or sequence below."""
        shapes = ["scalar", "alias", "flow", "map", "seq"] if depth < 3 else ["scalar", "alias", "flow"]
        shape = self.choose(shapes)
        if shape == "alias":
            alias = self.alias(("map", "seq", "scalar"))
            if alias is not None:
                return f" {alias}"
            shape = "scalar"
        if shape == "scalar":
            prefix, name = self.anchor()
            text = f" {prefix}{self.choose(['1', 'x', 'on', 'text with spaces', '~'])}"
            self.define(name, "scalar")
            return text
        if shape == "flow":
            prefix, name = self.anchor()
            alias = self.alias(("map", "seq", "scalar"))
            inner = self.choose(_ATOMS)
            if alias is not None and self.draw(st.booleans()):
                inner = f"[{alias}, 2]"
            text = f" {prefix}{inner}"
            self.define(name, "map" if inner.startswith("{") else "seq" if inner.startswith("[") else "scalar")
            return text
        prefix, name = self.anchor()
        pad = " " * (indent + 2)
        lines = []
        if shape == "map":
            for _ in range(self.draw(st.integers(1, 4))):
                if self.draw(st.integers(0, 3)) == 0:
                    merged = self.merge_value()
                    if merged is not None:
                        lines.append(f"{pad}<<:{merged}")
                        continue
                lines.append(f"{pad}{self.choose(_KEYS)}:{self.value(depth + 1, indent + 2)}")
        else:
            for _ in range(self.draw(st.integers(1, 3))):
                item = self.alias(("map", "seq", "scalar")) if self.draw(st.booleans()) else None
                lines.append(f"{pad}- {item or self.choose(_ATOMS)}")
        self.define(name, shape)
        return f" {prefix}".rstrip() + "\n" + "\n".join(lines)

    def merge_value(self) -> Optional[str]:
        """A merge key's value: an alias of a mapping, a list of them, or an inline mapping."""
        shape = self.choose(["one", "list", "inline"])
        if shape == "inline":
            return " {k: 5, z: 6}"
        first = self.alias(("map",))
        if first is None:
            return None
        if shape == "one":
            return f" {first}"
        second = self.alias(("map",)) or first
        return f" [{first}, {second}]"

    def define(self, name: Optional[str], kind: str) -> None:
        if name is not None:
            self.anchors[name] = kind

    def document(self) -> str:
        self.anchors = {}  # anchors do not cross documents
        entries = []
        for _ in range(self.draw(st.integers(1, 5))):
            key = self.choose(["e0", "e1", "e2", "'e3'"])
            entries.append(f"{key}:{self.value(0, 0)}")
        return "\n".join(entries) + "\n"


@st.composite
def _anchored_texts(draw: Any) -> str:
    writer = _Writer(draw)
    return "---\n".join(writer.document() for _ in range(draw(st.integers(1, 3))))


def _paths(value: Any, prefix: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
    items: Any = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield prefix + (key,)
        yield from _paths(child, prefix + (key,))


def _slow(text: str, path: Tuple[Any, ...]) -> Optional[Tuple[int, int]]:
    """The whole text read with every position (what locate gave before the index)."""
    with mock.patch.object(load, "may_define_anchor", lambda text: True):
        return locate_in_text(text, "s", path)


@contextmanager
def _index_only() -> Iterator[None]:
    """Fail when a lookup falls back to reading the whole text."""
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the index fell back to the whole text")

    with mock.patch.object(load, "locate_in_text", refuse), mock.patch.object(load, "_positioned_documents", refuse):
        yield


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_anchored_texts())
@example("e0: &a\n  k: 1\n  m: [x]\ne1:\n  k: 0\n  <<: *a\n  m: 2\n")  # a merge between explicit keys
@example("e0: &a {k: 1}\ne1: &a {k: 2, m: 3}\ne2:\n  <<: [*a, {k: 9, n: 1}]\n")  # redefined; a list merges
@example("e0: &a\n  k: &b\n    m: 1\ne1:\n  n: *b\ne0: 2\ne2:\n  - *a\n  - *b\n")  # an entry set again later
@example("e0: &a\n  <<: {k: 1}\ne1: &b\n  <<: *a\n  m: 2\ne2:\n  <<: *b\n")  # merges of merges
@example("e0: 1\n---\ne0: {k: 1}\ne1: 2\n---\ne1: 3\n")
def test_the_index_finds_what_the_whole_text_finds(text: str):
    try:
        loaded = load_values(text)
    except ProfileRenderError:
        return  # an alias of an anchor of another kind, say: no values to locate
    paths = list(_paths(loaded.data))[:80] + [("missing",), ("e0", "nope"), ("e0", 9), ("e1", "k", "deeper")]
    expected = [_slow(text, path) for path in paths]
    with _index_only():
        assert [loaded.locate(path) for path in paths] == expected
        assert [loaded.locate(path) for path in paths] == expected  # the outlines, kept
    assert isinstance(loaded._entries, PositionIndex)


@pytest.mark.parametrize("text", [
    "{e0: 1, e1: &a {k: 1}, e2: *a}\n",  # a flow top level
    "  e0: &a {k: 1}\n  e1: *a\n",  # keys not at column 0
    "e0: &a {k: 1}\n<<: *a\ne1: 2\n",  # a merge key at the top level
    "&t e0: {k: 1}\ne1: *t\n",  # an anchored top-level key
    "e0: &a k\ne1: {*a : 1}\n",  # an alias as a key
    "e0: &a {k: 1}\ne1: 2\n---\n[1, 2]\n",  # a piece whose top level is a list (refused on loading)
])
def test_what_the_index_does_not_cover_is_found_in_the_whole_text(text: str):
    try:
        loaded = load_values(text)
    except ProfileRenderError:
        return
    for path in list(_paths(loaded.data)) + [("e9",)]:
        assert loaded.locate(path) == _slow(text, path)


def test_a_text_the_index_does_not_cover_is_read_whole_once_for_many_lookups(monkeypatch):
    text = "{" + ", ".join(f"k{i}: {{v: {i}}}" for i in range(100)) + "}\n"  # a flow top level
    loaded = load_values(text)
    paths = [(f"k{i}", "v") for i in range(100)]
    expected = [_slow(text, path) for path in paths]
    whole: List[int] = []
    real = load._positioned_documents
    monkeypatch.setattr(load, "_positioned_documents", lambda *args: whole.append(1) or real(*args))
    assert [loaded.locate(path) for path in paths] == expected
    assert loaded._entries is False and len(whole) == 1  # past the first 32 paths, one reading with every position


def test_a_hostile_chain_of_merges_falls_back_to_the_whole_text(monkeypatch):
    text = "e0: &m0 {k: 0}\n" + "".join(f"e{i}: &m{i}\n  <<: *m{i - 1}\n" for i in range(1, 60))
    loaded = load_values(text)
    assert loaded.locate(("e59", "k")) == (1, 10)  # through the index: 59 merged mappings followed
    monkeypatch.setattr(positions, "_STEPS", 10)  # fewer steps than the chain needs
    whole: List[Any] = []
    real = load.locate_in_text
    monkeypatch.setattr(load, "locate_in_text", lambda *args, **kwargs: whole.append(args[2]) or real(*args, **kwargs))
    assert loaded.locate(("e59", "k")) == _slow(text, ("e59", "k")) == (1, 10)
    assert whole == [("e59", "k")]


def test_each_entry_is_read_once_for_all_the_lookups_that_go_through_it():
    text = "shared: &s\n  image: {tag: '1'}\n" + "".join(f"c{i}:\n  <<: *s\n  v: {i}\n" for i in range(300))
    loaded = load_values(text)
    assert loaded.locate(("c299", "image", "tag")) == (2, 11)  # merged from an anchor 900 lines above
    read: List[int] = []
    real = load.event_parser

    def counting(text: str, **kwargs: Any) -> Any:
        read.append(len(text))
        return real(text, **kwargs)

    with mock.patch.object(load, "event_parser", counting):
        assert loaded.locate(("c3", "image")) == (2, 3)
        assert loaded.locate(("c3", "v")) == (14, 3)
        assert loaded.locate(("c299", "v")) == (902, 3)
    assert read == [len("c3:\n  <<: *s\n  v: 3\n")]  # c3 read once; the anchor's and c299's entries were kept


def test_entries_read_by_the_pure_python_parser_match_the_index_read_by_libyaml():
    # Over PURE_PYTHON_MAX, the whole text's escapes (\\') send it to libyaml, mended; each short entry goes to
    # the pure-Python parser: both must place the anchors alike.
    body = "".join(f"k{i}:\n  v: \"it\\'s {i}\"\n  w: [1, 2, 3, 4, 5, 6, 7, 8]\n"
                   + ("  <<: *m\n  l: [*s, *m]\n" if i % 20 == 0 else "") for i in range(8000))
    text = "base: &m\n  a: 1\n  b: &s [x, y]\n" + body
    assert len(text) > parse.PURE_PYTHON_MAX
    loaded = load_values(text)
    paths = [("k0", "a"), ("k7980", "b", 1), ("k500", "l", 0), ("k500", "l", 1, "a"), ("k3", "v"), ("base", "b", 0)]
    expected = [_slow(text, path) for path in paths]
    entries: List[int] = []

    class Counting(parse.GoV2EventParser):
        def __init__(self, text: str) -> None:
            entries.append(len(text))
            super().__init__(text)

    with _index_only(), mock.patch.object(parse, "GoV2EventParser", Counting):
        assert [loaded.locate(path) for path in paths] == expected
    assert entries and max(entries) < 200  # the entries went to the pure-Python parser, the whole text did not
    assert expected[2] == (3, 6) and loaded.data["k3"]["v"] == "it's 3"


def test_threads_locating_at_once_agree():
    text = "base: &b {x: 1, y: [a, b]}\n" + "".join(f"k{i}:\n  <<: *b\n  z: {i}\n  l: [*b]\n" for i in range(200))
    loaded = load_values(text)
    paths = [(f"k{i}", part) for i in range(0, 200, 7) for part in ("x", "z", "l")] + [("k5", "l", 0, "y", 1)]
    expected = [_slow(text, path) for path in paths]
    results: List[Any] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        results.append([loaded.locate(path) for path in paths])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def _big_values() -> str:
    """A values file just under the 4,000,000-byte limit: anchors at the top, used by entries down to the last."""
    head = ("# anchors far from their use\nshared:\n  probe: &probe\n    httpGet: {path: /healthz, port: http}\n"
            "    periodSeconds: 10\n  labels: &labels\n    team: edge\n    tier: backend\n")
    entry = ("component-{i:05d}:\n  enabled: true\n  tier: frontend-{i}\n"
             "  ports:\n    - {{name: http, port: 8080}}\n  env:\n    - name: SLOT\n      value: \"{i}\"\n")
    # Every 16th entry (and the last) uses the anchors: more would pass the alias-bomb measure of the loader.
    probed = (entry.replace("  enabled: true\n", "  enabled: true\n  <<: *labels\n")
              .replace("  ports:\n", "  livenessProbe: *probe\n  ports:\n")
              .replace("8080}}\n", "8080}}\n    - *probe\n"))
    parts = [head]
    size = len(head)
    i = 0
    while True:
        chunk = (probed if i % 16 == 0 else entry).format(i=i)
        if size + len(chunk) > 4_000_000 - len(probed):
            break
        parts.append(chunk)
        size += len(chunk)
        i += 1
    parts.append(probed.format(i=i))  # the last entry uses both anchors
    return "".join(parts)


def test_a_file_at_the_size_limit_finds_its_first_middle_and_last_keys_as_the_whole_text_does(tmp_path: Path):
    text = _big_values()
    assert 3_990_000 < len(text.encode()) <= 4_000_000
    chart = tmp_path / "chart"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: big\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text(text)
    loaded_chart = load_chart(chart)
    keys = list(loaded_chart.values)
    first, middle, last = keys[1], keys[1 + (len(keys) // 2) // 16 * 16], keys[-1]  # the middle one uses anchors
    paths = [(first, "enabled"), (middle, "team"), (middle, "tier"), (last, "livenessProbe", "periodSeconds"),
             (last, "ports", 1), (last, "ports", 1, "httpGet", "path"), (last, "env", 0, "value"), ("shared", "labels")]
    documents = load._positioned_documents(text, "values.yaml", None)  # the slow path, read once for all paths
    expected = [load._position_in(documents, path) for path in paths]
    assert expected[1] == (7, 5) and expected[2][0] > 7 and None not in expected
    result = merge_values(loaded_chart, [Layer.from_text(f"{last}:\n  enabled: false\n", source="p.yaml")])
    with _index_only():
        found = [result.origin(path) for path in paths]
    assert [(origin.line, origin.column) for origin in found] == expected
    assert {origin.source for origin in found} == {str(chart / "values.yaml")}
    assert result.origin((last, "enabled")).source == "p.yaml"
