"""Manifest checks: pull secrets for pods, KubeVirt containerDisks and CDI DataVolumes, read from rendered YAML."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import subprocess
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from profile_render.errors import ProfileRenderError, format_path
from profile_render.checks.manifests import (
    RULES,
    ImageReference,
    ManifestError,
    ManifestFinding,
    Positions,
    check_manifests,
    parse_image_reference,
    read_manifests,
)
from profile_render.orchestrator.model import DeploymentContext, ImageRegistry, Secret
from profile_render.rendering import render
from tests.helm_oracle import helm_binary, helm_env

ROOT = Path(__file__).resolve().parent.parent
REG = "registry.example.com:5000"
IMAGE = f"{REG}/team/app:1.0"
DISK = f"{REG}/vms/ubuntu:22.04"
# Any DER SEQUENCE passes the certificate check (as in test_render.py).
CA_PEM = ("-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(b"\x30\x03\x02\x01\x01" * 20).decode()
          + "-----END CERTIFICATE-----\n")


def rows(findings):
    """The comparable part of each finding: rule, severity, document, Kind/name, dotted path."""
    return [(f.rule, f.severity, f.document, f"{f.kind}/{f.name}", format_path(f.path)) for f in findings]


def stream(*objects) -> str:
    return yaml.safe_dump_all(objects, sort_keys=False)


def secret(name="regcred", namespace=None, keys=(".dockerconfigjson",), hosts=(REG,)):
    data = {}
    for key in keys:
        if key == ".dockerconfigjson":
            auths = {h: {"username": "u", "password": "p"} for h in hosts}
            data[key] = base64.b64encode(json.dumps({"auths": auths}).encode()).decode()
        else:
            data[key] = base64.b64encode(b"x").decode()
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta, "type": "kubernetes.io/dockerconfigjson",
            "data": data}


def config_map(name="registry-ca", data=None, namespace=None):
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
            "data": {"ca.crt": CA_PEM} if data is None else data}


# -- pod-spec workloads, one wrapper per kind ------------------------------------------------------

TEMPLATE = ("spec", "template", "spec")
WORKLOADS = {
    "Pod": ("v1", ("spec",)),
    "Deployment": ("apps/v1", TEMPLATE),
    "StatefulSet": ("apps/v1", TEMPLATE),
    "DaemonSet": ("apps/v1", TEMPLATE),
    "ReplicaSet": ("apps/v1", TEMPLATE),
    "Job": ("batch/v1", TEMPLATE),
    "CronJob": ("batch/v1", ("spec", "jobTemplate", "spec", "template", "spec")),
}


def nest(path, leaf):
    for key in reversed(path):
        leaf = {key: leaf}
    return leaf


def workload(kind, pod_spec, name="web", namespace=None):
    api, path = WORKLOADS[kind]
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": api, "kind": kind, "metadata": meta, **nest(path, pod_spec)}


def pod_path(kind, *rest):
    return format_path(WORKLOADS[kind][1] + rest)


KINDS = list(WORKLOADS)


@pytest.mark.parametrize("kind", KINDS)
def test_private_image_needs_pull_secret_on_pod_spec(kind):
    bad = workload(kind, {"containers": [{"name": "app", "image": IMAGE}]})
    assert rows(check_manifests([bad], private_registries=[REG])) == [
        ("private-image-without-pull-secret", "error", 0, f"{kind}/web", pod_path(kind, "containers", 0, "image"))]
    good = workload(kind, {"imagePullSecrets": [{"name": "regcred"}],
                           "containers": [{"name": "app", "image": IMAGE}]})
    assert check_manifests([secret(), good], private_registries=[REG]) == []


@pytest.mark.parametrize("kind", KINDS)
def test_pull_secret_inside_container(kind):
    bad = workload(kind, {"containers": [{"name": "app", "image": IMAGE,
                                          "imagePullSecrets": [{"name": "regcred"}]}]})
    findings = check_manifests([secret(), bad], private_registries=[REG])
    assert rows(findings) == [
        ("pull-secret-in-container", "error", 1, f"{kind}/web", pod_path(kind, "containers", 0, "imagePullSecrets")),
        ("private-image-without-pull-secret", "error", 1, f"{kind}/web", pod_path(kind, "containers", 0, "image")),
    ]
    assert f"move it out of the container to {pod_path(kind, 'imagePullSecrets')}" in findings[0].fix
    good = workload(kind, {"imagePullSecrets": [{"name": "regcred"}], "containers": [{"name": "app", "image": IMAGE}]})
    assert check_manifests([secret(), good], private_registries=[REG]) == []


def test_every_container_list_is_checked():
    spec = {"initContainers": [{"name": "init", "image": f"{REG}/init:1", "imagePullSecret": "regcred"}],
            "containers": [{"name": "app", "image": "nginx:1.25"}],
            "ephemeralContainers": [{"name": "debug", "image": f"{REG}/debug@sha256:" + "a" * 64}]}
    assert rows(check_manifests([workload("Pod", spec)], private_registries=[REG])) == [
        ("pull-secret-in-container", "error", 0, "Pod/web", "spec.initContainers[0].imagePullSecret"),
        ("private-image-without-pull-secret", "error", 0, "Pod/web", "spec.initContainers[0].image"),
        ("private-image-without-pull-secret", "error", 0, "Pod/web", "spec.ephemeralContainers[0].image"),
    ]


def test_pull_secret_given_as_bare_string():
    bad = workload("Deployment", {"imagePullSecrets": ["regcred"], "containers": [{"name": "a", "image": IMAGE}]})
    findings = check_manifests([secret(), bad], private_registries=[REG])
    assert rows(findings) == [("pull-secret-not-object", "error", 1, "Deployment/web",
                               "spec.template.spec.imagePullSecrets[0]")]
    assert findings[0].fix == "write it as `- name: regcred`"
    good = workload("Deployment", {"imagePullSecrets": [{"name": "regcred"}],
                                   "containers": [{"name": "a", "image": IMAGE}]})
    assert check_manifests([secret(), good], private_registries=[REG]) == []


def test_pull_secret_entry_without_name():
    bad = workload("Pod", {"imagePullSecrets": [{"secret": "regcred"}, 7, {"name": 7}],
                           "containers": [{"name": "a", "image": "nginx"}]})
    findings = check_manifests([bad])
    assert rows(findings) == [
        ("pull-secret-not-object", "error", 0, "Pod/web", "spec.imagePullSecrets[0]"),
        ("pull-secret-not-object", "error", 0, "Pod/web", "spec.imagePullSecrets[1]"),
        ("pull-secret-not-object", "error", 0, "Pod/web", "spec.imagePullSecrets[2]"),
    ]
    assert [f.message for f in findings] == [
        "imagePullSecrets[0] is a mapping without a name, not {name: <secret>}",
        "imagePullSecrets[1] is a number, not {name: <secret>}",
        "imagePullSecrets[2] is an entry whose name is a number, not {name: <secret>}",
    ]


def test_pull_secrets_not_a_list():
    bad = workload("StatefulSet", {"imagePullSecrets": {"name": "regcred"}, "containers": [{"name": "a", "image": IMAGE}]})
    findings = check_manifests([secret(), bad], private_registries=[REG])
    assert rows(findings) == [("pull-secrets-not-list", "error", 1, "StatefulSet/web",
                               "spec.template.spec.imagePullSecrets")]
    assert "a mapping, not a list" in findings[0].message
    good = workload("StatefulSet", {"imagePullSecrets": [{"name": "regcred"}],
                                    "containers": [{"name": "a", "image": IMAGE}]})
    assert check_manifests([secret(), good], private_registries=[REG]) == []


def test_empty_pull_secret_name_is_a_profile_that_did_not_set_it():
    bad = workload("Deployment", {"imagePullSecrets": [{"name": ""}], "containers": [{"name": "a", "image": IMAGE}]})
    assert rows(check_manifests([bad], private_registries=[REG])) == [
        ("empty-pull-secret-name", "warning", 0, "Deployment/web", "spec.template.spec.imagePullSecrets[0].name"),
        ("private-image-without-pull-secret", "error", 0, "Deployment/web",
         "spec.template.spec.containers[0].image"),
    ]


@pytest.mark.parametrize("where, path", [
    (("imagePullSecrets",), "imagePullSecrets"),
    (("spec", "imagePullSecrets"), "spec.imagePullSecrets"),
    (("spec", "template", "imagePullSecrets"), "spec.template.imagePullSecrets"),
])
def test_pull_secrets_at_the_wrong_level_of_a_deployment(where, path):
    bad = workload("Deployment", {"containers": [{"name": "a", "image": IMAGE}]})
    node = bad
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = [{"name": "regcred"}]
    findings = check_manifests([secret(), bad], private_registries=[REG])
    assert rows(findings) == [
        ("misplaced-field", "error", 1, "Deployment/web", path),
        ("private-image-without-pull-secret", "error", 1, "Deployment/web", "spec.template.spec.containers[0].image"),
    ]
    assert findings[0].fix == "move it to spec.template.spec.imagePullSecrets"


def test_deployment_with_containers_directly_under_template():
    bad = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
           "spec": {"template": {"imagePullSecrets": [{"name": "regcred"}],
                                 "containers": [{"name": "a", "image": IMAGE}]}}}
    findings = check_manifests([secret(), bad], private_registries=[REG])
    # The misplaced block is still checked as the pod spec it was meant to be.
    assert rows(findings) == [
        ("misplaced-field", "error", 1, "Deployment/web", "spec.template.containers"),
        ("misplaced-field", "error", 1, "Deployment/web", "spec.template.imagePullSecrets"),
    ]
    assert [f.fix for f in findings] == ["move it to spec.template.spec.containers",
                                         "move it to spec.template.spec.imagePullSecrets"]


def test_cronjob_with_spec_not_under_template():
    bad = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
           "spec": {"schedule": "0 0 * * *", "jobTemplate": {"spec": {
               "template": {"metadata": {"labels": {"a": "b"}}},
               "spec": {"containers": [{"name": "a", "image": IMAGE}]}}}}}
    findings = check_manifests([bad], private_registries=[REG])
    assert rows(findings) == [
        ("misplaced-field", "error", 0, "CronJob/nightly", "spec.jobTemplate.spec.spec"),
        ("private-image-without-pull-secret", "error", 0, "CronJob/nightly",
         "spec.jobTemplate.spec.spec.containers[0].image"),
    ]
    assert findings[0].fix == "move it to spec.jobTemplate.spec.template.spec"


def test_service_account_pull_secrets_count_for_the_pod():
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "runner"},
               "imagePullSecrets": [{"name": "regcred"}]}
    pod = workload("Job", {"serviceAccountName": "runner", "containers": [{"name": "a", "image": IMAGE}]})
    assert check_manifests([secret(), account, pod], private_registries=[REG]) == []
    other = workload("Job", {"serviceAccountName": "other", "containers": [{"name": "a", "image": IMAGE}]})
    assert rows(check_manifests([secret(), account, other], private_registries=[REG])) == [
        ("private-image-without-pull-secret", "error", 2, "Job/web", "spec.template.spec.containers[0].image")]
    bare = dict(account, imagePullSecrets=["regcred"])
    assert rows(check_manifests([secret(), bare])) == [
        ("pull-secret-not-object", "error", 1, "ServiceAccount/runner", "imagePullSecrets[0]")]


def test_public_images_need_nothing():
    spec = {"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "quay.io/x/y:1"},
                           {"name": "c", "image": "registry.example.com/team/app:1.0"}]}  # port differs from REG
    assert check_manifests([workload("DaemonSet", spec)], private_registries=[REG]) == []


def test_docker_hub_as_private_registry_covers_implicit_names():
    spec = {"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "library/nginx:1"},
                           {"name": "c", "image": "index.docker.io/me/app"}, {"name": "d", "image": "quay.io/me/app"}]}
    assert rows(check_manifests([workload("ReplicaSet", spec)], private_registries=["docker.io"])) == [
        ("private-image-without-pull-secret", "error", 0, "ReplicaSet/web", f"spec.template.spec.containers[{i}].image")
        for i in range(3)]


def test_ipv6_registry_host():
    host = "[2001:db8::1]:5000"
    spec = {"containers": [{"name": "a", "image": f"{host}/team/app:1.0@sha256:{'b' * 64}"},
                           {"name": "b", "image": "[2001:db8::1]/team/app:1.0"}]}
    assert rows(check_manifests([workload("Pod", spec)], private_registries=[f"oci://{host}/project"])) == [
        ("private-image-without-pull-secret", "error", 0, "Pod/web", "spec.containers[0].image")]


# -- image references --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("nginx", ImageReference("docker.io", "library/nginx")),
    ("nginx:1.25", ImageReference("docker.io", "library/nginx", "1.25")),
    ("library/nginx", ImageReference("docker.io", "library/nginx")),
    ("me/app:v1", ImageReference("docker.io", "me/app", "v1")),
    ("docker.io/me/app", ImageReference("docker.io", "me/app")),
    ("registry-1.docker.io/me/app", ImageReference("docker.io", "me/app")),
    ("index.docker.io/library/busybox:1", ImageReference("docker.io", "library/busybox", "1")),
    ("Registry.Example.com/team/app", ImageReference("registry.example.com", "team/app")),
    ("registry.example.com:5000/team/app:1.0", ImageReference("registry.example.com:5000", "team/app", "1.0")),
    ("registry.example.com:443/app", ImageReference("registry.example.com", "app")),
    ("localhost/app", ImageReference("localhost", "app")),
    ("localhost:5000/a/b/c:latest", ImageReference("localhost:5000", "a/b/c", "latest")),
    ("[2001:db8::1]:5000/app:1", ImageReference("[2001:db8::1]:5000", "app", "1")),
    ("[::1]/app", ImageReference("[::1]", "app")),
    ("host.example/app@sha256:" + "c" * 64, ImageReference("host.example", "app", None, "sha256:" + "c" * 64)),
    ("host.example/app:1.0@sha256:" + "c" * 64,
     ImageReference("host.example", "app", "1.0", "sha256:" + "c" * 64)),
    ("docker://registry.example.com:5000/vms/ubuntu:22.04",
     ImageReference("registry.example.com:5000", "vms/ubuntu", "22.04")),
    ("a_b/c__d/e-f.g:tag_1", ImageReference("docker.io", "a_b/c__d/e-f.g", "tag_1")),
])
def test_parse_image_reference(text, expected):
    assert parse_image_reference(text) == expected


@pytest.mark.parametrize("text", ["", " ", "a b", "{{ .Values.image }}", "Upper/Case", "host.example/app@sha256:xyz",
                                  "host.example/", "app:", "app:bad tag", "[bad]/x", None, 5])
def test_parse_image_reference_rejects(text):
    assert parse_image_reference(text) is None


# -- KubeVirt ------------------------------------------------------------------------------------

def vmi_spec(disk_secret=None, image=DISK):
    disk = {"image": image, **({"imagePullSecret": disk_secret} if disk_secret is not None else {})}
    return {"domain": {"devices": {"disks": [{"name": "root", "disk": {"bus": "virtio"}}]}},
            "volumes": [{"name": "root", "containerDisk": disk}]}


VMS = {
    "VirtualMachine": ("kubevirt.io/v1", ("spec", "template", "spec")),
    "VirtualMachineInstance": ("kubevirt.io/v1", ("spec",)),
    "VirtualMachinePool": ("pool.kubevirt.io/v1alpha1", ("spec", "virtualMachineTemplate", "spec", "template", "spec")),
}


def vm(kind, spec, name="ubuntu-vm", namespace=None, templates=None):
    api, path = VMS[kind]
    obj = {"apiVersion": api, "kind": kind,
           "metadata": {"name": name, **({"namespace": namespace} if namespace else {})}, **nest(path, spec)}
    if templates is not None:
        holder = obj["spec"] if kind == "VirtualMachine" else obj["spec"]["virtualMachineTemplate"]["spec"]
        holder["dataVolumeTemplates"] = templates
    return obj


@pytest.mark.parametrize("kind", list(VMS))
def test_containerdisk_needs_pull_secret(kind):
    prefix = format_path(VMS[kind][1])
    findings = check_manifests([vm(kind, vmi_spec())], private_registries=[REG])
    assert rows(findings) == [("containerdisk-missing-pull-secret", "error", 0, f"{kind}/ubuntu-vm",
                               f"{prefix}.volumes[0].containerDisk.imagePullSecret")]
    assert check_manifests([secret(), vm(kind, vmi_spec("regcred"))], private_registries=[REG]) == []
    # a public containerDisk needs nothing
    assert check_manifests([vm(kind, vmi_spec(image="quay.io/containerdisks/fedora:40"))],
                           private_registries=[REG]) == []


def test_pull_secret_of_containerdisk_and_datavolume_must_be_a_string():
    bad = vm("VirtualMachine", vmi_spec([{"name": "regcred"}]))
    findings = check_manifests([secret(), bad], private_registries=[REG])
    assert rows(findings) == [("pull-secret-not-string", "error", 1, "VirtualMachine/ubuntu-vm",
                               "spec.template.spec.volumes[0].containerDisk.imagePullSecret")]
    assert check_manifests([secret(), vm("VirtualMachine", vmi_spec("regcred"))], private_registries=[REG]) == []
    dv = data_volume(dv_spec(secret_ref=[{"name": "cdi"}]))
    assert rows(check_manifests([dv], private_registries=[REG], pull_secrets=["cdi"])) == [
        ("pull-secret-not-string", "error", 0, "DataVolume/disk", "spec.source.registry.secretRef")]
    assert check_manifests([data_volume(dv_spec(secret_ref="cdi"))], private_registries=[REG],
                           pull_secrets=["cdi"]) == []


def test_containerdisk_empty_pull_secret():
    assert rows(check_manifests([vm("VirtualMachineInstance", vmi_spec(""))], private_registries=[REG])) == [
        ("empty-pull-secret-name", "warning", 0, "VirtualMachineInstance/ubuntu-vm",
         "spec.volumes[0].containerDisk.imagePullSecret"),
        ("containerdisk-missing-pull-secret", "error", 0, "VirtualMachineInstance/ubuntu-vm",
         "spec.volumes[0].containerDisk.imagePullSecret"),
    ]


def test_vm_template_holding_domain_and_volumes_directly():
    bad = {"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine", "metadata": {"name": "ubuntu-vm"},
           "spec": {"template": vmi_spec()}}
    findings = check_manifests([bad], private_registries=[REG])
    assert rows(findings) == [
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.template.domain"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.template.volumes"),
        ("containerdisk-missing-pull-secret", "error", 0, "VirtualMachine/ubuntu-vm",
         "spec.template.volumes[0].containerDisk.imagePullSecret"),
    ]
    assert [f.fix for f in findings[:2]] == ["move it to spec.template.spec.domain",
                                             "move it to spec.template.spec.volumes"]


def test_vm_with_pod_style_pull_secrets():
    spec = vmi_spec("regcred")
    spec["imagePullSecrets"] = [{"name": "regcred"}]
    spec["volumes"][0]["imagePullSecret"] = "regcred"
    findings = check_manifests([secret(), vm("VirtualMachine", spec)], private_registries=[REG])
    assert rows(findings) == [
        ("misplaced-field", "error", 1, "VirtualMachine/ubuntu-vm", "spec.template.spec.imagePullSecrets"),
        ("misplaced-field", "error", 1, "VirtualMachine/ubuntu-vm", "spec.template.spec.volumes[0].imagePullSecret"),
    ]
    assert findings[1].fix == "move it to spec.template.spec.volumes[0].containerDisk.imagePullSecret"


def test_other_groups_virtual_machine_kind_is_not_kubevirt():
    other = vm("VirtualMachine", vmi_spec())
    other["apiVersion"] = "vmoperator.vmware.com/v1alpha1"
    assert check_manifests([other], private_registries=[REG]) == []


# -- CDI DataVolumes ---------------------------------------------------------------------------------

def dv_spec(url=f"docker://{DISK}", secret_ref=None, cert=None):
    registry = {"url": url}
    if secret_ref is not None:
        registry["secretRef"] = secret_ref
    if cert is not None:
        registry["certConfigMap"] = cert
    return {"source": {"registry": registry}, "storage": {"resources": {"requests": {"storage": "10Gi"}}}}


def data_volume(spec, name="disk", namespace=None):
    return {"apiVersion": "cdi.kubevirt.io/v1beta1", "kind": "DataVolume",
            "metadata": {"name": name, **({"namespace": namespace} if namespace else {})}, "spec": spec}


def test_datavolume_url_scheme():
    bad = [data_volume(dv_spec(url=f"https://{DISK}", secret_ref="cdi"), "a"),
           data_volume(dv_spec(url=DISK, secret_ref="cdi"), "b"),
           data_volume(dv_spec(url=None, secret_ref="cdi"), "c")]
    findings = check_manifests([secret("cdi", keys=("accessKeyId", "secretKey"))] + bad, private_registries=[REG])
    assert rows(findings) == [
        ("datavolume-url-scheme", "error", 1, "DataVolume/a", "spec.source.registry.url"),
        ("datavolume-url-scheme", "error", 2, "DataVolume/b", "spec.source.registry.url"),
        ("datavolume-url-scheme", "error", 3, "DataVolume/c", "spec.source.registry.url"),
    ]
    assert findings[0].fix == f"write it as 'docker://{DISK}'"
    good = [data_volume(dv_spec(url=f"docker://{DISK}", secret_ref="cdi"), "a"),
            data_volume(dv_spec(url="oci-archive:///data/disk.tar"), "b")]
    assert check_manifests([secret("cdi", keys=("accessKeyId", "secretKey"))] + good, private_registries=[REG]) == []


def test_datavolume_private_image_needs_secret_ref():
    findings = check_manifests([data_volume(dv_spec())], private_registries=[REG])
    assert rows(findings) == [("datavolume-missing-secret-ref", "error", 0, "DataVolume/disk",
                               "spec.source.registry.secretRef")]
    # a scheme-less private URL gets both findings
    assert rows(check_manifests([data_volume(dv_spec(url=DISK))], private_registries=[REG])) == [
        ("datavolume-url-scheme", "error", 0, "DataVolume/disk", "spec.source.registry.url"),
        ("datavolume-missing-secret-ref", "error", 0, "DataVolume/disk", "spec.source.registry.secretRef"),
    ]
    assert check_manifests([data_volume(dv_spec(secret_ref="cdi"))], private_registries=[REG],
                           pull_secrets=["cdi"]) == []


def test_datavolume_secret_needs_cdi_keys():
    findings = check_manifests([secret("regcred"), data_volume(dv_spec(secret_ref="regcred"))],
                               private_registries=[REG])
    assert rows(findings) == [("secret-missing-cdi-keys", "error", 1, "DataVolume/disk",
                               "spec.source.registry.secretRef")]
    assert "accessKeyId or secretKey" in findings[0].message
    only_id = secret("regcred", keys=(".dockerconfigjson", "accessKeyId"))
    assert "has no secretKey" in check_manifests([only_id, data_volume(dv_spec(secret_ref="regcred"))])[0].message
    full = secret("regcred", keys=(".dockerconfigjson", "accessKeyId", "secretKey"))
    assert check_manifests([full, data_volume(dv_spec(secret_ref="regcred"))], private_registries=[REG]) == []
    string_data = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred"},
                   "stringData": {"accessKeyId": "u", "secretKey": "p"}}
    assert check_manifests([string_data, data_volume(dv_spec(secret_ref="regcred"))]) == []


def test_cert_configmap_missing():
    findings = check_manifests([data_volume(dv_spec(secret_ref="cdi", cert="registry-ca"))], pull_secrets=["cdi"])
    assert rows(findings) == [("cert-configmap-missing", "error", 0, "DataVolume/disk",
                               "spec.source.registry.certConfigMap")]
    assert "neither the manifests nor the render" in findings[0].message
    assert check_manifests([config_map(), data_volume(dv_spec(secret_ref="cdi", cert="registry-ca"))],
                           pull_secrets=["cdi"]) == []
    assert check_manifests([data_volume(dv_spec(secret_ref="cdi", cert="registry-ca"))], pull_secrets=["cdi"],
                           external_config_maps=["registry-ca"]) == []
    assert check_manifests([data_volume(dv_spec(secret_ref="cdi", cert="registry-ca"), namespace="vms")],
                           pull_secrets=["cdi"], external_config_maps=["vms/registry-ca"]) == []
    empty = data_volume(dv_spec(secret_ref="cdi", cert=""))
    assert rows(check_manifests([empty], pull_secrets=["cdi"])) == [
        ("cert-configmap-missing", "error", 0, "DataVolume/disk", "spec.source.registry.certConfigMap")]


def test_cert_configmap_in_another_namespace():
    findings = check_manifests([config_map(namespace="infra"),
                                data_volume(dv_spec(secret_ref="cdi", cert="registry-ca"), namespace="vms")],
                               pull_secrets=["cdi"])
    assert rows(findings) == [("cert-configmap-missing", "error", 1, "DataVolume/disk",
                               "spec.source.registry.certConfigMap")]
    assert "exists only in namespace infra, not in 'vms'" in findings[0].message
    assert check_manifests([config_map(namespace="vms"),
                            data_volume(dv_spec(secret_ref="cdi", cert="registry-ca"), namespace="vms")],
                           pull_secrets=["cdi"]) == []


@pytest.mark.parametrize("data", [
    {"ca.crt": ""},
    {"ca.crt": "<Add certificate value here>"},
    {"ca.crt": "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n"},
    {"ca.crt": "-----BEGIN CERTIFICATE-----\n" + base64.b64encode(b"hello world!").decode() +
               "\n-----END CERTIFICATE-----\n"},
    {},
])
def test_cert_configmap_without_certificate(data):
    findings = check_manifests([config_map(data=data), data_volume(dv_spec(secret_ref="cdi", cert="registry-ca"))],
                               pull_secrets=["cdi"])
    assert rows(findings) == [("cert-configmap-no-certificate", "error", 1, "DataVolume/disk",
                               "spec.source.registry.certConfigMap")]


def test_cert_configmap_other_key_is_info():
    findings = check_manifests([config_map(data={"ca.pem": CA_PEM}),
                                data_volume(dv_spec(secret_ref="cdi", cert="registry-ca"))], pull_secrets=["cdi"])
    assert rows(findings) == [("cert-configmap-key", "info", 1, "DataVolume/disk",
                               "spec.source.registry.certConfigMap")]
    binary = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "registry-ca"},
              "binaryData": {"ca.crt": base64.b64encode(CA_PEM.encode()).decode()}}
    assert check_manifests([binary, data_volume(dv_spec(secret_ref="cdi", cert="registry-ca"))],
                           pull_secrets=["cdi"]) == []


@pytest.mark.parametrize("kind", ["VirtualMachine", "VirtualMachinePool"])
def test_datavolume_templates_of_a_vm(kind):
    prefix = "spec" if kind == "VirtualMachine" else "spec.virtualMachineTemplate.spec"
    spec = {"domain": {"devices": {}}, "volumes": [{"name": "root", "dataVolume": {"name": "root-dv"}}]}
    bad = vm(kind, spec, templates=[{"metadata": {"name": "root-dv"}, "spec": dv_spec(cert="registry-ca")}])
    assert rows(check_manifests([bad], private_registries=[REG])) == [
        ("datavolume-missing-secret-ref", "error", 0, f"{kind}/ubuntu-vm",
         f"{prefix}.dataVolumeTemplates[0].spec.source.registry.secretRef"),
        ("cert-configmap-missing", "error", 0, f"{kind}/ubuntu-vm",
         f"{prefix}.dataVolumeTemplates[0].spec.source.registry.certConfigMap"),
    ]
    good = vm(kind, spec, templates=[{"metadata": {"name": "root-dv"},
                                      "spec": dv_spec(secret_ref="cdi", cert="registry-ca")}])
    assert check_manifests([config_map(), good], private_registries=[REG], pull_secrets=["cdi"]) == []


def test_datavolume_fields_beside_registry():
    bad = data_volume({"source": {"registry": None, "url": f"docker://{DISK}", "secretRef": "cdi"},
                       "pvc": {"accessModes": ["ReadWriteOnce"]}})
    findings = check_manifests([bad], private_registries=[REG], pull_secrets=["cdi"])
    assert rows(findings) == [
        ("misplaced-field", "error", 0, "DataVolume/disk", "spec.source.url"),
        ("misplaced-field", "error", 0, "DataVolume/disk", "spec.source.secretRef"),
    ]
    assert [f.fix for f in findings] == ["move it to spec.source.registry.url",
                                         "move it to spec.source.registry.secretRef"]
    assert check_manifests([data_volume(dv_spec(secret_ref="cdi"))], private_registries=[REG],
                           pull_secrets=["cdi"]) == []


def test_datavolume_without_spec_level():
    bad = {"apiVersion": "cdi.kubevirt.io/v1beta1", "kind": "DataVolume", "metadata": {"name": "disk"},
           "source": {"registry": {"url": f"docker://{DISK}"}}}
    assert rows(check_manifests([bad], private_registries=[REG])) == [
        ("misplaced-field", "error", 0, "DataVolume/disk", "source"),
        ("datavolume-missing-secret-ref", "error", 0, "DataVolume/disk", "source.registry.secretRef"),
    ]


# -- namespaces ----------------------------------------------------------------------------------------

def test_namespace_mismatch_for_a_pinned_workload():
    pinned = workload("Deployment", {"imagePullSecrets": [{"name": "regcred"}],
                                     "containers": [{"name": "a", "image": IMAGE}]}, namespace="other")
    findings = check_manifests([secret(namespace="apps"), pinned], private_registries=[REG])
    assert rows(findings) == [("namespace-mismatch", "error", 1, "Deployment/web", "metadata.namespace")]
    assert "lives in namespace apps" in findings[0].message and "'other'" in findings[0].message
    assert check_manifests([secret(namespace="apps"), dict(pinned, metadata={"name": "web"})],
                           private_registries=[REG], namespace="apps") == []


def test_namespace_mismatch_for_the_release_namespace():
    plain = workload("Pod", {"imagePullSecrets": [{"name": "regcred"}], "containers": [{"name": "a", "image": IMAGE}]})
    findings = check_manifests([secret(namespace="infra"), plain], namespace="apps")
    assert rows(findings) == [("namespace-mismatch", "error", 1, "Pod/web", "spec.imagePullSecrets[0].name")]
    # without a release namespace the comparison is not made
    assert check_manifests([secret(namespace="infra"), plain]) == []


def test_namespace_mismatch_for_datavolume_and_vm():
    cdi = secret("cdi", namespace="apps", keys=("accessKeyId", "secretKey"))
    dv = data_volume(dv_spec(secret_ref="cdi"), namespace="vms")
    machine = vm("VirtualMachine", vmi_spec("cdi"), namespace="vms")
    assert rows(check_manifests([cdi, dv, machine], private_registries=[REG])) == [
        ("namespace-mismatch", "error", 1, "DataVolume/disk", "metadata.namespace"),
        ("namespace-mismatch", "error", 2, "VirtualMachine/ubuntu-vm", "metadata.namespace"),
    ]
    assert check_manifests([cdi, data_volume(dv_spec(secret_ref="cdi"), namespace="apps"),
                            vm("VirtualMachine", vmi_spec("cdi"), namespace="apps")], private_registries=[REG]) == []


# -- placeholders and unknown secrets -------------------------------------------------------------------

def test_leftover_placeholders():
    bad = workload("Deployment", {"imagePullSecrets": [{"name": "%GeneratedDockerCredential%"}],
                                  "containers": [{"name": "a", "image": "%ImageRegistryURL%/app:1",
                                                  "env": [{"name": "ORG", "value": "%orgname%"},
                                                          {"name": "P", "value": "100% off %%"}]}]})
    bad["metadata"]["annotations"] = {"note/%ProjectName%": "x"}
    findings = check_manifests([bad])
    assert rows(findings) == [
        ("leftover-placeholder", "error", 0, "Deployment/web", "metadata.annotations.note/%ProjectName%"),
        ("leftover-placeholder", "error", 0, "Deployment/web", "spec.template.spec.imagePullSecrets[0].name"),
        ("leftover-placeholder", "error", 0, "Deployment/web", "spec.template.spec.containers[0].image"),
        ("leftover-placeholder", "error", 0, "Deployment/web", "spec.template.spec.containers[0].env[0].value"),
    ]
    assert findings[3].message == ("'%orgname%' in this value looks like a misspelt %OrgName%; "
                                   "Kubernetes would get the text literally")
    assert findings[3].fix.startswith("write '%OrgName%'")
    assert "placeholder %GeneratedDockerCredential% was not substituted in this value" in findings[1].message
    assert findings[0].message.startswith("placeholder %ProjectName% was not substituted in this key")
    fixed = workload("Deployment", {"imagePullSecrets": [{"name": "b-0a3669a2-6cbc-50"}],
                                    "containers": [{"name": "a", "image": "nginx",
                                                    "env": [{"name": "P", "value": "100% off %%"}]}]})
    assert check_manifests([fixed], pull_secrets=["b-0a3669a2-6cbc-50"]) == []


def test_near_miss_placeholder():
    bad = vm("VirtualMachineInstance", vmi_spec("%GeneratedDockerCredentials%"))
    assert rows(check_manifests([bad], private_registries=[REG])) == [
        ("leftover-placeholder", "error", 0, "VirtualMachineInstance/ubuntu-vm",
         "spec.volumes[0].containerDisk.imagePullSecret")]


def test_unknown_pull_secret():
    refs = [workload("Pod", {"imagePullSecrets": [{"name": "mystery"}], "containers": [{"name": "a", "image": IMAGE}]}),
            vm("VirtualMachineInstance", vmi_spec("mystery")),
            data_volume(dv_spec(secret_ref="mystery"))]
    assert rows(check_manifests(refs, private_registries=[REG])) == [
        ("unknown-pull-secret", "warning", 0, "Pod/web", "spec.imagePullSecrets[0].name"),
        ("unknown-pull-secret", "warning", 1, "VirtualMachineInstance/ubuntu-vm",
         "spec.volumes[0].containerDisk.imagePullSecret"),
        ("unknown-pull-secret", "warning", 2, "DataVolume/disk", "spec.source.registry.secretRef"),
    ]
    assert check_manifests(refs, private_registries=[REG], pull_secrets=["mystery"]) == []
    assert check_manifests([secret("mystery", keys=(".dockerconfigjson", "accessKeyId", "secretKey"))] + refs,
                           private_registries=[REG]) == []


# -- reading text ----------------------------------------------------------------------------------------

HELM_STYLE = """\
---
# Source: app/templates/empty.yaml
---
# Source: app/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: regcred
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: e30=
---
null
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com:5000/team/app:1.0
          imagePullSecrets:
            - name: regcred
