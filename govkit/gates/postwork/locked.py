"""What post-work takes from the WP's lock: the scope, the waivers and the merge base that count
are the LOCK's (or a later AMEND's), never text that merely appears in the packet."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from govkit.gates.lock import (
    check_lock,
    current_lock,
    load_records,
    locked_merge_base,
    locked_scope,
    locked_waivers,
)
from govkit.gates.postwork.waivers import ActiveWaiver, _parse_date
from govkit.model.common import is_placeholder
from govkit.model.records import Record
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def the_lock(ws: Workspace, wp: str, pkt_rel: str, report: Report) -> Record | None:
    """check_lock's findings (GK-LOCK-*), and the lock whose scope, waivers and merge base
    count: the intact lock, or, when the packet drifted from it, still that lock (the packet's
    own text is then not trusted). None when the WP has no readable lock."""
    lock = check_lock(ws, wp, pkt_rel, report)
    if lock is not None:
        return lock
    if not any(f.code == "GK-LOCK-DRIFT" for f in report.findings):
        return None
    return current_lock(load_records(ws, wp, problems=[]))


def scope_patterns(lock: Record) -> list[str]:
    return [p for p in (_norm(s) for s in locked_scope(lock)[0]) if p and not is_placeholder(p)]


def merge_base(lock: Record) -> str | None:
    return locked_merge_base(lock) or None


def active_locked_waivers(lock: Record, report: Report,
                          today: date | None = None) -> list[ActiveWaiver]:
    """The lock's structured waivers that are in force today."""
    today = today or datetime.now(UTC).date()
    out = []
    for w in locked_waivers(lock):
        wid = str(w.get("waiver_id") or "?")
        scope = w.get("scope") or []
        pats = [str(p) for p in (scope if isinstance(scope, list) else [scope]) if str(p).strip()]
        exp = _parse_date(str(w.get("expires") or ""))
        if not pats or exp is None:
            report.warn("GK-POST-WAIVER-INVALID", f"locked waiver '{wid}' is void (no scope or "
                        "no EXPIRES date)", lock.path)
            continue
        if exp < today:
            report.warn("GK-POST-WAIVER-EXPIRED", f"locked waiver '{wid}' expired on "
                        f"{exp.isoformat()} and is void", lock.path, None,
                        "ask the operator for a new waiver (govkit amend)")
            continue
        out.append(ActiveWaiver(wid, pats, 0))
        report.info("GK-POST-WAIVER", f"locked waiver '{wid}' active until {exp.isoformat()} "
                    "for " + ", ".join(pats), lock.path)
    return out


def range_warning(lock: Record, base: str, report: Report) -> None:
    mb = merge_base(lock)
    if mb and base != mb:
        report.warn("GK-LOCK-RANGE", f"the range starts at {base[:12]}, not at the locked merge "
                    f"base {mb[:12]}: commits of the WP before it are not judged", lock.path,
                    None, "the WP's whole range is judged by `govkit post-work WP` on a clean "
                          "tree or with --base REF")


def _norm(p: str) -> str:
    p = p.strip().replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p
