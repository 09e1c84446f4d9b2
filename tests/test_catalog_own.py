"""Catalog files on the project's own package (tests/data/stock): loading, and every check on broken copies.

The same features as the sample-based tests of tests/test_catalog.py (which need
the real catalog samples beside the repository, ``../shared``); these run in a
fresh clone. Expected lines are looked up in the files (:func:`line_of`), so each
assertion says which line a finding must point at.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from profile_render.orchestrator.catalog import check_catalog, load_catalog
from tests.test_catalog import assert_wrong_enums_and_types, check, edit, rows

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tests" / "data" / "stock" / "package"
REGISTRIES = ROOT / "tests" / "data" / "catalog" / "registries.yaml"  # what tests.test_catalog.check passes
CANARY = "CANARY"
API, WEB, DP = "stock-api-app.yaml", "stock-web-app.yaml", "deployment-package.yaml"

def line_of(path: Path, needle: str, after: int = 0) -> int:
    """The 1-based number of the first line after line ``after`` of ``path`` that holds ``needle``."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if number > after and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path.name} after line {after}")


@pytest.fixture
def stock(tmp_path: Path) -> Path:
    """A writable copy of the own package."""
    target = tmp_path / "stock"
    shutil.copytree(PACKAGE, target)
    return target


# ---------------------------------------------------------------------------
# The package as shipped


def test_own_package_loads_as_documented() -> None:
    catalog = load_catalog([PACKAGE])
    assert set(catalog.applications) == {("stock-api", "0.3.0"), ("stock-web", "0.3.0")}
    assert len(catalog.files) == 7  # 3 catalog files, 4 values files
    (pkg,) = catalog.packages
    assert (pkg.name, pkg.version, pkg.display_name) == ("stock-demo", "0.3.0", "Stock demo")
    assert pkg.applications == (("stock-api", "0.3.0"), ("stock-web", "0.3.0"))
    assert [p.name for p in pkg.deployment_profiles] == ["standard", "bigger", "tunable"]
    assert pkg.default_profile_name is None  # no defaultProfile: the first deployment profile is the default
    assert pkg.default_deployment_profile.name == "standard"
    assert pkg.deployment_profile("bigger").application_profiles == {"stock-api": "bigger", "stock-web": "standard"}
    assert pkg.default_namespaces == {"stock-api": "stock", "stock-web": "stock"}
    assert pkg.application_dependencies == ()

    api = catalog.application("stock-api")
    assert api is catalog.applications[("stock-api", "0.3.0")]
    assert (api.chart_name, api.chart_version, api.helm_registry, api.image_registry, api.kind) == (
        "stock-api", "0.3.0", "harbor-helm-oci", "harbor-docker-oci", "normal")
    assert [p.name for p in api.profiles] == ["standard", "bigger", "tunable"]
    assert api.default_profile_name is None and api.default_profile.name == "standard"
    tunable = api.profile("tunable")
    assert tunable.values_path == PACKAGE / "stock-api-values-tunable.yaml" and tunable.values_path.is_file()
    assert (tunable.source, tunable.line, tunable.column, tunable.field_path) == (
        str(PACKAGE / API), line_of(PACKAGE / API, "- name: tunable"), 5, ("profiles", 2))
    banner, page = tunable.parameter_templates
    assert (banner.name, banner.type, banner.display_name, banner.default) == (
        "banner", "string", "Banner text", "Inventory (tunable)")
    assert (page.name, page.default, page.mandatory, page.secret, page.line) == (
        "pageSize", "25", False, False, line_of(PACKAGE / API, "- name: pageSize"))
    assert page.field_path == ("profiles", 2, "parameterTemplates", 1)
    assert api.profile("nope") is None
    assert catalog.application("stock-web").default_profile.values_path.name == "stock-web-values.yaml"
    assert len({api, pkg, tunable, page}) == 4  # specs are hashable


def test_own_package_without_registry_files_warns_about_each_registry_reference() -> None:
    _catalog, findings = check(PACKAGE, registries=False)
    assert rows(findings) == [
        ("unknown-registry", "warning", name, line_of(PACKAGE / name, key + ":"), key)
        for name in (API, WEB) for key in ("imageRegistry", "helmRegistry")]
    assert "every Edge Orchestrator project has this registry" in findings[0].hint


