"""What an exported application is made of: the facts a Fleet bundle or an Argo CD Application is written from.

A render holds the values and the generated objects; the package (catalog)
holds the rest the reference writes into a bundle: the chart's registry,
name and version, the application dependencies and the resources whose
drift is ignored. :func:`package_applications` joins the two for every
application of a :class:`~profile_render.orchestrator.package.PackageRender`;
:func:`single_application` builds the same from one render and what the
caller says about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple

from profile_render.errors import ProfileRenderError
from profile_render.tree import merge_layers

if TYPE_CHECKING:  # type names only
    from profile_render.orchestrator.package import PackageRender
    from profile_render.rendering import RenderResult

__all__ = ["ExportError", "ChartReference", "ApplicationExport", "chart_reference", "package_applications",
           "single_application"]

#: The layer kinds ADM writes into overrides.yaml: deployment overrides and parameter template values.
_OVERRIDE_KINDS = frozenset({"overrides", "parameter template"})


class ExportError(ProfileRenderError):
    """A render cannot be exported, or the export directory cannot be written."""


@dataclass(frozen=True)
class ChartReference:
    """Where Fleet or Argo CD gets a chart: ``repo`` (empty for an OCI registry), ``chart`` and ``version``."""

    repo: str
    chart: str
    version: str

    @property
    def is_oci(self) -> bool:
        """Whether the chart lives in an OCI registry (``chart`` is then the full ``oci://`` reference)."""
        return not self.repo and self.chart.startswith("oci://")


@dataclass(frozen=True)
class ApplicationExport:
    """One application as an export writes it (values split into the files the reference writes)."""

    name: str
    bundle: str  # the Fleet bundle name = Helm release name = generated Secret name (b-...)
    namespace: str
    chart: ChartReference
    profile_values: Dict[str, Any]
    override_values: Dict[str, Any]
    fleet_globals_text: Optional[str]  # fleet-globals.yaml as ADM writes it; None: the layer was left out
    fleet_globals_values: Dict[str, Any]
    manifests: Tuple[Dict[str, Any], ...]
    pre_install_manifests: Tuple[Dict[str, Any], ...]
    holds_secret_values: bool  # a secret parameter's value is in override_values
    app_version: str = ""
    deployment_name: str = ""
    deployment_generation: Optional[int] = None
    depends_on: Tuple[str, ...] = ()  # bundle names of the applications this one requires
    ignored_resources: Tuple[Mapping[str, Any], ...] = field(default=(), hash=False)

    def user_values(self) -> Dict[str, Any]:
        """The Profile, overrides and fleet globals merged as Fleet merges its valuesFiles (later wins, null kept)."""
        return merge_layers([self.profile_values, self.override_values, self.fleet_globals_values], check=False)


def chart_reference(root_url: str, chart_name: str, version: str) -> ChartReference:
    """The chart reference ADM writes for a Helm registry URL: ``oci://`` joins the chart to the URL, else a repo.

    For an OCI registry the chart is ``<rootUrl>/<chartName>`` with no repo
    (as Go's ``url.JoinPath``: one slash between them); any other registry is
    the repo and the chart is its name.
    """
    if root_url.lower().startswith("oci://"):
        return ChartReference("", root_url.rstrip("/") + "/" + chart_name.lstrip("/"), version)
    return ChartReference(root_url, chart_name, version)


def _split_layers(result: "RenderResult", name: str) -> Tuple[Dict[str, Any], Dict[str, Any], Optional[str],
                                                               Dict[str, Any]]:
    """The Profile, overrides (with parameter values) and fleet-globals of a render, as ADM's three files hold them."""
    if result.uses_value_flags:
        raise ExportError(f"application {name!r} was rendered with --set-style value flags, which no values file "
                          "of a Fleet bundle holds", hint="put those values in an overrides file instead")
    profile: Dict[str, Any] = {}
    overrides: List[Dict[str, Any]] = []
    globals_text: Optional[str] = None
    globals_values: Dict[str, Any] = {}
    for layer in result.layers:
        if layer.kind == "profile":
            profile = layer.values
        elif layer.kind in _OVERRIDE_KINDS:
            overrides.append(layer.values)
        elif layer.kind == "fleet globals":
            globals_values = layer.values
            globals_text = layer.loaded.text if layer.loaded is not None and layer.loaded.text else None
        else:  # a layer no reference file holds: refuse rather than drop values silently
            raise ExportError(f"application {name!r} has a values layer of kind {layer.kind!r} that no file of a "
                              "Fleet bundle holds", hint="render it from a Profile and overrides only")
    return profile, merge_layers(overrides, check=False), globals_text, globals_values


def _holds_secrets(result: "RenderResult") -> bool:
    """Whether a secret parameter's value is among the render's values (it then goes into overrides.yaml)."""
    return any(template.secret for template in result.parameters.values())


def single_application(result: "RenderResult", *, name: str, namespace: str, chart: ChartReference,
                       bundle: Optional[str] = None, app_version: str = "", deployment_name: str = "",
                       deployment_generation: Optional[int] = None, depends_on: Sequence[str] = (),
                       ignored_resources: Sequence[Mapping[str, Any]] = ()) -> ApplicationExport:
    """One render as an exported application; ``chart`` says where the chart comes from (see :func:`chart_reference`).

    ``bundle`` is the Fleet bundle (and Helm release) name; without it, the
    render's generated Secret name, else the reference's name for ``name``
    and ``deployment_name``.
    """
    if not name:
        raise ExportError("the application has no name", hint="pass the application's name")
    profile, overrides, globals_text, globals_values = _split_layers(result, name)
    if bundle is None:
        bundle = result.secret_name or _bundle_name(name, app_version, deployment_name, False, None)
    return ApplicationExport(
        name=name, bundle=bundle, namespace=namespace, chart=chart, profile_values=profile,
        override_values=overrides, fleet_globals_text=globals_text, fleet_globals_values=globals_values,
        manifests=tuple(result.manifests), pre_install_manifests=tuple(result.pre_install_manifests),
        holds_secret_values=_holds_secrets(result), app_version=app_version, deployment_name=deployment_name,
        deployment_generation=deployment_generation, depends_on=tuple(depends_on),
        ignored_resources=tuple(ignored_resources))


def _bundle_name(name: str, app_version: str, deployment_name: str, redeploy: bool,
                 package_version: Optional[str]) -> str:
    """The reference's bundle name for an application of a deployment (see ``credentials.bundle_name``)."""
    from profile_render.orchestrator.credentials import bundle_name
    from profile_render.orchestrator.model import DeploymentContext

    return bundle_name(DeploymentContext(app_name=name, app_version=app_version, deployment_name=deployment_name,
                                         namespace="default", redeploy_after_update=redeploy),  # the name ignores it
                       version=package_version)


def package_applications(render: "PackageRender", *, deployment_name: str,
                         redeploy_after_update: bool = False) -> List[ApplicationExport]:
    """Every rendered application of a package render with its chart reference, dependencies and ignored resources.

    ``deployment_name`` and ``redeploy_after_update`` are the ones the
    package was rendered with: they name each bundle (as the generated
    Secret is named), and the bundles of the applications each one requires.
    """
    catalog = render.catalog
    if catalog is None:
        raise ExportError("the package render does not hold its catalog (it was not made by render_package)",
                          hint="render the package with profile_render.render_package")
    versions = {str(app): str(version) for app, version in render.package.applications if app}
    generation = (render.fleet_globals or {}).get("deploymentGeneration")
    bundles = {name: _bundle_name(name, versions[name], deployment_name, redeploy_after_update,
                                  str(render.package.version or "")) for name in versions}
    requires = {app: list(needs) for app, needs in render.package.application_dependencies}
    out: List[ApplicationExport] = []
    for name, result in render.applications.items():
        if result.secret_name is not None and result.secret_name != bundles[name]:
            raise ExportError(f"application {name!r} was rendered with another deployment name or redeploy setting "
                              "than the export was given", hint="export with the options the package was rendered with")
        spec = catalog.application(name, versions.get(name))
        if spec is None or not spec.chart_name or not spec.chart_version:
            raise ExportError(f"application {name!r} has no chart name and version in the catalog",
                              hint="set chartName and chartVersion in its Application file")
        registry = catalog.registries.get(spec.helm_registry)
        if registry is None or not registry.root_url:
            raise ExportError(f"the Helm registry {spec.helm_registry!r} of application {name!r} is not known",
                              hint="add its Registry object to the package, or pass it with --registry")
        out.append(single_application(
            result, name=name, namespace=render.namespaces[name], bundle=bundles[name],
            chart=chart_reference(registry.root_url, spec.chart_name, spec.chart_version),
            app_version=versions.get(name, ""), deployment_name=deployment_name, deployment_generation=generation,
            depends_on=[bundles[needed] for needed in requires.get(name, ()) if needed in bundles],
            ignored_resources=spec.ignored_resources))
    return out
