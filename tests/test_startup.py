"""Start-up: what a command loads, and the shortcuts that keep modules off its path compute what they replace."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from profile_render.orchestrator.credentials import bundle_name
from profile_render.orchestrator.model import DeploymentContext

ROOT = Path(__file__).resolve().parent.parent

_PROBE = """
import contextlib, io, json, sys
from profile_render.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_of(tmp_path: Path, *argv: str) -> set:
    """The modules one CLI run loads, in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, cwd=ROOT,
                          check=True, timeout=120)
    result = json.loads(done.stdout)
    assert result["code"] == 0, done.stderr
    return set(result["modules"])


def _chart(tmp_path: Path) -> Path:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("## >0 && <=86400\nimage:\n  registry: r\nratio: 0.5\n")
    return chart


def test_merge_and_render_load_only_what_they_use(tmp_path: Path):
    chart = _chart(tmp_path)
    profile = tmp_path / "profile.yaml"
    profile.write_text("image:\n  registry: '%ImageRegistryURL%'\nname: '%OrgName%'\n")
    password = tmp_path / "password"
    password.write_text("token\n")
    never = {"shutil", "uuid", "platform", "decimal", "jsonschema", "jinja2", "profile_render.helm.schema",
             # what only some inputs need: value flags, parameter templates, subcharts, misspellings
             "profile_render.helm.valueflags", "profile_render.orchestrator.params", "profile_render.helm.semver",
             "difflib",
             # records are not dataclasses (profile_render/records.py); argparse runs without threading
             "dataclasses", "inspect", "threading", "copy"}
    merged = _modules_of(tmp_path, "merge", str(chart), "-o", "json")
    assert not merged & (never | {"profile_render.yamlio.unquoted", "hashlib"})  # no cache: no digest
    rendered = _modules_of(tmp_path, "render", str(chart), "--profile", str(profile), "--app-name", "a",
                           "--app-version", "1", "--deployment-name", "d", "--namespace", "n", "--org", "o",
                           "--registry-url", "oci://registry.example.com/x", "--registry-username", "u",
                           "--registry-password-file", str(password), "-o", "json")
    assert "profile_render.rendering" in rendered and not rendered & (never | {"hashlib"})


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=10), st.text(min_size=1, max_size=20),
       st.booleans())
def test_the_bundle_name_is_the_start_of_a_version_5_uuid(app: str, version: str, deployment: str, redeploy: bool):
    import hashlib

    context = DeploymentContext(app, version, deployment, "ns", redeploy_after_update=redeploy)
    token = app + (version if redeploy else "") + deployment
    digest = hashlib.sha1(token.encode("utf-8")).hexdigest()
    assert bundle_name(context) == "b-" + str(uuid.uuid5(uuid.UUID(int=0), digest))[:16]


def _command_parsers(parser) -> dict:
    """Every (sub)command parser under ``parser``, by its full prog."""
    import argparse

    found = {parser.prog: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.update(_command_parsers(sub))
    return found


def test_a_named_command_gets_the_same_parser_as_the_full_cli():
    from profile_render.cli import _build_parser
    from profile_render.cli_parser import COMMANDS as _COMMANDS, command_of as _command_of

    full = _command_parsers(_build_parser())
    assert {prog.split()[1] for prog in full if prog != "profile-render"} == set(_COMMANDS)
    for command in _COMMANDS:
        assert _command_of(["--version", command, "-o", "json"]) == command
        only = _command_parsers(_build_parser(command))
        mine = {prog: p for prog, p in only.items() if prog.split()[1:2] == [command]}
        assert mine, command
        for prog, parser in mine.items():  # help text and defaults are what the full CLI gives
            assert parser.format_help() == full[prog].format_help(), prog
            defaults = [(a.dest, a.default, a.required) for a in parser._actions], parser._defaults
            assert repr(defaults) == repr(([(a.dest, a.default, a.required) for a in full[prog]._actions],
                                           full[prog]._defaults)), prog
    assert _command_of(["mrege"]) is None and _command_of(["--help"]) is None and _command_of([]) is None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_the_name_digest_is_sha1_with_or_without_the_builtin_module(data: bytes):
    import hashlib
    import sys
    from unittest import mock

    from profile_render.orchestrator.credentials import _sha1_hex

    assert _sha1_hex(data) == hashlib.sha1(data).hexdigest()
    with mock.patch.dict(sys.modules, {"_sha1": None}):  # an interpreter without it: hashlib's
        assert _sha1_hex(data) == hashlib.sha1(data).hexdigest()
