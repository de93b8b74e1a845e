"""Real processes racing: the same token twice (exactly one wins), and twenty refinements."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support.orchkit import AUDIT, LOG, SIG, log, ok, setup
from support.repo import ROOT


def _spawn(repo, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "govkit", *args], cwd=repo, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _race(repo, wps):
    procs = [_spawn(repo, "record-signature", wp, SIG) for wp in wps]
    return [(p.wait(60), *p.communicate()) for p in procs]


def test_same_token_different_wps_exactly_one_wins(repo, gk):
    wps = ["WP-1-A", "WP-1-B", "WP-1-C"]
    setup(repo, wps=wps)
    for wp in wps:
        ok(gk("record-refinement", wp, cwd=repo))
    results = _race(repo, wps)
    rcs = sorted(r[0] for r in results)
    assert rcs == [0, 2, 2], results
    for rc, out, err in results:
        if rc:
            assert "already used" in out and "GK-SIG-REUSED" in out
    sigs = [e for e in log(repo) if e["type"] == "SIGNATURE"]
    assert len(sigs) == 1
    assert (repo / AUDIT).read_text().count(f"| {SIG} |") == 1


def test_same_token_same_wp_exactly_one_wins(repo, gk):
    setup(repo)
    ok(gk("record-refinement", "WP-1-Orch", cwd=repo))
    results = _race(repo, ["WP-1-Orch", "WP-1-Orch"])
    assert sorted(r[0] for r in results) in ([0, 1], [0, 2]), results
    loser = next(r for r in results if r[0])
    assert "GK-SIG-ALREADY" in loser[1] or "GK-SIG-REUSED" in loser[1]
    assert len([e for e in log(repo) if e["type"] == "SIGNATURE"]) == 1


def test_twenty_concurrent_refinements(repo, gk):
    wps = [f"WP-2-Par{n:02d}" for n in range(20)]
    setup(repo, wps=wps)
    procs = [_spawn(repo, "record-refinement", wp) for wp in wps]
    outs = [(p.wait(120), *p.communicate()) for p in procs]
    assert all(rc == 0 for rc, _, _ in outs), [o for o in outs if o[0]]
    data = json.loads((repo / LOG).read_text())
    got = sorted(e["wpId"] for e in data["gate_logs"] if e["type"] == "REFINEMENT")
    assert got == sorted(wps)


def test_same_token_from_two_worktrees_exactly_one_wins(repo, gk, tmp_path):
    from support.repo import git

    setup(repo, wps=["WP-1-A", "WP-1-B"])
    wt = tmp_path / "wt-b"
    git(repo, "worktree", "add", "-q", "-b", "feat/b", str(wt))
    ok(gk("record-refinement", "WP-1-A", cwd=repo))
    ok(gk("record-refinement", "WP-1-B", cwd=wt))
    procs = [_spawn(repo, "record-signature", "WP-1-A", SIG),
             _spawn(wt, "record-signature", "WP-1-B", SIG)]
    results = [(p.wait(60), *p.communicate()) for p in procs]
    assert sorted(r[0] for r in results) == [0, 2], results
    loser = next(r for r in results if r[0])
    assert "GK-SIG-REUSED" in loser[1]
