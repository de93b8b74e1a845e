"""Issue #12, post-work causes 1-7: shapes from real repositories of the original's layout, and
their verdict per profile (compat reaches the original's verdict, strict refuses the practice)."""

from __future__ import annotations

import hashlib

from support.postwork import (
    block,
    errors,
    messages,
    post,
    result,
    set_manifest,
    setup,
    stage,
    warnings,
    write,
)

OLD = b"l1\nl2\nl3\nl4\nl5\n"
NEW = b"l1\nl2\nX3\nl4\nl5\nl6\n"
PRE, POST = hashlib.sha1(OLD).hexdigest(), hashlib.sha1(NEW).hexdigest()
EMPTY = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
TICK = "  - [x] all_links_resolvable"


def _strict(repo):
    write(repo, ".GOV/govkit.yaml", "profile: strict\n")


def _codes(p, sev):
    return [f["code"] for f in result(p)["findings"] if f["severity"] == sev]


def test_cause1_new_file_with_empty_content_sha(repo, gk):
    setup(repo, {"src/keep.txt": "k\n"})
    write(repo, "src/new.txt", "a\nb\n")
    post_sha = hashlib.sha1(b"a\nb\n").hexdigest()
    set_manifest(repo, block("src/new.txt", 1, 2, 2, EMPTY, post_sha, TICK))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    assert "GK-POST-SHA-EMPTY" in _codes(p, "info")


def test_cause1_empty_sha_is_not_accepted_for_an_existing_file(repo, gk):
    setup(repo, {"src/a.txt": OLD})
    write(repo, "src/a.txt", NEW)
    set_manifest(repo, block("src/a.txt", 3, 6, 1, EMPTY, POST, TICK))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and errors(p) == ["C701-G08"]


def test_cause2_citation_path_with_at_sign(repo, gk):
    setup(repo, {"src/a.txt": OLD, "assets/packs/router_pack@1.json": "{}\n"},
          scope=("src/", "assets/"),
          mapping="- rule 1 -> `assets/packs/router_pack@1.json:1`\n")
    write(repo, "src/a.txt", NEW)
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, POST, TICK))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    assert result(p)["facts"]["gate all_links_resolvable"].startswith("PASS")


def test_cause2_missing_cited_file_still_fails(repo, gk):
    setup(repo, {"src/a.txt": OLD}, mapping="- rule 1 -> assets/packs/gone@1.json:1\n")
    write(repo, "src/a.txt", NEW)
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, POST, TICK))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and "GK-POST-LINK" in errors(p)
    assert "assets/packs/gone@1.json" in messages(p)


FENCED = """- Run the tests:
  ```bash
  python -m pytest
python -m pytest -k one
  ```

"""


def test_cause3_unbalanced_fence_in_list_item_keeps_sections(repo, gk):
    setup(repo, {"src/a.txt": OLD})
    write(repo, "src/a.txt", NEW)
    text = (repo / ".GOV/task_packets/WP-1-Demo.md").read_text()
    text = text.replace("## WAIVERS GRANTED", "## TEST_PLAN\n" + FENCED + "## WAIVERS GRANTED")
    write(repo, ".GOV/task_packets/WP-1-Demo.md", text)
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, POST, TICK))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    fence = [f for f in result(p)["findings"] if f["code"] == "GK-MD-FENCE"]
    want = text.split("\n").index("## WAIVERS GRANTED") + 1
    assert len(fence) == 1 and fence[0]["line"] == want


def test_cause3_hidden_wrong_manifest_is_judged(repo, gk):
    # The swallowed VALIDATION section is read: a wrong manifest in it fails.
    setup(repo, {"src/a.txt": OLD})
    write(repo, "src/a.txt", NEW)
    text = (repo / ".GOV/task_packets/WP-1-Demo.md").read_text()
    text = text.replace("## WAIVERS GRANTED", "## TEST_PLAN\n" + FENCED + "## WAIVERS GRANTED")
    write(repo, ".GOV/task_packets/WP-1-Demo.md", text)
    set_manifest(repo, block("src/a.txt", 3, 6, 7, PRE, POST, TICK))
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and errors(p) == ["C701-G05"], messages(p)


FREE_TEXT = """**Waiver ID:** CX-573F-2026-01
**Scope:** docs/x.md
**Approver:** operator (chat 2026-01-02)
**Expiry:** 2999-12-31
"""

PARAGRAPH = ("Operator approved a git hygiene waiver [CX-573F] for this WP because the docs "
             "fix was requested in the same session.\n")


