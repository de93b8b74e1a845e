"""Time the `govkit ci` checks (govkit.gates.ci_checks.run_checks plus the existing spec, board
and forbidden-pattern gates, in one process over one Workspace) and `govkit trace` on the
real-size workspace.

    python benchmarks/bench_ci_checks.py [--dir DIR] [--runs 7]

Without --dir it builds the real-size workspace (benchmarks/gen_workspace.py, profile real) in a
temporary directory. Each figure is the median of --runs, after one warm-up, in two modes: with
a warm parse cache (a developer's hooks) and without it (CI=1: CI judges from the artifacts
alone). Targets: the whole ci <= 250 ms, trace <= 500 ms.
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGETS = {"ci": 250, "trace": 500}


def ci_in_process(root: Path) -> float:
    from govkit.gates.board import check_board
    from govkit.gates.ci_checks import run_checks
    from govkit.gates.drift import check_forbidden
    from govkit.gates.spec import check_spec
    from govkit.result import Report
    from govkit.workspace import Workspace

    t = time.perf_counter()
    ws = Workspace(root)
    report = Report("ci")
    report.merge(check_spec(ws))
    report.merge(check_board(ws))
    check_forbidden(ws, report)
    run_checks(ws, report)
    return (time.perf_counter() - t) * 1000


def trace_in_process(root: Path) -> float:
    from govkit.trace.matrix import build
    from govkit.workspace import Workspace

    t = time.perf_counter()
    build(Workspace(root))
    return (time.perf_counter() - t) * 1000


def trace_process(root: Path, env: dict) -> float:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "govkit", "--repo", str(root), "trace", "--json"],
                       cwd=ROOT, env=env, capture_output=True)
    if p.returncode not in (0, 1):
        raise SystemExit(p.stderr.decode())
    return (time.perf_counter() - t) * 1000


def median(fn, runs: int) -> float:
    fn()
    return statistics.median(fn() for _ in range(runs))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    root = args.dir
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="govkit-bench-ci-")) / "ws"
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gen_workspace.py"), str(root)],
                       check=True, capture_output=True)
    base = {**os.environ, "PYTHONPATH": str(ROOT)}
    rows = []
    for mode, extra in (("warm parse cache", {}), ("CI=1 (no cache)", {"CI": "1"})):
        saved = dict(os.environ)
        os.environ.pop("CI", None)
        os.environ.update(extra)
        try:
            ci = median(lambda: ci_in_process(root), args.runs)
            tr = median(lambda: trace_in_process(root), args.runs)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        env = {k: v for k, v in base.items() if k != "CI"} | extra
        trp = median(lambda env=env: trace_process(root, env), args.runs)
        rows.append((mode, ci, tr, trp))
    print("| mode | ci checks, in-process | trace, in-process | `govkit trace --json`, process |")
    print("|---|---|---|---|")
    for mode, ci, tr, trp in rows:
        print(f"| {mode} | {ci:.0f} ms | {tr:.0f} ms | {trp:.0f} ms |")
    print(f"targets: ci <= {TARGETS['ci']} ms, trace <= {TARGETS['trace']} ms")


if __name__ == "__main__":
    main()
