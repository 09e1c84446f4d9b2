"""Compiling one ``values.schema.json`` into a validator with Helm's semantics, never fetching anything.

Compilation follows v6: the schema must be one JSON document, valid against
its draft's meta-schema with formats asserted (so an invalid Go pattern
fails here), every pattern must compile, and every ``$ref`` reachable from the
root is resolved now, whatever the values hold. References resolve against
``file:///values.schema.json`` from the bundled meta-schemas and the caller's
``local_refs`` only; anything else raises :class:`SchemaRefError`, and an
unresolved ``urn:`` becomes the schema ``true``, as in Helm.
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Dict, Iterator, List, Mapping, Optional, Set, Tuple
from urllib.parse import urljoin

from profile_render.errors import LimitExceededError, ProfileRenderError
from profile_render.helm.schema.document import count_objects, document_depth, document_depth_error, \
    parse_schema_json, prepare_document
from profile_render.helm.schema.drafts import (
    ARRAY_KEYWORDS, DEFAULT_DRAFT, DEFINITION_KEYWORDS, MAP_KEYWORDS, META_URLS, SELF_KEYWORDS, Dialects,
    JsonSchemaModules, draft_from_url, draft_name, jsonschema_modules, resource, strip_empty_fragment, subschemas,
    vocab_asserts_format,
)
from profile_render.helm.schema.errors import (
    MAX_ECHO, InvalidSchemaError, SchemaLimitError, SchemaRefError, ValuePath, echo, path_key,
)
from profile_render.helm.schema.formats import format_checker, format_checks
from profile_render.helm.schema.limits import DEFAULT_SCHEMA_LIMITS, SchemaLimits, objects_error
from profile_render.helm.schema.numbers import GoPanic
from profile_render.helm.schema.regex import (
    BYTES_PER_INSTRUCTION, GoRegexError, RegexBudgetError, RegexCache, UnsupportedRegexError, pattern_shape,
)
from profile_render.helm.schema.runs import Runs, Spent

__all__ = ["BASE_URI", "CompiledSchema", "compile_schema"]

#: The URI Helm registers every values schema under; relative references resolve against it.
BASE_URI = "file:///values.schema.json"

#: One violation as the compiled schema reports it: value path, message, keyword, schema path.
RawViolation = Tuple[ValuePath, str, str, Tuple[Any, ...]]


class CompiledSchema:
    """A compiled schema: a jsonschema validator plus what is needed to report its errors."""

    def __init__(self, js: JsonSchemaModules, validator: Any, draft: int, asserts_format: bool, runs: Runs,
                 limits: SchemaLimits) -> None:
        self.js = js
        self.validator = validator
        self.draft = draft
        self.asserts_format = asserts_format
        self.runs = runs
        self.limits = limits
        #: the JSON objects of the schema and the local_refs documents (SchemaLimits.max_schema_objects)
        self.objects = 0
        #: what its patterns cost to compile, in RE2 instructions (SchemaLimits.max_pattern_program)
        self.program = 0

    def violations(self, values: Any, source: str, most: Optional[int] = None,
                   spent: Optional[Spent] = None) -> Iterator[RawViolation]:
        """Every way ``values`` breaks the schema (``source`` names the schema file in errors), the first
        ``most`` of them when given (validation stops there).

        ``values`` should have bounded reprs (:func:`.instances.wrap`), so that
        no error message copies a large value. ``spent`` carries the steps and
        regex work of the validation's earlier charts (their limits are shared).
        """
        try:
            with self.runs.run(self.limits, source, spent):
                errors = list(islice(self.validator.iter_errors(values), most))
        except self.js.referencing_exceptions.Unresolvable as exc:
            raise _unresolvable(exc, source) from None
        except GoRegexError as exc:  # a pattern compile_schema could not see (under an unknown keyword)
            raise _pattern_error(exc, source) from None
        except GoPanic as exc:
            raise _go_panic(exc, source) from None
        except RecursionError:
            raise _too_deep(source) from None
        for error in errors:
            keyword = error.validator if isinstance(error.validator, str) else "false"
            yield tuple(error.absolute_path), _message(error, keyword), keyword, tuple(error.absolute_schema_path)


def _go_panic(exc: GoPanic, source: str) -> InvalidSchemaError:
    return InvalidSchemaError(
        f"Helm's validator fails on this schema with a Go runtime error (invalid memory address or nil "
        f"pointer dereference): {exc}", source=source,
        hint="write numbers Go can read: a decimal exponent (the written exponent minus the digits after the "
             "point) between -1000000 and 1000000")


def _too_deep(source: str) -> LimitExceededError:
    return LimitExceededError(
        "the schema and the values nest too deeply for profile-render to evaluate within Python's recursion "
        "limit", source=source,
        hint="flatten the schema (or the values); the depth of schema documents is bounded by "
             "SchemaLimits.max_depth")


def _message(error: Any, keyword: str) -> str:
    instance = error.instance
    if keyword == "format":
        cause = f": {error.cause}" if error.cause is not None and str(error.cause) else ""
        return f"{echo(instance)} is not a valid {error.validator_value}{cause}"
    if keyword == "pattern":
        return f"{echo(instance)} does not match the pattern {echo(error.validator_value)}"
    if keyword == "false":
        return f"False schema does not allow {echo(instance)}"
    message: str = error.message
    if len(message) > 4 * MAX_ECHO:
        message = message[: 4 * MAX_ECHO - 3] + "..."
    return message


def _unresolvable(exc: BaseException, source: str) -> ProfileRenderError:
    """Turn a referencing failure into our error: the SchemaRefError raised while retrieving, or an InvalidSchemaError."""
    seen = set()
    cause: Optional[BaseException] = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ProfileRenderError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    ref = getattr(exc, "ref", "")
    return InvalidSchemaError(f"the schema's $ref {ref!r} cannot be resolved ({type(exc).__name__})",
                              source=source, hint="point $ref at an existing definition, e.g. #/definitions/name")


def _pattern_error(exc: GoRegexError, source: str) -> InvalidSchemaError:
    if isinstance(exc, UnsupportedRegexError):
        return InvalidSchemaError(str(exc), source=source,
                                  hint="simplify the pattern (e.g. \\p{L}+ with maxLength instead of \\p{L}{1,1000})")
    return InvalidSchemaError(f"a pattern is not valid Go regexp syntax: {exc}", source=source,
                              hint="Helm uses Go's regexp syntax: no look-around, no back-references")


def compile_schema(data: bytes, source: str, local_refs: Mapping[str, Any], regexes: RegexCache,
                   limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS, max_objects: Optional[int] = None,
                   max_program: Optional[int] = None) -> CompiledSchema:
    """Parse, check and compile one schema file into a validator with Helm's semantics.

    Raises :class:`InvalidSchemaError` for what Helm refuses to compile,
    :class:`SchemaRefError` for a document it would fetch and
    :class:`SchemaLimitError` (an InvalidSchemaError) beyond ``limits``; Go
    patterns are compiled through ``regexes``. ``max_objects`` and
    ``max_program`` are what is left of ``limits.max_schema_objects`` and
    ``limits.max_pattern_program`` for this schema (all of them when None).
    """
    js = jsonschema_modules()
    schema = parse_schema_json(data, source, limits.max_depth)
    local = {}
    for uri, doc in local_refs.items():
        error = document_depth_error(document_depth(doc, limits.max_depth), limits.max_depth,
                                     f"local_refs[{uri!r}]")
        if error is not None:
            raise error
        local[strip_empty_fragment(uri)] = prepare_document(doc)
    objects = count_objects(schema) + sum(count_objects(doc) for doc in local.values())
    allowed = limits.max_schema_objects if max_objects is None else max_objects
    if objects > allowed:
        raise objects_error(limits.max_schema_objects - allowed + objects, limits.max_schema_objects, source)
    try:
        compiled = _compile(js, schema, local, source, regexes, limits,
                            limits.max_pattern_program if max_program is None else max_program)
    except GoPanic as exc:
        raise _go_panic(exc, source) from None
    except RecursionError:
        raise _too_deep(source) from None
    compiled.objects = objects
    return compiled


def _compile(js: JsonSchemaModules, schema: Any, local: Dict[str, Any], source: str, regexes: RegexCache,
             limits: SchemaLimits, max_program: int) -> CompiledSchema:

    # The draft, and whether format asserts, from the root $schema (v6's rules).
    draft = DEFAULT_DRAFT
    asserts_format: Optional[bool] = None
    meta_doc: Any = None
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    if isinstance(declared, str):
        known = draft_from_url(declared)
        if known is not None:
            draft = known
        else:
            meta_uri = strip_empty_fragment(declared.split("#", 1)[0])
            absolute = urljoin(BASE_URI, meta_uri)
            if absolute in local or meta_uri in local:
                meta_doc = local.get(absolute, local.get(meta_uri))
                inner = meta_doc.get("$schema") if isinstance(meta_doc, dict) else None
                draft = (draft_from_url(inner) if isinstance(inner, str) else None) or DEFAULT_DRAFT
                asserts_format = vocab_asserts_format(meta_doc, draft)
            elif absolute.startswith("urn:") or meta_uri.startswith("urn:"):
                meta_doc = True  # Helm's URN loader: an unresolved URN is the permissive schema
            else:
                raise SchemaRefError(declared, source=source, what="$schema")
    if asserts_format is None:
        asserts_format = draft < 2019

    runs = Runs()
    formats = format_checks(regexes, runs, limits)
    checker = format_checker(js.jsonschema, formats)
    dialects = Dialects(js, checker, formats, regexes, roots=list(local.values()), runs=runs)
    cls = dialects.cls(draft)

    # 1. The schema must be valid against its meta-schema (formats asserted, as v6 does).
    # The resolver only knows the bundled meta-schemas: it can never fetch.
    if meta_doc is None:
        meta_validator = cls(cls.META_SCHEMA, format_checker=checker,
                             _resolver=js.specs.resolver(base_uri=META_URLS[draft]))
    else:
        meta_validator = cls(meta_doc, format_checker=checker, _resolver=js.specs.resolver(base_uri=""))
    with runs.run(limits, source):
        meta_errors = sorted(meta_validator.iter_errors(schema), key=lambda e: path_key(e.absolute_path))
    if meta_errors:
        details = [f"at '/{'/'.join(str(p) for p in e.absolute_path)}': {_meta_message(e)}" for e in meta_errors]
        more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
        raise InvalidSchemaError(
            f"the schema is not a valid draft {draft_name(draft)} schema: {details[0]}{more}",
            details=details, source=source, hint="fix values.schema.json")

    # 2. Every pattern compiles now, as v6 compiles them (the meta-schema does
    # not check patternProperties keys before draft 6).
    budget = _PatternBudget(limits, source, limits.max_pattern_program - max_program)
    for doc in [schema, *local.values()]:
        _check_patterns(doc, draft, regexes, source, budget)

    # 3. A registry that never fetches: bundled meta-schemas, local_refs, urn -> true.
    spec = js.specifications[draft]

    def retrieve(uri: str) -> Any:
        key = strip_empty_fragment(uri)
        if key in local:
            return resource(js, local[key])
        known = draft_from_url(key)
        if known is not None:
            return js.specs.get(META_URLS[known]) or resource(js, js.base_classes[known].META_SCHEMA)
        if key in js.specs and ("2019-09/meta/" in key or "2020-12/meta/" in key):
            return js.specs.get(key)
        if key.startswith("urn:"):
            return js.specifications[DEFAULT_DRAFT].create_resource(True)
        raise SchemaRefError(uri, source=source)

    registry = js.referencing.Registry(retrieve=retrieve)
    root = spec.create_resource(schema)
    root_id = spec.id_of(schema) if isinstance(schema, dict) else None
    base = urljoin(BASE_URI, root_id) if root_id else BASE_URI
    registry = registry.with_resource(BASE_URI, root)
    if base != BASE_URI:
        registry = registry.with_resource(base, root)
    resolver = registry.resolver(base_uri=base)

    # 4. Every reference reachable from the root is resolved now, as v6 compiles them.
    _check_references(js, schema, resolver, spec, draft, source)

    validator = cls(schema, format_checker=checker if asserts_format else None, _resolver=resolver)
    compiled = CompiledSchema(js, validator, draft, asserts_format, runs, limits)
    compiled.program = budget.program - budget.start
    return compiled


def _meta_message(error: Any) -> str:
    """A meta-schema error's message (with the format's reason), at most 300 characters."""
    message: str = error.message
    if error.validator == "format" and error.cause is not None:
        message = f"{error.instance!r} is not a valid {error.validator_value}: {error.cause}"
    if len(message) > 300:
        message = message[:297] + "..."
    return message


def _check_references(js: JsonSchemaModules, schema: Any, resolver: Any, spec: Any, draft: int,
                      source: str) -> None:
    """Resolve every reference reachable from the root (v6 compiles eagerly); raise what Helm would fail with."""
    errors = js.referencing_exceptions
    stack: List[Tuple[Any, Any]] = [(schema, resolver)]
    seen: Set[int] = set()
    while stack:
        node, res = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        try:
            res = res.in_subresource(spec.create_resource(node))
        except Exception:  # noqa: BLE001 - an odd $id; the validator reports what matters
            pass
        ref_keys = ("$ref",) if draft < 2019 else ("$ref", "$dynamicRef", "$recursiveRef")
        for kw in ref_keys:
            ref = node.get(kw)
            if not isinstance(ref, str):
                continue
            try:
                resolved = res.lookup(ref)
            except errors.Unresolvable as exc:
                if kw != "$ref" and not isinstance(_unresolvable(exc, source), SchemaRefError):
                    continue  # a dynamic reference may legitimately have no static target
                raise _unresolvable(exc, source) from None
            except (TypeError, ValueError, LookupError):
                # e.g. a JSON pointer into a boolean schema (an unresolved urn: is `true`)
                if kw != "$ref":
                    continue
                raise InvalidSchemaError(f"the schema's $ref {ref!r} points to nothing", source=source,
                                         hint="point $ref at an existing definition, e.g. #/definitions/name") from None
            stack.append((resolved.contents, resolved.resolver))
        if draft < 2019 and "$ref" in node:
            continue  # siblings of $ref are ignored before 2019-09
        for sub in subschemas(node, draft, definitions=False):
            stack.append((sub, res))


#: What compiling a pattern costs besides its instructions (a call into RE2), in instructions.
_COMPILE_COST = 64


class _PatternBudget:
    """What a schema's patterns may cost: parts per pattern, RE2 instructions in all (:class:`SchemaLimits`)."""

    def __init__(self, limits: SchemaLimits, source: str, start: int = 0) -> None:
        self.limits = limits
        self.source = source
        #: what the validation's schemas compiled before this one used
        self.start = start
        self.program = start

    def check_shape(self, pattern: str) -> None:
        nodes = pattern_shape(pattern)[1]
        if nodes > self.limits.max_pattern_nodes:
            raise SchemaLimitError(
                f"the pattern {echo(pattern)} has {nodes:,} parts, more than the limit of "
                f"{self.limits.max_pattern_nodes:,} (SchemaLimits.max_pattern_nodes)", source=self.source,
                hint="simplify the pattern; a caller can raise SchemaLimits.max_pattern_nodes")

    def max_mem(self) -> int:
        """RE2 memory for the next pattern: enough for what is left of the budget, generously counted."""
        return max(1, self.limits.max_pattern_program - self.program) * BYTES_PER_INSTRUCTION

    def charge(self, pattern: str, program: int) -> None:
        self.program += program + _COMPILE_COST
        if self.program > self.limits.max_pattern_program:
            raise self.exceeded(pattern, program)

    def exceeded(self, pattern: str, program: Optional[int]) -> SchemaLimitError:
        alone = f", {echo(pattern)} alone to {program:,}" if program is not None else f" with {echo(pattern)}"
        return SchemaLimitError(
            f"the schemas' patterns compile to more than {self.limits.max_pattern_program:,} RE2 instructions "
            f"(SchemaLimits.max_pattern_program){alone}", source=self.source,
            hint="use fewer or simpler patterns (large counted repetitions of Unicode classes such as "
                 "\\pL{1000} are the costly ones); a caller can raise SchemaLimits.max_pattern_program")


