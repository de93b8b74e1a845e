"""concurrency: overlapping IN_SCOPE_PATHS of In Progress WPs, and one worktree per extra WP."""

from __future__ import annotations

import shutil

import pytest

from govkit.gates.concurrency import scopes_overlap

from support.cikit import add_worktree, entry, make_ws, prepare_worktree, run, set_board


@pytest.mark.parametrize("a,b,overlap", [
    ("src/a.py", "src/a.py", True),
    ("src/", "src/a/b.py", True),
    ("src", "src/deep/x.py", True),            # a plain directory covers what is under it
    ("./src/a.py", "src/a.py", True),
    ("src/*.py", "src/a.py", True),
    ("src/*.py", "src/sub/a.py", False),        # * stays inside one directory
    ("src/**/*.py", "src/a/b/c.py", True),
    ("src/**", "src/x", True),
    ("src/a*.py", "src/*b.py", True),           # both match src/ab.py
    ("src/a*.py", "src/c*.py", False),
    ("docs", "docs2/x.md", False),              # a prefix of a name is not a directory
    ("src/x.rs", "src/x.rs.bak", False),
    ("**/*.md", "README.md", True),
    ("src/**/*.py", "lib/", False),
])
def test_scopes_overlap(a, b, overlap):
    assert scopes_overlap(a, b) is overlap
    assert scopes_overlap(b, a) is overlap


def _two_running(repo, a_scope, b_scope, shared: bool = False):
    make_ws(repo, {"WP-1-A": a_scope, "WP-1-B": b_scope})
    if not shared:
        prepare_worktree(repo, "WP-1-B", "../wt-b")
    set_board(repo, {"In Progress": [entry("WP-1-A", "IN_PROGRESS"), entry("WP-1-B", "IN_PROGRESS")]})


def test_disjoint_scopes_with_a_worktree_pass(repo, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    _two_running(repo, ("src/app.py",), ("src/util.py",))
    add_worktree(repo, "wt-b")
    r = run(repo, ["concurrency"])
    assert r.passed, r.findings
    assert r.facts["worktrees"] == {"linked": 1, "required": 1}


def test_overlapping_scopes_name_the_paths(repo, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    _two_running(repo, ("src/",), ("src/*.py",))
    add_worktree(repo, "wt-b")
    r = run(repo, ["concurrency"])
    assert r.codes() == ["GK-CI-CONC-OVERLAP"]
    msg = r.findings[0].message
    assert "WP-1-A and WP-1-B" in msg and "'src/' ~ 'src/*.py'" in msg
    assert "src/app.py" in msg and "src/util.py" in msg   # the tracked files in both


def test_second_wp_without_worktree_fails(repo, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    _two_running(repo, ("src/app.py",), ("src/util.py",))
    r = run(repo, ["concurrency"])
    assert r.codes() == ["GK-CI-CONC-WORKTREE"]


def test_a_stale_worktree_does_not_count(repo, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    _two_running(repo, ("src/app.py",), ("src/util.py",))
    wt = add_worktree(repo, "wt-gone")
    shutil.rmtree(wt)                      # the reference counted its admin directory
    assert run(repo, ["concurrency"]).codes() == ["GK-CI-CONC-WORKTREE"]


def test_ci_is_judged_not_skipped(repo, monkeypatch):
    # The reference printed "ok (skipped in CI)" whenever CI was set.
    _two_running(repo, ("src/app.py",), ("src/app.py",))
    monkeypatch.setenv("CI", "true")
    r = run(repo, ["concurrency"])
    assert "GK-CI-CONC-OVERLAP" in r.codes()
    assert "GK-CI-CONC-WORKTREE" not in r.codes()      # no worktrees to see in CI
    assert r.facts["worktrees"].startswith("CI:")


def test_ci_two_wps_prepared_for_one_worktree(repo, monkeypatch):
    monkeypatch.setenv("CI", "1")
    _two_running(repo, ("src/app.py",), ("src/util.py",), shared=True)
    # sample.write_wp PREPAREs every WP for worktree "." : the board says two run in one place.
    assert run(repo, ["concurrency"]).codes() == ["GK-CI-CONC-SHARED"]


def test_one_wp_in_progress_needs_nothing(repo, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    make_ws(repo, {"WP-1-A": ("src/",)})
    set_board(repo, {"In Progress": [entry("WP-1-A", "IN_PROGRESS")]})
    assert run(repo, ["concurrency"]).passed


def test_in_progress_without_scope_or_packet(repo, monkeypatch):
    monkeypatch.setenv("CI", "1")
    make_ws(repo, {"WP-1-A": ("src/",)})
    pkt = repo / ".GOV" / "task_packets" / "WP-1-A.md"
    pkt.write_text(pkt.read_text().replace("- IN_SCOPE_PATHS:\n  - src/\n", ""))
    set_board(repo, {"In Progress": [entry("WP-1-A", "IN_PROGRESS"), entry("WP-1-Nope", "IN_PROGRESS")]})
    assert sorted(run(repo, ["concurrency"]).codes()) == ["GK-CI-CONC-PACKET", "GK-CI-CONC-SCOPE"]
