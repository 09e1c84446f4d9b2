"""The HTML provenance report (profile_render/html_report.py): its HTML, and the page in a real headless browser.

The unit tests parse the page with html.parser; the browser tests open it in
Debian's chromium (``--headless --dump-dom``, after the page's script ran) and
assert on the DOM, and keep screenshots under the test's tmp_path.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from profile_render.cli import main
from profile_render.orchestrator.lint import lint
from profile_render.orchestrator.model import DeploymentContext, ImageRegistry, Secret
from profile_render.orchestrator.package import render_package
from profile_render.problems import Diagnostic, format_path
from profile_render.rendering import render
from profile_render.html_report import ReportLimits, report_html, value_anchor
from profile_render.values import merge_values

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "edge-package"
CHARTS = {name: EXAMPLE / "charts" / name for name in ("web-app", "vm-ephemeral", "vm-pv")}
PASSWORD = "c4n4ry-Report-P@ss-91f3"
PARAMETER = "c4n4ry-secret-parameter-5e2a"
# Each payload, had it run, would mark the page: the browser tests assert that no mark is there.
MARK = "document.documentElement.setAttribute('data-pwned','1')"
PAYLOADS = {
    "script": f"<script>{MARK}</script>",
    "img": f"\"><img src=x onerror=\"{MARK}\">",
    "url": f"javascript:{MARK}",
    "details": "</details></li></ul><marquee id=\"injected\">moving</marquee><details open><summary>",
    "style": "</style><style>body{display:none}</style>",
    "template": "{{ 7*7 }}{% raw %}",
}
XSS_KEY = f"</details><script>{MARK}</script>"


# -- a small DOM, from html.parser ------------------------------------------------------------------

VOID = {"meta", "br", "input", "img", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "track"}


class Element:
    """One element of a parsed page: tag, attributes, children (elements and text)."""

    def __init__(self, tag: str, attrs: Dict[str, Optional[str]], parent: Optional["Element"]) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: List[Any] = []

    def text(self) -> str:
        """The element's text, as textContent gives it."""
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self) -> Iterator["Element"]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def classes(self) -> List[str]:
        """The element's class names."""
        return (self.attrs.get("class") or "").split()

    def find(self, tag: Optional[str] = None, cls: Optional[str] = None) -> List["Element"]:
        """Every element inside this one with the tag and class asked for."""
        return [e for e in self.iter() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes())]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: List[Any]) -> None:
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: List[Any]) -> None:
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Optional[Element] = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(page: str) -> Element:
    """The page as a tree of elements."""
    builder = _Builder()
    builder.feed(page)
    builder.close()
    return builder.root


def by_id(root: Element, ident: str) -> Element:
    """The one element with this id."""
    found = [e for e in root.iter() if e.attrs.get("id") == ident]
    assert len(found) == 1, (ident, len(found))
    return found[0]


def leaf(root: Element, app: int, path: tuple) -> Element:
    """The values-tree entry of ``path`` in application ``app``."""
    return by_id(root, value_anchor(app, path))


def assert_inert(root: Element) -> None:
    """No element, attribute or link that runs anything, beyond the page's own script."""
    scripts = root.find("script")
    assert len(scripts) == 1 and scripts[0].text().startswith("(function () {")
    assert MARK not in scripts[0].text()
    assert not root.find("img") and not root.find("marquee") and not root.find("iframe")
    for element in root.iter():
        for name, value in element.attrs.items():
            assert not name.startswith("on"), (element.tag, name)
            if name == "href":
                assert value is not None and value.startswith("#"), value
    assert len(root.find("style")) == 1


# -- inputs -----------------------------------------------------------------------------------------

def hostile_render(tmp_path: Path) -> Any:
    """A render whose keys and values hold XSS payloads, with a pull Secret and a secret parameter."""
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("image:\n  repository: app\n  pullSecret: ''\nreplicas: 1\ntoken: ''\n")
    profile = tmp_path / "profile.yaml"
    lines = ["image:", "  repository: '%ImageRegistryURL%/app'", "  pullSecret: '%GeneratedDockerCredential%'",
             "notes:"]
    lines += [f"  {name}: {_yaml_string(text)}" for name, text in PAYLOADS.items()]
    lines += [f"{_yaml_string(XSS_KEY)}: keyed", "token: placeholder-token"]
    profile.write_text("\n".join(lines) + "\n")
    from profile_render.orchestrator.params import ParameterTemplate

    registry = ImageRegistry(name="harbor", root_url="oci://registry.example.com/apps", username="robot$edge",
                             password=Secret(PASSWORD))
    return render(chart, profile, context=DeploymentContext(app_name="app", app_version="1.0.0",
                                                            deployment_name="deployment-1", namespace="apps"),
                  registry=registry, parameter_templates=[ParameterTemplate(name="token", type="string", secret=True)],
                  parameters={"token": PARAMETER})


