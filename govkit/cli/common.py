"""Shared CLI plumbing: output options, opening the workspace, rendering one Report."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import click

from govkit.report.render import FORMATS, render, use_color
from govkit.result import Report


@dataclass
class Ctx:
    repo: str | None = None
    fmt: str = "text"
    verbosity: int = 0
    debug: bool = False
    _ws: object = None

    def workspace(self):
        if self._ws is None:
            from govkit.workspace import Workspace

            self._ws = Workspace.open(self.repo)
            from govkit.txn.recover import recover

            recover(self._ws)
            from govkit.loop.recover import recover_runs

            recover_runs(self._ws)  # a run killed earlier: roll back or confirm, and say which
        return self._ws


def _bump_verbose(ctx, param, value):
    if value:
        ctx.find_object(Ctx).verbosity += value


def _set_quiet(ctx, param, value):
    if value:
        ctx.find_object(Ctx).verbosity = -1


def output_options(f):
    """--format/--json/-v/-q on a command too (they override the group-level choice)."""
    f = click.option("-v", "--verbose", count=True, expose_value=False, callback=_bump_verbose,
                     help="More detail (info findings).")(f)
    f = click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet,
                     help="Print nothing on PASS.")(f)
    f = click.option("--json", "as_json", is_flag=True, default=False,
                     help="Shortcut for --format json.")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="Output format (default: the global --format).")(f)
    return f


def get_ctx() -> Ctx:
    return click.get_current_context().find_object(Ctx)


def emit(report: Report, fmt: str | None = None, as_json: bool = False, command: str | None = None,
         audit: bool = True) -> None:
    """Render the report, record the verdict in the audit trail, exit 0 (PASS) or 1 (FAIL)."""
    ctx = get_ctx()
    fmt = "json" if as_json else (fmt or ctx.fmt)
    if audit and ctx._ws is not None:
        from govkit.audit.recorder import gate_event

        gate_event(ctx._ws, report, command or report.gate)
    out = render(report, fmt, color=use_color(sys.stdout), verbosity=ctx.verbosity)
    if ctx.verbosity >= 0 or not report.passed or fmt != "text":
        click.echo(out)
    sys.exit(report.exit_code)
