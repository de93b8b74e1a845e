"""Generate a large synthetic govkit workspace (a committed git repository).

    python benchmarks/gen_workspace.py DIR [--packets 200] [--spec-lines 60000]

DIR gets: a Master Spec of about L lines, N work packets, each with a signed refinement whose
anchor points at a different rule line of the spec (valid against it), REFINEMENT / SIGNATURE /
PREPARE gate-log records, one signature-audit row per WP (each signature distinct), a task
board listing every WP, and one commit holding all of it (the checkpoint pre-work wants).
Every text comes from govkit.sample, so the workspace passes the gates.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def wp_id(i: int) -> str:
    return f"WP-1-Bench-{i:04d}"


def _git(root: Path, *args: str) -> str:
    p = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {p.stderr.strip()}")
    return p.stdout.strip()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def generate(root: Path, packets: int = 200, spec_lines: int = 60000) -> dict:
    from govkit import sample

    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root} exists and is not empty")
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q")
    _git(root, "symbolic-ref", "HEAD", "refs/heads/main")
    for k, v in (("user.email", "bench@govkit.invalid"), ("user.name", "govkit bench"),
                 ("commit.gpgsign", "false")):
        _git(root, "config", k, v)

    spec = sample.spec_text_lines(spec_lines)
    board_entries = {"Ready for Dev": [f"- **[{wp_id(i)}]** - [READY_FOR_DEV]"
                                       for i in range(packets)]}
    sample.write_base(root, spec=spec, board=sample.board_text(board_entries))
    name, sha = sample.SPEC_NAME, hashlib.sha1(spec.encode("utf-8")).hexdigest()
    _write(root / ".GOV/.govkit/.gitignore", "*\n")
    _write(root / "src/app.py", "def rule():\n    return True\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "bench: spec and app")
    base = _git(root, "rev-parse", "HEAD")

    lines = spec.split("\n")
    anchors = [n for n, text in enumerate(lines, 1) if "(token cap" in text]
    stride = max(1, len(anchors) // max(packets, 1))
    t0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    gate_logs: list[dict] = []
    audit_rows: list[str] = []
    gov = root / ".GOV"
    for i in range(packets):
        wp = wp_id(i)
        start = t0 + timedelta(minutes=10 * i)
        sig = sample.signature_at(start + timedelta(minutes=2))
        line = anchors[(i * stride) % len(anchors)]
        section = lines[line - 1].split("(token cap", 1)[1].split("r", 1)[0]
        ref = sample.refinement_text(wp, name, sha, lines, sig, anchor_line=line)
        ref = ref.replace("- SPEC_ANCHOR: 1. Capability 1",
                          f"- SPEC_ANCHOR: {section}. Capability {section}")
        _write(gov / "refinements" / f"{wp}.md", ref)
        _write(gov / "task_packets" / f"{wp}.md",
               sample.packet_text(wp, name, base, sig, ("src/app.py",)))
        gate_logs += sample.gate_log(wp, name, sha, "main", sig, start=start)["gate_logs"]
        audit_rows.insert(0, sample.sigaudit_row(sig, wp))
    _write(gov / "roles/orchestrator/ORCHESTRATOR_GATES.json",
           json.dumps({"gate_logs": gate_logs}, indent=2))
    _write(gov / "roles_shared/SIGNATURE_AUDIT.md", sample.sigaudit_rows_text(audit_rows))
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", f"docs: checkpoint {packets} packets+refinements")
    return {"root": str(root), "packets": packets, "spec_lines": len(lines),
            "spec_bytes": len(spec.encode()), "first_wp": wp_id(0),
            "last_wp": wp_id(packets - 1) if packets else None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--packets", type=int, default=200)
    ap.add_argument("--spec-lines", type=int, default=60000)
    args = ap.parse_args(argv)
    t = time.perf_counter()
    info = generate(Path(args.dir), args.packets, args.spec_lines)
    info["seconds"] = round(time.perf_counter() - t, 2)
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("GIT_TERMINAL_PROMPT", "0")
    sys.exit(main())
