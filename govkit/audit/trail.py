"""Appending to the audit trail: locking, recovery on open, intent/result pairing, rotation.

Every append runs under an in-process lock and an OS file lock (flock on a sidecar file, released
by the kernel if the holder dies), re-syncs with whatever other processes appended (reading only
the new bytes), and then writes the record with one O_APPEND write (short writes retried).
Intent, result and denied records are fsynced before append returns; events are buffered and
flushed within 100 ms, before the next durable record, and at exit.

A small index next to the trail (`.<file>.idx`: size, last seq and hash, open intents) lets a new
process start without rereading the file; it is a cache, checked against the file's last record
and rebuilt by a full scan whenever it does not match. It also keeps a high-water mark (the
highest seq and its hash ever seen), which a rebuild never lowers: a trail cut below it is
reported by `govkit audit verify`.

govkit only ever appends to, cuts or rotates a file it recognises as a trail (a regular file, not
a symlink, whose first line is a trail record); anything else is refused untouched.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
import weakref
from pathlib import Path

from govkit.audit import files
from govkit.audit.record import (
    GENESIS,
    HMAC_MISSING,
    HMAC_WRONG,
    KEY_ENABLED,
    LINK,
    SEQ,
    Bad,
    chain_breaks,
    parse,
    seal,
)
from govkit.errors import GovkitError
from govkit.store.atomic import fsync_dir, write_new
from govkit.store.lock import file_lock as _path_lock
from govkit.util.timeutil import iso_us
from govkit.util.warn import warn

FLUSH_SECONDS = 0.1
_SPLIT_WRITES = bool(os.environ.get("GOVKIT_TEST_SPLIT_WRITES"))
_CHUNK = 1 << 20


def default_actor() -> str:
    actor = os.environ.get("GOVKIT_ACTOR")
    if actor:
        return actor
    # getpass.getuser()'s own order, without importing getpass (0.5 ms of every gate)
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        user = os.environ.get(name)
        if user:
            return user
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database entry (containers)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


# Locking: _path_lock(sidecar) is the one lock per trail file and process (govkit.store.lock):
# an in-process lock (re-entrant for its thread: nested use, several Trail objects; exclusive
# across threads) around an exclusive OS lock on the sidecar, which the kernel drops if the
# process dies.


class Trail:
    def __init__(self, path, key: bytes | None = None, rotate_bytes: int = 0,
                 actor: str | None = None, redact_patterns=(), warn=warn):
        self.path = Path(path)
        self.key = key or None
        self.rotate_bytes = int(rotate_bytes or 0)
        # Sidecars live next to the trail so that every writer finds the same lock.
        self.idx_path = self.path.with_name(f".{self.path.name}.idx")
        self._lock = _path_lock(self.path.with_name(f".{self.path.name}.lock"))
        self.actor = actor or default_actor()
        self.redact_patterns = tuple(redact_patterns or ())
        self.warn = warn
        self._mutex = self._lock.mutex
        self._fd: int | None = None
        self._ino = None
        self._synced = False
        self.pos = 0
        self.seq = 0
        self.hash = GENESIS
        self.signed = False
        self.open_intents: dict[int, list] = {}
        self.hw: tuple[int, str] = (0, GENESIS)  # high-water mark (seq, hash)
        self._hw_broken = False
        self._events: list[dict] = []
        self._timer: threading.Timer | None = None
        self._notice: dict | None = None
        self.recovered: list[str] = []
        _live.add(self)

    # ---- locking ----------------------------------------------------------------------------
    def locked(self):
        """The in-process lock plus the OS lock (reentrant); appends and syncs run under it."""
        return self._lock.hold()

    # ---- public API -------------------------------------------------------------------------
    def record_intent(self, command: str, wp: str | None = None, data: dict | None = None) -> int:
        return self.append("intent", command, wp, data)

    def record_result(self, seq: int | None, result=None, error=None, command: str | None = None,
                      wp: str | None = None) -> int:
        """Close intent `seq` (None: a result that belongs to no open intent, e.g. a recovery)."""
        with self.locked():
            self.sync()
            if seq is not None and seq not in self.open_intents:
                raise GovkitError(f"audit: intent {seq} is not open (no such intent, or it already "
                                  "has a result)")
            cmd, owp = self.open_intents.get(seq, [None, None])
            data = {"intent": seq, "ok": error is None}
            if result is not None:
                data["result"] = result
            if error is not None:
                data["error"] = str(error) if isinstance(error, BaseException) else error
            return self.append("result", command or cmd or "result",
                               wp if wp is not None else owp, data)

    def record_denied(self, command: str, wp: str | None, reason: str,
                      data: dict | None = None) -> int:
        return self.append("denied", command, wp, {"reason": reason, **(data or {})})

    def record_event(self, command: str, wp: str | None = None, data: dict | None = None) -> None:
        self.append("event", command, wp, data)

    def has_result(self, seq: int) -> bool:
        """Does intent `seq` have a result? Answered from the index (only new bytes are read)."""
        with self.locked():
            self.sync()
            return seq <= self.seq and seq not in self.open_intents

    def pending(self) -> dict[int, list]:
        """Open intents: seq -> [command, wp]."""
        with self.locked():
            self.sync()
            return dict(self.open_intents)

    def close_open(self, reason: str, keep=frozenset()) -> list[tuple[int, str, str | None]]:
        """Write a failed result for every open intent but those in keep; returns (seq,
        command, wp) closed."""
        done = []
        with self.locked():
            self.sync()
            for seq, (cmd, wp) in sorted(self.open_intents.items()):
                if seq in keep:
                    continue
                self.record_result(seq, error=reason)
                done.append((seq, cmd, wp))
        return done

    def append(self, kind: str, command: str, wp: str | None = None, data=None) -> int | None:
        from govkit.util.redact import redact, redact_text

        rec = {"ts": iso_us(), "kind": kind, "actor": self.actor,
               "command": redact_text(str(command), self.redact_patterns),
               "wp": redact_text(wp, self.redact_patterns) if wp is not None else None,
               "data": redact(data if data is not None else {}, self.redact_patterns)}
        if kind == "event":
            with self._mutex:
                self._events.append(rec)
                if self._timer is None:
                    self._timer = threading.Timer(FLUSH_SECONDS, self._timed_flush)
                    self._timer.daemon = True
                    self._timer.start()
            return None
        with self.locked():
            self.sync()
            self._write([rec], durable=True)
            return self.seq

    def durable_head(self) -> tuple[int, str]:
        """(seq, hash) of the last record, with every record up to it fsynced: what a witness
        (commit trailer, record file) may name."""
        with self.locked():
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self.sync()
            if self._events:
                self._write([], durable=True)
            elif self.pos:
                os.fsync(self._fd)
            return self.seq, self.hash

    def flush(self) -> None:
        """Write buffered events now."""
        with self.locked():
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._events:
                self.sync()
                self._write([], durable=False)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            with self._mutex:
                if self._fd is not None:
                    os.close(self._fd)
                    self._fd = None
                self._synced = False

    def _timed_flush(self) -> None:
        try:
            self.flush()
        except Exception as exc:  # noqa: BLE001 - a background flush must never raise
            self.warn(f"audit trail {self.path}: events not written: {exc}")

    # ---- writing ----------------------------------------------------------------------------
    def _write(self, recs: list[dict], durable: bool) -> None:
        """Under the lock, after sync(): buffered events, a recovery notice, then recs."""
        if self.key is None and self.signed:
            raise GovkitError(
                f"audit trail {self.path} is signed (HMAC) but no audit key is available, so "
                "nothing was written", hint="set GOVKIT_AUDIT_KEY or audit.key_file")
        batch = []
        if self.key is not None and not self.signed and self.seq > 0:
            batch.append({"ts": iso_us(), "kind": "event", "actor": self.actor,
                          "command": KEY_ENABLED, "wp": None,
                          "data": {"unsigned_records": self.seq}})
        if self._notice is not None:
            batch.append({"ts": iso_us(), "kind": "event", "actor": self.actor,
                          "command": "audit-recover", "wp": None, "data": self._notice})
        batch.extend(self._events)
        batch.extend(recs)
        if not batch:
            return
        if (self.rotate_bytes and self.pos >= self.rotate_bytes and not self.open_intents):
            self._rotate()
        seq, prev, opened = self.seq, self.hash, dict(self.open_intents)
        out = []
        for rec in batch:
            seq += 1
            rec["seq"] = seq
            rec["prev_hash"] = prev
            out.append(seal(rec, self.key))
            prev = rec["hash"]
            if rec["kind"] == "intent":
                opened[seq] = [rec["command"], rec["wp"]]
            elif rec["kind"] == "result":
                opened.pop(rec["data"].get("intent"), None)
        blob = b"".join(out)
        view = memoryview(blob)
        if _SPLIT_WRITES:  # test hook: widen the window in which a kill tears a record
            n = os.write(self._fd, view[:len(view) // 2])
            view = view[n:]
            time.sleep(0.002)
        while view:  # short writes are retried; the lock keeps the pieces together
            n = os.write(self._fd, view)
            view = view[n:]
        if durable:
            os.fsync(self._fd)
        self.pos += len(blob)
        self.seq, self.hash, self.open_intents = seq, prev, opened
        self.signed = self.key is not None
        self._events = []
        self._notice = None
        self._write_idx()

    def _rotate(self) -> None:
        os.fsync(self._fd)
        dest = files.rotated_name(self.path)
        os.rename(self.path, dest)
        fsync_dir(self.path.parent)
        os.close(self._fd)
        self._fd = None
        self._open_fd()
        fsync_dir(self.path.parent)
        self.pos = 0
        self._write_idx()

    def _write_idx(self) -> None:
        if self.seq > self.hw[0] and not self._hw_broken:
            self.hw = (self.seq, self.hash)
        data = {"v": 1, "ino": self._ino, "pos": self.pos, "seq": self.seq, "hash": self.hash,
                "signed": self.signed, "open": {str(k): v for k, v in self.open_intents.items()},
                "hw": list(self.hw), "hw_broken": self._hw_broken}
        tmp = self.idx_path.with_name(self.idx_path.name + f".{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(data))
            os.replace(tmp, self.idx_path)
        except OSError:
            pass  # the index is only a cache

    # ---- reading / recovery -----------------------------------------------------------------
    def _open_fd(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if os.path.islink(self.path.parent) or os.path.islink(self.path):
            raise GovkitError(f"audit trail {self.path} (or its directory) is a symlink: govkit "
                              "writes only to a trail file it created, so nothing was written",
                              hint="remove the symlink; the trail lives in the git directory")
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(str(self.path), flags, 0o644)
        try:
            st = os.fstat(fd)
            import stat

            if not stat.S_ISREG(st.st_mode):
                raise GovkitError(f"audit trail {self.path} is not a regular file; nothing was "
                                  "written", hint="move it away")
            if st.st_size:
                _check_is_trail(self.path, fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._ino = fd, st.st_ino

    def sync(self) -> None:
        """Catch up with the file (other writers, crash tails). Call under the lock."""
        try:
            ino = os.stat(self.path).st_ino
        except FileNotFoundError:
            ino = None
        if self._fd is None or ino != self._ino:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self._open_fd()
            self._synced = False
        size = os.fstat(self._fd).st_size
        if not self._synced:
            self._load_start(size)
            self._synced = True
        elif size < self.pos:
            self._start_fresh()
        if size != self.pos:
            self._scan(self.pos, size)
        if self.seq < self.hw[0] and not self._hw_broken:
            self._hw_broken = True  # the mark stays where it was: evidence of the cut
            self._write_idx()
            self.warn(f"audit trail {self.path} ends at seq {self.seq} but reached seq "
                      f"{self.hw[0]} before: records were removed (`govkit audit verify` "
                      "reports it)")
        if self._notice is not None:  # record the cut right away (a durable event)
            try:
                self._write([], durable=True)
            except GovkitError:
                pass  # signed trail, no key here: the notice waits for a writer with the key

    def _load_start(self, size: int) -> None:
        idx = None
        try:
            idx = json.loads(self.idx_path.read_text())
        except (OSError, ValueError, RecursionError):
            pass
        if isinstance(idx, dict):  # the high-water mark survives an index that does not match
            hw = idx.get("hw")
            if (isinstance(hw, list) and len(hw) == 2 and type(hw[0]) is int
                    and isinstance(hw[1], str) and hw[0] > self.hw[0]):
                self.hw = (hw[0], hw[1])
            self._hw_broken = self._hw_broken or bool(idx.get("hw_broken"))
        try:
            ok = (idx.get("v") == 1 and idx["ino"] == self._ino and 0 <= idx["pos"] <= size)
            if ok and idx["pos"] > 0:
                rec = parse(files.last_line(self.path, idx["pos"]) or b"")
                ok = rec["hash"] == idx["hash"] and rec["seq"] == idx["seq"]
            if ok and idx["pos"] == 0:
                ok = (idx["seq"], idx["hash"]) == self._rotated_tail()[:2]
        except (OSError, ValueError, KeyError, TypeError, AttributeError, Bad):
            ok = False
        if not ok:
            self._start_fresh()
            return
        self.pos, self.seq, self.hash = idx["pos"], idx["seq"], idx["hash"]
        self.signed = bool(idx.get("signed"))
        self.open_intents = {int(k): list(v) for k, v in idx.get("open", {}).items()}

    def _rotated_tail(self) -> tuple[int, str, bool]:
        rot = files.rotated(self.path)
        if not rot:
            return 0, GENESIS, False
        try:
            rec = parse(files.last_line(rot[-1]) or b"")
        except Bad as exc:
            raise GovkitError(f"audit: the last record of {rot[-1]} is damaged ({exc.message})",
                              hint="run `govkit audit verify`") from None
        return rec["seq"], rec["hash"], "hmac" in rec

    def _start_fresh(self) -> None:
        self.pos = 0
        self.seq, self.hash, self.signed = self._rotated_tail()
        self.open_intents = {}

    def _accept(self, line: bytes) -> str | None:
        """Check one line against the chain; apply it and return None, or return what broke."""
        try:
            rec = parse(line)
        except Bad as exc:
            return exc.message
        breaks = chain_breaks(rec, self.seq + 1, self.hash, self.key, self.signed)
        if breaks:
            return {SEQ: f"seq {rec['seq']} where {self.seq + 1} was expected",
                    LINK: f"record {rec['seq']} does not link to the previous record's hash",
                    HMAC_WRONG: f"record {rec['seq']} has a wrong HMAC",
                    HMAC_MISSING: f"record {rec['seq']} has no HMAC although the records "
                                  "before it do"}[breaks[0]]
        self.seq, self.hash, self.signed = rec["seq"], rec["hash"], "hmac" in rec
        if rec["seq"] == self.hw[0] and rec["hash"] != self.hw[1]:
            self._hw_broken = True  # replaced records: the mark never moves again
        if rec["kind"] == "intent":
            self.open_intents[rec["seq"]] = [rec["command"], rec["wp"]]
        elif rec["kind"] == "result" and isinstance(rec["data"], dict):
            self.open_intents.pop(rec["data"].get("intent"), None)
        return None

    def _scan(self, start: int, end: int) -> None:
        bad = None
        with open(self.path, "rb") as fh:
            fh.seek(start)
            off, buf, remaining = start, b"", end - start
            while True:
                if remaining > 0:
                    chunk = fh.read(min(_CHUNK, remaining))
                    remaining = remaining - len(chunk) if chunk else 0
                    buf += chunk
                i = 0
                while True:
                    j = buf.find(b"\n", i)
                    if j < 0:
                        break
                    reason = self._accept(buf[i:j + 1])
                    if reason:
                        bad = (off + i, reason)
                        break
                    i = j + 1
                if bad:
                    break
                off, buf = off + i, buf[i:]
                if remaining <= 0:
                    if buf:
                        bad = (off, "torn last line (the writer stopped mid-record)")
                    break
        if bad is None:
            self.pos = end
            return
        self.pos = bad[0]
        self._cut(bad[0], end, bad[1])

    def _cut(self, at: int, end: int, reason: str) -> None:
        with open(self.path, "rb") as fh:
            fh.seek(at)
            tail = fh.read(end - at)
        lines = tail.split(b"\n")
        for later in lines[1:]:
            try:
                parse(later + b"\n")
            except Bad:
                continue
            raise GovkitError(
                f"audit trail {self.path} is damaged at byte {at} ({reason}) and intact records "
                "follow: this is not a crash tail, so nothing was cut and nothing was written",
                hint="run `govkit audit verify` to see what broke; restore the file from a "
                     "backup, or move it aside to start a new trail")
        count = tail.count(b"\n") + (0 if tail.endswith(b"\n") else 1)
        qpath = files.quarantine_name(self.path)
        write_new(qpath, tail)
        os.ftruncate(self._fd, at)
        os.fsync(self._fd)
        msg = (f"audit trail {self.path}: cut {count} record(s) at byte {at} ({reason}); "
               f"the cut bytes are kept in {qpath.name}")
        self.recovered.append(msg)
        self.warn(msg)
        self._notice = {"cut_records": count, "cut_bytes": len(tail), "at_byte": at,
                        "reason": reason, "quarantine": qpath.name}
        self._write_idx()


def _check_is_trail(path: Path, fd: int) -> None:
    """Refuse a non-empty file whose first line is not a trail record (a config that pointed
    the trail at a source file, a planted file): govkit must never cut or rotate it."""
    rfd = os.open(str(path), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if os.fstat(rfd).st_ino != os.fstat(fd).st_ino:
            raise GovkitError(f"audit trail {path} changed while it was opened; nothing was "
                              "written", hint="run the command again")
        head = os.read(rfd, 65536)
    finally:
        os.close(rfd)
    nl = head.find(b"\n")
    ok = head.startswith(b'{"actor":')
    if ok and nl >= 0:
        try:
            parse(head[:nl + 1])
        except Bad as exc:
            ok = exc.code == "HASH"  # a damaged first record is still a trail (verify says so)
    if not ok:
        raise GovkitError(f"{path} is not a govkit audit trail (its first line is not a trail "
                          "record): nothing was written, moved or cut",
                          hint="move the file away; govkit keeps its trail in "
                               "<git common dir>/govkit/audit/")


_live: weakref.WeakSet[Trail] = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:
    for trail in list(_live):
        try:
            trail.flush()
        except Exception as exc:  # noqa: BLE001 - at exit: warn, never a traceback
            warn(f"audit trail {trail.path}: buffered events not written: {exc}")
