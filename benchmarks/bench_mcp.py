"""What agents pay for govkit (issue #15), on the real-size workspace (gen_workspace.py, profile
real) with its active WP locked, every figure a real process:

- `govkit guard` per call (targets <= 60 ms): an in-scope Edit (allowed), an out-of-scope Write
  (denied: one durable audit record), a Read (not judged), Codex's apply_patch and Cursor's
  beforeShellExecution;
- `govkit mcp` start-up (target <= 300 ms): spawn to the `initialize` answer, as served and with
  the SDK's full import, and the floor: fresh interpreters importing only the SDK's modules;
- an MCP tool call over a gate (target: adds <= 20 ms): `pre_work` round trip over stdio minus
  the same gate run in-process the way the server runs it (fresh Workspace, Report.to_dict).

    python benchmarks/bench_mcp.py [--runs N] [--dir EXISTING_REAL_WORKSPACE --wp WP]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
GK = [sys.executable, "-m", "govkit"]


def ms(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1000:.0f} ms (min {min(xs) * 1000:.0f}, max {max(xs) * 1000:.0f})"


def timed(cmd: list[str], cwd: Path, stdin: str) -> tuple[float, int]:
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, text=True, env=ENV)
    return time.perf_counter() - t, p.returncode


def guard(root: Path, wp: str, runs: int) -> dict[str, list[float]]:
    rel = next(iter(_scope(root, wp)), "src/app.py")
    claude = {"cwd": str(root), "hook_event_name": "PreToolUse"}
    patch = f"*** Begin Patch\n*** Update File: {rel}\n@@\n-a\n+b\n*** End Patch\n"
    cases = {
        "Edit in scope (allowed)": ("claude", {**claude, "tool_name": "Edit", "tool_input": {
            "file_path": str(root / rel), "old_string": "a", "new_string": "b"}}, 0),
        "Write out of scope (denied)": ("claude", {**claude, "tool_name": "Write", "tool_input": {
            "file_path": str(root / "NOT_IN_SCOPE.md"), "content": "x"}}, 2),
        "Read (not judged)": ("claude", {**claude, "tool_name": "Read", "tool_input": {
            "file_path": str(root / "README.md")}}, 0),
        "--host codex, apply_patch in scope (allowed)": ("codex", {
            **claude, "tool_name": "apply_patch", "tool_input": {"command": patch}}, 0),
        "--host cursor, beforeShellExecution out of scope (denied)": ("cursor", {
            "hook_event_name": "beforeShellExecution", "workspace_roots": [str(root)],
            "cwd": str(root), "command": "echo x >> NOT_IN_SCOPE.md"}, 2),
    }
    out = {}
    for name, (host, body, rc) in cases.items():
        payload = json.dumps(body)
        cmd = [*GK, "guard", "--wp", wp, "--host", host]
        timed(cmd, root, payload)  # warm-up
        xs = []
        for _ in range(runs):
            t, got = timed(cmd, root, payload)
            assert got == rc, (name, got)
            xs.append(t)
        out[name] = xs
    return out


def _scope(root: Path, wp: str) -> list[str]:
    from govkit.gates.guard import scope_for
    from govkit.workspace import Workspace

    return scope_for(Workspace(root), wp).inside


class Server:
    """`govkit mcp` spoken to in raw newline-delimited JSON-RPC (no client library in the way)."""

    def __init__(self, root: Path, role: str = "coder", wp: str | None = None,
                 env: dict | None = None):
        args = [*GK, "mcp", "--role", role] + (["--wp", wp] if wp else [])
        self.p = subprocess.Popen(args, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, env=env or ENV)
        self.n = 0

    def request(self, method: str, params: dict) -> dict:
        self.n += 1
        assert self.p.stdin is not None and self.p.stdout is not None
        self.p.stdin.write(json.dumps({"jsonrpc": "2.0", "id": self.n, "method": method,
                                       "params": params}) + "\n")
        self.p.stdin.flush()
        while True:
            msg = json.loads(self.p.stdout.readline())
            if msg.get("id") == self.n:
                return msg

    def initialize(self) -> dict:
        r = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                        "clientInfo": {"name": "bench", "version": "1"}})
        assert self.p.stdin is not None
        self.p.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
        self.p.stdin.flush()
        return r

    def close(self) -> None:
        assert self.p.stdin is not None
        self.p.stdin.close()
        self.p.wait(timeout=30)


def startup(root: Path, runs: int) -> dict[str, list[float]]:
    """spawn -> initialize answered, the SDK's package __init__s skipped (what `govkit mcp` does)
    and, in the same loop, with the SDK's full import (GOVKIT_MCP_FULL_IMPORT=1)."""
    out: dict[str, list[float]] = {"skipped": [], "full": []}
    for i in range(runs + 1):
        for kind in out:
            env = {**ENV, "GOVKIT_MCP_FULL_IMPORT": "1"} if kind == "full" else ENV
            t = time.perf_counter()
            s = Server(root, env=env)
            s.initialize()
            if i:
                out[kind].append(time.perf_counter() - t)
            s.close()
    return out


