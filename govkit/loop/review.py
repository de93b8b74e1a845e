"""The review and efficiency phases: a schema-valid verdict from the LLM layer, fail-closed.

Any LLMError (timeout, transport, schema after the retries, breaker, rate, config) is FAIL.
`--force-efficiency-pass --reason` turns an efficiency FAIL into a pass only where the config
allows it, and the override is an audit record carrying the reason. Every call is audited
(provider, model, tokens, latency, SHA-256 of prompt and answer; never the texts).
"""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING

from govkit.loop.changeset import FileEdit
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

INSTRUCTIONS = {
    "review": "You review a ChangeSet for a governed work packet. Judge correctness, safety and "
              "whether it does what its message says. Answer with JSON only: "
              '{"verdict": "pass"|"fail", "findings": [{path, line, message, severity}]}.',
    "efficiency": "You judge the size and efficiency of a ChangeSet: no needless code, no "
                  "wasteful algorithms, nothing beyond the packet's scope. Answer with JSON "
                  'only: {"verdict": "pass"|"fail", "findings": [...]}.',
}
MAX_DIFF_CHARS = 200_000


def diff_text(edits: list[FileEdit]) -> str:
    out: list[str] = []
    for fe in edits:
        old = (fe.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (fe.new or b"").decode("utf-8", "replace").splitlines(keepends=True)
        a = f"a/{fe.path}" if fe.old is not None else "/dev/null"
        b = f"b/{fe.path}" if fe.new is not None else "/dev/null"
        out.extend(difflib.unified_diff(old, new, a, b))
    text = "".join(out)
    return text if len(text) <= MAX_DIFF_CHARS else text[:MAX_DIFF_CHARS] + "\n[diff cut]\n"


def messages(task: str, wp: str, cs: dict, edits: list[FileEdit]) -> list[dict]:
    facts = {"wp": wp, "message": cs.get("message"), "author": cs.get("author"),
             "files": [fe.path for fe in edits]}
    return [{"role": "system", "content": INSTRUCTIONS[task]},
            {"role": "user", "content": "ChangeSet facts:\n" + json.dumps(facts, indent=1)
             + "\n\nDiff:\n" + diff_text(edits)}]


def judge(ws: Workspace, wp: str, task: str, cs: dict, edits: list[FileEdit], report: Report,
          forced_reason: str | None = None) -> None:
    from govkit.llm import LLMError, load_schema, make_provider

    code = "GK-RUN-REVIEW" if task == "review" else "GK-RUN-EFFICIENCY"
    settings = ws.config.data.get("llm") or {}
    deadline = float(ws.config.get("loop.review_timeout_seconds"))
    fails: list[str] = []
    provider = None
    try:
        provider = make_provider(settings, ws.state_dir())
        answer = provider.complete_json(task, load_schema(task), messages(task, wp, cs, edits),
                                        deadline_s=deadline)
        if answer.get("verdict") != "pass":
            fails = [str(f.get("message")) for f in answer.get("findings") or []] or [
                f"the {task} verdict is '{answer.get('verdict')}'"]
    except LLMError as exc:
        fails = [f"{task} failed closed: {exc.message}"]
        code += "-ERROR"
    finally:
        _audit(ws, wp, provider)
    if not fails:
        report.info(code, f"{task}: pass")
        return
    if forced_reason:
        report.warn("GK-RUN-EFFICIENCY-FORCED", f"efficiency FAIL overridden "
                    f"(--force-efficiency-pass): {forced_reason}; the reviewer said: "
                    + "; ".join(fails[:3]))
        _audit_override(ws, wp, forced_reason, fails)
        return
    for msg in fails[:20]:
        report.error(code, f"{task} FAIL: {msg}", hint="nothing was applied; revise the "
                     "ChangeSet")


def _audit(ws: Workspace, wp: str, provider) -> None:
    from govkit.audit import recorder as hook

    trail = hook.get_trail(ws)
    if trail is None or provider is None:
        return
    for call in getattr(provider, "calls", []):
        data = {k: v for k, v in call.items() if k != "answer_text"}
        trail.record_event("llm-call", wp, data)


def _audit_override(ws: Workspace, wp: str, reason: str, fails: list[str]) -> None:
    from govkit.audit import recorder as hook

    seq = hook.intent(ws, "run-force-efficiency", wp, {"reason": reason,
                                                       "reviewer": fails[:5]})
    hook.result(ws, seq, True, {"override": "efficiency", "reason": reason})
