"""Shared pieces of the orchestrator gates (record-refinement, record-signature, record-prepare,
create-task-packet, stubs): timestamps, the refusal type, gate-log appends, write pre-checks.

A recording gate runs inside govkit.txn.transaction: lock, re-read, check everything, then stage
and commit the writes. When a check says no, the gate raises Refused with its Report; nothing has
been written, the refusal is audited (`denied`) and the CLI renders the report and exits 1, or 2
when a finding is bad input (format, path, interval, ...; see BAD_INPUT).
"""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

# Error codes that mean "bad input" (exit 2) rather than "the gate said no" (exit 1). A "wait
# and retry" (GK-SIG-INTERVAL) is the gate saying "not yet": exit 1, like the validator's.
BAD_INPUT = {
    "GK-SIG-FORMAT", "GK-SIG-REUSED", "GK-SIG-TIMESTAMP", "GK-SIG-CLOCK",
    "GK-SIG-DATE", "GK-SIG-WINDOW",
    "GK-SIG-ENRICHMENT", "GK-SIG-EVIDENCE",
    "GK-PREP-WORKTREE-ABS", "GK-PREP-BRANCH", "GK-PREP-CODER",
    "GK-PKT-ENRICHMENT", "GK-PKT-TIMESTAMP",
}


class Refused(Exception):
    """A recording gate said no. Carries the report; nothing was written."""

    def __init__(self, report: Report):
        super().__init__(report.gate)
        self.report = report

    @property
    def exit_code(self) -> int:
        return 2 if any(f.code in BAD_INPUT for f in self.report.errors) else 1


def refuse_if_failed(ws: Workspace, report: Report, command: str) -> None:
    """Raise Refused (after auditing `denied`) when the report has an error."""
    if report.passed:
        return
    from govkit.audit import recorder as hook

    first = report.errors[0]
    try:
        hook.denied(ws, command, report.wp, f"{first.code}: {first.message}",
                    {"codes": sorted({f.code for f in report.errors})})
    except GovkitError:
        pass  # the audit trail's own problem must not hide the refusal
    raise Refused(report)


# ---- writing ----------------------------------------------------------------------------------
def check_writable(ws: Workspace, rels) -> None:
    """Refuse (exit 2, nothing written) when a target file is read-only or its directory is not
    writable. Checked before the transaction journal is written, so a read-only file can never
    leave a half-applied transaction behind. Mode bits count even for root."""
    import os

    for rel in rels:
        path = ws.abs(rel)
        if path.exists():
            mode = path.stat().st_mode
            if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
                raise GovkitError("file is read-only; nothing was written", path=rel,
                                  hint="make it writable (chmod u+w) and run the command again")
        parent = path.parent
        while not parent.exists() and parent != ws.root:
            parent = parent.parent
        if not os.access(parent, os.W_OK | os.X_OK):
            raise GovkitError("directory is not writable; nothing was written",
                              path=str(parent.relative_to(ws.root)) if parent != ws.root else ".")


def commit(ws: Workspace, tx) -> None:
    check_writable(ws, list(tx.writes))
    tx.commit()


def append_gate_entry(ws: Workspace, tx, entry: dict) -> None:
    """Stage the gate log with entry appended (reference byte format: 2-space JSON, no trailing
    newline). A gate log that cannot be parsed raises (exit 2) and is never overwritten."""
    from govkit.model.gatelog import dump_gate_log, parse_gate_log

    rel = ws.p("gate_log")
    if rel in tx.writes:  # appended before in this transaction: extend the staged log
        from govkit.util.textio import decode

        log = parse_gate_log(decode(tx.writes[rel], rel), rel)
    else:
        log = ws.gate_log()
    log.entries.append(entry)
    tx.write_text(rel, dump_gate_log(log))
    ws.invalidate()


def check_value(value: str | None, what: str) -> str | None:
    """A value govkit writes into an artifact: no control characters, no newlines (exit 2).
    A newline in a field value would start a new line, e.g. an `IN_SCOPE_PATHS: **` item."""
    if value is None:
        return None
    bad = next((c for c in value if ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029"),
               None)
    if bad is not None:
        raise GovkitError(f"{what} contains a control character or line break ({bad!r}); "
                          "nothing was written", hint=f"pass {what} as one line of plain text")
    return value


def default_branch(ws: Workspace, wp: str) -> str:
    return ws.config.get("branch_template").format(wp=wp)


def default_worktree(ws: Workspace, wp: str) -> str:
    return ws.config.get("worktree_template").format(wp=wp)
