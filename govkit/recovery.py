"""Work done when a workspace is opened: finish or undo interrupted transactions."""

from __future__ import annotations


def recover_on_open(ws) -> list[str]:
    """Complete or revert interrupted multi-file transactions; returns what was done."""
    from govkit.txn import recover

    return recover(ws)
