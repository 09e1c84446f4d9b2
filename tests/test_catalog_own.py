"""Catalog checks on broken copies of two packages: the project's own and the tutorial sample.

Each test runs on the project's own package (tests/data/stock, always) and on
the tutorial sample of the real catalog (``../shared``, skipped in a fresh
clone); see tests/catalog_samples.py. Each edit makes a package wrong in one
way, and the test states exactly the findings it must produce.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, List

import pytest

from profile_render.orchestrator.catalog import Catalog, check_catalog, load_catalog
from tests.catalog_samples import (  # line_of: tests/test_packages_own.py imports it from here
    DP, PACKAGES, REGISTRIES, Sample, add_after, check, drop_line, edit, edit_line, line_of, rows, writable_copy,
)


@pytest.fixture(params=PACKAGES)
def sample(request: Any, tmp_path: Path) -> Sample:
    """A writable copy of each sample package."""
    return writable_copy(request.param, tmp_path)


# ---------------------------------------------------------------------------
# Broken copies: each produces exactly the expected findings


def test_bad_name_pattern(sample: Sample) -> None:
    bad = sample.api.title().replace("-", "_")  # Tutorial_Server: capitals and an underscore
    line = edit_line(sample.api_file, f"name: {sample.api}", f"name: {bad}")
    _catalog, findings = check(sample.folder)
    assert rows(findings) == [
        ("unknown-application", "error", DP, line_of(sample.dp_file, f"- name: {sample.api}"), "applications[0]"),
        ("schema", "error", sample.api_file.name, line, "name"),
    ]
    assert findings[1].message == f"name must match ^[a-z0-9][a-z0-9-]{{0,24}}[a-z0-9]{{0,1}}$; {bad!r} does not"
    assert findings[1].column == 1 and "lowercase letters" in findings[1].hint
    assert f"{sample.api!r} version {sample.version!r} is not among the files read" in findings[0].message


def test_missing_required_fields(sample: Sample) -> None:
    drop_line(sample.web_file, "chartVersion:")
    drop_line(sample.dp_file, "description:")
    _catalog, findings = check(sample.folder)
    assert rows(findings) == [
        ("schema", "error", DP, line_of(sample.dp_file, "specSchema:"), "description"),
        ("schema", "error", sample.web_file.name, line_of(sample.web_file, "specSchema:"), "chartVersion"),
    ]
    assert findings[0].message == "DeploymentPackage is missing the required field 'description'"
    assert findings[1].message == "Application is missing the required field 'chartVersion'"
    assert findings[1].hint.startswith("add chartVersion: 1-53 lowercase letters")


def test_missing_required_field_inside_a_list_item(sample: Sample) -> None:
    drop_line(sample.api_file, "type: string")  # the first template's
    _catalog, findings = check(sample.folder)
    assert rows(findings) == [("schema", "error", sample.api_file.name,
                               line_of(sample.api_file, f"- name: {sample.templates[0][0]}"),
                               "profiles[2].parameterTemplates[0].type")]
    assert findings[0].message == "Application profiles[2].parameterTemplates[0] is missing the required field 'type'"


def test_unknown_fields(sample: Sample) -> None:
    chart_name = edit_line(sample.web_file, "chartName:", f'chartNam: "{sample.web}"\nmaintainer: me')
    hidden = add_after(sample.api_file, f"displayName: {sample.templates[1][1]}", "hidden: true")
    _catalog, findings = check(sample.folder)
    web = sample.web_file.name
    assert rows(findings) == [
        # a parameter template is an open object: the catalog accepts the key (and ignores it)
        ("ignored-field", "warning", sample.api_file.name, hidden, "profiles[2].parameterTemplates[1].hidden"),
        ("schema", "error", web, line_of(sample.web_file, "specSchema:"), "chartName"),
        ("schema", "error", web, chart_name, "chartNam"),
        ("schema", "error", web, chart_name + 1, "maintainer"),
    ]
    assert findings[0].message == ("'hidden' in Application profiles[2].parameterTemplates[1] is not a field the "
                                   "catalog knows; the object is open, so the catalog accepts it and ignores it")
    assert findings[2].message == "unknown field 'chartNam' in Application"
    assert findings[2].hint == "did you mean 'chartName'?"
    assert findings[3].hint.startswith("Application accepts: specSchema, schemaVersion")


def test_wrong_enums_and_types(sample: Sample, tmp_path: Path) -> None:
    first_type = edit_line(sample.api_file, "type: string", "type: String")
    second = line_of(sample.api_file, f"- name: {sample.templates[1][0]}")
    default = edit_line(sample.api_file, "default:", f"default: {sample.templates[1][2]}", second)
    second_type = edit_line(sample.api_file, "type: string", "type: text", second)
    short_version = ".".join(sample.version.split(".")[:2])  # 0.1: a number
    version = edit_line(sample.web_file, "version:", f"version: {short_version}\nkind: plugin")
    registries = tmp_path / "registries.yaml"
    registries.write_text(REGISTRIES.read_text().replace("type: IMAGE", "type: image"))
    catalog = load_catalog([sample.folder], registry_files=[registries])
    findings = check_catalog(catalog)
    api, web = sample.api_file.name, sample.web_file.name
    assert rows(findings) == [
        ("schema", "error", "registries.yaml", line_of(registries, "type: image"), "type"),  # tmp_path's sorts first
        ("unknown-application", "error", DP, line_of(sample.dp_file, f"- name: {sample.web}"), "applications[1]"),
        ("schema", "error", api, first_type, "profiles[2].parameterTemplates[0].type"),
        ("schema", "error", api, default, "profiles[2].parameterTemplates[1].default"),
        ("schema", "error", api, second_type, "profiles[2].parameterTemplates[1].type"),
        ("schema", "error", web, version, "version"),
        ("schema", "error", web, version + 1, "kind"),
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


def test_yaml_1_1_words_stay_strings_as_the_catalog_reads_them(sample: Sample) -> None:
    for word in ("yes", "no"):
        edit_line(sample.web_file, "description:", f"description: {word}")
        catalog, findings = check(sample.folder)
        assert findings == []
        assert catalog.application(sample.web).description == word


def test_unknown_application_version(sample: Sample) -> None:
    entry = line_of(sample.dp_file, f"- name: {sample.web}")
    edit_line(sample.dp_file, "version:", 'version: "9.9.9"', entry)
    _catalog, findings = check(sample.folder)
    assert rows(findings) == [("unknown-application", "error", DP, entry, "applications[1]")]
    assert findings[0].message == (f"application {sample.web!r} version '9.9.9' is not among the files read "
                                   f"(versions read: {sample.version})")


def test_unknown_profiles(sample: Sample) -> None:
    chosen = sample.api_profiles[1]
    second_profile = line_of(sample.dp_file, f"- name: {sample.deployment_profiles[1]}")
    profile = edit_line(sample.dp_file, f"profile: {chosen}", f"profile: {chosen[:-1]}", second_profile)
    misnamed = "".join(sample.web.rsplit("-", 1))  # tutorial-webui
    application = edit_line(sample.dp_file, f"application: {sample.web}", f"application: {misnamed}", second_profile)
    default = add_after(sample.web_file, "chartVersion:", "defaultProfile: main")
    _catalog, findings = check(sample.folder)
    assert rows(findings) == [
        ("unknown-profile", "error", DP, profile, "deploymentProfiles[1].applicationProfiles[0].profile"),
        ("unknown-application", "error", DP, application, "deploymentProfiles[1].applicationProfiles[1].application"),
        ("unknown-profile", "error", sample.web_file.name, default, "defaultProfile"),
    ]
    assert findings[0].message == (
        f"deployment profile {sample.deployment_profiles[1]!r} selects profile {chosen[:-1]!r} of application "
        f"{sample.api!r} {sample.version!r}, which has no such profile (profiles: {', '.join(sample.api_profiles)})")
    assert findings[0].column == 9
    assert findings[2].message == (f"defaultProfile 'main' is not a profile of application {sample.web!r} "
                                   f"(profiles: {sample.web_profile})")


def test_default_profile_is_used_when_set(sample: Sample) -> None:
    add_after(sample.api_file, "chartVersion:", f"defaultProfile: {sample.api_profiles[1]}")
    add_after(sample.dp_file, "version:", f"defaultProfile: {sample.deployment_profiles[1]}")
    catalog, findings = check(sample.folder)
    assert findings == []
    assert catalog.application(sample.api).default_profile.name == sample.api_profiles[1]
    assert catalog.packages[0].default_deployment_profile.name == sample.deployment_profiles[1]


def test_unknown_deployment_profile(sample: Sample) -> None:
    line = add_after(sample.dp_file, "version:", "defaultProfile: other")
    catalog, findings = check(sample.folder)
    assert rows(findings) == [("unknown-deployment-profile", "error", DP, line, "defaultProfile")]
    assert catalog.packages[0].default_deployment_profile is None


def test_helm_registry_pointing_at_an_image_registry(sample: Sample) -> None:
    helm = edit_line(sample.api_file, "helmRegistry:", 'helmRegistry: "harbor-docker-oci"')
    image = edit_line(sample.web_file, "imageRegistry:", 'imageRegistry: "harbor-helm-oci"')
    _catalog, findings = check(sample.folder)
    assert rows(findings) == [
        ("registry-type", "error", sample.api_file.name, helm, "helmRegistry"),
        ("registry-type", "error", sample.web_file.name, image, "imageRegistry"),
    ]
    assert findings[0].message.startswith("helmRegistry 'harbor-docker-oci' is a registry of type IMAGE (")
    assert findings[0].message.endswith("helmRegistry needs one of type HELM")


def test_unknown_registry_is_an_error_when_registry_files_are_given(sample: Sample) -> None:
    line = edit_line(sample.api_file, "helmRegistry:", 'helmRegistry: "harbor-helm"')
    _catalog, findings = check(sample.folder)
    assert rows(findings) == [("unknown-registry", "error", sample.api_file.name, line, "helmRegistry")]
    assert findings[0].hint == "did you mean 'harbor-helm-oci'?"
    _catalog, findings = check(sample.folder, registries=False)
    assert [r[:2] for r in rows(findings)] == [("unknown-registry", "warning")] * 4


def test_registries_in_the_package_count(sample: Sample) -> None:
    shutil.copyfile(REGISTRIES, sample.folder / "registries.yaml")
    catalog, findings = check(sample.folder, registries=False)
    assert findings == []
    assert not catalog.registries["harbor-helm-oci"].from_registry_files


def test_dependency_cycles_and_unknown_dependencies(sample: Sample) -> None:
    api, web = sample.api, sample.web
    path = sample.dp_file
    path.write_text(path.read_text() + (
        "applicationDependencies:\n"
        f"  - name: {api}\n"
        f"    requires: {web}\n"
        f"  - name: {web}\n"        # closes the cycle
        f"    requires: {api}\n"
        f"  - name: {web}\n"        # itself
        f"    requires: {web}\n"
        f"  - name: {web}\n"
        "    requires: redis\n"     # not in the package
    ))
    deps = line_of(path, "applicationDependencies:")
    catalog, findings = check(sample.folder)
    assert rows(findings) == [
        ("dependency-cycle", "error", DP, deps + 3, "applicationDependencies[1]"),
        ("dependency-cycle", "error", DP, deps + 5, "applicationDependencies[2]"),
        ("dependency-cycle", "error", DP, deps + 8, "applicationDependencies[3].requires"),
    ]
    assert [f.message for f in findings] == [
        f"applicationDependencies form a cycle: {web} requires {api} requires {web}",
        f"application {web!r} depends on itself",
        f"applicationDependencies[3] names 'redis', which is not an application of the package ({api}, {web})",
    ]
    assert catalog.packages[0].application_dependencies == ((api, (web,)), (web, (api, web, "redis")))


def test_longer_cycle_is_reported_once(sample: Sample) -> None:
    api, web = sample.api, sample.web
    path = sample.dp_file
    edit(path, f'  - name: {web}\n    version: "{sample.version}"\n',
         f'  - name: {web}\n    version: "{sample.version}"\n  - name: cache\n    version: "1.0.0"\n')
    path.write_text(path.read_text() + (
        "applicationDependencies:\n"
        f"  - {{name: {web}, requires: {api}}}\n"
        f"  - {{name: {api}, requires: cache}}\n"
        f"  - {{name: cache, requires: {web}}}\n"
    ))
    app = sample.web_file.read_text()
    sample.app_file("cache").write_text(app.replace(f"name: {web}", "name: cache")
                                        .replace(f'version: "{sample.version}"', 'version: "1.0.0"'))
    _catalog, findings = check(sample.folder)
    assert rows(findings) == [("dependency-cycle", "error", DP, line_of(path, "{name: cache"),
                               "applicationDependencies[2]")]
    assert findings[0].message == f"applicationDependencies form a cycle: cache requires {web} requires {api} requires cache"


def test_missing_values_files(sample: Sample) -> None:
    (sample.folder / f"{sample.web}-values.yaml").unlink()
    unnamed = sample.api_profiles[1]
    drop_line(sample.api_file, f"valuesFileName: {sample.api}-values-{unnamed}.yaml")
    catalog, findings = check(sample.folder)
    assert rows(findings) == [
        ("missing-values-file", "error", sample.api_file.name, line_of(sample.api_file, f"- name: {unnamed}"),
         "profiles[1].valuesFileName"),
        ("missing-values-file", "error", sample.web_file.name, line_of(sample.web_file, "valuesFileName:"),
         "profiles[0].valuesFileName"),
    ]
    assert findings[0].message == f"profile {unnamed!r} names no values file; the catalog upload needs valuesFileName"
    assert findings[1].message.startswith(f"values file '{sample.web}-values.yaml' of profile {sample.web_profile!r} "
                                          "does not exist (looked for ")
    assert catalog.application(sample.api).profile(unnamed).values_path is None


def test_empty_values_file_is_fine(sample: Sample) -> None:
    (sample.folder / f"{sample.web}-values.yaml").write_text("")
    _catalog, findings = check(sample.folder)
    assert findings == []


def test_namespace_for_an_unknown_application(sample: Sample) -> None:
    path = sample.dp_file
    database = sample.api.split("-")[0] + "-db"
    path.write_text(path.read_text() + f"  {database}: {sample.namespace}\n")
    _catalog, findings = check(sample.folder)
    assert rows(findings) == [("namespace-unknown-app", "error", DP, line_of(path, f"{database}: {sample.namespace}"),
                               f"defaultNamespaces.{database}")]


def test_two_documents_in_one_file(sample: Sample) -> None:
    path = sample.web_file
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
        f"name: {sample.web}\n"
        f'version: "{sample.version}"\n'
        "description: the same application twice\n"
        "helmRegistry: harbor-helm-oci\n"
        f"chartName: {sample.web}\n"
        f'chartVersion: "{sample.version}"\n'
        "---\n"
        "- only a list\n"
    ))
    registry = line_of(path, "specSchema: Registry")
    catalog, findings = check(sample.folder)
    assert rows(findings) == [
        ("schema", "error", path.name, registry, "rootUrl"),
        ("duplicate-object", "error", path.name, line_of(path, f"name: {sample.web}", registry), "name"),
        ("schema", "error", path.name, line_of(path, "- only a list"), None),
    ]
    assert findings[1].message.startswith(f"Application {sample.web!r} version {sample.version!r} is defined twice "
                                          "(also at ")
    assert findings[2].message == "document 4 is a list; every document of a catalog file must be a catalog object"
    assert catalog.registries["web-images"].line == registry
    assert catalog.application(sample.web).description == sample.web_description  # the first one is kept


def test_duplicate_names_inside_objects(sample: Sample) -> None:
    kept, renamed = sample.api_profiles[0], sample.api_profiles[1]
    profile = edit_line(sample.api_file, f"- name: {renamed}", f"name: {kept}")
    template = edit_line(sample.api_file, f"- name: {sample.templates[1][0]}", f"name: {sample.templates[0][0]}")
    third = edit_line(sample.dp_file, f"- name: {sample.deployment_profiles[2]}",
                      f"name: {sample.deployment_profiles[1]}")
    twice = edit_line(sample.dp_file, f"application: {sample.web}", f"application: {sample.api}", third)
    _catalog, findings = check(sample.folder)
    second = line_of(sample.dp_file, f"- name: {sample.deployment_profiles[1]}")
    assert rows(findings) == [
        ("unknown-profile", "error", DP, line_of(sample.dp_file, f"profile: {renamed}", second),
         "deploymentProfiles[1].applicationProfiles[0].profile"),
        ("duplicate-object", "error", DP, third, "deploymentProfiles[2].name"),
        ("duplicate-object", "warning", DP, twice, "deploymentProfiles[2].applicationProfiles[1].application"),
        ("duplicate-object", "error", sample.api_file.name, profile, "profiles[1].name"),
        ("duplicate-object", "error", sample.api_file.name, template, "profiles[2].parameterTemplates[1].name"),
    ]
    # the renamed profile no longer exists, hence the unknown-profile


def test_ignored_fields(sample: Sample) -> None:
    line = add_after(sample.web_file, "valuesFileName:",
                     'deploymentRequirement:\n  - name: metrics\n    version: "2.1.0"')
    catalog, findings = check(sample.folder)
    assert rows(findings) == [("ignored-field", "warning", sample.web_file.name, line,
                               "profiles[0].deploymentRequirement")]
    assert findings[0].hint == "rename it to deploymentRequirements"
    assert catalog.application(sample.web).default_profile.deployment_requirements == ()
    edit(sample.web_file, "deploymentRequirement:", "deploymentRequirements:")
    catalog, findings = check(sample.folder)
    assert findings == []
    assert catalog.application(sample.web).default_profile.deployment_requirements == (
        {"name": "metrics", "version": "2.1.0"},)


# -- files that are not catalog files ------------------------------------------------


def test_values_file_without_spec_schema_is_ignored(sample: Sample) -> None:
    folder = sample.folder
    (folder / "extra-values.yaml").write_text("replicaCount: 2\nimage:\n  tag: v1\n")
    (folder / "notes.yml").write_text("- a list\n- of notes\n")
    catalog, findings = check(folder)
    assert findings == []
    assert folder / "extra-values.yaml" in catalog.files and folder / "notes.yml" in catalog.files
    assert len(catalog.applications) == 2 and len(catalog.packages) == 1


def test_non_yaml_files(sample: Sample) -> None:
    folder = sample.folder
    (folder / "README.md").write_text("# not read: only *.yaml and *.yml files are\n")
    (folder / "bad.yaml").write_text("key: also: key\n")
    (folder / "junk.yaml").write_text("this: is: not yaml\n")
    (folder / "logo.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "photo.yaml").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    (folder / "sub").mkdir()
    (folder / "sub" / "broken.yaml").write_text("specSchema: [\n")  # not read: directories are not recursive
    catalog, findings = check(folder)
    assert rows(findings) == [
        ("yaml-syntax", "warning", "bad.yaml", 1, None),
        ("yaml-syntax", "warning", "junk.yaml", 1, None),
        ("yaml-syntax", "warning", "logo.yaml", 1, None),
        ("yaml-syntax", "warning", "photo.yaml", 1, None),
    ]
    assert [f.column for f in findings[:2]] == [10, 9]  # at the second ': '
    for finding in findings[:2]:
        assert finding.message.startswith("mapping values are not allowed")  # libyaml's or PyYAML's words
        assert finding.message.endswith("(the catalog upload skips YAML files it cannot parse)")
    assert findings[2].message.startswith("the file is not valid UTF-8 text (byte 0x89)")
    assert findings[3].message.startswith("the file is not valid UTF-8 text (byte 0xff)")
    assert folder / "README.md" not in catalog.files
    assert not any(p.parent.name == "sub" for p in catalog.files)


def test_broken_catalog_file_is_an_error_and_loading_goes_on(sample: Sample) -> None:
    line = edit_line(sample.web_file, "chartName:", "chartName: %web%")
    catalog, findings = check(sample.folder)
    assert rows(findings) == [
        ("unknown-application", "error", DP, line_of(sample.dp_file, f"- name: {sample.web}"), "applications[1]"),
        ("yaml-syntax", "error", sample.web_file.name, line, None),
    ]
    assert findings[1].column == len("chartName: ") + 1
    assert findings[1].message.endswith("(the file looks like a catalog file)")
    assert findings[1].hint == "a value starting with '%' must be quoted"
    assert set(catalog.applications) == {(sample.api, sample.version)}


def test_broken_values_file_used_by_a_profile_is_an_error(sample: Sample) -> None:
    values = sample.folder / f"{sample.web}-values.yaml"
    for text in ("image:\n  repository: [unclosed\n", "service:\n  annotations: {unclosed\n"):
        values.write_text(text)
        _catalog, findings = check(sample.folder)
        assert rows(findings) == [("yaml-syntax", "error", values.name, 3, None)]
        assert findings[0].message.endswith("(a profile uses it as its values file)")


def test_duplicate_keys_in_a_catalog_file(sample: Sample) -> None:
    first = line_of(sample.web_file, "chartVersion:")
    patch = sample.version[:-1] + "1"
    add_after(sample.web_file, "chartVersion:", f'chartVersion: "{patch}"')
    catalog, findings = check(sample.folder)
    assert rows(findings) == [("yaml-syntax", "error", sample.web_file.name, first + 1, "chartVersion")]
    assert findings[0].message == f"duplicate key 'chartVersion' (first set on line {first})"
    assert catalog.application(sample.web).chart_version == patch


def test_unknown_spec_schema(sample: Sample) -> None:
    edit(sample.dp_file, "specSchema: DeploymentPackage", "specSchema: Deployment-Package")
    edit(sample.web_file, "specSchema: Application", "specSchema: Aplication")
    catalog, findings = check(sample.folder)
    assert rows(findings) == [
        ("unknown-spec-schema", "error", DP, line_of(sample.dp_file, "specSchema:"), "specSchema"),
        ("unknown-spec-schema", "error", sample.web_file.name, line_of(sample.web_file, "specSchema:"), "specSchema"),
    ]
    assert findings[0].hint == "Deployment-Package is the legacy name the schema rejects; write DeploymentPackage"
    assert findings[1].hint.startswith("did you mean 'Application'?")
    assert catalog.packages == [] and len(catalog.applications) == 1


def test_application_lookup_without_version_takes_the_highest(sample: Sample) -> None:
    app = sample.web_file.read_text()
    for version in ("0.10.0", "0.9.1"):
        (sample.folder / f"web-{version}.yaml").write_text(app.replace(f'version: "{sample.version}"',
                                                                       f'version: "{version}"'))
    catalog = load_catalog([sample.folder])
    assert catalog.application(sample.web).version == "0.10.0"
    assert catalog.application(sample.web, "0.9.1").version == "0.9.1"
    assert catalog.application("nope") is None
    assert catalog.package(sample.package).version == sample.version
