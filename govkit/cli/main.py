"""The govkit entry point: registers every command on the group and maps outcomes to exit codes
(0 PASS, 1 FAIL, 2 bad input or usage, 3 internal error)."""

from __future__ import annotations

import sys

import click

from govkit.cli.app import cli
from govkit.cli.base import INTERNAL_ERROR, error_text, fail_outputs, fix_args
from govkit.errors import GovkitError
from govkit.util.escape import escape


def _usage_error(exc: click.ClickException) -> None:
    """click's own usage text, with the message (which quotes argv) escaped."""
    if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        exc.show()  # a group run without a command: its help, govkit's own text
        return
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        if ctx.command.get_help_option(ctx) is not None:
            opt = max(ctx.command.get_help_option_names(ctx), key=len)
            click.echo(f"Try '{escape(ctx.command_path)} {opt}' for help.\n", err=True)
    click.echo(f"Error: {escape(exc.format_message())}", err=True)


def main(argv=None) -> None:
    argv = fix_args(list(argv if argv is not None else sys.argv[1:]))
    debug = "--debug" in argv
    try:
        rv = cli.main(args=argv, prog_name="govkit", standalone_mode=False)
    except GovkitError as exc:
        click.echo(f"govkit: error: {error_text(exc)}", err=True)
        fail_outputs(argv, exc.exit_code, f"{exc.location() + ': ' if exc.location() else ''}{exc.message}")
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("govkit: aborted", err=True)
        fail_outputs(argv, 2, "aborted")
        sys.exit(2)
    except click.ClickException as exc:
        _usage_error(exc)
        fail_outputs(argv, 2, f"usage: {exc.format_message()}")
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("govkit: interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        if debug:
            raise
        click.echo(f"govkit: internal error: {type(exc).__name__}: {escape(exc)} "
                   "(a bug in govkit; run again with --debug for the traceback)", err=True)
        fail_outputs(argv, INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}")
        sys.exit(INTERNAL_ERROR)
    sys.exit(rv if isinstance(rv, int) else 0)
