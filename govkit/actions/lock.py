"""The lock, write side: the LOCK body of a packet (create-task-packet and `govkit lock`), and
`govkit amend WP --waiver ...` (an AMEND record that re-locks with the new waiver, under the
operator's signature when keys exist). Each is one transaction with its audit intent."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from govkit.actions.common import check_value, commit, refuse_if_failed
from govkit.errors import GovkitError
from govkit.gates.lock import PREDICATE_LOCK, current_lock, load_records, strict
from govkit.model.common import is_placeholder, strip_ticks
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_PLACEHOLDERS = ("<fill", "<paste", "path/to/file")


def unfilled(view) -> list[tuple[int, str]]:
    """Locked lines that still hold template text: a packet is locked only when complete."""
    return [(n, t.strip()) for n, t in view.lines if any(p in t for p in _PLACEHOLDERS)]


def waiver_dicts(pkt) -> list[dict]:
    out = []
    for w in pkt.waivers:
        pats = [strip_ticks(p) for p in re.split(r"[,\s]+", w.scope) if strip_ticks(p)]
        out.append({"waiver_id": strip_ticks(w.waiver_id), "scope": pats,
                    "reason": w.reason, "approved_by": w.approved_by,
                    "expires": strip_ticks(w.expires)})
    return out


def prepare_body(ws: Workspace, wp: str) -> dict:
    recs = [r for r in load_records(ws, wp) if r.type == "PREPARE"]
    if recs:
        b = recs[-1].body
    else:
        b = ws.gate_log().last(wp, "PREPARE") or {}
    return {k: b.get(k) for k in ("branch", "worktree_dir", "coder_id")}


def lock_body(ws: Workspace, wp: str, pkt_rel: str, text: str, ref_rel: str,
              merge_base: str | None) -> dict:
    """Everything the LOCK protects, from the packet text about to be (or already) on disk."""
    from govkit.model import markdown as mdparse
    from govkit.model.lockhash import locked_view
    from govkit.model.packet import parse_packet
    from govkit.model.refinement import content_sha256
    from govkit.util.textio import decode

    coder = list(ws.config.get("packet.coder_sections"))
    doc = decode(text.encode("utf-8"), pkt_rel)
    md = mdparse.parse(doc)
    pkt = parse_packet(doc, md)
    view = locked_view(doc.text, coder, md)
    spec_name, spec = ws.current_spec()
    return {
        "packet": pkt_rel, "locked_sha256": view.sha256, "sections": view.sections,
        "locked_text": view.text, "coder_sections": coder,
        "refinement": {"path": ref_rel,
                       "content_sha256": content_sha256(ws.abs(ref_rel).read_bytes())},
        "spec": {"name": spec_name, "sha1": spec.sha1_raw if spec is not None else None},
        "scope": {"in": [e.path for e in pkt.in_scope_paths or []],
                  "out": [e.path for e in pkt.out_of_scope]},
        "waivers": waiver_dicts(pkt),
        "merge_base": merge_base or pkt.merge_base or "",
        "signature": pkt.user_signature.text.strip("`"),
        "prepare": prepare_body(ws, wp),
    }


def sign_body(ws: Workspace, kind: str, body: dict, key_id: str | None = None,
              require: bool = False) -> str | None:
    """Add the operator's DSSE envelope to body when an operator key is available (or
    required); returns the key id that signed."""
    from govkit.signing.dsse import operator_key, sign_envelope, statement

    if require:
        require_operator_key(ws, key_id, "lock or amend")
    key = operator_key(ws, key_id)
    if key is None:
        return None
    kid, priv = key
    ptype = PREDICATE_LOCK if kind == "LOCK" else f"https://govkit.dev/{kind.lower()}/v1"
    body["envelope"] = sign_envelope(priv, kid, statement(body["packet"], body["locked_sha256"],
                                                          ptype, dict(body)))
    return kid


KEYS_FIX = "govkit keys init --trust [--key-dir DIR]"


def operator_key_problem(ws: Workspace, key_id: str | None = None) -> str | None:
    """Why this operator cannot sign a lock the gates will accept here, or None: a private key
    in the key directory whose public key is in the repository and, when trusted keys are
    configured (always, once `keys init --trust` ran), one of them. Files only: no crypto."""
    from govkit.signing import keys

    d = keys.key_dir()
    ids = [key_id] if key_id else \
        sorted(p.name[:-4] for p in d.glob("*.key")) if d.is_dir() else []
    ids = [k for k in ids if keys.private_key_path(k).is_file()
           and keys.public_key_path(ws, k).is_file()]
    if not ids:
        return (f"no operator key {key_id!r}" if key_id else "no operator key") + \
            f": no private key in {d} whose public key is in {ws.p('keys_dir')}/"
    trusted = [str(k) for k in ws.config.get("approvals.trusted_keys") or []]
    if strict(ws) and not any(k in trusted for k in ids):
        return ("the operator key is not in approvals.trusted_keys, so the gates would refuse "
                "its signature")
    return None


def require_operator_key(ws: Workspace, key_id: str | None, what: str,
                         has_key_id: bool = True) -> None:
    """GovkitError (exit 2, before anything is written) when no usable operator key exists."""
    problem = operator_key_problem(ws, key_id)
    if problem is None:
        return
    why = "profile strict" if strict(ws) else "this repository has operator public keys"
    raise GovkitError(f"an operator key is required to {what} ({why}): {problem}",
                      hint=f"the operator creates one once: `{KEYS_FIX}` (the private key stays "
                           "outside the repository; export GOVKIT_KEY_DIR=DIR when it is not "
                           "the default ~/.config/govkit/keys)"
                           + (", or names theirs with --key-id" if has_key_id else ""))


def keys_exist(ws: Workspace) -> bool:
    d = ws.abs(ws.p("keys_dir"))
    return bool(ws.config.get("approvals.trusted_keys")) or \
        (d.is_dir() and any(p.suffix == ".pub" for p in d.iterdir()))


def stage_lock(ws: Workspace, tx, wp: str, kind: str, body: dict, key_id: str | None = None,
               require_key: bool = False):
    from govkit.actions.records import stage_record

    kid = sign_body(ws, kind, body, key_id, require_key)
    rec = stage_record(ws, tx, wp, kind, body)
    tx.audit_data["locked_sha256"] = body["locked_sha256"]
    if kid:
        tx.audit_data["signed_by"] = kid
    return rec


# ---- govkit lock WP ---------------------------------------------------------------------------
def lock_wp(ws: Workspace, wp: str, key_id: str | None = None) -> Report:
    """Lock a packet that has no LOCK record yet (a legacy packet, or a packet completed after
    create-task-packet), after the operator checked it."""
    from govkit.txn.transaction import transaction

    command = "lock"
    wp = ws.check_wp_id(wp)
    report = Report(command, wp)
    with transaction(ws, command, wp) as tx:
        pkt_rel, _ = ws.resolve_packet(wp)
        records = load_records(ws, wp)
        have = current_lock(records)
        if have is not None:
            report.error("GK-LOCK-EXISTS", f"{wp} is already locked ({have.path}); a lock is "
                         "never replaced", have.path, None,
                         f"to change a waiver: govkit amend {wp} --waiver ...")
        pkt = ws.packet(pkt_rel)
        if pkt.done_like:
            report.error("GK-LOCK-DONE", f"{pkt_rel} is done ({pkt.status.text}); nothing to "
                         "lock", pkt_rel, pkt.status.line)
        ref_rel = strip_ticks(pkt.refinement_file.text) if not is_placeholder(
            pkt.refinement_file.text) else ws.refinement_rel(wp)
        ws.safe_path(ref_rel, "REFINEMENT_FILE")
        if not ws.abs(ref_rel).is_file():
            report.error("GK-LOCK-REFINEMENT", f"refinement {ref_rel} is missing", pkt_rel,
                         pkt.refinement_file.line or None)
        from govkit.model.lockhash import locked_view

        view = locked_view(pkt.doc.text, ws.config.get("packet.coder_sections"), pkt.md)
        for n, t in unfilled(view)[:10]:
            report.error("GK-LOCK-UNFILLED", f"locked line still holds template text: {t}",
                         pkt_rel, n, "fill it before locking")
        if not pkt.merge_base:
            report.error("GK-LOCK-MERGE-BASE", "packet has no parsable MERGE_BASE_SHA", pkt_rel,
                         pkt.merge_base_sha.line or None)
        refuse_if_failed(ws, report, command)
        body = lock_body(ws, wp, pkt_rel, pkt.doc.text, ref_rel, pkt.merge_base)
        if not records:
            body["migrated"] = migration(ws, wp)
        rec = stage_lock(ws, tx, wp, "LOCK", body, key_id,
                         require_key=keys_exist(ws) or strict(ws))
        commit(ws, tx)
    report.facts.update({"lock": rec.path, "locked_sha256": body["locked_sha256"]})
    report.info("GK-LOCK-RECORDED", f"{pkt_rel} locked: {rec.path} (locked SHA-256 "
                f"{body['locked_sha256'][:12]})", rec.path)
    report.next_commands = [f"git add {rec.path} && git commit (the coder's branch needs it)",
                            f"govkit pre-work {wp}"]
    return report


def migration(ws: Workspace, wp: str) -> dict:
    """A packet made by the original scripts has no REFINEMENT, SIGNATURE or PREPARE records: its
    custody before the lock is the gate log's. The LOCK then binds those entries by SHA-256, so
    pre-work judges them as the original did and notices any later edit to them."""
    from govkit.gates.custody import ORDER, entry_sha256

    log = ws.gate_log()
    return {"from": ws.p("gate_log"),
            "entries": {k: entry_sha256(log.last(wp, k)) for k in ORDER[:3]}}


# ---- govkit amend WP --waiver ... -------------------------------------------------------------
def parse_waiver(spec: str) -> dict:
    """'ID;SCOPE;REASON;APPROVED_BY;EXPIRES' -> waiver dict (GovkitError: exit 2)."""
    check_value(spec, "--waiver")
    parts = [p.strip() for p in spec.split(";")]
    hint = "--waiver 'WAIVER-1;src/gen/**;generated code;operator;2026-12-31'"
    if len(parts) != 5 or not all(parts):
        raise GovkitError("--waiver needs 5 non-empty fields: ID;SCOPE;REASON;APPROVED_BY;"
                          "EXPIRES", hint=hint)
    wid, scope, reason, by, expires = parts
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", wid):
        raise GovkitError(f"waiver id {wid!r} must be letters, digits, . _ -", hint=hint)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", expires):
        raise GovkitError(f"EXPIRES {expires!r} must be a date YYYY-MM-DD", hint=hint)
    pats = [p for p in re.split(r"[,\s]+", scope) if p]
    if any(p in ("*", "**", "/") or ".." in p.split("/") for p in pats):
        raise GovkitError(f"waiver scope {scope!r} waives everything or leaves the repository",
                          hint="name the paths or globs the waiver covers")
    return {"waiver_id": wid, "scope": pats, "reason": reason, "approved_by": by,
            "expires": expires}


def _waiver_lines(w: dict) -> list[str]:
    return [f"- WAIVER_ID: {w['waiver_id']}", f"  - SCOPE: {', '.join(w['scope'])}",
            f"  - REASON: {w['reason']}", f"  - APPROVED_BY: {w['approved_by']}",
            f"  - EXPIRES: {w['expires']}"]


def amend_wp(ws: Workspace, wp: str, waivers: list[str], key_id: str | None = None) -> Report:
    """Add operator waivers to a locked packet: the packet's WAIVERS GRANTED text and a new
    AMEND record (the new lock), in one transaction."""
    from govkit.gates.lock import check_lock
    from govkit.model.edit import insert_lines, replace_lines
    from govkit.txn.transaction import transaction

    command = "amend"
    wp = ws.check_wp_id(wp)
    new = [parse_waiver(w) for w in waivers]
    if not new:
        raise GovkitError("nothing to amend", hint="pass --waiver 'ID;SCOPE;REASON;"
                          "APPROVED_BY;EXPIRES'")
    report = Report(command, wp)
    with transaction(ws, command, wp) as tx:
        pkt_rel, _ = ws.resolve_packet(wp)
        lock = check_lock(ws, wp, pkt_rel, report)
        if lock is None and report.passed:
            report.error("GK-LOCK-NONE", f"{wp} has no LOCK record to amend", pkt_rel, None,
                         f"govkit lock {wp}")
        have = {w.get("waiver_id") for w in (lock.body.get("waivers") or [])} if lock else set()
        for w in new:
            if w["waiver_id"] in have:
                report.error("GK-AMEND-WAIVER-EXISTS", f"waiver {w['waiver_id']} is already "
                             "granted", pkt_rel)
        refuse_if_failed(ws, report, command)
        assert lock is not None
        pkt = ws.packet(pkt_rel)
        raw = pkt.doc.raw
        sec = pkt.md.section("WAIVERS GRANTED") or pkt.md.section("WAIVERS")
        lines = [ln for w in new for ln in _waiver_lines(w)]
        if sec is None:
            raise GovkitError("the packet has no '## WAIVERS GRANTED' section", path=pkt_rel,
                              hint="restore the section from the template")
        none_item = next((i for i in pkt.md.items_in(*sec)
                          if i.text.strip().upper() == "- NONE" or i.text.strip().upper() ==
                          "NONE"), None)
        if none_item is not None and not pkt.waivers:
            raw = replace_lines(raw, none_item.line, none_item.line + 1, lines)
        else:
            end = sec[1]
            while end - 1 > sec[0] and not pkt.doc.lines[end - 2].strip():
                end -= 1
            raw = insert_lines(raw, end, lines)
        text = raw.decode("utf-8")
        tx.write(pkt_rel, raw)
        body = lock_body(ws, wp, pkt_rel, text, str(lock.body["refinement"]["path"]),
                         str(lock.body.get("merge_base") or ""))
        for k in ("merge_base", "refinement", "spec", "prepare"):
            body[k] = lock.body.get(k)  # what the operator authorized stays as locked
        body["amends"] = lock.path
        got = {w["waiver_id"] for w in body["waivers"]}
        missing = [w["waiver_id"] for w in new if w["waiver_id"] not in got]
        if missing:
            raise GovkitError("the new waiver text does not parse back: " + ", ".join(missing),
                              path=pkt_rel)
        rec = stage_lock(ws, tx, wp, "AMEND", body, key_id,
                         require_key=keys_exist(ws) or strict(ws))
        tx.audit_data["waivers"] = [w["waiver_id"] for w in new]
        commit(ws, tx)
    report.facts.update({"amend": rec.path, "locked_sha256": body["locked_sha256"]})
    report.info("GK-AMEND-RECORDED", f"{wp} re-locked with waiver(s) "
                + ", ".join(w["waiver_id"] for w in new) + f": {rec.path}", rec.path)
    report.next_commands = [f"git add {pkt_rel} {rec.path} && git commit"]
    return report
