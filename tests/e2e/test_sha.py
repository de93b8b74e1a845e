"""`govkit sha FILE`: HEAD, index and work-tree hashes and the recommendation."""

from __future__ import annotations

import hashlib
import json

from govkit.model import cor701

from support.repo import git

Z = "0" * 40


def _facts(gk, repo, *args, cwd=None):
    p = gk("sha", *args, "--json", cwd=cwd or repo)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["facts"]


def test_head_index_worktree(repo, gk):
    (repo / "a.txt").write_text("one\n")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-qm", "a")
    (repo / "a.txt").write_text("two\n")
    f = _facts(gk, repo, "a.txt")
    assert f["HEAD"] == hashlib.sha1(b"one\n").hexdigest()
    assert f["Post-SHA1"].startswith(hashlib.sha1(b"two\n").hexdigest())
    assert "work tree" in f["Post-SHA1"]
    git(repo, "add", "a.txt")
    (repo / "a.txt").write_text("three\n")
    f = _facts(gk, repo, "a.txt")
    assert f["Post-SHA1"].startswith(hashlib.sha1(b"two\n").hexdigest()) and "index" in f["Post-SHA1"]
    assert f["Pre-SHA1"] == hashlib.sha1(b"one\n").hexdigest()


def test_new_file_crlf_and_subdirectory(repo, gk):
    (repo / "sub").mkdir()
    (repo / "sub" / "w.txt").write_bytes(b"a\r\nb\r\n")
    f = _facts(gk, repo, "w.txt", cwd=repo / "sub")
    assert f["file"] == "sub/w.txt"
    assert f["Pre-SHA1"].startswith(Z) and f["HEAD"] == "<absent>"
    assert f["WORKTREE"] == hashlib.sha1(b"a\nb\n").hexdigest()
    assert f["WORKTREE raw bytes (compat)"] == hashlib.sha1(b"a\r\nb\r\n").hexdigest()
    text = gk("sha", "w.txt", cwd=repo / "sub").stdout
    assert "Pre-SHA1: " + Z in text


def test_deleted_and_binary_and_spaces(repo, gk):
    (repo / "b c.bin").write_bytes(b"\x00\x01")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "b")
    f = _facts(gk, repo, "b c.bin")
    assert f["HEAD"].endswith("(binary)")
    (repo / "b c.bin").unlink()
    git(repo, "add", "-A")
    f = _facts(gk, repo, "b c.bin")
    assert f["Post-SHA1"].startswith(Z)


def test_outside_repo_is_exit_2(repo, gk, tmp_path):
    p = gk("sha", str(tmp_path / "elsewhere.txt"), cwd=repo)
    assert p.returncode == 2 and "outside the repository" in p.stderr
    p = gk("sha", "../x", cwd=repo)
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_hash_model_unit():
    assert cor701.canonical_sha1(None) == Z
    assert cor701.canonical_sha1(b"a\r\nb\rc\n") == hashlib.sha1(b"a\nb\nc\n").hexdigest()
    assert cor701.canonical_sha1(b"\x00\r\n") == hashlib.sha1(b"\x00\r\n").hexdigest()
    assert cor701.line_count(b"a\nb") == 2 and cor701.line_count(b"") == 0
    for name in ("src/\u00f1.txt", 'a"b\\c\t.txt', " lead.txt", "a`b.txt", "plain/x y.txt"):
        q = cor701.quote_path(name)
        assert q.isascii() and cor701.unquote_path(q) == name
    assert cor701.quote_path("src/\u00f1.txt") == '"src/\\303\\261.txt"'


def test_sha_of_a_file_that_exists_nowhere_is_bad_input(repo, gk):
    p = gk("sha", "no/such/file.txt", cwd=repo)
    assert p.returncode == 2 and "exists neither at HEAD" in p.stderr and "Traceback" not in p.stderr
