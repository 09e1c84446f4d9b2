"""``export fleet`` / ``export argocd``: the reference's bundle layout, modes, CRD schemas, secrets, all or nothing.

Golden tests run on ``examples/edge-package``; the CRD schemas are the real
ones, kept under ``tests/data/crds/`` (see its README for their source);
where Helm decides (the values the bundle's files give), the real binary does.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any, Dict, List

import jsonschema
import pytest
import yaml

from profile_render.cli import main
from profile_render.export import (
    ExportError,
    chart_reference,
    export_argocd,
    export_fleet,
    package_applications,
    single_application,
)
from profile_render.export import writer
from profile_render.orchestrator.credentials import bundle_name
from profile_render.orchestrator.model import DeploymentContext
from profile_render.orchestrator.package import render_package
from profile_render.rendering import render
from tests.conftest import requires_helm
from tests.helm_oracle import numbers_as_float, run_helm_template, write_chart

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "examples" / "edge-package"
CRDS = Path(__file__).resolve().parent / "data" / "crds"
APPS = ("web-app", "vm-ephemeral", "vm-pv")
CANARY = "CANARY-registry-token-7f3a"
PARAM_CANARY = "CANARY-secret-param-91bd"
DEPLOYMENT = "demo"


def _charts(package: Path) -> Dict[str, Path]:
    return {app: package / "charts" / app for app in APPS}


def _render(package: Path = PACKAGE, **kwargs: Any):
    return render_package(package, charts=_charts(package), deployment_name=DEPLOYMENT,
                          registry_files=[package / "registries.yaml"], org="acme", project="edge", **kwargs)


def _bundle(app: str) -> str:
    return bundle_name(DeploymentContext(app_name=app, app_version="0.1.0", deployment_name=DEPLOYMENT,
                                         namespace="default"))


def _files(root: Path) -> List[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


@pytest.fixture(scope="module")
def apps():
    return package_applications(_render(), deployment_name=DEPLOYMENT)


@pytest.fixture(scope="module")
def fleet_dir(apps, tmp_path_factory):
    out = tmp_path_factory.mktemp("fleet") / "out"
    export_fleet(apps, out)
    return out


@pytest.fixture(scope="module")
def argocd_dir(apps, tmp_path_factory):
    out = tmp_path_factory.mktemp("argocd") / "out"
    export_argocd(apps, out)
    return out


# -- the CRD schemas as JSON Schema -------------------------------------------------------------------------

def _json_schema(node: Any) -> Any:
    """An openAPIV3Schema node as JSON Schema: x-kubernetes-* read or dropped, nullable, unknown fields refused."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if not k.startswith("x-kubernetes-") and k != "nullable"}
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    preserve = node.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in node and "additionalProperties" not in node and not preserve:
        out["additionalProperties"] = False
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def _crd_schema(file_name: str, version: str) -> Dict[str, Any]:
    crd = _load(CRDS / file_name)
    (entry,) = [v for v in crd["spec"]["versions"] if v["name"] == version]
    return _json_schema(entry["schema"]["openAPIV3Schema"])


@pytest.fixture(scope="module")
def bundle_spec_schema() -> Dict[str, Any]:
    return _crd_schema("fleet-bundle-crd.yaml", "v1alpha1")["properties"]["spec"]


@pytest.fixture(scope="module")
def application_schema() -> Dict[str, Any]:
    return _crd_schema("argocd-application-crd.yaml", "v1alpha1")


#: FleetYAML's own top-level fields besides the inline BundleSpec (fleetyaml.go, see tests/data/crds/README.md).
_FLEET_YAML_OWN = {"name": {"type": "string"}, "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                   "targetCustomizations": {"type": "array"}, "imageScans": {"type": "array"},
                   "overrideTargets": {"type": "array"}}


def _check_fleet_yaml(document: Dict[str, Any], spec_schema: Dict[str, Any]) -> None:
    own = {k: v for k, v in document.items() if k in _FLEET_YAML_OWN}
    jsonschema.validate(own, {"type": "object", "properties": _FLEET_YAML_OWN})
    jsonschema.validate({k: v for k, v in document.items() if k not in _FLEET_YAML_OWN}, spec_schema)


# -- fleet ---------------------------------------------------------------------------------------------------

