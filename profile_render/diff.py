"""What changed between two renders: every value path added, removed or changed, and the generated objects.

:func:`diff_renders` compares two :class:`~profile_render.RenderResult` (or
:class:`~profile_render.MergeResult`) objects: the final values path by path,
with the provenance of each side, and for render results the generated
objects (pull Secret, CA ConfigMap, by list, kind, namespace and name) and the
generated Secret's name. Values compare exactly, types included (``1``,
``1.0``, ``"1"`` and ``true`` all differ); maps are compared key by key, lists
index by index (a longer or shorter list is one added or removed change per
index); a key or index present on one side only is one change holding its
whole subtree, and a value whose type changes (a map replaced by a scalar) is
one change at its path. Secret values (secret parameter paths on either side,
a Secret's ``data``/``stringData``) are masked ``****`` unless the caller asks
otherwise. :func:`apply_changes` replays the value changes on the before side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.errors import ProfileRenderError, resource_guard
from profile_render.orchestrator.credentials import SECRET_DATA_FIELDS, mask_secret_data
from profile_render.orchestrator.model import MASK
from profile_render.problems import format_path
from profile_render.tree import copy_tree

if TYPE_CHECKING:  # type names only: diffing two merges never loads the render modules
    from profile_render.origin import Origin
    from profile_render.rendering import RenderResult
    from profile_render.values import MergeResult

__all__ = ["ADDED", "REMOVED", "CHANGED", "Change", "ObjectChange", "DiffResult", "diff_renders", "apply_changes",
           "ChangeNotApplicableError"]

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
ValuePath = Tuple[Any, ...]
Result = Union["RenderResult", "MergeResult"]
#: The object lists of a render, by the name their changes carry (the keys of ``RenderResult.to_dict()``).
OBJECT_LISTS = ("manifests", "preInstallManifests")


class ChangeNotApplicableError(ProfileRenderError, ValueError):
    """A change cannot be applied to the values given: it is masked, or its parent path is not there."""


@dataclass(frozen=True)
class Change:
    """One value path that differs between two trees.

    ``change`` is ``added``, ``removed`` or ``changed``; ``before``/``after``
    the values (None where absent; ``****`` when ``secret`` and masked);
    ``before_origin``/``after_origin`` where each side's value came from
    (None when absent, or for objects, which have no provenance).
    """

    path: ValuePath
    change: str
    before: Any
    after: Any
    before_origin: Optional["Origin"] = None
    after_origin: Optional["Origin"] = None
    secret: bool = False
    masked: bool = False

    @property
    def path_text(self) -> str:
        """The path as dotted text (``a.b[0].c``), as ``--set`` and ``--explain`` write it."""
        return format_path(self.path)

    def to_dict(self) -> Dict[str, Any]:
        """The change record: path (list and text), change, before, after, both origins, secret."""
        return {
            "path": list(self.path),
            "pathText": self.path_text,
            "change": self.change,
            "before": self.before,
            "after": self.after,
            "beforeOrigin": origin_dict(self.before_origin),
            "afterOrigin": origin_dict(self.after_origin),
            "secret": self.secret,
        }


def origin_dict(origin: Optional["Origin"]) -> Optional[Dict[str, Any]]:
    """An origin as the change record holds it: layer, source, line, column (None for no origin)."""
    if origin is None:
        return None
    return {"layer": origin.layer, "source": origin.source, "line": origin.line, "column": origin.column}


@dataclass(frozen=True)
class ObjectChange:
    """A generated object added, removed or changed between two renders.

    Objects are matched by ``list_name`` (``manifests`` or ``preInstallManifests``),
    ``kind``, ``namespace`` and ``name``; ``before``/``after`` are the whole
    objects (Secret data masked unless asked otherwise; None where absent) and
    ``fields`` the field-level changes of a changed object.
    """

    list_name: str
    kind: str
    namespace: Optional[str]
    name: str
    change: str
    before: Optional[Dict[str, Any]]
    after: Optional[Dict[str, Any]]
    fields: Tuple[Change, ...] = ()

    def to_dict(self) -> Dict[str, Any]:
        """The object change record: list, kind, namespace, name, change, before, after, fields."""
        return {
            "list": self.list_name,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
            "change": self.change,
            "before": self.before,
            "after": self.after,
            "fields": [f.to_dict() for f in self.fields],
        }


@dataclass(frozen=True)
class DiffResult:
    """Everything that differs between two renders: values, generated objects, the generated Secret's name.

    ``secret_name`` is ``(before, after)`` when the name changed, else None.
    A result is true when anything differs (``equal`` says the opposite).

    >>> chart = Path("examples/hello-chart")
    >>> result = diff_renders(merge_values(chart), merge_values(chart, [{"replicaCount": 2}]))
    >>> result.equal, [change.path_text for change in result.values]
    (False, ['replicaCount'])
    """

    values: Tuple[Change, ...]
    objects: Tuple[ObjectChange, ...] = ()
    secret_name: Optional[Tuple[Optional[str], Optional[str]]] = None
    masked: bool = True

    @property
    def equal(self) -> bool:
        """Whether the two renders are the same (no value, object or name changed)."""
        return not self.values and not self.objects and self.secret_name is None

    def __bool__(self) -> bool:
        return not self.equal

    def to_dict(self) -> Dict[str, Any]:
        """The plain form (``schemas/diff.schema.json``): equal, masked, values, objects, secretName."""
        return {
            "equal": self.equal,
            "masked": self.masked,
            "values": [c.to_dict() for c in self.values],
            "objects": [o.to_dict() for o in self.objects],
            "secretName": (None if self.secret_name is None else
                           {"before": self.secret_name[0], "after": self.secret_name[1]}),
        }

    def to_json(self, *, indent: Optional[int] = 2) -> str:
        """The plain form as JSON, numbers formatted as Helm formats them."""
        from profile_render.emit import to_json

        return to_json(self.to_dict(), indent=indent)


def same_value(a: Any, b: Any) -> bool:
    """Whether two values trees are equal, types included: ``1``, ``1.0``, ``"1"`` and ``True`` all differ."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return bool(a is b or a == b)


