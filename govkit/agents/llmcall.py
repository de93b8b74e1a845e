"""The configured LLM provider, with every call written to the audit trail.

Each call is one durable record: `attest` when the trail has it, otherwise an intent before
the call and its result after. The record holds provider, model, task, token counts, latency,
attempts and the SHA-256 of the prompt and of the answer (never their text), redacted."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from govkit.util.redact import redact

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_FIELDS = ("provider", "model", "task", "prompt_tokens", "completion_tokens", "latency_ms",
           "attempts", "prompt_sha256", "answer_sha256", "error")


def settings_of(ws: Workspace) -> dict:
    s = dict(ws.config.get("llm"))
    if s.get("replay_file"):
        s["replay_file"] = str(ws.safe_path(s["replay_file"], "llm.replay_file"))
    return s


def provider_for(ws: Workspace, record_to: Path | None = None, wp: str | None = None):
    """The provider of the workspace's `llm` config, audited. LLMError(config) on bad settings."""
    from govkit.llm import make_provider

    state = ws.state_dir()
    return Audited(ws, make_provider(settings_of(ws), state, record_to=record_to), wp)


class Audited:
    def __init__(self, ws: Workspace, inner, wp: str | None = None):
        self.ws, self.inner, self.wp = ws, inner, wp
        self.name, self.model, self.calls = inner.name, inner.model, inner.calls

    def complete_json(self, task: str, schema: dict, messages: list[dict], *, deadline_s: float) -> dict:
        from govkit.audit import recorder
        from govkit.llm.base import prompt_sha256

        command = f"llm-{task}"
        attest = getattr(recorder, "attest", None)
        seq = None
        if attest is None:
            seq = recorder.intent(self.ws, command, self.wp, {
                "provider": self.name, "model": self.model, "task": task,
                "prompt_sha256": prompt_sha256(task, schema, messages)})
        ok = False
        try:
            out = self.inner.complete_json(task, schema, messages, deadline_s=deadline_s)
            ok = True
            return out
        finally:
            info = self.inner.calls[-1] if self.inner.calls else {}
            data = redact({k: info[k] for k in _FIELDS if k in info})
            if attest is not None:
                attest(self.ws, command, self.wp, {"llm_call": data, "ok": ok})
            else:
                if not ok:
                    data["error"] = str((info.get("error") or {}).get("kind", "failed"))
                recorder.result(self.ws, seq, ok, {"llm_call": data})


def deadline(ws: Workspace) -> float:
    return float(ws.config.get("llm").get("deadline_seconds", 300))
