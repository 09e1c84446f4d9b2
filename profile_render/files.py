"""The one safe file reader: every file the library and the CLI read goes through here.

A path can name something that is not a file at all: ``/dev/zero`` or
``/dev/urandom`` (endless), a FIFO (a read blocks until someone writes), a
directory, a socket, a symbolic link to any of those, or a symbolic link loop.
:func:`read_file` refuses all of them before reading a byte:

* the path is opened with ``O_NONBLOCK`` (opening a FIFO cannot hang; for a
  regular file the flag changes nothing) and ``O_NOCTTY``;
* the *open descriptor* is examined with ``fstat`` (what was opened is what is
  judged, whatever the path pointed to a moment earlier), and anything but a
  regular file is refused with an error naming the file and what it is;
* at most the cap + 1 bytes are read, so a file that is larger than its
  ``st_size`` says (``/proc`` files report 0) or that grows while being read
  still cannot take more memory than the cap. Every cap is a :class:`Cap`:
  the limit, its name and its default, so the error says how to raise it.

:func:`resolve_inside` decides whether a file that a deployment package names
(a ``valuesFileName``) lies inside the package directory once every symbolic
link is followed, and :func:`read_file_inside` reads such a file.

A symbolic link given by the caller is followed (``merge chart -f link.yaml``
is fine): containment is only asked of files that *input* names.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import IO, List, Optional, Type, Union

from profile_render.records import Record

from profile_render.errors import LimitExceededError, ProfileRenderError

__all__ = [
    "Cap",
    "FileError",
    "FileTooLargeError",
    "OutsideRootError",
    "RegularFile",
    "describe_mode",
    "read_file",
    "read_file_inside",
    "read_stream",
    "read_text_file",
    "refuse_over_cap",
    "resolve_inside",
]

PathLike = Union[str, "os.PathLike[str]"]

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)
_CHUNK = 1 << 20


class FileError(ProfileRenderError):
    """A path that cannot be read as a regular file: missing, not a regular file, a link loop, unreadable."""


class FileTooLargeError(FileError, LimitExceededError):
    """A file larger than the cap it is read with (both a :class:`FileError` and a :class:`LimitExceededError`)."""


class OutsideRootError(FileError):
    """A file named by an input (a catalog's ``valuesFileName``) that resolves outside the directory it must stay in."""


class Cap(Record):
    """A byte limit on one read: the limit, the setting that holds it, and that setting's default.

    ``Cap(4_000_000, "Limits.max_bytes", 4_000_000)`` makes the error say
    "raise Limits.max_bytes (default 4,000,000)". A fixed limit has no
    ``name`` (the error then only says what the limit is).
    """

    _fields = ("max_bytes", "name", "default")
    max_bytes: int
    name: Optional[str]
    default: Optional[int]

    def __init__(self, max_bytes: int, name: Optional[str] = None, default: Optional[int] = None) -> None:
        self._set("max_bytes", max_bytes)
        self._set("name", name)
        self._set("default", default)
        self.__post_init__()

    def __post_init__(self) -> None:
        if self.max_bytes < 0:
            raise ValueError("a byte cap cannot be negative")

    def hint(self, advice: str = "") -> str:
        """How to get past the cap: ``advice`` first (e.g. "split the values"), then the setting to raise."""
        if self.name is None:
            return advice or "pass a smaller file"
        raise_it = f"raise {self.name}" + (f" (default {self.default:,})" if self.default is not None else "")
        return f"{advice}, or {raise_it}" if advice else raise_it


def describe_mode(mode: int) -> str:
    """What a file mode says the file is, for a message: "a directory", "a FIFO (named pipe)" ..."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISREG(mode):
        return "a regular file"
    return "not a regular file"


def _open_error(exc: OSError, what: str, source: str, error: Type[ProfileRenderError]) -> ProfileRenderError:
    """The located error for a failed open (the OS message names the cause; the path is the source)."""
    if exc.errno == errno.ENOENT:
        return error(f"cannot read {what}: it does not exist", source=source, hint="check the path")
    if exc.errno == errno.ELOOP:
        return error(f"{what} is a symbolic link loop (or a chain of links too long to follow)", source=source,
                     hint="point the link at a regular file")
    if exc.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
        return error(f"{what} is not a regular file (it cannot be opened for reading)", source=source,
                     hint="pass a regular file")
    if exc.errno == errno.EISDIR:
        return error(f"{what} is a directory, not a regular file", source=source, hint="pass a regular file")
    reason = exc.strerror or type(exc).__name__
    return error(f"cannot open {what}: {reason}", source=source, hint="check the path and its permissions")


def _check_regular(info: os.stat_result, what: str, source: str, error: Type[ProfileRenderError]) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{what} is {describe_mode(info.st_mode)}, not a regular file", source=source,
                    hint="pass a regular file (directories, devices, FIFOs and sockets are never read)")


def _too_large(what: str, size: Optional[int], cap: Cap, source: str, advice: str) -> FileTooLargeError:
    amount = f"{size:,} bytes, more than" if size is not None else "more than"
    return FileTooLargeError(f"{what} is {amount} the limit of {cap.max_bytes:,} bytes", source=source,
                             hint=cap.hint(advice))


def refuse_over_cap(size: int, cap: Cap, *, what: str, source: str, advice: str = "", exact: bool = True) -> None:
    """Raise :class:`FileTooLargeError` when ``size`` bytes are more than ``cap`` allows (content held in memory).

    ``exact`` says ``size`` is the size itself, not only a lower bound of it (the message then gives it).
    """
    if size > cap.max_bytes:
        raise _too_large(what, size if exact else None, cap, source, advice)


def _read_capped(fd: int, cap: Cap, what: str, source: str, advice: str) -> bytes:
    """At most ``cap.max_bytes`` bytes from ``fd``; raises as soon as one byte more is there."""
    chunks: List[bytes] = []
    total = 0
    while True:
        try:
            chunk = os.read(fd, min(_CHUNK, cap.max_bytes + 1 - total))
        except BlockingIOError:  # pragma: no cover - regular files never block
            raise FileError(f"{what} cannot be read without waiting", source=source,
                            hint="pass a regular file") from None
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > cap.max_bytes:
            raise _too_large(what, None, cap, source, advice)
    return b"".join(chunks)


class RegularFile:
    """A regular file opened for reading without blocking and checked on its descriptor (a context manager).

    ``with RegularFile(path, what="the chart") as f:`` opens the path (raising
    as :func:`read_file` describes), then ``f.head(2)`` peeks at the first
    bytes and ``f.read(cap)`` reads the whole file under a cap.
    """

    def __init__(self, path: PathLike, *, what: str = "the file", source: Optional[str] = None,
                 error: Type[ProfileRenderError] = FileError, follow_symlinks: bool = True) -> None:
        self.what = what
        self.source = source if source is not None else os.fsdecode(path)
        self.error = error
        flags = _OPEN_FLAGS | (0 if follow_symlinks else getattr(os, "O_NOFOLLOW", 0))
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise _open_error(exc, what, self.source, error) from None
        except ValueError:  # a NUL character in the path
            raise error(f"{what} has an invalid name (it holds a NUL character)", source=repr(self.source),
                        hint="check the path") from None
        try:
            info = os.fstat(fd)
            _check_regular(info, what, self.source, error)
        except BaseException:
            os.close(fd)
            raise
        self._fd: Optional[int] = fd
        #: The size the file system reports (``/proc`` files say 0): a first check, never trusted as the bound.
        self.size = info.st_size

    def __enter__(self) -> "RegularFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the descriptor (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _descriptor(self) -> int:
        if self._fd is None:
            raise ValueError("the file is closed")
        return self._fd

    def head(self, count: int) -> bytes:
        """The first ``count`` bytes (fewer for a shorter file), without moving the read position."""
        fd = self._descriptor()
        try:
            if hasattr(os, "pread"):
                return os.pread(fd, count, 0)
            position = os.lseek(fd, 0, os.SEEK_CUR)  # pragma: no cover - platforms without pread
            os.lseek(fd, 0, os.SEEK_SET)  # pragma: no cover
            try:  # pragma: no cover
                return os.read(fd, count)
            finally:  # pragma: no cover
                os.lseek(fd, position, os.SEEK_SET)
        except OSError as exc:
            raise self.error(f"cannot read {self.what}: {exc.strerror or type(exc).__name__}", source=self.source,
                             hint="check the file") from None

    def read(self, cap: Cap, advice: str = "") -> bytes:
        """The file's bytes; :class:`FileTooLargeError` as soon as there is one byte more than ``cap.max_bytes``."""
        if self.size > cap.max_bytes:
            raise _too_large(self.what, self.size, cap, self.source, advice)
        try:
            return _read_capped(self._descriptor(), cap, self.what, self.source, advice)
        except OSError as exc:
            raise self.error(f"cannot read {self.what}: {exc.strerror or type(exc).__name__}", source=self.source,
                             hint="check the file") from None


def read_file(
    path: PathLike,
    *,
    cap: Cap,
    what: str = "the file",
    source: Optional[str] = None,
    error: Type[ProfileRenderError] = FileError,
    advice: str = "",
    follow_symlinks: bool = True,
) -> bytes:
    """The bytes of the regular file at ``path``, read with at most ``cap.max_bytes`` bytes.

    ``what`` names the file in messages ("the values file"); ``source`` is the
    name errors carry (default: the path). A path that does not exist, is not
    a regular file (directory, device, FIFO, socket; a symbolic link counts as
    what it points to) or cannot be opened raises ``error`` (a
    :class:`ProfileRenderError` subclass, :class:`FileError` by default); a file
    over the cap raises :class:`FileTooLargeError` (a
    :class:`~profile_render.errors.LimitExceededError`) whose hint says which
    setting to raise, after ``advice``. ``follow_symlinks=False`` refuses a
    symbolic link in the last component of the path.
    """
    with RegularFile(path, what=what, source=source, error=error, follow_symlinks=follow_symlinks) as handle:
        return handle.read(cap, advice)


def read_text_file(path: PathLike, *, cap: Cap, what: str = "the file", source: Optional[str] = None,
                   error: Type[ProfileRenderError] = FileError, advice: str = "") -> str:
    """:func:`read_file`, decoded as UTF-8 (a file that is not UTF-8 raises ``error``, without quoting it)."""
    name = source if source is not None else os.fsdecode(path)
    data = read_file(path, cap=cap, what=what, source=name, error=error, advice=advice)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{what} is not UTF-8 text (invalid byte at offset {exc.start})", source=name,
                    hint="save it as UTF-8") from None


