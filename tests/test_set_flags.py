"""--set-json, --set-file and --set-literal (and their mix with --set/--set-string), checked against helm template.

Every oracle case runs the real Helm 4.1.4 binary on the oracle chart with
the same arguments and compares the values its templates saw with
``merge_values`` (accepted cases), or checks that both refuse the arguments.
The files ``--set-file`` names are relative paths, so both run in the same
folder. Then: the API's in-memory ``--set-file``, provenance, limits and
the file checks, and ``merge``'s schema validation (``--skip-schema-validation``).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profile_render.cli import main
from profile_render.errors import LimitExceededError, ProfileRenderError, SetSyntaxError
from profile_render.files import FileError
from profile_render.helm.setvalues import parse_set
from profile_render.values import merge_values
from profile_render.yamlio.limits import Limits
from tests.helm_oracle import helm_binary, helm_env, helm_template_command, write_chart

HELM = helm_binary()
requires_helm = pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)")
oracle = [pytest.mark.helm, requires_helm]

Args = Sequence[Tuple[str, str]]  # (flag, argument)

FILES = {
    "f1.txt": b"hello\r\n\n",
    "f2.txt": b"  second file, with a comma  ",
    "empty.txt": b"",
    "bad.txt": b"a\xffb",
    "pct.txt": b"100% sure",
}
CHART_VALUES = "base: 1\nmap:\n  keep: true\n  x: 0\nlist: [1, 2]\n"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the oracle chart (``chart/``), the files of FILES and a folder ``dir``; the cwd."""
    write_chart(tmp_path / "chart", CHART_VALUES)
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "dir").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _kwargs(args: Args) -> Dict[str, List[str]]:
    names = {"--set": "set_values", "--set-string": "set_string_values", "--set-json": "set_json_values",
             "--set-file": "set_file_values", "--set-literal": "set_literal_values"}
    out: Dict[str, List[str]] = {name: [] for name in names.values()}
    for flag, text in args:
        out[names[flag]].append(text)
    return out


def helm_outcome(folder: Path, args: Args, extra: Sequence[str] = ()) -> Tuple[bool, Optional[Any], str]:
    """Run helm template on ``folder/chart`` with the flag arguments (in the given order), in ``folder``."""
    assert HELM is not None
    cmd = helm_template_command(HELM, folder / "chart") + list(extra)
    for flag, text in args:
        cmd += [flag, text]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=helm_env(), cwd=folder)
    if proc.returncode != 0:
        return False, None, proc.stderr
    for line in proc.stdout.splitlines():
        if line.startswith("# ") and not line.startswith("# Source"):
            return True, json.loads(base64.b64decode(line[2:])), proc.stderr
    raise AssertionError(proc.stdout)


def ours(args: Args, **kwargs: Any) -> Any:
    """Our values for the same arguments, as the JSON Helm's toJson would print (read back)."""
    return json.loads(merge_values(Path("chart"), **_kwargs(args), **kwargs).to_json())


