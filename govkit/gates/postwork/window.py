"""COR-701 windows: the tight window of a change and the lines a declared window must cover."""

from __future__ import annotations

from dataclasses import dataclass

from govkit.model import cor701
from govkit.vcs.diffset import FileChange, Hunk


def tight_window(fc: FileChange) -> tuple[int, int]:
    """The smallest window post-work accepts for this change (see window_violations)."""
    if fc.deleted:
        spans = [(h.old_start, h.old_start + h.old_len - 1) for h in fc.hunks if h.old_len > 0]
    else:
        spans = [_new_footprint(h) for h in fc.hunks]
    if not spans:
        return 1, 1
    return max(1, min(s for s, _ in spans)), max(1, max(e for _, e in spans))


def _new_footprint(h: Hunk) -> tuple[int, int]:
    if h.new_len > 0:
        return h.new_start, h.new_start + h.new_len - 1
    at = max(h.new_start, 1)
    return at, at


def window_violations(fc: FileChange, s: int, e: int) -> list[str]:
    """Hunks outside the window [s, e]. The window is in post-change line numbers (pre-change
    numbers for a deleted file). A pure deletion sits between new lines n and n+1 and is inside
    when s-1 <= n <= e. Old-side lines are checked against the window mapped to pre-change
    numbers through the hunks (old_lo..old_hi)."""
    out = []
    if fc.deleted:
        for h in fc.hunks:
            if h.old_len > 0 and (h.old_start < s or h.old_start + h.old_len - 1 > e):
                out.append(_hunk_text(h))
        return out
    before = sum(h.new_len - h.old_len for h in fc.hunks
                 if (h.new_start + h.new_len - 1 < s if h.new_len else h.new_start < s - 1))
    upto = sum(h.new_len - h.old_len for h in fc.hunks if h.new_start <= e)
    old_lo, old_hi = s - before, e - upto
    for h in fc.hunks:
        if h.new_len > 0:
            bad = h.new_start < s or h.new_start + h.new_len - 1 > e
        else:
            bad = not (s - 1 <= h.new_start <= e)
        if not bad and h.old_len > 0:
            bad = h.old_start < old_lo or h.old_start + h.old_len - 1 > old_hi
        if bad:
            out.append(_hunk_text(h))
    return out


def _hunk_text(h: Hunk) -> str:
    return f"@@ -{h.old_start},{h.old_len} +{h.new_start},{h.new_len} @@"


@dataclass
class Entry:
    target: str
    start: int
    end: int
    delta: int
    pre: str
    post: str


def compute_entry(fc: FileChange) -> Entry:
    s, e = tight_window(fc)
    return Entry(fc.path, s, e, fc.delta if fc.delta is not None else 0,
                 cor701.canonical_sha1(fc.old_data), cor701.canonical_sha1(fc.new_data))
