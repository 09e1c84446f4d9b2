"""Placeholders in a Profile's comments take effect, as they do in the reference (contract, "Placeholders").

The reference decides from the Profile's text, comments included: a commented
``%GeneratedDockerCredential%`` still generates the Secret (and fails without
credentials), a commented ``%PreHookCredential%`` still makes it pre-install,
a commented ``%ImageRegistryURL%`` still needs a registry host.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from profile_render import DeploymentContext, ImageRegistry, Layer, PlaceholderError, Secret, render
from profile_render.orchestrator.lint import lint
from profile_render.orchestrator.profile_text import text_only_placeholders

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "examples" / "hello-chart"
CONTEXT = DeploymentContext(app_name="hello-world", app_version="1.0.0", deployment_name="deployment-abc12",
                            namespace="apps", org="acme", project="edge")
REGISTRY = ImageRegistry("harbor", "https://registry.example.com/apps", username="robot", password=Secret("s3cret-canary"))


def _profile(text: str) -> Layer:
    return Layer.from_text(text, source="profile.yaml", kind="profile")


def test_a_commented_credential_placeholder_generates_the_secret_with_a_warning():
    result = render(CHART, _profile("# pull secret: '%GeneratedDockerCredential%'\nreplicaCount: 2\n"),
                    context=CONTEXT, registry=REGISTRY)
    assert [m["kind"] for m in result.manifests] == ["Secret"]
    assert result.secret_name == result.manifests[0]["metadata"]["name"]
    warned = [w for w in result.warnings if w.rule == "placeholder-in-comment"]
    assert [(w.source, w.line, w.column) for w in warned] == [("profile.yaml", 1, 17)]
    assert "generates the image-pull Secret" in warned[0].message
    assert "s3cret-canary" not in result.to_json(masked=True)


def test_a_commented_credential_placeholder_without_credentials_fails_as_in_the_reference():
    with pytest.raises(PlaceholderError) as info:
        render(CHART, _profile("replicaCount: 2   # later: %GeneratedDockerCredential%\n"), context=CONTEXT)
    error = info.value
    assert (error.source, error.line, error.column) == ("profile.yaml", 1, 28)
    assert "comment" in error.problem and "credentials" in error.problem


def test_a_commented_prehook_placeholder_makes_the_secret_pre_install():
    text = "image:\n  pullSecret: '%GeneratedDockerCredential%'\n# '%PreHookCredential%'\n"
    result = render(CHART, _profile(text), context=CONTEXT, registry=REGISTRY)
    assert result.manifests == []
    assert [m["kind"] for m in result.pre_install_manifests] == ["Secret"]
    assert [w.line for w in result.warnings if w.rule == "placeholder-in-comment"] == [3]


def test_a_commented_registry_url_without_a_registry_fails():
    with pytest.raises(PlaceholderError) as info:
        render(CHART, _profile("# image: %ImageRegistryURL%/nginx\nreplicaCount: 1\n"), context=CONTEXT)
    assert info.value.line == 1 and "comment" in info.value.problem


def test_names_without_an_effect_and_tokens_in_values_give_nothing():
    text = "# %OrgName% and %ProjectName% in a comment change nothing\nimage:\n  pullSecret: '%GeneratedDockerCredential%'\n"
    result = render(CHART, _profile(text), context=CONTEXT, registry=REGISTRY)
    assert not [w for w in result.warnings if w.rule == "placeholder-in-comment"]
    assert text_only_placeholders(text, {"image": {"pullSecret": "%GeneratedDockerCredential%"}}) == []


def test_a_token_in_a_value_and_again_in_a_comment_is_reported_at_the_comment():
    text = "image:\n  pullSecret: '%GeneratedDockerCredential%'  # was '%GeneratedDockerCredential%'\n"
    assert text_only_placeholders(text, {"image": {"pullSecret": "%GeneratedDockerCredential%"}}) == [
        ("GeneratedDockerCredential", 2, 53)]
    assert text_only_placeholders("a: '#%ImageRegistryURL%'\n", {"a": "#%ImageRegistryURL%"}) == []


def test_lint_reports_a_commented_placeholder_and_what_it_cannot_satisfy(tmp_path):
    package = tmp_path / "edge-package"
    shutil.copytree(ROOT / "examples" / "edge-package", package)
    values = package / "web-app-values.yaml"
    values.write_text("# %PreHookCredential% (disabled for now)\n" + values.read_text())
    findings = lint(package, registry_files=[package / "registries.yaml"])
    commented = [f for f in findings if f.rule == "placeholder-in-comment"]
    assert [(Path(f.source).name, f.line, f.column, f.severity) for f in commented] == [
        ("web-app-values.yaml", 1, 3, "warning")]
    assert "pre-install" in commented[0].message
