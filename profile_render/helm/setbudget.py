"""The budget that bounds what path expressions (``--set`` and its kin, parameter templates) may create.

Helm bounds a ``--set`` argument only by its list index and nesting limits;
profile-render also bounds the depth of a path and the nodes and list slots
all the expressions of one call create together (``Limits.max_depth`` and
``Limits.max_set_nodes``), so no argument can take unbounded memory.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["SetBudget", "SetLimits"]


class SetLimits(Protocol):
    """The limits ``--set`` parsing honours (:class:`profile_render.yamlio.limits.Limits` has them)."""

    @property
    def max_depth(self) -> int: ...

    @property
    def max_set_nodes(self) -> int: ...


class SetBudget:
    """The nodes and list slots that path expressions (``--set``, parameter templates) may still create.

    One budget is shared by every expression of a call (its limit is
    ``Limits.max_set_nodes``); :meth:`spend` says whether ``count`` more
    still fit, and takes them when they do.
    """

    __slots__ = ("limit", "remaining")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.remaining = limit

    def spend(self, count: int) -> bool:
        """Take ``count`` nodes from the budget; False (and nothing taken) when they do not fit."""
        if count > self.remaining:
            return False
        self.remaining -= count
        return True
