"""Parameter templates: typed, validated deployment values declared by a Profile.

A Profile's ``parameterTemplates`` name value paths (``tutorialServer.greeting``,
``a\\.b.c``, ``list[0].name``) a deployment may set. This module turns the values
a user gives (strings, from the API or ``--set APP:path=value``) into override
layers: coerced by declared type, checked against the template rules, with
secret parameters remembered so that every display masks them.

Rules (the reference's, made strict where the reference is sloppy):

* ``number`` takes integers and decimals; ``abc`` is an error (the reference
  silently makes it 0). ``boolean`` takes true/false in any case and rejects
  anything else (the reference makes it false). Where the strict reading
  accepts a value the reference deploys otherwise (``1.5`` → 0, ``True`` →
  false), the warning ``parameter-reference-differs`` names both readings
  (:func:`reference_reading` is the reference's). Strings are trimmed of
  surrounding white space, as the reference trims them.
* A mandatory template with a default, or a secret template with a default, is
  an error in the template itself.
* Given values are processed as the reference processes override values: a
  string is trimmed, and a string that is then empty is deleted. A deleted
  optional parameter sets nothing (the Profile's value stays, no default
  applies); a deleted mandatory one is missing, except when its name is a
  single top-level key, which the reference counts as given (it is dropped,
  with the warning ``parameter-empty-dropped``).
* Missing mandatory parameters are reported together, per application.
* A template whose path is absent from the profile's values is a warning.
* A secret parameter's value never appears in an error, a warning or a log.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from profile_render.errors import LimitExceededError, ProfileRenderError, ValuesWarning
from profile_render.helm.setvalues import MAX_INDEX, SetBudget
from profile_render.origin import parse_value_path
from profile_render.tree import copy_tree, walk
from profile_render.yamlio.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "ParameterTemplate",
    "ParameterError",
    "ParameterResult",
    "parse_parameter_assignment",
    "apply_parameter_templates",
    "coerce_parameter",
    "process_override_values",
    "reference_reading",
    "reference_divergence",
]

TYPES = ("string", "number", "boolean")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_ATOI = re.compile(r"[-+]?[0-9]+")  # what Go's strconv.Atoi accepts (ASCII digits only)
_INT64_MAX = 9223372036854775807


class ParameterError(ProfileRenderError):
    """A parameter value or a parameter template is invalid."""


@dataclass(frozen=True)
class ParameterTemplate:
    """One entry of a Profile's ``parameterTemplates``.

    ``source``/``line``/``column`` locate the template in its Application file.
    """

    name: str
    type: str = "string"
    display_name: Optional[str] = None
    default: Optional[str] = None
    suggested_values: Tuple[str, ...] = ()
    mandatory: bool = False
    secret: bool = False
    validator: Optional[str] = None
    source: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None

    @property
    def path(self) -> Tuple[Any, ...]:
        """The value path the template sets."""
        return parse_value_path(self.name)


@dataclass
class ParameterResult:
    """What applying parameter values produced."""

    layers: List[Tuple[str, Dict[str, Any]]] = field(default_factory=list)  # (template name, override tree)
    secret_paths: Set[Tuple[Any, ...]] = field(default_factory=set)
    warnings: List[ValuesWarning] = field(default_factory=list)
    explanations: Dict[Tuple[Any, ...], ParameterTemplate] = field(default_factory=dict)


def parse_parameter_assignment(text: str) -> Tuple[str, str, str]:
    """Split ``APP:path=value`` (the CLI form of a parameter value) into its three parts."""
    app, colon, rest = text.partition(":")
    if not colon or not app:
        raise ParameterError(f"parameter assignment {text.split('=', 1)[0]!r}... has no application",
                             source="--set", hint="write --set APP:path=value, e.g. --set tutorial-server:greeting=hi")
    path, eq, value = rest.partition("=")
    if not eq or not path:
        raise ParameterError(f"parameter assignment for {app!r} has no path=value",
                             source="--set", hint="write --set APP:path=value")
    return app, path, value


def _shown(name: str, limit: int = 80) -> str:
    """A template name quoted for a message; a long one is cut, with its length."""
    return repr(name) if len(name) <= limit else f"{name[:limit]!r}... ({len(name):,} characters)"


def _template_error(template: ParameterTemplate, problem: str, hint: str) -> ParameterError:
    return ParameterError(problem, source=template.source, line=template.line, column=template.column, hint=hint)


def reference_reading(template: ParameterTemplate, raw: Any) -> Any:
    """The value the Edge Orchestrator deploys for ``raw`` given to ``template`` (contract, "Parameter templates").

    Only strings are coerced: ``number`` with Go's ``strconv.Atoi`` (failure
    gives 0, out of range gives +-9223372036854775807), ``boolean`` true only
    for exactly ``"true"``, ``string`` unchanged; all after trimming. Typed
    values are kept as they are.
    """
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if template.type == "number":
        if not _ATOI.fullmatch(text):
            return 0
        negative = text.startswith("-")
        significant = text.lstrip("+-").lstrip("0") or "0"  # int() refuses more than 4300 digits, zeros too
        if len(significant) > 19:  # out of int64's range whatever the digits
            return -_INT64_MAX if negative else _INT64_MAX
        number = -int(significant) if negative else int(significant)
        return max(-_INT64_MAX, min(_INT64_MAX, number))
    if template.type == "boolean":
        return text == "true"
    return text


def reference_divergence(template: ParameterTemplate, raw: Any, value: Any,
                         application: str) -> Optional[ValuesWarning]:
    """The warning ``parameter-reference-differs`` when the reference deploys something other than ``value``.

    ``value`` is profile-render's reading of ``raw``; the warning names both
    (a secret template's readings are never shown).
    """
    reference = reference_reading(template, raw)
    if type(reference) is type(value) and reference == value:
        return None
    if template.secret:
        said = "the given value of this secret parameter is read differently by the Edge Orchestrator"
    else:
        written = raw.strip() if isinstance(raw, str) else raw
        shown_ref = "true" if reference is True else "false" if reference is False else reference
        said = f"you wrote {_clip(str(written))}; the Edge Orchestrator deploys {_clip(str(shown_ref))}"
    why = ("it reads a number with Go's strconv.Atoi: integers only, anything else becomes 0"
           if template.type == "number" else "it reads a boolean as true only for exactly 'true'")
    return ValuesWarning(
        code="parameter-reference-differs",
        message=f"parameter {_shown(template.name)} of {application!r}: {said} ({why})",
        source=template.source, line=template.line, column=template.column,
        hint=("give an integer such as 3" if template.type == "number" else "write true or false in lower case")
             + "; profile-render predicts the value as written, which the Edge Orchestrator does not deploy")


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def coerce_parameter(template: ParameterTemplate, raw: Any) -> Any:
    """Coerce a given value to the template's declared type, or raise ParameterError naming the template."""
    shown = "the given value" if template.secret else repr(raw if not isinstance(raw, str) or len(raw) <= 80 else raw[:77] + "...")
    if template.type == "string":
        if not isinstance(raw, str):
            raw = str(raw).lower() if isinstance(raw, bool) else str(raw)
        return raw.strip()
    text = raw.strip() if isinstance(raw, str) else raw
    if template.type == "number":
        if isinstance(text, bool):
            pass
        elif isinstance(text, (int, float)):
            return text
        elif isinstance(text, str) and _NUMBER.fullmatch(text):
            number = float(text)
            if number.is_integer() and abs(number) <= 2**53 and "e" not in text.lower() and "." not in text:
                return int(number)  # exact (at most 2**53); int(text) would refuse thousands of leading zeros
            return number
        raise _template_error(template, f"parameter {_shown(template.name)} is a number, but {shown} is not "
                                        "(the Edge Orchestrator would deploy 0)",
                              "give an integer such as 3 (the Edge Orchestrator reads integers only)")
    if template.type == "boolean":
        if isinstance(text, bool):
            return text
        if isinstance(text, str) and text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise _template_error(template, f"parameter {_shown(template.name)} is a boolean, but {shown} is not "
                                        "(the Edge Orchestrator would deploy false)",
                              "give true or false (lower case: the Edge Orchestrator reads only 'true' as true)")
    raise _template_error(template, f"parameter {_shown(template.name)} has the unknown type {template.type!r}",
                          f"use one of {', '.join(TYPES)}")


def process_override_values(tree: Any) -> Any:
    """A copy of an override tree processed as the reference processes ``overrideValues[].values``.

    Every string in a (nested) map is trimmed of white space, and one that is
    then ``""`` is deleted; strings inside lists (and anything below a list)
    are left alone. ``None`` stays. Iterative, so deep trees cannot exhaust the stack.
    """
    if not isinstance(tree, dict):
        return tree
    out: Dict[Any, Any] = {}
    stack: List[Tuple[Dict[Any, Any], Dict[Any, Any]]] = [(tree, out)]
    while stack:
        source, target = stack.pop()
        for key, value in source.items():
            if isinstance(value, str):
                value = value.strip()
                if value == "":
                    continue
                target[key] = value
            elif isinstance(value, dict):
                child: Dict[Any, Any] = {}
                target[key] = child
                stack.append((value, child))
            else:
                target[key] = copy_tree(value)
    return out


def _deleted(raw: Any) -> bool:
    """Whether the reference deletes this given value (a string that is empty once trimmed)."""
    return isinstance(raw, str) and raw.strip() == ""


def _top_level(template: ParameterTemplate) -> bool:
    """Whether the template names one top-level key (``greeting``, not ``a.b`` or ``list[0]``)."""
    path = template.path
    return len(path) == 1 and isinstance(path[0], str)


def check_template(template: ParameterTemplate) -> None:
    """Refuse template definitions the reference refuses (mandatory or secret with a default, bad type, bad name)."""
    if template.type not in TYPES:
        raise _template_error(template, f"parameter template {_shown(template.name)} has the unknown type {template.type!r}",
                              f"use one of {', '.join(TYPES)}")
    if template.mandatory and template.default not in (None, ""):
        raise _template_error(template, f"parameter template {_shown(template.name)} is mandatory and has a default",
                              "a mandatory parameter must be given at deployment; remove the default or make it optional")
    if template.secret and template.default not in (None, ""):
        raise _template_error(template, f"parameter template {_shown(template.name)} is secret and has a default",
                              "a secret must not be stored in the Profile; remove the default")
    try:
        path = template.path
    except ProfileRenderError as exc:
        raise _template_error(template, f"parameter template name {_shown(template.name)} is not a value path: {exc.problem}",
                              exc.hint or "write a dotted path such as image.tag") from None
    for part in path:
        if isinstance(part, int) and part > MAX_INDEX:
            raise _template_error(template, f"parameter template name {_shown(template.name)} has the list index {part}, "
                                  f"larger than Helm's maximum of {MAX_INDEX}",
                                  f"use list indexes between 0 and {MAX_INDEX}")


def _set_path(tree: Dict[str, Any], path: Tuple[Any, ...], value: Any, base: Any, budget: SetBudget,
              template: ParameterTemplate) -> None:
    """Set ``value`` at ``path`` in an override tree, copying lists from ``base`` so other items survive.

    Every list slot added counts against ``budget`` (all templates of an
    application share one); ``template`` is named when it runs out.
    """
    node: Any = tree
    base_node: Any = base
    for i, part in enumerate(path):
        last = i == len(path) - 1
        nxt = path[i + 1] if not last else None
        if isinstance(node, dict):
            base_child = base_node.get(part) if isinstance(base_node, dict) else None
            if last:
                node[part] = value
                return
            child = node.get(part)
            if isinstance(nxt, int):
                if not isinstance(child, list):
                    child = copy_tree(base_child) if isinstance(base_child, list) else []
                    node[part] = child
            elif not isinstance(child, dict):
                child = {}
                node[part] = child
            node, base_node = child, base_child
        else:  # a list
            if len(node) <= part:
                if not budget.spend(part + 1 - len(node)):
                    raise LimitExceededError(
                        f"the parameter templates of this application create more than {budget.limit:,} list slots",
                        source=template.source, line=template.line, column=template.column,
                        hint="use smaller list indexes in parameter template names, or raise Limits.max_set_nodes")
                node.extend([None] * (part + 1 - len(node)))
            base_child = base_node[part] if isinstance(base_node, list) and part < len(base_node) else None
            if last:
                node[part] = value
                return
            child = node[part]
            if isinstance(nxt, int):
                if not isinstance(child, list):
                    child = copy_tree(base_child) if isinstance(base_child, list) else []
                    node[part] = child
            elif not isinstance(child, dict):
                child = copy_tree(base_child) if isinstance(base_child, dict) else {}
                node[part] = child
            node, base_node = child, base_child


def apply_parameter_templates(
    templates: Sequence[ParameterTemplate],
    given: Mapping[str, Any],
    *,
    application: str,
    profile_values: Optional[Mapping[str, Any]] = None,
    use_defaults: bool = True,
    limits: Optional[Limits] = None,
) -> ParameterResult:
    """Turn given parameter values (by template name) into override trees for one application.

    Defaults apply to templates not given (when ``use_defaults``). Raises
    ParameterError for unknown parameters, bad values and missing mandatory ones,
    and :class:`~profile_render.errors.LimitExceededError` for a template path
    nested ``limits.max_depth`` levels deep or list slots beyond
    ``limits.max_set_nodes`` for all templates together.
    """
    limits = limits or DEFAULT_LIMITS
    by_name: Dict[str, ParameterTemplate] = {}
    for template in templates:
        check_template(template)
        by_name[template.name] = template
    for name in given:
        if name not in by_name:
            close = difflib.get_close_matches(name, list(by_name), n=1)
            hint = (f"did you mean {close[0]!r}?" if close else
                    ("the profile declares: " + ", ".join(sorted(by_name)) if by_name else
                     "this profile declares no parameter templates"))
            raise ParameterError(f"application {application!r} has no parameter template named {name!r}",
                                 source="--set", hint=hint)
    # The reference deletes a given "" (after trimming); a deleted nested key counts as missing, a deleted
    # top-level key still counts as given (a reference defect this mirrors, with a warning below).
    missing = [t.name for t in templates
               if t.mandatory and (t.name not in given or (_deleted(given[t.name]) and not _top_level(t)))]
    if missing:
        raise ParameterError(
            f"application {application!r} is missing mandatory parameter(s): {', '.join(missing)}",
            hint="give each with --set " + " ".join(f"{application}:{m}=..." for m in missing[:3]))
    result = ParameterResult()
    base = profile_values or {}
    budget = SetBudget(limits.max_set_nodes)
    for template in templates:
        if template.name in given and _deleted(given[template.name]):
            if template.mandatory:
                result.warnings.append(ValuesWarning(
                    code="parameter-empty-dropped",
                    message=f"mandatory parameter {_shown(template.name)} of {application!r} is given as an empty "
                            "string; the Edge Orchestrator counts a top-level key as given and then drops it, "
                            "so nothing is set",
                    source=template.source, line=template.line, column=template.column,
                    hint="give a non-empty value; the chart's or the Profile's value stays in force"))
            continue  # deleted: the Profile's (or chart's) value stays in force, no default applies
        if template.name in given:
            raw = given[template.name]
        elif use_defaults and template.default not in (None, ""):
            raw = template.default
        else:
            continue
        value = coerce_parameter(template, raw)
        differs = reference_divergence(template, raw, value, application) if template.type != "string" else None
        if differs is not None:
            result.warnings.append(differs)
        path = template.path
        if len(path) > limits.max_depth:
            raise LimitExceededError(f"parameter template {_shown(template.name)} names a path nested more than "
                                     f"{limits.max_depth} levels deep", source=template.source, line=template.line,
                                     column=template.column, hint="shorten the path, or raise Limits.max_depth")
        tree: Dict[str, Any] = {}
        _set_path(tree, path, value, base, budget, template)
        result.layers.append((template.name, tree))
        result.explanations[path] = template
        if template.secret:
            result.secret_paths.add(path)
    for template in templates:
        found, _ = walk(base, template.path)
        if not found:
            result.warnings.append(ValuesWarning(
                code="parameter-path-missing",
                message=f"parameter template {_shown(template.name)} of {application!r} sets a path the profile's values do not have",
                source=template.source, line=template.line, column=template.column,
                hint="name the template after a value path of the profile (e.g. tutorialServer.greeting), "
                     "or add the key to the profile's values"))
    return result

