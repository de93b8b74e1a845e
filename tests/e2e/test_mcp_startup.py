"""`govkit mcp` start-up: the server process imports the SDK's stdio server modules without the
`mcp` / `mcp.server` package __init__s (their client and HTTP imports), and falls back to the
normal import when that does not work. Each case is a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from support.repo import ROOT

pytest.importorskip("mcp")

PROBE = """
import json, sys
from govkit.mcp import server
if sys.argv[1] == "broken":
    real = server._sdk_modules
    calls = []
    def once():
        calls.append(1)
        if len(calls) == 1:
            raise ImportError("simulated: this SDK release has another layout")
        real()
    server._sdk_modules = once
skipped = server.import_sdk()
from mcp.server.lowlevel.server import Server
print(json.dumps({"skipped": skipped, "client": "mcp.client" in sys.modules,
                  "mcpserver": "mcp.server.mcpserver" in sys.modules,
                  "server": Server.__name__}))
"""


def probe(mode: str, **env: str) -> dict:
    e = {k: v for k, v in os.environ.items() if k != "GOVKIT_MCP_FULL_IMPORT"}
    e.update(PYTHONPATH=str(ROOT), **env)
    p = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, env=e,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_server_skips_the_client_and_http_imports():
    got = probe("normal")
    assert got == {"skipped": True, "client": False, "mcpserver": False, "server": "Server"}


def test_full_import_when_asked():
    got = probe("normal", GOVKIT_MCP_FULL_IMPORT="1")
    assert got["skipped"] is False and got["client"] is True


def test_falls_back_to_the_normal_import():
    got = probe("broken")
    assert got["skipped"] is False and got["client"] is True and got["server"] == "Server"


# ---- `govkit mcp` without the CLI (click group, command table): fast_main, for the console script
FAST = """
import atexit, sys
atexit.register(lambda: sys.stderr.write(
    f"govkit.cli loaded: {any(m.startswith('govkit.cli') for m in sys.modules)}\\n"))
from govkit.mcp.server import fast_main
sys.exit(fast_main(sys.argv[1:]))
"""
INIT = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    from support.orchkit import setup
    from support.repo import commit_all, init_repo

    r = init_repo(tmp_path_factory.mktemp("fast") / "repo")
    (r / "README.md").write_text("x\n")
    commit_all(r, "initial")
    setup(r)
    return r


def fast(repo, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", FAST, *args], cwd=repo, input=INIT + "\n",
                          capture_output=True, text=True, env=env, timeout=60)


def test_fast_path_serves_without_the_cli(repo):
    p = fast(repo, "--role", "coder")
    assert p.returncode == 0, p.stderr
    answer = json.loads(p.stdout.splitlines()[0])
    assert answer["id"] == 1 and answer["result"]["serverInfo"]["name"] == "govkit"
    assert "govkit gates for the coder role" in answer["result"]["instructions"]
    assert "govkit.cli loaded: False" in p.stderr  # (click itself comes with the SDK's uvicorn)


def test_fast_path_errors_as_the_cli(repo):
    from support.repo import run_govkit

    p = fast(repo, "--role=validator", "--wp", "../x")
    cli = run_govkit("mcp", "--role", "validator", "--wp", "../x", cwd=repo, input=INIT + "\n")
    assert p.returncode == cli.returncode == 2
    assert p.stderr.replace("govkit.cli loaded: False\n", "") == cli.stderr
    assert "invalid work packet id '../x'" in cli.stderr


@pytest.mark.parametrize("args", [["--help"], ["--role", "boss"], ["--role"], ["--role", "coder", "-v"],
                                  ["--wp", "WP-1-X"], ["--role", "coder", "--role", "validator"]])
def test_fast_path_leaves_the_rest_to_click(args):
    from govkit.mcp.server import fast_main

    assert fast_main(args) is None