...
---
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  imagePullSecrets: [regcred]
  containers: [{name: a, image: nginx}]
"""


def test_read_manifests_skips_empty_documents_and_records_positions():
    docs = read_manifests(HELM_STYLE, source="out.yaml")
    assert [(d["kind"], d["metadata"]["name"]) for d, _ in docs] == [
        ("Secret", "regcred"), ("Deployment", "web"), ("Pod", "bare")]
    _, positions = docs[1]
    assert isinstance(positions, Positions)
    assert positions.source == "out.yaml"
    assert positions.locate(()) == (16, 1)
    assert positions.locate(("spec", "template", "spec", "containers", 0, "image")) == (25, 11)
    assert positions.locate(("spec", "template", "spec", "containers", 0)) == (24, 11)
    # a missing field is located at its nearest existing parent
    assert positions.locate(("spec", "template", "spec", "imagePullSecrets")) == (22, 5)


def test_findings_from_text_carry_file_line_column():
    findings = check_manifests(HELM_STYLE, private_registries=[REG], source="out.yaml")
    assert rows(findings) == [
        ("private-image-without-pull-secret", "error", 1, "Deployment/web", "spec.template.spec.containers[0].image"),
        ("pull-secret-in-container", "error", 1, "Deployment/web",
         "spec.template.spec.containers[0].imagePullSecrets"),
        ("pull-secret-not-object", "error", 2, "Pod/bare", "spec.imagePullSecrets[0]"),
    ]
    assert [(f.source, f.line, f.column) for f in findings] == [
        ("out.yaml", 25, 11), ("out.yaml", 26, 11), ("out.yaml", 34, 22)]
    assert str(findings[1]).startswith("out.yaml:26:11: error: Deployment/web: `imagePullSecrets` is set inside ")


def test_findings_sorted_by_position_within_a_document():
    findings = check_manifests(HELM_STYLE, private_registries=[REG], source="out.yaml")
    assert [(f.line, f.column) for f in findings] == sorted((f.line, f.column) for f in findings)
    assert [f.rule for f in findings[:2]] == ["private-image-without-pull-secret", "pull-secret-in-container"]


def test_finding_text_and_dict():
    findings = check_manifests(HELM_STYLE, private_registries=[REG], source="out.yaml")
    first = findings[0]
    assert str(first) == (
        "out.yaml:25:11: error: Deployment/web: image 'registry.example.com:5000/team/app:1.0' is on the private "
        "registry registry.example.com:5000, but the pod spec has no imagePullSecrets, so the pull will fail "
        "(at spec.template.spec.containers[0].image). Fix: set spec.template.spec.imagePullSecrets to "
        "[{name: <secret>}]; with the Edge Orchestrator, make the name configurable and set it to "
        "'%GeneratedDockerCredential%' in the Profile [private-image-without-pull-secret]")
    assert first.to_dict() == {
        "rule": "private-image-without-pull-secret", "code": "private-image-without-pull-secret",
        "severity": "error", "document": 1, "kind": "Deployment", "name": "web",
        "path": "spec.template.spec.containers[0].image",
        "pathParts": ["spec", "template", "spec", "containers", 0, "image"], "message": first.message,
        "hint": first.fix, "fix": first.fix, "source": "out.yaml", "line": 25, "column": 11, "related": []}
    json.dumps([f.to_dict() for f in findings])
    # without text positions: the document index stands in
    plain = check_manifests([{"apiVersion": "v1", "kind": "Pod", "spec": {"imagePullSecrets": ["x"]}}],
                            pull_secrets=["x"])
    assert str(plain[0]).startswith("document 0: error: Pod: imagePullSecrets[0] is the bare string 'x'")
    named = check_manifests([{"apiVersion": "v1", "kind": "Pod", "spec": {"imagePullSecrets": ["x"]}}],
                            pull_secrets=["x"], source="objs.json")
    assert str(named[0]).startswith("objs.json (document 0): error: Pod: ")
    assert named[0].to_dict()["line"] is None


def test_read_manifests_errors_have_positions():
    with pytest.raises(ManifestError) as info:
        read_manifests("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\n", source="bad.yaml")
    assert info.value.source == "bad.yaml" and info.value.line == 5
    assert isinstance(info.value, ProfileRenderError)
    with pytest.raises(ManifestError) as info:
        read_manifests("---\n- a\n- b\n", source="list.yaml")
    assert (info.value.line, info.value.column) == (2, 1)
    assert "document 0 is a list, not a Kubernetes object" in str(info.value)
    with pytest.raises(ManifestError) as info:
        read_manifests(b"kind: Pod\nname: \xff\n", source="bin.yaml")
    assert (info.value.line, info.value.column) == (2, 7)
    with pytest.raises(ManifestError):
        check_manifests([["not", "an", "object"]])


def test_read_manifests_bytes_bom_anchors_and_scalars():
    text = ("\ufeffbase: &labels {app: web}\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\n  labels:\n"
            "    <<: *labels\n    tier: front\ndata:\n  when: 2024-01-01\n  n: 5\n  yes: on\n")
    [(obj, _)] = read_manifests(text.encode("utf-8"))
    assert obj["metadata"]["labels"] == {"app": "web", "tier": "front"}
    assert obj["data"] == {"when": "2024-01-01", "n": 5, "true": True}
    [(obj16, _)] = read_manifests(text.encode("utf-16"))
    assert obj16 == obj
    assert read_manifests("") == [] and read_manifests("---\n---\n# nothing\n") == []


def test_duplicate_key():
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\nspec:\n  containers: []\n"
    findings = check_manifests(text, source="dup.yaml")
    assert rows(findings) == [("duplicate-key", "error", 0, "Pod/p", "spec")]
    assert (findings[0].line, findings[0].column) == (7, 1)
    assert "lines 5 and 7" in findings[0].message
    assert check_manifests(text.replace("spec:\n  containers: []\nspec:", "spec:"), source="dup.yaml") == []


def test_kubernetes_list_items_are_checked():
    items = {"apiVersion": "v1", "kind": "List",
             "items": [secret(), workload("Pod", {"containers": [{"name": "a", "image": IMAGE}]})]}
    findings = check_manifests(stream(items), private_registries=[REG], source="list.yaml")
    assert rows(findings) == [("private-image-without-pull-secret", "error", 0, "Pod/web", "spec.containers[0].image")]
    assert (findings[0].line, findings[0].column) == (18, 7)


def test_read_manifests_output_can_be_passed_back():
    docs = read_manifests(HELM_STYLE, source="out.yaml")
    assert check_manifests(docs, private_registries=[REG]) == check_manifests(
        HELM_STYLE, private_registries=[REG], source="out.yaml")


def test_bad_arguments():
    with pytest.raises(TypeError):
        check_manifests([], private_registries="registry.example.com")
    with pytest.raises(TypeError):
        check_manifests([], render={"something": 1})
    with pytest.raises(ValueError):
        check_manifests([], private_registries=["not a host"])


# -- the reference document's own examples ---------------------------------------------------------------
# Copied verbatim from image-pull-secret.rst (the "# example" halves), dedented.

RST_VM_CONTAINERDISK = """\
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
   name: ubuntu-vm
