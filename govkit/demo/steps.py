"""The stages of `govkit demo`: the team flow of docs/user-guide.md with two work packets.

The orchestrator works on main (repo/); each WP's coder and validator work in the WP's own
worktree (wt-<WP>/, on the branch the authorize commit starts); both WPs are merged into main
at the end. Every command is the one a person would type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from govkit.demo import texts
from govkit.demo.kit import Demo, StageFailed, short_diff, tree_hash
from govkit.demo.texts import WP1, WP2, WorkPacket


def step_init(d: Demo) -> None:
    """The config first (init never overwrites it), then `govkit init`."""
    d.write(".GOV/govkit.yaml", texts.CONFIG)
    d.say("config: profile strict (what `govkit init` writes): packets must be locked, operator "
          "acts are records,")
    d.say("        the original's bypasses are refused; the demo only sets both waits to 0 s "
          "(see the file's comments)")
    d.gk("init", str(d.repo), "--project", texts.PROJECT)
    attrs = d.read(".gitattributes").splitlines()
    d.say("merge rules (.gitattributes): " + "; ".join(a for a in attrs if "merge=" in a))
    d.git("config", "user.email", "demo@govkit.invalid", show=False)
    d.git("config", "user.name", "govkit demo", show=False)
    d.git("config", "commit.gpgsign", "false", show=False)


def step_keys(d: Demo) -> None:
    keys = d.home / "keys"
    old = d.read(".GOV/govkit.yaml")
    d.gk("keys", "init", "--key-dir", str(keys), "--key-id", texts.KEY_ID, "--trust")
    d.say(f"private key: {keys}/{texts.KEY_ID}.key (outside the repository; GOVKIT_KEY_DIR)")
    d.say(f"public key: .GOV/keys/{texts.KEY_ID}.pub; .GOV/govkit.yaml now trusts it:")
    for ln in short_diff(old, d.read(".GOV/govkit.yaml")):
        d.say("  " + ln)


def step_base(d: Demo) -> None:
    for rel, text in texts.APP.items():
        d.write(rel, text)
    d.commit("chore: govkit workspace and app skeleton")


def step_spec(d: Demo) -> None:
    """A released spec is never edited: copy it to the next version and point at the copy."""
    old = f"{texts.PROJECT}_Master_Spec_v01.000.md"
    new = f"{texts.PROJECT}_Master_Spec_v01.001.md"
    if not (d.repo / old).is_file():
        raise StageFailed(f"govkit init wrote no starter spec {old}")
    text = d.read(old).replace("v01.000", "v01.001", 1).rstrip("\n") + "\n" + texts.SPEC_ADDITION
    d.write(new, text)
    d.edit(".GOV/roles_shared/SPEC_CURRENT.md", {old: new})
    d.gk("spec-check")
    d.commit("spec: v01.001 (4. Greeting, 5. Farewell)")


def _signature(d: Demo, n: int) -> str:
    """The operator's one-time token {user}{DDMMYYYYHHMM}, dated now (one minute apart per WP,
    so the two never collide)."""
    if "t0" not in d.state:
        d.state["t0"] = datetime.now(UTC).replace(second=0, microsecond=0)
    return "operator" + (d.state["t0"] - timedelta(minutes=n)).strftime("%d%m%Y%H%M")


def authorize(d: Demo, w: WorkPacket, n: int) -> None:
    """Orchestrator and operator on main: drafted refinement, approval, signature, PREPARE,
    the `[WP] chore: authorize` commit; main stays clean and the WP branch starts there."""
    ref = f".GOV/refinements/{w.wp}.md"
    d.gk("draft", "refinement", w.wp, "--section", w.section)
    d.gk("record-refinement", w.wp)
    d.say("(the operator reviews the draft in a later turn and approves it)")
    d.edit(ref, {f"- USER_APPROVAL_EVIDENCE: <pending> (must equal: APPROVE REFINEMENT {w.wp})":
                 f"- USER_APPROVAL_EVIDENCE: APPROVE REFINEMENT {w.wp}"}, who="operator")
    d.gk("record-signature", w.wp, _signature(d, n))
    d.gk("approve", w.wp)
    d.gk("worktree-add", w.wp)
    d.gk("record-prepare", w.wp, w.coder)
    d.gk("create-task-packet", w.wp, "--checkpoint")
    d.say(d.git("log", "-1", "--format=%h %s", show=False))
    d.clean()


def packet(d: Demo, w: WorkPacket) -> None:
    """In the WP's worktree: the orchestrator fills the packet, the operator locks it (signed);
    the coder writes BOOTSTRAP and SKELETON, the operator approves the skeleton; the coder
    starts the WP (In Progress); pre-work."""
    at = d.wt(w.wp)
    d.edit(w.packet, w.fields(), at, who="orchestrator")
    d.gk("lock", w.wp, at=at)
    d.commit(f"[{w.wp}] docs: fill and lock packet", at)
    d.edit(w.packet, w.coder_fields(), at, who="coder")
    d.commit(f"[{w.wp}] docs: bootstrap and skeleton", at)
    d.gk("approve-skeleton", w.wp, at=at)
    d.commit(f"[{w.wp}] chore: skeleton approved", at)
    d.gk("start", w.wp, at=at)  # Status and board: In Progress, committed on the WP's branch
    d.gk("pre-work", w.wp, at=at)


def validate(d: Demo, w: WorkPacket) -> None:
    """post-work on the committed range, then the validator's steps in the documented order."""
    at = d.wt(w.wp)
    d.gk("post-work", w.wp, at=at)
    notes = d.home / "notes"
    notes.mkdir(exist_ok=True)
    findings = notes / f"{w.wp}-findings.txt"
    findings.write_text(f"post-work PASS on the WP's range; `{w.test}` exit 0\n",
                        encoding="utf-8")
    d.gk("validator-gate", "present-report", w.wp, "PASS", "--report", str(findings), at=at)
    d.gk("validator-gate", "acknowledge", w.wp, at=at)
    d.gk("validator-gate", "append", w.wp, at=at)
    d.show_commit_diff(w.packet, at, who="govkit: the report block", limit=10)
    d.gk("validator-gate", "commit", w.wp, at=at)
    d.show_commit_diff(w.packet, at, who="govkit: the packet's Status", limit=4)
    d.clean(at)


