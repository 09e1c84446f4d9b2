"""Which value paths a template scan reached: the paths read, the open prefixes, and the trie that answers queries.

:class:`TemplateReads` is what :func:`profile_render.helm.template_reads.scan_templates`
returns. Paths are tuples of keys from the top chart's values; two keys are
patterns: :data:`ANY` (one key or index, any) and :data:`DEEP` (any number of
keys). A path is *reached* when it is a prefix of a path read or lies under an
open prefix; a prefix that only ``DEEP`` stands for does not count (a key
there is reached only through a longer path that matches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, Iterator, List, Sequence, Set, Tuple

__all__ = ["ANY", "DEEP", "Path", "TemplateReads"]

Path = Tuple[str, ...]

#: The key standing for "any key or index" in a path read (a range element, a computed index).
ANY = "*"

#: The key standing for "any number of keys, none included" (a variable walked down the values in a loop).
DEEP = "**"


class _Node:
    """A node of the trie of paths read; ``open`` marks a prefix under which anything may be read.

    ``deep`` marks the node a :data:`DEEP` key leads to: it takes any number of keys.
    """

    __slots__ = ("children", "open", "deep")

    def __init__(self, deep: bool = False) -> None:
        self.children: Dict[str, "_Node"] = {}
        self.open = False
        self.deep = deep


def _deep_closure(states: List[Tuple[_Node, bool]]) -> List[Tuple[_Node, bool]]:
    """The states plus, for each, the :data:`DEEP` node below it taking no key (deduplicated, in order)."""
    out: Dict[Tuple[int, bool], Tuple[_Node, bool]] = {}
    pending = list(states)
    while pending:
        node, inside = pending.pop(0)
        if (id(node), inside) in out:
            continue
        out[(id(node), inside)] = (node, inside)
        deep = node.children.get(DEEP)
        if deep is not None:
            pending.append((deep, inside))
    return list(out.values())


def _build_trie(reads: Iterable[Path], opened: Iterable[Path]) -> _Node:
    root = _Node()
    for paths, is_open in ((reads, False), (opened, True)):
        for path in paths:
            node = root
            for key in path:
                child = node.children.get(key)
                if child is None:
                    child = node.children[key] = _Node(deep=key == DEEP)
                node = child
            if is_open:
                node.open = True
    return root


@dataclass(frozen=True)
class TemplateReads:
    """The value paths a chart's templates read and the prefixes under which they may read anything.

    Paths are tuples of keys from the top chart's values; :data:`ANY` in a
    path matches any key. ``complete`` is False when the templates could not
    all be followed (``problems`` says why); then absence proves nothing.
    """

    reads: FrozenSet[Path] = frozenset()
    open: FrozenSet[Path] = frozenset()
    complete: bool = True
    problems: Tuple[str, ...] = ()
    tpl_roots: FrozenSet[Path] = frozenset()
    _trie: _Node = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_trie", _build_trie(self.reads, self.open))

    def _walk(self, path: Sequence[object]) -> Tuple[bool, bool]:
        """(reached, open) for a path: a prefix of a read, or under an open prefix.

        The walk keeps (node, inside) states: ``inside`` is True while a
        :data:`DEEP` node is taking keys, and a path that ends only there is a
        prefix only because ``DEEP`` may stand for it, which does not count.
        """
        states = _deep_closure([(self._trie, False)])
        if any(node.open for node, _inside in states):
            return True, True
        for key in path:
            following: List[Tuple[_Node, bool]] = []
            for node, _inside in states:
                if isinstance(key, str) and key not in (ANY, DEEP):
                    child = node.children.get(key)
                    if child is not None:
                        following.append((child, False))
                wild = node.children.get(ANY)
                if wild is not None:
                    following.append((wild, False))
                if node.deep:
                    following.append((node, True))
            states = _deep_closure(following)
            if not states:
                return False, False
            if any(node.open for node, _inside in states):
                return True, True
        return any(not inside for _node, inside in states), False

    def reaches(self, path: Sequence[object]) -> bool:
        """Whether a template may read the value at ``path`` (an int key is a list index).

        A path that only :data:`DEEP` stands for is not reached by itself,
        only through a longer path that matches (see :meth:`reaches_below`).
        """
        return self._walk(path)[0]

    def reaches_below(self, path: Sequence[object], tree: object) -> bool:
        """Whether ``path`` or any path below it in ``tree`` (the value there: dicts are followed) is reached."""
        pending: List[Tuple[Tuple[object, ...], object]] = [(tuple(path), tree)]
        while pending:
            here, value = pending.pop()
            if self.reaches(here):
                return True
            if isinstance(value, dict):
                pending.extend((here + (key,), item) for key, item in value.items())
        return False

    def is_open(self, path: Sequence[object]) -> bool:
        """Whether ``path`` lies under an open prefix (anything below it may be read)."""
        return self._walk(path)[1]

    def paths(self) -> Iterator[Path]:
        """Every path read or opened and each of its prefixes, cut before :data:`ANY` or :data:`DEEP` (for suggestions)."""
        seen: Set[Path] = set()
        for path in sorted(self.reads | self.open):
            for wild in (ANY, DEEP):
                if wild in path:
                    path = path[:path.index(wild)]
            for end in range(1, len(path) + 1):
                if path[:end] not in seen:
                    seen.add(path[:end])
                    yield path[:end]
