"""The values pipeline: load → merge → coalesce, returning what Helm's templates see as ``.Values``.

This is Helm's view only: placeholders such as ``'%GeneratedDockerCredential%'``
pass through as text. :func:`merge_values` is pure (no global state, no I/O
beyond reading the paths it is given) and safe to call from many threads.
"""

from __future__ import annotations

import difflib
import os
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from profile_render.helm.chart import Chart, load_chart
from profile_render.errors import LimitExceededError, ProfileRenderError, StrictModeError, ValuesWarning, format_path
from profile_render.yamlio.limits import DEFAULT_LIMITS
from profile_render.yamlio.load import Limits, LoadedValues, load_values, load_values_file
from profile_render.helm.coalesce import coalesce_values
from profile_render.helm.dependencies import apply_dependency_plan, import_values, plan_dependencies
from profile_render.origin import Origin, PathNotFoundError, TracedLeaf, parse_value_path, trace_tree
from profile_render.helm.setvalues import SetBudget, apply_set
from profile_render.tree import check_tree, iter_leaves, merge_layers, walk

__all__ = ["Layer", "LayerLike", "MergeResult", "as_layer", "check_layer", "merge_values"]

ValuesDict = Dict[str, Any]
ValuePath = Tuple[Any, ...]


@dataclass(frozen=True)
class Layer:
    """One user values layer (a ``-f`` file, a Profile's values, deployment overrides).

    Layers apply in the order given, later over earlier. ``kind`` names the
    layer in provenance ("values file", "profile", "overrides" ...).
    """

    values: ValuesDict
    source: str = "<values>"
    kind: str = "values file"
    loaded: Optional[LoadedValues] = field(default=None, repr=False, compare=False)

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"], *, kind: str = "values file",
                  limits: Optional[Limits] = None, strict: bool = False) -> "Layer":
        """Read a values file as a layer."""
        loaded = load_values_file(path, limits=limits, strict=strict)
        return cls(loaded.data, loaded.source, kind, loaded)

    @classmethod
    def from_text(cls, text: Union[str, bytes], *, source: str = "<string>", kind: str = "values file",
                  limits: Optional[Limits] = None, strict: bool = False) -> "Layer":
        """Parse YAML text as a layer."""
        loaded = load_values(text, source=source, limits=limits, strict=strict)
        return cls(loaded.data, loaded.source, kind, loaded)

    @classmethod
    def from_loaded(cls, loaded: LoadedValues, *, kind: str = "values file") -> "Layer":
        """Wrap an already-loaded document as a layer."""
        return cls(loaded.data, loaded.source, kind, loaded)


LayerLike = Union[Layer, LoadedValues, ValuesDict, str, "os.PathLike[str]"]


def as_layer(item: LayerLike, limits: Optional[Limits], strict: bool) -> Tuple[Layer, bool]:
    """Turn any accepted layer argument into a :class:`Layer`, reading it when it is a path.

    The flag says whether the caller owns the layer's dicts (they were just
    read from a file, so nobody else holds them and they may be consumed).
    A dict is wrapped as it is, with the source ``<values>``. Values that did
    not come from our reader (a dict, a :class:`Layer` built from one) are
    checked against ``limits.max_depth`` and ``limits.max_nodes`` first
    (:func:`check_layer`).
    """
    if isinstance(item, Layer):
        check_layer(item, limits)
        return item, False
    if isinstance(item, LoadedValues):
        return Layer.from_loaded(item), False
    if isinstance(item, dict):
        layer = Layer(item, "<values>", "values")
        check_layer(layer, limits)
        return layer, False
    return Layer.from_file(item, limits=limits, strict=strict), True


def check_layer(layer: Layer, limits: Optional[Limits] = None) -> None:
    """Refuse a layer whose values were built outside our readers and are too deep or too large to merge.

    Values read from YAML are already bounded by the reader; a dict handed
    over through the API may nest without bound (or contain itself), and
    every later stage walks it. Raises :class:`~profile_render.errors.LimitExceededError`
    (``Limits.max_depth``, ``Limits.max_nodes``).
    """
    if layer.loaded is None:
        limits = limits or DEFAULT_LIMITS
        check_tree(layer.values, max_depth=limits.max_depth, max_nodes=limits.max_nodes, source=layer.source)


