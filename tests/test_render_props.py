"""Property tests of placeholder resolution: total, single-pass, structure-preserving, injection-proof."""

from __future__ import annotations

import base64
import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from profile_render.emit import to_json, to_yaml
from profile_render.yamlio.load import load_values
from profile_render.orchestrator.model import DeploymentContext, ImageRegistry, Secret
from profile_render.rendering import render
from profile_render.values import Layer
from tests.helm_oracle import helm_binary, run_helm_template, write_chart

BUILTINS = ("GeneratedDockerCredential", "PreHookCredential", "ImageRegistryURL", "OrgName", "ProjectName")
_TOKEN = re.compile("%(" + "|".join(BUILTINS) + ")%")

# Text pieces that can never form a near miss of a placeholder name: no letters.
_plain = st.text(alphabet=st.sampled_from(list("0123456789 -_./:{}[],#&*!|>'\"@`?\n\u00e9\u4e2d")), max_size=6)
_noise = st.sampled_from(["%", "%%", "100%", "%s%s", "50%", "%1%", "%-%"])
_token = st.sampled_from([f"%{name}%" for name in BUILTINS])
_string = st.lists(st.one_of(_plain, _noise, _token), max_size=5).map("".join)
_leaf = st.one_of(_string, st.integers(-2**53, 2**53), st.booleans(), st.none(),
                  st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e300))
_key = st.one_of(st.text(alphabet="abcxyz_-.0123", min_size=1, max_size=5),
                 st.sampled_from(["y", "n", "on", "null", "1", "true", "%", "100%"]))
_tree = st.recursive(_leaf, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(_key, children, max_size=4)), max_leaves=25)
_values = st.dictionaries(_key, _tree, max_size=5)
# Tenant and credential text: anything printable, including YAML syntax, placeholders and newlines.
_tenant = st.one_of(st.text(max_size=12).filter(lambda s: s and "\x00" not in s),
                    st.sampled_from(["123", "true", "null", "a: b", "%OrgName%", "~", "- x", "{a: 1}", "0o17", "y"]))
_credential = st.text(min_size=1, max_size=16).filter(lambda s: "\x00" not in s)
# The password always carries a canary prefix no other generated text can contain.
_password = _credential.map(lambda s: "Cn4ry\u2603" + s)
_hosts = st.sampled_from(["oci://registry-oci.example.com/catalog-apps-a-b", "https://reg.example.com:5000",
                          "http://[2001:db8::1]:5000/p", "oci://10.1.2.3/x/y"])


def _expected(tree, table):
    """The reference semantics: a single left-to-right pass over each string value."""
    if isinstance(tree, str):
        return _TOKEN.sub(lambda m: table[m.group(1)], tree)
    if isinstance(tree, dict):
        return {k: _expected(v, table) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_expected(v, table) for v in tree]
    return tree


def _helm_view(value):
    """Numbers as the float64 values Helm holds, so int/float spelling does not matter."""
    if isinstance(value, dict):
        return {k: _helm_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_helm_view(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)  # every YAML number is a float64 once Helm (or a comparison) reads it
    return value


def _chart(tmp: Path) -> Path:
    root = tmp / "chart"
    root.mkdir()
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    return root


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=_values, org=_tenant, project=_tenant, user=_credential, password=_password, url=_hosts,
       app=st.sampled_from(["app", "hello-world"]), deployment=st.sampled_from(["d", "deployment-abc12"]))
def test_resolution_properties(values, org, project, user, password, url, app, deployment):
    context = DeploymentContext(app, "1.0", deployment, "ns", org=org, project=project)
    reg = ImageRegistry("r", url, user, Secret(password))
    with tempfile.TemporaryDirectory() as tmp:
        chart = _chart(Path(tmp))
        result = render(chart, Layer(values, "profile.yaml", "profile"), context=context, registry=reg,
                            fleet_globals=False)  # resolution alone
    table = {"GeneratedDockerCredential": result.secret_name or "", "PreHookCredential": result.secret_name or "",
             "ImageRegistryURL": reg.url, "OrgName": org, "ProjectName": project}
    expected = _expected(values, table)
    # total, single-pass, keeps every key and every non-string leaf
    assert result.values == expected
    used = {m.group(1) for m in _TOKEN.finditer(json.dumps(values))}
    credential_used = bool(used & {"GeneratedDockerCredential", "PreHookCredential"})
    assert (result.secret_name is not None) == credential_used
    # idempotent when substituted text brings no placeholder in
    if "%" not in org + project:
        again = render(_fresh_chart(), Layer(result.values, "p", "profile"), context=context, registry=reg,
                       fleet_globals=False)
        assert again.values == result.values
    # injection-proof: the emitted YAML has exactly the input's structure, for our reader and PyYAML's
    text = result.to_yaml()
    assert _helm_view(load_values(text).data["values"]) == _helm_view(expected)
    assert _helm_view(yaml.safe_load(text)["values"]) == _helm_view(expected)
    # the canary password shows only base64-encoded inside the Secret
    shown = json.dumps(result.masked(), ensure_ascii=False) + json.dumps(result.values, ensure_ascii=False)
    assert "Cn4ry\u2603" not in shown and "Cn4ry\u2603" not in text
    if credential_used:
        secrets = result.pre_install_manifests + result.manifests
        assert base64.b64decode(secrets[0]["data"]["secretKey"]).decode() == password


def _fresh_chart() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="pr-props-"))
    return _chart(tmp)


@pytest.mark.helm
@pytest.mark.skipif(helm_binary() is None, reason="Helm oracle binary not fetched (scripts/fetch-helm.sh)")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=_values, org=_tenant, project=_tenant)
@example(values={"0": None, "0b-0": []}, org="acme", project="edge")  # "0b-0" is the int 0 to go-yaml v2: quoted
def test_helm_reads_rendered_values_unchanged(values, org, project):
    context = DeploymentContext("app", "1.0", "d", "ns", org=org, project=project)
    reg = ImageRegistry("r", "oci://reg.example.com/p", "u", Secret("p"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        chart = write_chart(root / "oracle", "")
        result = render(chart, Layer(values, "profile.yaml", "profile"), context=context, registry=reg,
                            fleet_globals=False)  # resolution alone
        rendered = root / "rendered.yaml"
        rendered.write_text(to_yaml(result.values))
        helm = run_helm_template(chart, [rendered])
    assert helm.ok, helm.stderr
    assert helm.values == json.loads(to_json(result.values))
