"""Benchmark: `govkit record-signature` one-time-use check on a big repository.

Builds (with `git fast-import`) a repository with 10,000 commits spread over 50 branches, a sample
.GOV workspace, a refinement ready to sign; then times `govkit record-signature` as a process
(median of N runs, each on a fresh copy of the gate state) and prints the figure.

    python benchmarks/bench_signature.py [--commits 10000] [--branches 50] [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def git(cwd: Path, *args: str, input: bytes | None = None) -> str:
    p = subprocess.run(["git", *args], cwd=cwd, capture_output=True, input=input, check=False)
    if p.returncode != 0:
        raise SystemExit(f"git {args} failed: {p.stderr.decode()}")
    return p.stdout.decode()


def fast_import_stream(commits: int, branches: int, files: int = 200) -> bytes:
    """A stream of `commits` commits: a trunk on main, then `branches` side branches that fork
    from it and carry the rest. Every commit edits one small file (and the history holds many
    signature-like tokens that are NOT the one being signed)."""
    out: list[bytes] = []
    when = 1_700_000_000
    per_branch = commits // (branches + 1)
    trunk = commits - per_branch * branches
    mark = 0

    def commit(ref: str, parent_mark: int | None, n: int) -> int:
        nonlocal mark, when
        mark += 1
        when += 60
        path = f"src/mod{n % files:03d}.txt"
        body = (f"line for commit {n}\nsigned by user{(n * 7919) % 10**12:012d}\n"
                f"payload {n * 31}\n").encode()
        msg = f"commit {n}\n".encode()
        out.append(f"commit {ref}\nmark :{mark}\n".encode())
        out.append(f"committer Bench <bench@example.com> {when} +0000\n".encode())
        out.append(b"data %d\n%s" % (len(msg), msg))
        if parent_mark is not None:
            out.append(f"from :{parent_mark}\n".encode())
        out.append(f"M 100644 inline {path}\n".encode())
        out.append(b"data %d\n%s\n" % (len(body), body))
        return mark

    prev = None
    trunk_marks = []
    for n in range(trunk):
        prev = commit("refs/heads/main", prev, n)
        trunk_marks.append(prev)
    n = trunk
    for b in range(branches):
        parent = trunk_marks[(b * 97) % len(trunk_marks)]
        for _ in range(per_branch):
            parent = commit(f"refs/heads/topic-{b:02d}", parent, n)
            n += 1
    return b"".join(out)


def build(path: Path, commits: int, branches: int) -> None:
    from govkit.demo import sample

    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "bench@example.com")
    git(path, "config", "user.name", "Bench")
    git(path, "fast-import", "--quiet", input=fast_import_stream(commits, branches))
    git(path, "reset", "-q", "--hard", "main")
    # The .GOV workspace on top of the big history.
    sample.write_base(path)
    spec = (path / sample.SPEC_NAME).read_text()
    import hashlib

    sha = hashlib.sha1(spec.encode()).hexdigest()
    (path / ".GOV" / "refinements").mkdir(parents=True, exist_ok=True)
    (path / ".GOV" / "refinements" / "WP-1-Bench.md").write_text(
        sample.refinement_text("WP-1-Bench", sample.SPEC_NAME, sha, spec.split("\n"),
                               signature=None))
    (path / ".GOV" / "govkit.yaml").write_text("signature:\n  min_interval_seconds: 0\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "gov workspace")
    t = datetime.now(UTC) - timedelta(minutes=5)
    log = {"gate_logs": [{"wpId": "WP-1-Bench", "type": "REFINEMENT",
                          "refinement_path": ".GOV/refinements/WP-1-Bench.md",
                          "spec_target_resolved": f".GOV/roles_shared/SPEC_CURRENT.md -> {sample.SPEC_NAME}",
                          "spec_target_sha1": sha,
                          "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                          "turn_token": str(int(t.timestamp() * 1000))}]}
    gl = path / ".GOV" / "roles" / "orchestrator" / "ORCHESTRATOR_GATES.json"
    gl.parent.mkdir(parents=True, exist_ok=True)
    gl.write_text(json.dumps(log, indent=2))


def snapshot(path: Path) -> dict[str, bytes]:
    rels = [".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json",
            ".GOV/roles_shared/SIGNATURE_AUDIT.md", ".GOV/refinements/WP-1-Bench.md"]
    return {r: (path / r).read_bytes() for r in rels}


def restore(path: Path, snap: dict[str, bytes]) -> None:
    for r, b in snap.items():
        (path / r).write_bytes(b)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--commits", type=int, default=10000)
    ap.add_argument("--branches", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", default=None, help="build the repository here and keep it")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="govkit-bench-sig-"))
    repo = Path(args.keep) if args.keep else tmp / "repo"
    try:
        t0 = time.perf_counter()
        build(repo, args.commits, args.branches)
        built = time.perf_counter() - t0
        n_commits = int(git(repo, "rev-list", "--all", "--count").strip())
        n_branches = len(git(repo, "branch", "--format=%(refname)").split())
        snap = snapshot(repo)
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        times = []
        for i in range(args.runs):
            restore(repo, snap)
            token = f"bench{(datetime(2026, 1, 1) + timedelta(minutes=i)).strftime('%d%m%Y%H%M')}"
            t = time.perf_counter()
            p = subprocess.run([sys.executable, "-m", "govkit", "record-signature", "WP-1-Bench",
                                token], cwd=repo, capture_output=True, text=True, env=env, check=False)
            times.append(time.perf_counter() - t)
            if p.returncode != 0:
                raise SystemExit(f"record-signature failed:\n{p.stdout}\n{p.stderr}")
        # The baseline: the same process start and workspace open, no signature work.
        base = []
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "govkit", "--version"], cwd=repo,
                           capture_output=True, env=env, check=False)
            base.append(time.perf_counter() - t)
        print(f"repository: {n_commits} commits, {n_branches} branches (built in {built:.1f}s)")
        print(f"record-signature: median {statistics.median(times) * 1000:.0f} ms "
              f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, runs {args.runs})")
        print(f"python -m govkit --version: median {statistics.median(base) * 1000:.0f} ms")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
