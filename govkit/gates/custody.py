"""The chain of custody pre-work requires (docs/design/records-and-locks.md): for this exact WP
id, REFINEMENT, then SIGNATURE, then PREPARE, then LOCK records, in record order, each hash
matching what is on disk, and, where this workspace's audit trail witnessed them, each record
audited with the same SHA-256. A REANCHOR after the LOCK (a spec bump with unchanged excerpts)
moves the refinement hash and spec in force, when its old hashes are exactly the lock's. A WP
without records is judged from the gate log (legacy)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from govkit.gates.lock import LOCK_TYPES, anchored_state, load_records, reanchor_content_problems, records_dir, strict
from govkit.model.records import Record
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

ORDER = ("REFINEMENT", "SIGNATURE", "PREPARE", "LOCK")


def check_custody(ws: Workspace, wp: str, pkt_rel: str, pkt, ref_rel: str,
                  report: Report) -> None:
    records = load_records(ws, wp, problems=[])  # malformed files: check_lock reports them
    if not records:
        _legacy(ws, wp, pkt_rel, pkt, report)
        return
    if records[0].type == "LOCK" and isinstance(records[0].body.get("migrated"), dict):
        _migrated(ws, wp, pkt_rel, pkt, ref_rel, records, report)
        _trail(ws, wp, records, report)
        return
    chain = _ordered(ws, wp, records, report)
    if chain is None:
        return
    _hashes(ws, wp, pkt, ref_rel, chain, records, report)
    _trail(ws, wp, records, report)


def _ordered(ws: Workspace, wp: str, records: list[Record], report: Report):
    d = records_dir(ws, wp)
    hint = (f"the orchestrator runs, in order: record-refinement, record-signature, "
            f"record-prepare, create-task-packet (or govkit lock {wp})")
    lock_i = next((i for i, r in enumerate(records) if r.type in LOCK_TYPES), None)
    sigs = [i for i, r in enumerate(records) if r.type == "SIGNATURE"]
    problems = []
    if lock_i is None or records[lock_i].type != "LOCK":
        problems.append("no LOCK record (the packet is not locked)")
    if len(sigs) != 1:
        problems.append(f"{len(sigs)} SIGNATURE records (exactly one expected)")
    if problems:
        for p in problems:
            report.error("GK-CUSTODY-ORDER", f"chain of custody of {wp}: {p}", d, None, hint)
        return None
    assert lock_i is not None
    s = sigs[0]
    refs = [i for i in range(s) if records[i].type == "REFINEMENT"]
    preps = [i for i in range(s + 1, lock_i) if records[i].type == "PREPARE"]
    if s > lock_i or not refs or not preps:
        got = " -> ".join(r.type for r in records[: lock_i + 1])
        report.error("GK-CUSTODY-ORDER", f"chain of custody of {wp} is out of order: {got} "
                     "(expected REFINEMENT -> SIGNATURE -> PREPARE -> LOCK)", d, None, hint)
        return None
    return records[refs[-1]], records[s], records[preps[-1]], records[lock_i]


def _get(body: dict, *keys):
    node = body
    for k in keys:
        node = node.get(k) if isinstance(node, dict) else None
    return node


def _hashes(ws: Workspace, wp: str, pkt, ref_rel: str, chain, records: list[Record],
            report: Report) -> None:
    from govkit.model.refinement import content_sha256

    ref, sig, prep, lock = chain
    pkt_sig = pkt.user_signature.text.strip("`")
    ref_sha = _get(ref.body, "refinement", "content_sha256")
    checks = [
        (_get(ref.body, "refinement", "path") == ref_rel, ref.path,
         f"REFINEMENT record is for {_get(ref.body, 'refinement', 'path')!r}, the packet names "
         f"{ref_rel}"),
        (_get(sig.body, "signature") == pkt_sig, sig.path,
         f"SIGNATURE record has {_get(sig.body, 'signature')!r}, the packet {pkt_sig!r}"),
        (_get(sig.body, "refinement", "content_sha256") == ref_sha, sig.path,
         "SIGNATURE record signs another refinement content than the REFINEMENT record"),
        (_get(lock.body, "refinement", "content_sha256") == ref_sha, lock.path,
         "LOCK record names another refinement content than the REFINEMENT record"),
        (_get(lock.body, "spec") == _get(ref.body, "spec"), lock.path,
         "LOCK record names another spec than the REFINEMENT record"),
        (_get(lock.body, "signature") == _get(sig.body, "signature"), lock.path,
         "LOCK record names another signature than the SIGNATURE record"),
        (_get(lock.body, "prepare") == {k: prep.body.get(k) for k in
                                        ("branch", "worktree_dir", "coder_id")}, lock.path,
         "LOCK record names another branch, worktree or coder than the PREPARE record"),
    ]
    # After the LOCK, a REANCHOR moves the refinement to a new spec version (excerpts
    # unchanged): the hashes in force are the last REANCHOR's, when each continues the chain.
    moved_ref, moved_spec, forged = anchored_state(records, lock)
    for path, problem in forged:
        checks.append((False, path, problem))
    if not forged:
        ref_sha = moved_ref.get("content_sha256")
    if ws.abs(ref_rel).is_file():
        raw = ws.abs(ref_rel).read_bytes()
        for path, problem in reanchor_content_problems(records, lock, raw):
            checks.append((False, path, problem))
        now = content_sha256(raw)
        checks.append((now == ref_sha, ref_rel, f"refinement {ref_rel} changed since it was "
                       f"recorded (SHA-256 {now[:12]}, recorded {str(ref_sha)[:12]})"))
    spec_name, spec_sha = _get(ref.body, "spec", "name"), _get(ref.body, "spec", "sha1")
    if not forged:
        spec_name, spec_sha = moved_spec.get("name"), moved_spec.get("sha1")
    if isinstance(spec_name, str) and spec_name:
        try:
            spec = ws.spec(spec_name)
            ok = spec.sha1_raw == spec_sha
        except Exception:  # GovkitError: the spec file is gone or unreadable
            ok = False
        checks.append((ok, spec_name, f"spec {spec_name} is missing or changed since the "
                       f"refinement was recorded (SHA-1 {str(spec_sha)[:12]})"))
    for ok, path, msg in checks:
        if not ok:
            report.error("GK-CUSTODY-HASH", f"chain of custody of {wp}: {msg}", path, None,
                         "restore the changed file from git; records are never edited")


def entry_sha256(entry: dict | None) -> str | None:
    """SHA-256 of a gate-log entry's canonical JSON (None for no entry)."""
    if entry is None:
        return None
    import hashlib

    from govkit.util.canonjson import dumpb

    return hashlib.sha256(dumpb(entry)).hexdigest()


