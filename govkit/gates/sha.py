"""`govkit sha FILE` (the cor701-sha helper): the COR-701 hashes of one file at HEAD, in the
index and in the work tree, and which to declare."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.model.cor701 import canonical_sha1, is_binary, quote_path, variants
from govkit.result import Report
from govkit.vcs.diffset import read_worktree
from govkit.vcs.git import cat_blobs

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def sha_report(ws: Workspace, file: str):
    """Hash variants of FILE at HEAD, in the index and in the work tree, and what to declare."""
    raw = (file or "").strip()
    if not raw:
        raise GovkitError("missing FILE argument")
    p = Path(raw.replace("\\", "/"))
    if not p.is_absolute():
        p = Path(os.getcwd()) / p
    p = Path(os.path.abspath(p))
    rel = None
    for root in (ws.root, Path(os.path.abspath(ws.root))):
        try:
            rel = p.relative_to(root).as_posix()
            break
        except ValueError:
            try:
                rel = Path(os.path.realpath(p.parent)).joinpath(p.name).relative_to(root).as_posix()
                break
            except ValueError:
                continue
    if rel is None or rel in ("", "."):
        raise GovkitError(f"'{file}' is outside the repository {ws.root}")
    ws.safe_path(rel, "FILE")
    blobs = cat_blobs(ws.git, [f"HEAD:{rel}", f":{rel}"])
    head, index = blobs.get(f"HEAD:{rel}"), blobs.get(f":{rel}")
    work = read_worktree(ws.root, rel)
    if head is None and index is None and work is None:
        raise GovkitError(f"'{rel}' exists neither at HEAD, nor in the index, nor in the work tree",
                          hint="check the path (it is relative to the current directory)")
    report = Report("sha")
    report.facts["file"] = quote_path(rel)
    for name, data in (("HEAD", head), ("INDEX", index), ("WORKTREE", work)):
        if data is None:
            report.facts[name] = "<absent>"
            continue
        v = variants(data)
        report.facts[name] = v["canonical"] + (" (binary)" if is_binary(data) else "")
        if v["raw"] != v["canonical"]:
            report.facts[f"{name} raw bytes (compat)"] = v["raw"]
        if v["crlf"] not in (v["canonical"], v["raw"]):
            report.facts[f"{name} CRLF form (compat)"] = v["crlf"]
    staged = index != head
    report.facts["Pre-SHA1"] = canonical_sha1(head) + ("  (new file)" if head is None else "")
    post_src = index if staged else work
    report.facts["Post-SHA1"] = canonical_sha1(post_src) + (
        "  (from the index: staged)" if staged else "  (from the work tree)")
    if work != index and staged:
        report.warn("GK-SHA-UNSTAGED", f"{rel} has unstaged edits on top of the staged version; "
                    "post-work in staged mode uses the index", rel, None, f"git add -- {rel}")
    elif not staged and work != head:
        report.info("GK-SHA-NOT-STAGED", f"{rel} is not staged: Post-SHA1 is the work-tree hash",
                    rel)
    report.info("GK-SHA-AFTER-COMMIT", "after committing, post-work (range mode) compares "
                "Pre-SHA1 with the base revision; `govkit manifest WP --write` computes every "
                "hash for you", rel)
    return report
