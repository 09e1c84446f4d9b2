"""Lint a deployment package before it is uploaded or deployed.

Lint gathers every finding instead of stopping at the first: the catalog
checks (``catalog.py``), then, per application profile, its values file
(Helm-readability, duplicate keys), placeholder misuse, parameter templates,
and — when the application's chart is given — placeholders in the chart's
defaults, profile keys the chart neither defaults, nor reads in a template,
nor allows by schema, and parameter templates whose path nothing in the chart
reaches (``helm/template_reads.py`` finds what the templates read).
Rule ids are documented in docs/lint-rules.md; :data:`RULES` describes every
rule lint reports (the catalog's and its own) for the reporters.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from profile_render.orchestrator.catalog import RULES as CATALOG_RULES
from profile_render.orchestrator.catalog import ApplicationSpec, Catalog, ProfileSpec, check_catalog, load_catalog
from profile_render.orchestrator.catalog.load import PackageInput, read_profile_values
from profile_render.files import FileError, FileTooLargeError
from profile_render.helm.chart import ArchiveLimits, Chart, load_chart
from profile_render.helm.template_reads import TemplateReads, scan_templates
from profile_render.errors import ProfileRenderError, format_path
from profile_render.problems import ERROR, SEVERITIES, WARNING, Finding, Rule
from profile_render.report import report
from profile_render.yamlio.load import LoadedValues
from profile_render.tree import walk
from profile_render.orchestrator.params import check_template, coerce_parameter, reference_divergence, reference_reading
from profile_render.orchestrator.model import DeploymentContext
from profile_render.orchestrator.profile_text import TEXT_EFFECTS, text_only_placeholders
from profile_render.orchestrator.placeholders import (
    GENERATED_DOCKER_CREDENTIAL,
    IMAGE_REGISTRY_URL,
    PRE_HOOK_CREDENTIAL,
    REGISTRY_CERT_CONFIG_MAP,
    PlaceholderKeyCollisionError,
    Placeholders,
    Resolution,
    ResolveContext,
    resolve_tree,
)

__all__ = ["lint", "lint_report", "LintReport", "LintedFile", "files_summary", "RULES", "LINT_RULES", "format_findings"]

PathLike = Union[str, "os.PathLike[str]"]
ChartInput = Union["os.PathLike[str]", Chart]  # as render_package takes them (a str is refused)

# What each catalog rule finds (the catalog's RULES table gives ids and severities).
_CATALOG_SUMMARIES: Dict[str, str] = {
    "unreadable-file": "a path that does not exist or cannot be read",
    "yaml-syntax": "YAML that cannot be parsed",
    "unknown-spec-schema": "a specSchema that is not Application, DeploymentPackage, Registry or Artifact",
    "schema": "a catalog object breaking the bundled JSON Schemas",
    "ignored-field": "a field the catalog upload ignores",
    "duplicate-object": "the same object twice, or a repeated applicationProfiles entry",
    "unknown-application": "a package naming an application/version that is not there",
    "unknown-profile": "applicationProfiles or defaultProfile naming a missing profile",
    "unknown-deployment-profile": "a package defaultProfile naming a missing deployment profile",
    "unknown-registry": "helmRegistry/imageRegistry naming no known registry",
    "registry-type": "helmRegistry not a HELM registry, or imageRegistry not an IMAGE one",
    "dependency-cycle": "cyclic or dangling applicationDependencies",
    "missing-values-file": "a profile's valuesFileName that does not exist or is not a regular file",
    "file-outside-package": "a valuesFileName (or a package file's symbolic link) that leads outside the package "
                            "directory",
    "namespace-unknown-app": "defaultNamespaces naming an application outside the package",
    "api-limit": "a value the upload accepts but the catalog's API refuses",
    "artifact-base64": "an Artifact whose artifact is not base64 the upload can decode",
    "validator-crash": "a key or value the catalog's validator crashes on (a non-string key, an unquoted timestamp)",
}

# The reader's own warnings about placeholders in a profile's text, reported under their rule (others: duplicate-key).
_READER_RULES = frozenset({"unquoted-placeholder", "escaped-placeholder"})

# Lint's own rules: id -> (severity, what it finds).
_OWN: Dict[str, Tuple[str, str]] = {
    "values-invalid": (ERROR, "a profile values file Helm cannot read"),
    "duplicate-key": (WARNING, "a key set twice in a profile values file"),
    "unquoted-placeholder": (WARNING, "a placeholder starting an unquoted value or key (the Edge Orchestrator "
                                      "replaces it before parsing; quoting is safer)"),
    "placeholder-in-comment": (WARNING, "a placeholder in a comment of a profile values file, which still takes "
                                        "effect (the Edge Orchestrator replaces the text, comments included)"),
    "escaped-placeholder": (WARNING, "a placeholder spelt with YAML escapes in a profile values file, which the Edge "
                                     "Orchestrator does not replace (it replaces the text before parsing)"),
    "placeholder-typo": (ERROR, "a near miss of a placeholder"),
    "placeholder-key-collision": (ERROR, "two keys of one mapping that become the same key once their "
                                         "placeholders are resolved"),
    "placeholder-in-chart": (ERROR, "a placeholder in a chart's own defaults"),
    "prehook-without-credential": (WARNING, "%PreHookCredential% without %GeneratedDockerCredential% in the same "
                                            "profile"),
    "placeholder-unsatisfiable": (ERROR, "a placeholder the package's registries cannot satisfy"),
    "unknown-key": (WARNING, "a profile key the chart neither defaults, nor reads in a template, nor allows by schema"),
    "unreachable-key": (WARNING, "a profile key or parameter template path that neither the chart's defaults nor any "
                                 "of its templates reach"),
    "parameter-template": (ERROR, "an invalid parameter template"),
    "parameter-path-missing": (WARNING, "a parameter template whose name is not a path of the profile's values"),
    "parameter-type-mismatch": (WARNING, "a parameter template whose declared type differs from the profile "
                                         "value's type"),
    "parameter-reference-differs": (WARNING, "a parameter value (a template's default or suggested value) the Edge "
                                             "Orchestrator deploys as something else (Atoi numbers, exact 'true')"),
    "chart-invalid": (ERROR, "a --chart that cannot be loaded"),
}

#: Every rule lint reports, the catalog's first; docs/lint-rules.md describes each one.
RULES: Tuple[Rule, ...] = tuple(
    Rule(rule, severity if severity in SEVERITIES else None, _CATALOG_SUMMARIES[rule])
    for rule, severity in CATALOG_RULES.items()) + tuple(Rule(rule, *entry) for rule, entry in _OWN.items())

#: Lint's own rules (beyond the catalog's): id -> severity.
LINT_RULES: Dict[str, str] = {rule: severity for rule, (severity, _summary) in _OWN.items()}


def _finding(rule: str, message: str, loaded: Optional[LoadedValues], path: Tuple[Any, ...], hint: str,
             severity: Optional[str] = None, source: Optional[str] = None) -> Finding:
    line = column = None
    if loaded is not None and path:
        spot = loaded.locate(path)
        if spot is not None:
            line, column = spot
    return Finding(rule, severity or LINT_RULES[rule], message, source or (loaded.source if loaded else None),
                   line, column, path or None, hint)


def _strings(tree: Any, path: Tuple[Any, ...] = ()) -> Iterable[Tuple[Tuple[Any, ...], str, bool]]:
    """(path, text, is_key) for every string value and key in a tree."""
    if isinstance(tree, str):
        yield path, tree, False
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield path + (key,), key, True
            yield from _strings(value, path + (key,))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            yield from _strings(value, path + (i,))


def _placeholder_findings(loaded: LoadedValues, app: ApplicationSpec, catalog: Catalog,
                          placeholders: Placeholders) -> List[Finding]:
    out: List[Finding] = []
    used: Set[str] = set()
    # Tokens YAML escapes spelt are not replaced by the reference (escaped-placeholder): they use nothing.
    spelt = {(token.path, token.in_key): set(token.starts) for token in loaded.escaped}
    for path, text, is_key in _strings(loaded.data):
        if "%" not in text and not any(name in text for name in placeholders.names):
            continue
        for hit in placeholders.scan(text):  # keys are resolved like values (structurally, see render)
            if spelt and hit.start in spelt.get((path, is_key), ()):
                continue
            if not hit.known:
                out.append(_finding("placeholder-typo", f"{text[hit.start:hit.end]!r} looks like a misspelt placeholder",
                                    loaded, path, f"did you mean '%{hit.suggestion}%'?"))
            else:
                used.add(hit.name)
    in_comments: Dict[str, Tuple[int, int]] = {}
    for name, line, column in text_only_placeholders(loaded.text or "", loaded.data, loaded.escaped):
        in_comments[name] = (line, column)
        used.add(name)
        out.append(Finding("placeholder-in-comment", WARNING,
                           f"%{name}% appears outside the values (in a comment), yet the Edge Orchestrator, which "
                           f"replaces placeholders in the text before parsing, still sees it: it {TEXT_EFFECTS[name]}",
                           loaded.source, line, column, None,
                           f"remove %{name}% from the comment if that is not wanted"))
    registry = catalog.registries.get(app.image_registry) if app.image_registry else None
    if PRE_HOOK_CREDENTIAL in used and GENERATED_DOCKER_CREDENTIAL not in used:
        out.append(Finding("prehook-without-credential", WARNING,
                           "%PreHookCredential% is used without %GeneratedDockerCredential%", loaded.source, None, None,
                           None, "pre-install hooks get the Secret, but the chart's workloads are not told its name; "
                                 "set imagePullSecrets to '%GeneratedDockerCredential%' as well"))
    if any(is_key and "%" in text for _path, text, is_key in _strings(loaded.data)):
        out.extend(_key_collisions(loaded, app, catalog, placeholders))
    for name in sorted(used):
        problem = None
        if name in (GENERATED_DOCKER_CREDENTIAL, PRE_HOOK_CREDENTIAL, IMAGE_REGISTRY_URL, REGISTRY_CERT_CONFIG_MAP):
            if not app.image_registry:
                problem = f"%{name}% is used, but application {app.name!r} has no imageRegistry"
            elif registry is not None:
                if name in (GENERATED_DOCKER_CREDENTIAL, PRE_HOOK_CREDENTIAL) and not (
                        registry.user_name and registry.auth_token):
                    problem = f"%{name}% needs credentials, but registry {registry.name!r} has no userName/authToken"
                elif name == REGISTRY_CERT_CONFIG_MAP and not registry.ca_certs:
                    problem = f"%{name}% needs CA certificates, but registry {registry.name!r} has no caCerts"
                elif registry.type != "IMAGE":
                    problem = None  # registry-type reports it
        if problem is not None:
            first = next((p for p, t, _k in _strings(loaded.data) if f"%{name}%" in t), None)
            hint = "set the application's imageRegistry to an IMAGE registry that provides it"
            if first is None:  # only a comment holds it
                line, column = in_comments[name]
                out.append(Finding("placeholder-unsatisfiable", ERROR, problem + " (in a comment, which counts)",
                                   loaded.source, line, column, None, hint))
            else:
                out.append(_finding("placeholder-unsatisfiable", problem, loaded, first, hint))
    return out


# What lint cannot know before deployment resolves to these stand-ins: distinct per placeholder and readable
# in the message, as no real name is spelt with angle brackets.
_UNKNOWN_ORG, _UNKNOWN_PROJECT, _UNKNOWN_SECRET, _UNKNOWN_CONFIG_MAP = (
    "<organization name>", "<project name>", "<generated Secret name>", "<generated ConfigMap name>")


def _key_collisions(loaded: LoadedValues, app: ApplicationSpec, catalog: Catalog,
                    placeholders: Placeholders) -> List[Finding]:
    """The collision render refuses: two keys of one mapping equal once resolved, found by render's own resolver.

    Placeholders resolve as far as the package decides them: the image
    registry's URL from its Registry object; the organization, the project
    and the generated objects' names stand for values known at deployment
    (the two credential placeholders name the same Secret, so they collide).
    """
    spec = catalog.registries.get(app.image_registry) if app.image_registry else None
    try:
        registry = spec.to_image_registry() if spec is not None else None
    except ProfileRenderError:  # a bad Registry object: the catalog checks report it
        registry = None
    context = DeploymentContext(app_name=str(app.name or "app"), app_version=str(app.version or "0"),
                                deployment_name="deployment", namespace="namespace",
                                org=_UNKNOWN_ORG, project=_UNKNOWN_PROJECT)
    resolve = ResolveContext(context, registry, _UNKNOWN_SECRET, _UNKNOWN_CONFIG_MAP)
    resolution = Resolution(placeholders, resolve)
    for name in placeholders.names:
        placeholder = placeholders.get(name)
        assert placeholder is not None
        try:
            resolution.values[name] = placeholder.resolver(resolve)
        except ProfileRenderError:  # not satisfiable here (placeholder-unsatisfiable says so): opaque
            resolution.values[name] = f"<value of %{name}%>"
    try:
        resolve_tree(loaded.data, resolution, source=loaded.source, locate=loaded.locate)
    except PlaceholderKeyCollisionError as exc:
        return [exc.diagnostic.evolve(rule="placeholder-key-collision", severity=ERROR)]
    except ProfileRenderError:
        pass  # a misspelt placeholder stops resolution; placeholder-typo reports it
    return []


def _schema_allows(schema: Any, path: Tuple[Any, ...]) -> Optional[bool]:
    """Whether a chart schema names ``path`` under ``properties`` (True), forbids it (False), or is silent (None)."""
    node = schema
    for part in path:
        if not isinstance(node, dict):
            return None
        props = node.get("properties")
        if isinstance(props, dict) and part in props:
            node = props[part]
            continue
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict) and patterns:
            return None
        if node.get("additionalProperties") is False:
            return False
        return None
    return True


_SEPARATORS = re.compile(r"[\s._/-]+")
_MAX_SUGGESTIONS = 100  # difflib runs per chart; later findings get no "did you mean"


def _normalized(path: Sequence[Any]) -> str:
    """A value path compared loosely: keys run together, case and separators ignored (a.b_c ~ ABc)."""
    return _SEPARATORS.sub("", "".join(str(part) for part in path)).lower()


class _ChartKeys:
    """What a chart can take: its defaults, what its templates read (when known) and its schema."""

    def __init__(self, chart: Chart, defaults: Dict[str, Any], reads: Optional[TemplateReads]) -> None:
        self.chart = chart
        self.defaults = defaults
        self.reads = reads if reads is not None and reads.complete else None
        self.schema: Any = None
        if chart.schema:
            try:
                self.schema = json.loads(chart.schema)
            except ValueError:
                self.schema = None
        self._index: Optional[Dict[str, Tuple[Any, ...]]] = None
        self._suggestions = _MAX_SUGGESTIONS

    def for_values(self, data: Any) -> "_ChartKeys":
        """These keys, or, when a template runs ``tpl`` on the values, the keys with the values' own templates read."""
        if self.reads is None or not self.reads.tpl_roots:
            return self
        texts = [text for _path, text, is_key in _strings(data) if not is_key and "{{" in text]
        if not texts:
            return self
        return _ChartKeys(self.chart, self.defaults, scan_templates(self.chart, extra_texts=texts))

    def reached(self, path: Tuple[Any, ...]) -> bool:
        """Whether the defaults have the path or a template reads it (False when the templates are unknown)."""
        return walk(self.defaults, path)[0] or (self.reads is not None and self.reads.reaches(path))

    def suggest(self, path: Tuple[Any, ...]) -> Optional[Tuple[Any, ...]]:
        """The known path closest to ``path`` (defaults and template reads, compared by :func:`_normalized`)."""
        if self._suggestions <= 0:
            return None
        self._suggestions -= 1
        if self._index is None:
            index: Dict[str, Tuple[Any, ...]] = {}
            pending: List[Tuple[Tuple[Any, ...], Any]] = [((), self.defaults)]
            while pending:
                where, tree = pending.pop(0)
                if isinstance(tree, dict):
                    for key, value in tree.items():
                        index.setdefault(_normalized(where + (key,)), where + (key,))
                        pending.append((where + (key,), value))
            for read in self.reads.paths() if self.reads is not None else ():
                index.setdefault(_normalized(read), read)
            self._index = index
        wanted = _normalized(path)
        exact = self._index.get(wanted)
        if exact is not None and exact != path:
            return exact
        close = difflib.get_close_matches(wanted, [k for k, v in self._index.items() if v != path], n=1, cutoff=0.75)
        if close:
            return self._index[close[0]]
        leaf = _normalized(path[-1:])  # the same last key elsewhere (greeting -> tutorialServer.greeting)
        same = [v for v in self._index.values() if v != path and _normalized(v[-1:]) == leaf]
        return min(same, key=lambda v: (len(v), _normalized(v))) if same else None


