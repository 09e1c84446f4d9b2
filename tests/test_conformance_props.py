"""Property tests: random values documents and layer stacks, profile-render against the Helm binary.

Hypothesis draws values trees whose keys come from a small alphabet of
tricky spellings (``y``, ``on``, ``1``, ``0x1F``, ``'null'`` ...) and whose
leaves are YAML 1.1 traps (``0o17``, ``1_000``, ``.5``, ``1e21``, timestamps,
huge integers, quoted look-alikes), writes them as YAML text in varied styles
(block and flow, compact or indented sequences, plain, single- or
double-quoted scalars, several documents per file, comments), and stacks
them as chart defaults plus one to three ``-f`` files, optional ``--set`` /
``--set-string`` arguments and an optional subchart with globals. Each
example must give what ``helm template`` gives (see
``tests.conftest.assert_conforms``), and our ``to_yaml()`` read back by Helm
must give the same values again.

Helm runs two processes at a time (the case and the round trip), so the
whole file stays well inside a few minutes on two cores.
"""

from __future__ import annotations

import json
import random
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import (
    HELM,
    Case,
    Outcome,
    assert_conforms,
    build_case,
    helm_raw,
    helm_reads_yaml,
    json_equal,
    ours,
)
from tests.helm_oracle import Subchart

pytestmark = [
    pytest.mark.helm,
    pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)"),
]

# Four properties, 60-90 examples each: 300 examples per run.
SETTINGS = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

POOL = ThreadPoolExecutor(2)

# ---------------------------------------------------------------------------
# Values trees


@dataclass(frozen=True)
class Scalar:
    text: str  # the YAML text of the scalar, plain or quoted
    flow_safe: bool = True  # may stand plain inside [...] / {...}


@dataclass(frozen=True)
class Map:
    items: Tuple[Tuple[str, Any], ...]  # (key text, node)


@dataclass(frozen=True)
class Seq:
    items: Tuple[Any, ...]


# (key as written, key after go-yaml + JSON conversion). Two keys that convert
# to the same string must not meet in one mapping: Helm's result would depend
# on Go's random map order.
KEYS = [
    ("a", "a"), ("b", "b"), ("c", "c"), ("w", "w"), ("k.d", "k.d"), ("'a b'", "a b"),
    ("y", "true"), ("'y'", "y"), ("on", "true"), ("\"on\"", "on"), ("Off", "false"), ("NO", "false"),
    ("'true'", "true"), ("1", "1"), ("'01'", "01"), ("0x1F", "31"), ("0o17", "15"), ("1_000", "1000"),
    ("1.5", "1.5"), ("1e3", "1000"), ("0.3", "0.3"), ("16777217.0", "1.6777216e+07"), ("-0.0", "-0"),
    ("'null'", "null"), ("'~'", "~"), ("2001-12-14", "2001-12-14"), ("'<<'", "<<"), ("123456789012345678", "123456789012345678"),
]

# Plain scalars go-yaml v2 resolves in surprising ways.
TOKENS = [
    "y", "Y", "yes", "No", "on", "OFF", "true", "False", "~", "null", "NULL", "0", "-0", "+1", "0755", "0o17",
    "0x1F", "0b101", "-0b11", "1_000", "1__0", "_1", "1e3", "1E-3", ".5", "-.5", "+.5", "1.", "1e21", "1e-7",
    "-0.0", "1.0", "08", "09.5", "0x", "._5", "123456789012345678", "9007199254740993", "9223372036854775807",
    "9223372036854775808", "18446744073709551615", "18446744073709551616", "-9223372036854775809", "1e400",
    "0x10000000000000000", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "1:30", "abc", "hello world", "yES",
    "nULL", "<<", "=",
]

# Any text at all; control characters and the like are written as escapes.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cs",), max_codepoint=0x2FFFF),
        st.sampled_from("\n\t\r '\"\\:#-{}[],&*!|>%@`\x00\x7f\x85\u2028\ufeff"),
    ),
    max_size=8,
)


