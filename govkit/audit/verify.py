"""`govkit audit verify`: walk every file of the trail in order and check each record.

Streaming (one line in memory at a time, plus the set of open intents), read-only (it never
recovers or writes), and it keeps going after a problem only when asked for all of them.
"""

from __future__ import annotations

from pathlib import Path

from govkit.audit import files, vcache
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
)
from govkit.result import Report

_BAD = {"PARSE": "GK-AUDIT-PARSE", "FIELDS": "GK-AUDIT-FIELDS", "HASH": "GK-AUDIT-HASH"}
HINT = "compare with a backup or a checkpoint; `govkit audit show` lists the records around it"
MAX_OPEN_SHOWN = 20
WITNESS_HINT = ("restore the trail (<git common dir>/govkit/audit/) from a backup; if records "
                "were lost for a known reason, say so in a commit: the witness stays in git")


class _Stop(Exception):
    pass


class Verifier:
    def __init__(self, report: Report, key: bytes | None, display, all_problems: bool,
                 checkpoint: dict | None = None, witnesses=()):
        self.report = report
        self.key = key
        self.display = display
        self.all = all_problems
        self.cp = checkpoint
        self.cp_matched = False
        self.wit: dict[int, list] = {}
        for w in witnesses:
            self.wit.setdefault(w.seq, []).append(w)
        self.wit_shown = 0
        self.expect_seq: int | None = 1
        self.last_hash: str | None = GENESIS
        self.signed_seen = False
        self.unsigned_prefix = 0
        self.first_unsigned = ("", 0)
        self.open: dict[int, tuple[str, int]] = {}
        self.records = 0
        self.last_seq = 0
        self.where = ("", 0)
        self.errors = 0
        self.stopped = False
        self.spans: list[list] = []       # [file name, bytes walked, lines walked] per file
        self.seen_wit: dict[int, str] = {}  # witnessed seq -> the trail's hash there

    def error(self, code: str, message: str, hint: str = HINT) -> None:
        self.errors += 1
        self.report.error(code, message, path=self.where[0], line=self.where[1] or None,
                          hint=hint)
        if not self.all:
            raise _Stop

    def walk(self, paths: list[Path]) -> None:
        if self.stopped:
            return
        done = self.spans[:-1]
        last = self.spans[-1] if self.spans else None
        self.spans = list(done)
        try:
            for i, path in enumerate(paths):
                if i < len(done):
                    continue  # wholly covered by the verified prefix (govkit.audit.vcache)
                if last is not None and i == len(done):
                    self._file(path, last[1], last[2])
                else:
                    self._file(path)
            self._finish()
        except _Stop:
            pass

    # ---- resuming from a verified prefix (govkit.audit.vcache) ----------------------------
    _STATE = ("expect_seq", "last_hash", "signed_seen", "unsigned_prefix", "records",
              "last_seq")

    def snapshot(self) -> dict:
        out = {k: getattr(self, k) for k in self._STATE}
        out["first_unsigned"] = list(self.first_unsigned)
        out["open"] = [[seq, list(where)] for seq, where in self.open.items()]
        out["wit"] = {str(k): v for k, v in self.seen_wit.items()}
        return out

    def resume(self, body: dict) -> bool:
        """Take the state after the verified prefix; False when a witness names a record of
        the prefix whose hash the cache does not hold (then only a full walk can judge it)."""
        st = body["state"]
        for k in self._STATE:
            setattr(self, k, st[k])
        self.first_unsigned = tuple(st["first_unsigned"])
        self.open = {int(seq): tuple(where) for seq, where in st["open"]}
        self.seen_wit = {int(k): v for k, v in st["wit"].items()}
        self.spans = [list(s) for s in body["spans"]]
        old = [s for s in self.wit if s <= self.last_seq]
        if any(seq not in self.seen_wit for seq in old):
            return False
        try:
            for seq in old:
                self._witnessed(seq, self.seen_wit[seq])
        except _Stop:
            self.stopped = True
        return True

    def _file(self, path: Path, start: int = 0, line0: int = 0) -> None:
        shown = self.display(path)
        span = [path.name, start, line0]
        self.spans.append(span)
        with open(path, "rb") as fh:
            if start:
                fh.seek(start)
            for n, line in enumerate(fh, line0 + 1):
                self.where = (shown, n)
                if not line.endswith(b"\n"):
                    self.expect_seq = self.last_hash = None
                    self.error("GK-AUDIT-TORN", f"the last line is cut off mid-record "
                               f"({len(line)} bytes, no newline): the tail was truncated",
                               hint="a crash leaves this too; the next govkit command cuts it "
                                    "into a quarantine file, which `govkit doctor` reports")
                    continue
                self._line(line)
                span[1] += len(line)
                span[2] = n

    def _line(self, line: bytes) -> None:
        try:
            rec = parse(line)
        except Bad as exc:
            self.expect_seq = self.last_hash = None  # resync on the next good record
            self.error(_BAD[exc.code], f"record is broken: {exc.message}")
            return
        seq = rec["seq"]
        self.records += 1
        breaks = chain_breaks(rec, self.expect_seq, self.last_hash, self.key, self.signed_seen)
        if SEQ in breaks:
            self.error("GK-AUDIT-SEQ", f"seq {seq} where {self.expect_seq} was expected (a record "
                       "was deleted, inserted or moved)")
        if LINK in breaks:
            first = self.last_hash == GENESIS
            self.error("GK-AUDIT-CHAIN", f"record {seq} does not link to "
                       + ("the genesis value (earlier files missing?)" if first else
                          "the previous record's hash (a record was changed, deleted, "
                          "inserted or moved)"))
        if "hmac" in rec:
            if not self.signed_seen and self.unsigned_prefix:
                self._check_key_enabled(rec)
            self.signed_seen = True
            if HMAC_WRONG in breaks:
                self.error("GK-AUDIT-HMAC", f"record {seq} has a wrong HMAC: it was changed or "
                           "re-signed by someone without the key (or the key is not this trail's)")
        elif HMAC_MISSING in breaks:
            self.error("GK-AUDIT-HMAC", f"record {seq} has no HMAC although the records before "
                       "it do (HMAC removed?)")
        else:
            if not self.unsigned_prefix:
                self.first_unsigned = self.where
            self.unsigned_prefix += 1
        kind = rec["kind"]
        if kind == "intent":
            self.open[seq] = self.where
        elif kind == "result":
            ref = rec["data"].get("intent") if isinstance(rec["data"], dict) else "?"
            if ref is not None:
                if ref in self.open:
                    del self.open[ref]
                else:
                    self.error("GK-AUDIT-PAIR", f"result {seq} closes intent {ref}, which is "
                               "not an open intent (missing, or closed twice)")
        if self.wit and seq in self.wit:
            self._witnessed(seq, rec["hash"])
        if self.cp is not None and seq == self.cp["last_seq"]:
            self.cp_matched = True
            if rec["hash"] != self.cp["last_hash"]:
                self.error("GK-AUDIT-CHECKPOINT", f"record {seq} does not have the hash the "
                           "checkpoint signed: the trail was rewritten, or the checkpoint belongs "
                           "to another trail", hint="restore the trail from a backup that matches "
                           "the checkpoint; investigate who rewrote it")
        self.expect_seq = seq + 1
        self.last_hash = rec["hash"]
        self.last_seq = seq

    def _witness_error(self, w, message: str) -> None:
        self.wit_shown += 1
        if w.trail is None:  # a record file that does not name its trail: maybe another clone's
            self.report.warn(w.code, message + " (the witness names no trail id: it may belong "
                             "to another clone's trail)", path=w.source, hint=WITNESS_HINT)
            return
        if self.wit_shown > MAX_OPEN_SHOWN:
            return
        is_file = not (w.source.startswith("commit ") or w.code == "GK-AUDIT-CUT")
        here, self.where = self.where, (w.source if is_file else "", 0)
        self.error(w.code, message, hint=WITNESS_HINT)
        self.where = here

    def _witnessed(self, seq: int, h: str) -> None:
        self.seen_wit[seq] = h
        for w in self.wit.pop(seq):
            if w.hash != h:
                self._witness_error(w, f"{w.source} witnessed record {seq} with hash "
                                    f"{w.hash[:16]}..., but the trail's record {seq} has "
                                    f"{h[:16]}...: the trail was replaced or rewritten")

    def _check_key_enabled(self, rec: dict) -> None:
        """Unsigned records may only precede the signed `audit-key-enabled` event that counts
        them (written when a key is first used); anything else means HMACs were removed."""
        data = rec["data"] if isinstance(rec["data"], dict) else {}
        if (rec["kind"] == "event" and rec["command"] == KEY_ENABLED
                and data.get("unsigned_records") == self.unsigned_prefix):
            return
        here, self.where = self.where, self.first_unsigned
        self.error("GK-AUDIT-HMAC", f"{self.unsigned_prefix} record(s) from here on carry no "
                   "HMAC although later records do (HMAC removed?)")
        self.where = here

    def _finish(self) -> None:
        r = self.report
        self.where = ("", 0)
        if self.key is not None and self.records and not self.signed_seen:
            self.error("GK-AUDIT-HMAC", "no record carries an HMAC although an audit key is "
                       "configured: the trail was written, or re-chained, without the key",
                       hint="if the trail predates the key this is expected: archive it and "
                            "start a new one; otherwise treat it as tampered")
        if self.signed_seen and self.unsigned_prefix:
            r.info("GK-AUDIT-UNSIGNED", f"the first {self.unsigned_prefix} record(s) carry no "
                   "HMAC: they were written before a key was configured, and the signed "
                   f"'{KEY_ENABLED}' record that follows them pins them through the chain")
        for seq in sorted(self.wit):
            for w in self.wit[seq]:
                self._witness_error(w, f"{w.source} witnessed record {seq}, but the trail ends "
                                    f"at seq {self.last_seq}: the trail was deleted or cut")
        if self.cp is not None and not self.cp_matched:
            self.error("GK-AUDIT-CHECKPOINT", f"the trail ends at seq {self.last_seq} but the "
                       f"checkpoint covers {self.cp['last_seq']} records: records were removed",
                       hint="restore the trail from a backup that matches the checkpoint")
        for seq, (path, line) in list(self.open.items())[:MAX_OPEN_SHOWN]:
            r.warn("GK-AUDIT-OPEN", f"intent {seq} has no result (a command stopped between "
                   "intent and result)", path=path, line=line,
                   hint="govkit doctor (completes or closes it and says which)")
        if len(self.open) > MAX_OPEN_SHOWN:
            r.warn("GK-AUDIT-OPEN", f"... and {len(self.open) - MAX_OPEN_SHOWN} more open "
                   "intent(s)", hint="govkit doctor")


