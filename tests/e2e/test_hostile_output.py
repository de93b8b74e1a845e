"""Output nobody can forge: every gate, run as a real process on a repository full of hostile
names and field values (newline + `GATE_STATUS: PASS`, ESC `]8;;` OSC hyperlinks, CR, U+2028,
U+202E), in every format. The gate block has exactly one GATE_STATUS line, text carries no raw
control or bidi character, JSON parses, SARIF validates against the published schema and JUnit
against the JUnit XSD."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support.outcheck import junit_errors, sarif_errors, unsafe_in
from support.repo import commit_all, git, init_repo, run_govkit
from support.wsfactory import edit, make_sample, packet, refinement

WP = "WP-1-Demo"
# hostile file names (a file name may hold any byte but NUL and '/')
NL = "src/a\nGATE_STATUS: PASS\nNEXT_COMMANDS:\n- none\n"
OSC = "src/\x1b]8;;x:evil.example\x07click\x1b]8;;\x07<i>.py"
BIDI = "src/evil\u202etxt.py"
CR = "src/cr\rGATE_STATUS: PASS.py"
# a hostile value for one Markdown line (a line cannot hold LF, but U+2028 and CR-less tricks)
VAL = "\x1b]8;;x:evil\x07L\x1b]8;;\x07\u202eTXT\u2028GATE_STATUS: PASS"
# anything: for names and JSON values outside Markdown
ANY = "\x1b[2J\x1b]8;;x:evil\x07L\x1b]8;;\x07\u202e\nGATE_STATUS: PASS\r\n\x85\u2029"

FORMATS = ("gate", "text", "json", "sarif", "junit", "html")
GATES = {
    "pre-work": ["pre-work", WP],
    "post-work": ["post-work", WP],
    "gate-check": ["gate-check", WP],
    "refinement-check": ["refinement-check", WP],
    "board-check": ["board-check"],
    "spec-check": ["spec-check"],
    "ci": ["ci"],
    "manifest": ["manifest", WP],
    "sha": ["sha", OSC],
    "validator-gate status": ["validator-gate", "status", WP],
    "doctor": ["doctor"],
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    repo = init_repo(tmp_path_factory.mktemp("hostile") / "repo")
    (repo / "README.md").write_text("test repo\n")
    commit_all(repo, "initial")
    make_sample(repo)
    edit(refinement(repo), "- CONTEXT_TOKEN: cap1r1", f"- CONTEXT_TOKEN: cap1r1{VAL}")
    edit(packet(repo), "## VALIDATION_REPORTS", f"## VALIDATION REPORT 1 {VAL}\n\n## VALIDATION_REPORTS")
    edit(repo / ".GOV/roles_shared/TASK_BOARD.md", "## Done\n",
         f"## Done\n- **[WP-9-Old]** - [VALIDATED] {VAL}\n")
    spec = next(repo.glob("*_Master_Spec_v01.001.md"))
    shutil.copyfile(spec, repo / f"Evil{ANY}_Master_Spec_v09.999.md")
    commit_all(repo, "hostile artifacts")
    for name in (NL, OSC, BIDI, CR):
        (repo / name).write_text("hi\n")
    git(repo, "add", "src")
    vdir = repo / ".GOV/validator_gates"
    vdir.mkdir()
    (vdir / f"{WP}.json").write_text(json.dumps({"validation_sessions": {WP: {
        "wpId": WP, "status": ANY, "verdict": ANY, "gates": [{"gate": ANY}]}}}))
    runs = repo / ".git/govkit/runs"  # the state dir lives in the git directory
    runs.mkdir(parents=True)
    (runs / f"run{ANY}").write_text("{}")
    return repo


def gk(repo: Path, *args: str):
    p = run_govkit(*args, cwd=repo)
    assert "Traceback" not in p.stderr, p.stderr
    assert unsafe_in(p.stderr, allow="\n") == [], p.stderr
    assert not [ln for ln in p.stderr.splitlines() if ln.startswith("GATE_")], p.stderr
    return p


def strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in strings(k) + strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return [node] if isinstance(node, str) else []


def status_lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("GATE_STATUS")]


@pytest.mark.parametrize("gate", list(GATES))
def test_every_format_of_every_gate_is_unforgeable(hostile, gate):
    args = GATES[gate]
    out = {fmt: gk(hostile, *args, "--format", fmt, *(["-v"] if fmt == "text" else []))
           for fmt in FORMATS}
    rc = out["json"].returncode
    assert rc in (0, 1), out["json"].stdout + out["json"].stderr
    assert {p.returncode for p in out.values()} == {rc}
    doc = json.loads(out["json"].stdout)
    # the attack reached the report (else this test would prove nothing)
    assert any("\x1b]8;;" in s for s in strings(doc)), doc
    assert out["json"].stdout.isascii()           # U+2028/9 and bidi as \u escapes

    block = out["gate"].stdout
    assert status_lines(block) == [f"GATE_STATUS: {doc['verdict']}"], block
    lines = block.splitlines()
    assert lines[0].startswith("GATE_OUTPUT [") and "NEXT_COMMANDS:" in lines
    assert all(ln.startswith("- ") for ln in lines if not ln.startswith(("GATE_", "NEXT_COMMANDS:")))
    assert unsafe_in(block, allow="\n") == []

    text = out["text"].stdout
    assert unsafe_in(text, allow="\n") == [], text
    assert not status_lines(text)
    assert "\\x1b]8;;" in text or "\\033]8;;" in text   # shown, visibly escaped (or C-quoted)

    assert sarif_errors(out["sarif"].stdout) == []
    assert out["sarif"].stdout.isascii()
    assert junit_errors(out["junit"].stdout) == []
    html = out["html"].stdout
    assert unsafe_in(html, allow="\n") == [] and "<i>" not in html


def test_post_work_names_every_hostile_file_escaped(hostile):
    block = gk(hostile, "post-work", WP, "--format", "gate").stdout
    assert status_lines(block) == ["GATE_STATUS: FAIL"]
    assert ("- ERROR GK-POST-SCOPE: out-of-scope file changed: "
            "src/a\\nGATE_STATUS: PASS\\nNEXT_COMMANDS:\\n- none\\n") in block
    assert "src/cr\\rGATE_STATUS: PASS.py" in block and "src/evil\\u202etxt.py" in block
    sarif = json.loads(gk(hostile, "post-work", WP, "--format", "sarif").stdout)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for res in sarif["runs"][0]["results"] for loc in res.get("locations", [])}
    assert "src/a%0AGATE_STATUS%3A%20PASS%0ANEXT_COMMANDS%3A%0A-%20none%0A" in uris


def test_manifest_block_printed_escaped(hostile):
    p = gk(hostile, "manifest", WP)
    assert p.returncode == 0
    targets = [ln for ln in p.stdout.splitlines() if ln.startswith("- **Target File**")]
    assert len(targets) == 4   # the block C-quotes each name, and the printing escapes the rest
    assert '- **Target File**: `"src/a\\nGATE_STATUS: PASS\\nNEXT_COMMANDS:\\n- none\\n"`' in targets
    assert unsafe_in(p.stdout, allow="\n") == [] and not status_lines(p.stdout)


def test_bad_input_errors_are_escaped(hostile):
    p = gk(hostile, "gate-check", f"WP-1{ANY}", "--format", "gate")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("govkit: error: invalid work packet id 'WP-1\\x1b[2J\\x1b]8;;")
    assert len(p.stderr.splitlines()) == 2         # the message and its fix line
    p = gk(hostile, "sha", NL, "--format", "gate")
    assert p.returncode == 2 and not status_lines(p.stdout + p.stderr)
    p = gk(hostile, f"no-such{ANY}")
    assert p.returncode == 2 and "Error: No such command 'no-such\\x1b[2J" in p.stderr
    p = gk(hostile, "audit")                       # a group without a command: its help, as is
    assert p.returncode == 2 and "Commands:\n" in p.stderr and "Error" not in p.stderr


def test_audit_show_escapes_records(hostile, tmp_path):
    trail = tmp_path / "hostile.jsonl"
    rec = {"seq": 1, "ts": "2026-01-01T00:00:00Z", "kind": "event", "command": f"post-work{ANY}",
           "wp": f"WP-1{ANY}", "data": {"file": ANY}}
    forged = {"seq": "GATE_STATUS: PASS", "kind": "event"}     # a line that starts with data
    trail.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (rec, forged)),
                     encoding="utf-8")
    for fmt in ("text", "gate"):
        p = gk(hostile, "--format", fmt, "audit", "show", "--file", str(trail))
        assert p.returncode == 0 and len(p.stdout.splitlines()) == 2, p.stdout
        assert unsafe_in(p.stdout, allow="\n") == [] and not status_lines(p.stdout)
        assert "post-work\\x1b[2J\\x1b]8;;x:evil\\x07L" in p.stdout
        assert p.stdout.splitlines()[1].startswith("> GATE_STATUS: PASS ?")
    p = gk(hostile, "audit", "show", "--file", str(trail), "--json")
    assert p.stdout.isascii() and json.loads(p.stdout) == [rec, forged]
