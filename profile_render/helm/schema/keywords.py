"""Keywords evaluated as Helm's validator (santhosh-tekuri/jsonschema v6) evaluates them.

Numbers compare as exact rationals of their shortest decimal text, so ``1.0``
is an integer and ``0.3`` a multiple of ``0.1``. Every regular expression
(``pattern``, ``patternProperties``, and through them ``additionalProperties``
and ``unevaluatedProperties``) is a Go pattern run by RE2; jsonschema's own
versions of those keywords would use Python's ``re``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Set, Tuple

from profile_render.helm.schema.document import JNum
from profile_render.helm.schema.errors import echo
from profile_render.helm.schema.formats import FormatCheck, format_keyword
from profile_render.helm.schema.regex import RegexCache

__all__ = ["Keyword", "is_integer", "equal", "helm_keywords"]

#: A jsonschema keyword function: ``(validator, value, instance, schema) -> errors``.
Keyword = Callable[[Any, Any, Any, Any], Iterator[Any]]


# ---------------------------------------------------------------------------
# Numbers and equality


def _rat(value: Any) -> Fraction:
    if isinstance(value, JNum):
        return Fraction(value.text)
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(float(value)))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_integer(checker: Any, value: Any) -> bool:
    """The ``integer`` type check: any number whose exact value is whole (``1.0`` and ``1e300`` too)."""
    if not _is_number(value):
        return False
    if isinstance(value, int):
        return True
    try:
        return _rat(value).denominator == 1
    except (ValueError, OverflowError):
        return False


def equal(a: Any, b: Any) -> bool:
    """JSON equality as v6 decides it: numbers by exact value, booleans never equal to numbers."""
    if isinstance(a, dict):
        return isinstance(b, dict) and len(a) == len(b) and all(k in b and equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a):
        return _is_number(b) and _rat(a) == _rat(b)
    if a is None:
        return b is None
    return type(a) is type(b) and a == b


def _error(message: str) -> Any:
    """A jsonschema ValidationError (jsonschema fills in keyword, instance and paths)."""
    from jsonschema.exceptions import ValidationError

    return ValidationError(message)


def _enum(validator: Any, enums: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(enums, list) or not any(equal(instance, e) for e in enums):
        yield _error(f"{echo(instance)} is not one of {enums!r}")


def _const(validator: Any, const: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not equal(instance, const):
        yield _error(f"{const!r} was expected")


def _multiple_of(validator: Any, divisor: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not _is_number(instance) or not _is_number(divisor):
        return
    d = _rat(divisor)
    if d == 0:
        return
    if (_rat(instance) / d).denominator != 1:
        yield _error(f"{echo(instance)} is not a multiple of {divisor!r}")


def _compare(bound: Any, instance: Any, fails: Callable[[Fraction, Fraction], bool], text: str) -> Iterator[Any]:
    if not _is_number(instance) or not _is_number(bound):
        return
    if fails(_rat(instance), _rat(bound)):
        yield _error(f"{echo(instance)} is {text} {bound!r}")


def _minimum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(bound, instance, lambda v, b: v < b, "less than the minimum of")


def _maximum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(bound, instance, lambda v, b: v > b, "greater than the maximum of")


def _exclusive_minimum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(bound, instance, lambda v, b: v <= b, "less than or equal to the exclusive minimum of")


def _exclusive_maximum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(bound, instance, lambda v, b: v >= b, "greater than or equal to the exclusive maximum of")


def _minimum_draft4(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if schema.get("exclusiveMinimum", False) is True:
        yield from _exclusive_minimum(validator, bound, instance, schema)
    else:
        yield from _minimum(validator, bound, instance, schema)


def _maximum_draft4(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if schema.get("exclusiveMaximum", False) is True:
        yield from _exclusive_maximum(validator, bound, instance, schema)
    else:
        yield from _maximum(validator, bound, instance, schema)


# ---------------------------------------------------------------------------
# Keywords with regular expressions


def _extras_text(extras: List[Any]) -> Tuple[str, str]:
    """``("'a', 'b'", "were")`` for a message listing unexpected properties."""
    return ", ".join(repr(extra) for extra in extras), "was" if len(extras) == 1 else "were"


def _valid(validator: Any, instance: Any, schema: Any) -> bool:
    return next(iter(validator.descend(instance, schema)), None) is None


class _RegexKeywords:
    """``pattern``, ``patternProperties``, ``additionalProperties`` and ``unevaluatedProperties`` on Go patterns."""

    def __init__(self, regexes: RegexCache, draft: int) -> None:
        self.regexes = regexes
        self.draft = draft

    def matches_any(self, patterns: Iterable[str], name: str) -> bool:
        return any(self.regexes.search(p, name) for p in patterns)

    def pattern(self, validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if isinstance(pattern, str) and validator.is_type(instance, "string") \
                and not self.regexes.search(pattern, instance):
            yield _error(f"{echo(instance)} does not match {pattern!r}")

    def pattern_properties(self, validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object") or not isinstance(patterns, dict):
            return
        for pattern, subschema in patterns.items():
            for name, value in instance.items():
                if self.regexes.search(pattern, name):
                    yield from validator.descend(value, subschema, path=name, schema_path=pattern)

    def additional_properties(self, validator: Any, additional: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        extras = [name for name in instance
                  if name not in properties and not self.matches_any(patterns, name)]
        if validator.is_type(additional, "object"):
            for name in extras:
                yield from validator.descend(instance[name], additional, path=name)
        elif not additional and extras:
            if patterns:
                verb = "does" if len(extras) == 1 else "do"
                names = ", ".join(repr(name) for name in sorted(extras))
                listed = ", ".join(repr(p) for p in sorted(patterns))
                yield _error(f"{names} {verb} not match any of the regexes: {listed}")
            else:
                yield _error("Additional properties are not allowed (%s %s unexpected)"
                             % _extras_text(sorted(extras, key=str)))

    def unevaluated_properties(self, validator: Any, unevaluated: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        evaluated = self.evaluated(validator, instance, schema)
        failing = [name for name in instance if name not in evaluated and next(iter(validator.descend(
            instance[name], unevaluated, path=name, schema_path=name)), None) is not None]
        if not failing:
            return
        if unevaluated is False:
            yield _error("Unevaluated properties are not allowed (%s %s unexpected)"
                         % _extras_text(sorted(failing, key=str)))
        else:
            yield _error("Unevaluated properties are not valid under the given schema (%s %s unevaluated and invalid)"
                         % _extras_text(failing))

    def evaluated(self, validator: Any, instance: Dict[str, Any], schema: Any) -> Set[str]:
        """The properties of ``instance`` that ``schema`` (and what it applies in place, when valid) evaluates."""
        if not isinstance(schema, dict):
            return set()
        found: Set[str] = set()
        # jsonschema keeps the resolver of the schema being evaluated in a private field;
        # following a reference needs it, as jsonschema's own keywords do.
        resolver = validator._resolver
        targets = []
        if isinstance(schema.get("$ref"), str):
            targets.append(resolver.lookup(schema["$ref"]))
        if self.draft == 2019 and "$recursiveRef" in schema:
            from referencing.jsonschema import lookup_recursive_ref

            targets.append(lookup_recursive_ref(resolver))
        if self.draft >= 2020 and isinstance(schema.get("$dynamicRef"), str):
            targets.append(resolver.lookup(schema["$dynamicRef"]))
        for resolved in targets:
            inner = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
            found |= self.evaluated(inner, instance, resolved.contents)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            found.update(name for name in instance if name in properties)
        patterns = schema.get("patternProperties")
        if isinstance(patterns, dict):
            found.update(name for name in instance if self.matches_any(patterns, name))
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            if keyword in schema:
                sub = schema[keyword]
                found.update(name for name, value in instance.items() if _valid(validator, value, sub))
        dependent = schema.get("dependentSchemas")
        if isinstance(dependent, dict):
            for name, sub in dependent.items():
                if name in instance:
                    found |= self.evaluated(validator, instance, sub)
        for keyword in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(keyword) or ():
                if _valid(validator, instance, sub):
                    found |= self.evaluated(validator, instance, sub)
        if "if" in schema:
            if _valid(validator, instance, schema["if"]):
                found |= self.evaluated(validator, instance, schema["if"])
                if "then" in schema:
                    found |= self.evaluated(validator, instance, schema["then"])
            elif "else" in schema:
                found |= self.evaluated(validator, instance, schema["else"])
        return found


# ---------------------------------------------------------------------------
# The keyword table of a draft


def helm_keywords(draft: int, regexes: RegexCache, formats: Mapping[str, FormatCheck]) -> Dict[str, Keyword]:
    """The keyword functions that replace jsonschema's for ``draft``, patterns compiled through ``regexes``."""
    regex = _RegexKeywords(regexes, draft)
    keywords: Dict[str, Keyword] = {
        "multipleOf": _multiple_of,
        "enum": _enum,
        "format": format_keyword(formats),
        "pattern": regex.pattern,
        "patternProperties": regex.pattern_properties,
        "additionalProperties": regex.additional_properties,
    }
    if draft >= 6:
        keywords["const"] = _const
    if draft >= 2019:
        keywords["unevaluatedProperties"] = regex.unevaluated_properties
    if draft == 4:
        keywords["minimum"] = _minimum_draft4
        keywords["maximum"] = _maximum_draft4
    else:
        keywords["minimum"] = _minimum
        keywords["maximum"] = _maximum
        keywords["exclusiveMinimum"] = _exclusive_minimum
        keywords["exclusiveMaximum"] = _exclusive_maximum
    return keywords
