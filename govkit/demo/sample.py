"""A small, valid .GOV workspace: used by the tests and the benchmarks.

Every text is built from the canonical templates where one exists, so the sample proves the
templates and the parsers agree.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govkit.model.scaffold import (  # noqa: F401  (the sample is built from the same texts)
    board_text,
    pointer_text,
    registry_text,
    sigaudit_rows_text,
)
from govkit.model.sigaudit import audit_row, insert_audit_row
from govkit.util.templates import fill, template_text  # noqa: F401

SPEC_NAME = "Project_Master_Spec_v01.001.md"
SIGNATURE = "operator211120260900"


def template(name: str) -> str:
    return template_text(name)


def spec_text(sections: int = 3, lines_per_section: int = 8) -> str:
    out = ["# Project Master Spec v01.001", ""]
    for s in range(1, sections + 1):
        out.append(f"## {s}. Capability {s}")
        out.append("")
        for n in range(1, lines_per_section + 1):
            out.append(f"The system SHALL keep rule {s}.{n} for capability {s} (token cap{s}r{n}).")
        out.append("")
    return "\n".join(out) + "\n"


def sigaudit_row(sig: str, wp: str, spec_version: str = "v01.001") -> str:
    return audit_row(sig, wp, spec_version, f".GOV/refinements/{wp}.md")


def refinement_text(wp: str, spec_name: str, spec_sha1: str, spec_lines: list[str],
                    signature: str | None = SIGNATURE, anchor_line: int = 5) -> str:
    text = fill(template("REFINEMENT_TEMPLATE.md"), {
        "WP_ID": wp, "DATE_ISO": "2026-11-21T09:00:00.000Z",
        "SPEC_TARGET_RESOLVED": spec_name, "SPEC_TARGET_SHA1": spec_sha1})
    token_line = spec_lines[anchor_line - 1]
    token = token_line.split("(token ")[1].rstrip(").") if "(token " in token_line else token_line[:10]
    repl = {
        "- <fill: what the spec does not yet say for this work>": "- None: section 1 covers it.",
        "- <fill: what this work records or reads>": "- Reads capability 1 rules only.",
        "- <fill: how this work could go wrong or be abused>": "- Rule drift; covered by tests.",
        "- <fill: the types, functions and files this work touches>": "- src/app.py",
        "- CLEARLY_COVERS_VERDICT: <fill> (PASS | FAIL)": "- CLEARLY_COVERS_VERDICT: PASS",
        "- CLEARLY_COVERS_REASON: <fill>": "- CLEARLY_COVERS_REASON: Section 1 states the rule.",
        "- ENRICHMENT_NEEDED: <fill> (YES | NO)": "- ENRICHMENT_NEEDED: NO",
        "- REASON_NO_ENRICHMENT: <fill>": "- REASON_NO_ENRICHMENT: The spec is complete here.",
        "- SPEC_ANCHOR: <fill: section number and title>": "- SPEC_ANCHOR: 1. Capability 1",
        "- CONTEXT_START_LINE: <fill>": f"- CONTEXT_START_LINE: {anchor_line - 1}",
        "- CONTEXT_END_LINE: <fill>": f"- CONTEXT_END_LINE: {anchor_line + 1}",
        "- CONTEXT_TOKEN: <fill: a word or phrase found in those spec lines>":
            f"- CONTEXT_TOKEN: {token}",
        "  <paste the spec lines, ASCII only>": "  " + token_line,
    }
    for a, b in repl.items():
        text = text.replace(a, b)
    if signature:
        text = text.replace("- USER_REVIEW_STATUS: PENDING", "- USER_REVIEW_STATUS: APPROVED")
        text = text.replace("- USER_SIGNATURE: <pending>", f"- USER_SIGNATURE: {signature}")
    text = text.replace(f"- USER_APPROVAL_EVIDENCE: <pending> (must equal: APPROVE REFINEMENT {wp})",
                        f"- USER_APPROVAL_EVIDENCE: APPROVE REFINEMENT {wp}")
    return text


def packet_text(wp: str, spec_name: str, merge_base: str, signature: str = SIGNATURE,
                scope: tuple[str, ...] = ("src/app.py",), status: str = "Ready for Dev") -> str:
    text = fill(template("TASK_PACKET_TEMPLATE.md"), {
        "WP_ID": wp, "BASE_WP_ID": wp, "DATE_ISO": "2026-11-21T09:05:00.000Z",
        "REQUESTOR": "operator", "AGENT_ID": "orchestrator", "SPEC_BASELINE": spec_name,
        "SPEC_ANCHOR": "1. Capability 1", "REFINEMENT_FILE": f".GOV/refinements/{wp}.md",
        "MERGE_BASE_SHA": merge_base, "USER_SIGNATURE": signature})
    repl = packet_fill_replacements(scope, status)
    for a, b in repl.items():
        text = text.replace(a, b)
    return text


def gate_log(wp: str, spec_name: str, spec_sha1: str, branch: str, signature: str = SIGNATURE,
             start: datetime | None = None) -> dict:
    t0 = start or datetime(2026, 11, 21, 9, 0, tzinfo=UTC)

    from govkit.util.timeutil import iso

    return {"gate_logs": [
        {"wpId": wp, "type": "REFINEMENT", "refinement_path": f".GOV/refinements/{wp}.md",
         "spec_target_resolved": f".GOV/roles_shared/SPEC_CURRENT.md -> {spec_name}",
         "spec_target_sha1": spec_sha1, "timestamp": iso(t0),
         "turn_token": str(int(t0.timestamp() * 1000))},
        {"wpId": wp, "type": "SIGNATURE", "signature": signature,
         "timestamp": iso(t0 + timedelta(minutes=2)),
         "refinement_path": f".GOV/refinements/{wp}.md"},
        {"wpId": wp, "type": "PREPARE", "coder_id": "Coder-A", "branch": branch,
         "worktree_dir": ".", "timestamp": iso(t0 + timedelta(minutes=3))},
    ]}


def write_base(root: Path, spec: str | None = None, board: str | None = None) -> tuple[str, str]:
    """The shared files of a workspace; returns (spec name, spec sha1)."""
    spec = spec or spec_text()
    (root / SPEC_NAME).write_text(spec, encoding="utf-8")
    shared = root / ".GOV" / "roles_shared"
    shared.mkdir(parents=True, exist_ok=True)
    (shared / "SPEC_CURRENT.md").write_text(pointer_text(SPEC_NAME), encoding="utf-8")
    (shared / "TASK_BOARD.md").write_text(board or board_text(), encoding="utf-8")
    (shared / "WP_TRACEABILITY_REGISTRY.md").write_text(registry_text(), encoding="utf-8")
    if not (shared / "SIGNATURE_AUDIT.md").exists():
        (shared / "SIGNATURE_AUDIT.md").write_text(sigaudit_rows_text(), encoding="utf-8")
    return SPEC_NAME, hashlib.sha1(spec.encode("utf-8")).hexdigest()


def write_wp(root: Path, wp: str, branch: str, merge_base: str, signature: str = SIGNATURE,
             scope: tuple[str, ...] = ("src/app.py",)) -> None:
    """A signed refinement, a PREPARE'd gate log, an audit row and the task packet for wp."""
    spec = (root / SPEC_NAME).read_text(encoding="utf-8")
    sha = hashlib.sha1(spec.encode("utf-8")).hexdigest()
    gov = root / ".GOV"
    (gov / "refinements").mkdir(parents=True, exist_ok=True)
    (gov / "task_packets").mkdir(parents=True, exist_ok=True)
    (gov / "roles" / "orchestrator").mkdir(parents=True, exist_ok=True)
    (gov / "refinements" / f"{wp}.md").write_text(
        refinement_text(wp, SPEC_NAME, sha, spec.split("\n"), signature), encoding="utf-8")
    (gov / "task_packets" / f"{wp}.md").write_text(
        packet_text(wp, SPEC_NAME, merge_base, signature, scope), encoding="utf-8")
    log_path = gov / "roles" / "orchestrator" / "ORCHESTRATOR_GATES.json"
    log = json.loads(log_path.read_text()) if log_path.exists() else {"gate_logs": []}
    log["gate_logs"] += gate_log(wp, SPEC_NAME, sha, branch, signature)["gate_logs"]
    log_path.write_text(json.dumps(log, indent=2), encoding="utf-8")
    audit = gov / "roles_shared" / "SIGNATURE_AUDIT.md"
    audit.write_bytes(insert_audit_row(audit.read_bytes(), sigaudit_row(signature, wp),
                                       str(audit)))


