"""The stub provider's rules and determinism; recording and byte-for-byte replay."""

from __future__ import annotations

import json

import pytest

from govkit.llm import LLMError, load_schema, make_provider
from govkit.llm.base import INPUT_MARK


def call(p, task, text, schema=None):
    return p.complete_json(task, schema or load_schema(task), [{"role": "user", "content": text}],
                           deadline_s=10)


def test_review_and_efficiency_markers(tmp_path):
    p = make_provider({"provider": "stub"}, tmp_path)
    assert call(p, "review", "a diff")["verdict"] == "pass"
    assert call(p, "review", "x govkit-stub: review-fail")["verdict"] == "fail"
    assert call(p, "efficiency", "x govkit-stub: review-fail")["verdict"] == "pass"
    assert call(p, "efficiency", "x govkit-stub: efficiency-fail")["verdict"] == "fail"
    with pytest.raises(LLMError) as ei:
        call(p, "efficiency", "x govkit-stub: efficiency-error")
    assert ei.value.kind == "transport"
    assert list(tmp_path.iterdir()) == []  # the stub keeps no state files


def test_stub_is_deterministic(tmp_path):
    facts = {"wp": "WP-1", "done_means": ["it works"], "in_scope": ["src/a.py"], "files": []}
    text = "code it\n" + INPUT_MARK + "\n" + json.dumps(facts)
    schema = {"type": "object", "required": ["message", "edits"]}
    a = call(make_provider({}, tmp_path), "changeset", text, schema)
    b = call(make_provider({}, tmp_path), "changeset", text, schema)
    assert a == b
    assert a["edits"] == [{"path": "src/a.py", "mode": "add", "after": "# WP-1: it works\n"}]
    assert a["meta"] == {"evidence_mapping": ["it works -> src/a.py:1"]}
    facts["files"] = [{"path": "src/a.py", "before_sha": "0" * 40, "content": "x = 1\ny = 2"}]
    c = call(make_provider({}, tmp_path), "changeset",
             "code it\n" + INPUT_MARK + "\n" + json.dumps(facts), schema)
    assert c["edits"][0]["after"] == "x = 1\ny = 2\n# WP-1: it works\n"
    assert c["meta"] == {"evidence_mapping": ["it works -> src/a.py:3"]}


def test_stub_invalid_once_exercises_the_schema_retry(tmp_path):
    p = make_provider({}, tmp_path)
    assert call(p, "review", "govkit-stub: invalid-once")["verdict"] == "pass"
    assert p.calls[-1]["attempts"] == 2
    p1 = make_provider({"schema_attempts": 1}, tmp_path)
    with pytest.raises(LLMError) as ei:
        call(p1, "review", "govkit-stub: invalid-once")
    assert ei.value.kind == "schema"


def test_record_then_replay_byte_for_byte(tmp_path):
    rec = tmp_path / "calls.jsonl"
    p = make_provider({"provider": "stub"}, tmp_path, record_to=rec)
    first = [call(p, "review", "one"), call(p, "review", "govkit-stub: review-fail"), call(p, "review", "one")]
    with pytest.raises(LLMError):
        call(p, "efficiency", "govkit-stub: efficiency-error")
    lines = rec.read_text().splitlines()
    assert len(lines) == 4 and json.loads(lines[3])["error"]["kind"] == "transport"

    rec2 = tmp_path / "again.jsonl"
    r = make_provider({"provider": "replay", "replay_file": str(rec)}, tmp_path, record_to=rec2)
    again = [call(r, "review", "one"), call(r, "review", "govkit-stub: review-fail"), call(r, "review", "one")]
    with pytest.raises(LLMError) as ei:
        call(r, "efficiency", "govkit-stub: efficiency-error")
    assert again == first and ei.value.kind == "transport"
    assert [json.loads(x)["answer"] for x in rec2.read_text().splitlines()[:3]] == \
        [json.loads(x)["answer"] for x in lines[:3]]
    assert [r.calls[i]["answer_sha256"] for i in range(3)] == [p.calls[i]["answer_sha256"] for i in range(3)]


def test_replay_mismatch_is_config_error(tmp_path):
    rec = tmp_path / "calls.jsonl"
    call(make_provider({}, tmp_path, record_to=rec), "review", "one")
    r = make_provider({"provider": "replay", "replay_file": str(rec)}, tmp_path)
    with pytest.raises(LLMError) as ei:
        call(r, "review", "two")
    assert ei.value.kind == "config"
    call(r, "review", "one")
    with pytest.raises(LLMError):  # recorded once, asked twice
        call(r, "review", "one")


def test_unknown_provider_and_missing_replay_file(tmp_path):
    with pytest.raises(LLMError) as ei:
        make_provider({"provider": "magic"}, tmp_path)
    assert ei.value.kind == "config"
    with pytest.raises(LLMError):
        make_provider({"provider": "replay"}, tmp_path)
    with pytest.raises(LLMError):
        make_provider({"provider": "replay", "replay_file": str(tmp_path / "nope.jsonl")}, tmp_path)


def test_deadline_passed_is_timeout(tmp_path):
    p = make_provider({}, tmp_path)
    with pytest.raises(LLMError) as ei:
        p.complete_json("review", load_schema("review"), [{"role": "user", "content": "x"}], deadline_s=0)
    assert ei.value.kind == "timeout"