def _unknown_key_findings(loaded: LoadedValues, keys: _ChartKeys) -> List[Finding]:
    """``unknown-key`` for profile keys the chart does not know; ``unreachable-key`` for schema-only ones.

    A key is known when the defaults have it, a template reads it or a path
    through it (or, for a key that only the scan's ``**`` stands for, a key
    below it), or the schema names it. Without the chart's templates (or when
    they cannot be followed), an empty table default (``annotations: {}``)
    takes any keys, as before templates were scanned.
    """
    out: List[Finding] = []
    reads = keys.reads
    pending: List[Tuple[Any, Any, Tuple[Any, ...]]] = [(loaded.data, keys.defaults, ())]
    while pending:
        tree, base, path = pending.pop()
        if not isinstance(tree, dict):
            continue
        if not isinstance(base, dict) or (not base and path):
            if reads is None:
                continue  # a non-table default, or an empty table default (annotations: {}) that takes any keys
            base = {}
        for key, value in tree.items():
            here = path + (key,)
            if key in base:
                pending.append((value, base[key], here))
                continue
            if reads is not None and (reads.reaches(here) or reads.reaches_below(here, value)):
                if not reads.is_open(here):
                    pending.append((value, None, here))
                continue
            allowed = _schema_allows(keys.schema, here) if keys.schema is not None else None
            if allowed and reads is None:
                continue
            close = keys.suggest(here)
            if allowed:
                out.append(_finding(
                    "unreachable-key", f"{format_path(here)} is allowed by the chart's schema, but neither a default of "
                                       "the chart nor read by any of its templates", loaded, here,
                    f"did you mean {format_path(close)}?" if close else
                    "Helm accepts it, but nothing in the chart uses it; check the key against the chart's templates"))
                continue
            if reads is None:
                message = f"{format_path(here)} is neither a default of the chart nor allowed by its schema"
                hint = "the chart never reads it unless a template does so without a default; check the chart's values.yaml"
            else:
                message = (f"{format_path(here)} is neither a default of the chart nor read by any of its templates"
                           + (" nor allowed by its schema" if keys.schema is not None else ""))
                hint = "Helm ignores it: nothing in the chart reads it; check the key against the chart's values.yaml and templates"
            out.append(_finding("unknown-key", message, loaded, here, f"did you mean {format_path(close)}?" if close else hint))
    return sorted(out, key=lambda f: (f.line or 0, f.column or 0))


