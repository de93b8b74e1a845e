"""Backlog stubs: `stub create` writes task_packets/stubs/<WP>.md (never executable) and lists it
in the board's stub section; `stub activate` requires the normal refine/sign/prepare/create path
(it runs create-task-packet, with all its gates, when the packet does not exist yet), then points
the traceability registry at the packet and moves the board entry out of the stub section."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from govkit.actions.common import commit, refuse_if_failed
from govkit.actions.packet import _template, base_id
from govkit.errors import GovkitError
from govkit.model.edit import insert_lines, replace_lines, table_row, table_start, text_lines
from govkit.result import Report
from govkit.util.templates import fill
from govkit.util.timeutil import iso

if TYPE_CHECKING:
    from govkit.workspace import Workspace

STUB_SECTION = "Stub Backlog"
READY_SECTION = "Ready for Dev"


def _entry_re(wp: str) -> re.Pattern:
    return re.compile(r"^\s*[-*+]\s+\*\*\[" + re.escape(wp) + r"\]\*\*")


def _section(lines: list[str], title: str) -> tuple[int, int] | None:
    """(heading index, end index) of the first '## <title...>' section."""
    for i, ln in enumerate(lines):
        if ln.startswith("## ") and ln[3:].strip().lower().startswith(title.lower()):
            end = next((j for j in range(i + 1, len(lines)) if re.match(r"^#{1,2}\s", lines[j])),
                       len(lines))
            return i, end
    return None


def _insert_in_section(raw: bytes, title: str, entry: str, rel: str) -> bytes:
    lines = text_lines(raw)
    sec = _section(lines, title)
    if sec is None:
        lead = [""] if lines and lines[-1].strip() else []
        return insert_lines(raw, len(lines) + 1, lead + [f"## {title}", "", entry])
    head, end = sec
    last = max((j for j in range(head, end) if lines[j].strip()), default=head)
    if last == head:
        if head + 1 < len(lines) and not lines[head + 1].strip():
            return insert_lines(raw, head + 3, [entry])
        return insert_lines(raw, head + 2, ["", entry])
    return insert_lines(raw, last + 2, [entry])


def _registry_upsert(raw: bytes, rel: str, base: str, cells: list[str]) -> bytes:
    lines = text_lines(raw)
    head = table_start(lines, "Base WP ID")
    if head is None:
        raise GovkitError("traceability registry has no '| Base WP ID | Active Packet | ... |' "
                          "table", path=rel, hint="restore the table header from git")
    row = table_row([base] + cells)
    end = head + 2
    while end < len(lines) and lines[end].lstrip().startswith("|"):
        end += 1
    for i in range(head + 2, end):
        parts = [c.strip() for c in lines[i].strip().strip("|").split("|")]
        if parts and parts[0] == base:
            return replace_lines(raw, i + 1, i + 2, [row])
    return insert_lines(raw, end + 1, [row])


def stub_create(ws: Workspace, wp: str) -> Report:
    from govkit.txn.transaction import transaction

    command = "stub-create"
    wp = ws.check_wp_id(wp)
    report = Report(command, wp)
    stub_rel = f"{ws.p('stubs_dir')}/{wp}.md"
    board_rel = ws.p("task_board")
    reg_rel = ws.p("traceability_registry")
    with transaction(ws, command, wp) as tx:
        if ws.abs(stub_rel).exists():
            report.error("GK-STUB-EXISTS", f"{stub_rel} already exists", stub_rel)
        if ws.abs(ws.packet_rel(wp)).exists():
            report.error("GK-STUB-PACKET-EXISTS", f"{ws.packet_rel(wp)} already exists; a stub "
                         "is for work that has no packet yet", ws.packet_rel(wp))
        if not ws.abs(board_rel).is_file():
            report.error("GK-STUB-BOARD", "task board is missing", board_rel, None,
                         "govkit init writes it")
        refuse_if_failed(ws, report, command)
        text = fill(_template(ws, "TASK_PACKET_STUB_TEMPLATE.md"),
                    {"WP_ID": wp, "BASE_WP_ID": base_id(wp), "DATE_ISO": iso()})
        tx.write_text(stub_rel, text)
        board = ws.abs(board_rel).read_bytes()
        if not any(_entry_re(wp).match(ln) for ln in text_lines(board)):
            tx.write(board_rel, _insert_in_section(board, "Stub Backlog (Not Activated)",
                                                   f"- **[{wp}]** - [STUB]", board_rel))
        if ws.abs(reg_rel).is_file():
            reg = ws.abs(reg_rel).read_bytes()
            if base_id(wp) not in ws.registry_map():
                tx.write(reg_rel, _registry_upsert(reg, reg_rel, base_id(wp),
                                                   [stub_rel, "Stub Backlog", "stub (not activated)"]))
        commit(ws, tx)
    report.facts["stub"] = stub_rel
    report.info("GK-STUB-CREATED", f"stub {stub_rel} created (not executable)", stub_rel)
    report.next_commands = [f"govkit create-task-packet {wp}  (scaffolds the refinement)",
                            f"govkit stub activate {wp}"]
    return report


def stub_activate(ws: Workspace, wp: str, checkpoint: bool = False) -> Report:
    from govkit.actions.packet import create_task_packet
    from govkit.txn.transaction import transaction

    command = "stub-activate"
    wp = ws.check_wp_id(wp)
    report = Report(command, wp)
    stub_rel = f"{ws.p('stubs_dir')}/{wp}.md"
    pkt_rel = ws.packet_rel(wp)
    if not ws.abs(stub_rel).is_file():
        report.error("GK-STUB-MISSING", f"no stub {stub_rel}", stub_rel, None,
                     f"govkit stub create {wp}")
        refuse_if_failed(ws, report, command)
    if not ws.abs(pkt_rel).exists():
        # The normal path, with every gate: refinement, signature, prepare, packet.
        report.merge(create_task_packet(ws, wp, checkpoint=checkpoint))
    else:
        # A packet made some other way still needs the whole signed, prepared chain.
        from govkit.actions.packet import _check_chain
        from govkit.gates.refinement import check_refinement

        rec = ws.gate_log().last(wp, "SIGNATURE") or {}
        ref_rel = str(rec.get("refinement_path") or ws.refinement_rel(wp)).replace("\\", "/")
        ws.safe_path(ref_rel, "refinement path")
        report.merge(check_refinement(ws, wp, ref_rel, require_signature=True,
                                      report=Report("refinement-check", wp)))
        if ws.abs(ref_rel).is_file():
            _check_chain(ws, wp, ref_rel, ws.refinement(ref_rel).user_signature.text.strip("`"),
                         report)
        if ws.config.get("approvals.require_signed"):
            from govkit.signing.approvals import check_approval

            check_approval(ws, wp, ref_rel, report)
        refuse_if_failed(ws, report, command)
    board_rel = ws.p("task_board")
    reg_rel = ws.p("traceability_registry")
    with transaction(ws, command, wp) as tx:
        if not ws.abs(pkt_rel).is_file():
            report.error("GK-STUB-NO-PACKET", f"{pkt_rel} is missing", pkt_rel)
        if not ws.abs(board_rel).is_file():
            report.error("GK-STUB-BOARD", "task board is missing", board_rel)
        refuse_if_failed(ws, report, command)

        board = ws.abs(board_rel).read_bytes()
        lines = text_lines(board)
        sec = _section(lines, STUB_SECTION)
        rx = _entry_re(wp)
        if sec is not None:
            for i in range(sec[1] - 1, sec[0], -1):
                if rx.match(lines[i]):
                    board = replace_lines(board, i + 1, i + 2, [])
        lines = text_lines(board)
        ready = _section(lines, READY_SECTION)
        if not (ready and any(rx.match(lines[i]) for i in range(*ready))):
            board = _insert_in_section(board, READY_SECTION, f"- **[{wp}]** - [READY_FOR_DEV]",
                                       board_rel)
        if board != ws.abs(board_rel).read_bytes():
            tx.write(board_rel, board)
        if ws.abs(reg_rel).is_file():
            reg = ws.abs(reg_rel).read_bytes()
            tx.write(reg_rel, _registry_upsert(reg, reg_rel, base_id(wp), [
                pkt_rel, f"Ready for Dev: {wp}", f"activated from {stub_rel} {iso()[:10]}"]))
        else:
            report.warn("GK-STUB-REGISTRY", "traceability registry is missing; not updated",
                        reg_rel)
        commit(ws, tx)
    report.facts.update({"packet": pkt_rel, "stub": stub_rel})
    report.info("GK-STUB-ACTIVATED", f"{wp} activated: registry -> {pkt_rel}, board entry moved "
                "to Ready for Dev")
    report.next_commands = [f"govkit pre-work {wp}"]
    return report
