"""Rules for pods and pod templates: where ``imagePullSecrets`` goes and what shape it has."""

from __future__ import annotations

from typing import Iterator

from profile_render.checks.context import CheckContext
from profile_render.checks.rules.base import Hit, rule
from profile_render.checks.sites import Container, PullSecretEntry, PullSecretList
from profile_render.errors import describe_value
from profile_render.problems import ERROR, format_path

__all__ = ["pull_secret_in_container", "pull_secrets_not_list", "pull_secret_not_object",
           "private_image_without_pull_secret"]


@rule("pull-secret-in-container", ERROR, Container)
def pull_secret_in_container(ctx: CheckContext, site: Container) -> Iterator[Hit]:
    """imagePullSecrets inside a container instead of on the pod spec

    Kubernetes has no pull-secret field on containers and drops this one.
    """
    at = site.spec_path + (site.field, site.index)
    on_pod = format_path(site.spec_path + ("imagePullSecrets",))
    for wrong in ("imagePullSecrets", "imagePullSecret"):
        if wrong in site.container:
            yield Hit(at + (wrong,),
                      f"`{wrong}` is set inside {site.field}[{site.index}]; Kubernetes reads pull secrets only "
                      f"from the pod spec ({on_pod}) and ignores this one",
                      f"move it out of the container to {on_pod}" ", as a list of {name: <secret>}")


@rule("pull-secrets-not-list", ERROR, PullSecretList)
def pull_secrets_not_list(ctx: CheckContext, site: PullSecretList) -> Iterator[Hit]:
    """imagePullSecrets that is not a list

    Kubernetes rejects the object. The name it seems to mean still counts for
    the other rules, so one slip is reported once.
    """
    if not isinstance(site.value, list):
        yield Hit(site.path, f"imagePullSecrets is {describe_value(site.value, mapping='a mapping')}, not a list",
                  "write it as a list of objects: imagePullSecrets: [{name: <secret>}]")


@rule("pull-secret-not-object", ERROR, PullSecretEntry)
def pull_secret_not_object(ctx: CheckContext, site: PullSecretEntry) -> Iterator[Hit]:
    """an imagePullSecrets entry that is not {name: <secret>}

    A bare string (``- regcred``) is the common case; Kubernetes rejects the
    manifest.
    """
    item, i = site.item, site.index
    if isinstance(item, str):
        yield Hit(site.path,
                  f"imagePullSecrets[{i}] is the bare string {item!r}; Kubernetes expects an object "
                  "{name: <secret>} and rejects the manifest",
                  f"write it as `- name: {item}`" if item else "write it as `- name: <secret>`")
        return
    name = site.name
    if not isinstance(name, str):
        what = (f"an entry whose name is {describe_value(name)}" if isinstance(item, dict) and "name" in item
                else describe_value(item, mapping="a mapping without a name"))
        yield Hit(site.path, f"imagePullSecrets[{i}] is {what}, not {{name: <secret>}}",
                  "write each entry as `- name: <secret>`")


@rule("private-image-without-pull-secret", ERROR, Container)
def private_image_without_pull_secret(ctx: CheckContext, site: Container) -> Iterator[Hit]:
    """a container image on a private registry, with no pull secret on the pod

    Neither the pod spec nor the pod's ServiceAccount names a pull secret,
    so the kubelet pulls anonymously and the registry refuses.
    """
    host = ctx.private_host(site.container.get("image"))
    if host is not None and not site.pull_secrets:
        yield Hit(site.spec_path + (site.field, site.index, "image"),
                  f"image {site.container['image']!r} is on the private registry {host}, but the pod spec has "
                  "no imagePullSecrets, so the pull will fail",
                  f"set {format_path(site.spec_path + ('imagePullSecrets',))} to [{{name: {ctx.suggest}}}]; "
                  "with the Edge Orchestrator, make the name configurable and set it to "
                  "'%GeneratedDockerCredential%' in the Profile")