def verify_trail(path: Path, key: bytes | None, display=str, all_problems: bool = True,
                 checkpoint: dict | None = None, report: Report | None = None,
                 witnesses=(), cached: bool = False) -> Report:
    """Verify the trail whose current file is `path` (rotated siblings included), and that
    every witness (govkit.audit.witness) names a record on its chain. cached: start after the
    verified prefix that an earlier clean walk stored (govkit.audit.vcache), and store the new
    one; `govkit ci` does, `govkit audit verify` never does."""
    report = report or Report("audit-verify")
    chain = files.chain(path)
    v = Verifier(report, key, display, all_problems, checkpoint, witnesses)
    use_cache = cached and key is not None and checkpoint is None
    before = None
    if use_cache:
        body = vcache.load(path, key, chain)
        if body is not None and not v.resume(body):
            v = Verifier(report, key, display, all_problems, checkpoint, witnesses)
        elif body is not None:
            before = (body["spans"], len(v.seen_wit))
        report.facts["resumed_at_seq"] = v.last_seq
    v.walk(chain)
    if use_cache and not v.errors and before != (v.spans, len(v.seen_wit)):
        vcache.save(path, key, chain, v.spans, v.snapshot())
    hmac_bad = any(f.code == "GK-AUDIT-HMAC" for f in report.errors)
    report.facts.update({"files": len(chain), "records": v.records, "last_seq": v.last_seq,
                         "hmac": "not checked (no key)" if key is None else
                         "FAILED" if hmac_bad else "verified" if v.signed_seen else
                         "no record is signed"})
    if v.last_hash not in (None, GENESIS):
        report.facts["last_hash"] = v.last_hash
    if key is None and v.signed_seen:
        report.error("GK-AUDIT-NOKEY", "the trail is HMAC-signed but no audit key is "
                     "available, so its signatures cannot be checked (a re-signed or forged "
                     "trail would look the same)",
                     hint="set GOVKIT_AUDIT_KEY or audit.key_file, or restore this "
                          "repository's key file (docs/audit.md)")
    elif key is None and v.records:
        report.warn("GK-AUDIT-NOKEY", "HMAC was not checked: no audit key is available "
                    "(chain, seq and pairing were checked)",
                    hint="set GOVKIT_AUDIT_KEY or audit.key_file to check signatures")
    for q in files.quarantined(path):
        report.warn("GK-AUDIT-QUARANTINE", "bytes cut from the trail during crash recovery are "
                    "kept here", path=display(q),
                    hint="inspect them; delete the file once you are satisfied")
    if not chain:
        report.info("GK-AUDIT-EMPTY", "no audit trail yet", path=display(path))
    return report
