"""Deployment packages from memory: judged and rendered exactly as the same files in a folder.

Every package folder of the repository (and of ../shared/reference/catalog-samples when present) is read
twice — from disk and as a ``PackageFiles.from_mapping`` of its files' bytes — and ``lint`` findings and
``render_package`` output must be identical (with the folder's path as the mapping's label), or identical
once the folder prefix is dropped (without a label). Then names and values that cannot be files of a
folder, decoded documents, hostile sizes, and the TypeErrors for a ``str`` where a path or text is meant.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import pytest

from profile_render import load_chart
from profile_render.orchestrator.catalog import check_catalog, load_catalog
from profile_render.orchestrator.catalog.memory import PackageFiles
from profile_render.orchestrator.catalog.read import parse_documents
from profile_render.orchestrator.lint import lint
from profile_render.orchestrator.package import PackageError, render_package
from profile_render.problems import Diagnostic

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = ROOT / "tests" / "data"
SAMPLES = ROOT.parent / "shared" / "reference" / "catalog-samples"
REGISTRIES = DATA / "catalog" / "registries.yaml"
EDGE = EXAMPLES / "edge-package"
EDGE_CHARTS = {app: EDGE / "charts" / app for app in ("web-app", "vm-ephemeral", "vm-pv")}
TUTORIAL = SAMPLES / "app-orch-tutorials" / "developer-guide-tutorial"


def _package_folders() -> List[Path]:
    """Every folder holding a top-level ``*.yaml``/``*.yml`` file under examples/, tests/data and the samples."""
    roots = [EXAMPLES, DATA] + ([SAMPLES] if SAMPLES.is_dir() else [])
    found = []
    for root in roots:
        for folder in sorted({p.parent for p in root.rglob("*") if p.suffix.lower() in (".yaml", ".yml")}):
            found.append(folder)
    return found


def _files_of(folder: Path) -> Dict[str, bytes]:
    """The folder's files, by their path relative to it, as bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _rows(findings: List[Diagnostic], prefix: str = "") -> List[Tuple[Any, ...]]:
    """Findings as comparable rows; ``prefix`` is dropped from each source."""
    def source(text: Optional[str]) -> Optional[str]:
        return text[len(prefix):] if text is not None and prefix and text.startswith(prefix) else text
    return [(f.rule, f.severity, f.message.replace(prefix, ""), source(f.source), f.line, f.column, f.path,
             f.hint) for f in findings]


FOLDERS = _package_folders()


def test_the_comparison_covers_the_packages() -> None:
    names = {f.relative_to(ROOT).as_posix() for f in FOLDERS if f.is_relative_to(ROOT)}
    assert {"examples/edge-package", "tests/data/adm-package", "tests/data/adm-package-implicit",
            "tests/data/catalog/probes", "tests/data/catalog/probes/yaml", "tests/data/catalog/validator/invalid",
            "tests/data/template-reads/package"} <= names


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.relative_to(f.parents[1]).as_posix())
def test_lint_from_memory_is_lint_from_disk(folder: Path) -> None:
    files = _files_of(folder)
    registries = PackageFiles.from_mapping({"registries.yaml": REGISTRIES.read_bytes()}, label=str(REGISTRIES.parent))
    rounds: List[Tuple[Any, Any]] = [((), ())]
    if folder != REGISTRIES.parent:  # on disk the file would be read once, as part of the package
        rounds.append(([REGISTRIES], registries))
    for disk_registries, memory_registries in rounds:
        disk = lint(folder, registry_files=disk_registries)
        labelled = lint(PackageFiles.from_mapping(files, label=str(folder)), registry_files=memory_registries)
        assert labelled == disk
        bare = lint(PackageFiles.from_mapping(files), registry_files=memory_registries)
        assert _rows(bare) == _rows(disk, str(folder) + os.sep)


ADM_CHARTS = {"svc": DATA / "adm-chart", "side": DATA / "adm-chart"}
TUTORIAL_CHARTS = {"tutorial-server": TUTORIAL / "tutorial-chart" / "tutorial-server",
                   "tutorial-web-ui": TUTORIAL / "tutorial-chart" / "tutorial-web-ui"}


