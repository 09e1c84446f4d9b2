"""What check-manifests takes besides the manifests: registry hosts and the render (``--render-json``).

Each is validated where it comes in, with an error that names the input and the
value path, instead of a crash deep in a rule.
"""

from __future__ import annotations

import base64
import json
import random
import re

import pytest

from profile_render import Limits, ProfileRenderError
from profile_render.checks.inputs import RENDER_JSON_LIMITS
from profile_render.checks.manifests import (
    CheckInputError,
    CheckInputLimitError,
    RenderShapeError,
    check_manifests,
    load_render_json,
    private_registry_host,
)
from profile_render.checks.render_facts import hosts_in_values
from profile_render.checks.rules.cdi import certificates
from profile_render.cli import main
from profile_render.orchestrator.model import ImageRegistry, pem_certificate_bodies

POD = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
       "    image: reg.example.com/x\n")
CANARY = "CANARY-chk-0b7e-S3CRET"


def run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- private registries --------------------------------------------------------------------------------

@pytest.mark.parametrize("entry, host", [
    ("registry.example.com", "registry.example.com"),
    ("Registry.Example.com:5000", "registry.example.com:5000"),
    ("https://registry.example.com:443/path", "registry.example.com"),
    ("[::1]:5000", "[::1]:5000"),
    ("[fe80::1%25]", "[fe80::1%25]"),
    ("localhost:65535", "localhost:65535"),
    ("  index.docker.io  ", "docker.io"),
])
def test_private_registry_hosts_are_normalised(entry, host):
    assert private_registry_host(entry) == host


@pytest.mark.parametrize("entry, problem", [
    ("", "is empty"), ("   ", "is empty"), ("[::1", "is not a registry host"), ("[", "is not a registry host"),
    ("]", "is not a registry host"), (":", "is not a registry host"), ("::::", "is not a registry host"),
    ("a b", "is not a registry host"), ("%00", "is not a registry host"), ("host:-1", "is not a registry host"),
    ("[::1]:99999", "port outside 0-65535"), ("h:65536", "port outside 0-65535"),
    ("x" * 5000, "5,000 characters"), ("a\udcffb", "not valid Unicode"),
])
def test_bad_private_registries_are_located_errors(entry, problem):
    with pytest.raises(CheckInputError) as info:
        private_registry_host(entry, source="--private-registry")
    assert problem in info.value.problem and info.value.source == "--private-registry"
    assert len(str(info.value)) < 400
    with pytest.raises(CheckInputError) as info:
        check_manifests(POD, private_registries=["reg.example.com", entry])
    assert info.value.source == "private_registries[1]"
    assert isinstance(info.value, ValueError)  # as before, for callers that caught ValueError


def test_credentials_in_a_private_registry_are_refused_unquoted(capsys):
    for entry in (f"robot:{CANARY}@registry.example.com", f"oci://robot:{CANARY}@registry.example.com/p"):
        with pytest.raises(CheckInputError) as info:
            private_registry_host(entry)
        assert "embeds credentials" in str(info.value) and CANARY not in f"{info.value} {info.value!r}"
        code, out, err = run(["check-manifests", "-", "--private-registry", entry], capsys)
        assert code == 1 and CANARY not in out + err


def test_private_registry_errors_on_the_command_line(tmp_path, capsys):
    pod = tmp_path / "pod.yaml"
    pod.write_text(POD)
    code, out, err = run(["check-manifests", pod, "--private-registry", "[::1"], capsys)
    assert code == 1 and out == ""
    assert err.startswith("profile-render: error: --private-registry: the private registry '[::1' is not a "
                          "registry host")
    code, out, err = run(["check-manifests", pod, "--private-registry", "[::1", "--format", "sarif"], capsys)
    log = json.loads(out)
    assert code == 1 and "is not a registry host" in log["runs"][0]["results"][0]["message"]["text"]