def run_phases(d: Demo, stderr: str) -> None:
    """The run's phase lines (stderr: name, verdict, time)."""
    for ln in stderr.splitlines():
        if ln.strip():
            d.say("  " + ln.strip())


def step_authorize_1(d: Demo) -> None:
    authorize(d, WP1, 0)


def step_packet_1(d: Demo) -> None:
    packet(d, WP1)


def step_run_agent(d: Demo) -> None:
    at = d.wt(WP1.wp)
    d.say("(the stub coder stands in for an LLM, offline: it appends one line per DONE_MEANS "
          "item to the first in-scope file)")
    p = d.gk("run", WP1.wp, "--agent", at=at)
    run_phases(d, p.stderr)
    d.say(d.git("log", "-1", "--format=%h %s", at=at, show=False))
    d.show_commit_diff(WP1.path, at, who="the stub coder's ChangeSet")
    d.show_commit_diff(WP1.packet, at, who="govkit: manifest, evidence mapping, evidence",
                       per_hunk=2)


def step_validate_1(d: Demo) -> None:
    validate(d, WP1)


def step_audit(d: Demo) -> None:
    audit_verify(d, d.wt(WP1.wp))


def audit_verify(d: Demo, at: Path) -> None:
    p = d.gk("audit", "verify", "-v", at=at)
    hmac = [ln for ln in p.stdout.splitlines() if ln.startswith("hmac:")]
    if hmac != ["hmac: verified"]:
        raise StageFailed(f"expected 'hmac: verified', got {hmac or 'no hmac line'}")
    d.say("hmac: verified")


