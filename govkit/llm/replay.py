"""Record a run's LLM calls to JSONL, and answer from such a file byte for byte.

Each line: {"request_sha256", "task", "messages", "answer" (the exact JSON text the provider
returned) or "error" {kind, message}}. The replay provider answers the n-th request with a
given hash from the n-th recorded line with that hash; a request that was never recorded (or
recorded fewer times) is LLMError(config): the run differs from the one recorded."""

from __future__ import annotations

import json
import os
from pathlib import Path

from govkit.llm.base import BaseProvider, prompt_sha256
from govkit.llm.errors import LLMError


class Recording:
    """Wraps a provider; appends every call (answer or error) to path."""

    def __init__(self, inner, path: Path):
        self.inner = inner
        self.path = Path(path)
        self.name = inner.name
        self.model = inner.model
        self.calls = inner.calls

    def complete_json(self, task: str, schema: dict, messages: list[dict], *, deadline_s: float) -> dict:
        line: dict = {"request_sha256": prompt_sha256(task, schema, messages), "task": task,
                      "messages": messages}
        try:
            out = self.inner.complete_json(task, schema, messages, deadline_s=deadline_s)
        except LLMError as exc:
            line["error"] = {"kind": exc.kind, "message": exc.message}
            self._append(line)
            raise
        line["answer"] = self.inner.calls[-1].get("answer_text") or json.dumps(out, sort_keys=True)
        self._append(line)
        return out

    def _append(self, line: dict) -> None:
        data = (json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(str(self.path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, data)  # one write per line: lines of concurrent writers do not interleave
            os.fsync(fd)
        finally:
            os.close(fd)


class ReplayProvider(BaseProvider):
    name = "replay"

    def __init__(self, settings: dict, **kw):
        super().__init__({**settings, "schema_attempts": 1}, **kw)
        path = settings.get("replay_file")
        if not path:
            raise LLMError("config", "llm.provider is replay but llm.replay_file is not set",
                           hint="set llm.replay_file to a JSONL file written with --record")
        self.path = Path(path)
        self.model = "replay:" + self.path.name
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise LLMError("config", f"cannot read the replay file {self.path}: {exc.strerror}") from None
        self._by_hash: dict[str, list[dict]] = {}
        for n, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
                self._by_hash.setdefault(rec["request_sha256"], []).append(rec)
            except (ValueError, KeyError, TypeError):
                raise LLMError("config", f"{self.path}:{n}: not a recorded call") from None

    def _raw(self, task, schema, messages, timeout, usage):
        h = prompt_sha256(task, schema, messages)
        queue = self._by_hash.get(h)
        if not queue:
            raise LLMError("config", f"replay: no recorded answer for this {task} request (sha256 {h[:12]})",
                           hint="the run differs from the recorded one; record it again")
        rec = queue.pop(0)
        if "error" in rec:
            err = rec["error"]
            raise LLMError(err.get("kind", "transport"), f"replayed: {err.get('message', '')}")
        return rec["answer"]
