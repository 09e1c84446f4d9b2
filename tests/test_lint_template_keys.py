"""Lint with the chart's templates: unknown-key knows what they read; unreachable-key for what nothing reaches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from profile_render.cli import main
from profile_render.orchestrator.lint import lint

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "template-reads"
PACKAGE = DATA / "package"
SHOP = DATA / "shop"
REGISTRIES = ROOT / "tests" / "data" / "catalog" / "registries.yaml"

# (rule, file, line, column, path, hint's suggestion or None) of every finding lint owes the shop package.
EXPECTED = [
    ("parameter-path-missing", "shop-app.yaml", 19, 9, None, None),
    ("parameter-path-missing", "shop-app.yaml", 27, 9, None, None),
    ("unreachable-key", "shop-app.yaml", 27, 9, None, "'serviceMonitor.interval'"),
    ("parameter-path-missing", "shop-app.yaml", 31, 9, None, None),
    ("unreachable-key", "shop-app.yaml", 31, 9, None, "'serviceMonitor.interval'"),
    ("unknown-key", "shop-values.yaml", 3, 1, ("serviceMonitorEnabled",), "serviceMonitor.enabled"),
    ("unknown-key", "shop-values.yaml", 10, 3, ("serviceMonitor", "intervall"), "serviceMonitor.interval"),
    ("unknown-key", "shop-values.yaml", 14, 5, ("env", "FOO", "valueFrom"), None),
    ("unreachable-key", "shop-values.yaml", 15, 1, ("legacyMode",), None),
    ("unknown-key", "shop-values.yaml", 19, 3, ("redis", "passwrd"), "redis.auth.password"),
]


def _summary(findings):
    out = []
    for f in findings:
        suggestion = f.hint.split("did you mean ", 1)[1].split("?")[0] if f.hint and "did you mean" in f.hint else None
        if f.rule == "parameter-path-missing":
            suggestion = None  # that rule's own hint, not this one's
        out.append((f.rule, Path(f.source).name, f.line, f.column, f.path, suggestion))
    return out


def _lint(package=PACKAGE, chart=SHOP):
    return lint(package, charts={"shop": chart}, registry_files=[REGISTRIES])


def test_the_shop_package():
    findings = _lint()
    assert _summary(findings) == EXPECTED
    by_path = {f.path: f for f in findings if f.path}
    assert by_path[("serviceMonitorEnabled",)].message == (
        "serviceMonitorEnabled is neither a default of the chart nor read by any of its templates nor allowed by its "
        "schema")
    assert by_path[("legacyMode",)].message == (
        "legacyMode is allowed by the chart's schema, but neither a default of the chart nor read by any of its "
        "templates")
    assert "Helm ignores it" in by_path[("env", "FOO", "valueFrom")].hint


def test_keys_templates_read_without_a_default_are_known():
    # service.annotations.team and service.nodePort have no default, but service.yaml reads them; redis.auth.password
    # is read by the aliased subchart, global.clusterDomain by both charts, tplOnly by the profile's own template
    # string run through tpl, probes.liveness by toYaml, env.FOO.value by a range over env.
    flagged = {f.path for f in _lint() if f.path}
    for path in [("service", "annotations", "team"), ("service", "nodePort"), ("redis", "auth", "password"),
                 ("global", "clusterDomain"), ("tplOnly",), ("probes", "liveness", "httpGet", "path"),
                 ("env", "FOO", "value"), ("cloud", "zones"), ("feature", "mode"), ("debug", "enabled")]:
        assert path not in flagged


def _copy(tmp_path):
    package = tmp_path / "package"
    shutil.copytree(PACKAGE, package)
    chart = tmp_path / "shop"
    shutil.copytree(SHOP, chart)
    return package, chart


def test_tpl_strings_count_only_when_the_profile_has_them(tmp_path):
    package, chart = _copy(tmp_path)
    values = package / "shop-values.yaml"
    values.write_text(values.read_text().replace("  # {{ .Values.tplOnly }}\n", "  # plain text\n"))
    added = set(_summary(_lint(package, chart))) - set(EXPECTED)
    assert added == {("unknown-key", "shop-values.yaml", 32, 1, ("tplOnly",), None)}


def test_without_templates_the_rule_falls_back_to_defaults_and_schema():
    findings = _lint(chart=SHOP / "values.yaml")
    assert "unreachable-key" not in {f.rule for f in findings}
    unknown = {f.path: f for f in findings if f.rule == "unknown-key"}
    # read by a template, but lint cannot know it without the templates
    assert ("service", "annotations") in unknown and ("service", "nodePort") in unknown
    assert unknown[("serviceMonitorEnabled",)].message == (
        "serviceMonitorEnabled is neither a default of the chart nor allowed by its schema")
    assert unknown[("serviceMonitorEnabled",)].hint == "did you mean serviceMonitor.enabled?"
    assert ("env", "FOO") not in unknown  # env: {} takes any keys when the templates are unknown


@pytest.mark.parametrize("broken", ["{{ .Values.oops", "{{ end }}", "{{/* open comment"])
def test_a_template_helm_would_refuse_makes_lint_fall_back(tmp_path, broken):
    package, chart = _copy(tmp_path)
    (chart / "templates" / "broken.yaml").write_text(broken)
    findings = _lint(package, chart)
    assert "unreachable-key" not in {f.rule for f in findings}
    assert ("service", "nodePort") in {f.path for f in findings if f.rule == "unknown-key"}


def test_cli_json_reports_the_new_rule(capsys):
    code = main(["lint", str(PACKAGE), "--chart", f"shop={SHOP}", "--registry", str(REGISTRIES), "--format", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)["findings"]
    assert sorted({d["rule"] for d in data}) == ["parameter-path-missing", "unknown-key", "unreachable-key"]
    assert all(d["severity"] == "warning" for d in data)
    assert main(["lint", str(PACKAGE), "--chart", f"shop={SHOP}", "--registry", str(REGISTRIES), "--strict"]) == 1
