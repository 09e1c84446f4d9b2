"""The hostile corpus: inputs a tenant could upload, generated at test time.

:func:`build` writes every case's files under a work folder and returns the
cases; :func:`run_case` runs one (called by ``runner.py`` in a forked, capped
child). A case is a CLI invocation (``argv``) or an API scenario (``api``, a
function of this module). Each belongs to a class named after the hostile-input
class of issue 9 it exercises; ``expect`` is ``"clean"`` (any exit 0, 1 or 2
without a crash) or ``"error"`` (must be refused: exit 1 or 2).

Nothing large is stored in the repository: a 4 GiB archive member is a few MB of
repeated gzip members, and every big file is written when the corpus is built.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from tests.hostile import schema_cases  # more values.schema.json cases (issue 9, schema part)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

#: Passwords and other secrets the cases use; none may appear in anything a case prints.
CANARY = "CANARY-7f3a9e-S3CRET"
CANARY_OUT = "CANARY-OUTSIDE-FILE-4411"  # content of files outside a package
CANARIES = (CANARY, CANARY_OUT)

TIME_LIMIT_S = 5.0
MEMORY_LIMIT_MIB = 500.0

CLASSES = (
    "bigint", "regex", "helmignore", "quadratic", "archive", "special-file", "amplification", "recursion",
    "encoding", "check-manifests", "secrets", "escape", "slow-legal", "malformed",
)

Env = Mapping[str, Union[str, bytes]]


@dataclass(frozen=True)
class Case:
    """One hostile input and how to run it."""

    id: str
    cls: str
    cwd: str
    argv: Optional[Tuple[str, ...]] = None
    api: Optional[str] = None
    stdin: Optional[str] = None
    env: Env = field(default_factory=dict)
    expect: str = "clean"
    forbidden: Tuple[str, ...] = ()


# -- running ---------------------------------------------------------------------------------------


def warm() -> None:
    """Import what API scenarios use before the runner forks."""
    import profile_render.checks.manifests  # noqa: F401
    import profile_render.rendering  # noqa: F401


def run_case(case: Case) -> int:
    """Run ``case`` in this process; returns the exit code (1 for a ProfileRenderError from the API)."""
    if case.argv is not None:
        from profile_render.cli import main

        return main(list(case.argv))
    from profile_render.errors import ProfileRenderError

    scenario = API[case.api or ""]
    try:
        scenario(Path(case.cwd))
    except ProfileRenderError as exc:
        sys.stderr.write(f"{exc}\n{exc!r}\n{exc.args!r}\n")
        return 1
    return 0


def forbidden_text_in(case: Case, out_dir: Path) -> List[str]:
    """The case's forbidden strings that appear in what it wrote."""
    found = []
    for text in case.forbidden:
        for name in ("stdout", "stderr", "crash"):
            path = out_dir / name
            if path.exists() and text.encode() in path.read_bytes():
                found.append(text)
                break
    return found


# -- helpers that write inputs ----------------------------------------------------------------------


