"""Run a process with stdout on a pseudo-terminal (govkit colours only a tty)."""

from __future__ import annotations

import os
import pty
import subprocess


def run_in_pty(cmd: list[str], cwd, env: dict) -> tuple[int, bytes, bytes]:
    """(exit code, stdout read from the terminal, stderr)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    err = proc.stderr.read()
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, b"".join(chunks), err
