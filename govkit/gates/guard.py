"""The scope guard at edit time: may this tool call of an agent write where it wants to?

Pure decisions over a hook payload (Claude Code's PreToolUse JSON: tool_name, tool_input,
cwd), the active WP's locked scope and the work tree. File tools (Edit, Write, MultiEdit,
NotebookEdit) are judged completely; shell commands only for their obvious writes
(redirection, tee, sed -i, rm, mv, cp, git checkout --): post-work remains the proof.
Codex CLI's apply_patch is judged by the files its patch headers name. govkit/mcp/hosts.py
turns Cursor's and Codex's payloads into this shape; govkit/mcp/hook.py turns a Decision into
the host's deny convention."""

from __future__ import annotations

import glob
import json
import os
import shlex
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

from govkit.errors import GovkitError
from govkit.util.globs import any_match

if TYPE_CHECKING:
    from govkit.workspace import Workspace

FILE_TOOLS = {"Edit": "file_path", "Write": "file_path", "MultiEdit": "file_path",
              "NotebookEdit": "notebook_path"}
SHELL_TOOLS = ("Bash",)
PATCH_TOOLS = ("apply_patch",)  # Codex CLI's file edits: the patch text in tool_input.command
PATCH_HEADERS = ("*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: ")
HARMLESS = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")
_SEPARATORS = {";", "&&", "||", "|", "&", "|&", "(", ")", "\n"}
_REDIRECTS = {">", ">>", ">|", "&>", "&>>"}


class Scope(NamedTuple):
    wp: str
    packet: str
    inside: list[str]
    outside: list[str]
    source: str             # "lock" or "packet (unlocked, profile compat)"
    warning: str | None = None


class Decision(NamedTuple):
    allow: bool
    reason: str
    warning: str | None = None


# ---- what a tool call writes ------------------------------------------------------------------
def tool_targets(tool_name: str, tool_input: dict) -> list[str] | None:
    """The raw paths a tool call writes; None when the tool is not judged (reads, searches)."""
    if tool_name in FILE_TOOLS:
        value = tool_input.get(FILE_TOOLS[tool_name])
        if not isinstance(value, str) or not value:
            raise GovkitError(f"{tool_name} payload has no {FILE_TOOLS[tool_name]}",
                              hint="the hook payload is malformed")
        return [value]
    if tool_name in SHELL_TOOLS:
        command = tool_input.get("command")
        if not isinstance(command, str):
            raise GovkitError(f"{tool_name} payload has no command", hint="the hook payload is malformed")
        return shell_targets(command)
    if tool_name in PATCH_TOOLS:
        text = tool_input.get("command", tool_input.get("patch"))
        if not isinstance(text, str):
            raise GovkitError(f"{tool_name} payload has no patch text", hint="the hook payload is malformed")
        files = patch_targets(text)
        if not files:  # a patch that names no file cannot be judged: deny
            raise GovkitError(f"{tool_name} patch names no file (no '*** Add/Update/Delete File:' line)",
                              hint="the hook payload is malformed")
        return files
    return None


def patch_targets(text: str) -> list[str]:
    """Files an apply_patch envelope (Codex CLI: `*** Begin Patch` ... `*** End Patch`) adds,
    updates, deletes or moves to. Only header lines count: a hunk line starts with ' ', '+',
    '-' or '@', so patch content never reads as a header."""
    out: list[str] = []
    for line in text.splitlines():
        for head in PATCH_HEADERS:
            if line.startswith(head):
                path = line[len(head):].strip()
                if path and path not in out:
                    out.append(path)
    return out


def _tokens(command: str) -> list[str]:
    try:
        lex = shlex.shlex(command, posix=True, punctuation_chars=";&|()<>\n")
        lex.whitespace = " \t\r"  # keep newlines: they separate commands
        lex.whitespace_split = True
        return list(lex)
    except ValueError:  # unbalanced quotes (a here-document's text, say): judge the words
        return command.replace(";", " ; ").replace("|", " | ").replace(">", " > ").split()


def _commands(tokens: list[str]) -> tuple[list[list[str]], list[str]]:
    """Simple commands (redirections removed) and the redirection targets."""
    cmds: list[list[str]] = [[]]
    targets: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t in _SEPARATORS or (t and set(t) <= set(";&|()\n")):  # `;\n` comes as one token
            cmds.append([])
        elif t in _REDIRECTS or (t.endswith(">") and t.rstrip(">&").isdigit()):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt in (">", ">>"):  # `2 > file` split by the lexer as '2' '>'
                i += 1
                nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt == "&" or nxt.startswith("&"):  # >&2: a descriptor, not a file
                i += 2
                continue
            if nxt:
                targets.append(nxt)
            i += 1
        elif t in ("<", "<<", "<<<", "<&"):
            i += 1
        else:
            cmds[-1].append(t)
        i += 1
    return [c for c in cmds if c], targets


