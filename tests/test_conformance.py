"""Hand-written Helm conformance cases: profile-render against the real Helm 4.1.4 binary.

Every case writes a throwaway chart (and user files, ``--set`` arguments,
subcharts as directories or ``.tgz`` archives), runs ``helm template`` on it
and ``merge_values`` on the same files, and asserts through
``tests.conftest.assert_conforms`` that both fail, or both give the same
values: the same JSON tree with every number written alike, the same values
as float64, and each subchart seeing its own section. Cases marked
``expect="error"`` also assert that Helm really fails (so the case keeps
testing what it says) and that we raise a ``ProfileRenderError``.

Some cases also compare our ``to_json(indent=None)`` with Helm's ``toJson``
line character for character (``textual``) or feed our ``to_yaml()`` back to
Helm as a ``-f`` file (``round_trip``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import pytest

from profile_render.errors import ProfileRenderError
from tests.conftest import (
    HELM,
    Case,
    assert_conforms,
    assert_yaml_round_trips,
    run_both,
    run_many,
    write_archive,
)
from tests.helm_oracle import Subchart, write_chart

pytestmark = [
    pytest.mark.helm,
    pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)"),
]

S = Subchart


def deps(*entries: str) -> str:
    """Chart.yaml text declaring dependencies (every one at the subcharts' version 0.1.0)."""
    return "dependencies:\n" + "".join(entries)


def dep(name: str, body: str = "") -> str:
    """One Chart.yaml dependency entry; ``body`` holds extra indented lines."""
    return f"- name: {name}\n  version: 0.1.0\n" + body


@dataclass
class Spec:
    """One conformance case and what else to assert about it."""

    case: Case
    expect: str = "ok"  # "ok": Helm succeeds; "error": Helm fails (and so must we)
    textual: bool = False
    round_trip: bool = False
    check: Optional[Callable[[Any], Any]] = None  # extra assertion on Helm's values
    warns: Sequence[str] = ()  # warning codes our engine must report


def K(values: Optional[str] = "", files: Sequence[str] = (), sets: Sequence[str] = (),
      strings: Sequence[str] = (), *, subs: Optional[dict] = None, archives: Optional[dict] = None,
      extra: str = "", setup: Optional[Callable[[Path], None]] = None, **kw: Any) -> Spec:
    case = Case(values, list(files), list(sets), list(strings), subcharts=subs or {}, archives=archives or {},
                chart_yaml_extra=extra, setup=setup)
    return Spec(case, **kw)


def E(*args: Any, **kw: Any) -> Spec:
    """A case Helm rejects."""
    return K(*args, expect="error", **kw)


def is_(key: str, value: Any) -> Callable[[Any], bool]:
    """Check that Helm's value at a top-level key is exactly ``value`` (type included)."""
    def check(values: Any) -> bool:
        got = values[key]
        return type(got) is type(value) and got == value
    return check


# ---------------------------------------------------------------------------
# The cases, by topic. Keys like y/n/on/off are booleans in YAML 1.1, so the
# cases use them as keys only where that is the point.

TRUE_WORDS = "y Y yes Yes YES true True TRUE on On ON".split()
FALSE_WORDS = "n N no No NO false False FALSE off Off OFF".split()

SCALARS = {
    "bool-true-spellings": K("".join(f"k{i}: {w}\n" for i, w in enumerate(TRUE_WORDS)),
                             check=lambda v: all(x is True for x in v.values()) and len(v) == 11),
    "bool-false-spellings": K("".join(f"k{i}: {w}\n" for i, w in enumerate(FALSE_WORDS)),
                              check=lambda v: all(x is False for x in v.values()) and len(v) == 11),
    "bool-lookalikes-stay-strings": K("a: yES\nb: tRUE\nc: oN\nd: nO\ne: yep\nf: 'true'\ng: \"no\"\n",
                                      check=lambda v: all(isinstance(x, str) for x in v.values())),
    "null-spellings": K("a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nULL\ng: None\nh: '~'\n",
                        check=lambda v: [v[k] for k in "abcde"] == [None] * 5 and v["f"] == "nULL"),
    "int-bases": K("a: 0755\nb: 0o17\nc: 0x1F\nd: 0X1f\ne: 0b101\nf: 0B11\ng: -0x1f\nh: +12\ni: -0b11\nj: 0O17\nk: 0\n",
                   check=lambda v: [v[k] for k in "abcdefghij"] == [493, 15, 31, 31, 5, 3, -31, 12, -3, 15]),
    "int-underscores": K("a: 1_000\nb: 0b1_0\nc: 0x_1F\nd: 1__0\ne: _1\nf: 1_\ng: 1_000.5\nh: 0_7\n",
                         check=is_("e", "_1")),
    # go-yaml v2's fallback branch for "0b": strconv.ParseInt of the rest, base 2, which takes a sign there
    "signed-binary-after-0b": K("a: 0b-101\nb: 0b+1\nc: 0b-0\nd: 0b+1_0\ne: -0b-1\nf: 0B-1\ng: 0b-2\nh: 0b--1\n"
                                "i: 0b+" + "1" * 63 + "\nj: 0b+" + "1" * 64 + "\nk: 0b-1" + "0" * 63 + "\n"
                                "l: 0b-" + "0" * 80 + "1\n0b-11: key\n",
                                check=lambda v: [v[k] for k in "abcd"] == [-5, 1, 0, 2] and v["e"] == "-0b-1"
                                and v["l"] == -1 and v["-3"] == "key"),
    "int-lookalikes": K("a: 08\nb: 09.5\nc: 0x\nd: 0o\ne: 1:30\nf: 0x1G\ng: 12abc\nh: --1\ni: +-1\n",
                        check=is_("e", "1:30")),
    "floats-plain": K("a: 1.5\nb: 1e3\nc: 1E3\nd: 1e+3\ne: .5\nf: -.5\ng: +.5\nh: 1.\ni: 3.14159265358979323846\nj: 1.0\n"
                      "k: ._5\nl: 1.5e\nm: 1e\n", textual=True, round_trip=True),
    "float-exponent-formatting": K("a: 1e21\nb: 1e20\nc: 1e-7\nd: 1e-6\ne: 0.000001\nf: 100000000000000000000\n"
                                   "g: -1e21\nh: 1e23\ni: 5e-324\nj: 1.7976931348623157e308\n",
                                   textual=True, round_trip=True),
    "negative-zero": K("a: -0.0\nb: -0\nc: -0.0e0\nd: -.0\n", textual=True, round_trip=True),
    "ints-beyond-2-53": K("a: 123456789012345678\nb: 9007199254740993\nc: 9223372036854775807\n"
                          "d: 9223372036854775808\ne: 18446744073709551615\nf: 18446744073709551616\n"
                          "g: -9223372036854775809\nh: +9223372036854775808\ni: 0xFFFFFFFFFFFFFFFF\n",
                          textual=True, round_trip=True,
                          check=lambda v: v["a"] == 123456789012345680),
    "floats-out-of-range-stay-text": K("a: 1e400\nb: -1e400\nc: 1e-400\nd: 1" + "0" * 400 + "\n",
                                       check=is_("a", "1e400")),
    "big-non-decimal-ints-stay-text": K("a: 0x10000000000000000\nb: 0o7777777777777777777777777\nc: -0x10000000000000000\n"
                                        "d: 0b" + "1" * 70 + "\ne: 07777777777777777777777\n",
                                        check=is_("a", "0x10000000000000000")),
    "inf-is-an-error": E(".x: 1\na: .inf\n"),
    "negative-inf-is-an-error": E("a: -.Inf\n"),
    "nan-is-an-error": E("a: .NaN\n"),
    "timestamps-stay-text": K("a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10\n"
                              "d: 2001-12-14 21:59:43.10 -5\ne: 2001-1-1\nf: 2001-13-45\ng: 1234-\n",
                              check=is_("b", "2001-12-14t21:59:43.10-05:00")),
    "binary-decoded": K("a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8=\nc: !!binary 4oJB\nd: !!binary 7aCA\ne: !!binary ''\n",
                        check=is_("a", "hello")),
    "binary-invalid-base64": E("a: !!binary '!!!'\n"),
    "binary-with-spaces": E("a: !!binary aGVs bG8=\n"),
    "binary-missing-padding": E("a: !!binary aGk\n"),
    "str-tag": K("a: !!str 123\nb: !!str true\nc: !!str ~\nd: !!str 1e3\ne: !!str\nf: !!str 2001-12-14\n",
                 check=is_("a", "123")),
    "int-tag": K("a: !!int '12'\nb: !!int 0x1f\nc: !!int \"0o17\"\nd: !!int 9223372036854775808\ne: !!int -0\n",
                 check=is_("a", 12)),
    "int-tag-on-text": E("a: !!int abc\n"),
    "int-tag-on-float": E("a: !!int 1.5\n"),
    "int-tag-on-big-hex": E("a: !!int 0x10000000000000000\n"),
    "int-tag-on-timestamp": E("a: !!int 2001-12-14\n"),
    "float-tag": K("a: !!float 1\nb: !!float '1e3'\nc: !!float 9223372036854775807\nd: !!float -0\ne: !!float 0x10\n",
                   textual=True),
    "float-tag-on-text": E("a: !!float abc\n"),
    "float-tag-on-uint64": E("a: !!float 9223372036854775808\n"),
    "float-tag-on-inf": E("a: !!float .inf\n"),
    "bool-and-null-tags": K("a: !!bool yes\nb: !!bool 'off'\nc: !!null ~\nd: !!null ''\ne: !!null\n", check=is_("a", True)),
    "bool-tag-on-int": E("a: !!bool 1\n"),
    "null-tag-on-text": E("a: !!null x\n"),
    "timestamp-tag": K("a: !!timestamp 2001-12-14\nb: !!timestamp 2001-12-14 21:59:43\n", check=is_("a", "2001-12-14")),
    "timestamp-tag-on-bad-date": E("a: !!timestamp 2001-13-14\n"),
    "timestamp-tag-on-int": E("a: !!timestamp 12\n"),
    "unknown-local-tags-keep-text": K("a: !foo bar\nb: !foo 12\nc: !foo\n  x: 1\nd: !foo [1, 2]\nf: !!merge <<\n",
                                      check=is_("b", "12")),
    "collection-tags-ignored": K("a: !!set {x, z}\nb: !!omap\n  - x: 1\n  - z: 2\nc: !!pairs [{x: 1}, {x: 2}]\n"
                                 "d: !!omap {x: 1}\ne: !!set [x]\nf: !!map [1]\ng: !!seq {x: 1}\nh: !!str [1]\n"
                                 "i: !!int {x: 1}\nj: !!set {x: 1}\n",
                                 check=lambda v: v["a"] == {"x": None, "z": None}),
    "non-specific-tag-keeps-text": K("a: ! 12\nb: ! '12'\nc: [! 1, 2]\nd: ! {x: 1}\ne: ! true\n", check=is_("a", "12")),
    "scalar-tags-on-text-collection-tags": K("a: !!map 1\nb: !!seq 1\nc: !!omap 1\nd: !!set 1\n", check=is_("a", "1")),
    "verbatim-tag": K("a: !<tag:yaml.org,2002:int> '7'\nb: !<tag:yaml.org,2002:str> 7\n", check=is_("a", 7)),
    "strings-and-block-scalars": K("a: |\n  x\n  y\nb: >\n  x\n  y\nc: |-\n  z\nd: |+\n  w\n\ne: 'it''s'\nf: \"\\t\\u00e9\"\n"
                                   "g: plain text with:colon\nh: x # comment\n", round_trip=True),
    "bom-and-crlf": K("\ufeffa: 1\r\nb: hi\r\n", check=is_("b", "hi")),
    "escapes-go-yaml-knows": K(r'a: "\a\b\e\f\v\0\ \_\L\P\x41\u00e9\U0001F600\t\\"' "\n" r'b: "it\'s"' "\n",
                               check=is_("b", "it's")),
    "escaped-slash-is-an-error": E(r'a: "x\/y"' "\n"),
    "surrogate-escape-is-an-error": E(r'a: "\ud83d\ude00"' "\n"),
    "escape-beyond-unicode-is-an-error": E(r'a: "\U00110000"' "\n"),
    "tabs-between-tokens": K("a:\t1\nb: 'x'\t# c\nc: [1,\t2]\nd: x\ty\n", check=is_("d", "x\ty")),
    "tab-before-a-sequence-entry-is-an-error": E("l:\n-\t1\n- 2\n\t- 3\n"),
}

KEYS = {
    "bool-keys": K("y: 1\nno: 2\nOn: 3\nTRUE: 4\n'yes': 5\n", check=lambda v: v == {"true": 4, "false": 2, "yes": 5}),
    "int-keys": K("1: a\n0x1f: b\n0755: c\n-5: d\n1_000: e\n123456789012345678: f\n9223372036854775807: g\n"
                  "-9223372036854775808: h\n+7: i\n",
                  check=lambda v: v["123456789012345678"] == "f" and v["31"] == "b"),
    "float-keys-32-bit": K("1.5: a\n0.1: b\n3.14159265358979: c\n1e21: d\n1e-7: e\n-0.0: f\n16777217.0: g\n"
                           "1234567.0: h\n123456.0: i\n18446744073709551616: j\n.5: k\n0.3: l\n1.00000001: m\n",
                           check=lambda v: v["3.1415927"] == "c" and v["1.6777216e+07"] == "g"),
    "float-keys-out-of-float32-range": K("3.5e38: a\n1e-46: b\n1e-40: c\n3.4e38: d\n", check=lambda v: v[".inf"] == "a"),
    "inf-and-nan-keys": K(".inf: 1\n-.Inf: 2\n.NaN: 3\n", check=lambda v: v == {".inf": 1, "-.inf": 2, ".nan": 3}),
    "uint64-key-is-an-error": E("9223372036854775808: a\n"),
    "null-key-tilde": E("~: 1\n"),
    "null-key-word": E("null: 1\n"),
    "null-key-empty": E("? \n: 1\n"),
    "null-key-tagged": E("!!null '': 1\n"),
    "map-key-is-an-error": E("? {a: 1}\n: 1\n"),
    "list-key-is-an-error": E("? [a]\n: 1\n"),
    "tagged-and-special-keys": K("2001-12-14: a\n!!binary aGk=: b\n!!str 1: c\n!!int '2': d\n!!bool yes: e\n"
                                 "!foo 12: f\n!!float 1.5: g\n'<<': h\n? k\n: i\n",
                                 check=lambda v: v["hi"] == "b" and v["<<"] == "h"),
    "quoted-bool-and-number-keys": K("'y': 1\n\"on\": 2\n'1.0': 3\n'0x1F': 4\n", check=lambda v: "y" in v and "0x1F" in v),
    "merge-key-by-tag": K("!!merge '<<': {a: 1}\nb: 2\n", check=lambda v: v == {"a": 1, "b": 2}),
    "duplicate-keys-last-wins": K("a: 1\nb: 2\na: 3\nc: {x: 1}\nc: {z: 2}\n",
                                  check=lambda v: v == {"a": 3, "b": 2, "c": {"z": 2}}, warns=["duplicate-key"]),
    "duplicate-keys-after-conversion": K("1: a\n0x1: b\n", check=lambda v: v == {"1": "b"}, warns=["duplicate-key"]),
}

ANCHORS = {
    "anchors-and-aliases": K("base: &b {x: 1, z: [1, 2]}\ncopy: *b\nlist: &l [1, 2]\nl2: *l\ns: &s hello\ns2: *s\n",
                             check=lambda v: v["copy"] == v["base"]),
    "alias-as-key": K("k: &k name\n*k : 1\n", check=lambda v: v["name"] == 1),
    "merge-key-then-explicit-wins": K("base: &b {x: 1, z: 2}\nm:\n  <<: *b\n  z: 3\n", check=lambda v: v["m"] == {"x": 1, "z": 3}),
    "explicit-then-merge-key-wins": K("base: &b {x: 1, z: 2}\nm:\n  z: 3\n  <<: *b\n", check=lambda v: v["m"] == {"x": 1, "z": 2}),
    "merge-list-first-wins": K("a: &a {x: 1, p: 1}\nb: &b {x: 2, q: 2}\nm:\n  <<: [*a, *b]\n",
                               check=lambda v: v["m"] == {"x": 1, "p": 1, "q": 2}),
    "merge-list-between-explicit-keys": K("a: &a {x: 1, p: 1}\nb: &b {x: 2, q: 2}\nm:\n  x: 0\n  <<: [*a, *b]\n  q: 9\n"),
    "two-merge-keys-later-wins": K("a: &a {x: 1}\nb: &b {x: 2}\nm:\n  <<: *a\n  <<: *b\n", check=lambda v: v["m"] == {"x": 2}),
    "merge-inline-nested-and-empty": K("a: &a {x: 1}\nb: &b\n  <<: *a\n  p: 2\nm:\n  <<: *b\n  q: 3\nn:\n  <<: {i: 1}\no:\n  <<: []\n  k: 1\n"
                                       "<<: {top: 1}\n", check=lambda v: v["m"] == {"x": 1, "p": 2, "q": 3} and v["top"] == 1),
    "merge-replaces-nested-tables-whole": K("a: &a {x: {p: 1}}\nm:\n  <<: *a\n  x: {q: 2}\n", check=lambda v: v["m"] == {"x": {"q": 2}}),
    "merge-of-scalar-is-an-error": E("m:\n  <<: 1\n"),
    "merge-of-scalar-list-is-an-error": E("m:\n  <<: [1]\n"),
    "merge-of-null-is-an-error": E("m:\n  <<: ~\n"),
    "undefined-alias-is-an-error": E("a: *nope\n"),
    "recursive-alias-is-an-error": E("a: &a [*a]\n"),
    "anchors-do-not-cross-documents": E("a: &x 1\n---\nb: *x\n"),
    "anchor-redefined-later-aliases-see-the-new-one": K("a: &x 1\nb: *x\nc: &x [2]\nd: *x\n",
                                                        check=lambda v: v == {"a": 1, "b": 1, "c": [2], "d": [2]}),
    "anchor-redefined-inside-itself-is-an-error": E("a: &x 1\nb: &x [*x]\n"),
}

DOCUMENTS = {
    "chart-values-several-documents": K("a: 1\nb: {x: 1, z: 1}\nl: [1, 2]\n---\nb: {z: 2}\nc: 3\nl: [3]\n---\n---\na: ~\n",
                                        check=lambda v: v == {"a": None, "b": {"x": 1, "z": 2}, "c": 3, "l": [3]}),
    "user-file-several-documents": K("a: 1\nb: {x: 1}\n", ["b: {z: 1}\nc: 1\n---\nb: {x: 2}\nc: ~\n---\n# only a comment\n"],
                                     check=lambda v: v == {"a": 1, "b": {"x": 2, "z": 1}, "c": None}),
    "documents-map-then-scalar-then-map": K("a: {x: 1}\n---\na: 2\n---\nb: 2\n---\nb: {x: 1}\n",
                                            check=lambda v: v == {"a": 2, "b": {"x": 1}}),
    "document-end-marker-ignores-the-rest": K("a: 1\n...\nb: 2\n", ["c: 1\n...\n[[[\n"], check=lambda v: v == {"a": 1, "c": 1}),
    "separator-with-comment-and-spaces": K("a: 1\n--- # next\nb: 2\n---   \nc: 3\n---\r\nd: 4\n", check=lambda v: len(v) == 4),
    "separator-followed-by-content-is-an-error": E("a: 1\n--- {b: 2}\n"),
    "four-dashes-is-an-error": E("a: 1\n----\nb: 2\n"),
    "dashes-inside-a-quoted-scalar-is-an-error": E("a: \"x\n---y\"\n"),
    "indented-dashes-are-content": K("a: |\n  ---\n  x\nb: 1\n", check=is_("a", "---\nx\n")),
    "yaml-directive-is-an-error": E("%YAML 1.1\n---\na: 1\n"),
    "tag-directive-is-an-error": E("%TAG !e! tag:yaml.org,2002:\n---\na: !e!int '5'\n"),
    "empty-files-are-empty-maps": K("", ["", "# comment only\n", "---\n", "~\n", "{}\n"], check=lambda v: v == {}),
    "missing-values-yaml": K(None, ["a: 1\n"], check=lambda v: v == {"a": 1}),
    "top-level-list-in-chart-is-an-error": E("- a\n- b\n"),
    "top-level-list-in-user-file-is-an-error": E("a: 1\n", ["[]\n"]),
    "top-level-scalar-is-an-error": E("hello\n"),
    "top-level-number-in-user-file-is-an-error": E("", ["5\n"]),
    "top-level-quoted-empty-string-is-an-error": E("''\n"),
    "list-document-after-a-map-is-an-error": E("a: 1\n---\n- 1\n"),
    "tab-indentation-is-an-error": E("a:\n\tb: 1\n"),
    "unclosed-flow-is-an-error": E("a: [1, 2\n"),
    "percent-plain-scalar-is-an-error": E("a: %x\n"),
    "invalid-unicode-escape-is-an-error": E("a: \"\\ud800\"\n"),
    "control-character-is-an-error": E("a: x\x7fy\n"),
    "invalid-utf8-is-an-error": E(b"a: \xff\n"),  # type: ignore[arg-type]
    "utf16be-with-bom-is-one-yaml-stream": K(b"\xfe\xff" + "a: \U0001F600\n---\nb: 2\n".encode("utf-16-be"),  # type: ignore[arg-type]
                                             check=lambda v: v == {"a": "\U0001F600"}),
    "utf16le-values-is-an-error": E("a: 1\n", ["a: 2\n".encode("utf-16")]),  # type: ignore[list-item]
    "byte-order-mark-at-a-line-start-is-text": K("a: 1\n\ufeffb: 2\n", check=lambda v: "\ufeffb" in v),
}

LAYERS = {
    "files-merge-maps-replace-lists": K("a: {x: 1, l: [1, 2]}\nb: 1\n", ["a: {x: 2, p: 3}\nl: [1, 2]\n", "a: {w: 4}\nl: [3]\nb: ~\n"],
                                        check=lambda v: v == {"a": {"l": [1, 2], "w": 4, "x": 2, "p": 3}, "l": [3]}),
    "null-in-a-file-is-kept-until-coalesced": K("a: 1\n", ["a: ~\n", "a: 2\n"], check=is_("a", 2)),
    "value-then-null-deletes-default": K("a: 1\nb: 1\n", ["a: 2\n", "a: ~\n"], check=lambda v: v == {"b": 1}),
    "null-then-table": K("a: {p: 1}\n", ["a: ~\n", "a: {x: 1}\n"], check=lambda v: v["a"] == {"p": 1, "x": 1}),
    "table-with-null-then-table": K("a: {p: 1, q: 2}\n", ["a: {p: ~}\n", "a: {x: 1}\n"], check=lambda v: v["a"] == {"x": 1, "q": 2}),
    "file-table-then-scalar": K("", ["a: {x: 1}\n", "a: 5\n"], check=is_("a", 5)),
    "file-scalar-then-table": K("", ["a: 5\n", "a: {x: 1}\n"], check=lambda v: v["a"] == {"x": 1}),
    "file-list-then-table": K("", ["a: [1]\n", "a: {x: 1}\n"]),
}

COALESCE = {
    "null-deletes-default-top-level": K("a: 1\nb: 2\n", ["a: ~\n"], check=lambda v: v == {"b": 2}),
    "null-deletes-default-nested": K("a: {b: 1, c: 2}\n", ["a: {b: ~}\n"], check=lambda v: v == {"a": {"c": 2}}),
    "null-deletes-default-table": K("a: {b: {c: 1, d: 2}}\n", ["a: {b: ~}\n"], check=lambda v: v == {"a": {}}),
    "null-without-default-stays-null": K("a: {x: 1}\n", ["b: ~\nc: {d: ~}\na: {e: ~}\n"],
                                         check=lambda v: v == {"a": {"x": 1, "e": None}, "b": None, "c": {"d": None}}),
    "chart-default-nulls-are-kept": K("a: ~\nb: {c: ~, d: 1}\n", ["b: {e: 1}\n"],
                                      check=lambda v: v == {"a": None, "b": {"c": None, "d": 1, "e": 1}}),
    "null-over-null-default": K("a: ~\nb: {c: ~}\n", ["a: ~\nb: {c: ~}\n"]),
    "lists-are-replaced-whole": K("a: [1, 2, 3]\nb: [{x: 1, z: 1}]\n", ["a: [9]\nb: [{x: 2}]\n"],
                                  check=lambda v: v == {"a": [9], "b": [{"x": 2}]}),
    "empty-table-keeps-defaults": K("a: {x: 1}\n", ["a: {}\n"], check=lambda v: v == {"a": {"x": 1}}),
    "empty-list-and-string-replace": K("a: [1]\nb: x\n", ["a: []\nb: ''\n"], check=lambda v: v == {"a": [], "b": ""}),
    "table-over-scalar-top-level": K("a: 1\n", ["a: {x: 1}\n"], check=lambda v: v == {"a": {"x": 1}}, warns=["table-conflict"]),
    "scalar-over-table-top-level": K("a: {x: 1}\n", ["a: 1\n"], check=is_("a", 1), warns=["table-conflict"]),
    "table-over-scalar-nested": K("a: {b: 1, c: 1}\n", ["a: {b: {x: 1}}\n"], check=lambda v: v["a"] == {"b": {"x": 1}, "c": 1},
                                  warns=["table-conflict"]),
    "scalar-over-table-nested": K("a: {b: {x: 1}, c: 1}\n", ["a: {b: 1}\n"], check=lambda v: v["a"] == {"b": 1, "c": 1},
                                  warns=["table-conflict"]),
    "list-over-table-and-table-over-list": K("a: {x: 1}\nb: [1]\n", ["a: [1]\nb: {x: 1}\n"],
                                             check=lambda v: v == {"a": [1], "b": {"x": 1}}),
    "table-over-null-default": K("a: ~\nb: {c: ~}\n", ["a: {x: 1}\nb: {c: {y: 1}}\n"]),
    "deep-mixed-coalesce": K("a: {b: {c: {d: 1, e: [1]}, f: 2}, g: x}\nh: [1]\n",
                             ["a: {b: {c: {d: ~, e: [2], n: ~}}}\nh: ~\n", "a: {b: {f: {z: 1}}, g: ~}\n"]),
}

SUBCHARTS = {
    "subchart-directory-defaults-fill-its-section": K("sub: {a: 2}\n", subs={"sub": S("a: 1\nb: 1\n")},
                                                      check=lambda v: v["sub"] == {"a": 2, "b": 1, "global": {}}),
    "subchart-archive": K("sub: {a: 2}\n", archives={"sub": S("a: 1\nb: {c: 1}\n")}, check=lambda v: v["sub"]["b"] == {"c": 1}),
    "subchart-archive-with-user-values": K("", ["sub: {b: 3}\n"], archives={"sub": S("a: 1\nb: 1\n")}),
    "subchart-of-a-subchart": K("", ["sub: {inner: {x: 9}}\n"], subs={"sub": S("a: 1\n", subcharts={"inner": S("x: 1\nz: 2\n")})},
                                check=lambda v: v["sub"]["inner"] == {"x": 9, "z": 2, "global": {}}),
    "archive-inside-an-archive": K("", archives={"sub": S("a: 1\n", subcharts={"inner": S("x: 1\n")})}),
    "archive-inside-a-directory": K("", subs={"sub": S("a: 1\n")},
                                    setup=lambda c: write_archive(c / "charts" / "sub" / "charts" / "inner-0.1.0.tgz", S("i: 1\n"), "inner"),
                                    check=lambda v: v["sub"]["inner"]["i"] == 1),
    "parent-values-for-a-nested-subchart": K("sub: {inner: {x: 5}}\n", subs={"sub": S("inner: {z: 1}\n", subcharts={"inner": S("x: 1\n")})}),
    "globals-two-levels-down-parent-wins": K("global: {g: 1, p: parent}\n", ["global: {u: user}\n"],
                                             subs={"sub": S("global: {g: 2, s: sub}\n",
                                                            subcharts={"inner": S("global: {g: 3, i: inner, p: innerp}\n")})},
                                             check=lambda v: v["sub"]["inner"]["global"] == {"g": 1, "i": "inner", "p": "parent",
                                                                                            "s": "sub", "u": "user"}),
    "global-tables-merge-parent-wins": K("global: {t: {a: 1}}\n", subs={"sub": S("global: {t: {a: 2, b: 2}}\n")},
                                         check=lambda v: v["sub"]["global"]["t"] == {"a": 1, "b": 2}),
    "global-scalar-over-subchart-table": K("global: {t: 1}\n", subs={"sub": S("global: {t: {a: 2}}\n")}),
    "global-table-over-subchart-scalar": K("global: {t: {a: 1}}\n", subs={"sub": S("global: {t: 2}\n")}),
    "global-only-in-subchart": K("", subs={"sub": S("global: {s: 1}\n")}, check=lambda v: "global" not in v),
    "user-null-global-and-subchart-default": K("global: {a: 1}\n", ["global: {a: ~}\n"], subs={"sub": S("global: {a: 2, b: ~}\n")}),
    "global-not-a-table": K("global: 1\n", subs={"sub": S("a: 1\n")}),
    "subchart-global-not-a-table": K("", subs={"sub": S("global: 1\n")}),
    "subchart-section-scalar-is-an-error": E("sub: 1\n", subs={"sub": S("a: 1\n")}),
    "subchart-section-list-from-user-is-an-error": E("", ["sub: [1]\n"], subs={"sub": S("a: 1\n")}),
    "subchart-section-null-from-user-is-an-error": E("", ["sub: ~\n"], subs={"sub": S("a: 1\n")}),
    "subchart-section-null-default-is-an-error": E("sub: ~\n", subs={"sub": S("a: 1\n")}),
    "nested-subchart-section-scalar-is-an-error": E("", ["sub: {inner: 1}\n"], subs={"sub": S("", subcharts={"inner": S("x: 1\n")})}),
    "subchart-default-nulls-are-kept": K("", subs={"sub": S("a: ~\nb: {c: ~, d: 1}\n", subcharts={"inner": S("n: ~\n")})},
                                         check=lambda v: v["sub"]["a"] is None and v["sub"]["b"] == {"c": None, "d": 1}),
    "user-null-deletes-subchart-default": K("", ["sub: {a: ~, b: {c: ~}}\n"], subs={"sub": S("a: 1\nb: {c: 1, d: 1}\n")}),
    "parent-default-null-deletes-subchart-default": K("sub: {a: ~, inner: {x: ~}}\n",
                                                      subs={"sub": S("a: 1\nb: 2\n", subcharts={"inner": S("x: 1\nz: 2\n")})}),
    "subchart-table-conflicts": K("sub: {a: 1, b: {x: 1}}\n", subs={"sub": S("a: {x: 1}\nb: 1\n")}),
    "subchart-name-comes-from-its-chart-yaml": K("", subs={"dir": S("a: 1\n", name="realname")}, check=lambda v: "realname" in v),
    "set-into-a-subchart": K("", [], ["sub.a=5", "sub.l[1]=x", "global.g=1"], subs={"sub": S("a: 1\nl: [1, 2]\n")}),
}

DEPENDENCIES = {
    "alias": K("", ["other: {a: 5}\n"], subs={"sub": S("a: 1\nb: 1\n")}, extra=deps(dep("sub", "  alias: other\n")),
               check=lambda v: v["other"]["a"] == 5 and "sub" not in v),
    "one-chart-under-two-aliases": K("", ["one: {a: 5}\n"], subs={"sub": S("a: 1\n")},
                                     extra=deps(dep("sub", "  alias: one\n"), dep("sub", "  alias: two\n"))),
    "alias-and-plain-name": K("", subs={"sub": S("a: 1\n")}, extra=deps(dep("sub"), dep("sub", "  alias: two\n"))),
    "alias-gets-globals": K("global: {g: 1}\n", subs={"sub": S("global: {h: 2}\n")}, extra=deps(dep("sub", "  alias: al\n"))),
    "condition-true": K("sub: {enabled: true}\n", subs={"sub": S("a: 1\n")}, extra=deps(dep("sub", "  condition: sub.enabled\n")),
                        check=lambda v: v["sub"]["a"] == 1),
    "condition-false": K("sub: {enabled: false}\n", subs={"sub": S("a: 1\n")}, extra=deps(dep("sub", "  condition: sub.enabled\n")),
                         check=lambda v: v == {"sub": {"enabled": False}}),
    "condition-false-from-user-file": K("sub: {enabled: true}\n", ["sub: {enabled: false}\n"], subs={"sub": S("a: 1\n")},
                                        extra=deps(dep("sub", "  condition: sub.enabled\n"))),
    "condition-nested-path": K("features: {x: {enabled: false}}\n", subs={"sub": S("a: 1\n")},
                               extra=deps(dep("sub", "  condition: features.x.enabled\n"))),
    "condition-missing-path-keeps-enabled": K("features: {x: {on: false}}\n", subs={"sub": S("a: 1\n")},
                                              extra=deps(dep("sub", "  condition: features.x.enabled\n"))),
    "condition-non-bool-is-ignored": K("sub: {enabled: 'false'}\n", subs={"sub": S("a: 1\n")},
                                       extra=deps(dep("sub", "  condition: sub.enabled\n")), check=lambda v: v["sub"]["a"] == 1),
    "condition-table-or-null-is-ignored": K("sub: {enabled: {x: false}}\nother: {enabled: ~}\n",
                                            subs={"sub": S("a: 1\n"), "other": S("enabled: false\n")},
                                            extra=deps(dep("sub", "  condition: sub.enabled\n"), dep("other", "  condition: other.enabled\n"))),
    "condition-first-bool-wins": K("a: {on: 1}\nb: {enabled: false}\nc: {enabled: true}\n", subs={"sub": S("a: 1\n")},
                                   extra=deps(dep("sub", "  condition: a.enabled,b.enabled,c.enabled\n"))),
    "condition-parts-are-not-trimmed": K("sub: {enabled: false}\n", subs={"sub": S("a: 1\n")},
                                         extra=deps(dep("sub", "  condition: ' sub.enabled , x.y'\n"))),
    "condition-from-set": K("sub: {enabled: true}\n", [], ["sub.enabled=false"], subs={"sub": S("a: 1\n")},
                            extra=deps(dep("sub", "  condition: sub.enabled\n"))),
    "condition-from-set-string-is-not-bool": K("sub: {enabled: true}\n", [], [], ["sub.enabled=false"], subs={"sub": S("a: 1\n")},
                                               extra=deps(dep("sub", "  condition: sub.enabled\n"))),
    "condition-from-subchart-default": K("", subs={"sub": S("enabled: false\na: 1\n")}, extra=deps(dep("sub", "  condition: sub.enabled\n")),
                                         check=lambda v: v == {}),
    "condition-on-global": K("global: {subOn: false}\n", subs={"sub": S("a: 1\n")}, extra=deps(dep("sub", "  condition: global.subOn\n"))),
    "condition-with-alias": K("", ["other: {enabled: false}\n"], subs={"sub": S("a: 1\n")},
                              extra=deps(dep("sub", "  alias: other\n  condition: other.enabled\n"))),
    "condition-per-alias": K("one: {enabled: false}\n", subs={"sub": S("a: 1\n")},
                             extra=deps(dep("sub", "  alias: one\n  condition: one.enabled\n"),
                                        dep("sub", "  alias: two\n  condition: two.enabled\n"))),
    "condition-of-a-nested-dependency": K("", ["sub: {inner: {enabled: false}}\n"],
                                          subs={"sub": S("a: 1\n", subcharts={"inner": S("x: 1\n")},
                                                         chart_yaml_extra=deps(dep("inner", "  condition: inner.enabled\n")))},
                                          extra=deps(dep("sub"))),
    "condition-of-a-nested-dependency-from-its-parent-default": K(
        "", subs={"sub": S("inner: {enabled: false}\n", subcharts={"inner": S("x: 1\n")},
                           chart_yaml_extra=deps(dep("inner", "  condition: inner.enabled\n")))}),
    "tags-false-disables": K("tags: {front: false}\n", subs={"sub": S("a: 1\n")}, extra=deps(dep("sub", "  tags: [front]\n")),
                             check=lambda v: "sub" not in v),
    "tags-any-true-enables": K("tags: {front: false, back: true}\n", subs={"sub": S("a: 1\n")},
                               extra=deps(dep("sub", "  tags: [front, back]\n"))),
    "condition-beats-tags": K("tags: {front: false}\nsub: {enabled: true}\n", subs={"sub": S("a: 1\n")},
                              extra=deps(dep("sub", "  tags: [front]\n  condition: sub.enabled\n"))),
    "tags-non-bool-undefined-or-not-a-table": K("tags: {front: 'no', other: false}\n", subs={"sub": S("a: 1\n"), "s2": S("b: 1\n")},
                                                extra=deps(dep("sub", "  tags: [front]\n"), dep("s2", "  tags: [missing]\n"))),
    "tags-not-a-table": K("tags: false\n", subs={"sub": S("a: 1\n")}, extra=deps(dep("sub", "  tags: [t]\n"))),
    "tags-from-user-and-set": K("", ["tags: {t: true}\n"], ["tags.t=false"], subs={"sub": S("a: 1\n")},
                                extra=deps(dep("sub", "  tags: [t]\n"))),
    "tags-of-a-nested-dependency-read-at-the-top": K(
        "tags: {t: false}\n", subs={"sub": S("a: 1\n", subcharts={"inner": S("x: 1\n")},
                                            chart_yaml_extra=deps(dep("inner", "  tags: [t]\n")))},
        extra=deps(dep("sub"))),
    "tags-in-a-subchart-default": K("", subs={"sub": S("tags: {t: false}\n", subcharts={"inner": S("x: 1\n")},
                                                       chart_yaml_extra=deps(dep("inner", "  tags: [t]\n")))},
                                    extra=deps(dep("sub"))),
    "import-values-exports-string-form": K("", subs={"sub": S("exports: {data: {port: 80, host: h}}\na: 1\n")},
                                           extra=deps(dep("sub", "  import-values: [data]\n")),
                                           check=lambda v: v["port"] == 80),
    "import-values-child-parent-form": K("mine: {port: 1, keep: 1}\n", subs={"sub": S("cfg: {port: 80, host: h}\n")},
                                         extra=deps(dep("sub", "  import-values:\n  - child: cfg\n    parent: mine\n")),
                                         check=lambda v: v["mine"] == {"port": 1, "keep": 1, "host": "h"}),
    "import-values-user-overrides": K("", ["mine: {port: 9}\nsub: {cfg: {port: 7}}\n"], subs={"sub": S("cfg: {port: 80, host: h}\n")},
                                      extra=deps(dep("sub", "  import-values:\n  - child: cfg\n    parent: mine\n"))),
    "import-values-parent-default-wins": K("sub: {cfg: {p: 7}}\nm: {q: 0}\n", subs={"sub": S("cfg: {p: 5, q: 1}\n")},
                                           extra=deps(dep("sub", "  import-values:\n  - child: cfg\n    parent: m\n"))),
    "import-values-to-root-and-nested-parent": K("", subs={"sub": S("cfg: {port: 80}\n")},
                                                 extra=deps(dep("sub", "  import-values:\n  - child: cfg\n    parent: .\n"
                                                                       "  - child: cfg\n    parent: a.b.c\n"))),
    "import-values-missing-or-scalar-child": K("", subs={"sub": S("cfg: 5\nexports: {s: 1}\n")},
                                               extra=deps(dep("sub", "  import-values:\n  - child: nope\n    parent: mine\n"
                                                                     "  - child: cfg\n    parent: x\n  - nothere\n  - s\n"))),
    "import-values-through-two-levels": K("", subs={"sub": S("t: {u: 1}\n", subcharts={"inner": S("exports: {d: {t: {w: 2}}}\n")},
                                                             chart_yaml_extra=deps(dep("inner", "  import-values: [d]\n")))},
                                          extra=deps(dep("sub", "  import-values:\n  - child: t\n    parent: top\n")),
                                          check=lambda v: v["top"] == {"u": 1, "w": 2}),
    "import-values-with-alias": K("", subs={"sub": S("cfg: {port: 80}\n")},
                                  extra=deps(dep("sub", "  alias: al\n  import-values:\n  - child: cfg\n    parent: mine\n"))),
    "import-values-of-disabled-dependency": K("sub: {enabled: false}\n", subs={"sub": S("cfg: {port: 80}\n")},
                                              extra=deps(dep("sub", "  condition: sub.enabled\n  import-values:\n"
                                                                    "  - child: cfg\n    parent: mine\n")),
                                              check=lambda v: "mine" not in v),
    "import-values-two-children-share-a-parent": K(
        "", subs={"s1": S("cfg: {p: 1, q: 1}\n"), "s2": S("cfg: {p: 2, r: 2}\n")},
        extra=deps(dep("s1", "  import-values:\n  - child: cfg\n    parent: m\n"),
                   dep("s2", "  import-values:\n  - child: cfg\n    parent: m\n")),
        # Helm merges the second import into the first child's own table.
        check=lambda v: v["s1"]["cfg"] == {"p": 1, "q": 1, "r": 2}),
    "import-values-nulls": K("m: {p: ~}\n", ["n: {p: ~}\n"], subs={"sub": S("cfg: {p: 5, q: 1}\nc2: {p: ~, z: 1}\n")},
                             extra=deps(dep("sub", "  import-values:\n  - child: cfg\n    parent: m\n"
                                                   "  - child: cfg\n    parent: n\n  - child: c2\n    parent: o\n"))),
    "declared-and-undeclared-subcharts": K("", subs={"sub": S("a: 1\n"), "extra": S("e: 1\n")}, extra=deps(dep("sub"))),
    "dependency-missing-from-charts-is-an-error": E("", extra=deps(dep("sub"))),
    "disabled-dependency-missing-from-charts-is-an-error": E("sub: {enabled: false}\n",
                                                             extra=deps(dep("sub", "  condition: sub.enabled\n"))),
    "missing-dependency-of-a-subchart-is-fine": K("", subs={"sub": S("a: 1\n", chart_yaml_extra=deps(dep("ghost")))}),
    "condition-and-numbers-in-chart-yaml-are-text": K("'5': {enabled: false}\n", subs={"five": S("a: 1\n", name="5")},
                                                      extra=deps("- name: 5\n  version: 0.1.0\n  condition: 5.enabled\n")),
}


def _symlinked_subchart(chart: Path) -> None:
    target = chart.parent / "elsewhere"
    write_chart(target, "s: 9\n", name="linked")
    (chart / "charts").mkdir(exist_ok=True)
    (chart / "charts" / "linked").symlink_to(target)


def _symlinked_values(chart: Path) -> None:
    (chart.parent / "real-values.yaml").write_text("a: 7\n", encoding="utf-8")
    (chart / "values.yaml").unlink()
    (chart / "values.yaml").symlink_to(chart.parent / "real-values.yaml")


def _write(path: str, text: str) -> Callable[[Path], None]:
    def setup(chart: Path) -> None:
        target = chart / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return setup


def _tar_gz_subchart(chart: Path) -> None:
    write_archive(chart / "charts" / "sub-0.1.0.tar.gz", S("s: 1\n"), "sub")


CHART_Y = "apiVersion: v2\nname: oracle\nversion: 0.1.0\n"

CHARTS = {
    "chart-yaml-without-apiversion": K("a: 1\n", setup=_write("Chart.yaml", "name: oracle\nversion: 0.1.0\n")),
    "chart-yaml-apiversion-v3-is-an-error": E("a: 1\n", setup=_write("Chart.yaml", "apiVersion: v3\nname: oracle\nversion: 0.1.0\n")),
    "chart-yaml-without-version-is-an-error": E("a: 1\n", setup=_write("Chart.yaml", "apiVersion: v2\nname: oracle\n")),
    "chart-yaml-bad-semver-is-an-error": E("a: 1\n", setup=_write("Chart.yaml", "apiVersion: v2\nname: oracle\nversion: 1.2.3-01\n")),
    "chart-yaml-loose-semver": K("a: 1\n", setup=_write("Chart.yaml", "apiVersion: v2\nname: oracle\nversion: v1\n")),
    "chart-yaml-numeric-version": K("a: 1\n", setup=_write("Chart.yaml", "apiVersion: v2\nname: oracle\nversion: 1.5\n")),
    "chart-yaml-name-with-slash-is-an-error": E("a: 1\n", setup=_write("Chart.yaml", "apiVersion: v2\nname: a/b\nversion: 0.1.0\n")),
    "chart-yaml-bad-type-is-an-error": E("a: 1\n", setup=_write("Chart.yaml", CHART_Y + "type: foo\n")),
    "library-chart-is-not-installable": E("a: 1\n", setup=_write("Chart.yaml", CHART_Y + "type: library\n")),
    "library-subchart-is-fine": K("", subs={"sub": S("a: 1\n", chart_yaml_extra="type: library\n")}),
    "chart-yaml-wrong-field-type-is-an-error": E("a: 1\n", setup=_write("Chart.yaml", CHART_Y + "keywords: 5\n")),
    "chart-yaml-case-insensitive-fields": K("", subs={"sub": S("a: 1\n")},
                                            setup=_write("Chart.yaml", "APIVERSION: v2\nName: oracle\nVersion: 0.1.0\n"
                                                         "Dependencies:\n- Name: sub\n  Version: 0.1.0\n  Alias: al\n")),
    "chart-yaml-only-first-document": K("a: 1\n", setup=_write("Chart.yaml", CHART_Y + "---\nname: other\n")),
    "null-dependency-entry-is-an-error": E("", subs={"sub": S("a: 1\n")}, extra="dependencies:\n- \n- name: sub\n  version: 0.1.0\n"),
    "alias-with-a-dot-is-an-error": E("", subs={"sub": S("a: 1\n")}, extra=deps(dep("sub", "  alias: a.b\n"))),
    "duplicate-dependency-is-an-error": E("", subs={"sub": S("a: 1\n")}, extra=deps(dep("sub"), dep("sub"))),
    "dependency-tags-not-a-list-is-an-error": E("", subs={"sub": S("a: 1\n")}, extra=deps(dep("sub", "  tags: t\n"))),
    "subchart-bad-version-is-an-error": E("", subs={"sub": S("a: 1\n")}, setup=_write("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: nope\n")),
    "requirements-yaml-declares-dependencies": K("sub: {enabled: false}\n", subs={"sub": S("a: 1\n")},
                                                 setup=_write("requirements.yaml", deps(dep("sub", "  condition: sub.enabled\n"))),
                                                 check=lambda v: v == {"sub": {"enabled": False}}),
    "file-directly-under-charts-is-an-error": E("a: 1\n", setup=_write("charts/README.md", "hi\n")),
    "hidden-and-underscore-entries-under-charts-are-skipped": K(
        "a: 1\n", setup=lambda c: (_write("charts/.gitkeep", "")(c), _write("charts/_x/Chart.yaml", "apiVersion: v2\nname: x\nversion: 0.1.0\n")(c))),
    "directory-without-chart-yaml-under-charts-is-an-error": E("a: 1\n", setup=_write("charts/foo/values.yaml", "a: 1\n")),
    "tar-gz-under-charts-is-an-error": E("a: 1\n", setup=_tar_gz_subchart),
    "helmignore-hides-values-yaml": K("a: 1\n", ["b: 1\n"], setup=_write(".helmignore", "# ignore\n/values.yaml\n"),
                                      check=lambda v: v == {"b": 1}),
    "helmignore-hides-a-subchart": K("a: 1\n", subs={"sub": S("s: 1\n"), "kept": S("k: 1\n")},
                                     setup=_write(".helmignore", "charts/sub/\n*.tmp\n"), check=lambda v: "sub" not in v),
    "helmignore-basename-rule-reaches-subcharts": K("a: 1\n", subs={"sub": S("s: 1\n", subcharts={"inner": S("i: 1\n")})},
                                                    setup=_write(".helmignore", "inn?r\n"),
                                                    check=lambda v: v["sub"] == {"s": 1, "global": {}}),
    "symlinked-subchart-is-followed": K("a: 1\n", setup=_symlinked_subchart, check=lambda v: v["linked"]["s"] == 9),
    "symlinked-values-yaml-is-followed": K(setup=_symlinked_values, check=lambda v: v == {"a": 7}),
}

SETS = {
    "set-after-files": K("a: 1\n", ["a: 2\nl: [1, 2, 3]\n"], ["a=3", "l[1]=x"], check=lambda v: v == {"a": 3, "l": [1, "x", 3]}),
    "set-edits-a-list-from-a-file": K("", ["l: [{n: a}, {n: b}]\n"], ["l[1].v=2", "l[3]=z"]),
    "set-string-applies-after-set-whatever-the-order": K("", [], ["a=1", "b.c=true"], ["a=2", "b.c=false", "b.d=1"],
                                                         check=lambda v: v == {"a": "2", "b": {"c": "false", "d": "1"}}),
    "set-null-deletes-a-default": K("a: {b: 1, c: 2}\n", [], ["a.b=null"], check=lambda v: v == {"a": {"c": 2}}),
    "set-int64-keeps-every-digit": K("", [], ["a=123456789012345678", "b=-9223372036854775808", "c=9007199254740993",
                                              "d=9223372036854775808"], textual=True,
                                     check=lambda v: v["a"] == 123456789012345678 and v["d"] == "9223372036854775808"),
    "set-scalar-over-a-table": K("a: {b: 1}\n", [], ["a=1"], check=is_("a", 1)),
    "set-table-over-a-scalar": K("a: 1\n", [], ["a.b=1"]),
    "set-through-a-null-from-a-file-is-an-error": E("a: {b: 1}\n", ["a: ~\n"], ["a.c=1"]),
    "set-string-on-a-list-item": K("", ["l: [1, 2]\n"], [], ["l[0]=x"]),
    "set-list-literal-replaces": K("a: [1, 2]\n", [], ["a={3,4}"], check=lambda v: v["a"] == [3, 4]),
    "set-typed-values": K("", [], ["a=true", "b=FALSE", "c=007", "d=1.5", "e=", "f=-0", "g=Null"]),
    "set-escaped-keys": K("", [], ["a\\.b=1", "c.d\\,e=2", "f=x\\,y"], check=lambda v: v["a.b"] == 1),
    "set-bad-syntax-is-an-error": E("", [], ["a[x]=1"]),
}

CASES = {**SCALARS, **KEYS, **ANCHORS, **DOCUMENTS, **LAYERS, **COALESCE, **SUBCHARTS, **DEPENDENCIES, **CHARTS, **SETS}


@pytest.mark.parametrize("spec", [pytest.param(spec, id=name) for name, spec in CASES.items()])
def test_conforms(spec: Spec) -> None:
    outcome = assert_conforms(run_both(spec.case), textual=spec.textual)
    if spec.expect == "error":
        assert not outcome.helm.ok, f"Helm accepts this input now:\n{outcome.helm.line}"
        assert isinstance(outcome.error, ProfileRenderError)
        return
    assert outcome.helm.ok, f"Helm rejects this input:\n{outcome.helm.stderr}"
    if spec.check is not None:
        assert spec.check(outcome.helm.values), f"Helm's values are not what the case documents:\n{outcome.helm.line}"
    assert outcome.result is not None
    codes = {w.code for w in outcome.result.warnings}
    for code in spec.warns:
        assert code in codes, f"expected a {code!r} warning, got {sorted(codes)}"
    if spec.round_trip:
        assert_yaml_round_trips(outcome)


# ---------------------------------------------------------------------------
# Cases that need more than one comparison


FLOAT_TEXT = "a: 1e21\nb: 1e-7\nc: -0.0\nd: 123456789012345678\ne: 0.1\nf: [1.5e300, 5e-324, 1e-6, 1e20]\ng: {h: -1e21}\n"


def test_json_text_is_helms_for_float_heavy_values() -> None:
    outcome = assert_conforms(run_both(Case(FLOAT_TEXT)), textual=True)
    line = outcome.helm.line
    assert line is not None
    # Go's encoding/json spellings, as toJson prints them.
    for spelled in ('"a":1e+21', '"b":1e-7', '"c":-0', '"d":123456789012345680'):
        assert spelled in line
    assert outcome.result is not None
    assert outcome.result.to_json(indent=None) == line
    assert json.loads(outcome.result.to_json()) == json.loads(line)


def test_json_text_for_set_int64_and_file_floats_together() -> None:
    case = Case("x: 1e21\n", ["w: 9007199254740993\n"], ["z=9007199254740993"])
    outcome = assert_conforms(run_both(case), textual=True)
    # --set keeps the int64 exactly; the file's integer became a float64.
    assert '"w":9007199254740992' in (outcome.helm.line or "")
    assert '"z":9007199254740993' in (outcome.helm.line or "")


ROUND_TRIP = [
    Case("a: 'y'\nb: 'on'\nc: '0o17'\nd: '1_000'\ne: '.5'\nf: '2001-12-14'\ng: '~'\nh: 'null'\ni: '1e3'\nj: '0x1F'\n"
         "k: ''\nl: ' lead'\nm: 'trail '\nn: \"multi\\nline\"\no: \"tab\\there\"\np: '#x'\nq: '- x'\nr: ': x'\n"
         "s: '<<'\nt: '1:30'\nu: '+.5'\nv: '-'\nw: \"\\u00e9\\u2603\"\nx: '123456789012345678'\nz: \"x\\n \"\n"),
    Case("'y': 1\n'1': 2\n'1.5': 3\n'null': 4\n'~': 5\n'': 6\n'<<': 7\n'2001-12-14': 8\n'a b': 9\n'a.b': 10\n'-': 11\n"
         "'?': 12\n'true': 13\n"),
    Case("a: [1, [2, []], {}, {b: [null, true, false]}]\nc: {}\nd: []\ne: ~\n"),
    Case("a: 1e21\nb: 9007199254740993\nc: 18446744073709551615\nd: 0.30000000000000004\ne: -0.0\nf: 1e20\n"),
    Case("", ["sub: {a: 2}\n"], subcharts={"sub": S("a: 1\nb: {c: [1, 'on']}\nglobal: {g: 'off'}\n")}),
]


@pytest.mark.parametrize("case", ROUND_TRIP, ids=["ambiguous-strings", "ambiguous-keys", "nesting", "numbers", "subchart"])
def test_yaml_output_round_trips_through_helm(case: Case) -> None:
    assert_yaml_round_trips(assert_conforms(run_both(case)))


def test_parallel_oracle_runs_agree() -> None:
    # The harness runs Helm concurrently in the property tests; make sure that
    # gives the same answers as running one case at a time.
    cases = [Case(f"a: {i}\n", [f"b: {i}\n"]) for i in range(4)]
    for i, outcome in enumerate(run_many(cases)):
        assert_conforms(outcome)
        assert outcome.helm.values == {"a": i, "b": i}


def test_case_count() -> None:
    # The suite promises at least 70 hand-written oracle cases.
    assert len(CASES) + len(ROUND_TRIP) + 2 >= 70