# -- the render JSON -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, path, problem", [
    ('{"a": 1' + "0" * 4300 + "}", ("a",), "an integer of 4,301 digits"),
    ('{"a": [-1' + "0" * 5000 + "]}", ("a", 0), "an integer of 5,001 digits"),
    ('{"a": NaN}', ("a",), "NaN, which is not JSON"),
    ('{"a": {"b": -Infinity}}', ("a", "b"), "-Infinity, which is not JSON"),
    ('{"a": 1e400}', ("a",), "out of a float64's range"),
    ('{"a": ["\\ud800"]}', ("a", 0), "a string that is not valid Unicode"),
    ('{"\\udfff": 1}', None, "a key that is not valid Unicode"),
])
def test_render_json_values_a_render_cannot_hold_are_refused_at_their_path(text, path, problem):
    with pytest.raises(CheckInputError) as info:
        load_render_json(text, source="r.json")
    assert problem in info.value.problem and info.value.source == "r.json" and info.value.path == path


def test_render_json_that_is_not_json_is_located():
    with pytest.raises(CheckInputError) as info:
        load_render_json('{"values": {\n  "a": }', source="r.json")
    assert (info.value.line, info.value.column) == (2, 8)
    with pytest.raises(CheckInputError) as info:
        load_render_json("{}\n\ud800", source="r.json")
    assert "not valid Unicode" in info.value.problem and (info.value.line, info.value.column) == (2, 1)


def test_render_json_nesting_is_limited_before_parsing():
    limit = RENDER_JSON_LIMITS.max_depth
    ok = '{"values": ' + "[" * (limit - 1) + "]" * (limit - 1) + "}"
    assert load_render_json(ok) is not None
    for text in ('{"values": ' + "[" * limit + "]" * limit + "}", "[" * 100_000, '{"a":\n ' + "{" * 100_000):
        with pytest.raises(CheckInputLimitError) as info:
            load_render_json(text, source="r.json")
        assert f"more than {limit} deep" in info.value.problem and "max_depth" in info.value.hint
        assert info.value.line is not None
    # brackets inside strings are text, not nesting
    assert load_render_json(json.dumps({"values": {"a": "[" * 10_000 + '\\"{' * 500}}))
    assert load_render_json('{"values": ' + "[" * 500 + "]" * 500 + "}", limits=Limits(max_depth=600))


def test_render_json_size_is_limited():
    with pytest.raises(CheckInputLimitError) as info:
        load_render_json('{"values": {"a": "' + "x" * 200 + '"}}', limits=Limits(max_bytes=100))
    assert "more than the limit of 100" in info.value.problem


@pytest.mark.parametrize("render, path, found", [
    ("s", None, "is a string, not a render"),
    (1, None, "is a number, not a render"),
    (True, None, "is a boolean, not a render"),
    ({"applications": 1}, ("applications",), "has a number where an object of renders"),
    ({"applications": [1]}, ("applications",), "has a list where an object of renders"),
    ({"applications": {"a": 1}}, ("applications", "a"), "has a number where a render (an object) belongs"),
    ({"applications": {"a": {"x": 1}}}, ("applications", "a"), "an object without a render's fields"),
    ({"secret_name": "s"}, None, "an object without a render's fields"),
    ({"secretName": []}, ("secretName",), "has a list where the generated Secret's name"),
    ({"manifests": {"a": 1}}, ("manifests",), "has an object where a list of Kubernetes objects belongs"),
    ({"manifests": [{"kind": []}]}, ("manifests", 0, "kind"), "has a list where a string belongs"),
    ({"preInstallManifests": [{}, {"metadata": 1}]}, ("preInstallManifests", 1, "metadata"), "has a number where"),
    ({"manifests": [{"metadata": {"namespace": []}}]}, ("manifests", 0, "metadata", "namespace"), "a list where"),
    ({"manifests": [{"type": 10 ** 5000}]}, ("manifests", 0, "type"), "has a number where a string belongs"),
    ([{"values": {}}, 5], (1,), "has a number where a render (an object) belongs"),
])
def test_a_render_of_the_wrong_shape_is_refused_at_its_path(render, path, found, tmp_path, capsys):
    with pytest.raises(RenderShapeError) as info:
        check_manifests(POD, render=render)
    assert found in info.value.problem and info.value.path == path and info.value.source == "<render>"
    assert isinstance(info.value, TypeError)  # as before, for callers that caught TypeError
    pod, data = tmp_path / "pod.yaml", tmp_path / "r.json"
    pod.write_text(POD)
    try:
        data.write_text(json.dumps(render))
    except ValueError:  # an integer JSON cannot write: the reader refuses those (above)
        return
    code, out, err = run(["check-manifests", pod, "--render-json", data], capsys)
    assert code == 1 and out == "" and err.startswith(f"profile-render: error: {data}: the render ")


