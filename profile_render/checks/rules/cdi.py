"""Rules for CDI DataVolumes importing from a registry: URL scheme, secretRef, its keys, certConfigMap."""

from __future__ import annotations

import base64
import binascii
from typing import Iterator, List, Optional, Tuple

from profile_render.checks.context import CheckContext
from profile_render.checks.images import SCHEME, without_userinfo
from profile_render.checks.render_facts import NamedObject
from profile_render.checks.rules.base import Hit, rule
from profile_render.checks.sites import CertConfigMapRef, RegistryImport, RegistryUrl, SecretReference
from profile_render.errors import describe_value
from profile_render.orchestrator.model import pem_certificate_bodies
from profile_render.problems import ERROR, INFO, format_path

__all__ = ["CDI_SCHEMES", "certificates", "datavolume_url_scheme", "secret_missing_cdi_keys",
           "datavolume_missing_secret_ref", "cert_configmap_missing", "cert_configmap_no_certificate",
           "cert_configmap_key"]

CDI_SCHEMES = ("docker://", "oci-archive://")
_CDI_KEYS = ("accessKeyId", "secretKey")


def certificates(text: str) -> int:
    """How many PEM certificates in ``text`` decode to DER (a SEQUENCE, first byte 0x30)."""
    count = 0
    for block in pem_certificate_bodies(text):
        body = "".join(block.split())
        try:
            der = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            continue
        if der[:1] == b"\x30":
            count += 1
    return count


@rule("datavolume-url-scheme", ERROR, RegistryUrl)
def datavolume_url_scheme(ctx: CheckContext, site: RegistryUrl) -> Iterator[Hit]:
    """a DataVolume registry URL without docker:// or oci-archive://

    CDI imports only those schemes; a missing ``url`` is reported too (unless
    the source names an ``imageStream``).
    """
    url = site.registry.get("url")
    at = site.path + ("url",)
    if not isinstance(url, str) or not url:
        if not site.registry.get("imageStream"):
            yield Hit(at, "source.registry has no url" if url in (None, "") else
                      f"source.registry.url is {describe_value(url)}, not a URL",
                      "set source.registry.url to docker://<host>/<image>:<tag>")
    elif not url.startswith(CDI_SCHEMES):
        shown = without_userinfo(url)  # credentials in a URL are never quoted
        bare = SCHEME.sub("", shown, count=1)
        fix = f"write it as {'docker://' + bare.removeprefix('****@')!r}"
        if shown != url:
            fix += " (credentials go in the Secret that secretRef names, not in the URL)"
        yield Hit(at, f"registry url {shown!r} does not start with docker:// or oci-archive://, so CDI cannot import "
                      "it", fix)


@rule("secret-missing-cdi-keys", ERROR, SecretReference)
def secret_missing_cdi_keys(ctx: CheckContext, site: SecretReference) -> Iterator[Hit]:
    """a DataVolume secretRef naming a Secret without accessKeyId/secretKey

    CDI reads registry credentials from those two keys, not from a
    ``.dockerconfigjson``; the generated pull Secret has both.
    """
    if site.reader != "CDI":
        return
    o = site.obj
    for record in ctx.secrets.get(site.name, []):
        if o.namespace is not None and record.namespace is not None and record.namespace != o.namespace:
            continue
        missing = [k for k in _CDI_KEYS if k not in record.data]
        if missing:
            yield Hit(site.path,
                      f"Secret {site.name!r} (in the {record.where}) has no {' or '.join(missing)}; CDI reads the "
                      "registry credentials from accessKeyId and secretKey",
                      "add accessKeyId (user) and secretKey (password) to the Secret, or use the generated Secret "
                      "('%GeneratedDockerCredential%'), which has them")
        return


@rule("datavolume-missing-secret-ref", ERROR, RegistryImport)
def datavolume_missing_secret_ref(ctx: CheckContext, site: RegistryImport) -> Iterator[Hit]:
    """a DataVolume importing from a private registry without secretRef

    The registry is private when its host is (see "Private registries"); an
    ``oci-archive://`` URL names no registry.
    """
    url = site.registry.get("url")
    host = None
    if isinstance(url, str) and url:
        if not url.startswith(CDI_SCHEMES):
            host = ctx.private_host(SCHEME.sub("", url, count=1))  # datavolume-url-scheme reports the scheme
        elif url.startswith("docker://"):
            host = ctx.private_host(url)
    if host is not None and not site.registry.get("secretRef"):
        field = site.path + ("secretRef",)
        yield Hit(field,
                  f"the DataVolume imports {url!r} from the private registry {host}, but source.registry has no "
                  "secretRef",
                  f"set {format_path(field)} to a Secret holding accessKeyId and secretKey (the generated one "
                  "does: '%GeneratedDockerCredential%' in the Profile)")


