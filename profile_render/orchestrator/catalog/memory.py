"""A deployment package's files held in memory, judged exactly as the same files in a folder.

:class:`PackageFiles` is what ``load_catalog``, ``lint`` and ``render_package``
take besides paths: ``PackageFiles.from_mapping({"application.yaml": text, ...})``
for files a service holds (an upload, a database row), or
``PackageFiles.from_directory(Path("pkg"))`` for a folder on disk. A ``str`` is
never taken as a path or as text by guessing: the constructor says which it is.

Names work as they do in a folder: the top-level ``*.yaml``/``*.yml`` names are
the package's catalog files (``sub/x.yaml`` is a file in a sub-folder: never a
catalog file, but a profile may name it), ``./x.yaml`` is ``x.yaml``, and a
name that cannot be a file of a folder — absolute, leading out with ``..``,
holding a NUL, naming the folder itself, given twice, or both a file and a
folder — is reported (``file-outside-package`` or ``unreadable-file``) and never
read. A profile's ``valuesFileName`` is looked up among the names with the
containment rules and the words a folder on disk gives.

A value is the file's content: ``str`` (text) or ``bytes`` (read as a file's
bytes are: UTF-8, or UTF-16 after a byte order mark), or an already-decoded
document — a mapping is one document, a list or tuple one document per item —
judged as the YAML text that writes it (see :mod:`.decoded`); findings in a
decoded document name the value path but no line or column. The caps are the
files' caps, checked before anything is copied.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
from pathlib import Path
from typing import Any, Dict, Hashable, List, Mapping, Optional, Sequence, Tuple, Union

from profile_render.files import Cap, FileError, OutsideRootError, refuse_over_cap
from profile_render.orchestrator.catalog.decoded import documents_of, is_decoded, write_documents
from profile_render.orchestrator.catalog.folder import Content, DiskFolder, PackageFolder, ValuesFileState, outside_how
from profile_render.yamlio.limits import DEFAULT_LIMITS, Limits

__all__ = ["FileValue", "MemoryFolder", "PackageFiles", "RefusedName"]

#: What a file of an in-memory package may hold: text, bytes, or already-decoded document(s).
FileValue = Union[str, bytes, bytearray, memoryview, Mapping[str, Any], Sequence[Any]]

_TEXT_TYPES = (str, bytes, bytearray, memoryview)
_MAX_NAME = 4096  # PATH_MAX: no folder on disk holds a longer name


def _folders_of(name: str) -> List[str]:
    """The folders a normalised name lies in ("a/b/c" -> "a", "a/b")."""
    out = []
    slash = name.find("/")
    while slash != -1:
        out.append(name[:slash])
        slash = name.find("/", slash + 1)
    return out
_CATALOG_SUFFIXES = (".yaml", ".yml")


@dataclasses.dataclass(frozen=True)
class RefusedName:
    """A name of an in-memory package that cannot be a file of a folder: reported, never read."""

    name: str
    rule: str
    message: str
    hint: str


def shown_name(name: str) -> str:
    """A file name as findings show it (escaped when it holds a NUL or another unprintable character)."""
    return name if name.isprintable() else repr(name)[1:-1]


class MemoryFolder(PackageFolder):
    """The files of an in-memory package, by normalised name (see the module doc)."""

    def __init__(self, files: Mapping[str, FileValue], label: str) -> None:
        if not isinstance(files, Mapping):
            raise TypeError(f"PackageFiles.from_mapping takes a mapping of file names to contents, "
                            f"not {type(files).__name__}")
        self.label = label
        self._files: Dict[str, Tuple[str, FileValue]] = {}  # normalised name -> (name given, content)
        self._twice: Dict[str, List[str]] = {}  # normalised name -> the names given for it
        self.refused: List[RefusedName] = []
        for name, value in files.items():
            if not isinstance(name, str):
                raise TypeError(f"a file name must be a str, not {type(name).__name__}")
            if not (isinstance(value, _TEXT_TYPES) or is_decoded(value)):
                raise TypeError(f"file {shown_name(name)!r}: content must be str or bytes (the file's text), or a "
                                f"mapping or list (already-decoded documents), not {type(value).__name__}")
            self._add(name, value)
        self._folders = {prefix for n in self._files for prefix in _folders_of(n)}
        for normal in sorted(set(self._files) & self._folders):
            given, _ = self._files.pop(normal)
            self.refused.append(RefusedName(given, "unreadable-file",
                                            "the name is both a file and a folder of the package; it is not read",
                                            "give each file one name, and no file the name of a folder"))

    def _add(self, name: str, value: FileValue) -> None:
        """Record one file, or refuse its name (a folder on disk can hold no such name)."""
        if len(name) > _MAX_NAME:
            self.refused.append(RefusedName(name[:80] + "...", "unreadable-file",
                                            f"the name is longer than {_MAX_NAME} characters; it is not read",
                                            "give the file a shorter name"))
            return
        if "\0" in name or not name or name.startswith("/") or os.path.isabs(name):
            what = ("the name holds a NUL character" if "\0" in name else "the name is empty" if not name
                    else "the name is an absolute path")
            rule = "file-outside-package" if name and "\0" not in name else "unreadable-file"
            self.refused.append(RefusedName(name, rule, f"{what}; it is not read",
                                            "name each file relative to the package folder"))
            return
        normal = posixpath.normpath(name)
        if normal == ".." or normal.startswith("../"):
            self.refused.append(RefusedName(name, "file-outside-package",
                                            "the name leads outside the package directory; it is not read",
                                            "name each file inside the package folder ('..' must stay inside it)"))
            return
        if normal == ".":
            self.refused.append(RefusedName(name, "unreadable-file", "the name is the package folder itself; "
                                            "it is not read", "name a file inside the package folder"))
            return
        if normal in self._files or normal in self._twice:
            names = self._twice.setdefault(normal, [self._files.pop(normal)[0]] if normal in self._files else [])
            self.refused.append(RefusedName(name, "unreadable-file",
                                            f"the name is the same file as {names[0]!r}; none of them is read",
                                            "give each file once"))
            names.append(name)
            return
        self._files[normal] = (name, value)

    def __repr__(self) -> str:
        return f"MemoryFolder({self.label!r}, {len(self._files)} file(s))"

    def source(self, name: str) -> str:
        """How findings name a file: the folder's label joined with the name, as a path would read."""
        return str(Path(self.label) / shown_name(name)) if self.label else shown_name(name)

    def catalog_names(self) -> List[str]:
        """The names read as catalog files: top-level ``*.yaml``/``*.yml``, sorted, as a folder is listed."""
        return sorted(n for n in self._files if "/" not in n and Path(n).suffix.lower() in _CATALOG_SUFFIXES)

    def values_file_state(self, name: str) -> ValuesFileState:
        """See :meth:`PackageFolder.values_file_state`; no links exist, so names are resolved by their text."""
        if "\0" in name:
            return ValuesFileState(problem="has a NUL character in its name")
        if name.startswith("/") or os.path.isabs(name):
            return ValuesFileState(outside=outside_how(name))
        normal = posixpath.normpath(name)
        if normal == ".." or normal.startswith("../"):
            return ValuesFileState(outside=outside_how(name))
        if normal in self._twice:
            return ValuesFileState(problem="is given twice among the package's files (" +
                                   ", ".join(repr(n) for n in self._twice[normal]) + ")")
        if normal == "." or normal in self._folders:
            return ValuesFileState(problem="is a directory, not a regular file")
        if normal in self._files:
            return ValuesFileState()
        return ValuesFileState(problem="does not exist")

    def read(self, name: str, *, cap: Cap, what: str, source: str, advice: str,
             limits: Optional[Limits] = None) -> Content:
        """See :meth:`PackageFolder.read`; ``limits`` bound writing a decoded document (its bytes: ``cap``)."""
        state = self.values_file_state(name)
        if state.outside is not None:
            raise OutsideRootError(f"{what} {name!r} {state.outside}; it must be a file inside the package directory",
                                   source=source, hint="name the file relative to the package directory, "
                                                       "and keep it there")
        if state.problem is not None:
            if state.problem == "does not exist":
                raise FileError(f"cannot read {what}: it does not exist", source=source, hint="check the path")
            raise FileError(f"{what} {state.problem}", source=source, hint="name a regular file of the package")
        return self.content(posixpath.normpath(name), cap=cap, what=what, source=source, advice=advice,
                            limits=limits)

    def content(self, normal: str, *, cap: Cap, what: str, source: str, advice: str,
                limits: Optional[Limits] = None) -> Content:
        """The bytes of the file recorded as ``normal``, under ``cap`` (a decoded document is written first)."""
        value = self._files[normal][1]
        if isinstance(value, str):
            refuse_over_cap(len(value), cap, what=what, source=source, advice=advice, exact=value.isascii())
            data = value.encode("utf-8", "surrogatepass")
        elif isinstance(value, (bytes, bytearray, memoryview)):
            size = value.nbytes if isinstance(value, memoryview) else len(value)
            refuse_over_cap(size, cap, what=what, source=source, advice=advice)
            return Content(bytes(value))
        else:
            bound = dataclasses.replace(limits or DEFAULT_LIMITS, max_bytes=max(cap.max_bytes, 1))
            return Content(write_documents(documents_of(value), source=source, limits=bound)
                           .encode("utf-8", "surrogatepass"), decoded=True)
        refuse_over_cap(len(data), cap, what=what, source=source, advice=advice)
        return Content(data)

    def identity(self, name: str) -> Hashable:
        """The folder and the normalised name (no links: two names of one file differ only by spelling)."""
        return (id(self), posixpath.normpath(name) if "\0" not in name else name)


