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
from profile_render.errors import describe_value

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


_RENDER_KEYS = ("values", "manifests", "preInstallManifests", "secretName")
_RENDER_HINT = "pass a render as `profile-render render -o json` or `package render -o json` writes it"


def _shape_error(found: Any, expected: str, path: Tuple[Any, ...], source: Optional[str],
                 what: Optional[str] = None) -> Exception:
    """The error for ``found`` at ``path`` where ``expected`` belongs (the path goes in the error, not the text)."""
    from profile_render.checks.inputs import RenderShapeError

    what = what or describe_value(found, mapping="an object")
    problem = (f"the render has {what} where {expected} belongs" if path else
               f"the render is {what}, not {expected}")
    return RenderShapeError(problem, source=source, path=path or None, hint=_RENDER_HINT)


def render_items(render: Any, source: Optional[str] = None) -> Iterator[Any]:
    """Flatten the accepted render forms into RenderResult objects and (shape-checked) render dicts.

    Plain data (a render's ``to_dict()`` form, ``{"applications": {...}}``, a
    list of them, as read from JSON) that does not have a render's shape is a
    :class:`~profile_render.checks.inputs.CheckInputError` at its value path
    (``source`` names the input); an object of another type is a TypeError.
    """
    if render is None:
        return
    stack: List[Tuple[Any, Tuple[Any, ...]]] = [(render, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, Mapping):
            apps = item.get("applications")
            if "applications" in item and not ({"manifests", "values"} & set(item)):
                if not isinstance(apps, Mapping):
                    raise _shape_error(apps, "an object of renders by application name", path + ("applications",),
                                       source)
                stack.extend((sub, path + ("applications", name)) for name, sub in reversed(list(apps.items())))
            elif set(_RENDER_KEYS) & set(item):
                _check_render_dict(item, path, source)
                yield item
            else:
                raise _shape_error(item, "a render", path, source,
                                   what="an object without a render's fields (values, manifests, preInstallManifests, "
                                        "secretName) or applications")
        elif isinstance(item, (list, tuple)):
            stack.extend((sub, path + (i,)) for i, sub in reversed(list(enumerate(item))))
        elif hasattr(item, "manifests") and hasattr(item, "pre_install_manifests"):
            yield item
        elif isinstance(getattr(item, "applications", None), Mapping):
            stack.extend((sub, path + (name,)) for name, sub in reversed(list(item.applications.items())))
        elif item is None or isinstance(item, (str, int, float)):  # JSON scalars, bool included
            raise _shape_error(item, "a render (an object)", path, source)
        else:
            raise TypeError("render must be a RenderResult, its to_dict() form, or {'applications': {...}}")


def _check_render_dict(item: Mapping[str, Any], path: Tuple[Any, ...], source: Optional[str]) -> None:
    """The fields of a render dict that the checks read have the types a render gives them.

    An item of ``manifests`` that is not an object is skipped, not refused.
    """
    name = item.get("secretName")
    if name is not None and not isinstance(name, str):
        raise _shape_error(name, "the generated Secret's name (a string)", path + ("secretName",), source)
    for field_name in ("manifests", "preInstallManifests"):
        objects = item.get(field_name)
        if objects is None:
            continue
        if not isinstance(objects, list):
            raise _shape_error(objects, "a list of Kubernetes objects", path + (field_name,), source)
        for i, obj in enumerate(objects):
            at = path + (field_name, i)
            if not isinstance(obj, Mapping):
                continue  # skipped, as the checks skip a document that is not an object
            for key in ("kind", "type", "apiVersion"):
                if obj.get(key) is not None and not isinstance(obj[key], str):
                    raise _shape_error(obj[key], "a string", at + (key,), source)
            meta = obj.get("metadata")
            if meta is None:
                continue
            if not isinstance(meta, Mapping):
                raise _shape_error(meta, "an object (the metadata)", at + ("metadata",), source)
            for key in ("name", "namespace"):
                if meta.get(key) is not None and not isinstance(meta[key], str):
                    raise _shape_error(meta[key], "a string", at + ("metadata", key), source)


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


def gather_render(render: Any, source: Optional[str] = None) -> RenderFacts:
    """What a render (any form :func:`render_items` accepts) tells the checks: hosts, Secrets, objects."""
    facts = RenderFacts()
    for item in render_items(render, source):
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
            kind = obj.get("type")
            if isinstance(kind, str) and kind.startswith("kubernetes.io/dockerc"):
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
    """Registry hosts named by image-like values (used only when the generated Secret's data is masked).

    The walk keeps its own stack, so values of any depth are fine.
    """
    found: Set[str] = set()
    stack: List[Tuple[Any, str]] = [(values, key)]
    while stack:
        node, name = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, str(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, name) for v in node)
        elif isinstance(node, str):
            host = _value_host(node, name)
            if host and host != DOCKER_HUB:
                found.add(host)
    return found


def _value_host(value: str, key: str) -> Optional[str]:
    """The registry host an image-like value names, if any."""
    if not (IMAGE_KEY.search(key) or value.startswith(("oci://", "docker://"))):
        return None
    first, slash, _rest = value.partition("/")
    if SCHEME.match(value):
        return registry_host(value)
    if slash and ("." in first or ":" in first or first == "localhost" or first.startswith("[")):
        return registry_host(value)  # host[:port]/path...
    if not slash and "." in value:
        return registry_host(value)  # a bare "registry.example.com[:port]" (not "nginx:1.25")
    return None