def _unreachable_parameter_findings(profile: ProfileSpec, keys: _ChartKeys) -> List[Finding]:
    """``unreachable-key`` for parameter templates (deployment overrides) setting a path the chart never reaches."""
    from profile_render.orchestrator.package import parameter_templates_of

    out: List[Finding] = []
    if keys.reads is None:
        return out
    for template in parameter_templates_of(profile):
        try:
            path = template.path
        except ProfileRenderError:
            continue  # parameter-template reports it
        if not path or keys.reached(path):
            continue
        close = keys.suggest(path)
        out.append(Finding(
            "unreachable-key", WARNING,
            f"parameter template {template.name!r} sets {format_path(path)}, which neither the chart's defaults nor "
            "any of its templates reach", template.source, template.line, template.column, None,
            f"did you mean {format_path(close)!r}? A template's name is the full dotted value path" if close else
            "a value given for it at deployment is ignored; name the template after a value path the chart reads"))
    return out


def _parameter_findings(profile: ProfileSpec, loaded: Optional[LoadedValues]) -> List[Finding]:
    from profile_render.orchestrator.package import parameter_templates_of

    out: List[Finding] = []
    for template in parameter_templates_of(profile):
        try:
            check_template(template)
        except ProfileRenderError as exc:
            out.append(exc.diagnostic.evolve(rule="parameter-template", source=template.source, line=template.line,
                                             column=template.column, path=None))
            continue
        out.extend(_reference_findings(template))
        if loaded is None:
            continue
        found, value = walk(loaded.data, template.path)
        if not found:
            out.append(Finding(
                "parameter-path-missing", WARNING,
                f"parameter template {template.name!r} names a path the profile's values do not have",
                template.source, template.line, template.column, None,
                _path_hint(loaded.data, template.path)))
            continue
        expected = {"string": (str,), "number": (int, float), "boolean": (bool,)}.get(template.type, ())
        if value is not None and expected and (not isinstance(value, expected) or (
                template.type == "number" and isinstance(value, bool))):
            out.append(Finding(
                "parameter-type-mismatch", WARNING,
                f"parameter template {template.name!r} is declared {template.type}, but the profile's value is "
                f"{type(value).__name__ if not isinstance(value, bool) else 'bool'}",
                template.source, template.line, template.column, None,
                "declare the type the chart expects, so the given value reaches Helm with that type"))
    return out


