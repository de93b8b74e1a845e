"""One WP walked by three agents over MCP (issue #15, docs/agents.md "One WP, three agents"):
the SDK's own client over stdio against real `python -m govkit mcp --role ...` processes in a
temporary repository. What a human does (the operator's signature, the lock, the skeleton
approval, `validator-gate commit`) the test does with the CLI, outside the agents' servers;
what an agent does with its own file tools (writing the refinement, the code, the evidence) the
test writes, after asking the guard as the host would. The LLM is the stub provider."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_mcp_server import CODER_TOOLS, session

from govkit.demo import sample

from support.orchkit import CLAIMS, SIG, WP, ok, setup
from support.repo import commit_all, git, init_repo, run_govkit

pytest.importorskip("mcp")

PKT = f".GOV/task_packets/{WP}.md"
ORCH_TOOLS = {"status", "gate_check", "pre_work", "manifest", "post_work", "refinement_check",
              "validator_status", "record_refinement", "record_prepare", "create_task_packet",
              "reanchor", "stub_create"}
VALIDATOR_ONLY = {"validator_present_report", "validator_acknowledge", "validator_append",
                  "draft_report"}
TEST_CODE = "import sys; sys.path.insert(0, 'src'); import app; assert app.rule()"


def call(client, name: str, **args):
    return client.call_tool(name, args)


def verdict(result) -> str:
    assert not result.is_error, result.content[0].text
    return result.structured_content["verdict"]


def guard_edit(repo, rel: str) -> int:
    body = {"hook_event_name": "PreToolUse", "cwd": str(repo), "tool_name": "Edit",
            "tool_input": {"file_path": str(repo / rel), "old_string": "a", "new_string": "b"}}
    return run_govkit("guard", cwd=repo, input=json.dumps(body)).returncode


def test_one_wp_three_agents(tmp_path):
    repo = init_repo(tmp_path / "repo")
    (repo / "README.md").write_text("test repo\n")
    (repo / "src").mkdir()
    (repo / "src" / "app.py").write_text("def rule():\n    return False\n")
    commit_all(repo, "initial")
    # the orchestrator agent wrote the refinement (its own file tool); config: no waiting
    setup(repo, cfg_extra="validator:\n  min_gate_interval_seconds: 0\n")

    # ---- 1. orchestrator -------------------------------------------------------------------
    async def orchestrator_refine(client):
        tools = {t.name for t in (await client.list_tools()).tools}
        return tools, await call(client, "record_refinement", wp=WP)

    tools, refined = session(repo, "orchestrator", orchestrator_refine)["result"]
    assert tools == ORCH_TOOLS
    assert verdict(refined) == "PASS"
    ok(run_govkit("record-signature", WP, SIG, cwd=repo))  # the operator, not an agent

    async def orchestrator_packet(client):
        return (await call(client, "record_prepare", wp=WP, coder="Coder-A", branch="main",
                           worktree_dir="."),
                await call(client, "create_task_packet", wp=WP),
                await call(client, "refinement_check", wp=WP, require_signature=True))

    prepared, created, checked = session(repo, "orchestrator", orchestrator_packet)["result"]
    assert verdict(prepared) == verdict(created) == verdict(checked) == "PASS"
    assert (repo / PKT).is_file()
    # the packet is filled, checked and locked by the operator, then committed
    text = sample.fill_packet((repo / PKT).read_text())
    for a, b in CLAIMS.items():   # the coder's claims are locked too
        text = text.replace(a, b)
    (repo / PKT).write_text(text)
    ok(run_govkit("lock", WP, cwd=repo))
    commit_all(repo, f"docs: fill and lock packet [{WP}]")

    # ---- 2. coder (the server binds itself to the branch's WP) -----------------------------
    async def coder_start(client):
        tools = {t.name for t in (await client.list_tools()).tools}
        packet = (await client.read_resource(f"govkit://packet/{WP}")).contents[0].text
        return tools, packet, await call(client, "start", wp=WP), await call(client, "pre_work", wp=WP)

    got = session(repo, "coder", coder_start)
    tools, packet, started, pre = got["result"]
    assert tools == CODER_TOOLS and f"bound to {WP}" in got["init"].instructions
    assert verdict(started) == "PASS", started.content[0].text
    assert "src/app.py" in packet and verdict(pre) == "PASS"
    assert "- **Status:** In Progress" in (repo / PKT).read_text()
    assert git(repo, "log", "-1", "--format=%s").strip() == f"[{WP}] chore: start"

    # the operator approves the skeleton; the coder edits inside the scope (the guard agrees)
    text = (repo / PKT).read_text()
    head, sep, tail = text.partition("\n## END_TO_END_CLOSURE_PLAN")
    (repo / PKT).write_text(head.rstrip("\n") + "\n\nSKELETON APPROVED\n\n" + sep.lstrip("\n") + tail)
    assert guard_edit(repo, "src/app.py") == 0 and guard_edit(repo, "README.md") == 2
    (repo / "src" / "app.py").write_text("def rule():\n    \"\"\"Rule 1.4.\"\"\"\n    return True\n")
    test = subprocess.run([sys.executable, "-c", TEST_CODE], cwd=repo, capture_output=True)
    text = (repo / PKT).read_text()
    for a, b in {"- <fill: requirement -> path:line>": "- rule 1.4 -> src/app.py:3",
                 "- COMMAND: <paste>": f"- COMMAND: python -c \"{TEST_CODE}\"",
                 "- EXIT_CODE: <int>": f"- EXIT_CODE: {test.returncode}"}.items():
        text = text.replace(a, b)
    (repo / PKT).write_text(text)
    git(repo, "add", "-A")

    async def coder_finish(client):
        return (await call(client, "manifest", wp=WP, write=True),
                await call(client, "post_work", wp=WP),
                await call(client, "create_task_packet", wp=WP))

    manifest, post, forbidden = session(repo, "coder", coder_finish)["result"]
    assert verdict(manifest) == "PASS"
    assert verdict(post) == "PASS", post.content[0].text
    assert forbidden.is_error and "no tool 'create_task_packet' for role coder" in forbidden.content[0].text
    commit_all(repo, f"feat: rule 1.4 [{WP}]")

    # ---- 3. validator ----------------------------------------------------------------------
    async def validator(client):
        tools = {t.name for t in (await client.list_tools()).tools}
        r = {"tools": tools}
        for name in ("pre_work", "post_work", "draft_report"):
            r[name] = await call(client, name, wp=WP)
        # the agent reads the stub LLM's draft and removes it: a draft is not evidence, and
        # append refuses a dirty tree
        r["draft"] = draft.read_text() if draft.is_file() else None
        draft.unlink(missing_ok=True)
        for name, args in (("validator_present_report", {"verdict": "PASS"}),
                           ("validator_acknowledge", {}), ("validator_append", {}),
                           ("validator_commit", {}), ("validator_status", {})):
            r[name] = await call(client, name, wp=WP, **args)
        return r

    draft = repo / f".GOV/reports/{WP}.draft.md"

    r = session(repo, "validator", validator)["result"]
    assert r["tools"] == CODER_TOOLS - {"start"} | {"refinement_check", "validator_status"} | VALIDATOR_ONLY
    for name in ("pre_work", "post_work", "draft_report", "validator_present_report",
                 "validator_acknowledge", "validator_append"):
        assert verdict(r[name]) == "PASS", (name, r[name].content[0].text)
    assert r["draft"] and f"VALIDATION REPORT DRAFT: {WP}" in r["draft"]  # the stub LLM's draft
    assert r["validator_commit"].is_error and "no tool 'validator_commit'" in r["validator_commit"].content[0].text
    assert r["validator_status"].structured_content["facts"]["status"] == "WP_APPENDED"
    assert "VALIDATION REPORT" in (repo / PKT).read_text()

    # ---- the operator commits the verdict, with the CLI --------------------------------------
    p = run_govkit("validator-gate", "commit", WP, cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    status = json.loads(run_govkit("validator-gate", "status", WP, "--json", cwd=repo).stdout)
    assert status["facts"]["status"] == "COMMITTED"
    from govkit.audit.recorder import trail_path
    from govkit.workspace import Workspace

    events = [json.loads(x) for x in trail_path(Workspace.open(repo)).read_bytes().splitlines()]
    commands = {e.get("command") for e in events if e.get("kind") == "event"}
    assert {"mcp orchestrator record-refinement", "mcp orchestrator create-task-packet",
            "mcp coder pre-work", "mcp coder post-work", "mcp validator draft report",
            "mcp validator validator-gate append"} <= commands, commands
