"""Reading manifest streams (``helm template`` output) into objects with the positions of their keys.

Kubernetes reads manifests through sigs.k8s.io/yaml, and so does this module
(the :data:`~profile_render.yamlio.policy.KUBERNETES` scalar policy of the
shared reader, :mod:`profile_render.yamlio`): go-yaml v2 scalars converted to
JSON, numbers then decoded as apimachinery decodes them (int64 when they are
integers, else float64). Timestamps stay text, ``.inf``/``.nan`` and null
keys are refused, merge keys apply where they stand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.errors import LimitExceededError, ProfileRenderError, describe_value
from profile_render.yamlio.build import ReadRules, read_documents
from profile_render.yamlio.decode import decode_yaml
from profile_render.yamlio.limits import MANIFEST_LIMITS, check_size
from profile_render.yamlio.located import ErrorClasses
from profile_render.yamlio.policy import KUBERNETES

FieldPath = Tuple[Any, ...]


class ManifestError(ProfileRenderError):
    """Manifests that cannot be read: bad YAML (with file:line:col), or a document that is not an object."""


class ManifestLimitError(ManifestError, LimitExceededError):
    """Manifests over a reading limit (size, nesting depth, alias expansion, nodes): both kinds of error at once."""


MANIFEST_RULES = ReadRules(KUBERNETES, ErrorClasses(ManifestError, ManifestError, ManifestLimitError),
                           "the manifests are", "Kubernetes objects must be trees; remove the self-reference")


@dataclass(frozen=True)
class Positions:
    """Where each key and list item of one document sits in its text (1-based line, column)."""

    source: str
    marks: Mapping[FieldPath, Tuple[int, int]] = field(repr=False)
    duplicates: Tuple[Tuple[FieldPath, int, int, int], ...] = ()  # (path, line, column, earlier line)

    def locate(self, path: Sequence[Any]) -> Optional[Tuple[int, int]]:
        """The position of ``path``, or of its longest prefix that exists (the document start at worst)."""
        path = tuple(path)
        for end in range(len(path), -1, -1):
            spot = self.marks.get(path[:end])
            if spot is not None:
                return spot
        return None


def read_manifests(text_or_bytes: Union[str, bytes, bytearray], *,
                   source: str = "<stdin>") -> List[Tuple[Dict[str, Any], Positions]]:
    """Read a multi-document YAML stream (such as ``helm template`` output) into (object, positions) pairs.

    Empty and ``null`` documents are skipped; every other document must be a
    mapping. Scalars are read as Kubernetes reads them (see the module doc):
    numbers, booleans and null are typed, everything else (timestamps too) is
    text. Raises :class:`ManifestError` with ``source``, line and column on
    bad YAML, and :class:`ManifestLimitError` (also a LimitExceededError) over
    the limits of :data:`~profile_render.yamlio.limits.MANIFEST_LIMITS`.
    """
    size = len(text_or_bytes.encode("utf-8", "surrogatepass")) if isinstance(text_or_bytes, str) else len(text_or_bytes)
    check_size(size, MANIFEST_LIMITS.max_bytes, what="the manifests are", source=source, error=ManifestLimitError,
               hint="check the manifests in smaller parts")
    text = decode_yaml(text_or_bytes, source=source, subject="the manifests are", hint="save the file as UTF-8",
                       error=ManifestError)
    out: List[Tuple[Dict[str, Any], Positions]] = []
    for document in read_documents(text, rules=MANIFEST_RULES, source=source, limits=MANIFEST_LIMITS,
                                   positions=True):
        value = document.value
        if value is None:
            continue
        if not isinstance(value, dict):
            raise ManifestError(f"document {len(out)} is {describe_value(value, mapping='a mapping')}, "
                                "not a Kubernetes object", source=source, line=document.line, column=document.column,
                                hint="every document of a manifest stream is one object (apiVersion, kind, metadata)")
        marks = document.positions if document.positions is not None else {}
        marks[()] = (document.line, document.column)
        duplicates = tuple((d.path, d.line, d.column, d.first_line) for d in document.duplicates)
        out.append((value, Positions(source, marks, duplicates)))
    return out
