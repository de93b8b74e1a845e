"""Start-up latency of the govkit CLI on the real-size workspace.

    python benchmarks/bench_startup.py [--dir DIR] [--runs 15] [--wp WP]

Without --dir it generates the real-size workspace (benchmarks/gen_workspace.py, profile real)
in a temporary directory; with --dir it reuses one (the WP timed is --wp, else the last packet).
The CLI runs in two throw-away clones of the workspace (gates append to the audit trail in their git directory, and one
clone gets a committed .GOV/govkit.yaml), so DIR itself is never changed.

It prints the median wall time (separate processes, one warm-up run each) of `govkit --help`,
`govkit --version`, `govkit pre-work WP` without a config file and with a small valid one, run as
`python -m govkit`, through the click command (govkit.cli.main, which the fast paths of
govkit/cli/entry.py skip) and, when it exists next to this Python, as the `govkit` console
script; then, from `python -X importtime`, which heavy modules `--help` and `pre-work` import and
the top 10 cumulative import costs of pre-work. Wall times come with a second table of CPU
times (user+system, the git processes included), which a loaded machine disturbs much less.
Figures only: the exit status is always 0.

Targets: --help <= 50 ms, pre-work <= 80 ms, the config file adds <= 5 ms. `--baseline PYTHON`
adds a column for another build (e.g. a venv with an older govkit installed) timed in the same
rounds, so a loaded machine slows both alike.
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
TARGETS = {"help": 50, "prework": 80, "config": 5}
# Heavy third-party modules govkit should not need at start-up (display name -> module names).
HEAVY = {"openai": ("openai",), "pydantic": ("pydantic",), "httpx": ("httpx", "httpx2"),
         "jsonschema": ("jsonschema",), "markdown_it": ("markdown_it",), "yaml": ("yaml",),
         "cryptography": ("cryptography",), "git (GitPython)": ("git",), "click": ("click",),
         "dataclasses": ("dataclasses",)}
# The click command itself, without the fast paths of govkit/cli/entry.py.
CLICK_MAIN = "import sys\nfrom govkit.cli.main import main\nmain(sys.argv[1:])\n"
CONFIG = """# benchmark config: a few keys, everything else keeps its default
main_branch: main
branch_template: "feat/{wp}"
lock:
  timeout_seconds: 10
"""


def _env(source: bool = True) -> dict:
    """source: import govkit from this checkout (compiled first, see main)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # time imports from .pyc, as an install does
    env.pop("CI", None)  # the parse cache is what a developer's hooks run with
    env.pop("GOVKIT_NO_CACHE", None)
    if source:
        extra = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(ROOT) + (os.pathsep + extra if extra else "")
    else:
        env.pop("PYTHONPATH", None)  # the baseline imports its own installed govkit
    env["NO_COLOR"] = "1"
    return env


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=govkit bench", "-c", "user.email=bench@govkit.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True)


def clone(src: Path, dst: Path, config: str | None = None) -> Path:
    """A clone of the workspace on branch main; with config, a committed .GOV/govkit.yaml."""
    subprocess.run(["git", "clone", "-q", "--branch", "main", str(src), str(dst)], check=True)
    if config is not None:
        (dst / ".GOV" / "govkit.yaml").write_text(config, encoding="utf-8")
        git(dst, "add", ".GOV/govkit.yaml")
        git(dst, "commit", "-q", "-m", "bench: govkit.yaml")
    return dst


def _cpu_ms() -> float:
    """User+system CPU time of the finished child processes (and theirs, e.g. git) so far."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000


def time_all(cmds: dict, runs: int, cwd: Path, baseline: str | None = None) -> dict:
    """name -> (median ms, min ms, exit code of the last run, median CPU ms, min CPU ms). The
    commands take turns (one round per run, after one warm-up round), so load spikes hit every
    command alike; CPU time (user+system, with the git processes) is steadier than wall time
    on a loaded machine. Commands of the baseline runner import the baseline's installed
    govkit, not this checkout."""
    times: dict = {k: [] for k in cmds}
    cpu: dict = {k: [] for k in cmds}
    rcs: dict = {}
    for n in range(runs + 1):
        for key, cmd in cmds.items():
            env = _env(source=key[0] != "baseline")
            c, t = _cpu_ms(), time.perf_counter()
            rcs[key] = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True).returncode
            if n:
                times[key].append((time.perf_counter() - t) * 1000)
                cpu[key].append(_cpu_ms() - c)
    return {k: (statistics.median(v), min(v), rcs[k], statistics.median(cpu[k]), min(cpu[k]))
            for k, v in times.items()}


def import_profile(args: list[str], cwd: Path, repeat: int = 3) -> list[tuple[int, str]]:
    """(cumulative us, module) per module imported by `python -X importtime -m govkit ...`:
    the median of repeat runs."""
    runs: dict[str, list[int]] = {}
    for _ in range(repeat):
        p = subprocess.run([sys.executable, "-X", "importtime", "-m", "govkit", *args],
                           cwd=cwd, env=_env(), capture_output=True, text=True)
        for line in p.stderr.splitlines():
            parts = line.split("|")
            if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
                runs.setdefault(parts[2].strip(), []).append(int(parts[1]))
    return [(int(statistics.median(v)), m) for m, v in runs.items()]


CONFIG_PROBE = ("import hashlib, json, time\nfrom pathlib import Path\n"
                "from govkit.store import cache\nfrom govkit.vcs import head\n"
                "t = time.perf_counter()\nfrom govkit import config\nconfig.load(Path({root!r}))\n"
                "print((time.perf_counter() - t) * 1000)\n")


def config_cost(root: Path, runs: int) -> tuple[float, float]:
    """Median ms of importing govkit.config and loading the config of root in a fresh process,
    with what pre-work imports anyway (hashlib, json, the cache, the git-file reader) loaded:
    the process-to-process difference is below this machine's noise, this is not."""
    env = _env()
    ms = [float(subprocess.run([sys.executable, "-c", CONFIG_PROBE.format(root=str(root))],
                               env=env, capture_output=True, text=True, check=True).stdout)
          for _ in range(runs)]
    return statistics.median(ms), min(ms)


