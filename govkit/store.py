"""Atomic file writes and the cross-process workspace lock."""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from govkit.errors import GovkitError, LockTimeout


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write data to path via temp file + fsync + rename + dir fsync. Keeps the file mode."""
    path = Path(path)
    parent = path.parent
    parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    if path.exists() and not os.access(path, os.W_OK):
        raise GovkitError("file is read-only; nothing was written", path=str(path),
                          hint="make it writable (chmod u+w) and run the command again")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(parent)


def write_new(path: Path | str, data: bytes, mode: int = 0o644) -> None:
    """Create a file that must not exist yet (O_EXCL), write and fsync it; then fsync its dir."""
    path = Path(path)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)


def atomic_write_text(path: Path | str, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class _Guard:
    """A short OS-level lock (flock) that serializes stale-lock recovery."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.fh = open(self.path, "a+b")
        if os.name == "posix":
            import fcntl
            fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX)
        else:  # pragma: no cover - Windows
            import msvcrt
            msvcrt.locking(self.fh.fileno(), msvcrt.LK_LOCK, 1)
        return self

    def __exit__(self, *exc):
        if os.name == "posix":
            import fcntl
            fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
        self.fh.close()


_held: dict[str, int] = {}
_held_mutex = threading.RLock()


class WorkspaceLock:
    """Exclusive lock file (O_EXCL) naming its holder; reentrant within one process.

    A lock whose holder pid is dead on this host, or that is older than stale_seconds, is
    recovered with a warning. Recovery runs under a guard flock and re-reads the lock first,
    so two recoverers cannot both remove it.
    """

    def __init__(self, path: Path, timeout: float = 10.0, stale_seconds: float = 600.0,
                 command: str = ""):
        self.path = Path(path)
        self.timeout = timeout
        self.stale_seconds = stale_seconds
        self.command = command
        self.token = uuid.uuid4().hex
        self.recovered: list[str] = []

    def _read(self) -> dict | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            info = json.loads(raw.decode("utf-8"))
            return info if isinstance(info, dict) else {"_raw": True}
        except (ValueError, UnicodeDecodeError):
            return {"_raw": True}

    def _stale_reason(self, info: dict) -> str | None:
        try:
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return None
        if info.get("_raw"):
            # Being written right now, or left torn by a crash.
            return "unreadable lock file" if age > 2.0 else None
        pid = info.get("pid")
        if info.get("host") == socket.gethostname() and isinstance(pid, int) and not _pid_alive(pid):
            return f"holder pid {pid} is not running"
        if age > self.stale_seconds:
            return f"lock is {int(age)}s old (max {int(self.stale_seconds)}s)"
        return None

    def _recover(self, info: dict, reason: str) -> None:
        guard = self.path.with_name(self.path.name + ".guard")
        with _Guard(guard):
            again = self._read()
            if again is None or again != info or self._stale_reason(again) is None:
                return
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                return
        msg = f"recovered stale workspace lock {self.path} ({reason}; was {info.get('command', '?')})"
        self.recovered.append(msg)
        print(f"govkit: warning: {msg}", file=sys.stderr)

    def acquire(self) -> WorkspaceLock:
        key = str(self.path.resolve())
        with _held_mutex:
            if _held.get(key):
                _held[key] += 1
                self._reentrant = True
                return self
        self._reentrant = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        body = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "token": self.token,
                           "since": time.time(), "command": self.command}).encode()
        while True:
            try:
                fd = os.open(str(self.path), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                info = self._read()
                if info is not None:
                    reason = self._stale_reason(info)
                    if reason:
                        self._recover(info, reason)
                        continue
                if time.monotonic() >= deadline:
                    holder = info or {}
                    raise LockTimeout(
                        f"workspace is locked by pid {holder.get('pid', '?')} "
                        f"({holder.get('command') or 'unknown command'}) for more than "
                        f"{self.timeout:g}s", path=str(self.path),
                        hint="wait for that command to finish; if it is gone, the lock is "
                             "recovered automatically once its process has exited") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
                continue
            try:
                os.write(fd, body)
                os.fsync(fd)
            finally:
                os.close(fd)
            with _held_mutex:
                _held[key] = 1
            return self

    def release(self) -> None:
        key = str(self.path.resolve())
        with _held_mutex:
            count = _held.get(key, 0)
            if count > 1:
                _held[key] = count - 1
                return
            _held.pop(key, None)
        if getattr(self, "_reentrant", False):
            return
        info = self._read()
        if info and info.get("token") == self.token:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def __enter__(self) -> WorkspaceLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


@contextmanager
def locked(path: Path, **kw):
    lock = WorkspaceLock(path, **kw)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()

