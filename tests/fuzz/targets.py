#!/usr/bin/env python3
"""atheris fuzz targets: the YAML reader, ``--set`` parsing, placeholder resolution, check-manifests.

Each target feeds the fuzzer's bytes to one entry point of the input boundary;
the only exception allowed out is ``ProfileRenderError`` (anything else is a
finding, and atheris stops with the input saved as ``crash-*`` under the
artifact folder). Run one target (from the repository root)::

    .venv/bin/python tests/fuzz/targets.py yaml -max_total_time=600 -artifact_prefix=/tmp/fuzz- tests/fuzz/seeds/yaml

The test suite runs each target briefly (tests/test_fuzz.py); docs/security.md
gives the command for long runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Dict

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["profile_render"]):
    from profile_render import DeploymentContext, ImageRegistry, Layer, ProfileRenderError, Secret, apply_set, render
    from profile_render.checks.manifests import check_manifests
    from profile_render.helm.chart import load_chart
    from profile_render.yamlio.load import load_values
    from profile_render.orchestrator.catalog import check_catalog, load_catalog  # noqa: F401

CHART = load_chart(str(ROOT / "examples" / "hello-chart"))
CONTEXT = DeploymentContext(app_name="app", app_version="1.0.0", deployment_name="deployment-abc12",
                            namespace="apps", org="acme", project="edge")
REGISTRY = ImageRegistry(name="harbor-docker-oci", root_url="oci://registry.example.com/catalog-apps-acme-edge",
                         username="robot", password=Secret("FUZZ-CANARY-PASSWORD"))


def fuzz_yaml(data: bytes) -> None:
    """Values YAML as Helm reads it."""
    try:
        load_values(data, source="fuzz.yaml")
    except ProfileRenderError:
        pass


def fuzz_set(data: bytes) -> None:
    """One ``--set`` and one ``--set-string`` expression applied to an empty tree."""
    text = data.decode("utf-8", "surrogateescape")
    for as_string in (False, True):
        try:
            apply_set(text, {}, as_string=as_string)
        except ProfileRenderError:
            pass


def fuzz_placeholders(data: bytes) -> None:
    """A Profile's values, resolved and merged with the example chart; the password never shows."""
    try:
        result = render(CHART, Layer.from_text(data, source="profile.yaml", kind="profile"),
                        context=CONTEXT, registry=REGISTRY)
        text = result.to_yaml(masked=True)
    except ProfileRenderError as exc:
        text = f"{exc}{exc!r}"
    if "FUZZ-CANARY-PASSWORD" in text:
        raise AssertionError("the registry password appeared in masked output or an error")


def fuzz_manifests(data: bytes) -> None:
    """A ``helm template`` stream through every manifest check."""
    try:
        check_manifests(data, source="manifests.yaml", private_registries=["registry.example.com"])
    except ProfileRenderError:
        pass


TARGETS: Dict[str, Callable[[bytes], None]] = {
    "yaml": fuzz_yaml,
    "set": fuzz_set,
    "placeholders": fuzz_placeholders,
    "manifests": fuzz_manifests,
}


def main() -> None:
    name = sys.argv.pop(1)
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
