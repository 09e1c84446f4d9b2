"""Unquoted placeholders in a Profile (``key: %OrgName%``): read as the Edge Orchestrator reads them.

The reference replaces the placeholder text before parsing, then Helm reads
the replaced text: an unquoted placeholder deploys, and what it becomes is
read as a plain YAML scalar. profile-render predicts exactly that without
text substitution (``profile_render/yamlio/unquoted.py``), warns
(``unquoted-placeholder``), keeps every position exact, and refuses to guess
where the replaced text would not stay one plain scalar. Helm alone (``merge``)
still refuses the text. Where Helm decides, the real binary is the oracle:
the reference's replaced text is given to ``helm template``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from profile_render.cli import main
from profile_render.errors import StrictModeError, ValuesSyntaxError
from profile_render.orchestrator.lint import RULES, lint
from profile_render.orchestrator.model import DeploymentContext, ImageRegistry, Secret
from profile_render.orchestrator.package import render_package
from profile_render.orchestrator.placeholders import BUILTIN_NAMES, PlaceholderError, Placeholders
from profile_render.rendering import render
from profile_render.values import Layer, merge_values
from profile_render.yamlio.load import load_values
from tests.helm_oracle import helm_binary, helm_values

ROOT = Path(__file__).resolve().parent.parent
HELM = helm_binary()
requires_helm = pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)")
SAMPLES = ROOT.parent / "shared" / "reference" / "catalog-samples" / "app-orch-tutorials"
TUTORIAL = SAMPLES / "developer-guide-tutorial"
REGISTRIES = ROOT / "tests" / "data" / "catalog" / "registries.yaml"
CHARTS = {
    "tutorial-server": TUTORIAL / "tutorial-chart" / "tutorial-server",
    "tutorial-web-ui": TUTORIAL / "tutorial-chart" / "tutorial-web-ui",
}
MARKERS = "".join(chr(c) for c in range(0xE000, 0xE010))


def ctx(**kw):
    base = dict(app_name="hello-world", app_version="1.0.0", deployment_name="deployment-abc12",
                namespace="apps", org="acme", project="edge")
    base.update(kw)
    return DeploymentContext(**base)


REGISTRY = ImageRegistry(name="harbor", root_url="oci://registry-oci.example.com:8443/catalog-apps-acme-edge",
                         username="robot$acme", password=Secret("token-1"))


def write_chart(root, defaults):
    """A chart without templates whose defaults are ``defaults``."""
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "values.yaml").write_text(defaults)
    return root


@pytest.fixture
def chart(tmp_path):
    return write_chart(tmp_path / "chart", "replicas: 1\nenabled: false\nnote: ''\nimage:\n  repository: app\n")


def profile(tmp_path, text, name="profile.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def reference_text(text, **values):
    """What the reference parses: the Profile text with each %Name% replaced, keys and comments included."""
    for name, value in values.items():
        text = text.replace(f"%{name}%", value)
    return text


# -- reading ----------------------------------------------------------------------------------------

def test_every_plain_scalar_start_is_recognised_with_its_position():
    text = ("a: 1\n"
            "image: %ImageRegistryURL%/nginx\n"
            "%OrgName%: x\n"
            "list:\n"
            "- %ProjectName%\n"
            "- q%OrgName%\n"
            "flow: [%OrgName%, {%ProjectName%: %OrgName%}]\n"
            "quoted: '%OrgName%'\n")
    loaded = load_values(text, source="p.yaml", placeholders=BUILTIN_NAMES)
    assert loaded.data == {"a": 1, "image": "%ImageRegistryURL%/nginx", "%OrgName%": "x",
                           "list": ["%ProjectName%", "q%OrgName%"],
                           "flow": ["%OrgName%", {"%ProjectName%": "%OrgName%"}], "quoted": "%OrgName%"}
    found = {(u.path, u.in_key): (u.line, u.column, u.flow, u.leading) for u in loaded.unquoted}
    assert found == {
        (("image",), False): (2, 8, False, True),
        (("%OrgName%",), True): (3, 1, False, True),
        (("list", 0), False): (5, 3, False, True),
        (("list", 1), False): (6, 3, False, False),  # inside a plain scalar: valid YAML already
        (("flow", 0), False): (7, 8, True, True),
        (("flow", 1, "%ProjectName%"), True): (7, 20, True, True),
        (("flow", 1, "%ProjectName%"), False): (7, 35, True, True),
    }
    warnings = [(w.rule, w.line, w.column, w.path) for w in loaded.warnings]
    assert warnings == [("unquoted-placeholder", 2, 8, ("image",)), ("unquoted-placeholder", 3, 1, ("%OrgName%",)),
                        ("unquoted-placeholder", 5, 3, ("list", 0)), ("unquoted-placeholder", 7, 8, ("flow", 0)),
                        ("unquoted-placeholder", 7, 20, ("flow", 1, "%ProjectName%")),
                        ("unquoted-placeholder", 7, 35, ("flow", 1, "%ProjectName%"))]
    first = loaded.warnings[0]
    assert "%ImageRegistryURL%" in first.message and first.severity == "warning"
    assert first.hint.startswith('quote the value, e.g. image: "%ImageRegistryURL%/nginx"')
    assert loaded.warnings[1].hint.startswith('quote the key, e.g. "%OrgName%": ...')
    assert loaded.warnings[2].hint.startswith('quote the value, e.g. - "%ProjectName%"')


def test_positions_after_unquoted_placeholders_stay_exact():
    text = "x: %OrgName%\n%ProjectName%: {a: %OrgName%, b: 2}\nafter:\n  deep: [1, %OrgName%, 3]\n  last: 4\n"
    loaded = load_values(text, source="p.yaml", placeholders=BUILTIN_NAMES)
    assert loaded.locate(("x",)) == (1, 1)
    assert loaded.locate(("%ProjectName%",)) == (2, 1)
    assert loaded.locate(("%ProjectName%", "b")) == (2, 31)
    assert loaded.locate(("after", "deep", 2)) == (4, 24)
    assert loaded.locate(("after", "last")) == (5, 3)


def test_only_known_placeholders_and_only_when_asked():
    with pytest.raises(ValuesSyntaxError) as info:
        load_values("a: %OrgName%\n", source="v.yaml")  # plain Helm reading: no placeholders
    assert (info.value.line, info.value.column) == (1, 4)
    with pytest.raises(ValuesSyntaxError) as info:
        load_values("a: %NotKnown%\n", source="v.yaml", placeholders=BUILTIN_NAMES)
    assert (info.value.line, info.value.column) == (1, 4) and "quote" in info.value.hint
    custom = Placeholders().register("ClusterName", lambda c: "edge-1")
    assert load_values("a: %ClusterName%\n", placeholders=custom.names).data == {"a": "%ClusterName%"}


def test_nothing_changes_for_text_without_unquoted_tokens():
    text = "a: '%OrgName%'\nb: \"x %OrgName%\"\nc: |\n  %OrgName%\n# %OrgName%\nd: 100%\n"
    plain = load_values(text)
    marked = load_values(text, placeholders=BUILTIN_NAMES)
    assert marked.data == plain.data and marked.unquoted == () and marked.warnings == []


def test_private_use_characters_in_the_text_are_never_taken_for_the_marker():
    text = (f"{MARKERS}: '{MARKERS}%OrgName%'\n"
            f"b: %OrgName%{MARKERS}\n"
            f"c: \ue0000\ue000%OrgName%\n"
            f"d: \"\ue001\"\n")
    loaded = load_values(text, placeholders=BUILTIN_NAMES)
    assert loaded.data == {MARKERS: f"{MARKERS}%OrgName%", "b": f"%OrgName%{MARKERS}",
                           "c": "\ue0000\ue000%OrgName%", "d": "\ue001"}
    assert [(u.path, u.leading) for u in loaded.unquoted] == [(("b",), True), (("c",), False)]
    values = render_values_of(text, org="acme")
    assert values["b"] == f"acme{MARKERS}" and values["c"] == "\ue0000\ue000acme" and values["d"] == "\ue001"


def test_no_marker_leaks_into_errors_or_warnings():
    for text in ("a: &x%OrgName% 1\n", "a: !x%OrgName% 1\n", "%OrgName%: [\n", "a: %OrgName%\n b: c\n",
                 "%OrgName%: 1\n%OrgName%:\n  - .inf\n"):
        for use_libyaml in (True, False):
            with pytest.raises(Exception) as info:
                load_values(text, source="p.yaml", placeholders=BUILTIN_NAMES, use_libyaml=use_libyaml)
            error = info.value
            shown = str(error) + repr(getattr(error, "path", ""))
            assert not any("\ue000" <= c <= "\uf8ff" for c in shown), (text, shown)
    loaded = load_values("%OrgName%: 1\n%OrgName%: 2\n", placeholders=BUILTIN_NAMES)
    (duplicate,) = [w for w in loaded.warnings if w.rule == "duplicate-key"]
    assert duplicate.path == ("%OrgName%",) and "\ue000" not in duplicate.message


def test_a_key_written_quoted_and_unquoted_is_one_key_the_last_wins():
    loaded = load_values("%OrgName%: 1\n'%OrgName%': 2\n", placeholders=BUILTIN_NAMES)
    assert loaded.data == {"%OrgName%": 2}
    assert [w.rule for w in loaded.warnings] == ["duplicate-key", "unquoted-placeholder"]


def test_pure_python_parser_and_several_documents_agree():
    text = "a: %OrgName%\n---\nb: [%ProjectName%]\n---\na: x%OrgName%\n"
    fast = load_values(text, placeholders=BUILTIN_NAMES)
    slow = load_values(text, placeholders=BUILTIN_NAMES, use_libyaml=False)
    assert fast.data == slow.data == {"a": "x%OrgName%", "b": ["%ProjectName%"]}
    assert sorted((u.path, u.line) for u in fast.unquoted) == sorted((u.path, u.line) for u in slow.unquoted) \
        == [(("a",), 5), (("b", 0), 3)]


# -- resolving: the reference's reading ----------------------------------------------------------------

def render_values_of(text, **context):
    """The Profile layer as render() resolves it (no chart defaults in the way)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = write_chart(Path(folder) / "chart", "")
        path = Path(folder) / "profile.yaml"
        path.write_text(text)
        return render(root, path, context=ctx(**context), registry=REGISTRY, validate_schema=False,
                      fleet_globals=False).values


