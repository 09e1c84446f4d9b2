"""The fleet-globals.yaml layer ADM hands Fleet after profile.yaml and overrides.yaml.

Contract, "Layers", and ADM's configgen: ``global.fleet.deploymentGeneration``
(the Deployment's metadata.generation) and ``global.fleet.clusterLabels`` (empty,
or with FLEET_ADD_GLOBAL_VARS=true three label references Fleet fills from the
target cluster's labels). The Helm oracle gets the layer as a third ``-f`` file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from profile_render.cli import main
from profile_render.emit import to_yaml
from profile_render.errors import ProfileRenderError, StrictModeError
from profile_render.orchestrator.fleet_globals import FLEET_GLOBALS_KIND, FLEET_GLOBALS_SOURCE, fleet_globals_layer
from profile_render.orchestrator.model import DeploymentContext
from profile_render.orchestrator.package import render_package
from profile_render.rendering import render
from tests.conftest import helm_raw, requires_helm
from tests.helm_oracle import Subchart, numbers_as_float, write_chart

CONTEXT = DeploymentContext("app", "1.0", "deployment-x", "ns")
DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parent.parent
CLUSTER = "edge-orchestrator.intel.com/clustername"
PROJECT = "edge-orchestrator.intel.com/project-id"
HOST = "edge-orchestrator.intel.com/host-uuid"


def _chart(tmp_path: Path) -> Path:
    return write_chart(tmp_path / "chart", "a: 1\nglobal:\n  region: eu\n",
                       subcharts={"sub": Subchart("b: 2\n")})


def test_layer_holds_generation_and_empty_cluster_labels_by_default():
    layer = fleet_globals_layer()
    assert (layer.source, layer.kind) == (FLEET_GLOBALS_SOURCE, FLEET_GLOBALS_KIND)
    assert layer.values == {"global": {"fleet": {"clusterLabels": {}, "deploymentGeneration": 1}}}


@pytest.mark.parametrize("generation", [1, 2, 987654321, 2**63 - 1])
def test_the_layer_text_is_what_the_emitter_writes(generation):
    """Without cluster labels the layer's text is written directly: the same bytes as to_yaml of the document."""
    layer = fleet_globals_layer(generation)
    document = {"global": {"fleet": {"deploymentGeneration": generation, "clusterLabels": {}}}}
    assert layer.loaded.text == to_yaml(document)
    assert layer.loaded.locate(("global", "fleet", "deploymentGeneration")) == (4, 5)


def test_cluster_labels_are_filled_as_fleet_fills_them():
    layer = fleet_globals_layer(4, {CLUSTER: "edge-1", "other": "x"})
    labels = layer.values["global"]["fleet"]["clusterLabels"]
    # clustername: the cluster's label; project-id: missing on the cluster, so Fleet writes "";
    # host-uuid: ADM's text lacks the clusterLabels. prefix, so Fleet leaves it as written
    assert labels == {CLUSTER: "edge-1", PROJECT: "", HOST: "global.fleet." + HOST}
    assert layer.values["global"]["fleet"]["deploymentGeneration"] == 4


def test_a_cluster_without_labels_leaves_the_references_as_written():
    labels = fleet_globals_layer(1, {}).values["global"]["fleet"]["clusterLabels"]
    assert labels[CLUSTER] == "global.fleet.clusterLabels." + CLUSTER


@pytest.mark.parametrize("generation", [0, -1, 2 ** 63, True, "1", 1.0])
def test_a_bad_generation_is_a_located_error(generation):
    with pytest.raises(ProfileRenderError) as info:
        fleet_globals_layer(generation)
    assert info.value.source == FLEET_GLOBALS_SOURCE
    assert info.value.path == ("global", "fleet", "deploymentGeneration")


@pytest.mark.parametrize("labels", [["a"], {"": "x"}, {"a": 1}, {1: "x"}])
def test_bad_cluster_labels_are_an_error(labels):
    with pytest.raises(ProfileRenderError, match="cluster label"):
        fleet_globals_layer(1, labels)


