"""Provenance: origin(path) names the layer, file, line and column of every final value."""

from __future__ import annotations

import io
import tarfile
import threading
from pathlib import Path

import pytest

import profile_render.values as values_module
from profile_render import Layer, PathNotFoundError, merge_values, parse_value_path
from profile_render.errors import ProfileRenderError


def _chart(root: Path, values: str, name: str = "app", extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{extra}")
    (root / "values.yaml").write_text(values)
    return root


@pytest.fixture
def stack(tmp_path):
    chart = _chart(tmp_path / "chart", "image:\n  repository: nginx\n  tag: '1.0'\nreplicas: 1\nlist: [a, b]\n"
                                        "empty: {}\ndrop: {x: 1}\n",
                   extra="dependencies:\n  - name: sub\n    version: 0.1.0\n")
    _chart(chart / "charts" / "sub", "port: 80\nglobal:\n  region: eu\n", name="sub")
    profile = tmp_path / "profile.yaml"
    profile.write_text("image:\n  repository: '%ImageRegistryURL%/nginx'\nglobal:\n  region: us\nlist: [c]\n"
                       "drop: null\nnewnull: null\n")
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("replicas: 3\n")
    return chart, profile, overrides


def test_origin_of_each_layer(stack):
    chart, profile, overrides = stack
    result = merge_values(
        chart,
        [Layer.from_file(profile, kind="profile"), Layer.from_file(overrides, kind="overrides")],
        set_values=["image.tag=2.0"],
    )
    repo = result.origin("image.repository")
    assert (repo.layer, repo.source, repo.line, repo.column) == ("profile", str(profile), 2, 3)
    assert result.origin("replicas").layer == "overrides"
    assert result.origin("replicas").location == f"{overrides}:1:1"
    tag = result.origin("image.tag")
    assert tag.layer == "--set" and tag.source == "--set image.tag=2.0" and tag.source_path == ("image", "tag")
    port = result.origin("sub.port")
    assert port.layer == "subchart defaults" and port.source.endswith("sub/values.yaml")
    assert port.source_path == ("port",) and (port.line, port.column) == (1, 1)
    # a list is replaced whole: its items come from the profile
    assert result.value("list") == ["c"]
    assert result.origin("list[0]").layer == "profile"
    assert result.origin("list[0]").location == f"{profile}:5:8"


def test_global_flows_down_with_its_origin(stack):
    chart, profile, _ = stack
    result = merge_values(chart, [Layer.from_file(profile, kind="profile")])
    assert result.value("sub.global.region") == "us"
    origin = result.origin("sub.global.region")
    assert origin.layer == "profile" and origin.source_path == ("global", "region") and origin.line == 4


def test_container_origins_are_ranked(stack):
    chart, profile, _ = stack
    result = merge_values(chart, [Layer.from_file(profile, kind="profile")], set_values=["image.tag=x"])
    layers = [o.layer for o in result.origins("image")]
    assert layers == ["--set", "profile"]
    assert result.origins("image")[1].source_path == ("image",)
    assert result.origins("image")[1].line == 1


def test_null_and_empty_values_have_origins(stack):
    chart, profile, _ = stack
    result = merge_values(chart, [Layer.from_file(profile, kind="profile")])
    assert result.value("newnull") is None
    assert result.origin("newnull").layer == "profile"
    assert result.origin("empty").layer == "chart defaults"
    with pytest.raises(PathNotFoundError):
        result.origin("drop")  # nulled in the profile: gone from the final values


def test_missing_path_suggests_a_close_key(stack):
    chart, _, _ = stack
    result = merge_values(chart)
    with pytest.raises(PathNotFoundError) as info:
        result.origin("image.repositry")
    assert "image.repository" in info.value.hint
    assert isinstance(info.value, ProfileRenderError) and isinstance(info.value, KeyError)


def test_origin_from_dict_layer_has_no_position(stack):
    chart, _, _ = stack
    result = merge_values(chart, [Layer({"replicas": 9}, source="api overrides", kind="overrides")])
    origin = result.origin("replicas")
    assert (origin.layer, origin.source, origin.line) == ("overrides", "api overrides", None)


def test_origin_from_a_chart_archive(tmp_path):
    chart = _chart(tmp_path / "src", "a:\n  b: 1\n", name="packed")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(chart, arcname="packed")
    archive = tmp_path / "packed-0.1.0.tgz"
    archive.write_bytes(buf.getvalue())
    result = merge_values(archive)
    assert result.values == {"a": {"b": 1}}
    assert result.origin("a.b").location == f"{archive}/values.yaml:2:3"


def test_provenance_does_not_change_values_and_is_thread_safe(stack, monkeypatch):
    """Concurrent first questions replay the merge once, and every asker gets the right answer.

    The race is made certain instead of likely: the first replay is held
    inside its merge step until a second asker has either queued on the
    result's lock (correct code) or started a replay of its own (code without
    the lock); only then is the first replay let go.
    """
    chart, profile, overrides = stack
    result = merge_values(chart, [Layer.from_file(profile), Layer.from_file(overrides)])
    before = result.to_json()

    first_inside = threading.Event()  # the first replay has reached its merge step
    second_arrived = threading.Event()  # another asker is at the lock or inside a replay
    replays = []
    real_merge_layers = values_module.merge_layers

    def held_merge_layers(*args, **kwargs):
        replays.append(threading.current_thread().name)
        if len(replays) == 1:
            first_inside.set()
            # A generous guard against a hang, not a timing assertion: it only
            # runs out if neither the lock nor a replay ever sees a second asker.
            assert second_arrived.wait(timeout=60), "no second asker reached the lock or a replay"
        else:
            second_arrived.set()
        return real_merge_layers(*args, **kwargs)

    class ObservedLock:
        """The result's own lock, telling the test when a second asker has to wait for it."""

        def __init__(self, lock):
            self.lock = lock

        def __enter__(self):
            if not self.lock.acquire(blocking=False):
                second_arrived.set()
                self.lock.acquire()
            return self

        def __exit__(self, *exc_info):
            self.lock.release()

    monkeypatch.setattr(values_module, "merge_layers", held_merge_layers)
    result._lock = ObservedLock(result._lock)
    answers = {}
    errors = []

    def ask(name):
        try:
            origin = result.origin("image.repository")
            answers[name] = (origin.source, origin.line, origin.column, result.origin("replicas").line)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    first = threading.Thread(target=ask, args=("first",), name="first")
    first.start()
    assert first_inside.wait(timeout=60)
    others = [threading.Thread(target=ask, args=(f"other-{i}",), name=f"other-{i}") for i in range(4)]
    for t in others:
        t.start()
    for t in [first] + others:
        t.join()
    assert not errors
    assert replays == ["first"], "the merge was replayed more than once: the provenance trace is not guarded"
    assert set(answers.values()) == {(str(profile), 2, 3, 1)}
    assert len(answers) == 5
    assert result.to_json() == before


@pytest.mark.parametrize(
    "text, parts",
    [
        ("a", ("a",)),
        ("a.b.c", ("a", "b", "c")),
        ("a\\.b.c", ("a.b", "c")),
        ("list[0].name", ("list", 0, "name")),
        ("m[1][2]", ("m", 1, 2)),
    ],
)
def test_parse_value_path(text, parts):
    assert parse_value_path(text) == parts


@pytest.mark.parametrize("text", ["", "a..b", "a.", "[0]", "a[x]", "a[0]b"])
def test_parse_value_path_errors(text):
    with pytest.raises(ProfileRenderError) as info:
        parse_value_path(text)
    assert info.value.hint
