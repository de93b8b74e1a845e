"""`govkit manifest [--write]`: computed blocks, in-place rewrite that keeps every other byte."""

from __future__ import annotations

import hashlib
import json

from support.postwork import (
    WP,
    block,
    manifest_write,
    messages,
    packet,
    post,
    set_manifest,
    setup,
    stage,
    write,
)


def _two_files(repo):
    setup(repo, {"src/a.txt": "a1\na2\na3\n", "src/b.txt": "b1\n"})
    write(repo, "src/a.txt", "a1\nA2\na3\n")
    write(repo, "src/b.txt", "b1\nb2\n")
    stage(repo)


def _outside_validation(data: bytes) -> tuple[bytes, bytes]:
    head, rest = data.split(b"## VALIDATION", 1)
    return head, rest[rest.index(b"## EVIDENCE_MAPPING"):]


def test_print_without_write_changes_nothing(repo, gk):
    _two_files(repo)
    before = packet(repo).read_bytes()
    p = gk("manifest", WP, cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "- **Target File**: `src/a.txt`\n- **Start**: 2\n- **End**: 2" in p.stdout
    assert packet(repo).read_bytes() == before
    j = json.loads(gk("manifest", WP, "--json", cwd=repo).stdout)
    assert [e["target"] for e in j["facts"]["entries"]] == ["src/a.txt", "src/b.txt"]


def test_write_replaces_template_keeps_every_other_byte_crlf_bom(repo, gk):
    _two_files(repo)
    raw = packet(repo).read_bytes().replace(b"\n", b"\r\n")
    packet(repo).write_bytes(b"\xef\xbb\xbf" + raw + b"trailing text without newline")
    before = packet(repo).read_bytes()
    manifest_write(gk, repo)
    after = packet(repo).read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in after.replace(b"\r\n", b"")           # still CRLF everywhere
    assert _outside_validation(after) == _outside_validation(before)
    assert after.endswith(b"trailing text without newline")
    assert b"path/to/file" not in after and b"`src/b.txt`" in after
    assert post(gk, repo).returncode == 0
    manifest_write(gk, repo)
    assert packet(repo).read_bytes() == after                   # idempotent


def test_write_updates_in_place_drops_stale_appends_new(repo, gk):
    setup(repo, {"src/a.txt": "a1\na2\na3\n", "src/b.txt": "b1\n", "src/c.txt": "c\n"})
    write(repo, "src/a.txt", "a1\nA2\na3\n")
    write(repo, "src/b.txt", "b1\nb2\n")
    stage(repo)
    z = "0" * 40
    old_c = block("src/c.txt", 1, 1, 0, z, z)
    old_a = block("src/a.txt", 1, 3, 0, z, z).replace(
        "- **Gates Passed**:", "- Note: keep this note\n- **Gates Passed**:")
    set_manifest(repo, old_c + "\nSome prose between blocks.\n\n" + old_a)
    manifest_write(gk, repo)
    text = packet(repo).read_text()
    assert "src/c.txt" not in text                               # stale entry removed
    assert "Some prose between blocks." in text
    assert "- Note: keep this note" in text                      # foreign line in a block kept
    assert text.index("`src/a.txt`") < text.index("`src/b.txt`")
    assert "- **Start**: 2\n- **End**: 2" in text
    assert post(gk, repo).returncode == 0, messages(post(gk, repo))


def test_write_into_empty_validation_section(repo, gk):
    _two_files(repo)
    set_manifest(repo, "")
    manifest_write(gk, repo)
    assert post(gk, repo).returncode == 0


def test_write_drops_orphan_fields_and_duplicates(repo, gk):
    _two_files(repo)
    z = "0" * 40
    b = block("src/a.txt", 1, 3, 0, z, z)
    set_manifest(repo, "- **Start**: 7\n" + b + "\n" + b)
    manifest_write(gk, repo)
    text = packet(repo).read_text()
    assert text.count("`src/a.txt`") == 1 and "- **Start**: 7" not in text
    assert post(gk, repo).returncode == 0


def test_no_change_writes_nothing(repo, gk):
    setup(repo, {"src/a.txt": "a\n"})
    before = packet(repo).read_bytes()
    p = gk("manifest", WP, "--write", "--rev", "HEAD", cwd=repo)
    assert p.returncode == 1 and "GK-POST-NOCHANGE" in p.stdout
    assert packet(repo).read_bytes() == before


def test_git_calls_are_batched(repo):
    """The number of git processes does not grow with the number of changed files."""
    from govkit.actions.manifest_write import run_manifest
    from govkit.gates.postwork import check_postwork
    from govkit.vcs import git as gitmod
    from govkit.workspace import Workspace

    counts = []
    for n in (2, 40):
        r = repo.parent / f"r{n}"
        from support.repo import commit_all, init_repo
        init_repo(r)
        (r / "README.md").write_text("x\n")
        commit_all(r, "init")
        setup(r, {f"src/f{i}.txt": f"{i}\n" * 5 for i in range(n)})
        for i in range(n):
            write(r, f"src/f{i}.txt", f"{i}\n" * 3 + "new\n")
        stage(r)
        ws = Workspace(r)
        run_manifest(ws, WP, write=True)
        ws = Workspace(r)
        start = gitmod.spawned()
        rep = check_postwork(ws, WP)
        assert rep.passed, [f.message for f in rep.errors]
        counts.append(gitmod.spawned() - start)
    assert counts[0] == counts[1] and counts[1] <= 8, counts


def test_generated_hashes_match_sha_model(repo, gk):
    setup(repo, {"src/a.txt": "l1\nl2\nl3\nl4\nl5\n"})
    write(repo, "src/a.txt", "l1\nl2\nX3\nl4\nl5\nl6\n")
    stage(repo)
    manifest_write(gk, repo)
    text = packet(repo).read_text()
    assert "`776174c15d3390b95832eeca21c3e60c9acc8bec`" in text
    assert "`7b81a097b2db63596195a2e4cb242de1f5df7108`" in text
    assert hashlib.sha1(b"l1\nl2\nX3\nl4\nl5\nl6\n").hexdigest() == \
        "7b81a097b2db63596195a2e4cb242de1f5df7108"
    assert "- **Start**: 3\n- **End**: 6\n- **Line Delta**: 1" in text


def test_real_template_packet_end_to_end(repo, gk):
    """The packet create-task-packet writes from templates/: manifest --write, post-work,
    commit, post-work again; pre-work still accepts the generated manifest."""
    from support.repo import commit_all
    from support.wsfactory import edit, make_sample
    from support.wsfactory import packet as sample_packet

    make_sample(repo)
    pkt = sample_packet(repo)
    edit(pkt, "- <fill: requirement -> path:line>", "- rule 1.4 -> src/app.py:2")
    edit(pkt, "- COMMAND: <paste>\n- EXIT_CODE: <int>", "- COMMAND: pytest\n- EXIT_CODE: `0`")
    commit_all(repo, "evidence")
    (repo / "src/app.py").write_text("def rule():\n    return 1 == 1\n")
    stage(repo)
    p = gk("manifest", "WP-1-Demo", "--write", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    text = pkt.read_text()
    assert "path/to/file" not in text and "- **Target File**: `src/app.py`" in text
    assert "Generated by `govkit manifest WP-1-Demo --write`" in text
    p = gk("post-work", "WP-1-Demo", "--json", cwd=repo)
    assert p.returncode == 0, messages(p)
    pre = gk("pre-work", "WP-1-Demo", cwd=repo).stdout      # (checkpoint differs: expected)
    assert "GK-PRE-MANIFEST" not in pre and "GK-PRE-VALIDATION" not in pre
    commit_all(repo, "work")
    p = gk("post-work", "WP-1-Demo", "--json", cwd=repo)
    assert p.returncode == 0, messages(p)
