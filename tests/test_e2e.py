"""End to end: examples/edge-package rendered, templated by the real Helm, and checked.

For each application of the example package: ``render_package`` → its values
in a file → ``helm template`` with the real Helm binary → ``check_manifests``
on Helm's output plus the generated Secret and ConfigMap. The package must come
out clean, and the names the rendered objects reference must be exactly the
names of the objects profile-render generated.

Then broken variants, each a copy of the package with one change, must give
exactly the finding that change deserves (and nothing else).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import pytest
import yaml

from profile_render.emit import to_yaml
from profile_render.findings import ERROR
from profile_render.orchestrator.lint import lint
from profile_render.orchestrator.package import PackageRender, render_package
from profile_render.rendering import RenderResult
from profile_render.orchestrator.placeholders import PlaceholderError
from tests.helm_oracle import helm_binary, helm_env

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "examples" / "edge-package"
APPS = ("web-app", "vm-ephemeral", "vm-pv")
NAMESPACES = {"web-app": "edge-web", "vm-ephemeral": "edge-vms", "vm-pv": "edge-vms"}
REGISTRY_HOST = "registry-oci.example.com"
REGISTRY_PREFIX = "registry-oci.example.com/catalog-apps-acme-edge/"

HELM = helm_binary()
requires_helm = pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)")


# ---------------------------------------------------------------------------
# helpers


def _charts(package: Path) -> Dict[str, Path]:
    return {app: package / "charts" / app for app in APPS}


def _render(package: Path = PACKAGE, apps: Optional[Sequence[str]] = None) -> PackageRender:
    return render_package(package, charts=_charts(package), deployment_name="demo",
                          registry_files=[package / "registries.yaml"], org="acme", project="edge",
                          applications=list(apps) if apps else None)


def _helm_template(app: str, chart: Path, result: RenderResult, workdir: Path) -> str:
    """``helm template <app> <chart> -f values.yaml --namespace <ns>``: Helm's output text."""
    assert HELM is not None
    values = workdir / f"{app}-values.yaml"
    values.write_text(to_yaml(result.values), encoding="utf-8")
    cmd = [str(HELM), "template", app, str(chart), "-f", str(values), "--namespace", NAMESPACES[app]]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=helm_env())
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _stream(objects: Iterable[Dict[str, Any]]) -> str:
    return "".join("---\n" + to_yaml(obj) for obj in objects)


def _all_text(helm_output: str, result: RenderResult) -> str:
    """What gets applied: the pre-install objects, the generated objects and the chart's."""
    return _stream(result.pre_install_manifests) + _stream(result.manifests) + helm_output


def _check(app: str, chart: Path, result: RenderResult, workdir: Path):
    """Helm's output for ``app`` and the findings for everything applied with it."""
    from profile_render.checks.manifests import check_manifests

    output = _helm_template(app, chart, result, workdir)
    return output, check_manifests(_all_text(output, result), render=result)


def _spot(finding, result: RenderResult, output: str) -> str:
    """The text line a finding points at (findings carry line numbers into the checked text)."""
    assert finding.line is not None, finding
    return _all_text(output, result).splitlines()[finding.line - 1].strip()


def _errors(findings) -> Set[Tuple[str, str, Optional[str]]]:
    return {(f.rule, f.severity, f.kind) for f in findings if f.severity == ERROR}


def _not_info(findings) -> Set[Tuple[str, str, Optional[str]]]:
    return {(f.rule, f.severity, f.kind) for f in findings if f.severity != "info"}


