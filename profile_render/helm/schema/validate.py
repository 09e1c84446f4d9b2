"""Validate final values against ``values.schema.json`` exactly as Helm 4.1.4 does.

Helm 4.1.4 validates with ``github.com/santhosh-tekuri/jsonschema/v6`` (v6.0.2),
after coalescing, against the *effective* chart tree (disabled subcharts
removed, aliases applied). What that means, each point checked against the
Helm binary (see ``tests/test_validate.py`` and ``docs/schema-validation.md``):

* The parent chart's schema sees all final values; each subchart's schema sees
  its own section (``values[<name or alias>]``), which always carries the
  ``global`` table the coalesce copied into it. A section that is missing or
  null is skipped. Recursion follows the effective tree to any depth, and all
  violations of all charts are reported together.
* The draft comes from the root ``$schema``: its fragment is dropped and an
  ``http://``/``https://`` prefix ignored, then ``json-schema.org/schema``
  means the latest draft (2020-12), and ``json-schema.org/draft-04|06|07/schema``,
  ``json-schema.org/draft/2019-09/schema``, ``json-schema.org/draft/2020-12/schema``
  pick that draft. Without ``$schema`` the draft is 2020-12. Any other
  ``$schema`` names a meta-schema Helm would *load* (over the network for
  http(s)); ``urn:`` ones resolve to the permissive schema ``true``.
* ``format`` is an assertion under draft-04, -06 and -07 and an annotation
  only (never fails) under 2019-09 and 2020-12 — so also with no ``$schema``
  and with the common ``http://json-schema.org/schema#``. The formats and
  their exact rules are v6's (Go's ``net/url``, ``net/netip``, ``time``
  semantics), reimplemented here; unknown formats are ignored.
* ``pattern``, ``patternProperties`` and ``format: regex`` use Go's RE2 syntax
  (no look-around or back-references, ``\\d``/``\\w``/``\\s``/``\\b`` ASCII
  only, ``$`` matches only at the very end). Patterns are translated to
  Python's ``re`` with those meanings.
* Numbers compare as exact rationals of their shortest decimal text, so
  ``1.0`` is an integer and ``0.3`` is a multiple of ``0.1``.
* The schema file itself must be one JSON document (an empty file fails with
  ``EOF``) that is valid against its draft's meta-schema (with formats
  asserted, e.g. invalid RE2 in ``pattern``).
* ``$ref`` resolves against ``file:///values.schema.json``. Helm loads
  ``http``/``https`` references over the network and ``file`` ones (relative
  references included) from the local disk; only references reachable from
  the root are loaded (an unused definition's ``$ref`` is never fetched), but
  all reachable ones are, whatever the values. profile-render never fetches:
  it resolves such references only from the ``local_refs`` mapping the caller
  passes and otherwise raises :class:`SchemaRefError`. Unresolved ``urn:``
  references become the schema ``true``, as in Helm.

``jsonschema`` is imported lazily, the first time a schema is compiled.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from profile_render.errors import ProfileRenderError, describe_value, format_path

__all__ = [
    "SchemaViolation",
    "SchemaValidationError",
    "SchemaRefError",
    "InvalidSchemaError",
    "ValidatorCache",
    "DEFAULT_CACHE",
    "validate_values",
    "go_regex_to_python",
]

ValuePath = Tuple[Any, ...]

#: The URI Helm registers every values schema under; relative references resolve against it.
BASE_URI = "file:///values.schema.json"

_MAX_ECHO = 80  # longest value text a message may quote


# ---------------------------------------------------------------------------
# Public results and errors


@dataclass(frozen=True)
class SchemaViolation:
    """One way the final values break a chart's ``values.schema.json``.

    ``path`` is the value path in the *final* values (a subchart's section
    prefix included); ``keyword`` the failing schema keyword (``type``,
    ``required``, ``enum``, ``format`` ..., ``false`` for a ``false`` schema);
    ``schema_path`` the keywords leading to it inside the schema; ``chart``
    the chart name path (``parent/sub``); ``origin`` where the offending value
    was set, when the caller gave an origin function.
    """

    path: ValuePath
    message: str
    keyword: str
    schema_path: Tuple[Any, ...]
    chart: str
    schema_source: str
    origin: Optional[object] = None

    def __str__(self) -> str:
        text = f"{format_path(self.path, limit=12)}: {self.message} [{self.keyword}]"
        where = _origin_text(self.origin)
        if where:
            text += f" (value from {where})"
        return text


def _origin_text(origin: Optional[object]) -> str:
    """``file:line:column (layer)`` for an Origin-like object, or ``""``."""
    if origin is None:
        return ""
    location = getattr(origin, "location", None)
    layer = getattr(origin, "layer", None)
    if location is None:
        return str(origin)
    return f"{location}, {layer}" if layer else str(location)


class SchemaValidationError(ProfileRenderError):
    """The final values break one or more charts' ``values.schema.json`` (Helm would refuse to render).

    ``violations`` lists every violation of every chart, sorted by value path;
    ``str()`` lists them, one per line, each with its value path, message,
    keyword and the location the value was set at (when known).
    """

    def __init__(self, violations: Sequence[SchemaViolation]) -> None:
        self.violations: List[SchemaViolation] = list(violations)
        charts = sorted({v.chart for v in self.violations})
        first = self.violations[0] if self.violations else None
        count = len(self.violations)
        super().__init__(
            f"the values do not meet the schema of chart{'s' if len(charts) > 1 else ''} "
            f"{', '.join(charts)} ({count} violation{'s' if count != 1 else ''})",
            source=first.schema_source if first and len({v.schema_source for v in self.violations}) == 1 else None,
            hint="change the values (or the chart's values.schema.json); Helm refuses to render them",
        )

    def _render(self) -> str:
        head = f"{self.source}: {self.problem}" if self.source else self.problem
        lines = [head + ":"]
        multi = len({v.chart for v in self.violations}) > 1
        for v in self.violations:
            prefix = f"{v.chart}: " if multi else ""
            lines.append(f"  - {prefix}{v}")
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)


class SchemaRefError(ProfileRenderError):
    """A schema refers to a document profile-render must not fetch (and ``local_refs`` lacks).

    ``ref`` is the absolute URI that was asked for.
    """

    def __init__(self, ref: str, *, source: Optional[str] = None, what: str = "$ref") -> None:
        self.ref = ref
        scheme = ref.split(":", 1)[0].lower() if ":" in ref else ""
        if scheme in ("http", "https"):
            helm = "Helm would download it"
        elif scheme == "file":
            helm = "Helm would read it from the local disk (relative references resolve against file:///values.schema.json)"
        else:
            helm = "Helm has no loader for this scheme and fails"
        super().__init__(
            f"the schema's {what} {ref!r} names a document that is not available offline ({helm})",
            source=source,
            hint="profile-render never fetches schemas: pass the document in local_refs={uri: schema}, "
                 "or inline it under $defs and refer to it with a local #/$defs/... reference",
        )


class InvalidSchemaError(ProfileRenderError):
    """A ``values.schema.json`` is not valid JSON or not a valid schema (Helm fails on it too).

    ``details`` lists every problem found (``at '/properties/a/pattern': ...``)
    when the schema breaks its meta-schema; the message names the first.
    """

    def __init__(self, problem: str, *, details: Sequence[str] = (), **kwargs: Any) -> None:
        self.details: List[str] = list(details)
        super().__init__(problem, **kwargs)


# ---------------------------------------------------------------------------
# The compiled-validator cache

_NO_REFS: Mapping[str, Any] = MappingProxyType({})


class ValidatorCache:
    """A thread-safe, bounded LRU cache of compiled schema validators.

    Entries are keyed by the SHA-256 of the schema file's bytes and the
    identity of the ``local_refs`` mapping used to compile them (treat that
    mapping as immutable once passed). A cache never changes results, only
    how often a schema is compiled; concurrent requests for the same missing
    entry compile it once. ``hits`` and ``misses`` count lookups.
    """

    def __init__(self, maxsize: int = 64) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._entries: "OrderedDict[Tuple[str, int], Tuple[Any, Any]]" = OrderedDict()
        self._pending: Dict[Tuple[str, int], "_Pending"] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        """Drop every entry (the counters stay)."""
        with self._lock:
            self._entries.clear()

    def get(self, schema: bytes, local_refs: Mapping[str, Any], compile_: Callable[[], Any]) -> Any:
        """The compiled validator for ``schema`` (compiling it with ``compile_()`` on a miss)."""
        key = (hashlib.sha256(schema).hexdigest(), id(local_refs))
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[1] is local_refs:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[0]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending()
                self.misses += 1
            else:
                self.hits += 1
        assert pending is not None
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.value
        try:
            value = compile_()
        except BaseException as exc:
            pending.error = exc
            with self._lock:
                self._pending.pop(key, None)
            pending.done.set()
            raise
        pending.value = value
        with self._lock:
            self._pending.pop(key, None)
            self._entries[key] = (value, local_refs)
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        pending.done.set()
        return value


class _Pending:
    __slots__ = ("done", "value", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: Optional[BaseException] = None


#: The cache :func:`validate_values` uses when given none. It is the module's
#: only mutable state and a pure cache: it never changes a result.
DEFAULT_CACHE = ValidatorCache()


# ---------------------------------------------------------------------------
# Entry point


def validate_values(
    chart: Any,
    values: Dict[str, Any],
    *,
    cache: Optional[ValidatorCache] = None,
    origin: Optional[Callable[[ValuePath], object]] = None,
    local_refs: Mapping[str, Any] = _NO_REFS,
) -> None:
    """Check final values against the chart's schema and every effective subchart's schema on its section, as Helm does.

    ``chart`` must be the *effective* chart tree (``MergeResult.chart``) and
    ``values`` the final values (``MergeResult.values``). Raises
    :class:`SchemaValidationError` listing all violations, sorted by value
    path; :class:`InvalidSchemaError` when a schema file is not valid JSON or
    not a valid schema; :class:`SchemaRefError` when a schema needs a
    document that is neither bundled (the JSON Schema meta-schemas) nor in
    ``local_refs`` (a mapping ``{absolute uri: schema}``). ``origin(path)``,
    when given (e.g. ``MergeResult.origin``), locates each offending value.
    ``cache`` defaults to :data:`DEFAULT_CACHE`, a pure cache: whichever
    cache is used, the outcome is the same.
    """
    cache = DEFAULT_CACHE if cache is None else cache
    refs = local_refs if local_refs else _NO_REFS
    found: List[SchemaViolation] = []
    _validate_chart(chart, values, (), chart.name, cache, refs, found)
    if not found:
        return
    if origin is not None:
        located = []
        for v in found:
            try:
                where = origin(v.path)
            except (ProfileRenderError, KeyError, LookupError):
                where = None
            located.append(_replace_origin(v, where))
        found = located
    found.sort(key=lambda v: (_path_key(v.path), v.chart, v.keyword, _path_key(v.schema_path)))
    raise SchemaValidationError(found)


def _replace_origin(v: SchemaViolation, where: Optional[object]) -> SchemaViolation:
    return SchemaViolation(v.path, v.message, v.keyword, v.schema_path, v.chart, v.schema_source, where)


def _path_key(path: Sequence[Any]) -> Tuple[Tuple[int, Any], ...]:
    return tuple((0, p) if isinstance(p, int) and not isinstance(p, bool) else (1, str(p)) for p in path)


def _validate_chart(chart: Any, values: Dict[str, Any], prefix: ValuePath, chart_path: str,
                    cache: ValidatorCache, refs: Mapping[str, Any], out: List[SchemaViolation]) -> None:
    schema_source = posixpath.join(chart.source, "values.schema.json") if chart.source else "values.schema.json"
    if chart.schema is not None:
        schema_bytes = bytes(chart.schema)
        compiled = cache.get(schema_bytes, refs, lambda: _compile(schema_bytes, schema_source, refs))
        for path, message, keyword, schema_path in compiled.violations(values, schema_source):
            out.append(SchemaViolation(prefix + path, message, keyword, schema_path, chart_path, schema_source))
    for sub in chart.dependencies:
        section = values.get(sub.name)
        if section is None:
            continue  # Helm: no values for this subchart, nothing to validate
        if not isinstance(section, dict):
            out.append(SchemaViolation(
                prefix + (sub.name,),
                f"the values of subchart {sub.name!r} must be a table, not {describe_value(section)}",
                "type", (), f"{chart_path}/{sub.name}", schema_source))
            continue
        _validate_chart(sub, section, prefix + (sub.name,), f"{chart_path}/{sub.name}", cache, refs, out)


# ---------------------------------------------------------------------------
# Schema documents: JSON as Go's decoder (UseNumber) reads it


class _JNum(float):
    """A JSON number from a schema: a float that remembers its exact text."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> "_JNum":
        obj = super().__new__(cls, text)
        obj.text = text
        return obj

    def __repr__(self) -> str:
        return self.text


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON value {name}")