spec:
   template:
   spec:
      domain:
         devices:
         disks:
         - disk:
               bus: virtio
            name: containerdisk
      volumes:
      - containerDisk:
         image: docker.io/exampleuser/ubuntu-vm:latest
         imagePullSecret: docker-secret-exampleuser
         name: containerdisk
"""

RST_VM_PV = """\
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
   name: ubuntu-vm
spec:
   template:
   spec:
      domain:
         devices:
         disks:
         - disk:
               bus: virtio
            name: containerdisk
      volumes:
      - containerDisk:
         dataVolume:
            name: containerdisk-dv
         name: containerdisk
   dataVolumeTemplates:
   - metadata:
      name: containerdisk-dv
   spec:
      source:
         registry:
         url: "docker://docker.io/exampleuser/ubuntu-vm:latest"
         secretRef: docker-secret-exampleuser
      pvc:
         accessModes:
         - ReadWriteOnce
         storageClassName: openebs-lvmpv
         resources:
         requests:
            storage: 100Gi
"""

RST_POD_TEMPLATE = """\
apiVersion: v1
kind: Pod
metadata:
   name: nginx
spec:
   containers:
   - name: private-reg-container
   image: docker.io/exampleuser/nginx:latest
   imagePullSecrets:
   - name: {{ .Values.image.pullSecret }}
