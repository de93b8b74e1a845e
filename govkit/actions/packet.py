"""create-task-packet: the locked work contract, created only from a signed, prepared refinement.

Also: the refinement scaffold (when the refinement is missing), the next free '-vN' id on a
collision, and the optional authorize commit (--checkpoint) the WP branch starts from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.actions.common import check_value, commit, refuse_if_failed
from govkit.errors import GovkitError
from govkit.result import Report
from govkit.util.templates import fill
from govkit.util.timeutil import iso, parse_iso, ts_problem

if TYPE_CHECKING:
    from govkit.workspace import Workspace

COMMAND = "create-task-packet"
_VN = re.compile(r"-v(\d+)$")


def base_id(wp: str) -> str:
    return _VN.sub("", wp)


def next_version(ws: Workspace, wp: str) -> str:
    """The next free '<base>-vN' id (N >= 2) over packets, stubs and refinements."""
    base = base_id(wp)
    highest = 1
    for key in ("task_packets_dir", "stubs_dir", "refinements_dir"):
        d = ws.abs(ws.p(key))
        if not d.is_dir():
            continue
        for name in os.listdir(d):
            if not name.endswith(".md"):
                continue
            stem = name[:-3]
            m = _VN.search(stem)
            if m and stem[: m.start()] == base:
                highest = max(highest, int(m.group(1)))
    return f"{base}-v{highest + 1}"


def _template(ws: Workspace, name: str) -> str:
    local = ws.abs(f"{ws.p('templates_dir')}/{name}")
    if local.is_file():
        text = ws.read(f"{ws.p('templates_dir')}/{name}").text
    else:
        from govkit.util.templates import template_text

        text = template_text(name)
    return text.lstrip("\ufeff")


def scaffold_text(ws: Workspace, wp: str) -> str:
    name, spec = ws.current_spec()
    return fill(_template(ws, "REFINEMENT_TEMPLATE.md"), {
        "WP_ID": wp, "DATE_ISO": iso(), "SPEC_TARGET_RESOLVED": name or "<unresolved>",
        "SPEC_TARGET_SHA1": spec.sha1_raw if spec is not None else "<unresolved>"})


def _placeholders(text: str) -> list[tuple[int, str]]:
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if "<fill" in line or "<paste" in line:
            out.append((n, line.strip()))
    return out


def _merge_base(ws: Workspace, branch: str | None) -> str | None:
    main = ws.config.get("main_branch")
    head = branch if branch and ws.git.branch_exists(branch) else "HEAD"
    sha = ws.git.merge_base(main, head)
    if sha and re.fullmatch(r"[0-9a-f]{40}", sha.strip().lower()):
        return sha.strip().lower()
    return None


def _check_chain(ws: Workspace, wp: str, ref_rel: str, sig: str, report: Report) -> dict | None:
    """Signature in refinement == gate log == audit; PREPARE after SIGNATURE. -> PREPARE."""
    import time

    log = ws.gate_log()
    log_rel = ws.p("gate_log")
    rec = log.last(wp, "SIGNATURE")
    if rec is None:
        report.error("GK-PKT-SIG-LOG", f"no SIGNATURE record for {wp} in {log_rel}", log_rel,
                     None, f"govkit record-signature {wp} <signature>")
    elif rec.get("signature") != sig:
        report.error("GK-PKT-SIG-LOG", f"the SIGNATURE record for {wp} has "
                     f"{rec.get('signature')!r}, the refinement has {sig!r}", log_rel)
    elif rec.get("refinement_path") and \
            str(rec["refinement_path"]).replace("\\", "/") != ref_rel:
        report.error("GK-PKT-SIG-LOG", f"the signature was recorded for "
                     f"{rec['refinement_path']}, not {ref_rel}", log_rel)
    from govkit.gates.signature import check_audited

    check_audited(ws, wp, sig, report, "GK-PKT-SIG")
    prep = log.last(wp, "PREPARE")
    if prep is None:
        report.error("GK-PKT-NO-PREPARE", f"no PREPARE record for {wp} in {log_rel}", log_rel,
                     None, f"govkit record-prepare {wp} <coder-id>")
        return None
    if rec is not None:
        now = time.time()
        if log.index_of(prep) < log.index_of(rec):
            report.error("GK-PKT-ORDER", "the PREPARE record comes before the SIGNATURE record",
                         log_rel, None, f"govkit record-prepare {wp} <coder-id> again")
        for entry, what in ((rec, "SIGNATURE record"), (prep, "PREPARE record")):
            problem = ts_problem(entry, what, now)
            if problem:
                report.error("GK-PKT-TIMESTAMP", problem, log_rel)
        sig_t, prep_t = parse_iso(rec.get("timestamp")), parse_iso(prep.get("timestamp"))
        if sig_t and prep_t and prep_t <= sig_t:
            report.error("GK-PKT-ORDER", f"PREPARE ({prep.get('timestamp')}) must come after "
                         f"SIGNATURE ({rec.get('timestamp')})", log_rel, None,
                         f"govkit record-prepare {wp} <coder-id> again")
    return prep


def create_task_packet(ws: Workspace, wp: str, checkpoint: bool = False, requestor: str | None = None,
                       agent_id: str | None = None) -> Report:
    from govkit.gates.refinement import check_refinement
    from govkit.model.common import is_placeholder
    from govkit.txn.transaction import transaction

    wp = ws.check_wp_id(wp)
    check_value(requestor, "--requestor")
    check_value(agent_id, "--agent-id")
    from govkit.gates.lock import strict

    if strict(ws):   # the LOCK is signed: refuse before anything is written, naming the fix
        from govkit.actions.lock import require_operator_key

        require_operator_key(ws, None, "sign the LOCK of a new task packet",
                             has_key_id=False)
    report = Report(COMMAND, wp)
    with transaction(ws, COMMAND, wp) as tx:
        log = ws.gate_log()
        rec = log.last(wp, "SIGNATURE") or log.last(wp, "REFINEMENT") or {}
        ref_rel = str(rec.get("refinement_path") or ws.refinement_rel(wp)).replace("\\", "/")
        ws.safe_path(ref_rel, "refinement path")
        report.facts["refinement"] = ref_rel
        if not ws.abs(ref_rel).is_file():
            text = scaffold_text(ws, wp)
            tx.write_text(ref_rel, text)
            commit(ws, tx)
            report.error("GK-PKT-SCAFFOLD", "technical refinement must be completed before the "
                         f"task packet is created: wrote the scaffold {ref_rel}", ref_rel, None,
                         "fill every <fill>/<paste> below, then: govkit record-refinement; the "
                         "operator reviews and approves; govkit record-signature; "
                         "govkit record-prepare; govkit create-task-packet")
            for n, line in _placeholders(text):
                report.warn("GK-PKT-FILL", f"to fill: {line}", ref_rel, n)
            report.next_commands = [f"govkit refinement-check {wp}",
                                    f"govkit record-refinement {wp}"]
            refuse_if_failed(ws, report, COMMAND)
        pkt_rel = ws.packet_rel(wp)
        if ws.abs(pkt_rel).exists():
            nxt = next_version(ws, wp)
            report.error("GK-PKT-EXISTS", f"{pkt_rel} already exists; a task packet is never "
                         "overwritten", pkt_rel, None,
                         f"create a revision instead: {nxt} (refine, sign, prepare it)")
            report.facts["suggested_id"] = nxt
            refuse_if_failed(ws, report, COMMAND)
        report.merge(check_refinement(ws, wp, ref_rel, require_signature=True,
                                      report=Report("refinement-check", wp)))
        ref = ws.refinement(ref_rel)
        if ref.enrichment_needed.text.upper() == "YES":
            report.error("GK-PKT-ENRICHMENT", "refinement declares ENRICHMENT_NEEDED=YES; no "
                         "task packet until the spec is enriched", ref_rel,
                         ref.enrichment_needed.line)
        sig = ref.user_signature.text.strip("`")
        prep = None
        if not is_placeholder(sig):
            prep = _check_chain(ws, wp, ref_rel, sig, report)
        if ws.config.get("approvals.require_signed"):
            from govkit.signing.approvals import check_approval

            check_approval(ws, wp, ref_rel, report)
        branch = str((prep or {}).get("branch") or "").removeprefix("refs/heads/") or None
        merge_base = _authorize_base(ws, branch, report) if checkpoint else \
            _merge_base(ws, branch)
        if merge_base is None:
            report.error("GK-PKT-MERGE-BASE", f"cannot compute git merge-base "
                         f"{ws.config.get('main_branch')} {branch or 'HEAD'}", None, None,
                         "check main_branch in .GOV/govkit.yaml and that the branches share "
                         "history")
        refuse_if_failed(ws, report, COMMAND)

        spec_name, _ = ws.current_spec()
        anchor = next((a.spec_anchor.text for a in ref.anchors
                       if not is_placeholder(a.spec_anchor.text)), "<fill>")
        text = _template(ws, "TASK_PACKET_TEMPLATE.md")
        lines = text.split("\n")
        start = next((i for i, ln in enumerate(lines) if ln.startswith("# Task Packet:")), 0)
        text = "\n".join(lines[start:])
        values = {"WP_ID": wp, "BASE_WP_ID": base_id(wp), "DATE_ISO": iso(),
                  "MERGE_BASE_SHA": merge_base, "SPEC_BASELINE": spec_name or "<unresolved>",
                  "REQUESTOR": requestor or "operator", "AGENT_ID": agent_id or "orchestrator",
                  "USER_SIGNATURE": sig, "SPEC_ANCHOR": anchor, "REFINEMENT_FILE": ref_rel}
        text = fill(text, values)
        if "User Signature Locked" not in text:
            text = text.rstrip("\n") + f"\n\n**User Signature Locked:** {sig}\n"
        left = sorted(set(re.findall(r"\{\{([A-Z_]+)\}\}", text)))
        if left:
            report.warn("GK-PKT-TOKENS", "template tokens left unfilled: " + ", ".join(left),
                        pkt_rel)
        _verify_packet(ws, pkt_rel, text, merge_base, sig)
        tx.write_text(pkt_rel, text)
        _board_ready(ws, tx, wp)
        tx.audit_data.update({"refinement": ref_rel, "merge_base": merge_base})
        lock_rec = _lock(ws, tx, wp, pkt_rel, text, ref_rel, merge_base, report)
        commit(ws, tx)
        report.facts.update({"packet": pkt_rel, "merge_base_sha": merge_base})
        report.info("GK-PKT-CREATED", f"task packet created: {pkt_rel} (locked by signature "
                    f"{sig})", pkt_rel)
        if checkpoint:
            sha = authorize(ws, wp, branch, [pkt_rel, ref_rel, *_state_files(ws, wp)])
            report.facts["checkpoint"] = sha
            report.info("GK-PKT-CHECKPOINT", f"authorize commit {sha[:12]} on "
                        f"{ws.git.branch()}" + (f"; {branch} starts from it" if branch else ""))
    from govkit.gates.lock import records_dir

    if lock_rec is None:
        report.next_commands = [f"govkit lock {wp}"]
        return report
    report.next_commands = [f"govkit pre-work {wp}"] if checkpoint else \
        [(f"git add {pkt_rel} {ref_rel} {records_dir(ws, wp)} && git commit -m \"[{wp}] chore: "
          "authorize\" (or create-task-packet --checkpoint)"), f"govkit pre-work {wp}"]
    return report


def _lock(ws: Workspace, tx, wp: str, pkt_rel: str, text: str, ref_rel: str, merge_base: str,
          report: Report):
    """The LOCK record of the new packet, in the same transaction; a packet whose locked
    sections still hold template text is a draft: the operator locks it once filled."""
    from govkit.actions.lock import lock_body, stage_lock, unfilled
    from govkit.model.lockhash import locked_view

    todo = unfilled(locked_view(text, ws.config.get("packet.coder_sections")))
    if todo:
        report.warn("GK-PKT-UNLOCKED", f"{pkt_rel} is a draft: {len(todo)} locked line(s) still "
                    f"hold template text (first: line {todo[0][0]}: {todo[0][1]}); it is not "
                    "locked yet", pkt_rel, todo[0][0],
                    f"fill the locked sections, then the operator runs `govkit lock {wp}`")
        report.next_commands = [f"govkit lock {wp}"]
        return None
    from govkit.gates.lock import strict

    rec = stage_lock(ws, tx, wp, "LOCK", lock_body(ws, wp, pkt_rel, text, ref_rel, merge_base),
                     require_key=strict(ws))
    report.facts["lock"] = rec.path
    return rec


def _board_ready(ws: Workspace, tx, wp: str) -> None:
    """The board entry follows the packet's first Status: `READY_FOR_DEV` under Ready for Dev."""
    from govkit.model.board import set_board_entry

    brel = ws.p("task_board")
    if ws.abs(brel).is_file():
        tx.write_text(brel, set_board_entry(ws.read(brel), wp, "Ready for Dev", "READY_FOR_DEV"))


