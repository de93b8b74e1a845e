"""The starting text of each shared governance artifact (`govkit init` writes these; the demo
and the tests build their samples from them)."""

from __future__ import annotations

from collections.abc import Sequence


def pointer_text(spec_name: str) -> str:
    return ("# SPEC_CURRENT\n\nThe current Master Spec is:\n\n"
            f"**{spec_name}**\n")


def board_text(entries: dict[str, list[str]] | None = None) -> str:
    entries = entries or {}
    out = ["# Task Board", ""]
    for sec in ("Ready for Dev", "In Progress", "Done", "Blocked", "Stub Backlog (Not Activated)",
                "Superseded (Archive)"):
        out.append(f"## {sec}")
        out.append("")
        out.extend(entries.get(sec, []))
        out.append("")
    return "\n".join(out)


def registry_text(rows: Sequence[tuple[str, str, str, str]] = ()) -> str:
    out = ["# WP Traceability Registry", "",
           "| Base WP ID | Active Packet | Task Board | Notes |",
           "|------------|---------------|------------|-------|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(out) + "\n"


def sigaudit_rows_text(rows: Sequence[str] = ()) -> str:
    out = ["# Signature Audit", "",
           "| Signature | Used By | Date/Time | Purpose | Master Spec Version | Notes |",
           "|-----------|---------|-----------|---------|-------------------|-------|"]
    return "\n".join(out + list(rows)) + "\n"
