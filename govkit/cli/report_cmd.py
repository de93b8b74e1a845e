"""`govkit report --html DIR`: the static HTML report (board, WP pages, traceability, audit)."""

from __future__ import annotations

import click

from govkit.cli.app import cli
from govkit.cli.common import get_ctx
from govkit.util.escape import escape


@cli.command("report")
@click.option("--html", "html_dir", required=True, metavar="DIR", type=click.Path(file_okay=False),
              help="Write the site into DIR (created if needed; its pages are replaced).")
@click.option("--timestamp", is_flag=True, help="Print the generation time in the page footers.")
def report(html_dir, timestamp):
    """A static HTML report people read: the task board, a page per WP (status, lock, gate
    results, audit events, manifest, findings, verdicts), the traceability matrix and the audit
    verification. No script or external asset: open DIR/index.html from file://.

    Read-only for the workspace (the gates run, nothing is recorded). Exit 0 when written.
    """
    import os
    import time
    from pathlib import Path

    from govkit.errors import GovkitError
    from govkit.ops.report_site import collect
    from govkit.report.site import render_site
    from govkit.store.atomic import atomic_write_bytes

    ctx = get_ctx()
    ws = ctx.workspace()
    out = Path(html_dir)
    with ws.lock("report --html"):
        site = collect(ws)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %Z") if timestamp else ""
    pages = render_site(site, stamp)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, html in pages.items():
            atomic_write_bytes(out / name, html.encode("utf-8"))
    except OSError as exc:
        raise GovkitError(f"cannot write the report: {exc.strerror or exc}", path=html_dir,
                          hint="give --html a writable directory") from None
    if ctx.verbosity >= 0:
        click.echo(f"report: {len(pages)} page(s) in {escape(os.path.abspath(out))}; "
                   f"open {escape(os.path.join(os.path.abspath(out), 'index.html'))}")