@pytest.mark.parametrize("org, expected", [
    ("123", 123), ("true", True), ("yes", True), ("off", False), ("1.5", 1.5), ("0x1f", 31), ("0755", 493),
    ("1e3", 1000), ("acme", "acme"), ("2024-01-01", "2024-01-01"), ("1_000", 1000), ("-3", -3),
])
def test_the_resolved_text_is_read_as_a_plain_scalar(org, expected):
    values = render_values_of("v: %OrgName%\nl: [%OrgName%]\ns: '%OrgName%'\n", org=org)
    assert values["v"] == expected and type(values["v"]) is type(expected)
    assert values["l"] == [expected] and values["s"] == org


@pytest.mark.parametrize("org, key", [("123", "123"), ("y", "true"), ("1.5", "1.5"), ("acme", "acme"),
                                      ("false", "false")])
def test_a_resolved_key_is_read_as_helm_reads_keys(org, key):
    values = render_values_of("%OrgName%: 1\nm: {%OrgName%: 2}\n", org=org)
    assert values[key] == 1 and values["m"] == {key: 2}


def test_a_value_that_becomes_null_is_predicted_null_with_a_warning(chart, tmp_path):
    path = profile(tmp_path, "note: %OrgName%\n")
    result = render(chart, path, context=ctx(org="null"), validate_schema=False, fleet_globals=False)
    assert "note" not in result.values  # a null deletes the chart's default, as Helm does
    nulls = [w for w in result.warnings if "becomes 'null'" in w.message]
    assert len(nulls) == 1 and (nulls[0].line, nulls[0].column) == (1, 7)
    with pytest.raises(StrictModeError):
        render(chart, Layer.from_file(path, kind="profile"), context=ctx(org="null"), strict=True)


