"""The limits schema validation works within, each with a default a caller can raise.

Tenants upload charts, so a ``values.schema.json`` is hostile input just as
the values are. Where Helm 4.1.4 answers, profile-render answers the same;
these limits only refuse what Helm itself could not answer in reasonable
time (or at all), and each refusal is a located
:class:`~profile_render.errors.LimitExceededError` naming the limit.
Pass ``ValidatorCache(limits=SchemaLimits(...))`` (or ``validate_values(...,
limits=...)``) to raise one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from profile_render.helm.schema.errors import SchemaLimitError

__all__ = ["SchemaLimits", "DEFAULT_SCHEMA_LIMITS", "GO_MAX_JSON_DEPTH", "MAX_DEPTH_CEILING", "objects_error", "program_error"]

#: Go's ``encoding/json`` refuses JSON nested deeper than this ("exceeded max depth"), and so does Helm.
GO_MAX_JSON_DEPTH = 10_000
#: The most ``max_depth`` may be raised to.
MAX_DEPTH_CEILING = 900


@dataclass(frozen=True)
class SchemaLimits:
    """Resource limits of schema validation.

    ``max_depth``: how deeply a schema document (``values.schema.json`` or
    a ``local_refs`` document) may nest JSON arrays and objects. Helm
    refuses more than 10,000 levels; below that its validator takes time
    cubic in the depth (4.7 s at 800 levels of ``properties``), so deeper
    schemas are refused here. Real schemas nest a few dozen levels. It can
    be raised up to 900 (Python's JSON decoder recurses once per level).

    ``max_schema_objects``: the JSON objects all the schemas of one
    validation hold together (the chart's and its subcharts'
    ``values.schema.json`` and the ``local_refs`` documents, counted once
    per schema file that uses them). Checking a schema against its
    meta-schema, as Helm does, costs jsonschema about 0.2 ms per object
    under 2020-12 (Helm's Go needs a fraction of that), so the default
    keeps it to about a second and a half.

    ``max_pattern_nodes``: the parts RE2 parses in one pattern or one
    ``format: regex`` value (characters outside runs of plain text,
    classes, groups, operators). RE2 stops (and writes to stderr) on parse
    trees of about a million nodes.

    ``max_pattern_program``: the RE2 instructions all the patterns of the
    schemas of one validation compile to (compiling costs about a microsecond
    each, and each is kept in memory with the compiled schema).
    ``\\pL{1000}`` alone is 1.2 million: Go holds a class in one
    instruction, RE2 in hundreds.

    ``max_regex_work``: the regex work one validation (all its charts) may do: for every
    match, the text's length times the pattern's cost per character (its
    Go program size, or RE2's over 64 when larger), plus the syntax checks
    of ``format: regex`` values. A unit is about 10 ns at worst, so the
    default is about half a second; ordinary schemas use a tiny fraction of it.

    ``max_validation_steps``: the steps one validation (all its charts; or
    one meta-schema check) may take: each application of a schema or sub-schema to a value
    is one, and so are 32 elements of a keyword's loop (``required`` names,
    ``properties`` looked up, items compared by ``uniqueItems`` ...). A step
    costs jsonschema a few microseconds, so the default is about a second: values of some hundred thousand items under a schema that
    checks each. JSON Schema's cost is the values' size times the schema's
    (a thousand ``anyOf`` branches over a list of a thousand items is a
    million steps), in Helm as here.

    ``max_violations``: the violations one validation reports. Helm lists
    every one; profile-render stops looking after this many (the values
    are refused either way) and says there may be more.

    >>> cache = ValidatorCache(limits=SchemaLimits(max_depth=64))
    >>> chart = load_chart(Path("examples/web-chart"))
    >>> merge_values(chart, [Layer.from_text("adminEmail: ops@example.com\\n")], schema_cache=cache).values["replicas"]
    1
    """

    max_depth: int = 256
    max_schema_objects: int = 8_000
    max_pattern_nodes: int = 100_000
    max_pattern_program: int = 1_000_000
    max_regex_work: int = 50_000_000
    max_validation_steps: int = 150_000
    max_violations: int = 1_000

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_schema_objects", "max_pattern_nodes", "max_pattern_program",
                     "max_regex_work", "max_validation_steps", "max_violations"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"SchemaLimits.{name} must be a positive integer")
        if self.max_depth > MAX_DEPTH_CEILING:
            raise ValueError(f"SchemaLimits.max_depth cannot exceed {MAX_DEPTH_CEILING} (Python's JSON decoder "
                             "recurses once per level, within Python's recursion limit of about 1000)")


DEFAULT_SCHEMA_LIMITS = SchemaLimits()


def objects_error(total: int, limit: int, source: str) -> "SchemaLimitError":
    """The error for schemas that hold ``total`` JSON objects, more than ``limit``."""
    from profile_render.helm.schema.errors import SchemaLimitError

    return SchemaLimitError(
        f"the schemas of this validation hold {total:,} JSON objects or more, more than the limit of {limit:,} "
        "(SchemaLimits.max_schema_objects)", source=source,
        hint="use smaller schemas (shared definitions under $defs count once); a caller can raise "
             "SchemaLimits.max_schema_objects (checking costs about 0.2 ms per object)")


def program_error(limit: int, source: str) -> "SchemaLimitError":
    """The error for schemas whose patterns compile to more than ``limit`` RE2 instructions together."""
    from profile_render.helm.schema.errors import SchemaLimitError

    return SchemaLimitError(
        f"the schemas' patterns compile to more than {limit:,} RE2 instructions (SchemaLimits.max_pattern_program)",
        source=source, hint="use fewer or simpler patterns; a caller can raise SchemaLimits.max_pattern_program")
