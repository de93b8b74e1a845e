"""Task packet model (.GOV/task_packets/<WP>.md)."""

from __future__ import annotations

import re
from typing import NamedTuple

from govkit.model.common import Value, leading_sha, strip_ticks, val
from govkit.model.markdown import MdDoc, split_field
from govkit.result import Finding
from govkit.util.record import dataclass, field  # not dataclasses: start-up
from govkit.util.textio import Text

DONE_WORDS = ("DONE", "VALIDATED", "COMPLETE", "COMPLETED")


class ScopeEntry(NamedTuple):
    path: str
    note: str
    line: int


class Waiver(NamedTuple):
    waiver_id: str
    scope: str
    reason: str
    approved_by: str
    expires: str
    line: int


@dataclass
class Packet:
    path: str
    doc: Text
    md: MdDoc
    wp_id: Value
    task_id: Value
    status: Value
    packet_format_version: Value
    agentic_mode: Value
    orchestrator_model: Value
    orchestration_started_at: Value
    coder_model: Value
    coder_reasoning_strength: Value
    merge_base_sha: Value
    refinement_file: Value
    user_signature: Value
    spec_baseline: Value
    risk_tier: Value
    in_scope_paths: list[ScopeEntry] | None  # None: no IN_SCOPE_PATHS label at all
    in_scope_line: int
    out_of_scope: list[ScopeEntry]
    waivers: list[Waiver]
    findings: list[Finding] = field(default_factory=list)

    @property
    def modern(self) -> bool:
        return self.packet_format_version.present

    @property
    def merge_base(self) -> str | None:
        return leading_sha(self.merge_base_sha.text) if self.merge_base_sha else None

    @property
    def status_word(self) -> str:
        """Canonical status: the first words of the Status value, upper-cased."""
        words = self.status.text.replace("*", " ").split()
        return " ".join(words[:2]).upper() if words else ""

    @property
    def done_like(self) -> bool:
        words = self.status.text.replace("*", " ").replace("(", " ").split()
        return bool(words) and words[0].upper() in DONE_WORDS

    @property
    def in_progress(self) -> bool:
        return self.status_word.replace("-", " ").startswith("IN PROGRESS")


def list_after(md: MdDoc, label: str) -> tuple[list[ScopeEntry] | None, int]:
    """Entries listed under a '- LABEL:' item: nested items, or following flat items up to the
    next 'LABEL:' item. None when the label is absent."""
    f = md.field(label)
    if f is None:
        # Heading layout ("### IN_SCOPE_PATHS" followed by a list): the section's outermost items.
        h = md.heading(label, exact=True)
        if h is None:
            return None, 0
        start, end = md.section_range(h)
        items = [i for i in md.all_items if start < i.line < end]
        top = min((i.depth for i in items), default=0)
        return [_entry(i.text, i.line) for i in items if i.depth == top and i.text], h.line
    owner = next((i for i in md.all_items if i.line == f.line), None)
    entries: list[ScopeEntry] = []
    if f.value.strip():
        # Inline list "- IN_SCOPE_PATHS: a, b": keep it, it is what the author meant.
        for part in f.value.split(","):
            if part.strip():
                entries.append(_entry(part, f.line))
        return entries, f.line
    if owner is None:
        return entries, f.line
    if owner.children:
        for child in owner.children:
            if child.text:
                entries.append(_entry(child.text, child.line))
        return entries, f.line
    # Flat layout: sibling items after the label until the next "LABEL:" item or heading.
    siblings = [i for i in md.all_items if i.depth == owner.depth and i.line > owner.line]
    next_heading = min((h.line for h in md.headings if h.line > owner.line), default=10**9)
    for item in siblings:
        if item.line >= next_heading:
            break
        parsed = split_field(item.text)
        if parsed and parsed[0].replace("_", "").isalnum() and parsed[0].upper() == parsed[0] \
                and "/" not in parsed[0]:
            break
        entries.append(_entry(item.text, item.line))
    return entries, f.line


def _entry(text: str, line: int) -> ScopeEntry:
    text = text.strip()
    if text.startswith("`"):
        end = text.find("`", 1)
        if end > 0:
            return ScopeEntry(text[1:end].strip(), text[end + 1:].strip(), line)
    path, _, note = text.partition(" ")
    return ScopeEntry(strip_ticks(path), note.strip(), line)


