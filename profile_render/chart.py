"""Load stage, charts: read a chart directory, a ``.tgz`` archive or a bare values file.

Only what decides values is read: ``Chart.yaml`` (name, version, declared
dependencies), ``values.yaml``, ``values.schema.json`` (kept as bytes for later
validation) and subcharts under ``charts/`` (directories or archives, nested to
any depth). Templates are never read; nothing is fetched from the network.
"""

from __future__ import annotations

import io
import os
import posixpath
import tarfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .errors import ChartError, ProfileRenderError
from .load import Limits, LoadedValues, load_values

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
    """A read-only view of a chart's files, from a directory or an archive."""

    def __init__(self, label: str, files: Mapping[str, bytes], dirs: Sequence[str]) -> None:
        self.label = label
        self.files = files
        self.dirs = set(dirs)

    def get(self, name: str) -> Optional[bytes]:
        return self.files.get(name)

    def subchart_roots(self) -> List[str]:
        """Names under charts/ that are chart directories or archives, in sorted order."""
        roots = set()
        for name in self.files:
            if not name.startswith("charts/"):
                continue
            rest = name[len("charts/"):]
            head, _, tail = rest.partition("/")
            if not tail and (head.endswith(".tgz") or head.endswith(".tar.gz")):
                roots.add(head)
            elif tail == "Chart.yaml":
                roots.add(head + "/")
        return sorted(roots)

    def sub(self, root: str) -> "_Files":
        prefix = "charts/" + root
        return _Files(
            posixpath.join(self.label, "charts", root.rstrip("/")),
            {k[len(prefix):]: v for k, v in self.files.items() if k.startswith(prefix)},
            (),
        )


def _read_dir(path: Path, limits: ArchiveLimits) -> _Files:
    files: Dict[str, bytes] = {}
    total = 0
    for root, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") or d == ".")
        rel_root = os.path.relpath(root, path)
        for fn in filenames:
            rel = fn if rel_root == "." else posixpath.join(*Path(rel_root).parts, fn)
            # Only files that decide values are read; templates are skipped.
            base = posixpath.basename(rel)
            in_charts = rel.startswith("charts/")
            wanted = base in ("Chart.yaml", "values.yaml", "values.schema.json") or (
                in_charts and (base.endswith(".tgz") or base.endswith(".tar.gz")))
            if not wanted:
                continue
            full = Path(root) / fn
            if full.is_symlink():
                continue
            size = full.stat().st_size
            if size > limits.max_file_bytes and not base.endswith((".tgz", ".tar.gz")):
                raise ChartError(f"{rel} is {size:,} bytes, more than the {limits.max_file_bytes:,}-byte limit",
                                 source=str(full), hint="shrink the file")
            total += size
            if total > limits.max_total_bytes:
                raise ChartError("the chart is larger than the size limit", source=str(path),
                                 hint="remove unrelated files from the chart")
            files[rel] = full.read_bytes()
    return _Files(str(path), files, ())


def _read_archive(data: bytes, label: str, limits: ArchiveLimits) -> _Files:
    files: Dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            members = 0
            top: Optional[str] = None
            for member in tar:
                members += 1
                if members > limits.max_members:
                    raise ChartError("the chart archive holds too many files", source=label,
                                     hint="a chart archive should hold one chart")
                if not member.isfile():
                    continue
                name = member.name.lstrip("./") if member.name.startswith("./") else member.name
                parts = [p for p in name.split("/") if p not in ("", ".")]
                if not parts or ".." in parts or name.startswith("/"):
                    raise ChartError(f"the chart archive has an unsafe path {member.name!r}", source=label,
                                     hint="rebuild the archive with `helm package`")
                if len(parts) < 2:
                    continue  # Helm ignores files outside the chart's top directory
                if top is None:
                    top = parts[0]
                rel = "/".join(parts[1:])
                base = parts[-1]
                in_charts = rel.startswith("charts/")
                wanted = base in ("Chart.yaml", "values.yaml", "values.schema.json") or (
                    in_charts and (base.endswith(".tgz") or base.endswith(".tar.gz")))
                if not wanted or parts[0] != top:
                    continue
                if member.size > limits.max_file_bytes and not base.endswith((".tgz", ".tar.gz")):
                    raise ChartError(f"{rel} is larger than the {limits.max_file_bytes:,}-byte limit",
                                     source=label, hint="shrink the file")
                total += member.size
                if total > limits.max_total_bytes:
                    raise ChartError("the chart archive expands past the size limit", source=label,
                                     hint="the archive may be corrupt or hostile")
                extracted = tar.extractfile(member)
                if extracted is not None:
                    files[rel] = extracted.read()
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise ChartError(f"cannot read the chart archive: {exc}", source=label,
                         hint="pass a chart directory or an archive made by `helm package`") from None
    return _Files(label, files, ())


def _parse_dependencies(raw: Any, source: str) -> Optional[Tuple[Dependency, ...]]:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ChartError("dependencies in Chart.yaml must be a list", source=source,
                         hint="write dependencies as a YAML list of {name, version, ...}")
    deps = []
    for i, item in enumerate(raw):
        if item is None:
            continue
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ChartError(f"dependency #{i + 1} in Chart.yaml has no name", source=source,
                             path=("dependencies", i), hint="every dependency needs a name")
        tags = item.get("tags") or ()
        imports = item.get("import-values") or ()
        deps.append(Dependency(
            name=item["name"],
            version=str(item.get("version") or ""),
            alias=str(item.get("alias") or ""),
            condition=str(item.get("condition") or ""),
            tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
            import_values=tuple(imports) if isinstance(imports, list) else (),
        ))
    return tuple(deps)


def _build(files: _Files, values_limits: Optional[Limits], archive_limits: ArchiveLimits, depth: int) -> Chart:
    if depth > 20:
        raise ChartError("subcharts are nested more than 20 levels deep", source=files.label,
                         hint="check for a chart archive that contains itself")
    chart_yaml = files.get("Chart.yaml")
    label = files.label
    if chart_yaml is None:
        raise ChartError("Chart.yaml is missing", source=label,
                         hint="a chart directory needs a Chart.yaml; to use a bare values file as chart defaults, pass the file itself")
    meta_loaded = load_values(chart_yaml, source=posixpath.join(label, "Chart.yaml"), keep_text=False)
    meta = meta_loaded.data
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        raise ChartError("Chart.yaml has no name", source=posixpath.join(label, "Chart.yaml"),
                         path=("name",), hint="add `name: <chart name>`")
    declared = _parse_dependencies(meta.get("dependencies"), posixpath.join(label, "Chart.yaml"))
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
        name=name,
        values=values,
        version=str(meta.get("version") or ""),
        dependencies=tuple(subcharts),
        declared=declared,
        source=label,
        values_source=values_source,
        schema=files.get("values.schema.json"),
        warnings=tuple(warnings),
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
