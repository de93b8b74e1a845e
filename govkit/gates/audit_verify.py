"""`govkit audit verify`: the trail's seq, hash chain, HMAC and intent/result pairing, that every
witness of it (commit trailers, the checkpoint ref, checkpoint and record files, the index's
high-water mark) names a record on its chain, and optionally its agreement with a signed
checkpoint."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from govkit.audit import checkpoint as cp_mod
from govkit.audit import recorder as hook
from govkit.audit.key import load_for
from govkit.audit.verify import verify_trail
from govkit.errors import GovkitError
from govkit.result import Report
from govkit.util.paths import display_for

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def trail_file(ws: Workspace, file_: str | None) -> Path:
    """The trail's current file: the repository's, or an existing file the user names."""
    if file_ is None:
        return hook.trail_path(ws)
    path = Path(file_).resolve()
    if not path.is_file():
        raise GovkitError("audit trail file not found", path=file_,
                          hint="pass the trail's current file (rotated siblings are found "
                               "next to it)")
    return path


def witnesses(ws: Workspace, key: bytes | None, report: Report) -> list:
    """This trail's witnesses; witnesses of other trails are counted in an info finding."""
    from govkit.audit.witness import collect

    path = hook.trail_path(ws)
    found, other = collect(ws, key, path.with_name(f".{path.name}.idx"))
    report.facts["witnesses"] = len(found)
    if other and key is None:
        report.warn("GK-AUDIT-WITNESS-OTHER", f"{other} witness(es) name a trail, but without "
                    "an audit key this clone cannot tell whether it is its own: not judged",
                    hint="restore this repository's key (docs/audit.md), or set "
                         "GOVKIT_AUDIT_KEY")
    elif other:
        report.info("GK-AUDIT-WITNESS-OTHER", f"{other} witness(es) name another trail (commits "
                    "or files from another clone, or made before this trail's key changed): "
                    "not judged here")
    return found


def check_witnesses(ws: Workspace, report: Report) -> None:
    """For `govkit ci`: the trail verifies and every witness of it is on its chain; the
    findings (errors and warnings) go into report."""
    if not hook.enabled(ws):
        return  # not a governed workspace: no trail, nothing witnessed it
    key, _ = load_for(ws)
    if key is None and not hook.trail_path(ws).exists():
        # A fresh clone (a CI runner): no trail and no key here. The witnesses in its commits
        # are judged on the machines whose trails they name; CI judges the branch (--base).
        report.info("GK-AUDIT-NO-TRAIL", "no audit trail and no audit key in this clone: the "
                    "commits' audit witnesses are not judged here",
                    hint="run `govkit ci` where the trail lives, or set GOVKIT_AUDIT_KEY")
        return
    sub = Report("audit-witness")
    found = witnesses(ws, key, sub)
    verify_trail(hook.trail_path(ws), key, display_for(ws.root), all_problems=False,
                 report=sub, witnesses=found, cached=True)
    for f in sub.findings:
        if f.severity in ("error", "warning") and f.code not in ("GK-AUDIT-OPEN",
                                                                  "GK-AUDIT-QUARANTINE"):
            report.findings.append(f)
    report.facts["audit_witnesses"] = sub.facts.get("witnesses", 0)
    report.facts["audit_resumed_at_seq"] = sub.facts.get("resumed_at_seq", 0)


def check_trail(ws: Workspace, file_: str | None, checkpoint: str | None,
                everything: bool) -> Report:
    """everything: list every problem (else stop at the first one)."""
    key, _ = load_for(ws)
    path = trail_file(ws, file_)
    show = display_for(ws.root)
    report = Report("audit-verify")
    cp = None
    if checkpoint:
        cp = cp_mod.load(Path(checkpoint))
        report.facts["checkpoint"] = checkpoint
        cp_mod.check_signature(ws, cp, report, checkpoint)
    found = witnesses(ws, key, report) if file_ is None else []
    if everything or report.passed:
        verify_trail(path, key, show, all_problems=everything, checkpoint=cp, report=report,
                     witnesses=found)
    if not report.passed:
        report.next_commands.append("govkit audit verify --json (every problem)")
    return report
