"""The click group every command registers on. Command modules import this module, never
govkit.cli.main (the entry point), so the registration has no cycle."""

from __future__ import annotations

import click

from govkit import __version__
from govkit.cli.common import Ctx
from govkit.report.render import FORMATS


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="govkit")
@click.option("--repo", type=click.Path(file_okay=False), default=None,
              help="Repository root (default: the git top level of the current directory).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format; 'gate' prints the GATE_OUTPUT block agents paste.")
@click.option("--json", "as_json", is_flag=True, help="Shortcut for --format json.")
@click.option("-v", "--verbose", count=True, help="More detail (info findings).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on PASS.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors.")
@click.pass_context
def cli(ctx, repo, fmt, as_json, verbose, quiet, debug):
    """govkit: governance gates for spec-driven work by humans and AI agents.

    Exit codes: 0 PASS, 1 FAIL (a gate said no), 2 usage, configuration or unreadable input,
    3 internal error (a bug in govkit).
    """
    ctx.obj = Ctx(repo=repo, fmt="json" if as_json else fmt,
                  verbosity=-1 if quiet else verbose, debug=debug)
