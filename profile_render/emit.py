"""Emit stage: write values as JSON or YAML that read back to exactly the same values in Helm.

JSON follows Go's ``encoding/json`` for float64 (``1e+21``, ``1e-7``,
``100000000000000000000``, ``-0``), with keys sorted as Go sorts map keys, so
``-o json`` matches what ``{{ toJson .Values }}`` prints, value for value.

YAML is written for Helm's reader, not PyYAML's: any string that go-yaml v2
would read as something else (``y``, ``no``, ``0o17``, ``1_000``, ``.5``,
timestamps) is quoted, numbers use the same Go formatting, multi-line strings
use literal blocks.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml

from profile_render.errors import LimitExceededError, ValuesTypeError
from profile_render.yamlio.scalars import plain_kind

__all__ = ["go_float", "to_json", "to_yaml", "has_exotic_floats", "refuse_non_finite"]

try:  # json's C encoder and string encoder (CPython's _json, which json.encoder uses when it is there)
    from _json import encode_basestring as _encode_string
    from _json import make_encoder as _c_make_encoder
except ImportError:  # pragma: no cover - an interpreter without _json: json.dumps does it all
    _c_make_encoder = None  # type: ignore[assignment, misc]
    _encode_string = json.encoder.py_encode_basestring


def go_float(value: float) -> str:
    """Format a float64 exactly as Go's encoding/json does."""
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    magnitude = abs(value)
    if magnitude < 1e-6 or magnitude >= 1e21:
        text = repr(value)
        mantissa, _, exponent = text.partition("e")
        sign = exponent[0]
        digits = exponent[1:].lstrip("0") or "0"
        if sign == "-" and len(digits) == 1:
            return f"{mantissa}e-{digits}"
        return f"{mantissa}e{sign}{digits.zfill(2)}"
    from decimal import Decimal  # only for floats Python writes unlike Go: keeps _decimal off the import path

    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _exotic(value: float) -> bool:
    """True when Python's repr of a float differs from Go's formatting."""
    r = repr(value)
    return "e" in r or r.endswith(".0") or r in ("nan", "inf", "-inf")


def has_exotic_floats(values: Any) -> bool:
    """Whether a values tree holds a float that Python's json module would format unlike Go."""
    stack = [values]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float) and _exotic(item):
            return True
    return False


def _non_finite(value: float, path: Optional[Tuple[Any, ...]] = None) -> ValuesTypeError:
    """The error for a NaN or an infinity (at ``path``, when the writer knows it)."""
    what = "NaN" if math.isnan(value) else ("+Infinity" if value > 0 else "-Infinity")
    return ValuesTypeError(f"the value is {what}, which JSON (and so Helm's values) cannot hold", path=path,
                           hint="replace it by a finite number or a string where the values are built")


