"""Shared CLI plumbing: output options, opening the workspace, rendering one Report."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import click

from govkit.report.render import FORMATS, render, use_color
from govkit.result import Report


@dataclass
class Ctx:
    repo: str | None = None
    fmt: str = "text"
    verbosity: int = 0
    debug: bool = False
    outputs: dict[str, str] = field(default_factory=dict)  # "sarif"/"junit"/"json" -> file
    _ws: object = None

    def __post_init__(self):
        global LAST
        LAST = self  # main.py writes the output files of a command that ended with 2 or 3

    def workspace(self):
        if self._ws is None:
            from govkit.workspace import Workspace

            self._ws = Workspace.open(self.repo)
            from govkit.txn.recover import recover

            recover(self._ws)
            if (self._ws.state_dir() / "runs").is_dir():  # only then is the loop imported
                from govkit.loop.recover import recover_runs

                recover_runs(self._ws)  # a run killed earlier: roll back or confirm, say which
        return self._ws


def _bump_verbose(ctx, param, value):
    if value:
        ctx.find_object(Ctx).verbosity += value


def _set_quiet(ctx, param, value):
    if value:
        ctx.find_object(Ctx).verbosity = -1


LAST: Ctx | None = None
OUTPUT_KINDS = {"sarif": "--sarif", "junit": "--junit", "json": "--json-file"}


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
    ctx = get_ctx()
    fmt = "json" if as_json else (fmt or ctx.fmt)
    write_outputs(ctx, report)   # first: an unwritable file (exit 2) records no verdict
    if audit and ctx._ws is not None:
        from govkit.audit.recorder import gate_event

        gate_event(ctx._ws, report, command or report.gate)
    out = render(report, fmt, color=use_color(sys.stdout), verbosity=ctx.verbosity)
    if ctx.verbosity >= 0 or not report.passed or fmt != "text":
        click.echo(out)
    sys.exit(report.exit_code)


def _root(ctx: Ctx) -> str:
    ws = ctx._ws
    return str(getattr(ws, "root", None) or os.path.abspath(ctx.repo or os.getcwd()))


def render_file(kind: str, report: Report, root: str, exit_code: int | None = None,
                error: str | None = None) -> str:
    if kind == "sarif":
        from govkit.report.render import render_sarif

        return render_sarif(report, root, exit_code, error)
    if kind == "junit":
        from govkit.report.render import render_junit

        return render_junit(report, exit_code, error)
    doc = render(report, "json")
    if error is None:
        return doc
    import json

    data = json.loads(doc)
    data.update(verdict="ERROR", exit_code=exit_code, error=error)
    return json.dumps(data, indent=2, ensure_ascii=True)


def write_outputs(ctx: Ctx, report: Report, exit_code: int | None = None,
                  error: str | None = None) -> None:
    """Write each requested rendering atomically (a reader never sees half a file). Output
    files are the caller's own paths (like a shell redirect), not workspace files."""
    from govkit.errors import GovkitError
    from govkit.store.atomic import atomic_write_bytes

    root = _root(ctx)
    for kind, path in ctx.outputs.items():
        data = render_file(kind, report, root, exit_code, error).encode("utf-8")
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            if error is not None:
                continue  # already failing: the original error is the one to report
            raise GovkitError(f"cannot write the {kind} output: {exc.strerror or exc}", path=path,
                              hint=f"give {OUTPUT_KINDS[kind]} a writable file path") from None
