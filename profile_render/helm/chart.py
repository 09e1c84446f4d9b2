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
from _thread import allocate_lock  # threading.Lock itself, without importing threading at start-up
from collections import deque
from pathlib import Path
from typing import IO, Any, Callable, Deque, Dict, List, Mapping, Optional, Tuple, Union

from profile_render.records import Record
from profile_render.errors import ChartError, LimitExceededError, describe_value
from profile_render.files import Cap, RegularFile
from profile_render.helm.archive import ArchiveLimits, ChartBudget, is_gzip
from profile_render.helm.chart_files import ChartFiles, read_chart_archive, read_chart_dir, read_chart_mapping
from profile_render.streams import read_bounded
from profile_render.yamlio.load import Limits, LoadedValues, load_values, load_yaml_document
from profile_render.yamlio.scalars import format_float32_key

__all__ = ["Chart", "ChartLike", "Dependency", "PreparedChart", "as_chart", "load_chart", "chart_from_values",
           "prepare_archive", "prepare_files", "prepare_path", "ArchiveLimits"]

ValuesDict = Dict[str, Any]


class Dependency(Record):
    """One entry of ``dependencies:`` in ``Chart.yaml``.

    >>> load_chart(Path("examples/web-chart")).declared
    (Dependency(name='redis', version='0.1.0', alias='', condition='', tags=(), import_values=()),)
    """

    _fields = ("name", "version", "alias", "condition", "tags", "import_values")
    name: str
    version: str
    alias: str
    condition: str
    tags: Tuple[str, ...]
    import_values: Tuple[Any, ...]

    def __init__(self, name: str, version: str = "", alias: str = "", condition: str = "",
                 tags: Tuple[str, ...] = (), import_values: Tuple[Any, ...] = ()) -> None:
        self._set("name", name)
        self._set("version", version)
        self._set("alias", alias)
        self._set("condition", condition)
        self._set("tags", tags)
        self._set("import_values", import_values)

    @property
    def effective_name(self) -> str:
        """The name the dependency's values live under (the alias when one is set)."""
        return self.alias or self.name


