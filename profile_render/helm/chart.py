"""Load stage, charts: read a chart directory, a ``.tgz`` archive or a bare values file.

Only what decides values is read: ``Chart.yaml`` (name, version, declared
dependencies), ``requirements.yaml`` (which Helm still reads over
``Chart.yaml``), ``values.yaml``, ``values.schema.json`` (kept as bytes for
later validation) and subcharts under ``charts/`` (directories or ``.tgz``
archives). Files under ``templates/`` are kept as text (``Chart.templates``,
for lint's scan of what they read), never rendered; nothing is fetched from the
network. Every file goes through the safe reader (:mod:`profile_render.files`:
regular files only, capped reads), and the whole chart tree is loaded under the
limits of :class:`ArchiveLimits` (bytes, members, charts, nesting depth; see
:mod:`profile_render.helm.archive`). ``.helmignore`` is matched in linear time
(:mod:`profile_render.helm.ignore`).

The rules are Helm 4.1.4's loader's: a directory chart honours its top
``.helmignore`` and follows symbolic links; under ``charts/`` every entry not
starting with ``_`` or ``.`` must be a chart directory or a ``.tgz`` archive;
``Chart.yaml`` is decoded like Helm's Go struct (string fields take numbers and
booleans as text, other type mismatches are errors) and validated as Helm
validates it (version is SemVer, alias characters, duplicate dependencies ...).
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Deque, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from profile_render.errors import ChartError, LimitExceededError, describe_value
from profile_render.files import Cap, RegularFile, describe_mode, read_file
from profile_render.helm.archive import ArchiveLimits, ChartBudget, is_gzip, limit_hint, read_archive
from profile_render.helm.ignore import IgnoreRuleError, IgnoreRules, IgnoreWorkExceeded
from profile_render.yamlio.load import Limits, LoadedValues, load_values, load_yaml_document
from profile_render.yamlio.scalars import format_float32_key

__all__ = ["Chart", "Dependency", "load_chart", "chart_from_values", "ArchiveLimits"]

ValuesDict = Dict[str, Any]


@dataclass(frozen=True)
class Dependency:
    """One entry of ``dependencies:`` in ``Chart.yaml``."""

    name: str
    version: str = ""
    alias: str = ""
    condition: str = ""
    tags: Tuple[str, ...] = ()
    import_values: Tuple[Any, ...] = ()

    @property
    def effective_name(self) -> str:
        """The name the dependency's values live under (the alias when one is set)."""
        return self.alias or self.name


@dataclass(frozen=True)
class Chart:
    """A chart as far as values are concerned.

    ``values`` are the defaults from ``values.yaml`` and must not be mutated;
    every stage copies before it changes anything, so one loaded chart can
    serve many concurrent renders.
    """

    name: str
    values: ValuesDict
    version: str = ""
    dependencies: Tuple["Chart", ...] = ()
    declared: Optional[Tuple[Dependency, ...]] = None
    source: str = ""
    values_source: Optional[LoadedValues] = field(default=None, repr=False, compare=False)
    schema: Optional[bytes] = field(default=None, repr=False, compare=False)
    warnings: Tuple[Any, ...] = field(default=(), repr=False, compare=False)
    chart_type: str = ""  # Chart.yaml's type: "", "application" or "library"
    # (name, text) of each file under templates/; None when not known (a bare values file)
    templates: Optional[Tuple[Tuple[str, str], ...]] = field(default=None, repr=False, compare=False)

    def with_changes(self, **changes: Any) -> "Chart":
        """A copy of this chart with some fields replaced."""
        return replace(self, **changes)

    def walk(self, prefix: Tuple[str, ...] = ()) -> List[Tuple[Tuple[str, ...], "Chart"]]:
        """Every chart in this tree with the value path its values live under."""
        out = [(prefix, self)]
        for dep in self.dependencies:
            out.extend(dep.walk(prefix + (dep.name,)))
        return out


def chart_from_values(values: Union[LoadedValues, ValuesDict], *, name: str = "chart", source: str = "") -> Chart:
    """A dependency-free chart whose defaults are the given values (a bare values file)."""
    if isinstance(values, LoadedValues):
        return Chart(name=name, values=values.data, source=source or values.source,
                     values_source=values, warnings=tuple(values.warnings))
    return Chart(name=name, values=values, source=source)


