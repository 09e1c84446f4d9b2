"""Rules for KubeVirt virtual machines: containerDisk images on private registries."""

from __future__ import annotations

from typing import Iterator

from profile_render.checks.context import CheckContext
from profile_render.checks.rules.base import Hit, rule
from profile_render.checks.sites import ContainerDisk
from profile_render.problems import ERROR, format_path

__all__ = ["containerdisk_missing_pull_secret"]


@rule("containerdisk-missing-pull-secret", ERROR, ContainerDisk)
def containerdisk_missing_pull_secret(ctx: CheckContext, site: ContainerDisk) -> Iterator[Hit]:
    """a containerDisk image on a private registry without imagePullSecret

    KubeVirt reads one Secret name per containerDisk (``imagePullSecret``);
    the VM's pod gets no other pull secret.
    """
    secret = site.disk.get("imagePullSecret")
    host = ctx.private_host(site.disk.get("image"))
    if host is not None and (secret is None or secret == ""):
        field = site.path + ("imagePullSecret",)
        yield Hit(field,
                  f"containerDisk image {site.disk['image']!r} is on the private registry {host}, but the "
                  "containerDisk has no imagePullSecret",
                  f"set {format_path(field)} to the Secret's name (with the Edge Orchestrator: "
                  "'%GeneratedDockerCredential%' in the Profile)")