def _docs(text: str) -> List[Dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def _one(docs: List[Dict[str, Any]], kind: str) -> Dict[str, Any]:
    (doc,) = [d for d in docs if d.get("kind") == kind]
    return doc


def _copy_package(tmp_path: Path) -> Path:
    target = tmp_path / "edge-package"
    shutil.copytree(PACKAGE, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _mutated_check(tmp_path: Path, app: str, file: str, old: str, new: str):
    """Copy the package, make one edit in ``charts/<app>/<file>``, render and check only ``app``."""
    package = _copy_package(tmp_path)
    _edit(package / "charts" / app / file, old, new)
    result = _render(package, [app]).applications[app]
    output, findings = _check(app, package / "charts" / app, result, tmp_path)
    return result, output, findings


# ---------------------------------------------------------------------------
# the package as shipped


def test_package_lints_clean():
    findings = lint(PACKAGE, charts=_charts(PACKAGE), registry_files=[PACKAGE / "registries.yaml"])
    assert findings == []


def test_registry_file_holds_a_certificate_and_no_key():
    text = (PACKAGE / "registries.yaml").read_text(encoding="utf-8")
    assert "-----BEGIN CERTIFICATE-----" in text and "-----END CERTIFICATE-----" in text
    assert "PRIVATE KEY" not in text
    for path in PACKAGE.rglob("*"):
        if path.is_file():
            assert "PRIVATE KEY" not in path.read_text(encoding="utf-8"), path


def test_charts_hold_no_placeholders():
    for values in PACKAGE.glob("charts/*/values.yaml"):
        assert "%" not in values.read_text(encoding="utf-8"), values


def test_package_renders_every_application():
    rendered = _render()
    assert list(rendered.applications) == list(APPS)
    assert rendered.findings == []
    web = rendered.applications["web-app"]
    # %PreHookCredential%: the Secret moves to the pre-install objects
    assert [m["kind"] for m in web.pre_install_manifests] == ["Secret"]
    # no %RegistryCertConfigMap% in its values: no CA ConfigMap, though the registry has a CA
    assert web.manifests == []
    assert web.values["image"]["pullSecret"] == web.values["image"]["prehook"] == web.secret_name
    assert web.values["image"]["repository"] == REGISTRY_PREFIX + "web-app"
    for app in ("vm-ephemeral", "vm-pv"):
        result = rendered.applications[app]
        assert result.pre_install_manifests == []
        assert sorted(m["kind"] for m in result.manifests) == (["ConfigMap", "Secret"] if app == "vm-pv" else ["Secret"])
        assert result.values["vm"]["image"] == REGISTRY_PREFIX + "ubuntu-vm:22.04"
    pv = rendered.applications["vm-pv"]
    assert pv.values["vm"]["certConfigMap"] == pv.secret_name + "-registry-ca"
    # one Secret per application, named from the application and deployment names (README.md quotes them)
    assert {app: r.secret_name for app, r in rendered.applications.items()} == {
        "web-app": "b-33d92b4f-a47c-50", "vm-ephemeral": "b-6afcec44-3adb-51", "vm-pv": "b-ffb0b90a-3725-5a"}
    for app, result in rendered.applications.items():
        for obj in result.manifests + result.pre_install_manifests:
            assert obj["metadata"]["namespace"] == NAMESPACES[app]


@pytest.mark.helm
@requires_helm
@pytest.mark.parametrize("app", APPS)
def test_each_application_is_clean_end_to_end(app, tmp_path):
    result = _render(apps=[app]).applications[app]
    output, findings = _check(app, PACKAGE / "charts" / app, result, tmp_path)
    assert _errors(findings) == set(), "\n".join(map(str, findings))
    assert _not_info(findings) == set(), "\n".join(map(str, findings))

    docs = _docs(output)
    generated = {(m["kind"], m["metadata"]["name"]) for m in result.manifests + result.pre_install_manifests}
    secrets = {name for kind, name in generated if kind == "Secret"}
    config_maps = {name for kind, name in generated if kind == "ConfigMap"}
    assert secrets == {result.secret_name}
    # the CA ConfigMap only where a value asks for it (%RegistryCertConfigMap%: vm-pv)
    assert config_maps == ({result.secret_name + "-registry-ca"} if app == "vm-pv" else set())

    if app == "web-app":
        deployment = _one(docs, "Deployment")
        pod = deployment["spec"]["template"]["spec"]
        assert pod["imagePullSecrets"] == [{"name": result.secret_name}]
        assert pod["containers"][0]["image"] == REGISTRY_PREFIX + "web-app:1.4.2"
        assert "imagePullSecrets" not in pod["containers"][0]
        job = _one(docs, "Job")
        assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install"
        hook_pod = job["spec"]["template"]["spec"]
        assert hook_pod["containers"][0]["image"].startswith(REGISTRY_PREFIX)
        # the hook pulls with the Secret that exists before the chart is installed
        pre_install = {m["metadata"]["name"] for m in result.pre_install_manifests if m["kind"] == "Secret"}
        assert {ref["name"] for ref in hook_pod["imagePullSecrets"]} == pre_install == {result.secret_name}
        referenced = {ref["name"] for ref in pod["imagePullSecrets"]} | pre_install
    elif app == "vm-ephemeral":
        vm = _one(docs, "VirtualMachine")
        (volume,) = vm["spec"]["template"]["spec"]["volumes"]
        assert volume["containerDisk"]["image"] == REGISTRY_PREFIX + "ubuntu-vm:22.04"
        referenced = {volume["containerDisk"]["imagePullSecret"]}
        assert [d["name"] for d in vm["spec"]["template"]["spec"]["domain"]["devices"]["disks"]] == [volume["name"]]
    else:
        vm = _one(docs, "VirtualMachine")
        (template,) = vm["spec"]["dataVolumeTemplates"]
        registry = template["spec"]["source"]["registry"]
        assert registry["url"] == "docker://" + REGISTRY_PREFIX + "ubuntu-vm:22.04"
        referenced = {registry["secretRef"]}
        # the CA ConfigMap is the one the DataVolume names
        assert registry["certConfigMap"] in config_maps
        (volume,) = vm["spec"]["template"]["spec"]["volumes"]
        assert volume["dataVolume"]["name"] == template["metadata"]["name"]
        assert template["spec"]["pvc"]["resources"]["requests"]["storage"] == "20Gi"
    # the generated Secret names are exactly the ones the rendered objects reference
    assert referenced == secrets
    # Helm put nothing into another namespace
    assert all(d.get("metadata", {}).get("namespace") in (None, NAMESPACES[app]) for d in docs)
    # the generated CDI keys are there for secretRef
    (secret,) = [m for m in result.manifests + result.pre_install_manifests if m["kind"] == "Secret"]
    assert {".dockerconfigjson", "accessKeyId", "secretKey"} <= set(secret["data"])
    assert secret["type"] == "kubernetes.io/dockerconfigjson"


@pytest.mark.helm
@requires_helm
def test_check_accepts_the_render_json_forms(tmp_path):
    """render= also takes the dict of ``render -o json``, its masked form, and ``package render -o json``."""
    from profile_render.checks.manifests import check_manifests

    rendered = _render()
    for app in APPS:
        result = rendered.applications[app]
        output = _helm_template(app, PACKAGE / "charts" / app, result, tmp_path)
        for form in (result.to_dict(), result.masked(), {"applications": {app: result.to_dict()}}):
            # only Helm's output: the generated objects come from the render
            findings = check_manifests(output, render=form)
            assert _not_info(findings) == set(), "\n".join(map(str, findings))
        # without the render nothing tells the checker which Secret exists: every reference is unknown
        bare = check_manifests(output, private_registries=[REGISTRY_HOST], namespace=NAMESPACES[app])
        assert {f.rule for f in bare} <= {"unknown-pull-secret", "cert-configmap-missing"}, \
            "\n".join(map(str, bare))
        assert "unknown-pull-secret" in {f.rule for f in bare}


@pytest.mark.helm
@requires_helm
def test_readme_commands_run(tmp_path):
    """The CLI path of README.md: package render --output-dir, helm template, check-manifests."""
    env = dict(os.environ)
    cli = [sys.executable, "-m", "profile_render"]
    out = tmp_path / "out"
    charts = []
    for app in APPS:
        charts += ["--chart", f"{app}=examples/edge-package/charts/{app}"]
    common = ["--registry", "examples/edge-package/registries.yaml"]
    proc = subprocess.run(cli + ["lint", "examples/edge-package", *charts, *common],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr
    proc = subprocess.run(cli + ["package", "render", "examples/edge-package", *charts, *common,
                                 "--deployment-name", "demo", "--org", "acme", "--project", "edge",
                                 "--output-dir", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    for app in APPS:
        folder = out / app
        proc = subprocess.run([str(HELM), "template", app, f"examples/edge-package/charts/{app}",
                               "-f", str(folder / "values.yaml"), "--namespace", NAMESPACES[app]],
                              cwd=ROOT, capture_output=True, text=True, env=helm_env())
        assert proc.returncode == 0, proc.stderr
        stream = ((folder / "pre-install.yaml").read_text() + (folder / "manifests.yaml").read_text()
                  + proc.stdout)
        (folder / "chart.yaml").write_text(proc.stdout, encoding="utf-8")
        check = subprocess.run(cli + ["check-manifests", "-", "--private-registry", REGISTRY_HOST,
                                      "--namespace", NAMESPACES[app]],
                               cwd=ROOT, input=stream, capture_output=True, text=True, env=env)
        assert check.returncode == 0 and check.stdout == "", check.stdout + check.stderr
        assert "0 error(s), 0 other finding(s)" in check.stderr
        # 5': the render JSON of the one application instead of the host and namespace
        rendered = subprocess.run(cli + ["package", "render", "examples/edge-package", *charts, *common,
                                         "--deployment-name", "demo", "--org", "acme", "--project", "edge",
                                         "--app", app, "-o", "json"],
                                  cwd=ROOT, capture_output=True, text=True, env=env)
        assert rendered.returncode == 0, rendered.stderr
        (tmp_path / f"{app}.json").write_text(rendered.stdout, encoding="utf-8")
        check = subprocess.run(cli + ["check-manifests", str(folder / "chart.yaml"),
                                      "--render-json", str(tmp_path / f"{app}.json")],
                               cwd=ROOT, capture_output=True, text=True, env=env)
        assert check.returncode == 0 and check.stdout == "", check.stdout + check.stderr
    # and a broken stream fails: the generated Secret moved to another namespace
    broken = (out / "vm-pv" / "manifests.yaml").read_text().replace("namespace: edge-vms", "namespace: elsewhere")
    stream = broken + (out / "vm-pv" / "chart.yaml").read_text()
    check = subprocess.run(cli + ["check-manifests", "-", "--private-registry", REGISTRY_HOST,
                                  "--namespace", "edge-vms", "--format", "json"],
                           cwd=ROOT, input=stream, capture_output=True, text=True, env=env)
    assert check.returncode != 0
    assert {f["rule"] for f in json.loads(check.stdout)} == {"namespace-mismatch", "cert-configmap-missing"}


# ---------------------------------------------------------------------------
# broken variants: one change each, exactly one kind of finding


@pytest.mark.helm
@requires_helm
def test_datavolume_url_without_docker_scheme(tmp_path):
    result, output, findings = _mutated_check(tmp_path, "vm-pv", "templates/virtualmachine.yaml",
                                              'url: "docker://{{ .Values.vm.image }}"', 'url: "{{ .Values.vm.image }}"')
    assert 'url: "registry-oci.example.com/' in output
    assert _not_info(findings) == {("datavolume-url-scheme", ERROR, "VirtualMachine")}, "\n".join(map(str, findings))
    (finding,) = findings
    assert finding.path == ("spec", "dataVolumeTemplates", 0, "spec", "source", "registry", "url")
    assert _spot(finding, result, output).startswith("url:") and "docker://" + REGISTRY_PREFIX in finding.fix


@pytest.mark.helm
@requires_helm
def test_datavolume_without_secret_ref(tmp_path):
    result, output, findings = _mutated_check(
        tmp_path, "vm-pv", "templates/virtualmachine.yaml",
        "            {{- with .Values.vm.pullSecret }}\n            secretRef: {{ . | quote }}\n            {{- end }}\n",
        "")
    assert "secretRef" not in output
    assert _not_info(findings) == {("datavolume-missing-secret-ref", ERROR, "VirtualMachine")}, \
        "\n".join(map(str, findings))
    (finding,) = findings
    assert finding.path == ("spec", "dataVolumeTemplates", 0, "spec", "source", "registry", "secretRef")
    assert _spot(finding, result, output).startswith("registry:")  # the nearest existing key


@pytest.mark.helm
@requires_helm
def test_image_pull_secrets_inside_a_container(tmp_path):
    old = ('      {{- with .Values.image.pullSecret }}\n      imagePullSecrets:\n        - name: {{ . | quote }}\n'
           '      {{- end }}\n      containers:\n        - name: web-app\n')
    new = ('      containers:\n        - name: web-app\n          {{- with .Values.image.pullSecret }}\n'
           '          imagePullSecrets:\n            - name: {{ . | quote }}\n          {{- end }}\n')
    result, output, findings = _mutated_check(tmp_path, "web-app", "templates/deployment.yaml", old, new)
    pod = _one(_docs(output), "Deployment")["spec"]["template"]["spec"]
    assert "imagePullSecrets" not in pod and "imagePullSecrets" in pod["containers"][0]
    assert _not_info(findings) == {
        ("pull-secret-in-container", ERROR, "Deployment"),
        ("private-image-without-pull-secret", ERROR, "Deployment"),
    }, "\n".join(map(str, findings))
    where = {f.rule: (f.path, _spot(f, result, output)) for f in findings}
    containers = ("spec", "template", "spec", "containers", 0)
    assert where["pull-secret-in-container"] == (containers + ("imagePullSecrets",), "imagePullSecrets:")
    assert where["private-image-without-pull-secret"][0] == containers + ("image",)
    assert where["private-image-without-pull-secret"][1].startswith("image: ")


def test_placeholder_in_chart_values_fails_render_and_lint(tmp_path):
    package = _copy_package(tmp_path)
    _edit(package / "charts" / "vm-ephemeral" / "values.yaml",
          '  pullSecret: ""\n', "  pullSecret: '%GeneratedDockerCredential%'\n")
    with pytest.raises(PlaceholderError) as caught:
        _render(package, ["vm-ephemeral"])
    error = caught.value
    assert "placeholder" in error.problem
    assert error.source is not None and error.source.endswith(os.path.join("vm-ephemeral", "values.yaml"))
    assert (error.line, error.column, error.path) == (6, 3, ("vm", "pullSecret"))
    findings = lint(package, charts=_charts(package), registry_files=[package / "registries.yaml"])
    assert {(f.rule, f.severity) for f in findings} == {("placeholder-in-chart", ERROR)}
    (finding,) = findings
    assert (finding.line, finding.column, finding.path) == (6, 3, ("vm", "pullSecret"))
    assert finding.source is not None and finding.source.endswith(os.path.join("vm-ephemeral", "values.yaml"))


HARD_CODED = {
    "web-app": ("templates/deployment.yaml",
                "      {{- with .Values.image.pullSecret }}\n      imagePullSecrets:\n"
                "        - name: {{ . | quote }}\n      {{- end }}\n",
                "      imagePullSecrets:\n        - name: regcred\n",
                "Deployment"),
    "vm-ephemeral": ("templates/virtualmachine.yaml", "imagePullSecret: {{ . | quote }}",
                     "imagePullSecret: regcred", "VirtualMachine"),
}


@pytest.mark.helm
@requires_helm
@pytest.mark.parametrize("app", sorted(HARD_CODED))
def test_hard_coded_pull_secret_name(app, tmp_path):
    """A name written in the template instead of taken from the values: the pod (or containerDisk) does name a
    pull secret, so no missing-pull-secret error, but nobody creates that Secret: an unknown-pull-secret warning."""
    file, old, new, kind = HARD_CODED[app]
    result, output, findings = _mutated_check(tmp_path, app, file, old, new)
    changed = _one(_docs(output), kind)
    assert "regcred" in str(changed) and result.secret_name not in str(changed)
    assert _errors(findings) == set(), "\n".join(map(str, findings))
    assert _not_info(findings) == {("unknown-pull-secret", "warning", kind)}, "\n".join(map(str, findings))
    (finding,) = findings
    assert "regcred" in finding.message


@pytest.mark.helm
@requires_helm
def test_cert_config_map_not_rendered(tmp_path):
    result, output, findings = _mutated_check(tmp_path, "vm-pv", "templates/virtualmachine.yaml",
                                              "certConfigMap: {{ . | quote }}", "certConfigMap: vm-registry-tls-cert")
    assert "certConfigMap: vm-registry-tls-cert" in output
    assert _not_info(findings) == {("cert-configmap-missing", ERROR, "VirtualMachine")}, "\n".join(map(str, findings))
    (finding,) = findings
    assert _spot(finding, result, output) == "certConfigMap: vm-registry-tls-cert"
    # declared as created outside the chart, the same name is accepted
    from profile_render.checks.manifests import check_manifests

    assert check_manifests(_all_text(output, result), render=result,
                           external_config_maps=["vm-registry-tls-cert"]) == []


@pytest.mark.helm
@requires_helm
def test_hard_coded_namespace(tmp_path):
    result, output, findings = _mutated_check(tmp_path, "web-app", "templates/deployment.yaml",
                                              "  name: {{ .Release.Name }}\n",
                                              "  name: {{ .Release.Name }}\n  namespace: other\n")
    assert "namespace: other" in output
    assert _not_info(findings) == {("namespace-mismatch", ERROR, "Deployment")}, "\n".join(map(str, findings))
    (finding,) = findings
    assert finding.path == ("metadata", "namespace") and _spot(finding, result, output) == "namespace: other"
    assert result.secret_name in finding.message and NAMESPACES["web-app"] in finding.message


@pytest.mark.helm
@requires_helm
def test_hook_pulling_without_pre_hook_credential(tmp_path):
    # Without %PreHookCredential% the generated Secret is deployed with the chart, after the hook runs.
    package = _copy_package(tmp_path)
    _edit(package / "web-app-values.yaml", "prehook: '%PreHookCredential%'", "prehook: '%GeneratedDockerCredential%'")
    result = _render(package, ["web-app"]).applications["web-app"]
    assert result.pre_install_manifests == [] and "Secret" in [m["kind"] for m in result.manifests]
    output, findings = _check("web-app", package / "charts" / "web-app", result, tmp_path)
    assert _errors(findings) == {("hook-pull-secret-not-pre-installed", ERROR, "Job")}, "\n".join(map(str, findings))
    (finding,) = [f for f in findings if f.severity == ERROR]
    assert "%PreHookCredential%" in finding.fix
