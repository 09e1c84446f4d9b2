"""The HTML provenance report: one self-contained page per render or package render.

:func:`report_html` turns a :class:`~profile_render.rendering.RenderResult`
(or a :class:`~profile_render.values.MergeResult`, or a whole
:class:`~profile_render.orchestrator.package.PackageRender`) into one HTML
page, made with Jinja2 from ``profile_render/templates/report.html.j2``: per
application the final values as a collapsible tree in which every leaf names
the layer and file:line that gave it, the placeholders and what they resolved
to, the generated objects (Secret data always masked), and the findings, each
linked to the value it concerns. A list of change records (the shape
``diff_renders()`` produces) adds a diff section.

Everything shown is untrusted text: the template escapes all of it
(``autoescape``), element ids are digests of value paths (never the text of a
key), and no value is ever written into a script or a URL. What a page would
show beyond its bounds (a value's length, the number of leaves, the nesting
depth) is cut, and the page says what was cut.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.emit import to_json, to_yaml
from profile_render.orchestrator.model import MASK
from profile_render.problems import Diagnostic, format_path
from profile_render.tree import walk

if TYPE_CHECKING:  # type names only: the report loads the render modules only when given a result
    from profile_render.orchestrator.package import PackageRender
    from profile_render.origin import Origin
    from profile_render.rendering import RenderResult
    from profile_render.values import MergeResult

__all__ = ["report_html", "ReportLimits", "change_records", "value_anchor"]

Reportable = Union["RenderResult", "MergeResult", "PackageRender"]
ValuePath = Tuple[Any, ...]


@dataclass(frozen=True)
class ReportLimits:
    """How much one page shows: characters per value, leaves per application, nesting depth, diff rows."""

    value_chars: int = 2_000
    leaves: int = 10_000
    depth: int = 48
    changes: int = 5_000


@dataclass
class _Node:
    """One entry of the values tree as the template draws it (a mapping, a list or a leaf)."""

    label: str
    path_text: str
    anchor: str
    kind: str  # "map", "list" or "leaf"
    children: List["_Node"] = field(default_factory=list)
    size: int = 0  # entries of a map or list
    value: str = ""
    value_type: str = ""
    layer: str = ""
    location: str = ""
    findings: List[Tuple[str, str]] = field(default_factory=list)  # (finding anchor, severity)


@dataclass
class _Budget:
    """What is left of the page's leaf budget, and what was cut on the way."""

    leaves: int
    cut_leaves: int = 0
    cut_depth: int = 0
    cut_values: int = 0


def value_anchor(app_index: int, path: Sequence[Any]) -> str:
    """The element id of the value at ``path`` in the ``app_index``-th application: a digest, safe in any id."""
    key = json.dumps([_path_part(part) for part in path], ensure_ascii=True)
    return f"v{app_index}-" + hashlib.sha256(key.encode("ascii")).hexdigest()[:24]


def _path_part(part: Any) -> Any:
    """A path part as JSON takes it: list indexes stay numbers, every other key becomes text."""
    return part if isinstance(part, int) and not isinstance(part, bool) else str(part)


def _capped(text: str, limit: int) -> Tuple[str, bool]:
    """``text`` cut to ``limit`` characters with an ellipsis and the count left out, and whether it was cut."""
    if len(text) <= limit:
        return text, False
    return f"{text[:limit]}… ({len(text) - limit:,} more characters not shown)", True


def _scalar_text(value: Any) -> Tuple[str, str]:
    """A final value as the page shows it (JSON text, numbers as Helm writes them) and its type name."""
    if value is None:
        return "null", "null"
    if isinstance(value, bool):
        return ("true" if value else "false"), "bool"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False), "string"
    if isinstance(value, (dict, list)):
        return ("{}" if isinstance(value, dict) else "[]"), ("map" if isinstance(value, dict) else "list")
    return to_json(value, indent=None), "number"


