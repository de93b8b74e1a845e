"""govkit.audit.vcache: ci's verified prefix never changes a verdict (tamper, cut, forge,
rotate, new witnesses of old records), and only the new tail is walked when nothing changed."""

from __future__ import annotations

import json

import pytest

from govkit.audit import vcache
from govkit.audit.record import GENESIS, seal
from govkit.audit.verify import verify_trail
from govkit.audit.witness import Witness

KEY = b"k" * 32


def write(path, start: int, n: int, prev: str, key=KEY) -> list[str]:
    hashes = []
    with open(path, "ab") as fh:
        for seq in range(start, start + n):
            rec = {"seq": seq, "ts": "2026-01-01T00:00:00.000000Z", "kind": "event",
                   "actor": "t", "command": "c", "wp": None, "data": {"n": seq},
                   "prev_hash": prev}
            fh.write(seal(rec, key))
            prev = rec["hash"]
            hashes.append(prev)
    return hashes


def check(path, wits=(), key=KEY):
    r = verify_trail(path, key, all_problems=False, witnesses=list(wits), cached=True)
    return r, sorted(f.code for f in r.findings if f.severity == "error")


@pytest.fixture
def trail(tmp_path):
    p = tmp_path / "audit.jsonl"
    hashes = write(p, 1, 50, GENESIS)
    return p, hashes


def test_second_run_resumes_after_the_verified_prefix(trail):
    path, hashes = trail
    wits = [Witness(10, hashes[9], "commit a", "t")]
    first, errs = check(path, wits)
    assert errs == [] and first.facts["resumed_at_seq"] == 0
    assert vcache.cache_path(path).is_file()
    again, errs = check(path, wits)
    assert errs == [] and again.facts["resumed_at_seq"] == 50 and again.facts["records"] == 50
    more = write(path, 51, 5, hashes[-1])
    third, errs = check(path, wits + [Witness(53, more[2], "commit b", "t")])
    assert errs == [] and third.facts["resumed_at_seq"] == 50 and third.facts["records"] == 55


def test_a_changed_byte_in_the_prefix_is_found_by_a_full_walk(trail):
    path, _ = trail
    check(path)
    data = path.read_bytes().replace(b'"n":7}', b'"n":8}', 1)
    path.write_bytes(data)
    r, errs = check(path)
    assert r.facts["resumed_at_seq"] == 0 and errs and errs[0].startswith("GK-AUDIT-")


def test_a_cut_trail_is_judged_against_its_witnesses(trail):
    path, hashes = trail
    wits = [Witness(40, hashes[39], "commit c", "t")]
    check(path, wits)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:30]))
    r, errs = check(path, wits)
    assert r.facts["resumed_at_seq"] == 0 and "GK-AUDIT-WITNESS" in errs


def test_a_forged_cache_is_ignored(trail):
    path, _ = trail
    check(path)
    doc = json.loads(vcache.cache_path(path).read_bytes())
    doc["body"]["state"]["records"] = 999
    vcache.cache_path(path).write_text(json.dumps(doc))
    r, errs = check(path)
    assert errs == [] and r.facts["resumed_at_seq"] == 0 and r.facts["records"] == 50


def test_a_cache_made_with_another_key_is_ignored(trail, tmp_path):
    path, _ = trail
    check(path)
    r, _ = check(path, key=b"x" * 32)  # wrong key: HMAC errors, and no resume either
    assert r.facts["resumed_at_seq"] == 0


def test_a_new_witness_of_an_old_record_forces_a_full_walk(trail):
    path, hashes = trail
    check(path)
    r, errs = check(path, [Witness(5, hashes[4], "commit d", "t")])
    assert errs == [] and r.facts["resumed_at_seq"] == 0
    r, errs = check(path, [Witness(6, "f" * 64, "commit e", "t")])
    assert "GK-AUDIT-WITNESS" in errs


def test_a_known_witness_with_another_hash_is_still_an_error(trail):
    path, hashes = trail
    check(path, [Witness(5, hashes[4], "commit d", "t")])
    r, errs = check(path, [Witness(5, "e" * 64, "commit f", "t")])
    assert r.facts["resumed_at_seq"] == 50 and errs == ["GK-AUDIT-WITNESS"]


def test_tamper_in_the_new_tail_is_found(trail):
    path, hashes = trail
    check(path)
    write(path, 51, 3, hashes[-1])
    data = path.read_bytes()
    assert data.count(b'"n":53}') == 1
    path.write_bytes(data.replace(b'"n":53}', b'"n":54}'))
    r, errs = check(path)
    assert r.facts["resumed_at_seq"] == 50 and errs


def test_no_key_no_cache(tmp_path):
    p = tmp_path / "audit.jsonl"
    write(p, 1, 5, GENESIS, key=None)
    r, _ = check(p, key=None)
    assert not vcache.cache_path(p).exists()


def test_a_failed_walk_stores_nothing(trail):
    path, _ = trail
    data = path.read_bytes().replace(b'"n":7}', b'"n":8}', 1)
    path.write_bytes(data)
    check(path)
    assert not vcache.cache_path(path).exists()
