"""Packaging facts: lazy public API, lean merge import path, typed package, shipped data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import profile_render

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set:
    proc = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True,
    )
    return set(proc.stdout.split())


def test_import_is_lazy():
    mods = _modules_after("import profile_render")
    assert "yaml" not in mods and "profile_render.values" not in mods


def test_merge_path_stays_lean():
    mods = _modules_after(
        "from profile_render.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['merge', {str(ROOT / 'examples' / 'hello-chart')!r}, '--explain', 'image'])"
    )
    for heavy in ("jsonschema", "jinja2", "referencing"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in mods), heavy


def test_every_public_name_resolves():
    for name in profile_render.__all__:
        assert getattr(profile_render, name) is not None
    with pytest.raises(AttributeError):
        profile_render.not_a_thing  # noqa: B018


def test_exception_hierarchy_has_one_root():
    from profile_render import errors

    for name in ("ValuesSyntaxError", "ValuesTypeError", "LimitExceededError", "SetSyntaxError",
                 "ChartError", "MergeError", "StrictModeError"):
        assert issubclass(getattr(errors, name), errors.ProfileRenderError)
    for cls in (profile_render.PathNotFoundError, profile_render.PlaceholderError, profile_render.RegistryError,
                profile_render.ContextError):
        assert issubclass(cls, profile_render.ProfileRenderError)


def test_wheel_ships_py_typed_and_schemas(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        # --no-build-isolation needs setuptools in this environment; fall back to an isolated build
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
            capture_output=True, text=True,
        )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("profile_render-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "profile_render/py.typed" in names
    assert "profile_render/schemas/__init__.py" in names
    for schema in (ROOT / "schemas").glob("*.json"):
        assert f"profile_render/schemas/{schema.name}" in names


def test_public_names_are_not_shadowed_by_submodules():
    # Importing a submodule binds its name on the package; no submodule may share a public function's name.
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(profile_render.__path__, "profile_render."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for name in profile_render.__all__:
        if name == "__version__":
            continue
        value = getattr(profile_render, name)
        assert not isinstance(value, type(profile_render)), f"profile_render.{name} is a module"
    from profile_render import render

    assert callable(render) and render.__module__ == "profile_render.rendering"
