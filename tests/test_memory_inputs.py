"""Inputs from memory: values layers from text, streams and mappings; charts from archive bytes and file mappings.

A mapping must give exactly what Helm gives for the same values written in a
values file (checked against the real binary), a ``str`` is never taken for a
path or for text, and a chart from memory must load to the same chart (and the
same rendered values) as the same files on disk and as ``helm package``'s
archive of them.
"""

from __future__ import annotations

import enum
import io
import json
import math
import shutil
import subprocess
from collections import OrderedDict
from pathlib import Path
from types import MappingProxyType
from typing import Any, Dict

import pytest

from profile_render import (
    Chart,
    ChartError,
    DeploymentContext,
    Layer,
    LimitExceededError,
    Limits,
    ValuesTypeError,
    load_chart,
    load_values,
    merge_values,
    render,
    to_json,
    to_yaml,
)
from profile_render.helm.archive import ArchiveLimits
from profile_render.orchestrator.model import Secret
from tests.conftest import HELM, helm_reads_yaml
from tests.helm_oracle import helm_env, write_chart
from tests.hostile.corpus import tgz

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CHART = ROOT / "examples" / "hello-chart"
requires_helm = pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)")
CHART_YAML = "apiVersion: v2\nname: mem\nversion: 0.1.0\n"
EMPTY = Chart.from_files({"Chart.yaml": CHART_YAML})


# -- mappings read as Helm reads the same values from a file ------------------------------------------------

class Colour(str, enum.Enum):
    RED = "red"


class Count(int):
    pass


# (the mapping, the values file a person would write for it)
SAME_VALUES = [
    ({"a": 2**53 + 1}, "a: 9007199254740993\n"),
    ({"a": 2**53}, "a: 9007199254740992\n"),
    ({"a": -(2**53) - 1}, "a: -9007199254740993\n"),
    ({"a": 2**64}, "a: 18446744073709551616\n"),
    ({"a": 10**20, "b": 1e20}, "a: 100000000000000000000\nb: 1e20\n"),
    ({"a": 0.1 + 0.2}, "a: 0.30000000000000004\n"),
    ({"a": 1.0, "b": -0.0, "c": 2.5}, "a: 1.0\nb: -0.0\nc: 2.5\n"),
    ({"a": 1e-7, "b": 5e-324, "c": 1.7976931348623157e308}, "a: 1e-7\nb: 5e-324\nc: 1.7976931348623157e308\n"),
    ({"a": (1, [2, (3,)]), "b": True, "c": None}, "a: [1, [2, [3]]]\nb: true\nc: null\n"),
    ({"a": {"b": {}}, "l": []}, "a:\n  b: {}\nl: []\n"),
    ({"s": Colour.RED, Colour.RED: Count(7)}, "s: red\nred: 7\n"),
    ({"nested": OrderedDict(x=MappingProxyType({"z": 1}))}, "nested:\n  x:\n    z: 1\n"),
    ({"text": "yes", "t": "1e400", "u": "é\u2603"}, "text: 'yes'\nt: '1e400'\nu: \"é\u2603\"\n"),
]


@pytest.mark.parametrize("mapping, text", SAME_VALUES)
def test_a_mapping_holds_what_its_values_file_holds(mapping, text):
    from_mapping = Layer.from_mapping(mapping).values
    from_text = load_values(text).data
    assert from_mapping == from_text
    assert [type(v) for v in _leaves(from_mapping)] == [type(v) for v in _leaves(from_text)]
    merged_dict = merge_values(EMPTY, [mapping])
    merged_text = merge_values(EMPTY, [Layer.from_text(text)])
    assert merged_dict.to_json(indent=None) == merged_text.to_json(indent=None)
    assert merged_dict.to_yaml() == merged_text.to_yaml()


@requires_helm
def test_mappings_match_helm_reading_the_same_values():
    for mapping, text in SAME_VALUES:
        helm = helm_reads_yaml(text)
        assert helm.ok, helm.stderr
        assert json.loads(merge_values(EMPTY, [mapping]).to_json(indent=None)) == json.loads(helm.line), text
        assert merge_values(EMPTY, [mapping]).to_json(indent=None) == helm.line, text


