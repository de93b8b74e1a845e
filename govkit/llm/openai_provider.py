"""The openai provider: any OpenAI-compatible Chat Completions endpoint (OpenAI, llama.cpp,
vLLM...) through the openai package (the `llm` extra), imported only when this provider is built.

The SDK does the HTTP work: its own retries with backoff on 408/409/429/5xx honouring
retry-after (`max_retries` set explicitly) and its timeouts (per request, never past the call's
deadline). Structured output by `structured`: "json_schema" (response_format with the schema,
strict when the schema allows it), "tool" (a forced tool call whose arguments are the answer),
"json_mode" (response_format json_object, the schema in the prompt). A server that rejects the
first two with a 400 gets JSON mode for the rest of the process. Around each request: the
rate limiter, then the circuit breaker (state files in the state directory)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from govkit.llm.base import BaseProvider
from govkit.llm.breaker import CircuitBreaker
from govkit.llm.errors import LLMError
from govkit.llm.ratelimit import RateLimiter
from govkit.llm.schemas import strict_ok

MODES = ("json_schema", "tool", "json_mode")


def _counts(status: int | None) -> bool:
    """Failures that trip the breaker: no answer, 408, 409, 429, 5xx. Other 4xx are permanent."""
    return status is None or status in (408, 409, 429) or status >= 500


class OpenAIProvider(BaseProvider):
    name = "openai"

    def __init__(self, settings: dict, state_dir: Path, *, breaker: CircuitBreaker | None = None,
                 limiter: RateLimiter | None = None, **kw):
        super().__init__(settings, **kw)
        env = settings.get("api_key_env") or "OPENAI_API_KEY"
        key = os.environ.get(env)
        if not key:
            raise LLMError("config", f"llm.provider is openai but the environment variable {env} is not set",
                           hint=f"export {env}=... (or set llm.api_key_env to the variable that holds "
                                "the key; use llm.provider: stub to work offline)")
        self.model = str(settings.get("model") or "")
        if not self.model:
            raise LLMError("config", "llm.model is empty", hint="set llm.model in .GOV/govkit.yaml")
        self.mode = settings.get("structured") or "json_schema"
        if self.mode not in MODES:
            raise LLMError("config", f"llm.structured must be one of {', '.join(MODES)}")
        self.timeout = float(settings.get("timeout_seconds", 60))
        try:
            import openai
        except ImportError:
            raise LLMError("config", "the openai package is not installed",
                           hint="pip install 'govkit[llm]'") from None
        self._openai = openai
        self.client = openai.OpenAI(api_key=key, base_url=settings.get("base_url") or None,
                                    max_retries=int(settings.get("max_retries", 2)),
                                    timeout=self.timeout)
        state_dir = Path(state_dir)
        self.breaker = breaker or CircuitBreaker(state_dir / "llm-breaker.json", settings.get("breaker"))
        self.limiter = limiter or RateLimiter(state_dir / "llm-rate.json", settings.get("rate"))

    def _raw(self, task, schema, messages, timeout, usage):
        import time

        self.limiter.acquire(deadline=time.time() + timeout)
        self.breaker.before()
        try:
            resp = self._request(task, schema, messages, timeout)
        except self._openai.BadRequestError as exc:
            if self.mode == "json_mode":
                self.breaker.failure(counts=False)
                raise self._mapped(exc) from None
            self.mode = "json_mode"  # the server does not take structured output: fall back
            try:
                resp = self._request(task, schema, messages, timeout)
            except self._openai.OpenAIError as exc2:
                err = self._mapped(exc2)
                self.breaker.failure(counts=_counts(err.status) and err.kind != "config")
                raise err from None
        except self._openai.OpenAIError as exc:
            err = self._mapped(exc)
            self.breaker.failure(counts=_counts(err.status) and err.kind != "config")
            raise err from None
        self.breaker.success()
        if resp.usage is not None:
            usage["prompt_tokens"] += resp.usage.prompt_tokens or 0
            usage["completion_tokens"] += resp.usage.completion_tokens or 0
        if not resp.choices:
            raise LLMError("transport", "the server answered without choices")
        msg = resp.choices[0].message
        if getattr(msg, "refusal", None):
            return json.dumps({"refusal": msg.refusal})  # fails validation: fed back, then an error
        if msg.tool_calls:
            return msg.tool_calls[0].function.arguments or ""
        return msg.content or ""

    def _request(self, task, schema, messages, timeout):
        kw: dict = {"model": self.model, "messages": messages, "timeout": min(self.timeout, timeout)}
        name = "answer_" + "".join(c if c.isalnum() or c in "_-" else "_" for c in task)
        if self.mode == "json_schema":
            kw["response_format"] = {"type": "json_schema", "json_schema": {
                "name": name, "schema": schema, "strict": strict_ok(schema)}}
        elif self.mode == "tool":
            kw["tools"] = [{"type": "function", "function": {
                "name": name, "description": f"Return the {task} answer.", "parameters": schema,
                "strict": strict_ok(schema)}}]
            kw["tool_choice"] = {"type": "function", "function": {"name": name}}
        else:
            kw["response_format"] = {"type": "json_object"}
            kw["messages"] = [{"role": "system", "content": "Answer with one JSON object valid against "
                               "this JSON Schema:\n" + json.dumps(schema, sort_keys=True)}] + list(messages)
        return self.client.chat.completions.create(**kw)

    def _mapped(self, exc) -> LLMError:
        o = self._openai
        if isinstance(exc, o.APITimeoutError):
            return LLMError("timeout", f"the request timed out after {self.timeout:g}s (and the SDK's retries)")
        if isinstance(exc, o.APIConnectionError):
            return LLMError("transport", f"cannot reach the endpoint: {exc}",
                            hint="check llm.base_url and the network")
        if isinstance(exc, o.APIStatusError):
            status = exc.status_code
            if status in (401, 403):
                return LLMError("config", f"the endpoint refused the API key (HTTP {status})",
                                hint="check the key in llm.api_key_env", status=status)
            return LLMError("transport", f"HTTP {status} from the endpoint: {_short(exc)}", status=status)
        return LLMError("transport", f"{type(exc).__name__}: {exc}")


def _short(exc) -> str:
    text = str(getattr(exc, "message", exc))
    return text if len(text) <= 300 else text[:300] + "..."