def _record_files(ws: Workspace, wp: str) -> list[str]:
    from govkit.gates.lock import records_dir

    d = records_dir(ws, wp)
    full = ws.abs(d)
    return [f"{d}/{n}" for n in sorted(os.listdir(full))] if full.is_dir() else []


def _verify_packet(ws: Workspace, rel: str, text: str, merge_base: str, sig: str) -> None:
    """The new packet must parse back: MERGE_BASE_SHA as 40 hex, the signature."""
    from govkit.model import markdown as mdparse
    from govkit.model.packet import parse_packet
    from govkit.util.textio import decode

    doc = decode(text.encode("utf-8"), rel)
    pkt = parse_packet(doc, mdparse.parse(doc))
    if pkt.merge_base != merge_base or pkt.user_signature.text.strip("`") != sig:
        raise GovkitError("the task packet template does not yield a parsable MERGE_BASE_SHA / "
                          "USER_SIGNATURE line; nothing was written",
                          path=f"{ws.p('templates_dir')}/TASK_PACKET_TEMPLATE.md",
                          hint="keep '- MERGE_BASE_SHA: {{MERGE_BASE_SHA}}' and "
                               "'- USER_SIGNATURE: {{USER_SIGNATURE}}' lines without comments")


def _state_files(ws: Workspace, wp: str) -> list[str]:
    """The governance state the orchestrator's steps wrote for this WP (and the shared logs)."""
    rels = [ws.p(k) for k in ("gate_log", "signature_audit", "task_board")]
    rels.append(f"{ws.p('approvals_dir')}/{wp}.json")
    return [r for r in rels if ws.abs(r).is_file()] + _record_files(ws, wp)


