"""The tools and resources `govkit mcp` offers, by role, without the SDK: each tool runs one gate
on a fresh Workspace and returns its Report, exactly what the CLI command renders.

Least privilege: `coder` gets status, gate-check, pre-work, manifest, post-work, changeset
check and start (its own WP only); `validator` gets the coder's read-only tools plus the
validator state machine steps it may take (present-report, acknowledge, append, status) and
draft report; only `orchestrator` gets record-refinement, record-prepare, create-task-packet,
reanchor and stub create. No role gets record-signature, approve, lock, amend, keys,
`validator-gate commit` or `stub activate` (it signs): the operator runs those, with a key the
agent never reaches (server.py hides GOVKIT_KEY_DIR)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from govkit.errors import GovkitError
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

ROLES = ("coder", "validator", "orchestrator")

_WP = {"type": "string", "description": "Work packet id, e.g. WP-1-Example"}


def _schema(**props) -> dict:
    required = [k for k, v in props.items() if not v.pop("optional", False)]
    return {"type": "object", "properties": props, "required": required,
            "additionalProperties": False}


class Tool(NamedTuple):
    name: str
    command: str          # the CLI command it mirrors (audit and docs)
    description: str
    schema: dict
    roles: tuple[str, ...]
    run: Callable[[Workspace, dict], Report]


# ---- runners ------------------------------------------------------------------------------------
def _status(ws: Workspace, a: dict) -> Report:
    from govkit.actions.validator import run as validator_run
    from govkit.gates.lock import check_lock, locked_scope

    wp = ws.check_wp_id(a["wp"])
    report = Report("status", wp)
    pkt_rel, _ = ws.resolve_packet(wp)
    report.facts["packet"] = pkt_rel
    if not ws.abs(pkt_rel).is_file():
        report.error("GK-MCP-NO-PACKET", f"{wp} has no task packet", pkt_rel, None,
                     "the orchestrator creates it (create-task-packet)")
        return report
    lock = check_lock(ws, wp, pkt_rel, report)
    if lock is not None:
        inside, outside = locked_scope(lock)
        report.facts["in_scope"] = inside
        report.facts["out_of_scope"] = outside
    entry = next((e for e in ws.board().entries if e.wp == wp), None)
    if entry is not None:
        report.facts["board"] = entry.section
    val = validator_run(ws, wp, "status")
    report.facts["validation"] = val.facts.get("status")
    report.next_commands = val.next_commands or [f"govkit pre-work {wp}"]
    return report


def _gate(module: str, fn: str) -> Callable[[Workspace, dict], Report]:
    def run(ws: Workspace, a: dict) -> Report:
        import importlib

        return getattr(importlib.import_module(module), fn)(ws, ws.check_wp_id(a["wp"]))
    return run


def _refinement_check(ws: Workspace, a: dict) -> Report:
    from govkit.gates.refinement import check_refinement

    return check_refinement(ws, ws.check_wp_id(a["wp"]), None, bool(a.get("require_signature")))


def _post_work(ws: Workspace, a: dict) -> Report:
    from govkit.gates.postwork import check_postwork

    return check_postwork(ws, ws.check_wp_id(a["wp"]), a.get("range"), a.get("rev"))


def _manifest(ws: Workspace, a: dict) -> Report:
    from govkit.actions.manifest_write import run_manifest

    report, text = run_manifest(ws, ws.check_wp_id(a["wp"]), a.get("range"), a.get("rev"),
                                bool(a.get("write")))
    if text:
        report.facts["manifest"] = text
    return report


def _changeset_check(ws: Workspace, a: dict) -> Report:
    from govkit.loop.run import check_changeset

    return check_changeset(ws, ws.check_wp_id(a["wp"]), str(a["file"]))


def _validator(action: str) -> Callable[[Workspace, dict], Report]:
    def run(ws: Workspace, a: dict) -> Report:
        from govkit.actions.validator import run as validator_run

        return validator_run(ws, ws.check_wp_id(a["wp"]), action, a.get("verdict"))
    return run


def _draft_report(ws: Workspace, a: dict) -> Report:
    from govkit.agents.llmcall import provider_for
    from govkit.agents.validator import draft_report

    wp = ws.check_wp_id(a["wp"])
    return draft_report(ws, wp, force=bool(a.get("force")), provider=provider_for(ws, wp=wp))


def _record_refinement(ws: Workspace, a: dict) -> Report:
    from govkit.actions.refine import record_refinement

    return record_refinement(ws, a["wp"], a.get("file"))


def _record_prepare(ws: Workspace, a: dict) -> Report:
    from govkit.actions.prepare import record_prepare

    return record_prepare(ws, a["wp"], a["coder"], a.get("branch"), a.get("worktree_dir"))


def _create_task_packet(ws: Workspace, a: dict) -> Report:
    from govkit.actions.packet import create_task_packet

    return create_task_packet(ws, a["wp"], checkpoint=bool(a.get("checkpoint")),
                              requestor=a.get("requestor"), agent_id=a.get("agent_id"))


def _start(ws: Workspace, a: dict) -> Report:
    from govkit.actions.start import start

    return start(ws, a["wp"])


def _reanchor(ws: Workspace, a: dict) -> Report:
    from govkit.actions.reanchor import reanchor

    return reanchor(ws, a["wp"], commit_changes=not a.get("no_commit"))


def _stub_create(ws: Workspace, a: dict) -> Report:
    from govkit.actions.stub import stub_create

    return stub_create(ws, a["wp"])


# ---- the table ----------------------------------------------------------------------------------
ALL = ROLES
VO = ("validator", "orchestrator")
_S = {"type": "string"}
_B = {"type": "boolean"}
TOOLS: tuple[Tool, ...] = (
    Tool("status", "status", "The WP's packet, lock and locked scope, board status, validation state "
         "and next command.", _schema(wp=dict(_WP)), ALL, _status),
    Tool("gate_check", "gate-check", "Phase order: BOOTSTRAP, SKELETON, SKELETON APPROVED before "
         "implementation.", _schema(wp=dict(_WP)), ALL, _gate("govkit.gates.phase", "check_phases")),
    Tool("pre_work", "pre-work", "Everything that must hold before code is touched (includes "
         "gate-check and the lock).", _schema(wp=dict(_WP)), ALL,
         _gate("govkit.gates.prework", "check_prework")),
    Tool("manifest", "manifest", "Compute the COR-701 manifest from the diff; write=true rewrites "
         "the packet's manifest blocks.",
         _schema(wp=dict(_WP), write={**_B, "optional": True}, range={**_S, "optional": True},
                 rev={**_S, "optional": True}), ALL, _manifest),
    Tool("post_work", "post-work", "The diff equals the declared VALIDATION manifest (staged, "
         "worktree, range A..B or rev R).",
         _schema(wp=dict(_WP), range={**_S, "optional": True}, rev={**_S, "optional": True}),
         ALL, _post_work),
    Tool("start", "start", "Start the locked, Ready for Dev WP in this worktree: Status In Progress, "
         "board [IN_PROGRESS], a START record, committed as `[WP] chore: start`.",
         _schema(wp=dict(_WP)), ("coder",), _start),
    Tool("changeset_check", "changeset check", "Validate a ChangeSet file for the WP (scope, paths, "
         "before_sha, patches); applies nothing.",
         _schema(wp=dict(_WP), file={**_S, "description": "Repository-relative ChangeSet file"}),
         ("coder", "validator"), _changeset_check),
    Tool("refinement_check", "refinement-check", "A refinement is complete and anchored to the "
         "current spec.", _schema(wp=dict(_WP), require_signature={**_B, "optional": True}), VO,
         _refinement_check),
    Tool("validator_status", "validator-gate status", "The validation session's state and next step.",
         _schema(wp=dict(_WP)), VO, _validator("status")),
    Tool("validator_present_report", "validator-gate present-report", "Start a validation session "
         "with a PASS or FAIL verdict.",
         _schema(wp=dict(_WP), verdict={"type": "string", "enum": ["PASS", "FAIL"]}), ("validator",),
         _validator("present-report")),
    Tool("validator_acknowledge", "validator-gate acknowledge", "The operator acknowledged the "
         "report.", _schema(wp=dict(_WP)), ("validator",), _validator("acknowledge")),
    Tool("validator_append", "validator-gate append", "The report is appended to the packet "
         "(verified).", _schema(wp=dict(_WP)), ("validator",), _validator("append")),
    Tool("draft_report", "draft report", "Draft a validator report (evidence per DONE_MEANS item, "
         "no verdict) with the configured LLM.",
         _schema(wp=dict(_WP), force={**_B, "optional": True}), ("validator",), _draft_report),
    Tool("record_refinement", "record-refinement", "Record a complete refinement for review.",
         _schema(wp=dict(_WP), file={**_S, "optional": True}), ("orchestrator",), _record_refinement),
    Tool("record_prepare", "record-prepare", "Record the coder assignment, branch and worktree of a "
         "signed WP.", _schema(wp=dict(_WP), coder=dict(_S), branch={**_S, "optional": True},
                               worktree_dir={**_S, "optional": True}),
         ("orchestrator",), _record_prepare),
    Tool("create_task_packet", "create-task-packet", "Create the task packet from a signed, "
         "prepared refinement (locked unsigned: the operator signs).",
         _schema(wp=dict(_WP), checkpoint={**_B, "optional": True},
                 requestor={**_S, "optional": True}, agent_id={**_S, "optional": True}),
         ("orchestrator",), _create_task_packet),
    Tool("reanchor", "reanchor", "After a spec bump: move a locked WP's refinement to the current "
         "spec when every anchored excerpt is unchanged (REANCHOR record, no new signature); a "
         "changed excerpt writes nothing and fails.",
         _schema(wp=dict(_WP), no_commit={**_B, "optional": True}), ("orchestrator",), _reanchor),
    Tool("stub_create", "stub create", "Write a backlog stub and list it on the board.",
         _schema(wp=dict(_WP)), ("orchestrator",), _stub_create),
)
NEVER = ("record-signature", "approve", "lock", "amend", "keys init", "validator-gate commit",
         "validator-gate reset", "stub activate", "worktree-add")


def tools_for(role: str) -> list[Tool]:
    if role not in ROLES:
        raise GovkitError(f"unknown role {role!r}", hint="use coder, validator or orchestrator")
    return [t for t in TOOLS if role in t.roles]


def check_args(tool: Tool, args: dict) -> dict:
    """The arguments, checked against the tool's schema (GovkitError, as the CLI's exit 2)."""
    if not isinstance(args, dict):
        raise GovkitError(f"{tool.name}: arguments must be an object")
    props, required = tool.schema["properties"], tool.schema["required"]
    extra = sorted(set(args) - set(props))
    if extra:
        raise GovkitError(f"{tool.name}: unknown argument(s): {', '.join(extra)}",
                          hint="arguments: " + ", ".join(props))
    missing = [k for k in required if args.get(k) in (None, "")]
    if missing:
        raise GovkitError(f"{tool.name}: missing argument(s): {', '.join(missing)}")
    for k, v in args.items():
        want = props[k].get("type")
        if (want == "string" and not isinstance(v, str)) or (want == "boolean" and not isinstance(v, bool)):
            raise GovkitError(f"{tool.name}: argument {k} must be a {want}")
        if "enum" in props[k] and v not in props[k]["enum"]:
            raise GovkitError(f"{tool.name}: argument {k} must be one of {', '.join(props[k]['enum'])}")
    return args