def test_fleet_file_list_is_the_reference_layout(fleet_dir):
    per_app = ["fleet-globals.yaml", "fleet.yaml", "kustomize/kustomization.yaml",
               "kustomize/network-policy-egress.yaml", "kustomize/network-policy-ingress.yaml",
               "overrides.yaml", "profile.yaml"]
    expected = (
        [f"vm-ephemeral/{f}" for f in per_app + ["kustomize/image-reg-secret.yaml"]]
        + [f"vm-pv/{f}" for f in per_app + ["kustomize/image-reg-secret.yaml",
                                            f"kustomize/configmap-{_bundle('vm-pv')}-registry-ca.yaml"]]
        + [f"web-app/{f}" for f in per_app + ["secret-dir/fleet.yaml", "secret-dir/image-reg-secret.yaml"]])
    assert _files(fleet_dir) == sorted(expected)


def test_fleet_modes_secrets_owner_only(fleet_dir):
    secrets = {"web-app/secret-dir/image-reg-secret.yaml", "vm-ephemeral/kustomize/image-reg-secret.yaml",
               "vm-pv/kustomize/image-reg-secret.yaml"}
    for name in _files(fleet_dir):
        assert _mode(fleet_dir / name) == (0o600 if name in secrets else 0o644), name
    assert _mode(fleet_dir / "web-app" / "secret-dir") == 0o700
    assert _mode(fleet_dir / "web-app" / "kustomize") == 0o755  # its Secret went to the pre-install bundle
    assert _mode(fleet_dir / "vm-pv" / "kustomize") == 0o700
    assert _mode(fleet_dir) & 0o077 == 0  # holds Secrets: not readable by others


def test_fleet_yaml_of_the_main_bundle(fleet_dir):
    bundle = _bundle("web-app")
    assert bundle == "b-" + bundle[2:] and len(bundle) == 18
    config = _load(fleet_dir / "web-app" / "fleet.yaml")
    assert config == {
        "name": bundle,
        "labels": {"app.edge-orchestrator.intel.com/app-name": "web-app",
                   "app.edge-orchestrator.intel.com/bundle-type": "app", "deploymentGeneration": "1"},
        "defaultNamespace": "edge-web",
        "deleteCRDResources": False,
        "helm": {"releaseName": bundle, "repo": "",
                 "chart": "oci://registry-oci.example.com/catalog-apps-acme-edge/web-app", "version": "0.1.0",
                 "valuesFiles": ["profile.yaml", "overrides.yaml", "fleet-globals.yaml"]},
        "kustomize": {"dir": "./kustomize"},
        "dependsOn": [{"name": f"pre-install-secret-{bundle}"}],
        "diff": {},
    }
    assert _load(fleet_dir / "vm-pv" / "fleet.yaml")["dependsOn"] == []


def test_pre_install_bundle_holds_the_secret_and_only_there(fleet_dir):
    bundle = _bundle("web-app")
    assert _load(fleet_dir / "web-app" / "secret-dir" / "fleet.yaml") == {
        "name": f"pre-install-secret-{bundle}", "defaultNamespace": "edge-web"}
    secret = _load(fleet_dir / "web-app" / "secret-dir" / "image-reg-secret.yaml")
    assert (secret["kind"], secret["metadata"]["name"], secret["metadata"]["namespace"]) == ("Secret", bundle,
                                                                                           "edge-web")
    assert set(secret["data"]) == {".dockerconfigjson", "accessKeyId", "secretKey"}
    kustomization = _load(fleet_dir / "web-app" / "kustomize" / "kustomization.yaml")
    assert kustomization["resources"] == ["network-policy-ingress.yaml", "network-policy-egress.yaml"]
    for name in _files(fleet_dir / "web-app"):
        if not name.startswith("secret-dir/"):
            assert "kind: Secret" not in (fleet_dir / "web-app" / name).read_text(), name
    # Without the pre-install placeholder the Secret goes with the chart, in the kustomize folder.
    assert _load(fleet_dir / "vm-ephemeral" / "kustomize" / "kustomization.yaml")["resources"][-1] == \
        "image-reg-secret.yaml"


def test_values_files_and_network_policies(fleet_dir):
    bundle = _bundle("web-app")
    profile = _load(fleet_dir / "web-app" / "profile.yaml")
    assert profile["image"] == {"repository": "registry-oci.example.com/catalog-apps-acme-edge/web-app",
                                "tag": "1.4.2", "pullSecret": bundle, "prehook": bundle}
    assert _load(fleet_dir / "web-app" / "overrides.yaml") == {}
    assert _load(fleet_dir / "web-app" / "fleet-globals.yaml") == {
        "global": {"fleet": {"deploymentGeneration": 1, "clusterLabels": {}}}}
    ingress = _load(fleet_dir / "web-app" / "kustomize" / "network-policy-ingress.yaml")
    assert ingress == {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                       "metadata": {"name": "web-app-0.1.0-demo-ingress"},
                       "spec": {"podSelector": {}, "ingress": [{}], "policyTypes": ["Ingress"]}}


