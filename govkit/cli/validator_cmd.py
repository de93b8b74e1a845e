"""validator-gate: the validator verdict state machine."""

from __future__ import annotations

import click

from govkit.cli.app import cli
from govkit.cli.common import emit, get_ctx, output_options


@cli.group("validator-gate")
def validator_gate():
    """Validator state machine: present-report, acknowledge, append, commit, status, reset."""


def _run(action, wp, verdict=None, fmt=None, as_json=False):
    from govkit.actions.validator import run

    emit(run(get_ctx().workspace(), wp, action, verdict), fmt, as_json)


@validator_gate.command("present-report")
@click.argument("wp")
@click.argument("verdict", type=click.Choice(["PASS", "FAIL"], case_sensitive=False))
@output_options
def present(wp, verdict, fmt, as_json):
    """Start a validation session with a PASS or FAIL verdict."""
    _run("present-report", wp, verdict, fmt, as_json)


for _name, _doc in (("acknowledge", "The operator acknowledged the report."),
                    ("append", "The report is appended to the packet (verified)."),
                    ("commit", "Record the validation commit (PASS only)."),
                    ("status", "Show the session state and the next command.")):
    def _make(name):
        @click.argument("wp")
        @output_options
        def cmd(wp, fmt, as_json):
            _run(name, wp, None, fmt, as_json)
        return cmd
    _c = _make(_name)
    _c.__doc__ = _doc
    validator_gate.command(_name)(_c)


@validator_gate.command("reset")
@click.argument("wp")
@click.option("--confirm", is_flag=True, required=True, help="Required: archive the session.")
@output_options
def reset(wp, confirm, fmt, as_json):
    """Archive an unfinished session (a COMMITTED one is never reset)."""
    _run("reset", wp, None, fmt, as_json)
