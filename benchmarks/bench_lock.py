"""What the lock costs a gate: check_lock (records loaded, chain checked, locked content
recomputed and compared) on a locked sample packet, in-process, warm (the packet already
parsed, as in pre-work and post-work). Also the cold figure (parse included).

    python benchmarks/bench_lock.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def build(root: Path) -> str:
    """A locked WP made by the real commands (govkit as a subprocess)."""
    from govkit.demo import sample

    wp = "WP-1-Bench"
    _git(root, "init", "-q", "-b", "main")
    for k, v in (("user.email", "b@x"), ("user.name", "b"), ("commit.gpgsign", "false")):
        _git(root, "config", k, v)
    sample.write_base(root)
    spec = (root / sample.SPEC_NAME).read_text()
    import hashlib

    sha = hashlib.sha1(spec.encode()).hexdigest()
    (root / ".GOV/refinements").mkdir(parents=True)
    (root / f".GOV/refinements/{wp}.md").write_text(
        sample.refinement_text(wp, sample.SPEC_NAME, sha, spec.split("\n"), None))
    (root / ".GOV/govkit.yaml").write_text("signature:\n  min_interval_seconds: 0\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def gk(*args):
        subprocess.run([sys.executable, "-m", "govkit", *args], cwd=root, check=True,
                       capture_output=True, env=env)

    gk("record-refinement", wp)
    # A token of now: record-signature refuses one outside signature.window_seconds (one day).
    gk("record-signature", wp, "operator" + time.strftime("%d%m%Y%H%M", time.gmtime()))
    gk("record-prepare", wp, "Coder-A", "--branch", "main", "--worktree-dir", ".")
    gk("create-task-packet", wp)
    pkt = root / f".GOV/task_packets/{wp}.md"
    pkt.write_text(sample.fill_packet(pkt.read_text()))
    gk("lock", wp)
    return wp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    from govkit.gates.lock import check_lock
    from govkit.result import Report
    from govkit.workspace import Workspace

    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        wp = build(root)
        rel = f".GOV/task_packets/{wp}.md"
        warm, cold = [], []
        ws = Workspace(root)
        ws.packet(rel)
        for _ in range(args.runs):
            t = time.perf_counter()
            rep = Report("bench", wp)
            assert check_lock(ws, wp, rel, rep) is not None, rep.codes()
            warm.append((time.perf_counter() - t) * 1000)
        for _ in range(max(1, args.runs // 10)):
            fresh = Workspace(root)
            t = time.perf_counter()
            assert check_lock(fresh, wp, rel, Report("bench", wp)) is not None
            cold.append((time.perf_counter() - t) * 1000)
    for name, xs in (("check_lock warm (packet parsed)", warm),
                     ("check_lock cold (parse included)", cold)):
        xs.sort()
        print(f"{name}: median {statistics.median(xs):.2f} ms, p95 "
              f"{xs[int(len(xs) * 0.95) - 1]:.2f} ms, runs {len(xs)}")


if __name__ == "__main__":
    main()
