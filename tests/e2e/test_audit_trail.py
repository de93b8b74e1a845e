"""The trail itself: records, pairing, rotation, recovery on open, redaction, keys."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from govkit.audit import files
from govkit.audit.record import GENESIS, canonical
from govkit.audit.trail import Trail
from govkit.audit.verify import verify_trail
from govkit.errors import GovkitError

KEY = b"test-audit-key-0123456789"


def lines(path):
    return [json.loads(x) for x in path.read_bytes().splitlines()]


def all_records(path):
    out = []
    for f in files.chain(path):
        out.extend(lines(f))
    return out


def codes(report):
    return [f.code for f in report.errors]


@pytest.fixture
def path(tmp_path):
    return tmp_path / "audit" / "audit.jsonl"


def test_record_format_hash_hmac_and_chain(path):
    t = Trail(path, key=KEY, actor="alice")
    s = t.record_intent("create-task-packet", "WP-1", {"files": ["a.md"]})
    t.record_result(s, result={"files": ["a.md"]})
    recs = lines(path)
    assert [r["seq"] for r in recs] == [1, 2]
    assert recs[0]["prev_hash"] == GENESIS and recs[1]["prev_hash"] == recs[0]["hash"]
    for r in recs:
        assert set(r) == {"seq", "ts", "kind", "actor", "command", "wp", "data", "prev_hash",
                          "hash", "hmac"}
        body = json.dumps({k: v for k, v in r.items() if k not in ("hash", "hmac")},
                          sort_keys=True, separators=(",", ":")).encode()
        assert body == canonical(r)
        assert r["hash"] == hashlib.sha256(body).hexdigest()
        import hmac

        assert r["hmac"] == hmac.new(KEY, body, hashlib.sha256).hexdigest()
        assert r["ts"].endswith("Z") and r["actor"] == "alice"
    assert recs[1]["kind"] == "result" and recs[1]["data"]["intent"] == 1
    assert recs[1]["command"] == "create-task-packet" and recs[1]["wp"] == "WP-1"
    assert verify_trail(path, KEY).passed


def test_pairing_index_across_processes_objects(path):
    a = Trail(path)
    s1 = a.record_intent("one")
    s2 = a.record_intent("two")
    b = Trail(path)  # another writer (state from the index, then only new bytes)
    assert not b.has_result(s1) and not b.has_result(s2)
    b.record_result(s2, error="boom")
    assert a.has_result(s2) and not a.has_result(s1)
    assert a.pending() == {s1: ["one", None]}
    with pytest.raises(GovkitError, match="not open"):
        a.record_result(s2)
    a.record_result(s1)
    assert a.pending() == {}
    rep = verify_trail(path, None)
    assert rep.passed and not [f for f in rep.findings if f.code == "GK-AUDIT-OPEN"]


def test_open_intent_is_a_warning_and_denied_record(path):
    t = Trail(path)
    t.record_intent("write", "WP-2")
    t.record_denied("write", "WP-2", "pre-work said no", {"codes": ["GK-PRE-X"]})
    rep = verify_trail(path, None)
    assert rep.passed
    assert "GK-AUDIT-OPEN" in [f.code for f in rep.warnings]
    assert lines(path)[1]["data"] == {"reason": "pre-work said no", "codes": ["GK-PRE-X"]}


def test_events_are_batched_and_flushed(path):
    t = Trail(path)
    t.record_event("pre-work", "WP-1", {"verdict": "PASS"})
    t.record_event("ci", None, {"verdict": "FAIL"})
    assert not path.exists() or path.read_bytes() == b""
    t.flush()
    assert [r["command"] for r in lines(path)] == ["pre-work", "ci"]
    t.record_event("timer", None, {})
    import time

    deadline = time.time() + 2
    while len(lines(path)) < 3 and time.time() < deadline:
        time.sleep(0.02)
    assert len(lines(path)) == 3  # flushed by the timer within ~100 ms
    t.record_event("before-intent", None, {})
    s = t.record_intent("x")
    assert [r["seq"] for r in lines(path)][-2:] == [4, s]  # events keep their order


def test_redaction_before_write(path):
    t = Trail(path, redact_patterns=[r"ACME-\d+"])
    tok = "ghp_" + "q" * 36
    t.record_intent(f"push {tok}", "WP-1", {"headers": {"Authorization": "Bearer abcdefgh12345"},
                                            "note": "id ACME-77", "err": f"failed: {tok}"})
    raw = path.read_text()
    assert tok not in raw and "abcdefgh12345" not in raw and "ACME-77" not in raw
    assert verify_trail(path, None).passed


def test_rotation_keeps_one_chain_and_waits_for_open_intents(path):
    t = Trail(path, rotate_bytes=1500)
    for i in range(10):
        s = t.record_intent("w", None, {"i": i})
        t.record_result(s)
    rotated = files.rotated(path)
    assert len(rotated) >= 3
    first = lines(path)[0]
    assert first["prev_hash"] == lines(rotated[-1])[-1]["hash"]
    assert first["seq"] == lines(rotated[-1])[-1]["seq"] + 1
    assert [r["seq"] for r in all_records(path)] == list(range(1, 21))
    assert verify_trail(path, None).passed
    # While an intent is open nothing rotates, however large the file grows.
    n_rot = len(files.rotated(path))
    s = t.record_intent("long", None, {"pad": "x" * 3000})
    for i in range(5):
        t.record_denied("d", None, "no", {"pad": "y" * 1000})
    assert len(files.rotated(path)) == n_rot
    t.record_result(s)
    t.record_denied("d", None, "no")
    assert len(files.rotated(path)) == n_rot + 1
    # A new process continues the chain from the newest rotated file.
    os.unlink(path.with_name(".audit.jsonl.idx"))
    Trail(path).record_denied("d", None, "again")
    rep = verify_trail(path, None)
    assert rep.passed, rep.to_dict()
    assert rep.facts["files"] == n_rot + 2


def test_torn_tail_is_cut_into_quarantine_with_a_warning(path, capsys):
    t = Trail(path, key=KEY)
    for i in range(3):
        t.record_denied("d", None, str(i))
    good = path.read_bytes()
    with open(path, "ab") as fh:
        fh.write(b'{"actor":"x","command":"half-writ')
    t2 = Trail(path, key=KEY)
    seq = t2.record_denied("after", None, "crash")
    err = capsys.readouterr().err
    assert "cut 1 record(s)" in err and "torn last line" in err and KEY.decode() not in err
    q = files.quarantined(path)
    assert len(q) == 1 and q[0].read_bytes() == b'{"actor":"x","command":"half-writ'
    assert path.read_bytes().startswith(good)
    recs = lines(path)
    assert recs[3]["command"] == "audit-recover" and recs[3]["data"]["cut_records"] == 1
    assert recs[-1]["seq"] == seq == 5
    rep = verify_trail(path, KEY)
    assert rep.passed and "GK-AUDIT-QUARANTINE" in [f.code for f in rep.warnings]


def test_bad_tail_record_is_cut_but_mid_file_damage_refuses(path):
    t = Trail(path, key=KEY)
    for i in range(4):
        t.record_denied("d", None, str(i))
    # A complete last line that breaks the chain (e.g. a write without the lock): cut.
    recs = path.read_bytes().splitlines(keepends=True)
    forged = json.loads(recs[-1])
    forged["seq"] = 5
    with open(path, "ab") as fh:
        fh.write(json.dumps(forged).encode() + b"\n")
    Trail(path, key=KEY).record_denied("x", None, "y")
    assert len(files.quarantined(path)) == 1
    assert verify_trail(path, KEY).passed
    # Damage in the middle followed by intact records is tampering, not a crash: nothing is cut.
    data = bytearray(path.read_bytes())
    data[data.index(b'"reason":"1"') + 10] = ord("9")
    path.write_bytes(bytes(data))
    os.unlink(path.with_name(".audit.jsonl.idx"))
    before = path.read_bytes()
    with pytest.raises(GovkitError, match="not a crash tail"):
        Trail(path, key=KEY).record_denied("x", None, "y")
    assert path.read_bytes() == before


def test_signed_trail_refuses_unsigned_appends(path):
    Trail(path, key=KEY).record_denied("d", None, "x")
    with pytest.raises(GovkitError, match="no audit key"):
        Trail(path).record_denied("d", None, "x")
    assert len(lines(path)) == 1


def test_wrong_key_on_open_is_not_a_crash_tail(path):
    t = Trail(path, key=KEY)
    for i in range(3):
        t.record_denied("d", None, str(i))
    os.unlink(path.with_name(".audit.jsonl.idx"))
    with pytest.raises(GovkitError, match="damaged"):
        Trail(path, key=b"other").record_denied("d", None, "x")


def test_stale_index_is_rebuilt(path):
    t = Trail(path)
    for i in range(3):
        t.record_denied("d", None, str(i))
    path.with_name(".audit.jsonl.idx").write_text('{"v":1,"ino":1,"pos":5,"seq":9,"hash":"x"}')
    assert Trail(path).record_denied("d", None, "x") == 4
    path.with_name(".audit.jsonl.idx").write_text("garbage{")
    assert Trail(path).record_denied("d", None, "x") == 5
    assert verify_trail(path, None).passed
