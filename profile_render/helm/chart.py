"""Load stage, charts: read a chart directory, a ``.tgz`` archive or a bare values file.

Only what decides values is read: ``Chart.yaml`` (name, version, declared
dependencies), ``requirements.yaml`` (which Helm still reads over
``Chart.yaml``), ``values.yaml``, ``values.schema.json`` (kept as bytes for
later validation) and subcharts under ``charts/`` (directories or ``.tgz``
archives, nested to any depth). Templates are never read; nothing is fetched
from the network.

The rules are Helm 4.1.4's loader's: a directory chart honours its top
``.helmignore`` and follows symbolic links; under ``charts/`` every entry not
starting with ``_`` or ``.`` must be a chart directory or a ``.tgz`` archive;
``Chart.yaml`` is decoded like Helm's Go struct (string fields take numbers and
booleans as text, other type mismatches are errors) and validated as Helm
validates it (version is SemVer, alias characters, duplicate dependencies ...).
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import tarfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.errors import ChartError, ProfileRenderError, describe_value
from profile_render.yamlio.load import Limits, LoadedValues, load_values, load_yaml_document
from profile_render.yamlio.scalars import format_float32_key

__all__ = ["Chart", "Dependency", "load_chart", "chart_from_values", "ArchiveLimits"]

ValuesDict = Dict[str, Any]


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on what a chart archive may expand to (Helm uses similar caps)."""

    max_total_bytes: int = 100 * 1024 * 1024
    max_file_bytes: int = 5 * 1024 * 1024
    max_members: int = 10_000


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
    ``files`` holds the contents of those that can decide values.
    """

    def __init__(self, label: str, files: Mapping[str, bytes], names: Sequence[str] = ()) -> None:
        self.label = label
        self.files = files
        self.names = set(names) | set(files)

    def get(self, name: str) -> Optional[bytes]:
        """The contents of a values-deciding file, or None when the chart has no such file."""
        return self.files.get(name)

    def subchart_roots(self) -> List[str]:
        """Helm's entries under charts/, sorted: ``name.tgz`` archives and ``name/`` directories.

        Like Helm, entries starting with ``_`` or ``.`` and ``.prov`` files are
        skipped; anything else that is not a ``.tgz`` file is taken for a chart
        directory (and fails to load when it is none).
        """
        roots = set()
        for name in self.names:
            if not name.startswith("charts/") or posixpath.splitext(name)[1] == ".prov":
                continue
            head, slash, _ = name[len("charts/"):].partition("/")
            if head[:1] in ("_", "."):
                continue
            if posixpath.splitext(head)[1] == ".tgz":
                if slash:
                    raise ChartError(f"charts/{head} is a directory, but its name says it is a chart archive",
                                     source=self.label, hint="rename the directory or replace it by the archive")
                roots.add(head)
            else:
                roots.add(head + "/")
        return sorted(roots)

    def sub(self, root: str) -> "_Files":
        """The files of the subchart directory ``root`` (``name/``) under charts/."""
        prefix = "charts/" + root
        return _Files(
            posixpath.join(self.label, "charts", root.rstrip("/")),
            {k[len(prefix):]: v for k, v in self.files.items() if k.startswith(prefix)},
            [k[len(prefix):] for k in self.names if k.startswith(prefix)],
        )


# Files whose contents decide values; every other file only needs its name.
_VALUE_FILES = ("Chart.yaml", "values.yaml", "values.schema.json", "requirements.yaml")


def _wanted(rel: str) -> bool:
    """Whether a chart file's contents are needed (values-deciding files and subchart archives)."""
    base = posixpath.basename(rel)
    return base in _VALUE_FILES or (rel.startswith("charts/") and base.endswith(".tgz"))


# -- .helmignore ---------------------------------------------------------------


def _go_glob(pattern: str) -> "re.Pattern[str]":
    """Compile Go's ``filepath.Match`` syntax: ``*``/``?`` stop at ``/``, ``[^...]`` negates, ``\\`` escapes."""
    out = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\":
            if i + 1 >= n:
                raise ValueError("syntax error in pattern")
            i += 1
            out.append(re.escape(pattern[i]))
        elif c == "[":
            j = i + 1
            negate = j < n and pattern[j] == "^"
            if negate:
                j += 1
            items: List[Any] = []
            while True:
                if j >= n:
                    raise ValueError("syntax error in pattern")
                ch = pattern[j]
                if ch == "]" and items:
                    break
                if ch == "\\":
                    j += 1
                    if j >= n:
                        raise ValueError("syntax error in pattern")
                    ch = pattern[j]
                elif ch in "-]":
                    raise ValueError("syntax error in pattern")
                j += 1
                if j < n and pattern[j] == "-":
                    j += 1
                    if j >= n:
                        raise ValueError("syntax error in pattern")
                    hi = pattern[j]
                    if hi == "\\":
                        j += 1
                        if j >= n:
                            raise ValueError("syntax error in pattern")
                        hi = pattern[j]
                    elif hi in "-]":
                        raise ValueError("syntax error in pattern")
                    j += 1
                    if hi < ch:
                        raise ValueError("syntax error in pattern")
                    items.append(f"{re.escape(ch)}-{re.escape(hi)}")
                else:
                    items.append(re.escape(ch))
            out.append(("[^/" if negate else "[") + "".join(items) + "]")
            i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


