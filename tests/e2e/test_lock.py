"""The workspace lock (govkit/store/lock.py): one OS lock (flock / msvcrt.locking) held for the
whole command, released by the kernel when the holder dies, never taken from a live holder
however old, exclusive between threads and re-entrant for the holding thread, with the holder
(pid, host, command, start time) written inside the lock file. Real processes, no mocks."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from govkit.errors import LockTimeout
from govkit.store.lock import WorkspaceLock, file_lock

from support.repo import ROOT

# Holds the lock, says "ready", sleeps. argv: lock, command, repo root, seconds.
HOLDER = r"""
import sys, time
sys.path.insert(0, sys.argv[3])
from govkit.store.lock import WorkspaceLock
with WorkspaceLock(sys.argv[1], timeout=30, command=sys.argv[2]):
    print("ready", flush=True)
    time.sleep(float(sys.argv[4]))
"""


def _hold(tmp_path, lock, command="record-refinement", seconds=60.0):
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    p = subprocess.Popen([sys.executable, str(script), str(lock), command, str(ROOT),
                          str(seconds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    assert line.strip() == "ready", p.communicate()[1]
    return p


def _stop(p):
    if p.poll() is None:
        p.kill()
    p.communicate()


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _leftover(path, pid, command="record-signature", age=0.0):
    """The holder info a killed command leaves in the lock file (the lock itself is free)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "token": "x",
                                "since": time.time() - age, "command": command}))
    if age:
        t = time.time() - age
        os.utime(path, (t, t))


def test_timeout_names_the_holder(tmp_path):
    lock = tmp_path / "lock"
    holder = _hold(tmp_path, lock, "record-refinement")
    try:
        t = time.monotonic()
        with pytest.raises(LockTimeout) as exc:
            WorkspaceLock(lock, timeout=0.3).acquire()
        assert 0.25 < time.monotonic() - t < 3
        msg = str(exc.value)
        assert f"pid {holder.pid}" in msg and "record-refinement" in msg and "fix:" in msg
        assert lock.exists() and holder.poll() is None    # a live holder keeps its lock
    finally:
        _stop(holder)


def test_a_live_holder_keeps_the_lock_past_the_old_stale_limit(tmp_path):
    """The old lock was taken from a live holder once its file was older than stale_seconds."""
    lock = tmp_path / "lock"
    holder = _hold(tmp_path, lock, "record-signature")
    try:
        old = time.time() - 3600                         # an hour old: far past stale_seconds=1
        os.utime(lock, (old, old))
        time.sleep(1.2)                                  # and held past the 1 s limit for real
        t = time.monotonic()
        with pytest.raises(LockTimeout) as exc:
            WorkspaceLock(lock, timeout=1.5, stale_seconds=1, command="doctor").acquire()
        assert time.monotonic() - t >= 1.4
        assert f"pid {holder.pid}" in str(exc.value) and "record-signature" in str(exc.value)
        assert holder.poll() is None and lock.exists()
        assert json.loads(lock.read_text())["pid"] == holder.pid   # still the holder's
    finally:
        _stop(holder)


def test_a_command_waits_past_the_old_stale_limit_and_says_for_whom(repo, gk, tmp_path):
    from support.orchkit import WP, setup

    setup(repo, cfg_extra="lock:\n  timeout_seconds: 2\n  stale_seconds: 1\n")
    lock = repo / ".git/govkit/lock"
    holder = _hold(tmp_path, lock, "record-signature")
    try:
        p = gk("record-refinement", WP, cwd=repo)
        assert p.returncode == 2, p.stdout + p.stderr
        out = p.stdout + p.stderr
        assert f"workspace is locked by pid {holder.pid} (record-signature) since" in out
        assert "waiting..." in p.stderr and "gave up after 2s" in out
        assert holder.poll() is None
    finally:
        _stop(holder)


