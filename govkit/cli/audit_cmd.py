"""Audit trail commands: `govkit audit verify|show|checkpoint` and `govkit doctor`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from govkit.cli.common import emit, get_ctx, output_options
from govkit.cli.main import cli

_KINDS = ("intent", "result", "denied", "event")


def _trail_file(ws, file_: str | None) -> Path:
    from govkit.audit import hook
    from govkit.errors import GovkitError

    if file_ is None:
        return hook.trail_path(ws)
    path = Path(file_).resolve()
    if not path.is_file():
        raise GovkitError("audit trail file not found", path=file_,
                          hint="pass the trail's current file (rotated siblings are found "
                               "next to it)")
    return path


@cli.group("audit")
def audit():
    """The tamper-evident audit trail (.GOV/audit/audit.jsonl)."""


@audit.command("verify")
@click.option("--file", "file_", default=None, metavar="FILE",
              help="Trail file to check (default: audit.file from the config).")
@click.option("--checkpoint", default=None, metavar="FILE",
              help="Also check the trail against a signed checkpoint.")
@output_options
def verify_cmd(file_, checkpoint, fmt, as_json):
    """Check seq, hash chain, HMAC and intent/result pairing of every trail file.

    Text output stops at the first problem (file, line, what broke); --json lists them all."""
    from govkit.audit import checkpoint as cp_mod
    from govkit.audit.doctor import display_for
    from govkit.audit.key import load_for
    from govkit.audit.verify import verify_trail
    from govkit.report import Report

    ctx = get_ctx()
    ws = ctx.workspace()
    key, _ = load_for(ws)
    path = _trail_file(ws, file_)
    show = display_for(ws.root)
    everything = as_json or (fmt or ctx.fmt) not in ("text", "gate")
    report = Report("audit-verify")
    cp = None
    if checkpoint:
        cp = cp_mod.load(Path(checkpoint))
        report.facts["checkpoint"] = checkpoint
        cp_mod.check_signature(ws, cp, report, checkpoint)
    if everything or report.passed:
        verify_trail(path, key, show, all_problems=everything, checkpoint=cp, report=report)
    if not report.passed:
        report.next_commands.append("govkit audit verify --json (every problem)")
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

    ctx = get_ctx()
    since_ts = parse_since(since) if since else None
    ws = ctx.workspace()
    path = _trail_file(ws, file_)
    rows = records(path, wp, kind, since_ts)
    if limit:
        rows = deque(rows, maxlen=limit)
    if as_json or ctx.fmt == "json":
        click.echo(json.dumps([rec for _, _, rec in rows], indent=1))
        return
    for _, _, rec in rows:
        click.echo(one_line(rec))


@audit.command("checkpoint")
@click.option("--out", default=None, metavar="FILE",
              help="Where to write it (default: <audit dir>/checkpoint-<UTC time>.json).")
@click.option("--key-id", default=None, help="Operator key to sign with (default: the only one).")
@output_options
def checkpoint_cmd(out, key_id, fmt, as_json):
    """Write a checkpoint (record count, last hash) signed with the operator's Ed25519 key."""
    from govkit import keys
    from govkit.audit import checkpoint as cp_mod
    from govkit.audit import files, hook
    from govkit.audit.doctor import display_for
    from govkit.audit.verify import verify_trail
    from govkit.errors import GovkitError
    from govkit.report import Report
    from govkit.store import atomic_write_bytes

    ws = get_ctx().workspace()
    path = hook.trail_path(ws)
    show = display_for(ws.root)
    if not files.chain(path):
        raise GovkitError("there is no audit trail to checkpoint yet", path=show(path))
    key_id = keys.check_key_id(key_id) if key_id else keys.default_key_id()
    priv = keys.load_private_key(key_id)
    trail = hook.get_trail(ws, force=True)
    with ws.lock("audit checkpoint"):
        trail.flush()
        report = verify_trail(path, trail.key, show, all_problems=False,
                              report=Report("audit-checkpoint"))
        if not report.passed:
            report.next_commands.append("govkit audit verify --json")
            emit(report, fmt, as_json, audit=False)
        trail.pending()  # sync: the index and the file agree
        out_path = (Path(out).resolve() if out
                    else path.parent / f"checkpoint-{files.stamp()}.json")
        seq = hook.intent(ws, "audit checkpoint", None, {"out": show(out_path)})
        trail.pending()
        cp = cp_mod.make(show(path), trail.seq, trail.seq, trail.hash, key_id, priv)
        atomic_write_bytes(out_path, (json.dumps(cp, indent=2) + "\n").encode("utf-8"))
        hook.result(ws, seq, True, {"out": show(out_path), "last_seq": cp["last_seq"]})
    report.facts.update({"checkpoint": show(out_path), "covers": f"{cp['records']} records",
                         "last_hash": cp["last_hash"], "key_id": key_id})
    report.next_commands.append(f"govkit audit verify --checkpoint {show(out_path)}")
    emit(report, fmt, as_json)


@cli.command("doctor")
@output_options
def doctor_cmd(fmt, as_json):
    """One health report: config, audit key and trail, open intents, locks, transactions, runs.

    Repairs what is safe (stale locks, interrupted transactions, crash tails, abandoned intents)
    and says so; exits 1 when something needs you, with the command that fixes it."""
    from govkit.audit.doctor import diagnose

    ctx = get_ctx()
    report, ws = diagnose(ctx.repo)
    ctx._ws = ws
    emit(report, fmt, as_json)
