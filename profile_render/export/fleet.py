"""Fleet bundles as the reference orchestrator lays them out for a deployment (``export fleet``).

One folder per application (ADM's ``GenerateFleetConfigs``): ``fleet.yaml``
(bundle name ``b-…``, labels, ``defaultNamespace``, ``helm`` with the
release name, chart, repo, version and ``valuesFiles`` in the order
``profile.yaml``, ``overrides.yaml``, ``fleet-globals.yaml``, the
``kustomize`` folder, ``dependsOn``, ``diff``), the three values files, and
``kustomize/`` with the two allow-all NetworkPolicies ADM adds and the
generated objects that go with the chart. With a pre-install Secret, it
goes alone into ``secret-dir/`` with its own ``fleet.yaml`` (bundle
``pre-install-secret-<bundle>``), which the main bundle depends on.

Where we differ (docs/export.md): ``profile.yaml`` holds our resolved
values as YAML, not the Profile's text with placeholders replaced;
Secrets are ordinary manifests with base64 ``data`` (ADM's secretGenerator
literals and yaml.v2 byte lists carry the same content); the bundles of
``namespaces`` (random names) and the ``deployment-id`` label (the
Deployment's UID) are not written.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Sequence, Union

from profile_render.emit import to_yaml
from profile_render.export.model import ApplicationExport, ExportError
from profile_render.export.writer import ExportFile, write_export

__all__ = ["fleet_files", "export_fleet", "PRE_INSTALL_PREFIX", "SECRET_DIR"]

#: The pre-install Secret bundle is named this plus the main bundle's name.
PRE_INSTALL_PREFIX = "pre-install-secret-"
#: The folder of the pre-install Secret bundle inside the application's folder (ADM's name).
SECRET_DIR = "secret-dir"
VALUES_FILES = ("profile.yaml", "overrides.yaml", "fleet-globals.yaml")

_LABEL_PREFIX = "app.edge-orchestrator.intel.com/"

#: ADM's diff settings per ignored kind: the apiVersion it matches and the operations that ignore the drift.
_IGNORE_DATA = ({"op": "ignore"}, {"op": "remove", "path": "/metadata"}, {"op": "remove", "path": "/data"})
_IGNORE_WEBHOOKS = ({"op": "ignore"}, {"op": "remove", "path": "/webhooks"})
_IGNORE_SPEC = ({"op": "ignore"}, {"op": "remove", "path": "/spec"})
_IGNORED_KINDS: Dict[str, Any] = {  # kind -> (apiVersion, operations, namespaced)
    "ConfigMap": ("v1", _IGNORE_DATA, True),
    "Secret": ("v1", _IGNORE_DATA, True),
    "ValidatingWebhookConfiguration": ("admissionregistration.k8s.io/v1", _IGNORE_WEBHOOKS, False),
    "MutatingWebhookConfiguration": ("admissionregistration.k8s.io/v1", _IGNORE_WEBHOOKS, False),
    "CustomResourceDefinition": ("apiextensions.k8s.io/v1", _IGNORE_SPEC, False),
    "EnvoyFilter": ("networking.istio.io/v1beta1", _IGNORE_SPEC, True),
    "Deployment": ("apps/v1", _IGNORE_SPEC, True),
    "Job": ("batch/v1", _IGNORE_SPEC, True),
}


def compare_patches(app: ApplicationExport) -> List[Dict[str, Any]]:
    """The ``diff.comparePatches`` ADM writes for an application's ignored resources (kinds it does not know fail)."""
    patches = []
    for resource in app.ignored_resources:
        kind, name, namespace = resource.get("kind"), resource.get("name"), resource.get("namespace")
        if kind not in _IGNORED_KINDS:
            raise ExportError(f"application {app.name!r}: kind {kind!r} is not supported in diff configuration",
                              hint="ignore only " + ", ".join(_IGNORED_KINDS))
        api_version, operations, namespaced = _IGNORED_KINDS[kind]
        if namespace and not namespaced:
            raise ExportError(f"application {app.name!r}: namespace is not supported for {kind} kind in diff "
                              "configuration", hint="leave out the namespace of this ignored resource")
        patch: Dict[str, Any] = {"kind": kind, "apiVersion": api_version, "name": name}
        if namespaced:
            patch["namespace"] = namespace or app.namespace
        patch["operations"] = [dict(op) for op in operations]
        patches.append(patch)
    return patches


