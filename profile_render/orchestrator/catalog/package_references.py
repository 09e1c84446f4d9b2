"""A DeploymentPackage's references: applications and their profiles, default profile, dependencies, namespaces."""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

from profile_render.findings import ERROR, Finding
from profile_render.orchestrator.catalog.load import indexed_dicts, scalar_text
from profile_render.orchestrator.catalog.specs import Catalog, CatalogDocument, DeploymentPackageSpec, FieldPath
from profile_render.orchestrator.catalog.wording import unknown_default


def check_package(catalog: Catalog, doc: CatalogDocument) -> List[Finding]:
    """Findings for a DeploymentPackage's references to applications, profiles, dependencies and namespaces."""
    out: List[Finding] = []
    pkg: DeploymentPackageSpec = doc.spec
    data = doc.data
    members: Dict[str, Optional[str]] = {}  # application name -> version
    for i, ref in indexed_dicts(data.get("applications")):
        name, version = scalar_text(ref.get("name")), scalar_text(ref.get("version"))
        if name is None or version is None:
            continue
        members.setdefault(name, version)
        if (name, version) not in catalog.applications:
            others = sorted(v for (n, v) in catalog.applications if n == name and v is not None)
            if others:
                message = (f"application {name!r} version {version!r} is not among the files read "
                           f"(versions read: {', '.join(others)})")
                hint = "reference a version that exists, or add that version's Application file"
            else:
                message = f"application {name!r} version {version!r} is not among the files read"
                hint = "add the Application file to the package, or fix the name"
            out.append(doc.finding("unknown-application", ERROR, message, ("applications", i), hint))

    def member(name: str) -> Tuple[Optional[str], Optional[str]]:
        """The (name, version) of the package's application called ``name`` or ``name:version``, else (None, None)."""
        if name in members:
            return name, members[name]
        if ":" in name:  # fully qualified name:version
            base, _, version = name.partition(":")
            if members.get(base) == version:
                return base, version
        return None, None

    profile_names: List[str] = []
    for i, dprofile in indexed_dicts(data.get("deploymentProfiles")):
        if isinstance(dprofile.get("name"), str):
            profile_names.append(dprofile["name"])
        for j, entry in indexed_dicts(dprofile.get("applicationProfiles")):
            app_name, profile_name = entry.get("application"), entry.get("profile")
            if not isinstance(app_name, str) or not isinstance(profile_name, str):
                continue
            base: FieldPath = ("deploymentProfiles", i, "applicationProfiles", j)
            name, version = member(app_name)
            if name is None:
                out.append(doc.finding(
                    "unknown-application", ERROR,
                    f"deployment profile {dprofile.get('name')!r} selects a profile of {app_name!r}, "
                    f"which is not an application of the package ({', '.join(members) or 'none'})",
                    base + ("application",), "list the application under applications, or fix the name"))
                continue
            app = catalog.applications.get((name, version))
            if app is None:
                continue  # reported under applications
            if app.profile(profile_name) is None:
                available = ", ".join(dict.fromkeys(p.name for p in app.profiles if p.name)) or "none"
                out.append(doc.finding(
                    "unknown-profile", ERROR,
                    f"deployment profile {dprofile.get('name')!r} selects profile {profile_name!r} of application "
                    f"{name!r} {version!r}, which has no such profile (profiles: {available})",
                    base + ("profile",), f"use one of: {available}"))
    unknown = unknown_default(doc, "unknown-deployment-profile", pkg.default_profile_name, profile_names,
                              "deployment profile", f"package {pkg.name!r}", "the deploymentProfiles")
    if unknown is not None:
        out.append(unknown)
    out.extend(_check_dependencies(doc, members))
    namespaces = data.get("defaultNamespaces")
    if isinstance(namespaces, dict):
        for app_name in namespaces:
            if app_name not in members:
                out.append(doc.finding(
                    "namespace-unknown-app", ERROR,
                    f"defaultNamespaces names {app_name!r}, which is not an application of the package "
                    f"({', '.join(members) or 'none'})",
                    ("defaultNamespaces", app_name), "the catalog refuses namespaces for applications it does not hold"))
    return out


def _check_dependencies(doc: CatalogDocument, members: Dict[str, Optional[str]]) -> List[Finding]:
    """Findings for applicationDependencies: unknown applications, self-dependencies and cycles (each once)."""
    out: List[Finding] = []
    graph: Dict[str, List[str]] = {}
    for i, dep in indexed_dicts(doc.data.get("applicationDependencies")):
        name, requires = dep.get("name"), dep.get("requires")
        if not isinstance(name, str) or not isinstance(requires, str):
            continue
        unknown = [(key, value) for key, value in (("name", name), ("requires", requires)) if value not in members]
        for key, value in unknown:
            out.append(doc.finding(
                "dependency-cycle", ERROR,
                f"applicationDependencies[{i}] names {value!r}, which is not an application of the package "
                f"({', '.join(members) or 'none'})",
                ("applicationDependencies", i, key), "dependencies link applications listed under applications"))
        if unknown:
            continue
        if name == requires:
            out.append(doc.finding("dependency-cycle", ERROR, f"application {name!r} depends on itself",
                                   ("applicationDependencies", i), "remove this dependency"))
            continue
        chain = _find_path(graph, requires, name)
        if chain is not None:
            cycle = " requires ".join([name] + chain)
            out.append(doc.finding("dependency-cycle", ERROR, f"applicationDependencies form a cycle: {cycle}",
                                   ("applicationDependencies", i),
                                   "start-up dependencies must be acyclic; remove one of these dependencies"))
            continue
        graph.setdefault(name, []).append(requires)
    return out


def _find_path(graph: Dict[str, List[str]], start: str, goal: str) -> Optional[List[str]]:
    """A path start -> ... -> goal along the edges, or None."""
    stack: List[Tuple[str, List[str]]] = [(start, [start])]
    seen: Set[str] = set()
    while stack:
        node, chain = stack.pop()
        if node == goal:
            return chain
        if node in seen:
            continue
        seen.add(node)
        for nxt in reversed(graph.get(node, [])):
            stack.append((nxt, chain + [nxt]))
    return None
