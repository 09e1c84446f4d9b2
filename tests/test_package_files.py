"""Nothing is read outside a deployment package: valuesFileName and listed files must resolve inside it.

Runs on the example package (examples/edge-package), copied for each test.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import List, Sequence

import pytest

from profile_render.cli import main
from profile_render.files import FileError, OutsideRootError
from profile_render.orchestrator.catalog import check_catalog, load_catalog
from profile_render.orchestrator.catalog.load import read_profile_values
from profile_render.orchestrator.lint import lint
from profile_render.orchestrator.package import PackageError, render_package

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "edge-package"
APPS = ("web-app", "vm-ephemeral", "vm-pv")
CANARY = "CANARY-OUTSIDE-7d1e"


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    dest = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, dest)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"stolen: {CANARY}\n")
    return dest


def _name_values_file(pkg: Path, name: str) -> None:
    app = pkg / "web-app-app.yaml"
    app.write_text(app.read_text().replace('valuesFileName: "web-app-values.yaml"', f"valuesFileName: {json.dumps(name)}"))


def _charts(pkg: Path) -> dict:
    return {app: pkg / "charts" / app for app in APPS}


def _rules(findings: Sequence) -> List[str]:
    return sorted({f.rule for f in findings if f.severity == "error"})


def _render(pkg: Path) -> object:
    return render_package(pkg, charts=_charts(pkg), deployment_name="demo", registry_files=[pkg / "registries.yaml"])


@pytest.mark.parametrize("name", ["../outside/secret.yaml", "sub/../../outside/secret.yaml", "/etc/passwd",
                                  "/dev/zero", "/proc/self/environ"])
def test_a_values_file_named_outside_the_package_is_an_error_everywhere(pkg: Path, name: str) -> None:
    if name.startswith("/") is False:
        outside = pkg.parent / "outside" / "secret.yaml"
        assert outside.is_file()
    _name_values_file(pkg, name)
    findings = lint(pkg, charts=_charts(pkg))
    (finding,) = [f for f in findings if f.rule == "file-outside-package"]
    assert finding.severity == "error" and finding.path == ("profiles", 0, "valuesFileName")
    assert finding.source.endswith("web-app-app.yaml") and finding.line == 17
    assert CANARY not in json.dumps([f.message for f in findings])
    with pytest.raises(PackageError) as info:
        _render(pkg)
    assert "file-outside-package" in str(info.value) and CANARY not in str(info.value)


def test_a_nul_in_the_name_is_a_clean_error(pkg: Path) -> None:
    _name_values_file(pkg, "web-app-values.yaml\0../../outside/secret.yaml")
    (finding,) = [f for f in lint(pkg) if f.rule == "missing-values-file"]
    assert "NUL character" in finding.message and "\0" not in finding.message
    with pytest.raises(PackageError):
        _render(pkg)


def test_symbolic_links_out_of_the_package_are_errors(pkg: Path) -> None:
    (pkg / "web-app-values.yaml").unlink()
    (pkg / "web-app-values.yaml").symlink_to(pkg.parent / "outside" / "secret.yaml")
    findings = check_catalog(load_catalog([pkg]))
    outside = [f for f in findings if f.rule == "file-outside-package"]
    assert {Path(f.source).name for f in outside} == {"web-app-app.yaml", "web-app-values.yaml"}
    with pytest.raises(PackageError):
        _render(pkg)
    profile = load_catalog([pkg]).application("web-app").default_profile
    with pytest.raises(OutsideRootError):
        read_profile_values(profile)


def test_a_symlinked_directory_out_of_the_package_is_an_error(pkg: Path) -> None:
    (pkg / "shared").symlink_to(pkg.parent / "outside")
    _name_values_file(pkg, "shared/secret.yaml")
    assert "file-outside-package" in _rules(lint(pkg))


def test_links_that_stay_inside_are_fine(pkg: Path) -> None:
    (pkg / "values").mkdir()
    shutil.move(str(pkg / "web-app-values.yaml"), pkg / "values" / "web.yaml")
    (pkg / "web-app-values.yaml").symlink_to("values/web.yaml")
    assert _rules(lint(pkg)) == []
    result = _render(pkg)
    assert result.applications["web-app"].values["image"]["repository"]
    _name_values_file(pkg, "values/../values/web.yaml")
    assert _rules(lint(pkg)) == []


def test_a_package_reached_through_a_link_is_its_own_root(pkg: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(pkg)
    assert _rules(lint(alias)) == []


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory", "loop"])
def test_a_values_file_that_is_not_a_regular_file_is_an_error_everywhere(pkg: Path, kind: str) -> None:
    target = pkg / "web-app-values.yaml"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "directory":
        target.mkdir()
    else:
        (pkg / "loop.yaml").symlink_to(target)
        target.symlink_to(pkg / "loop.yaml")
    findings = lint(pkg, charts=_charts(pkg))
    rule = "file-outside-package" if kind == "dev-zero" else "missing-values-file"  # /dev/zero is outside too
    reported = [f for f in findings if f.rule == rule and f.source.endswith("web-app-app.yaml")]
    assert len(reported) == 1 and "web-app-values.yaml" in reported[0].message
    assert kind == "directory" or {"unreadable-file", "file-outside-package"} & {f.rule for f in findings
                                                                                 if f.source.endswith("values.yaml")}
    with pytest.raises(PackageError):
        _render(pkg)
    profile = load_catalog([pkg / "web-app-app.yaml"]).application("web-app").default_profile
    with pytest.raises(FileError):
        read_profile_values(profile)


def test_listed_catalog_files_pointing_outside_are_not_read(pkg: Path) -> None:
    # A registry file linked in from outside would hand the package someone else's credentials.
    shutil.move(str(pkg / "registries.yaml"), pkg.parent / "outside" / "registries.yaml")
    (pkg / "registries.yaml").symlink_to(pkg.parent / "outside" / "registries.yaml")
    catalog = load_catalog([pkg])
    assert catalog.registries == {}
    assert "file-outside-package" in _rules(check_catalog(catalog))
    # Named by its own path, a file is read wherever it is.
    catalog = load_catalog([pkg], registry_files=[pkg.parent / "outside" / "registries.yaml"])
    assert "harbor-docker-oci" in catalog.registries


def test_special_entries_of_a_package_folder_are_reported_not_read(pkg: Path) -> None:
    os.mkfifo(pkg / "pipe.yaml")
    (pkg / "pipe-link.yaml").symlink_to("pipe.yaml")
    (pkg / "zero.yaml").symlink_to("/dev/zero")
    (pkg / "folder.yaml").mkdir()
    findings = check_catalog(load_catalog([pkg]))
    unreadable = [f for f in findings if f.rule == "unreadable-file"]
    assert sorted(Path(f.source).name for f in unreadable) == ["pipe-link.yaml", "pipe.yaml"]
    assert all("is a FIFO (named pipe), not a regular file" in f.message for f in unreadable)
    assert [Path(f.source).name for f in findings if f.rule == "file-outside-package"] == ["zero.yaml"]


def test_cli_lint_and_package_render_refuse_an_escape(pkg: Path, capsys: pytest.CaptureFixture) -> None:
    _name_values_file(pkg, "../outside/secret.yaml")
    charts: List[str] = []
    for app in APPS:
        charts += ["--chart", f"{app}={pkg / 'charts' / app}"]
    code = main(["lint", str(pkg), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1 and "file-outside-package" in out and CANARY not in out + err
    code = main(["package", "render", str(pkg), *charts, "--registry", str(pkg / "registries.yaml"),
                 "--deployment-name", "demo", "-o", "json"])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and "file-outside-package" in err and CANARY not in err


def test_archive_limits_reach_the_package_charts(pkg: Path) -> None:
    from profile_render.errors import LimitExceededError
    from profile_render.helm.chart import ArchiveLimits, load_chart

    tight = ArchiveLimits(max_file_bytes=10)
    findings = lint(pkg, charts=_charts(pkg), archive_limits=tight)
    assert {f.rule for f in findings if f.severity == "error"} == {"chart-invalid"}
    assert any("ArchiveLimits.max_file_bytes" in (f.hint or "") for f in findings)
    with pytest.raises(LimitExceededError):
        render_package(pkg, charts=_charts(pkg), deployment_name="demo", archive_limits=tight)
    preloaded = {app: load_chart(path) for app, path in _charts(pkg).items()}
    result = render_package(pkg, charts=preloaded, deployment_name="demo", archive_limits=tight)
    assert sorted(result.applications) == sorted(APPS)
