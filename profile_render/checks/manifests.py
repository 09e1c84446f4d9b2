"""Manifest checks: is the image-pull Secret wired where Kubernetes, KubeVirt and CDI read it?

:func:`check_manifests` reads rendered Kubernetes objects (``helm template``
output, or a list of dicts) and reports, as :class:`ManifestFinding` records,
every place where a pull secret is missing, misplaced, malformed, in the wrong
namespace or unknown; CDI DataVolumes with a bad URL scheme, no ``secretRef``
or a ``certConfigMap`` that is absent or holds no certificate; leftover
placeholders; and the structural slips of the reference documentation
(``spec:`` at the wrong level, ``url`` beside ``registry:`` instead of under it,
``imagePullSecrets`` inside a container).

Where the pull secret goes (the contract the checks encode):

* Pods and pod templates: ``imagePullSecrets: [{name: <secret>}]`` on the pod
  spec (``spec`` of a Pod, ``spec.template.spec`` of a Deployment, StatefulSet,
  DaemonSet, ReplicaSet, ReplicationController or Job,
  ``spec.jobTemplate.spec.template.spec`` of a CronJob), or on the pod's
  ServiceAccount;
* KubeVirt: ``volumes[].containerDisk.imagePullSecret: <secret>`` (one name, a
  string) in the VMI spec (``spec`` of a VirtualMachineInstance,
  ``spec.template.spec`` of a VirtualMachine, ``spec.virtualMachineTemplate
  .spec.template.spec`` of a VirtualMachinePool);
* CDI: ``source.registry.secretRef: <secret>`` in a DataVolume spec (a
  DataVolume object, or ``spec.dataVolumeTemplates[].spec`` of a VM); CDI reads
  the Secret's ``accessKeyId`` and ``secretKey`` keys.

The checks are pure functions of their inputs: nothing global is kept and
nothing is fetched.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple, Union

from profile_render.errors import describe_value, format_path
from profile_render.checks.read import ManifestError, Positions, read_manifests

__all__ = [
    "ManifestFinding",
    "ManifestError",
    "Positions",
    "ImageReference",
    "RULES",
    "read_manifests",
    "check_manifests",
    "parse_image_reference",
]

FieldPath = Tuple[Any, ...]
ERROR, WARNING, INFO = "error", "warning", "info"

#: Every rule: id -> (severity, what it finds). docs/manifest-checks.md describes each one.
RULES: Mapping[str, Tuple[str, str]] = MappingProxyType({
    "misplaced-field": (ERROR, "a field at a level where Kubernetes, KubeVirt or CDI does not read it"),
    "duplicate-key": (ERROR, "a key written twice in one mapping; only the last one survives"),
    "pull-secret-in-container": (ERROR, "imagePullSecrets inside a container instead of on the pod spec"),
    "pull-secrets-not-list": (ERROR, "imagePullSecrets that is not a list"),
    "pull-secret-not-object": (ERROR, "an imagePullSecrets entry that is not {name: <secret>}"),
    "empty-pull-secret-name": (WARNING, "a pull-secret reference with an empty name"),
    "private-image-without-pull-secret": (ERROR, "a container image on a private registry, with no pull secret on the pod"),
    "containerdisk-missing-pull-secret": (ERROR, "a containerDisk image on a private registry without imagePullSecret"),
    "pull-secret-not-string": (ERROR, "containerDisk.imagePullSecret or a DataVolume secretRef that is not a name"),
    "datavolume-url-scheme": (ERROR, "a DataVolume registry URL without docker:// or oci-archive://"),
    "datavolume-missing-secret-ref": (ERROR, "a DataVolume importing from a private registry without secretRef"),
    "secret-missing-cdi-keys": (ERROR, "a DataVolume secretRef naming a Secret without accessKeyId/secretKey"),
    "cert-configmap-missing": (ERROR, "a certConfigMap naming no ConfigMap in the DataVolume's namespace"),
    "cert-configmap-no-certificate": (ERROR, "a certConfigMap whose ConfigMap holds no parseable PEM certificate"),
    "cert-configmap-key": (INFO, "a certConfigMap certificate under a key other than ca.crt"),
    "namespace-mismatch": (ERROR, "an object using a Secret that lives in another namespace"),
    "leftover-placeholder": (ERROR, "a placeholder (or a near miss) left in a rendered manifest"),
    "unknown-pull-secret": (WARNING, "a pull-secret name that is neither generated, given, nor in the manifests"),
    "hook-pull-secret-not-pre-installed": (ERROR, "a pre-install hook pulls with the generated Secret, which is only "
                                                  "deployed with the chart (after the hook)"),
})

# -- where things live, per kind --------------------------------------------------------------

_POD_TEMPLATE_SPEC = ("spec", "template", "spec")

#: kind -> (API groups, path of the pod spec). "" is the core group.
_POD_SPEC_KINDS: Mapping[str, Tuple[Tuple[str, ...], FieldPath]] = MappingProxyType({
    "Pod": (("",), ("spec",)),
    "Deployment": (("apps", "extensions"), _POD_TEMPLATE_SPEC),
    "StatefulSet": (("apps",), _POD_TEMPLATE_SPEC),
    "DaemonSet": (("apps", "extensions"), _POD_TEMPLATE_SPEC),
    "ReplicaSet": (("apps", "extensions"), _POD_TEMPLATE_SPEC),
    "ReplicationController": (("",), _POD_TEMPLATE_SPEC),
    "Job": (("batch",), _POD_TEMPLATE_SPEC),
    "CronJob": (("batch",), ("spec", "jobTemplate", "spec", "template", "spec")),
})

#: kind -> (API groups, path of the VMI spec, path of dataVolumeTemplates or None).
_VM_KINDS: Mapping[str, Tuple[Tuple[str, ...], FieldPath, Optional[FieldPath]]] = MappingProxyType({
    "VirtualMachine": (("kubevirt.io",), ("spec", "template", "spec"), ("spec", "dataVolumeTemplates")),
    "VirtualMachineInstance": (("kubevirt.io",), ("spec",), None),
    "VirtualMachineInstanceReplicaSet": (("kubevirt.io",), ("spec", "template", "spec"), None),
    "VirtualMachinePool": (("pool.kubevirt.io",), ("spec", "virtualMachineTemplate", "spec", "template", "spec"),
                           ("spec", "virtualMachineTemplate", "spec", "dataVolumeTemplates")),
})

_DATA_VOLUME_GROUPS = ("cdi.kubevirt.io",)
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

# Keys that identify a spec when they turn up at the wrong level.
_POD_SPEC_KEYS = ("containers", "initContainers", "ephemeralContainers")
_VM_SPEC_KEYS = ("domain", "volumes")
_DV_SPEC_KEYS = ("source", "sourceRef", "pvc", "storage")

_VM_PULL_SECRETS_WHY = ("KubeVirt has no `imagePullSecrets`; each containerDisk names its Secret in `imagePullSecret` "
                        "(and a DataVolume in `source.registry.secretRef`)")

# (context, parent path relative to the spec ("*" = every list item), key, correct path, why).
# In the correct path "*" stands for the same list index as in the parent.
_MISPLACED: Tuple[Tuple[str, FieldPath, str, FieldPath, str], ...] = (
    ("pod", (), "image", ("containers", 0, "image"),
     "`image` is a container field; on the pod spec it is ignored and the container has no image"),
    ("pod", (), "imagePullSecret", ("imagePullSecrets",),
     "the pod-spec field is `imagePullSecrets`, a list of {name: <secret>}"),
    ("vm", (), "imagePullSecrets", ("volumes", 0, "containerDisk", "imagePullSecret"), _VM_PULL_SECRETS_WHY),
    ("vm", ("domain",), "disks", ("domain", "devices", "disks"),
     "`disks` belongs under `domain.devices`"),
    ("vm", ("domain",), "interfaces", ("domain", "devices", "interfaces"),
     "`interfaces` belongs under `domain.devices`"),
    ("vm", ("volumes", "*"), "imagePullSecret", ("volumes", "*", "containerDisk", "imagePullSecret"),
     "`imagePullSecret` belongs inside the volume's `containerDisk`"),
    ("vm", ("volumes", "*", "containerDisk"), "name", ("volumes", "*", "name"),
     "`name` is the volume's name and belongs beside `containerDisk`, not inside it"),
    ("vm", ("volumes", "*", "containerDisk"), "dataVolume", ("volumes", "*", "dataVolume"),
     "a volume is either a `containerDisk` or a `dataVolume`; `dataVolume` belongs beside `name`, not inside "
     "`containerDisk`"),
    ("vm", ("volumes", "*", "containerDisk"), "imagePullSecrets", ("volumes", "*", "containerDisk", "imagePullSecret"),
     "the containerDisk field is `imagePullSecret`: one Secret name, a string"),
    ("dv", (), "registry", ("source", "registry"), "`registry` belongs under `source`"),
    ("dv", ("source",), "url", ("source", "registry", "url"),
     "`url` belongs under `source.registry` (`source.http.url` for an http(s) import)"),
    ("dv", ("source",), "secretRef", ("source", "registry", "secretRef"),
     "`secretRef` belongs under `source.registry` (or `source.http`)"),
    ("dv", ("source",), "certConfigMap", ("source", "registry", "certConfigMap"),
     "`certConfigMap` belongs under `source.registry` (or `source.http`)"),
    ("dv", ("source", "registry"), "imagePullSecret", ("source", "registry", "secretRef"),
     "CDI reads the registry Secret from `secretRef`"),
    ("dv", ("source", "registry"), "imagePullSecrets", ("source", "registry", "secretRef"),
     "CDI reads the registry Secret from `secretRef` (one name, a string)"),
)

_DOCKER_HUB = "docker.io"
_DOCKER_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
_CDI_SCHEMES = ("docker://", "oci-archive://")
_CDI_KEYS = ("accessKeyId", "secretKey")
_PEM_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


# -- findings -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ManifestFinding:
    """One problem in a rendered manifest: rule, severity, object, field path, message and fix.

    ``document`` is the 0-based index of the object's document among the
    non-empty documents of the stream (the index into :func:`read_manifests`'s
    list, or into the list of dicts given). ``path`` is the field path inside
    the object. ``source``/``line``/``column`` (1-based) are set when the
    manifests were read from text.
    """

    rule: str
    severity: str
    document: int
    kind: str
    name: str
    path: FieldPath
    message: str
    fix: str
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None

    @property
    def location(self) -> str:
        """``file:line:col`` when known, else the source and/or the document index."""
        if self.source is not None and self.line is not None:
            return f"{self.source}:{self.line}" + (f":{self.column}" if self.column is not None else "")
        if self.source is not None:
            return f"{self.source} (document {self.document})"
        return f"document {self.document}"

    def __str__(self) -> str:
        """``file:line:col: severity: Kind/name: message (at a.b[0]). Fix: ... [rule]``."""
        who = f"{self.kind}/{self.name}" if self.name else (self.kind or "object")
        text = f"{self.location}: {self.severity}: {who}: {self.message}"
        if self.path:
            text += f" (at {format_path(self.path)})"
        return f"{text}. Fix: {self.fix} [{self.rule}]"

    def to_dict(self) -> Dict[str, Any]:
        """The finding as a plain dict for JSON (the path as dotted text)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "document": self.document,
            "kind": self.kind,
            "name": self.name,
            "path": format_path(self.path) if self.path else None,
            "message": self.message,
            "fix": self.fix,
            "source": self.source,
            "line": self.line,
            "column": self.column,
        }


