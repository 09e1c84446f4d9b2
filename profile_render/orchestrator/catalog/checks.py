"""check_catalog: schema findings and the cross-object checks between catalog objects."""

from __future__ import annotations

import base64
import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterator, List, Mapping, Optional, Set, Tuple


from profile_render.errors import describe_value, format_path
from profile_render.findings import ERROR, WARNING, Finding
# The same node tagging as the values loader: plain scalars get one private tag, resolved once.
from profile_render.orchestrator.catalog.specs import (
    PLATFORM_REGISTRIES, SECRET_KEYS, ApplicationSpec, Catalog, CatalogDocument, DeploymentPackageSpec, FieldPath,
    ProfileSpec, redact_url, show_value,
)
from profile_render.orchestrator.catalog.read import reveal
from profile_render.orchestrator.catalog.load import indexed_dicts, scalar_text

# ---------------------------------------------------------------------------
# check_catalog

_SCHEMA_FILES = {
    "Application": "catalog-application.schema.json",
    "DeploymentPackage": "catalog-deployment-package.schema.json",
    "Registry": "catalog-registry.schema.json",
    "Artifact": "catalog-artifact.schema.json",
}
_ALL_SCHEMA_FILES = (
    "catalog-common.schema.json",
    "catalog-application.schema.json",
    "catalog-profile.schema.json",
    "catalog-parameter-template.schema.json",
    "catalog-registry.schema.json",
    "catalog-deployment-package.schema.json",
    "catalog-artifact.schema.json",
)
_SCHEMA_BASE = "https://profile-render.invalid/schemas/"



def check_catalog(catalog: Catalog) -> List[Finding]:
    """All findings for the catalog (load, schema and cross-object ones), sorted by (source, line, column)."""
    findings = list(catalog.findings)
    for doc in catalog.documents:
        findings.extend(_schema_findings(doc))
        findings.extend(_ignored_fields(doc))
        findings.extend(_api_limits(doc))
        findings.extend(_artifact_content(doc))
    findings.extend(_duplicates(catalog))
    for doc in catalog.documents:
        if doc.kind == "Application":
            findings.extend(_check_application(catalog, doc))
        elif doc.kind == "DeploymentPackage":
            findings.extend(_check_package(catalog, doc))
    return sorted(findings, key=_sort_key)


def _sort_key(f: Finding) -> Tuple[Any, ...]:
    return (f.source or "", f.line or 0, f.column or 0, f.rule, format_path(f.path) if f.path else "", f.message)


# -- JSON Schema ---------------------------------------------------------------

# Go's category C before Go 1.25 (the catalog's validator is built with Go 1.24): control, format,
# private-use and surrogate code points, not the unassigned ones, which RE2's \p{C...} names leave out too.
_GO124_C = "\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}"
_CATEGORY_C = frozenset({"Cc", "Cf", "Co", "Cs"})
_CATEGORY_C_PATTERN = "^\\PC*$"


def catalog_go_pattern(pattern: str) -> str:
    """A catalog schema pattern as :func:`~profile_render.helm.schema.regex.compile_go_regex` must see it.

    The catalog's validator matches patterns with Go 1.24's ``regexp``, whose ``\\pC`` is Cc, Cf, Co and Cs;
    Go 1.25, which the regex module follows for Helm, adds the unassigned code points (Cn). So ``\\pC`` and
    ``\\PC`` are spelled out here as the four categories; everything else passes through unchanged.
    """
    out: List[str] = []
    i = 0
    class_start = -1  # index in pattern of the '[' of the class being read, -1 outside brackets
    while i < len(pattern):
        char, escape = pattern[i], pattern[i:i + 3]
        if escape in ("\\pC", "\\PC"):
            negated = escape == "\\PC"
            if class_start < 0:
                out.append(f"[{'^' if negated else ''}{_GO124_C}]")
            elif not negated:
                out.append(_GO124_C)
            else:  # a complement inside brackets: no bundled pattern has one
                raise ValueError(f"cannot spell \\PC inside a character class: {pattern}")
            i += 3
        elif char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
        else:
            if char == "[" and class_start < 0:
                class_start = i
            elif char == "]" and class_start >= 0 and i > class_start + 1 + (pattern[class_start + 1] == "^"):
                class_start = -1  # (a ']' first in the class is a literal)
            out.append(char)
            i += 1
    return "".join(out)