def _leaves(tree: Any) -> list:
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in _leaves(tree[key])]
    if isinstance(tree, list):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


def test_the_callers_mapping_is_copied_not_changed():
    inner = {"b": (1, 2)}
    mapping = {"a": inner, "n": 2**60}
    layer = Layer.from_mapping(mapping)
    assert mapping == {"a": {"b": (1, 2)}, "n": 2**60}
    assert layer.values["a"] is not inner and layer.values["a"]["b"] == [1, 2]


BAD_VALUES = [
    ({"a": {"b": [1, float("nan")]}}, ("a", "b", 1), "NaN"),
    ({"a": float("inf")}, ("a",), "+Infinity"),
    ({"a": [float("-inf")]}, ("a", 0), "-Infinity"),
    ({"a": {1: "x"}}, ("a",), "the key 1 (of type int) is not a string"),
    ({"a": {True: "x"}}, ("a",), "the key True (of type bool)"),
    ({"a": {None: "x"}}, ("a",), "the key None (null)"),
    ({"a": {("x", "y"): 1}}, ("a",), "of type tuple"),
    ({"a": b"raw"}, ("a",), "bytes"),
    ({"a": [bytearray(b"x")]}, ("a", 0), "bytes"),
    ({"a": {"b": object()}}, ("a", "b"), "of type object"),
    ({"a": {1, 2}}, ("a",), "of type set"),
    ({"a": Secret("hunter2-canary")}, ("a",), "of type Secret"),
    ({"a": "bad \udc80 text"}, ("a",), "lone surrogate"),
    ({"a": {"\udc80": 1}}, ("a",), "lone surrogate"),
]


@pytest.mark.parametrize("mapping, path, words", BAD_VALUES)
def test_what_helm_values_cannot_hold_is_refused_by_path(mapping, path, words):
    with pytest.raises(ValuesTypeError) as caught:
        Layer.from_mapping(mapping, source="<request body>")
    error = caught.value
    assert error.path == path and error.source == "<request body>" and words in error.problem
    assert error.hint
    assert "hunter2-canary" not in str(error)
    # The same refusal when the mapping is passed directly, to merge_values and to render.
    with pytest.raises(ValuesTypeError) as again:
        merge_values(EMPTY, [mapping])
    assert again.value.path == path
    context = DeploymentContext(app_name="a", app_version="1.0.0", deployment_name="d", namespace="ns")
    with pytest.raises(ValuesTypeError) as rendered:
        render(EMPTY, mapping, context=context)
    assert rendered.value.path == path and rendered.value.source == "<profile>"


@pytest.mark.parametrize("number", [10**400, -(2**1024) + 1, 2**1024 - 2**969])
def test_an_integer_beyond_float64_is_refused_by_path(number):
    with pytest.raises(LimitExceededError, match="beyond the range of Helm's numbers") as caught:
        Layer.from_mapping({"a": [number]}, source="<api>")
    assert caught.value.path == ("a", 0) and caught.value.source == "<api>"
    assert Layer.from_mapping({"a": 2**1024 - 2**970 - 1}).values == {"a": float(2**1024 - 2**970 - 1)}


def test_a_mapping_too_deep_too_large_or_containing_itself_is_refused():
    cyclic: Dict[str, Any] = {}
    cyclic["self"] = cyclic
    with pytest.raises(LimitExceededError, match="nested more than 200"):
        Layer.from_mapping(cyclic)
    deep: Dict[str, Any] = {}
    node = deep
    for _ in range(20):
        node["d"] = node = {}
    with pytest.raises(LimitExceededError, match="nested more than 10") as caught:
        Layer.from_mapping(deep, limits=Limits(max_depth=10))
    assert caught.value.path == ("d",) * 10
    with pytest.raises(LimitExceededError, match="more than 100 nodes"):
        Layer.from_mapping({"l": list(range(200))}, limits=Limits(max_nodes=100))


