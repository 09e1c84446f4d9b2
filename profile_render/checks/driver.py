"""The manifest-check driver: find the sites in each object, run the rules on them, collect findings.

For each object the driver yields, in this order: the object itself; per
kind, the spec (reporting spec keys and ``spec:`` blocks it finds above the
level where the spec belongs), the pull-secret fields, their entries and the
Secret names they mean, containers, containerDisks, and DataVolume registry
sources; last, every string holding a ``%``. Each site goes to the rules that
check its kind (:func:`~profile_render.checks.rules.rules_for`); a problem
reported twice at the same place is kept once.
"""

from __future__ import annotations

from typing import Any, Generator, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from profile_render.checks.context import CheckContext, ObjectView, kind_matches
from profile_render.checks.rules import rules_for
from profile_render.checks.rules.base import Hit, ManifestRule
from profile_render.checks.sites import (
    CONTAINER_LISTS,
    DATA_VOLUME_GROUPS,
    DV_SPEC_KEYS,
    POD_SPEC_KEYS,
    POD_SPEC_KINDS,
    VM_KINDS,
    VM_PULL_SECRETS_WHY,
    VM_SPEC_KEYS,
    CertConfigMapRef,
    Container,
    ContainerDisk,
    Misplacement,
    ObjectSite,
    PullSecretEntry,
    PullSecretList,
    RegistryImport,
    RegistryUrl,
    SecretField,
    SecretReference,
    Site,
    SpecSite,
    Text,
)
from profile_render.checks.tree import FieldPath, get_path
from profile_render.problems import Diagnostic, ManifestFinding, format_path

__all__ = ["run_rules", "sites_of"]

# A generator of sites that also returns a value (the spec path found, the Secret names meant).
Sites = Generator[Site, None, Any]


def run_rules(ctx: CheckContext) -> List[Diagnostic]:
    """Every finding of every rule on every object of ``ctx``, in the order the sites come."""
    findings: List[Diagnostic] = []
    seen: Set[Tuple[Any, ...]] = set()
    for o in ctx.objects:
        for site in sites_of(o, ctx):
            for rule in rules_for(type(site)):
                for hit in rule.check(ctx, site):
                    key = (o.document, o.base, rule.id, hit.path, hit.message)
                    if key not in seen:
                        seen.add(key)
                        findings.append(_finding(o, rule, hit, ctx.source))
    return findings


def _finding(o: ObjectView, rule: ManifestRule, hit: Hit, source: Optional[str]) -> Diagnostic:
    line = column = None
    if o.positions is not None:
        spot = o.positions.locate(o.base + hit.path)
        if spot is not None:
            line, column = spot
    return ManifestFinding(rule.id, rule.severity, o.document, o.kind, o.name, hit.path, hit.message, hit.fix,
                           o.positions.source if o.positions is not None else source, line, column)


def sites_of(o: ObjectView, ctx: CheckContext) -> Iterator[Site]:
    """The sites of one object, in the order the rules see them."""
    yield ObjectSite(o, ())
    kind = o.kind
    if kind in POD_SPEC_KINDS and kind_matches(o.obj, POD_SPEC_KINDS[kind][0]):
        yield from _workload(o, ctx, POD_SPEC_KINDS[kind][1])
    elif kind in VM_KINDS and kind_matches(o.obj, VM_KINDS[kind][0]):
        yield from _virtual_machine(o, *VM_KINDS[kind][1:])
    elif kind == "DataVolume" and kind_matches(o.obj, DATA_VOLUME_GROUPS):
        spec = yield from _locate(o, (), ("spec",), DV_SPEC_KEYS)
        if spec is not None:
            yield from _data_volume(o, spec)
    elif kind == "ServiceAccount":
        yield from _pull_secret_list(o, ("imagePullSecrets",))
    yield from _texts(o, o.obj, ())


def _locate(o: ObjectView, base: FieldPath, expected: FieldPath, content: Sequence[str], also: Sequence[str] = (),
            fix_also: Optional[FieldPath] = None, why_also: str = "") -> Sites:
    """Find the spec at base+expected, yielding a :class:`Misplacement` for spec keys found at a shallower level.

    Returns the path to check: the expected one when it exists, else the
    misplaced block that holds the spec's keys (so its content is checked
    too), else None. Keys in ``also`` found on the way are misplaced too
    (``fix_also`` and ``why_also`` say where they go and why).
    """
    node = get_path(o.obj, base)
    candidate: Optional[FieldPath] = None
    for i, step in enumerate(expected):
        if not isinstance(node, dict):
            break
        prefix = base + expected[:i]
        for key in tuple(content) + tuple(also):
            if key in node:
                if key in content:
                    yield Misplacement(o, prefix + (key,), base + expected + (key,),
                                       f"it belongs to the spec at {format_path(base + expected)}")
                    candidate = candidate or prefix
                else:
                    yield Misplacement(o, prefix + (key,), fix_also or base + expected + (key,), why_also)
        inner = node.get("spec")
        if step != "spec" and isinstance(inner, dict) and any(k in inner for k in content):
            yield Misplacement(o, prefix + ("spec",), base + expected,
                               f"this `spec:` is not under `{step}:` (an indentation slip?), so "
                               f"{format_path(base + expected)} is missing")
            candidate = candidate or prefix + ("spec",)
        node = node.get(step)
    if isinstance(node, dict):
        return base + expected
    return candidate


