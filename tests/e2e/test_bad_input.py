"""Bad input: a clear message naming the file (and line), exit 2, no traceback, nothing written."""

from __future__ import annotations

from support.repo import commit_all
from support.wsfactory import make_sample, packet, refinement

WP = "WP-1-Demo"


def _exit2(p, *needles):
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    for n in needles:
        assert n in p.stderr, (n, p.stderr)


def _snapshot(repo):
    return {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}


def test_unknown_wp_and_path_characters(repo, gk):
    make_sample(repo)
    before = _snapshot(repo)
    _exit2(gk("pre-work", "WP-9-Nope", cwd=repo), "unknown work packet 'WP-9-Nope'")
    _exit2(gk("pre-work", "WP-1-../../etc", cwd=repo), "path characters")
    _exit2(gk("gate-check", "WP-1/x", cwd=repo), "path characters")
    _exit2(gk("pre-work", "nope", cwd=repo), "invalid work packet id")
    assert _snapshot(repo) == before


def test_unknown_wp_suggests_close_ids(repo, gk):
    make_sample(repo)
    _exit2(gk("pre-work", "WP-1-Dem", cwd=repo), "did you mean: WP-1-Demo")


def test_empty_binary_and_invalid_utf8_packets(repo, gk):
    make_sample(repo)
    packet(repo).write_bytes(b"")
    _exit2(gk("pre-work", WP, cwd=repo), "task_packets/WP-1-Demo.md", "file is empty")
    packet(repo).write_bytes(b"# x\n\x00\x01binary")
    _exit2(gk("gate-check", WP, cwd=repo), "binary")
    packet(repo).write_bytes(b"# Task\n- WP_ID: caf\xe9\n")
    _exit2(gk("pre-work", WP, cwd=repo), "WP-1-Demo.md:2", "invalid UTF-8")


def test_huge_file_is_refused(repo, gk):
    make_sample(repo)
    with packet(repo).open("ab") as fh:
        fh.write(b"x" * (50 * 1024 * 1024))
    _exit2(gk("pre-work", WP, cwd=repo), "too large")


def test_malformed_gate_log_names_line_and_byte(repo, gk):
    make_sample(repo)
    log = repo / ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"
    log.write_text('{"gate_logs": [\n  {"wpId": "x",}\n]}')
    before = log.read_bytes()
    _exit2(gk("pre-work", WP, cwd=repo), "ORCHESTRATOR_GATES.json:2", "malformed JSON", "byte")
    assert log.read_bytes() == before


def test_config_unknown_key_and_wrong_type(repo, gk):
    make_sample(repo)
    cfg = repo / ".GOV/govkit.yaml"
    cfg.write_text("main_branch: trunk\nsignature:\n  token_patern: x\n")
    _exit2(gk("pre-work", WP, cwd=repo), "govkit.yaml:3", "unknown key 'signature.token_patern'")
    cfg.write_text("lock:\n  timeout_seconds: soon\n")
    _exit2(gk("spec-check", cwd=repo), "govkit.yaml:2", "lock.timeout_seconds")
    cfg.write_text("paths: [1, 2\n")
    _exit2(gk("spec-check", cwd=repo), "govkit.yaml", "invalid YAML")


def test_spec_pointer_to_missing_file(repo, gk):
    make_sample(repo)
    ptr = repo / ".GOV/roles_shared/SPEC_CURRENT.md"
    ptr.write_text("**Project_Master_Spec_v09.000.md**\n")
    p = gk("spec-check", "--json", cwd=repo)
    assert p.returncode == 1 and "GK-SPEC-MISSING" in p.stdout


def test_bom_and_crlf_refinement_read_correctly(repo, gk):
    """Vector 4: a BOM is reported once, as a BOM, with the fix (the reference gave two
    confusing errors). CRLF files parse like LF files."""
    make_sample(repo)
    ref = refinement(repo)
    text = ref.read_text()
    ref.write_bytes(text.replace("\n", "\r\n").encode())
    commit_all(repo)
    assert gk("refinement-check", WP, "--require-signature", cwd=repo).returncode == 0
    ref.write_bytes(b"\xef\xbb\xbf" + text.encode())
    p = gk("refinement-check", WP, "--json", cwd=repo)
    assert p.returncode == 1
    assert '"GK-REF-BOM"' in p.stdout and "GK-REF-HEADING" not in p.stdout
    assert "GK-REF-ASCII" not in p.stdout


def test_not_a_git_repo(tmp_path, gk):
    _exit2(gk("--repo", str(tmp_path), "spec-check"), "not inside a git repository")


def test_unreadable_packet_is_exit2_without_traceback(repo, gk):
    make_sample(repo)
    packet(repo).unlink()
    packet(repo).mkdir()
    _exit2(gk("gate-check", WP, cwd=repo), "directory")
