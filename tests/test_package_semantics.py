"""Which profile, namespace and Secret name each application of a package gets, as the reference decides.

Contract, "Which profile and namespace an application gets" and "Placeholders"
(the Secret name). Self-contained: tests/data/adm-package* and tests/data/adm-chart.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import pytest

from profile_render.cli import main
from profile_render.orchestrator.credentials import bundle_name
from profile_render.orchestrator.model import DeploymentContext
from profile_render.orchestrator.package import IMPLICIT_DEFAULT, PackageError, render_package
from profile_render.orchestrator.params import ParameterError

DATA = Path(__file__).resolve().parent / "data"
PACKAGE = DATA / "adm-package"
IMPLICIT = DATA / "adm-package-implicit"
CHART = DATA / "adm-chart"
CHARTS = {"svc": CHART, "side": CHART}


def _expected_name(token: str) -> str:
    """The contract's formula, written independently of credentials.py."""
    return "b-" + str(uuid.uuid5(uuid.UUID("00000000-0000-0000-0000-000000000000"),
                                 hashlib.sha1(token.encode()).hexdigest()))[:16]


def test_contract_example_secret_name():
    assert bundle_name(DeploymentContext("hello-world", "1.0", "deployment-abc12", "ns")) == "b-0a3669a2-6cbc-50"


def test_listed_application_gets_its_mapped_profile_and_default_namespace():
    result = render_package(PACKAGE, charts=CHARTS, deployment_name="deployment-abc12")
    svc = result.applications["svc"]
    assert result.profiles["svc"] == "extra" and svc.values["greeting"] == "svc-extra"
    assert result.namespaces["svc"] == "svc-ns"
    assert svc.pre_install_manifests[0]["metadata"]["namespace"] == "svc-ns"


def test_unlisted_application_gets_empty_profile_values_not_its_default_profile():
    result = render_package(PACKAGE, charts=CHARTS, deployment_name="deployment-abc12")
    side = result.applications["side"]
    assert result.profiles["side"] is None
    assert side.values["greeting"] == "chart"  # not side-default.yaml's value
    # no parameter templates: its default profile's mandatory template does not apply, and none can be given
    with pytest.raises(ParameterError, match="no parameter template"):
        render_package(PACKAGE, charts=CHARTS, deployment_name="deployment-abc12",
                       parameters={"side": {"greeting": "x"}})


def test_namespace_without_default_namespaces_entry_is_the_deployment_name():
    result = render_package(PACKAGE, charts=CHARTS, deployment_name="deployment-abc12")
    assert result.namespaces["side"] == "deployment-abc12"
    result = render_package(IMPLICIT, charts=CHARTS, deployment_name="deployment-x1y2z",
                            parameters={"side": {"greeting": "hi"}})
    assert result.namespaces == {"svc": "deployment-x1y2z", "side": "deployment-x1y2z"}


def test_implicit_default_deployment_profile():
    result = render_package(IMPLICIT, charts=CHARTS, deployment_name="d1", parameters={"side": {"greeting": "hi"}})
    chosen = result.deployment_profile
    assert (chosen.name, chosen.display_name) == (IMPLICIT_DEFAULT, "Implicit Default")
    assert chosen.application_profiles == {"svc": "default", "side": "default"}
    assert result.profiles == {"svc": "default", "side": "default"}
    assert result.applications["svc"].values["greeting"] == "svc-default"
    assert result.applications["side"].values["greeting"] == "hi"
    named = render_package(IMPLICIT, charts=CHARTS, deployment_name="d1", deployment_profile=IMPLICIT_DEFAULT,
                           parameters={"side": {"greeting": "hi"}})
    assert named.profiles == result.profiles
    with pytest.raises(PackageError, match="deployment Profile main not found"):
        render_package(IMPLICIT, charts=CHARTS, deployment_name="d1", deployment_profile="main")


def test_unknown_deployment_profile_fails_as_the_reference():
    with pytest.raises(PackageError, match="deployment Profile nope not found"):
        render_package(PACKAGE, charts=CHARTS, deployment_name="d1", deployment_profile="nope")