# Waiver labels as operators write them (any case, bold or not): canonical name per form.
WAIVER_LABELS = {"WAIVER_ID": "WAIVER_ID", "SCOPE": "SCOPE",
                 "REASON": "REASON", "JUSTIFICATION": "REASON", "APPROVED_BY": "APPROVED_BY",
                 "APPROVER": "APPROVED_BY", "EXPIRES": "EXPIRES", "EXPIRY": "EXPIRES",
                 "EXPIRES_AT": "EXPIRES", "EXPIRATION": "EXPIRES"}


def waiver_label(label: str) -> str | None:
    return WAIVER_LABELS.get(re.sub(r"[\s_-]+", "_", label.strip().upper()))


def waivers_section(md: MdDoc) -> tuple[int, int] | None:
    return md.section("WAIVERS GRANTED") or md.section("WAIVERS")


def _waivers(md: MdDoc) -> list[Waiver]:
    """Structured waiver records in WAIVERS GRANTED: '- WAIVER_ID: x' then SCOPE/REASON/...,
    also in the nearly-structured forms operators write ('**Waiver ID:** x', 'Approver: y')."""
    sec = waivers_section(md)
    if not sec:
        return []
    out: list[Waiver] = []
    fields = [(waiver_label(f.label), f) for f in md.fields if sec[0] <= f.line < sec[1]]
    fields = [(k, f) for k, f in fields if k]
    ids = [f for k, f in fields if k == "WAIVER_ID"]
    for n, wid in enumerate(ids):
        end = ids[n + 1].line if n + 1 < len(ids) else sec[1]

        def get(name: str, wid=wid, end=end) -> str:
            return next((f.value.strip() for k, f in fields
                         if k == name and wid.line < f.line < end), "")

        out.append(Waiver(strip_ticks(wid.value), get("SCOPE"), get("REASON"),
                          get("APPROVED_BY"), get("EXPIRES"), wid.line))
    return out


def parse_packet(doc: Text, md: MdDoc | None = None) -> Packet:
    from govkit.model import markdown as mdparse

    md = md or mdparse.parse(doc)
    in_scope, in_line = list_after(md, "IN_SCOPE_PATHS")
    out_scope, _ = list_after(md, "OUT_OF_SCOPE")
    sig = val(md, "USER_SIGNATURE")
    if not sig:
        sig = val(md, "User Signature Locked") if val(md, "User Signature Locked") else sig
    pkt = Packet(
        path=doc.path, doc=doc, md=md,
        wp_id=val(md, "WP_ID"), task_id=val(md, "TASK_ID"), status=_status(md),
        packet_format_version=val(md, "PACKET_FORMAT_VERSION"),
        agentic_mode=val(md, "AGENTIC_MODE"),
        orchestrator_model=val(md, "ORCHESTRATOR_MODEL"),
        orchestration_started_at=val(md, "ORCHESTRATION_STARTED_AT_UTC"),
        coder_model=val(md, "CODER_MODEL"),
        coder_reasoning_strength=val(md, "CODER_REASONING_STRENGTH"),
        merge_base_sha=val(md, "MERGE_BASE_SHA"),
        refinement_file=val(md, "REFINEMENT_FILE"),
        user_signature=sig,
        spec_baseline=val(md, "SPEC_BASELINE"),
        risk_tier=val(md, "RISK_TIER"),
        in_scope_paths=in_scope, in_scope_line=in_line,
        out_of_scope=out_scope or [],
        waivers=_waivers(md),
    )
    return pkt


def _status(md: MdDoc) -> Value:
    """The first Status field by position, outside report sections (position, not pattern,
    precedence: a 'Status:' inside a pasted validation report never wins)."""
    reports = [md.section_range(h) for h in md.headings
               if "REPORT" in h.text.upper() or h.text.upper().startswith("STATUS_HANDOFF")]
    for f in md.fields:
        if f.label.upper() != "STATUS":
            continue
        if any(a <= f.line < b for a, b in reports):
            continue
        return Value(strip_ticks(f.value.strip()), f.line)
    return Value()
