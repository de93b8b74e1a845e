"""Loop units: phase order, runnable TEST_PLAN lines, path rules, blob ids, group kill."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from govkit.loop.changeset import path_problem
from govkit.loop.phases import PHASES, PhaseOrderError, PhaseTracker
from govkit.loop.run import Options, Run
from govkit.loop.tests import run_command, runnable
from govkit.result import Report
from govkit.util.bytes import blob_id
from govkit.workspace import Workspace


def test_phases_in_order_pass():
    seen = []
    t = PhaseTracker(lambda p, v, s: seen.append((p, v)))
    for p in PHASES:
        t.start(p)
        t.finish("PASS")
    assert [p for p, v in seen if v == "PASS"] == list(PHASES)
    with pytest.raises(PhaseOrderError):
        t.start("commit")


@pytest.mark.parametrize("calls", [["validate"], ["preflight", "review"],
                                   ["preflight", "preflight"], ["apply"], ["bogus"]])
def test_out_of_order_or_skipped_phase_raises(calls):
    t = PhaseTracker()
    with pytest.raises(PhaseOrderError):
        for p in calls:
            t.start(p)
            t.finish("PASS")


def test_rewind_only_after_a_failure():
    t = PhaseTracker()
    for p in ("preflight", "validate"):
        t.start(p)
        t.finish("PASS")
    with pytest.raises(PhaseOrderError):
        t.rewind("validate")
    t.start("review")
    t.finish("FAIL")
    t.rewind("validate")
    t.start("validate")
    t.finish("PASS")
    assert "review" in t.timings() and t.timings()["validate"].count("PASS") == 2


def test_run_steps_called_out_of_order_directly_raise(tmp_path):
    from support.repo import init_repo

    ws = Workspace(init_repo(tmp_path / "r"))
    r = Run(ws, "WP-1-X", Options(changeset="x"), Report("run"))
    with pytest.raises(PhaseOrderError):
        r.apply({"message": "m"}, [])
    with pytest.raises(PhaseOrderError):
        r.tests()
    with pytest.raises(PhaseOrderError):
        r.commit({"message": "m"})
    with pytest.raises(PhaseOrderError):
        r.validate({}, "x", None)


@pytest.mark.parametrize("line,argv", [
    ("python -m pytest -q", ["python", "-m", "pytest", "-q"]),
    ("`just test`", ["just", "test"]),
    ("./scripts/check.sh 'a b'", ["./scripts/check.sh", "a b"]),
    ("pytest | tee log", None), ("make && make test", None), ("echo $(id)", None),
    ("<fill: the commands>", None), ("-rf /", None), ("'unterminated", None), ("", None)])
def test_runnable_rule(line, argv):
    assert runnable(line) == argv


def test_runnable_program_must_exist(tmp_path):
    (tmp_path / "check.sh").write_text("true\n")
    assert runnable("frobnicate-xyz the unit tests", str(tmp_path)) is None
    assert runnable("./check.sh -q", str(tmp_path)) == ["./check.sh", "-q"]
    assert runnable("./missing.sh", str(tmp_path)) is None
    assert runnable("git --version", str(tmp_path)) == ["git", "--version"]


def test_blob_id_is_git_hash_object(tmp_path):
    f = tmp_path / "f"
    f.write_bytes(b"a\r\nb\x00c")
    out = subprocess.run(["git", "hash-object", "--no-filters", str(f)], capture_output=True,
                         text=True).stdout.strip()
    assert blob_id(f.read_bytes()) == out


def test_path_rules(tmp_path):
    from support.repo import init_repo

    root = init_repo(tmp_path / "r")
    (root / "src").mkdir()
    os.symlink(tmp_path, root / "src" / "ln")
    ws = Workspace(root)
    assert path_problem(ws, "src/a.py") is None
    for bad in ("/etc/passwd", "../x", "src/../x", "./src/a.py", "src//a.py", "src/a.py/",
                ".git/config", "sub/.GIT/x", ".GOV/task_packets/x.md", "src/ln/x",
                "src/ln", "C:\\x", "a\\b", ""):
        assert path_problem(ws, bad), bad


def test_timeout_kills_the_whole_group(tmp_path):
    pidfile = tmp_path / "pid"
    code = ("import os, sys, time\n"
            "if os.fork() == 0:\n"
            f"    open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(60)\n"
            "time.sleep(60)\n")
    t0 = time.monotonic()
    res = run_command([sys.executable, "-c", code], str(tmp_path), 1.0)
    assert res.exit_code is None and time.monotonic() - t0 < 10
    pid = int(pidfile.read_text())
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"grandchild {pid} survived the timeout")


def test_output_hash_and_exit_code(tmp_path):
    import hashlib

    res = run_command([sys.executable, "-c", "print('hi'); raise SystemExit(3)"],
                      str(tmp_path), 10)
    assert res.exit_code == 3 and res.output_sha256 == hashlib.sha256(b"hi\n").hexdigest()
