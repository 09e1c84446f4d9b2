"""Chart archives (``.tgz``) read as Helm's LoadArchive reads them, with every byte counted before it is kept.

A chart tree is loaded under one :class:`ChartBudget` (the limits of
:class:`ArchiveLimits`): the bytes of every file of every chart directory and
every archive member, nested archives counted again when they are expanded;
the members (files and directories) of the whole tree; the charts; and how
deep subcharts nest. A 2.5 KB archive whose nested subcharts fan out to a
million charts, or whose one template inflates to 4 GiB of zeros, stops at the
first limit it passes, before that much work or memory is spent.

Reading an archive:

* gzip is decompressed here, a bounded piece at a time, and every byte that
  comes out (headers, member data, and the data of members skipped unread) is
  counted; a member's declared size is checked against the per-file and total
  caps *before* its data is read or skipped;
* ``tarfile`` reads the decompressed stream sequentially (stream mode: no
  seeking back); its special headers (pax, GNU long names) are capped at 1 MiB
  each, as Go's ``archive/tar`` caps them, and sparse members are refused;
* only regular files and directories may be members: a symbolic link, hard
  link, device or FIFO member is refused (Helm reads each as an empty file);
* member names follow Helm's rules: the first path element is the chart's
  directory and is dropped; absolute paths, ``..``, drive letters and a
  ``Chart.yaml`` outside the base directory are refused.

Only gzip-compressed tar archives are chart archives, as for Helm.
"""

from __future__ import annotations

import posixpath
import re
import tarfile
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from profile_render.errors import ChartError, LimitExceededError

__all__ = ["ArchiveLimits", "ChartBudget", "read_archive", "is_gzip"]