# -- image references and hosts ------------------------------------------------------------------

@dataclass(frozen=True)
class ImageReference:
    """A parsed container image reference: ``host[:port]/repository[:tag][@digest]``.

    ``host`` is lower-case, with Docker Hub's aliases folded into ``docker.io``;
    ``repository`` is the path (``library/nginx`` for ``nginx``).
    """

    host: str
    repository: str
    tag: Optional[str] = None
    digest: Optional[str] = None


_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.%]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]+)?")
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}")


def _valid_host(host: str) -> bool:
    if not _HOST.fullmatch(host):
        return False
    if host.startswith("["):
        import ipaddress

        try:
            ipaddress.IPv6Address(host[1:host.index("]")].split("%", 1)[0])
        except ValueError:
            return False
    return True


def _normalize_host(host: str) -> str:
    host = host.lower()
    if host.endswith(":443"):
        host = host[:-4]
    return _DOCKER_HUB if host in _DOCKER_HUB_ALIASES else host


def parse_image_reference(reference: str) -> Optional[ImageReference]:
    """Parse an image reference as Docker does, or return None when it is not one.

    The first path component is a registry host when it contains ``.`` or
    ``:``, is ``localhost``, or is a bracketed IPv6 address; otherwise the
    image is on Docker Hub (``docker.io``), and a one-component name gets the
    ``library/`` prefix. A ``docker://`` prefix is accepted and dropped.
    """
    if not isinstance(reference, str):
        return None
    text = reference.strip()
    if text.startswith("docker://"):
        text = text[len("docker://"):]
    if not text or any(ch.isspace() for ch in text):
        return None
    digest = None
    if "@" in text:
        text, digest = text.split("@", 1)
        if not _DIGEST.fullmatch(digest):
            return None
    host = _DOCKER_HUB
    first, slash, rest = text.partition("/")
    if slash and (first.startswith("[") or "." in first or ":" in first or first == "localhost"):
        if not _valid_host(first):
            return None
        host = _normalize_host(first)
        text = rest
    tag = None
    last_slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > last_slash:
        text, tag = text[:colon], text[colon + 1:]
        if not _TAG.fullmatch(tag):
            return None
    components = text.split("/")
    if not text or not all(_PATH_COMPONENT.fullmatch(c) for c in components):
        return None
    if host == _DOCKER_HUB and len(components) == 1:
        text = "library/" + text
    return ImageReference(host, text, tag, digest)


