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
import sys
from pathlib import Path

from govkit.errors import GovkitError

_trails: dict = {}


def trail_path(ws) -> Path:
    rel = ws.config.get("audit.file")
    p = Path(os.path.expanduser(rel))
    return p if p.is_absolute() else ws.abs(rel)


def enabled(ws) -> bool:
    return trail_path(ws).exists() or ws.abs(ws.p("gov_dir")).is_dir()


def get_trail(ws, force: bool = False):
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


def git_head(root: Path) -> str | None:
    """HEAD's commit id from the .git files (worktrees and packed refs too); one `git
    rev-parse` call only when the files do not say."""
    try:
        gitdir = Path(root) / ".git"
        if gitdir.is_file():
            text = gitdir.read_text().strip()
            if text.startswith("gitdir:"):
                gitdir = (Path(root) / text[7:].strip()).resolve()
        head = (gitdir / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head or None
        ref = head[4:].strip()
        common = gitdir
        if (gitdir / "commondir").is_file():
            common = (gitdir / (gitdir / "commondir").read_text().strip()).resolve()
        for base in (gitdir, common):
            f = base / ref
            if f.is_file():
                return f.read_text().strip()
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split(" ", 1)[0]
        return None  # unborn branch
    except OSError:
        pass
    import subprocess

    try:
        p = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root,
                           capture_output=True, text=True, timeout=10)
        return p.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _warn(msg: str) -> None:
    print(f"govkit: warning: {msg}", file=sys.stderr)


def gate_event(ws, report, command: str) -> None:
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
        _warn(f"audit event not recorded: {exc}")


def intent(ws, command: str, wp: str | None, data: dict) -> int | None:
    trail = get_trail(ws)
    if trail is None:
        return None
    with ws.lock(command):
        return trail.record_intent(command, wp, data)


def result(ws, seq: int | None, ok: bool, data: dict | None = None) -> None:
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


def denied(ws, command: str, wp: str | None, reason: str, data: dict | None = None) -> None:
    trail = get_trail(ws)
    if trail is None:
        return
    with ws.lock(command):
        trail.record_denied(command, wp, reason, data)
    return
