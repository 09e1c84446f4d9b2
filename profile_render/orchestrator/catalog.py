"""Catalog files: read Edge Orchestrator Application Catalog YAML and check it.

A deployment package is a folder of YAML files. Files whose documents carry
``specSchema`` hold catalog objects (``Application``, ``DeploymentPackage``,
``Registry``, ``Artifact``); other YAML files are values files (named by a
profile's ``valuesFileName``) or are ignored, as the catalog upload does.

:func:`load_catalog` reads the files into typed, immutable objects
(:class:`ApplicationSpec`, :class:`DeploymentPackageSpec`, :class:`RegistrySpec`)
and never raises for bad input: unreadable files, malformed YAML and unknown
``specSchema`` values become :class:`~profile_render.findings.Finding` objects
and loading goes on with the other files. :func:`check_catalog` validates every
object against the JSON Schemas in ``schemas/catalog-*.schema.json`` and checks
the references between objects (applications, profiles, registries, values
files, dependencies, namespaces).

Scalars are read as the catalog reads them (its upload and schema validator
decode with gopkg.in/yaml.v3): like :func:`profile_render.yamlio.load.load_values`
(``version: 1.0`` is a number, ``true``/``false`` booleans, timestamps text),
except that the YAML 1.1 words ``yes``/``no``/``on``/``off``/``y``/``n`` stay
strings. Documents are kept apart (never merged), and every key
and list item keeps its 1-based line and column, so each finding points at the
offending field. Registry ``authToken`` values are held as
:class:`~profile_render.orchestrator.model.Secret` and never appear in ``repr``, findings or
errors.

``jsonschema`` and ``referencing`` are imported only when :func:`check_catalog`
runs, so importing this module does not slow the merge path.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, TypeVar, Union

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from profile_render.errors import describe_value, format_path
from profile_render.findings import ERROR, WARNING, Finding
# The same node tagging as the values loader: plain scalars get one private tag, resolved once.
from profile_render.yamlio.load import _PLAIN, _Resolver, resolve_plain_scalar
from profile_render.orchestrator.model import ImageRegistry, RegistryError, Secret

__all__ = [
    "ParameterTemplateSpec",
    "ProfileSpec",
    "ApplicationSpec",
    "RegistrySpec",
    "DeploymentProfileSpec",
    "DeploymentPackageSpec",
    "ArtifactSpec",
    "Catalog",
    "load_catalog",
    "check_catalog",
    "RULES",
    "SPEC_SCHEMAS",
    "CATALOG_SCHEMA_URL",
]

PathLike = Union[str, "os.PathLike[str]"]
FieldPath = Tuple[Any, ...]

CATALOG_SCHEMA_URL = "https://schema.intel.com/catalog.orchestrator/0.1/schema"
SPEC_SCHEMAS = ("Application", "DeploymentPackage", "Registry", "Artifact")

#: Every rule id this module reports, with its severity (``"varies"`` where it depends on context).
RULES: Dict[str, str] = {
    "unreadable-file": ERROR,
    "yaml-syntax": "varies",  # error for catalog and values files, warning for other YAML the upload skips
    "unknown-spec-schema": ERROR,
    "schema": ERROR,
    "ignored-field": WARNING,
    "duplicate-object": "varies",  # error, warning for a repeated applicationProfiles entry (last one wins)
    "unknown-application": ERROR,
    "unknown-profile": ERROR,
    "unknown-deployment-profile": ERROR,
    "unknown-registry": "varies",  # error with registry files, warning without
    "registry-type": ERROR,
    "dependency-cycle": ERROR,
    "missing-values-file": ERROR,
    "namespace-unknown-app": ERROR,
}

_SCHEMA_FILES = {
    "Application": "catalog-application.schema.json",
    "DeploymentPackage": "catalog-deployment-package.schema.json",
    "Registry": "catalog-registry.schema.json",
    "Artifact": "catalog-common.schema.json#/$defs/artifact",
}
_ALL_SCHEMA_FILES = (
    "catalog-common.schema.json",
    "catalog-application.schema.json",
    "catalog-profile.schema.json",
    "catalog-parameter-template.schema.json",
    "catalog-registry.schema.json",
    "catalog-deployment-package.schema.json",
)
_SCHEMA_BASE = "https://profile-render.invalid/schemas/"

# Registries every Edge Orchestrator project gets; named in hints only.
_PLATFORM_REGISTRIES = ("harbor-helm-oci", "harbor-docker-oci")
_SECRET_KEYS = frozenset({"authToken"})
_MASK = "****"

# ---------------------------------------------------------------------------
# Public objects


def _masked_repr(obj: Any, fields: Sequence[str]) -> str:
    parts = ", ".join(f"{name}={getattr(obj, name)!r}" for name in fields)
    return f"{type(obj).__name__}({parts})"


_Named = TypeVar("_Named")


def _named(items: Sequence[_Named], name: str) -> Optional[_Named]:
    """The first item whose ``name`` is ``name``, or None."""
    return next((item for item in items if getattr(item, "name", None) == name), None)


def _default_of(items: Sequence[_Named], default_name: Optional[str]) -> Optional[_Named]:
    """The catalog's default rule: the item ``defaultProfile`` names (None if missing), else the first one."""
    if default_name is not None:
        return _named(items, default_name)
    return items[0] if items else None


@dataclass(frozen=True)
class ParameterTemplateSpec:
    """A parameter template of a profile (``profiles[i].parameterTemplates[j]``).

    ``default`` is hidden from ``repr`` when the template is ``secret``.
    ``field_path`` is the template's path inside its file's document.
    """

    name: Optional[str]
    type: Optional[str]
    display_name: Optional[str] = None
    default: Optional[str] = None
    suggested_values: Tuple[str, ...] = ()
    mandatory: bool = False
    secret: bool = False
    validator: Optional[str] = None
    field_path: FieldPath = ()
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None

    def __repr__(self) -> str:
        text = _masked_repr(self, ("name", "type", "display_name"))[:-1]
        default = _MASK if self.secret and self.default is not None else self.default
        return (f"{text}, default={default!r}, suggested_values={self.suggested_values!r}, "
                f"mandatory={self.mandatory!r}, secret={self.secret!r}, validator={self.validator!r}, "
                f"source={self.source!r}, line={self.line!r})")


@dataclass(frozen=True)
class ProfileSpec:
    """An Application profile: its values file (resolved next to the Application file) and parameter templates."""

    name: Optional[str]
    display_name: Optional[str] = None
    description: Optional[str] = None
    values_file_name: Optional[str] = None
    values_path: Optional[Path] = None
    parameter_templates: Tuple[ParameterTemplateSpec, ...] = ()
    deployment_requirements: Tuple[Dict[str, Any], ...] = field(default=(), hash=False)
    field_path: FieldPath = ()
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None


