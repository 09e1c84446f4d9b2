"""Merge stage: combine user layers and coalesce them with chart defaults as Helm does.

Two different operations, deliberately kept apart because Helm keeps them apart:

* :func:`merge_layers` combines the user's layers like ``helm -f a.yaml -f b.yaml``:
  maps merge recursively, anything else is replaced by the later layer, and
  ``null`` is kept (it only means "delete" once it meets the chart defaults).
  This is exactly deepmerge's dict-merge/override strategy, so deepmerge does it.
* :func:`coalesce_values` combines the merged user values with a chart's
  defaults (and its subcharts', and ``global``) with Helm's coalescing rules:
  ``null`` deletes a default, lists are replaced whole, table/non-table
  conflicts keep the user's side and warn. deepmerge cannot express the
  null-deletes and warn-on-conflict rules, so this is written out.

:func:`process_dependencies` mirrors Helm's dependency processing before
rendering: ``condition``/``tags`` disable subcharts, ``alias`` renames them, and
``import-values`` lifts child values into the parent.

Functions here never mutate their inputs; values passed in by callers and chart
defaults shared between renders stay untouched.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple

from deepmerge import Merger

from profile_render.helm.chart import Chart, Dependency
from profile_render.errors import ChartError, MergeError, ValuesWarning, describe_value, format_path
from profile_render.yamlio.scalars import format_go_float as _format_go_float
from profile_render.helm.semver import is_compatible_range

__all__ = [
    "copy_tree",
    "merge_layers",
    "coalesce_values",
    "process_dependencies",
    "import_values",
]

ValuesDict = Dict[str, Any]
Path = Tuple[Any, ...]
WarnFn = Callable[[ValuesWarning], None]
GLOBAL = "global"

# helm -f a -f b: dicts merge, everything else (lists, scalars, null, type
# conflicts) is replaced by the later layer.
_LAYER_MERGER = Merger([(dict, ["merge"])], ["override"], ["override"])


def copy_tree(value: Any) -> Any:
    """Deep-copy a values tree made of dicts and lists (scalars are immutable and shared)."""
    if isinstance(value, dict):
        return {k: (copy_tree(v) if isinstance(v, (dict, list)) else v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def merge_layers(layers: Iterable[ValuesDict], *, copy: bool = True) -> ValuesDict:
    """Merge user layers in order, later wins, like several ``helm -f`` files.

    With ``copy=False`` the layers are consumed (their dicts may be reused and
    changed); pass it only for layers nobody else holds.
    """
    result: ValuesDict = {}
    for layer in layers:
        layer = copy_tree(layer) if copy else layer
        if not result:
            result = layer
        else:
            _LAYER_MERGER.merge(result, layer)
    return result


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


class _Coalescer:
    """One coalescing pass (CoalesceValues or, with merge=True, MergeValues)."""

    def __init__(self, warn: Optional[WarnFn], merge: bool) -> None:
        self.warn = warn
        self.merge = merge

    def _warn(self, code: str, message: str, path: Path, hint: str) -> None:
        if self.warn is not None:
            self.warn(ValuesWarning(code=code, message=message, path=path, hint=hint))

    def coalesce(self, chart: Chart, dest: ValuesDict, path: Path, top: bool) -> ValuesDict:
        self.coalesce_chart_values(chart, dest, path, top)
        return self.coalesce_deps(chart, dest, path)

    def coalesce_deps(self, chart: Chart, dest: ValuesDict, path: Path) -> ValuesDict:
        for sub in chart.dependencies:
            section = dest.get(sub.name, _MISSING)
            if section is _MISSING:
                section = dest[sub.name] = {}
            elif not _is_table(section):
                raise MergeError(
                    f"the values for subchart {sub.name!r} must be a table, not {describe_value(section)}",
                    path=path + (sub.name,),
                    hint=f"set {format_path(path + (sub.name,))} to a mapping of the subchart's values (or remove it)",
                )
            self.coalesce_globals(section, dest, path + (sub.name,))
            dest[sub.name] = self.coalesce(sub, section, path + (sub.name,), False)
        return dest

    def coalesce_globals(self, dest: ValuesDict, src: ValuesDict, path: Path) -> None:
        """Copy the parent's ``global`` into a subchart's section; the parent's keys win."""
        dg = dest.get(GLOBAL, _MISSING)
        if dg is _MISSING:
            dg = {}
        elif not _is_table(dg):
            self._warn("global-not-table", "the subchart's global is not a table; globals are not passed down",
                       path + (GLOBAL,), "make global a mapping")
            return
        sg = src.get(GLOBAL, _MISSING)
        if sg is _MISSING:
            sg = {}
        elif not _is_table(sg):
            self._warn("global-not-table", "global is not a table; globals are not passed down",
                       path[:-1] + (GLOBAL,), "make global a mapping")
            return
        for key, value in sg.items():
            if _is_table(value):
                mine = copy_tree(value)
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
                        self.coalesce_tables(value, copy_tree(default), path + (key,), child_merge)
                elif _is_table(default) and value is not None:
                    self._warn(
                        "table-conflict",
                        f"the chart default is a table but the given value is {describe_value(value)}; the given value replaces the whole table",
                        path + (key,),
                        "set individual keys of the table instead, or null to remove it",
                    )
            else:
                dest[key] = copy_tree(default) if isinstance(default, (dict, list)) else default

    def coalesce_tables(self, dst: ValuesDict, src: ValuesDict, path: Path, merge: bool) -> ValuesDict:
        """Merge a lower-precedence table ``src`` into ``dst``; ``dst`` wins. ``src`` is private."""
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
                    self.coalesce_tables(current, value, path + (key,), merge)
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


