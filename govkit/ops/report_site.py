"""The data behind `govkit report --html`: the board, one page of facts per WP, the
traceability matrix and the audit verification, each gate result a real Report (the same
objects the console renders). Read-only: it runs gates, it records nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

ACTIVE = ("IN_PROGRESS", "READY_FOR_DEV", "READY")


@dataclass
class WpPage:
    wp: str
    packet: str | None = None
    status: str = ""
    board: list[tuple[str, str]] = field(default_factory=list)   # (section, token)
    lock: dict = field(default_factory=dict)
    gates: list[Report] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    manifest: list[dict] = field(default_factory=list)
    verdicts: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Site:
    root: str
    board: Report
    sections: list[tuple[str, list[dict]]]      # board section -> entries
    wps: dict[str, WpPage]
    trace: Report
    audit: Report


def _guard(gate: str, wp: str | None, fn) -> Report:
    """A gate that meets unreadable input shows it as its one finding; the site still builds."""
    try:
        return fn()
    except GovkitError as exc:
        r = Report(gate, wp)
        r.error("GK-REPORT-GATE-ERROR", f"{gate} could not run: {exc.message}", exc.path, exc.line,
                exc.hint)
        return r


def _board(ws: Workspace) -> tuple[list[tuple[str, list[dict]]], dict[str, list[tuple[str, str]]]]:
    sections: dict[str, list[dict]] = {}
    by_wp: dict[str, list[tuple[str, str]]] = {}
    if not ws.abs(ws.p("task_board")).is_file():
        return [], by_wp
    for e in ws.board().entries:
        sections.setdefault(e.section or "(no section)", []).append(
            {"wp": e.wp, "token": e.token or "", "text": e.text, "line": e.line})
        if e.wp:
            by_wp.setdefault(e.wp, []).append((e.section, e.token or ""))
    return list(sections.items()), by_wp


def _lock(ws: Workspace, wp: str, rel: str) -> dict:
    from govkit.gates.lock import check_lock, load_records

    r = Report("lock", wp)
    problems: list = []
    try:
        records = load_records(ws, wp, problems=problems)
    except GovkitError as exc:
        return {"state": "unreadable", "detail": exc.message, "report": r}
    lock = check_lock(ws, wp, rel, r, records if not problems else None)
    state = "locked" if lock is not None else ("none" if not records else "broken")
    return {"state": state, "records": len(records), "report": r,
            "seq": getattr(lock, "seq", None) if lock is not None else None}


def _manifest(ws: Workspace, rel: str) -> list[dict]:
    from govkit.model.manifest import parse_manifest

    pkt = ws.packet(rel)
    out = []
    for b in parse_manifest(pkt.md, rel).real_blocks:
        out.append({"line": b.line, "fields": {k: (v.value or "").strip() for k, v in b.fields.items()},
                    "gates": sorted(b.gates_checked)})
    return out


def _verdicts(ws: Workspace, wp: str) -> list[dict]:
    from govkit.actions.validator import load

    state = load(ws, wp)
    out = [dict(s, current=True) for s in state.sessions.values() if isinstance(s, dict)]
    out += [dict(a, current=False) for a in state.archived if isinstance(a, dict)]
    return out


def _events(ws: Workspace) -> dict[str, list[dict]]:
    from govkit.audit.query import records
    from govkit.audit.recorder import trail_path

    path = trail_path(ws)
    out: dict[str, list[dict]] = {}
    if not path.is_file():
        return out
    for _f, _n, rec in records(path):
        wp = rec.get("wp")
        if isinstance(wp, str):
            out.setdefault(wp, []).append(rec)
    return out


def _prepared_branch(ws: Workspace, wp: str) -> str | None:
    try:
        prep = ws.gate_log().last(wp, "PREPARE")
    except GovkitError:
        return None
    return str(prep.get("branch") or "").strip().removeprefix("refs/heads/") if prep else None


def _wp_page(ws: Workspace, wp: str, rel: str | None, board: list[tuple[str, str]],
             events: list[dict], branch: str | None) -> WpPage:
    from govkit.gates.phase import check_phases
    from govkit.gates.postwork.gate import check_postwork
    from govkit.gates.prework import check_prework

    page = WpPage(wp, rel, board=board, events=events)
    if rel is None:
        return page
    try:
        page.status = ws.packet(rel).status.text
        page.manifest = _manifest(ws, rel)
    except GovkitError as exc:
        page.status = f"unreadable packet: {exc.message}"
    page.lock = _guard_lock(ws, wp, rel)
    tokens = {t for _s, t in board}
    page.gates.append(_guard("gate-check", wp, lambda: check_phases(ws, wp, rel)))
    # pre-work and post-work judge work still to be done; a finished WP has its verdict.
    if tokens & set(ACTIVE) or not tokens:
        page.gates.append(_guard("pre-work", wp, lambda: check_prework(ws, wp)))
        # post-work judges the working tree, which belongs to the WP of the checked-out branch,
        # and only once work started (one git diff per WP would cost seconds on a large board).
        want = _prepared_branch(ws, wp)
        if tokens and "IN_PROGRESS" not in tokens:
            page.notes.append("post-work not run: the WP is not In Progress yet")
        elif want and want == branch:
            page.gates.append(_guard("post-work", wp, lambda: check_postwork(ws, wp)))
        else:
            page.notes.append(f"post-work not run: it judges the working tree of the WP's branch "
                              f"({want or 'no PREPARE record'}); the report ran on "
                              f"{branch or 'a detached HEAD'}")
    try:
        page.verdicts = _verdicts(ws, wp)
    except GovkitError as exc:
        page.verdicts = [{"status": f"unreadable: {exc.message}", "current": True}]
    return page


def _guard_lock(ws: Workspace, wp: str, rel: str) -> dict:
    try:
        return _lock(ws, wp, rel)
    except GovkitError as exc:
        return {"state": "unreadable", "detail": exc.message}


def collect(ws: Workspace) -> Site:
    from govkit.gates.activeset import packet_names
    from govkit.gates.audit_verify import check_trail
    from govkit.gates.board import check_board
    from govkit.trace.matrix import build

    board_report = _guard("board-check", None, lambda: check_board(ws))
    sections, by_wp = _board(ws)
    pdir = ws.p("task_packets_dir")
    packets = {n[:-3]: f"{pdir}/{n}" for n in packet_names(ws)}
    events = _events(ws)
    branch = ws.git.branch()
    wps = {}
    for wp in sorted(set(packets) | set(by_wp)):
        wps[wp] = _wp_page(ws, wp, packets.get(wp), by_wp.get(wp, []), events.get(wp, []), branch)
    trace = _guard("trace", None, lambda: build(ws))
    audit = _guard("audit-verify", None, lambda: check_trail(ws, None, None, True))
    return Site(str(ws.root), board_report, sections, wps, trace, audit)
