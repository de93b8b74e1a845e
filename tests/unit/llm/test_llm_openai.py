"""The openai provider with the real openai client against a local Chat Completions server."""

from __future__ import annotations

import json

import pytest

from govkit.llm import LLMError, load_schema, make_provider

from support.llmserver import FakeLLM, completion, error, ok

PASS = json.dumps({"verdict": "pass", "findings": []})
MSGS = [{"role": "user", "content": "review this"}]


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("GK_TEST_KEY", "sk-test-000000000000000000000000")


def settings(fake, **over) -> dict:
    s = {"provider": "openai", "base_url": fake.base_url, "model": "fake-model", "api_key_env": "GK_TEST_KEY",
         "timeout_seconds": 5, "max_retries": 0, "schema_attempts": 3,
         "breaker": {"failure_threshold": 3, "window_seconds": 60, "cooldown_seconds": 30},
         "rate": {"rate_per_second": 100, "burst": 10, "jitter_seconds": 0}}
    s.update(over)
    return s


def test_strict_json_schema_request_and_answer(tmp_path):
    with FakeLLM([ok(PASS)]) as fake:
        p = make_provider(settings(fake), tmp_path)
        out = p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
    assert out == {"verdict": "pass", "findings": []}
    body = fake.requests[0]["body"]
    assert fake.requests[0]["path"] == "/v1/chat/completions"
    assert fake.requests[0]["auth"] == "Bearer sk-test-000000000000000000000000"
    rf = body["response_format"]
    assert rf["type"] == "json_schema" and rf["json_schema"]["strict"] is True
    assert rf["json_schema"]["schema"] == load_schema("review")
    assert p.calls[-1]["prompt_tokens"] == 11 and p.calls[-1]["completion_tokens"] == 7


def test_tool_call_arguments_are_the_answer(tmp_path):
    with FakeLLM([(200, completion(tool_args=PASS, name="answer_review"), {})]) as fake:
        p = make_provider(settings(fake, structured="tool"), tmp_path)
        out = p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
    assert out["verdict"] == "pass"
    body = fake.requests[0]["body"]
    assert body["tool_choice"]["function"]["name"] == "answer_review"
    assert body["tools"][0]["function"]["parameters"] == load_schema("review")
    assert "response_format" not in body


def test_json_mode_fallback_when_structured_output_is_refused(tmp_path):
    with FakeLLM([error(400), ok(PASS)]) as fake:
        p = make_provider(settings(fake), tmp_path)
        out = p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
    assert out["verdict"] == "pass"
    assert fake.requests[0]["body"]["response_format"]["type"] == "json_schema"
    second = fake.requests[1]["body"]
    assert second["response_format"] == {"type": "json_object"}
    assert "JSON Schema" in second["messages"][0]["content"]


def test_invalid_json_then_valid_feeds_the_error_back(tmp_path):
    bad = json.dumps({"verdict": "maybe", "findings": []})
    with FakeLLM([ok("not json at all"), ok(bad), ok(PASS)]) as fake:
        p = make_provider(settings(fake), tmp_path)
        out = p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
    assert out["verdict"] == "pass" and len(fake.requests) == 3
    fed = fake.requests[1]["body"]["messages"][-1]["content"]
    assert "not JSON" in fed
    fed2 = fake.requests[2]["body"]["messages"][-1]["content"]
    assert "verdict" in fed2 and "'maybe' is not one of" in fed2
    assert p.calls[-1]["attempts"] == 3


def test_schema_invalid_after_bounded_attempts(tmp_path):
    with FakeLLM([ok("{}")]) as fake:
        p = make_provider(settings(fake, schema_attempts=2), tmp_path)
        with pytest.raises(LLMError) as ei:
            p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
    assert ei.value.kind == "schema" and len(fake.requests) == 2


def test_429_then_success_honours_retry_after(tmp_path):
    with FakeLLM([error(429, {"retry-after-ms": "50"}), ok(PASS)]) as fake:
        p = make_provider(settings(fake, max_retries=2), tmp_path)
        out = p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
    assert out["verdict"] == "pass" and len(fake.requests) == 2


def test_timeout_is_an_llm_timeout(tmp_path):
    with FakeLLM([("sleep", 2.0, ok(PASS))]) as fake:
        p = make_provider(settings(fake, timeout_seconds=0.3), tmp_path)
        with pytest.raises(LLMError) as ei:
            p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
    assert ei.value.kind == "timeout"


def test_permanent_4xx_does_not_trip_the_breaker(tmp_path):
    with FakeLLM([error(404)]) as fake:
        p = make_provider(settings(fake, structured="json_mode", breaker={"failure_threshold": 1}), tmp_path)
        for _ in range(3):
            with pytest.raises(LLMError) as ei:
                p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
            assert ei.value.kind == "transport" and ei.value.status == 404
    assert len(fake.requests) == 3  # never refused by the breaker


def test_500s_open_the_breaker_then_calls_are_refused(tmp_path):
    with FakeLLM([error(500)]) as fake:
        p = make_provider(settings(fake, breaker={"failure_threshold": 2}), tmp_path)
        kinds = []
        for _ in range(3):
            with pytest.raises(LLMError) as ei:
                p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
            kinds.append(ei.value.kind)
    assert kinds == ["transport", "transport", "breaker"]
    assert len(fake.requests) == 2


def test_bad_key_is_config_error(tmp_path):
    with FakeLLM([error(401)]) as fake:
        p = make_provider(settings(fake), tmp_path)
        with pytest.raises(LLMError) as ei:
            p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
    assert ei.value.kind == "config"


def test_missing_key_is_config_error_never_a_stub(tmp_path, monkeypatch):
    monkeypatch.delenv("GK_TEST_KEY")
    with pytest.raises(LLMError) as ei:
        make_provider({"provider": "openai", "api_key_env": "GK_TEST_KEY", "model": "m"}, tmp_path)
    assert ei.value.kind == "config" and "GK_TEST_KEY" in str(ei.value)


def test_unreachable_endpoint_is_transport(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = make_provider({"provider": "openai", "api_key_env": "GK_TEST_KEY", "model": "m", "max_retries": 0,
                       "base_url": f"http://127.0.0.1:{port}/v1"}, tmp_path)
    with pytest.raises(LLMError) as ei:
        p.complete_json("review", load_schema("review"), MSGS, deadline_s=10)
    assert ei.value.kind == "transport"
