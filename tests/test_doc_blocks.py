"""Every code block of README.md, docs/*.md and examples/**/README.md runs, and shows what really happens.

The blocks of one document run in order in one scratch folder (the document's
"working directory") in which ``examples/``, ``tests/``, ``schemas/`` and
``scripts/`` of the repository are visible, so a block uses paths relative to
the repository root and writes only to scratch space. Python blocks of one
document share one namespace, like a session.

What a block's fence says:

* ``python``: executed. An expression statement followed by ``# -> TEXT`` must
  have a ``repr`` equal to TEXT, where ``...`` stands for anything.
* ``sh``: run with bash, ``profile-render`` (this checkout, in-process Python)
  and, when the block uses it, the Helm oracle on ``PATH``, and ``TOKEN`` set
  to a sample token. A block with lines starting ``$ `` is a session: each
  ``$`` command (continued by a trailing backslash) must print exactly the
  lines up to the next ``$`` (stdout and stderr together). Any other block is a
  script run with ``set -eo pipefail``.
* ``yaml`` / ``json``: data; must parse.
* ``text``: not run: an illustration, or (with the ``output`` marker) output.

Anything else, a fence without a language included, fails the test.

Markers: an HTML comment ``<!-- doc-block: ITEM; ITEM -->`` on the line right
before the fence. Items:

* ``exit N``: the script (or every command of the session) exits with N, not 0.
* ``output``: this ``text`` block is the exact stdout of the previous python
  block, or the stdout and stderr of the previous sh script.
* ``file NAME``: a ``yaml``/``json``/``text`` block is also written to NAME in
  the working directory, for the blocks after it.
* ``invalid``: a ``yaml``/``json`` block that must *not* parse (a syntax-error example).
* ``unordered``: the session's output lines are compared in any order (for a
  command that prints them in no fixed order, such as Helm's schema errors).
* ``synopsis``: an ``sh`` usage line; every ``--option`` in it must be an option
  of the named ``profile-render`` command (its ``--help``), and it is not run.
* ``skip: REASON``: not run here, for the reason given (such as "installs into
  .venv; tests/test_readme.py runs it"); the last item: the reason runs to the
  end of the comment.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml

from tests.helm_oracle import helm_binary, helm_env

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "examples").glob("**/README.md")])
VISIBLE = ("examples", "tests", "schemas", "scripts")  # what a block may read, relative to the repository root
LANGUAGES = {"python", "sh", "yaml", "json", "text"}
SAMPLE_TOKEN = "example-token"
HELM_SKIP = "helm binary not available (scripts/fetch-helm.sh)"

FENCE = re.compile(r"^```(\S*)\s*$")
MARKER = re.compile(r"^<!--\s*doc-block:\s*(.*?)\s*-->\s*$")


def shown(document: Path) -> str:
    """A document's name in messages: relative to the repository root when inside it."""
    return str(document.relative_to(ROOT)) if ROOT in document.parents else str(document)


@dataclass
class Block:
    """One fenced code block: where it is, its language, its text and its markers."""

    document: Path
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    markers: Dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{shown(self.document)}:{self.line}"


def parse_markers(comment: str, where: str) -> Dict[str, str]:
    """The items of one ``doc-block`` comment, as {name: argument}."""
    markers: Dict[str, str] = {}
    comment, skip, reason = comment.partition("skip:")  # the reason runs to the end of the comment
    if skip:
        markers["skip"] = reason.strip()
        if not markers["skip"]:
            raise AssertionError(f"{where}: doc-block item 'skip' needs a reason")
    for item in filter(None, (part.strip() for part in comment.split(";"))):
        name, _, argument = item.partition(" ")
        name, argument = name.strip(), argument.strip()
        if name not in ("exit", "output", "file", "invalid", "synopsis", "unordered"):
            raise AssertionError(f"{where}: unknown doc-block item {item!r}")
        if name in ("exit", "file") and not argument:
            raise AssertionError(f"{where}: doc-block item {name!r} needs an argument")
        markers[name] = argument
    return markers


