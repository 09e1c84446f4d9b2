"""Reading manifest streams (``helm template`` output) into objects with the positions of their keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.errors import ProfileRenderError, describe_value

FieldPath = Tuple[Any, ...]
_MAX_NODES = 2_000_000


class ManifestError(ProfileRenderError):
    """Manifests that cannot be read: bad YAML (with file:line:col), or a document that is not an object."""


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


def _decode(data: Union[str, bytes, bytearray], source: str) -> str:
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    raw = bytes(data)
    try:
        if raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ManifestError("the manifests are not valid UTF-8", source=source, line=line, column=column,
                            hint="save the file as UTF-8") from None


class _Builder:
    """Builds plain values from composed YAML nodes, recording positions and repeated keys."""

    def __init__(self, source: str, constructor: Any, budget: List[int]) -> None:
        import yaml

        self.source = source
        self.constructor = constructor
        self.budget = budget
        self.marks: Dict[FieldPath, Tuple[int, int]] = {}
        self.duplicates: List[Tuple[FieldPath, int, int, int]] = []
        self.nodes = (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode)

    def error(self, node: Any, problem: str, hint: str) -> ManifestError:
        return ManifestError(problem, source=self.source, line=node.start_mark.line + 1,
                             column=node.start_mark.column + 1, hint=hint)

    def build(self, node: Any, path: FieldPath) -> Any:
        self.budget[0] -= 1
        if self.budget[0] < 0:
            raise self.error(node, "the manifests expand to too many nodes (aliases?)",
                             "write the objects out without deep alias nesting")
        scalar, sequence, _mapping = self.nodes
        if isinstance(node, scalar):
            return self.scalar(node)
        if isinstance(node, sequence):
            out = []
            for i, item in enumerate(node.value):
                self.marks[path + (i,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                out.append(self.build(item, path + (i,)))
            return out
        return self.mapping(node, path)

    def scalar(self, node: Any) -> Any:
        tag = node.tag
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                   "tag:yaml.org,2002:null"):
            return self.constructor.construct_object(node)
        return node.value  # strings, timestamps (JSON carries them as text), anything else

    def key(self, node: Any) -> str:
        if not isinstance(node, self.nodes[0]):
            raise self.error(node, "a mapping key is not a scalar", "use plain string keys")
        value = self.scalar(node)
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        return value if isinstance(value, str) else str(value)

    def mapping(self, node: Any, path: FieldPath) -> Dict[str, Any]:
        merged: Dict[str, Any] = {}
        own: Dict[str, Any] = {}
        seen: Dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, self.nodes[1]) else [value_node]
                for src in sources:
                    built = self.build(src, path)
                    if not isinstance(built, dict):
                        raise self.error(src, "a merge key (<<) needs a mapping", "merge mappings only")
                    for k, v in built.items():
                        merged.setdefault(k, v)
                continue
            key = self.key(key_node)
            spot = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in seen:
                self.duplicates.append((path + (key,), spot[0], spot[1], seen[key]))
            seen[key] = spot[0]
            self.marks[path + (key,)] = spot
            own[key] = self.build(value_node, path + (key,))
        if not merged:
            return own
        for k, v in merged.items():
            own.setdefault(k, v)
        return own


def read_manifests(text_or_bytes: Union[str, bytes, bytearray], *,
                   source: str = "<stdin>") -> List[Tuple[Dict[str, Any], Positions]]:
    """Read a multi-document YAML stream (such as ``helm template`` output) into (object, positions) pairs.

    Empty and ``null`` documents are skipped; every other document must be a
    mapping. Scalars are read as Kubernetes reads them through JSON: numbers,
    booleans and null are typed, everything else (timestamps too) is text.
    Raises :class:`ManifestError` with ``source``, line and column on bad YAML.
    """
    import yaml

    text = _decode(text_or_bytes, source)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    constructor = yaml.constructor.SafeConstructor()
    budget = [_MAX_NODES]
    out: List[Tuple[Dict[str, Any], Positions]] = []
    try:
        for node in yaml.compose_all(text, Loader=loader):
            if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
                continue
            builder = _Builder(source, constructor, budget)
            builder.marks[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
            value = builder.build(node, ())
            if not isinstance(value, dict):
                raise builder.error(node, f"document {len(out)} is {describe_value(value, mapping='a mapping')}, "
                                          "not a Kubernetes object",
                                    "every document of a manifest stream is one object (apiVersion, kind, metadata)")
            out.append((value, Positions(source, builder.marks, tuple(builder.duplicates))))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc).splitlines()[0]
        if exc.context:
            started = exc.context_mark
            if started is not None and mark is not None and started.line != mark.line:
                problem = f"{problem} ({exc.context} that starts at line {started.line + 1}, " \
                          f"column {started.column + 1})"
            else:
                problem = f"{problem} ({exc.context})"
        hint = "check the indentation near this position"
        if "found character" in problem and "cannot start any token" in problem:
            hint = "quote the value"
        raise ManifestError(problem, source=source, line=mark.line + 1 if mark else None,
                            column=mark.column + 1 if mark else None, hint=hint) from None
    except yaml.YAMLError as exc:
        raise ManifestError(str(exc).splitlines()[0], source=source, hint="check the YAML syntax") from None
    except RecursionError:
        raise ManifestError("the manifests are nested too deeply to read", source=source,
                            hint="flatten the structure") from None
    return out


