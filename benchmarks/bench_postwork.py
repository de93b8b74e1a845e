"""Benchmark: `govkit manifest WP --write` and `govkit post-work WP` on a 500-file change.

Builds a temporary git repository with FILES files of LINES lines, changes CHANGED lines in each
(CHANGED deletions + CHANGED additions, i.e. FILES * CHANGED * 2 changed lines), stages the
change, and times both commands as real processes (median of RUNS). Also counts the git
processes one in-process run of each command spawns.

    python benchmarks/bench_postwork.py [--files 500] [--lines 100] [--changed 20] [--runs 5]
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WP = "WP-1-Bench"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def build(root: Path, files: int, lines: int, changed: int) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "bench")
    git(root, "config", "commit.gpgsign", "false")
    for i in range(files):
        d = root / "src" / f"pkg{i % 20}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"mod{i}.py").write_text("".join(f"value_{i}_{n} = {n}\n" for n in range(lines)))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    base = git(root, "rev-parse", "HEAD").strip()
    pkt = root / ".GOV" / "task_packets" / f"{WP}.md"
    pkt.parent.mkdir(parents=True)
    pkt.write_text(
        f"# Task Packet: {WP}\n\n## METADATA\n- WP_ID: {WP}\n- **Status:** In Progress\n"
        f"- PACKET_FORMAT_VERSION: 2026-02-01\n- MERGE_BASE_SHA: {base}\n\n"
        "## SCOPE\n- IN_SCOPE_PATHS:\n  - src/**/*.py\n\n## WAIVERS GRANTED\n- NONE\n\n"
        "## VALIDATION\n- **Target File**: `path/to/file`\n\n"
        "## EVIDENCE_MAPPING\n- rule -> src/pkg0/mod0.py:1\n\n"
        "## EVIDENCE\n- COMMAND: pytest\n- EXIT_CODE: 0\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "checkpoint")
    step = max(1, (lines - 10) // changed)
    for i in range(files):
        p = root / "src" / f"pkg{i % 20}" / f"mod{i}.py"
        rows = p.read_text().split("\n")
        for k in range(changed):
            n = 5 + k * step
            rows[n] = rows[n] + "  # changed"
        p.write_text("\n".join(rows))
    git(root, "add", "-A")


def timed(root: Path, args: list[str], runs: int) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    times, rc = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "govkit", *args], cwd=root, env=env,
                           capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t0)
        rc = p.returncode
        if rc not in (0,):
            print(p.stdout[-2000:], p.stderr[-2000:], file=sys.stderr)
    return statistics.median(times), rc


def git_processes(root: Path) -> tuple[int, int]:
    from govkit.actions.manifest_write import run_manifest
    from govkit.gates.postwork import check_postwork
    from govkit.vcs import git as gitmod
    from govkit.workspace import Workspace

    s0 = gitmod.spawned()
    run_manifest(Workspace(root), WP, write=True)
    s1 = gitmod.spawned()
    check_postwork(Workspace(root), WP)
    return s1 - s0, gitmod.spawned() - s1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--lines", type=int, default=100)
    ap.add_argument("--changed", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        build(root, a.files, a.lines, a.changed)
        numstat = git(root, "diff", "--cached", "--shortstat")
        print(f"change: {a.files} files, {numstat.strip()}")
        t_first, rc = timed(root, ["manifest", WP, "--write"], 1)
        print(f"govkit manifest {WP} --write (first, writes):   {t_first:.3f} s  exit {rc}")
        t_man, rc = timed(root, ["manifest", WP, "--write"], a.runs)
        print(f"govkit manifest {WP} --write (median of {a.runs}): {t_man:.3f} s  exit {rc}")
        t_post, rc = timed(root, ["post-work", WP], a.runs)
        print(f"govkit post-work {WP} (median of {a.runs}):        {t_post:.3f} s  exit {rc}")
        n_man, n_post = git_processes(root)
        print(f"git processes: manifest --write {n_man}, post-work {n_post}")


if __name__ == "__main__":
    main()
