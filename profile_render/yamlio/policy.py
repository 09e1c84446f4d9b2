"""Scalar policies: how each reader of the Edge Orchestrator's YAML turns scalars and keys into values.

One node builder (:mod:`profile_render.yamlio.build`) serves every reader;
what differs between them is here:

* :data:`HELM` -- values files and ``Chart.yaml`` as Helm reads them:
  go-yaml v2 resolution (YAML 1.1 booleans, Go numbers, timestamps kept as
  text), then sigs.k8s.io/yaml's JSON conversion (every number a float64,
  NaN and infinities refused, keys stringified);
* :data:`KUBERNETES` -- manifests as Kubernetes reads them: the same go-yaml
  v2 / sigs.k8s.io/yaml reading, numbers then decoded from JSON as
  apimachinery does (int64 when the JSON text is one, else float64);
* :data:`CATALOG` -- catalog files as the catalog's upload reads them
  (gopkg.in/yaml.v3 into ``any``): Helm's numbers, null and
  ``true``/``false``, but ``yes``/``no``/``on``/``off``/``y``/``n`` stay
  strings, and merge keys never override explicit ones.

A policy raises :class:`ScalarProblem` (what is wrong, how to fix it); the
builder adds the file, line, column and value path.
"""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any, Callable, Tuple, Union

from profile_render.yamlio.scalars import (
    Reject,
    TIMESTAMP_TAG,
    as_float64,
    as_kubernetes_number,
    format_float32_key,
    go_string,
    quoted_excerpt,
    resolve_exact,
    resolve_plain_scalar,
)

__all__ = ["MERGE", "ScalarProblem", "ScalarPolicy", "GoYamlV2Policy", "KubernetesPolicy", "CatalogPolicy", "HELM", "KUBERNETES", "CATALOG"]

_Y = "tag:yaml.org,2002:"
STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG = _Y + "str", _Y + "int", _Y + "float", _Y + "bool", _Y + "null"
BINARY_TAG, MERGE_TAG = _Y + "binary", _Y + "merge"
_CHECKED_TAGS = frozenset({INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG, TIMESTAMP_TAG})


