"""Technical refinement model (.GOV/refinements/<WP>.md)."""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

from govkit.model.common import Value, val
from govkit.model.markdown import MdDoc
from govkit.util.record import dataclass  # not dataclasses: start-up
from govkit.util.textio import Text


class Anchor(NamedTuple):
    number: str
    line: int
    spec_anchor: Value
    start: Value
    end: Value
    token: Value
    excerpt: str | None   # None: no EXCERPT_ASCII_ESCAPED fence found
    excerpt_line: int


class Enrichment(NamedTuple):
    found: bool
    body: str
    line: int


@dataclass
class Refinement:
    path: str
    doc: Text
    md: MdDoc
    wp_id: Value
    spec_target_resolved: Value
    spec_target_sha1: Value
    user_review_status: Value
    user_signature: Value
    user_approval_evidence: Value
    clearly_covers_verdict: Value
    clearly_covers_reason: Value
    ambiguity_found: Value
    enrichment_needed: Value
    reason_no_enrichment: Value
    enrichment: Enrichment
    anchors: list[Anchor]

    def has_heading(self, name: str) -> bool:
        return self.md.heading(name, min_level=2) is not None


def _first_fence_after(md: MdDoc, line: int, end: int):
    for f in md.fences:
        if line <= f.line < end:
            return f
    return None


def parse_refinement(doc: Text, md: MdDoc | None = None) -> Refinement:
    from govkit.model import markdown as mdparse

    md = md or mdparse.parse(doc)
    anchors: list[Anchor] = []
    heads = [h for h in md.headings if h.text.upper().startswith("ANCHOR")
             and mdparse.heading_matches(h.text, "ANCHOR")]
    for h in heads:
        start, end = md.section_range(h)
        ex_field = md.field("EXCERPT_ASCII_ESCAPED", start, end)
        fence = _first_fence_after(md, ex_field.line, end) if ex_field else None
        anchors.append(Anchor(
            number=h.text[len("ANCHOR"):].strip(), line=h.line,
            spec_anchor=val(md, "SPEC_ANCHOR", start, end),
            start=val(md, "CONTEXT_START_LINE", start, end),
            end=val(md, "CONTEXT_END_LINE", start, end),
            token=val(md, "CONTEXT_TOKEN", start, end),
            excerpt=fence.content.strip() if fence else None,
            excerpt_line=fence.line if fence else (ex_field.line if ex_field else h.line)))
    enr_head = md.heading("PROPOSED_SPEC_ENRICHMENT", min_level=2)
    if enr_head:
        s, e = md.section_range(enr_head)
        fence = _first_fence_after(md, s, e)
        enrichment = Enrichment(True, fence.content.strip() if fence else "",
                                fence.line if fence else enr_head.line)
    else:
        enrichment = Enrichment(False, "", 0)
    return Refinement(
        path=doc.path, doc=doc, md=md,
        wp_id=val(md, "WP_ID"),
        spec_target_resolved=val(md, "SPEC_TARGET_RESOLVED"),
        spec_target_sha1=val(md, "SPEC_TARGET_SHA1"),
        user_review_status=val(md, "USER_REVIEW_STATUS"),
        user_signature=val(md, "USER_SIGNATURE"),
        user_approval_evidence=val(md, "USER_APPROVAL_EVIDENCE"),
        clearly_covers_verdict=val(md, "CLEARLY_COVERS_VERDICT"),
        clearly_covers_reason=val(md, "CLEARLY_COVERS_REASON"),
        ambiguity_found=val(md, "AMBIGUITY_FOUND"),
        enrichment_needed=val(md, "ENRICHMENT_NEEDED"),
        reason_no_enrichment=val(md, "REASON_NO_ENRICHMENT"),
        enrichment=enrichment, anchors=anchors)


_DECISION_LINE = re.compile(
    rb"^([ \t]*[-*+][ \t]*(?:\*\*)?(USER_REVIEW_STATUS|USER_SIGNATURE|USER_APPROVAL_EVIDENCE)"
    rb"(?:\*\*)?[ \t]*:).*?(\r?\n|$)", re.MULTILINE | re.IGNORECASE)


def content_sha256(raw: bytes) -> str:
    """SHA-256 of a refinement with its decision lines (USER_REVIEW_STATUS, USER_SIGNATURE,
    USER_APPROVAL_EVIDENCE) reduced to their labels: the content the operator reviews, which
    signing does not change. LF-normalised, BOM dropped."""
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    body = _DECISION_LINE.sub(lambda m: m.group(1).upper() + m.group(3), body)
    return hashlib.sha256(body).hexdigest()
