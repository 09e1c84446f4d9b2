"""JSON Schemas shipped with profile-render (package data), and a small API to read them.

Each ``NAME.schema.json`` file here is a draft 2020-12 schema with an ``$id``
under ``https://profile-render.invalid/schemas/``:

- ``diagnostic``: one problem (``Diagnostic.to_dict()``; lint and
  ``check-manifests --format json`` print lists of them);
- ``error``: one error (``ProfileRenderError.to_dict()``); it refers to
  ``diagnostic`` by relative ``$ref``;
- ``diff``: ``diff -o json`` (``DiffResult.to_dict()``);
- ``render-result`` and ``package-render``: ``render -o json`` and
  ``package render -o json``;
- ``catalog-*``: the Edge Orchestrator catalog objects the catalog checks use.

>>> from profile_render import schemas
>>> schemas.load("diagnostic")["$id"]
'https://profile-render.invalid/schemas/diagnostic.schema.json'
>>> "error" in schemas.names()
True
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any, Dict, List, Tuple

from profile_render.errors import ProfileRenderError

__all__ = ["SUFFIX", "SchemaNotFoundError", "names", "load", "resources"]

#: Every schema file's name ends so; ``load`` takes the part before it.
SUFFIX = ".schema.json"


class SchemaNotFoundError(ProfileRenderError, KeyError):
    """No schema of that name is shipped (also a ``KeyError``, as for any lookup by name)."""

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return self._render()


def names() -> List[str]:
    """The names of the schemas shipped (``diagnostic``, ``error``, ``render-result`` ...), sorted."""
    return sorted(entry.name[: -len(SUFFIX)] for entry in files(__name__).iterdir()
                  if entry.name.endswith(SUFFIX))


def load(name: str) -> Dict[str, Any]:
    """The schema ``name`` (``"diagnostic"``, or its file name ``"diagnostic.schema.json"``) as a fresh dict.

    Raises :class:`SchemaNotFoundError` (a ``KeyError``) naming the schemas there are for an unknown name.
    """
    if not isinstance(name, str):
        raise TypeError(f"a schema name is a string, not {type(name).__name__}")
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    known = names()
    if stem not in known:  # only a listed name reaches the file system
        raise SchemaNotFoundError(f"no schema named {name[:80]!r} is shipped with profile-render",
                                  hint=f"use one of: {', '.join(known)}")
    document: Dict[str, Any] = json.loads(files(__name__).joinpath(stem + SUFFIX).read_text(encoding="utf-8"))
    return document


def resources() -> List[Tuple[str, Dict[str, Any]]]:
    """Every schema as ``($id, document)``, to register with a JSON Schema validator so ``$ref``\\ s between
    the files (``error`` → ``diagnostic``) resolve without any download.

    With ``jsonschema`` and ``referencing``::

        registry = Registry().with_resources(
            (uri, DRAFT202012.create_resource(doc)) for uri, doc in schemas.resources())
        Draft202012Validator(schemas.load("error"), registry=registry).validate(error.to_dict())
    """
    out = []
    for stem in names():
        document = load(stem)
        out.append((str(document["$id"]), document))
    return out
