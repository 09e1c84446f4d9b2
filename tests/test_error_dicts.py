"""The JSON form of errors and findings: to_dict()/to_json(), their JSON Schemas, and no secret in any form.

Every error and finding here is made by the real code path a service would
call (loading, merging, rendering, validating, checking, linting), then its
dict is validated against ``schemas/error.schema.json`` or
``schemas/diagnostic.schema.json`` with jsonschema. Canary secrets (a
registry password, secret parameter values, a Secret's data, a catalog
registry's token) go into inputs that make errors and findings; no form of
them (dict, JSON, str, repr) may show a canary, in clear or base64.
"""

from __future__ import annotations

import base64
import copy
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from profile_render import (
    ChartError,
    DeploymentContext,
    Diagnostic,
    ImageRegistry,
    LimitExceededError,
    Limits,
    Location,
    MergeError,
    PathNotFoundError,
    ProfileRenderError,
    Secret,
    SetSyntaxError,
    StrictModeError,
    ValuesSyntaxError,
    ValuesTypeError,
    load_chart,
    load_values,
    load_values_file,
    merge_values,
    render,
)
from profile_render.checks.inputs import CheckInputError, RenderShapeError, private_registry_host
from profile_render.checks.manifests import check_manifests
from profile_render.checks.read import ManifestError
from profile_render.errors import error_types
from profile_render.files import Cap, FileError, read_file
from profile_render.helm.schema import InvalidSchemaError, SchemaRefError, SchemaValidationError
from profile_render.helm.setvalues import parse_set
from profile_render.orchestrator.lint import lint
from profile_render.orchestrator.model import ContextError, RegistryError
from profile_render.orchestrator.package import PackageError, render_package
from profile_render.orchestrator.params import ParameterError, ParameterTemplate
from profile_render.orchestrator.placeholders import PlaceholderError
from profile_render.problems import ManifestFinding, ValuesWarning, format_path
from profile_render.report import format_json, path_parts

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
ADM_PACKAGE = ROOT / "tests" / "data" / "adm-package"
ADM_CHART = ROOT / "tests" / "data" / "adm-chart"
ADM_TOKEN = "CANARY-adm-token-71d0"  # the image registry's authToken in tests/data/adm-package/package.yaml
PASSWORD = "CANARY-registry-pass-4f1e"
PARAMETER = "CANARY-secret-param-93ab"
CONTEXT = DeploymentContext(app_name="app", app_version="1.0.0", deployment_name="deployment-abc12",
                            namespace="apps", org="acme", project="edge")


def _schema_documents() -> Dict[str, Dict[str, Any]]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS.glob("*.schema.json"))}


def _validators() -> Tuple[Draft202012Validator, Draft202012Validator]:
    documents = _schema_documents()
    registry: Any = Registry().with_resources(
        (doc["$id"], DRAFT202012.create_resource(doc)) for doc in documents.values())
    diagnostic = Draft202012Validator(documents["diagnostic.schema.json"], registry=registry)
    error = Draft202012Validator(documents["error.schema.json"], registry=registry)
    return diagnostic, error


DIAGNOSTIC_SCHEMA, ERROR_SCHEMA = _validators()