def _reference_findings(template: Any) -> List[Finding]:
    """``parameter-reference-differs`` for a template's default and suggested values the reference reads otherwise."""
    if template.type == "string":
        return []
    out: List[Finding] = []
    candidates = ([("default", template.default)] if template.default not in (None, "") else []) + \
        [("suggested value", v) for v in template.suggested_values]
    for what, raw in candidates:
        try:
            value = coerce_parameter(template, raw)
        except ProfileRenderError:
            reference = reference_reading(template, raw)
            shown = "true" if reference is True else "false" if reference is False else str(reference)
            out.append(Finding(
                "parameter-reference-differs", WARNING,
                f"the {what} {'of this secret' if template.secret else repr(raw)} of parameter template "
                f"{template.name!r} is not a {template.type}; "
                f"the Edge Orchestrator deploys {shown}",
                template.source, template.line, template.column, None,
                "give an integer such as 3" if template.type == "number" else "write true or false in lower case"))
            continue
        warning = reference_divergence(template, raw, value, "this profile")
        if warning is not None:
            out.append(warning.evolve(rule="parameter-reference-differs",
                                      message=f"the {what} of parameter template {template.name!r}: "
                                              + warning.message.split(": ", 1)[1]))
    return out


def _path_hint(values: Dict[str, Any], path: Tuple[Any, ...]) -> str:
    leaf = path[-1] if path else None
    matches = []

    def visit(tree: Any, here: Tuple[Any, ...]) -> None:
        if isinstance(tree, dict):
            for k, v in tree.items():
                if k == leaf:
                    matches.append(here + (k,))
                visit(v, here + (k,))

    visit(values, ())
    if matches:
        return f"did you mean {format_path(matches[0])!r}? A template's name is the full dotted value path"
    return "name the template after a dotted value path of the profile, e.g. image.tag"


