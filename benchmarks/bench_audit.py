"""Audit trail benchmark: append rate with fsync, and `audit verify` speed and memory.

    python benchmarks/bench_audit.py [--pairs 500] [--records 100000]

Prints its figures; docs/performance.md ("## Audit trail") records them with this command.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govkit.audit.record import GENESIS, seal
from govkit.audit.trail import Trail

KEY = b"benchmark-key-0123456789abcdef"


def bench_appends(d: Path, pairs: int) -> None:
    t = Trail(d / "append.jsonl", key=KEY, actor="bench")
    start = time.perf_counter()
    for i in range(pairs):
        s = t.record_intent("bench-write", "WP-1-Bench", {"files": ["a.md", "b.md"], "i": i})
        t.record_result(s, result={"files": ["a.md", "b.md"]})
    dt = time.perf_counter() - start
    print(f"appends (intent+result, fsync each, HMAC): {pairs} pairs in {dt:.2f}s = "
          f"{pairs / dt:,.0f} pairs/s ({2 * pairs / dt:,.0f} records/s, "
          f"{dt / (2 * pairs) * 1000:.2f} ms/record)")
    n = pairs * 10
    start = time.perf_counter()
    for i in range(n):
        t.record_event("pre-work", "WP-1-Bench", {"verdict": "PASS", "i": i})
    t.flush()
    dt = time.perf_counter() - start
    print(f"events (batched, flushed together):       {n} events in {dt:.2f}s = "
          f"{n / dt:,.0f} events/s")


def make_trail(path: Path, n: int) -> None:
    prev = GENESIS
    with open(path, "wb") as fh:
        for i in range(1, n + 1):
            if i % 2:
                kind, data = "intent", {"files": [".GOV/task_packets/WP-1-Bench.md"], "n": i}
            else:
                kind, data = "result", {"intent": i - 1, "ok": True}
            rec = {"seq": i, "ts": "2024-01-01T00:00:00.000000Z", "kind": kind, "actor": "bench",
                   "command": "record-refinement", "wp": "WP-1-Bench", "data": data,
                   "prev_hash": prev}
            fh.write(seal(rec, KEY))
            prev = rec["hash"]


_CHILD = """
import resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from govkit.audit.verify import verify_trail
key = sys.argv[3].encode() if sys.argv[3] != "-" else None
t = time.perf_counter()
r = verify_trail(Path(sys.argv[2]), key, all_problems=True)
dt = time.perf_counter() - t
# without the key a signed trail is a FAIL (GK-AUDIT-NOKEY); the walk itself must be clean
assert r.passed or {f.code for f in r.errors} == {"GK-AUDIT-NOKEY"}, r.to_dict()
print(r.facts["records"], dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_verify(d: Path, n: int) -> None:
    for count in (n, 2 * n):
        path = d / f"verify-{count}.jsonl"
        make_trail(path, count)
        size = path.stat().st_size
        for key in (KEY.decode(), "-"):
            out = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), str(path), key],
                                 capture_output=True, text=True, check=True).stdout.split()
            recs, dt, rss = int(out[0]), float(out[1]), int(out[2])
            label = "with HMAC" if key != "-" else "no key   "
            print(f"verify {recs:,} records ({size / 1e6:.0f} MB) {label}: {dt:.2f}s = "
                  f"{recs / dt:,.0f} records/s, peak RSS {rss / 1024:.0f} MB")
    path = d / f"verify-{n}.jsonl"
    env = dict(os.environ, PYTHONPATH=str(ROOT), GOVKIT_AUDIT_KEY=KEY.decode())
    subprocess.run(["git", "init", "-q", str(d)], check=True)
    start = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "govkit", "audit", "verify", "--file", str(path)],
                       cwd=d, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - start
    print(f"`govkit audit verify --file` on {n:,} records (whole process): {dt:.2f}s, "
          f"exit {p.returncode}")


_WITNESS_CHILD = """
import statistics, sys, time
sys.path.insert(0, sys.argv[1])
from govkit.gates.audit_verify import check_witnesses
from govkit.result import Report
from govkit.workspace import Workspace
times = []
for _ in range(int(sys.argv[3])):
    ws = Workspace.open(sys.argv[2])  # a new workspace each round: nothing cached
    r = Report("ci")
    t = time.perf_counter()
    check_witnesses(ws, r)
    times.append((time.perf_counter() - t) * 1000)
assert not r.findings, [f.message for f in r.findings]
print(statistics.median(times), min(times), r.facts["audit_witnesses"])
"""


def bench_witness(d: Path, records: int, commits: int) -> None:
    """What the witness check adds to `govkit ci`: collect the witnesses (one git log over
    `commits` commits, every other one carrying trailers) and verify the trail against them."""
    from govkit.audit.witness import trail_id

    repo = d / f"witness-{records}"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / ".GOV").mkdir()
    (repo / ".GOV" / "README.md").write_text("governed\n")
    trail = repo / ".git" / "govkit" / "audit"
    trail.mkdir(parents=True)
    make_trail(trail / "audit.jsonl", records)
    heads = [json.loads(line)["hash"] for line in open(trail / "audit.jsonl", "rb")]
    tid = trail_id(KEY, repo / ".git")
    stream = []
    for i in range(1, commits + 1):
        msg = f"change {i}"
        if i % 2 == 0:
            seq = max(1, records * i // commits)
            msg += (f"\n\nGovkit-Audit-Trail: {tid}\nGovkit-Audit-Seq: {seq}\n"
                    f"Govkit-Audit-Head: {heads[seq - 1]}")
        data = msg.encode()
        stream.append(f"commit refs/heads/main\nmark :{i}\ncommitter b <b@x> {1700000000 + i} +0000\n"
                      f"data {len(data)}\n".encode() + data + b"\n"
                      + (f"from :{i - 1}\n".encode() if i > 1 else b"")
                      + f"M 644 inline f{i % 50}.txt\ndata 2\n{i % 10}\n\n".encode())
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(stream),
                   check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
    env = dict(os.environ, GOVKIT_AUDIT_KEY=KEY.decode())
    out = subprocess.run([sys.executable, "-c", _WITNESS_CHILD, str(ROOT), str(repo), "9"],
                         capture_output=True, text=True, check=True, env=env).stdout.split()
    print(f"witness check in ci: trail of {records:,} records, {commits} commits "
          f"({int(out[2])} witnesses): {float(out[0]):.1f} ms median (min {float(out[1]):.1f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--records", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), tmp dir {tmp}")
        bench_appends(d, args.pairs)
        bench_verify(d, args.records)
        for records in (1000, 10000):
            bench_witness(d, records, 500)


if __name__ == "__main__":
    main()