def _config_maps(ctx: CheckContext, site: CertConfigMapRef) -> Optional[Tuple[List[NamedObject], List[NamedObject]]]:
    """(every ConfigMap of that name, those in the DataVolume's namespace), or None when none is to be looked up.

    Nothing is looked up for a name that is not one (cert-configmap-missing
    says so), holds a placeholder (leftover-placeholder says so) or was
    declared external.
    """
    name, ns = site.name, site.obj.namespace
    if not isinstance(name, str) or not name or ctx.has_placeholder(name):
        return None
    if name in ctx.external or (ns is not None and f"{ns}/{name}" in ctx.external):
        return None
    records = ctx.config_maps.get(name, [])
    return records, [r for r in records if ns is None or r.namespace is None or r.namespace == ns]


def _used_config_map(ctx: CheckContext, site: CertConfigMapRef) -> Optional[NamedObject]:
    """The ConfigMap the DataVolume uses (the first of that name in its namespace), or None."""
    found = _config_maps(ctx, site)
    return found[1][0] if found is not None and found[1] else None


def _keys_with_certificates(config_map: NamedObject) -> List[str]:
    """The data keys of a ConfigMap that hold at least one certificate."""
    return [k for k, v in config_map.data.items() if isinstance(v, str) and certificates(v)]


@rule("cert-configmap-missing", ERROR, CertConfigMapRef)
def cert_configmap_missing(ctx: CheckContext, site: CertConfigMapRef) -> Iterator[Hit]:
    """a certConfigMap naming no ConfigMap in the DataVolume's namespace

    ConfigMaps come from the manifests, the render and
    ``external_config_maps=`` (``name`` or ``namespace/name``).
    """
    name = site.name
    if not isinstance(name, str) or not name:
        yield Hit(site.path,
                  f"certConfigMap is {describe_value(name, mapping='a mapping') if name != '' else 'empty'}, "
                  "not the name of a ConfigMap",
                  "name the ConfigMap holding the registry's CA certificate (PEM, key ca.crt)")
        return
    found = _config_maps(ctx, site)
    if found is None or found[1]:
        return
    elsewhere = sorted({r.namespace for r in found[0] if r.namespace})
    where = (f"it exists only in namespace {', '.join(elsewhere)}, not in {site.obj.namespace!r}" if elsewhere
             else "it is in neither the manifests nor the render")
    yield Hit(site.path, f"certConfigMap {name!r} names no ConfigMap in the DataVolume's namespace: {where}",
              "add the ConfigMap (data key ca.crt with the registry's PEM CA certificate) to the chart in the "
              "same namespace, or declare it external (external_config_maps=...) when it is created "
              "outside the chart")


@rule("cert-configmap-no-certificate", ERROR, CertConfigMapRef)
def cert_configmap_no_certificate(ctx: CheckContext, site: CertConfigMapRef) -> Iterator[Hit]:
    """a certConfigMap whose ConfigMap holds no parseable PEM certificate

    A certificate counts when its PEM block decodes to DER; placeholder text
    such as ``<Add certificate value here>`` does not.
    """
    config_map = _used_config_map(ctx, site)
    if config_map is not None and not _keys_with_certificates(config_map):
        yield Hit(site.path, f"ConfigMap {site.name!r} holds no parseable PEM certificate (keys: "
                             f"{', '.join(sorted(config_map.data)) or 'none'})",
                  "put the registry's CA certificate, PEM text from -----BEGIN CERTIFICATE----- to "
                  "-----END CERTIFICATE-----, under the key ca.crt")


@rule("cert-configmap-key", INFO, CertConfigMapRef)
def cert_configmap_key(ctx: CheckContext, site: CertConfigMapRef) -> Iterator[Hit]:
    """a certConfigMap certificate under a key other than ca.crt

    CDI reads every key of the ConfigMap, so this works; the documentation
    uses ``ca.crt``.
    """
    config_map = _used_config_map(ctx, site)
    with_certs = _keys_with_certificates(config_map) if config_map is not None else []
    if with_certs and "ca.crt" not in with_certs:
        yield Hit(site.path,
                  f"ConfigMap {site.name!r} holds its certificate under {', '.join(sorted(with_certs))}, not ca.crt; "
                  "CDI reads every key, so this works, but the documentation uses ca.crt",
                  "nothing to do; rename the key to ca.crt to match the documentation")
