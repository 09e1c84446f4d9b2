"""What a caller hands the manifest checks besides the manifests: registry hosts and the render.

:func:`private_registry_host` validates one ``--private-registry`` entry;
:func:`load_render_json` reads ``--render-json`` text: one JSON document, at
most ``limits.max_bytes`` long and ``limits.max_depth`` deep (checked on the
text before it is parsed), without ``NaN``/``Infinity``, numbers a float64 or
Python cannot hold, or strings that are not Unicode. The shape of a render
(the plain form of ``render -o json`` and ``package render -o json``) is
checked where it is read, in :func:`~profile_render.checks.render_facts.render_items`.
Every refusal is a :class:`CheckInputError` (a :class:`CheckInputLimitError`
for a limit) naming the input and the value path.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any, List, Optional, Tuple

from profile_render.checks.images import registry_host
from profile_render.errors import LimitExceededError, ProfileRenderError
from profile_render.orchestrator.model import is_unicode_text
from profile_render.yamlio.limits import Limits

__all__ = ["CheckInputError", "CheckInputLimitError", "RenderShapeError", "RENDER_JSON_LIMITS", "private_registry_host",
           "load_render_json"]


class CheckInputError(ProfileRenderError, ValueError):
    """An input of the manifest checks other than the manifests is unusable: a registry host, the render.

    Also a ValueError, which check_manifests raised for a bad registry host before.
    """


class CheckInputLimitError(CheckInputError, LimitExceededError):
    """A render JSON over a limit (size, nesting depth): both kinds of error at once."""


class RenderShapeError(CheckInputError, TypeError):
    """A render given as plain data (dicts and lists, as read from JSON) without a render's shape.

    Also a TypeError, which check_manifests raised for a render it could not read before.
    """


#: Limits on ``--render-json`` text: its size and how deep its arrays and objects nest. A render nests
#: its values three levels below the top (applications, name, values), and values read from YAML are
#: at most :attr:`Limits.max_depth` (200) deep; only ``max_bytes`` and ``max_depth`` apply.
RENDER_JSON_LIMITS = Limits(max_bytes=64 * 1024 * 1024, max_depth=300)

_HOST_HINT = "give a registry host[:port] such as registry.example.com:5000 (a URL is accepted too)"


def _shown(text: str, limit: int = 80) -> str:
    shown = text if len(text) <= limit else text[:limit] + "..."
    return repr(shown)


def private_registry_host(entry: Any, *, source: Optional[str] = None) -> str:
    """The normalised ``host[:port]`` of a private registry entry (``host[:port]`` or a URL).

    Refuses, with a :class:`CheckInputError` named ``source``, an entry that
    is not a host: empty, malformed (``[::1``), a port outside 0-65535, a host
    name over 253 characters, or one that embeds credentials (``user:pass@host``;
    never quoted).
    """
    if not isinstance(entry, str):
        raise TypeError("private registries are given as text (host[:port] or a URL)")
    where = f"the private registry {source}" if source and not source.startswith("-") else "the private registry"
    if not is_unicode_text(entry):
        raise CheckInputError(f"{where} is not valid Unicode text", source=source, hint=_HOST_HINT)
    text = entry.strip()
    if not text:
        raise CheckInputError(f"{where} is empty", source=source, hint=_HOST_HINT)
    authority = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", text, count=1).split("/", 1)[0]
    if "@" in authority:
        raise CheckInputError(f"{where} embeds credentials (user:password@host); it is not shown",
                              source=source, hint="give the host[:port] only: credentials never go on the command line")
    host = registry_host(text)
    if host is None:
        raise CheckInputError(f"{where} {_shown(text)} is not a registry host", source=source, hint=_HOST_HINT)
    name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if port and not name:
        name, port = host, ""
    if port and (len(port) > 5 or int(port) > 65535):
        raise CheckInputError(f"{where} {_shown(text)} has a port outside 0-65535", source=source, hint=_HOST_HINT)
    if len(name) > 253:
        raise CheckInputError(f"{where} has a host name of {len(name):,} characters, more than DNS allows (253)",
                              source=source, hint=_HOST_HINT)
    return host


# -- the render JSON --------------------------------------------------------------------------------

_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.S)


def _nesting_error(text: str, max_depth: int, source: str) -> Optional[CheckInputLimitError]:
    """The error for the first array or object nested deeper than ``max_depth``, or None.

    Strings are skipped (their brackets are text), so the depth is exact; the
    scan is one pass over the text and visits only strings and brackets.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return None
    depth = 0
    for match in _TOKENS.finditer(text):
        char = match.group()
        if char == "[" or char == "{":
            depth += 1
            if depth > max_depth:
                start = match.start()
                line = text.count("\n", 0, start) + 1
                column = start - text.rfind("\n", 0, start)
                return CheckInputLimitError(
                    f"the render JSON nests arrays and objects more than {max_depth} deep", source=source,
                    line=line, column=column,
                    hint="pass the output of `profile-render render -o json`, or raise the limit: "
                         f"load_render_json(limits=Limits(max_depth=...)), default {RENDER_JSON_LIMITS.max_depth}")
        elif char == "]" or char == "}":
            depth = max(depth - 1, 0)
    return None


class _Refused:
    """A JSON token the decoder met that a render cannot hold, reported with its path after parsing."""

    __slots__ = ("problem",)

    def __init__(self, problem: str) -> None:
        self.problem = problem


def _max_int_digits() -> int:
    """The most digits an integer of a render JSON may have: Python's int-to-text limit (4,300 unless raised
    with ``sys.set_int_max_str_digits`` or ``PYTHONINTMAXSTRDIGITS``; 0 means none). A float64 holds 309."""
    return sys.get_int_max_str_digits()


class _Hooks:
    """The decoder's hooks for one parse: refused tokens become :class:`_Refused` markers, and are counted."""

    def __init__(self) -> None:
        self.refused = 0

    def _refuse(self, problem: str) -> _Refused:
        self.refused += 1
        return _Refused(problem)

    def parse_int(self, text: str) -> Any:
        digits = len(text) - text.startswith("-")
        limit = _max_int_digits()
        if limit and digits > limit:
            return self._refuse(f"an integer of {digits:,} digits, more than Python's int_max_str_digits "
                                f"({limit:,}) lets it read")
        return int(text)

    def parse_float(self, text: str) -> Any:
        value = float(text)
        if math.isinf(value):
            return self._refuse(f"the number {_shown(text, 40)}, out of a float64's range")
        return value

    def parse_constant(self, name: str) -> Any:
        return self._refuse(f"{name}, which is not JSON")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_tree(data: Any, source: str) -> None:
    """Refuse, at its path, the first refused token or string that is not Unicode (iterative: any depth)."""
    stack: List[Tuple[Any, Tuple[Any, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not is_unicode_text(key):
                    raise CheckInputError("the render JSON holds a key that is not valid Unicode (a lone surrogate "
                                          "escape)", source=source, path=path or None,
                                          hint="pass the output of `profile-render render -o json`")
                stack.append((value, path + (key,)))
        elif isinstance(node, list):
            stack.extend((value, path + (i,)) for i, value in enumerate(node))
        elif isinstance(node, str):
            if not is_unicode_text(node):
                raise CheckInputError("the render JSON holds a string that is not valid Unicode (a lone "
                                      "surrogate escape)", source=source, path=path or None,
                                      hint="pass the output of `profile-render render -o json`")
        elif isinstance(node, _Refused):
            raise CheckInputError(f"the render JSON holds {node.problem}", source=source,
                                  path=path or None, hint="pass the output of `profile-render render -o json`")


def load_render_json(text: str, *, source: str = "<render JSON>", limits: Optional[Limits] = None) -> Any:
    """Parse the text of ``--render-json`` (see the module doc); returns the plain data, not yet shape-checked."""
    if limits is not None and not isinstance(limits, Limits):
        raise TypeError("limits must be a Limits or None")
    limits = limits or RENDER_JSON_LIMITS
    if not isinstance(text, str):
        raise TypeError("the render JSON is given as text (str)")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise CheckInputLimitError(
            f"the render JSON is {size:,} bytes, more than the limit of {limits.max_bytes:,}", source=source,
            hint="pass the output of `profile-render render -o json`, or raise the limit: "
                 f"load_render_json(limits=Limits(max_bytes=...)), default {RENDER_JSON_LIMITS.max_bytes:,}")
    nesting = _nesting_error(text, limits.max_depth, source)
    if nesting is not None:
        raise nesting
    if not is_unicode_text(text):
        start = _SURROGATE.search(text).start()  # type: ignore[union-attr]
        raise CheckInputError("the render JSON text is not valid Unicode (it holds a lone surrogate)", source=source,
                              line=text.count("\n", 0, start) + 1, column=start - text.rfind("\n", 0, start),
                              hint="read the file as UTF-8")
    hooks = _Hooks()
    try:
        data = json.loads(text, parse_int=hooks.parse_int, parse_float=hooks.parse_float,
                          parse_constant=hooks.parse_constant)
    except json.JSONDecodeError as exc:
        raise CheckInputError(f"the render JSON is not valid JSON: {exc.msg}", source=source, line=exc.lineno,
                              column=exc.colno, hint="pass the output of `profile-render render -o json`") from None
    except RecursionError:  # defence in depth: the nesting check comes first
        raise CheckInputLimitError("the render JSON is nested too deeply to process", source=source,
                                   hint="pass the output of `profile-render render -o json`") from None
    if hooks.refused or _SURROGATE_ESCAPE.search(text):
        _check_tree(data, source)
    return data
