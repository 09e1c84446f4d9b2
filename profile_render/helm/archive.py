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
* the tar stream is read as Go's ``archive/tar`` (which Helm uses) reads it,
  by a small reader of our own, in one pass: headers checked by checksum,
  ustar prefixes, pax records (``path``, ``size``) and GNU long names applied
  to the next member, pax and GNU special headers capped at 1 MiB each (Go's
  cap), a pax global header skipped (as Helm skips it), sparse members
  refused, and nothing read ahead of what the members need;
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
import zlib
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple

from profile_render.records import Record

from profile_render.errors import ChartError, LimitExceededError

__all__ = ["ArchiveLimits", "ChartBudget", "read_archive", "is_gzip"]

#: Go's archive/tar refuses pax records and GNU long names larger than this.
MAX_SPECIAL_HEADER_BYTES = 1 << 20
_INPUT_PIECE = 64 * 1024
_BLOCK = 512
_DRIVE_PATH = re.compile(r"[a-zA-Z]:/")


class ArchiveLimits(Record):
    """Bounds on what one chart tree (a chart and all its subcharts) may hold; raise any of them if needed.

    * ``max_total_bytes`` (100 MiB, Helm's cap on one decompressed archive):
      every byte of the whole tree: each file of a chart directory (read or
      not), each decompressed archive (members, headers, skipped members),
      nested archives counted again when expanded;
    * ``max_file_bytes`` (5 MiB, Helm's): any one file or archive member;
    * ``max_members`` (50,000): files and directories in the whole tree,
      archive members and directory entries alike;
    * ``max_charts`` (10,000): charts in the tree, the top chart included;
    * ``max_depth`` (20, at most 200): how deep subcharts nest under the top chart;
    * ``max_ignore_steps`` (2,000,000): the work of matching a chart
      directory's ``.helmignore`` against its paths: one step per rule tried
      on a path, plus one per atom each scan of a wildcard pattern tests (a
      typical chart needs well under a million).

    >>> try:
    ...     load_chart(Path("examples/hello-chart"), archive_limits=ArchiveLimits(max_file_bytes=100))
    ... except LimitExceededError as error:
    ...     print(error.problem)
    chart file 'Chart.yaml' is 163 bytes, more than the limit of 100
    """

    _fields = ("max_total_bytes", "max_file_bytes", "max_members", "max_charts", "max_depth", "max_ignore_steps")
    max_total_bytes: int
    max_file_bytes: int
    max_members: int
    max_charts: int
    max_depth: int
    max_ignore_steps: int

    def __init__(self, max_total_bytes: int = 100 * 1024 * 1024, max_file_bytes: int = 5 * 1024 * 1024,
                 max_members: int = 50_000, max_charts: int = 10_000, max_depth: int = 20,
                 max_ignore_steps: int = 2_000_000) -> None:
        self._set("max_total_bytes", max_total_bytes)
        self._set("max_file_bytes", max_file_bytes)
        self._set("max_members", max_members)
        self._set("max_charts", max_charts)
        self._set("max_depth", max_depth)
        self._set("max_ignore_steps", max_ignore_steps)
        self.__post_init__()

    def __post_init__(self) -> None:
        for name in ("max_total_bytes", "max_file_bytes", "max_members", "max_charts", "max_depth",
                     "max_ignore_steps"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"ArchiveLimits.{name} must be a positive integer")
        if self.max_depth > 200:
            raise ValueError("ArchiveLimits.max_depth cannot exceed 200")  # charts are built recursively


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
    """The decompressed bytes of a (multi-member) gzip stream, produced on demand and counted as they are read.

    Output is made a bounded piece at a time (never more than about
    :data:`_INPUT_PIECE` bytes ahead of what was asked for); every byte read,
    or skipped, is counted, so nothing can be consumed without being paid for.
    """

    def __init__(self, data: bytes, spend: Callable[[int], None]) -> None:
        self._data = data
        self._pos = 0
        self._pending = b""  # input left over after the end of a gzip member
        self._inflater = zlib.decompressobj(31)
        self._spend = spend
        self._done = False
        self._out = b""  # decompressed, not yet read
        self._out_pos = 0

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

    def _inflate(self) -> bytes:
        """The next piece of output (empty at the end of the stream)."""
        while not self._done:
            if self._inflater.eof:
                self._pending = self._inflater.unused_data + self._pending
                if not self._pending and self._pos >= len(self._data):
                    self._done = True
                    break
                self._inflater = zlib.decompressobj(31)  # the next member, as Go's multistream reader does
            piece = self._next_input()
            if piece is None:
                raise _Truncated("the gzip stream is truncated")
            out = self._inflater.decompress(piece, _INPUT_PIECE)
            if out:
                return out
        return b""

    def read(self, size: int) -> bytes:
        """Up to ``size`` decompressed bytes (fewer only at the end)."""
        start = self._out_pos
        if start + size <= len(self._out):
            self._spend(size)
            self._out_pos = start + size
            return self._out[start:start + size]
        parts = [self._out[start:]]
        size -= len(parts[0])
        self._out, self._out_pos = b"", 0
        while size > 0:
            out = self._inflate()
            if not out:
                break
            if len(out) > size:
                parts.append(out[:size])
                self._out, self._out_pos = out, size
                break
            parts.append(out)
            size -= len(out)
        data = b"".join(parts)
        self._spend(len(data))
        return data


