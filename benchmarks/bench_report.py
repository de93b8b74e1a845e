"""Time `govkit report --html DIR` on the real-size workspace (issue #14: <= 2 s).

    python benchmarks/bench_report.py [--dir WS] [--runs 3]

Without --dir it builds the real-size workspace (benchmarks/gen_workspace.py) in a temporary
directory. Figures, medians of --runs after one warm-up (warm parse cache): the data collection
split into its parts (per-WP gates, lock and manifest; trace; audit verification), the jinja2
rendering, and the whole command as a process (start-up, collection, rendering, writing).
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

TARGET_MS = 2000


def parts(root: Path) -> dict[str, float]:
    from govkit.ops import report_site
    from govkit.report.site import render_site
    from govkit.workspace import Workspace

    out = {}
    ws = Workspace(root)
    t = time.perf_counter()
    site = report_site.collect(ws)
    out["collect (all)"] = (time.perf_counter() - t) * 1000
    from govkit.trace.matrix import build

    t = time.perf_counter()
    build(Workspace(root))
    out["  of which trace"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    pages = render_site(site)
    out[f"render ({len(pages)} pages)"] = (time.perf_counter() - t) * 1000
    return out


def process(root: Path, out: Path) -> float:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "govkit", "--repo", str(root), "report", "--html", str(out)],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
    if p.returncode != 0:
        raise SystemExit(p.stderr.decode())
    return (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    root = args.dir
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="govkit-bench-report-")) / "ws"
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gen_workspace.py"), str(root)],
                       check=True, capture_output=True)
    site = Path(tempfile.mkdtemp(prefix="govkit-bench-site-"))
    process(root, site)   # warm-up: parse cache
    runs = [parts(root) for _ in range(args.runs)]
    whole = statistics.median(process(root, site) for _ in range(args.runs))
    print("| step | median |")
    print("|---|---|")
    for key in runs[0]:
        print(f"| {key} | {statistics.median(r[key] for r in runs):.0f} ms |")
    print(f"| `govkit report --html`, process | {whole:.0f} ms |")
    print(f"target: <= {TARGET_MS} ms; {len(list(site.glob('*.html')))} pages")


if __name__ == "__main__":
    main()