def _parse_schema_json(data: bytes, source: str) -> Any:
    """Decode a schema file like Helm (BOM dropped, one JSON document, exact numbers)."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise InvalidSchemaError("the schema file is empty (Helm fails with EOF)", source=source,
                                 hint="write a JSON schema (at least {}) or delete values.schema.json")
    try:
        return json.loads(text, parse_float=_JNum, parse_int=int, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        column = exc.colno + (1 if bom and exc.lineno == 1 else 0)
        problem = exc.msg
        if problem == "Extra data":
            problem = "invalid character after top-level value"
        raise InvalidSchemaError(f"the schema file is not valid JSON: {problem}", source=source,
                                 line=exc.lineno, column=column, hint="fix the JSON syntax") from None
    except (ValueError, RecursionError) as exc:
        raise InvalidSchemaError(f"the schema file is not valid JSON: {exc}", source=source,
                                 hint="fix the JSON syntax") from None


# ---------------------------------------------------------------------------
# Drafts

_DRAFT_URLS = {
    "json-schema.org/schema": 2020,
    "json-schema.org/draft/2020-12/schema": 2020,
    "json-schema.org/draft/2019-09/schema": 2019,
    "json-schema.org/draft-07/schema": 7,
    "json-schema.org/draft-06/schema": 6,
    "json-schema.org/draft-04/schema": 4,
}
_META_URLS = {
    4: "http://json-schema.org/draft-04/schema",
    6: "http://json-schema.org/draft-06/schema",
    7: "http://json-schema.org/draft-07/schema",
    2019: "https://json-schema.org/draft/2019-09/schema",
    2020: "https://json-schema.org/draft/2020-12/schema",
}
_DEFAULT_DRAFT = 2020


def _draft_from_url(url: str) -> Optional[int]:
    """The draft a ``$schema`` URL names, as v6 reads it (fragment dropped, http/https ignored)."""
    base = url.split("#", 1)[0]
    if base.startswith("http://"):
        base = base[len("http://"):]
    elif base.startswith("https://"):
        base = base[len("https://"):]
    return _DRAFT_URLS.get(base)


def _strip_empty_fragment(uri: str) -> str:
    return uri[:-1] if uri.endswith("#") else uri


# ---------------------------------------------------------------------------
# Compilation


class _Compiled:
    """A compiled schema: a jsonschema validator plus what is needed to report its errors."""

    def __init__(self, js: _JS, validator: Any, patterns: Dict[str, str], draft: int, asserts_format: bool) -> None:
        self.js = js
        self.validator = validator
        self.patterns = patterns  # translated pattern -> the schema's original text
        self.draft = draft
        self.asserts_format = asserts_format

    def violations(self, values: Any, source: str) -> Iterator[Tuple[ValuePath, str, str, Tuple[Any, ...]]]:
        try:
            errors = list(self.validator.iter_errors(values))
        except self.js.referencing_exceptions.Unresolvable as exc:
            raise _unresolvable(exc, source) from None
        for error in errors:
            keyword = error.validator if isinstance(error.validator, str) else "false"
            schema_path = tuple(self.patterns.get(p, p) if isinstance(p, str) else p
                                for p in error.absolute_schema_path)
            yield tuple(error.absolute_path), self._message(error, keyword), keyword, schema_path

    def _message(self, error: Any, keyword: str) -> str:
        instance = error.instance
        if keyword == "format":
            cause = f": {error.cause}" if error.cause is not None and str(error.cause) else ""
            return f"{_echo(instance)} is not a valid {error.validator_value}{cause}"
        if keyword == "pattern":
            original = self.patterns.get(error.validator_value, error.validator_value)
            return f"{_echo(instance)} does not match the pattern {original!r}"
        if keyword == "false":
            return f"False schema does not allow {_echo(instance)}"
        message = error.message
        full = repr(instance)
        if len(full) > _MAX_ECHO and full in message:
            message = message.replace(full, _echo(instance))
        return message


def _echo(value: Any) -> str:
    """A value's repr, shortened so a message never quotes more than 80 characters of it."""
    text = repr(value)
    if len(text) <= _MAX_ECHO:
        return text
    if isinstance(value, str):
        return f"{text[:50]}...' ({len(value)} characters)"
    if isinstance(value, dict):
        return f"{text[:50]}...}} ({len(value)} keys)"
    if isinstance(value, list):
        return f"{text[:50]}...] ({len(value)} items)"
    return text[: _MAX_ECHO - 3] + "..."