def _chart(root: Path, values: str = "a: 1\n", schema: Any = None, subchart: bool = False) -> Path:
    """A small chart directory (optionally with a values.schema.json and a subchart ``sub``)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\n")
    (root / "values.yaml").write_text(values)
    if schema is not None:
        (root / "values.schema.json").write_text(schema if isinstance(schema, str) else json.dumps(schema))
    if subchart:
        sub = root / "charts" / "sub"
        sub.mkdir(parents=True)
        (sub / "Chart.yaml").write_text("apiVersion: v2\nname: sub\nversion: 0.1.0\n")
        (sub / "values.yaml").write_text("x: 1\n")
        (sub / "values.schema.json").write_text(json.dumps({"properties": {"x": {"type": "integer"}}}))
    return root


def _raised(action: Callable[[], Any]) -> ProfileRenderError:
    with pytest.raises(ProfileRenderError) as info:
        action()
    return info.value


def _broken_package(tmp_path: Path, edit: Callable[[str], str], name: str = "svc-app.yaml") -> Path:
    package = tmp_path / "package"
    shutil.copytree(ADM_PACKAGE, package)
    target = package / name
    target.write_text(edit(target.read_text()))
    return package


# -- errors from real code paths -----------------------------------------------------------------------

def _schema_violations(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"port": {"type": "integer", "minimum": 1}, "mode": {"enum": ["a"]}},
              "required": ["name"]}
    chart = _chart(tmp_path / "c", "port: 1\nmode: a\n", schema, subchart=True)
    from profile_render.helm.schema import validate_values

    merged = merge_values(chart, [load_values("port: 0\nmode: b\nsub:\n  x: text\n", source="over.yaml")])
    validate_values(merged.chart, merged.values, origin=merged.origin)


ERRORS: Dict[str, Tuple[type, Callable[[Path], Any]]] = {
    "values-syntax": (ValuesSyntaxError, lambda t: load_values("a: [1\nb: 2\n", source="v.yaml")),
    "values-type": (ValuesTypeError, lambda t: load_values("- 1\n", source="v.yaml")),
    "limit": (LimitExceededError, lambda t: load_values("a: {b: {c: {d: 1}}}\n", limits=Limits(max_depth=2))),
    "set-syntax": (SetSyntaxError, lambda t: parse_set("a[x]=1")),
    "chart": (ChartError, lambda t: load_chart(_chart(t / "c").parent / "nowhere" / "chart.tgz")),
    "file": (FileError, lambda t: read_file(t / "missing.yaml", cap=Cap(100), what="the values file")),
    "values-file": (ValuesSyntaxError, lambda t: load_values_file(t / "missing.yaml")),
    "merge": (MergeError, lambda t: merge_values(_chart(t / "c", subchart=True), [{"sub": 5}])),
    "strict": (StrictModeError, lambda t: merge_values(_chart(t / "c"), [load_values("a: 1\na: 2\n",
                                                                                      source="dup.yaml")],
                                                       strict=True)),
    "path-not-found": (PathNotFoundError, lambda t: merge_values(_chart(t / "c")).value("a.b")),
    "registry": (RegistryError, lambda t: ImageRegistry(name="r", root_url="ftp://registry.example.com/x",
                                                        username="u", password=Secret(PASSWORD))),
    "context": (ContextError, lambda t: DeploymentContext(app_name="", app_version="1", deployment_name="d",
                                                          namespace="n", org="o", project="p")),
    "placeholder": (PlaceholderError, lambda t: render(
        _chart(t / "c"), {"pull": "%GeneratedDockerCredentials%"}, context=CONTEXT,
        registry=ImageRegistry(name="r", root_url="oci://registry.example.com/x", username="u",
                               password=Secret(PASSWORD)))),
    "parameter": (ParameterError, lambda t: render(
        _chart(t / "c"), {"a": 1}, context=CONTEXT,
        parameter_templates=[ParameterTemplate(name="a", type="number", secret=True, source="app.yaml", line=9,
                                               column=7)],
        parameters={"a": PARAMETER})),
    "schema-violations": (SchemaValidationError, _schema_violations),
    "schema-ref": (SchemaRefError, lambda t: render(
        _chart(t / "c", schema={"$ref": "https://schemas.example.com/v.json"}), {}, context=CONTEXT)),
    "invalid-schema": (InvalidSchemaError, lambda t: render(_chart(t / "c", schema='{"type": 5}'), {},
                                                            context=CONTEXT)),
    "package": (PackageError, lambda t: render_package(
        _broken_package(t, lambda text: text.replace("chartName: adm-chart", "chartName: 5")),
        charts={"svc": ADM_CHART, "side": ADM_CHART}, deployment_name="deployment-abc12")),
    "manifest": (ManifestError, lambda t: check_manifests("kind: [\n", source="out.yaml")),
    "check-input": (CheckInputError, lambda t: private_registry_host("bad host/ x", source="--private-registry")),
    "render-shape": (RenderShapeError, lambda t: check_manifests([], render={"values": {}, "manifests": 5})),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_every_error_has_a_json_form_its_schema_describes(name: str, tmp_path: Path) -> None:
    kind, action = ERRORS[name]
    error = _raised(lambda: action(tmp_path))
    assert isinstance(error, kind), repr(error)
    data = error.to_dict()
    ERROR_SCHEMA.validate(data)
    assert json.loads(error.to_json()) == data and json.loads(error.to_json(indent=None)) == data
    assert data["type"] == type(error).__name__
    assert data["errorTypes"] == error_types(type(error)) and data["errorTypes"][-1] == "ProfileRenderError"
    assert data["text"] == str(error)
    assert (data["message"], data["source"], data["line"], data["column"], data["hint"]) == (
        error.problem, error.source, error.line, error.column, error.hint)
    assert data["severity"] == "error" and data["rule"] == error.diagnostic.rule
    if error.path:
        assert data["path"] == format_path(error.path) and data["pathParts"] == path_parts(error.path)
    else:
        assert data["path"] is None and data["pathParts"] is None
    assert error.to_dict() is not error.to_dict()  # a fresh dict each time: the caller owns it


def test_error_forms_carry_what_their_kind_adds(tmp_path: Path) -> None:
    violations = _raised(lambda: _schema_violations(tmp_path / "v"))
    assert isinstance(violations, SchemaValidationError)
    data = violations.to_dict()
    assert data["complete"] is True
    found = {(v["path"], v["keyword"]): v for v in data["violations"]}
    assert set(found) == {("port", "minimum"), ("mode", "enum"), (None, "required"), ("sub.x", "type")}
    assert found[("sub.x", "type")]["pathParts"] == ["sub", "x"]
    assert found[("sub.x", "type")]["chart"] == "demo/sub"
    assert found[("sub.x", "type")]["schemaPath"][-1] == "type"
    assert found[("port", "minimum")]["origin"] == {"layer": "values file", "source": "over.yaml", "line": 1,
                                                   "column": 1}
    assert found[(None, "required")]["pathParts"] == []
    assert "schemaSource" in found[("mode", "enum")]

    strict = _raised(lambda: ERRORS["strict"][1](tmp_path / "s"))
    assert isinstance(strict, StrictModeError)
    sdata = strict.to_dict()
    assert sdata["rule"] == "duplicate-key" == sdata["warning"]["rule"]
    assert sdata["warning"]["severity"] == "warning" and sdata["warning"]["source"] == "dup.yaml"
    assert sdata["line"] == sdata["warning"]["line"] == 2
    DIAGNOSTIC_SCHEMA.validate(sdata["warning"])

    ref = _raised(lambda: ERRORS["schema-ref"][1](tmp_path / "r"))
    assert ref.to_dict()["ref"] == "https://schemas.example.com/v.json"
    invalid = _raised(lambda: ERRORS["invalid-schema"][1](tmp_path / "i"))
    assert isinstance(invalid, InvalidSchemaError) and invalid.to_dict()["details"] == list(invalid.details)

    package = _raised(lambda: ERRORS["package"][1](tmp_path / "p"))
    assert isinstance(package, PackageError) and package.findings
    pdata = package.to_dict()
    assert [f["rule"] for f in pdata["findings"]] == [f.rule for f in package.findings]
    for finding in pdata["findings"]:
        DIAGNOSTIC_SCHEMA.validate(finding)
        assert finding["source"] and finding["source"].endswith("svc-app.yaml") and finding["line"]


def test_errors_are_read_only_records(tmp_path: Path) -> None:
    error = _raised(lambda: ERRORS["schema-violations"][1](tmp_path))
    assert isinstance(error, SchemaValidationError) and isinstance(error.violations, tuple)
    for field in ("diagnostic", "source", "line", "column", "path", "problem", "hint"):
        with pytest.raises(AttributeError):
            setattr(error, field, None)
    with pytest.raises(AttributeError):
        error.violations[0].message = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        error.diagnostic.message = "changed"  # type: ignore[misc]
    package = _raised(lambda: ERRORS["package"][1](tmp_path / "p"))
    assert isinstance(package, PackageError) and isinstance(package.findings, tuple)
    invalid = _raised(lambda: ERRORS["invalid-schema"][1](tmp_path / "i"))
    assert isinstance(invalid, InvalidSchemaError) and isinstance(invalid.details, tuple)


# -- findings and warnings -----------------------------------------------------------------------------

def _findings(tmp_path: Path) -> Iterator[Tuple[str, Diagnostic]]:
    loaded = load_values("a: 1\nb:\n  c: 1\na: 2\n", source="dup.yaml")
    for warning in loaded.warnings:
        yield "values-warning", warning
    merged = merge_values(_chart(tmp_path / "c", "t:\n  x: 1\n"), [load_values("t: text\n", source="o.yaml")])
    for warning in merged.warnings:
        yield "merge-warning", warning
    broken = _broken_package(tmp_path, lambda text: text.replace("chartName: adm-chart", "chartName: 5")
                             .replace("type: string", "type: strin"))
    for finding in lint(broken, charts={"svc": ADM_CHART}):
        yield "lint", finding
    manifests = [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "apps"},
                  "spec": {"template": {"spec": {"containers": [{"name": "c",
                                                                 "image": "registry.example.com/t/a:1"}]}}}},
                 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                  "spec": {"imagePullSecrets": ["x"], "containers": []}}]
    for finding in check_manifests(manifests, private_registries=["registry.example.com"], source="out.yaml"):
        yield "manifest", finding
    yield "constructed-manifest", ManifestFinding("r", "info", 0, "Pod", "", ("spec", 3), "m", "f")
    yield "related", ValuesWarning("c", "m", "a.yaml", 2, 1, ("k.x", "y[0]"), "h",
                                   related=[Location("a.yaml", 1, 1)])


def test_every_finding_has_a_json_form_its_schema_describes(tmp_path: Path) -> None:
    seen = set()
    for origin, finding in _findings(tmp_path):
        seen.add(origin)
        data = finding.to_dict()
        DIAGNOSTIC_SCHEMA.validate(data)
        assert json.loads(finding.to_json()) == data
        assert (data["rule"], data["code"], data["severity"], data["message"]) == (
            finding.rule, finding.rule, finding.severity, finding.message)
        assert (data["source"], data["line"], data["column"]) == (finding.source, finding.line, finding.column)
        assert data["hint"] == data["fix"] == finding.hint
        assert (data["document"], data["kind"], data["name"]) == (finding.document, finding.kind, finding.name)
        assert data["related"] == [{"source": r.source, "line": r.line, "column": r.column} for r in finding.related]
        if finding.path:
            assert data["path"] == format_path(finding.path) and data["pathParts"] == path_parts(finding.path)
    assert seen == {"values-warning", "merge-warning", "lint", "manifest", "constructed-manifest", "related"}
    everything = [finding for _, finding in _findings(tmp_path / "again")]
    assert json.loads(format_json(everything)) == [f.to_dict() for f in everything]


def test_path_parts_keep_keys_as_text_and_indexes_as_integers() -> None:
    finding = Diagnostic("r", "warning", "m", path=("a.b", 0, True, "c[1]", 2 ** 70))
    data = finding.to_dict()
    assert data["pathParts"] == ["a.b", 0, "True", "c[1]", str(2 ** 70)]
    assert data["path"] == "a\\.b[0].True.c\\[1\\][1180591620717411303424]"
    DIAGNOSTIC_SCHEMA.validate(data)
    huge = 10 ** 5000  # more digits than Python turns into text: named by its size, never a crash
    text = Diagnostic("r", "warning", "m", path=(huge,)).to_json()
    assert "an integer of about" in text


def test_render_and_package_warnings_use_the_diagnostic_form(tmp_path: Path) -> None:
    result = render(_chart(tmp_path / "c", "t:\n  x: 1\n"), load_values("t: 1\nt: 2\n", source="p.yaml"),
                    context=CONTEXT)
    assert result.warnings
    assert result.to_dict()["warnings"] == [w.to_dict() for w in result.warnings]
    for warning in result.to_dict()["warnings"]:
        DIAGNOSTIC_SCHEMA.validate(warning)
    # the inline copies in the output schemas are the diagnostic's fields, closed
    fields = dict(json.loads((SCHEMAS / "diagnostic.schema.json").read_text())["$defs"]["fields"])
    fields.pop("description")
    render_schema = json.loads((SCHEMAS / "render-result.schema.json").read_text())
    package_schema = json.loads((SCHEMAS / "package-render.schema.json").read_text())
    for items in (render_schema["properties"]["warnings"]["items"],
                  package_schema["$defs"]["application"]["properties"]["warnings"]["items"]):
        items = dict(items)
        assert items.pop("description") and items.pop("additionalProperties") is False
        assert items == fields


def test_the_schemas_are_valid_draft_2020_12_with_ids_and_descriptions() -> None:
    for name, document in _schema_documents().items():
        # the catalog's patterns are Go's (\PC), which Python's re cannot check: no format checks here
        Draft202012Validator.check_schema(document, format_checker=None)
        assert document["$id"] == "https://profile-render.invalid/schemas/" + name
    for name in ("diagnostic.schema.json", "error.schema.json"):
        document = _schema_documents()[name]
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["description"] and document["unevaluatedProperties"] is False
    fields = _schema_documents()["diagnostic.schema.json"]["$defs"]["fields"]["properties"]
    assert all(spec.get("description") for spec in fields.values())
    # a key the form does not have is refused: the shape is fixed
    extra = Diagnostic("r", "warning", "m").to_dict()
    extra["value"] = "x"
    assert not DIAGNOSTIC_SCHEMA.is_valid(extra)
    missing = Diagnostic("r", "warning", "m").to_dict()
    del missing["pathParts"]
    assert not DIAGNOSTIC_SCHEMA.is_valid(missing)


def _worktree_schemas_module(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``profile_render.schemas`` as this checkout ships it (an editable install may map it to another checkout)."""
    import profile_render.schemas as installed

    if Path(installed.__file__).resolve().parent == SCHEMAS:
        return installed
    spec = importlib.util.spec_from_file_location("profile_render.schemas", SCHEMAS / "__init__.py",
                                                  submodule_search_locations=[str(SCHEMAS)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "profile_render.schemas", module)
    spec.loader.exec_module(module)
    return module


def test_schemas_api_loads_every_shipped_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    schemas = _worktree_schemas_module(monkeypatch)
    documents = _schema_documents()
    assert schemas.names() == sorted(name[: -len(".schema.json")] for name in documents)
    assert {"diagnostic", "error", "render-result", "package-render"} <= set(schemas.names())
    for name, document in documents.items():
        assert schemas.load(name) == document == schemas.load(name[: -len(".schema.json")])
    first = schemas.load("diagnostic")
    first["title"] = "changed"
    assert schemas.load("diagnostic")["title"] != "changed"  # a fresh dict each time
    for wrong in ("nosuch", "../pyproject", "diagnostic.json"):
        with pytest.raises(KeyError) as info:
            schemas.load(wrong)
        assert isinstance(info.value, ProfileRenderError)
        assert str(info.value) == (f"no schema named {wrong!r} is shipped with profile-render. Hint: use one of: "
                                   + ", ".join(schemas.names()))
        ERROR_SCHEMA.validate(info.value.to_dict())
    with pytest.raises(TypeError):
        schemas.load(None)
    registry: Any = Registry().with_resources(
        (uri, DRAFT202012.create_resource(doc)) for uri, doc in schemas.resources())
    Draft202012Validator(schemas.load("error"), registry=registry).validate(
        ProfileRenderError("m", source="f.yaml", line=1, column=2, path=("a", 0), hint="h").to_dict())


# -- secrets ---------------------------------------------------------------------------------------------

def _secret_forms(*canaries: str) -> List[str]:
    """Each canary in clear and base64 (as a Secret's data holds it, alone and in a .dockerconfigjson)."""
    out = []
    for canary in canaries:
        out += [canary, base64.b64encode(canary.encode()).decode(),
                base64.b64encode(f"robot:{canary}".encode()).decode()]
    return out


def _assert_never_shown(item: Any, *canaries: str) -> None:
    texts = [json.dumps(item.to_dict()), item.to_json(), item.to_json(indent=None), str(item), repr(item)]
    if isinstance(item, ProfileRenderError):
        texts += [repr(item.args), repr(item.diagnostic), error_text_of(item)]
    for text in texts:
        for secret in _secret_forms(*canaries):
            assert secret not in text, (type(item).__name__, text[:300])


def error_text_of(error: ProfileRenderError) -> str:
    from profile_render.report import report

    return report([error.diagnostic], "sarif") + report([error.diagnostic], "json")


def _registry() -> ImageRegistry:
    return ImageRegistry(name="harbor", root_url="oci://registry.example.com/acme", username="robot",
                         password=Secret(PASSWORD))


def test_secret_parameters_never_reach_a_schema_error(tmp_path: Path) -> None:
    schema = {"properties": {"token": {"type": "integer", "enum": [1, 2], "minLength": 40},
                             "nested": {"properties": {"key": {"pattern": "^x$"}}}}}
    chart = _chart(tmp_path / "c", "token: 1\nnested:\n  key: x\n", schema)
    templates = [ParameterTemplate(name="token", secret=True, source="app.yaml", line=3, column=5),
                 ParameterTemplate(name="nested.key", secret=True)]
    error = _raised(lambda: render(chart, {"token": 1, "nested": {"key": "x"}}, context=CONTEXT,
                                   registry=_registry(), parameter_templates=templates,
                                   parameters={"token": PARAMETER, "nested.key": PARAMETER + "-2"}))
    assert isinstance(error, SchemaValidationError) and len(error.violations) == 4
    assert {v["path"] for v in error.to_dict()["violations"]} == {"token", "nested.key"}
    ERROR_SCHEMA.validate(error.to_dict())
    _assert_never_shown(error, PARAMETER, PASSWORD)


def test_secret_parameters_never_reach_a_parameter_error_or_warning(tmp_path: Path) -> None:
    chart = _chart(tmp_path / "c", "port: 1\ntoken: ''\n")
    error = _raised(lambda: render(chart, {"port": 1}, context=CONTEXT, registry=_registry(),
                                   parameter_templates=[ParameterTemplate(name="port", type="number", secret=True)],
                                   parameters={"port": PARAMETER}))
    assert isinstance(error, ParameterError)
    _assert_never_shown(error, PARAMETER, PASSWORD)
    result = render(chart, {"port": 1, "token": ""}, context=CONTEXT, registry=_registry(),
                    parameter_templates=[ParameterTemplate(name="token", secret=True),
                                         ParameterTemplate(name="missing.path", secret=True)],
                    parameters={"token": PARAMETER, "missing.path": PARAMETER})
    assert result.warnings and result.values["token"] == PARAMETER
    for warning in result.warnings:
        _assert_never_shown(warning, PARAMETER, PASSWORD)
    assert PARAMETER not in json.dumps(result.to_dict()["warnings"])


def test_the_registry_password_never_reaches_an_error(tmp_path: Path) -> None:
    chart = _chart(tmp_path / "c", "pull: ''\n")
    for profile in ({"pull": "%GeneratedDockerCredentials%"}, {"pull": ["%GeneratedDockerCredential%"]},
                    {"pull": f"%ImageRegistryURL%{PASSWORD}"}):
        try:
            render(chart, profile, context=CONTEXT, registry=_registry())
        except ProfileRenderError as error:
            ERROR_SCHEMA.validate(error.to_dict())
            _assert_never_shown(error, PASSWORD)
    for url in (f"https://robot:{PASSWORD}@registry.example.com/x", f"ftp://registry.example.com/{PASSWORD[:3]}"):
        error = _raised(lambda url=url: ImageRegistry(name="r", root_url=url, username="robot",
                                                      password=Secret(PASSWORD)))
        assert isinstance(error, RegistryError)
        ERROR_SCHEMA.validate(error.to_dict())
        _assert_never_shown(error, PASSWORD)


def test_a_secrets_data_never_reaches_a_manifest_finding(tmp_path: Path) -> None:
    chart = _chart(tmp_path / "c", "imagePullSecrets: []\n")
    result = render(chart, {"imagePullSecrets": [{"name": "%GeneratedDockerCredential%"}]}, context=CONTEXT,
                    registry=_registry())
    (secret,) = [m for m in result.manifests if m["kind"] == "Secret"]
    assert any(PASSWORD in base64.b64decode(v).decode() for v in secret["data"].values())
    broken = copy.deepcopy(secret)
    broken["metadata"]["namespace"] = "elsewhere"
    broken["data"]["extra"] = "not base64 " + PASSWORD
    opaque = copy.deepcopy(secret)
    opaque["metadata"]["name"] = "other"
    opaque["stringData"] = {"password": PASSWORD}
    opaque["data"][".dockerconfigjson"] = base64.b64encode(
        json.dumps({"auths": {"registry.example.com": {"password": PASSWORD}}}).encode()).decode()
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "apps"},
           "spec": {"imagePullSecrets": [{"name": secret["metadata"]["name"]}, {"name": "other"}],
                    "containers": [{"name": "c", "image": "registry.example.com/acme/app:1"}]}}
    findings = check_manifests([broken, opaque, pod], private_registries=["registry.example.com"],
                               namespace="apps", source="out.yaml")
    # the Secret lives elsewhere: the pod's pull fails (a finding about the Secret, which never shows its data)
    assert {f.rule for f in findings} >= {"namespace-mismatch"}
    for finding in findings:
        DIAGNOSTIC_SCHEMA.validate(finding.to_dict())
        _assert_never_shown(finding, PASSWORD)
    text = "".join(json.dumps(m) for m in [broken, opaque, pod])
    error = _raised(lambda: check_manifests(text[:-5] + " ::", source="out.yaml"))
    _assert_never_shown(error, PASSWORD)


