"""`govkit demo`: two work packets from an empty directory to main, the way a team works.

The tour is a list of Steps (DEMO_STEPS, the stages are in govkit/demo/steps.py). Each step runs
real commands (govkit as a subprocess: `python -m govkit --repo DIR ...`, and git), prints every
command, its verdict line and its warnings, and checks the exit code it expects. To extend it,
append a Step.

The demo directory holds everything the tour writes: repo/ (main), wt-<WP>/ (the worktrees),
keys/ (the operator's private key, GOVKIT_KEY_DIR), config/ (XDG_CONFIG_HOME: the audit trail's
HMAC key) and notes/ (the validator's findings, the ChangeSets). Nothing is written under the
user's own ~/.config. Offline: the LLM is the stub provider (govkit/llm/stub.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from govkit.demo import steps as s
from govkit.demo.kit import Demo, StageFailed, Step
from govkit.demo.texts import WP1, WP2
from govkit.errors import GovkitError
from govkit.util.escape import escape

__all__ = ["DEMO_STEPS", "Demo", "StageFailed", "Step", "run_demo"]

DEMO_STEPS: list[Step] = [
    Step("init", "the strict config, then `govkit init` (layout, starter spec, merge rules)",
         s.step_init),
    Step("operator key", "an Ed25519 key outside the repository; the config trusts it",
         s.step_keys),
    Step("base commit", "the app skeleton and its checks", s.step_base),
    Step("spec", "Master Spec v01.001: a copy of v01.000 with sections 4 and 5", s.step_spec),
    Step(f"authorize {WP1.wp}", "drafted refinement, approval, signature, prepare, the "
         "authorize commit", s.step_authorize_1),
    Step(f"packet {WP1.wp}", "in its worktree: fill, lock, bootstrap, skeleton approval, "
         "pre-work", s.step_packet_1),
    Step(f"run {WP1.wp}", "`govkit run --agent`: preflight .. commit, with the stub coder",
         s.step_run_agent),
    Step(f"validate {WP1.wp}", "post-work on the range, the validator's four steps, a clean tree",
         s.step_validate_1),
    Step("audit verify", "the trail's hash chain and HMACs, and every commit that witnessed it",
         s.step_audit),
    Step(f"authorize {WP2.wp}", "a second WP on main while the first is still unmerged",
         s.step_authorize_2),
    Step(f"packet {WP2.wp}", "in a second worktree: fill, lock, skeleton approval, pre-work",
         s.step_packet_2),
    Step("failing run", "tests fail: the run rolls back byte for byte (expect FAIL)",
         s.step_failing_run),
    Step(f"run {WP2.wp}", "the fixed ChangeSet passes and is committed", s.step_run_2),
    Step(f"validate {WP2.wp}", "post-work and the validator's steps in the second worktree",
         s.step_validate_2),
    Step("merge", "both WPs into main without a conflict; post-work of each on main, ci, audit",
         s.step_merge),
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


def demo_env(home: Path) -> dict:
    env = dict(os.environ)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GOVKIT_AUDIT_KEY"):
        env.pop(var, None)
    env["GIT_TERMINAL_PROMPT"] = "0"
    # Keys stay in the demo directory: the operator's (keys init --key-dir, and GOVKIT_KEY_DIR
    # for the commands that sign) and the audit HMAC key (under XDG_CONFIG_HOME).
    env["GOVKIT_KEY_DIR"] = str(home / "keys")
    env["XDG_CONFIG_HOME"] = str(home / "config")
    # `python -m govkit` (and the merge driver init registers) import this very govkit;
    # `python3` in the packets' TEST_PLAN is this interpreter's when it has one.
    pkg_parent = str(Path(__file__).resolve().parents[2])
    extra = env.get("PYTHONPATH")
    env["PYTHONPATH"] = pkg_parent + (os.pathsep + extra if extra else "")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def run_demo(directory: str | None = None, out: Callable[[str], None] = print,
             steps: list[Step] | None = None) -> int:
    """Run the tour; 0 when every stage gave its expected verdict, else 1."""
    home = _prepare_dir(directory)
    d = Demo(home, out, demo_env(home))
    steps = DEMO_STEPS if steps is None else steps
    out(f"govkit demo: {WP1.wp} and {WP2.wp} from an empty directory to main, offline")
    out(f"workspace: {escape(home)}")
    out("  repo/ main checkout; wt-<WP>/ one worktree per WP; keys/ the operator's private key; "
        "config/ the audit key")
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
            out(f"demo FAILED at stage '{step.name}' (workspace kept at {escape(home)})")
            return 1
        done += 1
    out("")
    out(f"demo PASSED: {done} stage(s) gave the expected verdicts "
        f"({time.monotonic() - t0:.1f}s)")
    out(f"explore it: cd {escape(d.repo)} && git log --oneline --graph")
    out(f"  (govkit there needs the demo's keys: export GOVKIT_KEY_DIR={escape(home / 'keys')} "
        f"XDG_CONFIG_HOME={escape(home / 'config')})")
    return 0