@dataclass(frozen=True)
class ApplicationSpec:
    """An ``Application`` object: a Helm chart from a HELM registry plus the profiles it is deployed with."""

    name: Optional[str]
    version: Optional[str]
    chart_name: Optional[str] = None
    chart_version: Optional[str] = None
    helm_registry: Optional[str] = None
    image_registry: Optional[str] = None
    kind: str = "normal"
    default_profile_name: Optional[str] = None
    profiles: Tuple[ProfileSpec, ...] = ()
    ignored_resources: Tuple[Dict[str, Any], ...] = field(default=(), hash=False)
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    display_name: Optional[str] = None
    description: Optional[str] = None

    @property
    def default_profile(self) -> Optional[ProfileSpec]:
        """The profile named by ``defaultProfile`` when set (None if it does not exist), else the first profile."""
        return _default_of(self.profiles, self.default_profile_name)

    def profile(self, name: str) -> Optional[ProfileSpec]:
        """The profile called ``name``, or None."""
        return _named(self.profiles, name)


@dataclass(frozen=True)
class RegistrySpec:
    """A ``Registry`` object; ``auth_token`` is a :class:`Secret` and never shown."""

    name: Optional[str]
    type: str = "HELM"
    root_url: Optional[str] = None
    user_name: Optional[str] = None
    auth_token: Optional[Secret] = field(default=None, repr=False)
    ca_certs: Optional[str] = field(default=None, repr=False)
    inventory_url: Optional[str] = None
    api_type: Optional[str] = None
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    display_name: Optional[str] = None
    description: Optional[str] = None
    from_registry_files: bool = False

    def __repr__(self) -> str:
        token = None if self.auth_token is None else f"Secret('{_MASK}')"
        return (f"RegistrySpec(name={self.name!r}, type={self.type!r}, root_url={_redact_url(self.root_url)!r}, "
                f"user_name={self.user_name!r}, auth_token={token}, "
                f"ca_certs={'<' + str(len(self.ca_certs)) + ' characters>' if self.ca_certs else None}, "
                f"source={self.source!r}, line={self.line!r})")

    __str__ = __repr__

    def to_image_registry(self) -> ImageRegistry:
        """The registry as a :class:`ImageRegistry` for rendering; raises RegistryError unless it is a usable IMAGE registry."""
        if self.type != "IMAGE":
            raise RegistryError(f"registry {self.name!r} is a {self.type} registry, not an IMAGE registry",
                                source=self.source, line=self.line, column=self.column,
                                hint="an application's imageRegistry must name a registry of type IMAGE")
        if not self.root_url:
            raise RegistryError(f"registry {self.name!r} has no rootUrl", source=self.source, line=self.line,
                                column=self.column, hint="set rootUrl, e.g. oci://registry.example.com/project")
        return ImageRegistry(name=self.name or "", root_url=self.root_url, username=self.user_name or None,
                             password=self.auth_token, ca_certs=self.ca_certs or None)


@dataclass(frozen=True)
class DeploymentProfileSpec:
    """A deployment profile of a package: which profile each application is deployed with."""

    name: Optional[str]
    display_name: Optional[str] = None
    description: Optional[str] = None
    application_profiles: Dict[str, str] = field(default_factory=dict, hash=False)
    field_path: FieldPath = ()
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None


@dataclass(frozen=True)
class DeploymentPackageSpec:
    """A ``DeploymentPackage`` object: applications deployed together, with deployment profiles."""

    name: Optional[str]
    version: Optional[str]
    kind: str = "normal"
    applications: Tuple[Tuple[Optional[str], Optional[str]], ...] = ()
    application_dependencies: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    deployment_profiles: Tuple[DeploymentProfileSpec, ...] = ()
    default_profile_name: Optional[str] = None
    default_namespaces: Dict[str, str] = field(default_factory=dict, hash=False)
    namespaces: Tuple[Dict[str, Any], ...] = field(default=(), hash=False)
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    display_name: Optional[str] = None
    description: Optional[str] = None

    @property
    def default_deployment_profile(self) -> Optional[DeploymentProfileSpec]:
        """The deployment profile named by ``defaultProfile`` when set (None if missing), else the first one."""
        return _default_of(self.deployment_profiles, self.default_profile_name)

    def deployment_profile(self, name: str) -> Optional[DeploymentProfileSpec]:
        """The deployment profile called ``name``, or None."""
        return _named(self.deployment_profiles, name)


@dataclass(frozen=True)
class ArtifactSpec:
    """An ``Artifact`` object (the base64 content is not kept)."""

    name: Optional[str]
    mime_type: Optional[str] = None
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None


@dataclass
class _Document:
    """One catalog object as read: its kind, data, and the positions of its keys and items."""

    kind: str
    data: Dict[str, Any]
    positions: Dict[FieldPath, Tuple[int, int]]
    source: str
    line: int
    column: int
    path: Path
    from_registry_files: bool = False
    spec: Any = None

    def position(self, path: FieldPath) -> Tuple[int, int]:
        """The (line, column) of ``path`` or of its nearest recorded ancestor."""
        for end in range(len(path), 0, -1):
            spot = self.positions.get(tuple(path[:end]))
            if spot is not None:
                return spot
        return self.line, self.column

    def finding(self, rule: str, severity: str, message: str, path: FieldPath,
                hint: Optional[str] = None, at: Optional[FieldPath] = None) -> Finding:
        line, column = self.position(path if at is None else at)
        return Finding(rule, severity, message, self.source, line, column, tuple(path) or None, hint)


@dataclass
class Catalog:
    """What :func:`load_catalog` read.

    ``applications`` is keyed by ``(name, version)``, ``registries`` by name
    (registries from ``registry_files`` included); when an object is defined
    twice the first one is kept (:func:`check_catalog` reports the duplicate).
    ``findings`` holds the problems met while reading (unreadable files, YAML
    syntax, unknown ``specSchema``); :func:`check_catalog` returns those plus
    the schema and cross-object findings. ``files`` lists every file read.
    """

    applications: Dict[Tuple[Optional[str], Optional[str]], ApplicationSpec] = field(default_factory=dict)
    registries: Dict[Optional[str], RegistrySpec] = field(default_factory=dict)
    packages: List[DeploymentPackageSpec] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)
    files: List[Path] = field(default_factory=list)
    artifacts: Dict[Optional[str], ArtifactSpec] = field(default_factory=dict)
    registry_files_given: bool = False
    _documents: List[_Document] = field(default_factory=list, repr=False)

    def application(self, name: str, version: Optional[str] = None) -> Optional[ApplicationSpec]:
        """The application ``name`` at ``version``; without a version, the only or else the highest version read."""
        if version is not None:
            return self.applications.get((name, version))
        candidates = [app for (n, _v), app in self.applications.items() if n == name]
        if not candidates:
            return None
        return max(candidates, key=lambda app: _version_key(app.version))

    def package(self, name: str, version: Optional[str] = None) -> Optional[DeploymentPackageSpec]:
        """The deployment package ``name`` (at ``version`` if given; else the highest version read)."""
        candidates = [p for p in self.packages if p.name == name and (version is None or p.version == version)]
        if not candidates:
            return None
        return max(candidates, key=lambda p: _version_key(p.version))