def test_every_fleet_yaml_fits_the_bundle_crd(fleet_dir, bundle_spec_schema):
    checked = 0
    for name in _files(fleet_dir):
        if name.endswith("fleet.yaml"):
            _check_fleet_yaml(_load(fleet_dir / name), bundle_spec_schema)
            checked += 1
    assert checked == 4
    # The check has teeth: a misspelt option and a wrong type are refused.
    config = _load(fleet_dir / "web-app" / "fleet.yaml")
    with pytest.raises(jsonschema.ValidationError):
        _check_fleet_yaml({**config, "helm": {**config["helm"], "valueFiles": ["x"]}}, bundle_spec_schema)
    with pytest.raises(jsonschema.ValidationError):
        _check_fleet_yaml({**config, "dependsOn": [{"name": 3}]}, bundle_spec_schema)


@requires_helm
@pytest.mark.helm
def test_bundle_values_files_give_helm_the_rendered_values(fleet_dir, argocd_dir, tmp_path):
    result = _render()
    for app in APPS:
        chart = write_chart(tmp_path / app, (PACKAGE / "charts" / app / "values.yaml").read_text())
        files = [fleet_dir / app / name for name in _load(fleet_dir / app / "fleet.yaml")["helm"]["valuesFiles"]]
        outcome = run_helm_template(chart, files)
        assert outcome.ok, outcome.stderr
        expected = numbers_as_float(json.loads(result.applications[app].to_json())["values"])
        assert numbers_as_float(outcome.values) == expected
        # The Argo CD Application's valuesObject gives the same.
        values_object = _load(argocd_dir / app / "application.yaml")["spec"]["source"]["helm"]["valuesObject"]
        (tmp_path / f"{app}-object.yaml").write_text(yaml.safe_dump(values_object))
        outcome = run_helm_template(chart, [tmp_path / f"{app}-object.yaml"])
        assert outcome.ok and numbers_as_float(outcome.values) == expected


# -- argo cd -------------------------------------------------------------------------------------------------

def test_argocd_files_modes_and_waves(argocd_dir):
    web, pv = _bundle("web-app"), _bundle("vm-pv")
    assert _files(argocd_dir) == sorted([
        "web-app/application.yaml", f"web-app/pre-install-secret-{web}.yaml",
        "vm-ephemeral/application.yaml", f"vm-ephemeral/secret-{_bundle('vm-ephemeral')}.yaml",
        "vm-pv/application.yaml", f"vm-pv/secret-{pv}.yaml", f"vm-pv/configmap-{pv}-registry-ca.yaml"])
    for name in _files(argocd_dir):
        assert _mode(argocd_dir / name) == (0o600 if "secret-" in name else 0o644), name
    wave = "argocd.argoproj.io/sync-wave"
    assert _load(argocd_dir / "web-app" / f"pre-install-secret-{web}.yaml")["metadata"]["annotations"][wave] == "-2"
    assert _load(argocd_dir / "vm-pv" / f"configmap-{pv}-registry-ca.yaml")["metadata"]["annotations"][wave] == "-1"
    assert _load(argocd_dir / "web-app" / "application.yaml")["metadata"]["annotations"][wave] == "0"


def test_argocd_application_content_and_crd(argocd_dir, application_schema, apps):
    application = _load(argocd_dir / "web-app" / "application.yaml")
    bundle = _bundle("web-app")
    assert application["apiVersion"] == "argoproj.io/v1alpha1" and application["kind"] == "Application"
    assert application["metadata"]["name"] == bundle and application["metadata"]["namespace"] == "argocd"
    source = application["spec"]["source"]
    assert {k: source[k] for k in ("repoURL", "chart", "targetRevision")} == {
        "repoURL": "registry-oci.example.com/catalog-apps-acme-edge", "chart": "web-app", "targetRevision": "0.1.0"}
    assert source["helm"]["releaseName"] == bundle
    web = next(app for app in apps if app.name == "web-app")
    assert source["helm"]["valuesObject"] == web.user_values()
    assert source["helm"]["valuesObject"]["global"]["fleet"]["deploymentGeneration"] == 1
    assert application["spec"]["destination"] == {"server": "https://kubernetes.default.svc", "namespace": "edge-web"}
    for app in APPS:
        jsonschema.validate(_load(argocd_dir / app / "application.yaml"), application_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**application, "spec": {**application["spec"], "destinaton": {}}}, application_schema)