def test_secret_name_carries_the_package_version_when_redeploying_after_update():
    plain = render_package(PACKAGE, charts=CHARTS, deployment_name="deployment-abc12")
    assert plain.applications["svc"].secret_name == _expected_name("svc" + "deployment-abc12")
    redeploy = render_package(PACKAGE, charts=CHARTS, deployment_name="deployment-abc12", redeploy_after_update=True)
    # the deployment package's version (3.1.0), not the application's (1.0.0)
    assert redeploy.applications["svc"].secret_name == _expected_name("svc" + "3.1.0" + "deployment-abc12")
    assert redeploy.applications["svc"].values["imagePullSecrets"] == [{"name": _expected_name("svc3.1.0deployment-abc12")}]


def test_cli_redeploy_after_update(capsys):
    code = main(["package", "render", str(PACKAGE), "--chart", f"svc={CHART}", "--chart", f"side={CHART}",
                 "--deployment-name", "deployment-abc12", "--redeploy-after-update", "-o", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["applications"]["svc"]["secretName"] == _expected_name("svc3.1.0deployment-abc12")


SECRET_VALUE = "CANARY-adm-param-5e1b"
PACKAGE_SCHEMA = json.loads((DATA.parent.parent / "schemas" / "package-render.schema.json").read_text())


def test_package_render_json_carries_what_the_orchestrator_decides(capsys):
    import jsonschema

    code = main(["package", "render", str(PACKAGE), "--chart", f"svc={CHART}", "--chart", f"side={CHART}",
                 "--deployment-name", "deployment-abc12", "--set", f"svc:token=  {SECRET_VALUE} ",
                 "--set", "svc:replicas=1.5", "-o", "json"])
    captured = capsys.readouterr()
    assert code == 0
    assert SECRET_VALUE not in captured.out + captured.err
    data = json.loads(captured.out)
    jsonschema.validate(data, PACKAGE_SCHEMA)
    assert (data["package"], data["version"], data["deploymentProfile"]) == ("adm-demo", "3.1.0", "main")
    svc, side = data["applications"]["svc"], data["applications"]["side"]
    assert (svc["namespace"], svc["profile"]) == ("svc-ns", "extra")
    assert (side["namespace"], side["profile"], side["parameters"]) == ("deployment-abc12", None, {})
    name = _expected_name("svcdeployment-abc12")
    assert svc["secretName"] == name and svc["values"]["prehook"] == name
    # %PreHookCredential%: the Secret is a pre-install object, not in the main manifests
    assert [(m["kind"], m["metadata"]["name"]) for m in svc["preInstallManifests"]] == [("Secret", name)]
    assert svc["manifests"] == []
    assert svc["parameters"] == {"token": "****", "replicas": 1.5}
    assert svc["values"]["token"] == "****"
    assert [w["rule"] for w in svc["warnings"]] == ["parameter-reference-differs"]
    assert "you wrote 1.5; the Edge Orchestrator deploys 0" in svc["warnings"][0]["message"]


def test_masked_form_also_masks_secret_data():
    result = render_package(PACKAGE, charts=CHARTS, deployment_name="d1", parameters={"svc": {"token": SECRET_VALUE}})
    assert result.applications["svc"].values["token"] == SECRET_VALUE  # the API keeps the real value
    assert SECRET_VALUE not in json.dumps(result.to_dict())
    masked = json.dumps(result.masked())
    assert SECRET_VALUE not in masked and "CANARY-adm-token" not in masked


def test_ca_config_map_only_when_a_value_asks_for_it(tmp_path):
    import base64

    from profile_render.orchestrator.model import ImageRegistry, Secret
    from profile_render.rendering import render
    from profile_render.values import Layer

    pem = ("-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(b"\x30\x03\x02\x01\x01" * 20).decode()
           + "-----END CERTIFICATE-----\n")
    registry = ImageRegistry(name="r", root_url="oci://registry.example.com/adm", username="robot",
                             password=Secret("pw"), ca_certs=pem)
    context = DeploymentContext("svc", "1.0.0", "d1", "ns")
    plain = Layer.from_text("imagePullSecrets:\n  - name: '%GeneratedDockerCredential%'\n", source="p.yaml",
                            kind="profile")
    assert [m["kind"] for m in render(CHART, plain, context=context, registry=registry).manifests] == ["Secret"]
    asking = Layer.from_text("greeting: '%RegistryCertConfigMap%'\n", source="p.yaml", kind="profile")
    result = render(CHART, asking, context=context, registry=registry)
    assert [(m["kind"], m["metadata"]["name"]) for m in result.manifests] == [("ConfigMap", result.values["greeting"])]
