"""Chart ``values.schema.json`` validation exactly as Helm 4.1.4 does it, one concern per module.

* :mod:`.validate` -- the entry point :func:`validate_values` (charts and subchart sections);
* :mod:`.errors` -- :class:`SchemaViolation` and the errors it raises;
* :mod:`.cache` -- :class:`ValidatorCache`, the caller-owned cache of compiled schemas;
* :mod:`.compiler` -- one schema file to a validator: meta-schema check, patterns, references;
* :mod:`.document` -- schema files read as Go's JSON decoder reads them;
* :mod:`.drafts` -- draft and dialect selection, per-draft validator classes;
* :mod:`.keywords` -- keywords with v6's numbers, equality and Go patterns;
* :mod:`.formats` -- v6's ``format`` checks with Go's semantics;
* :mod:`.regex` -- Go patterns on RE2 (``google-re2``), with a guard where Go and RE2 disagree;
* :mod:`.numbers` -- numbers as Go's ``big.Rat`` reads them;
* :mod:`.refs`, :mod:`.evaluation`, :mod:`.runs` -- references (cycles, chains), ``unevaluated*``,
  and the state of one run (depth moved to fresh stacks, regex work);
* :mod:`.instances` -- values and schemas with a bounded ``repr``;
* :mod:`.limits` -- :class:`SchemaLimits`, what a hostile schema may cost.

The names below load their module on first use (PEP 562): importing this
package imports neither ``jsonschema`` nor ``re2``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, List

_EXPORTS = {
    "validate_values": "validate",
    "SchemaViolation": "errors",
    "SchemaValidationError": "errors",
    "SchemaRefError": "errors",
    "InvalidSchemaError": "errors",
    "SchemaLimitError": "errors",
    "SchemaLimits": "limits",
    "ValidatorCache": "cache",
    "GoRegexError": "regex",
    "UnsupportedRegexError": "regex",
    "GoRegex": "regex",
    "RegexCache": "regex",
    "compile_go_regex": "regex",
    "go_regex_error": "regex",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> List[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - static names for type checkers and IDEs
    from .cache import ValidatorCache
    from .errors import InvalidSchemaError, SchemaLimitError, SchemaRefError, SchemaValidationError, SchemaViolation
    from .limits import SchemaLimits
    from .regex import GoRegex, GoRegexError, RegexCache, UnsupportedRegexError, compile_go_regex, go_regex_error
    from .validate import validate_values
