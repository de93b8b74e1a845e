"""The one clock: every UTC timestamp govkit writes or parses, and the clock-skew allowance."""

from __future__ import annotations

import time
from datetime import UTC, datetime

# Seconds a recorded timestamp may lie in the future (clock skew between machines) before it is
# an error instead of a silent pass.
CLOCK_SKEW_TOLERANCE = 5.0


def now() -> datetime:
    return datetime.now(UTC)


def iso(t: datetime | float | None = None) -> str:
    """ISO-8601 UTC with milliseconds and Z (the reference's Date.toISOString())."""
    if t is None or isinstance(t, (int, float)):
        t = datetime.fromtimestamp(time.time() if t is None else t, UTC)
    t = t.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def iso_us(t: float | None = None) -> str:
    """ISO-8601 UTC with microseconds and Z: the audit trail's `ts` (sorts as text)."""
    t = time.time() if t is None else t
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t * 1e6) % 1000000:06d}Z"


def compact_us(t: float | None = None) -> str:
    """20240501T120000.123456Z: a file-name stamp (rotated and quarantined trail files)."""
    t = time.time() if t is None else t
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(t)) + f".{int(t * 1e6) % 1000000:06d}Z"


def compact_seconds(t: float | None = None) -> str:
    """20240501120000: a stamp for generated ids (key ids)."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() if t is None else t))


def token_stamp(t: float | None = None) -> str:
    """DDMMYYYYHHMM: the time part of an operator signature token."""
    return time.strftime("%d%m%Y%H%M", time.gmtime(time.time() if t is None else t))


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


def parse_since(text: str) -> str | None:
    """An ISO date or date-time (UTC unless it names an offset) in the trail's `ts` format, or
    None when the text is not one."""
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ts_problem(entry: dict, what: str, now_s: float) -> str | None:
    """Why entry['timestamp'] cannot be used (missing, unparsable, in the future), or None."""
    raw = entry.get("timestamp")
    dt = parse_iso(raw)
    if dt is None:
        return (f"{what} timestamp {raw!r} is missing or not an ISO-8601 UTC time; "
                "a time rule cannot pass on it")
    ahead = dt.timestamp() - now_s
    if ahead > CLOCK_SKEW_TOLERANCE:
        return (f"{what} timestamp {raw} is {ahead:.0f}s in the future (clock skew?); "
                "fix the clock or the record")
    return None
