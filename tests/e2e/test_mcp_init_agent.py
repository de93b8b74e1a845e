"""`govkit init --agent claude|codex|cursor` (issue #15): the host's MCP configuration and, for
each host, the guard hook in the host's own hook file; never overwriting an existing file."""

from __future__ import annotations

import json
import re
import tomllib

from support.repo import run_govkit


def test_init_agent_writes_each_host(tmp_path):
    repo = tmp_path / "r"
    p = run_govkit("init", str(repo), "--agent", "claude", "--agent", "codex", "--agent", "cursor",
                   "--json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    created = json.loads(p.stdout)["created"]
    for rel in (".mcp.json", ".claude/settings.json", ".codex/config.toml", ".codex/hooks.json",
                ".cursor/mcp.json", ".cursor/hooks.json"):
        assert rel in created
    server = json.loads((repo / ".mcp.json").read_text())["mcpServers"]["govkit"]
    assert server == {"command": "govkit", "args": ["mcp", "--role", "coder"]}
    assert json.loads((repo / ".cursor/mcp.json").read_text())["mcpServers"]["govkit"] == server
    codex = tomllib.loads((repo / ".codex/config.toml").read_text())
    assert codex["mcp_servers"]["govkit"] == server
    hooks = json.loads((repo / ".claude/settings.json").read_text())["hooks"]["PreToolUse"]
    assert hooks[0]["hooks"] == [{"type": "command", "command": "govkit guard"}]
    for tool in ("Edit", "Write", "MultiEdit", "NotebookEdit", "Bash"):
        assert tool in hooks[0]["matcher"].split("|")
    codex_hooks = json.loads((repo / ".codex/hooks.json").read_text())["hooks"]["PreToolUse"]
    assert codex_hooks[0]["hooks"] == [{"type": "command", "command": "govkit guard --host codex"}]
    assert all(re.fullmatch(codex_hooks[0]["matcher"], t) for t in ("apply_patch", "Bash"))
    assert not re.fullmatch(codex_hooks[0]["matcher"], "mcp__govkit__status")
    cursor = json.loads((repo / ".cursor/hooks.json").read_text())
    assert cursor["version"] == 1
    shell = cursor["hooks"]["beforeShellExecution"][0]
    pre = cursor["hooks"]["preToolUse"][0]
    assert shell["command"] == pre["command"] == "govkit guard --host cursor"
    assert shell["failClosed"] is pre["failClosed"] is True
    assert {"Write", "Edit", "StrReplace", "Delete"} <= set(pre["matcher"].split("|"))


def test_init_agent_never_overwrites(tmp_path):
    repo = tmp_path / "r"
    (repo / ".claude").mkdir(parents=True)
    mine = '{"hooks": {}, "mine": true}\n'
    (repo / ".claude/settings.json").write_text(mine)
    p = run_govkit("init", str(repo), "--agent", "claude", "--json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert ".claude/settings.json" in out["skipped"] and ".mcp.json" in out["created"]
    assert (repo / ".claude/settings.json").read_text() == mine
    again = run_govkit("init", str(repo), "--agent", "claude", "--json", cwd=tmp_path)
    assert ".mcp.json" in json.loads(again.stdout)["skipped"]


def test_init_agent_bad_host(tmp_path):
    p = run_govkit("init", str(tmp_path / "r"), "--agent", "vim", cwd=tmp_path)
    assert p.returncode == 2 and "vim" in p.stderr
