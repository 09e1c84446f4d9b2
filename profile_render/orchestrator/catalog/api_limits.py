"""Limits only the catalog's API enforces: what a file upload accepts but a later API create or update refuses."""

from __future__ import annotations

from typing import Dict, List, Tuple

from profile_render.checks.tree import expand
from profile_render.findings import WARNING, Finding
from profile_render.orchestrator.catalog.bundled_schemas import bundled_schemas
from profile_render.orchestrator.catalog.go_text import first_category_c
from profile_render.orchestrator.catalog.wording import field_label
from profile_render.orchestrator.catalog.read import reveal
from profile_render.orchestrator.catalog.schema_findings import validation_findings
from profile_render.orchestrator.catalog.specs import CatalogDocument, FieldPath


# Text fields whose API message wants ^\PC*$ (the file schema only limits their length).
_API_PLAIN_TEXT: Tuple[FieldPath, ...] = (
    ("displayName",), ("profiles", "*", "displayName"), ("profiles", "*", "parameterTemplates", "*", "displayName"),
    ("deploymentProfiles", "*", "displayName"), ("extensions", "*", "displayName"),
    ("extensions", "*", "uiExtension", "label"), ("artifacts", "*", "purpose"),
)
API_HINT = ("the upload accepts it, but the catalog's API (the web UI, and every later create or update of this "
             "object through the API) refuses it")


def api_limits(doc: CatalogDocument) -> List[Finding]:
    """What the file schema and the upload accept but the catalog's API request validation refuses (warnings)."""
    out: List[Finding] = []
    data = doc.data

    def warn(message: str, path: FieldPath, hint: str = API_HINT) -> None:
        out.append(doc.finding("api-limit", WARNING, message, path, hint))

    for pattern in _API_PLAIN_TEXT:
        for path, value in expand(data, pattern):
            spot = first_category_c(value) if isinstance(value, str) else None
            if spot is not None:
                warn(f"{field_label(path, doc.kind)} holds {spot[1]} at character {spot[0]}; the catalog's API wants "
                     "no control, format, private-use or surrogate characters there (^\\PC*$)", path)
    for path, values in expand(data, ("profiles", "*", "parameterTemplates", "*", "suggestedValues")):
        if not isinstance(values, list):
            continue
        first: Dict[str, int] = {}
        for index, value in enumerate(values):
            if not isinstance(value, str):
                continue
            if value in first:
                warn(f"{field_label(path + (index,), doc.kind)} repeats {field_label(path + (first[value],), doc.kind)}; "
                     "the catalog's API wants suggestedValues unique", path + (index,),
                     "list each value once: " + API_HINT)
            else:
                first.setdefault(value, index)
    for path, item in expand(data, ("profiles", "*", "deploymentRequirements", "*")):
        for finding in validation_findings(doc, bundled_schemas().requirement, reveal(item), path):
            out.append(finding.evolve(rule="api-limit", severity=WARNING,
                                      message=finding.message + " (the API's rule for a deployment requirement)",
                                      hint=(finding.hint + "; " if finding.hint else "") + API_HINT))
    return out