def test_sigkill_of_the_holder_frees_the_lock_at_once(tmp_path):
    lock = tmp_path / "lock"
    holder = _hold(tmp_path, lock, "record-signature")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    t = time.monotonic()
    wl = WorkspaceLock(lock, timeout=5, command="next")
    with wl:
        took = time.monotonic() - t
        assert wl.holder()["pid"] == os.getpid()
    assert took < 0.5, took
    # What the killed holder left behind is reported, never waited on.
    assert wl.left_by["pid"] == holder.pid and wl.left_by["command"] == "record-signature"
    holder.communicate()


def _waiter(lock):
    """A process that waits for the lock, prints the time it got it, and exits."""
    return subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nsys.path.insert(0, sys.argv[2])\n"
         "from govkit.store.lock import WorkspaceLock\n"
         "with WorkspaceLock(sys.argv[1], timeout=30):\n"
         "    print(time.time(), flush=True)\n", str(lock), str(ROOT)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_frees_the_lock_for_a_waiting_process(tmp_path):
    lock = tmp_path / "lock"
    holder = _hold(tmp_path, lock, "record-signature")
    waiter = _waiter(lock)
    try:
        time.sleep(0.5)
        assert waiter.poll() is None                     # waiting for the live holder
        killed = time.time()
        os.kill(holder.pid, signal.SIGKILL)
        out, err = waiter.communicate(timeout=30)
        assert waiter.returncode == 0, err
        assert float(out) - killed < 0.5                 # polls back off to 50 ms at most
        assert f"locked by pid {holder.pid} (record-signature)" in err and "waiting..." in err
    finally:
        _stop(holder)
        if waiter.poll() is None:
            _stop(waiter)


@pytest.mark.parametrize("shared", [True, False], ids=["one-object", "object-per-thread"])
def test_threads_are_excluded_one_at_a_time(tmp_path, shared):
    path = tmp_path / "lock"
    one = WorkspaceLock(path, timeout=30)
    state = {"inside": 0, "max": 0, "count": 0}
    errors = []

    def work():
        try:
            for _ in range(5):
                with (one if shared else WorkspaceLock(path, timeout=30)):
                    state["inside"] += 1
                    state["max"] = max(state["max"], state["inside"])
                    count = state["count"]
                    time.sleep(0.002)
                    state["count"] = count + 1
                    state["inside"] -= 1
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert state["max"] == 1 and state["count"] == 40


def test_reentrant_in_one_thread_exclusive_for_others(tmp_path, capsys):
    path = tmp_path / "lock"
    outer = WorkspaceLock(path, timeout=0.5, command="record-signature")
    with outer:
        with WorkspaceLock(path, timeout=0.5, command="audit"):   # e.g. the audit recorder
            with outer:
                assert outer.holder()["command"] == "record-signature"
        assert outer.holder()["command"] == "record-signature"   # inner exits keep the holder
        got = []

        def other():
            try:
                WorkspaceLock(path, timeout=0.3).acquire()
                got.append("acquired")
            except LockTimeout as exc:
                got.append(str(exc))

        t = threading.Thread(target=other)
        t.start()
        t.join(10)
        assert got and f"pid {os.getpid()} (record-signature)" in got[0]
        assert "waiting..." in capsys.readouterr().err
    assert file_lock(path).depth == 0
    assert path.exists() and outer.holder() is None         # released: kept, but empty
    with WorkspaceLock(path, timeout=0):                     # free again, at once
        pass


def test_release_by_another_thread_is_refused(tmp_path):
    path = tmp_path / "lock"
    wl = WorkspaceLock(path, timeout=1)
    wl.acquire()
    errors = []
    t = threading.Thread(target=lambda: errors.append(pytest.raises(RuntimeError, wl.release)))
    t.start()
    t.join(10)
    assert errors and file_lock(path).depth == 1
    wl.release()


def test_holder_info_is_readable_while_held(tmp_path):
    lock = tmp_path / "lock"
    before = time.time()
    holder = _hold(tmp_path, lock, "create-task-packet")
    try:
        info = json.loads(lock.read_text())
        assert info["pid"] == holder.pid and info["host"] == socket.gethostname()
        assert info["command"] == "create-task-packet"
        assert before - 1 <= info["since"] <= time.time() and info["started"].endswith("Z")
        assert WorkspaceLock(lock).holder() == info
    finally:
        _stop(holder)
    with WorkspaceLock(lock, timeout=5, command="mine") as wl:
        assert wl.holder()["pid"] == os.getpid() and wl.holder()["command"] == "mine"


