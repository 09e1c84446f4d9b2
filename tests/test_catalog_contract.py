"""Probes: one fact of the contract's "Catalog YAML files", "Closed and open objects" and "Fields and limits" each.

Every probe takes a small valid catalog file of the project's own
(``tests/data/catalog/probes/``), changes one field (or is a whole file, under
``probes/yaml/``), and checks the verdict the catalog's validator gives: valid,
or invalid at one field. The verdict is the one of :data:`VALIDATOR_RULES`:
errors of those rules are what the validator rejects a file for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest
import yaml

from profile_render.errors import format_path
from profile_render.orchestrator.catalog import PLATFORM_REGISTRIES, VALIDATOR_RULES, check_catalog, load_catalog
from profile_render.problems import ERROR, WARNING

PROBES = Path(__file__).resolve().parent / "data" / "catalog" / "probes"
MARKER = "PROBE_VALUE_MARKER"
DELETE = object()


def _set(tree: Any, path: Tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        tree = tree[part]
    if value is DELETE:
        del tree[path[-1]]
    elif isinstance(tree, list) and path[-1] == len(tree):
        tree.append(value)
    else:
        tree[path[-1]] = value


def probe_file(tmp_path: Path, base: str, path: Tuple[Any, ...], raw: Any) -> Path:
    """The base file with the field at ``path`` set to the YAML text ``raw`` (written as is), or deleted."""
    data = yaml.safe_load((PROBES / f"{base}.yaml").read_text(encoding="utf-8"))
    _set(data, path, DELETE if raw is DELETE else MARKER)
    text = yaml.safe_dump(data, sort_keys=False, width=10 ** 9, allow_unicode=True)
    if raw is not DELETE:
        assert text.count(MARKER) == 1
        text = text.replace(MARKER, raw)
    target = tmp_path / f"{base}.yaml"
    target.write_text(text, encoding="utf-8")
    (tmp_path / "values.yaml").write_text("image:\n  tag: '1.0'\n", encoding="utf-8")
    return target


def verdict(path: Path) -> Tuple[List[str], List[Any]]:
    """(where the validator-level errors are, once each, all findings) for one file named explicitly.

    A place is a field path, or for a document-level error the message up to its first ';'.
    """
    findings = check_catalog(load_catalog([path]))
    errors = [f for f in findings if f.severity == ERROR and f.rule in VALIDATOR_RULES]
    places = [format_path(f.path) if f.path else f.message.split(";")[0] for f in errors]
    return list(dict.fromkeys(places)), findings


def q(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, every non-ASCII or control character escaped (JSON's escapes)."""
    return json.dumps(text)


