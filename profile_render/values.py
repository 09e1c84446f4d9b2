"""The values pipeline: load → merge → coalesce, returning what Helm's templates see as ``.Values``.

This is Helm's view only: placeholders such as ``'%GeneratedDockerCredential%'``
pass through as text. :func:`merge_values` is pure (no global state, no I/O
beyond reading the paths it is given) and safe to call from many threads.
"""

from __future__ import annotations

import os
from _thread import allocate_lock
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Collection, Dict, Iterable, List, Mapping, Optional, Sequence, TextIO, Tuple, Union

from profile_render.records import MutableRecord, Record
from profile_render.helm.chart import Chart, ChartLike, as_chart
from profile_render.errors import LimitExceededError, ProfileRenderError, StrictModeError, ValuesWarning, format_path
from profile_render.normalize import normalize_values
from profile_render.streams import read_bounded
from profile_render.yamlio.limits import DEFAULT_LIMITS
from profile_render.yamlio.load import Limits, LoadedValues, load_values, load_values_file
from profile_render.helm.coalesce import coalesce_values
from profile_render.helm.dependencies import apply_dependency_plan, import_values, plan_dependencies
from profile_render.origin import Origin, PathNotFoundError, TracedLeaf, parse_value_path, trace_tree
from profile_render.tree import check_tree, copy_tree, iter_leaves, merge_layers, walk

__all__ = ["Layer", "LayerLike", "MergeResult", "as_layer", "check_layer", "merge_values"]

if TYPE_CHECKING:  # pragma: no cover - schema validation loads only when a chart has a schema
    from profile_render.helm.schema.cache import ValidatorCache
    from profile_render.helm.valueflags import FlagArgument, SetFiles, SetFileValues

ValuesDict = Dict[str, Any]
ValuePath = Tuple[Any, ...]


class Layer(Record):
    """One user values layer (a ``-f`` file, a Profile's values, deployment overrides).

    Layers apply in the order given, later over earlier. ``kind`` names the
    layer in provenance ("values file", "profile", "overrides" ...). Build
    one with a constructor that says what it reads: :meth:`from_file` (a
    path), :meth:`from_text` (YAML text or bytes), :meth:`from_stream` (an
    open file object) or :meth:`from_mapping` (a Python mapping, normalised
    as Helm would read the same values from a file). ``normalized`` is true
    when ``values`` are known to hold only what Helm's values can (read by
    our reader or normalised); any other layer is normalised before use.

    >>> Layer.from_mapping({"replicas": 2.0}).values
    {'replicas': 2}
    """

    _fields = ("values", "source", "kind", "loaded", "normalized")
    _repr_fields = ("values", "source", "kind")
    _compare = ("values", "source", "kind")
    values: ValuesDict
    source: str
    kind: str
    loaded: Optional[LoadedValues]
    normalized: bool

    def __init__(self, values: ValuesDict, source: str = "<values>", kind: str = "values file",
                 loaded: Optional[LoadedValues] = None, normalized: bool = False) -> None:
        self._set("values", values)
        self._set("source", source)
        self._set("kind", kind)
        self._set("loaded", loaded)
        self._set("normalized", normalized)

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"], *, kind: str = "values file",
                  limits: Optional[Limits] = None, strict: bool = False,
                  placeholders: Optional[Collection[str]] = None) -> "Layer":
        """Read a values file as a layer.

        ``placeholders`` (names without % signs) may stand unquoted where a
        plain scalar starts (see :func:`~profile_render.yamlio.load.load_values`);
        a ``profile`` layer accepts the built-in ones unless told otherwise,
        as the Edge Orchestrator reads Profile text. Helm accepts none.

        >>> Layer.from_file(Path("examples/overrides.yaml")).values
        {'replicaCount': 3, 'service': {'port': 9090}}
        """
        loaded = load_values_file(path, limits=limits, strict=strict, placeholders=_unquoted_names(kind, placeholders))
        return cls(loaded.data, loaded.source, kind, loaded, True)

    @classmethod
    def from_text(cls, text: Union[str, bytes], *, source: str = "<string>", kind: str = "values file",
                  limits: Optional[Limits] = None, strict: bool = False,
                  placeholders: Optional[Collection[str]] = None) -> "Layer":
        """Parse YAML text as a layer (``placeholders`` as in :meth:`from_file`).

        >>> Layer.from_text("replicaCount: 2\\n", source="request body").values
        {'replicaCount': 2}
        """
        loaded = load_values(text, source=source, limits=limits, strict=strict,
                             placeholders=_unquoted_names(kind, placeholders))
        return cls(loaded.data, loaded.source, kind, loaded, True)
    @classmethod
    def from_stream(cls, stream: Union[BinaryIO, TextIO], *, source: Optional[str] = None,
                    kind: str = "values file", limits: Optional[Limits] = None, strict: bool = False) -> "Layer":
        """Read a values document from an open file object (binary or text) as a layer.

        Never more than ``limits.max_bytes + 1`` bytes (characters, for a
        text stream) are read; a longer document raises
        :class:`~profile_render.errors.LimitExceededError`. ``source``
        defaults to the stream's ``name`` when it has a textual one.

        >>> import io
        >>> Layer.from_stream(io.BytesIO(b"replicaCount: 2\\n"), source="upload.yaml").values
        {'replicaCount': 2}
        """
        limits = limits or DEFAULT_LIMITS
        name = getattr(stream, "name", None)
        label = source or (name if isinstance(name, str) else "<stream>")
        data = read_bounded(stream, limits.max_bytes, source=label, what="the values document",
                            hint="split the values or raise Limits.max_bytes")
        return cls.from_text(data, source=label, kind=kind, limits=limits, strict=strict)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, source: str = "<values>", kind: str = "values",
                     limits: Optional[Limits] = None) -> "Layer":
        """A layer holding what Helm would hold had it read ``values`` from a values file.

        Numbers become float64 (integers beyond 2**53 lose precision, as in
        Helm), tuples lists, mappings dicts; NaN, infinities, non-string keys,
        bytes and other objects raise :class:`~profile_render.errors.ValuesTypeError`
        naming ``source`` and the value path (see :mod:`profile_render.normalize`).
        The caller's mapping is copied, never changed.

        >>> Layer.from_mapping({"replicaCount": 2, "big": 2**53 + 1}).values
        {'replicaCount': 2, 'big': 9007199254740992.0}
        >>> try:
        ...     Layer.from_mapping({"ratio": float("nan")})
        ... except ValuesTypeError as error:
        ...     print(error.problem)
        the value is NaN, which Helm's values (JSON numbers) cannot hold
        """
        return cls(normalize_values(values, source=source, limits=limits), source, kind, None, True)

    @classmethod
    def from_loaded(cls, loaded: LoadedValues, *, kind: str = "values file") -> "Layer":
        """Wrap an already-loaded document as a layer."""
        return cls(loaded.data, loaded.source, kind, loaded, True)