def _yaml_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def example_package(tmp_path: Path, *, extra: str = "") -> Path:
    """The example package copied, its web-app Profile given ``extra`` lines and a secret parameter."""
    package = tmp_path / "package"
    shutil.copytree(EXAMPLE, package)
    values = package / "web-app-values.yaml"
    values.write_text(values.read_text() + extra)
    app = package / "web-app-app.yaml"
    text = app.read_text()
    assert '    valuesFileName: "web-app-values.yaml"' in text
    app.write_text(text.replace('    valuesFileName: "web-app-values.yaml"',
                                '    valuesFileName: "web-app-values.yaml"\n'
                                '    parameterTemplates:\n      - name: image.tag\n        type: string\n'
                                '        secret: true'))
    return package


def package_report(package: Path, **kwargs: Any) -> str:
    charts = {name: package / "charts" / name for name in CHARTS}
    rendered = render_package(package, charts=charts, deployment_name="demo", registry_files=[package / "registries.yaml"],
                              org="acme", project="edge", parameters={"web-app": {"image.tag": PARAMETER}})
    found = lint(package, charts=charts, registry_files=[package / "registries.yaml"])
    return report_html(rendered, findings=found, **kwargs)


# -- the HTML ---------------------------------------------------------------------------------------

def test_every_leaf_shows_its_layer_and_file_line(tmp_path: Path) -> None:
    root = parse(package_report(example_package(tmp_path)))
    repository = leaf(root, 0, ("image", "repository"))
    assert "registry-oci.example.com/catalog-apps-acme-edge/web-app" in repository.find(cls="value")[0].text()
    assert repository.find(cls="layer")[0].text() == "profile"
    assert repository.find(cls="loc")[0].text() == f"{tmp_path}/package/web-app-values.yaml:4:3"
    pull_policy = leaf(root, 0, ("image", "pullPolicy"))
    assert pull_policy.find(cls="layer")[0].text() == "chart defaults"
    assert pull_policy.find(cls="loc")[0].text().endswith("charts/web-app/values.yaml:8:3")
    generation = leaf(root, 1, ("global", "fleet", "deploymentGeneration"))
    assert "fleet-globals.yaml:4:5" in generation.text()
    leaves = root.find("li", "leaf")
    assert len(leaves) > 20 and all(e.find(cls="layer") and e.find(cls="loc") for e in leaves)
    sections = root.find("section", "application")
    assert [s.attrs["data-application"] for s in sections] == ["web-app", "vm-ephemeral", "vm-pv"]


def test_placeholders_and_generated_objects_are_shown_masked(tmp_path: Path) -> None:
    page = package_report(example_package(tmp_path))
    root = parse(page)
    web = by_id(root, "app-0")
    rows = [[cell.text() for cell in row.find("td")] for row in web.find("table", "placeholders")[0].find("tr")[1:]]
    assert rows == [["%GeneratedDockerCredential%", "b-33d92b4f-a47c-50"],
                    ["%ImageRegistryURL%", "registry-oci.example.com/catalog-apps-acme-edge"],
                    ["%PreHookCredential%", "b-33d92b4f-a47c-50"]]
    objects = web.find("details", "object")
    assert [o.find("summary")[0].text() for o in objects] == ["Secret/b-33d92b4f-a47c-50 (pre-install)"]
    assert "secretKey: '****'" in objects[0].text() and ".dockerconfigjson: '****'" in objects[0].text()
    assert leaf(root, 0, ("image", "tag")).find(cls="value")[0].text() == '"****"'
    assert PARAMETER not in page and base64.b64encode(PARAMETER.encode()).decode() not in page


def test_a_secret_never_reaches_the_page(tmp_path: Path) -> None:
    result = hostile_render(tmp_path)
    page = report_html(result, changes=[{"path": ["token"], "pathText": "token", "change": "changed",
                                         "before": PARAMETER + "-old", "after": PARAMETER, "secret": True,
                                         "beforeOrigin": None, "afterOrigin": None}])
    assert result.is_secret(("token",)) and result.manifests
    for secret in (PASSWORD, PARAMETER, base64.b64encode(PASSWORD.encode()).decode()):
        assert secret not in page
    assert b"c4n4ry" not in page.encode()
    root = parse(page)
    assert leaf(root, 0, ("token",)).find(cls="value")[0].text() == '"****"'
    row = root.find("tr", "change")[0]
    assert [c.text() for c in row.find("code")][1:] == ["****", "****"]