def test_own_package_with_registry_files_is_clean() -> None:
    catalog, findings = check(PACKAGE)
    assert findings == [] and catalog.findings == []
    docker = catalog.registries["harbor-docker-oci"]
    assert (docker.type, docker.user_name, docker.from_registry_files) == ("IMAGE", "robot$acme-edge+catalog", True)
    image = docker.to_image_registry()
    assert image.url == "registry-oci.example.com/catalog-apps-acme-edge"
    assert image.has_credentials and image.password.reveal().startswith(CANARY)
    assert catalog.registries["harbor-helm-oci"].auth_token is None
    assert len(set(catalog.registries.values())) == 2


def test_unquoted_version_is_text_and_an_application_may_lack_an_image_registry(stock: Path) -> None:
    edit(stock / WEB, 'version: "0.3.0"', "version: 0.3.0")
    edit(stock / WEB, 'imageRegistry: "harbor-docker-oci"\n', "")
    edit(stock / "stock-web-values.yaml", 'imagePullSecrets:\n  - name: "%GeneratedDockerCredential%"\n', "")
    edit(stock / "stock-web-values.yaml", '"%ImageRegistryURL%/stock-web"', "docker.io/library/nginx")
    catalog, findings = check(stock, registries=False)
    assert rows(findings) == [
        ("unknown-registry", "warning", name, line_of(stock / name, key + ":"), key)
        for name, key in ((API, "imageRegistry"), (API, "helmRegistry"), (WEB, "helmRegistry"))]
    web = catalog.application("stock-web", "0.3.0")
    assert web.image_registry is None and web.version == "0.3.0"
    _catalog, findings = check(stock)
    assert findings == []


def test_pure_python_parser_reads_the_same(monkeypatch: Any) -> None:
    import profile_render.yamlio.parse as parse_module

    fast = load_catalog([PACKAGE])
    monkeypatch.setattr(parse_module, "LIBYAML", False)
    slow = load_catalog([PACKAGE])
    assert slow.applications == fast.applications and slow.packages == fast.packages
    assert [d.positions for d in slow.documents] == [d.positions for d in fast.documents]


# ---------------------------------------------------------------------------
# Broken copies: each produces exactly the expected findings


def test_bad_name_pattern(stock: Path) -> None:
    edit(stock / API, "name: stock-api\n", "name: Stock_Api\n")
    _catalog, findings = check(stock)
    assert rows(findings) == [
        ("unknown-application", "error", DP, line_of(stock / DP, "- name: stock-api"), "applications[0]"),
        ("schema", "error", API, line_of(stock / API, "name: Stock_Api"), "name"),
    ]
    assert findings[1].message == "name must match ^[a-z0-9][a-z0-9-]{0,24}[a-z0-9]{0,1}$; 'Stock_Api' does not"
    assert findings[1].column == 1 and "lowercase letters" in findings[1].hint
    assert "'stock-api' version '0.3.0' is not among the files read" in findings[0].message


def test_missing_required_fields(stock: Path) -> None:
    edit(stock / WEB, 'chartVersion: "0.3.0"\n', "")
    edit(stock / DP, 'description: "An inventory API and its web front end"\n', "")
    _catalog, findings = check(stock)
    assert rows(findings) == [
        ("schema", "error", DP, line_of(stock / DP, "specSchema:"), "description"),
        ("schema", "error", WEB, line_of(stock / WEB, "specSchema:"), "chartVersion"),
    ]
    assert findings[0].message == "DeploymentPackage is missing the required field 'description'"
    assert findings[1].message == "Application is missing the required field 'chartVersion'"
    assert findings[1].hint.startswith("add chartVersion: 1-53 lowercase letters")


