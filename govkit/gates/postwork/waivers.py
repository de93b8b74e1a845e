"""Waivers (WAIVERS GRANTED): which are active today and which paths they cover.

Structured records (WAIVER_ID, SCOPE, REASON, APPROVED_BY, EXPIRES, in the nearly-structured
forms operators write too) count in compat when the WP has no lock; strict counts only the
lock's waivers. In compat, a free-text paragraph the original honoured (it names [CX-573F],
dirty tree or git hygiene and gives a reason) is a legacy waiver for the whole diff, with a
warning; the template's own text never grants anything (kernel-gates.md 17.9)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from govkit.model.common import is_placeholder, strip_ticks
from govkit.model.packet import waiver_label, waivers_section
from govkit.result import Report
from govkit.util.globs import matches

_TRIGGER = re.compile(r"CX-573F|dirty\s*tree|git\s*hygiene", re.I)
_REASON = re.compile(r"\b(reason|because|justif\w*|approved|approver|due to|granted by)\b", re.I)
_TEMPLATE = re.compile(r"^\(.*\)$|\brecord\b.*\b(here|structured)\b|^waivers are structured "
                       r"records|template text|example layout", re.I)
_NONE = re.compile(r"^[-*\s]*NONE\.?$", re.I)
_PATHLIKE = re.compile(r"[/*.]")
STRUCTURED_FORM = ("- WAIVER_ID: W-1 / - SCOPE: <paths> / - REASON: ... / - APPROVED_BY: ... / "
                   "- EXPIRES: YYYY-MM-DD")


@dataclass
class ActiveWaiver:
    waiver_id: str
    patterns: list[str]
    line: int


def active_waivers(pkt, report: Report, today: date | None = None,
                   strict: bool = False) -> list[ActiveWaiver]:
    today = today or datetime.now(UTC).date()
    if strict:
        if pkt.waivers or _legacy_paragraphs(pkt):
            report.warn("GK-POST-WAIVER-UNLOCKED", "waivers written in the packet do not count "
                        "in the strict profile (only locked structured waivers do)", pkt.path,
                        (pkt.waivers[0].line if pkt.waivers else None),
                        "have the operator record the waiver in the lock (govkit amend)")
        return []
    out = []
    for w in pkt.waivers:
        wid = strip_ticks(w.waiver_id)
        missing = [name for name, v in (("WAIVER_ID", wid), ("SCOPE", w.scope),
                                        ("APPROVED_BY", w.approved_by),
                                        ("EXPIRES", w.expires)) if is_placeholder(strip_ticks(v))]
        if missing:
            report.warn("GK-POST-WAIVER-INVALID", f"waiver '{wid or '?'}' is void: missing "
                        + ", ".join(missing), pkt.path, w.line,
                        "a waiver needs WAIVER_ID, SCOPE, REASON, APPROVED_BY and EXPIRES")
            continue
        exp = _parse_date(strip_ticks(w.expires))
        if exp is None:
            report.warn("GK-POST-WAIVER-INVALID", f"waiver '{wid}' is void: EXPIRES "
                        f"'{w.expires}' is not a date (YYYY-MM-DD)", pkt.path, w.line)
            continue
        if exp < today:
            report.warn("GK-POST-WAIVER-EXPIRED", f"waiver '{wid}' expired on {exp.isoformat()} "
                        "and is void", pkt.path, w.line, "ask the operator for a new waiver")
            continue
        if is_placeholder(strip_ticks(w.reason)):
            report.warn("GK-POST-WAIVER-LEGACY", f"waiver '{wid}' gives no REASON (strict: "
                        "FAIL)", pkt.path, w.line, "add '- REASON: ...' and lock it")
        pats = [strip_ticks(p) for p in re.split(r"[,\s]+", w.scope) if strip_ticks(p)]
        if not any(_PATHLIKE.search(p) for p in pats):
            report.warn("GK-POST-WAIVER-LEGACY", f"waiver '{wid}' SCOPE '{w.scope}' names no "
                        "path: compat applies it to the whole diff as the original did (strict: "
                        "FAIL)", pkt.path, w.line, "list the waived paths or globs in SCOPE")
            pats = ["**"]
        out.append(ActiveWaiver(wid, pats, w.line))
        report.info("GK-POST-WAIVER", f"waiver '{wid}' active until {exp.isoformat()} for "
                    + ", ".join(pats), pkt.path, w.line)
    out.extend(_legacy(pkt, report))
    return out


def _legacy_paragraphs(pkt) -> list[list[tuple[int, str]]]:
    """Free-text paragraphs of WAIVERS GRANTED that are neither structured fields, nor NONE,
    nor the template's own text."""
    md = getattr(pkt, "md", None)
    sec = waivers_section(md) if md is not None else None
    if sec is None:
        return []
    fields = {f.line for f in pkt.md.fields if sec[0] < f.line < sec[1] and waiver_label(f.label)}
    heads = {h.line for h in pkt.md.headings}
    paras: list[list[tuple[int, str]]] = []
    last = -1
    for n, text in pkt.md.text_in(sec[0] + 1, sec[1]):
        t = text.strip()
        if n in fields or n in heads or not t:
            last = -1
            continue
        if n == last + 1 and paras:
            paras[-1].append((n, t))
        else:
            paras.append([(n, t)])
        last = n
    return [p for p in paras if not all(_NONE.match(t) or _TEMPLATE.search(t) for _, t in p)]


def _legacy(pkt, report: Report) -> list[ActiveWaiver]:
    md = getattr(pkt, "md", None)
    sec = waivers_section(md) if md is not None else None
    if sec is None:
        return []
    none = any(_NONE.match(t.strip()) for _, t in pkt.md.text_in(sec[0] + 1, sec[1]))
    out = []
    for para in _legacy_paragraphs(pkt):
        text = " ".join(t for _, t in para if not _TEMPLATE.search(t))
        lines = f"{para[0][0]}-{para[-1][0]}" if len(para) > 1 else str(para[0][0])
        if not _TRIGGER.search(text) or not _REASON.search(text):
            report.info("GK-POST-WAIVER-TEXT", f"free text in WAIVERS GRANTED (line {lines}) "
                        "grants nothing (no [CX-573F] waiver with a reason)", pkt.path,
                        para[0][0], f"write a structured waiver: {STRUCTURED_FORM}")
            continue
        if none:
            report.warn("GK-POST-WAIVER-TEXT", f"free-text waiver (line {lines}) is cancelled "
                        "by the '- NONE' line of the same section (as in the original)",
                        pkt.path, para[0][0], "remove '- NONE' or the waiver text")
            continue
        report.warn("GK-POST-WAIVER-LEGACY", f"free-text waiver (line {lines}) honoured as a "
                    "legacy git-hygiene waiver for the whole diff (strict: FAIL)", pkt.path,
                    para[0][0], f"convert it to a structured waiver: {STRUCTURED_FORM}")
        out.append(ActiveWaiver(f"legacy waiver (line {lines})", ["**"], para[0][0]))
    return out


def _parse_date(v: str) -> date | None:
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        return None


def waived(path: str, waivers: list[ActiveWaiver]) -> ActiveWaiver | None:
    for w in waivers:
        if any(p in ("*", "**") or matches(path, p) for p in w.patterns):
            return w
    return None
