"""`govkit demo`: one work packet, WP-1-Demo, from an empty directory to a checked commit.

The tour is a list of Steps (DEMO_STEPS). Each step runs real commands in a fresh git
repository (govkit as a subprocess: `python -m govkit --repo DIR ...`), prints every command
and its verdict line, and says whether the verdict was the expected one. To extend it, append a
Step.

Offline: no network, no LLM; the orchestrator's texts come from govkit.demo.sample.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from govkit.errors import GovkitError

WP = "WP-1-Demo"
CODER = "Coder-A"
SCOPE = ("src/app.py",)


class StageFailed(Exception):
    """A command gave an unexpected verdict; the demo stops at this stage."""


@dataclass
class Step:
    name: str                                  # short stage name, printed and used in errors
    say: str                                   # one line: what this stage shows
    run: Callable[[Demo], None]              # raises StageFailed on an unexpected verdict


@dataclass
class Demo:
    root: Path
    out: Callable[[str], None] = print
    env: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)

    # ---- helpers ----------------------------------------------------------------------------
    def gk(self, *args: str, expect: int = 0, show: bool = True) -> subprocess.CompletedProcess:
        """Run govkit on the demo repository; check its exit code."""
        cmd = [sys.executable, "-m", "govkit", "--repo", str(self.root), *args]
        if show:
            self.out(f"$ govkit {' '.join(_q(a) for a in args)}")
        p = subprocess.run(cmd, capture_output=True, text=True, env=self.env, cwd=self.root)
        verdict = _verdict_line(p)
        if show:
            self.out(f"  {verdict}")
        if p.returncode != expect:
            detail = (p.stdout + p.stderr).strip()
            raise StageFailed(f"`govkit {' '.join(args)}` exited {p.returncode}, expected {expect}"
                              + (f"\n{_indent(detail)}" if detail else ""))
        if expect != 0 and show:
            for ln in p.stdout.splitlines():
                if ln.startswith("ERROR "):
                    self.out(f"  {ln.strip()}")
            self.out("  (expected: the gate says no)")
        return p

    def git(self, *args: str, show: bool = True) -> str:
        if show:
            self.out(f"$ git {' '.join(_q(a) for a in args)}")
        try:
            p = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True,
                               env=self.env)
        except FileNotFoundError:
            raise GovkitError("git is not installed or not on PATH", hint="install git") from None
        if p.returncode != 0:
            raise StageFailed(f"`git {' '.join(args)}` failed: {p.stderr.strip()}")
        return p.stdout.strip()

    def write(self, rel: str, text: str, show: bool = True) -> None:
        from govkit.store.atomic import atomic_write_bytes

        if show:
            self.out(f"  write {rel}")
        atomic_write_bytes(self.root / rel, text.encode("utf-8"))

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def commit(self, message: str) -> str:
        """Commit everything; the message carries the trailers that witness the audit trail's
        head (as every govkit commit does), so cutting the trail later is detected."""
        self.git("add", "-A")
        trailers = self.gk("audit", "trailers", show=False).stdout.strip()
        self.git("commit", "-q", "-m", message, *(["-m", trailers] if trailers else []))
        return self.git("rev-parse", "HEAD", show=False)


def _q(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines()[-15:])


def _verdict_line(p: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in (p.stdout or "").splitlines() if ln.strip()]
    for ln in reversed(lines):
        if ln.rstrip().endswith(("PASS", "FAIL")) or ": PASS" in ln or ": FAIL" in ln:
            return ln.strip()
    err = [ln for ln in (p.stderr or "").splitlines() if ln.strip()]
    if lines:
        return lines[-1].strip()
    return err[-1].strip() if err else f"(exit {p.returncode})"


# ---- the stages ------------------------------------------------------------------------------

def step_init(d: Demo) -> None:
    d.gk("init", str(d.root))


def step_base_commit(d: Demo) -> None:
    d.git("config", "user.email", "demo@govkit.invalid", show=False)
    d.git("config", "user.name", "govkit demo", show=False)
    d.git("config", "commit.gpgsign", "false", show=False)
    d.write("src/app.py", "def rule():\n    return False\n")
    d.state["base"] = d.commit("chore: govkit workspace and app skeleton")


def _spec(d: Demo) -> tuple[str, str, list[str]]:
    """The current spec (name, sha1, lines); the sample spec replaces the starter spec."""
    import hashlib

    from govkit.demo import sample

    if not (d.root / sample.SPEC_NAME).exists():
        d.write(sample.SPEC_NAME, sample.spec_text())
        d.write(".GOV/roles_shared/SPEC_CURRENT.md", sample.pointer_text(sample.SPEC_NAME))
    text = d.read(sample.SPEC_NAME)
    return sample.SPEC_NAME, hashlib.sha1(text.encode("utf-8")).hexdigest(), text.split("\n")


def step_orchestrate(d: Demo) -> None:
    """Refinement -> signature -> PREPARE -> task packet."""
    from govkit.demo import sample

    name, sha, lines = _spec(d)
    cfg = ".GOV/govkit.yaml"
    if not (d.root / cfg).exists():
        # Config is law: it lands before the packet's merge base, never inside a WP's diff.
        d.write(cfg, "# demo: no waiting between refinement and signature\n"
                     "signature:\n  min_interval_seconds: 0\n"
                     "validator:\n  min_gate_interval_seconds: 0\n")
    d.git("add", "-A")
    d.git("commit", "-q", "-m", "spec: v01.001 (capabilities 1-3)")
    branch = d.git("symbolic-ref", "--short", "HEAD", show=False)
    sig = sample.signature_at(datetime.now(UTC).replace(second=0, microsecond=0))
    d.state["signature"] = sig
    _orchestrate_with_commands(d, name, sha, lines, sig, branch)


def _orchestrate_with_commands(d: Demo, name: str, sha: str, lines: list[str], sig: str,
                               branch: str) -> None:
    from govkit.demo import sample

    d.write(f".GOV/refinements/{WP}.md", sample.refinement_text(WP, name, sha, lines, None))
    d.gk("record-refinement", WP)
    d.gk("record-signature", WP, sig)
    d.gk("record-prepare", WP, CODER, "--branch", branch, "--worktree", ".")
    log = json.loads(d.read(".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"))
    want = next((e.get("branch") for e in reversed(log.get("gate_logs", []))
                 if e.get("wpId") == WP and e.get("type") == "PREPARE"), None)
    if want and want != branch:
        d.git("switch", "-q", "-c", want)
    # --checkpoint: govkit commits what the orchestrator's steps wrote as `[WP] chore: authorize`.
    d.gk("create-task-packet", WP, "--checkpoint")
    d.out("  " + d.git("log", "-1", "--format=%h %s", show=False))


def step_checkpoint(d: Demo) -> None:
    """The coder fills the packet, the operator locks it; the edit is shown as a diff."""
    from govkit.demo import sample

    rel = f".GOV/task_packets/{WP}.md"
    d.write(rel, sample.fill_packet(d.read(rel), SCOPE))
    d.gk("lock", WP)  # the operator checked the filled packet: its locked sections are fixed
    d.commit(f"[{WP}] docs: fill and lock packet")


def step_prework(d: Demo) -> None:
    d.gk("gate-check", WP)
    d.gk("refinement-check", WP, "--require-signature")
    d.gk("pre-work", WP)


def step_code_change(d: Demo) -> None:
    # The operator approves the skeleton in the packet before implementation starts.
    rel = f".GOV/task_packets/{WP}.md"
    text = d.read(rel)
    if "\nSKELETON APPROVED\n" not in text:
        head, sep, tail = text.partition("\n## END_TO_END_CLOSURE_PLAN")
        d.write(rel, head.rstrip("\n") + "\n\nSKELETON APPROVED\n\n" + sep.lstrip("\n") + tail
                if sep else text)
    d.write("src/app.py", "def rule():\n    \"\"\"Rule 1.4 of the Master Spec.\"\"\"\n"
                          "    return True\n")


TEST_CODE = "import sys; sys.path.insert(0, 'src'); import app; assert app.rule()"


def step_evidence(d: Demo) -> None:
    """Run the packet's test and record the command, its exit code and the evidence mapping."""
    d.out(f"$ python -c {_q(TEST_CODE)}")
    p = subprocess.run([sys.executable, "-c", TEST_CODE], cwd=d.root, capture_output=True,
                       text=True, env=d.env)
    d.out(f"  exit {p.returncode}")
    if p.returncode != 0:
        raise StageFailed(f"the test failed: {p.stderr.strip()}")
    rel = f".GOV/task_packets/{WP}.md"
    text = d.read(rel)
    line = next(n for n, ln in enumerate(d.read("src/app.py").splitlines(), 1) if "return" in ln)
    repl = {"- <fill: requirement -> path:line>": f"- rule 1.4 -> src/app.py:{line}",
            "- COMMAND: <paste>": f"- COMMAND: python -c \"{TEST_CODE}\"",
            "- EXIT_CODE: <int>": f"- EXIT_CODE: {p.returncode}"}
    for a, b in repl.items():
        text = text.replace(a, b)
    d.write(rel, text)


