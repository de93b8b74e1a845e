"""govkit run under SIGKILL and hanging tests: the group is killed, the next command recovers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from support import runkit as rk
from support.repo import ROOT, git

WP = rk.WP

HANG = ("import os, sys, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    open(sys.argv[1], 'w').write(str(os.getpid()))\n"
        "    time.sleep(300)\n"
        "    os._exit(0)\n"
        "time.sleep(300)\n")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes (its parent has not reaped it yet).
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def wait_dead(pid: int, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_hanging_test_command_group_is_killed(repo, gk, tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    (tmp_path / "hang.py").write_text(HANG)
    rk.setup(repo, cfg="", test_command=[sys.executable, str(tmp_path / "hang.py"), str(pidfile)])
    cfg = repo / ".GOV/govkit.yaml"
    cfg.write_text(cfg.read_text().replace("test_timeout_seconds: 20", "test_timeout_seconds: 1"))
    rk.commit(repo, "short timeout")
    before = rk.fingerprint(repo)
    cs = rk.changeset(tmp_path / "cs.json", [rk.modify(repo, "src/app.py", "X = 1\n")])
    t0 = time.monotonic()
    p = gk("run", WP, "--changeset", cs, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-RUN-TEST-TIMEOUT" in rk.errors(p), p.stdout + p.stderr
    assert time.monotonic() - t0 < 30
    grandchild = int(pidfile.read_text())
    assert wait_dead(grandchild), f"grandchild {grandchild} still running"
    assert rk.fingerprint(repo) == before


def _spawn(repo: Path, cs: str, env: dict | None = None) -> subprocess.Popen:
    full = dict(os.environ)
    full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
    full.update(env or {})
    return subprocess.Popen([sys.executable, "-m", "govkit", "run", WP, "--changeset", cs],
                            cwd=repo, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _two_files(repo: Path, tmp_path: Path, marker: str = "") -> str:
    return rk.changeset(tmp_path / "cs.json", [
        rk.modify(repo, "src/app.py", f"def rule():\n    return True  {marker}\n"),
        rk.modify(repo, "src/util.py", "def helper():\n    return 3\n"),
        {"path": "src/added/new.py", "mode": "add", "after": "N = 1\n"}])


def test_sigkill_during_apply_then_next_command_rolls_back(repo, gk, tmp_path):
    rk.setup(repo)
    (repo / "src/untracked.txt").write_text("mine\n")
    before = rk.fingerprint(repo)
    proc = _spawn(repo, _two_files(repo, tmp_path), {"GOVKIT_TEST_CRASH_AT": "apply1"})
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert rk.runs(repo) and rk.fingerprint(repo) != before   # half applied, record left
    p = gk("pre-work", WP, cwd=repo)
    assert "rolled back to the pre-state" in p.stderr and "interrupted in phase apply" in p.stderr
    assert rk.fingerprint(repo) == before and rk.runs(repo) == []
    assert gk("audit", "verify", cwd=repo).returncode == 0


def test_sigkill_during_tests_then_doctor_rolls_back_and_kills_the_tests(repo, gk, tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    (tmp_path / "hang.py").write_text(HANG)
    rk.setup(repo, test_command=[sys.executable, str(tmp_path / "hang.py"), str(pidfile)])
    before = rk.fingerprint(repo)
    proc = _spawn(repo, _two_files(repo, tmp_path))
    end = time.monotonic() + 60
    while not pidfile.exists() and time.monotonic() < end:
        time.sleep(0.05)
    assert pidfile.exists(), proc.stderr.read1().decode() if proc.stderr else ""
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)                  # govkit itself, mid-tests
    proc.communicate(timeout=30)
    grandchild = int(pidfile.read_text())
    assert alive(grandchild)                           # the orphaned test is still running
    assert (repo / "src/added/new.py").exists()
    d = gk("doctor", cwd=repo)
    assert "interrupted in phase tests" in d.stderr and "rolled back" in d.stderr, d.stderr
    assert wait_dead(grandchild)
    assert rk.fingerprint(repo) == before and rk.runs(repo) == []


def test_sigkill_after_the_commit_is_confirmed_not_rolled_back(repo, gk, tmp_path):
    rk.setup(repo)
    head = git(repo, "rev-parse", "HEAD").strip()
    proc = _spawn(repo, _two_files(repo, tmp_path), {"GOVKIT_TEST_CRASH_AT": "committed"})
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    new = git(repo, "rev-parse", "HEAD").strip()
    assert new != head and rk.runs(repo)
    p = gk("pre-work", WP, cwd=repo)
    assert "confirmed" in p.stderr and new[:12] in p.stderr
    assert git(repo, "rev-parse", "HEAD").strip() == new and rk.runs(repo) == []
    assert (repo / "src/added/new.py").read_text() == "N = 1\n"
