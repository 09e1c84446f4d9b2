"""What the catalog tests share: reading and checking a catalog, editing its files, the two sample packages.

:class:`Sample` describes a package the loading and check tests run on: the
project's own (tests/data/stock, always there) and the tutorial sample of the
real catalog (``../shared``, absent in a fresh clone: its cases skip). The two
have the same shape (two applications, the first with three profiles and two
parameter templates, three deployment profiles), so one test states each check
once. Expected lines are looked up in the files (:func:`line_of`), and the
editing helpers return the line they changed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, List, NamedTuple, Optional, Tuple

import pytest

from profile_render.errors import format_path
from profile_render.orchestrator.catalog import Catalog, check_catalog, load_catalog

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
SAMPLES = REFERENCE / "catalog-samples" / "app-orch-tutorials"
TUTORIAL = SAMPLES / "developer-guide-tutorial" / "tutorial-deployment"
HTTPBIN = SAMPLES / "httpbin" / "deployment-package"
PACKAGE = ROOT / "tests" / "data" / "stock" / "package"
DP = "deployment-package.yaml"  # the DeploymentPackage file of both packages
DATA = Path(__file__).resolve().parent / "data" / "catalog"
REGISTRIES = DATA / "registries.yaml"
CANARY = "CANARY"  # the token in registries.yaml and the tests' secrets start with it

SHARED_ABSENT = ("needs ../shared/reference (the real catalog samples), absent as in a fresh clone; "
                 "the same tests run on the project's own package, tests/data/stock")
needs_samples = pytest.mark.skipif(not REFERENCE.is_dir(), reason=SHARED_ABSENT)

Row = Tuple[str, str, str, Optional[int], Optional[str]]


def rows(findings: List[Any]) -> List[Row]:
    """(rule, severity, file name, line, field path) of each finding, in order."""
    return [(f.rule, f.severity, Path(f.source).name if f.source else None, f.line,
             format_path(f.path) if f.path else None) for f in findings]


def check(*paths: Path, registries: bool = True) -> Tuple[Catalog, List[Any]]:
    """The catalog read from ``paths`` (with tests/data/catalog/registries.yaml unless told not to) and its findings."""
    catalog = load_catalog(list(paths), registry_files=[REGISTRIES] if registries else [])
    return catalog, check_catalog(catalog)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in the file at ``path`` by ``new`` (``old`` must be there)."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))



class Sample(NamedTuple):
    """A package the tests run on, with the names and texts of its files that they edit and expect."""

    folder: Path
    api: str  # the first application: three profiles, the last with two parameter templates
    web: str  # the second application: one profile
    version: str  # of both applications and of the package
    package: str
    display_name: str
    api_profiles: Tuple[str, str, str]
    web_profile: str
    deployment_profiles: Tuple[str, str, str]
    namespace: str
    templates: Tuple[Tuple[str, str, str], Tuple[str, str, str]]  # (name, displayName, default) of the last profile's
    web_description: str

    def app_file(self, app: str) -> Path:
        """The Application file of ``app``."""
        return self.folder / f"{app}-app.yaml"

    @property
    def api_file(self) -> Path:
        """The first application's file."""
        return self.app_file(self.api)

    @property
    def web_file(self) -> Path:
        """The second application's file."""
        return self.app_file(self.web)

    @property
    def dp_file(self) -> Path:
        """The DeploymentPackage file."""
        return self.folder / DP


OWN = Sample(PACKAGE, "stock-api", "stock-web", "0.3.0", "stock-demo", "Stock demo", ("standard", "bigger", "tunable"),
             "standard", ("standard", "bigger", "tunable"), "stock",
             (("banner", "Banner text", "Inventory (tunable)"), ("pageSize", "Page size", "25")), "Inventory web UI")
TUTORIAL_SAMPLE = Sample(
    TUTORIAL, "tutorial-server", "tutorial-web-ui", "0.1.0", "app-orch-tutorial-dp", "Tutorial DP",
    ("default", "alternate", "alternate-pt"), "default", ("default-profile", "alternate", "alternate-pt"), "tutorial",
    (("greeting", "Greeting message", "Deployed by Application Orchestration (pt)"), ("initialCount", "Initial count", "0")),
    "Tutorial Server")


PACKAGES = [pytest.param(OWN, id="own"), pytest.param(TUTORIAL_SAMPLE, id="tutorial")]


def writable_copy(original: Sample, tmp_path: Path) -> Sample:
    """``original`` on a writable copy of its folder (the tutorial's skips when ../shared is absent)."""
    if not original.folder.is_dir():
        pytest.skip(SHARED_ABSENT)
    target = tmp_path / "sample"  # after tmp_path/registries.yaml in the order of findings
    shutil.copytree(original.folder, target, copy_function=shutil.copyfile)  # the originals may be read-only
    return original._replace(folder=target)


def line_of(path: Path, needle: str, after: int = 0) -> int:
    """The 1-based number of the first line after line ``after`` of ``path`` that holds ``needle`` (quotes aside)."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if number > after and (needle in line or needle in line.replace('"', "")):
            return number
    raise AssertionError(f"{needle!r} not in {path.name} after line {after}")


def _lines(path: Path, needle: str, after: int) -> Tuple[List[str], int, str]:
    """The lines of ``path``, the index of the line :func:`line_of` finds, and that line's indentation (dash included)."""
    lines = path.read_text().splitlines()
    index = line_of(path, needle, after) - 1
    indent = re.match(r" *(- )?", lines[index]).group(0)  # type: ignore[union-attr]  # always matches
    return lines, index, indent


def edit_line(path: Path, needle: str, new: str, after: int = 0) -> int:
    """Replace the line :func:`line_of` finds by ``new`` at the same indentation; the line's number."""
    lines, index, indent = _lines(path, needle, after)
    lines[index] = indent + new
    path.write_text("\n".join(lines) + "\n")
    return index + 1


def drop_line(path: Path, needle: str, after: int = 0) -> int:
    """Remove the line :func:`line_of` finds; its number (now the number of the line after it)."""
    lines, index, _indent = _lines(path, needle, after)
    del lines[index]
    path.write_text("\n".join(lines) + "\n")
    return index + 1


def add_after(path: Path, needle: str, new: str) -> int:
    """Insert the lines of ``new`` after the line :func:`line_of` finds, as its siblings; the first new line's number."""
    lines, index, indent = _lines(path, needle, 0)
    sibling = " " * len(indent)
    lines[index + 1:index + 1] = [sibling + text for text in new.splitlines()]
    path.write_text("\n".join(lines) + "\n")
    return index + 2
