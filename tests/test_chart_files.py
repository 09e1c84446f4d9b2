"""Chart files: the safe reader in chart directories, archive limits, and .helmignore matched in linear time.

Where Helm decides (``.helmignore`` patterns, what a chart directory or
archive may hold, Helm's 5 MiB file cap), the cases run against the real Helm
binary; the limits of a whole chart tree (bytes, members, charts, depth) and
the refusal of non-regular archive members are profile-render's own
(docs/helm-divergences.md).
"""

from __future__ import annotations

import gzip
import io
import os
import tarfile
from pathlib import Path
from typing import List, Optional, Tuple, Union

import pytest

from profile_render import merge_values
from profile_render.errors import ChartError, LimitExceededError, ProfileRenderError
from profile_render.helm.archive import MAX_SPECIAL_HEADER_BYTES, ArchiveLimits
from profile_render.helm.chart import load_chart
from profile_render.helm.ignore import IgnoreRuleError, IgnoreRules, go_match, parse_glob
from tests.conftest import HELM, helm_raw
from tests.helm_oracle import Subchart, write_chart
from tests.hostile.corpus import tgz

requires_helm = pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)")

CHART_YAML = b"apiVersion: v2\nname: c\nversion: 0.1.0\n"
TEMPLATE = b"# {{ toJson .Values | b64enc }}\n"

Member = Tuple[str, Union[bytes, tarfile.TarInfo]]


def chart_tgz(*extra: Member, name: str = "c") -> bytes:
    return tgz([(f"{name}/Chart.yaml", CHART_YAML.replace(b"name: c", f"name: {name}".encode())),
                (f"{name}/templates/values.yaml", TEMPLATE), *extra])


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# -- Go's filepath.Match, without backtracking ---------------------------------------------------------------

