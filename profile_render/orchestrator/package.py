"""Render a whole deployment package: every application with its Profile, registry and parameters.

The package decides everything a single ``render`` is otherwise told, as the
reference (contract, "Which profile and namespace an application gets") does:
which applications (with their versions); which profile each uses (the
deployment profile's ``applicationProfiles``; an application it does not list,
or maps to a profile the application lacks, gets empty profile values and no
parameter templates, not its own default profile; a package without deployment
profiles gets the synthetic ``implicit-default``); their namespaces
(``defaultNamespaces``, else the deployment's name); the generated Secret's
name (with the deployment package's version when redeploy-after-update is on);
and their image registries (the Registry objects, from the package or given
separately). Charts come from the caller, as local directories or archives:
nothing is downloaded.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.orchestrator.catalog import ApplicationSpec, Catalog, DeploymentPackageSpec, DeploymentProfileSpec, check_catalog, load_catalog
from profile_render.orchestrator.catalog.load import PackageInput, read_profile_values
from profile_render.orchestrator.credentials import bundle_name
from profile_render.orchestrator.fleet_globals import (
    NEW_DEPLOYMENT_GENERATION,
    check_cluster_labels,
    check_deployment_generation,
)
from profile_render.errors import ProfileRenderError
from profile_render.findings import ERROR, Finding
from profile_render.orchestrator.model import MASK, DeploymentContext, ImageRegistry
from profile_render.orchestrator.params import ParameterTemplate
from profile_render.helm.chart import ArchiveLimits, Chart, load_chart
from profile_render.rendering import RenderResult, render
from profile_render.tree import walk

__all__ = ["PackageError", "PackageRender", "render_package", "parameter_templates_of", "implicit_default_profile",
           "IMPLICIT_DEFAULT"]

#: The name of the deployment profile the catalog serves for a package that has none.
IMPLICIT_DEFAULT = "implicit-default"

PathLike = Union[str, "os.PathLike[str]"]


class PackageError(ProfileRenderError):
    """A deployment package cannot be rendered (catalog errors, a missing chart, an unknown name).

    >>> package = PackageFiles.from_mapping({"package.yaml": {
    ...     "specSchema": "DeploymentPackage", "schemaVersion": "0.1", "name": "demo", "version": "1.0.0",
    ...     "applications": [{"name": "web", "version": "1.0.0"}]}})
    >>> try:
    ...     render_package(package, charts={}, deployment_name="deployment-abc12")
    ... except PackageError as error:
    ...     print(error.problem, [finding.rule for finding in error.findings])
    the deployment package has 2 error(s) ['schema', 'unknown-application']
    """

    def __init__(self, problem: str, *, findings: Sequence[Finding] = (), hint: Optional[str] = None,
                 source: Optional[str] = None) -> None:
        self.findings: Tuple[Finding, ...] = tuple(findings)
        super().__init__(problem, hint=hint, source=source)

    def _extra_dict(self) -> Dict[str, Any]:
        """The catalog findings behind the error, each in the diagnostics' JSON form."""
        return {"findings": [f.to_dict() for f in self.findings]}

    def _render(self) -> str:
        text = super()._render()
        if self.findings:
            text += "\n" + "\n".join(f"  {f}" for f in self.findings)
        return text


class UnknownApplicationError(PackageError):
    """An application named by the caller (a chart, a selection, parameters) is not part of the package.

    ``application`` is the name given, ``argument`` which input named it
    (``charts``, ``applications`` or ``parameters``), ``known`` the package's
    applications.

    >>> try:
    ...     render_package(Path("examples/edge-package"), charts={"web": Path("examples/hello-chart")},
    ...                    deployment_name="deployment-abc12")
    ... except UnknownApplicationError as error:
    ...     print(error.application, error.known)
    web ['web-app', 'vm-ephemeral', 'vm-pv']
    """

    def __init__(self, application: str, argument: str, package: str, known: Sequence[str]) -> None:
        import difflib

        self.application, self.argument, self.known = application, argument, list(known)
        meant = difflib.get_close_matches(application, self.known, n=1, cutoff=0.6)
        problem = f"application {application!r} is not part of package {package!r}"
        if meant:
            problem += f" (did you mean {meant[0]!r}?)"
        super().__init__(problem, hint="its applications are: " + ", ".join(self.known))