class _JS:
    """The lazily imported jsonschema / referencing modules."""

    def __init__(self) -> None:
        import attr
        import jsonschema
        import jsonschema_specifications
        import referencing
        import referencing.exceptions
        import referencing.jsonschema
        from jsonschema import validators

        self.attr = attr
        self.jsonschema = jsonschema
        self.validators = validators
        self.referencing = referencing
        self.referencing_exceptions = referencing.exceptions
        self.rjs = referencing.jsonschema
        self.specs = jsonschema_specifications.REGISTRY
        self.base_classes = {
            4: jsonschema.Draft4Validator,
            6: jsonschema.Draft6Validator,
            7: jsonschema.Draft7Validator,
            2019: jsonschema.Draft201909Validator,
            2020: jsonschema.Draft202012Validator,
        }
        self.specifications = {
            4: referencing.jsonschema.DRAFT4,
            6: referencing.jsonschema.DRAFT6,
            7: referencing.jsonschema.DRAFT7,
            2019: referencing.jsonschema.DRAFT201909,
            2020: referencing.jsonschema.DRAFT202012,
        }


def _jsonschema() -> _JS:
    """The jsonschema modules, imported on first use (Python caches the imports themselves)."""
    return _JS()


def _unresolvable(exc: BaseException, source: str) -> ProfileRenderError:
    """Turn a referencing failure into our error: the SchemaRefError raised while retrieving, or an InvalidSchemaError."""
    seen = set()
    cause: Optional[BaseException] = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ProfileRenderError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    ref = getattr(exc, "ref", "")
    return InvalidSchemaError(f"the schema's $ref {ref!r} cannot be resolved ({type(exc).__name__})",
                              source=source, hint="point $ref at an existing definition, e.g. #/definitions/name")


def _compile(data: bytes, source: str, local_refs: Mapping[str, Any]) -> _Compiled:
    """Parse, check and compile one schema file into a validator with Helm's semantics."""
    js = _jsonschema()
    schema = _parse_schema_json(data, source)
    local = {_strip_empty_fragment(uri): doc for uri, doc in local_refs.items()}

    # The draft, and whether format asserts, from the root $schema (v6's rules).
    draft = _DEFAULT_DRAFT
    asserts_format: Optional[bool] = None
    meta_doc: Any = None
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    if isinstance(declared, str):
        known = _draft_from_url(declared)
        if known is not None:
            draft = known
        else:
            meta_uri = _strip_empty_fragment(declared.split("#", 1)[0])
            absolute = _urljoin(BASE_URI, meta_uri)
            if absolute in local or meta_uri in local:
                meta_doc = local.get(absolute, local.get(meta_uri))
                inner = meta_doc.get("$schema") if isinstance(meta_doc, dict) else None
                draft = (_draft_from_url(inner) if isinstance(inner, str) else None) or _DEFAULT_DRAFT
                asserts_format = _vocab_asserts_format(meta_doc, draft)
            elif absolute.startswith("urn:") or meta_uri.startswith("urn:"):
                meta_doc = True  # Helm's URN loader: an unresolved URN is the permissive schema
            else:
                raise SchemaRefError(declared, source=source, what="$schema")
    if asserts_format is None:
        asserts_format = draft < 2019

    checker = _format_checker(js)
    dialects = _Dialects(js, checker)
    cls = dialects.cls(draft)

    # 1. The schema must be valid against its meta-schema (formats asserted, as v6 does).
    # The resolver only knows the bundled meta-schemas: it can never fetch.
    if meta_doc is None:
        meta_validator = cls(cls.META_SCHEMA, format_checker=checker,
                             _resolver=js.specs.resolver(base_uri=_META_URLS[draft]))
    else:
        meta_validator = cls(meta_doc, format_checker=checker, _resolver=js.specs.resolver(base_uri=""))
    meta_errors = sorted(meta_validator.iter_errors(schema), key=lambda e: _path_key(e.absolute_path))
    if meta_errors:
        details = [f"at '/{'/'.join(str(p) for p in e.absolute_path)}': {_meta_message(e)}" for e in meta_errors]
        more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
        raise InvalidSchemaError(
            f"the schema is not a valid draft {_draft_name(draft)} schema: {details[0]}{more}",
            details=details, source=source, hint="fix values.schema.json")

    # 2. Patterns in Go's RE2 syntax become Python regular expressions with the same meaning.
    patterns: Dict[str, str] = {}
    translated = _translate_patterns(schema, draft, patterns, source)
    local_docs = {uri: _translate_patterns(doc, draft, patterns, source) for uri, doc in local.items()}
    dialects.roots.update(id(doc) for doc in local_docs.values())

    # 3. A registry that never fetches: bundled meta-schemas, local_refs, urn -> true.
    spec = js.specifications[draft]

    def retrieve(uri: str) -> Any:
        key = _strip_empty_fragment(uri)
        if key in local_docs:
            return _resource(js, local_docs[key])
        known = _draft_from_url(key)
        if known is not None:
            return js.specs.get(_META_URLS[known]) or _resource(js, js.base_classes[known].META_SCHEMA)
        if key in js.specs and ("2019-09/meta/" in key or "2020-12/meta/" in key):
            return js.specs.get(key)
        if key.startswith("urn:"):
            return js.specifications[_DEFAULT_DRAFT].create_resource(True)
        raise SchemaRefError(uri, source=source)

    registry = js.referencing.Registry(retrieve=retrieve)
    root = spec.create_resource(translated)
    root_id = spec.id_of(translated) if isinstance(translated, dict) else None
    base = _urljoin(BASE_URI, root_id) if root_id else BASE_URI
    registry = registry.with_resource(BASE_URI, root)
    if base != BASE_URI:
        registry = registry.with_resource(base, root)
    resolver = registry.resolver(base_uri=base)

    # 4. Every reference reachable from the root is resolved now, as v6 compiles them.
    _check_references(js, translated, resolver, spec, draft, source)

    validator = cls(translated, format_checker=checker if asserts_format else None, _resolver=resolver)
    return _Compiled(js, validator, patterns, draft, asserts_format)


def _draft_name(draft: int) -> str:
    return {4: "04", 6: "06", 7: "07", 2019: "2019-09", 2020: "2020-12"}[draft]


def _meta_message(error: Any) -> str:
    """A meta-schema error's message (with the format's reason), at most 300 characters."""
    message = error.message
    if error.validator == "format" and error.cause is not None:
        message = f"{error.instance!r} is not a valid {error.validator_value}: {error.cause}"
    if len(message) > 300:
        message = message[:297] + "..."
    return message


def _vocab_asserts_format(meta: Any, draft: int) -> bool:
    """Whether a custom meta-schema's ``$vocabulary`` requires format assertion (v6's rule)."""
    if draft < 2019:
        return True
    vocab = meta.get("$vocabulary") if isinstance(meta, dict) else None
    if not isinstance(vocab, dict):
        return False
    if draft == 2019:
        return vocab.get("https://json-schema.org/draft/2019-09/vocab/format") is True
    return "https://json-schema.org/draft/2020-12/vocab/format-assertion" in vocab


def _urljoin(base: str, ref: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, ref)


def _resource(js: _JS, doc: Any) -> Any:
    """A referencing resource for a document, its draft taken from its own ``$schema`` (default 2020-12)."""
    declared = doc.get("$schema") if isinstance(doc, dict) else None
    draft = (_draft_from_url(declared) if isinstance(declared, str) else None) or _DEFAULT_DRAFT
    return js.specifications[draft].create_resource(doc)


class _Dialects:
    """The validator classes of one compiled schema, one per draft, built on demand.

    ``roots`` holds the ids of document roots (``local_refs`` documents): like
    embedded resources (sub-schemas with an id), they keep their own ``$schema``.
    """

    def __init__(self, js: _JS, checker: Any, roots: Sequence[Any] = ()) -> None:
        self.js = js
        self.checker = checker
        self.roots = {id(doc) for doc in roots}
        self._classes: Dict[int, Any] = {}
        self._lock = threading.Lock()

    def cls(self, draft: int) -> Any:
        with self._lock:
            if draft not in self._classes:
                self._classes[draft] = _validator_class(self.js, draft, self)
            return self._classes[draft]


def _validator_class(js: _JS, draft: int, dialects: _Dialects) -> Any:
    """A validator class for ``draft`` with Helm's (v6's) number, equality and dialect semantics."""
    base = js.base_classes[draft]
    type_checker = base.TYPE_CHECKER.redefine("integer", _is_integer)
    keywords = dict(base.VALIDATORS)
    keywords.update({
        "multipleOf": _multiple_of,
        "enum": _enum,
        "format": _format,
    })
    if "const" in keywords:
        keywords["const"] = _const
    if draft == 4:
        keywords["minimum"] = _minimum_draft4
        keywords["maximum"] = _maximum_draft4
    else:
        keywords["minimum"] = _minimum
        keywords["maximum"] = _maximum
        keywords["exclusiveMinimum"] = _exclusive_minimum
        keywords["exclusiveMaximum"] = _exclusive_maximum
    cls = js.validators.extend(base, keywords, type_checker=type_checker)
    fields = [(f.name, f.alias) for f in js.attr.fields(cls) if f.init]
    id_key = "id" if draft == 4 else "$id"

    # jsonschema switches to its standard class for any sub-schema naming a
    # $schema. v6 (and so Helm) honours $schema only on a resource: a document
    # root or a sub-schema with an id (ignored next to $ref before 2019-09),
    # and then with that draft's format rule.
    def evolve(self: Any, **changes: Any) -> Any:
        schema = changes.setdefault("schema", self.schema)
        target = cls
        if isinstance(schema, dict):
            declared = schema.get("$schema")
            if isinstance(declared, str) and (
                id(schema) in dialects.roots
                or (id_key in schema and not (draft < 2019 and "$ref" in schema))
            ):
                other = _draft_from_url(declared)
                if other is not None and other != draft:
                    target = dialects.cls(other)
                    changes["format_checker"] = dialects.checker if other < 2019 else None
        for name, alias in fields:
            if alias not in changes:
                changes[alias] = getattr(self, name)
        return target(**changes)

    cls.evolve = evolve
    return cls