def _yaml_printable(c: str) -> bool:
    """Whether go-yaml accepts the character as it is in a YAML text."""
    o = ord(c)
    return (o in (0x09, 0x0A, 0x0D, 0x85) or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF
            or (0xE000 <= o <= 0xFFFD and o != 0xFEFF) or 0x10000 <= o <= 0x10FFFF)


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar for any text (JSON's escapes, plus \\uXXXX where YAML needs one)."""
    body = json.dumps(text, ensure_ascii=False)
    return "".join(c if _yaml_printable(c) and c not in "\x85\u2028\u2029" else
                   (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}") for c in body)


def _quoted(text: str, rnd: random.Random) -> Scalar:
    if rnd.random() < 0.5 and all(_yaml_printable(c) and c not in "\n\r\x85\u2028\u2029" for c in text):
        return Scalar("'" + text.replace("'", "''") + "'")
    return Scalar(_double_quoted(text))


@st.composite
def scalars(draw: Any) -> Scalar:
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        token = draw(st.sampled_from(TOKENS))
        if draw(st.integers(0, 4)) == 0:  # the same spelling, quoted: a string
            return _quoted(token, random.Random(draw(st.integers(0, 1))))
        return Scalar(token, flow_safe=token not in ("<<", "="))
    if kind == 4:
        return Scalar(str(draw(st.integers(-(2**70), 2**70))))
    if kind == 5:
        return Scalar(repr(draw(st.floats(allow_nan=False, allow_infinity=False))))
    if kind == 6:
        return Scalar(draw(st.sampled_from(["true", "false", "~", "null", ""])))
    return _quoted(draw(TEXT), random.Random(draw(st.integers(0, 1))))


def _unique_keys(entries: List[Tuple[Tuple[str, str], Any]]) -> Tuple[Tuple[str, Any], ...]:
    return tuple((written, node) for (written, _), node in entries)


def mappings(children: Any, max_size: int = 4) -> Any:
    return st.lists(st.tuples(st.sampled_from(KEYS), children), max_size=max_size,
                    unique_by=lambda kv: kv[0][1]).map(lambda entries: Map(_unique_keys(entries)))


NODES = st.recursive(
    scalars(),
    lambda children: st.one_of(st.lists(children, max_size=3).map(lambda xs: Seq(tuple(xs))), mappings(children)),
    max_leaves=10,
)


@st.composite
def documents(draw: Any, extra: Sequence[Tuple[str, Any]] = ()) -> Map:
    """A top-level mapping, optionally with extra entries (a subchart section, globals)."""
    top = draw(mappings(NODES, max_size=5))
    items = list(top.items)
    for key, strategy in extra:
        if draw(st.booleans()):
            items.insert(draw(st.integers(0, len(items))), (key, draw(strategy)))
    return Map(tuple(items))


# ---------------------------------------------------------------------------
# YAML writing in varied styles


def _flow(node: Any) -> str:
    if isinstance(node, Scalar):
        if not node.flow_safe:
            return json.dumps(node.text)
        return node.text or "~"
    if isinstance(node, Seq):
        return "[" + ", ".join(_flow(x) for x in node.items) + "]"
    return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in node.items) + "}"


def _block(node: Any, indent: int, rnd: random.Random) -> Tuple[Optional[str], List[str]]:
    """(inline text, or None and the block lines) for a node placed after ``key:`` or ``-``."""
    if isinstance(node, Scalar):
        return node.text, []
    if not node.items or rnd.random() < 0.25:
        return _flow(node), []
    step = rnd.choice((2, 2, 3, 4))
    lines: List[str] = []
    if isinstance(node, Map):
        for key, value in node.items:
            inline, sub = _block(value, indent + step, rnd)
            if inline is not None:
                lines.append(" " * indent + f"{key}: {inline}".rstrip())
            else:
                lines.append(" " * indent + f"{key}:")
                lines.extend(sub)
            if rnd.random() < 0.1:
                lines.append(" " * indent + "# a comment")
        return None, lines
    for item in node.items:
        inline, sub = _block(item, indent + 2, rnd)
        if inline is not None:
            lines.append(" " * indent + f"- {inline}".rstrip())
        elif rnd.random() < 0.7:  # compact: "- a: 1"
            lines.append(" " * indent + "- " + sub[0][indent + 2:])
            lines.extend(sub[1:])
        else:
            lines.append(" " * indent + "-")
            lines.extend(sub)
    return None, lines


def write_yaml(doc: Map, rnd: random.Random) -> str:
    """A top-level mapping as YAML text, possibly split over several documents."""
    items = list(doc.items)
    if items and rnd.random() < 0.15:
        return _flow(doc) + "\n"
    chunks = [items]
    if len(items) > 1 and rnd.random() < 0.25:
        cut = rnd.randint(1, len(items) - 1)
        chunks = [items[:cut], items[cut:]]
    texts = []
    for chunk in chunks:
        # Sequences under a key may sit at the key's own indentation.
        inline, lines = _block(Map(tuple(chunk)), 0, rnd) if chunk else ("{}", [])
        texts.append((inline + "\n") if inline is not None else "\n".join(lines) + "\n")
    head = "---\n" if rnd.random() < 0.2 else ""
    return head + "---\n".join(texts)


# ---------------------------------------------------------------------------
# --set arguments

SET_KEYS = ["a", "b", "c", "w", "sub"]
SET_VALUES = ["1", "0", "-5", "true", "False", "null", "x", "007", "1.5", "", "abc", "9007199254740993"]


@st.composite
def set_args(draw: Any) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(SET_KEYS))
        for _ in range(draw(st.integers(0, 2))):
            if draw(st.booleans()):
                path += f"[{draw(st.integers(0, 2))}]"
            else:
                path += "." + draw(st.sampled_from(SET_KEYS[:4]))
        parts.append(f"{path}={draw(st.sampled_from(SET_VALUES))}")
    return ",".join(parts)