def _check_chart(chart: Chart, limits: Limits) -> None:
    """The same check for a caller-built chart's defaults (charts read from files were read by our reader)."""
    for _prefix, sub in chart.walk():
        if sub.values_source is None and sub.values:
            check_tree(sub.values, max_depth=limits.max_depth, max_nodes=limits.max_nodes,
                       source=sub.source or sub.name)


def _too_deep(what: str) -> LimitExceededError:
    """The error for values that exhausted Python's recursion limit while being ``what`` (merged, written ...)."""
    return LimitExceededError(f"the values are nested too deeply to be {what}",
                              hint="flatten the structure, or lower Limits.max_depth so such values are "
                                   "refused where they are read")


@dataclass
class _SourceInfo:
    kind: str
    source: str
    loaded: Optional[LoadedValues]
    values: Any


class MergeResult:
    """The values Helm's templates see, the warnings met on the way, and their provenance."""

    def __init__(
        self,
        values: ValuesDict,
        warnings: List[ValuesWarning],
        chart: Chart,
        *,
        _replay: "Optional[_Replay]" = None,
        exotic_floats: Optional[bool] = None,
    ) -> None:
        self.values = values
        self.warnings = warnings
        self.chart = chart
        self._replay = _replay
        self._traced: Any = None
        self._lock = threading.Lock()
        self._exotic_floats = exotic_floats

    # -- output -----------------------------------------------------------
    def to_json(self, *, indent: Optional[int] = 2) -> str:
        """The values as JSON, formatted as Helm's toJson formats numbers."""
        from profile_render.emit import to_json

        try:
            return to_json(self.values, indent=indent, exotic_floats=self._exotic_floats)
        except RecursionError:
            raise _too_deep("written") from None

    def to_yaml(self) -> str:
        """The values as YAML that Helm reads back to exactly these values."""
        from profile_render.emit import to_yaml

        try:
            return to_yaml(self.values)
        except RecursionError:
            raise _too_deep("written") from None

    # -- provenance ---------------------------------------------------------
    def _trace(self) -> Any:
        with self._lock:
            if self._traced is None and self._replay is not None:
                self._traced = self._replay.run()
            return self._traced

    def value(self, path: Union[str, Sequence[Any]]) -> Any:
        """The final value at a path (``"a.b[0]"`` or a tuple); raises PathNotFoundError."""
        parts = parse_value_path(path) if isinstance(path, str) else tuple(path)
        found, value = walk(self.values, parts)
        if not found:
            raise self._not_found(parts)
        return value

    def origins(self, path: Union[str, Sequence[Any]]) -> List[Origin]:
        """Every source that contributed to the value at ``path``, highest precedence first."""
        try:
            return self._origins(path)
        except RecursionError:
            raise _too_deep("traced") from None

    def _origins(self, path: Union[str, Sequence[Any]]) -> List[Origin]:
        parts = parse_value_path(path) if isinstance(path, str) else tuple(path)
        found, _ = walk(self.values, parts)
        if not found:
            raise self._not_found(parts)
        replay = self._replay
        traced = self._trace()
        if replay is None or traced is None:
            return []
        _, node = walk(traced, parts)
        if isinstance(node, TracedLeaf):
            return [replay.origin_of_leaf(node, node.path, parts)]
        if isinstance(node, (dict, list)):
            ranked: Dict[int, Origin] = {}
            for final_suffix, leaf in _leaves_with_paths(node):
                if leaf.layer in ranked:
                    continue
                source_path = leaf.path
                if final_suffix and tuple(source_path[-len(final_suffix):]) == final_suffix:
                    source_path = source_path[: len(source_path) - len(final_suffix)]
                ranked[leaf.layer] = replay.origin_of_leaf(leaf, source_path, parts)
            if ranked:
                return [ranked[k] for k in sorted(ranked, reverse=True)]
        return replay.search(parts)

    def origin(self, path: Union[str, Sequence[Any]]) -> Optional[Origin]:
        """The source that decided the value at ``path`` (the highest-precedence contributor)."""
        found = self.origins(path)
        return found[0] if found else None

    def _not_found(self, parts: ValuePath) -> PathNotFoundError:
        parent_found, parent = walk(self.values, parts[:-1])
        hint = "list the values with `profile-render merge` to see which paths exist"
        if parent_found and isinstance(parent, dict) and parts and isinstance(parts[-1], str):
            close = difflib.get_close_matches(parts[-1], [str(k) for k in parent], n=1)
            if close:
                hint = f"did you mean {format_path(parts[:-1] + (close[0],))}?"
        elif not parent_found:
            hint = "a parent of this path is not set either"
        return PathNotFoundError(f"{format_path(parts)} is not set in the final values", hint=hint)