def test_a_hand_built_layer_is_normalised_before_use():
    merged = merge_values(EMPTY, [Layer({"a": 2**53 + 1, "t": (1,)}, "<mine>")])
    assert merged.values == {"a": 9007199254740992.0, "t": [1]}
    with pytest.raises(ValuesTypeError) as caught:
        merge_values(EMPTY, [Layer({"a": float("nan")}, "<mine>")])
    assert caught.value.source == "<mine>" and caught.value.path == ("a",)


def test_to_json_and_to_yaml_refuse_non_finite_values_by_path():
    chart = Chart(name="hand", values={"x": {"y": [1.5, float("inf")]}})  # built by hand, not read
    result = merge_values(chart)
    for write in (result.to_json, result.to_yaml, lambda: to_json(chart.values, exotic_floats=False),
                  lambda: to_yaml({"n": float("nan")})):
        with pytest.raises(ValuesTypeError, match="JSON") as caught:
            write()
        assert caught.value.path in (("x", "y", 1), ("n",))


# -- a str is never silently a path or text ----------------------------------------------------------------

def test_a_str_layer_or_chart_is_refused_naming_the_explicit_choices():
    profile = str(ROOT / "examples" / "profile-values.yaml")
    for bad in (profile, profile.encode()):
        with pytest.raises(TypeError) as caught:
            merge_values(EMPTY, [bad])
        assert "Layer.from_file" in str(caught.value) and "Layer.from_text" in str(caught.value)
        assert "pathlib.Path" in str(caught.value)
    with pytest.raises(TypeError, match="list of layers"):
        merge_values(EMPTY, profile)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="load_chart"):
        merge_values(str(EXAMPLE_CHART))  # type: ignore[arg-type]
    context = DeploymentContext(app_name="a", app_version="1.0.0", deployment_name="d", namespace="ns")
    with pytest.raises(TypeError, match="Chart.from_archive"):
        render(str(EXAMPLE_CHART), context=context)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Layer.from_text"):
        render(EXAMPLE_CHART, profile, context=context)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not int"):
        merge_values(EMPTY, [42])  # type: ignore[list-item]


def test_paths_and_explicit_constructors_keep_working():
    path = ROOT / "examples" / "profile-values.yaml"
    by_path = merge_values(EXAMPLE_CHART, [path]).values
    assert by_path == merge_values(load_chart(str(EXAMPLE_CHART)), [Layer.from_file(str(path))]).values
    assert by_path == merge_values(EXAMPLE_CHART, [Layer.from_text(path.read_text())]).values
    with path.open("rb") as binary:
        assert merge_values(EXAMPLE_CHART, [Layer.from_stream(binary)]).values == by_path
    with path.open("r", encoding="utf-8") as text:
        layer = Layer.from_stream(text)
    assert layer.source == str(path) and merge_values(EXAMPLE_CHART, [layer]).values == by_path


# -- streams -----------------------------------------------------------------------------------------------

