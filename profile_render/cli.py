"""Command-line interface: a thin layer over the library.

Exit codes, for every command: 0 success, 1 bad input (message on stderr, no
traceback), 2 usage error; ``diff`` follows diff(1): 0 the same, 1 different,
2 usage error or bad input. Only the requested output goes to stdout; warnings
and errors go to stderr. Each subcommand's parser names its handler
(``set_defaults(handler=...)``); warnings and findings are written by
:mod:`profile_render.report`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NoReturn, Optional, Sequence, TextIO, TypeVar, Union

from profile_render import __version__, cli_inputs
from profile_render.cli_inputs import PASSWORD_ENV
from profile_render.errors import ProfileRenderError
from profile_render.report import FORMATS, format_text, report
from profile_render.yamlio.collector import collector_paused

if TYPE_CHECKING:  # type names only: the merge path must not import the render modules
    from profile_render.cli_summary import SummaryStyle
    from profile_render.orchestrator.package import PackageRender
    from profile_render.problems import Diagnostic, Rule
    from profile_render.rendering import RenderResult
    from profile_render.values import Layer, MergeResult

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
_Checked = TypeVar("_Checked")  # what a check run by _reported returns

#: What each subcommand's parser sets as ``handler``: (args, the subcommand's parser, stdout, stderr) -> exit code.
Handler = Callable[[argparse.Namespace, argparse.ArgumentParser, TextIO, TextIO], int]


_SECRET_WORDS = ("passw", "token", "secret", "credential")


def _terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size()`` reads it: $COLUMNS, else stdout's terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, the width found without importing shutil.

    argparse makes a formatter for every option added, and its own way to the
    width imports shutil (with zlib, bz2 and lzma) in every run of every command.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: Optional[int] = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on stderr and exit code 2, as documented.

    Options are never abbreviated (``--registry-password`` is not taken for
    ``--registry-password-file``), and what the parser does not understand is
    never echoed: an unknown option is named only when it is a typo of one of
    ours, an unknown command likewise, other arguments are only counted (any
    of them may be a secret).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: usage error: {_unknown_command(message)}\n")

    def parse_args(self, args: Optional[Sequence[str]] = None,  # type: ignore[override]
                   namespace: Optional[argparse.Namespace] = None) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(_unrecognized(extras, self))
        return parsed


_INVALID_COMMAND = re.compile(r"argument COMMAND: invalid choice: (.*) \(choose from (.*)\)", re.S)


def _unknown_command(message: str) -> str:
    """argparse's message for an unknown command, with the command shown only when it is a typo of one of ours."""
    import ast
    import difflib

    match = _INVALID_COMMAND.fullmatch(message)
    if match is None:
        return message
    try:
        given, commands = ast.literal_eval(match.group(1)), ast.literal_eval(f"({match.group(2)},)")
    except (ValueError, SyntaxError):
        given, commands = "", ()
    meant = difflib.get_close_matches(given, commands, n=1, cutoff=0.6) if isinstance(given, str) else []
    if meant:
        return f"unknown command {_printable(given)} (did you mean {meant[0]}?)"
    return f"unknown command (not shown: it may be a secret); the commands are {match.group(2)}"


def _printable(text: str, limit: int = 40) -> str:
    """Text safe to echo on any stream: undecodable bytes escaped, cut at ``limit`` characters."""
    shown = text if len(text) <= limit else text[:limit] + "..."
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")


def _option_strings(parser: argparse.ArgumentParser) -> List[str]:
    return [option for action in parser._actions for option in action.option_strings]  # noqa: SLF001


def _unrecognized(extras: Sequence[str], parser: argparse.ArgumentParser) -> str:
    """The usage error for arguments the parser did not take: values are never shown, only counted.

    An unknown option is named only when it is close to one of the parser's
    own (a typo, shown with the option meant); any other may be a secret typed
    where it does not belong, and is counted like a value.
    """
    import difflib

    known = _option_strings(parser)
    names: List[str] = []
    words: List[str] = []
    hidden = 0
    for item in extras:
        if item == "--":  # the end of options, not an argument
            continue
        if item.startswith("-") and len(item) > 1 and not item[1].isdigit():
            name = item.partition("=")[0] if item.startswith("--") else item[:2]  # "-pVALUE": -p and its value
            words.append(name.lower())
            # An abbreviation means the options it begins; anything else, the closest option.
            meant = [option for option in known if option.startswith(name) and len(name) > 2][:3] or (
                difflib.get_close_matches(name, known, n=1, cutoff=0.6) if len(name) <= 60 else [])
            if meant:
                hidden += len(name) < len(item)
                shown = f"{_printable(name)} (did you mean {' or '.join(meant)}?)"
                if shown not in names:
                    names.append(shown)
                continue
        hidden += 1
    if not names and not hidden:
        return "an unexpected '--'"
    counted = f"{hidden} {'argument' if hidden == 1 else 'arguments'}"
    if names:
        message = f"unrecognized option{'s' if len(names) > 1 else ''} {', '.join(names)}"
        if hidden:
            message += f" and {counted.replace(' ', ' other ', 1)}"
    else:
        message = counted.replace(" ", " unrecognized ", 1)
    message += " (arguments that are not understood are never shown: they may be secrets)"
    if any(word in name for name in words for word in _SECRET_WORDS):
        message += (f". Registry passwords are never taken on the command line: put the password in a file and "
                    f"pass --registry-password-file, or set {PASSWORD_ENV}")
    return message


