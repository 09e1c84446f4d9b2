"""Validate final values against ``values.schema.json`` exactly as Helm 4.1.4 does (the entry point).

Helm 4.1.4 validates with ``github.com/santhosh-tekuri/jsonschema/v6`` (v6.0.2),
after coalescing, against the *effective* chart tree (disabled subcharts
removed, aliases applied). The parent chart's schema sees all final values;
each subchart's schema sees its own section (``values[<name or alias>]``),
which always carries the ``global`` table the coalesce copied into it. A
section that is missing or null is skipped. Recursion follows the effective
tree to any depth, and all violations of all charts are reported together.

How a schema is read, which draft it is, how keywords, formats and Go
patterns are evaluated and how references resolve without any fetch: see
the sibling modules and ``docs/schema-validation.md``. ``jsonschema`` is
imported the first time a schema is compiled, ``re2`` the first time a
pattern is.
"""

from __future__ import annotations

import posixpath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional

from profile_render.errors import ProfileRenderError, describe_value
from profile_render.helm.schema.errors import SchemaValidationError, SchemaViolation, ValuePath, path_key
from profile_render.helm.schema.instances import wrap
from profile_render.helm.schema.limits import DEFAULT_SCHEMA_LIMITS, SchemaLimits, objects_error, program_error

if TYPE_CHECKING:  # the compiler, the cache and the runs load when a chart has a schema (render imports this always)
    from profile_render.helm.schema.cache import ValidatorCache

__all__ = ["validate_values"]

_NO_REFS: Mapping[str, Any] = MappingProxyType({})


def validate_values(
    chart: Any,
    values: Dict[str, Any],
    *,
    cache: Optional[ValidatorCache] = None,
    origin: Optional[Callable[[ValuePath], object]] = None,
    local_refs: Mapping[str, Any] = _NO_REFS,
    limits: Optional[SchemaLimits] = None,
) -> None:
    """Check final values against the chart's schema and every effective subchart's schema on its section, as Helm does.

    ``chart`` must be the *effective* chart tree (``MergeResult.chart``) and
    ``values`` the final values (``MergeResult.values``). Raises
    :class:`SchemaValidationError` listing all violations, sorted by value
    path; :class:`InvalidSchemaError` when a schema file is not valid JSON or
    not a valid schema; :class:`SchemaRefError` when a schema needs a
    document that is neither bundled (the JSON Schema meta-schemas) nor in
    ``local_refs`` (a mapping ``{absolute uri: schema}``). ``origin(path)``,
    when given (e.g. ``MergeResult.origin``), locates each offending value.
    ``cache`` is the caller's :class:`ValidatorCache` (a service keeps one to
    compile each schema once); without one, this call compiles into a fresh
    cache of its own. Whichever cache is used, the outcome is the same.

    ``limits`` (:class:`SchemaLimits`; the cache's when None) bound what a
    hostile schema may cost; going beyond one raises a located
    :class:`~profile_render.errors.LimitExceededError` naming it (a
    :class:`SchemaLimitError`, also an InvalidSchemaError, when the schema
    itself is at fault).

    >>> chart = load_chart(Path("examples/web-chart"))
    >>> validate_values(chart, {"adminEmail": "ops@example.com", "replicas": 2})  # None: the values are valid
    >>> try:
    ...     validate_values(chart, {"replicas": 2})
    ... except SchemaValidationError as error:
    ...     print(error.violations[0].message)
    'adminEmail' is a required property
    """
    if limits is not None and not isinstance(limits, SchemaLimits):
        raise TypeError("limits must be a SchemaLimits")
    if not _has_schema(chart):
        return
    from profile_render.helm.schema.cache import ValidatorCache

    cache = ValidatorCache(limits=limits or DEFAULT_SCHEMA_LIMITS) if cache is None else cache
    limits = limits or cache.limits
    refs = local_refs if local_refs else _NO_REFS
    found: List[SchemaViolation] = []
    # one copy of the values whose reprs are bounded, so no error message copies a large value
    _validate_chart(chart, wrap(values), (), chart.name, _Budget(cache, refs, limits), found)
    if not found:
        return
    if origin is not None:
        located = []
        for v in found:
            try:
                where = origin(v.path)
            except (ProfileRenderError, KeyError, LookupError):
                where = None
            located.append(_replace_origin(v, where))
        found = located
    found.sort(key=lambda v: (path_key(v.path), v.chart, v.keyword, path_key(v.schema_path)))
    raise SchemaValidationError(found, complete=len(found) < limits.max_violations)