def _authorize_base(ws: Workspace, branch: str | None, report: Report) -> str | None:
    """With --checkpoint the WP starts from the authorize commit, whose parent is this
    worktree's HEAD: that is the merge base, and the WP branch must be able to move there."""
    head = ws.git.head()
    if head is None:
        return None
    if branch and branch != ws.git.branch() and ws.git.branch_exists(branch) and \
            not ws.git.ok("merge-base", "--is-ancestor", branch, "HEAD"):
        report.error("GK-PKT-BRANCH-AHEAD", f"branch '{branch}' has commits that are not on "
                     f"{ws.git.branch() or 'HEAD'}; the WP cannot start from the authorize commit",
                     None, None, f"move them away (or `git branch -f {branch} HEAD` when "
                     "they are not needed), then rerun")
    return head


def authorize(ws: Workspace, wp: str, branch: str | None, rels: list[str]) -> str:
    """Commit rels on this worktree's branch as `[WP] chore: authorize` (with the trail's
    trailers), then move the WP branch (fast-forward only) to that commit: the WP starts from
    it, nothing is copied, and both checkouts are clean."""
    from govkit.audit.witness import trailers
    from govkit.vcs.git import Git

    here = ws.git.branch()
    if not here:
        raise GovkitError("detached HEAD: no branch to commit the authorization on; the packet "
                          "was created", hint="check out the orchestrator's branch, then "
                          "`git add` the packet, refinement and records and commit them")
    rels = sorted(set(rels))
    ws.git.run("add", "--", *rels)
    if ws.git.out("diff", "--cached", "--name-only", "--", *rels).strip():
        msg = f"[{wp}] chore: authorize" + trailers(ws)  # witnesses the trail head
        ws.git.run("commit", "-q", "-m", msg, "--", *rels)
    sha = ws.git.out("rev-parse", "HEAD").strip()
    if not branch or branch == here:
        return sha
    if not ws.git.branch_exists(branch):
        ws.git.run("branch", branch, sha)
        return sha
    trees = [t for t in ws.git.worktrees() if t.get("branch") == f"refs/heads/{branch}"]
    if trees:
        p = Git(Path(trees[0]["worktree"])).run("merge", "--ff-only", "-q", sha, check=False)
        if p.returncode != 0:
            raise GovkitError(f"authorize commit {sha[:12]} made, but {branch} in "
                              f"{trees[0]['worktree']} cannot fast-forward to it: "
                              + p.stderr.decode("utf-8", "replace").strip(),
                              hint=f"commit or stash there, then `git merge --ff-only {sha[:12]}`")
    else:
        ws.git.run("update-ref", f"refs/heads/{branch}", sha)
    return sha
