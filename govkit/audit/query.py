"""`govkit audit show`: filter the records of every trail file (streaming)."""

from __future__ import annotations

import json
from pathlib import Path

from govkit.audit import files
from govkit.errors import GovkitError
from govkit.util import timeutil


def parse_since(text: str) -> str:
    """An ISO date or date-time (UTC unless it names an offset) -> the trail's ts format."""
    since = timeutil.parse_since(text)
    if since is None:
        raise GovkitError(f"--since: not an ISO date or time: {text!r}",
                          hint="use e.g. 2024-05-01 or 2024-05-01T12:00:00Z")
    return since


def records(path: Path, wp: str | None = None, kind: str | None = None,
            since: str | None = None):
    """Yield (file, line, record) for matching records; broken lines yield a record with
    kind 'broken' (they are not filtered away silently)."""
    for f in files.chain(path):
        with open(f, "rb") as fh:
            for n, line in enumerate(fh, 1):
                try:
                    rec = json.loads(line)
                    if not isinstance(rec, dict):
                        raise ValueError
                except (ValueError, RecursionError):
                    yield f, n, {"kind": "broken", "data": {"bytes": len(line)}}
                    continue
                if wp is not None and rec.get("wp") != wp:
                    continue
                if kind is not None and rec.get("kind") != kind:
                    continue
                if since is not None and str(rec.get("ts", "")) < since:
                    continue
                yield f, n, rec


def one_line(rec: dict) -> str:
    data = rec.get("data")
    summary = json.dumps(data, sort_keys=True, separators=(",", ":")) if data else ""
    if len(summary) > 120:
        summary = summary[:117] + "..."
    return " ".join(str(x) for x in (rec.get("seq", "?"), rec.get("ts", "?"),
                                     rec.get("kind", "?"), rec.get("command", "?"),
                                     rec.get("wp") or "-", summary) if x != "")
