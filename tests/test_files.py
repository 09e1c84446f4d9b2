"""The safe file reader: regular files only, opened without blocking, checked on the descriptor, read under a cap."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

import pytest

from profile_render.cli import main
from profile_render.errors import LimitExceededError, ProfileRenderError, ValuesSyntaxError
from profile_render.files import (
    Cap,
    FileError,
    FileTooLargeError,
    OutsideRootError,
    RegularFile,
    describe_mode,
    read_file,
    read_file_inside,
    read_stream,
    read_text_file,
    resolve_inside,
)
from profile_render.values import Layer
from profile_render.yamlio.load import Limits, load_values_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CHART = ROOT / "examples" / "hello-chart"
CAP = Cap(1000, "Limits.max_bytes", 4_000_000)


@pytest.fixture
def specials(tmp_path: Path) -> dict:
    """A FIFO, a directory, a symbolic link to /dev/zero, a link loop and a dangling link."""
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    directory = tmp_path / "dir.yaml"
    directory.mkdir()
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(loop)
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "nowhere.yaml")
    return {"fifo": fifo, "directory": directory, "zero": zero, "dev-zero": Path("/dev/zero"), "loop": loop,
            "dangling": dangling}


@pytest.mark.parametrize("kind, says", [
    ("fifo", "is a FIFO (named pipe), not a regular file"),
    ("directory", "is a directory, not a regular file"),
    ("zero", "is a character device, not a regular file"),
    ("dev-zero", "is a character device, not a regular file"),
    ("loop", "is a symbolic link loop"),
    ("dangling", "it does not exist"),
])
def test_anything_but_a_regular_file_is_refused_before_reading(specials: dict, kind: str, says: str) -> None:
    with pytest.raises(FileError) as info:
        read_file(specials[kind], cap=CAP, what="the values file")
    assert says in info.value.problem
    assert info.value.problem.startswith(("the values file", "cannot read the values file"))
    assert info.value.source == str(specials[kind]) and info.value.hint


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(FileError) as info:
            read_file(path, cap=CAP)
        assert "not a regular file" in info.value.problem
    finally:
        server.close()


def test_the_error_class_can_be_chosen(specials: dict) -> None:
    with pytest.raises(ValuesSyntaxError):
        read_file(specials["fifo"], cap=CAP, error=ValuesSyntaxError)


def test_a_symbolic_link_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("a: 1\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    assert read_file(tmp_path / "link.yaml", cap=CAP) == b"a: 1\n"
    with pytest.raises(FileError) as info:
        read_file(tmp_path / "link.yaml", cap=CAP, follow_symlinks=False)
    assert "symbolic link" in info.value.problem


def test_the_cap_names_its_setting_and_default(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(FileTooLargeError) as info:
        read_file(path, cap=CAP, what="the values file", advice="split the values")
    error = info.value
    assert isinstance(error, LimitExceededError) and isinstance(error, FileError)
    assert error.problem == "the values file is 1,001 bytes, more than the limit of 1,000 bytes"
    assert error.hint == "split the values, or raise Limits.max_bytes (default 4,000,000)"
    path.write_bytes(b"x" * 1000)
    assert len(read_file(path, cap=CAP)) == 1000


def test_a_fixed_cap_says_only_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 11)
    with pytest.raises(FileTooLargeError) as info:
        read_file(path, cap=Cap(10), advice="pass the right file")
    assert info.value.hint == "pass the right file"


def test_a_file_larger_than_it_says_is_cut_at_the_cap() -> None:
    # /proc files report size 0: the cap, not st_size, bounds the read.
    with pytest.raises(FileTooLargeError) as info:
        read_file("/proc/self/status", cap=Cap(10))
    assert info.value.problem == "the file is more than the limit of 10 bytes"
    assert read_file("/proc/self/status", cap=Cap(1 << 20)).startswith(b"Name:")


def test_regular_file_head_and_read(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"\x1f\x8b rest")
    with RegularFile(path, what="the chart") as handle:
        assert handle.size == 7
        assert handle.head(2) == b"\x1f\x8b"
        assert handle.read(Cap(100)) == b"\x1f\x8b rest"
    with pytest.raises(ValueError):
        handle.read(Cap(100))  # closed


def test_text_files_are_utf8_and_errors_never_quote_them(tmp_path: Path) -> None:
    path = tmp_path / "password.txt"
    path.write_bytes(b"S3CRET\xff")
    with pytest.raises(FileError) as info:
        read_text_file(path, cap=CAP, what="the registry password file")
    assert "S3CRET" not in str(info.value) and "S3CRET" not in repr(info.value.args)
    assert "offset 6" in info.value.problem
    path.write_text("t\u00f6ken\n", encoding="utf-8")
    assert read_text_file(path, cap=CAP) == "t\u00f6ken\n"


def test_streams_are_capped() -> None:
    assert read_stream(io.BytesIO(b"abc"), cap=Cap(3), what="the manifests", source="<stdin>") == b"abc"
    with pytest.raises(FileTooLargeError) as info:
        read_stream(io.BytesIO(b"abcd"), cap=Cap(3), what="the manifests", source="<stdin>")
    assert info.value.source == "<stdin>"


def test_describe_mode() -> None:
    assert describe_mode(os.stat("/dev/null").st_mode) == "a character device"
    assert describe_mode(os.stat("/").st_mode) == "a directory"


# -- containment ---------------------------------------------------------------------------------


@pytest.fixture
def package(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "values.yaml").write_text("a: 1\n")
    (pkg / "sub" / "deep.yaml").write_text("b: 2\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text("stolen: 1\n")
    return pkg


@pytest.mark.parametrize("name", ["values.yaml", "sub/deep.yaml", "sub/../values.yaml", "./values.yaml",
                                  "../pkg/values.yaml"])
def test_names_inside_the_root_resolve(package: Path, name: str) -> None:
    real = resolve_inside(package, name)
    assert str(real).startswith(os.path.realpath(package))
    assert read_file_inside(package, name, cap=CAP) in (b"a: 1\n", b"b: 2\n")


@pytest.mark.parametrize("name", ["../outside/secret.yaml", "sub/../../outside/secret.yaml", "/etc/passwd",
                                  "/dev/zero", "..", "../pkg-other/x.yaml"])
def test_names_outside_the_root_are_refused_unread(package: Path, name: str) -> None:
    with pytest.raises(OutsideRootError) as info:
        read_file_inside(package, name, cap=CAP, what="the values file", source="app.yaml")
    assert info.value.source == "app.yaml" and "package directory" in info.value.problem


def test_symbolic_links_must_stay_inside_too(package: Path) -> None:
    (package / "inside-link.yaml").symlink_to("sub/deep.yaml")
    (package / "outside-link.yaml").symlink_to(package.parent / "outside" / "secret.yaml")
    (package / "dir-link").symlink_to(package.parent / "outside")
    (package / "relative-out.yaml").symlink_to("../outside/secret.yaml")
    assert read_file_inside(package, "inside-link.yaml", cap=CAP) == b"b: 2\n"
    for name in ("outside-link.yaml", "dir-link/secret.yaml", "relative-out.yaml"):
        with pytest.raises(OutsideRootError):
            read_file_inside(package, name, cap=CAP)


def test_a_link_loop_inside_the_root_is_a_clean_error(package: Path) -> None:
    (package / "a.yaml").symlink_to("b.yaml")
    (package / "b.yaml").symlink_to("a.yaml")
    with pytest.raises(FileError) as info:
        read_file_inside(package, "a.yaml", cap=CAP)
    assert "symbolic link loop" in info.value.problem


def test_a_missing_file_inside_resolves_and_fails_to_read(package: Path) -> None:
    assert resolve_inside(package, "nope.yaml").name == "nope.yaml"
    with pytest.raises(FileError) as info:
        read_file_inside(package, "nope.yaml", cap=CAP)
    assert "does not exist" in info.value.problem


def test_the_root_itself_may_be_reached_through_a_link(tmp_path: Path, package: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(package)
    assert read_file_inside(alias, "values.yaml", cap=CAP) == b"a: 1\n"


# -- every reader of the library and the CLI goes through it -------------------------------------


def test_values_files_use_the_safe_reader(specials: dict, tmp_path: Path) -> None:
    for kind in ("fifo", "zero", "directory", "loop"):
        with pytest.raises(ValuesSyntaxError):
            load_values_file(specials[kind])
        with pytest.raises(ProfileRenderError):
            Layer.from_file(specials[kind])
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 50)
    with pytest.raises(LimitExceededError) as info:
        load_values_file(big, limits=Limits(max_bytes=10))
    assert "Limits.max_bytes (default 4,000,000)" in (info.value.hint or "")


def _run(argv: list, capsys: pytest.CaptureFixture) -> tuple:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


RENDER = ["render", EXAMPLE_CHART, "--app-name", "a", "--app-version", "1.0.0", "--deployment-name", "d1",
          "--namespace", "n", "--registry-url", "oci://registry.example.com/p", "--registry-username", "u"]


@pytest.mark.parametrize("kind", ["fifo", "zero", "directory"])
def test_every_cli_input_file_is_checked(specials: dict, kind: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    path = specials[kind]
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    monkeypatch.setenv("PROFILE_RENDER_REGISTRY_PASSWORD", "pw")
    runs = [["merge", EXAMPLE_CHART, "-f", path],
            RENDER + ["--profile", path],
            RENDER + ["--profile", empty, "--registry-ca-file", path],
            ["check-manifests", path],
            ["check-manifests", empty, "--render-json", path]]
    if kind != "directory":  # a directory is a chart directory
        runs.append(["merge", path])
    for argv in runs:
        code, out, err = _run(argv, capsys)
        assert code == 1 and out == "", argv
        assert "not a regular file" in err and str(path) in err and "Traceback" not in err, (argv, err)
    monkeypatch.delenv("PROFILE_RENDER_REGISTRY_PASSWORD")
    code, out, err = _run(RENDER + ["--profile", empty, "--registry-password-file", path], capsys)
    assert code == 1 and "not a regular file" in err


def test_manifests_from_stdin_are_capped(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from profile_render import cli
    from profile_render.yamlio import limits

    monkeypatch.setattr(limits, "MANIFEST_LIMITS", Limits(max_bytes=100))
    monkeypatch.setattr(cli.sys, "stdin", io.TextIOWrapper(io.BytesIO(b"#" * 101)))
    code, out, err = _run(["check-manifests", "-"], capsys)
    assert code == 1 and "<stdin>" in err and "more than the limit of 100 bytes" in err
