"""Command-line interface: a thin layer over the library.

Exit codes, for every command: 0 success, 1 bad input (message on stderr, no
traceback), 2 usage error. Only the requested output goes to stdout; warnings
and errors go to stderr. Each subcommand's parser names its handler
(``set_defaults(handler=...)``); warnings and findings are written by
:mod:`profile_render.report`.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NoReturn, Optional, Sequence, TextIO, TypeVar, Union

from profile_render import __version__
from profile_render.errors import ProfileRenderError
from profile_render.report import FORMATS, format_text, report

if TYPE_CHECKING:  # type names only: the merge path must not import the render modules
    from profile_render.problems import Diagnostic, Rule
    from profile_render.rendering import RenderResult
    from profile_render.values import MergeResult

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
_Checked = TypeVar("_Checked")  # what a check run by _reported returns

#: What each subcommand's parser sets as ``handler``: (args, the subcommand's parser, stdout, stderr) -> exit code.
Handler = Callable[[argparse.Namespace, argparse.ArgumentParser, TextIO, TextIO], int]


#: Options whose argument may be a secret (a password given where its file belongs): never echoed.
SECRET_OPTIONS = frozenset({"--registry-password-file"})
_SECRET_WORDS = ("passw", "token", "secret", "credential")


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
            if isinstance(text, str) and not text.isascii() and not _is_utf8(text):
                name = options.get(dest, dest)
                hint = ("give the file a UTF-8 name (or link to it from one)"
                        if name.isupper() or name in _PATH_OPTIONS else "pass the text as UTF-8")
                return (f"argument {name}: the value is not valid UTF-8 (it holds bytes that cannot be decoded); "
                        f"{hint}")
    return None


_PATH_OPTIONS = frozenset({"--values", "--profile", "--registry-password-file", "--registry-ca-file", "--output-dir",
                           "--registry", "--render-json"})


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
                        help="add fleet-globals.yaml with global.fleet.deploymentGeneration=N (the Deployment's "
                             "metadata.generation; 1 for a new deployment)")
    parser.add_argument("--cluster-label", dest="cluster_labels", action="append", default=[], metavar="KEY=VALUE",
                        help="a label of the target cluster (repeatable): adds fleet-globals.yaml with the "
                             "global.fleet.clusterLabels Fleet fills from them (ADM's FLEET_ADD_GLOBAL_VARS=true)")


def _fleet_globals_from_args(args: argparse.Namespace,
                             parser: argparse.ArgumentParser) -> "dict[str, object]":
    """The ``deployment_generation``/``cluster_labels`` keyword arguments the options ask for (usage errors exit 2)."""
    from profile_render.orchestrator.fleet_globals import check_deployment_generation

    out: "dict[str, object]" = {}
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


def _add_output_options(parser: argparse.ArgumentParser, *, explain: bool) -> None:
    """-o, --explain (where the command explains values) and --strict."""
    parser.add_argument("-o", "--output", choices=("yaml", "json"), default="yaml", help="output format (default yaml)")
    if explain:
        parser.add_argument("--explain", action="append", default=[], metavar="PATH",
                            help="instead of the output, show the value at PATH and where it came from (repeatable)")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error")


def _add_format_option(parser: argparse.ArgumentParser) -> None:
    """--format for commands that report findings."""
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text lines (default), a JSON list, or a SARIF 2.1.0 log for CI annotations")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="profile-render",
        description="Turn Helm chart values plus an Edge Orchestrator profile into the exact values Helm renders.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

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
    render.add_argument("--profile", required=True, metavar="FILE", help="the Profile's chart values file")
    render.add_argument("-f", "--values", dest="files", action="append", default=[], metavar="OVERRIDE",
                        help="a deployment override values file; repeat for more, later files win")
    _add_set_options(render)
    render.add_argument("--app-name", required=True, metavar="NAME")
    render.add_argument("--app-version", required=True, metavar="VERSION")
    render.add_argument("--deployment-name", required=True, metavar="NAME")
    render.add_argument("--namespace", required=True, metavar="NS", help="the application's namespace")
    render.add_argument("--org", metavar="ORG", help="organization name (for %%OrgName%%)")
    render.add_argument("--project", metavar="PROJECT", help="project name (for %%ProjectName%%)")
    render.add_argument("--redeploy-after-update", action="store_true",
                        help="the app is redeployed after an update (its version joins the Secret's name)")
    render.add_argument("--registry-url", metavar="URL", help="image registry root URL (oci://, https://, http://)")
    render.add_argument("--registry-username", metavar="USER")
    render.add_argument("--registry-password-file", metavar="FILE",
                        help="file holding the registry password or token (one trailing newline is dropped); "
                             "or set PROFILE_RENDER_REGISTRY_PASSWORD")
    render.add_argument("--registry-ca-file", metavar="FILE", help="PEM file of the registry's CA certificates")
    render.add_argument("--prehook-literal", action="store_true",
                        help="leave %%PreHookCredential%% as text, as the reference orchestrator does")
    render.add_argument("--output-dir", metavar="DIR",
                        help="write values.yaml, manifests.yaml and pre-install.yaml into DIR (all or nothing)")
    _add_fleet_globals_options(render)
    _add_output_options(render, explain=True)
    render.set_defaults(handler=_cmd_render, command_parser=render)

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
    prender.add_argument("directory", metavar="DIR", help="folder with the package's catalog YAML files")
    prender.add_argument("--deployment-profile", metavar="NAME", help="deployment profile (default: the package's default)")
    prender.add_argument("--app", dest="apps", action="append", default=[], metavar="NAME",
                         help="render only this application (repeatable)")
    prender.add_argument("--chart", dest="charts", action="append", default=[], metavar="APP=PATH", required=True,
                         help="the chart of an application: a directory or .tgz (repeat for each application)")
    prender.add_argument("--registry", dest="registries", action="append", default=[], metavar="FILE",
                         help="a catalog file of Registry objects not in the package (e.g. platform registries)")
    prender.add_argument("--registry-ca-file", metavar="FILE",
                         help="PEM file of the orchestrator's gateway certificate (tls.crt of Secret tls-orch in "
                              "orch-gateway): the CA of registries whose caCerts is use-dynamic-cacert")
    prender.add_argument("--set", dest="parameters", action="append", default=[], metavar="APP:PATH=VALUE",
                         help="a parameter template value for an application")
    prender.add_argument("--deployment-name", required=True, metavar="NAME")
    prender.add_argument("--org", metavar="ORG")
    prender.add_argument("--project", metavar="PROJECT")
    prender.add_argument("--redeploy-after-update", action="store_true",
                         help="ADM runs with REDEPLOY_AFTER_UPDATE (the package's version joins each Secret's name)")
    prender.add_argument("--output-dir", metavar="DIR", help="write one folder per application (all or nothing)")
    _add_fleet_globals_options(prender)
    _add_output_options(prender, explain=False)
    prender.set_defaults(handler=_cmd_package_render, command_parser=prender)

    lint = commands.add_parser(
        "lint",
        help="check a deployment package: catalog schemas, references, placeholders, parameters, chart keys",
        description="Report every problem found in a deployment package's files (see docs/lint-rules.md).",
    )
    lint.add_argument("paths", nargs="+", metavar="DIR|FILE")
    lint.add_argument("--chart", dest="charts", action="append", default=[], metavar="APP=PATH",
                      help="an application's chart, to check placeholders and keys against it")
    lint.add_argument("--registry", dest="registries", action="append", default=[], metavar="FILE")
    _add_format_option(lint)
    lint.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    lint.set_defaults(handler=_cmd_lint, command_parser=lint)

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
    return parser


def _print_warnings(warnings: "Sequence[Diagnostic]", stream: TextIO, *, prefix: str = "") -> None:
    stream.write(format_text(warnings, prefix=prefix))


def _explain(result: "object", paths: Sequence[str], out: TextIO) -> None:
    from profile_render.emit import to_json
    from profile_render.errors import format_path
    from profile_render.origin import parse_value_path

    for text in paths:
        parts = parse_value_path(text)
        value = result.value(parts)  # type: ignore[attr-defined]
        origins = result.origins(parts)  # type: ignore[attr-defined]
        is_secret = getattr(result, "is_secret", None)
        if is_secret is not None and is_secret(parts):
            rendered = '"****" (secret)'
        else:
            rendered = to_json(value, indent=None)
            if len(rendered) > 200:
                rendered = rendered[:197] + "..."
        print(f"{text} = {rendered}", file=out)
        template = getattr(result, "parameters", {}).get(parts)
        if template is not None:
            details = [f"type {template.type}"]
            if template.mandatory:
                details.append("mandatory")
            if template.secret:
                details.append("secret")
            if template.suggested_values:
                details.append("suggested: " + ", ".join(template.suggested_values))
            print(f"  parameter {template.name!r} ({'; '.join(details)})", file=out)
        if not origins:
            print("  origin unknown", file=out)
        for i, origin in enumerate(origins):
            label = "set by" if i == 0 else "also from"
            print(f"  {label:9} {origin.layer:17} {origin.location}  ({format_path(origin.source_path)})", file=out)


def _cmd_merge(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    from profile_render.yamlio.load import load_values
    from profile_render.values import Layer, merge_values

    layers: List[Layer] = []
    for name in args.files:
        if name == "-":
            from profile_render.files import Cap, read_stream
            from profile_render.yamlio.limits import DEFAULT_LIMITS

            data = read_stream(sys.stdin.buffer, cap=Cap(DEFAULT_LIMITS.max_bytes), what="the standard input",
                               source="<stdin>", advice="split the values")
            layers.append(Layer.from_loaded(load_values(data, source="<stdin>", strict=args.strict)))
        else:
            layers.append(Layer.from_file(name, strict=args.strict))
    result = merge_values(
        Path(args.chart),
        layers,
        **_set_arguments(args),
        strict=args.strict,
        validate_schema=not args.skip_schema_validation,
    )
    if args.explain:
        return _explain_command(result, args.explain, out, err)
    text = result.to_json() + "\n" if args.output == "json" else result.to_yaml()
    _print_warnings(result.warnings, err)
    out.write(text)
    return EXIT_OK


PASSWORD_ENV = "PROFILE_RENDER_REGISTRY_PASSWORD"


#: The largest password, CA or render-JSON file the CLI reads.
TEXT_FILE_CAP = 1_000_000


def _read_text_file(path: str, what: str) -> str:
    """A small UTF-8 file named on the command line, through the safe reader (regular files only, capped)."""
    from profile_render.files import Cap, read_text_file

    return read_text_file(path, cap=Cap(TEXT_FILE_CAP),
                          what=f"the {what}", error=ProfileRenderError, advice="pass the right file")


def _secret_option_file(path: str, option: str, what: str) -> str:
    """Read the file a secret option names; its errors name the option, never the argument.

    The argument may be the secret itself, given where its file belongs.
    """
    assert option in SECRET_OPTIONS
    try:
        return _read_text_file(path, what)
    except ProfileRenderError as exc:
        def hide(text: Optional[str]) -> Optional[str]:
            return text.replace(path, "<the file>") if text and path else text

        raise ProfileRenderError(hide(exc.problem) or exc.problem, source=option, hint=hide(exc.hint)) from None


def _registry_from_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> "object":
    from profile_render.errors import ProfileRenderError
    from profile_render.orchestrator.model import ImageRegistry, Secret

    given = [args.registry_username, args.registry_password_file, args.registry_ca_file]
    if args.registry_url is None:
        if any(v is not None for v in given):
            parser.error("--registry-username, --registry-password-file and --registry-ca-file need --registry-url")
        return None
    password = None
    if args.registry_password_file is not None:
        text = _secret_option_file(args.registry_password_file, "--registry-password-file", "registry password file")
        # Exactly one trailing newline is dropped (editors add one); nothing else is touched.
        password = text[:-1] if text.endswith("\n") else text
    elif os.environ.get(PASSWORD_ENV) is not None:
        password = os.environ[PASSWORD_ENV]
        if not _is_utf8(password):
            raise ProfileRenderError("the password is not valid UTF-8 (it holds bytes that cannot be decoded)",
                                     source=PASSWORD_ENV, hint="set it to the password or token as UTF-8 text")
    if args.registry_username and password is None:
        raise ProfileRenderError(
            "a registry username was given without a password",
            hint=f"put the password or token in a file and pass --registry-password-file, or set {PASSWORD_ENV}")
    if password is not None and not args.registry_username:
        raise ProfileRenderError("a registry password was given without a username",
                                 hint="add --registry-username")
    ca = _read_text_file(args.registry_ca_file, "registry CA file") if args.registry_ca_file else None
    from urllib.parse import urlsplit

    try:
        name = urlsplit(args.registry_url).hostname or "registry"
    except ValueError:
        name = "registry"
    return ImageRegistry(name=name, root_url=args.registry_url, username=args.registry_username,
                         password=Secret(password) if password is not None else None, ca_certs=ca)


def _explain_command(result: "Union[MergeResult, RenderResult]", paths: Sequence[str], out: TextIO,
                     err: TextIO) -> int:
    """Print the explanation of each path (all or nothing: a bad path prints none) and the warnings."""
    sink = io.StringIO()
    _explain(result, paths, sink)
    _print_warnings(result.warnings, err)
    out.write(sink.getvalue())
    return EXIT_OK


def _result_files(result: "RenderResult", prefix: str = "") -> "dict[str, str]":
    """The --output-dir files of one render result: values, manifests, pre-install manifests."""
    from profile_render.emit import to_yaml

    return {
        f"{prefix}values.yaml": to_yaml(result.values),
        f"{prefix}manifests.yaml": _manifest_stream(result.manifests),
        f"{prefix}pre-install.yaml": _manifest_stream(result.pre_install_manifests),
    }


def _manifest_stream(objects: Sequence[object]) -> str:
    from profile_render.emit import to_yaml

    return "".join("---\n" + to_yaml(obj) for obj in objects)


def _write_output_dir(directory: str, files: "dict[str, str]") -> None:
    """Write every file or none: stage them in a private folder, then move them into place.

    Names may contain one folder level (``app/values.yaml``). Files are created
    with mode 0600: manifests can hold credentials.
    """
    import shutil
    import tempfile

    from profile_render.errors import ProfileRenderError

    try:
        os.makedirs(directory, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".profile-render-", dir=directory)
    except OSError as exc:
        raise ProfileRenderError(f"cannot create the output directory: {exc.strerror}", source=directory,
                                 hint="check the path and its permissions") from None
    try:
        for name, text in files.items():
            target = os.path.join(staging, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        for name in files:
            final = os.path.join(directory, name)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.replace(os.path.join(staging, name), final)
    except OSError as exc:
        raise ProfileRenderError(f"cannot write the output: {exc.strerror}", source=directory,
                                 hint="check free space and permissions") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _cmd_render(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    from profile_render.orchestrator.model import DeploymentContext
    from profile_render.rendering import render
    from profile_render.values import Layer

    registry = _registry_from_args(args, parser)
    fleet_globals = _fleet_globals_from_args(args, parser)
    context = DeploymentContext(
        app_name=args.app_name, app_version=args.app_version, deployment_name=args.deployment_name,
        namespace=args.namespace, org=args.org, project=args.project,
        redeploy_after_update=args.redeploy_after_update,
    )
    profile = Layer.from_file(args.profile, kind="profile", strict=args.strict)
    overrides = [Layer.from_file(name, kind="overrides", strict=args.strict) for name in args.files]
    result = render(
        Path(args.chart), profile, overrides, context=context, registry=registry,  # type: ignore[arg-type]
        **_set_arguments(args),
        prehook_literal=args.prehook_literal, strict=args.strict, **fleet_globals,  # type: ignore[arg-type]
    )
    if args.explain:
        return _explain_command(result, args.explain, out, err)
    if args.output_dir:
        _write_output_dir(args.output_dir, _result_files(result))
        _print_warnings(result.warnings, err)
        print(f"profile-render: wrote values.yaml, manifests.yaml, pre-install.yaml to {args.output_dir}", file=err)
        return EXIT_OK
    text = result.to_json() + "\n" if args.output == "json" else result.to_yaml()
    _print_warnings(result.warnings, err)
    out.write(text)
    return EXIT_OK


def _chart_map(items: Sequence[str], parser: argparse.ArgumentParser) -> "dict[str, Path]":
    charts = {}
    for item in items:
        app, eq, path = item.partition("=")
        if not eq or not app or not path:
            parser.error(f"--chart takes APP=PATH, not {item!r}")
        charts[app] = Path(path)
    return charts


def _cmd_package_render(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    from profile_render.orchestrator.package import render_package
    from profile_render.orchestrator.params import parse_parameter_assignment

    fleet_globals = _fleet_globals_from_args(args, parser)
    parameters: "dict[str, dict[str, str]]" = {}
    for item in args.parameters:
        app, path, value = parse_parameter_assignment(item)
        parameters.setdefault(app, {})[path] = value
    result = render_package(
        Path(args.directory), charts=_chart_map(args.charts, parser), deployment_name=args.deployment_name,
        registry_files=[Path(p) for p in args.registries], deployment_profile=args.deployment_profile,
        applications=args.apps or None,
        parameters=parameters, org=args.org, project=args.project, strict=args.strict,
        redeploy_after_update=args.redeploy_after_update,
        gateway_ca=_read_text_file(args.registry_ca_file, "registry CA file") if args.registry_ca_file else None,
        **fleet_globals,  # type: ignore[arg-type]
    )
    _print_warnings(result.findings, err)
    for name, app_result in result.applications.items():
        _print_warnings(app_result.warnings, err, prefix=f"{name}: ")
    if args.output_dir:
        files = {}
        for name, app_result in result.applications.items():
            files.update(_result_files(app_result, f"{name}/"))
        _write_output_dir(args.output_dir, files)
        print(f"profile-render: wrote {len(result.applications)} application folder(s) to {args.output_dir}", file=err)
        return EXIT_OK
    from profile_render.emit import to_json, to_yaml

    data = result.to_dict()
    out.write(to_json(data) + "\n" if args.output == "json" else to_yaml(data))
    return EXIT_OK


def _cmd_package_missing(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO,
                         err: TextIO) -> NoReturn:
    parser.error("package needs a command: render")


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

    charts = _chart_map(args.charts, parser)
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


def _read_manifest_input(path: str) -> "tuple[bytes, str]":
    """The manifests to check and the name to report them under (``-`` is stdin); both read under a cap."""
    from profile_render.files import Cap, read_file, read_stream
    from profile_render.yamlio.limits import MANIFEST_LIMITS

    cap = Cap(MANIFEST_LIMITS.max_bytes)
    if path == "-":
        return read_stream(sys.stdin.buffer, cap=cap, what="the manifests", source="<stdin>",
                           advice="check the manifests in smaller parts"), "<stdin>"
    return read_file(path, cap=cap, what="the manifests file", error=ProfileRenderError,
                     advice="check the manifests in smaller parts"), path


def _read_render_json(path: Optional[str]) -> object:
    """The parsed ``--render-json`` file, or None without one (its shape is checked by check_manifests)."""
    from profile_render.checks.inputs import load_render_json

    if not path:
        return None
    return load_render_json(_read_text_file(path, "render JSON file"), source=path)


def _cmd_check_manifests(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO, err: TextIO) -> int:
    from profile_render.checks.manifests import RULE_INFO, check_manifests, private_registry_host

    def run() -> "List[Diagnostic]":
        private = [private_registry_host(host, source="--private-registry") for host in args.private_registries]
        data, source = _read_manifest_input(args.file)
        return list(check_manifests(data, private_registries=private, pull_secrets=args.pull_secrets,
                                    external_config_maps=args.external_config_maps,
                                    render=_read_render_json(args.render_json), namespace=args.namespace,
                                    source=source, render_source=args.render_json or "<render>"))

    findings = _reported(args.format, RULE_INFO, out, run)
    out.write(report(findings, args.format, rules=RULE_INFO))
    errors = sum(1 for f in findings if f.severity == "error")
    if args.format == "text":
        print(f"{errors} error(s), {len(findings) - errors} other finding(s)", file=err)
    return EXIT_INPUT if errors else EXIT_OK


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI; returns the exit code (also the console-script entry point)."""
    parser = _build_parser()
    args, extras = parser.parse_known_args(argv)
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