def _args(words: list[str]) -> list[str]:
    """Operands: words after the first that are not options (everything after `--`)."""
    out, dashdash = [], False
    for w in words[1:]:
        if dashdash or not w.startswith("-") or w == "-":
            out.append(w)
        elif w == "--":
            dashdash = True
    return out


def shell_targets(command: str) -> list[str]:
    """The paths a shell command obviously writes. Not a shell: variables, functions, eval,
    scripts and interpreters are not followed (docs/agents.md says so)."""
    cmds, targets = _commands(_tokens(command))
    if "*** Begin Patch" in command:  # apply_patch through the shell (a here-document)
        targets += patch_targets(command)
    for words in cmds:
        while words and ("=" in words[0] and not words[0].startswith("=")
                         and words[0].split("=", 1)[0].isidentifier()):
            words = words[1:]  # VAR=value prefixes
        while words and words[0] in ("sudo", "command", "env", "nohup", "time", "exec"):
            words = words[1:]
        if not words:
            continue
        name = os.path.basename(words[0])
        ops = _args(words)
        if name in ("tee", "rm", "rmdir", "unlink", "truncate", "touch", "mkdir"):
            targets += ops
        elif name in ("mv", "cp", "ln", "install"):
            t = [words[j + 1] for j, w in enumerate(words[:-1]) if w in ("-t", "--target-directory")]
            targets += t or (ops if name == "mv" else ops[-1:])
        elif name == "sed" and any(w == "-i" or w.startswith("-i") or w.startswith("--in-place")
                                   for w in words[1:]):
            has_e = any(w in ("-e", "-f", "--expression", "--file") for w in words[1:])
            files = _sed_files(words)
            targets += files if has_e else files[1:]
        elif name == "git" and len(words) > 2 and words[1] in ("checkout", "restore"):
            if "--" in words:
                targets += words[words.index("--") + 1:]
            elif words[1] == "restore":
                targets += _args(words[1:])
    return targets


def _sed_files(words: list[str]) -> list[str]:
    out, skip = [], False
    for w in words[1:]:
        if skip:
            skip = False
        elif w in ("-e", "-f", "--expression", "--file"):
            skip = True
        elif not w.startswith("-"):
            out.append(w)
    return out


# ---- where it writes ------------------------------------------------------------------------
def _rel(root: Path, cwd: Path, raw: str) -> tuple[list[str], str | None]:
    """Repository-relative forms of raw (as written, and with symlinks resolved), or a reason
    it is outside the work tree."""
    expanded = os.path.expanduser(raw)
    p = Path(expanded) if os.path.isabs(expanded) else cwd / expanded
    if str(p) in HARMLESS:
        return [], None
    lexical = Path(os.path.normpath(p))
    forms = []
    for cand in (lexical, p.resolve()):  # `..` folded; every symlink followed
        try:
            rel = cand.relative_to(root)
        except ValueError:
            return [], f"{raw} is outside the work tree {root}"
        forms.append(PurePosixPath(rel.as_posix()).as_posix())
    return list(dict.fromkeys(forms)), None


def judge_path(rel: str, scope: Scope, gov_dir: str) -> str | None:
    """Why writing rel breaks the scope, or None."""
    gov = gov_dir.strip("/")
    parts = rel.split("/")
    if rel in ("", ".") or any(p.lower() == ".git" for p in parts):
        return f"{rel or '.'} is git's own data"
    if rel == gov or rel.startswith(gov + "/"):
        return f"{rel} is inside the governance directory {gov}/"
    if any_match(rel, scope.outside):
        return f"{rel} matches OUT_OF_SCOPE of {scope.wp}"
    if not any_match(rel, scope.inside):
        return f"{rel} is outside IN_SCOPE_PATHS of {scope.wp}"
    return None


