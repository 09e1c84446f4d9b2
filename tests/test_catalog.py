"""Catalog files: loading the sample packages, paths, secrecy, schemas, rules.

Every check on broken copies of the packages is in tests/test_catalog_own.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, List

import pytest

from profile_render.errors import format_path
from profile_render.orchestrator.catalog import RULES, check_catalog, load_catalog
from profile_render.orchestrator.model import RegistryError, Secret
from tests.catalog_samples import (
    CANARY, HTTPBIN, PACKAGE, PACKAGES, REGISTRIES, ROOT, Sample, check, edit, line_of, needs_samples, rows, writable_copy,
)


@pytest.fixture(params=PACKAGES)
def sample(request: Any, tmp_path: Path) -> Sample:
    """A writable copy of each sample package."""
    return writable_copy(request.param, tmp_path)


# ---------------------------------------------------------------------------
# The packages as shipped (the own one, the tutorial sample) and the httpbin sample


def test_package_loads_as_documented(sample: Sample) -> None:
    catalog = load_catalog([sample.folder])
    api, web, version = sample.api, sample.web, sample.version
    assert set(catalog.applications) == {(api, version), (web, version)}
    assert len(catalog.files) == 7  # 3 catalog files, 4 values files
    (pkg,) = catalog.packages
    assert (pkg.name, pkg.version, pkg.display_name) == (sample.package, version, sample.display_name)
    assert pkg.applications == ((api, version), (web, version))
    assert [p.name for p in pkg.deployment_profiles] == list(sample.deployment_profiles)
    assert pkg.default_profile_name is None  # no defaultProfile: the first deployment profile is the default
    assert pkg.default_deployment_profile.name == sample.deployment_profiles[0]
    assert pkg.deployment_profile(sample.deployment_profiles[1]).application_profiles == {
        api: sample.api_profiles[1], web: sample.web_profile}
    assert pkg.default_namespaces == {api: sample.namespace, web: sample.namespace}
    assert pkg.application_dependencies == ()

    app = catalog.application(api)
    assert app is catalog.applications[(api, version)]
    assert (app.chart_name, app.chart_version, app.helm_registry, app.image_registry, app.kind) == (
        api, version, "harbor-helm-oci", "harbor-docker-oci", "normal")
    assert [p.name for p in app.profiles] == list(sample.api_profiles)
    assert app.default_profile_name is None and app.default_profile.name == sample.api_profiles[0]
    last = app.profile(sample.api_profiles[2])
    assert last.values_path == sample.folder / f"{api}-values-{sample.api_profiles[2]}.yaml"
    assert last.values_path.is_file()
    assert (last.source, last.line, last.column, last.field_path) == (
        str(sample.api_file), line_of(sample.api_file, f"- name: {sample.api_profiles[2]}"), 5, ("profiles", 2))
    first, second = last.parameter_templates
    name, display_name, default = sample.templates[0]
    assert (first.name, first.type, first.display_name, first.default) == (name, "string", display_name, default)
    assert (second.name, second.default, second.mandatory, second.secret, second.line) == (
        sample.templates[1][0], sample.templates[1][2], False, False,
        line_of(sample.api_file, f"- name: {sample.templates[1][0]}"))
    assert second.field_path == ("profiles", 2, "parameterTemplates", 1)
    assert app.profile("nope") is None
    assert catalog.application(web).default_profile.values_path.name == f"{web}-values.yaml"
    assert len({app, pkg, last, second}) == 4  # specs are hashable


def test_without_registry_files_each_registry_reference_warns(sample: Sample) -> None:
    _catalog, findings = check(sample.folder, registries=False)
    assert rows(findings) == [
        ("unknown-registry", "warning", path.name, line_of(path, key + ":"), key)
        for path in (sample.api_file, sample.web_file) for key in ("imageRegistry", "helmRegistry")]
    assert "every Edge Orchestrator project has this registry" in findings[0].hint


def test_with_registry_files_the_package_is_clean(sample: Sample) -> None:
    catalog, findings = check(sample.folder)
    assert findings == [] and catalog.findings == []
    docker = catalog.registries["harbor-docker-oci"]
    assert (docker.type, docker.user_name, docker.from_registry_files) == ("IMAGE", "robot$acme-edge+catalog", True)
    image = docker.to_image_registry()
    assert image.url == "registry-oci.example.com/catalog-apps-acme-edge"
    assert image.has_credentials and image.password.reveal().startswith(CANARY)
    assert catalog.registries["harbor-helm-oci"].auth_token is None
    assert len(set(catalog.registries.values())) == 2


def test_unquoted_version_is_text_and_an_application_may_lack_an_image_registry(tmp_path: Path) -> None:
    stock = tmp_path / "stock"
    shutil.copytree(PACKAGE, stock)
    web_file = stock / "stock-web-app.yaml"
    edit(web_file, 'version: "0.3.0"', "version: 0.3.0")
    edit(web_file, 'imageRegistry: "harbor-docker-oci"\n', "")
    edit(stock / "stock-web-values.yaml", 'imagePullSecrets:\n  - name: "%GeneratedDockerCredential%"\n', "")
    edit(stock / "stock-web-values.yaml", '"%ImageRegistryURL%/stock-web"', "docker.io/library/nginx")
    catalog, findings = check(stock, registries=False)
    assert rows(findings) == [
        ("unknown-registry", "warning", path.name, line_of(path, key + ":"), key)
        for path, key in ((stock / "stock-api-app.yaml", "imageRegistry"), (stock / "stock-api-app.yaml", "helmRegistry"),
                          (web_file, "helmRegistry"))]
    web = catalog.application("stock-web", "0.3.0")
    assert web.image_registry is None and web.version == "0.3.0"
    _catalog, findings = check(stock)
    assert findings == []


def test_pure_python_parser_reads_the_same(sample: Sample, monkeypatch: Any) -> None:
    import profile_render.yamlio.parse as parse_module

    fast = load_catalog([sample.folder])
    monkeypatch.setattr(parse_module, "LIBYAML", False)
    slow = load_catalog([sample.folder])
    assert slow.applications == fast.applications and slow.packages == fast.packages
    assert [d.positions for d in slow.documents] == [d.positions for d in fast.documents]


@needs_samples
def test_httpbin_sample():
    catalog, findings = check(HTTPBIN, registries=False)
    assert rows(findings) == [("unknown-registry", "warning", "app-httpbin.yaml", 13, "helmRegistry")]
    app = catalog.application("httpbin", "0.1.6")  # version: 0.1.6 unquoted is still text
    assert app.image_registry is None and app.display_name == "HttpBin Go"
    assert [p.name for p in app.profiles] == ["without-envoy", "with-envoy"]
    assert app.default_profile.name == "without-envoy"
    (pkg,) = catalog.packages
    assert [p.name for p in pkg.deployment_profiles] == ["default", "without-envoy"]
    assert pkg.default_deployment_profile.application_profiles == {"httpbin": "with-envoy"}
    assert pkg.default_namespaces == {"httpbin": "httpbin-ns"}
    _catalog, findings = check(HTTPBIN)
    assert findings == []


# ---------------------------------------------------------------------------
# Paths


def test_unreadable_paths(tmp_path):
    catalog = load_catalog([tmp_path / "missing.yaml", tmp_path])
    assert rows(check_catalog(catalog)) == [("unreadable-file", "error", "missing.yaml", None, None)]
    assert catalog.files == []


def test_a_single_path_may_be_given_without_a_list(tmp_path):
    shutil.copyfile(REGISTRIES, tmp_path / "r.yaml")
    catalog = load_catalog(tmp_path / "r.yaml")
    assert set(catalog.registries) == {"harbor-docker-oci", "harbor-helm-oci"}
    assert check_catalog(catalog) == []


# ---------------------------------------------------------------------------
# Secrets


def test_auth_tokens_never_show(tmp_path):
    token = CANARY + "-s3cr3t-\u00e9"
    (tmp_path / "regs.yaml").write_text(
        "specSchema: Registry\nschemaVersion: \"0.1\"\nname: private\ndescription: d\ntype: IMAGE\n"
        f"rootUrl: \"oci://robot:{CANARY}-pw@registry.example.com/p\"\nuserName: robot\n"
        f"authToken: \"{token}\\u0007\"\n"
        "---\n"
        "specSchema: Registry\nschemaVersion: \"0.1\"\nname: long\ndescription: d\ntype: IMAGE\n"
        f"rootUrl: https://r.example.com\nauthToken: \"{CANARY * 1000}\"\n"
        "---\n"
        "specSchema: Registry\nschemaVersion: \"0.1\"\nname: typed\ndescription: d\ntype: [IMAGE]\n"
        f"rootUrl: https://r.example.com\nauthToken: {{token: {CANARY}}}\n"
        "---\n"
        "specSchema: Application\nschemaVersion: \"0.1\"\nname: app\nversion: \"1\"\ndescription: d\n"
        "helmRegistry: long\nchartName: c\nchartVersion: \"1\"\n"
        f"authToken: {CANARY}-in-an-application\n"
        "profiles:\n  - name: p\n    valuesFileName: v.yaml\n"
        f"    parameterTemplates:\n      - {{name: password, type: string, secret: true, default: {CANARY}-d}}\n"
    )
    (tmp_path / "v.yaml").write_text("")
    catalog = load_catalog([tmp_path])
    findings = check_catalog(catalog)
    assert [(f.rule, f.path and format_path(f.path)) for f in findings] == [
        ("schema", "rootUrl"),  # the URL embeds credentials, shown masked
        ("schema", "authToken"),  # a control character
        ("schema", "authToken"),  # too long
        ("schema", "type"),
        ("schema", "authToken"),  # not a string
        ("registry-type", "helmRegistry"),
        ("schema", "authToken"),  # an unknown field of an Application
    ]
    shown = "\n".join([repr(catalog), str(catalog)] + [str(f) for f in findings] + [repr(f) for f in findings]
                      + [json.dumps(f.to_dict()) for f in findings]
                      + [repr(r) for r in catalog.registries.values()]
                      + [repr(a) for a in catalog.applications.values()]
                      + [repr(a.raw) for a in catalog.applications.values()]
                      + [repr(p) for a in catalog.applications.values() for p in a.profiles])
    assert CANARY not in shown
    assert "oci://****@registry.example.com/p" in shown
    (template,) = catalog.application("app").default_profile.parameter_templates
    assert template.secret and template.default == CANARY + "-d"  # the value is there, not shown
    private = catalog.registries["private"]
    assert private.auth_token == Secret(token + "\u0007")
    with pytest.raises(RegistryError) as info:
        catalog.registries["typed"].to_image_registry()  # type is not a string: treated as the default, HELM
    assert CANARY not in str(info.value)
    assert catalog.registries["typed"].auth_token is None


# ---------------------------------------------------------------------------
# Schemas, rules, docs, import cost


def test_schemas_are_valid_and_self_contained():
    from jsonschema import Draft202012Validator

    schemas = sorted((ROOT / "schemas").glob("catalog-*.schema.json"))
    assert [p.name for p in schemas] == [
        "catalog-application.schema.json", "catalog-artifact.schema.json", "catalog-common.schema.json",
        "catalog-deployment-package.schema.json",
        "catalog-parameter-template.schema.json", "catalog-profile.schema.json", "catalog-registry.schema.json"]
    # patterns are Go (RE2) patterns, such as the catalog's ^\PC*$, which Python's re cannot read
    from jsonschema import FormatChecker
    from profile_render.helm.schema import go_regex_error

    checker = FormatChecker()
    checker.checks("regex")(lambda text: not isinstance(text, str) or go_regex_error(text) is None)
    for path in schemas:
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema, format_checker=checker)
        assert schema["$id"] == "https://profile-render.invalid/schemas/" + path.name
        refs = [m for m in _refs(schema) if not m.startswith("#")]
        assert all(ref.split("#")[0] in {p.name for p in schemas} for ref in refs), refs


def _refs(node: Any) -> List[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_artifacts_are_checked(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "specSchema: Artifact\nschemaVersion: \"0.1\"\nname: icon\ndescription: d\nmimeType: image/gif\n"
        "artifact: aGVsbG8=\n")
    catalog = load_catalog([tmp_path])
    assert rows(check_catalog(catalog)) == [("schema", "error", "a.yaml", 5, "mimeType")]
    assert catalog.artifacts["icon"].mime_type == "image/gif"


def test_patterns_are_anchored_like_ecma_regexes(tmp_path):
    # Python's '$' also matches before a final newline; the catalog's (Go) regexes do not
    (tmp_path / "r.yaml").write_text(
        "specSchema: Registry\nschemaVersion: \"0.1\"\ndescription: d\ntype: HELM\n"
        "rootUrl: https://r.example.com\nname: |\n  registry\n")
    assert rows(check_catalog(load_catalog([tmp_path]))) == [("schema", "error", "r.yaml", 6, "name")]


def test_every_rule_is_documented():
    doc = (ROOT / "docs" / "packages.md").read_text()
    for rule in RULES:
        assert f"`{rule}`" in doc, rule


def test_importing_the_module_does_not_import_jsonschema():
    code = ("import sys, profile_render.orchestrator.catalog\n"
            "print(any(m.split('.')[0] in ('jsonschema', 'referencing') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