@pytest.mark.parametrize("folder, charts, extra", [
    (EDGE, EDGE_CHARTS, {}),
    (DATA / "adm-package", ADM_CHARTS, {"registries": True}),
    (DATA / "adm-package-implicit", ADM_CHARTS, {"registries": True, "parameters": {"side": {"greeting": "hi"}}}),
    (TUTORIAL / "tutorial-deployment", TUTORIAL_CHARTS, {"registries": True}),
], ids=["edge-package", "adm-package", "adm-package-implicit", "tutorial"])
def test_render_package_from_memory_is_render_package_from_disk(folder: Path, charts: Dict[str, Path],
                                                                 extra: Dict[str, Any]) -> None:
    if not folder.is_dir():
        pytest.skip("catalog samples (../shared/reference) not present")
    files = _files_of(folder)
    common: Dict[str, Any] = dict(deployment_name="deployment-abc12", org="acme", project="edge",
                                  parameters=extra.get("parameters", {}))
    registries = [REGISTRIES] if extra.get("registries") else []
    in_memory = PackageFiles.from_mapping({"r.yaml": REGISTRIES.read_bytes()}) if registries else ()
    disk = render_package(folder, charts=charts, registry_files=registries, **common)
    memory = render_package(PackageFiles.from_mapping(files, label=str(folder)), charts=charts,
                            registry_files=in_memory, **common)
    assert memory.to_dict() == disk.to_dict()
    assert _rows(memory.findings) == _rows(disk.findings)
    # Charts already loaded give the same render, and from_directory is the folder itself.
    loaded = {app: load_chart(path) for app, path in charts.items()}
    again = render_package(PackageFiles.from_directory(folder), charts=loaded, registry_files=registries, **common)
    assert again.to_dict() == disk.to_dict()


def _decoded(files: Mapping[str, bytes]) -> Dict[str, Any]:
    """The package with every catalog file replaced by its documents as the catalog reads them (decoded)."""
    out: Dict[str, Any] = dict(files)
    for name, data in files.items():
        if "/" not in name and name.endswith(".yaml") and b"specSchema" in data:
            documents = [d.value for d in parse_documents(data.decode("utf-8"))]
            out[name] = documents[0] if len(documents) == 1 else documents
    return out


def test_decoded_documents_are_judged_and_rendered_as_their_text() -> None:
    files = _files_of(EDGE)
    decoded = _decoded(files)
    assert isinstance(decoded["web-app-app.yaml"], dict) and isinstance(decoded["registries.yaml"], list)
    disk = lint(EDGE, charts=EDGE_CHARTS)
    memory = lint(PackageFiles.from_mapping(decoded, label=str(EDGE)), charts=EDGE_CHARTS)
    # Same findings; those in a decoded file have no line or column (the text was never written by the caller).
    decoded_sources = {str(EDGE / n) for n, v in decoded.items() if not isinstance(v, bytes)}
    expected = [f.evolve(line=None, column=None) if f.source in decoded_sources else f for f in disk]
    assert memory == expected
    common: Dict[str, Any] = dict(charts=EDGE_CHARTS, deployment_name="demo", org="acme", project="edge")
    assert render_package(PackageFiles.from_mapping(decoded), **common).to_dict() == \
        render_package(EDGE, **common).to_dict()


def _app(values_file: str, **extra: Any) -> Dict[str, Any]:
    """A decoded Application object whose one profile names ``values_file``."""
    return {"specSchema": "Application", "schemaVersion": "0.1", "name": "web", "version": "1.0.0",
            "helmRegistry": "harbor-helm-oci", "chartName": "web", "chartVersion": "1.0.0",
            "profiles": [{"name": "default", "valuesFileName": values_file}], **extra}


def test_decoded_values_read_as_the_catalog_reads_them() -> None:
    # yaml.v3 keeps 'yes' a string, makes an integer key the string "1" and a boolean key "true"; Python values
    # are judged as the YAML text writing them, so the schema sees the same objects.
    app = _app("values.yaml", description="yes", displayName=1)
    catalog = load_catalog(PackageFiles.from_mapping({"app.yaml": app, "values.yaml": {2: "a", True: [1.0]}}))
    (spec,) = catalog.applications.values()
    assert spec.description == "yes"
    rows = [(f.rule, f.source, f.line, f.path) for f in check_catalog(catalog) if f.rule == "schema"]
    assert rows == [("schema", "app.yaml", None, ("displayName",))]
    from profile_render.orchestrator.catalog.load import read_profile_values

    values = read_profile_values(spec.profiles[0])
    assert values.data == {"2": "a", "true": [1]} and values.locate(("2",)) is None


@pytest.mark.parametrize("value, words", [
    ({"a": b"\xff"}, "type bytes"), ({"a": {1, 2}}, "type set"), ({"a": object()}, "type object"),
    ({(1, 2): "x"}, "key of type tuple"), ({"a": ["\ud800"]}, "lone surrogate"), ({"a": 10 ** 5000}, "too long"),
])
def test_decoded_values_no_yaml_can_hold_are_refused_by_path(value: Any, words: str) -> None:
    findings = lint(PackageFiles.from_mapping({"app.yaml": _app("values.yaml"), "values.yaml": value}))
    (finding,) = [f for f in findings if f.rule == "values-invalid"]
    assert words in finding.message and finding.source == "values.yaml" and finding.line is None
    with pytest.raises(PackageError):
        render_package(PackageFiles.from_mapping({"app.yaml": {**_app("values.yaml"), "x": b"\xff"}}),
                       charts={}, deployment_name="d")


