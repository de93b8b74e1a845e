"""New, deleted, renamed, binary, CRLF, empty files and odd names: manifest --write, then
post-work passes staged, in worktree mode and after the commit (range mode)."""

from __future__ import annotations

import hashlib

import pytest

from support.postwork import (
    block,
    errors,
    manifest_write,
    messages,
    packet,
    post,
    result,
    set_manifest,
    setup,
    stage,
    write,
)
from support.repo import commit_all, git

Z = "0" * 40


def _roundtrip(repo, gk, staged=True):
    if staged:
        stage(repo)
    manifest_write(gk, repo)
    assert packet(repo).read_bytes().isascii()
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    assert result(p)["facts"]["mode"] == ("staged" if staged else "worktree")
    commit_all(repo, "work")
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    assert result(p)["facts"]["mode"] == "range"
    return packet(repo).read_text()


@pytest.mark.parametrize("staged", [True, False])
def test_new_file(repo, gk, staged):
    setup(repo, {"src/keep.txt": "k\n"})
    write(repo, "src/new.txt", "a\nb\nc\n")
    text = _roundtrip(repo, gk, staged)
    assert f"- **Pre-SHA1**: `{Z}`" in text and "- **Start**: 1\n- **End**: 3" in text


def test_new_file_nonzero_pre_fails(repo, gk):
    setup(repo, {"src/keep.txt": "k\n"})
    write(repo, "src/new.txt", "a\n")
    h = hashlib.sha1(b"a\n").hexdigest()
    set_manifest(repo, block("src/new.txt", 1, 1, 1, h, h))
    stage(repo)
    p = post(gk, repo)
    assert errors(p) == ["C701-G08"] and "new file (40 zeros)" in messages(p)


def test_deleted_file(repo, gk):
    setup(repo, {"src/gone.txt": "x\ny\n", "src/keep.txt": "k\n"})
    (repo / "src/gone.txt").unlink()
    text = _roundtrip(repo, gk, staged=True)
    assert f"- **Post-SHA1**: `{Z}`" in text and "- **Line Delta**: -2" in text


def test_deleted_file_unstaged(repo, gk):
    setup(repo, {"src/gone.txt": "x\ny\n", "src/keep.txt": "k\n"})
    (repo / "src/gone.txt").unlink()
    _roundtrip(repo, gk, staged=False)


def test_renamed_file(repo, gk):
    body = "".join(f"line {i}\n" for i in range(20))
    setup(repo, {"src/old.txt": body})
    git(repo, "mv", "src/old.txt", "src/new.txt")
    write(repo, "src/new.txt", body + "tail\n")
    text = _roundtrip(repo, gk)
    assert "`src/new.txt`" in text and "`src/old.txt`" not in text
    assert f"- **Pre-SHA1**: `{hashlib.sha1(body.encode()).hexdigest()}`" in text


def test_rename_out_of_scope_source(repo, gk):
    body = "".join(f"line {i}\n" for i in range(20))
    setup(repo, {"lib/old.txt": body})
    git(repo, "mv", "lib/old.txt", "src/new.txt")
    stage(repo)
    manifest_write(gk, repo)
    p = post(gk, repo)
    assert errors(p) == ["GK-POST-SCOPE"] and "lib/old.txt" in messages(p)


def test_binary_file(repo, gk):
    setup(repo, {"src/img.bin": b"\x00\x01\x02\r\n"})
    write(repo, "src/img.bin", b"\x00\x01\x03\r\n\x00")
    text = _roundtrip(repo, gk)
    digest = hashlib.sha1(b"\x00\x01\x03\r\n\x00").hexdigest()
    assert f"`{digest}`" in text
    assert "- **Line Delta**: 0" in text


def test_binary_file_nonzero_delta_fails(repo, gk):
    setup(repo, {"src/img.bin": b"\x00\x01"})
    write(repo, "src/img.bin", b"\x00\x02")
    old, new = hashlib.sha1(b"\x00\x01").hexdigest(), hashlib.sha1(b"\x00\x02").hexdigest()
    set_manifest(repo, block("src/img.bin", 1, 1, 3, old, new))
    stage(repo)
    p = post(gk, repo)
    assert errors(p) == ["C701-G05"] and "binary" in messages(p)


def test_crlf_file_uses_lf_normalised_hash(repo, gk):
    old, new = b"a\r\nb\r\nc\r\n", b"a\r\nB\r\nc\r\nd\r\n"
    setup(repo, {"src/win.txt": old})
    write(repo, "src/win.txt", new)
    text = _roundtrip(repo, gk)
    assert hashlib.sha1(old.replace(b"\r\n", b"\n")).hexdigest() in text
    assert hashlib.sha1(new.replace(b"\r\n", b"\n")).hexdigest() in text


def test_crlf_raw_hash_from_the_original_tool_is_a_warning(repo, gk):
    old, new = b"a\r\nb\r\n", b"a\r\nB\r\n"
    setup(repo, {"src/win.txt": old})
    write(repo, "src/win.txt", new)
    set_manifest(repo, block("src/win.txt", 2, 2, 0, hashlib.sha1(old).hexdigest(),
                             hashlib.sha1(new).hexdigest()))
    stage(repo)
    p = post(gk, repo)
    codes = [f["code"] for f in result(p)["findings"] if f["code"] != "GK-LOCK-NONE"]
    assert p.returncode == 0 and codes[0] == "GK-POST-SHA-COMPAT"


def test_names_with_spaces_and_non_ascii(repo, gk):
    setup(repo, {"src/a b.txt": "1\n", "src/\u00f1\u00e9.txt": "2\n"})
    write(repo, "src/a b.txt", "1\n2\n")
    write(repo, "src/\u00f1\u00e9.txt", "3\n")
    write(repo, "src/new \u00fc.txt", "x\n")
    text = _roundtrip(repo, gk)
    assert '`src/a b.txt`' in text
    assert '`"src/\\303\\261\\303\\251.txt"`' in text


def test_empty_files(repo, gk):
    setup(repo, {"src/e.txt": "", "src/f.txt": "x\n"})
    write(repo, "src/e.txt", "now\n")
    write(repo, "src/f.txt", "")
    write(repo, "src/new-empty.txt", "")
    text = _roundtrip(repo, gk)
    assert hashlib.sha1(b"").hexdigest() in text


def test_mode_change_only(repo, gk):
    setup(repo, {"src/run.sh": "echo\n"})
    (repo / "src/run.sh").chmod(0o755)
    text = _roundtrip(repo, gk)
    assert "- **Line Delta**: 0" in text


def test_pure_deletion_window(repo, gk):
    setup(repo, {"src/a.txt": "".join(f"{i}\n" for i in range(1, 11))})
    write(repo, "src/a.txt", "".join(f"{i}\n" for i in range(1, 11) if i not in (5, 6)))
    text = _roundtrip(repo, gk)
    assert "- **Start**: 4\n- **End**: 4" in text