@dataclass(frozen=True)
class LintedFile:
    """One file lint read, and what it judged it as.

    ``role``: ``catalog`` (a catalog file, checked by the catalog's validator
    and/or its upload, as ``checked_by`` says), ``values`` (a profile's values
    file), ``chart`` (a ``--chart`` given) or ``ignored`` (read, but neither
    reader of catalog files would check it, and no profile names it).

    >>> first = lint_report(Path("examples/edge-package")).files[0]
    >>> first
    LintedFile(path='examples/edge-package/deployment-package.yaml', role='catalog', checked_by=('validator', 'upload'))
    >>> first.to_dict()["checkedBy"]
    ['validator', 'upload']
    """

    path: str
    role: str
    checked_by: Tuple[str, ...] = ()

    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: ``path``, ``role``, ``checkedBy``.

        >>> lint_report(Path("examples/edge-package")).files[0].to_dict()["role"]
        'catalog'
        """
        return {"path": self.path, "role": self.role, "checkedBy": list(self.checked_by)}


@dataclass(frozen=True)
class LintReport:
    """What :func:`lint_report` found, and the files it looked at (in the order read).

    >>> report = lint_report(Path("examples/edge-package"))
    >>> len(report.findings), len(report.files)
    (0, 8)
    """

    findings: List[Finding]
    files: List[LintedFile] = field(default_factory=list)
def already_reported(findings: Sequence[Finding], problem: Finding) -> bool:
    """Whether an error is already reported at ``problem``'s file, line and column."""
    return problem.line is not None and any(
        f.severity == ERROR and (f.source, f.line, f.column) == (problem.source, problem.line, problem.column)
        for f in findings)


