"""Coalesce user values with chart defaults as Helm does (Helm's CoalesceValues and MergeValues).

:func:`coalesce_values` combines the merged user values with a chart's
defaults (and its subcharts', and ``global``) with Helm's coalescing rules:
``null`` deletes a default, lists are replaced whole, table/non-table
conflicts keep the user's side and warn. With ``merge=True`` it is Helm's
MergeValues instead, which keeps nulls.

Combining the user's own layers (``helm -f a -f b``) is a different, simpler
operation: :func:`profile_render.tree.merge_layers`. Deciding which subcharts
are enabled and applying ``alias`` and ``import-values`` happens before
coalescing, in :mod:`profile_render.helm.dependencies`.

Leaves are only ever asked "is it a table? is it null?", so provenance tokens
standing in for scalars (``origin.py``) coalesce exactly like the scalars.

Copy-on-write: the result shares every subtree of the chart defaults that no
user value reaches (a default table the user does not touch is the chart's own
dict, not a copy); a table is copied, one level at a time, only when a value
must be written into it. A pass knows which tables it may change (the ones it
made or was given to consume) and copies any other before changing it, so the
chart defaults, shared between renders and threads, are never changed. One
sharing is Helm's own: the tables below the top level of each table of the
parent's ``global`` are held by the parent and by each subchart's ``global``
(Helm's ``copyMap`` copies one level), so what a subchart merges into them
shows in the parent and in later subcharts, as in Helm; those tables are made
the pass's own before they are shared. Functions here never mutate their
inputs unless ``copy=False`` says so.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from profile_render.errors import MergeError, ValuesWarning, describe_value, format_path
from profile_render.helm.chart import Chart
from profile_render.tree import ValuesDict, check_tree, copy_tree
from profile_render.yamlio.limits import DEFAULT_LIMITS

__all__ = ["GLOBAL", "WarnFn", "coalesce_values"]

Path = Tuple[Any, ...]
WarnFn = Callable[[ValuesWarning], None]
GLOBAL = "global"

# Told apart from a key whose value is null, which means something else.
_MISSING = object()


def _is_table(value: Any) -> bool:
    """Whether a value is a table (a map), the only question coalescing asks of a leaf besides "is it null?"."""
    return isinstance(value, dict)


class _Coalescer:
    """One coalescing pass (CoalesceValues or, with merge=True, MergeValues), copy-on-write."""

    def __init__(self, warn: Optional[WarnFn], merge: bool) -> None:
        """Set up a pass that reports warnings to ``warn`` and keeps nulls when ``merge``."""
        self.warn = warn
        self.merge = merge
        # The tables this pass may change in place, by id (the value keeps each alive, so no id is reused).
        self.owned: Dict[int, ValuesDict] = {}

    def adopt(self, tree: Any) -> None:
        """Record every table of a tree nobody else holds (the user values to fill) as this pass's own."""
        stack = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                self.owned[id(node)] = node
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
            elif isinstance(node, list):
                stack.extend(v for v in node if isinstance(v, (dict, list)))

    def copy_owned(self, tree: Any) -> Any:
        """A copy of a caller's tree whose tables are this pass's own."""
        if isinstance(tree, dict):
            out = {k: (self.copy_owned(v) if isinstance(v, (dict, list)) else v) for k, v in tree.items()}
            self.owned[id(out)] = out
            return out
        if isinstance(tree, list):
            return [self.copy_owned(v) if isinstance(v, (dict, list)) else v for v in tree]
        return tree

    def own(self, parent: ValuesDict, key: Any) -> ValuesDict:
        """The table at ``parent[key]``, made this pass's own first (a shallow copy) when it is shared."""
        table = parent[key]
        if id(table) not in self.owned:
            table = parent[key] = dict(table)
            self.owned[id(table)] = table
        return table

    def fresh(self, table: ValuesDict) -> ValuesDict:
        """A shallow copy of a table, owned by this pass (its subtrees stay shared)."""
        out = dict(table)
        self.owned[id(out)] = out
        return out

    def own_below(self, table: ValuesDict) -> None:
        """Make every table below an owned table this pass's own (copying the shared ones, one level at a time)."""
        stack = [table]
        while stack:
            node = stack.pop()
            for key, value in node.items():
                if isinstance(value, dict):
                    stack.append(self.own(node, key))

    def _warn(self, code: str, message: str, path: Path, hint: str) -> None:
        """Report one warning at a value path, if the caller asked for warnings."""
        if self.warn is not None:
            self.warn(ValuesWarning(code=code, message=message, path=path, hint=hint))

    def coalesce(self, chart: Chart, dest: ValuesDict, path: Path, top: bool) -> ValuesDict:
        """Fill ``dest`` from the chart's defaults, then each subchart's section from its chart, in place."""
        self.coalesce_chart_values(chart, dest, path, top)
        return self.coalesce_deps(chart, dest, path)

    def coalesce_deps(self, chart: Chart, dest: ValuesDict, path: Path) -> ValuesDict:
        """Coalesce each subchart's section of ``dest`` with that subchart, after passing ``global`` down."""
        for sub in chart.dependencies:
            section = dest.get(sub.name, _MISSING)
            if section is _MISSING:
                section = dest[sub.name] = self.fresh({})
            elif not _is_table(section):
                raise MergeError(
                    f"the values for subchart {sub.name!r} must be a table, not {describe_value(section)}",
                    path=path + (sub.name,),
                    hint=f"set {format_path(path + (sub.name,))} to a mapping of the subchart's values (or remove it)",
                )
            else:
                section = self.own(dest, sub.name)
            self.coalesce_globals(section, dest, path + (sub.name,))
            dest[sub.name] = self.coalesce(sub, section, path + (sub.name,), False)
        return dest

    def coalesce_globals(self, dest: ValuesDict, src: ValuesDict, path: Path) -> None:
        """Copy the parent's ``global`` into a subchart's section; the parent's keys win."""
        dg = dest.get(GLOBAL, _MISSING)
        if dg is _MISSING:
            dg = self.fresh({})
        elif not _is_table(dg):
            self._warn("global-not-table", "the subchart's global is not a table; globals are not passed down",
                       path + (GLOBAL,), "make global a mapping")
            return
        else:
            dg = self.own(dest, GLOBAL)
        sg = src.get(GLOBAL, _MISSING)
        if sg is _MISSING:
            sg = {}
        elif not _is_table(sg):
            self._warn("global-not-table", "global is not a table; globals are not passed down",
                       path[:-1] + (GLOBAL,), "make global a mapping")
            return
        else:
            sg = self.own(src, GLOBAL)
        for key in list(sg):
            value = sg[key]
            if _is_table(value):
                # As Helm's copyMap: only the top level is copied. The tables below it stay the parent's own
                # objects, shared with this subchart's global, so what the subchart merges into them (its
                # global defaults, its user globals) shows in the parent's global and in later subcharts too,
                # as it does in Helm. They are made this pass's own first, so no chart default is ever changed.
                value = self.own(sg, key)
                self.own_below(value)
                mine = self.fresh(value)
                current = dg.get(key, _MISSING)
                if current is _MISSING:
                    dg[key] = mine
                elif not _is_table(current):
                    self._warn("table-conflict",
                               f"global {key!r} is a table in the parent but {describe_value(current)} in the subchart; the subchart's value is kept",
                               path + (GLOBAL, key), "make both the same type")
                else:
                    self.coalesce_tables(mine, current, path + (GLOBAL, key), True)
                    dg[key] = mine
            elif _is_table(dg.get(key)):
                self._warn("table-conflict",
                           f"global {key!r} is a table in the subchart but {describe_value(value)} in the parent; the subchart's table is kept",
                           path + (GLOBAL, key), "make both the same type")
            else:
                dg[key] = value
        dest[GLOBAL] = dg

    def coalesce_chart_values(self, chart: Chart, dest: ValuesDict, path: Path, top: bool) -> None:
        """Fill ``dest`` (user values for this chart) from the chart's defaults.

        Helm 4.1.4 copies a chart's defaults as they are, nulls included, for
        subcharts as for the top chart (later Helm releases drop subchart
        default nulls; the 4.1.4 binary does not).
        """
        merge = self.merge
        sub_names = {d.name for d in chart.dependencies}
        for key, default in chart.values.items():
            if key in dest:
                value = dest[key]
                if value is None and not merge:
                    del dest[key]  # null removes the default
                elif _is_table(value):
                    if not _is_table(default):
                        if default is not None:
                            self._warn(
                                "table-conflict",
                                f"the chart default is {describe_value(default)} but the given value is a table; the table is kept",
                                path + (key,),
                                "check the key: the chart expects a scalar here",
                            )
                    else:
                        child_merge = merge or key in sub_names
                        self.coalesce_tables(self.own(dest, key), default, path + (key,), child_merge)
                elif _is_table(default) and value is not None:
                    self._warn(
                        "table-conflict",
                        f"the chart default is a table but the given value is {describe_value(value)}; the given value replaces the whole table",
                        path + (key,),
                        "set individual keys of the table instead, or null to remove it",
                    )
            else:
                dest[key] = default  # shared with the chart: copied only if a later write lands in it

    def coalesce_tables(self, dst: ValuesDict, src: ValuesDict, path: Path, merge: bool) -> ValuesDict:
        """Merge a lower-precedence table ``src`` into ``dst`` (owned by this pass); ``dst`` wins.

        ``src`` is only read; its subtrees missing from ``dst`` are put there
        as they are (shared), so ``src``'s owner must not change them later.
        """
        for key, value in src.items():
            if key not in dst:
                dst[key] = value
                continue
            current = dst[key]
            if current is None:
                if not merge and value is not None:
                    del dst[key]  # the user nulls a default
                continue
            if _is_table(value):
                if _is_table(current):
                    self.coalesce_tables(self.own(dst, key), value, path + (key,), merge)
                else:
                    self._warn(
                        "table-conflict",
                        f"the default is a table but the given value is {describe_value(current)}; the given value replaces the whole table",
                        path + (key,),
                        "set individual keys of the table instead, or null to remove it",
                    )
            elif _is_table(current) and value is not None:
                self._warn(
                    "table-conflict",
                    f"the default is {describe_value(value)} but the given value is a table; the table is kept",
                    path + (key,),
                    "check the key: the chart expects a scalar here",
                )
        return dst