def refuse_non_finite(values: Any) -> None:
    """Raise :class:`~profile_render.errors.ValuesTypeError` naming the path of the first NaN or infinity in a tree.

    Helm's values are JSON: no reader produces such a float, but a tree
    built by hand (a :class:`~profile_render.Chart` made in code) can hold one.
    The writers raise a pathless error where they meet one; their callers
    use this to name the path.
    """
    stack: List[Tuple[Tuple[Any, ...], Any]] = [((), values)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            stack.extend((path + (k,), v) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((path + (i,), v) for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, float) and not math.isfinite(item):
            raise _non_finite(item, path)


def _write_json(value: Any, out: list, indent: Optional[int], level: int) -> None:
    """Slow-path JSON writer used only when a tree holds exotic floats."""
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        items = sorted(value.items())
        if indent is None:
            out.append("{")
            for i, (k, v) in enumerate(items):
                if i:
                    out.append(",")
                out.append(json.dumps(k, ensure_ascii=False))
                out.append(":")
                _write_json(v, out, indent, level + 1)
            out.append("}")
        else:
            pad = "\n" + " " * (indent * (level + 1))
            out.append("{")
            for i, (k, v) in enumerate(items):
                out.append(("," if i else "") + pad)
                out.append(json.dumps(k, ensure_ascii=False))
                out.append(": ")
                _write_json(v, out, indent, level + 1)
            out.append("\n" + " " * (indent * level) + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        if indent is None:
            out.append("[")
            for i, v in enumerate(value):
                if i:
                    out.append(",")
                _write_json(v, out, indent, level + 1)
            out.append("]")
        else:
            pad = "\n" + " " * (indent * (level + 1))
            out.append("[")
            for i, v in enumerate(value):
                out.append(("," if i else "") + pad)
                _write_json(v, out, indent, level + 1)
            out.append("\n" + " " * (indent * level) + "]")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _non_finite(value)
        out.append(go_float(value))
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def to_json(values: Any, *, indent: Optional[int] = 2, exotic_floats: Optional[bool] = None) -> str:
    """Serialise values as JSON with sorted keys and Go's float formatting.

    The text is exactly ``json.dumps(values, sort_keys=True, indent=indent,
    ensure_ascii=False)`` (compact separators without ``indent``), but for
    floats, which are written as Go writes them. ``exotic_floats=True``
    forces the plain exact writer; otherwise a values tree (dicts with string
    keys, lists, str, int, float, bool, None) is written by
    :class:`_JsonWriter`, which finds the floats Python would write unlike Go
    as it goes, and anything else takes the exact writer after a scan. A
    tree nested too deeply for Python's recursion limit (deeper than any
    reader lets values nest) raises
    :class:`~profile_render.errors.LimitExceededError`; a NaN or an infinity
    (which no JSON can hold) :class:`~profile_render.errors.ValuesTypeError`
    naming its value path.

    >>> print(to_json({"replicas": 2.0, "tags": ["a"]}, indent=None))
    {"replicas":2,"tags":["a"]}
    """
    try:
        if not exotic_floats and _c_make_encoder is not None:
            try:
                return _JsonWriter(indent).text(values)
            except (_Unusual, TypeError):
                pass  # not a plain values tree: json's own rules for it below
        if exotic_floats is None:
            exotic_floats = has_exotic_floats(values)
        if not exotic_floats:
            if indent is None:
                return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            return json.dumps(values, sort_keys=True, ensure_ascii=False, indent=indent, allow_nan=False)
        out: list = []
        _write_json(values, out, indent, 0)
        return "".join(out)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, ValuesTypeError):  # json's "Out of range float values are not JSON compliant", or ours
        refuse_non_finite(values)
        raise


class _Unusual(Exception):
    """A value :class:`_JsonWriter` leaves to ``json.dumps`` (another type, or a key that is not a string)."""


def _refuse_other(value: Any) -> Any:
    """json's ``default`` for :class:`_JsonWriter`'s C encoders, which only ever see scalars of known types."""
    raise _Unusual


_LEAVES = frozenset((str, int, bool, type(None)))  # written by json's C encoder as Go writes them
_LEAVES_AND_FLOATS = _LEAVES | {float}


def _is_float(value: Any) -> bool:
    return value.__class__ is float


class _JsonWriter:
    """JSON of a values tree, as ``json.dumps(sort_keys=True, indent=...)`` lays it out, with Go's floats.

    ``json.dumps`` with an indent runs CPython's pure-Python encoder, a few
    generator calls per item. Here every container that holds only scalars
    (most of a values tree: labels, resources, env entries, lists of
    strings) goes to json's C encoder in one call, its item separator
    carrying the newline and the indent of its level; only containers that
    hold containers are walked in Python. A float whose ``repr`` differs
    from Go's formatting (``1e+21``, ``100.0``, ``1e-07``: see
    :func:`_exotic`) keeps its container out of the C encoder, and is written
    by :func:`go_float`. Anything but a plain values tree raises
    :class:`_Unusual`.
    """

    def __init__(self, indent: Optional[int]) -> None:
        self.indent = indent
        self.out: List[str] = []
        # Per level: (json's C encoder for a container of scalars at that level, the text before its first
        # item, the separator between items and between a key and its value, the text before its end).
        self.levels: List[Tuple[Any, str, str, str, str]] = []

    def text(self, values: Any) -> str:
        """The JSON text of ``values``."""
        if values.__class__ is dict or values.__class__ is list:
            self.write(values, 0)
            return "".join(self.out)
        return self.scalar(values)

    def level(self, level: int) -> Tuple[Any, str, str, str, str]:
        """The encoder and separators of containers ``level`` deep (see ``levels``)."""
        levels = self.levels
        while len(levels) <= level:
            depth = len(levels)
            if self.indent is None:
                first, separator, key_separator, close = "", ",", ":", ""
            else:
                first = "\n" + " " * (self.indent * (depth + 1))
                separator, key_separator, close = "," + first, ": ", "\n" + " " * (self.indent * depth)
            encoder = _c_make_encoder(None, _refuse_other, _encode_string, None, key_separator, separator, True,
                                      False, False)
            levels.append((encoder, first, separator, key_separator, close))
        return levels[level]

    def write(self, value: Any, level: int) -> None:
        """Append the JSON of ``value``, a container ``level`` deep, to the output."""
        out = self.out
        cls = value.__class__
        if not value:
            out.append("{}" if cls is dict else "[]")
            return
        children: Any = value.values() if cls is dict else value
        encoder, first, separator, key_separator, close = self.level(level)
        kinds = set(map(type, children))
        if kinds <= _LEAVES or (kinds <= _LEAVES_AND_FLOATS and not any(map(_exotic, filter(_is_float, children)))):
            text = "".join(encoder(value, 0))
            if first:
                out += (text[0], first, text[1:-1], close, text[-1])
            else:
                out.append(text)
            return
        write, scalar = self.write, self.scalar
        deeper = level + 1
        start = len(out) + 1
        keyed = cls is dict
        out.append("{" if keyed else "[")
        items: Any = sorted(value.items()) if keyed else enumerate(value)
        for key, child in items:
            if keyed:
                out += (separator, _encode_string(key), key_separator)
            else:
                out.append(separator)
            kind = child.__class__
            if kind is str:
                out.append(_encode_string(child))
            elif kind is dict or kind is list:
                write(child, deeper)
            else:
                out.append(scalar(child))
        out[start] = first
        out += (close, "}" if keyed else "]")

    @staticmethod
    def scalar(value: Any) -> str:
        """The JSON of one scalar: a string, a number (floats as Go writes them), a boolean or null."""
        cls = value.__class__
        if cls is str:
            return _encode_string(value)
        if cls is int:
            return int.__repr__(value)
        if cls is float:
            if not math.isfinite(value):
                raise _non_finite(value)
            return go_float(value) if _exotic(value) else float.__repr__(value)
        if cls is bool:
            return "true" if value else "false"
        if value is None:
            return "null"
        raise _Unusual


def _too_deep() -> LimitExceededError:
    return LimitExceededError("the values are nested too deeply to be written",
                              hint="flatten the structure (values read by profile-render nest at most "
                                   "Limits.max_depth levels)")


# ---------------------------------------------------------------------------
# YAML

_TAG = "tag:yaml.org,2002:"
_KIND_TAG = {
    "int": _TAG + "int",
    "float": _TAG + "float",
    "bool": _TAG + "bool",
    "null": _TAG + "null",
    "timestamp": _TAG + "timestamp",
    "str": _TAG + "str",
}


class _HelmResolver:
    """Tells the emitter how Helm would read a plain scalar, so ambiguous strings get quoted."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                return _plain_tag(value)
            return _TAG + "str"
        if kind is yaml.SequenceNode:
            return _TAG + "seq"
        return _TAG + "map"


def _plain_tag(value: str) -> str:
    """The tag a plain scalar's text would get: what Helm reads it as (and ``timestamp`` for text to quote anyway)."""
    if value == "<<":
        return _TAG + "merge"
    if not value:
        return _TAG + "null"
    kind = plain_kind(value)
    if kind == "str" and _pyyaml_reads_as_non_string(value):
        # Quote text that other YAML 1.1 readers (PyYAML: "1:30", "0b1_0")
        # would take for something else, so the output means one thing everywhere.
        return _TAG + "timestamp"
    return _KIND_TAG[kind]


def _pyyaml_reads_as_non_string(value: str) -> bool:
    """Whether PyYAML's YAML 1.1 resolver would read a plain scalar as something other than a string."""
    table = yaml.resolver.Resolver.yaml_implicit_resolvers
    for tag, regexp in table.get(value[0], []) + table.get(None, []):
        if regexp.match(value) and tag != _TAG + "str":
            return True
    return False


try:
    from yaml._yaml import CEmitter as _Emitter
except ImportError:  # pragma: no cover
    from yaml.emitter import Emitter as _Emitter  # type: ignore[assignment]
    from yaml.serializer import Serializer as _Serializer

    class _Base(_Emitter, _Serializer):
        def __init__(self, stream: Any, **kw: Any) -> None:
            _Emitter.__init__(self, stream, canonical=kw.get("canonical"), indent=kw.get("indent"),
                              width=kw.get("width"), allow_unicode=kw.get("allow_unicode"),
                              line_break=kw.get("line_break"))
            _Serializer.__init__(self, encoding=kw.get("encoding"), explicit_start=kw.get("explicit_start"),
                                 explicit_end=kw.get("explicit_end"), version=kw.get("version"), tags=kw.get("tags"))
else:
    _Base = _Emitter  # type: ignore[assignment, misc]


class _HelmRepresenter(yaml.representer.SafeRepresenter):
    pass


def _represent_float(dumper: Any, value: float) -> Any:
    """A float as plain text go-yaml v2 reads back to the same float64."""
    tag, text = _float_scalar(value)
    return dumper.represent_scalar(tag, text)


def _float_scalar(value: float) -> Tuple[str, str]:
    """The tag and plain text of a float that go-yaml v2 reads back to the same float64."""
    if not math.isfinite(value):
        raise _non_finite(value)
    if value == 0 and math.copysign(1.0, value) < 0:
        text = "-0.0"
    else:
        text = go_float(value)
        mantissa, e, exponent = text.partition("e")
        if e and "." not in mantissa:
            # 1e+21 is a float to go-yaml but a string to YAML 1.1 readers; 1.0e+21 is a float to both.
            text = f"{mantissa}.0e{exponent}"
        if plain_kind(text) not in ("float", "int"):
            text = repr(value)
    # Tag it with what go-yaml resolves the text to (an integral text beyond
    # uint64 is a float to go-yaml), so the emitter never adds an explicit tag.
    return _TAG + plain_kind(text), text


def _represent_str(dumper: Any, value: str) -> Any:
    if "\n" in value and not value.startswith((" ", "\t")):
        return dumper.represent_scalar(_TAG + "str", value, style="|")
    return dumper.represent_scalar(_TAG + "str", value)


def _represent_bool(dumper: Any, value: bool) -> Any:
    return dumper.represent_scalar(_TAG + "bool", "true" if value else "false")


_HelmRepresenter.add_representer(float, _represent_float)
_HelmRepresenter.add_representer(str, _represent_str)
_HelmRepresenter.add_representer(bool, _represent_bool)


class _HelmDumper(_Base, _HelmRepresenter, _HelmResolver):
    def __init__(self, stream: Any, default_style: Any = None, default_flow_style: Any = False,
                 canonical: Any = None, indent: Any = None, width: Any = None, allow_unicode: Any = None,
                 line_break: Any = None, encoding: Any = None, explicit_start: Any = None,
                 explicit_end: Any = None, version: Any = None, tags: Any = None, sort_keys: bool = True) -> None:
        _Base.__init__(self, stream, canonical=canonical, indent=indent, width=width, encoding=encoding,
                       allow_unicode=allow_unicode, line_break=line_break, explicit_start=explicit_start,
                       explicit_end=explicit_end, version=version, tags=tags)
        _HelmRepresenter.__init__(self, default_style=default_style, default_flow_style=default_flow_style,
                                  sort_keys=sort_keys)


def to_yaml(values: Any) -> str:
    """Serialise values as block YAML that Helm reads back to exactly these values.

    A values tree (dicts, lists, str, bool, int, float, None; no subtree
    shared between two places) goes to libyaml's emitter as events, without
    recursion; anything else takes PyYAML's representer, which gives the same
    text for such trees (and anchors for shared subtrees).

    >>> print(to_yaml({"tag": "1.0", "ports": [80]}), end="")
    ports:
    - 80
    tag: '1.0'
    """
    if isinstance(values, dict) and not values:
        return "{}\n"
    out = io.StringIO()
    try:
        if _EventWriter is not None and _EventWriter(out).write(values):
            return out.getvalue()
        return yaml.dump(values, Dumper=_HelmDumper, allow_unicode=True, sort_keys=True, width=2**31 - 1)
    except RecursionError:
        raise _too_deep() from None
    except ValuesTypeError:  # a NaN or infinity: name its path
        refuse_non_finite(values)
        raise
    except UnicodeEncodeError:
        # A lone surrogate (from undecodable bytes) in a key or a string: no YAML file can hold it.
        raise ValuesTypeError("the values hold text that is not valid Unicode (a lone surrogate)",
                              hint="values given through the API must be valid Unicode text") from None


_STR, _INT, _BOOL, _NULL, _MAP, _SEQ = (_TAG + name for name in ("str", "int", "bool", "null", "map", "seq"))
# Texts starting with any other character are plain strings to go-yaml v2 and to PyYAML's resolver alike.
_RESOLVABLE_START = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k) | frozenset(
    "yYnNtTfFoO~.+-0123456789<=")
_STRING_FAST_PATH = None not in yaml.resolver.Resolver.yaml_implicit_resolvers
_INT64 = 2**63


class _Unhandled(Exception):
    """A value the event writer leaves to PyYAML's representer (another type, or a subtree met twice)."""


class _EventWriterImpl:
    """Values to libyaml's emitter as the events PyYAML's representer and serializer would make for them.

    The events (tags, implicit flags, styles, sorted keys, block collections)
    are those of :class:`_HelmDumper`, so the text is the same; they are made
    without node objects and without recursion, reusing one event object per
    kind (the emitter copies each event as it takes it).
    """

    def __init__(self, stream: Any) -> None:
        self.emitter = _CEmitter(stream, canonical=None, indent=None, width=2**31 - 1, allow_unicode=True,
                                 line_break=None, encoding=None, explicit_start=None, explicit_end=None,
                                 version=None, tags=None)
        self.scalar = yaml.ScalarEvent(None, _STR, (True, True), "", style=None)

    def write(self, values: Any) -> bool:
        """Emit ``values`` as one document; False (nothing usable written) when PyYAML must do it."""
        emit = self.emitter.emit
        try:
            emit(yaml.StreamStartEvent())
            emit(yaml.DocumentStartEvent(explicit=False))
            self.tree(values)
            emit(yaml.DocumentEndEvent(explicit=False))
            emit(yaml.StreamEndEvent())
        except _Unhandled:
            return False
        return True

    def tree(self, root: Any) -> None:
        emit = self.emitter.emit
        leaf = self.leaf
        seen = set()  # containers met so far: PyYAML would write one met twice as an anchor and an alias
        map_start = yaml.MappingStartEvent(None, _MAP, True, flow_style=False)
        seq_start = yaml.SequenceStartEvent(None, _SEQ, True, flow_style=False)
        map_end, seq_end = yaml.MappingEndEvent(), yaml.SequenceEndEvent()
        stack: List[Tuple[Iterator[Any], bool]] = []
        value = root
        while True:
            cls = value.__class__
            if cls is dict or cls is list:
                if id(value) in seen:
                    raise _Unhandled
                seen.add(id(value))
                if cls is dict:
                    emit(map_start)
                    items = list(value.items())
                    try:
                        items = sorted(items)
                    except TypeError:
                        pass  # PyYAML keeps keys it cannot sort in their order (sort() would leave them half sorted)
                    stack.append((iter(items), True))
                else:
                    emit(seq_start)
                    stack.append((iter(value), False))
            else:
                leaf(value)
            while stack:
                iterator, is_map = stack[-1]
                item: Any = next(iterator, _END)
                if item is _END:
                    stack.pop()
                    emit(map_end if is_map else seq_end)
                    continue
                if is_map:
                    key, value = item
                    if key.__class__ is dict or key.__class__ is list:
                        raise _Unhandled
                    leaf(key)
                else:
                    value = item
                break
            else:
                return

    def leaf(self, value: Any) -> None:
        """Emit one scalar as PyYAML's representer and serializer would."""
        event = self.scalar
        cls = value.__class__
        if cls is str:
            event.tag = _STR
            event.value = value
            event.style = "|" if "\n" in value and not value.startswith((" ", "\t")) else None
            if _STRING_FAST_PATH and value and value[0] not in _RESOLVABLE_START:
                event.implicit = (True, True)
            else:
                event.implicit = (_plain_tag(value) == _STR, True)
        elif cls is bool:
            event.tag, event.value, event.style, event.implicit = _BOOL, "true" if value else "false", None, (
                True, False)
        elif cls is int:
            if -_INT64 <= value < _INT64:
                event.tag, event.value, event.style, event.implicit = _INT, str(value), None, (True, False)
            else:
                raise _Unhandled
        elif cls is float:
            tag, text = _float_scalar(value)
            event.tag, event.value, event.style, event.implicit = tag, text, None, (_plain_tag(text) == tag, tag == _STR)
        elif value is None:
            event.tag, event.value, event.style, event.implicit = _NULL, "null", None, (True, False)
        else:
            raise _Unhandled
        self.emitter.emit(event)


_END = object()
try:
    from yaml._yaml import CEmitter as _CEmitter
except ImportError:  # pragma: no cover - PyYAML without libyaml: the representer path only
    _EventWriter: Optional[type] = None
else:
    _EventWriter = _EventWriterImpl
