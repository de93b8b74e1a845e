"""The console script. `govkit --version` and `govkit --help` at the usual 80 columns answer
from the generated index without importing click (about half of a bare start-up), and so does
a plain `govkit pre-work WP` (govkit/cli/fastpath.py); everything else goes to govkit.cli.main."""

from __future__ import annotations

import os
import sys


def terminal_columns() -> int:
    """The terminal width as shutil.get_terminal_size() (which click uses) computes it."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def fast(argv: list[str]) -> bool:
    """Answer --version / --help without click when the answer is known; True when done."""
    if argv == ["--version"]:
        from govkit import __version__

        sys.stdout.write(f"govkit, version {__version__}\n")
        return True
    if argv in (["--help"], ["-h"]):
        from govkit.cli.index import HELP_COLUMNS, HELP_TEXT

        if terminal_columns() == HELP_COLUMNS and not os.environ.get("GOVKIT_SLOW_HELP"):
            sys.stdout.write(HELP_TEXT)
            return True
    return False


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if fast(args):
        sys.exit(0)
    if args[:1] == ["guard"]:  # runs before every agent edit: no click (govkit/mcp/hook.py)
        from govkit.mcp.hook import main as guard

        sys.exit(guard(args[1:]))
    if "pre-work" in args:  # runs in hooks and agent loops: no click for the plain shapes
        from govkit.cli import fastpath
        from govkit.cli.base import fix_args

        fixed = fix_args(args)
        plan = fastpath.parse(fixed)
        if plan is not None:
            fastpath.run(plan, fixed, leave_now=argv is None)
    from govkit.cli.main import main as full

    full(argv)
