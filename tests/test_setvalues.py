"""Tests of profile_render.helm.setvalues: Helm's --set / --set-string parsing.

Three layers:

1. plain unit tests of the API (typing, paths, the leaf hook, error attributes);
2. oracle cases (marked ``helm``) that give the same ``--set`` arguments, and
   optionally a values file, to the real Helm 4.1.4 binary and compare what its
   templates see with ``apply_set`` applied in the same order;
3. hypothesis properties: random well-formed expressions (and random text)
   against Helm, and fuzzed text that must never raise anything but
   SetSyntaxError.
"""

from __future__ import annotations

import copy
import json
import sys
from typing import Optional, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profile_render.errors import ProfileRenderError, SetSyntaxError
from profile_render.helm.setvalues import MAX_INDEX, apply_set, parse_set
from tests.helm_oracle import helm_binary, helm_values

requires_helm = pytest.mark.skipif(helm_binary() is None, reason="helm binary not available (scripts/fetch-helm.sh)")
oracle = [pytest.mark.helm, requires_helm]


def _err(expression: str, dest: Optional[dict] = None, *, as_string: bool = False) -> SetSyntaxError:
    with pytest.raises(SetSyntaxError) as info:
        apply_set(expression, {} if dest is None else dest, as_string=as_string)
    return info.value


# ---------------------------------------------------------------------------
# 1. Unit tests
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("true", True), ("TRUE", True), ("tRuE", True), ("false", False), ("False", False),
        ("fal\u017fe", False),  # Go's EqualFold folds the long s onto "s"
        ("null", None), ("Null", None),
        ("0", 0), ("-0", 0), ("+0", 0), ("1", 1), ("-1", -1), ("+1", 1), ("-007", -7),
        ("9223372036854775807", 9223372036854775807), ("-9223372036854775808", -9223372036854775808),
        ("9223372036854775808", "9223372036854775808"), ("-9223372036854775809", "-9223372036854775809"),
        ("007", "007"), ("00", "00"), ("0x1f", "0x1f"), ("1.5", "1.5"), ("1e3", "1e3"),
        ("1_000", "1_000"), (" 1", " 1"), ("\u0661", "\u0661"), ("+", "+"), ("-", "-"),
        ("yes", "yes"), ("", ""), ("truex", "truex"),
    ],
)
def test_typing(text: str, expected: object) -> None:
    got = parse_set("v=" + text.replace(",", "\\,"))["v"]
    assert type(got) is type(expected) and got == expected


def test_set_string_keeps_text() -> None:
    got = parse_set("a=null,b=1,c=true,d={1,null},e=007,f=", as_string=True)
    assert got == {"a": "null", "b": "1", "c": "true", "d": ["1", "null"], "e": "007", "f": ""}


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("a.b.c=1", {"a": {"b": {"c": 1}}}),
        ("a\\.b=1", {"a.b": 1}),
        ("a\\=b=1,c\\,d=2,e\\[0]=3", {"a=b": 1, "c,d": 2, "e[0]": 3}),
        ("a=x\\,y,b=x\\y,c=\\", {"a": "x,y", "b": "xy", "c": ""}),
        ("a=b=c", {"a": "b=c"}),
        ("a=", {"a": ""}),
        ("a=,b=1", {"a": "", "b": 1}),
        ("a=1,", {"a": 1}),
        ("l[0]=a,l[2]=c", {"l": ["a", None, "c"]}),
        ("l[+1]=x,l[01]=y", {"l": [None, "y"]}),
        ("n[1][1]=1", {"n": [None, [None, 1]]}),
        ("m[1].f=b,m[0].f=c", {"m": [{"f": "c"}, {"f": "b"}]}),
        ("a={x,y},b={},c={1,true,null,007,}", {"a": ["x", "y"], "b": [""], "c": [1, True, None, "007", ""]}),
        ("a={x\\,y,z\\}w}", {"a": ["x,y", "z}w"]}),
        ("a={x}y=1", {"a": ["x"], "y": 1}),
        ("a={x}.b=1", {"a": ["x"]}),
        ("", {}),
        ("\\", {}),
        ("a.", {}),
        ("a.=", {}),
        ("=1,[0]=2", {}),
        ("a[1", {}),
        ("a[0]", {"a": []}),
        ("a[0][0]", {"a": []}),
        ("a[0].b=", {"a": []}),
        ("a[0].b=,c=1", {"a": [{"b": ""}], "c": 1}),
        ("a[0].=x", {"a": [{}]}),
        ("a[0].=", {"a": []}),
        ("a[70000]", {"a": []}),
        ("a[1]=x,a[0][0]=y", {"a": [["y"], "x"]}),
        ("a[0]=x,a[0].b=y", {"a": [{"b": "y"}]}),
        ("a.b=1,a=2", {"a": 2}),
    ],
)
def test_parse(expression: str, expected: dict) -> None:
    assert parse_set(expression) == expected


