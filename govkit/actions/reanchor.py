"""`govkit reanchor WP`: after a spec bump, move a locked WP's refinement to the new spec version
when every anchored excerpt is unchanged (moved lines follow: the new windows are computed from
the new spec), without a new signature. One transaction writes the refinement (SPEC_TARGET_*,
the moved windows) and a REANCHOR record (old/new spec SHA-1, old/new refinement SHA-256, the
anchor moves), chained and witnessed like every record; then both are committed as
`[WP] chore: reanchor`. A changed or missing excerpt writes nothing: the operator reviews the
changed law (a new signature, or a -vN packet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.actions.common import commit, refuse_if_failed
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

COMMAND = "reanchor"


def reanchor(ws: Workspace, wp: str, commit_changes: bool = True) -> Report:
    from pathlib import Path

    from govkit.actions.records import stage_record
    from govkit.gates.lock import anchored_state, current_lock, load_records, reanchor_lines, records_dir
    from govkit.gates.reanchor_plan import FOLLOWS, MOVED, describe, plan
    from govkit.model.edit import set_field
    from govkit.model.records import chain_problems
    from govkit.model.refinement import content_sha256
    from govkit.txn.transaction import transaction

    wp = ws.check_wp_id(wp)
    report = Report(COMMAND, wp)
    with transaction(ws, COMMAND, wp) as tx:
        pkt_rel, _ = ws.resolve_packet(wp)
        wp = Path(pkt_rel).stem
        report.wp = wp
        records = load_records(ws, wp)
        d = records_dir(ws, wp)
        for path, problem in chain_problems(records):
            report.error("GK-REANCHOR-STATE", f"the record chain of {wp} is broken: {problem}",
                         path, None, f"restore {d}/ from git")
        lock = current_lock(records)
        if lock is None and report.passed:
            report.error("GK-REANCHOR-STATE", f"{wp} has no LOCK record: there is no signed, "
                         "locked refinement to move", d, None,
                         f"before the lock, re-record the refinement: govkit new refinement "
                         f"{wp} ... / govkit record-refinement {wp}")
        refuse_if_failed(ws, report, COMMAND)
        assert lock is not None
        ref_in_force, spec_in_force, forged = anchored_state(records, lock)
        for path, problem in forged:
            report.error("GK-REANCHOR-STATE", f"{path}: {problem}", path, None,
                         f"restore {d}/ from git")
        ref_rel = str(ref_in_force.get("path") or ws.refinement_rel(wp))
        ws.safe_path(ref_rel, "refinement path")
        report.facts.update({"packet": pkt_rel, "refinement": ref_rel})
        if not ws.abs(ref_rel).is_file():
            report.error("GK-REANCHOR-STATE", f"refinement {ref_rel} is missing", ref_rel, None,
                         "restore it from git")
        refuse_if_failed(ws, report, COMMAND)
        raw = ws.abs(ref_rel).read_bytes()
        old_sha = content_sha256(raw)
        if old_sha != ref_in_force.get("content_sha256"):
            report.error("GK-REANCHOR-EDITED", f"refinement {ref_rel} changed since it was "
                         f"locked (SHA-256 {old_sha[:12]}, locked "
                         f"{str(ref_in_force.get('content_sha256'))[:12]}); only an unchanged, "
                         "signed refinement is moved", ref_rel, None,
                         f"restore it from git (git checkout HEAD -- {ref_rel}), then rerun")
        name, spec = ws.current_spec(report)
        refuse_if_failed(ws, report, COMMAND)
        assert spec is not None and name is not None
        old_name, old_sha1 = spec_in_force.get("name"), spec_in_force.get("sha1")
        report.facts.update({"old_spec": old_name, "new_spec": name})
        if old_name == name and old_sha1 == spec.sha1_raw:
            report.info("GK-REANCHOR-CURRENT", f"{wp} is anchored to the current spec {name}; "
                        "nothing to move", ref_rel)
            return report
        ref = ws.refinement(ref_rel)
        moves = plan(ws, ref, str(old_name or ""), spec)
        report.facts["anchors"] = describe(moves)
        bad = [m for m in moves if m.status not in FOLLOWS]
        for m in bad:
            where = f"lines {m.old[0]}-{m.old[1]} of {old_name}" if m.old else "its window"
            what = ("changed (its token is still in the new spec, its text is not)"
                    if m.status == "CHANGED" else "is gone (neither its text nor its token is "
                    "in the new spec)")
            report.error("GK-REANCHOR-CHANGED", f"{wp} {m.anchor}: the spec text at {where} "
                         f"{what} in {name}; the WP needs a new signature", ref_rel, m.line,
                         "the operator reviews the changed requirement: a WP not yet signed is "
                         f"re-recorded and signed (govkit record-refinement {wp}, govkit "
                         f"record-signature {wp} <signature>); a signed WP is re-planned as a "
                         f"-vN packet ({wp}-v2) with its own signature")
        if not moves:
            report.error("GK-REANCHOR-CHANGED", f"{ref_rel} has no anchors to move", ref_rel,
                         None, "a refinement needs at least one SPEC_ANCHOR")
        for field, value in ((ref.spec_target_resolved, "SPEC_TARGET_RESOLVED"),
                             (ref.spec_target_sha1, "SPEC_TARGET_SHA1")):
            if not field.line:
                report.error("GK-REANCHOR-STATE", f"{ref_rel} has no {value} line", ref_rel,
                             None, f"add '- {value}:' (see the template)")
        refuse_if_failed(ws, report, COMMAND)
        new = set_field(raw, ref.spec_target_resolved.line, "SPEC_TARGET_RESOLVED",
                        f"{ws.p('spec_current')} -> {name}")
        new = set_field(new, ref.spec_target_sha1.line, "SPEC_TARGET_SHA1", spec.sha1_raw)
        for m in moves:
            if m.status == MOVED and m.new:
                new = set_field(new, m.start_line, "CONTEXT_START_LINE", str(m.new[0]))
                new = set_field(new, m.end_line, "CONTEXT_END_LINE", str(m.new[1]))
        new_sha = content_sha256(new)
        body = {"packet": pkt_rel, "lock": lock.path,
                "refinement": {"path": ref_rel, "old_sha256": old_sha, "new_sha256": new_sha},
                "spec": {"old": {"name": old_name, "sha1": old_sha1},
                         "new": {"name": name, "sha1": spec.sha1_raw}},
                "anchors": [{"anchor": m.anchor, "status": m.status,
                             "old": list(m.old) if m.old else None,
                             "new": list(m.new) if m.new else None} for m in moves],
                "lines": reanchor_lines(raw, new)}
        tx.write(ref_rel, new)
        rec = stage_record(ws, tx, wp, "REANCHOR", body)
        tx.audit_data.update({"refinement": ref_rel, "spec": name})
        written = sorted(tx.writes)   # refinement, record (+ the gate log in compat)
        commit(ws, tx)
    report.facts["record"] = rec.path
    moved = sum(1 for m in moves if m.status == MOVED)
    report.info("GK-REANCHOR-DONE", f"{wp} moved from {old_name} to {name}: {len(moves)} "
                f"anchor(s), {moved} moved to new lines, every excerpt unchanged ({rec.path})",
                ref_rel)
    _warn_branch(ws, wp, records, report)
    if commit_changes:
        sha = _commit(ws, wp, name, written, report)
        if sha:
            report.facts["commit"] = sha
    report.next_commands = [f"govkit pre-work {wp}"]
    return report


def _warn_branch(ws: Workspace, wp: str, records, report: Report) -> None:
    """The WP's records have one writer: after the authorize commit, its branch."""
    prep = next((r for r in reversed(records) if r.type == "PREPARE"), None)
    want = str((prep.body if prep else {}).get("branch") or "").removeprefix("refs/heads/")
    here = ws.git.branch()
    if want and here and here != want:
        report.warn("GK-REANCHOR-BRANCH", f"reanchored on '{here}', but {wp} works on "
                    f"'{want}': merge the spec bump into '{want}' and reanchor there, so the "
                    "WP's records keep one writer", None, None, f"git switch {want}")


def _commit(ws: Workspace, wp: str, spec: str, rels: list[str], report: Report) -> str | None:
    from govkit.audit.witness import trailers

    if not ws.git.branch():
        report.warn("GK-REANCHOR-UNCOMMITTED", "detached HEAD: the reanchored refinement and "
                    "its record are not committed", None, None,
                    f"git add {' '.join(rels[:2])} && git commit")
        return None
    rels = [r for r in rels if ws.abs(r).exists()]
    ws.git.run("add", "--", *rels)
    if not ws.git.out("diff", "--cached", "--name-only", "--", *rels).strip():
        return None
    ws.git.run("commit", "-q", "-m", f"[{wp}] chore: reanchor to {spec}" + trailers(ws),
               "--", *rels)
    return ws.git.out("rev-parse", "HEAD").strip()
