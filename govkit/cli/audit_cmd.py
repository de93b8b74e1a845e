"""Audit trail commands: `govkit audit verify|show|checkpoint` and `govkit doctor`."""

from __future__ import annotations

import json

import click

from govkit.cli.app import cli
from govkit.cli.common import emit, get_ctx, output_options

_KINDS = ("intent", "result", "denied", "event", "attest")


@cli.group("audit")
def audit():
    """The tamper-evident audit trail (<git common dir>/govkit/audit/audit.jsonl)."""


@audit.command("verify")
@click.option("--file", "file_", default=None, metavar="FILE",
              help="Trail file to check (default: the repository's trail; witnesses are "
                   "checked only then).")
@click.option("--checkpoint", default=None, metavar="FILE",
              help="Also check the trail against a signed checkpoint.")
@output_options
def verify_cmd(file_, checkpoint, fmt, as_json):
    """Check seq, hash chain, HMAC and intent/result pairing of every trail file, and that
    every witness (commit trailers, checkpoint ref and files, record files, the high-water
    mark) names a record on the chain.

    Text output stops at the first problem (file, line, what broke); --json lists them all."""
    from govkit.gates.audit_verify import check_trail

    ctx = get_ctx()
    everything = as_json or (fmt or ctx.fmt) not in ("text", "gate")
    report = check_trail(ctx.workspace(), file_, checkpoint, everything)
    emit(report, fmt, as_json, audit=False)


@audit.command("show")
@click.option("--wp", default=None, help="Only records of this work packet.")
@click.option("--kind", type=click.Choice(_KINDS), default=None, help="Only this kind.")
@click.option("--since", default=None, metavar="TIME",
              help="Only records at or after this ISO date/time (UTC unless an offset is given).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only the last N matching records.")
@click.option("--file", "file_", default=None, metavar="FILE", help="Trail file to read.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of records.")
def show_cmd(wp, kind, since, limit, file_, as_json):
    """List audit records (all trail files, oldest first)."""
    from collections import deque

    from govkit.audit.query import one_line, parse_since, records
    from govkit.gates.audit_verify import trail_file

    ctx = get_ctx()
    since_ts = parse_since(since) if since else None
    ws = ctx.workspace()
    path = trail_file(ws, file_)
    rows = records(path, wp, kind, since_ts)
    if limit:
        rows = deque(rows, maxlen=limit)
    if as_json or ctx.fmt == "json":
        out = []
        for _, _, rec in rows:
            try:
                out.append(json.dumps(rec, indent=1, ensure_ascii=True))
            except (ValueError, RecursionError):
                out.append(json.dumps({"kind": "broken", "seq": rec.get("seq")}))
        click.echo("[" + ",\n".join(out) + "]")
        return
    from govkit.util.escape import data_line

    for _, _, rec in rows:
        try:
            click.echo(data_line(one_line(rec)))  # a record's fields quote file names and argv
        except (ValueError, RecursionError):
            click.echo(f"{rec.get('seq', '?')} (record too deeply nested to show)")


@audit.command("checkpoint")
@click.option("--out", default=None, metavar="FILE",
              help="Where to write it (default: .GOV/checkpoints/audit-<UTC time>.json, to "
                   "commit); refs/govkit/audit-checkpoint gets it too.")
@click.option("--key-id", default=None, help="Operator key to sign with (default: the only one).")
@output_options
def checkpoint_cmd(out, key_id, fmt, as_json):
    """Write a checkpoint (record count, last hash) signed with the operator's Ed25519 key."""
    from govkit.actions.checkpoint import write_checkpoint

    report = write_checkpoint(get_ctx().workspace(), out, key_id)
    emit(report, fmt, as_json, audit=report.passed)


@audit.command("trailers")
def trailers_cmd():
    """Print the trailers that witness the trail head, for a commit message.

    govkit's own commits carry them; add them to yours with
    `git commit -m MSG -m "$(govkit audit trailers)"` (or a prepare-commit-msg hook)."""
    from govkit.audit.witness import trailers

    text = trailers(get_ctx().workspace()).strip()
    if text:
        click.echo(text)


@cli.command("doctor")
@output_options
def doctor_cmd(fmt, as_json):
    """One health report: config, audit key and trail, open intents, locks, transactions, runs.

    Repairs what is safe (interrupted transactions, crash tails, abandoned intents)
    and says so; exits 1 when something needs you, with the command that fixes it."""
    from govkit.ops.doctor import diagnose

    ctx = get_ctx()
    _recover_runs(ctx.repo)
    report, ws = diagnose(ctx.repo)
    ctx._ws = ws
    emit(report, fmt, as_json)


def _recover_runs(repo) -> None:
    """Interrupted `govkit run`s are rolled back (or their commit confirmed) before the health
    report, which then lists only what needs the user (a dirty run record)."""
    from govkit.errors import GovkitError
    from govkit.loop.recover import recover_runs
    from govkit.workspace import Workspace

    try:
        recover_runs(Workspace.open(repo))
    except GovkitError:
        pass  # diagnose() reports the configuration or workspace problem itself