def test_tags_apply_to_the_resolved_text():
    values = render_values_of("a: !!str %OrgName%\nb: !!int %OrgName%\nc: !!float %OrgName%\n", org="7")
    assert values == {"a": "7", "b": 7, "c": 7}
    with pytest.raises(PlaceholderError) as info:
        render_values_of("b: !!int %OrgName%\n", org="acme")
    assert "!!int" in info.value.problem and (info.value.line, info.value.column) == (1, 4)


def test_placeholders_inside_a_plain_scalar_are_read_like_the_reference_reads_them():
    values = render_values_of("port: 80%ProjectName%\nimage: repo/%OrgName%\n", org="acme", project="80")
    assert values == {"port": 8080, "image": "repo/acme"}


@pytest.mark.parametrize("text, org, reading", [
    ("a: %OrgName%\n", "x: y", "a mapping"),
    ("a: %OrgName%\n", "x #y", "comment"),
    ("a: x%OrgName%\n", " #y", "comment"),
    ("a: %OrgName%\n", "- x", "a list item"),
    ("a: %OrgName%\n", "*x", "an alias"),
    ("a: %OrgName%\n", "[x]", "a flow list"),
    ("a: %OrgName%\n", "'x'", "a quoted scalar"),
    ("a: %OrgName%\n", "%x", "cannot start a plain scalar"),
    ("a: %OrgName%\n", " x", "space"),
    ("a: %OrgName%\n", "x ", "space"),
    ("a: %OrgName%\n", "x\ny", "several lines"),
    ("a: %OrgName%\n", "x:", "a mapping"),
    ("a: %OrgName%\n", ".inf", "refuses"),
    ("a: [%OrgName%]\n", "x,y", "flow indicator"),
    ("a: [%OrgName%]\n", ":x", "flow collection"),
    ("%OrgName%: 1\n", "~", "key is null"),
    ("%OrgName%: 1\n", "<<", "merge key"),
    ("%OrgName%: 1\n", "---x", "document marker"),
    ("%OrgName%: 1\n", "k" * 1100, "1024"),
])
def test_text_that_would_not_stay_one_plain_scalar_is_a_located_error_naming_both_readings(text, org, reading):
    with pytest.raises(PlaceholderError) as info:
        render_values_of(text, org=org)
    error = info.value
    assert reading in error.problem and "quoted it would be the string" in error.problem
    column = text.index("%") + 1
    assert (error.line, error.column) == (1, column if "x%" not in text else 4)
    assert "quote the" in error.hint