def step_authorize_2(d: Demo) -> None:
    d.say(f"(in parallel: {WP1.wp} is validated on its branch but not merged yet)")
    authorize(d, WP2, 1)


def step_packet_2(d: Demo) -> None:
    packet(d, WP2)


def _fingerprint(d: Demo, at: Path) -> str:
    index = d.git("ls-files", "-s", at=at, show=False)
    head = d.git("rev-parse", "HEAD", at=at, show=False)
    return tree_hash(at, index, head)


def _changeset(d: Demo, name: str, word: str) -> str:
    path = d.home / "notes" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(texts.farewell_changeset(word), encoding="utf-8")
    return str(path)


def step_failing_run(d: Demo) -> None:
    at = d.wt(WP2.wp)
    cs = _changeset(d, "WP-2-first-try.json", "Bye")
    d.say(f"the coder's first ChangeSet adds {WP2.path} returning 'Bye, ' + name (spec 5.1 says "
          "'Goodbye, ')")
    before = _fingerprint(d, at)
    p = d.gk("run", WP2.wp, "--changeset", cs, at=at, expect=1)
    hints = [ln for ln in p.stdout.splitlines() if ln.startswith("  fix: ")]
    if hints:   # the test's output tail (escaped: one line); its last line says what failed
        d.say("  test output: ..." + hints[0].rsplit("\\n", 1)[-1])
    run_phases(d, p.stderr)
    for ln in p.stdout.splitlines():
        if ln.startswith("rollback:"):
            d.say(ln)
    after = _fingerprint(d, at)
    if before != after:
        raise StageFailed("the tree after the failed run differs from the tree before it")
    d.say(f"tree hash before: {before[:16]}  after: {after[:16]}  (every file, mode, the index "
          "and HEAD: identical)")
    if (at / WP2.path).exists():
        raise StageFailed(f"{WP2.path} is still there after the rollback")
    d.clean(at)


def step_run_2(d: Demo) -> None:
    at = d.wt(WP2.wp)
    cs = _changeset(d, "WP-2-fixed.json", "Goodbye")
    p = d.gk("run", WP2.wp, "--changeset", cs, at=at)
    run_phases(d, p.stderr)
    d.say(d.git("log", "-1", "--format=%h %s", at=at, show=False))


def step_validate_2(d: Demo) -> None:
    validate(d, WP2)


def _both_sides(d: Demo, branch: str) -> None:
    """Say which files main and the branch both changed, and the merge rule git uses for each."""
    base = d.git("merge-base", "HEAD", branch, show=False)
    ours = set(d.git("diff", "--name-only", base, "HEAD", show=False).splitlines())
    theirs = set(d.git("diff", "--name-only", base, branch, show=False).splitlines())
    both = sorted(ours & theirs)
    if not both:
        d.say(f"no file changed on both main and {branch} since they forked")
        return
    attrs = d.git("check-attr", "merge", "--", *both, show=False).splitlines()
    rules = [ln.replace(": merge: ", " (merge=") + ")" for ln in attrs]
    d.say(f"both main and {branch} changed: " + ", ".join(rules))


def step_merge(d: Demo) -> None:
    """Both WP branches into main. Files both sides changed merge by the rules `govkit init`
    put in .gitattributes (board and signature audit: union; gate log: govkit's driver); then
    each WP's own range passes post-work on main."""
    for w in (WP1, WP2):
        _both_sides(d, w.branch)
        d.git("merge", "--no-edit", "-q", w.branch)
        d.say(d.git("log", "-1", "--format=%h %s", show=False))
    d.clean()
    for w in (WP1, WP2):
        d.gk("post-work", w.wp)
    d.gk("ci")
    audit_verify(d, d.repo)
    d.clean()
