"""Dependency version ranges: a Chart.yaml dependency matches a subchart only inside its range, as in Helm."""

from __future__ import annotations

import pytest

from profile_render import merge_values
from profile_render.helm.semver import is_compatible_range, parse_version
from tests.helm_oracle import Subchart, helm_binary, run_helm_template, write_chart

CASES = [
    # (range, subchart version, matches)
    ("0.1.0", "0.1.0", True),
    ("0.1.1", "0.1.0", False),
    ("", "0.1.0", False),
    ("*", "0.1.0", True),
    ("x", "1.2.3", True),
    ("^0.1.0", "0.1.5", True),
    ("^0.1.0", "0.2.0", False),
    ("^1.2", "1.9.0", True),
    ("^1.2", "2.0.0", False),
    ("^0.0.3", "0.0.4", False),
    ("~1.2.3", "1.2.9", True),
    ("~1.2.3", "1.3.0", False),
    ("~1", "1.9.9", True),
    ("1.2.x", "1.2.7", True),
    ("1.2.x", "1.3.0", False),
    ("1.x", "1.9.0", True),
    ("1.2", "1.2.5", True),
    (">=1.0.0, <2.0.0", "1.5.0", True),
    (">=1.0.0 <2.0.0", "2.0.0", False),
    ("> 1.0", "1.0.5", False),
    (">1.0", "1.1.0", True),
    ("<=1.2", "1.2.9", True),
    ("!=1.2.3", "1.2.3", False),
    ("1.0.0 - 1.4.0", "1.3.0", True),
    ("1.0.0 - 1.4.0", "1.4.1", False),
    ("<1.0.0 || >=2.0.0", "2.1.0", True),
    ("<1.0.0 || >=2.0.0", "1.1.0", False),
    (">=1.0.0", "1.1.0-beta.1", False),
    (">=1.1.0-alpha", "1.1.0-beta.1", True),
    ("v1.2.3", "1.2.3", True),
    ("=> 1.2.0", "1.2.0", True),
    ("garbage", "1.2.3", False),
]


@pytest.mark.parametrize("constraint, version, matches", CASES)
def test_ranges(constraint, version, matches):
    assert is_compatible_range(constraint, version) is matches


def test_parse_version():
    assert parse_version("1.2.3-rc.1+b5")[:3] == (1, 2, 3)
    assert parse_version("1.2") == (1, 2, 0, ())
    assert parse_version("01.2.3") is None


@pytest.mark.helm
@pytest.mark.skipif(helm_binary() is None, reason="Helm oracle binary not fetched (scripts/fetch-helm.sh)")
@pytest.mark.parametrize("constraint, version, matches", CASES)
def test_ranges_match_helm(tmp_path, constraint, version, matches):
    version_line = f"    version: {constraint!r}\n" if constraint else ""
    chart = write_chart(
        tmp_path / "c", "a: 1\n",
        chart_yaml_extra=f"dependencies:\n  - name: sub\n{version_line}    alias: renamed\n",
        subcharts={"sub": Subchart("x: 1\n", chart_yaml_extra="", name="sub")},
    )
    (chart / "charts" / "sub" / "Chart.yaml").write_text(f"apiVersion: v2\nname: sub\nversion: {version}\n")
    helm = run_helm_template(chart)
    ours = merge_values(chart)
    assert helm.ok, helm.stderr
    assert ("renamed" in helm.values) is matches
    assert helm.values == ours.values