@dataclass
class PackageRender:
    """The rendered applications of one deployment profile of a package.

    >>> folder = Path("examples/edge-package")
    >>> charts = {name: folder / "charts" / name for name in ("web-app", "vm-ephemeral", "vm-pv")}
    >>> result = render_package(folder, charts=charts, deployment_name="deployment-abc12", org="acme", project="edge")
    >>> summary = result.to_dict(masked=True)
    >>> summary["package"], summary["deploymentProfile"], list(summary["applications"])
    ('edge-demo', 'default', ['web-app', 'vm-ephemeral', 'vm-pv'])
    """

    package: DeploymentPackageSpec
    deployment_profile: Optional[DeploymentProfileSpec]
    applications: Dict[str, RenderResult] = field(default_factory=dict)
    findings: List[Finding] = field(default_factory=list)
    profiles: Dict[str, Optional[str]] = field(default_factory=dict)  # app → profile deployed (None: empty values)
    namespaces: Dict[str, str] = field(default_factory=dict)  # app → namespace
    # The fleet-globals.yaml layer's inputs ({"deploymentGeneration", "clusterLabels"}); None: layer left out.
    fleet_globals: Optional[Dict[str, Any]] = None
    # The catalog read, for what a render does not hold (charts' registries, dependencies): export uses it.
    catalog: Optional[Catalog] = field(default=None, repr=False, compare=False)

    def _application(self, name: str, masked: bool) -> Dict[str, Any]:
        result = self.applications[name]
        out = result.masked() if masked else {**result.to_dict(), "values": result.masked_values()}
        parameters: Dict[str, Any] = {}
        for path, template in result.parameters.items():
            found, value = walk(result.values, path)
            if found:
                parameters[template.name] = MASK if template.secret else value
        head = {"namespace": self.namespaces.get(name), "profile": self.profiles.get(name),
                "secretName": result.secret_name, "parameters": parameters}
        return {**head, **{k: v for k, v in out.items() if k not in head}}

    def to_dict(self, *, masked: bool = False) -> Dict[str, Any]:
        """The ``-o json`` form: what the orchestrator decides, per application.

        ``{"package", "version", "deploymentProfile", "applications": {name: {"namespace", "profile"
        (None: empty profile values), "secretName", "parameters" (by template name; secret ones always
        masked), "values" (secret parameters masked), "manifests", "preInstallManifests", "warnings"}}}``;
        ``masked`` also masks the generated Secrets' data (see :meth:`RenderResult.masked`).
        With the fleet-globals layer, ``"fleetGlobals": {"deploymentGeneration", "clusterLabels"
        (the target cluster's labels given, or None)}`` follows ``deploymentProfile``.

        >>> folder = Path("examples/edge-package")
        >>> result = render_package(folder, charts={"web-app": folder / "charts" / "web-app"}, applications=["web-app"],
        ...                         deployment_name="deployment-abc12", org="acme", project="edge")
        >>> application = result.to_dict(masked=True)["applications"]["web-app"]
        >>> application["namespace"], application["secretName"]
        ('edge-web', 'b-593cde0e-52d6-51')
        """
        out: Dict[str, Any] = {
            "package": self.package.name,
            "version": self.package.version,
            "deploymentProfile": self.deployment_profile.name if self.deployment_profile is not None else None,
        }
        if self.fleet_globals is not None:
            out["fleetGlobals"] = self.fleet_globals
        out["applications"] = {name: self._application(name, masked) for name in self.applications}
        return out

    def masked(self) -> Dict[str, Any]:
        """The same with every secret masked."""
        return self.to_dict(masked=True)


def parameter_templates_of(profile: Any) -> List[ParameterTemplate]:
    """The catalog profile's parameter templates as :class:`ParameterTemplate` objects."""
    out = []
    for spec in getattr(profile, "parameter_templates", ()) or ():
        out.append(ParameterTemplate(
            name=spec.name or "", type=spec.type or "string", display_name=spec.display_name,
            default=spec.default, suggested_values=tuple(spec.suggested_values or ()),
            mandatory=bool(spec.mandatory), secret=bool(spec.secret), validator=spec.validator,
            source=spec.source, line=spec.line, column=spec.column))
    return out


def implicit_default_profile(catalog: Catalog, package: DeploymentPackageSpec) -> DeploymentProfileSpec:
    """The synthetic deployment profile the catalog serves for a package without deployment profiles.

    ``implicit-default`` ("Implicit Default") maps each application that has a
    default profile to it; being the only profile, it is the default.
    """
    mapping: Dict[str, str] = {}
    for name, version in package.applications:
        app = catalog.application(name, version) if name else None
        profile = app.default_profile if app is not None else None
        if name and profile is not None and profile.name:
            mapping[name] = str(profile.name)
    return DeploymentProfileSpec(name=IMPLICIT_DEFAULT, display_name="Implicit Default",
                                 application_profiles=mapping, source=package.source)


