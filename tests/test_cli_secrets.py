"""The CLI's argument layer: no abbreviations, nothing it does not understand echoed, undecodable text refused.

A registry password must never reach the terminal, whatever the user types:
``--registry-password S3CRET`` is an unknown option (not an abbreviation of
``--registry-password-file``), unknown options are named without their values,
stray arguments are only counted, and errors about the password file name the
option, not its argument (which may be the password itself).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from profile_render.cli import main

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "examples" / "hello-chart"
PROFILE = ROOT / "examples" / "profile-values.yaml"
CANARY = "CANARY-cli-91d2-S3CRET"
BAD = "\udcff\udcfe"  # what Python makes of undecodable argv bytes


def render_args(*extra):
    return ["render", str(CHART), "--profile", str(PROFILE), "--app-name", "app", "--app-version", "1.0.0",
            "--deployment-name", "deployment-abc12", "--namespace", "apps", "--org", "acme", "--project", "edge",
            "--registry-url", "oci://registry.example.com/p", "--registry-username", "robot", *extra]


def run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("extra, named, count", [
    (["--registry-password", CANARY], "--registry-password (did you mean --registry-password-file?)", 1),
    ([f"--registry-password={CANARY}"], "--registry-password (did you mean --registry-password-file?)", 1),
    (["--registry-passw", CANARY], "--registry-passw (did you mean --registry-password-file?)", 1),
    (["--registry-password-fil", CANARY], "--registry-password-fil (did you mean --registry-password-file?)", 1),
    (["--password", CANARY], None, 2),
    ([f"--token={CANARY}"], None, 1),
    ([f"-p{CANARY}"], None, 1),
    ([CANARY], None, 1),
    ([f"--{CANARY}"], None, 1),  # an option name that is no typo of ours is not shown either
    (["--regis", CANARY, CANARY], "--regis (did you mean --registry-url or --registry-username or "
                                  "--registry-password-file?)", 2),
    (["--", CANARY], None, 1),
])
def test_unknown_options_and_arguments_are_never_echoed(extra, named, count, capsys):
    code, out, err = run(render_args(*extra), capsys)
    assert code == 2 and out == ""
    assert CANARY not in err
    assert "profile-render render: usage error: " in err and "never shown" in err
    if named:
        assert f"unrecognized option {named} and {count} other argument{'s' if count > 1 else ''} (" in err
    else:
        assert f"{count} unrecognized argument{'s' if count > 1 else ''} (" in err


def test_password_like_options_point_to_the_password_file(capsys):
    _, _, err = run(render_args("--registry-password", CANARY), capsys)
    assert "--registry-password-file" in err and "PROFILE_RENDER_REGISTRY_PASSWORD" in err
    _, _, err = run(render_args("--bogus", "x"), capsys)
    assert "PROFILE_RENDER_REGISTRY_PASSWORD" not in err


def test_options_are_never_abbreviated(capsys):
    # Before, --output-d was taken for --output-dir and --explai for --explain.
    for option, meant in (("--output-d", "--output-dir"), ("--explai", "--explain"),
                          ("--registry-user", "--registry-username")):
        code, _, err = run(render_args(option, "x"), capsys)
        assert code == 2 and f"unrecognized option {option} (did you mean {meant}?)" in err
    code, _, err = run(["merge", str(CHART), "--valu", str(PROFILE)], capsys)
    assert code == 2 and "unrecognized option --valu (did you mean --values?)" in err
    # short options keep their attached values
    code, out, _ = run(["merge", str(CHART), "-ojson"], capsys)
    assert code == 0 and out.startswith("{")


def test_the_password_file_argument_is_never_echoed(capsys):
    code, out, err = run(render_args("--registry-password-file", CANARY), capsys)
    assert code == 1 and out == ""
    assert CANARY not in err
    assert err.startswith("profile-render: error: --registry-password-file: cannot read the registry password file: "
                          "it does not exist")
    code, _, err = run(render_args(f"--registry-password-file={CANARY}"), capsys)
    assert code == 1 and CANARY not in err


@pytest.mark.parametrize("argv, option", [
    (["merge", str(CHART) + BAD], "CHART"),
    (["merge", str(CHART), "--set", f"a{BAD}=b"], "--set"),
    (["merge", str(CHART), "-f", str(PROFILE) + BAD], "--values"),
    (["merge", str(CHART), "--explain", f"a{BAD}"], "--explain"),
    (render_args("--namespace", f"apps{BAD}"), "--namespace"),
    ([a if a != "robot" else f"robot{BAD}" for a in render_args()], "--registry-username"),
    (render_args(f"--registry-password-file=pw{BAD}"), "--registry-password-file"),
    (["check-manifests", "-", "--private-registry", f"reg{BAD}"], "--private-registry"),
    (["lint", f"pkg{BAD}"], "DIR|FILE"),
    (["package", "render", "pkg", "--chart", f"web{BAD}=x", "--deployment-name", "d"], "--chart"),
])
def test_undecodable_arguments_are_usage_errors_naming_the_option(argv, option, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert f"usage error: argument {option}: the value is not valid UTF-8" in err
    assert "\\udcff" not in err and BAD not in err


def test_undecodable_bytes_from_the_real_command_line():
    # The interpreter decodes argv with surrogateescape; nothing may crash on the way to the message.
    proc = subprocess.run([sys.executable, "-m", "profile_render", "merge", str(CHART).encode() + b"\xff",
                           "--set", b"a=\xfe" + CANARY.encode()], capture_output=True, check=False)
    assert proc.returncode == 2 and proc.stdout == b""
    assert b"argument CHART: the value is not valid UTF-8" in proc.stderr
    assert CANARY.encode() not in proc.stderr and b"Traceback" not in proc.stderr


def test_an_undecodable_password_in_the_environment_is_refused_unquoted():
    env = dict(os.environ, PROFILE_RENDER_REGISTRY_PASSWORD=os.fsdecode(b"\xff\xfe" + CANARY.encode()))
    prof = str(PROFILE)
    proc = subprocess.run([sys.executable, "-m", "profile_render", *render_args()[:1], str(CHART), "--profile", prof,
                           *render_args()[4:]], capture_output=True, env=env, check=False)
    assert proc.returncode == 1 and proc.stdout == b""
    assert proc.stderr.startswith(b"profile-render: error: PROFILE_RENDER_REGISTRY_PASSWORD: the password is not "
                                  b"valid UTF-8")
    assert CANARY.encode() not in proc.stderr and b"Traceback" not in proc.stderr


def test_a_password_with_undecodable_bytes_never_reaches_an_encoder(capsys, monkeypatch):
    monkeypatch.setenv("PROFILE_RENDER_REGISTRY_PASSWORD", CANARY + "\udcff")
    code, out, err = run(render_args(), capsys)
    assert code == 1 and out == "" and CANARY not in err and "internal error" not in err
    assert "PROFILE_RENDER_REGISTRY_PASSWORD" in err


def test_an_unknown_command_is_named_only_when_it_is_a_typo(capsys):
    code, out, err = run([CANARY, "x"], capsys)
    assert code == 2 and out == "" and CANARY not in err
    assert "unknown command (not shown: it may be a secret); the commands are 'merge', 'render'" in err
    code, _, err = run(["rendr"], capsys)
    assert code == 2 and "usage error: unknown command rendr (did you mean render?)" in err
    code, _, err = run(["package", CANARY], capsys)
    assert code == 2 and CANARY not in err and "the commands are 'render'" in err
