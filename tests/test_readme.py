"""The README's first command does what it says on the shipped example; its second is what CI runs."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _blocks():
    return re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_readme_starts_with_the_two_commands():
    first, second = _blocks()[:2]
    assert first.startswith("python3 -m venv .venv && .venv/bin/pip install") and "profile-render" in first
    assert second.strip() == "bash scripts/test.sh"


def test_readme_main_command_renders_the_example():
    command = _blocks()[0].strip().split(" && ")[-1]
    argv = shlex.split(command)
    assert argv[0] == ".venv/bin/profile-render"
    proc = subprocess.run([sys.executable, "-m", "profile_render", *argv[1:]], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    rendered = yaml.safe_load(proc.stdout)["applications"]
    assert sorted(rendered) == ["vm-ephemeral", "vm-pv", "web-app"]
    assert rendered["web-app"]["preInstallManifests"][0]["kind"] == "Secret"
    assert [m["kind"] for m in rendered["vm-pv"]["manifests"]] == ["Secret", "ConfigMap"]


def test_ci_runs_the_readme_test_command():
    """CI (.ci/run) runs exactly the README's second command, so the README's test command is what CI proves."""
    second = _blocks()[1].strip()
    commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == second
    assert all(line.startswith(("set ", "cd ")) for line in commands[:-1]), commands
