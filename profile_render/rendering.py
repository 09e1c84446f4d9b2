"""The render API: chart + Profile + overrides + context → values and the objects that go with them.

:func:`render` is what the Edge Orchestrator does before Helm runs: resolve the
placeholders in the Profile and override layers (structurally, see
``orchestrator/placeholders.py``), merge everything with Helm's semantics
(``values.py``), and generate the image-pull Secret and registry-CA ConfigMap
the values now refer to. It is pure and thread-safe: no global state, no I/O
beyond reading the paths it is given.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.helm.chart import Chart, ChartLike, as_chart
from profile_render.orchestrator.credentials import (
    SecretNamer,
    bundle_name,
    ca_config_map_manifest,
    ca_config_map_name,
    check_object_name,
    mask_secret_data,
    pull_secret_manifest,
)
from profile_render.errors import ProfileRenderError, StrictModeError, ValuesWarning, resource_guard
from profile_render.yamlio.load import Limits
from profile_render.orchestrator.fleet_globals import (
    NEW_DEPLOYMENT_GENERATION,
    fill_cluster_label_references,
    fleet_globals_layer,
    overridden_fleet_globals,
)
from profile_render.orchestrator.model import MASK, DeploymentContext, ImageRegistry
from profile_render.orchestrator.profile_text import apply_text_only_placeholders
from profile_render.orchestrator.placeholders import (
    GENERATED_DOCKER_CREDENTIAL,
    PRE_HOOK_CREDENTIAL,
    REGISTRY_CERT_CONFIG_MAP,
    Placeholders,
    Resolution,
    ResolveContext,
    ValueSite,
    resolve_tree,
)
from profile_render.tree import copy_tree, iter_strings, walk
from profile_render.values import Layer, LayerLike, MergeResult, as_layer, merge_values

__all__ = ["render", "RenderResult"]

if TYPE_CHECKING:  # pragma: no cover - schema validation loads only when used
    from profile_render.helm.schema.cache import ValidatorCache
    from profile_render.helm.valueflags import SetFileValues
    from profile_render.orchestrator.params import ParameterTemplate
    from profile_render.origin import Origin

ValuesDict = Dict[str, Any]
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")


class RenderResult:
    """Rendered values plus the Kubernetes objects that must accompany them.

    ``manifests`` are applied with the chart; ``pre_install_manifests`` must
    exist before the chart is installed (the Secret, when a pre-install hook
    needs it). Objects are plain dicts. The Secret's ``data`` holds the real
    (base64) credentials: use :meth:`masked` for anything shown to people.

    >>> registry = ImageRegistry("harbor", "oci://registry.example.com/edge", "robot", Secret("example-token"))
    >>> result = render(Path("examples/hello-chart"), Path("examples/profile-values.yaml"), [Path("examples/overrides.yaml")],
    ...                 context=DeploymentContext("web", "1.0.0", "deployment-abc12", "apps"), registry=registry)
    >>> result.value("service.port"), result.origin("service.port")
    (9090, Origin(layer='overrides', source='examples/overrides.yaml', line=5, column=3, source_path=('service', 'port')))
    >>> result.masked()["manifests"][0]["data"]
    {'.dockerconfigjson': '****', 'accessKeyId': '****', 'secretKey': '****'}
    """

    def __init__(self, merge: MergeResult, manifests: List[Dict[str, Any]],
                 pre_install_manifests: List[Dict[str, Any]], secret_name: Optional[str],
                 warnings: List[ValuesWarning], placeholders_used: Sequence[str],
                 secret_paths: Iterable[Tuple[Any, ...]] = (),
                 parameters: Optional[Dict[Tuple[Any, ...], Any]] = None,
                 placeholder_values: Optional[Mapping[str, str]] = None) -> None:
        self._merge = merge
        self.manifests = manifests
        self.pre_install_manifests = pre_install_manifests
        self.secret_name = secret_name
        self.warnings = warnings
        self.placeholders_used = tuple(placeholders_used)
        self.secret_paths = frozenset(tuple(p) for p in secret_paths)
        self.parameters = dict(parameters or {})
        #: What each placeholder used resolved to (names without the % signs), e.g. for a summary.
        self.placeholder_values: Dict[str, str] = dict(placeholder_values or {})

    @property
    def layers(self) -> Tuple[Layer, ...]:
        """The user layers as they merged (Profile, overrides, parameter templates, fleet globals), resolved."""
        return self._merge.layers

    @property
    def uses_value_flags(self) -> bool:
        """Whether ``--set``-style value flags applied after the layers (they are in no layer)."""
        return self._merge.uses_value_flags

    @property
    def values(self) -> ValuesDict:
        """The final values as the caller's own tree (see :attr:`MergeResult.values`; the same dict)."""
        return self._merge.values

    @values.setter
    def values(self, values: ValuesDict) -> None:
        self._merge.values = values

    def read_only_values(self) -> ValuesDict:
        """The final values without a copy (see :meth:`MergeResult.read_only_values`): never change them."""
        return self._merge.read_only_values()

    def is_secret(self, path: Sequence[Any]) -> bool:
        """Whether the value at ``path`` is, or holds, a secret parameter's value."""
        path = tuple(path)
        return any(path[: len(s)] == s or s[: len(path)] == path for s in self.secret_paths)

    def masked_values(self) -> ValuesDict:
        """The values with every secret parameter replaced by ``****``.

        >>> result = render(Path("examples/hello-chart"), overrides=[Path("examples/overrides.yaml")],
        ...                 context=DeploymentContext("web", "1.0.0", "deployment-abc12", "apps"))
        >>> result.masked_values()["replicaCount"]
        3
        """
        if not self.secret_paths:
            return self.values
        return self._masked_copy()

    def _masked_copy(self) -> ValuesDict:
        """A new tree of the values with every secret parameter replaced by ``****``."""
        out = copy_tree(self._merge.read_only_values())
        for path in self.secret_paths:
            # A secret path absent from the final values has nothing to hide.
            found, _ = walk(out, path)
            if found and path:
                _, parent = walk(out, path[:-1])
                parent[path[-1]] = MASK
        return out

    def origin(self, path: Union[str, Sequence[Any]]) -> Optional[Origin]:
        """Where the value at ``path`` came from (see :meth:`MergeResult.origin`).

        >>> result = render(Path("examples/hello-chart"), overrides=[Path("examples/overrides.yaml")],
        ...                 context=DeploymentContext("web", "1.0.0", "deployment-abc12", "apps"))
        >>> print(result.origin("service.port"))
        examples/overrides.yaml:5:3 (overrides, service.port)
        """
        return self._merge.origin(path)

    def origins(self, path: Union[str, Sequence[Any]]) -> List[Origin]:
        """Every contributor to the value at ``path``, highest precedence first.

        >>> result = render(Path("examples/hello-chart"), overrides=[Path("examples/overrides.yaml")],
        ...                 context=DeploymentContext("web", "1.0.0", "deployment-abc12", "apps"))
        >>> [origin.source for origin in result.origins("service.port")]
        ['examples/overrides.yaml']
        """
        return self._merge.origins(path)

    def value(self, path: Union[str, Sequence[Any]]) -> Any:
        """The final value at ``path``.

        >>> result = render(Path("examples/hello-chart"), overrides=[Path("examples/overrides.yaml")],
        ...                 context=DeploymentContext("web", "1.0.0", "deployment-abc12", "apps"))
        >>> result.value("replicaCount"), result.value(("service", "type"))
        (3, 'ClusterIP')
        """
        return self._merge.value(path)

    def to_dict(self) -> Dict[str, Any]:
        """The plain form: ``values``, ``manifests``, ``preInstallManifests``, ``secretName``, ``warnings``.

        >>> result = render(Path("examples/hello-chart"), overrides=[Path("examples/overrides.yaml")],
        ...                 context=DeploymentContext("web", "1.0.0", "deployment-abc12", "apps"))
        >>> sorted(result.to_dict())
        ['manifests', 'preInstallManifests', 'secretName', 'values', 'warnings']
        """
        return self._form(self.values)

    def _form(self, values: ValuesDict) -> Dict[str, Any]:
        """The plain form around the given values tree."""
        return {
            "values": values,
            "manifests": self.manifests,
            "preInstallManifests": self.pre_install_manifests,
            "secretName": self.secret_name,
            "warnings": [w.to_dict() for w in self.warnings],  # schemas/diagnostic.schema.json
        }

    def masked(self) -> Dict[str, Any]:
        """The plain form with every Secret's data replaced by ``****``, safe to display or log.

        >>> registry = ImageRegistry("harbor", "oci://registry.example.com/edge", "robot", Secret("example-token"))
        >>> result = render(Path("examples/hello-chart"), Path("examples/profile-values.yaml"), registry=registry,
        ...                 context=DeploymentContext("web", "1.0.0", "deployment-abc12", "apps"))
        >>> result.masked()["manifests"][0]["data"]
        {'.dockerconfigjson': '****', 'accessKeyId': '****', 'secretKey': '****'}
        """
        return self._masked_form(self.masked_values())

    def _masked_form(self, values: ValuesDict) -> Dict[str, Any]:
        """The masked form around the given (already masked) values tree."""
        out = self._form(values)
        out["manifests"] = [mask_secret_data(m) for m in self.manifests]
        out["preInstallManifests"] = [mask_secret_data(m) for m in self.pre_install_manifests]
        return out

    def to_json(self, *, indent: Optional[int] = 2, masked: bool = False) -> str:
        """The plain (or masked) form as JSON, numbers formatted as Helm formats them (copies no values).

        >>> registry = ImageRegistry("harbor", "oci://registry.example.com/edge", "robot", Secret("example-token"))
        >>> result = render(Path("examples/hello-chart"), Path("examples/profile-values.yaml"), registry=registry,
        ...                 context=DeploymentContext("web", "1.0.0", "deployment-abc12", "apps"))
        >>> '"secretKey": "****"' in result.to_json(masked=True)
        True
        """
        from profile_render.emit import to_json

        if not masked:
            return to_json(self._form(self.read_only_values()), indent=indent)
        values = self._masked_copy() if self.secret_paths else self.read_only_values()
        return to_json(self._masked_form(values), indent=indent)

    def to_yaml(self, *, masked: bool = False) -> str:
        """The plain (or masked) form as YAML.

        >>> registry = ImageRegistry("harbor", "oci://registry.example.com/edge", "robot", Secret("example-token"))
        >>> result = render(Path("examples/hello-chart"), Path("examples/profile-values.yaml"), registry=registry,
        ...                 context=DeploymentContext("web", "1.0.0", "deployment-abc12", "apps"))
        >>> result.to_yaml(masked=True).splitlines()[:4]
        ['manifests:', '- apiVersion: v1', '  data:', "    .dockerconfigjson: '****'"]
        """
        from profile_render.emit import to_yaml

        return to_yaml(self.masked() if masked else self.to_dict())

    def __repr__(self) -> str:
        return (f"RenderResult(secret_name={self.secret_name!r}, manifests={len(self.manifests)}, "
                f"pre_install_manifests={len(self.pre_install_manifests)}, warnings={len(self.warnings)})")


