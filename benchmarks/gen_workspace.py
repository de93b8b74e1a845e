"""Generate a large govkit workspace (a committed git repository).

    python benchmarks/gen_workspace.py DIR [--profile real|synthetic] [--packets 200] [--spec-lines 60000]
    python benchmarks/gen_workspace.py DIR --profile real --packets 500   # the real shape, 500 packets

--profile real (the default) is sized like a real project: 126 task packets of 5-40 KB each
(about 2.1 MB; sizes vary deterministically, the padding is prose, lists, tables and code under
sections the gates do not read), 43 signed refinements, a Master Spec of about 62,700 lines /
2.7 MB, and about 740 tracked files (a small Python tree under src/ and tests/). WPs 0000-0082
are older, validated WPs (Done on the board; their refinements were not kept), 0083-0115 are
validated WPs that kept their refinement, 0116-0125 are Ready for Dev. The last one,
WP-1-Bench-0125, is the active WP to time: "active_wp" (also "last_wp") in the JSON printed on
stdout, and a line on stderr.

--profile real --packets N scales the real profile to N packets (refinements and Ready WPs in
the same proportions; the same spec and source tree): `--packets 500` is the "ci on 500
packets" workspace of issue #14.

--profile synthetic is the older stress shape: N packets, each with a signed refinement whose
anchor points at a different rule line of a Master Spec of about L lines. It is used when
--packets or --spec-lines is given without --profile, and by generate() unless told otherwise
(benchmarks/bench_gates.py calls generate(root, packets, spec_lines)).

Both profiles write REFINEMENT / SIGNATURE / PREPARE gate-log records and one signature-audit row
per WP (each signature distinct), a task board listing every WP, a base commit (spec and source,
the packets' MERGE_BASE_SHA) and one checkpoint commit holding every .GOV artifact (what pre-work
wants). Every governance text starts from govkit.demo.sample, so the workspace passes the gates.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The real-size profile. The spec's byte size (about 2.7 MB) follows from its line count and
# the prose width in spec_real (96); change one, re-check the other.
REAL = {"packets": 126, "refinements": 43, "ready": 10, "spec_lines": 62700,
        "packet_bytes": (5_000, 40_000), "tracked_files": 740}


def _sample():
    from govkit.demo import sample

    return sample


def wp_id(i: int) -> str:
    return f"WP-1-Bench-{i:04d}"


# Fixed commit dates: the same run gives the same commit ids (packets carry MERGE_BASE_SHA).
_GIT_ENV = {"GIT_AUTHOR_DATE": "2026-01-15T12:00:00+0000",
            "GIT_COMMITTER_DATE": "2026-01-15T12:00:00+0000"}


def _git(root: Path, *args: str) -> str:
    p = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                       env={**os.environ, **_GIT_ENV})
    if p.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {p.stderr.strip()}")
    return p.stdout.strip()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def _init_repo(root: Path) -> Path:
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root} exists and is not empty")
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q")
    _git(root, "symbolic-ref", "HEAD", "refs/heads/main")
    for k, v in (("user.email", "bench@govkit.invalid"), ("user.name", "govkit bench"),
                 ("commit.gpgsign", "false")):
        _git(root, "config", k, v)
    return root


def generate(root: Path, packets: int = 200, spec_lines: int = 60000,
             profile: str = "synthetic") -> dict:
    if profile == "real":
        return generate_real(root)
    if profile != "synthetic":
        raise ValueError(f"unknown profile {profile!r}")
    sample = _sample()
    root = _init_repo(root)

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
    last = wp_id(packets - 1) if packets else None
    return {"root": str(root), "profile": "synthetic", "packets": packets,
            "refinements": packets, "spec_lines": len(lines), "spec_bytes": len(spec.encode()),
            "first_wp": wp_id(0), "last_wp": last, "active_wp": last}


# ---- the real-size profile --------------------------------------------------------------------
# Word lists for deterministic, plausible prose (ASCII only: refinements must be ASCII).
SUBJECTS = ("Work Packet Lifecycle", "Operator Signatures", "Audit Trail", "Gate Log", "Task Board",
            "Technical Refinement", "Validation Manifest", "Spec Versioning", "Worktrees",
            "Signed Approvals", "Recovery Journal", "Secret Redaction", "Forbidden Patterns",
            "Evidence Mapping", "Traceability Registry", "Validator State Machine", "Locking",
            "Checkpoint Commits", "Stub Backlog", "Configuration")
ASPECTS = ("Overview", "Inputs", "Outputs", "Failure Modes", "Limits", "Compatibility",
           "Security", "Observability")
VERBS = ("record", "reject", "validate", "keep", "report", "refuse", "hash", "lock", "compare",
         "list", "redact", "resolve")
OBJECTS = ("the token", "each record", "the status", "stale manifests", "the merge base",
           "each anchor", "unknown keys", "the audit chain", "symlinks", "duplicate ids",
           "the spec hash", "evidence")
CONDS = ("before any code is touched", "when the branch changes", "on every run", "per worktree",
         "after the checkpoint commit", "unless the operator approves", "in LF form",
         "within one process", "for every WP", "on a dirty tree")
WORDS = ("the", "operator", "packet", "gate", "records", "each", "change", "before", "after",
         "validator", "spec", "section", "branch", "worktree", "signature", "audit", "is", "are",
         "must", "never", "when", "a", "an", "of", "to", "in", "and", "or", "with", "commit",
         "review", "evidence", "manifest", "window", "line", "file", "path", "scope", "state",
         "this", "that", "only", "once", "board", "status", "hash", "lock", "report", "rule",
         "coder", "orchestrator", "refinement", "checkpoint", "merge", "base", "history", "test")
PAD_HEADINGS = ("CONTEXT", "DESIGN NOTES", "RISKS AND MITIGATIONS", "DEPENDENCIES",
                "OPEN QUESTIONS", "REVIEW NOTES", "ROLLOUT PLAN", "HISTORY")
PACKAGES = ("core", "model", "storage", "api", "cli", "audit", "sync", "auth", "report",
            "plugins", "util", "jobs")


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return (" ".join(words) + ".").capitalize()


def _para(rng: random.Random, sentences: int, width: int) -> list[str]:
    """A paragraph wrapped at width (greedy)."""
    text = " ".join(_sentence(rng, rng.randint(6, 16)) for _ in range(sentences))
    out, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    return out + [cur] if cur else out


def spec_real(total_lines: int, seed: int = 701) -> tuple[str, list[tuple[int, str, str]]]:
    """A Master Spec of about total_lines lines: numbered sections, wrapped prose, rule lists
    ('(token capSrN)' on each rule), tables and code blocks. Returns (text, anchors) where each
    anchor is (1-based line, section title 'S. Title', token)."""
    rng = random.Random(seed)
    out = ["# Project Master Spec v01.001", "", *_para(rng, 4, 96), ""]
    anchors: list[tuple[int, str, str]] = []
    s = 0
    while len(out) < total_lines - 2:
        s += 1
        title = f"{s}. {SUBJECTS[(s - 1) % len(SUBJECTS)]}: {ASPECTS[(s - 1) // 20 % 8]}"
        out += [f"## {title}", "", *_para(rng, rng.randint(2, 4), 96), ""]
        n = 0
        for k in range(1, rng.randint(4, 7) + 1):
            if len(out) >= total_lines - 2:
                break
            out += [f"### {s}.{k} {ASPECTS[(s + k) % 8]}", "", *_para(rng, rng.randint(1, 3), 96), ""]
            for _ in range(rng.randint(3, 8)):
                n += 1
                token = f"cap{s}r{n}"
                out.append(f"- The system SHALL {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                           f"{rng.choice(CONDS)} (token {token}).")
                anchors.append((len(out), title, token))
            out.append("")
            r = rng.random()
            if r < 0.3:
                out += ["| Field | Type | Required | Meaning |", "|---|---|---|---|"]
                out += [f"| {rng.choice(WORDS)}_{j} | {rng.choice(('str', 'int', 'bool'))} | "
                        f"{rng.choice(('yes', 'no'))} | {_sentence(rng, rng.randint(3, 7))} |"
                        for j in range(rng.randint(3, 7))]
                out.append("")
            elif r < 0.55:
                out += ["```yaml", f"# example for {s}.{k}"]
                out += [f"{rng.choice(WORDS)}_{j}: {rng.randint(1, 99)}"
                        for j in range(rng.randint(3, 9))]
                out += ["```", ""]
            elif r < 0.7:
                out += [f"> Note: {_sentence(rng, rng.randint(5, 9))}", ""]
    return "\n".join(out) + "\n", anchors


def _pad_block(rng: random.Random, n: int) -> list[str]:
    """One padding section: prose, a list, sometimes a table or a code block."""
    out = [f"## {PAD_HEADINGS[n % len(PAD_HEADINGS)]} ({n // len(PAD_HEADINGS) + 1})", ""]
    out += _para(rng, rng.randint(2, 5), 96) + [""]
    out += [f"- {_sentence(rng, rng.randint(5, 12))}" for _ in range(rng.randint(2, 6))] + [""]
    r = rng.random()
    if r < 0.25:
        out += ["| Step | Owner | Notes |", "|---|---|---|"]
        out += [f"| {j} | {rng.choice(('coder', 'validator', 'operator'))} | "
                f"{_sentence(rng, 6)} |" for j in range(1, rng.randint(3, 6))] + [""]
    elif r < 0.45:
        out += ["```bash"] + [f"python -m pytest tests/{rng.choice(PACKAGES)} -q -k "
                              f"{rng.choice(WORDS)}" for _ in range(rng.randint(1, 4))]
        out += ["```", ""]
    return out


def _packet_real(sample, wp: str, done: bool, base: str, sig: str, scope: tuple[str, ...],
                 anchor: str, when: datetime, target: int, rng: random.Random) -> str:
    text = sample.packet_text(wp, sample.SPEC_NAME, base, sig, scope,
                              "Done" if done else "Ready for Dev")
    text = text.replace("- SPEC_ANCHOR: 1. Capability 1", f"- SPEC_ANCHOR: {anchor}")
    text = text.replace("- DATE: 2026-11-21T09:05:00.000Z",
                        f"- DATE: {when.strftime('%Y-%m-%dT%H:%M:%S.000Z')}")
    text = text.replace("- WHAT: Implement rule 1.4.", f"- WHAT: {_sentence(rng, 18)}")
    if done:  # what a validated packet carries: approval marker, evidence, a PASS report
        text = text.replace("- def rule() -> bool\n", "- def rule() -> bool\n\nSKELETON APPROVED\n")
        text = text.replace("- Current WP_STATUS: <fill>", "- Current WP_STATUS: Validated")
        text = text.replace("- COMMAND: <paste>",
                            f"- COMMAND: python -m pytest tests/{scope[0].split('/')[2]}")
        text = text.replace("- EXIT_CODE: <int>", "- EXIT_CODE: 0")
        text = text.replace("- (validator appends reports here)\n",
                            f"### Validation Report ({when.date()})\n- Verdict: PASS\n"
                            f"- Validated commit: {base}\n- Notes: {_sentence(rng, 14)}\n")
    head, sep, tail = text.partition("## WAIVERS GRANTED")
    pad: list[str] = []
    size = len(text.encode())
    while size < target:
        block = _pad_block(rng, len(pad))
        pad.append("\n".join(block) + "\n")
        size += len(pad[-1]) + 1
    return head + "".join(pad) + sep + tail


def _refinement_real(sample, wp: str, sha: str, lines: list[str], sig: str,
                     anchors: list[tuple[int, str, str]], scope: tuple[str, ...],
                     when: datetime, rng: random.Random) -> str:
    line, title, _ = anchors[0]
    text = sample.refinement_text(wp, sample.SPEC_NAME, sha, lines, sig, anchor_line=line)
    text = text.replace("- SPEC_ANCHOR: 1. Capability 1", f"- SPEC_ANCHOR: {title}")
    text = text.replace("- CREATED_AT: 2026-11-21T09:00:00.000Z",
                        f"- CREATED_AT: {when.strftime('%Y-%m-%dT%H:%M:%S.000Z')}")

    def more(k: int) -> str:
        return "".join(f"- {_sentence(rng, rng.randint(8, 16))}\n" for _ in range(k))

    text = text.replace("- None: section 1 covers it.\n",
                        f"- None: section {title.split('.')[0]} covers it.\n" + more(4))
    text = text.replace("- CLEARLY_COVERS_REASON: Section 1 states the rule.",
                        f"- CLEARLY_COVERS_REASON: Section {title.split('.')[0]} states the rule.")
    text = text.replace("- Reads capability 1 rules only.\n", "- Reads the rules it cites.\n" + more(3))
    text = text.replace("- Rule drift; covered by tests.\n", "- Rule drift; covered by tests.\n" + more(5))
    text = text.replace("- src/app.py\n", "".join(f"- {p}\n" for p in scope))
    for k, (ln, t, _) in enumerate(anchors[1:], 2):  # more anchors, in the template's layout
        extra = sample.refinement_text(wp, sample.SPEC_NAME, sha, lines, sig, anchor_line=ln)
        block = extra[extra.index("#### ANCHOR 1"):].replace("#### ANCHOR 1", f"#### ANCHOR {k}")
        text = text.rstrip("\n") + "\n\n" + block.replace("- SPEC_ANCHOR: 1. Capability 1",
                                                          f"- SPEC_ANCHOR: {t}")
    return text


def _source_tree(root: Path, count: int, rng: random.Random) -> list[str]:
    """count small Python files under src/benchapp/ and tests/; returns the src module paths."""
    files: dict[str, str] = {"src/benchapp/__init__.py": '"""benchapp."""\n'}
    for pkg in PACKAGES:
        files[f"src/benchapp/{pkg}/__init__.py"] = f'"""benchapp.{pkg}."""\n'
    mods: list[str] = []
    k = 0
    while len(files) < count:
        pkg, n = PACKAGES[k % len(PACKAGES)], k // len(PACKAGES)
        verb, obj = rng.choice(VERBS), rng.choice(WORDS)
        if k % 5 < 3:  # three modules for two tests
            rel = f"src/benchapp/{pkg}/{verb}_{obj}_{n:02d}.py"
            files[rel] = (f'"""benchapp.{pkg}: {_sentence(rng, 8)}"""\n\nfrom __future__ import '
                          f"annotations\n\nLIMIT = {rng.randint(5, 500)}\n\n\n"
                          f"def {verb}_{obj}(items: list[str], limit: int = LIMIT) -> list[str]:\n"
                          f'    """{_sentence(rng, 10)}"""\n    out = []\n    for item in items:\n'
                          "        if len(out) >= limit:\n            break\n"
                          "        out.append(item.strip())\n    return out\n")
            mods.append(rel)
        else:
            rel = f"tests/{pkg}/test_{verb}_{obj}_{n:02d}.py"
            files[rel] = (f'"""Tests for benchapp.{pkg}."""\n\n\ndef test_{verb}_{obj}():\n'
                          f"    assert {rng.randint(1, 9)} > 0\n")
        k += 1
    for rel, text in files.items():
        _write(root / rel, text)
    return mods


def real_config(packets: int | None = None) -> dict:
    """REAL, or REAL scaled to `packets` task packets: refinements and Ready WPs in the same
    proportions, the same spec and the same source tree (so tracked files grow with the .GOV
    files only)."""
    if packets is None or packets == REAL["packets"]:
        return dict(REAL)
    if packets < 2:
        raise SystemExit("--packets must be at least 2 with --profile real")
    scale = packets / REAL["packets"]
    refs = max(1, round(REAL["refinements"] * scale))
    ready = max(1, min(packets - 1, round(REAL["ready"] * scale)))
    tracked = REAL["tracked_files"] + (packets - REAL["packets"]) + (refs - REAL["refinements"])
    return {**REAL, "packets": packets, "refinements": min(refs, packets), "ready": ready,
            "tracked_files": tracked}


def generate_real(root: Path, seed: int = 20260101, packets: int | None = None) -> dict:
    sample = _sample()
    cfg = real_config(packets)
    n_pk, n_ref, n_ready = cfg["packets"], cfg["refinements"], cfg["ready"]
    first_ref = n_pk - n_ref  # WPs [first_ref, n_pk) kept their refinement
    rng = random.Random(seed)
    root = _init_repo(root)

    spec, spec_anchors = spec_real(cfg["spec_lines"])
    sample.write_base(root, spec=spec)
    name, sha = sample.SPEC_NAME, hashlib.sha1(spec.encode("utf-8")).hexdigest()
    # As `govkit init` writes it: the state dir is never tracked (by default it lives in the git
    # directory anyway, like the audit trail).
    _write(root / ".GOV/.govkit/.gitignore", "*\n")
    _write(root / "README.md", "# benchapp\n\nA synthetic project governed by govkit.\n")
    _write(root / "pyproject.toml", '[project]\nname = "benchapp"\nversion = "0.1.0"\n')
    _write(root / ".gitignore", "__pycache__/\n*.pyc\n.venv/\n")
    # Tracked: spec, 4 shared files, gate log, audit .gitignore, packets, refinements, 3 above.
    mods = _source_tree(root, cfg["tracked_files"] - (7 + n_pk + n_ref + 3), rng)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "bench: spec and source tree")
    base = _git(root, "rev-parse", "HEAD")

    lines = spec.split("\n")
    lo, hi = cfg["packet_bytes"]
    t0 = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
    gov = root / ".GOV"
    gate_logs: list[dict] = []
    audit_rows: list[str] = []
    board: dict[str, list[str]] = {"Ready for Dev": [], "Done": []}
    registry: list[tuple[str, str, str, str]] = []
    packet_bytes: list[int] = []
    for i in range(n_pk):
        wp, done = wp_id(i), i < n_pk - n_ready
        start = t0 + timedelta(days=i, minutes=(i * 17) % 240)
        sig = sample.signature_at(start + timedelta(minutes=2))
        scope = tuple(mods[(i * 7 + j * 31) % len(mods)] for j in range(1 + i % 3))
        picks = [spec_anchors[(i * 7919 + j * 104729) % len(spec_anchors)] for j in range(1 + i % 3)]
        u = ((i * 37) % n_pk) / (n_pk - 1)  # a deterministic spread over [0, 1]
        target = int(lo + (hi - lo - 1_500) * u * u)
        pkt = _packet_real(sample, wp, done, base, sig, scope, picks[0][1], start, target, rng)
        _write(gov / "task_packets" / f"{wp}.md", pkt)
        packet_bytes.append(len(pkt.encode()))
        if i >= first_ref:
            _write(gov / "refinements" / f"{wp}.md",
                   _refinement_real(sample, wp, sha, lines, sig, picks, scope, start, rng))
        branch = f"feat/{wp}" if done else "main"  # the active WPs run on main, here
        gate_logs += sample.gate_log(wp, name, sha, branch, sig, start=start)["gate_logs"]
        audit_rows.insert(0, sample.sigaudit_row(sig, wp))
        board["Done" if done else "Ready for Dev"].append(
            f"- **[{wp}]** - [{'VALIDATED' if done else 'READY_FOR_DEV'}]")
        registry.append((wp, f".GOV/task_packets/{wp}.md", "Done" if done else "Ready for Dev",
                         "" if i >= first_ref else "refinement not kept (pre-retention)"))
    shared = gov / "roles_shared"
    _write(gov / "roles/orchestrator/ORCHESTRATOR_GATES.json",
           json.dumps({"gate_logs": gate_logs}, indent=2))
    _write(shared / "SIGNATURE_AUDIT.md", sample.sigaudit_rows_text(audit_rows))
    _write(shared / "TASK_BOARD.md", sample.board_text(board))
    _write(shared / "WP_TRACEABILITY_REGISTRY.md", sample.registry_text(registry))
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", f"docs: checkpoint {n_pk} packets, {n_ref} refinements")
    tracked = _git(root, "ls-files").count("\n") + 1
    active = wp_id(n_pk - 1)
    return {"root": str(root), "profile": "real", "packets": n_pk, "refinements": n_ref,
            "spec_lines": len(lines), "spec_bytes": len(spec.encode()),
            "packet_bytes": sum(packet_bytes), "packet_bytes_min": min(packet_bytes),
            "packet_bytes_max": max(packet_bytes), "active_packet_bytes": packet_bytes[-1],
            "tracked_files": tracked, "first_wp": wp_id(0), "last_wp": active,
            "active_wp": active}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--profile", choices=("real", "synthetic"), default=None,
                    help="real (default) or synthetic (default when --packets/--spec-lines given)")
    ap.add_argument("--packets", type=int, default=None,
                    help="synthetic: default 200; real: scale the real profile to N packets "
                         "(refinements and Ready WPs in proportion, same spec and source tree)")
    ap.add_argument("--spec-lines", type=int, default=None, help="synthetic only (default 60000)")
    args = ap.parse_args(argv)
    sized = args.packets is not None or args.spec_lines is not None
    profile = args.profile or ("synthetic" if sized else "real")
    if profile == "real" and args.spec_lines is not None:
        ap.error("--spec-lines applies to --profile synthetic only")
    t = time.perf_counter()
    if profile == "real":
        info = generate_real(Path(args.dir), packets=args.packets)
    else:
        info = generate(Path(args.dir), args.packets if args.packets is not None else 200,
                        args.spec_lines if args.spec_lines is not None else 60000)
    info["seconds"] = round(time.perf_counter() - t, 2)
    print(json.dumps(info, indent=2))
    print(f"active WP to time: {info['active_wp']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("GIT_TERMINAL_PROMPT", "0")
    sys.exit(main())
