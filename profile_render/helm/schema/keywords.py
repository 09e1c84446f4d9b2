"""Keywords evaluated as Helm's validator (santhosh-tekuri/jsonschema v6) evaluates them.

Numbers are Go ``big.Rat``s of their text (:mod:`.numbers`), so ``1.0`` is an
integer, ``0.3`` a multiple of ``0.1``, integers have any length, and
integer keywords (``maxLength`` ...) wrap at 64 bits as in Go. Equality is
v6's (numbers by exact value, booleans never numbers), and ``uniqueItems``
finds duplicates by hashing each item's canonical form, in linear time,
instead of comparing every pair. Every regular expression (``pattern``,
``patternProperties``, and through them ``additionalProperties`` and
``unevaluatedProperties``) is a Go pattern run by RE2; jsonschema's own
versions of those keywords would use Python's ``re``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Set, Tuple

from profile_render.helm.schema.errors import echo
from profile_render.helm.schema.evaluation import evaluated_items, evaluated_properties
from profile_render.helm.schema.formats import FormatCheck, format_keyword
from profile_render.helm.schema.numbers import (
    GoPanic, go_int64, go_rat, is_number, multiple_of, number_equals_text, number_key, numbers_equal,
    plain, readable_number,
)
from profile_render.helm.schema.refs import reference_keywords
from profile_render.helm.schema.regex import SEARCH_COST, GoRegex, RegexCache
from profile_render.helm.schema.runs import Runs

__all__ = ["Keyword", "is_integer_type", "equal", "equal_counted", "duplicates", "helm_keywords", "charge_loops"]

#: A jsonschema keyword function: ``(validator, value, instance, schema) -> errors``.
Keyword = Callable[[Any, Any, Any, Any], Iterator[Any]]


# ---------------------------------------------------------------------------
# Numbers and equality


def is_integer_type(checker: Any, value: Any) -> bool:
    """The ``integer`` type check: any number whose exact value is whole (``1.0`` and ``1e300`` too)."""
    from profile_render.helm.schema.numbers import is_integer

    return is_integer(value)


def equal(a: Any, b: Any) -> bool:
    """JSON equality as v6 decides it: numbers by exact value, booleans never equal to numbers (iterative)."""
    return equal_counted(a, b)[0]


def equal_counted(a: Any, b: Any) -> Tuple[bool, int]:
    """:func:`equal`, and how many pairs of values it compared to decide."""
    stack: List[Tuple[Any, Any]] = [(a, b)]
    compared = 0
    while stack:
        x, y = stack.pop()
        compared += 1
        if isinstance(x, dict):
            if not isinstance(y, dict) or len(x) != len(y):
                return False, compared
            for key, value in x.items():
                if key not in y:
                    return False, compared
                stack.append((value, y[key]))
        elif isinstance(x, list):
            if not isinstance(y, list) or len(x) != len(y):
                return False, compared
            stack.extend(zip(x, y))
        elif isinstance(x, bool) or isinstance(y, bool):
            if not (isinstance(x, bool) and isinstance(y, bool) and x == y):
                return False, compared
        elif is_number(x):
            # v6 reads the other side with Rat.SetString(fmt.Sprint(y)): a string like "1.0" equals 1
            if not (numbers_equal(x, y) if is_number(y) else isinstance(y, str) and number_equals_text(x, y)):
                return False, compared
        elif x is None:
            if y is not None:
                return False, compared
        elif not (isinstance(x, str) and isinstance(y, str) and x == y):
            return False, compared
    return True, compared


_BAD_NUMBER = "number Go cannot read"


def _canonical(value: Any) -> Tuple[Tuple[Any, ...], bool]:
    """A hashable form of ``value`` equal for exactly the values v6 finds equal, and whether it holds a number
    Go cannot read (such a number equals nothing, so it gets a form of its own)."""
    out: List[Any] = []
    bad = False
    stack: List[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            keys = sorted(item)
            out.append(("{", len(keys)))
            for key in reversed(keys):
                stack.append(item[key])
                stack.append(("key", key))
        elif isinstance(item, tuple):
            out.append(item)  # a key marker pushed above
        elif isinstance(item, list):
            out.append(("[", len(item)))
            stack.extend(reversed(item))
        elif isinstance(item, bool):
            out.append(("b", item))
        elif is_number(item):
            key = number_key(item)
            if key is None:
                bad = True
                out.append((_BAD_NUMBER, object()))
            else:
                out.append(("n", key))
        elif item is None:
            out.append(("z",))
        else:
            out.append(("s", item))
    return tuple(out), bad


def duplicates(items: List[Any]) -> Tuple[Optional[Tuple[int, int]], int]:
    """The first pair of equal items ``(j, i)``, ``j < i``, as v6 finds it, or None; and how many values
    (items and what they hold) it read. Linear time.

    v6 compares up to 20 items pairwise and hashes longer arrays; hashing a
    number Go cannot read dereferences a nil pointer (:class:`GoPanic`) unless
    a duplicate was found first.
    """
    if len(items) <= 20:  # v6 compares each pair, the later item first (equality is not symmetric)
        read = 0
        for i in range(1, len(items)):
            for j in range(i):
                same, compared = equal_counted(items[i], items[j])
                read += compared
                if same:
                    return (j, i), read
        return None, read
    seen: Dict[Tuple[Any, ...], int] = {}
    read = 0
    for i, item in enumerate(items):
        form, bad = _canonical(item)
        read += len(form)
        if bad:
            raise GoPanic("uniqueItems hashed a number Go cannot read")
        earlier = seen.get(form)
        if earlier is not None:
            return (earlier, i), read
        seen[form] = i
    return None, read


def _error(message: str) -> Any:
    """A jsonschema ValidationError (jsonschema fills in keyword, instance and paths)."""
    from jsonschema.exceptions import ValidationError

    return ValidationError(message)


class _EnumIndex:
    """``enum`` in constant time for scalars: each enum list's scalars as canonical forms in a set (built once
    per list; the lists belong to the compiled schema, so this index is as bounded as the schema)."""

    def __init__(self, runs: Runs) -> None:
        self.runs = runs
        self._lists: Dict[int, Tuple[List[Any], Set[Tuple[Any, ...]], List[Any]]] = {}

    def _index(self, enums: List[Any]) -> Tuple[Set[Tuple[Any, ...]], List[Any]]:
        found = self._lists.get(id(enums))
        if found is None or found[0] is not enums:
            scalars: Set[Tuple[Any, ...]] = set()
            containers: List[Any] = []
            has_number = any(is_number(entry) for entry in enums)
            for entry in enums:
                if isinstance(entry, (dict, list)):
                    containers.append(entry)
                    continue
                form, bad = _canonical(entry)
                if not bad:
                    scalars.add(form)
                if has_number and isinstance(entry, str):
                    # v6 compares a number with every entry once the enum holds a number: "5" equals 5
                    value = readable_number(entry)
                    if value is not None:
                        scalars.add((("n", value),))
            found = self._lists[id(enums)] = (enums, scalars, containers)
        return found[1], found[2]

    def keyword(self, validator: Any, enums: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not isinstance(enums, list):
            yield _error(f"{echo(instance)} is not one of {echo(enums)}")
            return
        scalars, containers = self._index(enums)
        if isinstance(instance, (dict, list)):
            matched, compared = False, 0
            for entry in containers:
                same, pairs = equal_counted(instance, entry)
                compared += pairs
                if same:
                    matched = True
                    break
            run = self.runs.current()
            if run is not None:
                run.charge_steps(compared << 2)
        else:
            form, bad = _canonical(instance)
            matched = not bad and form in scalars
        if not matched:
            yield _error(f"{echo(instance)} is not one of {echo(enums)}")


def _charged(keyword: Keyword, runs: Runs, size: Callable[[Any, Any], int]) -> Keyword:
    """``keyword``, first charging the run ``size(value, instance)`` loop elements (see :meth:`.runs.Run.charge_steps`)."""
    def charged(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
        run = runs.current()
        if run is not None:
            run.charge_steps(size(value, instance))
        return keyword(validator, value, instance, schema)
    return charged


def _loop_size(value: Any, instance: Any) -> int:
    """What jsonschema's ``properties``/``required``/``dependent*`` loop over: the keyword's entries, and for
    the dependencies of properties the instance has, their lists."""
    if not isinstance(instance, dict):
        return 0
    size = len(value) if isinstance(value, (dict, list)) else 0
    if isinstance(value, dict) and len(value) <= len(instance):
        size += sum(len(dep) for name, dep in value.items() if isinstance(dep, list) and name in instance)
    elif isinstance(value, dict):
        size += sum(len(value[name]) for name in instance if isinstance(value.get(name), list))
    return size


#: The most missing names reported one by one for one object; more are reported in one message.
_MISSING_SHOWN = 20


def _missing(names: List[str], template: str, many: str) -> Iterator[Any]:
    """Errors for missing property names: one each (``template`` with the name), or one for them all."""
    if len(names) <= _MISSING_SHOWN:
        for name in names:
            yield _error(template.format(echo(name)))
        return
    shown = ", ".join(echo(name) for name in names[:_MISSING_SHOWN])
    yield _error(many.format(f"{shown} and {len(names) - _MISSING_SHOWN:,} more"))


def _required(validator: Any, required: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(instance, dict) or not isinstance(required, list):
        return
    yield from _missing([name for name in required if name not in instance],
                        "{} is a required property", "{} are required properties")


def _dependent_required(validator: Any, dependent: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(instance, dict) or not isinstance(dependent, dict):
        return
    for name, needed in dependent.items():
        if name in instance and isinstance(needed, list):
            yield from _missing([each for each in needed if each not in instance],
                                "{} is a dependency of " + echo(name).replace("{", "{{").replace("}", "}}"),
                                "{} are dependencies of " + echo(name).replace("{", "{{").replace("}", "}}"))


def _dependencies(validator: Any, dependencies: Any, instance: Any, schema: Any) -> Iterator[Any]:
    """Drafts 4-7: each entry is a list of names (as ``dependentRequired``) or a schema (``dependentSchemas``)."""
    if not isinstance(instance, dict) or not isinstance(dependencies, dict):
        return
    for name, dependency in dependencies.items():
        if name not in instance:
            continue
        if isinstance(dependency, list):
            yield from _dependent_required(validator, {name: dependency}, instance, schema)
        else:
            yield from validator.descend(instance, dependency, schema_path=name)


def charge_loops(keywords: Dict[str, Keyword], runs: Runs) -> None:
    """Make the keywords that loop over a schema's entries charge the run for them (and report missing
    names in bounded messages)."""
    if "required" in keywords:
        keywords["required"] = _required
    if "dependentRequired" in keywords:
        keywords["dependentRequired"] = _dependent_required
    if "dependencies" in keywords:
        keywords["dependencies"] = _dependencies
    for name in ("properties", "required", "dependentRequired", "dependentSchemas", "dependencies"):
        if name in keywords:
            keywords[name] = _charged(keywords[name], runs, _loop_size)


def _const_keyword(runs: Runs) -> Keyword:
    def const_(validator: Any, const: Any, instance: Any, schema: Any) -> Iterator[Any]:
        same, compared = equal_counted(instance, const)
        run = runs.current()
        if run is not None:
            run.charge_steps(compared << 2)
        if not same:
            yield _error(f"{echo(const)} was expected")
    return const_


def _unique_items_keyword(runs: Runs) -> Keyword:
    def unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if unique is not True or not isinstance(instance, list):
            return
        found, read = duplicates(instance)
        run = runs.current()
        if run is not None:
            run.charge_steps(read << 2)
        if found is not None:
            yield _error(f"{echo(instance)} has non-unique elements (items {found[0]} and {found[1]} are equal)")

    return unique_items


def _instance_rat(validator: Any, instance: Any, schema: Any) -> Optional[Decimal]:
    """The instance's rat for a number keyword; None when v6 would stop before it (the type already failed).

    v6 checks ``type`` first and stops there; a number it cannot read that
    gets past ``type`` makes it dereference a nil pointer (:class:`GoPanic`).
    """
    rat = go_rat(instance)
    if rat is None:
        types = schema.get("type") if isinstance(schema, dict) else None
        if types is not None and not any(validator.is_type(instance, t) for t in
                                         (types if isinstance(types, list) else [types]) if isinstance(t, str)):
            return None
        raise GoPanic(f"a number keyword compared {echo(instance)}, which Go cannot read")
    return rat


def _multiple_of(validator: Any, divisor: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not is_number(instance) or not is_number(divisor):
        return
    if type(instance) is int and type(divisor) is int:
        if divisor and instance % divisor:
            yield _error(f"{echo(instance)} is not a multiple of {echo(divisor)}")
        return
    d = go_rat(divisor)
    if d is None:
        return  # v6 ignores a bound it cannot read
    value = _instance_rat(validator, instance, schema)
    if value is not None and not multiple_of(value, d):
        yield _error(f"{echo(instance)} is not a multiple of {echo(divisor)}")


def _compare(validator: Any, bound: Any, instance: Any, schema: Any,
             fails: Callable[[Any, Any], bool], text: str) -> Iterator[Any]:
    if not is_number(instance) or not is_number(bound):
        return
    if plain(instance) and plain(bound):
        if fails(instance, bound):
            yield _error(f"{echo(instance)} is {text} {echo(bound)}")
        return
    b = go_rat(bound)
    if b is None:
        return  # v6 ignores a bound it cannot read
    value = _instance_rat(validator, instance, schema)
    if value is not None and fails(value, b):
        yield _error(f"{echo(instance)} is {text} {echo(bound)}")


def _minimum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(validator, bound, instance, schema, lambda v, b: v < b, "less than the minimum of")


def _maximum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(validator, bound, instance, schema, lambda v, b: v > b, "greater than the maximum of")


def _exclusive_minimum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(validator, bound, instance, schema, lambda v, b: v <= b,
                        "less than or equal to the exclusive minimum of")


def _exclusive_maximum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(validator, bound, instance, schema, lambda v, b: v >= b,
                        "greater than or equal to the exclusive maximum of")


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


def _size_keyword(kind: str, too_small: bool, noun: str) -> Keyword:
    """``minLength``/``maxLength``/``minItems``/... with v6's int64 limit (the bound wraps at 64 bits as in Go)."""
    python_type = {"string": str, "array": list, "object": dict}[kind]

    def keyword(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
        limit = go_int64(bound)
        if limit is None or not isinstance(instance, python_type):
            return
        size = len(instance)
        if (size < limit) if too_small else (size > limit):
            yield _error(f"{echo(instance)} is too {'short' if too_small else 'long'} "
                         f"({size} {noun}, {'at least' if too_small else 'at most'} {limit} allowed)")

    return keyword


#: The most errors of failing branches an ``anyOf``/``oneOf`` error keeps as its context (jsonschema keeps
#: them all: a thousand branches over a thousand items would keep a million errors alive).
_CONTEXT_KEPT = 8


def _branch_errors(runs: Runs, validator: Any, instance: Any, subschema: Any, index: int) -> List[Any]:
    """The errors of one ``anyOf``/``oneOf`` branch; making an error costs about a step more, charged here."""
    errors = list(validator.descend(instance, subschema, schema_path=index))
    run = runs.current()
    if run is not None and errors:
        run.charge_steps(len(errors) << 5)
    return errors


def _any_of_keyword(runs: Runs) -> Keyword:
    def any_of_(validator: Any, any_of: Any, instance: Any, schema: Any) -> Iterator[Any]:
        from jsonschema.exceptions import ValidationError

        kept: List[Any] = []
        for index, subschema in enumerate(any_of):
            errors = _branch_errors(runs, validator, instance, subschema, index)
            if not errors:
                return
            kept.extend(errors[: _CONTEXT_KEPT - len(kept)])
        yield ValidationError(f"{echo(instance)} is not valid under any of the given schemas", context=kept)

    return any_of_


def _one_of_keyword(runs: Runs) -> Keyword:
    def one_of_(validator: Any, one_of: Any, instance: Any, schema: Any) -> Iterator[Any]:
        yield from _one_of(runs, validator, one_of, instance)

    return one_of_


def _one_of(runs: Runs, validator: Any, one_of: Any, instance: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    kept: List[Any] = []
    branches = enumerate(one_of)
    first_valid = None
    for index, subschema in branches:
        errors = _branch_errors(runs, validator, instance, subschema, index)
        if not errors:
            first_valid = subschema
            break
        kept.extend(errors[: _CONTEXT_KEPT - len(kept)])
    else:
        yield ValidationError(f"{echo(instance)} is not valid under any of the given schemas", context=kept)
        return
    more = [each for _, each in branches if _valid(validator, instance, each)]
    if more:
        shown = ", ".join(echo(each) for each in [*more[:3], first_valid])
        yield ValidationError(f"{echo(instance)} is valid under each of {shown}"
                              + (f" and {len(more) - 3} more" if len(more) > 3 else ""))


def _contains_keyword(draft: int) -> Keyword:
    """``contains``, with ``minContains``/``maxContains`` from 2019-09 on, their bounds wrapped at 64 bits as in v6."""

    def contains_(validator: Any, contains: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not isinstance(instance, list):
            return
        matched = sum(1 for item in instance if _valid(validator, item, contains))
        least = go_int64(schema.get("minContains")) if draft >= 2019 else None
        most = go_int64(schema.get("maxContains")) if draft >= 2019 else None
        if least is not None:
            if matched < least:
                yield _error(f"{echo(instance)} has {matched} items matching the contains schema, "
                             f"at least {least} required")
        elif matched == 0:
            yield _error(f"{echo(instance)} does not contain items matching the given schema")
        if most is not None and matched > most:
            yield _error(f"{echo(instance)} has {matched} items matching the contains schema, "
                         f"at most {most} allowed")

    return contains_


# ---------------------------------------------------------------------------
# Keywords with regular expressions


def _extras_text(extras: List[Any]) -> Tuple[str, str]:
    """``("'a', 'b'", "were")`` for a message listing unexpected properties (each shortened, at most 20 listed)."""
    shown = ", ".join(echo(extra) for extra in extras[:20])
    if len(extras) > 20:
        shown += f" and {len(extras) - 20} more"
    return shown, "was" if len(extras) == 1 else "were"


def _valid(validator: Any, instance: Any, schema: Any) -> bool:
    return next(iter(validator.descend(instance, schema)), None) is None


class _RegexKeywords:
    """``pattern``, ``patternProperties``, ``additionalProperties`` and ``unevaluatedProperties`` on Go patterns.

    Every match is charged to the run's regex budget (:meth:`.runs.Run.charge_regex`).
    """

    def __init__(self, regexes: RegexCache, draft: int, runs: Runs) -> None:
        self.regexes = regexes
        self.draft = draft
        self.runs = runs
        # this schema's own patterns, compiled (through the shared cache) the first time each is used
        self._mine: Dict[str, GoRegex] = {}

    def search(self, pattern: str, text: str) -> bool:
        regex = self._mine.get(pattern)
        if regex is None:
            regex = self._mine[pattern] = self.regexes.compile(pattern)
        run = self.runs.current()
        if run is not None:
            run.charge_regex((len(text) + 1) * regex.cost + SEARCH_COST, lambda: f"the pattern {echo(pattern)}")
        return regex.search(text)

    def charge(self, elements: int) -> None:
        run = self.runs.current()
        if run is not None:
            run.charge_steps(elements)

    def matches_any(self, patterns: Iterable[str], name: str) -> bool:
        return any(self.search(p, name) for p in patterns)

    def pattern(self, validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if isinstance(pattern, str) and validator.is_type(instance, "string") and not self.search(pattern, instance):
            yield _error(f"{echo(instance)} does not match {echo(pattern)}")

    def pattern_properties(self, validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object") or not isinstance(patterns, dict):
            return
        for pattern, subschema in patterns.items():
            for name, value in instance.items():
                if self.search(pattern, name):
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
                names = ", ".join(echo(name) for name in sorted(extras))
                listed = ", ".join(echo(p) for p in sorted(patterns))
                yield _error(f"{names} {verb} not match any of the regexes: {listed}")
            else:
                yield _error("Additional properties are not allowed (%s %s unexpected)"
                             % _extras_text(sorted(extras, key=str)))

    def unevaluated_properties(self, validator: Any, unevaluated: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        evaluated = evaluated_properties(validator, instance, schema, self.draft, self.matches_any, self.charge)
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

    def unevaluated_items(self, validator: Any, unevaluated: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "array"):
            return
        evaluated = evaluated_items(validator, instance, schema, self.draft, self.charge)
        failing = [index for index in range(len(instance)) if index not in evaluated
                   and not _valid(validator, instance[index], unevaluated)]
        if not failing:
            return
        extras = [instance[index] for index in failing]
        if unevaluated is False:
            yield _error("Unevaluated items are not allowed (%s %s unexpected)" % _extras_text(extras))
        else:
            yield _error("Unevaluated items are not valid under the given schema (%s %s unevaluated and invalid)"
                         % _extras_text(extras))


# ---------------------------------------------------------------------------
# The keyword table of a draft


def helm_keywords(draft: int, regexes: RegexCache, formats: Mapping[str, FormatCheck], runs: Runs,
                  roots: Set[int]) -> Dict[str, Keyword]:
    """The keyword functions that replace jsonschema's for ``draft``, patterns compiled through ``regexes``.

    ``runs`` holds the state of the run each thread is in (reference cycles,
    regex work); ``roots`` the ids of document roots (their ``$schema`` counts).
    """
    regex = _RegexKeywords(regexes, draft, runs)
    keywords: Dict[str, Keyword] = {
        "multipleOf": _multiple_of,
        "anyOf": _any_of_keyword(runs),
        "oneOf": _one_of_keyword(runs),
        "enum": _EnumIndex(runs).keyword,
        "uniqueItems": _unique_items_keyword(runs),
        "format": format_keyword(formats),
        "pattern": regex.pattern,
        "patternProperties": regex.pattern_properties,
        "additionalProperties": _charged(regex.additional_properties, runs, lambda value, instance:
                                         len(instance) if isinstance(instance, dict) else 0),
        "minLength": _size_keyword("string", True, "characters"),
        "maxLength": _size_keyword("string", False, "characters"),
        "minItems": _size_keyword("array", True, "items"),
        "maxItems": _size_keyword("array", False, "items"),
        "minProperties": _size_keyword("object", True, "properties"),
        "maxProperties": _size_keyword("object", False, "properties"),
    }
    if draft >= 6:
        keywords["contains"] = _contains_keyword(draft)
        keywords["const"] = _const_keyword(runs)
    if draft >= 2019:
        keywords["unevaluatedProperties"] = regex.unevaluated_properties
        keywords["unevaluatedItems"] = regex.unevaluated_items
    keywords.update(reference_keywords(runs, draft, roots))
    if draft == 4:
        keywords["minimum"] = _minimum_draft4
        keywords["maximum"] = _maximum_draft4
    else:
        keywords["minimum"] = _minimum
        keywords["maximum"] = _maximum
        keywords["exclusiveMinimum"] = _exclusive_minimum
        keywords["exclusiveMaximum"] = _exclusive_maximum
    return keywords
