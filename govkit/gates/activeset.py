"""Which task packets the CI checks judge: the active ones, and the validated ones."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_REV = re.compile(r"-v\d+$")


def packet_names(ws: Workspace) -> list[str]:
    """Top-level packet file names (stubs live in a subdirectory and are never packets). Listed
    once per Workspace: every ci check and the board ask (Workspace.invalidate forgets it)."""
    return list(ws._cached(("packet_names",), lambda: _list_packets(ws)))


def _list_packets(ws: Workspace) -> list[str]:
    d = str(ws.abs(ws.p("task_packets_dir")))
    if not os.path.isdir(d):
        return []
    return sorted(n for n in os.listdir(d) if n.endswith(".md") and os.path.isfile(os.path.join(d, n)))


def active_packets(ws: Workspace) -> list[tuple[str, str]]:
    """(wp, packet path) of every packet that is not superseded: not SUPERSEDED on the board,
    and not an older revision whose base the registry maps to another packet."""
    return list(ws._cached(("active_packets",), lambda: _active(ws)))


def _active(ws: Workspace) -> list[tuple[str, str]]:
    pdir = ws.p("task_packets_dir")
    superseded = {e.wp for e in ws.board().entries if e.token == "SUPERSEDED"} \
        if ws.abs(ws.p("task_board")).is_file() else set()
    reg = ws.registry_map()
    out = []
    for name in packet_names(ws):
        wp = name[:-3]
        rel = f"{pdir}/{name}"
        if wp in superseded:
            continue
        row = reg.get(_REV.sub("", wp))
        active = row.active.strip().strip("`") if row is not None else ""
        if active.startswith(pdir + "/") and active != rel:
            continue
        out.append((wp, rel))
    return out


def validated_wps(ws: Workspace) -> list[tuple[str, int]]:
    """(wp, board line) of every board entry marked VALIDATED, sorted, each once."""
    if not ws.abs(ws.p("task_board")).is_file():
        return []
    seen: dict[str, int] = {}
    for e in ws.board().entries:
        if e.wp and e.token == "VALIDATED":
            seen.setdefault(e.wp, e.line)
    return sorted(seen.items())