def test_missing_required_field_inside_a_list_item(stock: Path) -> None:
    edit(stock / API, "        type: string\n      - name: pageSize", "      - name: pageSize")
    _catalog, findings = check(stock)
    assert rows(findings) == [("schema", "error", API, line_of(stock / API, "- name: banner"),
                               "profiles[2].parameterTemplates[0].type")]
    assert findings[0].message == "Application profiles[2].parameterTemplates[0] is missing the required field 'type'"


def test_unknown_fields(stock: Path) -> None:
    edit(stock / WEB, 'chartName: "stock-web"\n', 'chartNam: "stock-web"\nowner: me\n')
    edit(stock / API, "        displayName: Page size\n", "        displayName: Page size\n        hidden: true\n")
    _catalog, findings = check(stock)
    assert rows(findings) == [
        # a parameter template is an open object: the catalog accepts the key (and ignores it)
        ("ignored-field", "warning", API, line_of(stock / API, "hidden: true"), "profiles[2].parameterTemplates[1].hidden"),
        ("schema", "error", WEB, line_of(stock / WEB, "specSchema:"), "chartName"),
        ("schema", "error", WEB, line_of(stock / WEB, "chartNam:"), "chartNam"),
        ("schema", "error", WEB, line_of(stock / WEB, "owner: me"), "owner"),
    ]
    assert findings[0].message == ("'hidden' in Application profiles[2].parameterTemplates[1] is not a field the "
                                   "catalog knows; the object is open, so the catalog accepts it and ignores it")
    assert findings[2].message == "unknown field 'chartNam' in Application"
    assert findings[2].hint == "did you mean 'chartName'?"
    assert findings[3].hint.startswith("Application accepts: specSchema, schemaVersion")


def test_wrong_enums_and_types(stock: Path, tmp_path: Path) -> None:
    edit(stock / API, "        type: string\n      - name: pageSize", "        type: String\n      - name: pageSize")
    edit(stock / API, '        default: "25"\n        type: string', "        default: 25\n        type: text")
    edit(stock / WEB, 'version: "0.3.0"', "version: 0.3\nkind: plugin")
    registries = tmp_path / "registries.yaml"
    registries.write_text(REGISTRIES.read_text().replace("type: IMAGE", "type: image"))
    catalog = load_catalog([stock], registry_files=[registries])
    findings = check_catalog(catalog)
    banner = line_of(stock / API, "- name: banner")
    page = line_of(stock / API, "- name: pageSize")
    assert rows(findings) == [
        ("schema", "error", "registries.yaml", line_of(registries, "type: image"), "type"),  # sorts first
        ("unknown-application", "error", DP, line_of(stock / DP, "- name: stock-web"), "applications[1]"),
        ("schema", "error", API, line_of(stock / API, "type: String", banner), "profiles[2].parameterTemplates[0].type"),
        ("schema", "error", API, line_of(stock / API, "default: 25", page), "profiles[2].parameterTemplates[1].default"),
        ("schema", "error", API, line_of(stock / API, "type: text", page), "profiles[2].parameterTemplates[1].type"),
        ("schema", "error", WEB, line_of(stock / WEB, "version: 0.3"), "version"),
        ("schema", "error", WEB, line_of(stock / WEB, "kind: plugin"), "kind"),
    ]
    assert_wrong_enums_and_types(catalog, findings)


def test_yaml_1_1_words_stay_strings_as_the_catalog_reads_them(stock: Path) -> None:
    edit(stock / WEB, 'description: "Inventory web UI"', "description: no")
    catalog, findings = check(stock)
    assert findings == []
    assert catalog.application("stock-web").description == "no"


def test_unknown_application_version(stock: Path) -> None:
    edit(stock / DP, '  - name: stock-web\n    version: "0.3.0"', '  - name: stock-web\n    version: "0.4.0"')
    _catalog, findings = check(stock)
    assert rows(findings) == [("unknown-application", "error", DP, line_of(stock / DP, "- name: stock-web"),
                               "applications[1]")]
    assert findings[0].message == ("application 'stock-web' version '0.4.0' is not among the files read "
                                   "(versions read: 0.3.0)")


