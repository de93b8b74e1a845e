"""Read-only gate commands: gate-check, refinement-check, pre-work, board-check, spec-check, ci."""

from __future__ import annotations

import click

from govkit.cli.app import cli
from govkit.cli.common import emit, get_ctx, output_options


@cli.command("gate-check")
@click.argument("wp")
@output_options
def gate_check(wp, fmt, as_json):
    """Phase order: BOOTSTRAP, SKELETON, SKELETON APPROVED before implementation."""
    from govkit.gates.phase import check_phases

    ws = get_ctx().workspace()
    emit(check_phases(ws, ws.check_wp_id(wp)), fmt, as_json)


@cli.command("refinement-check")
@click.argument("wp")
@click.option("--file", "path", default=None, help="Refinement path (default: refinements/<WP>.md).")
@click.option("--require-signature", is_flag=True, help="Also require approval and signature.")
@output_options
def refinement_check(wp, path, require_signature, fmt, as_json):
    """A refinement is complete and anchored to the current spec."""
    from govkit.gates.refinement import check_refinement

    ws = get_ctx().workspace()
    emit(check_refinement(ws, ws.check_wp_id(wp), path, require_signature), fmt, as_json)


@cli.command("pre-work")
@click.argument("wp")
@output_options
def pre_work(wp, fmt, as_json):
    """Everything that must hold before code is touched (includes gate-check)."""
    from govkit.gates.prework import check_prework

    ws = get_ctx().workspace()
    emit(check_prework(ws, ws.check_wp_id(wp)), fmt, as_json)


@cli.command("board-check")
@output_options
def board_check(fmt, as_json):
    """Task board format and semantics, coder claims, activation traceability."""
    from govkit.gates.board import check_board

    emit(check_board(get_ctx().workspace()), fmt, as_json)


@cli.command("spec-check")
@output_options
def spec_check(fmt, as_json):
    """The spec pointer resolves and names the newest Master Spec."""
    from govkit.gates.spec import check_spec

    emit(check_spec(get_ctx().workspace()), fmt, as_json)


@cli.command("ci")
@click.option("--base", "base_ref", default=None, metavar="REF",
              help="Also judge every change REF..HEAD makes to the governance directory: "
                   "locks, append-only logs, records, validator states, the config.")
@output_options
def ci(base_ref, fmt, as_json):
    """CI drift checks: spec pointer, board, claims, traceability, forbidden patterns; with
    --base REF the chain of custody of every WP the change touches."""
    from govkit.cli.progress import for_command
    from govkit.gates.drift import check_ci

    ctx = get_ctx()
    with for_command("ci", ctx.verbosity) as progress:   # on a TTY, after a second
        report = check_ci(ctx.workspace(), base_ref, progress)
    emit(report, fmt, as_json)
