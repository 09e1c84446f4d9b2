"""Findings: what lint and the package checks report, one :class:`Finding` per problem.

A finding is a :class:`~profile_render.problems.Diagnostic` (``Finding`` is
that class): rule id, severity, location, field or value path, message and
hint. :mod:`profile_render.report` writes findings as text
(``file:line:col: severity: message [rule-id]``), JSON or SARIF.
"""

from __future__ import annotations

from profile_render.problems import ERROR, INFO, SEVERITIES, WARNING, Finding

__all__ = ["Finding", "ERROR", "WARNING", "INFO", "SEVERITIES"]
