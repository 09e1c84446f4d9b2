"""A consumer outside the repository type-checks against the public API under ``mypy --strict``.

The package ships ``py.typed``, so its re-exports are part of its typed API:
``from profile_render import render`` must pass mypy's strict mode (which
refuses implicit re-exports). The test copies the package into a temporary
site folder, as an installed wheel would lay it out, and runs mypy there with
the repository out of sight.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import profile_render

ROOT = Path(__file__).resolve().parent.parent

CONSUMER = '''\
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from profile_render import (
    ArchiveLimits,
    Catalog,
    DeploymentContext,
    Diagnostic,
    ImageRegistry,
    Layer,
    LintReport,
    MergeResult,
    Origin,
    PackageError,
    PackageFiles,
    PackageRender,
    ProfileRenderError,
    RenderResult,
    SchemaValidationError,
    SchemaViolation,
    ValidatorCache,
    check_manifests,
    lint_report,
    load_catalog,
    load_chart,
    merge_values,
    render,
    render_package,
)
import profile_render


def values_of(chart_dir: Path, profile: Path) -> Dict[str, Any]:
    chart = load_chart(chart_dir)
    context = DeploymentContext(app_name="web", app_version="1.0.0",
                                deployment_name="deployment-abc12", namespace="apps")
    registry: Optional[ImageRegistry] = None
    try:
        result: RenderResult = render(chart, Layer.from_file(profile), context=context, registry=registry)
    except ProfileRenderError as exc:
        problem: Diagnostic = exc.diagnostic
        raise SystemExit(problem.message)
    origin: Optional[Origin] = result.origin("image.repository")
    lines: List[str] = [origin.source] if origin is not None else []
    merged: MergeResult = merge_values(chart)
    return {"values": result.values, "defaults": merged.values, "lines": lines,
            "version": profile_render.__version__}


def package_of(folder: Path, charts: Dict[str, Path]) -> List[str]:
    files = PackageFiles.from_directory(folder)
    report: LintReport = lint_report(files, charts=charts, archive_limits=ArchiveLimits(max_depth=5))
    catalog: Catalog = load_catalog(files)
    try:
        rendered: PackageRender = render_package(files, charts=charts, deployment_name="deployment-abc12")
    except PackageError as exc:
        return [finding.message for finding in exc.findings]
    checked: List[Diagnostic] = check_manifests(rendered.applications["web-app"].manifests)
    out: List[str] = [f.path for f in report.files] + [str(len(catalog.findings))]
    return out + [d.message for d in checked] + [json.dumps(rendered.to_dict(masked=True))]


def valid(chart_dir: Path, cache: ValidatorCache) -> Optional[str]:
    try:
        merge_values(load_chart(chart_dir), schema_cache=cache)
    except SchemaValidationError as exc:
        violations: List[SchemaViolation] = list(exc.violations)
        return violations[0].message if violations else None
    return None
'''


def _exported_statically() -> set:
    """Names the ``if TYPE_CHECKING:`` block of ``profile_render/__init__.py`` re-exports with ``as``."""
    tree = ast.parse((ROOT / "profile_render" / "__init__.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(a.name for a in node.names if a.asname == a.name)
    return names


def test_every_lazy_export_is_a_static_re_export():
    lazy = set(profile_render.__all__) - {"__version__"}
    assert lazy - _exported_statically() == set(), "add `X as X` to the TYPE_CHECKING block for these"


def test_every_export_resolves():
    for name in profile_render.__all__:
        assert getattr(profile_render, name) is not None, name


def test_mypy_strict_consumer_outside_the_repo(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "profile_render", site / "profile_render",
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert (site / "profile_render" / "py.typed").is_file()
    work = tmp_path / "consumer"
    work.mkdir()
    imports = ", ".join(sorted(n for n in profile_render.__all__ if n != "__version__"))
    (work / "consumer.py").write_text(CONSUMER + f"\nfrom profile_render import {imports}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)  # the installed layout; the repository is not on any path
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull,
                           "consumer.py"], cwd=work, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout
