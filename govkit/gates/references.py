"""governance references: paths named in the role protocols, the active packets and the justfile
must exist. Only governance paths (under the .GOV directory) and, in protocols and the justfile,
paths whose first directory exists are judged: prose and new files a WP will create are not."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.gates.activeset import active_packets
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

# A path-like word: segments of safe characters separated by '/', optionally ':line'.
_PATH = re.compile(r"(?<![\w./@:-])((?:\.{1,2}/)?[\w.@+-]+(?:/[\w.@+-]+)+/?)(?::\d+(?:-\d+)?)?")
_SKIP_CHARS = "<>{}*?$|[]"
# Labels whose value names a packet's governance files.
PACKET_LABELS = ("REFINEMENT_FILE", "SPEC_TARGET", "SPEC_CURRENT", "REFINEMENT")


def _candidates(text: str) -> list[str]:
    out = []
    for m in _PATH.finditer(text):
        p = m.group(1).rstrip(".,;")
        if "://" in text[max(0, m.start() - 8):m.end()] or any(c in p for c in _SKIP_CHARS):
            continue
        out.append(p)
    return out


def _protocols(ws: Workspace) -> list[str]:
    base = ws.abs(ws.p("gov_dir")) / "roles"
    if not base.is_dir():
        return []
    return sorted(p.relative_to(ws.root).as_posix() for p in base.rglob("*.md")
                  if "PROTOCOL" in p.name.upper() and p.is_file())


def check_references(ws: Workspace, report: Report) -> None:
    gov = ws.p("gov_dir").rstrip("/") + "/"
    skip = (ws.p("state_dir").rstrip("/") + "/",)
    top = {p.name for p in ws.root.iterdir()}
    seen: set[tuple[str, str]] = set()

    def judge(path: str, src: str, line: int, broad: bool, done: bool = False) -> None:
        p = path[2:] if path.startswith("./") else path
        if p.startswith("../") or p.startswith(skip):
            return
        if not (p.startswith(gov) or (broad and p.split("/", 1)[0] in top)):
            return
        if (src, p) in seen:
            return
        seen.add((src, p))
        try:
            exists = ws.safe_path(p.rstrip("/"), "referenced path").exists()
        except GovkitError:   # a path outside the repository is not ours to judge
            return
        if not exists and done:
            report.info("GK-CI-REF-HISTORIC", f"{src} (done) names '{p}', which is no longer kept",
                        src, line)
        elif not exists:
            report.error("GK-CI-REF-MISSING", f"{src} names '{p}', which does not exist", src, line,
                         "fix the path, or restore the file")

    for rel in _protocols(ws):
        md = ws.md(rel)
        for line, text in md.text_lines:
            for p in _candidates(text):
                judge(p, rel, line, True)
    for _wp, rel in active_packets(ws):
        pkt = ws.packet(rel)
        md, done = pkt.md, pkt.done_like
        for f in md.fields:
            if f.label.upper() in PACKET_LABELS:
                for p in _candidates(f.value):
                    judge(p, rel, f.line, True, done)
        if gov not in pkt.doc.text:   # only governance paths are judged here: none to find
            continue
        for line, text in md.text_lines:
            if gov not in text:
                continue
            for p in _candidates(text):
                if p.startswith(gov):
                    judge(p, rel, line, False, done)
    just = "justfile"
    if ws.abs(just).is_file():
        doc = ws.read(just)
        for n, text in enumerate(doc.text.split("\n"), 1):
            if text.lstrip().startswith("#"):
                continue
            for p in _candidates(text):
                judge(p, just, n, True)
