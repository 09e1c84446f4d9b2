#!/usr/bin/env python3
"""Generate the benchmark inputs: a large, dense, Helm-shaped chart plus a profile values file.

Deterministic (fixed seed, no network, no clock): running it twice gives
byte-identical files. Output goes under ``benchmarks/.data/`` (git-ignored):

    benchmarks/.data/chart/Chart.yaml
    benchmarks/.data/chart/values.yaml             # the big chart defaults
    benchmarks/.data/chart/templates/values.yaml   # "# {{ toJson .Values }}" (for helm template)
    benchmarks/.data/profile.yaml                  # a few hundred lines of overrides, some nulls
    benchmarks/.data/stack-chart/...               # a monitoring stack shaped like kube-prometheus-stack
    benchmarks/.data/stack-profile.yaml            # its profile

The chart defaults look like an umbrella chart's values: ``global``, a block of
anchored shared settings (resources, security contexts, probes, tolerations),
and many components, each with image, service, ports, env lists, probes (some
aliases, some ``<<`` merge keys), ingress, autoscaling, affinity, metrics,
nested feature/config maps with ints, floats, bools, nulls and a few literal
block strings.

Usage::

    .venv/bin/python benchmarks/generate.py            # write (or confirm) the files, print stats
    .venv/bin/python benchmarks/generate.py --components 120 --out /tmp/bench

Only the standard library and PyYAML (for counting events) are used.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / ".data"
SEED = 20260509
DEFAULT_COMPONENTS = 64

MIN_BYTES = 200 * 1024
MIN_EVENTS = 25_000

TEMPLATE = "# {{ toJson .Values }}\n"
CHART_YAML = "apiVersion: v2\nname: bench\ndescription: generated benchmark chart\ntype: application\nversion: 0.1.0\nappVersion: \"1.0.0\"\n"


# ---------------------------------------------------------------------------
# A tiny block-YAML writer with anchors, aliases, merge keys and literal blocks.


class Anchor:
    def __init__(self, name: str, value: Any) -> None:
        self.name, self.value = name, value


class Alias:
    def __init__(self, name: str) -> None:
        self.name = name


class Merge:
    """A mapping written as ``<<: *base`` followed by its own keys."""

    def __init__(self, base: str, value: Dict[str, Any]) -> None:
        self.base, self.value = base, value


class Block:
    """A multi-line string written as a literal block (``|``)."""

    def __init__(self, text: str) -> None:
        self.text = text


class Quoted:
    """A string forced into double quotes (versions, ports-as-text ...)."""

    def __init__(self, text: str) -> None:
        self.text = text


_PLAIN_OK = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*\Z")
_AMBIGUOUS = {
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
}


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Quoted):
        return json.dumps(value.text)
    if isinstance(value, str):
        if _PLAIN_OK.match(value) and value.lower() not in _AMBIGUOUS:
            return value
        return json.dumps(value)
    raise TypeError(type(value))


def _is_container(value: Any) -> bool:
    return isinstance(value, (dict, list, Merge)) or (isinstance(value, Anchor) and _is_container(value.value))


def _empty_flow(value: Any) -> Optional[str]:
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, list) and not value:
        return "[]"
    return None


def write(value: Any, out: List[str], indent: int) -> None:
    """Write a mapping (dict or Merge) at ``indent`` spaces."""
    pad = " " * indent
    items: List[Tuple[str, Any]]
    if isinstance(value, Merge):
        out.append(f"{pad}<<: *{value.base}\n")
        items = list(value.value.items())
    else:
        items = list(value.items())
    for key, v in items:
        _write_entry(f"{pad}{scalar(key)}:", v, out, indent)


def _write_entry(head: str, v: Any, out: List[str], indent: int) -> None:
    anchor = ""
    if isinstance(v, Anchor):
        anchor = f" &{v.name}"
        v = v.value
    if isinstance(v, Alias):
        out.append(f"{head} *{v.name}\n")
        return
    flow = _empty_flow(v)
    if flow is not None:
        out.append(f"{head}{anchor} {flow}\n")
    elif isinstance(v, (dict, Merge)):
        out.append(f"{head}{anchor}\n")
        write(v, out, indent + 2)
    elif isinstance(v, list):
        out.append(f"{head}{anchor}\n")
        write_list(v, out, indent + 2)
    elif isinstance(v, Block):
        out.append(f"{head}{anchor} |\n")
        inner = " " * (indent + 2)
        for line in v.text.rstrip("\n").split("\n"):
            out.append(f"{inner}{line}\n" if line else "\n")
    else:
        out.append(f"{head}{anchor} {scalar(v)}\n")


def write_list(items: List[Any], out: List[str], indent: int) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, (dict, Merge)) and (item.value if isinstance(item, Merge) else item):
            sub: List[str] = []
            write(item, sub, indent + 2)
            first = sub[0]
            sub[0] = pad + "- " + first[indent + 2:]
            out.extend(sub)
        elif isinstance(item, list) and item:
            out.append(f"{pad}-\n")
            write_list(item, out, indent + 2)
        elif isinstance(item, Alias):
            out.append(f"{pad}- *{item.name}\n")
        else:
            flow = _empty_flow(item)
            out.append(f"{pad}- {flow if flow is not None else scalar(item)}\n")


def dump(doc: Dict[str, Any], header: str = "") -> str:
    out: List[str] = [header] if header else []
    for key, v in doc.items():
        if isinstance(v, str) and v.startswith("#"):
            out.append(v + "\n")  # a section comment
            continue
        _write_entry(f"{scalar(key)}:", v, out, 0)
    return "".join(out)


# ---------------------------------------------------------------------------
# Content

WORDS = ("api", "auth", "billing", "catalog", "cluster", "config", "edge", "events", "fleet", "gateway",
         "inventory", "ledger", "metrics", "notify", "orchestrator", "policy", "provision", "queue",
         "registry", "scheduler", "search", "secrets", "telemetry", "tenant", "vault", "web", "worker")
SUFFIX = ("manager", "controller", "service", "agent", "proxy", "syncer", "exporter", "broker")
ZONES = ("zone-a", "zone-b", "zone-c")
CPU = ("50m", "100m", "200m", "250m", "500m", "750m", "1", "2")
MEM = ("64Mi", "128Mi", "256Mi", "512Mi", "768Mi", "1Gi", "2Gi", "4Gi")
LEVELS = ("debug", "info", "warn", "error")


def comp_name(rng: random.Random, i: int) -> str:
    return f"{rng.choice(WORDS)}-{rng.choice(SUFFIX)}-{i:03d}"


def version(rng: random.Random) -> Quoted:
    return Quoted(f"{rng.randint(0, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}")


def resources(rng: random.Random) -> Dict[str, Any]:
    return {
        "limits": {"cpu": rng.choice(CPU), "memory": rng.choice(MEM)},
        "requests": {"cpu": rng.choice(CPU[:5]), "memory": rng.choice(MEM[:5])},
    }


def shared_block(rng: random.Random) -> Dict[str, Any]:
    return {
        "resourcesSmall": Anchor("resourcesSmall", {
            "limits": {"cpu": "250m", "memory": "256Mi"},
            "requests": {"cpu": "50m", "memory": "64Mi"},
        }),
        "resourcesLarge": Anchor("resourcesLarge", {
            "limits": {"cpu": "2", "memory": "4Gi", "ephemeral-storage": "2Gi"},
            "requests": {"cpu": "500m", "memory": "1Gi"},
        }),
        "podSecurityContext": Anchor("podSecurityContext", {
            "runAsNonRoot": True, "runAsUser": 65532, "runAsGroup": 65532, "fsGroup": 65532,
            "seccompProfile": {"type": "RuntimeDefault"},
        }),
        "containerSecurityContext": Anchor("containerSecurityContext", {
            "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "privileged": False,
            "capabilities": {"drop": ["ALL"], "add": []},
        }),
        "httpProbe": Anchor("httpProbe", {
            "httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"},
            "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 2,
            "successThreshold": 1, "failureThreshold": 3,
        }),
        "tolerations": Anchor("tolerations", [
            {"key": "node-role.kubernetes.io/edge", "operator": "Exists", "effect": "NoSchedule"},
            {"key": "dedicated", "operator": "Equal", "value": "orchestrator", "effect": "NoExecute",
             "tolerationSeconds": 300},
        ]),
    }


def env_list(rng: random.Random, n: int) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for j in range(n):
        r = rng.random()
        name = f"{rng.choice(WORDS).upper()}_{rng.choice(SUFFIX).upper()}_{j}"
        if r < 0.55:
            out.append({"name": name, "value": rng.choice([
                rng.choice(LEVELS), Quoted(str(rng.randint(1, 65535))), "true", f"http://{rng.choice(WORDS)}:8080",
                f"/var/lib/{rng.choice(WORDS)}", Quoted(f"{rng.random():.3f}")])})
        elif r < 0.8:
            out.append({"name": name, "valueFrom": {"secretKeyRef": {
                "name": f"{rng.choice(WORDS)}-credentials", "key": rng.choice(["password", "token", "api-key"]),
                "optional": rng.random() < 0.3}}})
        else:
            out.append({"name": name, "valueFrom": {"configMapKeyRef": {
                "name": f"{rng.choice(WORDS)}-config", "key": rng.choice(["endpoint", "region", "mode"])}}})
    return out


CONFIG_FILE = """server:
  listen: 0.0.0.0:{port}
  readTimeout: 30s
  writeTimeout: 30s
