"""The click group every command registers on. Command modules import this module, never
govkit.cli.main (the entry point), so the registration has no cycle.

The group is lazy: a command's module is imported only when that command runs, and `--help`
lists the commands from govkit/cli/index.py (generated from the modules; tests/docs keeps it
current), so start-up pays for one command module, not all of them."""

from __future__ import annotations

import importlib

import click

from govkit import __version__
from govkit.cli.common import Ctx
from govkit.cli.index import COMMANDS
from govkit.report.render import FORMATS


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name][0])  # registers it on this group
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            # An unloaded command's help comes from the index, shortened the way click does.
            cmd = self.commands.get(name) or click.Command(name, help=COMMANDS[name][1])
            rows.append((name, cmd.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def load_all() -> None:
    """Import every command module, govkit/cli/*_cmd.py (docgen and the tests walk the tree)."""
    import pkgutil

    import govkit.cli

    for info in pkgutil.iter_modules(govkit.cli.__path__):
        if info.name.endswith("_cmd"):
            importlib.import_module(f"govkit.cli.{info.name}")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="govkit")
@click.option("--repo", type=click.Path(file_okay=False), default=None,
              help="Repository root (default: the git top level of the current directory).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format; 'gate' prints the GATE_OUTPUT block agents paste.")
@click.option("--json", "as_json", is_flag=True, help="Shortcut for --format json.")
@click.option("-v", "--verbose", count=True, help="More detail (info findings).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on PASS.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors.")
@click.option("--sarif", metavar="FILE", type=click.Path(dir_okay=False), default=None,
              help="Also write SARIF 2.1.0 to FILE (also when the command exits 2 or 3).")
@click.option("--junit", metavar="FILE", type=click.Path(dir_okay=False), default=None,
              help="Also write JUnit XML to FILE, one testcase per check.")
@click.option("--json-file", metavar="FILE", type=click.Path(dir_okay=False), default=None,
              help="Also write the JSON rendering to FILE (`--json=FILE` is the same).")
@click.pass_context
def cli(ctx, repo, fmt, as_json, verbose, quiet, debug, sarif, junit, json_file):
    """govkit: governance gates for spec-driven work by humans and AI agents.

    Exit codes: 0 PASS, 1 FAIL (a gate said no), 2 usage, configuration or unreadable input,
    3 internal error (a bug in govkit).
    """
    outputs = {k: v for k, v in (("sarif", sarif), ("junit", junit), ("json", json_file)) if v}
    ctx.obj = Ctx(repo=repo, fmt="json" if as_json else fmt,
                  verbosity=-1 if quiet else verbose, debug=debug, outputs=outputs)
