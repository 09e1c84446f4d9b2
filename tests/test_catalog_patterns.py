"""The catalog's JSON Schema patterns are Go patterns, matched by the package's one regex module (RE2)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from profile_render.helm.schema import go_regex_error
from profile_render.orchestrator.catalog import check_catalog, load_catalog
from profile_render.orchestrator.catalog.checks import catalog_go_pattern

HEADER = 'specSchema: Registry\nschemaVersion: "0.1"\ndescription: "a registry"\ntype: HELM\n'


def _registry_findings(tmp_path: Path, **fields: str) -> List[Tuple[str, str]]:
    """(field, message) of each schema finding for one Registry object with these (YAML-quoted) fields."""
    body = HEADER + "".join(f"{key}: {value}\n" for key, value in {"name": "reg", **fields}.items())
    path = tmp_path / "regs.yaml"
    path.write_text(body, encoding="utf-8")
    findings = check_catalog(load_catalog([], registry_files=[path]))
    return [(str(f.path[-1]), f.message) for f in findings if f.rule == "schema"]


# (YAML double-quoted text, the first character of category C as "U+XXXX at character N", or None)
@pytest.mark.parametrize("token, bad", [
    ('"plain-token_123"', None), ('"caf\u00e9"', None), ('"a b"', None),
    ('"\u0378x"', None),  # unassigned: Go 1.24's category C has no Cn, so it passes
    ('"\U0010FFFF"', None),  # a noncharacter is unassigned too
    ('"abc\\x01"', "U+0001 at character 4"), ('"abc\\u0085"', "U+0085 at character 4"),
    ('"tab\\there"', "U+0009 at character 4"), ('"del\\x7f"', "U+007F at character 4"),
    ('"ab\\n"', "U+000A at character 3"),
    ('"zero\u200bwidth"', "U+200B at character 5"), ('"private\ue000"', "U+E000 at character 8"),
    ('"tag\U000E0041"', "U+E0041 at character 4"),
], ids=["ascii", "non-ascii-letter", "space", "unassigned", "noncharacter", "c0-control", "c1-control", "tab",
        "del", "newline", "zero-width-space", "private-use", "tag-character"])
def test_credentials_take_no_character_of_go_category_c(tmp_path, token, bad):
    found = _registry_findings(tmp_path, rootUrl='"oci://registry.example.com/x"', authToken=token,
                               userName=token, apiType=token)
    if bad is None:
        assert found == []
        return
    by_field = dict(found)
    assert sorted(by_field) == ["apiType", "authToken", "userName"]
    rule = "must not hold control, format, private-use or surrogate characters (the catalog's ^\\PC*$)"
    # a secret's finding says "the value", never the value or where the character sits
    assert by_field["authToken"] == f"authToken {rule}; the value does"
    assert by_field["userName"].startswith(f"userName {rule}; '")
    assert by_field["userName"].endswith(f"' does ({bad})")


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
    # every pattern compiles as Go's regexp takes it; only "pattern" is routed through RE2
    package = files("profile_render.schemas")
    patterns = []
    for name in ("catalog-common", "catalog-application", "catalog-profile", "catalog-parameter-template",
                 "catalog-registry", "catalog-deployment-package", "catalog-artifact"):
        doc = json.loads(package.joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
        for key, value in _schema_nodes(doc):
            assert key not in ("patternProperties", "propertyNames"), name
            if key == "pattern":
                patterns.append(value)
    assert len(patterns) > 8
    assert {p: go_regex_error(p) for p in patterns} == {p: None for p in patterns}
    assert "^\\PC*$" in patterns  # the catalog's own spelling, translated for Go 1.24 only when compiled


@pytest.mark.parametrize("pattern, expected", [
    ("^\\PC*$", "^[^\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}]*$"),
    ("^\\pC$", "^[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}]$"),
    ("^[a\\pC]$", "^[a\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}]$"),
    ("^[]\\pC]$", "^[]\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}]$"),  # ']' first in a class is a literal
    ("^\\\\PC$", "^\\\\PC$"),  # an escaped backslash followed by PC
    ("^[A-Za-z0-9-/_\\[\\]\\.\\\\]*$", "^[A-Za-z0-9-/_\\[\\]\\.\\\\]*$"),
    ("\\p{Cc}", "\\p{Cc}"),
])
def test_category_c_is_spelled_as_go_1_24_has_it(pattern, expected):
    assert catalog_go_pattern(pattern) == expected


def test_a_complemented_category_inside_brackets_is_refused():
    with pytest.raises(ValueError):
        catalog_go_pattern("^[^a\\PC]$")