class _RefusedMember(Exception):
    """A member or header the reader refuses (an oversized special header, a sparse file, a malformed header)."""


_ZERO_BLOCK = bytes(_BLOCK)
_OCTAL = re.compile(rb"[0-7]+")
#: Member types that carry no data, whatever their size field says (Go's isHeaderOnlyType).
_HEADER_ONLY = frozenset((b"1", b"2", b"3", b"4", b"5", b"6"))
_KINDS = {b"1": "a hard link", b"2": "a symbolic link", b"3": "a character device", b"4": "a block device",
          b"6": "a FIFO (named pipe)", b"S": "a sparse file"}


class _Member(NamedTuple):
    """One member of a tar archive, as Go's archive/tar reports it (special headers already applied)."""

    name: str
    type: bytes
    size: int
    is_dir: bool


def _c_string(field: bytes) -> bytes:
    """Go's parseString: the bytes up to the first NUL."""
    end = field.find(b"\0")
    return field if end < 0 else field[:end]


def _number(field: bytes) -> int:
    """Go's parseNumeric: base-256 when the top bit of the first byte is set, else octal padded with NULs/spaces."""
    if field and field[0] & 0x80:
        if field[0] & 0x40:  # negative
            raise _RefusedMember("a tar header with a negative number")
        return int.from_bytes(bytes([field[0] & 0x3F]) + field[1:], "big")
    text = _c_string(field.strip(b" \0"))
    if not text:
        return 0
    if _OCTAL.fullmatch(text) is None:
        raise _RefusedMember("an invalid tar header (a number field is not octal)")
    return int(text, 8)


def _checksum_ok(block: bytes) -> bool:
    """Go's check: the stored checksum equals the unsigned or the signed byte sum (checksum field as spaces)."""
    try:
        stored = _number(block[148:156])
    except _RefusedMember:
        return False
    blanked = block[:148] + b"        " + block[156:]
    unsigned = sum(blanked)
    if stored == unsigned:
        return True
    return stored == unsigned - 256 * sum(1 for byte in blanked if byte >= 0x80)  # the signed sum


