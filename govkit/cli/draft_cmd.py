"""govkit draft refinement|report: LLM-written drafts that govkit checks before writing."""

from __future__ import annotations

import click

from govkit.cli.app import cli
from govkit.cli.common import emit, get_ctx, output_options


@cli.group("draft")
def draft_group():
    """LLM-written drafts (refinement, validator report), checked by govkit before writing."""


def _record(value):
    from pathlib import Path

    return None if value is None else Path(value)


@draft_group.command("refinement")
@click.argument("wp")
@click.option("--section", "sections", multiple=True, required=True,
              help="A numbered spec section to anchor (repeat for more), e.g. 2.6.6.2.8.")
@click.option("--output", default=None, help="Write here instead of refinements/<WP>.md.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.option("--record", "record_to", default=None, type=click.Path(dir_okay=False),
              help="Also write every LLM call to this JSONL file (for llm.provider: replay).")
@output_options
def draft_refinement_cmd(wp, sections, output, force, record_to, fmt, as_json):
    """Draft a refinement: the LLM writes the prose, govkit computes every anchor from the spec."""
    from govkit.agents.llmcall import provider_for
    from govkit.agents.orchestrator import draft_refinement

    ws = get_ctx().workspace()
    provider = provider_for(ws, record_to=_record(record_to), wp=wp)
    emit(draft_refinement(ws, wp, list(sections), force=force, output=output, provider=provider),
         fmt, as_json, "draft-refinement")


@draft_group.command("report")
@click.argument("wp")
@click.option("--output", default=None, help="Write here instead of <gov_dir>/reports/<WP>.draft.md.")
@click.option("--force", is_flag=True, help="Replace an existing draft.")
@click.option("--record", "record_to", default=None, type=click.Path(dir_okay=False),
              help="Also write every LLM call to this JSONL file (for llm.provider: replay).")
@output_options
def draft_report_cmd(wp, output, force, record_to, fmt, as_json):
    """Draft a validator report: each DONE_MEANS item mapped to verified evidence path:line (no verdict)."""
    from govkit.agents.llmcall import provider_for
    from govkit.agents.validator import draft_report

    ws = get_ctx().workspace()
    provider = provider_for(ws, record_to=_record(record_to), wp=wp)
    emit(draft_report(ws, wp, output=output, force=force, provider=provider), fmt, as_json, "draft-report")