def test_renders_of_the_right_shape_still_work():
    generated = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b-1", "namespace": "apps"},
                 "type": "kubernetes.io/dockerconfigjson",
                 "data": {".dockerconfigjson": base64.b64encode(b'{"auths": {"reg.example.com": {}}}').decode()}}
    render = {"values": {}, "manifests": [generated, None, 3], "preInstallManifests": [], "secretName": "b-1",
              "warnings": []}
    for form in (render, {"applications": {"web": render}}, [render], None, []):
        findings = check_manifests(POD, render=form)
        assert all(f.rule != "yaml" for f in findings)
    rules = {f.rule for f in check_manifests(POD, render=render)}
    assert "private-image-without-pull-secret" in rules  # reg.example.com is private through the render
    with pytest.raises(TypeError):
        check_manifests(POD, render=object())


def test_hosts_in_values_walks_any_depth():
    tree = {"image": "deep.example.com/x"}
    for _ in range(20_000):
        tree = {"a": [tree]}
    assert hosts_in_values(tree) == {"deep.example.com"}


def test_a_deep_render_json_on_the_command_line(tmp_path, capsys):
    data = tmp_path / "r.json"
    data.write_text('{"values": ' + "[" * 100_000 + "]" * 100_000 + "}")
    pod = tmp_path / "pod.yaml"
    pod.write_text(POD)
    code, out, err = run(["check-manifests", pod, "--render-json", data], capsys)
    assert code == 1 and out == ""
    assert f"{data}:1:{11 + RENDER_JSON_LIMITS.max_depth}: the render JSON nests arrays and objects more than" in err


# -- PEM certificates --------------------------------------------------------------------------------------

_PEM = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)


def test_pem_blocks_are_those_a_non_greedy_pattern_finds():
    pieces = ["-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "MIIB", "\n", "-----BEGIN ",
              "CERTIFICATE-----", "-----END", "x"]
    rng = random.Random(9)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert list(pem_certificate_bodies(text)) == [m.group(1) for m in _PEM.finditer(text)], text


def test_unterminated_pem_markers_are_scanned_once():
    der = base64.b64encode(b"\x30\x03\x02\x01\x01").decode()
    one = f"-----BEGIN CERTIFICATE-----\n{der}\n-----END CERTIFICATE-----\n"
    flood = "-----BEGIN CERTIFICATE-----\n" * 200_000
    assert certificates(one + flood) == 1
    assert certificates(flood + one) == 0  # the first BEGIN opens a block whose body holds the flood
    assert list(pem_certificate_bodies(flood)) == []
    registry = ImageRegistry(name="r", root_url="oci://r.example.com", ca_certs=one + flood)
    assert len(registry.certificates()) == 1
    with pytest.raises(ProfileRenderError) as info:
        ImageRegistry(name="r", root_url="oci://r.example.com", ca_certs=flood)
    assert "hold no PEM certificate" in str(info.value)


def test_findings_never_quote_credentials_or_secret_data():
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: 'ab%OrgNme%" + CANARY +
            "'\n---\napiVersion: cdi.kubevirt.io/v1beta1\nkind: DataVolume\nmetadata:\n  name: d\nspec:\n"
            f"  source:\n    registry:\n      url: https://robot:{CANARY}@reg.example.com/x\n      secretRef: s\n")
    findings = check_manifests(text)
    shown = "\n".join(str(f) for f in findings)
    assert {f.rule for f in findings} >= {"leftover-placeholder", "datavolume-url-scheme"}
    assert CANARY not in shown and "%OrgNme%" not in shown and "robot" not in shown
    assert "write it as 'docker://reg.example.com/x' (credentials go in the Secret" in shown
    assert "looks like a misspelt %OrgName%" in shown
