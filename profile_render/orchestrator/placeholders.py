"""Resolve stage: Edge Orchestrator placeholders, substituted structurally in parsed values.

A placeholder is ``%Name%`` inside a string value or mapping key. Resolution walks parsed
trees and rewrites strings only, values and mapping keys alike (keys keep
their order; two keys of one mapping that become equal are an error naming
both): numbers, booleans and nulls are never touched, a substituted string
stays a string whatever it contains, and
substitution is single-pass (text brought in by a substitution is never
scanned again). Nothing here ever does text replacement on YAML.

Text that merely contains ``%`` (``100%``, ``%s%s``, ``%%``, ``50%off%``) is left
alone; a *near miss* of a known placeholder (``%GeneratedDockerCredentials%``,
``%ImageRegistryUrl%``, ``%OrgName``) is an error that names the intended one.

An *unquoted* scalar of a Profile holding a placeholder (``key: %OrgName%``,
recorded by the reader in ``LoadedValues.unquoted``) is resolved the same way
and its resolved text is then read as the plain scalar Helm reads after the
reference's text replacement (``123`` an int, ``true`` a bool); text that
would not stay one plain scalar there is a located error naming both readings
(:func:`profile_render.yamlio.unquoted.read_unquoted`).
"""

from __future__ import annotations

import re
from typing import (TYPE_CHECKING, Any, Callable, Collection, Dict, FrozenSet, Iterator, List, Optional, Sequence, Set,
                    Tuple)

from profile_render.records import MutableRecord, Record
from profile_render.errors import ProfileRenderError, ValuesWarning
from profile_render.orchestrator.model import DYNAMIC_CA_SENTINEL, DeploymentContext, ImageRegistry
from profile_render.tree import iter_strings

if TYPE_CHECKING:  # pragma: no cover - read only when a Profile holds unquoted placeholders
    from profile_render.yamlio.unquoted import EscapedToken, UnquotedScalar

__all__ = [
    "Placeholder",
    "Placeholders",
    "PlaceholderError",
    "PlaceholderKeyCollisionError",
    "ResolveContext",
    "Resolution",
    "ValueSite",
    "PlaceholderHit",
    "resolve_tree",
    "find_placeholders",
    "BUILTIN_PLACEHOLDERS",
    "BUILTIN_NAMES",
    "GENERATED_DOCKER_CREDENTIAL",
    "PRE_HOOK_CREDENTIAL",
    "IMAGE_REGISTRY_URL",
    "ORG_NAME",
    "PROJECT_NAME",
    "REGISTRY_CERT_CONFIG_MAP",
]

GENERATED_DOCKER_CREDENTIAL = "GeneratedDockerCredential"
PRE_HOOK_CREDENTIAL = "PreHookCredential"
IMAGE_REGISTRY_URL = "ImageRegistryURL"
ORG_NAME = "OrgName"
PROJECT_NAME = "ProjectName"
REGISTRY_CERT_CONFIG_MAP = "RegistryCertConfigMap"

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class PlaceholderError(ProfileRenderError):
    """A placeholder is misplaced, misspelt, or cannot be resolved with what was given.

    >>> context = DeploymentContext(app_name="hello-world", app_version="1.0.0",
    ...                             deployment_name="deployment-abc12", namespace="apps")
    >>> try:
    ...     render(Path("examples/hello-chart"), Layer.from_text("tag: '%ImageRegistryUrl%'\\n"), context=context)
    ... except PlaceholderError as error:
    ...     print(error.hint)
    did you mean '%ImageRegistryURL%'? Placeholders are case-sensitive and need a % on each side
    """


class PlaceholderKeyCollisionError(PlaceholderError):
    """Two keys of one mapping become the same key once their placeholders are resolved."""


class ResolveContext(Record):
    """What a placeholder resolver may use."""

    _fields = ("context", "registry", "secret_name", "ca_config_map_name", "prehook_literal")
    context: Optional[DeploymentContext]
    registry: Optional[ImageRegistry]
    secret_name: Optional[str]
    ca_config_map_name: Optional[str]
    prehook_literal: bool

    def __init__(self, context: Optional[DeploymentContext], registry: Optional[ImageRegistry],
                 secret_name: Optional[str], ca_config_map_name: Optional[str],
                 prehook_literal: bool = False) -> None:
        self._set("context", context)
        self._set("registry", registry)
        self._set("secret_name", secret_name)
        self._set("ca_config_map_name", ca_config_map_name)
        self._set("prehook_literal", prehook_literal)


