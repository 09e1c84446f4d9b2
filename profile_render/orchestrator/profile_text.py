"""Placeholders the reference sees in a Profile's *text* that its parsed values do not hold.

The Edge Orchestrator decides from the Profile's text, before parsing it
(contract, "Placeholders"): ``%GeneratedDockerCredential%`` anywhere in the
text, comments included, generates the pull Secret (and fails the deployment
without registry credentials); ``%PreHookCredential%`` anywhere makes the
Secret a pre-install object; ``%ImageRegistryURL%`` anywhere fails without a
registry host. profile-render resolves placeholders in the parsed values, so a
token that only a comment holds would otherwise change nothing here while it
changes the deployment there. This module finds those tokens and applies the
reference's effect through the render's own :class:`Resolution` (the same
errors, located at the comment), with a warning naming what happens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Tuple

from profile_render.errors import ValuesWarning
from profile_render.orchestrator.placeholders import (
    GENERATED_DOCKER_CREDENTIAL,
    IMAGE_REGISTRY_URL,
    PRE_HOOK_CREDENTIAL,
    PlaceholderError,
    Resolution,
    ValueSite,
)

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from profile_render.yamlio.unquoted import EscapedToken

__all__ = ["TEXT_EFFECTS", "apply_text_only_placeholders", "text_only_placeholders"]

#: The placeholders whose mere presence in the Profile's text changes what the reference deploys.
TEXT_EFFECTS: Dict[str, str] = {
    GENERATED_DOCKER_CREDENTIAL: "generates the image-pull Secret (and fails without registry credentials)",
    PRE_HOOK_CREDENTIAL: "deploys the image-pull Secret before the chart, as a pre-install object",
    IMAGE_REGISTRY_URL: "needs the image registry's host (and fails without one)",
}


def _tokens(text: str, name: str) -> Iterator[int]:
    """Offsets of ``%name%`` in ``text``, left to right."""
    token = f"%{name}%"
    start = text.find(token)
    while start >= 0:
        yield start
        start = text.find(token, start + len(token))


def _count_in_values(node: Any, token: str) -> int:
    """How many times ``token`` occurs in the strings and keys of a parsed values tree (iteratively)."""
    count = 0
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            count += item.count(token)
        elif isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, str):
                    count += key.count(token)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _position(text: str, offset: int) -> Tuple[int, int]:
    """The 1-based (line, column) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _in_comment(text: str, offset: int) -> bool:
    """Whether a ``#`` that starts a YAML comment (at line start or after a space) precedes ``offset`` on its line."""
    start = text.rfind("\n", 0, offset) + 1
    line = text[start:offset]
    at = line.find("#")
    while at >= 0:
        if at == 0 or line[at - 1] in " \t":
            return True
        at = line.find("#", at + 1)
    return False


def text_only_placeholders(text: str, values: Any, escaped: "Sequence[EscapedToken]" = ()
                           ) -> List[Tuple[str, int, int]]:
    """The effect-bearing placeholders the text holds more often than the parsed values do: (name, line, column).

    Tokens of the values that YAML escapes spelt (``escaped``, not in the
    text) are not counted. The position is the first occurrence inside a
    comment, else the first occurrence in the text.
    """
    found = []
    for name in TEXT_EFFECTS:
        offsets = list(_tokens(text, name)) if f"%{name}%" in text else []
        token = f"%{name}%"
        spelt = sum(found_token.tokens.count(token) for found_token in escaped)
        if not offsets or len(offsets) <= _count_in_values(values, token) - spelt:
            continue
        offset = next((o for o in offsets if _in_comment(text, o)), offsets[0])
        line, column = _position(text, offset)
        found.append((name, line, column))
    return found


def apply_text_only_placeholders(text: Optional[str], values: Any, resolution: Resolution,
                                 source: str, escaped: "Sequence[EscapedToken]" = ()) -> List[ValuesWarning]:
    """Apply the reference's effect of each placeholder only the Profile's text holds; one warning for each.

    The placeholder is resolved through ``resolution`` (so the pull Secret is
    generated, or made pre-install, as the reference does), and a placeholder
    the deployment cannot satisfy raises the render's own error, located at
    the comment.
    """
    if not text or "%" not in text:
        return []
    warnings = []
    for name, line, column in text_only_placeholders(text, values, escaped):
        site = ValueSite(source, (), spot=(line, column))
        try:
            resolution.value_of(name, site)
        except PlaceholderError as exc:
            raise exc.relocated(message=f"{exc.problem} (%{name}% is in a comment, which counts: the Edge "
                                        "Orchestrator replaces placeholders in the Profile's text before parsing, "
                                        "comments included)") from None
        warnings.append(site.warning(
            "placeholder-in-comment",
            f"%{name}% appears in the Profile's text outside its values (in a comment); the Edge Orchestrator "
            f"replaces placeholders in the text before parsing, comments included, so it still "
            f"{TEXT_EFFECTS[name]}",
            f"remove %{name}% from the comment if that is not wanted (e.g. write {name} without the % signs)"))
    return warnings
