"""Run the real Helm binary as the oracle for what `.Values` templates see.

A throwaway chart whose only template is ``# {{ toJson .Values | b64enc }}`` makes
``helm template`` print exactly the values the templates get. The binary is the
one ``scripts/fetch-helm.sh`` caches under ``.cache/tools`` (or ``$PROFILE_RENDER_HELM``).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence, Union

ROOT = Path(__file__).resolve().parent.parent
# base64 keeps any byte of the JSON (control characters included) out of the YAML
# that Helm parses after rendering the template.
VALUES_TEMPLATE = "# {{ toJson .Values | b64enc }}\n"


def helm_binary() -> Optional[Path]:
    """The Helm 4.1.4 binary to compare against, or None when it is not available here."""
    env = os.environ.get("PROFILE_RENDER_HELM")
    if env:
        return Path(env)
    cached = ROOT / ".cache" / "tools" / "helm"
    if cached.is_file() and os.access(cached, os.X_OK):
        return cached
    return None


@dataclass
class HelmOutcome:
    ok: bool
    values: Optional[dict]
    stderr: str


def write_chart(
    directory: Path,
    values_yaml: Optional[Union[str, bytes]] = "",
    *,
    name: str = "oracle",
    chart_yaml_extra: str = "",
    subcharts: Mapping[str, "Subchart"] = (),  # type: ignore[assignment]
) -> Path:
    """Write an oracle chart (and optional subcharts under charts/) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Chart.yaml").write_text(
        f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{chart_yaml_extra}"
    )
    (directory / "templates").mkdir(exist_ok=True)
    (directory / "templates" / "values.yaml").write_text(VALUES_TEMPLATE)
    if values_yaml is not None:
        data = values_yaml.encode() if isinstance(values_yaml, str) else values_yaml
        (directory / "values.yaml").write_bytes(data)
    for sub_name, sub in dict(subcharts).items():
        write_chart(
            directory / "charts" / sub_name,
            sub.values_yaml,
            name=sub.name or sub_name,
            chart_yaml_extra=sub.chart_yaml_extra,
            subcharts=sub.subcharts,
        )
    return directory


@dataclass
class Subchart:
    values_yaml: Optional[str] = ""
    name: Optional[str] = None
    chart_yaml_extra: str = ""
    subcharts: Mapping[str, "Subchart"] = ()  # type: ignore[assignment]


def helm_template_command(binary: Path, chart: Path, value_files: Sequence[Path] = (),
                          set_args: Iterable[str] = (), set_string_args: Iterable[str] = ()) -> list:
    """The ``helm template`` command line for the oracle chart and the user's layers."""
    cmd = [str(binary), "template", "oracle", str(chart)]
    for f in value_files:
        cmd += ["-f", str(f)]
    for s in set_args:
        cmd += ["--set", s]
    for s in set_string_args:
        cmd += ["--set-string", s]
    return cmd


def helm_env() -> dict:
    """A minimal environment that keeps Helm's cache and config out of the user's home."""
    tmp = Path(tempfile.gettempdir())
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp),
            "HELM_CACHE_HOME": str(tmp / "pr-helm-cache"), "HELM_CONFIG_HOME": str(tmp / "pr-helm-config"),
            "HELM_DATA_HOME": str(tmp / "pr-helm-data")}


def run_helm_template(
    chart: Path,
    value_files: Sequence[Path] = (),
    set_args: Iterable[str] = (),
    set_string_args: Iterable[str] = (),
    *,
    helm: Optional[Path] = None,
    timeout: float = 60,
) -> HelmOutcome:
    """``helm template`` the oracle chart and return the values its template printed."""
    binary = helm or helm_binary()
    if binary is None:
        raise RuntimeError("helm binary not available; run scripts/fetch-helm.sh")
    cmd = helm_template_command(binary, chart, value_files, set_args, set_string_args)
    env = helm_env()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        return HelmOutcome(False, None, proc.stderr)
    # Subcharts written by write_chart carry the same template; take the top
    # chart's output, whose source path has no "/charts/" in it.
    source = None
    for line in proc.stdout.splitlines():
        if line.startswith("# Source: "):
            source = line[len("# Source: "):]
        elif line.startswith("# ") and source is not None and "/charts/" not in source:
            return HelmOutcome(True, json.loads(base64.b64decode(line[2:])), proc.stderr)
    raise AssertionError(f"no values line in helm output:\n{proc.stdout}\n{proc.stderr}")


def helm_values(
    values_yaml: Optional[str] = "",
    user_files: Sequence[Union[str, bytes]] = (),
    set_args: Iterable[str] = (),
    set_string_args: Iterable[str] = (),
    *,
    subcharts: Mapping[str, Subchart] = (),  # type: ignore[assignment]
    chart_yaml_extra: str = "",
) -> HelmOutcome:
    """Convenience: build a chart from text in a temp dir and run ``helm template`` on it."""
    with tempfile.TemporaryDirectory(prefix="pr-oracle-") as tmp:
        root = Path(tmp)
        chart = write_chart(root / "chart", values_yaml, subcharts=subcharts, chart_yaml_extra=chart_yaml_extra)
        files = []
        for i, content in enumerate(user_files):
            p = root / f"user-{i}.yaml"
            p.write_bytes(content.encode() if isinstance(content, str) else content)
            files.append(p)
        return run_helm_template(chart, files, set_args, set_string_args)


def numbers_as_float(value):
    """Normalise a JSON tree so numbers compare as Helm's float64 (ints and floats alike)."""
    if isinstance(value, dict):
        return {k: numbers_as_float(v) for k, v in value.items()}
    if isinstance(value, list):
        return [numbers_as_float(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return float(value)


__all__ = [
    "HelmOutcome",
    "Subchart",
    "helm_binary",
    "helm_values",
    "numbers_as_float",
    "run_helm_template",
    "write_chart",
]