def _schema_patterns(node: Any) -> Iterator[str]:
    """Every ``pattern`` in a bundled schema document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _schema_patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_patterns(value)


@dataclass(frozen=True)
class _Schemas:
    """The bundled catalog schemas, read once: a validator per kind, one for the API's deployment requirement."""

    validators: Mapping[str, Any]
    documents: Mapping[str, Any]  # $id -> schema document, for walking the open objects
    requirement: Any


@lru_cache(maxsize=1)  # one immutable set of validators per process, built on first use
def _schemas() -> _Schemas:
    """The validators, built from the packaged schemas; nothing is ever fetched."""
    from importlib.resources import files
    from types import MappingProxyType

    from jsonschema import Draft202012Validator, ValidationError, validators
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    from profile_render.helm.schema.regex import compile_go_regex

    package = files("profile_render.schemas")
    resources = []
    documents: Dict[str, Any] = {}
    texts: Set[str] = set()
    for name in _ALL_SCHEMA_FILES:
        contents = json.loads(package.joinpath(name).read_text(encoding="utf-8"))
        # Without "$schema", jsonschema keeps our validator class (with its Go
        # "pattern") when it follows a $ref into this file; the dialect is set here.
        contents.pop("$schema", None)
        resources.append((contents["$id"], DRAFT202012.create_resource(contents)))
        documents[contents["$id"]] = contents
        texts.update(_schema_patterns(contents))
    registry: Any = Registry().with_resources(resources)
    # Every pattern is compiled once, here: the set is fixed by the bundled files.
    compiled = MappingProxyType({text: compile_go_regex(catalog_go_pattern(text)) for text in texts})

    def pattern(validator: Any, patrn: str, instance: Any, schema: Dict[str, Any]) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not compiled[patrn].search(instance):
            yield ValidationError(f"does not match {patrn!r}")

    cls = validators.extend(Draft202012Validator, {"pattern": pattern})
    kinds = {kind: cls({"$ref": _SCHEMA_BASE + ref}, registry=registry) for kind, ref in _SCHEMA_FILES.items()}
    requirement = cls({"$ref": _SCHEMA_BASE + "catalog-profile.schema.json#/$defs/deploymentRequirement"},
                      registry=registry)
    return _Schemas(MappingProxyType(kinds), MappingProxyType(documents), requirement)


_TYPE_NAMES = {"string": "a string", "number": "a number", "integer": "an integer", "boolean": "a boolean",
               "object": "a mapping", "array": "a list", "null": "null"}


def _label(path: FieldPath, kind: str) -> str:
    """The field named in a message: the last key with any list indexes after it (``suggestedValues[2]``)."""
    if not path:
        return kind
    start = len(path) - 1
    while start > 0 and isinstance(path[start], int):
        start -= 1
    return format_path(path[start:])


def _where(path: FieldPath, kind: str) -> str:
    return f"{kind} {format_path(path)}" if path else kind


def _is_secret_path(path: FieldPath) -> bool:
    return any(part in SECRET_KEYS for part in path if isinstance(part, str))


def _schema_findings(doc: CatalogDocument) -> List[Finding]:
    return _validation_findings(doc, _schemas().validators[doc.kind], reveal(doc.data), ())


def _validation_findings(doc: CatalogDocument, validator: Any, instance: Any, base: FieldPath) -> List[Finding]:
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


def _first_category_c(text: str) -> Optional[Tuple[int, str]]:
    """The 1-based position and U+ code of the first character of Go 1.24's category C in ``text``."""
    for index, char in enumerate(text, 1):
        if unicodedata.category(char) in _CATEGORY_C:
            return index, f"U+{ord(char):04X}"
    return None