def tree_changes(before: Any, after: Any, path: ValuePath = ()) -> List[Tuple[ValuePath, str, Any, Any]]:
    """The differences between two values trees as (path, change, before, after), in document order.

    Maps are compared key by key (keys of ``before`` first, then those only
    in ``after``), lists index by index; a value whose type differs is one
    change at its path.
    """
    out: List[Tuple[ValuePath, str, Any, Any]] = []
    _collect(before, after, path, out)
    return out


def _collect(before: Any, after: Any, path: ValuePath, out: List[Tuple[ValuePath, str, Any, Any]]) -> None:
    """Append the differences between ``before`` and ``after`` (both present at ``path``) to ``out``."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key, value in before.items():
            if key in after:
                _collect(value, after[key], path + (key,), out)
            else:
                out.append((path + (key,), REMOVED, value, None))
        out.extend((path + (key,), ADDED, None, value) for key, value in after.items() if key not in before)
        return
    if isinstance(before, list) and isinstance(after, list):
        for index in range(min(len(before), len(after))):
            _collect(before[index], after[index], path + (index,), out)
        out.extend((path + (i,), REMOVED, before[i], None) for i in range(len(after), len(before)))
        out.extend((path + (i,), ADDED, None, after[i]) for i in range(len(before), len(after)))
        return
    if not same_value(before, after):
        out.append((path, CHANGED, before, after))


def _is_secret(result: Result, path: ValuePath) -> bool:
    """Whether ``path`` is, or holds, a secret parameter's value in ``result`` (a MergeResult has none)."""
    check = getattr(result, "is_secret", None)
    return bool(check(path)) if check is not None else False


def _origin(result: Result, path: ValuePath, present: bool) -> Optional["Origin"]:
    """Where ``result``'s value at ``path`` came from (None when the path is absent there)."""
    return result.origin(path) if present else None


@resource_guard
def diff_renders(before: Result, after: Result, *, masked: bool = True, origins: bool = True) -> DiffResult:
    """Compare two renders: every value path added, removed or changed, the generated objects and Secret name.

    ``before`` and ``after`` are :class:`~profile_render.RenderResult` or
    :class:`~profile_render.MergeResult` objects (a MergeResult has no
    generated objects). Each value change carries the origin of both sides
    (``origins=False`` skips provenance, which replays each merge once);
    values at a secret parameter's path on either side, and every Secret's
    ``data``/``stringData``, are ``****`` unless ``masked=False``.

    >>> chart = Path("examples/hello-chart")
    >>> before = merge_values(chart, [{"replicaCount": 2}])
    >>> after = merge_values(chart, [{"replicaCount": 3, "extra": True}])
    >>> [(c.path_text, c.change, c.before, c.after) for c in diff_renders(before, after).values]
    [('replicaCount', 'changed', 2, 3), ('extra', 'added', None, True)]
    """
    from profile_render.rendering import RenderResult
    from profile_render.values import MergeResult

    for side, result in (("before", before), ("after", after)):
        if not isinstance(result, (RenderResult, MergeResult)):
            raise TypeError(f"{side} must be a RenderResult or MergeResult, not {type(result).__name__}")
    changes: List[Change] = []
    for path, kind, old, new in tree_changes(before.values, after.values):
        secret = _is_secret(before, path) or _is_secret(after, path)
        hide = secret and masked
        changes.append(Change(
            path, kind,
            MASK if hide and kind != ADDED else old,
            MASK if hide and kind != REMOVED else new,
            _origin(before, path, kind != ADDED) if origins else None,
            _origin(after, path, kind != REMOVED) if origins else None,
            secret, hide))
    objects = object_changes(_objects(before), _objects(after), masked=masked)
    old_name, new_name = getattr(before, "secret_name", None), getattr(after, "secret_name", None)
    renamed = (old_name, new_name) if old_name != new_name else None
    return DiffResult(tuple(changes), tuple(objects), renamed, masked)