LayerLike = Union[Layer, LoadedValues, Mapping[str, Any], "os.PathLike[str]"]

_STR_LAYER = ("a values layer given as {what} is ambiguous: pass pathlib.Path(...) or Layer.from_file(...) "
              "for a values file, or Layer.from_text(...) for YAML text")


def _unquoted_names(kind: str, given: Optional[Collection[str]]) -> Collection[str]:
    """The placeholders a layer of ``kind`` may hold unquoted: those given, else the built-ins for a Profile."""
    if given is not None:
        return given
    if kind != "profile":
        return ()
    from profile_render.orchestrator.placeholders import BUILTIN_NAMES  # only Profile layers need it

    return BUILTIN_NAMES


def as_layer(item: LayerLike, limits: Optional[Limits], strict: bool) -> Tuple[Layer, bool]:
    """Turn any accepted layer argument into a :class:`Layer` whose values Helm could hold, reading a path.

    The flag says whether the caller owns the layer's dicts (they were just
    read or copied here, so nobody else holds them and they may be consumed).
    A mapping, or a :class:`Layer` whose values did not come from our reader,
    is normalised as :meth:`Layer.from_mapping` does. A ``str`` (or
    ``bytes``) is refused with a ``TypeError``: it could be a path or YAML
    text, and is never silently taken as either.
    """
    if isinstance(item, Layer):
        if item.normalized or item.loaded is not None:
            return item, False
        values = normalize_values(item.values, source=item.source, limits=limits)
        return Layer(values, item.source, item.kind, None, True), True
    if isinstance(item, LoadedValues):
        return Layer.from_loaded(item), False
    if isinstance(item, Mapping):
        return Layer.from_mapping(item, limits=limits), True
    if isinstance(item, (str, bytes, bytearray)):
        raise TypeError(_STR_LAYER.format(what=type(item).__name__))
    if isinstance(item, os.PathLike):
        return Layer.from_file(item, limits=limits, strict=strict), True
    raise TypeError(f"a values layer must be a Layer, a mapping, loaded values or a path, "
                    f"not {type(item).__name__}")


