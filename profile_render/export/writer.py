"""Writing an export directory all at once: every file or none, secrets readable by their owner only.

The files are written into a fresh directory beside the target (same file
system), given their modes, then renamed into place; on any error the
fresh directory is removed and the target is as it was. A file holding a
secret gets mode 0600 and every directory on its way 0700; everything else
is 0644 in 0755 directories (the process umask cannot widen or narrow that).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Dict, Mapping, Set, Union

from profile_render.export.model import ExportError

__all__ = ["ExportFile", "write_export", "SECRET_MODE", "FILE_MODE", "PRIVATE_DIR_MODE", "DIR_MODE"]

SECRET_MODE, FILE_MODE = 0o600, 0o644
PRIVATE_DIR_MODE, DIR_MODE = 0o700, 0o755


@dataclass(frozen=True)
class ExportFile:
    """One file of an export: its text and whether it holds a secret (then only its owner may read it)."""

    text: str
    secret: bool = False


def _checked_relative(name: str) -> PurePosixPath:
    """A file name of the export as a relative path that stays inside the directory (names come from inputs)."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise ExportError(f"the export would write a file outside its directory ({name!r})",
                          hint="application and object names must be plain names")
    return path


def _directory_modes(files: Mapping[str, ExportFile]) -> Dict[PurePosixPath, int]:
    """Every directory the files need, 0700 when a secret file lies anywhere below it, else 0755."""
    modes: Dict[PurePosixPath, int] = {}
    for name, item in files.items():
        for parent in list(_checked_relative(name).parents)[:-1]:  # the last parent is "." (the root itself)
            if item.secret or modes.get(parent) == PRIVATE_DIR_MODE:
                modes[parent] = PRIVATE_DIR_MODE
            else:
                modes.setdefault(parent, DIR_MODE)
    return modes


def _fill(root: Path, files: Mapping[str, ExportFile]) -> None:
    """Write the files under ``root`` with their modes (``root`` is new and private to this process)."""
    directories = _directory_modes(files)
    for directory in sorted(directories, key=lambda p: len(p.parts)):
        os.mkdir(root / directory, PRIVATE_DIR_MODE)
    for name, item in files.items():
        mode = SECRET_MODE if item.secret else FILE_MODE
        # O_EXCL: the directory is ours and fresh, so a file already there would be a bug or an attack.
        fd = os.open(root / _checked_relative(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     SECRET_MODE)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(item.text)
        os.chmod(root / name, mode)
    for directory, mode in directories.items():
        os.chmod(root / directory, mode)
    any_secret = any(item.secret for item in files.values())
    os.chmod(root, PRIVATE_DIR_MODE if any_secret else DIR_MODE)


def _is_empty_directory(target: Path) -> bool:
    with os.scandir(target) as entries:
        return next(entries, None) is None


def write_export(directory: Union[str, "os.PathLike[str]"], files: Mapping[str, ExportFile], *,
                 force: bool = False) -> Set[str]:
    """Write ``files`` (relative name → content) as the directory ``directory``, all or nothing; the names written.

    An existing ``directory`` must be empty unless ``force``, which replaces
    it (only after the new content is complete). A symbolic link, or
    anything not a directory, at ``directory`` is refused.
    """
    target = Path(directory)
    if not files:
        raise ExportError("there is nothing to export", hint="render at least one application")
    for name in files:
        _checked_relative(name)
    exists = os.path.lexists(target)
    if exists:
        if target.is_symlink() or not target.is_dir():
            raise ExportError("the export target exists and is not a directory", source=str(target),
                              hint="name a new or empty directory")
        if not force and not _is_empty_directory(target):
            raise ExportError("the export directory is not empty", source=str(target),
                              hint="name a new or empty directory, or pass --force to replace its content")
    parent = target.parent
    if not parent.is_dir():
        raise ExportError("the export directory's parent does not exist", source=str(target),
                          hint="create the parent directory first")
    try:
        fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.export-", dir=parent))
    except OSError as exc:
        raise ExportError(f"cannot write beside the export directory ({exc.strerror})", source=str(target),
                          hint="choose a directory you can write to") from None
    old = None
    try:
        _fill(fresh, files)
        if exists:
            # Move the old directory aside first, so a failed rename leaves it in place.
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
            os.rename(target, old / "content")
        try:
            os.rename(fresh, target)
        except BaseException:  # an OSError or an interrupt between the two renames: put the old content back
            if old is not None and not os.path.lexists(target):
                os.rename(old / "content", target)
            raise
    except OSError as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise ExportError(f"cannot write the export ({exc.strerror or exc})", source=str(target),
                          hint="check the directory's permissions and free space") from None
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return set(files)