#: Go's archive/tar refuses pax records and GNU long names larger than this.
MAX_SPECIAL_HEADER_BYTES = 1 << 20
_INPUT_PIECE = 64 * 1024
_DRIVE_PATH = re.compile(r"[a-zA-Z]:/")


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on what one chart tree (a chart and all its subcharts) may hold; raise any of them if needed.

    * ``max_total_bytes`` (100 MiB, Helm's cap on one decompressed archive):
      every byte of the whole tree: each file of a chart directory (read or
      not), each decompressed archive (members, headers, skipped members),
      nested archives counted again when expanded;
    * ``max_file_bytes`` (5 MiB, Helm's): any one file or archive member;
    * ``max_members`` (50,000): files and directories in the whole tree,
      archive members and directory entries alike;
    * ``max_charts`` (10,000): charts in the tree, the top chart included;
    * ``max_depth`` (20): how deep subcharts nest under the top chart.
    """

    max_total_bytes: int = 100 * 1024 * 1024
    max_file_bytes: int = 5 * 1024 * 1024
    max_members: int = 50_000
    max_charts: int = 10_000
    max_depth: int = 20

    def __post_init__(self) -> None:
        for name in ("max_total_bytes", "max_file_bytes", "max_members", "max_charts", "max_depth"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"ArchiveLimits.{name} must be a positive integer")


_DEFAULTS = ArchiveLimits()


def limit_hint(name: str, advice: str) -> str:
    """``advice``, then how to raise ``ArchiveLimits.<name>`` (with its default)."""
    return f"{advice}, or raise ArchiveLimits.{name} (default {getattr(_DEFAULTS, name):,})"


class ChartBudget:
    """What one chart load may still read: bytes, members and charts (one per :func:`load_chart` call).

    It also remembers (at most :data:`MEMO_ENTRIES` of each) the archives and
    ``Chart.yaml`` texts already parsed during the load: an archive nested
    many times over (a fan-out) is parsed once, yet every copy is charged to
    the budget in full.
    """

    __slots__ = ("limits", "bytes", "members", "charts", "_archives", "_metadata")

    MEMO_ENTRIES = 64

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.bytes = 0
        self.members = 0
        self.charts = 0
        self._archives: Dict[bytes, Tuple[Dict[str, bytes], List[str], int, int]] = {}
        self._metadata: Dict[Tuple[bytes, Optional[bytes]], Any] = {}

    def metadata(self, key: Tuple[bytes, Optional[bytes]], parse: Callable[[], Any]) -> Any:
        """``parse()``'s result for these ``Chart.yaml``/``requirements.yaml`` bytes, parsed once per load."""
        found = self._metadata.get(key)
        if found is None:
            found = parse()
            if len(self._metadata) >= self.MEMO_ENTRIES:
                self._metadata.clear()
            self._metadata[key] = found
        return found

    def spend_bytes(self, count: int, source: str) -> None:
        """Count ``count`` more bytes of the tree; raises past ``max_total_bytes``."""
        self.bytes += count
        if self.bytes > self.limits.max_total_bytes:
            raise LimitExceededError(
                f"the chart and its subcharts expand to more than {self.limits.max_total_bytes:,} bytes",
                source=source, hint=limit_hint("max_total_bytes", "the archive may be corrupt or hostile; "
                                                                 "remove files the chart does not need"))

    def check_file(self, size: int, name: str, source: str) -> None:
        """Refuse a file or member of ``size`` bytes over ``max_file_bytes``, or over what the total allows."""
        limit = self.limits.max_file_bytes
        if size > limit:
            raise LimitExceededError(f"chart file {name!r} is {size:,} bytes, more than the limit of {limit:,}",
                                     source=source, hint=limit_hint("max_file_bytes", "shrink or remove the file"))
        if self.bytes + size > self.limits.max_total_bytes:
            self.spend_bytes(size, source)

    def add_member(self, source: str) -> None:
        """Count one more file or directory; raises past ``max_members``."""
        self.members += 1
        if self.members > self.limits.max_members:
            raise LimitExceededError(
                f"the chart and its subcharts hold more than {self.limits.max_members:,} files and directories",
                source=source, hint=limit_hint("max_members", "remove files the chart does not need"))

    def add_members(self, count: int, source: str) -> None:
        """Count ``count`` more files or directories at once."""
        self.members += count - 1
        self.add_member(source)

    def add_chart(self, source: str, depth: int) -> None:
        """Count one more chart, ``depth`` levels under the top one; raises past ``max_charts`` or ``max_depth``."""
        if depth > self.limits.max_depth:
            raise LimitExceededError(f"subcharts are nested more than {self.limits.max_depth} levels deep",
                                     source=source,
                                     hint=limit_hint("max_depth", "check for a chart archive that contains itself"))
        self.charts += 1
        if self.charts > self.limits.max_charts:
            raise LimitExceededError(
                f"the chart and its subcharts are more than {self.limits.max_charts:,} charts",
                source=source, hint=limit_hint("max_charts", "nested archives may fan out (a hostile archive)"))


def is_gzip(data: bytes) -> bool:
    """Whether ``data`` starts like a gzip stream."""
    return data[:2] == b"\x1f\x8b"


class _Truncated(EOFError):
    """The gzip stream ends before its last member does."""


class _GunzipStream:
    """The decompressed bytes of a (multi-member) gzip stream, produced on demand and counted as they come out."""

    def __init__(self, data: bytes, spend: Callable[[int], None]) -> None:
        self._data = data
        self._pos = 0
        self._pending = b""  # input left over after the end of a gzip member
        self._inflater = zlib.decompressobj(31)
        self._spend = spend
        self._done = False

    def _next_input(self) -> Optional[bytes]:
        if self._inflater.unconsumed_tail:
            return self._inflater.unconsumed_tail
        if self._pending:
            piece, self._pending = self._pending, b""
            return piece
        if self._pos < len(self._data):
            piece = self._data[self._pos:self._pos + _INPUT_PIECE]
            self._pos += len(piece)
            return piece
        return None

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` decompressed bytes (fewer only at the end)."""
        if size < 0:
            size = _INPUT_PIECE
        parts: List[bytes] = []
        while size > 0 and not self._done:
            if self._inflater.eof:
                self._pending = self._inflater.unused_data + self._pending
                if not self._pending and self._pos >= len(self._data):
                    self._done = True
                    break
                self._inflater = zlib.decompressobj(31)  # the next member, as Go's multistream reader does
            piece = self._next_input()
            if piece is None:
                raise _Truncated("the gzip stream is truncated")
            out = self._inflater.decompress(piece, size)
            if out:
                self._spend(len(out))
                parts.append(out)
                size -= len(out)
        return b"".join(parts)


class _RefusedMember(Exception):
    """A member that tarfile must not process (an oversized special header, a sparse file)."""


class _CheckedTarInfo(tarfile.TarInfo):
    """tarfile's header reader with Go's cap on special headers and without sparse-file support."""

    def _proc_member(self, tar: Any) -> Any:  # tarfile's (private) header dispatch
        if self.type in (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE, tarfile.XGLTYPE,
                         tarfile.SOLARIS_XHDTYPE) and self.size > MAX_SPECIAL_HEADER_BYTES:
            raise _RefusedMember(f"a tar header record of {self.size:,} bytes (more than the "
                                 f"{MAX_SPECIAL_HEADER_BYTES:,} Go's archive/tar accepts)")
        if self.type == tarfile.GNUTYPE_SPARSE:
            raise _RefusedMember(f"a sparse file ({self.name!r})")
        return super()._proc_member(tar)  # type: ignore[misc]

    def _proc_gnusparse_00(self, *args: Any) -> Any:
        raise _RefusedMember(f"a sparse file ({self.name!r})")

    _proc_gnusparse_01 = _proc_gnusparse_00
    _proc_gnusparse_10 = _proc_gnusparse_00


def _member_kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return "a symbolic link"
    if member.islnk():
        return "a hard link"
    if member.isfifo():
        return "a FIFO (named pipe)"
    if member.ischr():
        return "a character device"
    if member.isblk():
        return "a block device"
    return f"of an unsupported type ({member.type!r})"


def _relative_name(name: str, label: str) -> Tuple[str, bool]:
    """Helm's name for a member (first path element dropped) and whether the first element was Chart.yaml."""
    delimiter = "\\" if "\\" in name else "/"
    parts = name.split(delimiter)
    rel = "/".join(parts[1:])
    if rel.startswith("/"):
        raise ChartError("the chart archive holds an absolute path", source=label,
                         hint="rebuild the archive with `helm package`")
    rel = posixpath.normpath(rel) if rel else "."
    if rel == ".":
        raise ChartError(f"the chart archive holds {name!r} outside its base directory", source=label,
                         hint="rebuild the archive with `helm package`")
    if rel.startswith(".."):
        raise ChartError(f"the chart archive has an unsafe path {name!r}", source=label,
                         hint="rebuild the archive with `helm package`")
    if _DRIVE_PATH.match(rel):
        raise ChartError(f"the chart archive holds an illegally named file {name!r}", source=label,
                         hint="rebuild the archive with `helm package`")
    return rel, parts[0] == "Chart.yaml"


def read_archive(data: bytes, label: str, budget: ChartBudget,
                 wanted: Callable[[str], bool]) -> Tuple[Dict[str, bytes], List[str]]:
    """The member names of a chart archive and the contents of the ``wanted`` ones (Helm's LoadArchive).

    Raises :class:`ChartError` for an archive Helm refuses or one holding a
    member that is not a regular file or directory, and
    :class:`LimitExceededError` past a limit of ``budget``.
    """
    if not is_gzip(data):
        raise ChartError("the chart archive is not gzip-compressed", source=label,
                         hint="pass a chart directory or an archive made by `helm package` (a .tgz file)")
    known = budget._archives.get(data)
    if known is not None:  # the same bytes were read whole before: charge them again, parse nothing
        budget.add_members(known[3], label)
        budget.spend_bytes(known[2], label)
        return known[0], known[1]
    bytes_before, members_before = budget.bytes, budget.members
    files: Dict[str, bytes] = {}
    names: List[str] = []
    stream = _GunzipStream(data, lambda count: budget.spend_bytes(count, label))
    try:
        with tarfile.open(fileobj=stream, mode="r|", tarinfo=_CheckedTarInfo) as tar:  # type: ignore[call-overload]
            for member in tar:
                budget.add_member(label)
                if member.isdir():
                    continue
                rel, chart_yaml_at_top = _relative_name(member.name, label)
                if chart_yaml_at_top:
                    raise ChartError("the chart archive has Chart.yaml outside its base directory", source=label,
                                     hint="rebuild the archive with `helm package`")
                if not member.isreg():
                    raise ChartError(f"the chart archive member {rel!r} is {_member_kind(member)}, not a regular file",
                                     source=label, hint="a chart archive holds regular files and directories only; "
                                                        "rebuild it with `helm package`")
                budget.check_file(member.size, rel, label)
                names.append(rel)
                if wanted(rel):
                    extracted = tar.extractfile(member)
                    files[rel] = extracted.read() if extracted is not None else b""
    except _RefusedMember as exc:
        raise ChartError(f"the chart archive holds {exc}", source=label,
                         hint="rebuild the archive with `helm package`") from None
    except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as exc:
        raise ChartError(f"cannot read the chart archive: {exc}", source=label,
                         hint="pass a chart directory or an archive made by `helm package`") from None
    if len(budget._archives) >= budget.MEMO_ENTRIES:
        budget._archives.clear()
    budget._archives[data] = (files, names, budget.bytes - bytes_before, budget.members - members_before)
    return files, names
