"""check_catalog: every finding for a catalog, from the load, the schemas and the checks between objects.

Each kind of check lives in its own module: :mod:`.schema_findings` (the bundled JSON Schemas),
:mod:`.ignored_fields`, :mod:`.api_limits`, :mod:`.artifact_content`, :mod:`.duplicates`,
:mod:`.application_references` and :mod:`.package_references`.
"""

from __future__ import annotations

from typing import Any, List, Tuple

from profile_render.errors import format_path
from profile_render.findings import Finding
from profile_render.orchestrator.catalog.api_limits import api_limits
from profile_render.orchestrator.catalog.application_references import check_application
from profile_render.orchestrator.catalog.artifact_content import artifact_content
from profile_render.orchestrator.catalog.duplicates import duplicate_objects
# catalog_go_pattern is imported from here by callers of the former single-module checks
from profile_render.orchestrator.catalog.go_text import catalog_go_pattern
from profile_render.orchestrator.catalog.ignored_fields import ignored_fields
from profile_render.orchestrator.catalog.package_references import check_package
from profile_render.orchestrator.catalog.schema_findings import schema_findings
from profile_render.orchestrator.catalog.specs import Catalog

__all__ = ["check_catalog", "catalog_go_pattern"]


def check_catalog(catalog: Catalog) -> List[Finding]:
    """All findings for the catalog (load, schema and cross-object ones), sorted by (source, line, column)."""
    findings = list(catalog.findings)
    for doc in catalog.documents:
        findings.extend(schema_findings(doc))
        findings.extend(ignored_fields(doc))
        findings.extend(api_limits(doc))
        findings.extend(artifact_content(doc))
    findings.extend(duplicate_objects(catalog))
    for doc in catalog.documents:
        if doc.kind == "Application":
            findings.extend(check_application(catalog, doc))
        elif doc.kind == "DeploymentPackage":
            findings.extend(check_package(catalog, doc))
    return sorted(findings, key=_sort_key)


def _sort_key(f: Finding) -> Tuple[Any, ...]:
    """The order of findings: by file, line and column, then rule, field path and message (a stable report)."""
    return (f.source or "", f.line or 0, f.column or 0, f.rule, format_path(f.path) if f.path else "", f.message)