class _MergeKey:
    """The key ``<<``: its value is merged into the mapping that holds it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MERGE"


MERGE: Any = _MergeKey()


class ScalarProblem(Exception):
    """A scalar or key a reader refuses: the problem and how to fix it (the builder locates it)."""

    def __init__(self, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint


class ScalarPolicy:
    """How one reader turns scalar events into values and mapping keys.

    ``plain`` resolves an untagged plain scalar's text (the hot path; it may
    return a :class:`~profile_render.yamlio.scalars.Reject`, which
    :meth:`rejected` explains); :meth:`tagged` reads a scalar with an explicit
    tag; :meth:`key` turns a key's scalar event into the string key or
    :data:`MERGE`. ``merge_in_place`` says whether a merge key applies where it
    stands (go-yaml v2) or before every explicit key (yaml.v3).
    ``go_v2_scanner`` asks for go-yaml v2's escapes and tab rules.
    """

    name = "abstract"
    merge_in_place = True
    go_v2_scanner = True
    plain: Callable[[str], Any] = staticmethod(resolve_plain_scalar)

    def rejected(self, text: str, reject: Reject) -> ScalarProblem:
        """The problem of a plain scalar the reader refuses."""
        raise NotImplementedError

    def tagged(self, event: Any) -> Any:
        """The value of a scalar event with an explicit tag."""
        raise NotImplementedError

    def key(self, event: Any) -> Any:
        """The key a scalar event stands for: a string, or :data:`MERGE` for a merge key."""
        raise NotImplementedError

    def collection_key(self) -> ScalarProblem:
        """The problem of a mapping key that is a list or a mapping."""
        raise NotImplementedError


class GoYamlV2Policy(ScalarPolicy):
    """go-yaml v2 read through sigs.k8s.io/yaml's JSON conversion; ``consumer`` names who reads the JSON.

    Explicit tags are checked as go-yaml checks them (``!!int 1.5`` fails,
    ``!!float 1`` widens), ``!!binary`` is decoded, the non-specific tag
    ``!`` and unknown tags keep the text. Keys become JSON keys: booleans
    ``true``/``false``, integers their decimal text, floats Go's 32-bit
    shortest form; null keys and keys that fit only uint64 are refused.
    """

    name = "go-yaml v2 (Helm)"
    consumer = "Helm"
    keys_noun = "Helm values keys"
    quotes_values = True  # whether messages may quote a value's text

    @staticmethod
    def number(kind: str, value: Union[int, float]) -> Union[int, float]:
        """A resolved number as the JSON reader sees it; Helm decodes every number as a float64."""
        return as_float64(value)

    def rejected(self, text: str, reject: Reject) -> ScalarProblem:
        """NaN and infinities: JSON cannot carry them."""
        return ScalarProblem(f"{text!r} is {reject.what}, which JSON (and so {self.consumer}) cannot represent",
                             f"quote it ('{text}') to keep it as text")

    def resolve_tagged(self, text: str, tag: str) -> Tuple[str, Any]:
        """Resolve a tagged scalar to go-yaml v2's (kind, exact value); unknown tags keep the text."""
        if tag == BINARY_TAG:
            # Go's StdEncoding skips only CR and LF; any other space is invalid base64.
            try:
                raw = base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True)
            except (binascii.Error, ValueError):
                raise ScalarProblem("!!binary value is not valid base64",
                                    "fix the base64 text or drop the !!binary tag") from None
            return "str", go_string(raw)
        if tag not in _CHECKED_TAGS:
            return "str", text  # !!str, the non-specific "!", collection tags on scalars, local tags: the text
        kind, value = resolve_exact(text, tag)
        want = tag[len(_Y):]
        kind_name = "int" if kind == "uint" else kind
        if kind_name == want:
            return kind, value
        if tag == FLOAT_TAG and kind == "int":
            return "float", float(value)  # only int64 widens; a uint64-only value is an error
        short = "!!" + want
        shown = quoted_excerpt(text) if self.quotes_values else "the value"
        raise ScalarProblem(f"cannot decode {shown} (a !!{kind_name}) as {short}",
                            f"write a valid {short} value or remove the tag")

    def tagged(self, event: Any) -> Any:
        """The value of an explicitly tagged scalar, checked against its tag as go-yaml v2 checks it."""
        kind, value = self.resolve_tagged(event.value, event.tag)
        if kind == "float":
            if math.isnan(value) or math.isinf(value):
                raise ScalarProblem(
                    f"{quoted_excerpt(event.value)} is {'NaN' if math.isnan(value) else ('+Inf' if value > 0 else '-Inf')}, "
                    f"which JSON (and so {self.consumer}) cannot represent",
                    "use a finite number or a string")
            return self.number(kind, value)
        if kind == "int" or kind == "uint":
            return self.number(kind, value)
        return value

    def key(self, event: Any) -> Any:
        """The JSON key for a key scalar (see the class doc), or :data:`MERGE`."""
        tag = event.tag
        text = event.value
        value: Any
        if tag is None:
            if not event.implicit[0]:
                return text  # quoted
            if text == "<<":
                return MERGE
            kind, value = resolve_exact(text) if text else ("null", None)
        elif tag == STR_TAG or tag == "!":
            return text
        elif tag == MERGE_TAG and text == "<<":
            return MERGE
        else:
            kind, value = self.resolve_tagged(text, tag)
        if kind == "str" or kind == "timestamp":
            return value
        if kind == "bool":
            return "true" if value else "false"
        if kind == "int":
            return str(value)
        if kind == "float":
            return format_float32_key(value)
        if kind == "null":
            raise ScalarProblem("a mapping key is null",
                                f"{self.consumer} rejects null keys; quote the key ('~': ...) or give it a name")
        raise ScalarProblem(f"the key {text} is an unsigned 64-bit integer, which {self.consumer} cannot use as a key",
                            "quote the key")

    def collection_key(self) -> ScalarProblem:
        """go-yaml v2 reads such a key, but no JSON object can hold it."""
        return ScalarProblem("a mapping key is a collection", f"{self.keys_noun} must be scalars; use a string key")


# go-yaml v2 reads these as booleans; the manifest reader keeps them as text (see KubernetesPolicy).
_SINGLE_LETTER_BOOLS = frozenset({"y", "Y", "n", "N"})