def check_layer(layer: Layer, limits: Optional[Limits] = None) -> None:
    """Refuse a layer whose values were built outside our readers and Helm's values could not hold.

    Values read from YAML (or normalised) are already bounded and typed; a
    dict handed over through the API may nest without bound (or contain
    itself) or hold what no values file can (NaN, non-string keys, objects).
    Raises :class:`~profile_render.errors.LimitExceededError`
    (``Limits.max_depth``, ``Limits.max_nodes``) or
    :class:`~profile_render.errors.ValuesTypeError`, naming the value path.
    """
    as_layer(layer, limits, False)


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


class _SourceInfo(MutableRecord):
    _fields = ("kind", "source", "loaded", "values")
    kind: str
    source: str
    loaded: Optional[LoadedValues]
    values: Any

    def __init__(self, kind: str, source: str, loaded: Optional[LoadedValues], values: Any) -> None:
        self._set("kind", kind)
        self._set("source", source)
        self._set("loaded", loaded)
        self._set("values", values)


class MergeResult:
    """The values Helm's templates see, the warnings met on the way, and their provenance.

    The merge shares every chart default no user value reaches with the chart
    (copy-on-write, see ``helm/coalesce.py``), so holding many results costs
    little beyond what each render changed. ``values`` is the caller's own
    tree: a deep copy made on first access (once, under the result's lock),
    which the caller may change without touching the chart. ``to_json``,
    ``to_yaml``, ``value``, ``origin`` and schema validation read the
    shared tree and copy nothing; :meth:`read_only_values` gives it to
    callers who only read.

    >>> merged = merge_values(load_chart(Path("examples/hello-chart")), [Path("examples/overrides.yaml")],
    ...                       set_values=["service.port=9091"])
    >>> merged.value("service.port"), merged.origin("service.port").layer, merged.warnings
    (9091, '--set', [])
    >>> print(merged.to_json(indent=None)[:40])
    {"debug":{"verbose":true},"image":{"pull...
    """

    def __init__(
        self,
        values: ValuesDict,
        warnings: List[ValuesWarning],
        chart: Chart,
        *,
        _replay: "Optional[_Replay]" = None,
        exotic_floats: Optional[bool] = None,
    ) -> None:
        self._shared = values
        self._own: Optional[ValuesDict] = None
        self.warnings = warnings
        self.chart = chart
        self._replay = _replay
        self._traced: Any = None
        self._lock = allocate_lock()
        self._exotic_floats = exotic_floats

    @property
    def values(self) -> ValuesDict:
        """The final values as the caller's own tree (copied from the shared one on first access)."""
        own = self._own
        if own is None:
            with self._lock:
                if self._own is None:
                    try:
                        self._own = copy_tree(self._shared)
                    except RecursionError:
                        raise _too_deep("copied") from None
                own = self._own
        return own

    @values.setter
    def values(self, values: ValuesDict) -> None:
        self._own = values

    def read_only_values(self) -> ValuesDict:
        """The final values without a copy: never change what this returns (its untouched parts are the chart's)."""
        own = self._own
        return self._shared if own is None else own

    def __getstate__(self) -> Dict[str, Any]:
        """What a pickle keeps: everything but the lock and the provenance trace (recomputed when asked)."""
        state = dict(self.__dict__)
        del state["_lock"]
        state["_traced"] = None
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        """Restore a pickled result with a lock of its own."""
        self.__dict__.update(state)
        self._lock = allocate_lock()

    # -- inputs -----------------------------------------------------------
    @property
    def layers(self) -> Tuple[Layer, ...]:
        """The user layers as they merged, lowest precedence first (the value flags apply after them)."""
        return tuple(self._replay.layers) if self._replay is not None else ()

    @property
    def uses_value_flags(self) -> bool:
        """Whether ``--set``-style value flags applied after the layers."""
        return self._replay is not None and bool(self._replay.sets)

    # -- output -----------------------------------------------------------
    def to_json(self, *, indent: Optional[int] = 2) -> str:
        """The values as JSON, formatted as Helm's toJson formats numbers.

        >>> merged = merge_values(load_chart(Path("examples/hello-chart")), [Path("examples/overrides.yaml")])
        >>> merged.to_json(indent=None)[:33]
        '{"debug":{"verbose":true},"image"'
        """
        from profile_render.emit import to_json

        try:
            return to_json(self.read_only_values(), indent=indent, exotic_floats=self._exotic_floats)
        except RecursionError:
            raise _too_deep("written") from None

    def to_yaml(self) -> str:
        """The values as YAML that Helm reads back to exactly these values.

        >>> merged = merge_values(load_chart(Path("examples/hello-chart")), [Path("examples/overrides.yaml")])
        >>> merged.to_yaml().splitlines()[:2]
        ['debug:', '  verbose: true']
        """
        from profile_render.emit import to_yaml

        try:
            # A private copy: the shared tree may hold one default table in two places (globals, aliases),
            # which a YAML writer would turn into an anchor and an alias.
            return to_yaml(self._own if self._own is not None else copy_tree(self._shared))
        except RecursionError:
            raise _too_deep("written") from None

    # -- provenance ---------------------------------------------------------
    def _trace(self) -> Any:
        with self._lock:
            if self._traced is None and self._replay is not None:
                self._traced = self._replay.run()
            return self._traced

    def value(self, path: Union[str, Sequence[Any]]) -> Any:
        """The final value at a path (``"a.b[0]"`` or a tuple); raises PathNotFoundError.

        Before ``values`` was first read, a table or list comes back as a copy of its own.

        >>> merged = merge_values(load_chart(Path("examples/hello-chart")), [Path("examples/overrides.yaml")])
        >>> merged.value("service.port"), merged.value(("image", "pullPolicy"))
        (9090, 'IfNotPresent')
        """
        parts = parse_value_path(path) if isinstance(path, str) else tuple(path)
        found, value = walk(self.read_only_values(), parts)
        if not found:
            raise self._not_found(parts)
        return value if self._own is not None else copy_tree(value)

    def origins(self, path: Union[str, Sequence[Any]]) -> List[Origin]:
        """Every source that contributed to the value at ``path``, highest precedence first.

        >>> merged = merge_values(load_chart(Path("examples/hello-chart")), [Path("examples/overrides.yaml")])
        >>> [origin.source for origin in merged.origins("replicaCount")]
        ['examples/overrides.yaml']
        """
        try:
            return self._origins(path)
        except RecursionError:
            raise _too_deep("traced") from None

    def _origins(self, path: Union[str, Sequence[Any]]) -> List[Origin]:
        parts = parse_value_path(path) if isinstance(path, str) else tuple(path)
        found, _ = walk(self.read_only_values(), parts)
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
        """The source that decided the value at ``path`` (the highest-precedence contributor).

        >>> merged = merge_values(load_chart(Path("examples/hello-chart")), [Path("examples/overrides.yaml")])
        >>> print(merged.origin("replicaCount"))
        examples/overrides.yaml:3:1 (values file, replicaCount)
        """
        found = self.origins(path)
        return found[0] if found else None

    def _not_found(self, parts: ValuePath) -> PathNotFoundError:
        parent_found, parent = walk(self.read_only_values(), parts[:-1])
        hint = "list the values with `profile-render merge` to see which paths exist"
        if parent_found and isinstance(parent, dict) and parts and isinstance(parts[-1], str):
            from difflib import get_close_matches  # only for this message

            close = get_close_matches(parts[-1], [str(k) for k in parent], n=1)
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

    def __init__(self, chart: Chart, layers: Sequence[Layer], sets: Sequence[FlagArgument], plan: Any,
                 limits: Limits, files: Optional[SetFiles]) -> None:
        self.chart = chart
        self.layers = layers
        self.sets = sets
        self.files = files
        self.plan = plan
        self.limits = limits
        self.sources: List[_SourceInfo] = []

    def run(self) -> Any:
        sources = self.sources = []
        chart_index: Dict[int, int] = {}
        # Lower index = lower precedence: subcharts, parent chart, layers, then the value flags in Helm's order.
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
        def tagger(argument: FlagArgument) -> Callable[[Any], Any]:
            index = len(sources)
            sources.append(_SourceInfo(argument.flag, argument.source, None, None))
            return lambda value: TracedLeaf(index, (), value)

        if self.sets:
            from profile_render.helm.valueflags import apply_flags

            assert self.files is not None  # the merge made them when it had value flags
            apply_flags(self.sets, user, limits=self.limits, files=self.files, leaf_for=tagger)
        effective = import_values(apply_dependency_plan(traced_chart, self.plan))
        return coalesce_values(effective, user, copy=False, share_defaults=True)

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
    chart: ChartLike,
    layers: Iterable[LayerLike] = (),
    *,
    set_values: Sequence[str] = (),
    set_string_values: Sequence[str] = (),
    set_json_values: Sequence[str] = (),
    set_file_values: SetFileValues = (),
    set_literal_values: Sequence[str] = (),
    strict: bool = False,
    limits: Optional[Limits] = None,
    transform_set_value: Optional[Callable[[Any, str], Any]] = None,
    validate_schema: bool = True,
    schema_cache: Optional["ValidatorCache"] = None,
    schema_refs: Mapping[str, Any] = {},
) -> MergeResult:
    """Compute the values Helm's templates see for a chart and user layers.

    Equivalent to ``helm template CHART -f layer1 -f layer2 ... --set ...``:
    layers merge in order (later wins), then the value flags apply by kind,
    as Helm applies them whatever their command-line position: every
    ``--set-json``, ``--set``, ``--set-string``, ``--set-file`` and
    ``--set-literal`` argument (see ``helm/setvalues.py``); then dependencies
    are processed and everything is coalesced with the chart defaults. With
    ``strict`` the first warning is raised as an error.

    ``set_file_values`` holds ``KEY=PATH`` arguments (each file read from
    disk through the safe reader, all of them within ``Limits.max_bytes``) or
    a mapping ``{KEY: text}`` giving the contents in memory, no file read.

    ``transform_set_value(value, source)``, when given, rewrites each scalar
    a flag argument assigns (``source`` names the argument, e.g.
    ``--set-json a=1``); the render stage uses it to resolve placeholders
    given on the command line.

    As ``helm template`` does, the final values are validated against the
    chart's ``values.schema.json`` and each effective subchart's
    (:class:`~profile_render.helm.schema.SchemaValidationError`, every
    violation located); ``validate_schema=False`` (Helm's
    ``--skip-schema-validation``) skips it, ``schema_cache`` and
    ``schema_refs`` work as for :func:`~profile_render.rendering.render`.

    ``chart`` is a :class:`Chart` (``load_chart``, ``Chart.from_archive``,
    ``Chart.from_files``) or an ``os.PathLike``; a ``str`` raises
    ``TypeError``, as a ``str`` layer does (see :func:`as_layer`).

    >>> from pathlib import Path
    >>> merge_values(Path("examples/hello-chart"), [{"replicaCount": 3}]).value("replicaCount")
    3
    >>> merge_values(Path("examples/hello-chart"), set_json_values=['ports=[80,443]']).value("ports")
    [80, 443]
    """
    limits = limits or DEFAULT_LIMITS
    if isinstance(chart, Chart):
        _check_chart(chart, limits)
    else:
        chart = as_chart(chart, limits=limits)
    warnings: List[ValuesWarning] = list(chart.warnings)
    if isinstance(layers, (str, bytes, bytearray, Mapping)):
        raise TypeError("layers must be a list of layers (Layer, a mapping, loaded values or a path), "
                        f"not {type(layers).__name__}")
    user_layers: List[Layer] = []
    for item in layers:
        layer, _mine = as_layer(item, limits, strict)
        user_layers.append(layer)
        if layer.loaded is not None:
            warnings.extend(layer.loaded.warnings)
    if strict and warnings:
        raise StrictModeError(warnings[0])
    sets: Sequence[FlagArgument] = ()
    if set_values or set_string_values or set_json_values or set_file_values or set_literal_values:
        from profile_render.helm.valueflags import flag_arguments  # only merges given value flags load them

        sets = flag_arguments(set_values=set_values, set_string_values=set_string_values,
                              set_json_values=set_json_values, set_file_values=set_file_values,
                              set_literal_values=set_literal_values)
    try:
        result = _merge(chart, user_layers, sets, warnings, strict, limits, transform_set_value)
    except RecursionError:
        raise _too_deep("merged") from None
    if validate_schema and any(sub.schema is not None for _prefix, sub in result.chart.walk()):
        from profile_render.helm.schema import validate_values  # loads jsonschema: only for charts with a schema

        validate_values(result.chart, result.read_only_values(), cache=schema_cache, origin=result.origin,
                        local_refs=schema_refs)
    return result


def _merge(chart: Chart, user_layers: List[Layer], sets: Sequence[FlagArgument], warnings: List[ValuesWarning],
           strict: bool, limits: Limits, transform_set_value: Optional[Callable[[Any, str], Any]]) -> MergeResult:
    """The body of :func:`merge_values`, once its inputs are read and checked."""
    user = merge_layers([layer.values for layer in user_layers], copy=True, check=False)  # checked above
    files: Optional[SetFiles] = None
    if sets:
        from profile_render.helm.valueflags import SetFiles, apply_flags

        files = SetFiles(limits)  # each --set-file file read once; the provenance replay reads the same text

        def transformer(argument: FlagArgument) -> Optional[Callable[[Any], Any]]:
            if transform_set_value is None:
                return None
            return lambda value: transform_set_value(value, argument.source)

        apply_flags(sets, user, limits=limits, files=files, leaf_for=transformer)

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
    final = coalesce_values(effective, user, warn=warn, copy=False, share_defaults=True)
    result = MergeResult(final, warnings, effective, _replay=_Replay(chart, user_layers, sets, plan, limits, files))
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
