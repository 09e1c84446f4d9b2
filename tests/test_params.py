"""Parameter templates: coercion, template rules, missing mandatory values, secrets, render integration."""

from __future__ import annotations

import json

import pytest

from profile_render.cli_output import explanations, explanations_json, explanations_text
from profile_render.orchestrator.model import DeploymentContext
from profile_render.orchestrator.params import (
    ParameterError,
    ParameterTemplate,
    apply_parameter_templates,
    coerce_parameter,
    parse_parameter_assignment,
)
from profile_render.rendering import render
from profile_render.values import Layer

SECRET = "s3cr3t-Value\u2603"


def t(name="a.b", **kw):
    return ParameterTemplate(name=name, source="app.yaml", line=7, column=9, **kw)


@pytest.mark.parametrize("raw, value", [("3", 3), ("-2", -2), (" 2.5 ", 2.5), ("1e3", 1000.0), (".5", 0.5), (4, 4)])
def test_number_coercion(raw, value):
    assert coerce_parameter(t(type="number"), raw) == value


@pytest.mark.parametrize("raw", ["abc", "", "1.2.3", "0x10", "true", "1,5"])
def test_number_rejects(raw):
    with pytest.raises(ParameterError) as info:
        coerce_parameter(t(type="number"), raw)
    assert "'a.b'" in info.value.problem and (info.value.source, info.value.line) == ("app.yaml", 7)


@pytest.mark.parametrize("raw, value", [("true", True), ("FALSE", False), (" True ", True), (False, False)])
def test_boolean_coercion(raw, value):
    assert coerce_parameter(t(type="boolean"), raw) is value


@pytest.mark.parametrize("raw", ["yes", "1", "", "tru"])
def test_boolean_rejects(raw):
    with pytest.raises(ParameterError, match="boolean"):
        coerce_parameter(t(type="boolean"), raw)


def test_strings_are_trimmed_and_stay_strings():
    assert coerce_parameter(t(), "  hello world \n") == "hello world"
    assert coerce_parameter(t(), "123") == "123"


def test_secret_values_never_quoted_in_errors():
    with pytest.raises(ParameterError) as info:
        coerce_parameter(t(type="number", secret=True), SECRET)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("template, problem", [
    (t(mandatory=True, default="x"), "mandatory and has a default"),
    (t(secret=True, default="x"), "secret and has a default"),
    (t(type="float"), "unknown type"),
    (t(name="a..b"), "not a value path"),
])
def test_bad_templates(template, problem):
    with pytest.raises(ParameterError, match=problem):
        apply_parameter_templates([template], {}, application="app")


def test_missing_mandatory_parameters_are_listed_together():
    templates = [t("a", mandatory=True), t("b"), t("c.d", mandatory=True)]
    with pytest.raises(ParameterError) as info:
        apply_parameter_templates(templates, {"b": "x"}, application="web")
    assert "'web'" in info.value.problem and "a, c.d" in info.value.problem
    assert "web:a=" in info.value.hint


def test_unknown_parameter_suggests():
    with pytest.raises(ParameterError) as info:
        apply_parameter_templates([t("greeting")], {"greting": "x"}, application="web")
    assert "'greeting'" in info.value.hint


def test_paths_escapes_lists_defaults_and_warnings():
    profile = {"a.b": {"c": 1}, "list": [{"name": "x", "keep": 1}, {"name": "y"}], "greeting": "hi"}
    templates = [t("a\\.b.c", type="number"), t("list[1].name"), t("greeting", default="hello"), t("nowhere.x")]
    result = apply_parameter_templates(templates, {"a\\.b.c": "5", "list[1].name": " z "}, application="web",
                                       profile_values=profile)
    layers = dict(result.layers)
    assert layers["a\\.b.c"] == {"a.b": {"c": 5}}
    assert layers["list[1].name"] == {"list": [{"name": "x", "keep": 1}, {"name": "z"}]}
    assert layers["greeting"] == {"greeting": "hello"}
    assert [w.code for w in result.warnings] == ["parameter-path-missing"]
    assert "nowhere.x" in result.warnings[0].message and result.warnings[0].line == 7


def test_parse_parameter_assignment():
    assert parse_parameter_assignment("web:a.b=x=y") == ("web", "a.b", "x=y")
    for bad in ["a.b=1", ":a=1", "web:a", "web:=1"]:
        with pytest.raises(ParameterError):
            parse_parameter_assignment(bad)


@pytest.fixture
def chart(tmp_path):
    root = tmp_path / "chart"
    root.mkdir()
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "values.yaml").write_text("db:\n  password: ''\n  port: 5432\ngreeting: ''\n")
    return root


def test_render_with_parameters_masks_secrets(chart, capsys):
    ctx = DeploymentContext("web", "1.0", "d1", "ns", org="acme", project="p")
    profile = Layer.from_text("greeting: hi\ndb:\n  port: 5432\n  password: ''\n", source="profile.yaml", kind="profile")
    templates = [t("greeting", suggested_values=("hi", "hello")), t("db.password", secret=True),
                 t("db.port", type="number")]
    result = render(chart, profile, context=ctx, parameter_templates=templates,
                    parameters={"greeting": " hello %OrgName% ", "db.password": SECRET, "db.port": "6543"})
    assert result.values["greeting"] == "hello acme"
    assert result.values["db"] == {"password": SECRET, "port": 6543}  # Helm needs the real value
    assert result.to_dict()["values"]["db"]["password"] == SECRET
    masked = json.dumps(result.masked())
    assert SECRET not in masked and '"password": "****"' in masked
    assert SECRET not in result.to_yaml(masked=True)
    assert result.origin("db.port").layer == "parameter template"
    records = explanations(result, ["db.password", "greeting", "db"])
    out = explanations_text(records)
    assert SECRET not in out and 'db.password = "****" (secret)' in out
    assert "suggested: hi, hello" in out
    document = json.loads(explanations_json(records))  # --explain -o json
    assert SECRET not in json.dumps(document)
    assert [r["value"] for r in document["explain"]][::2] == ["****", "****"]
    assert document["explain"][0]["parameter"]["secret"] is True
    assert SECRET not in json.dumps([str(w) for w in result.warnings])


def test_schema_violation_by_a_secret_parameter_never_quotes_it(chart):
    from profile_render.helm.schema import SchemaValidationError

    (chart / "values.schema.json").write_text(
        '{"type": "object", "properties": {"db": {"type": "object", "properties": '
        '{"password": {"type": "string", "minLength": 50}}}}}')
    ctx = DeploymentContext("web", "1.0", "d1", "ns")
    profile = Layer.from_text("db:\n  password: ''\n", source="profile.yaml", kind="profile")
    with pytest.raises(SchemaValidationError) as info:
        render(chart, profile, context=ctx, parameter_templates=[t("db.password", secret=True)],
               parameters={"db.password": SECRET})
    assert SECRET not in str(info.value) and "minLength" in str(info.value)
    assert info.value.violations[0].path == ("db", "password")
