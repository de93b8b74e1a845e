"""Where gates and transactions meet the audit trail (filled in by govkit.audit)."""

from __future__ import annotations


def gate_event(ws, report, command: str) -> None:
    """Record a gate verdict as an audit event (no-op until the audit trail exists)."""
    return None


def intent(ws, command: str, wp: str | None, data: dict) -> int | None:
    return None


def result(ws, seq: int | None, ok: bool, data: dict | None = None) -> None:
    return None


def denied(ws, command: str, wp: str | None, reason: str, data: dict | None = None) -> None:
    return None