def test_hostile_keys_and_values_show_as_text_and_run_nothing(tmp_path: Path) -> None:
    page = report_html(hostile_render(tmp_path), title=PAYLOADS["script"])
    root = parse(page)
    assert_inert(root)
    assert root.find("title")[0].text() == PAYLOADS["script"] == root.find("h1")[0].text()
    for name, text in PAYLOADS.items():
        shown = leaf(root, 0, ("notes", name)).find(cls="value")[0].text()
        assert shown == '"' + text.replace('"', '\\"') + '"', name
        assert leaf(root, 0, ("notes", name)).attrs["data-path"] == f"notes.{name}"
    keyed = leaf(root, 0, (XSS_KEY,))
    assert keyed.find(cls="key")[0].text() == XSS_KEY and keyed.attrs["data-path"] == format_path((XSS_KEY,))
    assert re.fullmatch(r"v0-[0-9a-f]{24}", keyed.attrs["id"])
    assert "<script>" + MARK not in page and "<img" not in page


def test_the_content_security_policy_allows_exactly_the_page_script(tmp_path: Path) -> None:
    page = report_html(hostile_render(tmp_path))
    root = parse(page)
    policy = next(e.attrs["content"] for e in root.find("meta") if e.attrs.get("http-equiv") == "Content-Security-Policy")
    script = root.find("script")[0].text()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline'; img" not in policy.split("script-src")[1]


def test_findings_link_to_their_value_and_back(tmp_path: Path) -> None:
    package = example_package(tmp_path, extra="bogus: 1\n")
    root = parse(package_report(package))
    findings = [li for li in by_id(root, "app-0").find("li") if "unknown-key" in li.text()]
    assert len(findings) == 1
    target = value_anchor(0, ("bogus",))
    assert [a.attrs["href"] for a in findings[0].find("a")] == [f"#{target}"]
    badge = by_id(root, target).find("a", "badge")
    assert [a.attrs["href"] for a in badge] == [f"#{findings[0].attrs['id']}"]
    assert badge[0].text() == "warning"


def test_findings_that_concern_no_value_are_listed_for_the_page(tmp_path: Path) -> None:
    result = hostile_render(tmp_path)
    elsewhere = Diagnostic("some-rule", "warning", f"an object {PAYLOADS['img']}", source="manifests.yaml", line=3,
                           column=1, path=("spec", "template"), kind="Deployment", name="web")
    on_value = Diagnostic("other-rule", "error", "bad image", source=str(tmp_path / "profile.yaml"), line=2, column=3,
                          path=("image", "repository"))
    on_secret = Diagnostic("secret-rule", "warning", "the Secret is not used", source="manifests.yaml", document=0,
                           kind="Secret", name=result.secret_name)
    root = parse(report_html(result, findings=[elsewhere, on_value, on_value, on_secret]))
    about_secret = [li for li in by_id(root, "app-0").find("li") if "secret-rule" in li.text()]
    assert len(about_secret) == 1 and f"(Secret/{result.secret_name}, document 0)" in about_secret[0].text()
    obj = by_id(root, about_secret[0].find("a")[0].attrs["href"][1:])
    assert obj.tag == "details" and obj.find("summary")[0].text().startswith(f"Secret/{result.secret_name}")
    assert [a.attrs["href"] for a in obj.find("a", "badge")] == ["#" + about_secret[0].attrs["id"]]
    general = [li for li in root.find("li") if "some-rule" in li.text()]
    assert len(general) == 1 and "(Deployment/web)" in general[0].text() and PAYLOADS["img"] in general[0].text()
    linked = [li for li in by_id(root, "app-0").find("li") if "other-rule" in li.text()]
    assert len(linked) == 1 and linked[0].find("a")[0].attrs["href"] == "#" + value_anchor(0, ("image", "repository"))
    assert_inert(root)


