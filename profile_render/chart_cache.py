"""A chart cache for services: each chart loaded once, keyed by its content digest, shared across renders and threads.

A service that renders many deployments of few charts pays for reading and
parsing a chart (decompressing, YAML, ``Chart.yaml`` checks) once per
content: the cache keys every chart by the SHA-256 digest of what decides it
(an archive's bytes; a directory's or a files mapping's names and
values-deciding contents, see :class:`~profile_render.helm.chart.PreparedChart`),
together with its kind and the source label it was loaded with (the label
shows in errors and provenance); the limits are the cache's own, the same for
every load. A chart changed on disk or sent
again with other bytes is a new key; an identical one is a hit.

The cache is bounded by entries and by the bytes of the inputs it holds, and
evicts the least recently used chart first. It is thread-safe: one lock
guards the table, and threads asking for the same missing chart wait for the
one that loads it (a failed load is not cached; each waiter then tries
itself). Charts are immutable by contract (``render`` and ``merge_values``
never change a chart: coalescing copies a default table before writing into
it, and results share the tables it does not write), so one cached chart
serves concurrent renders. A caller must not change a chart's ``values``
either. What is derived from a chart alone is kept in its ``memo``, so a
cached chart also saves that work for every later render.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import IO, Dict, Hashable, Mapping, Optional, Tuple, Union

from profile_render.helm.archive import ArchiveLimits
from profile_render.helm.chart import Chart, PreparedChart, prepare_archive, prepare_files, prepare_path
from profile_render.yamlio.limits import Limits

__all__ = ["ChartCache", "CacheStats"]


@dataclass(frozen=True)
class CacheStats:
    """A snapshot of a :class:`ChartCache`'s counters.

    ``hits``: charts returned from the cache (also after waiting for another
    thread's load); ``misses``: charts loaded; ``evictions``: charts dropped
    to stay within the bounds; ``entries`` and ``size`` (input bytes) held now.

    >>> cache = ChartCache()
    >>> chart = cache.load(Path("examples/hello-chart"))
    >>> cache.stats()
    CacheStats(hits=0, misses=1, evictions=0, entries=1, size=...)
    """

    hits: int
    misses: int
    evictions: int
    entries: int
    size: int


class _Loading:
    """A load in progress: the threads that want the same chart wait on ``done``."""

    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = threading.Event()


class ChartCache:
    """Charts loaded once by content digest, bounded (LRU) by ``max_entries`` and ``max_bytes``, thread-safe.

    ``limits`` and ``archive_limits`` apply to every load (see
    :func:`~profile_render.load_chart`). A chart whose input is larger than
    ``max_bytes`` is loaded and returned but not kept.

    >>> from pathlib import Path
    >>> cache = ChartCache(max_entries=8)
    >>> first = cache.load(Path("examples/hello-chart"))
    >>> cache.load(Path("examples/hello-chart")) is first
    True
    >>> cache.stats().hits, cache.stats().misses
    (1, 1)
    """

    def __init__(self, *, max_entries: int = 64, max_bytes: int = 256 * 1024 * 1024,
                 limits: Optional[Limits] = None, archive_limits: Optional[ArchiveLimits] = None) -> None:
        for name, value in (("max_entries", max_entries), ("max_bytes", max_bytes)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"ChartCache {name} must be a positive integer")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.limits = limits
        self.archive_limits = archive_limits
        self._lock = threading.Lock()
        self._charts: "OrderedDict[Hashable, Tuple[Chart, int]]" = OrderedDict()
        self._loading: Dict[Hashable, _Loading] = {}
        self._size = 0
        self._hits = self._misses = self._evictions = 0

    # -- the three kinds of input ------------------------------------------------------------------------
    def archive(self, archive: Union[bytes, bytearray, memoryview, "IO[bytes]"], *,
                source: str = "<chart archive>") -> Chart:
        """The chart of a ``.tgz`` archive in memory or an open binary file (see ``Chart.from_archive``).

        >>> import io, tarfile
        >>> buffer = io.BytesIO()
        >>> with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        ...     archive.add("examples/hello-chart", arcname="hello-chart")
        >>> cache = ChartCache()
        >>> cache.archive(buffer.getvalue(), source="hello.tgz") is cache.archive(buffer.getvalue(), source="hello.tgz")
        True
        """
        return self._get(prepare_archive(archive, source=source, limits=self.limits,
                                         archive_limits=self.archive_limits), source)

    def files(self, files: Mapping[str, Union[bytes, str]], *, source: str = "<chart files>") -> Chart:
        """The chart of a directory held in memory, relative path → contents (see ``Chart.from_files``).

        >>> cache = ChartCache()
        >>> chart = cache.files({"Chart.yaml": "apiVersion: v2\\nname: web\\nversion: 0.1.0\\n"}, source="web")
        >>> chart.name, cache.stats().misses
        ('web', 1)
        """
        return self._get(prepare_files(files, source=source, limits=self.limits,
                                       archive_limits=self.archive_limits), source)

    def load(self, path: "os.PathLike[str]") -> Chart:
        """The chart of a directory, ``.tgz`` or values file on disk (see ``load_chart``).

        The files are read (and digested) on every call, so a change on disk
        is always seen; only parsing and building are saved on a hit.

        >>> ChartCache().load(Path("examples/hello-chart")).name
        'hello-edge'
        """
        if not isinstance(path, os.PathLike):
            raise TypeError("ChartCache.load takes an os.PathLike (pathlib.Path(...)); for charts in memory use "
                            "ChartCache.archive or ChartCache.files")
        return self._get(prepare_path(path, limits=self.limits, archive_limits=self.archive_limits),
                         os.fsdecode(path))

    # -- bookkeeping ------------------------------------------------------------------------------------
    def stats(self) -> CacheStats:
        """The counters now: hits, misses, evictions, entries, size in input bytes.

        >>> cache = ChartCache()
        >>> _ = cache.load(Path("examples/hello-chart")), cache.load(Path("examples/hello-chart"))
        >>> cache.stats().hits, cache.stats().entries
        (1, 1)
        """
        with self._lock:
            return CacheStats(self._hits, self._misses, self._evictions, len(self._charts), self._size)

    def clear(self) -> None:
        """Drop every cached chart (the counters are kept; dropped charts are not counted as evictions).

        >>> cache = ChartCache()
        >>> _ = cache.load(Path("examples/hello-chart"))
        >>> cache.clear()
        >>> cache.stats().entries
        0
        """
        with self._lock:
            self._charts.clear()
            self._size = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._charts)

    def _get(self, prepared: PreparedChart, source: str) -> Chart:
        """The cached chart for ``prepared``'s key, building it (once across threads) on a miss."""
        key = (prepared.kind, prepared.digest, source)
        while True:
            with self._lock:
                found = self._charts.get(key)
                if found is not None:
                    self._charts.move_to_end(key)
                    self._hits += 1
                    return found[0]
                loading = self._loading.get(key)
                if loading is None:
                    loading = self._loading[key] = _Loading()
                    break
            loading.done.wait()  # another thread loads it; then look again (a failed load left nothing)
        try:
            chart = prepared.build()
        except BaseException:
            with self._lock:
                del self._loading[key]
            loading.done.set()
            raise
        with self._lock:
            del self._loading[key]
            self._misses += 1
            self._keep(key, chart, prepared.size)
        loading.done.set()
        return chart

    def _keep(self, key: Hashable, chart: Chart, size: int) -> None:
        """Store a chart and evict the least recently used ones past the bounds (the lock is held)."""
        if size > self.max_bytes:
            return
        self._charts[key] = (chart, size)
        self._size += size
        while len(self._charts) > self.max_entries or self._size > self.max_bytes:
            _, (_, dropped) = self._charts.popitem(last=False)
            self._size -= dropped
            self._evictions += 1
