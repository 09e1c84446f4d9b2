"""Catalog files: read Edge Orchestrator Application Catalog YAML and check it.

A deployment package is a folder of YAML files. Files whose documents carry
``specSchema`` hold catalog objects (``Application``, ``DeploymentPackage``,
``Registry``, ``Artifact``); other YAML files are values files (named by a
profile's ``valuesFileName``) or are ignored, as the catalog upload does.

:func:`load_catalog` reads the files into typed, immutable objects
(:class:`ApplicationSpec`, :class:`DeploymentPackageSpec`, :class:`RegistrySpec`)
and never raises for bad input: unreadable files, malformed YAML and unknown
``specSchema`` values become :class:`~profile_render.findings.Finding` objects
and loading goes on with the other files. :func:`check_catalog` validates every
object against the JSON Schemas in ``schemas/catalog-*.schema.json``, which
follow the catalog's own schema (closed top-level objects, open nested ones),
and checks the references between objects (applications, profiles, registries,
values files, dependencies, namespaces). A file is judged as a catalog file
when the catalog's validator CLI (the ``$schema`` line) or its upload (a
``specSchema`` document) would check it: ``Catalog.checked_files``.

Scalars are read as the catalog reads them (its upload and schema validator
decode with gopkg.in/yaml.v3): like :func:`profile_render.yamlio.load.load_values`
(``version: 1.0`` is a number, ``true``/``false`` booleans, timestamps text),
except that the YAML 1.1 words ``yes``/``no``/``on``/``off``/``y``/``n`` stay
strings. Documents are kept apart (never merged), and every key
and list item keeps its 1-based line and column, so each finding points at the
offending field. Registry ``authToken`` values are held as
:class:`~profile_render.orchestrator.model.Secret` and never appear in ``repr``, findings or
errors.

``jsonschema`` and ``referencing`` are imported only when :func:`check_catalog`
runs, so importing this module does not slow the merge path.
"""

from profile_render.orchestrator.catalog.checks import check_catalog
from profile_render.orchestrator.catalog.load import load_catalog
from profile_render.orchestrator.catalog.specs import (
    CATALOG_SCHEMA_URL,
    PLATFORM_REGISTRIES,
    RULES,
    SCHEMA_LINE,
    SPEC_SCHEMAS,
    VALIDATOR_RULES,
    ApplicationSpec,
    ArtifactSpec,
    Catalog,
    CheckedFile,
    DeploymentPackageSpec,
    DeploymentProfileSpec,
    ParameterTemplateSpec,
    ProfileSpec,
    RegistrySpec,
)

__all__ = [
    "ParameterTemplateSpec",
    "ProfileSpec",
    "ApplicationSpec",
    "RegistrySpec",
    "DeploymentProfileSpec",
    "DeploymentPackageSpec",
    "ArtifactSpec",
    "Catalog",
    "CheckedFile",
    "load_catalog",
    "check_catalog",
    "RULES",
    "SPEC_SCHEMAS",
    "CATALOG_SCHEMA_URL",
    "SCHEMA_LINE",
    "VALIDATOR_RULES",
    "PLATFORM_REGISTRIES",
]