def lint(
    paths: PackageInput,
    *,
    charts: Mapping[str, ChartInput] = {},
    registry_files: PackageInput = (),
    archive_limits: Optional[ArchiveLimits] = None,
) -> List[Finding]:
    """Every finding for a deployment package (or loose catalog files), sorted by file and position.

    ``paths`` and ``registry_files`` are files and folders (``pathlib.Path``), in-memory packages
    (:class:`~profile_render.orchestrator.catalog.memory.PackageFiles`) or lists of those; ``charts`` maps
    application names to a ``Path`` or a loaded :class:`Chart`. ``archive_limits`` bounds each chart path as it
    is loaded (see :class:`~profile_render.helm.chart.ArchiveLimits`).
    :func:`lint_report` also says which files were checked.

    >>> application = {"specSchema": "Application", "schemaVersion": "0.1", "name": "web", "version": "1.0.0",
    ...                "description": "A web server", "helmRegistry": "harbor-helm-oci", "chartName": "web",
    ...                "chartVersion": "1.0.0", "profiles": [{"name": "default", "valuesFileName": "values.yaml"}]}
    >>> files = PackageFiles.from_mapping({"application.yaml": application,
    ...                                    "values.yaml": "image: '%ImageRegistryUrl%/web'\\n"})
    >>> for finding in lint(files):
    ...     print(finding.severity, finding.rule, finding.source, finding.path)
    warning unknown-registry application.yaml ('helmRegistry',)
    error placeholder-typo values.yaml ('image',)
    """
    return lint_report(paths, charts=charts, registry_files=registry_files, archive_limits=archive_limits).findings