def _replace_origin(v: SchemaViolation, where: Optional[object]) -> SchemaViolation:
    return SchemaViolation(v.path, v.message, v.keyword, v.schema_path, v.chart, v.schema_source, where)


def _plain(path: ValuePath) -> ValuePath:
    """A path of the validated copy (whose long keys are :class:`BoundedStr`) with plain str keys."""
    return tuple(str.__str__(p) if isinstance(p, str) and type(p) is not str else p for p in path)


def _has_schema(chart: Any) -> bool:
    stack = [chart]
    while stack:
        node = stack.pop()
        if node.schema is not None:
            return True
        stack.extend(node.dependencies)
    return False


class _Budget:
    """One validation's cache, references and limits, and the schema objects used so far."""

    def __init__(self, cache: ValidatorCache, refs: Mapping[str, Any], limits: SchemaLimits) -> None:
        from profile_render.helm.schema.runs import Spent

        self.cache = cache
        self.refs = refs
        self.limits = limits
        self.objects = 0
        self.program = 0
        #: the steps and regex work of the charts validated so far (SchemaLimits bound their sum)
        self.spent = Spent()

    def compiled(self, schema_bytes: bytes, source: str) -> Any:
        """The compiled schema, its objects and pattern programs counted against ``SchemaLimits``."""
        from profile_render.helm.schema.compiler import compile_schema

        limits = self.limits
        left = limits.max_schema_objects - self.objects
        program = limits.max_pattern_program - self.program
        compiled = self.cache.get(schema_bytes, self.refs, lambda: compile_schema(
            schema_bytes, source, self.refs, self.cache.regexes, limits, max_objects=left, max_program=program),
            limits)
        # a schema compiled before (by another validation) is counted the same way
        self.objects += compiled.objects
        if self.objects > limits.max_schema_objects:
            raise objects_error(self.objects, limits.max_schema_objects, source)
        self.program += compiled.program
        if self.program > limits.max_pattern_program:
            raise program_error(limits.max_pattern_program, source)
        return compiled


def _validate_chart(chart: Any, values: Dict[str, Any], prefix: ValuePath, chart_path: str, budget: _Budget,
                    out: List[SchemaViolation]) -> None:
    schema_source = posixpath.join(chart.source, "values.schema.json") if chart.source else "values.schema.json"
    if chart.schema is not None:
        compiled = budget.compiled(bytes(chart.schema), schema_source)
        left = budget.limits.max_violations - len(out)
        if left <= 0:
            return
        for path, message, keyword, schema_path in compiled.violations(values, schema_source, left, budget.spent):
            out.append(SchemaViolation(prefix + _plain(path), message, keyword, _plain(schema_path), chart_path,
                                       schema_source))
    for sub in chart.dependencies:
        section = values.get(sub.name)
        if section is None:
            continue  # Helm: no values for this subchart, nothing to validate
        if not isinstance(section, dict):
            out.append(SchemaViolation(
                prefix + (sub.name,),
                f"the values of subchart {sub.name!r} must be a table, not {describe_value(section)}",
                "type", (), f"{chart_path}/{sub.name}", schema_source))
            continue
        _validate_chart(sub, section, prefix + (sub.name,), f"{chart_path}/{sub.name}", budget, out)
