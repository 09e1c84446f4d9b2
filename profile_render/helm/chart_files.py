"""The files of a chart, as Helm's loader sees them: from a directory, a ``.tgz`` archive, or a mapping in memory.

A chart's files are read into a :class:`ChartFiles`: every file's name, and
the contents of those that can decide values (``Chart.yaml``,
``requirements.yaml``, ``values.yaml``, ``values.schema.json``, templates and
subchart archives). Everything is charged to one
:class:`~profile_render.helm.archive.ChartBudget` as it is read:

* a directory is walked as Helm's ``LoadDir`` walks it (``.helmignore``
  applied, symbolic links followed, only regular files), each file through
  the safe reader (:mod:`profile_render.files`);
* an archive is read by :mod:`profile_render.helm.archive`;
* a mapping of relative paths to contents (a chart directory held in memory)
  is checked as a directory's names would be (no absolute paths, no ``..``,
  no NUL, no name given twice once normalised, no file that is also a
  directory) and ``.helmignore`` is applied to it as to a directory.

:meth:`ChartFiles.digest` names the content that decides the chart (the
names and the values-deciding files' bytes), so two inputs with the same
digest load to equal charts.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from profile_render.errors import ChartError, LimitExceededError
from profile_render.files import Cap, describe_mode, read_file
from profile_render.helm.archive import ArchiveLimits, ChartBudget, limit_hint, read_archive
from profile_render.helm.ignore import IgnoreRuleError, IgnoreRules, IgnoreWorkExceeded
from profile_render.orchestrator.model import is_unicode_text

__all__ = ["ChartFiles", "read_chart_dir", "read_chart_archive", "read_chart_mapping", "file_cap"]


class ChartFiles:
    """A read-only view of a chart's files, from a directory, an archive or a mapping.

    ``names`` lists every file of the chart (relative, ``/``-separated);
    ``files`` holds the contents of those that can decide values. The files
    of the subcharts under ``charts/`` are split off in one pass over the
    names (a chart with thousands of subcharts costs linear time).
    """

    def __init__(self, label: str, files: Mapping[str, bytes], names: Iterable[str] = ()) -> None:
        self.label = label
        self.files = files
        self.names = set(names)
        self.names.update(files)
        self._groups: Optional[Dict[str, Tuple[Dict[str, bytes], List[str]]]] = None

    def digest(self) -> str:
        """The SHA-256 (hex) of what decides the chart: every name, and each values-deciding file's bytes."""
        from hashlib import sha256  # only a cache asks for a digest

        hasher = sha256(b"profile-render chart files\0")
        for name in sorted(self.names):
            encoded = name.encode("utf-8", "surrogatepass")  # a directory's undecodable names are escapes
            data = self.files.get(name)
            hasher.update(b"%d:" % len(encoded) + encoded)
            hasher.update(b"-" if data is None else b"%d:" % len(data) + data)
        return hasher.hexdigest()

    def size(self) -> int:
        """The bytes of the files kept (the values-deciding ones)."""
        return sum(len(data) for data in self.files.values())

    def get(self, name: str) -> Optional[bytes]:
        """The contents of a values-deciding file, or None when the chart has no such file."""
        return self.files.get(name)

    def _subchart_groups(self) -> Dict[str, Tuple[Dict[str, bytes], List[str]]]:
        """Helm's entries under charts/: ``name.tgz`` archives and ``name/`` directories, with their files.

        Like Helm, entries starting with ``_`` or ``.`` and ``.prov`` files are
        skipped; anything else that is not a ``.tgz`` file is taken for a chart
        directory (and fails to load when it is none).
        """
        if self._groups is not None:
            return self._groups
        groups: Dict[str, Tuple[Dict[str, bytes], List[str]]] = {}
        for name in self.names:
            if not name.startswith("charts/") or posixpath.splitext(name)[1] == ".prov":
                continue
            head, slash, rest = name[len("charts/"):].partition("/")
            if head[:1] in ("_", "."):
                continue
            if posixpath.splitext(head)[1] == ".tgz":
                if slash:
                    raise ChartError(f"charts/{head} is a directory, but its name says it is a chart archive",
                                     source=self.label, hint="rename the directory or replace it by the archive")
                groups.setdefault(head, ({}, []))
                continue
            group = groups.setdefault(head + "/", ({}, []))
            group[1].append(rest)
            data = self.files.get(name)
            if data is not None:
                group[0][rest] = data
        self._groups = groups
        return groups

    def subchart_roots(self) -> List[str]:
        """The subchart entries under charts/, sorted (``name.tgz`` archives and ``name/`` directories)."""
        return sorted(self._subchart_groups())

    def sub(self, root: str) -> "ChartFiles":
        """The files of the subchart directory ``root`` (``name/``) under charts/."""
        files, names = self._subchart_groups()[root]
        return ChartFiles(posixpath.join(self.label, "charts", root.rstrip("/")), files, names)


