"""Validator gate state files (.GOV/validator_gates/<WP>.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from govkit.errors import GovkitError
from govkit.model.common import load_json
from govkit.util.textio import Text

_HINT = "the state file was edited by hand: restore it from git (git checkout -- PATH)"


@dataclass
class ValidatorState:
    path: str
    sessions: dict
    archived: list

    def session(self, wp: str) -> dict | None:
        s = self.sessions.get(wp)
        return s if isinstance(s, dict) else None


def _line_of(doc: Text, *keys: str) -> int | None:
    """Line of the first of keys (as a JSON string) in doc, searched in order: the json module
    keeps no positions, and an approximate line beats none in the message."""
    pos = 0
    for k in keys:
        at = doc.text.find(json.dumps(k), pos)
        if at < 0:
            break
        pos = at
    return doc.text.count("\n", 0, pos) + 1 if pos else None


def _check_session(doc: Text, path: str, wp: str, s) -> None:
    """The shape the state machine relies on, or GovkitError naming the key and its line."""
    def bad(key: str, want: str) -> GovkitError:
        return GovkitError(f"validation session '{wp}': '{key}' must be {want}", path=path,
                           line=_line_of(doc, wp, key), hint=_HINT)

    if not isinstance(s, dict):
        raise bad(wp, "an object")
    for key in ("status", "verdict", "wpId", "started", "completed"):
        if key in s and s[key] is not None and not isinstance(s[key], str):
            raise bad(key, "a string")
    gates = s.get("gates")
    if gates is not None:
        if not isinstance(gates, list) or not all(isinstance(g, dict) for g in gates):
            raise bad("gates", "a list of objects")
        for g in gates:
            for key in ("gate", "verdict", "timestamp"):
                if g.get(key) is not None and not isinstance(g[key], str):
                    raise bad("gates", f"a list of objects whose '{key}' is a string")


def parse_validator_state(doc: Text | None, path: str, wp: str | None = None) -> ValidatorState:
    if doc is None:
        return ValidatorState(path, {}, [])
    data = load_json(doc)
    if not isinstance(data, dict):
        raise GovkitError("expected a JSON object with validation_sessions", path=path, line=1,
                          hint=_HINT)
    sessions = data.get("validation_sessions")
    archived = data.get("archived_sessions")
    sessions = sessions if isinstance(sessions, dict) else {}
    archived = archived if isinstance(archived, list) else []
    if wp is not None:
        sessions = {k: v for k, v in sessions.items() if k == wp}
        archived = [a for a in archived if isinstance(a, dict) and a.get("wpId") == wp]
        if wp in sessions:
            _check_session(doc, path, wp, sessions[wp])
    return ValidatorState(path, sessions, archived)
