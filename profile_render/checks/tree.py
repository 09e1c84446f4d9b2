"""Small helpers for walking Kubernetes objects given as plain trees (dicts, lists, scalars)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Tuple

__all__ = ["FieldPath", "mapping_of", "get_path", "expand"]

#: A field path inside an object: keys and list indexes.
FieldPath = Tuple[Any, ...]


def mapping_of(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``obj[key]`` when it is a mapping, else an empty one."""
    value = obj.get(key)
    return value if isinstance(value, Mapping) else {}


def get_path(node: Any, path: FieldPath) -> Any:
    """The node at ``path`` (keys and list indexes), or None where the path does not exist."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node):
                return None
        elif not isinstance(node, dict):
            return None
        node = node[part] if isinstance(part, int) else node.get(part)
    return node


def expand(node: Any, pattern: FieldPath, at: FieldPath = ()) -> Iterator[Tuple[FieldPath, Any]]:
    """Every (path, node) matching a relative pattern where "*" is any list index."""
    if not pattern:
        yield at, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from expand(item, rest, at + (i,))
    elif isinstance(node, dict) and head in node:
        yield from expand(node[head], rest, at + (head,))