def _undecodable_arguments(args: argparse.Namespace, parsers: Sequence[argparse.ArgumentParser]) -> Optional[str]:
    """The usage error for the first argument that is not valid UTF-8 (None when all are).

    Python hands undecodable argv bytes over as lone surrogates, which no
    output stream, file name lookup by text, or JSON/YAML writer accepts; the
    argument is named by its option, its value is never echoed.
    """
    options: Dict[str, str] = {}
    for parser in parsers:
        for action in parser._actions:  # noqa: SLF001 - argparse has no public list of a parser's actions
            name = action.option_strings[-1] if action.option_strings else (action.metavar or action.dest)
            options.setdefault(action.dest, str(name))
    for dest, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for text in values:
            if isinstance(text, str) and not text.isascii() and not cli_inputs.is_utf8(text):
                name = options.get(dest, dest)
                hint = ("give the file a UTF-8 name (or link to it from one)"
                        if name.isupper() or name in _PATH_OPTIONS else "pass the text as UTF-8")
                return (f"argument {name}: the value is not valid UTF-8 (it holds bytes that cannot be decoded); "
                        f"{hint}")
    return None


_PATH_OPTIONS = frozenset({"--values", "--profile", "--registry-password-file", "--registry-ca-file", "--output-dir",
                           "--registry", "--render-json"})


_CHART_HELP = "chart directory, .tgz archive, or values file of chart defaults"


#: Helm's value flags as merge and render take them: option, metavar, help. Helm applies them by kind in
#: its own order (--set-json, --set, --set-string, --set-file, --set-literal), not by position.
_SET_OPTIONS = (
    ("--set", "PATH=VALUE", "set a value like helm --set (typed: numbers, true/false, null)"),
    ("--set-string", "PATH=VALUE", "set a string value like helm --set-string"),
    ("--set-json", "PATH=JSON", "set a JSON value like helm --set-json (or merge a whole JSON object: '{...}')"),
    ("--set-file", "PATH=FILE", "set a value to a file's whole text like helm --set-file"),
    ("--set-literal", "PATH=VALUE", "set one string value, taken literally, like helm --set-literal"),
)


def _set_dest(option: str) -> str:
    """The keyword merge_values() and render() take a value flag's arguments by: --set-json -> set_json_values."""
    return option[2:].replace("-", "_") + "_values"


def _add_set_options(parser: argparse.ArgumentParser) -> None:
    """Helm's value flags, as merge and render take them."""
    for option, metavar, text in _SET_OPTIONS:
        parser.add_argument(option, dest=_set_dest(option), action="append", default=[], metavar=metavar, help=text)


def _set_arguments(args: argparse.Namespace) -> Dict[str, Any]:
    """The value-flag arguments of a parsed command line, by the keyword merge_values() and render() take them."""
    return {_set_dest(option): getattr(args, _set_dest(option)) for option, _, _ in _SET_OPTIONS}


def _add_fleet_globals_options(parser: argparse.ArgumentParser) -> None:
    """The options that add the fleet-globals.yaml layer (``global.fleet.*``) the orchestrator writes."""
    parser.add_argument("--deployment-generation", metavar="N",
                        help="global.fleet.deploymentGeneration in the fleet-globals.yaml layer the orchestrator "
                             "adds (the Deployment's metadata.generation; default 1, a new deployment)")
    parser.add_argument("--cluster-label", dest="cluster_labels", action="append", default=[], metavar="KEY=VALUE",
                        help="a label of the target cluster (repeatable): fills global.fleet.clusterLabels as Fleet "
                             "does (ADM's FLEET_ADD_GLOBAL_VARS=true)")
    parser.add_argument("--no-fleet-globals", dest="fleet_globals", action="store_false",
                        help="leave out the fleet-globals.yaml layer (global.fleet.*) that the orchestrator adds to "
                             "every deployment: the values of plain helm template with the Profile and overrides")


def _fleet_globals_from_args(args: argparse.Namespace,
                             parser: argparse.ArgumentParser) -> "dict[str, object]":
    """The ``deployment_generation``/``cluster_labels`` keyword arguments the options ask for (usage errors exit 2)."""
    from profile_render.orchestrator.fleet_globals import check_deployment_generation

    out: "dict[str, object]" = {"fleet_globals": args.fleet_globals}
    if not args.fleet_globals and (args.deployment_generation is not None or args.cluster_labels):
        parser.error("--no-fleet-globals leaves out the layer that --deployment-generation and --cluster-label set")
    if args.deployment_generation is not None:
        text = args.deployment_generation.strip()
        if not text.isdigit() or not text.isascii():
            parser.error(f"--deployment-generation takes a whole number (1 for a new deployment), "
                         f"not {args.deployment_generation!r}")
        try:
            out["deployment_generation"] = check_deployment_generation(int(text))
        except ProfileRenderError as exc:
            parser.error(f"--deployment-generation: {exc.problem}")
    if args.cluster_labels:
        labels: "dict[str, str]" = {}
        for item in args.cluster_labels:
            key, eq, value = item.partition("=")
            if not eq or not key:
                parser.error(f"--cluster-label takes KEY=VALUE (the value may be empty), not {item!r}")
            labels[key] = value
        out["cluster_labels"] = labels
    return out