def test_https_registry_is_a_repo_and_oci_a_chart_reference():
    assert chart_reference("https://charts.example.com/x", "app", "1.0.0").repo == "https://charts.example.com/x"
    oci = chart_reference("oci://r.example.com/p/", "app", "1.0.0")
    assert (oci.repo, oci.chart, oci.is_oci) == ("", "oci://r.example.com/p/app", True)


# -- secrets, dependencies, the CLI, all or nothing ----------------------------------------------------------

def _package_copy(tmp_path: Path) -> Path:
    package = tmp_path / "package"
    shutil.copytree(PACKAGE, package)
    registries = package / "registries.yaml"
    registries.write_text(registries.read_text().replace("EXAMPLE-not-a-real-token-0000", CANARY))
    app = package / "web-app-app.yaml"
    app.write_text(app.read_text() + "    parameterTemplates:\n"
                                     "      - {name: db.password, type: string, secret: true, mandatory: true}\n")
    deployment = package / "deployment-package.yaml"
    deployment.write_text(deployment.read_text() + "applicationDependencies:\n"
                                                   "  - name: vm-pv\n    requires: web-app\n")
    return package


def _cli_inputs(package: Path) -> List[str]:
    charts = [f"--chart={app}={package / 'charts' / app}" for app in APPS]
    return [str(package), *charts, "--registry", str(package / "registries.yaml"), "--deployment-name", DEPLOYMENT,
            "--org", "acme", "--project", "edge", "--set", f"web-app:db.password={PARAM_CANARY}"]


@pytest.mark.parametrize("target", ["fleet", "argocd"])
def test_secrets_only_in_owner_only_files(tmp_path, target, capsys):
    package = _package_copy(tmp_path)
    out = tmp_path / "out"
    assert main(["export", target, str(out), *_cli_inputs(package)]) == 0
    assert "wrote" in capsys.readouterr().err
    b64 = base64.b64encode(CANARY.encode()).decode()
    holders = []
    for name in _files(out):
        text = (out / name).read_text()
        if CANARY in text or b64 in text or PARAM_CANARY in text:
            holders.append(name)
            assert _mode(out / name) == 0o600, name
    expected_param_file = "web-app/overrides.yaml" if target == "fleet" else "web-app/application.yaml"
    assert expected_param_file in holders and len(holders) == 4  # three Secrets and the secret parameter's file


def test_dependencies_become_depends_on_and_waves(tmp_path):
    package = _package_copy(tmp_path)
    render_result = _render(package, parameters={"web-app": {"db.password": "x"}})
    apps = package_applications(render_result, deployment_name=DEPLOYMENT)
    export_fleet(apps, tmp_path / "fleet")
    export_argocd(apps, tmp_path / "argocd")
    assert _load(tmp_path / "fleet" / "vm-pv" / "fleet.yaml")["dependsOn"] == [{"name": _bundle("web-app")}]
    waves = {app: _load(tmp_path / "argocd" / app / "application.yaml")["metadata"]["annotations"][
        "argocd.argoproj.io/sync-wave"] for app in APPS}
    assert waves == {"web-app": "0", "vm-ephemeral": "0", "vm-pv": "1"}


def test_refuses_non_empty_directory_unless_forced(tmp_path, apps, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match="not empty"):
        export_fleet(apps, out)
    assert _files(out) == ["keep.txt"]
    argv = ["export", "fleet", str(out), *_cli_inputs(_package_copy(tmp_path))]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err and "Traceback" not in err
    assert main(argv + ["--force"]) == 0
    assert "keep.txt" not in _files(out) and "web-app/fleet.yaml" in _files(out)
    empty = tmp_path / "empty"
    empty.mkdir()
    export_argocd(apps, empty)  # an empty directory is fine
    assert "web-app/application.yaml" in _files(empty)


def test_all_or_nothing_on_error(tmp_path, apps, monkeypatch):
    real_fdopen = os.fdopen
    calls = {"n": 0}

    def failing_fdopen(fd, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(writer.os, "fdopen", failing_fdopen)
    out = tmp_path / "new"
    with pytest.raises(ExportError, match="No space left"):
        export_fleet(apps, out)
    assert not out.exists() and list(tmp_path.iterdir()) == []  # no half-written folder, no temp left
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "old.txt").write_text("old")
    calls["n"] = 0
    with pytest.raises(ExportError):
        export_argocd(apps, kept, force=True)
    assert _files(kept) == ["old.txt"] and sorted(p.name for p in tmp_path.iterdir()) == ["kept"]


