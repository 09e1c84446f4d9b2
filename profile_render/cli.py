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
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NoReturn, Optional, Sequence, TextIO, TypeVar, Union

from profile_render import cli_inputs
from profile_render.cli_parser import (EXIT_USAGE, SET_OPTIONS, Handler, build_parser, command_of, printable,
                                       set_dest, undecodable_arguments, unrecognized)
from profile_render.errors import ProfileRenderError
from profile_render.report import format_text, report
from profile_render.yamlio.collector import collector_paused

if TYPE_CHECKING:  # type names only: the merge path must not import the render modules
    from profile_render.cli_summary import SummaryStyle
    from profile_render.orchestrator.package import PackageRender
    from profile_render.problems import Diagnostic, Rule
    from profile_render.rendering import RenderResult
    from profile_render.values import MergeResult

EXIT_OK, EXIT_INPUT = 0, 1
_Checked = TypeVar("_Checked")  # what a check run by _reported returns


def _set_arguments(args: argparse.Namespace) -> Dict[str, Any]:
    """The value-flag arguments of a parsed command line, by the keyword merge_values() and render() take them."""
    return {set_dest(option): getattr(args, set_dest(option)) for option, _, _ in SET_OPTIONS}


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
    err.write(f"wrote {len(written)} file(s) for {len(apps)} application(s) into {printable(args.output, 200)}\n")
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

    sides = [side_arguments(args, side, SET_OPTIONS, set_dest, parser) for side in SIDES]
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


#: The handler of each command, as the parser names them (profile_render/cli_parser.py).
HANDLERS: Dict[str, Handler] = {
    "merge": _cmd_merge, "render": _cmd_render, "package-render": _cmd_package_render,
    "package-missing": _cmd_package_missing, "report": _cmd_report, "export": _cmd_export, "lint": _cmd_lint,
    "check-manifests": _cmd_check_manifests, "diff": _cmd_diff,
}


def _build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The CLI's parser with its handlers (the whole CLI, or the top level and the command ``only``)."""
    return build_parser(HANDLERS, only)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI; returns the exit code (also the console-script entry point)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = _build_parser(command_of(arguments))
    args, extras = parser.parse_known_args(arguments)
    if getattr(args, "handler", None) is None:
        if extras:
            parser.error(unrecognized(extras, parser))
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if extras:
        args.command_parser.error(unrecognized(extras, args.command_parser))
    undecodable = undecodable_arguments(args, [parser, args.command_parser])
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

