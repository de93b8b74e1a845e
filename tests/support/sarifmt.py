"""Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool) with GitHub's rules, for the
SARIF tests: `validate --rule-kind "Gh;Sarif"`, its error- and warning-level results returned."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest


def multitool() -> str:
    exe = os.environ.get("SARIF_MULTITOOL") or shutil.which("sarif-multitool")
    if not exe:
        pytest.skip("the SARIF Multitool is not installed (.ci/run: npm install -g "
                    "@microsoft/sarif-multitool; or set SARIF_MULTITOOL)")
    return exe


def multitool_problems(sarif: Path) -> list[str]:
    exe = multitool()
    out = sarif.with_name(sarif.name + ".validation.sarif")
    args = ["validate", "--rule-kind", "Gh;Sarif", "--log", "ForceOverwrite", "-o", str(out), str(sarif)]
    # npm's wrapper runs the real binary through a shell (spawnSync shell: true): quote for it.
    if Path(exe).resolve().read_bytes()[:64].startswith(b"#!/usr/bin/env node"):
        import shlex

        args = [shlex.quote(a) for a in args]
    p = subprocess.run([exe, *args], capture_output=True, text=True, timeout=300)
    if not out.is_file():
        raise AssertionError(f"the Multitool wrote no log (exit {p.returncode}): {p.stdout}{p.stderr}")
    results = json.loads(out.read_text(encoding="utf-8"))["runs"][0].get("results", [])
    return [f"{r['ruleId']} {r.get('level', 'warning')}: {r['message'].get('arguments')}"
            for r in results if r.get("level", "warning") in ("error", "warning")]
