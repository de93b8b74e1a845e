"""Crash harness and concurrency: real processes, SIGKILL at random moments, real fsyncs."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from govkit.audit import files
from govkit.audit.trail import Trail
from govkit.audit.verify import verify_trail

from support.repo import ROOT

KEY = b"crash-harness-key"

# Appends forever; prints "<kind> <seq>" after each append has returned.
WRITER = r"""
import os, random, sys
sys.path.insert(0, sys.argv[1])
from govkit.audit.trail import Trail
t = Trail(sys.argv[2], key=b"crash-harness-key", rotate_bytes=int(sys.argv[3]), actor="child")
t.close_open("abandoned by a killed writer")   # lets rotation go on
print("ready", flush=True)
i = 0
while True:
    pad = "x" * random.randint(0, 4000)
    s = t.record_intent("crash", "WP-1", {"i": i, "pad": pad})
    print("intent", s, flush=True)
    if i % 3 == 0:
        print("denied", t.record_denied("crash", "WP-1", "no", {"pad": pad}), flush=True)
    print("result", t.record_result(s, result={"i": i}), flush=True)
    i += 1
"""

# Appends N records (intent/result pairs) to a trail shared with other processes.
CONCURRENT = r"""
import sys
sys.path.insert(0, sys.argv[1])
from govkit.audit.trail import Trail
t = Trail(sys.argv[2], key=b"crash-harness-key", actor="w" + sys.argv[4])
seqs = []
for i in range(int(sys.argv[3]) // 2):
    s = t.record_intent("conc", None, {"w": sys.argv[4], "i": i})
    seqs.append(s)
    seqs.append(t.record_result(s))
print(" ".join(map(str, seqs)))
"""


def all_records(path):
    out = []
    for f in files.chain(path):
        out.extend(json.loads(x) for x in f.read_bytes().splitlines())
    return out


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_sigkill_at_random_moments_loses_nothing_that_returned(tmp_path):
    path = tmp_path / "audit" / "audit.jsonl"
    rng = random.Random(1234)
    returned: dict[int, str] = {}
    kills = 0
    started = time.monotonic()
    while kills < 100:
        # Every other writer splits each write in two (a short write) so kills tear records.
        env = dict(os.environ, GOVKIT_TEST_SPLIT_WRITES="1" if kills % 2 else "")
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT), str(path), "60000"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert p.stdout.readline().strip() == b"ready", p.stderr.read()
        time.sleep(rng.uniform(0, 0.04))
        p.send_signal(signal.SIGKILL)
        out, err = p.communicate()
        assert p.returncode == -signal.SIGKILL, err
        kills += 1
        # Only complete lines count: the kill can land in the middle of a print.
        for line in out.decode().split("\n")[:-1]:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                returned[int(parts[1])] = parts[0]
        # The next open recovers (cuts any torn tail) and the whole trail verifies.
        t = Trail(path, key=KEY, warn=lambda m: None)
        t.pending()
        t.close()
        rep = verify_trail(path, KEY, all_problems=True)
        assert rep.passed, (kills, [f.to_dict() for f in rep.errors])
        present = {r["seq"]: r["kind"] for r in all_records(path)}
        lost = {s: k for s, k in returned.items() if present.get(s) != k}
        assert not lost, (kills, lost)
    assert len(returned) > 100
    assert time.monotonic() - started < 60
    assert len(files.rotated(path)) >= 1  # rotation happened under fire too
    assert len(files.quarantined(path)) >= 5  # torn records were recovered, and kept
    notices = [r for r in all_records(path) if r["command"] == "audit-recover"]
    assert len(notices) == len(files.quarantined(path))


def test_eight_processes_250_appends_each_make_one_chain(tmp_path):
    path = tmp_path / "audit.jsonl"
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, str(ROOT), str(path), "250",
                               str(w)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for w in range(8)]
    returned = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        returned.extend(int(x) for x in out.split())
    recs = all_records(path)
    assert len(recs) == 2000
    seqs = [r["seq"] for r in recs]
    assert seqs == list(range(1, 2001)) and sorted(returned) == seqs
    rep = verify_trail(path, KEY)
    assert rep.passed and rep.facts["records"] == 2000
    assert not [f for f in rep.findings if f.code == "GK-AUDIT-OPEN"]
    assert {r["actor"] for r in recs} == {f"w{w}" for w in range(8)}


def test_threads_share_one_trail(tmp_path):
    import threading

    path = tmp_path / "audit.jsonl"
    t = Trail(path, key=KEY)
    other = Trail(path, key=KEY)  # a second object on the same file in the same process

    def work(trail, n):
        for i in range(n):
            s = trail.record_intent("thr", None, {"i": i})
            trail.record_event("evt", None, {"i": i})
            trail.record_result(s)

    threads = [threading.Thread(target=work, args=(t if i % 2 else other, 40)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    t.flush()
    other.flush()
    rep = verify_trail(path, KEY)
    assert rep.passed and rep.facts["records"] == 6 * 40 * 3
    os.unlink(path)
