"""The ``diff`` command's two render configurations and its terminal text.

``profile-render diff`` renders the same application twice: every render
option is shared by both sides, and the options that differ between the
issue's cases (a Profile edit, a chart upgrade, a credential rotation) also
come as ``--before-X`` / ``--after-X``. A side's own chart, Profile, app
version or registry option replaces the shared one; its own values files and
value flags come after the shared ones. The text form is one line per change,
values as JSON (so ``1``, ``1.0`` and ``"1"`` read differently), every
character that could steer a terminal escaped.
"""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, TextIO

from profile_render import cli_inputs
from profile_render.orchestrator.model import MASK

if TYPE_CHECKING:  # type names only
    from profile_render.diff import Change, DiffResult
    from profile_render.origin import Origin
    from profile_render.rendering import RenderResult

SIDES = ("before", "after")

#: diff's exit codes, as diff(1)'s: the same, different, a usage error or an input error (a render failed).
EXIT_SAME, EXIT_DIFFERENT, EXIT_TROUBLE = 0, 1, 2

#: Options that both sides share and each side may replace: option, metavar, help (for the shared form).
SIDED_OPTIONS = (
    ("--profile", "FILE", "the Profile's chart values file (use - for stdin)"),
    ("--app-version", "VERSION", "the application's version (labels; part of the Secret's name with "
                                 "--redeploy-after-update)"),
    ("--registry-url", "URL", "image registry root URL (oci://, https://, http://)"),
    ("--registry-username", "USER", "the registry user"),
    ("--registry-password-file", "FILE", "file holding the registry password or token (one trailing newline "
                                         "dropped); or set PROFILE_RENDER_REGISTRY_PASSWORD"),
    ("--registry-ca-file", "FILE", "PEM file of the registry's CA certificates"),
)

#: Render options both sides share, with no side-specific form: option, metavar, required, help.
SHARED_OPTIONS = (
    ("--app-name", "NAME", True, "the application's name in the catalog (part of the generated Secret's name)"),
    ("--deployment-name", "NAME", True, "the deployment's name (part of the generated Secret's name)"),
    ("--namespace", "NS", True, "the application's namespace"),
    ("--org", "ORG", False, "organization name (for %%OrgName%%)"),
    ("--project", "PROJECT", False, "project name (for %%ProjectName%%)"),
)

#: Longest value shown in a text line; longer ones are cut (``-o json`` has them whole).
SHOWN_CHARS = 120


def _dest(option: str, side: Optional[str] = None) -> str:
    """The attribute a (side's) option is parsed into: --registry-url, before -> before_registry_url."""
    name = option[2:].replace("-", "_")
    return f"{side}_{name}" if side else name


def add_diff_arguments(parser: argparse.ArgumentParser, set_options: Sequence[Sequence[str]],
                       set_dest: Callable[[str], str]) -> None:
    """Every option of ``diff`` except the value flags and fleet-globals options the CLI adds with its own helpers.

    ``set_options`` are the CLI's value flags (option, metavar, help) and
    ``set_dest`` their attribute names: each gets a ``--before-``/``--after-`` form.
    """
    parser.add_argument("chart", metavar="CHART", nargs="?",
                        help="chart directory or .tgz archive of both sides (or give --before-chart and --after-chart)")
    for side in SIDES:
        parser.add_argument(f"--{side}-chart", metavar="CHART", help=f"the {side} side's chart (a chart upgrade)")
    for option, metavar, text in SIDED_OPTIONS:
        parser.add_argument(option, dest=_dest(option), metavar=metavar, help=f"{text}; both sides")
        for side in SIDES:
            parser.add_argument(f"--{side}-{option[2:]}", dest=_dest(option, side), metavar=metavar,
                                help=f"the {side} side's {option[2:]}, instead of {option}")
    parser.add_argument("-f", "--values", dest="files", action="append", default=[], metavar="OVERRIDE",
                        help="a deployment override values file of both sides (repeatable, later files win)")
    for side in SIDES:
        parser.add_argument(f"--{side}-values", dest=f"{side}_files", action="append", default=[], metavar="OVERRIDE",
                            help=f"an override values file of the {side} side only, after the shared ones")
        for option, metavar, _text in set_options:
            parser.add_argument(f"--{side}-{option[2:]}", dest=f"{side}_{set_dest(option)}", action="append",
                                default=[], metavar=metavar, help=f"{option} for the {side} side only")
    for option, metavar, required, text in SHARED_OPTIONS:
        parser.add_argument(option, required=required, metavar=metavar, help=text)
    parser.add_argument("--redeploy-after-update", action="store_true",
                        help="the app is redeployed after an update (its version joins the Secret's name)")
    parser.add_argument("--prehook-literal", action="store_true",
                        help="leave %%PreHookCredential%% as text, as the reference orchestrator does")
    parser.add_argument("-o", "--output", choices=("text", "json"), default="text",
                        help="one line per change (default), or a JSON document (schemas/diff.schema.json)")
    parser.add_argument("--html", metavar="FILE",
                        help="also write the HTML report of the after render with a section of these changes "
                             "(secrets always masked there; see docs/report.md)")
    parser.add_argument("--show-secrets", action="store_true",
                        help="show secret parameter values and Secret data instead of ****")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error")


