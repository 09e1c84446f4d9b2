"""How a manifest rule is written: one function per rule, with its id, severity, sites and docstring.

::

    @rule("pull-secrets-not-list", ERROR, PullSecretList)
    def pull_secrets_not_list(ctx, site):
        '''imagePullSecrets that is not a list

        Kubernetes rejects the object ...
        '''
        if not isinstance(site.value, list):
            yield Hit(site.path, "...", "...")

The docstring's first paragraph is the rule's summary (``RULES``, the docs'
rule table, SARIF's ``shortDescription``); the rest its description (both as
plain text: paragraphs joined, RST markup simplified). The
function yields a :class:`Hit` per problem at one site of the kinds named in
the decorator; the driver adds the rule id, severity, object and position.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, NamedTuple, Tuple

from profile_render.checks.context import CheckContext
from profile_render.checks.tree import FieldPath
from profile_render.problems import SEVERITIES, Rule

__all__ = ["Hit", "CheckFunction", "ManifestRule", "rule"]


class Hit(NamedTuple):
    """One problem a rule found: the field path inside the object, what is wrong, how to fix it."""

    path: FieldPath
    message: str
    fix: str


_ROLE = re.compile(r":[a-z]+:`([^`]*)`")


def _plain(text: str) -> str:
    """Docstring text as reporters show it: paragraphs on one line each, RST roles and double backquotes simplified."""
    text = _ROLE.sub(r"\1", text).replace("``", "`")
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in text.split("\n\n") if paragraph.strip())


#: A rule's check: (the run's context, one site) -> the problems at that site.
CheckFunction = Callable[[CheckContext, Any], Iterable[Hit]]


@dataclass(frozen=True)
class ManifestRule:
    """A manifest rule: id, severity, the site types it checks, its check function and documentation."""

    id: str
    severity: str
    sites: Tuple[type, ...]
    check: CheckFunction
    summary: str
    description: str = ""

    @property
    def info(self) -> Rule:
        """The rule as reporters describe it."""
        return Rule(self.id, self.severity, self.summary, self.description)


def rule(rule_id: str, severity: str, *sites: type) -> Callable[[CheckFunction], ManifestRule]:
    """Define a manifest rule from a check function and its docstring (see the module's example)."""
    if severity not in SEVERITIES or not sites:
        raise ValueError(f"rule {rule_id}: a severity of {SEVERITIES} and at least one site type are needed")

    def define(check: CheckFunction) -> ManifestRule:
        doc = inspect.cleandoc(check.__doc__ or "")
        summary, _, rest = doc.partition("\n\n")
        if not summary:
            raise ValueError(f"rule {rule_id} has no docstring")
        return ManifestRule(rule_id, severity, tuple(sites), check, _plain(summary), _plain(rest))

    return define