class _Dribble(io.RawIOBase):
    """A raw stream that hands out at most 3 bytes per read and records how much it was asked for."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.asked = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.asked += size
        piece, self.data = self.data[:min(size, 3)], self.data[min(size, 3):]
        return piece


def test_from_stream_reads_short_pieces_and_never_more_than_the_cap():
    layer = Layer.from_stream(_Dribble(b"a: 1\nb: [x, w]\n"), source="<body>")
    assert layer.values == {"a": 1, "b": ["x", "w"]} and layer.source == "<body>"
    endless = _Dribble(b"k: v\n" * 100_000)
    with pytest.raises(LimitExceededError, match="more than 1,000 bytes") as caught:
        Layer.from_stream(endless, limits=Limits(max_bytes=1000))
    assert caught.value.source == "<stream>"
    assert len(endless.data) == 500_000 - 1001  # exactly max_bytes + 1 bytes were taken
    with pytest.raises(LimitExceededError):
        Layer.from_stream(io.StringIO("é" * 600), limits=Limits(max_bytes=1000))  # 1,200 bytes as UTF-8
    with pytest.raises(TypeError, match="open file object"):
        Layer.from_stream(b"a: 1")  # type: ignore[arg-type]


# -- charts from memory ------------------------------------------------------------------------------------

def _files_of(directory: Path) -> Dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def _same_chart(a: Chart, b: Chart) -> None:
    assert a.name == b.name and a.version == b.version and a.values == b.values
    assert a.declared == b.declared and a.schema == b.schema and a.templates == b.templates
    assert [(p, c.name, c.values, c.templates) for p, c in a.walk()] == \
        [(p, c.name, c.values, c.templates) for p, c in b.walk()]


def _sample_chart(root: Path) -> Path:
    """A chart with a subchart directory, a subchart archive, a schema, and a .helmignore that drops things."""
    chart = write_chart(root / "sample", "image:\n  tag: '1.0'\nreplicas: 2\nsub:\n  x: 1\n", name="sample",
                        chart_yaml_extra="dependencies:\n- name: sub\n  version: 0.1.0\n- name: packed\n"
                                         "  version: 0.1.0\n")
    write_chart(chart / "charts" / "sub", "x: 0\ny: sub\n", name="sub")
    (chart / "charts" / "packed.tgz").write_bytes(tgz([
        ("packed/Chart.yaml", b"apiVersion: v2\nname: packed\nversion: 0.1.0\n"),
        ("packed/values.yaml", b"p: 1\n"),
        ("packed/templates/values.yaml", b"# {{ toJson .Values | b64enc }}\n")]))
    (chart / "values.schema.json").write_text('{"type": "object"}')
    (chart / ".helmignore").write_text("ignored/\n*.bak\n")
    (chart / "ignored").mkdir()
    (chart / "ignored" / "values.yaml").write_text("{not yaml")
    (chart / "templates" / "old.yaml.bak").write_text("{{ .Values.gone }}")
    return chart


def test_a_chart_from_files_or_archive_is_the_chart_from_disk(tmp_path):
    directory = _sample_chart(tmp_path)
    on_disk = load_chart(directory)
    files = _files_of(directory)
    from_files = Chart.from_files(files, source="sample")
    _same_chart(from_files, on_disk)
    assert [name for name, _ in from_files.templates] == ["templates/values.yaml"]  # the .bak file is ignored
    texts = {name: data if name.endswith(".tgz") else data.decode() for name, data in files.items()}
    _same_chart(Chart.from_files(texts), on_disk)
    # An archive holds what `helm package` keeps (Helm applies .helmignore when packaging, not when loading).
    archive = tgz(sorted(("sample/" + name, data) for name, data in files.items()
                         if not name.startswith("ignored/") and not name.endswith(".bak")))
    _same_chart(Chart.from_archive(archive), on_disk)
    _same_chart(Chart.from_archive(io.BytesIO(archive)), on_disk)
    assert from_files.values_source is not None and from_files.values_source.source == "sample/values.yaml"


@requires_helm
def test_charts_from_memory_render_what_helm_renders(tmp_path):
    for directory in (_sample_chart(tmp_path), EXAMPLE_CHART):
        if directory == EXAMPLE_CHART:
            directory = Path(shutil.copytree(EXAMPLE_CHART, tmp_path / "hello"))
            (directory / "templates" / "values.yaml").write_text("# {{ toJson .Values | b64enc }}\n")
        packaged = subprocess.run([str(HELM), "package", str(directory), "-d", str(tmp_path)], env=helm_env(),
                                  capture_output=True, text=True, check=True).stdout.split(": ")[-1].strip()
        overrides = tmp_path / "overrides.yaml"
        overrides.write_text("replicas: 5\nextra: [1, 2.5]\n")
        helm = _helm_values(directory, overrides)
        for chart in (load_chart(directory), Chart.from_files(_files_of(directory)),
                      Chart.from_archive(Path(packaged).read_bytes())):
            assert merge_values(chart, [overrides]).to_json(indent=None) == helm


def _helm_values(chart: Path, values: Path) -> str:
    """The top chart's ``toJson .Values`` line from ``helm template``."""
    import base64

    assert HELM is not None
    out = subprocess.run([str(HELM), "template", "t", str(chart), "-f", str(values)], env=helm_env(),
                         capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("# Source: ") and line.count("/charts/") == 0 and line.endswith("templates/values.yaml"):
            return base64.b64decode(lines[index + 1][2:]).decode()
    raise AssertionError(out)


HOSTILE_NAMES = [
    ({"../x": b""}, "leads out of the chart"),
    ({"templates/../../x": b""}, "leads out of the chart"),
    ({"/etc/passwd": b""}, "absolute path"),
    ({"C:/x": b""}, "absolute path"),
    ({"a\0b": b""}, "NUL"),
    ({"a\ud800b": b""}, "lone surrogate"),
    ({"": b""}, "empty"),
    ({"./": b""}, "names a directory"),
    ({"templates/a.yaml": b"", "templates//./a.yaml": b""}, "both name templates/a.yaml"),
    ({"templates": b"", "templates/a.yaml": b""}, "both as a file and as a directory"),
    ({1: b""}, "not text"),
    ({"values.yaml": 5}, "int, not bytes or str"),
    ({"values.yaml": "\udc80"}, "lone surrogate"),
]


@pytest.mark.parametrize("files, words", HOSTILE_NAMES)
def test_hostile_file_mappings_are_refused_with_located_errors(files, words):
    files = {"Chart.yaml": CHART_YAML, **files}
    with pytest.raises(ChartError, match=None) as caught:
        Chart.from_files(files, source="<upload>")
    assert words in caught.value.problem
    assert caught.value.source.startswith("<upload>") and caught.value.hint


def test_chart_inputs_are_bounded_and_typed():
    with pytest.raises(LimitExceededError, match="more than 2"):
        Chart.from_files({"Chart.yaml": CHART_YAML, "a": b"", "b": b""}, archive_limits=ArchiveLimits(max_members=2))
    with pytest.raises(LimitExceededError, match="more than the limit of 10"):
        Chart.from_files({"Chart.yaml": CHART_YAML}, archive_limits=ArchiveLimits(max_file_bytes=10))
    big = tgz([("c/Chart.yaml", CHART_YAML.encode()), ("c/values.yaml", b"a: 1\n" * 1000)])
    with pytest.raises(LimitExceededError):
        Chart.from_archive(big, archive_limits=ArchiveLimits(max_total_bytes=len(big) - 1))
    with pytest.raises(LimitExceededError, match="more than"):
        Chart.from_archive(io.BytesIO(big), archive_limits=ArchiveLimits(max_total_bytes=len(big) - 1))
    with pytest.raises(ChartError) as corrupt:
        Chart.from_archive(b"\x1f\x8b not really gzip", source="<upload.tgz>")
    assert corrupt.value.source == "<upload.tgz>" and "Error(" not in str(corrupt.value)
    with pytest.raises(TypeError, match="binary mode"):
        Chart.from_archive(io.StringIO("text"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="load_chart"):
        Chart.from_archive(str(EXAMPLE_CHART))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mapping"):
        Chart.from_files([("Chart.yaml", CHART_YAML)])  # type: ignore[arg-type]
    with pytest.raises(ChartError, match="Chart.yaml is missing"):
        Chart.from_files({"values.yaml": b"a: 1\n"})


def test_helmignore_in_memory_drops_directories_and_files_like_a_directory(tmp_path):
    files = {"Chart.yaml": CHART_YAML, ".helmignore": "charts/skip/\nvalues.yaml\n",
             "values.yaml": "{broken", "charts/skip/Chart.yaml": "not: [a chart", "templates/t.yaml": "x"}
    chart = Chart.from_files(files)
    assert chart.values == {} and chart.dependencies == ()
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(data)
    _same_chart(chart, load_chart(tmp_path))


def test_a_chart_from_memory_renders_like_the_chart_on_disk():
    context = DeploymentContext(app_name="a", app_version="1.0.0", deployment_name="d", namespace="ns")
    profile = {"replicaCount": 3, "image": {"tag": "2.0"}}
    from_memory = render(Chart.from_files(_files_of(EXAMPLE_CHART)), profile, context=context)
    from_disk = render(EXAMPLE_CHART, profile, context=context)
    assert from_memory.to_json() == from_disk.to_json()
    assert not math.isnan(from_memory.values["replicaCount"])
