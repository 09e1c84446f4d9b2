"""The concurrency and mutability contract (docs/design.md, "Concurrency and mutability").

One loaded ``Chart`` serves any number of renders, in any threads; a result's
``values`` and ``manifests`` belong to the caller, who may change them without
touching the chart, the inputs, or any other result; results, diagnostics and
errors can be read from many threads at once.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List

import pytest

from profile_render import (
    DeploymentContext,
    Diagnostic,
    ImageRegistry,
    Secret,
    load_chart,
    load_values,
    merge_values,
    render,
)
from profile_render.helm.chart import Chart
from profile_render.helm.schema import SchemaViolation
from profile_render.orchestrator.params import ParameterTemplate
from profile_render.origin import Origin
from profile_render.tree import copy_tree

PARENT_CHART = """\
apiVersion: v2
name: parent
version: 0.1.0
dependencies:
  - name: sub
    version: 0.1.0
    import-values:
      - child: exported
        parent: imported
"""
PARENT_VALUES = """\
global:
  region: eu
  labels: {team: edge}
image:
  repository: hello
  tag: "1.0"
items:
  - name: a
    ports: [80, 443]
imagePullSecrets: []
token: ""
sub:
  list: [{x: 1}]
"""
SUB_VALUES = """\
exported:
  a: [1, {b: 2}]
list: [{x: 0}]
nested: {deep: {deeper: [true, null, 1.5]}}
"""
PROFILE = """\
image:
  repository: '%ImageRegistryURL%/hello'
imagePullSecrets:
  - name: '%GeneratedDockerCredential%'
items:
  - name: b
