"""`govkit trace`: the requirements traceability matrix of the current spec."""

from __future__ import annotations

import click

from govkit.cli.app import cli
from govkit.cli.common import emit, get_ctx, output_options


@cli.command("trace")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PCT",
              help="FAIL when the coverage percentage is below PCT.")
@output_options
def trace(fail_under, fmt, as_json):
    """Requirements -> anchors and packets -> evidence -> verdicts, with coverage."""
    from govkit.cli.progress import for_command
    from govkit.trace.matrix import build, lines

    ctx = get_ctx()
    with for_command("trace", ctx.verbosity) as progress:   # on a TTY, after a second
        report = build(ctx.workspace(), progress)
    cov = report.facts.get("coverage")
    if fail_under is not None and cov is not None and cov < fail_under:
        report.error("GK-TRC-COVERAGE", f"coverage {cov}% is below --fail-under {fail_under:g}%",
                     report.facts.get("spec"), None, "cover the uncovered MUST requirements")
    out_fmt = "json" if as_json else (fmt or ctx.fmt)
    if out_fmt == "text" and ctx.verbosity >= 0:
        rows = lines(report)
        if rows:   # one write: 20,000 separate echoes cost more than building the matrix
            click.echo("\n".join(rows))
    emit(report, fmt, as_json)
