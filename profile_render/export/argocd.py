"""Argo CD Applications for a deployment's applications, with the generated objects beside them (``export argocd``).

Per application, ``<app>/application.yaml`` is an ``argoproj.io/v1alpha1``
``Application``: the chart (for an OCI registry ``repoURL`` is the
registry path without ``oci://``, as Argo CD names Helm OCI repositories,
and ``chart`` the chart's name), the release name the orchestrator uses
(the bundle name), ``helm.valuesObject`` holding the Profile, overrides
and fleet globals merged as Fleet merges its values files, and the
destination namespace. The generated objects (pull Secret, registry-CA
ConfigMap) are their own manifests in the same folder, with sync waves:
the pre-install Secret before everything (-2), the chart's objects before
the Application (-1), the Application after the applications it requires
(its dependency depth). Applied as one app-of-apps (``directory.recurse``),
the waves order them as the Fleet bundles' ``dependsOn`` does.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from profile_render.emit import to_yaml
from profile_render.export.model import ApplicationExport, ChartReference, ExportError
from profile_render.export.writer import ExportFile, write_export

__all__ = ["argocd_files", "export_argocd", "application_manifest", "DEFAULT_SERVER", "SYNC_WAVE"]

DEFAULT_SERVER = "https://kubernetes.default.svc"
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
PRE_INSTALL_WAVE, OBJECTS_WAVE = -2, -1


def argocd_source(chart: ChartReference) -> Dict[str, str]:
    """``spec.source``'s chart fields: an OCI chart as Argo CD's Helm OCI repository (host/path, no scheme) and name."""
    if chart.is_oci:
        location, _, name = chart.chart[len("oci://"):].rpartition("/")
        if not location or not name:
            raise ExportError(f"the OCI chart reference {chart.chart!r} has no registry path and chart name",
                              hint="the Helm registry's rootUrl must be oci://HOST[/PATH]")
        return {"repoURL": location, "chart": name, "targetRevision": chart.version}
    return {"repoURL": chart.repo, "chart": chart.chart, "targetRevision": chart.version}


def _waves(apps: Sequence[ApplicationExport]) -> Dict[str, int]:
    """Each application's sync wave: 0 without dependencies, else one more than the deepest it requires."""
    by_bundle = {app.bundle: app for app in apps}
    waves: Dict[str, int] = {}

    def wave(app: ApplicationExport, seen: frozenset) -> int:
        if app.bundle in waves:
            return waves[app.bundle]
        if app.bundle in seen:
            raise ExportError(f"application {app.name!r} depends on itself through its dependencies",
                              hint="remove the cycle from applicationDependencies")
        needed = [by_bundle[b] for b in app.depends_on if b in by_bundle]
        waves[app.bundle] = max((wave(n, seen | {app.bundle}) + 1 for n in needed), default=0)
        return waves[app.bundle]

    for app in apps:
        wave(app, frozenset())
    return {app.name: waves[app.bundle] for app in apps}


def application_manifest(app: ApplicationExport, *, wave: int = 0, server: str = DEFAULT_SERVER,
                         project: str = "default", argocd_namespace: str = "argocd") -> Dict[str, Any]:
    """The Argo CD ``Application`` of one application (the merged user values in ``helm.valuesObject``)."""
    helm: Dict[str, Any] = {"releaseName": app.bundle, "valuesObject": app.user_values()}
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": app.bundle, "namespace": argocd_namespace,
                     "labels": {"app.kubernetes.io/name": app.name},
                     "annotations": {SYNC_WAVE: str(wave)}},
        "spec": {
            "project": project,
            "source": {**argocd_source(app.chart), "helm": helm},
            "destination": {"server": server, "namespace": app.namespace},
            "syncPolicy": {"syncOptions": ["CreateNamespace=true"]},
        },
    }


def _with_wave(obj: Mapping[str, Any], wave: int) -> Dict[str, Any]:
    """A copy of a generated object with its sync-wave annotation."""
    out = dict(obj)
    metadata = dict(out.get("metadata") or {})
    metadata["annotations"] = {**(metadata.get("annotations") or {}), SYNC_WAVE: str(wave)}
    out["metadata"] = metadata
    return out


def _object_file_name(obj: Mapping[str, Any], pre_install: bool) -> str:
    """``<kind>-<name>.yaml``, prefixed ``pre-install-`` for the objects that must exist before the chart."""
    name = (obj.get("metadata") or {}).get("name", "unnamed")
    return f"{'pre-install-' if pre_install else ''}{str(obj.get('kind', 'object')).lower()}-{name}.yaml"


def argocd_files(apps: Sequence[ApplicationExport], *, server: str = DEFAULT_SERVER, project: str = "default",
                 argocd_namespace: str = "argocd") -> Dict[str, ExportFile]:
    """Every file of an Argo CD export: ``<app>/application.yaml`` and the generated objects beside it."""
    waves = _waves(apps)
    files: Dict[str, ExportFile] = {}
    for app in apps:
        manifest = application_manifest(app, wave=waves[app.name], server=server, project=project,
                                        argocd_namespace=argocd_namespace)
        # The values hold a secret parameter's real value when it has one: owner-only then.
        files[f"{app.name}/application.yaml"] = ExportFile(to_yaml(manifest), secret=app.holds_secret_values)
        for objects, pre_install, wave in ((app.pre_install_manifests, True, PRE_INSTALL_WAVE),
                                           (app.manifests, False, OBJECTS_WAVE)):
            for obj in objects:
                name = f"{app.name}/{_object_file_name(obj, pre_install)}"
                if name in files:
                    raise ExportError(f"application {app.name!r} generates two objects written as {name!r}")
                files[name] = ExportFile(to_yaml(_with_wave(obj, wave)), secret=obj.get("kind") == "Secret")
    return files


def export_argocd(apps: Sequence[ApplicationExport], directory: Union[str, "os.PathLike[str]"], *,
                  force: bool = False, server: str = DEFAULT_SERVER, project: str = "default",
                  argocd_namespace: Optional[str] = None) -> List[str]:
    """Write the Argo CD export of ``apps`` as ``directory`` (all or nothing); the relative file names written."""
    files = argocd_files(apps, server=server, project=project, argocd_namespace=argocd_namespace or "argocd")
    return sorted(write_export(directory, files, force=force))