ACCEPTED: Dict[str, Args] = {
    # --set-json
    "json pairs": [("--set-json", "a=1,b=2")],
    "json space separated": [("--set-json", "a=1 b=2")],
    "json value ends the number": [("--set-json", "a=1x=2")],
    "json string then key": [("--set-json", 'a="x"b=1')],
    "json spaces around": [("--set-json", 'a=  "x"  ,b=1')],
    "json trailing comma": [("--set-json", "a=1,")],
    "json empty is null": [("--set-json", "a=,b=3")],
    "json null deletes a default": [("--set-json", "base=")],
    "json explicit null": [("--set-json", "map.keep=null")],
    "json numbers as float64": [("--set-json", "n=[1,2.5,1e3,9007199254740993,1.0,-0,1e21,0.1,1e-400,-12.5e-3]")],
    "json big integer": [("--set-json", "n=123456789012345678901234567890")],
    "json nested value": [("--set-json", 'a={"x":[true,null,"s",{"y":{}}],"z":[]}')],
    "json into a list item": [("--set-json", 'list[3]={"c":1}')],
    "json list then index": [("--set-json", "a=[1,2],a[3]=3")],
    "json whole object merges": [("--set-json", ' {"map":{"x":1,"new":[1]},"o":{"p":"q"}} ')],
    "json whole object replaces a list": [("--set-json", '{"list":{"now":"map"}}')],
    "json escapes and unicode": [("--set-json", r'a="tab\tquote\"slash\/\u00e9\ud83d\ude00"')],
    "json lone surrogate": [("--set-json", r'a="\ud800x"')],
    "json escaped key": [("--set-json", r'a\.b=1,c\,d=2')],
    "json nbsp is a space": [("--set-json", "a=1\u00a0,b=2")],
    "json several arguments": [("--set-json", "a=1"), ("--set-json", "a=2,b=[]")],
    # --set-literal
    "literal keeps commas and escapes": [("--set-literal", r"a=1,b=2\,c")],
    "literal value with equals": [("--set-literal", "a.b=x=y")],
    "literal backslash in key": [("--set-literal", r"a.b\.c=1")],
    "literal comma in key": [("--set-literal", "a,b=1")],
    "literal empty key": [("--set-literal", "=x")],
    "literal empty value": [("--set-literal", "a=")],
    "literal spaces kept": [("--set-literal", "a=  spaced  ")],
    "literal braces": [("--set-literal", "a={x,y}")],
    "literal typed-looking": [("--set-literal", "a=true"), ("--set-literal", "b=007"), ("--set-literal", "c=null")],
    "literal list item": [("--set-literal", "l[0]=v")],
    "literal trailing item key kept": [("--set-literal", "a[1].b=")],
    "literal nested lists": [("--set-literal", "a[0][1]=x")],
    "literal index only": [("--set-literal", "a[0]")],
    # --set-file
    "file whole text": [("--set-file", "a=f1.txt")],
    "file list of files": [("--set-file", "a={f1.txt,f2.txt}")],
    "file into a list item": [("--set-file", "l[1]=f2.txt")],
    "file pairs": [("--set-file", "a=f1.txt,b.c=f2.txt")],
    "file empty at the end": [("--set-file", "a=")],
    "file empty file": [("--set-file", "a=empty.txt")],
    "file invalid utf-8": [("--set-file", "a=bad.txt")],
    "file percent sign": [("--set-file", "a=pct.txt")],
    "file escaped path": [("--set-file", r"a=f1\.txt")],
    # order and mixes
    "all on one key: literal last": [("--set-literal", "a=lit"), ("--set", "a=1"), ("--set-json", "a=2"),
                                     ("--set-string", "a=s"), ("--set-file", "a=f1.txt")],
    "file over string over set over json": [("--set-file", "a=f1.txt"), ("--set-string", "a=s"),
                                            ("--set", "a=1"), ("--set-json", "a=2")],
    "set over json": [("--set", "a=1"), ("--set-json", 'a={"x":1}')],
    "mix into one tree": [("--set-json", 'm={"x":1,"y":[1,2]}'), ("--set", "m.x=3"), ("--set-file", "m.z=f2.txt"),
                          ("--set-literal", "m.w=a,b"), ("--set-string", "m.y[2]=007")],
    "json list grown by set": [("--set-json", "l=[{\"a\":1}]"), ("--set", "l[0].b=2,l[2]=x")],
}

REJECTED: Dict[str, Args] = {
    "json cut number": [("--set-json", "a=1.")],
    "json cut exponent": [("--set-json", "a=1e")],
    "json out of range": [("--set-json", "a=1e400")],
    "json trailing text after object": [("--set-json", '{"a":1} x')],
    "json unclosed list": [("--set-json", "a=[1,")],
    "json bad literal": [("--set-json", "a=tru")],
    "json unclosed object": [("--set-json", '{"a":1')],
    "json NaN": [("--set-json", "a=NaN")],
    "json leading zero": [("--set-json", "a=01")],
    "json second dot": [("--set-json", "a=1.5.3")],
    "json single quotes": [("--set-json", "a='x'")],
    "json bare word": [("--set-json", "a=hello")],
    "json key without value": [("--set-json", "a")],
    "json type conflict": [("--set-json", "a=1"), ("--set", "a.b=2")],
    "literal empty map key": [("--set-literal", "a.=x")],
    "literal bad index": [("--set-literal", "a[x]=1")],
    "literal no value": [("--set-literal", "a")],
    "literal type conflict": [("--set", "a=1"), ("--set-literal", "a.b=x")],
    "file missing": [("--set-file", "a=nosuch.txt")],
    "file directory": [("--set-file", "a=dir")],
    "file empty name before comma": [("--set-file", "a=,b=f1.txt")],
    "file unclosed list": [("--set-file", "a={f1.txt")],
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
@pytest.mark.helm
@requires_helm
def test_oracle_accepted(name: str, workdir: Path) -> None:
    ok, helm, stderr = helm_outcome(workdir, ACCEPTED[name])
    assert ok, stderr
    assert ours(ACCEPTED[name]) == helm


@pytest.mark.parametrize("name", sorted(REJECTED))
@pytest.mark.helm
@requires_helm
def test_oracle_rejected(name: str, workdir: Path) -> None:
    ok, _, _ = helm_outcome(workdir, REJECTED[name])
    assert not ok
    with pytest.raises(ProfileRenderError):
        merge_values(Path("chart"), **_kwargs(REJECTED[name]))


def test_tables_cover_every_flag() -> None:
    """The oracle tables exercise each flag, accepted and rejected."""
    for table in (ACCEPTED, REJECTED):
        flags = {flag for args in table.values() for flag, _ in args}
        assert {"--set-json", "--set-file", "--set-literal"} <= flags


# -- a property: key paths and JSON values, many per helm run ---------------------------------------------

_keys = st.text(alphabet="abcXY_-", min_size=1, max_size=4)
_json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**60, 2**60),
                          st.floats(allow_nan=False, allow_infinity=False, width=64),
                          st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6))
