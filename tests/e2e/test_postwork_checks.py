"""post-work rules: window, delta, hashes, scope, coverage, phantom entries, waivers, evidence."""

from __future__ import annotations

import hashlib

from support.postwork import (
    WP,
    block,
    errors,
    manifest_write,
    messages,
    packet,
    post,
    result,
    set_manifest,
    set_packet,
    setup,
    stage,
    warnings,
    write,
)
from support.repo import commit_all

OLD = b"l1\nl2\nl3\nl4\nl5\n"
NEW = b"l1\nl2\nX3\nl4\nl5\nl6\n"
PRE, POST = hashlib.sha1(OLD).hexdigest(), hashlib.sha1(NEW).hexdigest()


def _change(repo, **packet_kw):
    setup(repo, {"src/a.txt": OLD}, **packet_kw)
    write(repo, "src/a.txt", NEW)


def test_wrong_delta(repo, gk):
    _change(repo)
    set_manifest(repo, block("src/a.txt", 3, 6, 2, PRE, POST))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and errors(p) == ["C701-G05"]
    assert "Line Delta 2 does not match git diff delta 1" in messages(p)
    assert result(p)["facts"]["gate line_delta_equals_expected"].startswith("FAIL")


def test_wrong_pre_and_post(repo, gk):
    _change(repo)
    set_manifest(repo, block("src/a.txt", 3, 6, 1, POST, PRE))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and sorted(errors(p)) == ["C701-G05", "C701-G08"], messages(p)
    assert f"expected {PRE}" in messages(p) and f"expected {POST}" in messages(p)


def test_uppercase_hash_accepted(repo, gk):
    _change(repo)
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE.upper(), POST.upper()))
    stage(repo)
    assert post(gk, repo).returncode == 0


def test_bad_hash_format(repo, gk):
    _change(repo)
    set_manifest(repo, block("src/a.txt", 3, 6, 1, "abc", POST))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and "Pre-SHA1 must be 40 hex digits" in messages(p)


def test_out_of_scope_and_uncovered(repo, gk):
    setup(repo, {"src/a.txt": OLD, "docs/x.md": "d\n"})
    write(repo, "src/a.txt", NEW)
    write(repo, "docs/x.md", "d2\n")
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, POST))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1
    assert sorted(errors(p)) == ["GK-POST-COVERAGE", "GK-POST-SCOPE"], messages(p)
    found = {f["code"]: f for f in result(p)["findings"]}
    assert found["GK-POST-SCOPE"]["path"] == "docs/x.md"
    assert found["GK-POST-COVERAGE"]["path"] == "docs/x.md"


def test_scope_files_dirs_globs_and_notes(repo, gk):
    files = {"src/api/x.py": "a\n", "lib/deep/m/y.py": "b\n", "tools/run.sh": "c\n"}
    setup(repo, files, scope=("src/api/", "lib/**/*.py", "`tools/run.sh` (new helper)"),
          mapping="- rule -> src/api/x.py:1\n")
    for rel in files:
        write(repo, rel, "changed\n")
    stage(repo)
    manifest_write(gk, repo)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)


def test_empty_scope_is_an_error(repo, gk):
    _change(repo, scope=())
    stage(repo)
    manifest_write(gk, repo)
    p = post(gk, repo)
    assert p.returncode == 1 and "GK-POST-SCOPE-EMPTY" in errors(p)
    _p = packet(repo)
    _p.write_text(_p.read_text().replace("- IN_SCOPE_PATHS:\n", "- IN_SCOPE_PATHS:\n  - path/to/file\n"))
    assert "GK-POST-SCOPE-EMPTY" in errors(post(gk, repo))


def test_exempt_paths_are_configurable(repo, gk):
    setup(repo, {"src/a.txt": OLD, "docs/x.md": "d\n"}, scope=("src/", "docs/"))
    write(repo, "src/a.txt", NEW)
    write(repo, "docs/x.md", "d2\n")
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, POST))
    stage(repo)
    p = post(gk, repo)
    assert errors(p) == ["GK-POST-COVERAGE"]
    write(repo, ".GOV/govkit.yaml", "manifest:\n  exempt_paths: ['.GOV/**', 'docs/']\n")
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)


def test_stale_manifest_entry_is_phantom(repo, gk):
    setup(repo, {"src/a.txt": OLD, "src/b.txt": "b\n"})
    write(repo, "src/a.txt", NEW)
    bsha = hashlib.sha1(b"b\n").hexdigest()
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, POST) + "\n"
                 + block("src/b.txt", 1, 1, 0, bsha, bsha))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and errors(p) == ["GK-POST-PHANTOM"], messages(p)
    assert result(p)["facts"]["gate manifest_written_and_path_returned"].startswith("FAIL")
    manifest_write(gk, repo)          # drops the stale entry
    assert "src/b.txt" not in packet(repo).read_text()
    assert post(gk, repo).returncode == 0


def test_evidence_links_must_resolve(repo, gk):
    _change(repo, mapping="- rule 1 -> src/a.txt:6\n- rule 2 -> src/gone.txt:1\n")
    stage(repo)
    manifest_write(gk, repo)
    assert "  - [ ] all_links_resolvable" in packet(repo).read_text()
    p = post(gk, repo)
    assert p.returncode == 1 and errors(p) == ["GK-POST-LINK"], messages(p)
    assert result(p)["facts"]["gate all_links_resolvable"].startswith("FAIL")
    text = packet(repo).read_text().replace("src/gone.txt:1", "src/a.txt:7")
    packet(repo).write_text(text)
    p = post(gk, repo)
    assert errors(p) == ["GK-POST-LINK"] and "has 6 line(s)" in messages(p)
    packet(repo).write_text(text.replace("src/a.txt:7", "`src/a.txt:2-3`"))
    assert post(gk, repo).returncode == 0


