"""Catalog objects as read: typed, immutable specs and the Catalog that holds them."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union


from profile_render.findings import ERROR, WARNING, Finding
# The same node tagging as the values loader: plain scalars get one private tag, resolved once.
from profile_render.orchestrator.model import ImageRegistry, RegistryError, Secret
from profile_render.orchestrator.catalog.folder import DiskFolder, PackageFolder


PathLike = Union[str, "os.PathLike[str]"]
FieldPath = Tuple[Any, ...]

#: The registries the tenant controller creates for every Edge Orchestrator project: name -> type.
#: ``harbor-*`` hold the project's own charts and images (robot credentials), ``intel-rs-*`` the Intel
#: release service's (no credentials). A reference to one is never an error, even when it is not among
#: the files read; its type is known, so pointing helmRegistry at an IMAGE one is still caught.
PLATFORM_REGISTRIES: Mapping[str, str] = MappingProxyType({
    "harbor-helm-oci": "HELM",
    "harbor-docker-oci": "IMAGE",
    "intel-rs-helm": "HELM",
    "intel-rs-images": "IMAGE",
})
SECRET_KEYS = frozenset({"authToken"})
MASK = "****"

CATALOG_SCHEMA_URL = "https://schema.intel.com/catalog.orchestrator/0.1/schema"
#: The text the catalog's validator CLI looks for: it checks only files that contain it, byte for byte.
SCHEMA_LINE = f'$schema: "{CATALOG_SCHEMA_URL}"'
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
    "file-outside-package": ERROR,
    "namespace-unknown-app": ERROR,
    "api-limit": WARNING,
    "artifact-base64": ERROR,
    "validator-crash": ERROR,
}

#: The rules whose errors mean the catalog's schema validator (and so its upload) rejects the file itself;
#: the other rules judge references between objects, or what the upload does with an accepted file.
VALIDATOR_RULES = frozenset({"unreadable-file", "yaml-syntax", "unknown-spec-schema", "schema", "validator-crash"})

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
        default = MASK if self.secret and self.default is not None else self.default
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
    #: The folder ``valuesFileName`` is looked up in (on disk or in memory); None: the Application file's folder.
    folder: Optional[PackageFolder] = field(default=None, repr=False, compare=False, hash=False)

    def package_folder(self) -> PackageFolder:
        """The folder this profile's values file is looked up and read in."""
        if self.folder is not None:
            return self.folder
        return DiskFolder(Path(self.source).parent if self.source else Path("."))


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
        token = None if self.auth_token is None else f"Secret('{MASK}')"
        return (f"RegistrySpec(name={self.name!r}, type={self.type!r}, root_url={redact_url(self.root_url)!r}, "
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
class CatalogDocument:
    """One catalog object as read: its kind, data, and the positions of its keys and items."""

    kind: str
    data: Dict[str, Any]
    positions: Dict[FieldPath, Tuple[int, int]]
    source: str
    line: Optional[int]  # None for an already-decoded document (see memory.py)
    column: Optional[int]
    path: Path
    from_registry_files: bool = False
    spec: Any = None

    def position(self, path: FieldPath) -> Tuple[Optional[int], Optional[int]]:
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


@dataclass(frozen=True)
class CheckedFile:
    """A file judged as a catalog file, and which of the catalog's two readers would judge it.

    ``by_validator``: the catalog's validator CLI checks it (the file holds :data:`SCHEMA_LINE`, and it
    was named explicitly or ends in ``.yaml``). ``by_upload``: the upload validates it (one of its
    documents has a non-empty ``specSchema``). A file either reader checks is judged; the two differ
    on a file with the ``$schema`` line and no ``specSchema`` (the validator rejects it, the upload
    skips it) and on a ``.yml`` file or one without the line (only the upload checks it).
    """

    path: Path
    by_validator: bool
    by_upload: bool


@dataclass
class Catalog:
    """What :func:`load_catalog` read.

    ``applications`` is keyed by ``(name, version)``, ``registries`` by name
    (registries from ``registry_files`` included); when an object is defined
    twice the first one is kept (:func:`check_catalog` reports the duplicate).
    ``findings`` holds the problems met while reading (unreadable files, YAML
    syntax, unknown ``specSchema``); :func:`check_catalog` returns those plus
    the schema and cross-object findings. ``files`` lists every file read,
    ``checked_files`` those judged as catalog files (see :class:`CheckedFile`).

    >>> catalog = load_catalog(Path("examples/edge-package"))
    >>> catalog.package("edge-demo").version
    '0.1.0'
    >>> catalog.application("web-app").chart_name
    'web-app'
    """

    applications: Dict[Tuple[Optional[str], Optional[str]], ApplicationSpec] = field(default_factory=dict)
    registries: Dict[Optional[str], RegistrySpec] = field(default_factory=dict)
    packages: List[DeploymentPackageSpec] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)
    files: List[Path] = field(default_factory=list)
    artifacts: Dict[Optional[str], ArtifactSpec] = field(default_factory=dict)
    registry_files_given: bool = False
    documents: List[CatalogDocument] = field(default_factory=list, repr=False)
    checked_files: List[CheckedFile] = field(default_factory=list)

    def application(self, name: str, version: Optional[str] = None) -> Optional[ApplicationSpec]:
        """The application ``name`` at ``version``; without a version, the only or else the highest version read.

        >>> load_catalog(Path("examples/edge-package")).application("web-app", "0.1.0").profiles[0].name
        'default'
        """
        if version is not None:
            return self.applications.get((name, version))
        candidates = [app for (n, _v), app in self.applications.items() if n == name]
        if not candidates:
            return None
        return max(candidates, key=lambda app: version_key(app.version))

    def package(self, name: str, version: Optional[str] = None) -> Optional[DeploymentPackageSpec]:
        """The deployment package ``name`` (at ``version`` if given; else the highest version read).

        >>> load_catalog(Path("examples/edge-package")).package("edge-demo").default_profile_name
        'default'
        """
        candidates = [p for p in self.packages if p.name == name and (version is None or p.version == version)]
        if not candidates:
            return None
        return max(candidates, key=lambda p: version_key(p.version))


def redact_url(url: Any) -> Any:
    if isinstance(url, str) and "@" in url:
        return re.sub(r"(://)[^/@]*@", r"\1" + MASK + "@", url)
    return url

def show_value(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return "'" + text.replace("'", "\\'") + "'"


def version_key(version: Optional[str]) -> Tuple[Any, ...]:
    parts = re.split(r"[.\-+]", version or "")
    return tuple((0, int(p), "") if p.isdigit() else (-1, 0, p) for p in parts)