def test_max_index_allowed() -> None:
    got = parse_set(f"a[{MAX_INDEX}]=1")["a"]
    assert len(got) == MAX_INDEX + 1 and got[-1] == 1 and got[0] is None


def test_nesting_limit_counts_dots_outside_lists_only() -> None:
    ok = ".".join(f"k{i}" for i in range(31)) + "=1"  # 30 dots
    assert parse_set(ok)
    err = _err(".".join(f"k{i}" for i in range(32)) + "=1")
    assert "30" in err.problem
    # a dot straight after "]" is not counted
    assert parse_set("a.b[0]." + ".".join(f"k{i}" for i in range(30)) + "=1")
    _err("a.b[0]." + ".".join(f"k{i}" for i in range(31)) + "=1")


def test_deep_input_never_recurses() -> None:
    deep = parse_set("a" + "[0]" * 5000 + "=1")
    node = deep["a"]
    for _ in range(4999):
        node = node[0]
    assert node == [1]
    deep = parse_set("".join("k[0]." for _ in range(3000)) + "z=1")
    node = deep
    for _ in range(3000):
        node = node["k"][0]
    assert node == {"z": 1}


def test_edits_existing_lists_and_maps() -> None:
    lst = [1, 2, 3]
    inner = {"b": 1}
    dest = {"l": lst, "m": inner, "lm": [{"x": 1}, 2, None], "": {"c": 1}}
    apply_set("l[1]=x,m.c=2,lm[1].y=3,lm[2].z=4,.d=5", dest)
    assert dest["l"] is lst and lst == [1, "x", 3]
    assert dest["m"] is inner and inner == {"b": 1, "c": 2}
    assert dest["lm"] == [{"x": 1}, {"y": 3}, {"z": 4}]
    assert dest[""] == {"c": 1, "d": 5}
    apply_set("l[4]=y", dest)  # growing makes a new list, as Go's setIndex does
    assert dest["l"] == [1, "x", 3, None, "y"] and dest["l"] is not lst and lst == [1, "x", 3]
    apply_set("m.=x", dest)  # accepted because m is not empty
    apply_set("l[0].", dest)  # the item is replaced by {} even though the input ends
    assert dest["l"][0] == {}
    apply_set("m=1", dest)
    assert dest["m"] == 1


@pytest.mark.parametrize(
    "dest, expression",
    [
        ({"s": "str"}, "s.b=1"), ({"s": "str"}, "s[0]=1"), ({"n": None}, "n[0]=1"), ({"n": None}, "n.b=1"),
        ({"l": [1]}, "l.b=1"), ({"m": {"b": 1}}, "m[0]=1"), ({"ll": [[1], 3]}, "ll[1][0]=z"),
        ({"lm": [{"x": 1}]}, "lm[0][0]=q"), ({"": {"c": 1}}, "[0]=1"), ({"m": {"b": 1}}, "m.b.c=1"),
        ({"m": {"b": 1}}, "m..=1"), ({"em": {}}, "em.=1"),
    ],
)
def test_type_conflicts_with_existing_values(dest: dict, expression: str) -> None:
    err = _err(expression, dest)
    assert err.source == "--set " + expression