@pytest.mark.parametrize("text, reading", [("a: %Nothing%\n", "an empty value, which is null"),
                                           ("%Nothing%: 1\n", "a null key"),
                                           ("a: [%Nothing%]\n", "an empty value")])
def test_a_placeholder_that_becomes_empty_is_an_error(chart, tmp_path, text, reading):
    custom = Placeholders().register("Nothing", lambda c: "")
    with pytest.raises(PlaceholderError) as info:
        render(chart, profile(tmp_path, text), context=ctx(), placeholders=custom)
    assert reading in info.value.problem and info.value.line == 1


def test_prehook_literal_leaves_text_yaml_cannot_read_so_it_is_an_error(chart, tmp_path):
    path = profile(tmp_path, "note: %PreHookCredential%\n")
    assert render(chart, path, context=ctx(), registry=REGISTRY).values["note"].startswith("b-")
    with pytest.raises(PlaceholderError) as info:
        render(chart, path, context=ctx(), registry=REGISTRY, prehook_literal=True)
    assert "cannot start a plain scalar" in info.value.problem


def test_keys_colliding_after_resolution_are_an_error(chart, tmp_path):
    path = profile(tmp_path, "acme: 1\n%OrgName%: 2\n")
    with pytest.raises(PlaceholderError) as info:
        render(chart, path, context=ctx())
    assert "'acme' and '%OrgName%'" in info.value.problem and info.value.line == 2


def test_provenance_after_unquoted_placeholders(chart, tmp_path):
    path = profile(tmp_path, "note: %OrgName%\nimage:\n  repository: %ImageRegistryURL%/app\nreplicas: 3\n")
    result = render(chart, path, context=ctx(), registry=REGISTRY)
    assert result.values["image"]["repository"] == "registry-oci.example.com:8443/catalog-apps-acme-edge/app"
    origin = result.origin("replicas")
    assert (origin.layer, origin.line, origin.column) == ("profile", 4, 1)
    origin = result.origin("image.repository")
    assert (origin.line, origin.column) == (3, 3)


