"""Which anchors of a refinement survive a spec bump (read-only; `govkit reanchor` acts on it and
refinement-check hints at it). Each anchor's window in the old spec is looked up in the new one:
UNCHANGED (same text at the same lines), MOVED (the same text at other lines: the new window),
CHANGED (the token is still in the new spec, the text is not) or MISSING (neither). Without the
old spec file the excerpt stands in for the old window."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from govkit.gates.specregress import SpecIndex, _context, _int
from govkit.model.common import is_placeholder

if TYPE_CHECKING:
    from govkit.workspace import Workspace

UNCHANGED, MOVED, CHANGED, MISSING = "UNCHANGED", "MOVED", "CHANGED", "MISSING"
FOLLOWS = (UNCHANGED, MOVED)


class Move(NamedTuple):
    anchor: str                      # "ANCHOR 1"
    status: str
    old: tuple[int, int] | None      # the declared window
    new: tuple[int, int] | None      # where the same text is in the new spec
    start_line: int                  # refinement lines of CONTEXT_START_LINE / _END_LINE
    end_line: int
    line: int                        # the anchor's heading line


def _flat(text: str) -> str:
    return " ".join(text.split())


def classify(anchor, old_lines: list[str] | None, new: SpecIndex) -> Move:
    start, end = _int(anchor.start.text), _int(anchor.end.text)
    label = f"ANCHOR {anchor.number}".strip()
    old = (start, end) if start and end and start <= end else None
    token = "" if is_placeholder(anchor.token.text) else _flat(anchor.token.text)
    ex = anchor.excerpt
    excerpt = _flat(ex) if ex and not is_placeholder(ex) and "<paste" not in ex else ""
    exact = old is not None and old_lines is not None and end is not None and \
        end <= len(old_lines)
    text = _flat(" ".join(old_lines[start - 1:end])) if exact and old_lines and start \
        else _flat(_context(anchor))

    def move(status: str, where: tuple[int, int] | None = None) -> Move:
        return Move(label, status, old, where, anchor.start.line, anchor.end.line, anchor.line)

    def holds(s: int, e: int) -> bool:
        win = new.window(s, e)
        same = win == text if exact else bool(text) and text in win
        return same and (not excerpt or excerpt in win) and (not token or token in win)

    if not text:
        return move(MISSING)
    if old is not None and old[1] <= len(new.lines) and holds(*old):
        return move(UNCHANGED, old)
    found = new.find(text)
    if found is not None and holds(*found):
        if exact and old_lines is not None and start and end:
            # Blank lines at the window's edges vanish in the search: keep them in the window.
            first = next(n for n in range(start, end + 1) if old_lines[n - 1].strip())
            s, e = found[0] - (first - start), found[0] - (first - start) + (end - start)
            if 1 <= s and e <= len(new.lines) and holds(s, e):
                found = (s, e)
        return move(MOVED, found)
    if token and new.find(token) is not None:
        return move(CHANGED)
    return move(MISSING)


def old_spec_name(resolved: str) -> str:
    """The spec file named by SPEC_TARGET_RESOLVED ('<pointer> -> <name>')."""
    return resolved.rsplit("->", 1)[-1].strip().strip("`") if "->" in resolved else ""


def plan(ws: Workspace, ref, old_name: str | None, new_spec) -> list[Move]:
    """The move of every anchor of refinement `ref` from spec old_name to new_spec."""
    old_lines = None
    if old_name:
        try:
            old_lines = ws.spec(old_name).lines
        except Exception:  # GovkitError: the old spec file is gone; the excerpts stand in
            old_lines = None
    index = ws._cached(("specindex", new_spec.path), lambda: SpecIndex(new_spec.lines))
    return [classify(a, old_lines, index) for a in ref.anchors]


def describe(moves: list[Move]) -> str:
    return "; ".join(f"{m.anchor} {m.status}" + (f" (lines {m.old[0]}-{m.old[1]} -> "
                                                 f"{m.new[0]}-{m.new[1]})"
                                                 if m.status == MOVED and m.old and m.new else "")
                     for m in moves)
