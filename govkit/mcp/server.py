"""`govkit mcp`: a stdio MCP server (the official Python SDK's low-level Server) offering one
role's tools (govkit/mcp/tools.py) and the read-only resources (resources.py).

Each tool call opens a fresh Workspace (artifacts change between calls), runs one gate, audits
it like the CLI (gate_event, flushed at once) and answers with the Report as structured
content (Report.to_dict, the `--json` document) plus a one-line text. A GovkitError (the CLI's
exit 2) is a tool error carrying the same message, path, line and hint; a FAIL is a normal
result with verdict FAIL. The SDK is imported here only, and only by `govkit mcp`."""

from __future__ import annotations

import os
from typing import Any

from govkit.errors import GovkitError
from govkit.mcp import resources as res
from govkit.mcp.tools import Tool, check_args, tools_for
from govkit.result import Report

NO_KEYS = os.path.join(os.devnull, "govkit-mcp-has-no-operator-keys")


class Session:
    """What the server knows between calls: repository, role, the WP it is bound to."""

    def __init__(self, repo: str | None, role: str, wp: str | None):
        from govkit.workspace import Workspace

        self.root = Workspace.find_root(repo)
        self.role = role
        self.tools = {t.name: t for t in tools_for(role)}
        ws = self.workspace()
        self.wp = ws.check_wp_id(wp) if wp else self._branch_wp(ws)

    def workspace(self):
        from govkit.loop.recover import recover_runs
        from govkit.txn.recover import recover
        from govkit.workspace import Workspace

        ws = Workspace(self.root)
        recover(ws)
        recover_runs(ws)
        return ws

    def _branch_wp(self, ws) -> str | None:
        from govkit.gates.guard import active_wps
        from govkit.mcp.hook import _branch

        wps = active_wps(ws, _branch(ws.root))
        return wps[0] if len(wps) == 1 else None

    def call(self, name: str, args: dict | None) -> tuple[dict, str, bool]:
        """(structured content, text, is_error) of one tool call."""
        tool = self.tools.get(name)
        if tool is None:
            raise GovkitError(f"no tool {name!r} for role {self.role}",
                              hint="tools/list shows this role's tools")
        args = check_args(tool, dict(args or {}))
        ws = self.workspace()
        if "wp" in args:
            args["wp"] = ws.check_wp_id(args["wp"])  # the CLI's exit 2, word for word
        if self.role == "coder" and self.wp and args.get("wp") not in (None, self.wp):
            raise GovkitError(f"this coder server is bound to {self.wp}; {args.get('wp')} is not "
                              "its packet", hint=f"call {name} with wp={self.wp}")
        report = self._run(ws, tool, args)
        self._audit(ws, report, tool)
        return report.to_dict(), _summary(report), False

    def _run(self, ws, tool: Tool, args: dict) -> Report:
        from govkit.actions.common import Refused

        try:
            return tool.run(ws, args)
        except Refused as exc:
            if exc.exit_code == 2:
                first = exc.report.errors[0]
                raise GovkitError(first.message, path=first.path, line=first.line,
                                  hint=first.hint) from None
            return exc.report

    def _audit(self, ws, report: Report, tool: Tool) -> None:
        from govkit.audit.recorder import gate_event, get_trail

        gate_event(ws, report, f"mcp {self.role} {tool.command}")
        try:
            trail = get_trail(ws)
            if trail is not None:
                trail.flush()
        except (GovkitError, OSError):
            pass  # gate_event already warned; the verdict stands


def _summary(report: Report) -> str:
    errs = report.errors
    text = f"{report.gate} {report.wp or ''}: {report.verdict}".replace("  ", " ")
    if errs or report.warnings:
        text += f" ({len(errs)} error(s), {len(report.warnings)} warning(s))"
    if errs:
        f = errs[0]
        text += f"; first: {f.code} {f.message}" + (f" ({f.location()})" if f.location() else "")
    return text


def error_dict(exc: GovkitError) -> dict:
    d: dict[str, Any] = {"error": exc.message, "exit_code": exc.exit_code}
    if exc.path:
        d["path"] = exc.path
    if exc.line:
        d["line"] = exc.line
    if exc.hint:
        d["hint"] = exc.hint
    return d


def error_text(exc: GovkitError) -> str:
    loc = exc.location()
    return (f"{loc}: " if loc else "") + exc.message + (f"\n  fix: {exc.hint}" if exc.hint else "")


