"""`govkit manifest WP [--write]`: compute the COR-701 manifest from the diff and rewrite the
packet's manifest blocks in place.

Only the manifest blocks of ## VALIDATION change: a block for a changed file is re-rendered where
it stands, blocks for unchanged files (stale) and the template block are removed, blocks for
newly changed files are added after the last block. Every other byte of the packet (BOM, CRLF,
prose, other sections) is kept. The write is a govkit.txn.transaction transaction (locked, atomic).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.gates import postwork as pw
from govkit.model import cor701
from govkit.model.cor701 import FIELD_LABELS, GATE_LINE, GATE_NAMES, MANIFEST_FIELDS, label_key
from govkit.model.edit import eol_of, split_lines
from govkit.model.manifest import Manifest, parse_manifest
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_PREFIX = re.compile(r"^([ \t>]*(?:[-*+][ \t]+)?)")


def render_block(entry: pw.Entry, prefix: str = "- ", links_ok: bool = True) -> list[str]:
    indent = re.sub(r"[^ \t>]", " ", prefix)
    indent = indent.rstrip() if indent.strip(" \t") else ""
    values = {"targetfile": f"`{cor701.quote_path(entry.target)}`", "start": entry.start,
              "end": entry.end, "linedelta": entry.delta, "presha1": f"`{entry.pre}`",
              "postsha1": f"`{entry.post}`", "gatespassed": ""}
    lines = [f"{prefix}**{label}**: {values[key]}".rstrip() for key, label in MANIFEST_FIELDS]
    sub = (indent + "  - ") if prefix.strip() else "  - "
    for g in GATE_NAMES:
        ok = links_ok if g == "all_links_resolvable" else True
        lines.append(f"{sub}[{'x' if ok else ' '}] {g}")
    return lines


def compute(ws: Workspace, wp: str, range_arg: str | None = None, rev: str | None = None):
    """(report, packet rel, packet, manifest, diffset, entries, links_ok)."""
    report = Report("manifest", wp)
    rel, _ = ws.resolve_packet(wp)
    pkt = ws.packet(rel)
    pkt_wp = rel.rsplit("/", 1)[-1][:-3] if rel.endswith(".md") else wp
    state = pw.state_patterns(ws, pkt_wp, rel)
    manifest = parse_manifest(pkt.md, rel)
    report.facts["packet"] = rel
    sel = pw.select_mode(ws, pkt, state, range_arg, rev, report)
    if sel is None:
        return report, rel, pkt, manifest, None, [], True
    ds = pw.collect_changes(ws, sel)
    report.facts["mode"] = sel.mode
    report.facts["reason"] = sel.reason
    report.facts["base"] = sel.base
    if sel.head:
        report.facts["head"] = sel.head
    declared = {b.target for b in manifest.real_blocks if b.target_raw}
    entries = [pw.compute_entry(f) for f in ds.files
               if pw.requires_manifest(ws, f.path, state) or f.path in declared]
    if not entries:
        report.error("GK-POST-NOCHANGE", f"no changed file needs a manifest entry "
                     f"({sel.mode}: {sel.reason})", None, None, "make the change first")
    links_ok = pw.check_links(ws, pkt, ds, None)
    report.facts["entries"] = [e.__dict__ for e in entries]
    report.facts["entry_count"] = len(entries)
    return report, rel, pkt, manifest, ds, entries, links_ok


def rewrite(raw: bytes, text_lines: list[str], manifest: Manifest, entries: list[pw.Entry],
            links_ok: bool) -> bytes:
    """New packet bytes: manifest blocks replaced in place, every other byte kept."""
    if manifest.section is None:
        raise GovkitError("task packet has no ## VALIDATION section; nothing to write into",
                          hint="add '## VALIDATION' (from the template) and run again")
    lines = split_lines(raw)
    eol = eol_of(raw).decode()
    want = {e.target: e for e in entries}
    done: set[str] = set()
    ops: list[tuple[int, int, list[str]]] = []     # [start, end] 1-based inclusive -> lines
    insert_at: int | None = None
    template_at: int | None = None
    default_prefix = "- "
    for b in manifest.blocks:
        span_text = text_lines[b.line - 1:b.end_line]
        prefix = _PREFIX.match(span_text[0]).group(1) if span_text else "- "
        keep = [t for t in span_text[1:] if _is_foreign(t)]
        t = b.target if b.target_raw and not b.is_template else None
        if t is not None and t in want and t not in done:
            done.add(t)
            default_prefix = prefix
            ops.append((b.line, b.end_line, render_block(want[t], prefix, links_ok) + keep))
            insert_at = b.end_line
        else:
            if b.is_template and template_at is None:
                template_at = b.line
                default_prefix = prefix
            ops.append((b.line, b.end_line, keep))
    # Known manifest fields outside any block (orphans) are dropped too.
    for f in manifest.findings:
        if f.code == "GK-POST-MANIFEST-ORPHAN" and f.line:
            ops.append((f.line, f.line, []))
    rest = [e for e in entries if e.target not in done]
    if rest:
        new: list[str] = []
        for n, e in enumerate(rest):
            if n or insert_at is not None:
                new.append("")
            new += render_block(e, default_prefix, links_ok)
        if insert_at is not None:
            ops.append((insert_at + 1, insert_at, new))          # pure insertion after a block
        elif template_at is not None:
            ops.append((template_at, template_at - 1, new))
        else:
            start, end = manifest.section
            last = start
            for n in range(start, min(end, len(text_lines) + 1)):
                if text_lines[n - 1].strip():
                    last = n
            ops.append((last + 1, last, [""] + new if last >= start else new))
    ops.sort(key=lambda o: (o[0], o[1]), reverse=True)
    for start, end, new_lines in ops:
        enc = [(ln + eol).encode("utf-8") for ln in new_lines]
        if start - 1 >= len(lines) and lines and not lines[-1].endswith((b"\n", b"\r")):
            lines[-1] += eol.encode()
        lines[start - 1:end] = enc
    return b"".join(lines)


def _is_foreign(text: str) -> bool:
    """A line inside a block span that is not a manifest field or gate line (kept as is)."""
    if not text.strip() or GATE_LINE.match(text):
        return False
    from govkit.model.markdown import split_field

    parsed = split_field(text.strip().lstrip("-*+ \t"))
    return not (parsed and label_key(parsed[0]) in FIELD_LABELS)


def run_manifest(ws: Workspace, wp: str, range_arg: str | None = None, rev: str | None = None,
                 write: bool = False) -> tuple[Report, str]:
    """(report, rendered markdown of the computed blocks)."""
    if not write:
        report, _rel, _pkt, _manifest, _ds, entries, links_ok = compute(ws, wp, range_arg, rev)
        text = "\n\n".join("\n".join(render_block(e, "- ", links_ok)) for e in entries)
        return report, text
    from govkit.txn.transaction import transaction

    with transaction(ws, "manifest", wp) as tx:
        report, rel, pkt, manifest, _ds, entries, links_ok = compute(ws, wp, range_arg, rev)
        if manifest.section is None:
            raise GovkitError("task packet has no ## VALIDATION section; nothing to write into",
                              path=rel, hint="add '## VALIDATION' (from the template) and run "
                                             "again")
        if not report.passed:
            return report, ""
        # A manifest never legalizes a packet that drifted from its lock (a widened scope).
        from govkit.gates.lock import check_lock

        check_lock(ws, PurePosixPath(rel).stem, rel, report)
        if not report.passed:
            return report, ""
        raw = pkt.doc.raw
        text_lines = [ln.decode("utf-8") for ln in split_lines(raw)]
        if text_lines and text_lines[0].startswith("\ufeff"):
            text_lines[0] = text_lines[0][1:]
        text_lines = [t.rstrip("\r\n") for t in text_lines]
        new = rewrite(raw, text_lines, manifest, entries, links_ok)
        changed = new != raw
        if changed:
            tx.write(rel, new)
        report.facts["written"] = "yes" if changed else "no (already up to date)"
    report.next_commands = [f"govkit post-work {wp}"]
    return report, ""