def test_render_warnings_are_attached_to_their_value(tmp_path: Path) -> None:
    chart = tmp_path / "values.yaml"
    chart.write_text("a: 1\n")
    profile = tmp_path / "profile.yaml"
    profile.write_text("a: 2\na: 3\n")
    result = render(chart, profile, context=DeploymentContext(app_name="x", app_version="1", deployment_name="d",
                                                              namespace="n"), fleet_globals=False)
    assert result.warnings
    root = parse(report_html(result, application="x"))
    assert root.find("section")[0].attrs["data-application"] == "x"
    badge = leaf(root, 0, ("a",)).find("a", "badge")
    assert badge and by_id(root, badge[0].attrs["href"][1:]).find(cls="loc")[0].text().startswith(str(profile))


def test_a_merge_result_is_reported_too(tmp_path: Path) -> None:
    chart = tmp_path / "values.yaml"
    chart.write_text("a:\n  b: 1\n  c: []\nd: null\n")
    root = parse(report_html(merge_values(chart, [], set_values=["a.b=2"])))
    assert leaf(root, 0, ("a", "b")).find(cls="layer")[0].text() == "--set"
    assert leaf(root, 0, ("a", "c")).find(cls="value")[0].text() == "[]"
    assert "none used" in root.text() and "nothing generated" in root.text()


def test_the_diff_section_shows_change_records(tmp_path: Path) -> None:
    result = hostile_render(tmp_path)
    origin = {"layer": "profile", "source": "a.yaml", "line": 3, "column": 5}
    changes = [
        {"path": ["image", "repository"], "pathText": "image.repository", "change": "changed",
         "before": "old/app", "after": "registry.example.com/apps/app", "beforeOrigin": origin,
         "afterOrigin": {**origin, "source": "b.yaml"}, "secret": False},
        {"path": ["notes", "script"], "pathText": "notes.script", "change": "added", "before": None,
         "after": PAYLOADS["script"], "beforeOrigin": None, "afterOrigin": origin, "secret": False},
        {"path": ["gone"], "pathText": "gone", "change": "removed", "before": {"x": [1, 2]}, "after": None,
         "beforeOrigin": origin, "afterOrigin": None, "secret": False},
    ]
    root = parse(report_html(result, changes=changes))
    rows = root.find("tr", "change")
    assert [r.classes()[1] for r in rows] == ["change-changed", "change-added", "change-removed"]
    cells = [[c.text() for c in r.find("td")] for r in rows]
    assert cells[0] == ["~", "image.repository", '"old/app"', '"registry.example.com/apps/app"',
                        "profile a.yaml:3:5", "profile b.yaml:3:5"]
    assert cells[1][2] == "" and cells[1][3] == '"' + PAYLOADS["script"] + '"'
    assert cells[2][:4] == ["−", "gone", '{"x":[1,2]}', ""]
    assert rows[0].find("a")[0].attrs["href"] == "#" + value_anchor(0, ("image", "repository"))
    assert not rows[2].find("a")  # not in the values: no link
    assert_inert(root)
    class Change:  # a diff's value change: its change record is to_dict()
        def __init__(self, record: Dict[str, Any]) -> None:
            self.record = record

        def to_dict(self) -> Dict[str, Any]:
            return self.record

    class Diff:  # a diff result: its value changes are .values
        values = [Change(record) for record in changes]

    for given in ([Change(record) for record in changes], Diff()):
        again = parse(report_html(result, changes=given))
        assert [[c.text() for c in r.find("td")] for r in again.find("tr", "change")] == cells
    empty = parse(report_html(result, changes=[]))
    assert "no changes" in by_id(empty, "changes").text()
    assert not parse(report_html(result)).find("section", "changes")


def test_large_values_are_cut_and_the_page_says_so(tmp_path: Path) -> None:
    chart = tmp_path / "values.yaml"
    big = "x" * 10_000
    nested = "deep:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(60)) + "  " * 61 + "end: 1\n"
    chart.write_text(f"long: {big}\n" + nested)
    root = parse(report_html(merge_values(chart, [])))
    shown = leaf(root, 0, ("long",)).find(cls="value")[0].text()
    assert shown.startswith('"xxx') and shown.endswith("… (8,002 more characters not shown)")
    notes = [p.text() for p in root.find("p", "cut")]
    assert any("longer than 2,000 characters" in n for n in notes)
    assert any("deeper than 48 levels" in n for n in notes)


def test_a_hundred_thousand_leaves_make_a_page_in_seconds(tmp_path: Path) -> None:
    chart = tmp_path / "values.yaml"
    chart.write_text("".join(f"group{g}:\n" + "".join(f"  key{k}: value-{g}-{k}\n" for k in range(1_000))
                             for g in range(100)))
    merged = merge_values(chart, [])
    start = time.monotonic()
    page = report_html(merged)
    elapsed = time.monotonic() - start
    assert elapsed < 20, elapsed
    root = parse(page)
    assert len(root.find("li", "leaf")) == 10_000
    assert any("90,000 values not shown" in p.text() for p in root.find("p", "cut"))
    assert len(page) < 10_000_000
    small = parse(report_html(merged, limits=ReportLimits(leaves=50)))
    assert len(small.find("li", "leaf")) == 50


