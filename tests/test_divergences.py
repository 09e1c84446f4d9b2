"""Pins each deliberate divergence from Helm listed in docs/helm-divergences.md.

Each test shows what Helm does (through the real binary) next to what
profile-render does, so a change on either side is noticed.
"""

from __future__ import annotations

import json

import pytest

from profile_render import Layer, merge_values
from tests.helm_oracle import helm_binary, run_helm_template, write_chart

pytestmark = pytest.mark.skipif(helm_binary() is None, reason="Helm oracle binary not fetched (scripts/fetch-helm.sh)")


@pytest.mark.helm
def test_scalar_replacing_a_table_same_values_but_a_warning(tmp_path):
    chart = write_chart(tmp_path / "c", "resources:\n  limits: {cpu: 1}\n")
    user = tmp_path / "u.yaml"
    user.write_text("resources: none\n")
    helm = run_helm_template(chart, [user])
    ours = merge_values(chart, [Layer.from_file(user)])
    assert helm.ok and helm.values == ours.values == {"resources": "none"}
    assert [w.code for w in ours.warnings] == ["table-conflict"]
    assert ours.warnings[0].path == ("resources",)


@pytest.mark.helm
def test_merge_validates_the_schema_as_helm_does(tmp_path):
    """Formerly a divergence (row 4): merge now fails where helm template fails, unless told to skip."""
    from profile_render.helm.schema import SchemaValidationError

    chart = write_chart(tmp_path / "c", "replicas: 1\n")
    (chart / "values.schema.json").write_text(json.dumps(
        {"type": "object", "properties": {"replicas": {"type": "integer"}}}))
    user = tmp_path / "u.yaml"
    user.write_text("replicas: many\n")
    helm = run_helm_template(chart, [user])
    assert not helm.ok and "schema" in helm.stderr
    with pytest.raises(SchemaValidationError):
        merge_values(chart, [Layer.from_file(user)])
    ours = merge_values(chart, [Layer.from_file(user)], validate_schema=False)
    assert ours.values == {"replicas": "many"}


def test_limits_refuse_what_helm_may_accept():
    from profile_render import Limits, load_values
    from profile_render.errors import LimitExceededError

    with pytest.raises(LimitExceededError):
        load_values("a: " + "[" * 250 + "]" * 250 + "\n")
    assert load_values("a: " + "[" * 250 + "]" * 250 + "\n", limits=Limits(max_depth=300)).data


