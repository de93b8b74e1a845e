"""A COMMITTED validation is witnessed three times: the validator state file, the VALIDATED
record (and its gate-log entry in compat) and the audit trail. validator-gate present-report and
`govkit ci` refuse when the state file disagrees with the record (deleted, reverted, edited)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from govkit.util import canonjson

if TYPE_CHECKING:
    from govkit.model.records import Record
    from govkit.workspace import Workspace


def session_sha256(session: dict) -> str:
    return hashlib.sha256(canonjson.dumpb(session)).hexdigest()


def state_disagrees(raw: bytes | None, wp: str, record: Record | None,
                    logged: dict | None = None) -> str | None:
    """Why the state file `raw` contradicts the VALIDATED record (or the gate log's VALIDATED
    entry when the record is gone), or None."""
    want = (record.body if record is not None else logged) or {}
    where = record.path if record is not None else "the gate log's VALIDATED entry"
    if raw is None:
        return f"the state file is missing, but {where} says {wp} was COMMITTED"
    try:
        data = json.loads(raw.decode("utf-8-sig"))
        session = data["validation_sessions"][wp]
    except (UnicodeDecodeError, ValueError, RecursionError, KeyError, TypeError):
        return f"the state file has no session for {wp}, but {where} says it was COMMITTED"
    if not isinstance(session, dict) or session.get("status") != "COMMITTED":
        status = session.get("status") if isinstance(session, dict) else "?"
        return f"the session of {wp} is {status}, but {where} says it was COMMITTED"
    want_sha = want.get("session_sha256")
    try:
        got = session_sha256(session)
    except (TypeError, ValueError):
        got = None
    if want_sha and got != want_sha:
        return f"the COMMITTED session of {wp} was edited after {where} recorded it"
    return None


def validated_witness(ws: Workspace, wp: str) -> tuple[Record | None, dict | None]:
    """(the last VALIDATED record, the last VALIDATED gate-log entry) of this WP."""
    from govkit.gates.lock import load_records

    recs = [r for r in load_records(ws, wp, problems=[]) if r.type == "VALIDATED"]
    from govkit.errors import GovkitError

    try:
        logged = ws.gate_log().last(wp, "VALIDATED")
    except GovkitError:  # an unreadable log is reported by the gates that own it
        logged = None
    return (recs[-1] if recs else None), logged
