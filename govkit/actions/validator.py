"""The validator verdict state machine: present-report -> acknowledge -> append -> commit.

Differences from the reference (kernel-gates.md 10 and 17.4): `append` checks that the report is
really in the packet with the same verdict; `commit` records the commit SHA (HEAD) and the
packet's SHA-256; a COMMITTED session is never reset; present-report archives an in-progress
session instead of dropping it; a missing or unparsable gate timestamp is an error, not a pass.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.model.validator_state import parse_validator_state
from govkit.result import Report
from govkit.txn.transaction import transaction
from govkit.util.timeutil import iso, now, parse_iso

if TYPE_CHECKING:
    from govkit.workspace import Workspace

ORDER = ["REPORT_PRESENTED", "USER_ACKNOWLEDGED", "WP_APPENDED", "COMMITTED"]
NEXT = {None: "present-report", "REPORT_PRESENTED": "acknowledge",
        "USER_ACKNOWLEDGED": "append", "WP_APPENDED": "commit", "COMMITTED": None}


def _rel(ws: Workspace, wp: str) -> str:
    return f"{ws.p('validator_gates_dir')}/{wp}.json"


def load(ws: Workspace, wp: str):
    rel = _rel(ws, wp)
    doc = ws.read(rel, optional=True, allow_empty=False)
    if doc is None:
        legacy = ws.p("legacy_validator_gates")
        ldoc = ws.read(legacy, optional=True)
        return parse_validator_state(ldoc, legacy, wp) if ldoc else parse_validator_state(None, rel)
    return parse_validator_state(doc, rel, wp)


def _dump(state) -> bytes:
    data = {"validation_sessions": state.sessions, "archived_sessions": state.archived}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _momentum(ws: Workspace, session: dict, gate: str, report: Report) -> None:
    gates = session.get("gates") or []
    last = gates[-1] if gates else {}
    t = parse_iso(last.get("timestamp"))
    if t is None:
        report.error("GK-VAL-TIMESTAMP", f"last gate ({last.get('gate', '?')}) has no valid "
                     "timestamp; refusing to continue", _rel(ws, session.get("wpId", "")), None,
                     "the state file was edited by hand: restore it from git")
        return
    gap = (now() - t).total_seconds()
    need = float(ws.config.get("validator.min_gate_interval_seconds"))
    if gap < -5:
        report.error("GK-VAL-CLOCK", f"last gate is {-gap:.0f}s in the future (clock skew)",
                     _rel(ws, session.get("wpId", "")))
    elif gap < need:
        report.error("GK-VAL-MOMENTUM", f"{gate} {gap:.1f}s after {last.get('gate')}; the minimum "
                     f"interval is {need:g}s", None, None, f"wait {need - gap:.1f}s and rerun")


def _report_in_packet(ws: Workspace, wp: str, verdict: str) -> tuple[bool, str]:
    """The packet has a VALIDATION REPORT section whose Verdict equals `verdict`."""
    from govkit.actions.validator_report import has_report

    rel, _ = ws.resolve_packet(wp)
    return has_report(ws.packet(rel).md, verdict), rel


def _custody(ws: Workspace, wp: str, pkt_wp: str, prel: str, report: Report) -> None:
    """The packet still matches its lock, and the state file agrees with the VALIDATED
    witnesses (record, gate log): a deleted or reverted COMMITTED state is not a fresh start."""
    from govkit.gates.lock import check_lock
    from govkit.gates.validated import state_disagrees, validated_witness
    from govkit.model.markdown import report_hidden_headings

    report_hidden_headings(ws.md(prel), report, prel)
    check_lock(ws, pkt_wp, prel, report)
    record, logged = validated_witness(ws, pkt_wp)
    if record is None and logged is None:
        return
    rel = _rel(ws, wp)
    path = ws.abs(rel)
    problem = state_disagrees(path.read_bytes() if path.is_file() else None, wp, record, logged)
    if problem:
        report.error("GK-VAL-WITNESS", f"{rel}: {problem}", rel, None,
                     f"restore {rel} from git (git log -- {rel}); a COMMITTED validation is "
                     "final: validate a new packet revision (-vN) instead")


def _witness(ws: Workspace, tx, wp: str, session: dict, entry: dict) -> None:
    """The VALIDATED record (and, in compat, its gate-log entry) in the same transaction."""
    from govkit.actions.records import stage_record
    from govkit.gates.validated import session_sha256

    body = {"verdict": session.get("verdict"), "commit": entry.get("commit"),
            "packet_sha256": entry.get("packet_sha256"), "started": session.get("started"),
            "completed": session.get("completed"), "session_sha256": session_sha256(session)}
    rec = stage_record(ws, tx, wp, "VALIDATED", body)
    tx.audit_data["validated"] = {"record": rec.path, **body}


def run(ws: Workspace, wp: str, action: str, verdict: str | None = None,
        report_text: str | None = None) -> Report:
    report = Report(f"validator-gate {action}", wp)
    wp = ws.check_wp_id(wp)
    if action == "status":
        state = load(ws, wp)
        s = state.session(wp)
        report.facts["status"] = s.get("status") if s else "no session"
        if s:
            report.facts["verdict"] = s.get("verdict")
            report.facts["gates"] = " -> ".join(g.get("gate", "?") for g in s.get("gates", []))
        nxt = NEXT.get(s.get("status") if s else None)
        if nxt:
            report.next_commands = [f"govkit validator-gate {nxt} {wp}"]
        return report
    # A verdict is about a packet: no packet, no session (exit 2 with a did-you-mean).
    prel, _how = ws.resolve_packet(wp)
    pkt_wp = prel.rsplit("/", 1)[-1][:-3] if prel.endswith(".md") else wp
    with transaction(ws, f"validator-gate {action}", wp) as tx:
        state = load(ws, wp)
        rel = _rel(ws, wp)
        s = state.session(wp)
        t = iso()
        _custody(ws, wp, pkt_wp, prel, report)
        if not report.passed:
            pass
        elif action == "present-report":
            verdict = (verdict or "").upper()
            if verdict not in ("PASS", "FAIL"):
                raise GovkitError("verdict must be PASS or FAIL")
            if s and s.get("status") == "COMMITTED":
                report.error("GK-VAL-COMMITTED", "validation is already COMMITTED for this WP", rel)
            else:
                if s:
                    state.archived.append({**s, "archived_at": t,
                                           "archive_reason": "superseded_by_new_report"})
                    report.warn("GK-VAL-ARCHIVED", "an in-progress session was archived, not "
                                "dropped", rel)
                from govkit.actions.validator_report import report_block

                state.sessions[wp] = {
                    "wpId": wp, "verdict": verdict, "status": ORDER[0], "started": t,
                    "report": report_block(ws, pkt_wp, verdict, t, report_text),
                    "gates": [{"gate": ORDER[0], "verdict": verdict, "timestamp": t}]}
        elif action == "reset":
            if not s:
                report.info("GK-VAL-NOSESSION", "no session to reset", rel)
                tx.committed = True
                return report
            if s.get("status") == "COMMITTED":
                report.error("GK-VAL-COMMITTED", "a COMMITTED validation cannot be reset", rel, None,
                             "start a new packet revision (-vN) to validate again")
            else:
                state.archived.append({**s, "archived_at": t, "archive_reason": "manual_reset"})
                del state.sessions[wp]
        else:
            want = {"acknowledge": "REPORT_PRESENTED", "append": "USER_ACKNOWLEDGED",
                    "commit": "WP_APPENDED"}[action]
            gate = ORDER[ORDER.index(want) + 1]
            if not s:
                report.error("GK-VAL-NOSESSION", "no validation session; present a report first",
                             rel, None, f"govkit validator-gate present-report {wp} PASS|FAIL")
            elif action == "commit" and s.get("verdict") != "PASS":
                report.error("GK-VAL-VERDICT", "only a PASS verdict can be committed", rel)
            elif s.get("status") != want:
                report.error("GK-VAL-ORDER", f"{action} needs status {want}, found "
                             f"{s.get('status')}", rel)
            else:
                _momentum(ws, s, gate, report)
            if report.passed and action in ("append", "commit"):
                from govkit.actions.validator_report import refuse_dirty

                refuse_dirty(ws, [rel], action, report)
            if report.passed and action == "commit":
                from govkit.gates.passed import unpassed

                why = unpassed(ws, pkt_wp, ws.git.head() or "HEAD", prel)
                if why:
                    report.error("GK-VAL-UNPASSED", why, prel, None,
                                 f"govkit post-work {wp} (on the committed tree), then rerun "
                                 "commit")
            if report.passed and action == "append":
                from govkit.actions.validator_report import append_report

                ok = append_report(ws, tx, prel, s, report)
                if not ok:
                    report.error("GK-VAL-NOT-APPENDED", f"the packet has no VALIDATION REPORT "
                                 f"section with 'Verdict: {s['verdict']}'", prel, None,
                                 "append the report to the packet, then rerun")
            if report.passed:
                entry = {"gate": gate, "timestamp": t}
                if action == "commit":
                    entry["commit"] = ws.git.head()
                    entry["packet_sha256"] = hashlib.sha256(ws.abs(prel).read_bytes()).hexdigest()
                    s["completed"] = t
                s["status"] = gate
                s.setdefault("gates", []).append(entry)
                if action == "commit":
                    _witness(ws, tx, pkt_wp, s, entry)
                from govkit.actions.validator_report import stage_status

                if action == "commit" or (action == "append" and s["verdict"] == "FAIL"):
                    stage_status(ws, tx, prel, pkt_wp, "Done",
                                 "VALIDATED" if s["verdict"] == "PASS" else "FAIL")
        if not report.passed:
            from govkit.audit import recorder as hook

            hook.denied(ws, f"validator-gate {action}", wp, report.errors[0].message)
            tx.committed = True
            return report
        tx.write(rel, _dump(state))
        written = sorted(tx.writes)
    if action in ("append", "commit"):
        from govkit.actions.validator_report import commit_step

        sha = commit_step(ws, pkt_wp, action, written)
        report.facts["git_commit"] = sha
    s = state.session(wp)
    report.facts["status"] = s.get("status") if s else "reset"
    nxt = NEXT.get(s.get("status") if s else None)
    if nxt:
        report.next_commands = [f"govkit validator-gate {nxt} {wp}"]
    if action == "append" and s.get("verdict") == "FAIL":
        report.info("GK-VAL-STOP", "verdict FAIL: no commit allowed")
    return report
