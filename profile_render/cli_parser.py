"""The command line's parser: every command's options, help and usage errors (handlers live in :mod:`profile_render.cli`).

Usage errors exit 2 with the usage on stderr, and never echo what the parser
did not understand (it may be a secret typed in the wrong place): unknown
options and commands are named only when they are a typo of ours. A run that
names its command builds only that command's parser (:func:`command_of`).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any, Callable, Dict, List, Mapping, NoReturn, Optional, Sequence, TextIO

from profile_render import __version__, cli_inputs
from profile_render.cli_inputs import PASSWORD_ENV
from profile_render.report import FORMATS

EXIT_USAGE = 2

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
            self.error(unrecognized(extras, self))
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
        return f"unknown command {printable(given)} (did you mean {meant[0]}?)"
    return f"unknown command (not shown: it may be a secret); the commands are {match.group(2)}"


def printable(text: str, limit: int = 40) -> str:
    """Text safe to echo on any stream: undecodable bytes escaped, cut at ``limit`` characters."""
    shown = text if len(text) <= limit else text[:limit] + "..."
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")


def _option_strings(parser: argparse.ArgumentParser) -> List[str]:
    return [option for action in parser._actions for option in action.option_strings]  # noqa: SLF001


def unrecognized(extras: Sequence[str], parser: argparse.ArgumentParser) -> str:
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
                shown = f"{printable(name)} (did you mean {' or '.join(meant)}?)"
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


def undecodable_arguments(args: argparse.Namespace, parsers: Sequence[argparse.ArgumentParser]) -> Optional[str]:
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
SET_OPTIONS = (
    ("--set", "PATH=VALUE", "set a value like helm --set (typed: numbers, true/false, null)"),
    ("--set-string", "PATH=VALUE", "set a string value like helm --set-string"),
    ("--set-json", "PATH=JSON", "set a JSON value like helm --set-json (or merge a whole JSON object: '{...}')"),
    ("--set-file", "PATH=FILE", "set a value to a file's whole text like helm --set-file"),
    ("--set-literal", "PATH=VALUE", "set one string value, taken literally, like helm --set-literal"),
)


def set_dest(option: str) -> str:
    """The keyword merge_values() and render() take a value flag's arguments by: --set-json -> set_json_values."""
    return option[2:].replace("-", "_") + "_values"


def _add_set_options(parser: argparse.ArgumentParser) -> None:
    """Helm's value flags, as merge and render take them."""
    for option, metavar, text in SET_OPTIONS:
        parser.add_argument(option, dest=set_dest(option), action="append", default=[], metavar=metavar, help=text)


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


def _add_report_parser(commands: "argparse._SubParsersAction[_Parser]", handlers: Mapping[str, Handler], *,
                       render: argparse.ArgumentParser, package_render: argparse.ArgumentParser) -> None:
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
    report_parser.set_defaults(handler=handlers["package-missing"], command_parser=report_parser)
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
        mode.set_defaults(handler=handlers["report"], command_parser=mode, report_mode=name)


def command_of(argv: Sequence[str]) -> Optional[str]:
    """The command ``argv`` names, when it names one: the first argument not starting with ``-``.

    The top-level parser's only options (``--help``, ``--version``) take no
    value, so that argument is the command argparse will pick.
    """
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


COMMANDS = ("merge", "render", "package", "report", "export", "lint", "check-manifests", "diff")


def build_parser(handlers: Mapping[str, Handler], only: Optional[str] = None) -> argparse.ArgumentParser:
    """The CLI's parser, each command naming its handler from ``handlers``; with ``only``, the top level and that command alone (argparse's work for the rest is skipped).

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
        merge.set_defaults(handler=handlers["merge"], command_parser=merge)

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
        render.set_defaults(handler=handlers["render"], command_parser=render)

    if wanted("package", "report"):
        package = commands.add_parser("package", help="work with a whole deployment package")
        # Without its own command, `package` is a usage error reported as the top-level parser always did.
        package.set_defaults(handler=handlers["package-missing"], command_parser=parser)
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
        prender.set_defaults(handler=handlers["package-render"], command_parser=prender)
    if wanted("report"):
        assert render is not None and prender is not None  # built above for report
        _add_report_parser(commands, handlers, render=render, package_render=prender)

    if wanted("export"):
        _add_export_parser(commands, handlers)

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
        lint.set_defaults(handler=handlers["lint"], command_parser=lint)

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
        check.set_defaults(handler=handlers["check-manifests"], command_parser=check)
    if wanted("diff"):
        _add_diff_parser(commands, handlers)
    return parser


def _add_diff_parser(commands: "argparse._SubParsersAction[_Parser]", handlers: Mapping[str, Handler]) -> None:
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
    add_diff_arguments(diff, SET_OPTIONS, set_dest)
    _add_set_options(diff)
    _add_fleet_globals_options(diff)
    diff.set_defaults(handler=handlers["diff"], command_parser=diff)

def _add_export_parser(commands: "argparse._SubParsersAction[_Parser]", handlers: Mapping[str, Handler]) -> None:
    """``export fleet DIR PACKAGE`` and ``export argocd DIR PACKAGE``: a package render written for Fleet or Argo CD."""
    export = commands.add_parser("export", help="write a deployment as Fleet bundles or Argo CD Applications")
    export.set_defaults(handler=handlers["export"], command_parser=export, export_target=None)
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
        sub.set_defaults(handler=handlers["export"], command_parser=sub)
