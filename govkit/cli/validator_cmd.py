"""validator-gate: the validator verdict state machine."""

from __future__ import annotations

import click

from govkit.cli.app import cli
from govkit.cli.common import emit, get_ctx, output_options


@cli.group("validator-gate")
def validator_gate():
    """Validator state machine: present-report, acknowledge, append, commit, status, reset."""


def _run(action, wp, verdict=None, fmt=None, as_json=False, report=None):
    from govkit.actions.validator import run

    text = None
    if report is not None:
        from govkit.actions.validator_report import read_report_file

        text = read_report_file(report)
    emit(run(get_ctx().workspace(), wp, action, verdict, text), fmt, as_json)


@validator_gate.command("present-report")
@click.argument("wp")
@click.argument("verdict", type=click.Choice(["PASS", "FAIL"], case_sensitive=False))
@click.option("--report", "report", metavar="FILE", default=None,
              help="The findings (text, one per line); without it a scaffold block is written.")
@output_options
def present(wp, verdict, report, fmt, as_json):
    """Start a validation session: the VALIDATION REPORT block with a PASS or FAIL verdict."""
    _run("present-report", wp, verdict, fmt, as_json, report)


for _name, _doc in (("acknowledge", "The operator acknowledged the report."),
                    ("append", "Append the report to the packet's VALIDATION_REPORTS and commit it."),
                    ("commit", "Record the validated commit (PASS only) and commit the state."),
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