class KubernetesPolicy(GoYamlV2Policy):
    """go-yaml v2 through sigs.k8s.io/yaml, numbers then decoded as apimachinery decodes JSON.

    One deliberate exception: the single letters ``y``/``Y``/``n``/``N``
    stay text (keys too), as PyYAML read them here before this policy;
    go-yaml v2, and so Kubernetes, reads them as booleans. The manifest
    tests pin the old reading (``n: 5`` keeps the key ``n``).
    """

    name = "go-yaml v2 (Kubernetes)"
    consumer = "Kubernetes"
    keys_noun = "Kubernetes object keys"
    quotes_values = False  # a Secret's data is secret

    @staticmethod
    def number(kind: str, value: Union[int, float]) -> Union[int, float]:
        """int64 stays exact; other numbers as :func:`~profile_render.yamlio.scalars.as_kubernetes_number` says."""
        return as_kubernetes_number(kind, value)

    def plain(self, text: str) -> Any:
        """A plain scalar through :func:`~profile_render.yamlio.scalars.resolve_exact` and the Kubernetes number rule."""
        if text in _SINGLE_LETTER_BOOLS:
            return text
        kind, value = resolve_exact(text)
        if kind == "float" and (math.isnan(value) or math.isinf(value)):
            return Reject("NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf"))
        if kind in ("int", "uint", "float"):
            return as_kubernetes_number(kind, value)
        return value

    def key(self, event: Any) -> Any:
        """As go-yaml v2 (:meth:`GoYamlV2Policy.key`), except that a plain ``y``/``n`` key stays text."""
        if event.tag is None and event.implicit[0] and event.value in _SINGLE_LETTER_BOOLS:
            return event.value
        return GoYamlV2Policy.key(self, event)


# YAML 1.1 booleans that gopkg.in/yaml.v3 (the catalog's reader) keeps as strings.
_YAML11_ONLY_BOOLS = frozenset(
    w for word in ("y", "yes", "on", "n", "no", "off") for w in (word, word.capitalize(), word.upper()))
_CATALOG_RESOLVED_TAGS = frozenset({INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG})


def _catalog_plain(text: str) -> Any:
    """A plain scalar as the catalog (gopkg.in/yaml.v3) reads it into ``any``.

    That is Helm's reading (:func:`~profile_render.yamlio.scalars.resolve_plain_scalar`:
    numbers, null, ``true``/``false``, timestamps kept as text) except that
    the YAML 1.1 words ``y``/``yes``/``on``/``n``/``no``/``off`` stay
    strings, and ``.inf``/``.nan`` are floats (JSON cannot carry them; the
    schema checks say so).
    """
    if not text:
        return None
    if text in _YAML11_ONLY_BOOLS:
        return text
    value = resolve_plain_scalar(text)
    if value.__class__ is Reject:
        return float(text.replace(".", "", 1))
    return value


def catalog_plain_scalar(text: str) -> Any:
    """A plain scalar's value as the catalog's yaml.v3 reader reads it into ``any`` (see :func:`_catalog_plain`)."""
    return _catalog_plain(text)


class CatalogPolicy(ScalarPolicy):
    """gopkg.in/yaml.v3 as the Edge Orchestrator catalog reads its files (see the module doc).

    Scalars tagged ``!!int``/``!!float``/``!!bool``/``!!null`` (or ``!``)
    read like plain ones; any other tag keeps the text. Keys: booleans become
    ``true``/``false``, numbers keep the text written, null is refused.
    """

    name = "yaml.v3 (catalog)"
    merge_in_place = False
    go_v2_scanner = False
    plain = staticmethod(_catalog_plain)

    def rejected(self, text: str, reject: Reject) -> ScalarProblem:  # pragma: no cover - _catalog_plain never rejects
        """Never called: the catalog reads NaN and infinities as floats."""
        return ScalarProblem(f"{text!r} is {reject.what}", "quote it")

    def tagged(self, event: Any) -> Any:
        """Resolvable tags (and ``!`` on a plain scalar) read like plain scalars; other tags keep the text."""
        tag = event.tag
        if tag in _CATALOG_RESOLVED_TAGS or (tag == "!" and event.implicit[0]):
            return _catalog_plain(event.value)
        return event.value

    def key(self, event: Any) -> Any:
        """The string key for a key scalar, or :data:`MERGE` for a plain ``<<``."""
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return event.value
            if event.value == "<<":
                return MERGE
            value = _catalog_plain(event.value)
        else:
            value = self.tagged(event)
        if value is None:
            raise ScalarProblem("a mapping key is null", "give the key a name")
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else event.value

    def collection_key(self) -> ScalarProblem:
        """The catalog's schema needs string keys."""
        return ScalarProblem("a mapping key must be a scalar", "write keys as plain words")


HELM: ScalarPolicy = GoYamlV2Policy()
KUBERNETES: ScalarPolicy = KubernetesPolicy()
CATALOG: ScalarPolicy = CatalogPolicy()
