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
