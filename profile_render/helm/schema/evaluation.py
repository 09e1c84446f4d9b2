"""What ``unevaluatedProperties`` and ``unevaluatedItems`` count as evaluated, as v6 counts it.

A property (an item) is evaluated when a keyword of the schema took it, or
a keyword of a sub-schema applied in place that passed: ``$ref`` (and
``$dynamicRef`` / ``$recursiveRef``), ``allOf``/``anyOf``/``oneOf``,
``if``/``then``/``else`` and ``dependentSchemas``, under 2019-09 as under
2020-12. The walk over those sub-schemas is a loop over a work list, each
schema visited once, so neither reference cycles nor long chains of
references can make it recurse.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Set, Tuple

__all__ = ["evaluated_properties", "evaluated_items"]


def _valid(validator: Any, instance: Any, schema: Any) -> bool:
    return next(iter(validator.descend(instance, schema)), None) is None


def _in_place(validator: Any, instance: Any, schema: Dict[str, Any], draft: int) -> List[Tuple[Any, Any]]:
    """The sub-schemas applied in place to ``instance`` that count for evaluation, each with its validator."""
    found: List[Tuple[Any, Any]] = []
    resolver = validator._resolver  # jsonschema keeps the current resolver here; references need it
    targets = []
    if isinstance(schema.get("$ref"), str):
        targets.append(resolver.lookup(schema["$ref"]))
    if draft == 2019 and "$recursiveRef" in schema:
        from referencing.jsonschema import lookup_recursive_ref

        targets.append(lookup_recursive_ref(resolver))
    if draft >= 2020 and isinstance(schema.get("$dynamicRef"), str):
        targets.append(resolver.lookup(schema["$dynamicRef"]))
    for resolved in targets:
        found.append((validator.evolve(schema=resolved.contents, _resolver=resolved.resolver), resolved.contents))
    dependent = schema.get("dependentSchemas")
    if isinstance(dependent, dict) and isinstance(instance, dict):
        found.extend((validator, sub) for name, sub in dependent.items() if name in instance)
    for keyword in ("allOf", "anyOf", "oneOf"):
        subs = schema.get(keyword)
        if isinstance(subs, list):
            found.extend((validator, sub) for sub in subs if _valid(validator, instance, sub))
    if "if" in schema:
        if _valid(validator, instance, schema["if"]):
            found.append((validator, schema["if"]))
            if "then" in schema:
                found.append((validator, schema["then"]))
        elif "else" in schema:
            found.append((validator, schema["else"]))
    return found


def _walk(validator: Any, instance: Any, schema: Any, draft: int,
          own: Callable[[Any, Dict[str, Any], bool], bool], charge: Callable[[int], None]) -> None:
    """Visit ``schema`` and what it applies in place (once each); ``own(validator, node, is_root)`` returns
    True to stop the whole walk early (everything is evaluated). ``charge(n)`` is told of each node's loop
    over the instance."""
    stack: List[Tuple[Any, Any, bool]] = [(validator, schema, True)]
    seen: Set[int] = set()
    while stack:
        current, node, is_root = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        charge(len(instance))
        if own(current, node, is_root):
            return
        stack.extend((v, sub, False) for v, sub in _in_place(current, instance, node, draft))


def evaluated_properties(validator: Any, instance: Dict[str, Any], schema: Any, draft: int,
                         matches_any: Callable[[Any, str], bool], charge: Callable[[int], None]) -> Set[str]:
    """The properties of ``instance`` that ``schema`` and what it applies in place (when valid) evaluate."""
    found: Set[str] = set()

    def own(current: Any, node: Dict[str, Any], is_root: bool) -> bool:
        properties = node.get("properties")
        if isinstance(properties, dict):
            found.update(name for name in instance if name in properties)
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict) and patterns:
            found.update(name for name in instance if matches_any(patterns, name))
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            if keyword in node and not (is_root and keyword == "unevaluatedProperties"):
                sub = node[keyword]
                found.update(name for name, value in instance.items()
                             if name not in found and _valid(current, value, sub))
        return len(found) == len(instance)

    _walk(validator, instance, schema, draft, own, charge)
    return found


def evaluated_items(validator: Any, instance: List[Any], schema: Any, draft: int,
                    charge: Callable[[int], None]) -> Set[int]:
    """The indexes of ``instance`` that ``schema`` and what it applies in place (when valid) evaluate."""
    found: Set[int] = set()
    everything = set(range(len(instance)))

    def own(current: Any, node: Dict[str, Any], is_root: bool) -> bool:
        items = node.get("items")
        if draft >= 2020:
            prefix = node.get("prefixItems")
            if isinstance(prefix, list):
                found.update(range(min(len(prefix), len(instance))))
            if "items" in node:
                return _all(found, everything)
            contains = node.get("contains")
            if contains is not None:
                found.update(i for i in everything - found if _valid(current, instance[i], contains))
        elif isinstance(items, list):
            found.update(range(min(len(items), len(instance))))
            if "additionalItems" in node:
                return _all(found, everything)
        elif items is not None:
            return _all(found, everything)
        if "unevaluatedItems" in node and not is_root:
            # a sub-schema applied in place that passed: its unevaluatedItems took every item left
            return _all(found, everything)
        return len(found) == len(instance)

    _walk(validator, instance, schema, draft, own, charge)
    return found


def _all(found: Set[int], everything: Set[int]) -> bool:
    found |= everything
    return True
