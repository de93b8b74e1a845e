"""`govkit run WP`: preflight, validate, review, efficiency, apply, tests, manifest, commit.

The run holds the workspace lock from start to end (so a record whose lock is free belongs to a
dead run). Nothing is written before phase apply; from apply on, any failure or exception rolls
the journaled files and index entries back and verifies the restore by hashing (see apply.py);
an unverifiable restore leaves the run record in state "dirty", which blocks later runs.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from govkit.errors import GovkitError
from govkit.loop import record
from govkit.loop.changeset import FileEdit, Scope, plan
from govkit.loop.phases import PhaseOrderError, PhaseTracker
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

__all__ = ["Options", "run", "PhaseOrderError"]


class Options(NamedTuple):
    changeset: str | None = None
    agent: bool = False
    attempts: int = 1
    force_efficiency: bool = False
    reason: str | None = None
    progress: Callable[[str, str, float], None] | None = None


class _Stop(Exception):
    """A phase said FAIL: end the run (rolling back when something was applied)."""


def new_id() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(4)


def _crash(point: str) -> None:
    """Test hook: GOVKIT_TEST_CRASH_AT=<point> kills the process there (crash tests)."""
    if os.environ.get("GOVKIT_TEST_CRASH_AT") == point:
        os.kill(os.getpid(), 9)


def check_options(ws: Workspace, opts: Options) -> None:
    if bool(opts.changeset) == bool(opts.agent):
        raise GovkitError("give exactly one of --changeset FILE and --agent")
    if opts.attempts < 1:
        raise GovkitError("--attempts must be at least 1")
    if opts.attempts > 1 and not opts.agent:
        raise GovkitError("--attempts N needs --agent: a fixed ChangeSet file would fail the "
                          "same way again")
    if opts.force_efficiency:
        if not ws.config.get("loop.allow_force_efficiency"):
            raise GovkitError("--force-efficiency-pass is not allowed in this workspace",
                              hint="the operator sets loop.allow_force_efficiency: true in "
                                   ".GOV/govkit.yaml")
        if not (opts.reason or "").strip():
            raise GovkitError("--force-efficiency-pass needs --reason TEXT (it goes into the "
                              "audit trail)")


def run(ws: Workspace, wp: str, opts: Options) -> Report:
    check_options(ws, opts)
    report = Report("run", wp)
    with ws.lock("run"):
        from govkit.loop.recover import recover_runs

        for msg in recover_runs(ws, locked=True):
            report.warn("GK-RUN-RECOVERED", msg)
        ws.invalidate()
        Run(ws, wp, opts, report).go()
    return report


class Run:
    def __init__(self, ws: Workspace, wp: str, opts: Options, report: Report):
        self.ws, self.wp, self.opts, self.report = ws, wp, opts, report
        self.id = new_id()
        self.tracker = PhaseTracker(opts.progress)
        self.rec: dict | None = None
        self.pkt_rel = ""
        report.facts["run"] = self.id

    # ---- the phases, in order ---------------------------------------------------------
    def go(self) -> None:
        try:
            scope = self.phase("preflight", self.preflight)
            feedback: list[str] = []
            for attempt in range(1, self.opts.attempts + 1):
                self.report.facts["attempts"] = attempt
                cs, cs_name = self.changeset(feedback)
                edits = self.phase("validate", partial(self.validate, cs, cs_name, scope),
                                   retry=attempt < self.opts.attempts)
                if edits is None:
                    feedback = [f.message for f in self.report.errors]
                    self._drop_errors()
                    continue
                self.phase("review", partial(self.review, "review", cs, edits))
                self.phase("efficiency", partial(self.review, "efficiency", cs, edits))
                self.phase("apply", partial(self.apply, cs, edits))
                ok = self.phase("tests", self.tests, retry=attempt < self.opts.attempts)
                if not ok:
                    feedback = [f.message for f in self.report.errors]
                    self._drop_errors()
                    continue
                self.phase("manifest", partial(self.manifest, cs))
                self.phase("commit", partial(self.commit, cs))
                return
        except _Stop:
            last = self.tracker.done[-1][0] if self.tracker.done else ""
            if self.opts.attempts > 1 and last in ("validate", "tests"):
                self.report.error("GK-RUN-ATTEMPTS", f"no attempt passed: the budget of "
                                  f"{self.opts.attempts} attempt(s) is spent", hint="see the "
                                  "findings of the last attempt; fix the packet and run again")
        except BaseException as exc:
            if self.rec is not None:
                self._rollback(f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self.report.facts["phases"] = self.tracker.timings()

    def _drop_errors(self) -> None:
        """A failed attempt that goes back to the coder: its errors become the feedback (and
        stay in the report as warnings)."""
        self.report.findings = [f._replace(severity="warning") if f.severity == "error" else f
                                for f in self.report.findings]

    def phase(self, name: str, fn, retry: bool = False):
        self.tracker.start(name)
        before = len(self.report.errors)
        try:
            out = fn()
        except _Stop:
            self.tracker.finish("FAIL")
            raise
        except BaseException:
            self.tracker.finish("ERROR")
            raise
        failed = len(self.report.errors) > before or out is False
        self.tracker.finish("FAIL" if failed else "PASS")
        if failed:
            if self.rec is not None:
                self._rollback(f"phase {name} failed")
            if retry:
                self.tracker.rewind("validate")
                return None if name == "validate" else False
            raise _Stop
        return out

    def preflight(self) -> Scope | None:
        from govkit.gates.prework import check_prework

        ws, wp, rep = self.ws, self.wp, self.report
        for rec in record.dirty(ws):
            rep.error("GK-RUN-DIRTY-SENTINEL", f"an earlier run ({rec.get('id')}) could not "
                      "verify its rollback: " + "; ".join(rec.get("differences", [])[:5]),
                      record.record_rel(ws, str(rec.get("id"))),
                      hint="check those files (govkit doctor lists the run), then remove the "
                           "run record")
        if rep.errors:
            return None
        self.pkt_rel, _ = ws.resolve_packet(wp)
        rep.facts["packet"] = self.pkt_rel
        pre = check_prework(ws, wp)
        for f in pre.findings:
            if f.severity != "info":
                rep.findings.append(f)
        scope = self.scope()
        if ws.git.head() is None:
            rep.error("GK-RUN-NOHEAD", "the repository has no commit yet")
        state = ws.p("state_dir").rstrip("/") + "/"
        skip = [state]  # the audit trail lives in the git directory, never in the work tree
        out = ws.git.run("status", "--porcelain=v1", "-z", "--untracked-files=no",
                         "--ignore-submodules=none").stdout
        dirty = [r[3:].decode("utf-8", "surrogateescape") for r in out.split(b"\0")
                 if len(r) > 3 and r[2:3] == b" "]
        dirty = [p for p in dirty if not any(p == s.rstrip("/") or p.startswith(s) for s in skip)]
        if dirty:
            rep.error("GK-RUN-DIRTY", f"uncommitted changes in tracked files: "
                      f"{', '.join(dirty[:10])}{' ...' if len(dirty) > 10 else ''}", dirty[0],
                      hint="commit or stash them yourself; govkit run never stashes or "
                           "discards your work")
        return scope

    def scope(self) -> Scope | None:
        from govkit.gates import lock as lockgate

        ws, rep = self.ws, self.report
        sub = Report("lock", self.wp)
        lock = lockgate.check_lock(ws, self.wp, self.pkt_rel, sub)
        have = {(f.code, f.message) for f in rep.findings}
        rep.extend(f for f in sub.findings if (f.code, f.message) not in have)
        if lock is not None:
            inside, outside = lockgate.locked_scope(lock)
            return Scope(inside, outside, "lock")
        if sub.errors:
            return None
        pkt = ws.packet(self.pkt_rel)
        inside = [e.path for e in pkt.in_scope_paths or [] if e.path]
        outside = [e.path for e in pkt.out_of_scope if e.path]
        if not inside:
            rep.error("GK-RUN-SCOPE", "the packet declares no IN_SCOPE_PATHS: nothing may change",
                      self.pkt_rel, pkt.in_scope_line or None)
            return None
        return Scope(inside, outside, "packet (unlocked, profile compat)")

    def changeset(self, feedback: list[str]) -> tuple[object, str]:
        from govkit.loop.changeset import load

        if self.opts.changeset:
            cs, _ = load(self.ws, self.opts.changeset)
            return cs, self.opts.changeset
        from govkit.loop.agent import coder_changeset

        return coder_changeset(self.ws, self.wp, self.pkt_rel, feedback), "(coder agent)"

    def validate(self, cs, name: str, scope: Scope | None) -> list[FileEdit] | None:
        self.tracker.require("preflight")
        if scope is None:
            raise PhaseOrderError("validate without a scope")
        edits = plan(self.ws, cs, scope, self.report, name)
        if edits is not None:
            self.report.facts["files"] = len(edits)
            self.report.facts["scope"] = scope.source
        return edits

    def review(self, task: str, cs, edits: list[FileEdit]) -> None:
        from govkit.loop import review

        self.tracker.require("validate")
        forced = self.opts.reason if task == "efficiency" and self.opts.force_efficiency else None
        review.judge(self.ws, self.wp, task, cs, edits, self.report, forced)

    def apply(self, cs, edits: list[FileEdit]) -> None:
        from govkit.audit import recorder as hook
        from govkit.loop.apply import apply, journal

        self.tracker.require("efficiency")
        ws = self.ws
        pre = journal(ws, edits, [self.pkt_rel])
        seq = hook.intent(ws, "run", self.wp, {"run": self.id,
                                               "files": sorted(fe.path for fe in edits)})
        self.rec = {"id": self.id, "wp": self.wp, "state": "apply", "head": ws.git.head(),
                    "pid": os.getpid(), "started": time.time(), "audit_seq": seq, "pre": pre,
                    "message": str(cs.get("message", ""))[:200]}
        record.save(ws, self.rec)
        _crash("apply-journal")
        apply(ws, edits, _crash)
        self.report.facts["applied"] = ", ".join(fe.path for fe in edits[:20])

    def tests(self) -> bool:
        from govkit.loop.tests import plan_commands, run_command

        self.tracker.require("apply")
        ws, rep = self.ws, self.report
        self._set_state("tests")
        cmd = ws.config.get("loop.test_command")
        if cmd:
            cmds, skipped = [list(cmd)], []
        else:
            cmds, skipped = plan_commands(ws.packet(self.pkt_rel), str(ws.root))
        for s in skipped:
            rep.info("GK-RUN-TEST-SKIPPED", f"TEST_PLAN line is not runnable (no shell): {s}",
                     self.pkt_rel)
        if not cmds:
            rep.error("GK-RUN-NO-TESTS", "no runnable test command: TEST_PLAN has none and "
                      "loop.test_command is not set", self.pkt_rel,
                      hint="list a command such as 'python -m pytest -q' under TEST_PLAN")
            return False
        timeout = float(ws.config.get("loop.test_timeout_seconds"))
        self.results = []

        def started(pgid: int) -> None:
            assert self.rec is not None
            self.rec["pgid"] = pgid
            record.save(ws, self.rec)
            _crash("tests")

        for argv in cmds:
            res = run_command(argv, str(ws.root), timeout, started)
            self.results.append(res)
            shown = " ".join(argv)
            if res.exit_code is None:
                rep.error("GK-RUN-TEST-TIMEOUT", f"test command timed out after {timeout:g}s; "
                          f"its process group was killed: {shown}", hint=res.tail or None)
            elif res.exit_code != 0:
                rep.error("GK-RUN-TEST", f"test command failed (exit {res.exit_code}): {shown}",
                          hint=res.tail or None)
            else:
                rep.info("GK-RUN-TEST", f"test command passed in {res.seconds:.2f}s: {shown}")
        assert self.rec is not None
        self.rec["pgid"] = None
        record.save(ws, self.rec)
        return not any(r.exit_code != 0 for r in self.results)

    def manifest(self, cs) -> None:
        from govkit.actions.manifest_write import run_manifest
        from govkit.gates.postwork import check_postwork
        from govkit.loop.evidence import write_evidence

        self.tracker.require("tests")
        ws, rep = self.ws, self.report
        self._set_state("manifest")
        write_evidence(ws, self.wp, self.pkt_rel, self.id, self.results,
                       (cs.get("meta") or {}).get("evidence_mapping"))
        mrep, _ = run_manifest(ws, self.wp, write=True)
        rep.extend(f for f in mrep.findings if f.severity == "error")
        if rep.errors:
            return
        post = check_postwork(ws, self.wp)
        rep.facts["post-work"] = post.verdict
        rep.extend(f for f in post.findings if f.severity != "info")

    def commit(self, cs) -> None:
        from govkit.audit import recorder as hook
        from govkit.loop.apply import stage

        self.tracker.require("manifest")
        ws = self.ws
        assert self.rec is not None
        self._set_state("commit")
        stage(ws, [self.pkt_rel])
        seq = hook.intent(ws, "run-commit", self.wp, {"run": self.id})
        msg = f"[{self.wp}] {str(cs['message']).strip()}\n\n" + "\n".join(
            f"{k}: {v}" for k, v in trailers(ws, self.id, seq)) + "\n"
        _crash("commit")
        p = ws.git.run("commit", "--no-verify", "-q", "-F", "-", input=msg.encode("utf-8"),
                       check=False)
        if p.returncode != 0:
            err = p.stderr.decode("utf-8", "replace").strip().splitlines()
            hook.result(ws, seq, False, {"run": self.id, "error": "git commit failed"})
            self.report.error("GK-RUN-COMMIT", f"git commit failed: {err[-1] if err else ''}",
                              hint="check git's identity (user.name, user.email)")
            return
        sha = ws.git.head() or ""
        _crash("committed")
        hook.result(ws, seq, True, {"run": self.id, "commit": sha})
        hook.result(ws, self.rec.get("audit_seq"), True, {"run": self.id, "commit": sha})
        record.drop(ws, self.id)
        self.rec = None
        self.report.facts["commit"] = sha
        self.report.next_commands = [f"govkit post-work {self.wp} --rev {sha[:12]}"]

    # ---- helpers ---------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        assert self.rec is not None
        self.rec["state"] = state
        record.save(self.ws, self.rec)

    def _rollback(self, why: str) -> None:
        from govkit.audit import recorder as hook
        from govkit.loop.apply import rollback

        rec, self.rec = self.rec, None
        assert rec is not None
        t0 = time.monotonic()
        diffs = rollback(self.ws, rec["pre"])
        self.ws.invalidate()
        took = time.monotonic() - t0
        if diffs:
            rec["state"] = record.DIRTY
            rec["differences"] = diffs
            record.save(self.ws, rec)
            self.report.error("GK-RUN-ROLLBACK", "rollback could not be verified: "
                              + "; ".join(diffs[:5]), record.record_rel(self.ws, rec["id"]),
                              hint="every later run is blocked: check these files (govkit "
                                   "doctor), then remove the run record")
        else:
            record.drop(self.ws, rec["id"])
            self.report.facts["rollback"] = (f"verified: {len(rec['pre']['files'])} file(s) "
                                             f"restored byte for byte in {took * 1000:.0f} ms")
        hook.result(self.ws, rec.get("audit_seq"), False, {
            "run": rec["id"], "error": f"rolled back: {why}"[:300],
            "verified": not diffs})


def trailers(ws: Workspace, run_id: str, seq: int | None) -> list[tuple[str, str]]:
    """Govkit-Run, Govkit-Audit-Seq and Govkit-Audit-Head (the trail's head after the commit's
    intent), from govkit/audit/witness.py when present."""
    out = [("Govkit-Run", run_id)]
    try:
        from govkit.audit import witness  # type: ignore[attr-defined]

        got = witness.trailers(ws)
        return out + [(str(k), str(v)) for k, v in got.items()]
    except (ImportError, AttributeError):
        pass
    from govkit.audit import recorder as hook

    head = hook.head(ws)
    if head is not None:
        out += [("Govkit-Audit-Seq", str(head[0])), ("Govkit-Audit-Head", head[1])]
    elif seq is not None:
        out.append(("Govkit-Audit-Seq", str(seq)))
    return out


def changeset_sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def check_changeset(ws: Workspace, wp: str, file: str) -> Report:
    """`govkit changeset check`: the validate phase alone (scope from the lock), no writes."""
    from govkit.loop.changeset import load

    report = Report("changeset-check", wp)
    r = Run(ws, wp, Options(changeset=file), report)
    r.pkt_rel, _ = ws.resolve_packet(wp)
    scope = r.scope()
    if scope is None:
        return report
    cs, _ = load(ws, file)
    r.tracker.done.append(("preflight", "PASS", 0.0))
    r.validate(cs, file, scope)
    return report
