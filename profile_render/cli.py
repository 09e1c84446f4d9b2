"""Command-line interface: a thin layer over the library.

Exit codes, for every command: 0 success, 1 bad input (message on stderr, no
traceback), 2 usage error. Only the requested output goes to stdout; warnings
and errors go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Sequence, TextIO

from . import __version__
from .errors import ProfileRenderError

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on stderr and exit code 2, as documented."""

    def error(self, message: str) -> "NoReturn":  # type: ignore[name-defined]  # noqa: F821
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: usage error: {message}\n")


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
    merge.add_argument("chart", metavar="CHART", help="chart directory, .tgz archive, or values file of chart defaults")
    merge.add_argument("-f", "--values", dest="files", action="append", default=[], metavar="FILE",
                       help="a values file; repeat for more, later files win (use - for stdin)")
    merge.add_argument("--set", dest="set_values", action="append", default=[], metavar="PATH=VALUE",
                       help="set a value like helm --set (typed: numbers, true/false, null)")
    merge.add_argument("--set-string", dest="set_string_values", action="append", default=[], metavar="PATH=VALUE",
                       help="set a string value like helm --set-string")
    merge.add_argument("-o", "--output", choices=("yaml", "json"), default="yaml", help="output format (default yaml)")
    merge.add_argument("--explain", action="append", default=[], metavar="PATH",
                       help="instead of the values, show the value at PATH and where it came from (repeatable)")
    merge.add_argument("--strict", action="store_true", help="treat every warning as an error")
    return parser


def _print_warnings(warnings: Sequence[object], stream: TextIO) -> None:
    for w in warnings:
        print(str(w), file=stream)


def _explain(result: "object", paths: Sequence[str], out: TextIO) -> None:
    from .emit import to_json
    from .errors import format_path
    from .origin import parse_value_path

    for text in paths:
        parts = parse_value_path(text)
        value = result.value(parts)  # type: ignore[attr-defined]
        origins = result.origins(parts)  # type: ignore[attr-defined]
        rendered = to_json(value, indent=None)
        if len(rendered) > 200:
            rendered = rendered[:197] + "..."
        print(f"{text} = {rendered}", file=out)
        if not origins:
            print("  origin unknown", file=out)
        for i, origin in enumerate(origins):
            label = "set by" if i == 0 else "also from"
            print(f"  {label:9} {origin.layer:17} {origin.location}  ({format_path(origin.source_path)})", file=out)


def _cmd_merge(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .load import load_values
    from .values import Layer, merge_values

    layers: List[Layer] = []
    for name in args.files:
        if name == "-":
            data = sys.stdin.buffer.read()
            layers.append(Layer.from_loaded(load_values(data, source="<stdin>", strict=args.strict)))
        else:
            layers.append(Layer.from_file(name, strict=args.strict))
    result = merge_values(
        args.chart,
        layers,
        set_values=args.set_values,
        set_string_values=args.set_string_values,
        strict=args.strict,
    )
    if args.explain:
        text_out = _StringSink()
        _explain(result, args.explain, text_out)
        _print_warnings(result.warnings, err)
        out.write(text_out.getvalue())
        return EXIT_OK
    text = result.to_json() + "\n" if args.output == "json" else result.to_yaml()
    _print_warnings(result.warnings, err)
    out.write(text)
    return EXIT_OK


class _StringSink:
    def __init__(self) -> None:
        self.parts: List[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def getvalue(self) -> str:
        return "".join(self.parts)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI; returns the exit code (also the console-script entry point)."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    out, err = sys.stdout, sys.stderr
    try:
        if args.command == "merge":
            return _cmd_merge(args, out, err)
        parser.error(f"unknown command {args.command!r}")
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
    return EXIT_OK