class ChartMemo:
    """What is derived from one chart's own fields, computed on first use and kept with the chart (thread-safe).

    A chart is immutable, so anything computed from it alone (e.g. the strings
    of its defaults that hold a ``%``) stays true: each key is computed once,
    under a lock, however many threads ask. A changed chart (``with_changes``)
    starts with an empty memo; a pickled chart travels without it.
    """

    __slots__ = ("_lock", "_entries")

    def __init__(self) -> None:
        self._lock = allocate_lock()
        self._entries: Dict[str, Any] = {}

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value kept under ``key``, computing it with ``compute()`` the first time."""
        try:
            return self._entries[key]
        except KeyError:
            pass
        with self._lock:
            if key not in self._entries:
                self._entries[key] = compute()
            return self._entries[key]

    def __reduce__(self) -> Tuple[Any, ...]:
        return (ChartMemo, ())


class Chart(Record):
    """A chart as far as values are concerned.

    ``values`` are the defaults from ``values.yaml`` and must not be mutated:
    renders share their untouched subtrees (copy-on-write, see
    ``helm/coalesce.py``), so one loaded chart can serve many concurrent renders.

    >>> chart = Chart.from_files({
    ...     "Chart.yaml": "apiVersion: v2\\nname: web\\nversion: 0.1.0\\n",
    ...     "values.yaml": "replicaCount: 1\\n",
    ... })
    >>> chart.name, chart.version, chart.values
    ('web', '0.1.0', {'replicaCount': 1})
    """

    _fields = ("name", "values", "version", "dependencies", "declared", "source", "values_source", "schema", "warnings",
               "chart_type", "templates")
    _derived = ("memo",)
    _repr_fields = ("name", "values", "version", "dependencies", "declared", "source", "chart_type")
    _compare = ("name", "values", "version", "dependencies", "declared", "source", "chart_type")
    name: str
    values: ValuesDict
    version: str
    dependencies: Tuple["Chart", ...]
    declared: Optional[Tuple[Dependency, ...]]
    source: str
    values_source: Optional[LoadedValues]
    schema: Optional[bytes]
    warnings: Tuple[Any, ...]
    chart_type: str  # Chart.yaml's type: "", "application" or "library"
    # (name, text) of each file under templates/; None when not known (a bare values file)
    templates: Optional[Tuple[Tuple[str, str], ...]]
    # Facts derived from this chart once, for every render that uses it (not a constructor argument).
    memo: ChartMemo

    def __init__(self, name: str, values: ValuesDict, version: str = "", dependencies: Tuple["Chart", ...] = (),
                 declared: Optional[Tuple[Dependency, ...]] = None, source: str = "",
                 values_source: Optional[LoadedValues] = None, schema: Optional[bytes] = None,
                 warnings: Tuple[Any, ...] = (), chart_type: str = "",
                 templates: Optional[Tuple[Tuple[str, str], ...]] = None) -> None:
        self._set("name", name)
        self._set("values", values)
        self._set("version", version)
        self._set("dependencies", dependencies)
        self._set("declared", declared)
        self._set("source", source)
        self._set("values_source", values_source)
        self._set("schema", schema)
        self._set("warnings", warnings)
        self._set("chart_type", chart_type)
        self._set("templates", templates)
        self._set("memo", ChartMemo())

    @classmethod
    def from_archive(cls, archive: Union[bytes, bytearray, memoryview, "IO[bytes]"], *,
                     source: str = "<chart archive>", limits: Optional[Limits] = None,
                     archive_limits: Optional[ArchiveLimits] = None) -> "Chart":
        """Load a chart from a ``.tgz`` archive held in memory (bytes) or an open binary file object.

        The same reader, tar checks and :class:`ArchiveLimits` as for an
        archive file; a stream is read up to ``max_total_bytes + 1`` bytes at
        most. ``source`` names the archive in errors and provenance.
        For example, in a service: ``Chart.from_archive(request_body, source="web-1.2.0.tgz")``.

        >>> import io, tarfile
        >>> buffer = io.BytesIO()
        >>> with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        ...     archive.add("examples/hello-chart", arcname="hello-chart")
        >>> Chart.from_archive(buffer.getvalue(), source="hello-chart-0.1.0.tgz").name
        'hello-edge'
        """
        return prepare_archive(archive, source=source, limits=limits, archive_limits=archive_limits).build()

    @classmethod
    def from_files(cls, files: Mapping[str, Union[bytes, str]], *, source: str = "<chart files>",
                   limits: Optional[Limits] = None, archive_limits: Optional[ArchiveLimits] = None) -> "Chart":
        """Load a chart directory held in memory: relative path → contents (bytes, or text written as UTF-8).

        As Helm loads a directory: ``.helmignore`` applies, ``charts/`` may
        hold subchart directories (``charts/sub/Chart.yaml`` ...) and ``.tgz``
        archives. Names must be relative and stay inside the chart;
        :class:`~profile_render.errors.ChartError` names any that does not.

        >>> Chart.from_files({"Chart.yaml": "apiVersion: v2\\nname: web\\nversion: 1.0.0\\n",
        ...                   "values.yaml": "replicas: 2\\n"}).values
        {'replicas': 2}
        """
        return prepare_files(files, source=source, limits=limits, archive_limits=archive_limits).build()

    def with_changes(self, **changes: Any) -> "Chart":
        """A copy of this chart with some fields replaced."""
        return self._replace(**changes)

    def walk(self, prefix: Tuple[str, ...] = ()) -> List[Tuple[Tuple[str, ...], "Chart"]]:
        """Every chart in this tree with the value path its values live under.

        >>> [(path, chart.name) for path, chart in load_chart(Path("examples/web-chart")).walk()]
        [((), 'web'), (('redis',), 'redis')]
        """
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


def _read_metadata(files: ChartFiles, budget: ChartBudget) -> Dict[str, Any]:
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


def _parse_metadata(files: ChartFiles) -> Dict[str, Any]:
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

    def __init__(self, label: str, files: Optional[ChartFiles] = None, archive: Optional[bytes] = None) -> None:
        self.label = label
        self.files = files
        self.archive = archive  # the bytes of a chart archive not read yet
        self.children: List["_Node"] = []


def _read_tree(top: ChartFiles, budget: ChartBudget) -> _Node:
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
            node.files = read_chart_archive(node.archive, node.label, budget)
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


def _load_tree(top: ChartFiles, values_limits: Optional[Limits], budget: ChartBudget) -> Chart:
    return _build(_read_tree(top, budget), values_limits, budget)


ChartLike = Union[Chart, "os.PathLike[str]"]

_STR_CHART = ("a chart given as {what} is ambiguous: pass pathlib.Path(...) or load_chart(...) for a chart on "
              "disk, Chart.from_archive(...) for .tgz bytes, or Chart.from_files(...) for files in memory")


def as_chart(chart: ChartLike, *, limits: Optional[Limits] = None,
             archive_limits: Optional[ArchiveLimits] = None) -> Chart:
    """The chart an argument stands for: a :class:`Chart` as it is, an ``os.PathLike`` loaded; a ``str`` refused.

    A string is never silently taken for a path: ``TypeError`` names the
    explicit choices.
    """
    if isinstance(chart, Chart):
        return chart
    if isinstance(chart, (str, bytes, bytearray)):
        raise TypeError(_STR_CHART.format(what=type(chart).__name__))
    if isinstance(chart, os.PathLike):
        return load_chart(chart, limits=limits, archive_limits=archive_limits)
    raise TypeError(f"a chart must be a Chart or a path (os.PathLike), not {type(chart).__name__}")


class PreparedChart:
    """A chart's input, read and charged to its budget but not yet parsed: its content digest, size and builder.

    ``digest`` (SHA-256, hex) covers exactly what decides the chart (an
    archive's bytes; a directory's or mapping's file names and values-deciding
    contents), so equal digests build equal charts; ``size`` is the bytes
    read. :class:`~profile_render.chart_cache.ChartCache` keys on the digest
    and calls :meth:`build` only on a miss. The digest may be given as a
    function: it is then computed on first use, so a plain load that never
    asks for it neither hashes the files nor imports :mod:`hashlib`.
    """

    __slots__ = ("kind", "_digest", "size", "_build")

    def __init__(self, kind: str, digest: Union[str, Callable[[], str]], size: int,
                 build: Callable[[], Chart]) -> None:
        self.kind = kind
        self._digest = digest
        self.size = size
        self._build = build

    @property
    def digest(self) -> str:
        """The SHA-256 (hex) of what decides the chart, computed once (a race computes the same text twice)."""
        digest = self._digest
        if not isinstance(digest, str):
            digest = self._digest = digest()
        return digest

    def build(self) -> Chart:
        """Parse and build the chart (call it once: the read was charged to this load's budget)."""
        return self._build()


def _bytes_digest(kind: str, data: bytes) -> str:
    """The SHA-256 (hex) of one input's bytes, with its kind so an archive and a values file never share one."""
    from hashlib import sha256  # only a cache asks for a digest

    return sha256(kind.encode() + b"\0" + data).hexdigest()


def _archive_chart(kind: str, data: bytes, label: str, limits: Optional[Limits], budget: ChartBudget) -> PreparedChart:
    return PreparedChart(kind, lambda: _bytes_digest(kind, data), len(data),
                         lambda: _load_tree(read_chart_archive(data, label, budget), limits, budget))


def _files_chart(kind: str, files: ChartFiles, limits: Optional[Limits], budget: ChartBudget) -> PreparedChart:
    return PreparedChart(kind, files.digest, files.size(), lambda: _load_tree(files, limits, budget))


def prepare_archive(archive: Union[bytes, bytearray, memoryview, "IO[bytes]"], *, source: str = "<chart archive>",
                    limits: Optional[Limits] = None,
                    archive_limits: Optional[ArchiveLimits] = None) -> PreparedChart:
    """Read a ``.tgz`` chart archive given as bytes or an open binary file object (see :meth:`Chart.from_archive`)."""
    archive_limits = archive_limits or ArchiveLimits()
    cap = archive_limits.max_total_bytes
    hint = "pass a smaller chart archive, or raise ArchiveLimits.max_total_bytes"
    if isinstance(archive, (bytes, bytearray, memoryview)):
        data = bytes(archive)
        if len(data) > cap:
            raise LimitExceededError(f"the chart archive is {len(data):,} bytes, more than the limit of {cap:,}",
                                     source=source, hint=hint)
    elif isinstance(archive, str):
        raise TypeError("a chart archive must be bytes or a binary file object; for an archive on disk pass "
                        "pathlib.Path(...) or load_chart(...)")
    else:
        read = read_bounded(archive, cap, source=source, what="the chart archive", hint=hint)
        if isinstance(read, str):
            raise TypeError("the chart archive stream is a text stream; open it in binary mode ('rb')")
        data = read
    return _archive_chart("archive", data, source, limits, ChartBudget(archive_limits))


def prepare_files(files: Mapping[str, Union[bytes, str]], *, source: str = "<chart files>",
                  limits: Optional[Limits] = None, archive_limits: Optional[ArchiveLimits] = None) -> PreparedChart:
    """Read a chart directory held in memory (see :meth:`Chart.from_files`)."""
    budget = ChartBudget(archive_limits or ArchiveLimits())
    return _files_chart("files", read_chart_mapping(files, source, budget), limits, budget)


def prepare_path(path: Union[str, "os.PathLike[str]"], *, limits: Optional[Limits] = None,
                 archive_limits: Optional[ArchiveLimits] = None) -> PreparedChart:
    """Read a chart directory, a ``.tgz`` archive or a bare values file on disk (see :func:`load_chart`)."""
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
        return _files_chart("directory", read_chart_dir(Path(path), budget), limits, budget)
    values_cap = (limits or Limits()).max_bytes
    with RegularFile(path, what="the chart", source=label, error=ChartError) as handle:
        if is_gzip(handle.head(2)) or label.endswith((".tgz", ".tar.gz")):
            cap = Cap(archive_limits.max_total_bytes, "ArchiveLimits.max_total_bytes",
                      ArchiveLimits().max_total_bytes)
            return _archive_chart("archive", handle.read(cap, "pass a smaller chart archive"), label, limits, budget)
        data = handle.read(Cap(values_cap, "Limits.max_bytes", Limits().max_bytes), "split the values")

    def build() -> Chart:
        loaded = load_values(data, source=label, limits=limits)
        stem = Path(label).name.split(".")[0] or "chart"
        return chart_from_values(loaded, name=stem, source=label)

    return PreparedChart("values file", _bytes_digest("values file", data), len(data), build)


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
    The name says it reads a path, so a ``str`` is taken as one. For charts
    held in memory see :meth:`Chart.from_archive` and :meth:`Chart.from_files`.

    >>> chart = load_chart(Path("examples/hello-chart"))
    >>> chart.name, chart.values["replicaCount"]
    ('hello-edge', 1)
    """
    return prepare_path(path, limits=limits, archive_limits=archive_limits).build()