GO_MATCH = [
    # pattern, name, Go's answer (None: ErrBadPattern)
    ("abc", "abc", True), ("*", "abc", True), ("*c", "abc", True), ("a*", "a", True), ("a*", "ab/c", False),
    ("a*/b", "abc/b", True), ("a*/b", "a/c/b", False), ("a*b*c*d*e*/f", "axbxcxdxe/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True), ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False), ("a*b?c*x", "abxbbxdbxebxczzx", True),
    ("a*b?c*x", "abxbbxdbxebxczzy", False), ("ab[c]", "abc", True), ("ab[b-d]", "abc", True),
    ("ab[e-g]", "abc", False), ("ab[^c]", "abc", False), ("ab[^b-d]", "abc", False), ("ab[^e-g]", "abc", True),
    ("a\\*b", "a*b", True), ("a\\*b", "ab", False), ("a?b", "a\u2603b", True), ("a[^a]b", "a\u2603b", True),
    ("a???b", "a\u2603b", False), ("a[^a][^a][^a]b", "a\u2603b", False), ("[a-\u03b6]*", "\u03b1", True),
    ("*[a-\u03b6]", "A", False), ("a?b", "a/b", False), ("a*b", "a/b", False), ("[\\]a]", "]", True),
    ("[\\-]", "-", True), ("[x\\-]", "x", True), ("[x\\-]", "-", True), ("[x\\-]", "z", False),
    ("[\\-x]", "x", True), ("[\\-x]", "a", False), ("[]a]", "]", None), ("[-]", "-", None), ("[x-]", "x", None),
    ("[x-]", "z", None), ("[-x]", "x", None), ("\\", "a", None), ("[a-b-c]", "a", None), ("[", "a", None),
    ("[^", "a", None), ("[^bc", "a", None), ("a[", "a", None), ("a[", "ab", None), ("a[", "x", None),
    ("a/b[", "x", None), ("*x", "xxx", True), ("a[^x]b", "a/b", True), ("[z-a]", "m", False),
    ("valu*[", "abc", False), ("valu*[", "values", None), ("*[", "abc", None),
]


@pytest.mark.parametrize("pattern, name, expected", GO_MATCH)
def test_go_match_table(pattern: str, name: str, expected: Optional[bool]) -> None:
    assert go_match(parse_glob(pattern), name) is expected


def test_hostile_patterns_answer_at_once() -> None:
    long_name = "a" * 200
    assert go_match(parse_glob("*a" * 12 + "*b"), long_name) is False
    assert go_match(parse_glob("[a-a]*" * 7 + "b"), long_name) is False
    assert go_match(parse_glob("?" * 3000 + "*b"), long_name) is False
    assert go_match(parse_glob("*a" * 2000 + "*b"), "a" * 4000) is False
    rules = IgnoreRules("".join(f"rule{i}*\n" for i in range(100_000)) + "*a*a*a*a*a*a*a*a*a*a*a*a*b\n")
    assert not rules.ignore("templates/" + long_name, False)
    assert rules.ignore("rule99999.yaml", False) and not rules.ignore("rule1/x", False)


def test_matching_work_is_bounded(tmp_path: Path) -> None:
    # Rules × paths is Helm's cost too; a hostile rule set over many files stops at max_ignore_steps.
    chart = write_chart(tmp_path / "c", "a: 1\n")
    for i in range(300):
        write(chart / "templates" / f"deployment-{i}-service.yaml", b"x\n")
    (chart / ".helmignore").write_text("".join(f"*[0-9]{i}x*y\n" for i in range(3000)))
    with pytest.raises(LimitExceededError) as info:
        load_chart(chart)
    assert info.value.source.endswith(".helmignore")
    assert "ArchiveLimits.max_ignore_steps (default 2,000,000)" in (info.value.hint or "")
    (chart / ".helmignore").write_text("".join(f"*[0-9]{i}x*y\n" for i in range(30)))
    assert load_chart(chart).values == {"a": 1}
    with pytest.raises(LimitExceededError):
        load_chart(chart, archive_limits=ArchiveLimits(max_ignore_steps=1000))


def test_ignore_rules_refuse_what_helm_refuses() -> None:
    for text in ("[\n", "a/**/b\n", "*[\n", "\\\n", "[]a]\n"):
        with pytest.raises(IgnoreRuleError):
            IgnoreRules(text)
    IgnoreRules("[z-a]\nvalu*[\n# [\n\n")  # Go reports these only when matching reaches them


HELMIGNORE_RULES = [
    "[z-a]", "/charts[^x]sub", "charts[^x]sub/", "/charts[/]sub", "/charts?sub", "values.yam[k-m]", "values.yam[m-k]",
    "[", "values.yaml[", "\\", "values.yam\\l", "[]]", "valu*[", "*[", "values[.]yaml", "values.yaml/",
    "!values.yaml", "*", "/*", "values.y[^b]ml", "values.y[!b]ml", "val[a-a-b]", "values.yam[\\]-l]",
    "charts/*/values.yaml", "charts/sub/", "*.yaml\n!values.yaml", "\ufeffvalues.yaml", "  values.yaml\t",
    "values.yaml\r", "#values.yaml", "v?lues.yaml", "*/values.yaml", "sub", "/sub",
]


def _helm_values(chart: Path) -> Optional[dict]:
    """What ``helm template`` shows as the top chart's values (None when Helm fails), read from templates/out.yaml."""
    import base64
    import json
    import subprocess

    from tests.helm_oracle import helm_env

    assert HELM is not None
    proc = subprocess.run([str(HELM), "template", "oracle", str(chart)], capture_output=True, text=True, timeout=60,
                          env=helm_env())
    if proc.returncode != 0:
        return None
    lines = proc.stdout.splitlines()
    for i, line in enumerate(lines):
        if line == "# Source: oracle/templates/out.yaml":
            return dict(json.loads(base64.b64decode(lines[i + 1][2:])))
    return {"<no out.yaml>": True}


@requires_helm
@pytest.mark.parametrize("rules", HELMIGNORE_RULES)
def test_helmignore_patterns_match_helm(tmp_path: Path, rules: str) -> None:
    chart = write_chart(tmp_path / "c", "a: 1\n", subcharts={"sub": Subchart("s: 1\n")})
    (chart / "templates" / "values.yaml").unlink()
    (chart / "templates" / "out.yaml").write_bytes(TEMPLATE)
    (chart / ".helmignore").write_text(rules + "\n", encoding="utf-8")
    helm = _helm_values(chart)
    try:
        ours: Optional[dict] = merge_values(chart).values
    except ProfileRenderError:
        ours = None
    if helm is not None and "<no out.yaml>" in helm:
        assert ours is not None  # Helm ignored the template itself: both load the chart
        return
    assert ours == helm


@requires_helm
def test_helmignore_line_length_matches_helm(tmp_path: Path) -> None:
    for length, helm_ok in ((65535, True), (65536, False)):
        chart = write_chart(tmp_path / f"c{length}", "a: 1\n")
        (chart / ".helmignore").write_bytes(b"x" * length + b"\nb\n")
        assert helm_raw(chart).ok is helm_ok
        if helm_ok:
            assert merge_values(chart).values == {"a": 1}
        else:
            with pytest.raises(ChartError, match="Helm can read"):
                load_chart(chart)


# -- chart directories -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_values_yaml_that_is_not_a_regular_file_is_refused(tmp_path: Path, target: str) -> None:
    chart = write_chart(tmp_path / "c", None)
    if target == "fifo":
        os.mkfifo(tmp_path / "fifo")
        target = str(tmp_path / "fifo")
    (chart / "values.yaml").symlink_to(target)
    with pytest.raises(ChartError) as info:
        load_chart(chart)
    assert "values.yaml" in info.value.problem and "not a regular file" in info.value.problem


@requires_helm
def test_irregular_files_in_a_chart_directory_fail_as_in_helm(tmp_path: Path) -> None:
    chart = write_chart(tmp_path / "c", "a: 1\n")
    os.mkfifo(chart / "templates" / "pipe.txt")
    assert not helm_raw(chart).ok
    with pytest.raises(ChartError, match="pipe.txt: it is a FIFO"):
        load_chart(chart)
    (chart / ".helmignore").write_text("pipe.txt\n")
    assert helm_raw(chart).ok and merge_values(chart).values == {"a": 1}


@requires_helm
def test_helms_file_size_cap_applies_to_every_file(tmp_path: Path) -> None:
    limit = 5 * 1024 * 1024
    chart = write_chart(tmp_path / "c", "a: 1\n")
    write(chart / "README.md", b"#" * limit)
    assert helm_raw(chart).ok and merge_values(chart).values == {"a": 1}
    write(chart / "README.md", b"#" * (limit + 1))
    assert not helm_raw(chart).ok
    with pytest.raises(LimitExceededError) as info:
        load_chart(chart)
    assert "README.md" in info.value.problem and "ArchiveLimits.max_file_bytes (default 5,242,880)" in info.value.hint
    archive = write(tmp_path / "c.tgz", chart_tgz(("c/templates/big.yaml", b"#" * (limit + 1))))
    assert not helm_raw(archive).ok
    with pytest.raises(LimitExceededError, match="templates/big.yaml"):
        load_chart(archive)
    assert load_chart(chart, archive_limits=ArchiveLimits(max_file_bytes=limit + 1)).values == {"a": 1}


def test_a_directory_loop_and_deep_nesting_are_clean(tmp_path: Path) -> None:
    chart = write_chart(tmp_path / "c", "a: 1\n")
    (chart / "templates" / "loop").symlink_to(chart / "templates")
    with pytest.raises(ChartError, match="symbolic link into one of its own parents"):
        load_chart(chart)
    (chart / "templates" / "loop").unlink()
    top = str(chart / "templates" / "d")
    created: List[str] = []
    try:
        for level in (top + "/d" * i for i in range(1100)):  # deeper than Python's recursion limit
            os.mkdir(level)
            created.append(level)
        with open(created[-1] + "/x.yaml", "w", encoding="utf-8") as handle:
            handle.write("x\n")
        assert load_chart(chart).values == {"a": 1}
    finally:  # shutil.rmtree (pytest's clean-up) recurses: take the tree down level by level
        if created and os.path.exists(created[-1] + "/x.yaml"):
            os.unlink(created[-1] + "/x.yaml")
        for level in reversed(created):
            os.rmdir(level)


def test_a_special_helmignore_is_refused(tmp_path: Path) -> None:
    chart = write_chart(tmp_path / "c", "a: 1\n")
    os.mkfifo(chart / ".helmignore")
    with pytest.raises(ChartError, match="not a regular file"):
        load_chart(chart)


def test_many_subchart_directories_load_in_one_pass(tmp_path: Path) -> None:
    chart = write_chart(tmp_path / "c", "a: 1\n")
    for i in range(3000):
        write(chart / "charts" / f"s{i}" / "Chart.yaml", f"apiVersion: v2\nname: s{i}\nversion: 0.1.0\n".encode())
    write(chart / "charts" / "s7" / "values.yaml", b"x: 7\n")
    loaded = load_chart(chart)
    assert len(loaded.dependencies) == 3000
    assert merge_values(loaded).values["s7"] == {"x": 7, "global": {}}
    with pytest.raises(LimitExceededError) as info:
        load_chart(chart, archive_limits=ArchiveLimits(max_charts=3000))
    assert "ArchiveLimits.max_charts (default 10,000)" in (info.value.hint or "")
    with pytest.raises(LimitExceededError, match="max_members"):
        load_chart(chart, archive_limits=ArchiveLimits(max_members=5000))


# -- archives ----------------------------------------------------------------------------------------------------


def _special(kind: str, name: str = "c/values.yaml") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = {"symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE,
                 "chardev": tarfile.CHRTYPE, "blockdev": tarfile.BLKTYPE}[kind]
    info.linkname = "/etc/passwd" if kind in ("symlink", "hardlink") else ""
    return info


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "fifo", "chardev", "blockdev"])
def test_archive_members_must_be_regular_files(tmp_path: Path, kind: str) -> None:
    # Helm reads such a member as an empty file; profile-render refuses it (docs/helm-divergences.md).
    archive = write(tmp_path / "c.tgz", chart_tgz(("c/values.yaml", _special(kind))))
    with pytest.raises(ChartError) as info:
        load_chart(archive)
    assert "'values.yaml'" in info.value.problem and "not a regular file" in info.value.problem