def read_blocks(document: Path) -> List[Block]:
    """Every fenced code block of a Markdown file, in order."""
    lines = document.read_text(encoding="utf-8").splitlines()
    blocks: List[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and lines[i] != "```":
            i += 1
        if i == len(lines):
            raise AssertionError(f"{document.name}:{start + 1}: code block never closed")
        where = f"{shown(document)}:{start + 1}"
        marker = MARKER.match(lines[start - 1]) if start else None
        markers = parse_markers(marker.group(1), where) if marker else {}
        blocks.append(Block(document, start + 1, opening.group(1), "\n".join(lines[start + 1:i]) + "\n", markers))
        i += 1
    return blocks


def matches(expected: str, actual: str) -> bool:
    """Whether ``actual`` is ``expected`` with each ``...`` standing for any text."""
    pattern = ".*?".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual, re.S) is not None


def sorted_lines(text: str) -> str:
    """The lines of ``text`` in sorted order (for output whose order is not fixed)."""
    return "\n".join(sorted(normalise(text).splitlines()))


def normalise(text: str) -> str:
    """Output compared line by line, trailing spaces and blank lines ignored."""
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


class Session:
    """The working directory, Python namespace and last output of one document's blocks."""

    def __init__(self, workdir: Path, bindir: Path) -> None:
        self.workdir = workdir
        self.bindir = bindir
        self.namespace: Dict[str, Any] = {"__name__": "__doc_block__"}
        self.last_output: Optional[Tuple[Block, str]] = None

    def env(self) -> Dict[str, str]:
        """The environment a block's commands run in: this checkout's profile-render first on PATH."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROFILE_RENDER_REGISTRY")}
        env.update({k: v for k, v in helm_env().items() if k.startswith("HELM_")})  # Helm's cache out of $HOME
        env.update(PATH=f"{self.bindir}{os.pathsep}{env.get('PATH', '')}", TOKEN=SAMPLE_TOKEN,
                   PYTHONPATH=str(ROOT), COLUMNS="100", TMPDIR=str(self.workdir))
        return env

    # -- python -------------------------------------------------------------

    def run_python(self, block: Block) -> None:
        """Execute a python block statement by statement, checking each ``# -> TEXT`` against the value."""
        tree = ast.parse(block.text, filename=block.where)
        source_lines = block.text.splitlines()
        out = io.StringIO()
        assert Path.cwd() == self.workdir, "the session fixture changes into the working directory"
        with contextlib.redirect_stdout(out):
            for node in tree.body:
                code_line = block.line + node.lineno
                expected = _expected_repr(source_lines[node.end_lineno - 1]) if isinstance(node, ast.Expr) else None
                stray = [n for n in range(node.lineno, node.end_lineno + (not isinstance(node, ast.Expr)))
                         if _expected_repr(source_lines[n - 1]) is not None]
                assert not stray, (f"{shown(block.document)}:{block.line + stray[0]}: '# ->' checks the value "
                                   "of an expression statement on its last line only")
                try:
                    if expected is None:
                        exec(compile(ast.Module([node], []), block.where, "exec"), self.namespace)
                        continue
                    value = eval(compile(ast.Expression(node.value), block.where, "eval"), self.namespace)
                except Exception as exc:
                    raise AssertionError(f"{shown(block.document)}:{code_line}: {exc!r}") from exc
                assert matches(expected, repr(value)), (
                    f"{shown(block.document)}:{code_line}: the doc says {expected}, it is {value!r}")
        self.last_output = (block, out.getvalue())

    # -- sh -----------------------------------------------------------------

    def run_sh(self, block: Block) -> None:
        """Run an sh block as a session (each ``$`` command and its shown output) or as a script."""
        if re.search(r"(^|[\s|;(])helm\s", block.text) and helm_binary() is None:
            pytest.skip(HELM_SKIP)
        expected_exit = int(block.markers.get("exit", "0"))
        if any(line.startswith("$ ") for line in block.text.splitlines()):
            for offset, command, expected in _session(block.text):
                proc = self._bash(command, pipefail=False)
                where = f"{shown(block.document)}:{block.line + offset}"
                assert proc.returncode == expected_exit, f"{where}: exit {proc.returncode}\n{proc.stdout}"
                actual = proc.stdout
                if "unordered" in block.markers:
                    actual, expected = (sorted_lines(actual), sorted_lines(expected))
                assert normalise(actual) == normalise(expected), (
                    f"{where}: the doc shows\n{expected}\nbut the command prints\n{proc.stdout}")
            self.last_output = None
            return
        proc = self._bash(block.text, pipefail=True)
        assert proc.returncode == expected_exit, f"{block.where}: exit {proc.returncode}\n{proc.stdout}"
        self.last_output = (block, proc.stdout)

    def _bash(self, script: str, pipefail: bool) -> "subprocess.CompletedProcess[str]":
        """Run ``script`` with bash in the working directory, stdout and stderr together."""
        prefix = "set -eo pipefail\n" if pipefail else ""
        return subprocess.run(["bash", "-c", prefix + script], cwd=self.workdir, env=self.env(), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300, check=False)

    def check_synopsis(self, block: Block) -> None:
        """Every ``--option`` of each ``profile-render ...`` usage line is in that command's ``--help``."""
        usages = [segment.split() for line in block.text.replace("\\\n", " ").splitlines()
                  for segment in line.split("|") if segment.split()[:1] == ["profile-render"]]
        assert usages, f"{block.where}: a synopsis shows at least one profile-render command"
        for words in usages:
            command = words[1:3] if words[1] in ("package", "export", "report") else words[1:2]  # commands of two words
            proc = subprocess.run([sys.executable, "-m", "profile_render", *command, "--help"], cwd=ROOT,
                                  env=self.env(), capture_output=True, text=True, timeout=60, check=False)
            assert proc.returncode == 0, f"{block.where}: profile-render {' '.join(command)} --help: {proc.stderr}"
            known = set(re.findall(r"--[a-z][a-z0-9-]*", proc.stdout))
            named = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", " ".join(words)))
            assert named <= known, (
                f"{block.where}: not options of profile-render {' '.join(command)}: {sorted(named - known)}")

    # -- data and output ----------------------------------------------------

    def check_data(self, block: Block) -> None:
        """A yaml or json block parses, or (marked ``invalid``) does not."""
        try:
            if block.language == "json":
                json.loads(block.text)
            else:
                list(yaml.safe_load_all(block.text))
            parsed = True
        except (ValueError, yaml.YAMLError):
            parsed = False
        wanted = "invalid" not in block.markers
        assert parsed == wanted, f"{block.where}: the {block.language} block {'does not parse' if wanted else 'parses'}"

    def check_output(self, block: Block) -> None:
        """An ``output`` block is exactly what the previous python block or sh script printed."""
        assert self.last_output is not None, f"{block.where}: an output block must follow a python block or sh script"
        source, actual = self.last_output
        assert normalise(actual) == normalise(block.text), (
            f"{block.where}: the doc shows\n{block.text}\nbut {source.where} prints\n{actual}")
        self.last_output = None

    def write_file(self, block: Block) -> None:
        """Write a ``file NAME`` block into the working directory for the blocks after it."""
        target = (self.workdir / block.markers["file"]).resolve()
        assert self.workdir.resolve() in target.parents, f"{block.where}: file outside the working directory"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.text, encoding="utf-8")

    def run(self, block: Block) -> None:
        """Run or check one block as its fence and markers say."""
        assert block.language in LANGUAGES, (
            f"{block.where}: a ```{block.language} block: say what it is (```python, ```sh, ```yaml, ```json, "
            "or ```text for a block that is not run); see tests/test_doc_blocks.py")
        if "skip" in block.markers:
            return
        if "file" in block.markers:
            assert block.language != "python" and block.language != "sh", f"{block.where}: file is for data blocks"
            self.write_file(block)
        if "output" in block.markers:
            assert block.language == "text", f"{block.where}: an output block is a ```text block"
            self.check_output(block)
        elif block.language == "python":
            self.run_python(block)
        elif block.language == "sh":
            self.check_synopsis(block) if "synopsis" in block.markers else self.run_sh(block)
        elif block.language in ("yaml", "json"):
            self.check_data(block)


