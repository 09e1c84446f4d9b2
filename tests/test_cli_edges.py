"""The CLI's rough edges (issue 11): stdin, -o with --explain/--output-dir, password files, unknown
applications, one report per error, located warnings, plain archive errors, help text, exit codes, and the
readable summary of render / package render on a terminal."""

from __future__ import annotations

import argparse
import base64
import json
import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest
import yaml

from profile_render.cli import _build_parser
from profile_render.yamlio.load import load_values
from tests.test_render import _cli as run  # main() in-process; usage errors give their exit code

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "examples" / "hello-chart"
PROFILE = ROOT / "examples" / "profile-values.yaml"
PACKAGE = ROOT / "examples" / "edge-package"
TOKEN = "EXAMPLE-not-a-real-token-0000"  # the authToken of examples/edge-package/registries.yaml
CANARY = "canary-Pa55-w0rd"
SECRET_NAME = "b-0a3669a2-6cbc-50"


def render_args(profile=PROFILE, *extra):
    return ["render", CHART, "--profile", profile, "--app-name", "hello-world", "--app-version", "1.0.0",
            "--deployment-name", "deployment-abc12", "--namespace", "apps", *extra]


def registry_args(password_file):
    return ["--registry-url", "oci://registry-oci.example.com/catalog-apps-acme-edge",
            "--registry-username", "robot$acme", "--registry-password-file", password_file]


def package_charts(root=PACKAGE):
    charts = []
    for app in ("web-app", "vm-ephemeral", "vm-pv"):
        charts += ["--chart", f"{app}={root / 'charts' / app}"]
    return charts + ["--registry", root / "registries.yaml"]


def package_args(root=PACKAGE, *extra):
    return ["package", "render", root, *package_charts(root), "--deployment-name", "demo", "--org", "acme",
            "--project", "edge", *extra]


@pytest.fixture
def password(tmp_path):
    path = tmp_path / "token.txt"
    path.write_text(CANARY + "\n")
    return path


