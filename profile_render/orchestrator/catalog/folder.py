"""The folder a catalog file lives in: where its profiles' ``valuesFileName`` are looked up and read.

A deployment package is judged the same wherever its files are: in a folder on
disk (:class:`DiskFolder`) or in memory (``memory.MemoryFolder``). Both answer
the same three questions with the same words — what state a named values file
is in (inside the package? a regular file?), its content, and its identity (so
one file reached by two names counts once) — and the loader and the checks ask
only these questions, never the file system directly.
"""

from __future__ import annotations

import os
import stat
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Hashable, Optional, Union

from profile_render.yamlio.limits import Limits
from profile_render.files import Cap, FileError, OutsideRootError, describe_mode, read_file_inside, resolve_inside

__all__ = ["Content", "DiskFolder", "PackageFolder", "ValuesFileState", "outside_how"]


@dataclass(frozen=True)
class ValuesFileState:
    """What a profile's ``valuesFileName`` names: nothing wrong (both None), a file outside the package, or a problem.

    ``outside`` completes "values file 'x' of profile 'p' ..." ("is an absolute path", "leads outside the package
    directory", ...); ``problem`` does the same for a file inside the package that cannot be read ("does not exist",
    "is a directory, not a regular file", ...).
    """

    outside: Optional[str] = None
    problem: Optional[str] = None


@dataclass(frozen=True)
class Content:
    """The bytes of one package file, and whether they were written by us for an already-decoded document.

    For a decoded document (``decoded``) line and column numbers would point into text the caller never saw,
    so readers drop them and keep the value path.
    """

    data: bytes
    decoded: bool = False


def outside_how(name: str) -> str:
    """How a name leads outside the package, for "values file 'x' of profile 'p' <how>"."""
    if os.path.isabs(name) or name.startswith("/"):
        return "is an absolute path"
    if ".." in Path(name).parts:
        return "leads outside the package directory"
    return "is a symbolic link to a file outside the package directory"


class PackageFolder(ABC):
    """The folder of one catalog file: its profiles' values files are found, judged and read through it."""

    @abstractmethod
    def values_file_state(self, name: str) -> ValuesFileState:
        """Whether ``name`` (a ``valuesFileName``) is a regular file inside the package, and if not, why."""

    @abstractmethod
    def read(self, name: str, *, cap: Cap, what: str, source: str, advice: str,
             limits: Optional[Limits] = None) -> Content:
        """The content of the file ``name`` names, under ``cap`` (``limits`` bound writing a decoded document).

        Raises :class:`~profile_render.files.OutsideRootError` for a name outside the package, another
        :class:`~profile_render.files.FileError` when it is missing or not a regular file, and
        :class:`~profile_render.files.FileTooLargeError` over the cap.
        """

    @abstractmethod
    def identity(self, name: str) -> Hashable:
        """What the file ``name`` names, such that two names of one file have the same identity."""


class DiskFolder(PackageFolder):
    """A folder on disk; names are resolved with every symbolic link followed, and must stay inside it."""

    def __init__(self, root: Union[str, "os.PathLike[str]"]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"DiskFolder({str(self.root)!r})"

    def values_file_state(self, name: str) -> ValuesFileState:
        """See :meth:`PackageFolder.values_file_state`; links are followed at every step."""
        try:
            real = resolve_inside(self.root, name, what="the values file")
        except OutsideRootError:
            return ValuesFileState(outside=outside_how(name))
        except FileError:
            return ValuesFileState(problem="has a NUL character in its name" if "\0" in name
                                   else "is a symbolic link loop")
        try:
            info = os.stat(real)
        except FileNotFoundError:
            return ValuesFileState(problem="does not exist")
        except OSError as exc:
            return ValuesFileState(problem=f"cannot be read ({exc.strerror})")
        if stat.S_ISREG(info.st_mode):
            return ValuesFileState()
        return ValuesFileState(problem=f"is {describe_mode(info.st_mode)}, not a regular file")

    def read(self, name: str, *, cap: Cap, what: str, source: str, advice: str,
             limits: Optional[Limits] = None) -> Content:
        """See :meth:`PackageFolder.read`: resolved again at read time, so the check and the read agree."""
        return Content(read_file_inside(self.root, name, cap=cap, what=what, source=source, advice=advice))

    def identity(self, name: str) -> Hashable:
        """The real path (links followed as far as they go; a link loop is no error here)."""
        return real_path(self.root / name)


def real_path(path: Path) -> Path:
    """The real path of ``path`` (links followed as far as they go), or the absolute path when it cannot be had."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):  # a NUL character in the name
        return path.absolute()
