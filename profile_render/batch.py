"""Many renders at once: :func:`render_many` renders a batch of deployments, loading each distinct chart once.

A fleet operation (a credential rotation, a chart upgrade across every
deployment) renders the same few charts for many deployments. Each
:class:`RenderRequest` names a chart, the Profile, overrides, deployment
context and registry (and any other keyword of :func:`~profile_render.render`);
:func:`render_many` groups the requests by chart, loads each chart once and
renders every request of the group against it, on a
:class:`concurrent.futures.Executor` of the caller's choice or in the calling
thread. It schedules nothing itself: the executor decides where work runs.

- **No executor** (the default): the calling thread renders one request after
  the other. Renders are CPU-bound Python, so threads add no speed under the
  GIL; with a loaded chart a render costs about what its Profile holds (see
  docs/performance.md).
- **A ``ThreadPoolExecutor``**: the same, spread over threads sharing one
  :class:`~profile_render.ChartCache` and the loaded charts (useful beside I/O).
- **Any other executor** (``ProcessPoolExecutor``, ``dask.distributed``'s
  ``Client.get_executor()``): workers share no memory with the caller, so the
  requests of one chart travel in chunks of ``chunk_size`` with the chart's
  *reference* (its path, or its archive bytes or files mapping once per chunk),
  and each chunk loads the chart once in its worker. Requests, results and
  errors are pickled, so the chart reference, the layers and ``transform``
  must be picklable (a module-level function, not a lambda).

Errors are per request: a :class:`~profile_render.errors.ProfileRenderError`
(a bad Profile, a chart that does not load, a schema violation ...) is
returned in that request's :class:`RenderOutcome` and the rest of the batch
goes on. A request that is not a :class:`RenderRequest`, or a keyword
``render`` does not take, raises ``TypeError`` before anything runs; any
other exception (a bug) propagates, as it would from ``render``.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Hashable, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.chart_cache import ChartCache
from profile_render.errors import ProfileRenderError
from profile_render.helm.chart import Chart
from profile_render.orchestrator.model import DeploymentContext, ImageRegistry
from profile_render.rendering import RenderResult, render

__all__ = ["RenderRequest", "RenderOutcome", "render_many"]

ChartRef = Union[Chart, "os.PathLike[str]", bytes, Mapping[str, Union[bytes, str]]]
"""A loaded chart, a chart directory / ``.tgz`` / values file on disk, ``.tgz`` bytes, or a chart's files in memory."""

# render()'s own arguments that a request holds in fields of its own.
_OWN_FIELDS = ("chart", "profile", "overrides", "context", "registry")
_RENDER_OPTIONS = frozenset({
    "set_values", "set_string_values", "set_json_values", "set_file_values", "set_literal_values",
    "placeholders", "prehook_literal", "secret_namer", "strict", "limits", "parameter_templates", "parameters",
    "application", "validate_schema", "schema_cache", "schema_refs", "gateway_ca", "deployment_generation",
    "cluster_labels",
})


@dataclass(frozen=True)
class RenderRequest:
    """One deployment to render: the arguments of :func:`~profile_render.render`, plus a key of the caller's.

    ``chart`` is a loaded :class:`~profile_render.Chart`, an ``os.PathLike``
    (chart directory, ``.tgz`` or values file), ``.tgz`` bytes, or a mapping
    of a chart directory's files (as :meth:`Chart.from_files` takes).
    ``options`` holds any other keyword argument of ``render``
    (``set_values``, ``parameters``, ``gateway_ca`` ...). ``key`` is returned
    in the outcome untouched (a deployment id, say).

    >>> request = RenderRequest(Path("examples/hello-chart"),
    ...                         DeploymentContext("hello-world", "1.0.0", "deployment-abc12", "apps"),
    ...                         profile={"replicaCount": 2}, key="deployment-abc12")
    >>> render_many([request])[0].result.value("replicaCount")
    2
    """

    chart: ChartRef
    context: DeploymentContext
    profile: Any = None
    overrides: Sequence[Any] = ()
    registry: Optional[ImageRegistry] = None
    options: Mapping[str, Any] = field(default_factory=dict)
    key: Any = None

    def __post_init__(self) -> None:
        """Refuse what ``render`` would refuse for its types, before any batch runs."""
        if not isinstance(self.chart, (Chart, os.PathLike, bytes, Mapping)):
            raise TypeError("RenderRequest.chart must be a Chart, an os.PathLike, .tgz bytes or a mapping of "
                            f"chart files, not {type(self.chart).__name__}")
        if not isinstance(self.context, DeploymentContext):
            raise TypeError("RenderRequest.context must be a DeploymentContext")
        if self.registry is not None and not isinstance(self.registry, ImageRegistry):
            raise TypeError("RenderRequest.registry must be an ImageRegistry or None")
        if not isinstance(self.options, Mapping):
            raise TypeError("RenderRequest.options must be a mapping of render() keyword arguments")
        unknown = sorted(set(self.options) - _RENDER_OPTIONS)
        if unknown:
            own = [name for name in unknown if name in _OWN_FIELDS]
            hint = f" ({', '.join(own)}: a field of RenderRequest)" if own else ""
            raise TypeError(f"RenderRequest.options holds {', '.join(map(repr, unknown))}, which render() does "
                            f"not take as an option{hint}")