def _labels(context: DeploymentContext) -> Dict[str, str]:
    labels = {"app.kubernetes.io/managed-by": "profile-render"}
    for key, value in (("app.kubernetes.io/name", context.app_name),
                       ("app.kubernetes.io/version", context.app_version),
                       ("app.kubernetes.io/instance", context.deployment_name)):
        if len(value) <= 63 and _LABEL_VALUE.fullmatch(value):
            labels[key] = value
    return labels


def _validate(merged: MergeResult, secret_paths: Iterable[Tuple[Any, ...]], cache: Optional["ValidatorCache"],
              refs: Mapping[str, Any]) -> None:
    """Validate against the charts' schemas; a violation at a secret parameter never quotes its value."""
    from dataclasses import replace

    from profile_render.helm.schema import SchemaValidationError, validate_values

    try:
        validate_values(merged.chart, merged.read_only_values(), cache=cache, origin=merged.origin, local_refs=refs)
    except SchemaValidationError as exc:
        secrets = [tuple(p) for p in secret_paths]
        if not secrets:
            raise
        cleaned = []
        for v in exc.violations:
            path = tuple(v.path)
            if any(path[: len(s)] == s or s[: len(path)] == path for s in secrets):
                v = replace(v, message=f"the secret value breaks the schema's {v.keyword!r} rule")
            cleaned.append(v)
        raise SchemaValidationError(cleaned, complete=exc.complete) from None