def _leaves_with_paths(node: Any) -> Iterable[Tuple[ValuePath, TracedLeaf]]:
    """Every traced leaf under a node of a traced tree, with its path relative to the node."""
    return ((path, leaf) for path, leaf in iter_leaves(node) if isinstance(leaf, TracedLeaf))


class _Replay:
    """Everything needed to replay a merge with traced leaves (see profile_render.origin)."""

    def __init__(self, chart: Chart, layers: Sequence[Layer], sets: Sequence[Tuple[str, bool]], plan: Any,
                 limits: Limits) -> None:
        self.chart = chart
        self.layers = layers
        self.sets = sets
        self.plan = plan
        self.limits = limits
        self.sources: List[_SourceInfo] = []

    def run(self) -> Any:
        sources = self.sources = []
        chart_index: Dict[int, int] = {}
        # Lower index = lower precedence: subcharts, parent chart, layers, --set, --set-string.
        for prefix, chart in reversed(self.chart.walk()):
            chart_index[id(chart)] = len(sources)
            kind = "chart defaults" if not prefix else "subchart defaults"
            source = chart.values_source.source if chart.values_source else chart.source
            sources.append(_SourceInfo(kind, source, chart.values_source, chart.values))
        traced_chart = self._trace_chart(self.chart, chart_index)
        traced_layers = []
        for layer in self.layers:
            traced_layers.append(trace_tree(layer.values, len(sources)))
            sources.append(_SourceInfo(layer.kind, layer.source, layer.loaded, layer.values))
        user = merge_layers(traced_layers, copy=False)
        budget = SetBudget(self.limits.max_set_nodes)
        for expression, as_string in self.sets:
            index = len(sources)
            flag = "--set-string" if as_string else "--set"
            sources.append(_SourceInfo(flag, f"{flag} {expression}", None, None))
            def tag(value: Any, index: int = index) -> Any:
                return TracedLeaf(index, (), value)

            apply_set(expression, user, as_string=as_string, leaf=tag, limits=self.limits, budget=budget)
        effective = import_values(apply_dependency_plan(traced_chart, self.plan))
        return coalesce_values(effective, user, copy=False)

    def _trace_chart(self, chart: Chart, index: Dict[int, int]) -> Chart:
        return chart.with_changes(
            values=trace_tree(chart.values, index[id(chart)]),
            dependencies=tuple(self._trace_chart(sub, index) for sub in chart.dependencies),
        )

    def origin_of_leaf(self, leaf: TracedLeaf, source_path: ValuePath, final_path: ValuePath) -> Origin:
        info = self.sources[leaf.layer]
        if info.values is None:  # a --set argument: its paths are final paths
            return Origin(info.kind, info.source, None, None, tuple(final_path))
        line = column = None
        if info.loaded is not None and source_path:
            spot = info.loaded.locate(tuple(source_path))
            if spot is not None:
                line, column = spot
        return Origin(info.kind, info.source, line, column, tuple(source_path))

    def search(self, parts: ValuePath) -> List[Origin]:
        """Fallback for nulls and empty containers: the layers whose own values hold the path."""
        out = []
        for index in range(len(self.sources) - 1, -1, -1):
            info = self.sources[index]
            if info.values is None:
                continue
            found, _ = walk(info.values, parts)
            if found:
                out.append(self.origin_of_leaf(TracedLeaf(index, parts, None), parts, parts))
        return out