# (id, base file, field path, raw YAML text or DELETE, the invalid field's path or None for valid)
FIELD_PROBES: List[Tuple[str, str, Tuple[Any, ...], Any, Optional[str]]] = [
    # N26: Application name, applicationDependencies name/requires
    ("n26-one-character", "application", ("name",), "a", None),
    ("n26-26-characters", "application", ("name",), "a" * 26, None),
    ("n26-27-characters", "application", ("name",), "a" * 27, "name"),
    ("n26-trailing-dash", "application", ("name",), "app-", None),
    ("n26-leading-dash", "application", ("name",), "-app", "name"),
    ("n26-capital", "application", ("name",), "App", "name"),
    ("n26-underscore", "application", ("name",), "my_app", "name"),
    ("n26-dot", "application", ("name",), "my.app", "name"),
    ("n26-empty", "application", ("name",), '""', "name"),
    ("n26-final-newline", "application", ("name",), q("app1\n"), "name"),
    ("n26-dependency-27", "package", ("applicationDependencies",), "[{name: " + "a" * 27 + ", requires: web}]",
     "applicationDependencies[0].name"),
    ("n26-dependency-requires-26", "package", ("applicationDependencies",), "[{name: web, requires: " + "b" * 26 + "}]",
     None),
    # N40: registry, package, artifact, profile, deployment profile, namespace, applications[], artifacts[],
    # deployment requirement, extension names, endpoint serviceName
    ("n40-registry-40", "registry", ("name",), "r" * 40, None),
    ("n40-registry-41", "registry", ("name",), "r" * 41, "name"),
    ("n40-registry-trailing-dash", "registry", ("name",), "r-", None),
    ("n40-package-41", "package", ("name",), "p" * 41, "name"),
    ("n40-artifact-capital", "artifact", ("name",), "Icon", "name"),
    ("n40-profile-40", "application", ("profiles", 0, "name"), "p" * 40, None),
    ("n40-profile-41", "application", ("profiles", 0, "name"), "p" * 41, "profiles[0].name"),
    ("n40-deployment-profile-41", "package", ("deploymentProfiles", 0, "name"), "d" * 41, "deploymentProfiles[0].name"),
    ("n40-namespace-41", "package", ("namespaces", 0, "name"), "n" * 41, "namespaces[0].name"),
    ("n40-application-reference-40", "package", ("applications", 0, "name"), "a" * 40, None),  # N40, not N26
    ("n40-application-reference-41", "package", ("applications", 0, "name"), "a" * 41, "applications[0].name"),
    ("n40-artifact-reference-41", "package", ("artifacts", 0, "name"), "a" * 41, "artifacts[0].name"),
    ("n40-requirement-41", "application", ("profiles", 0, "deploymentRequirement"),
     "[{name: " + "r" * 41 + ", version: '1.0'}]", "profiles[0].deploymentRequirement[0].name"),
    ("n40-extension-41", "package", ("extensions", 0, "name"), "e" * 41, "extensions[0].name"),
    ("n40-service-name-41", "package", ("extensions", 0, "endpoints", 0, "serviceName"), "s" * 41,
     "extensions[0].endpoints[0].serviceName"),
    # V20: every version
    ("v20-20", "application", ("version",), q("1" * 20), None),
    ("v20-21", "application", ("version",), q("1" * 21), "version"),
    ("v20-v-prefix", "application", ("version",), q("v1.0.0"), None),
    ("v20-trailing-dot", "application", ("version",), q("1.0."), None),
    ("v20-plus", "application", ("version",), q("1.0.0+b1"), "version"),
    ("v20-capital", "package", ("version",), q("1.0.0-RC1"), "version"),
    ("v20-unquoted-number", "package", ("version",), "1.0", "version"),
    ("v20-unquoted-dotted", "package", ("version",), "0.0.3", None),
    ("v20-reference", "package", ("applications", 0, "version"), q("1.0.0_1"), "applications[0].version"),
    ("v20-extension", "package", ("extensions", 0, "version"), "1", "extensions[0].version"),
    # Application
    ("chart-name-empty", "application", ("chartName",), '""', "chartName"),
    ("chart-name-path", "application", ("chartName",), "charts/web-app", None),
    ("chart-name-capital", "application", ("chartName",), "Web", "chartName"),
    ("chart-name-200", "application", ("chartName",), "c" * 200, None),
    ("chart-name-201", "application", ("chartName",), "c" * 201, "chartName"),
    ("chart-version-plus", "application", ("chartVersion",), q("1.0.0+b1"), "chartVersion"),
    ("chart-version-capitals", "application", ("chartVersion",), q("1.0.0-RC1"), "chartVersion"),
    ("chart-version-v-prefix", "application", ("chartVersion",), q("v1.0.0"), None),
    ("chart-version-53", "application", ("chartVersion",), q("1" * 53), None),
    ("chart-version-54", "application", ("chartVersion",), q("1" * 54), "chartVersion"),
    ("helm-registry-required", "application", ("helmRegistry",), DELETE, "helmRegistry"),
    ("image-registry-free-string", "application", ("imageRegistry",), q("Any Registry!"), None),
    ("default-profile-free-string", "application", ("defaultProfile",), q("Not A Profile Name"), None),
    ("kind-extension", "application", ("kind",), "extension", None),
    ("kind-addon", "package", ("kind",), "addon", None),
    ("kind-unspecified", "application", ("kind",), "KIND_UNSPECIFIED", "kind"),
    ("kind-api-name", "package", ("kind",), "KIND_NORMAL", "kind"),
    ("ignored-name-dots-underscores", "application", ("ignoredResources", 0, "name"), "web.config_1", None),
    ("ignored-name-capital", "application", ("ignoredResources", 0, "name"), "Web", "ignoredResources[0].name"),
    ("ignored-kind-capital", "application", ("ignoredResources", 0, "kind"), "MutatingWebhookConfiguration", None),
    ("ignored-kind-41", "application", ("ignoredResources", 0, "kind"), "K" * 41, "ignoredResources[0].kind"),
    ("ignored-kind-required", "application", ("ignoredResources", 0, "kind"), DELETE, "ignoredResources[0].kind"),
    ("ignored-resource-open", "application", ("ignoredResources", 0, "ignore"), "true", None),
    ("profiles-unbounded", "application", ("profiles",),
     "[" + ", ".join(f"{{name: p{i}, valuesFileName: values.yaml}}" for i in range(120)) + "]", None),
    ("ignored-resources-unbounded", "application", ("ignoredResources",),
     "[" + ", ".join(f"{{name: r{i}, kind: ConfigMap}}" for i in range(120)) + "]", None),
    # Profile: open; chartValues; deploymentRequirement singular (validated) and plural (not in the schema)
    ("profile-chart-values", "application", ("profiles", 0, "chartValues"), q("a: 1"), None),
    ("profile-chart-values-number", "application", ("profiles", 0, "chartValues"), "1", "profiles[0].chartValues"),
    ("profile-values-file-name-not-in-schema", "application", ("profiles", 0, "valuesFileName"), "[a, b]", None),
    ("profile-requirement-singular", "application", ("profiles", 0, "deploymentRequirement"),
     "[{name: obs, version: '1.0', deploymentProfileName: x, publisher: intel}]", None),
    ("profile-requirement-singular-needs-version", "application", ("profiles", 0, "deploymentRequirement"),
     "[{name: obs}]", "profiles[0].deploymentRequirement[0].version"),
    ("profile-requirements-plural-not-in-schema", "application", ("profiles", 0, "deploymentRequirements"),
     "[{name: Obs, publisher: intel}]", None),
    ("profile-create-time", "application", ("profiles", 0, "createTime"), q("2024-01-01T00:00:00Z"), None),
    ("profile-display-name-41", "application", ("profiles", 0, "displayName"), "d" * 41, "profiles[0].displayName"),
    ("profile-description-1001", "application", ("profiles", 0, "description"), "d" * 1001, "profiles[0].description"),
    ("templates-unbounded", "application", ("profiles", 0, "parameterTemplates"),
     "[" + ", ".join(f"{{name: t{i}, type: string}}" for i in range(120)) + "]", None),
    # ParameterTemplate
    ("template-name-path", "application", ("profiles", 0, "parameterTemplates", 0, "name"),
     q("a-b/c_d[0].e\\f"), None),
    ("template-name-space", "application", ("profiles", 0, "parameterTemplates", 0, "name"), q("a b"),
     "profiles[0].parameterTemplates[0].name"),
    ("template-name-4097", "application", ("profiles", 0, "parameterTemplates", 0, "name"), "n" * 4097,
     "profiles[0].parameterTemplates[0].name"),
    ("template-type-capital", "application", ("profiles", 0, "parameterTemplates", 0, "type"), "String",
     "profiles[0].parameterTemplates[0].type"),
    ("template-type-empty", "application", ("profiles", 0, "parameterTemplates", 0, "type"), '""',
     "profiles[0].parameterTemplates[0].type"),
    ("template-type-number", "application", ("profiles", 0, "parameterTemplates", 0, "type"), "number", None),
    ("template-type-required", "application", ("profiles", 0, "parameterTemplates", 0, "type"), DELETE,
     "profiles[0].parameterTemplates[0].type"),
    ("template-default-unquoted", "application", ("profiles", 0, "parameterTemplates", 0, "default"), "5",
     "profiles[0].parameterTemplates[0].default"),
    ("template-default-4097", "application", ("profiles", 0, "parameterTemplates", 0, "default"), "d" * 4097,
     "profiles[0].parameterTemplates[0].default"),
    ("template-suggested-unquoted", "application", ("profiles", 0, "parameterTemplates", 0, "suggestedValues"),
     "[1]", "profiles[0].parameterTemplates[0].suggestedValues[0]"),
    ("template-suggested-empty-text", "application", ("profiles", 0, "parameterTemplates", 0, "suggestedValues"),
     '[""]', "profiles[0].parameterTemplates[0].suggestedValues[0]"),
    ("template-suggested-100", "application", ("profiles", 0, "parameterTemplates", 0, "suggestedValues"),
     "[" + ", ".join(f"v{i}" for i in range(100)) + "]", None),
    ("template-suggested-101", "application", ("profiles", 0, "parameterTemplates", 0, "suggestedValues"),
     "[" + ", ".join(f"v{i}" for i in range(101)) + "]", "profiles[0].parameterTemplates[0].suggestedValues"),
    ("template-suggested-repeated", "application", ("profiles", 0, "parameterTemplates", 0, "suggestedValues"),
     "[a, b, a]", None),
    ("template-mandatory-yes", "application", ("profiles", 0, "parameterTemplates", 0, "mandatory"), "yes",
     "profiles[0].parameterTemplates[0].mandatory"),
    ("template-display-name-100", "application", ("profiles", 0, "parameterTemplates", 0, "displayName"), "d" * 100,
     None),
    ("template-display-name-101", "application", ("profiles", 0, "parameterTemplates", 0, "displayName"), "d" * 101,
     "profiles[0].parameterTemplates[0].displayName"),
    ("template-validator-41", "application", ("profiles", 0, "parameterTemplates", 0, "validator"), "v" * 41,
     "profiles[0].parameterTemplates[0].validator"),
    ("template-open", "application", ("profiles", 0, "parameterTemplates", 0, "hidden"), "true", None),
    # Registry
    ("registry-type-lowercase", "registry", ("type",), "image", "type"),
    ("registry-type-helm", "registry", ("type",), "HELM", None),
    ("root-url-localhost", "registry", ("rootUrl",), q("oci://localhost"), None),
    ("root-url-port-path", "registry", ("rootUrl",), q("oci://localhost:5000/x"), None),
    ("root-url-userinfo", "registry", ("rootUrl",), q("oci://user@host.example"), None),
    ("root-url-trailing-slash", "registry", ("rootUrl",), q("https://registry.intel.com/repo/"), None),
    ("root-url-http-query", "registry", ("rootUrl",), q("http://r.example.com/a?b=c&d=%20"), None),
    ("root-url-capital", "registry", ("rootUrl",), q("oci://Registry.example.com"), "rootUrl"),
    ("root-url-docker", "registry", ("rootUrl",), q("docker://registry.example.com/x"), "rootUrl"),
    ("root-url-non-ascii-path", "registry", ("rootUrl",), q("oci://registry.example.com/caf\u00e9"), "rootUrl"),
    ("root-url-double-scheme", "registry", ("rootUrl",), q("https://https://registry.intel.com/repo/"), "rootUrl"),
    ("root-url-single-label", "registry", ("rootUrl",), q("oci://r"), "rootUrl"),
    ("root-url-1001", "registry", ("rootUrl",), q("oci://r.example.com/" + "x" * 981), "rootUrl"),
    ("root-url-required", "registry", ("rootUrl",), DELETE, "rootUrl"),
    ("auth-token-tab", "registry", ("authToken",), q("to\tken"), "authToken"),
    ("auth-token-newline", "registry", ("authToken",), q("token\n"), "authToken"),
    ("auth-token-zero-width-space", "registry", ("authToken",), q("to\u200bken"), "authToken"),
    ("auth-token-private-use", "registry", ("authToken",), q("to\ue000ken"), "authToken"),
    ("auth-token-unassigned", "registry", ("authToken",), q("to\u0378ken"), None),
    ("auth-token-non-ascii", "registry", ("authToken",), q("t\u00f6ken \u4e2d"), None),
    ("auth-token-line-separator", "registry", ("authToken",), q("to\u2028ken"), None),  # Zl, not category C
    ("auth-token-byte-order-mark", "registry", ("authToken",), q("\ufefftoken"), "authToken"),  # Cf
    ("auth-token-4500", "registry", ("authToken",), "t" * 4500, None),
    ("auth-token-4501", "registry", ("authToken",), "t" * 4501, "authToken"),
    ("user-name-1001", "registry", ("userName",), "u" * 1001, "userName"),
    ("user-name-format-character", "registry", ("userName",), q("ro\u00adbot"), "userName"),  # soft hyphen: Cf
    ("api-type-17", "registry", ("apiType",), "a" * 17, "apiType"),
    ("api-type-tab", "registry", ("apiType",), q("a\tb"), "apiType"),
    ("ca-certs-16384", "registry", ("caCerts",), "c" * 16384, None),
    ("ca-certs-16385", "registry", ("caCerts",), "c" * 16385, "caCerts"),
    ("inventory-url-1001", "registry", ("inventoryUrl",), "i" * 1001, "inventoryUrl"),
    ("registry-deprecated-registry-type", "registry", ("registryType",), "HELM", "registryType"),
    # Artifact
    ("mime-type-text", "artifact", ("mimeType",), "text/plain", None),
    ("mime-type-gif", "artifact", ("mimeType",), "image/gif", "mimeType"),
    ("mime-type-case", "artifact", ("mimeType",), "Image/PNG", "mimeType"),
    ("artifact-required", "artifact", ("artifact",), DELETE, "artifact"),
    ("artifact-not-base64-passes-the-schema", "artifact", ("artifact",), q("not base64!"), None),
    ("artifact-closed", "artifact", ("publisher",), "intel", "publisher"),
    # DeploymentPackage
    ("applications-empty", "package", ("applications",), "[]", None),
    ("applications-required", "package", ("applications",), DELETE, "applications"),
    ("applications-unbounded", "package", ("applications",),
     "[" + ", ".join(f"{{name: a{i}, version: '1.0'}}" for i in range(150)) + "]", None),
    ("application-reference-publisher", "package", ("applications", 0, "publisher"), "intel", None),
    ("artifacts-100", "package", ("artifacts",), "[" + ", ".join(f"{{name: a{i}, purpose: icon}}" for i in range(100)) + "]",
     None),
    ("artifacts-101", "package", ("artifacts",), "[" + ", ".join(f"{{name: a{i}, purpose: icon}}" for i in range(101)) + "]",
     "artifacts"),
    ("artifact-reference-publisher", "package", ("artifacts", 0, "publisher"), "intel", None),
    ("artifact-purpose-20", "package", ("artifacts", 0, "purpose"), "p" * 20, None),
    ("artifact-purpose-21", "package", ("artifacts", 0, "purpose"), "p" * 21, "artifacts[0].purpose"),
    ("artifact-purpose-required", "package", ("artifacts", 0, "purpose"), DELETE, "artifacts[0].purpose"),
    ("extensions-101", "package", ("extensions",),
     "[" + ", ".join(f"{{name: e{i}, version: '1'}}" for i in range(101)) + "]", "extensions"),
    ("endpoints-unbounded", "package", ("extensions", 0, "endpoints"),
     "[" + ", ".join(f"{{serviceName: s{i}, externalPath: /a, internalPath: /b, scheme: '', authType: ''}}"
                     for i in range(60)) + "]", None),
    ("endpoint-auth-type-required", "package", ("extensions", 0, "endpoints", 0, "authType"), DELETE,
     "extensions[0].endpoints[0].authType"),
    ("endpoint-auth-type-capital", "package", ("extensions", 0, "endpoints", 0, "authType"), "OAuth",
     "extensions[0].endpoints[0].authType"),
    ("endpoint-scheme-empty", "package", ("extensions", 0, "endpoints", 0, "scheme"), '""', None),
    ("endpoint-scheme-one-letter", "package", ("extensions", 0, "endpoints", 0, "scheme"), "h",
     "extensions[0].endpoints[0].scheme"),
    ("endpoint-scheme-digit-first", "package", ("extensions", 0, "endpoints", 0, "scheme"), "1http",
     "extensions[0].endpoints[0].scheme"),
    ("endpoint-internal-path-129", "package", ("extensions", 0, "endpoints", 0, "internalPath"), "/" * 129,
     "extensions[0].endpoints[0].internalPath"),
    ("endpoint-external-path-empty", "package", ("extensions", 0, "endpoints", 0, "externalPath"), '""',
     "extensions[0].endpoints[0].externalPath"),
    ("ui-extension-description-empty", "package", ("extensions", 0, "uiExtension", "description"), '""',
     "extensions[0].uiExtension.description"),
    ("ui-extension-label-41", "package", ("extensions", 0, "uiExtension", "label"), "l" * 41,
     "extensions[0].uiExtension.label"),
    ("ui-extension-module-name-required", "package", ("extensions", 0, "uiExtension", "moduleName"), DELETE,
     "extensions[0].uiExtension.moduleName"),
    ("ui-extension-file-name-41", "package", ("extensions", 0, "uiExtension", "fileName"), "f" * 41,
     "extensions[0].uiExtension.fileName"),
    ("application-profiles-closed", "package", ("deploymentProfiles", 0, "applicationProfiles", 0, "version"),
     q("1.0"), "deploymentProfiles[0].applicationProfiles[0].version"),
    ("application-profiles-profile-required", "package",
     ("deploymentProfiles", 0, "applicationProfiles", 0, "profile"), DELETE,
     "deploymentProfiles[0].applicationProfiles[0].profile"),
    ("deployment-profile-open", "package", ("deploymentProfiles", 0, "publisher"), "intel", None),
    ("deployment-profile-needs-application-profiles", "package", ("deploymentProfiles", 0, "applicationProfiles"),
     DELETE, "deploymentProfiles[0].applicationProfiles"),
    ("deployment-profiles-unbounded", "package", ("deploymentProfiles",),
     "[" + ", ".join(f"{{name: d{i}, applicationProfiles: []}}" for i in range(60)) + "]", None),
    ("namespaces-unbounded", "package", ("namespaces",), "[" + ", ".join(f"{{name: n{i}}}" for i in range(60)) + "]",
     None),
    ("namespace-label-number", "package", ("namespaces", 0, "labels", "tier"), "1", "namespaces[0].labels.tier"),
    ("default-namespaces-number", "package", ("defaultNamespaces", "web"), "1", "defaultNamespaces.web"),
    ("is-visible-yes", "package", ("isVisible",), "yes", "isVisible"),
    ("forbids-multiple-true", "package", ("forbidsMultipleDeployments",), "true", None),
    # Header and closed top levels
    ("schema-version-unquoted", "registry", ("schemaVersion",), "0.1", "schemaVersion"),
    ("schema-version-other", "registry", ("schemaVersion",), q("0.2"), "schemaVersion"),
    ("schema-url-other", "registry", ("$schema",), q("https://schema.intel.com/catalog.orchestrator/0.2/schema"),
     "$schema"),
    ("schema-url-absent", "registry", ("$schema",), DELETE, None),
    ("description-required", "registry", ("description",), DELETE, "description"),
    ("description-empty", "registry", ("description",), '""', None),
    ("description-1000", "package", ("description",), "d" * 1000, None),
    ("description-1001", "package", ("description",), "d" * 1001, "description"),
    ("display-name-40", "artifact", ("displayName",), "d" * 40, None),
    ("display-name-41", "artifact", ("displayName",), "d" * 41, "displayName"),
    ("create-time", "application", ("createTime",), q("2025-05-13T00:00:00Z"), None),
    ("update-time-not-a-string", "registry", ("updateTime",), "5", "updateTime"),
    ("top-level-closed-application", "application", ("randomProperty",), "1", "randomProperty"),
    ("top-level-closed-package", "package", ("publisher",), "intel", "publisher"),
    ("deprecated-registry-field", "application", ("registry",), "harbor-helm-oci", "registry"),
    ("deprecated-artifact-references", "package", ("artifactReferences",), "[]", "artifactReferences"),
    ("top-level-chart-values-unknown", "application", ("chartValues",), q("a: 1"), "chartValues"),
]