# ---- additions for the tests and benchmarks/ (existing builders above are unchanged) --------

def packet_fill_replacements(scope: tuple[str, ...] = ("src/app.py",),
                             status: str = "Ready for Dev") -> dict[str, str]:
    """The placeholder -> value pairs packet_text applies to the template (for packets that
    `govkit create-task-packet` wrote and a human or agent now fills in)."""
    return {
        "- RISK_TIER: <fill> (LOW | MEDIUM | HIGH)": "- RISK_TIER: LOW",
        "- **Status:** Ready for Dev": f"- **Status:** {status}",
        "- WHAT: <fill: one paragraph on what changes>": "- WHAT: Implement rule 1.4.",
        "  - path/to/file\n": "".join(f"  - {p}\n" for p in scope),
        "- OUT_OF_SCOPE:\n  - <fill>": "- OUT_OF_SCOPE:\n  - everything else",
        "  - <fill: the commands that prove the change>": "  - python -m pytest",
        "  - <fill: observable outcomes>": "  - rule 1.4 holds",
        "- <fill: files read, commands run, and the plan before touching code>":
            "- Read spec section 1; plan: edit src/app.py.",
        "- <fill: interfaces and stubs proposed for approval>": "- def rule() -> bool",
    }


def fill_packet(text: str, scope: tuple[str, ...] = ("src/app.py",)) -> str:
    """Fill the placeholders a freshly created task packet still carries (as packet_text does)."""
    for a, b in packet_fill_replacements(scope).items():
        text = text.replace(a, b)
    return text


def signature_at(when: datetime, user: str = "operator") -> str:
    """A typed operator signature token {user}{DDMMYYYYHHMM} for the given time."""
    return f"{user}{when.strftime('%d%m%Y%H%M')}"


def spec_text_lines(total_lines: int, lines_per_section: int = 40) -> str:
    """A Master Spec of about total_lines lines (>= 20): spec_text with as many sections as fit.
    Rule lines carry '(token capSrN)' so refinements can anchor anywhere."""
    per = max(1, lines_per_section)
    sections = max(1, (max(total_lines, 20) - 2) // (per + 3))
    return spec_text(sections, per)
