"""phase gate (kernel 12.4, with its phase argument used): closing phase N requires that no WP of
phase N is left in Ready for Dev or Blocked, and that every WP of the phase is VALIDATED."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_PHASE = re.compile(r"^(?:phase[-_ ]?)?(\d+)$", re.IGNORECASE)
_OPEN_SECTIONS = ("READY FOR DEV", "BLOCKED")
_OPEN_TOKENS = ("READY_FOR_DEV", "BLOCKED")


def parse_phase(value: str) -> str:
    """'1', 'Phase-1' or 'phase 1' -> '1'; anything else is bad input."""
    m = _PHASE.match((value or "").strip())
    if not m:
        raise GovkitError(f"invalid phase '{value}'", hint="pass a phase number, e.g. --phase 1 "
                          "(WP ids carry it: WP-1-Example is in phase 1)")
    return str(int(m.group(1)))


def phase_of(wp: str) -> str | None:
    parts = wp.split("-")
    return str(int(parts[1])) if len(parts) > 2 and parts[1].isdigit() else None


def check_phasegate(ws: Workspace, report: Report, phase: str | None = None) -> None:
    if phase is None:
        return  # no phase is being closed
    phase = parse_phase(phase)
    board_rel = ws.p("task_board")
    if not ws.abs(board_rel).is_file():
        report.error("GK-CI-PHASE-BOARD", "task board is missing", board_rel, None)
        return
    report.facts["phase"] = phase
    latest: dict[str, tuple[str, str, int]] = {}   # wp -> (token, section, line) of its last entry
    opened: set[str] = set()
    for e in ws.board().entries:
        if not e.wp or phase_of(e.wp) != phase:
            continue
        section = " ".join(e.section.split()).upper()
        if section.startswith(_OPEN_SECTIONS) or e.token in _OPEN_TOKENS:
            if e.wp not in opened:
                opened.add(e.wp)
                where = e.section or "the board"
                report.error("GK-CI-PHASE-OPEN", f"phase {phase} cannot close: {e.wp} is still in "
                             f"{where} [{e.token or '?'}]", board_rel, e.line,
                             "finish, move to a later phase, or supersede the WP first")
        latest[e.wp] = (e.token or "", section, e.line)
    if not latest:
        report.warn("GK-CI-PHASE-EMPTY", f"the board lists no WP of phase {phase}", board_rel, None,
                    f"WP ids of phase {phase} look like WP-{phase}-Name")
        return
    for wp, (token, section, line) in sorted(latest.items()):
        if wp in opened or token in ("VALIDATED", "SUPERSEDED") or section.startswith("SUPERSEDED"):
            continue
        report.error("GK-CI-PHASE-UNVALIDATED", f"phase {phase} cannot close: {wp} is "
                     f"[{token or 'no token'}], not VALIDATED", board_rel, line,
                     "validate it (govkit validator-gate) or supersede it")
    report.facts["phase_wps"] = len(latest)
