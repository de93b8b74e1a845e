"""run and changeset: the execution loop (govkit/loop/)."""

from __future__ import annotations

import os
import sys

import click

from govkit.cli.app import cli
from govkit.cli.common import emit, get_ctx, output_options


def _progress(quiet: bool):
    """Phase lines on stderr (stdout keeps the one Report): a live line on a TTY, plain lines
    otherwise; nothing with -q. NO_COLOR turns the colour of the verdicts off."""
    if quiet:
        return None
    tty = sys.stderr.isatty()
    color = tty and not os.environ.get("NO_COLOR")
    marks = {"PASS": "32", "FAIL": "31", "ERROR": "31"}

    def show(phase: str, verdict: str, seconds: float) -> None:
        if verdict == "START":
            if tty:
                sys.stderr.write(f"  {phase:<11} ...\r")
                sys.stderr.flush()
            return
        v = f"\x1b[{marks.get(verdict, '0')}m{verdict}\x1b[0m" if color else verdict
        sys.stderr.write(f"  {phase:<11} {v:<4} {seconds:6.2f}s" + (" " * 8 if tty else "")
                         + "\n")
        sys.stderr.flush()
    return show


@cli.command("run")
@click.argument("wp")
@click.option("--changeset", "changeset", default=None, metavar="FILE",
              help="The ChangeSet to apply (JSON, schema changeset.v1).")
@click.option("--agent", is_flag=True, help="Let the coder agent write the ChangeSet.")
@click.option("--attempts", default=1, show_default=True, type=int,
              help="With --agent: attempts before the run ends with FAIL (failed validation "
                   "or tests go back to the agent).")
@click.option("--force-efficiency-pass", "force_eff", is_flag=True,
              help="Override an efficiency FAIL (only where loop.allow_force_efficiency is set; "
                   "audited with --reason).")
@click.option("--reason", default=None, metavar="TEXT", help="Why the override is justified.")
@output_options
def run_cmd(wp, changeset, agent, attempts, force_eff, reason, fmt, as_json):
    """Apply a ChangeSet inside the locked scope: review, test, commit, or roll back.

    Phases: preflight (pre-work PASS, clean tree), validate, review, efficiency (fail-closed),
    apply, tests, manifest + post-work, commit with Govkit-Run and audit trailers. Any failure
    after apply restores every touched file and the index byte for byte."""
    from govkit.loop.run import Options, run

    ctx = get_ctx()
    ws = ctx.workspace()
    quiet = ctx.verbosity < 0
    opts = Options(changeset, agent, attempts, force_eff, reason, _progress(quiet))
    emit(run(ws, ws.check_wp_id(wp), opts), fmt, as_json)


@cli.group("changeset")
def changeset_group():
    """ChangeSet files for `govkit run`: stamp before_sha, check without applying."""


@changeset_group.command("stamp")
@click.argument("file")
@output_options
def stamp_cmd(file, fmt, as_json):
    """Fill before_sha of every modify/delete/rename edit from the current tree."""
    from govkit.loop.changeset import stamp
    from govkit.result import Report

    ws = get_ctx().workspace()
    report = Report("changeset-stamp")
    done = stamp(ws, file)
    report.facts["stamped"] = ", ".join(done) or "nothing to stamp"
    emit(report, fmt, as_json, audit=False)


@changeset_group.command("check")
@click.argument("wp")
@click.argument("file")
@output_options
def check_cmd(wp, file, fmt, as_json):
    """Run every ChangeSet validation for WP (scope, paths, before_sha, patches); apply nothing."""
    from govkit.loop.run import check_changeset

    ws = get_ctx().workspace()
    emit(check_changeset(ws, ws.check_wp_id(wp), file), fmt, as_json)
