"""Integers of any length at the YAML and --set boundary, checked against the Helm binary.

Python refuses to convert more than 4,300 decimal digits between text and
int; Helm reads every number as a float64, and go-yaml v2 keeps a plain
scalar that does not fit as text. So a 5,000-digit integer is a string in
values, an error with an explicit ``!!int``/``!!float`` tag, a string as a
``--set`` value and an out-of-range index in ``--set a[...]``: profile-render
must say the same, without ever converting such text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from profile_render import Layer, merge_values
from profile_render.errors import ChartError, LimitExceededError, ProfileRenderError, SetSyntaxError, ValuesTypeError
from profile_render.helm.semver import is_compatible_range, parse_version
from profile_render.helm.setvalues import parse_set
from profile_render.orchestrator.params import ParameterTemplate, coerce_parameter
from profile_render.yamlio.load import load_values
from profile_render.yamlio.scalars import go_int, resolve_exact, resolve_plain_scalar
from tests.conftest import HELM, Case

CHART = Path(__file__).resolve().parent.parent / "examples" / "hello-chart"
BIG = "1" + "0" * 4999  # 5,000 digits: past Python's 4,300-digit conversion limit


# -- against the binary -------------------------------------------------------------------------------

helm = pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)")


@pytest.mark.helm
@helm
@pytest.mark.parametrize("case", [
    Case(f"a: {BIG}\nb: -{BIG}\nc: {BIG}.5\nd: 1e+4300\ne: 1e-4300\nf: [{BIG}]\ng: -1e4300\n"),
    Case("a: 0x" + "f" * 5000 + "\nb: 0o" + "7" * 6000 + "\nc: 0b" + "1" * 20000 + "\nd: .5e99999\ne: 1_000_000\n"),
    Case("", [f"a: {BIG}\n"]),
    Case("", [], [f"a={BIG}", "b=1e+4300", f"c=-{BIG}", "d=0" + "0" * 5000 + "7"]),
    Case("", [], [], [f"a={BIG}"]),
], ids=["values", "bases", "user-file", "set", "set-string"])
def test_long_numbers_read_as_helm_reads_them(case, oracle):
    outcome = oracle(case, round_trip=True)
    assert outcome.result is not None


@pytest.mark.helm
@helm
@pytest.mark.parametrize("case", [
    Case(f"a: !!int {BIG}\n"),
    Case(f"a: !!float {BIG}\n"),
    Case("a: !!float 1e+4300\n"),
    Case("", [], [f"a[{BIG}]=1"]),
    Case("", [], [], [f"a[{BIG}]=1"]),
    Case("", [], ["a[99999999999999999999]=1"]),
], ids=["tag-int", "tag-float", "tag-float-exponent", "set-index", "set-string-index", "set-index-20-digits"])
def test_long_numbers_helm_refuses_are_refused_cleanly(case, oracle):
    outcome = oracle(case)
    assert isinstance(outcome.error, ProfileRenderError)


# -- without the binary: the errors are located and short ------------------------------------------


def test_a_tagged_long_integer_is_a_located_error_quoting_only_an_excerpt():
    with pytest.raises(ValuesTypeError) as info:
        load_values(f"x: 1\na: !!int {BIG}\n", source="v.yaml")
    error = info.value
    assert (error.source, error.line, error.column, error.path) == ("v.yaml", 2, 4, ("a",))
    assert "5,000 characters" in error.problem and len(str(error)) < 400


def test_long_integers_in_keys_tags_and_flow_never_raise_anything_else():
    for text in (f"{BIG[:1000]}: x\n", f"a: [{BIG}, {{{BIG[:1000]}: 1}}]\n", f"a: -{BIG}\n", f"a: {BIG}e-5000\n",
                 f"a: 0{'0' * 5000}7\n"):
        loaded = load_values(text)
        assert isinstance(loaded.data, dict)
    assert load_values(f"a: 0{'0' * 5000}7\n").data == {"a": 7}  # leading zeros: octal 7, as Go reads it


def test_go_int_recognises_out_of_range_text_by_its_length():
    assert go_int(BIG) is None and go_int("-" + BIG) is None
    assert go_int("0x" + "0" * 5000 + "ff") == 255
    assert go_int("18446744073709551615") == 2**64 - 1 and go_int("184467440737095516150") is None
    assert resolve_exact(BIG) == ("str", BIG)
    assert resolve_exact("-9223372036854775808") == ("int", -(2**63))
    assert resolve_exact("18446744073709551615") == ("uint", 2**64 - 1)
    assert resolve_plain_scalar(BIG) == BIG and resolve_plain_scalar("1e-4300") == 0


def test_set_values_and_indexes_of_any_length():
    assert parse_set(f"a={BIG}") == {"a": BIG}
    assert parse_set("a=9223372036854775807,b=9223372036854775808") == {"a": 2**63 - 1, "b": "9223372036854775808"}
    assert parse_set("a=" + "0" * 5000 + "1") == {"a": "0" * 5000 + "1"}
    with pytest.raises(SetSyntaxError) as info:
        parse_set(f"a[{BIG}]=1")
    assert "out of range" in info.value.problem and "5,000 characters" in info.value.problem
    assert info.value.column == 3
    assert parse_set("a[" + "0" * 5000 + "1]=x") == {"a": [None, "x"]}  # strconv.Atoi takes leading zeros


def test_a_long_set_expression_is_named_by_an_excerpt():
    with pytest.raises(SetSyntaxError) as info:
        parse_set("k=1," * 100_000 + "oops")
    assert info.value.source.endswith("(400,004 characters)") and len(str(info.value)) < 600


def test_chart_version_of_any_length(tmp_path):
    chart = tmp_path / "c"
    chart.mkdir()
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: c\nversion: {BIG}\n")
    with pytest.raises(ChartError) as info:
        merge_values(chart)
    assert "not valid SemVer" in info.value.problem and "5,000 characters" in info.value.problem


def test_semver_segments_and_prerelease_of_any_length():
    assert parse_version(f"{BIG}.0.0") is None
    assert parse_version("18446744073709551615.0.0") is not None and parse_version("18446744073709551616.0.0") is None
    assert not is_compatible_range(f">={BIG}", "1.0.0") and not is_compatible_range("~1.0.0", f"{BIG}.0.0")
    # Masterminds compares pre-release identifiers that fit uint64 as numbers, longer ones as text.
    assert is_compatible_range(f">=1.0.0-{BIG}", "1.0.0")
    assert is_compatible_range(">=1.0.0-2", "1.0.0-10") and not is_compatible_range(">=1.0.0-10", "1.0.0-2")
    assert is_compatible_range(f">=1.0.0-9", f"1.0.0-{BIG}")


def test_a_number_parameter_of_any_length():
    template = ParameterTemplate(name="n", type="number")
    assert coerce_parameter(template, "0" * 5000 + "7") == 7
    assert coerce_parameter(template, BIG) == float(BIG)
    assert coerce_parameter(template, BIG + "e-4990") == 1e9


def test_an_api_integer_beyond_float64_is_refused_before_it_reaches_output():
    with pytest.raises(LimitExceededError) as info:
        merge_values(CHART, [Layer({"a": {"b": 10**5000}}, "<api>")])
    assert info.value.path == ("a", "b") and "float64" in info.value.problem