def _objects(result: Result) -> Dict[str, Sequence[Dict[str, Any]]]:
    """A render's generated objects by list name (none for a MergeResult)."""
    return {"manifests": getattr(result, "manifests", ()),
            "preInstallManifests": getattr(result, "pre_install_manifests", ())}


def _identity(obj: Any) -> Tuple[str, Optional[str], str]:
    """An object's kind, namespace and name, as objects are matched between the two sides."""
    if not isinstance(obj, dict):
        return "?", None, "?"
    found = obj.get("metadata")
    metadata: Dict[str, Any] = found if isinstance(found, dict) else {}
    namespace = metadata.get("namespace")
    return (str(obj.get("kind", "?")), str(namespace) if namespace is not None else None,
            str(metadata.get("name", "?")))


def _secret_field(obj: Any, path: ValuePath) -> bool:
    """Whether ``path`` inside ``obj`` is, or holds, a Secret's data."""
    if not isinstance(obj, dict) or obj.get("kind") != "Secret":
        return False
    return not path or path[0] in SECRET_DATA_FIELDS


def object_changes(before: Mapping[str, Sequence[Dict[str, Any]]], after: Mapping[str, Sequence[Dict[str, Any]]],
                   *, masked: bool = True) -> List[ObjectChange]:
    """The generated objects added, removed or changed between two renders' object lists (by list name)."""
    out: List[ObjectChange] = []
    show = mask_secret_data if masked else (lambda obj: obj)
    for list_name in OBJECT_LISTS:
        old = {_identity(obj): obj for obj in before.get(list_name, ())}
        new = {_identity(obj): obj for obj in after.get(list_name, ())}
        for key, obj in old.items():
            if key not in new:
                out.append(ObjectChange(list_name, *key, REMOVED, show(obj), None))
                continue
            fields = []
            for path, kind, a, b in tree_changes(obj, new[key]):
                secret = _secret_field(obj, path) or _secret_field(new[key], path)
                hide = secret and masked
                fields.append(Change(path, kind, MASK if hide and kind != ADDED else a,
                                     MASK if hide and kind != REMOVED else b, None, None, secret, hide))
            if fields:
                out.append(ObjectChange(list_name, *key, CHANGED, show(obj), show(new[key]), tuple(fields)))
        out.extend(ObjectChange(list_name, *key, ADDED, None, show(obj)) for key, obj in new.items() if key not in old)
    return out


def apply_changes(values: Any, changes: Iterable[Change]) -> Any:
    """A copy of ``values`` with ``changes`` (from an unmasked diff of it) applied: the other side's values.

    Changed and added paths take the after value, removed ones are deleted
    (list items from the highest index down, so earlier indexes stay valid).
    A masked change cannot be replayed and raises
    :class:`ChangeNotApplicableError` (also a ``ValueError``), as does a
    change whose parent path does not exist in ``values``.

    >>> chart = Path("examples/hello-chart")
    >>> before, after = merge_values(chart), merge_values(chart, [{"replicaCount": 5}])
    >>> apply_changes(before.values, diff_renders(before, after).values) == after.values
    True
    """
    changes = list(changes)
    for change in changes:
        if not isinstance(change, Change):
            raise TypeError(f"changes must be Change objects (DiffResult.values), not {type(change).__name__}")
    if any(c.masked for c in changes):
        raise ChangeNotApplicableError(
            "masked changes hide the values they would set",
            hint="diff with masked=False to get changes that can be applied")
    out = copy_tree(values)
    ordered = ([c for c in changes if c.change == CHANGED] + [c for c in reversed(changes) if c.change == REMOVED]
               + [c for c in changes if c.change == ADDED])
    for change in ordered:
        if not change.path:
            out = copy_tree(change.after)
            continue
        parent = _parent(out, change.path)
        key = change.path[-1]
        if change.change == REMOVED:
            del parent[key]
        elif isinstance(parent, list) and change.change == ADDED:
            if key != len(parent):
                raise ChangeNotApplicableError(f"cannot add {change.path_text}: the list has {len(parent)} items",
                                               hint="apply the changes of a diff of these values")
            parent.append(copy_tree(change.after))
        else:
            parent[key] = copy_tree(change.after)
    return out


def _parent(tree: Any, path: ValuePath) -> Any:
    """The container holding the last key of ``path`` in ``tree`` (ChangeNotApplicableError when a parent is missing)."""
    node = tree
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            raise ChangeNotApplicableError(f"cannot apply a change at {format_path(path)}: its parent is not in the "
                                           "values", hint="apply the changes of a diff of these values") from None
    if not isinstance(node, (dict, list)):
        raise ChangeNotApplicableError(f"cannot apply a change at {format_path(path)}: its parent is not a map or "
                                       "list", hint="apply the changes of a diff of these values")
    return node
