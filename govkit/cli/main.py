"""The govkit command line. Commands parse arguments, open the Workspace, call one service and
render one Report; no rules live here."""

from __future__ import annotations

import sys

import click

from govkit import __version__
from govkit.cli.common import Ctx
from govkit.errors import GovkitError
from govkit.render import FORMATS


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

    Exit codes: 0 PASS, 1 FAIL (a gate said no), 2 usage, configuration or unreadable input.
    """
    ctx.obj = Ctx(repo=repo, fmt="json" if as_json else fmt,
                  verbosity=-1 if quiet else verbose, debug=debug)


def _register() -> None:
    from govkit.cli import commands  # noqa: F401  (registers the commands on `cli`)


def main(argv=None) -> None:
    _register()
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        rv = cli.main(args=argv, prog_name="govkit", standalone_mode=False)
    except GovkitError as exc:
        click.echo(f"govkit: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("govkit: aborted", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("govkit: interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        if debug:
            raise
        click.echo(f"govkit: internal error: {type(exc).__name__}: {exc} "
                   "(run again with --debug for the traceback)", err=True)
        sys.exit(2)
    sys.exit(rv if isinstance(rv, int) else 0)
