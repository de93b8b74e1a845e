"""The validator's report draft: `govkit draft report WP`.

For each DONE_MEANS item govkit finds candidate locations (lines of the files in scope that
share the item's words); the LLM maps each item to evidence `path:line`; govkit then verifies
every cited location (a safe repository path, an existing file, a line inside it) before
anything is written. A citation that does not exist fails the draft and nothing is written.
The draft never carries a verdict: a validator decides (govkit validator-gate ...)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from govkit.agents.textsafe import one_line
from govkit.errors import GovkitError
from govkit.llm.base import INPUT_MARK
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

PROMPT = ("You map each DONE_MEANS item of a work packet to the code that shows it is done: cite "
          "evidence as repository path and 1-based line, chosen from the candidates or the files "
          "shown. Cite nothing you have not seen. Do not judge the work: no verdict.")
MAX_CANDIDATES = 5
_WORD = re.compile(r"[A-Za-z0-9_]{3,}")


def candidates(ws: Workspace, item: str, files: list[str]) -> list[dict]:
    words = {w.lower() for w in _WORD.findall(item)}
    scored = []
    for rel in files:
        try:
            lines = ws.abs(rel).read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            continue
        for n, line in enumerate(lines, 1):
            hits = len(words & {w.lower() for w in _WORD.findall(line)})
            if hits:
                scored.append((-hits, rel, n, line.strip()[:200]))
    return [{"path": r, "line": n, "text": t} for _, r, n, t in sorted(scored)[:MAX_CANDIDATES]]


def verify(ws: Workspace, path: str, line: int) -> str | None:
    """None when path:line exists in the worktree, else why not."""
    try:
        full = ws.safe_path(path, "evidence path")
    except GovkitError as exc:
        return exc.message
    if not full.is_file():
        return "no such file"
    try:
        count = len(full.read_bytes().split(b"\n"))
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    if not 1 <= int(line) <= count:
        return f"line {line} is outside the file (1-{count})"
    return None


def draft_report(ws: Workspace, wp: str, output: str | None = None, force: bool = False,
                 provider=None) -> Report:
    from govkit.actions.common import commit
    from govkit.agents.context import packet_facts, scoped_files
    from govkit.agents.llmcall import deadline, provider_for
    from govkit.llm import load_schema
    from govkit.txn.transaction import transaction

    wp = ws.check_wp_id(wp)
    facts = packet_facts(ws, wp)
    rel = (output or f"{ws.p('gov_dir')}/reports/{wp}.draft.md").replace("\\", "/").removeprefix("./")
    ws.safe_path(rel, "report draft path")
    if ws.abs(rel).exists() and not force:
        raise GovkitError("the report draft exists", path=rel, hint="pass --force to replace it")
    report = Report("draft-report", wp)
    if not facts.done_means:
        report.error("GK-DRAFT-NO-DONE-MEANS", "the packet lists no DONE_MEANS items", facts.rel, None,
                     "add the items under '- DONE_MEANS:' in QUALITY_GATE")
        return report
    files = scoped_files(ws, facts)
    items = [{"item": text, "candidates": candidates(ws, text, files)} for text, _ in facts.done_means]
    provider = provider or provider_for(ws, wp=wp)
    answer = provider.complete_json("report_draft", load_schema("report_draft"),
                                    [{"role": "system", "content": PROMPT},
                                     {"role": "user", "content": f"{INPUT_MARK}\n" + json.dumps(
                                         {"wp": wp, "done_means": items, "files": files}, sort_keys=True)}],
                                    deadline_s=deadline(ws))
    by_item = {a["item"]: a for a in answer["items"]}
    lines = [f"## VALIDATION REPORT DRAFT: {wp}", f"- WP_ID: {wp}", f"- PACKET: {facts.rel}",
             "- DRAFTED_BY: govkit draft report (LLM mapping; every cited location verified)",
             "- VERDICT: <pending: a validator decides; a draft never records one>", "",
             "### EVIDENCE_MAPPING"]
    for text, pline in facts.done_means:
        got = by_item.get(text, {"evidence": [], "note": ""})
        cites = []
        for ev in got["evidence"]:
            why = verify(ws, ev["path"], ev["line"])
            if why:
                report.error("GK-DRAFT-EVIDENCE-MISSING", f"cited evidence {ev['path']}:{ev['line']} for "
                             f"'{one_line(text, 80)}' does not exist: {why}", facts.rel, pline,
                             "nothing was written; draft again or map this item by hand")
            else:
                cites.append(f"{ev['path']}:{ev['line']}")
        if not got["evidence"]:
            report.warn("GK-DRAFT-NO-EVIDENCE", f"no evidence found for '{one_line(text, 80)}'", facts.rel,
                        pline, "the validator has to find it (or the work is not done)")
        lines.append(f"- {one_line(text)} -> {', '.join(cites) or '<none found>'}")
    if not report.passed:
        return report
    with transaction(ws, "draft-report", wp) as tx:
        tx.write_text(rel, "\n".join(lines) + "\n")
        commit(ws, tx)
    report.facts.update({"report_draft": rel, "items": len(facts.done_means), "provider": provider.name})
    report.info("GK-DRAFT-WRITTEN", f"report draft written: {len(facts.done_means)} DONE_MEANS item(s) "
                "mapped, every cited location exists; no verdict recorded", rel)
    report.next_commands = [f"govkit validator-gate present-report {wp} <PASS|FAIL>"]
    return report