def test_leftover_of_a_dead_holder_is_taken_at_once_without_warning(tmp_path, capsys):
    lock = tmp_path / "lock"
    pid = _dead_pid()
    _leftover(lock, pid, age=7200)
    wl = WorkspaceLock(lock, timeout=0)
    with wl:
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert lock.exists()                                      # never removed
    assert wl.left_by["pid"] == pid
    assert capsys.readouterr().err == ""


def test_torn_lock_file_is_taken_at_once(tmp_path):
    lock = tmp_path / "lock"
    lock.write_text("{not json")
    with WorkspaceLock(lock, timeout=0) as wl:
        assert wl.holder()["pid"] == os.getpid()
    assert wl.left_by is None


def test_a_waiter_does_not_lock_a_removed_lock_file(tmp_path):
    """Someone deletes the lock file while a command holds it and another waits on it: a third
    command creates and locks a new file; the waiter, once the first holder exits, must not
    take the lock of the deleted file but wait for the third one."""
    lock = tmp_path / "lock"
    holder = _hold(tmp_path, lock, "record-signature", seconds=0.6)
    waiter = _waiter(lock)
    try:
        time.sleep(0.3)                                   # the waiter has the old file open
        lock.unlink()
        with WorkspaceLock(lock, timeout=0):              # a new file, locked at once
            holder.communicate(timeout=30)                # the first holder is gone
            time.sleep(0.5)
            released = time.time()
        out, err = waiter.communicate(timeout=30)
        assert waiter.returncode == 0, err
        assert float(out) >= released
    finally:
        _stop(holder)
        if waiter.poll() is None:
            _stop(waiter)


SCRIPT = r"""
import os, sys, time
sys.path.insert(0, sys.argv[3])
from govkit.store.lock import WorkspaceLock
lock, log = sys.argv[1], sys.argv[2]
with WorkspaceLock(lock, timeout=30):
    with open(log, "a") as fh:
        fh.write(f"in {os.getpid()}\n"); fh.flush()
    time.sleep(0.02)
    with open(log, "a") as fh:
        fh.write(f"out {os.getpid()}\n"); fh.flush()
"""


def test_many_processes_never_overlap(tmp_path):
    lock = tmp_path / "lock"
    log = tmp_path / "log"
    script = tmp_path / "hold.py"
    script.write_text(SCRIPT)
    _leftover(lock, _dead_pid())                              # a killed command's leftover
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
    assert not any("recovered" in e for e in errs)
    assert lock.exists()


def test_killed_command_leaves_a_lock_the_next_one_just_takes(repo, gk):
    from support.orchkit import WP, ok, setup

    setup(repo)
    lock = repo / ".git/govkit/lock"
    _leftover(lock, _dead_pid(), "record-signature")
    t = time.monotonic()
    p = gk("record-refinement", WP, cwd=repo)
    ok(p)
    assert time.monotonic() - t < 30
    assert "waiting" not in p.stderr and "recovered" not in p.stderr
    assert lock.exists() and lock.read_text() == ""           # released cleanly: no holder


def test_doctor_says_a_killed_command_left_the_lock(repo, gk):
    from support.orchkit import SIG, WP, ok, setup

    setup(repo)
    ok(gk("record-refinement", WP, cwd=repo))
    p = gk("record-signature", WP, SIG, cwd=repo, env={"GOVKIT_TEST_CRASH_AT": "file0"})
    assert p.returncode == -signal.SIGKILL
    assert json.loads((repo / ".git/govkit/lock").read_text())["command"] == "record-signature"
    d = gk("doctor", "--json", cwd=repo)
    assert d.returncode == 0, d.stdout + d.stderr
    found = {f["code"]: f["message"] for f in json.loads(d.stdout)["findings"]}
    assert "(record-signature)" in found["GK-DOCTOR-LOCK"]
    assert "ended without releasing it" in found["GK-DOCTOR-LOCK"]
    assert "GK-DOCTOR-TXN" in found                           # the interrupted transaction