def _write(path: Path, data: Union[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    path.write_bytes(data)
    return path


def _chart(directory: Path, values: Union[str, bytes] = "image:\n  repository: nginx\n",
           schema: Optional[Union[str, bytes]] = None, chart_yaml: Optional[Union[str, bytes]] = None,
           extra: Optional[Mapping[str, Union[str, bytes]]] = None) -> Path:
    _write(directory / "Chart.yaml", chart_yaml if chart_yaml is not None else
           "apiVersion: v2\nname: hostile\nversion: 0.1.0\n")
    _write(directory / "values.yaml", values)
    _write(directory / "templates" / "values.yaml", "# {{ toJson .Values }}\n")
    if schema is not None:
        _write(directory / "values.schema.json", schema)
    for name, data in (extra or {}).items():
        _write(directory / name, data)
    return directory


def tgz(members: Sequence[Tuple[str, Union[bytes, tarfile.TarInfo]]]) -> bytes:
    """A gzip-compressed tar of ``members``: (name, bytes) pairs, or ready-made ``TarInfo`` headers."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members:
            if isinstance(data, tarfile.TarInfo):
                tar.addfile(data)
                continue
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _render_argv(chart: Path, profile: Path, *extra: str) -> Tuple[str, ...]:
    return ("render", str(chart), "--profile", str(profile), "--app-name", "app", "--app-version", "1.0.0",
            "--deployment-name", "deployment-abc12", "--namespace", "apps", "--org", "acme", "--project", "edge",
            "--registry-url", "oci://registry.example.com/catalog-apps-acme-edge",
            "--registry-username", "robot", *extra)


PASSWORD_ENV = {"PROFILE_RENDER_REGISTRY_PASSWORD": CANARY}

PROFILE = "imagePullSecrets:\n  - name: '%GeneratedDockerCredential%'\nimage:\n  registry: '%ImageRegistryURL%'\n"


class _Builder:
    """Collects cases; each case gets its own folder under the work folder."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.cases: List[Case] = []
        self.cls = ""
        self.base_chart = _chart(work / "_base" / "chart")
        self.profile = _write(work / "_base" / "profile.yaml", PROFILE)
        self.empty = _write(work / "_base" / "empty.yaml", "")
        self.package = work / "_base" / "package"
        shutil.copytree(EXAMPLES / "edge-package", self.package)

    def folder(self, name: str) -> Path:
        path = self.work / self.cls / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def add(self, name: str, argv: Optional[Sequence[str]] = None, *, api: Optional[str] = None,
            stdin: Optional[Path] = None, env: Optional[Env] = None, expect: str = "clean",
            forbidden: Sequence[str] = ()) -> None:
        folder = self.folder(name)
        self.cases.append(Case(f"{self.cls}/{name}", self.cls, str(folder),
                               tuple(argv) if argv is not None else None, api,
                               str(stdin) if stdin is not None else None, dict(env or {}), expect, tuple(forbidden)))

    def merge(self, name: str, values: Union[str, bytes], expect: str = "clean") -> None:
        path = _write(self.folder(name) / "values.yaml", values)
        self.add(name, ["merge", str(self.base_chart), "-f", str(path)], expect=expect)

    def render_chart(self, name: str, chart: Path, profile: Optional[Path] = None, expect: str = "clean") -> None:
        self.add(name, _render_argv(chart, profile or self.profile), env=PASSWORD_ENV, expect=expect)

    def manifests(self, name: str, text: Union[str, bytes], *extra: str, expect: str = "clean") -> None:
        path = _write(self.folder(name) / "manifests.yaml", text)
        self.add(name, ["check-manifests", str(path), *extra], expect=expect)

    def catalog(self, name: str, text: Union[str, bytes], expect: str = "clean") -> None:
        folder = self.folder(name)
        _write(folder / "pkg" / "app.yaml", text)
        self.add(name, ["lint", str(folder / "pkg")], expect=expect)

    def package_copy(self, name: str) -> Path:
        dest = self.folder(name) / "pkg"
        shutil.copytree(self.package, dest)
        return dest

    def package_argv(self, pkg: Path, command: str = "package") -> List[str]:
        charts = []
        for app in ("web-app", "vm-ephemeral", "vm-pv"):
            charts += ["--chart", f"{app}={pkg / 'charts' / app}"]
        if command == "lint":
            return ["lint", str(pkg), *charts]
        return ["package", "render", str(pkg), *charts, "--deployment-name", "demo", "--org", "acme",
                "--project", "edge", "-o", "json"]


# -- the classes -------------------------------------------------------------------------------------


def _bigint(b: _Builder) -> None:
    for digits in (4301, 6000, 50000):
        n = "1" + "0" * (digits - 1)
        b.merge(f"value-{digits}", f"a: {n}\n")
        b.merge(f"key-{digits}", f"{n}: x\n")
        b.merge(f"negative-{digits}", f"a: -{n}\n")
        b.merge(f"tag-int-{digits}", f"a: !!int {n}\n")
        b.merge(f"tag-float-{digits}", f"a: !!float {n}\n")
        b.merge(f"decimal-{digits}", f"a: {n}.5\n")
        b.merge(f"flow-{digits}", f"a: [{n}, {{{n}: 1}}]\n")
        b.add(f"set-value-{digits}", ["merge", str(b.base_chart), "--set", f"a={n}"])
        b.add(f"set-index-{digits}", ["merge", str(b.base_chart), "--set", f"a[{n}]=1"])
        b.add(f"set-string-index-{digits}", ["merge", str(b.base_chart), "--set-string", f"a[{n}]=1"])
        b.render_chart(f"chart-yaml-{digits}", _chart(b.folder(f"chart-yaml-{digits}") / "c",
                                                       chart_yaml=f"apiVersion: v2\nname: c\nversion: {n}\n"))
        b.render_chart(f"schema-max-{digits}", _chart(
            b.folder(f"schema-max-{digits}") / "c", values=f"a: {n}\n",
            schema=json.dumps({"properties": {"a": {"maximum": 1}}}).replace("1}", n + "}")))
        b.catalog(f"catalog-{digits}", "specSchema: Application\nschemaVersion: \"0.1\"\n"
                  f"$schema: \"https://schema.intel.com/catalog.orchestrator/0.1/schema\"\nname: a\nversion: {n}\n"
                  "chartName: a\nchartVersion: 0.1.0\nhelmRegistry: r\n")
        b.manifests(f"manifest-{digits}", f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  priority: {n}\n"
                    "  containers:\n  - name: c\n    image: nginx\n")
        render_json = _write(b.folder(f"render-json-{digits}") / "render.json",
                             '{"secret_name": "s", "values": {"a": ' + n + '}, "manifests": []}')
        pod = _write(b.folder(f"render-json-{digits}") / "m.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n")
        b.add(f"render-json-{digits}", ["check-manifests", str(pod), "--render-json", str(render_json)])
    for text in ("1e+4300", "-1e4300", "1e-4300", "0x" + "f" * 5000, "0o" + "7" * 6000, "0b" + "1" * 20000,
                 ".5e99999", "1_000_000"):
        b.merge(f"float-{text[:8]}", f"a: {text}\nb: [{text}]\n")
        b.add(f"set-float-{text[:8]}", ["merge", str(b.base_chart), "--set", f"a={text}"])
    # Found beyond the list: semver pre-releases and ranges, leading zeros, catalog versions,
    # parameter numbers, integers handed over through the API.
    n = "1" + "0" * 4999
    sub = "apiVersion: v2\nname: s\nversion: 1.0.0-" + n + "\n"
    for name, version in (("semver-prerelease", f"1.0.0-{n}"), ("semver-range", f">= {n}"),
                          ("semver-range-prerelease", f">= 1.0.0-{n}")):
        chart = _chart(b.folder(name) / "c", chart_yaml="apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n"
                       f"  - name: s\n    version: \"{version}\"\n", extra={"charts/s/Chart.yaml": sub})
        b.add(name, ["merge", str(chart)])
    b.merge("leading-zeros", f"a: 0{'0' * 6000}7\nb: -{'0' * 6000}1\n")
    b.add("set-index-leading-zeros", ["merge", str(b.base_chart), "--set", "a[" + "0" * 6000 + "1]=x"])
    b.add("set-value-leading-zeros", ["merge", str(b.base_chart), "--set", "a=" + "0" * 6000 + "1"])
    pkg = b.package_copy("catalog-same-name-versions")
    app = (pkg / "web-app-app.yaml").read_text()
    _write(pkg / "web-app-2-app.yaml", app.replace('version: "0.1.0"', f'version: "{n}"'))
    (pkg / "web-app-app.yaml").write_text(app.replace('version: "0.1.0"', f'version: "{n[:-1]}9"'))
    b.add("catalog-same-name-versions", b.package_argv(pkg))
    b.add("catalog-same-name-versions-lint", b.package_argv(pkg, "lint"))
    pkg = b.package_copy("parameter-number")
    app_file = pkg / "web-app-app.yaml"
    app_file.write_text(app_file.read_text() + "    parameterTemplates:\n      - name: replicaCount\n"
                        f"        displayName: n\n        type: number\n        default: \"{'0' * 6000}3\"\n")
    b.add("parameter-number", b.package_argv(pkg))
    b.add("parameter-number-set", b.package_argv(pkg) + ["--set", f"web-app:replicaCount={n}"])
    b.add("api-int-huge", api="api_int_huge")


EVIL_PATTERNS = ("^(a+)+$", "^(a|aa)+$", "^(a|a?)+$", "^(.*a){25}$")


def _regex(b: _Builder) -> None:
    subject = "a" * 40 + "b"
    for i, pattern in enumerate(EVIL_PATTERNS):
        schemas = {
            "pattern": {"properties": {"s": {"type": "string", "pattern": pattern}}},
            "patternProperties": {"patternProperties": {pattern: {"type": "integer"}}},
            "propertyNames": {"propertyNames": {"pattern": pattern}},
            "format-regex": {"$schema": "http://json-schema.org/draft-07/schema#",
                             "properties": {"s": {"format": "regex"}}},
        }
        for keyword, schema in schemas.items():
            value = f"s: {subject}\n{subject}: x\n" if keyword != "format-regex" else \
                "s: '" + "(" * 3000 + "a" + ")" * 3000 + "'\n"
            chart = _chart(b.folder(f"{keyword}-{i}") / "c", values=value, schema=json.dumps(schema))
            b.render_chart(f"{keyword}-{i}", chart)
    # A pattern that is itself huge, and one whose repetition counts multiply.
    for name, pattern in (("huge", "a" * 200000), ("counts", "((a{1000}){1000}){1000}"),
                          ("backref", "(a)\\1"), ("lookahead", "(?=a)a"), ("nul", "a\u0000b")):
        chart = _chart(b.folder(name) / "c", values="s: aaa\n",
                       schema=json.dumps({"properties": {"s": {"pattern": pattern}}}))
        b.render_chart(name, chart)


def _helmignore(b: _Builder) -> None:
    long_name = "a" * 200
    for name, rules, files in (
        ("star-a-b", "*a*a*a*a*a*a*a*a*a*a*a*a*b\n", {f"templates/{long_name}": "x"}),
        ("star-many", "*" * 5000 + "b\n", {f"templates/{long_name}": "x"}),
        ("question", "?" * 3000 + "*b\n", {f"templates/{long_name}": "x"}),
        ("class", "[a-a]*[a-a]*[a-a]*[a-a]*[a-a]*[a-a]*[a-a]*b\n", {f"templates/{long_name}": "x"}),
        ("100k-rules", "".join(f"rule{i}*\n" for i in range(100_000)), {"templates/x.yaml": "x"}),
        ("bad-class", "[\n[z-a]\n\\\n**/**/**/**\n", {"templates/x.yaml": "x"}),
        ("long-line", "a" * 70_000 + "\n", {"templates/x.yaml": "x"}),
        ("globs-times-files", "".join(f"*[0-9]{i}x*y\n" for i in range(3000)),
         {f"templates/deployment-{i}-service.yaml": "x" for i in range(300)}),
    ):
        chart = _chart(b.folder(name) / "c", extra={".helmignore": rules, **files})
        b.add(name, ["merge", str(chart)])
        archive = _write(b.folder(name) / "c.tgz", tgz([(f"c/{p.relative_to(chart)}", p.read_bytes())
                                                          for p in sorted(chart.rglob("*")) if p.is_file()]))
        b.add(name + "-tgz", ["merge", str(archive)])


def _quadratic(b: _Builder) -> None:
    objects = "".join(f"- {{k: {i}, v: [a, {i}]}}\n" for i in range(4000))
    schema = json.dumps({"properties": {"l": {"type": "array", "uniqueItems": True}}})
    b.render_chart("unique-objects", _chart(b.folder("unique-objects") / "c", values="l:\n" + objects.replace(
        "- ", "  - "), schema=schema))
    ints = "".join(f"  - {i}\n" for i in range(20000))
    b.render_chart("unique-ints", _chart(b.folder("unique-ints") / "c", values="l:\n" + ints, schema=schema))
    markers = "-----BEGIN CERTIFICATE-----\n" * 25000
    cm = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ca\ndata:\n  ca.crt: |\n"
          + "".join("    " + line + "\n" for line in markers.splitlines()))
    dv = ("---\napiVersion: cdi.kubevirt.io/v1beta1\nkind: DataVolume\nmetadata:\n  name: dv\nspec:\n  source:\n"
          "    registry:\n      url: docker://registry.example.com/disk\n      secretRef: s\n"
          "      certConfigMap: ca\n  storage: {}\n")
    b.manifests("cert-markers", cm + dv, "--pull-secret", "s")
    ca = _write(b.folder("cert-markers-ca-file") / "ca.pem", markers)
    b.render_chart("cert-markers-ca-file", b.base_chart)
    b.cases[-1] = Case(b.cases[-1].id, b.cls, b.cases[-1].cwd, b.cases[-1].argv + ("--registry-ca-file", str(ca)),
                       env=PASSWORD_ENV, expect="error")
    ok_ca = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n"
    b.manifests("cert-markers-after-one", cm.replace("ca.crt: |\n", "ca.crt: |\n" + "".join(
        "    " + line + "\n" for line in ok_ca.splitlines())) + dv, "--pull-secret", "s")
    subcharts = b.folder("9000-subcharts") / "c"
    _chart(subcharts)
    for i in range(9000):
        _write(subcharts / "charts" / f"s{i}" / "Chart.yaml", f"apiVersion: v2\nname: s{i}\nversion: 0.1.0\n")
    b.add("9000-subcharts", ["merge", str(subcharts)])
    many_docs = "---\n".join(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s{i}\n" for i in range(20000))
    b.manifests("20000-objects", many_docs)
    # Unquoted placeholders are read in one parse however many there are (never one reparse per token).
    unquoted = ("".join(f"k{i}: %OrgName%\n" for i in range(20000))
                + "l: [" + ", ".join(["%ProjectName%"] * 20000) + "]\n")
    b.render_chart("unquoted-placeholders", b.base_chart,
                   _write(b.folder("unquoted-placeholders") / "profile.yaml", unquoted))


def _zeros_member_tgz(name: str, size: int, type_: bytes = tarfile.REGTYPE) -> bytes:
    """A .tgz whose member ``name`` claims ``size`` bytes of zeros: concatenated gzip members, few MB on disk."""
    chart = b"apiVersion: v2\nname: c\nversion: 0.1.0\n"
    info = tarfile.TarInfo("c/Chart.yaml")
    info.size = len(chart)
    big = tarfile.TarInfo(name)
    big.size = size
    big.type = type_
    padding = b"\0" * (-len(chart) % 512)
    header = info.tobuf(tarfile.GNU_FORMAT) + chart + padding + big.tobuf(tarfile.GNU_FORMAT)
    # After the header everything is zeros: the member's data, its padding and the end-of-archive blocks.
    chunk = 64 * 1024 * 1024
    member = gzip.compress(b"\0" * chunk, compresslevel=9)
    return gzip.compress(header) + member * ((size + 2 * 512) // chunk + 1)


def _archive(b: _Builder) -> None:
    # Fan-out: each level holds ten copies of the level below (10^6 charts at the bottom).
    level = tgz([("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n")])
    for depth in range(6):
        level = tgz([("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n")]
                     + [(f"c/charts/s{i}.tgz", level) for i in range(10)])
    b.add("fan-out", ["merge", str(_write(b.folder("fan-out") / "c.tgz", level))])
    b.add("zeros-4gib", ["merge", str(_write(b.folder("zeros-4gib") / "c.tgz",
                                             _zeros_member_tgz("c/templates/zero.yaml", 4 * 2**30)))])
    b.add("zeros-values", ["merge", str(_write(b.folder("zeros-values") / "c.tgz",
                                               _zeros_member_tgz("c/values.yaml", 2**30)))])
    chart_yaml = b"apiVersion: v2\nname: c\nversion: 0.1.0\n"
    specials: Dict[str, tarfile.TarInfo] = {}
    for kind, ttype in (("symlink", tarfile.SYMTYPE), ("hardlink", tarfile.LNKTYPE), ("fifo", tarfile.FIFOTYPE),
                        ("chardev", tarfile.CHRTYPE), ("dir-values", tarfile.DIRTYPE)):
        info = tarfile.TarInfo("c/values.yaml")
        info.type = ttype
        info.linkname = "/etc/passwd" if ttype in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
        if ttype == tarfile.CHRTYPE:
            info.devmajor, info.devminor = 1, 5  # /dev/zero
        specials[kind] = info
    for kind, info in specials.items():
        b.add(f"member-{kind}", ["merge", str(_write(b.folder(f"member-{kind}") / "c.tgz",
                                                     tgz([("c/Chart.yaml", chart_yaml), ("c/values.yaml", info)])))])
    for name, member in (("absolute", "/c/values.yaml"), ("dotdot", "c/../../values.yaml"), ("dot", "./c/values.yaml"),
                         ("backslash", "c\\values.yaml"), ("nul-name", "c/val\0ues.yaml")):
        try:
            data = tgz([("c/Chart.yaml", chart_yaml), (member, b"a: 1\n")])
        except ValueError:
            continue
        b.add(f"path-{name}", ["merge", str(_write(b.folder(f"path-{name}") / "c.tgz", data))])
    b.add("not-gzip", ["merge", str(_write(b.folder("not-gzip") / "c.tgz", b"\x1f\x8b" + os.urandom(2000)))])
    b.add("truncated", ["merge", str(_write(b.folder("truncated") / "c.tgz", level[: len(level) // 2]))])
    b.add("empty-tgz", ["merge", str(_write(b.folder("empty-tgz") / "c.tgz", b""))])
    many = tgz([("c/Chart.yaml", chart_yaml)] + [(f"c/templates/f{i}.yaml", b"x") for i in range(60000)])
    b.add("60000-members", ["merge", str(_write(b.folder("60000-members") / "c.tgz", many))])
    # Fan-out where no two archives are alike (nothing to share): 11,110 charts, refused at the chart limit.
    b.add("fan-out-distinct", ["merge", str(_write(b.folder("fan-out-distinct") / "c.tgz", _distinct_fan_out(4, 10)))])
    # A chart directory whose charts/ holds the fan-out archive.
    fan_dir = _chart(b.folder("fan-out-in-dir") / "c")
    _write(fan_dir / "charts" / "s.tgz", level)
    b.add("fan-out-in-dir", ["merge", str(fan_dir)])
    # Chains deeper than any chart nests.
    chain = tgz([("c/Chart.yaml", chart_yaml)])
    for _ in range(40):
        chain = tgz([("c/Chart.yaml", chart_yaml), ("c/charts/s.tgz", chain)])
    b.add("nested-40", ["merge", str(_write(b.folder("nested-40") / "c.tgz", chain))])
    # Special tar headers claiming gigabytes (tarfile would read them into memory whole), and a sparse member.
    for kind, ttype in (("pax-2gib", tarfile.XHDTYPE), ("longname-2gib", tarfile.GNUTYPE_LONGNAME),
                        ("longlink-2gib", tarfile.GNUTYPE_LONGLINK)):
        b.add(kind, ["merge", str(_write(b.folder(kind) / "c.tgz", _zeros_member_tgz("c/x", 2**31, ttype)))])
    sparse = tarfile.TarInfo("c/values.yaml")
    sparse.type = tarfile.GNUTYPE_SPARSE
    b.add("member-sparse", ["merge", str(_write(b.folder("member-sparse") / "c.tgz",
                                                tgz([("c/Chart.yaml", chart_yaml), ("c/values.yaml", sparse)])))])
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w") as tar:
        info = tarfile.TarInfo("c/Chart.yaml")
        info.size = len(chart_yaml)
        tar.addfile(info, io.BytesIO(chart_yaml))
    b.add("plain-tar", ["merge", str(_write(b.folder("plain-tar") / "c.tgz", plain.getvalue()))])
    # Legal and large: 9,000 subcharts as archives (what `helm dependency build` leaves under charts/).
    umbrella = _chart(b.folder("9000-subchart-archives") / "c")
    for i in range(9000):
        _write(umbrella / "charts" / f"s{i}-0.1.0.tgz",
               tgz([(f"s{i}/Chart.yaml", f"apiVersion: v2\nname: s{i}\nversion: 0.1.0\n".encode()),
                     (f"s{i}/values.yaml", b"a: 1\n")]))
    b.add("9000-subchart-archives", ["merge", str(umbrella)])


def _distinct_fan_out(levels: int, width: int) -> bytes:
    """Nested chart archives, ``width`` per chart and ``levels`` deep, every one different from every other."""
    counter = [0]

    def chart(depth: int) -> bytes:
        counter[0] += 1
        members: List[Tuple[str, Union[bytes, tarfile.TarInfo]]] = [
            ("c/Chart.yaml", f"apiVersion: v2\nname: c{counter[0]}\nversion: 0.1.0\n".encode())]
        if depth < levels:
            members += [(f"c/charts/s{i}.tgz", chart(depth + 1)) for i in range(width)]
        return tgz(members)

    return chart(0)


def _special_file(b: _Builder) -> None:
    fifo_dir = b.folder("fifos")
    fifo = fifo_dir / "fifo.yaml"
    if not fifo.exists():
        os.mkfifo(fifo)
    link_zero = fifo_dir / "zero.yaml"
    if not link_zero.is_symlink():
        os.symlink("/dev/zero", link_zero)
    directory = fifo_dir / "dir.yaml"
    directory.mkdir(exist_ok=True)
    for label, path in (("dev-zero", "/dev/zero"), ("fifo", str(fifo)), ("symlink-zero", str(link_zero)),
                        ("directory", str(directory)), ("dev-urandom", "/dev/urandom")):
        b.add(f"values-{label}", ["merge", str(b.base_chart), "-f", path], expect="error")
        b.add(f"chart-{label}", ["merge", path], expect="error")
        b.add(f"profile-{label}", _render_argv(b.base_chart, Path(path)), env=PASSWORD_ENV, expect="error")
        b.add(f"password-file-{label}", _render_argv(b.base_chart, b.profile, "--registry-password-file", path),
              expect="error")
        b.add(f"ca-file-{label}", _render_argv(b.base_chart, b.profile, "--registry-ca-file", path),
              env=PASSWORD_ENV, expect="error")
        b.add(f"manifests-{label}", ["check-manifests", path], expect="error")
        b.add(f"render-json-{label}", ["check-manifests", str(b.empty), "--render-json", path], expect="error")
        b.add(f"lint-{label}", ["lint", path], expect="clean" if label == "directory" else "error")
    for label, target in (("chart-values-zero", "/dev/zero"), ("chart-values-fifo", str(fifo))):
        chart = _chart(b.folder(label) / "c")
        (chart / "values.yaml").unlink()
        os.symlink(target, chart / "values.yaml")
        b.add(label, ["merge", str(chart)], expect="error")
    for label, special in (("helmignore-fifo", ".helmignore"), ("template-fifo", "templates/pipe.yaml")):
        chart = _chart(b.folder(label) / "c")
        os.mkfifo(chart / special)
        b.add(label, ["merge", str(chart)], expect="error")
    sock_path = fifo_dir / "socket.yaml"
    if not sock_path.exists():
        import socket

        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(sock_path))
    b.add("values-socket", ["merge", str(b.base_chart), "-f", str(sock_path)], expect="error")
    b.add("stdin-zero-values", ["merge", str(b.base_chart), "-f", "-"], stdin=Path("/dev/zero"), expect="error")
    b.add("stdin-zero-manifests", ["check-manifests", "-"], stdin=Path("/dev/zero"), expect="error")
    pkg = b.package_copy("registry-file-fifo")
    b.add("registry-file-fifo", b.package_argv(pkg, "lint") + ["--registry", str(fifo)], expect="error")
    for label, target in (("values-file-name-zero", "/dev/zero"), ("values-file-name-fifo", str(fifo))):
        pkg = b.package_copy(label)
        (pkg / "web-app-values.yaml").unlink()
        os.symlink(target, pkg / "web-app-values.yaml")
        b.add(label, b.package_argv(pkg), expect="error")
        b.add(label + "-lint", b.package_argv(pkg, "lint"), expect="error")


def _amplification(b: _Builder) -> None:
    args: List[str] = []
    for i in range(2000):
        args += ["--set", f"k{i}[65535]=1"]
    b.add("set-list-growth", ["merge", str(b.base_chart), *args])
    b.add("set-one-list-many", ["merge", str(b.base_chart),
                                "--set", ",".join(f"k[{65535 - i}]={i}" for i in range(3000))])
    b.add("set-string-growth", ["merge", str(b.base_chart), *[a.replace("--set", "--set-string") for a in args]])
    lines = ["a0: &a0 [" + ",".join(["'xxxxxxxxxxxxxxxx'"] * 10) + "]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    bomb = "\n".join(lines) + "\n"
    b.merge("alias-bomb-values", bomb)
    b.manifests("alias-bomb-manifest", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
                + "".join("  " + line + "\n" for line in lines))
    b.catalog("alias-bomb-catalog", "specSchema: Application\n" + bomb)
    wide = "a0: &a0 " + "x" * 60000 + "\n" + "".join(f"k{i}: *a0\n" for i in range(20000))
    b.merge("alias-wide-strings", wide)
    pkg = b.package_copy("parameter-template-index")
    app = pkg / "web-app-app.yaml"
    app.write_text(app.read_text() + "    parameterTemplates:\n      - name: \"a[99999999]\"\n"
                   "        displayName: a\n        type: string\n        default: x\n")
    b.add("parameter-template-index", b.package_argv(pkg))
    b.add("parameter-template-index-set", b.package_argv(pkg) + ["--set", "web-app:a[99999999]=1"])
    b.add("set-huge-value", ["merge", str(b.base_chart), "--set", "a=" + "x" * 3_000_000])
    b.add("set-many-commas", ["merge", str(b.base_chart), "--set", ",".join(f"k{i}=1" for i in range(200000))])
    b.merge("many-documents", "---\n".join(f"k{i}: 1\n" for i in range(100000)))
    # Found beyond the list: a list grown item by item (each growth copied the list: quadratic),
    # growing a list a values file gave, shared subtrees handed over through the API.
    b.add("set-ascending-one-arg", ["merge", str(b.base_chart),
                                    "--set", ",".join(f"k[{i}]={i}" for i in range(65537))])
    b.add("set-ascending-args", ["merge", str(b.base_chart), *[a for i in range(3000)
                                                                for a in ("--set", f"k[{i}]={i}")]])
    listed = _write(b.folder("set-grows-file-list") / "values.yaml", "l:\n" + "  - x\n" * 60000)
    b.add("set-grows-file-list", ["merge", str(b.base_chart), "-f", str(listed),
                                  *[a for i in range(2000) for a in ("--set", f"l[{60000 + i}]=y")]])
    b.add("api-shared-subtrees", api="api_shared_subtrees")
    b.add("api-memory-package-huge-text", api="api_memory_package_huge_text")
    b.add("api-memory-package-huge-bytes", api="api_memory_package_huge_bytes", expect="error")
    b.merge("alias-nested-strings", "a: &a " + "x" * 1000 + "\nb: &b [" + ", ".join(["*a"] * 100) + "]\n"
            + "".join(f"c{i}: *b\n" for i in range(1000)))


def _recursion(b: _Builder) -> None:
    b.add("api-memory-package-cyclic-document", api="api_memory_package_cyclic_document")
    cycle = {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}
    chain = {"$defs": {f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(5000)}, "$ref": "#/$defs/d0"}
    chain["$defs"]["d5000"] = {"type": "object"}
    self_ref = {"properties": {"a": {"$ref": "#"}}}
    deep_props = '{"properties": {"a": ' * 3000 + '{"type": "string"}' + "}}" * 3000
    deep_all = "{" + '"allOf": [{' * 3000 + "}]" * 3000 + "}"
    deep_array = "[" * 100000 + "]" * 100000
    for name, schema in (("ref-cycle", json.dumps(cycle)), ("ref-chain-5000", json.dumps(chain)),
                         ("ref-self", json.dumps(self_ref)), ("deep-properties", deep_props),
                         ("deep-allof", deep_all), ("deep-json-array", deep_array)):
        b.render_chart(name, _chart(b.folder(name) / "c", values="a:\n  a:\n    a: x\n", schema=schema))
    b.add("set-deep-index", ["merge", str(b.base_chart), "--set", "a" + "[0]" * 40000 + "=1"])
    b.add("set-deep-dots", ["merge", str(b.base_chart), "--set", ".".join(["a"] * 40000) + "=1"])
    b.add("set-deep-mixed", ["merge", str(b.base_chart), "--set", "a" + "[0].b" * 20000 + "=1"])
    b.add("set-deep-json-like", ["merge", str(b.base_chart), "--set", "a={" + "{" * 40000 + "}"])
    for name, text in (("flow-list", "a: " + "[" * 50000), ("flow-map", "a: " + "{a: " * 50000),
                       ("flow-closed", "a: " + "[" * 20000 + "]" * 20000),
                       ("block", "".join(" " * i + "a:\n" for i in range(5000)) + " " * 5000 + "a: 1\n"),
                       ("block-list", "".join(" " * i + "- \n" for i in range(3000))),
                       ("anchors-deep", "a: &x " + "[" * 5000 + "]" * 5000 + "\nb: *x\n")):
        b.merge(f"values-{name}", text + "\n")
        b.manifests(f"manifest-{name}", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  " + text + "\n")
        b.catalog(f"catalog-{name}", "specSchema: Application\n" + text + "\n")
        b.render_chart(f"chart-yaml-{name}", _chart(b.folder(f"chart-yaml-{name}") / "c",
                                                    chart_yaml="apiVersion: v2\nname: c\nversion: 0.1.0\n" + text))
    render_json = _write(b.folder("render-json-deep") / "r.json", '{"values": ' + "[" * 100000 + "]" * 100000 + "}")
    b.add("render-json-deep", ["check-manifests", str(b.empty), "--render-json", str(render_json)])
    b.add("explain-deep-path", ["merge", str(b.base_chart), "--explain", ".".join(["a"] * 50000)])
    b.add("explain-deep-index", ["merge", str(b.base_chart), "--explain", "a" + "[0]" * 50000])
    b.add("api-deep-dict", api="api_deep_dict")
    b.add("api-set-deep", api="api_set_deep")
    # Found beyond the list: a dict that contains itself, a caller-built chart, deep output.
    b.add("api-cyclic-dict", api="api_cyclic_dict")
    b.add("api-deep-chart", api="api_deep_chart")
    b.add("api-deep-set-merge", api="api_deep_set_merge")
    b.add("api-render-deep-layer", api="api_render_deep_layer")
    b.add("set-deep-list-literal", ["merge", str(b.base_chart), "--set", "a" + "[0]" * 5000 + "={x,y}"])
    b.add("set-string-deep", ["merge", str(b.base_chart), "--set-string", "a" + "[0]" * 40000 + "=1"])


def _encoding(b: _Builder) -> None:
    bad = "\udcff\udcfe"  # what Python makes of undecodable argv bytes
    for label, argv in (
        ("argv-chart", ["merge", str(b.base_chart) + bad]),
        ("argv-set", ["merge", str(b.base_chart), "--set", f"a{bad}=b{bad}"]),
        ("argv-explain", ["merge", str(b.base_chart), "--explain", f"a{bad}"]),
        ("argv-app-name", list(_render_argv(b.base_chart, b.profile))[:5] + [f"app{bad}"]
         + list(_render_argv(b.base_chart, b.profile))[6:]),
        ("argv-namespace", [a if a != "apps" else f"apps{bad}" for a in _render_argv(b.base_chart, b.profile)]),
        ("argv-org", [a if a != "acme" else f"acme{bad}" for a in _render_argv(b.base_chart, b.profile)]),
        ("argv-username", [a if a != "robot" else f"robot{bad}" for a in _render_argv(b.base_chart, b.profile)]),
        ("argv-registry-url", [a if not a.startswith("oci://") else f"oci://reg{bad}.example.com/x"
                               for a in _render_argv(b.base_chart, b.profile)]),
        ("argv-private-registry", ["check-manifests", str(b.empty), "--private-registry", f"reg{bad}"]),
        ("argv-pull-secret", ["check-manifests", str(b.empty), "--pull-secret", f"s{bad}"]),
        ("argv-lint", ["lint", str(b.package) + bad]),
        ("argv-chart-map", b.package_argv(b.package)[:3] + [f"web{bad}=x"]),
    ):
        b.add(label, argv, env=PASSWORD_ENV)
    b.add("password-env-invalid-utf8", _render_argv(b.base_chart, b.profile),
          env={"PROFILE_RENDER_REGISTRY_PASSWORD": b"\xff\xfe" + CANARY.encode()})
    pw = _write(b.folder("password-file-cesu") / "pw", b"\xed\xa0\x80" + CANARY.encode() + b"\n")
    b.add("password-file-cesu", _render_argv(b.base_chart, b.profile, "--registry-password-file", str(pw)))
    pw2 = _write(b.folder("password-file-nul") / "pw", CANARY.encode() + b"\0\n")
    b.add("password-file-nul", _render_argv(b.base_chart, b.profile, "--registry-password-file", str(pw2)))
    b.add("api-password-surrogate", api="api_password_surrogate")
    for label, data in (("quote-control", b'apiVersion: v2\nname: "\\\'\x01"\nversion: 0.1.0\n'),
                        ("nul", b"apiVersion: v2\nname: c\x00\nversion: 0.1.0\n"),
                        ("invalid-utf8", b"apiVersion: v2\nname: \xff\xfe\nversion: 0.1.0\n"),
                        ("utf16", "apiVersion: v2\nname: c\nversion: 0.1.0\n".encode("utf-16")),
                        ("escape-surrogate", b'apiVersion: v2\nname: "\\ud800"\nversion: 0.1.0\n'),
                        ("c1-control", "apiVersion: v2\nname: \x85\x9f\nversion: 0.1.0\n".encode())):
        b.render_chart(f"chart-yaml-{label}", _chart(b.folder(f"chart-yaml-{label}") / "c", chart_yaml=data))
    for label, data in (("nul", b"a: b\x00c\n"), ("invalid-utf8", b"a: \xff\xfe\xfd\n"), ("bom-utf16",
                        "a: b\n".encode("utf-16")), ("bom-utf32", b"\xff\xfe\x00\x00a\x00\x00\x00"),
                        ("utf16-no-bom", "a: b\n".encode("utf-16-le")), ("escape-surrogate", b'a: "\\ud800"\n'),
                        ("escape-big", b'a: "\\U0011ffff"\n'), ("control", b"a: \x1b[31m\x07\n"),
                        ("bidi", "a: \u202ex\u202c\n".encode()), ("cr-only", b"a: 1\rb: 2\r")):
        b.merge(f"values-{label}", data)
        b.manifests(f"manifest-{label}", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  " + data)
        b.catalog(f"catalog-{label}", b"specSchema: Application\n" + data)
    # Private-use characters (the unquoted-placeholder reader's markers) beside unquoted placeholders.
    private = "".join(chr(c) for c in range(0xE000, 0xE040))
    for label, data in (("private-use", f"{private}: %OrgName%{private}\nl: [%ProjectName%, '{private}']\n"),
                        ("private-use-error", f"a: &{private}%OrgName% 1\nb: %OrgName%: {private}\n")):
        b.render_chart(f"profile-{label}", b.base_chart, _write(b.folder(f"profile-{label}") / "p.yaml", data),
                       expect="error" if label.endswith("error") else "clean")
    for label, data in (("invalid-utf8", b'{"type": "\xff"}'), ("surrogate", b'{"type": "\\ud800"}'),
                        ("bom", b'\xef\xbb\xbf{"type": "object"}'), ("nul", b'{"type": "obj\x00ect"}')):
        b.render_chart(f"schema-{label}", _chart(b.folder(f"schema-{label}") / "c", schema=data))


def _check_manifests(b: _Builder) -> None:
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: "
    for tag in ("!!bool abc", "!!int abc", "!!float abc", "!!null abc", "!!binary '###'", "!!timestamp abc",
                "!!map [1]", "!!seq {a: 1}", "!!str [a]", "!!set {a}", "!!omap [a]", "!!python/object:os.system x",
                "!!int 0x", "!!float .", "!!bool", "!<tag:yaml.org,2002:int> x", "!!merge x", "!!value x"):
        b.manifests(f"tag-{tag[2:].split()[0].replace('/', '-').replace(':', '-')}-{len(tag)}", head + tag + "\n")
        b.merge(f"tag-values-{tag[2:].split()[0].replace('/', '-').replace(':', '-')}-{len(tag)}", "k: " + tag + "\n")
    for host in ("[::1", "[", "]", ":", "::::", "a b", "", "[::1]:99999", "host:-1", "x" * 5000, "%00", "[fe80::1%25]",
                 "h:" + "9" * 5000, "[" * 5000, "oci://" + "a." * 3000 + "b/x"):
        b.add(f"private-registry-{len(host)}-{abs(hash(host)) % 997}", ["check-manifests", str(b.empty),
                                                                         "--private-registry", host])
    pod = _write(b.folder("shapes") / "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
                 "  containers:\n  - name: c\n    image: registry.example.com/x\n")
    for i, shape in enumerate(('[]', '"s"', "1", "null", "true", '{"applications": 1}', '{"applications": [1]}',
                               '{"applications": {"a": 1}}', '{"secret_name": []}', '{"secret_name": {}}',
                               '{"values": "x"}', '{"manifests": [1]}', '{"manifests": {"a": 1}}',
                               '{"manifests": [{"kind": []}]}', '{"registry": 5}', '{"registry": {"host": []}}',
                               "{", "NaN", '{"a": NaN}', '{"a": Infinity}', '{"a": 1e400}', '{"a": "\\ud800"}',
                               '{"a": 1, "a": 2}', "\xff", '{"pre_install_manifests": "x"}',
                               '{"manifests": [{"metadata": {"namespace": []}}], "secretName": "s"}',
                               '{"secretName": ["s"], "manifests": []}', '{"manifests": [{"metadata": 5}]}',
                               '{"manifests": [{"kind": "Secret", "type": 5, "data": []}]}',
                               '{"applications": {"a": {"values": ' + "[" * 5000 + "]" * 5000 + '}}}',
                               '[{"values": {}}, 5]', '{"values": {"image": "' + "a/" * 200000 + '"}}')):
        path = _write(b.folder(f"render-json-{i}") / "r.json", shape)
        b.add(f"render-json-{i}", ["check-manifests", str(pod), "--render-json", str(path)])
    for name, text in (("list-doc", "- a\n- b\n"), ("scalar-doc", "just text\n"), ("kind-list", "kind: [a]\n"),
                       ("metadata-list", "apiVersion: v1\nkind: Pod\nmetadata: [1]\n"),
                       ("containers-map", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: 5\n"),
                       ("image-int", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
                                     "  - image: 5\n    imagePullSecrets: 7\n"),
                       ("secret-data-int", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  x: 5\n"
                                           "  .dockerconfigjson: '!!!'\n"),
                       ("dockerconfig-bad", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: "
                                            "kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: e30=\n"),
                       ("dv-url-int", "apiVersion: cdi.kubevirt.io/v1beta1\nkind: DataVolume\nmetadata:\n  name: d\n"
                                      "spec:\n  source:\n    registry:\n      url: 5\n      certConfigMap: [1]\n")):
        b.manifests(name, text)


def _secrets(b: _Builder) -> None:
    base = list(_render_argv(b.base_chart, b.profile))
    for label, extra in (("abbrev-password", ["--registry-password", CANARY]),
                         ("abbrev-password-eq", [f"--registry-password={CANARY}"]),
                         ("abbrev-passw", ["--registry-passw", CANARY]),
                         ("unknown-password", ["--password", CANARY]),
                         ("unknown-password-eq", [f"--password={CANARY}"]),
                         ("unknown-token", ["--token", CANARY]),
                         ("positional", [CANARY]),
                         ("attached-short", [f"-p{CANARY}"]),
                         ("abbrev-password-file", ["--registry-password-fil", CANARY]),
                         ("password-file-is-password", ["--registry-password-file", CANARY]),
                         ("password-file-is-password-eq", [f"--registry-password-file={CANARY}"]),
                         ("double-dash-positional", ["--", CANARY])):
        b.add(label, base + extra, expect="error", forbidden=(CANARY,))
    leak = _write(b.folder("manifest-url-userinfo") / "m.yaml",
                  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: 'x%OrgNme%"
                  f"{CANARY}'\n---\napiVersion: cdi.kubevirt.io/v1beta1\nkind: DataVolume\nmetadata:\n  name: d\n"
                  f"spec:\n  source:\n    registry:\n      url: https://robot:{CANARY}@registry.example.com/x\n"
                  "      secretRef: s\n")
    for fmt in ("text", "json", "sarif"):
        b.add(f"manifest-url-userinfo-{fmt}", ["check-manifests", str(leak), "--format", fmt], forbidden=(CANARY,))
    b.add("private-registry-userinfo", ["check-manifests", str(b.empty), "--private-registry",
                                        f"robot:{CANARY}@registry.example.com"], expect="error", forbidden=(CANARY,))
    b.add("password-env-lone-surrogate-argv", base + [f"--registry-username=robot\udcff"], env=PASSWORD_ENV,
          expect="error", forbidden=(CANARY,))
    b.add("url-userinfo", [a if not a.startswith("oci://") else f"oci://robot:{CANARY}@registry.example.com/x"
                           for a in base], env=PASSWORD_ENV, forbidden=(CANARY,))
    b.add("bad-username-colon", [a if a != "robot" else "ro:bot" for a in base], env=PASSWORD_ENV)
    b.add("bad-username-newline", [a if a != "robot" else "ro\nbot" for a in base], env=PASSWORD_ENV)
    b.add("password-no-username", [a for a in base if a not in ("--registry-username", "robot")], env=PASSWORD_ENV)
    pw = _write(b.folder("password-newlines") / "pw", CANARY + "\n\n\nextra\n")
    b.add("password-newlines", base + ["--registry-password-file", str(pw)])
    b.add("explain-secret", base + ["--explain", "imagePullSecrets[0].name"], env=PASSWORD_ENV)
    b.add("output-json", base + ["-o", "json"], env=PASSWORD_ENV)
    b.add("api-password-surrogate-repr", api="api_password_surrogate")
    b.add("api-registry-repr", api="api_registry_repr")
    b.add("api-registry-username-surrogate", api="api_registry_username_surrogate")
    b.add("api-check-manifests-render-shapes", api="api_check_manifests_render_shapes")
    pkg = b.package_copy("catalog-token-lint")
    reg = pkg / "registries.yaml"
    reg.write_text(reg.read_text().replace("EXAMPLE-not-a-real-token-0000", CANARY).replace(
        "type: IMAGE", "type: [IMAGE]"))
    b.add("catalog-token-lint", b.package_argv(pkg, "lint"), forbidden=(CANARY,))
    b.add("catalog-token-render", b.package_argv(pkg), forbidden=(CANARY,))
    b.add("catalog-token-lint-json", b.package_argv(pkg, "lint") + ["--format", "json"], forbidden=(CANARY,))


def _escape(b: _Builder) -> None:
    outside = _write(b.work / "escape" / "outside" / "secret.yaml", f"stolen: {CANARY_OUT}\n")
    for label, target in (("dotdot", "../outside/secret.yaml"), ("dotdot-deep", "../../escape/outside/secret.yaml"),
                          ("absolute", str(outside)), ("proc-environ", "/proc/self/environ"),
                          ("etc-passwd", "/etc/passwd"), ("dev-zero", "/dev/zero")):
        pkg = b.package_copy(label)
        app = pkg / "web-app-app.yaml"
        app.write_text(app.read_text().replace('valuesFileName: "web-app-values.yaml"', f'valuesFileName: "{target}"'))
        b.add(label, b.package_argv(pkg), expect="error", forbidden=(CANARY_OUT, "root:x:0"))
        b.add(label + "-lint", b.package_argv(pkg, "lint"), expect="error", forbidden=(CANARY_OUT, "root:x:0"))
    for label, target in (("symlink-outside", str(outside)), ("symlink-loop", "loop.yaml")):
        pkg = b.package_copy(label)
        (pkg / "web-app-values.yaml").unlink()
        if label == "symlink-loop":
            os.symlink("web-app-values.yaml", pkg / "loop.yaml")
        os.symlink(target, pkg / "web-app-values.yaml")
        b.add(label, b.package_argv(pkg), expect="error", forbidden=(CANARY_OUT,))
        b.add(label + "-lint", b.package_argv(pkg, "lint"), expect="error", forbidden=(CANARY_OUT,))
    pkg = b.package_copy("symlinked-catalog-file")
    os.symlink(outside, pkg / "zz-outside.yaml")
    b.add("symlinked-catalog-file", b.package_argv(pkg, "lint"), forbidden=(CANARY_OUT,))
    # valuesFileName through a linked directory; a registry file linked in from outside (someone else's token).
    pkg = b.package_copy("symlinked-dir")
    os.symlink(outside.parent, pkg / "shared")
    app = pkg / "web-app-app.yaml"
    app.write_text(app.read_text().replace('valuesFileName: "web-app-values.yaml"', 'valuesFileName: "shared/secret.yaml"'))
    b.add("symlinked-dir", b.package_argv(pkg), expect="error", forbidden=(CANARY_OUT,))
    b.add("symlinked-dir-lint", b.package_argv(pkg, "lint"), expect="error", forbidden=(CANARY_OUT,))
    registries = _write(b.work / "escape" / "outside" / "registries.yaml",
                        (EXAMPLES / "edge-package" / "registries.yaml").read_text().replace(
                            "EXAMPLE-not-a-real-token-0000", CANARY_OUT))
    pkg = b.package_copy("registry-outside")
    (pkg / "registries.yaml").unlink()
    os.symlink(registries, pkg / "registries.yaml")
    b.add("registry-outside", b.package_argv(pkg), expect="error", forbidden=(CANARY_OUT,))
    pkg = b.package_copy("nul-in-name")
    app = pkg / "web-app-app.yaml"
    app.write_text(app.read_text().replace('valuesFileName: "web-app-values.yaml"',
                                           'valuesFileName: "web-app-values.yaml\\0../../x"'))
    b.add("nul-in-name", b.package_argv(pkg), expect="error")
    b.add("nul-in-name-lint", b.package_argv(pkg, "lint"), expect="error")
    # The same escapes from an in-memory package: refused by name, and nothing on disk is ever read.
    _write(b.folder("api-memory-package-names") / "web-app-values.yaml", f"stolen: {CANARY_OUT}\n")
    _write(b.work / "escape" / "outside" / "memory.yaml", f"stolen: {CANARY_OUT}\n")
    b.add("api-memory-package-names", api="api_memory_package_names", forbidden=(CANARY_OUT,))


def _slow_legal(b: _Builder) -> None:
    b.add("api-memory-package-100k-entries", api="api_memory_package_many_entries")
    # A redefined anchor sends a file down the pure-Python composer; make it 3.5 MB.
    body = "".join(f"k{i}: &a v{i}\n" for i in range(170000))
    b.merge("pure-python-3.5mb", body)
    b.merge("250k-keys", "".join(f"k{i}: {i}\n" for i in range(250000)))
    # Just under the default 4,000,000-byte limit (280,000 keys would be refused for size before origin() runs).
    _write(b.folder("origin-4mb") / "values.yaml", "".join(f"k{i}:\n  v: {i}\n" for i in range(195000)))
    b.add("origin-4mb", api="api_origin_big")
    b.add("explain-4mb", ["merge", str(b.base_chart), "-f", str(b.folder("origin-4mb") / "values.yaml"),
                          "--explain", "k194999.v"])
    b.merge("long-line", "a: " + "x" * 3_500_000 + "\n")
    b.merge("long-key", "x" * 1_000_000 + ": 1\n")
    b.merge("many-small-lists", "".join(f"l{i}: [1, 2, 3]\n" for i in range(120000)))
    # Texts that used to go to the pure-Python parser whole (2 s a megabyte): an escape libyaml reads
    # unlike go-yaml, one line indented deep, flow nesting past half the limit, a byte order mark; and
    # the errors found at the end of a large text.
    big = "".join(f"k{i}: v{i}\n" for i in range(240000))
    for name, tail in (("escape-3.8mb", 'z: "it\\\'s"\n'), ("slash-3.8mb", 'z: "a\\/b"\n'),
                       ("indent-3.8mb", "z: |\n" + " " * 130 + "x\n"),
                       ("brackets-3.8mb", "z: " + "[" * 150 + "]" * 150 + "\n"),
                       ("deep-tail-3.8mb", "z: " + "[" * 3000 + "\n"), ("bom-3.8mb", "\ufeffz: 1\n"),
                       ("block-deep-tail-3.8mb", "".join(" " * i + "a:\n" for i in range(300))),
                       ("nan-at-end-3.8mb", "z: .nan\n"), ("syntax-at-end-3.8mb", "z: [\n"),
                       ("duplicates-3.8mb", "".join(f"k{i}: w\n" for i in range(0, 240000, 1000)))):
        b.merge(name, big + tail)
    b.merge("anchors-3.8mb", "base: &b {x: 1}\n" + big + "z: *b\n")
    b.merge("pieces-3.5mb", "---\n".join(f"k{i}: {i}\n" for i in range(240000)))
    b.add("explain-anchors-3.8mb", ["merge", str(b.base_chart), "-f", str(b.folder("anchors-3.8mb") / "values.yaml"),
                                    "--explain", "k239999"])


def _malformed(b: _Builder) -> None:
    sample = (EXAMPLES / "edge-package" / "web-app-values.yaml").read_text()
    manifest = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
                "      imagePullSecrets:\n        - name: s\n      containers:\n        - name: c\n"
                "          image: registry.example.com/x:1\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n")
    catalog = (EXAMPLES / "edge-package" / "web-app-app.yaml").read_text()
    for kind, text in (("values", sample), ("manifest", manifest), ("catalog", catalog)):
        step = max(1, len(text) // 25)
        for cut in range(step, len(text), step):
            piece = text[:cut] + ("\n\t: [\n" if cut % 2 else "")
            if kind == "values":
                b.merge(f"values-{cut}", piece)
            elif kind == "manifest":
                b.manifests(f"manifest-{cut}", piece)
            else:
                b.catalog(f"catalog-{cut}", piece)


GENERATORS: Dict[str, Callable[[_Builder], None]] = {
    "bigint": _bigint, "regex": _regex, "helmignore": _helmignore, "quadratic": _quadratic, "archive": _archive,
    "special-file": _special_file, "amplification": _amplification, "recursion": _recursion,
    "encoding": _encoding, "check-manifests": _check_manifests, "secrets": _secrets, "escape": _escape,
    "slow-legal": _slow_legal, "malformed": _malformed,
}


def build(work: Path, classes: Optional[Sequence[str]] = None) -> List[Case]:
    """Write every case's inputs under ``work`` and return the cases."""
    builder = _Builder(work)
    for name, generate in GENERATORS.items():
        if classes and name not in classes:
            continue
        builder.cls = name
        generate(builder)
        schema_cases.extend(builder, name)
    return builder.cases


# -- API scenarios ------------------------------------------------------------------------------------


def api_deep_dict(folder: Path) -> None:
    from profile_render import merge_values
    from profile_render.values import Layer

    tree: Any = "leaf"
    for _ in range(50000):
        tree = {"a": tree}
    merge_values(ROOT / "examples" / "hello-chart", [Layer(tree, "<memory>", "values file")])


def api_set_deep(folder: Path) -> None:
    from profile_render import apply_set

    apply_set("a" + "[0]" * 40000 + "=1", {})


def _context_and_registry(password: str) -> Tuple[Any, Any]:
    from profile_render import DeploymentContext, ImageRegistry, Secret

    context = DeploymentContext(app_name="app", app_version="1.0.0", deployment_name="deployment-abc12",
                                namespace="apps", org="acme", project="edge")
    registry = ImageRegistry(name="harbor-docker-oci", root_url="oci://registry.example.com/x",
                             username="robot", password=Secret(password))
    return context, registry


def api_password_surrogate(folder: Path) -> None:
    from profile_render import render

    context, registry = _context_and_registry("\ud800" + CANARY)
    result = render(ROOT / "examples" / "hello-chart", ROOT / "examples" / "profile-values.yaml",
                    context=context, registry=registry)
    print(repr(result))
    print(result.to_yaml(masked=True))


def api_registry_repr(folder: Path) -> None:
    context, registry = _context_and_registry(CANARY)
    print(repr(registry), str(registry), repr(registry.password), f"{registry.password}")


def api_registry_username_surrogate(folder: Path) -> None:
    from profile_render import ImageRegistry, Secret

    registry = ImageRegistry(name="r", root_url="oci://registry.example.com/x", username="robot\udcff",
                             password=Secret(CANARY))
    print(repr(registry))


def api_check_manifests_render_shapes(folder: Path) -> None:
    from profile_render.checks.manifests import check_manifests
    from profile_render.errors import ProfileRenderError

    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
    refused = 0
    for render in ({"secretName": [CANARY]}, {"manifests": [{"metadata": {"namespace": {}}}], "secretName": "s"},
                   {"applications": {"a": 7}}, "render", 5, {"manifests": [{"type": 10 ** 5000, "kind": "Secret"}]}):
        try:
            check_manifests(pod, render=render)
        except ProfileRenderError as exc:
            refused += 1
            print(exc)
    if refused != 6:
        raise AssertionError(f"only {refused} of 6 bad renders were refused")


def api_origin_big(folder: Path) -> None:
    from profile_render import merge_values
    from profile_render.values import Layer

    result = merge_values(ROOT / "examples" / "hello-chart", [Layer.from_file(folder / "values.yaml")])
    print(result.origin("k194999.v"))
    print(result.origin("k0.v"))


def api_int_huge(folder: Path) -> None:
    from profile_render import merge_values
    from profile_render.values import Layer

    result = merge_values(ROOT / "examples" / "hello-chart", [Layer({"a": 10**5000}, "<memory>")])
    print(result.to_yaml())


def api_shared_subtrees(folder: Path) -> None:
    from profile_render import merge_values
    from profile_render.values import Layer

    tree: Any = {"leaf": "x"}
    for _ in range(80):
        tree = {"x": tree, "y": tree}  # 2**80 paths through 160 dicts
    print(merge_values(ROOT / "examples" / "hello-chart", [Layer(tree, "<memory>")]).to_json())


def api_cyclic_dict(folder: Path) -> None:
    from profile_render import merge_values

    tree: Dict[str, Any] = {"a": 1}
    tree["self"] = tree
    print(merge_values(ROOT / "examples" / "hello-chart", [tree]).to_json())


def api_deep_chart(folder: Path) -> None:
    from profile_render import merge_values
    from profile_render.helm.chart import chart_from_values

    tree: Any = "leaf"
    for _ in range(50000):
        tree = {"a": tree}
    print(merge_values(chart_from_values(tree, source="<memory>")).to_yaml())


def api_deep_set_merge(folder: Path) -> None:
    from profile_render import merge_values

    result = merge_values(ROOT / "examples" / "hello-chart", set_values=["a" + "[0]" * 40000 + "=1"])
    print(result.to_yaml())


def api_render_deep_layer(folder: Path) -> None:
    from profile_render import render
    from profile_render.values import Layer

    context, _registry = _context_and_registry(CANARY)
    tree: Any = "x"
    for _ in range(50000):
        tree = {"a": tree}
    render(ROOT / "examples" / "hello-chart", Layer(tree, "<memory>", "profile"), context=context)


def _memory_edge_package() -> Dict[str, Any]:
    """examples/edge-package as an in-memory package: file name -> bytes (charts left out)."""
    folder = EXAMPLES / "edge-package"
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _edge_charts() -> Dict[str, Path]:
    return {app: EXAMPLES / "edge-package" / "charts" / app for app in ("web-app", "vm-ephemeral", "vm-pv")}


_HUGE = 300 * 1024 * 1024  # one copy more and the case passes MEMORY_LIMIT_MIB


def api_memory_package_huge_text(folder: Path) -> None:
    from profile_render import PackageFiles
    from profile_render.orchestrator.lint import lint

    files = _memory_edge_package()
    files["huge.yaml"] = "a" * _HUGE  # a catalog file over the 64 MiB cap
    files["web-app-values.yaml"] = files["huge.yaml"]  # a values file over Limits.max_bytes
    findings = lint(PackageFiles.from_mapping(files))
    rules = sorted({f.rule for f in findings})
    assert rules == ["unreadable-file", "values-invalid"], rules
    print(rules)


def api_memory_package_huge_bytes(folder: Path) -> None:
    from profile_render import PackageFiles
    from profile_render.orchestrator.package import render_package

    files = _memory_edge_package()
    files["web-app-values.yaml"] = bytes(_HUGE)
    render_package(PackageFiles.from_mapping(files), charts=_edge_charts(), deployment_name="demo")


def api_memory_package_names(folder: Path) -> None:
    import os

    from profile_render import PackageFiles
    from profile_render.orchestrator.lint import lint

    os.chdir(folder)  # web-app-values.yaml here holds the canary: an in-memory package must never read it
    files = _memory_edge_package()
    del files["web-app-values.yaml"]
    for name in ("../outside/memory.yaml", "/etc/passwd", "sub/../../x.yaml", "x\0.yaml", "./registries.yaml",
                 "sub.yaml", "sub.yaml/inner.yaml", "link -> ../outside/memory.yaml"):
        files[name] = f"stolen: {CANARY_OUT}\n"
    app = files["web-app-app.yaml"].decode()
    for target in ("web-app-values.yaml", "../escape/outside/memory.yaml", "/proc/self/environ"):
        files["web-app-app.yaml"] = app.replace('valuesFileName: "web-app-values.yaml"',
                                                f'valuesFileName: "{target}"').encode()
        findings = lint(PackageFiles.from_mapping(files))
        rules = sorted({f.rule for f in findings if f.severity == "error"})
        wanted = {"file-outside-package", "unreadable-file"} | (
            {"missing-values-file"} if target == "web-app-values.yaml" else set())
        assert wanted <= set(rules), rules
        print(target, rules, len(findings))


def api_memory_package_many_entries(folder: Path) -> None:
    from profile_render import PackageFiles
    from profile_render.orchestrator.lint import lint

    files: Dict[str, Any] = _memory_edge_package()
    files.update({f"sub/{i}.yaml": "a: 1\n" for i in range(50_000)})
    files.update({f"./dup{i}.yaml": "a: 1\n" for i in range(25_000)})
    files.update({f"dup{i}.yaml": "a: 1\n" for i in range(25_000)})
    findings = lint(PackageFiles.from_mapping(files))
    assert len(findings) == 25_000, len(findings)
    print(len(findings))


def api_memory_package_cyclic_document(folder: Path) -> None:
    from profile_render import PackageFiles
    from profile_render.orchestrator.lint import lint

    files: Dict[str, Any] = _memory_edge_package()
    cyclic: Dict[str, Any] = {"specSchema": "Application"}
    cyclic["self"] = [cyclic]
    files["cyclic.yaml"] = cyclic
    values: Dict[str, Any] = {"a": 1}
    values["b"] = values
    files["web-app-values.yaml"] = values
    findings = lint(PackageFiles.from_mapping(files))
    assert {"yaml-syntax", "values-invalid"} <= {f.rule for f in findings}
    print(len(findings))


API: Dict[str, Callable[[Path], None]] = {
    "api_memory_package_huge_text": api_memory_package_huge_text,
    "api_memory_package_huge_bytes": api_memory_package_huge_bytes,
    "api_memory_package_names": api_memory_package_names,
    "api_memory_package_many_entries": api_memory_package_many_entries,
    "api_memory_package_cyclic_document": api_memory_package_cyclic_document,
    "api_render_deep_layer": api_render_deep_layer,
    "api_int_huge": api_int_huge,
    "api_shared_subtrees": api_shared_subtrees,
    "api_cyclic_dict": api_cyclic_dict,
    "api_deep_chart": api_deep_chart,
    "api_deep_set_merge": api_deep_set_merge,
    "api_deep_dict": api_deep_dict,
    "api_set_deep": api_set_deep,
    "api_password_surrogate": api_password_surrogate,
    "api_registry_repr": api_registry_repr,
    "api_origin_big": api_origin_big,
    "api_registry_username_surrogate": api_registry_username_surrogate,
    "api_check_manifests_render_shapes": api_check_manifests_render_shapes,
}


def iter_classes() -> Iterator[str]:
    """The case classes, in the order they are built."""
    return iter(GENERATORS)