class PackageFiles:
    """A deployment package's files, on disk or in memory; build it with :meth:`from_mapping` or :meth:`from_directory`.

    A file's value is its text (``str`` or ``bytes``) or an already-decoded document (a mapping); see
    :meth:`from_mapping` and, for a decoded document, the :func:`lint` example.

    >>> folder = Path("examples/edge-package")
    >>> files = PackageFiles.from_mapping({p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))},
    ...                                   label="edge-package")
    >>> lint(files)
    []
    >>> lint(PackageFiles.from_directory(folder))
    []
    """

    __slots__ = ("folder",)

    def __init__(self, folder: PackageFolder) -> None:
        if not isinstance(folder, PackageFolder):
            raise TypeError("build PackageFiles with PackageFiles.from_mapping(...) or PackageFiles.from_directory(...)")
        self.folder = folder

    @classmethod
    def from_mapping(cls, files: Mapping[str, FileValue], *, label: str = "") -> "PackageFiles":
        """The files of a package held in memory: file name → text, bytes, or decoded document(s).

        ``label`` is shown before each name in findings (``label/application.yaml``), like a folder's path;
        nothing is read from it. Names and values are checked as the module doc says (a value of another type,
        or a name that is not a ``str``, is a TypeError).

        >>> files = PackageFiles.from_mapping({"values.yaml": b"replicaCount: 2\\n"}, label="upload")
        >>> lint(files)
        []
        """
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, not {type(label).__name__}")
        return cls(MemoryFolder(files, label))

    @classmethod
    def from_directory(cls, directory: "os.PathLike[str]") -> "PackageFiles":
        """The files of a package folder on disk: its ``*.yaml``/``*.yml`` files, read when the package is loaded.

        >>> lint(PackageFiles.from_directory(Path("examples/edge-package")))
        []
        """
        if not isinstance(directory, os.PathLike):
            raise TypeError(f"from_directory takes a pathlib.Path (or another os.PathLike), not "
                            f"{type(directory).__name__}; for files in memory use PackageFiles.from_mapping")
        return cls(DiskFolder(Path(directory)))

    def __repr__(self) -> str:
        return f"PackageFiles({self.folder!r})"