def test_leaf_hook() -> None:
    seen: list = []

    def tag(value: object) -> object:
        seen.append(value)
        return ("tagged", value)

    dest: dict = {}
    apply_set("a=1,b=null,c={x,null,2},d.e=true,f[1]=s,g=", dest, leaf=tag)
    assert seen == [1, "x", 2, True, "s", ""]
    assert dest == {
        "a": ("tagged", 1), "b": None, "c": [("tagged", "x"), None, ("tagged", 2)],
        "d": {"e": ("tagged", True)}, "f": [None, ("tagged", "s")], "g": ("tagged", ""),
    }
    seen.clear()
    apply_set("a=null", dest, as_string=True, leaf=tag)
    assert seen == ["null"] and dest["a"] == ("tagged", "null")
    # the hook does not change which inputs fail
    with pytest.raises(SetSyntaxError):
        apply_set("a[0]=1", {"a": 1}, leaf=tag)
    with pytest.raises(SetSyntaxError):
        apply_set("a.b=1", {"a": ("tagged", 1)}, leaf=tag)


def test_leaf_default_stores_value_itself() -> None:
    dest: dict = {}
    apply_set("a=1", dest, leaf=None)
    assert dest == {"a": 1}


@pytest.mark.parametrize(
    "expression, column, words",
    [
        ("a", 1, "no value"),
        ("xy=1,a.b", 8, "no value"),
        ("a,b=1", 2, "cannot end with"),
        ("a=1,,b=2", 5, "cannot end with"),
        ("a={x", 3, "'}'"),
        ("ab.=x", 1, "key map"),
        ("a[x]=1", 3, "whole number"),
        ("a[]=1", 3, "whole number"),
        ("a[99999999999999999999]=1", 3, "out of range"),
        ("a[-1]=1", 3, "negative"),
        ("a[0][-2]=1", 6, "negative"),
        ("a[65537]=1", 3, "maximum"),
        ("a[0]x=1", 5, "unexpected text"),
        ("a[0],b=1", 5, "unexpected text"),
    ],
)
def test_error_attributes(expression: str, column: int, words: str) -> None:
    err = _err(expression)
    assert isinstance(err, ProfileRenderError)
    assert err.source == "--set " + expression
    assert err.column == column
    assert words in err.problem
    assert err.hint
    assert err.problem.count(". ") == 0  # one sentence
    assert err.source in str(err)


def test_error_source_for_set_string() -> None:
    err = _err("a", as_string=True)
    assert err.source == "--set-string a"


def test_error_path() -> None:
    err = _err("a.b[1].c[0]=x,a.b[1].c[0][0]=y")
    assert err.path == ("a", "b", 1, "c", 0)


def test_conflict_error_does_not_quote_existing_value() -> None:
    err = _err("secret.b=1", {"secret": "hunter2"})
    assert "hunter2" not in str(err) and "a string" in err.problem
    err = _err("wrapped.b=1", {"wrapped": object()})
    assert "it already holds a value" in err.problem


def test_wrong_argument_types() -> None:
    with pytest.raises(TypeError):
        apply_set(b"a=1", {})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        apply_set("a=1", [])  # type: ignore[arg-type]


def test_module_stays_light() -> None:
    import profile_render.helm.gojson as gojson
    import profile_render.helm.setbudget as setbudget
    import profile_render.helm.setvalues as module

    def imports(mod: object) -> set:
        text = open(mod.__file__, encoding="utf-8").read()  # type: ignore[attr-defined]
        return {line.split()[1] for line in text.splitlines() if line.startswith(("import ", "from "))}

    assert imports(module) <= {"__future__", "json", "re", "typing", "profile_render.errors",
                               "profile_render.helm.gojson", "profile_render.helm.setbudget"}
    assert imports(gojson) <= {"__future__", "json", "re", "typing", "profile_render.yamlio.scalars"}
    assert imports(setbudget) <= {"__future__", "typing"}


# ---------------------------------------------------------------------------
# 2. Oracle cases against the real Helm binary
# ---------------------------------------------------------------------------

BASE = {
    "l": [1, 2, 3],
    "lm": [{"x": 1}, 2, None],
    "ll": [[1, 2], 3],
    "m": {"b": 1},
    "s": "str",
    "nn": None,
    "": {"c": 1},
    "el": [],
    "em": {},
    "f": 1.5,
}


def _ours(base: Optional[dict], sets: Sequence[str], strings: Sequence[str]):
    dest = copy.deepcopy(base) if base is not None else {}
    try:
        for s in sets:
            apply_set(s, dest)
        for s in strings:  # Helm applies every --set before any --set-string
            apply_set(s, dest, as_string=True)
    except SetSyntaxError as exc:
        return False, exc
    return True, dest


