"""Drafts and dialects: which JSON Schema draft a schema (or an embedded resource) is, as v6 decides.

The draft comes from the root ``$schema``: its fragment is dropped and an
``http://``/``https://`` prefix ignored, then ``json-schema.org/schema``
means the latest draft (2020-12), and ``json-schema.org/draft-04|06|07/schema``,
``json-schema.org/draft/2019-09/schema``, ``json-schema.org/draft/2020-12/schema``
pick that draft. Without ``$schema`` the draft is 2020-12. ``format`` is an
assertion under drafts 4, 6 and 7 and an annotation only under 2019-09 and
2020-12. A sub-schema's ``$schema`` counts only on a resource (a document
root, or a sub-schema with an id).

``jsonschema`` is imported only by :func:`jsonschema_modules`.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Iterator, Mapping, Optional, Sequence, Tuple

from profile_render.helm.schema.formats import FormatCheck
from profile_render.helm.schema.keywords import charge_loops, helm_keywords, is_integer_type
from profile_render.helm.schema.refs import install_depth_guard
from profile_render.helm.schema.regex import RegexCache
from profile_render.helm.schema.runs import Runs

__all__ = [
    "DEFAULT_DRAFT",
    "META_URLS",
    "draft_from_url",
    "draft_name",
    "vocab_asserts_format",
    "strip_empty_fragment",
    "JsonSchemaModules",
    "jsonschema_modules",
    "resource",
    "Dialects",
    "SELF_KEYWORDS",
    "ARRAY_KEYWORDS",
    "MAP_KEYWORDS",
    "DEFINITION_KEYWORDS",
    "subschemas",
]

_DRAFT_URLS = {
    "json-schema.org/schema": 2020,
    "json-schema.org/draft/2020-12/schema": 2020,
    "json-schema.org/draft/2019-09/schema": 2019,
    "json-schema.org/draft-07/schema": 7,
    "json-schema.org/draft-06/schema": 6,
    "json-schema.org/draft-04/schema": 4,
}

#: The bundled meta-schema of each draft.
META_URLS = {
    4: "http://json-schema.org/draft-04/schema",
    6: "http://json-schema.org/draft-06/schema",
    7: "http://json-schema.org/draft-07/schema",
    2019: "https://json-schema.org/draft/2019-09/schema",
    2020: "https://json-schema.org/draft/2020-12/schema",
}

#: The draft of a schema without ``$schema``.
DEFAULT_DRAFT = 2020


def draft_from_url(url: str) -> Optional[int]:
    """The draft a ``$schema`` URL names, as v6 reads it (fragment dropped, http/https ignored)."""
    base = url.split("#", 1)[0]
    if base.startswith("http://"):
        base = base[len("http://"):]
    elif base.startswith("https://"):
        base = base[len("https://"):]
    return _DRAFT_URLS.get(base)


def draft_name(draft: int) -> str:
    """The draft as people write it (``07``, ``2020-12``)."""
    return {4: "04", 6: "06", 7: "07", 2019: "2019-09", 2020: "2020-12"}[draft]


def strip_empty_fragment(uri: str) -> str:
    """The URI without a trailing empty fragment (``...schema#`` and ``...schema`` are one document)."""
    return uri[:-1] if uri.endswith("#") else uri


def vocab_asserts_format(meta: Any, draft: int) -> bool:
    """Whether a custom meta-schema's ``$vocabulary`` requires format assertion (v6's rule)."""
    if draft < 2019:
        return True
    vocab = meta.get("$vocabulary") if isinstance(meta, dict) else None
    if not isinstance(vocab, dict):
        return False
    if draft == 2019:
        return vocab.get("https://json-schema.org/draft/2019-09/vocab/format") is True
    return "https://json-schema.org/draft/2020-12/vocab/format-assertion" in vocab


class JsonSchemaModules:
    """The lazily imported jsonschema / referencing modules, with their per-draft classes and specifications."""

    def __init__(self) -> None:
        import attr
        import jsonschema
        import jsonschema_specifications
        import referencing
        import referencing.exceptions
        import referencing.jsonschema
        from jsonschema import validators

        self.attr = attr
        self.jsonschema = jsonschema
        self.validators = validators
        self.referencing = referencing
        self.referencing_exceptions = referencing.exceptions
        self.specs = jsonschema_specifications.REGISTRY
        self.base_classes = {
            4: jsonschema.Draft4Validator,
            6: jsonschema.Draft6Validator,
            7: jsonschema.Draft7Validator,
            2019: jsonschema.Draft201909Validator,
            2020: jsonschema.Draft202012Validator,
        }
        self.specifications = {
            4: referencing.jsonschema.DRAFT4,
            6: referencing.jsonschema.DRAFT6,
            7: referencing.jsonschema.DRAFT7,
            2019: referencing.jsonschema.DRAFT201909,
            2020: referencing.jsonschema.DRAFT202012,
        }


def jsonschema_modules() -> JsonSchemaModules:
    """The jsonschema modules, imported on first use (Python caches the imports themselves)."""
    return JsonSchemaModules()


def resource(js: JsonSchemaModules, doc: Any) -> Any:
    """A referencing resource for a document, its draft taken from its own ``$schema`` (default 2020-12)."""
    declared = doc.get("$schema") if isinstance(doc, dict) else None
    draft = (draft_from_url(declared) if isinstance(declared, str) else None) or DEFAULT_DRAFT
    return js.specifications[draft].create_resource(doc)


class Dialects:
    """The validator classes of one compiled schema, one per draft, built on demand with Helm's keywords.

    ``checker`` is the format checker for drafts that assert formats,
    ``formats`` the format checks and ``regexes`` the pattern cache the
    keywords use. ``roots`` holds the ids of document roots (``local_refs``
    documents): like embedded resources (sub-schemas with an id), they keep
    their own ``$schema``.
    """

    def __init__(self, js: JsonSchemaModules, checker: Any, formats: Mapping[str, FormatCheck],
                 regexes: RegexCache, roots: Sequence[Any] = (), runs: Optional[Runs] = None) -> None:
        self.js = js
        self.checker = checker
        self.formats = formats
        self.regexes = regexes
        self.roots = {id(doc) for doc in roots}
        #: the run each thread is in, for the keywords and the depth guard of every class built here
        self.runs = runs if runs is not None else Runs()
        self._classes: Dict[int, Any] = {}
        self._lock = threading.Lock()

    def cls(self, draft: int) -> Any:
        """The validator class for ``draft`` (built once per compiled schema)."""
        with self._lock:
            if draft not in self._classes:
                self._classes[draft] = self._validator_class(draft)
            return self._classes[draft]

    def _validator_class(self, draft: int) -> Any:
        """A validator class for ``draft`` with Helm's (v6's) numbers, equality, patterns and dialects."""
        js = self.js
        base = js.base_classes[draft]
        type_checker = base.TYPE_CHECKER.redefine("integer", is_integer_type)
        keywords = dict(base.VALIDATORS)
        charge_loops(keywords, self.runs)
        keywords.update(helm_keywords(draft, self.regexes, self.formats, self.runs, self.roots))
        cls = js.validators.extend(base, keywords, type_checker=type_checker)
        install_depth_guard(cls, self.runs)
        fields = [(f.name, f.alias) for f in js.attr.fields(cls) if f.init]
        id_key = "id" if draft == 4 else "$id"
        dialects = self

        # jsonschema switches to its standard class for any sub-schema naming a
        # $schema. v6 (and so Helm) honours $schema only on a resource: a document
        # root or a sub-schema with an id (ignored next to $ref before 2019-09),
        # and then with that draft's format rule.
        def evolve(self: Any, **changes: Any) -> Any:
            schema = changes.setdefault("schema", self.schema)
            target = cls
            if isinstance(schema, dict):
                declared = schema.get("$schema")
                if isinstance(declared, str) and (
                    id(schema) in dialects.roots
                    or (id_key in schema and not (draft < 2019 and "$ref" in schema))
                ):
                    other = draft_from_url(declared)
                    if other is not None and other != draft:
                        target = dialects.cls(other)
                        changes["format_checker"] = dialects.checker if other < 2019 else None
            for name, alias in fields:
                if alias not in changes:
                    changes[alias] = getattr(self, name)
            return target(**changes)

        cls.evolve = evolve
        return cls


# ---------------------------------------------------------------------------
# Where sub-schemas sit, per draft

#: Keywords whose value is one sub-schema.
SELF_KEYWORDS = {
    4: ("not", "additionalProperties", "additionalItems", "items"),
    6: ("not", "additionalProperties", "additionalItems", "items", "contains", "propertyNames"),
    7: ("not", "additionalProperties", "additionalItems", "items", "contains", "propertyNames",
        "if", "then", "else"),
    2019: ("not", "additionalProperties", "additionalItems", "items", "contains", "propertyNames",
           "if", "then", "else", "unevaluatedProperties", "unevaluatedItems"),
    2020: ("not", "additionalProperties", "items", "contains", "propertyNames",
           "if", "then", "else", "unevaluatedProperties", "unevaluatedItems"),
}
#: Keywords whose value is a list of sub-schemas.
ARRAY_KEYWORDS = {
    4: ("allOf", "anyOf", "oneOf", "items"),
    6: ("allOf", "anyOf", "oneOf", "items"),
    7: ("allOf", "anyOf", "oneOf", "items"),
    2019: ("allOf", "anyOf", "oneOf", "items"),
    2020: ("allOf", "anyOf", "oneOf", "prefixItems"),
}
#: Keywords whose value maps names to sub-schemas.
MAP_KEYWORDS = {
    4: ("properties", "patternProperties", "dependencies"),
    6: ("properties", "patternProperties", "dependencies"),
    7: ("properties", "patternProperties", "dependencies"),
    2019: ("properties", "patternProperties", "dependentSchemas"),
    2020: ("properties", "patternProperties", "dependentSchemas"),
}
#: Keywords holding schemas that apply only when referenced.
DEFINITION_KEYWORDS = ("definitions", "$defs")


def subschemas(node: Dict[str, Any], draft: int, *, definitions: bool) -> Iterator[Any]:
    """The direct sub-schemas of ``node`` under ``draft``'s keywords (``definitions``/``$defs`` too when asked)."""
    for kw in SELF_KEYWORDS[draft]:
        value = node.get(kw)
        if isinstance(value, (dict, bool)):
            yield value
    for kw in ARRAY_KEYWORDS[draft]:
        value = node.get(kw)
        if isinstance(value, list):
            yield from value
    keys: Tuple[str, ...] = MAP_KEYWORDS[draft] + (DEFINITION_KEYWORDS if definitions else ())
    for kw in keys:
        value = node.get(kw)
        if isinstance(value, dict):
            for sub in value.values():
                if isinstance(sub, (dict, bool)):
                    yield sub
