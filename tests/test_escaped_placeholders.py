"""Placeholders spelt with YAML escapes: the reference replaces the Profile's text, so it never sees them.

The Edge Orchestrator replaces ``%Name%`` in the Profile's text before parsing
it. A double-quoted scalar can spell the token with escapes (``\\x25``,
``\\u0025``) or join it across a ``\\`` line break; the text then does not
hold the token, the reference leaves it, and the chart gets ``%OrgName%`` as
text. render predicts exactly that and warns ``escaped-placeholder``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profile_render import load_chart
from profile_render.orchestrator.model import DeploymentContext
from profile_render.rendering import render
from profile_render.values import Layer, merge_values
from profile_render.yamlio.load import load_values
from tests.conftest import requires_helm
from tests.helm_oracle import run_helm_template, write_chart

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = DeploymentContext("app", "1.0", "d", "ns", org="acme", project="edge")


def _render(tmp_path: Path, text: str):
    profile = tmp_path / "profile.yaml"
    profile.write_text(text, encoding="utf-8")
    return render(load_chart(ROOT / "examples" / "hello-chart"), profile, context=CONTEXT, fleet_globals=False)


def test_escaped_tokens_stay_text_with_a_located_warning(tmp_path):
    result = _render(tmp_path, 'a: "\\x25OrgName\\x25"\n'
                               'b: "%OrgName%-\\x25ProjectName\\x25"\n'
                               'c: "%Org\\\n   Name%"\n'
                               '"\\u0025OrgName%": key\n'
                               'd: \'%ProjectName%\'\n')
    values = result.values
    assert values["a"] == "%OrgName%"
    assert values["b"] == "acme-%ProjectName%"  # the token written as it is resolves, the escaped one stays
    assert values["c"] == "%OrgName%"  # joined by an escaped line break: not in the text either
    assert values["%OrgName%"] == "key"  # a key spelt with escapes stays as well
    assert values["d"] == "edge"
    found = sorted((w.line, w.path, w.rule) for w in result.warnings if w.rule == "escaped-placeholder")
    assert found == [(1, ("a",), "escaped-placeholder"), (2, ("b",), "escaped-placeholder"),
                     (3, ("c",), "escaped-placeholder"), (5, ("%OrgName%",), "escaped-placeholder")]
    message = next(w.message for w in result.warnings if w.path == ("b",))
    assert "%ProjectName%" in message and "%OrgName%" not in message  # names the escaped token only


def test_backslashes_without_escaped_tokens_change_nothing(tmp_path):
    text = 'a: "%OrgName%\\t"\nb: "C:\\\\temp\\\\%ProjectName%"\nc: \'back\\slash %OrgName%\'\nd: "\\x41"\n'
    result = _render(tmp_path, text)
    assert result.values["a"] == "acme\t"
    assert result.values["b"] == "C:\\temp\\edge"
    assert result.values["c"] == "back\\slash acme"
    assert result.values["d"] == "A"
    assert not [w for w in result.warnings if w.rule == "escaped-placeholder"]
    assert load_values(text, placeholders={"OrgName", "ProjectName"}).escaped == ()


def test_the_reader_lists_the_escaped_tokens_and_keeps_the_text():
    loaded = load_values('x:\n  - "a\\x25OrgName\\x25b%ProjectName%"\n', placeholders={"OrgName", "ProjectName"})
    assert loaded.data == {"x": ["a%OrgName%b%ProjectName%"]}
    (token,) = loaded.escaped
    assert (token.path, token.in_key, token.starts, token.tokens) == (("x", 0), False, (1,), ("%OrgName%",))
    (warning,) = loaded.warnings
    assert (warning.rule, warning.line, warning.column, warning.path) == ("escaped-placeholder", 2, 5, ("x", 0))


def test_an_error_in_such_a_text_shows_no_marker():
    from profile_render.errors import ProfileRenderError

    with pytest.raises(ProfileRenderError) as raised:
        load_values('a: "\\x25OrgName\\x25"\na: [unclosed\n', placeholders={"OrgName"})
    assert all(not 0xE000 <= ord(char) <= 0xF8FF for char in str(raised.value))


_PIECES = st.sampled_from(["%OrgName%", "%ProjectName%", "\\x25OrgName\\x25", "\\u0025ProjectName%",
                           "%Org\\x4eame%", "x", "-", " ", "\\\\", "\\t", "100%", "%%"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_PIECES, min_size=1, max_size=5).map("".join), min_size=1, max_size=4))
def test_render_is_the_reference_replacing_the_text(values):
    """The reference: replace the tokens in the text, then read it as Helm reads values; render gives the same."""
    text = "".join(f'k{i}: "{value}"\n' for i, value in enumerate(values))
    replaced = text.replace("%OrgName%", "acme").replace("%ProjectName%", "edge")
    reference = merge_values(load_chart(ROOT / "examples" / "hello-chart"),
                             [Layer.from_text(replaced, source="replaced.yaml")]).values
    ours = render(load_chart(ROOT / "examples" / "hello-chart"),
                  Layer.from_text(text, source="profile.yaml", kind="profile"), context=CONTEXT,
                  fleet_globals=False).values
    assert {k: ours[k] for k in ours if k.startswith("k")} == {k: reference[k] for k in reference if k.startswith("k")}


@requires_helm
def test_helm_sees_the_escaped_token_as_text(tmp_path):
    """What the reference hands Helm (the text, tokens written as they are replaced) gives render's values."""
    text = 'a: "\\x25OrgName\\x25"\nb: "%OrgName%/\\u0025ProjectName%"\n'
    chart = write_chart(tmp_path / "oracle", "")
    replaced = tmp_path / "replaced.yaml"
    replaced.write_text(text.replace("%OrgName%", "acme").replace("%ProjectName%", "edge"), encoding="utf-8")
    helm = run_helm_template(chart, [replaced])
    assert helm.ok, helm.stderr
    ours = render(chart, Layer.from_text(text, source="profile.yaml", kind="profile"), context=CONTEXT,
                  fleet_globals=False).values
    assert {"a": helm.values["a"], "b": helm.values["b"]} == {"a": ours["a"], "b": ours["b"]}
    assert ours == {**ours, "a": "%OrgName%", "b": "acme/%ProjectName%"}