_MISSING = object()


def coalesce_values(
    chart: Chart,
    values: ValuesDict,
    *,
    warn: Optional[WarnFn] = None,
    merge: bool = False,
    copy: bool = True,
) -> ValuesDict:
    """Coalesce user values with the chart's defaults (and subcharts'), as Helm's CoalesceValues.

    ``merge=True`` gives Helm's MergeValues instead (nulls are kept).
    """
    dest = copy_tree(values) if copy else values
    return _Coalescer(warn, merge).coalesce(chart, dest, (), True)


# ---------------------------------------------------------------------------
# Dependencies: enabled/disabled, aliases, import-values


def _path_value(values: ValuesDict, dotted: str) -> Tuple[bool, Any]:
    """Helm's Values.PathValue: the non-table value at a dotted path, if any."""
    if dotted == "":
        return False, None
    parts = dotted.split(".")
    table: Any = values
    for part in parts[:-1]:
        if not isinstance(table, dict) or not _is_table(table.get(part)):
            return False, None
        table = table[part]
    if not isinstance(table, dict) or parts[-1] not in table:
        return False, None
    value = table[parts[-1]]
    if _is_table(value):
        return False, None
    return True, value


def _declared_for(chart: Chart, sub: Chart) -> bool:
    return any(dep.name == sub.name for dep in chart.declared or ())


EnablePlan = Dict[Tuple[str, ...], Tuple[Tuple[str, str], ...]]


def process_dependencies(chart: Chart, values: ValuesDict, *, warn: Optional[WarnFn] = None) -> Chart:
    """Return the chart as Helm renders it for these user values.

    Disabled subcharts (``condition``, ``tags``) are dropped, aliased ones
    renamed, and the defaults of charts that declare dependencies are replaced by
    Helm's merged view with ``import-values`` applied.
    """
    plan = plan_dependencies(chart, values, warn=warn)
    return import_values(apply_dependency_plan(chart, plan))