def side_arguments(args: argparse.Namespace, side: str, set_options: Sequence[Sequence[str]],
                   set_dest: Callable[[str], str], parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The render options of one side: the shared ones, replaced or extended by the side's own."""
    chart = getattr(args, f"{side}_chart") or args.chart
    if chart is None:
        parser.error(f"the {side} side has no chart: give CHART, or --before-chart and --after-chart")
    options: Dict[str, Any] = {"chart": chart, "files": [*args.files, *getattr(args, f"{side}_files")]}
    for option, _metavar, _text in SIDED_OPTIONS:
        own = getattr(args, _dest(option, side))
        options[_dest(option)] = own if own is not None else getattr(args, _dest(option))
    if options["profile"] is None:
        parser.error(f"the {side} side has no Profile: give --profile, or --before-profile and --after-profile")
    if options["app_version"] is None:
        parser.error(f"the {side} side has no app version: give --app-version, or --before-app-version and "
                     "--after-app-version")
    for option, _metavar, _text in set_options:
        options[set_dest(option)] = [*getattr(args, set_dest(option)), *getattr(args, f"{side}_{set_dest(option)}")]
    return argparse.Namespace(**options)


def check_stdin(args: argparse.Namespace, sides: Sequence[argparse.Namespace],
                parser: argparse.ArgumentParser) -> None:
    """Usage errors for ``-`` (standard input) given where it would be read twice: shared, or more than once."""
    if args.profile == "-" or "-" in args.files:
        parser.error("a shared --profile or -f cannot be - (both sides would read the standard input, which is read "
                     "once): give - to one side (--before-profile -, --after-values -) or save it to a file")
    cli_inputs.one_stdin([name for side in sides for name in (side.profile, *side.files)], parser)


def render_side(args: argparse.Namespace, side: argparse.Namespace, render_options: Dict[str, Any],
                parser: argparse.ArgumentParser) -> "RenderResult":
    """Render one side: its chart, Profile and overrides, the shared context, its registry."""
    from profile_render.orchestrator.model import DeploymentContext
    from profile_render.rendering import render

    registry = cli_inputs.registry_from_args(side, parser)
    context = DeploymentContext(
        app_name=args.app_name, app_version=side.app_version, deployment_name=args.deployment_name,
        namespace=args.namespace, org=args.org, project=args.project,
        redeploy_after_update=args.redeploy_after_update,
    )
    profile = cli_inputs.layer_argument(side.profile, "profile", args.strict)
    overrides = [cli_inputs.layer_argument(name, "overrides", args.strict) for name in side.files]
    return render(Path(side.chart), profile, overrides, context=context, registry=registry,
                  prehook_literal=args.prehook_literal, strict=args.strict, **render_options)


# -- text ---------------------------------------------------------------------------------------------------------

_COLOURS = {"added": "32", "removed": "31", "changed": "33"}
_SIGNS = {"added": "+", "removed": "-", "changed": "~"}
_LISTS = {"manifests": "", "preInstallManifests": " (pre-install)"}


def terminal_safe(text: str) -> str:
    """``text`` with every control, format or line-separator character escaped as ``\\uXXXX`` (no terminal tricks)."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
                   for ch in text)


def shown_value(value: Any) -> str:
    """A value as one line of JSON (a string quoted, so its type shows), cut at :data:`SHOWN_CHARS`."""
    from profile_render.emit import to_json

    text = to_json(value, indent=None)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def _origin_text(origin: "Optional[Origin]") -> str:
    """``layer file:line:column`` (``-`` for no origin)."""
    return "-" if origin is None else f"{origin.layer} {origin.location}"


def _change_line(change: "Change", prefix: str, colour: bool, with_origins: bool) -> str:
    """One change as ``~ path: before -> after   (origin -> origin)``, ``+ path: after``, ``- path: before``."""
    sign = _SIGNS[change.change]
    shown = (lambda value: MASK) if change.masked else shown_value
    if change.change == "changed":
        body = f"{shown(change.before)} -> {shown(change.after)}"
        where = f"{_origin_text(change.before_origin)} -> {_origin_text(change.after_origin)}"
    elif change.change == "added":
        body, where = shown(change.after), _origin_text(change.after_origin)
    else:
        body, where = shown(change.before), _origin_text(change.before_origin)
    if change.masked and change.change == "changed":
        body += "  (secret, changed)"
    line = f"{sign} {prefix}{change.path_text}: {body}"
    if with_origins:
        line += f"   ({where})"
    line = terminal_safe(line)
    return f"\033[{_COLOURS[change.change]}m{line}\033[0m" if colour else line


def diff_text(result: "DiffResult", *, colour: bool = False) -> str:
    """The diff as text: one line per value change, then per generated object (or field) and the Secret's name."""
    lines: List[str] = [_change_line(c, "", colour, True) for c in result.values]
    for obj in result.objects:
        label = terminal_safe(f"{obj.kind}/{obj.name}{_LISTS.get(obj.list_name, '')}")
        if obj.change != "changed":
            line = f"{_SIGNS[obj.change]} {label}"
            lines.append(f"\033[{_COLOURS[obj.change]}m{line}\033[0m" if colour else line)
            continue
        lines.extend(_change_line(f, f"{label} ", colour, False) for f in obj.fields)
    if result.secret_name is not None:
        before, after = (shown_value(name) for name in result.secret_name)
        line = terminal_safe(f"~ generated Secret name: {before} -> {after}")
        lines.append(f"\033[33m{line}\033[0m" if colour else line)
    return "".join(line + "\n" for line in lines)


def write_diff(result: "DiffResult", fmt: str, out: TextIO, *, colour: bool) -> None:
    """Write the diff as ``fmt`` (``text`` or ``json``) to ``out``."""
    out.write(result.to_json() + "\n" if fmt == "json" else diff_text(result, colour=colour))

