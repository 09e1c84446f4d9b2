"""The catalog's JSON Schema patterns are Go patterns, matched by the package's one regex module (RE2)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from profile_render.helm.schema import go_regex_error
from profile_render.orchestrator.catalog import check_catalog, load_catalog

HEADER = 'specSchema: Registry\nschemaVersion: "0.1"\ndescription: "a registry"\ntype: HELM\n'


def _registry_findings(tmp_path: Path, **fields: str) -> List[Tuple[str, str]]:
    """(field, message) of each schema finding for one Registry object with these (YAML-quoted) fields."""
    body = HEADER + "".join(f"{key}: {value}\n" for key, value in {"name": "reg", **fields}.items())
    path = tmp_path / "regs.yaml"
    path.write_text(body, encoding="utf-8")
    findings = check_catalog(load_catalog([], registry_files=[path]))
    return [(str(f.path[-1]), f.message) for f in findings if f.rule == "schema"]


@pytest.mark.parametrize("token, ok", [
    ('"plain-token_123"', True), ('"caf\u00e9"', True), ('"abc\\x01"', False), ('"abc\\u0085"', False),
    ('"tab\\there"', False), ('"del\\x7f"', False),
], ids=["ascii", "non-ascii-letter", "c0-control", "c1-control", "tab", "del"])
def test_printable_pattern_with_json_schema_escapes(tmp_path, token, ok):
    found = _registry_findings(tmp_path, rootUrl='"oci://registry.example.com/x"', authToken=token)
    if ok:
        assert found == []
    else:
        assert found == [("authToken", "authToken must match ^[^\\u0000-\\u001f\\u007f-\\u009f]*$; "
                                       "the value does not")]


@pytest.mark.parametrize("url, ok", [
    ('"oci://registry.example.com/a_b-c?x=1&y=%20"', True),
    ('"https://Example.com/x"', False),  # the host must be lowercase
    ('"oci://registry.example.com/caf\u00e9"', False),  # Go's \w is ASCII only
    ('"oci://registry.example.com/x\\n"', False),  # Go's $ does not match before a final newline
], ids=["ok", "uppercase-host", "non-ascii-path", "trailing-newline"])
def test_root_url_pattern_matches_like_go(tmp_path, url, ok):
    found = _registry_findings(tmp_path, rootUrl=url)
    assert [field for field, _ in found] == ([] if ok else ["rootUrl"])


def _schema_nodes(node: Any) -> Iterator[Tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _schema_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_nodes(value)


def test_bundled_catalog_patterns_are_go_patterns():
    # every pattern compiles as Go's regexp takes it, except for JSON Schema's \uXXXX escapes,
    # which the catalog validator spells \x{XXXX} (the other tests show those match)
    package = files("profile_render.schemas")
    patterns = []
    for name in ("catalog-common", "catalog-application", "catalog-profile", "catalog-parameter-template",
                 "catalog-registry", "catalog-deployment-package"):
        doc = json.loads(package.joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
        for key, value in _schema_nodes(doc):
            # only "pattern" is routed through RE2 by the catalog validator
            assert key not in ("patternProperties", "propertyNames"), name
            if key == "pattern":
                patterns.append(value)
    assert len(patterns) > 8
    plain = [p for p in patterns if "\\u" not in p]
    assert len(plain) == len(patterns) - 1
    assert {p: go_regex_error(p) for p in plain} == {p: None for p in plain}