def _workload(o: ObjectView, ctx: CheckContext, expected: FieldPath) -> Sites:
    spec_path = yield from _locate(o, (), expected, POD_SPEC_KEYS, ("imagePullSecrets",),
                                   why_also="Kubernetes reads `imagePullSecrets` only on the pod spec")
    if spec_path is None:
        return
    yield SpecSite(o, spec_path, "pod")
    spec = get_path(o.obj, spec_path)
    names = yield from _pull_secret_list(o, spec_path + ("imagePullSecrets",))
    if not names:
        account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        names = ctx.accounts.get((account, o.namespace), [])
    for field_name in CONTAINER_LISTS:
        containers = spec.get(field_name)
        if not isinstance(containers, list):
            continue
        for i, container in enumerate(containers):
            if isinstance(container, dict):
                yield Container(o, spec_path + (field_name, i), spec_path, field_name, i, container, tuple(names))


def _pull_secret_list(o: ObjectView, path: FieldPath) -> Sites:
    """Yield an imagePullSecrets field, its entries and the Secret names they mean; return those names.

    The names include those written badly (a bare string, a single object), so
    a pod is not also reported for having no pull secret.
    """
    value = get_path(o.obj, path)
    if value is None:
        return []
    yield PullSecretList(o, path, value)
    if not isinstance(value, list):
        if isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"]:
            return [value["name"]]
        return [value] if isinstance(value, str) and value else []
    names: List[str] = []
    for i, item in enumerate(value):
        entry = PullSecretEntry(o, path + (i,), i, item)
        yield entry
        if isinstance(item, str):
            if item:
                names.append(item)
                yield SecretReference(o, path + (i,), item, "Kubernetes")
        elif isinstance(entry.name, str) and entry.name:
            names.append(entry.name)
            yield SecretReference(o, path + (i, "name"), entry.name, "Kubernetes")
    return names


def _secret_field(o: ObjectView, holder: Mapping[str, Any], key: str, path: FieldPath, what: str, reader: str,
                  fix: str) -> Iterator[Site]:
    yield SecretField(o, path, holder, key, what, reader, fix)
    secret = holder.get(key)
    if isinstance(secret, str) and secret:
        yield SecretReference(o, path, secret, reader)


def _virtual_machine(o: ObjectView, expected: FieldPath, templates: Optional[FieldPath]) -> Sites:
    spec_path = yield from _locate(o, (), expected, VM_SPEC_KEYS, ("imagePullSecrets",),
                                   fix_also=expected + ("volumes", 0, "containerDisk", "imagePullSecret"),
                                   why_also=VM_PULL_SECRETS_WHY)
    if spec_path is not None:
        yield from _vm_spec(o, spec_path)
    if templates is None:
        return
    items = get_path(o.obj, templates)
    free = None
    if isinstance(items, list):
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            if free is None and not isinstance(item.get("spec"), dict):
                free = i
            dv = yield from _locate(o, templates + (i,), ("spec",), DV_SPEC_KEYS)
            if dv is not None:
                yield from _data_volume(o, dv)
    # a DataVolume spec that slipped out of its template, to the level of dataVolumeTemplates
    parent = templates[:-1]
    stray = get_path(o.obj, parent + ("spec",))
    if isinstance(stray, dict) and any(k in stray for k in DV_SPEC_KEYS) \
            and not any(k in stray for k in VM_SPEC_KEYS):
        index = free if free is not None else (len(items) if isinstance(items, list) else 0)
        yield Misplacement(o, parent + ("spec",), templates + (index, "spec"),
                           f"this DataVolume spec is not inside its {templates[-1]} entry (an indentation slip?)")
        yield from _data_volume(o, parent + ("spec",))


def _vm_spec(o: ObjectView, spec_path: FieldPath) -> Iterator[Site]:
    yield SpecSite(o, spec_path, "vm")
    volumes = get_path(o.obj, spec_path + ("volumes",))
    if not isinstance(volumes, list):
        return
    for i, volume in enumerate(volumes):
        disk = volume.get("containerDisk") if isinstance(volume, dict) else None
        if not isinstance(disk, dict):
            continue
        at = spec_path + ("volumes", i, "containerDisk")
        yield from _secret_field(o, disk, "imagePullSecret", at + ("imagePullSecret",),
                                 "containerDisk.imagePullSecret", "KubeVirt",
                                 "write `imagePullSecret: <secret>` (not a list of {name: ...} as for pods)")
        yield ContainerDisk(o, at, disk)


def _data_volume(o: ObjectView, spec_path: FieldPath) -> Iterator[Site]:
    yield SpecSite(o, spec_path, "dv")
    registry_path = spec_path + ("source", "registry")
    registry = get_path(o.obj, registry_path)
    if not isinstance(registry, dict):
        return
    yield RegistryUrl(o, registry_path, registry)
    yield from _secret_field(o, registry, "secretRef", registry_path + ("secretRef",), "source.registry.secretRef",
                             "CDI", "write `secretRef: <secret>`")
    yield RegistryImport(o, registry_path, registry)
    if "certConfigMap" in registry:
        yield CertConfigMapRef(o, registry_path + ("certConfigMap",), registry.get("certConfigMap"))


def _texts(o: ObjectView, node: Any, path: FieldPath) -> Iterator[Site]:
    if isinstance(node, str):
        if "%" in node:
            yield Text(o, path, node, "value")
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and "%" in key:
                yield Text(o, path + (key,), key, "key")
            yield from _texts(o, value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(o, value, path + (i,))
