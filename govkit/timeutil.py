"""UTC timestamps in the reference format (ISO, milliseconds, Z) and strict parsing."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def iso(t: datetime | None = None) -> str:
    t = (t or now()).astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def parse_iso(value) -> datetime | None:
    """A timezone-aware datetime, or None when the value is missing or not an ISO timestamp."""
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip()
    if v.endswith(("Z", "z")):
        v = v[:-1] + "+00:00"
    try:
        t = datetime.fromisoformat(v)
    except ValueError:
        return None
    return t if t.tzinfo else None