Resolver = Callable[[ResolveContext], str]


class Placeholder(Record):
    """A named placeholder and how to resolve it.

    >>> builtin = Placeholders().get("ImageRegistryURL")
    >>> builtin.name, builtin.builtin, builtin.description
    ('ImageRegistryURL', True, "the image registry's host[:port]/path, without scheme")
    """

    _fields = ("name", "resolver", "description", "builtin")
    _repr_fields = ("name", "description", "builtin")
    name: str
    resolver: Resolver
    description: str
    builtin: bool

    def __init__(self, name: str, resolver: Resolver, description: str = "", builtin: bool = False) -> None:
        self._set("name", name)
        self._set("resolver", resolver)
        self._set("description", description)
        self._set("builtin", builtin)


def _need_credentials(ctx: ResolveContext, name: str) -> None:
    if ctx.registry is None or not ctx.registry.has_credentials:
        raise PlaceholderError(
            f"%{name}% needs image registry credentials, but none were given",
            hint="give the application's image registry with a username and password or token "
                 "(render: --registry-url, --registry-username, --registry-password-file; "
                 "package render: a Registry object with userName and authToken, e.g. via --registry FILE)")


def _generated_credential(ctx: ResolveContext) -> str:
    _need_credentials(ctx, GENERATED_DOCKER_CREDENTIAL)
    assert ctx.secret_name is not None
    return ctx.secret_name


def _prehook_credential(ctx: ResolveContext) -> str:
    _need_credentials(ctx, PRE_HOOK_CREDENTIAL)
    if ctx.prehook_literal:
        return f"%{PRE_HOOK_CREDENTIAL}%"
    assert ctx.secret_name is not None
    return ctx.secret_name


def _registry_url(ctx: ResolveContext) -> str:
    if ctx.registry is None:
        raise PlaceholderError(f"%{IMAGE_REGISTRY_URL}% needs an image registry, but none was given",
                               hint="give the application's image registry (--registry-url on the CLI)")
    return ctx.registry.url


def _org(ctx: ResolveContext) -> str:
    if ctx.context is None or not ctx.context.org:
        raise PlaceholderError(f"%{ORG_NAME}% needs the organization name, but none was given",
                               hint="give the deployment's organization (--org on the CLI)")
    return ctx.context.org


def _project(ctx: ResolveContext) -> str:
    if ctx.context is None or not ctx.context.project:
        raise PlaceholderError(f"%{PROJECT_NAME}% needs the project name, but none was given",
                               hint="give the deployment's project (--project on the CLI)")
    return ctx.context.project


def _ca_config_map(ctx: ResolveContext) -> str:
    if ctx.registry is not None and ctx.registry.ca_is_dynamic:
        raise PlaceholderError(
            f"%{REGISTRY_CERT_CONFIG_MAP}% needs the image registry's CA certificates, but registry "
            f"{ctx.registry.name!r} has caCerts {DYNAMIC_CA_SENTINEL!r}: the orchestrator's gateway certificate, "
            "which is not known offline",
            hint="give the gateway certificate (tls.crt of Secret tls-orch in namespace orch-gateway): "
                 "--registry-ca-file on the command line, gateway_ca= in the API")
    if ctx.registry is None or not ctx.registry.ca_certs or ctx.ca_config_map_name is None:
        raise PlaceholderError(
            f"%{REGISTRY_CERT_CONFIG_MAP}% needs the image registry's CA certificates, but none were given",
            hint="give the registry's CA certificates (--registry-ca-file on the CLI, caCerts in a Registry file)")
    return ctx.ca_config_map_name