class _IgnoreRules:
    """A chart's ``.helmignore`` with Helm's own (gitignore-like, not gitignore) semantics.

    Rules apply in order and the first match decides. A rule without ``/``
    matches the base name, one with ``/`` the whole relative path; a trailing
    ``/`` restricts it to directories; a ``!`` rule ignores every path it does
    *not* match (Helm's reading of negation). Dotfiles in templates/ are always
    ignored.
    """

    def __init__(self, text: str, source: str) -> None:
        self.rules: List[Tuple[bool, bool, str, "re.Pattern[str]"]] = []
        for line in text.splitlines() + ["templates/.?*"]:
            rule = line.strip()
            if not rule or rule.startswith("#"):
                continue
            if "**" in rule:
                raise ChartError("double-star (**) syntax is not supported in .helmignore", source=source,
                                 hint="list the paths with single * patterns")
            try:
                _go_glob(rule)
            except ValueError:
                raise ChartError(f"bad pattern {rule!r} in .helmignore", source=source,
                                 hint="fix the pattern") from None
            negate = rule.startswith("!")
            if negate:
                rule = rule[1:]
            must_dir = rule.endswith("/")
            if must_dir:
                rule = rule[:-1]
            if rule.startswith("/"):
                kind, rule = "path", rule[1:]
            elif "/" in rule:
                kind = "path"
            else:
                kind = "base"
            try:
                self.rules.append((negate, must_dir, kind, _go_glob(rule)))
            except ValueError:
                # Helm logs such a rule and lets it match nothing
                self.rules.append((negate, must_dir, kind, re.compile(r"(?!)")))

    def ignore(self, rel: str, is_dir: bool) -> bool:
        """Whether Helm skips the file or directory at ``rel``."""
        for negate, must_dir, kind, regex in self.rules:
            subject = posixpath.basename(rel) if kind == "base" else rel
            if negate:
                if must_dir and not is_dir:
                    return True
                if not regex.match(subject):
                    return True
                continue
            if must_dir and not is_dir:
                continue
            if regex.match(subject):
                return True
        return False


def _read_dir(path: Path, limits: ArchiveLimits) -> _Files:
    """Read a chart directory as Helm's LoadDir does: .helmignore applied, symbolic links followed."""
    top = Path(path)
    ignore_file = top / ".helmignore"
    text = ignore_file.read_text(encoding="utf-8", errors="replace") if ignore_file.is_file() else ""
    rules = _IgnoreRules(text, str(ignore_file))
    files: Dict[str, bytes] = {}
    names: List[str] = []
    total = 0

    def visit(full: Path, rel: str, active: Tuple[str, ...]) -> None:
        nonlocal total
        try:
            info = os.stat(full)  # symbolic links are followed, as Helm's sympath.Walk does
        except FileNotFoundError:
            raise ChartError(f"{rel} is a broken symbolic link", source=str(full),
                             hint="fix or remove the link") from None
        except OSError as exc:
            raise ChartError(f"cannot read {rel or full}: {exc.strerror}", source=str(full),
                             hint="check the path") from None
        if stat.S_ISDIR(info.st_mode):
            if rel and rules.ignore(rel, True):
                return
            real = os.path.realpath(full)
            if real in active:
                raise ChartError(f"{rel} is a symbolic link into one of its own parents", source=str(full),
                                 hint="remove the symlink loop")
            for child in sorted(os.listdir(full)):
                visit(full / child, child if not rel else rel + "/" + child, active + (real,))
            return
        if rules.ignore(rel, False):
            return
        if not stat.S_ISREG(info.st_mode):
            raise ChartError(f"cannot load irregular file {rel}", source=str(full),
                             hint="charts may hold only regular files and directories")
        names.append(rel)
        if not _wanted(rel):
            return
        size = info.st_size
        if size > limits.max_file_bytes and not rel.endswith(".tgz"):
            raise ChartError(f"{rel} is {size:,} bytes, more than the {limits.max_file_bytes:,}-byte limit",
                             source=str(full), hint="shrink the file")
        total += size
        if total > limits.max_total_bytes:
            raise ChartError("the chart is larger than the size limit", source=str(path),
                             hint="remove unrelated files from the chart")
        files[rel] = full.read_bytes()

    visit(top, "", ())
    return _Files(str(path), files, names)


