"""Untrusted paths: absolute in any spelling, and "inside this directory" after symlinks."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

_DRIVE = re.compile(r"^[A-Za-z]:")


def is_absolute_like(path: str) -> bool:
    """Absolute on POSIX or Windows: '/x', 'C:x', 'C:\\x', '\\\\server\\x' ('\\' read as '/')."""
    norm = path.strip().replace("\\", "/")
    return PurePosixPath(norm).is_absolute() or bool(_DRIVE.match(norm)) or norm.startswith("//")


def inside(path: str | os.PathLike, root: str | os.PathLike) -> bool:
    """path is root or below it once every symlink is resolved."""
    real, top = Path(os.path.realpath(path)), Path(os.path.realpath(root))
    return real == top or top in real.parents


def display_for(root: str | os.PathLike):
    """A function showing a path relative to root when it is inside, else as it is."""
    top = Path(root)

    def show(p: str | os.PathLike) -> str:
        try:
            return Path(p).resolve().relative_to(top).as_posix()
        except ValueError:
            return str(p)
    return show
