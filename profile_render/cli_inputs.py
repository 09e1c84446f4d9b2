"""What the CLI reads from its arguments: values layers (a file or stdin), registry credentials, small files.

Every file goes through the safe reader (:mod:`profile_render.files`); a
secret option's argument is never echoed; options that do not go together
are usage errors (exit 2, through the subcommand's parser).
"""

from __future__ import annotations

import argparse
from pathlib import Path
import os
import sys
from typing import TYPE_CHECKING, Dict, Optional, Sequence, Tuple

from profile_render.errors import ProfileRenderError

if TYPE_CHECKING:  # type names only: the merge path must not import the render modules
    from profile_render.orchestrator.model import ImageRegistry
    from profile_render.values import Layer

#: Options whose argument may be a secret (a password given where its file belongs): never echoed.
SECRET_OPTIONS = frozenset({"--registry-password-file"})

PASSWORD_ENV = "PROFILE_RENDER_REGISTRY_PASSWORD"

#: The largest password, CA or render-JSON file the CLI reads.
TEXT_FILE_CAP = 1_000_000


def one_stdin(names: Sequence[str], parser: argparse.ArgumentParser) -> None:
    """A usage error when more than one values argument is ``-``: standard input can be read only once."""
    if sum(1 for name in names if name == "-") > 1:
        parser.error("only one values file can be - (the standard input is read once); save the others to files")


def layer_argument(name: str, kind: str, strict: bool) -> "Layer":
    """The values layer a command-line argument names: a file, or the standard input for ``-`` (read capped)."""
    from profile_render.values import Layer

    if name != "-":
        return Layer.from_file(name, kind=kind, strict=strict)
    from profile_render.files import Cap, read_stream
    from profile_render.yamlio.limits import DEFAULT_LIMITS

    data = read_stream(sys.stdin.buffer, cap=Cap(DEFAULT_LIMITS.max_bytes), what="the standard input",
                       source="<stdin>", advice="split the values")
    return Layer.from_text(data, source="<stdin>", kind=kind, strict=strict)


def read_small_text_file(path: str, what: str) -> str:
    """A small UTF-8 file named on the command line, through the safe reader (regular files only, capped)."""
    from profile_render.files import Cap, read_text_file

    return read_text_file(path, cap=Cap(TEXT_FILE_CAP),
                          what=f"the {what}", error=ProfileRenderError, advice="pass the right file")


def secret_option_file(path: str, option: str, what: str) -> str:
    """Read the file a secret option names; its errors name the option, never the argument.

    The argument may be the secret itself, given where its file belongs.
    """
    assert option in SECRET_OPTIONS
    try:
        return read_small_text_file(path, what)
    except ProfileRenderError as exc:
        def hide(text: Optional[str]) -> Optional[str]:
            return text.replace(path, "<the file>") if text and path else text

        raise ProfileRenderError(hide(exc.problem) or exc.problem, source=option, hint=hide(exc.hint)) from None


def registry_from_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> "Optional[ImageRegistry]":
    """The image registry the --registry-* options describe (None without --registry-url).

    The password comes from --registry-password-file (one line end dropped) or
    the environment; options that do not go together are usage errors.
    """
    from profile_render.files import strip_line_end
    from profile_render.orchestrator.model import ImageRegistry, Secret

    given = [args.registry_username, args.registry_password_file, args.registry_ca_file]
    if args.registry_url is None:
        if any(v is not None for v in given):
            parser.error("--registry-username, --registry-password-file and --registry-ca-file need --registry-url")
        return None
    if args.registry_username and args.registry_password_file is None and os.environ.get(PASSWORD_ENV) is None:
        parser.error(f"--registry-username needs a password: put the password or token in a file and pass "
                     f"--registry-password-file, or set {PASSWORD_ENV}")
    if args.registry_password_file is not None and not args.registry_username:
        parser.error("--registry-password-file needs --registry-username")
    password = None
    if args.registry_password_file is not None:
        text = secret_option_file(args.registry_password_file, "--registry-password-file", "registry password file")
        password = strip_line_end(text)
        if not password:
            # The file exists and holds nothing secret, so its name can be shown.
            raise ProfileRenderError(
                "the registry password file is empty" + (" (it holds only a line end)" if text else ""),
                source=args.registry_password_file, hint="write the registry password or token into it")
    elif os.environ.get(PASSWORD_ENV) is not None:
        password = os.environ[PASSWORD_ENV]
        if not is_utf8(password):
            raise ProfileRenderError("the password is not valid UTF-8 (it holds bytes that cannot be decoded)",
                                     source=PASSWORD_ENV, hint="set it to the password or token as UTF-8 text")
        if not password:
            raise ProfileRenderError("the password is empty", source=PASSWORD_ENV,
                                     hint="set it to the registry password or token, or unset it")
    if password is not None and not args.registry_username:
        raise ProfileRenderError(f"a registry password was given ({PASSWORD_ENV}) without a username",
                                 hint="add --registry-username, or unset the variable")
    ca = read_small_text_file(args.registry_ca_file, "registry CA file") if args.registry_ca_file else None
    from urllib.parse import urlsplit

    try:
        name = urlsplit(args.registry_url).hostname or "registry"
    except ValueError:
        name = "registry"
    return ImageRegistry(name=name, root_url=args.registry_url, username=args.registry_username,
                         password=Secret(password) if password is not None else None, ca_certs=ca)


def chart_map(items: Sequence[str], parser: argparse.ArgumentParser) -> "Dict[str, Path]":
    """``--chart APP=PATH`` arguments as {application: chart path} (a malformed one is a usage error)."""
    charts = {}
    for item in items:
        app, eq, path = item.partition("=")
        if not eq or not app or not path:
            parser.error(f"--chart takes APP=PATH, not {item!r}")
        charts[app] = Path(path)
    return charts


def read_manifest_input(path: str) -> Tuple[bytes, str]:
    """The manifests to check and the name to report them under (``-`` is stdin); both read under a cap."""
    from profile_render.files import Cap, read_file, read_stream
    from profile_render.yamlio.limits import MANIFEST_LIMITS

    cap = Cap(MANIFEST_LIMITS.max_bytes)
    if path == "-":
        return read_stream(sys.stdin.buffer, cap=cap, what="the manifests", source="<stdin>",
                           advice="check the manifests in smaller parts"), "<stdin>"
    return read_file(path, cap=cap, what="the manifests file", error=ProfileRenderError,
                     advice="check the manifests in smaller parts"), path


def read_render_json(path: Optional[str]) -> object:
    """The parsed ``--render-json`` file, or None without one (its shape is checked by check_manifests)."""
    from profile_render.checks.inputs import load_render_json

    if not path:
        return None
    return load_render_json(read_small_text_file(path, "render JSON file"), source=path)


def is_utf8(text: str) -> bool:
    """Whether ``text`` encodes as UTF-8 (undecodable argv bytes arrive as lone surrogates, which do not)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
