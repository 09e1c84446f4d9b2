"""load_catalog: from catalog files to typed objects; never raises for bad input."""

from __future__ import annotations

import difflib
import os
import re
import stat
from pathlib import Path
from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Hashable, Iterator, List, Optional, Sequence, Set, Tuple, Union


from profile_render.errors import ProfileRenderError, StrictModeError, ValuesSyntaxError, ValuesWarning
from profile_render.files import Cap, FileError, OutsideRootError, describe_mode, read_file, resolve_inside
from profile_render.findings import ERROR, WARNING, Finding
# The same node tagging as the values loader: plain scalars get one private tag, resolved once.
from profile_render.orchestrator.catalog.specs import (
    SPEC_SCHEMAS, ApplicationSpec, ArtifactSpec, Catalog, CatalogDocument, DeploymentPackageSpec, DeploymentProfileSpec,
    FieldPath, ParameterTemplateSpec, ProfileSpec, RegistrySpec, show_value,
)
from profile_render.orchestrator.catalog.read import HiddenSecret, YamlProblem, decode_catalog_bytes, hide_secrets, parse_documents, reveal
from profile_render.orchestrator.catalog.read import ParsedDocument, has_spec_schema, judged_file
from profile_render.orchestrator.catalog.crashes import validator_crashes
from profile_render.orchestrator.catalog.folder import Content, DiskFolder, PackageFolder, real_path
from profile_render.orchestrator.catalog.memory import MemoryFolder, PackageFiles
from profile_render.orchestrator.model import Secret
from profile_render.orchestrator.placeholders import BUILTIN_NAMES
from profile_render.yamlio.limits import CATALOG_LIMITS, DEFAULT_LIMITS, Limits
from profile_render.yamlio.load import LoadedValues, load_values

# ---------------------------------------------------------------------------
# From documents to objects