def bundle_config(app: ApplicationExport, depends_on: Sequence[str]) -> Dict[str, Any]:
    """The main bundle's ``fleet.yaml`` content (ADM's ``newFleetConfig`` plus what ``GenerateFleetConfigs`` adds)."""
    labels = {_LABEL_PREFIX + "app-name": app.name, _LABEL_PREFIX + "bundle-type": "app"}
    if app.deployment_generation is not None:
        labels["deploymentGeneration"] = str(app.deployment_generation)
    values_files = list(VALUES_FILES if app.fleet_globals_text is not None else VALUES_FILES[:2])
    return {
        "name": app.bundle,
        "labels": labels,
        "defaultNamespace": app.namespace,
        "deleteCRDResources": False,
        "helm": {"releaseName": app.bundle, "repo": app.chart.repo, "chart": app.chart.chart,
                 "version": app.chart.version, "valuesFiles": values_files},
        "kustomize": {"dir": "./kustomize"},
        "dependsOn": [{"name": name} for name in depends_on],
        "diff": {"comparePatches": compare_patches(app)} if app.ignored_resources else {},
    }


def network_policies(app: ApplicationExport) -> Dict[str, Dict[str, Any]]:
    """The two allow-all NetworkPolicies ADM puts in every bundle's kustomize folder, by file name."""
    stem = f"{app.name}-{app.app_version}-{app.deployment_name.replace('deployment-', '')}"
    out = {}
    for direction, key in (("ingress", "Ingress"), ("egress", "Egress")):
        out[f"network-policy-{direction}.yaml"] = {
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": f"{stem}-{direction}"},
            "spec": {"podSelector": {}, direction: [{}], "policyTypes": [key]}}
    return out


def _object_file(obj: Mapping[str, Any]) -> ExportFile:
    """A generated object as a file: a Secret is readable by its owner only."""
    return ExportFile(to_yaml(dict(obj)), secret=obj.get("kind") == "Secret")


def _object_name(obj: Mapping[str, Any]) -> str:
    """The file name of a generated object: ADM's name for the pull Secret, else ``<kind>-<name>.yaml``."""
    if obj.get("kind") == "Secret":
        return "image-reg-secret.yaml"
    metadata = obj.get("metadata") or {}
    return f"{str(obj.get('kind', 'object')).lower()}-{metadata.get('name', 'unnamed')}.yaml"


def application_files(app: ApplicationExport) -> Dict[str, ExportFile]:
    """The files of one application's folder (names relative to it)."""
    files: Dict[str, ExportFile] = {
        "profile.yaml": ExportFile(to_yaml(app.profile_values)),
        # The reference hands the real value of a secret parameter to Fleet here: owner-only then.
        "overrides.yaml": ExportFile(to_yaml(app.override_values), secret=app.holds_secret_values),
    }
    if app.fleet_globals_text is not None:
        files["fleet-globals.yaml"] = ExportFile(app.fleet_globals_text)
    resources = []
    for file_name, policy in network_policies(app).items():
        files[f"kustomize/{file_name}"] = ExportFile(to_yaml(policy))
        resources.append(file_name)
    for obj in app.manifests:
        file_name = _object_name(obj)
        if f"kustomize/{file_name}" in files:
            raise ExportError(f"application {app.name!r} generates two objects written as {file_name!r}")
        files[f"kustomize/{file_name}"] = _object_file(obj)
        resources.append(file_name)
    files["kustomize/kustomization.yaml"] = ExportFile(to_yaml(
        {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources}))
    depends_on = list(app.depends_on)
    if app.pre_install_manifests:
        secret_bundle = PRE_INSTALL_PREFIX + app.bundle
        files[f"{SECRET_DIR}/fleet.yaml"] = ExportFile(to_yaml(
            {"name": secret_bundle, "defaultNamespace": app.namespace}))
        for obj in app.pre_install_manifests:
            files[f"{SECRET_DIR}/{_object_name(obj)}"] = _object_file(obj)
        depends_on.append(secret_bundle)
    files["fleet.yaml"] = ExportFile(to_yaml(bundle_config(app, depends_on)))
    return files


def fleet_files(apps: Sequence[ApplicationExport]) -> Dict[str, ExportFile]:
    """Every file of a Fleet export, one folder per application (``<app>/fleet.yaml`` ...)."""
    files: Dict[str, ExportFile] = {}
    for app in apps:
        for name, item in application_files(app).items():
            files[f"{app.name}/{name}"] = item
    return files


def export_fleet(apps: Sequence[ApplicationExport], directory: Union[str, "os.PathLike[str]"], *,
                 force: bool = False) -> List[str]:
    """Write the Fleet bundles of ``apps`` as ``directory`` (all or nothing); the relative file names written."""
    return sorted(write_export(directory, fleet_files(apps), force=force))
