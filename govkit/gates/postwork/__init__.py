"""post-work, split by concern: select (which diff), window, evidence, waivers, entry (one
manifest block) and gate (the command). The names other modules use are re-exported here."""

from govkit.gates.postwork.evidence import check_links
from govkit.gates.postwork.gate import check_postwork
from govkit.gates.postwork.select import (
    Selection,
    collect_changes,
    requires_manifest,
    select_mode,
    state_patterns,
)
from govkit.gates.postwork.window import Entry, compute_entry, tight_window, window_violations

__all__ = ["Entry", "Selection", "check_links", "check_postwork", "collect_changes",
           "compute_entry", "requires_manifest", "select_mode", "state_patterns", "tight_window",
           "window_violations"]