_json_values = st.recursive(_json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=3)), max_leaves=8)
_paths = st.lists(st.one_of(_keys, st.integers(0, 3)), min_size=0, max_size=3)


def _path_text(top: str, rest: List[Any]) -> str:
    out = top
    for part in rest:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@requires_helm
@pytest.mark.helm
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(_paths, _json_values, st.sampled_from([",", " ", ", "])), min_size=1, max_size=6))
def test_property_set_json_matches_helm(cases: List[Tuple[List[Any], Any, str]], workdir: Path) -> None:
    # Distinct top-level keys keep the cases apart; they share one argument (with the separators drawn)
    # and one helm run.
    parts = [f"{_path_text(f'k{i}', path)}={json.dumps(value)}" for i, (path, value, _) in enumerate(cases)]
    text = "".join(part + (cases[i][2] if i < len(parts) - 1 else "") for i, part in enumerate(parts))
    ok, helm, stderr = helm_outcome(workdir, [("--set-json", text)])
    if not ok:
        with pytest.raises(ProfileRenderError):
            merge_values(Path("chart"), set_json_values=[text])
        return
    assert ours([("--set-json", text)]) == helm, text


# -- the API: in-memory files, provenance, limits ---------------------------------------------------------

def test_in_memory_set_file_reads_no_file(workdir: Path) -> None:
    result = merge_values(Path("chart"), set_file_values={"cfg.script": "#!/bin/sh\r\necho hi\n", "raw": b"a\xffb"})
    assert result.value("cfg.script") == "#!/bin/sh\r\necho hi\n"
    assert result.value("raw") == "a\ufffdb"  # as Helm's toJson shows invalid UTF-8
    origin = result.origin("cfg.script")
    assert origin is not None and origin.layer == "--set-file"
    assert "#!/bin/sh" not in origin.location and "cfg.script" in origin.location


def test_in_memory_set_file_key_with_an_unescaped_comma_is_refused(workdir: Path) -> None:
    with pytest.raises(SetSyntaxError):
        merge_values(Path("chart"), set_file_values={"a=b": "text"})


def test_origin_names_each_flag_and_argument(workdir: Path) -> None:
    result = merge_values(Path("chart"), set_json_values=['j={"x":[1]}'], set_file_values=["f=f1.txt"],
                          set_literal_values=["l=a,b"], set_values=["s=1"], set_string_values=["t=2"])
    expected = {"j.x[0]": ("--set-json", '--set-json j={"x":[1]}'), "f": ("--set-file", "--set-file f=f1.txt"),
                "l": ("--set-literal", "--set-literal l=a,b"), "s": ("--set", "--set s=1"),
                "t": ("--set-string", "--set-string t=2")}
    for path, (layer, source) in expected.items():
        origin = result.origin(path)
        assert origin is not None
        assert (origin.layer, origin.location) == (layer, source), path
    # The file's text is never part of its provenance.
    assert "hello" not in result.origin("f").location  # type: ignore[union-attr]


def test_provenance_replay_reads_each_file_once(workdir: Path) -> None:
    result = merge_values(Path("chart"), set_file_values=["f=f1.txt"])
    (workdir / "f1.txt").write_text("changed")
    assert result.origin("f") is not None
    assert result.value("f") == "hello\r\n\n"


def test_set_file_errors_name_the_flag_and_file(workdir: Path) -> None:
    with pytest.raises(FileError) as info:
        merge_values(Path("chart"), set_file_values=["a=nosuch.txt"])
    assert "--set-file a=nosuch.txt" in str(info.value) and "nosuch.txt" in str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_set_file_refuses_a_fifo_without_hanging(workdir: Path) -> None:
    os.mkfifo(workdir / "pipe")
    with pytest.raises(FileError) as info:
        merge_values(Path("chart"), set_file_values=["a=pipe"])
    assert "FIFO" in str(info.value) or "regular file" in str(info.value)


@pytest.mark.parametrize("name", ["-", " - ", "https://example.com/x", "oci://r/x", "HTTP://x"])
def test_set_file_never_reads_stdin_or_the_network(workdir: Path, name: str) -> None:
    with pytest.raises(SetSyntaxError):
        merge_values(Path("chart"), set_file_values=[f"a={name}"])


