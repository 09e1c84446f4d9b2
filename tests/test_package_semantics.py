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
    assert svc.manifests[0]["metadata"]["namespace"] == "svc-ns"


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
