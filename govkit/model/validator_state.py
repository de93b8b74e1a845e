"""Validator gate state files (.GOV/validator_gates/<WP>.json)."""

from __future__ import annotations

from dataclasses import dataclass

from govkit.errors import GovkitError
from govkit.model.common import load_json
from govkit.util.textio import Text


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
