"""A content-addressed cache of parsed artifacts in the git directory (never in the work tree).

An entry is JSON named by the SHA-256 of what it was computed from (the artifact's bytes, the
parser's version and govkit's version), so it can never be stale. It also carries a digest of
its own payload: a torn, truncated or edited entry is ignored and rebuilt. Anything unreadable
is a miss, never an error; a cache that cannot be written is skipped. Set GOVKIT_NO_CACHE=1 to
bypass it (CI does: there every verdict is computed from the artifacts alone).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MAX_ENTRIES = 4096


def enabled() -> bool:
    return not (os.environ.get("GOVKIT_NO_CACHE") or os.environ.get("CI"))


def key(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "big"))
        h.update(b)
    return h.hexdigest()


def _digest(k: str, payload: str) -> str:
    return hashlib.sha256((k + "\n" + payload).encode("utf-8")).hexdigest()


def for_repo(root: Path) -> Cache | None:
    """The cache of the repository whose work tree is root (in its git common directory,
    shared by every worktree), or None when disabled or the git files do not say where."""
    from govkit.vcs.head import git_dirs

    dirs = git_dirs(root) if enabled() else None
    return Cache(dirs[1] / "govkit" / "cache") if dirs else None


class Cache:
    def __init__(self, directory: Path):
        self.dir = Path(directory)

    def _path(self, k: str) -> Path:
        return self.dir / k[:2] / f"{k}.json"

    def get(self, k: str):
        try:
            raw = self._path(k).read_bytes()
            head, _, payload = raw.partition(b"\n")
            # The digest of the payload's UTF-8 bytes as stored (no decode and re-encode of a
            # few MB); json.loads reads UTF-8 bytes itself.
            want = hashlib.sha256(k.encode("utf-8") + b"\n" + payload).hexdigest()
            if head != want.encode("ascii"):
                return None
            return json.loads(payload)
        except (OSError, ValueError, RecursionError):
            return None

    def put(self, k: str, value) -> None:
        path = self._path(k)
        from govkit.store.atomic import atomic_write_bytes  # only a miss writes

        try:
            payload = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            atomic_write_bytes(path, (_digest(k, payload) + "\n" + payload).encode("utf-8"),
                               refuse_read_only=False, durable=False)
        except (OSError, ValueError, TypeError):
            return
        self._prune(path.parent)

    def _prune(self, shard: Path) -> None:
        """Keep each of the 256 shards small: drop its oldest entries past its share."""
        try:
            names = [n for n in os.listdir(shard) if n.endswith(".json")]
            if len(names) <= MAX_ENTRIES // 256:
                return
            paths = sorted((shard / n for n in names), key=lambda p: p.stat().st_mtime)
            for p in paths[: len(paths) - MAX_ENTRIES // 256]:
                p.unlink()
        except OSError:
            return