def _pax_records(data: bytes) -> Dict[str, str]:
    """The records of a pax extended header (Go's parsePAX); a malformed one refuses the archive."""
    records: Dict[str, str] = {}
    rest = data
    while rest:
        length_text, space, _ = rest.partition(b" ")
        if not space or not length_text.isdigit():
            raise _RefusedMember("a malformed pax header record")
        length = int(length_text)
        if length < 5 or length > len(rest) or rest[length - 1:length] != b"\n":
            raise _RefusedMember("a malformed pax header record")
        record = rest[len(length_text) + 1:length - 1]
        rest = rest[length:]
        key, equals, value = record.partition(b"=")
        if not equals or not key or (b"\0" in value and key in (b"path", b"linkpath", b"uname", b"gname")) \
                or b"\0" in key:
            raise _RefusedMember("a malformed pax header record")
        records[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
    return records


class _TarReader:
    """Go's archive/tar reader over a decompressed stream: members in order, data read or skipped on demand."""

    def __init__(self, stream: _GunzipStream) -> None:
        self._stream = stream
        self._pending = 0  # data and padding of the current member not read yet

    def _exact(self, count: int) -> bytes:
        data = self._stream.read(count)
        if len(data) != count:
            raise _RefusedMember("a truncated tar stream")
        return data

    def _skip(self, count: int) -> None:
        while count:
            chunk = self._stream.read(min(count, _INPUT_PIECE))
            if not chunk:
                raise _RefusedMember("a truncated tar stream")
            count -= len(chunk)

    def _special(self, size: int) -> bytes:
        """The data of a pax or GNU long-name header (Go caps them at 1 MiB)."""
        if size > MAX_SPECIAL_HEADER_BYTES:
            raise _RefusedMember(f"a tar header record of {size:,} bytes (more than the "
                                 f"{MAX_SPECIAL_HEADER_BYTES:,} Go's archive/tar accepts)")
        data = self._exact(size)
        self._skip(-size % _BLOCK)
        return data

    def members(self) -> Iterator[_Member]:
        """Every member; the caller reads a member's data with :meth:`data` before asking for the next."""
        pax: Dict[str, str] = {}
        long_name: Optional[bytes] = None
        while True:
            self._skip(self._pending)
            self._pending = 0
            block = self._stream.read(_BLOCK)
            if not block:
                return  # Go accepts an archive without its end blocks
            if len(block) != _BLOCK:
                raise _RefusedMember("a truncated tar stream")
            if block == _ZERO_BLOCK:
                second = self._stream.read(_BLOCK)
                if second and second != _ZERO_BLOCK:
                    raise _RefusedMember("an invalid tar header after the end-of-archive block")
                return
            if not _checksum_ok(block):
                raise _RefusedMember("an invalid tar header (bad checksum)")
            kind = block[156:157]
            size = _number(block[124:136])
            if kind in (b"x", b"g"):
                records = _pax_records(self._special(size))
                if kind == b"x":  # a global header (g) reaches the caller in Go, which Helm skips
                    pax = records
                continue
            if kind in (b"L", b"K"):
                data = self._special(size)
                if kind == b"L":
                    long_name = _c_string(data)
                continue
            name = _c_string(block[0:100])
            if block[257:263] == b"ustar\0":
                prefix = _c_string(block[345:476] if block[508:512] == b"tar\0" else block[345:500])
                if prefix:
                    name = prefix + b"/" + name
            text = name.decode("utf-8", "surrogateescape")
            if long_name is not None:
                text = long_name.decode("utf-8", "surrogateescape")
            if pax.get("path"):
                text = pax["path"]
            if pax.get("size"):
                if not pax["size"].isdigit():
                    raise _RefusedMember("a malformed pax size")
                size = int(pax["size"])
            if kind == b"S" or any(key.startswith("GNU.sparse.") for key in pax):
                raise _RefusedMember(f"a sparse file ({text!r})")
            if kind == b"\0":
                kind = b"5" if text.endswith("/") else b"0"
            mode = _number(block[100:108])
            pax, long_name = {}, None
            self._pending = 0 if kind in _HEADER_ONLY else size + (-size % _BLOCK)
            yield _Member(text, kind, size, kind == b"5" or (mode & ~0o7777) == 0o40000)

    def data(self, member: _Member) -> bytes:
        """The data of the member just yielded (its padding is skipped with the next header)."""
        data = self._exact(member.size)
        self._pending -= member.size
        return data


def _member_kind(member: _Member) -> str:
    return _KINDS.get(member.type, f"of an unsupported type ({member.type.decode('latin-1')!r})")


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
    reader = _TarReader(_GunzipStream(data, lambda count: budget.spend_bytes(count, label)))
    try:
        for member in reader.members():
            budget.add_member(label)
            if member.is_dir:
                continue
            rel, chart_yaml_at_top = _relative_name(member.name, label)
            if chart_yaml_at_top:
                raise ChartError("the chart archive has Chart.yaml outside its base directory", source=label,
                                 hint="rebuild the archive with `helm package`")
            if member.type not in (b"0", b"7"):
                raise ChartError(f"the chart archive member {rel!r} is {_member_kind(member)}, not a regular file",
                                 source=label, hint="a chart archive holds regular files and directories only; "
                                                    "rebuild it with `helm package`")
            budget.check_file(member.size, rel, label)
            names.append(rel)
            if wanted(rel):
                files[rel] = reader.data(member)
    except _RefusedMember as exc:
        raise ChartError(f"the chart archive holds {exc}", source=label,
                         hint="rebuild the archive with `helm package`") from None
    except _Truncated:
        raise ChartError("the chart archive is truncated (its gzip stream ends early)", source=label,
                         hint="download or copy the archive again, or rebuild it with `helm package`") from None
    except (EOFError, zlib.error):  # zlib's own wording names its internals: say what it means instead
        raise ChartError("the chart archive is corrupt (its gzip data cannot be decompressed)", source=label,
                         hint="download or copy the archive again, or rebuild it with `helm package`") from None
    if len(budget._archives) >= budget.MEMO_ENTRIES:
        budget._archives.clear()
    budget._archives[data] = (files, names, budget.bytes - bytes_before, budget.members - members_before)
    return files, names
