"""Files govkit creates get the mode any new file would (0o666 less the umask); only private
keys stay 0600."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from support.repo import ROOT


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_init_files_follow_the_umask(tmp_path):
    target = tmp_path / "proj"
    script = ("import os, sys\nos.umask(0o022)\nfrom govkit.cli.main import main\n"
              "main(['init', sys.argv[1]])\n")
    p = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True,
                       text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert p.returncode == 0, p.stderr
    for rel in ("justfile", ".GOV/roles_shared/TASK_BOARD.md",
                ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"):
        assert _mode(target / rel) == 0o644, rel
    spec = next(target.glob("*_Master_Spec_v*.md"))
    assert _mode(spec) == 0o644


def test_atomic_write_keeps_an_existing_mode_and_new_files_follow_the_umask(tmp_path):
    from govkit.store.atomic import atomic_write_bytes, new_file_mode, write_new

    old = os.umask(0o027)
    try:
        import govkit.store.atomic as atomic

        atomic._umask = None  # read the umask set above
        assert new_file_mode() == 0o640
        atomic_write_bytes(tmp_path / "new.txt", b"x")
        assert _mode(tmp_path / "new.txt") == 0o640
        (tmp_path / "exec.sh").write_bytes(b"#!/bin/sh\n")
        os.chmod(tmp_path / "exec.sh", 0o755)
        atomic_write_bytes(tmp_path / "exec.sh", b"#!/bin/sh\necho\n")
        assert _mode(tmp_path / "exec.sh") == 0o755
        write_new(tmp_path / "key", b"secret", 0o600)
        assert _mode(tmp_path / "key") == 0o600
    finally:
        os.umask(old)
        atomic._umask = None