@requires_helm
def test_helm_reads_special_members_as_empty_files(tmp_path: Path) -> None:
    archive = write(tmp_path / "c.tgz", chart_tgz(("c/values.yaml", _special("symlink"))))
    outcome = helm_raw(archive)
    assert outcome.ok and outcome.line == "{}"


def test_a_member_is_judged_by_its_declared_size_before_it_is_read(tmp_path: Path) -> None:
    # 4 GiB of zeros in a template: a few MB on disk, refused from the header alone.
    header = tarfile.TarInfo("c/Chart.yaml")
    header.size = len(CHART_YAML)
    big = tarfile.TarInfo("c/templates/zero.yaml")
    big.size = 4 * 2**30
    raw = header.tobuf(tarfile.GNU_FORMAT) + CHART_YAML + b"\0" * (-len(CHART_YAML) % 512) + big.tobuf(tarfile.GNU_FORMAT)
    archive = write(tmp_path / "c.tgz", gzip.compress(raw) + gzip.compress(b"\0" * (1 << 20)) * 3)
    with pytest.raises(LimitExceededError) as info:
        load_chart(archive)
    assert "'templates/zero.yaml' is 4,294,967,296 bytes" in info.value.problem


def test_every_member_counts_toward_the_total(tmp_path: Path) -> None:
    files = [(f"c/templates/t{i}.yaml", b"#" * 4000) for i in range(10)]
    archive = write(tmp_path / "c.tgz", chart_tgz(*files))
    assert load_chart(archive).name == "c"
    with pytest.raises(LimitExceededError) as info:
        load_chart(archive, archive_limits=ArchiveLimits(max_total_bytes=30_000))
    assert "ArchiveLimits.max_total_bytes (default 104,857,600)" in (info.value.hint or "")