@pytest.mark.parametrize("base, path, raw, invalid_at", [p[1:] for p in FIELD_PROBES], ids=[p[0] for p in FIELD_PROBES])
def test_field_probe(tmp_path, base, path, raw, invalid_at):
    errors, _findings = verdict(probe_file(tmp_path, base, path, raw))
    assert errors == ([] if invalid_at is None else [invalid_at])


def test_the_probe_bases_are_valid_and_clean(tmp_path):
    for base in ("application", "registry", "package", "artifact"):
        errors, findings = verdict(PROBES / f"{base}.yaml")
        assert errors == []
        assert [f.rule for f in findings if f.rule in VALIDATOR_RULES | {"ignored-field", "api-limit"}] == [], base


def test_there_are_enough_probes():
    assert len(FIELD_PROBES) >= 150
    assert len({p[0] for p in FIELD_PROBES}) == len(FIELD_PROBES)
    assert sum(1 for p in FIELD_PROBES if p[4] is None) >= 60  # what the catalog accepts matters as much


# -- whole files: documents, yaml.v3, file selection ----------------------------------------

YAML_PROBES = sorted((PROBES / "yaml").glob("*.yaml"))
_EXPECT = re.compile(r"^# expect: (valid|invalid (.+))$")


@pytest.mark.parametrize("path", YAML_PROBES, ids=[p.stem for p in YAML_PROBES])
def test_yaml_probe(path):
    expected = _EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert expected is not None, "the first line says what to expect"
    errors, _findings = verdict(path)
    if expected.group(1) == "valid":
        assert errors == []
    else:
        assert errors == [expected.group(2)]


