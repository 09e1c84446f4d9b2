"""An Application's references: its default profile, its Helm and image registries, its profiles' values files."""

from __future__ import annotations

import difflib
from typing import List

from profile_render.errors import format_path
from profile_render.findings import ERROR, WARNING, Finding
from profile_render.orchestrator.catalog.wording import defined_at, unknown_default
from profile_render.orchestrator.catalog.specs import (
    PLATFORM_REGISTRIES, ApplicationSpec, Catalog, CatalogDocument, ProfileSpec,
)


def check_application(catalog: Catalog, doc: CatalogDocument) -> List[Finding]:
    """Findings for an Application's references: its defaultProfile, its registries and its values files."""
    out: List[Finding] = []
    app: ApplicationSpec = doc.spec
    names = list(dict.fromkeys(p.name for p in app.profiles if p.name is not None))
    unknown = unknown_default(doc, "unknown-profile", app.default_profile_name, names, "profile",
                              f"application {app.name!r}", "the application's profiles")
    if unknown is not None:
        out.append(unknown)
    for field_name, wanted in (("helmRegistry", "HELM"), ("imageRegistry", "IMAGE")):
        name = doc.data.get(field_name)
        if not isinstance(name, str) or not name:
            continue
        registry = catalog.registries.get(name)
        if registry is None and PLATFORM_REGISTRIES.get(name, wanted) != wanted:
            out.append(doc.finding(
                "registry-type", ERROR,
                f"{field_name} {name!r} is the {PLATFORM_REGISTRIES[name]} registry every Edge Orchestrator project "
                f"has; {field_name} needs one of type {wanted}",
                (field_name,), f"name a registry of type {wanted}, e.g. {_platform_of_type(wanted)}"))
        elif registry is None:
            out.append(_unknown_registry(catalog, doc, field_name, name))
        elif registry.type in ("HELM", "IMAGE") and registry.type != wanted:
            out.append(doc.finding(
                "registry-type", ERROR,
                f"{field_name} {name!r} is a registry of type {registry.type} ({defined_at(registry)}); "
                f"{field_name} needs one of type {wanted}",
                (field_name,), f"name a registry of type {wanted}"))
    for profile in app.profiles:
        out.extend(_check_values_file(doc, profile))
    return out


def _platform_of_type(wanted: str) -> str:
    """The names of the platform registries of type ``wanted`` (HELM or IMAGE), joined with 'or'."""
    return " or ".join(name for name, kind in PLATFORM_REGISTRIES.items() if kind == wanted)


def _unknown_registry(catalog: Catalog, doc: CatalogDocument, field_name: str, name: str) -> Finding:
    """The finding for a registry reference that no file read defines (a platform registry's is a warning)."""
    known = sorted(n for n in catalog.registries if isinstance(n, str))
    platform = PLATFORM_REGISTRIES.get(name)
    if platform is not None:
        return doc.finding(
            "unknown-registry", WARNING,
            f"{field_name} {name!r} is not defined by the files read; it is the {platform} registry every Edge "
            "Orchestrator project has", (field_name,),
            "every Edge Orchestrator project has this registry; pass its Registry file in registry_files "
            "(or --registry) to check its URL and credentials")
    wanted = "HELM" if field_name == "helmRegistry" else "IMAGE"
    close = difflib.get_close_matches(name, sorted(set(known) | set(PLATFORM_REGISTRIES)), n=1, cutoff=0.75)
    platforms = f"every project also has {_platform_of_type(wanted)} ({wanted})"
    if catalog.registry_files_given:
        hint = f"did you mean {close[0]!r}?" if close else (
            f"registries read: {', '.join(known)}; {platforms}" if known else f"no Registry object was read; {platforms}")
        return doc.finding("unknown-registry", ERROR,
                           f"{field_name} {name!r} is not defined by the package or the registry files",
                           (field_name,), hint)
    hint = ("it must already exist in the project's catalog; pass the Registry file in registry_files to check it "
            f"({platforms})")
    if close:
        hint = f"did you mean {close[0]!r}? Otherwise {hint}"
    return doc.finding("unknown-registry", WARNING,
                       f"{field_name} {name!r} is not defined by the files read", (field_name,), hint)


def _check_values_file(doc: CatalogDocument, profile: ProfileSpec) -> List[Finding]:
    """A profile's ``valuesFileName``: given, inside the package directory (links followed), a regular file."""
    label = f"profile {profile.name!r}" if profile.name else f"profile {format_path(profile.field_path)}"
    if not profile.values_file_name:
        return [doc.finding("missing-values-file", ERROR,
                            f"{label} names no values file; the catalog upload needs valuesFileName",
                            profile.field_path + ("valuesFileName",),
                            "add valuesFileName: <file>.yaml (the file may be empty)", at=profile.field_path)]
    assert profile.values_path is not None
    name = profile.values_file_name
    where = profile.field_path + ("valuesFileName",)
    found = profile.package_folder().values_file_state(name)
    if found.outside is not None:
        return [doc.finding("file-outside-package", ERROR,
                            f"values file {name!r} of {label} {found.outside}; a package may only use its own files",
                            where, "name a file inside the Application file's folder (symbolic links must "
                                   "stay inside it too); the file is not read")]
    if found.problem is None:
        return []
    state = found.problem
    looked = f" (looked for {profile.values_path})" if "\0" not in name else ""
    return [doc.finding("missing-values-file", ERROR, f"values file {name!r} of {label} {state}{looked}",
                        where, "valuesFileName is relative to the Application file's folder; the file may be empty")]
