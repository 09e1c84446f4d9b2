"""Files the catalog's validator crashes on are reported, not accepted (contract, "Catalog YAML files").

The Go validator panics on a mapping key that is not a string and on an
unquoted value yaml.v3 reads as a timestamp; the upload validates every file
with a ``specSchema`` document, so the catalog never accepts such a file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from profile_render.orchestrator.catalog.memory import PackageFiles
from profile_render.orchestrator.catalog.crashes import validator_crashes
from profile_render.orchestrator.lint import lint

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "examples" / "edge-package"


@pytest.mark.parametrize("text, expected", [
    ("description: 2024-01-01\n", [("timestamp", 1, 14)]),
    ("description: 2001-12-14t21:59:43.10-05:00\n", [("timestamp", 1, 14)]),
    ("description: 2001-12-14 21:59:43.10\n", [("timestamp", 1, 14)]),
    ("x: !!timestamp 2020-01-01\n", [("timestamp", 1, 4)]),
    ("list: [a, 2024-01-02]\n", [("timestamp", 1, 11)]),
    ("1: x\n", [("number", 1, 1)]),
    ("0x10: x\n", [("number", 1, 1)]),
    ("m:\n  true: y\n", [("boolean", 2, 3)]),
    ("m: {3.5: z}\n", [("number", 1, 5)]),
])
def test_what_crashes_the_validator(text, expected):
    rows = validator_crashes(text)
    assert [(next(w for w in ("timestamp", "number", "boolean") if w in problem), line, column)
            for problem, _hint, line, column in rows] == expected


@pytest.mark.parametrize("text", [
    'description: "2024-01-01"\n', "description: '2024-01-01'\n", "description: |\n  2024-01-01\n",
    "version: 1.0.0\n", "day: 2024-13-01\n", "day: 2023-02-29\n", "'1': x\n", "yes: 1\n", "on: off\n",
    "<<: {a: 1}\n", "a: [1, 2.5, true]\n", "text: 2024-01-01 is the date\n",
])
def test_what_does_not(text):
    assert validator_crashes(text) == []


def test_broken_yaml_gives_no_second_opinion():
    assert validator_crashes("a: [1\n") == []


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "edge-package"
    shutil.copytree(PACKAGE, target)
    return target


def test_lint_reports_a_timestamp_and_a_number_key_in_a_catalog_file(tmp_path):
    package = _copy(tmp_path)
    app = package / "web-app-app.yaml"
    text = app.read_text()
    text = text.replace('description: "Web application with a pre-install migration hook"', "description: 2024-01-01", 1)
    app.write_text(text + "labels:\n  2024: year\n")
    findings = [f for f in lint(package, registry_files=[package / "registries.yaml"]) if f.rule == "validator-crash"]
    lines = text.splitlines()
    description = next(i for i, line in enumerate(lines, 1) if line.startswith("description: 2024"))
    assert [(Path(f.source).name, f.line, f.severity) for f in findings] == [
        ("web-app-app.yaml", description, "error"), ("web-app-app.yaml", len(lines) + 2, "error")]
    assert "quote" in (findings[0].hint or "")


def test_values_files_and_decoded_documents_are_not_judged_so(tmp_path):
    package = _copy(tmp_path)
    values = package / "web-app-values.yaml"
    values.write_text(values.read_text() + "when: 2024-01-01\n")
    assert not [f for f in lint(package, registry_files=[package / "registries.yaml"]) if f.rule == "validator-crash"]
    files = {p.name: p.read_bytes() for p in PACKAGE.iterdir() if p.is_file() and p.suffix == ".yaml"}
    import yaml
    files["web-app-app.yaml"] = yaml.safe_load(files["web-app-app.yaml"])  # a decoded document: no crash to find
    files["web-app-app.yaml"]["description"] = "2024-01-01"
    memory = PackageFiles.from_mapping(files)
    assert not [f for f in lint(memory) if f.rule == "validator-crash"]
