"""Reading catalog YAML: documents kept apart, yaml.v3 scalars, positions recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Tuple

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

# The same node tagging as the values loader: plain scalars get one private tag, resolved once.
from profile_render.yamlio.load import _PLAIN, _Resolver, resolve_plain_scalar
from profile_render.orchestrator.catalog.specs import MASK, SECRET_KEYS, FieldPath

# ---------------------------------------------------------------------------
# Reading YAML: documents kept apart, positions recorded


_Y = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _Y + "str", _Y + "seq", _Y + "map"
_RESOLVABLE_TAGS = frozenset({_Y + "int", _Y + "float", _Y + "bool", _Y + "null"})


# YAML 1.1 booleans that gopkg.in/yaml.v3 (the catalog's reader) keeps as strings.
_YAML11_ONLY_BOOLS = frozenset(
    w for word in ("y", "yes", "on", "n", "no", "off") for w in (word, word.capitalize(), word.upper()))


def _resolve_scalar(text: str) -> Any:
    """A plain scalar as the catalog (gopkg.in/yaml.v3) reads it into ``any``.

    That is Helm's reading (:func:`profile_render.yamlio.load.resolve_plain_scalar`:
    numbers, null, ``true``/``false``, timestamps kept as text) except that
    the YAML 1.1 words ``y``/``yes``/``on``/``n``/``no``/``off`` stay strings.
    """
    if not text:
        return None
    if text in _YAML11_ONLY_BOOLS:
        return text
    return resolve_plain_scalar(text)


try:  # libyaml
    from yaml._yaml import CParser as _CParser

    class _CLoader(_CParser, _Resolver):
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)

except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CLoader = None  # type: ignore[assignment, misc]

class _PyLoader(Reader, Scanner, Parser, Composer, _Resolver):
    """The pure-Python parser, for PyYAML builds without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)


class _BuildError(Exception):
    def __init__(self, message: str, node: Node, hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = node.start_mark
        self.hint = hint


class HiddenSecret:
    """A secret value inside a document (``authToken``): shown as ``'****'``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"'{MASK}'"

    __str__ = __repr__


@dataclass
class ParsedDocument:
    value: Any
    line: int
    column: int
    positions: Dict[FieldPath, Tuple[int, int]]
    duplicate_keys: List[Tuple[str, int, int, FieldPath, int]]


class _Builder:
    """Turns composed nodes into plain data, recording 1-based positions of keys and items by path."""

    MAX_DEPTH = 200
    MAX_NODES = 1_000_000

    def __init__(self) -> None:
        self.positions: Dict[FieldPath, Tuple[int, int]] = {}
        self.duplicate_keys: List[Tuple[str, int, int, FieldPath, int]] = []
        self.budget = self.MAX_NODES
        self.active: Set[int] = set()

    @staticmethod
    def _mark(node: Node) -> Tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: Node, path: FieldPath, depth: int = 0) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _BuildError("the document expands to too many nodes (an alias bomb?)", node,
                              "remove the aliases or shrink the document")
        if depth > self.MAX_DEPTH:
            raise _BuildError(f"the document is nested more than {self.MAX_DEPTH} levels deep", node,
                              "flatten the structure")
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            raise _BuildError("an alias refers to the collection that contains it", node,
                              "catalog files cannot hold recursive structures")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                out: List[Any] = []
                for index, item in enumerate(node.value):
                    self.positions[path + (index,)] = self._mark(item)
                    out.append(self.build(item, path + (index,), depth + 1))
                return out
            return self.mapping(node, path, depth)  # type: ignore[arg-type]  # the node is a MappingNode here (checked above)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _PLAIN or tag in _RESOLVABLE_TAGS:
            value = _resolve_scalar(node.value)
            if not isinstance(value, (str, bool, int, float, type(None))):
                value = float(node.value.replace(".", "", 1))  # .inf / .nan: JSON cannot carry them, the schema says so
            return value
        return node.value  # quoted, !!str, !!binary, !!timestamp and unknown tags: the text

    def key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise _BuildError("a mapping key must be a scalar", node, "write keys as plain words")
        value = self.scalar(node)
        if value is None:
            raise _BuildError("a mapping key is null", node, "give the key a name")
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else node.value

    def mapping(self, node: MappingNode, path: FieldPath, depth: int) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        explicit: Dict[str, int] = {}
        merges = [(k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.tag == _PLAIN and k.value == "<<"]
        for _key_node, value_node in merges:  # merge keys first: explicit keys win
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in reversed(sources):
                if not isinstance(source, MappingNode):
                    raise _BuildError("a merge key (<<) needs a mapping or a list of mappings", source)
                out.update(self.mapping(source, path, depth + 1))
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _PLAIN and key_node.value == "<<":
                continue
            key = self.key(key_node)
            line, column = self._mark(key_node)
            if key in explicit:
                self.duplicate_keys.append((key, line, column, path + (key,), explicit[key]))
            explicit[key] = line
            self.positions[path + (key,)] = (line, column)
            out[key] = self.build(value_node, path + (key,), depth + 1)
        return out


class YamlProblem(Exception):
    def __init__(self, message: str, line: Optional[int], column: Optional[int], hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


def decode_catalog_bytes(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
        try:
            return raw[2:].decode("utf-16-be" if raw[:2] == b"\xfe\xff" else "utf-16-le")
        except UnicodeDecodeError:
            raise YamlProblem("the file is not valid UTF-16", None, None, "save the file as UTF-8") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(f"the file is not valid UTF-8 text (byte 0x{raw[exc.start]:02x})", line, column,
                           "catalog and values files are UTF-8 YAML text") from None


def parse_documents(text: str) -> List[ParsedDocument]:
    """Every YAML document of ``text``, kept apart, with positions; raises YamlProblem."""
    loader: Any = _CLoader(text) if _CLoader is not None else _PyLoader(text)
    documents: List[ParsedDocument] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there is one
                continue
            builder = _Builder()
            value = builder.build(node, ())
            documents.append(ParsedDocument(value, node.start_mark.line + 1, node.start_mark.column + 1,
                                             builder.positions, builder.duplicate_keys))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        hint = "check the YAML syntax near this position"
        if "cannot start any token" in problem and mark is not None:
            lines = text.splitlines()
            char = lines[mark.line][mark.column: mark.column + 1] if mark.line < len(lines) else ""
            if char == "\t":
                hint = "YAML does not allow tabs for indentation; use spaces"
            elif char in "%@`":
                hint = f"a value starting with {char!r} must be quoted"
        raise YamlProblem(problem, mark.line + 1 if mark else None, mark.column + 1 if mark else None, hint) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(str(exc).splitlines()[0] if str(exc) else "invalid YAML", None, None) from None
    except _BuildError as exc:
        raise YamlProblem(exc.message, exc.mark.line + 1, exc.mark.column + 1, exc.hint) from None
    except RecursionError:
        raise YamlProblem("the document is nested too deeply to read", None, None, "flatten the structure") from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    return documents


def hide_secrets(value: Any) -> Any:
    """Wrap every ``authToken`` (at any depth) and the default of a secret parameter template so no repr shows them."""
    if isinstance(value, dict):
        secret_template = value.get("secret") is True
        return {k: HiddenSecret(v) if k in SECRET_KEYS or (secret_template and k == "default") else hide_secrets(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [hide_secrets(v) for v in value]
    return value


def reveal(value: Any) -> Any:
    if isinstance(value, HiddenSecret):
        return reveal(value.value)
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


