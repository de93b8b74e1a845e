"""Start-up and gate latency on a large synthetic workspace.

    python benchmarks/bench_gates.py [--dir DIR] [--runs 15] [--packets 200] [--spec-lines 60000]

Without --dir it generates the default workspace (benchmarks/gen_workspace.py) in a temporary
directory. It prints, as a Markdown table:

- the median wall time of `govkit --help` and of `govkit pre-work WP` (separate processes,
  `python -m govkit`, --runs each, after one warm-up run);
- the in-process time to parse every artifact (all packets, all refinements, the spec with its
  sections, board, registry, signature audit, gate log) through govkit.workspace.Workspace;
- the peak memory (ru_maxrss) of this process after parsing, and of the largest child process.

Targets: --help <= 100 ms, pre-work <= 200 ms, parse-all <= 1 s, peak memory <= 150 MB.
"""

from __future__ import annotations

import argparse
import json
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

TARGETS = {"help_ms": 100, "prework_ms": 200, "parse_all_ms": 1000, "peak_rss_mb": 150}


def _env() -> dict:
    env = dict(os.environ)
    extra = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + extra if extra else "")
    env["NO_COLOR"] = "1"
    return env


def time_process(cmd: list[str], runs: int, cwd: Path, expect: int = 0) -> list[float]:
    env = _env()
    out = []
    for n in range(runs + 1):
        t = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True)
        dt = (time.perf_counter() - t) * 1000
        if p.returncode != expect:
            raise SystemExit(f"{' '.join(cmd)} exited {p.returncode}:\n"
                             f"{p.stdout.decode()}{p.stderr.decode()}")
        if n:  # the first run warms the OS caches
            out.append(dt)
    return out


def parse_all(root: Path) -> dict:
    from govkit.workspace import Workspace

    t = time.perf_counter()
    ws = Workspace(root)
    pdir = ws.abs(ws.p("task_packets_dir"))
    names = sorted(n for n in os.listdir(pdir) if n.endswith(".md"))
    fields = refs = 0
    for name in names:
        rel = f"{ws.p('task_packets_dir')}/{name}"
        pkt = ws.packet(rel)
        fields += len(pkt.md.fields)
        ref_rel = ws.refinement_rel(name[:-3])
        if ws.abs(ref_rel).is_file():  # older, validated WPs keep no refinement
            ref = ws.refinement(ref_rel)
            fields += len(ref.anchors)
            refs += 1
    ptr = ws.spec_pointer()
    spec = ws.spec(ptr.name)
    n_lines, n_sections = len(spec.lines), len(spec.sections)
    _ = spec.sha1_lf
    board = ws.board()
    ws.registry_rows()
    rows = ws.signature_rows() or []
    log = ws.gate_log()
    ms = (time.perf_counter() - t) * 1000
    return {"ms": ms, "packets": len(names), "refinements": refs, "spec_lines": n_lines,
            "spec_sections": n_sections, "board_entries": len(board.entries),
            "signature_rows": len(rows), "gate_log_entries": len(getattr(log, "entries", []) or []),
            "fields": fields}


def _rss_mb(kb: int) -> float:
    # Linux reports KiB, macOS bytes.
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", help="an existing workspace from gen_workspace.py")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--packets", type=int, default=200)
    ap.add_argument("--spec-lines", type=int, default=60000)
    ap.add_argument("--wp", default=None, help="WP for pre-work (default: the last one)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    runs = max(10, args.runs)

    tmp = None
    if args.dir:
        root = Path(args.dir).resolve()
        wp = args.wp or sorted(p.stem for p in (root / ".GOV/task_packets").glob("*.md"))[-1]
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from gen_workspace import generate

        tmp = tempfile.TemporaryDirectory(prefix="govkit-bench-")
        root = Path(tmp.name) / "ws"
        info = generate(root, args.packets, args.spec_lines)
        wp = args.wp or info["last_wp"]

    py = [sys.executable, "-m", "govkit"]
    help_ms = time_process([*py, "--help"], runs, root)
    pre_ms = time_process([*py, "--repo", str(root), "pre-work", wp], runs, root)
    parses = [parse_all(root) for _ in range(3)]
    parsed = parses[0]
    parse_ms = [p["ms"] for p in parses]
    self_mb = _rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    child_mb = _rss_mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)

    res = {
        "workspace": {"packets": parsed["packets"], "spec_lines": parsed["spec_lines"],
                      "spec_sections": parsed["spec_sections"],
                      "gate_log_entries": parsed["gate_log_entries"],
                      "signature_rows": parsed["signature_rows"]},
        "runs": runs,
        "help_ms": statistics.median(help_ms),
        "prework_ms": statistics.median(pre_ms),
        "parse_all_ms": statistics.median(parse_ms),
        "parse_all_first_ms": parse_ms[0],
        "peak_rss_mb": max(self_mb, child_mb),
        "peak_rss_self_mb": self_mb,
        "peak_rss_child_mb": child_mb,
        "python": sys.version.split()[0],
        "platform": sys.platform,
    }
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        w = res["workspace"]
        print(f"workspace: {w['packets']} packets + refinements, spec {w['spec_lines']} lines "
              f"({w['spec_sections']} sections), {w['gate_log_entries']} gate-log entries, "
              f"{w['signature_rows']} signature rows; {runs} runs per process figure (median)")
        print()
        print("| Measure | Result | Target | |")
        print("|---|---|---|---|")
        rows = [("`govkit --help` (process, median)", "help_ms", "ms"),
                (f"`govkit pre-work {wp}` (process, median)", "prework_ms", "ms"),
                ("parse all artifacts (in-process, median of 3)", "parse_all_ms", "ms"),
                ("peak memory (max of this process and children, ru_maxrss)", "peak_rss_mb", "MB")]
        for label, key, unit in rows:
            ok = "ok" if res[key] <= TARGETS[key] else "OVER"
            print(f"| {label} | {res[key]:.0f} {unit} | <= {TARGETS[key]} {unit} | {ok} |")
        print()
        print(f"parse-all first run {res['parse_all_first_ms']:.0f} ms; peak memory: this process "
              f"{self_mb:.0f} MB, largest child {child_mb:.0f} MB; Python {res['python']}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
