"""The coder agent's ChangeSet for `govkit run --agent` (govkit/agents/coder.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def coder_changeset(ws: Workspace, wp: str, pkt_rel: str, feedback: list[str]) -> dict:
    from govkit.agents.coder import propose_changeset

    # An LLMError (a GovkitError) here ends the run with exit 2 and its message.
    return propose_changeset(ws, wp, feedback="\n".join(feedback) or None)