def step_manifest(d: Demo) -> None:
    d.gk("manifest", WP, "--write")


def step_postwork(d: Demo) -> None:
    d.gk("post-work", WP)


def step_deliberate_fail(d: Demo) -> None:
    d.write("src/extra.py", "print('not in the packet')\n")
    d.git("add", "-A")
    d.gk("post-work", WP, expect=1)
    d.git("rm", "-q", "-f", "src/extra.py")
    d.gk("post-work", WP, show=False)
    d.out("  (removed src/extra.py; post-work passes again)")


def step_commit(d: Demo) -> None:
    d.state["head"] = d.commit(f"feat: rule 1.4 [{WP}]")


def step_postwork_range(d: Demo) -> None:
    # A clean tree: post-work picks the range MERGE_BASE_SHA..HEAD by itself, and the verdict
    # is the same as before the commit.
    d.gk("post-work", WP)


def step_validate(d: Demo) -> None:
    """present-report -> acknowledge -> append (verified in the packet) -> commit (bound to HEAD)."""
    findings = Path(tempfile.mkdtemp(prefix="govkit-demo-report-")) / "findings.txt"
    findings.write_text("pre-work PASS, post-work PASS (range), tests exit 0\n", encoding="utf-8")
    d.gk("validator-gate", "present-report", WP, "PASS", "--report", str(findings))
    d.gk("validator-gate", "acknowledge", WP)
    d.gk("validator-gate", "append", WP)   # writes the block into the packet and commits it
    d.gk("validator-gate", "commit", WP)   # records HEAD (VALIDATED) and commits the state
    d.gk("gate-check", WP)
    status = d.git("status", "--porcelain")
    if status:
        raise StageFailed(f"the tree is not clean after the validator:\n{status}")
    d.out("  (git status: clean)")