def _version_key(version: Optional[str]) -> Tuple[Any, ...]:
    parts = re.split(r"[.\-+]", version or "")
    return tuple((0, int(p), "") if p.isdigit() else (-1, 0, p) for p in parts)


# ---------------------------------------------------------------------------
# Reading YAML: documents kept apart, positions recorded


_Y = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _Y + "str", _Y + "seq", _Y + "map"
_RESOLVABLE_TAGS = frozenset({_Y + "int", _Y + "float", _Y + "bool", _Y + "null"})


# YAML 1.1 booleans that gopkg.in/yaml.v3 (the catalog's reader) keeps as strings.
_YAML11_ONLY_BOOLS = frozenset(
    w for word in ("y", "yes", "on", "n", "no", "off") for w in (word, word.capitalize(), word.upper()))


def _resolve_scalar(text: str) -> Any:
    """A plain scalar as the catalog (gopkg.in/yaml.v3) reads it into ``any``.

    That is Helm's reading (:func:`profile_render.yamlio.load.resolve_plain_scalar`:
    numbers, null, ``true``/``false``, timestamps kept as text) except that
    the YAML 1.1 words ``y``/``yes``/``on``/``n``/``no``/``off`` stay strings.
    """
    if not text:
        return None
    if text in _YAML11_ONLY_BOOLS:
        return text
    return resolve_plain_scalar(text)


try:  # libyaml
    from yaml._yaml import CParser as _CParser

    class _CLoader(_CParser, _Resolver):
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)

except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CLoader = None  # type: ignore[assignment, misc]

class _PyLoader(Reader, Scanner, Parser, Composer, _Resolver):
    """The pure-Python parser, for PyYAML builds without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)


class _BuildError(Exception):
    def __init__(self, message: str, node: Node, hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = node.start_mark
        self.hint = hint


class _Hidden:
    """A secret value inside a document (``authToken``): shown as ``'****'``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"'{_MASK}'"

    __str__ = __repr__


@dataclass
class _ParsedDocument:
    value: Any
    line: int
    column: int
    positions: Dict[FieldPath, Tuple[int, int]]
    duplicate_keys: List[Tuple[str, int, int, FieldPath, int]]


