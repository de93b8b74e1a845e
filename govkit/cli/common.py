"""Shared CLI plumbing: output options, opening the workspace, rendering one Report."""

from __future__ import annotations

import click

from govkit.cli.base import OUTPUT_KINDS, Ctx, emit_report, render_file, write_outputs  # noqa: F401
from govkit.report.render import FORMATS
from govkit.result import Report


def _bump_verbose(ctx, param, value):
    if value:
        ctx.find_object(Ctx).verbosity += value


def _set_quiet(ctx, param, value):
    if value:
        ctx.find_object(Ctx).verbosity = -1


def _set_output(ctx, param, value):
    if value:
        ctx.find_object(Ctx).outputs[param.name] = value


def file_options(f):
    """--sarif/--junit/--json-file FILE: more renderings of the same run, written to files."""
    for kind, flag in reversed(OUTPUT_KINDS.items()):
        f = click.option(flag, kind, metavar="FILE", default=None, expose_value=False,
                         callback=_set_output, type=click.Path(dir_okay=False),
                         help=f"Also write the {kind.upper() if kind != 'junit' else 'JUnit XML'} "
                              "rendering to FILE (also on exit 2/3).")(f)
    return f


def output_options(f):
    """--format/--json/-v/-q and the output files on a command too (they override the
    group-level choice)."""
    f = file_options(f)
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
    emit_report(get_ctx(), report, fmt, as_json, command, audit, click.echo)
