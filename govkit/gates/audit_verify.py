"""`govkit audit verify`: the trail's seq, hash chain, HMAC and intent/result pairing, and
optionally its agreement with a signed checkpoint."""

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
    """The trail's current file: the configured one, or an existing file the user names."""
    if file_ is None:
        return hook.trail_path(ws)
    path = Path(file_).resolve()
    if not path.is_file():
        raise GovkitError("audit trail file not found", path=file_,
                          hint="pass the trail's current file (rotated siblings are found "
                               "next to it)")
    return path


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
    if everything or report.passed:
        verify_trail(path, key, show, all_problems=everything, checkpoint=cp, report=report)
    if not report.passed:
        report.next_commands.append("govkit audit verify --json (every problem)")
    return report