def scalar_text(value: Any) -> Optional[str]:
    """A scalar as text (the catalog reads scalars into string fields); None for null and collections."""
    if value is None or isinstance(value, (dict, list, HiddenSecret)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _flag(value: Any) -> bool:
    return value is True


def indexed_dicts(value: Any) -> Iterator[Tuple[int, Dict[str, Any]]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def _profile_spec(doc: CatalogDocument, index: int, data: Dict[str, Any], base: Path,
                  folder: PackageFolder) -> ProfileSpec:
    path: FieldPath = ("profiles", index)
    templates = []
    for j, item in indexed_dicts(data.get("parameterTemplates")):
        tpath = path + ("parameterTemplates", j)
        line, column = doc.position(tpath)
        suggested = item.get("suggestedValues")
        templates.append(ParameterTemplateSpec(
            name=scalar_text(item.get("name")),
            type=scalar_text(item.get("type")),
            display_name=scalar_text(item.get("displayName")),
            default=scalar_text(reveal(item.get("default"))),
            suggested_values=tuple(t for t in (scalar_text(v) for v in suggested) if t is not None)
            if isinstance(suggested, list) else (),
            mandatory=_flag(item.get("mandatory")),
            secret=_flag(item.get("secret")),
            validator=scalar_text(item.get("validator")),
            field_path=tpath, source=doc.source, line=line, column=column,
        ))
    values_file_name = scalar_text(data.get("valuesFileName"))
    line, column = doc.position(path)
    return ProfileSpec(
        name=scalar_text(data.get("name")),
        display_name=scalar_text(data.get("displayName")),
        description=scalar_text(data.get("description")),
        values_file_name=values_file_name,
        values_path=(base / values_file_name) if values_file_name else None,
        parameter_templates=tuple(templates),
        deployment_requirements=tuple(dict(r) for _, r in indexed_dicts(data.get("deploymentRequirements"))),
        field_path=path, source=doc.source, line=line, column=column, folder=folder,
    )


def _application_spec(doc: CatalogDocument, folder: PackageFolder) -> ApplicationSpec:
    data = doc.data
    base = doc.path.parent
    return ApplicationSpec(
        name=scalar_text(data.get("name")),
        version=scalar_text(data.get("version")),
        chart_name=scalar_text(data.get("chartName")),
        chart_version=scalar_text(data.get("chartVersion")),
        helm_registry=scalar_text(data.get("helmRegistry")),
        image_registry=scalar_text(data.get("imageRegistry")) or None,
        kind=_kind(data.get("kind")),
        default_profile_name=scalar_text(data.get("defaultProfile")) or None,
        profiles=tuple(_profile_spec(doc, i, p, base, folder) for i, p in indexed_dicts(data.get("profiles"))),
        ignored_resources=tuple(dict(r) for _, r in indexed_dicts(data.get("ignoredResources"))),
        source=doc.source, line=doc.line, column=doc.column, raw=data,
        display_name=scalar_text(data.get("displayName")),
        description=scalar_text(data.get("description")),
    )


def _kind(value: Any) -> str:
    text = scalar_text(value)
    return "normal" if not text or text == "KIND_UNSPECIFIED" else text


def _registry_spec(doc: CatalogDocument) -> RegistrySpec:
    data = doc.data
    token = data.get("authToken")
    secret = token.value if isinstance(token, HiddenSecret) else token
    return RegistrySpec(
        name=scalar_text(data.get("name")),
        type=scalar_text(data.get("type")) or "HELM",  # the upload's default
        root_url=scalar_text(data.get("rootUrl")),
        user_name=scalar_text(data.get("userName")),
        auth_token=Secret(secret) if isinstance(secret, str) and secret else None,
        ca_certs=scalar_text(data.get("caCerts")) or None,
        inventory_url=scalar_text(data.get("inventoryUrl")),
        api_type=scalar_text(data.get("apiType")),
        source=doc.source, line=doc.line, column=doc.column,
        display_name=scalar_text(data.get("displayName")),
        description=scalar_text(data.get("description")),
        from_registry_files=doc.from_registry_files,
    )


def _package_spec(doc: CatalogDocument) -> DeploymentPackageSpec:
    data = doc.data
    dependencies: Dict[str, List[str]] = {}
    for _, dep in indexed_dicts(data.get("applicationDependencies")):
        name, requires = scalar_text(dep.get("name")), scalar_text(dep.get("requires"))
        if name is not None and requires is not None:
            dependencies.setdefault(name, [])
            if requires not in dependencies[name]:
                dependencies[name].append(requires)
    profiles = []
    for i, item in indexed_dicts(data.get("deploymentProfiles")):
        mapping: Dict[str, str] = {}
        for _, entry in indexed_dicts(item.get("applicationProfiles")):
            app, profile = scalar_text(entry.get("application")), scalar_text(entry.get("profile"))
            if app is not None and profile is not None:
                mapping[app] = profile  # as the upload: a later entry for the same application wins
        line, column = doc.position(("deploymentProfiles", i))
        profiles.append(DeploymentProfileSpec(
            name=scalar_text(item.get("name")), display_name=scalar_text(item.get("displayName")),
            description=scalar_text(item.get("description")), application_profiles=mapping,
            field_path=("deploymentProfiles", i), source=doc.source, line=line, column=column))
    namespaces = data.get("defaultNamespaces")
    return DeploymentPackageSpec(
        name=scalar_text(data.get("name")),
        version=scalar_text(data.get("version")),
        kind=_kind(data.get("kind")),
        applications=tuple((scalar_text(a.get("name")), scalar_text(a.get("version"))) for _, a in indexed_dicts(data.get("applications"))),
        application_dependencies=tuple((k, tuple(v)) for k, v in dependencies.items()),
        deployment_profiles=tuple(profiles),
        default_profile_name=scalar_text(data.get("defaultProfile")) or None,
        default_namespaces={str(k): t for k, v in namespaces.items() if (t := scalar_text(v)) is not None}
        if isinstance(namespaces, dict) else {},
        namespaces=tuple(dict(n) for _, n in indexed_dicts(data.get("namespaces"))),
        source=doc.source, line=doc.line, column=doc.column, raw=data,
        display_name=scalar_text(data.get("displayName")),
        description=scalar_text(data.get("description")),
    )


# ---------------------------------------------------------------------------
# load_catalog


_CATALOG_MARKER = re.compile(r"^[ \t]*(?:specSchema[ \t]*:|\$schema:[ \t]*[\"']?https://schema\.intel\.com/catalog)",
                             re.MULTILINE)

#: What ``load_catalog``, ``lint`` and ``render_package`` read: a file or folder (a ``pathlib.Path``), an in-memory
#: package (:class:`PackageFiles`), or a list of those.
PackageInput = Union["os.PathLike[str]", PackageFiles, Sequence[Union["os.PathLike[str]", PackageFiles]]]

_STR_ADVICE = ("pass pathlib.Path(...) for a file or folder, or PackageFiles.from_mapping({name: text}) for files "
               "in memory; a str is not taken as either")


def package_inputs(value: Any, what: str) -> List[Union[Path, PackageFiles]]:
    """The items of a package argument (one item or a list of them), each a Path or PackageFiles; else a TypeError."""
    items = [value] if isinstance(value, (str, bytes, os.PathLike, PackageFiles)) else value
    if not isinstance(items, (list, tuple)):
        raise TypeError(f"{what} must be a pathlib.Path, PackageFiles or a list of them, not {type(value).__name__}")
    out: List[Union[Path, PackageFiles]] = []
    for item in items:
        if isinstance(item, PackageFiles):
            out.append(item)
        elif isinstance(item, os.PathLike) and isinstance(os.fspath(item), str):
            out.append(Path(item))
        elif isinstance(item, str):
            raise TypeError(f"{what}: got the str {_quoted(item)}; {_STR_ADVICE}")
        else:
            raise TypeError(f"{what}: got {type(item).__name__}; {_STR_ADVICE}")
    return out


def _quoted(text: str) -> str:
    """A caller's string in a message: quoted, at most 60 characters."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


@dataclass(frozen=True)
class _Entry:
    """One file to read as a catalog file: how findings name it, its folder, its identity, how to read it."""

    path: Path
    folder: PackageFolder
    key: Hashable
    explicit: bool
    read: Callable[[], Content]


def _disk_entry(path: Path, explicit: bool) -> _Entry:
    def read() -> Content:
        return Content(read_file(path, cap=_CATALOG_CAP, what="the file", source=str(path),
                                 advice="split the catalog objects into several files"))
    return _Entry(path, DiskFolder(path.parent), real_path(path), explicit, read)


def _entries(items: List[Union[Path, PackageFiles]], findings: List[Finding]) -> List[_Entry]:
    """The files to read: each path given, the ``*.yaml``/``*.yml`` entries of each folder given or held in memory.

    A path given is read as it is (a symbolic link the caller names is
    followed), whatever its suffix. An entry found in a directory is a file *of the package*: one
    that is a symbolic link resolving outside the directory is refused
    (``file-outside-package``), and one that is not a regular file (a FIFO, a
    device, a link to one) is reported instead of read; directories are skipped.
    An in-memory package's names are judged by :class:`MemoryFolder` the same way.
    """
    out: List[_Entry] = []
    for item in items:
        folder = item.folder if isinstance(item, PackageFiles) else None
        if isinstance(folder, MemoryFolder):
            out.extend(_memory_entries(folder, findings))
            continue
        path = folder.root if isinstance(folder, DiskFolder) else item
        assert isinstance(path, Path)
        if not path.is_dir():
            out.append(_disk_entry(path, explicit=True))
            continue
        try:
            children = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml"))
        except OSError as exc:
            findings.append(Finding("unreadable-file", ERROR, f"cannot list the directory: {exc.strerror}",
                                    str(path), hint="check the path and its permissions"))
            continue
        for child in children:
            readable, problem = _package_entry(path, child)
            if problem is not None:
                findings.append(problem)
            elif readable:
                out.append(_disk_entry(child, explicit=False))
    return out


def _memory_entries(folder: MemoryFolder, findings: List[Finding]) -> List[_Entry]:
    """The catalog files of an in-memory package; its refused names become findings."""
    for refused in folder.refused:
        findings.append(Finding(refused.rule, ERROR, refused.message, folder.source(refused.name), hint=refused.hint))
    out = []
    for name in folder.catalog_names():
        source = folder.source(name)

        def read(name: str = name, source: str = source) -> Content:
            return folder.content(name, cap=_CATALOG_CAP, what="the file", source=source,
                                  advice="split the catalog objects into several files", limits=CATALOG_LIMITS)
        out.append(_Entry(Path(source), folder, folder.identity(name), False, read))
    return out


def _package_entry(directory: Path, child: Path) -> Tuple[bool, Optional[Finding]]:
    """Whether a directory entry is a catalog file to read, and the finding when it must not be read."""
    source = str(child)
    if child.is_symlink():
        try:
            resolve_inside(directory, child.name, what="the file", source=source)
        except OutsideRootError:
            return False, Finding("file-outside-package", ERROR,
                                  "the file is a symbolic link to a file outside the package directory; it is not read",
                                  source, hint="copy the file into the package, or pass it by its own path")
        except FileError as exc:
            return False, Finding("unreadable-file", ERROR, exc.problem, source, hint=exc.hint)
    try:
        info = child.stat()
    except OSError as exc:
        return False, Finding("unreadable-file", ERROR, f"cannot read the file: {exc.strerror}", source,
                              hint="fix or remove the entry")
    if stat.S_ISDIR(info.st_mode):
        return False, None  # not a catalog file (directories are not read recursively)
    if not stat.S_ISREG(info.st_mode):
        return False, Finding("unreadable-file", ERROR,
                              f"the file is {describe_mode(info.st_mode)}, not a regular file; it is not read",
                              source, hint="remove the entry or replace it by a regular file")
    return True, None


def load_catalog(paths: PackageInput, *, registry_files: PackageInput = ()) -> Catalog:
    """Read catalog files into a Catalog: files and folders (``pathlib.Path``) or in-memory packages (PackageFiles).

    A folder contributes its ``*.yaml``/``*.yml`` files, not recursively; so does a :class:`PackageFiles`. A ``str``
    is refused (TypeError): say whether it is a path (``Path(...)``) or text (``PackageFiles.from_mapping``).

    >>> folder = Path("examples/edge-package")
    >>> files = PackageFiles.from_mapping({p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))},
    ...                                   label="edge-package")
    >>> catalog = load_catalog(files)
    >>> catalog.package("edge-demo").default_namespaces["web-app"]
    'edge-web'
    """
    groups = (package_inputs(paths, "paths"), package_inputs(registry_files, "registry_files"))
    catalog = Catalog(registry_files_given=bool(groups[1]))
    seen: Set[Hashable] = set()
    broken: List[Tuple[Hashable, str, YamlProblem, bool, bool]] = []  # unparseable files, judged once all profiles are known
    for group, platform in ((groups[0], False), (groups[1], True)):
        for entry in _entries(group, catalog.findings):
            if entry.key in seen:
                continue
            seen.add(entry.key)
            _load_file(catalog, entry, platform, broken)
    referenced = {p.package_folder().identity(p.values_file_name) for app in catalog.applications.values()
                  for p in app.profiles if p.values_file_name}
    for doc in catalog.documents:  # duplicates too: their values files count
        if doc.kind == "Application" and doc.spec is not None:
            referenced.update(p.package_folder().identity(p.values_file_name) for p in doc.spec.profiles
                              if p.values_file_name)
    for key, source, problem, looks_catalog, reads_as_profile in broken:
        if looks_catalog:
            severity, why = ERROR, "the file looks like a catalog file"
        elif key in referenced:
            if reads_as_profile:
                continue  # e.g. unquoted placeholders: the reference replaces them before parsing; lint says more
            severity, why = ERROR, "a profile uses it as its values file"
        else:
            severity, why = WARNING, "the catalog upload skips YAML files it cannot parse"
        catalog.findings.append(Finding("yaml-syntax", severity, f"{problem.message} ({why})", source,
                                        problem.line, problem.column, None, problem.hint))
    return catalog


def _reads_as_profile_values(raw: bytes, source: str) -> bool:
    """Whether a file the catalog's reader cannot parse reads as Profile values (unquoted placeholders allowed)."""
    try:
        load_values(raw, source=source, placeholders=BUILTIN_NAMES)
    except ProfileRenderError:
        return False
    return True