@pytest.mark.parametrize("token", [
    '{token: "CANARY-adm-token-71d0"}',  # not a string
    '"CANARY-adm-token-71d0\\t\\u200b"',  # characters the catalog's ^\PC*$ refuses
])
def test_a_catalog_registry_token_never_reaches_findings_or_package_errors(token: str, tmp_path: Path) -> None:
    broken = _broken_package(tmp_path, lambda text: text.replace('rootUrl: "oci://registry.example.com/adm"\n'
                                                                 'userName: "robot"',
                                                                 'rootUrl: 5\nuserName: ["robot"]')
                             .replace('authToken: "CANARY-adm-token-71d0"', f'authToken: {token}'),
                             name="package.yaml")
    assert f"authToken: {token}" in (broken / "package.yaml").read_text()
    findings = lint(broken, charts={"svc": ADM_CHART, "side": ADM_CHART})
    assert any(f.severity == "error" and f.path == ("authToken",) for f in findings)
    for finding in findings:
        DIAGNOSTIC_SCHEMA.validate(finding.to_dict())
        _assert_never_shown(finding, ADM_TOKEN)
    error = _raised(lambda: render_package(broken, charts={"svc": ADM_CHART, "side": ADM_CHART},
                                           deployment_name="deployment-abc12",
                                           parameters={"svc": {"token": PARAMETER}}))
    assert isinstance(error, PackageError) and error.findings
    ERROR_SCHEMA.validate(error.to_dict())
    _assert_never_shown(error, ADM_TOKEN, PARAMETER)


def test_a_secret_package_parameter_never_reaches_a_package_render_error(tmp_path: Path) -> None:
    chart = _chart(tmp_path / "chart", "greeting: chart\nimagePullSecrets: []\nprehook: ''\ntoken: ''\nreplicas: 1\n",
                   {"properties": {"token": {"type": "integer"}}})
    package = _broken_package(tmp_path, lambda text: text.replace(
        "      - name: token\n        type: string", "      - name: token\n        type: string\n        secret: true"))
    assert "secret: true" in (package / "svc-app.yaml").read_text()
    error = _raised(lambda: render_package(package, charts={"svc": chart, "side": ADM_CHART},
                                           deployment_name="deployment-abc12",
                                           parameters={"svc": {"token": PARAMETER}}))
    ERROR_SCHEMA.validate(error.to_dict())
    _assert_never_shown(error, PARAMETER, ADM_TOKEN)