def test_every_render_has_the_layer_unless_told_otherwise(tmp_path):
    result = render(_chart(tmp_path), {"a": 2}, context=CONTEXT)  # as ADM, for every deployment
    assert result.values["global"]["fleet"] == {"deploymentGeneration": 1, "clusterLabels": {}}
    assert result.origin("global.fleet.deploymentGeneration").source == "fleet-globals.yaml"
    plain = render(_chart(tmp_path), {"a": 2}, context=CONTEXT, fleet_globals=False)
    assert "fleet" not in plain.values["global"]
    with pytest.raises(TypeError):
        render(_chart(tmp_path), {"a": 2}, context=CONTEXT, fleet_globals=False, deployment_generation=2)


def test_layer_comes_after_overrides_and_before_set(tmp_path):
    profile = tmp_path / "profile.yaml"
    profile.write_text("global:\n  fleet:\n    deploymentGeneration: 9\n    clusterLabels:\n      keep: me\n")
    overrides = {"global": {"fleet": {"deploymentGeneration": 8}}}
    result = render(_chart(tmp_path), profile, [overrides], context=CONTEXT, deployment_generation=2)
    fleet = result.values["global"]["fleet"]
    assert fleet == {"deploymentGeneration": 2, "clusterLabels": {"keep": "me"}}  # maps merge, {} keeps keys
    assert result.values["sub"]["global"]["fleet"]["deploymentGeneration"] == 2
    origin = result.origin("global.fleet.deploymentGeneration")
    assert (origin.layer, origin.source, origin.line) == (FLEET_GLOBALS_KIND, FLEET_GLOBALS_SOURCE, 4)
    assert result.origin("global.fleet.clusterLabels.keep").layer == "profile"
    warned = [w for w in result.warnings if w.rule == "fleet-global-overridden"]
    assert [(w.source, w.line) for w in warned] == [(str(profile), 3), ("<overrides>", None)]
    assert "9" in warned[0].message and "2" in warned[0].message
    # --set is a profile-render extra and stays last
    result = render(_chart(tmp_path), None, context=CONTEXT, deployment_generation=2,
                    set_values=["global.fleet.deploymentGeneration=5"])
    assert result.values["global"]["fleet"]["deploymentGeneration"] == 5
    assert result.origin("global.fleet.deploymentGeneration").layer != FLEET_GLOBALS_KIND


def test_overridden_generation_is_an_error_in_strict_mode(tmp_path):
    with pytest.raises(StrictModeError):
        render(_chart(tmp_path), {"global": {"fleet": {"deploymentGeneration": 3}}}, context=CONTEXT,
               deployment_generation=1, strict=True)


def test_a_non_map_global_fleet_in_the_profile_is_replaced(tmp_path):
    result = render(_chart(tmp_path), {"global": {"fleet": "text"}}, context=CONTEXT, cluster_labels={})
    assert result.values["global"]["fleet"]["deploymentGeneration"] == 1


def test_parameter_templates_come_before_the_layer(tmp_path):
    from profile_render.orchestrator.params import ParameterTemplate

    template = ParameterTemplate(name="global.fleet.deploymentGeneration", type="number")
    result = render(_chart(tmp_path), None, context=CONTEXT, parameter_templates=[template],
                    parameters={"global.fleet.deploymentGeneration": "7"}, deployment_generation=3)
    assert result.values["global"]["fleet"]["deploymentGeneration"] == 3
    assert any(w.rule == "fleet-global-overridden" and "parameter template" in w.message for w in result.warnings)


