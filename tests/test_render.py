"""The render API: placeholders, generated Secret and ConfigMap, errors, secrecy, CLI."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import jsonschema
import pytest
import yaml

from profile_render import errors
from profile_render.cli import main
from profile_render.orchestrator.credentials import bundle_name, docker_config_json
from profile_render.yamlio.load import load_values
from profile_render.orchestrator.model import DeploymentContext, ImageRegistry, RegistryError, Secret
from profile_render.rendering import render
from profile_render.orchestrator.placeholders import PlaceholderError, Placeholders
from profile_render.values import Layer

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "render-result.schema.json").read_text())
KUBECTL = ROOT / ".cache" / "tools" / "kubectl"
CANARY = "c4n4ry-P@ss'\"\n\u00e9\u4e2d"

# A real (self-signed, throwaway) certificate body is not needed: any DER SEQUENCE parses as one here.
CA_PEM = "-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(b"\x30\x03\x02\x01\x01" * 20).decode() + "-----END CERTIFICATE-----\n"


def ctx(**kw):
    base = dict(app_name="hello-world", app_version="1.0.0", deployment_name="deployment-abc12",
                namespace="apps", org="acme", project="edge")
    base.update(kw)
    return DeploymentContext(**base)


def registry(password=CANARY, **kw):
    base = dict(name="harbor", root_url="oci://registry-oci.example.com:8443/catalog-apps-acme-edge",
                username="robot$acme", password=Secret(password))
    base.update(kw)
    return ImageRegistry(**base)


@pytest.fixture
def chart(tmp_path):
    root = tmp_path / "chart"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "values.yaml").write_text(
        "image:\n  repository: app\n  pullSecret: ''\n  prehook: ''\nimagePullSecrets: []\nreplicas: 1\nnote: ''\n")
    return root


def profile(tmp_path, text, name="profile.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


# -- naming ------------------------------------------------------------------------------------

def test_bundle_name_matches_the_reference_example():
    assert bundle_name(ctx()) == "b-0a3669a2-6cbc-50"


def test_bundle_name_includes_version_when_redeployed():
    assert bundle_name(ctx(redeploy_after_update=True)) != bundle_name(ctx())
    assert bundle_name(ctx(redeploy_after_update=True)).startswith("b-")


def test_secret_namer_is_pluggable(chart, tmp_path):
    p = profile(tmp_path, "image:\n  pullSecret: '%GeneratedDockerCredential%'\n")
    result = render(chart, p, context=ctx(), registry=registry(), secret_namer=lambda c: f"pull-{c.app_name}")
    assert result.secret_name == "pull-hello-world" == result.values["image"]["pullSecret"]
    with pytest.raises(errors.ProfileRenderError) as info:
        render(chart, p, context=ctx(), registry=registry(), secret_namer=lambda c: "Bad_Name")
    assert "Bad_Name" in info.value.problem


# -- placeholders ------------------------------------------------------------------------------

def test_builtin_placeholders_whole_and_inside_strings(chart, tmp_path):
    p = profile(tmp_path, (
        "image:\n"
        "  repository: '%ImageRegistryURL%/hello-world-image'\n"
        "  pullSecret: '%GeneratedDockerCredential%'\n"
        "imagePullSecrets:\n  - name: '%GeneratedDockerCredential%'\n"
        "note: 'org=%OrgName% project=%ProjectName% 100% %s%s %% 50%off%'\n"
        "replicas: 2\n"))
    result = render(chart, p, context=ctx(), registry=registry())
    name = "b-0a3669a2-6cbc-50"
    assert result.values["image"] == {"repository": "registry-oci.example.com:8443/catalog-apps-acme-edge/hello-world-image",
                                      "pullSecret": name, "prehook": ""}
    assert result.values["imagePullSecrets"] == [{"name": name}]
    assert result.values["note"] == "org=acme project=edge 100% %s%s %% 50%off%"
    assert result.values["replicas"] == 2
    assert result.secret_name == name
    assert [m["kind"] for m in result.manifests] == ["Secret"] and result.pre_install_manifests == []


@pytest.mark.parametrize("project", ["123", "true", "null", "a: b", "- x", "{x: 1}", "%OrgName%", "yes", "0o17", "~"])
def test_substituted_text_stays_that_exact_string(chart, tmp_path, project):
    p = profile(tmp_path, "note: '%ProjectName%'\nimage:\n  repository: 'r/%ProjectName%'\n")
    result = render(chart, p, context=ctx(project=project))
    assert result.values["note"] == project
    assert result.values["image"]["repository"] == f"r/{project}"
    reparsed = load_values(result.to_yaml()).data
    assert reparsed["values"]["note"] == project
    assert yaml.safe_load(result.to_yaml())["values"]["note"] == project


def test_placeholders_in_overrides_and_set(chart, tmp_path):
    p = profile(tmp_path, "replicas: 2\n")
    o = profile(tmp_path, "note: '%OrgName%'\n", "overrides.yaml")
    result = render(chart, p, [o], context=ctx(), set_values=["image.repository=%ImageRegistryURL%/x"],
                    set_string_values=["image.prehook=%ProjectName%"], registry=registry())
    assert result.values["note"] == "acme"
    assert result.values["image"]["repository"] == "registry-oci.example.com:8443/catalog-apps-acme-edge/x"
    assert result.values["image"]["prehook"] == "edge"


def test_placeholder_in_chart_defaults_is_an_error(tmp_path):
    root = tmp_path / "chart"
    root.mkdir()
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "values.yaml").write_text("image:\n  pullSecret: '%GeneratedDockerCredential%'\n")
    with pytest.raises(PlaceholderError) as info:
        render(root, None, context=ctx(), registry=registry())
    err = info.value
    assert err.source.endswith("values.yaml") and (err.line, err.column) == (2, 3)
    assert err.path == ("image", "pullSecret") and "Profile" in err.hint


def test_placeholders_in_keys_are_resolved_in_place_keeping_order(chart, tmp_path):
    # Replaces the former test_placeholder_in_a_key_is_an_error: keys are now resolved like values.
    p = profile(tmp_path, (
        "labels:\n"
        "  first: 1\n"
        "  '%OrgName%': x\n"
        "  team-%ProjectName%-owner: '%ProjectName%'\n"
        "  '100%': z\n"
        "  last: 2\n"))
    result = render(chart, p, context=ctx(org="zeta", project="alpha"))
    assert list(result.values["labels"].items()) == [
        ("first", 1), ("zeta", "x"), ("team-alpha-owner", "alpha"), ("100%", "z"), ("last", 2)]


def test_a_key_resolves_single_pass_and_stays_a_string(chart, tmp_path):
    p = profile(tmp_path, "labels:\n  '%ProjectName%': x\n  'k-%OrgName%': w\n")
    result = render(chart, p, context=ctx(org="%ProjectName%", project="123"))
    assert result.values["labels"] == {"123": "x", "k-%ProjectName%": "w"}
    assert all(isinstance(k, str) for k in result.values["labels"])


def test_keys_colliding_after_resolution_are_a_located_error_naming_both(chart, tmp_path):
    p = profile(tmp_path, "replicas: 1\nlabels:\n  team-zeta: a\n  other: b\n  'team-%OrgName%': c\n")
    with pytest.raises(PlaceholderError) as info:
        render(chart, p, context=ctx(org="zeta"))
    err = info.value
    assert "'team-zeta'" in err.problem and "'team-%OrgName%'" in err.problem
    assert (err.line, err.column) == (5, 3) and err.path == ("labels", "team-%OrgName%")
    assert err.source.endswith("profile.yaml") and err.hint


def test_two_placeholder_keys_colliding_name_both(chart, tmp_path):
    p = profile(tmp_path, "labels:\n  '%OrgName%': a\n  '%ProjectName%': b\n")
    with pytest.raises(PlaceholderError) as info:
        render(chart, p, context=ctx(org="same", project="same"))
    assert "'%OrgName%'" in info.value.problem and "'%ProjectName%'" in info.value.problem
    assert info.value.line == 3


def test_errors_in_a_key_are_located_at_the_key(chart, tmp_path):
    p = profile(tmp_path, "labels:\n  ok: 1\n  '%ImageRegistryUrl%': x\n")
    with pytest.raises(PlaceholderError) as info:
        render(chart, p, context=ctx())
    assert "misspelt" in info.value.problem and "%ImageRegistryURL%" in info.value.hint
    assert (info.value.line, info.value.path) == (3, ("labels", "%ImageRegistryUrl%"))


@pytest.mark.parametrize("text, needs", [
    ("'%GeneratedDockerCredential%'", "credentials"),
    ("'%PreHookCredential%'", "credentials"),
    ("'%ImageRegistryURL%/x'", "image registry"),
    ("'%RegistryCertConfigMap%'", "CA"),
])
def test_missing_registry_facts_are_errors(chart, tmp_path, text, needs):
    p = profile(tmp_path, f"replicas: 1\nnote: {text}\n")
    with pytest.raises(PlaceholderError) as info:
        render(chart, p, context=ctx())
    assert needs in info.value.problem and (info.value.line, info.value.column) == (2, 1)
    assert info.value.path == ("note",) and info.value.hint


def test_missing_tenant_names_are_errors(chart, tmp_path):
    p = profile(tmp_path, "note: '%OrgName%'\n")
    with pytest.raises(PlaceholderError, match="organization"):
        render(chart, p, context=ctx(org=None))
    p = profile(tmp_path, "note: '%ProjectName%'\n")
    with pytest.raises(PlaceholderError, match="project"):
        render(chart, p, context=ctx(project=None))


@pytest.mark.parametrize("text, meant", [
    ("%GeneratedDockerCredentials%", "GeneratedDockerCredential"),
    ("%ImageRegistryUrl%", "ImageRegistryURL"),
    ("%orgname%", "OrgName"),
    ("%OrgName", "OrgName"),
    ("ProjectName%", "ProjectName"),
    ("x-%PreHookCredentail%", "PreHookCredential"),
])
def test_near_misses_suggest_the_placeholder(chart, tmp_path, text, meant):
    p = profile(tmp_path, f"note: '{text}'\n")
    with pytest.raises(PlaceholderError) as info:
        render(chart, p, context=ctx(), registry=registry())
    assert f"'%{meant}%'" in info.value.hint and info.value.line == 1


def test_custom_placeholders(chart, tmp_path):
    ph = Placeholders().register("ClusterName", lambda c: f"{c.org}-edge-1")
    p = profile(tmp_path, "note: 'at %ClusterName%'\n")
    assert render(chart, p, context=ctx(), placeholders=ph).values["note"] == "at acme-edge-1"
    with pytest.raises(PlaceholderError, match="shadow"):
        Placeholders().register("OrgName", lambda c: "x")
    with pytest.raises(PlaceholderError, match="shadow"):
        Placeholders().register("orgname", lambda c: "x")
    replaced = Placeholders().register("OrgName", lambda c: "ORG", replace_builtin=True)
    assert render(chart, profile(tmp_path, "note: '%OrgName%'\n"), context=ctx(), placeholders=replaced).values["note"] == "ORG"
    bad = Placeholders().register("Broken", lambda c: 42)
    with pytest.raises(PlaceholderError, match="returned int"):
        render(chart, profile(tmp_path, "note: '%Broken%'\n"), context=ctx(), placeholders=bad)
    with pytest.raises(PlaceholderError):
        Placeholders().register("bad name", lambda c: "x")


# -- pre-hook credential -------------------------------------------------------------------------

def test_prehook_credential_goes_to_pre_install(chart, tmp_path):
    p = profile(tmp_path, "image:\n  pullSecret: '%GeneratedDockerCredential%'\n  prehook: '%PreHookCredential%'\n")
    result = render(chart, p, context=ctx(), registry=registry())
    assert result.values["image"]["prehook"] == result.secret_name == result.values["image"]["pullSecret"]
    assert result.manifests == [] and [m["kind"] for m in result.pre_install_manifests] == ["Secret"]
    literal = render(chart, p, context=ctx(), registry=registry(), prehook_literal=True)
    assert literal.values["image"]["prehook"] == "%PreHookCredential%"
    assert [m["kind"] for m in literal.pre_install_manifests] == ["Secret"]


# -- generated Secret ------------------------------------------------------------------------------

def _decoded_config(secret):
    return json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))


@pytest.mark.parametrize("url, host, path", [
    ("oci://registry-oci.example.com/catalog-apps-org-proj", "registry-oci.example.com", "/catalog-apps-org-proj"),
    ("https://reg.example.com:5000", "reg.example.com:5000", ""),
    ("http://10.0.0.5:80/a/b/", "10.0.0.5:80", "/a/b"),
    ("oci://[2001:db8::1]:5000/p", "[2001:db8::1]:5000", "/p"),
    ("HTTPS://Reg.Example.com/x", "reg.example.com", "/x"),
])
def test_registry_urls(url, host, path):
    r = ImageRegistry("r", url, "u", Secret("p"))
    assert (r.host, r.path, r.url) == (host, path, host + path)
    assert list(json.loads(docker_config_json(r))["auths"]) == [host]


@pytest.mark.parametrize("url", ["https://robot:hunter2@reg.example.com/x", "oci://user@reg", "ftp://reg", "reg.example.com",
                                 "oci://", "https://reg.example.com/x?y=1", "oci://[zz::1]/x", "https://bad_host"])
def test_bad_registry_urls_are_refused_without_echoing_credentials(url):
    with pytest.raises(RegistryError) as info:
        ImageRegistry("r", url, "u", Secret("p"))
    assert "hunter2" not in str(info.value) and info.value.hint


@pytest.mark.parametrize("user, password", [
    ("robot$acme", CANARY),
    ('we"ird\\user', "pa:ss\nword\ttab<>&"),
    ("\u00fcser", "\u2028\u4e2d\U0001f600"),
])
def test_credentials_round_trip_exactly(chart, tmp_path, user, password):
    p = profile(tmp_path, "image:\n  pullSecret: '%GeneratedDockerCredential%'\n")
    result = render(chart, p, context=ctx(), registry=registry(username=user, password=password))
    (secret,) = result.manifests
    assert secret["type"] == "kubernetes.io/dockerconfigjson"
    assert secret["metadata"]["namespace"] == "apps" and secret["metadata"]["name"] == result.secret_name
    auth = _decoded_config(secret)["auths"]["registry-oci.example.com:8443"]
    assert (auth["username"], auth["password"]) == (user, password)
    assert base64.b64decode(auth["auth"]).decode() == f"{user}:{password}"
    assert base64.b64decode(secret["data"]["accessKeyId"]).decode() == user
    assert base64.b64decode(secret["data"]["secretKey"]).decode() == password


@pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl oracle not fetched (scripts/fetch-helm.sh)")
@pytest.mark.parametrize("user, password, server", [
    ("robot$acme", "s3cret", "oci://registry-oci.example.com/catalog"),
    ('we"ird', "pa<ss>&\u00e9", "https://reg.example.com:5000"),
    ("u", "line1\nline2", "http://[2001:db8::1]:5000/p"),
])
def test_dockerconfigjson_is_byte_identical_to_kubectl(user, password, server):
    r = ImageRegistry("r", server, user, Secret(password))
    proc = subprocess.run(
        [str(KUBECTL), "create", "secret", "docker-registry", "x", f"--docker-server={r.host}",
         f"--docker-username={user}", f"--docker-password={password}", "--dry-run=client", "-o", "json"],
        capture_output=True, text=True, check=True)
    kubectl = json.loads(proc.stdout)
    assert base64.b64decode(kubectl["data"][".dockerconfigjson"]) == docker_config_json(r)
    assert kubectl["type"] == "kubernetes.io/dockerconfigjson"


def test_ca_config_map(chart, tmp_path):
    p = profile(tmp_path, "note: '%RegistryCertConfigMap%'\n")
    result = render(chart, p, context=ctx(), registry=registry(ca_certs=CA_PEM + "\n" + CA_PEM))
    (cm,) = result.manifests
    assert cm["kind"] == "ConfigMap" and cm["metadata"]["name"] == result.values["note"]
    assert cm["metadata"]["namespace"] == "apps"
    assert cm["data"]["ca.crt"].count("-----BEGIN CERTIFICATE-----") == 2
    assert result.secret_name is None  # no credential placeholder was used
    with pytest.raises(RegistryError, match="no PEM certificate"):
        registry(ca_certs="not a certificate")
    with pytest.raises(RegistryError, match="base64"):
        registry(ca_certs="-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n")


# -- secrecy -------------------------------------------------------------------------------------

def test_secrets_never_show_outside_the_secret_data(chart, tmp_path, caplog):
    reg = registry()
    assert CANARY not in repr(reg) and CANARY not in str(reg) and CANARY not in repr(reg.password)
    assert CANARY not in f"{reg.password}"
    p = profile(tmp_path, "image:\n  pullSecret: '%GeneratedDockerCredential%'\nnote: '%Nope%'\n")
    with pytest.raises(errors.ProfileRenderError) as info:
        render(chart, profile(tmp_path, "note: '%ImageRegistryUrl%'\n", "typo.yaml"), context=ctx(), registry=reg)
    assert CANARY not in str(info.value)
    result = render(chart, p, context=ctx(), registry=reg)
    encoded_bits = {base64.b64encode(CANARY.encode()).decode()}
    dumped = json.dumps(result.values) + repr(result) + json.dumps([str(w) for w in result.warnings])
    assert CANARY not in dumped and CANARY not in caplog.text
    masked = json.dumps(result.masked(), ensure_ascii=False)
    assert CANARY not in masked and not any(bit in masked for bit in encoded_bits)
    assert result.masked()["manifests"][0]["data"] == {".dockerconfigjson": "****", "accessKeyId": "****", "secretKey": "****"}
    full = result.to_json()
    assert CANARY not in full and CANARY.encode() in base64.b64decode(result.manifests[0]["data"]["secretKey"])


@pytest.mark.parametrize("password", ["\ud800" + CANARY, CANARY + "\udcff", "a\udfffb" + CANARY])
def test_a_password_that_is_not_unicode_is_refused_without_showing_it(chart, tmp_path, password):
    # Before, the Secret took it and the encoder failed later with the text "user:password" in its exception.
    for make in (lambda: Secret(password), lambda: registry(password=password)):
        with pytest.raises(errors.ProfileRenderError) as info:
            make()
        shown = f"{info.value} {info.value!r} {info.value.args!r} {info.value.hint}"
        assert CANARY not in shown and "robot" not in shown and "lone surrogate" in shown


@pytest.mark.parametrize("field", ["name", "root_url", "username", "ca_certs"])
def test_registry_text_that_is_not_unicode_is_refused(field):
    with pytest.raises(RegistryError) as info:
        registry(**{field: "x\udcff" if field != "root_url" else "oci://reg\udcff.example.com"})
    assert field.replace("_", " ") in str(info.value) and "\udcff" not in str(info.value)
    with pytest.raises(TypeError):
        registry(**{field: 5})


@pytest.mark.parametrize("field", ["app_name", "app_version", "deployment_name", "namespace", "org", "project"])
def test_context_text_that_is_not_unicode_is_refused(field):
    with pytest.raises(errors.ProfileRenderError) as info:
        ctx(**{field: "a\udcff"})
    assert field.replace("_", " ") in str(info.value)
    with pytest.raises(errors.ProfileRenderError):
        ctx(**{field: 5})


def test_render_refuses_objects_of_the_wrong_type(chart, tmp_path):
    p = profile(tmp_path, "note: x\n")
    for kwargs in ({"registry": "oci://r.example.com"}, {"limits": 5}, {"placeholders": []}, {"parameters": [1]}):
        with pytest.raises(TypeError):
            render(chart, p, context=ctx(), **kwargs)
    with pytest.raises(TypeError):
        bundle_name("app")
    assert ctx(org="", project="").org == ""


def test_result_forms_and_schema(chart, tmp_path):
    p = profile(tmp_path, "image:\n  pullSecret: '%GeneratedDockerCredential%'\n  prehook: '%PreHookCredential%'\n"
                          "replicas: 1\nreplicas: 2\n")
    result = render(chart, p, context=ctx(), registry=registry(ca_certs=CA_PEM))
    plain = result.to_dict()
    jsonschema.validate(json.loads(result.to_json()), SCHEMA)
    jsonschema.validate(result.masked(), SCHEMA)
    assert plain["warnings"][0]["code"] == "duplicate-key" and plain["warnings"][0]["line"] == 5
    assert result.origin("image.pullSecret").layer == "profile"
    assert result.origin("image.repository").layer == "chart defaults"
    assert yaml.safe_load(result.to_yaml())["secretName"] == result.secret_name


def test_render_is_pure_and_thread_safe(chart, tmp_path):
    p = Layer.from_text("image:\n  pullSecret: '%GeneratedDockerCredential%'\n", source="p.yaml", kind="profile")
    before = json.dumps(p.values)
    from profile_render.helm.chart import load_chart

    loaded = load_chart(chart)
    defaults = json.dumps(loaded.values)
    outputs, failures = [], []

    def work(i):
        try:
            outputs.append(render(loaded, p, context=ctx(deployment_name=f"d{i % 3}"), registry=registry()).to_json())
        except Exception as exc:  # pragma: no cover
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and len(set(outputs)) == 3
    assert json.dumps(p.values) == before and json.dumps(loaded.values) == defaults


# -- CLI -------------------------------------------------------------------------------------------

def _cli(argv, capsys, env=None, monkeypatch=None):
    if env and monkeypatch:
        for k, v in env.items():
            monkeypatch.setenv(k, v)
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # usage errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def _render_args(chart, prof, *extra):
    return ["render", chart, "--profile", prof, "--app-name", "hello-world", "--app-version", "1.0.0",
            "--deployment-name", "deployment-abc12", "--namespace", "apps", *extra]


def test_cli_render_json_matches_schema(chart, tmp_path, capsys):
    prof = profile(tmp_path, "image:\n  pullSecret: '%GeneratedDockerCredential%'\n  repository: '%ImageRegistryURL%/a'\n")
    pw = tmp_path / "pw"
    pw.write_text(CANARY + "\n")
    code, out, err = _cli(_render_args(chart, prof, "--registry-url", "oci://reg.example.com/p", "--registry-username",
                                       "robot", "--registry-password-file", pw, "-o", "json"), capsys)
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["secretName"] == "b-0a3669a2-6cbc-50" and data["values"]["image"]["repository"] == "reg.example.com/p/a"
    secret_key = base64.b64decode(data["manifests"][0]["data"]["secretKey"]).decode()
    assert secret_key == CANARY  # exactly one trailing newline dropped
    assert CANARY not in out and CANARY not in err


def test_cli_password_from_env_and_file_keeps_inner_newlines(chart, tmp_path, capsys, monkeypatch):
    prof = profile(tmp_path, "image:\n  pullSecret: '%GeneratedDockerCredential%'\n")
    monkeypatch.setenv("PROFILE_RENDER_REGISTRY_PASSWORD", "from-env")
    code, out, _ = _cli(_render_args(chart, prof, "--registry-url", "oci://reg.example.com", "--registry-username",
                                     "robot", "-o", "json"), capsys)
    assert code == 0
    assert base64.b64decode(json.loads(out)["manifests"][0]["data"]["secretKey"]) == b"from-env"
    pw = tmp_path / "pw2"
    pw.write_bytes(b"two\n\n")
    code, out, _ = _cli(_render_args(chart, prof, "--registry-url", "oci://reg.example.com", "--registry-username",
                                     "robot", "--registry-password-file", pw, "-o", "json"), capsys)
    assert base64.b64decode(json.loads(out)["manifests"][0]["data"]["secretKey"]) == b"two\n"


def test_cli_missing_facts_are_input_errors(chart, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PROFILE_RENDER_REGISTRY_PASSWORD", raising=False)
    prof = profile(tmp_path, "note: '%ProjectName%'\n")
    code, out, err = _cli(_render_args(chart, prof), capsys)
    assert code == 1 and out == "" and "--project" in err
    code, _, err = _cli(_render_args(chart, prof, "--registry-url", "oci://r.example.com", "--registry-username", "u",
                                     "--project", "p"), capsys)
    assert code == 2 and "PROFILE_RENDER_REGISTRY_PASSWORD" in err  # inconsistent options: a usage error
    code, _, err = _cli(_render_args(chart, prof, "--registry-username", "u"), capsys)
    assert code == 2
    code, _, err = _cli(["render", chart, "--profile", prof], capsys)
    assert code == 2


def test_cli_output_dir_all_or_nothing(chart, tmp_path, capsys):
    prof = profile(tmp_path, "image:\n  prehook: '%PreHookCredential%'\n  pullSecret: '%GeneratedDockerCredential%'\n")
    pw = tmp_path / "pw"
    pw.write_text("secret\n")
    out_dir = tmp_path / "out"
    args = _render_args(chart, prof, "--registry-url", "oci://reg.example.com", "--registry-username", "robot",
                        "--registry-password-file", pw, "--output-dir", out_dir)
    code, out, err = _cli(args, capsys)
    assert code == 0 and out == ""
    assert sorted(os.listdir(out_dir)) == ["manifests.yaml", "pre-install.yaml", "values.yaml"]
    pre = list(yaml.safe_load_all((out_dir / "pre-install.yaml").read_text()))
    assert [d["kind"] for d in pre] == ["Secret"]
    assert (out_dir / "manifests.yaml").read_text() == ""
    assert load_values((out_dir / "values.yaml").read_text()).data["image"]["prehook"] == "b-0a3669a2-6cbc-50"
    assert oct((out_dir / "pre-install.yaml").stat().st_mode & 0o777) == "0o600"
    # a failing render writes nothing
    bad_dir = tmp_path / "bad"
    bad = profile(tmp_path, "note: '%OrgName%'\n", "bad.yaml")
    code, _, _ = _cli(_render_args(chart, bad, "--output-dir", bad_dir), capsys)
    assert code == 1 and not bad_dir.exists()


def test_cli_render_subprocess_has_no_traceback(chart, tmp_path):
    # An unknown %word% cannot start a plain scalar (known placeholders may: tests/test_unquoted_placeholders.py).
    prof = profile(tmp_path, "note: %NotAPlaceholder%\n")
    proc = subprocess.run([sys.executable, "-m", "profile_render", *map(str, _render_args(chart, prof))],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "quote" in proc.stderr


def test_render_validates_the_chart_schema(chart, tmp_path, capsys):
    (chart / "values.schema.json").write_text(
        '{"$schema": "http://json-schema.org/schema#", "type": "object",'
        ' "properties": {"replicas": {"type": "integer", "minimum": 1}}}')
    p = profile(tmp_path, "replicas: 0\n")
    from profile_render.helm.schema import SchemaValidationError

    with pytest.raises(SchemaValidationError) as info:
        render(chart, p, context=ctx())
    (violation,) = info.value.violations
    assert violation.path == ("replicas",) and violation.keyword == "minimum"
    assert violation.origin.layer == "profile" and violation.origin.line == 1
    assert render(chart, p, context=ctx(), validate_schema=False).values["replicas"] == 0
    code, out, err = _cli(_render_args(chart, p), capsys)
    assert code == 1 and out == "" and "minimum" in err and "profile.yaml:1:1" in err