"""


@pytest.fixture()
def chart_dir(tmp_path: Path) -> Path:
    root = tmp_path / "parent"
    sub = root / "charts" / "sub"
    sub.mkdir(parents=True)
    (root / "Chart.yaml").write_text(PARENT_CHART)
    (root / "values.yaml").write_text(PARENT_VALUES)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: sub\nversion: 0.1.0\n")
    (sub / "values.yaml").write_text(SUB_VALUES)
    return root


def _context(deployment: str = "deployment-abc12") -> DeploymentContext:
    return DeploymentContext(app_name="app", app_version="1.0.0", deployment_name=deployment, namespace="apps",
                             org="acme", project="edge")


REGISTRY = ImageRegistry(name="harbor", root_url="oci://registry.example.com/acme", username="robot",
                         password=Secret("token-for-tests"))
TEMPLATES = [ParameterTemplate(name="token", secret=True)]


def _render(chart: Chart, profile: Any, deployment: str = "deployment-abc12", token: str = "t0") -> Any:
    return render(chart, profile, [{"sub": {"nested": {"deep": {"added": [1]}}}}], context=_context(deployment),
                  registry=REGISTRY, parameter_templates=TEMPLATES, parameters={"token": token},
                  set_values=["items[0].ports[0]=8080"])


def _scribble(tree: Any) -> None:
    """Change every container and scalar of a values tree in place, as a careless caller might."""
    if isinstance(tree, dict):
        for key in list(tree):
            if isinstance(tree[key], (dict, list)):
                _scribble(tree[key])
                if isinstance(tree[key], list):
                    tree[key].append("added")
            else:
                tree[key] = "changed"
        tree["added-key"] = {"x": 1}
    elif isinstance(tree, list):
        for index, item in enumerate(tree):
            if isinstance(item, (dict, list)):
                _scribble(item)
            else:
                tree[index] = "changed"


def _snapshot(chart: Chart) -> List[Any]:
    return [copy_tree(sub.values) for _, sub in chart.walk()]


def test_mutating_a_result_never_changes_the_chart_or_the_next_render(chart_dir: Path) -> None:
    chart = load_chart(chart_dir)
    before = _snapshot(chart)
    profile = load_values(PROFILE, source="profile.yaml")
    first = _render(chart, profile)
    expected = first.to_json()
    expected_masked = first.to_json(masked=True)
    assert first.values["imported"] == {"a": [1, {"b": 2}]}  # the import-values copy is in the result
    assert first.values["sub"]["global"]["labels"] == {"team": "edge"}

    # everything the caller can reach from the result, changed in place (the plain and masked forms share
    # the result's trees, so they are taken first)
    forms = [first.to_dict(), first.masked(), first.masked_values()]
    _scribble(first.values)
    for obj in first.manifests + first.pre_install_manifests:
        _scribble(obj)
    for form in forms:
        _scribble(form)
    assert first.values["image"]["repository"] == "changed"

    assert _snapshot(chart) == before
    again = _render(chart, profile)
    assert again.to_json() == expected and again.to_json(masked=True) == expected_masked
    # the provenance of a result still describes the render, not the caller's edits
    origin = first.origin("image.tag")
    assert origin is not None and origin.layer == "chart defaults" and origin.line == 6


def test_mutating_a_merge_result_never_changes_the_chart(chart_dir: Path) -> None:
    chart = load_chart(chart_dir)
    before = _snapshot(chart)
    first = merge_values(chart, [load_values(PROFILE, source="profile.yaml")])
    expected = first.to_json()
    _scribble(first.values)
    assert _snapshot(chart) == before
    assert merge_values(chart, [load_values(PROFILE, source="profile.yaml")]).to_json() == expected


def test_rendering_never_changes_its_inputs(chart_dir: Path) -> None:
    chart = load_chart(chart_dir)
    profile = load_values(PROFILE, source="profile.yaml")
    profile_values = copy.deepcopy(profile.data)
    as_dict = {"image": {"repository": "%ImageRegistryURL%/hello"}, "imagePullSecrets": [
        {"name": "%GeneratedDockerCredential%"}], "items": [{"name": "b"}]}
    as_dict_before = copy.deepcopy(as_dict)
    parameters = {"token": "t0"}
    for given in (profile, as_dict):
        result = render(chart, given, context=_context(), registry=REGISTRY, parameter_templates=TEMPLATES,
                        parameters=parameters)
        _scribble(result.values)
    assert profile.data == profile_values and as_dict == as_dict_before and parameters == {"token": "t0"}


def test_one_chart_serves_concurrent_renders(chart_dir: Path) -> None:
    chart = load_chart(chart_dir)
    before = _snapshot(chart)
    profile = load_values(PROFILE, source="profile.yaml")
    cases = [(f"deployment-{i:03d}", f"token-{i}") for i in range(48)]
    expected = {case: _render(chart, profile, *case).to_json() for case in cases}

    def one(case: Any) -> str:
        result = _render(chart, profile, *case)
        text = result.to_json()
        _scribble(result.values)  # each thread changes its own result while others render
        return text

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = dict(zip(cases, pool.map(one, cases), strict=True))
    assert got == expected
    assert len(set(got.values())) == len(cases)  # every render differs (secret name, token): no cross-talk
    assert _snapshot(chart) == before


def test_one_result_can_be_read_from_many_threads(chart_dir: Path) -> None:
    result = _render(load_chart(chart_dir), load_values(PROFILE, source="profile.yaml"))
    paths = ["image.repository", "image.tag", "items[0].ports[0]", "sub.nested.deep.added[0]", "imported.a[1].b"]

    def read(_: int) -> Dict[str, Any]:
        return {"json": result.to_json(), "masked": json.dumps(result.masked(), sort_keys=True),
                "origins": [str(result.origin(p)) for p in paths], "values": [result.value(p) for p in paths],
                "warnings": [w.to_json() for w in result.warnings]}

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(read, range(32)))  # the first origin() call replays the merge under a lock
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["values"] == ["registry.example.com/acme/hello", "1.0", 8080, 1, 2]
    assert answers[0]["origins"][2].startswith("--set items[0].ports[0]=8080")


def test_records_are_immutable() -> None:
    diagnostic = Diagnostic("r", "warning", "m", "f.yaml", 1, 2, ["a", 0])
    assert diagnostic.path == ("a", 0)  # a list given is kept as a tuple
    for record, field in ((diagnostic, "message"), (Origin("values file", "f.yaml"), "line"),
                          (SchemaViolation(("a",), "m", "type", ("type",), "c", "s.json"), "message"),
                          (Chart(name="c", values={}), "values")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, field, None)
    data = diagnostic.to_dict()
    data["pathParts"].append("x")
    assert diagnostic.to_dict()["pathParts"] == ["a", 0]  # each call builds new lists and dicts