def _migrated(ws: Workspace, wp: str, pkt_rel: str, pkt, ref_rel: str, records: list[Record],
              report: Report) -> None:
    """A legacy packet that `govkit lock` migrated: the gate log holds its custody up to the
    LOCK, which binds those entries by SHA-256; from the LOCK on, records (REANCHOR included)."""
    from types import SimpleNamespace

    lock = records[0]
    mig = lock.body["migrated"]
    log = ws.gate_log()
    log_rel = ws.p("gate_log")
    entries = {k: log.last(wp, k) for k in ORDER[:3]}
    bound = mig.get("entries") if isinstance(mig.get("entries"), dict) else {}
    for k, e in entries.items():
        if entry_sha256(e) != bound.get(k):
            report.error("GK-CUSTODY-HASH", f"chain of custody of {wp}: the gate log's {k} "
                         f"entry is not the one `govkit lock` migrated ({lock.path})", log_rel,
                         None, "restore the gate log from git; its entries are never edited")
    _legacy(ws, wp, pkt_rel, pkt, report, migrated=True)
    if any(e is None for e in entries.values()):
        return
    ref_body = {"refinement": {"path": ref_rel,
                               "content_sha256": _get(lock.body, "refinement", "content_sha256")},
                "spec": _get(lock.body, "spec")}
    sig_body = {"signature": entries["SIGNATURE"].get("signature"),
                "refinement": ref_body["refinement"]}
    chain = (SimpleNamespace(body=ref_body, path=log_rel),
             SimpleNamespace(body=sig_body, path=log_rel),
             SimpleNamespace(body=entries["PREPARE"], path=log_rel), lock)
    _hashes(ws, wp, pkt, ref_rel, chain, records, report)


