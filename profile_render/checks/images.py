"""Container image references and registry hosts, parsed as Docker parses them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

__all__ = ["DOCKER_HUB", "SCHEME", "ImageReference", "parse_image_reference", "registry_host", "normalize_host",
           "valid_host", "without_userinfo"]

DOCKER_HUB = "docker.io"
DOCKER_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
#: A URL scheme prefix such as ``docker://``.
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


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


def valid_host(host: str) -> bool:
    """Whether ``host`` is a registry ``host[:port]`` (a name, an IPv4 address or a bracketed IPv6 address)."""
    if not _HOST.fullmatch(host):
        return False
    if host.startswith("["):
        import ipaddress

        try:
            ipaddress.IPv6Address(host[1:host.index("]")].split("%", 1)[0])
        except ValueError:
            return False
    return True


def normalize_host(host: str) -> str:
    """The host as registries compare: lower-case, without ``:443``, Docker Hub's aliases as ``docker.io``."""
    host = host.lower()
    if host.endswith(":443"):
        host = host[:-4]
    return DOCKER_HUB if host in DOCKER_HUB_ALIASES else host


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
    host = DOCKER_HUB
    first, slash, rest = text.partition("/")
    if slash and (first.startswith("[") or "." in first or ":" in first or first == "localhost"):
        if not valid_host(first):
            return None
        host = normalize_host(first)
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
    if host == DOCKER_HUB and len(components) == 1:
        text = "library/" + text
    return ImageReference(host, text, tag, digest)


_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*://)?)[^/@]*@")


def without_userinfo(url: str) -> str:
    """``url`` with any ``user:password@`` before its host replaced by ``****@``, to quote it safely."""
    return _USERINFO.sub(r"\1****@", url, count=1)


def registry_host(text: str) -> Optional[str]:
    """The host[:port] of a registry given as a URL, ``host[:port][/path]`` or an auths key."""
    if not isinstance(text, str) or not text.strip():
        return None
    rest = SCHEME.sub("", text.strip(), count=1)
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    if not host or not valid_host(host):
        return None
    return normalize_host(host)
