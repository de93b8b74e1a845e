"""The one warning printer: `govkit: warning: ...` on stderr, escaped (it quotes file names)."""

from __future__ import annotations

import sys

from govkit.util.escape import escape


def warn(msg: str) -> None:
    print(f"govkit: warning: {escape(msg)}", file=sys.stderr)
