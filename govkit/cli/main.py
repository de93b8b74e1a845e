"""The govkit entry point: registers every command on the group and maps outcomes to exit codes
(0 PASS, 1 FAIL, 2 bad input or usage, 3 internal error)."""

from __future__ import annotations

import sys

import click

from govkit.cli.app import cli
from govkit.errors import GovkitError
from govkit.util.escape import escape

INTERNAL_ERROR = 3


def error_text(exc: GovkitError) -> str:
    """GovkitError's `path:line: message` and `fix:` line, each part escaped: paths and
    messages quote the repository, so they must not drive the terminal or add lines."""
    loc = exc.location()
    text = f"{escape(loc)}: {escape(exc.message)}" if loc else escape(exc.message)
    return text + (f"\n  fix: {escape(exc.hint)}" if exc.hint else "")


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


def _args(argv: list[str]) -> list[str]:
    """`--json=FILE` means `--json-file FILE` (a bare `--json` stays the stdout flag, so
    `govkit --json pre-work WP` keeps working); nothing after `--` is touched."""
    out: list[str] = []
    for i, a in enumerate(argv):
        if a == "--":
            return out + argv[i:]
        out.extend(["--json-file", a[7:]] if a.startswith("--json=") else [a])
    return out


_FILE_FLAGS = {"--sarif": "sarif", "--junit": "junit", "--json-file": "json"}


def _argv_outputs(argv: list[str]) -> dict[str, str]:
    """The output files named on a command line click refused (no Ctx holds them yet)."""
    outs: dict[str, str] = {}
    for i, a in enumerate(argv):
        if a == "--":
            break
        name, eq, val = a.partition("=")
        if name in _FILE_FLAGS and (eq or i + 1 < len(argv)):
            outs[_FILE_FLAGS[name]] = val if eq else argv[i + 1]
    return outs


def _command(argv: list[str]) -> str:
    from govkit.cli.index import COMMANDS

    return next((a for a in argv if a in COMMANDS), "govkit")


def _fail_outputs(argv: list[str], exit_code: int, error: str) -> None:
    """A command that could not run still leaves its SARIF/JUnit/JSON files, saying so."""
    from govkit.cli import common
    from govkit.result import Report

    ctx = common.LAST
    if ctx is None or not ctx.outputs:
        outs = _argv_outputs(argv)
        ctx = common.Ctx(outputs=outs) if outs else None
    if ctx is None:
        return
    try:
        common.write_outputs(ctx, Report(_command(argv)), exit_code, error)
    except Exception:  # noqa: BLE001 - best effort: the exit code and stderr already tell
        pass


def main(argv=None) -> None:
    argv = _args(list(argv if argv is not None else sys.argv[1:]))
    debug = "--debug" in argv
    try:
        rv = cli.main(args=argv, prog_name="govkit", standalone_mode=False)
    except GovkitError as exc:
        click.echo(f"govkit: error: {error_text(exc)}", err=True)
        _fail_outputs(argv, exc.exit_code, f"{exc.location() + ': ' if exc.location() else ''}{exc.message}")
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("govkit: aborted", err=True)
        _fail_outputs(argv, 2, "aborted")
        sys.exit(2)
    except click.ClickException as exc:
        _usage_error(exc)
        _fail_outputs(argv, 2, f"usage: {exc.format_message()}")
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
        _fail_outputs(argv, INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}")
        sys.exit(INTERNAL_ERROR)
    sys.exit(rv if isinstance(rv, int) else 0)
