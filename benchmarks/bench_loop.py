"""Overhead of `govkit run` for a 20-file ChangeSet, excluding test commands and LLM time, and
the time of the rollback of the same change.

    python benchmarks/bench_loop.py [--runs 7] [--files 20]

Each run builds a fresh sample workspace (a real git repository in a temporary directory) whose
test command is `true` and whose LLM provider is the offline stub, then runs the loop in-process:
the overhead is the sum of the phase times minus the tests and the two review phases. The
rollback figure is apply + rollback of the same 20 files (rollback alone, including its
verification by hashing and the index restore). Prints the medians as a Markdown table.

Targets (issue 13): loop overhead <= 1 s, rollback <= 300 ms.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def build(tmp: Path, files: int) -> tuple[Path, str]:
    from support import runkit as rk
    from support.repo import commit_all, init_repo

    repo = init_repo(tmp / "repo")
    (repo / "README.md").write_text("bench\n")
    commit_all(repo, "initial")
    (repo / "src").mkdir()
    for n in range(files):
        (repo / "src" / f"m{n:02d}.py").write_text("".join(f"x{i} = {i}\n" for i in range(200)))
    rk.setup(repo, test_command=[shutil.which("true") or "true"])
    edits = []
    for n in range(files):
        rel = f"src/m{n:02d}.py"
        text = (repo / rel).read_text().replace("x100 = 100", "x100 = 'changed'")
        edits.append(rk.modify(repo, rel, text))
    cs = rk.changeset(tmp / "cs.json", edits, mapping=["rule -> src/m00.py:101"])
    return repo, cs


def one(files: int) -> tuple[float, float, dict]:
    from govkit.loop.apply import apply, journal, rollback
    from govkit.loop.changeset import Scope, load, plan
    from govkit.loop.run import Options, run
    from govkit.result import Report
    from govkit.workspace import Workspace

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        repo, cs = build(tmp, files)
        ws = Workspace(repo)
        data, _ = load(ws, cs)
        edits = plan(ws, data, Scope(["src/"], [], "bench"), Report("b"))
        assert edits is not None
        pre = journal(ws, edits, [])
        apply(ws, edits)
        t0 = time.perf_counter()
        diffs = rollback(ws, pre)
        rb = time.perf_counter() - t0
        assert not diffs, diffs
        ws = Workspace(repo)
        t0 = time.perf_counter()
        rep = run(ws, "WP-1-Demo", Options(changeset=cs))
        total = time.perf_counter() - t0
        assert rep.passed, [f.message for f in rep.errors]
        phases = rep.facts["phases"]
        excluded = sum(float(phases[p].split()[1].rstrip("s"))
                       for p in ("tests", "review", "efficiency"))
        head = subprocess.run(["git", "log", "-1", "--format=%s"], cwd=repo, text=True,
                              capture_output=True).stdout.strip()
        assert head.startswith("[WP-1-Demo]"), head
        return total - excluded, rb, phases


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    over, rbs, last = [], [], {}
    for _ in range(args.runs):
        o, r, last = one(args.files)
        over.append(o)
        rbs.append(r)
    res = {"files": args.files, "runs": args.runs,
           "loop_overhead_ms": round(statistics.median(over) * 1000, 1),
           "rollback_ms": round(statistics.median(rbs) * 1000, 1), "phases_last": last}
    if args.json:
        print(json.dumps(res, indent=1))
        return
    print(f"| measure ({args.files}-file ChangeSet, median of {args.runs}) | time | target |")
    print("|---|---|---|")
    print(f"| loop overhead (all phases minus tests and LLM) | {res['loop_overhead_ms']} ms "
          "| <= 1000 ms |")
    print(f"| rollback (restore + verify by hashing + index) | {res['rollback_ms']} ms "
          "| <= 300 ms |")
    print(f"\nphases of the last run: {last}")


if __name__ == "__main__":
    main()