"""

RST_CA_CONFIGMAP = """\
apiVersion: v1
data:
   ca.crt: |-
   -----BEGIN CERTIFICATE-----
   MIIIgTCCBmmgAwIBAgIQWUQSQfyDLEjAXhrG2HH7gTANBgkqhkiG9w0BAQsFADAp
   MQswCQYDVQQGEwJVUzEaMBgGA1UEChMRSW50ZWwgQ29ycG9yYXRpb24wHhcNMjQw
   NDI1MTUzMjUwWhcNMjUwNDI1MjAzMjUwWjApMQswCQYDVQQGEwJVUzEaMBgGA1UE
   ChMRSW50ZWwgQ29ycG9yYXRpb24wggIiMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIK
   AoICAQCcn4jZOY83fTNajHtx6Eq3yucTRsQCejBFuM4XKu9JQGuyHb6EgSB8WLF8
   -----END CERTIFICATE-----
kind: ConfigMap
metadata:
   name: vm-registry-tls-cert
"""

RST_VM_CERT = """\
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
   name: ubuntu-vm
spec:
   template:
   spec:
      domain:
         devices:
         disks:
         - disk:
               bus: virtio
            name: containerdisk
      volumes:
      - containerDisk:
         dataVolume:
            name: containerdisk-dv
         name: containerdisk
   dataVolumeTemplates:
   - metadata:
      name: containerdisk-dv
   spec:
      source:
         registry:
         url: "docker://docker.io/exampleuser/ubuntu-vm:latest"
         secretRef: {{ .Values.image.pullSecret }}
         certConfigMap: vm-registry-tls-cert
      pvc:
         accessModes:
         - ReadWriteOnce
         storageClassName: openebs-lvmpv
         resources:
         requests:
            storage: 100Gi