def _linted_files(catalog: Catalog, values_files: Sequence[str], charts: Sequence[str]) -> List[LintedFile]:
    """Every file lint read, with its role: catalog files, values files, charts, then the ones it ignored."""
    out: List[LintedFile] = []
    judged = set()
    for checked in catalog.checked_files:
        by = tuple(name for name, flag in (("validator", checked.by_validator), ("upload", checked.by_upload)) if flag)
        out.append(LintedFile(str(checked.path), "catalog", by))
        judged.add(str(checked.path))
    out.extend(LintedFile(path, "values") for path in values_files)
    out.extend(LintedFile(path, "chart") for path in charts)
    named = judged | set(values_files)
    out.extend(LintedFile(str(path), "ignored") for path in catalog.files if str(path) not in named)
    return out


_LISTED = 10  # names listed per role in the text summary; --format json lists every file
_ROLE_LABELS = (("catalog", "catalog file(s) checked"), ("values", "values file(s) checked"),
                ("chart", "chart(s) checked"), ("ignored", "file(s) ignored (neither catalog nor profile values files)"))


def files_summary(files: Sequence[LintedFile]) -> List[str]:
    """The closing lines of lint's text output: per role, how many files, then (the first ten of) their names."""
    if not files:
        return ["no file was checked: no catalog file was found in the paths given"]
    lines = []
    for role, label in _ROLE_LABELS:
        paths = [f.path for f in files if f.role == role]
        if paths:
            lines.append(f"{len(paths)} {label}:")
            lines.extend(f"  {path}" for path in paths[:_LISTED])
            if len(paths) > _LISTED:
                lines.append(f"  ... and {len(paths) - _LISTED} more (--format json lists every file)")
    return lines


