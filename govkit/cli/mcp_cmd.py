"""Agent commands: `govkit mcp` (the MCP server of one role) and `govkit guard` (the scope guard
an agent host runs before each tool call; the console script answers it without click)."""

from __future__ import annotations

import sys

import click

from govkit.cli.app import cli
from govkit.cli.common import get_ctx


@cli.command("mcp")
@click.option("--role", required=True, type=click.Choice(["coder", "validator", "orchestrator"]),
              help="Which tools the agent gets (least privilege; docs/agents.md).")
@click.option("--wp", default=None, help="Bind the server to one WP (default: the branch's "
              "PREPARE record, if exactly one).")
def mcp_cmd(role, wp):
    """Serve govkit to an agent host over MCP (stdio): one role's gates as tools, packets,
    refinements, spec sections and the board as resources. Needs the `mcp` extra."""
    from govkit.mcp.server import serve

    serve(get_ctx().repo, role, wp)


@cli.command("guard", context_settings={"ignore_unknown_options": True})
@click.option("--wp", default=None, help="The WP whose locked scope applies (default: the "
              "branch's PREPARE record).")
@click.option("--output", type=click.Choice(["exit", "json"]), default="exit", show_default=True,
              help="Claude Code / Codex: deny by exit 2 + stderr, or by the JSON "
              "permissionDecision (Cursor always answers JSON).")
@click.option("--host", type=click.Choice(["claude", "codex", "cursor"]), default="claude",
              show_default=True, help="Whose hook payload and deny convention (docs/agents.md).")
def guard_cmd(wp, output, host):
    """Pre-tool hook: deny an agent's write outside the WP's locked IN_SCOPE_PATHS or inside the
    governance directory. Reads the host's hook JSON on stdin; exit 0 allows, exit 2 denies
    (fails closed)."""
    from govkit.mcp.hook import main

    argv = ["--output", output, "--host", host]
    if wp:
        argv += ["--wp", wp]
    repo = get_ctx().repo
    if repo:
        argv += ["--repo", repo]
    sys.exit(main(argv))