BUILTIN_PLACEHOLDERS: Tuple[Placeholder, ...] = (
    Placeholder(GENERATED_DOCKER_CREDENTIAL, _generated_credential,
                "name of the generated image-pull Secret (kubernetes.io/dockerconfigjson)", True),
    Placeholder(PRE_HOOK_CREDENTIAL, _prehook_credential,
                "deploys the generated Secret before the chart, for pre-install hooks; resolves to its name", True),
    Placeholder(IMAGE_REGISTRY_URL, _registry_url,
                "the image registry's host[:port]/path, without scheme", True),
    Placeholder(ORG_NAME, _org, "the deployment's organization name", True),
    Placeholder(PROJECT_NAME, _project, "the deployment's project name", True),
    Placeholder(REGISTRY_CERT_CONFIG_MAP, _ca_config_map,
                "name of the generated ConfigMap holding the registry CA (key ca.crt)", True),
)

#: The built-in placeholders' names (what a Profile file may hold unquoted when no custom set is given).
BUILTIN_NAMES: Tuple[str, ...] = tuple(p.name for p in BUILTIN_PLACEHOLDERS)


class PlaceholderHit(Record):
    """One placeholder or near miss found in a string by :meth:`Placeholders.scan`.

    ``start``/``end`` delimit it in the string, ``name`` is the word between
    the % signs; ``known`` says whether it is a registered placeholder, and a
    near miss carries the ``suggestion`` it was probably meant to be.
    """

    _fields = ("start", "end", "name", "known", "suggestion")
    start: int
    end: int
    name: str
    known: bool
    suggestion: Optional[str]

    def __init__(self, start: int, end: int, name: str, known: bool, suggestion: Optional[str] = None) -> None:
        self._set("start", start)
        self._set("end", end)
        self._set("name", name)
        self._set("known", known)
        self._set("suggestion", suggestion)


class Placeholders:
    """An immutable set of placeholders: the built-ins plus any registered custom ones.

    >>> context = DeploymentContext(app_name="hello-world", app_version="1.0.0",
    ...                             deployment_name="deployment-abc12", namespace="apps")
    >>> placeholders = Placeholders().register("SiteCode", lambda context: context.namespace.upper(),
    ...                                        description="the site's code")
    >>> result = render(Path("examples/hello-chart"), Layer.from_text("site: '%SiteCode%'\\n"),
    ...                 context=context, placeholders=placeholders)
    >>> result.values["site"]
    'APPS'
    """

    def __init__(self, extra: Sequence[Placeholder] = ()) -> None:
        table: Dict[str, Placeholder] = {p.name: p for p in BUILTIN_PLACEHOLDERS}
        for p in extra:
            table[p.name] = p
        self._table = table
        self._lower = {name.lower(): name for name in table}

    def register(
        self,
        name: str,
        resolver: Callable[[DeploymentContext], str],
        *,
        description: str = "",
        replace_builtin: bool = False,
    ) -> "Placeholders":
        """A new set with a custom placeholder ``%name%`` resolved by ``resolver(context)``.

        A built-in cannot be shadowed unless ``replace_builtin=True`` says so.

        >>> placeholders = Placeholders().register("SiteCode", lambda context: context.namespace.upper())
        >>> "SiteCode" in placeholders.names, "SiteCode" in Placeholders().names
        (True, False)
        """
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise PlaceholderError(f"{name!r} is not a valid placeholder name",
                                   hint="use letters, digits and '_', starting with a letter, without the % signs")
        existing = self._table.get(name) or self._table.get(self._lower.get(name.lower(), ""))
        if existing is not None and existing.builtin and not replace_builtin:
            raise PlaceholderError(f"%{name}% would shadow the built-in placeholder %{existing.name}%",
                                   hint="choose another name, or pass replace_builtin=True to replace it on purpose")

        def adapt(ctx: ResolveContext) -> str:
            if ctx.context is None:
                raise PlaceholderError(f"%{name}% needs a deployment context", hint="pass context=")
            return resolver(ctx.context)

        extra = [p for p in self._table.values() if not p.builtin and p.name != name]
        custom = Placeholder(name, adapt, description, False)
        new = Placeholders(extra + [custom])
        if replace_builtin and existing is not None and existing.builtin:
            new._table[existing.name] = Placeholder(existing.name, adapt, description, False)
            if existing.name != name:
                del new._table[name]
        return new

    @property
    def names(self) -> Tuple[str, ...]:
        """The placeholder names, without % signs.

        >>> Placeholders().names[:3]
        ('GeneratedDockerCredential', 'PreHookCredential', 'ImageRegistryURL')
        """
        return tuple(self._table)

    def get(self, name: str) -> Optional[Placeholder]:
        """The placeholder called ``name``, if any.

        >>> Placeholders().get("OrgName").builtin, Placeholders().get("NoSuchName")
        (True, None)
        """
        return self._table.get(name)

    # -- scanning ------------------------------------------------------------
    def _near(self, word: str) -> Optional[str]:
        lowered = word.lower()
        if lowered in self._lower:
            return self._lower[lowered]
        if len(word) < 5:
            return None
        from difflib import get_close_matches  # only for a misspelt placeholder

        close = get_close_matches(word, list(self._table), n=1, cutoff=0.85)
        return close[0] if close else None

    def scan(self, text: str) -> Iterator[PlaceholderHit]:
        """Find placeholders and near misses in one string, left to right, non-overlapping.

        >>> [(hit.name, hit.known, hit.suggestion) for hit in Placeholders().scan("%ImageRegistryUrl%/web")]
        [('ImageRegistryUrl', False, 'ImageRegistryURL')]
        """
        if "%" not in text:
            # A known name with both % signs missing is ordinary text.
            return
        i = 0
        n = len(text)
        while i < n:
            pct = text.find("%", i)
            if pct < 0:
                break
            m = _NAME.match(text, pct + 1)
            if m is None:
                i = pct + 1
                continue
            word = m.group(0)
            end = m.end()
            if end < n and text[end] == "%":
                if word in self._table:
                    yield PlaceholderHit(pct, end + 1, word, True)
                    i = end + 1
                    continue
                near = self._near(word)
                if near is not None:
                    yield PlaceholderHit(pct, end + 1, word, False, near)
                    i = end + 1
                    continue
                i = end  # the closing % may open the next placeholder
                continue
            # "%Name" without its closing %: only a near miss when Name is (nearly) known
            near = word if word in self._table else self._near(word)
            if near is not None:
                yield PlaceholderHit(pct, end, word, False, near)
            i = end
        # "Name%" without its opening %
        for m in re.finditer(r"(?<![%A-Za-z0-9_])([A-Za-z][A-Za-z0-9_]*)%", text):
            word = m.group(1)
            near = word if word in self._table else self._near(word)
            if near is not None and not (m.start() > 0 and text[m.start() - 1] == "%"):
                yield PlaceholderHit(m.start(), m.end(), word, False, near)

    def contains(self, text: str) -> bool:
        """Whether a string holds a placeholder or a near miss.

        >>> Placeholders().contains("%OrgName%-site"), Placeholders().contains("50% off")
        (True, False)
        """
        return any(True for _ in self.scan(text))


