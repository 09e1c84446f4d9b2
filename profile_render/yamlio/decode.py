"""Decoding YAML bytes to text as go-yaml does: UTF-8, or UTF-16 after its byte order mark; invalid bytes located."""

from __future__ import annotations

from typing import Type, Union

from profile_render.errors import ProfileRenderError

__all__ = ["decode_yaml", "UTF8_BOM", "UTF16_BOMS"]

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xfe\xff", b"\xff\xfe")


def decode_yaml(data: Union[str, bytes, bytearray], *, source: str, subject: str, hint: str,
                error: Type[ProfileRenderError]) -> str:
    """The text of a YAML input: UTF-8, or UTF-16 when it starts with a UTF-16 byte order mark; one leading BOM dropped.

    Text is taken as it is. Bytes that do not decode raise ``error``
    ("``subject`` is not valid UTF-8 text (byte 0x..)"), at the line and
    column of the first bad byte, with ``hint``.
    """
    if isinstance(data, str):
        text = data
        bad = next((i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff"), None) \
            if not text.isascii() else None
        if bad is not None:
            # A lone surrogate cannot be UTF-8 (Python hands them over for undecodable bytes).
            line = text.count("\n", 0, bad) + 1
            column = bad - (text.rfind("\n", 0, bad) + 1) + 1
            raise error(f"{subject} not valid UTF-8 text (a lone surrogate, U+{ord(text[bad]):04X})",
                        source=source, line=line, column=column, hint=hint)
    elif not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"YAML input must be str or bytes, not {type(data).__name__}")
    else:
        raw = bytes(data)
        if raw.startswith(UTF8_BOM):
            raw = raw[3:]
        if raw[:2] in UTF16_BOMS:
            try:
                text = raw[2:].decode("utf-16-be" if raw[:2] == b"\xfe\xff" else "utf-16-le")
            except UnicodeDecodeError:
                raise error(f"{subject} not valid UTF-16 text", source=source, hint=hint) from None
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                before = raw[: exc.start]
                line = before.count(b"\n") + 1
                column = len(before) - (before.rfind(b"\n") + 1) + 1
                raise error(f"{subject} not valid UTF-8 text (byte 0x{raw[exc.start]:02x})",
                            source=source, line=line, column=column, hint=hint) from None
    # The byte order mark is not content (a second one, after a UTF-8 one, neither).
    return text[1:] if text.startswith("\ufeff") else text
