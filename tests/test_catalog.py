"""Catalog files: loading the real samples, every check on broken copies of them, secrecy, schemas."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest

from profile_render.orchestrator.catalog import (
    RULES,
    Catalog,
    check_catalog,
    load_catalog,
)
from profile_render.errors import format_path
from profile_render.orchestrator.model import RegistryError, Secret

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
SAMPLES = REFERENCE / "catalog-samples" / "app-orch-tutorials"
TUTORIAL = SAMPLES / "developer-guide-tutorial" / "tutorial-deployment"
HTTPBIN = SAMPLES / "httpbin" / "deployment-package"
DATA = Path(__file__).resolve().parent / "data" / "catalog"
REGISTRIES = DATA / "registries.yaml"
CANARY = "CANARY"  # the token in registries.yaml and the tests' secrets start with it

SHARED_ABSENT = ("needs ../shared/reference (the real catalog samples), absent as in a fresh clone; "
                 "tests/test_catalog_own.py covers the same features on tests/data/stock")
needs_samples = pytest.mark.skipif(not REFERENCE.is_dir(), reason=SHARED_ABSENT)

Row = Tuple[str, str, str, Optional[int], Optional[str]]


def rows(findings: List[Any]) -> List[Row]:
    """(rule, severity, file name, line, field path) of each finding, in order."""
    return [(f.rule, f.severity, Path(f.source).name if f.source else None, f.line,
             format_path(f.path) if f.path else None) for f in findings]


def check(*paths: Path, registries: bool = True) -> Tuple[Catalog, List[Any]]:
    catalog = load_catalog(list(paths), registry_files=[REGISTRIES] if registries else [])
    return catalog, check_catalog(catalog)


def copy_sample(sample: Path, dest: Path) -> Path:
    """A writable copy of a sample folder (the originals are read-only)."""
    dest.mkdir()
    for item in sample.iterdir():
        shutil.copyfile(item, dest / item.name)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def tutorial(tmp_path: Path) -> Path:
    if not TUTORIAL.is_dir():
        pytest.skip(SHARED_ABSENT)
    return copy_sample(TUTORIAL, tmp_path / "tutorial")


@pytest.fixture
def httpbin(tmp_path: Path) -> Path:
    if not HTTPBIN.is_dir():
        pytest.skip(SHARED_ABSENT)
    return copy_sample(HTTPBIN, tmp_path / "httpbin")


# ---------------------------------------------------------------------------
# The real samples


@needs_samples
def test_tutorial_sample_loads_as_documented():
    catalog = load_catalog([TUTORIAL])
    assert set(catalog.applications) == {("tutorial-server", "0.1.0"), ("tutorial-web-ui", "0.1.0")}
    assert len(catalog.files) == 7  # 3 catalog files, 4 values files
    (pkg,) = catalog.packages
    assert (pkg.name, pkg.version, pkg.display_name) == ("app-orch-tutorial-dp", "0.1.0", "Tutorial DP")
    assert pkg.applications == (("tutorial-server", "0.1.0"), ("tutorial-web-ui", "0.1.0"))
    assert [p.name for p in pkg.deployment_profiles] == ["default-profile", "alternate", "alternate-pt"]
    # no defaultProfile: the first deployment profile is the default
    assert pkg.default_profile_name is None
    assert pkg.default_deployment_profile.name == "default-profile"
    assert pkg.deployment_profile("alternate").application_profiles == {
        "tutorial-server": "alternate", "tutorial-web-ui": "default"}
    assert pkg.default_namespaces == {"tutorial-server": "tutorial", "tutorial-web-ui": "tutorial"}
    assert pkg.application_dependencies == ()

    server = catalog.application("tutorial-server")
    assert server is catalog.applications[("tutorial-server", "0.1.0")]
    assert (server.chart_name, server.chart_version, server.helm_registry, server.image_registry, server.kind) == (
        "tutorial-server", "0.1.0", "harbor-helm-oci", "harbor-docker-oci", "normal")
    assert [p.name for p in server.profiles] == ["default", "alternate", "alternate-pt"]
    assert server.default_profile_name is None and server.default_profile.name == "default"
    alt = server.profile("alternate-pt")
    assert alt.values_path == TUTORIAL / "tutorial-server-values-alternate-pt.yaml"
    assert alt.values_path.is_file()
    assert (alt.source, alt.line, alt.column, alt.field_path) == (
        str(TUTORIAL / "tutorial-server-app.yaml"), 24, 5, ("profiles", 2))
    greeting, count = alt.parameter_templates
    assert (greeting.name, greeting.type, greeting.display_name, greeting.default) == (
        "greeting", "string", "Greeting message", "Deployed by Application Orchestration (pt)")
    assert (count.name, count.default, count.mandatory, count.secret, count.line) == (
        "initialCount", "0", False, False, 31)
    assert count.field_path == ("profiles", 2, "parameterTemplates", 1)
    assert server.profile("nope") is None
    assert catalog.application("tutorial-web-ui").default_profile.values_path.name == "tutorial-web-ui-values.yaml"
    assert len({server, pkg, alt, count}) == 4  # specs are hashable


@needs_samples
def test_tutorial_without_registry_files_warns_about_each_registry_reference():
    _catalog, findings = check(TUTORIAL, registries=False)
    assert rows(findings) == [
        ("unknown-registry", "warning", "tutorial-server-app.yaml", 14, "imageRegistry"),
        ("unknown-registry", "warning", "tutorial-server-app.yaml", 15, "helmRegistry"),
        ("unknown-registry", "warning", "tutorial-web-ui-app.yaml", 14, "imageRegistry"),
        ("unknown-registry", "warning", "tutorial-web-ui-app.yaml", 15, "helmRegistry"),
    ]
    assert "every Edge Orchestrator project has this registry" in findings[0].hint


@needs_samples
def test_tutorial_with_registry_files_is_clean():
    catalog, findings = check(TUTORIAL)
    assert findings == []
    assert catalog.findings == []
    docker = catalog.registries["harbor-docker-oci"]
    assert (docker.type, docker.user_name, docker.from_registry_files) == ("IMAGE", "robot$acme-edge+catalog", True)
    image = docker.to_image_registry()
    assert image.url == "registry-oci.example.com/catalog-apps-acme-edge"
    assert image.has_credentials and image.password.reveal().startswith(CANARY)
    assert catalog.registries["harbor-helm-oci"].auth_token is None
    assert len(set(catalog.registries.values())) == 2


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


@needs_samples
def test_pure_python_parser_reads_the_same(monkeypatch):
    import profile_render.yamlio.parse as parse_module

    fast = load_catalog([TUTORIAL])
    monkeypatch.setattr(parse_module, "LIBYAML", False)
    slow = load_catalog([TUTORIAL])
    assert slow.applications == fast.applications and slow.packages == fast.packages
    assert [d.positions for d in slow.documents] == [d.positions for d in fast.documents]


# ---------------------------------------------------------------------------
# Broken copies: each produces exactly the expected findings


def test_bad_name_pattern(tutorial):
    edit(tutorial / "tutorial-server-app.yaml", "name: tutorial-server\n", "name: Tutorial_Server\n")
    _catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("unknown-application", "error", "deployment-package.yaml", 16, "applications[0]"),
        ("schema", "error", "tutorial-server-app.yaml", 10, "name"),
    ]
    assert findings[1].message == ("name must match ^[a-z0-9][a-z0-9-]{0,24}[a-z0-9]{0,1}$; "
                                   "'Tutorial_Server' does not")
    assert findings[1].column == 1
    assert "lowercase letters" in findings[1].hint
    assert "'tutorial-server' version '0.1.0' is not among the files read" in findings[0].message


def test_missing_required_fields(tutorial):
    edit(tutorial / "tutorial-web-ui-app.yaml", 'chartVersion: "0.1.0"\n', "")
    edit(tutorial / "deployment-package.yaml",
         "description: Application Orchestration Tutorial Deployment Package\n", "")
    _catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("schema", "error", "deployment-package.yaml", 6, "description"),
        ("schema", "error", "tutorial-web-ui-app.yaml", 6, "chartVersion"),
    ]
    assert findings[0].message == "DeploymentPackage is missing the required field 'description'"
    assert findings[1].message == "Application is missing the required field 'chartVersion'"
    assert findings[1].hint.startswith("add chartVersion: 1-53 lowercase letters")


def test_missing_required_field_inside_a_list_item(tutorial):
    edit(tutorial / "tutorial-server-app.yaml", "        type: string\n      - name: \"initialCount\"",
         "      - name: \"initialCount\"")
    _catalog, findings = check(tutorial)
    assert rows(findings) == [("schema", "error", "tutorial-server-app.yaml", 27,
                               "profiles[2].parameterTemplates[0].type")]
    assert findings[0].message == ("Application profiles[2].parameterTemplates[0] is missing the required "
                                   "field 'type'")


def test_unknown_fields(tutorial):
    edit(tutorial / "tutorial-web-ui-app.yaml", 'chartName: "tutorial-web-ui"\n',
         'chartNam: "tutorial-web-ui"\nmaintainer: me\n')
    edit(tutorial / "tutorial-server-app.yaml", '        displayName: Initial count\n',
         '        displayName: Initial count\n        hidden: true\n')
    _catalog, findings = check(tutorial)
    assert rows(findings) == [
        # a parameter template is an open object: the catalog accepts the key (and ignores it)
        ("ignored-field", "warning", "tutorial-server-app.yaml", 33, "profiles[2].parameterTemplates[1].hidden"),
        ("schema", "error", "tutorial-web-ui-app.yaml", 6, "chartName"),
        ("schema", "error", "tutorial-web-ui-app.yaml", 16, "chartNam"),
        ("schema", "error", "tutorial-web-ui-app.yaml", 17, "maintainer"),
    ]
    assert findings[0].message == ("'hidden' in Application profiles[2].parameterTemplates[1] is not a field the "
                                   "catalog knows; the object is open, so the catalog accepts it and ignores it")
    assert findings[2].message == "unknown field 'chartNam' in Application"
    assert findings[2].hint == "did you mean 'chartName'?"
    assert findings[3].hint.startswith("Application accepts: specSchema, schemaVersion")


def test_wrong_enums_and_types(tutorial, tmp_path):
    edit(tutorial / "tutorial-server-app.yaml", "        type: string\n      - name: \"initialCount\"",
         "        type: String\n      - name: \"initialCount\"")
    edit(tutorial / "tutorial-server-app.yaml", '        default: "0"\n        type: string',
         "        default: 0\n        type: text")
    edit(tutorial / "tutorial-web-ui-app.yaml", 'version: "0.1.0"', "version: 0.1\nkind: plugin")
    registries = tmp_path / "registries.yaml"
    registries.write_text(REGISTRIES.read_text().replace("type: IMAGE", "type: image"))
    catalog = load_catalog([tutorial], registry_files=[registries])
    findings = check_catalog(catalog)
    assert rows(findings) == [
        ("schema", "error", "registries.yaml", 9, "type"),  # tmp_path/registries.yaml sorts first
        ("unknown-application", "error", "deployment-package.yaml", 18, "applications[1]"),
        ("schema", "error", "tutorial-server-app.yaml", 30, "profiles[2].parameterTemplates[0].type"),
        ("schema", "error", "tutorial-server-app.yaml", 33, "profiles[2].parameterTemplates[1].default"),
        ("schema", "error", "tutorial-server-app.yaml", 34, "profiles[2].parameterTemplates[1].type"),
        ("schema", "error", "tutorial-web-ui-app.yaml", 11, "version"),
        ("schema", "error", "tutorial-web-ui-app.yaml", 12, "kind"),
    ]
    assert_wrong_enums_and_types(catalog, findings)


def assert_wrong_enums_and_types(catalog: Catalog, findings: List[Any]) -> None:
    """The messages and hints of the wrong-enums-and-types edits (registry type, template type/default, version, kind)."""
    messages = [f.message for f in findings[:1] + findings[2:]]
    assert messages == [
        "type must be one of HELM, IMAGE; 'image' is not",
        "type must be one of string, number, boolean; 'String' is not",
        "default must be a string; it is a number",
        "type must be one of string, number, boolean; 'text' is not",
        "version must be a string; it is a number",
        "kind must be one of normal, extension, addon; 'plugin' is not",
    ]
    assert findings[0].hint == "did you mean 'IMAGE'?"
    assert findings[3].hint.startswith("quote it")
    # a registry whose type is itself invalid is not also reported as the wrong type for imageRegistry
    assert catalog.registries["harbor-docker-oci"].type == "image"


def test_yaml_1_1_words_stay_strings_as_the_catalog_reads_them(tutorial):
    edit(tutorial / "tutorial-web-ui-app.yaml", 'description: "Tutorial Server"', "description: yes")
    catalog, findings = check(tutorial)
    assert findings == []
    assert catalog.application("tutorial-web-ui").description == "yes"


def test_unknown_application_version(tutorial):
    edit(tutorial / "deployment-package.yaml", '  - name: tutorial-web-ui\n    version: "0.1.0"',
         '  - name: tutorial-web-ui\n    version: "0.2.0"')
    _catalog, findings = check(tutorial)
    assert rows(findings) == [("unknown-application", "error", "deployment-package.yaml", 18, "applications[1]")]
    assert findings[0].message == ("application 'tutorial-web-ui' version '0.2.0' is not among the files read "
                                   "(versions read: 0.1.0)")


def test_unknown_profiles(tutorial):
    edit(tutorial / "deployment-package.yaml", 'profile: "alternate"\n', 'profile: "alternat"\n')
    edit(tutorial / "deployment-package.yaml", '      - application: "tutorial-web-ui"\n        profile: "default"\n'
         '  - name: "alternate-pt"', '      - application: "tutorial-webui"\n        profile: "default"\n'
         '  - name: "alternate-pt"')
    edit(tutorial / "tutorial-web-ui-app.yaml", 'chartVersion: "0.1.0"\n', 'chartVersion: "0.1.0"\ndefaultProfile: main\n')
    _catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("unknown-profile", "error", "deployment-package.yaml", 33,
         "deploymentProfiles[1].applicationProfiles[0].profile"),
        ("unknown-application", "error", "deployment-package.yaml", 34,
         "deploymentProfiles[1].applicationProfiles[1].application"),
        ("unknown-profile", "error", "tutorial-web-ui-app.yaml", 18, "defaultProfile"),
    ]
    assert findings[0].message == ("deployment profile 'alternate' selects profile 'alternat' of application "
                                   "'tutorial-server' '0.1.0', which has no such profile "
                                   "(profiles: default, alternate, alternate-pt)")
    assert findings[0].column == 9
    assert findings[2].message == ("defaultProfile 'main' is not a profile of application 'tutorial-web-ui' "
                                   "(profiles: default)")


def test_default_profile_is_used_when_set(tutorial):
    edit(tutorial / "tutorial-server-app.yaml", 'chartVersion: "0.1.0"\n',
         'chartVersion: "0.1.0"\ndefaultProfile: alternate\n')
    edit(tutorial / "deployment-package.yaml", 'version: "0.1.0"\n', 'version: "0.1.0"\ndefaultProfile: alternate\n')
    catalog, findings = check(tutorial)
    assert findings == []
    assert catalog.application("tutorial-server").default_profile.name == "alternate"
    assert catalog.packages[0].default_deployment_profile.name == "alternate"


def test_unknown_deployment_profile(tutorial):
    edit(tutorial / "deployment-package.yaml", 'version: "0.1.0"\n', 'version: "0.1.0"\ndefaultProfile: other\n')
    catalog, findings = check(tutorial)
    assert rows(findings) == [("unknown-deployment-profile", "error", "deployment-package.yaml", 14,
                               "defaultProfile")]
    assert catalog.packages[0].default_deployment_profile is None


def test_helm_registry_pointing_at_an_image_registry(tutorial):
    edit(tutorial / "tutorial-server-app.yaml", 'helmRegistry: "harbor-helm-oci"', 'helmRegistry: "harbor-docker-oci"')
    edit(tutorial / "tutorial-web-ui-app.yaml", 'imageRegistry: "harbor-docker-oci"', 'imageRegistry: "harbor-helm-oci"')
    _catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("registry-type", "error", "tutorial-server-app.yaml", 15, "helmRegistry"),
        ("registry-type", "error", "tutorial-web-ui-app.yaml", 14, "imageRegistry"),
    ]
    assert findings[0].message.startswith("helmRegistry 'harbor-docker-oci' is a registry of type IMAGE (")
    assert findings[0].message.endswith("helmRegistry needs one of type HELM")


def test_unknown_registry_is_an_error_when_registry_files_are_given(tutorial):
    edit(tutorial / "tutorial-server-app.yaml", 'helmRegistry: "harbor-helm-oci"', 'helmRegistry: "harbor-helm"')
    _catalog, findings = check(tutorial)
    assert rows(findings) == [("unknown-registry", "error", "tutorial-server-app.yaml", 15, "helmRegistry")]
    assert findings[0].hint == "did you mean 'harbor-helm-oci'?"
    _catalog, findings = check(tutorial, registries=False)
    assert [r[:2] for r in rows(findings)] == [("unknown-registry", "warning")] * 4


def test_registries_in_the_package_count(tutorial):
    shutil.copyfile(REGISTRIES, tutorial / "registries.yaml")
    catalog, findings = check(tutorial, registries=False)
    assert findings == []
    assert not catalog.registries["harbor-helm-oci"].from_registry_files


def test_dependency_cycles_and_unknown_dependencies(tutorial):
    path = tutorial / "deployment-package.yaml"
    path.write_text(path.read_text() + (
        "applicationDependencies:\n"          # line 47
        "  - name: tutorial-server\n"         # 48
        "    requires: tutorial-web-ui\n"
        "  - name: tutorial-web-ui\n"         # 50
        "    requires: tutorial-server\n"
        "  - name: tutorial-web-ui\n"         # 52
        "    requires: tutorial-web-ui\n"
        "  - name: tutorial-web-ui\n"         # 54
        "    requires: redis\n"               # 55
    ))
    catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("dependency-cycle", "error", "deployment-package.yaml", 50, "applicationDependencies[1]"),
        ("dependency-cycle", "error", "deployment-package.yaml", 52, "applicationDependencies[2]"),
        ("dependency-cycle", "error", "deployment-package.yaml", 55, "applicationDependencies[3].requires"),
    ]
    assert [f.message for f in findings] == [
        "applicationDependencies form a cycle: tutorial-web-ui requires tutorial-server requires tutorial-web-ui",
        "application 'tutorial-web-ui' depends on itself",
        "applicationDependencies[3] names 'redis', which is not an application of the package "
        "(tutorial-server, tutorial-web-ui)",
    ]
    assert catalog.packages[0].application_dependencies == (
        ("tutorial-server", ("tutorial-web-ui",)),
        ("tutorial-web-ui", ("tutorial-server", "tutorial-web-ui", "redis")))


def test_longer_cycle_is_reported_once(tutorial):
    path = tutorial / "deployment-package.yaml"
    edit(path, '  - name: tutorial-web-ui\n    version: "0.1.0"\n',
         '  - name: tutorial-web-ui\n    version: "0.1.0"\n  - name: cache\n    version: "1.0.0"\n')
    path.write_text(path.read_text() + (
        "applicationDependencies:\n"
        "  - {name: tutorial-web-ui, requires: tutorial-server}\n"
        "  - {name: tutorial-server, requires: cache}\n"
        "  - {name: cache, requires: tutorial-web-ui}\n"
    ))
    app = (tutorial / "tutorial-web-ui-app.yaml").read_text()
    (tutorial / "cache-app.yaml").write_text(
        app.replace("name: tutorial-web-ui", "name: cache").replace('version: "0.1.0"', 'version: "1.0.0"'))
    _catalog, findings = check(tutorial)
    assert rows(findings) == [("dependency-cycle", "error", "deployment-package.yaml", 52,
                               "applicationDependencies[2]")]
    assert findings[0].message == ("applicationDependencies form a cycle: "
                                   "cache requires tutorial-web-ui requires tutorial-server requires cache")


def test_missing_values_files(tutorial):
    (tutorial / "tutorial-web-ui-values.yaml").unlink()
    edit(tutorial / "tutorial-server-app.yaml", '    valuesFileName: "tutorial-server-values-alternate.yaml"\n', "")
    catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("missing-values-file", "error", "tutorial-server-app.yaml", 22, "profiles[1].valuesFileName"),
        ("missing-values-file", "error", "tutorial-web-ui-app.yaml", 21, "profiles[0].valuesFileName"),
    ]
    assert findings[0].message == ("profile 'alternate' names no values file; the catalog upload needs "
                                   "valuesFileName")
    assert findings[1].message.startswith("values file 'tutorial-web-ui-values.yaml' of profile 'default' "
                                          "does not exist (looked for ")
    assert catalog.application("tutorial-server").profile("alternate").values_path is None


def test_empty_values_file_is_fine(tutorial):
    (tutorial / "tutorial-web-ui-values.yaml").write_text("")
    _catalog, findings = check(tutorial)
    assert findings == []


def test_namespace_for_an_unknown_application(tutorial):
    path = tutorial / "deployment-package.yaml"
    path.write_text(path.read_text() + "  tutorial-db: tutorial\n")
    _catalog, findings = check(tutorial)
    assert rows(findings) == [("namespace-unknown-app", "error", "deployment-package.yaml", 47,
                               "defaultNamespaces.tutorial-db")]


def test_two_documents_in_one_file(tutorial):
    path = tutorial / "tutorial-web-ui-app.yaml"
    path.write_text(path.read_text() + (
        "---\n"                                  # 22
        "specSchema: Registry\n"                 # 23
        'schemaVersion: "0.1"\n'
        "name: web-ui-images\n"                  # 25
        "description: images of the web UI\n"
        "type: IMAGE\n"
        "---\n"                                  # 28
        "specSchema: Application\n"              # 29
        'schemaVersion: "0.1"\n'
        "name: tutorial-web-ui\n"                # 31
        'version: "0.1.0"\n'
        "description: the same application again\n"
        "helmRegistry: harbor-helm-oci\n"
        "chartName: tutorial-web-ui\n"
        'chartVersion: "0.1.0"\n'
        "---\n"                                  # 37
        "- just a list\n"                        # 38
    ))
    catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("schema", "error", "tutorial-web-ui-app.yaml", 23, "rootUrl"),
        ("duplicate-object", "error", "tutorial-web-ui-app.yaml", 31, "name"),
        ("schema", "error", "tutorial-web-ui-app.yaml", 38, None),
    ]
    assert findings[1].message.startswith("Application 'tutorial-web-ui' version '0.1.0' is defined twice (also at ")
    assert findings[2].message == ("document 4 is a list; every document of a catalog file must be a catalog "
                                   "object")
    assert catalog.registries["web-ui-images"].line == 23
    assert catalog.application("tutorial-web-ui").description == "Tutorial Server"  # the first one is kept


def test_duplicate_names_inside_objects(tutorial):
    edit(tutorial / "tutorial-server-app.yaml", '  - name: "alternate"\n', '  - name: "default"\n')
    edit(tutorial / "tutorial-server-app.yaml", '      - name: "initialCount"', '      - name: "greeting"')
    edit(tutorial / "deployment-package.yaml", '  - name: "alternate-pt"', '  - name: "alternate"')
    edit(tutorial / "deployment-package.yaml", '      - application: "tutorial-web-ui"\n        profile: "default"\n'
         '\ndefaultNamespaces', '      - application: "tutorial-server"\n        profile: "default"\n'
         '\ndefaultNamespaces')
    _catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("unknown-profile", "error", "deployment-package.yaml", 33,
         "deploymentProfiles[1].applicationProfiles[0].profile"),
        ("duplicate-object", "error", "deployment-package.yaml", 36, "deploymentProfiles[2].name"),
        ("duplicate-object", "warning", "deployment-package.yaml", 41,
         "deploymentProfiles[2].applicationProfiles[1].application"),
        ("duplicate-object", "error", "tutorial-server-app.yaml", 22, "profiles[1].name"),
        ("duplicate-object", "error", "tutorial-server-app.yaml", 31, "profiles[2].parameterTemplates[1].name"),
    ]
    # the renamed profile 'alternate' no longer exists, hence the unknown-profile


def test_ignored_fields(tutorial):
    edit(tutorial / "tutorial-web-ui-app.yaml", '    valuesFileName: "tutorial-web-ui-values.yaml"\n',
         '    valuesFileName: "tutorial-web-ui-values.yaml"\n'
         "    deploymentRequirement:\n"
         "      - name: observability\n"
         '        version: "1.0.0"\n')
    catalog, findings = check(tutorial)
    assert rows(findings) == [("ignored-field", "warning", "tutorial-web-ui-app.yaml", 22,
                               "profiles[0].deploymentRequirement")]
    assert findings[0].hint == "rename it to deploymentRequirements"
    assert catalog.application("tutorial-web-ui").default_profile.deployment_requirements == ()
    edit(tutorial / "tutorial-web-ui-app.yaml", "deploymentRequirement:", "deploymentRequirements:")
    catalog, findings = check(tutorial)
    assert findings == []
    assert catalog.application("tutorial-web-ui").default_profile.deployment_requirements == (
        {"name": "observability", "version": "1.0.0"},)


# -- files that are not catalog files ------------------------------------------------


def test_values_file_without_spec_schema_is_ignored(tutorial):
    (tutorial / "extra-values.yaml").write_text("replicaCount: 2\nimage:\n  tag: v1\n")
    (tutorial / "notes.yml").write_text("- a list\n- of notes\n")
    catalog, findings = check(tutorial)
    assert findings == []
    assert tutorial / "extra-values.yaml" in catalog.files and tutorial / "notes.yml" in catalog.files
    assert len(catalog.applications) == 2 and len(catalog.packages) == 1


def test_non_yaml_files(tutorial):
    (tutorial / "README.md").write_text("# not read: only *.yaml and *.yml files are\n")
    (tutorial / "junk.yaml").write_text("this: is: not yaml\n")
    (tutorial / "logo.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tutorial / "sub").mkdir()
    (tutorial / "sub" / "broken.yaml").write_text("specSchema: [\n")  # not read: directories are not recursive
    catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("yaml-syntax", "warning", "junk.yaml", 1, None),
        ("yaml-syntax", "warning", "logo.yaml", 1, None),
    ]
    assert findings[0].column == 9
    assert findings[0].message.startswith("mapping values are not allowed")  # libyaml's or PyYAML's words
    assert findings[0].message.endswith("(the catalog upload skips YAML files it cannot parse)")
    assert findings[1].message.startswith("the file is not valid UTF-8 text (byte 0x89)")
    assert tutorial / "README.md" not in catalog.files
    assert not any(p.parent.name == "sub" for p in catalog.files)


def test_broken_catalog_file_is_an_error_and_loading_goes_on(tutorial):
    edit(tutorial / "tutorial-web-ui-app.yaml", 'chartName: "tutorial-web-ui"', "chartName: %web%")
    catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("unknown-application", "error", "deployment-package.yaml", 18, "applications[1]"),
        ("yaml-syntax", "error", "tutorial-web-ui-app.yaml", 16, None),
    ]
    assert findings[1].column == 12
    assert findings[1].message.endswith("(the file looks like a catalog file)")
    assert findings[1].hint == "a value starting with '%' must be quoted"
    assert set(catalog.applications) == {("tutorial-server", "0.1.0")}


def test_broken_values_file_used_by_a_profile_is_an_error(tutorial):
    (tutorial / "tutorial-web-ui-values.yaml").write_text("image:\n  repository: [unclosed\n")
    _catalog, findings = check(tutorial)
    assert rows(findings) == [("yaml-syntax", "error", "tutorial-web-ui-values.yaml", 3, None)]
    assert findings[0].message.endswith("(a profile uses it as its values file)")


def test_duplicate_keys_in_a_catalog_file(tutorial):
    edit(tutorial / "tutorial-web-ui-app.yaml", 'chartVersion: "0.1.0"\n', 'chartVersion: "0.1.0"\nchartVersion: "0.1.1"\n')
    catalog, findings = check(tutorial)
    assert rows(findings) == [("yaml-syntax", "error", "tutorial-web-ui-app.yaml", 18, "chartVersion")]
    assert findings[0].message == "duplicate key 'chartVersion' (first set on line 17)"
    assert catalog.application("tutorial-web-ui").chart_version == "0.1.1"


def test_unknown_spec_schema(tutorial):
    edit(tutorial / "deployment-package.yaml", "specSchema: DeploymentPackage", "specSchema: Deployment-Package")
    edit(tutorial / "tutorial-web-ui-app.yaml", "specSchema: Application", "specSchema: Aplication")
    catalog, findings = check(tutorial)
    assert rows(findings) == [
        ("unknown-spec-schema", "error", "deployment-package.yaml", 6, "specSchema"),
        ("unknown-spec-schema", "error", "tutorial-web-ui-app.yaml", 6, "specSchema"),
    ]
    assert findings[0].hint == "Deployment-Package is the legacy name the schema rejects; write DeploymentPackage"
    assert findings[1].hint.startswith("did you mean 'Application'?")
    assert catalog.packages == [] and len(catalog.applications) == 1


def test_unreadable_paths(tmp_path):
    catalog = load_catalog([tmp_path / "missing.yaml", tmp_path])
    assert rows(check_catalog(catalog)) == [("unreadable-file", "error", "missing.yaml", None, None)]
    assert catalog.files == []


def test_a_single_path_may_be_given_without_a_list(tmp_path):
    shutil.copyfile(REGISTRIES, tmp_path / "r.yaml")
    catalog = load_catalog(tmp_path / "r.yaml")
    assert set(catalog.registries) == {"harbor-docker-oci", "harbor-helm-oci"}
    assert check_catalog(catalog) == []


def test_application_lookup_without_version_takes_the_highest(tutorial):
    app = (tutorial / "tutorial-web-ui-app.yaml").read_text()
    for version in ("0.10.0", "0.9.1"):
        (tutorial / f"web-{version}.yaml").write_text(app.replace('version: "0.1.0"', f'version: "{version}"'))
    catalog = load_catalog([tutorial])
    assert catalog.application("tutorial-web-ui").version == "0.10.0"
    assert catalog.application("tutorial-web-ui", "0.9.1").version == "0.9.1"
    assert catalog.application("nope") is None
    assert catalog.package("app-orch-tutorial-dp").version == "0.1.0"


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