class Resolution:
    """One render's resolution state: lazily computed placeholder values and what was used.

    Each placeholder's resolver runs at most once per render; ``used`` names
    the placeholders substituted so far (the render generates the pull
    Secret only when a credential placeholder was used). One instance serves
    one render and is not shared between threads.
    """

    def __init__(self, placeholders: Placeholders, ctx: ResolveContext) -> None:
        """Resolve ``placeholders`` with what ``ctx`` gives, nothing computed yet."""
        self.placeholders = placeholders
        self.ctx = ctx
        self.values: Dict[str, str] = {}
        self.used: Set[str] = set()
        self.warnings: List[ValuesWarning] = []  # unquoted placeholders whose value becomes null

    def value_of(self, name: str, where: "ValueSite") -> str:
        """The text placeholder ``name`` resolves to, computed once; errors are located at ``where``."""
        if name not in self.values:
            placeholder = self.placeholders.get(name)
            assert placeholder is not None
            try:
                value = placeholder.resolver(self.ctx)
            except ProfileRenderError as exc:
                raise where.error(exc.problem, exc.hint) from None
            except Exception as exc:  # a custom resolver failed
                raise where.error(f"the resolver of %{name}% failed ({type(exc).__name__})",
                                  "fix the custom placeholder's resolver") from None
            if not isinstance(value, str):
                raise where.error(f"the resolver of %{name}% returned {type(value).__name__}, not text",
                                  "placeholder resolvers must return str")
            self.values[name] = value
        self.used.add(name)
        return self.values[name]

    def substitute(self, text: str, where: "ValueSite", keep: Collection[int] = ()) -> str:
        """Substitute every placeholder in one string, single pass; raise on near misses.

        Tokens starting at an offset in ``keep`` stay as written: YAML escapes
        spelt them, so the reference's text replacement never saw them.
        """
        return self._substitute(text, where, keep)[0]

    def _substitute(self, text: str, where: "ValueSite", keep: Collection[int] = ()) -> Tuple[str, List[str]]:
        """:meth:`substitute`, and the texts the placeholders became, in order."""
        out: List[str] = []
        inserted: List[str] = []
        last = 0
        for hit in sorted(self.placeholders.scan(text), key=lambda h: h.start):
            if hit.start < last or hit.start in keep:
                continue
            if not hit.known:
                raise where.error(
                    f"{text[hit.start:hit.end]!r} looks like a misspelt placeholder",
                    f"did you mean '%{hit.suggestion}%'? Placeholders are case-sensitive and need a % on each side")
            out.append(text[last:hit.start])
            inserted.append(self.value_of(hit.name, where))
            out.append(inserted[-1])
            last = hit.end
        if last == 0:
            return text, inserted
        out.append(text[last:])
        return "".join(out), inserted

    def reread(self, text: str, scalar: UnquotedScalar, where: "ValueSite") -> Any:
        """An unquoted scalar's text resolved and read as the plain scalar Helm reads after the reference's replacement.

        A value that becomes null is predicted null (what the reference
        deploys) with a warning; text the reference would not read as one
        plain scalar of that text is an error naming both readings.
        """
        from profile_render.yamlio.unquoted import UnquotedProblem, double_quoted, read_unquoted  # unquoted only

        resolved, inserted = self._substitute(text, where)
        what = "key" if scalar.in_key else "value"
        try:
            value = read_unquoted(resolved, inserted, in_key=scalar.in_key, tag=scalar.tag, flow=scalar.flow,
                                  leading=scalar.leading, line_start=scalar.column == 1)
        except UnquotedProblem as problem:
            raise where.error(
                f"the unquoted {what} {text!r} becomes {resolved!r}; the Edge Orchestrator replaces the text "
                f"before parsing and so reads {problem.reading}, while quoted it would be the string {resolved!r}",
                f"quote the {what} (e.g. {double_quoted(text)}) to keep it a string, or change what the placeholder "
                "becomes") from None
        if value is None:
            self.warnings.append(where.warning(
                "unquoted-placeholder",
                f"the unquoted value {text!r} becomes {resolved!r}, which the Edge Orchestrator reads as null "
                f"(a null deletes the chart's default), not as the string {resolved!r}",
                f"quote the value (e.g. {double_quoted(text)}) to keep the string"))
        return value


