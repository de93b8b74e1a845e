"""Where gates and transactions meet the audit trail.

The trail is written only in a governed workspace: when the trail file already exists or the
workspace has its `.GOV/` directory (then `.GOV/audit/` is created on first use). A plain git
repository without `.GOV/` gets no files from read-only gates.

- gate_event: one buffered event per gate run (verdict, findings' SHA-256, tool version, git
  HEAD). A trail problem never changes a gate's verdict: it is reported as a warning.
- intent / result / denied: durable (fsynced) records under the workspace lock. They fail
  closed: if the trail cannot be written, the command stops with exit 2.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.util.warn import warn
from govkit.vcs.head import git_head

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_trails: dict = {}


def trail_path(ws: Workspace) -> Path:
    rel = ws.config.get("audit.file")
    p = Path(os.path.expanduser(rel))
    return p if p.is_absolute() else ws.abs(rel)


def enabled(ws: Workspace) -> bool:
    return trail_path(ws).exists() or ws.abs(ws.p("gov_dir")).is_dir()


def get_trail(ws: Workspace, force: bool = False):
    """The process-wide Trail of this workspace, or None when the workspace is not governed."""
    if not force and not enabled(ws):
        return None
    from govkit.audit.key import load_for
    from govkit.audit.trail import Trail

    key, _ = load_for(ws)
    path = trail_path(ws)
    cache_key = (str(path), key)
    trail = _trails.get(cache_key)
    if trail is None:
        trail = Trail(path, key=key, rotate_bytes=ws.config.get("audit.rotate_bytes"),
                      redact_patterns=ws.config.get("audit.redact_patterns"))
        _trails[cache_key] = trail
    return trail


def head(ws: Workspace) -> tuple[int, str] | None:
    """(seq, hash) of the trail's last record, or None when the workspace keeps no trail.
    Records that later checks depend on (LOCK, VALIDATED, ...) carry it as their witness."""
    trail = get_trail(ws)
    if trail is None:
        return None
    with trail.locked():
        trail.sync()
        return trail.seq, trail.hash


def gate_event(ws: Workspace, report, command: str) -> None:
    """Record a gate verdict as an audit event (buffered; written at the latest at exit)."""
    try:
        trail = get_trail(ws)
        if trail is None:
            return
        from govkit import __version__

        trail.record_event(command, report.wp, {
            "gate": report.gate, "verdict": report.verdict,
            "findings_sha256": report.findings_sha256(), "errors": len(report.errors),
            "warnings": len(report.warnings), "version": __version__,
            "head": git_head(ws.root)})
    except (GovkitError, OSError) as exc:
        warn(f"audit event not recorded: {exc}")


def intent(ws: Workspace, command: str, wp: str | None, data: dict) -> int | None:
    trail = get_trail(ws)
    if trail is None:
        return None
    with ws.lock(command):
        return trail.record_intent(command, wp, data)


def result(ws: Workspace, seq: int | None, ok: bool, data: dict | None = None) -> None:
    trail = get_trail(ws)
    if trail is None:
        return
    data = dict(data or {})
    with ws.lock("audit"):
        pending = trail.pending()
        command, wp = None, None
        if seq is None and "recovered" in data:
            # txn.recover: close the intent of the interrupted transaction it just completed.
            for s, (cmd, w) in sorted(pending.items(), reverse=True):
                if f"{cmd} {w or ''}".strip() == data["recovered"]:
                    seq = s
                    break
            command = str(data["recovered"]).split(" ")[0] or "recover"
        elif seq is not None and seq not in pending:
            data["late_for_intent"] = seq
            seq = None
        error = None if ok else (data.get("error") or "failed")
        trail.record_result(seq, result=data, error=error, command=command, wp=wp)
    return


def denied(ws: Workspace, command: str, wp: str | None, reason: str, data: dict | None = None) -> None:
    trail = get_trail(ws)
    if trail is None:
        return
    with ws.lock(command):
        trail.record_denied(command, wp, reason, data)
    return
