"""post-work: the diff equals the declared COR-701 manifest, in staged, worktree and range mode.

The ten COR-701 gate names are computed per manifest entry (never read from checkboxes). Mode
selection, window semantics and every deliberate difference from the original are documented in
docs/compatibility.md ("post-work"); finding codes in docs/findings.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.config import CONFIG_REL
from govkit.gates.postwork.entry import Gates, check_entry
from govkit.gates.postwork.evidence import check_evidence, check_links
from govkit.gates.postwork.govstate import GovFiles, check_gov_changes, exempt_patterns, gov_files
from govkit.gates.postwork.locked import (
    active_locked_waivers,
    merge_base,
    range_warning,
    scope_patterns,
    the_lock,
)
from govkit.gates.postwork.select import (
    collect_changes,
    requires_manifest,
    select_mode,
    validated_commit,
    warn_unstaged,
)
from govkit.gates.postwork.waivers import active_waivers, waived
from govkit.model.common import is_placeholder, strip_ticks
from govkit.model.cor701 import GATE_CODES, GATE_NAMES
from govkit.model.manifest import parse_manifest
from govkit.model.markdown import report_hidden_headings
from govkit.result import Report
from govkit.util.globs import any_match, matches
from govkit.vcs.diffset import FileChange

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_SCOPE_PLACEHOLDERS = {"path/to/file", "path/to/dir/", "<fill>"}


def check_postwork(ws: Workspace, wp: str, range_arg: str | None = None, rev: str | None = None,
                   base_ref: str | None = None) -> Report:
    report = Report("post-work", wp)
    rel, _how = ws.resolve_packet(wp)
    report.facts["packet"] = rel
    pkt = ws.packet(rel)
    pkt_wp = rel.rsplit("/", 1)[-1][:-3] if rel.endswith(".md") else wp
    files = gov_files(ws, pkt_wp, rel)
    state = exempt_patterns(files)

    # Check 1: ASCII packet (a BOM is tolerated with a warning).
    _check_ascii(pkt, report)
    report_hidden_headings(pkt.md, report, rel)
    manifest = parse_manifest(pkt.md, rel)
    if manifest.section is None:
        report.error("GK-POST-VALIDATION", "task packet has no ## VALIDATION section", rel, None,
                     "add '## VALIDATION' from the template, then run "
                     f"`govkit manifest {wp} --write`")
    report.extend(manifest.findings)
    # Check 0: evidence (modern packets).
    if pkt.modern:
        check_evidence(pkt, report)
    lock = the_lock(ws, pkt_wp, rel, report)
    if lock is not None:
        # Locked: the scope, waivers and merge base that count are the lock's.
        waivers = active_locked_waivers(lock, report)
        scope: list[str] | None = scope_patterns(lock)
        mb = merge_base(lock)
    else:
        waivers = active_waivers(pkt, report, strict=ws.config.get("profile") == "strict")
        scope = _scope_patterns(pkt)
        mb = None
    if base_ref is not None:
        range_arg = f"{mb or _merge_base_with(ws, base_ref)}..HEAD"
    end = validated_commit(ws, pkt_wp) if lock is not None else None
    sel = select_mode(ws, pkt, state, range_arg, rev, report, merge_base=mb, end=end)
    if sel is None:
        return report
    ds = collect_changes(ws, sel)
    cfg = next((f for f in ds.files if f.old_path == CONFIG_REL or f.path == CONFIG_REL), None)
    if cfg is not None:
        # The rules come from the base: a change never judges itself with its own config.
        from govkit import config as config_mod
        from govkit.workspace import Workspace as _Ws

        ws = _Ws(ws.root, config_mod.from_bytes(ws.root, cfg.old_data))
        files = gov_files(ws, pkt_wp, rel)
        state = exempt_patterns(files)
        report.facts["config"] = "the base's (the change edits the config)"
    if lock is not None and sel.mode == "range" and (range_arg or rev) and base_ref is None:
        range_warning(lock, sel.base, report)
    report.facts["mode"] = sel.mode
    report.facts["reason"] = sel.reason
    report.facts["base"] = sel.base
    if sel.head:
        report.facts["head"] = sel.head
    if sel.mode == "staged":
        warn_unstaged(ws, ds, state, report)

    changed = ds.by_path()
    work = [f for f in ds.files if not all(any_match(p, state) for p in f.paths())]
    report.facts["changed_files"] = len(ds.files)
    report.facts["manifest_entries"] = len(manifest.real_blocks)

    _check_scope(files, pkt, rel, scope, work, waivers, report)
    check_gov_changes(files, ds.files, scope, report)
    if sel.head:  # one git call: a record deleted or edited inside the range leaves no net trace
        from govkit.gates.basecheck import record_edits

        record_edits(ws, sel.base, sel.head, files.records_dir, report)
    if base_ref is not None:
        from govkit.gates.basecheck import check_base

        check_base(ws, base_ref, report, only_wp=pkt_wp)
    # Coverage: every changed file outside the exempt paths needs a manifest entry.
    declared = {b.target for b in manifest.real_blocks if b.target_raw}
    strict = ws.config.get("profile") == "strict"
    for f in ds.files:
        if requires_manifest(ws, f.path, state) and f.path not in declared:
            if f.deleted and not strict:
                # compat: the original's diff (--diff-filter=d) never saw deletions.
                report.warn("GK-POST-COVERAGE-DELETED", f"deleted file has no VALIDATION "
                            f"manifest entry: {f.path} (strict: FAIL)", f.path, None,
                            f"govkit manifest {wp} --write")
                continue
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
        check_entry(ws, b, rel, ds, changed, waivers, gates, seen, report)
        gates.mark("all_links_resolvable", links_ok)

    if not work:
        what = f"range {sel.base[:12]}..{sel.head[:12]}" if sel.head else f"{sel.mode} changes"
        report.error("GK-POST-NOCHANGE", f"no files changed ({what}) apart from governance state "
                     "files", None, None, "a WP with no change cannot be complete")
    _report_selection(sel, pkt, report)
    summary = gates.summary()
    passed = sum(1 for v in summary.values() if v.startswith("PASS"))
    report.facts["gates"] = f"{passed}/{len(GATE_NAMES)} computed COR-701 gates pass"
    for g in GATE_NAMES:
        report.facts[f"gate {g}"] = f"{summary[g]} [{GATE_CODES[g]}]"
    if report.passed:
        from govkit.gates.passed import attest_pass, manifest_sha256

        attest_pass(ws, pkt_wp, sel, manifest_sha256(pkt.doc.text, manifest.section), report)
    if not report.passed:
        # A validated packet is final: never told to rewrite its (locked, validated) manifest.
        report.next_commands = [f"govkit post-work {wp}"] if end else \
            [f"govkit manifest {wp} --write", f"govkit post-work {wp}"]
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


def _merge_base_with(ws: Workspace, ref: str) -> str:
    from govkit.errors import GovkitError

    sha = ws.git.rev_parse(ref)
    mb = ws.git.merge_base(sha, "HEAD") if sha else None
    if mb is None:
        raise GovkitError(f"unknown revision '{ref}' (--base), or no common history with HEAD",
                          hint="pass the protected branch the work merges into, e.g. --base main")
    return mb


def _scope_patterns(pkt) -> list[str] | None:
    if pkt.in_scope_paths is None:
        return None
    return [_norm_scope(e.path) for e in pkt.in_scope_paths
            if e.path and e.path.lower() not in _SCOPE_PLACEHOLDERS and not is_placeholder(e.path)]


def _check_scope(files: GovFiles, pkt, rel: str, pats: list[str] | None, work: list[FileChange],
                 waivers, report: Report) -> None:
    active = not pkt.done_like
    add = report.error if active else report.warn
    if pats is None:
        add("GK-POST-SCOPE-MISSING", "packet has no IN_SCOPE_PATHS", rel, None,
            "list the files, directories (dir/) or globs (src/**/*.py) the WP may change")
        return
    if not pats:
        add("GK-POST-SCOPE-EMPTY", "IN_SCOPE_PATHS is empty (an active packet must declare its "
            "scope)", rel, pkt.in_scope_line or None,
            "list files, directories (dir/) or globs (src/**/*.py)")
        return
    for f in work:
        for p in f.paths():
            if any(matches(p, pat) for pat in pats) or files.kind(p) == "config":
                continue
            gov = files.kind(p) == "gov"
            code = "GK-GOV-EDIT" if gov else "GK-POST-SCOPE"
            what = ("governance file changed that govkit does not write for this WP and the "
                    "packet does not name" if gov else "out-of-scope file changed")
            w = waived(p, waivers)
            if w:
                report.warn(code, f"{what}: {p} (waived by {w.waiver_id})", p)
            else:
                report.error(code, f"{what}: {p}", p, None,
                             f"revert it, or add it to IN_SCOPE_PATHS ({rel}:"
                             f"{pkt.in_scope_line}) with operator approval")


def _norm_scope(p: str) -> str:
    p = p.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def _report_selection(sel, pkt, report: Report) -> None:
    """Which diff was judged and why (the original's "Diff selection" line)."""
    what = f"{sel.mode} ({sel.reason})"
    if sel.head:
        what += f"; git range {sel.base[:12]}..{sel.head[:12]}"
    report.info("GK-POST-DIFF", f"diff selection: {what}")
    raw = pkt.merge_base_sha.text
    if pkt.merge_base and strip_ticks(raw.split(" ", 1)[0]).lower() != raw.strip().lower():
        report.info("GK-POST-MERGE-BASE-COMMENT", f"packet MERGE_BASE_SHA read as "
                    f"{pkt.merge_base} (the trailing text is a comment; the original ignored "
                    "the whole line)", pkt.path, pkt.merge_base_sha.line)
