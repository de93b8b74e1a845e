"""Set-up commands: `govkit init` (scaffold the .GOV layout) and `govkit demo` (guided tour)."""

from __future__ import annotations

import json
import sys

import click

from govkit.cli.app import cli
from govkit.cli.common import get_ctx
from govkit.util.escape import escape


@cli.command("init")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--with-config", is_flag=True,
              help="Also write .GOV/govkit.yaml (a commented example; every key optional).")
@click.option("--ci", type=click.Choice(["github"]), default=None,
              help="Also write a CI workflow (github: .github/workflows/govkit.yml).")
@click.option("--project", default=None, help="Project name of the starter spec "
              "<PROJECT>_Master_Spec_v01.000.md (default: the directory's name).")
@click.option("--agent", "agents", multiple=True, type=click.Choice(["claude", "codex", "cursor"]),
              help="Also write this agent host's MCP configuration (coder role) and its "
                   "`govkit guard` pre-tool hook (docs/agents.md). Repeatable.")
@click.option("--profile", type=click.Choice(["strict", "compat"]), default="strict",
              show_default=True, help="The profile .GOV/govkit.yaml sets. strict: locks signed "
              "by an operator key, the original's defects refused; compat: no config file (as an "
              "existing repository is judged).")
@click.option("--keys", "make_keys", is_flag=True,
              help="Also create the operator's Ed25519 key pair and trust it (as `govkit keys "
                   "init --trust`): private key outside the repository, public key in .GOV/keys/.")
@click.option("--key-id", default=None, help="With --keys: the key id (default: <user>-<date>).")
@click.option("--key-dir", default=None, help="With --keys: directory of the private key "
              "(default: $GOVKIT_KEY_DIR, else ~/.config/govkit/keys); outside the repository.")
@click.option("--json", "as_json", is_flag=True, help="Print created/skipped as JSON.")
def init(directory, with_config, ci, project, agents, profile, make_keys, key_id, key_dir,
         as_json):
    """Scaffold the .GOV/ layout, starter spec, board, logs, templates and justfile.

    DIRECTORY defaults to the current directory (or --repo); it is made a git repository
    (`git init`) if it is not one. Existing files are never overwritten: they are listed as
    skipped. The new .GOV/govkit.yaml sets `profile: strict`, whose locks need an operator key:
    pass --keys, or run `govkit keys init --trust` afterwards. Exit 0.
    """
    from govkit.errors import GovkitError
    from govkit.ops.init import init_workspace

    if (key_id or key_dir) and not make_keys:
        raise GovkitError("--key-id and --key-dir go with --keys",
                          hint="govkit init --keys --key-dir DIR")
    ctx = get_ctx()
    target = directory or ctx.repo
    res = init_workspace(target, with_config=with_config, ci=ci, project=project,
                         profile=profile, keys=make_keys, key_id=key_id, key_dir=key_dir)
    for host in agents:
        from govkit.ops.agent_setup import setup_agent

        made, kept = setup_agent(res.root, host)
        res.created += made
        res.skipped += kept
    if as_json or ctx.fmt == "json":
        click.echo(json.dumps(res.to_dict(), indent=2))
        return
    if ctx.verbosity < 0:
        return
    if res.git_initialized:
        click.echo(f"initialized git repository in {escape(res.root)}")
    for rel in res.created:
        click.echo(f"created  {escape(rel)}")
    for rel in res.skipped:
        click.echo(f"skipped  {escape(rel)} (exists; not overwritten)")
    for note in res.notes:
        click.echo(f"note: {escape(note)}")
    if res.created:
        click.echo("next: commit the .GOV/ files, then write a refinement "
                   "(docs/user-guide.md); `just --list` shows the command surface")
    click.echo(f"init: {len(res.created)} created, {len(res.skipped)} skipped in {escape(res.root)}")


@cli.command("demo")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def demo(directory):
    """Walk two work packets from `govkit init` to a merged main, offline (stub LLM).

    Strict profile, an operator key, one worktree per WP, `govkit run`, a failing run rolled
    back, the validator's steps, both WPs merged. DIRECTORY must not exist or be empty
    (default: a new temporary directory, printed); it gets repo/, the worktrees and the keys.
    Exit 0 when every stage gave its expected verdict, 1 naming the stage that did not.
    """
    from govkit.demo.tour import run_demo

    sys.exit(run_demo(directory, out=click.echo))