# The SDK's package __init__ (`mcp`) imports its client side, and `mcp.server`'s imports
# MCPServer (FastMCP) with its HTTP stack: ~70 ms of a ~400 ms SDK import that a stdio server
# never uses (docs/performance.md). Python imports a submodule through its parent's __path__
# from sys.modules and runs the parent's __init__ only when the parent is not there yet
# (https://docs.python.org/3/reference/import.html#the-module-cache, #package-path), so
# the server process registers the two packages as plain namespace modules first. Only when
# nothing imported `mcp` already (a test's own client, say), and undone if the SDK then fails
# to import that way: the normal, full import is the fallback (GOVKIT_MCP_FULL_IMPORT=1 forces it).
SDK_PACKAGES = ("mcp", "mcp.server")


def import_sdk() -> bool:
    """Import the SDK modules the stdio server uses; True when the package __init__s were skipped."""
    import importlib
    import importlib.util
    import sys
    import types

    if "mcp" not in sys.modules and not os.environ.get("GOVKIT_MCP_FULL_IMPORT"):
        spec = importlib.util.find_spec("mcp")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("no module named 'mcp'")
        base = list(spec.submodule_search_locations)[0]
        for name in SDK_PACKAGES:
            mod = types.ModuleType(name, "the SDK package, its __init__ skipped (govkit mcp)")
            mod.__path__ = [os.path.join(base, *name.split(".")[1:])]
            mod.__package__ = name
            sys.modules[name] = mod
        try:
            _sdk_modules()
            return True
        except Exception:  # a layout this SDK release does not have: forget it, import normally
            for name in [n for n in sys.modules if n == "mcp" or n.startswith("mcp.")]:
                del sys.modules[name]
    _sdk_modules()
    return False


def _sdk_modules() -> None:
    import anyio  # noqa: F401
    import mcp.server.lowlevel.server  # noqa: F401
    import mcp.server.stdio  # noqa: F401
    import mcp.shared.exceptions  # noqa: F401
    import mcp_types  # noqa: F401


def build(session: Session):
    import mcp_types as types
    from mcp.server.lowlevel.server import Server
    from mcp.shared.exceptions import MCPError

    from govkit import __version__

    async def list_tools(ctx, params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[
            types.Tool(name=t.name, description=t.description, input_schema=t.schema)
            for t in session.tools.values()])

    async def call_tool(ctx, params) -> types.CallToolResult:
        try:
            data, text, is_error = session.call(params.name, params.arguments)
        except GovkitError as exc:
            data, text, is_error = error_dict(exc), error_text(exc), True
        return types.CallToolResult(content=[types.TextContent(text=text)],
                                    structured_content=data, is_error=is_error)

    async def list_resources(ctx, params) -> types.ListResourcesResult:
        ws = session.workspace()
        return types.ListResourcesResult(resources=[
            types.Resource(uri=r.uri, name=r.name, description=r.description,
                           mime_type="text/markdown")
            for r in res.list_resources(ws, session.role, session.wp)])

    async def list_templates(ctx, params) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(resource_templates=[
            types.ResourceTemplate(uri_template=u, name=n, description=d, mime_type="text/markdown")
            for u, n, d in res.TEMPLATES])

    async def read_resource(ctx, params) -> types.ReadResourceResult:
        uri = str(params.uri)
        try:
            text = res.read_resource(session.workspace(), session.role, session.wp, uri)
        except GovkitError as exc:
            raise MCPError(types.INVALID_PARAMS, error_text(exc), error_dict(exc)) from None
        return types.ReadResourceResult(contents=[
            types.TextResourceContents(uri=uri, text=text, mime_type="text/markdown")])

    return Server("govkit", version=__version__,
                  instructions=f"govkit gates for the {session.role} role"
                               + (f", bound to {session.wp}" if session.wp else ""),
                  on_list_tools=list_tools, on_call_tool=call_tool,
                  on_list_resources=list_resources, on_list_resource_templates=list_templates,
                  on_read_resource=read_resource)


def serve(repo: str | None, role: str, wp: str | None) -> None:
    """Run the server on stdin/stdout until the host closes it."""
    os.environ["GOVKIT_KEY_DIR"] = NO_KEYS  # no operator key is reachable from an agent's server
    session = Session(repo, role, wp)
    try:
        import_sdk()
        import anyio
        from mcp.server.stdio import stdio_server

        server = build(session)
    except ImportError:
        raise GovkitError("govkit mcp needs the MCP SDK", hint="pip install 'govkit[mcp]'") from None

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)