def test_target_that_is_a_file_or_symlink_is_refused(tmp_path, apps):
    file_target = tmp_path / "file"
    file_target.write_text("x")
    with pytest.raises(ExportError, match="not a directory"):
        export_fleet(apps, file_target, force=True)
    link = tmp_path / "link"
    (tmp_path / "real").mkdir()
    link.symlink_to(tmp_path / "real")
    with pytest.raises(ExportError, match="not a directory"):
        export_fleet(apps, link, force=True)
    with pytest.raises(ExportError, match="outside its directory"):
        writer.write_export(tmp_path / "x", {"../escape.yaml": writer.ExportFile("a: 1\n")})
    assert not (tmp_path / "escape.yaml").exists()


def test_single_render_export_and_value_flags_refused(tmp_path):
    chart = PACKAGE / "charts" / "vm-ephemeral"
    context = DeploymentContext(app_name="vm-ephemeral", app_version="0.1.0", deployment_name=DEPLOYMENT,
                                namespace="edge-vms")
    reference = chart_reference("https://charts.example.com", "vm-ephemeral", "0.1.0")
    result = render(chart, {"vm": {"image": "x/y:1"}}, [{"vm": {"cores": 2}}], context=context)
    app = single_application(result, name="vm-ephemeral", namespace="edge-vms", chart=reference,
                             app_version="0.1.0", deployment_name=DEPLOYMENT)
    export_fleet([app], tmp_path / "one")
    config = _load(tmp_path / "one" / "vm-ephemeral" / "fleet.yaml")
    assert config["helm"]["repo"] == "https://charts.example.com" and config["helm"]["chart"] == "vm-ephemeral"
    assert config["name"] == _bundle("vm-ephemeral")
    assert _load(tmp_path / "one" / "vm-ephemeral" / "overrides.yaml") == {"vm": {"cores": 2}}
    flagged = render(chart, {"vm": {"image": "x/y:1"}}, context=context, set_values=["vm.cores=3"])
    with pytest.raises(ExportError, match="value flags"):
        single_application(flagged, name="vm-ephemeral", namespace="edge-vms", chart=reference)


def test_ignored_resources_become_compare_patches(tmp_path, bundle_spec_schema):
    package = _package_copy(tmp_path)
    app_file = package / "vm-pv-app.yaml"
    app_file.write_text(app_file.read_text() + "ignoredResources:\n  - {name: cfg, kind: ConfigMap}\n"
                                               "  - {name: hooks, kind: MutatingWebhookConfiguration}\n")
    apps = package_applications(_render(package, parameters={"web-app": {"db.password": "x"}}),
                                deployment_name=DEPLOYMENT)
    export_fleet(apps, tmp_path / "out")
    config = _load(tmp_path / "out" / "vm-pv" / "fleet.yaml")
    assert config["diff"] == {"comparePatches": [
        {"kind": "ConfigMap", "apiVersion": "v1", "name": "cfg", "namespace": "edge-vms",
         "operations": [{"op": "ignore"}, {"op": "remove", "path": "/metadata"}, {"op": "remove", "path": "/data"}]},
        {"kind": "MutatingWebhookConfiguration", "apiVersion": "admissionregistration.k8s.io/v1", "name": "hooks",
         "operations": [{"op": "ignore"}, {"op": "remove", "path": "/webhooks"}]}]}
    _check_fleet_yaml(config, bundle_spec_schema)


def test_without_fleet_globals_two_values_files(tmp_path):
    apps = package_applications(_render(fleet_globals=False), deployment_name=DEPLOYMENT)
    export_fleet(apps, tmp_path / "out")
    config = _load(tmp_path / "out" / "web-app" / "fleet.yaml")
    assert config["helm"]["valuesFiles"] == ["profile.yaml", "overrides.yaml"]
    assert "deploymentGeneration" not in config["labels"]
    assert not (tmp_path / "out" / "web-app" / "fleet-globals.yaml").exists()


def test_missing_parent_and_a_failed_swap_keep_the_old_content(tmp_path, apps, monkeypatch):
    with pytest.raises(ExportError, match="parent does not exist"):
        export_fleet(apps, tmp_path / "no" / "such")
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "old.txt").write_text("old")
    real_rename = os.rename

    def failing_rename(src, dst):
        if ".export-" in str(src):  # the new content's move into place
            raise OSError(18, "Invalid cross-device link")
        return real_rename(src, dst)

    monkeypatch.setattr(writer.os, "rename", failing_rename)
    with pytest.raises(ExportError, match="cross-device"):
        export_fleet(apps, kept, force=True)
    assert _files(kept) == ["old.txt"] and sorted(p.name for p in tmp_path.iterdir()) == ["kept"]