def _canon(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def _compare(base: Optional[dict], sets: Sequence[str], strings: Sequence[str] = ()) -> bool:
    """Run Helm and apply_set on the same input; assert they agree; return whether Helm accepted."""
    files = [json.dumps(base)] if base is not None else []
    outcome = helm_values("", files, list(sets), list(strings))
    ok, mine = _ours(base, sets, strings)
    where = f"base={base!r} --set {list(sets)!r} --set-string {list(strings)!r}"
    if outcome.ok:
        assert ok, f"Helm accepted but we raised {mine}: {where}"
        assert _canon(mine) == _canon(outcome.values), f"{where}\nhelm: {outcome.values}\nours: {mine}"
    else:
        assert not ok, f"Helm failed ({outcome.stderr.strip()}) but we gave {mine}: {where}"
    return outcome.ok


DEEP_30 = ".".join(f"k{i}" for i in range(31)) + "=1"
DEEP_31 = ".".join(f"k{i}" for i in range(32)) + "=1"
LIST_DOTS_30 = "a.b[0]." + ".".join(f"k{i}" for i in range(30)) + "=1"
LIST_DOTS_31 = "a.b[0]." + ".".join(f"k{i}" for i in range(31)) + "=1"
DEEP_LISTS = ".".join(f"k{i}[0]" for i in range(40)) + "=1"

ACCEPTED = {
    "bools-null": (None, ["t1=true,t2=false,t3=TRUE,t4=False,t5=null,t6=NULL,t7=fal\u017fe,t8=truex"], []),
    "integers": (None, ["i0=0,i1=-1,i2=+1,i3=-0,i4=+0,i5=-007,i6=9223372036854775807,i7=-9223372036854775808"], []),
    "not-integers": (
        None,
        ["s1=1.5,s2=1e3,s3=0x1f,s4=007,s5=00,s6=9223372036854775808,s7=-9223372036854775809,"
         "s8=1_000,s9= 1,s10=\u0661,s11=123abc,s12=+,s13=0.0"],
        [],
    ),
    "set-string": (None, [], ["a=null,b=1,c=true,d={1,null},e=007,f=,g=-1"]),
    "set-then-set-string": (None, ["a=true", "b.c=1"], ["a=1", "b.d=null"]),
    "dotted-paths": (None, ["a.b.c=1", "a.b.d=2,a.e=3", "x.y.z=1,x=2"], []),
    "escapes": (None, ["x\\.y=1,k\\=v=2,k\\,v=3,k\\[0]=4,p.q\\.r.s=5,v=x\\,y,w=x\\y,u=\\", "e=a\\"], []),
    "values-with-equals": (None, ["a=b=c,url=http://h/?q=1&r=2"], []),
    "list-indexes": (None, ["l[0]=a,l[2]=c", "n[1][1]=1", "o[+1]=x,o[01]=y", "q[\\1]=z"], []),
    "list-of-maps": (None, ["m[0].b=1,m[0].c=2", "m2[1].foo=bar,m2[0].foo=baz", "m3[1][0].a=1,m3[0][1].b=2"], []),
    "list-literals": (None, ["a={x,y}", "b={}", "c={1,true,null,007,}", "d={x\\,y,z\\}w}", "f.g={1,2}", "h[1]={a,b}"], []),
    "literal-ends-assignment": (None, ["a={x}y=1", "b={x}.c=1", "d={x},e=2"], []),
    "empty-values": (None, ["a=", "b.c=", "d[0]=", "e=,f=1", "g={,}"], []),
    "quiet-endings": (None, ["", "\\", "a.", "[0]=1", "=1", "b[1", "c[0]", "d[0][0]", "e.=", "g=1,"], []),
    "dropped-list-items": (None, ["a[0].b=", "c[0].b=,d=1", "e[0].=x", "f[0].=", "g[70000]", "h[1][2].x="], []),
    "max-index": (None, [f"a[{MAX_INDEX}]=1"], []),
    "nesting-limit-30": (None, [DEEP_30, LIST_DOTS_30], []),
    "deep-lists": (None, [DEEP_LISTS], []),
    "unicode-and-space": (None, ["\u00e9=\u00fc,\u00df.\u017f=1", "sp=a b c", "nl=x\ny", "-a=1", "a]=1"], []),
    "later-args-override": (None, ["a.b=1", "a.c=2", "a=3", "b=1", "b={1}", "c[0]=1", "c={2}"], []),
    "existing-lists": (BASE, ["l[1]=x", "lm[0].y=2", "lm[1].z=3", "lm[2].w=4", "ll[0][1]=z", "ll[2][0]=q", "el[1]=e"], []),
    "existing-maps": (BASE, ["m.c=2", ".d=1", "em.x=1", "m.=x", "nn=1", "f=2"], []),
    "existing-replaced": (BASE, ["l={a}", "m=scalar", "s={1,2}", "ll[0]=flat", "lm[0]=gone", "nn={x}"], []),
    "existing-grown": (BASE, ["l[5]=y", "lm[4].k=v", "ll[0][3]=z"], []),
    "existing-quiet-edits": (BASE, ["l[0].", "l[1].b=", "lm[2].", "lm[0].y=", "lm[7].y=", "ll[0][5]", "el[0]"], []),
    "existing-null-items": (BASE, ["lm[2][0]=q"], []),
    "existing-set-string": (BASE, [], ["l[0]=1", "m.b=true", "nn=null"]),
}

REJECTED = {
    "bare-key": (None, ["a"]),
    "bare-nested-key": (None, ["a.b"]),
    "trailing-backslash-key": (None, ["a\\"]),
    "comma-after-key": (None, ["a,b=1"]),
    "double-comma": (None, ["a=1,,b=2"]),
    "key-after-comma": (None, ["a=1,b"]),
    "unterminated-list": (None, ["a={x"]),
    "unterminated-list-comma": (None, ["a={x,"]),
    "nested-braces": (None, ["a={{x}}"]),
    "extra-brace": (None, ["a={x}}"]),
    "empty-key-after-dot": (None, ["a.=x"]),
    "double-dot": (None, ["a..b=1"]),
    "dot-only": (None, [".=1"]),
    "negative-index": (None, ["a[-1]=1"]),
    "negative-index-at-end": (None, ["a[-1]"]),
    "negative-nested-index": (None, ["a[0][-2]=1"]),
    "empty-index": (None, ["a[]=1"]),
    "text-index": (None, ["a[x]=1"]),
    "huge-index": (None, ["a[99999999999999999999]=1"]),
    "index-over-max": (None, [f"a[{MAX_INDEX + 1}]=1"]),
    "index-over-max-map": (None, ["a[70000].b=1"]),
    "index-over-max-nested": (None, ["a[70000][0]=1"]),
    "index-over-max-empty": (None, ["a[70000]="]),
    "text-after-index": (None, ["a[0]x=1"]),
    "comma-after-index": (None, ["a[0],b=1"]),
    "bracket-after-index": (None, ["a[0]]=1"]),
    "nesting-31": (None, [DEEP_31]),
    "list-nesting-31": (None, [LIST_DOTS_31]),
    "scalar-then-map": (None, ["a=3,a.b=1"]),
    "list-then-map": (None, ["a[0]=1,a.b=1"]),
    "map-then-list": (None, ["a.b=1,a[0]=1"]),
    "scalar-item-then-list": (None, ["a[0]=x,a[0][0]=y"]),
    "null-then-map-across-args": (None, ["a=null", "a.b=1"]),
    "existing-string-as-map": (BASE, ["s.b=1"]),
    "existing-string-as-list": (BASE, ["s[0]=1"]),
    "existing-null-as-list": (BASE, ["nn[0]=1"]),
    "existing-null-as-map": (BASE, ["nn.b=1"]),
    "existing-list-as-map": (BASE, ["l.b=1"]),
    "existing-map-as-list": (BASE, ["m[0]=1"]),
    "existing-number-as-list": (BASE, ["ll[1][0]=z"]),
    "existing-map-item-as-list": (BASE, ["lm[0][0]=q"]),
    "existing-empty-key-as-list": (BASE, ["[0]=1"]),
    "existing-number-as-map": (BASE, ["m.b.c=1"]),
    "existing-map-empty-key": (BASE, ["m..=1"]),
    "existing-empty-map": (BASE, ["em.=1"]),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
@pytest.mark.helm
@requires_helm
def test_oracle_accepted(name: str) -> None:
    base, sets, strings = ACCEPTED[name]
    assert _compare(base, sets, strings), f"Helm unexpectedly rejected case {name}"


@pytest.mark.parametrize("name", sorted(REJECTED))
@pytest.mark.helm
@requires_helm
def test_oracle_rejected(name: str) -> None:
    base, sets = REJECTED[name]
    assert not _compare(base, sets), f"Helm unexpectedly accepted case {name}"


@pytest.mark.helm
@requires_helm
def test_oracle_rejected_set_string() -> None:
    assert not _compare(None, [], ["a={x"])
    assert not _compare(None, [], ["a=null", "a.b=1"])  # the string "null" cannot become a map
    assert _compare(None, [], ["a=null"])


# ---------------------------------------------------------------------------
# 3. Properties
# ---------------------------------------------------------------------------

KEYS = st.sampled_from(["a", "b", "c", "a\\.b", "c\\,d", "\u00e9", "x\\=y", ""])
INDEXES = st.sampled_from(["0", "1", "2", "3", "01", "+1"])
SEGMENTS = st.one_of(KEYS.map(lambda k: "." + k), INDEXES.map(lambda i: f"[{i}]"))
PATHS = st.builds(lambda head, rest: head + "".join(rest), KEYS, st.lists(SEGMENTS, max_size=3))
SCALARS = st.one_of(
    st.sampled_from([
        "0", "1", "-1", "+1", "42", "007", "-007", "-0", "9223372036854775807", "9223372036854775808",
        "1.5", "1e3", "0x1f", "true", "False", "TRUE", "null", "NULL", "", "x\\,y", "a b", "=",
    ]),
    st.text(alphabet="abz09-", max_size=4),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3).map(lambda items: "{" + ",".join(items) + "}"))
ASSIGNMENTS = st.builds(lambda p, v: f"{p}={v}", PATHS, VALUES)
EXPRESSIONS = st.lists(ASSIGNMENTS, min_size=1, max_size=3).map(",".join)
NASTY_TEXT = st.text(alphabet="ab.[]{}=,\\01-", max_size=14)


@pytest.mark.helm
@requires_helm
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from([None, BASE]),
    sets=st.lists(st.one_of(EXPRESSIONS, EXPRESSIONS, EXPRESSIONS, NASTY_TEXT), min_size=1, max_size=3),
    strings=st.lists(EXPRESSIONS, max_size=1),
)
def test_property_matches_helm(base: Optional[dict], sets: list, strings: list) -> None:
    _compare(base, sets, strings)


