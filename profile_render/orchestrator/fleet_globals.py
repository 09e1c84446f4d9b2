"""The third values file the reference hands Fleet: ``fleet-globals.yaml``.

After ``profile.yaml`` and ``overrides.yaml``, the Edge Orchestrator's
deployment manager (ADM) writes ``fleet-globals.yaml`` for every application
and lists it last in the bundle's ``valuesFiles`` (contract, "Layers"). It
holds ``global.fleet.deploymentGeneration`` — the Deployment object's
``metadata.generation``, an integer that is 1 for a new deployment — and
``global.fleet.clusterLabels``: an empty map, or, when ADM runs with
``FLEET_ADD_GLOBAL_VARS=true``, three entries whose values are Fleet's
cluster-label references (``global.fleet.clusterLabels.<label>``), which
Fleet replaces by the target cluster's label value (an empty string when the
cluster lacks it) before Helm runs — in every values file, not only this one
(:func:`fill_cluster_label_references`). Being under ``global``, the values
flow into every subchart.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from profile_render.errors import ProfileRenderError, ValuesWarning, format_path
from profile_render.tree import walk
from profile_render.values import Layer

__all__ = ["FLEET_GLOBALS_KIND", "FLEET_GLOBALS_SOURCE", "NEW_DEPLOYMENT_GENERATION", "check_cluster_labels",
           "check_deployment_generation", "fill_cluster_label_references", "fleet_globals_layer",
           "overridden_fleet_globals"]

#: The file name ADM gives the layer; provenance names it as the source.
FLEET_GLOBALS_SOURCE = "fleet-globals.yaml"
#: The layer kind ``origin()`` reports for values that come from it.
FLEET_GLOBALS_KIND = "fleet globals"
#: ``metadata.generation`` of a Deployment object the API server has just created.
NEW_DEPLOYMENT_GENERATION = 1

_INT64_MAX = 2 ** 63 - 1
# Fleet replaces a string value with this prefix by the value of the cluster label named after it.
_LABEL_REFERENCE = "global.fleet.clusterLabels."
# The entries ADM writes with FLEET_ADD_GLOBAL_VARS=true: label → the reference text it writes. The host
# UUID's text lacks the "clusterLabels." part, so Fleet leaves it as written (the reference's own spelling).
_ADM_CLUSTER_LABELS: Tuple[Tuple[str, str], ...] = (
    ("edge-orchestrator.intel.com/clustername", _LABEL_REFERENCE + "edge-orchestrator.intel.com/clustername"),
    ("edge-orchestrator.intel.com/project-id", _LABEL_REFERENCE + "edge-orchestrator.intel.com/project-id"),
    ("edge-orchestrator.intel.com/host-uuid", "global.fleet.edge-orchestrator.intel.com/host-uuid"),
)
_GENERATION_PATH = ("global", "fleet", "deploymentGeneration")


def check_deployment_generation(value: Any) -> int:
    """The deployment generation as ADM writes it (an int64 of at least 1), or a located error."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProfileRenderError(f"the deployment generation must be an integer, not {type(value).__name__}",
                                 source=FLEET_GLOBALS_SOURCE, path=_GENERATION_PATH,
                                 hint=f"pass the Deployment's metadata.generation ({NEW_DEPLOYMENT_GENERATION} "
                                      "for a new deployment)")
    if not 1 <= value <= _INT64_MAX:
        raise ProfileRenderError(f"the deployment generation must be between 1 and {_INT64_MAX}, not {value}",
                                 source=FLEET_GLOBALS_SOURCE, path=_GENERATION_PATH,
                                 hint="Kubernetes counts generations from 1 for a new object, up by one per "
                                      "change of its spec")
    return value


def check_cluster_labels(labels: Any) -> Dict[str, str]:
    """The target cluster's labels as a plain ``{str: str}`` dict, or a located error."""
    if not isinstance(labels, Mapping):
        raise ProfileRenderError(f"the cluster labels must be a mapping of label names to values, "
                                 f"not {type(labels).__name__}", source=FLEET_GLOBALS_SOURCE,
                                 path=("global", "fleet", "clusterLabels"),
                                 hint="pass e.g. {'edge-orchestrator.intel.com/clustername': 'edge-1'}")
    out: Dict[str, str] = {}
    for key, value in labels.items():
        if not isinstance(key, str) or not key or not isinstance(value, str):
            shown = key if isinstance(key, str) else type(key).__name__
            raise ProfileRenderError(f"cluster label {shown!r} needs a non-empty string name and a string value",
                                     source=FLEET_GLOBALS_SOURCE, path=("global", "fleet", "clusterLabels"),
                                     hint="give each label as NAME=VALUE (an empty VALUE is allowed)")
        out[key] = value
    return out