@dataclass(frozen=True)
class RenderOutcome:
    """What became of one request: its ``result`` (or what ``transform`` made of it) or its ``error``.

    ``index`` is the request's position in the batch and ``key`` its
    :attr:`RenderRequest.key`; exactly one of ``result`` and ``error`` is set.

    >>> context = DeploymentContext("hello-world", "1.0.0", "deployment-abc12", "apps")
    >>> good = RenderRequest(Path("examples/hello-chart"), context, key="good")
    >>> bad = RenderRequest(Path("examples/hello-chart"), context, profile={"replicaCount": float("nan")}, key="bad")
    >>> [(o.key, o.ok, type(o.error).__name__ if o.error else None) for o in render_many([good, bad])]
    [('good', True, None), ('bad', False, 'ValuesTypeError')]
    """

    index: int
    key: Any
    result: Any = None
    error: Optional[ProfileRenderError] = None

    @property
    def ok(self) -> bool:
        """Whether the request rendered."""
        return self.error is None


Transform = Callable[[RenderResult], Any]
_Items = List[Tuple[int, RenderRequest]]


def render_many(requests: Iterable[RenderRequest], executor: Optional[Executor] = None, *,
                cache: Optional[ChartCache] = None, transform: Optional[Transform] = None,
                chunk_size: int = 64) -> List[RenderOutcome]:
    """Render every request, each distinct chart loaded once; one outcome per request, in request order.

    ``executor`` runs the work (see the module's docstring): None renders in
    the calling thread, a ``ThreadPoolExecutor`` on its threads with charts
    shared in memory, any other executor in chunks of at most ``chunk_size``
    requests of one chart, each chunk loading its chart once in its worker.
    ``cache`` keeps the charts loaded here (threads or none) for later
    batches; without one, the batch uses its own. ``transform(result)``, when
    given, runs where the render ran and its return value becomes the
    outcome's ``result`` (e.g. ``RenderResult.masked`` or a function returning
    ``result.to_json(masked=True)``, to send back less than a whole result
    from a process).

    >>> from pathlib import Path
    >>> from profile_render import DeploymentContext
    >>> chart = Path("examples/hello-chart")
    >>> batch = [RenderRequest(chart, DeploymentContext("hello-world", "1.0.0", f"deployment-{n}", "apps"),
    ...                        overrides=[{"replicaCount": n}], key=n) for n in (1, 2)]
    >>> [(o.key, o.result.value("replicaCount")) for o in render_many(batch)]
    [(1, 1), (2, 2)]
    """
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
        raise ValueError("render_many chunk_size must be a positive integer")
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError("executor must be a concurrent.futures.Executor or None")
    groups: Dict[Hashable, _Items] = {}
    for index, request in enumerate(requests):
        if not isinstance(request, RenderRequest):
            raise TypeError(f"render_many takes RenderRequest objects; item {index} is {type(request).__name__}")
        groups.setdefault(_chart_key(request.chart), []).append((index, request))
    outcomes: Dict[int, RenderOutcome] = {}
    if executor is None or isinstance(executor, ThreadPoolExecutor):
        charts = cache if cache is not None else ChartCache()
        jobs = [(items, _load_here(charts, items[0][1].chart)) for items in groups.values()]
        if executor is None:
            for items, chart in jobs:
                outcomes.update(_render_items(chart, items, transform))
        else:
            futures = [executor.submit(_render_items, chart, chunk, transform)
                       for items, chart in jobs for chunk in _chunks(items, chunk_size)]
            for future in futures:
                outcomes.update(future.result())
    else:
        futures = [executor.submit(_render_chunk_remote, chunk[0][1].chart, chunk, transform)
                   for items in groups.values() for chunk in _chunks(items, chunk_size)]
        for future in futures:
            outcomes.update(future.result())
    return [outcomes[index] for index in sorted(outcomes)]


def _chart_key(chart: ChartRef) -> Hashable:
    """What tells one chart reference of a batch from another (the same object, path or archive bytes)."""
    if isinstance(chart, os.PathLike):
        return ("path", os.fsdecode(chart))
    if isinstance(chart, bytes):
        return ("archive", hashlib.sha256(chart).hexdigest())
    return ("object", id(chart))  # a Chart or a files mapping: the batch holds it, so its id stays unique


def _chunks(items: _Items, size: int) -> List[_Items]:
    """``items`` cut into consecutive pieces of at most ``size``."""
    return [items[start:start + size] for start in range(0, len(items), size)]


def _load_here(cache: ChartCache, chart: ChartRef) -> Union[Chart, ProfileRenderError]:
    """The chart a reference names, through ``cache``; a chart that does not load gives its error."""
    try:
        if isinstance(chart, Chart):
            return chart
        if isinstance(chart, os.PathLike):
            return cache.load(chart)
        if isinstance(chart, bytes):
            return cache.archive(chart)
        return cache.files(chart)
    except ProfileRenderError as error:
        return error


def _render_chunk_remote(chart: ChartRef, items: _Items, transform: Optional[Transform]) -> Dict[int, RenderOutcome]:
    """A chunk's renders in a worker that shares no memory with the caller: the chart is loaded here, once."""
    return _render_items(_load_here(ChartCache(max_entries=1), chart), items, transform)


def _render_items(chart: Union[Chart, ProfileRenderError], items: _Items,
                  transform: Optional[Transform]) -> Dict[int, RenderOutcome]:
    """Render each request against the loaded chart (or give each the chart's load error)."""
    out: Dict[int, RenderOutcome] = {}
    for index, request in items:
        if isinstance(chart, ProfileRenderError):
            out[index] = RenderOutcome(index, request.key, error=chart)
            continue
        try:
            result = render(chart, request.profile, request.overrides, context=request.context,
                            registry=request.registry, **request.options)
        except ProfileRenderError as error:
            out[index] = RenderOutcome(index, request.key, error=error)
            continue
        out[index] = RenderOutcome(index, request.key, transform(result) if transform is not None else result)
    return out
