"""Reading YAML: one reader for values files, catalog files and manifest streams.

Split by concern; each reader is a thin user of these modules:

* :mod:`~profile_render.yamlio.decode` -- bytes to text (UTF-8, UTF-16 after
  a byte order mark), invalid bytes located;
* :mod:`~profile_render.yamlio.limits` -- :class:`~profile_render.yamlio.limits.Limits`
  (size, depth, alias expansion, nodes), each reader's defaults, and the
  depth guard that keeps deep text away from libyaml;
* :mod:`~profile_render.yamlio.parse` -- libyaml or PyYAML's pure-Python
  parser, chosen per text (libyaml mended where go-yaml v2 scans
  differently, for texts too long for the pure-Python parser); events pulled
  document by document;
* :mod:`~profile_render.yamlio.scalars` -- go-yaml v2 scalar resolution, Go
  number parsing and Go float formatting;
* :mod:`~profile_render.yamlio.policy` -- the scalar policies: ``HELM``
  (values, ``Chart.yaml``), ``KUBERNETES`` (manifests), ``CATALOG`` (catalog
  files);
* :mod:`~profile_render.yamlio.build` -- the one node builder
  (:func:`~profile_render.yamlio.build.read_documents`): aliases, merge keys,
  positions, duplicate keys, budgets;
* :mod:`~profile_render.yamlio.stream` and :mod:`~profile_render.yamlio.anchored`
  -- the streaming builders the node builder tries first (values built
  straight from the events, none kept), and following one value path
  through a text's events (provenance);
* :mod:`~profile_render.yamlio.located` -- parser errors as located
  :class:`~profile_render.errors.ProfileRenderError` objects;
* :mod:`~profile_render.yamlio.unquoted` -- unquoted placeholders in a
  Profile's text (``key: %OrgName%``), read without text substitution and
  re-read, once resolved, as Helm reads a plain scalar;
* :mod:`~profile_render.yamlio.load` -- the values-file API
  (:func:`~profile_render.yamlio.load.load_values` and friends).

The readers: values here (:mod:`~profile_render.yamlio.load`), catalog files in
:mod:`profile_render.orchestrator.catalog.read`, manifests in
:mod:`profile_render.checks.read`. Nothing is imported here, so importing a
submodule stays cheap.
"""