class _Application:
    """One application's page section, built from its result."""

    def __init__(self, index: int, name: str, result: Any, limits: ReportLimits, *,
                 namespace: Optional[str] = None, profile: Optional[str] = None, profile_known: bool = False) -> None:
        """Collect what the page shows of ``result`` (a RenderResult or MergeResult) for application ``name``."""
        self.index, self.name, self.result, self.limits = index, name, result, limits
        # What a package render says about the application (shown as given).
        self.about = {"namespace": namespace, "profile": profile, "profile_known": profile_known}
        masked_values = getattr(result, "masked_values", None)
        self.values: Dict[str, Any] = masked_values() if masked_values is not None else result.values
        self.secret_name: Optional[str] = getattr(result, "secret_name", None)
        self.findings: List[Dict[str, Any]] = []
        self._by_anchor: Dict[str, _Node] = {}
        self.budget = _Budget(limits.leaves)
        self.tree = self._children(self.values, (), 0)
        self.objects = self._objects()

    # -- the values tree ------------------------------------------------------------------------
    def _children(self, node: Any, path: ValuePath, depth: int) -> List[_Node]:
        """The tree entries under ``node`` (a mapping or list), within the leaf budget."""
        items: Iterable[Tuple[Any, Any]] = node.items() if isinstance(node, dict) else enumerate(node)
        out: List[_Node] = []
        for key, child in items:
            if self.budget.leaves <= 0:
                self.budget.cut_leaves += _count_leaves(child)
                continue
            out.append(self._entry(key, child, path + (key,), depth + 1))
        return out

    def _entry(self, key: Any, value: Any, path: ValuePath, depth: int) -> _Node:
        """The tree entry of one key or index: a branch with its children, or a leaf with its provenance."""
        label, _ = _capped(f"[{key}]" if isinstance(key, int) and not isinstance(key, bool) else str(key), 200)
        anchor = value_anchor(self.index, path)
        path_text, _ = _capped(format_path(path), 400)
        if isinstance(value, (dict, list)) and value and depth < self.limits.depth:
            entry = _Node(label, path_text, anchor, "map" if isinstance(value, dict) else "list", size=len(value))
            entry.children = self._children(value, path, depth)
        else:
            if isinstance(value, (dict, list)) and value:  # too deep to draw: the subtree as one JSON text
                self.budget.cut_depth += 1
                text, kind = to_json(value, indent=None), "map" if isinstance(value, dict) else "list"
            else:
                text, kind = _scalar_text(value)
            shown, cut = _capped(text, self.limits.value_chars)
            self.budget.cut_values += cut
            self.budget.leaves -= 1
            entry = _Node(label, path_text, anchor, "leaf", value=shown, value_type=kind)
            origin = self._origin(path)
            if origin is not None:
                entry.layer = origin.layer
                entry.location, _ = _capped(origin.location, 400)
        self._by_anchor[anchor] = entry
        return entry

    def _origin(self, path: ValuePath) -> "Optional[Origin]":
        """Where the value at ``path`` came from (None when no layer holds it, e.g. a value a chart deleted)."""
        from profile_render.errors import ProfileRenderError

        try:
            found: "Optional[Origin]" = self.result.origin(path)
            return found
        except ProfileRenderError:
            return None

    def cut_notes(self) -> List[str]:
        """What the page left out of this application's values, in words."""
        notes = []
        if self.budget.cut_leaves:
            notes.append(f"{self.budget.cut_leaves:,} values not shown: the page shows at most "
                         f"{self.limits.leaves:,} values per application (see the full values with "
                         f"`render -o yaml`)")
        if self.budget.cut_depth:
            notes.append(f"{self.budget.cut_depth:,} subtrees nested deeper than {self.limits.depth} levels are "
                         f"shown as one JSON text each")
        if self.budget.cut_values:
            notes.append(f"{self.budget.cut_values:,} values longer than {self.limits.value_chars:,} characters "
                         f"are cut")
        return notes

    # -- findings -------------------------------------------------------------------------------
    def target_of(self, path: Optional[ValuePath]) -> Optional[Tuple[str, str]]:
        """The (anchor, path text) of the deepest drawn value on ``path``, or None when the values hold no part of it."""
        if not path:
            return None
        for end in range(len(path), 0, -1):
            prefix = tuple(path[:end])
            found, _ = walk(self.values, prefix)
            anchor = value_anchor(self.index, prefix)
            if found and anchor in self._by_anchor:
                return anchor, self._by_anchor[anchor].path_text
        return None

    def add_finding(self, finding: Diagnostic, target: Optional[Tuple[str, str]]) -> None:
        """Record ``finding`` in this application's list, linked both ways with the value or object it concerns."""
        anchor = f"f{self.index}-{len(self.findings)}"
        record = _finding_record(finding, anchor)
        if target is not None:
            record["target"], record["target_path"] = target
            node = self._by_anchor.get(target[0])
            badges = node.findings if node is not None else next(
                obj["findings"] for obj in self.objects if obj["anchor"] == target[0])
            badges.append((anchor, finding.severity))
        self.findings.append(record)

    # -- the rest of the section ----------------------------------------------------------------
    def placeholders(self) -> List[Tuple[str, str]]:
        """(``%Name%``, the text it resolved to) for each placeholder the render used, by name."""
        values: Mapping[str, str] = getattr(self.result, "placeholder_values", {}) or {}
        return [(f"%{name}%", _capped(str(values[name]), self.limits.value_chars)[0]) for name in sorted(values)]

    def _objects(self) -> List[Dict[str, Any]]:
        """The generated objects as masked YAML, pre-install objects first, each with its own anchor."""
        masked = getattr(self.result, "masked", None)
        if masked is None:
            return []
        form = masked()
        out: List[Dict[str, Any]] = []
        for objects, pre_install in ((form.get("preInstallManifests") or [], True), (form.get("manifests") or [], False)):
            for obj in objects:
                metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
                kind, name = str(obj.get("kind", "?")), str(metadata.get("name", "?"))
                text, _ = _capped(to_yaml(obj), 20 * self.limits.value_chars)
                out.append({"label": f"{kind}/{name}", "kind": kind, "name": name, "pre_install": pre_install,
                            "yaml": text, "anchor": f"o{self.index}-{len(out)}", "findings": []})
        return out

    def object_of(self, finding: Diagnostic) -> Optional[Dict[str, Any]]:
        """The generated object a manifest finding names (by kind and name), or None."""
        return next((obj for obj in self.objects if finding.kind == obj["kind"] and finding.name == obj["name"]), None)

    def context(self) -> Dict[str, Any]:
        """What the template reads for this application."""
        return {"index": self.index, "name": self.name, **self.about, "secret_name": self.secret_name, "tree": self.tree,
                "placeholders": self.placeholders(), "objects": self.objects, "findings": self.findings,
                "cut": self.cut_notes(), "shown": self.limits.leaves - self.budget.leaves}


