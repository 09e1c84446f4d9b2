"""Manifest checks: is the image-pull Secret wired where Kubernetes, KubeVirt and CDI read it?

:func:`check_manifests` reads rendered Kubernetes objects (``helm template``
output, or a list of dicts) and reports, as findings (located
:class:`~profile_render.problems.Diagnostic` records with the object's
document index, kind and name),
every place where a pull secret is missing, misplaced, malformed, in the wrong
namespace or unknown; CDI DataVolumes with a bad URL scheme, no ``secretRef``
or a ``certConfigMap`` that is absent or holds no certificate; leftover
placeholders; and the structural slips of the reference documentation
(``spec:`` at the wrong level, ``url`` beside ``registry:`` instead of under it,
``imagePullSecrets`` inside a container).

Where the pull secret goes (the contract the checks encode):

* Pods and pod templates: ``imagePullSecrets: [{name: <secret>}]`` on the pod
  spec (``spec`` of a Pod, ``spec.template.spec`` of a Deployment, StatefulSet,
  DaemonSet, ReplicaSet, ReplicationController or Job,
  ``spec.jobTemplate.spec.template.spec`` of a CronJob), or on the pod's
  ServiceAccount;
* KubeVirt: ``volumes[].containerDisk.imagePullSecret: <secret>`` (one name, a
  string) in the VMI spec (``spec`` of a VirtualMachineInstance,
  ``spec.template.spec`` of a VirtualMachine, ``spec.virtualMachineTemplate
  .spec.template.spec`` of a VirtualMachinePool);
* CDI: ``source.registry.secretRef: <secret>`` in a DataVolume spec (a
  DataVolume object, or ``spec.dataVolumeTemplates[].spec`` of a VM); CDI reads
  the Secret's ``accessKeyId`` and ``secretKey`` keys.

Each rule is one function with its id, severity and documentation in
:mod:`profile_render.checks.rules`; :mod:`profile_render.checks.driver` finds
the places to check in each object and runs the rules on them. The checks are
pure functions of their inputs: nothing global is kept and nothing is fetched.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.checks.context import CheckContext, objects_of
from profile_render.checks.driver import run_rules
from profile_render.checks.images import ImageReference, parse_image_reference
from profile_render.checks.inputs import (
    RENDER_JSON_LIMITS,
    CheckInputError,
    CheckInputLimitError,
    RenderShapeError,
    load_render_json,
    private_registry_host,
)
from profile_render.checks.read import ManifestError, Positions, read_manifests
from profile_render.checks.render_facts import gather_render
from profile_render.checks.rules import ALL_RULES
from profile_render.errors import resource_guard
from profile_render.problems import Diagnostic, ManifestFinding, Rule

__all__ = [
    "ManifestFinding",
    "ManifestError",
    "CheckInputError",
    "CheckInputLimitError",
    "RenderShapeError",
    "RENDER_JSON_LIMITS",
    "load_render_json",
    "private_registry_host",
    "Positions",
    "ImageReference",
    "RULES",
    "RULE_INFO",
    "read_manifests",
    "check_manifests",
    "parse_image_reference",
]

#: Every rule: id -> (severity, what it finds), from the rule definitions. docs/manifest-checks.md describes each.
RULES: Mapping[str, Tuple[str, str]] = MappingProxyType({rule.id: (rule.severity, rule.summary) for rule in ALL_RULES})

#: The rules as reporters describe them (SARIF's tool.driver.rules).
RULE_INFO: Tuple[Rule, ...] = tuple(rule.info for rule in ALL_RULES)


@resource_guard
def check_manifests(
    manifests: Union[str, bytes, bytearray, Sequence[Any]],
    *,
    private_registries: Iterable[str] = (),
    pull_secrets: Iterable[str] = (),
    external_config_maps: Iterable[str] = (),
    render: Any = None,
    namespace: Optional[str] = None,
    source: Optional[str] = None,
    render_source: str = "<render>",
) -> List[Diagnostic]:
    """Check rendered manifests for pull-secret, DataVolume, namespace and placeholder problems.

    ``manifests`` is YAML text/bytes (read with :func:`read_manifests`, named
    ``source``), a list of object dicts, or a list of (dict, :class:`Positions`)
    pairs as :func:`read_manifests` returns. ``private_registries`` are registry
    hosts (``host[:port]``, URLs accepted) whose images need a pull secret;
    ``pull_secrets`` are Secret names created outside the manifests;
    ``external_config_maps`` are ConfigMap names (``name`` or
    ``namespace/name``) created outside them. ``render`` is a
    :class:`~profile_render.rendering.RenderResult`, its ``to_dict()`` form, or a
    ``{"applications": {...}}`` package render: the registry hosts of its pull
    Secret, its Secret and ConfigMap objects, the generated Secret's name and
    namespace are then used too. ``namespace`` is the release namespace
    (objects without ``metadata.namespace`` live there); it defaults to the
    generated Secret's namespace when there is one. Findings come in document
    order, and in text order within a document when positions are known.

    Unusable inputs are errors: manifests that cannot be read are a
    :class:`ManifestError`; a private registry that is not a host, or a plain
    ``render`` (dicts and lists, as :func:`load_render_json` reads
    ``--render-json``) without a render's shape, a :class:`CheckInputError` at
    its value path (``render_source`` names the render; a :class:`RenderShapeError`
    is also a TypeError, a CheckInputError also a ValueError, as before).
    Arguments of the wrong type are a TypeError.

    >>> pod = '''\\
    ... apiVersion: v1
    ... kind: Pod
    ... metadata:
    ...   name: web
    ... spec:
    ...   containers:
    ...     - name: web
    ...       image: registry.example.com/team/web:1.0
    ... '''
    >>> for finding in check_manifests(pod, private_registries=["registry.example.com"], source="pod.yaml"):
    ...     print(finding.rule, finding.line, finding.column)
    private-image-without-pull-secret 8 7
    """
    if isinstance(manifests, (str, bytes, bytearray)):
        items: List[Tuple[Any, Optional[Positions]]] = list(
            read_manifests(manifests, source=source or "<stdin>"))
    else:
        items = []
        for entry in manifests:
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Positions):
                items.append((entry[0], entry[1]))
            else:
                items.append((entry, None))
    for group in (private_registries, pull_secrets, external_config_maps):
        if isinstance(group, str):
            raise TypeError("private_registries, pull_secrets and external_config_maps take lists of names")
    if namespace is not None and not isinstance(namespace, str):
        raise TypeError("namespace is a namespace name (str) or None")
    facts = gather_render(render, render_source)
    private = set(facts.hosts)
    for i, entry in enumerate(private_registries):
        private.add(private_registry_host(entry, source=f"private_registries[{i}]"))
    if namespace is None:
        spaces = {ns for _, ns in facts.generated if ns}
        namespace = spaces.pop() if len(spaces) == 1 else None
    context = CheckContext(objects_of(items, namespace), facts, private, set(pull_secrets), set(external_config_maps),
                           namespace, source)
    findings = run_rules(context)
    return sorted(findings, key=lambda f: (f.document, f.line or 0, f.column or 0))