class ValueSite(MutableRecord):
    """Where a string sits (source, value path, and a way to find its line), for error messages.

    ``locate`` maps a value path to a 1-based (line, column) in ``source``
    when the source was read from YAML (``LoadedValues.locate``).
    """

    _fields = ("source", "path", "locate", "layer", "spot")
    source: str
    path: Tuple[Any, ...]
    locate: Optional[Callable[[Tuple[Any, ...]], Optional[Tuple[int, int]]]]
    layer: str
    spot: Optional[Tuple[int, int]]  # the string's own (line, column), when the reader recorded it

    def __init__(self, source: str, path: Tuple[Any, ...],
                 locate: Optional[Callable[[Tuple[Any, ...]], Optional[Tuple[int, int]]]] = None, layer: str = "",
                 spot: Optional[Tuple[int, int]] = None) -> None:
        self._set("source", source)
        self._set("path", path)
        self._set("locate", locate)
        self._set("layer", layer)
        self._set("spot", spot)

    def position(self) -> Tuple[Optional[int], Optional[int]]:
        """The 1-based (line, column) of this site, or (None, None) when it cannot be found."""
        if self.spot is not None:
            return self.spot
        if self.locate is not None and self.path:
            spot = self.locate(self.path)
            if spot is not None:
                return spot
        return None, None

    def error(self, problem: str, hint: Optional[str],
              error_class: "type[PlaceholderError]" = PlaceholderError) -> PlaceholderError:
        """A PlaceholderError (or ``error_class``) located at this site, with its line and column when known."""
        line, column = self.position()
        return error_class(problem, source=self.source, line=line, column=column, path=self.path, hint=hint)

    def warning(self, rule: str, message: str, hint: str) -> ValuesWarning:
        """A warning located at this site."""
        line, column = self.position()
        return ValuesWarning(rule, message, self.source, line, column, self.path, hint)


