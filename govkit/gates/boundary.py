"""The boundary rule (the kernel's [CX-211]/[CX-212], codex-check step 8): product code never
references the governance directory. Every offending line is a finding (path:line)."""

from __future__ import annotations

import os
import re
import stat
from typing import TYPE_CHECKING

from govkit.result import Report
from govkit.util.globs import any_match

if TYPE_CHECKING:
    from govkit.workspace import Workspace

ALLOW_MARK = "govkit: allow-boundary"


def check_boundary(ws: Workspace, report: Report) -> None:
    cfg = ws.config.get("boundary")
    if not cfg.get("enabled", True):
        return
    products = cfg.get("product_paths") or []
    allow = cfg.get("allow") or []
    gov = ws.p("gov_dir").strip("/")
    rx = re.compile(re.escape(gov) + r"[\\/]")
    needle = gov.encode("utf-8")
    if not products:
        return
    top = str(ws.root)
    for rel in filter(None, ws.git.out("ls-files", "-z").split("\0")):
        if not any_match(rel, products) or any_match(rel, allow):
            continue
        path = os.path.join(top, rel)
        try:   # a regular file, not followed through a symlink (plain os calls: hundreds of files)
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        if needle not in data or b"\0" in data[:8192]:
            continue
        for n, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if rx.search(line) and ALLOW_MARK not in line:
                report.error("GK-BOUNDARY", f"product code references the governance directory "
                             f"({gov}/): {line.strip()[:120]}", rel, n,
                             f"remove the reference, or end the line with '{ALLOW_MARK}' (or list "
                             "the file in boundary.allow) with operator approval")