def test_unknown_profiles(stock: Path) -> None:
    edit(stock / DP, "        profile: bigger\n", "        profile: biger\n")
    edit(stock / DP, "      - application: stock-web\n        profile: standard\n  - name: tunable",
         "      - application: stockweb\n        profile: standard\n  - name: tunable")
    edit(stock / WEB, 'chartVersion: "0.3.0"\n', 'chartVersion: "0.3.0"\ndefaultProfile: main\n')
    _catalog, findings = check(stock)
    assert rows(findings) == [
        ("unknown-profile", "error", DP, line_of(stock / DP, "profile: biger"),
         "deploymentProfiles[1].applicationProfiles[0].profile"),
        ("unknown-application", "error", DP, line_of(stock / DP, "application: stockweb"),
         "deploymentProfiles[1].applicationProfiles[1].application"),
        ("unknown-profile", "error", WEB, line_of(stock / WEB, "defaultProfile: main"), "defaultProfile"),
    ]
    assert findings[0].message == ("deployment profile 'bigger' selects profile 'biger' of application "
                                   "'stock-api' '0.3.0', which has no such profile (profiles: standard, bigger, tunable)")
    assert findings[0].column == 9
    assert findings[2].message == "defaultProfile 'main' is not a profile of application 'stock-web' (profiles: standard)"


def test_default_profile_is_used_when_set(stock: Path) -> None:
    edit(stock / API, 'chartVersion: "0.3.0"\n', 'chartVersion: "0.3.0"\ndefaultProfile: bigger\n')
    edit(stock / DP, 'version: "0.3.0"\n', 'version: "0.3.0"\ndefaultProfile: bigger\n')
    catalog, findings = check(stock)
    assert findings == []
    assert catalog.application("stock-api").default_profile.name == "bigger"
    assert catalog.packages[0].default_deployment_profile.name == "bigger"


def test_unknown_deployment_profile(stock: Path) -> None:
    edit(stock / DP, 'version: "0.3.0"\n', 'version: "0.3.0"\ndefaultProfile: other\n')
    catalog, findings = check(stock)
    assert rows(findings) == [("unknown-deployment-profile", "error", DP, line_of(stock / DP, "defaultProfile: other"),
                               "defaultProfile")]
    assert catalog.packages[0].default_deployment_profile is None


def test_helm_registry_pointing_at_an_image_registry(stock: Path) -> None:
    edit(stock / API, 'helmRegistry: "harbor-helm-oci"', 'helmRegistry: "harbor-docker-oci"')
    edit(stock / WEB, 'imageRegistry: "harbor-docker-oci"', 'imageRegistry: "harbor-helm-oci"')
    _catalog, findings = check(stock)
    assert rows(findings) == [
        ("registry-type", "error", API, line_of(stock / API, "helmRegistry:"), "helmRegistry"),
        ("registry-type", "error", WEB, line_of(stock / WEB, "imageRegistry:"), "imageRegistry"),
    ]
    assert findings[0].message.startswith("helmRegistry 'harbor-docker-oci' is a registry of type IMAGE (")
    assert findings[0].message.endswith("helmRegistry needs one of type HELM")


def test_unknown_registry_is_an_error_when_registry_files_are_given(stock: Path) -> None:
    edit(stock / API, 'helmRegistry: "harbor-helm-oci"', 'helmRegistry: "harbor-helm"')
    _catalog, findings = check(stock)
    assert rows(findings) == [("unknown-registry", "error", API, line_of(stock / API, "helmRegistry:"), "helmRegistry")]
    assert findings[0].hint == "did you mean 'harbor-helm-oci'?"
    _catalog, findings = check(stock, registries=False)
    assert [r[:2] for r in rows(findings)] == [("unknown-registry", "warning")] * 4


def test_registries_in_the_package_count(stock: Path) -> None:
    shutil.copyfile(REGISTRIES, stock / "registries.yaml")
    catalog, findings = check(stock, registries=False)
    assert findings == []
    assert not catalog.registries["harbor-helm-oci"].from_registry_files