# Files whose contents decide values; every other file only needs its name.
_VALUE_FILES = ("Chart.yaml", "values.yaml", "values.schema.json", "requirements.yaml")


_TEMPLATE_FILE = re.compile(r"(?:charts/[^/]+/)*templates/")


def _wanted(rel: str) -> bool:
    """Whether a chart file's contents are needed (values-deciding files, templates and subchart archives)."""
    base = posixpath.basename(rel)
    return (base in _VALUE_FILES or (rel.startswith("charts/") and base.endswith(".tgz"))
            or _TEMPLATE_FILE.match(rel) is not None)


def file_cap(limits: ArchiveLimits) -> Cap:
    return Cap(limits.max_file_bytes, "ArchiveLimits.max_file_bytes", ArchiveLimits().max_file_bytes)


# Helm reads .helmignore with Go's bufio.Scanner, which fails on a line (with its "\r") of 64 KiB or more.
_MAX_IGNORE_LINE = 64 * 1024 - 1


def _ignore_rules(top: Path, budget: ChartBudget) -> IgnoreRules:
    """The chart's .helmignore as Helm reads it (none when there is no such file)."""
    path = top / ".helmignore"
    if not os.path.exists(path):  # Helm stats the file (links followed); a broken link means no rules
        return IgnoreRules("")
    source = str(path)
    data = read_file(path, cap=file_cap(budget.limits), what="the chart's .helmignore", error=ChartError,
                     advice="shrink the file")
    budget.spend_bytes(len(data), source)
    return _parse_ignore(data, source, budget)


def _parse_ignore(data: bytes, source: str, budget: ChartBudget) -> IgnoreRules:
    """The rules of a .helmignore's bytes, refused where Helm's line scanner fails."""
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, 1):
        if len(raw) > _MAX_IGNORE_LINE:
            raise ChartError(f"line {number} of .helmignore is {len(raw):,} bytes long, more than the "
                             f"{_MAX_IGNORE_LINE:,} Helm can read", source=source, line=number,
                             hint="shorten the rule")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return IgnoreRules(data.decode("utf-8", "surrogateescape"), max_steps=budget.limits.max_ignore_steps)
    except IgnoreRuleError as exc:
        raise ChartError(str(exc), source=source, hint="fix the pattern (Go's filepath.Match syntax, no **)") from None


def read_chart_dir(path: Path, budget: ChartBudget) -> ChartFiles:
    """Read a chart directory as Helm's LoadDir does: .helmignore applied, symbolic links followed.

    Every file and directory counts toward ``max_members``; every file's
    size toward ``max_total_bytes`` and ``max_file_bytes`` (read or not);
    only the values-deciding files are read, each through the safe reader.
    """
    top = Path(path)
    rules = _ignore_rules(top, budget)
    try:
        return _walk(top, rules, budget)
    except IgnoreWorkExceeded:
        raise LimitExceededError(
            "matching the chart's .helmignore against its files takes more than "
            f"{budget.limits.max_ignore_steps:,} steps", source=str(top / ".helmignore"),
            hint=limit_hint("max_ignore_steps", "use fewer or simpler rules, or remove files")) from None


