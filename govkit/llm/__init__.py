"""The LLM layer: providers behind one interface, schema-validated calls, resilience.

    from govkit.llm import LLMError, make_provider, load_schema
    p = make_provider(ws.config.get("llm"), state_dir)
    verdict = p.complete_json("review", load_schema("review"), messages, deadline_s=60)

Transport only: settings, state paths and clocks are passed in; nothing here reads the
workspace, the config or the audit trail (govkit/agents/ does, and audits every call)."""

from __future__ import annotations

from pathlib import Path

from govkit.llm.base import Provider
from govkit.llm.errors import LLMError
from govkit.llm.schemas import load_schema

__all__ = ["LLMError", "Provider", "make_provider", "load_schema", "PROVIDERS"]

PROVIDERS = ("stub", "openai", "replay")


def make_provider(settings: dict, state_dir: Path, record_to: Path | None = None) -> Provider:
    """The provider the settings (the config's `llm` section) name; record_to: also write each
    call to that JSONL file (for replay). Raises LLMError(config) on bad settings or a missing key."""
    settings = dict(settings or {})
    kind = settings.get("provider") or "stub"
    provider: Provider
    if kind == "stub":
        from govkit.llm.stub import StubProvider

        provider = StubProvider(settings)
    elif kind == "openai":
        from govkit.llm.openai_provider import OpenAIProvider

        provider = OpenAIProvider(settings, Path(state_dir))
    elif kind == "replay":
        from govkit.llm.replay import ReplayProvider

        provider = ReplayProvider(settings)
    else:
        raise LLMError("config", f"unknown llm.provider {kind!r}", hint="use one of: " + ", ".join(PROVIDERS))
    if record_to is not None:
        from govkit.llm.replay import Recording

        provider = Recording(provider, Path(record_to))
    return provider
