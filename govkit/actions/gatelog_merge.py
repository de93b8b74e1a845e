"""`govkit merge-gatelog %O %A %B`: git's merge driver for the single gate log of the compat
profile (registered by `govkit init`). The log is append-only, so a merge of two branches is
the common entries, then ours, then theirs not already present; anything else (an entry of the
common base edited or removed on one side) is left to git as a conflict (exit 1)."""

from __future__ import annotations

from pathlib import Path

DRIVER = "govkit-gatelog"


def _entries(path: str) -> tuple[list, bool]:
    from govkit.model.gatelog import parse_gate_log
    from govkit.util.textio import decode

    data = Path(path).read_bytes()
    log = parse_gate_log(decode(data, path) if data.strip() else None, path)
    return log.entries, data.endswith(b"\n")


def merge(base: str, ours: str, theirs: str) -> bool:
    """Write the merged log over `ours`; False (nothing written) when it is not append-only."""
    import json

    from govkit.store.atomic import atomic_write_bytes

    o, _ = _entries(base)
    a, nl = _entries(ours)
    b, _ = _entries(theirs)
    if a[:len(o)] != o or b[:len(o)] != o:
        return False
    out = list(a)
    for e in b[len(o):]:
        if e not in out[len(o):]:
            out.append(e)
    text = json.dumps({"gate_logs": out}, indent=2, ensure_ascii=False) + ("\n" if nl else "")
    atomic_write_bytes(Path(ours), text.encode("utf-8"))
    return True