def decide(root: Path, cwd: Path, payload: dict, scope: Scope, gov_dir: str) -> Decision:
    """Allow or deny one tool call. `root` is the resolved work tree."""
    tool = payload.get("tool_name")
    tool_input = payload.get("tool_input")
    if not isinstance(tool, str) or not isinstance(tool_input, dict):
        raise GovkitError("hook payload needs tool_name and tool_input",
                          hint="the guard reads Claude Code's PreToolUse JSON on stdin")
    raw_targets = tool_targets(tool, tool_input)
    if not raw_targets:
        return Decision(True, "no write to judge", scope.warning)
    problems = []
    for raw in raw_targets:
        forms, outside = _rel(root, cwd, raw)
        if outside:
            problems.append(outside)
            continue
        if any(ch in raw for ch in "$`"):
            problems.append(f"{raw} is not a literal path (variables are not judged)")
            continue
        for rel in forms:
            for rel2 in _expand(root, rel):
                why = judge_path(rel2, scope, gov_dir)
                if why:
                    problems.append(why)
    if not problems:
        return Decision(True, f"inside the scope of {scope.wp}", scope.warning)
    allowed = ", ".join(scope.inside) or "(none)"
    reason = (f"govkit guard: {tool} denied: " + "; ".join(dict.fromkeys(problems)) +
              f". Packet {scope.packet} ({scope.source}) allows only: {allowed}"
              f" (never {gov_dir.strip('/')}/). Ask the orchestrator to amend the packet "
              "if the change is needed.")
    return Decision(False, reason, scope.warning)


def _expand(root: Path, rel: str) -> list[str]:
    if not any(ch in rel for ch in "*?["):
        return [rel]
    hits = [Path(h).relative_to(root).as_posix() for h in glob.glob(str(root / rel))]
    return hits or [rel]


# ---- which WP, which scope ----------------------------------------------------------------------
def active_wps(ws: Workspace, branch: str | None) -> list[str]:
    """WPs whose PREPARE record (record files, else the gate log) names `branch`."""
    if not branch:
        return []
    found: list[str] = []
    recdir = ws.abs(f"{ws.p('gov_dir').rstrip('/')}/records")
    if recdir.is_dir():
        for d in sorted(recdir.iterdir()):
            for f in sorted(d.glob("*-PREPARE.json")) if d.is_dir() else []:
                try:
                    body = json.loads(f.read_bytes()).get("body") or {}
                except (OSError, ValueError, AttributeError):
                    continue
                if body.get("branch") == branch and d.name not in found:
                    found.append(d.name)
    if found:
        return found
    for entry in ws.gate_log().entries:
        if entry.get("type") == "PREPARE" and \
                entry.get("branch") == branch and entry.get("wpId") not in found:
            found.append(str(entry.get("wpId")))
    return found


def scope_for(ws: Workspace, wp: str) -> Scope:
    """The WP's locked scope. GovkitError (the guard denies) when the records cannot be read, the
    chain is broken or, in profile strict, the packet is not locked."""
    from govkit.gates.lock import current_lock, load_records, locked_scope
    from govkit.model.records import chain_problems

    wp = ws.check_wp_id(wp)
    pkt_rel, _ = ws.resolve_packet(wp)
    if not ws.abs(pkt_rel).is_file():
        raise GovkitError(f"the task packet of {wp} cannot be read", path=pkt_rel,
                          hint="the orchestrator creates and locks it first")
    records = load_records(ws, wp)
    problems = chain_problems(records)
    if problems:
        path, problem = problems[0]
        raise GovkitError(f"record chain of {wp} is broken: {problem}", path=path,
                          hint="restore the records from git; pre-work says the same")
    lock = current_lock(records)
    if lock is not None:
        if lock.wp != wp or lock.body.get("packet") != pkt_rel:
            raise GovkitError(f"{lock.path} does not lock {pkt_rel}", path=lock.path,
                              hint="restore the records from git")
        inside, outside = locked_scope(lock)
        return Scope(wp, pkt_rel, inside, outside, "lock")
    if ws.config.get("profile") == "strict":
        raise GovkitError(f"{wp} is not locked (profile strict): the guard allows no write",
                          path=pkt_rel, hint=f"the operator runs `govkit lock {wp}`")
    pkt = ws.packet(pkt_rel)
    inside = [e.path for e in pkt.in_scope_paths or [] if e.path]
    outside = [e.path for e in pkt.out_of_scope if e.path]
    return Scope(wp, pkt_rel, inside, outside, "packet (unlocked, profile compat)",
                 f"govkit guard: {wp} is not locked; judging by the packet's own IN_SCOPE_PATHS "
                 f"(profile compat). The operator should run `govkit lock {wp}`.")