def _expected_repr(line: str) -> Optional[str]:
    """The TEXT of a trailing ``# -> TEXT`` comment of a source line, if any."""
    found = re.search(r"#\s*->\s*(.+?)\s*$", line)
    return found.group(1) if found else None


def _session(text: str) -> List[Tuple[int, str, str]]:
    """(line offset, command, expected output) of each ``$`` command of a session block."""
    items: List[Tuple[int, str, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise AssertionError(f"a session block has text before its first $ command: {lines[i]!r}")
        offset, command = i + 1, lines[i][2:]
        while command.endswith("\\") and i + 1 < len(lines):
            i += 1
            command = command[:-1] + " " + lines[i]
        i += 1
        output: List[str] = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        items.append((offset, command, "\n".join(output)))
    return items


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    """A scratch working directory that sees the repository's examples and a profile-render command."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    for name in VISIBLE:
        (workdir / name).symlink_to(ROOT / name, target_is_directory=True)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "profile-render"
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m profile_render \"$@\"\n")
    shim.chmod(0o755)
    helm = helm_binary()
    if helm is not None:
        (bindir / "helm").symlink_to(helm)
    monkeypatch.chdir(workdir)  # python blocks open paths relative to it
    return Session(workdir, bindir)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_block_of_the_document_runs_as_shown(document: Path, session: Session) -> None:
    for block in read_blocks(document):
        session.run(block)


def test_the_markers_are_read_as_documented(tmp_path: Path) -> None:
    doc = tmp_path / "x.md"
    doc.write_text("text\n<!-- doc-block: exit 1; file a.yaml -->\n```sh\nfalse\n```\n\n```text\nout\n```\n")
    first, second = [(b.line, b.language, b.text, b.markers) for b in read_blocks(doc)]
    assert first == (3, "sh", "false\n", {"exit": "1", "file": "a.yaml"})
    assert second == (7, "text", "out\n", {})
    assert parse_markers("exit 2; skip: installs; see x", "x") == {"skip": "installs; see x", "exit": "2"}
    with pytest.raises(AssertionError, match="unknown doc-block item"):
        parse_markers("exits 1", "x.md:1")
    assert matches("Origin(layer='profile', source=..., line=6, ...)", "Origin(layer='profile', source='a', line=6, c=1)")
    assert not matches("Origin(line=5, ...)", "Origin(line=6, column=3)")
    assert _session("$ a \\\n  b\nout\n$ c\n") == [(1, "a    b", "out"), (4, "c", "")]


@pytest.mark.parametrize("text, refusal", [
    ("```\nsome output\n```\n", "say what it is"),  # a block that does not say what it is
    ("<!-- doc-block: synopsis -->\n```sh\nprofile-render merge CHART [-f FILE] --no-such-flag\n```\n",
     "no-such-flag"),  # a synopsis naming an option the CLI does not have
], ids=["unmarked block", "synopsis with an unknown option"])
def test_a_block_the_runner_cannot_trust_is_refused(tmp_path: Path, session: Session, text: str,
                                                     refusal: str) -> None:
    doc = tmp_path / "x.md"
    doc.write_text(text)
    with pytest.raises(AssertionError, match=refusal):
        for block in read_blocks(doc):
            session.run(block)


def test_shown_output_that_differs_is_refused(tmp_path: Path, session: Session) -> None:
    doc = tmp_path / "x.md"
    doc.write_text("```sh\n$ profile-render merge examples/hello-chart | grep replicaCount\nreplicaCount: 5\n```\n"
                   "```python\nprint('a')\n```\n<!-- doc-block: output -->\n```text\nb\n```\n")
    blocks = read_blocks(doc)
    with pytest.raises(AssertionError, match="replicaCount: 1"):
        session.run(blocks[0])
    session.run(blocks[1])
    with pytest.raises(AssertionError, match="the doc shows"):
        session.run(blocks[2])


def test_a_value_check_on_a_statement_that_has_no_value_is_refused(tmp_path: Path, session: Session) -> None:
    doc = tmp_path / "x.md"
    doc.write_text("```python\nx = 1  # -> 1\nx  # -> 1\n```\n```python\nx  # -> 2\n```\n")
    first, second = read_blocks(doc)
    with pytest.raises(AssertionError, match="x.md:2: '# ->' checks the value"):
        session.run(first)
    session.namespace["x"] = 1
    with pytest.raises(AssertionError, match="the doc says 2, it is 1"):
        session.run(second)