FUZZ_TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.text(alphabet="ab.[]{}=,\\0123456789-+ ", max_size=40),
    st.lists(st.sampled_from(["a", ".", "[", "]", "[0]", "[-1]", "[65537]", "{", "}", "=", ",", "\\", "null", "1"]),
             max_size=20).map("".join),
)


@settings(max_examples=600, deadline=None)
@given(text=FUZZ_TEXT, as_string=st.booleans(), prefilled=st.booleans(), with_leaf=st.booleans())
def test_fuzz_only_set_syntax_errors(text: str, as_string: bool, prefilled: bool, with_leaf: bool) -> None:
    dest = copy.deepcopy(BASE) if prefilled else {}
    leaf = (lambda v: v) if with_leaf else None
    try:
        apply_set(text, dest, as_string=as_string, leaf=leaf)
    except SetSyntaxError as exc:
        assert exc.source == ("--set-string " if as_string else "--set ") + text
        assert exc.problem and exc.hint
        assert exc.column is None or 1 <= exc.column <= len(text) + 1
    else:
        json.dumps(dest)  # what we built is a plain JSON-able tree


@settings(max_examples=200, deadline=None)
@given(text=FUZZ_TEXT)
def test_fuzz_leaf_does_not_change_outcome(text: str) -> None:
    plain: dict = copy.deepcopy(BASE)
    tagged: dict = copy.deepcopy(BASE)
    outcomes = []
    for dest, leaf in ((plain, None), (tagged, lambda v: v)):
        try:
            apply_set(text, dest, leaf=leaf)
            outcomes.append(None)
        except SetSyntaxError as exc:
            outcomes.append(exc.problem)
    assert outcomes[0] == outcomes[1]
    assert _canon(plain) == _canon(tagged)


