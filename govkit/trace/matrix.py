"""`govkit trace`: each requirement of the current spec mapped to the packets that anchor it
(refinement anchors, SPEC_ANCHOR), their evidence (EVIDENCE_MAPPING `path:line`, verified at
HEAD) and the validator verdicts. One Report; report.facts["requirements"] is the matrix."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING

from govkit.gates.activeset import active_packets
from govkit.gates.specregress import CHANGED, MISSING, classify, refinement_of, spec_index
from govkit.result import Report
from govkit.trace.extract import REQ_ID
from govkit.trace.reqcache import requirements

if TYPE_CHECKING:
    from govkit.workspace import Workspace

COVERED, PARTLY, NOT_COVERED, STALE = "covered", "partly", "not covered", "stale evidence"
_EVIDENCE = re.compile(r"([A-Za-z0-9_.@+-][A-Za-z0-9_./@+-]*):(\d+)")


def _verdict(ws: Workspace, wp: str, pkt, board: dict[str, str]) -> str:
    """PASS / FAIL / OUTDATED_ONLY from the packet's last Verdict line, else the board."""
    got = [f.value.split()[0].upper().strip("`*") for f in pkt.md.fields_named("VERDICT") if f.value.split()]
    if got:
        return got[-1]
    return {"VALIDATED": "PASS", "FAIL": "FAIL", "OUTDATED_ONLY": "OUTDATED_ONLY"}.get(board.get(wp, ""), "")


def _evidence(md) -> list[tuple[list[str], str, int, int]]:
    """(requirement ids named, path, line, source line) per `path:line` in EVIDENCE_MAPPING."""
    sec = md.section("EVIDENCE_MAPPING", exact=True, min_level=2)
    if sec is None:
        return []
    out = []
    for n, text in md.text_in(sec[0] + 1, sec[1]):
        if "<fill" in text:
            continue
        ids = REQ_ID.findall(text) + re.findall(r"\b(REQ-[\w.]+-\d+(?:\.\d+)?)\b", text)
        for m in _EVIDENCE.finditer(text):
            if "://" in text[max(0, m.start() - 8):m.end() + 3]:
                continue
            out.append((ids, m.group(1), int(m.group(2)), n))
    return out


def build(ws: Workspace, progress: Callable[[str], None] | None = None) -> Report:
    """The matrix; progress(step) hears of each step (for the progress line of a slow run)."""
    from govkit.util.gcpause import gc_paused

    with gc_paused():   # 20,000 rows and every packet's model, no cycles to chase
        return _build(ws, progress)


