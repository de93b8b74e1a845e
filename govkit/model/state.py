"""JSON state files: ORCHESTRATOR_GATES.json and validator gate files."""

from __future__ import annotations

import json
from dataclasses import dataclass

from govkit.errors import GovkitError
from govkit.textio import Text


def load_json(doc: Text):
    try:
        return json.loads(doc.text)
    except json.JSONDecodeError as exc:
        byte = len(doc.text[: exc.pos].encode("utf-8")) + (3 if doc.has_bom else 0)
        raise GovkitError(f"malformed JSON: {exc.msg} (column {exc.colno}, byte {byte})",
                          path=doc.path, line=exc.lineno,
                          hint="repair the JSON by hand (git diff shows what changed); govkit "
                               "never overwrites a file it cannot parse") from None


@dataclass
class GateLog:
    path: str
    entries: list[dict]
    trailing_newline: bool = False

    def last(self, wp: str, kind: str) -> dict | None:
        for e in reversed(self.entries):
            if e.get("wpId") == wp and e.get("type") == kind:
                return e
        return None

    def index_of(self, entry: dict) -> int:
        return next(i for i, e in enumerate(self.entries) if e is entry)


def parse_gate_log(doc: Text | None, path: str) -> GateLog:
    if doc is None or not doc.text.strip():
        return GateLog(path, [])
    data = load_json(doc)
    if not isinstance(data, dict) or not isinstance(data.get("gate_logs", []), list):
        raise GovkitError('expected an object {"gate_logs": [...]}', path=path, line=1)
    entries = [e for e in data.get("gate_logs", []) if isinstance(e, dict)]
    return GateLog(path, entries, doc.text.endswith("\n"))


def dump_gate_log(log: GateLog) -> str:
    # The reference writes 2-space JSON with no trailing newline; keep that byte format.
    return json.dumps({"gate_logs": log.entries}, indent=2, ensure_ascii=False) + \
        ("\n" if log.trailing_newline else "")


@dataclass
class ValidatorState:
    path: str
    sessions: dict
    archived: list

    def session(self, wp: str) -> dict | None:
        s = self.sessions.get(wp)
        return s if isinstance(s, dict) else None


def parse_validator_state(doc: Text | None, path: str, wp: str | None = None) -> ValidatorState:
    if doc is None:
        return ValidatorState(path, {}, [])
    data = load_json(doc)
    if not isinstance(data, dict):
        raise GovkitError("expected a JSON object with validation_sessions", path=path, line=1)
    sessions = data.get("validation_sessions")
    archived = data.get("archived_sessions")
    sessions = sessions if isinstance(sessions, dict) else {}
    archived = archived if isinstance(archived, list) else []
    if wp is not None:
        sessions = {k: v for k, v in sessions.items() if k == wp}
        archived = [a for a in archived if isinstance(a, dict) and a.get("wpId") == wp]
    return ValidatorState(path, sessions, archived)
