"""Generated objects: the image-pull Secret, the registry CA ConfigMap, and their names.

The Secret follows the reference orchestrator: type
``kubernetes.io/dockerconfigjson`` in the application's namespace, named by
the reference's bundle-name algorithm, with ``.dockerconfigjson`` (``auths``
keyed by the registry's host[:port]), ``accessKeyId`` and ``secretKey`` (the
keys a CDI DataVolume's ``secretRef`` reads). It also carries the standard
``auth`` field (base64 of ``user:password``) that ``kubectl create secret
docker-registry`` writes, so every container runtime accepts it.
"""

from __future__ import annotations

import base64
import re
from typing import Any, Callable, Dict, Optional

from profile_render.errors import ProfileRenderError
from profile_render.orchestrator.model import MASK, DeploymentContext, ImageRegistry

__all__ = [
    "bundle_name",
    "SecretNamer",
    "docker_config_json",
    "pull_secret_manifest",
    "ca_config_map_manifest",
    "ca_config_map_name",
    "check_object_name",
]

SecretNamer = Callable[[DeploymentContext], str]
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def bundle_name(context: DeploymentContext, *, version: Optional[str] = None) -> str:
    """The reference's Fleet bundle name, which is also the generated Secret's name.

    ``token = app name (+ the deployment package's version when redeployed
    after update) + deployment name``; the name is ``"b-"`` plus the first 16
    characters of the UUIDv5 (nil namespace) of the hex SHA-1 of the token.
    ``version`` is that package version; without it, ``context.app_version``
    stands for it (a single ``render`` knows no package).

    >>> context = DeploymentContext(app_name="hello-world", app_version="1.0.0",
    ...                             deployment_name="deployment-abc12", namespace="apps")
    >>> bundle_name(context)
    'b-0a3669a2-6cbc-50'
    """
    if not isinstance(context, DeploymentContext):
        raise TypeError("bundle_name takes a DeploymentContext")
    if version is not None and not isinstance(version, str):
        raise TypeError("version must be a str or None")
    token = context.app_name
    if context.redeploy_after_update:
        token += context.app_version if version is None else version
    token += context.deployment_name
    digest = _sha1_hex(token.encode("utf-8"))
    # The first 16 characters of str(uuid.uuid5(UUID(int=0), digest)), computed without importing uuid (which
    # imports platform, a few ms of every render's start): a version-5 UUID is the SHA-1 of the namespace's 16
    # bytes and the name, its 13th hex digit replaced by the version, 5.
    name = _sha1_hex(bytes(16) + digest.encode("utf-8"))
    return f"b-{name[:8]}-{name[8:12]}-5{name[13]}"


def _sha1_hex(data: bytes) -> str:
    """The SHA-1 of ``data`` in hex (a name, not a security check).

    CPython's own SHA-1 module when it has one: ``hashlib`` loads OpenSSL's
    bindings first, about 3 ms of every render's start, for the same digest.
    """
    try:
        from _sha1 import sha1  # CPython's built-in implementation
    except ImportError:  # another interpreter, or a build without it
        from hashlib import sha1
    return sha1(data).hexdigest()


def ca_config_map_name(secret_name: str) -> str:
    """The name of the generated registry-CA ConfigMap for a given Secret name."""
    return f"{secret_name}-registry-ca"


def check_object_name(name: Any, what: str) -> str:
    """Validate a Kubernetes object name (DNS-1123 subdomain, at most 253 characters)."""
    if not isinstance(name, str) or not name or len(name) > 253 or not _DNS1123_SUBDOMAIN.fullmatch(name):
        raise ProfileRenderError(
            f"the {what} name {name!r} is not a valid Kubernetes object name",
            hint="use lowercase letters, digits, '-' and '.', starting and ending alphanumeric, at most 253 characters")
    return name


def _go_json_string(text: str) -> str:
    """Encode a string as Go's encoding/json does (HTML-safe escapes, UTF-8 kept)."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or ch in "<>&" or code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def docker_config_json(registry: ImageRegistry) -> bytes:
    """The ``.dockerconfigjson`` document for a registry's credentials, byte-identical to kubectl's."""
    if not registry.has_credentials:
        raise ProfileRenderError(f"image registry {registry.name!r} has no credentials",
                                 hint="set a username and a password or token")
    assert registry.username is not None and registry.password is not None
    user = registry.username
    password = registry.password.reveal()
    auth = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
    text = (
        '{"auths":{' + _go_json_string(registry.host) + ':{"username":' + _go_json_string(user)
        + ',"password":' + _go_json_string(password) + ',"auth":' + _go_json_string(auth) + "}}}"
    )
    return text.encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def pull_secret_manifest(registry: ImageRegistry, name: str, namespace: str,
                         labels: Dict[str, str]) -> Dict[str, Any]:
    """The generated image-pull Secret as a Kubernetes object (a dict)."""
    assert registry.username is not None and registry.password is not None
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "type": "kubernetes.io/dockerconfigjson",
        "data": {
            ".dockerconfigjson": _b64(docker_config_json(registry)),
            "accessKeyId": _b64(registry.username.encode("utf-8")),
            "secretKey": _b64(registry.password.reveal().encode("utf-8")),
        },
    }


def ca_config_map_manifest(registry: ImageRegistry, name: str, namespace: str,
                           labels: Dict[str, str]) -> Dict[str, Any]:
    """A ConfigMap holding the registry's CA certificates under ``ca.crt`` (what CDI's certConfigMap reads)."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "data": {"ca.crt": "\n".join(registry.certificates()) + "\n"},
    }


#: The fields of a Secret manifest that hold its data.
SECRET_DATA_FIELDS = ("data", "stringData")


def mask_secret_data(obj: Any) -> Any:
    """A copy of a manifest with a Secret's ``data``/``stringData`` values replaced by ``****``; other objects as they are.

    >>> mask_secret_data({"kind": "Secret", "data": {"secretKey": "czNjcmV0"}})["data"]
    {'secretKey': '****'}
    """
    if not isinstance(obj, dict) or obj.get("kind") != "Secret":
        return obj
    out = dict(obj)  # only the data fields are replaced; the rest is shared, as in the result's other forms
    for field in SECRET_DATA_FIELDS:
        if isinstance(out.get(field), dict):
            out[field] = {key: MASK for key in out[field]}
    return out
