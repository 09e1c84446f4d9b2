"""What every manifest rule can ask: the objects under check and the inventory of one check run.

:class:`CheckContext` is built once per :func:`~profile_render.checks.manifests.check_manifests`
call from the render's facts and the manifests themselves: which registry hosts
are private, which Secrets, ConfigMaps and ServiceAccounts exist (and in which
namespace), which Secret names are known, generated, or deployed with the
chart. Rules only read it; nothing is shared between runs.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from profile_render.checks.images import parse_image_reference
from profile_render.checks.read import ManifestError, Positions
from profile_render.checks.render_facts import NamedObject, RenderFacts
from profile_render.checks.tree import FieldPath, mapping_of
from profile_render.errors import describe_value

__all__ = ["ObjectView", "CheckContext", "objects_of", "api_group", "kind_matches", "is_pre_install_hook", "data_of"]


@dataclass
class ObjectView:
    """One Kubernetes object under check (a document, or an item of a ``kind: List``).

    ``base`` is the path of the object inside its document (``("items", 2)``
    for a List item, else empty); ``pinned`` its ``metadata.namespace`` as
    written; ``namespace`` where it lives (None when unknown).
    """

    document: int
    obj: Dict[str, Any]
    base: FieldPath
    positions: Optional[Positions]
    kind: str
    name: str
    pinned: Optional[str]
    namespace: Optional[str]


def objects_of(items: List[Tuple[Any, Optional[Positions]]], release: Optional[str]) -> List[ObjectView]:
    """The objects of the documents (List items one by one); objects without a namespace live in ``release``."""
    out: List[ObjectView] = []
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
            meta = mapping_of(member, "metadata")
            name = meta.get("name")
            pinned = meta.get("namespace") if isinstance(meta.get("namespace"), str) and meta.get("namespace") \
                else None
            kind = member.get("kind")
            out.append(ObjectView(document, member, base, positions, kind if isinstance(kind, str) else "",
                                  name if isinstance(name, str) else "", pinned, pinned or release))
    return out


def api_group(api_version: Any) -> Optional[str]:
    """The API group of an ``apiVersion`` ("" for the core group), or None when there is none."""
    if not isinstance(api_version, str) or not api_version:
        return None
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def kind_matches(obj: Mapping[str, Any], groups: Sequence[str]) -> bool:
    """Whether an object's API group is one of ``groups`` (an object without apiVersion matches by kind alone)."""
    group = api_group(obj.get("apiVersion"))
    return group is None or group in groups


def is_pre_install_hook(obj: Mapping[str, Any]) -> bool:
    """Whether an object is a Helm pre-install hook (runs before the chart's other objects exist)."""
    hooks = mapping_of(mapping_of(obj, "metadata"), "annotations").get("helm.sh/hook")
    return isinstance(hooks, str) and "pre-install" in [h.strip() for h in hooks.split(",")]


def data_of(obj: Mapping[str, Any]) -> Dict[str, Any]:
    """A Secret's or ConfigMap's ``binaryData``, ``data`` and ``stringData`` merged (binaryData decoded)."""
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


class CheckContext:
    """The inventory of one check run, gathered up front from the render and the manifests."""

    def __init__(self, objects: List[ObjectView], facts: RenderFacts, private: Set[str], pull_secrets: Set[str],
                 external: Set[str], release: Optional[str], source: Optional[str]) -> None:
        from profile_render.orchestrator.placeholders import Placeholders

        self.objects = objects
        self.private = private
        self.generated = {name for name, _ in facts.generated}
        self.known = pull_secrets | self.generated
        self.with_chart = set(facts.with_chart)
        #: The Secret name a fix suggests: the generated one when there is exactly one.
        self.suggest = next(iter(self.generated)) if len(self.generated) == 1 else "<secret>"
        self.external = external
        self.release = release
        self.source = source
        self.placeholders = Placeholders()
        self.secrets: Dict[str, List[NamedObject]] = {}
        self.config_maps: Dict[str, List[NamedObject]] = {}
        self.accounts: Dict[Tuple[str, Optional[str]], List[str]] = {}
        for obj in facts.objects:
            self._register(obj, self._namespace_of(obj), "render")
        for o in objects:
            self._register(o.obj, o.namespace, "manifests")

    def _namespace_of(self, obj: Mapping[str, Any]) -> Optional[str]:
        meta = obj.get("metadata")
        ns = meta.get("namespace") if isinstance(meta, dict) else None
        return ns if isinstance(ns, str) and ns else self.release

    def _register(self, obj: Mapping[str, Any], namespace: Optional[str], where: str) -> None:
        kind = obj.get("kind")
        meta = obj.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if not isinstance(name, str) or not name or not kind_matches(obj, ("",)):
            return
        if kind == "Secret":
            self.secrets.setdefault(name, []).append(NamedObject(name, namespace, data_of(obj), where))
        elif kind == "ConfigMap":
            self.config_maps.setdefault(name, []).append(NamedObject(name, namespace, data_of(obj), where))
        elif kind == "ServiceAccount" and isinstance(obj.get("imagePullSecrets"), list):
            names = [e.get("name") if isinstance(e, dict) else e for e in obj["imagePullSecrets"]]
            self.accounts[(name, namespace)] = [n for n in names if isinstance(n, str) and n]

    def private_host(self, reference: Any) -> Optional[str]:
        """The registry host of an image reference when that host is private, else None."""
        ref = parse_image_reference(reference) if isinstance(reference, str) else None
        return ref.host if ref is not None and ref.host in self.private else None

    def has_placeholder(self, text: str) -> bool:
        """Whether ``text`` holds a placeholder (leftover-placeholder reports those; other rules skip them)."""
        return "%" in text and self.placeholders.contains(text)