"""

# The one change that makes the VM examples YAML at all: the disk's `name` aligned with `disk`.
MISALIGNED, ALIGNED = "\n            name: containerdisk\n", "\n           name: containerdisk\n"
EXAMPLE_SECRET = "docker-secret-exampleuser"
HUB = dict(private_registries=["docker.io"], pull_secrets=[EXAMPLE_SECRET])


def helm_rendered(text, secret_name=EXAMPLE_SECRET):
    return text.replace("{{ .Values.image.pullSecret }}", secret_name)


def test_reference_document_examples_exist_verbatim():
    rst = ROOT.parent / "shared" / "reference" / "image-pull-secret.rst"
    if not rst.is_file():
        pytest.skip("needs ../shared/reference/image-pull-secret.rst (the reference document), absent as in a fresh clone")
    flat = re.sub(r"\s+", " ", rst.read_text())
    for example in (RST_VM_CONTAINERDISK, RST_VM_PV, RST_POD_TEMPLATE, RST_CA_CONFIGMAP, RST_VM_CERT):
        assert re.sub(r"\s+", " ", example).strip() in flat


@pytest.mark.parametrize("text, line, column", [
    (RST_VM_CONTAINERDISK, 13, 13), (RST_VM_PV, 13, 13), (RST_VM_CERT, 13, 13), (RST_CA_CONFIGMAP, 5, 4)])
def test_reference_examples_as_written_are_not_yaml(text, line, column):
    """The VM and ConfigMap examples do not parse (Helm rejects them too: "YAML parse error")."""
    with pytest.raises(ManifestError) as info:
        check_manifests(helm_rendered(text), source="example.yaml", **HUB)
    assert (info.value.source, info.value.line, info.value.column) == ("example.yaml", line, column)


def test_reference_containerdisk_example_structural_findings():
    findings = check_manifests(RST_VM_CONTAINERDISK.replace(MISALIGNED, ALIGNED), source="vm.yaml", **HUB)
    assert rows(findings) == [
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec.domain.disks"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec.volumes[0].containerDisk.name"),
    ]
    assert [(f.line, f.column) for f in findings] == [(7, 4), (10, 10), (18, 10)]
    assert [f.fix for f in findings] == ["move it to spec.template.spec",
                                         "move it to spec.spec.domain.devices.disks",
                                         "move it to spec.spec.volumes[0].name"]


@pytest.mark.parametrize("text, extra", [
    (RST_VM_PV, []),
    (RST_VM_CERT, [("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec.source.certConfigMap")]),
])
def test_reference_pv_examples_structural_findings(text, extra):
    findings = check_manifests(helm_rendered(text.replace(MISALIGNED, ALIGNED)), source="vm.yaml", **HUB)
    assert rows(findings) == [
        ("duplicate-key", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec.source.url"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec.source.secretRef"),
    ] + extra
    assert findings[1].fix == "move it to spec.dataVolumeTemplates[0].spec"
    assert findings[2].fix == "move it to spec.spec.source.registry.url"


def test_reference_pod_example_as_written():
    """As YAML reads it, `image` lands on the pod spec (and imagePullSecrets there too, by accident)."""
    findings = check_manifests(helm_rendered(RST_POD_TEMPLATE), source="pod.yaml", **HUB)
    assert rows(findings) == [("misplaced-field", "error", 0, "Pod/nginx", "spec.image")]
    assert (findings[0].line, findings[0].column) == (8, 4)
    assert findings[0].fix == "move it to spec.containers[0].image"


def test_reference_pod_example_as_meant():
    """Indented as the document intends, imagePullSecrets ends up inside the container."""
    meant = helm_rendered(RST_POD_TEMPLATE).replace("   image:", "     image:").replace(
        "   imagePullSecrets:\n   - name", "     imagePullSecrets:\n     - name")
    assert rows(check_manifests(meant, **HUB)) == [
        ("private-image-without-pull-secret", "error", 0, "Pod/nginx", "spec.containers[0].image"),
        ("pull-secret-in-container", "error", 0, "Pod/nginx", "spec.containers[0].imagePullSecrets"),
    ]


CORRECTED = """\
apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: private-reg-container
    image: docker.io/exampleuser/nginx:latest
  imagePullSecrets:
  - name: docker-secret-exampleuser
