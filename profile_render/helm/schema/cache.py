"""The caller-owned cache of compiled schemas (and of the Go patterns they use)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from profile_render.helm.schema.limits import DEFAULT_SCHEMA_LIMITS, SchemaLimits
from profile_render.helm.schema.regex import RegexCache

_Key = Tuple[str, int, SchemaLimits]

__all__ = ["ValidatorCache"]


class ValidatorCache:
    """A thread-safe, bounded LRU cache of compiled schema validators, owned by its caller.

    Entries are keyed by the SHA-256 of the schema file's bytes and the
    identity of the ``local_refs`` mapping used to compile them (treat that
    mapping as immutable once passed). A cache never changes results, only
    how often a schema is compiled; concurrent requests for the same missing
    entry compile it once. ``hits`` and ``misses`` count lookups.

    ``limits`` (:class:`SchemaLimits`) are the limits schemas are compiled
    and validated under, unless a call gives its own.

    ``regexes`` is the cache's own bounded cache of compiled Go patterns
    (``regex_maxsize`` entries), shared by the validators compiled here and
    by no other cache. Keep one ``ValidatorCache`` per service (or per batch
    of renders) to compile each schema once; :func:`validate_values` makes a
    fresh one per call when given none.

    >>> cache = ValidatorCache(maxsize=8)
    >>> chart = load_chart(Path("examples/web-chart"))
    >>> for email in ("ops@example.com", "dev@example.com"):  # the schema compiles once
    ...     print(merge_values(chart, [Layer.from_mapping({"adminEmail": email})], schema_cache=cache).values["adminEmail"])
    ops@example.com
    dev@example.com
    """

    def __init__(self, maxsize: int = 64, *, regex_maxsize: int = 256,
                 limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        if not isinstance(limits, SchemaLimits):
            raise TypeError("limits must be a SchemaLimits")
        self.maxsize = maxsize
        self.limits = limits
        self.hits = 0
        self.misses = 0
        self.regexes = RegexCache(regex_maxsize)
        self._lock = threading.Lock()
        self._entries: "OrderedDict[_Key, Tuple[Any, Any]]" = OrderedDict()
        self._pending: Dict[_Key, "_Pending"] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        """Drop every compiled validator (the counters and the compiled patterns stay)."""
        with self._lock:
            self._entries.clear()

    def get(self, schema: bytes, local_refs: Mapping[str, Any], compile_: Callable[[], Any],
            limits: Optional[SchemaLimits] = None) -> Any:
        """The compiled validator for ``schema`` (compiling it with ``compile_()`` on a miss).

        ``limits`` (the cache's own when None) is part of the key: a schema
        compiled under other limits is another entry.
        """
        key = (hashlib.sha256(schema).hexdigest(), id(local_refs), limits or self.limits)
        with self._lock:
            entry = self._entries.get(key)
            # the identity check guards against a recycled id() of a collected mapping
            if entry is not None and entry[1] is local_refs:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[0]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending()
                self.misses += 1
            else:
                self.hits += 1
        assert pending is not None
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.value
        try:
            value = compile_()
        except BaseException as exc:
            pending.error = exc
            with self._lock:
                self._pending.pop(key, None)
            pending.done.set()
            raise
        pending.value = value
        with self._lock:
            self._pending.pop(key, None)
            self._entries[key] = (value, local_refs)
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        pending.done.set()
        return value


class _Pending:
    """One compilation in progress, which other threads asking for the same entry wait for."""

    __slots__ = ("done", "value", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: Optional[BaseException] = None
