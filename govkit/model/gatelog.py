"""ORCHESTRATOR_GATES.json: the orchestrator's refine / sign / prepare log."""

from __future__ import annotations

import json

from govkit.errors import GovkitError
from govkit.model.common import load_json
from govkit.util.record import dataclass  # not dataclasses: start-up
from govkit.util.textio import Text


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
    for n, e in enumerate(entries):
        for k, v in e.items():
            if "\x00" in k or (isinstance(v, str) and "\x00" in v):
                # Values name paths, branches and worktrees: no OS call takes a NUL.
                at = doc.text.find("\\u0000")
                raise GovkitError(f"gate log entry {n + 1} ({e.get('type', '?')}): '{k}' contains "
                                  "a NUL character", path=path,
                                  line=doc.text.count("\n", 0, at) + 1 if at >= 0 else None,
                                  hint="the log was edited by hand: restore it from git")
    return GateLog(path, entries, doc.text.endswith("\n"))


def dump_gate_log(log: GateLog) -> str:
    # The reference writes 2-space JSON with no trailing newline; keep that byte format.
    return json.dumps({"gate_logs": log.entries}, indent=2, ensure_ascii=False) + \
        ("\n" if log.trailing_newline else "")
