"""The stub provider: deterministic, rule-based answers for every task, offline.

The same request always gives the same answer. Rules (markers are searched in every message):
- review: "pass", unless a message contains `govkit-stub: review-fail` (then "fail" with one
  finding).
- efficiency: "pass", unless `govkit-stub: efficiency-fail` ("fail") or
  `govkit-stub: efficiency-error` (LLMError transport, as a dead endpoint would).
- any task: `govkit-stub: invalid-once` makes the first attempt answer text that is not JSON, so
  the schema retry is exercised.
- changeset (the coder): from the facts after "INPUT (JSON):" (govkit/agents/coder.py writes
  them): the first file of `files` is modified (its text plus one line per DONE_MEANS item, in
  the file's comment syntax); with no files, the first IN_SCOPE path without glob characters is
  added with those lines. before_sha is the blob id the coder was shown. When the input carries
  `feedback` (a failed earlier attempt of `govkit run --attempts N`), the message says so.
  meta.evidence_mapping maps each DONE_MEANS item to the line written for it.
- refinement_draft: prose for each section of `sections` built from the section's title.
- report_draft: for each DONE_MEANS item, its first candidate location (`candidates`).
"""

from __future__ import annotations

import json

from govkit.llm.base import BaseProvider, input_facts
from govkit.llm.errors import LLMError

MARK = "govkit-stub: "


def _has(messages: list[dict], marker: str) -> bool:
    needle = MARK + marker
    return any(needle in str(m.get("content", "")) for m in messages)


_COMMENT = {".py": "# ", ".sh": "# ", ".yaml": "# ", ".yml": "# ", ".toml": "# ", ".txt": "",
            ".md": "", ".rb": "# ", ".js": "// ", ".ts": "// ", ".go": "// ", ".rs": "// ",
            ".c": "// ", ".h": "// ", ".java": "// ", ".css": "/* "}


def _lines_for(path: str, items: list[str], wp: str) -> str:
    ext = "." + path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    lead = _COMMENT.get(ext, "# ")
    tail = " */" if lead == "/* " else ""
    out = [f"{lead}{wp}: {item}{tail}" for item in items] or [f"{lead}{wp}: done{tail}"]
    return "\n".join(out) + "\n"


class StubProvider(BaseProvider):
    name = "stub"

    def __init__(self, settings: dict | None = None, **kw):
        super().__init__(settings, **kw)
        self.model = "govkit-stub-1"

    def _raw(self, task, schema, messages, timeout, usage):
        usage["prompt_tokens"] += sum(len(str(m.get("content", ""))) // 4 for m in messages)
        if _has(messages, "invalid-once") and not any(
                "does not match the JSON Schema" in str(m.get("content", "")) for m in messages):
            return "this is not JSON"
        answer = self._answer(task, messages)
        text = json.dumps(answer, sort_keys=True, ensure_ascii=False)
        usage["completion_tokens"] += len(text) // 4
        return text

    def _answer(self, task: str, messages: list[dict]) -> dict:
        facts = input_facts(messages)
        if task == "review":
            if _has(messages, "review-fail"):
                return _verdict("fail", "the stub reviewer was told to fail (govkit-stub: review-fail)")
            return _verdict("pass", None)
        if task == "efficiency":
            if _has(messages, "efficiency-error"):
                raise LLMError("transport", "stub efficiency endpoint unreachable (govkit-stub: efficiency-error)")
            if _has(messages, "efficiency-fail"):
                out = _verdict("fail", "the stub efficiency reviewer was told to fail (govkit-stub: efficiency-fail)")
            else:
                out = _verdict("pass", None)
            return out
        if task == "changeset":
            return _changeset(facts)
        if task == "refinement_draft":
            return _refinement(facts)
        if task == "report_draft":
            return _report(facts)
        raise LLMError("config", f"the stub provider has no rule for task {task!r}")


def _verdict(verdict: str, message: str | None) -> dict:
    findings = [] if message is None else [
        {"path": None, "line": None, "message": message, "severity": "error"}]
    return {"verdict": verdict, "findings": findings}


def _changeset(facts: dict) -> dict:
    wp = str(facts.get("wp") or "WP")
    items = [str(i) for i in facts.get("done_means", []) if str(i).strip()]
    files = [f for f in facts.get("files", []) if isinstance(f, dict) and f.get("path")]
    if files:
        f = files[0]
        text = str(f.get("content", ""))
        if text and not text.endswith("\n"):
            text += "\n"
        first = text.count("\n") + 1
        edit = {"path": f["path"], "mode": "modify", "after": text + _lines_for(f["path"], items, wp),
                "before_sha": f.get("before_sha", "")}
    else:
        scope = [p for p in facts.get("in_scope", []) if not any(c in p for c in "*?[]{}")]
        if not scope:
            raise LLMError("schema", "stub coder: no concrete IN_SCOPE path to write",
                           hint="name a file (not only globs) in IN_SCOPE_PATHS")
        path = scope[0].rstrip("/")
        first = 1
        edit = {"path": path, "mode": "add", "after": _lines_for(path, items, wp)}
    mapping = [f"{item} -> {edit['path']}:{first + i}" for i, item in enumerate(items)]
    retry = ", retry after feedback" if str(facts.get("feedback") or "").strip() else ""
    return {"message": f"implement DONE_MEANS (stub coder{retry})", "author": "govkit-stub",
            "edits": [edit], "meta": {"evidence_mapping": mapping}}


def _refinement(facts: dict) -> dict:
    sections = [s for s in facts.get("sections", []) if isinstance(s, dict)]
    titles = ", ".join(str(s.get("title") or s.get("id")) for s in sections) or "the spec"
    return {
        "summary": f"Implement {titles} as the spec states.",
        "gaps": [f"Section {s.get('id')} ({s.get('title', '')}) has no implementation yet."
                 for s in sections] or ["none found"],
        "red_team": [f"A change could satisfy {s.get('id')} in form but not in behaviour; test it."
                     for s in sections] or ["none"],
        "primitives": [f"the rules of section {s.get('title') or s.get('id')}" for s in sections] or ["none"],
        "anchor_notes": [{"section": str(s.get("id")), "why": f"defines {s.get('title', 'the rule')}"}
                         for s in sections],
    }


def _report(facts: dict) -> dict:
    items = []
    for item in facts.get("done_means", []):
        if not isinstance(item, dict):
            continue
        cands = item.get("candidates") or []
        ev = [{"path": c["path"], "line": int(c["line"])} for c in cands[:1]
              if isinstance(c, dict) and "path" in c and "line" in c]
        items.append({"item": str(item.get("item", "")), "evidence": ev,
                      "note": "first candidate location" if ev else "no evidence found"})
    return {"items": items}
