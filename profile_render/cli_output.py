"""What the CLI writes besides diagnostics: explanations, result files and the output folder.

``--explain`` gives, per asked-for value path, the value (secrets masked), its
parameter template and its origins, as text lines or as one JSON document.
``--output-dir`` writes each render result as YAML or JSON files, all or
nothing. The handlers in :mod:`profile_render.cli` choose; this module writes.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Sequence

from profile_render.errors import ProfileRenderError, format_path
from profile_render.orchestrator.model import MASK

#: The longest value an explanation shows as text before cutting it.
EXPLAIN_TEXT_LIMIT = 200


def explanations(result: object, paths: Sequence[str]) -> List[Dict[str, Any]]:
    """One record per value path: its value (secrets masked), parameter template and origins, in order.

    ``result`` is a ``MergeResult`` or ``RenderResult``; an unknown path raises
    the result's located ``PathNotFoundError`` before anything is returned.
    """
    from profile_render.origin import parse_value_path

    records: List[Dict[str, Any]] = []
    for text in paths:
        parts = parse_value_path(text)
        value = result.value(parts)  # type: ignore[attr-defined]
        is_secret = getattr(result, "is_secret", None)
        secret = bool(is_secret is not None and is_secret(parts))
        template = getattr(result, "parameters", {}).get(parts)
        parameter = None
        if template is not None:
            parameter = {"name": template.name, "type": template.type, "mandatory": bool(template.mandatory),
                         "secret": bool(template.secret), "suggestedValues": list(template.suggested_values or ())}
        origins = [{"layer": origin.layer, "source": origin.source, "line": origin.line, "column": origin.column,
                    "sourcePath": format_path(origin.source_path)}
                   for origin in result.origins(parts)]  # type: ignore[attr-defined]
        records.append({"path": text, "value": MASK if secret else value, "secret": secret,
                        "parameter": parameter, "origins": origins})
    return records


def explanations_json(records: Sequence[Dict[str, Any]]) -> str:
    """The ``--explain ... -o json`` document: ``{"explain": [records]}`` with a final newline."""
    from profile_render.emit import to_json

    return to_json({"explain": list(records)}) + "\n"


def explanations_text(records: Sequence[Dict[str, Any]]) -> str:
    """The ``--explain`` text: ``path = value`` then one line per origin (``set by``, then ``also from``)."""
    from profile_render.emit import to_json

    lines: List[str] = []
    for record in records:
        if record["secret"]:
            shown = f'"{MASK}" (secret)'
        else:
            shown = to_json(record["value"], indent=None)
            if len(shown) > EXPLAIN_TEXT_LIMIT:
                shown = shown[:EXPLAIN_TEXT_LIMIT - 3] + "..."
        lines.append(f"{record['path']} = {shown}")
        parameter = record["parameter"]
        if parameter is not None:
            details = [f"type {parameter['type']}"]
            if parameter["mandatory"]:
                details.append("mandatory")
            if parameter["secret"]:
                details.append("secret")
            if parameter["suggestedValues"]:
                details.append("suggested: " + ", ".join(parameter["suggestedValues"]))
            lines.append(f"  parameter {parameter['name']!r} ({'; '.join(details)})")
        if not record["origins"]:
            lines.append("  origin unknown")
        for i, origin in enumerate(record["origins"]):
            label = "set by" if i == 0 else "also from"
            location = origin["source"] if origin["line"] is None else \
                f"{origin['source']}:{origin['line']}:{origin['column']}"
            lines.append(f"  {label:9} {origin['layer']:17} {location}  ({origin['sourcePath']})")
    return "".join(line + "\n" for line in lines)


#: The file names of one render result in ``--output-dir``, by what they hold.
RESULT_FILE_STEMS = ("values", "manifests", "pre-install")


def result_files(result: Any, prefix: str = "", fmt: str = "yaml") -> Dict[str, str]:
    """The ``--output-dir`` files of one render result: values, manifests, pre-install manifests.

    ``fmt`` ``yaml`` writes a values file and two multi-document streams;
    ``json`` writes the values object and two JSON arrays of objects.
    """
    from profile_render.emit import to_json, to_yaml

    parts = (result.values, result.manifests, result.pre_install_manifests)
    if fmt == "json":
        return {f"{prefix}{stem}.json": to_json(part) + "\n" for stem, part in zip(RESULT_FILE_STEMS, parts)}
    texts = (to_yaml(parts[0]), manifest_stream(parts[1]), manifest_stream(parts[2]))
    return {f"{prefix}{stem}.yaml": text for stem, text in zip(RESULT_FILE_STEMS, texts)}


def manifest_stream(objects: Sequence[object]) -> str:
    """Objects as one multi-document YAML stream, each document opened by ``---``."""
    from profile_render.emit import to_yaml

    return "".join("---\n" + to_yaml(obj) for obj in objects)


def write_output_dir(directory: str, files: Dict[str, str]) -> None:
    """Write every file or none: stage them in a private folder, then move them into place.

    Names may contain one folder level (``app/values.yaml``). Files are created
    with mode 0600: manifests can hold credentials.
    """
    import shutil
    import tempfile

    try:
        os.makedirs(directory, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".profile-render-", dir=directory)
    except OSError as exc:
        raise ProfileRenderError(f"cannot create the output directory: {exc.strerror}", source=directory,
                                 hint="check the path and its permissions") from None
    try:
        for name, text in files.items():
            target = os.path.join(staging, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        for name in files:
            final = os.path.join(directory, name)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.replace(os.path.join(staging, name), final)
    except OSError as exc:
        raise ProfileRenderError(f"cannot write the output: {exc.strerror}", source=directory,
                                 hint="check free space and permissions") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
