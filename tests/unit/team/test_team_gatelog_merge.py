"""The gate-log merge driver (govkit merge-gatelog %Z %A %B): an append-only union."""

from __future__ import annotations

import json

from govkit.actions.gatelog_merge import merge


def _log(path, *entries):
    path.write_text(json.dumps({"gate_logs": list(entries)}, indent=2) + "\n")
    return str(path)


def _entries(path):
    return json.loads(open(path).read())["gate_logs"]


A = {"wpId": "WP-1", "type": "LOCK"}
B = {"wpId": "WP-2", "type": "LOCK"}
C = {"wpId": "WP-3", "type": "VALIDATED"}
Z = {"wpId": "WP-0", "type": "SIGNATURE"}


def test_both_sides_appended_keep_common_then_ours_then_theirs(tmp_path):
    base = _log(tmp_path / "o", Z)
    ours = _log(tmp_path / "a", Z, A)
    theirs = _log(tmp_path / "b", Z, B, C)
    assert merge(base, ours, theirs) is True
    assert _entries(ours) == [Z, A, B, C]


def test_an_entry_both_sides_appended_is_kept_once(tmp_path):
    base = _log(tmp_path / "o", Z)
    ours = _log(tmp_path / "a", Z, A)
    theirs = _log(tmp_path / "b", Z, A, B)
    assert merge(base, ours, theirs) is True
    assert _entries(ours) == [Z, A, B]


def test_a_common_entry_edited_or_removed_is_a_conflict(tmp_path):
    base = _log(tmp_path / "o", Z, A)
    ours = _log(tmp_path / "a", Z, A, B)
    before = (tmp_path / "a").read_bytes()
    edited = _log(tmp_path / "b", Z, {**A, "type": "VALIDATED"})
    assert merge(base, ours, edited) is False
    removed = _log(tmp_path / "c", Z)
    assert merge(base, ours, removed) is False
    assert (tmp_path / "a").read_bytes() == before   # nothing written on a conflict


def test_empty_base_file(tmp_path):
    (tmp_path / "o").write_text("")
    ours = _log(tmp_path / "a", A)
    theirs = _log(tmp_path / "b", B)
    assert merge(str(tmp_path / "o"), ours, theirs) is True
    assert _entries(ours) == [A, B]
