"""govkit run / changeset check refusals: every validation happens before any byte is written."""

from __future__ import annotations

import os

import pytest

from support import runkit as rk

WP = rk.WP


def refused(gk, repo, cs, code):
    before = rk.fingerprint(repo)
    p = gk("run", WP, "--changeset", cs, "--json", cwd=repo)
    assert p.returncode == 1, p.stdout + p.stderr
    assert code in rk.errors(p), p.stdout
    assert rk.fingerprint(repo) == before and rk.runs(repo) == []
    c = gk("changeset", "check", WP, cs, "--json", cwd=repo)
    assert c.returncode == 1 and code in rk.errors(c)
    return rk.report(p)


def test_stale_before_sha_names_path_and_both_ids(repo, gk, tmp_path):
    rk.setup(repo)
    edit = rk.modify(repo, "src/app.py", "X = 1\n")
    stale = edit["before_sha"]
    (repo / "src/app.py").write_text("def rule():\n    return False\n")
    rk.commit(repo, "someone else changed it")
    rep = refused(gk, repo, rk.changeset(tmp_path / "cs.json", [edit]), "GK-CS-STALE")
    msg = next(f["message"] for f in rep["findings"] if f["code"] == "GK-CS-STALE")
    assert "src/app.py" in msg and stale in msg and rk.before(repo, "src/app.py") in msg


def test_out_of_scope_governance_and_dotgit_paths(repo, gk, tmp_path):
    rk.setup(repo, scope=("src/app.py",))
    (repo / "docs").mkdir()
    for edits, code in (
            ([{"path": "docs/x.md", "mode": "add", "after": "x\n"}], "GK-CS-SCOPE"),
            ([rk.modify(repo, "src/util.py", "Y = 1\n")], "GK-CS-SCOPE"),
            ([{"path": ".GOV/x.md", "mode": "add", "after": "x\n"}], "GK-CS-PATH"),
            ([{"path": ".git/hooks/pre-commit", "mode": "add", "after": "x\n"}], "GK-CS-PATH"),
            ([{"path": "../escape.py", "mode": "add", "after": "x\n"}], "GK-CS-PATH"),
            ([{"path": "/tmp/abs.py", "mode": "add", "after": "x\n"}], "GK-CS-PATH")):
        refused(gk, repo, rk.changeset(tmp_path / "cs.json", edits), code)
    assert not (tmp_path / "escape.py").exists()


def test_path_through_a_symlink_is_refused(repo, gk, tmp_path):
    rk.setup(repo)
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, repo / "src" / "link")
    rk.commit(repo, "a symlink into the scope")
    cs = rk.changeset(tmp_path / "cs.json", [{"path": "src/link/evil.py", "mode": "add",
                                              "after": "x\n"}])
    rep = refused(gk, repo, cs, "GK-CS-PATH")
    assert any("symlink" in f["message"] for f in rep["findings"])
    assert not (outside / "evil.py").exists()


def test_patch_touching_a_second_file_and_a_patch_that_does_not_apply(repo, gk, tmp_path):
    rk.setup(repo)
    two = ("--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n def rule():\n-    return True\n"
           "+    return 1\n--- a/src/util.py\n+++ b/src/util.py\n@@ -1,2 +1,2 @@\n"
           " def helper():\n-    return 1\n+    return 2\n")
    edit = {"path": "src/app.py", "mode": "modify", "patch": two,
            "before_sha": rk.before(repo, "src/app.py")}
    rep = refused(gk, repo, rk.changeset(tmp_path / "cs.json", [edit]), "GK-CS-PATCH")
    assert any("src/util.py" in f["message"] for f in rep["findings"])
    bad = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n def nope():\n-    x\n+    y\n"
    edit["patch"] = bad
    refused(gk, repo, rk.changeset(tmp_path / "cs.json", [edit]), "GK-CS-PATCH")