def _registry_host(text: str) -> Optional[str]:
    """The host[:port] of a registry given as a URL, ``host[:port][/path]`` or an auths key."""
    if not isinstance(text, str) or not text.strip():
        return None
    rest = _SCHEME.sub("", text.strip(), count=1)
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    if not host or not _valid_host(host):
        return None
    return _normalize_host(host)


# -- what the render tells ------------------------------------------------------------------------

@dataclass
class _Named:
    """A Secret or ConfigMap present in the render or the manifests."""

    name: str
    namespace: Optional[str]  # None: the release namespace, unknown
    data: Dict[str, Any]      # data, stringData and binaryData merged (values as given)
    where: str                # "render" or "manifests"


@dataclass
class _Facts:
    hosts: Set[str] = field(default_factory=set)
    generated: List[Tuple[str, Optional[str]]] = field(default_factory=list)  # (name, namespace)
    with_chart: Set[str] = field(default_factory=set)  # generated Secrets deployed with the chart, not before it
    objects: List[Dict[str, Any]] = field(default_factory=list)
    inferred_values: List[Any] = field(default_factory=list)  # values of renders whose Secret is masked


def _render_items(render: Any) -> Iterator[Any]:
    """Flatten the accepted render forms into RenderResult objects and render dicts."""
    if render is None:
        return
    if isinstance(render, Mapping):
        apps = render.get("applications")
        if isinstance(apps, Mapping) and not ({"manifests", "values"} & set(render)):
            for item in apps.values():
                yield from _render_items(item)
            return
        if {"manifests", "preInstallManifests", "secretName", "values"} & set(render):
            yield render
            return
        raise TypeError("render must be a RenderResult, its to_dict() form, or {'applications': {...}}")
    if isinstance(render, (list, tuple)):
        for item in render:
            yield from _render_items(item)
        return
    if hasattr(render, "manifests") and hasattr(render, "pre_install_manifests"):
        yield render
        return
    apps = getattr(render, "applications", None)
    if isinstance(apps, Mapping):
        for item in apps.values():
            yield from _render_items(item)
        return
    raise TypeError("render must be a RenderResult, its to_dict() form, or {'applications': {...}}")