def plan_dependencies(chart: Chart, values: ValuesDict, *, warn: Optional[WarnFn] = None) -> EnablePlan:
    """Decide which subcharts are enabled, and under which names, for these user values.

    The plan maps a chart's position (tuple of effective names from the top)
    to its kept subcharts as (loaded name, effective name) pairs. Only charts
    that declare dependencies in Chart.yaml appear in it.

    Raises :class:`ChartError` for a chart ``helm template`` refuses to render:
    a library chart, or one that declares a dependency missing from its
    ``charts/`` (Helm checks this for the chart being rendered only, before
    conditions and tags, so even a disabled dependency must be there).
    """
    if chart.chart_type not in ("", "application"):
        raise ChartError(f"{chart.chart_type} charts are not installable", source=chart.source,
                         path=("type",), hint="render an application chart that depends on this one")
    check_dependencies_present(chart)
    plan: EnablePlan = {}
    _plan(chart, values, "", (), plan, warn)
    return plan


def check_dependencies_present(chart: Chart) -> None:
    """Refuse a chart whose Chart.yaml declares a dependency missing from charts/, as ``helm template`` does."""
    present = {sub.name for sub in chart.dependencies}
    missing = [dep.name for dep in chart.declared or () if dep.name not in present]
    if missing:
        raise ChartError(
            f"Chart.yaml declares {', '.join(repr(m) for m in missing)} but charts/ does not hold "
            f"{'that chart' if len(missing) == 1 else 'those charts'}",
            source=chart.source, path=("dependencies",),
            hint="run `helm dependency build` to fetch the missing charts, or remove them from Chart.yaml")


def _candidates(chart: Chart) -> List[Tuple[Chart, str, Optional[Dependency]]]:
    """Helm's dependency list before conditions: undeclared charts, then declared ones (aliased)."""
    declared = chart.declared or ()
    # A chart under charts/ is the declared dependency only when its version is in the
    # dependency's range (an empty range matches nothing), as Helm's IsCompatibleRange decides.
    out: List[Tuple[Chart, str, Optional[Dependency]]] = [
        (sub, sub.name, None) for sub in chart.dependencies
        if not any(d.name == sub.name and is_compatible_range(d.version, sub.version) for d in declared)
    ]
    for dep in declared:
        for sub in chart.dependencies:
            if sub.name == dep.name and is_compatible_range(dep.version, sub.version):
                out.append((sub, dep.effective_name, dep))
                break
    return out


def _plan(chart: Chart, values: ValuesDict, prefix: str, where: Tuple[str, ...], plan: EnablePlan,
          warn: Optional[WarnFn]) -> None:
    if chart.declared is None:
        return
    candidates = _candidates(chart)
    staged = chart.with_changes(dependencies=tuple(sub.with_changes(name=name) for sub, name, _ in candidates))
    cvals = coalesce_values(staged, values)
    disabled: Set[str] = set()
    tags = cvals.get("tags")
    for dep in chart.declared:
        on = True
        if isinstance(tags, dict) and dep.tags:
            seen_true = seen_false = False
            for tag in dep.tags:
                if tag in tags:
                    if isinstance(tags[tag], bool):
                        seen_true = seen_true or tags[tag]
                        seen_false = seen_false or not tags[tag]
                    elif warn is not None:
                        warn(ValuesWarning("non-bool-tag", f"tag {tag!r} is not a boolean; it is ignored",
                                           path=("tags", tag), hint="set it to true or false"))
            on = not (seen_false and not seen_true)
        for condition in dep.condition.strip().split(","):
            if not condition:
                continue
            found, value = _path_value(cvals, prefix + condition)
            if found:
                if isinstance(value, bool):
                    on = value
                    break
                if warn is not None:
                    warn(ValuesWarning(
                        "non-bool-condition",
                        f"condition {condition!r} of dependency {dep.effective_name!r} is not a boolean; it is ignored",
                        path=tuple((prefix + condition).split(".")), hint="set it to true or false"))
        if not on:
            disabled.add(dep.effective_name)
    kept = tuple((sub.name, name) for sub, name, _ in candidates if name not in disabled)
    plan[where] = kept
    by_name = {name: sub for sub, name, _ in candidates}
    for _loaded, name in kept:
        sub = by_name[name].with_changes(name=name)
        _plan(sub, cvals, prefix + name + ".", where + (name,), plan, warn)