def test_there_are_enough_yaml_probes():
    assert len(YAML_PROBES) >= 20


def test_empty_document_message_and_position():
    errors, findings = verdict(PROBES / "yaml" / "trailing-empty-document.yaml")
    (finding,) = [f for f in findings if f.rule == "schema"]
    assert finding.message == "document 2 is empty; the catalog reads it as null, which is not a catalog object"
    assert finding.hint.startswith("remove the '---' that starts it")


@pytest.mark.parametrize("name, by_validator, by_upload", [
    ("schema-line-without-spec-schema.yaml", True, False),
    ("schema-line-in-a-comment.yaml", True, False),
    ("comments-only.yaml", True, False),
    ("spec-schema-without-schema-line.yaml", False, True),
    ("leading-document-marker.yaml", False, True),
    ("schema-line-single-quotes.yaml", None, None),  # neither reader checks it: a values file
])
def test_which_reader_checks_a_file(name, by_validator, by_upload):
    catalog = load_catalog([PROBES / "yaml" / name])
    if by_validator is None:
        assert catalog.checked_files == []
        assert catalog.files == [PROBES / "yaml" / name]
    else:
        (checked,) = catalog.checked_files
        assert (checked.path.name, checked.by_validator, checked.by_upload) == (name, by_validator, by_upload)


