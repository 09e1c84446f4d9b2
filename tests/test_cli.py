"""The merge command: stdout carries only values, exit codes 0/1/2, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from profile_render.cli import main
from profile_render.yamlio.load import load_values

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CHART = ROOT / "examples" / "hello-chart"
EXAMPLE_PROFILE = ROOT / "examples" / "profile-values.yaml"


def run(argv, capsys):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_merge_example_yaml(capsys):
    code, out, err = run(["merge", EXAMPLE_CHART, "-f", EXAMPLE_PROFILE], capsys)
    assert code == 0 and err == ""
    values = load_values(out).data
    assert values["replicaCount"] == 2
    assert values["image"] == {"repository": "%ImageRegistryURL%/hello-edge", "tag": "1.0.1", "pullPolicy": "IfNotPresent"}
    assert values["imagePullSecrets"] == [{"name": "%GeneratedDockerCredential%"}]
    assert "debug" not in values


def test_merge_json_and_set_order(capsys):
    code, out, _ = run(["merge", EXAMPLE_CHART, "--set-string", "replicaCount=7", "--set", "replicaCount=3",
                        "-o", "json"], capsys)
    assert code == 0
    # Helm applies every --set before every --set-string, whatever the order on the command line
    assert json.loads(out)["replicaCount"] == "7"


def test_warnings_go_to_stderr(tmp_path, capsys):
    values = tmp_path / "dup.yaml"
    values.write_text("replicaCount: 1\nreplicaCount: 2\nservice: 5\n")
    code, out, err = run(["merge", EXAMPLE_CHART, "-f", values, "-o", "json"], capsys)
    assert code == 0
    assert json.loads(out)["replicaCount"] == 2
    assert "duplicate key 'replicaCount'" in err and f"{values}:2:1" in err
    assert "service" in err and "table" in err


def test_strict_makes_warnings_errors(tmp_path, capsys):
    values = tmp_path / "dup.yaml"
    values.write_text("replicaCount: 1\nreplicaCount: 2\n")
    code, out, err = run(["merge", EXAMPLE_CHART, "-f", values, "--strict"], capsys)
    assert code == 1 and out == ""
    assert f"{values}:2:1" in err and "strict" in err


def test_explain(capsys):
    code, out, err = run(["merge", EXAMPLE_CHART, "-f", EXAMPLE_PROFILE, "--explain", "image.repository",
                          "--explain", "service.port"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == 'image.repository = "%ImageRegistryURL%/hello-edge"'
    assert "values file" in lines[1] and f"{EXAMPLE_PROFILE}:6:3" in lines[1]
    assert lines[2] == "service.port = 8080"
    assert "chart defaults" in lines[3] and "values.yaml:14:3" in lines[3]


def test_explain_missing_path_is_an_input_error(capsys):
    code, out, err = run(["merge", EXAMPLE_CHART, "--explain", "service.prot"], capsys)
    assert code == 1 and out == ""
    assert "did you mean service.port" in err


def test_input_errors_exit_1_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("image:\n  tag: %PreHookCredential%\n")
    code, out, err = run(["merge", EXAMPLE_CHART, "-f", bad], capsys)
    assert code == 1 and out == ""
    assert f"{bad}:2:8" in err and "quote" in err and "Traceback" not in err
    code, _, err = run(["merge", tmp_path / "no-chart"], capsys)
    assert code == 1 and "does not exist" in err
    code, _, err = run(["merge", EXAMPLE_CHART, "--set", "a[x]=1"], capsys)
    assert code == 1 and "--set a[x]=1" in err


@pytest.mark.parametrize("argv, usage, problems", [
    (["merge"], "usage: profile-render merge [-h]",
     ["profile-render merge: usage error: the following arguments are required: CHART"]),
    (["merge", EXAMPLE_CHART, "-o", "toml"], "usage: profile-render merge [-h]",
     ["profile-render merge: usage error: argument -o/--output: invalid choice: 'toml'"]),
    # no command at all: the usage and the list of commands
    ([], "usage: profile-render [-h]",
     [f"\n    {command}" for command in ("merge", "render", "package", "lint", "check-manifests")]),
])
def test_usage_errors_exit_2(argv, usage, problems, capsys):
    # argparse leaves by SystemExit, main() returns the code itself when no
    # command is given: a shell sees exit status 2 either way.
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith(usage), err
    for problem in problems:
        assert problem in err, err


def test_module_entry_point_and_stdin():
    proc = subprocess.run(
        [sys.executable, "-m", "profile_render", "merge", str(EXAMPLE_CHART), "-f", "-", "-o", "json"],
        input="replicaCount: 5\n", capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["replicaCount"] == 5


def test_stdin_errors_name_stdin():
    proc = subprocess.run(
        [sys.executable, "-m", "profile_render", "merge", str(EXAMPLE_CHART), "-f", "-"],
        input="a: [\n", capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("profile-render: error: <stdin>:2:1")


BAD_POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com:5000/app/web:1.0
      imagePullSecrets:
        - name: regcred
"""