def _count_leaves(value: Any) -> int:
    """How many leaves a subtree holds (an empty mapping or list counts as one), without recursion."""
    count, stack = 0, [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict) and node:
            stack.extend(node.values())
        elif isinstance(node, list) and node:
            stack.extend(node)
        else:
            count += 1
    return count


def _finding_record(finding: Diagnostic, anchor: str) -> Dict[str, Any]:
    """What the page shows of one finding: severity, rule, message, where, hint, and its own anchor."""
    where = finding.source or ""
    if finding.line is not None:
        where += f":{finding.line}" + (f":{finding.column}" if finding.column is not None else "")
    if finding.kind is not None:
        where += f" ({finding.kind}/{finding.name or ''}" + (
            f", document {finding.document}" if finding.document is not None else "") + ")"
    return {"anchor": anchor, "severity": finding.severity, "rule": finding.rule or "", "where": where,
            "message": _capped(finding.message, 4_000)[0], "hint": _capped(finding.hint or "", 4_000)[0],
            "path": format_path(finding.path, limit=40) if finding.path else "", "target": None, "target_path": ""}


def _origin_text(origin: Any) -> str:
    """A change record's origin dict as ``layer file:line:col`` (empty when there is none)."""
    if not isinstance(origin, Mapping):
        return ""
    where = str(origin.get("source") or "")
    if origin.get("line") is not None:
        where += f":{origin.get('line')}" + (f":{origin.get('column')}" if origin.get("column") is not None else "")
    return f"{origin.get('layer') or ''} {where}".strip()


def change_records(changes: Any) -> List[Mapping[str, Any]]:
    """Change records as mappings: given as mappings, as objects with ``to_dict()``, or as a diff with ``.values``."""
    values = getattr(changes, "values", None)
    items = values if not isinstance(changes, (list, tuple)) and isinstance(values, (list, tuple)) else changes
    return [item.to_dict() if callable(getattr(item, "to_dict", None)) else item for item in items]


def _change_rows(changes: Sequence[Mapping[str, Any]], applications: Sequence[_Application],
                 limits: ReportLimits) -> List[Dict[str, Any]]:
    """The diff section's rows from change records; secret ones always masked, links when one application is shown."""
    rows = []
    linked = applications[0] if len(applications) == 1 else None
    for record in changes[: limits.changes]:
        secret = bool(record.get("secret"))
        sides = []
        for side in ("before", "after"):
            if side not in record or (record.get("change") == "added" and side == "before") or (
                    record.get("change") == "removed" and side == "after"):
                sides.append("")
                continue
            value = record.get(side)
            text = MASK if secret else _scalar_text(value)[0] if not isinstance(value, (dict, list)) or not value \
                else to_json(value, indent=None)
            sides.append(_capped(text, limits.value_chars)[0])
        path = record.get("path")
        path_text = str(record.get("pathText") or (format_path(path) if isinstance(path, (list, tuple)) else ""))
        target = linked.target_of(tuple(path)) if linked is not None and isinstance(path, (list, tuple)) else None
        rows.append({"change": str(record.get("change") or ""), "path": _capped(path_text, 400)[0],
                     "before": sides[0], "after": sides[1], "secret": secret,
                     "before_origin": _capped(_origin_text(record.get("beforeOrigin")), 400)[0],
                     "after_origin": _capped(_origin_text(record.get("afterOrigin")), 400)[0],
                     "target": target[0] if target is not None and target[1] == path_text else None})
    return rows


