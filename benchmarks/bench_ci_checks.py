"""Time `govkit ci` and `govkit trace` on the real-size workspace: in-process (the checks alone)
and as processes (what a user waits for: start-up, the checks, the report, the audit event).

    python benchmarks/bench_ci_checks.py [--dir DIR] [--dir500 DIR] [--runs 7]

Without --dir it builds the real-size workspace (benchmarks/gen_workspace.py, profile real:
126 packets) in a temporary directory; without --dir500 it builds the same profile scaled to
500 packets (`gen_workspace.py DIR --profile real --packets 500`). Each figure is the median of
--runs, after one warm-up, in two modes: with a warm parse cache (a developer's machine, the
hooks) and without it (CI=1: on a runner the cache is cold, and CI judges from the artifacts
alone). Processes run `python -m govkit` with this checkout first on PYTHONPATH; CPU time
(user + system of the process and its git children) is printed next to the wall time, since
on a shared machine the wall time is mostly other people's load. Targets (issue #14): `govkit
ci` <= 250 ms and `govkit trace` <= 500 ms as processes on the real-size workspace, `govkit
ci` <= 1 s on 500 packets (the warm run: the cold one is reported, not targeted).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGETS = {"ci": 250, "trace": 500, "ci500": 1000}
MODES = (("warm parse cache", {}), ("CI=1 (no cache)", {"CI": "1"}))


def ci_in_process(root: Path) -> float:
    from govkit.gates.drift import check_ci
    from govkit.workspace import Workspace

    t = time.perf_counter()
    check_ci(Workspace(root))
    return (time.perf_counter() - t) * 1000


def trace_in_process(root: Path) -> float:
    from govkit.trace.matrix import build
    from govkit.workspace import Workspace

    t = time.perf_counter()
    build(Workspace(root))
    return (time.perf_counter() - t) * 1000


def process(root: Path, env: dict, *args: str) -> tuple[float, float]:
    """(wall ms, CPU ms) of `python -m govkit --repo ROOT ARGS`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "govkit", "--repo", str(root), *args],
                       cwd=ROOT, env=env, capture_output=True)
    wall = (time.perf_counter() - t) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        raise SystemExit(p.stderr.decode())
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def median(fn, runs: int):
    fn()   # warm-up: bytecode, the parse cache (warm mode)
    got = [fn() for _ in range(runs)]
    if isinstance(got[0], tuple):
        return tuple(statistics.median(g[i] for g in got) for i in range(len(got[0])))
    return statistics.median(got)


def generate(packets: int | None) -> Path:
    root = Path(tempfile.mkdtemp(prefix="govkit-bench-ci-")) / "ws"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "gen_workspace.py"), str(root)]
    if packets is not None:
        cmd += ["--profile", "real", "--packets", str(packets)]
    subprocess.run(cmd, check=True, capture_output=True)
    return root


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, help="the real-size workspace (default: generate one)")
    ap.add_argument("--dir500", type=Path, help="the 500-packet workspace (default: generate one)")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    root = args.dir or generate(None)
    root500 = args.dir500 or generate(500)
    # PYTHONDONTWRITEBYTECODE would make every process compile govkit again: not a user's run.
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "GOVKIT_NO_CACHE",
                                                                "PYTHONDONTWRITEBYTECODE")}
    base["PYTHONPATH"] = str(ROOT)
    rows = []
    for mode, extra in MODES:
        saved = dict(os.environ)
        os.environ.pop("CI", None)
        os.environ.pop("GOVKIT_NO_CACHE", None)
        os.environ.update(extra)
        try:
            ci = median(lambda: ci_in_process(root), args.runs)
            tr = median(lambda: trace_in_process(root), args.runs)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        env = base | extra
        cip = median(lambda env=env: process(root, env, "ci"), args.runs)
        trp = median(lambda env=env: process(root, env, "trace"), args.runs)
        trj = median(lambda env=env: process(root, env, "trace", "--json"), args.runs)
        ci5 = median(lambda env=env: process(root500, env, "ci"), max(3, args.runs // 2))
        rows.append((mode, ci, tr, cip, trp, trj, ci5))
    print("| mode | ci, in-process | trace, in-process | `govkit ci`, process | `govkit trace`, "
          "process | `govkit trace --json`, process | `govkit ci`, 500 packets, process |")
    print("|---|---|---|---|---|---|---|")
    for mode, ci, tr, cip, trp, trj, ci5 in rows:
        cells = [f"{ci:.0f} ms", f"{tr:.0f} ms"] + [f"{w:.0f} ms (CPU {c:.0f})" for w, c in (cip, trp, trj, ci5)]
        print(f"| {mode} | " + " | ".join(cells) + " |")
    print(f"targets (warm, processes): ci <= {TARGETS['ci']} ms, trace <= {TARGETS['trace']} ms, "
          f"ci on 500 packets <= {TARGETS['ci500']} ms")


if __name__ == "__main__":
    main()