def test_custom_placeholders_may_stand_unquoted_when_render_reads_the_file(chart, tmp_path):
    path = profile(tmp_path, "note: %ClusterName%\nreplicas: %Count%\n")
    custom = Placeholders().register("ClusterName", lambda c: f"{c.org}-1").register("Count", lambda c: "4")
    result = render(chart, path, context=ctx(), placeholders=custom)
    assert result.values["note"] == "acme-1" and result.values["replicas"] == 4
    with pytest.raises(ValuesSyntaxError):  # a Layer read before render knows only the built-ins
        Layer.from_file(path, kind="profile")


def test_only_the_profile_layer_accepts_them(chart, tmp_path):
    prof = profile(tmp_path, "note: '%OrgName%'\n")
    over = profile(tmp_path, "replicas: %OrgName%\n", "over.yaml")
    with pytest.raises(ValuesSyntaxError):
        render(chart, prof, [over], context=ctx())
    with pytest.raises(ValuesSyntaxError):
        merge_values(chart, [profile(tmp_path, "note: %OrgName%\n", "p2.yaml")])


@requires_helm
@pytest.mark.helm
@pytest.mark.parametrize("text, org, project", [
    ("replicas: %OrgName%\nenabled: %ProjectName%\n", "123", "true"),
    ("%OrgName%: 1\nm: {%ProjectName%: [%OrgName%, x%OrgName%]}\n", "y", "1.5"),
    ("image: %OrgName%/%ProjectName%\nport: 80%ProjectName%\nt: !!str %OrgName%\n", "0755", "80"),
    ("list:\n- %OrgName%\n- %ProjectName% b\n", "off", "2024-01-01"),
    ("a: %OrgName%   # comment %ProjectName%\n", "1e3", "x"),
])
def test_the_prediction_is_what_helm_reads_from_the_replaced_text(chart, tmp_path, text, org, project):
    ours = render_values_of(text, org=org, project=project)
    helm = helm_values("", [reference_text(text, OrgName=org, ProjectName=project)])
    assert helm.ok, helm.stderr
    assert helm.values == ours


@requires_helm
@pytest.mark.helm
def test_helm_refuses_the_unreplaced_text_as_merge_does(chart, tmp_path):
    text = "key: %OrgName%\n"
    assert not helm_values("", [text]).ok
    path = profile(tmp_path, text)
    code = main(["merge", str(chart), "-f", str(path)])
    assert code == 1


@requires_helm
@pytest.mark.helm
@pytest.mark.parametrize("text, org", [("a: %OrgName%\n", "x: y"), ("a: [%OrgName%]\n", "x?y"),
                                       ("a: %OrgName%\n", "- x")])
def test_where_we_refuse_the_reference_deploys_something_else_or_fails(text, org):
    helm = helm_values("", [reference_text(text, OrgName=org)])
    with pytest.raises(PlaceholderError):
        render_values_of(text, org=org)
    assert not helm.ok or helm.values != {"a": org} and helm.values != {"a": [org]}


# -- command line, packages, lint -------------------------------------------------------------------------

