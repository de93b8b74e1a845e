"""The coder: a ChangeSet from the packet, the refinement's excerpts and the files in scope.

Context within the token budget (llm.token_budget): the packet, DONE_MEANS, the anchors'
excerpts, then the tracked files inside IN_SCOPE_PATHS (outside OUT_OF_SCOPE and .GOV/); when
they do not fit, the largest files are cut first and each cut is noted (in the prompt, so the
model knows, and in `notes`). The answer is schema-checked here; scope, before_sha and applying
are govkit/loop's job."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from govkit.llm.base import INPUT_MARK

if TYPE_CHECKING:
    from govkit.workspace import Workspace

PROMPT = ("You are the coder of a governed work packet. Write a ChangeSet (JSON) that meets every "
          "DONE_MEANS item, touching only files inside IN_SCOPE_PATHS. For each edited file give "
          "mode add|modify|delete|rename, the full new text in `after` (or a unified diff in "
          "`patch`), and for modify/delete/rename the `before_sha` shown for that file. In "
          "meta.evidence_mapping list one line per DONE_MEANS item: `<item> -> <path>:<line>`, "
          "the line of the new text that meets it.")

def changeset_schema() -> dict:
    from govkit.llm import load_schema

    return load_schema("changeset")


def excerpts(ws: Workspace, ref_rel: str) -> list[dict]:
    if not ref_rel or not ws.abs(ref_rel).is_file():
        return []
    ws.safe_path(ref_rel, "refinement path")
    ref = ws.refinement(ref_rel)
    return [{"anchor": a.spec_anchor.text, "lines": f"{a.start.text}-{a.end.text}",
             "excerpt": (a.excerpt or "").strip()} for a in ref.anchors]


def build_input(ws: Workspace, wp: str, feedback: str | None = None) -> tuple[dict, list[str]]:
    """The coder's facts (INPUT JSON) and the notes on what was cut to fit the budget."""
    from govkit.agents.context import packet_facts, scoped_files, tokens_of
    from govkit.util.bytes import blob_id

    facts = packet_facts(ws, wp)
    budget = int(ws.config.get("llm").get("token_budget", 12000))
    data: dict = {"wp": wp, "done_means": [t for t, _ in facts.done_means], "in_scope": facts.in_scope,
                  "out_of_scope": facts.out_scope, "excerpts": excerpts(ws, facts.refinement_rel),
                  "packet": facts.text, "files": [], "cut": []}
    if feedback:
        data["feedback"] = feedback[:8000]
    used = tokens_of(json.dumps(data)) + tokens_of(PROMPT)
    files = []
    for rel in scoped_files(ws, facts):
        raw = ws.abs(rel).read_bytes() if ws.abs(rel).is_file() and not ws.abs(rel).is_symlink() else None
        if raw is None:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            data["cut"].append(f"{rel}: binary, not shown")
            continue
        files.append({"path": rel, "before_sha": blob_id(raw), "content": text})
    notes = []
    total = used + sum(tokens_of(f["content"]) + 20 for f in files)
    for f in sorted(files, key=lambda f: (-len(f["content"]), f["path"])):
        if total <= budget:
            break
        cost = tokens_of(f["content"]) + 20
        total -= cost
        f["cut"] = True
        notes.append(f"{f['path']}: cut ({cost} tokens) to fit the token budget of {budget}")
    data["files"] = [f for f in files if not f.get("cut")]
    data["cut"] += notes
    return data, data["cut"]


def propose_changeset(ws: Workspace, wp: str, feedback: str | None = None, provider=None,
                      notes: list | None = None) -> dict:
    """A ChangeSet dict proposed by the LLM (schema-valid), or LLMError. `feedback`: what failed
    in the previous attempt (validation errors, test output), fed to the model."""
    from govkit.agents.llmcall import deadline, provider_for

    data, cut = build_input(ws, wp, feedback)
    if notes is not None:
        notes.extend(cut)
    provider = provider or provider_for(ws, wp=wp)
    messages = [{"role": "system", "content": PROMPT},
                {"role": "user", "content": f"{INPUT_MARK}\n{json.dumps(data, sort_keys=True, ensure_ascii=False)}"}]
    return provider.complete_json("changeset", changeset_schema(), messages, deadline_s=deadline(ws))
