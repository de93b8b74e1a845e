"""post-work mode selection in real git repositories: staged, worktree, range, --rev, clean tree."""

from __future__ import annotations

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
    setup,
    stage,
    write,
)
from support.repo import commit_all, git

PRE = "776174c15d3390b95832eeca21c3e60c9acc8bec"
POST = "7b81a097b2db63596195a2e4cb242de1f5df7108"
BASE = {"src/a.txt": "l1\nl2\nl3\nl4\nl5\n"}
NEW = "l1\nl2\nX3\nl4\nl5\nl6\n"


def _vector1(repo, end=6):
    setup(repo, BASE)
    write(repo, "src/a.txt", NEW)
    set_manifest(repo, block("src/a.txt", 1, end, 1, PRE, POST,
                             "  - [x] all_links_resolvable"))


def test_vector1_staged_happy_path(repo, gk):
    _vector1(repo)
    stage(repo)
    p = post(gk, repo)
    r = result(p)
    assert p.returncode == 0, messages(p)
    assert r["facts"]["mode"] == "staged"
    # Unticked gate boxes are never errors; the computed gates are printed.
    assert r["facts"]["gate anchors_present"].startswith("PASS")
    assert "10/10" in r["facts"]["gates"]
    # A whole-file window passes but is flagged as wider than the change.
    assert "GK-POST-WINDOW-WIDE" in [f["code"] for f in r["findings"]]
    text = gk("post-work", WP, cwd=repo).stdout
    assert "gate rails_untouched_outside_window: PASS" in text


def test_vector1_end5_is_outside_window(repo, gk):
    _vector1(repo, end=5)
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1
    assert errors(p) == ["C701-G04"], messages(p)
    assert result(p)["facts"]["gate rails_untouched_outside_window"].startswith("FAIL")


def test_end5_window_inside_file_but_hunk_outside(repo, gk):
    setup(repo, {"src/a.txt": "l1\nl2\nl3\nl4\nl5\nl6\nl7\n"})
    write(repo, "src/a.txt", "l1\nl2\nX3\nl4\nl5\nl6\nX7\n")
    pre = __import__("hashlib").sha1(b"l1\nl2\nl3\nl4\nl5\nl6\nl7\n").hexdigest()
    postsha = __import__("hashlib").sha1(b"l1\nl2\nX3\nl4\nl5\nl6\nX7\n").hexdigest()
    set_manifest(repo, block("src/a.txt", 1, 5, 0, pre, postsha))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and errors(p) == ["C701-G04"], messages(p)
    assert "@@ -7,1 +7,1 @@" in messages(p)


def test_generated_manifest_passes_before_and_after_commit(repo, gk):
    setup(repo, BASE)
    write(repo, "src/a.txt", NEW)
    stage(repo)
    manifest_write(gk, repo)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    assert result(p)["facts"]["mode"] == "staged"
    assert "GK-POST-WINDOW-WIDE" not in messages(p)
    commit_all(repo, "work")
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    r = result(p)
    assert r["facts"]["mode"] == "range"
    assert "MERGE_BASE_SHA" in r["facts"]["reason"]
    # Re-writing the manifest after the commit changes nothing and keeps the verdict.
    before = packet(repo).read_bytes()
    manifest_write(gk, repo)
    assert packet(repo).read_bytes() == before


def test_manifest_written_after_commit_keeps_range_mode(repo, gk):
    setup(repo, BASE)
    write(repo, "src/a.txt", NEW)
    commit_all(repo, "work")
    manifest_write(gk, repo)          # the packet is now dirty: governance files never flip the mode
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    assert result(p)["facts"]["mode"] == "range"


def test_worktree_mode_includes_untracked_new_files(repo, gk):
    setup(repo, BASE)
    write(repo, "src/a.txt", NEW)
    write(repo, "src/new.txt", "n1\nn2\n")
    manifest_write(gk, repo)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    r = result(p)
    assert r["facts"]["mode"] == "worktree" and r["facts"]["manifest_entries"] == 2
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 0 and result(p)["facts"]["mode"] == "staged", messages(p)


def test_staged_mode_warns_about_unstaged_changes(repo, gk):
    setup(repo, {**BASE, "src/b.txt": "b\n"})
    write(repo, "src/a.txt", NEW)
    stage(repo)
    manifest_write(gk, repo)
    write(repo, "src/b.txt", "b2\n")
    p = post(gk, repo)
    assert p.returncode == 0 and "GK-POST-UNSTAGED" in messages(p)


def test_explicit_range_and_rev(repo, gk):
    setup(repo, BASE)
    c0 = git(repo, "rev-parse", "HEAD").strip()
    write(repo, "src/a.txt", NEW)
    c1 = commit_all(repo, "work")
    manifest_write(gk, repo, "--range", f"{c0}..{c1}")
    commit_all(repo, "manifest")
    p = post(gk, repo, "--range", f"{c0}..{c1}")
    assert p.returncode == 0, messages(p)
    assert result(p)["facts"]["reason"] == "explicit --range"
    p = post(gk, repo, "--rev", c1)
    assert p.returncode == 0, messages(p)
    assert result(p)["facts"]["base"] == c0
    # The manifest commit alone changes only the packet: no work, FAIL.
    p = post(gk, repo, "--rev", "HEAD")
    assert p.returncode == 1 and "GK-POST-NOCHANGE" in errors(p)


def test_vector10_merge_base_sha_with_trailing_comment_is_used(repo, gk):
    base = setup(repo, BASE)
    text = packet(repo).read_text()
    packet(repo).write_text(text.replace(f"- MERGE_BASE_SHA: {base}",
                                         f"- MERGE_BASE_SHA: {base} (git merge-base main HEAD)"))
    commit_all(repo, "checkpoint 2")
    write(repo, "src/a.txt", NEW)
    commit_all(repo, "work")
    manifest_write(gk, repo)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    r = result(p)
    assert "packet MERGE_BASE_SHA" in r["facts"]["reason"] and r["facts"]["base"] == base


def test_clean_tree_falls_back_to_merge_base_with_main(repo, gk):
    setup(repo, BASE, )
    text = packet(repo).read_text()
    import re
    packet(repo).write_text(re.sub(r"- MERGE_BASE_SHA: \w+", "- MERGE_BASE_SHA: <pending>", text))
    commit_all(repo, "checkpoint")
    main_head = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "switch", "-q", "-c", "feat/WP-1-Demo")
    write(repo, "src/a.txt", NEW)
    commit_all(repo, "work")
    manifest_write(gk, repo)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    r = result(p)
    assert "merge-base(main, HEAD)" in r["facts"]["reason"] and r["facts"]["base"] == main_head


def test_clean_tree_first_parent_fallback(repo, gk):
    setup(repo, BASE)
    text = packet(repo).read_text()
    import re
    packet(repo).write_text(re.sub(r"- MERGE_BASE_SHA: \w+", "- MERGE_BASE_SHA: <pending>", text))
    write(repo, "src/a.txt", NEW)
    commit_all(repo, "work")
    manifest_write(gk, repo)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    assert "first parent" in result(p)["facts"]["reason"]


def test_no_changes_fails(repo, gk):
    setup(repo, BASE)
    p = post(gk, repo, "--rev", "HEAD")
    assert p.returncode == 1 and "GK-POST-NOCHANGE" in errors(p)