def test_dependency_cycles_and_unknown_dependencies(stock: Path) -> None:
    path = stock / DP
    path.write_text(path.read_text() + (
        "applicationDependencies:\n"
        "  - name: stock-web\n"
        "    requires: stock-api\n"
        "  - name: stock-api\n"       # closes the cycle
        "    requires: stock-web\n"
        "  - name: stock-api\n"       # itself
        "    requires: stock-api\n"
        "  - name: stock-api\n"
        "    requires: postgres\n"    # not in the package
    ))
    deps = line_of(path, "applicationDependencies:")
    catalog, findings = check(stock)
    assert rows(findings) == [
        ("dependency-cycle", "error", DP, deps + 3, "applicationDependencies[1]"),
        ("dependency-cycle", "error", DP, deps + 5, "applicationDependencies[2]"),
        ("dependency-cycle", "error", DP, deps + 8, "applicationDependencies[3].requires"),
    ]
    assert [f.message for f in findings] == [
        "applicationDependencies form a cycle: stock-api requires stock-web requires stock-api",
        "application 'stock-api' depends on itself",
        "applicationDependencies[3] names 'postgres', which is not an application of the package "
        "(stock-api, stock-web)",
    ]
    assert catalog.packages[0].application_dependencies == (
        ("stock-web", ("stock-api",)), ("stock-api", ("stock-web", "stock-api", "postgres")))


def test_longer_cycle_is_reported_once(stock: Path) -> None:
    path = stock / DP
    edit(path, '  - name: stock-web\n    version: "0.3.0"\n',
         '  - name: stock-web\n    version: "0.3.0"\n  - name: cache\n    version: "2.0.0"\n')
    path.write_text(path.read_text() + (
        "applicationDependencies:\n"
        "  - {name: stock-web, requires: stock-api}\n"
        "  - {name: stock-api, requires: cache}\n"
        "  - {name: cache, requires: stock-web}\n"
    ))
    app = (stock / WEB).read_text()
    (stock / "cache-app.yaml").write_text(app.replace("name: stock-web", "name: cache")
                                          .replace('version: "0.3.0"', 'version: "2.0.0"'))
    _catalog, findings = check(stock)
    assert rows(findings) == [("dependency-cycle", "error", DP, line_of(path, "{name: cache"),
                               "applicationDependencies[2]")]
    assert findings[0].message == ("applicationDependencies form a cycle: "
                                   "cache requires stock-web requires stock-api requires cache")


def test_missing_values_files(stock: Path) -> None:
    (stock / "stock-web-values.yaml").unlink()
    edit(stock / API, '    valuesFileName: "stock-api-values-bigger.yaml"\n', "")
    catalog, findings = check(stock)
    assert rows(findings) == [
        ("missing-values-file", "error", API, line_of(stock / API, "- name: bigger"), "profiles[1].valuesFileName"),
        ("missing-values-file", "error", WEB, line_of(stock / WEB, "valuesFileName:"), "profiles[0].valuesFileName"),
    ]
    assert findings[0].message == "profile 'bigger' names no values file; the catalog upload needs valuesFileName"
    assert findings[1].message.startswith("values file 'stock-web-values.yaml' of profile 'standard' "
                                          "does not exist (looked for ")
    assert catalog.application("stock-api").profile("bigger").values_path is None


def test_empty_values_file_is_fine(stock: Path) -> None:
    (stock / "stock-web-values.yaml").write_text("")
    _catalog, findings = check(stock)
    assert findings == []


def test_namespace_for_an_unknown_application(stock: Path) -> None:
    path = stock / DP
    path.write_text(path.read_text() + "  stock-db: stock\n")
    _catalog, findings = check(stock)
    assert rows(findings) == [("namespace-unknown-app", "error", DP, line_of(path, "stock-db: stock"),
                               "defaultNamespaces.stock-db")]