log:
  level: {level}
  format: json
upstreams:
{upstreams}
"""


def component(rng: random.Random, name: str, idx: int) -> Dict[str, Any]:
    port = 8000 + idx
    ports = [{"name": "http", "containerPort": port, "protocol": "TCP"}]
    if rng.random() < 0.6:
        ports.append({"name": "grpc", "containerPort": 9000 + idx, "protocol": "TCP"})
    if rng.random() < 0.5:
        ports.append({"name": "metrics", "containerPort": 9100 + idx % 50, "protocol": "TCP"})
    probe_kind = rng.random()
    if probe_kind < 0.4:
        liveness: Any = Alias("httpProbe")
    elif probe_kind < 0.8:
        liveness = Merge("httpProbe", {"initialDelaySeconds": rng.randint(5, 60),
                                       "failureThreshold": rng.randint(3, 10)})
    else:
        liveness = {"tcpSocket": {"port": "grpc" if len(ports) > 1 else "http"},
                    "initialDelaySeconds": rng.randint(5, 30), "periodSeconds": 15}
    features = {f"{rng.choice(WORDS)}{rng.choice(('Enabled', 'Strict', 'Cache', 'Sync'))}{k}": rng.random() < 0.5
                for k in range(rng.randint(6, 14))}
    tuning = {
        "maxConnections": rng.randint(64, 8192),
        "queueDepth": rng.randint(10, 5000),
        "retryBackoffFactor": round(rng.uniform(1.1, 3.0), 2),
        "samplingRatio": round(rng.uniform(0.0, 1.0), 3),
        "cacheTtlSeconds": rng.choice([30, 60, 300, 900, 3600]),
        "gcPercent": rng.choice([50, 75, 100, 200]),
        "burst": rng.randint(1, 100),
        "qps": round(rng.uniform(5, 200), 1),
        "shards": rng.choice([1, 2, 4, 8, 16]),
        "budget": None,
    }
    upstreams = "\n".join(f"  - name: {rng.choice(WORDS)}\n    url: http://{rng.choice(WORDS)}.svc:{8000 + rng.randint(0, 99)}\n    weight: {rng.randint(1, 10)}"
                          for _ in range(rng.randint(2, 5)))
    comp: Dict[str, Any] = {
        "enabled": rng.random() < 0.85,
        "nameOverride": "",
        "fullnameOverride": None,
        "replicaCount": rng.randint(1, 5),
        "revisionHistoryLimit": 3,
        "image": {
            "registry": None,
            "repository": f"edge-orch/{name}",
            "tag": version(rng),
            "digest": None,
            "pullPolicy": rng.choice(["IfNotPresent", "Always"]),
        },
        "imagePullSecrets": [],
        "serviceAccount": {"create": True, "name": "", "automount": rng.random() < 0.5,
                           "annotations": {}},
        "podAnnotations": {f"{rng.choice(WORDS)}.example.com/{rng.choice(WORDS)}": Quoted(str(rng.randint(0, 9)))
                           for _ in range(rng.randint(0, 3))},
        "podLabels": {"app.kubernetes.io/part-of": "edge-orchestrator", "tier": rng.choice(["core", "edge", "infra"])},
        "podSecurityContext": Alias("podSecurityContext"),
        "securityContext": Alias("containerSecurityContext") if rng.random() < 0.7 else Merge(
            "containerSecurityContext", {"readOnlyRootFilesystem": False}),
        "service": {
            "type": rng.choice(["ClusterIP", "ClusterIP", "NodePort"]),
            "port": port,
            "targetPort": "http",
            "annotations": {},
            "sessionAffinity": None,
        },
        "ports": ports,
        "env": env_list(rng, rng.randint(4, 12)),
        "envFrom": [{"configMapRef": {"name": f"{name}-env"}}] if rng.random() < 0.5 else [],
        "args": [f"--log-level={rng.choice(LEVELS)}", f"--port={port}", "--metrics"][: rng.randint(1, 3)],
        "resources": rng.choice([Alias("resourcesSmall"), Alias("resourcesLarge"), resources(rng), resources(rng)]),
        "livenessProbe": liveness,
        "readinessProbe": Merge("httpProbe", {"httpGet": {"path": "/readyz", "port": "http"},
                                              "periodSeconds": rng.choice([5, 10])}),
        "startupProbe": None,
        "autoscaling": {
            "enabled": rng.random() < 0.3,
            "minReplicas": 1,
            "maxReplicas": rng.randint(3, 20),
            "targetCPUUtilizationPercentage": rng.choice([60, 70, 80]),
            "targetMemoryUtilizationPercentage": None,
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300,
                                       "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]}},
        },
        "ingress": {
            "enabled": rng.random() < 0.4,
            "className": "nginx",
            "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": Quoted(f"{rng.choice([1, 8, 64])}m"),
                            "cert-manager.io/cluster-issuer": "letsencrypt"},
            "hosts": [{"host": f"{name}.edge.example.com",
                       "paths": [{"path": "/", "pathType": "Prefix"},
                                 {"path": f"/api/v{rng.randint(1, 3)}", "pathType": "ImplementationSpecific"}]}],
            "tls": [{"secretName": f"{name}-tls", "hosts": [f"{name}.edge.example.com"]}],
        },
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": Alias("tolerations") if rng.random() < 0.5 else [],
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
                "topologyKey": "kubernetes.io/hostname"}}]}},
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                                       "whenUnsatisfiable": "ScheduleAnyway",
                                       "labelSelector": {"matchLabels": {"app.kubernetes.io/name": name}}}],
        "metrics": {
            "enabled": rng.random() < 0.7,
            "serviceMonitor": {"enabled": rng.random() < 0.5, "interval": rng.choice(["15s", "30s", "60s"]),
                               "scrapeTimeout": "10s", "labels": {"release": "prometheus"},
                               "relabelings": [], "metricRelabelings": []},
        },
        "persistence": {"enabled": rng.random() < 0.3, "storageClass": None, "accessModes": ["ReadWriteOnce"],
                        "size": rng.choice(["1Gi", "8Gi", "20Gi"]), "annotations": {}},
        "extraVolumes": [],
        "extraVolumeMounts": [],
        "config": {
            "logLevel": rng.choice(LEVELS),
            "region": rng.choice(ZONES),
            "features": features,
            "tuning": tuning,
            "endpoints": [{"name": f"{rng.choice(WORDS)}-{k}", "url": f"https://{rng.choice(WORDS)}.example.com:{443 + k}",
                           "timeoutSeconds": rng.randint(1, 60), "insecure": rng.random() < 0.1,
                           "weight": round(rng.uniform(0.1, 1.0), 2)}
                          for k in range(rng.randint(2, 6))],
            "limits": {"cpuSoft": round(rng.uniform(0.1, 4.0), 2), "memorySoftMb": rng.randint(128, 8192),
                       "requestsPerSecond": rng.randint(10, 10000), "errorBudget": round(rng.uniform(0.001, 0.05), 4)},
        },
    }
    if idx % 4 == 0:
        comp["config"]["file"] = Block(CONFIG_FILE.format(port=port, level=rng.choice(LEVELS), upstreams=upstreams))
    return comp


def chart_values(rng: random.Random, components: int) -> Tuple[Dict[str, Any], List[str]]:
    names = [comp_name(rng, i) for i in range(components)]
    doc: Dict[str, Any] = {
        "c0": "# Default values for the generated benchmark chart. Shared settings are anchored once and reused.",
        "global": {
            "imageRegistry": "registry.example.com",
            "imagePullSecrets": [{"name": "registry-credentials"}],
            "clusterDomain": "cluster.local",
            "storageClass": None,
            "labels": {"app.kubernetes.io/managed-by": "Helm", "edge-orchestrator.io/profile": "default"},
            "proxy": {"httpProxy": "", "httpsProxy": "", "noProxy": "localhost,127.0.0.1,.svc,.cluster.local"},
            "observability": {"enabled": True, "tracing": {"enabled": False, "sampleRate": 0.05,
                                                           "endpoint": "otel-collector:4317"}},
        },
        "c1": "# Shared blocks (anchors). Components below refer to them with aliases and merge keys.",
        "shared": shared_block(rng),
        "tags": {"observability": True, "security": True, "experimental": False},
        "c2": "# Components",
    }
    for i, name in enumerate(names):
        doc[name] = component(rng, name, i)
    return doc, names


def profile_values(rng: random.Random, names: List[str]) -> Dict[str, Any]:
    """A few hundred lines: override some keys, add others, null out some defaults."""
    doc: Dict[str, Any] = {
        "c0": "# Profile: production overrides for the generated chart.",
        "global": {
            "imageRegistry": "mirror.internal.example.com",
            "labels": {"edge-orchestrator.io/profile": "production", "cost-center": Quoted("4711")},
            "proxy": {"httpsProxy": "http://proxy.internal:3128"},
            "observability": {"tracing": {"enabled": True, "sampleRate": 0.25}},
            "storageClass": "fast-ssd",
        },
        "tags": {"experimental": True},
    }
    chosen = rng.sample(names, k=min(len(names), 30))
    for k, name in enumerate(chosen):
        o: Dict[str, Any] = {}
        o["replicaCount"] = rng.randint(2, 6)
        o["image"] = {"tag": version(rng), "pullPolicy": "Always"}
        if k % 3 == 0:
            o["resources"] = resources(rng)
        if k % 4 == 0:
            o["env"] = env_list(rng, 3)  # lists replace the whole default list
        if k % 5 == 0:
            o["affinity"] = None  # delete a default table
            o["podAnnotations"] = None
        if k % 6 == 0:
            o["ingress"] = {"enabled": True, "annotations": {"cert-manager.io/cluster-issuer": None,
                                                             "nginx.ingress.kubernetes.io/ssl-redirect": Quoted("true")},
                            "hosts": [{"host": f"{name}.prod.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}]}
        if k % 2 == 0:
            o["config"] = {"logLevel": "warn",
                           "tuning": {"maxConnections": rng.randint(1000, 20000), "samplingRatio": 0.1, "budget": 12.5,
                                      "gcPercent": None},
                           "features": {f"override{j}": rng.random() < 0.5 for j in range(3)}}
        if k % 7 == 0:
            o["metrics"] = {"serviceMonitor": {"enabled": True, "interval": "15s"}}
            o["startupProbe"] = {"httpGet": {"path": "/startz", "port": "http"}, "failureThreshold": 30}
        if k % 8 == 0:
            o["enabled"] = False
            o["nodeSelector"] = None
        o["podLabels"] = {"environment": "production"}
        doc[name] = o
    doc["c1"] = "# A component that only exists in the profile"
    doc["profile-extra-sidecar"] = {"enabled": True, "image": {"repository": "edge-orch/sidecar", "tag": Quoted("2.0.1")},
                                    "resources": resources(rng), "env": env_list(rng, 4)}
    return doc


# ---------------------------------------------------------------------------
# A monitoring-stack chart shaped like kube-prometheus-stack's values: about 200 KB and 6,000 lines, more than
# half of them comments (documentation, commented-out examples, "&&" and quotes in the prose), few values per
# line, many empty {} and [] defaults, nesting 7 deep. The content is invented; only the shape is modelled.

STACK_PARTS = ("alertmanager", "grafana", "prometheus", "operator", "nodeExporter", "stateMetrics", "thanosRuler",
               "kubeApiServer", "kubelet", "controllerManager", "coreDns", "etcd", "scheduler", "kubeProxy")
PROSE = ("the", "value", "must", "be", "set", "when", "enabled", "see", "docs", "for", "details", "this", "is",
         "used", "by", "rules", "scrape", "interval", "default", "only", "if", "namespace", "selector", "labels",
         "override", "service", "monitor", "endpoint", "relabeling", "TLS", "config", "secret", "name", "of")
CONDITIONS = (">0 && <=86400 (one day) if sessionAffinity is \"ClientIP\"", "A && B both need the 'team' label",
              "set both (&& not ||) or neither", "use &anchors in your own files, not here", "don't quote 'this'",
              "ref: https://example.com/docs/operator/api.md#monitoring.example.com/v1.ServiceMonitor")


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(PROSE) for _ in range(words)).capitalize()


def _doc_comment(rng: random.Random, pad: str) -> str:
    """Two to six lines of documentation, sometimes a condition with && or quotes, sometimes an example."""
    lines = [f"{pad}## {_sentence(rng, rng.randint(4, 10))}" for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.12:
        lines.append(f"{pad}## {rng.choice(CONDITIONS)}")
    if rng.random() < 0.15:
        lines.append(f"{pad}# example:")
        lines.append(f"{pad}#   - name: {rng.choice(PROSE)}-{rng.randint(1, 99)}")
        lines.append(f"{pad}#     value: \"{rng.choice(PROSE)}\"")
    return "\n".join(lines) + "\n"


def _stack_leaf(rng: random.Random, depth: int) -> Any:
    r = rng.random()
    if r < 0.14:
        return {}
    if r < 0.22:
        return []
    if r < 0.42:
        return rng.random() < 0.5
    if r < 0.55:
        return rng.choice([1, 2, 3, 30, 60, 120, 443, 8080, 9090, 65534])
    if r < 0.6:
        return None
    if r < 0.66:
        return Quoted(f"{rng.randint(0, 9)}.{rng.randint(0, 60)}.{rng.randint(0, 9)}")
    return rng.choice([f"{rng.randint(5, 60)}s", "ClusterIP", "IfNotPresent", "RuntimeDefault", "/metrics", "http",
                       f"{rng.choice(PROSE)}-{rng.choice(PROSE)}", "registry.example.com", f"{rng.randint(1, 30)}d"])


def _stack_map(rng: random.Random, depth: int, keys: int) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k in range(keys):
        key = f"{rng.choice(PROSE)}{rng.choice(('Config', 'Spec', 'Selector', 'Enabled', 'Labels', 'Rules', 'Port'))}{k}"
        if depth < 6 and rng.random() < (0.4 if depth < 3 else 0.15):
            out[key] = _stack_map(rng, depth + 1, rng.randint(2, 5))
        elif depth < 6 and rng.random() < 0.08:
            out[key] = [_stack_map(rng, depth + 2, rng.randint(1, 3)) for _ in range(rng.randint(1, 2))]
        else:
            out[key] = _stack_leaf(rng, depth)
    return out


def _dump_commented(doc: Dict[str, Any], rng: random.Random) -> str:
    """Block YAML for ``doc`` with a documentation comment before most keys (see :func:`_doc_comment`)."""
    out: List[str] = []

    def mapping(value: Dict[str, Any], indent: int) -> None:
        pad = " " * indent
        for key, v in value.items():
            if rng.random() < 0.8:
                out.append(_doc_comment(rng, pad))
            if isinstance(v, dict) and v:
                out.append(f"{pad}{key}:\n")
                mapping(v, indent + 2)
            elif isinstance(v, list) and v:
                out.append(f"{pad}{key}:\n")
                write_list(v, out, indent + 2)
            else:
                _write_entry(f"{pad}{key}:", v, out, indent)
            if rng.random() < 0.15:
                out.append("\n")

    out.append("# Default values for a generated monitoring stack (shaped like a large real-world chart).\n")
    out.append("# This is a YAML-formatted file. Declare variables to be passed into your templates.\n\n")
    mapping(doc, 0)
    return "".join(out)


def stack_values(rng: random.Random) -> Tuple[Dict[str, Any], List[str]]:
    doc: Dict[str, Any] = {"nameOverride": "", "fullnameOverride": "",
                           "commonLabels": {}, "global": {"rbac": {"create": True}, "imagePullSecrets": []}}
    for part in STACK_PARTS:
        doc[part] = _stack_map(rng, 1, rng.randint(12, 18))
        doc[part]["enabled"] = True
    return doc, list(STACK_PARTS)


def _override_like(rng: random.Random, default: Any) -> Any:
    """A new value of the default's kind: a table with one key changed, a list replaced, a scalar replaced."""
    if isinstance(default, dict) and default:
        key = rng.choice(sorted(default))
        return {key: _override_like(rng, default[key])}
    if isinstance(default, list):
        return [f"{rng.choice(PROSE)}-{i}" for i in range(rng.randint(1, 3))]
    if isinstance(default, dict):
        return {"added": True}
    while True:
        value = _stack_leaf(rng, 3)
        if not isinstance(value, (dict, list)):
            return value


