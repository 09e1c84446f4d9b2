"""Rules for Secret references: empty or malformed names, other namespaces, unknown Secrets, pre-install hooks."""

from __future__ import annotations

from typing import Iterator, Union

from profile_render.checks.context import CheckContext, is_pre_install_hook
from profile_render.checks.rules.base import Hit, rule
from profile_render.checks.sites import PullSecretEntry, SecretField, SecretReference
from profile_render.errors import describe_value
from profile_render.problems import ERROR, WARNING

__all__ = ["pull_secret_not_string", "empty_pull_secret_name", "hook_pull_secret_not_pre_installed",
           "namespace_mismatch", "unknown_pull_secret"]


@rule("pull-secret-not-string", ERROR, SecretField)
def pull_secret_not_string(ctx: CheckContext, site: SecretField) -> Iterator[Hit]:
    """containerDisk.imagePullSecret or a DataVolume secretRef that is not a name

    Both take the name of one Secret, a string; a list of ``{name: ...}``
    (the pod form) is the usual slip.
    """
    secret = site.holder.get(site.key)
    if secret is not None and not isinstance(secret, str):
        yield Hit(site.path,
                  f"{site.what} is {describe_value(secret, mapping='a mapping')}; {site.reader} expects the name "
                  "of one Secret, a string", site.fix)


@rule("empty-pull-secret-name", WARNING, PullSecretEntry, SecretField)
def empty_pull_secret_name(ctx: CheckContext, site: Union[PullSecretEntry, SecretField]) -> Iterator[Hit]:
    """a pull-secret reference with an empty name

    Usually a template value the Profile was meant to set; no Secret is used.
    """
    if isinstance(site, PullSecretEntry):
        if site.name == "" and not isinstance(site.item, str):
            yield Hit(site.path + ("name",),
                      f"imagePullSecrets[{site.index}] has an empty name, so no Secret is used (was the value meant "
                      "to be set by the Profile?)",
                      "set the name, e.g. to '%GeneratedDockerCredential%' in the Profile's values, or drop the entry")
        return
    secret = site.holder.get(site.key)
    if secret == "" or (secret is None and site.key in site.holder):
        yield Hit(site.path,
                  f"{site.what} is empty, so no Secret is used (was the value meant to be set by the Profile?)",
                  "set it, e.g. to '%GeneratedDockerCredential%' in the Profile's values")


@rule("hook-pull-secret-not-pre-installed", ERROR, SecretReference)
def hook_pull_secret_not_pre_installed(ctx: CheckContext, site: SecretReference) -> Iterator[Hit]:
    """a pre-install hook pulls with the generated Secret, which is only deployed with the chart (after the hook)

    Needs a render to know where the generated Secret goes: with
    ``'%PreHookCredential%'`` in the Profile it is in ``preInstallManifests``
    and the hook can use it.
    """
    if ctx.has_placeholder(site.name):
        return  # leftover-placeholder says it
    if site.name in ctx.with_chart and is_pre_install_hook(site.obj.obj):
        yield Hit(site.path,
                  f"this pre-install hook pulls with the generated Secret {site.name!r}, but that Secret is deployed "
                  "with the chart, after pre-install hooks run, so the hook's image pull fails",
                  "add '%PreHookCredential%' to the Profile's values (e.g. as the hook's pull secret) so the "
                  "Secret is deployed before the chart")


@rule("namespace-mismatch", ERROR, SecretReference)
def namespace_mismatch(ctx: CheckContext, site: SecretReference) -> Iterator[Hit]:
    """an object using a Secret that lives in another namespace

    Secrets are namespaced. Reported at ``metadata.namespace`` when the object
    pins its namespace there; no comparison is made where a namespace is
    unknown.
    """
    o, name = site.obj, site.name
    if ctx.has_placeholder(name):
        return
    records = ctx.secrets.get(name, [])
    spaces = {r.namespace for r in records}
    if not records or o.namespace is None or None in spaces or o.namespace in spaces:
        return
    there = ", ".join(sorted(s for s in spaces if s))
    which = "the generated Secret" if name in ctx.generated else "Secret"
    if o.pinned is not None:
        yield Hit(("metadata", "namespace"),
                  f"{which} {name!r} lives in namespace {there}, but this {o.kind} is pinned to namespace "
                  f"{o.pinned!r} (metadata.namespace), where that Secret does not exist; Secrets are "
                  "namespaced, so the pull fails",
                  f"remove the hard-coded metadata.namespace so the object is installed in {there}, or "
                  f"provide the Secret in {o.pinned!r}")
    else:
        yield Hit(site.path,
                  f"{which} {name!r} lives in namespace {there}, but this {o.kind} is installed in "
                  f"namespace {o.namespace!r}; Secrets are namespaced, so the pull fails",
                  f"install the release in {there}, or provide the Secret in {o.namespace!r}")


@rule("unknown-pull-secret", WARNING, SecretReference)
def unknown_pull_secret(ctx: CheckContext, site: SecretReference) -> Iterator[Hit]:
    """a pull-secret name that is neither generated, given, nor in the manifests

    A warning: the Secret may exist in the cluster (declare it with
    ``pull_secrets=`` / ``--pull-secret``).
    """
    name = site.name
    if ctx.has_placeholder(name) or ctx.secrets.get(name) or name in ctx.known:
        return
    yield Hit(site.path,
              f"Secret {name!r} is neither the generated pull Secret, nor a given one, nor in the manifests",
              "use '%GeneratedDockerCredential%' in the Profile for the application's registry, add the Secret "
              "to the chart, or declare it (pull_secrets=...) when it is created outside the chart")