def _build(ws: Workspace, progress: Callable[[str], None] | None) -> Report:
    step = progress or (lambda _step: None)
    report = Report("trace")
    name, spec = ws.current_spec(report)
    if spec is None:
        return report
    d = ws.config.get("spec.dir")
    spec_rel = name if d in (".", "") else f"{d}/{name}"
    step("requirements")
    reqs = requirements(ws, spec_rel)
    _, index = spec_index(ws)
    by_id = {r.id: r for r in reqs}
    starts = sorted((r.line, r.end_line, r.id) for r in reqs)
    first_lines = [s for s, _, _ in starts]
    board = {e.wp: e.token for e in ws.board().entries if e.wp and e.token} \
        if ws.abs(ws.p("task_board")).is_file() else {}

    links: dict[str, dict[str, str]] = {}          # requirement -> {wp: how}
    wp_info: dict[str, dict] = {}
    evidence: list[tuple[str, list[str], str, int, str, int]] = []
    orphans: list[dict] = []
    active = active_packets(ws)
    for n, (wp, rel) in enumerate(active, 1):
        if n % 25 == 1:
            step(f"packets {n}/{len(active)}")
        pkt = ws.packet(rel)
        wp_info[wp] = {"packet": rel, "verdict": _verdict(ws, wp, pkt, board), "reqs": set()}

        def link(rid: str, how: str, wp: str = wp) -> None:
            links.setdefault(rid, {}).setdefault(wp, how)
            wp_info[wp]["reqs"].add(rid)

        for rid in REQ_ID.findall(pkt.md.value("SPEC_ANCHOR")):
            if rid in by_id:
                link(rid, "SPEC_ANCHOR")
        ref = refinement_of(ws, wp)
        for a in ws.refinement(ref).anchors if ref else []:
            st = classify(index, a, wp, ref)
            named = [i for i in REQ_ID.findall(" ".join((a.spec_anchor.text, a.token.text, a.excerpt or "")))
                     if i in by_id]
            hit = list(named)
            if st.status not in (MISSING, CHANGED) and st.new_start and st.new_end:
                # Sentences start in order; one may begin a few lines before the window.
                lo = bisect_left(first_lines, st.new_start - 8)
                hi = bisect_right(first_lines, st.new_end)
                hit += [rid for s, e, rid in starts[lo:hi] if e >= st.new_start]
            for rid in hit:
                link(rid, f"{st.anchor} ({st.status})")
            if not hit:
                orphans.append({"wp": wp, "anchor": st.anchor, "status": st.status, "path": ref,
                                "line": st.line})
        for ids, path, line, src in _evidence(pkt.md):
            evidence.append((wp, ids, path, line, rel, src))

    step("evidence at HEAD")
    checked = _verify(ws, evidence)
    ev_for: dict[str, list[dict]] = {}
    for (wp, ids, path, line, rel, src), ok in zip(evidence, checked):
        item = {"wp": wp, "path": path, "line": line, "ok": ok}
        targets = [i for i in ids if i in by_id] or sorted(wp_info[wp]["reqs"])
        for rid in targets:
            ev_for.setdefault(rid, []).append(item)
        if not ok:
            report.error("GK-TRC-STALE", f"{wp}: evidence {path}:{line} does not exist at HEAD",
                         rel, src, "point EVIDENCE_MAPPING at the current file and line")

    rows = []
    for r in reqs:
        wps = links.get(r.id, {})
        ev = ev_for.get(r.id, [])
        if not wps:
            status = NOT_COVERED
        elif any(not e["ok"] for e in ev):
            status = STALE
        elif any(wp_info[w]["verdict"] == "PASS" for w in wps) and ev:
            status = COVERED
        else:
            status = PARTLY
        rows.append({"id": r.id, "level": r.level, "line": r.line, "section": r.section,
                     "status": status, "text": r.text,
                     "packets": [{"wp": w, "via": how, "verdict": wp_info[w]["verdict"]}
                                 for w, how in sorted(wps.items())],
                     "evidence": sorted(ev, key=lambda e: (e["wp"], e["path"], e["line"]))})
    uncovered = [row for row in rows if row["status"] == NOT_COVERED and row["level"] == "MUST"]
    if uncovered:
        # One finding: a large spec has thousands; the matrix lists each one.
        shown = ", ".join(f"{row['id']} (line {row['line']})" for row in uncovered[:10])
        report.warn("GK-TRC-UNCOVERED", f"{len(uncovered)} MUST requirement(s) covered by no packet: "
                    f"{shown}{' ...' if len(uncovered) > 10 else ''}", spec_rel, uncovered[0]["line"],
                    "anchor a refinement to them, or see facts.uncovered_must")
    for o in orphans:
        report.warn("GK-TRC-ORPHAN", f"{o['wp']} {o['anchor']} ({o['status']}) anchors no "
                    "requirement of the current spec", o["path"], o["line"],
                    "anchor the refinement to the requirement's lines or id")
    counts = {s: sum(row["status"] == s for row in rows) for s in (COVERED, PARTLY, STALE, NOT_COVERED)}
    report.facts.update({
        "spec": spec_rel,
        "requirements": rows,
        "counts": counts,
        "coverage": round(100.0 * counts[COVERED] / len(rows), 1) if rows else 100.0,
        "uncovered_must": [row["id"] for row in uncovered],
        "orphan_anchors": orphans,
    })
    return report


def _verify(ws: Workspace, evidence) -> list[bool]:
    """Each evidence path:line exists in the HEAD commit (one git process for all)."""
    from govkit.errors import GovkitError
    from govkit.vcs.git import cat_blobs

    specs: list[str | None] = []
    for _wp, _ids, path, _line, _rel, _src in evidence:
        try:
            ws.safe_path(path, "evidence path")
            specs.append(f"HEAD:{path}")
        except GovkitError:
            specs.append(None)
    blobs = cat_blobs(ws.git, [s for s in specs if s]) if any(specs) else {}
    out = []
    for spec, (_wp, _ids, _path, line, _rel, _src) in zip(specs, evidence):
        data = blobs.get(spec) if spec else None
        out.append(data is not None and 1 <= line <= data.count(b"\n") + (0 if data.endswith(b"\n") else 1))
    return out


def lines(report: Report) -> list[str]:
    """The OpenFastTrace-style text: one line per requirement, then the summary."""
    f = report.facts
    out = []
    for row in f.get("requirements", []):
        mark = "ok    " if row["status"] == COVERED else "not ok"
        wps = ", ".join(f"{p['wp']}({p['verdict'] or '-'})" for p in row["packets"]) or "-"
        out.append(f"{mark} - req~{row['id']}~1 [{row['level']}] {row['status']} - "
                   f"{f['spec']}:{row['line']} - {wps}")
    c = f.get("counts")
    if c is not None:
        total = sum(c.values())
        out.append(f"{total} requirement(s): {c[COVERED]} covered, {c[PARTLY]} partly, "
                   f"{c[STALE]} stale evidence, {c[NOT_COVERED]} not covered; coverage "
                   f"{f['coverage']}%; {len(f['uncovered_must'])} uncovered MUST; "
                   f"{len(f['orphan_anchors'])} orphan anchor(s)")
    return out
