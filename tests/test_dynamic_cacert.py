"""The registry CA sentinel `caCerts: use-dynamic-cacert` the tenant controller writes (contract: per-project registries)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from profile_render.cli import main
from profile_render.orchestrator.lint import lint
from profile_render.orchestrator.model import DYNAMIC_CA_SENTINEL, RegistryError
from profile_render.orchestrator.package import render_package
from profile_render.orchestrator.placeholders import PlaceholderError
from profile_render.rendering import render
from tests.test_packages_own import asks_for_the_gateway_certificate
from tests.test_render import CA_PEM, chart, ctx, profile, registry  # noqa: F401  (chart is a fixture)

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT.parent / "shared" / "reference" / "catalog-samples" / "app-orch-tutorials" / "developer-guide-tutorial"
CHARTS = {
    "tutorial-server": TUTORIAL / "tutorial-chart" / "tutorial-server",
    "tutorial-web-ui": TUTORIAL / "tutorial-chart" / "tutorial-web-ui",
}
DYNAMIC_REGISTRY = """\
specSchema: Registry
schemaVersion: "0.1"
$schema: "https://schema.intel.com/catalog.orchestrator/0.1/schema"

name: harbor-docker-oci
description: "Project image registry, CA from the gateway"
type: IMAGE
rootUrl: "oci://registry-oci.example.org/catalog-apps-tenant-proj"
userName: "robot$tenant-proj+catalog"
authToken: "CANARY-dynamic-ca-token-71d0"
caCerts: use-dynamic-cacert
"""


def test_the_sentinel_is_accepted_and_never_parsed_as_pem() -> None:
    r = registry(ca_certs=DYNAMIC_CA_SENTINEL)
    assert r.ca_is_dynamic and not registry(ca_certs=CA_PEM).ca_is_dynamic and not registry().ca_is_dynamic
    assert "use-dynamic-cacert" in repr(r) and "CANARY" not in repr(r)
    with pytest.raises(RegistryError) as info:
        r.certificates()
    assert DYNAMIC_CA_SENTINEL in info.value.problem and "tls-orch" in info.value.hint
    with pytest.raises(RegistryError, match="no PEM certificate"):
        registry(ca_certs="use-dynamic-cacert-but-not-exactly")


def test_rendering_with_the_sentinel_does_not_fail(chart: Path, tmp_path: Path) -> None:
    p = profile(tmp_path, "image:\n  pullSecret: '%GeneratedDockerCredential%'\n")
    result = render(chart, p, context=ctx(), registry=registry(ca_certs=DYNAMIC_CA_SENTINEL))
    assert [m["kind"] for m in result.manifests] == ["Secret"]
    assert result.values["image"]["pullSecret"] == result.secret_name


def test_ca_config_map_with_the_sentinel_needs_the_gateway_certificate(chart: Path, tmp_path: Path) -> None:
    p = profile(tmp_path, "replicas: 1\nnote: '%RegistryCertConfigMap%'\n")
    with pytest.raises(PlaceholderError) as info:
        render(chart, p, context=ctx(), registry=registry(ca_certs=DYNAMIC_CA_SENTINEL))
    err = info.value
    assert DYNAMIC_CA_SENTINEL in err.problem and "'harbor'" in err.problem
    assert (err.line, err.column, err.path) == (2, 1, ("note",))
    assert "--registry-ca-file" in err.hint and "gateway_ca" in err.hint and "tls-orch" in err.hint


def test_the_gateway_certificate_takes_the_sentinels_place(chart: Path, tmp_path: Path) -> None:
    p = profile(tmp_path, "note: '%RegistryCertConfigMap%'\n")
    result = render(chart, p, context=ctx(), registry=registry(ca_certs=DYNAMIC_CA_SENTINEL), gateway_ca=CA_PEM)
    (cm,) = result.manifests
    assert cm["kind"] == "ConfigMap" and cm["metadata"]["name"] == result.values["note"]
    assert cm["data"]["ca.crt"].count("-----BEGIN CERTIFICATE-----") == 1
    # a registry with its own PEM keeps it: the gateway certificate only replaces the sentinel
    own = render(chart, p, context=ctx(), registry=registry(ca_certs=CA_PEM + CA_PEM), gateway_ca=CA_PEM)
    assert own.manifests[0]["data"]["ca.crt"].count("-----BEGIN CERTIFICATE-----") == 2
    with pytest.raises(TypeError, match="gateway_ca"):
        render(chart, p, context=ctx(), registry=registry(ca_certs=DYNAMIC_CA_SENTINEL), gateway_ca=b"x")  # type: ignore[arg-type]


def _package(tmp_path: Path, ask_for_ca: bool) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(TUTORIAL / "tutorial-deployment", target)
    if ask_for_ca:
        values = target / "tutorial-server-values-default.yaml"
        text = values.read_text()
        values.write_text(text.replace("fullnameOverride: tutorial-server",
                                       "fullnameOverride: tutorial-server\ncaConfigMap: '%RegistryCertConfigMap%'"))
    (tmp_path / "registries.yaml").write_text(DYNAMIC_REGISTRY)
    return target


needs_samples = pytest.mark.skipif(not TUTORIAL.is_dir(), reason="needs ../shared/reference (the real catalog samples), absent as in a fresh clone; "
                             "tests/test_packages_own.py covers the same features on tests/data/stock")


@needs_samples
def test_package_with_the_sentinel_renders_and_lints_clean(tmp_path: Path) -> None:
    pkg = _package(tmp_path, ask_for_ca=False)
    result = render_package(pkg, charts=CHARTS, deployment_name="d1", registry_files=[tmp_path / "registries.yaml"])
    assert sorted(result.applications) == ["tutorial-server", "tutorial-web-ui"]
    findings = lint([pkg], registry_files=[tmp_path / "registries.yaml"])
    assert [f for f in findings if f.severity == "error"] == []


@needs_samples
def test_package_render_cli_asks_for_the_gateway_certificate(tmp_path: Path, capsys: Any) -> None:
    pkg = _package(tmp_path, ask_for_ca=True)
    findings = lint([pkg], registry_files=[tmp_path / "registries.yaml"])
    assert not [f for f in findings if f.rule == "placeholder-unsatisfiable"]
    args = ["package", "render", str(pkg), "--chart", f"tutorial-server={CHARTS['tutorial-server']}",
            "--chart", f"tutorial-web-ui={CHARTS['tutorial-web-ui']}",
            "--registry", str(tmp_path / "registries.yaml"), "--deployment-name", "d1", "-o", "json"]
    server = asks_for_the_gateway_certificate(args, tmp_path, capsys)["tutorial-server"]
    assert server["values"]["caConfigMap"].endswith("-registry-ca")