def _add_package_inputs(parser: argparse.ArgumentParser, package_metavar: str = "DIR") -> None:
    """The inputs of ``package render`` (the package folder, charts, registries, deployment, fleet globals)."""
    parser.add_argument("directory", metavar=package_metavar, help="folder with the package's catalog YAML files")
    parser.add_argument("--deployment-profile", metavar="NAME", help="deployment profile (default: the package's default)")
    parser.add_argument("--app", dest="apps", action="append", default=[], metavar="NAME",
                        help="render only this application (repeatable)")
    parser.add_argument("--chart", dest="charts", action="append", default=[], metavar="APP=PATH", required=True,
                        help="the chart of an application: a directory or .tgz (repeat for each application)")
    parser.add_argument("--registry", dest="registries", action="append", default=[], metavar="FILE",
                        help="a catalog file of Registry objects not in the package (e.g. platform registries)")
    parser.add_argument("--registry-ca-file", metavar="FILE",
                        help="PEM file of the orchestrator's gateway certificate (tls.crt of Secret tls-orch in "
                             "orch-gateway): the CA of registries whose caCerts is use-dynamic-cacert")
    parser.add_argument("--set", dest="parameters", action="append", default=[], metavar="APP:PATH=VALUE",
                        help="a parameter template value for an application")
    parser.add_argument("--deployment-name", required=True, metavar="NAME",
                        help="the deployment's name (part of each generated Secret's name; the namespace of "
                             "applications without a default namespace)")
    parser.add_argument("--org", metavar="ORG", help="organization name (for %%OrgName%%)")
    parser.add_argument("--project", metavar="PROJECT", help="project name (for %%ProjectName%%)")
    parser.add_argument("--redeploy-after-update", action="store_true",
                        help="ADM runs with REDEPLOY_AFTER_UPDATE (the package's version joins each Secret's name)")
    _add_fleet_globals_options(parser)


def _add_output_options(parser: argparse.ArgumentParser, *, explain: bool, summary: bool = False) -> None:
    """-o, --explain (where the command explains values), --show-secrets (where it summarises) and --strict."""
    if summary:
        parser.add_argument("-o", "--output", choices=("yaml", "json", "summary"), default=None,
                            help="output format: the full document as yaml or json, or a readable summary "
                                 "(default: summary on a terminal, yaml otherwise)")
        parser.add_argument("--show-secrets", action="store_true",
                            help="show the registry password and secret parameter values in the summary "
                                 "(masked by default)")
    else:
        parser.add_argument("-o", "--output", choices=("yaml", "json"), default="yaml",
                            help="output format (default yaml)")
    if explain:
        parser.add_argument("--explain", action="append", default=[], metavar="PATH",
                            help="instead of the output, show the value at PATH and where it came from "
                                 "(repeatable; -o json gives a JSON document)")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error")


def _add_format_option(parser: argparse.ArgumentParser) -> None:
    """--format for commands that report findings."""
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text lines (default), a JSON list, or a SARIF 2.1.0 log for CI annotations")


#: The options of render and package render that choose what they write: report writes HTML instead.
_REPORT_LEAVES_OUT = frozenset({"help", "output", "explain", "output_dir", "show_secrets"})


def _add_report_parser(commands: "argparse._SubParsersAction[_Parser]", *, render: argparse.ArgumentParser,
                       package_render: argparse.ArgumentParser) -> None:
    """``report render`` and ``report package``: the inputs of ``render`` / ``package render``, an HTML page out.

    The input options are the very argument definitions of those two commands
    (shared, not copied), less the ones that choose their output.
    """
    report_parser = commands.add_parser(
        "report", help="write a self-contained HTML page: values with their provenance, placeholders, findings",
        description=("Write one self-contained HTML page (no network; secrets always masked) showing every final "
                     "value with the layer and file:line it came from, the placeholders and what they resolved to, "
                     "the generated Secret and ConfigMap, and every finding linked to its value. `report render` "
                     "takes the inputs of `render`; `report package` those of `package render` and adds lint's "
                     "findings."))
    report_parser.set_defaults(handler=_cmd_package_missing, command_parser=report_parser)
    modes = report_parser.add_subparsers(dest="report_command", metavar="COMMAND", parser_class=_Parser)
    for name, source, text in (("render", render, "report on one application, as `render` renders it"),
                               ("package", package_render,
                                "report on a deployment package, as `package render` renders it")):
        mode = modes.add_parser(name, help=text, description=f"{text[0].upper()}{text[1:]}: one HTML page.")
        for action in source._actions:  # noqa: SLF001 - argparse has no public way to share arguments
            if action.dest not in _REPORT_LEAVES_OUT:
                mode._add_action(action)  # noqa: SLF001
        mode.add_argument("-o", "--output", metavar="FILE", default="-",
                          help="the HTML file to write (default -: standard output)")
        mode.add_argument("--title", metavar="TEXT", help="the page's title (default: what the page shows)")
        mode.set_defaults(handler=_cmd_report, command_parser=mode, report_mode=name)


def _command_of(argv: Sequence[str]) -> Optional[str]:
    """The command ``argv`` names, when it names one: the first argument not starting with ``-``.

    The top-level parser's only options (``--help``, ``--version``) take no
    value, so that argument is the command argparse will pick.
    """
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in _COMMANDS else None
    return None


_COMMANDS = ("merge", "render", "package", "report", "export", "lint", "check-manifests", "diff")