class _Files:
    """A read-only view of a chart's files, from a directory or an archive.

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

    def sub(self, root: str) -> "_Files":
        """The files of the subchart directory ``root`` (``name/``) under charts/."""
        files, names = self._subchart_groups()[root]
        return _Files(posixpath.join(self.label, "charts", root.rstrip("/")), files, names)


# Files whose contents decide values; every other file only needs its name.
_VALUE_FILES = ("Chart.yaml", "values.yaml", "values.schema.json", "requirements.yaml")


_TEMPLATE_FILE = re.compile(r"(?:charts/[^/]+/)*templates/")


def _wanted(rel: str) -> bool:
    """Whether a chart file's contents are needed (values-deciding files, templates and subchart archives)."""
    base = posixpath.basename(rel)
    return (base in _VALUE_FILES or (rel.startswith("charts/") and base.endswith(".tgz"))
            or _TEMPLATE_FILE.match(rel) is not None)


def _file_cap(limits: ArchiveLimits) -> Cap:
    return Cap(limits.max_file_bytes, "ArchiveLimits.max_file_bytes", ArchiveLimits().max_file_bytes)


# Helm reads .helmignore with Go's bufio.Scanner, which fails on a line (with its "\r") of 64 KiB or more.
_MAX_IGNORE_LINE = 64 * 1024 - 1


def _ignore_rules(top: Path, budget: ChartBudget) -> IgnoreRules:
    """The chart's .helmignore as Helm reads it (none when there is no such file)."""
    path = top / ".helmignore"
    if not os.path.exists(path):  # Helm stats the file (links followed); a broken link means no rules
        return IgnoreRules("")
    source = str(path)
    data = read_file(path, cap=_file_cap(budget.limits), what="the chart's .helmignore", error=ChartError,
                     advice="shrink the file")
    budget.spend_bytes(len(data), source)
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


def _read_dir(path: Path, budget: ChartBudget) -> _Files:
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


def _walk(top: Path, rules: IgnoreRules, budget: ChartBudget) -> _Files:
    """The files of a chart directory that ``rules`` keep (see :func:`_read_dir`)."""
    files: Dict[str, bytes] = {}
    names: List[str] = []
    cap = _file_cap(budget.limits)
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
    return _Files(label, files, names)


def _read_archive(data: bytes, label: str, budget: ChartBudget) -> _Files:
    """Read a chart archive as Helm's LoadArchive does (see :mod:`profile_render.helm.archive`)."""
    files, names = read_archive(data, label, budget, _wanted)
    return _Files(label, files, names)


# -- Chart.yaml ----------------------------------------------------------------

# Helm's chart.Metadata / chart.Dependency / chart.Maintainer fields and their Go types.
_METADATA_FIELDS = {
    "name": "str", "home": "str", "sources": "strs", "version": "str", "description": "str",
    "keywords": "strs", "maintainers": "maintainers", "icon": "str", "apiVersion": "str",
    "condition": "str", "tags": "str", "appVersion": "str", "deprecated": "bool",
    "annotations": "strmap", "kubeVersion": "str", "dependencies": "dependencies", "type": "str",
}
_DEPENDENCY_FIELDS = {
    "name": "str", "version": "str", "repository": "str", "condition": "str", "tags": "strs",
    "enabled": "bool", "import-values": "list", "alias": "str",
}
_MAINTAINER_FIELDS = {"name": "str", "email": "str", "url": "str"}

# Masterminds/semver NewVersion: loose major[.minor[.patch]], optional "v".
_SEMVER = re.compile(
    r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\Z"
)
_ALIAS = re.compile(r"[a-zA-Z0-9_-]+\Z")


def _go_text(value: Any, where: str, source: str) -> Optional[str]:
    """A Go string field's value: text as is, numbers and booleans as sigs.k8s.io/yaml writes them."""
    if value is None:
        return None  # JSON null leaves a Go string untouched
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float32_key(value)
    raise ChartError(f"{where} must be a string, not {describe_value(value, mapping='a mapping')}", source=source, hint="quote the value")


