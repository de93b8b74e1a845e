"""File locks: one OS lock primitive, and the workspace lock built on it.

`file_lock(path)` returns the one `FileLock` of this process for `path`. A FileLock is an
in-process lock (re-entrant for the thread that owns it, exclusive across threads) around an
exclusive OS lock on the file (fcntl.flock on POSIX, msvcrt.locking on Windows), taken when the
owning thread enters the first time and dropped when it leaves the last time. The kernel drops
the OS lock when the holder dies, so there is never a stale lock to recover: the lock file is
only a name for the lock, stays on disk and is never removed (removing a locked file would let a
second process lock a new file of the same name while the first still holds the old one).

`WorkspaceLock` is that lock with a timeout, plus who holds it: right after taking the OS lock
the holder writes its pid, host, command and start time into the lock file (cleared again on a
clean release), and a command that has to wait reads them to say whom it is waiting for.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from govkit.errors import GovkitError, LockTimeout

_POSIX = os.name == "posix"
# Windows locks are mandatory byte ranges: lock one byte far past the holder info, so that
# waiting commands can still read it.
_WIN_OFFSET = 1 << 30
_MIN_DELAY = 0.001
_MAX_DELAY = 0.05


class FileLock:
    """One per path and process (get it from file_lock()); see the module docstring.

    `mutex` is the in-process lock (an RLock); `depth` counts how deep its owning thread is
    nested; `fd` is the open lock file while the OS lock is held, else None.
    """

    def __init__(self, path: str):
        self.path = path
        self.mutex = threading.RLock()
        self.depth = 0
        self.fd: int | None = None

    # ---- taking and dropping ------------------------------------------------------------------
    def acquire(self, timeout: float | None = None, on_wait=None) -> bool:
        """Take the lock; False if `timeout` seconds passed first (None: wait for ever).

        While it has to wait it polls (sleeps doubling up to 50 ms) and calls `on_wait()` after
        every attempt that failed, so that the caller can tell the user whom it waits for.
        """
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        if not self._take_mutex(deadline, on_wait):
            return False
        if self.depth == 0:
            try:
                got = self._take_os(deadline, on_wait)
            except BaseException:
                self.mutex.release()
                raise
            if not got:
                self.mutex.release()
                return False
        self.depth += 1
        return True

    def release(self) -> None:
        if self.depth <= 0 or not self.held_by_me():
            raise RuntimeError(f"lock {self.path} released by a thread that does not hold it")
        self.depth -= 1
        try:
            if self.depth == 0:
                self._drop_os()
        finally:
            self.mutex.release()

    def held_by_me(self) -> bool:
        """Does the calling thread hold the lock?"""
        if not self.mutex.acquire(blocking=False):
            return False
        try:
            return self.depth > 0
        finally:
            self.mutex.release()

    @contextmanager
    def hold(self):
        """Hold the lock for a with-block, waiting as long as it takes."""
        self.acquire()
        try:
            yield self
        finally:
            self.release()

    # ---- the in-process part ------------------------------------------------------------------
    def _take_mutex(self, deadline: float | None, on_wait) -> bool:
        if self.mutex.acquire(blocking=False):
            return True
        if deadline is None and on_wait is None:
            self.mutex.acquire()
            return True
        delay = _MIN_DELAY
        while True:
            wait = _pause(deadline, delay)
            if wait is None:
                return False
            if on_wait is not None:
                on_wait()
            if self.mutex.acquire(timeout=wait):
                return True
            delay = min(delay * 2, _MAX_DELAY)

    # ---- the OS part (called by the owning thread only) ---------------------------------------
    def _take_os(self, deadline: float | None, on_wait) -> bool:
        blocking = _POSIX and deadline is None and on_wait is None
        delay = _MIN_DELAY
        while True:
            if self.fd is None:
                self._open()
            if self._try_lock(blocking):
                if self._still_the_file():
                    return True
                # Someone removed (or replaced) the lock file while we waited: our lock is on a
                # file nobody else will find. Start again on the file that is there now.
                self._drop_os()
                continue
            wait = _pause(deadline, delay)
            if wait is None:
                self._close()
                return False
            if on_wait is not None:
                on_wait()
            time.sleep(wait)
            delay = min(delay * 2, _MAX_DELAY)

    def _open(self) -> None:
        parent = os.path.dirname(self.path)
        if os.path.isdir(self.path):
            raise GovkitError("the lock file is a directory", path=self.path,
                              hint="remove that directory (govkit creates the lock file itself) "
                                   "and run the command again")
        try:
            os.makedirs(parent, exist_ok=True)
            # Non-blocking: a FIFO in its place must not hang the open (checked just below).
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)
                         | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0), 0o644)
        except IsADirectoryError:
            raise GovkitError("the lock file is a directory", path=self.path,
                              hint="remove that directory and run the command again") from None
        except (FileExistsError, NotADirectoryError):
            raise GovkitError("cannot create the lock file: a file stands where a directory "
                              "of its path should be", path=self.path,
                              hint="remove that file (paths.state_dir must be a directory)"
                              ) from None
        except OSError as exc:
            raise GovkitError(f"cannot open the lock file: {exc.strerror or exc}", path=self.path,
                              hint="make its directory writable and run the command again"
                              ) from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise GovkitError("the lock file is not a regular file", path=self.path,
                              hint="remove it (govkit creates the lock file itself) and run the "
                                   "command again")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        self.fd = fd

    def _try_lock(self, blocking: bool) -> bool:
        if _POSIX:
            import fcntl

            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True
        import msvcrt  # pragma: no cover - Windows

        os.lseek(self.fd, _WIN_OFFSET, os.SEEK_SET)  # pragma: no cover
        try:  # pragma: no cover
            msvcrt.locking(self.fd, msvcrt.LK_NBLCK, 1)
        except OSError:  # pragma: no cover
            return False
        return True  # pragma: no cover

    def _still_the_file(self) -> bool:
        if not _POSIX:  # pragma: no cover - Windows cannot remove a file that is open
            return True
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(self.fd)
        return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)

    def _drop_os(self) -> None:
        """Unlock and close (closing alone would unlock too; the unlock is explicit)."""
        if self.fd is None:
            return
        try:
            if _POSIX:
                import fcntl

                fcntl.flock(self.fd, fcntl.LOCK_UN)
            else:  # pragma: no cover - Windows
                import msvcrt

                os.lseek(self.fd, _WIN_OFFSET, os.SEEK_SET)
                msvcrt.locking(self.fd, msvcrt.LK_UNLCK, 1)
        finally:
            self._close()

    def _close(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            os.close(fd)


def _pause(deadline: float | None, delay: float) -> float | None:
    """How long to sleep before the next attempt; None when the deadline has passed."""
    if deadline is None:
        return delay
    left = deadline - time.monotonic()
    if left <= 0:
        return None
    return min(delay, left)


_registry: dict[str, FileLock] = {}
_registry_mutex = threading.Lock()


def file_lock(path: Path | str) -> FileLock:
    """The FileLock of this process for `path` (every caller for the same file shares it, so
    that the process never locks one file through two descriptors)."""
    key = os.path.realpath(os.fspath(path))
    with _registry_mutex:
        lock = _registry.get(key)
        if lock is None:
            lock = _registry[key] = FileLock(key)
        return lock


def _after_fork_in_child() -> None:
    # A forked child holds none of its parent's locks: forget them (the descriptors it
    # inherited share the parent's OS locks, so close them without unlocking).
    global _registry, _registry_mutex
    for lock in list(_registry.values()):
        if lock.fd is not None:
            try:
                os.close(lock.fd)
            except OSError:
                pass
    _registry, _registry_mutex = {}, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


# ---- the workspace lock -------------------------------------------------------------------------
def read_holder(path: Path | str) -> dict | None:
    """The holder info in a lock file, or None (free, cleared, or being written right now)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        raw = os.read(fd, 65536)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        info = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return info if isinstance(info, dict) and "pid" in info else None


