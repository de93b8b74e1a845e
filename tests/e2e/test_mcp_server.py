"""`govkit mcp` (issue #15) through the SDK's own client over stdio against a real
`python -m govkit mcp --role ...` process in a temporary repository with a locked WP."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from support.orchkit import SIG, WP, filled_draft, ok, setup
from support.repo import CONFIG_HOME, ROOT, commit_all, git, init_repo, run_govkit

mcp = pytest.importorskip("mcp")
anyio = pytest.importorskip("anyio")

PKT = f".GOV/task_packets/{WP}.md"
CODER_TOOLS = {"status", "gate_check", "pre_work", "manifest", "post_work", "changeset_check",
               "start"}
NEVER = {"record_signature", "approve", "lock", "amend", "keys_init", "validator_commit",
         "validator_gate_commit", "stub_activate"}


@pytest.fixture(scope="module")
def locked_repo(tmp_path_factory) -> Path:
    return make_locked(tmp_path_factory.mktemp("mcp") / "repo")


def make_locked(path: Path) -> Path:
    """refine -> sign -> prepare -> create-task-packet -> fill -> govkit lock -> commit."""
    repo = init_repo(path)
    (repo / "README.md").write_text("test repo\n")
    commit_all(repo, "initial")
    setup(repo)
    filled_draft(repo, run_govkit)
    ok(run_govkit("lock", WP, cwd=repo))
    commit_all(repo, f"docs: checkpoint packet+refinement [{WP}]")
    return repo


def session(repo: Path, role: str, body, *extra: str):
    """Run `body(client)` in an initialized client session against `govkit mcp --role ROLE`."""
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    env = {**os.environ, "XDG_CONFIG_HOME": CONFIG_HOME,
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    params = StdioServerParameters(command=sys.executable, cwd=str(repo), env=env,
                                   args=["-m", "govkit", "mcp", "--role", role, *extra])
    out = {}

    async def main():
        with open(os.devnull, "w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as client:
                    out["init"] = await client.initialize()
                    out["result"] = await body(client)

    anyio.run(main)
    return out


async def _names(client) -> set[str]:
    return {t.name for t in (await client.list_tools()).tools}


def test_each_role_sees_only_its_tools(locked_repo):
    names = {role: session(locked_repo, role, _names)["result"]
             for role in ("coder", "validator", "orchestrator")}
    assert names["coder"] == CODER_TOOLS
    assert CODER_TOOLS - {"start"} < names["validator"]  # start is the coder's act alone
    assert {"validator_present_report", "validator_acknowledge", "validator_append",
            "draft_report"} <= names["validator"]
    assert not {"record_refinement", "record_prepare", "create_task_packet", "reanchor",
                "stub_create", "start"} & names["validator"]
    assert {"record_refinement", "record_prepare", "create_task_packet", "reanchor",
            "stub_create"} <= names["orchestrator"]
    assert "start" not in names["orchestrator"] and "reanchor" not in names["coder"]
    assert not {n for n in names["orchestrator"] if n.startswith("validator_present")}
    for role, tools in names.items():
        assert not tools & NEVER, role
        assert not [t for t in tools if "sign" in t or "lock" in t or "commit" in t], role


def test_coder_walk_pre_work_post_work_resource_bad_argument(locked_repo):
    async def body(client):
        r = {}
        r["tools"] = await _names(client)
        r["hidden"] = await client.call_tool("record_refinement", {"wp": WP})
        r["pre"] = await client.call_tool("pre_work", {"wp": WP})
        r["status"] = await client.call_tool("status", {"wp": WP})
        r["post"] = await client.call_tool("post_work", {"wp": WP})
        r["bad"] = await client.call_tool("pre_work", {"wp": "../etc"})
        r["unknown_arg"] = await client.call_tool("pre_work", {"wp": WP, "force": True})
        r["resources"] = [str(x.uri) for x in (await client.list_resources()).resources]
        r["packet"] = await client.read_resource(f"govkit://packet/{WP}")
        r["spec"] = await client.read_resource("govkit://spec/1")
        return r

    got = session(locked_repo, "coder", body)
    assert got["init"].server_info.name == "govkit"
    r = got["result"]

    assert r["hidden"].is_error and "no tool 'record_refinement' for role coder" in \
        r["hidden"].content[0].text

    pre = r["pre"]
    assert not pre.is_error
    cli = json.loads(run_govkit("pre-work", WP, "--json", cwd=locked_repo).stdout)
    assert pre.structured_content["verdict"] == cli["verdict"] == "PASS"
    assert pre.structured_content["gate"] == cli["gate"]
    assert [f["code"] for f in pre.structured_content["findings"]] == [f["code"] for f in cli["findings"]]
    assert pre.content[0].text.startswith(f"{cli['gate']} {WP}: PASS")

    st = r["status"].structured_content
    assert st["facts"]["in_scope"] == ["src/app.py"] and st["facts"]["lock"].endswith("-LOCK.json")

    post = r["post"]  # nothing changed yet: post-work says FAIL, as a normal result
    assert not post.is_error
    cli_post = json.loads(run_govkit("post-work", WP, "--json", cwd=locked_repo).stdout)
    assert post.structured_content["verdict"] == cli_post["verdict"] == "FAIL"
    assert [f["code"] for f in post.structured_content["findings"]] == \
        [f["code"] for f in cli_post["findings"]]

    bad = r["bad"]
    cli_bad = run_govkit("pre-work", "../etc", cwd=locked_repo)
    assert cli_bad.returncode == 2
    assert bad.is_error and bad.structured_content["exit_code"] == 2
    assert bad.structured_content["error"] in cli_bad.stderr
    assert "invalid work packet id '../etc'" in bad.content[0].text
    assert r["unknown_arg"].is_error and "unknown argument(s): force" in r["unknown_arg"].content[0].text

    assert f"govkit://packet/{WP}" in r["resources"] and "govkit://board" in r["resources"]
    assert "govkit://spec/1" in r["resources"]
    assert r["packet"].contents[0].text == (locked_repo / PKT).read_text()
    assert r["spec"].contents[0].text.startswith("#") and "Capability 1" in r["spec"].contents[0].text


def test_tool_calls_are_audited(locked_repo):
    from govkit.audit.recorder import trail_path
    from govkit.workspace import Workspace

    path = trail_path(Workspace.open(locked_repo))
    before = path.read_bytes().count(b"\n")

    async def body(client):
        return await client.call_tool("gate_check", {"wp": WP})

    r = session(locked_repo, "validator", body)["result"]
    assert not r.is_error
    new = [json.loads(x) for x in path.read_bytes().splitlines()[before:]]
    events = [e for e in new if e.get("kind") == "event" and e.get("command") == "mcp validator gate-check"]
    assert events and events[-1]["wp"] == WP
    assert events[-1]["data"]["verdict"] == r.structured_content["verdict"]


def test_orchestrator_cannot_sign_and_coder_is_bound(locked_repo):
    async def body(client):
        return (await client.call_tool("record_signature", {"wp": WP, "signature": SIG}),
                await client.call_tool("pre_work", {"wp": "WP-1-Other"}))

    sig, other = session(locked_repo, "orchestrator", body)["result"]
    assert sig.is_error and "no tool 'record_signature'" in sig.content[0].text

    async def coder(client):
        return await client.call_tool("pre_work", {"wp": "WP-1-Other"})

    bound = session(locked_repo, "coder", coder, "--wp", WP)["result"]
    assert bound.is_error and f"bound to {WP}" in bound.content[0].text


def test_orchestrator_reanchors_after_a_spec_bump(tmp_path):
    """A spec bump that moves the anchored lines: the orchestrator's `reanchor` tool moves the
    locked refinement (REANCHOR record, one commit) and pre-work passes again; a coder server
    has no such tool."""
    from govkit.demo.sample import spec_text
    from govkit.model.scaffold import pointer_text

    repo = make_locked(tmp_path / "repo")
    lines = spec_text().split("\n")
    new = "Project_Master_Spec_v01.002.md"
    (repo / new).write_text("\n".join(lines[:1] + ["", "Preface added."] + lines[1:]))
    (repo / ".GOV/roles_shared/SPEC_CURRENT.md").write_text(pointer_text(new))
    commit_all(repo, "spec v01.002")

    async def walk(client):
        async def gate(name):
            return (await client.call_tool(name, {"wp": WP})).structured_content
        return await gate("pre_work"), await gate("reanchor"), await gate("pre_work")

    before, moved, after = session(repo, "orchestrator", walk)["result"]
    assert before["verdict"] == "FAIL" and "GK-REF-SPEC-SHA1" in {f["code"] for f in before["findings"]}
    assert moved["verdict"] == "PASS", moved
    assert after["verdict"] == "PASS", after
    records = sorted(p.name for p in (repo / ".GOV" / "records" / WP).iterdir())
    assert any("REANCHOR" in n for n in records), records
    assert git(repo, "status", "--porcelain").strip() == ""  # the tool committed what it wrote

    coder = session(repo, "coder", lambda c: c.call_tool("reanchor", {"wp": WP}), "--wp", WP)
    assert coder["result"].is_error and "no tool 'reanchor' for role coder" in coder["result"].content[0].text