def heavy_report(label: str, prof: list[tuple[int, str]]) -> None:
    tops = {m.split(".")[0] for _, m in prof}
    cost = {}
    for us, m in prof:  # the cumulative cost of the top-level package import
        if "." not in m and m in tops:
            cost[m] = max(cost.get(m, 0), us)
    seen = []
    for name, mods in HEAVY.items():
        hit = [m for m in mods if m in tops]
        ms = sum(cost.get(m, 0) for m in hit) / 1000
        seen.append(f"{name} YES ({ms:.0f} ms)" if hit else f"{name} no")
    print(f"{label}: {len(prof)} modules imported; heavy: " + ", ".join(seen))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", help="an existing workspace from gen_workspace.py (profile real)")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--wp", help="the WP for pre-work (default: the active one)")
    ap.add_argument("--baseline", metavar="PYTHON",
                    help="also time another build: a Python whose environment has it installed")
    args = ap.parse_args(argv)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "govkit")], check=True)
    tmp = tempfile.TemporaryDirectory(prefix="govkit-startup-")
    work = Path(tmp.name)

    if args.dir:
        src = Path(args.dir).resolve()
        wp = args.wp or sorted(p.stem for p in (src / ".GOV/task_packets").glob("*.md"))[-1]
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from gen_workspace import generate_real

        src = work / "ws"
        wp = args.wp or generate_real(src)["active_wp"]
    plain = clone(src, work / "plain")
    with_cfg = clone(src, work / "config", CONFIG)

    runners = {"python -m govkit": [sys.executable, "-m", "govkit"],
               "click command": [sys.executable, "-c", CLICK_MAIN]}
    script = Path(sys.executable).parent / ("govkit.exe" if os.name == "nt" else "govkit")
    if script.exists():
        runners["govkit script"] = [str(script)]
    if args.baseline:
        runners["baseline"] = [args.baseline, "-m", "govkit"]
    measures = {"--help": ["--help"], "--version": ["--version"],
                "pre-work": ["--repo", str(plain), "pre-work", wp],
                "pre-work + config": ["--repo", str(with_cfg), "pre-work", wp]}
    res = time_all({(r, m): [*base, *extra] for r, base in runners.items()
                    for m, extra in measures.items()}, args.runs, plain, args.baseline)

    files = len(subprocess.run(["git", "ls-files"], cwd=plain, capture_output=True,
                               text=True).stdout.splitlines())
    print(f"workspace: {src} ({files} tracked files), WP {wp}; {args.runs} runs per figure "
          f"(median, min in brackets; after 1 warm-up); Python {sys.version.split()[0]}")
    print()
    print("| Command | " + " | ".join(runners) + " | Target |")
    print("|---|" + "---|" * len(runners) + "---|")
    targets = {"--help": f"<= {TARGETS['help']} ms", "--version": "",
               "pre-work": f"<= {TARGETS['prework']} ms", "pre-work + config": ""}
    for mname in measures:
        cells = []
        for rname in runners:
            ms, lo, rc = res[(rname, mname)][:3]
            cells.append(f"{ms:.0f} ms [{lo:.0f}]" + (f" (exit {rc})" if rc else ""))
        print(f"| `{mname}` | " + " | ".join(cells) + f" | {targets[mname]} |")
    adds = [f"{res[(r, 'pre-work + config')][0] - res[(r, 'pre-work')][0]:+.1f} ms" for r in runners]
    print("| config file adds | " + " | ".join(adds) + f" | <= {TARGETS['config']} ms |")
    print("\nCPU time (user+system of the process and its git processes; median, min in brackets)\n")
    print("| Command | " + " | ".join(runners) + " |")
    print("|---|" + "---|" * len(runners))
    for mname in measures:
        cells = [f"{res[(r, mname)][3]:.0f} ms [{res[(r, mname)][4]:.0f}]" for r in runners]
        print(f"| `{mname}` | " + " | ".join(cells) + " |")
    subprocess.run([*runners["python -m govkit"], "--repo", str(with_cfg), "pre-work", wp],
                   env=_env(), capture_output=True)  # the cache is warm, as in a hook
    (a, a_lo), (b, b_lo) = config_cost(plain, args.runs), config_cost(with_cfg, args.runs)
    print(f"\nconfig load in-process: none {a:.1f} ms [{a_lo:.1f}], with the file {b:.1f} ms "
          f"[{b_lo:.1f}]: the file adds {b - a:+.1f} ms (target <= {TARGETS['config']} ms)")
    print()

    # What gets imported (one -X importtime run each, in the plain clone).
    heavy_report("--help", import_profile(["--help"], plain))
    prof = import_profile(["--repo", str(plain), "pre-work", wp], plain)
    heavy_report("pre-work", prof)
    heavy_report("pre-work + config",
                 import_profile(["--repo", str(with_cfg), "pre-work", wp], plain))
    print()
    print("pre-work: top 10 cumulative import costs (median of 3 -X importtime runs)")
    for us, mod in sorted(prof, reverse=True)[:10]:
        print(f"  {us / 1000:7.1f} ms  {mod}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