# -- numbers and equality as v6 sees them (exact rationals of the shortest decimal text)


def _rat(value: Any) -> Fraction:
    if isinstance(value, _JNum):
        return Fraction(value.text)
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(float(value)))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(checker: Any, value: Any) -> bool:
    if not _is_number(value):
        return False
    if isinstance(value, int):
        return True
    try:
        return _rat(value).denominator == 1
    except (ValueError, OverflowError):
        return False


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and len(a) == len(b) and all(k in b and _equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a):
        return _is_number(b) and _rat(a) == _rat(b)
    if a is None:
        return b is None
    return type(a) is type(b) and a == b


def _error(message: str) -> Any:
    """A jsonschema ValidationError (jsonschema fills in keyword, instance and paths)."""
    from jsonschema.exceptions import ValidationError

    return ValidationError(message)


def _enum(validator: Any, enums: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(enums, list) or not any(_equal(instance, e) for e in enums):
        yield _error(f"{_echo(instance)} is not one of {enums!r}")


def _const(validator: Any, const: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not _equal(instance, const):
        yield _error(f"{const!r} was expected")


def _multiple_of(validator: Any, divisor: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not _is_number(instance) or not _is_number(divisor):
        return
    d = _rat(divisor)
    if d == 0:
        return
    if (_rat(instance) / d).denominator != 1:
        yield _error(f"{_echo(instance)} is not a multiple of {divisor!r}")


def _compare(validator: Any, bound: Any, instance: Any, fails: Callable[[Fraction, Fraction], bool],
             text: str) -> Iterator[Any]:
    if not _is_number(instance) or not _is_number(bound):
        return
    if fails(_rat(instance), _rat(bound)):
        yield _error(f"{_echo(instance)} is {text} {bound!r}")


def _minimum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(validator, bound, instance, lambda v, b: v < b, "less than the minimum of")


def _maximum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(validator, bound, instance, lambda v, b: v > b, "greater than the maximum of")


def _exclusive_minimum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(validator, bound, instance, lambda v, b: v <= b,
                        "less than or equal to the exclusive minimum of")


def _exclusive_maximum(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _compare(validator, bound, instance, lambda v, b: v >= b,
                        "greater than or equal to the exclusive maximum of")


def _minimum_draft4(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if schema.get("exclusiveMinimum", False) is True:
        yield from _exclusive_minimum(validator, bound, instance, schema)
    else:
        yield from _minimum(validator, bound, instance, schema)


def _maximum_draft4(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if schema.get("exclusiveMaximum", False) is True:
        yield from _exclusive_maximum(validator, bound, instance, schema)
    else:
        yield from _maximum(validator, bound, instance, schema)


def _format(validator: Any, fmt: Any, instance: Any, schema: Any) -> Iterator[Any]:
    checker = validator.format_checker
    if checker is None or not isinstance(fmt, str):
        return
    check = _FORMATS.get(fmt)
    if check is None or not isinstance(instance, str):
        return
    reason = check(instance)
    if reason is not None:
        error = _error(f"{_echo(instance)} is not a valid {fmt}")
        error.cause = _FormatReason(reason)
        yield error


class _FormatReason(ValueError):
    """Why a string is not of a format (the text v6 gives)."""


def _format_checker(js: _JS) -> Any:
    """A FormatChecker that knows exactly v6's formats (used for meta-schema checks and draft-04/06/07)."""
    checker = js.jsonschema.FormatChecker(formats=())
    for name, check in _FORMATS.items():
        def fn(instance: Any, check: Callable[[str], Optional[str]] = check) -> bool:
            if not isinstance(instance, str):
                return True
            reason = check(instance)
            if reason is not None:
                raise _FormatReason(reason)
            return True
        checker.checks(name, raises=_FormatReason)(fn)
    return checker


# -- references: resolve every reachable one now (v6 compiles eagerly)

_SELF_KEYWORDS = {
    4: ("not", "additionalProperties", "additionalItems", "items"),
    6: ("not", "additionalProperties", "additionalItems", "items", "contains", "propertyNames"),
    7: ("not", "additionalProperties", "additionalItems", "items", "contains", "propertyNames",
        "if", "then", "else"),
    2019: ("not", "additionalProperties", "additionalItems", "items", "contains", "propertyNames",
           "if", "then", "else", "unevaluatedProperties", "unevaluatedItems"),
    2020: ("not", "additionalProperties", "items", "contains", "propertyNames",
           "if", "then", "else", "unevaluatedProperties", "unevaluatedItems"),
}
_ARRAY_KEYWORDS = {
    4: ("allOf", "anyOf", "oneOf", "items"),
    6: ("allOf", "anyOf", "oneOf", "items"),
    7: ("allOf", "anyOf", "oneOf", "items"),
    2019: ("allOf", "anyOf", "oneOf", "items"),
    2020: ("allOf", "anyOf", "oneOf", "prefixItems"),
}
_MAP_KEYWORDS = {
    4: ("properties", "patternProperties", "dependencies"),
    6: ("properties", "patternProperties", "dependencies"),
    7: ("properties", "patternProperties", "dependencies"),
    2019: ("properties", "patternProperties", "dependentSchemas"),
    2020: ("properties", "patternProperties", "dependentSchemas"),
}
# Sub-schema positions the pattern translation also visits (definitions hold schemas, too).
_DEFINITION_KEYWORDS = ("definitions", "$defs")


def _subschemas(node: Dict[str, Any], draft: int, *, definitions: bool) -> Iterator[Any]:
    for kw in _SELF_KEYWORDS[draft]:
        value = node.get(kw)
        if isinstance(value, (dict, bool)):
            yield value
    for kw in _ARRAY_KEYWORDS[draft]:
        value = node.get(kw)
        if isinstance(value, list):
            yield from value
    for kw in _MAP_KEYWORDS[draft] + (_DEFINITION_KEYWORDS if definitions else ()):
        value = node.get(kw)
        if isinstance(value, dict):
            for sub in value.values():
                if isinstance(sub, (dict, bool)):
                    yield sub


def _check_references(js: _JS, schema: Any, resolver: Any, spec: Any, draft: int, source: str) -> None:
    errors = js.referencing_exceptions
    stack: List[Tuple[Any, Any]] = [(schema, resolver)]
    seen: set = set()
    while stack:
        node, res = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        try:
            res = res.in_subresource(spec.create_resource(node))
        except Exception:  # noqa: BLE001 - an odd $id; the validator reports what matters
            pass
        ref_keys = ("$ref",) if draft < 2019 else ("$ref", "$dynamicRef", "$recursiveRef")
        for kw in ref_keys:
            ref = node.get(kw)
            if not isinstance(ref, str):
                continue
            try:
                resolved = res.lookup(ref)
            except errors.Unresolvable as exc:
                if kw != "$ref" and not isinstance(_unresolvable(exc, source), SchemaRefError):
                    continue  # a dynamic reference may legitimately have no static target
                raise _unresolvable(exc, source) from None
            except (TypeError, ValueError, LookupError):
                # e.g. a JSON pointer into a boolean schema (an unresolved urn: is `true`)
                if kw != "$ref":
                    continue
                raise InvalidSchemaError(f"the schema's $ref {ref!r} points to nothing", source=source,
                                         hint="point $ref at an existing definition, e.g. #/definitions/name") from None
            stack.append((resolved.contents, resolved.resolver))
        if draft < 2019 and "$ref" in node:
            continue  # siblings of $ref are ignored before 2019-09
        for sub in _subschemas(node, draft, definitions=False):
            stack.append((sub, res))


def _translate_patterns(schema: Any, draft: int, patterns: Dict[str, str], source: str) -> Any:
    """A copy of the schema with every ``pattern`` and ``patternProperties`` key in Python syntax."""

    def visit(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        out = dict(node)
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            out["pattern"] = translate(pattern)
        props = node.get("patternProperties")
        if isinstance(props, dict):
            out["patternProperties"] = {translate(k): visit(v) for k, v in props.items()}
        for kw in _SELF_KEYWORDS[draft] + ("contentSchema",):
            if kw in node:
                out[kw] = visit(node[kw])
        for kw in _ARRAY_KEYWORDS[draft]:
            if isinstance(node.get(kw), list):
                out[kw] = [visit(v) for v in node[kw]]
        for kw in _MAP_KEYWORDS[draft] + _DEFINITION_KEYWORDS:
            if kw == "patternProperties":
                continue
            if isinstance(node.get(kw), dict):
                out[kw] = {k: visit(v) for k, v in node[kw].items()}
        return out

    def translate(pattern: str) -> str:
        try:
            python = go_regex_to_python(pattern)
        except _Unsupported as exc:
            raise InvalidSchemaError(f"profile-render cannot evaluate the pattern {pattern!r}: {exc}", source=source,
                                     hint="rewrite the pattern without Unicode script classes such as \\p{Greek}") from None
        except ValueError as exc:
            raise InvalidSchemaError(f"the pattern {pattern!r} is not valid RE2 syntax: {exc}", source=source,
                                     hint="Helm uses Go's regexp syntax: no look-around, no back-references") from None
        if python != pattern:
            patterns[python] = pattern
        return python

    return visit(schema)


# ---------------------------------------------------------------------------
# Go regular expressions (RE2 syntax, Perl flags) translated to Python's re


class _Unsupported(ValueError):
    """Valid Go syntax that Python's re cannot express."""


_ASCII_CLASSES = {
    "d": [(0x30, 0x39)],
    "s": [(0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)],
    "w": [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
}
_POSIX_CLASSES = {
    "alnum": [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
    "alpha": [(0x41, 0x5A), (0x61, 0x7A)],
    "ascii": [(0x00, 0x7F)],
    "blank": [(0x09, 0x09), (0x20, 0x20)],
    "cntrl": [(0x00, 0x1F), (0x7F, 0x7F)],
    "digit": [(0x30, 0x39)],
    "graph": [(0x21, 0x7E)],
    "lower": [(0x61, 0x7A)],
    "print": [(0x20, 0x7E)],
    "punct": [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
    "space": [(0x09, 0x0D), (0x20, 0x20)],
    "upper": [(0x41, 0x5A)],
    "word": [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
    "xdigit": [(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
}
_WORD = "[0-9A-Za-z_]"
_BOUNDARY = f"(?:(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD}))"
_NON_BOUNDARY = f"(?:(?<={_WORD})(?={_WORD})|(?<!{_WORD})(?!{_WORD}))"
_MAX_RUNE = 0x10FFFF
_REPEAT = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")


def _complement(ranges: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    out = []
    nxt = 0
    for lo, hi in sorted(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = max(nxt, hi + 1)
    if nxt <= _MAX_RUNE:
        out.append((nxt, _MAX_RUNE))
    return out


def _class_char(cp: int) -> str:
    ch = chr(cp)
    if ch.isascii() and ch.isalnum():
        return ch
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def _ranges_text(ranges: List[Tuple[int, int]]) -> str:
    return "".join(_class_char(lo) if lo == hi else f"{_class_char(lo)}-{_class_char(hi)}" for lo, hi in ranges)


def _literal(cp: int) -> str:
    return _class_char(cp)


class _GoRegexTranslator:
    """One pass over a Go pattern, validating RE2 syntax and emitting an equivalent Python pattern."""

    def __init__(self, pattern: str, check_only: bool) -> None:
        self.p = pattern
        self.i = 0
        self.out: List[str] = []
        self.check_only = check_only
        # per open group: [extra ")" to close, multiline flag to restore]
        self.groups: List[List[Any]] = []
        self.multiline = False
        self.top_extra = 0
        self.can_repeat = False  # an atom precedes (a repetition operator may follow)
        self.after_repeat = False  # the previous item was a repetition (Go forbids another)

    def error(self, text: str) -> ValueError:
        return ValueError(text)

    def run(self) -> str:
        p = self.p
        while self.i < len(p):
            c = p[self.i]
            if c == "\\":
                self.escape()
            elif c == "[":
                self.char_class()
            elif c == "(":
                self.open_group()
            elif c == ")":
                self.close_group()
            elif c in "*+?":
                self.repeat(c)
            elif c == "{":
                self.brace()
            elif c == "|":
                self.emit_op("|")
                self.can_repeat = False
            elif c == "^":
                self.emit_atom("(?:^)")
            elif c == "$":
                self.emit_atom("(?:$)" if self.multiline else "(?:\\Z)")
            elif c == ".":
                self.emit_atom(".")
            else:
                self.emit_atom(re.escape(c))
        if self.groups:
            raise self.error("missing closing )")
        return "".join(self.out) + ")" * self.top_extra

    # -- helpers
    def emit_atom(self, text: str) -> None:
        """Emit one atom read from the single character at self.i."""
        self.out.append(text)
        self.can_repeat = True
        self.after_repeat = False
        self.i += 1

    def emit_op(self, text: str) -> None:
        self.out.append(text)
        self.after_repeat = False
        self.i += 1

    def repeat(self, op: str) -> None:
        if self.after_repeat:
            end = self.i + 1
            raise self.error(f"invalid nested repetition operator: `{self.p[self.i - 1:end]}`")
        if not self.can_repeat:
            raise self.error(f"missing argument to repetition operator: `{op}`")
        self.i += 1
        text = op
        if self.i < len(self.p) and self.p[self.i] == "?":
            text += "?"
            self.i += 1
        self.out.append(text)
        self.after_repeat = True

    def brace(self) -> None:
        m = _REPEAT.match(self.p, self.i)
        if m is None or any(g and len(g) > 1 and g[0] == "0" for g in (m.group(1), m.group(3))):
            self.emit_atom("\\{")  # not a repeat (Go also refuses leading zeros): a literal brace
            return
        lo = int(m.group(1))
        hi = lo if m.group(2) is None else (int(m.group(3)) if m.group(3) else -1)
        if lo > 1000 or hi > 1000 or (hi != -1 and hi < lo):
            raise self.error(f"invalid repeat count: `{m.group(0)}`")
        if self.after_repeat:
            raise self.error(f"invalid nested repetition operator: `{m.group(0)}`")
        if not self.can_repeat:
            raise self.error(f"missing argument to repetition operator: `{m.group(0)}`")
        self.i = m.end()
        text = m.group(0)
        if self.i < len(self.p) and self.p[self.i] == "?":
            text += "?"
            self.i += 1
        self.out.append(text)
        self.after_repeat = True

    def open_group(self) -> None:
        p = self.p
        i = self.i
        if p.startswith("(?", i):
            if p.startswith("(?P<", i) or (p.startswith("(?<", i) and not p.startswith(("(?<=", "(?<!"), i)):
                start = i + (4 if p.startswith("(?P<", i) else 3)
                end = p.find(">", start)
                name = p[start:end] if end != -1 else ""
                if end == -1 or not name or not all(ch == "_" or (ch.isascii() and ch.isalnum()) for ch in name):
                    raise self.error(f"invalid named capture: `{p[i:end + 1 if end != -1 else len(p)]}`")
                self.push_group(end + 1, "(", self.multiline)
                return
            # flags: (?flags) or (?flags:re)
            j = i + 2
            on: Set[str] = set()
            off: Set[str] = set()
            negated, saw = False, False
            while j < len(p):
                ch = p[j]
                if ch in "imsU":
                    (off if negated else on).add(ch)
                    saw = True
                elif ch == "-":
                    if negated:
                        break
                    negated, saw = True, False
                elif ch in ":)":
                    if negated and not saw:
                        break
                    # U (ungreedy) changes which match is found, never whether one
                    # exists, and pattern checks only ask the latter: it is dropped.
                    multiline = ("m" in on) or (self.multiline and "m" not in off)
                    py_on = "".join(sorted(f for f in on if f in "ims"))
                    py_off = "".join(sorted(f for f in off if f in "ims"))
                    flags = py_on + (f"-{py_off}" if py_off else "")
                    opener = f"(?{flags}:" if flags else "(?:"
                    if ch == ":":
                        self.push_group(j + 1, opener, multiline)
                    else:
                        # applies to the rest of the current group
                        self.out.append(opener)
                        if self.groups:
                            self.groups[-1][0] += 1
                        else:
                            self.top_extra += 1
                        self.multiline = multiline
                        self.i = j + 1
                        self.can_repeat = False
                        self.after_repeat = False
                    return
                else:
                    break
                j += 1
            raise self.error(f"invalid or unsupported Perl syntax: `{p[i:j + 1]}`")
        self.push_group(i + 1, "(", self.multiline)

    def push_group(self, resume: int, opener: str, multiline: bool) -> None:
        self.groups.append([0, self.multiline])
        self.multiline = multiline
        self.out.append(opener)
        self.i = resume
        self.can_repeat = False
        self.after_repeat = False

    def close_group(self) -> None:
        if not self.groups:
            raise self.error("unexpected ): `" + self.p + "`")
        extra, multiline = self.groups.pop()
        self.out.append(")" * extra + ")")
        self.multiline = multiline
        self.i += 1
        self.can_repeat = True
        self.after_repeat = False

    # -- escapes
    def unicode_class(self, start: int) -> Tuple[str, int]:
        """Parse ``\\pX`` / ``\\p{Name}``; returns (name, end index)."""
        p = self.p
        j = start + 2
        if j >= len(p):
            raise self.error("invalid character class range: `" + p[start:] + "`")
        if p[j] == "{":
            end = p.find("}", j)
            if end == -1:
                raise self.error("invalid character class range: `" + p[start:] + "`")
            return p[j + 1:end], end + 1
        return p[j], j + 1

    def unicode_ranges(self, name: str, negated: bool) -> List[Tuple[int, int]]:
        if name.startswith("^"):
            name, negated = name[1:], not negated
        if self.check_only:
            if not re.fullmatch(r"[A-Za-z_]+", name):
                raise self.error(f"invalid character class range: `\\p{{{name}}}`")
            return [(0x61, 0x61)]
        if name == "Any":
            ranges = [(0, _MAX_RUNE)]
        elif name in _UNICODE_CATEGORIES:
            ranges = _category_ranges(name)
        else:
            raise _Unsupported(f"the Unicode class \\p{{{name}}} (only general categories are supported)")
        return _complement(ranges) if negated else ranges

    def parse_escape(self, in_class: bool) -> int:
        """A single-character escape at self.i (the backslash); returns its code point."""
        p = self.p
        if self.i + 1 >= len(p):
            raise self.error("trailing backslash at end of expression")
        c = p[self.i + 1]
        start = self.i
        self.i += 2
        if c in "1234567" and not (self.i < len(p) and p[self.i] in "01234567"):
            raise self.error(f"invalid escape sequence: `{p[start:self.i]}`")
        if c in "01234567":
            value = ord(c) - 48
            for _ in range(2):
                if self.i < len(p) and p[self.i] in "01234567":
                    value = value * 8 + ord(p[self.i]) - 48
                    self.i += 1
                else:
                    break
            return value
        if c == "x":
            if self.i < len(p) and p[self.i] == "{":
                end = p.find("}", self.i)
                digits = p[self.i + 1:end] if end != -1 else ""
                if end == -1 or not digits or not all(d in "0123456789abcdefABCDEF" for d in digits):
                    raise self.error(f"invalid escape sequence: `{p[start:end if end != -1 else len(p)]}`")
                value = int(digits, 16)
                if value > _MAX_RUNE:
                    raise self.error(f"invalid escape sequence: `{p[start:end]}`")
                self.i = end + 1
                return value
            digits = p[self.i:self.i + 2]
            if len(digits) < 2 or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise self.error(f"invalid escape sequence: `{p[start:self.i + 2]}`")
            self.i += 2
            return int(digits, 16)
        simple = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
        if c in simple:
            return simple[c]
        if ord(c) < 0x80 and not c.isalnum():
            return ord(c)
        raise self.error(f"invalid escape sequence: `{p[start:self.i]}`")

    def escape(self) -> None:
        p = self.p
        if self.i + 1 >= len(p):
            raise self.error("trailing backslash at end of expression")
        c = p[self.i + 1]
        if c in "AzbB":
            text = {"A": "\\A", "z": "\\Z", "b": _BOUNDARY, "B": _NON_BOUNDARY}[c]
            self.out.append(f"(?:{text})")
            self.i += 2
            self.can_repeat = True
            self.after_repeat = False
            return
        if c == "Q":
            end = p.find("\\E", self.i + 2)
            literal = p[self.i + 2:] if end == -1 else p[self.i + 2:end]
            self.i = len(p) if end == -1 else end + 2
            for ch in literal:
                self.out.append(re.escape(ch))
            if literal:
                self.can_repeat = True
                self.after_repeat = False
            return
        if c in "dDsSwW":
            ranges = _ASCII_CLASSES[c.lower()]
            body = _ranges_text(ranges)
            self.out.append(f"[^{body}]" if c.isupper() else f"[{body}]")
            self.i += 2
            self.can_repeat = True
            self.after_repeat = False
            return
        if c in "pP":
            name, end = self.unicode_class(self.i)
            ranges = self.unicode_ranges(name, c == "P")
            self.out.append(f"[{_ranges_text(ranges)}]")
            self.i = end
            self.can_repeat = True
            self.after_repeat = False
            return
        cp = self.parse_escape(in_class=False)
        self.out.append(_literal(cp))
        self.can_repeat = True
        self.after_repeat = False

    # -- character classes
    def char_class(self) -> None:
        p = self.p
        start = self.i
        self.i += 1
        negated = False
        if self.i < len(p) and p[self.i] == "^":
            negated = True
            self.i += 1
        items: List[str] = []
        first = True
        while True:
            if self.i >= len(p):
                raise self.error(f"missing closing ]: `{p[start:]}`")
            c = p[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if p.startswith("[:", self.i):
                end = p.find(":]", self.i + 2)
                if end != -1:
                    name = p[self.i + 2:end]
                    neg = name.startswith("^")
                    ranges = _POSIX_CLASSES.get(name[1:] if neg else name)
                    if ranges is None:
                        raise self.error(f"invalid character class range: `{p[self.i:end + 2]}`")
                    items.append(_ranges_text(_complement(ranges) if neg else ranges))
                    self.i = end + 2
                    continue
            if c == "\\" and self.i + 1 < len(p) and p[self.i + 1] in "dDsSwW":
                ranges = _ASCII_CLASSES[p[self.i + 1].lower()]
                items.append(_ranges_text(_complement(ranges) if p[self.i + 1].isupper() else ranges))
                self.i += 2
                continue
            if c == "\\" and self.i + 1 < len(p) and p[self.i + 1] in "pP":
                name, end = self.unicode_class(self.i)
                items.append(_ranges_text(self.unicode_ranges(name, p[self.i + 1] == "P")))
                self.i = end
                continue
            range_start = self.i
            lo = self.class_char()
            hi = lo
            if self.i + 1 < len(p) and p[self.i] == "-" and p[self.i + 1] != "]":
                self.i += 1
                hi = self.class_char()
                if hi < lo:
                    raise self.error(f"invalid character class range: `{p[range_start:self.i]}`")
            items.append(_class_char(lo) if lo == hi else f"{_class_char(lo)}-{_class_char(hi)}")
        body = "".join(items)
        if not body:
            # Go allows a class that matches nothing only through negated everything; emit an impossible match
            self.out.append("(?!)" if not negated else "[\\x00-\\U0010ffff]")
        else:
            self.out.append(("[^" if negated else "[") + body + "]")
        self.can_repeat = True
        self.after_repeat = False

    def class_char(self) -> int:
        p = self.p
        if p[self.i] == "\\":
            return self.parse_escape(in_class=True)
        cp = ord(p[self.i])
        self.i += 1
        return cp


_UNICODE_CATEGORIES = {
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
    "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps",
    "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
}


def _category_ranges(name: str) -> List[Tuple[int, int]]:
    """Code point ranges of a Unicode general category (one letter means all its sub-categories)."""
    ranges: List[Tuple[int, int]] = []
    start = -1
    for cp in range(_MAX_RUNE + 1):
        cat = unicodedata.category(chr(cp))
        hit = cat == name or (len(name) == 1 and cat[0] == name and cat != "Cn")
        if hit and start < 0:
            start = cp
        elif not hit and start >= 0:
            ranges.append((start, cp - 1))
            start = -1
    if start >= 0:
        ranges.append((start, _MAX_RUNE))
    return ranges


def go_regex_to_python(pattern: str) -> str:
    """Translate a Go (RE2, Perl flags) regular expression to a Python ``re`` pattern with the same matches.

    Raises ``ValueError`` for text Go's ``regexp.Compile`` rejects, and a
    ``ValueError`` subclass for valid Go syntax Python cannot express (the
    ``U`` flag, Unicode scripts such as ``\\p{Greek}``).
    """
    python = _GoRegexTranslator(pattern, check_only=False).run()
    try:
        re.compile(python)
    except re.error as exc:  # pragma: no cover - the translator should not produce these
        raise ValueError(str(exc)) from None
    return python


def _go_regex_error(pattern: str) -> Optional[str]:
    """Why Go's regexp.Compile rejects ``pattern``, or None when it accepts it."""
    try:
        python = _GoRegexTranslator(pattern, check_only=True).run()
        re.compile(python)
    except ValueError as exc:
        return f"error parsing regexp: {exc}"
    except re.error as exc:
        return f"error parsing regexp: {exc}"
    return None


# ---------------------------------------------------------------------------
# v6's formats (Go semantics). Each returns None when valid, else the reason.


def _go_atoi(text: str) -> Optional[int]:
    """Go's strconv.Atoi: optional sign, ASCII digits, int64 range; None on error."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    value = int(text)
    if not -(2**63) <= value < 2**63:
        return None
    return value


def _f_ipv4(s: str) -> Optional[str]:
    groups = s.split(".")
    if len(groups) != 4:
        return "expected four decimals"
    for group in groups:
        if len(group) > 1 and group[0] == "0":
            return "leading zeros"
        n = _go_atoi(group)
        if n is None:
            return f"strconv.Atoi: parsing {group!r}: invalid syntax"
        if n < 0 or n > 255:
            return "decimal must be between 0 and 255"
    return None


def _f_ipv6(s: str) -> Optional[str]:
    import ipaddress

    if ":" not in s:
        return "missing colon"
    if "%" in s:
        head, _, zone = s.partition("%")
        if not zone:
            return "ParseAddr: zone must be a non-empty string"
        try:
            ipaddress.IPv6Address(head)
        except ValueError as exc:
            return f"ParseAddr({s!r}): {exc}"
        return "zone id is not a part of ipv6 address"
    try:
        ipaddress.IPv6Address(s)
    except ValueError as exc:
        return f"ParseAddr({s!r}): {exc}"
    return None


def _f_hostname(s: str) -> Optional[str]:
    if s.endswith("."):
        s = s[:-1]
    if len(s.encode()) > 253:
        return "more than 253 characters long"
    for label in s.split("."):
        n = len(label.encode())
        if n < 1 or n > 63:
            return "label must be 1 to 63 characters long"
        if label.startswith("-"):
            return "label starts with hyphen"
        if label.endswith("-"):
            return "label ends with hyphen"
        for ch in label:
            if not (ch.isascii() and (ch.isalnum() or ch == "-")):
                return f"invalid character {ch!r}"
    return None


_EMAIL_LOCAL_EXTRA = set(".!#$%&'*+-/=?^_`{|}~")


def _f_email(s: str) -> Optional[str]:
    if len(s.encode()) > 254:
        return "more than 255 characters long"
    at = s.rfind("@")
    if at == -1:
        return "missing @"
    local, domain = s[:at], s[at + 1:]
    if len(local.encode()) > 64:
        return "local part more than 64 characters long"
    if len(local) > 1 and local.startswith('"'):
        inner = local[1:-1]
        if "\\" in inner or '"' in inner:
            return "backslash and quote are not allowed within quoted local part"
    else:
        if local.startswith("."):
            return "starts with dot"
        if local.endswith("."):
            return "ends with dot"
        if ".." in local:
            return "consecutive dots"
        for ch in local:
            if not ((ch.isascii() and ch.isalnum()) or ch in _EMAIL_LOCAL_EXTRA):
                return f"invalid character {ch!r}"
    if domain.startswith("[") and domain.endswith("]"):
        inner = domain[1:-1]
        if inner.startswith("IPv6:"):
            reason = _f_ipv6(inner[len("IPv6:"):])
            return None if reason is None else f"invalid ipv6 address: {reason}"
        reason = _f_ipv4(inner)
        return None if reason is None else f"invalid ipv4 address: {reason}"
    reason = _f_hostname(domain)
    return None if reason is None else f"invalid domain: {reason}"


def _days_in(month: int, year: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _f_date(s: str) -> Optional[str]:
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", s)
    if m is None:
        return f'parsing time "{s}" as "2006-01-02": cannot parse'
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12:
        return f'parsing time "{s}": month out of range'
    if not 1 <= day <= _days_in(month, year):
        return f'parsing time "{s}": day out of range'
    return None


def _f_time(s: str) -> Optional[str]:
    if not s.isascii():
        return "invalid character"
    if len(s) < 9:
        return "less than 9 characters long"
    if s[2] != ":" or s[5] != ":":
        return "missing colon in correct place"
    hms = []
    for tok in s[:8].split(":", 2):
        n = _go_atoi(tok)
        if n is None:
            return "invalid hour/min/sec"
        if n < 0:
            return "non-positive hour/min/sec"
        hms.append(n)
    if len(hms) != 3:
        return "missing hour/min/sec"
    h, mi, sec = hms
    if h > 23 or mi > 59 or sec > 60:
        return "hour/min/sec out of range"
    rest = s[8:]
    if rest.startswith("."):
        digits = len(rest[1:]) - len(rest[1:].lstrip("0123456789"))
        if digits == 0:
            return "no digits in second fraction"
        rest = rest[1 + digits:]
    if rest not in ("z", "Z"):
        if len(rest) != 6:
            return "offset must be 6 characters long"
        if rest[0] == "+":
            sign = -1
        elif rest[0] == "-":
            sign = 1
        else:
            return "offset must begin with plus/minus"
        rest = rest[1:]
        if rest[2] != ":":
            return "missing colon in offset in correct place"
        zhm = []
        for tok in rest.split(":", 1):
            n = _go_atoi(tok)
            if n is None:
                return "invalid hour/min in offset"
            if n < 0:
                return "non-positive hour/min in offset"
            zhm.append(n)
        zh, zm = zhm
        if zh > 23 or zm > 59:
            return "hour/min in offset out of range"
        hm = (h * 60 + mi) + sign * (zh * 60 + zm)
        if hm < 0:
            hm += 24 * 60
        h, mi = hm // 60, hm % 60
    if sec >= 60 and (h != 23 or mi != 59):
        return "invalid leap second"
    return None


def _f_date_time(s: str) -> Optional[str]:
    if len(s.encode()) < 20:
        return "less than 20 characters long"
    if not s.isascii():
        return "invalid character"
    if s[10] not in "tT":
        return "11th character must be t or T"
    reason = _f_date(s[:10])
    if reason is not None:
        return f"invalid date element: {reason}"
    reason = _f_time(s[11:])
    if reason is not None:
        return f"invalid time element: {reason}"
    return None


def _f_duration(s: str) -> Optional[str]:
    if not s.startswith("P"):
        return "must start with P"
    s = s[1:]
    if s == "":
        return "nothing after P"
    if s.endswith("W"):
        week = s[:-1]
        if week == "":
            return "no number in week"
        if not all("0" <= ch <= "9" for ch in week):
            return "invalid week"
        return None
    all_units = ["YMD", "HMS"]
    for i, part in enumerate(s.split("T")):
        if i != 0 and part == "":
            return "no time elements"
        if i >= len(all_units):
            return "more than one T"
        units = all_units[i]
        while part:
            digits = len(part) - len(part.lstrip("0123456789"))
            if digits == 0 or not part[:digits].isascii():
                return "missing number"
            part = part[digits:]
            if part == "":
                return "missing unit"
            unit = part[0]
            j = units.find(unit) if unit.isascii() else -1
            if j == -1:
                if unit.isascii() and unit in all_units[i]:
                    return f"unit {unit!r} out of order"
                return f"invalid unit {unit!r}"
            units = units[j + 1:]
            part = part[1:]
    return None


def _f_period(s: str) -> Optional[str]:
    slash = s.find("/")
    if slash == -1:
        return "missing slash"
    start, end = s[:slash], s[slash + 1:]
    if start.startswith("P"):
        reason = _f_duration(start)
        if reason is not None:
            return f"invalid start duration: {reason}"
        reason = _f_date_time(end)
        if reason is not None:
            return f"invalid end date-time: {reason}"
        return None
    reason = _f_date_time(start)
    if reason is not None:
        return f"invalid start date-time: {reason}"
    if end.startswith("P"):
        reason = _f_duration(end)
        if reason is not None:
            return f"invalid end duration: {reason}"
    else:
        reason = _f_date_time(end)
        if reason is not None:
            return f"invalid end date-time: {reason}"
    return None


def _f_uuid(s: str) -> Optional[str]:
    groups = s.split("-")
    if len(groups) != 5:
        return "must have 5 elements"
    for i, (group, size) in enumerate(zip(groups, (8, 4, 4, 4, 12))):
        if len(group.encode()) != size:
            return f"element {i + 1} must be {size} characters long"
        for ch in group:
            if ch not in "0123456789abcdefABCDEF":
                return f"non-hex character {ch!r}"
    return None


def _f_json_pointer(s: str) -> Optional[str]:
    if s == "":
        return None
    if not s.startswith("/"):
        return "not starting with /"
    for tok in s.split("/")[1:]:
        escape = False
        for ch in tok:
            if escape:
                escape = False
                if ch not in "01":
                    return "~ must be followed by 0 or 1"
                continue
            if ch == "~":
                escape = True
        if escape:
            return "~ must be followed by 0 or 1"
    return None


def _f_relative_json_pointer(s: str) -> Optional[str]:
    digits = len(s) - len(s.lstrip("0123456789"))
    if digits == 0:
        return "must start with non-negative integer"
    if digits > 1 and s.startswith("0"):
        return "starts with zero"
    s = s[digits:]
    if s == "#":
        return None
    return _f_json_pointer(s)


def _f_semver(s: str) -> Optional[str]:
    def ident_ok(ch: str) -> bool:
        return ch.isascii() and (ch.isalnum() or ch == "-")

    plus = s.find("+")
    if plus != -1:
        build = s[plus + 1:]
        if build == "":
            return "build is empty"
        for ident in build.split("."):
            if ident == "":
                return "build identifier is empty"
            for ch in ident:
                if not ident_ok(ch):
                    return f"invalid character {ch!r} in build identifier"
        s = s[:plus]
    dash = s.find("-")
    if dash != -1:
        for ident in s[dash + 1:].split("."):
            if ident == "":
                return "pre-release identifier is empty"
            for ch in ident:
                if not ident_ok(ch):
                    return f"invalid character {ch!r} in pre-release identifier"
            if ident.isdigit() and ident.isascii() and len(ident) > 1 and ident[0] == "0":
                return "pre-release numeric identifier starts with zero"
        s = s[:dash]
    versions = s.split(".")
    if len(versions) != 3:
        return "versionCore must have 3 numbers separated by dot"
    for name, version in zip(("major", "minor", "patch"), versions):
        if version == "":
            return f"{name} is empty"
        if len(version) > 1 and version[0] == "0":
            return f"{name} starts with zero"
        if not all("0" <= ch <= "9" for ch in version):
            return f"{name} contains non-digit"
    return None


def _f_regex(s: str) -> Optional[str]:
    return _go_regex_error(s)


# -- Go's net/url.Parse, as far as it decides success


_HEX = "0123456789abcdefABCDEF"


def _url_unescape(s: str, mode: str) -> str:
    """Go's url unescape: validates %-escapes (and host characters); returns the decoded text."""
    out = bytearray()
    raw = s.encode()
    i = 0
    while i < len(raw):
        b = raw[i]
        if b == 0x25:  # %
            chunk = raw[i:i + 3]
            if len(chunk) < 3 or chr(chunk[1]) not in _HEX or chr(chunk[2]) not in _HEX:
                text = chunk.decode(errors="replace")
                raise ValueError(f"invalid URL escape {text!r}")
            if mode == "host" and int(chr(chunk[1]), 16) < 8 and chunk != b"%25":
                raise ValueError(f"invalid URL escape {chunk.decode()!r}")
            out.append(int(chunk[1:3].decode(), 16))
            i += 3
            continue
        if mode in ("host", "zone") and b < 0x80 and _should_escape(b, mode):
            raise ValueError(f"invalid character {chr(b)!r} in host name")
        out.append(b)
        i += 1
    return out.decode(errors="replace")


def _should_escape(b: int, mode: str) -> bool:
    c = chr(b)
    if c.isascii() and c.isalnum():
        return False
    if mode in ("host", "zone") and c in "!$&'()*+,;=:[]<>\"":
        return False
    if c in "-_.~":
        return False
    if c in "$&+,/:;=?@":
        if mode == "path":
            return c == "?"
        if mode == "userinfo":
            return c in "@/?:"
        if mode == "fragment":
            return False
        return True
    if mode == "fragment" and c in "!()*":
        return False
    return True


def _url_escape_path(s: str) -> str:
    out = []
    for b in s.encode():
        if _should_escape(b, "path"):
            out.append(f"%{b:02X}")
        else:
            out.append(chr(b))
    return "".join(out)


def _valid_optional_port(port: str) -> bool:
    if port == "":
        return True
    if port[0] != ":":
        return False
    return all("0" <= ch <= "9" for ch in port[1:])


def _parse_host(host: str) -> str:
    if host.startswith("["):
        i = host.rfind("]")
        if i < 0:
            raise ValueError("missing ']' in host")
        colon_port = host[i + 1:]
        if not _valid_optional_port(colon_port):
            raise ValueError(f"invalid port {colon_port!r} after host")
        inner = host[1:i]
        zone = inner.find("%25")
        literal = inner if zone < 0 else inner[:zone]
        try:
            import ipaddress

            addr = ipaddress.ip_address(literal)
        except ValueError:
            raise ValueError(f"invalid host {literal!r}") from None
        if addr.version == 4:
            raise ValueError("invalid IP-literal")
        if zone >= 0:
            _url_unescape(host[:zone + 1], "host")
            _url_unescape(inner[zone:], "zone")
            return host
    else:
        i = host.rfind(":")
        if i != -1 and not _valid_optional_port(host[i:]):
            raise ValueError(f"invalid port {host[i:]!r} after host")
    return _url_unescape(host, "host")


_USERINFO_OK = set("-._:~!$&'()*+,;=%@")


def _go_url_parse(raw: str) -> Dict[str, str]:
    """The parts of Go's url.Parse(raw) v6 looks at; raises ValueError where Go returns an error."""
    rest, _, fragment = raw.partition("#")
    if "#" in raw:
        _url_unescape(fragment, "fragment")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in rest):
        raise ValueError("net/url: invalid control character in URL")
    scheme = ""
    for i, ch in enumerate(rest):
        if ch.isascii() and ch.isalpha():
            continue
        if ch.isascii() and (ch.isdigit() or ch in "+-."):
            if i == 0:
                break
            continue
        if ch == ":":
            if i == 0:
                raise ValueError("missing protocol scheme")
            scheme, rest = rest[:i].lower(), rest[i + 1:]
        break
    if rest.endswith("?") and rest.count("?") == 1:
        rest = rest[:-1]
    else:
        rest = rest.partition("?")[0]
    result = {"scheme": scheme, "host": "", "rawpath": "", "opaque": ""}
    if not rest.startswith("/"):
        if scheme:
            result["opaque"] = rest
            return result
        segment = rest.partition("/")[0]
        if ":" in segment:
            raise ValueError("first path segment in URL cannot contain colon")
    if (scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        at = authority.rfind("@")
        if at >= 0:
            userinfo = authority[:at]
            if not all((ch.isascii() and ch.isalnum()) or ch in _USERINFO_OK for ch in userinfo):
                raise ValueError("net/url: invalid userinfo")
            user, _, password = userinfo.partition(":")
            _url_unescape(user, "userinfo")
            _url_unescape(password, "userinfo")
            _parse_host(authority[at + 1:])
        else:
            _parse_host(authority)
        result["host"] = authority[at + 1:] if at >= 0 else authority
    path = _url_unescape(rest, "path")
    result["rawpath"] = "" if _url_escape_path(path) == rest else rest
    return result


def _hostname(host: str) -> str:
    colon = host.rfind(":")
    if colon != -1 and _valid_optional_port(host[colon:]):
        host = host[:colon]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host


def _parse_url_v6(s: str) -> Dict[str, str]:
    try:
        url = _go_url_parse(s)
    except ValueError as exc:
        raise ValueError(f"parse {s!r}: {exc}") from None
    hostname = _hostname(url["host"])
    if ":" in hostname:
        if "[" not in url["host"] or "]" not in url["host"]:
            raise ValueError("ipv6 address not enclosed in brackets")
        reason = _f_ipv6(hostname)
        if reason is not None:
            raise ValueError(f"invalid ipv6 address: {reason}")
    return url


def _f_uri(s: str) -> Optional[str]:
    try:
        url = _parse_url_v6(s)
    except ValueError as exc:
        return str(exc)
    if not url["scheme"]:
        return "relative url"
    return None


def _f_uri_reference(s: str) -> Optional[str]:
    if "\\" in s:
        return "contains \\"
    try:
        _parse_url_v6(s)
    except ValueError as exc:
        return str(exc)
    return None


def _f_uri_template(s: str) -> Optional[str]:
    try:
        url = _parse_url_v6(s)
    except ValueError as exc:
        return str(exc)
    for tok in url["rawpath"].split("/"):
        try:
            tok = _url_unescape(tok, "pathsegment")
        except ValueError as exc:
            return f"percent decode failed: {exc}"
        want = True
        for ch in tok:
            if ch == "{":
                got = True
            elif ch == "}":
                got = False
            else:
                continue
            if got != want:
                return "nested curly braces"
            want = not want
        if not want:
            return "no matching closing brace"
    return None


_FORMATS: Dict[str, Callable[[str], Optional[str]]] = {
    "regex": _f_regex,
    "json-pointer": _f_json_pointer,
    "relative-json-pointer": _f_relative_json_pointer,
    "uuid": _f_uuid,
    "duration": _f_duration,
    "period": _f_period,
    "ipv4": _f_ipv4,
    "ipv6": _f_ipv6,
    "hostname": _f_hostname,
    "email": _f_email,
    "date": _f_date,
    "time": _f_time,
    "date-time": _f_date_time,
    "uri": _f_uri,
    "iri": _f_uri,
    "uri-reference": _f_uri_reference,
    "iri-reference": _f_uri_reference,
    "uri-template": _f_uri_template,
    "semver": _f_semver,
}
