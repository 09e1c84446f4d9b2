"""Values the Edge Orchestrator deploys as something else: a warning naming both readings, or an error.

Contract, "Parameter templates", step 4: number → Go strconv.Atoi (failure 0,
out of range ±9223372036854775807), boolean → true only for exactly "true".
"""

from __future__ import annotations

import pytest

from profile_render.orchestrator.lint import RULES, _reference_findings
from profile_render.orchestrator.model import DeploymentContext
from profile_render.orchestrator.params import (
    ParameterError,
    ParameterTemplate,
    apply_parameter_templates,
    reference_reading,
)
from profile_render.rendering import render
from profile_render.values import Layer


def t(name: str = "n", **kw) -> ParameterTemplate:
    return ParameterTemplate(name=name, source="app.yaml", line=4, column=7, **kw)


@pytest.mark.parametrize("raw, deployed", [
    ("1.5", 0), ("abc", 0), ("1e3", 0), ("-3", -3), (" 7 ", 7), ("+5", 5), ("007", 7),
    ("99999999999999999999", 9223372036854775807), ("-99999999999999999999", -9223372036854775807),
    ("\u0663", 0), (2.5, 2.5)])
def test_number_reference_reading(raw, deployed):
    assert reference_reading(t(type="number"), raw) == deployed


@pytest.mark.parametrize("raw, deployed", [
    ("true", True), (" true ", True), ("True", False), ("TRUE", False), ("yes", False), ("1", False), (True, True)])
def test_boolean_reference_reading(raw, deployed):
    assert reference_reading(t(type="boolean"), raw) is deployed


@pytest.mark.parametrize("template, raw, written, deployed", [
    (t(type="number"), "1.5", "1.5", "0"),
    (t(type="number"), "1e3", "1e3", "0"),
    (t(type="number"), "99999999999999999999", "99999999999999999999", "9223372036854775807"),
    (t(type="boolean"), "True", "True", "false"),
])
def test_warning_names_both_readings(template, raw, written, deployed):
    result = apply_parameter_templates([template], {"n": raw}, application="web", profile_values={"n": 1})
    [warning] = [w for w in result.warnings if w.rule == "parameter-reference-differs"]
    assert f"you wrote {written}; the Edge Orchestrator deploys {deployed}" in warning.message
    assert (warning.source, warning.line, warning.severity) == ("app.yaml", 4, "warning")


@pytest.mark.parametrize("template, raw", [(t(type="number"), "3"), (t(type="number"), "-3"),
                                           (t(type="boolean"), "true"), (t(type="boolean"), "false"),
                                           (t(type="boolean"), "False")])
def test_no_warning_where_both_agree(template, raw):
    result = apply_parameter_templates([template], {"n": raw}, application="web", profile_values={"n": 1})
    assert [w.rule for w in result.warnings] == []


@pytest.mark.parametrize("template, raw, deployed", [(t(type="number"), "abc", "0"), (t(type="boolean"), "yes", "false"),
                                                     (t(type="boolean"), "1", "false")])
def test_error_where_strict_coercion_refuses_names_the_reference_value(template, raw, deployed):
    with pytest.raises(ParameterError) as info:
        apply_parameter_templates([template], {"n": raw}, application="web")
    assert f"the Edge Orchestrator would deploy {deployed}" in info.value.problem


def test_secret_readings_never_shown():
    result = apply_parameter_templates([t(type="number", secret=True)], {"n": "12.75"}, application="web",
                                       profile_values={"n": 1})
    [warning] = result.warnings
    assert warning.rule == "parameter-reference-differs" and "12.75" not in str(warning)


def test_render_result_carries_the_warning(tmp_path):
    chart = tmp_path / "chart"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("replicas: 1\n")
    profile = Layer.from_text("replicas: 1\n", source="profile.yaml", kind="profile")
    result = render(chart, profile, context=DeploymentContext("web", "1.0", "d1", "ns"),
                    parameter_templates=[t("replicas", type="number")], parameters={"replicas": "2.5"})
    assert result.values["replicas"] == 2.5
    assert any(w.rule == "parameter-reference-differs" and "you wrote 2.5; the Edge Orchestrator deploys 0" in w.message
               for w in result.warnings)


def test_lint_checks_defaults_and_suggested_values():
    template = t("ratio", type="number", default="1.5", suggested_values=("2", "abc"))
    findings = _reference_findings(template)
    assert [f.rule for f in findings] == ["parameter-reference-differs"] * 2
    assert "default" in findings[0].message and "you wrote 1.5; the Edge Orchestrator deploys 0" in findings[0].message
    assert "'abc'" in findings[1].message and "deploys 0" in findings[1].message
    assert _reference_findings(t("flag", type="boolean", default="true", suggested_values=("false",))) == []
    assert "parameter-reference-differs" in {r.id for r in RULES}