---
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: ubuntu-vm
spec:
  template:
    spec:
      domain:
        devices:
          disks:
          - disk:
              bus: virtio
            name: containerdisk
      volumes:
      - containerDisk:
          image: docker.io/exampleuser/ubuntu-vm:latest
          imagePullSecret: docker-secret-exampleuser
        name: containerdisk
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: vm-registry-tls-cert
data:
  ca.crt: |-
    -----BEGIN CERTIFICATE-----
    MIIIgTCCBmmgAwIBAgIQWUQSQfyDLEjAXhrG2HH7gTANBgkqhkiG9w0BAQsFADAp
    MQswCQYDVQQGEwJVUzEaMBgGA1UEChMRSW50ZWwgQ29ycG9yYXRpb24wHhcNMjQw
    NDI1MTUzMjUwWhcNMjUwNDI1MjAzMjUwWjApMQswCQYDVQQGEwJVUzEaMBgGA1UE
    ChMRSW50ZWwgQ29ycG9yYXRpb24wggIiMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIK
    AoICAQCcn4jZOY83fTNajHtx6Eq3yucTRsQCejBFuM4XKu9JQGuyHb6EgSB8WLF8
    -----END CERTIFICATE-----
---
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: ubuntu-vm-pv
spec:
  template:
    spec:
      domain:
        devices:
          disks:
          - disk:
              bus: virtio
            name: containerdisk
      volumes:
      - dataVolume:
          name: containerdisk-dv
        name: containerdisk
  dataVolumeTemplates:
  - metadata:
      name: containerdisk-dv
    spec:
      source:
        registry:
          url: "docker://docker.io/exampleuser/ubuntu-vm:latest"
          secretRef: docker-secret-exampleuser
          certConfigMap: vm-registry-tls-cert
      pvc:
        accessModes:
        - ReadWriteOnce
        storageClassName: openebs-lvmpv
        resources:
          requests:
            storage: 100Gi