def coalesce_values(
    chart: Chart,
    values: ValuesDict,
    *,
    warn: Optional[WarnFn] = None,
    merge: bool = False,
    copy: bool = True,
    check: bool = True,
    share_defaults: bool = False,
) -> ValuesDict:
    """Coalesce user values with the chart's defaults (and subcharts'), as Helm's CoalesceValues.

    ``merge=True`` gives Helm's MergeValues instead (nulls are kept). Copied
    values are first checked against the default :class:`~profile_render.Limits`
    (depth, nodes, numbers); ``check=False`` skips that for values already checked.

    The result is a tree of the caller's own. With ``share_defaults=True`` it
    shares the chart's untouched default tables instead (see the module's
    docstring), which costs only what ``values`` reaches: the caller must then
    treat it as read-only (or ``copy_tree`` it) to keep the chart unchanged.
    With ``copy=False``, ``values`` is consumed and must share nothing with
    the chart.

    >>> values = coalesce_values(load_chart(Path("examples/hello-chart")), {"replicaCount": 3, "debug": None})
    >>> values["replicaCount"], "debug" in values, values["service"]
    (3, False, {'type': 'ClusterIP', 'port': 8080})
    """
    if copy and check:
        # A caller's tree: refuse what the coalescer could not walk (too deep, cyclic, too big).
        check_tree(values, max_depth=DEFAULT_LIMITS.max_depth, max_nodes=DEFAULT_LIMITS.max_nodes,
                   source="<coalesce_values>")
    coalescer = _Coalescer(warn, merge)
    if copy:
        dest = coalescer.copy_owned(values)
    else:
        dest = values
        coalescer.adopt(dest)
    out = coalescer.coalesce(chart, dest, (), True)
    return out if share_defaults else copy_tree(out)