def test_a_file_with_only_the_schema_line_is_rejected_with_the_difference_explained():
    _errors, findings = verdict(PROBES / "yaml" / "schema-line-without-spec-schema.yaml")
    (finding,) = findings
    assert (finding.rule, finding.severity, finding.line) == ("schema", ERROR, 2)
    assert finding.message == (
        "document 1 has no specSchema; every document of a catalog file must be a catalog object (the catalog's "
        "validator checks this file because it holds the catalog's $schema line; the upload would skip it)")


def test_the_validator_takes_only_yaml_files_from_folders(tmp_path):
    line = '$schema: "https://schema.intel.com/catalog.orchestrator/0.1/schema"\n'
    for name in ("a.yaml", "b.yml", "c.YAML"):
        (tmp_path / name).write_text(line + "replicas: 1\n", encoding="utf-8")
    catalog = load_catalog([tmp_path])
    assert [(c.path.name, c.by_validator) for c in catalog.checked_files] == [("a.yaml", True)]
    # a file named explicitly is taken whatever its suffix
    catalog = load_catalog([tmp_path / "b.yml"])
    assert [(c.path.name, c.by_validator) for c in catalog.checked_files] == [("b.yml", True)]
    # a specSchema document makes the upload check a .yml file found in a folder
    (tmp_path / "b.yml").write_text((PROBES / "yaml" / "leading-document-marker.yaml").read_text(), encoding="utf-8")
    catalog = load_catalog([tmp_path])
    assert [(c.path.name, c.by_validator, c.by_upload) for c in catalog.checked_files] == [
        ("a.yaml", True, False), ("b.yml", False, True)]


