"""Fields the catalog's schema accepts but its upload ignores: read-only, misnamed, or unknown keys of open objects."""

from __future__ import annotations

import difflib
from typing import Any, List, Tuple

from profile_render.checks.tree import get_path
from profile_render.findings import WARNING, Finding
from profile_render.orchestrator.catalog.bundled_schemas import SCHEMA_BASE, SCHEMA_FILES, bundled_schemas
from profile_render.orchestrator.catalog.load import indexed_dicts
from profile_render.orchestrator.catalog.wording import object_place
from profile_render.orchestrator.catalog.specs import CatalogDocument, FieldPath


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


def ignored_fields(doc: CatalogDocument) -> List[Finding]:
    """Warnings for fields the schema accepts but the upload ignores, at the top level, in profiles and below."""
    out: List[Finding] = []
    places: List[FieldPath] = [()]
    places += [("profiles", i) for i, _ in indexed_dicts(doc.data.get("profiles"))] if doc.kind == "Application" else []
    places += [("deploymentProfiles", i) for i, _ in indexed_dicts(doc.data.get("deploymentProfiles"))] \
        if doc.kind == "DeploymentPackage" else []
    for place in places:
        obj = get_path(doc.data, place)
        for name, (message, hint) in _IGNORED.items():
            if isinstance(obj, dict) and name in obj:
                if name in ("deploymentRequirement", "chartValues") and place[:1] != ("profiles",):
                    continue  # unknown there: the schema reports it
                out.append(doc.finding("ignored-field", WARNING, message, place + (name,), hint))
    out.extend(_open_object_extras(doc))
    return out


def _open_object_extras(doc: CatalogDocument) -> List[Finding]:
    """Keys of open nested objects that neither the catalog's schema nor the upload knows: accepted, then dropped."""
    schemas = bundled_schemas()
    out: List[Finding] = []

    def resolve(node: Any, base: str) -> Tuple[Any, str]:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target, _, fragment = node["$ref"].partition("#")
            base = SCHEMA_BASE + target if target else base
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

    visit(doc.data, {"$ref": SCHEMA_FILES[doc.kind]}, SCHEMA_BASE, ())
    return out


def _extra_key(doc: CatalogDocument, path: FieldPath, key: str, known: List[str]) -> Finding:
    """The warning for an unknown ``key`` of the open object at ``path``, with the closest known field as hint."""
    where = object_place(path, doc.kind)
    if key == "publisher":
        return doc.finding("ignored-field", WARNING,
                           f"publisher in {where} is accepted (the object is open) and dropped: publishers are gone "
                           "from the catalog", path + (key,), "remove it")
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    hint = f"did you mean '{close[0]}'?" if close else f"{where} uses: {', '.join(known)}"
    return doc.finding("ignored-field", WARNING,
                       f"{key!r} in {where} is not a field the catalog knows; the object is open, so the catalog "
                       "accepts it and ignores it", path + (key,), hint)