@pytest.fixture(autouse=True)
def _no_password_env(monkeypatch):
    monkeypatch.delenv("PROFILE_RENDER_REGISTRY_PASSWORD", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def _subprocess(argv: List[str], stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PROFILE_RENDER_REGISTRY_PASSWORD", None)
    return subprocess.run([sys.executable, "-m", "profile_render", *map(str, argv)], input=stdin, capture_output=True,
                          cwd=ROOT, env=env, timeout=120)


# -- stdin -----------------------------------------------------------------------------------------------------


def test_render_profile_from_stdin_in_a_real_process(password):
    piped = _subprocess(render_args("-", *registry_args(password), "-o", "json"), stdin=PROFILE.read_bytes())
    from_file = _subprocess(render_args(PROFILE, *registry_args(password), "-o", "json"))
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["values"] == json.loads(from_file.stdout)["values"]
    assert json.loads(piped.stdout)["values"]["replicaCount"] == 2


def test_render_explain_from_stdin_names_stdin(password, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", _Stdin(PROFILE.read_bytes()))
    code, out, err = run(render_args("-", *registry_args(password), "--explain", "replicaCount"), capsys)
    assert code == 0, err
    assert "<stdin>:" in out.splitlines()[1]


class _Stdin:
    """A stand-in for sys.stdin whose ``buffer`` holds given bytes."""

    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize("argv", [
    render_args("-", "-f", "-"),
    ["merge", CHART, "-f", "-", "-f", "-"],
])
def test_stdin_can_be_named_once(argv, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert "only one values file can be -" in err


# -- -o json with --explain and --output-dir ------------------------------------------------------------------


def test_merge_explain_json_document(capsys):
    code, out, err = run(["merge", CHART, "-f", PROFILE, "--explain", "image.repository", "--explain",
                          "service.port", "-o", "json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    first, second = doc["explain"]
    assert first["path"] == "image.repository" and first["value"] == "%ImageRegistryURL%/hello-edge"
    assert first["secret"] is False and first["parameter"] is None
    assert first["origins"][0] == {"layer": "values file", "source": str(PROFILE), "line": 6, "column": 3,
                                   "sourcePath": "image.repository"}
    assert second["value"] == 8080 and second["origins"][0]["layer"] == "chart defaults"
    assert second["origins"][0]["line"] == 14


def test_render_explain_json_masks_nothing_but_secrets(password, capsys):
    code, out, err = run(render_args(PROFILE, *registry_args(password), "--explain", "imagePullSecrets[0].name",
                                     "-o", "json"), capsys)
    assert code == 0, err
    (record,) = json.loads(out)["explain"]
    assert record["value"] == SECRET_NAME and record["origins"][0]["line"] == 9
    assert CANARY not in out + err


def test_explain_text_is_unchanged_without_o_json(capsys):
    code, out, _ = run(["merge", CHART, "-f", PROFILE, "--explain", "image.repository"], capsys)
    assert code == 0
    assert out.splitlines()[0] == 'image.repository = "%ImageRegistryURL%/hello-edge"'


def test_output_dir_writes_json_files_with_o_json(password, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, err = run(render_args(PROFILE, *registry_args(password), "--output-dir", out_dir, "-o", "json"),
                         capsys)
    assert code == 0 and out == ""
    assert sorted(os.listdir(out_dir)) == ["manifests.json", "pre-install.json", "values.json"]
    assert "values.json, manifests.json, pre-install.json" in err
    values = json.loads((out_dir / "values.json").read_text())
    assert values["imagePullSecrets"] == [{"name": SECRET_NAME}]
    manifests = json.loads((out_dir / "manifests.json").read_text())
    assert [m["kind"] for m in manifests] == ["Secret"]
    assert json.loads((out_dir / "pre-install.json").read_text()) == []


def test_package_output_dir_json(tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, err = run(package_args(PACKAGE, "--output-dir", out_dir, "-o", "json"), capsys)
    assert code == 0, err
    assert sorted(os.listdir(out_dir / "vm-pv")) == ["manifests.json", "pre-install.json", "values.json"]
    kinds = [m["kind"] for m in json.loads((out_dir / "vm-pv" / "manifests.json").read_text())]
    assert kinds == ["Secret", "ConfigMap"]


@pytest.mark.parametrize("extra, message", [
    (["--output-dir", "OUT", "-o", "summary"], "--output-dir writes yaml or json files"),
    (["--explain", "replicaCount", "-o", "summary"], "-o summary does not apply"),
])
def test_summary_with_explain_or_output_dir_is_a_usage_error(extra, message, tmp_path, capsys):
    extra = [str(tmp_path / "out") if item == "OUT" else item for item in extra]
    code, out, err = run(render_args(PROFILE, *extra), capsys)
    assert code == 2 and out == "" and message in err
    assert not (tmp_path / "out").exists()


# -- password files ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content, detail", [(b"", ""), (b"\n", " (it holds only a line end)"),
                                             (b"\r\n", " (it holds only a line end)")])
def test_empty_password_file_is_named(content, detail, tmp_path, capsys):
    path = tmp_path / "empty-token.txt"
    path.write_bytes(content)
    code, out, err = run(render_args(PROFILE, *registry_args(path)), capsys)
    assert code == 1 and out == ""
    assert err.strip() == (f"profile-render: error: {path}: the registry password file is empty{detail}. "
                           "Hint: write the registry password or token into it")
    assert "none were given" not in err


@pytest.mark.parametrize("content, expected", [
    (CANARY.encode() + b"\r\n", CANARY),
    (CANARY.encode() + b"\n", CANARY),
    (CANARY.encode(), CANARY),
    (CANARY.encode() + b"\r\n\r\n", CANARY + "\r\n"),  # only one line end is dropped
    (CANARY.encode() + b"\r", CANARY + "\r"),  # a lone \r is not a line end
])
def test_password_file_drops_one_line_end(content, expected, tmp_path, capsys):
    path = tmp_path / "token.txt"
    path.write_bytes(content)
    code, out, err = run(render_args(PROFILE, *registry_args(path), "-o", "json"), capsys)
    assert code == 0, err
    secret = json.loads(out)["manifests"][0]
    assert base64.b64decode(secret["data"]["secretKey"]).decode() == expected
    config = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))
    (auth,) = config["auths"].values()
    assert auth["password"] == expected
    assert CANARY not in err


def test_username_without_password_is_a_usage_error(capsys):
    code, out, err = run(render_args(PROFILE, "--registry-url", "oci://r.example.com", "--registry-username", "u"),
                         capsys)
    assert code == 2 and out == ""
    assert "--registry-username needs a password" in err and "PROFILE_RENDER_REGISTRY_PASSWORD" in err


def test_password_file_without_username_is_a_usage_error(password, capsys):
    code, _, err = run(render_args(PROFILE, "--registry-url", "oci://r.example.com", "--registry-password-file",
                                   password), capsys)
    assert code == 2 and "--registry-password-file needs --registry-username" in err
    assert CANARY not in err


def test_empty_password_variable_is_an_error(monkeypatch, capsys):
    monkeypatch.setenv("PROFILE_RENDER_REGISTRY_PASSWORD", "")
    code, _, err = run(render_args(PROFILE, "--registry-url", "oci://r.example.com", "--registry-username", "u"),
                       capsys)
    assert code == 1 and "PROFILE_RENDER_REGISTRY_PASSWORD: the password is empty" in err


# -- packages ---------------------------------------------------------------------------------------------------


def test_unknown_chart_application_is_a_usage_error(capsys):
    code, out, err = run(package_args(PACKAGE, "--chart", f"vm-pvv={PACKAGE / 'charts' / 'vm-pv'}"), capsys)
    assert code == 2 and out == ""
    assert ("--chart: application 'vm-pvv' is not part of package 'edge-demo' (did you mean 'vm-pv'?); "
            "its applications are: web-app, vm-ephemeral, vm-pv") in err


@pytest.mark.parametrize("extra, option", [(["--app", "nosuch"], "--app"), (["--set", "nosuch:a=1"], "--set")])
def test_unknown_application_elsewhere_is_a_usage_error(extra, option, capsys):
    code, _, err = run(package_args(PACKAGE, *extra), capsys)
    assert code == 2 and f"{option}: application 'nosuch' is not part of package 'edge-demo'" in err


@pytest.fixture
def broken_package(tmp_path):
    """The example package with a tab in web-app's profile and a misspelt placeholder in two other profiles."""
    root = tmp_path / "pkg"
    shutil.copytree(PACKAGE, root)
    web = root / "web-app-values.yaml"
    web.write_text(web.read_text().replace('\n  tag: "1.4.2"\n', '\n\ttag: "1.4.2"\n', 1))
    for name in ("vm-ephemeral-values.yaml", "vm-pv-values.yaml"):
        path = root / name
        path.write_text(path.read_text().replace("%ImageRegistryURL%", "%ImageRegistryUrl%"))
    return root


def _error_lines(text: str) -> List[str]:
    return sorted(line.strip() for line in text.splitlines()
                  if ": error: " in line and not line.startswith("profile-render:"))


def test_lint_reports_a_tab_error_once(broken_package, capsys):
    code, out, err = run(["lint", broken_package, *package_charts(broken_package)], capsys)
    assert code == 1
    tab_errors = [line for line in out.splitlines() if "web-app-values.yaml:5:1" in line]
    assert len(tab_errors) == 1 and "tabs" in tab_errors[0]
    assert "3 error(s)" in err


def test_package_render_reports_what_lint_reports(broken_package, capsys):
    _, lint_out, _ = run(["lint", broken_package, *package_charts(broken_package)], capsys)
    code, out, err = run(package_args(broken_package), capsys)
    assert code == 1 and out == ""
    assert "the deployment package has 3 error(s)" in err
    assert _error_lines(err) == _error_lines(lint_out) and len(_error_lines(err)) == 3


def test_package_render_reports_lint_errors_when_a_render_stops(tmp_path, capsys):
    root = tmp_path / "pkg"
    shutil.copytree(PACKAGE, root)
    for name in ("vm-ephemeral-values.yaml", "vm-pv-values.yaml"):  # catalog checks pass; renders fail
        path = root / name
        path.write_text(path.read_text().replace("%ImageRegistryURL%", "%ImageRegistryUrl%"))
    _, lint_out, _ = run(["lint", root, *package_charts(root)], capsys)
    code, _, err = run(package_args(root), capsys)
    assert code == 1 and "the deployment package has 2 error(s)" in err
    assert _error_lines(err) == _error_lines(lint_out)


# -- located warnings, plain archive errors ---------------------------------------------------------------------


def test_table_conflict_warning_is_located(tmp_path, capsys):
    values = tmp_path / "conflict.yaml"
    values.write_text("replicaCount: 1\nservice: 5\n")
    code, _, err = run(["merge", CHART, "-f", values], capsys)
    assert code == 0
    assert f"{values}:2:1: warning: the chart default is a table but the given value is a number" in err
    code, _, err = run(["merge", CHART, "-f", values, "--strict"], capsys)
    assert code == 1 and f"profile-render: error: {values}:2:1: the chart default is a table" in err
    code, _, err = run(["merge", CHART, "--set", "service=3"], capsys)
    assert err.startswith("--set service=3: warning: the chart default is a table")


def test_table_conflict_warning_from_the_api_is_located(tmp_path):
    from profile_render import Layer, merge_values

    values = tmp_path / "conflict.yaml"
    values.write_text("image:\n  tag:\n    a: 1\n")
    (warning,) = merge_values(CHART, [Layer.from_file(values)]).warnings
    assert (warning.source, warning.line, warning.column, warning.path) == (str(values), 2, 3, ("image", "tag"))


def _gzip_corrupt(tmp_path: Path) -> Path:
    good = tmp_path / "good.tgz"
    subprocess.run(["tar", "czf", good, "-C", CHART.parent, CHART.name], check=True)
    data = bytearray(good.read_bytes())
    data[40:60] = b"\xff" * 20  # damage the deflate data after the gzip header
    bad = tmp_path / "corrupt.tgz"
    bad.write_bytes(bytes(data))
    return bad


def test_corrupt_archive_message_is_plain(tmp_path, capsys):
    bad = _gzip_corrupt(tmp_path)
    code, _, err = run(["merge", bad], capsys)
    assert code == 1
    assert "the chart archive is corrupt (its gzip data cannot be decompressed)" in err or \
           "the chart archive holds" in err
    for internal in ("Error -3", "ReadError", "zlib", "while decompressing", "Traceback"):
        assert internal not in err
    truncated = tmp_path / "truncated.tgz"
    truncated.write_bytes(bad.read_bytes()[:30])
    code, _, err = run(["merge", truncated], capsys)
    assert code == 1 and "the chart archive is truncated (its gzip stream ends early)" in err


def test_zlib_error_becomes_the_plain_message(tmp_path, capsys):
    import gzip

    payload = gzip.compress(b"x" * 4096)
    broken = payload[:10] + bytes([0xFF]) * 8 + payload[18:]  # an invalid deflate block right after the header
    path = tmp_path / "broken.tgz"
    path.write_bytes(broken)
    code, _, err = run(["merge", path], capsys)
    assert code == 1
    assert err.strip() == (f"profile-render: error: {path}: the chart archive is corrupt (its gzip data cannot be "
                           "decompressed). Hint: download or copy the archive again, or rebuild it with "
                           "`helm package`")


# -- help ---------------------------------------------------------------------------------------------------------


def _actions(parser: argparse.ArgumentParser, prefix: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield f"{prefix} {choice.dest}", choice
            for name, sub in action.choices.items():
                yield from _actions(sub, f"{prefix} {name}")
        elif not isinstance(action, argparse._HelpAction):
            yield prefix, action


def test_every_option_of_every_command_has_help():
    missing = [f"{where}: {action.option_strings or action.dest}"
               for where, action in _actions(_build_parser(), "profile-render")
               if not (action.help and action.help.strip()) or action.help == argparse.SUPPRESS]
    assert missing == []
    assert len(list(_actions(_build_parser(), "profile-render"))) > 50


# -- the summary ------------------------------------------------------------------------------------------------


def test_render_summary(password, capsys):
    code, out, err = run(render_args(PROFILE, *registry_args(password), "-o", "summary"), capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "hello-world"
    assert "  namespace     apps" in lines
    assert f"  pull Secret   {SECRET_NAME}" in lines
    assert "  credentials   user robot$acme, password ****" in lines
    assert f"  placeholders  %GeneratedDockerCredential% -> {SECRET_NAME}" in lines
    assert "                %ImageRegistryURL%          -> registry-oci.example.com/catalog-apps-acme-edge" in lines
    assert f"  generated     Secret/{SECRET_NAME}" in lines
    assert "  warnings      none" in lines
    assert "Full values and manifests: -o yaml or -o json" in out
    assert "--show-secrets shows them" in out
    assert CANARY not in out and "\033[" not in out
    # deterministic
    assert run(render_args(PROFILE, *registry_args(password), "-o", "summary"), capsys)[1] == out


def test_render_summary_show_secrets(password, capsys):
    code, out, _ = run(render_args(PROFILE, *registry_args(password), "-o", "summary", "--show-secrets"), capsys)
    assert code == 0
    assert f"  credentials   user robot$acme, password {CANARY}" in out.splitlines()
    assert "--show-secrets shows them" not in out


def test_render_summary_shows_warnings(password, tmp_path, capsys):
    overrides = tmp_path / "conflict.yaml"
    overrides.write_text("service: 5\n")
    code, out, err = run(render_args(PROFILE, *registry_args(password), "-f", overrides, "-o", "summary"), capsys)
    assert code == 0, err
    warning = [line for line in out.splitlines() if line.startswith("  warnings")]
    assert warning and f"{overrides}:1:1: warning: the chart default is a table" in warning[0]
    assert err == ""


def test_package_summary(capsys):
    code, out, err = run(package_args(PACKAGE, "-o", "summary"), capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "package edge-demo 0.1.0, deployment profile default: 3 applications"
    assert [line for line in lines if line and not line.startswith(" ")][1:4] == ["web-app", "vm-ephemeral", "vm-pv"]
    assert "  namespace     edge-web" in lines and "  profile       default" in lines
    assert any(line.endswith("(pre-install: a hook pulls with it)") for line in lines)
    assert "  credentials   user robot$acme-edge+catalog, password ****" in lines
    assert any(line.strip().startswith("ConfigMap/") and line.endswith("-registry-ca") for line in lines)
    assert TOKEN not in out
    code, shown, _ = run(package_args(PACKAGE, "-o", "summary", "--show-secrets"), capsys)
    assert f"password {TOKEN}" in shown


def test_piped_output_stays_the_full_document():
    done = _subprocess(package_args(PACKAGE))
    assert done.returncode == 0, done.stderr
    assert set(yaml.safe_load(done.stdout)) == {"package", "version", "deploymentProfile", "applications",
                                                "fleetGlobals"}


def _run_on_a_terminal(argv: List[str], env_extra: dict) -> str:
    """Run the CLI with stdout on a pseudo-terminal; return what it printed there."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_extra}
    env.pop("PROFILE_RENDER_REGISTRY_PASSWORD", None)
    if "NO_COLOR" not in env_extra:
        env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "profile_render", *map(str, argv)], stdout=terminal,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=ROOT, env=env)
    os.close(terminal)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed (Linux reports EIO)
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(controller)
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_terminal_gets_the_summary_in_colour():
    text = _run_on_a_terminal(package_args(PACKAGE), {})
    assert "\033[1mweb-app\033[0m" in text
    assert "package edge-demo 0.1.0" in text and "password ****" in text
    assert "apiVersion" not in text and TOKEN not in text


def test_no_color_is_honoured_on_a_terminal():
    text = _run_on_a_terminal(package_args(PACKAGE), {"NO_COLOR": "1"})
    assert "\033[" not in text
    assert "\nweb-app\n" in text


def test_a_terminal_with_o_yaml_gets_the_document():
    text = _run_on_a_terminal(package_args(PACKAGE, "-o", "yaml"), {})
    assert load_values(text).data["package"] == "edge-demo"


def test_readme_shows_the_real_summary(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # the README's command runs from the repository root
    readme = (ROOT / "README.md").read_text()
    shown = readme.split("```text\n", 1)[1].split("```", 1)[0]
    code, out, _ = run(package_args(Path("examples/edge-package"), "-o", "summary"), capsys)
    assert code == 0 and shown.startswith("package edge-demo")
    assert out.startswith(shown)


def test_package_summary_masks_secret_parameters(capsys):
    data = ROOT / "tests" / "data"
    argv = ["package", "render", data / "adm-package", "--chart", f"svc={data / 'adm-chart'}", "--chart",
            f"side={data / 'adm-chart'}", "--deployment-name", "d1", "--set", f"svc:token={CANARY}",
            "--set", "svc:replicas=3", "-o", "summary"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert "  parameters    replicas = 3" in lines and "                token = ****" in lines
    assert "  profile       (none: empty profile values)" in lines  # side is not listed by the deployment profile
    assert "  pull Secret   none (no credential placeholder is used)" in lines
    assert CANARY not in out + err
    code, out, _ = run(argv + ["--show-secrets"], capsys)
    assert f'                token = "{CANARY}"' in out.splitlines()


def test_lint_behind_package_render_survives_a_huge_number_default(tmp_path, capsys):
    # package render now runs lint when it stops; lint read a 6,001-digit number default with int(), which
    # Python refuses past 4,300 digits (an internal error).
    from profile_render.orchestrator.params import ParameterTemplate, reference_reading

    root = tmp_path / "pkg"
    shutil.copytree(PACKAGE, root)
    app = root / "web-app-app.yaml"
    app.write_text(app.read_text() + "    parameterTemplates:\n      - name: replicaCount\n        displayName: n\n"
                   f"        type: number\n        default: \"{'0' * 6000}3\"\n")
    for argv in (["lint", root, *package_charts(root)], package_args(root)):
        code, out, err = run(argv, capsys)
        assert code == 1 and "internal error" not in err
        assert "default must be at most 4096 characters long; it has 6001" in out + err
    number = ParameterTemplate("n", "number")
    assert reference_reading(number, "0" * 6000 + "3") == 3
    assert reference_reading(number, "-" + "0" * 6000 + "3") == -3
    assert reference_reading(number, "9" * 5000) == 9223372036854775807
    assert reference_reading(number, "-" + "9" * 5000) == -9223372036854775807
