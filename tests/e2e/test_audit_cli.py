"""The audit commands and the wiring, through real `python -m govkit` processes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support.repo import ROOT, git, init_repo
from support.wsfactory import make_sample

KEY = "cli-audit-key-9f8e7d"
TRAIL = ".git/govkit/audit/audit.jsonl"


def recs(repo, rel=TRAIL):
    return [json.loads(x) for x in (repo / rel).read_bytes().splitlines()]


def py(code: str, cwd, env=None, check=True):
    import os

    full = dict(os.environ, PYTHONPATH=str(ROOT))
    full.update(env or {})
    p = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                       env=full, timeout=60)
    if check:
        assert p.returncode == 0, p.stderr
    return p


TXN = """
from govkit.workspace import Workspace
from govkit.txn.transaction import transaction
ws = Workspace.open('.')
with transaction(ws, 'test-write', 'WP-1-Demo') as tx:
    tx.write_text('notes.txt', 'hello')
"""


@pytest.fixture
def gov(repo):
    (repo / ".GOV").mkdir()
    return repo


def no_traceback(p):
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout


def test_gate_run_writes_an_event_with_verdict_digest_version_head(repo, gk):
    make_sample(repo)
    p = gk("pre-work", "WP-1-Demo", "--json", cwd=repo)
    assert p.returncode == 0, p.stderr
    ev = recs(repo)[-1]
    assert ev["kind"] == "event" and ev["command"] == "pre-work" and ev["wp"] == "WP-1-Demo"
    head = git(repo, "rev-parse", "HEAD").strip()
    from govkit import __version__

    assert ev["data"]["verdict"] == "PASS" and ev["data"]["head"] == head
    assert ev["data"]["version"] == __version__
    import hashlib

    findings = json.loads(p.stdout)["findings"]
    assert ev["data"]["findings_sha256"] == hashlib.sha256(json.dumps(
        findings, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert gk("audit", "verify", cwd=repo).returncode == 0


def test_plain_repo_gets_no_trail(repo, gk):
    gk("board-check", cwd=repo)
    gk("doctor", cwd=repo)
    assert not (repo / ".GOV").exists()


def test_transaction_writes_paired_intent_and_result(gov, gk):
    py(TXN, gov)
    r = recs(gov)
    assert [x["kind"] for x in r] == ["intent", "result"]
    assert r[0]["command"] == "test-write" and r[0]["data"]["files"] == ["notes.txt"]
    assert r[1]["data"]["intent"] == r[0]["seq"] and r[1]["data"]["ok"] is True
    p = gk("audit", "verify", "--json", cwd=gov)
    assert p.returncode == 0 and json.loads(p.stdout)["facts"]["records"] == 2


def test_crash_between_intent_and_result_is_completed_and_paired(gov, gk):
    p = py(TXN, gov, env={"GOVKIT_TEST_CRASH_AT": "journal"}, check=False)
    assert p.returncode != 0
    assert [x["kind"] for x in recs(gov)] == ["intent"]
    v = gk("audit", "verify", "--json", cwd=gov)  # opening the workspace recovers the txn
    assert v.returncode == 0, v.stdout + v.stderr
    assert "completed interrupted transaction" in v.stderr
    r = recs(gov)
    assert r[1]["kind"] == "result" and r[1]["data"]["intent"] == 1
    assert r[1]["data"]["result"]["recovered"] == "test-write WP-1-Demo"
    assert (gov / "notes.txt").read_text() == "hello"
    assert "GK-AUDIT-OPEN" not in v.stdout


def test_denied_record(gov):
    py("from govkit.workspace import Workspace\nfrom govkit.audit import recorder as hook\n"
       "ws = Workspace.open('.')\n"
       "hook.denied(ws, 'record-signature', 'WP-1', 'GK-SIG-REUSED: used before', {'n': 1})",
       gov)
    r = recs(gov)[0]
    assert r["kind"] == "denied" and r["data"] == {"reason": "GK-SIG-REUSED: used before", "n": 1}


def test_doctor_closes_abandoned_intent_and_reports(gov, gk):
    py("from govkit.workspace import Workspace\nfrom govkit.audit import recorder as hook\n"
       "ws = Workspace.open('.')\nprint(hook.intent(ws, 'half-done', 'WP-2', {}))", gov)
    p = gk("doctor", "--json", cwd=gov)
    assert p.returncode == 0, p.stdout + p.stderr
    found = {f["code"]: f for f in json.loads(p.stdout)["findings"]}
    assert "closed as abandoned" in found["GK-DOCTOR-INTENT"]["message"]
    assert found["GK-DOCTOR-KEY"]["severity"] == "info"  # the first write made the key
    r = recs(gov)
    assert r[1]["kind"] == "result" and r[1]["data"]["intent"] == 1 and not r[1]["data"]["ok"]
    v = gk("audit", "verify", "--json", cwd=gov)
    assert "GK-AUDIT-OPEN" not in v.stdout
    assert gk("doctor", cwd=gov).returncode == 0


def test_doctor_needs_the_user(gov, gk):
    (gov / ".GOV" / "govkit.yaml").write_text("audit:\n  bogus: 1\n")
    p = gk("doctor", "--json", cwd=gov)
    assert p.returncode == 1
    f = [x for x in json.loads(p.stdout)["findings"] if x["code"] == "GK-DOCTOR-CONFIG"][0]
    assert f["severity"] == "error" and "bogus" in f["message"] and f.get("hint")
    (gov / ".GOV" / "govkit.yaml").unlink()
    py(TXN, gov)
    data = bytearray((gov / TRAIL).read_bytes())
    data[20] ^= 1
    (gov / TRAIL).write_bytes(bytes(data))
    p = gk("doctor", cwd=gov)
    assert p.returncode == 1 and "GK-DOCTOR-TRAIL" in p.stdout
    assert "govkit audit verify --json" in p.stdout
    no_traceback(p)


def _tampered(gov):
    py(TXN + "\nfor i in range(3):\n    with transaction(ws, 'w', None) as tx:\n"
             "        tx.write_text('n%d.txt' % i, 'x')\n", gov)
    lines = (gov / TRAIL).read_bytes().splitlines(keepends=True)
    lines[2], lines[3] = lines[3], lines[2]
    bad = bytearray(lines[5])
    bad[40] ^= 1
    lines[5] = bytes(bad)
    (gov / TRAIL).write_bytes(b"".join(lines))


def test_verify_names_file_line_and_what_broke(gov, gk):
    _tampered(gov)
    p = gk("audit", "verify", cwd=gov)
    assert p.returncode == 1
    assert "GK-AUDIT-SEQ" in p.stdout and f"{TRAIL}:3" in p.stdout
    assert p.stdout.count("ERROR") == 1  # text stops at the first problem
    j = json.loads(gk("audit", "verify", "--json", cwd=gov).stdout)
    assert j["verdict"] == "FAIL" and len([f for f in j["findings"]
                                           if f["severity"] == "error"]) >= 3
    g = gk("--format", "gate", "audit", "verify", cwd=gov)
    assert g.returncode == 1 and "GATE_STATUS: FAIL" in g.stdout
    s = gk("audit", "verify", "--format", "sarif", cwd=gov)
    assert s.returncode == 1 and json.loads(s.stdout)["version"] == "2.1.0"


def test_verify_corrupt_file_and_bad_input(gov, gk):
    (gov / TRAIL).parent.mkdir(parents=True)
    (gov / TRAIL).write_bytes(b"\x00\xffgarbage\n{not json}\n")
    p = gk("audit", "verify", cwd=gov)
    assert p.returncode == 1 and "GK-AUDIT-PARSE" in p.stdout
    no_traceback(p)
    p = gk("audit", "verify", "--file", "nope.jsonl", cwd=gov)
    assert p.returncode == 2 and "not found" in p.stderr
    no_traceback(p)
    p = gk("audit", "show", "--since", "yesterday", cwd=gov)
    assert p.returncode == 2 and "--since" in p.stderr
    no_traceback(p)


def test_hmac_key_env_and_never_in_output(gov, gk):
    env = {"GOVKIT_AUDIT_KEY": KEY}
    py(TXN, gov, env=env)
    assert all("hmac" in r for r in recs(gov))
    ok = gk("audit", "verify", "-v", cwd=gov, env=env)
    assert ok.returncode == 0 and "hmac: verified" in ok.stdout
    nokey = gk("audit", "verify", cwd=gov)  # a signed trail without its key: FAIL
    assert nokey.returncode == 1 and "GK-AUDIT-NOKEY" in nokey.stdout
    bad = gk("audit", "verify", cwd=gov, env={"GOVKIT_AUDIT_KEY": "wrong"})
    assert bad.returncode == 1 and "GK-AUDIT-HMAC" in bad.stdout
    for p in (ok, nokey, bad, gk("doctor", cwd=gov, env=env),
              gk("audit", "show", "--json", cwd=gov, env=env)):
        assert KEY not in p.stdout + p.stderr
    assert KEY not in (gov / TRAIL).read_text()
    # Writing to a signed trail without the key fails closed (exit 2, nothing written).
    before = (gov / TRAIL).read_bytes()
    p = py(TXN.replace("notes.txt", "other.txt"), gov, check=False)
    assert p.returncode != 0 and "no audit key" in p.stderr
    assert (gov / TRAIL).read_bytes() == before


def test_key_file_missing_or_inside_repo(gov, gk, tmp_path):
    cfg = gov / ".GOV" / "govkit.yaml"
    cfg.write_text(f"audit:\n  key_file: {tmp_path / 'missing.key'}\n")
    p = gk("audit", "verify", cwd=gov)
    assert p.returncode == 2 and "audit key file not found" in p.stderr
    no_traceback(p)
    (gov / "secret.key").write_text("inrepo-secret-value")
    cfg.write_text("audit:\n  key_file: secret.key\n")
    p = gk("audit", "verify", cwd=gov)
    assert p.returncode == 2 and "inside the repository" in p.stderr
    assert "inrepo-secret-value" not in p.stderr + p.stdout
    no_traceback(p)
    keyfile = tmp_path / "outside.key"
    keyfile.write_text(KEY + "\n")
    cfg.write_text(f"audit:\n  key_file: {keyfile}\n")
    py(TXN, gov)
    assert gk("audit", "verify", cwd=gov).returncode == 0
    assert gk("audit", "verify", cwd=gov, env={"GOVKIT_AUDIT_KEY": KEY}).returncode == 0


def test_show_filters(gov, gk):
    py(TXN, gov)
    py("from govkit.workspace import Workspace\nfrom govkit.audit import recorder as hook\n"
       "ws = Workspace.open('.')\nhook.denied(ws, 'x', 'WP-2', 'no')", gov)
    out = gk("audit", "show", cwd=gov).stdout.splitlines()
    assert len(out) == 3 and out[0].startswith("1 ") and " intent test-write WP-1-Demo " in out[0]
    j = json.loads(gk("audit", "show", "--wp", "WP-2", "--json", cwd=gov).stdout)
    assert [r["kind"] for r in j] == ["denied"]
    j = json.loads(gk("audit", "show", "--kind", "result", "--json", cwd=gov).stdout)
    assert [r["seq"] for r in j] == [2]
    assert json.loads(gk("audit", "show", "--since", "2999-01-01", "--json", cwd=gov).stdout) == []
    assert len(json.loads(gk("audit", "show", "--since", "2000-01-01T00:00:00+02:00", "--json",
                             cwd=gov).stdout)) == 3
    assert len(gk("audit", "show", "--limit", "1", cwd=gov).stdout.splitlines()) == 1
    assert gk("audit", "show", "--kind", "bogus", cwd=gov).returncode == 2


@pytest.fixture
def keydir(tmp_path, monkeypatch):
    d = tmp_path / "keys"
    monkeypatch.setenv("GOVKIT_KEY_DIR", str(d))
    return d


def _keys(repo, key_id="op"):
    from govkit.signing import keys
    from govkit.workspace import Workspace

    return keys.generate(Workspace(repo), key_id)


def test_checkpoint_sign_and_verify(gov, gk, keydir):
    env = {"GOVKIT_KEY_DIR": str(keydir)}
    p = gk("audit", "checkpoint", cwd=gov, env=env)
    assert p.returncode == 2 and "no audit trail" in p.stderr
    py(TXN, gov)
    p = gk("audit", "checkpoint", cwd=gov, env=env)
    assert p.returncode == 2 and "no operator key" in p.stderr and "govkit keys init" in p.stderr
    priv, pub = _keys(gov)
    assert oct(priv.stat().st_mode & 0o777) == "0o600" and pub.parent == gov / ".GOV" / "keys"
    p = gk("audit", "checkpoint", "--out", "cp.json", cwd=gov, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    cp = json.loads((gov / "cp.json").read_text())
    assert cp["records"] == cp["last_seq"] == 3 and cp["key_id"] == "op"  # + its own intent
    assert gk("audit", "verify", "--checkpoint", "cp.json", cwd=gov).returncode == 0
    py(TXN.replace("notes.txt", "more.txt"), gov)  # the trail grows: still consistent
    assert gk("audit", "verify", "--checkpoint", "cp.json", cwd=gov).returncode == 0

    # Someone without any key rewrites the whole trail consistently: only the checkpoint tells.
    from govkit.audit.record import seal

    prev, out = None, []
    for r in recs(gov):
        r.pop("hash")
        r["actor"] = "mallory"
        if prev:
            r["prev_hash"] = prev
        out.append(seal(r, None))
        prev = r["hash"]
    original = (gov / TRAIL).read_bytes()
    (gov / TRAIL).write_bytes(b"".join(out))
    p = gk("audit", "verify", "--json", cwd=gov)  # the trail's key and high-water mark tell
    assert p.returncode == 1 and "GK-AUDIT-HMAC" in p.stdout and "GK-AUDIT-CUT" in p.stdout
    p = gk("audit", "verify", "--checkpoint", "cp.json", "--json", cwd=gov)
    assert p.returncode == 1 and "GK-AUDIT-CHECKPOINT" in p.stdout

    # Records removed from the end.
    (gov / TRAIL).write_bytes(b"".join(original.splitlines(keepends=True)[:2]))
    p = gk("audit", "verify", "--checkpoint", "cp.json", "--json", cwd=gov)
    assert p.returncode == 1 and "records were removed" in p.stdout
    (gov / TRAIL).write_bytes(original)

    # An altered checkpoint (signature no longer matches).
    cp2 = dict(cp, last_seq=2)
    (gov / "cp2.json").write_text(json.dumps(cp2))
    p = gk("audit", "verify", "--checkpoint", "cp2.json", cwd=gov)
    assert p.returncode == 1 and "GK-AUDIT-CHECKPOINT-SIG" in p.stdout
    # Unreadable checkpoint: usage error.
    (gov / "cp3.json").write_text("{nope")
    p = gk("audit", "verify", "--checkpoint", "cp3.json", cwd=gov)
    assert p.returncode == 2 and "not valid JSON" in p.stderr
    no_traceback(p)


def test_checkpoint_from_another_trail(tmp_path, gk, keydir):
    a = init_repo(tmp_path / "a")
    b = init_repo(tmp_path / "b")
    for r in (a, b):
        (r / ".GOV").mkdir()
        git(r, "commit", "-q", "--allow-empty", "-m", "i")
        py(TXN, r)
    _keys(a)
    (b / ".GOV" / "keys").mkdir(parents=True)
    (b / ".GOV" / "keys" / "op.pub").write_bytes((a / ".GOV" / "keys" / "op.pub").read_bytes())
    env = {"GOVKIT_KEY_DIR": str(keydir)}
    assert gk("audit", "checkpoint", "--out", str(tmp_path / "cp.json"), cwd=a,
              env=env).returncode == 0
    assert gk("audit", "verify", "--checkpoint", str(tmp_path / "cp.json"), cwd=a).returncode == 0
    p = gk("audit", "verify", "--checkpoint", str(tmp_path / "cp.json"), cwd=b)
    assert p.returncode == 1 and "GK-AUDIT-CHECKPOINT" in p.stdout


def test_help_does_not_import_cryptography():
    p = subprocess.run([sys.executable, "-c",
                        "import sys\nfrom govkit.cli.main import main\n"
                        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
                        "print('IMPORTED' if 'cryptography' in sys.modules else 'CLEAN')"],
                       capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)})
    assert p.stdout.strip().endswith("CLEAN")


def test_doctor_reports_a_dead_holder_and_recovers_an_interrupted_transaction(gov, gk):
    p = py(TXN, gov, env={"GOVKIT_TEST_CRASH_AT": "file0"}, check=False)
    assert p.returncode != 0
    lock = gov / ".git" / "govkit" / "lock"
    lock.write_text(json.dumps({"pid": 999999, "host": __import__("socket").gethostname(),
                                "token": "x", "since": 0, "command": "record-signature"}))
    d = gk("doctor", "--json", cwd=gov)
    assert d.returncode == 0, d.stdout + d.stderr
    found = {f["code"]: f["message"] for f in json.loads(d.stdout)["findings"]}
    # The kernel freed the dead holder's lock: nothing to steal, doctor only says who it was.
    assert "ended without releasing it" in found["GK-DOCTOR-LOCK"]
    assert "completed interrupted transaction 'test-write WP-1-Demo'" in found["GK-DOCTOR-TXN"]
    assert "GK-DOCTOR-INTENT" not in found  # the recovery paired the intent itself
    assert (gov / "notes.txt").read_text() == "hello" and lock.exists()
    assert "GK-AUDIT-OPEN" not in gk("audit", "verify", "--json", cwd=gov).stdout


def test_doctor_reports_pending_runs(gov, gk):
    runs = gov / ".git" / "govkit" / "runs"
    runs.mkdir(parents=True)
    (runs / "WP-1-Demo.json").write_text("{}")
    p = gk("doctor", cwd=gov)
    assert p.returncode == 1 and "GK-DOCTOR-RUN" in p.stdout and "fix:" in p.stdout
