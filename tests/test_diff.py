"""profile-render diff: value changes path by path with both origins, generated objects, secrets masked, exit codes."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Dict, List

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profile_render import DeploymentContext, ImageRegistry, Secret, load_chart, merge_values, render
from profile_render.cli import main
from profile_render.cli_diff import diff_text, terminal_safe
from profile_render.diff import ADDED, CHANGED, REMOVED, Change, apply_changes, diff_renders, same_value, tree_changes
from profile_render.orchestrator.params import ParameterTemplate
from profile_render.values import Layer

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text())
CHART = Path("examples/hello-chart")
UPGRADED = Path("tests/data/hello-chart-0.2.0")
PROFILE = Path("examples/profile-values.yaml")
EDITED = Path("tests/data/diff/profile-edited.yaml")
REGISTRY_URL = "oci://registry.example.com/apps"
CANARIES = ("canary-old-Xq7pZ", "canary-new-Wm3kR")


def context(version: str = "1.0.0", redeploy: bool = False) -> DeploymentContext:
    return DeploymentContext(app_name="hello", app_version=version, deployment_name="demo", namespace="edge",
                             redeploy_after_update=redeploy)


def registry(password: str = CANARIES[0]) -> ImageRegistry:
    return ImageRegistry("registry", REGISTRY_URL, "robot", Secret(password))


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    """Relative paths, so the sources the diff names are the same on every machine."""
    monkeypatch.chdir(ROOT)


@pytest.fixture
def password_files(tmp_path):
    files = []
    for index, canary in enumerate(CANARIES):
        path = tmp_path / f"password-{index}"
        path.write_text(canary + "\n")
        files.append(path)
    return files


def run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's usage errors leave this way, as for every command
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def common(password_file) -> List[Any]:
    return ["--app-name", "hello", "--deployment-name", "demo", "--namespace", "edge", "--registry-url", REGISTRY_URL,
            "--registry-username", "robot", "--registry-password-file", password_file]


def secret_texts(*results) -> List[str]:
    """Every secret a render holds: the canaries, each Secret data value and its decoded text."""
    found = list(CANARIES)
    for result in results:
        for obj in result.manifests + result.pre_install_manifests:
            for value in (obj.get("data") or {}).values():
                found += [value, base64.b64decode(value).decode()]
    return found


# -- golden: the three cases on the example chart ------------------------------------------------------------

def test_profile_edit_text_golden(capsys, password_files):
    code, out, err = run(["diff", CHART, "--before-profile", PROFILE, "--after-profile", EDITED, "--app-version",
                          "1.0.0", *common(password_files[0])], capsys)
    assert code == 1 and err == ""
    assert out == (
        '~ replicaCount: 2 -> 4   (profile examples/profile-values.yaml:4:1 -> '
        'profile tests/data/diff/profile-edited.yaml:4:1)\n'
        '~ image.tag: "1.0.1" -> "1.0.2"   (profile examples/profile-values.yaml:7:3 -> '
        'profile tests/data/diff/profile-edited.yaml:7:3)\n'
        '~ service.type: "ClusterIP" -> "NodePort"   (chart defaults examples/hello-chart/values.yaml:13:3 -> '
        'profile tests/data/diff/profile-edited.yaml:11:3)\n'
        '+ debug: {"verbose":true}   (chart defaults examples/hello-chart/values.yaml:22:1)\n')


def test_profile_edit_json_golden_matches_schema(capsys, password_files):
    code, out, _ = run(["diff", CHART, "--before-profile", PROFILE, "--after-profile", EDITED, "--app-version",
                        "1.0.0", *common(password_files[0]), "-o", "json"], capsys)
    assert code == 1
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["equal"] is False and data["masked"] is True and data["objects"] == [] and data["secretName"] is None
    assert data["values"][0] == {
        "path": ["replicaCount"], "pathText": "replicaCount", "change": "changed", "before": 2, "after": 4,
        "beforeOrigin": {"layer": "profile", "source": "examples/profile-values.yaml", "line": 4, "column": 1},
        "afterOrigin": {"layer": "profile", "source": "tests/data/diff/profile-edited.yaml", "line": 4, "column": 1},
        "secret": False}
    assert data["values"][3] == {
        "path": ["debug"], "pathText": "debug", "change": "added", "before": None, "after": {"verbose": True},
        "beforeOrigin": None,
        "afterOrigin": {"layer": "chart defaults", "source": "examples/hello-chart/values.yaml", "line": 22,
                        "column": 1},
        "secret": False}


def test_chart_upgrade_golden(capsys, password_files):
    code, out, _ = run(["diff", "--before-chart", CHART, "--after-chart", UPGRADED, "--profile", PROFILE,
                        "--before-app-version", "1.0.0", "--after-app-version", "1.1.0", "--redeploy-after-update",
                        *common(password_files[0])], capsys)
    assert code == 1
    old, new = (render(chart, PROFILE, context=context(version, True), registry=registry()).secret_name
                for chart, version in ((CHART, "1.0.0"), (UPGRADED, "1.1.0")))
    assert old != new  # the version joins the name with --redeploy-after-update
    assert out == (
        f'~ imagePullSecrets[0].name: "{old}" -> "{new}"   (profile examples/profile-values.yaml:9:5 -> '
        'profile examples/profile-values.yaml:9:5)\n'
        '~ service.port: 8080 -> 8081   (chart defaults examples/hello-chart/values.yaml:14:3 -> '
        'chart defaults tests/data/hello-chart-0.2.0/values.yaml:16:3)\n'
        '+ service.extraPorts: [9100]   (chart defaults tests/data/hello-chart-0.2.0/values.yaml:17:3)\n'
        '- resources.limits.cpu: "200m"   (chart defaults examples/hello-chart/values.yaml:18:5)\n'
        '~ resources.limits.memory: "128Mi" -> "256Mi"   (chart defaults examples/hello-chart/values.yaml:19:5 -> '
        'chart defaults tests/data/hello-chart-0.2.0/values.yaml:22:5)\n'
        '+ probes: {"liveness":"/healthz"}   (chart defaults tests/data/hello-chart-0.2.0/values.yaml:24:1)\n'
        f'- Secret/{old}\n'
        f'+ Secret/{new}\n'
        f'~ generated Secret name: "{old}" -> "{new}"\n')


def test_credential_rotation_shows_secret_data_masked_and_name_unchanged(capsys, password_files):
    argv = ["diff", CHART, "--profile", PROFILE, "--app-version", "1.0.0", *common(password_files[0]),
            "--before-registry-password-file", password_files[0], "--after-registry-password-file", password_files[1]]
    code, out, err = run(argv, capsys)
    name = render(CHART, PROFILE, context=context(), registry=registry()).secret_name
    assert code == 1 and err == ""
    assert out == (f"~ Secret/{name} data.\\.dockerconfigjson: **** -> ****  (secret, changed)\n"
                   f"~ Secret/{name} data.secretKey: **** -> ****  (secret, changed)\n")
    code, out, _ = run([*argv, "-o", "json"], capsys)
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["values"] == [] and data["secretName"] is None
    [secret] = data["objects"]
    assert (secret["kind"], secret["name"], secret["namespace"], secret["change"]) == ("Secret", name, "edge", CHANGED)
    assert [f["pathText"] for f in secret["fields"]] == ["data.\\.dockerconfigjson", "data.secretKey"]
    assert all(f["before"] == f["after"] == "****" and f["secret"] for f in secret["fields"])
    assert set(secret["after"]["data"].values()) == {"****"}


def test_show_secrets_shows_the_rotated_data(capsys, password_files):
    code, out, _ = run(["diff", CHART, "--profile", PROFILE, "--app-version", "1.0.0", *common(password_files[0]),
                        "--after-registry-password-file", password_files[1], "--show-secrets", "-o", "json"], capsys)
    field = json.loads(out)["objects"][0]["fields"][0]
    assert code == 1 and CANARIES[1] in base64.b64decode(field["after"]).decode()


def test_same_inputs_exit_0_and_print_nothing(capsys, password_files):
    code, out, err = run(["diff", CHART, "--profile", PROFILE, "--app-version", "1.0.0", *common(password_files[0])],
                         capsys)
    assert (code, out, err) == (0, "", "")
    code, out, _ = run(["diff", CHART, "--profile", PROFILE, "--app-version", "1.0.0", *common(password_files[0]),
                        "-o", "json"], capsys)
    assert code == 0 and json.loads(out) == {"equal": True, "masked": True, "values": [], "objects": [],
                                             "secretName": None}


def test_side_values_and_set_come_after_the_shared_ones(capsys, password_files):
    code, out, _ = run(["diff", CHART, "--profile", PROFILE, "--app-version", "1.0.0", *common(password_files[0]),
                        "-f", "examples/overrides.yaml", "--set", "replicaCount=5", "--after-set", "replicaCount=6",
                        "--after-set-string", "image.pullPolicy=1", "-o", "json"], capsys)
    changes = {c["pathText"]: c for c in json.loads(out)["values"]}
    assert code == 1 and set(changes) == {"replicaCount", "image.pullPolicy"}
    assert (changes["replicaCount"]["before"], changes["replicaCount"]["after"]) == (5, 6)
    assert changes["replicaCount"]["afterOrigin"]["layer"] == "--set"
    assert changes["image.pullPolicy"]["after"] == "1"


# -- exit codes and usage --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["--profile", PROFILE, "--app-version", "1"], "has no chart"),
    ([CHART, "--before-profile", PROFILE, "--app-version", "1"], "the after side has no Profile"),
    ([CHART, "--profile", PROFILE], "the before side has no app version"),
    ([CHART, "--profile", "-", "--app-version", "1"], "a shared --profile or -f cannot be -"),
    ([CHART, "--profile", PROFILE, "-f", "-", "--app-version", "1"], "a shared --profile or -f cannot be -"),
    ([CHART, "--before-profile", "-", "--after-profile", PROFILE, "--after-values", "-", "--app-version", "1"],
     "only one values file can be -"),
])
def test_usage_errors_exit_2(argv, message, capsys, password_files):
    code, out, err = run(["diff", *argv, *common(password_files[0])], capsys)
    assert code == 2 and out == "" and message in err


def test_one_side_reads_the_standard_input(monkeypatch, capsys, password_files):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(EDITED.read_bytes())))
    code, out, _ = run(["diff", CHART, "--before-profile", PROFILE, "--after-profile", "-", "--app-version", "1.0.0",
                        *common(password_files[0])], capsys)
    assert code == 1 and "-> profile <stdin>:4:1)" in out.splitlines()[0]


def test_a_bad_input_exits_2_naming_the_side_and_the_file(tmp_path, capsys, password_files):
    broken = tmp_path / "broken.yaml"
    broken.write_text("replicaCount: [\n")
    code, out, err = run(["diff", CHART, "--before-profile", PROFILE, "--after-profile", broken, "--app-version",
                          "1.0.0", *common(password_files[0])], capsys)
    assert code == 2 and out == ""
    assert err.startswith("profile-render: error: the after render: ") and f"{broken}:" in err
    assert "Traceback" not in err


def test_colour_only_on_a_terminal_and_no_color_honoured(monkeypatch, password_files):
    import io

    from profile_render import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    argv = ["diff", str(CHART), "--before-profile", str(PROFILE), "--after-profile", str(EDITED), "--app-version",
            "1.0.0", *map(str, common(password_files[0]))]
    for no_color, coloured in (("", True), ("1", False)):
        monkeypatch.setenv("NO_COLOR", no_color)
        terminal = Terminal()
        monkeypatch.setattr(cli.sys, "stdout", terminal)
        assert main(argv) == 1
        assert ("\033[33m~ replicaCount" in terminal.getvalue()) is coloured
        assert ("\033[" in terminal.getvalue()) is coloured


def test_terminal_text_escapes_control_characters():
    change = Change(("a\x1b[31m",), CHANGED, "x\x9b2J", "\u202eevil")
    from profile_render.diff import DiffResult

    text = diff_text(DiffResult((change,)))
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    assert "\\u001b" in text and "\\u009b" in text and "\\u202e" in text
    assert terminal_safe("tab\there") == "tab\\u0009here"


# -- the library ------------------------------------------------------------------------------------------------------

def test_types_are_compared_exactly():
    before = {"a": 1, "b": 1, "c": 1, "d": True, "e": None}
    after = {"a": 1.0, "b": "1", "c": True, "d": 1, "e": ""}
    assert [path for path, kind, _, _ in tree_changes(before, after)] == [("a",), ("b",), ("c",), ("d",), ("e",)]
    assert not tree_changes({"x": [1, {"y": "z"}]}, {"x": [1, {"y": "z"}]})
    assert same_value(1.5, 1.5) and not same_value(0, False)


def test_lists_by_index_and_type_changes_at_their_path():
    before = {"l": [1, 2, 3], "m": {"k": 1}, "s": "text"}
    after = {"l": [1, 9], "m": "scalar", "s": {"k": 1}}
    assert tree_changes(before, after) == [
        (("l", 1), CHANGED, 2, 9), (("l", 2), REMOVED, 3, None),
        (("m",), CHANGED, {"k": 1}, "scalar"), (("s",), CHANGED, "text", {"k": 1})]
    assert tree_changes({"l": []}, {"l": ["a", "b"]}) == [(("l", 0), ADDED, None, "a"), (("l", 1), ADDED, None, "b")]


def test_merge_results_diff_with_origins_and_no_objects(tmp_path):
    values = tmp_path / "v.yaml"
    values.write_text("replicaCount: 9\n")
    result = diff_renders(merge_values(CHART, []), merge_values(CHART, [values]))
    [change] = result.values
    assert change.before_origin.layer == "chart defaults" and change.after_origin.line == 1
    assert result.objects == () and result.secret_name is None
    assert not diff_renders(merge_values(CHART, []), merge_values(CHART, []), origins=False)


def test_secret_parameters_are_masked_on_either_side():
    template = ParameterTemplate(name="token", secret=True)
    plain = render(CHART, PROFILE, context=context(), registry=registry())
    with_secret = render(CHART, PROFILE, context=context(), registry=registry(), parameter_templates=[template],
                         parameters={"token": CANARIES[1]})
    for before, after, kind in ((plain, with_secret, ADDED), (with_secret, plain, REMOVED)):
        result = diff_renders(before, after)
        [change] = result.values
        assert change.change == kind and change.secret and change.path == ("token",)
        assert CANARIES[1] not in result.to_json() and CANARIES[1] not in diff_text(result)
        assert "****" in result.to_json()
        unmasked = diff_renders(before, after, masked=False)
        assert CANARIES[1] in unmasked.to_json() and unmasked.values[0].secret
    with pytest.raises(ValueError, match="masked"):
        apply_changes(plain.values, diff_renders(plain, with_secret).values)


def test_configmap_added_when_the_profile_asks_for_the_ca():
    ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    with_ca = ImageRegistry("registry", REGISTRY_URL, "robot", Secret(CANARIES[0]), ca_certs=ca)
    profile = {"imagePullSecrets": [{"name": "%GeneratedDockerCredential%"}]}
    before = render(CHART, profile, context=context(), registry=with_ca)
    after = render(CHART, {**profile, "ca": "%RegistryCertConfigMap%"}, context=context(), registry=with_ca)
    result = diff_renders(before, after)
    assert [(c.path, c.change) for c in result.values] == [(("ca",), ADDED)]
    assert [(o.kind, o.change) for o in result.objects] == [("ConfigMap", ADDED)]
    assert result.objects[0].after["data"]  # a ConfigMap's data is not secret: shown
    assert result.objects[0].name == result.values[0].after


# -- properties --------------------------------------------------------------------------------------------------------

KEYS = st.sampled_from(["a", "b", "replicaCount", "image", "service", "tag", "x.y", "0"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.5, 1.0, -2.25]),
                    st.text(alphabet="ab1 .", max_size=4))
TREES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(KEYS, inner, max_size=4)), max_leaves=12)
MAPS = st.dictionaries(KEYS, TREES, max_size=5)


@settings(max_examples=300, deadline=None)
@given(before=MAPS, after=MAPS)
def test_applying_tree_changes_reproduces_the_other_side(before, after):
    changes = [Change(path, kind, old, new) for path, kind, old, new in tree_changes(before, after)]
    assert same_value(apply_changes(before, changes), after)
    assert not tree_changes(before, before) and not tree_changes(after, json.loads(json.dumps(after)))


_HELLO = load_chart(ROOT / "examples" / "hello-chart")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=MAPS, second=MAPS)
def test_render_diffs_are_empty_with_itself_replay_exactly_and_never_show_a_secret(first, second):
    """diff(a, a) is empty; applying diff(a, b) to a's values gives b's; no masked output holds a secret."""
    template = ParameterTemplate(name="b", secret=True)
    base = {"imagePullSecrets": [{"name": "%GeneratedDockerCredential%"}]}
    before = render(_HELLO, {**first, **base}, context=context(), registry=registry(CANARIES[0]),
                    parameter_templates=[template], parameters={"b": CANARIES[0]})
    after = render(_HELLO, {**second, **base}, context=context(), registry=registry(CANARIES[1]),
                   parameter_templates=[template], parameters={"b": CANARIES[1]})
    assert diff_renders(before, before).equal
    assert same_value(apply_changes(before.values, diff_renders(before, after, masked=False).values), after.values)
    masked = diff_renders(before, after)
    shown = masked.to_json() + diff_text(masked)
    for secret in secret_texts(before, after):
        assert secret not in shown
    jsonschema.validate(json.loads(masked.to_json()), SCHEMA)


def test_layer_mappings_normalise_before_diffing():
    """Values given as Python numbers are Helm's float64 on both sides: 2 and 2.0 read alike after normalising."""
    a = merge_values(CHART, [Layer.from_mapping({"replicaCount": 2})])
    b = merge_values(CHART, [Layer.from_mapping({"replicaCount": 2.0})])
    assert diff_renders(a, b).equal


