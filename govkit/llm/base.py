"""The provider interface and the schema-validated call every provider shares.

complete_json(task, schema, messages, deadline_s=...) -> a schema-valid dict, or LLMError.
A provider implements `_raw` (one request, the answer's text); `complete_json` parses it,
validates it with jsonschema and, when it is not valid, asks again with the validation error
fed back, at most `schema_attempts` times and never past the call's deadline. Each call leaves
one entry in `self.calls` (what the agents layer audits): provider, model, tokens, latency,
attempts and the SHA-256 of the prompt and of the answer."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Protocol

from govkit.llm.errors import LLMError
from govkit.llm.schemas import errors as schema_errors

INPUT_MARK = "INPUT (JSON):"  # agents put their facts after this line; the stub reads them


class Provider(Protocol):
    name: str
    model: str
    calls: list[dict]

    def complete_json(self, task: str, schema: dict, messages: list[dict], *,
                      deadline_s: float) -> dict: ...


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prompt_sha256(task: str, schema: dict, messages: list[dict]) -> str:
    """The request's identity: task, schema and messages in canonical JSON."""
    return sha256_text(json.dumps({"task": task, "schema": schema, "messages": messages},
                                  sort_keys=True, ensure_ascii=False, separators=(",", ":")))


class BaseProvider:
    name = "base"
    model = ""

    def __init__(self, settings: dict | None = None, clock=time.monotonic):
        settings = settings or {}
        self.settings = settings
        self.schema_attempts = max(1, int(settings.get("schema_attempts", 3)))
        self.clock = clock
        self.calls: list[dict] = []

    def _raw(self, task: str, schema: dict, messages: list[dict], timeout: float,
             usage: dict) -> str:
        raise NotImplementedError

    def complete_json(self, task: str, schema: dict, messages: list[dict], *,
                      deadline_s: float) -> dict:
        start = self.clock()
        end = start + float(deadline_s)
        usage = {"prompt_tokens": 0, "completion_tokens": 0}
        info = {"provider": self.name, "model": self.model, "task": task,
                "prompt_sha256": prompt_sha256(task, schema, messages), "attempts": 0}
        self.calls.append(info)
        msgs = list(messages)
        try:
            for attempt in range(1, self.schema_attempts + 1):
                left = end - self.clock()
                if left <= 0:
                    raise LLMError("timeout", f"{task}: the call's deadline of {deadline_s:g}s has passed")
                info["attempts"] = attempt
                text = self._raw(task, schema, msgs, left, usage)
                try:
                    obj = json.loads(text)
                except ValueError as exc:
                    problems = [f"the answer is not JSON: {exc}"]
                else:
                    problems = schema_errors(obj, schema)
                    if not problems:
                        info["answer_sha256"] = sha256_text(text)
                        info["answer_text"] = text
                        return obj
                info["last_problem"] = problems[0]
                msgs = msgs + [
                    {"role": "assistant", "content": text[:4000]},
                    {"role": "user", "content": "Your answer does not match the JSON Schema:\n- "
                     + "\n- ".join(problems) + "\nAnswer again with only the corrected JSON object."}]
            raise LLMError("schema", f"{task}: no schema-valid answer after {self.schema_attempts} "
                           f"attempt(s): {info.get('last_problem')}",
                           hint="raise llm.schema_attempts or use a model that supports structured output")
        except LLMError as exc:
            info["error"] = {"kind": exc.kind, "message": exc.message}
            raise
        finally:
            info.update(usage)
            info["latency_ms"] = round((self.clock() - start) * 1000, 1)


def input_facts(messages: list[dict]) -> dict:
    """The JSON object after INPUT_MARK in the last message that has one ({} when none)."""
    for msg in reversed(messages):
        content = msg.get("content")
        if isinstance(content, str) and INPUT_MARK in content:
            try:
                data = json.loads(content.split(INPUT_MARK, 1)[1])
            except ValueError:
                return {}
            return data if isinstance(data, dict) else {}
    return {}