# -- warnings that do not change the verdict ----------------------------------------------


_FILE_RULES = VALIDATOR_RULES | {"ignored-field", "api-limit"}


def _rules(findings: List[Any], severity: str = WARNING) -> List[Tuple[str, str]]:
    """(rule, field path) of the findings about the file itself (not its references to other objects)."""
    return [(f.rule, format_path(f.path)) for f in _own(findings) if f.severity == severity]


def _own(findings: List[Any]) -> List[Any]:
    return [f for f in findings if f.rule in _FILE_RULES]


def test_publisher_and_unknown_keys_of_open_objects_are_ignored_field_warnings(tmp_path):
    path = probe_file(tmp_path, "package", ("artifacts", 0, "publisher"), "intel")
    errors, findings = verdict(path)
    assert errors == [] and _rules(findings) == [("ignored-field", "artifacts[0].publisher")]
    assert _own(findings)[0].message.startswith(
        "publisher in DeploymentPackage artifacts[0] is accepted (the object is open)")
    path = probe_file(tmp_path, "application", ("profiles", 0, "parameterTemplate"), "[{name: a, type: string}]")
    errors, findings = verdict(path)
    assert errors == [] and _rules(findings) == [("ignored-field", "profiles[0].parameterTemplate")]
    assert _own(findings)[0].hint == "did you mean 'parameterTemplates'?"


