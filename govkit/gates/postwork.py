"""post-work: the diff equals the declared COR-701 manifest, in staged, worktree and range mode.

The ten COR-701 gate names are computed per manifest entry (never read from checkboxes). Mode
selection, window semantics and every deliberate difference from the original are documented in
docs/compatibility.md ("post-work"); finding codes in docs/findings.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from govkit import cor701
from govkit.cor701 import GATE_CODES, GATE_NAMES, ZERO_SHA
from govkit.diffset import EMPTY_TREE, DiffSet, FileChange, Hunk
from govkit.errors import GovkitError
from govkit.globs import any_match, matches
from govkit.model.common import is_placeholder, strip_ticks
from govkit.model.manifest import (
    Manifest,
    ManifestBlock,
    normalize_target,
    parse_manifest,
)
from govkit.report import Report

_SHA_RE = re.compile(r"^[0-9a-fA-F]{40}$")
_INT_RE = re.compile(r"^[+-]?\d+$")
_CITE_RE = re.compile(
    r"(?<![\w./\\-])((?:[\w.\-]+/)*[\w\-][\w.\-]*\.[A-Za-z0-9_]+|(?:[\w.\-]+/)+[\w.\-]+)"
    r":(\d+)(?:-(\d+))?(?![\w])")
_SCOPE_PLACEHOLDERS = {"path/to/file", "path/to/dir/", "<fill>"}


# ---- shared helpers (used by `govkit manifest` too) ------------------------------------------
def state_patterns(ws, wp: str, packet_rel: str) -> list[str]:
    """Governance state files that change as part of the workflow itself: never scope-checked,
    never in need of a manifest, and never enough on their own to count as "work"."""
    pats = [packet_rel, ws.refinement_rel(wp)]
    for key in ("task_board", "signature_audit", "gate_log", "legacy_validator_gates",
                "traceability_registry"):
        pats.append(ws.p(key))
    pats += [ws.p("validator_gates_dir").rstrip("/") + "/", ws.p("state_dir").rstrip("/") + "/"]
    audit = str(ws.config.get("audit.file") or "")
    if "/" in audit:
        pats.append(audit.rsplit("/", 1)[0] + "/")
    return pats


def parse_range(value: str) -> tuple[str, str]:
    v = (value or "").strip()
    parts = v.split("..")
    if "..." in v or len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise GovkitError(f"--range must be 'A..B' (two revisions), got '{value}'",
                          hint="e.g. --range main..HEAD")
    return parts[0].strip(), parts[1].strip()


def _resolve(git, rev: str, what: str) -> str:
    sha = git.rev_parse(rev)
    if sha is None:
        raise GovkitError(f"unknown revision '{rev}' ({what})",
                          hint="check the name with `git rev-parse --verify REV`")
    return sha


@dataclass
class Selection:
    mode: str
    reason: str
    base: str
    head: str | None
    files: list[FileChange] | None = None   # pre-read raw+numstat (reused by collect)


def select_mode(ws, pkt, state: list[str], range_arg: str | None = None,
                rev: str | None = None, report: Report | None = None) -> Selection | None:
    """Mode resolution (kernel-gates.md 9.7, with govkit's differences): explicit --range,
    --rev, staged, worktree, then packet MERGE_BASE_SHA / merge-base(main) / first parent."""
    from govkit import diffset

    git = ws.git
    if range_arg and rev:
        raise GovkitError("give either --range or --rev, not both")
    if range_arg:
        a, b = parse_range(range_arg)
        return Selection("range", "explicit --range", _resolve(git, a, "--range base"),
                         _resolve(git, b, "--range head"))
    if rev is not None:
        if not rev.strip():
            raise GovkitError("--rev needs a revision")
        head = _resolve(git, rev.strip(), "--rev")
        parent = git.rev_parse(head + "^1")
        if parent is None:
            raise GovkitError(f"cannot determine the parent commit of --rev {rev} (root commit)",
                              hint="give an explicit --range instead")
        return Selection("range", f"--rev {rev}", parent, head)
    head = git.head()
    base = head or EMPTY_TREE

    def significant(files):
        return [f for f in files if not all(any_match(p, state) for p in f.paths())]

    staged = diffset.read_changes(git, "staged", base)
    if significant(staged):
        return Selection("staged", "staged changes present", base, None, staged)
    work = diffset.read_changes(git, "worktree", base)
    untracked = [f for f in diffset.untracked_files(git) if f.path not in {w.path for w in work}]
    if significant(work) or significant(untracked):
        return Selection("worktree", "unstaged changes present", base, None, work)
    if head is None:
        if report is not None:
            report.error("GK-POST-MODE", "no changes and no commits: nothing to check",
                         hint="commit or stage the work first")
        return None
    mb = pkt.merge_base if pkt is not None else None
    if mb:
        sha = git.rev_parse(mb)
        if sha:
            return Selection("range", "clean tree; packet MERGE_BASE_SHA..HEAD", sha, head)
        if report is not None:
            report.warn("GK-POST-MERGE-BASE", f"packet MERGE_BASE_SHA {mb} is not a commit of "
                        "this repository; falling back", pkt.path, pkt.merge_base_sha.line)
    main = ws.config.get("main_branch")
    mbase = git.merge_base(main, "HEAD") if git.branch_exists(main) else None
    if mbase and mbase != head:
        return Selection("range", f"clean tree; merge-base({main}, HEAD)..HEAD", mbase, head)
    parent = git.rev_parse("HEAD^1")
    if parent:
        return Selection("range", "clean tree; first parent HEAD^1..HEAD", parent, head)
    if report is not None:
        report.error("GK-POST-MODE", "no staged/working changes and no git range to check",
                     hint="pass --range A..B")
    return None


def collect_changes(ws, sel: Selection) -> DiffSet:
    from govkit import diffset

    return diffset.collect(ws.git, sel.mode, sel.base, sel.head, files=sel.files,
                           untracked=sel.mode == "worktree")


def tight_window(fc: FileChange) -> tuple[int, int]:
    """The smallest window post-work accepts for this change (see window_violations)."""
    if fc.deleted:
        spans = [(h.old_start, h.old_start + h.old_len - 1) for h in fc.hunks if h.old_len > 0]
    else:
        spans = [_new_footprint(h) for h in fc.hunks]
    if not spans:
        return 1, 1
    return max(1, min(s for s, _ in spans)), max(1, max(e for _, e in spans))


def _new_footprint(h: Hunk) -> tuple[int, int]:
    if h.new_len > 0:
        return h.new_start, h.new_start + h.new_len - 1
    at = max(h.new_start, 1)
    return at, at


def window_violations(fc: FileChange, s: int, e: int) -> list[str]:
    """Hunks outside the window [s, e]. The window is in post-change line numbers (pre-change
    numbers for a deleted file). A pure deletion sits between new lines n and n+1 and is inside
    when s-1 <= n <= e. Old-side lines are checked against the window mapped to pre-change
    numbers through the hunks (old_lo..old_hi)."""
    out = []
    if fc.deleted:
        for h in fc.hunks:
            if h.old_len > 0 and (h.old_start < s or h.old_start + h.old_len - 1 > e):
                out.append(_hunk_text(h))
        return out
    before = sum(h.new_len - h.old_len for h in fc.hunks
                 if (h.new_start + h.new_len - 1 < s if h.new_len else h.new_start < s - 1))
    upto = sum(h.new_len - h.old_len for h in fc.hunks if h.new_start <= e)
    old_lo, old_hi = s - before, e - upto
    for h in fc.hunks:
        if h.new_len > 0:
            bad = h.new_start < s or h.new_start + h.new_len - 1 > e
        else:
            bad = not (s - 1 <= h.new_start <= e)
        if not bad and h.old_len > 0:
            bad = h.old_start < old_lo or h.old_start + h.old_len - 1 > old_hi
        if bad:
            out.append(_hunk_text(h))
    return out


def _hunk_text(h: Hunk) -> str:
    return f"@@ -{h.old_start},{h.old_len} +{h.new_start},{h.new_len} @@"


@dataclass
class Entry:
    target: str
    start: int
    end: int
    delta: int
    pre: str
    post: str


def compute_entry(fc: FileChange) -> Entry:
    s, e = tight_window(fc)
    return Entry(fc.path, s, e, fc.delta if fc.delta is not None else 0,
                 cor701.canonical_sha1(fc.old_data), cor701.canonical_sha1(fc.new_data))


def requires_manifest(ws, path: str, state: list[str]) -> bool:
    exempt = ws.config.get("manifest.exempt_paths") or []
    return not any_match(path, state) and not any_match(path, exempt)


# ---- evidence --------------------------------------------------------------------------------
def _section_lines(pkt, name: str) -> tuple[tuple[int, int] | None, list[tuple[int, str]]]:
    sec = pkt.md.section(name, exact=True, min_level=2)
    if sec is None:
        return None, []
    lines = pkt.doc.text.split("\n")
    body = [(n, lines[n - 1].rstrip("\r")) for n in range(sec[0] + 1, min(sec[1], len(lines) + 1))]
    return sec, body


def citations(pkt) -> list[tuple[str, int, int | None, int]]:
    """(path, line, end line or None, packet line) of every path:line in EVIDENCE_MAPPING."""
    _, body = _section_lines(pkt, "EVIDENCE_MAPPING")
    out = []
    for n, text in body:
        for m in _CITE_RE.finditer(text):
            out.append((m.group(1).lstrip("./") if m.group(1).startswith("./") else m.group(1),
                        int(m.group(2)), int(m.group(3)) if m.group(3) else None, n))
    return out


def check_links(ws, pkt, ds: DiffSet, report: Report | None) -> bool:
    """Every path:line cited in EVIDENCE_MAPPING exists in the post-change tree."""
    from govkit import diffset

    cites = citations(pkt)
    if not cites:
        return True
    changed = ds.by_path()
    gone = {f.path for f in ds.files if f.deleted}
    need = sorted({c[0] for c in cites if c[0] not in changed})
    blobs: dict[str, bytes | None] = {}
    if ds.mode == "worktree":
        for p in need:
            blobs[p] = diffset.read_worktree(ws.root, p) if ".." not in p.split("/") else None
    else:
        prefix = "" if ds.mode == "staged" else ds.head
        specs = {p: f"{prefix}:{p}" for p in need if ".." not in p.split("/")}
        got = diffset.cat_blobs(ws.git, list(specs.values()))
        blobs = {p: got.get(s) for p, s in specs.items()}
    ok = True
    for path, line, end, at in cites:
        if path in changed:
            data = None if path in gone else changed[path].new_data
        else:
            data = blobs.get(path)
        if data is None:
            ok = False
            if report is not None:
                report.error("GK-POST-LINK", f"EVIDENCE_MAPPING cites {path}:{line}, but {path} "
                             "does not exist in the post-change tree", pkt.path, at,
                             "cite a file of the change (all_links_resolvable)")
            continue
        n = cor701.line_count(data)
        last = end if end is not None else line
        if line < 1 or last > n or last < line:
            ok = False
            if report is not None:
                report.error("GK-POST-LINK", f"EVIDENCE_MAPPING cites {path}:{line}"
                             f"{'-' + str(end) if end else ''}, but {path} has {n} line(s) "
                             "after the change", pkt.path, at, "fix the line number")
    return ok


def check_evidence(pkt, report: Report) -> None:
    rel = pkt.path
    sec, body = _section_lines(pkt, "EVIDENCE_MAPPING")
    if sec is None or not any(t.strip() for _, t in body):
        report.error("GK-POST-EVIDENCE-MAPPING", "missing or empty ## EVIDENCE_MAPPING section "
                     "(required for modern packets)", rel, sec[0] if sec else None,
                     "map each requirement to path:line in the changed files")
    elif not citations(pkt):
        report.error("GK-POST-EVIDENCE-MAPPING", "EVIDENCE_MAPPING cites no path:line", rel,
                     sec[0], "add entries such as '- rule 1.4 -> src/app.py:12'")
    sec, body = _section_lines(pkt, "EVIDENCE")
    if sec is None or not any(t.strip() for _, t in body):
        report.error("GK-POST-EVIDENCE", "missing or empty ## EVIDENCE section (required for "
                     "modern packets)", rel, sec[0] if sec else None,
                     "record '- COMMAND: ...' and '- EXIT_CODE: 0'")
        return
    fields = [f for f in pkt.md.fields if sec[0] < f.line < sec[1]]
    cmds = [f for f in fields if f.label.upper() == "COMMAND"
            and not is_placeholder(strip_ticks(f.value)) and "<paste" not in f.value.lower()]
    codes = [f for f in fields if f.label.upper() == "EXIT_CODE"
             and _INT_RE.match(strip_ticks(f.value.strip()))]
    if not cmds:
        report.error("GK-POST-EVIDENCE", "EVIDENCE has no filled '- COMMAND:' line", rel, sec[0],
                     "paste the command you ran")
    if not codes:
        report.error("GK-POST-EVIDENCE", "EVIDENCE has no '- EXIT_CODE: <integer>' line", rel,
                     sec[0], "record the exit code, e.g. '- EXIT_CODE: 0'")


# ---- waivers ---------------------------------------------------------------------------------
@dataclass
class ActiveWaiver:
    waiver_id: str
    patterns: list[str]
    line: int


def active_waivers(pkt, report: Report, today: date | None = None) -> list[ActiveWaiver]:
    today = today or datetime.now(UTC).date()
    out = []
    for w in pkt.waivers:
        wid = strip_ticks(w.waiver_id)
        missing = [name for name, v in (("WAIVER_ID", wid), ("SCOPE", w.scope),
                                        ("REASON", w.reason), ("APPROVED_BY", w.approved_by),
                                        ("EXPIRES", w.expires)) if is_placeholder(strip_ticks(v))]
        if missing:
            report.warn("GK-POST-WAIVER-INVALID", f"waiver '{wid or '?'}' is void: missing "
                        + ", ".join(missing), pkt.path, w.line,
                        "a waiver needs WAIVER_ID, SCOPE, REASON, APPROVED_BY and EXPIRES")
            continue
        exp = _parse_date(strip_ticks(w.expires))
        if exp is None:
            report.warn("GK-POST-WAIVER-INVALID", f"waiver '{wid}' is void: EXPIRES "
                        f"'{w.expires}' is not a date (YYYY-MM-DD)", pkt.path, w.line)
            continue
        if exp < today:
            report.warn("GK-POST-WAIVER-EXPIRED", f"waiver '{wid}' expired on {exp.isoformat()} "
                        "and is void", pkt.path, w.line, "ask the operator for a new waiver")
            continue
        pats = [strip_ticks(p) for p in re.split(r"[,\s]+", w.scope) if strip_ticks(p)]
        out.append(ActiveWaiver(wid, pats, w.line))
        report.info("GK-POST-WAIVER", f"waiver '{wid}' active until {exp.isoformat()} for "
                    + ", ".join(pats), pkt.path, w.line)
    return out


def _parse_date(v: str) -> date | None:
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        return None


def _waived(path: str, waivers: list[ActiveWaiver]) -> ActiveWaiver | None:
    for w in waivers:
        if any(p in ("*", "**") or matches(path, p) for p in w.patterns):
            return w
    return None


# ---- the gate --------------------------------------------------------------------------------
@dataclass
class Gates:
    results: dict[str, list[bool]] = field(default_factory=lambda: {g: [] for g in GATE_NAMES})

    def mark(self, gate: str, ok: bool) -> None:
        self.results[gate].append(ok)

    def summary(self) -> dict[str, str]:
        out = {}
        for g, vals in self.results.items():
            if not vals:
                out[g] = "n/a"
            else:
                out[g] = ("PASS" if all(vals) else "FAIL") + f" ({sum(vals)}/{len(vals)})"
        return out


def check_postwork(ws, wp: str, range_arg: str | None = None, rev: str | None = None) -> Report:
    report = Report("post-work", wp)
    rel, _how = ws.resolve_packet(wp)
    report.facts["packet"] = rel
    pkt = ws.packet(rel)
    pkt_wp = rel.rsplit("/", 1)[-1][:-3] if rel.endswith(".md") else wp
    state = state_patterns(ws, pkt_wp, rel)

    # Check 1: ASCII packet (a BOM is tolerated with a warning).
    _check_ascii(pkt, report)
    manifest = parse_manifest(pkt.md, rel)
    if manifest.section is None:
        report.error("GK-POST-VALIDATION", "task packet has no ## VALIDATION section", rel, None,
                     "add '## VALIDATION' from the template, then run "
                     f"`govkit manifest {wp} --write`")
    report.extend(manifest.findings)
    # Check 0: evidence (modern packets).
    if pkt.modern:
        check_evidence(pkt, report)
    waivers = active_waivers(pkt, report)

    sel = select_mode(ws, pkt, state, range_arg, rev, report)
    if sel is None:
        return report
    ds = collect_changes(ws, sel)
    report.facts["mode"] = sel.mode
    report.facts["reason"] = sel.reason
    report.facts["base"] = sel.base
    if sel.head:
        report.facts["head"] = sel.head
    if sel.mode == "staged":
        _warn_unstaged(ws, ds, state, report)

    changed = ds.by_path()
    work = [f for f in ds.files if not all(any_match(p, state) for p in f.paths())]
    report.facts["changed_files"] = len(ds.files)
    report.facts["manifest_entries"] = len(manifest.real_blocks)

    _check_scope(ws, pkt, rel, work, waivers, report)
    # Coverage: every changed file outside the exempt paths needs a manifest entry.
    declared = {b.target for b in manifest.real_blocks if b.target_raw}
    for f in ds.files:
        if requires_manifest(ws, f.path, state) and f.path not in declared:
            report.error("GK-POST-COVERAGE", f"changed file has no VALIDATION manifest entry: "
                         f"{f.path}", f.path, None, f"govkit manifest {wp} --write")

    gates = Gates()
    links_ok = check_links(ws, pkt, ds, report) if manifest.real_blocks else True
    template = [b for b in manifest.blocks if b.is_template]
    for b in template:
        report.error("GK-POST-MANIFEST-TEMPLATE", f"Manifest[{b.index}] is the unfilled template "
                     f"block (Target File '{b.target_raw}')", rel, b.line,
                     f"govkit manifest {wp} --write replaces it with the computed manifest")
    if manifest.section is not None and not manifest.real_blocks and not template:
        report.error("GK-POST-MANIFEST-EMPTY", "VALIDATION has no manifest block", rel,
                     manifest.section[0], f"govkit manifest {wp} --write")
    seen: set[str] = set()
    for b in manifest.real_blocks:
        _check_entry(ws, b, rel, ds, changed, waivers, gates, seen, report)
        gates.mark("all_links_resolvable", links_ok)

    if not work:
        what = f"range {sel.base[:12]}..{sel.head[:12]}" if sel.head else f"{sel.mode} changes"
        report.error("GK-POST-NOCHANGE", f"no files changed ({what}) apart from governance state "
                     "files", None, None, "a WP with no change cannot be complete")
    summary = gates.summary()
    passed = sum(1 for v in summary.values() if v.startswith("PASS"))
    report.facts["gates"] = f"{passed}/{len(GATE_NAMES)} computed COR-701 gates pass"
    for g in GATE_NAMES:
        report.facts[f"gate {g}"] = f"{summary[g]} [{GATE_CODES[g]}]"
    if not report.passed:
        report.next_commands = [f"govkit manifest {wp} --write", f"govkit post-work {wp}"]
    return report


def _check_ascii(pkt, report: Report) -> None:
    if pkt.doc.has_bom:
        report.warn("GK-POST-BOM", "task packet starts with a UTF-8 BOM (tolerated; the original "
                    "tool failed it as non-ASCII)", pkt.path, 1, "re-save without BOM")
    bad = [(n + 1, line) for n, line in enumerate(pkt.doc.text.split("\n"))
           if not line.isascii()]
    for n, line in bad[:5]:
        ch = next(c for c in line if not c.isascii())
        report.error("GK-POST-ASCII", f"task packet contains non-ASCII character U+{ord(ch):04X} "
                     "(the manifest must be ASCII)", pkt.path, n,
                     "replace it; non-ASCII file names are written git-quoted (\"\\303...\")")
    if len(bad) > 5:
        report.error("GK-POST-ASCII", f"... and {len(bad) - 5} more non-ASCII line(s)", pkt.path)


def _warn_unstaged(ws, ds: DiffSet, state, report: Report) -> None:
    out = ws.git.run("diff", "--name-only", "-z", "--no-ext-diff", "--").stdout
    staged = {p for f in ds.files for p in f.paths()}
    extra = [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
    extra = [p for p in extra if p not in staged and not any_match(p, state)]
    if extra:
        report.warn("GK-POST-UNSTAGED", "working tree has unstaged changes; post-work checks the "
                    f"STAGED changes only: {', '.join(extra[:10])}"
                    + (f" (+{len(extra) - 10} more)" if len(extra) > 10 else ""),
                    hint="stage them (git add) or stash them")


def _check_scope(ws, pkt, rel: str, work: list[FileChange], waivers, report: Report) -> None:
    active = not pkt.done_like
    add = report.error if active else report.warn
    if pkt.in_scope_paths is None:
        add("GK-POST-SCOPE-MISSING", "packet has no IN_SCOPE_PATHS", rel, None,
            "list the files, directories (dir/) or globs (src/**/*.py) the WP may change")
        return
    entries = [e for e in pkt.in_scope_paths
               if e.path and e.path.lower() not in _SCOPE_PLACEHOLDERS
               and not is_placeholder(e.path)]
    if not entries:
        add("GK-POST-SCOPE-EMPTY", "IN_SCOPE_PATHS is empty (an active packet must declare its "
            "scope)", rel, pkt.in_scope_line or None,
            "list files, directories (dir/) or globs (src/**/*.py)")
        return
    pats = [_norm_scope(e.path) for e in entries]
    for f in work:
        for p in f.paths():
            if any(matches(p, pat) for pat in pats):
                continue
            w = _waived(p, waivers)
            if w:
                report.warn("GK-POST-SCOPE", f"out-of-scope file changed: {p} (waived by "
                            f"{w.waiver_id})", p)
            else:
                report.error("GK-POST-SCOPE", f"out-of-scope file changed: {p}", p, None,
                             f"revert it, or add it to IN_SCOPE_PATHS ({rel}:"
                             f"{pkt.in_scope_line}) with operator approval")


def _norm_scope(p: str) -> str:
    p = p.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def _blank(v: str | None) -> bool:
    return v is None or v.strip() == ""


def _placeholder(v: str) -> bool:
    v = v.strip()
    return is_placeholder(v) or (v.startswith("<") and v.endswith(">"))


def _int(v: str | None) -> int | None:
    if v is None:
        return None
    v = strip_ticks(v.strip())
    return int(v) if _INT_RE.match(v) else None


def _check_entry(ws, b: ManifestBlock, rel: str, ds: DiffSet, changed: dict, waivers, gates,
                 seen: set, report: Report) -> None:
    label = f"Manifest[{b.index}]"
    target, problem = normalize_target(b.target_raw)
    where = f"{label} {target}" if target else label
    # anchors_present: every field is there and filled.
    missing = [name for key, name in (("targetfile", "Target File"), ("start", "Start"),
                                      ("end", "End"), ("linedelta", "Line Delta"),
                                      ("presha1", "Pre-SHA1"), ("postsha1", "Post-SHA1"))
               if _blank(b.raw(key)) or (key != "targetfile" and _placeholder(b.raw(key)))]
    gates.mark("anchors_present", not missing)
    if missing:
        report.error("C701-G01", f"{where}: missing required field(s): {', '.join(missing)}",
                     rel, b.line, "govkit manifest WP --write fills every field")
    # filename_canonical_and_openable
    if problem is None:
        try:
            full = ws.safe_path(target, "Target File")
            parent = full.parent
            if parent.resolve() != (ws.root / target).parent.absolute():
                problem = f"Target File '{target}' goes through a symlinked directory"
        except GovkitError as exc:
            problem = exc.message
    if problem:
        gates.mark("filename_canonical_and_openable", False)
        report.error("C701-G06", f"{label}: {problem}", rel, b.line)
        return
    if target in seen:
        return
    seen.add(target)
    fc = changed.get(target)
    if fc is None:
        gates.mark("manifest_written_and_path_returned", False)
        renamed = next((f for f in ds.files if f.old_path == target and f.path != target), None)
        hint = (f"it was renamed to {renamed.path}: declare the new path" if renamed else
                "remove the entry, or make the change it claims (govkit manifest WP --write "
                "drops stale entries)")
        report.error("GK-POST-PHANTOM", f"{where}: manifest entry for a file that did not change "
                     f"in this {ds.mode} diff", rel, b.line, hint)
        return
    gates.mark("manifest_written_and_path_returned", True)
    declared_form = unq = b.target_raw.replace("\\", "/")
    canonical = declared_form == target or cor701.unquote_path(unq) == target
    gates.mark("filename_canonical_and_openable", True)
    if not canonical:
        report.warn("C701-G06", f"{where}: Target File '{b.target_raw}' is not in canonical form "
                    f"'{cor701.quote_path(target)}'", rel, b.line)
    binary = fc.adds is None or cor701.is_binary(fc.old_data or b"") or \
        cor701.is_binary(fc.new_data or b"")

    # window_matches_plan + rails_untouched_outside_window
    s, e = _int(b.raw("start")), _int(b.raw("end"))
    win_ok = True
    if b.raw("start") is not None and b.raw("end") is not None:
        if s is None or e is None:
            win_ok = False
            report.error("C701-G02", f"{where}: Start/End must be integers (got "
                         f"'{b.raw('start')}', '{b.raw('end')}')", rel, b.line_of("start"))
        elif s < 1 or e < s:
            win_ok = False
            report.error("C701-G02", f"{where}: window [{s}, {e}] needs 1 <= Start <= End", rel,
                         b.line_of("start"))
        elif not binary:
            side = fc.old_data if fc.deleted else fc.new_data
            n = cor701.line_count(side)
            if e > max(n, 1):
                win_ok = False
                report.error("C701-G02", f"{where}: window [{s}, {e}] ends after the last line "
                             f"({n}) of the {'pre' if fc.deleted else 'post'}-change file", rel,
                             b.line_of("end"))
    else:
        win_ok = False
    gates.mark("window_matches_plan", win_ok)
    if win_ok:
        bad = window_violations(fc, s, e)
        gates.mark("rails_untouched_outside_window", not bad)
        for h in bad:
            report.error("C701-G04", f"{where}: diff touches lines outside the declared window "
                         f"[{s}, {e}]: {h}", rel, b.line_of("start"),
                         "declare the window the change needs (govkit manifest WP)")
        ts, te = tight_window(fc)
        if not bad and (s, e) != (ts, te) and fc.hunks:
            report.warn("GK-POST-WINDOW-WIDE", f"{where}: window [{s}, {e}] is wider than the "
                        f"change [{ts}, {te}]", rel, b.line_of("start"),
                        "tight windows make the manifest a proof (govkit manifest WP --write)")
    else:
        gates.mark("rails_untouched_outside_window", False)

    # pre_sha1_captured / current_file_matches_preimage
    pre = b.raw("presha1")
    exp_pre = cor701.canonical_sha1(fc.old_data)
    if pre:
        if not _SHA_RE.match(pre):
            gates.mark("pre_sha1_captured", False)
            gates.mark("current_file_matches_preimage", False)
            report.error("C701-G05", f"{where}: Pre-SHA1 must be 40 hex digits, got '{pre}'",
                          rel, b.line_of("presha1"))
        else:
            gates.mark("pre_sha1_captured", True)
            ok = pre.lower() == exp_pre
            base = ds.base[:12] if ds.base != EMPTY_TREE else "the empty tree"
            if not ok and pre.lower() in cor701.compat_hashes(fc.old_data):
                ok = True
                report.warn("GK-POST-SHA-COMPAT", f"{where}: Pre-SHA1 is the raw/CRLF variant; "
                            f"canonical (LF-normalised) is {exp_pre}", rel, b.line_of("presha1"))
            elif not ok and _waived(target, waivers):
                ok = True
                report.warn("C701-G08", f"{where}: Pre-SHA1 does not match {base} (expected "
                            f"{exp_pre}) - waived by {_waived(target, waivers).waiver_id}", rel,
                            b.line_of("presha1"))
            elif not ok:
                what = "a new file (40 zeros)" if fc.old_data is None and fc.added else base
                report.error("C701-G08", f"{where}: Pre-SHA1 does not match {what}; expected "
                             f"{exp_pre}", rel, b.line_of("presha1"),
                             "govkit manifest WP --write computes it")
            gates.mark("current_file_matches_preimage", ok)
    else:
        gates.mark("pre_sha1_captured", False)
        gates.mark("current_file_matches_preimage", False)

    # post_sha1_captured
    post = b.raw("postsha1")
    exp_post = cor701.canonical_sha1(fc.new_data)
    if post:
        if not _SHA_RE.match(post):
            gates.mark("post_sha1_captured", False)
            report.error("C701-G05", f"{where}: Post-SHA1 must be 40 hex digits, got '{post}'",
                         rel, b.line_of("postsha1"))
        else:
            ok = post.lower() == exp_post
            if not ok and post.lower() in cor701.compat_hashes(fc.new_data):
                ok = True
                report.warn("GK-POST-SHA-COMPAT", f"{where}: Post-SHA1 is the raw/CRLF variant; "
                            f"canonical (LF-normalised) is {exp_post}", rel, b.line_of("postsha1"))
            elif not ok:
                what = {"staged": "the index", "worktree": "the work tree"}.get(
                    ds.mode, f"{(ds.head or '')[:12]}")
                if fc.deleted:
                    what = "a deleted file (40 zeros)"
                report.error("C701-G05", f"{where}: Post-SHA1 does not match {what}; expected "
                             f"{exp_post}", rel, b.line_of("postsha1"),
                             "govkit manifest WP --write computes it")
            gates.mark("post_sha1_captured", ok)
    else:
        gates.mark("post_sha1_captured", False)

    # line_delta_equals_expected
    raw_delta = b.raw("linedelta")
    if raw_delta is not None and raw_delta != "":
        d = _int(raw_delta)
        want = fc.delta if fc.delta is not None else 0
        if d is None:
            gates.mark("line_delta_equals_expected", False)
            report.error("C701-G05", f"{where}: Line Delta must be an integer (adds - dels), got "
                         f"'{raw_delta}'", rel, b.line_of("linedelta"))
        elif d != want:
            gates.mark("line_delta_equals_expected", False)
            extra = " (git treats the file as binary: declare 0)" if fc.delta is None else \
                f" (+{fc.adds} -{fc.dels})"
            report.error("C701-G05", f"{where}: Line Delta {d} does not match git diff delta "
                         f"{want}{extra}", rel, b.line_of("linedelta"))
        else:
            gates.mark("line_delta_equals_expected", True)
    else:
        gates.mark("line_delta_equals_expected", False)


__all__ = [
    "ZERO_SHA",
    "Entry",
    "Manifest",
    "check_links",
    "check_postwork",
    "collect_changes",
    "compute_entry",
    "requires_manifest",
    "select_mode",
    "state_patterns",
    "tight_window",
    "window_violations",
]
