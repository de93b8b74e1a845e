"""Structured waivers (WAIVERS GRANTED): which are active today and which paths they cover."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from govkit.model.common import is_placeholder, strip_ticks
from govkit.result import Report
from govkit.util.globs import matches


@dataclass
class ActiveWaiver:
    waiver_id: str
    patterns: list[str]
    line: int


def active_waivers(pkt, report: Report, today: date | None = None) -> list[ActiveWaiver]:
    today = today or datetime.now(UTC).date()
    out = []
    for w in pkt.waivers:
        wid = strip_ticks(w.waiver_id)
        missing = [name for name, v in (("WAIVER_ID", wid), ("SCOPE", w.scope),
                                        ("REASON", w.reason), ("APPROVED_BY", w.approved_by),
                                        ("EXPIRES", w.expires)) if is_placeholder(strip_ticks(v))]
        if missing:
            report.warn("GK-POST-WAIVER-INVALID", f"waiver '{wid or '?'}' is void: missing "
                        + ", ".join(missing), pkt.path, w.line,
                        "a waiver needs WAIVER_ID, SCOPE, REASON, APPROVED_BY and EXPIRES")
            continue
        exp = _parse_date(strip_ticks(w.expires))
        if exp is None:
            report.warn("GK-POST-WAIVER-INVALID", f"waiver '{wid}' is void: EXPIRES "
                        f"'{w.expires}' is not a date (YYYY-MM-DD)", pkt.path, w.line)
            continue
        if exp < today:
            report.warn("GK-POST-WAIVER-EXPIRED", f"waiver '{wid}' expired on {exp.isoformat()} "
                        "and is void", pkt.path, w.line, "ask the operator for a new waiver")
            continue
        pats = [strip_ticks(p) for p in re.split(r"[,\s]+", w.scope) if strip_ticks(p)]
        out.append(ActiveWaiver(wid, pats, w.line))
        report.info("GK-POST-WAIVER", f"waiver '{wid}' active until {exp.isoformat()} for "
                    + ", ".join(pats), pkt.path, w.line)
    return out


def _parse_date(v: str) -> date | None:
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        return None


def waived(path: str, waivers: list[ActiveWaiver]) -> ActiveWaiver | None:
    for w in waivers:
        if any(p in ("*", "**") or matches(path, p) for p in w.patterns):
            return w
    return None
