"""spec-check: the spec pointer resolves to an existing file that is the newest spec version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.model.spec import newest
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def check_spec(ws: Workspace) -> Report:
    report = Report("spec-check")
    name, spec = ws.current_spec(report)
    files = [f.rsplit("/", 1)[-1] for f in ws.spec_files()]
    latest = newest(files)
    if latest is None:
        report.error("GK-SPEC-NONE", "no versioned spec file matches "
                     f"'{ws.config.get('spec.file_pattern')}' in '{ws.config.get('spec.dir')}'",
                     None, None, "add the Master Spec, e.g. Project_Master_Spec_v01.000.md")
        return report
    report.facts["latest"] = latest
    if name and spec is not None and name != latest:
        ptr = ws.spec_pointer()
        report.error("GK-SPEC-STALE", f"spec pointer names {name}, but the newest spec is {latest}",
                     ws.p("spec_current"), ptr.line, f"point SPEC_CURRENT at {latest}")
    if spec is not None:
        report.facts["spec"] = name
        report.facts["spec_sha1"] = spec.sha1_lf
    return report
