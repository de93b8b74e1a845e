"""`govkit init --agent HOST`: the agent host's MCP configuration (the coder role) and its
pre-tool hooks running the scope guard (Claude Code, Codex CLI, Cursor; docs/agents.md).
Existing files are never overwritten: they are reported as skipped, and the docs show what to
merge by hand."""

from __future__ import annotations

import json
from pathlib import Path

HOSTS = ("claude", "codex", "cursor")
SERVER = {"command": "govkit", "args": ["mcp", "--role", "coder"]}
GUARDED_TOOLS = "Edit|Write|MultiEdit|NotebookEdit|Bash"
CODEX_GUARDED_TOOLS = "^(apply_patch|Bash)$"
CURSOR_GUARDED_TOOLS = "Write|Edit|StrReplace|MultiEdit|Delete|EditNotebook"  # shell: beforeShellExecution


def _json(data: dict) -> bytes:
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def agent_files(host: str) -> list[tuple[str, bytes]]:
    """(repo-relative path, bytes) of every file the host needs."""
    if host == "claude":
        return [(".mcp.json", _json({"mcpServers": {"govkit": SERVER}})),
                (".claude/settings.json", _json({"hooks": {"PreToolUse": [{
                    "matcher": GUARDED_TOOLS,
                    "hooks": [{"type": "command", "command": "govkit guard"}]}]}}))]
    if host == "codex":
        args = ", ".join(json.dumps(a) for a in SERVER["args"])
        return [(".codex/config.toml", (
            "# govkit's MCP server for Codex CLI (coder role; docs/agents.md). The guard hook\n"
            "# is in .codex/hooks.json.\n"
            "[mcp_servers.govkit]\n"
            f"command = {json.dumps(SERVER['command'])}\n"
            f"args = [{args}]\n").encode("utf-8")),
                (".codex/hooks.json", _json({"hooks": {"PreToolUse": [{
                    "matcher": CODEX_GUARDED_TOOLS,
                    "hooks": [{"type": "command", "command": "govkit guard --host codex"}]}]}}))]
    if host == "cursor":
        hook = {"command": "govkit guard --host cursor", "failClosed": True}
        return [(".cursor/mcp.json", _json({"mcpServers": {"govkit": SERVER}})),
                (".cursor/hooks.json", _json({"version": 1, "hooks": {
                    "preToolUse": [{**hook, "matcher": CURSOR_GUARDED_TOOLS}],
                    "beforeShellExecution": [hook]}}))]
    from govkit.errors import GovkitError

    raise GovkitError(f"unknown agent host {host!r}", hint="use claude, codex or cursor")


def setup_agent(root: Path, host: str) -> tuple[list[str], list[str]]:
    """Write the host's files that do not exist yet, in one transaction: (created, skipped)."""
    from govkit.txn.transaction import transaction
    from govkit.workspace import Workspace

    ws = Workspace(Path(root))
    files = agent_files(host)
    created, skipped = [], []
    with transaction(ws, f"init --agent {host}") as tx:
        for rel, data in files:
            path = ws.safe_path(rel, "agent configuration file")
            if path.exists() or path.is_symlink():
                skipped.append(rel)
                continue
            tx.write(rel, data)
            created.append(rel)
        tx.audit_data = {"host": host, "skipped": len(skipped)}
    return created, skipped
