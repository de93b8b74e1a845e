"""Every tamper class is detected by verify (the checkpoint class is in test_audit_cli.py)."""

from __future__ import annotations

import json

import pytest

from govkit.audit import files
from govkit.audit.record import seal
from govkit.audit.trail import Trail
from govkit.audit.verify import verify_trail

KEY = b"tamper-test-key-abcdef"
FIELDS = ("seq", "ts", "kind", "actor", "command", "wp", "data", "prev_hash", "hash", "hmac")


def build(path, key=KEY, n=12, rotate=0):
    t = Trail(path, key=key, rotate_bytes=rotate, actor="op")
    for i in range(n // 4):
        s = t.record_intent("record-refinement", f"WP-{i}", {"files": [f"f{i}.md"], "n": i})
        t.record_event("pre-work", f"WP-{i}", {"verdict": "PASS", "ok": True, "x": 1.5})
        t.record_result(s, result={"files": [f"f{i}.md"]})
        t.record_denied("post-work", None, "manifest mismatch")
    t.close()
    return path.read_bytes().splitlines(keepends=True)


def check(path, key=KEY):
    return verify_trail(path, key, all_problems=True)


def errs(rep):
    return [f.code for f in rep.errors]


@pytest.fixture
def path(tmp_path):
    return tmp_path / "audit.jsonl"


def test_clean_trail_passes(path):
    build(path)
    rep = check(path)
    assert rep.passed and rep.facts["records"] == 12 and rep.facts["hmac"] == "verified"


def _value_span(line: bytes, field: str) -> tuple[int, int]:
    start = line.index(f'"{field}":'.encode()) + len(field) + 3
    depth, i, in_str = 0, start, False
    while i < len(line):  # end of the JSON value starting at `start`
        c = line[i:i + 1]
        if in_str:
            if c == b"\\":
                i += 1
            elif c == b'"':
                in_str = False
                if depth == 0:
                    return start, i + 1
        elif c == b'"':
            in_str = True
        elif c in b"{[":
            depth += 1
        elif c in b"}]":
            if depth == 0:
                return start, i
            depth -= 1
            if depth == 0:
                return start, i + 1
        elif c == b"," and depth == 0:
            return start, i
        i += 1
    return start, i


@pytest.mark.parametrize("field", FIELDS)
def test_one_byte_flipped_in_any_field_of_any_record(path, field):
    good = build(path)
    for k in range(len(good)):
        s, e = _value_span(good[k], field)
        for pos in {s, (s + e) // 2, e - 1}:
            line = bytearray(good[k])
            line[pos] ^= 0x01
            path.write_bytes(b"".join(good[:k] + [bytes(line)] + good[k + 1:]))
            rep = check(path)
            assert not rep.passed, (field, k, pos)
            assert rep.errors[0].line == k + 1, (field, k, rep.errors[0])
            if field != "hmac":  # without the key, everything but the HMAC itself is caught
                assert not check(path, None).passed, (field, k, pos)


def test_every_byte_of_three_records(path):
    good = build(path)
    for k in (0, len(good) // 2, len(good) - 1):
        for pos in range(len(good[k])):
            line = bytearray(good[k])
            line[pos] ^= 0x20 if chr(line[pos]).isalpha() else 0x01
            path.write_bytes(b"".join(good[:k] + [bytes(line)] + good[k + 1:]))
            assert not check(path).passed, (k, pos, bytes(line))


@pytest.mark.parametrize("k", [0, 5, 10])
def test_record_deleted(path, k):
    good = build(path)
    path.write_bytes(b"".join(good[:k] + good[k + 1:]))
    rep = check(path)
    assert {"GK-AUDIT-SEQ", "GK-AUDIT-CHAIN"} & set(errs(rep))
    assert not check(path, None).passed


@pytest.mark.parametrize("a,b", [(0, 1), (3, 4), (2, 9)])
def test_two_records_swapped(path, a, b):
    good = build(path)
    bad = list(good)
    bad[a], bad[b] = bad[b], bad[a]
    path.write_bytes(b"".join(bad))
    assert "GK-AUDIT-SEQ" in errs(check(path))
    assert not check(path, None).passed


def _forge(prev: dict, key=None, **over) -> bytes:
    rec = {"seq": prev["seq"] + 1, "ts": prev["ts"], "kind": "result", "actor": "mallory",
           "command": "record-signature", "wp": "WP-9", "data": {"intent": None, "ok": True},
           "prev_hash": prev["hash"], **over}
    return seal(rec, key)


@pytest.mark.parametrize("key", [None, b"guessed-key"])
def test_forged_record_inserted(path, key):
    good = build(path)
    forged = _forge(json.loads(good[4]), key)
    path.write_bytes(b"".join(good[:5] + [forged] + good[5:]))
    rep = check(path)
    assert not rep.passed and rep.errors[0].line == 6
    assert not check(path, None).passed
    # Appended at the end with a perfect chain: only the HMAC can tell.
    forged = _forge(json.loads(good[-1]), key)
    path.write_bytes(b"".join(good + [forged]))
    assert "GK-AUDIT-HMAC" in errs(check(path))
    if key is None:
        assert "GK-AUDIT-HMAC" in errs(check(path, None))  # HMAC missing after signed records


def test_tail_truncated_mid_record(path):
    good = build(path)
    blob = b"".join(good)
    path.write_bytes(blob[:-25])
    rep = check(path)
    assert errs(rep) == ["GK-AUDIT-TORN"] and rep.errors[0].line == len(good)
    assert not check(path, None).passed


@pytest.mark.parametrize("keep_hmac", [False, True])
def test_whole_file_rechained_without_the_key(path, keep_hmac):
    good = build(path)
    prev, out = None, []
    for raw in good:
        rec = json.loads(raw)
        old_mac = rec.pop("hmac")
        rec.pop("hash")
        if rec["kind"] == "denied":
            rec["data"]["reason"] = "approved after all"
        if prev is not None:
            rec["prev_hash"] = prev
        line = seal(rec, None)
        if keep_hmac:
            line = line[:-2] + f',"hmac":"{old_mac}"}}\n'.encode()
        out.append(line)
        prev = rec["hash"]
    path.write_bytes(b"".join(out))
    rep = check(path)
    assert "GK-AUDIT-HMAC" in errs(rep), rep.to_dict()
    if not keep_hmac:
        # Without the key the re-chained trail is consistent: only a checkpoint can tell.
        assert check(path, None).passed


@pytest.mark.parametrize("k", [0, 6, 11])
def test_record_hmac_removed(path, k):
    good = build(path)
    rec = json.loads(good[k])
    rec.pop("hmac")
    rec.pop("hash")
    bad = list(good)
    bad[k] = seal(rec, None)
    path.write_bytes(b"".join(bad))
    rep = check(path)
    assert errs(rep) == ["GK-AUDIT-HMAC"] and rep.errors[0].line == k + 1
    if k > 0:  # without the key: the missing HMAC, and that the signed trail went unchecked
        assert errs(check(path, None)) == ["GK-AUDIT-HMAC", "GK-AUDIT-NOKEY"]


def test_result_for_unknown_intent(path):
    good = build(path)
    rec = json.loads(good[2])
    assert rec["kind"] == "result"
    rec["data"]["intent"] = 99
    rec.pop("hmac"), rec.pop("hash")
    bad = list(good)
    bad[2] = seal(rec, KEY)
    path.write_bytes(b"".join(bad))
    assert "GK-AUDIT-PAIR" in errs(check(path))


def test_rotated_files_are_checked_in_order(path):
    build(path, n=40, rotate=2000)
    rot = files.rotated(path)
    assert len(rot) >= 2
    assert check(path).passed
    lines = rot[0].read_bytes().splitlines(keepends=True)
    rot[0].write_bytes(b"".join(lines[:-1]))  # last record of the oldest file deleted
    rep = check(path)
    assert rep.errors[0].path == str(rot[1]) and rep.errors[0].line == 1
    rot[0].unlink()  # a whole rotated file missing: the chain no longer starts at genesis
    rep = check(path)
    assert rep.errors[0].code in ("GK-AUDIT-SEQ", "GK-AUDIT-CHAIN")


def test_first_problem_only_unless_all_requested(path):
    good = build(path)
    bad = list(good)
    for k in (2, 7):
        line = bytearray(bad[k])
        line[30] ^= 1
        bad[k] = bytes(line)
    path.write_bytes(b"".join(bad))
    assert len(verify_trail(path, KEY, all_problems=False).errors) == 1
    assert [f.line for f in verify_trail(path, KEY, all_problems=True).errors][:2] == [3, 8]


def test_key_enabled_on_an_unsigned_trail(path):
    t = Trail(path)
    for i in range(3):
        t.record_denied("d", None, str(i))
    Trail(path, key=KEY).record_denied("d", None, "signed now")
    recs = [json.loads(x) for x in path.read_bytes().splitlines()]
    assert recs[3]["command"] == "audit-key-enabled" and recs[3]["data"]["unsigned_records"] == 3
    assert "hmac" in recs[3] and "hmac" not in recs[2]
    rep = check(path)
    assert rep.passed and "GK-AUDIT-UNSIGNED" in rep.codes()
    # Stripping the HMAC of signed records cannot pass as an "unsigned prefix".
    build(path.with_name("b.jsonl"))
    good = path.with_name("b.jsonl").read_bytes().splitlines(keepends=True)
    bad = []
    for raw in good[:2]:
        rec = json.loads(raw)
        rec.pop("hmac"), rec.pop("hash")
        bad.append(seal(rec, None))
    path.with_name("b.jsonl").write_bytes(b"".join(bad + good[2:]))
    rep = check(path.with_name("b.jsonl"))
    assert "GK-AUDIT-HMAC" in errs(rep) and rep.errors[0].line == 1