def merge_values(
    chart: Union[Chart, str, "os.PathLike[str]"],
    layers: Iterable[LayerLike] = (),
    *,
    set_values: Sequence[str] = (),
    set_string_values: Sequence[str] = (),
    strict: bool = False,
    limits: Optional[Limits] = None,
    transform_set_value: Optional[Callable[[Any, str], Any]] = None,
) -> MergeResult:
    """Compute the values Helm's templates see for a chart and user layers.

    Equivalent to ``helm template CHART -f layer1 -f layer2 ... --set ... --set-string ...``:
    layers merge in order (later wins), then every ``--set``, then every
    ``--set-string`` (Helm applies them by kind, not by command-line position),
    then dependencies are processed and everything is coalesced with the chart
    defaults. With ``strict`` the first warning is raised as an error.

    ``transform_set_value(value, expression)``, when given, rewrites each
    scalar a ``--set``/``--set-string`` expression assigns (the render stage
    uses it to resolve placeholders given on the command line).
    """
    limits = limits or DEFAULT_LIMITS
    if not isinstance(chart, Chart):
        chart = load_chart(chart, limits=limits)
    else:
        _check_chart(chart, limits)
    warnings: List[ValuesWarning] = list(chart.warnings)
    user_layers: List[Layer] = []
    for item in layers:
        layer, _mine = as_layer(item, limits, strict)
        user_layers.append(layer)
        if layer.loaded is not None:
            warnings.extend(layer.loaded.warnings)
    if strict and warnings:
        raise StrictModeError(warnings[0])
    sets: List[Tuple[str, bool]] = [(s, False) for s in set_values] + [(s, True) for s in set_string_values]
    try:
        return _merge(chart, user_layers, sets, warnings, strict, limits, transform_set_value)
    except RecursionError:
        raise _too_deep("merged") from None


def _merge(chart: Chart, user_layers: List[Layer], sets: List[Tuple[str, bool]], warnings: List[ValuesWarning],
           strict: bool, limits: Limits, transform_set_value: Optional[Callable[[Any, str], Any]]) -> MergeResult:
    """The body of :func:`merge_values`, once its inputs are read and checked."""
    user = merge_layers([layer.values for layer in user_layers], copy=True, check=False)  # checked above
    budget = SetBudget(limits.max_set_nodes)  # shared by every --set and --set-string of the call
    for expression, as_string in sets:
        if transform_set_value is None:
            apply_set(expression, user, as_string=as_string, limits=limits, budget=budget)
        else:
            flag = "--set-string" if as_string else "--set"

            def transformed(value: Any, source: str = f"{flag} {expression}") -> Any:
                assert transform_set_value is not None
                return transform_set_value(value, source)

            apply_set(expression, user, as_string=as_string, leaf=transformed, limits=limits, budget=budget)

    seen = set()
    first_merge_warning = len(warnings)

    def warn(w: ValuesWarning) -> None:
        key = (w.code, w.path, w.message)
        if key in seen:
            return
        seen.add(key)
        warnings.append(w)

    plan = plan_dependencies(chart, user, warn=warn)
    effective = import_values(apply_dependency_plan(chart, plan))
    final = coalesce_values(effective, user, warn=warn, copy=False)
    result = MergeResult(final, warnings, effective, _replay=_Replay(chart, user_layers, sets, plan, limits))
    for index in range(first_merge_warning, len(warnings)):
        warnings[index] = _located_warning(result, warnings[index])
    if strict and len(warnings) > first_merge_warning:
        raise StrictModeError(warnings[first_merge_warning])
    return result


def _located_warning(result: MergeResult, warning: ValuesWarning) -> ValuesWarning:
    """A merge warning at the file, line and column of the user value it is about (as it is when unknown).

    Coalescing sees merged values, not files; the value's origin (found by
    replaying the merge, only when there is a warning) says which layer gave it.
    """
    if warning.source is not None or not warning.path:
        return warning
    try:
        origin = result.origin(warning.path)
    except ProfileRenderError:
        return warning
    if origin is None or origin.layer in ("chart defaults", "subchart defaults"):
        return warning
    return ValuesWarning(warning.rule or "", warning.message, origin.source, origin.line, origin.column, warning.path,
                         warning.hint, related=warning.related)
