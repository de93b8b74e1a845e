"""SIGKILL during record-signature: the files are all before or all after, or the next command
finishes the interrupted transaction and says so."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from support.orchkit import AUDIT, LOG, SIG, WP, ok, other_sig, ref_rel, setup, snapshot
from support.repo import ROOT

RELS = (LOG, AUDIT, None)


def _prepared(repo, gk):
    setup(repo)
    ok(gk("record-refinement", WP, cwd=repo))
    return snapshot(repo, RELS)


def _check_consistent(repo, gk, before):
    state = snapshot(repo, RELS)
    # The next command completes (or finds nothing to complete).
    p = gk("refinement-check", WP, cwd=repo)
    state2 = snapshot(repo, RELS)
    journals = list((repo / ".git/govkit/txn").glob("*.json")) if \
        (repo / ".git/govkit/txn").exists() else []
    assert not journals
    if state2 == before:
        assert state == before
        return "before", p
    # All three changed together.
    assert all(state2[k] != before[k] for k in state2), "partial transaction left behind"
    assert SIG.encode() in state2[ref_rel()] and SIG.encode() in state2[AUDIT]
    assert state2[LOG].count(SIG.encode()) == 1
    return "after", p


@pytest.mark.parametrize("point", ["journal", "file0", "file1", "file2", "result"])
def test_crash_points_are_rolled_forward(repo, gk, point):
    before = _prepared(repo, gk)
    p = gk("record-signature", WP, SIG, cwd=repo, env={"GOVKIT_TEST_CRASH_AT": point})
    assert p.returncode == -signal.SIGKILL
    state, nxt = _check_consistent(repo, gk, before)
    assert state == "after"
    assert "completed interrupted transaction 'record-signature" in nxt.stderr
    # The lock left by the killed process was recovered, and the WP cannot be signed twice.
    r = gk("record-signature", WP, other_sig(), cwd=repo)
    assert r.returncode == 1 and "GK-SIG-ALREADY" in r.stdout


def test_random_kills(repo, gk):
    before = _prepared(repo, gk)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rng = random.Random(1234)
    seen = set()
    for _ in range(8):
        for rel, data in before.items():
            (repo / rel).write_bytes(data)
        proc = subprocess.Popen([sys.executable, "-m", "govkit", "record-signature", WP, SIG],
                                cwd=repo, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.6))
        proc.kill()
        proc.wait()
        state, _ = _check_consistent(repo, gk, before)
        seen.add(state)
    assert seen <= {"before", "after"}
