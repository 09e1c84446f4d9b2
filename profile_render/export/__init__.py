"""Export a deployment's renders as Fleet bundles or Argo CD Applications (see docs/export.md).

:func:`~profile_render.export.model.package_applications` (or
:func:`~profile_render.export.model.single_application` for one render)
gathers what each application needs; :func:`~profile_render.export.fleet.export_fleet`
and :func:`~profile_render.export.argocd.export_argocd` write a directory,
all or nothing, Secrets readable by their owner only.
"""

from profile_render.export.argocd import argocd_files, export_argocd
from profile_render.export.fleet import export_fleet, fleet_files
from profile_render.export.model import (
    ApplicationExport,
    ChartReference,
    ExportError,
    chart_reference,
    package_applications,
    single_application,
)

__all__ = ["ApplicationExport", "ChartReference", "ExportError", "argocd_files", "chart_reference", "export_argocd",
           "export_fleet", "fleet_files", "package_applications", "single_application"]