_CATALOG_CAP = Cap(CATALOG_LIMITS.max_bytes)


def read_profile_values(profile: ProfileSpec, *, limits: Optional[Limits] = None,
                        strict: bool = False) -> LoadedValues:
    """The values file a profile names, read only when it lies inside its Application file's folder.

    On disk the name is resolved again at read time (symbolic links too) and
    the file read through the safe reader, so the check and the read agree; in
    memory it is looked up among the package's names. Raises
    :class:`~profile_render.files.OutsideRootError` for a file outside the
    package, another :class:`~profile_render.files.FileError` when the file is
    missing or not a regular file (:class:`~profile_render.files.FileTooLargeError`
    over ``limits.max_bytes``), and a values error when it is not valid values
    (with ``strict``, the first warning too). An already-decoded values document
    has no lines: its errors and warnings name the value path only.
    The built-in placeholders may stand unquoted, as the Edge Orchestrator
    reads Profile text (:func:`~profile_render.yamlio.load.load_values`).
    """
    limits = limits or DEFAULT_LIMITS
    if not profile.values_file_name or profile.values_path is None or not profile.source:
        raise ValuesSyntaxError("the profile names no values file", source=profile.source,
                                hint="add valuesFileName: <file>.yaml")
    source = str(profile.values_path)
    cap = Cap(limits.max_bytes, "Limits.max_bytes", DEFAULT_LIMITS.max_bytes)
    content = profile.package_folder().read(profile.values_file_name, cap=cap, what="the values file", source=source,
                                            advice="split the values", limits=limits)
    if not content.decoded:
        return load_values(content.data, source=source, limits=limits, strict=strict, placeholders=BUILTIN_NAMES)
    try:
        loaded = load_values(content.data, source=source, limits=limits, keep_text=False,
                             placeholders=BUILTIN_NAMES)
    except ProfileRenderError as exc:
        raise exc.relocated(line=None, column=None) from None
    loaded.warnings = [ValuesWarning(str(w.rule), w.message, w.source, None, None, w.path, w.hint)
                       for w in loaded.warnings]
    if strict and loaded.warnings:
        raise StrictModeError(loaded.warnings[0])
    return loaded


