"""Shared harness for the Helm conformance suites.

Every oracle comparison goes through :func:`run_both`: it writes one throwaway
chart (the oracle chart of ``tests.helm_oracle``, optionally with subcharts as
directories or ``.tgz`` archives), runs the real ``helm template`` on it and
runs :func:`profile_render.merge_values` on the very same files, then
:func:`assert_conforms` checks that

* both sides fail, or both succeed;
* our ``to_json()`` and Helm's ``toJson`` line hold the same JSON tree with
  every number written with the same text (``1e+21``, ``-0`` ...);
* ``result.values`` itself equals Helm's values compared as float64 (bools
  stay bools) — the ``numbers_as_float`` view;
* optionally, our ``to_json(indent=None)`` is Helm's line character for
  character (only where Go's HTML escaping of ``<``, ``>``, ``&`` cannot
  differ), and our ``to_yaml()`` fed back to Helm gives the same values.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import pytest

from profile_render.emit import to_json
from profile_render.errors import ProfileRenderError
from profile_render.values import Layer, MergeResult, merge_values
from tests.skip_policy import skip_policy_violation
from tests.helm_oracle import Subchart, helm_binary, helm_env, helm_template_command, numbers_as_float, write_chart

HELM = helm_binary()

requires_helm = pytest.mark.skipif(HELM is None, reason="helm binary not available (scripts/fetch-helm.sh)")

Text = Union[str, bytes]


@dataclass
class RawHelm:
    """What ``helm template`` printed: success, the parent chart's ``toJson .Values`` line, stderr.

    ``subcharts`` holds the line every rendered subchart printed, keyed by its
    path of chart names below the parent (``("sub", "inner")``).
    """

    ok: bool
    line: Optional[str]
    stderr: str
    subcharts: Dict[Tuple[str, ...], str] = field(default_factory=dict)

    @property
    def values(self) -> Any:
        return None if self.line is None else json.loads(self.line)


def _values_line(printed: str) -> str:
    """The JSON text the oracle template printed: base64-encoded (``toJson .Values | b64enc``,
    see tests/helm_oracle.py) or, from an older template, as is."""
    if printed.startswith("{") or printed == "null":
        return printed
    return base64.b64decode(printed).decode("utf-8")


def helm_raw(chart: Path, value_files: Sequence[Path] = (), set_args: Sequence[str] = (),
             set_string_args: Sequence[str] = ()) -> RawHelm:
    """Run ``helm template`` like ``tests.helm_oracle.run_helm_template`` but keep the printed JSON text."""
    assert HELM is not None
    cmd = helm_template_command(HELM, chart, value_files, set_args, set_string_args)
    env = helm_env()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    if proc.returncode != 0:
        return RawHelm(False, None, proc.stderr)
    # Every chart (parent and subcharts) renders the same template; each output
    # document is headed by "# Source: oracle/charts/<name>/.../templates/values.yaml".
    printed: Dict[Tuple[str, ...], str] = {}
    source: Optional[Tuple[str, ...]] = None
    for line in proc.stdout.splitlines():
        if line.startswith("# Source: "):
            parts = line[len("# Source: "):].split("/")
            assert parts[-2:] == ["templates", "values.yaml"], line
            source = tuple(parts[2:-2:2])
        elif source is not None and line.startswith("# "):
            printed[source] = _values_line(line[2:])
            source = None
    if () not in printed:
        raise AssertionError(f"no values line in helm output:\n{proc.stdout}\n{proc.stderr}")
    top = printed.pop(())
    return RawHelm(True, top, proc.stderr, printed)


def write_archive(target: Path, sub: Subchart, dir_name: str) -> Path:
    """Package a subchart as Helm does (``<name>/...`` inside a gzipped tar) at ``target``."""
    with tempfile.TemporaryDirectory(prefix="pr-archive-") as tmp:
        staged = write_chart(Path(tmp) / dir_name, sub.values_yaml, name=sub.name or dir_name,
                             chart_yaml_extra=sub.chart_yaml_extra, subcharts=sub.subcharts)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            tar.add(str(staged), arcname=dir_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buf.getvalue())
    return target


@dataclass
class Case:
    """One conformance case: a chart and the user's layers, as text."""

    values_yaml: Optional[Text] = ""
    user_files: Sequence[Text] = ()
    set_args: Sequence[str] = ()
    set_string_args: Sequence[str] = ()
    subcharts: Mapping[str, Subchart] = field(default_factory=dict)
    archives: Mapping[str, Subchart] = field(default_factory=dict)
    chart_yaml_extra: str = ""
    setup: Optional[Callable[[Path], None]] = None  # changes the written chart directory further