def _decode_struct(raw: Any, fields: Mapping[str, str], where: str, source: str,
                   into: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Decode a mapping into a Go struct's fields as encoding/json does.

    Keys match field names exactly or, failing that, case-insensitively; keys
    are applied in sorted order, so of two spellings of one field the last
    wins; unknown keys are ignored; ``null`` leaves a scalar field as it was.
    """
    out: Dict[str, Any] = {} if into is None else into
    if raw is None:
        return out
    if not isinstance(raw, dict):
        raise ChartError(f"{where or 'the document'} must be a mapping, not {describe_value(raw, mapping='a mapping')}", source=source,
                         hint="write key: value pairs")
    folded = {name.lower(): name for name in fields}
    for key in sorted(raw, key=lambda k: k.encode("utf-8", "surrogatepass")):
        name = key if key in fields else folded.get(key.lower())
        if name is None:
            continue
        value = raw[key]
        kind = fields[name]
        label = f"{where}.{name}" if where else name
        if kind == "str":
            text = _go_text(value, label, source)
            if text is not None:
                out[name] = text
        elif kind == "bool":
            if value is not None:
                if not isinstance(value, bool):
                    raise ChartError(f"{label} must be true or false, not {describe_value(value, mapping='a mapping')}", source=source,
                                     hint="write true or false without quotes")
                out[name] = value
        elif value is None:
            out[name] = None
        elif kind == "strmap":
            if not isinstance(value, dict):
                raise ChartError(f"{label} must be a mapping, not {describe_value(value, mapping='a mapping')}", source=source,
                                 hint="write key: value pairs")
            out[name] = {k: _go_text(v, f"{label}.{k}", source) or "" for k, v in value.items()}
        elif not isinstance(value, list):
            raise ChartError(f"{label} must be a list, not {describe_value(value, mapping='a mapping')}", source=source,
                             hint="write a YAML list")
        elif kind == "strs":
            out[name] = [_go_text(v, f"{label}[{i}]", source) or "" for i, v in enumerate(value)]
        elif kind == "list":
            out[name] = list(value)
        else:
            sub_fields = _DEPENDENCY_FIELDS if kind == "dependencies" else _MAINTAINER_FIELDS
            out[name] = [None if v is None else _decode_struct(v, sub_fields, f"{label}[{i}]", source)
                         for i, v in enumerate(value)]
    return out


def _sanitize(text: str) -> str:
    """Helm's sanitizeString: whitespace becomes a space, unprintable characters go."""
    return "".join(" " if c.isspace() else c for c in text if c.isspace() or c.isprintable())


def _go_base(name: str) -> str:
    """Go's filepath.Base on a /-separated path."""
    if name == "":
        return "."
    stripped = name.rstrip("/")
    if stripped == "":
        return "/"
    return stripped.rsplit("/", 1)[-1]


def _valid_semver(version: str) -> bool:
    """Whether Masterminds/semver's NewVersion (which Helm uses) accepts the text."""
    match = _SEMVER.match(version)
    if match is None:
        return False
    for part in match.group(1, 2, 3):
        digits = part.lstrip(".").lstrip("0") if part else ""
        if len(digits) > 20 or (digits and int(digits) >= 2**64):  # never int() a text too long to fit
            return False
    prerelease = match.group(4)
    if prerelease:
        for ident in prerelease.split("."):
            if ident.isdigit() and len(ident) > 1 and ident[0] == "0":
                return False
    return True


def _validate_metadata(meta: Dict[str, Any], source: str) -> None:
    """Refuse what Helm's loader and Metadata.Validate refuse."""
    if meta.get("apiVersion", "") not in ("", "v1", "v2"):
        raise ChartError(f"invalid chart apiVersion {meta['apiVersion']!r}", source=source,
                         path=("apiVersion",), hint="use apiVersion: v2")
    name = _sanitize(meta.get("name", ""))
    if not name:
        raise ChartError("Chart.yaml has no name", source=source, path=("name",),
                         hint="add `name: <chart name>`")
    if name != _go_base(name):
        raise ChartError(f"the chart name {name!r} is invalid", source=source, path=("name",),
                         hint="a chart name cannot contain '/'")
    version = meta.get("version", "")
    if not version:
        raise ChartError("Chart.yaml has no version", source=source, path=("version",),
                         hint="add `version: <SemVer>`, e.g. version: 0.1.0")
    if not _valid_semver(version):
        shown = repr(version) if len(version) <= 60 else f"{version[:60]!r}... ({len(version):,} characters)"
        raise ChartError(f"the chart version {shown} is not valid SemVer", source=source, path=("version",),
                         hint="use a version like 1.2.3")
    if meta.get("type", "") not in ("", "application", "library"):
        raise ChartError("the chart type must be application or library", source=source, path=("type",),
                         hint="remove type or set it to application")
    for i, maintainer in enumerate(meta.get("maintainers") or ()):
        if maintainer is None:
            raise ChartError("maintainers must not contain empty or null entries", source=source,
                             path=("maintainers", i), hint="remove the empty entry")
    seen = set()
    for i, dep in enumerate(meta.get("dependencies") or ()):
        if dep is None:
            raise ChartError("dependencies must not contain empty or null entries", source=source,
                             path=("dependencies", i), hint="remove the empty entry")
        alias = dep.get("alias", "")
        if alias and not _ALIAS.match(alias):
            raise ChartError(f"dependency {dep.get('name', '')!r} has disallowed characters in its alias",
                             source=source, path=("dependencies", i, "alias"),
                             hint="aliases may use letters, digits, '_' and '-'")
        key = alias or _sanitize(dep.get("name", ""))
        if key in seen:
            raise ChartError(f"more than one dependency with name or alias {key!r}", source=source,
                             path=("dependencies", i), hint="give each dependency its own alias")
        seen.add(key)


def _parse_dependencies(deps: Optional[List[Any]]) -> Optional[Tuple[Dependency, ...]]:
    """The declared dependencies of decoded (and validated) metadata; None when there are none."""
    if deps is None:
        return None
    out = []
    for dep in deps:
        out.append(Dependency(
            name=_sanitize(dep.get("name", "")),
            version=_sanitize(dep.get("version", "")),
            alias=dep.get("alias", ""),
            condition=_sanitize(dep.get("condition", "")),
            tags=tuple(_sanitize(t) for t in dep.get("tags") or ()),
            import_values=tuple(dep.get("import-values") or ()),
        ))
    return tuple(out)


def _read_metadata(files: _Files, budget: ChartBudget) -> Dict[str, Any]:
    """Chart.yaml, then requirements.yaml over it, decoded and validated as Helm's loader does.

    The result is shared by every chart of the load with the same two texts:
    it is never changed.
    """
    label = files.label
    chart_yaml = files.get("Chart.yaml")
    if chart_yaml is None:
        raise ChartError("Chart.yaml is missing", source=label,
                         hint="a chart directory needs a Chart.yaml; to use a bare values file as chart defaults, pass the file itself")
    requirements = files.get("requirements.yaml")
    meta: Dict[str, Any] = budget.metadata((chart_yaml, requirements), lambda: _parse_metadata(files))
    return meta


def _parse_metadata(files: _Files) -> Dict[str, Any]:
    label = files.label
    chart_yaml = files.get("Chart.yaml")
    assert chart_yaml is not None
    source = posixpath.join(label, "Chart.yaml")
    meta = _decode_struct(load_yaml_document(chart_yaml, source=source), _METADATA_FIELDS, "", source)
    requirements = files.get("requirements.yaml")
    if requirements is not None:
        # Helm still decodes requirements.yaml onto the metadata, whatever the apiVersion.
        req_source = posixpath.join(label, "requirements.yaml")
        _decode_struct(load_yaml_document(requirements, source=req_source), _METADATA_FIELDS, "", req_source,
                       into=meta)
    _validate_metadata(meta, source)
    return meta


class _Node:
    """One chart of a tree being loaded: its files (read when its turn comes) and its subcharts' nodes."""

    __slots__ = ("label", "archive", "files", "children")

    def __init__(self, label: str, files: Optional[_Files] = None, archive: Optional[bytes] = None) -> None:
        self.label = label
        self.files = files
        self.archive = archive  # the bytes of a chart archive not read yet
        self.children: List["_Node"] = []


def _read_tree(top: _Files, budget: ChartBudget) -> _Node:
    """The files of every chart of the tree, read breadth first.

    Each chart is counted (``max_charts``, ``max_depth``) as soon as its
    parent lists it, and its archive opened only when its turn comes: a
    fan-out of nested archives is refused once the charts it lists pass the
    limit, after reading about one archive in ``width`` of those it holds.
    """
    budget.add_chart(top.label, 0)
    root = _Node(top.label, files=top)
    queue: Deque[Tuple[_Node, int]] = deque([(root, 0)])
    while queue:
        node, depth = queue.popleft()
        if node.files is None:
            assert node.archive is not None
            node.files = _read_archive(node.archive, node.label, budget)
            node.archive = None
        files = node.files
        entries = files.subchart_roots()
        children = [_Node(posixpath.join(files.label, "charts", entry.rstrip("/"))) for entry in entries]
        for child in children:
            budget.add_chart(child.label, depth + 1)
        for entry, child in zip(entries, children):
            if entry.endswith("/"):
                child.files = files.sub(entry)
            else:
                child.archive = files.get("charts/" + entry)
                assert child.archive is not None
            node.children.append(child)
            queue.append((child, depth + 1))
    return root


def _build(node: _Node, values_limits: Optional[Limits], budget: ChartBudget) -> Chart:
    """The chart of a node read by :func:`_read_tree`, its subcharts built first."""
    files = node.files
    assert files is not None
    label = files.label
    meta = _read_metadata(files, budget)
    declared = _parse_dependencies(meta.get("dependencies"))
    values_bytes = files.get("values.yaml")
    values_source: Optional[LoadedValues] = None
    values: ValuesDict = {}
    warnings: List[Any] = []
    if values_bytes is not None:
        values_source = load_values(values_bytes, source=posixpath.join(label, "values.yaml"), limits=values_limits)
        values = values_source.data
        warnings.extend(values_source.warnings)
    subcharts = []
    for child in node.children:
        sub = _build(child, values_limits, budget)
        subcharts.append(sub)
        warnings.extend(sub.warnings)
    return Chart(
        name=_sanitize(meta["name"]),
        values=values,
        version=meta.get("version", ""),
        dependencies=tuple(subcharts),
        declared=declared,
        source=label,
        values_source=values_source,
        schema=files.get("values.schema.json"),
        warnings=tuple(warnings),
        chart_type=meta.get("type", ""),
        templates=tuple((name, data.decode("utf-8", errors="replace")) for name, data in sorted(files.files.items())
                        if name.startswith("templates/")),
    )


def _load_tree(top: _Files, values_limits: Optional[Limits], budget: ChartBudget) -> Chart:
    return _build(_read_tree(top, budget), values_limits, budget)


def load_chart(
    path: Union[str, os.PathLike],
    *,
    limits: Optional[Limits] = None,
    archive_limits: Optional[ArchiveLimits] = None,
) -> Chart:
    """Load a chart from a directory, a ``.tgz`` archive, or a bare values file (its defaults).

    ``limits`` bounds each values document (``values.yaml``, a bare values
    file); ``archive_limits`` bounds the whole chart tree (see
    :class:`ArchiveLimits`). Only directories and regular files are read: a
    device, FIFO or socket (or a link to one) is refused before any byte is.
    """
    archive_limits = archive_limits or ArchiveLimits()
    budget = ChartBudget(archive_limits)
    label = os.fsdecode(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ChartError("the chart does not exist", source=label,
                         hint="pass a chart directory, a .tgz chart archive or a values file") from None
    except (OSError, ValueError):
        info = None  # a link loop, a bad name ...: the safe reader below says what it is
    if info is not None and stat.S_ISDIR(info.st_mode):
        return _load_tree(_read_dir(Path(path), budget), limits, budget)
    values_cap = (limits or Limits()).max_bytes
    with RegularFile(path, what="the chart", source=label, error=ChartError) as handle:
        if is_gzip(handle.head(2)) or label.endswith((".tgz", ".tar.gz")):
            cap = Cap(archive_limits.max_total_bytes, "ArchiveLimits.max_total_bytes",
                      ArchiveLimits().max_total_bytes)
            data = handle.read(cap, "pass a smaller chart archive")
            return _load_tree(_read_archive(data, label, budget), limits, budget)
        data = handle.read(Cap(values_cap, "Limits.max_bytes", Limits().max_bytes), "split the values")
    loaded = load_values(data, source=label, limits=limits)
    stem = Path(label).name.split(".")[0] or "chart"
    return chart_from_values(loaded, name=stem, source=label)
