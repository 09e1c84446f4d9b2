"""profile-render: the exact values Helm renders for an Edge Orchestrator application profile.

The public API is re-exported here. Submodules load on first use (PEP 562), so
``import profile_render`` stays cheap and the ``merge`` path never pulls in
heavier dependencies it does not need.

Each public function and class shows itself with a runnable example in its
docstring; the examples assume ``from pathlib import Path``,
``from profile_render import *`` and the repository's top directory as the
working directory (``tests/test_docstring_examples.py`` runs them):

>>> chart = load_chart(Path("examples/hello-chart"))
>>> merge_values(chart, [Path("examples/overrides.yaml")]).values["replicaCount"]
3
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    # errors
    "ProfileRenderError": "errors",
    "ValuesSyntaxError": "errors",
    "ValuesTypeError": "errors",
    "LimitExceededError": "errors",
    "SetSyntaxError": "errors",
    "ChartError": "errors",
    "MergeError": "errors",
    "StrictModeError": "errors",
    "ValuesWarning": "errors",
    "Location": "errors",
    # problem records and their reporter (profile_render.report)
    "Diagnostic": "problems",
    # reading YAML
    "Limits": "yamlio.limits",
    "LoadedValues": "yamlio.load",
    "load_values": "yamlio.load",
    "load_values_file": "yamlio.load",
    # charts
    "Chart": "helm.chart",
    "Dependency": "helm.chart",
    "load_chart": "helm.chart",
    "ChartCache": "chart_cache",
    "CacheStats": "chart_cache",
    # merge
    "merge_layers": "tree",
    "coalesce_values": "helm.coalesce",
    # --set
    "apply_set": "helm.setvalues",
    "parse_set": "helm.setvalues",
    # provenance
    "Origin": "origin",
    "PathNotFoundError": "origin",
    "parse_value_path": "origin",
    # pipeline
    "Layer": "values",
    "MergeResult": "values",
    "merge_values": "values",
    # emit
    "to_json": "emit",
    "to_yaml": "emit",
    # render
    "render": "rendering",
    "RenderResult": "rendering",
    "render_many": "batch",
    "RenderRequest": "batch",
    "RenderOutcome": "batch",
    "ImageRegistry": "orchestrator.model",
    "DeploymentContext": "orchestrator.model",
    "Secret": "orchestrator.model",
    "RegistryError": "orchestrator.model",
    "ContextError": "orchestrator.model",
    "Placeholder": "orchestrator.placeholders",
    "Placeholders": "orchestrator.placeholders",
    "PlaceholderError": "orchestrator.placeholders",
    "bundle_name": "orchestrator.credentials",
}
_EXPORTS.update({
    # deployment packages held in memory (or a folder): load_catalog, lint and render_package take them
    "PackageFiles": "orchestrator.catalog.memory",
    # what a service calls besides render(): whole packages, lint, the catalog, manifest checks
    "render_package": "orchestrator.package",
    "PackageRender": "orchestrator.package",
    "PackageError": "orchestrator.package",
    "UnknownApplicationError": "orchestrator.package",
    "lint": "orchestrator.lint",
    "lint_report": "orchestrator.lint",
    "LintReport": "orchestrator.lint",
    "LintedFile": "orchestrator.lint",
    "load_catalog": "orchestrator.catalog.load",
    "Catalog": "orchestrator.catalog.specs",
    "check_manifests": "checks.manifests",
    # values.schema.json validation and the bounds a service sets on untrusted charts
    "validate_values": "helm.schema.validate",
    "ValidatorCache": "helm.schema.cache",
    "SchemaValidationError": "helm.schema.errors",
    "SchemaViolation": "helm.schema.errors",
    "InvalidSchemaError": "helm.schema.errors",
    "SchemaLimits": "helm.schema.limits",
    "ArchiveLimits": "helm.archive",
})
if TYPE_CHECKING:  # pragma: no cover - the static names of the block above (see the block at the end)
    from .checks.manifests import check_manifests as check_manifests
    from .helm.archive import ArchiveLimits as ArchiveLimits
    from .helm.schema.cache import ValidatorCache as ValidatorCache
    from .helm.schema.errors import (
        InvalidSchemaError as InvalidSchemaError,
        SchemaValidationError as SchemaValidationError,
        SchemaViolation as SchemaViolation,
    )
    from .helm.schema.limits import SchemaLimits as SchemaLimits
    from .helm.schema.validate import validate_values as validate_values
    from .orchestrator.catalog.load import load_catalog as load_catalog
    from .orchestrator.catalog.memory import PackageFiles as PackageFiles
    from .orchestrator.catalog.specs import Catalog as Catalog
    from .orchestrator.lint import (
        LintedFile as LintedFile,
        LintReport as LintReport,
        lint as lint,
        lint_report as lint_report,
    )
    from .orchestrator.package import (
        PackageError as PackageError,
        PackageRender as PackageRender,
        UnknownApplicationError as UnknownApplicationError,
        render_package as render_package,
    )

_EXPORTS.update({
    # what changed between two renders (profile-render diff)
    "diff_renders": "diff",
    "DiffResult": "diff",
    "apply_changes": "diff",
})
if TYPE_CHECKING:  # pragma: no cover - the static names of the block above
    from .diff import DiffResult as DiffResult, apply_changes as apply_changes, diff_renders as diff_renders

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'profile_render' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__() -> list:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - static names for type checkers and IDEs
    from .helm.chart import (
        Chart as Chart,
        Dependency as Dependency,
        load_chart as load_chart,
    )
    from .chart_cache import CacheStats as CacheStats, ChartCache as ChartCache
    from .emit import (
        to_json as to_json,
        to_yaml as to_yaml,
    )
    from .errors import (
        ChartError as ChartError,
        LimitExceededError as LimitExceededError,
        Location as Location,
        MergeError as MergeError,
        ProfileRenderError as ProfileRenderError,
        SetSyntaxError as SetSyntaxError,
        StrictModeError as StrictModeError,
        ValuesSyntaxError as ValuesSyntaxError,
        ValuesTypeError as ValuesTypeError,
        ValuesWarning as ValuesWarning,
    )
    from .problems import Diagnostic as Diagnostic
    from .yamlio.limits import Limits as Limits
    from .yamlio.load import (
        LoadedValues as LoadedValues,
        load_values as load_values,
        load_values_file as load_values_file,
    )
    from .helm.coalesce import coalesce_values as coalesce_values
    from .origin import (
        Origin as Origin,
        PathNotFoundError as PathNotFoundError,
        parse_value_path as parse_value_path,
    )
    from .tree import merge_layers as merge_layers
    from .helm.setvalues import (
        apply_set as apply_set,
        parse_set as parse_set,
    )
    from .values import (
        Layer as Layer,
        MergeResult as MergeResult,
        merge_values as merge_values,
    )
    from .orchestrator.credentials import bundle_name as bundle_name
    from .orchestrator.model import (
        ContextError as ContextError,
        DeploymentContext as DeploymentContext,
        ImageRegistry as ImageRegistry,
        RegistryError as RegistryError,
        Secret as Secret,
    )
    from .rendering import (
        RenderResult as RenderResult,
        render as render,
    )
    from .batch import (
        RenderOutcome as RenderOutcome,
        RenderRequest as RenderRequest,
        render_many as render_many,
    )
    from .orchestrator.placeholders import (
        Placeholder as Placeholder,
        PlaceholderError as PlaceholderError,
        Placeholders as Placeholders,
    )
