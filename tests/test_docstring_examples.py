"""Every public name documents itself with a runnable example, and every example runs.

The public API is ``profile_render.__all__``. Each exported function and class
has a docstring whose first line says what it is and which holds a ``>>>``
example; the examples of those objects (and of their methods) run here as
doctests with the repository root as the working directory, so they may use the
shipped examples (``examples/...``) and test data (``tests/data/...``) by
relative path. Examples see every public name and ``Path`` (the namespace
``from pathlib import Path`` and ``from profile_render import *`` would give).
"""

from __future__ import annotations

import doctest
import inspect
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import profile_render

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = sorted(name for name in profile_render.__all__ if name != "__version__")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


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
def at_repo_root() -> Iterator[None]:
    """Run with the repository root as the working directory, as the examples' relative paths assume."""
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_a_summary_and_an_example(name: str) -> None:
    doc = inspect.getdoc(getattr(profile_render, name))
    assert doc, f"{name} has no docstring"
    opening = " ".join(doc.strip().split("\n\n")[0].split())
    assert opening.endswith((".", ":")), f"{name}: the docstring should open with a sentence, got {opening!r}"
    assert ">>> " in doc, f"{name}: its docstring has no runnable (>>>) example"


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


def test_examples_print_no_secret(at_repo_root: None) -> None:
    """The example password never appears in what an example shows."""
    shown: List[str] = []
    for name in PUBLIC:
        for test in _doctests(name):
            shown.extend(example.want for example in test.examples)
    assert not [w for w in shown if "example-token" in w or "s3cr3t" in w]