def _hostname() -> str:
    """The host name (os.uname: importing socket for it costs start-up time)."""
    try:
        return os.uname().nodename
    except AttributeError:  # pragma: no cover - Windows
        return os.environ.get("COMPUTERNAME", "")


def describe_holder(info: dict | None) -> str:
    """'pid N (command) since T' for messages."""
    info = info or {}
    who = f"pid {info.get('pid', '?')}"
    host = info.get("host")
    if host and host != _hostname():
        who += f" on host {host}"
    who += f" ({info.get('command') or 'unknown command'})"
    since = info.get("since")
    if isinstance(since, (int, float)):
        who += " since " + time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(since))
    return who


class WorkspaceLock:
    """The lock every writing command holds for its whole run (see the module docstring).

    Re-entrant for the thread that holds it (a transaction takes it, then the audit recorder
    takes it again), exclusive between threads and processes. `stale_seconds` is accepted for
    old callers and ignored: a dead holder's lock is released by the kernel, and a live holder's
    lock is never taken away, however old it is.

    `left_by` is the holder info found in the file when this object took the lock first: the
    last holder died without releasing it (the kernel released it); None after clean releases.
    """

    def __init__(self, path: Path | str, timeout: float = 10.0,
                 stale_seconds: float | None = None, command: str = ""):
        self.path = Path(path)
        self.timeout = timeout
        self.command = command
        self.left_by: dict | None = None
        self._lock = file_lock(self.path)

    def holder(self) -> dict | None:
        """Who holds the lock (pid, host, command, since), as written in the lock file."""
        return read_holder(self.path)

    def acquire(self) -> WorkspaceLock:
        announced = False

        def on_wait() -> None:
            nonlocal announced
            if not announced:
                info = self.holder()
                if info is not None:  # None: just released, or not written yet; ask again later
                    announced = True
                    from govkit.util.escape import escape  # the holder's argv is untrusted

                    print(f"govkit: workspace is locked by {escape(describe_holder(info))}; waiting...",
                          file=sys.stderr, flush=True)

        if not self._lock.acquire(self.timeout, on_wait):
            info = self._holder_for_error()
            raise LockTimeout(
                f"workspace is locked by {describe_holder(info)}; gave up after "
                f"{self.timeout:g}s", path=str(self.path),
                hint="wait for that command to finish and run this one again (the lock is "
                     "released the moment its process exits, so there is nothing to clean up); "
                     "to wait longer, raise lock.timeout_seconds")
        if self._lock.depth == 1:
            try:
                self.left_by = self.holder()
                self._write_holder()
            except BaseException:
                self._lock.release()
                raise
        return self

    def release(self) -> None:
        if self._lock.held_by_me() and self._lock.depth == 1:
            try:
                os.ftruncate(self._lock.fd, 0)  # a clean release leaves no holder behind
            except OSError:
                pass
        self._lock.release()

    def _write_holder(self) -> None:
        now = time.time()
        body = json.dumps({"pid": os.getpid(), "host": _hostname(),
                           "command": self.command, "since": now,
                           "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))})
        view = memoryview((body + "\n").encode("utf-8"))
        fd = self._lock.fd
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        while view:  # an unbuffered descriptor: once written, every reader sees it
            n = os.write(fd, view)
            view = view[n:]

    def _holder_for_error(self) -> dict | None:
        # The holder writes its info right after locking; give it a moment if it has not yet.
        for _ in range(10):
            info = self.holder()
            if info is not None:
                return info
            time.sleep(0.01)
        return None

    def __enter__(self) -> WorkspaceLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
