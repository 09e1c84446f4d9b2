"""Every public name documents itself with a runnable example, and every example runs.

The public API is ``profile_render.__all__``. Each exported function and class
has a docstring whose opening sentence says what it is and which holds a ``>>>``
example; the examples of those objects (and of their methods) run here as
doctests with the repository root as the working directory, so they may use the
shipped examples (``examples/...``) and test data (``tests/data/...``) by
relative path. Examples see every public name and ``Path`` (the namespace
``from pathlib import Path`` and ``from profile_render import *`` would give).
"""

from __future__ import annotations

import doctest
import inspect
from pathlib import Path
from typing import Any, Dict, List

import pytest

import profile_render

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = sorted(name for name in profile_render.__all__ if name != "__version__")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# The methods a service calls on the public classes: each shows itself with an example too.
MAIN_METHODS = (
    "Chart.from_archive", "Chart.from_files", "Chart.walk",
    "ChartCache.load", "ChartCache.archive", "ChartCache.files", "ChartCache.stats", "ChartCache.clear",
    "Layer.from_file", "Layer.from_text", "Layer.from_stream", "Layer.from_mapping",
    "MergeResult.value", "MergeResult.origin", "MergeResult.origins", "MergeResult.to_json", "MergeResult.to_yaml",
    "RenderResult.value", "RenderResult.origin", "RenderResult.origins", "RenderResult.masked_values",
    "RenderResult.to_dict", "RenderResult.masked", "RenderResult.to_json", "RenderResult.to_yaml",
    "PackageFiles.from_mapping", "PackageFiles.from_directory", "PackageRender.to_dict",
    "Placeholders.register", "Placeholders.names", "Placeholders.get", "Placeholders.scan", "Placeholders.contains",
    "ProfileRenderError.to_dict", "ProfileRenderError.to_json", "Diagnostic.to_dict", "Diagnostic.to_json",
    "LoadedValues.locate", "Secret.reveal", "Catalog.application", "Catalog.package",
    "SchemaViolation.to_dict", "LintedFile.to_dict",
)


def _globals() -> Dict[str, Any]:
    """The names an example may use without importing them."""
    names: Dict[str, Any] = {name: getattr(profile_render, name) for name in PUBLIC}
    names.update(Path=Path, profile_render=profile_render)
    return names


def _doctests(name: str) -> List[doctest.DocTest]:
    """The doctests of one public object and of the methods and properties its class defines."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    # module=False: look into every member the class itself defines, wherever the function object was made
    # (render is wrapped by a decorator that lives in errors.py).
    return [test for test in finder.find(getattr(profile_render, name), name=name, module=False, globs=_globals())
            if test.examples]


@pytest.fixture
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run with the repository root as the working directory, as the examples' relative paths assume."""
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_a_summary_and_an_example(name: str) -> None:
    doc = inspect.getdoc(getattr(profile_render, name))
    assert doc, f"{name} has no docstring"
    opening = " ".join(doc.strip().split("\n\n")[0].split())
    assert opening.endswith((".", ":")), f"{name}: the docstring should open with a sentence, got {opening!r}"
    assert ">>> " in doc, f"{name}: its docstring has no runnable (>>>) example"


@pytest.mark.parametrize("qualified", MAIN_METHODS)
def test_main_method_has_a_summary_and_an_example(qualified: str) -> None:
    owner, method = qualified.split(".")
    member = inspect.getattr_static(getattr(profile_render, owner), method)
    function = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
    doc = inspect.getdoc(function)
    assert doc and ">>> " in doc, f"{qualified}: its docstring has no runnable (>>>) example"
    # the example runs with its class's: the finder looks into the members the class defines
    assert any(test.name == qualified for test in _doctests(owner)), qualified


@pytest.mark.parametrize("name", PUBLIC)
def test_examples_run(name: str, at_repo_root: None) -> None:
    tests = _doctests(name)
    assert tests, f"{name} has no doctest"
    report: List[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    attempted = failed = 0
    for test in tests:
        result = runner.run(test, out=report.append)
        attempted, failed = attempted + result.attempted, failed + result.failed
    assert attempted > 0
    assert failed == 0, "".join(report)


def test_the_package_docstring_example_runs(at_repo_root: None) -> None:
    finder = doctest.DocTestFinder(recurse=False)
    (test,) = finder.find(profile_render, "profile_render", globs=_globals())
    report: List[str] = []
    result = doctest.DocTestRunner(optionflags=FLAGS).run(test, out=report.append)
    assert result.attempted > 0 and result.failed == 0, "".join(report)


def test_examples_print_no_secret(at_repo_root: None) -> None:
    """The example password never appears in what an example shows."""
    shown: List[str] = []
    for name in PUBLIC:
        for test in _doctests(name):
            shown.extend(example.want for example in test.examples)
    assert not [w for w in shown if "example-token" in w or "s3cr3t" in w]