def _walk(top: Path, rules: IgnoreRules, budget: ChartBudget) -> ChartFiles:
    """The files of a chart directory that ``rules`` keep (see :func:`_read_dir`)."""
    files: Dict[str, bytes] = {}
    names: List[str] = []
    cap = file_cap(budget.limits)
    label = str(top)
    # (full path, relative path, (device, inode) of each directory above it): a stack, not recursion
    stack: List[Tuple[str, str, Tuple[Tuple[int, int], ...]]] = [(os.fspath(top), "", ())]
    while stack:
        full, rel, active = stack.pop()
        budget.add_member(label)
        try:
            info = os.stat(full)  # symbolic links are followed, as Helm's sympath.Walk does
        except FileNotFoundError:
            raise ChartError(f"{rel} is a broken symbolic link", source=full, hint="fix or remove the link") from None
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or "invalid path"
            raise ChartError(f"cannot read {rel or full}: {reason}", source=full, hint="check the path") from None
        if stat.S_ISDIR(info.st_mode):
            if rel and rules.ignore(rel, True):
                continue
            identity = (info.st_dev, info.st_ino)
            if identity in active:
                raise ChartError(f"{rel} is a symbolic link into one of its own parents", source=full,
                                 hint="remove the symlink loop")
            try:
                children = sorted(os.listdir(full))
            except OSError as exc:
                raise ChartError(f"cannot list {rel or full}: {exc.strerror}", source=full,
                                 hint="check the path") from None
            inner = active + (identity,)
            prefix = rel + "/" if rel else ""
            for child in reversed(children):
                stack.append((full + os.sep + child, prefix + child, inner))
            continue
        if rules.ignore(rel, False):
            continue
        if not stat.S_ISREG(info.st_mode):
            raise ChartError(f"cannot load {rel}: it is {describe_mode(info.st_mode)}, not a regular file",
                             source=full, hint="charts may hold only regular files and directories")
        budget.check_file(info.st_size, rel, full)
        names.append(rel)
        if not _wanted(rel):
            budget.spend_bytes(info.st_size, full)
            continue
        data = read_file(full, cap=cap, what=f"chart file {rel!r}", error=ChartError, advice="shrink the file")
        budget.spend_bytes(len(data), full)
        files[rel] = data
    return ChartFiles(label, files, names)


def read_chart_archive(data: bytes, label: str, budget: ChartBudget) -> ChartFiles:
    """Read a chart archive as Helm's LoadArchive does (see :mod:`profile_render.helm.archive`)."""
    files, names = read_archive(data, label, budget, _wanted)
    return ChartFiles(label, files, names)




_DRIVE = re.compile(r"[A-Za-z]:")


def _clean_name(name: Any, label: str) -> str:
    """A file name of an in-memory chart as a relative, ``/``-separated path; anything that could escape is refused."""
    if not isinstance(name, str):
        raise ChartError(f"a file name is {type(name).__name__}, not text", source=label,
                         hint="name each file by its relative path as a str, e.g. 'templates/deployment.yaml'")
    shown = repr(name) if len(name) <= 80 else repr(name[:77]) + "..."
    if "\0" in name:
        raise ChartError(f"the file name {shown} holds a NUL character", source=label, hint="remove it")
    if not is_unicode_text(name):
        raise ChartError("a file name is not valid Unicode (it holds a lone surrogate)", source=label,
                         hint="decode file names as UTF-8 before passing them")
    if name.startswith("/") or _DRIVE.match(name):
        raise ChartError(f"the file name {shown} is an absolute path", source=label,
                         hint="name files relative to the chart's top directory, e.g. 'values.yaml'")
    if name.endswith("/"):
        raise ChartError(f"the file name {shown} names a directory", source=label,
                         hint="give files only; directories follow from their paths")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ChartError(f"the file name {shown} leads out of the chart ('..')", source=label,
                         hint="name files relative to the chart's top directory, without '..'")
    if not parts:
        raise ChartError(f"the file name {shown} is empty", source=label, hint="name each file by its path")
    return "/".join(parts)


