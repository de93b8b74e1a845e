"""The coder agent, when this build has it (govkit/agents/coder.py: propose_changeset, on the
`llm` branch); otherwise a clear refusal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.errors import GovkitError

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def coder_changeset(ws: Workspace, wp: str, pkt_rel: str, feedback: list[str]) -> dict:
    try:
        from govkit.agents.coder import propose_changeset  # type: ignore[import-not-found]
    except ImportError:
        raise GovkitError("--agent: the coder agent (govkit/agents/coder.py) is not part of "
                          "this build", hint="write the ChangeSet yourself and pass "
                                             "--changeset FILE") from None
    # An LLMError (a GovkitError) here ends the run with exit 2 and its message.
    return propose_changeset(ws, wp, feedback="\n".join(feedback) or None)
