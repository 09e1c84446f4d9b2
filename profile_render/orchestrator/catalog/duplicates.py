"""Objects defined twice in a catalog, and names repeated inside one object."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from profile_render.errors import format_path
from profile_render.findings import ERROR, WARNING, Finding
from profile_render.orchestrator.catalog.load import indexed_dicts, scalar_text
from profile_render.orchestrator.catalog.wording import defined_at
from profile_render.orchestrator.catalog.specs import Catalog, CatalogDocument, FieldPath


def duplicate_objects(catalog: Catalog) -> List[Finding]:
    """Objects of one kind defined twice (same name, and same version where objects have one), and inner repeats."""
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
                                   f"{what} is defined twice (also at {defined_at(earlier)})",
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