def _percent_strings(chart: Chart) -> Tuple[Tuple[Tuple[Any, ...], str, bool], ...]:
    """Every string key and value of a chart's own defaults that holds a ``%``, found once per chart."""
    return chart.memo.get("percent-strings", lambda: tuple(hit for hit in iter_strings(chart.values) if "%" in hit[1]))


def _check_chart_defaults(chart: Chart, placeholders: Placeholders) -> None:
    """Placeholders belong in the Profile: any in a chart's own defaults is an error."""
    # Only strings with a % can hold a placeholder or a near miss; which of them do depends on the
    # placeholder set, so the per-chart scan keeps them all and each render tests the few it found.
    for _prefix, sub in chart.walk():
        for path, text, in_key in _percent_strings(sub):
            if not placeholders.contains(text):
                continue
            loaded = sub.values_source
            source = loaded.source if loaded is not None else sub.source
            where = ValueSite(source, path, loaded.locate if loaded is not None else None)
            what = "a key" if in_key else "a value"
            raise where.error(
                f"the chart's defaults hold a placeholder in {what} ({text!r}); placeholders are resolved "
                "only in Profile and override values",
                "keep the chart's default plain (e.g. an empty string) and set the placeholder in the Profile's values")


@resource_guard
def render(
    chart: ChartLike,
    profile: Optional[LayerLike] = None,
    overrides: Iterable[LayerLike] = (),
    *,
    context: DeploymentContext,
    registry: Optional[ImageRegistry] = None,
    set_values: Sequence[str] = (),
    set_string_values: Sequence[str] = (),
    set_json_values: Sequence[str] = (),
    set_file_values: "SetFileValues" = (),
    set_literal_values: Sequence[str] = (),
    placeholders: Optional[Placeholders] = None,
    prehook_literal: bool = False,
    secret_namer: SecretNamer = bundle_name,
    strict: bool = False,
    limits: Optional[Limits] = None,
    parameter_templates: Sequence[ParameterTemplate] = (),
    parameters: Mapping[str, Any] = {},
    application: Optional[str] = None,
    validate_schema: bool = True,
    schema_cache: Optional["ValidatorCache"] = None,
    schema_refs: Mapping[str, Any] = {},
    gateway_ca: Optional[str] = None,
    deployment_generation: Optional[int] = None,
    cluster_labels: Optional[Mapping[str, str]] = None,
    fleet_globals: bool = True,
) -> RenderResult:
    """Render an application: resolve placeholders, merge with Helm's semantics, generate credentials.

    ``chart`` is a :class:`~profile_render.Chart` (``load_chart``,
    ``Chart.from_archive``, ``Chart.from_files``, a
    :class:`~profile_render.ChartCache`) or an ``os.PathLike``. ``profile``
    is the Profile's chart values and ``overrides`` the deployment overrides
    (:class:`Layer` objects, mappings, loaded documents or ``os.PathLike``
    paths; a ``str`` raises ``TypeError``, see :func:`~profile_render.values.as_layer`;
    as the reference does, strings in override maps are trimmed and empty ones deleted);
    ``set_values``, ``set_string_values``, ``set_json_values``,
    ``set_file_values`` and ``set_literal_values`` act like Helm's ``--set``,
    ``--set-string``, ``--set-json``, ``--set-file`` and ``--set-literal``
    after them (see :func:`~profile_render.values.merge_values`; placeholders
    are resolved in every string they set). Placeholders are resolved in those layers only. With
    ``prehook_literal`` the ``%PreHookCredential%`` text is left in place, as the
    reference orchestrator does. ``secret_namer`` replaces the reference's
    bundle-name algorithm for the generated objects' names.

    ``parameter_templates`` are the Profile's templates and ``parameters`` the
    values given for them by template name; they apply after the overrides
    (see ``params.py``), and secret ones are masked in every display form.

    The final values are validated against the chart's ``values.schema.json``
    and each subchart's (see ``helm/schema/``), as Helm does before rendering;
    ``schema_cache`` (a ``ValidatorCache`` the caller keeps to compile each
    schema once across renders; without one, this render compiles into a
    fresh cache) and ``schema_refs`` (local schemas for ``$ref``; nothing is
    ever fetched) tune that, ``validate_schema=False`` skips it.

    A registry whose ``ca_certs`` is the sentinel ``use-dynamic-cacert`` stands
    for the orchestrator's gateway certificate; ``gateway_ca`` (its PEM text)
    takes its place. Without it rendering still works, but
    ``%RegistryCertConfigMap%`` is an error naming the sentinel.

    As the orchestrator does for every deployment, the layer it writes as
    ``fleet-globals.yaml`` (see ``orchestrator/fleet_globals.py``) comes
    after the overrides and parameter templates, before ``set_values``:
    ``global.fleet.deploymentGeneration`` (``deployment_generation``,
    default 1, a new deployment's) and ``global.fleet.clusterLabels`` (the
    entries Fleet fills from the target cluster's labels when
    ``cluster_labels`` are given, else an empty map). Given labels, Fleet's
    ``global.fleet.clusterLabels.<label>`` references are also filled in the
    Profile, override and parameter values. ``fleet_globals=False`` leaves
    the layer out (the values of plain ``helm template`` with the Profile and
    overrides).

    >>> context = DeploymentContext(app_name="hello-world", app_version="1.0.0",
    ...                             deployment_name="deployment-abc12", namespace="apps")
    >>> registry = ImageRegistry(name="harbor-docker-oci", username="robot$acme", password=Secret("example-token"),
    ...                          root_url="oci://registry-oci.example.com/catalog-apps-acme-edge")
    >>> result = render(Path("examples/hello-chart"), Path("examples/profile-values.yaml"),
    ...                 [Path("examples/overrides.yaml")], context=context, registry=registry)
    >>> result.values["image"]["repository"], result.values["replicaCount"]
    ('registry-oci.example.com/catalog-apps-acme-edge/hello-edge', 3)
    >>> result.secret_name, [m["kind"] for m in result.manifests]
    ('b-0a3669a2-6cbc-50', ['Secret'])
    """
    if not isinstance(context, DeploymentContext):
        raise TypeError("context must be a DeploymentContext")
    if registry is not None and not isinstance(registry, ImageRegistry):
        raise TypeError("registry must be an ImageRegistry or None")
    if limits is not None and not isinstance(limits, Limits):
        raise TypeError("limits must be a Limits or None")
    if placeholders is not None and not isinstance(placeholders, Placeholders):
        raise TypeError("placeholders must be a Placeholders or None")
    if not isinstance(parameters, Mapping):
        raise TypeError("parameters must be a mapping of parameter template names to values")
    chart = as_chart(chart, limits=limits)
    placeholders = placeholders or Placeholders()
    _check_chart_defaults(chart, placeholders)

    if gateway_ca is not None and not isinstance(gateway_ca, str):
        raise TypeError("gateway_ca must be PEM text (str) or None")
    if registry is not None and registry.ca_is_dynamic and gateway_ca is not None:
        # The sentinel stands for the orchestrator's gateway certificate: the caller gave it.
        registry = registry._replace(ca_certs=gateway_ca)
    secret_name = check_object_name(secret_namer(context), "generated Secret")
    ca_name = ca_config_map_name(secret_name) if registry is not None and registry.ca_certs else None
    if ca_name is not None:
        check_object_name(ca_name, "generated ConfigMap")
    resolution = Resolution(placeholders, ResolveContext(context, registry, secret_name, ca_name, prehook_literal))

    layers: List[Layer] = []
    items: List[tuple] = []
    if profile is not None:
        items.append((profile, "profile"))
    items.extend((item, "overrides") for item in overrides)
    for item, kind in items:
        # A caller's dicts are normalised (bounded, typed) before resolve_tree walks them.
        if isinstance(item, Mapping):
            layer = Layer.from_mapping(item, source=f"<{kind}>", kind=kind, limits=limits)
        elif kind == "profile" and isinstance(item, os.PathLike):
            # Read as the reference reads Profile text: these placeholders may stand unquoted.
            layer = Layer.from_file(item, kind=kind, limits=limits, strict=strict, placeholders=placeholders.names)
        else:
            base, _owned = as_layer(item, limits, strict)
            layer = base if isinstance(item, Layer) else Layer(base.values, base.source, kind, base.loaded, True)
        locate = layer.loaded.locate if layer.loaded is not None else None
        values = layer.values
        if kind == "overrides":  # the reference trims strings in maps and deletes the empty ones
            from profile_render.orchestrator.params import process_override_values

            values = process_override_values(values)
        resolved = resolve_tree(values, resolution, source=layer.source, locate=locate,
                                unquoted=layer.loaded.unquoted if layer.loaded is not None else (),
                                escaped=layer.loaded.escaped if layer.loaded is not None else ())
        layers.append(Layer(resolved, layer.source, layer.kind, layer.loaded, True))
        if kind == "profile" and layer.loaded is not None:  # the reference also reads the text's comments
            resolution.warnings.extend(
                apply_text_only_placeholders(layer.loaded.text, layer.loaded.data, resolution, layer.source,
                                             layer.loaded.escaped))

    secret_paths: set = set()
    explained: Dict[Tuple[Any, ...], Any] = {}
    if parameter_templates or parameters:
        from profile_render.orchestrator.params import apply_parameter_templates

        profile_values = layers[0].values if layers and layers[0].kind == "profile" else {}
        applied = apply_parameter_templates(parameter_templates, parameters,
                                            application=application or context.app_name,
                                            profile_values=profile_values)
        for name, tree in applied.layers:
            template = next(t for t in parameter_templates if t.name == name)
            where = f"parameter template {name!r}"
            secret = template.secret
            try:
                resolved = resolve_tree(tree, resolution, source=where)
            except ProfileRenderError as exc:
                if secret:  # never quote a secret's text, even in a placeholder error
                    raise ProfileRenderError(f"the value of secret parameter {name!r} holds a misused placeholder",
                                             source=where, hint=exc.hint) from None
                raise
            layers.append(Layer(resolved, where, "parameter template", None))
        secret_paths = set(applied.secret_paths)
        explained = dict(applied.explanations)
        parameter_warnings = applied.warnings
    else:
        parameter_warnings = []

    if not fleet_globals and (deployment_generation is not None or cluster_labels is not None):
        raise TypeError("deployment_generation and cluster_labels belong to the fleet-globals layer; "
                        "they cannot be given with fleet_globals=False")
    if fleet_globals:
        globals_layer = fleet_globals_layer(
            NEW_DEPLOYMENT_GENERATION if deployment_generation is None else deployment_generation, cluster_labels)
        if cluster_labels:  # Fleet fills cluster-label references in every values file it is given
            layers = [Layer(fill_cluster_label_references(layer.values, cluster_labels), layer.source, layer.kind,
                            layer.loaded) for layer in layers]
        overridden = overridden_fleet_globals(layers, globals_layer)
        if strict and overridden:
            raise StrictModeError(overridden[0])
        parameter_warnings = parameter_warnings + overridden
        layers.append(globals_layer)

    def transform(value: Any, source: str) -> Any:
        if isinstance(value, str) and "%" in value:
            return resolution.substitute(value, ValueSite(source, ()))
        return value

    if strict and resolution.warnings:
        raise StrictModeError(resolution.warnings[0])
    merged = merge_values(chart, layers, set_values=set_values, set_string_values=set_string_values,
                          set_json_values=set_json_values, set_file_values=set_file_values,
                          set_literal_values=set_literal_values, strict=strict, limits=limits,
                          transform_set_value=transform, validate_schema=False)  # validated below, secrets masked

    if validate_schema and any(sub.schema is not None for _prefix, sub in merged.chart.walk()):
        _validate(merged, secret_paths, schema_cache, schema_refs)  # loads the validator: charts with a schema only

    manifests: List[Dict[str, Any]] = []
    pre_install: List[Dict[str, Any]] = []
    used = resolution.used
    generated_name: Optional[str] = None
    labels = _labels(context)
    if GENERATED_DOCKER_CREDENTIAL in used or PRE_HOOK_CREDENTIAL in used:
        assert registry is not None  # the resolvers refuse otherwise
        secret_manifest = pull_secret_manifest(registry, secret_name, context.namespace, labels)
        generated_name = secret_name
        (pre_install if PRE_HOOK_CREDENTIAL in used else manifests).append(secret_manifest)
    if ca_name is not None and REGISTRY_CERT_CONFIG_MAP in used:  # generated only when a value names it
        assert registry is not None
        manifests.append(ca_config_map_manifest(registry, ca_name, context.namespace, labels))
    return RenderResult(merged, manifests, pre_install, generated_name,
                        resolution.warnings + parameter_warnings + list(merged.warnings),
                        sorted(used), secret_paths, explained,
                        {name: resolution.values[name] for name in sorted(used)})