def test_vector9_exit_code_in_backticks_is_accepted(repo, gk):
    _change(repo, evidence="- COMMAND: `pytest -q`\n- EXIT_CODE: `0`\n")
    stage(repo)
    manifest_write(gk, repo)
    assert post(gk, repo).returncode == 0


def test_evidence_missing_or_placeholder(repo, gk):
    _change(repo, evidence="- COMMAND: <paste>\n- EXIT_CODE: <int>\n", mapping="- <fill>\n")
    stage(repo)
    manifest_write(gk, repo)
    p = post(gk, repo)
    assert sorted(set(errors(p))) == ["GK-POST-EVIDENCE", "GK-POST-EVIDENCE-MAPPING"]
    # Legacy (non-modern) packets need no evidence sections.
    set_packet(repo, modern=False, evidence="", mapping="")
    manifest_write(gk, repo)
    assert post(gk, repo).returncode == 0


WAIVER = """- WAIVER_ID: CX-573F-1
  - SCOPE: docs/
  - REASON: docs fix requested by the operator
  - APPROVED_BY: operator
  - EXPIRES: {exp}
"""


def _waiver_case(repo, gk, waivers):
    setup(repo, {"src/a.txt": OLD, "docs/x.md": "d\n"}, waivers=waivers)
    write(repo, "src/a.txt", NEW)
    write(repo, "docs/x.md", "d2\n")
    stage(repo)
    manifest_write(gk, repo)
    return post(gk, repo)


def test_waiver_valid(repo, gk):
    p = _waiver_case(repo, gk, WAIVER.format(exp="2999-12-31"))
    assert p.returncode == 0, messages(p)
    assert "GK-POST-SCOPE" in warnings(p) and "waived by CX-573F-1" in messages(p)


def test_waiver_expired_is_void(repo, gk):
    p = _waiver_case(repo, gk, WAIVER.format(exp="2020-01-01"))
    assert p.returncode == 1 and "GK-POST-SCOPE" in errors(p)
    assert "GK-POST-WAIVER-EXPIRED" in warnings(p)


def test_waiver_template_text_grants_nothing(repo, gk):
    # Vector 2: the template's instruction line mentions [CX-573F]; without '- NONE' the original
    # granted a waiver. govkit: no structured record, no waiver.
    text = ("Record git hygiene waivers [CX-573F] here as structured records "
            "(dirty tree).\n")
    p = _waiver_case(repo, gk, text)
    assert p.returncode == 1 and "GK-POST-SCOPE" in errors(p)


def test_vector2_wrong_pre_with_template_waiver_fails(repo, gk):
    _change(repo, waivers="Waivers [CX-573F] dirty tree git hygiene\n")
    set_manifest(repo, block("src/a.txt", 1, 6, 1, "0" * 40, POST, "  - [x] all_links_resolvable"))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and errors(p) == ["C701-G08"], messages(p)


def test_waiver_relaxes_pre_sha1(repo, gk):
    _change(repo, waivers=WAIVER.format(exp="2999-12-31").replace("docs/", "src/a.txt"))
    set_manifest(repo, block("src/a.txt", 3, 6, 1, "0" * 40, POST))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 0 and "C701-G08" in warnings(p)


def test_waiver_missing_fields_is_void(repo, gk):
    p = _waiver_case(repo, gk, "- WAIVER_ID: W-2\n  - SCOPE: docs/\n  - EXPIRES: 2999-01-01\n")
    assert p.returncode == 1 and "GK-POST-WAIVER-INVALID" in warnings(p)


def test_compat_hash_variant_is_a_warning(repo, gk):
    setup(repo, {"src/a.txt": OLD})
    write(repo, "src/a.txt", NEW)
    crlf_post = hashlib.sha1(NEW.replace(b"\n", b"\r\n")).hexdigest()
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, crlf_post))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 0 and "GK-POST-SHA-COMPAT" in warnings(p)


def test_non_ascii_packet_fails(repo, gk):
    _change(repo)
    stage(repo)
    manifest_write(gk, repo)
    packet(repo).write_text(packet(repo).read_text().replace("- WHAT: demo", "- WHAT: d\u00e9mo"))
    p = post(gk, repo)
    assert p.returncode == 1 and errors(p) == ["GK-POST-ASCII"]
    assert result(p)["findings"][0]["line"] > 1


def test_bom_is_tolerated(repo, gk):
    _change(repo)
    stage(repo)
    manifest_write(gk, repo)
    packet(repo).write_bytes(b"\xef\xbb\xbf" + packet(repo).read_bytes())
    p = post(gk, repo)
    assert p.returncode == 0 and "GK-POST-BOM" in warnings(p)


def test_template_manifest_block_fails(repo, gk):
    _change(repo)
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1
    assert {"GK-POST-MANIFEST-TEMPLATE", "GK-POST-COVERAGE"} <= set(errors(p))


def test_gate_output_formats(repo, gk):
    _change(repo)
    stage(repo)
    manifest_write(gk, repo)
    g = gk("--format", "gate", "post-work", WP, cwd=repo)
    assert g.returncode == 0 and "GATE_STATUS: PASS" in g.stdout
    s = gk("post-work", WP, "--format", "sarif", cwd=repo)
    assert '"version": "2.1.0"' in s.stdout
    commit_all(repo)
    assert post(gk, repo).returncode == 0