"""


def test_reference_examples_corrected_pass():
    assert check_manifests(CORRECTED, source="corrected.yaml", **HUB) == []
    # and each correction matters: drop the secrets and every private image is reported
    stripped = "\n".join(line for line in CORRECTED.splitlines()
                         if "docker-secret-exampleuser" not in line and "imagePullSecrets:" not in line)
    assert rows(check_manifests(stripped, private_registries=["docker.io"])) == [
        ("private-image-without-pull-secret", "error", 0, "Pod/nginx", "spec.containers[0].image"),
        ("containerdisk-missing-pull-secret", "error", 1, "VirtualMachine/ubuntu-vm",
         "spec.template.spec.volumes[0].containerDisk.imagePullSecret"),
        ("datavolume-missing-secret-ref", "error", 3, "VirtualMachine/ubuntu-vm-pv",
         "spec.dataVolumeTemplates[0].spec.source.registry.secretRef"),
    ]


# -- render results as the source of registries, secrets and namespace --------------------------------------

@pytest.fixture
def rendered(tmp_path):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("image:\n  repository: app\n  pullSecret: ''\n")
    context = DeploymentContext(app_name="hello-world", app_version="1.0.0", deployment_name="deployment-abc12",
                                namespace="apps")
    registry = ImageRegistry(name="harbor", root_url=f"oci://{REG}/catalog-apps-acme-edge", username="robot$acme",
                             password=Secret("token"), ca_certs=CA_PEM)
    profile = {"image": {"repository": "%ImageRegistryURL%/hello", "pullSecret": "%GeneratedDockerCredential%",
                         "ca": "%RegistryCertConfigMap%"}}
    return render(chart, profile, context=context, registry=registry)


def render_stream(result, *, pull=True, namespace=None, cert=None):
    name = result.secret_name
    pod_spec = {"containers": [{"name": "app", "image": result.values["image"]["repository"] + ":1.0"}]}
    if pull:
        pod_spec["imagePullSecrets"] = [{"name": name}]
    deployment = workload("Deployment", pod_spec, namespace=namespace)
    dv = data_volume(dv_spec(url=f"docker://{DISK}", secret_ref=name if pull else None,
                             cert=cert or result.values["image"]["ca"]), namespace=namespace)
    return stream(deployment, dv)


FORMS = {
    "object": lambda r: r,
    "to_dict": lambda r: r.to_dict(),
    "json": lambda r: json.loads(r.to_json()),
    "package": lambda r: {"applications": {"hello-world": json.loads(r.to_json())}},
    "package object": lambda r: SimpleNamespace(applications={"hello-world": r}),
    "list": lambda r: [r],
    "masked": lambda r: r.masked(),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_render_supplies_registry_secret_configmap_and_namespace(rendered, form):
    given = FORMS[form](rendered)
    assert rendered.secret_name == "b-0a3669a2-6cbc-50"
    assert check_manifests(render_stream(rendered), render=given, source="out.yaml") == []
    # without pull secrets, the registry host is known from the render
    assert rows(check_manifests(render_stream(rendered, pull=False), render=given)) == [
        ("private-image-without-pull-secret", "error", 0, "Deployment/web", "spec.template.spec.containers[0].image"),
        ("datavolume-missing-secret-ref", "error", 1, "DataVolume/disk", "spec.source.registry.secretRef"),
    ]
    # pinned elsewhere, the generated Secret (namespace apps) and CA ConfigMap are out of reach
    findings = check_manifests(render_stream(rendered, namespace="other"), render=given)
    assert rows(findings) == [
        ("namespace-mismatch", "error", 0, "Deployment/web", "metadata.namespace"),
        ("namespace-mismatch", "error", 1, "DataVolume/disk", "metadata.namespace"),
        ("cert-configmap-missing", "error", 1, "DataVolume/disk", "spec.source.registry.certConfigMap"),
    ]
    assert "the generated Secret 'b-0a3669a2-6cbc-50' lives in namespace apps" in findings[0].message
    assert "pinned to namespace 'other'" in findings[0].message


def test_render_fix_names_the_generated_secret(rendered):
    [finding, _] = check_manifests(render_stream(rendered, pull=False), render=rendered)
    assert "imagePullSecrets to [{name: b-0a3669a2-6cbc-50}]" in finding.fix


def test_render_namespace_can_be_overridden(rendered):
    findings = check_manifests(render_stream(rendered), render=rendered, namespace="elsewhere")
    assert rows(findings) == [
        ("namespace-mismatch", "error", 0, "Deployment/web", "spec.template.spec.imagePullSecrets[0].name"),
        ("namespace-mismatch", "error", 1, "DataVolume/disk", "spec.source.registry.secretRef"),
        ("cert-configmap-missing", "error", 1, "DataVolume/disk", "spec.source.registry.certConfigMap"),
    ]


def test_render_secret_serves_cdi_and_a_foreign_secret_does_not(rendered):
    text = render_stream(rendered).replace(f": {rendered.secret_name}\n", ": other-secret\n")
    other = secret("other-secret", namespace="apps")
    assert rows(check_manifests(stream(other) + "---\n" + text, render=rendered)) == [
        ("secret-missing-cdi-keys", "error", 2, "DataVolume/disk", "spec.source.registry.secretRef")]


def test_pre_install_secret_counts(tmp_path):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("image:\n  pullSecret: ''\n  prehook: ''\n")
    context = DeploymentContext(app_name="a", app_version="1", deployment_name="d", namespace="apps")
    registry = ImageRegistry(name="r", root_url=f"https://{REG}", username="u", password=Secret("p"))
    result = render(chart, {"image": {"pullSecret": "%GeneratedDockerCredential%", "prehook": "%PreHookCredential%"}},
                    context=context, registry=registry)
    assert result.manifests == [] and len(result.pre_install_manifests) == 1
    hook = workload("Job", {"imagePullSecrets": [{"name": result.secret_name}],
                            "containers": [{"name": "a", "image": IMAGE}]})
    assert check_manifests([hook], render=result.to_dict()) == []
    assert rows(check_manifests([workload("Job", {"containers": [{"name": "a", "image": IMAGE}]})],
                                render=result)) == [
        ("private-image-without-pull-secret", "error", 0, "Job/web", "spec.template.spec.containers[0].image")]


def test_render_without_pull_secret_knows_no_private_registry(tmp_path):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("image: app\n")
    context = DeploymentContext(app_name="a", app_version="1", deployment_name="d", namespace="apps")
    result = render(chart, {"image": "%ImageRegistryURL%/app"}, context=context,
                    registry=ImageRegistry(name="r", root_url=f"oci://{REG}"))
    plain = workload("Pod", {"containers": [{"name": "a", "image": result.values["image"]}]})
    assert check_manifests([plain], render=result) == []
    assert len(check_manifests([plain], render=result, private_registries=[REG])) == 1


# -- real helm template output ------------------------------------------------------------------------------

HELM = helm_binary()


@pytest.mark.skipif(HELM is None, reason="the Helm binary is not cached (scripts/fetch-helm.sh)")
def test_real_helm_template_output(tmp_path, rendered):
    from profile_render.emit import to_yaml

    chart = tmp_path / "web"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("image:\n  repository: app\n  pullSecret: ''\n")
    (chart / "templates" / "deployment.yaml").write_text(textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              {{- with .Values.image.pullSecret }}
              imagePullSecrets:
                - name: {{ . }}
              {{- end }}
              containers:
                - name: web
                  image: {{ .Values.image.repository }}:1.0
        """))
    (chart / "templates" / "pod.yaml").write_text(RST_POD_TEMPLATE)
    values = tmp_path / "values.yaml"

    def helm_template(values_text):
        values.write_text(values_text)
        done = subprocess.run([str(HELM), "template", "rel", str(chart), "-f", str(values), "--namespace", "apps"],
                              capture_output=True, text=True, env=helm_env(), timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    good = helm_template(to_yaml(rendered.values))
    assert rows(check_manifests(good, render=rendered, source="helm.yaml")) == [
        ("misplaced-field", "error", 0, "Pod/nginx", "spec.image")]  # the .rst's Pod, rendered by Helm
    bad = helm_template("image:\n  repository: " + rendered.values["image"]["repository"] + "\n")
    findings = check_manifests(bad, render=rendered, source="helm.yaml")
    assert rows(findings) == [
        ("misplaced-field", "error", 0, "Pod/nginx", "spec.image"),
        ("empty-pull-secret-name", "warning", 0, "Pod/nginx", "spec.imagePullSecrets[0].name"),  # `- name:` is null
        ("private-image-without-pull-secret", "error", 1, "Deployment/web", "spec.template.spec.containers[0].image"),
    ]
    line = bad.splitlines()[findings[2].line - 1]
    assert line.strip().startswith("image: " + REG)


# -- the rule table and its documentation -----------------------------------------------------------------

def test_every_rule_is_documented():
    doc = (ROOT / "docs" / "manifest-checks.md").read_text()
    for rule, (severity, _summary) in RULES.items():
        assert f"`{rule}`" in doc, rule
        assert severity in ("error", "warning", "info")


def test_findings_are_frozen_and_hashable():
    finding = ManifestFinding("misplaced-field", "error", 0, "Pod", "p", ("spec",), "m", "f")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.rule = "x"  # type: ignore[misc]
    assert hash(finding) == hash(ManifestFinding("misplaced-field", "error", 0, "Pod", "p", ("spec",), "m", "f"))
    assert str(finding) == "document 0: error: Pod/p: m (at spec). Fix: f [misplaced-field]"


def test_malformed_objects_never_crash():
    odd = [
        {"kind": "Pod", "metadata": [], "spec": "x"},
        {"kind": "Pod", "metadata": {"name": 5, "namespace": 3}, "spec": {"containers": "x", "imagePullSecrets": None}},
        {"kind": "Deployment", "spec": {"template": [1]}},
        {"kind": "Deployment", "metadata": {"name": "d"},
         "spec": {"template": {"spec": {"containers": [None, 1, {"image": 5}], "imagePullSecrets": [None]}}}},
        {"kind": "VirtualMachine", "apiVersion": "kubevirt.io/v1", "metadata": {"name": "v"},
         "spec": {"template": {"spec": {"volumes": [None, {"containerDisk": "x"}, {"containerDisk": {"image": None}}]}},
                  "dataVolumeTemplates": "x"}},
        {"kind": "VirtualMachine", "apiVersion": "kubevirt.io/v1", "metadata": {"name": "w"},
         "spec": {"dataVolumeTemplates": [None, {"spec": {"source": {"registry": {
             "url": 5, "secretRef": ["a"], "certConfigMap": {"a": 1}}}}}]}},
        {"kind": "DataVolume", "spec": {"source": "x"}},
        {"kind": "DataVolume", "spec": None},
        {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"ca.crt": 5}, "binaryData": {"x": "!!"}},
        {"kind": "Secret", "metadata": {"name": "s"}, "data": "x", "type": "kubernetes.io/dockerconfigjson"},
        {"kind": "List", "items": [None, {"kind": "Pod"}]},
        {},
        {"kind": 5, 1: 2},
        None,
    ]
    weird_render = {"manifests": [None, 3, {"kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
                                            "data": {".dockerconfigjson": "e30="}}], "secretName": None}
    assert rows(check_manifests(odd, private_registries=["r.example"], render=weird_render)) == [
        ("pull-secret-not-object", "error", 3, "Deployment/d", "spec.template.spec.imagePullSecrets[0]"),
        ("datavolume-url-scheme", "error", 5, "VirtualMachine/w", "spec.dataVolumeTemplates[1].spec.source.registry.url"),
        ("pull-secret-not-string", "error", 5, "VirtualMachine/w",
         "spec.dataVolumeTemplates[1].spec.source.registry.secretRef"),
        ("cert-configmap-missing", "error", 5, "VirtualMachine/w",
         "spec.dataVolumeTemplates[1].spec.source.registry.certConfigMap"),
    ]