def _contents(data: Any, name: str, label: str) -> bytes:
    """A file's contents as bytes: bytes as they are, text as UTF-8; anything else is refused."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError:
            raise ChartError(f"the text of {name} is not valid Unicode (it holds a lone surrogate)",
                             source=posixpath.join(label, name), hint="pass the file's bytes instead") from None
    raise ChartError(f"the contents of {name} are {type(data).__name__}, not bytes or str",
                     source=posixpath.join(label, name), hint="pass each file's contents as bytes (or text)")


def read_chart_mapping(files: Mapping[str, Any], label: str, budget: ChartBudget) -> ChartFiles:
    """The files of a chart directory held in memory (relative path → bytes or text), read as Helm's LoadDir would.

    Names are normalised (``./a`` and ``a//b`` are ``a`` and ``a/b``) and
    checked; ``.helmignore`` applies as in a directory (a directory it
    ignores takes its files with it). Every file and directory counts toward
    ``max_members``, every file toward ``max_file_bytes`` and ``max_total_bytes``,
    ignored or not.
    """
    if not isinstance(files, Mapping):
        raise TypeError(f"chart files must be a mapping of relative paths to contents, not {type(files).__name__}")
    cleaned: Dict[str, bytes] = {}
    given: Dict[str, str] = {}
    budget.add_member(label)
    for raw_name, raw_data in files.items():
        name = _clean_name(raw_name, label)
        if name in cleaned:
            raise ChartError(f"the file names {given[name]!r} and {raw_name!r} both name {name}", source=label,
                             hint="give each file once")
        data = _contents(raw_data, name, label)
        budget.add_member(label)
        budget.check_file(len(data), name, posixpath.join(label, name))
        budget.spend_bytes(len(data), posixpath.join(label, name))
        cleaned[name] = data
        given[name] = raw_name
    directories = {name[:i] for name in cleaned for i, char in enumerate(name) if char == "/"}
    if directories:
        budget.add_members(len(directories), label)
    clash = directories.intersection(cleaned)
    if clash:
        first = min(clash)
        raise ChartError(f"{first} is given both as a file and as a directory holding files", source=label,
                         hint=f"rename the file {first!r} or the files under {first + '/'!r}")
    ignore_data = cleaned.get(".helmignore")
    rules = _parse_ignore(ignore_data, posixpath.join(label, ".helmignore"), budget) \
        if ignore_data is not None else IgnoreRules("")
    try:
        return _kept(cleaned, sorted(directories), rules, label)
    except IgnoreWorkExceeded:
        raise LimitExceededError(
            "matching the chart's .helmignore against its files takes more than "
            f"{budget.limits.max_ignore_steps:,} steps", source=posixpath.join(label, ".helmignore"),
            hint=limit_hint("max_ignore_steps", "use fewer or simpler rules, or remove files")) from None


def _kept(files: Dict[str, bytes], directories: List[str], rules: IgnoreRules, label: str) -> ChartFiles:
    """The files ``rules`` keep: none under an ignored directory, none ignored themselves."""
    dropped = set()
    for directory in directories:  # sorted, so a parent comes before its children
        if posixpath.dirname(directory) in dropped or rules.ignore(directory, True):
            dropped.add(directory)
    kept: Dict[str, bytes] = {}
    names: List[str] = []
    for name in sorted(files):
        if posixpath.dirname(name) in dropped or rules.ignore(name, False):
            continue
        names.append(name)
        if _wanted(name):
            kept[name] = files[name]
    return ChartFiles(label, kept, names)