# Expressions large enough to reach every limit: paths hundreds of levels deep, indexes up to past
# MAX_INDEX, thousands of assignments, long values and keys.
GROWING = st.one_of(
    st.builds(lambda n, tail: "a" + "[0]" * n + tail, st.integers(0, 400), st.sampled_from(["=1", "={x,y}", ".b=1", ""])),
    st.builds(lambda n: "a" + "[0].b" * n + "=1", st.integers(0, 250)),
    st.builds(lambda n: ".".join(["k"] * n) + "=v", st.integers(1, 40)),
    st.builds(lambda idx, n: ",".join(f"k{i % 7}[{idx - i}]={i}" for i in range(n)),
              st.integers(0, MAX_INDEX + 3), st.integers(1, 300)),
    st.builds(lambda n: ",".join(f"l[{i}]=x" for i in range(n)), st.integers(1, 5000)),
    st.builds(lambda n, v: f"a={v * n}", st.integers(1, 200_000), st.sampled_from(["x", "\\,", "9"])),
    st.builds(lambda n: "k" * n + "=1", st.integers(1, 100_000)),
    st.builds(lambda n: "a[" + "9" * n + "]=1", st.integers(1, 6000)),
    FUZZ_TEXT,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sets=st.lists(GROWING, min_size=1, max_size=4), max_depth=st.integers(1, 300),
       max_set_nodes=st.integers(1, 2_000_000))