class _Builder:
    """Turns composed nodes into plain data, recording 1-based positions of keys and items by path."""

    MAX_DEPTH = 200
    MAX_NODES = 1_000_000

    def __init__(self) -> None:
        self.positions: Dict[FieldPath, Tuple[int, int]] = {}
        self.duplicate_keys: List[Tuple[str, int, int, FieldPath, int]] = []
        self.budget = self.MAX_NODES
        self.active: Set[int] = set()

    @staticmethod
    def _mark(node: Node) -> Tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: Node, path: FieldPath, depth: int = 0) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _BuildError("the document expands to too many nodes (an alias bomb?)", node,
                              "remove the aliases or shrink the document")
        if depth > self.MAX_DEPTH:
            raise _BuildError(f"the document is nested more than {self.MAX_DEPTH} levels deep", node,
                              "flatten the structure")
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            raise _BuildError("an alias refers to the collection that contains it", node,
                              "catalog files cannot hold recursive structures")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                out: List[Any] = []
                for index, item in enumerate(node.value):
                    self.positions[path + (index,)] = self._mark(item)
                    out.append(self.build(item, path + (index,), depth + 1))
                return out
            return self.mapping(node, path, depth)  # type: ignore[arg-type]  # the node is a MappingNode here (checked above)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _PLAIN or tag in _RESOLVABLE_TAGS:
            value = _resolve_scalar(node.value)
            if not isinstance(value, (str, bool, int, float, type(None))):
                value = float(node.value.replace(".", "", 1))  # .inf / .nan: JSON cannot carry them, the schema says so
            return value
        return node.value  # quoted, !!str, !!binary, !!timestamp and unknown tags: the text

    def key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise _BuildError("a mapping key must be a scalar", node, "write keys as plain words")
        value = self.scalar(node)
        if value is None:
            raise _BuildError("a mapping key is null", node, "give the key a name")
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else node.value

    def mapping(self, node: MappingNode, path: FieldPath, depth: int) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        explicit: Dict[str, int] = {}
        merges = [(k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.tag == _PLAIN and k.value == "<<"]
        for _key_node, value_node in merges:  # merge keys first: explicit keys win
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in reversed(sources):
                if not isinstance(source, MappingNode):
                    raise _BuildError("a merge key (<<) needs a mapping or a list of mappings", source)
                out.update(self.mapping(source, path, depth + 1))
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _PLAIN and key_node.value == "<<":
                continue
            key = self.key(key_node)
            line, column = self._mark(key_node)
            if key in explicit:
                self.duplicate_keys.append((key, line, column, path + (key,), explicit[key]))
            explicit[key] = line
            self.positions[path + (key,)] = (line, column)
            out[key] = self.build(value_node, path + (key,), depth + 1)
        return out


class _YamlProblem(Exception):
    def __init__(self, message: str, line: Optional[int], column: Optional[int], hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
        try:
            return raw[2:].decode("utf-16-be" if raw[:2] == b"\xfe\xff" else "utf-16-le")
        except UnicodeDecodeError:
            raise _YamlProblem("the file is not valid UTF-16", None, None, "save the file as UTF-8") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise _YamlProblem(f"the file is not valid UTF-8 text (byte 0x{raw[exc.start]:02x})", line, column,
                           "catalog and values files are UTF-8 YAML text") from None


def _parse_documents(text: str) -> List[_ParsedDocument]:
    """Every YAML document of ``text``, kept apart, with positions; raises _YamlProblem."""
    loader: Any = _CLoader(text) if _CLoader is not None else _PyLoader(text)
    documents: List[_ParsedDocument] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there is one
                continue
            builder = _Builder()
            value = builder.build(node, ())
            documents.append(_ParsedDocument(value, node.start_mark.line + 1, node.start_mark.column + 1,
                                             builder.positions, builder.duplicate_keys))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        hint = "check the YAML syntax near this position"
        if "cannot start any token" in problem and mark is not None:
            lines = text.splitlines()
            char = lines[mark.line][mark.column: mark.column + 1] if mark.line < len(lines) else ""
            if char == "\t":
                hint = "YAML does not allow tabs for indentation; use spaces"
            elif char in "%@`":
                hint = f"a value starting with {char!r} must be quoted"
        raise _YamlProblem(problem, mark.line + 1 if mark else None, mark.column + 1 if mark else None, hint) from None
    except yaml.YAMLError as exc:
        raise _YamlProblem(str(exc).splitlines()[0] if str(exc) else "invalid YAML", None, None) from None
    except _BuildError as exc:
        raise _YamlProblem(exc.message, exc.mark.line + 1, exc.mark.column + 1, exc.hint) from None
    except RecursionError:
        raise _YamlProblem("the document is nested too deeply to read", None, None, "flatten the structure") from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    return documents


def _hide_secrets(value: Any) -> Any:
    """Wrap every ``authToken`` (at any depth) and the default of a secret parameter template so no repr shows them."""
    if isinstance(value, dict):
        secret_template = value.get("secret") is True
        return {k: _Hidden(v) if k in _SECRET_KEYS or (secret_template and k == "default") else _hide_secrets(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_hide_secrets(v) for v in value]
    return value


def _reveal(value: Any) -> Any:
    if isinstance(value, _Hidden):
        return _reveal(value.value)
    if isinstance(value, dict):
        return {k: _reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_reveal(v) for v in value]
    return value


def _redact_url(url: Any) -> Any:
    if isinstance(url, str) and "@" in url:
        return re.sub(r"(://)[^/@]*@", r"\1" + _MASK + "@", url)
    return url


# ---------------------------------------------------------------------------
# From documents to objects


def _text(value: Any) -> Optional[str]:
    """A scalar as text (the catalog reads scalars into string fields); None for null and collections."""
    if value is None or isinstance(value, (dict, list, _Hidden)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _flag(value: Any) -> bool:
    return value is True


def _dicts(value: Any) -> Iterator[Tuple[int, Dict[str, Any]]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def _profile_spec(doc: _Document, index: int, data: Dict[str, Any], base: Path) -> ProfileSpec:
    path: FieldPath = ("profiles", index)
    templates = []
    for j, item in _dicts(data.get("parameterTemplates")):
        tpath = path + ("parameterTemplates", j)
        line, column = doc.position(tpath)
        suggested = item.get("suggestedValues")
        templates.append(ParameterTemplateSpec(
            name=_text(item.get("name")),
            type=_text(item.get("type")),
            display_name=_text(item.get("displayName")),
            default=_text(_reveal(item.get("default"))),
            suggested_values=tuple(t for t in (_text(v) for v in suggested) if t is not None)
            if isinstance(suggested, list) else (),
            mandatory=_flag(item.get("mandatory")),
            secret=_flag(item.get("secret")),
            validator=_text(item.get("validator")),
            field_path=tpath, source=doc.source, line=line, column=column,
        ))
    values_file_name = _text(data.get("valuesFileName"))
    line, column = doc.position(path)
    return ProfileSpec(
        name=_text(data.get("name")),
        display_name=_text(data.get("displayName")),
        description=_text(data.get("description")),
        values_file_name=values_file_name,
        values_path=(base / values_file_name) if values_file_name else None,
        parameter_templates=tuple(templates),
        deployment_requirements=tuple(dict(r) for _, r in _dicts(data.get("deploymentRequirements"))),
        field_path=path, source=doc.source, line=line, column=column,
    )


def _application_spec(doc: _Document) -> ApplicationSpec:
    data = doc.data
    base = doc.path.parent
    return ApplicationSpec(
        name=_text(data.get("name")),
        version=_text(data.get("version")),
        chart_name=_text(data.get("chartName")),
        chart_version=_text(data.get("chartVersion")),
        helm_registry=_text(data.get("helmRegistry")),
        image_registry=_text(data.get("imageRegistry")) or None,
        kind=_kind(data.get("kind")),
        default_profile_name=_text(data.get("defaultProfile")) or None,
        profiles=tuple(_profile_spec(doc, i, p, base) for i, p in _dicts(data.get("profiles"))),
        ignored_resources=tuple(dict(r) for _, r in _dicts(data.get("ignoredResources"))),
        source=doc.source, line=doc.line, column=doc.column, raw=data,
        display_name=_text(data.get("displayName")),
        description=_text(data.get("description")),
    )


def _kind(value: Any) -> str:
    text = _text(value)
    return "normal" if not text or text == "KIND_UNSPECIFIED" else text


def _registry_spec(doc: _Document) -> RegistrySpec:
    data = doc.data
    token = data.get("authToken")
    secret = token.value if isinstance(token, _Hidden) else token
    return RegistrySpec(
        name=_text(data.get("name")),
        type=_text(data.get("type")) or "HELM",  # the upload's default
        root_url=_text(data.get("rootUrl")),
        user_name=_text(data.get("userName")),
        auth_token=Secret(secret) if isinstance(secret, str) and secret else None,
        ca_certs=_text(data.get("caCerts")) or None,
        inventory_url=_text(data.get("inventoryUrl")),
        api_type=_text(data.get("apiType")),
        source=doc.source, line=doc.line, column=doc.column,
        display_name=_text(data.get("displayName")),
        description=_text(data.get("description")),
        from_registry_files=doc.from_registry_files,
    )


def _package_spec(doc: _Document) -> DeploymentPackageSpec:
    data = doc.data
    dependencies: Dict[str, List[str]] = {}
    for _, dep in _dicts(data.get("applicationDependencies")):
        name, requires = _text(dep.get("name")), _text(dep.get("requires"))
        if name is not None and requires is not None:
            dependencies.setdefault(name, [])
            if requires not in dependencies[name]:
                dependencies[name].append(requires)
    profiles = []
    for i, item in _dicts(data.get("deploymentProfiles")):
        mapping: Dict[str, str] = {}
        for _, entry in _dicts(item.get("applicationProfiles")):
            app, profile = _text(entry.get("application")), _text(entry.get("profile"))
            if app is not None and profile is not None:
                mapping[app] = profile  # as the upload: a later entry for the same application wins
        line, column = doc.position(("deploymentProfiles", i))
        profiles.append(DeploymentProfileSpec(
            name=_text(item.get("name")), display_name=_text(item.get("displayName")),
            description=_text(item.get("description")), application_profiles=mapping,
            field_path=("deploymentProfiles", i), source=doc.source, line=line, column=column))
    namespaces = data.get("defaultNamespaces")
    return DeploymentPackageSpec(
        name=_text(data.get("name")),
        version=_text(data.get("version")),
        kind=_kind(data.get("kind")),
        applications=tuple((_text(a.get("name")), _text(a.get("version"))) for _, a in _dicts(data.get("applications"))),
        application_dependencies=tuple((k, tuple(v)) for k, v in dependencies.items()),
        deployment_profiles=tuple(profiles),
        default_profile_name=_text(data.get("defaultProfile")) or None,
        default_namespaces={str(k): t for k, v in namespaces.items() if (t := _text(v)) is not None}
        if isinstance(namespaces, dict) else {},
        namespaces=tuple(dict(n) for _, n in _dicts(data.get("namespaces"))),
        source=doc.source, line=doc.line, column=doc.column, raw=data,
        display_name=_text(data.get("displayName")),
        description=_text(data.get("description")),
    )


# ---------------------------------------------------------------------------
# load_catalog


_CATALOG_MARKER = re.compile(r"^[ \t]*(?:specSchema[ \t]*:|\$schema:[ \t]*[\"']?https://schema\.intel\.com/catalog)",
                             re.MULTILINE)


def _expand(paths: Iterable[PathLike], findings: List[Finding]) -> List[Path]:
    out: List[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            try:
                children = sorted(p for p in path.iterdir()
                                  if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
            except OSError as exc:
                findings.append(Finding("unreadable-file", ERROR, f"cannot list the directory: {exc.strerror}",
                                        str(path), hint="check the path and its permissions"))
                continue
            out.extend(children)
        else:
            out.append(path)
    return out


def load_catalog(paths: Sequence[PathLike], *, registry_files: Sequence[PathLike] = ()) -> Catalog:
    """Read catalog YAML files and directories (their ``*.yaml``/``*.yml`` files, not recursively) into a Catalog."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if isinstance(registry_files, (str, os.PathLike)):
        registry_files = [registry_files]
    catalog = Catalog(registry_files_given=bool(registry_files))
    seen: Set[Path] = set()
    broken: List[Tuple[Path, str, _YamlProblem, bool]] = []  # unparseable files, judged once all profiles are known
    for group, platform in ((paths, False), (registry_files, True)):
        for path in _expand(group, catalog.findings):
            key = _resolved(path)
            if key in seen:
                continue
            seen.add(key)
            _load_file(catalog, path, platform, broken)
    referenced = {_resolved(p.values_path) for app in catalog.applications.values()
                  for p in app.profiles if p.values_path is not None}
    for doc in catalog._documents:  # duplicates too: their values files count
        if doc.kind == "Application" and doc.spec is not None:
            referenced.update(_resolved(p.values_path) for p in doc.spec.profiles if p.values_path is not None)
    for path, source, problem, looks_catalog in broken:
        if looks_catalog:
            severity, why = ERROR, "the file looks like a catalog file"
        elif _resolved(path) in referenced:
            severity, why = ERROR, "a profile uses it as its values file"
        else:
            severity, why = WARNING, "the catalog upload skips YAML files it cannot parse"
        catalog.findings.append(Finding("yaml-syntax", severity, f"{problem.message} ({why})", source,
                                        problem.line, problem.column, None, problem.hint))
    return catalog


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:  # pragma: no cover - resolve() rarely fails
        return path.absolute()


def _load_file(catalog: Catalog, path: Path, platform: bool,
               broken: List[Tuple[Path, str, _YamlProblem, bool]]) -> None:
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        catalog.findings.append(Finding("unreadable-file", ERROR, "the file does not exist", source,
                                        hint="check the path"))
        return
    except OSError as exc:
        catalog.findings.append(Finding("unreadable-file", ERROR, f"cannot read the file: {exc.strerror}", source,
                                        hint="check the path and its permissions"))
        return
    catalog.files.append(path)
    try:
        text = _decode(raw)
        if text.startswith("\ufeff"):
            text = text[1:]
        documents = _parse_documents(text)
    except _YamlProblem as problem:
        looks = bool(_CATALOG_MARKER.search(raw.decode("utf-8", "replace")))
        broken.append((path, source, problem, looks))
        return
    spec_documents = [d for d in documents if isinstance(d.value, dict) and d.value.get("specSchema") not in (None, "")]
    if not spec_documents:
        return  # a values file, or YAML the catalog ignores
    for parsed in documents:
        for key, line, column, key_path, first_line in parsed.duplicate_keys:
            catalog.findings.append(Finding(
                "yaml-syntax", ERROR, f"duplicate key {key!r} (first set on line {first_line})", source, line, column,
                key_path, "the catalog's YAML reader refuses a key set twice in one mapping; remove one"))
    for number, parsed in enumerate(documents, 1):
        value = parsed.value
        if value is None:
            continue  # an empty document (comments only)
        if not isinstance(value, dict) or value.get("specSchema") in (None, ""):
            what = "has no specSchema" if isinstance(value, dict) else (
                "is a list" if isinstance(value, list) else "is a scalar")
            catalog.findings.append(Finding(
                "schema", ERROR, f"document {number} {what}; every document of a catalog file must be a catalog object",
                source, parsed.line, parsed.column, None,
                "start each document with specSchema: Application, DeploymentPackage, Registry or Artifact, "
                "or move values into their own file"))
            continue
        kind = value.get("specSchema")
        position = parsed.positions.get(("specSchema",), (parsed.line, parsed.column))
        if kind not in SPEC_SCHEMAS:
            shown = kind if isinstance(kind, str) else _text(kind)
            hint = f"use one of {', '.join(SPEC_SCHEMAS)}"
            close = difflib.get_close_matches(str(shown), SPEC_SCHEMAS, n=1, cutoff=0.6)
            if shown == "Deployment-Package":
                hint = "Deployment-Package is the legacy name the schema rejects; write DeploymentPackage"
            elif close:
                hint = f"did you mean {close[0]!r}? ({hint})"
            catalog.findings.append(Finding("unknown-spec-schema", ERROR,
                                            f"unknown specSchema {_show(shown)}", source, position[0], position[1],
                                            ("specSchema",), hint))
            continue
        doc = _Document(kind, _hide_secrets(value), parsed.positions, source, parsed.line, parsed.column, path,
                        platform)
        catalog._documents.append(doc)
        if kind == "Application":
            doc.spec = _application_spec(doc)
            catalog.applications.setdefault((doc.spec.name, doc.spec.version), doc.spec)
        elif kind == "Registry":
            doc.spec = _registry_spec(doc)
            catalog.registries.setdefault(doc.spec.name, doc.spec)
        elif kind == "DeploymentPackage":
            doc.spec = _package_spec(doc)
            catalog.packages.append(doc.spec)
        else:
            doc.spec = ArtifactSpec(_text(value.get("name")), _text(value.get("mimeType")), source,
                                    parsed.line, parsed.column)
            catalog.artifacts.setdefault(doc.spec.name, doc.spec)


# ---------------------------------------------------------------------------
# check_catalog


def check_catalog(catalog: Catalog) -> List[Finding]:
    """All findings for the catalog (load, schema and cross-object ones), sorted by (source, line, column)."""
    findings = list(catalog.findings)
    for doc in catalog._documents:
        findings.extend(_schema_findings(doc))
        findings.extend(_ignored_fields(doc))
    findings.extend(_duplicates(catalog))
    for doc in catalog._documents:
        if doc.kind == "Application":
            findings.extend(_check_application(catalog, doc))
        elif doc.kind == "DeploymentPackage":
            findings.extend(_check_package(catalog, doc))
    return sorted(findings, key=_sort_key)


def _sort_key(f: Finding) -> Tuple[Any, ...]:
    return (f.source or "", f.line or 0, f.column or 0, f.rule, format_path(f.path) if f.path else "", f.message)


# -- JSON Schema ---------------------------------------------------------------


@lru_cache(maxsize=None)
def _compile_ecma(pattern: str) -> "re.Pattern[str]":
    """Compile a JSON Schema (ECMA-262) pattern for Python: ``$`` is the end of the text, ``\\w`` is ASCII."""
    out: List[str] = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
        elif char == "$":
            out.append(r"\Z")
        else:
            out.append(char)
    return re.compile("".join(out), re.ASCII)


@lru_cache(maxsize=1)
def _validators() -> Dict[str, Any]:
    """One JSON Schema validator per kind, built from the packaged schemas; nothing is ever fetched."""
    from importlib.resources import files

    from jsonschema import Draft202012Validator, ValidationError, validators
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package = files("profile_render.schemas")
    resources = []
    for name in _ALL_SCHEMA_FILES:
        contents = json.loads(package.joinpath(name).read_text(encoding="utf-8"))
        # Without "$schema", jsonschema keeps our validator class (with its ECMA
        # "pattern") when it follows a $ref into this file; the dialect is set here.
        contents.pop("$schema", None)
        resources.append((contents["$id"], DRAFT202012.create_resource(contents)))
    registry: Any = Registry().with_resources(resources)

    def pattern(validator: Any, patrn: str, instance: Any, schema: Dict[str, Any]) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not _compile_ecma(patrn).search(instance):
            yield ValidationError(f"does not match {patrn!r}")

    cls = validators.extend(Draft202012Validator, {"pattern": pattern})
    return {kind: cls({"$ref": _SCHEMA_BASE + ref}, registry=registry) for kind, ref in _SCHEMA_FILES.items()}


_TYPE_NAMES = {"string": "a string", "number": "a number", "integer": "an integer", "boolean": "a boolean",
               "object": "a mapping", "array": "a list", "null": "null"}


def _show(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return "'" + text.replace("'", "\\'") + "'"


def _label(path: FieldPath, kind: str) -> str:
    """The field named in a message: the last key with any list indexes after it (``suggestedValues[2]``)."""
    if not path:
        return kind
    start = len(path) - 1
    while start > 0 and isinstance(path[start], int):
        start -= 1
    return format_path(path[start:])


def _where(path: FieldPath, kind: str) -> str:
    return f"{kind} {format_path(path)}" if path else kind


def _is_secret_path(path: FieldPath) -> bool:
    return any(part in _SECRET_KEYS for part in path if isinstance(part, str))


def _schema_findings(doc: _Document) -> List[Finding]:
    validator = _validators()[doc.kind]
    instance = _reveal(doc.data)
    out: List[Finding] = []
    typed: Set[FieldPath] = set()
    errors = list(validator.iter_errors(instance))
    for error in errors:
        if error.validator == "type":
            typed.add(tuple(error.absolute_path))
    seen: Set[Tuple[Any, ...]] = set()
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator != "type" and path in typed:
            continue  # "must be a string" says it all
        for finding in _error_findings(doc, error, path):
            key = (finding.path, finding.message)
            if key not in seen:
                seen.add(key)
                out.append(finding)
    return out


def _error_findings(doc: _Document, error: Any, path: FieldPath) -> List[Finding]:
    keyword, expected, instance, schema = error.validator, error.validator_value, error.instance, error.schema
    label = _label(path, doc.kind)
    hint = schema.get("description") if isinstance(schema, dict) else None
    secret = _is_secret_path(path)

    def one(message: str, hint_text: Optional[str] = hint) -> List[Finding]:
        return [doc.finding("schema", ERROR, message, path, hint_text)]

    if keyword == "required":
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        return [doc.finding("schema", ERROR, f"{_where(path, doc.kind)} is missing the required field '{name}'",
                            path + (name,), _field_hint(schema, name), at=path)
                for name in missing]
    if keyword == "additionalProperties":
        known = list(schema.get("properties", {})) if isinstance(schema, dict) else []
        out = []
        for name in instance:
            if name in known:
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
            advice = _DEPRECATED.get(name) or (f"did you mean '{close[0]}'?" if close else
                                                f"{_where(path, doc.kind)} accepts: {', '.join(known)}")
            out.append(doc.finding("schema", ERROR, f"unknown field '{name}' in {_where(path, doc.kind)}",
                                   path + (name,), advice))
        return out
    if keyword == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        text = " or ".join(_TYPE_NAMES.get(t, t) for t in wanted)  # type: ignore[misc]  # schema type names are str
        advice = hint  # type: ignore[assignment]  # hint is always set on this path
        if "string" in wanted and isinstance(instance, (bool, int, float)):
            advice = "quote it: YAML reads unquoted numbers, true/false and null as non-strings"
        return one(f"{label} must be {text}; it is {describe_value(instance, mapping='a mapping')}", advice)
    if keyword in ("enum", "const"):
        options = expected if keyword == "enum" else [expected]
        allowed = ", ".join(str(o) for o in options)
        shown = "the value" if secret else _show(instance)
        if keyword == "const":
            return one(f"{label} must be {_show(expected)}; {shown} is not")
        advice = hint  # type: ignore[assignment]  # hint is always set on this path
        if not secret:
            by_lower = {str(o).lower(): str(o) for o in options}
            close = difflib.get_close_matches(str(instance).lower(), list(by_lower), n=1, cutoff=0.5)
            if close:
                advice = f"did you mean '{by_lower[close[0]]}'?"
        return one(f"{label} must be one of {allowed}; {shown} is not", advice)
    if keyword == "pattern":
        if secret:
            return one(f"{label} must match {expected}; the value does not")
        return one(f"{label} must match {expected}; {_show(_redact_url(instance))} does not")
    if keyword == "minLength":
        if expected == 1:
            return one(f"{label} must not be empty")
        return one(f"{label} must be at least {expected} characters long; it has {len(instance)}")
    if keyword == "maxLength":
        return one(f"{label} must be at most {expected} characters long; it has {len(instance)}")
    if keyword == "maxItems":
        return one(f"{label} must have at most {expected} items; it has {len(instance)}")
    if keyword == "minItems":
        return one(f"{label} must have at least {expected} items; it has {len(instance)}")
    if keyword == "uniqueItems":
        firsts: Dict[str, int] = {}
        for index, item in enumerate(instance):
            marker = json.dumps(item, sort_keys=True, default=str)
            if marker in firsts:
                return [doc.finding("schema", ERROR,
                                    f"{label} repeats an item: [{index}] equals [{firsts[marker]}]",
                                    path + (index,), "list each value once")]
            firsts[marker] = index
        return one(f"{label} must not repeat items")
    return one(f"{label} breaks the schema rule '{keyword}'")


def _field_hint(schema: Any, name: str) -> Optional[str]:
    if isinstance(schema, dict):
        sub = schema.get("properties", {}).get(name)
        if isinstance(sub, dict) and isinstance(sub.get("description"), str):
            return f"add {name}: {sub['description']}"
    return f"add {name}"


_DEPRECATED = {
    "registry": "'registry' is the deprecated name of helmRegistry, which the schema requires; rename it",
    "registryType": "'registryType' is the deprecated name of type; rename it",
    "artifactReferences": "'artifactReferences' is the deprecated name of artifacts; rename it",
    "publisher": "publishers are gone from the catalog; remove the field",
}


# -- fields the schema accepts but the upload ignores ---------------------------

_IGNORED = {
    "deploymentRequirement": (
        "the upload reads deploymentRequirements (plural) and ignores deploymentRequirement",
        "rename it to deploymentRequirements"),
    "chartValues": (
        "the file upload ignores chartValues; it reads a profile's values from the file named by valuesFileName",
        "move the values into a file and name it in valuesFileName"),
    "createTime": ("createTime is read-only; the catalog sets it and the upload ignores it", "remove it"),
    "updateTime": ("updateTime is read-only; the catalog sets it and the upload ignores it", "remove it"),
}


def _ignored_fields(doc: _Document) -> List[Finding]:
    out: List[Finding] = []
    places: List[FieldPath] = [()]
    places += [("profiles", i) for i, _ in _dicts(doc.data.get("profiles"))] if doc.kind == "Application" else []
    places += [("deploymentProfiles", i) for i, _ in _dicts(doc.data.get("deploymentProfiles"))] \
        if doc.kind == "DeploymentPackage" else []
    for place in places:
        obj = _get(doc.data, place)
        for name, (message, hint) in _IGNORED.items():
            if isinstance(obj, dict) and name in obj:
                if name in ("deploymentRequirement", "chartValues") and place[:1] != ("profiles",):
                    continue  # unknown there: the schema reports it
                out.append(doc.finding("ignored-field", WARNING, message, place + (name,), hint))
    return out


def _get(data: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


# -- duplicates ----------------------------------------------------------------


def _duplicates(catalog: Catalog) -> List[Finding]:
    out: List[Finding] = []
    first: Dict[Tuple[Any, ...], _Document] = {}
    for doc in catalog._documents:
        spec = doc.spec
        if doc.kind in ("Application", "DeploymentPackage"):
            if spec.name is None or spec.version is None:
                continue
            key: Tuple[Any, ...] = (doc.kind, spec.name, spec.version)
            what = f"{doc.kind} {spec.name!r} version {spec.version!r}"
        else:
            if spec.name is None:
                continue
            key = (doc.kind, spec.name)
            what = f"{doc.kind} {spec.name!r}"
        if key in first:
            earlier = first[key]
            kept = "the first one is used" if doc.kind != "Registry" or not doc.from_registry_files \
                else "the package's one is used"
            out.append(doc.finding("duplicate-object", ERROR,
                                   f"{what} is defined twice (also at {earlier.source}:{earlier.line})",
                                   ("name",), f"remove one of the definitions; {kept}"))
        else:
            first[key] = doc
        out.extend(_inner_duplicates(doc))
    return out


def _inner_duplicates(doc: _Document) -> List[Finding]:
    """Names that must be unique inside one object (profiles, templates, deployment profiles, ...)."""
    out: List[Finding] = []

    def scan(items: Any, base: FieldPath, key: str, what: str, severity: str = ERROR,
             hint: str = "give each one a different name") -> None:
        seen: Dict[str, int] = {}
        for index, item in _dicts(items):
            name = _text(item.get(key))
            if name is None:
                continue
            if name in seen:
                out.append(doc.finding("duplicate-object", severity,
                                       f"{what} {name!r} appears twice (also at {format_path(base + (seen[name],))})",
                                       base + (index, key), hint))
            else:
                seen[name] = index

    data = doc.data
    if doc.kind == "Application":
        scan(data.get("profiles"), ("profiles",), "name", "profile")
        for i, profile in _dicts(data.get("profiles")):
            scan(profile.get("parameterTemplates"), ("profiles", i, "parameterTemplates"), "name",
                 "parameter template")
    elif doc.kind == "DeploymentPackage":
        scan(data.get("applications"), ("applications",), "name", "application",
             hint="a package holds one version of each application")
        scan(data.get("deploymentProfiles"), ("deploymentProfiles",), "name", "deployment profile")
        scan(data.get("namespaces"), ("namespaces",), "name", "namespace")
        for i, profile in _dicts(data.get("deploymentProfiles")):
            scan(profile.get("applicationProfiles"), ("deploymentProfiles", i, "applicationProfiles"), "application",
                 "application", WARNING, "list each application once; the upload keeps the last entry")
    return out


# -- applications ----------------------------------------------------------------


def _check_application(catalog: Catalog, doc: _Document) -> List[Finding]:
    out: List[Finding] = []
    app: ApplicationSpec = doc.spec
    names = list(dict.fromkeys(p.name for p in app.profiles if p.name is not None))
    if app.default_profile_name is not None and app.default_profile_name not in names:
        out.append(doc.finding(
            "unknown-profile", ERROR,
            f"defaultProfile {app.default_profile_name!r} is not a profile of application {app.name!r} "
            f"(profiles: {', '.join(names) or 'none'})",
            ("defaultProfile",), "name one of the application's profiles, or drop defaultProfile to use the first"))
    for field_name, wanted in (("helmRegistry", "HELM"), ("imageRegistry", "IMAGE")):
        name = doc.data.get(field_name)
        if not isinstance(name, str) or not name:
            continue
        registry = catalog.registries.get(name)
        if registry is None:
            out.append(_unknown_registry(catalog, doc, field_name, name))
        elif registry.type in ("HELM", "IMAGE") and registry.type != wanted:
            out.append(doc.finding(
                "registry-type", ERROR,
                f"{field_name} {name!r} is a registry of type {registry.type} ({registry.source}:{registry.line}); "
                f"{field_name} needs one of type {wanted}",
                (field_name,), f"name a registry of type {wanted}"))
    for profile in app.profiles:
        out.extend(_check_values_file(doc, profile))
    return out


def _unknown_registry(catalog: Catalog, doc: _Document, field_name: str, name: str) -> Finding:
    known = sorted(n for n in catalog.registries if isinstance(n, str))
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    if catalog.registry_files_given:
        hint = f"did you mean {close[0]!r}?" if close else (
            f"registries read: {', '.join(known)}" if known else "no Registry object was read")
        return doc.finding("unknown-registry", ERROR,
                           f"{field_name} {name!r} is not defined by the package or the registry files",
                           (field_name,), hint)
    platform = name in _PLATFORM_REGISTRIES
    hint = ("every Edge Orchestrator project has this registry; pass it in registry_files "
            "(or --registry-file) to check it" if platform else
            "it must already exist in the project's catalog; pass the Registry file in registry_files to check it")
    if close:
        hint = f"did you mean {close[0]!r}? Otherwise {hint}"
    return doc.finding("unknown-registry", WARNING,
                       f"{field_name} {name!r} is not defined by the files read", (field_name,), hint)


def _check_values_file(doc: _Document, profile: ProfileSpec) -> List[Finding]:
    label = f"profile {profile.name!r}" if profile.name else f"profile {format_path(profile.field_path)}"
    if not profile.values_file_name:
        return [doc.finding("missing-values-file", ERROR,
                            f"{label} names no values file; the catalog upload needs valuesFileName",
                            profile.field_path + ("valuesFileName",),
                            "add valuesFileName: <file>.yaml (the file may be empty)", at=profile.field_path)]
    assert profile.values_path is not None
    if profile.values_path.is_file():
        return []
    state = "is a directory" if profile.values_path.is_dir() else "does not exist"
    return [doc.finding("missing-values-file", ERROR,
                        f"values file {profile.values_file_name!r} of {label} {state} "
                        f"(looked for {profile.values_path})",
                        profile.field_path + ("valuesFileName",),
                        "valuesFileName is relative to the Application file's folder; the file may be empty")]


# -- packages ------------------------------------------------------------------------


def _check_package(catalog: Catalog, doc: _Document) -> List[Finding]:
    out: List[Finding] = []
    pkg: DeploymentPackageSpec = doc.spec
    data = doc.data
    members: Dict[str, Optional[str]] = {}  # application name -> version
    for i, ref in _dicts(data.get("applications")):
        name, version = _text(ref.get("name")), _text(ref.get("version"))
        if name is None or version is None:
            continue
        members.setdefault(name, version)
        if (name, version) not in catalog.applications:
            others = sorted(v for (n, v) in catalog.applications if n == name and v is not None)
            if others:
                message = (f"application {name!r} version {version!r} is not among the files read "
                           f"(versions read: {', '.join(others)})")
                hint = "reference a version that exists, or add that version's Application file"
            else:
                message = f"application {name!r} version {version!r} is not among the files read"
                hint = "add the Application file to the package, or fix the name"
            out.append(doc.finding("unknown-application", ERROR, message, ("applications", i), hint))

    def member(name: str) -> Tuple[Optional[str], Optional[str]]:
        if name in members:
            return name, members[name]
        if ":" in name:  # fully qualified name:version
            base, _, version = name.partition(":")
            if members.get(base) == version:
                return base, version
        return None, None

    profile_names: List[str] = []
    for i, dprofile in _dicts(data.get("deploymentProfiles")):
        if isinstance(dprofile.get("name"), str):
            profile_names.append(dprofile["name"])
        for j, entry in _dicts(dprofile.get("applicationProfiles")):
            app_name, profile_name = entry.get("application"), entry.get("profile")
            if not isinstance(app_name, str) or not isinstance(profile_name, str):
                continue
            base: FieldPath = ("deploymentProfiles", i, "applicationProfiles", j)
            name, version = member(app_name)
            if name is None:
                out.append(doc.finding(
                    "unknown-application", ERROR,
                    f"deployment profile {dprofile.get('name')!r} selects a profile of {app_name!r}, "
                    f"which is not an application of the package ({', '.join(members) or 'none'})",
                    base + ("application",), "list the application under applications, or fix the name"))
                continue
            app = catalog.applications.get((name, version))
            if app is None:
                continue  # reported under applications
            if app.profile(profile_name) is None:
                available = ", ".join(dict.fromkeys(p.name for p in app.profiles if p.name)) or "none"
                out.append(doc.finding(
                    "unknown-profile", ERROR,
                    f"deployment profile {dprofile.get('name')!r} selects profile {profile_name!r} of application "
                    f"{name!r} {version!r}, which has no such profile (profiles: {available})",
                    base + ("profile",), f"use one of: {available}"))
    if pkg.default_profile_name is not None and pkg.default_profile_name not in profile_names:
        out.append(doc.finding(
            "unknown-deployment-profile", ERROR,
            f"defaultProfile {pkg.default_profile_name!r} is not a deployment profile of package {pkg.name!r} "
            f"(deployment profiles: {', '.join(profile_names) or 'none'})",
            ("defaultProfile",), "name one of the deploymentProfiles, or drop defaultProfile to use the first"))
    out.extend(_check_dependencies(doc, members))
    namespaces = data.get("defaultNamespaces")
    if isinstance(namespaces, dict):
        for app_name in namespaces:
            if app_name not in members:
                out.append(doc.finding(
                    "namespace-unknown-app", ERROR,
                    f"defaultNamespaces names {app_name!r}, which is not an application of the package "
                    f"({', '.join(members) or 'none'})",
                    ("defaultNamespaces", app_name), "the catalog refuses namespaces for applications it does not hold"))
    return out


def _check_dependencies(doc: _Document, members: Dict[str, Optional[str]]) -> List[Finding]:
    out: List[Finding] = []
    graph: Dict[str, List[str]] = {}
    for i, dep in _dicts(doc.data.get("applicationDependencies")):
        name, requires = dep.get("name"), dep.get("requires")
        if not isinstance(name, str) or not isinstance(requires, str):
            continue
        unknown = [(key, value) for key, value in (("name", name), ("requires", requires)) if value not in members]
        for key, value in unknown:
            out.append(doc.finding(
                "dependency-cycle", ERROR,
                f"applicationDependencies[{i}] names {value!r}, which is not an application of the package "
                f"({', '.join(members) or 'none'})",
                ("applicationDependencies", i, key), "dependencies link applications listed under applications"))
        if unknown:
            continue
        if name == requires:
            out.append(doc.finding("dependency-cycle", ERROR, f"application {name!r} depends on itself",
                                   ("applicationDependencies", i), "remove this dependency"))
            continue
        chain = _find_path(graph, requires, name)
        if chain is not None:
            cycle = " requires ".join([name] + chain)
            out.append(doc.finding("dependency-cycle", ERROR, f"applicationDependencies form a cycle: {cycle}",
                                   ("applicationDependencies", i),
                                   "start-up dependencies must be acyclic; remove one of these dependencies"))
            continue
        graph.setdefault(name, []).append(requires)
    return out


def _find_path(graph: Dict[str, List[str]], start: str, goal: str) -> Optional[List[str]]:
    """A path start -> ... -> goal along the edges, or None."""
    stack: List[Tuple[str, List[str]]] = [(start, [start])]
    seen: Set[str] = set()
    while stack:
        node, chain = stack.pop()
        if node == goal:
            return chain
        if node in seen:
            continue
        seen.add(node)
        for nxt in reversed(graph.get(node, [])):
            stack.append((nxt, chain + [nxt]))
    return None