def test_singular_deployment_requirement_validates_but_is_ignored(tmp_path):
    path = probe_file(tmp_path, "application", ("profiles", 0, "deploymentRequirement"), "[{name: obs, version: '1'}]")
    errors, findings = verdict(path)
    assert errors == [] and _rules(findings) == [("ignored-field", "profiles[0].deploymentRequirement")]
    catalog = load_catalog([path])
    assert catalog.application("web").default_profile.deployment_requirements == ()


def test_repeated_suggested_values_are_an_api_limit_warning(tmp_path):
    path = probe_file(tmp_path, "application", ("profiles", 0, "parameterTemplates", 0, "suggestedValues"),
                      "[a, b, a, b]")
    errors, findings = verdict(path)
    assert errors == []
    assert _rules(findings) == [
        ("api-limit", "profiles[0].parameterTemplates[0].suggestedValues[2]"),
        ("api-limit", "profiles[0].parameterTemplates[0].suggestedValues[3]"),
    ]
    assert _own(findings)[0].message == ("suggestedValues[2] repeats suggestedValues[0]; the catalog's API wants "
                                         "suggestedValues unique")


@pytest.mark.parametrize("base, path, raw, where", [
    ("application", ("displayName",), q("Web\u200b"), "displayName"),
    ("application", ("profiles", 0, "displayName"), q("a\tb"), "profiles[0].displayName"),
    ("application", ("profiles", 0, "parameterTemplates", 0, "displayName"), q("\ue000"),
     "profiles[0].parameterTemplates[0].displayName"),
    ("package", ("deploymentProfiles", 0, "displayName"), q("x\ufeff"), "deploymentProfiles[0].displayName"),
    ("package", ("artifacts", 0, "purpose"), q("ic\u00adon"), "artifacts[0].purpose"),
    ("package", ("extensions", 0, "uiExtension", "label"), q("L\x7f"), "extensions[0].uiExtension.label"),
    ("application", ("profiles", 0, "deploymentRequirements"), "[{name: Obs, version: '1.0'}]",
     "profiles[0].deploymentRequirements[0].name"),
    ("application", ("profiles", 0, "deploymentRequirements"), "[{name: obs}]",
     "profiles[0].deploymentRequirements[0].version"),
    ("artifact", ("artifact",), q("AAA="), "artifact"),  # 2 bytes: the API wants at least 4
])
def test_api_only_limits_are_warnings(tmp_path, base, path, raw, where):
    errors, findings = verdict(probe_file(tmp_path, base, path, raw))
    assert errors == []
    assert _rules(findings) == [("api-limit", where)]


def test_display_name_with_a_category_c_character(tmp_path):
    path = probe_file(tmp_path, "application", ("displayName",), q("Web\u200b"))
    _errors, findings = verdict(path)
    (finding,) = [f for f in findings if f.rule == "api-limit"]
    assert finding.message == ("displayName holds U+200B at character 4; the catalog's API wants no control, format, "
                               "private-use or surrogate characters there (^\\PC*$)")
    assert "the upload accepts it" in finding.hint


# -- the four platform registries (tenant controller) -------------------------------------

REGISTRY_FILES = Path(__file__).resolve().parent / "data" / "catalog" / "registries.yaml"  # harbor-* only


def _registry_rows(path: Path, registry_files: Tuple[Path, ...] = ()) -> List[Tuple[str, str, str]]:
    findings = check_catalog(load_catalog([path], registry_files=list(registry_files)))
    return [(f.rule, f.severity, format_path(f.path)) for f in findings
            if f.rule in ("unknown-registry", "registry-type")]


def test_platform_registries_are_the_four_every_project_has():
    assert dict(PLATFORM_REGISTRIES) == {"harbor-helm-oci": "HELM", "harbor-docker-oci": "IMAGE",
                                         "intel-rs-helm": "HELM", "intel-rs-images": "IMAGE"}
    with pytest.raises(TypeError):
        PLATFORM_REGISTRIES["mine"] = "HELM"  # type: ignore[index]  # read-only: no global mutable state


@pytest.mark.parametrize("helm, image", [("harbor-helm-oci", "harbor-docker-oci"), ("intel-rs-helm", "intel-rs-images")])
def test_a_platform_registry_reference_is_a_warning_with_or_without_registry_files(tmp_path, helm, image):
    path = probe_file(tmp_path, "application", ("helmRegistry",), helm)
    text = path.read_text().replace("imageRegistry: harbor-docker-oci", f"imageRegistry: {image}")
    path.write_text(text)
    expected = [] if helm.startswith("harbor") else [("unknown-registry", WARNING, "helmRegistry"),
                                                     ("unknown-registry", WARNING, "imageRegistry")]
    # registry files given: the harbor-* ones are read from them, the intel-rs-* ones are still known to exist
    assert _registry_rows(path, (REGISTRY_FILES,)) == expected
    findings = check_catalog(load_catalog([path]))
    warnings = [f for f in findings if f.rule == "unknown-registry"]
    assert [(f.severity, format_path(f.path)) for f in warnings] == [(WARNING, "helmRegistry"),
                                                                     (WARNING, "imageRegistry")]
    assert warnings[0].message == (f"helmRegistry {helm!r} is not defined by the files read; it is the HELM registry "
                                   "every Edge Orchestrator project has")
    assert warnings[0].hint.startswith("every Edge Orchestrator project has this registry")


