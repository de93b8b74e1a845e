"""govkit.gates.postwork.window: the tight window of a change and hunks outside a window."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.gates.postwork.window import compute_entry, tight_window, window_violations
from govkit.vcs.diffset import FileChange, Hunk


def change(*hunks: Hunk, status: str = "M", **kw) -> FileChange:
    return FileChange(status, "src/a.py", None if status == "A" else "src/a.py", hunks=list(hunks), **kw)


def test_modification():
    fc = change(Hunk(5, 2, 5, 3))
    assert tight_window(fc) == (5, 7)
    assert window_violations(fc, 5, 7) == []
    assert window_violations(fc, 1, 100) == []
    assert window_violations(fc, 6, 7) == ["@@ -5,2 +5,3 @@"]
    assert window_violations(fc, 5, 6) == ["@@ -5,2 +5,3 @@"]


def test_pure_addition_and_added_file():
    assert tight_window(change(Hunk(3, 0, 4, 2))) == (4, 5)
    added = change(Hunk(0, 0, 1, 3), status="A")
    assert tight_window(added) == (1, 3)
    assert window_violations(added, 1, 3) == []
    assert window_violations(added, 1, 2) == ["@@ -0,0 +1,3 @@"]


def test_pure_deletion_sits_between_lines():
    fc = change(Hunk(10, 2, 9, 0))          # old lines 10-11 removed after new line 9
    assert tight_window(fc) == (9, 9)
    assert window_violations(fc, 9, 9) == []
    assert window_violations(fc, 10, 10) == []          # s-1 <= 9 <= e
    assert window_violations(fc, 11, 12) == ["@@ -10,2 +9,0 @@"]
    assert window_violations(fc, 1, 8) == ["@@ -10,2 +9,0 @@"]


def test_pure_deletion_at_line_zero():
    fc = change(Hunk(1, 3, 0, 0))           # the first three lines removed
    assert tight_window(fc) == (1, 1)
    assert window_violations(fc, 1, 1) == []
    assert window_violations(fc, 2, 5) == ["@@ -1,3 +0,0 @@"]


def test_multiple_hunks():
    first, second = Hunk(2, 1, 2, 1), Hunk(20, 0, 21, 2)
    fc = change(first, second)
    assert tight_window(fc) == (2, 22)
    assert window_violations(fc, 2, 22) == []
    assert window_violations(fc, 2, 10) == ["@@ -20,0 +21,2 @@"]
    assert window_violations(fc, 15, 30) == ["@@ -2,1 +2,1 @@"]
    assert window_violations(fc, 5, 6) == ["@@ -2,1 +2,1 @@", "@@ -20,0 +21,2 @@"]


def test_deleted_file_uses_old_numbers():
    fc = change(Hunk(1, 5, 0, 0), status="D")
    assert tight_window(fc) == (1, 5)
    assert window_violations(fc, 1, 5) == []
    assert window_violations(fc, 2, 5) == ["@@ -1,5 +0,0 @@"]


def test_no_hunks():
    fc = change()                            # binary or mode-only change
    assert tight_window(fc) == (1, 1)
    assert window_violations(fc, 1, 1) == []
    assert tight_window(change(status="D")) == (1, 1)


def test_compute_entry():
    fc = change(Hunk(1, 1, 1, 2), adds=2, dels=1, old_data=b"a\r\n", new_data=b"a\nb\n")
    e = compute_entry(fc)
    assert (e.target, e.start, e.end, e.delta) == ("src/a.py", 1, 2, 1)
    assert e.pre == hashlib.sha1(b"a\n").hexdigest()
    assert e.post == hashlib.sha1(b"a\nb\n").hexdigest()
    binary = compute_entry(change(status="A"))           # numstat '-' and no content
    assert (binary.delta, binary.pre, binary.post) == (0, "0" * 40, "0" * 40)


@st.composite
def hunk_lists(draw):
    """Non-overlapping hunks in git's --unified=0 numbering (pure additions/deletions anchor on
    the line before them)."""
    o = n = draw(st.integers(0, 5))
    out = []
    for _ in range(draw(st.integers(1, 5))):
        d = draw(st.integers(0, 4))
        a = draw(st.integers(0 if d else 1, 4))
        out.append(Hunk(o + 1 if d else o, d, n + 1 if a else n, a))
        o, n = o + d, n + a
        gap = draw(st.integers(1, 5))
        o, n = o + gap, n + gap
    return out


@settings(deadline=None)
@given(hunk_lists())
def test_tight_window_is_accepted_and_its_end_is_minimal(hunks):
    fc = change(*hunks)
    s, e = tight_window(fc)
    assert window_violations(fc, s, e) == []
    if s < e:
        assert window_violations(fc, s, e - 1) != []


def _new_side_outside(h: Hunk, s: int, e: int) -> bool:
    if h.new_len > 0:
        return h.new_start < s or h.new_start + h.new_len - 1 > e
    return not (s - 1 <= h.new_start <= e)


@settings(deadline=None)
@given(hunk_lists(), st.integers(1, 40), st.integers(0, 30))
def test_verdict_follows_the_documented_new_side_rule(hunks, s, width):
    fc = change(*hunks)
    e = s + width
    outside = [h for h in hunks if _new_side_outside(h, s, e)]
    got = window_violations(fc, s, e)
    assert (got == []) == (outside == [])
    assert {f"@@ -{h.old_start},{h.old_len} +{h.new_start},{h.new_len} @@" for h in outside} <= set(got)
