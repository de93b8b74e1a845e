"""Where gates and transactions meet the audit trail.

One trail per repository, in the git common directory (`<git common dir>/govkit/audit/`),
shared by every worktree: never in the work tree, so never untracked and never committed. It is
written only in a governed workspace (the workspace has its `.GOV/` directory, or the trail
exists already). The first write in a repository without any audit key makes the
per-repository key (govkit.audit.key) and says where, once, on stderr.

- gate_event: one buffered event per gate run (verdict, findings' SHA-256, tool version, git
  HEAD). A trail problem never changes a gate's verdict: it is reported as a warning.
- intent / result / denied / attest: durable (fsynced) records under the workspace lock. They
  fail closed: if the trail cannot be written, the command stops with exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.util.warn import warn
from govkit.vcs.head import git_head

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_trails: dict = {}


TRAIL_NAME = "audit.jsonl"


def trail_dir(root: Path) -> Path:
    """`<git common dir>/govkit/audit` of the repository whose work tree is root."""
    from govkit.vcs.head import git_dirs_any

    dirs = git_dirs_any(Path(root))
    if dirs is None:
        raise GovkitError("not inside a git repository: the audit trail lives in the git "
                          "directory", path=str(root), hint="run inside a git work tree")
    return dirs[1] / "govkit" / "audit"


def trail_path(ws: Workspace) -> Path:
    return trail_dir(ws.root) / TRAIL_NAME


def enabled(ws: Workspace) -> bool:
    return ws.abs(ws.p("gov_dir")).is_dir() or trail_path(ws).exists()


def _trail_signed(path: Path) -> bool:
    """Does the trail's last record carry an HMAC? (then no new key may be made for it)"""
    from govkit.audit import files

    chain = files.chain(path)
    last = files.last_line(chain[-1]) if chain else None
    return bool(last) and b'"hmac":' in last


def get_trail(ws: Workspace, force: bool = False):
    """The process-wide Trail of this workspace, or None when the workspace is not governed."""
    if not force and not enabled(ws):
        return None
    from govkit.audit.key import ensure_for, load_for
    from govkit.audit.trail import Trail

    path = trail_path(ws)
    key, _ = load_for(ws)
    if key is None and not _trail_signed(path):
        made = ensure_for(ws)
        if made is not None:
            warn(f"created this repository's audit key {made} (mode 0600, outside the "
                 "repository): back it up; docs/audit.md says how to rotate it")
            key, _ = load_for(ws)
    cache_key = (str(path), key)
    trail = _trails.get(cache_key)
    if trail is None:
        trail = Trail(path, key=key, rotate_bytes=ws.config.get("audit.rotate_bytes"),
                      redact_patterns=ws.config.get("audit.redact_patterns"))
        _trails[cache_key] = trail
    return trail


def head(ws: Workspace) -> tuple[int, str] | None:
    """(seq, hash) of the trail's last record (fsynced), or None when the workspace keeps no
    trail. Records that later checks depend on (LOCK, VALIDATED, ...) carry it as their
    witness (govkit.audit.witness.record_witness adds this trail's id)."""
    trail = get_trail(ws)
    if trail is None:
        return None
    return trail.durable_head()


def attest(ws: Workspace, command: str, wp: str | None, data: dict) -> tuple[int, str] | None:
    """A durable (fsynced) `attest` record, e.g. "post-work PASS for tree X" or a validator
    verdict, written under the workspace lock; returns its (seq, hash) (a witness for a record
    file), or None when the workspace keeps no trail."""
    trail = get_trail(ws)
    if trail is None:
        return None
    with ws.lock(command), trail.locked():
        seq = trail.append("attest", command, wp, data)
        return (seq, trail.hash) if seq is not None else None


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
        if seq is not None and "recovered" in data and seq not in pending:
            data["late_for_intent"] = seq  # closed before (an older doctor): still name it
            seq = None
        elif seq is None and "recovered" in data:
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