def _read_archive(data: bytes, label: str, limits: ArchiveLimits) -> _Files:
    """Read a chart archive as Helm's LoadArchive does: the first path element of every entry is dropped."""
    files: Dict[str, bytes] = {}
    names: List[str] = []
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            members = 0
            for member in tar:
                members += 1
                if members > limits.max_members:
                    raise ChartError("the chart archive holds too many files", source=label,
                                     hint="a chart archive should hold one chart")
                if member.isdir():
                    continue
                delimiter = "\\" if "\\" in member.name else "/"
                parts = member.name.split(delimiter)
                rel = posixpath.normpath("/".join(parts[1:])) if len(parts) > 1 else "."
                if rel.startswith("/"):
                    raise ChartError("the chart archive holds an absolute path", source=label,
                                     hint="rebuild the archive with `helm package`")
                if rel == ".":
                    raise ChartError(f"the chart archive holds {member.name!r} outside its base directory",
                                     source=label, hint="rebuild the archive with `helm package`")
                if rel.startswith(".."):
                    raise ChartError(f"the chart archive has an unsafe path {member.name!r}", source=label,
                                     hint="rebuild the archive with `helm package`")
                if parts[0] == "Chart.yaml":
                    raise ChartError("the chart archive has Chart.yaml outside its base directory",
                                     source=label, hint="rebuild the archive with `helm package`")
                names.append(rel)
                if not _wanted(rel):
                    continue
                if member.size > limits.max_file_bytes and not rel.endswith(".tgz"):
                    raise ChartError(f"{rel} is larger than the {limits.max_file_bytes:,}-byte limit",
                                     source=label, hint="shrink the file")
                total += member.size
                if total > limits.max_total_bytes:
                    raise ChartError("the chart archive expands past the size limit", source=label,
                                     hint="the archive may be corrupt or hostile")
                extracted = tar.extractfile(member) if member.isfile() else None
                files[rel] = extracted.read() if extracted is not None else b""
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise ChartError(f"cannot read the chart archive: {exc}", source=label,
                         hint="pass a chart directory or an archive made by `helm package`") from None
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


def _read_metadata(files: _Files) -> Dict[str, Any]:
    """Chart.yaml, then requirements.yaml over it, decoded and validated as Helm's loader does."""
    label = files.label
    chart_yaml = files.get("Chart.yaml")
    if chart_yaml is None:
        raise ChartError("Chart.yaml is missing", source=label,
                         hint="a chart directory needs a Chart.yaml; to use a bare values file as chart defaults, pass the file itself")
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


def _build(files: _Files, values_limits: Optional[Limits], archive_limits: ArchiveLimits, depth: int) -> Chart:
    if depth > 20:
        raise ChartError("subcharts are nested more than 20 levels deep", source=files.label,
                         hint="check for a chart archive that contains itself")
    label = files.label
    meta = _read_metadata(files)
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
    for root in files.subchart_roots():
        if root.endswith("/"):
            sub_files = files.sub(root)
        else:
            data = files.get("charts/" + root)
            assert data is not None
            sub_files = _read_archive(data, posixpath.join(label, "charts", root), archive_limits)
        sub = _build(sub_files, values_limits, archive_limits, depth + 1)
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
    )


def load_chart(
    path: Union[str, os.PathLike],
    *,
    limits: Optional[Limits] = None,
    archive_limits: Optional[ArchiveLimits] = None,
) -> Chart:
    """Load a chart from a directory, a ``.tgz`` archive, or a bare values file (its defaults)."""
    p = Path(path)
    archive_limits = archive_limits or ArchiveLimits()
    label = str(path)
    if p.is_dir():
        return _build(_read_dir(p, archive_limits), limits, archive_limits, 0)
    if not p.exists():
        raise ChartError("the chart does not exist", source=label,
                         hint="pass a chart directory, a .tgz chart archive or a values file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ChartError(f"cannot read the chart: {exc.strerror}", source=label, hint="check the path") from None
    if data[:2] == b"\x1f\x8b" or label.endswith((".tgz", ".tar.gz")):
        return _build(_read_archive(data, label, archive_limits), limits, archive_limits, 0)
    try:
        loaded = load_values(data, source=label, limits=limits)
    except ProfileRenderError:
        raise
    stem = p.name.split(".")[0] or "chart"
    return chart_from_values(loaded, name=stem, source=label)