def _escape_category_c(text: str) -> str:
    """``text`` with each character of Go 1.24's category C written as an escape (``\\t``, ``\\u200b``)."""
    out: List[str] = []
    for char in text:
        if unicodedata.category(char) not in _CATEGORY_C:
            out.append(char)
        else:
            out.append(json.dumps(char)[1:-1] if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
    return "".join(out)


def _error_findings(doc: CatalogDocument, error: Any, path: FieldPath) -> List[Finding]:
    keyword, expected, instance, schema = error.validator, error.validator_value, error.instance, error.schema
    label = _label(path, doc.kind)
    hint = schema.get("description") if isinstance(schema, dict) else None
    secret = _is_secret_path(path)

    def one(message: str, hint_text: Optional[str] = hint) -> List[Finding]:
        return [doc.finding("schema", ERROR, message, path, hint_text)]

    if keyword == "required":
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        return [doc.finding("schema", ERROR, f"{_where(path, doc.kind)} is missing the required field '{name}'",
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
                                                f"{_where(path, doc.kind)} accepts: {', '.join(known)}")
            out.append(doc.finding("schema", ERROR, f"unknown field '{name}' in {_where(path, doc.kind)}",
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
        if expected == _CATEGORY_C_PATTERN:
            spot = _first_category_c(instance)
            where = "" if spot is None or secret else f" ({spot[1]} at character {spot[0]})"
            shown = "the value" if secret else show_value(_escape_category_c(instance))
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


# -- fields the schema accepts but the upload ignores ---------------------------

_IGNORED = {
    "deploymentRequirement": (
        "the upload reads deploymentRequirements (plural) and ignores deploymentRequirement",
        "rename it to deploymentRequirements"),
    "chartValues": (
        "the file upload ignores chartValues; it reads a profile's values from the file named by valuesFileName",
        "move the values into a file and name it in valuesFileName"),
    "createTime": ("createTime is read-only; the catalog sets it and the upload ignores it", "remove it"),
    "updateTime": ("updateTime is read-only; the catalog sets it and the upload ignores it", "remove it"),
}


def _ignored_fields(doc: CatalogDocument) -> List[Finding]:
    out: List[Finding] = []
    places: List[FieldPath] = [()]
    places += [("profiles", i) for i, _ in indexed_dicts(doc.data.get("profiles"))] if doc.kind == "Application" else []
    places += [("deploymentProfiles", i) for i, _ in indexed_dicts(doc.data.get("deploymentProfiles"))] \
        if doc.kind == "DeploymentPackage" else []
    for place in places:
        obj = _get(doc.data, place)
        for name, (message, hint) in _IGNORED.items():
            if isinstance(obj, dict) and name in obj:
                if name in ("deploymentRequirement", "chartValues") and place[:1] != ("profiles",):
                    continue  # unknown there: the schema reports it
                out.append(doc.finding("ignored-field", WARNING, message, place + (name,), hint))
    out.extend(_open_object_extras(doc))
    return out


def _open_object_extras(doc: CatalogDocument) -> List[Finding]:
    """Keys of open nested objects that neither the catalog's schema nor the upload knows: accepted, then dropped."""
    schemas = _schemas()
    out: List[Finding] = []

    def resolve(node: Any, base: str) -> Tuple[Any, str]:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target, _, fragment = node["$ref"].partition("#")
            base = _SCHEMA_BASE + target if target else base
            node = schemas.documents[base]
            for part in fragment.split("/")[1:]:
                node = node[part]
        return node, base

    def visit(value: Any, node: Any, base: str, path: FieldPath) -> None:
        node, base = resolve(node, base)
        if not isinstance(node, dict):
            return
        if isinstance(value, list) and "items" in node:
            for index, item in enumerate(value):
                visit(item, node["items"], base, path + (index,))
            return
        properties = node.get("properties")
        if not isinstance(value, dict) or not isinstance(properties, dict):
            return
        if path and node.get("additionalProperties") is not False:  # an open object below the top level
            for key in value:
                if key not in properties and isinstance(key, str):
                    out.append(_extra_key(doc, path, key, list(properties)))
        for key, sub in properties.items():
            if key in value and isinstance(sub, dict):
                visit(value[key], sub, base, path + (key,))

    visit(doc.data, {"$ref": _SCHEMA_FILES[doc.kind]}, _SCHEMA_BASE, ())
    return out


def _extra_key(doc: CatalogDocument, path: FieldPath, key: str, known: List[str]) -> Finding:
    where = _where(path, doc.kind)
    if key == "publisher":
        return doc.finding("ignored-field", WARNING,
                           f"publisher in {where} is accepted (the object is open) and dropped: publishers are gone "
                           "from the catalog", path + (key,), "remove it")
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    hint = f"did you mean '{close[0]}'?" if close else f"{where} uses: {', '.join(known)}"
    return doc.finding("ignored-field", WARNING,
                       f"{key!r} in {where} is not a field the catalog knows; the object is open, so the catalog "
                       "accepts it and ignores it", path + (key,), hint)


def _get(data: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


# -- limits only the catalog's API enforces ----------------------------------------

# Text fields whose API message wants ^\PC*$ (the file schema only limits their length).
_API_PLAIN_TEXT: Tuple[FieldPath, ...] = (
    ("displayName",), ("profiles", "*", "displayName"), ("profiles", "*", "parameterTemplates", "*", "displayName"),
    ("deploymentProfiles", "*", "displayName"), ("extensions", "*", "displayName"),
    ("extensions", "*", "uiExtension", "label"), ("artifacts", "*", "purpose"),
)
_API_HINT = ("the upload accepts it, but the catalog's API (the web UI, and every later create or update of this "
             "object through the API) refuses it")


def _places(data: Any, pattern: FieldPath, path: FieldPath = ()) -> Iterator[Tuple[FieldPath, Any]]:
    """(path, value) for every place in ``data`` matching ``pattern`` (``"*"`` = every list item)."""
    if not pattern:
        yield path, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _places(item, rest, path + (index,))
    elif isinstance(data, dict) and head in data:
        yield from _places(data[head], rest, path + (head,))


def _api_limits(doc: CatalogDocument) -> List[Finding]:
    """What the file schema and the upload accept but the catalog's API request validation refuses (warnings)."""
    out: List[Finding] = []
    data = doc.data

    def warn(message: str, path: FieldPath, hint: str = _API_HINT) -> None:
        out.append(doc.finding("api-limit", WARNING, message, path, hint))

    for pattern in _API_PLAIN_TEXT:
        for path, value in _places(data, pattern):
            spot = _first_category_c(value) if isinstance(value, str) else None
            if spot is not None:
                warn(f"{_label(path, doc.kind)} holds {spot[1]} at character {spot[0]}; the catalog's API wants "
                     "no control, format, private-use or surrogate characters there (^\\PC*$)", path)
    for path, values in _places(data, ("profiles", "*", "parameterTemplates", "*", "suggestedValues")):
        if not isinstance(values, list):
            continue
        first: Dict[str, int] = {}
        for index, value in enumerate(values):
            if not isinstance(value, str):
                continue
            if value in first:
                warn(f"{_label(path + (index,), doc.kind)} repeats {_label(path + (first[value],), doc.kind)}; "
                     "the catalog's API wants suggestedValues unique", path + (index,),
                     "list each value once: " + _API_HINT)
            else:
                first.setdefault(value, index)
    for path, item in _places(data, ("profiles", "*", "deploymentRequirements", "*")):
        for finding in _validation_findings(doc, _schemas().requirement, reveal(item), path):
            out.append(finding.evolve(rule="api-limit", severity=WARNING,
                                      message=finding.message + " (the API's rule for a deployment requirement)",
                                      hint=(finding.hint + "; " if finding.hint else "") + _API_HINT))
    return out


# Go's base64.StdEncoding (not Strict) accepts exactly this once CR and LF are removed: whole quanta, the last one
# optionally padded with "==" or "="; non-zero trailing bits pass.
_GO_STD_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_BASE64_CHARACTERS = re.compile(r"[^A-Za-z0-9+/=]")


def _artifact_content(doc: CatalogDocument) -> List[Finding]:
    """An Artifact's base64 ``artifact``: an error when the upload cannot decode it, a warning off the API's sizes."""
    text = doc.data.get("artifact") if doc.kind == "Artifact" else None
    if not isinstance(text, str):
        return []  # absent or not text: the schema reports it
    size, problem = _decode_base64(text)
    if problem is not None:
        return [doc.finding(
            "artifact-base64", ERROR,
            f"artifact is not valid base64 ({problem}); the catalog's upload refuses the file "
            "('error decoding base64')", ("artifact",),
            "give the file's bytes in standard base64 with '=' padding (e.g. the output of `base64 -w0 FILE`); "
            "line breaks are allowed, spaces and the URL-safe '-' and '_' are not")]
    if not 4 <= size <= 4_000_000:
        return [doc.finding("api-limit", WARNING,
                            f"artifact decodes to {size} bytes; the catalog's API wants 4 to 4,000,000",
                            ("artifact",), _API_HINT)]
    return []


def _decode_base64(text: str) -> Tuple[int, Optional[str]]:
    """What Go's ``base64.StdEncoding.DecodeString`` makes of ``text`` (it skips CR and LF): (bytes, None) or (0, why)."""
    compact = text.replace("\n", "").replace("\r", "")
    if _GO_STD_BASE64.fullmatch(compact):
        return len(compact) // 4 * 3 - compact[-2:].count("="), None
    stray = _BASE64_CHARACTERS.search(compact)
    if stray is not None:
        return 0, f"{stray.group()!r} is not a base64 character"
    return 0, (f"its {len(compact)} characters (line breaks aside) are not whole groups of four with '=' "
               "padding only at the very end")

# -- duplicates ----------------------------------------------------------------


def _duplicates(catalog: Catalog) -> List[Finding]:
    out: List[Finding] = []
    first: Dict[Tuple[Any, ...], CatalogDocument] = {}
    for doc in catalog.documents:
        spec = doc.spec
        if doc.kind in ("Application", "DeploymentPackage"):
            if spec.name is None or spec.version is None:
                continue
            key: Tuple[Any, ...] = (doc.kind, spec.name, spec.version)
            what = f"{doc.kind} {spec.name!r} version {spec.version!r}"
        else:
            if spec.name is None:
                continue
            key = (doc.kind, spec.name)
            what = f"{doc.kind} {spec.name!r}"
        if key in first:
            earlier = first[key]
            kept = "the first one is used" if doc.kind != "Registry" or not doc.from_registry_files \
                else "the package's one is used"
            out.append(doc.finding("duplicate-object", ERROR,
                                   f"{what} is defined twice (also at {_at(earlier)})",
                                   ("name",), f"remove one of the definitions; {kept}"))
        else:
            first[key] = doc
        out.extend(_inner_duplicates(doc))
    return out


def _inner_duplicates(doc: CatalogDocument) -> List[Finding]:
    """Names that must be unique inside one object (profiles, templates, deployment profiles, ...)."""
    out: List[Finding] = []

    def scan(items: Any, base: FieldPath, key: str, what: str, severity: str = ERROR,
             hint: str = "give each one a different name") -> None:
        seen: Dict[str, int] = {}
        for index, item in indexed_dicts(items):
            name = scalar_text(item.get(key))
            if name is None:
                continue
            if name in seen:
                out.append(doc.finding("duplicate-object", severity,
                                       f"{what} {name!r} appears twice (also at {format_path(base + (seen[name],))})",
                                       base + (index, key), hint))
            else:
                seen[name] = index

    data = doc.data
    if doc.kind == "Application":
        scan(data.get("profiles"), ("profiles",), "name", "profile")
        for i, profile in indexed_dicts(data.get("profiles")):
            scan(profile.get("parameterTemplates"), ("profiles", i, "parameterTemplates"), "name",
                 "parameter template")
    elif doc.kind == "DeploymentPackage":
        scan(data.get("applications"), ("applications",), "name", "application",
             hint="a package holds one version of each application")
        scan(data.get("deploymentProfiles"), ("deploymentProfiles",), "name", "deployment profile")
        scan(data.get("namespaces"), ("namespaces",), "name", "namespace")
        for i, profile in indexed_dicts(data.get("deploymentProfiles")):
            scan(profile.get("applicationProfiles"), ("deploymentProfiles", i, "applicationProfiles"), "application",
                 "application", WARNING, "list each application once; the upload keeps the last entry")
    return out


# -- applications ----------------------------------------------------------------


def _check_application(catalog: Catalog, doc: CatalogDocument) -> List[Finding]:
    out: List[Finding] = []
    app: ApplicationSpec = doc.spec
    names = list(dict.fromkeys(p.name for p in app.profiles if p.name is not None))
    if app.default_profile_name is not None and app.default_profile_name not in names:
        out.append(doc.finding(
            "unknown-profile", ERROR,
            f"defaultProfile {app.default_profile_name!r} is not a profile of application {app.name!r} "
            f"(profiles: {', '.join(names) or 'none'})",
            ("defaultProfile",), "name one of the application's profiles, or drop defaultProfile to use the first"))
    for field_name, wanted in (("helmRegistry", "HELM"), ("imageRegistry", "IMAGE")):
        name = doc.data.get(field_name)
        if not isinstance(name, str) or not name:
            continue
        registry = catalog.registries.get(name)
        if registry is None and PLATFORM_REGISTRIES.get(name, wanted) != wanted:
            out.append(doc.finding(
                "registry-type", ERROR,
                f"{field_name} {name!r} is the {PLATFORM_REGISTRIES[name]} registry every Edge Orchestrator project "
                f"has; {field_name} needs one of type {wanted}",
                (field_name,), f"name a registry of type {wanted}, e.g. {_platform_of_type(wanted)}"))
        elif registry is None:
            out.append(_unknown_registry(catalog, doc, field_name, name))
        elif registry.type in ("HELM", "IMAGE") and registry.type != wanted:
            out.append(doc.finding(
                "registry-type", ERROR,
                f"{field_name} {name!r} is a registry of type {registry.type} ({_at(registry)}); "
                f"{field_name} needs one of type {wanted}",
                (field_name,), f"name a registry of type {wanted}"))
    for profile in app.profiles:
        out.extend(_check_values_file(doc, profile))
    return out


def _platform_of_type(wanted: str) -> str:
    return " or ".join(name for name, kind in PLATFORM_REGISTRIES.items() if kind == wanted)


def _unknown_registry(catalog: Catalog, doc: CatalogDocument, field_name: str, name: str) -> Finding:
    """The finding for a registry reference that no file read defines (a platform registry's is a warning)."""
    known = sorted(n for n in catalog.registries if isinstance(n, str))
    platform = PLATFORM_REGISTRIES.get(name)
    if platform is not None:
        return doc.finding(
            "unknown-registry", WARNING,
            f"{field_name} {name!r} is not defined by the files read; it is the {platform} registry every Edge "
            "Orchestrator project has", (field_name,),
            "every Edge Orchestrator project has this registry; pass its Registry file in registry_files "
            "(or --registry) to check its URL and credentials")
    wanted = "HELM" if field_name == "helmRegistry" else "IMAGE"
    close = difflib.get_close_matches(name, sorted(set(known) | set(PLATFORM_REGISTRIES)), n=1, cutoff=0.75)
    platforms = f"every project also has {_platform_of_type(wanted)} ({wanted})"
    if catalog.registry_files_given:
        hint = f"did you mean {close[0]!r}?" if close else (
            f"registries read: {', '.join(known)}; {platforms}" if known else f"no Registry object was read; {platforms}")
        return doc.finding("unknown-registry", ERROR,
                           f"{field_name} {name!r} is not defined by the package or the registry files",
                           (field_name,), hint)
    hint = ("it must already exist in the project's catalog; pass the Registry file in registry_files to check it "
            f"({platforms})")
    if close:
        hint = f"did you mean {close[0]!r}? Otherwise {hint}"
    return doc.finding("unknown-registry", WARNING,
                       f"{field_name} {name!r} is not defined by the files read", (field_name,), hint)


def _at(spec: Any) -> str:
    """Where an object is defined: ``file:line``, or the file alone for an already-decoded document."""
    return f"{spec.source}:{spec.line}" if spec.line is not None else str(spec.source)


def _check_values_file(doc: CatalogDocument, profile: ProfileSpec) -> List[Finding]:
    """A profile's ``valuesFileName``: given, inside the package directory (links followed), a regular file."""
    label = f"profile {profile.name!r}" if profile.name else f"profile {format_path(profile.field_path)}"
    if not profile.values_file_name:
        return [doc.finding("missing-values-file", ERROR,
                            f"{label} names no values file; the catalog upload needs valuesFileName",
                            profile.field_path + ("valuesFileName",),
                            "add valuesFileName: <file>.yaml (the file may be empty)", at=profile.field_path)]
    assert profile.values_path is not None
    name = profile.values_file_name
    where = profile.field_path + ("valuesFileName",)
    found = profile.package_folder().values_file_state(name)
    if found.outside is not None:
        return [doc.finding("file-outside-package", ERROR,
                            f"values file {name!r} of {label} {found.outside}; a package may only use its own files",
                            where, "name a file inside the Application file's folder (symbolic links must "
                                   "stay inside it too); the file is not read")]
    if found.problem is None:
        return []
    state = found.problem
    looked = f" (looked for {profile.values_path})" if "\0" not in name else ""
    return [doc.finding("missing-values-file", ERROR, f"values file {name!r} of {label} {state}{looked}",
                        where, "valuesFileName is relative to the Application file's folder; the file may be empty")]


# -- packages ------------------------------------------------------------------------


def _check_package(catalog: Catalog, doc: CatalogDocument) -> List[Finding]:
    out: List[Finding] = []
    pkg: DeploymentPackageSpec = doc.spec
    data = doc.data
    members: Dict[str, Optional[str]] = {}  # application name -> version
    for i, ref in indexed_dicts(data.get("applications")):
        name, version = scalar_text(ref.get("name")), scalar_text(ref.get("version"))
        if name is None or version is None:
            continue
        members.setdefault(name, version)
        if (name, version) not in catalog.applications:
            others = sorted(v for (n, v) in catalog.applications if n == name and v is not None)
            if others:
                message = (f"application {name!r} version {version!r} is not among the files read "
                           f"(versions read: {', '.join(others)})")
                hint = "reference a version that exists, or add that version's Application file"
            else:
                message = f"application {name!r} version {version!r} is not among the files read"
                hint = "add the Application file to the package, or fix the name"
            out.append(doc.finding("unknown-application", ERROR, message, ("applications", i), hint))

    def member(name: str) -> Tuple[Optional[str], Optional[str]]:
        if name in members:
            return name, members[name]
        if ":" in name:  # fully qualified name:version
            base, _, version = name.partition(":")
            if members.get(base) == version:
                return base, version
        return None, None

    profile_names: List[str] = []
    for i, dprofile in indexed_dicts(data.get("deploymentProfiles")):
        if isinstance(dprofile.get("name"), str):
            profile_names.append(dprofile["name"])
        for j, entry in indexed_dicts(dprofile.get("applicationProfiles")):
            app_name, profile_name = entry.get("application"), entry.get("profile")
            if not isinstance(app_name, str) or not isinstance(profile_name, str):
                continue
            base: FieldPath = ("deploymentProfiles", i, "applicationProfiles", j)
            name, version = member(app_name)
            if name is None:
                out.append(doc.finding(
                    "unknown-application", ERROR,
                    f"deployment profile {dprofile.get('name')!r} selects a profile of {app_name!r}, "
                    f"which is not an application of the package ({', '.join(members) or 'none'})",
                    base + ("application",), "list the application under applications, or fix the name"))
                continue
            app = catalog.applications.get((name, version))
            if app is None:
                continue  # reported under applications
            if app.profile(profile_name) is None:
                available = ", ".join(dict.fromkeys(p.name for p in app.profiles if p.name)) or "none"
                out.append(doc.finding(
                    "unknown-profile", ERROR,
                    f"deployment profile {dprofile.get('name')!r} selects profile {profile_name!r} of application "
                    f"{name!r} {version!r}, which has no such profile (profiles: {available})",
                    base + ("profile",), f"use one of: {available}"))
    if pkg.default_profile_name is not None and pkg.default_profile_name not in profile_names:
        out.append(doc.finding(
            "unknown-deployment-profile", ERROR,
            f"defaultProfile {pkg.default_profile_name!r} is not a deployment profile of package {pkg.name!r} "
            f"(deployment profiles: {', '.join(profile_names) or 'none'})",
            ("defaultProfile",), "name one of the deploymentProfiles, or drop defaultProfile to use the first"))
    out.extend(_check_dependencies(doc, members))
    namespaces = data.get("defaultNamespaces")
    if isinstance(namespaces, dict):
        for app_name in namespaces:
            if app_name not in members:
                out.append(doc.finding(
                    "namespace-unknown-app", ERROR,
                    f"defaultNamespaces names {app_name!r}, which is not an application of the package "
                    f"({', '.join(members) or 'none'})",
                    ("defaultNamespaces", app_name), "the catalog refuses namespaces for applications it does not hold"))
    return out


def _check_dependencies(doc: CatalogDocument, members: Dict[str, Optional[str]]) -> List[Finding]:
    out: List[Finding] = []
    graph: Dict[str, List[str]] = {}
    for i, dep in indexed_dicts(doc.data.get("applicationDependencies")):
        name, requires = dep.get("name"), dep.get("requires")
        if not isinstance(name, str) or not isinstance(requires, str):
            continue
        unknown = [(key, value) for key, value in (("name", name), ("requires", requires)) if value not in members]
        for key, value in unknown:
            out.append(doc.finding(
                "dependency-cycle", ERROR,
                f"applicationDependencies[{i}] names {value!r}, which is not an application of the package "
                f"({', '.join(members) or 'none'})",
                ("applicationDependencies", i, key), "dependencies link applications listed under applications"))
        if unknown:
            continue
        if name == requires:
            out.append(doc.finding("dependency-cycle", ERROR, f"application {name!r} depends on itself",
                                   ("applicationDependencies", i), "remove this dependency"))
            continue
        chain = _find_path(graph, requires, name)
        if chain is not None:
            cycle = " requires ".join([name] + chain)
            out.append(doc.finding("dependency-cycle", ERROR, f"applicationDependencies form a cycle: {cycle}",
                                   ("applicationDependencies", i),
                                   "start-up dependencies must be acyclic; remove one of these dependencies"))
            continue
        graph.setdefault(name, []).append(requires)
    return out


def _find_path(graph: Dict[str, List[str]], start: str, goal: str) -> Optional[List[str]]:
    """A path start -> ... -> goal along the edges, or None."""
    stack: List[Tuple[str, List[str]]] = [(start, [start])]
    seen: Set[str] = set()
    while stack:
        node, chain = stack.pop()
        if node == goal:
            return chain
        if node in seen:
            continue
        seen.add(node)
        for nxt in reversed(graph.get(node, [])):
            stack.append((nxt, chain + [nxt]))
    return None