def _unlocated(documents: List[ParsedDocument]) -> List[ParsedDocument]:
    """Documents written from decoded data: no line or column (they would point into text nobody wrote)."""
    return [replace(d, line=None, column=None, positions={}) for d in documents]


def _load_file(catalog: Catalog, entry: _Entry, platform: bool,
               broken: List[Tuple[Hashable, str, YamlProblem, bool, bool]]) -> None:
    path = entry.path
    source = str(path)
    try:
        content = entry.read()
    except FileError as exc:
        catalog.findings.append(Finding("unreadable-file", ERROR, exc.problem, source, hint=exc.hint))
        return
    except ProfileRenderError as exc:  # a decoded document no YAML text can hold, or over a limit
        catalog.findings.append(Finding("yaml-syntax", ERROR, exc.problem, source, None, None, exc.path, exc.hint))
        return
    raw = content.data
    catalog.files.append(path)
    try:
        text = decode_catalog_bytes(raw)
        if text.startswith("\ufeff"):
            text = text[1:]
        documents = parse_documents(text)
    except YamlProblem as problem:
        looks = bool(_CATALOG_MARKER.search(raw.decode("utf-8", "replace")))
        if content.decoded:
            problem = YamlProblem(problem.message, None, None, problem.hint)
        broken.append((entry.key, source, problem, looks, _reads_as_profile_values(raw, source)))
        return
    if content.decoded:
        documents = _unlocated(documents)
    checked = judged_file(path, raw, documents, entry.explicit)
    if checked is None:
        return  # a values file, or YAML the catalog ignores
    catalog.checked_files.append(checked)
    if not content.decoded:  # a decoded document was written by us, with every key and timestamp quoted
        for crash, hint, line, column in validator_crashes(text):
            catalog.findings.append(Finding(
                "validator-crash", ERROR, f"{crash}; the catalog's schema validator crashes on it instead of "
                "reporting (a reference defect), so the catalog never accepts this file", source, line, column,
                None, hint))
    for parsed in documents:
        for key, line, column, key_path, first_line in parsed.duplicate_keys:
            catalog.findings.append(Finding(
                "yaml-syntax", ERROR, f"duplicate key {key!r} (first set on line {first_line})", source, line, column,
                key_path, "the catalog's YAML reader refuses a key set twice in one mapping; remove one"))
    for number, parsed in enumerate(documents, 1):
        value = parsed.value
        if not has_spec_schema(value):
            catalog.findings.append(_not_an_object(number, value, checked.by_upload, source, parsed.line, parsed.column))
            continue
        kind = value.get("specSchema")
        position = parsed.positions.get(("specSchema",), (parsed.line, parsed.column))
        if kind not in SPEC_SCHEMAS:
            shown = kind if isinstance(kind, str) else scalar_text(kind)
            hint = f"use one of {', '.join(SPEC_SCHEMAS)}"
            close = difflib.get_close_matches(str(shown), SPEC_SCHEMAS, n=1, cutoff=0.6)
            if shown == "Deployment-Package":
                hint = "Deployment-Package is the legacy name the schema rejects; write DeploymentPackage"
            elif close:
                hint = f"did you mean {close[0]!r}? ({hint})"
            catalog.findings.append(Finding("unknown-spec-schema", ERROR,
                                            f"unknown specSchema {show_value(shown)}", source, position[0], position[1],
                                            ("specSchema",), hint))
            continue
        doc = CatalogDocument(kind, hide_secrets(value), parsed.positions, source, parsed.line, parsed.column, path,
                        platform)
        catalog.documents.append(doc)
        if kind == "Application":
            doc.spec = _application_spec(doc, entry.folder)
            catalog.applications.setdefault((doc.spec.name, doc.spec.version), doc.spec)
        elif kind == "Registry":
            doc.spec = _registry_spec(doc)
            catalog.registries.setdefault(doc.spec.name, doc.spec)
        elif kind == "DeploymentPackage":
            doc.spec = _package_spec(doc)
            catalog.packages.append(doc.spec)
        else:
            doc.spec = ArtifactSpec(scalar_text(value.get("name")), scalar_text(value.get("mimeType")), source,
                                    parsed.line, parsed.column)
            catalog.artifacts.setdefault(doc.spec.name, doc.spec)




def _not_an_object(number: int, value: Any, by_upload: bool, source: str, line: Optional[int],
                   column: Optional[int]) -> Finding:
    """The schema error for a document of a checked catalog file that is not a catalog object."""
    if value is None:
        return Finding(
            "schema", ERROR, f"document {number} is empty; the catalog reads it as null, which is not a catalog object",
            source, line, column, None,
            "remove the '---' that starts it (a trailing '---' with nothing, or only comments, after it "
            "makes an empty document)")
    what = "has no specSchema" if isinstance(value, dict) else (
        "is a list" if isinstance(value, list) else "is a scalar")
    why = "" if by_upload else (
        " (the catalog's validator checks this file because it holds the catalog's $schema line; "
        "the upload would skip it)")
    return Finding(
        "schema", ERROR, f"document {number} {what}; every document of a catalog file must be a catalog object{why}",
        source, line, column, None,
        "start each document with specSchema: Application, DeploymentPackage, Registry or Artifact, "
        "or move values into their own file" + ("" if by_upload else " without the $schema line"))