# ---------------------------------------------------------------------------
# Running a case and its round trip


def _check(case: Case) -> Outcome:
    """Our engine and Helm on one case, with Helm reading our YAML output concurrently."""
    with tempfile.TemporaryDirectory(prefix="pr-prop-") as tmp:
        chart, files = build_case(Path(tmp), case)
        result, error = ours(chart, files, case)
        helm_future = POOL.submit(helm_raw, chart, files, case.set_args, case.set_string_args)
        back_future = POOL.submit(helm_reads_yaml, result.to_yaml()) if result is not None else None
        outcome = Outcome(case, helm_future.result(), result, error)
        back = back_future.result() if back_future is not None else None
    assert_conforms(outcome)
    event("Helm accepts" if outcome.helm.ok else "Helm rejects: " + outcome.helm.stderr.split(":")[1].strip())
    if outcome.helm.ok and back is not None:
        assert back.ok, f"Helm cannot read our YAML: {back.stderr}\n{outcome.result.to_yaml()}"
        # --set keeps int64 exactly; a YAML file cannot (go-yaml's ints become float64).
        big_set_ints = any("9007199254740993" in s for s in case.set_args)
        if not big_set_ints:
            assert back.line is not None and json_equal(back.line, outcome.helm.line), (
                f"our YAML reads back differently\nyaml:\n{outcome.result.to_yaml()}\nback: {back.line}\n"
                f"helm: {outcome.helm.line}")
    return outcome


def _case_text(case: Case) -> str:
    parts = [f"--- values.yaml\n{case.values_yaml}"]
    parts += [f"--- -f #{i}\n{text}" for i, text in enumerate(case.user_files)]
    parts += [f"--set {s}" for s in case.set_args] + [f"--set-string {s}" for s in case.set_string_args]
    for name, sub in {**dict(case.subcharts), **dict(case.archives)}.items():
        parts.append(f"--- charts/{name}/values.yaml\n{sub.values_yaml}")
    if case.chart_yaml_extra:
        parts.append(f"--- Chart.yaml (extra)\n{case.chart_yaml_extra}")
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# Properties


@settings(max_examples=90, **SETTINGS)
@given(doc=documents(), rnd=st.randoms(use_true_random=False))
def test_random_values_document_reads_like_helm(doc: Map, rnd: random.Random) -> None:
    """One chart values document: every scalar and key trap, every style."""
    case = Case(write_yaml(doc, rnd))
    try:
        _check(case)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n\ncase:\n{_case_text(case)}") from None


