"""Already-decoded documents (Python mappings and lists) as the YAML text that writes them.

A service may hold a catalog object or a values document already decoded (the
catalog's gRPC API hands objects that way). Such a document is judged exactly
as the YAML text that writes it would be: this module writes that text — flow
style, every string double-quoted with YAML escapes, numbers, booleans and null
plain — and the one YAML reader reads it with the reader's own scalar policy
(yaml.v3 for catalog files, Helm's for values files). So a key ``1`` becomes
``"1"`` and a key ``True`` becomes ``"true"`` as those readers make them, and
everything the text path refuses (a null key, NaN where Helm reads values) is
refused with the same words. What no YAML text can hold is refused here, naming
the value path: bytes, sets, other objects, a mapping or list as a key, a string
with a lone surrogate, an integer too long to write. Depth, nodes and bytes are
bounded while writing, before anything large is built.
"""

from __future__ import annotations

import math
import re
from typing import Any, List, Mapping, Sequence, Tuple

from profile_render.errors import LimitExceededError, ValuesTypeError, format_path
from profile_render.yamlio.limits import Limits

__all__ = ["DecodedDocumentError", "documents_of", "is_decoded", "write_documents"]


class DecodedDocumentError(ValuesTypeError):
    """An already-decoded document holding something no YAML text can hold (bytes, an object, a set...)."""


# Everything a double-quoted YAML scalar may hold as it is: printable, not a line break (NEL, LS, PS), not a BOM,
# not a surrogate, not a quote or a backslash.
_NEEDS_ESCAPE = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                           r"\U00010000-\U0010ffff]")
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _escape(match: "re.Match[str]") -> str:
    char = match.group()
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        raise ValueError("lone surrogate")
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_PLAIN_CONSTANTS = {None: "null", True: "true", False: "false"}  # looked up only for these three objects


def _quoted(text: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def _scalar(value: Any) -> str:
    """A scalar written plain (numbers, booleans, null) or double-quoted (strings); raises ValueError/TypeError."""
    if value is None or value is True or value is False:
        return _PLAIN_CONSTANTS[value]
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, int):
        return str(int(value))  # ValueError past Python's digit limit
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(float(value))
        mantissa, e, exponent = text.partition("e")
        return (mantissa if "." in mantissa else mantissa + ".0") + (e + exponent if e else "")
    raise TypeError(type(value).__name__)


def _problem(what: str, path: Tuple[Any, ...], source: str, hint: str) -> DecodedDocumentError:
    where = format_path(path) if path else "the top level"
    return DecodedDocumentError(f"{what} at {where}", source=source, path=path or None, hint=hint)


def write_documents(documents: Sequence[Any], *, source: str, limits: Limits) -> str:
    """The YAML text of ``documents`` (``---`` between them); raises :class:`DecodedDocumentError` or a limit error.

    ``limits.max_depth`` bounds nesting, ``limits.max_nodes`` the values written and ``limits.max_bytes`` the
    text (checked before each string is escaped, so a huge string is never copied).
    """
    parts: List[str] = []
    size = 0
    nodes = 0
    for index, document in enumerate(documents):
        if index:
            parts.append("\n---\n")
        # (value, path, depth) to write, or a literal piece of text (closing brackets, separators).
        pending: List[Any] = [(document, (), 0)]
        while pending:
            item = pending.pop()
            if isinstance(item, str):
                parts.append(item)
                size += len(item)
                continue
            value, path, depth = item
            nodes += 1
            if nodes > limits.max_nodes:
                raise LimitExceededError(f"the document holds more than {limits.max_nodes:,} values", source=source,
                                         hint="send fewer values, or raise Limits.max_nodes")
            if isinstance(value, str) and size + len(value) > limits.max_bytes:
                raise LimitExceededError(f"the document is larger than {limits.max_bytes:,} bytes as YAML text",
                                         source=source, path=path or None,
                                         hint="split it, or raise Limits.max_bytes")
            if isinstance(value, (Mapping, list, tuple)):
                if depth >= limits.max_depth:
                    raise LimitExceededError(f"the document nests deeper than {limits.max_depth} levels",
                                             source=source, path=path or None,
                                             hint="flatten it, or raise Limits.max_depth")
                pending.extend(_children(value, path, depth, source))
                continue
            try:
                text = _scalar(value)
            except TypeError:
                raise _problem(f"a value of type {type(value).__name__} cannot be written as YAML", path, source,
                               "give strings, numbers, booleans, None, mappings and lists only "
                               "(decode bytes to text first)") from None
            except ValueError:
                what = "an integer too long to write" if isinstance(value, int) else "a string with a lone surrogate"
                raise _problem(what, path, source, "give valid text and numbers") from None
            parts.append(text)
            size += len(text)
            if size > limits.max_bytes:
                raise LimitExceededError(f"the document is larger than {limits.max_bytes:,} bytes as YAML text",
                                         source=source, hint="split it, or raise Limits.max_bytes")
    return "".join(parts)


def _children(value: Any, path: Tuple[Any, ...], depth: int, source: str) -> List[Any]:
    """The pieces of a mapping or list to write, in reverse order (they are popped from a stack)."""
    pieces: List[Any] = []
    if isinstance(value, Mapping):
        pieces.append("{")
        for number, (key, item) in enumerate(value.items()):
            if number:
                pieces.append(", ")
            if not (key is None or isinstance(key, (str, int, float))):
                raise _problem(f"a mapping key of type {type(key).__name__}", path, source,
                               "keys must be strings (numbers and booleans are read as YAML reads them)")
            try:
                pieces.append(_scalar(key) + ": ")
            except ValueError:
                raise _problem("a key that cannot be written (a lone surrogate or an integer too long)", path,
                               source, "give keys as valid text") from None
            pieces.append((item, path + (key if isinstance(key, str) else _scalar(key),), depth + 1))
        pieces.append("}")
    else:
        pieces.append("[")
        for number, item in enumerate(value):
            if number:
                pieces.append(", ")
            pieces.append((item, path + (number,), depth + 1))
        pieces.append("]")
    pieces.reverse()
    return pieces


def is_decoded(value: Any) -> bool:
    """Whether a package file's value is an already-decoded document (a mapping) or documents (a list or tuple)."""
    return isinstance(value, (Mapping, list, tuple))


def documents_of(value: Any) -> Sequence[Any]:
    """The documents a decoded file value holds: a mapping is one document, a list or tuple one per item."""
    return [value] if isinstance(value, Mapping) else list(value)