def test_check_manifests_cli(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_POD)
    code, out, err = run(["check-manifests", bad, "--private-registry", "registry.example.com:5000",
                          "--pull-secret", "regcred"], capsys)
    assert code == 1
    assert f"{bad}:9:7: error: Pod/web:" in out and "[pull-secret-in-container]" in out
    assert "[private-image-without-pull-secret]" in out and "error(s)" in err
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(BAD_POD.replace("      imagePullSecrets:\n        - name: regcred\n", "")
                     + "  imagePullSecrets:\n    - name: regcred\n")
    code, out, _ = run(["check-manifests", fixed, "--private-registry", "registry.example.com:5000",
                        "--pull-secret", "regcred", "--format", "json"], capsys)
    assert code == 0 and json.loads(out) == []
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Pod\nmetadata: [\n")
    code, out, err = run(["check-manifests", broken], capsys)
    assert code == 1 and out == "" and f"{broken}:3:1" in err and "Traceback" not in err
    code, _, err = run(["check-manifests", tmp_path / "missing.yaml"], capsys)
    assert code == 1 and "cannot read" in err


def test_every_command_is_dispatched_by_its_handler():
    from profile_render.cli import _build_parser

    parser = _build_parser()
    chart = str(EXAMPLE_CHART)
    cases = {
        ("merge", chart): "_cmd_merge",
        ("render", chart, "--profile", "p", "--app-name", "a", "--app-version", "1", "--deployment-name", "d",
         "--namespace", "n"): "_cmd_render",
        ("package", "render", "dir", "--chart", "a=b", "--deployment-name", "d"): "_cmd_package_render",
        ("package",): "_cmd_package_missing",
        ("lint", "dir"): "_cmd_lint",
        ("check-manifests", "-"): "_cmd_check_manifests",
    }
    for argv, handler in cases.items():
        args = parser.parse_args(list(argv))
        assert args.handler.__name__ == handler, argv
    assert getattr(parser.parse_args([]), "handler", None) is None


def test_format_sarif_is_offered_and_other_formats_refused(capsys):
    for command in (["lint", "dir"], ["check-manifests", "-"]):
        with pytest.raises(SystemExit) as info:
            main(command + ["--format", "xml"])
        assert info.value.code == 2
        assert "sarif" in capsys.readouterr().err


def test_check_manifests_sarif_exit_codes(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_POD)
    code, out, err = run(["check-manifests", bad, "--private-registry", "registry.example.com:5000",
                          "--pull-secret", "regcred", "--format", "sarif"], capsys)
    assert code == 1 and err == ""
    assert {r["ruleId"] for r in json.loads(out)["runs"][0]["results"]} == {
        "pull-secret-in-container", "private-image-without-pull-secret"}
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(BAD_POD.replace("      imagePullSecrets:\n        - name: regcred\n", "")
                     + "  imagePullSecrets:\n    - name: regcred\n")
    code, out, _ = run(["check-manifests", fixed, "--private-registry", "registry.example.com:5000",
                        "--format", "sarif"], capsys)
    results = json.loads(out)["runs"][0]["results"]
    assert code == 0 and [(r["ruleId"], r["level"]) for r in results] == [("unknown-pull-secret", "warning")]


def test_warnings_are_printed_by_the_reporter(tmp_path, capsys):
    values = tmp_path / "values.yaml"
    values.write_text("replicaCount: 1\nreplicaCount: 2\n")
    code, _, err = run(["merge", EXAMPLE_CHART, "-f", values], capsys)
    assert code == 0
    assert err == (f"{values}:2:1: warning: duplicate key 'replicaCount': the value at line 2 replaces the one at "
                   "line 1 (at replicaCount). Hint: Helm silently keeps the last one; delete the other "
                   "[duplicate-key]\n")
