"""Bad input for post-work/manifest: a clear message, exit 2 or a FAIL finding, never a crash."""

from __future__ import annotations

import hashlib
import os

from support.postwork import (
    WP,
    block,
    errors,
    messages,
    packet,
    post,
    result,
    set_manifest,
    setup,
    stage,
    warnings,
    write,
)

OLD, NEW = b"l1\nl2\n", b"l1\nX\nl3\n"
PRE, POST = hashlib.sha1(OLD).hexdigest(), hashlib.sha1(NEW).hexdigest()


def _change(repo):
    setup(repo, {"src/a.txt": OLD})
    write(repo, "src/a.txt", NEW)
    stage(repo)


def _exit2(p, *needles):
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr, p.stderr
    for n in needles:
        assert n in p.stderr, (n, p.stderr)


def test_non_numeric_fields(repo, gk):
    _change(repo)
    set_manifest(repo, block("src/a.txt", "two", "<line>", "x", PRE, POST))
    p = post(gk, repo)
    assert p.returncode == 1
    assert "C701-G01" in errors(p)      # <line> is a placeholder: the anchor is missing
    set_manifest(repo, block("src/a.txt", "two", 3, "1e3", PRE, POST))
    p = post(gk, repo)
    assert "Start/End must be integers" in messages(p)
    assert "Line Delta must be an integer" in messages(p)


def test_end_before_start(repo, gk):
    _change(repo)
    set_manifest(repo, block("src/a.txt", 3, 2, 1, PRE, POST))
    p = post(gk, repo)
    assert errors(p) == ["C701-G02"] and "1 <= Start <= End" in messages(p)
    set_manifest(repo, block("src/a.txt", 2, 9, 1, PRE, POST))
    p = post(gk, repo)
    # compat clamps a window past the end of the file (issue #12, cause 5); strict fails it.
    assert errors(p) == [] and "GK-POST-WINDOW-CLAMP" in warnings(p)
    assert "after the last line" in messages(p)


def test_duplicate_blocks_and_fields(repo, gk):
    _change(repo)
    b = block("src/a.txt", 2, 3, 1, PRE, POST)
    set_manifest(repo, b + "\n" + b.replace("`src/a.txt`", "`./src/a.txt`"))
    p = post(gk, repo)
    assert "GK-POST-MANIFEST-DUP" in errors(p)
    set_manifest(repo, b.replace("- **End**: 3\n", "- **End**: 3\n- **end**: 9\n"))
    p = post(gk, repo)
    assert errors(p) == ["GK-POST-MANIFEST-DUPFIELD"]


def test_fields_before_target_are_an_error(repo, gk):
    _change(repo)
    set_manifest(repo, "- **Start**: 1\n" + block("src/a.txt", 2, 3, 1, PRE, POST))
    p = post(gk, repo)
    assert errors(p) == ["GK-POST-MANIFEST-ORPHAN"]
    # lower-case labels are read (the original silently dropped them)
    set_manifest(repo, block("src/a.txt", 2, 3, 1, PRE, POST).replace("**Start**", "**start**"))
    assert post(gk, repo).returncode == 0


def test_empty_target_and_outside_repo(repo, gk):
    _change(repo)
    good = block("src/a.txt", 2, 3, 1, PRE, POST)
    for target, needle in (("", "missing required field(s): Target File"),
                           ("../etc/passwd", "leaves the repository"),
                           ("/etc/passwd", "absolute path")):
        set_manifest(repo, good + "\n" + block(target, 1, 1, 0, PRE, POST))
        p = post(gk, repo)
        assert p.returncode == 1 and needle in messages(p), messages(p)


def test_target_through_symlink(repo, gk):
    _change(repo)
    os.symlink(repo / "src", repo / "link")
    set_manifest(repo, block("src/a.txt", 2, 3, 1, PRE, POST) + "\n"
                 + block("link/a.txt", 2, 3, 1, PRE, POST))
    p = post(gk, repo)
    assert p.returncode == 1 and "symlink" in messages(p)
    assert "C701-G06" in errors(p)


def test_bad_range_and_revisions(repo, gk):
    _change(repo)
    _exit2(gk("post-work", WP, "--range", "HEAD", cwd=repo), "--range must be 'A..B'")
    _exit2(gk("post-work", WP, "--range", "a..b..c", cwd=repo), "--range must be 'A..B'")
    _exit2(gk("post-work", WP, "--range", "HEAD...HEAD", cwd=repo), "--range must be 'A..B'")
    _exit2(gk("post-work", WP, "--range", "nope..HEAD", cwd=repo), "unknown revision 'nope'")
    _exit2(gk("post-work", WP, "--range", "--output=x..HEAD", cwd=repo), "unknown revision")
    _exit2(gk("post-work", WP, "--rev", "deadbeef", cwd=repo), "unknown revision")
    _exit2(gk("post-work", WP, "--rev", "HEAD", "--range", "HEAD~1..HEAD", cwd=repo),
           "either --range or --rev")
    root = gk("post-work", WP, "--rev", "HEAD~2", cwd=repo)   # the initial commit has no parent
    _exit2(root, "parent commit")
    _exit2(gk("manifest", WP, "--range", "x", cwd=repo), "--range must be 'A..B'")
    _exit2(gk("post-work", "WP-1-Nope", cwd=repo), "unknown work packet")


def test_packet_without_validation_section(repo, gk):
    _change(repo)
    text = packet(repo).read_text()
    head, rest = text.split("## VALIDATION\n", 1)
    packet(repo).write_text(head + "## NOTES\n" + rest)
    p = post(gk, repo)
    assert p.returncode == 1 and "GK-POST-VALIDATION" in errors(p)
    before = packet(repo).read_bytes()
    _exit2(gk("manifest", WP, "--write", cwd=repo), "no ## VALIDATION section")
    assert packet(repo).read_bytes() == before


def test_json_always_parses_on_failure(repo, gk):
    _change(repo)
    set_manifest(repo, "- **Target File**:\n- **Start**:\n")
    p = post(gk, repo)
    assert p.returncode == 1 and result(p)["verdict"] == "FAIL"
