"""Pure pieces of the trail: damaged lines, the high-water mark, trail ids, witness checks."""

from __future__ import annotations

import json

import pytest

from govkit.audit.record import Bad, parse
from govkit.audit.trail import Trail
from govkit.audit.verify import verify_trail
from govkit.audit.witness import Witness, high_water, trail_id
from govkit.errors import GovkitError

KEY = b"unit-key-0123456789"


def test_deeply_nested_line_is_bad_not_a_crash():
    with pytest.raises(Bad) as exc:
        parse(b'{"data":' + b"[" * 200000 + b"]" * 200000 + b"}\n")
    assert exc.value.code == "PARSE"


def test_trail_id_depends_on_key_and_place(tmp_path):
    a = trail_id(KEY, tmp_path / "a")
    assert a == trail_id(KEY, tmp_path / "a") and len(a) == 16
    assert a != trail_id(KEY, tmp_path / "b") and a != trail_id(b"other", tmp_path / "a")
    assert trail_id(None, tmp_path) is None


def _trail(path, n):
    t = Trail(path, key=KEY)
    for i in range(n):
        t.record_result(t.record_intent("c", None, {"i": i}), result={})
    t.close()


def test_high_water_mark_survives_a_cut_and_never_moves_on(tmp_path):
    path = tmp_path / "audit.jsonl"
    _trail(path, 6)
    top = json.loads(path.read_bytes().splitlines()[-1])
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:4]))
    _trail(path, 10)  # grows past the old top after the cut
    hw = high_water(path.with_name(".audit.jsonl.idx"))
    assert hw is not None and (hw.seq, hw.hash) == (top["seq"], top["hash"])
    rep = verify_trail(path, KEY, witnesses=[hw])
    assert [f.code for f in rep.errors] == ["GK-AUDIT-CUT"]


def test_witness_beyond_the_end_and_with_another_hash(tmp_path):
    path = tmp_path / "audit.jsonl"
    _trail(path, 3)
    last = json.loads(path.read_bytes().splitlines()[-1])
    ok = Witness(last["seq"], last["hash"], "commit aaaa", "t")
    assert verify_trail(path, KEY, witnesses=[ok]).passed
    far = Witness(99, "0" * 64, "commit bbbb", "t")
    rep = verify_trail(path, KEY, witnesses=[far])
    assert "commit bbbb" in rep.errors[0].message and "deleted or cut" in rep.errors[0].message
    other = Witness(2, "f" * 64, ".GOV/records/WP-1/0001-LOCK.json", "t")
    rep = verify_trail(path, KEY, witnesses=[other])
    assert rep.errors[0].path == ".GOV/records/WP-1/0001-LOCK.json"
    soft = Witness(2, "f" * 64, "r.json", None)  # names no trail: a warning only
    rep = verify_trail(path, KEY, witnesses=[soft])
    assert rep.passed and [f.code for f in rep.warnings] == ["GK-AUDIT-WITNESS"]


def test_a_file_that_is_not_a_trail_is_never_touched(tmp_path):
    victim = tmp_path / "audit.jsonl"
    victim.write_bytes(b"print('precious')\nmore\n")
    t = Trail(victim, key=KEY)
    with pytest.raises(GovkitError, match="not a govkit audit trail"):
        t.record_intent("c")
    assert victim.read_bytes() == b"print('precious')\nmore\n"
    assert [p.name for p in tmp_path.iterdir() if "quarantine" in p.name] == []


def test_symlinked_trail_is_refused(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("x\n")
    link = tmp_path / "audit.jsonl"
    link.symlink_to(target)
    with pytest.raises(GovkitError, match="symlink"):
        Trail(link, key=KEY).record_intent("c")
    assert target.read_text() == "x\n"
