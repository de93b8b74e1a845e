"""What the agents read from a packet and the tree: scope, DONE_MEANS, files in scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from govkit.util.globs import matches

if TYPE_CHECKING:
    from govkit.workspace import Workspace


class PacketFacts(NamedTuple):
    rel: str
    text: str
    in_scope: list[str]
    out_scope: list[str]
    done_means: list[tuple[str, int]]   # (item text, line in the packet)
    refinement_rel: str


def items_under(md, label: str) -> list[tuple[str, int]]:
    """The list items under '- LABEL:' (nested, or flat siblings up to the next LABEL: item)."""
    from govkit.model.packet import list_after

    f = md.field(label)
    if f is None:
        return []
    owner = next((i for i in md.all_items if i.line == f.line), None)
    if owner is not None and owner.children:
        return [(c.text.strip(), c.line) for c in owner.children if c.text.strip()]
    entries, _ = list_after(md, label)
    return [((e.path + " " + e.note).strip(), e.line) for e in entries or []]


def packet_facts(ws: Workspace, wp: str) -> PacketFacts:
    rel, _ = ws.resolve_packet(wp)
    pkt = ws.packet(rel)
    ref_rel = pkt.refinement_file.text.strip().strip("`") or ws.refinement_rel(wp)
    return PacketFacts(rel, pkt.doc.text, [e.path for e in pkt.in_scope_paths or []],
                       [e.path for e in pkt.out_of_scope], items_under(pkt.md, "DONE_MEANS"), ref_rel)


def in_scope(path: str, ins: list[str], outs: list[str]) -> bool:
    return any(matches(path, p) for p in ins) and not any(matches(path, p) for p in outs)


def scoped_files(ws: Workspace, facts: PacketFacts) -> list[str]:
    """Tracked files inside IN_SCOPE_PATHS and outside OUT_OF_SCOPE, never under .GOV/."""
    gov = ws.p("gov_dir").rstrip("/") + "/"
    listed = ws.git.out("ls-files", "-z").split("\0")
    return sorted(p for p in listed if p and not p.startswith(gov)
                  and in_scope(p, facts.in_scope, facts.out_scope))


def tokens_of(text: str) -> int:
    """A rough token count (4 characters a token): enough for a budget."""
    return (len(text) + 3) // 4