def _choose_deployment_profile(catalog: Catalog, package: DeploymentPackageSpec,
                               name: Optional[str]) -> DeploymentProfileSpec:
    """The deployment profile named (else the package's default), as the reference picks it."""
    profiles = list(package.deployment_profiles) or [implicit_default_profile(catalog, package)]
    wanted = name if name is not None else (package.default_profile_name if package.deployment_profiles else None)
    if wanted is None:
        chosen: Optional[DeploymentProfileSpec] = profiles[0]
    else:
        chosen = next((p for p in profiles if p.name == wanted), None)
    if chosen is None or not chosen.application_profiles:
        names = ", ".join(str(p.name) for p in profiles) or "none"
        what = "has no application entries" if chosen is not None else "does not exist"
        raise PackageError(f"package {package.name!r} has no deployment profile {wanted!r} to deploy ({what}); "
                           f"the Edge Orchestrator fails with 'deployment Profile {wanted} not found'",
                           hint=f"deployment profiles: {names}")
    return chosen


def _pick_package(catalog: Catalog, name: Optional[str]) -> DeploymentPackageSpec:
    packages = catalog.packages
    if name is not None:
        found = [p for p in packages if p.name == name]
        if not found:
            raise PackageError(f"no deployment package named {name!r}",
                               hint="packages found: " + (", ".join(sorted(str(p.name) for p in packages)) or "none"))
        return found[0]
    if not packages:
        raise PackageError("no DeploymentPackage object was found",
                           hint="pass the folder (or files) holding the package's catalog YAML")
    if len(packages) > 1:
        raise PackageError("several deployment packages were found: " + ", ".join(str(p.name) for p in packages),
                           hint="pass only one package's files")
    return packages[0]


def _registry_for(catalog: Catalog, app: ApplicationSpec) -> Optional[ImageRegistry]:
    if not app.image_registry:
        return None
    spec = catalog.registries.get(app.image_registry)
    if spec is None:
        return None  # a platform registry not given: placeholders that need it will say so
    return spec.to_image_registry()


ChartInput = Union["os.PathLike[str]", Chart]


def checked_charts(charts: Any) -> Dict[str, ChartInput]:
    """The ``charts`` argument checked: application name → ``pathlib.Path`` or :class:`Chart`; else a TypeError.

    A ``str`` is refused: a path is given as ``Path(...)``, a chart held in memory as a ``Chart``.
    """
    if not isinstance(charts, Mapping):
        raise TypeError(f"charts must be a mapping of application names to charts, not {type(charts).__name__}")
    out: Dict[str, ChartInput] = {}
    for name, chart in charts.items():
        if not isinstance(name, str):
            raise TypeError(f"charts: an application name must be a str, not {type(name).__name__}")
        if isinstance(chart, Chart) or (isinstance(chart, os.PathLike) and isinstance(os.fspath(chart), str)):
            out[name] = chart
            continue
        got = f"the str {chart[:60]!r}" if isinstance(chart, str) else type(chart).__name__
        raise TypeError(f"charts[{name!r}]: got {got}; pass pathlib.Path(...) for a chart folder or .tgz, "
                        "or a Chart (load_chart(...)); a str is not taken as a path")
    return out