def test_a_decoded_catalog_object_no_yaml_can_hold_is_a_located_finding() -> None:
    catalog = load_catalog(PackageFiles.from_mapping({"app.yaml": {**_app("v.yaml"), "labels": {"k": b"v"}}}))
    (finding,) = catalog.findings
    assert (finding.rule, finding.source, finding.path) == ("yaml-syntax", "app.yaml", ("labels", "k"))
    cyclic: Dict[str, Any] = {"specSchema": "Application"}
    cyclic["self"] = cyclic
    (finding,) = load_catalog(PackageFiles.from_mapping({"c.yaml": cyclic})).findings
    assert "deeper than 200 levels" in finding.message


NAMES_ON_DISK = {
    "../x.yaml": "file-outside-package",
    "/etc/passwd": "file-outside-package",
    "sub/../../x.yaml": "file-outside-package",
    "values.yaml\0../../x": "missing-values-file",
    "nosuch.yaml": "missing-values-file",
    "sub": "missing-values-file",  # a folder
    ".": "missing-values-file",
    "./values.yaml": None,
    "sub/../values.yaml": None,
    "sub/deeper.yaml": None,
}


@pytest.mark.parametrize("name, rule", NAMES_ON_DISK.items())
def test_values_file_names_give_the_findings_a_folder_gives(tmp_path: Path, name: str, rule: Optional[str]) -> None:
    files = {"app.yaml": _yaml_app(name), "values.yaml": b"a: 1\n", "sub/deeper.yaml": b"b: 2\n"}
    folder = tmp_path / "pkg"
    for file_name, data in files.items():
        (folder / file_name).parent.mkdir(parents=True, exist_ok=True)
        (folder / file_name).write_bytes(data)
    (tmp_path / "x.yaml").write_text("stolen: CANARY-outside\n")
    disk = lint(folder)
    memory = lint(PackageFiles.from_mapping(files, label=str(folder)))
    assert memory == disk
    assert [f.rule for f in disk if f.rule in ("file-outside-package", "missing-values-file")] == \
        ([rule] if rule else [])
    assert "CANARY-outside" not in repr(memory)


def _yaml_app(values_file: str) -> bytes:
    quoted = values_file.replace("\\", "\\\\").replace("\0", "\\0").replace('"', '\\"')
    return (f'specSchema: Application\nschemaVersion: "0.1"\nname: web\nversion: 1.0.0\n'
            f'helmRegistry: harbor-helm-oci\nchartName: web\nchartVersion: 1.0.0\n'
            f'profiles:\n  - name: default\n    valuesFileName: "{quoted}"\n').encode()


@pytest.mark.parametrize("name, rule, words", [
    ("../evil.yaml", "file-outside-package", "leads outside the package directory"),
    ("sub/../../evil.yaml", "file-outside-package", "leads outside the package directory"),
    ("/etc/evil.yaml", "file-outside-package", "absolute path"),
    ("nul\0.yaml", "unreadable-file", "NUL character"),
    ("", "unreadable-file", "empty"),
    (".", "unreadable-file", "the package folder itself"),
    ("x" * 5000, "unreadable-file", "longer than 4096"),
])
def test_names_no_folder_can_hold_are_reported_and_not_read(name: str, rule: str, words: str) -> None:
    findings = lint(PackageFiles.from_mapping({name: "specSchema: Registry\nname: CANARY\n", **_edge_memory()}))
    (finding,) = [f for f in findings if f.rule == rule]
    assert words in finding.message and "CANARY" not in repr(findings)
    assert "\0" not in (finding.source or "")


def _edge_memory() -> Dict[str, bytes]:
    return _files_of(EDGE)


def test_one_file_under_two_names_is_read_under_neither() -> None:
    files = _edge_memory()
    files["./web-app-values.yaml"] = b"replicas: 9\n"
    findings = lint(PackageFiles.from_mapping(files))
    rules = sorted((f.rule, f.source) for f in findings)
    assert ("unreadable-file", "./web-app-values.yaml") in rules
    (missing,) = [f for f in findings if f.rule == "missing-values-file"]
    assert "is given twice" in missing.message
    with pytest.raises(PackageError):
        render_package(PackageFiles.from_mapping(files), charts=EDGE_CHARTS, deployment_name="d")
    # A name that is a file and a folder at once cannot be either.
    conflict = lint(PackageFiles.from_mapping({"a.yaml": "x: 1\n", "a.yaml/b.yaml": "y: 2\n"}))
    assert [(f.rule, f.source) for f in conflict] == [("unreadable-file", "a.yaml")]