def _applications(subject: Reportable, limits: ReportLimits) -> Tuple[List[_Application], Dict[str, Any]]:
    """The sections of the page and, for a package render, what it says about the package."""
    applications_of = getattr(subject, "applications", None)
    if isinstance(applications_of, dict):  # a PackageRender
        package = getattr(subject, "package", None)
        profile = getattr(subject, "deployment_profile", None)
        head = {"package": getattr(package, "name", None), "version": getattr(package, "version", None),
                "deployment_profile": getattr(profile, "name", None)}
        profiles: Mapping[str, Optional[str]] = getattr(subject, "profiles", {})
        namespaces: Mapping[str, str] = getattr(subject, "namespaces", {})
        return [_Application(i, name, result, limits, namespace=namespaces.get(name), profile=profiles.get(name),
                             profile_known=True)
                for i, (name, result) in enumerate(applications_of.items())], head
    return [_Application(0, "values", subject, limits)], {}


def report_html(subject: Reportable, *, findings: Iterable[Diagnostic] = (),
                changes: Any = None, title: str = "profile-render report",
                limits: Optional[ReportLimits] = None, application: Optional[str] = None) -> str:
    """One self-contained HTML page showing ``subject``'s values with their provenance, findings and changes.

    ``subject`` is a RenderResult, a MergeResult or a PackageRender. Every
    render warning is shown with its application; ``findings`` (lint's, a
    package render's, the manifest checks') are attached to the application
    and value they concern when a value of an application came from the
    finding's file and the values hold its path, else listed for the whole
    page. ``changes`` are change records: mappings, objects with
    ``to_dict()`` (a diff's value changes), or a diff result whose ``values``
    are those (see ``diff_renders``); None leaves the section out. Secrets are
    always masked. ``application`` names the single application of a
    RenderResult (default ``values``).
    """
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from markupsafe import Markup

    limits = limits or ReportLimits()
    records = None if changes is None else change_records(changes)
    applications, head = _applications(subject, limits)
    if application is not None and not head:
        applications[0].name = application
    general: List[Dict[str, Any]] = []
    for app in applications:
        for warning in getattr(app.result, "warnings", ()):
            app.add_finding(warning, app.target_of(warning.path))
    given = [*getattr(subject, "findings", ()), *findings]
    # A package render's own findings are lint's too: each finding is shown once.
    unique = list(dict.fromkeys(given))
    for index, finding in enumerate(unique):
        placed = False
        for app in applications:
            if finding.kind is not None:  # a manifest finding: about a generated object, when one is named
                obj = app.object_of(finding)
                if obj is not None:
                    app.add_finding(finding, (obj["anchor"], obj["label"]))
                    placed = True
                continue
            target = app.target_of(finding.path)
            if target is not None and _from_source(app, finding.source, target[0]):
                app.add_finding(finding, target)
                placed = True
        if not placed:
            general.append(_finding_record(finding, f"g-{index}"))
    loader = PackageLoader("profile_render", "templates")
    environment = Environment(loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)
    template = environment.get_template("report.html.j2")
    # The page's one script is the package's own file, never user text; the page's Content-Security-Policy
    # allows exactly it (by digest), so no injected script or event handler could run even if escaping failed.
    script = loader.get_source(environment, "report.js")[0]
    script_hash = "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return template.render(
        script=Markup(script), script_hash=script_hash,
        title=title, head=head, applications=[app.context() for app in applications], general=general,
        changes=None if records is None else _change_rows(records, applications, limits),
        changes_cut=max(0, len(records) - limits.changes) if records is not None else 0, mask=MASK)


def _from_source(app: _Application, source: Optional[str], anchor: str) -> bool:
    """Whether a value of ``app`` at or under the drawn node ``anchor`` came from the file ``source``."""
    if source is None:
        return False
    stack = [app._by_anchor[anchor]]  # noqa: SLF001 - the application's own index
    while stack:
        node = stack.pop()
        if node.kind == "leaf":
            if node.location == source or node.location.startswith(source + ":"):
                return True
        else:
            stack.extend(node.children)
    return False
