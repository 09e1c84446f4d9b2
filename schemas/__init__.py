"""JSON Schemas shipped with profile-render (package data), and a small API to read them.

Each ``NAME.schema.json`` file here is a draft 2020-12 schema with an ``$id``
under ``https://profile-render.invalid/schemas/``:

- ``diagnostic``: one problem (``Diagnostic.to_dict()``; lint and
  ``check-manifests --format json`` print lists of them);
- ``error``: one error (``ProfileRenderError.to_dict()``); it refers to
  ``diagnostic`` by relative ``$ref``;
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

__all__ = ["SUFFIX", "names", "load", "resources"]

#: Every schema file's name ends so; ``load`` takes the part before it.
SUFFIX = ".schema.json"


def names() -> List[str]:
    """The names of the schemas shipped (``diagnostic``, ``error``, ``render-result`` ...), sorted."""
    return sorted(entry.name[: -len(SUFFIX)] for entry in files(__name__).iterdir()
                  if entry.name.endswith(SUFFIX))


def load(name: str) -> Dict[str, Any]:
    """The schema ``name`` (``"diagnostic"``, or its file name ``"diagnostic.schema.json"``) as a fresh dict.

    Raises :class:`KeyError` naming the schemas there are for an unknown name.
    """
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    if stem not in names():
        raise KeyError(f"no schema named {name!r}; the schemas are: {', '.join(names())}")
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
