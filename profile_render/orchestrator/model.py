"""Domain model: the image registry, the deployment context, and secret text.

Secrets (registry passwords and tokens) are held in :class:`Secret`, whose
``repr``/``str`` never show the value; code that needs the text calls
:meth:`Secret.reveal`, which makes every use easy to audit.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional, Tuple
from urllib.parse import urlsplit

from profile_render.records import Record
from profile_render.errors import ProfileRenderError

__all__ = ["Secret", "ImageRegistry", "DeploymentContext", "RegistryError", "ContextError",
           "is_unicode_text", "pem_certificate_bodies", "DYNAMIC_CA_SENTINEL"]

MASK = "****"


class RegistryError(ProfileRenderError):
    """An image registry definition is unusable (bad root URL, embedded credentials, bad CA).

    >>> try:
    ...     ImageRegistry(name="harbor", root_url="ftp://registry.example.com")
    ... except RegistryError as error:
    ...     print(error.problem)
    the root URL of image registry 'harbor' uses the unsupported scheme 'ftp'
    """


class ContextError(ProfileRenderError):
    """The deployment context is incomplete or malformed.

    >>> try:
    ...     DeploymentContext(app_name="", app_version="1.0.0", deployment_name="deployment-abc12", namespace="apps")
    ... except ContextError as error:
    ...     print(error.problem)
    the deployment context needs a non-empty app name
    """


def is_unicode_text(text: str) -> bool:
    """Whether ``text`` is valid Unicode (no lone surrogate, which Python uses for undecodable bytes)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Secret:
    """A secret string that does not show itself in ``repr``, ``str``, logs or errors.

    The text must be valid Unicode: a lone surrogate (what Python makes of
    undecodable bytes) is refused here, with an error that does not quote it,
    instead of failing later in an encoder whose exception would hold it.

    >>> token = Secret("example-token")
    >>> token, f"{token}"
    (Secret('****'), "Secret('****')")
    >>> len(token.reveal())
    13
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("Secret holds text (str)")
        if not is_unicode_text(value):
            raise ProfileRenderError("the secret text is not valid Unicode: it holds a lone surrogate "
                                     "(bytes that were not valid UTF-8)",
                                     hint="decode the password or token as UTF-8 text before passing it")
        self._value = value

    def reveal(self) -> str:
        """The secret text; call only where the real value is needed.

        >>> Secret("example-token").reveal() == "example-token"
        True
        """
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> Tuple[type, Tuple[str]]:  # pickling keeps the value, copies too
        return (Secret, (self._value,))


_SCHEMES = ("oci", "https", "http")
PEM_BEGIN = "-----BEGIN CERTIFICATE-----"
PEM_END = "-----END CERTIFICATE-----"


def pem_certificate_bodies(text: str) -> Iterator[str]:
    """The text between each BEGIN CERTIFICATE marker and the END marker after it, in order.

    The same blocks as a non-greedy regular expression from BEGIN to END finds,
    in time linear in the text: once no END follows a BEGIN, no later BEGIN can
    complete a block either, so the scan stops (a text of many unterminated
    markers is read once, not once per marker).
    """
    position = 0
    while True:
        begin = text.find(PEM_BEGIN, position)
        if begin < 0:
            return
        start = begin + len(PEM_BEGIN)
        end = text.find(PEM_END, start)
        if end < 0:
            return
        yield text[start:end]
        position = end + len(PEM_END)


def _parse_root_url(url: str, name: str) -> Tuple[str, str, str]:
    """Split a registry root URL into (scheme, host[:port], path) or raise RegistryError."""
    where = f"image registry {name!r}" if name else "the image registry"
    if not isinstance(url, str) or not url.strip():
        raise RegistryError(f"{where} has no root URL", hint="give a URL such as oci://registry.example.com/project")
    text = url.strip()
    if "://" not in text:
        raise RegistryError(f"the root URL of {where} has no scheme",
                            hint="start it with oci://, https:// or http://")
    scheme = text.split("://", 1)[0].lower()
    if scheme not in _SCHEMES:
        raise RegistryError(f"the root URL of {where} uses the unsupported scheme {scheme!r}",
                            hint="use oci://, https:// or http://")
    rest = text.split("://", 1)[1]
    authority = rest.split("/", 1)[0]
    if "@" in authority:
        # Never echo the URL: the part before '@' is a credential.
        raise RegistryError(f"the root URL of {where} embeds credentials (user:password@host)",
                            hint="remove them from the URL and give the username and password separately")
    try:
        parts = urlsplit(text)
        port = parts.port
        hostname = parts.hostname
    except ValueError as exc:
        raise RegistryError(f"the root URL of {where} is malformed: {exc}",
                            hint="write it as scheme://host[:port][/path]") from None
    if not hostname:
        raise RegistryError(f"the root URL of {where} has no host", hint="write it as scheme://host[:port][/path]")
    if parts.query or parts.fragment:
        raise RegistryError(f"the root URL of {where} has a query or fragment",
                            hint="a registry root URL is scheme://host[:port][/path] only")
    host = hostname
    if ":" in hostname:  # IPv6 literal
        try:
            from ipaddress import IPv6Address  # only for a bracketed host

            IPv6Address(hostname.split("%", 1)[0])
        except ValueError:
            raise RegistryError(f"the root URL of {where} has an invalid IPv6 host",
                                hint="write IPv6 hosts in brackets: oci://[2001:db8::1]:5000/path") from None
        host = f"[{hostname}]"
    elif not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?", hostname):
        raise RegistryError(f"the root URL of {where} has an invalid host name",
                            hint="host names use letters, digits, dots and hyphens")
    host_port = f"{host}:{port}" if port is not None else host
    path = parts.path.rstrip("/")
    return scheme, host_port, path


DYNAMIC_CA_SENTINEL = "use-dynamic-cacert"
"""The ``caCerts`` the tenant controller writes: the catalog returns the orchestrator's gateway
certificate (``tls.crt`` of Secret ``tls-orch`` in namespace ``orch-gateway``) in its place."""


class ImageRegistry(Record):
    """An image registry the application pulls from.

    ``password`` holds the password or token. ``ca_certs`` is the PEM text of
    the CA certificates the registry's TLS certificate chains to, when the
    cluster does not trust it, or exactly ``DYNAMIC_CA_SENTINEL``
    (``use-dynamic-cacert``): the orchestrator's gateway certificate, which
    is not known offline (``ca_is_dynamic``; :func:`render` takes it as
    ``gateway_ca``).

    >>> registry = ImageRegistry(name="harbor-docker-oci", username="robot$acme", password=Secret("example-token"),
    ...                          root_url="oci://registry-oci.example.com/catalog-apps-acme-edge")
    >>> registry.url
    'registry-oci.example.com/catalog-apps-acme-edge'
    >>> registry.password
    Secret('****')
    """

    _fields = ("name", "root_url", "username", "password", "ca_certs")
    _derived = ("scheme", "host", "path", "_certificates")
    _repr_fields = ("name", "root_url", "username")
    name: str
    root_url: str
    username: Optional[str]
    password: Optional[Secret]
    ca_certs: Optional[str]
    scheme: str
    host: str
    path: str
    _certificates: Optional[Tuple[str, ...]]

    def __init__(self, name: str, root_url: str, username: Optional[str] = None, password: Optional[Secret] = None,
                 ca_certs: Optional[str] = None) -> None:
        self._set("name", name)
        self._set("root_url", root_url)
        self._set("username", username)
        self._set("password", password)
        self._set("ca_certs", ca_certs)
        self._set("_certificates", None)
        self.__post_init__()

    def __post_init__(self) -> None:
        for name in ("name", "root_url", "username", "ca_certs"):
            value = getattr(self, name)
            if value is None and name in ("username", "ca_certs"):
                continue
            if not isinstance(value, str):
                raise TypeError(f"ImageRegistry.{name} must be text (str)")
            if not is_unicode_text(value):
                # Not quoted: the text cannot be printed, and the username sits next to the password.
                raise RegistryError(f"the {name.replace('_', ' ')} of an image registry is not valid Unicode: it "
                                    "holds a lone surrogate (bytes that were not valid UTF-8)",
                                    hint="decode it as UTF-8 text before passing it")
        if self.password is not None and not isinstance(self.password, Secret):
            object.__setattr__(self, "password", Secret(self.password))
        scheme, host, path = _parse_root_url(self.root_url, self.name)
        object.__setattr__(self, "scheme", scheme)
        object.__setattr__(self, "host", host)
        object.__setattr__(self, "path", path)
        if self.ca_certs is not None and not self.ca_is_dynamic:
            object.__setattr__(self, "_certificates", self._parse_certificates())  # validates once

    @property
    def url(self) -> str:
        """host[:port] + path with the scheme dropped: what ``%ImageRegistryURL%`` stands for."""
        return self.host + self.path

    @property
    def has_credentials(self) -> bool:
        """Whether both a username and a password/token are set."""
        return bool(self.username) and self.password is not None and bool(self.password)

    @property
    def ca_is_dynamic(self) -> bool:
        """Whether ``ca_certs`` is the sentinel ``use-dynamic-cacert`` (the orchestrator's gateway certificate)."""
        return self.ca_certs == DYNAMIC_CA_SENTINEL

    def certificates(self) -> Tuple[str, ...]:
        """The CA certificates as normalised PEM blocks; raises RegistryError if none parse or the CA is the sentinel."""
        if self.ca_is_dynamic:
            raise RegistryError(
                f"the CA of image registry {self.name!r} is the sentinel {DYNAMIC_CA_SENTINEL!r}: the orchestrator's "
                "gateway certificate, which is not known offline",
                hint="give the gateway certificate (tls.crt of Secret tls-orch in namespace orch-gateway): "
                     "gateway_ca= in the API, --registry-ca-file on the command line")
        if self._certificates is not None:
            return self._certificates
        return self._parse_certificates()

    def _parse_certificates(self) -> Tuple[str, ...]:
        import base64
        import binascii

        blocks = []
        for text in pem_certificate_bodies(self.ca_certs or ""):
            body = "".join(text.split())
            try:
                der = base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError):
                raise RegistryError(f"a CA certificate of image registry {self.name!r} is not valid base64",
                                    hint="paste the PEM text exactly as exported") from None
            if not der or der[0] != 0x30:
                raise RegistryError(f"a CA certificate of image registry {self.name!r} is not a DER certificate",
                                    hint="paste a PEM certificate (-----BEGIN CERTIFICATE-----)")
            lines = [body[i:i + 64] for i in range(0, len(body), 64)]
            blocks.append(PEM_BEGIN + "\n" + "\n".join(lines) + "\n" + PEM_END)
        if not blocks:
            raise RegistryError(f"the CA certificates of image registry {self.name!r} hold no PEM certificate",
                                hint="give PEM text with -----BEGIN CERTIFICATE----- blocks")
        return tuple(blocks)

    def __repr__(self) -> str:
        return (f"ImageRegistry(name={self.name!r}, root_url={self.root_url!r}, username={self.username!r}, "
                f"password={'Secret(' + repr(MASK) + ')' if self.password is not None else None}, "
                f"ca_certs={self._ca_summary()})")

    def _ca_summary(self) -> Optional[str]:
        if not self.ca_certs:
            return None
        if self.ca_is_dynamic:
            return repr(DYNAMIC_CA_SENTINEL)
        return '<' + str(len(self.certificates())) + ' certificate(s)>'

    __str__ = __repr__