@requires_helm
@pytest.mark.helm
def test_helm_sees_the_layer_as_a_third_values_file_in_chart_and_subchart(tmp_path):
    chart = _chart(tmp_path)
    profile = tmp_path / "profile.yaml"
    profile.write_text("global:\n  fleet:\n    deploymentGeneration: 9\n    clusterLabels: nope\nsub:\n  b: 3\n")
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("global:\n  extra: 1\n")
    labels = {CLUSTER: "edge-7", PROJECT: "p-1"}
    ours = render(chart, profile, [overrides], context=CONTEXT, deployment_generation=12,
                  cluster_labels=labels)
    fleet_file = tmp_path / FLEET_GLOBALS_SOURCE  # what Fleet hands Helm: labels already filled in
    fleet_file.write_text(to_yaml(fleet_globals_layer(12, labels).values))
    helm = helm_raw(chart, [profile, overrides, fleet_file])
    assert helm.ok, helm.stderr
    assert numbers_as_float(ours.values) == numbers_as_float(helm.values)
    assert numbers_as_float(ours.values["sub"]) == numbers_as_float(json.loads(helm.subcharts[("sub",)]))
    assert helm.values["sub"]["global"]["fleet"]["clusterLabels"][CLUSTER] == "edge-7"


def test_cli_render_flags(tmp_path, capsys):
    profile = tmp_path / "profile.yaml"
    profile.write_text("a: 2\n")
    base = ["render", str(_chart(tmp_path)), "--profile", str(profile), "--app-name", "app", "--app-version", "1",
            "--deployment-name", "d", "--namespace", "ns", "-o", "json"]
    assert main(base + ["--deployment-generation", "3", "--cluster-label", f"{CLUSTER}=e1",
                        "--cluster-label", "empty="]) == 0
    fleet = json.loads(capsys.readouterr().out)["values"]["global"]["fleet"]
    assert fleet["deploymentGeneration"] == 3 and fleet["clusterLabels"][CLUSTER] == "e1"
    for bad in (["--deployment-generation", "x"], ["--deployment-generation", "0"],
                ["--deployment-generation", "99999999999999999999"], ["--cluster-label", "novalue"],
                ["--cluster-label", "=v"]):
        with pytest.raises(SystemExit) as info:
            main(base + bad)
        assert info.value.code == 2, bad
        assert "Traceback" not in capsys.readouterr().err


def test_package_render_carries_the_layer_and_its_inputs(capsys):
    import jsonschema

    chart = DATA / "adm-chart"
    package = DATA / "adm-package"
    result = render_package(package, charts={"svc": chart, "side": chart}, deployment_name="deployment-abc12",
                            cluster_labels={CLUSTER: "c"})
    assert result.fleet_globals == {"deploymentGeneration": 1, "clusterLabels": {CLUSTER: "c"}}
    for app in result.applications.values():
        assert app.values["global"]["fleet"]["clusterLabels"][CLUSTER] == "c"
    code = main(["package", "render", str(package), "--chart", f"svc={chart}", "--chart", f"side={chart}",
                 "--deployment-name", "deployment-abc12", "--deployment-generation", "5", "-o", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, json.loads((ROOT / "schemas" / "package-render.schema.json").read_text()))
    assert data["fleetGlobals"] == {"deploymentGeneration": 5, "clusterLabels": None}
    assert data["applications"]["svc"]["values"]["global"]["fleet"] == {"deploymentGeneration": 5,
                                                                       "clusterLabels": {}}


def test_fleet_fills_cluster_label_references_in_every_values_file(tmp_path):
    ref = "global.fleet.clusterLabels." + CLUSTER
    profile = {"name": ref, "missing": "global.fleet.clusterLabels.nope", "plain": "x" + ref,
               "list": [ref, {"in": ref}, [{"deeper": ref}]], "nested": {"n": ref}}
    result = render(_chart(tmp_path), profile, [{"o": ref}], context=CONTEXT, cluster_labels={CLUSTER: "e9"})
    values = result.values
    assert (values["name"], values["missing"], values["plain"], values["o"]) == ("e9", "", "x" + ref, "e9")
    # Fleet walks maps and maps that are list items only
    assert values["list"] == [ref, {"in": "e9"}, [{"deeper": ref}]]
    assert values["nested"] == {"n": "e9"}
    assert profile["name"] == ref  # the caller's dict is not changed
    # a cluster without labels: Fleet replaces nothing; no labels given: not Fleet's view at all
    assert render(_chart(tmp_path), profile, context=CONTEXT, cluster_labels={}).values["name"] == ref
    assert render(_chart(tmp_path), profile, context=CONTEXT, deployment_generation=1).values["name"] == ref
