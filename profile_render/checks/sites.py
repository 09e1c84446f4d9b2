"""Where manifest rules look: the places (sites) the driver finds in each object, and where specs live per kind.

The driver (:mod:`profile_render.checks.driver`) walks each object and hands
each site to the rules that check that kind of site, the way a linter hands
tokens to its rules. Every site is a :class:`Site`: the object it is in
(``obj``) and the field path of what it stands for (``path``).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, Optional, Tuple

from profile_render.checks.context import ObjectView
from profile_render.checks.tree import FieldPath

__all__ = [
    "POD_SPEC_KINDS", "VM_KINDS", "DATA_VOLUME_GROUPS", "CONTAINER_LISTS", "POD_SPEC_KEYS", "VM_SPEC_KEYS",
    "DV_SPEC_KEYS", "VM_PULL_SECRETS_WHY",
    "Site", "ObjectSite", "Misplacement", "SpecSite", "PullSecretList", "PullSecretEntry", "SecretField", "SecretReference",
    "Container", "ContainerDisk", "RegistryUrl", "RegistryImport", "CertConfigMapRef", "Text",
]

_POD_TEMPLATE_SPEC = ("spec", "template", "spec")

#: kind -> (API groups, path of the pod spec). "" is the core group.
POD_SPEC_KINDS: Mapping[str, Tuple[Tuple[str, ...], FieldPath]] = MappingProxyType({
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
VM_KINDS: Mapping[str, Tuple[Tuple[str, ...], FieldPath, Optional[FieldPath]]] = MappingProxyType({
    "VirtualMachine": (("kubevirt.io",), ("spec", "template", "spec"), ("spec", "dataVolumeTemplates")),
    "VirtualMachineInstance": (("kubevirt.io",), ("spec",), None),
    "VirtualMachineInstanceReplicaSet": (("kubevirt.io",), ("spec", "template", "spec"), None),
    "VirtualMachinePool": (("pool.kubevirt.io",), ("spec", "virtualMachineTemplate", "spec", "template", "spec"),
                           ("spec", "virtualMachineTemplate", "spec", "dataVolumeTemplates")),
})

DATA_VOLUME_GROUPS = ("cdi.kubevirt.io",)
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

# Keys that identify a spec when they turn up at the wrong level.
POD_SPEC_KEYS = ("containers", "initContainers", "ephemeralContainers")
VM_SPEC_KEYS = ("domain", "volumes")
DV_SPEC_KEYS = ("source", "sourceRef", "pvc", "storage")

VM_PULL_SECRETS_WHY = ("KubeVirt has no `imagePullSecrets`; each containerDisk names its Secret in `imagePullSecret` "
                       "(and a DataVolume in `source.registry.secretRef`)")


@dataclass(frozen=True)
class Site:
    """A place rules check: the object it is in and the field path of what it stands for."""

    obj: ObjectView
    path: FieldPath


@dataclass(frozen=True)
class ObjectSite(Site):
    """An object as a whole (``path`` is empty); the first site of every object."""


@dataclass(frozen=True)
class Misplacement(Site):
    """A field found at ``path``, where its reader does not look; it belongs at ``correct`` (``why`` says so)."""

    correct: FieldPath
    why: str


@dataclass(frozen=True)
class SpecSite(Site):
    """A pod spec (``context`` "pod"), VMI spec ("vm") or DataVolume spec ("dv")."""

    context: str


@dataclass(frozen=True)
class PullSecretList(Site):
    """An ``imagePullSecrets`` field (of a pod spec or a ServiceAccount) as written, whatever its shape."""

    value: Any


@dataclass(frozen=True)
class PullSecretEntry(Site):
    """Item ``index`` of an ``imagePullSecrets`` list."""

    index: int
    item: Any

    @property
    def name(self) -> Any:
        """The Secret name the entry means: its ``name`` ("" for a null one, as a template leaves it), or None.

        A bare string is not an entry Kubernetes accepts, so it means no name here.
        """
        if not isinstance(self.item, dict):
            return None
        if "name" in self.item and self.item["name"] is None:
            return ""  # `- name: {{ .Values.unset }}` renders as a null name
        return self.item.get("name")


@dataclass(frozen=True)
class SecretField(Site):
    """A field naming one Secret (``containerDisk.imagePullSecret``, a DataVolume's ``secretRef``).

    ``holder`` is the mapping holding ``key``; ``what`` names the field in
    messages, ``reader`` the component that reads it, ``fix`` how to write it.
    """

    holder: Mapping[str, Any]
    key: str
    what: str
    reader: str
    fix: str


@dataclass(frozen=True)
class SecretReference(Site):
    """A Secret name an object pulls with; ``reader`` is "Kubernetes", "KubeVirt" or "CDI"."""

    name: str
    reader: str


@dataclass(frozen=True)
class Container(Site):
    """Container ``index`` of the pod spec's ``field`` list (the pod spec at ``spec_path``).

    ``pull_secrets`` are the names the pod pulls with: the pod spec's (also
    when written badly) or, without any, its ServiceAccount's.
    """

    spec_path: FieldPath
    field: str
    index: int
    container: Mapping[str, Any]
    pull_secrets: Tuple[str, ...]


@dataclass(frozen=True)
class ContainerDisk(Site):
    """A KubeVirt volume's ``containerDisk``."""

    disk: Mapping[str, Any]


@dataclass(frozen=True)
class RegistryUrl(Site):
    """A DataVolume's ``source.registry``, for its ``url``; checked before its Secret."""

    registry: Mapping[str, Any]


class RegistryImport(RegistryUrl):
    """The same ``source.registry`` as an import that may need credentials; checked after its Secret.

    A site type of its own (rules are picked by the exact type), so its rules
    run after the Secret's.
    """


@dataclass(frozen=True)
class CertConfigMapRef(Site):
    """A DataVolume registry's ``certConfigMap``, with the name as written."""

    name: Any


@dataclass(frozen=True)
class Text(Site):
    """A string value (``what`` "value") or mapping key ("key") holding a ``%``."""

    text: str
    what: str
