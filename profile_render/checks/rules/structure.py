"""Rules about an object's shape: repeated keys, fields at the wrong level, leftover placeholders."""

from __future__ import annotations

from typing import Iterator, Tuple, Union

from profile_render.checks.context import CheckContext, ObjectView
from profile_render.checks.rules.base import Hit, rule
from profile_render.checks.sites import VM_PULL_SECRETS_WHY, Misplacement, ObjectSite, SpecSite, Text
from profile_render.checks.tree import FieldPath, expand, get_path
from profile_render.problems import ERROR, format_path

__all__ = ["MISPLACED", "duplicate_key", "misplaced_field", "leftover_placeholder"]

# (context, parent path relative to the spec ("*" = every list item), key, correct path, why).
# In the correct path "*" stands for the same list index as in the parent.
MISPLACED: Tuple[Tuple[str, FieldPath, str, FieldPath, str], ...] = (
    ("pod", (), "image", ("containers", 0, "image"),
     "`image` is a container field; on the pod spec it is ignored and the container has no image"),
    ("pod", (), "imagePullSecret", ("imagePullSecrets",),
     "the pod-spec field is `imagePullSecrets`, a list of {name: <secret>}"),
    ("vm", (), "imagePullSecrets", ("volumes", 0, "containerDisk", "imagePullSecret"), VM_PULL_SECRETS_WHY),
    ("vm", ("domain",), "disks", ("domain", "devices", "disks"),
     "`disks` belongs under `domain.devices`"),
    ("vm", ("domain",), "interfaces", ("domain", "devices", "interfaces"),
     "`interfaces` belongs under `domain.devices`"),
    ("vm", ("volumes", "*"), "imagePullSecret", ("volumes", "*", "containerDisk", "imagePullSecret"),
     "`imagePullSecret` belongs inside the volume's `containerDisk`"),
    ("vm", ("volumes", "*", "containerDisk"), "name", ("volumes", "*", "name"),
     "`name` is the volume's name and belongs beside `containerDisk`, not inside it"),
    ("vm", ("volumes", "*", "containerDisk"), "dataVolume", ("volumes", "*", "dataVolume"),
     "a volume is either a `containerDisk` or a `dataVolume`; `dataVolume` belongs beside `name`, not inside "
     "`containerDisk`"),
    ("vm", ("volumes", "*", "containerDisk"), "imagePullSecrets", ("volumes", "*", "containerDisk", "imagePullSecret"),
     "the containerDisk field is `imagePullSecret`: one Secret name, a string"),
    ("dv", (), "registry", ("source", "registry"), "`registry` belongs under `source`"),
    ("dv", ("source",), "url", ("source", "registry", "url"),
     "`url` belongs under `source.registry` (`source.http.url` for an http(s) import)"),
    ("dv", ("source",), "secretRef", ("source", "registry", "secretRef"),
     "`secretRef` belongs under `source.registry` (or `source.http`)"),
    ("dv", ("source",), "certConfigMap", ("source", "registry", "certConfigMap"),
     "`certConfigMap` belongs under `source.registry` (or `source.http`)"),
    ("dv", ("source", "registry"), "imagePullSecret", ("source", "registry", "secretRef"),
     "CDI reads the registry Secret from `secretRef`"),
    ("dv", ("source", "registry"), "imagePullSecrets", ("source", "registry", "secretRef"),
     "CDI reads the registry Secret from `secretRef` (one name, a string)"),
)


@rule("duplicate-key", ERROR, ObjectSite)
def duplicate_key(ctx: CheckContext, site: ObjectSite) -> Iterator[Hit]:
    """a key written twice in one mapping; only the last one survives

    Reported only for manifests read from text (a dict cannot hold a key
    twice). The earlier block is often a slip of indentation that hides other
    problems, which show once it is fixed.
    """
    o = site.obj
    if o.positions is None:
        return
    n = len(o.base)
    for path, line, _column, earlier in o.positions.duplicates:
        if path[:n] != o.base:
            continue
        rel = path[n:]
        yield Hit(rel,
                  f"`{rel[-1]}` is written twice in the same mapping (lines {earlier} and {line}); Kubernetes "
                  "keeps only the last one (or rejects the object), so the earlier block is lost",
                  "merge the two blocks, or indent the misplaced one under the key it belongs to")


def _misplaced(o: ObjectView, actual: FieldPath, correct: FieldPath, why: str) -> Hit:
    return Hit(actual, f"{o.kind or 'the object'} does not read `{actual[-1]}` here: {why}",
               f"move it to {format_path(correct)}")


@rule("misplaced-field", ERROR, Misplacement, SpecSite)
def misplaced_field(ctx: CheckContext, site: Union[Misplacement, SpecSite]) -> Iterator[Hit]:
    """a field at a level where Kubernetes, KubeVirt or CDI does not read it

    Two kinds: a spec's defining keys (``containers``, ``volumes``,
    ``source`` ...) or a ``spec:`` found above the level where the spec
    belongs, which the driver finds while locating each spec; and known slips
    inside a spec, such as ``disks`` directly under ``domain`` (the
    ``MISPLACED`` table).
    """
    if isinstance(site, Misplacement):
        yield _misplaced(site.obj, site.path, site.correct, site.why)
        return
    spec = get_path(site.obj.obj, site.path)
    for context, parent, key, correct, why in MISPLACED:
        if context != site.context:
            continue
        for at, node in expand(spec, parent):
            if isinstance(node, dict) and key in node:
                indexes = iter(p for p, q in zip(at, parent) if q == "*")
                target = tuple(next(indexes, 0) if part == "*" else part for part in correct)
                yield _misplaced(site.obj, site.path + at + (key,), site.path + target, why)


@rule("leftover-placeholder", ERROR, Text)
def leftover_placeholder(ctx: CheckContext, site: Text) -> Iterator[Hit]:
    """a placeholder (or a near miss) left in a rendered manifest

    The Edge Orchestrator substitutes placeholders in the Profile's values
    only; one in a rendered manifest reaches Kubernetes as text.
    """
    text, what = site.text, site.what
    hits = list(ctx.placeholders.scan(text))
    if not hits:
        return
    known = [f"%{h.name}%" for h in hits if h.known]
    near = [(text[h.start:h.end], h.suggestion) for h in hits if not h.known]
    parts = []
    if known:
        parts.append(f"placeholder {', '.join(known)} was not substituted in this {what}")
    secret = site.obj.kind == "Secret" and site.path[:1] in (("data",), ("stringData",))
    if near and secret:  # a Secret's data is never quoted, not even in part
        parts.append(", ".join(f"text in this Secret {what} looks like a misspelt %{s}%" for _, s in near))
    elif near:
        parts.append(", ".join(f"{t!r} in this {what} looks like a misspelt %{s}%" for t, s in near))
    fixes = []
    if near:
        fixes.append(", ".join(f"write '%{s}%'" for _, s in near) +
                     " (case-sensitive, with a % on each side)")
    fixes.append("set placeholders only in the Profile's chart values (never in the chart's values.yaml or "
                 "templates) and deploy through the orchestrator or profile-render render")
    yield Hit(site.path, f"{'; '.join(parts)}; Kubernetes would get the text literally", "; ".join(fixes))