@pytest.mark.parametrize("field, name, message", [
    ("helmRegistry", "intel-rs-images", "helmRegistry 'intel-rs-images' is the IMAGE registry every Edge "
                                        "Orchestrator project has; helmRegistry needs one of type HELM"),
    ("imageRegistry", "harbor-helm-oci", None),  # read from the registry files: the usual message
    ("imageRegistry", "intel-rs-helm", "imageRegistry 'intel-rs-helm' is the HELM registry every Edge "
                                       "Orchestrator project has; imageRegistry needs one of type IMAGE"),
])
def test_a_platform_registry_of_the_wrong_type_is_an_error_without_its_file(tmp_path, field, name, message):
    path = probe_file(tmp_path, "application", (field,), name)
    findings = [f for f in check_catalog(load_catalog([path], registry_files=[REGISTRY_FILES]))
                if f.rule == "registry-type"]
    assert [(f.severity, format_path(f.path)) for f in findings] == [(ERROR, field)]
    if message is not None:
        assert findings[0].message == message
        wanted = "harbor-helm-oci or intel-rs-helm" if field == "helmRegistry" else "harbor-docker-oci or intel-rs-images"
        assert findings[0].hint.endswith(wanted)


def test_hints_name_the_platform_registries(tmp_path):
    path = probe_file(tmp_path, "application", ("helmRegistry",), "my-charts")
    (warning,) = [f for f in check_catalog(load_catalog([path])) if format_path(f.path) == "helmRegistry"]
    assert (warning.rule, warning.severity) == ("unknown-registry", WARNING)
    assert warning.hint.endswith("(every project also has harbor-helm-oci or intel-rs-helm (HELM))")
    (error,) = [f for f in check_catalog(load_catalog([path], registry_files=[REGISTRY_FILES]))
                if format_path(f.path) == "helmRegistry"]
    assert (error.rule, error.severity) == ("unknown-registry", ERROR)
    assert error.hint == ("registries read: harbor-docker-oci, harbor-helm-oci; "
                          "every project also has harbor-helm-oci or intel-rs-helm (HELM)")
    path = probe_file(tmp_path, "application", ("helmRegistry",), "intel-rs-hlm")
    (close,) = [f for f in check_catalog(load_catalog([path], registry_files=[REGISTRY_FILES]))
                if format_path(f.path) == "helmRegistry"]
    assert close.hint == "did you mean 'intel-rs-helm'?"


# -- Artifact content: the upload decodes it with Go's base64.StdEncoding -----------------------------

@pytest.mark.parametrize("raw, size", [
    (q("QUJDRA=="), 4), (q("QUJDREVG"), 6), (q("QUJD\nREVG"), 6), ("|\n  QUJD\n  REVG\n", 6),
    (q("QUJDRB=="), 4),  # non-zero trailing bits: Go's StdEncoding is not Strict
    (q("QUJDRE=\n="), 5),  # line breaks are skipped anywhere, padding included
])
def test_artifact_base64_the_upload_decodes(tmp_path, raw, size):
    _errors, findings = verdict(probe_file(tmp_path, "artifact", ("artifact",), raw))
    assert [f for f in findings if f.rule in ("artifact-base64", "api-limit")] == []


@pytest.mark.parametrize("raw, why", [
    (q("not base64!"), "' ' is not a base64 character"),
    (q("QUJD-_"), "'-' is not a base64 character"),  # URL-safe alphabet
    (q("QUJDRA"), "not whole groups of four"),  # padding left out
    (q("QUJDRA="), "not whole groups of four"),
    (q("QUJDREVG="), "not whole groups of four"),  # padding after a whole group: Go refuses, Python's decoder not
    (q("QQ==QUJD"), "not whole groups of four"),  # data after the padding
    (q("===="), "not whole groups of four"),
])
def test_artifact_that_is_not_base64_is_an_error(tmp_path, raw, why):
    path = probe_file(tmp_path, "artifact", ("artifact",), raw)
    errors, findings = verdict(path)
    assert errors == []  # the validator accepts the file: only the upload decodes the content
    (finding,) = [f for f in findings if f.rule == "artifact-base64"]
    assert finding.severity == ERROR and finding.path == ("artifact",) and finding.line is not None
    assert why in finding.message and "the catalog's upload refuses the file" in finding.message
    assert not [f for f in findings if f.rule == "api-limit"]