def test_cli_render_accepts_and_warns_merge_refuses(chart, tmp_path, capsys):
    path = profile(tmp_path, "replicas: %OrgName%\n")
    args = ["render", str(chart), "--profile", str(path), "--app-name", "a", "--app-version", "1",
            "--deployment-name", "d", "--namespace", "n", "--org", "42", "--project", "p", "-o", "json"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert '"replicas": 42' in captured.out
    assert f"{path}:1:11: warning:" in captured.err and "[unquoted-placeholder]" in captured.err
    assert main(args + ["--strict"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:1:11:" in err and "unquoted placeholder %OrgName%" in err and "strict mode" in err
    proc = subprocess.run([sys.executable, "-m", "profile_render", "merge", str(chart), "-f", str(path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and f"{path}:1:11:" in proc.stderr


def _unquoted_tutorial(tmp_path):
    if not TUTORIAL.is_dir():
        pytest.skip("catalog samples (../shared/reference) not present")
    target = tmp_path / "pkg"
    shutil.copytree(TUTORIAL / "tutorial-deployment", target)
    values = target / "tutorial-server-values-default.yaml"
    values.write_text(values.read_text().replace('"%GeneratedDockerCredential%"', "%GeneratedDockerCredential%"))
    return target


def test_package_render_accepts_unquoted_placeholders(tmp_path):
    pkg = _unquoted_tutorial(tmp_path)
    result = render_package(pkg, charts=CHARTS, deployment_name="deployment-abc12", registry_files=[REGISTRIES],
                            org="acme", project="edge")
    server = result.applications["tutorial-server"]
    assert server.values["imagePullSecrets"] == [{"name": server.secret_name}] and server.secret_name
    (warning,) = [w for w in server.warnings if w.rule == "unquoted-placeholder"]
    assert (Path(warning.source).name, warning.line, warning.column) == ("tutorial-server-values-default.yaml", 14, 11)


def test_lint_reports_the_rule(tmp_path, capsys):
    pkg = _unquoted_tutorial(tmp_path)
    findings = lint(pkg, charts=CHARTS, registry_files=[REGISTRIES])
    unquoted = [f for f in findings if f.rule == "unquoted-placeholder"]
    assert [(Path(f.source).name, f.line, f.column, f.severity) for f in unquoted] == [
        ("tutorial-server-values-default.yaml", 14, 11, "warning")]
    assert not [f for f in findings if f.rule in ("values-invalid", "duplicate-key")]
    assert "unquoted-placeholder" in {rule.id for rule in RULES}
    assert main(["lint", str(pkg), "--registry", str(REGISTRIES)]) == 0
    assert "[unquoted-placeholder]" in capsys.readouterr().out


# -- hostile input -----------------------------------------------------------------------------------------

def test_a_hundred_thousand_tokens_take_linear_time():
    count = 100_000
    text = "".join(f"k{i}: %OrgName%\n" for i in range(count))
    started = time.perf_counter()
    loaded = load_values(text, placeholders=BUILTIN_NAMES)
    assert len(loaded.unquoted) == count
    # One warning each for the first hundred, one for the rest: the output stays bounded.
    assert len(loaded.warnings) == 101 and loaded.warnings[-1].line == 101
    assert loaded.warnings[-1].message.startswith("99,900 more values or keys")
    from profile_render.orchestrator.placeholders import Resolution, ResolveContext, resolve_tree

    resolution = Resolution(Placeholders(), ResolveContext(ctx(org="7"), None, "s", None))
    values = resolve_tree(loaded.data, resolution, source="p", locate=loaded.locate, unquoted=loaded.unquoted)
    elapsed = time.perf_counter() - started
    assert values["k0"] == 7 and values[f"k{count - 1}"] == 7
    # Linear: about 5 s on a slow shared machine; one reparse per token would take hours.
    assert elapsed < 60, elapsed
    flow = "a: [" + ", ".join("%OrgName%" for _ in range(count)) + "]\n"
    started = time.perf_counter()
    assert len(load_values(flow, placeholders=BUILTIN_NAMES).data["a"]) == count
    assert time.perf_counter() - started < 30


def test_cli_explain_points_at_values_after_unquoted_placeholders(chart, tmp_path, capsys):
    path = profile(tmp_path, "note: %OrgName%\nimage: {repository: %OrgName%, tag: x}\nreplicas: 3\n")
    base = ["render", str(chart), "--profile", str(path), "--app-name", "a", "--app-version", "1",
            "--deployment-name", "d", "--namespace", "n", "--org", "acme", "--project", "p"]
    assert main(base + ["--explain", "image.tag"]) == 0
    assert f"{path}:2:32" in capsys.readouterr().out
    assert main(base + ["--explain", "replicas"]) == 0
    assert f"{path}:3:1" in capsys.readouterr().out


def test_a_later_quoted_key_wins_over_an_unquoted_one_and_stays_a_string():
    loaded = load_values("%OrgName%: 1\n'%OrgName%': 2\n", placeholders=BUILTIN_NAMES)
    assert [u.in_key for u in loaded.unquoted] == []
    values = render_values_of("%OrgName%: 1\n'%OrgName%': 2\n'%ProjectName%': 3\n%ProjectName%: 4\n",
                              org="y", project="y2")
    assert values == {"y": 2, "y2": 4}
    many = "".join("%OrgName%: 1\n" for _ in range(20000))
    started = time.perf_counter()
    loaded = load_values(many, placeholders=BUILTIN_NAMES)
    assert len(loaded.unquoted) == 1 and time.perf_counter() - started < 20