def _fan_out(levels: int, width: int, distinct: bool = False) -> bytes:
    level = chart_tgz()
    for depth in range(levels):
        subs: List[Member] = []
        for i in range(width):
            copy = level if not distinct else chart_tgz(("c/charts/inner.tgz", level), (f"c/x{depth}-{i}", b"x"))
            subs.append((f"c/charts/s{i}.tgz", copy))
        level = chart_tgz(*subs)
    return level


@pytest.mark.parametrize("distinct", [False, True])
def test_nested_archives_fan_out_only_as_far_as_the_limits(tmp_path: Path, distinct: bool) -> None:
    archive = write(tmp_path / "c.tgz", _fan_out(3, 6, distinct))  # 1 + 6 + 36 + 216 charts or more
    with pytest.raises(LimitExceededError) as info:
        load_chart(archive, archive_limits=ArchiveLimits(max_charts=100))
    assert "more than 100 charts" in info.value.problem
    with pytest.raises(LimitExceededError, match="more than 4 levels deep"):
        load_chart(write(tmp_path / "deep.tgz", _fan_out(6, 1)), archive_limits=ArchiveLimits(max_depth=4))


def test_copies_of_one_archive_are_each_charged(tmp_path: Path) -> None:
    inner = chart_tgz(("c/templates/t.yaml", b"#" * 20_000), name="s")
    archive = write(tmp_path / "c.tgz", chart_tgz(*[(f"c/charts/s{i}.tgz", inner) for i in range(3)]))
    loaded = load_chart(archive)
    assert [d.name for d in loaded.dependencies] == ["s", "s", "s"]
    assert loaded.dependencies[1].source.endswith("charts/s1.tgz")
    with pytest.raises(LimitExceededError):
        load_chart(archive, archive_limits=ArchiveLimits(max_total_bytes=70_000))


