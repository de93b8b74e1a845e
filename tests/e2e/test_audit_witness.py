"""One shared, signed, witnessed trail: real repositories, real govkit processes."""

from __future__ import annotations

import json
import os
import shutil
import stat

import pytest

from support.repo import CONFIG_HOME, git

TRAIL = ".git/govkit/audit/audit.jsonl"
TXN = """
import sys
from govkit.workspace import Workspace
from govkit.txn.transaction import transaction
ws = Workspace.open('.')
with transaction(ws, 'test-write', None) as tx:
    tx.write_text(sys.argv[1], 'x')
"""


def write(repo, gk, name):
    """A govkit transaction (intent + result), run as a real process."""
    import subprocess
    import sys

    from support.repo import ROOT

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-c", TXN, name], cwd=repo, capture_output=True,
                       text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr


def commit_witnessed(repo, gk, msg):
    """A commit whose message carries the trail head, as govkit's commits do."""
    trailers = gk("audit", "trailers", cwd=repo)
    assert trailers.returncode == 0 and "Govkit-Audit-Seq:" in trailers.stdout, trailers.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", msg, "-m", trailers.stdout.strip())
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def gov(repo, gk):
    assert gk("init", cwd=repo).returncode == 0
    for i in range(4):
        write(repo, gk, f"n{i}.txt")
    return repo


def verify(gk, repo, *extra, env=None):
    p = gk("audit", "verify", "--json", *extra, cwd=repo, env=env)
    assert "Traceback" not in p.stderr
    return p, json.loads(p.stdout) if p.stdout.strip().startswith("{") else None


def errors(doc):
    return [f for f in doc["findings"] if f["severity"] == "error"]


def test_trail_lives_in_the_git_common_dir_and_is_signed(gov, gk):
    assert (gov / TRAIL).is_file() and not (gov / ".GOV" / "audit").exists()
    recs = [json.loads(x) for x in (gov / TRAIL).read_bytes().splitlines()]
    assert recs and all("hmac" in r for r in recs)
    assert git(gov, "status", "--porcelain", "--ignored", "--untracked-files=all").count(
        "govkit/audit") == 0
    p = gk("audit", "verify", "-v", cwd=gov)
    assert p.returncode == 0 and "hmac: verified" in p.stdout


def test_init_makes_a_0600_key_outside_the_repo_and_says_where(repo, gk, tmp_path):
    # A config home of its own: another test's repository can have the same root commit (same
    # content, same second), and then its key would already be there.
    home = tmp_path / "config-home"
    p = gk("init", cwd=repo, env={"XDG_CONFIG_HOME": str(home)})
    assert p.returncode == 0
    keys = list((home / "govkit" / "keys").glob("*.key"))
    rid = (repo / ".git/govkit/repo-id").read_text().strip()
    key = next(k for k in keys if k.name == f"{rid}.key")
    assert rid == git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert str(key) in p.stdout + p.stderr
    assert not str(key.resolve()).startswith(str(repo.resolve()))
    assert len(key.read_text().strip()) == 64


def test_verify_without_the_key_on_a_signed_trail_fails(gov, gk, tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "elsewhere")}
    p, doc = verify(gk, gov, env=env)
    assert p.returncode == 1 and "GK-AUDIT-NOKEY" in [f["code"] for f in errors(doc)]


def test_deleted_trail_after_witnessed_commits_fails_naming_the_commit(gov, gk):
    sha = commit_witnessed(gov, gk, "work")
    assert verify(gk, gov)[0].returncode == 0
    shutil.rmtree(gov / ".git/govkit/audit")
    p, doc = verify(gk, gov)
    assert p.returncode == 1
    assert any(f["code"] == "GK-AUDIT-WITNESS" and sha[:12] in f["message"]
               for f in errors(doc)), doc
    d = gk("doctor", cwd=gov)
    assert d.returncode == 1 and sha[:12] in d.stdout


def _cut(repo, n):
    lines = (repo / TRAIL).read_bytes().splitlines(keepends=True)
    (repo / TRAIL).write_bytes(b"".join(lines[:n]))


