"""What a render tells the manifest checks: private registry hosts, the generated Secret, its objects.

A render is a :class:`~profile_render.rendering.RenderResult`, its ``to_dict()``
form, or a package render (``{"applications": {...}}``); see
:func:`~profile_render.checks.manifests.check_manifests`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Set, Tuple

from profile_render.checks.images import DOCKER_HUB, SCHEME, registry_host
from profile_render.checks.tree import mapping_of

__all__ = ["NamedObject", "RenderFacts", "render_items", "auths_hosts", "gather_render", "hosts_in_values"]


@dataclass
class NamedObject:
    """A Secret or ConfigMap present in the render or the manifests."""

    name: str
    namespace: Optional[str]  # None: the release namespace, unknown
    data: Dict[str, Any]      # data, stringData and binaryData merged (values as given)
    where: str                # "render" or "manifests"


@dataclass
class RenderFacts:
    """What the render tells: private registry hosts, the generated Secret(s) and the objects it adds."""

    hosts: Set[str] = field(default_factory=set)
    generated: List[Tuple[str, Optional[str]]] = field(default_factory=list)  # (name, namespace)
    with_chart: Set[str] = field(default_factory=set)  # generated Secrets deployed with the chart, not before it
    objects: List[Dict[str, Any]] = field(default_factory=list)
    inferred_values: List[Any] = field(default_factory=list)  # values of renders whose Secret is masked


def render_items(render: Any) -> Iterator[Any]:
    """Flatten the accepted render forms into RenderResult objects and render dicts."""
    if render is None:
        return
    if isinstance(render, Mapping):
        apps = render.get("applications")
        if isinstance(apps, Mapping) and not ({"manifests", "values"} & set(render)):
            for item in apps.values():
                yield from render_items(item)
            return
        if {"manifests", "preInstallManifests", "secretName", "values"} & set(render):
            yield render
            return
        raise TypeError("render must be a RenderResult, its to_dict() form, or {'applications': {...}}")
    if isinstance(render, (list, tuple)):
        for item in render:
            yield from render_items(item)
        return
    if hasattr(render, "manifests") and hasattr(render, "pre_install_manifests"):
        yield render
        return
    apps = getattr(render, "applications", None)
    if isinstance(apps, Mapping):
        for item in apps.values():
            yield from render_items(item)
        return
    raise TypeError("render must be a RenderResult, its to_dict() form, or {'applications': {...}}")


def auths_hosts(secret: Mapping[str, Any]) -> Optional[Set[str]]:
    """The registry hosts of a docker-config Secret, or None when its data cannot be read (masked)."""
    data, string_data = mapping_of(secret, "data"), mapping_of(secret, "stringData")
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
        return {h for h in (registry_host(k) for k in auths) if h}
    return None


def gather_render(render: Any) -> RenderFacts:
    """What a render (any form :func:`render_items` accepts) tells the checks: hosts, Secrets, objects."""
    facts = RenderFacts()
    for item in render_items(render):
        if isinstance(item, Mapping):
            main, before = list(item.get("manifests") or []), list(item.get("preInstallManifests") or [])
            secret_name, values = item.get("secretName"), item.get("values")
        else:
            main, before = list(item.manifests), list(item.pre_install_manifests)
            secret_name, values = item.secret_name, item.values
        objects = main + before
        if secret_name is not None and any(
                isinstance(o, dict) and o.get("kind") == "Secret" and mapping_of(o, "metadata").get("name") == secret_name
                for o in main):
            facts.with_chart.add(secret_name)
        facts.objects.extend(o for o in objects if isinstance(o, dict))
        masked = False
        for obj in objects:
            if not isinstance(obj, dict) or obj.get("kind") != "Secret":
                continue
            meta = mapping_of(obj, "metadata")
            if secret_name is not None and meta.get("name") == secret_name:
                facts.generated.append((secret_name, meta.get("namespace") or None))
            if str(obj.get("type", "")).startswith("kubernetes.io/dockerc"):
                hosts = auths_hosts(obj)
                if hosts is None:
                    masked = True
                else:
                    facts.hosts |= hosts
        if secret_name is not None and not any(n == secret_name for n, _ in facts.generated):
            facts.generated.append((secret_name, None))
        if masked:
            facts.inferred_values.append(values)
    for values in facts.inferred_values:
        facts.hosts |= hosts_in_values(values)
    return facts


IMAGE_KEY = re.compile(r"image|repo|registry", re.I)


def hosts_in_values(values: Any, key: str = "") -> Set[str]:
    """Registry hosts named by image-like values (used only when the generated Secret's data is masked)."""
    found: Set[str] = set()
    if isinstance(values, dict):
        for k, v in values.items():
            found |= hosts_in_values(v, str(k))
    elif isinstance(values, list):
        for v in values:
            found |= hosts_in_values(v, key)
    elif isinstance(values, str) and (IMAGE_KEY.search(key) or values.startswith(("oci://", "docker://"))):
        host: Optional[str] = None
        first, slash, _rest = values.partition("/")
        if SCHEME.match(values):
            host = registry_host(values)
        elif slash and ("." in first or ":" in first or first == "localhost" or first.startswith("[")):
            host = registry_host(values)  # host[:port]/path...
        elif not slash and "." in values:
            host = registry_host(values)  # a bare "registry.example.com[:port]" (not "nginx:1.25")
        if host and host != DOCKER_HUB:
            found.add(host)
    return found