def _mapping(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``obj[key]`` when it is a mapping, else an empty one."""
    value = obj.get(key)
    return value if isinstance(value, Mapping) else {}


def _auths_hosts(secret: Mapping[str, Any]) -> Optional[Set[str]]:
    """The registry hosts of a docker-config Secret, or None when its data cannot be read (masked)."""
    data, string_data = _mapping(secret, "data"), _mapping(secret, "stringData")
    for key in (".dockerconfigjson", ".dockercfg"):
        text: Optional[str] = None
        if isinstance(string_data.get(key), str):
            text = string_data[key]
        elif isinstance(data.get(key), str):
            try:
                text = base64.b64decode(data[key], validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                return None
        if text is None:
            continue
        try:
            config = json.loads(text)
        except ValueError:
            return None
        auths = config.get("auths", config) if isinstance(config, dict) else None
        if not isinstance(auths, dict):
            return None
        return {h for h in (_registry_host(k) for k in auths) if h}
    return None


def _gather_render(render: Any) -> _Facts:
    facts = _Facts()
    for item in _render_items(render):
        if isinstance(item, Mapping):
            main, before = list(item.get("manifests") or []), list(item.get("preInstallManifests") or [])
            secret_name, values = item.get("secretName"), item.get("values")
        else:
            main, before = list(item.manifests), list(item.pre_install_manifests)
            secret_name, values = item.secret_name, item.values
        objects = main + before
        if secret_name is not None and any(
                isinstance(o, dict) and o.get("kind") == "Secret" and _mapping(o, "metadata").get("name") == secret_name
                for o in main):
            facts.with_chart.add(secret_name)
        facts.objects.extend(o for o in objects if isinstance(o, dict))
        masked = False
        for obj in objects:
            if not isinstance(obj, dict) or obj.get("kind") != "Secret":
                continue
            meta = _mapping(obj, "metadata")
            if secret_name is not None and meta.get("name") == secret_name:
                facts.generated.append((secret_name, meta.get("namespace") or None))
            if str(obj.get("type", "")).startswith("kubernetes.io/dockerc"):
                hosts = _auths_hosts(obj)
                if hosts is None:
                    masked = True
                else:
                    facts.hosts |= hosts
        if secret_name is not None and not any(n == secret_name for n, _ in facts.generated):
            facts.generated.append((secret_name, None))
        if masked:
            facts.inferred_values.append(values)
    for values in facts.inferred_values:
        facts.hosts |= _hosts_in_values(values)
    return facts


_IMAGE_KEY = re.compile(r"image|repo|registry", re.I)


def _hosts_in_values(values: Any, key: str = "") -> Set[str]:
    """Registry hosts named by image-like values (used only when the generated Secret's data is masked)."""
    found: Set[str] = set()
    if isinstance(values, dict):
        for k, v in values.items():
            found |= _hosts_in_values(v, str(k))
    elif isinstance(values, list):
        for v in values:
            found |= _hosts_in_values(v, key)
    elif isinstance(values, str) and (_IMAGE_KEY.search(key) or values.startswith(("oci://", "docker://"))):
        host: Optional[str] = None
        first, slash, _rest = values.partition("/")
        if _SCHEME.match(values):
            host = _registry_host(values)
        elif slash and ("." in first or ":" in first or first == "localhost" or first.startswith("[")):
            host = _registry_host(values)  # host[:port]/path...
        elif not slash and "." in values:
            host = _registry_host(values)  # a bare "registry.example.com[:port]" (not "nginx:1.25")
        if host and host != _DOCKER_HUB:
            found.add(host)
    return found


# -- checking -------------------------------------------------------------------------------------

@dataclass
class _Object:
    document: int
    obj: Dict[str, Any]
    base: FieldPath
    positions: Optional[Positions]
    kind: str
    name: str
    pinned: Optional[str]     # metadata.namespace as written
    namespace: Optional[str]  # where it lives (None: unknown)


def _is_pre_install_hook(obj: Mapping[str, Any]) -> bool:
    """Whether an object is a Helm pre-install hook (runs before the chart's other objects exist)."""
    hooks = _mapping(_mapping(obj, "metadata"), "annotations").get("helm.sh/hook")
    return isinstance(hooks, str) and "pre-install" in [h.strip() for h in hooks.split(",")]


def _group(api_version: Any) -> Optional[str]:
    if not isinstance(api_version, str) or not api_version:
        return None
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def _kind_matches(obj: Mapping[str, Any], groups: Sequence[str]) -> bool:
    group = _group(obj.get("apiVersion"))
    return group is None or group in groups


def _get(node: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node):
                return None
        elif not isinstance(node, dict):
            return None
        node = node[part] if isinstance(part, int) else node.get(part)
    return node


def _expand(node: Any, pattern: FieldPath, at: FieldPath = ()) -> Iterator[Tuple[FieldPath, Any]]:
    """Every (path, node) matching a relative pattern where "*" is any list index."""
    if not pattern:
        yield at, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from _expand(item, rest, at + (i,))
    elif isinstance(node, dict) and head in node:
        yield from _expand(node[head], rest, at + (head,))


def _certificates(text: str) -> int:
    """How many PEM certificates in ``text`` decode to DER (a SEQUENCE, first byte 0x30)."""
    count = 0
    for match in _PEM_BLOCK.finditer(text):
        body = "".join(match.group(1).split())
        try:
            der = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            continue
        if der[:1] == b"\x30":
            count += 1
    return count


def _data_of(obj: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for field_name in ("binaryData", "data", "stringData"):
        section = obj.get(field_name)
        if isinstance(section, dict):
            for key, value in section.items():
                if field_name == "binaryData" and isinstance(value, str):
                    try:
                        value = base64.b64decode(value, validate=True).decode("utf-8", "replace")
                    except (binascii.Error, ValueError):
                        pass
                out[str(key)] = value
    return out


class _Checker:
    """One check run: the facts gathered up front and the findings collected so far."""

    def __init__(self, objects: List[_Object], facts: _Facts, private: Set[str], pull_secrets: Set[str],
                 external: Set[str], release: Optional[str], source: Optional[str]) -> None:
        from profile_render.orchestrator.placeholders import Placeholders

        self.objects = objects
        self.private = private
        self.known = pull_secrets | {name for name, _ in facts.generated}
        self.generated = {name for name, _ in facts.generated}
        self.with_chart = set(facts.with_chart)
        self.suggest = next(iter(self.generated)) if len(self.generated) == 1 else "<secret>"
        self.external = external
        self.release = release
        self.source = source
        self.placeholders = Placeholders()
        self.findings: List[ManifestFinding] = []
        self.seen: Set[Tuple[Any, ...]] = set()
        self.secrets: Dict[str, List[_Named]] = {}
        self.config_maps: Dict[str, List[_Named]] = {}
        self.accounts: Dict[Tuple[str, Optional[str]], List[str]] = {}
        for obj in facts.objects:
            self._register(obj, self._namespace_of(obj), "render")
        for o in objects:
            self._register(o.obj, o.namespace, "manifests")

    # -- inventory ------------------------------------------------------------------------------
    def _namespace_of(self, obj: Mapping[str, Any]) -> Optional[str]:
        meta = obj.get("metadata")
        ns = meta.get("namespace") if isinstance(meta, dict) else None
        return ns if isinstance(ns, str) and ns else self.release

    def _register(self, obj: Mapping[str, Any], namespace: Optional[str], where: str) -> None:
        kind = obj.get("kind")
        meta = obj.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if not isinstance(name, str) or not name or not _kind_matches(obj, ("",)):
            return
        if kind == "Secret":
            self.secrets.setdefault(name, []).append(_Named(name, namespace, _data_of(obj), where))
        elif kind == "ConfigMap":
            self.config_maps.setdefault(name, []).append(_Named(name, namespace, _data_of(obj), where))
        elif kind == "ServiceAccount" and isinstance(obj.get("imagePullSecrets"), list):
            names = [e.get("name") if isinstance(e, dict) else e for e in obj["imagePullSecrets"]]
            self.accounts[(name, namespace)] = [n for n in names if isinstance(n, str) and n]

    # -- reporting ------------------------------------------------------------------------------
    def add(self, o: _Object, rule: str, path: FieldPath, message: str, fix: str) -> None:
        key = (o.document, o.base, rule, path, message)
        if key in self.seen:
            return
        self.seen.add(key)
        line = column = None
        if o.positions is not None:
            spot = o.positions.locate(o.base + path)
            if spot is not None:
                line, column = spot
        self.findings.append(ManifestFinding(rule, RULES[rule][0], o.document, o.kind, o.name, path, message, fix,
                                             o.positions.source if o.positions is not None else self.source,
                                             line, column))

    def misplaced(self, o: _Object, actual: FieldPath, correct: FieldPath, why: str) -> None:
        self.add(o, "misplaced-field", actual, f"{o.kind or 'the object'} does not read `{actual[-1]}` here: {why}",
                 f"move it to {format_path(correct)}")

    def private_host(self, reference: Any) -> Optional[str]:
        ref = parse_image_reference(reference) if isinstance(reference, str) else None
        return ref.host if ref is not None and ref.host in self.private else None

    def has_placeholder(self, text: str) -> bool:
        return "%" in text and self.placeholders.contains(text)

    # -- the run --------------------------------------------------------------------------------
    def run(self) -> List[ManifestFinding]:
        for o in self.objects:
            if o.positions is not None:
                self.check_duplicates(o)
            kind = o.kind
            if kind in _POD_SPEC_KINDS and _kind_matches(o.obj, _POD_SPEC_KINDS[kind][0]):
                self.check_workload(o, _POD_SPEC_KINDS[kind][1])
            elif kind in _VM_KINDS and _kind_matches(o.obj, _VM_KINDS[kind][0]):
                self.check_virtual_machine(o, *_VM_KINDS[kind][1:])
            elif kind == "DataVolume" and _kind_matches(o.obj, _DATA_VOLUME_GROUPS):
                spec = self.locate(o, (), ("spec",), _DV_SPEC_KEYS)
                if spec is not None:
                    self.check_data_volume(o, spec)
            elif kind == "ServiceAccount":
                self.check_pull_secret_list(o, ("imagePullSecrets",))
            self.check_placeholders(o, o.obj, ())
        return self.findings

    def check_duplicates(self, o: _Object) -> None:
        assert o.positions is not None
        n = len(o.base)
        for path, line, column, earlier in o.positions.duplicates:
            if path[:n] != o.base:
                continue
            rel = path[n:]
            self.add(o, "duplicate-key", rel,
                     f"`{rel[-1]}` is written twice in the same mapping (lines {earlier} and {line}); Kubernetes "
                     "keeps only the last one (or rejects the object), so the earlier block is lost",
                     "merge the two blocks, or indent the misplaced one under the key it belongs to")

    def locate(self, o: _Object, base: FieldPath, expected: FieldPath, content: Sequence[str],
               also: Sequence[str] = (), fix_also: Optional[FieldPath] = None,
               why_also: str = "") -> Optional[FieldPath]:
        """Find the spec at base+expected; report spec-defining keys found at a shallower level.

        Returns the path to check: the expected one when it exists, else the
        misplaced block that holds the spec's keys (so its content is checked
        too), else None.
        """
        node = _get(o.obj, base)
        candidate: Optional[FieldPath] = None
        for i, step in enumerate(expected):
            if not isinstance(node, dict):
                break
            prefix = base + expected[:i]
            for key in tuple(content) + tuple(also):
                if key in node:
                    if key in content:
                        self.misplaced(o, prefix + (key,), base + expected + (key,),
                                       f"it belongs to the spec at {format_path(base + expected)}")
                        candidate = candidate or prefix
                    else:
                        self.misplaced(o, prefix + (key,), fix_also or base + expected + (key,), why_also)
            inner = node.get("spec")
            if step != "spec" and isinstance(inner, dict) and any(k in inner for k in content):
                self.misplaced(o, prefix + ("spec",), base + expected,
                               f"this `spec:` is not under `{step}:` (an indentation slip?), so "
                               f"{format_path(base + expected)} is missing")
                candidate = candidate or prefix + ("spec",)
            node = node.get(step)
        if isinstance(node, dict):
            return base + expected
        return candidate

    def check_table(self, o: _Object, spec_path: FieldPath, context: str) -> None:
        spec = _get(o.obj, spec_path)
        for ctx, parent, key, correct, why in _MISPLACED:
            if ctx != context:
                continue
            for at, node in _expand(spec, parent):
                if isinstance(node, dict) and key in node:
                    indexes = iter(p for p, q in zip(at, parent) if q == "*")
                    target = tuple(next(indexes, 0) if part == "*" else part for part in correct)
                    self.misplaced(o, spec_path + at + (key,), spec_path + target, why)

    # -- pods -------------------------------------------------------------------------------------
    def check_workload(self, o: _Object, expected: FieldPath) -> None:
        spec_path = self.locate(o, (), expected, _POD_SPEC_KEYS, ("imagePullSecrets",),
                                why_also="Kubernetes reads `imagePullSecrets` only on the pod spec")
        if spec_path is None:
            return
        self.check_table(o, spec_path, "pod")
        spec = _get(o.obj, spec_path)
        names = self.check_pull_secret_list(o, spec_path + ("imagePullSecrets",))
        if not names:
            account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
            names = self.accounts.get((account, o.namespace), [])
        for field_name in _CONTAINER_LISTS:
            containers = spec.get(field_name)
            if not isinstance(containers, list):
                continue
            for i, container in enumerate(containers):
                if not isinstance(container, dict):
                    continue
                at = spec_path + (field_name, i)
                for wrong in ("imagePullSecrets", "imagePullSecret"):
                    if wrong in container:
                        self.add(o, "pull-secret-in-container", at + (wrong,),
                                 f"`{wrong}` is set inside {field_name}[{i}]; Kubernetes reads pull secrets only "
                                 f"from the pod spec ({format_path(spec_path + ('imagePullSecrets',))}) and "
                                 "ignores this one",
                                 f"move it out of the container to {format_path(spec_path + ('imagePullSecrets',))}"
                                 ", as a list of {name: <secret>}")
                host = self.private_host(container.get("image"))
                if host is not None and not names:
                    self.add(o, "private-image-without-pull-secret", at + ("image",),
                             f"image {container['image']!r} is on the private registry {host}, but the pod spec has "
                             "no imagePullSecrets, so the pull will fail",
                             f"set {format_path(spec_path + ('imagePullSecrets',))} to [{{name: {self.suggest}}}]; "
                             "with the Edge Orchestrator, make the name configurable and set it to "
                             "'%GeneratedDockerCredential%' in the Profile")

    def check_pull_secret_list(self, o: _Object, path: FieldPath) -> List[str]:
        """Check an imagePullSecrets list; return the secret names it means (also those written badly)."""
        value = _get(o.obj, path)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(o, "pull-secrets-not-list", path,
                     f"imagePullSecrets is {describe_value(value, mapping='a mapping')}, not a list",
                     "write it as a list of objects: imagePullSecrets: [{name: <secret>}]")
            if isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"]:
                return [value["name"]]
            return [value] if isinstance(value, str) and value else []
        names: List[str] = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                self.add(o, "pull-secret-not-object", path + (i,),
                         f"imagePullSecrets[{i}] is the bare string {item!r}; Kubernetes expects an object "
                         "{name: <secret>} and rejects the manifest",
                         f"write it as `- name: {item}`" if item else "write it as `- name: <secret>`")
                if item:
                    names.append(item)
                    self.check_secret_ref(o, item, path + (i,))
                continue
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(item, dict) and "name" in item and name is None:
                name = ""  # `- name: {{ .Values.unset }}` renders as a null name
            if not isinstance(name, str):
                what = (f"an entry whose name is {describe_value(name)}" if isinstance(item, dict) and "name" in item
                        else describe_value(item, mapping="a mapping without a name"))
                self.add(o, "pull-secret-not-object", path + (i,),
                         f"imagePullSecrets[{i}] is {what}, not {{name: <secret>}}",
                         "write each entry as `- name: <secret>`")
            elif not name:
                self.add(o, "empty-pull-secret-name", path + (i, "name"),
                         f"imagePullSecrets[{i}] has an empty name, so no Secret is used (was the value meant to "
                         "be set by the Profile?)",
                         "set the name, e.g. to '%GeneratedDockerCredential%' in the Profile's values, or drop "
                         "the entry")
            else:
                names.append(name)
                self.check_secret_ref(o, name, path + (i, "name"))
        return names

    def check_secret_ref(self, o: _Object, name: str, path: FieldPath, namespace: Optional[str] = None) -> None:
        """Report a Secret reference that lives in another namespace, or that nobody knows."""
        if self.has_placeholder(name):
            return  # leftover-placeholder says it
        if name in self.with_chart and _is_pre_install_hook(o.obj):
            self.add(o, "hook-pull-secret-not-pre-installed", path,
                     f"this pre-install hook pulls with the generated Secret {name!r}, but that Secret is deployed "
                     "with the chart, after pre-install hooks run, so the hook's image pull fails",
                     "add '%PreHookCredential%' to the Profile's values (e.g. as the hook's pull secret) so the "
                     "Secret is deployed before the chart")
        namespace = namespace if namespace is not None else o.namespace
        records = self.secrets.get(name, [])
        if records:
            spaces = {r.namespace for r in records}
            if namespace is None or None in spaces or namespace in spaces:
                return
            there = ", ".join(sorted(s for s in spaces if s))
            which = "the generated Secret" if name in self.generated else "Secret"
            if o.pinned is not None:
                self.add(o, "namespace-mismatch", ("metadata", "namespace"),
                         f"{which} {name!r} lives in namespace {there}, but this {o.kind} is pinned to namespace "
                         f"{o.pinned!r} (metadata.namespace), where that Secret does not exist; Secrets are "
                         "namespaced, so the pull fails",
                         f"remove the hard-coded metadata.namespace so the object is installed in {there}, or "
                         f"provide the Secret in {o.pinned!r}")
            else:
                self.add(o, "namespace-mismatch", path,
                         f"{which} {name!r} lives in namespace {there}, but this {o.kind} is installed in "
                         f"namespace {namespace!r}; Secrets are namespaced, so the pull fails",
                         f"install the release in {there}, or provide the Secret in {namespace!r}")
            return
        if name in self.known:
            return
        self.add(o, "unknown-pull-secret", path,
                 f"Secret {name!r} is neither the generated pull Secret, nor a given one, nor in the manifests",
                 "use '%GeneratedDockerCredential%' in the Profile for the application's registry, add the Secret "
                 "to the chart, or declare it (pull_secrets=...) when it is created outside the chart")

    # -- KubeVirt ---------------------------------------------------------------------------------
    def check_virtual_machine(self, o: _Object, expected: FieldPath, templates: Optional[FieldPath]) -> None:
        spec_path = self.locate(o, (), expected, _VM_SPEC_KEYS, ("imagePullSecrets",),
                                fix_also=expected + ("volumes", 0, "containerDisk", "imagePullSecret"),
                                why_also=_VM_PULL_SECRETS_WHY)
        if spec_path is not None:
            self.check_vm_spec(o, spec_path)
        if templates is None:
            return
        items = _get(o.obj, templates)
        free = None
        if isinstance(items, list):
            for i, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                if free is None and not isinstance(item.get("spec"), dict):
                    free = i
                dv = self.locate(o, templates + (i,), ("spec",), _DV_SPEC_KEYS)
                if dv is not None:
                    self.check_data_volume(o, dv)
        # a DataVolume spec that slipped out of its template, to the level of dataVolumeTemplates
        parent = templates[:-1]
        stray = _get(o.obj, parent + ("spec",))
        if isinstance(stray, dict) and any(k in stray for k in _DV_SPEC_KEYS) \
                and not any(k in stray for k in _VM_SPEC_KEYS):
            index = free if free is not None else (len(items) if isinstance(items, list) else 0)
            self.misplaced(o, parent + ("spec",), templates + (index, "spec"),
                           f"this DataVolume spec is not inside its {templates[-1]} entry (an indentation slip?)")
            self.check_data_volume(o, parent + ("spec",))

    def check_vm_spec(self, o: _Object, spec_path: FieldPath) -> None:
        self.check_table(o, spec_path, "vm")
        volumes = _get(o.obj, spec_path + ("volumes",))
        if not isinstance(volumes, list):
            return
        for i, volume in enumerate(volumes):
            disk = volume.get("containerDisk") if isinstance(volume, dict) else None
            if not isinstance(disk, dict):
                continue
            at = spec_path + ("volumes", i, "containerDisk")
            secret = disk.get("imagePullSecret")
            self.check_named_secret(o, disk, "imagePullSecret", at + ("imagePullSecret",),
                                    "containerDisk.imagePullSecret", "KubeVirt",
                                    "write `imagePullSecret: <secret>` (not a list of {name: ...} as for pods)")
            host = self.private_host(disk.get("image"))
            if host is not None and (secret is None or secret == ""):
                self.add(o, "containerdisk-missing-pull-secret", at + ("imagePullSecret",),
                         f"containerDisk image {disk['image']!r} is on the private registry {host}, but the "
                         "containerDisk has no imagePullSecret",
                         f"set {format_path(at + ('imagePullSecret',))} to the Secret's name (with the Edge "
                         "Orchestrator: '%GeneratedDockerCredential%' in the Profile)")

    def check_named_secret(self, o: _Object, holder: Mapping[str, Any], key: str, path: FieldPath, what: str,
                           reader: str, fix: str) -> bool:
        """Check a field that names one Secret (a VM disk's or a DataVolume's); True when it names one."""
        secret = holder.get(key)
        if secret is not None and not isinstance(secret, str):
            self.add(o, "pull-secret-not-string", path,
                     f"{what} is {describe_value(secret, mapping='a mapping')}; {reader} expects the name of one "
                     "Secret, a string", fix)
            return False
        if isinstance(secret, str) and secret:
            self.check_secret_ref(o, secret, path)
            return True
        if secret == "" or (secret is None and key in holder):
            self.add(o, "empty-pull-secret-name", path,
                     f"{what} is empty, so no Secret is used (was the value meant to be set by the Profile?)",
                     "set it, e.g. to '%GeneratedDockerCredential%' in the Profile's values")
        return False

    # -- CDI ----------------------------------------------------------------------------------------
    def check_data_volume(self, o: _Object, spec_path: FieldPath) -> None:
        self.check_table(o, spec_path, "dv")
        registry_path = spec_path + ("source", "registry")
        registry = _get(o.obj, registry_path)
        if not isinstance(registry, dict):
            return
        url = registry.get("url")
        host = None
        if not isinstance(url, str) or not url:
            if not registry.get("imageStream"):
                self.add(o, "datavolume-url-scheme", registry_path + ("url",),
                         "source.registry has no url" if url in (None, "") else
                         f"source.registry.url is {describe_value(url)}, not a URL",
                         "set source.registry.url to docker://<host>/<image>:<tag>")
        elif url.startswith(_CDI_SCHEMES):
            if url.startswith("docker://"):
                host = self.private_host(url)
        else:
            bare = _SCHEME.sub("", url, count=1)
            self.add(o, "datavolume-url-scheme", registry_path + ("url",),
                     f"registry url {url!r} does not start with docker:// or oci-archive://, so CDI cannot import it",
                     f"write it as {'docker://' + bare!r}")
            host = self.private_host(bare)
        secret = registry.get("secretRef")
        if self.check_named_secret(o, registry, "secretRef", registry_path + ("secretRef",),
                                   "source.registry.secretRef", "CDI", "write `secretRef: <secret>`"):
            self.check_cdi_keys(o, str(secret), registry_path + ("secretRef",))
        if host is not None and not secret:
            self.add(o, "datavolume-missing-secret-ref", registry_path + ("secretRef",),
                     f"the DataVolume imports {url!r} from the private registry {host}, but source.registry has no "
                     "secretRef",
                     f"set {format_path(registry_path + ('secretRef',))} to a Secret holding accessKeyId and "
                     "secretKey (the generated one does: '%GeneratedDockerCredential%' in the Profile)")
        if "certConfigMap" in registry:
            self.check_cert_config_map(o, registry.get("certConfigMap"), registry_path + ("certConfigMap",))

    def check_cdi_keys(self, o: _Object, name: str, path: FieldPath) -> None:
        for record in self.secrets.get(name, []):
            if o.namespace is not None and record.namespace is not None and record.namespace != o.namespace:
                continue
            missing = [k for k in _CDI_KEYS if k not in record.data]
            if missing:
                self.add(o, "secret-missing-cdi-keys", path,
                         f"Secret {name!r} (in the {record.where}) has no "
                         f"{' or '.join(missing)}; CDI reads the registry "
                         "credentials from accessKeyId and secretKey",
                         "add accessKeyId (user) and secretKey (password) to the Secret, or use the generated Secret "
                         "('%GeneratedDockerCredential%'), which has them")
            return

    def check_cert_config_map(self, o: _Object, name: Any, path: FieldPath) -> None:
        if not isinstance(name, str) or not name:
            self.add(o, "cert-configmap-missing", path,
                     f"certConfigMap is {describe_value(name, mapping='a mapping') if name != '' else 'empty'}, "
                     "not the name of a ConfigMap",
                     "name the ConfigMap holding the registry's CA certificate (PEM, key ca.crt)")
            return
        if self.has_placeholder(name):
            return
        ns = o.namespace
        if name in self.external or (ns is not None and f"{ns}/{name}" in self.external):
            return
        records = self.config_maps.get(name, [])
        here = [r for r in records if ns is None or r.namespace is None or r.namespace == ns]
        if not here:
            elsewhere = sorted({r.namespace for r in records if r.namespace})
            where = (f"it exists only in namespace {', '.join(elsewhere)}, not in {ns!r}" if elsewhere
                     else "it is in neither the manifests nor the render")
            self.add(o, "cert-configmap-missing", path,
                     f"certConfigMap {name!r} names no ConfigMap in the DataVolume's namespace: {where}",
                     "add the ConfigMap (data key ca.crt with the registry's PEM CA certificate) to the chart in the "
                     "same namespace, or declare it external (external_config_maps=...) when it is created "
                     "outside the chart")
            return
        record = here[0]
        with_certs = [k for k, v in record.data.items() if isinstance(v, str) and _certificates(v)]
        if not with_certs:
            self.add(o, "cert-configmap-no-certificate", path,
                     f"ConfigMap {name!r} holds no parseable PEM certificate (keys: "
                     f"{', '.join(sorted(record.data)) or 'none'})",
                     "put the registry's CA certificate, PEM text from -----BEGIN CERTIFICATE----- to "
                     "-----END CERTIFICATE-----, under the key ca.crt")
        elif "ca.crt" not in with_certs:
            self.add(o, "cert-configmap-key", path,
                     f"ConfigMap {name!r} holds its certificate under {', '.join(sorted(with_certs))}, not ca.crt; "
                     "CDI reads every key, so this works, but the documentation uses ca.crt",
                     "nothing to do; rename the key to ca.crt to match the documentation")

    # -- placeholders -----------------------------------------------------------------------------
    def check_placeholders(self, o: _Object, node: Any, path: FieldPath) -> None:
        if isinstance(node, str):
            if "%" in node:
                self.report_placeholders(o, node, path, "value")
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and "%" in key:
                    self.report_placeholders(o, key, path + (key,), "key")
                self.check_placeholders(o, value, path + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                self.check_placeholders(o, value, path + (i,))

    def report_placeholders(self, o: _Object, text: str, path: FieldPath, what: str) -> None:
        hits = list(self.placeholders.scan(text))
        if not hits:
            return
        known = [f"%{h.name}%" for h in hits if h.known]
        near = [(text[h.start:h.end], h.suggestion) for h in hits if not h.known]
        parts = []
        if known:
            parts.append(f"placeholder {', '.join(known)} was not substituted in this {what}")
        if near:
            parts.append(", ".join(f"{t!r} in this {what} looks like a misspelt %{s}%" for t, s in near))
        fixes = []
        if near:
            fixes.append(", ".join(f"write '%{s}%'" for _, s in near) +
                         " (case-sensitive, with a % on each side)")
        fixes.append("set placeholders only in the Profile's chart values (never in the chart's values.yaml or "
                     "templates) and deploy through the orchestrator or profile-render render")
        self.add(o, "leftover-placeholder", path,
                 f"{'; '.join(parts)}; Kubernetes would get the text literally", "; ".join(fixes))


def _objects(items: List[Tuple[Any, Optional[Positions]]], release: Optional[str]) -> List[_Object]:
    out: List[_Object] = []
    for document, (obj, positions) in enumerate(items):
        if obj is None:
            continue
        if not isinstance(obj, dict):
            raise ManifestError(f"document {document} is {describe_value(obj, mapping='a mapping')}, "
                                "not a Kubernetes object",
                                hint="pass Kubernetes objects (dicts with apiVersion, kind, metadata)")
        members: List[Tuple[Dict[str, Any], FieldPath]] = [(obj, ())]
        if obj.get("kind") == "List" and isinstance(obj.get("items"), list):
            members = [(item, ("items", i)) for i, item in enumerate(obj["items"]) if isinstance(item, dict)]
        for member, base in members:
            meta = _mapping(member, "metadata")
            name = meta.get("name")
            pinned = meta.get("namespace") if isinstance(meta.get("namespace"), str) and meta.get("namespace") \
                else None
            kind = member.get("kind")
            out.append(_Object(document, member, base, positions, kind if isinstance(kind, str) else "",
                               name if isinstance(name, str) else "", pinned, pinned or release))
    return out


def check_manifests(
    manifests: Union[str, bytes, bytearray, Sequence[Any]],
    *,
    private_registries: Iterable[str] = (),
    pull_secrets: Iterable[str] = (),
    external_config_maps: Iterable[str] = (),
    render: Any = None,
    namespace: Optional[str] = None,
    source: Optional[str] = None,
) -> List[ManifestFinding]:
    """Check rendered manifests for pull-secret, DataVolume, namespace and placeholder problems.

    ``manifests`` is YAML text/bytes (read with :func:`read_manifests`, named
    ``source``), a list of object dicts, or a list of (dict, :class:`Positions`)
    pairs as :func:`read_manifests` returns. ``private_registries`` are registry
    hosts (``host[:port]``, URLs accepted) whose images need a pull secret;
    ``pull_secrets`` are Secret names created outside the manifests;
    ``external_config_maps`` are ConfigMap names (``name`` or
    ``namespace/name``) created outside them. ``render`` is a
    :class:`~profile_render.render.RenderResult`, its ``to_dict()`` form, or a
    ``{"applications": {...}}`` package render: the registry hosts of its pull
    Secret, its Secret and ConfigMap objects, the generated Secret's name and
    namespace are then used too. ``namespace`` is the release namespace
    (objects without ``metadata.namespace`` live there); it defaults to the
    generated Secret's namespace when there is one. Findings come in document
    order, and in text order within a document when positions are known.
    """
    if isinstance(manifests, (str, bytes, bytearray)):
        items: List[Tuple[Any, Optional[Positions]]] = list(
            read_manifests(manifests, source=source or "<stdin>"))
    else:
        items = []
        for entry in manifests:
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Positions):
                items.append((entry[0], entry[1]))
            else:
                items.append((entry, None))
    for group in (private_registries, pull_secrets, external_config_maps):
        if isinstance(group, str):
            raise TypeError("private_registries, pull_secrets and external_config_maps take lists of names")
    facts = _gather_render(render)
    private = set(facts.hosts)
    for entry in private_registries:
        host = _registry_host(entry)
        if host is None:
            raise ValueError(f"{entry!r} is not a registry host (host[:port] or a URL)")
        private.add(host)
    if namespace is None:
        spaces = {ns for _, ns in facts.generated if ns}
        namespace = spaces.pop() if len(spaces) == 1 else None
    objects = _objects(items, namespace)
    checker = _Checker(objects, facts, private, set(pull_secrets), set(external_config_maps), namespace, source)
    findings = checker.run()
    return sorted(findings, key=lambda f: (f.document, f.line or 0, f.column or 0))
