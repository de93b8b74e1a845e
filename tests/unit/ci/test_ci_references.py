"""governance references in protocols, active packets and the justfile must exist."""

from __future__ import annotations

from support.cikit import edit, entry, make_ws, run, set_board


def _protocol(repo, text):
    d = repo / ".GOV" / "roles" / "coder"
    d.mkdir(parents=True, exist_ok=True)
    (d / "CODER_PROTOCOL.md").write_text(text, encoding="utf-8")


def test_existing_references_pass(repo):
    make_ws(repo)
    _protocol(repo, "# Coder protocol\n\nRead `.GOV/roles_shared/TASK_BOARD.md` and src/app.py first.\n"
                    "See https://example.com/a/b and path/to/file (examples are not judged).\n")
    (repo / "justfile").write_text("check:\n    python src/app.py .GOV/roles_shared/SPEC_CURRENT.md\n")
    assert run(repo, ["references"]).findings == []


def test_dangling_references_fail_with_file_and_line(repo):
    make_ws(repo)
    _protocol(repo, "# Coder protocol\n\nRun `.GOV/scripts/gone.mjs` then edit src/missing.py.\n")
    (repo / "justfile").write_text("# src/nothing.py in a comment is fine\nx:\n    node .GOV/scripts/old.mjs\n")
    edit(repo / ".GOV" / "task_packets" / "WP-1-Demo.md", "- REFINEMENT_FILE: .GOV/refinements/WP-1-Demo.md",
         "- REFINEMENT_FILE: .GOV/refinements/WP-1-Other.md")
    r = run(repo, ["references"])
    got = sorted((f.path, f.line, f.message.split("'")[1]) for f in r.findings)
    assert r.codes() == ["GK-CI-REF-MISSING"] * 4
    assert got == [(".GOV/roles/coder/CODER_PROTOCOL.md", 3, ".GOV/scripts/gone.mjs"),
                   (".GOV/roles/coder/CODER_PROTOCOL.md", 3, "src/missing.py"),
                   (".GOV/task_packets/WP-1-Demo.md", 16, ".GOV/refinements/WP-1-Other.md"),
                   ("justfile", 3, ".GOV/scripts/old.mjs")]


def test_done_packets_name_history(repo):
    make_ws(repo)
    (repo / ".GOV" / "refinements" / "WP-1-Demo.md").unlink()
    assert run(repo, ["references"]).codes() == ["GK-CI-REF-MISSING"]
    edit(repo / ".GOV" / "task_packets" / "WP-1-Demo.md", "- **Status:** Ready for Dev", "- **Status:** Done")
    set_board(repo, {"Done": [entry("WP-1-Demo", "VALIDATED")]})
    r = run(repo, ["references"])
    assert r.passed and r.codes() == ["GK-CI-REF-HISTORIC"]


def test_packet_prose_names_missing_governance_files(repo):
    # Prose lines of a packet are searched only for governance paths; a line without the
    # governance directory is skipped without being parsed, one with it is judged.
    make_ws(repo)
    pkt = repo / ".GOV" / "task_packets" / "WP-1-Demo.md"
    pkt.write_text(pkt.read_text(encoding="utf-8") + "\nNotes: see .GOV/notes/gone.md and "
                   "src/not_judged_in_prose.py.\n\n- also .GOV/roles_shared/TASK_BOARD.md\n",
                   encoding="utf-8")
    r = run(repo, ["references"])
    assert r.codes() == ["GK-CI-REF-MISSING"]
    assert "'.GOV/notes/gone.md'" in r.findings[0].message
    assert r.findings[0].line == len(pkt.read_text(encoding="utf-8").splitlines()) - 2
