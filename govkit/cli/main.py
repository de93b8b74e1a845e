"""The govkit entry point: registers every command on the group and maps outcomes to exit codes
(0 PASS, 1 FAIL, 2 bad input or usage, 3 internal error)."""

from __future__ import annotations

import sys

import click

from govkit.cli.app import cli
from govkit.errors import GovkitError

INTERNAL_ERROR = 3


def main(argv=None) -> None:
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
                   "(a bug in govkit; run again with --debug for the traceback)", err=True)
        sys.exit(INTERNAL_ERROR)
    sys.exit(rv if isinstance(rv, int) else 0)
