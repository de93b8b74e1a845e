"""What the validator's steps write: the VALIDATION REPORT block (present-report), the block in
the packet's VALIDATION_REPORTS (append), the packet's Status and the board entry, and the
commit of each step (append, commit) with the trail's trailers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

PLACEHOLDER = "- (validator appends reports here)"


def read_report_file(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise GovkitError(f"cannot read the report: {e.strerror}", path=path,
                          hint="pass a readable text file with --report") from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise GovkitError("the report is not UTF-8 text", path=path,
                          hint="save it as UTF-8") from None


def report_block(ws: Workspace, wp: str, verdict: str, when: str, text: str | None) -> str:
    """The documented block (docs/user-guide.md, validator section): a `### VALIDATION REPORT`
    heading, Verdict, WP_ID, Date, Commit, Validator, then the findings as list items."""
    from govkit.actions.common import check_value
    from govkit.actions.records import default_actor

    lines = [ln.strip() for ln in (text or "").replace("\r\n", "\n").split("\n") if ln.strip()]
    for ln in lines:
        check_value(ln, "the report")
    found = [f"  - {ln.removeprefix('- ').removeprefix('* ')}" for ln in lines] or \
        ["  - none written (present-report without --report)"]
    return "\n".join([f"### VALIDATION REPORT {wp}", f"- Verdict: {verdict}", f"- WP_ID: {wp}",
                      f"- Date: {when}", f"- Commit: {ws.git.head() or 'none'}",
                      f"- Validator: {default_actor()}", "- Findings:", *found])


def has_report(md, verdict: str) -> bool:
    from govkit.model.markdown import heading_matches

    for h in md.headings:
        if heading_matches(h.text, "VALIDATION REPORT"):
            start, end = md.section_range(h)
            v = md.field("Verdict", start, end)
            if v and v.value.split() and v.value.split()[0].upper() == verdict:
                return True
    return False


def refuse_dirty(ws: Workspace, own: list[str], action: str, report: Report) -> None:
    """append and commit commit what they write: anything else uncommitted is refused, so
    the recorded commit is exactly the tree that was judged."""
    out = ws.git.out("status", "--porcelain", "--untracked-files=all")
    dirty = [ln[3:] for ln in out.splitlines() if ln[3:].strip('"') not in own]
    if dirty:
        report.error("GK-VAL-DIRTY", f"the working tree has uncommitted changes: "
                     f"{', '.join(dirty[:5])}" + (f" (+{len(dirty) - 5} more)"
                                                   if len(dirty) > 5 else ""),
                     dirty[0], None, f"commit them (and rerun post-work), then rerun {action}")


def append_report(ws: Workspace, tx, prel: str, session: dict, report: Report) -> bool:
    """Stage the packet with the session's report in VALIDATION_REPORTS (once)."""
    from govkit.model import markdown as mdparse
    from govkit.util.textio import decode

    pkt = ws.packet(prel)
    if has_report(pkt.md, session["verdict"]):
        return True
    block = session.get("report")
    sec = pkt.md.section("VALIDATION_REPORTS", exact=True)
    if not block or sec is None:
        return False
    lines = pkt.doc.text.split("\n")
    start, end = sec
    body = list(range(start, min(end, len(lines) + 1) - 1))   # 0-based lines after the heading
    at = next((i for i in body if lines[i].strip() == PLACEHOLDER), None)
    if at is not None:
        lines[at:at + 1] = block.split("\n")
    else:
        stop = next((i for i in body if lines[i].startswith("**User Signature Locked:**")),
                    end - 1)
        while stop > start and not lines[stop - 1].strip():
            stop -= 1
        lines[stop:stop] = ["", *block.split("\n"), ""]
    text = "\n".join(lines)
    if not has_report(mdparse.parse(decode(text.encode("utf-8"), prel)), session["verdict"]):
        return False
    tx.write_text(prel, text)
    report.info("GK-VAL-APPENDED", f"the validation report was appended to {prel}", prel)
    return True


def stage_status(ws: Workspace, tx, prel: str, wp: str, status: str, token: str) -> None:
    """The packet's Status line and the board entry follow the transition."""
    from govkit.model.board import set_board_entry, set_status
    from govkit.util.textio import decode

    if prel in tx.writes:
        doc = decode(tx.writes[prel], prel)
    else:
        doc = ws.read(prel)
    text = set_status(doc, status)
    if text is not None:
        tx.write_text(prel, text)
    brel = ws.p("task_board")
    if ws.abs(brel).is_file():
        tx.write_text(brel, set_board_entry(ws.read(brel), wp, status, token))


def commit_step(ws: Workspace, wp: str, action: str, rels: list[str]) -> str | None:
    """Commit what the step wrote (nothing else), with the trail's trailers."""
    from govkit.audit.witness import trailers

    rels = [r for r in rels if ws.abs(r).exists()]
    if not rels:
        return None
    ws.git.run("add", "--", *rels)
    if not ws.git.out("diff", "--cached", "--name-only", "--", *rels).strip():
        return None
    subject = {"append": "docs: validation report", "commit": "chore: validated"}[action]
    ws.git.run("commit", "-q", "-m", f"[{wp}] {subject}" + trailers(ws), "--", *rels)
    return ws.git.out("rev-parse", "HEAD").strip()