def test_trail_cut_to_five_records_fails_also_after_another_command(gov, gk):
    commit_witnessed(gov, gk, "work")
    _cut(gov, 5)
    p, doc = verify(gk, gov)
    assert p.returncode == 1 and {"GK-AUDIT-WITNESS", "GK-AUDIT-CUT"} & {
        f["code"] for f in errors(doc)}
    write(gov, gk, "later.txt")  # the next command appends: the evidence stays
    p, doc = verify(gk, gov)
    codes = {f["code"] for f in errors(doc)}
    assert p.returncode == 1 and "GK-AUDIT-WITNESS" in codes


def test_cut_without_any_commit_is_caught_by_the_high_water_mark(gov, gk):
    _cut(gov, 5)
    write(gov, gk, "later.txt")
    for _ in range(6):  # grows past the old length: the mark must not move on
        write(gov, gk, "again.txt")
    p, doc = verify(gk, gov)
    assert p.returncode == 1 and "GK-AUDIT-CUT" in {f["code"] for f in errors(doc)}


def test_trail_replaced_by_a_rechained_one_fails(gov, gk):
    sha = commit_witnessed(gov, gk, "work")
    from govkit.audit.record import seal

    key = next((__import__("pathlib").Path(CONFIG_HOME) / "govkit" / "keys").glob(
        (gov / ".git/govkit/repo-id").read_text().strip() + ".key")).read_text().strip()
    prev, out = None, []
    for line in (gov / TRAIL).read_bytes().splitlines():
        r = json.loads(line)
        r.pop("hash"), r.pop("hmac", None)
        r["actor"] = "mallory"
        if prev:
            r["prev_hash"] = prev
        out.append(seal(r, key.encode()))  # even re-signed with the real key
        prev = r["hash"]
    (gov / TRAIL).write_bytes(b"".join(out))
    (gov / ".git/govkit/audit/.audit.jsonl.idx").unlink()
    p, doc = verify(gk, gov)
    assert p.returncode == 1
    assert any(f["code"] == "GK-AUDIT-WITNESS" and sha[:12] in f["message"]
               and "replaced" in f["message"] for f in errors(doc)), doc


def test_two_worktrees_share_one_trail(gov, gk, tmp_path):
    git(gov, "add", "-A")
    git(gov, "commit", "-q", "-m", "gov")
    wt = tmp_path / "wt2"
    git(gov, "worktree", "add", "-q", str(wt), "-b", "other")
    before = len((gov / TRAIL).read_bytes().splitlines())
    write(wt, gk, "from-wt.txt")
    after = (gov / TRAIL).read_bytes().splitlines()
    assert len(after) == before + 2 and b"test-write" in after[-1]
    assert not (wt / ".GOV" / "audit").exists() and not (wt / ".git" / "govkit").exists()
    assert gk("audit", "verify", cwd=wt).returncode == 0
    sha = commit_witnessed(wt, gk, "on the worktree")
    shutil.rmtree(gov / ".git/govkit/audit")
    p, doc = verify(gk, wt)
    assert p.returncode == 1 and sha[:12] in json.dumps(doc)


def test_refused_command_in_a_non_governed_repo_leaves_no_untracked_file(repo, gk):
    (repo / ".GOV").mkdir()  # a layout not made by govkit init (no .gitignore anywhere)
    (repo / ".GOV" / "keep.md").write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "gov")
    p = gk("record-refinement", "WP-1-Nope", cwd=repo)
    assert p.returncode in (1, 2) and "Traceback" not in p.stderr
    assert git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all") == ""


def test_audit_file_config_is_refused_and_the_file_untouched(gov, gk):
    (gov / "src").mkdir()
    app = gov / "src" / "app.py"
    app.write_text("print('precious')\n")
    (gov / ".GOV" / "govkit.yaml").write_text("audit:\n  file: src/app.py\n")
    for args in (("audit", "verify"), ("pre-work", "WP-1-Demo"), ("doctor",)):
        p = gk(*args, cwd=gov)
        assert p.returncode == (1 if args == ("doctor",) else 2), (args, p.stdout, p.stderr)
        assert "unknown key 'audit.file'" in p.stdout + p.stderr
        assert "Traceback" not in p.stderr
    assert app.read_text() == "print('precious')\n"
    assert not list(gov.glob("src/*.quarantine.*"))


