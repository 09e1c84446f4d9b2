"""The catalog validator's own test files get the verdicts its Go tests expect; the project's own files the same.

``../shared/reference/catalog-samples/validator-testdata/`` holds the test data of
the Application Catalog's schema validator (``pkg/schema/validator/testdata``)
and ``expectations.md``, what ``validator_test.go`` expects of each file:

* ``ValidateFiles("testdata/valid")``: no error, 4 results;
* ``ValidateFiles("testdata/invalid")``: an error, 6 results, 4 of them errors
  (``invalid/artifact.yaml`` and ``invalid/deployment-package.yaml`` are valid);
* ``ValidateFiles("testdata/invalid/registry-intel.yaml")``: an error, 1 result;
* ``Validate(valid/registry-intel.yaml)``: no error.

A "result" is a file the validator CLI checks (:attr:`CheckedFile.by_validator`);
a file's verdict is whether it has errors of :data:`VALIDATOR_RULES`. The shared
folder is absent from a fresh clone, so ``tests/data/catalog/validator/`` holds
the project's own files with the same features and the same expected verdicts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from profile_render.errors import format_path
from profile_render.orchestrator.catalog import VALIDATOR_RULES, Catalog, check_catalog, load_catalog
from profile_render.problems import ERROR

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reference" / "catalog-samples" / "validator-testdata"
OWN = Path(__file__).resolve().parent / "data" / "catalog" / "validator"

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason="../shared (the validator's test data) is absent, as in a fresh clone; "
           "test_own_files_get_the_same_verdicts covers the same verdicts with tests/data/catalog/validator")

# file -> None (the validator CLI does not check it), or the places of its errors ([] = valid)
Expectations = Dict[str, Optional[List[str]]]

SHARED_EXPECTED: Expectations = {
    "valid/application-librespeed.yaml": [],  # publisher in deploymentRequirement items; version: 0.0.3
    "valid/artifact.yaml": [],
    "valid/deployment-package.yaml": [],  # artifacts[].publisher; kind: addon
    "valid/registry-intel.yaml": [],  # two documents; a rootUrl with a trailing slash
    "valid/values.yaml": None,  # no $schema line
    "invalid/application-librespeed-0.0.2.yaml": ["helmRegistry", "registry"],  # deprecated registry
    "invalid/application-librespeed.yaml": ["randomProperty"],  # in the 2nd document
    "invalid/artifact.yaml": [],  # byte-identical to the valid one
    "invalid/deployment-package.yaml": [],  # the valid one without kind
    "invalid/foreign-file.yaml": ["document 1 has no specSchema"],  # $schema, no specSchema
    # the validator stops at the 1st document's rootUrl; profile-render goes on to the 2nd one's Xtype
    "invalid/registry-intel.yaml": ["rootUrl", "type", "Xtype"],
    "invalid/values.yaml": None,
}

OWN_EXPECTED: Expectations = {
    "valid/application-requirement-publisher.yaml": [],
    "valid/artifact.yaml": [],
    "valid/deployment-package.yaml": [],
    "valid/registries.yaml": [],
    "valid/values.yaml": None,
    "invalid/application-deprecated-registry.yaml": ["helmRegistry", "registry"],
    "invalid/application-unknown-key.yaml": ["someProperty"],
    "invalid/artifact.yaml": [],
    "invalid/deployment-package.yaml": [],
    "invalid/foreign-file.yaml": ["document 1 has no specSchema"],
    "invalid/registries.yaml": ["rootUrl", "type", "Type"],
    "invalid/values.yaml": None,
}


def judge(paths: List[Path]) -> Tuple[Catalog, Dict[str, List[str]]]:
    """Load like ``ValidateFiles(paths)``: the files the validator CLI checks, each with its error places."""
    catalog = load_catalog(paths)
    findings = check_catalog(catalog)
    results: Dict[str, List[str]] = {}
    for checked in catalog.checked_files:
        if not checked.by_validator:
            continue
        places = [format_path(f.path) if f.path else f.message.split(";")[0] for f in findings
                  if f.source == str(checked.path) and f.severity == ERROR and f.rule in VALIDATOR_RULES]
        results[checked.path.name] = list(dict.fromkeys(places))
    return catalog, results


def check_folder(base: Path, folder: str, expected: Expectations) -> Dict[str, List[str]]:
    _catalog, results = judge([base / folder])
    wanted = {name.split("/", 1)[1]: places for name, places in expected.items()
              if name.startswith(folder + "/") and places is not None}
    assert results == wanted
    return results


def assert_go_tests(base: Path, expected: Expectations, multipart: str) -> None:
    # TestValidateOKFiles: no error, 4 results
    valid = check_folder(base, "valid", expected)
    assert len(valid) == 4 and not any(valid.values())
    # TestValidateBadFiles: an error, 6 results, exactly 4 of them errors
    invalid = check_folder(base, "invalid", expected)
    assert len(invalid) == 6 and sum(1 for places in invalid.values() if places) == 4
    # TestValidateBadMultipartFile: an error, 1 result
    _catalog, results = judge([base / "invalid" / multipart])
    assert list(results) == [multipart] and results[multipart]
    # every file of the folders is in the table: a new sample cannot go unjudged
    assert sorted(str(p.relative_to(base)) for p in base.glob("*/*.yaml")) == sorted(expected)


@needs_shared
def test_validator_samples_get_the_verdicts_of_the_go_tests():
    assert_go_tests(SHARED, SHARED_EXPECTED, "registry-intel.yaml")


@needs_shared
def test_validate_bytes_of_the_valid_registry_file():
    # TestValidateBytes: Validate(valid/registry-intel.yaml) gives no error
    catalog = load_catalog([SHARED / "valid" / "registry-intel.yaml"])
    assert [f for f in check_catalog(catalog) if f.severity == ERROR] == []
    assert sorted(catalog.registries) == ["fictitious", "intel-harbor"]


@needs_shared
def test_the_samples_that_pass_only_because_nested_objects_are_open():
    catalog, results = judge([SHARED / "valid"])
    assert results["application-librespeed.yaml"] == [] and results["deployment-package.yaml"] == []
    warnings = [(Path(f.source).name, f.rule, format_path(f.path)) for f in check_catalog(catalog)
                if f.rule == "ignored-field"]
    assert ("application-librespeed.yaml", "ignored-field",
            "profiles[0].deploymentRequirement[0].publisher") in warnings
    assert ("deployment-package.yaml", "ignored-field", "artifacts[0].publisher") in warnings


def test_own_files_get_the_same_verdicts():
    assert_go_tests(OWN, OWN_EXPECTED, "registries.yaml")


def test_own_files_mirror_the_shared_samples_one_for_one():
    assert len(OWN_EXPECTED) == len(SHARED_EXPECTED)
    verdicts = sorted((name.split("/")[0], places is None, bool(places)) for name, places in OWN_EXPECTED.items())
    assert verdicts == sorted((name.split("/")[0], places is None, bool(places))
                              for name, places in SHARED_EXPECTED.items())


def test_the_upload_would_skip_the_foreign_file_the_validator_rejects():
    catalog, results = judge([OWN / "invalid" / "foreign-file.yaml"])
    (checked,) = catalog.checked_files
    assert (checked.by_validator, checked.by_upload) == (True, False)
    assert results == {"foreign-file.yaml": ["document 1 has no specSchema"]}
