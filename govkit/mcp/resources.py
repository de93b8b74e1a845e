"""Read-only resources of `govkit mcp`: packets, refinements, spec sections by anchor, the board.

URIs: govkit://packet/<WP>, govkit://refinement/<WP>, govkit://spec/<section number>,
govkit://board. A server bound to one WP (`--wp`, or the branch's PREPARE record) shows a coder
only that WP's packet and refinement and the spec sections its refinement anchors."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from govkit.errors import GovkitError

if TYPE_CHECKING:
    from govkit.workspace import Workspace

SCHEME = "govkit://"
TEMPLATES = (("govkit://packet/{wp}", "packet", "A task packet (Markdown)"),
             ("govkit://refinement/{wp}", "refinement", "A WP's refinement (Markdown)"),
             ("govkit://spec/{section}", "spec section", "A section of the current Master Spec, "
              "by its number (what SPEC_ANCHOR names)"))


class Resource(NamedTuple):
    uri: str
    name: str
    description: str


def _wps(ws: Workspace) -> list[str]:
    d = ws.abs(ws.p("task_packets_dir"))
    return sorted(p.stem for p in d.glob("*.md")) if d.is_dir() else []


def anchored_sections(ws: Workspace, wp: str) -> list[str]:
    """Spec section numbers the WP's refinement anchors ('1. Capability 1' -> '1')."""
    rel = ws.refinement_rel(wp)
    if not ws.abs(rel).is_file():
        return []
    out = []
    for a in ws.refinement(rel).anchors:
        first = a.spec_anchor.text.split(" ", 1)[0].rstrip(".") if a.spec_anchor.text else ""
        if first and first not in out:
            out.append(first)
    return out


def visible_wps(ws: Workspace, role: str, bound: str | None) -> list[str]:
    return [bound] if (role == "coder" and bound) else _wps(ws)


def list_resources(ws: Workspace, role: str, bound: str | None) -> list[Resource]:
    out = [Resource(f"{SCHEME}board", "board", "The task board (Markdown)")]
    for wp in visible_wps(ws, role, bound):
        out.append(Resource(f"{SCHEME}packet/{wp}", f"packet {wp}", f"Task packet of {wp}"))
        if ws.abs(ws.refinement_rel(wp)).is_file():
            out.append(Resource(f"{SCHEME}refinement/{wp}", f"refinement {wp}", f"Refinement of {wp}"))
    if role == "coder" and bound:
        for n in anchored_sections(ws, bound):
            out.append(Resource(f"{SCHEME}spec/{n}", f"spec {n}", f"Spec section {n}, anchored by {bound}"))
    return out


def read_resource(ws: Workspace, role: str, bound: str | None, uri: str) -> str:
    """The resource's text; GovkitError for an unknown or forbidden URI."""
    if not uri.startswith(SCHEME):
        raise GovkitError(f"unknown resource {uri!r}", hint="resources are govkit://...")
    kind, _, arg = uri[len(SCHEME):].partition("/")
    if kind == "board" and not arg:
        return _text(ws, ws.p("task_board"))
    if kind in ("packet", "refinement"):
        wp = ws.check_wp_id(arg)
        if role == "coder" and bound and wp != bound:
            raise GovkitError(f"this coder server is bound to {bound}; {wp} is not its packet")
        rel = ws.resolve_packet(wp)[0] if kind == "packet" else ws.refinement_rel(wp)
        return _text(ws, rel)
    if kind == "spec" and arg:
        if role == "coder" and bound and arg not in anchored_sections(ws, bound):
            raise GovkitError(f"spec section {arg} is not anchored by {bound}'s refinement",
                              hint="read the sections the refinement's SPEC_ANCHORs name")
        name, spec = ws.current_spec()
        if spec is None:
            raise GovkitError("no current Master Spec", path=ws.p("spec_current"))
        for s in spec.sections:
            if s.number == arg:
                return "\n".join(spec.lines[s.line - 1:s.end_line])
        raise GovkitError(f"{name} has no section {arg}", path=name)
    raise GovkitError(f"unknown resource {uri!r}", hint="see resources/list")


def _text(ws: Workspace, rel: str) -> str:
    doc = ws.read(rel, optional=True, allow_empty=True)
    if doc is None:
        raise GovkitError("resource file does not exist", path=rel)
    return doc.text
