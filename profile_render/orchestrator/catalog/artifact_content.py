"""An Artifact's ``artifact`` field: base64 as the catalog's upload decodes it (Go), and its size as the API limits it."""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from profile_render.findings import ERROR, WARNING, Finding
from profile_render.orchestrator.catalog.api_limits import API_HINT
from profile_render.orchestrator.catalog.specs import CatalogDocument


# Go's base64.StdEncoding (not Strict) accepts exactly this once CR and LF are removed: whole quanta, the last one
# optionally padded with "==" or "="; non-zero trailing bits pass.
_GO_STD_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_BASE64_CHARACTERS = re.compile(r"[^A-Za-z0-9+/=]")


def artifact_content(doc: CatalogDocument) -> List[Finding]:
    """An Artifact's base64 ``artifact``: an error when the upload cannot decode it, a warning off the API's sizes."""
    text = doc.data.get("artifact") if doc.kind == "Artifact" else None
    if not isinstance(text, str):
        return []  # absent or not text: the schema reports it
    size, problem = _decode_base64(text)
    if problem is not None:
        return [doc.finding(
            "artifact-base64", ERROR,
            f"artifact is not valid base64 ({problem}); the catalog's upload refuses the file "
            "('error decoding base64')", ("artifact",),
            "give the file's bytes in standard base64 with '=' padding (e.g. the output of `base64 -w0 FILE`); "
            "line breaks are allowed, spaces and the URL-safe '-' and '_' are not")]
    if not 4 <= size <= 4_000_000:
        return [doc.finding("api-limit", WARNING,
                            f"artifact decodes to {size} bytes; the catalog's API wants 4 to 4,000,000",
                            ("artifact",), API_HINT)]
    return []


def _decode_base64(text: str) -> Tuple[int, Optional[str]]:
    """What Go's ``base64.StdEncoding.DecodeString`` makes of ``text`` (it skips CR and LF): (bytes, None) or (0, why)."""
    compact = text.replace("\n", "").replace("\r", "")
    if _GO_STD_BASE64.fullmatch(compact):
        return len(compact) // 4 * 3 - compact[-2:].count("="), None
    stray = _BASE64_CHARACTERS.search(compact)
    if stray is not None:
        return 0, f"{stray.group()!r} is not a base64 character"
    return 0, (f"its {len(compact)} characters (line breaks aside) are not whole groups of four with '=' "
               "padding only at the very end")
