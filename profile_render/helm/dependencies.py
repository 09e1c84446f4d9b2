"""Dependency processing: the chart tree Helm renders for given user values (Helm's dependencies.go).

Before rendering, Helm turns the loaded chart into the one it renders:

* ``condition`` and ``tags`` of each Chart.yaml dependency, read in the user
  values coalesced with the defaults, disable subcharts;
* ``alias`` renames a subchart (its values then live under the alias);
* ``import-values`` lifts child values into the parent's defaults.

:func:`process_dependencies` does all of it. The values pipeline uses its two
halves separately (:func:`plan_dependencies` on the real values, then
:func:`apply_dependency_plan` and :func:`import_values`), so that provenance
replay can apply the same plan to a traced copy of the chart.

Functions here never mutate their inputs: charts are immutable and every
changed chart is a new one.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Tuple

from profile_render.errors import ChartError, ValuesWarning
from profile_render.helm.chart import Chart, Dependency
from profile_render.helm.coalesce import WarnFn, coalesce_values
from profile_render.tree import ValuesDict, copy_tree
from profile_render.yamlio.scalars import format_go_float

__all__ = [
    "EnablePlan",
    "process_dependencies",
    "plan_dependencies",
    "check_dependencies_present",
    "apply_dependency_plan",
    "import_values",
]

EnablePlan = Dict[Tuple[str, ...], Tuple[Tuple[str, str], ...]]
"""Kept subcharts per chart position: position (effective names from the top) → (loaded name, effective name) pairs."""


def process_dependencies(chart: Chart, values: ValuesDict, *, warn: Optional[WarnFn] = None) -> Chart:
    """Return the chart as Helm renders it for these user values (Helm's ProcessDependencies).

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


def _path_value(values: ValuesDict, dotted: str) -> Tuple[bool, Any]:
    """The non-table value at a dotted path, if there is one (Helm's Values.PathValue)."""
    if dotted == "":
        return False, None
    parts = dotted.split(".")
    table: Any = values
    for part in parts[:-1]:
        if not isinstance(table, dict) or not isinstance(table.get(part), dict):
            return False, None
        table = table[part]
    if not isinstance(table, dict) or parts[-1] not in table:
        return False, None
    value = table[parts[-1]]
    if isinstance(value, dict):
        return False, None
    return True, value


def _candidates(chart: Chart) -> List[Tuple[Chart, str, Optional[Dependency]]]:
    """Helm's dependency list before conditions: undeclared charts, then declared ones (aliased)."""
    declared = chart.declared or ()
    if not chart.dependencies:
        return []
    from profile_render.helm.semver import is_compatible_range  # only charts with subcharts compare versions

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


def _tags_enable(dep: Dependency, tags: Any, warn: Optional[WarnFn]) -> bool:
    """Whether the ``tags`` table leaves a dependency enabled: off only when a tag is false and none is true."""
    if not isinstance(tags, dict) or not dep.tags:
        return True
    seen_true = seen_false = False
    for tag in dep.tags:
        if tag in tags:
            if isinstance(tags[tag], bool):
                seen_true = seen_true or tags[tag]
                seen_false = seen_false or not tags[tag]
            elif warn is not None:
                warn(ValuesWarning("non-bool-tag", f"tag {tag!r} is not a boolean; it is ignored",
                                   path=("tags", tag), hint="set it to true or false"))
    return not (seen_false and not seen_true)


def _condition(dep: Dependency, cvals: ValuesDict, prefix: str, warn: Optional[WarnFn]) -> Optional[bool]:
    """The first boolean among a dependency's comma-separated conditions, or None when none is set."""
    for condition in dep.condition.strip().split(","):
        if not condition:
            continue
        found, value = _path_value(cvals, prefix + condition)
        if found:
            if isinstance(value, bool):
                return value
            if warn is not None:
                warn(ValuesWarning(
                    "non-bool-condition",
                    f"condition {condition!r} of dependency {dep.effective_name!r} is not a boolean; it is ignored",
                    path=tuple((prefix + condition).split(".")), hint="set it to true or false"))
    return None


def _plan(chart: Chart, values: ValuesDict, prefix: str, where: Tuple[str, ...], plan: EnablePlan,
          warn: Optional[WarnFn]) -> None:
    """Record in ``plan`` the kept subcharts of ``chart`` at position ``where``, then recurse into them."""
    if chart.declared is None:
        return
    candidates = _candidates(chart)
    staged = chart.with_changes(dependencies=tuple(sub.with_changes(name=name) for sub, name, _ in candidates))
    # values the pipeline already checked; only read here, so the chart's defaults are shared, not copied
    cvals = coalesce_values(staged, values, check=False, share_defaults=True)
    disabled: Set[str] = set()
    tags = cvals.get("tags")
    for dep in chart.declared:
        on = _tags_enable(dep, tags, warn)
        # A boolean condition overrides the tags, as in Helm's processDependencyEnabled.
        condition = _condition(dep, cvals, prefix, warn)
        if condition is not None:
            on = condition
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
    """The table at a dotted path, or None when the path is missing or ends on a non-table."""
    table: Any = values
    for part in dotted.split("."):
        if not isinstance(table, dict):
            return None
        table = table.get(part)
    return table if isinstance(table, dict) else None


def _nest(dotted: str, data: ValuesDict) -> ValuesDict:
    """Wrap ``data`` in one table per part of a dotted path (``"."`` means the top, unwrapped)."""
    if dotted == ".":
        return data
    out: Any = data
    for part in reversed(dotted.split(".")):
        out = {part: out}
    return out


def _merge_tables_shared(dst: ValuesDict, src: ValuesDict) -> ValuesDict:
    """Merge ``src`` into ``dst`` (``dst`` wins) exactly as Helm's MergeTables runs during import-values.

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
        elif isinstance(value, dict) and isinstance(dst[key], dict):
            _merge_tables_shared(dst[key], value)
    return dst


def _go_sprint(value: Any) -> str:
    """The text ``fmt.Sprintf("%v", v)`` gives for a value decoded from Chart.yaml (numbers are float64 in Go)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_go_float(float(value), 64)
    return str(value)


def import_values(chart: Chart) -> Chart:
    """Apply Helm's import-values pass bottom-up (children first), returning new charts."""
    deps = tuple(import_values(sub) for sub in chart.dependencies)
    chart = chart.with_changes(dependencies=deps) if deps != chart.dependencies else chart
    if chart.declared is None:
        return chart
    cvals = coalesce_values(chart, {}, merge=True, check=False)  # private: may be changed through sharing below
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