def test_a_foreign_file_or_symlink_at_the_trail_path_is_never_cut(gov, gk, tmp_path):
    victim = tmp_path / "victim.py"
    victim.write_text("print('precious')\n")
    shutil.rmtree(gov / ".git/govkit/audit")
    (gov / ".git/govkit/audit").mkdir()
    (gov / TRAIL).symlink_to(victim)
    p = gk("pre-work", "WP-1-Demo", cwd=gov)
    assert "Traceback" not in p.stderr
    (gov / TRAIL).unlink()
    (gov / TRAIL).write_text("print('not a trail')\n")
    w = gk("doctor", cwd=gov)
    assert w.returncode == 1 and "not a govkit audit trail" in w.stdout + w.stderr
    assert (gov / TRAIL).read_text() == "print('not a trail')\n"
    assert victim.read_text() == "print('precious')\n"
    assert not list((gov / ".git/govkit/audit").glob("*quarantine*"))


def test_deeply_nested_json_line_is_a_damaged_record(gov, gk):
    with open(gov / TRAIL, "ab") as fh:
        fh.write(b'{"data":' + b"[" * 100000 + b"]" * 100000 + b"}\n")
    p, doc = verify(gk, gov)
    assert p.returncode == 1 and "GK-AUDIT-PARSE" in {f["code"] for f in errors(doc)}
    s = gk("audit", "show", cwd=gov)
    assert s.returncode == 0 and "Traceback" not in s.stderr


def test_crash_doctor_then_roll_forward_names_the_intent(gov, gk, tmp_path):
    import subprocess
    import sys

    from support.repo import ROOT

    env = dict(os.environ, PYTHONPATH=str(ROOT), GOVKIT_TEST_CRASH_AT="file0")
    p = subprocess.run([sys.executable, "-c", TXN, "crash.txt"], cwd=gov, capture_output=True,
                       text=True, env=env, timeout=60)
    assert p.returncode != 0
    # Make the journal unfinishable for now: doctor must not call its intent abandoned.
    (gov / "crash.txt").write_text("edited by someone\n")
    d = gk("doctor", "--json", cwd=gov)
    found = {f["code"]: f for f in json.loads(d.stdout)["findings"]}
    assert "GK-DOCTOR-TXN" in found and "GK-DOCTOR-INTENT" not in found
    (gov / "crash.txt").unlink()  # back to the old content (absent): now it rolls forward
    d = gk("doctor", "--json", cwd=gov)
    assert d.returncode == 0, d.stdout
    recs = [json.loads(x) for x in (gov / TRAIL).read_bytes().splitlines()]
    intent = max(r["seq"] for r in recs if r["kind"] == "intent" and r["command"] == "test-write")
    res = [r for r in recs if r["kind"] == "result" and r["data"].get("intent") == intent]
    assert len(res) == 1 and res[0]["data"]["ok"] is True
    assert res[0]["data"]["result"]["recovered"] == "test-write"
    assert not any("abandoned" in json.dumps(r) for r in recs)


