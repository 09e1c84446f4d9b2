"""Helm's value flags taken together: which arguments, in which order, and the files ``--set-file`` reads.

Helm 4.1.4 (``pkg/cli/values/options.go``, ``Options.MergeValues``) applies
the flags by kind, never by their position on the command line: the ``-f``
files, then every ``--set-json``, ``--set``, ``--set-string``, ``--set-file``
and ``--set-literal`` argument, each kind in the order given.
:func:`flag_arguments` builds that order once; :func:`apply_flags` applies it
(the merge and its provenance replay run the same arguments).

``--set-file`` reads its files through :mod:`profile_render.files` (regular
files only, capped at ``Limits.max_bytes`` together), each once per call, so
the provenance replay sees the same text. A caller may instead give the
contents in memory: ``{key path: text}`` sets each key as if a file holding
the text had been named. Helm would also read ``-`` (standard input) and
fetch ``http(s)://`` and ``oci://`` addresses; profile-render refuses both
with an error (see docs/helm-divergences.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.errors import SetSyntaxError
from profile_render.files import Cap, FileError, read_file
from profile_render.helm.setvalues import FileReader, SetBudget, SetLimits, apply_set
from profile_render.yamlio.limits import DEFAULT_LIMITS

__all__ = ["FlagArgument", "SetFileValues", "SetFiles", "apply_flags", "flag_arguments"]

#: ``--set-file`` arguments: ``KEY=PATH`` texts (files read from disk), or ``{KEY: text}`` (contents in memory).
SetFileValues = Union[Sequence[str], Mapping[str, Union[str, bytes]]]

# The file name an in-memory --set-file entry stands behind (the key path is the caller's).
_GIVEN = "<given text>"
_FETCHED = re.compile(r"(?i)(https?|oci)://")


@dataclass(frozen=True)
class FlagArgument:
    """One value-flag argument: its flag, its text, and (for an in-memory ``--set-file``) the file's text."""

    flag: str
    expression: str
    given: Optional[str] = None

    @property
    def source(self) -> str:
        """The argument as errors and provenance name it: ``--set-json a=1``, ``--set-file a=FILE``."""
        return f"{self.flag} {self.expression}"


def _strings(value: Any, name: str) -> List[str]:
    """A sequence of argument texts, checked (a lone str would otherwise be read character by character)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of strings, not {type(value).__name__}")
    for item in value:
        if not isinstance(item, str):
            raise TypeError(f"{name} must hold strings, not {type(item).__name__}")
    return list(value)


def _text(content: Union[str, bytes], key: str) -> str:
    """A file's content as Helm's templates see it: the text, or bytes decoded as UTF-8 (invalid bytes as U+FFFD)."""
    if isinstance(content, bytes):
        return content.decode("utf-8", errors="replace")
    if not isinstance(content, str):
        raise TypeError(f"set_file_values[{key!r}] must be str or bytes, not {type(content).__name__}")
    return content


def flag_arguments(
    *,
    set_values: Sequence[str] = (),
    set_string_values: Sequence[str] = (),
    set_json_values: Sequence[str] = (),
    set_file_values: SetFileValues = (),
    set_literal_values: Sequence[str] = (),
) -> Tuple[FlagArgument, ...]:
    """Every value-flag argument in the order Helm applies them: --set-json, --set, --set-string, --set-file, --set-literal."""
    files: List[FlagArgument]
    if isinstance(set_file_values, Mapping):
        files = []
        for key, content in set_file_values.items():
            if not isinstance(key, str):
                raise TypeError(f"set_file_values keys must be key paths (str), not {type(key).__name__}")
            files.append(FlagArgument("--set-file", f"{key}={_GIVEN}", _text(content, key)))
    else:
        files = [FlagArgument("--set-file", e) for e in _strings(set_file_values, "set_file_values")]
    return tuple(
        [FlagArgument("--set-json", e) for e in _strings(set_json_values, "set_json_values")]
        + [FlagArgument("--set", e) for e in _strings(set_values, "set_values")]
        + [FlagArgument("--set-string", e) for e in _strings(set_string_values, "set_string_values")]
        + files
        + [FlagArgument("--set-literal", e) for e in _strings(set_literal_values, "set_literal_values")])


class SetFiles:
    """The files the ``--set-file`` arguments of one call name, each read once, capped together."""

    def __init__(self, limits: Optional[Any] = None) -> None:
        self.max_bytes: int = getattr(limits, "max_bytes", DEFAULT_LIMITS.max_bytes)
        self.read: Dict[str, str] = {}
        self.total = 0

    def reader(self, argument: FlagArgument) -> FileReader:
        """The file reader for one argument (an in-memory entry answers with its text)."""
        def read(name: str, source: str) -> str:
            if argument.given is not None:
                if name != _GIVEN:
                    raise SetSyntaxError(
                        "the key path of an in-memory --set-file entry holds an unescaped ',', '=' or '{'",
                        source=source, hint="escape them in the key as \\, \\= and \\{")
                return argument.given
            if name not in self.read:
                self.read[name] = self._read(name, source)
            return self.read[name]
        return read

    def _read(self, name: str, source: str) -> str:
        """Read one named file from disk through the safe reader, within what the call may still read."""
        if name.strip() == "-":
            raise SetSyntaxError("--set-file does not read the standard input (Helm would)", source=source,
                                 hint="save the text to a file and name the file")
        if _FETCHED.match(name):
            raise SetSyntaxError("--set-file does not fetch files from the network (Helm would)", source=source,
                                 hint="download the file and name the local copy")
        if not name:
            raise FileError("--set-file names no file (the value after '=' is empty)", source=source,
                            hint="write KEY=PATH; an empty value reads nothing only at the very end (KEY=)")
        left = self.max_bytes - self.total
        cap = Cap(max(left, 0), "Limits.max_bytes", DEFAULT_LIMITS.max_bytes)
        try:
            data = read_file(name, cap=cap, what=f"the file of {source}", source=name,
                             advice="the files of all --set-file arguments count together")
        except (OSError, ValueError) as exc:  # e.g. a NUL in the name
            raise FileError(f"cannot read the file of {source}: {exc}", source=name,
                            hint="name an existing regular file") from None
        self.total += len(data)
        return data.decode("utf-8", errors="replace")


def apply_flags(
    arguments: Sequence[FlagArgument],
    dest: dict,
    *,
    limits: SetLimits,
    files: SetFiles,
    leaf_for: Optional[Callable[[FlagArgument], Optional[Callable[[object], object]]]] = None,
) -> None:
    """Apply every argument to ``dest`` in order, with one budget of nodes for all of them.

    ``leaf_for(argument)`` gives the function each scalar the argument sets
    passes through (provenance tags, placeholder resolution), or None.
    """
    budget = SetBudget(limits.max_set_nodes)
    for argument in arguments:
        leaf = leaf_for(argument) if leaf_for is not None else None
        reader = files.reader(argument) if argument.flag == "--set-file" else None
        apply_set(argument.expression, dest, flag=argument.flag, leaf=leaf, limits=limits, budget=budget,
                  read_file=reader)

