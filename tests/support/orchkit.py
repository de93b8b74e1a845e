"""Helpers for the orchestrator-gate tests (record-*, create-task-packet, stubs, approvals)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govkit.demo import sample

from support.repo import commit_all

WP = "WP-1-Orch"
# Tokens dated now (signature.window_seconds refuses tokens far from the current UTC time).
_NOW = datetime.now(UTC).replace(second=0, microsecond=0)
SIG = "operator" + _NOW.strftime("%d%m%Y%H%M")
SIG_DATE = _NOW.strftime("%Y-%m-%d %H:%M")  # the audit row's date of SIG


def other_sig(minutes: int = 1) -> str:
    """Another valid token of the same operator, `minutes` before SIG."""
    return "operator" + (_NOW - timedelta(minutes=minutes)).strftime("%d%m%Y%H%M")
LOG = ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"
# The coder's claims are under the lock: whoever locks the packet names them first.
CLAIMS = {"- CODER_MODEL: <unclaimed>": "- CODER_MODEL: test-model-1",
          "- CODER_REASONING_STRENGTH: <unclaimed>": "- CODER_REASONING_STRENGTH: HIGH"}
AUDIT = ".GOV/roles_shared/SIGNATURE_AUDIT.md"
CFG = ".GOV/govkit.yaml"


def ref_rel(wp: str = WP) -> str:
    return f".GOV/refinements/{wp}.md"


def refinement(repo: Path, wp: str = WP) -> str:
    """An unsigned refinement, complete, with the operator's approval evidence typed in."""
    spec = (repo / sample.SPEC_NAME).read_text(encoding="utf-8")
    sha = hashlib.sha1(spec.encode("utf-8")).hexdigest()
    return sample.refinement_text(wp, sample.SPEC_NAME, sha, spec.split("\n"), signature=None)


def setup(repo: Path, wps=(WP,), interval: int | None = 0, cfg_extra: str = "",
          commit: bool = True) -> Path:
    sample.write_base(repo)
    (repo / ".GOV" / "refinements").mkdir(parents=True, exist_ok=True)
    for wp in wps:
        (repo / ref_rel(wp)).write_text(refinement(repo, wp), encoding="utf-8")
    cfg = ""
    if interval is not None:
        cfg += f"signature:\n  min_interval_seconds: {interval}\n"
    cfg += cfg_extra
    if cfg:
        (repo / CFG).write_text(cfg, encoding="utf-8")
    if commit:
        commit_all(repo, "base")
    return repo


def log(repo: Path) -> list[dict]:
    p = repo / LOG
    return json.loads(p.read_text(encoding="utf-8"))["gate_logs"] if p.exists() else []


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def age_records(repo: Path, seconds: float = 3600, kind: str | None = None) -> None:
    """Move every record's timestamp into the past (keeps the reference byte format)."""
    p = repo / LOG
    data = json.loads(p.read_text())
    base = datetime.now(UTC) - timedelta(seconds=seconds)
    for n, e in enumerate(data["gate_logs"]):
        if kind is None or e["type"] == kind:
            e["timestamp"] = iso(base + timedelta(seconds=n))
    p.write_text(json.dumps(data, indent=2))


def set_record(repo: Path, wp: str, kind: str, **fields) -> None:
    p = repo / LOG
    data = json.loads(p.read_text())
    for e in reversed(data["gate_logs"]):
        if e["wpId"] == wp and e["type"] == kind:
            for k, v in fields.items():
                if v is None:
                    e.pop(k, None)
                else:
                    e[k] = v
            break
    p.write_text(json.dumps(data, indent=2))


def snapshot(repo: Path, rels=(LOG, AUDIT, None)) -> dict[str, bytes | None]:
    out = {}
    for rel in rels:
        rel = rel or ref_rel()
        p = repo / rel
        out[rel] = p.read_bytes() if p.exists() else None
    return out


def ok(p) -> None:
    assert p.returncode == 0, p.stdout + p.stderr


def sign_flow(repo: Path, gk, wp: str = WP, sig: str = SIG) -> None:
    ok(gk("record-refinement", wp, cwd=repo))
    ok(gk("record-signature", wp, sig, cwd=repo))


def full_flow(repo: Path, gk, wp: str = WP, sig: str = SIG, checkpoint: bool = True,
              env: dict | None = None) -> None:
    """refine -> sign -> prepare -> create-task-packet (env: the operator's, e.g. their key dir)."""
    sign_flow(repo, gk, wp, sig)
    ok(gk("record-prepare", wp, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    args = ["create-task-packet", wp] + (["--checkpoint"] if checkpoint else [])
    ok(gk(*args, cwd=repo, env=env))


def filled_draft(repo: Path, gk, wp: str = WP, checkpoint: bool = False,
                 env: dict | None = None) -> Path:
    """full_flow, then the packet's locked fields filled: ready for `govkit lock`."""
    full_flow(repo, gk, wp, checkpoint=checkpoint, env=env)
    pkt = repo / ".GOV" / "task_packets" / f"{wp}.md"
    pkt.write_text(sample.fill_packet(pkt.read_text()))
    return pkt


def codes(proc) -> list[str]:
    return [f["code"] for f in json.loads(proc.stdout)["findings"] if f["severity"] == "error"]
