"""board-check: TASK_BOARD format and semantics, coder claims, activation traceability."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from govkit.gates.activeset import packet_names
from govkit.model.common import is_placeholder
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

CHECKED = {"IN PROGRESS": ("IN_PROGRESS",), "DONE": ("VALIDATED", "FAIL", "OUTDATED_ONLY"),
           "SUPERSEDED": ("SUPERSEDED",)}
BOARD_TO_VERDICT = {"VALIDATED": "PASS", "FAIL": "FAIL", "OUTDATED_ONLY": "OUTDATED_ONLY"}
STRENGTHS = {"low", "medium", "high", "extrahigh"}
_REV = re.compile(r"-v\d+$")
_STRICT = re.compile(r"\*\*\[WP-[^\]]+\]\*\*\s+-\s+\[[A-Z_]+\]\s*")


def _section_key(name: str) -> str | None:
    n = name.strip().upper()
    if n in ("IN PROGRESS", "DONE"):
        return n
    return "SUPERSEDED" if n.startswith("SUPERSEDED") else None


def check_board(ws: Workspace) -> Report:
    report = Report("board-check")
    rel = ws.p("task_board")
    if not os.path.lexists(ws.abs(rel)):  # anything else there is read (and refused) below
        report.error("GK-BOARD-MISSING", "task board is missing", rel, None, "govkit init writes one")
        return report
    board = ws.board()
    packets_dir = ws.p("task_packets_dir")
    for e in board.entries:
        key = _section_key(e.section)
        if key is None or e.depth > 0:
            continue
        allowed = CHECKED[key]
        if e.wp is None or e.token not in allowed or not _STRICT.fullmatch(e.text):
            report.error("GK-BOARD-FORMAT", f"{e.section} entries must be "
                         f"'- **[WP_ID]** - [{'|'.join(allowed)}]': {e.text}", rel, e.line)
            continue
        if key == "DONE":
            prel = f"{packets_dir}/{e.wp}.md"
            if not ws.abs(prel).is_file():
                report.error("GK-BOARD-PACKET", f"Done entry {e.wp} has no packet {prel}", rel, e.line)
                continue
            pkt = ws.packet(prel)
            if pkt.modern:
                verdicts = [f for f in pkt.md.fields if f.label.upper() == "VERDICT"]
                got = [v.value.split()[0].upper() for v in verdicts if v.value.split()]
                want = BOARD_TO_VERDICT[e.token]
                if not got:
                    report.error("GK-BOARD-VERDICT", f"{e.wp} is Done but its packet records no "
                                 "'Verdict: PASS|FAIL|OUTDATED_ONLY'", prel, None)
                elif want not in got:
                    # The original accepts any verdict (kernel-gates.md 17.35): strict only.
                    add = report.error if ws.config.get("profile") == "strict" else report.warn
                    add("GK-BOARD-VERDICT", f"board says {e.token} for {e.wp} but the "
                        f"packet's verdict is {got[-1]}" + ("" if add == report.error else
                                                             " (strict: FAIL)"), rel, e.line,
                        "make the board token match the validation verdict")
    _check_claims(ws, report)
    _check_traceability(ws, board, report)
    return report


def _packet_names(ws: Workspace) -> list[str]:
    return packet_names(ws)


def _check_claims(ws: Workspace, report: Report) -> None:
    for name in _packet_names(ws):
        rel = f"{ws.p('task_packets_dir')}/{name}"
        pkt = ws.packet(rel)
        if not pkt.in_progress:
            continue
        if _claim_placeholder(pkt.coder_model.text):
            report.error("GK-CLAIM-MODEL", "In Progress packet has no CODER_MODEL claim", rel,
                         pkt.coder_model.line or None, "the coder fills CODER_MODEL when claiming")
        # kernel-gates.md 11.2: the whole value, normalised; template text such as
        # "HIGH (LOW | MEDIUM | HIGH | EXTRA_HIGH)" is not a claim.
        raw = pkt.coder_reasoning_strength.text.strip()
        s = re.sub(r"[\s_-]+", "", raw.lower())
        if _claim_placeholder(raw) or s not in STRENGTHS:
            report.error("GK-CLAIM-STRENGTH", "CODER_REASONING_STRENGTH must be exactly one of LOW, "
                         f"MEDIUM, HIGH or EXTRA_HIGH (got '{raw}')", rel,
                         pkt.coder_reasoning_strength.line or None,
                         "keep one value and delete the list of choices")


def _claim_placeholder(v: str) -> bool:
    v = v.strip().strip("*").strip()
    return is_placeholder(v) or bool(re.fullmatch(r"\{.+\}", v)) or v.lower().startswith("<fill")


def _check_traceability(ws: Workspace, board, report: Report) -> None:
    reg = ws.registry_map()
    reg_rel = ws.p("traceability_registry")
    pdir = ws.p("task_packets_dir")
    stubs = ws.p("stubs_dir")
    bases: dict[str, list[str]] = {}
    for name in _packet_names(ws):
        stem = name[:-3]
        if _REV.search(stem):
            bases.setdefault(_REV.sub("", stem), []).append(stem)
    for base, stems in bases.items():
        row = reg.get(base)
        if row is None:
            report.error("GK-TRACE-MISSING", f"no Base->Active mapping for {base} (packets: "
                         f"{', '.join(stems[:3])})", reg_rel, None,
                         f"add a row '| {base} | {pdir}/{stems[-1]}.md | ... |'")
            continue
        active = row.active.strip()
        if active.startswith(stubs + "/"):
            stem = active[len(stubs) + 1:-3]
            if ws.abs(f"{pdir}/{stem}.md").is_file():
                report.error("GK-TRACE-STUB", f"{base} still points to stub {active} but the "
                             "official packet exists", reg_rel, row.line)
            continue
        if not active.startswith(pdir + "/"):
            continue
        if not ws.abs(active).is_file():
            report.error("GK-TRACE-ACTIVE", f"active packet {active} for {base} does not exist",
                         reg_rel, row.line)
            continue
        stem = active[len(pdir) + 1:-3]
        if any(e.wp == stem and e.token == "STUB" for e in board.entries):
            report.error("GK-TRACE-BOARD", f"{stem} is active but the board still lists it as STUB",
                         ws.p("task_board"), None)