def test_set_file_files_are_capped_together(workdir: Path) -> None:
    (workdir / "big.txt").write_bytes(b"x" * 600)
    (workdir / "big2.txt").write_bytes(b"y" * 600)
    limits = Limits(max_bytes=1000)
    # A file named twice is read once (and held once).
    assert merge_values(Path("chart"), set_file_values=["a={big.txt,big.txt}"], limits=limits).value("a") == ["x" * 600] * 2
    with pytest.raises(LimitExceededError) as info:
        merge_values(Path("chart"), set_file_values=["a=big.txt", "b=big2.txt"], limits=limits)
    assert "Limits.max_bytes" in str(info.value)


def test_json_error_is_located() -> None:
    with pytest.raises(SetSyntaxError) as info:
        parse_set("a=1,b=[1,,2]", flag="--set-json")
    assert info.value.source == "--set-json a=1,b=[1,,2]"
    assert info.value.column == 10 and "not valid JSON" in str(info.value)


def test_deep_json_is_a_limit_error_not_a_crash(workdir: Path) -> None:
    deep = "a=" + "[" * 5000 + "]" * 5000
    with pytest.raises(LimitExceededError):
        merge_values(Path("chart"), set_json_values=[deep])
    with pytest.raises(LimitExceededError):
        merge_values(Path("chart"), set_json_values=["{\"a\":" * 3000 + "1" + "}" * 3000])
    with pytest.raises(LimitExceededError):  # unbounded by the caller: Python's decoder is still never too deep
        parse_set(deep, flag="--set-json")


def test_json_nodes_count_against_the_budget(workdir: Path) -> None:
    with pytest.raises(LimitExceededError):
        merge_values(Path("chart"), set_json_values=["a=[" + ",".join(["1"] * 200) + "]"],
                     limits=Limits(max_set_nodes=100))


def test_wrong_argument_types_are_type_errors(workdir: Path) -> None:
    with pytest.raises(TypeError):
        merge_values(Path("chart"), set_json_values="a=1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        merge_values(Path("chart"), set_file_values={"a": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        parse_set("a=f", flag="--set-file")
    with pytest.raises(ValueError):
        parse_set("a=1", flag="--set-yaml")


def test_render_takes_the_flags_and_resolves_placeholders(workdir: Path) -> None:
    from profile_render.orchestrator.model import DeploymentContext
    from profile_render.rendering import render

    context = DeploymentContext(app_name="app", app_version="1.0", deployment_name="d", namespace="ns",
                                org="acme", project="p1")
    result = render(Path("chart"), {}, context=context, set_json_values=['j={"org":"%OrgName%"}'],
                    set_literal_values=["l=%ProjectName%,x"], set_file_values={"f": "in %OrgName%"})
    assert (result.value("j.org"), result.value("l"), result.value("f")) == ("acme", "p1,x", "in acme")


# -- merge validates the schema, as helm template does ----------------------------------------------------

SCHEMA = json.dumps({"type": "object", "properties": {"port": {"type": "integer"}}})


def _schema_chart(folder: Path) -> None:
    (folder / "chart" / "values.schema.json").write_text(SCHEMA)


@pytest.mark.helm
@requires_helm
def test_merge_validates_the_schema_like_helm(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _schema_chart(workdir)
    args = [("--set-string", "port=80")]
    ok, _, stderr = helm_outcome(workdir, args)
    assert not ok and "port" in stderr
    assert main(["merge", "chart", "--set-string", "port=80"]) == 1
    err = capsys.readouterr().err
    assert "port" in err and "--set-string port=80" in err and "Traceback" not in err
    ok, helm, stderr = helm_outcome(workdir, args, ["--skip-schema-validation"])
    assert ok, stderr
    assert main(["merge", "chart", "--set-string", "port=80", "--skip-schema-validation", "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == helm


def test_merge_values_validates_by_default(workdir: Path) -> None:
    from profile_render.helm.schema import SchemaValidationError

    _schema_chart(workdir)
    with pytest.raises(SchemaValidationError):
        merge_values(Path("chart"), set_json_values=['port="80"'])
    assert merge_values(Path("chart"), set_json_values=['port="80"'], validate_schema=False).value("port") == "80"
    assert merge_values(Path("chart"), set_json_values=["port=80"]).value("port") == 80


def test_cli_flags_reach_merge(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["merge", "chart", "--set-json", "j=[1]", "--set-file", "f=f2.txt", "--set-literal", "l=a,b",
                 "-o", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["j"], out["f"], out["l"]) == ([1], FILES["f2.txt"].decode(), "a,b")
    assert main(["merge", "chart", "--set-json", "j=[1,"]) == 1
    assert "column" in capsys.readouterr().err
