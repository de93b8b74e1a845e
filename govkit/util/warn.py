"""The one warning printer: `govkit: warning: ...` on stderr."""

from __future__ import annotations

import sys


def warn(msg: str) -> None:
    print(f"govkit: warning: {msg}", file=sys.stderr)