def test_an_escaped_credential_placeholder_generates_nothing(tmp_path):
    """The reference decides from the text: a token only escapes spell generates no Secret and needs no credentials."""
    result = _render(tmp_path, 'pull: "\\x25GeneratedDockerCredential\\x25"\n')
    assert result.values["pull"] == "%GeneratedDockerCredential%"
    assert not result.manifests and not result.pre_install_manifests
    assert [w.rule for w in result.warnings] == ["escaped-placeholder"]


def test_a_commented_token_still_counts_beside_an_escaped_one(tmp_path):
    """A comment's token takes effect in the reference; an escaped token in a value does not hide it."""
    from profile_render.errors import ProfileRenderError

    text = '# uses %GeneratedDockerCredential%\npull: "\\x25GeneratedDockerCredential\\x25"\n'
    with pytest.raises(ProfileRenderError) as raised:  # no registry credentials: the comment's token fails, as there
        _render(tmp_path, text)
    assert raised.value.line == 1


def test_lint_reports_an_escaped_placeholder(tmp_path):
    import shutil

    from profile_render.orchestrator.lint import lint

    package = tmp_path / "edge-package"
    shutil.copytree(ROOT / "examples" / "edge-package", package)
    values = package / "web-app-values.yaml"
    values.write_text(values.read_text() + 'tenantLabel: "\\x25OrgName\\x25"\n')
    findings = [f for f in lint(package, registry_files=[package / "registries.yaml"])
                if f.rule == "escaped-placeholder"]
    assert [(Path(f.source).name, f.path, f.severity) for f in findings] == [
        ("web-app-values.yaml", ("tenantLabel",), "warning")]
    assert findings[0].line == len(values.read_text().splitlines())


def test_lint_does_not_count_an_escaped_credential_placeholder_as_used(tmp_path):
    """A token only escapes spell uses nothing: no finding that the registry lacks credentials for it."""
    import shutil

    from profile_render.orchestrator.lint import lint

    package = tmp_path / "edge-package"
    shutil.copytree(ROOT / "examples" / "edge-package", package)
    values = package / "web-app-values.yaml"
    plain = values.read_text().replace("%GeneratedDockerCredential%", "fixed-secret").replace(
        "%PreHookCredential%", "fixed-secret")
    values.write_text(plain + 'escapedPull: "\\x25GeneratedDockerCredential\\x25"\n')
    registries = package / "registries.yaml"
    registries.write_text("\n".join(line for line in registries.read_text().splitlines()
                                    if "authToken" not in line and "userName" not in line) + "\n")
    rules = {f.rule for f in lint(package, registry_files=[registries]) if Path(f.source or "").name ==
             "web-app-values.yaml"}
    assert "escaped-placeholder" in rules
    assert not any("credential" in rule or "unsatisfiable" in rule for rule in rules), rules
