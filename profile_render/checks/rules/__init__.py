"""The manifest rules, one function each (see :mod:`profile_render.checks.rules.base`).

:data:`ALL_RULES` is every rule, in the order rules run at a site (a hook's
Secret is reported before the Secret's namespace, a container's misplaced
``imagePullSecrets`` before its unpullable image); :func:`rules_for` gives the
rules that check one kind of site.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Dict, List, Mapping, Tuple

from profile_render.checks.rules.base import ManifestRule
from profile_render.checks.rules.cdi import (
    cert_configmap_key,
    cert_configmap_missing,
    cert_configmap_no_certificate,
    datavolume_missing_secret_ref,
    datavolume_url_scheme,
    secret_missing_cdi_keys,
)
from profile_render.checks.rules.kubevirt import containerdisk_missing_pull_secret
from profile_render.checks.rules.pods import (
    private_image_without_pull_secret,
    pull_secret_in_container,
    pull_secret_not_object,
    pull_secrets_not_list,
)
from profile_render.checks.rules.secrets import (
    empty_pull_secret_name,
    hook_pull_secret_not_pre_installed,
    namespace_mismatch,
    pull_secret_not_string,
    unknown_pull_secret,
)
from profile_render.checks.rules.structure import duplicate_key, leftover_placeholder, misplaced_field

__all__ = ["ALL_RULES", "rules_for"]

ALL_RULES: Tuple[ManifestRule, ...] = (
    duplicate_key,
    misplaced_field,
    pull_secret_in_container,
    pull_secrets_not_list,
    pull_secret_not_object,
    private_image_without_pull_secret,
    pull_secret_not_string,
    empty_pull_secret_name,
    hook_pull_secret_not_pre_installed,
    namespace_mismatch,
    unknown_pull_secret,
    containerdisk_missing_pull_secret,
    datavolume_url_scheme,
    secret_missing_cdi_keys,
    datavolume_missing_secret_ref,
    cert_configmap_missing,
    cert_configmap_no_certificate,
    cert_configmap_key,
    leftover_placeholder,
)


def _by_site() -> Mapping[type, Tuple[ManifestRule, ...]]:
    index: Dict[type, List[ManifestRule]] = {}
    for rule in ALL_RULES:
        for site in rule.sites:
            index.setdefault(site, []).append(rule)
    return MappingProxyType({site: tuple(rules) for site, rules in index.items()})


_BY_SITE = _by_site()


def rules_for(site_type: type) -> Tuple[ManifestRule, ...]:
    """The rules that check sites of ``site_type``, in the order they run."""
    return _BY_SITE.get(site_type, ())