def strip_line_end(text: str) -> str:
    """The content of a one-line file: one trailing ``\\r\\n`` or ``\\n`` dropped (editors add one), nothing else.

    Anything else is kept as it is: a password may end with spaces or hold a
    ``\\r`` elsewhere, and only the line end an editor writes is not part of it.
    """
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def read_stream(stream: IO[bytes], *, cap: Cap, what: str, source: str, advice: str = "") -> bytes:
    """At most ``cap.max_bytes`` bytes from an open binary stream (standard input); raises past the cap."""
    data = stream.read(cap.max_bytes + 1)
    if len(data) > cap.max_bytes:
        raise _too_large(what, None, cap, source, advice)
    return bytes(data)


def resolve_inside(root: PathLike, name: str, *, what: str = "the file", source: Optional[str] = None,
                   root_label: str = "the package directory") -> Path:
    """The real path of ``name`` (relative to ``root``) when it lies inside ``root`` once links are followed.

    Raises :class:`OutsideRootError` when ``name`` is absolute or resolves
    (through ``..`` or symbolic links, at any step) to a path outside ``root``,
    and :class:`FileError` for a symbolic link loop. Whether the file exists is
    left to the reader (a missing file inside the root resolves to its path).
    ``source`` names the input that named the file, for the error.
    """
    label = source if source is not None else name
    if "\0" in name:
        raise FileError(f"{what} {name!r} has an invalid name (it holds a NUL character)", source=label,
                        hint="name a file inside " + root_label)
    if os.path.isabs(name) or (os.sep != "/" and name.startswith("/")):
        raise OutsideRootError(f"{what} {name!r} is an absolute path; it must be a file inside {root_label}",
                               source=label, hint=f"name the file relative to {root_label}, and keep it there")
    top = os.path.realpath(root)
    try:
        real = os.path.realpath(os.path.join(top, name), strict=True)
    except FileNotFoundError:
        real = os.path.realpath(os.path.join(top, name))  # a missing file: where it would be
    except OSError as exc:
        if exc.errno == errno.ELOOP or "loop" in str(exc).lower():
            raise FileError(f"{what} {name!r} is a symbolic link loop", source=label,
                            hint=f"point the link at a regular file inside {root_label}") from None
        real = os.path.realpath(os.path.join(top, name))
    if not _within(real, top):
        how = "leads" if ".." in Path(name).parts or os.path.islink(os.path.join(top, name)) else "resolves"
        raise OutsideRootError(f"{what} {name!r} {how} outside {root_label} (to a file it must not read)",
                               source=label,
                               hint=f"copy the file into {root_label}; symbolic links and '..' must stay inside it")
    return Path(real)


def _within(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or below it (both real, absolute paths)."""
    if path == root:
        return True
    prefix = root if root.endswith(os.sep) else root + os.sep
    return path.startswith(prefix)


def read_file_inside(root: PathLike, name: str, *, cap: Cap, what: str = "the file", source: Optional[str] = None,
                     root_label: str = "the package directory", error: Type[ProfileRenderError] = FileError,
                     advice: str = "") -> bytes:
    """Read the file ``name`` names relative to ``root``, refusing anything that resolves outside ``root``.

    :func:`resolve_inside` then :func:`read_file` on the real path, with the
    last component's link no longer followed: the file read is the one judged
    to be inside.
    """
    real = resolve_inside(root, name, what=what, source=source, root_label=root_label)
    return read_file(real, cap=cap, what=what, source=os.fspath(Path(root) / name), error=error, advice=advice,
                     follow_symlinks=False)