def _check_patterns(schema: Any, draft: int, regexes: RegexCache, source: str, budget: _PatternBudget) -> None:
    """Compile every ``pattern`` and ``patternProperties`` key of a schema document (definitions included)."""
    stack: List[Any] = [schema]
    seen: Set[int] = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        patterns: List[str] = []
        if isinstance(node.get("pattern"), str):
            patterns.append(node["pattern"])
        if isinstance(node.get("patternProperties"), dict):
            patterns.extend(node["patternProperties"])
        for pattern in patterns:
            budget.check_shape(pattern)
            try:
                compiled = regexes.compile(pattern, budget.max_mem())
            except RegexBudgetError:
                raise budget.exceeded(pattern, None) from None
            except UnsupportedRegexError as exc:
                raise InvalidSchemaError(f"{exc}: {echo(pattern)}", source=source,
                                         hint="simplify the pattern (e.g. \\p{L}+ with maxLength instead of "
                                              "\\p{L}{1,1000})") from None
            except GoRegexError as exc:
                raise InvalidSchemaError(f"the pattern {echo(pattern)} is not valid Go regexp syntax: {exc}",
                                         source=source,
                                         hint="Helm uses Go's regexp syntax: no look-around, no back-references") from None
            budget.charge(pattern, compiled.program)
        for kw in SELF_KEYWORDS[draft] + ("contentSchema",):
            stack.append(node.get(kw))
        for kw in ARRAY_KEYWORDS[draft]:
            if isinstance(node.get(kw), list):
                stack.extend(node[kw])
        for kw in MAP_KEYWORDS[draft] + DEFINITION_KEYWORDS:
            if isinstance(node.get(kw), dict):
                stack.extend(node[kw].values())