def step_audit(d: Demo) -> None:
    """The trail was signed from its first record by the key `govkit init` made."""
    p = d.gk("audit", "verify", "-v")
    hmac = [ln for ln in p.stdout.splitlines() if ln.startswith("hmac:")]
    if hmac != ["hmac: verified"]:
        raise StageFailed(f"expected 'hmac: verified', got {hmac or 'no hmac line'}")
    d.out("  hmac: verified")


DEMO_STEPS: list[Step] = [
    Step("init", "scaffold .GOV/, a starter spec, the board, the logs and the justfile",
         step_init),
    Step("base commit", "commit the governance workspace and the app skeleton", step_base_commit),
    Step("orchestrate", "spec v01.001, a signed refinement, PREPARE, the locked task packet",
         step_orchestrate),
    Step("fill and lock", "fill the packet, lock it, commit (pre-work compares against it)",
         step_checkpoint),
    Step("pre-work", "the coder's gates before touching code (expect PASS)", step_prework),
    Step("code change", "edit src/app.py, which the packet puts in scope", step_code_change),
    Step("evidence", "run the packet's test; record command, exit code and evidence mapping",
         step_evidence),
    Step("manifest", "write the COR-701 manifest into the packet", step_manifest),
    Step("post-work", "the diff matches the packet's manifest (expect PASS)", step_postwork),
    Step("deliberate FAIL", "a change the packet does not allow: the gate says no; then revert",
         step_deliberate_fail),
    Step("commit", "commit the work", step_commit),
    Step("post-work range", "post-work again on the committed range (expect PASS)",
         step_postwork_range),
    Step("validate", "the validator's state machine, bound to the packet and the commit",
         step_validate),
    Step("audit verify", "the audit trail's hash chain and HMACs are intact, and every commit "
         "that witnessed it finds its record", step_audit),
]


def _prepare_dir(directory: str | None) -> Path:
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="govkit-demo-")).resolve()
    root = Path(directory).expanduser()
    if root.exists():
        if not root.is_dir():
            raise GovkitError("demo directory is not a directory", path=str(root))
        if any(root.iterdir()):
            raise GovkitError("demo directory exists and is not empty", path=str(root),
                              hint="give a new or empty directory, or none for a temporary one")
    root.mkdir(parents=True, exist_ok=True)
    return root.resolve()


def run_demo(directory: str | None = None, out: Callable[[str], None] = print,
             steps: list[Step] | None = None) -> int:
    """Run the tour; 0 when every stage gave its expected verdict, else 1."""
    root = _prepare_dir(directory)
    env = dict(os.environ)
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    env["GIT_TERMINAL_PROMPT"] = "0"
    # The demo's audit key is made where every repository's key goes (outside the repository,
    # in the user's config directory), so the workspace it leaves stays usable afterwards.
    # Make `python -m govkit` import this very govkit, installed or not.
    pkg_parent = str(Path(__file__).resolve().parents[2])
    extra = env.get("PYTHONPATH")
    env["PYTHONPATH"] = pkg_parent + (os.pathsep + extra if extra else "")
    d = Demo(root, out, env)
    steps = DEMO_STEPS if steps is None else steps
    out(f"govkit demo: work packet {WP} from an empty directory to a checked commit")
    out(f"workspace: {root}   (every govkit command below runs with --repo {root})")
    if not env.get("GOVKIT_AUDIT_KEY"):
        home = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        out(f"audit key: under {home}/govkit/keys/ (outside the repository)")
    t0 = time.monotonic()
    done = 0
    for n, step in enumerate(steps, 1):
        out("")
        out(f"== {n}. {step.name}: {step.say}")
        try:
            step.run(d)
        except StageFailed as exc:
            out(f"  UNEXPECTED: {exc}")
            out("")
            out(f"demo FAILED at stage '{step.name}' (workspace kept at {root})")
            return 1
        done += 1
    out("")
    out(f"demo PASSED: {done} stage(s) gave the expected verdicts "
        f"({time.monotonic() - t0:.1f}s)")
    out(f"explore it: cd {root} && git log --oneline && just --list")
    return 0
