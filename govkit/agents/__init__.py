"""The agents: LLM-backed drafts over the workspace, every call audited.

- llmcall.provider_for(ws): the configured provider, wrapped so that every call lands in the
  audit trail (provider, model, tokens, latency, SHA-256 of prompt and answer; no text).
- reviewer.review(ws, wp, changeset, task="review"|"efficiency"): a verdict dict.
- coder.propose_changeset(ws, wp, feedback=None): a ChangeSet dict (not validated or applied:
  govkit/loop does that).
- orchestrator.draft_refinement(ws, wp, sections): the refinement draft (anchors computed).
- validator.draft_report(ws, wp): DONE_MEANS -> evidence path:line, every location verified.
"""
