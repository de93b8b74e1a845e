"""CLI plumbing that does not import click, shared by the click commands (govkit/cli/common.py,
main.py) and the pre-work fast path (govkit/cli/fastpath.py): the run's context, the output
files, the error text and how one Report is printed."""

from __future__ import annotations

import os
import sys

from govkit.errors import GovkitError
from govkit.report.render import render, use_color
from govkit.result import Report
from govkit.util.escape import escape
from govkit.util.record import dataclass, field  # not dataclasses: start-up

INTERNAL_ERROR = 3


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


LAST: Ctx | None = None
OUTPUT_KINDS = {"sarif": "--sarif", "junit": "--junit", "json": "--json-file"}


def echo(text: str, err: bool = False) -> None:
    """click.echo(text) without importing click where the result is known to be the same: a
    UTF-8 text stream, and no escape sequence that click would strip (it strips them unless the
    stream is a terminal). Anything else is click's own echo."""
    stream = sys.stderr if err else sys.stdout
    if not _plain_stream(stream) or ("\x1b" in text and not _isatty(stream)):
        import click

        click.echo(text, err=err)
        return
    stream.write(text + "\n")
    stream.flush()


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:  # noqa: BLE001 - as click.utils.isatty
        return False


def _plain_stream(stream) -> bool:
    import codecs
    import io

    if type(stream) is not io.TextIOWrapper or os.name == "nt":
        return False
    try:
        return codecs.lookup(stream.encoding).name == "utf-8" and stream.errors is not None
    except (LookupError, TypeError):
        return False


def emit_report(ctx: Ctx, report: Report, fmt: str | None, as_json: bool, command: str | None,
                audit: bool, out=echo) -> None:
    """Render the report, record the verdict in the audit trail, exit 0 (PASS) or 1 (FAIL)."""
    fmt = "json" if as_json else (fmt or ctx.fmt)
    write_outputs(ctx, report)   # first: an unwritable file (exit 2) records no verdict
    if audit and ctx._ws is not None:
        from govkit.audit.recorder import gate_event

        gate_event(ctx._ws, report, command or report.gate)
    text = render(report, fmt, color=use_color(sys.stdout), verbosity=ctx.verbosity)
    if ctx.verbosity >= 0 or not report.passed or fmt != "text":
        out(text)
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


def error_text(exc: GovkitError) -> str:
    """GovkitError's `path:line: message` and `fix:` line, each part escaped: paths and
    messages quote the repository, so they must not drive the terminal or add lines."""
    loc = exc.location()
    text = f"{escape(loc)}: {escape(exc.message)}" if loc else escape(exc.message)
    return text + (f"\n  fix: {escape(exc.hint)}" if exc.hint else "")


def fix_args(argv: list[str]) -> list[str]:
    """`--json=FILE` means `--json-file FILE` (a bare `--json` stays the stdout flag, so
    `govkit --json pre-work WP` keeps working); nothing after `--` is touched."""
    out: list[str] = []
    for i, a in enumerate(argv):
        if a == "--":
            return out + argv[i:]
        out.extend(["--json-file", a[7:]] if a.startswith("--json=") else [a])
    return out


_FILE_FLAGS = {"--sarif": "sarif", "--junit": "junit", "--json-file": "json"}


def argv_outputs(argv: list[str]) -> dict[str, str]:
    """The output files named on a command line click refused (no Ctx holds them yet)."""
    outs: dict[str, str] = {}
    for i, a in enumerate(argv):
        if a == "--":
            break
        name, eq, val = a.partition("=")
        if name in _FILE_FLAGS and (eq or i + 1 < len(argv)):
            outs[_FILE_FLAGS[name]] = val if eq else argv[i + 1]
    return outs


def command_name(argv: list[str]) -> str:
    from govkit.cli.index import COMMANDS

    return next((a for a in argv if a in COMMANDS), "govkit")


def fail_outputs(argv: list[str], exit_code: int, error: str) -> None:
    """A command that could not run still leaves its SARIF/JUnit/JSON files, saying so."""
    ctx = LAST
    if ctx is None or not ctx.outputs:
        outs = argv_outputs(argv)
        ctx = Ctx(outputs=outs) if outs else None
    if ctx is None:
        return
    try:
        write_outputs(ctx, Report(command_name(argv)), exit_code, error)
    except Exception:  # noqa: BLE001 - best effort: the exit code and stderr already tell
        pass