def test_reference_pv_example_after_moving_the_datavolume_spec():
    """Fixing one reported slip uncovers the ones the duplicate key hid."""
    step = RST_VM_PV.replace(MISALIGNED, ALIGNED).replace(
        "      name: containerdisk-dv\n   spec:\n", "      name: containerdisk-dv\n     spec:\n")
    findings = check_manifests(step, source="vm.yaml", **HUB)
    assert rows(findings) == [
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec.domain.disks"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec.volumes[0].containerDisk.dataVolume"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.spec.volumes[0].containerDisk.name"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm", "spec.dataVolumeTemplates[0].spec.source.url"),
        ("misplaced-field", "error", 0, "VirtualMachine/ubuntu-vm",
         "spec.dataVolumeTemplates[0].spec.source.secretRef"),
    ]
    assert findings[2].fix == "move it to spec.spec.volumes[0].dataVolume"


DOC_OPTIONS = dict(private_registries=["registry.example.com:5000"], pull_secrets=["regcred"])


def doc_sections():
    doc = (ROOT / "docs" / "manifest-checks.md").read_text()
    for match in re.finditer(r"^### `([a-z-]+)`\n(.*?)(?=^### |\Z)", doc, re.S | re.M):
        blocks = re.findall(r"```(\w+)\n(.*?)```", match.group(2), re.S)
        yield match.group(1), blocks


def _doc_render(pre_install: bool):
    """The render the pre-install hook example is checked with: the generated Secret b-1 in namespace apps."""
    generated = secret("b-1", "apps", keys=(".dockerconfigjson", "accessKeyId", "secretKey"),
                       hosts=["registry.example.com:5000"])
    return {"values": {}, "manifests": [] if pre_install else [generated],
            "preInstallManifests": [generated] if pre_install else [], "secretName": "b-1"}


# Rules whose example needs a render: (render for the failing example, render for the fixed one).
DOC_RENDERS = {"hook-pull-secret-not-pre-installed": (_doc_render(False), _doc_render(True))}


def test_documented_examples_are_real_output():
    seen = set()
    for rule, blocks in doc_sections():
        seen.add(rule)
        assert [kind for kind, _ in blocks] == ["yaml", "text", "yaml"], rule
        (_, failing), (_, output), (_, fixed) = blocks
        failing_render, fixed_render = DOC_RENDERS.get(rule, (None, None))
        findings = check_manifests(failing, source="out.yaml", render=failing_render, **DOC_OPTIONS)
        assert "\n".join(map(str, findings)) == output.rstrip("\n"), rule
        assert rule in {f.rule for f in findings}
        assert check_manifests(fixed, source="out.yaml", render=fixed_render, **DOC_OPTIONS) == [], rule
    assert seen == set(RULES)


def test_masked_render_infers_hosts_from_image_like_values():
    masked_secret = {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
                     "metadata": {"name": "b-1", "namespace": "apps"},
                     "data": {".dockerconfigjson": "****", "accessKeyId": "****", "secretKey": "****"}}
    values = {"global": {"registry": "harbor.example.com:8443"}, "image": {"repository": "nginx", "tag": "1.25"},
              "sidecar": {"image": "ghcr.io/me/tool:1"}, "hub": {"image": "docker.io/me/app"},
              "note": "other.example.com/not/an/image/key", "helper": {"image": "busybox:1.36"}}
    result = {"values": values, "manifests": [masked_secret], "preInstallManifests": [], "secretName": "b-1"}
    spec = {"containers": [{"name": n, "image": i} for n, i in [
        ("a", "harbor.example.com:8443/p/app:1"), ("b", "ghcr.io/me/tool:1"), ("c", "other.example.com/x"),
        ("d", "nginx:1.25"), ("e", "docker.io/me/app"), ("f", "harbor.example.com/p/app:1")]]}
    assert rows(check_manifests([workload("Pod", spec)], render=result)) == [
        ("private-image-without-pull-secret", "error", 0, "Pod/web", "spec.containers[0].image"),
        ("private-image-without-pull-secret", "error", 0, "Pod/web", "spec.containers[1].image"),
    ]
    # unmasked data wins: only the auths hosts are private
    clear = dict(masked_secret, data=secret(hosts=["harbor.example.com:8443"])["data"])
    assert rows(check_manifests([workload("Pod", spec)], render=dict(result, manifests=[clear]))) == [
        ("private-image-without-pull-secret", "error", 0, "Pod/web", "spec.containers[0].image")]


# -- the rules: one function each, with id, severity and documentation --------------------------------------

def test_rules_are_defined_one_function_each_and_rules_is_derived_from_them():
    from profile_render.checks import sites
    from profile_render.checks.rules import ALL_RULES, rules_for
    from profile_render.checks.rules.base import ManifestRule

    assert all(isinstance(rule, ManifestRule) for rule in ALL_RULES)
    ids = [rule.id for rule in ALL_RULES]
    assert len(ids) == len(set(ids)) and dict(RULES) == {r.id: (r.severity, r.summary) for r in ALL_RULES}
    for rule in ALL_RULES:
        assert rule.check.__doc__ and rule.summary and rule.description, rule.id
        assert rule.check.__name__ == rule.id.replace("-", "_")
        for site_type in rule.sites:
            assert issubclass(site_type, sites.Site) and rule in rules_for(site_type)
    site_types = [t for t in vars(sites).values() if isinstance(t, type) and issubclass(t, sites.Site)
                  and t is not sites.Site]
    assert all(rules_for(t) for t in site_types), "a site type no rule checks"


def test_documented_severity_of_each_rule_matches_its_definition():
    for rule, blocks in doc_sections():
        section = (ROOT / "docs" / "manifest-checks.md").read_text().split(f"### `{rule}`\n", 1)[1]
        assert section.lstrip().startswith(f"{RULES[rule][0]}: "), rule


def test_a_rule_needs_a_severity_a_site_and_a_docstring():
    from profile_render.checks.rules.base import rule
    from profile_render.checks.sites import ObjectSite

    with pytest.raises(ValueError):
        rule("x", "fatal", ObjectSite)
    with pytest.raises(ValueError):
        rule("x", "error")
    with pytest.raises(ValueError):
        rule("x", "error", ObjectSite)(lambda ctx, site: iter(()))
    defined = rule("x", "info", ObjectSite)(_documented_check)
    assert (defined.summary, defined.description) == ("finds `x` in one line", "More, with roles simplified.")
    assert defined.info.severity == "info"


def _documented_check(ctx, site):
    """finds ``x``
    in one line

    More, with :data:`roles`
    simplified.
    """
    return iter(())


def test_every_package_is_listed_for_the_wheel():
    block = re.search(r"^packages = \[(.*?)\]", (ROOT / "pyproject.toml").read_text(), re.S | re.M)
    assert block is not None
    listed = set(re.findall(r'"([\w.]+)"', block.group(1)))
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "profile_render").rglob("__init__.py")}
    assert found <= listed
