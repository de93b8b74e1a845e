"""post-work, manifest and sha: the deterministic COR-701 manifest commands."""

from __future__ import annotations

import click

from govkit.cli.app import cli
from govkit.cli.common import emit, get_ctx, output_options


@cli.command("post-work")
@click.argument("wp")
@click.option("--range", "range_arg", default=None, metavar="A..B",
              help="Check the committed range A..B.")
@click.option("--rev", default=None, metavar="R", help="Check commit R against its first parent.")
@click.option("--base", "base_ref", default=None, metavar="REF",
              help="Judge the WP's whole range (from the locked merge base) and every change "
                   "REF..HEAD makes to its governance files (CI on a protected branch).")
@output_options
def post_work(wp, range_arg, rev, base_ref, fmt, as_json):
    """The diff equals the declared VALIDATION manifest (staged, worktree or range)."""
    from govkit.errors import GovkitError
    from govkit.gates.postwork import check_postwork

    if base_ref is not None and (range_arg or rev):
        raise GovkitError("give --base alone, not with --range or --rev")
    ws = get_ctx().workspace()
    emit(check_postwork(ws, ws.check_wp_id(wp), range_arg, rev, base_ref), fmt, as_json)


@cli.command("manifest")
@click.argument("wp")
@click.option("--write", is_flag=True, help="Rewrite the packet's manifest blocks in place.")
@click.option("--range", "range_arg", default=None, metavar="A..B",
              help="Compute from the committed range A..B.")
@click.option("--rev", default=None, metavar="R", help="Compute from commit R vs its parent.")
@output_options
def manifest(wp, write, range_arg, rev, fmt, as_json):
    """Compute the COR-701 manifest from the diff (tight windows, delta, pre/post SHA-1)."""
    from govkit.actions.manifest_write import run_manifest

    ctx = get_ctx()
    ws = ctx.workspace()
    report, text = run_manifest(ws, ws.check_wp_id(wp), range_arg, rev, write)
    if text and not as_json and (fmt or ctx.fmt) == "text" and ctx.verbosity >= 0:
        from govkit.util.escape import escape_lines

        click.echo(escape_lines(text))  # the block quotes file names
        click.echo("")
    emit(report, fmt, as_json)


@cli.command("sha")
@click.argument("file")
@output_options
def sha(file, fmt, as_json):
    """COR-701 SHA-1 of FILE at HEAD, in the index and in the work tree, and what to declare."""
    from govkit.gates.sha import sha_report

    ws = get_ctx().workspace()
    emit(sha_report(ws, file), fmt, as_json, audit=False)
