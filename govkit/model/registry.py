"""WP_TRACEABILITY_REGISTRY model: base WP id -> active packet."""

from __future__ import annotations

from typing import NamedTuple

from govkit.model.markdown import MdDoc


class RegistryRow(NamedTuple):
    base: str
    active: str
    board: str
    notes: str
    line: int


def parse_registry(md: MdDoc) -> list[RegistryRow]:
    rows = []
    for table in md.tables:
        if not table.header or "BASE WP" not in table.header[0].upper():
            continue
        for r in table.rows:
            cells = list(r.cells) + ["", "", "", ""]
            if cells[0].startswith("WP-"):
                rows.append(RegistryRow(cells[0], cells[1], cells[2], cells[3], r.line))
    return rows


def registry_map(rows: list[RegistryRow]) -> dict[str, RegistryRow]:
    """base id -> row; later rows override earlier ones (as in the reference)."""
    out: dict[str, RegistryRow] = {}
    for r in rows:
        out[r.base] = r
    return out
