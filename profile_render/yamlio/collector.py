"""Pausing CPython's cyclic garbage collector while values trees are built in bulk.

Building a tree allocates tens of thousands of dicts, lists and parse events
in a row, none of them ever part of a reference cycle; each allocation counts
towards the collector's next run, and every run walks all the young objects
(a full run walks everything alive), so on a large values file the collector
costs about a fifth of the reading. Reference counting frees all of it alike:
the cyclic collector finds nothing to collect there.

The collector's switch is process-wide, so a library must hand it back the
way it found it, also when several threads build at once: the first pause
to begin notes whether the collector was enabled and turns it off, the last
one to end turns it back on (only if it was on). The count of running pauses
is the one piece of shared state here, guarded by a lock; it mirrors the
process-wide switch it coordinates, and is back at zero whenever no pause is
running. A caller that changes the switch itself while a pause is running
gets it set back to what it was when the first pause began.
"""

from __future__ import annotations

import gc
from _thread import allocate_lock  # threading.Lock itself, without importing threading at start-up
from contextlib import contextmanager
from typing import Iterator

__all__ = ["collector_paused"]


class _Pauses:
    """How many pauses are running, and whether the collector was enabled when the first of them began."""

    def __init__(self) -> None:
        self.lock = allocate_lock()
        self.running = 0
        self.resume = False

    def begin(self) -> None:
        """Count one more pause; the first one turns the collector off (noting whether it was on)."""
        with self.lock:
            if self.running == 0:
                self.resume = gc.isenabled()
                if self.resume:
                    gc.disable()
            self.running += 1

    def end(self) -> None:
        """Count one pause less; the last one turns the collector back on if the first one turned it off."""
        with self.lock:
            self.running -= 1
            if self.running == 0 and self.resume:
                self.resume = False
                gc.enable()


# Process-wide because the collector's switch is: see the module doc.
_PAUSES = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with the cyclic garbage collector off, then restore it as it was (see the module doc)."""
    _PAUSES.begin()
    try:
        yield
    finally:
        _PAUSES.end()