def test_fuzz_large_expressions_stay_within_the_limits(sets: list, max_depth: int, max_set_nodes: int) -> None:
    """Only SetSyntaxError or LimitExceededError, and what is built stays within depth and budget."""
    from profile_render.errors import LimitExceededError
    from profile_render.helm.setvalues import SetBudget
    from profile_render.yamlio.limits import Limits

    limits = Limits(max_depth=max_depth, max_set_nodes=max_set_nodes)
    budget = SetBudget(max_set_nodes)
    dest: dict = {}
    try:
        for expression in sets:
            apply_set(expression, dest, limits=limits, budget=budget)
    except (SetSyntaxError, LimitExceededError) as exc:
        assert exc.problem and exc.hint and len(exc.source or "") < 300
        return
    assert budget.remaining >= 0
    stack = [(dest, 1)]
    slots = 0
    while stack:
        node, depth = stack.pop()
        assert depth <= max_depth
        children = list(node.values()) if isinstance(node, dict) else node
        slots += len(children)
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    assert slots <= max_set_nodes


def test_very_deep_lists_within_argv_size() -> None:
    # 20000 levels is about what fits in one command-line argument (128 KiB).
    limit = sys.getrecursionlimit()
    parse_set("x" + "[0]" * 20000 + "=1")
    parse_set("x" + "[0]." * 20000 + "=1")
    assert sys.getrecursionlimit() == limit


JSON_FUZZ_TEXT = st.one_of(
    FUZZ_TEXT,
    st.lists(st.sampled_from(["a", "=", ",", " ", "[", "]", "{", "}", '"', ":", "1", ".", "e", "-", "\\u00e9",
                              "null", "true", "[0]", "\u00a0"]), max_size=24).map("".join),
)


@settings(max_examples=600, deadline=None)
@given(text=JSON_FUZZ_TEXT, flag=st.sampled_from(["--set-json", "--set-file", "--set-literal"]),
       prefilled=st.booleans(), with_leaf=st.booleans())
def test_fuzz_other_flags_only_raise_located_errors(text: str, flag: str, prefilled: bool, with_leaf: bool) -> None:
    from profile_render.errors import LimitExceededError
    from profile_render.yamlio.limits import Limits

    dest = copy.deepcopy(BASE) if prefilled else {}
    leaf = (lambda v: v) if with_leaf else None
    read = []

    def read_file(name: str, source: str) -> str:
        read.append(name)
        return f"<{name}>"

    try:
        apply_set(text, dest, flag=flag, leaf=leaf, read_file=read_file, limits=Limits())
    except (SetSyntaxError, LimitExceededError) as exc:
        assert exc.source == f"{flag} {text}"
        assert exc.problem and exc.hint
        assert exc.column is None or 1 <= exc.column <= len(text) + 1
    else:
        json.dumps(dest)  # what we built is a plain JSON-able tree
    if flag != "--set-file":
        assert not read
