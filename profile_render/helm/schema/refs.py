"""References while validating: cycles decided as v6 decides them, chains followed without recursion.

v6 fails a value when a reference leads back to a schema that is already
being applied to that same value ("... causing reference cycle"): an
ordinary validation error at the value's path, so ``anyOf`` with another
branch that passes, or ``not``, can still accept it, and a cycle under a
property the values do not have is never met. A schema reached through a
reference is recorded with the value it applies to for as long as it is
being evaluated; meeting the pair again is that error.

A schema that is nothing but a reference (``{"$ref": ...}``, with only
annotations beside it, or any ``$ref`` before 2019-09, where its siblings
are ignored) is followed in a loop, so a chain of 5,000 such definitions
costs no stack. Every other application goes through the run's depth probe
(:mod:`.runs`), which moves deep work to a fresh stack.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, Optional, Set, Tuple

from profile_render.helm.schema.runs import Runs

__all__ = ["reference_keywords", "install_depth_guard", "ANNOTATIONS"]

#: Keywords that never make a schema assert anything (a schema with only these and ``$ref`` is a pure reference).
ANNOTATIONS = frozenset(("$ref", "$comment", "title", "description", "default", "examples", "deprecated",
                         "readOnly", "writeOnly", "definitions", "$defs"))

Keyword = Callable[[Any, Any, Any, Any], Iterator[Any]]


def _pure_reference(schema: Any, draft: int, roots: Set[int]) -> Optional[str]:
    """The ``$ref`` of a schema that does nothing but refer on (so it can be followed in a loop), else None."""
    if not isinstance(schema, dict) or id(schema) in roots:
        return None
    ref = schema.get("$ref")
    if not isinstance(ref, str) or "$schema" in schema or "$id" in schema or "id" in schema:
        return None
    if draft < 2019 or ANNOTATIONS.issuperset(schema):
        return ref
    return None


def reference_keywords(runs: Runs, draft: int, roots: Set[int]) -> Dict[str, Keyword]:
    """``$ref`` (and ``$dynamicRef`` / ``$recursiveRef`` where the draft has them) with cycle detection."""
    from jsonschema import exceptions as js_exceptions
    from jsonschema.exceptions import ValidationError
    from referencing import exceptions as ref_exceptions

    def lookup(resolver: Any, ref: str) -> Any:
        try:
            return resolver.lookup(ref)
        except ref_exceptions.Unresolvable as err:
            raise js_exceptions._WrappedReferencingError(err) from err

    def follow(validator: Any, keyword: str, ref: str, resolved: Any, instance: Any) -> Iterator[Any]:
        run = runs.current()
        following = run.following if run is not None else set()
        chain: Set[Tuple[int, int]] = set()
        while True:
            key = (id(resolved.contents), id(instance))
            if key in following or key in chain:
                yield ValidationError(
                    f"{keyword} {ref!r} leads back to a schema that is already being applied to this value "
                    "(a reference cycle)")
                return
            chain.add(key)
            onward = _pure_reference(resolved.contents, draft, roots)
            if onward is None:
                break
            resolved = lookup(resolved.resolver, onward)
        following |= chain
        try:
            yield from validator.descend(instance, resolved.contents, resolver=resolved.resolver)
        finally:
            following -= chain

    def ref_(validator: Any, ref: Any, instance: Any, schema: Any) -> Iterator[Any]:
        yield from follow(validator, "$ref", ref, lookup(validator._resolver, ref), instance)

    def dynamic_ref(validator: Any, ref: Any, instance: Any, schema: Any) -> Iterator[Any]:
        yield from follow(validator, "$dynamicRef", ref, lookup(validator._resolver, ref), instance)

    def recursive_ref(validator: Any, ref: Any, instance: Any, schema: Any) -> Iterator[Any]:
        from referencing.jsonschema import lookup_recursive_ref

        try:
            resolved = lookup_recursive_ref(validator._resolver)
        except ref_exceptions.Unresolvable as err:
            raise js_exceptions._WrappedReferencingError(err) from err
        yield from follow(validator, "$recursiveRef", ref, resolved, instance)

    keywords: Dict[str, Keyword] = {"$ref": ref_}
    if draft == 2019:
        keywords["$recursiveRef"] = recursive_ref
    if draft >= 2020:
        keywords["$dynamicRef"] = dynamic_ref
    return keywords


def install_depth_guard(cls: Any, runs: Runs) -> None:
    """Make ``cls.descend`` and ``cls.iter_errors`` move deep work to a fresh stack (see :mod:`.runs`).

    On most calls this costs one look at the run: the original generator is
    returned as is.
    """
    descend_ = cls.descend
    iter_errors_ = cls.iter_errors

    def descend(self: Any, instance: Any, schema: Any, path: Any = None, schema_path: Any = None,
                resolver: Any = None) -> Iterator[Any]:
        run = runs.current()
        if run is not None and run.should_move(instance):
            return iter(run.on_fresh_stack(lambda: list(descend_(self, instance, schema, path, schema_path,
                                                                 resolver))))
        result: Iterator[Any] = descend_(self, instance, schema, path, schema_path, resolver)
        return result

    def iter_errors(self: Any, instance: Any, _schema: Any = None) -> Iterator[Any]:
        run = runs.current()
        if run is not None and _schema is None and run.should_move(instance):
            return iter(run.on_fresh_stack(lambda: list(iter_errors_(self, instance))))
        result: Iterator[Any] = iter_errors_(self, instance, _schema)
        return result

    cls.descend = descend
    cls.iter_errors = iter_errors