def _legacy(ws: Workspace, wp: str, pkt_rel: str, pkt, report: Report,
            migrated: bool = False) -> None:
    """No records: the original's gate log must hold REFINEMENT, SIGNATURE, PREPARE for this
    exact id, in order, with the packet's signature. A repository that already records custody
    for other WPs needs records for every WP (govkit lock migrates a legacy packet)."""
    log = ws.gate_log()
    log_rel = ws.p("gate_log")
    root = ws.abs(f"{ws.p('gov_dir').rstrip('/')}/records")
    if not migrated and not strict(ws) and root.is_dir() and any(p.is_dir() for p in root.iterdir()):
        report.error("GK-CUSTODY-NONE", f"this repository records custody (other WPs have "
                     f"records in {root.relative_to(ws.root).as_posix()}/), but {wp} has none",
                     pkt_rel, None, f"the operator checks the packet and runs `govkit lock {wp}`")
    entries = {k: log.last(wp, k) for k in ORDER[:3]}
    missing = [k for k, e in entries.items() if e is None]
    if missing:
        msg = f"no {', '.join(missing)} entry for {wp} in {log_rel} (chain of custody)"
        if pkt.modern:
            report.error("GK-CUSTODY-LEGACY", msg, log_rel, None,
                         f"the orchestrator records them (govkit record-refinement {wp}, ...)")
        else:
            report.warn("GK-CUSTODY-LEGACY", msg, log_rel)
        return
    r, s, p = (log.index_of(entries[k]) for k in ORDER[:3])
    if not r < s < p:
        report.error("GK-CUSTODY-LEGACY", f"gate log entries of {wp} are out of order "
                     "(expected REFINEMENT, SIGNATURE, PREPARE)", log_rel)
    sig = pkt.user_signature.text.strip("`")
    if entries["SIGNATURE"].get("signature") != sig:
        report.error("GK-CUSTODY-LEGACY", f"the SIGNATURE entry of {wp} has "
                     f"{entries['SIGNATURE'].get('signature')!r}, the packet {sig!r}", log_rel)


_SEQ = re.compile(rb'"seq":(\d+),')


def _trail(ws: Workspace, wp: str, records: list[Record], report: Report) -> None:
    """Each record this trail witnessed was audited here (intent with its SHA-256, and an ok
    result) and names a witness on this trail's chain. Records witnessed by another worktree's
    trail are that trail's to judge."""
    from govkit.audit import files
    from govkit.audit.recorder import trail_path

    path = trail_path(ws)
    if not path.exists():
        return
    want_seqs = {r.witness["seq"] for r in records if r.witness}
    needle = json.dumps(wp).encode()
    audited: dict[str, tuple[int, str]] = {}
    ok_results: set[int] = set()
    hashes: dict[int, str] = {}
    try:
        for f in files.chain(path):
            with open(f, "rb") as fh:
                for line in fh:
                    m = _SEQ.search(line)
                    seq = int(m.group(1)) if m else -1
                    if needle not in line and seq not in want_seqs:
                        continue
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        continue
                    if not isinstance(rec, dict):
                        continue
                    if seq in want_seqs:
                        hashes[seq] = str(rec.get("hash"))
                    data = rec.get("data") if isinstance(rec.get("data"), dict) else {}
                    if rec.get("kind") == "intent" and isinstance(data.get("records"), dict):
                        for rel, sha in data["records"].items():
                            audited[str(rel)] = (int(rec.get("seq") or 0), str(sha))
                    elif rec.get("kind") == "result" and data.get("ok") is True:
                        ok_results.add(int(data.get("intent") or 0))
    except OSError:
        return
    for r in records:
        got = audited.get(r.path)
        w = r.witness
        here = w is not None and w["seq"] > 0 and hashes.get(w["seq"]) == w["hash"]
        if got is None:
            if w is None:
                problem = "has no audit witness (govkit always writes one in a .GOV workspace)"
            elif here:
                problem = ("is not on the audit trail, though this trail was its witness "
                           "(written outside govkit?)")
            else:
                continue  # witnessed by another worktree's trail
        elif got[1] != r.sha256:
            problem = "differs from what the audit trail recorded (edited after it was written)"
        elif got[0] not in ok_results:
            problem = "was audited without a successful result"
        elif w is not None and w["seq"] in hashes and not here:
            problem = "names a witness that is not on the audit trail's chain"
        else:
            continue
        report.error("GK-CUSTODY-TRAIL", f"record {r.path} {problem}", r.path, None,
                     "restore the record from git; only govkit writes records")
