"""Bounded reads from open file objects (a request body, a database blob opened as a stream).

A service hands over an object with ``read()``; nothing is read past the
cap + 1, so an endless or oversized stream costs at most that much memory.
"""

from __future__ import annotations

from typing import IO, Any, List, Type, Union

from profile_render.errors import LimitExceededError, ProfileRenderError

__all__ = ["read_bounded"]


def read_bounded(stream: "IO[Any]", cap: int, *, source: str, what: str, hint: str,
                 error: Type[ProfileRenderError] = LimitExceededError) -> Union[str, bytes]:
    """Everything an open file object still holds (str from a text stream, bytes from a binary one), at most ``cap``.

    Reads until end of stream, asking for no more than ``cap + 1`` units in
    all (bytes, or characters for a text stream: each is at least one byte,
    so a text over ``cap`` characters is over ``cap`` bytes too); more raises
    ``error`` ("``what`` is more than ``cap`` bytes", with ``hint``).
    ``TypeError`` when ``stream`` has no ``read`` or it returns neither.

    >>> import io
    >>> read_bounded(io.BytesIO(b"a: 1"), 10, source="<body>", what="the body", hint="send less")
    b'a: 1'
    """
    read = getattr(stream, "read", None)
    if not callable(read):
        raise TypeError(f"expected an open file object (with read()), not {type(stream).__name__}")
    pieces: List[Any] = []
    size = 0
    while size <= cap:
        piece = read(cap + 1 - size)
        if piece is None:  # a non-blocking stream with nothing ready
            raise ProfileRenderError(f"{what} is not ready to be read (a non-blocking stream)", source=source,
                                     hint="pass a blocking file object, or read the data yourself and pass it")
        if not isinstance(piece, (str, bytes, bytearray, memoryview)):
            raise TypeError(f"the stream's read() returned {type(piece).__name__}, not str or bytes")
        if not piece:
            break
        pieces.append(piece)
        size += len(piece)
    if size > cap:
        raise error(f"{what} is more than {cap:,} bytes", source=source, hint=hint)
    text = [isinstance(p, str) for p in pieces]
    if any(text) and not all(text):
        raise TypeError("the stream's read() returned both str and bytes")
    if pieces and text[0]:
        return "".join(pieces)
    return b"".join(bytes(p) for p in pieces)
