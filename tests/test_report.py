"""One located problem record (Diagnostic) and one reporter: text, JSON and SARIF 2.1.0 (schema-validated)."""

from __future__ import annotations

import json
import re
import shutil
import string
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from profile_render.checks.manifests import RULE_INFO, RULES as MANIFEST_RULES, ManifestFinding, check_manifests
from profile_render.cli import main
from profile_render.errors import ProfileRenderError, StrictModeError, ValuesWarning
from profile_render.findings import Finding
from profile_render.orchestrator.catalog import RULES as CATALOG_RULES
from profile_render.orchestrator.lint import LINT_RULES, RULES as LINT_RULE_INFO, format_findings, lint
from profile_render.problems import Diagnostic, Location, Rule
from profile_render.report import (
    SARIF_SCHEMA_URI,
    artifact_uri,
    error_text,
    format_json,
    format_text,
    line_text,
    report,
    sarif_log,
    to_dict,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
EXAMPLE_PACKAGE = ROOT / "examples" / "edge-package"
TOKEN = "EXAMPLE-not-a-real-token-0000"  # the example registry's (fake) authToken: never in any report

# -- validating SARIF against the official schema -------------------------------------------------------

# RFC 3986 characters: unreserved, reserved (gen-delims and sub-delims) and "%" of a percent-encoding.
_URI_CHARS = set(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def _is_uri_reference(text: object) -> bool:
    """Whether text is an RFC 3986 URI reference: only URI characters, well-formed %XX, a valid scheme if any."""
    if not isinstance(text, str):
        return True  # formats only constrain strings
    if not set(text) <= _URI_CHARS or re.search(r"%(?![0-9A-Fa-f]{2})", text):
        return False
    head = text.split("/", 1)[0]
    if ":" in head:  # a scheme, or a colon where a relative reference must not have one
        return bool(_SCHEME.fullmatch(head.split(":", 1)[0]))
    return True


def _is_uri(text: object) -> bool:
    return not isinstance(text, str) or (_is_uri_reference(text) and bool(urlsplit(text).scheme)
                                         and bool(_SCHEME.fullmatch(urlsplit(text).scheme)))


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker()
    checker.checks("uri")(_is_uri)
    checker.checks("uri-reference")(_is_uri_reference)
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def assert_valid_sarif(log: object) -> None:
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_stored_schema_is_the_official_sarif_2_1_0_schema():
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    assert len(text) == 112_768
    schema = json.loads(text)
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["id"] == SARIF_SCHEMA_URI
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    jsonschema.Draft4Validator.check_schema(schema)
    assert "commit" in (SCHEMA_FILE.parent / "README.md").read_text()


def test_the_validator_catches_bad_logs():
    good = sarif_log([Diagnostic("r", "error", "m", "a b.yaml", 1, 2)], rules=[Rule("r", "error", "s")])
    assert_valid_sarif(good)
    validator = sarif_validator()
    bad_level = json.loads(json.dumps(good))
    bad_level["runs"][0]["results"][0]["level"] = "info"
    bad_region = json.loads(json.dumps(good))
    bad_region["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    bad_uri = json.loads(json.dumps(good))
    bad_uri["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.yaml"
    for log in (bad_level, bad_region, bad_uri, {"version": "2.1.0"}):
        assert not validator.is_valid(log)


# -- the record ----------------------------------------------------------------------------------------

def test_the_old_record_names_are_one_record():
    assert Finding is Diagnostic
    warning = ValuesWarning("duplicate-key", "dup", source="v.yaml", line=3, column=1, path=("a",), hint="h")
    finding = ManifestFinding("misplaced-field", "error", 0, "Pod", "p", ("spec",), "m", "f")
    assert isinstance(warning, Diagnostic) and isinstance(finding, Diagnostic)
    assert (warning.rule, warning.code, warning.severity) == ("duplicate-key", "duplicate-key", "warning")
    assert (finding.hint, finding.fix, finding.document, finding.kind, finding.name) == ("f", "f", 0, "Pod", "p")
    same = Diagnostic("misplaced-field", "error", "m", path=("spec",), hint="f", document=0, kind="Pod", name="p")
    assert finding == same and hash(finding) == hash(same)
    assert warning.evolve(severity="error") == Diagnostic("duplicate-key", "error", "dup", "v.yaml", 3, 1, ("a",), "h")
    assert type(warning.evolve()) is Diagnostic
    with pytest.raises(ValueError):
        Diagnostic("r", "fatal", "m")
    with pytest.raises(Exception):
        warning.rule = "x"  # type: ignore[misc]
    assert Diagnostic("r", "info", "m", path=["a", 0]).path == ("a", 0)  # type: ignore[arg-type]


def test_errors_carry_their_record():
    error = ProfileRenderError("bad value", source="v.yaml", line=2, column=5, path=("a", 0), hint="fix it")
    d = error.diagnostic
    assert (d.rule, d.severity, d.message, d.source, d.line, d.column, d.path, d.hint) == (
        None, "error", "bad value", "v.yaml", 2, 5, ("a", 0), "fix it")
    assert (error.problem, error.source, error.line, error.column, error.path, error.hint) == (
        "bad value", "v.yaml", 2, 5, ("a", 0), "fix it")
    assert str(error) == "v.yaml:2:5: bad value (at value path a[0]). Hint: fix it" == error_text(d)
    assert str(ProfileRenderError("x", source="s", column=4)) == "s (column 4): x"
    assert str(ProfileRenderError("x")) == "x"
    assert error.location == Location("v.yaml", 2, 5)
    with pytest.raises(AttributeError):
        error.hint = "another"  # type: ignore[misc]
    strict = StrictModeError(ValuesWarning("table-conflict", "w", path=("a",)))
    assert strict.diagnostic.rule == "table-conflict" and strict.diagnostic.severity == "error"
    assert str(strict) == "w (at value path a). Hint: this is an error because strict mode is on"


# -- text and JSON -------------------------------------------------------------------------------------

def test_text_lines():
    assert line_text(Diagnostic("unknown-key", "warning", "k is unknown", "v.yaml", 6, 1, ("k",), "did you mean")) \
        == "v.yaml:6:1: warning: k is unknown (at k). Hint: did you mean [unknown-key]"
    assert line_text(Diagnostic("r", "info", "m", "v.yaml")) == "v.yaml: info: m [r]"
    assert line_text(Diagnostic(None, "error", "m")) == "error: m"
    assert line_text(ManifestFinding("misplaced-field", "error", 2, "", "", (), "m", "f", source="out.yaml")) \
        == "out.yaml (document 2): error: object: m. Fix: f [misplaced-field]"
    long = tuple(f"k{i}" for i in range(20))
    assert "(at k0.k1.k2.k3.k4.k5...k14.k15.k16.k17.k18.k19)" in line_text(Diagnostic("r", "error", "m", path=long))
    assert format_text([Diagnostic("r", "error", "m")], prefix="app: ") == "app: error: m [r]\n"


def test_json_keeps_the_fields_lint_and_check_manifests_emitted():
    # every key lint and check-manifests printed before keeps its value; one fixed key set for both
    finding = Diagnostic("unknown-key", "warning", "m", "v.yaml", 1, 2, ("a", 0), "h")
    assert {k: to_dict(finding)[k] for k in ("rule", "severity", "message", "source", "line", "column", "path",
                                             "hint")} == {"rule": "unknown-key", "severity": "warning",
                                                          "message": "m", "source": "v.yaml", "line": 1,
                                                          "column": 2, "path": "a[0]", "hint": "h"}
    manifest = ManifestFinding("r", "error", 1, "Pod", "web", ("spec",), "m", "f", "out.yaml", 3, 4)
    assert {k: to_dict(manifest)[k] for k in ("rule", "severity", "document", "kind", "name", "path", "message",
                                              "fix", "source", "line", "column")} == {
        "rule": "r", "severity": "error", "document": 1, "kind": "Pod", "name": "web", "path": "spec",
        "message": "m", "fix": "f", "source": "out.yaml", "line": 3, "column": 4}
    assert list(to_dict(finding)) == list(to_dict(manifest)) == [
        "rule", "code", "severity", "message", "source", "line", "column", "path", "pathParts", "hint", "fix",
        "document", "kind", "name", "related"]
    assert to_dict(finding)["pathParts"] == ["a", 0] and to_dict(finding)["document"] is None
    assert to_dict(manifest)["hint"] == "f" and to_dict(finding)["fix"] == "h"
    assert json.loads(format_json([finding, manifest])) == [to_dict(finding), to_dict(manifest)]
    assert format_findings([finding], "json") == format_json([finding])


# -- SARIF ---------------------------------------------------------------------------------------------

def test_artifact_uris():
    assert artifact_uri("pkg/app values.yaml") == "pkg/app%20values.yaml"
    assert artifact_uri("a#b?.yaml") == "a%23b%3F.yaml"
    assert artifact_uri("c:d.yaml") == "c%3Ad.yaml"
    assert artifact_uri("/tmp/x y/out.yaml") == "file:///tmp/x%20y/out.yaml"
    assert artifact_uri("<stdin>") is None and artifact_uri("--set a=b") is None and artifact_uri("") is None


def test_sarif_results_point_at_rules_files_regions_and_paths():
    rules = [Rule("a", "error", "finds a"), Rule("b", None, "finds b", "more about b")]
    diagnostics = [
        Diagnostic("a", "error", "m1", "dir/v.yaml", 3, 7, ("x", 1), "h"),
        ManifestFinding("b", "info", 0, "Deployment", "web", ("spec",), "m2", "f", "<stdin>", 2, 1),
        ValuesWarning("c", "m3", source="v.yaml", line=4, related=[Location("v.yaml", 2, 1), Location("<string>")]),
        Diagnostic(None, "warning", "m4"),
    ]
    log = sarif_log(diagnostics, rules=rules)
    assert_valid_sarif(log)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "profile-render"
    assert run["tool"]["driver"]["rules"] == [
        {"id": "a", "shortDescription": {"text": "finds a"}, "defaultConfiguration": {"level": "error"}},
        {"id": "b", "shortDescription": {"text": "finds b"}, "fullDescription": {"text": "more about b"}}]
    first, second, third, fourth = run["results"]
    assert (first["ruleId"], first["ruleIndex"], first["level"]) == ("a", 0, "error")
    assert first["message"]["text"] == "m1 (at x[1]). Hint: h"
    assert first["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "dir/v.yaml"},
                                                         "region": {"startLine": 3, "startColumn": 7}}
    assert first["locations"][0]["logicalLocations"] == [{"kind": "property", "name": "1", "fullyQualifiedName": "x[1]"}]
    assert first["properties"] == {"path": "x[1]", "hint": "h"}
    assert (second["ruleIndex"], second["level"]) == (1, "note")
    assert "physicalLocation" not in second["locations"][0]  # stdin is no artifact
    assert second["locations"][0]["logicalLocations"][0] == {"kind": "resource", "name": "web",
                                                             "fullyQualifiedName": "Deployment/web"}
    assert second["properties"] == {"path": "spec", "document": 0, "kind": "Deployment", "name": "web", "fix": "f"}
    assert "ruleIndex" not in third and third["relatedLocations"] == [
        {"id": 0, "physicalLocation": {"artifactLocation": {"uri": "v.yaml"}, "region": {"startLine": 2,
                                                                                      "startColumn": 1}}}]
    assert third["locations"][0]["physicalLocation"]["region"] == {"startLine": 4}
    assert fourth == {"level": "warning", "message": {"text": "m4"}}
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert sarif_log([], failed=True)["runs"][0]["invocations"] == [{"executionSuccessful": False}]
    with pytest.raises(ValueError):
        report(diagnostics, "xml")


def _broken_package(tmp_path: Path) -> Path:
    package = tmp_path / "pkg"
    shutil.copytree(EXAMPLE_PACKAGE, package)
    values = package / "web-app-values.yaml"
    values.write_text(values.read_text().replace("'%GeneratedDockerCredential%'", "'%GeneratedDockerCredentials%'")
                      + "hook:\n  enabled: true\n")
    app = package / "web-app-app.yaml"
    app.write_text(app.read_text().replace('chartVersion: "0.1.0"', 'chartVersion: "0.1.0"\ndeploymentRequirement: []'))
    return package


def test_lint_sarif_validates_and_matches_the_findings(tmp_path, capsys):
    package = _broken_package(tmp_path)
    findings = lint([package], registry_files=[package / "registries.yaml"])
    assert {"placeholder-typo", "duplicate-key"} <= {f.rule for f in findings}
    code = main(["lint", str(package), "--registry", str(package / "registries.yaml"), "--format", "sarif"])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    log = json.loads(out)
    assert_valid_sarif(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.id for r in LINT_RULE_INFO]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        (f.rule, {"error": "error", "warning": "warning", "info": "note"}[f.severity]) for f in findings]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///")
    assert TOKEN not in out
    for fmt in ("text", "json"):
        main(["lint", str(package), "--registry", str(package / "registries.yaml"), "--format", fmt])
        assert TOKEN not in "".join(capsys.readouterr())


MANIFESTS = """\
apiVersion: cdi.kubevirt.io/v1beta1
kind: DataVolume
metadata:
  name: disk
spec:
  source:
    registry:
      url: "registry.example.com:5000/vms/ubuntu:22.04"
  storage: {}
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  imagePullSecrets:
    - name: "%GeneratedDockerCredentials%"
  containers:
    - name: p
      image: nginx
"""


def test_check_manifests_sarif_validates_for_files_and_stdin(tmp_path, capsys, monkeypatch):
    path = tmp_path / "out.yaml"
    path.write_text(MANIFESTS)
    argv = ["check-manifests", str(path), "--private-registry", "registry.example.com:5000", "--format", "sarif"]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    log = json.loads(out)
    assert_valid_sarif(log)
    run = log["runs"][0]
    findings = check_manifests(MANIFESTS, private_registries=["registry.example.com:5000"], source=str(path))
    assert [r["ruleId"] for r in run["results"]] == [f.rule for f in findings]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == set(MANIFEST_RULES)
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": path.as_uri()}, "region": {"startLine": findings[0].line,
                                                              "startColumn": findings[0].column}}
    assert first["properties"]["kind"] == "DataVolume" and first["properties"]["document"] == 0
    assert {"datavolume-url-scheme", "datavolume-missing-secret-ref", "leftover-placeholder"} <= {
        r["ruleId"] for r in run["results"]}

    class Stdin:
        buffer = __import__("io").BytesIO(MANIFESTS.encode())

    monkeypatch.setattr("sys.stdin", Stdin)
    assert main(["check-manifests", "-", "--private-registry", "registry.example.com:5000", "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    assert_valid_sarif(log)
    assert all("physicalLocation" not in r["locations"][0] for r in log["runs"][0]["results"])


def test_an_input_error_still_gives_a_valid_sarif_log(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Pod\nmetadata: [\n")
    code = main(["check-manifests", str(broken), "--format", "sarif"])
    out, err = capsys.readouterr()
    assert code == 1 and f"{broken}:3:1" in err
    log = json.loads(out)
    assert_valid_sarif(log)
    (result,) = log["runs"][0]["results"]
    assert result["level"] == "error" and "ruleId" not in result
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 1}
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": False}]
    for fmt in ("text", "json"):  # these keep stdout empty on an input error, as before
        assert main(["check-manifests", str(broken), "--format", fmt]) == 1
        assert capsys.readouterr().out == ""


# -- the rule tables -----------------------------------------------------------------------------------

def test_lint_rule_table_covers_the_catalog_and_lint_rules():
    ids = [rule.id for rule in LINT_RULE_INFO]
    assert len(ids) == len(set(ids)) and set(ids) == set(CATALOG_RULES) | set(LINT_RULES)
    by_id = {rule.id: rule for rule in LINT_RULE_INFO}
    for rule, severity in CATALOG_RULES.items():
        assert by_id[rule].severity == (None if severity == "varies" else severity)
    for rule, severity in LINT_RULES.items():
        assert by_id[rule].severity == severity
    doc = (ROOT / "docs" / "lint-rules.md").read_text()
    for rule in LINT_RULE_INFO:
        assert f"| `{rule.id}` |" in doc and rule.summary


def test_manifest_rule_info_mirrors_rules():
    assert [(r.id, r.severity, r.summary) for r in RULE_INFO] == [(k, s, t) for k, (s, t) in MANIFEST_RULES.items()]
    assert all(r.description and "``" not in r.description for r in RULE_INFO)