def apply_dependency_plan(chart: Chart, plan: EnablePlan, where: Tuple[str, ...] = ()) -> Chart:
    """Build the effective chart tree a plan describes (works on any chart of the same shape)."""
    if chart.declared is None or where not in plan:
        return chart
    kept = plan[where]
    declared_by_name = {d.effective_name: d for d in chart.declared}
    subs = []
    for loaded, name in kept:
        sub = next(s for s in chart.dependencies if s.name == loaded).with_changes(name=name)
        subs.append(apply_dependency_plan(sub, plan, where + (name,)))
    kept_declared = tuple(
        Dependency(name=name, version=d.version, condition=d.condition, tags=d.tags, import_values=d.import_values)
        for name, d in declared_by_name.items() if any(name == k for _, k in kept)
    )
    # Helm leaves the declared list nil when every declared dependency is disabled,
    # which also skips the import-values pass for this chart.
    return chart.with_changes(dependencies=tuple(subs), declared=kept_declared or None)


def _table_at(values: ValuesDict, dotted: str) -> Optional[ValuesDict]:
    table: Any = values
    for part in dotted.split("."):
        if not isinstance(table, dict):
            return None
        table = table.get(part)
    return table if isinstance(table, dict) else None


def _nest(dotted: str, data: ValuesDict) -> ValuesDict:
    if dotted == ".":
        return data
    out: Any = data
    for part in reversed(dotted.split(".")):
        out = {part: out}
    return out


def _merge_tables_shared(dst: ValuesDict, src: ValuesDict) -> ValuesDict:
    """Helm's MergeTables exactly as it runs during import-values, sharing instead of copying.

    Helm builds the imported table from references into the chart's values, so
    a later import that merges into an earlier imported table changes the
    child's own values too, and a null already in ``dst`` is written into
    ``src``. Both are visible in Helm's output; reproducing them needs the same
    sharing, so nothing here is copied.
    """
    for key, value in dst.items():
        if value is None:
            src[key] = None
    for key, value in src.items():
        if key not in dst:
            dst[key] = value
        elif _is_table(value) and _is_table(dst[key]):
            _merge_tables_shared(dst[key], value)
    return dst


def _go_sprint(value: Any) -> str:
    """``fmt.Sprintf("%v", v)`` for a value decoded from Chart.yaml (numbers are float64 in Go)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _format_go_float(float(value), 64)
    return str(value)


def import_values(chart: Chart) -> Chart:
    """Apply Helm's import-values pass bottom-up (children first), returning new charts."""
    deps = tuple(import_values(sub) for sub in chart.dependencies)
    chart = chart.with_changes(dependencies=deps) if deps != chart.dependencies else chart
    if chart.declared is None:
        return chart
    cvals = coalesce_values(chart, {}, merge=True)  # private: may be changed through sharing below
    imported: ValuesDict = {}
    for dep in chart.declared:
        for spec in dep.import_values:
            if isinstance(spec, dict):
                child, parent = _go_sprint(spec.get("child")), _go_sprint(spec.get("parent"))
                table = _table_at(cvals, f"{dep.name}.{child}")
                if table is not None:
                    imported = _merge_tables_shared(imported, _nest(parent, table))
            elif isinstance(spec, str):
                table = _table_at(cvals, f"{dep.name}.exports.{spec}")
                if table is not None:
                    imported = _merge_tables_shared(imported, table)
    # Helm copies the chart's values only now, after the imports changed them.
    new_values = _merge_tables_shared(copy_tree(cvals), imported)
    return chart.with_changes(values=copy_tree(new_values))

