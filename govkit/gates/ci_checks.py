"""The registry of `govkit ci` checks: one rule per module, all run in one process over one
Workspace (its parse cache shared), every check run even when an earlier one fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.gates.boundary import check_boundary
from govkit.gates.completeness import check_completeness
from govkit.gates.concurrency import check_concurrency
from govkit.gates.phasegate import check_phasegate
from govkit.gates.references import check_references
from govkit.gates.specregress import check_specregress
from govkit.gates.templates_check import check_templates
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

CheckFn = Callable[["Workspace", Report], None]

CHECKS: list[tuple[str, CheckFn]] = [
    ("concurrency", check_concurrency),
    ("phase", check_phasegate),
    ("completeness", check_completeness),
    ("spec-regression", check_specregress),
    ("templates", check_templates),
    ("references", check_references),
    ("boundary", check_boundary),
]
NAMES = [n for n, _ in CHECKS]


def run_checks(ws: Workspace, report: Report, names: list[str] | None = None,
               phase: str | None = None, progress: Callable[[str], None] | None = None) -> None:
    """Run the named checks (default: all) into report. A check that meets bad input
    (GovkitError) becomes an error finding naming the check; the others still run.
    facts["ci_checks"] lists each check with its error and warning counts (one JUnit testcase
    each). phase: the phase being closed (the phase check does nothing without one).
    progress(name) hears of each check as it starts."""
    wanted = list(NAMES if names is None else names)
    unknown = [n for n in wanted if n not in NAMES]
    if unknown:
        raise GovkitError(f"unknown check(s): {', '.join(unknown)}", hint=f"checks: {', '.join(NAMES)}")
    if phase is not None:
        from govkit.gates.phasegate import parse_phase

        phase = parse_phase(phase)   # bad input is the caller's error (exit 2), not a finding
    summary = report.facts.setdefault("ci_checks", [])
    for name, fn in CHECKS:
        if name not in wanted:
            continue
        if progress is not None:
            progress(name)
        before = len(report.findings)
        try:
            if name == "phase":
                check_phasegate(ws, report, phase)
            else:
                fn(ws, report)
        except GovkitError as exc:
            report.error("GK-CI-CHECK-ERROR", f"check '{name}' could not run: {exc.message}",
                         exc.path, exc.line, exc.hint)
        mine = report.findings[before:]
        summary.append({"check": name,
                        "errors": sum(f.severity == "error" for f in mine),
                        "warnings": sum(f.severity == "warning" for f in mine),
                        "codes": sorted({f.code for f in mine})})  # JUnit: which case a finding is