@dataclass
class Outcome:
    """Both sides of one case."""

    case: Case
    helm: RawHelm
    result: Optional[MergeResult]
    error: Optional[BaseException]

    @property
    def values(self) -> Any:
        assert self.result is not None, f"our engine failed: {self.error!r}"
        return self.result.values


def build_case(root: Path, case: Case) -> Tuple[Path, List[Path]]:
    """Write the chart and user files of a case under ``root``; return (chart dir, user file paths)."""
    chart = write_chart(root / "chart", case.values_yaml, subcharts=case.subcharts,
                        chart_yaml_extra=case.chart_yaml_extra)
    for dir_name, sub in case.archives.items():
        write_archive(chart / "charts" / f"{dir_name}-0.1.0.tgz", sub, dir_name)
    if case.setup is not None:
        case.setup(chart)
    files = []
    for i, content in enumerate(case.user_files):
        p = root / f"user-{i}.yaml"
        p.write_bytes(content.encode() if isinstance(content, str) else content)
        files.append(p)
    return chart, files


def ours(chart: Path, files: Sequence[Path], case: Case) -> Tuple[Optional[MergeResult], Optional[BaseException]]:
    """Run our engine on the files of a case; capture any exception."""
    try:
        result = merge_values(chart, [Layer.from_file(p) for p in files],
                              set_values=list(case.set_args), set_string_values=list(case.set_string_args))
        return result, None
    except Exception as exc:  # noqa: BLE001 - the caller asserts on the type
        return None, exc


def run_both(case: Case) -> Outcome:
    """Run Helm and our engine on one case."""
    with tempfile.TemporaryDirectory(prefix="pr-conf-") as tmp:
        chart, files = build_case(Path(tmp), case)
        raw = helm_raw(chart, files, case.set_args, case.set_string_args)
        result, error = ours(chart, files, case)
    return Outcome(case, raw, result, error)


def run_many(cases: Sequence[Case], workers: int = 2) -> List[Outcome]:
    """:func:`run_both` for several cases, two Helm processes at a time."""
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run_both, cases))


# ---------------------------------------------------------------------------
# Comparisons


class _Num(str):
    """A JSON number kept as its exact text."""

    def __repr__(self) -> str:
        return f"Num({str.__repr__(self)})"


def canonical_json(text: str) -> Any:
    """Parse JSON keeping every number as its literal text, so ``1e+21`` != ``1e21`` and bools != ints."""
    return json.loads(text, parse_int=_Num, parse_float=_Num)