def test_no_password_reaches_any_output_of_the_cli(capsys, password_files):
    """Canary: the rotated passwords, and the Secret data made from them, appear in no output unless asked."""
    base = ["diff", CHART, "--profile", PROFILE, "--app-version", "1.0.0", *common(password_files[0]),
            "--after-registry-password-file", password_files[1]]
    renders = [render(CHART, PROFILE, context=context(), registry=registry(c)) for c in CANARIES]
    for extra in ([], ["-o", "json"]):
        code, out, err = run([*base, *extra], capsys)
        assert code == 1
        for secret in secret_texts(*renders):
            assert secret not in out and secret not in err


def test_a_secret_given_where_its_file_belongs_is_never_echoed(capsys, password_files):
    code, out, err = run(["diff", CHART, "--profile", PROFILE, "--app-version", "1.0.0", *common(password_files[0]),
                          "--after-registry-password-file", CANARIES[1]], capsys)
    assert code == 2 and out == ""
    assert "the after render" in err and "--registry-password-file" in err and CANARIES[1] not in err


def test_a_secret_moving_to_pre_install_is_removed_from_one_list_and_added_to_the_other():
    plain = {"imagePullSecrets": [{"name": "%GeneratedDockerCredential%"}]}
    hooked = {**plain, "hook": {"pullSecret": "%PreHookCredential%"}}
    before = render(CHART, plain, context=context(), registry=registry())
    after = render(CHART, hooked, context=context(), registry=registry())
    result = diff_renders(before, after)
    name = before.secret_name
    assert [(o.list_name, o.kind, o.name, o.change) for o in result.objects] == [
        ("manifests", "Secret", name, REMOVED), ("preInstallManifests", "Secret", name, ADDED)]
    assert diff_text(result).splitlines()[-2:] == [f"- Secret/{name}", f"+ Secret/{name} (pre-install)"]
    assert CANARIES[0] not in result.to_json()


def test_html_writes_the_after_report_with_the_changes_and_no_secret(capsys, password_files, tmp_path):
    page_path = tmp_path / "diff.html"
    code, out, err = run(["diff", CHART, "--before-profile", PROFILE, "--after-profile", EDITED, "--app-version",
                          "1.0.0", *common(password_files[0]), "--after-registry-password-file", password_files[1],
                          "--show-secrets", "--html", page_path], capsys)
    assert code == 1
    page = page_path.read_text(encoding="utf-8")
    assert "replicaCount" in page and "NodePort" in page and "profile-edited.yaml" in page
    for secret in secret_texts(render(CHART, PROFILE, context=context(), registry=registry(CANARIES[0])),
                               render(CHART, EDITED, context=context(), registry=registry(CANARIES[1]))):
        assert secret not in page  # masked in the page even with --show-secrets on the terminal
    code, _, err = run(["diff", CHART, "--profile", PROFILE, "--app-version", "1.0.0", *common(password_files[0]),
                        "--html", tmp_path / "missing" / "x.html"], capsys)
    assert code == 2 and "cannot write the report" in err
