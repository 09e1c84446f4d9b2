"""The state of one validation run, and fresh stacks for deep recursion.

jsonschema validates by recursion: every schema applied to a value is a few
Python frames deeper. Deeply nested values under a recursive schema, long
chains of references and deeply nested schemas would reach Python's
recursion limit (about 1000 frames) long before Helm, whose Go stacks grow,
gives up. So each run (a meta-schema check or a validation) counts how deep
it is, and when it gets deep it carries on in a helper thread, whose stack
starts empty, and waits for it: the calling thread is blocked, so the run
stays sequential. Each depth level has one helper, reused for the whole run
and stopped when the run ends; the wide parts of a tree move over in one
piece, so a helper is used a few times per subtree, not once per item.

A run also owns what must not leak between runs that share a compiled
schema (concurrent renders in one service): the references being followed
for each value (to find cycles) and the regex work done so far.
Nothing here is global: the thread-local slot belongs to one compiled schema.
"""

from __future__ import annotations

import queue
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, List, Optional, Set, Tuple, TypeVar

from profile_render.errors import LimitExceededError

if TYPE_CHECKING:  # pragma: no cover
    from profile_render.helm.schema.limits import SchemaLimits

__all__ = ["Run", "Runs", "Spent", "HOP_FRAMES", "fresh_stack_call"]

T = TypeVar("T")

#: Python frames a stack may hold before the run moves to a fresh one (Python's default limit is 1000;
#: the depth is probed every few calls, so a stack may overshoot this by a few dozen frames).
HOP_FRAMES = 400
#: From half that depth on, a value with more children than this moves over whole.
_WIDE = 8
#: The depth is probed on every call with a wide value, and on every this-many-th call otherwise.
_PROBE_EVERY = 8


class _Task:
    """One call handed to a helper thread, and its outcome."""

    __slots__ = ("fn", "done", "value", "error")

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.value: Any = None
        self.error: Optional[BaseException] = None

    def run(self) -> None:
        try:
            self.value = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the waiting thread, which raises it
            self.error = exc
        finally:
            self.done.set()


class _Helper:
    """A helper thread with a fresh stack that runs the tasks of one depth level of one run."""

    def __init__(self) -> None:
        self._tasks: "queue.SimpleQueue[Optional[_Task]]" = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="profile-render-schema-stack", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            task.run()

    def call(self, fn: Callable[[], T]) -> T:
        task = _Task(fn)
        self._tasks.put(task)
        task.done.wait()
        if task.error is not None:
            raise task.error
        value: T = task.value
        return value

    def stop(self) -> None:
        self._tasks.put(None)
        self._thread.join()


class Spent:
    """The steps and regex work of one validation so far: shared by its runs, one per chart, so that the
    limits bound the validation as a whole, however many subcharts it has."""

    __slots__ = ("steps", "regex")

    def __init__(self) -> None:
        self.steps = 0
        self.regex = 0


class Run:
    """One run: its helpers, the references being followed, the steps and the regex work it has done."""

    def __init__(self, runs: "Runs", limits: "SchemaLimits", source: str, spent: Optional[Spent] = None) -> None:
        self._runs = runs
        self.spent = spent if spent is not None else Spent()
        self.calls = self.spent.steps
        self.level = 0
        self._helpers: List[_Helper] = []
        #: (id of a schema reached through a reference, id of the value it applies to) being evaluated
        self.following: Set[Tuple[int, int]] = set()
        self.step_budget = limits.max_validation_steps
        self.regex_budget = limits.max_regex_work
        self.regex_work = self.spent.regex
        self.source = source

    def should_move(self, instance: Any) -> bool:
        """Whether applying a schema to ``instance`` here should move to a fresh stack (cheap on most calls).

        Each call is one step of the run (``SchemaLimits.max_validation_steps``).
        """
        self.calls += 1
        if self.calls > self.step_budget:
            self._too_many_steps()
        wide = isinstance(instance, (dict, list)) and len(instance) > _WIDE
        if not wide and self.calls % _PROBE_EVERY:
            return False
        return _deeper_than(HOP_FRAMES // 2 if wide else HOP_FRAMES)

    def on_fresh_stack(self, fn: Callable[[], T]) -> T:
        """``fn()`` run by this run's helper one level down (a thread whose stack is empty), waiting for it."""
        level = self.level + 1
        try:
            while len(self._helpers) < level:
                self._helpers.append(_Helper())
        except RuntimeError:  # no thread can be started (a process limit): carry on here, as deep as it goes
            return fn()
        saved = self.level

        def task() -> T:
            self._runs.install(self)
            self.level = level
            try:
                return fn()
            finally:
                self._runs.install(None)

        try:
            return self._helpers[level - 1].call(task)
        finally:
            self.level = saved

    def charge_steps(self, elements: int) -> None:
        """Count a keyword's loop over ``elements`` items (32 to a step) against the run's steps."""
        self.calls += elements >> 5
        if self.calls > self.step_budget:
            self._too_many_steps()

    def _too_many_steps(self) -> None:
        raise LimitExceededError(
            f"validating these values against the schemas needs more than the limit of {self.step_budget:,} steps "
            "(SchemaLimits.max_validation_steps: each application of a schema or sub-schema to a value is a "
            "step, and so are 32 elements of a keyword's loop)", source=self.source,
            hint="validate smaller values or a simpler schema; a caller can raise "
                 "SchemaLimits.max_validation_steps (each step costs a few microseconds)")

    def charge_regex(self, work: int, what: Callable[[], str]) -> None:
        """Count ``work`` units of regex work; LimitExceededError once the run's budget is spent (``what()``
        says what was being done)."""
        self.regex_work += work
        if self.regex_work > self.regex_budget:
            raise LimitExceededError(
                f"matching the schema's patterns against these values needs more than the limit of "
                f"{self.regex_budget:,} units of regex work (SchemaLimits.max_regex_work; {what()})",
                source=self.source,
                hint="shorten the long strings or simplify the patterns (large counted repetitions such as "
                     "{1000} make every character cost more); a caller can raise SchemaLimits.max_regex_work")

    def close(self) -> None:
        self.spent.steps, self.spent.regex = self.calls, self.regex_work
        for helper in self._helpers:
            helper.stop()
        self._helpers.clear()


def _deeper_than(frames: int) -> bool:
    """Whether the current thread's stack holds more than ``frames`` Python frames."""
    try:
        sys._getframe(frames)
    except ValueError:
        return False
    return True


class Runs:
    """The run each thread is in for one compiled schema (a thread-local slot owned by that schema)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def current(self) -> Optional[Run]:
        """The run the current thread is in, if any."""
        run: Optional[Run] = getattr(self._local, "run", None)
        return run

    def install(self, run: Optional[Run]) -> None:
        self._local.run = run

    @contextmanager
    def run(self, limits: "SchemaLimits", source: str, spent: Optional[Spent] = None) -> Iterator[Run]:
        """A new run on this thread (nested runs keep their own state) until the block ends; ``spent`` carries
        what earlier runs of the same validation spent (and gets this run's spending)."""
        previous = self.current()
        run = Run(self, limits, source, spent)
        self.install(run)
        try:
            yield run
        finally:
            self.install(previous)
            run.close()


def fresh_stack_call(fn: Callable[[], T]) -> T:
    """``fn()`` on a fresh stack of a short-lived helper thread (for one deep, non-reentrant computation)."""
    try:
        helper = _Helper()
    except RuntimeError:  # no thread can be started: here, then
        return fn()
    try:
        return helper.call(fn)
    finally:
        helper.stop()