def hello_arguments(tmp_path: Path) -> List[str]:
    """``report render`` arguments for the example chart and Profile, with registry credentials from a file."""
    password = tmp_path / "password"
    password.write_text(PASSWORD + "\n")
    return [str(ROOT / "examples" / "hello-chart"), "--profile", str(ROOT / "examples" / "profile-values.yaml"),
            "--registry-url", "oci://r.example.com/p", "--registry-username", "robot",
            "--registry-password-file", str(password), "--app-name", "hello", "--app-version", "1.0",
            "--deployment-name", "d", "--namespace", "ns"]


def test_the_cli_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    charts = [f"--chart={name}={path}" for name, path in CHARTS.items()]
    code = main(["report", "package", str(EXAMPLE), *charts, "--registry", str(EXAMPLE / "registries.yaml"),
                 "--deployment-name", "demo", "--org", "acme", "--project", "edge", "-o", str(out)])
    assert code == 0
    assert f"wrote the report to {out}" in capsys.readouterr().err
    root = parse(out.read_text(encoding="utf-8"))
    assert root.find("title")[0].text() == "edge-demo 0.1.0"
    assert leaf(root, 0, ("image", "repository")).find(cls="layer")[0].text() == "profile"
    code = main(["report", "render", *hello_arguments(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0 and captured.out.startswith("<!DOCTYPE html>") and PASSWORD not in captured.out
    assert parse(captured.out).find("section")[0].attrs["data-application"] == "hello"


def test_cli_usage_and_write_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["report"])
    assert info.value.code == 2 and "report needs a command: render or package" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["report", "render", "chart", "--profile", "p.yaml", "--app-name", "a", "--app-version", "1",
              "--deployment-name", "d", "--namespace", "n", "--explain", "a"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["report", "render", "--help"])
    shown = capsys.readouterr().out
    assert info.value.code == 0 and shown.startswith("usage: profile-render report render")
    assert "--registry-password-file" in shown and "--explain" not in shown and "--show-secrets" not in shown
    charts = [f"--chart={name}={path}" for name, path in CHARTS.items()]
    with pytest.raises(SystemExit) as info:
        main(["report", "package", str(EXAMPLE), *charts, "--deployment-name", "demo", "--app", "nope"])
    assert info.value.code == 2 and "--app:" in capsys.readouterr().err
    code = main(["report", "render", *hello_arguments(tmp_path), "-o", str(tmp_path / "missing" / "r.html")])
    err = capsys.readouterr().err
    assert code == 1 and "cannot write the report" in err and "Traceback" not in err


# -- in a real browser ------------------------------------------------------------------------------

def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if found is None:
        pytest.skip("needs chromium (scripts/test.sh installs Debian's package)")
    return found


def _browser(tmp_path: Path, *args: str) -> str:
    """Run headless chromium on the page with ``args``; its standard output."""
    command = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium-profile'}", *args]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def dump_dom(tmp_path: Path, page: Path, query: str = "") -> Element:
    """The DOM of ``page`` after its script ran."""
    root = parse(_browser(tmp_path, "--dump-dom", page.as_uri() + query))
    assert root.find("html")[0].attrs.get("data-report-ready") == "1"  # the page's own script ran
    return root


def test_in_the_browser_the_hostile_page_runs_nothing_injected(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(report_html(hostile_render(tmp_path), title=PAYLOADS["img"], changes=[
        {"path": ["x"], "pathText": PAYLOADS["details"], "change": "added", "before": None, "after": PAYLOADS["img"],
         "beforeOrigin": None, "afterOrigin": {"layer": PAYLOADS["script"], "source": PAYLOADS["url"]},
         "secret": False}]), encoding="utf-8")
    root = dump_dom(tmp_path, page)
    assert "data-pwned" not in root.find("html")[0].attrs
    assert not root.find("img") and not root.find("marquee")
    assert len(root.find("script")) == 1
    for name, text in PAYLOADS.items():
        assert leaf(root, 0, ("notes", name)).find(cls="value")[0].text() == '"' + text.replace('"', '\\"') + '"'
    assert leaf(root, 0, (XSS_KEY,)).find(cls="key")[0].text() == XSS_KEY
    assert root.find("title")[0].text() == PAYLOADS["img"]
    dom = _browser(tmp_path, "--dump-dom", page.as_uri())
    assert PASSWORD not in dom and PARAMETER not in dom
    shot = tmp_path / "hostile.png"
    _browser(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_in_the_browser_leaves_show_provenance_and_secrets_stay_masked(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(package_report(example_package(tmp_path, extra="bogus: 1\n")), encoding="utf-8")
    root = dump_dom(tmp_path, page)
    repository = leaf(root, 0, ("image", "repository"))
    assert repository.find(cls="layer")[0].text() == "profile"
    assert repository.find(cls="loc")[0].text().endswith("package/web-app-values.yaml:4:3")
    assert leaf(root, 2, ("global", "fleet", "deploymentGeneration")).find(cls="layer")[0].text() == "fleet globals"
    assert leaf(root, 0, ("image", "tag")).find(cls="value")[0].text() == '"****"'
    text = root.text()
    assert PARAMETER not in text and "secretKey: '****'" in text
    badge = leaf(root, 0, ("bogus",)).find("a", "badge")[0]
    assert "unknown-key" in by_id(root, badge.attrs["href"][1:]).text()
    shot = tmp_path / "report.png"
    _browser(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.stat().st_size > 10_000


def test_in_the_browser_the_filter_hides_what_does_not_match(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(package_report(example_package(tmp_path)), encoding="utf-8")
    root = dump_dom(tmp_path, page, "?filter=repository")
    web = by_id(root, "tree-0")
    shown = [e.attrs["data-path"] for e in web.find("li", "leaf") if "hidden" not in e.classes()]
    assert shown == ["image.repository", "hook.image.repository"]
    assert all("hidden" in e.classes() for e in web.find("li", "branch") if e.attrs["data-path"] in ("global", "service"))
    counts = [o.text() for o in root.find("output", "filter-count")]
    assert counts[0] == "2 of 11 values match"


def test_in_the_browser_a_link_opens_the_value_it_points_to(tmp_path: Path) -> None:
    chart = tmp_path / "values.yaml"
    chart.write_text("".join(f"group{g}:\n" + "".join(f"  key{k}: {k}\n" for k in range(50)) for g in range(20)))
    page = tmp_path / "big.html"
    page.write_text(report_html(merge_values(chart, [])), encoding="utf-8")
    closed = dump_dom(tmp_path, page)
    assert not any("open" in d.attrs for d in closed.find("details"))  # a large tree starts folded
    target = value_anchor(0, ("group7", "key3"))
    root = dump_dom(tmp_path, page, "#" + target)
    opened = [d for d in root.find("details") if "open" in d.attrs]
    assert len(opened) == 1 and opened[0].parent is not None and opened[0].parent.attrs["data-path"] == "group7"


# -- provenance at scale --------------------------------------------------------------------------

def _all_paths(tree: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every path of a values tree, containers and leaves."""
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    for key, value in items:
        yield path + (key,)
        yield from _all_paths(value, path + (key,))


@pytest.mark.parametrize("placeholders", [(), ("ImageRegistryURL",)])
def test_positions_read_all_at_once_are_the_positions_found_one_by_one(placeholders: tuple) -> None:
    from profile_render.yamlio.load import load_values, locate_in_text

    groups = "".join(f"g{g}:\n  list:\n" + "".join(f"    - name: n{i}\n      v: {i}\n" for i in range(4))
                     + f"  flow: {{a: 1, b: [1, 2]}}\n  dup: 1\n  dup: 2\n  'quoted key': x\n" for g in range(8))
    text = ("first: 1\nimage: %ImageRegistryURL%/app\n" if placeholders else "first: 1\n") + groups + \
        "---\ng3:\n  list: [replaced]\nlast: true\n"
    loaded = load_values(text, source="v.yaml", placeholders=placeholders)
    paths = list(_all_paths(loaded.data))
    assert len(paths) > 100
    marking = loaded._marking  # noqa: SLF001 - the marked text locate reads, to compare with one lookup each
    marked, marker = (marking.text, marking.marker) if marking is not None else (text, None)
    expected = [locate_in_text(marked, "v.yaml", path, marker=marker) for path in paths]
    assert all(spot is not None for spot in expected)
    assert [loaded.locate(path) for path in paths] == expected
    assert loaded.locate(("g3", "list", 0)) == (text.count("\n", 0, text.index("list: [replaced]")) + 1, 10)
