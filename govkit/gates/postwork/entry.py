"""One manifest entry against the diff: the ten COR-701 gates computed, never read from boxes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.gates.postwork.waivers import waived
from govkit.gates.postwork.window import tight_window, window_violations
from govkit.model import cor701
from govkit.model.common import is_placeholder, strip_ticks
from govkit.model.cor701 import GATE_NAMES, MANIFEST_FIELDS
from govkit.model.manifest import (
    ManifestBlock,
    normalize_target,
)
from govkit.result import Report
from govkit.vcs.diffset import EMPTY_TREE, DiffSet

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_SHA_RE = re.compile(r"^[0-9a-fA-F]{40}$")
INT_RE = re.compile(r"^[+-]?\d+$")
EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"   # SHA-1 of b""


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


def _blank(v: str | None) -> bool:
    return v is None or v.strip() == ""


def _placeholder(v: str) -> bool:
    v = v.strip()
    return is_placeholder(v) or (v.startswith("<") and v.endswith(">"))


def _int(v: str | None) -> int | None:
    if v is None:
        return None
    v = strip_ticks(v.strip())
    return int(v) if INT_RE.match(v) else None


def check_entry(ws: Workspace, b: ManifestBlock, rel: str, ds: DiffSet, changed: dict, waivers, gates,
                 seen: set, report: Report) -> None:
    label = f"Manifest[{b.index}]"
    strict = ws.config.get("profile") == "strict"
    target, problem = normalize_target(b.target_raw)
    where = f"{label} {target}" if target else label
    # anchors_present: every field is there and filled.
    missing = [name for key, name in MANIFEST_FIELDS if key != "gatespassed"
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
                what = (f"{where}: window [{s}, {e}] ends after the last line ({n}) of the "
                        f"{'pre' if fc.deleted else 'post'}-change file")
                if strict or s > max(n, 1):
                    win_ok = False
                    report.error("C701-G02", what, rel, b.line_of("end"))
                else:
                    # compat: the original compares hunks only, so a window past the end passes.
                    report.warn("GK-POST-WINDOW-CLAMP", f"{what}; clamped to [{s}, {max(n, 1)}] "
                                "(strict: FAIL)", rel, b.line_of("end"),
                                f"declare End <= {max(n, 1)} (govkit manifest WP --write)")
                    e = max(n, 1)
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
            if not ok and fc.old_data is None and pre.lower() == EMPTY_SHA1:
                # A new file declared as the SHA-1 of empty content (the original's corpus).
                ok = True
                report.info("GK-POST-SHA-EMPTY", f"{where}: new file declared with the SHA-1 of "
                            "empty content (accepted like 40 zeros)", rel, b.line_of("presha1"))
            elif not ok and pre.lower() in cor701.compat_hashes(fc.old_data):
                ok = True
                report.warn("GK-POST-SHA-COMPAT", f"{where}: Pre-SHA1 is the raw/CRLF variant; "
                            f"canonical (LF-normalised) is {exp_pre}", rel, b.line_of("presha1"))
            elif not ok and waived(target, waivers):
                ok = True
                report.warn("C701-G08", f"{where}: Pre-SHA1 does not match {base} (expected "
                            f"{exp_pre}) - waived by {waived(target, waivers).waiver_id}", rel,
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
            if not ok and fc.deleted and post.lower() == EMPTY_SHA1:
                ok = True
                report.info("GK-POST-SHA-EMPTY", f"{where}: deleted file declared with the "
                            "SHA-1 of empty content (accepted like 40 zeros)", rel,
                            b.line_of("postsha1"))
            elif not ok and post.lower() in cor701.compat_hashes(fc.new_data):
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