def _build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The CLI's parser; with ``only``, the top level and that command alone (argparse's work for the rest is skipped).

    Building every command's options costs a few milliseconds at every start;
    a run that names its command needs that command's parser only (``report``
    copies the options of ``render`` and ``package render``, so it builds them
    too). Help for the whole CLI, and a command argparse must reject, get the
    full parser.
    """

    def wanted(*names: str) -> bool:
        return only is None or only in names

    parser = _Parser(
        prog="profile-render",
        description="Turn Helm chart values plus an Edge Orchestrator profile into the exact values Helm renders.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    if wanted("merge"):
        merge = commands.add_parser(
            "merge",
            help="print the values Helm's templates see (.Values) for a chart and values layers",
            description=(
                "Print the values Helm's templates see for CHART (a chart directory, a .tgz archive, or a "
                "values file standing for chart defaults) with values files and --set options applied as "
                "`helm template` applies them. Placeholders pass through as text."
            ),
        )
        merge.add_argument("chart", metavar="CHART", help=_CHART_HELP)
        merge.add_argument("-f", "--values", dest="files", action="append", default=[], metavar="FILE",
                           help="a values file; repeat for more, later files win (use - for stdin)")
        _add_set_options(merge)
        merge.add_argument("--skip-schema-validation", action="store_true",
                           help="do not validate the values against the charts' values.schema.json (as helm's flag)")
        _add_output_options(merge, explain=True)
        merge.set_defaults(handler=_cmd_merge, command_parser=merge)

    render: Optional[argparse.ArgumentParser] = None
    prender: Optional[argparse.ArgumentParser] = None
    if wanted("render", "report"):
        render = commands.add_parser(
            "render",
            help="resolve a Profile's placeholders, merge, and generate the pull Secret and CA ConfigMap",
            description=(
                "Render an application as the Edge Orchestrator deploys it: resolve placeholders in the Profile "
                "and override values, merge with the chart like Helm, and generate the image-pull Secret and "
                "registry-CA ConfigMap the values refer to. Registry passwords are never taken on the command line."
            ),
        )
        render.add_argument("chart", metavar="CHART", help=_CHART_HELP)
        render.add_argument("--profile", required=True, metavar="FILE",
                            help="the Profile's chart values file (use - for stdin)")
        render.add_argument("-f", "--values", dest="files", action="append", default=[], metavar="OVERRIDE",
                            help="a deployment override values file; repeat for more, later files win (use - for stdin)")
        _add_set_options(render)
        render.add_argument("--app-name", required=True, metavar="NAME",
                            help="the application's name in the catalog (part of the generated Secret's name)")
        render.add_argument("--app-version", required=True, metavar="VERSION",
                            help="the application's version (a label on the generated objects; part of the Secret's "
                                 "name with --redeploy-after-update)")
        render.add_argument("--deployment-name", required=True, metavar="NAME",
                            help="the deployment's name (part of the generated Secret's name)")
        render.add_argument("--namespace", required=True, metavar="NS", help="the application's namespace")
        render.add_argument("--org", metavar="ORG", help="organization name (for %%OrgName%%)")
        render.add_argument("--project", metavar="PROJECT", help="project name (for %%ProjectName%%)")
        render.add_argument("--redeploy-after-update", action="store_true",
                            help="the app is redeployed after an update (its version joins the Secret's name)")
        render.add_argument("--registry-url", metavar="URL", help="image registry root URL (oci://, https://, http://)")
        render.add_argument("--registry-username", metavar="USER",
                            help="the registry user (needs a password: --registry-password-file or "
                                 "PROFILE_RENDER_REGISTRY_PASSWORD)")
        render.add_argument("--registry-password-file", metavar="FILE",
                            help="file holding the registry password or token (one trailing newline is dropped); "
                                 "or set PROFILE_RENDER_REGISTRY_PASSWORD")
        render.add_argument("--registry-ca-file", metavar="FILE", help="PEM file of the registry's CA certificates")
        render.add_argument("--prehook-literal", action="store_true",
                            help="leave %%PreHookCredential%% as text, as the reference orchestrator does")
        render.add_argument("--output-dir", metavar="DIR",
                            help="write values.yaml, manifests.yaml and pre-install.yaml into DIR (all or nothing)")
        _add_fleet_globals_options(render)
        _add_output_options(render, explain=True, summary=True)
        render.set_defaults(handler=_cmd_render, command_parser=render)

    if wanted("package", "report"):
        package = commands.add_parser("package", help="work with a whole deployment package")
        # Without its own command, `package` is a usage error reported as the top-level parser always did.
        package.set_defaults(handler=_cmd_package_missing, command_parser=parser)
        package_commands = package.add_subparsers(dest="package_command", metavar="COMMAND", parser_class=_Parser)
        prender = package_commands.add_parser(
            "render",
            help="render every application of a deployment package",
            description=(
                "Render each application of a deployment package with the profile its deployment profile picks, "
                "its namespace from defaultNamespaces, its version from the Application file and its registry "
                "credentials from the Registry objects. Charts are local paths given with --chart."
            ),
        )
        _add_package_inputs(prender)
        prender.add_argument("--output-dir", metavar="DIR", help="write one folder per application (all or nothing)")
        _add_output_options(prender, explain=False, summary=True)
        prender.set_defaults(handler=_cmd_package_render, command_parser=prender)
    if wanted("report"):
        assert render is not None and prender is not None  # built above for report
        _add_report_parser(commands, render=render, package_render=prender)

    if wanted("export"):
        _add_export_parser(commands)

    if wanted("lint"):
        lint = commands.add_parser(
            "lint",
            help="check a deployment package: catalog schemas, references, placeholders, parameters, chart keys",
            description="Report every problem found in a deployment package's files (see docs/lint-rules.md).",
        )
        lint.add_argument("paths", nargs="+", metavar="DIR|FILE",
                          help="the package folder, or catalog YAML files (repeatable)")
        lint.add_argument("--chart", dest="charts", action="append", default=[], metavar="APP=PATH",
                          help="an application's chart, to check placeholders and keys against it")
        lint.add_argument("--registry", dest="registries", action="append", default=[], metavar="FILE",
                          help="a catalog file of Registry objects not in the package (e.g. platform registries)")
        _add_format_option(lint)
        lint.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
        lint.set_defaults(handler=_cmd_lint, command_parser=lint)

    if wanted("check-manifests"):
        check = commands.add_parser(
            "check-manifests",
            help="check rendered manifests (helm template output) for pull-secret wiring mistakes",
            description=("Check multi-document YAML such as `helm template` output for the ways an image pull secret "
                         "is wired wrongly (see docs/manifest-checks.md). Exit 1 when there is an error."),
        )
        check.add_argument("file", metavar="FILE|-", help="the manifests (use - for stdin)")
        check.add_argument("--private-registry", dest="private_registries", action="append", default=[], metavar="HOST",
                           help="a registry host[:port] that needs a pull secret (repeatable)")
        check.add_argument("--pull-secret", dest="pull_secrets", action="append", default=[], metavar="NAME",
                           help="a pull secret that exists in the cluster (repeatable)")
        check.add_argument("--external-config-map", dest="external_config_maps", action="append", default=[],
                           metavar="NAME", help="a ConfigMap that exists in the cluster (repeatable)")
        check.add_argument("--render-json", metavar="FILE",
                           help="the JSON of `render -o json` or `package render -o json`: registry and secret names come from it")
        check.add_argument("--namespace", metavar="NS", help="the release namespace (default: the generated Secret's)")
        _add_format_option(check)
        check.set_defaults(handler=_cmd_check_manifests, command_parser=check)
    if wanted("diff"):
        _add_diff_parser(commands)
    return parser


def _add_diff_parser(commands: "argparse._SubParsersAction[_Parser]") -> None:
    """The ``diff`` command: two renders of one application, what changed path by path (profile_render/cli_diff.py)."""
    from profile_render.cli_diff import add_diff_arguments

    diff = commands.add_parser(
        "diff",
        help="render twice (before/after a Profile edit, chart upgrade or credential rotation) and show what changed",
        description=(
            "Render an application twice and print every value path added, removed or changed, with where each "
            "side's value came from, plus changes in the generated Secret and ConfigMap (Secret data masked). "
            "Options are shared by both sides; --before-X/--after-X give one side its own (see docs/diff.md). "
            "Exit codes as diff(1): 0 no difference, 1 differences, 2 usage error or bad input."
        ),
    )
    add_diff_arguments(diff, _SET_OPTIONS, _set_dest)
    _add_set_options(diff)
    _add_fleet_globals_options(diff)
    diff.set_defaults(handler=_cmd_diff, command_parser=diff)

def _add_export_parser(commands: "argparse._SubParsersAction[_Parser]") -> None:
    """``export fleet DIR PACKAGE`` and ``export argocd DIR PACKAGE``: a package render written for Fleet or Argo CD."""
    export = commands.add_parser("export", help="write a deployment as Fleet bundles or Argo CD Applications")
    export.set_defaults(handler=_cmd_export, command_parser=export, export_target=None)
    targets = export.add_subparsers(dest="export_target", metavar="TARGET", parser_class=_Parser)
    descriptions = {
        "fleet": ("the Fleet bundles the orchestrator writes for the deployment",
                  "Write one Fleet bundle folder per application as the Edge Orchestrator lays it out (fleet.yaml, "
                  "profile.yaml, overrides.yaml, fleet-globals.yaml, the pre-install Secret bundle), into a new or "
                  "empty DIR, all or nothing; Secrets are mode 0600. See docs/export.md."),
        "argocd": ("an Argo CD Application per application, with the generated objects",
                   "Write an Argo CD Application per application (the chart and its merged values) and the generated "
                   "Secret and ConfigMap as their own manifests, with sync waves, into a new or empty DIR, all or "
                   "nothing; Secrets are mode 0600. See docs/export.md."),
    }
    for target, (summary, description) in descriptions.items():
        sub = targets.add_parser(target, help=summary, description=description)
        sub.add_argument("output", metavar="DIR", help="the directory to write (new or empty, unless --force)")
        _add_package_inputs(sub, package_metavar="PACKAGE")
        sub.add_argument("--force", action="store_true",
                         help="replace DIR's content when it is not empty (only once the new content is complete)")
        if target == "argocd":
            sub.add_argument("--server", default="https://kubernetes.default.svc", metavar="URL",
                             help="spec.destination.server of each Application (default: the cluster Argo CD runs in)")
            sub.add_argument("--argocd-project", default="default", metavar="NAME",
                             help="spec.project of each Application (default: default)")
            sub.add_argument("--argocd-namespace", default="argocd", metavar="NS",
                             help="the namespace the Applications are created in (default: argocd)")
        sub.add_argument("--strict", action="store_true", help="treat every warning as an error")
        sub.set_defaults(handler=_cmd_export, command_parser=sub)


def _cmd_export(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    if args.export_target is None:
        parser.error("export needs a target: fleet or argocd")
    from profile_render.export import export_argocd, export_fleet, package_applications

    result = _render_package_from_args(args, parser, _fleet_globals_from_args(args, parser))
    _print_warnings(result.findings, err)
    for name, app_result in result.applications.items():
        _print_warnings(app_result.warnings, err, prefix=f"{name}: ")
    apps = package_applications(result, deployment_name=args.deployment_name,
                                redeploy_after_update=args.redeploy_after_update)
    if args.export_target == "fleet":
        written = export_fleet(apps, args.output, force=args.force)
    else:
        written = export_argocd(apps, args.output, force=args.force, server=args.server,
                                project=args.argocd_project, argocd_namespace=args.argocd_namespace)
    err.write(f"wrote {len(written)} file(s) for {len(apps)} application(s) into {_printable(args.output, 200)}\n")
    return EXIT_OK


def _print_warnings(warnings: "Sequence[Diagnostic]", stream: TextIO, *, prefix: str = "") -> None:
    stream.write(format_text(warnings, prefix=prefix))


def _cmd_merge(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    from profile_render.values import merge_values

    cli_inputs.one_stdin(args.files, parser)
    layers = [cli_inputs.layer_argument(name, "values file", args.strict) for name in args.files]
    result = merge_values(
        Path(args.chart),
        layers,
        **_set_arguments(args),
        strict=args.strict,
        validate_schema=not args.skip_schema_validation,
    )
    if args.explain:
        return _explain_command(result, args.explain, args.output, out, err)
    text = result.to_json() + "\n" if args.output == "json" else result.to_yaml()
    _print_warnings(result.warnings, err)
    out.write(text)
    return EXIT_OK


def _explain_command(result: "Union[MergeResult, RenderResult]", paths: Sequence[str], fmt: Optional[str],
                     out: TextIO, err: TextIO) -> int:
    """Print the explanation of each path as text or JSON (all or nothing: a bad path prints none), and the warnings."""
    from profile_render.cli_output import explanations, explanations_json, explanations_text

    records = explanations(result, paths)
    text = explanations_json(records) if fmt == "json" else explanations_text(records)
    _print_warnings(result.warnings, err)
    out.write(text)
    return EXIT_OK


def _output_format(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO) -> str:
    """The output a render command writes: -o as given, else the summary on a terminal and YAML otherwise.

    The summary goes to stdout only; with --explain or --output-dir it is a usage error.
    """
    if args.output is None:
        if getattr(args, "explain", None):
            return "text"
        if args.output_dir:
            return "yaml"
        return "summary" if _is_terminal(out) else "yaml"
    if args.output == "summary":
        if getattr(args, "explain", None):
            parser.error("--explain prints text or, with -o json, JSON: -o summary does not apply")
        if args.output_dir:
            parser.error("--output-dir writes yaml or json files: -o summary does not apply (use -o yaml or -o json)")
    return str(args.output)


def _is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def _summary_style(args: argparse.Namespace, out: TextIO) -> "SummaryStyle":
    """Colour on a terminal unless NO_COLOR is set (to anything non-empty); secrets as --show-secrets says."""
    from profile_render.cli_summary import SummaryStyle

    colour = _is_terminal(out) and not os.environ.get("NO_COLOR")
    return SummaryStyle(colour=colour, show_secrets=args.show_secrets)


def _write_result_files(directory: str, files: "Dict[str, str]", err: TextIO, what: str) -> None:
    """Write the --output-dir files (all or nothing) and say on stderr what was written."""
    from profile_render.cli_output import write_output_dir

    write_output_dir(directory, files)
    print(f"profile-render: wrote {what} to {directory}", file=err)


def _render_from_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> "RenderResult":
    """The render the arguments of ``render`` (or ``report render``) describe."""
    from profile_render.orchestrator.model import DeploymentContext
    from profile_render.rendering import render

    registry = cli_inputs.registry_from_args(args, parser)
    fleet_globals = _fleet_globals_from_args(args, parser)
    context = DeploymentContext(
        app_name=args.app_name, app_version=args.app_version, deployment_name=args.deployment_name,
        namespace=args.namespace, org=args.org, project=args.project,
        redeploy_after_update=args.redeploy_after_update,
    )
    cli_inputs.one_stdin([args.profile, *args.files], parser)
    profile = cli_inputs.layer_argument(args.profile, "profile", args.strict)
    overrides = [cli_inputs.layer_argument(name, "overrides", args.strict) for name in args.files]
    return render(
        Path(args.chart), profile, overrides, context=context, registry=registry,
        **_set_arguments(args),
        prehook_literal=args.prehook_literal, strict=args.strict, **fleet_globals,  # type: ignore[arg-type]
    )


def _cmd_render(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    fmt = _output_format(args, parser, out)
    result = _render_from_args(args, parser)
    if args.explain:
        return _explain_command(result, args.explain, args.output, out, err)
    if args.output_dir:
        from profile_render.cli_output import result_files

        files = result_files(result, fmt=fmt)
        _print_warnings(result.warnings, err)
        _write_result_files(args.output_dir, files, err, ", ".join(files))
        return EXIT_OK
    if fmt == "summary":
        from profile_render.cli_summary import render_summary

        out.write(render_summary(result, app_name=args.app_name, namespace=args.namespace,
                                 style=_summary_style(args, out)))
        return EXIT_OK
    text = result.to_json() + "\n" if fmt == "json" else result.to_yaml()
    _print_warnings(result.warnings, err)
    out.write(text)
    return EXIT_OK


def _render_package_from_args(args: argparse.Namespace, parser: argparse.ArgumentParser,
                              fleet_globals: "dict[str, object]") -> "PackageRender":
    """Run ``render_package`` on the inputs :func:`_add_package_inputs` defined (errors as ``package render`` reports them)."""
    from profile_render.orchestrator.package import UnknownApplicationError, render_package
    from profile_render.orchestrator.params import parse_parameter_assignment

    parameters: "dict[str, dict[str, str]]" = {}
    for item in args.parameters:
        app, path, value = parse_parameter_assignment(item)
        parameters.setdefault(app, {})[path] = value
    charts = cli_inputs.chart_map(args.charts, parser)
    try:
        return render_package(
            Path(args.directory), charts=charts, deployment_name=args.deployment_name,
            registry_files=[Path(p) for p in args.registries], deployment_profile=args.deployment_profile,
            applications=args.apps or None, parameters=parameters, org=args.org, project=args.project,
            strict=args.strict, redeploy_after_update=args.redeploy_after_update,
            gateway_ca=(cli_inputs.read_small_text_file(args.registry_ca_file, "registry CA file")
                        if args.registry_ca_file else None),
            **fleet_globals,  # type: ignore[arg-type]
        )
    except UnknownApplicationError as exc:  # a name given on the command line: a usage error
        option = {"charts": "--chart", "applications": "--app", "parameters": "--set"}[exc.argument]
        parser.error(f"{option}: {exc.problem}; {exc.hint}")
    except ProfileRenderError as exc:
        raise _package_errors(exc, args, charts) from None


def _cmd_package_render(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    fleet_globals = _fleet_globals_from_args(args, parser)
    fmt = _output_format(args, parser, out)
    result = _render_package_from_args(args, parser, fleet_globals)
    if fmt == "summary":  # the warnings are part of the summary
        from profile_render.cli_summary import package_summary

        out.write(package_summary(result, style=_summary_style(args, out)))
        return EXIT_OK
    _print_warnings(result.findings, err)
    for name, app_result in result.applications.items():
        _print_warnings(app_result.warnings, err, prefix=f"{name}: ")
    if args.output_dir:
        from profile_render.cli_output import result_files

        files = {}
        for name, app_result in result.applications.items():
            files.update(result_files(app_result, f"{name}/", fmt))
        _write_result_files(args.output_dir, files, err, f"{len(result.applications)} application folder(s)")
        return EXIT_OK
    from profile_render.emit import to_json, to_yaml

    data = result.to_dict()
    out.write(to_json(data) + "\n" if fmt == "json" else to_yaml(data))
    return EXIT_OK


def _package_errors(exc: ProfileRenderError, args: argparse.Namespace,
                    charts: "dict[str, Path]") -> ProfileRenderError:
    """The error ``package render`` reports when it stops: every error lint finds, and the one that stopped it.

    So ``package render`` and ``lint`` agree on the findings and their count;
    when lint finds nothing (a schema error, a strict-mode warning, an unreadable
    chart lint does not load), the render's own error is reported as it is.
    """
    from profile_render.orchestrator.lint import already_reported, lint
    from profile_render.orchestrator.package import PackageError
    from profile_render.problems import ERROR

    try:
        found = [f for f in lint(Path(args.directory), charts=charts, registry_files=[Path(p) for p in args.registries])
                 if f.severity == ERROR]
    except ProfileRenderError:
        return exc
    if not found:
        return exc
    if not (isinstance(exc, PackageError) and exc.findings) and not already_reported(found, exc.diagnostic):
        found.append(exc.diagnostic)
    if len(found) == 1 and not isinstance(exc, PackageError):
        return exc
    return PackageError(f"the deployment package has {len(found)} error(s)", findings=found,
                        hint="fix them (`profile-render lint` reports the same findings, and warnings too)")


def _cmd_package_missing(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO,
                         err: TextIO) -> NoReturn:
    parser.error(f"{args.command} needs a command: {'render or package' if args.command == 'report' else 'render'}")


def _cmd_report(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    from profile_render.html_report import report_html

    if args.report_mode == "render":
        result = _render_from_args(args, parser)
        page = report_html(result, title=args.title or f"{args.app_name} {args.app_version}", application=args.app_name)
        warnings = len(result.warnings)
    else:
        from profile_render.orchestrator.lint import lint

        rendered = _render_package_from_args(args, parser, _fleet_globals_from_args(args, parser))
        found = lint(Path(args.directory), charts=cli_inputs.chart_map(args.charts, parser),
                     registry_files=[Path(p) for p in args.registries])
        page = report_html(rendered, findings=found,
                           title=args.title or f"{rendered.package.name} {rendered.package.version}")
        warnings = len(set(found) | set(rendered.findings)) + sum(len(r.warnings) for r in rendered.applications.values())
    if args.output == "-":
        out.write(page)
    else:
        _write_page(page, args.output)
        print(f"profile-render: wrote the report to {args.output} ({warnings} finding(s) in it)", file=err)
    return EXIT_OK


def _write_page(page: str, path: str) -> None:
    """Write an HTML report to ``path``; a failure is a located error."""
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(page)
    except OSError as exc:
        raise ProfileRenderError(f"cannot write the report: {exc.strerror}", source=path,
                                 hint="check the path, free space and permissions") from None


def _reported(fmt: str, rules: "Sequence[Rule]", out: TextIO, run: "Callable[[], _Checked]") -> "_Checked":
    """Run a check; when an input error stops it and SARIF is asked for, still write a log that holds the error.

    CI systems then annotate the unreadable input instead of finding no log;
    the error goes to stderr and the exit code is 1 as for every format.
    """
    try:
        return run()
    except ProfileRenderError as exc:
        if fmt == "sarif":
            out.write(report([exc.diagnostic], fmt, rules=rules, failed=True))
        raise


def _cmd_lint(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    from profile_render.problems import ERROR
    from profile_render.orchestrator.lint import RULES, files_summary, lint_report

    charts = cli_inputs.chart_map(args.charts, parser)
    result = _reported(args.format, RULES, out,
                       lambda: lint_report([Path(p) for p in args.paths], charts=charts,
                                           registry_files=[Path(p) for p in args.registries]))
    findings = result.findings
    if args.format == "json":
        import json

        from profile_render.report import to_dict

        out.write(json.dumps({"findings": [to_dict(f) for f in findings],
                              "files": [f.to_dict() for f in result.files]}, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "sarif":
        from profile_render.report import format_sarif

        out.write(format_sarif(findings, rules=RULES, artifacts=[
            (f.path, ("analysisTarget",) if f.role != "ignored" else (), {"role": f.role}) for f in result.files]))
    else:
        out.write(report(findings, args.format, rules=RULES))
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    if args.format == "text":
        print(f"{errors} error(s), {warnings} warning(s)", file=err)
        for line in files_summary(result.files):
            print(line, file=err)
    if errors or (args.strict and warnings):
        return EXIT_INPUT
    return EXIT_OK


def _cmd_check_manifests(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    from profile_render.checks.manifests import RULE_INFO, check_manifests, private_registry_host

    def run() -> "List[Diagnostic]":
        private = [private_registry_host(host, source="--private-registry") for host in args.private_registries]
        data, source = cli_inputs.read_manifest_input(args.file)
        return list(check_manifests(data, private_registries=private, pull_secrets=args.pull_secrets,
                                    external_config_maps=args.external_config_maps,
                                    render=cli_inputs.read_render_json(args.render_json), namespace=args.namespace,
                                    source=source, render_source=args.render_json or "<render>"))

    findings = _reported(args.format, RULE_INFO, out, run)
    out.write(report(findings, args.format, rules=RULE_INFO))
    errors = sum(1 for f in findings if f.severity == "error")
    if args.format == "text":
        print(f"{errors} error(s), {len(findings) - errors} other finding(s)", file=err)
    return EXIT_INPUT if errors else EXIT_OK


def _cmd_diff(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    """Render both sides and print their differences; exit 0 equal, 1 different, 2 trouble (as diff(1))."""
    from profile_render.cli_diff import (EXIT_DIFFERENT, EXIT_SAME, EXIT_TROUBLE, SIDES, check_stdin, render_side,
                                         side_arguments, write_diff)
    from profile_render.diff import diff_renders

    sides = [side_arguments(args, side, _SET_OPTIONS, _set_dest, parser) for side in SIDES]
    check_stdin(args, sides, parser)
    options = _fleet_globals_from_args(args, parser)
    results = []
    for name, side in zip(SIDES, sides):
        try:
            results.append(render_side(args, side, {**options, **_set_arguments(side)}, parser))
        except ProfileRenderError as exc:
            print(f"profile-render: error: the {name} render: {exc}", file=err)
            return EXIT_TROUBLE
    for name, result in zip(SIDES, results):
        _print_warnings(result.warnings, err, prefix=f"{name}: ")
    try:
        changes = diff_renders(results[0], results[1], masked=not args.show_secrets)
        write_diff(changes, args.output, out, colour=args.output == "text" and _is_terminal(out)
                   and not os.environ.get("NO_COLOR"))
        if args.html:
            from profile_render.html_report import report_html

            page = report_html(results[1], changes=diff_renders(results[0], results[1], masked=True),
                               title=f"{args.app_name}: before -> after", application=args.app_name)
            _write_page(page, args.html)
    except ProfileRenderError as exc:
        print(f"profile-render: error: {exc}", file=err)
        return EXIT_TROUBLE
    return EXIT_DIFFERENT if changes else EXIT_SAME


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI; returns the exit code (also the console-script entry point)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = _build_parser(_command_of(arguments))
    args, extras = parser.parse_known_args(arguments)
    if getattr(args, "handler", None) is None:
        if extras:
            parser.error(_unrecognized(extras, parser))
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if extras:
        args.command_parser.error(_unrecognized(extras, args.command_parser))
    undecodable = _undecodable_arguments(args, [parser, args.command_parser])
    if undecodable is not None:
        args.command_parser.error(undecodable)
    out, err = sys.stdout, sys.stderr
    handler: Handler = args.handler
    try:
        # A command builds its trees in bulk and makes no garbage worth a cyclic collection before it ends.
        with collector_paused():
            return handler(args, args.command_parser, out, err)
    except ProfileRenderError as exc:
        print(f"profile-render: error: {exc}", file=err)
        return EXIT_INPUT
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's final flush
        except OSError:
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        print("profile-render: interrupted", file=err)
        return 130
    except RecursionError:
        print("profile-render: error: the input is nested too deeply to process", file=err)
        return EXIT_INPUT
    except MemoryError:
        print("profile-render: error: out of memory while processing the input", file=err)
        return EXIT_INPUT
    except Exception as exc:  # noqa: BLE001 - the CLI promises no tracebacks
        if os.environ.get("PROFILE_RENDER_DEBUG"):
            raise
        print(
            f"profile-render: internal error: {type(exc).__name__}. This is a bug; please report it with the "
            "inputs that caused it (set PROFILE_RENDER_DEBUG=1 for a traceback).",
            file=err,
        )
        return EXIT_INPUT