def test_only_top_level_yaml_names_are_catalog_files() -> None:
    registry = (EDGE / "registries.yaml").read_bytes()
    catalog = load_catalog(PackageFiles.from_mapping({
        "sub/r.yaml": registry, "r.txt": registry, "R.YML": registry, "chart/values.yaml": b"specSchema: x\n"}))
    assert [str(p) for p in catalog.files] == ["R.YML"]


def test_a_str_is_never_taken_as_a_path_or_text() -> None:
    for call in (lambda: lint(str(EDGE)), lambda: load_catalog([EDGE, str(EDGE)]),
                 lambda: render_package(str(EDGE), charts=EDGE_CHARTS, deployment_name="d"),
                 lambda: lint(EDGE, registry_files=[str(REGISTRIES)])):
        with pytest.raises(TypeError, match=r"pathlib\.Path\(\.\.\.\).*PackageFiles\.from_mapping"):
            call()
    with pytest.raises(TypeError, match=r"charts\['web-app'\].*pathlib\.Path.*Chart"):
        render_package(EDGE, charts={"web-app": str(EDGE_CHARTS["web-app"])}, deployment_name="d")
    with pytest.raises(TypeError, match="Chart"):
        lint(EDGE, charts={"web-app": str(EDGE_CHARTS["web-app"])})
    for bad in ({1: "x"}, {"a.yaml": 5}, {"a.yaml": None}, ["a.yaml"]):
        with pytest.raises(TypeError):
            PackageFiles.from_mapping(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PackageFiles.from_directory(str(EDGE))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PackageFiles(EDGE)  # type: ignore[arg-type]


def test_caps_apply_as_for_files_and_nothing_large_is_copied() -> None:
    big = "a" * (65 * 1024 * 1024)  # over the 64 MiB catalog cap
    big_bytes = memoryview(big.encode())
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        findings = lint(PackageFiles.from_mapping({"app.yaml": big, "b.yaml": big_bytes}))
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert [(f.rule, f.source) for f in findings] == [("unreadable-file", "app.yaml"), ("unreadable-file", "b.yaml")]
    assert "more than the limit of 67,108,864 bytes" in findings[1].message
    assert peak < 16 * 1024 * 1024
    # A values file is capped by Limits.max_bytes (4,000,000 by default), as on disk.
    findings = lint(PackageFiles.from_mapping({"app.yaml": _app("v.yaml"), "v.yaml": "a: " + "x" * 4_000_000}))
    (finding,) = [f for f in findings if f.rule == "values-invalid"]
    assert "Limits.max_bytes" in (finding.hint or "")


def test_a_hundred_thousand_entries() -> None:
    files: Dict[str, Any] = {f"sub/f{i}.yaml": "a: 1\n" for i in range(100_000)}
    files.update(_edge_memory())
    assert lint(PackageFiles.from_mapping(files)) == lint(PackageFiles.from_mapping(_edge_memory()))


def test_decoded_documents_name_their_file_without_a_line() -> None:
    registry = {"specSchema": "Registry", "schemaVersion": "0.1", "name": "r", "type": "IMAGE",
                "rootUrl": "oci://registry.example.com/p"}
    findings = check_catalog(load_catalog(PackageFiles.from_mapping({"a.yaml": registry, "b.yaml": [registry]})))
    (duplicate,) = [f for f in findings if f.rule == "duplicate-object"]
    assert "(also at a.yaml)" in duplicate.message and duplicate.line is None
    # Two keys the values reader makes one ("1"): Helm's duplicate-key warning, without a line.
    files = {"app.yaml": _app("v.yaml"), "v.yaml": {1: "a", "1": "b"}}
    (warning,) = [f for f in lint(PackageFiles.from_mapping(files)) if f.rule == "duplicate-key"]
    assert (warning.source, warning.line, warning.column) == ("v.yaml", None, None)


def test_a_label_names_every_file_and_unprintable_names_are_escaped() -> None:
    findings = lint(PackageFiles.from_mapping({"a\0.yaml": "x: 1\n", "../b.yaml": "y: 2\n"}, label="upload-42"))
    assert sorted((f.rule, f.source) for f in findings) == [
        ("file-outside-package", "upload-42/../b.yaml"), ("unreadable-file", "upload-42/a\\x00.yaml")]
    with pytest.raises(TypeError):
        PackageFiles.from_mapping({}, label=Path("x"))  # type: ignore[arg-type]