def test_two_documents_in_one_file(stock: Path) -> None:
    path = stock / WEB
    path.write_text(path.read_text() + (
        "---\n"
        "specSchema: Registry\n"
        'schemaVersion: "0.1"\n'
        "name: web-images\n"
        "description: images of the web UI\n"
        "type: IMAGE\n"
        "---\n"
        "specSchema: Application\n"
        'schemaVersion: "0.1"\n'
        "name: stock-web\n"
        'version: "0.3.0"\n'
        "description: the same application twice\n"
        "helmRegistry: harbor-helm-oci\n"
        "chartName: stock-web\n"
        'chartVersion: "0.3.0"\n'
        "---\n"
        "- only a list\n"
    ))
    registry = line_of(path, "specSchema: Registry")
    catalog, findings = check(stock)
    assert rows(findings) == [
        ("schema", "error", WEB, registry, "rootUrl"),
        ("duplicate-object", "error", WEB, line_of(path, "name: stock-web", registry), "name"),
        ("schema", "error", WEB, line_of(path, "- only a list"), None),
    ]
    assert findings[1].message.startswith("Application 'stock-web' version '0.3.0' is defined twice (also at ")
    assert findings[2].message == "document 4 is a list; every document of a catalog file must be a catalog object"
    assert catalog.registries["web-images"].line == registry
    assert catalog.application("stock-web").description == "Inventory web UI"  # the first one is kept


def test_duplicate_names_inside_objects(stock: Path) -> None:
    edit(stock / API, "  - name: bigger\n", "  - name: standard\n")
    edit(stock / API, "      - name: pageSize", "      - name: banner")
    edit(stock / DP, "  - name: tunable", "  - name: bigger")
    edit(stock / DP, "      - application: stock-web\n        profile: standard\n\ndefaultNamespaces",
         "      - application: stock-api\n        profile: standard\n\ndefaultNamespaces")
    _catalog, findings = check(stock)
    second = line_of(stock / DP, "- name: bigger")
    third = line_of(stock / DP, "- name: bigger", second)
    assert rows(findings) == [
        ("unknown-profile", "error", DP, line_of(stock / DP, "profile: bigger"),
         "deploymentProfiles[1].applicationProfiles[0].profile"),
        ("duplicate-object", "error", DP, third, "deploymentProfiles[2].name"),
        ("duplicate-object", "warning", DP, line_of(stock / DP, "application: stock-api", line_of(stock / DP, "application: stock-api", third)),
         "deploymentProfiles[2].applicationProfiles[1].application"),
        ("duplicate-object", "error", API, line_of(stock / API, "- name: standard", line_of(stock / API, "- name: standard")),
         "profiles[1].name"),
        ("duplicate-object", "error", API, line_of(stock / API, "- name: banner", line_of(stock / API, "- name: banner")),
         "profiles[2].parameterTemplates[1].name"),
    ]
    # the renamed profile 'bigger' no longer exists, hence the unknown-profile


def test_ignored_fields(stock: Path) -> None:
    edit(stock / WEB, '    valuesFileName: "stock-web-values.yaml"\n',
         '    valuesFileName: "stock-web-values.yaml"\n'
         "    deploymentRequirement:\n"
         "      - name: metrics\n"
         '        version: "2.1.0"\n')
    catalog, findings = check(stock)
    assert rows(findings) == [("ignored-field", "warning", WEB, line_of(stock / WEB, "deploymentRequirement:"),
                               "profiles[0].deploymentRequirement")]
    assert findings[0].hint == "rename it to deploymentRequirements"
    assert catalog.application("stock-web").default_profile.deployment_requirements == ()
    edit(stock / WEB, "deploymentRequirement:", "deploymentRequirements:")
    catalog, findings = check(stock)
    assert findings == []
    assert catalog.application("stock-web").default_profile.deployment_requirements == (
        {"name": "metrics", "version": "2.1.0"},)


# -- files that are not catalog files ------------------------------------------------


def test_values_file_without_spec_schema_is_ignored(stock: Path) -> None:
    (stock / "more-values.yaml").write_text("replicaCount: 3\nimage:\n  tag: v2\n")
    (stock / "todo.yml").write_text("- one\n- two\n")
    catalog, findings = check(stock)
    assert findings == []
    assert stock / "more-values.yaml" in catalog.files and stock / "todo.yml" in catalog.files
    assert len(catalog.applications) == 2 and len(catalog.packages) == 1


