"""Shared pieces of the orchestrator gates (record-refinement, record-signature, record-prepare,
create-task-packet, stubs): timestamps, the refusal type, gate-log appends, write pre-checks.

A recording gate runs inside govkit.txn.transaction: lock, re-read, check everything, then stage
and commit the writes. When a check says no, the gate raises Refused with its Report; nothing has
been written, the refusal is audited (`denied`) and the CLI renders the report and exits 1, or 2
when a finding is bad input (format, path, interval, ...; see BAD_INPUT).
"""

from __future__ import annotations

import hashlib
import re
import stat
import time
from datetime import UTC, datetime

from govkit.errors import GovkitError
from govkit.report import Report

# Seconds a recorded timestamp may lie in the future (clock skew between machines) before it is
# an error instead of a silent pass.
CLOCK_SKEW_TOLERANCE = 5.0

# Error codes that mean "bad input" (exit 2) rather than "the gate said no" (exit 1).
BAD_INPUT = {
    "GK-SIG-FORMAT", "GK-SIG-REUSED", "GK-SIG-INTERVAL", "GK-SIG-TIMESTAMP", "GK-SIG-CLOCK",
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


def refuse_if_failed(ws, report: Report, command: str) -> None:
    """Raise Refused (after auditing `denied`) when the report has an error."""
    if report.passed:
        return
    from govkit.audit import hook

    first = report.errors[0]
    try:
        hook.denied(ws, command, report.wp, f"{first.code}: {first.message}",
                    {"codes": sorted({f.code for f in report.errors})})
    except GovkitError:
        pass  # the audit trail's own problem must not hide the refusal
    raise Refused(report)


# ---- time -------------------------------------------------------------------------------------
def iso_now(t: float | None = None) -> str:
    """ISO-8601 UTC with milliseconds and Z (the reference's Date.toISOString())."""
    from govkit.timeutil import iso

    return iso(datetime.fromtimestamp(time.time() if t is None else t, UTC))


def parse_ts(value) -> datetime | None:
    """An aware datetime, or None for a missing, unparsable or zone-less timestamp."""
    from govkit.timeutil import parse_iso

    return parse_iso(value)


def ts_problem(entry: dict, what: str, now: float) -> str | None:
    """Why entry['timestamp'] cannot be used (missing, unparsable, in the future), or None."""
    raw = entry.get("timestamp")
    dt = parse_ts(raw)
    if dt is None:
        return (f"{what} timestamp {raw!r} is missing or not an ISO-8601 UTC time; "
                "a time rule cannot pass on it")
    ahead = dt.timestamp() - now
    if ahead > CLOCK_SKEW_TOLERANCE:
        return (f"{what} timestamp {raw} is {ahead:.0f}s in the future (clock skew?); "
                "fix the clock or the record")
    return None


# ---- refinement content ----------------------------------------------------------------------
_DECISION_LINE = re.compile(
    rb"^([ \t]*[-*+][ \t]*(?:\*\*)?(USER_REVIEW_STATUS|USER_SIGNATURE|USER_APPROVAL_EVIDENCE)"
    rb"(?:\*\*)?[ \t]*:).*?(\r?\n|$)", re.MULTILINE | re.IGNORECASE)


def content_sha256(raw: bytes) -> str:
    """SHA-256 of a refinement with its decision lines (USER_REVIEW_STATUS, USER_SIGNATURE,
    USER_APPROVAL_EVIDENCE) reduced to their labels: the content the operator reviews, which
    signing does not change. LF-normalised, BOM dropped."""
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    body = _DECISION_LINE.sub(lambda m: m.group(1).upper() + m.group(3), body)
    return hashlib.sha256(body).hexdigest()


# ---- writing ----------------------------------------------------------------------------------
def check_writable(ws, rels) -> None:
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


def commit(ws, tx) -> None:
    check_writable(ws, list(tx.writes))
    tx.commit()


def append_gate_entry(ws, tx, entry: dict) -> None:
    """Stage the gate log with entry appended (reference byte format: 2-space JSON, no trailing
    newline). A gate log that cannot be parsed raises (exit 2) and is never overwritten."""
    from govkit.model.state import dump_gate_log

    log = ws.gate_log()
    log.entries.append(entry)
    tx.write_text(ws.p("gate_log"), dump_gate_log(log))
    ws.invalidate()


def default_branch(ws, wp: str) -> str:
    return ws.config.get("branch_template").format(wp=wp)


def default_worktree(ws, wp: str) -> str:
    return ws.config.get("worktree_template").format(wp=wp)