def _waiver_case(repo, gk, waivers, strict=False):
    if strict:
        _strict(repo)
    setup(repo, {"src/a.txt": OLD, "docs/x.md": "d\n"}, waivers=waivers)
    write(repo, "src/a.txt", NEW)
    write(repo, "docs/x.md", "d2\n")
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, POST, TICK)
                 + block("docs/x.md", 1, 1, 0, hashlib.sha1(b"d\n").hexdigest(),
                         hashlib.sha1(b"d2\n").hexdigest(), TICK))
    stage(repo)
    return post(gk, repo)


def test_cause4_nearly_structured_waiver(repo, gk):
    p = _waiver_case(repo, gk, FREE_TEXT)
    assert p.returncode == 0, messages(p)
    assert "GK-POST-SCOPE" in warnings(p) and "waived by CX-573F-2026-01" in messages(p)


def test_cause4_free_text_waiver_is_legacy_in_compat(repo, gk):
    p = _waiver_case(repo, gk, PARAGRAPH)
    assert p.returncode == 0, messages(p)
    assert "GK-POST-WAIVER-LEGACY" in warnings(p) and "strict: FAIL" in messages(p)
    assert "WAIVER_ID" in " ".join(f.get("hint") or "" for f in result(p)["findings"])


def test_cause4_free_text_waiver_fails_in_strict(repo, gk):
    p = _waiver_case(repo, gk, PARAGRAPH, strict=True)
    assert p.returncode == 1 and "GK-POST-SCOPE" in errors(p)
    assert "GK-POST-WAIVER-UNLOCKED" in warnings(p)


def test_cause4_template_text_never_grants(repo, gk):
    tmpl = ("- (Record any explicit user waivers here per [CX-573F]. Include Waiver ID, Date, "
            "Scope, Justification, and Approver.)\n")
    p = _waiver_case(repo, gk, tmpl)
    assert p.returncode == 1 and "GK-POST-SCOPE" in errors(p)


def test_cause4_none_cancels_free_text_as_in_the_original(repo, gk):
    p = _waiver_case(repo, gk, PARAGRAPH + "\n- NONE\n")
    assert p.returncode == 1 and "GK-POST-SCOPE" in errors(p)


def _window_past_end(repo, strict):
    if strict:
        _strict(repo)
    setup(repo, {"src/a.txt": OLD})
    write(repo, "src/a.txt", NEW)
    set_manifest(repo, block("src/a.txt", 1, 2000, 1, PRE, POST, TICK))
    stage(repo)


def test_cause5_window_past_end_compat_clamps(repo, gk):
    _window_past_end(repo, False)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    assert "GK-POST-WINDOW-CLAMP" in warnings(p) and "[1, 6]" in messages(p)


def test_cause5_window_past_end_strict_fails(repo, gk):
    _window_past_end(repo, True)
    p = post(gk, repo)
    assert p.returncode == 1 and "C701-G02" in errors(p)


def _deleted(repo, strict):
    if strict:
        _strict(repo)
    setup(repo, {"src/a.txt": OLD, "src/old.txt": "gone\n"})
    write(repo, "src/a.txt", NEW)
    (repo / "src/old.txt").unlink()
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, POST, TICK))
    stage(repo)


def test_cause6_deleted_file_without_entry_compat_warns(repo, gk):
    _deleted(repo, False)
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    assert "GK-POST-COVERAGE-DELETED" in warnings(p)


def test_cause6_deleted_file_without_entry_strict_fails(repo, gk):
    _deleted(repo, True)
    p = post(gk, repo)
    assert p.returncode == 1 and "GK-POST-COVERAGE" in errors(p)


def test_cause7_diff_selection_and_commented_merge_base(repo, gk):
    base = setup(repo, {"src/a.txt": OLD})
    text = (repo / ".GOV/task_packets/WP-1-Demo.md").read_text()
    write(repo, ".GOV/task_packets/WP-1-Demo.md",
          text.replace(f"MERGE_BASE_SHA: {base}", f"MERGE_BASE_SHA: {base} (git merge-base main "
                       "HEAD at creation)"))
    write(repo, "src/a.txt", NEW)
    set_manifest(repo, block("src/a.txt", 3, 6, 1, PRE, POST, TICK))
    from support.repo import commit_all

    commit_all(repo, "work")
    p = post(gk, repo)
    assert p.returncode == 0, messages(p)
    diff = [f["message"] for f in result(p)["findings"] if f["code"] == "GK-POST-DIFF"]
    assert diff and "packet MERGE_BASE_SHA" in diff[0] and base[:12] in diff[0]
    assert "GK-POST-MERGE-BASE-COMMENT" in _codes(p, "info")
    human = gk("post-work", "WP-1-Demo", cwd=repo)
    assert "reason: clean tree; packet MERGE_BASE_SHA..HEAD" in human.stdout
