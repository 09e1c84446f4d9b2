"""Whole deployment packages on the project's own test package (tests/data/stock): render, lint, broken variants.

The same features as tests/test_packages.py and the package tests of
tests/test_dynamic_cacert.py, which run on the real catalog samples beside the
repository (``../shared``); these run in a fresh clone.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import jsonschema
import pytest
import yaml

from profile_render.cli import main
from profile_render.orchestrator.lint import lint
from profile_render.orchestrator.package import PackageError, render_package
from tests.test_catalog_own import line_of
from tests.test_render import CA_PEM

ROOT = Path(__file__).resolve().parent.parent
STOCK = ROOT / "tests" / "data" / "stock"
PACKAGE = STOCK / "package"
CHARTS = {"stock-api": STOCK / "charts" / "stock-api", "stock-web": STOCK / "charts" / "stock-web"}
REGISTRIES = ROOT / "tests" / "data" / "catalog" / "registries.yaml"
SCHEMA = json.loads((ROOT / "schemas" / "render-result.schema.json").read_text())
PACKAGE_SCHEMA = json.loads((ROOT / "schemas" / "package-render.schema.json").read_text())
CANARY = "CANARY-registry-token-5f2c9e"

Summary = Tuple[str, str, Optional[str], Optional[int]]


def _summary(findings: List[Any]) -> List[Summary]:
    return sorted((f.rule, f.severity, Path(f.source).name if f.source else None, f.line) for f in findings)


def _parameter_warnings(app_file: Path) -> List[Summary]:
    """The four warnings the tunable profile's top-level parameter names deserve."""
    banner, page = line_of(app_file, "- name: banner"), line_of(app_file, "- name: pageSize")
    return sorted([(rule, "warning", app_file.name, line) for rule in ("parameter-path-missing", "unreachable-key")
                   for line in (banner, page)])


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(PACKAGE, target)
    return target


def test_own_package_renders_end_to_end() -> None:
    result = render_package(PACKAGE, charts=CHARTS, deployment_name="deployment-abc12",
                            registry_files=[REGISTRIES], org="acme", project="edge")
    assert result.deployment_profile.name == "standard"  # no defaultProfile: the first one
    assert sorted(result.applications) == ["stock-api", "stock-web"]
    api = result.applications["stock-api"]
    assert api.values["stockApi"] == {"banner": "Inventory (standard)", "pageSize": 20}
    assert api.values["imagePullSecrets"] == [{"name": api.secret_name}]
    assert api.values["image"]["repository"] == "registry-oci.example.com/catalog-apps-acme-edge/stock-api"
    (secret,) = api.manifests
    assert secret["metadata"]["namespace"] == "stock"
    auth = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))["auths"]
    assert list(auth) == ["registry-oci.example.com"]
    for app in result.applications.values():
        jsonschema.validate(json.loads(json.dumps(app.to_dict())), SCHEMA)
    assert CANARY not in json.dumps(result.masked())


def test_own_package_other_profile_and_parameters() -> None:
    bigger = render_package(PACKAGE, charts=CHARTS, deployment_name="d1", registry_files=[REGISTRIES],
                            deployment_profile="bigger")
    assert bigger.applications["stock-api"].values["stockApi"]["pageSize"] == 100
    result = render_package(PACKAGE, charts=CHARTS, deployment_name="d1", registry_files=[REGISTRIES],
                            deployment_profile="tunable", applications=["stock-api"],
                            parameters={"stock-api": {"banner": " hi "}})
    assert list(result.applications) == ["stock-api"]
    api = result.applications["stock-api"]
    # the templates name top-level keys, not stockApi.*: they set keys the chart never reads (lint warns)
    assert api.values["banner"] == "hi" and api.values["pageSize"] == "25"
    assert api.values["stockApi"]["banner"] == "Inventory (tunable)"
    assert sorted(w.code for w in api.warnings) == ["parameter-path-missing", "parameter-path-missing"]


def test_own_package_render_errors() -> None:
    with pytest.raises(PackageError, match="no chart was given for application 'stock-web'"):
        render_package(PACKAGE, charts={"stock-api": CHARTS["stock-api"]}, deployment_name="d",
                       registry_files=[REGISTRIES])
    with pytest.raises(PackageError, match="no deployment profile 'nope'"):
        render_package(PACKAGE, charts=CHARTS, deployment_name="d", registry_files=[REGISTRIES],
                       deployment_profile="nope")
    with pytest.raises(PackageError, match="not part of package"):
        render_package(PACKAGE, charts=CHARTS, deployment_name="d", registry_files=[REGISTRIES],
                       applications=["nope"])