def resolve_tree(
    tree: Any,
    resolution: Resolution,
    *,
    source: str,
    locate: Optional[Callable[[Tuple[Any, ...]], Optional[Tuple[int, int]]]] = None,
    path: Tuple[Any, ...] = (),
    unquoted: Sequence[UnquotedScalar] = (),
    escaped: Sequence[EscapedToken] = (),
) -> Any:
    """A copy of a values tree with placeholders substituted in string values and mapping keys.

    Keys are resolved like values (single pass, one string at a time) and
    keep their order; two keys of one mapping that become equal after
    resolution are a located error naming both. Child paths (and so error
    locations) use the keys as written in the source. ``unquoted`` lists the
    values and keys that were unquoted scalars (``LoadedValues.unquoted``):
    their resolved text is read as Helm reads a plain scalar
    (:meth:`Resolution.reread`). ``escaped`` lists the tokens YAML escapes
    spelt (``LoadedValues.escaped``): they stay as written, as the reference
    deploys them.
    """
    sites = {(scalar.path, scalar.in_key): scalar for scalar in unquoted}
    kept = {(token.path, token.in_key): frozenset(token.starts) for token in escaped}
    return _resolve(tree, resolution, source, locate, path, sites, kept)


def _resolve(tree: Any, resolution: Resolution, source: str,
             locate: Optional[Callable[[Tuple[Any, ...]], Optional[Tuple[int, int]]]], path: Tuple[Any, ...],
             sites: Dict[Tuple[Tuple[Any, ...], bool], UnquotedScalar],
             kept: Dict[Tuple[Tuple[Any, ...], bool], FrozenSet[int]]) -> Any:
    """The body of :func:`resolve_tree` (by path and key flag: ``sites`` unquoted scalars, ``kept`` escaped tokens)."""
    if isinstance(tree, str):
        if "%" not in tree:
            return tree
        scalar = sites.get((path, False)) if sites else None
        if scalar is not None:
            return resolution.reread(tree, scalar, ValueSite(source, path, locate, spot=(scalar.line, scalar.column)))
        return resolution.substitute(tree, ValueSite(source, path, locate), kept.get((path, False), ()))
    if isinstance(tree, dict):
        out: Dict[Any, Any] = {}
        written: Dict[Any, Any] = {}  # resolved key -> the key as written
        for key, value in tree.items():
            new_key = key
            if isinstance(key, str) and "%" in key:
                scalar = sites.get((path + (key,), True)) if sites else None
                if scalar is not None:
                    new_key = resolution.reread(key, scalar, ValueSite(source, path + (key,), locate,
                                                                       spot=(scalar.line, scalar.column)))
                else:
                    new_key = resolution.substitute(key, ValueSite(source, path + (key,), locate),
                                                    kept.get((path + (key,), True), ()))
            if new_key in written:
                first = written[new_key]
                where = ValueSite(source, path + (key,), locate)
                raise where.error(
                    f"the keys {first!r} and {key!r} of one mapping both become {new_key!r} "
                    "after placeholder resolution",
                    "rename one of the keys so that they stay distinct once placeholders are substituted",
                    PlaceholderKeyCollisionError)
            written[new_key] = key
            out[new_key] = _resolve(value, resolution, source, locate, path + (key,), sites, kept)
        return out
    if isinstance(tree, list):
        return [_resolve(v, resolution, source, locate, path + (i,), sites, kept) for i, v in enumerate(tree)]
    return tree


def find_placeholders(tree: Any, placeholders: Placeholders, path: Tuple[Any, ...] = ()) -> Iterator[Tuple[Tuple[Any, ...], str, bool]]:
    """Yield (path, text, in_key) for every string or key in a tree holding a placeholder or near miss."""
    for where, text, in_key in iter_strings(tree, path):
        if "%" in text and placeholders.contains(text):
            yield where, text, in_key