FLOOR = {"python -c pass (interpreter)": "pass",
         "import mcp_types.methods (the protocol's models; any SDK server loads them)":
             "import mcp_types.methods",
         "the stdio server's SDK modules, package __init__s skipped (govkit.mcp.server.import_sdk)":
             "from govkit.mcp.server import import_sdk; import_sdk()",
         "import mcp.server.lowlevel, mcp.server.stdio (the SDK's full import)":
             "import mcp.server.lowlevel, mcp.server.stdio"}


def sdk_floor(runs: int) -> dict[str, list[float]]:
    """Wall time of a fresh interpreter importing only the SDK: the floor of the start-up."""
    out: dict[str, list[float]] = {k: [] for k in FLOOR}
    for i in range(runs + 1):
        for name, code in FLOOR.items():
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=ENV, cwd=ROOT)
            if i:
                out[name].append(time.perf_counter() - t)
    return out


def tool_call(root: Path, wp: str, runs: int) -> tuple[list[float], list[float]]:
    from govkit.gates.prework import check_prework
    from govkit.workspace import Workspace

    s = Server(root, wp=wp)
    s.initialize()
    s.request("tools/call", {"name": "pre_work", "arguments": {"wp": wp}})  # warm-up
    over = []
    for _ in range(runs):
        t = time.perf_counter()
        r = s.request("tools/call", {"name": "pre_work", "arguments": {"wp": wp}})
        over.append(time.perf_counter() - t)
        assert "result" in r, r
    s.close()
    gate = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        json.dumps(check_prework(Workspace(root), wp).to_dict())
        gate.append(time.perf_counter() - t)
    return over, gate[1:]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--dir", help="an existing real-size workspace whose WP is locked")
    ap.add_argument("--wp")
    args = ap.parse_args(argv)
    tmp = tempfile.TemporaryDirectory(prefix="govkit-mcp-bench-")
    if args.dir:
        root, wp = Path(args.dir).resolve(), args.wp
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from gen_workspace import generate_real

        root = Path(tmp.name) / "ws"
        wp = generate_real(root)["active_wp"]
        p = subprocess.run([*GK, "lock", wp], cwd=root, capture_output=True, text=True, env=ENV)
        if p.returncode != 0:
            sys.exit(f"govkit lock {wp} failed: {p.stdout}{p.stderr}")
    print(f"workspace {root}, WP {wp}, {args.runs} runs per figure (median, after a warm-up); "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    base = [timed([*GK, "--version"], root, "")[0] for _ in range(args.runs + 1)][1:]
    print(f"python -m govkit --version (bare process start, for reference): {ms(base)}")
    for name, xs in guard(root, wp, args.runs).items():
        print(f"govkit guard, {name}: {ms(xs)}   target <= 60 ms")
    n = max(3, args.runs // 3)
    up = startup(root, n)
    print(f"govkit mcp start-up (spawn -> initialize answered): {ms(up['skipped'])}   target <= 300 ms")
    print(f"  the same with the SDK's full import (GOVKIT_MCP_FULL_IMPORT=1): {ms(up['full'])}")
    for name, xs in sdk_floor(args.runs).items():
        print(f"  floor: {name}: {ms(xs)}")
    over, gate = tool_call(root, wp, args.runs)
    added = statistics.median(over) - statistics.median(gate)
    print(f"pre_work over MCP (round trip): {ms(over)}; the gate in-process: {ms(gate)}; "
          f"added: {added * 1000:.0f} ms   target <= 20 ms")


if __name__ == "__main__":
    main()