def test_patch_with_wrong_hunk_counts_applies(repo, gk, tmp_path):
    rk.setup(repo)
    # The counts say 9 lines; --recount accepts what models write.
    patch = ("--- a/src/app.py\n+++ b/src/app.py\n@@ -1,9 +1,9 @@\n def rule():\n"
             "-    return True\n+    return 1 == 1\n")
    cs = rk.changeset(tmp_path / "cs.json", [{"path": "src/app.py", "mode": "modify",
                                              "patch": patch,
                                              "before_sha": rk.before(repo, "src/app.py")}])
    p = gk("run", WP, "--changeset", cs, cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    assert (repo / "src/app.py").read_text() == "def rule():\n    return 1 == 1\n"


@pytest.mark.parametrize("what", ["modified", "staged"])
def test_dirty_tree_is_refused_and_left_alone(repo, gk, tmp_path, what):
    rk.setup(repo)
    (repo / "src/util.py").write_text("my work in progress\n")
    if what == "staged":
        rk.git(repo, "add", "src/util.py")
    before = rk.fingerprint(repo)
    cs = rk.changeset(tmp_path / "cs.json", [rk.modify(repo, "src/app.py", "X = 1\n")])
    p = gk("run", WP, "--changeset", cs, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-RUN-DIRTY" in rk.errors(p)
    assert rk.fingerprint(repo) == before
    assert (repo / "src/util.py").read_text() == "my work in progress\n"


def test_schema_errors_add_existing_and_modify_missing(repo, gk, tmp_path):
    rk.setup(repo)
    refused(gk, repo, rk.changeset(tmp_path / "cs.json", [{"path": "src/app.py",
                                                          "mode": "modify", "after": "x"}]),
            "GK-CS-SCHEMA")  # no before_sha
    refused(gk, repo, rk.changeset(tmp_path / "cs.json", [{"path": "src/app.py", "mode": "add",
                                                          "after": "x"}]), "GK-CS-EXISTS")
    refused(gk, repo, rk.changeset(tmp_path / "cs.json", [{
        "path": "src/none.py", "mode": "delete", "before_sha": "0" * 40}]), "GK-CS-MISSING")
    (tmp_path / "bad.json").write_text("{not json")
    p = gk("run", WP, "--changeset", str(tmp_path / "bad.json"), cwd=repo)
    assert p.returncode == 2 and "not valid JSON" in p.stderr and "Traceback" not in p.stderr


def test_stamp_fills_before_sha(repo, gk, tmp_path):
    rk.setup(repo)
    cs = rk.changeset(tmp_path / "cs.json", [{"path": "src/app.py", "mode": "modify",
                                              "after": "def rule():\n    return 2 > 1\n"}])
    p = gk("changeset", "stamp", cs, cwd=repo)
    assert p.returncode == 0, p.stderr
    assert rk.report(gk("changeset", "check", WP, cs, "--json", cwd=repo))["verdict"] == "PASS"
    import json
    assert json.loads(open(cs).read())["edits"][0]["before_sha"] == rk.before(repo, "src/app.py")


def test_dirty_run_record_blocks_runs_and_doctor_shows_it(repo, gk, tmp_path):
    rk.setup(repo)
    runs = repo / ".git" / "govkit" / "runs"  # the state dir lives in the git directory
    runs.mkdir(parents=True)
    (runs / "r1.json").write_text('{"id": "r1", "state": "dirty", "differences": '
                                  '["src/app.py: content differs from before the run"]}')
    cs = rk.changeset(tmp_path / "cs.json", [rk.modify(repo, "src/app.py", "X = 1\n")])
    p = gk("run", WP, "--changeset", cs, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-RUN-DIRTY-SENTINEL" in rk.errors(p)
    assert "src/app.py: content differs" in p.stdout
    d = gk("doctor", "--json", cwd=repo)
    assert d.returncode == 1 and "r1.json" in d.stdout
    (runs / "r1.json").unlink()
    assert gk("run", WP, "--changeset", cs, cwd=repo).returncode == 0