def stack_profile(rng: random.Random, doc: Dict[str, Any]) -> Dict[str, Any]:
    """Overrides for about a third of each part's top-level keys, a part turned off, labels added."""
    out: Dict[str, Any] = {"commonLabels": {"environment": "production", "team": "platform"}}
    for part in STACK_PARTS:
        keys = [k for k in doc[part] if k != "enabled"]
        override: Dict[str, Any] = {}
        for key in rng.sample(keys, k=max(1, len(keys) // 3)):
            override[key] = _override_like(rng, doc[part][key])
        out[part] = override
    out["thanosRuler"]["enabled"] = False
    return out


def stack_text(seed: int) -> Tuple[str, str]:
    """The monitoring-stack chart's values text and its profile's text."""
    rng = random.Random(seed + 1)
    doc, _ = stack_values(rng)
    return _dump_commented(doc, rng), "# Profile: production settings for the monitoring stack.\n" + dump(
        stack_profile(rng, doc))


# ---------------------------------------------------------------------------


def count_events(text: str) -> int:
    import yaml

    return sum(1 for _ in yaml.parse(text, Loader=yaml.CSafeLoader))


def generate(out: Path, components: int = DEFAULT_COMPONENTS, seed: int = SEED) -> Dict[str, Any]:
    """Write the chart and profile under ``out``; returns stats (sizes, event counts, hashes)."""
    rng = random.Random(seed)
    values_doc, names = chart_values(rng, components)
    values_text = dump(values_doc)
    profile_text = dump(profile_values(rng, names))
    chart = out / "chart"
    stack_values_text, stack_profile_text = stack_text(seed)
    stack = out / "stack-chart"
    files = {
        chart / "Chart.yaml": CHART_YAML,
        chart / "values.yaml": values_text,
        chart / "templates" / "values.yaml": TEMPLATE,
        out / "profile.yaml": profile_text,
        stack / "Chart.yaml": CHART_YAML.replace("name: bench", "name: stack"),
        stack / "values.yaml": stack_values_text,
        stack / "templates" / "values.yaml": TEMPLATE,
        out / "stack-profile.yaml": stack_profile_text,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    stats = {
        "seed": seed,
        "components": components,
        "chart": str(chart),
        "values": str(chart / "values.yaml"),
        "profile": str(out / "profile.yaml"),
        "values_bytes": len(values_text.encode()),
        "values_lines": values_text.count("\n"),
        "values_events": count_events(values_text),
        "values_sha256": hashlib.sha256(values_text.encode()).hexdigest(),
        "profile_bytes": len(profile_text.encode()),
        "profile_lines": profile_text.count("\n"),
        "profile_events": count_events(profile_text),
        "profile_sha256": hashlib.sha256(profile_text.encode()).hexdigest(),
        "stack_chart": str(stack),
        "stack_values": str(stack / "values.yaml"),
        "stack_profile": str(out / "stack-profile.yaml"),
        "stack_values_bytes": len(stack_values_text.encode()),
        "stack_values_lines": stack_values_text.count("\n"),
        "stack_comment_lines": sum(1 for line in stack_values_text.split("\n") if line.lstrip().startswith("#")),
        "stack_values_events": count_events(stack_values_text),
        "stack_profile_bytes": len(stack_profile_text.encode()),
        "stack_profile_lines": stack_profile_text.count("\n"),
    }
    return stats


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default benchmarks/.data)")
    ap.add_argument("--components", type=int, default=DEFAULT_COMPONENTS, help="number of components in the chart")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    stats = generate(args.out, args.components, args.seed)
    print(f"chart defaults: {stats['values']}  {stats['values_bytes']:,} bytes, {stats['values_lines']:,} lines, "
          f"{stats['values_events']:,} YAML events  sha256 {stats['values_sha256'][:16]}")
    print(f"profile:        {stats['profile']}  {stats['profile_bytes']:,} bytes, {stats['profile_lines']:,} lines, "
          f"{stats['profile_events']:,} YAML events  sha256 {stats['profile_sha256'][:16]}")
    print(f"stack chart:    {stats['stack_values']}  {stats['stack_values_bytes']:,} bytes, "
          f"{stats['stack_values_lines']:,} lines ({stats['stack_comment_lines']:,} comments), "
          f"{stats['stack_values_events']:,} YAML events; profile {stats['stack_profile_lines']:,} lines")
    if stats["values_bytes"] < MIN_BYTES or stats["values_events"] < MIN_EVENTS:
        print(f"generate: the chart defaults are smaller than required ({MIN_BYTES:,} bytes / {MIN_EVENTS:,} events)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
