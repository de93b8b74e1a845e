"""Write the run's test evidence into the packet's EVIDENCE section (a coder section), and the
ChangeSet's evidence mapping into EVIDENCE_MAPPING; only those sections' bodies change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.model.edit import replace_lines

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def _clean(text: str) -> str:
    """One Markdown line, ASCII (post-work wants an ASCII packet)."""
    flat = " ".join(str(text).split())
    return flat.encode("ascii", "replace").decode("ascii").replace("`", "'")


def evidence_lines(run_id: str, results) -> list[str]:
    out: list[str] = []
    for r in results:
        out += [f"- COMMAND: `{_clean(' '.join(r.argv))}`",
                f"- EXIT_CODE: {r.exit_code if r.exit_code is not None else 'timeout'}",
                f"- OUTPUT_SHA256: {r.output_sha256}",
                f"- RUN: {run_id} ({r.seconds:.2f}s)"]
    return out


def _replace_body(ws: Workspace, rel: str, raw: bytes, name: str, lines: list[str]) -> bytes:
    from govkit.model import markdown as mdparse
    from govkit.util.textio import decode

    doc = decode(raw, rel)
    md = mdparse.parse(doc)
    sec = md.section(name, exact=True, min_level=2)
    if sec is None:
        raise GovkitError(f"task packet has no ## {name} section to record into", path=rel,
                          hint=f"add '## {name}' (from the template)")
    start, end = sec
    total = len(doc.text.split("\n"))
    body = lines + ([""] if end <= total else [])
    return replace_lines(raw, start + 1, end, body)


def write_evidence(ws: Workspace, wp: str, rel: str, run_id: str, results,
                   mapping: list[str] | None) -> None:
    from govkit.txn.transaction import transaction

    with transaction(ws, "run-evidence", wp) as tx:
        raw = ws.abs(rel).read_bytes()
        new = _replace_body(ws, rel, raw, "EVIDENCE", evidence_lines(run_id, results))
        if mapping:
            new = _replace_body(ws, rel, new, "EVIDENCE_MAPPING",
                                [f"- {_clean(m)}" for m in mapping])
        if new != raw:
            tx.write(rel, new)