def render_package(
    paths: PackageInput,
    *,
    charts: Mapping[str, ChartInput],
    deployment_name: str,
    registry_files: PackageInput = (),
    deployment_profile: Optional[str] = None,
    applications: Optional[Sequence[str]] = None,
    parameters: Mapping[str, Mapping[str, Any]] = {},
    org: Optional[str] = None,
    project: Optional[str] = None,
    package_name: Optional[str] = None,
    redeploy_after_update: bool = False,
    strict: bool = False,
    archive_limits: Optional[ArchiveLimits] = None,
    gateway_ca: Optional[str] = None,
    deployment_generation: Optional[int] = None,
    cluster_labels: Optional[Mapping[str, str]] = None,
    fleet_globals: bool = True,
) -> PackageRender:
    """Render every application of a deployment package's deployment profile (default: the package's default).

    ``paths`` is the package: a folder or files (``pathlib.Path``), an in-memory
    package (:class:`~profile_render.orchestrator.catalog.memory.PackageFiles`),
    or a list of those; ``registry_files`` likewise. ``charts`` maps application
    names to charts (a ``Path`` or a loaded :class:`Chart`); ``parameters`` maps
    application names to ``{template name: value}``. Catalog errors stop the
    render (raised as :class:`PackageError` with the findings); warnings are
    returned in ``findings``. ``archive_limits`` bounds each chart path as it
    is loaded (see :class:`~profile_render.helm.chart.ArchiveLimits`); a
    :class:`~profile_render.helm.chart.Chart` given instead is used as it is.
    ``redeploy_after_update`` mirrors ADM's REDEPLOY_AFTER_UPDATE: the
    deployment package's version then joins each generated Secret's name.
    ``gateway_ca`` is the PEM text of the orchestrator's gateway certificate,
    used for registries whose ``caCerts`` is the sentinel ``use-dynamic-cacert``.
    Every application gets the ``fleet-globals.yaml`` layer, with
    ``deployment_generation`` and ``cluster_labels`` (see
    :func:`~profile_render.rendering.render`); ``fleet_globals=False`` leaves it out.

    >>> folder = Path("examples/edge-package")
    >>> files = PackageFiles.from_mapping({p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))},
    ...                                   label="edge-package")
    >>> charts = {name: folder / "charts" / name for name in ("web-app", "vm-ephemeral", "vm-pv")}
    >>> result = render_package(files, charts=charts, deployment_name="deployment-abc12", org="acme", project="edge")
    >>> result.namespaces
    {'web-app': 'edge-web', 'vm-ephemeral': 'edge-vms', 'vm-pv': 'edge-vms'}
    >>> result.applications["web-app"].secret_name
    'b-593cde0e-52d6-51'
    """
    charts = checked_charts(charts)
    catalog = load_catalog(paths, registry_files=registry_files)
    findings = check_catalog(catalog)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        raise PackageError(f"the deployment package has {len(errors)} error(s)", findings=errors,
                           hint="fix them (run `profile-render lint` for every finding)")
    package = _pick_package(catalog, package_name)
    chosen = _choose_deployment_profile(catalog, package, deployment_profile)
    app_names = [str(app_name) for app_name, _ in package.applications if app_name]
    wanted: List[str] = list(applications) if applications else list(app_names)
    for argument, names in (("applications", wanted), ("parameters", list(parameters)), ("charts", list(charts))):
        for name in names:
            if name not in app_names:
                raise UnknownApplicationError(name, argument, str(package.name), app_names)
    result = PackageRender(package, chosen, findings=[f for f in findings if f.severity != ERROR], catalog=catalog)
    if not fleet_globals and (deployment_generation is not None or cluster_labels is not None):
        raise TypeError("deployment_generation and cluster_labels belong to the fleet-globals layer; "
                        "they cannot be given with fleet_globals=False")
    if fleet_globals:
        result.fleet_globals = {
            "deploymentGeneration": check_deployment_generation(
                NEW_DEPLOYMENT_GENERATION if deployment_generation is None else deployment_generation),
            "clusterLabels": check_cluster_labels(cluster_labels) if cluster_labels is not None else None}
    for listed, version in package.applications:
        if listed is None or listed not in wanted:
            continue
        name = listed
        app = catalog.application(name, version)
        assert app is not None  # check_catalog reported unknown applications
        # Not listed, or mapped to a profile the application lacks: empty profile values and no parameter
        # templates, as the reference deploys it (not the application's own default profile).
        profile_name = chosen.application_profiles.get(name)
        profile = app.profile(profile_name) if profile_name else None
        chart = charts.get(name)
        if chart is None:
            raise PackageError(f"no chart was given for application {name!r}",
                               hint=f"pass --chart {name}=PATH (a chart directory or .tgz of "
                                    f"{app.chart_name} {app.chart_version})")
        if not isinstance(chart, Chart):
            chart = load_chart(chart, archive_limits=archive_limits)
        namespace = package.default_namespaces.get(name) or deployment_name
        context = DeploymentContext(
            app_name=name, app_version=str(app.version), deployment_name=deployment_name,
            namespace=namespace, org=org, project=project, redeploy_after_update=redeploy_after_update)
        # Read through the package's own check: only a regular file inside the package directory.
        values = read_profile_values(profile, strict=strict) if profile is not None and profile.values_file_name else None
        result.profiles[name] = str(profile.name) if profile is not None else None
        result.namespaces[name] = namespace
        result.applications[name] = render(
            chart, values, context=context, registry=_registry_for(catalog, app), gateway_ca=gateway_ca,
            parameter_templates=parameter_templates_of(profile) if profile is not None else (),
            parameters=dict(parameters.get(name, {})), application=name, strict=strict,
            secret_namer=functools.partial(bundle_name, version=str(package.version or "")),
            deployment_generation=deployment_generation, cluster_labels=cluster_labels, fleet_globals=fleet_globals)
    return result
