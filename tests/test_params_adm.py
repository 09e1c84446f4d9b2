"""Parameter and override values processed as the Edge Orchestrator (ADM) processes them.

Contract, "Parameter templates": every string in (nested) maps of the override
values is trimmed; one that is then "" is deleted (strings in lists untouched);
a deleted nested mandatory key is missing, a deleted top-level one counts as given.
"""

from __future__ import annotations

import pytest

from profile_render.orchestrator.model import DeploymentContext
from profile_render.orchestrator.params import (
    ParameterError,
    ParameterTemplate,
    apply_parameter_templates,
    process_override_values,
)
from profile_render.rendering import render
from profile_render.values import Layer


def t(name: str, **kw) -> ParameterTemplate:
    return ParameterTemplate(name=name, source="app.yaml", line=3, column=5, **kw)


def test_strings_in_maps_trimmed_empty_deleted_lists_untouched():
    tree = {"a": "  x ", "b": " \t", "c": {"d": "", "e": " y", "f": None, "g": 0},
            "list": [" keep ", "", {"k": " inner "}], "h": False}
    out = process_override_values(tree)
    assert out == {"a": "x", "c": {"e": "y", "f": None, "g": 0},
                   "list": [" keep ", "", {"k": " inner "}], "h": False}
    assert tree["a"] == "  x "  # the caller's tree is not changed


def test_optional_empty_parameter_leaves_profile_value_and_no_default():
    profile = {"greeting": "hi", "db": {"host": "h"}}
    templates = [t("greeting", default="hello"), t("db.host")]
    result = apply_parameter_templates(templates, {"greeting": "  ", "db.host": ""}, application="web",
                                       profile_values=profile)
    assert result.layers == []
    assert [w.code for w in result.warnings] == []


def test_nested_mandatory_empty_is_missing():
    with pytest.raises(ParameterError, match="missing mandatory parameter.*db.password"):
        apply_parameter_templates([t("db.password", mandatory=True)], {"db.password": "  "}, application="web",
                                  profile_values={"db": {"password": "x"}})


def test_top_level_mandatory_empty_counts_as_given_and_is_dropped():
    result = apply_parameter_templates([t("token", mandatory=True)], {"token": ""}, application="web",
                                       profile_values={"token": "p"})
    assert result.layers == []
    assert [w.code for w in result.warnings] == ["parameter-empty-dropped"]
    assert "'token'" in result.warnings[0].message and result.warnings[0].line == 3


def test_parameter_strings_trimmed():
    result = apply_parameter_templates([t("a.b")], {"a.b": "  v  "}, application="web",
                                       profile_values={"a": {"b": "x"}})
    assert dict(result.layers)["a.b"] == {"a": {"b": "v"}}


@pytest.fixture
def chart(tmp_path):
    root = tmp_path / "chart"
    root.mkdir()
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "values.yaml").write_text("greeting: chart\nimage:\n  tag: '1'\n  repo: r\n")
    return root


def test_render_overrides_processed_like_the_reference(chart):
    ctx = DeploymentContext("web", "1.0", "d1", "ns")
    profile = Layer.from_text("greeting: profile\nimage:\n  tag: '2'\n", source="profile.yaml", kind="profile")
    result = render(chart, profile, [{"greeting": "  ", "image": {"tag": " 3 ", "repo": ""}}], context=ctx)
    assert result.values["greeting"] == "profile"
    assert result.values["image"] == {"tag": "3", "repo": "r"}
    templates = [t("greeting")]
    result = render(chart, profile, context=ctx, parameter_templates=templates, parameters={"greeting": ""})
    assert result.values["greeting"] == "profile"
