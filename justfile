# govkit command surface (written by `govkit init`; edit freely, `govkit init` never overwrites it).
#
# Every recipe calls govkit. Arguments reach govkit as positional parameters ("$1", "$@"),
# so the shell never re-parses them: `just pre-work 'WP-1; rm -rf ~'` passes one odd id to
# govkit, which rejects it. A recipe with two lines stops at the first line that fails.
# Lines start with @ (just does not echo `govkit ... "$@"`: govkit's own output names the gate
# and the WP) and recipes are [no-exit-message] (govkit already said why it failed).
#
# GOVKIT overrides the executable, e.g. GOVKIT="python -m govkit" just pre-work WP-1-Example

set positional-arguments

govkit := env_var_or_default("GOVKIT", "govkit")

# List the recipes.
default:
    @"{{just_executable()}}" --list --unsorted --justfile "{{justfile()}}"

# --- orchestrator -------------------------------------------------------------------------

# Log the technical refinement of a WP (REFINEMENT record).
[no-exit-message]
record-refinement wp *args:
    @{{govkit}} record-refinement "$@"

# Consume the operator's one-time signature for a WP (SIGNATURE record, audit row).
[no-exit-message]
record-signature wp signature *args:
    @{{govkit}} record-signature "$@"

# Assign a coder, branch and worktree to a WP (PREPARE record).
[no-exit-message]
record-prepare wp coder *args:
    @{{govkit}} record-prepare "$@"

# Create the branch and worktree of a WP.
[no-exit-message]
worktree-add wp *args:
    @{{govkit}} worktree-add "$@"

# Write the refinement scaffold of a WP, anchors computed from the spec (--section N).
[no-exit-message]
new-refinement wp *args:
    @{{govkit}} new refinement "$@"

# Create the locked task packet of a signed WP from the template.
[no-exit-message]
create-task-packet wp *args:
    @{{govkit}} create-task-packet "$@"

# --- coder --------------------------------------------------------------------------------

# Phase order: BOOTSTRAP, SKELETON, SKELETON APPROVED before implementation.
[no-exit-message]
gate-check wp:
    @{{govkit}} gate-check "$1"

# The operator approves BOOTSTRAP and SKELETON (SKELETON-APPROVED record).
[no-exit-message]
approve-skeleton wp *args:
    @{{govkit}} approve-skeleton "$@"

# A refinement is complete and anchored to the current spec.
[no-exit-message]
refinement-check wp *args:
    @{{govkit}} refinement-check "$@"

# Before touching code: gate-check, then pre-work.
[no-exit-message]
pre-work wp:
    @{{govkit}} gate-check "$1"
    @{{govkit}} pre-work "$1"

# After the work: gate-check, then post-work (extra args, e.g. --rev HEAD, go to post-work).
[no-exit-message]
post-work wp *args:
    @{{govkit}} gate-check "$1"
    @{{govkit}} post-work "$@"

# COR-701 manifest of a WP's change (add --write to write it into the packet).
[no-exit-message]
manifest wp *args:
    @{{govkit}} manifest "$@"

# COR-701 SHA-1 of a file (LF-normalized text, raw bytes for binary).
[no-exit-message]
cor701-sha file:
    @{{govkit}} sha "$1"

# --- validator ----------------------------------------------------------------------------

# Validator gate 1: present the report with a verdict (PASS or FAIL).
[no-exit-message]
validator-gate-present wp verdict *args:
    @{{govkit}} validator-gate present-report "$@"

# Validator gate 2: the operator acknowledged the report.
[no-exit-message]
validator-gate-acknowledge wp *args:
    @{{govkit}} validator-gate acknowledge "$@"

# Validator gate 3: the report is appended to the packet.
[no-exit-message]
validator-gate-append wp *args:
    @{{govkit}} validator-gate append "$@"

# Validator gate 4: the validation is committed.
[no-exit-message]
validator-gate-commit wp *args:
    @{{govkit}} validator-gate commit "$@"

# Show the validator gate state of a WP.
[no-exit-message]
validator-gate-status wp *args:
    @{{govkit}} validator-gate status "$@"

# Archive an unfinished validator session of a WP (add --confirm).
[no-exit-message]
validator-gate-reset wp *args:
    @{{govkit}} validator-gate reset "$@"

# --- repository ---------------------------------------------------------------------------

# Task board format and semantics, coder claims, traceability.
[no-exit-message]
board-check *args:
    @{{govkit}} board-check "$@"

# The spec pointer names the newest Master Spec.
[no-exit-message]
spec-check *args:
    @{{govkit}} spec-check "$@"

# CI drift checks (spec, board, claims, traceability).
[no-exit-message]
ci *args:
    @{{govkit}} ci "$@"

# Verify the hash chain and signatures of the audit trail.
[no-exit-message]
audit-verify *args:
    @{{govkit}} audit verify "$@"

# Diagnose the workspace (interrupted transactions, locks, configuration).
[no-exit-message]
doctor *args:
    @{{govkit}} doctor "$@"
