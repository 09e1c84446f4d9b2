"""Schema findings: each broken JSON Schema rule of a catalog object as one finding with a message and a hint."""

from __future__ import annotations

import difflib
from typing import Any, List, Optional, Set, Tuple

from profile_render.errors import describe_value
from profile_render.findings import ERROR, Finding
from profile_render.orchestrator.catalog.bundled_schemas import bundled_schemas
from profile_render.orchestrator.catalog.go_text import CATEGORY_C_PATTERN, escape_category_c, first_category_c
from profile_render.orchestrator.catalog.wording import field_label, object_place
from profile_render.orchestrator.catalog.read import reveal
from profile_render.orchestrator.catalog.specs import SECRET_KEYS, CatalogDocument, FieldPath, redact_url, show_value


_TYPE_NAMES = {"string": "a string", "number": "a number", "integer": "an integer", "boolean": "a boolean",
               "object": "a mapping", "array": "a list", "null": "null"}


def _is_secret_path(path: FieldPath) -> bool:
    """Whether ``path`` goes through a secret field, whose value a message must never show."""
    return any(part in SECRET_KEYS for part in path if isinstance(part, str))


def schema_findings(doc: CatalogDocument) -> List[Finding]:
    """The findings of the bundled JSON Schema of ``doc``'s kind on the document."""
    return validation_findings(doc, bundled_schemas().validators[doc.kind], reveal(doc.data), ())


def validation_findings(doc: CatalogDocument, validator: Any, instance: Any, base: FieldPath) -> List[Finding]:
    """One finding per broken rule of ``instance`` (at ``base`` in ``doc``); a wrong type hides its other rules."""
    out: List[Finding] = []
    typed: Set[FieldPath] = set()
    errors = list(validator.iter_errors(instance))
    for error in errors:
        if error.validator == "type":
            typed.add(tuple(error.absolute_path))
    seen: Set[Tuple[Any, ...]] = set()
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator != "type" and path in typed:
            continue  # "must be a string" says it all
        for finding in _error_findings(doc, error, base + path):
            key = (finding.path, finding.message)
            if key not in seen:
                seen.add(key)
                out.append(finding)
    return out


def _error_findings(doc: CatalogDocument, error: Any, path: FieldPath) -> List[Finding]:
    """The findings for one jsonschema error at ``path``, worded per keyword (secret values never shown)."""
    keyword, expected, instance, schema = error.validator, error.validator_value, error.instance, error.schema
    label = field_label(path, doc.kind)
    hint = schema.get("description") if isinstance(schema, dict) else None
    secret = _is_secret_path(path)

    def one(message: str, hint_text: Optional[str] = hint) -> List[Finding]:
        return [doc.finding("schema", ERROR, message, path, hint_text)]

    if keyword == "required":
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        return [doc.finding("schema", ERROR, f"{object_place(path, doc.kind)} is missing the required field '{name}'",
                            path + (name,), _field_hint(schema, name), at=path)
                for name in missing]
    if keyword == "additionalProperties":
        known = list(schema.get("properties", {})) if isinstance(schema, dict) else []
        out = []
        for name in instance:
            if name in known:
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
            advice = _DEPRECATED.get(name) or (f"did you mean '{close[0]}'?" if close else
                                                f"{object_place(path, doc.kind)} accepts: {', '.join(known)}")
            out.append(doc.finding("schema", ERROR, f"unknown field '{name}' in {object_place(path, doc.kind)}",
                                   path + (name,), advice))
        return out
    if keyword == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        text = " or ".join(_TYPE_NAMES.get(t, t) for t in wanted)  # type: ignore[misc]  # schema type names are str
        advice = hint  # type: ignore[assignment]  # hint is always set on this path
        if "string" in wanted and isinstance(instance, (bool, int, float)):
            advice = "quote it: YAML reads unquoted numbers, true/false and null as non-strings"
        elif "boolean" in wanted and isinstance(instance, str) and instance.lower() in _YAML11_WORDS:
            advice = (f"write true or false: the catalog reads YAML with yaml.v3, for which "
                      f"{instance!r} is a string, not a boolean")
        return one(f"{label} must be {text}; it is {describe_value(instance, mapping='a mapping')}", advice)
    if keyword in ("enum", "const"):
        options = expected if keyword == "enum" else [expected]
        allowed = ", ".join(str(o) for o in options)
        shown = "the value" if secret else show_value(instance)
        if keyword == "const":
            return one(f"{label} must be {show_value(expected)}; {shown} is not")
        advice = hint  # type: ignore[assignment]  # hint is always set on this path
        if not secret:
            by_lower = {str(o).lower(): str(o) for o in options}
            close = difflib.get_close_matches(str(instance).lower(), list(by_lower), n=1, cutoff=0.5)
            if close:
                advice = f"did you mean '{by_lower[close[0]]}'?"
        return one(f"{label} must be one of {allowed}; {shown} is not", advice)
    if keyword == "pattern":
        if expected == CATEGORY_C_PATTERN:
            spot = first_category_c(instance)
            where = "" if spot is None or secret else f" ({spot[1]} at character {spot[0]})"
            shown = "the value" if secret else show_value(escape_category_c(instance))
            return one(f"{label} must not hold control, format, private-use or surrogate characters "
                       f"(the catalog's {expected}); {shown} does{where}")
        if secret:
            return one(f"{label} must match {expected}; the value does not")
        return one(f"{label} must match {expected}; {show_value(redact_url(instance))} does not")
    if keyword == "minLength":
        if expected == 1:
            return one(f"{label} must not be empty")
        return one(f"{label} must be at least {expected} characters long; it has {len(instance)}")
    if keyword == "maxLength":
        return one(f"{label} must be at most {expected} characters long; it has {len(instance)}")
    if keyword == "maxItems":
        return one(f"{label} must have at most {expected} items; it has {len(instance)}")
    if keyword == "minItems":
        return one(f"{label} must have at least {expected} items; it has {len(instance)}")
    return one(f"{label} breaks the schema rule '{keyword}'")


_YAML11_WORDS = frozenset({"y", "yes", "n", "no", "on", "off"})


def _field_hint(schema: Any, name: str) -> Optional[str]:
    """The hint for a missing required field: add it, with its schema description when there is one."""
    if isinstance(schema, dict):
        sub = schema.get("properties", {}).get(name)
        if isinstance(sub, dict) and isinstance(sub.get("description"), str):
            return f"add {name}: {sub['description']}"
    return f"add {name}"


_DEPRECATED = {
    "registry": "'registry' is the deprecated name of helmRegistry, which the schema requires; rename it",
    "registryType": "'registryType' is the deprecated name of type; rename it",
    "artifactReferences": "'artifactReferences' is the deprecated name of artifacts; rename it",
}
