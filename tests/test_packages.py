"""Whole deployment packages: package render and lint on the real catalog samples and broken variants."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from profile_render.cli import main
from profile_render.orchestrator.lint import lint, lint_report
from profile_render.orchestrator.package import PackageError, render_package
from tests.test_packages_own import assert_render_cli_json_and_output_dir

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "reference" / "catalog-samples" / "app-orch-tutorials"
TUTORIAL = SAMPLES / "developer-guide-tutorial"
HTTPBIN = SAMPLES / "httpbin" / "deployment-package"
REGISTRIES = ROOT / "tests" / "data" / "catalog" / "registries.yaml"
SCHEMA = json.loads((ROOT / "schemas" / "render-result.schema.json").read_text())
PACKAGE_SCHEMA = json.loads((ROOT / "schemas" / "package-render.schema.json").read_text())
CANARY = "CANARY-registry-token-5f2c9e"

pytestmark = pytest.mark.skipif(not TUTORIAL.is_dir(), reason="needs ../shared/reference (the real catalog samples), absent as in a fresh clone; "
                             "tests/test_packages_own.py covers the same features on tests/data/stock")

CHARTS = {
    "tutorial-server": TUTORIAL / "tutorial-chart" / "tutorial-server",
    "tutorial-web-ui": TUTORIAL / "tutorial-chart" / "tutorial-web-ui",
}


def _summary(findings):
    return sorted((f.rule, f.severity, Path(f.source).name if f.source else None, f.line) for f in findings)


def test_tutorial_package_renders_end_to_end():
    result = render_package(TUTORIAL / "tutorial-deployment", charts=CHARTS, deployment_name="deployment-abc12",
                            registry_files=[REGISTRIES], org="acme", project="edge")
    assert result.deployment_profile.name == "default-profile"
    assert sorted(result.applications) == ["tutorial-server", "tutorial-web-ui"]
    server = result.applications["tutorial-server"]
    assert server.values["tutorialServer"] == {"greeting": "Deployed by Application Orchestration (default)",
                                               "initialCount": 10}
    assert server.values["imagePullSecrets"] == [{"name": server.secret_name}]
    (secret,) = server.manifests
    assert secret["metadata"]["namespace"] == "tutorial"
    auth = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))["auths"]
    assert list(auth) == ["registry-oci.example.com"]
    for app in result.applications.values():
        jsonschema.validate(json.loads(json.dumps(app.to_dict())), SCHEMA)
    assert CANARY not in json.dumps(result.masked())


def test_tutorial_alternate_pt_with_parameters():
    result = render_package(TUTORIAL / "tutorial-deployment", charts=CHARTS, deployment_name="d1",
                            registry_files=[REGISTRIES], deployment_profile="alternate-pt",
                            applications=["tutorial-server"], parameters={"tutorial-server": {"greeting": " hi "}})
    server = result.applications["tutorial-server"]
    # The sample's templates are named "greeting"/"initialCount", not the chart's tutorialServer.* paths,
    # so (as in the reference) they set top-level keys the chart never reads; lint warns about it.
    assert server.values["greeting"] == "hi" and server.values["initialCount"] == "0"
    assert server.values["tutorialServer"]["greeting"] == "Deployed by Application Orchestration (alternate-pt)"
    assert sorted(w.code for w in server.warnings) == ["parameter-path-missing", "parameter-path-missing"]


def test_package_render_errors():
    with pytest.raises(PackageError, match="no chart was given for application 'tutorial-web-ui'"):
        render_package(TUTORIAL / "tutorial-deployment", charts={"tutorial-server": CHARTS["tutorial-server"]},
                       deployment_name="d", registry_files=[REGISTRIES])
    with pytest.raises(PackageError, match="no deployment profile 'nope'"):
        render_package(TUTORIAL / "tutorial-deployment", charts=CHARTS, deployment_name="d",
                       registry_files=[REGISTRIES], deployment_profile="nope")
    with pytest.raises(PackageError, match="not part of package"):
        render_package(TUTORIAL / "tutorial-deployment", charts=CHARTS, deployment_name="d",
                       registry_files=[REGISTRIES], applications=["nope"])


def test_package_render_cli_json_and_output_dir(tmp_path, capsys):
    args = ["package", "render", str(TUTORIAL / "tutorial-deployment"),
            "--chart", f"tutorial-server={CHARTS['tutorial-server']}",
            "--chart", f"tutorial-web-ui={CHARTS['tutorial-web-ui']}",
            "--registry", str(REGISTRIES), "--deployment-name", "d1", "-o", "json"]
    assert_render_cli_json_and_output_dir(args, list(CHARTS), tmp_path, capsys)


def test_tutorial_lints_without_errors_and_with_the_deserved_warnings():
    findings = lint(TUTORIAL / "tutorial-deployment", charts=CHARTS, registry_files=[REGISTRIES])
    # service.annotations (tutorial-web-ui-values.yaml:13) has no default, but the chart's service.yaml reads it:
    # no unknown-key. The alternate-pt templates set top-level keys no template reads: unreachable-key.
    assert _summary(findings) == [
        ("parameter-path-missing", "warning", "tutorial-server-app.yaml", 27),
        ("parameter-path-missing", "warning", "tutorial-server-app.yaml", 31),
        ("unreachable-key", "warning", "tutorial-server-app.yaml", 27),
        ("unreachable-key", "warning", "tutorial-server-app.yaml", 31),
    ]
    assert "tutorialServer.greeting" in findings[0].hint
    unreachable = [f for f in findings if f.rule == "unreachable-key"]
    assert [f.hint.split("?")[0] for f in unreachable] == ["did you mean 'tutorialServer.greeting'",
                                                          "did you mean 'tutorialServer.initialCount'"]


def test_httpbin_lints_without_errors():
    assert lint(HTTPBIN, registry_files=[REGISTRIES]) == []
    without = lint(HTTPBIN)
    assert [(f.rule, f.severity) for f in without] == [("unknown-registry", "warning")]


def _copy_tutorial(tmp_path):
    target = tmp_path / "pkg"
    shutil.copytree(TUTORIAL / "tutorial-deployment", target)
    return target


@pytest.mark.parametrize("file, old, new, expected", [
    ("tutorial-server-values-default.yaml", "'%GeneratedDockerCredential%'".replace("'", '"'),
     '"%GeneratedDockerCredentials%"', [("placeholder-typo", "error", "tutorial-server-values-default.yaml", 14)]),
    # a key placeholder resolves like a value: only the chart does not know the key
    ("tutorial-server-values-default.yaml", "imagePullSecrets:", "'%OrgName%': x\nimagePullSecrets:",
     [("unknown-key", "warning", "tutorial-server-values-default.yaml", 13)]),
    # both credential placeholders name the one generated Secret: render refuses the two keys
    ("tutorial-server-values-default.yaml", "imagePullSecrets:",
     "'%GeneratedDockerCredential%': x\n'%PreHookCredential%': y\nimagePullSecrets:",
     [("unknown-key", "warning", "tutorial-server-values-default.yaml", 13),
      ("placeholder-key-collision", "error", "tutorial-server-values-default.yaml", 14),
      ("unknown-key", "warning", "tutorial-server-values-default.yaml", 14)]),
    # the package decides the registry URL, so lint sees this collision too
    ("tutorial-server-values-default.yaml", "imagePullSecrets:",
     "mirrors:\n  '%ImageRegistryURL%/x': a\n  registry-oci.example.com/catalog-apps-acme-edge/x: b\n"
     "imagePullSecrets:",
     [("unknown-key", "warning", "tutorial-server-values-default.yaml", 13),
      ("placeholder-key-collision", "error", "tutorial-server-values-default.yaml", 15)]),
    # a misspelt placeholder in a key is reported as in a value
    ("tutorial-server-values-default.yaml", "imagePullSecrets:", "'%OrgNmae%': x\nimagePullSecrets:",
     [("placeholder-typo", "error", "tutorial-server-values-default.yaml", 13),
      ("unknown-key", "warning", "tutorial-server-values-default.yaml", 13)]),
    ("tutorial-server-values-default.yaml", '"%GeneratedDockerCredential%"', '"%PreHookCredential%"',
     [("prehook-without-credential", "warning", "tutorial-server-values-default.yaml", None)]),
    ("tutorial-server-values-default.yaml", "fullnameOverride: tutorial-server", "fulnameOverride: tutorial-server",
     [("unknown-key", "warning", "tutorial-server-values-default.yaml", 6)]),
    ("tutorial-server-app.yaml", 'imageRegistry: "harbor-docker-oci"', "# no image registry",
     [("placeholder-unsatisfiable", "error", "tutorial-server-values-alternate-pt.yaml", 14),
      ("placeholder-unsatisfiable", "error", "tutorial-server-values-alternate.yaml", 14),
      ("placeholder-unsatisfiable", "error", "tutorial-server-values-default.yaml", 14)]),
    ("tutorial-server-app.yaml", 'default: "0"', 'default: "0"\n        mandatory: true',
     [("parameter-template", "error", "tutorial-server-app.yaml", 31)]),
    ("tutorial-server-values-default.yaml", "initialCount: 10", "initialCount: 10\n  initialCount: 11",
     [("duplicate-key", "warning", "tutorial-server-values-default.yaml", 10)]),
])
def test_broken_variants(tmp_path, file, old, new, expected):
    pkg = _copy_tutorial(tmp_path)
    path = pkg / file
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    findings = lint(pkg, charts=CHARTS, registry_files=[REGISTRIES])
    base = {("parameter-path-missing", "warning", "tutorial-server-app.yaml", 27),
            ("parameter-path-missing", "warning", "tutorial-server-app.yaml", 31),
            ("unreachable-key", "warning", "tutorial-server-app.yaml", 27),
            ("unreachable-key", "warning", "tutorial-server-app.yaml", 31)}
    assert sorted(set(_summary(findings)) - base) == sorted(set(expected) - base)


def test_lint_cli(tmp_path, capsys):
    assert main(["lint", str(TUTORIAL / "tutorial-deployment"), "--registry", str(REGISTRIES)]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("[parameter-path-missing]") == 2
    assert "0 error(s), 2 warning(s)" in captured.err
    assert main(["lint", str(TUTORIAL / "tutorial-deployment"), "--registry", str(REGISTRIES), "--strict"]) == 1
    capsys.readouterr()
    assert main(["lint", str(HTTPBIN), "--registry", str(REGISTRIES), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    pkg = _copy_tutorial(tmp_path)
    (pkg / "tutorial-server-app.yaml").write_text((pkg / "tutorial-server-app.yaml").read_text()
                                                  .replace("name: tutorial-server", "name: Tutorial_Server", 1))
    assert main(["lint", str(pkg), "--registry", str(REGISTRIES), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)["findings"]
    assert any(f["rule"] == "schema" and f["path"] == "name" and f["line"] for f in data)


def test_lint_names_the_files_it_checked(tmp_path, capsys):
    pkg = _copy_tutorial(tmp_path)
    (pkg / "notes.yaml").write_text("just: notes\n")  # neither a catalog file nor a profile's values
    report = lint_report(pkg, registry_files=[REGISTRIES], charts=CHARTS)
    roles = {Path(f.path).name: f.role for f in report.files}
    assert roles == {"deployment-package.yaml": "catalog", "tutorial-server-app.yaml": "catalog",
                     "tutorial-web-ui-app.yaml": "catalog", "registries.yaml": "catalog",
                     "tutorial-server-values-default.yaml": "values", "tutorial-server-values-alternate.yaml": "values",
                     "tutorial-server-values-alternate-pt.yaml": "values", "tutorial-web-ui-values.yaml": "values",
                     "notes.yaml": "ignored", "tutorial-server": "chart", "tutorial-web-ui": "chart"}
    assert next(f for f in report.files if f.path.endswith("registries.yaml")).checked_by == ("validator", "upload")
    assert report.findings == lint(pkg, registry_files=[REGISTRIES], charts=CHARTS)

    assert main(["lint", str(pkg), "--registry", str(REGISTRIES)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[1] == "4 catalog file(s) checked:" and f"  {pkg / 'deployment-package.yaml'}" in err
    assert "4 values file(s) checked:" in err
    assert "1 file(s) ignored (neither catalog nor profile values files):" in err and f"  {pkg / 'notes.yaml'}" in err

    assert main(["lint", str(pkg), "--registry", str(REGISTRIES), "--format", "json"]) == 0
    files = json.loads(capsys.readouterr().out)["files"]
    assert {"path": str(pkg / "notes.yaml"), "role": "ignored", "checkedBy": []} in files
    assert {"path": str(REGISTRIES), "role": "catalog", "checkedBy": ["validator", "upload"]} in files

    assert main(["lint", str(pkg), "--registry", str(REGISTRIES), "--format", "sarif"]) == 0
    artifacts = json.loads(capsys.readouterr().out)["runs"][0]["artifacts"]
    assert len(artifacts) == 9
    notes = next(a for a in artifacts if a["location"]["uri"].endswith("/notes.yaml"))
    assert "roles" not in notes and notes["properties"] == {"role": "ignored"}
    assert all(a["roles"] == ["analysisTarget"] for a in artifacts if a is not notes)


def test_lint_says_when_it_checked_nothing(tmp_path, capsys):
    (tmp_path / "values.yaml").write_text("a: 1\n")
    assert main(["lint", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "no catalog file was found" not in err  # a file was read: it is listed as ignored
    assert "1 file(s) ignored" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["lint", str(empty)]) == 0
    assert "no file was checked" in capsys.readouterr().err
