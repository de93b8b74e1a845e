"""The reviewers: a verdict on a ChangeSet against its packet (task "review"), and one on its
size and efficiency (task "efficiency"). Callers treat an LLMError as FAIL (fail closed)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from govkit.llm.base import INPUT_MARK

if TYPE_CHECKING:
    from govkit.workspace import Workspace

PROMPTS = {
    "review": "You review a proposed change (a ChangeSet) against its task packet. Fail it when "
              "it leaves the packet's scope, does not meet DONE_MEANS, or is wrong or unsafe. "
              "Answer with a verdict and findings (path and line when you can).",
    "efficiency": "You review the size and efficiency of a proposed change (a ChangeSet): fail it "
                  "when it is much larger than the task needs, duplicates code, or is wasteful. "
                  "Answer with a verdict and findings.",
}


def messages_for(task: str, packet_text: str, changeset: dict) -> list[dict]:
    edits = changeset.get("edits") or []
    size = {"files": len(edits), "bytes": sum(len(str(e.get("after") or e.get("patch") or "")) for e in edits)}
    body = json.dumps({"packet": packet_text, "changeset": changeset, "size": size},
                      sort_keys=True, ensure_ascii=False)
    return [{"role": "system", "content": PROMPTS[task]},
            {"role": "user", "content": f"{INPUT_MARK}\n{body}"}]


def review(ws: Workspace, wp: str, changeset: dict, task: str = "review", provider=None) -> dict:
    """{verdict: pass|fail, findings: [...]} or LLMError."""
    from govkit.agents.context import packet_facts
    from govkit.agents.llmcall import deadline, provider_for
    from govkit.llm import load_schema

    facts = packet_facts(ws, wp)
    provider = provider or provider_for(ws, wp=wp)
    return provider.complete_json(task, load_schema(task), messages_for(task, facts.text, changeset),
                                  deadline_s=deadline(ws))
