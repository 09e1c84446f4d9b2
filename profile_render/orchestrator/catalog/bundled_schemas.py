"""The catalog's JSON Schemas bundled with the package, compiled once into validators (jsonschema loads lazily)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterator, Mapping, Set

from profile_render.orchestrator.catalog.go_text import catalog_go_pattern


SCHEMA_FILES = {
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
SCHEMA_BASE = "https://profile-render.invalid/schemas/"


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
class BundledSchemas:
    """The bundled catalog schemas, read once: a validator per kind, one for the API's deployment requirement."""

    validators: Mapping[str, Any]
    documents: Mapping[str, Any]  # $id -> schema document, for walking the open objects
    requirement: Any


@lru_cache(maxsize=1)  # one immutable set of validators per process, built on first use
def bundled_schemas() -> BundledSchemas:
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
        """The ``pattern`` keyword with Go's regex semantics: an error when a string does not match."""
        if validator.is_type(instance, "string") and not compiled[patrn].search(instance):
            yield ValidationError(f"does not match {patrn!r}")

    cls = validators.extend(Draft202012Validator, {"pattern": pattern})
    kinds = {kind: cls({"$ref": SCHEMA_BASE + ref}, registry=registry) for kind, ref in SCHEMA_FILES.items()}
    requirement = cls({"$ref": SCHEMA_BASE + "catalog-profile.schema.json#/$defs/deploymentRequirement"},
                      registry=registry)
    return BundledSchemas(MappingProxyType(kinds), MappingProxyType(documents), requirement)