def _untyped_num(value: Any) -> Any:
    """Tag every _Num so a number never equals a string (a _Num is a str)."""
    if isinstance(value, dict):
        return {k: _untyped_num(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untyped_num(v) for v in value]
    if isinstance(value, _Num):
        return ("number", str(value))
    return value


def json_equal(a: str, b: str) -> bool:
    """Whether two JSON texts hold the same tree with every number spelled the same."""
    return _untyped_num(canonical_json(a)) == _untyped_num(canonical_json(b))


def _float_view(value: Any) -> Any:
    """numbers_as_float with bools tagged so ``True`` never equals ``1.0``."""
    if isinstance(value, dict):
        return {k: _float_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_float_view(v) for v in value]
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", numbers_as_float(value))
    return value


def _safe_json(result: Optional[MergeResult]) -> str:
    """Our JSON for an assertion message, or why there is none."""
    try:
        return result.to_json(indent=None) if result is not None else "None"
    except Exception as exc:  # noqa: BLE001 - only for an assertion message
        return f"<to_json failed: {exc!r}>"


def _html_safe(text: str) -> bool:
    """Whether Go and Python would write this JSON text alike."""
    # Go's encoding/json escapes these (HTML safety, JS line separators); Python does not.
    return not any(c in text for c in "<>&\u2028\u2029") and "\\u003c" not in text


def assert_conforms(outcome: Outcome, *, textual: bool = False) -> Outcome:
    """Assert our engine agrees with the Helm binary on one case (see module doc)."""
    helm = outcome.helm
    if not helm.ok:
        assert outcome.error is not None, (
            f"Helm rejects this input but we accept it.\nHelm: {helm.stderr.strip()}\n"
            f"ours: {_safe_json(outcome.result)}")
        assert isinstance(outcome.error, ProfileRenderError), (
            f"Helm rejects this input and so do we, but not with a ProfileRenderError: {outcome.error!r}")
        return outcome
    if outcome.error is not None:
        raise AssertionError(f"Helm accepts this input but we fail: {outcome.error!r}\nHelm: {helm.line}") \
            from outcome.error
    assert outcome.result is not None and helm.line is not None
    mine = outcome.result.to_json(indent=None)
    assert _untyped_num(canonical_json(mine)) == _untyped_num(canonical_json(helm.line)), (
        f"values differ\nhelm: {helm.line}\nours: {mine}")
    assert _float_view(outcome.result.values) == _float_view(helm.values)
    assert json.loads(outcome.result.to_json()) == json.loads(mine)
    # Each subchart's templates see its own section of the values.
    for names, line in helm.subcharts.items():
        section: Any = outcome.result.values
        for name in names:
            assert isinstance(section, dict) and name in section, f"no section {names} in our values"
            section = section[name]
        theirs = _untyped_num(canonical_json(line))
        assert _untyped_num(canonical_json(to_json(section, indent=None))) == theirs, (
            f"subchart {'/'.join(names)} sees different values\nhelm: {line}\nours: {to_json(section, indent=None)}")
    if textual:
        assert _html_safe(helm.line), "textual comparison requested for a case Go HTML-escapes"
        assert mine == helm.line
    return outcome


def helm_reads_yaml(yaml_text: str) -> RawHelm:
    """What Helm's templates see for an empty chart given ``yaml_text`` as the only -f file."""
    with tempfile.TemporaryDirectory(prefix="pr-rt-") as tmp:
        root = Path(tmp)
        chart = write_chart(root / "chart", "")
        f = root / "roundtrip.yaml"
        f.write_text(yaml_text, encoding="utf-8")
        return helm_raw(chart, [f])


def assert_yaml_round_trips(outcome: Outcome) -> None:
    """Our ``to_yaml()`` given to Helm as a -f file against an empty chart gives the same values."""
    assert outcome.result is not None and outcome.helm.line is not None
    text = outcome.result.to_yaml()
    back = helm_reads_yaml(text)
    assert back.ok, f"Helm cannot read our YAML: {back.stderr}\n{text}"
    assert back.line is not None
    assert _untyped_num(canonical_json(back.line)) == _untyped_num(canonical_json(outcome.helm.line)), (
        f"YAML round trip changed the values\nyaml:\n{text}\nback: {back.line}\nhelm: {outcome.helm.line}")


def conform(case: Case, *, textual: bool = False, round_trip: bool = False) -> Outcome:
    """Run one case on both sides and assert conformance; return the outcome for extra checks."""
    outcome = assert_conforms(run_both(case), textual=textual)
    if round_trip:
        assert_yaml_round_trips(outcome)
    return outcome


@pytest.fixture
def oracle():
    """The conformance harness: ``oracle(Case(...), textual=..., round_trip=...)``."""
    return conform


# ---------------------------------------------------------------------------
# Skip policy (tests/skip_policy.py): a skip for any other reason fails.


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Turn a skip the policy does not allow into a failure naming its reason."""
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    reason = reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason
    problem = skip_policy_violation(reason, ci=os.environ.get("CI") == "true")
    if problem is not None:
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid}: {problem}"