def _render_args(package: Path, registries: Path = REGISTRIES) -> List[str]:
    return ["package", "render", str(package), "--chart", f"stock-api={CHARTS['stock-api']}",
            "--chart", f"stock-web={CHARTS['stock-web']}", "--registry", str(registries),
            "--deployment-name", "d1", "-o", "json"]


def assert_render_cli_json_and_output_dir(args: List[str], apps: List[str], tmp_path: Path, capsys: Any) -> None:
    """``package render ... -o json`` prints every application as the schemas say; ``--output-dir`` writes its files."""
    assert args[-2:] == ["-o", "json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(out["applications"]) == sorted(apps)
    jsonschema.validate(out, PACKAGE_SCHEMA)
    for app in out["applications"].values():
        # the render object of each application, plus what the orchestrator decides
        jsonschema.validate({k: v for k, v in app.items() if k not in ("namespace", "profile", "parameters")}, SCHEMA)
    target = tmp_path / "out"
    assert main(args[:-2] + ["--output-dir", str(target)]) == 0
    for app in apps:
        assert sorted(p.name for p in (target / app).iterdir()) == ["manifests.yaml", "pre-install.yaml", "values.yaml"]
        docs = list(yaml.safe_load_all((target / app / "manifests.yaml").read_text()))
        assert [d["kind"] for d in docs] == ["Secret"]
        assert "CANARY" not in (target / app / "values.yaml").read_text()


def test_own_package_render_cli_json_and_output_dir(tmp_path: Path, capsys: Any) -> None:
    assert_render_cli_json_and_output_dir(_render_args(PACKAGE), list(CHARTS), tmp_path, capsys)


def test_own_package_lints_with_the_deserved_warnings_only() -> None:
    findings = lint(PACKAGE, charts=CHARTS, registry_files=[REGISTRIES])
    # service.annotations (stock-web-values.yaml) has no default, but the chart's service.yaml reads it:
    # no unknown-key. The tunable templates set top-level keys no template reads: unreachable-key.
    assert _summary(findings) == _parameter_warnings(PACKAGE / "stock-api-app.yaml")
    assert "stockApi.banner" in findings[0].hint
    unreachable = [f for f in findings if f.rule == "unreachable-key"]
    assert [f.hint.split("?")[0] for f in unreachable] == ["did you mean 'stockApi.banner'",
                                                          "did you mean 'stockApi.pageSize'"]


def test_own_package_without_registry_files_warns_about_each_reference() -> None:
    findings = lint(PACKAGE)
    unknown = [(f.rule, f.severity, Path(f.source).name) for f in findings if f.rule == "unknown-registry"]
    assert unknown == [("unknown-registry", "warning", "stock-api-app.yaml")] * 2 + \
        [("unknown-registry", "warning", "stock-web-app.yaml")] * 2


VALUES = "stock-api-values-standard.yaml"
APP = "stock-api-app.yaml"


@pytest.mark.parametrize("file, old, new, rules, needle", [
    (VALUES, '"%GeneratedDockerCredential%"', '"%GeneratedDockerCredentials%"',
     [("placeholder-typo", "error")], "%GeneratedDockerCredentials%"),
    (VALUES, "imagePullSecrets:", "'%OrgName%': x\nimagePullSecrets:",
     [("unknown-key", "warning")], "'%OrgName%'"),  # a key placeholder is resolved: only the chart lacks the key
    (VALUES, '"%GeneratedDockerCredential%"', '"%PreHookCredential%"',
     [("prehook-without-credential", "warning")], None),
    (VALUES, "fullnameOverride: stock-api", "fullnamOverride: stock-api", [("unknown-key", "warning")],
     "fullnamOverride"),
    (VALUES, "pageSize: 20", "pageSize: 20\n  pageSize: 21", [("duplicate-key", "warning")], "pageSize: 21"),
    (APP, 'default: "25"', 'default: "25"\n        mandatory: true', [("parameter-template", "error")],
     "- name: pageSize"),
])
def test_own_broken_variants(tmp_path: Path, file: str, old: str, new: str, rules: List[Tuple[str, str]],
                             needle: Optional[str]) -> None:
    pkg = _copy(tmp_path)
    path = pkg / file
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    findings = lint(pkg, charts=CHARTS, registry_files=[REGISTRIES])
    base = set(_parameter_warnings(PACKAGE / APP))
    line = line_of(path, needle) if needle else None
    assert sorted(set(_summary(findings)) - base) == sorted((rule, severity, file, line) for rule, severity in rules)


def test_own_package_without_an_image_registry_cannot_satisfy_the_placeholders(tmp_path: Path) -> None:
    pkg = _copy(tmp_path)
    app = pkg / APP
    app.write_text(app.read_text().replace('imageRegistry: "harbor-docker-oci"', "# no image registry", 1))
    findings = lint(pkg, charts=CHARTS, registry_files=[REGISTRIES])
    unsatisfiable = sorted((Path(f.source).name, f.line) for f in findings if f.rule == "placeholder-unsatisfiable")
    # every profile's %ImageRegistryURL% and %GeneratedDockerCredential% is reported
    expected = sorted((name, line_of(pkg / name, needle)) for name in
                      ("stock-api-values-bigger.yaml", "stock-api-values-standard.yaml", "stock-api-values-tunable.yaml")
                      for needle in ("%ImageRegistryURL%", "%GeneratedDockerCredential%"))
    assert unsatisfiable == expected
    assert all(f.severity == "error" for f in findings if f.rule == "placeholder-unsatisfiable")


def test_own_package_lint_cli(tmp_path: Path, capsys: Any) -> None:
    assert main(["lint", str(PACKAGE), "--registry", str(REGISTRIES)]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("[parameter-path-missing]") == 2
    assert "0 error(s), 2 warning(s)" in captured.err
    assert main(["lint", str(PACKAGE), "--registry", str(REGISTRIES), "--strict"]) == 1
    capsys.readouterr()
    pkg = _copy(tmp_path)
    (pkg / APP).write_text((pkg / APP).read_text().replace("name: stock-api", "name: Stock_Api", 1))
    assert main(["lint", str(pkg), "--registry", str(REGISTRIES), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert any(f["rule"] == "schema" and f["path"] == "name" and f["line"] == line_of(pkg / APP, "Stock_Api")
               for f in data["findings"])


# ---------------------------------------------------------------------------
# The registry CA sentinel on a whole package (tests/test_dynamic_cacert.py does the rest)

DYNAMIC_REGISTRY = """\
specSchema: Registry
schemaVersion: "0.1"
$schema: "https://schema.intel.com/catalog.orchestrator/0.1/schema"

name: harbor-docker-oci
description: "Project image registry; its CA comes from the gateway"
type: IMAGE
rootUrl: "oci://registry-oci.example.org/catalog-apps-tenant-proj"
userName: "robot$tenant-proj+catalog"
authToken: "CANARY-dynamic-ca-token-0b3e"
caCerts: use-dynamic-cacert
"""


def asks_for_the_gateway_certificate(args: List[str], tmp_path: Path, capsys: Any) -> Dict[str, Any]:
    """``args`` (a package render whose registry CA is the sentinel) fail naming the option, then pass with it."""
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "use-dynamic-cacert" in err and "--registry-ca-file" in err and "CANARY" not in err
    (tmp_path / "gateway.crt").write_text(CA_PEM)
    assert main(args + ["--registry-ca-file", str(tmp_path / "gateway.crt")]) == 0
    out = capsys.readouterr().out
    assert "CANARY" not in out
    applications: Dict[str, Any] = json.loads(out)["applications"]
    return applications


def _dynamic_package(tmp_path: Path, ask_for_ca: bool) -> Tuple[Path, Path]:
    pkg = _copy(tmp_path)
    if ask_for_ca:
        values = pkg / VALUES
        values.write_text(values.read_text() + "caConfigMap: '%RegistryCertConfigMap%'\n")
    registries = tmp_path / "registries.yaml"
    registries.write_text(DYNAMIC_REGISTRY)
    return pkg, registries


def test_own_package_with_the_sentinel_renders_and_lints_clean(tmp_path: Path) -> None:
    pkg, registries = _dynamic_package(tmp_path, ask_for_ca=False)
    result = render_package(pkg, charts=CHARTS, deployment_name="d1", registry_files=[registries])
    assert sorted(result.applications) == ["stock-api", "stock-web"]
    assert [m["kind"] for m in result.applications["stock-api"].manifests] == ["Secret"]
    findings = lint([pkg], registry_files=[registries])
    assert [f for f in findings if f.severity == "error"] == []


def test_own_package_render_cli_asks_for_the_gateway_certificate(tmp_path: Path, capsys: Any) -> None:
    pkg, registries = _dynamic_package(tmp_path, ask_for_ca=True)
    assert not [f for f in lint([pkg], registry_files=[registries]) if f.rule == "placeholder-unsatisfiable"]
    api = asks_for_the_gateway_certificate(_render_args(pkg, registries), tmp_path, capsys)["stock-api"]
    assert api["values"]["caConfigMap"].endswith("-registry-ca")
