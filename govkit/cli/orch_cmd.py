"""Orchestrator commands: record-refinement, record-signature, record-prepare, worktree-add,
create-task-packet, stub create|activate, keys init, approve, lock, amend, reanchor, and the
coder's start. Each parses its arguments, opens the Workspace, calls one gate
(govkit/gates/...) and renders its Report. No rules live here."""

from __future__ import annotations

import sys

import click

from govkit.cli.app import cli
from govkit.cli.common import emit, get_ctx, output_options


def _run(command: str, fmt, as_json, fn, *args, **kw):
    """Run one recording gate; a refusal renders its findings and exits 1 (or 2: bad input)."""
    from govkit.actions.common import Refused
    from govkit.report.render import render, use_color

    ws = get_ctx().workspace()
    try:
        report = fn(ws, *args, **kw)
    except Refused as exc:
        ctx = get_ctx()
        out_fmt = "json" if as_json else (fmt or ctx.fmt)
        click.echo(render(exc.report, out_fmt, color=use_color(sys.stdout),
                          verbosity=max(ctx.verbosity, 0)))
        sys.exit(exc.exit_code)
    emit(report, fmt, as_json, command)


@cli.command("record-refinement")
@click.argument("wp")
@click.option("--file", "path", default=None,
              help="Refinement path (default: refinements/<WP>.md).")
@output_options
def record_refinement_cmd(wp, path, fmt, as_json):
    """Record a complete refinement for review (signing waits for a new turn)."""
    from govkit.actions.refine import record_refinement

    _run("record-refinement", fmt, as_json, record_refinement, wp, path)


@cli.command("record-signature")
@click.argument("wp")
@click.argument("signature")
@output_options
def record_signature_cmd(wp, signature, fmt, as_json):
    """Record the operator's one-time signature: refinement, SIGNATURE_AUDIT and gate log in
    one transaction."""
    from govkit.actions.sign import record_signature

    _run("record-signature", fmt, as_json, record_signature, wp, signature)


@cli.command("record-prepare")
@click.argument("wp")
@click.argument("coder")
@click.option("--branch", default=None, help="WP branch (default: branch_template, feat/<WP>).")
@click.option("--worktree-dir", "--worktree", "worktree_dir", default=None,
              help="Repo-relative worktree directory (default: worktree_template, ../wt-<WP>).")
@output_options
def record_prepare_cmd(wp, coder, branch, worktree_dir, fmt, as_json):
    """Record the coder assignment, branch and worktree of a signed WP."""
    from govkit.actions.prepare import record_prepare

    _run("record-prepare", fmt, as_json, record_prepare, wp, coder, branch, worktree_dir)


@cli.command("worktree-add")
@click.argument("wp")
@click.option("--base", default=None, help="Start point of a new branch (default: main_branch).")
@output_options
def worktree_add_cmd(wp, base, fmt, as_json):
    """Create the WP branch and its worktree (never touches an existing directory)."""
    from govkit.actions.prepare import worktree_add

    _run("worktree-add", fmt, as_json, worktree_add, wp, base)


@cli.command("create-task-packet")
@click.argument("wp")
@click.option("--checkpoint", is_flag=True,
              help="Also commit packet + refinement on the WP branch (safety checkpoint).")
@click.option("--requestor", default=None, help="REQUESTOR field (default: operator).")
@click.option("--agent-id", default=None, help="AGENT_ID field (default: orchestrator).")
@output_options
def create_task_packet_cmd(wp, checkpoint, requestor, agent_id, fmt, as_json):
    """Create the locked task packet from a signed, prepared refinement."""
    from govkit.actions.packet import create_task_packet

    _run("create-task-packet", fmt, as_json, create_task_packet, wp, checkpoint=checkpoint,
         requestor=requestor, agent_id=agent_id)


@cli.group("stub")
def stub_group():
    """Backlog stubs (never executable)."""


@stub_group.command("create")
@click.argument("wp")
@output_options
def stub_create_cmd(wp, fmt, as_json):
    """Write task_packets/stubs/<WP>.md and list it in the board's stub section."""
    from govkit.actions.stub import stub_create

    _run("stub create", fmt, as_json, stub_create, wp)


@stub_group.command("activate")
@click.argument("wp")
@click.option("--checkpoint", is_flag=True, help="Checkpoint commit when creating the packet.")
@output_options
def stub_activate_cmd(wp, checkpoint, fmt, as_json):
    """Activate a stub through refine/sign/prepare/create; update registry and board."""
    from govkit.actions.stub import stub_activate

    _run("stub activate", fmt, as_json, stub_activate, wp, checkpoint=checkpoint)


@cli.command("approve")
@click.argument("wp")
@click.option("--key-id", default=None, help="Which private key signs (default: the only one).")
@output_options
def approve_cmd(wp, key_id, fmt, as_json):
    """Sign an approval statement over the refinement as it is now (Ed25519)."""
    from govkit.actions.approve import approve

    _run("approve", fmt, as_json, approve, wp, key_id=key_id)