def lint_report(
    paths: PackageInput,
    *,
    charts: Mapping[str, ChartInput] = {},
    registry_files: PackageInput = (),
    archive_limits: Optional[ArchiveLimits] = None,
) -> LintReport:
    """:func:`lint`'s findings plus the files it read and what it judged each as (see :class:`LintedFile`).

    >>> folder = Path("examples/edge-package")
    >>> files = PackageFiles.from_mapping({p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))},
    ...                                   label="edge-package")
    >>> report = lint_report(files)
    >>> report.findings
    []
    >>> [(f.path, f.role) for f in report.files][:2]
    [('edge-package/deployment-package.yaml', 'catalog'), ('edge-package/registries.yaml', 'catalog')]
    """
    from profile_render.orchestrator.package import checked_charts

    charts = checked_charts(charts)
    catalog = load_catalog(paths, registry_files=registry_files)
    findings = list(check_catalog(catalog))
    placeholders = Placeholders()
    loaded_charts: Dict[str, Tuple[Chart, Dict[str, Any]]] = {}
    loaded_charts_paths: List[str] = []
    chart_keys: Dict[str, _ChartKeys] = {}
    for name, chart_path in charts.items():
        try:
            chart = chart_path if isinstance(chart_path, Chart) else load_chart(chart_path, archive_limits=archive_limits)
            from profile_render.values import merge_values

            loaded_charts[name] = (chart, merge_values(chart).values)
            chart_keys[name] = _ChartKeys(chart, loaded_charts[name][1], scan_templates(chart))
            loaded_charts_paths.append(chart.source or chart.name if isinstance(chart_path, Chart) else str(chart_path))
        except ProfileRenderError as exc:
            findings.append(exc.diagnostic.evolve(rule="chart-invalid", source=exc.source or str(chart_path),
                                                  path=None))
            continue
        for _prefix, sub in chart.walk():
            for path, text, _is_key in _strings(sub.values):
                if "%" in text and placeholders.contains(text):
                    findings.append(_finding(
                        "placeholder-in-chart", f"the chart's defaults hold a placeholder ({text!r})",
                        sub.values_source, path,
                        "placeholders must be set in the Profile's values, not in the chart",
                        source=sub.values_source.source if sub.values_source is not None else sub.source))
    seen_files: Set[str] = set()
    values_read: Dict[str, None] = {}  # the profiles' values files lint read (and judged), in order
    for (app_name, _version), app in sorted(catalog.applications.items(), key=lambda kv: str(kv[0])):
        for profile in app.profiles:
            known = chart_keys.get(app_name) if app_name is not None else None
            loaded: Optional[LoadedValues] = None
            if profile.values_path is not None:
                key = str(profile.values_path)
                try:
                    loaded = read_profile_values(profile)
                except FileError as exc:
                    # missing, outside the package, not a regular file: the catalog checks report those
                    if isinstance(exc, FileTooLargeError) and key not in seen_files:
                        findings.append(exc.diagnostic.evolve(rule="values-invalid"))
                except ProfileRenderError as exc:
                    values_read[key] = None
                    # Reading the catalog already reports a values file that is not YAML: one finding, not two.
                    if key not in seen_files and not already_reported(findings, exc.diagnostic):
                        findings.append(exc.diagnostic.evolve(rule="values-invalid"))
                else:
                    values_read[key] = None
                    if known is not None:
                        known = known.for_values(loaded.data)
                    if key not in seen_files:
                        findings.extend(w if w.rule in _READER_RULES else w.evolve(rule="duplicate-key")
                                        for w in loaded.warnings)
                        findings.extend(_placeholder_findings(loaded, app, catalog, placeholders))
                        if known is not None:
                            findings.extend(_unknown_key_findings(loaded, known))
                seen_files.add(key)
            findings.extend(_parameter_findings(profile, loaded))
            if known is not None:
                findings.extend(_unreachable_parameter_findings(profile, known))
    unique = []
    keys = set()
    for f in findings:
        k = (f.rule, f.source, f.line, f.column, f.message)
        if k not in keys:
            keys.add(k)
            unique.append(f)
    ordered = sorted(unique, key=lambda f: (f.source or "", f.line or 0, f.column or 0, f.rule))
    return LintReport(ordered, _linted_files(catalog, list(values_read), loaded_charts_paths))


def format_findings(findings: Sequence[Finding], fmt: str = "text") -> str:
    """Findings as text lines (``file:line:col: severity: message [rule-id]``), a JSON list or a SARIF log."""
    return report(findings, fmt, rules=RULES)
