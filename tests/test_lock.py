"""The workspace lock (govkit/store.py): timeout naming the holder, stale recovery (dead holder,
too old, torn file) with a warning, and no two holders at once even when many processes recover
the same stale lock."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from govkit.errors import LockTimeout
from govkit.store import WorkspaceLock

from conftest import ROOT


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _write_lock(path, pid, command="record-signature", age=0.0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "token": "x",
                                "since": time.time() - age, "command": command}))
    if age:
        t = time.time() - age
        os.utime(path, (t, t))


def test_timeout_names_the_holder(tmp_path):
    lock = tmp_path / "lock"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _write_lock(lock, holder.pid, "record-refinement")
        t = time.monotonic()
        with pytest.raises(LockTimeout) as exc:
            WorkspaceLock(lock, timeout=0.3).acquire()
        assert time.monotonic() - t < 3
        msg = str(exc.value)
        assert f"pid {holder.pid}" in msg and "record-refinement" in msg
        assert lock.exists()    # a live holder's lock is never removed
    finally:
        holder.kill()
        holder.wait()


def test_dead_holder_is_recovered_with_warning(tmp_path, capsys):
    lock = tmp_path / "lock"
    _write_lock(lock, _dead_pid())
    wl = WorkspaceLock(lock, timeout=2)
    with wl:
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert not lock.exists()
    assert wl.recovered and "not running" in wl.recovered[0]
    assert "recovered stale workspace lock" in capsys.readouterr().err


def test_too_old_lock_is_recovered(tmp_path):
    lock = tmp_path / "lock"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _write_lock(lock, holder.pid, age=120)
        wl = WorkspaceLock(lock, timeout=2, stale_seconds=60)
        with wl:
            pass
        assert "old" in wl.recovered[0]
    finally:
        holder.kill()
        holder.wait()


def test_torn_lock_file_is_recovered_only_when_old(tmp_path):
    lock = tmp_path / "lock"
    lock.write_text("{not json")
    with pytest.raises(LockTimeout):
        WorkspaceLock(lock, timeout=0.2).acquire()   # could be mid-write: wait
    t = time.time() - 10
    os.utime(lock, (t, t))
    with WorkspaceLock(lock, timeout=2):
        pass


SCRIPT = r"""
import os, sys, time
sys.path.insert(0, sys.argv[3])
from govkit.store import WorkspaceLock
lock, log = sys.argv[1], sys.argv[2]
with WorkspaceLock(lock, timeout=30):
    with open(log, "a") as fh:
        fh.write(f"in {os.getpid()}\n"); fh.flush()
    time.sleep(0.02)
    with open(log, "a") as fh:
        fh.write(f"out {os.getpid()}\n"); fh.flush()
"""


def test_many_recoverers_of_one_stale_lock_never_overlap(tmp_path):
    lock = tmp_path / "lock"
    log = tmp_path / "log"
    script = tmp_path / "hold.py"
    script.write_text(SCRIPT)
    _write_lock(lock, _dead_pid())
    procs = [subprocess.Popen([sys.executable, str(script), str(lock), str(log), str(ROOT)],
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    errs = [p.communicate(timeout=60)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errs
    lines = log.read_text().split()
    events = list(zip(lines[0::2], lines[1::2]))
    assert len(events) == 16
    # Strictly alternating in/out of the same pid: never two holders.
    for n in range(0, 16, 2):
        assert events[n][0] == "in" and events[n + 1] == ("out", events[n][1])
    # Exactly one process recovered the stale lock.
    assert sum("recovered stale workspace lock" in e for e in errs) == 1


def test_killed_command_leaves_a_lock_the_next_one_recovers(repo, gk):
    from orchkit import WP, ok, setup

    setup(repo)
    lock = repo / ".GOV/.govkit/lock"
    _write_lock(lock, _dead_pid(), "record-signature")
    p = gk("record-refinement", WP, cwd=repo)
    ok(p)
    assert "recovered stale workspace lock" in p.stderr and not lock.exists()