def test_non_yaml_files(stock: Path) -> None:
    (stock / "NOTES.md").write_text("# not read: only *.yaml and *.yml files are\n")
    (stock / "bad.yaml").write_text("key: also: key\n")
    (stock / "image.yaml").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    (stock / "nested").mkdir()
    (stock / "nested" / "broken.yaml").write_text("specSchema: {\n")  # not read: directories are not recursive
    catalog, findings = check(stock)
    assert rows(findings) == [
        ("yaml-syntax", "warning", "bad.yaml", 1, None),
        ("yaml-syntax", "warning", "image.yaml", 1, None),
    ]
    assert findings[0].column == 10
    assert findings[0].message.startswith("mapping values are not allowed")
    assert findings[0].message.endswith("(the catalog upload skips YAML files it cannot parse)")
    assert findings[1].message.startswith("the file is not valid UTF-8 text (byte 0xff)")
    assert stock / "NOTES.md" not in catalog.files
    assert not any(p.parent.name == "nested" for p in catalog.files)


def test_broken_catalog_file_is_an_error_and_loading_goes_on(stock: Path) -> None:
    edit(stock / WEB, 'chartName: "stock-web"', "chartName: %web%")
    catalog, findings = check(stock)
    assert rows(findings) == [
        ("unknown-application", "error", DP, line_of(stock / DP, "- name: stock-web"), "applications[1]"),
        ("yaml-syntax", "error", WEB, line_of(stock / WEB, "chartName: %web%"), None),
    ]
    assert findings[1].column == len("chartName: ") + 1
    assert findings[1].message.endswith("(the file looks like a catalog file)")
    assert findings[1].hint == "a value starting with '%' must be quoted"
    assert set(catalog.applications) == {("stock-api", "0.3.0")}


def test_broken_values_file_used_by_a_profile_is_an_error(stock: Path) -> None:
    (stock / "stock-web-values.yaml").write_text("service:\n  annotations: {unclosed\n")
    _catalog, findings = check(stock)
    assert rows(findings) == [("yaml-syntax", "error", "stock-web-values.yaml", 3, None)]
    assert findings[0].message.endswith("(a profile uses it as its values file)")


def test_duplicate_keys_in_a_catalog_file(stock: Path) -> None:
    edit(stock / WEB, 'chartVersion: "0.3.0"\n', 'chartVersion: "0.3.0"\nchartVersion: "0.3.1"\n')
    catalog, findings = check(stock)
    first = line_of(stock / WEB, "chartVersion:")
    assert rows(findings) == [("yaml-syntax", "error", WEB, first + 1, "chartVersion")]
    assert findings[0].message == f"duplicate key 'chartVersion' (first set on line {first})"
    assert catalog.application("stock-web").chart_version == "0.3.1"


def test_unknown_spec_schema(stock: Path) -> None:
    edit(stock / DP, "specSchema: DeploymentPackage", "specSchema: Deployment-Package")
    edit(stock / WEB, "specSchema: Application", "specSchema: Applicaton")
    catalog, findings = check(stock)
    assert rows(findings) == [
        ("unknown-spec-schema", "error", DP, line_of(stock / DP, "specSchema:"), "specSchema"),
        ("unknown-spec-schema", "error", WEB, line_of(stock / WEB, "specSchema:"), "specSchema"),
    ]
    assert findings[0].hint == "Deployment-Package is the legacy name the schema rejects; write DeploymentPackage"
    assert findings[1].hint.startswith("did you mean 'Application'?")
    assert catalog.packages == [] and len(catalog.applications) == 1


def test_application_lookup_without_version_takes_the_highest(stock: Path) -> None:
    app = (stock / WEB).read_text()
    for version in ("0.12.0", "0.9.4"):
        (stock / f"web-{version}.yaml").write_text(app.replace('version: "0.3.0"', f'version: "{version}"'))
    catalog = load_catalog([stock])
    assert catalog.application("stock-web").version == "0.12.0"
    assert catalog.application("stock-web", "0.9.4").version == "0.9.4"
    assert catalog.application("nope") is None
    assert catalog.package("stock-demo").version == "0.3.0"