def fill_cluster_label_references(tree: Dict[str, Any], labels: Mapping[str, str]) -> Dict[str, Any]:
    """A copy of a values map with Fleet's cluster-label references replaced by the target cluster's labels.

    Fleet replaces every string value that starts with
    ``global.fleet.clusterLabels.`` by the value of the label named by the
    rest ("" when the cluster lacks it), in maps and in maps that are list
    items; strings directly in a list, and lists in lists, are left alone. A
    cluster without labels gets no replacement at all. The maps and lists
    Fleet walks are copied (what it does not walk is shared); ``tree`` is
    never modified.
    """
    if not labels:
        return tree
    out: Dict[str, Any] = {}
    # An explicit stack, not recursion: a caller's dict may nest as deep as the limits allow.
    stack: List[Tuple[Dict[str, Any], Dict[str, Any]]] = [(tree, out)]
    while stack:
        source, target = stack.pop()
        for key, value in source.items():
            if isinstance(value, str) and value.startswith(_LABEL_REFERENCE):
                value = labels.get(value[len(_LABEL_REFERENCE):], "")
            elif isinstance(value, dict):
                copied: Dict[str, Any] = {}
                stack.append((value, copied))
                value = copied
            elif isinstance(value, list):
                items: List[Any] = []
                for item in value:
                    if isinstance(item, dict):
                        copied_item: Dict[str, Any] = {}
                        stack.append((item, copied_item))
                        item = copied_item
                    items.append(item)
                value = items
            target[key] = value
    return out


def fleet_globals_layer(deployment_generation: int = NEW_DEPLOYMENT_GENERATION,
                        cluster_labels: Optional[Mapping[str, str]] = None) -> Layer:
    """The ``fleet-globals.yaml`` layer ADM writes, with Fleet's cluster-label substitution applied.

    ``cluster_labels`` are the target cluster's labels; ``None`` stands for ADM
    without ``FLEET_ADD_GLOBAL_VARS`` (``clusterLabels`` is then an empty map,
    as ADM writes it). The layer is read back through the values reader, so
    provenance has lines and columns in the text ADM would write.
    """
    from profile_render.yamlio.load import load_values

    generation = check_deployment_generation(deployment_generation)
    written: Dict[str, str] = {}
    labels: Dict[str, str] = {}
    if cluster_labels is not None:
        labels = check_cluster_labels(cluster_labels)
        written = dict(_ADM_CLUSTER_LABELS)
    if written:
        document = {"global": {"fleet": {"deploymentGeneration": generation, "clusterLabels": written}}}
        from profile_render.emit import to_yaml

        text = to_yaml(document)
    else:  # what to_yaml writes for that document (a test compares them), without the emitter's cost per render
        text = f"global:\n  fleet:\n    clusterLabels: {{}}\n    deploymentGeneration: {int(generation)}\n"
    loaded = load_values(text, source=FLEET_GLOBALS_SOURCE)
    return Layer(fill_cluster_label_references(loaded.data, labels), FLEET_GLOBALS_SOURCE, FLEET_GLOBALS_KIND, loaded)


def overridden_fleet_globals(layers: Sequence[Layer], fleet_globals: Layer) -> List[ValuesWarning]:
    """A warning for each earlier layer that sets ``global.fleet.deploymentGeneration``: the layer's value wins."""
    found, generation = walk(fleet_globals.values, _GENERATION_PATH)
    assert found  # fleet_globals_layer always writes it
    warnings: List[ValuesWarning] = []
    for layer in layers:
        present, value = walk(layer.values, _GENERATION_PATH)
        if not present:
            continue
        position = layer.loaded.locate(_GENERATION_PATH) if layer.loaded is not None else None
        line, column = position if position is not None else (None, None)
        warnings.append(ValuesWarning(
            "fleet-global-overridden",
            f"{layer.kind} sets {format_path(_GENERATION_PATH)} to {value!r}, but the deployment's "
            f"{FLEET_GLOBALS_SOURCE} sets it to {generation!r} and is applied after it: the chart gets "
            f"{generation!r}",
            layer.source, line, column, _GENERATION_PATH,
            hint="remove the key from the values: the orchestrator always writes the deployment's generation there"))
    return warnings
