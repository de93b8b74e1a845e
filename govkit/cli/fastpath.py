"""`govkit pre-work WP` without click: gates run in git hooks and agent loops, and importing
click is about a fifth of a pre-work run.

parse() accepts only the plain argument shapes of pre-work: the global options before the
command, the WP, and pre-work's own options after it, each at most once, with values that
click would accept unchanged. Anything else (an unknown or repeated option, a value that looks
like an option or that click's checks would refuse, --help, `--`, shell completion) returns
None and the caller runs click, which then prints its own usage error. run() then does what
the click command and govkit.cli.main do, in the same order, with the same output, files and
exit codes (tests/e2e/test_prework_fastpath.py runs both on a table of command lines)."""

from __future__ import annotations

import os
import sys
from typing import NamedTuple

from govkit.report.render import FORMATS

COMMAND = "pre-work"
# option -> (key, how its value is checked; None for a flag): "dir" and "file" as click.Path,
# "fmt" as the click.Choice of FORMATS.
_GROUP = {"--repo": ("repo", "dir"), "--format": ("format", "fmt"), "--json": ("json", None),
          "-v": ("verbose", None), "--verbose": ("verbose", None), "-q": ("quiet", None),
          "--quiet": ("quiet", None), "--debug": ("debug", None), "--sarif": ("sarif", "file"),
          "--junit": ("junit", "file"), "--json-file": ("json-file", "file")}
_COMMAND = {k: v for k, v in _GROUP.items() if k not in ("--repo", "--debug")}
_KIND = {"sarif": "sarif", "junit": "junit", "json-file": "json"}


class Plan(NamedTuple):
    wp: str
    group: dict        # key -> value (True for a flag), at most once each
    command: list      # [(key, value)] in command-line order (click's callback order)


def _value_ok(value: str, check: str) -> bool:
    if not value or value.startswith("-"):
        return False
    if check == "fmt":
        return value in FORMATS
    try:
        st = os.stat(value)
    except OSError:
        return True  # click.Path(exists=False) takes a path that is not there
    except ValueError:  # a NUL byte: click fails on it
        return False
    import stat

    if stat.S_ISREG(st.st_mode) if check == "dir" else stat.S_ISDIR(st.st_mode):
        return False
    return os.access(value, os.R_OK)


def _options(argv: list[str], i: int, table: dict) -> tuple[str, object, int] | None:
    """The option at argv[i] as (key, value, next index), or None when it is not a plain one."""
    arg = argv[i]
    name, eq, value = arg.partition("=")
    spec = table.get(name)
    if spec is None or (eq and not name.startswith("--")):
        return None
    key, check = spec
    if check is None:
        return None if eq else (key, True, i + 1)
    if not eq:
        if i + 1 >= len(argv):
            return None
        value = argv[i + 1]
    return (key, value, i + (1 if eq else 2)) if _value_ok(value, check) else None


def parse(argv: list[str]) -> Plan | None:
    """argv (after govkit.cli.base.fix_args) as a Plan, or None: let click handle it."""
    if os.name == "nt" or "_GOVKIT_COMPLETE" in os.environ:
        return None
    group: dict = {}
    i = 0
    while i < len(argv) and argv[i] != COMMAND:
        got = _options(argv, i, _GROUP)
        if got is None or got[0] in group:
            return None
        group[got[0]] = got[1]
        i = got[2]
    i += 1
    if i > len(argv):
        return None
    wp = None
    command: list = []
    while i < len(argv):
        if not argv[i].startswith("-"):
            if wp is not None:
                return None
            wp, i = argv[i], i + 1
            continue
        got = _options(argv, i, _COMMAND)
        if got is None or any(k == got[0] for k, _ in command):
            return None
        command.append(got[:2])
        i = got[2]
    return None if wp is None else Plan(wp, group, command)


def run(plan: Plan, argv: list[str], leave_now: bool = False) -> None:
    """What `cli.main` and the pre-work command do for plan; always ends with SystemExit, or,
    with leave_now (the process is the govkit command itself), exits directly (see _leave)."""
    try:
        _run(plan, argv)
    except SystemExit as done:
        if leave_now:
            _leave(done)
        raise


def _leave(done: SystemExit) -> None:
    """Exit now, the way the interpreter's shutdown would, without its teardown of every module
    and object (about a sixth of a pre-work run): the exit handlers run (the audit trail's
    buffered event is written there), then stdout and stderr are flushed, then the process
    exits with the code. Returns, for the usual shutdown, when anything is unusual: a code
    that is not a number, a replaced stream, a thread still running, a flush that fails."""
    import atexit
    import threading

    code = 0 if done.code is None else done.code
    if not isinstance(code, int) or sys.stdout is not sys.__stdout__ or \
            sys.stderr is not sys.__stderr__:
        return
    if any(not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    atexit._run_exitfuncs()  # the shutdown's order: threads (none), exit handlers, flush
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:  # noqa: BLE001 - the usual shutdown reports it (exit handlers ran once)
        return
    os._exit(code)


def _run(plan: Plan, argv: list[str]) -> None:
    from govkit.cli.base import INTERNAL_ERROR, Ctx, echo, emit_report, error_text, fail_outputs
    from govkit.errors import GovkitError

    g = plan.group
    try:
        try:
            outputs = {kind: g[key] for key, kind in _KIND.items() if key in g}
            ctx = Ctx(repo=g.get("repo"), fmt="json" if g.get("json") else g.get("format", "text"),
                      verbosity=-1 if g.get("quiet") else int(bool(g.get("verbose"))),
                      debug=bool(g.get("debug")), outputs=outputs)
            fmt, as_json = None, False
            for key, value in plan.command:  # the command's option callbacks, in order
                if key == "verbose":
                    ctx.verbosity += 1
                elif key == "quiet":
                    ctx.verbosity = -1
                elif key == "format":
                    fmt = value
                elif key == "json":
                    as_json = True
                else:
                    ctx.outputs[_KIND[key]] = value
            from govkit.gates.prework import check_prework

            ws = ctx.workspace()
            emit_report(ctx, check_prework(ws, ws.check_wp_id(plan.wp)), fmt, as_json, None, True)
        except (EOFError, KeyboardInterrupt):
            echo("", err=True)  # click: a new line, then Abort
            raise _Abort() from None
        except OSError as exc:
            import errno

            if exc.errno != errno.EPIPE:
                raise
            from click.utils import PacifyFlushWrapper

            sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
            sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
            sys.exit(1)
    except GovkitError as exc:
        echo(f"govkit: error: {error_text(exc)}", err=True)
        fail_outputs(argv, exc.exit_code, f"{exc.location() + ': ' if exc.location() else ''}{exc.message}")
        sys.exit(exc.exit_code)
    except _Abort:
        echo("govkit: aborted", err=True)
        fail_outputs(argv, 2, "aborted")
        sys.exit(2)
    except SystemExit:
        raise
    except Exception as exc:
        if "--debug" in argv:
            raise
        from govkit.util.escape import escape

        echo(f"govkit: internal error: {type(exc).__name__}: {escape(exc)} "
             "(a bug in govkit; run again with --debug for the traceback)", err=True)
        fail_outputs(argv, INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}")
        sys.exit(INTERNAL_ERROR)


class _Abort(Exception):
    """click.exceptions.Abort, without importing click."""
