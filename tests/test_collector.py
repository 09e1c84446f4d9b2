"""The cyclic garbage collector is paused while trees are built, and always handed back as it was found."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Any, Iterator, List

import pytest

from profile_render.cli import main
from profile_render.errors import ValuesSyntaxError
from profile_render.yamlio import build
from profile_render.yamlio.collector import collector_paused
from profile_render.yamlio.load import load_values


@contextmanager
def _collector(enabled: bool) -> Iterator[None]:
    """Run the body with the collector switched as asked, and restore the test runner's setting after."""
    before = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if before else gc.disable)()


@pytest.fixture
def seen_while_building(monkeypatch: pytest.MonkeyPatch) -> List[bool]:
    """Whether the collector was enabled each time the reader built a text."""
    seen: List[bool] = []
    real = build._read

    def recording(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(build, "_read", recording)
    return seen


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_pauses_the_collector_and_restores_it(enabled: bool, seen_while_building: List[bool]):
    with _collector(enabled):
        assert load_values("a: 1\nb: [x, {c: 2}]\n").data == {"a": 1, "b": ["x", {"c": 2}]}
        assert seen_while_building == [False]
        assert gc.isenabled() is enabled


def test_an_error_while_reading_restores_the_collector(seen_while_building: List[bool]):
    with _collector(True):
        with pytest.raises(ValuesSyntaxError):
            load_values("a: [1, 2\n")
        assert seen_while_building == [False]
        assert gc.isenabled()


def test_nested_pauses_restore_the_collector_when_the_last_one_ends():
    with _collector(True):
        with collector_paused():
            with collector_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()


def test_pauses_overlapping_in_threads_leave_the_collector_on_only_when_all_have_ended():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    states: List[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second() -> None:
        first_in.wait(10)
        with collector_paused():
            second_in.set()
            first_out.wait(10)
            states.append(gc.isenabled())  # the first pause has ended, this one still runs
        states.append(gc.isenabled())

    with _collector(True):
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert states == [False, True]
        assert gc.isenabled()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cli_pauses_the_collector_for_the_command_and_restores_it(enabled: bool, tmp_path: Any,
                                                                      seen_while_building: List[bool],
                                                                      capsys: pytest.CaptureFixture[str]):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("a: 1\n")
    (tmp_path / "bad.yaml").write_text("a: [1\n")
    with _collector(enabled):
        assert main(["merge", str(chart), "-o", "json"]) == 0
        assert capsys.readouterr().out == '{\n  "a": 1\n}\n'
        assert main(["merge", str(chart), "-f", str(tmp_path / "bad.yaml"), "-o", "json"]) == 1
        assert "bad.yaml" in capsys.readouterr().err
        assert gc.isenabled() is enabled
    assert seen_while_building and not any(seen_while_building)
