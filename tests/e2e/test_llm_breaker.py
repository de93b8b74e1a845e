"""500s open the circuit breaker across processes: real subprocesses share the state file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support.llmserver import FakeLLM, error
from support.repo import ROOT

SCRIPT = r"""
import json, sys
from govkit.llm import LLMError, load_schema, make_provider
settings = json.loads(sys.argv[1])
p = make_provider(settings, sys.argv[2])
try:
    p.complete_json("review", load_schema("review"), [{"role": "user", "content": "x"}], deadline_s=10)
    print("ok")
except LLMError as exc:
    print(exc.kind)
"""


def run(settings: dict, state_dir) -> str:
    env = dict(os.environ, GK_TEST_KEY="sk-test-000000000000000000000000",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(settings), str(state_dir)],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def test_500s_in_two_processes_open_the_breaker_for_a_third(tmp_path):
    with FakeLLM([error(500)]) as fake:
        s = {"provider": "openai", "base_url": fake.base_url, "model": "m", "api_key_env": "GK_TEST_KEY",
             "max_retries": 0, "timeout_seconds": 5,
             "breaker": {"failure_threshold": 2, "window_seconds": 120, "cooldown_seconds": 120}}
        assert run(s, tmp_path) == "transport"
        assert run(s, tmp_path) == "transport"
        assert len(fake.requests) == 2
        assert run(s, tmp_path) == "breaker"
        assert len(fake.requests) == 2  # refused without touching the server
    state = json.loads((tmp_path / "llm-breaker.json").read_text())
    assert state["opened_at"] is not None and len(state["failures"]) == 2