@cli.group("keys")
def keys_group():
    """Operator keys for signed approvals (Ed25519)."""


@keys_group.command("init")
@click.option("--key-id", default=None, help="Key id (default: <user>-<date>).")
@click.option("--trust", is_flag=True,
              help="Also add the key id to approvals.trusted_keys in .GOV/govkit.yaml.")
@click.option("--key-dir", default=None, help="Directory of the private key (default: "
              "$GOVKIT_KEY_DIR, else ~/.config/govkit/keys); must be outside the repository.")
@output_options
def keys_init_cmd(key_id, trust, key_dir, fmt, as_json):
    """Create a key pair: private key outside the repo (0600), public key in .GOV/keys/."""
    from govkit.actions.approve import keys_init

    _run("keys init", fmt, as_json, keys_init, key_id=key_id, trust=trust, key_dir=key_dir)


@cli.command("approve-skeleton")
@click.argument("wp")
@click.option("--key-id", default=None, help="Operator key that signs the approval (default: "
              "the only or first trusted one; unsigned when this machine has none).")
@output_options
def approve_skeleton_cmd(wp, key_id, fmt, as_json):
    """The operator approves the coder's BOOTSTRAP and SKELETON: a SKELETON-APPROVED record
    (operator-signed where keys exist), audited. gate-check requires it before implementation."""
    from govkit.actions.skeleton import approve_skeleton

    _run("approve-skeleton", fmt, as_json, approve_skeleton, wp, key_id=key_id)


@cli.command("lock")
@click.argument("wp")
@click.option("--key-id", default=None, help="Operator key that signs the lock (default: the "
              "only or first trusted one; required when the repository has operator keys).")
@output_options
def lock_cmd(wp, key_id, fmt, as_json):
    """Lock a packet that has no LOCK record (legacy, or completed after create-task-packet),
    after the operator checked it. Refuses when a lock exists."""
    from govkit.actions.lock import lock_wp

    _run("lock", fmt, as_json, lock_wp, wp, key_id=key_id)


@cli.command("amend")
@click.argument("wp")
@click.option("--waiver", "waivers", multiple=True, required=True,
              help="'ID;SCOPE;REASON;APPROVED_BY;EXPIRES' (SCOPE: comma-separated globs; "
                   "EXPIRES: YYYY-MM-DD). Repeatable.")
@click.option("--key-id", default=None, help="Operator key that signs the new lock.")
@output_options
def amend_cmd(wp, waivers, key_id, fmt, as_json):
    """Grant waivers on a locked packet: writes them into WAIVERS GRANTED and re-locks (AMEND
    record, operator-signed when keys exist), audited."""
    from govkit.actions.lock import amend_wp

    _run("amend", fmt, as_json, amend_wp, wp, list(waivers), key_id=key_id)


@cli.command("merge-gatelog")
@click.argument("base")
@click.argument("ours")
@click.argument("theirs")
def merge_gatelog_cmd(base, ours, theirs):
    """git merge driver for the gate log (set by `govkit init`): append-only union of both
    sides; exit 1 (a conflict) when a side edited or removed a common entry."""
    from govkit.actions.gatelog_merge import merge

    raise SystemExit(0 if merge(base, ours, theirs) else 1)


@cli.group("new")
def new_group():
    """Scaffolds govkit computes (no LLM)."""


@new_group.command("refinement")
@click.argument("wp")
@click.option("--section", "sections", multiple=True, required=True,
              help="Spec section number to anchor (repeatable), e.g. --section 1.4.")
@output_options
def new_refinement_cmd(wp, sections, fmt, as_json):
    """Write the refinement scaffold: SPEC_TARGET_RESOLVED, SPEC_TARGET_SHA1 and every anchor's
    window, token and excerpt computed from the current spec; the prose stays <fill>."""
    from govkit.agents.newref import new_refinement

    _run("new refinement", fmt, as_json, new_refinement, wp, list(sections))


@cli.command("reanchor")
@click.argument("wp")
@click.option("--no-commit", is_flag=True, help="Write the refinement and the REANCHOR record "
              "but do not commit them (default: one `[WP] chore: reanchor` commit).")
@output_options
def reanchor_cmd(wp, no_commit, fmt, as_json):
    """After a spec bump: move a locked WP's refinement to the current spec when every anchored
    excerpt is unchanged (moved lines follow), audited, without a new signature (REANCHOR
    record). A changed excerpt writes nothing and exits 1."""
    from govkit.actions.reanchor import reanchor

    _run("reanchor", fmt, as_json, reanchor, wp, commit_changes=not no_commit)


@cli.command("start")
@click.argument("wp")
@output_options
def start_cmd(wp, fmt, as_json):
    """The coder starts a locked, Ready for Dev WP in its worktree: Status In Progress, board
    entry [IN_PROGRESS] and a START record, committed on the WP branch as `[WP] chore: start`."""
    from govkit.actions.start import start

    _run("start", fmt, as_json, start, wp)