def test_attest_is_durable_and_verifies(gov, gk):
    import subprocess
    import sys

    from support.repo import ROOT

    code = ("from govkit.workspace import Workspace\nfrom govkit.audit import recorder\n"
            "ws = Workspace.open('.')\n"
            "print(recorder.attest(ws, 'post-work', 'WP-1-Demo', {'tree': 'abc'}))\n"
            "print(recorder.head(ws))\n")
    p = subprocess.run([sys.executable, "-c", code], cwd=gov, capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert p.returncode == 0, p.stderr
    last = json.loads((gov / TRAIL).read_bytes().splitlines()[-1])
    assert last["kind"] == "attest" and last["data"] == {"tree": "abc"}
    assert str((last["seq"], last["hash"])) in p.stdout
    assert gk("audit", "verify", cwd=gov).returncode == 0
    assert "attest" in gk("audit", "show", "--kind", "attest", cwd=gov).stdout


def test_record_file_witness_is_checked(gov, gk):

    trailers = gk("audit", "trailers", cwd=gov).stdout
    seq = int(trailers.split("Govkit-Audit-Seq: ")[1].split()[0])
    h = trailers.split("Govkit-Audit-Head: ")[1].split()[0]
    tid = trailers.split("Govkit-Audit-Trail: ")[1].split()[0]
    rec = gov / ".GOV" / "records" / "WP-1-Demo" / "0001-LOCK.json"
    rec.parent.mkdir(parents=True)
    rec.write_text(json.dumps({"witness": {"seq": seq, "hash": h, "trail": tid}}))
    (gov / ".GOV" / "records" / "WP-1-Demo" / "0002-BAD.json").write_text("{not json")
    assert verify(gk, gov)[0].returncode == 0
    _cut(gov, seq - 1)
    (gov / ".git/govkit/audit/.audit.jsonl.idx").unlink()
    p, doc = verify(gk, gov)
    assert p.returncode == 1
    assert any(f.get("path") == ".GOV/records/WP-1-Demo/0001-LOCK.json" for f in errors(doc))


def test_checkpoint_ref_witnesses_the_head(gov, gk, tmp_path, monkeypatch):
    kd = tmp_path / "opkeys"
    env = {"GOVKIT_KEY_DIR": str(kd)}
    p = gk("keys", "init", "--key-id", "op", cwd=gov, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    p = gk("audit", "checkpoint", cwd=gov, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    ref = git(gov, "rev-parse", "refs/govkit/audit-checkpoint").strip()
    assert "Govkit-Audit-Seq:" in git(gov, "log", "-1", "--format=%B", ref)
    cps = list((gov / ".GOV" / "checkpoints").glob("audit-*.json"))
    assert len(cps) == 1
    assert gk("audit", "verify", "--checkpoint", str(cps[0]), cwd=gov).returncode == 0
    shutil.rmtree(gov / ".git/govkit/audit")
    p, doc = verify(gk, gov)
    msgs = json.dumps(errors(doc))
    assert p.returncode == 1 and "refs/govkit/audit-checkpoint" in msgs
    assert str(cps[0].relative_to(gov)) in msgs


def test_other_clones_witnesses_are_not_judged_here(gov, gk, tmp_path):
    commit_witnessed(gov, gk, "work")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(gov), str(clone))
    # the clone has its own trail (own common dir): the first commit's witness is not its own
    write(clone, gk, "c.txt")
    p, doc = verify(gk, clone)
    assert p.returncode == 0, doc
    assert "GK-AUDIT-WITNESS-OTHER" in {f["code"] for f in doc["findings"]}


def test_ci_resumes_its_verified_prefix_and_still_sees_a_cut_trail(gov, gk):
    """`govkit ci` keeps a verified prefix (govkit.audit.vcache) so it walks only new records;
    a trail cut under it is still a FAIL naming the commit that witnessed the lost record."""
    sha = commit_witnessed(gov, gk, "work")
    first = gk("ci", "--json", cwd=gov)
    again = gk("ci", "--json", cwd=gov)
    assert first.returncode == 0 and again.returncode == 0, first.stdout + first.stderr
    facts = json.loads(again.stdout)["facts"]
    assert facts["audit_resumed_at_seq"] > 0 and facts["audit_witnesses"] >= 1
    assert (gov / ".git/govkit/audit/.verified.json").is_file()
    trail = gov / TRAIL
    lines = trail.read_bytes().splitlines(keepends=True)
    trail.write_bytes(b"".join(lines[:3]))
    cut = gk("ci", "--json", cwd=gov)
    assert cut.returncode == 1, cut.stdout
    found = [f for f in json.loads(cut.stdout)["findings"] if f["code"] == "GK-AUDIT-WITNESS"]
    assert found and sha[:12] in found[0]["message"]


def test_ci_in_a_fresh_clone_says_the_witnesses_are_not_judged_here(gov, gk, tmp_path):
    commit_witnessed(gov, gk, "work")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(gov), str(clone))
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "empty-config"))
    p = gk("ci", "--json", "-v", cwd=clone, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    codes = {f["code"]: f["severity"] for f in json.loads(p.stdout)["findings"]}
    assert codes.get("GK-AUDIT-NO-TRAIL") == "info"
