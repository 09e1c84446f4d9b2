"""The terminal summary of ``render`` and ``package render``: what a person wants to check at a glance.

Per application: namespace, the generated pull Secret, the registry
credentials it holds (masked unless asked), each placeholder and what it
resolved to, parameter values (secret ones masked unless asked), the objects
generated and the warnings; then where the full output is. The full
YAML/JSON stays the output for pipes and ``-o yaml|json``. Output is
deterministic: applications in the package's order, everything else sorted or
in the order the render produced it. Colour only when asked for (the CLI asks
on a terminal without ``NO_COLOR``).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple

from profile_render.orchestrator.model import MASK
from profile_render.report import format_text
from profile_render.tree import walk

if TYPE_CHECKING:  # type names only
    from profile_render.orchestrator.package import PackageRender
    from profile_render.problems import Diagnostic
    from profile_render.rendering import RenderResult

#: The width of the label column.
LABEL_WIDTH = 14


@dataclass(frozen=True)
class SummaryStyle:
    """How a summary is written: ANSI colour or not, credentials shown or masked."""

    colour: bool = False
    show_secrets: bool = False

    def bold(self, text: str) -> str:
        """``text`` in bold when colour is on."""
        return f"\033[1m{text}\033[0m" if self.colour else text

    def warn(self, text: str) -> str:
        """``text`` in yellow when colour is on."""
        return f"\033[33m{text}\033[0m" if self.colour else text

    def dim(self, text: str) -> str:
        """``text`` faint when colour is on."""
        return f"\033[2m{text}\033[0m" if self.colour else text

    def secret(self, text: str) -> str:
        """``text`` itself when secrets are shown, else the mask."""
        return text if self.show_secrets else MASK


def _decoded(data: Mapping[str, Any], key: str) -> Optional[str]:
    """The UTF-8 text of a Secret's base64 ``data[key]`` (None when absent or not decodable)."""
    raw = data.get(key)
    if not isinstance(raw, str):
        return None
    try:
        return base64.b64decode(raw, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


def _generated(result: "RenderResult") -> List[Tuple[str, Dict[str, Any], bool]]:
    """Every generated object as (``Kind/name``, object, is pre-install), pre-install objects first."""
    found = []
    for objects, pre_install in ((result.pre_install_manifests, True), (result.manifests, False)):
        for obj in objects:
            name = (obj.get("metadata") or {}).get("name", "?")
            found.append((f"{obj.get('kind', '?')}/{name}", obj, pre_install))
    return found


def _rows(label: str, lines: Sequence[str]) -> List[str]:
    """``label`` then the first line in the value column, further lines aligned under it."""
    if not lines:
        return []
    head = f"  {label:<{LABEL_WIDTH}}"
    return [(head if i == 0 else " " * len(head)) + line for i, line in enumerate(lines)]


def _credentials(result: "RenderResult", style: SummaryStyle) -> List[str]:
    """The registry user and password the generated pull Secret holds (the password masked unless asked)."""
    for _, obj, _ in _generated(result):
        if obj.get("kind") == "Secret" and obj.get("type") == "kubernetes.io/dockerconfigjson":
            data = obj.get("data") or {}
            user, password = _decoded(data, "accessKeyId"), _decoded(data, "secretKey")
            if user is None or password is None:
                continue
            return [f"user {user}, password {style.secret(password)}"]
    return []


def _placeholders(result: "RenderResult") -> List[str]:
    """``%Name% -> value`` for each placeholder used, in name order, arrows aligned."""
    names = sorted(result.placeholder_values)
    width = max((len(name) + 2 for name in names), default=0)
    return [f"{'%' + name + '%':<{width}} -> {result.placeholder_values[name]}" for name in names]


def _parameters(values: Mapping[str, Any], secret: Mapping[str, bool], style: SummaryStyle) -> List[str]:
    """``name = value`` for each parameter template value, secret ones masked unless asked."""
    from profile_render.emit import to_json

    lines = []
    for name in sorted(values):
        shown = to_json(values[name], indent=None)
        lines.append(f"{name} = {style.secret(shown) if secret.get(name) else shown}")
    return lines


def _warnings(warnings: "Sequence[Diagnostic]", style: SummaryStyle) -> List[str]:
    """One line per warning (``file:line:col: warning: ...``), or ``none``."""
    if not warnings:
        return [style.dim("none")]
    return [style.warn(line) for line in format_text(warnings).splitlines()]


def application_summary(name: str, result: "RenderResult", *, namespace: str, style: SummaryStyle,
                        profile: Optional[str] = None, profile_known: bool = False,
                        parameters: Optional[Tuple[Mapping[str, Any], Mapping[str, bool]]] = None) -> str:
    """The summary of one rendered application (``profile_known``: a package render, so the profile is shown)."""
    lines = [style.bold(name)]
    lines += _rows("namespace", [namespace])
    if profile_known:
        lines += _rows("profile", [profile if profile is not None else "(none: empty profile values)"])
    generated = _generated(result)
    if result.secret_name is not None:
        where = " (pre-install: a hook pulls with it)" if any(
            pre for label, obj, pre in generated if obj.get("kind") == "Secret") else ""
        lines += _rows("pull Secret", [result.secret_name + where])
        lines += _rows("credentials", _credentials(result, style))
    else:
        lines += _rows("pull Secret", [style.dim("none (no credential placeholder is used)")])
    lines += _rows("placeholders", _placeholders(result) or [style.dim("none")])
    if parameters is not None and parameters[0]:
        lines += _rows("parameters", _parameters(parameters[0], parameters[1], style))
    shown = [label + (" (pre-install)" if pre else "") for label, _, pre in generated]
    lines += _rows("generated", shown or [style.dim("nothing")])
    lines += _rows("warnings", _warnings(result.warnings, style))
    return "".join(line + "\n" for line in lines)


def _footer(style: SummaryStyle, *, any_credentials: bool) -> str:
    """Where the full output is, and how to see masked credentials."""
    lines = ["Full values and manifests: -o yaml or -o json (or --output-dir DIR); this summary is for reading."]
    if any_credentials and not style.show_secrets:
        lines.append("Credentials are masked here; --show-secrets shows them.")
    return style.dim("\n".join(lines)) + "\n"


def render_summary(result: "RenderResult", *, app_name: str, namespace: str, style: SummaryStyle) -> str:
    """The summary of ``render``: one application, then the footer."""
    text = application_summary(app_name, result, namespace=namespace, style=style)
    return text + "\n" + _footer(style, any_credentials=_has_credentials(result))


def _has_credentials(result: "RenderResult") -> bool:
    """Whether the summary of ``result`` masks anything (a pull Secret or a secret parameter)."""
    return result.secret_name is not None or any(template.secret for template in result.parameters.values())


def package_summary(rendered: "PackageRender", *, style: SummaryStyle) -> str:
    """The summary of ``package render``: the package line, its findings, each application, then the footer."""
    package = rendered.package
    profile = rendered.deployment_profile.name if rendered.deployment_profile is not None else "(none)"
    count = len(rendered.applications)
    head = (f"package {package.name} {package.version}, deployment profile {profile}: "
            f"{count} application{'' if count == 1 else 's'}")
    parts = [style.bold(head) + "\n"]
    if rendered.findings:
        parts.append("".join(style.warn(line) + "\n" for line in format_text(rendered.findings).splitlines()))
    for name, result in rendered.applications.items():
        values: Dict[str, Any] = {}
        secret: Dict[str, bool] = {}
        for path, template in result.parameters.items():
            found, value = walk(result.values, path)
            if found:
                values[template.name] = value
                secret[template.name] = bool(template.secret)
        parts.append("\n" + application_summary(
            name, result, namespace=rendered.namespaces.get(name, ""), style=style,
            profile=rendered.profiles.get(name), profile_known=True, parameters=(values, secret)))
    any_credentials = any(_has_credentials(result) for result in rendered.applications.values())
    return "".join(parts) + "\n" + _footer(style, any_credentials=any_credentials)

