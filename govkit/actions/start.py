"""`govkit start WP`: the coder takes up a locked WP in its worktree. The packet's Status becomes
`In Progress`, its board entry moves to `## In Progress` as `[IN_PROGRESS]`, and a START record
(branch, base commit, coder, claims) is written, in one transaction; govkit then commits the
three as `[WP] chore: start` on the WP branch. pre-work stays read-only: starting is its own act.
Nothing is written unless the packet is locked and intact, Ready for Dev, on the PREPARE branch,
with the coder's claims (CODER_MODEL, CODER_REASONING_STRENGTH) filled."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from govkit.actions.common import commit, refuse_if_failed
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

COMMAND = "start"
STATUS = "In Progress"
TOKEN = "IN_PROGRESS"


def start(ws: Workspace, wp: str) -> Report:
    from pathlib import Path

    from govkit.actions.records import stage_record
    from govkit.actions.validator_report import stage_status
    from govkit.gates.lock import check_lock, load_records
    from govkit.txn.transaction import transaction

    wp = ws.check_wp_id(wp)
    report = Report(COMMAND, wp)
    with transaction(ws, COMMAND, wp) as tx:
        prel, _ = ws.resolve_packet(wp)
        wp = Path(prel).stem
        report.wp = wp
        report.facts["packet"] = prel
        pkt = ws.packet(prel)
        records = load_records(ws, wp, problems=[])
        started = next((r for r in reversed(records) if r.type == "START"), None)
        if pkt.in_progress and started is not None:
            report.info("GK-START-ALREADY", f"{wp} is already In Progress ({started.path}); "
                        "nothing to do", prel)
            report.next_commands = [f"govkit pre-work {wp}"]
            return report
        if pkt.done_like:
            report.error("GK-START-STATUS", f"{prel} is done ({pkt.status.text}); a finished "
                         "WP is not started again", prel, pkt.status.line or None,
                         "re-plan it as a -vN packet")
        elif not " ".join(pkt.status.text.replace("*", " ").split()).upper().startswith(
                "READY FOR DEV") and not pkt.in_progress:
            report.error("GK-START-STATUS", f"{prel} has Status '{pkt.status.text or '<missing>'}'"
                         "; only a Ready for Dev packet is started", prel,
                         pkt.status.line or None, "set '- **Status:** Ready for Dev' (the "
                         "status create-task-packet writes)")
        if check_lock(ws, wp, prel, report) is None and report.passed:
            report.error("GK-START-UNLOCKED", f"{wp} has no LOCK record: the operator locks the "
                         "filled packet before the coder starts", prel, None,
                         f"the operator runs `govkit lock {wp}` and commits it")
        _check_claims(pkt, prel, report)
        prep = next((r for r in reversed(records) if r.type == "PREPARE"), None)
        branch = _check_branch(ws, wp, prep, report)
        _check_clean(ws, [prel, ws.p("task_board")] + (
            [ws.p("gate_log")] if ws.config.get("profile") == "compat" else []), report)
        refuse_if_failed(ws, report, COMMAND)
        stage_status(ws, tx, prel, wp, STATUS, TOKEN)
        body = {"packet": prel, "status": STATUS, "branch": branch,
                "base": ws.git.head(),
                "coder_id": (prep.body.get("coder_id") if prep else None),
                "claims": {"model": pkt.coder_model.text.strip(),
                           "strength": pkt.coder_reasoning_strength.text.strip()}}
        rec = stage_record(ws, tx, wp, "START", body)
        written = sorted(tx.writes)   # packet, board, record (+ the gate log in compat)
        commit(ws, tx)
    report.facts["record"] = rec.path
    sha = _commit(ws, wp, written)
    if sha:
        report.facts["commit"] = sha
    report.info("GK-START-DONE", f"{wp} is In Progress: Status, board entry and {rec.path} "
                "written" + (f" and committed ({sha[:12]})" if sha else ""), prel)
    report.next_commands = [f"govkit pre-work {wp}"]
    return report


def _check_claims(pkt, prel: str, report: Report) -> None:
    """The kernel's claim (board-check GK-CLAIM-*): refused here so that ci never sees an In
    Progress packet without one."""
    from govkit.gates.board import STRENGTHS, _claim_placeholder

    if _claim_placeholder(pkt.coder_model.text):
        report.error("GK-START-CLAIM", "CODER_MODEL is not claimed "
                     f"('{pkt.coder_model.text or '<missing>'}')", prel,
                     pkt.coder_model.line or None,
                     "the orchestrator fills CODER_MODEL and CODER_REASONING_STRENGTH (the coder "
                     "record-prepare assigned) with the other fields, before the lock")
    raw = pkt.coder_reasoning_strength.text.strip()
    if _claim_placeholder(raw) or re.sub(r"[\s_-]+", "", raw.lower()) not in STRENGTHS:
        report.error("GK-START-CLAIM", "CODER_REASONING_STRENGTH must be exactly one of LOW, "
                     f"MEDIUM, HIGH or EXTRA_HIGH (got '{raw or '<missing>'}')", prel,
                     pkt.coder_reasoning_strength.line or None,
                     "filled with the other fields before the lock")


def _check_branch(ws: Workspace, wp: str, prep, report: Report) -> str | None:
    want = str((prep.body if prep else {}).get("branch") or "")
    if not want:
        logged = ws.gate_log().last(wp, "PREPARE") or {}
        want = str(logged.get("branch") or "")
    want = want.removeprefix("refs/heads/")
    here = ws.git.branch()
    if not want:
        report.error("GK-START-BRANCH", f"{wp} has no PREPARE record naming its branch", None,
                     None, f"govkit record-prepare {wp} <coder-id>")
    elif here != want:
        report.error("GK-START-BRANCH", f"start {wp} on its branch '{want}' (in its worktree), "
                     f"not on '{here or 'detached HEAD'}'", None, None,
                     f"cd into the WP's worktree (govkit worktree-add {wp}) or git switch {want}")
    return here


def _check_clean(ws: Workspace, rels: list[str], report: Report) -> None:
    """start commits the packet and the board: their own uncommitted edits would be swept in."""
    out = ws.git.out("status", "--porcelain", "--", *rels)
    dirty = [ln[3:] for ln in out.splitlines()]
    if dirty:
        report.error("GK-START-DIRTY", f"uncommitted changes in {', '.join(dirty)}: start "
                     "commits these files", dirty[0], None, "commit (or restore) them first")


def _commit(ws: Workspace, wp: str, rels: list[str]) -> str | None:
    from govkit.audit.witness import trailers

    rels = [r for r in rels if ws.abs(r).exists()]
    ws.git.run("add", "--", *rels)
    if not ws.git.out("diff", "--cached", "--name-only", "--", *rels).strip():
        return None
    ws.git.run("commit", "-q", "-m", f"[{wp}] chore: start" + trailers(ws), "--", *rels)
    return ws.git.out("rev-parse", "HEAD").strip()
