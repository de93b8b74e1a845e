"""The write side of the per-WP records: stage the next record of a WP in a transaction."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.gates.lock import load_records, records_dir
from govkit.model.records import FORMAT, TYPES, Record, encode, file_name, parse_record
from govkit.util.timeutil import iso

if TYPE_CHECKING:
    from govkit.workspace import Workspace

# Types the recording gates already log in the gate log themselves (the original's entries).
LEGACY_LOG_TYPES = ("REFINEMENT", "SIGNATURE", "PREPARE")


def default_actor() -> str:
    from govkit.audit.trail import default_actor as actor

    return actor()


def _staged(tx, d: str) -> list[Record]:
    out = []
    for rel, data in tx.writes.items():
        if posixpath.dirname(rel) == d:
            out.append(parse_record(data, rel))
    return sorted(out, key=lambda r: r.path)


def stage_record(ws: Workspace, tx, wp: str, type: str, body: dict,
                 actor: str | None = None) -> Record:
    """Stage `<records>/<WP>/<NNNN>-<TYPE>.json` (next seq, prev = SHA-256 of the previous
    record file, witness = the audit trail's head) through tx.write. In the compat profile a
    record the original scripts do not know is also appended to the gate log."""
    from govkit import __version__
    from govkit.audit.witness import record_witness

    if type not in TYPES:
        raise ValueError(f"unknown record type {type!r}")
    d = records_dir(ws, wp)
    existing = load_records(ws, wp) + _staged(tx, d)
    from govkit.model.records import chain_problems

    broken = chain_problems(existing)
    if broken:
        path, problem = broken[0]
        raise GovkitError(f"the record chain of {wp} is broken ({problem}); nothing was written",
                          path=path, hint=f"restore {d}/ from git")
    last = existing[-1] if existing else None
    seq = last.seq + 1 if last else 1
    witness = record_witness(ws)  # {seq, hash, trail}: which trail, at which head
    fields = {"format": FORMAT, "wp": wp, "seq": seq, "type": type, "created": iso(),
              "actor": actor or default_actor(), "tool_version": __version__,
              "prev": last.sha256 if last else None,
              "witness": witness, "body": body}
    rel = f"{d}/{file_name(seq, type)}"
    data = encode(fields)
    tx.write(rel, data)
    rec = parse_record(data, rel)
    records = tx.audit_data.setdefault("records", {})
    records[rel] = rec.sha256
    if ws.config.get("profile") == "compat" and type not in LEGACY_LOG_TYPES:
        from govkit.actions.common import append_gate_entry

        entry = {"wpId": wp, "type": type, "timestamp": fields["created"], "record": rel,
                 "record_sha256": rec.sha256}
        if "locked_sha256" in body:
            entry["locked_sha256"] = body["locked_sha256"]
        append_gate_entry(ws, tx, entry)
    return rec