class DeploymentContext(Record):
    """Who is deploying what, where: the facts placeholders and secret names come from.

    >>> context = DeploymentContext(app_name="hello-world", app_version="1.0.0",
    ...                             deployment_name="deployment-abc12", namespace="apps")
    >>> bundle_name(context)
    'b-0a3669a2-6cbc-50'
    """

    _fields = ("app_name", "app_version", "deployment_name", "namespace", "org", "project", "redeploy_after_update")
    app_name: str
    app_version: str
    deployment_name: str
    namespace: str
    org: Optional[str]
    project: Optional[str]
    redeploy_after_update: bool

    def __init__(self, app_name: str, app_version: str, deployment_name: str, namespace: str,
                 org: Optional[str] = None, project: Optional[str] = None,
                 redeploy_after_update: bool = False) -> None:
        self._set("app_name", app_name)
        self._set("app_version", app_version)
        self._set("deployment_name", deployment_name)
        self._set("namespace", namespace)
        self._set("org", org)
        self._set("project", project)
        self._set("redeploy_after_update", redeploy_after_update)
        self.__post_init__()

    def __post_init__(self) -> None:
        for name in ("app_name", "app_version", "deployment_name", "namespace", "org", "project"):
            value = getattr(self, name)
            if value is None and name in ("org", "project"):
                continue
            if not isinstance(value, str) or not (value or name in ("org", "project")):
                raise ContextError(f"the deployment context needs a non-empty {name.replace('_', ' ')}",
                                   hint=f"set {name}")
            if not is_unicode_text(value):
                raise ContextError(f"the deployment context's {name.replace('_', ' ')} is not valid Unicode: it "
                                   "holds a lone surrogate (bytes that were not valid UTF-8)",
                                   hint=f"pass {name} as UTF-8 text")
        if not re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", self.namespace):
            raise ContextError(f"namespace {self.namespace!r} is not a valid Kubernetes namespace name",
                               hint="use at most 63 lowercase letters, digits and '-', starting and ending alphanumeric")


