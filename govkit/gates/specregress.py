"""spec regression: every refinement anchor of a validated WP, classified against the current
spec. OK (its context is still in its window), MOVED (found elsewhere: the new lines), CHANGED
(the token is still in the spec but its context is not) or MISSING (neither). A validated WP
whose anchor is MISSING has lost the law it was validated against: an error. The reference's
check looked for five fixed section numbers as substrings anywhere in the spec."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, NamedTuple

from govkit.gates.activeset import validated_wps
from govkit.model.common import is_placeholder
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

OK, MOVED, CHANGED, MISSING = "OK", "MOVED", "CHANGED", "MISSING"


class SpecIndex:
    """The spec's lines with whitespace collapsed, joined into one string for fast search.
    Built on first search: an anchor whose context is still in its own window (the usual case)
    needs only the lines."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self._flat: tuple[str, list[int]] | None = None

    def _build(self) -> tuple[str, list[int]]:
        if self._flat is None:
            parts, starts, pos = [], [], 0
            for line in self.lines:
                flat = " ".join(line.split())
                starts.append(pos)
                if flat:   # blank lines vanish, as they do in a collapsed excerpt
                    parts.append(flat)
                    pos += len(flat) + 1
            self._flat = (" ".join(parts), starts)   # a context may span lines
        return self._flat

    @property
    def flat(self) -> str:
        return self._build()[0]

    @property
    def starts(self) -> list[int]:
        return self._build()[1]

    def line_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset)   # 1-based

    def window(self, start: int, end: int) -> str:
        return " ".join(" ".join(self.lines[start - 1:end]).split())

    def find(self, context: str) -> tuple[int, int] | None:
        """(first, last) spec lines of the first place where context occurs, or None."""
        words = context.split()
        if not words:
            return None
        needle = " ".join(words)
        i = self.flat.find(needle)
        if i < 0:
            return None
        return self.line_at(i), self.line_at(i + len(needle) - 1)


class AnchorState(NamedTuple):
    wp: str
    anchor: str
    status: str
    start: int | None        # the declared window
    end: int | None
    new_start: int | None    # where the context is now (MOVED, and OK)
    new_end: int | None
    path: str
    line: int


def _int(text: str) -> int | None:
    t = text.strip()
    return int(t) if t.isdigit() else None


def _context(anchor) -> str:
    if anchor.excerpt and not is_placeholder(anchor.excerpt) and "<paste" not in anchor.excerpt:
        return anchor.excerpt
    return "" if is_placeholder(anchor.token.text) else anchor.token.text


def classify(index: SpecIndex, anchor, wp: str, path: str) -> AnchorState:
    start, end = _int(anchor.start.text), _int(anchor.end.text)
    context = _context(anchor)
    token = "" if is_placeholder(anchor.token.text) else " ".join(anchor.token.text.split())
    flat_ctx = " ".join(context.split())
    label = f"ANCHOR {anchor.number}".strip()

    def state(status: str, found: tuple[int, int] | None = None) -> AnchorState:
        return AnchorState(wp, label, status, start, end, found[0] if found else None,
                           found[1] if found else None, path, anchor.line)

    if start and end and start <= end <= len(index.lines):
        win = index.window(start, end)
        if flat_ctx and flat_ctx in win and (not token or token in win):
            return state(OK, (start, end))
    found = index.find(flat_ctx) if flat_ctx else None
    if found is not None:
        return state(MOVED, found)
    if token and index.find(token) is not None:
        return state(CHANGED)
    return state(MISSING)


def refinement_of(ws: Workspace, wp: str) -> str | None:
    rel = ws.packet_rel(wp)
    if ws.abs(rel).is_file():
        f = ws.packet(rel).refinement_file.text.strip().strip("`")
        if f and not is_placeholder(f) and ws.abs(f).is_file():
            ws.safe_path(f, "REFINEMENT_FILE")
            return f
    ref = ws.refinement_rel(wp)
    return ref if ws.abs(ref).is_file() else None


def spec_index(ws: Workspace, report: Report | None = None) -> tuple[str | None, SpecIndex | None]:
    name, spec = ws.current_spec(report)
    if spec is None:
        return name, None
    return name, ws._cached(("specindex", name), lambda: SpecIndex(spec.lines))


def anchor_states(ws: Workspace, wps: list[str], index: SpecIndex) -> list[AnchorState]:
    out = []
    for wp in wps:
        rel = refinement_of(ws, wp)
        if rel is None:
            continue
        for a in ws.refinement(rel).anchors:
            out.append(classify(index, a, wp, rel))
    return out


def check_specregress(ws: Workspace, report: Report) -> None:
    wps = [wp for wp, _ in validated_wps(ws)]
    if not wps:
        return
    name, index = spec_index(ws, report)
    if index is None:
        return
    states = anchor_states(ws, wps, index)
    counts = {OK: 0, MOVED: 0, CHANGED: 0, MISSING: 0}
    for s in states:
        counts[s.status] += 1
        where = f"lines {s.start}-{s.end}" if s.start and s.end else "its window"
        if s.status == MOVED:
            report.warn("GK-CI-ANCHOR-MOVED", f"{s.wp} {s.anchor}: the context moved from {where} "
                        f"to lines {s.new_start}-{s.new_end} of {name}", s.path, s.line,
                        f"update CONTEXT_START_LINE/CONTEXT_END_LINE to {s.new_start}/{s.new_end}")
        elif s.status == CHANGED:
            report.warn("GK-CI-ANCHOR-CHANGED", f"{s.wp} {s.anchor}: the spec text at {where} "
                        f"changed (the token is still in {name}, the excerpt is not)", s.path,
                        s.line, "re-validate the WP against the changed requirement")
        elif s.status == MISSING:
            report.error("GK-CI-ANCHOR-MISSING", f"{s.wp} {s.anchor}: validated against spec text "
                         f"that is no longer in {name} (neither excerpt nor token)", s.path, s.line,
                         "restore the requirement, or reopen the WP against the current spec")
    report.facts["spec_regression"] = counts