@settings(max_examples=90, **SETTINGS)
@given(chart=documents(), layers=st.lists(documents(), min_size=1, max_size=3),
       sets=st.lists(set_args(), max_size=2), strings=st.lists(set_args(), max_size=1),
       rnd=st.randoms(use_true_random=False))
def test_random_layer_stack_merges_like_helm(chart: Map, layers: List[Map], sets: List[str], strings: List[str],
                                             rnd: random.Random) -> None:
    """Chart defaults + 1-3 -f files + --set/--set-string: merging and coalescing."""
    case = Case(write_yaml(chart, rnd), [write_yaml(layer, rnd) for layer in layers], sets, strings)
    try:
        _check(case)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n\ncase:\n{_case_text(case)}") from None


SECTION = mappings(NODES, max_size=4)
GLOBALS = mappings(NODES, max_size=3)


@settings(max_examples=60, **SETTINGS)
@given(chart=documents(extra=[("sub", SECTION), ("global", GLOBALS)]),
       sub=documents(extra=[("global", GLOBALS)]),
       layers=st.lists(documents(extra=[("sub", SECTION), ("global", GLOBALS)]), min_size=1, max_size=2),
       sets=st.lists(set_args(), max_size=2), rnd=st.randoms(use_true_random=False))
def test_random_subchart_stack_coalesces_like_helm(chart: Map, sub: Map, layers: List[Map], sets: List[str],
                                                   rnd: random.Random) -> None:
    """A subchart with its own defaults and globals under random parent and user values."""
    case = Case(write_yaml(chart, rnd), [write_yaml(layer, rnd) for layer in layers], sets,
                subcharts={"sub": Subchart(write_yaml(sub, rnd))})
    try:
        _check(case)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n\ncase:\n{_case_text(case)}") from None


CONDITIONS = ["", "sub.enabled", "al.enabled", "a", "a.b", "w.c", "global.on", "a.b,sub.enabled", "tags.t"]
IMPORTS = ["", "  import-values: [x]\n", "  import-values:\n  - child: a\n    parent: a\n",
           "  import-values:\n  - child: b\n    parent: w.c\n  - x\n", "  import-values:\n  - child: exports\n    parent: .\n"]
SUB_EXTRA = [("enabled", st.sampled_from([Scalar("true"), Scalar("false"), Scalar("'false'"), Scalar("~")])),
             ("exports", mappings(NODES, max_size=3)), ("global", GLOBALS)]


@settings(max_examples=60, **SETTINGS)
@given(chart=documents(extra=[("sub", SECTION), ("al", SECTION), ("tags", mappings(st.sampled_from(
           [Scalar("true"), Scalar("false"), Scalar("1")]), max_size=2))]),
       sub=documents(extra=SUB_EXTRA), layer=documents(extra=[("sub", SECTION), ("al", SECTION)]),
       alias=st.sampled_from(["", "al"]), condition=st.sampled_from(CONDITIONS),
       tags=st.sampled_from(["", "  tags: [t]\n", "  tags: [y, b]\n"]), imports=st.sampled_from(IMPORTS),
       archive=st.booleans(), rnd=st.randoms(use_true_random=False))
def test_random_dependency_settings_like_helm(chart: Map, sub: Map, layer: Map, alias: str, condition: str, tags: str,
                                              imports: str, archive: bool, rnd: random.Random) -> None:
    """Alias, condition, tags and import-values of one dependency over random values (subchart dir or .tgz)."""
    body = (f"  alias: {alias}\n" if alias else "") + (f"  condition: {condition}\n" if condition else "") + tags + imports
    extra = "dependencies:\n- name: sub\n  version: 0.1.0\n" + body
    sub_chart = Subchart(write_yaml(sub, rnd))
    case = Case(write_yaml(chart, rnd), [write_yaml(layer, rnd)], chart_yaml_extra=extra,
                subcharts={} if archive else {"sub": sub_chart}, archives={"sub": sub_chart} if archive else {})
    try:
        _check(case)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n\ncase:\n{_case_text(case)}\nChart.yaml:\n{extra}") from None