def test_oversized_special_headers_and_sparse_members_are_refused(tmp_path: Path) -> None:
    long_name = "c/" + "n" * (MAX_SPECIAL_HEADER_BYTES + 10)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("c/Chart.yaml")
        info.size = len(CHART_YAML)
        tar.addfile(info, io.BytesIO(CHART_YAML))
        info = tarfile.TarInfo(long_name)
        tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(ChartError, match="header record"):
        load_chart(write(tmp_path / "pax.tgz", buf.getvalue()))
    sparse = tarfile.TarInfo("c/values.yaml")
    sparse.type = tarfile.GNUTYPE_SPARSE
    with pytest.raises(ChartError, match="sparse"):
        load_chart(write(tmp_path / "sparse.tgz", chart_tgz(("c/values.yaml", sparse))))


@requires_helm
@pytest.mark.parametrize("mode", ["w", "w:bz2", "w:xz"])
def test_only_gzip_archives_are_charts_as_in_helm(tmp_path: Path, mode: str) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tar:  # type: ignore[call-overload]
        for name, data in (("c/Chart.yaml", CHART_YAML), ("c/templates/values.yaml", TEMPLATE)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    archive = write(tmp_path / "c.tgz", buf.getvalue())
    assert not helm_raw(archive).ok
    with pytest.raises(ChartError):
        load_chart(archive)


@pytest.mark.parametrize("data", [b"", b"\x1f\x8b" + bytes(range(256)) * 4, chart_tgz()[:60], b"not an archive"])
def test_broken_archives_are_clean_errors(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ChartError):
        load_chart(write(tmp_path / "c.tgz", data))


def test_multi_member_gzip_reads_as_one_stream(tmp_path: Path) -> None:
    raw = gzip.decompress(chart_tgz(("c/values.yaml", b"a: 1\n")))
    archive = write(tmp_path / "c.tgz", gzip.compress(raw[:700]) + gzip.compress(raw[700:]))
    assert load_chart(archive).values == {"a": 1}


@requires_helm
@pytest.mark.parametrize("name", ["c/../../values.yaml", "/c/values.yaml", "c\\values.yaml", "c/C:/x.yaml", "Chart.yaml"])
def test_member_names_follow_helm(tmp_path: Path, name: str) -> None:
    archive = write(tmp_path / "c.tgz", chart_tgz((name, b"a: 1\n")))
    helm = helm_raw(archive)
    try:
        ours: Optional[object] = merge_values(archive).values
    except ProfileRenderError:
        ours = None
    assert (ours is None) is (not helm.ok), (helm.stderr, ours)


# -- the tar reader against GNU tar's formats and Python's tarfile ------------------------------------------------

LONG = "templates/" + "l" * 120 + ".yaml"
DEEP = "templates/" + "/".join(["d" * 40] * 4) + "/x.yaml"  # fits ustar's name + prefix


@pytest.mark.skipif(not Path("/usr/bin/tar").exists() and not Path("/bin/tar").exists(), reason="no tar command")
@pytest.mark.parametrize("fmt", ["gnu", "oldgnu", "posix", "ustar", "v7"])
def test_archives_of_every_tar_format_read_as_tarfile_lists_them(tmp_path: Path, fmt: str) -> None:
    import subprocess

    from profile_render.helm.archive import ChartBudget, read_archive

    chart = write_chart(tmp_path / "src" / "c", "a: 1\n")
    deep = DEEP if fmt != "v7" else "templates/short/x.yaml"  # v7 has no prefix field
    write(chart / deep, b"x\n")
    if fmt in ("gnu", "oldgnu", "posix"):
        write(chart / LONG, b"y\n")
    archive = tmp_path / f"c-{fmt}.tgz"
    subprocess.run(["tar", "czf", str(archive), f"--format={fmt}", "-C", str(tmp_path / "src"), "c"], check=True)
    data = archive.read_bytes()
    files, names = read_archive(data, str(archive), ChartBudget(ArchiveLimits()), lambda rel: True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        expected = sorted(m.name.split("/", 1)[1] for m in tar.getmembers() if m.isfile())
    assert sorted(names) == expected
    assert files["values.yaml"] == b"a: 1\n" and files[deep] == b"x\n"
    assert load_chart(archive).values == {"a": 1}


@requires_helm
def test_long_names_and_pax_records_read_as_helm_reads_them(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, data in (("c/Chart.yaml", CHART_YAML), ("c/templates/values.yaml", TEMPLATE),
                           ("c/files/" + "l" * 120, b"x\n"), ("c/values.yaml", "k\u00e9y: 1\n".encode()),
                           ("c/charts/" + "s" * 110 + "/Chart.yaml",
                            b"apiVersion: v2\nname: long\nversion: 0.1.0\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.pax_headers = {"comment": "made by a test"}
            tar.addfile(info, io.BytesIO(data))
    archive = write(tmp_path / "c.tgz", buf.getvalue())
    helm = helm_raw(archive)
    assert helm.ok
    import json

    assert merge_values(archive).values == json.loads(helm.line or "")


def test_header_fields_are_checked(tmp_path: Path) -> None:
    raw = bytearray(gzip.decompress(chart_tgz(("c/values.yaml", b"a: 1\n"))))
    bad_checksum = bytearray(raw)
    bad_checksum[0] ^= 1
    with pytest.raises(ChartError, match="checksum"):
        load_chart(write(tmp_path / "a.tgz", gzip.compress(bytes(bad_checksum))))
    ends_early = bytes(raw[:512 * 2]) + bytes(512) + b"\1" * 512
    with pytest.raises(ChartError, match="end-of-archive"):
        load_chart(write(tmp_path / "b.tgz", gzip.compress(ends_early)))
    # Go accepts an archive that just stops after a member (no end blocks).
    members = chart_tgz(("c/values.yaml", b"a: 1\n"))
    raw = gzip.decompress(members)
    without_end = raw[:raw.rindex(b"a: 1\n") + 512]
    assert load_chart(write(tmp_path / "c.tgz", gzip.compress(without_end))).values == {"a": 1}
