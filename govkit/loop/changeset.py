"""ChangeSets: load, validate (schema, paths, scope, before_sha, sizes, patches) and stamp.

Validation computes every file's new bytes before anything is written: `plan()` returns one
FileEdit per touched path (old bytes, new bytes, mode), or adds error findings and returns None.
Patches go through git itself, in a scratch directory outside the repository: `git apply
--numstat --recount` lists the paths (checked first), then `--check --recount`, then apply.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

from govkit.errors import GovkitError
from govkit.result import Report
from govkit.util.bytes import blob_id
from govkit.util.globs import any_match
from govkit.util.paths import is_absolute_like

if TYPE_CHECKING:
    from govkit.workspace import Workspace

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "changeset.v1.json"


class FileEdit(NamedTuple):
    path: str
    old: bytes | None    # content now (None: the file does not exist)
    new: bytes | None    # content after the run (None: removed)
    mode: int | None     # permission bits kept from the old file (None: a new file's default)


class Scope(NamedTuple):
    inside: list[str]
    outside: list[str]
    source: str          # "lock" or "packet"


def load(ws: Workspace, file: str) -> tuple[dict | None, bytes]:
    """(parsed JSON or None when it is not an object, raw bytes). Unreadable input is exit 2."""
    path = Path(file)
    limit = int(ws.config.get("loop.max_changeset_bytes"))
    try:
        size = path.stat().st_size
        if size > limit:
            raise GovkitError(f"ChangeSet is {size} bytes, over loop.max_changeset_bytes "
                              f"({limit})", path=file, hint="split the change")
        raw = path.read_bytes()
    except OSError as exc:
        raise GovkitError(f"cannot read ChangeSet: {exc.strerror}", path=file) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise GovkitError("ChangeSet is not UTF-8", path=file) from None
    except json.JSONDecodeError as exc:
        raise GovkitError(f"ChangeSet is not valid JSON: {exc.msg}", path=file, line=exc.lineno,
                          hint="write one JSON object (schema govkit/schemas/changeset.v1.json)"
                          ) from None
    except RecursionError:
        raise GovkitError("ChangeSet JSON is nested too deeply", path=file) from None
    return data, raw


def schema_errors(data) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_bytes()))
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        out.append(f"{where}: {err.message[:300]}")
    return out


def path_problem(ws: Workspace, rel: str) -> str | None:
    """Why rel may not be written, or None: absolute, '..', not normalised, .git/, the
    governance directory, or a path through (or to) a symlink."""
    if not rel or "\x00" in rel or "\\" in rel or "\n" in rel:
        return "empty or contains NUL, newline or backslash"
    if is_absolute_like(rel):
        return "absolute path"
    parts = rel.split("/")
    if ".." in parts:
        return "'..' leaves the repository"
    if any(p in ("", ".") for p in parts) or PurePosixPath(rel).as_posix() != rel:
        return "not a normalised relative path (no '.', '//' or trailing '/')"
    if any(p.lower() == ".git" for p in parts):
        return "inside .git/"
    gov = ws.p("gov_dir").rstrip("/")
    if rel == gov or rel.startswith(gov + "/"):
        return f"inside the governance directory {gov}/"
    cur = ws.root
    for p in parts:
        cur = cur / p
        if os.path.islink(cur):
            return f"goes through a symlink ({cur.relative_to(ws.root).as_posix()})"
        if not os.path.lexists(cur):
            break
    return None


def _scope_problem(rel: str, scope: Scope) -> str | None:
    if any_match(rel, scope.outside):
        return f"matches OUT_OF_SCOPE ({scope.source})"
    if not any_match(rel, scope.inside):
        return f"outside IN_SCOPE_PATHS ({scope.source})"
    return None


def _read(ws: Workspace, rel: str) -> tuple[bytes | None, int | None]:
    path = ws.root / rel
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None, None
    if not stat.S_ISREG(st.st_mode):
        raise _Refuse("not a regular file")
    return path.read_bytes(), st.st_mode & 0o7777


class _Refuse(Exception):
    pass


def plan(ws: Workspace, cs, scope: Scope, report: Report, cs_path: str | None = None
         ) -> list[FileEdit] | None:
    """Validate cs whole; the FileEdits to apply, or None after adding error findings."""
    before = len(report.errors)
    errs = schema_errors(cs)
    for e in errs:
        report.error("GK-CS-SCHEMA", f"ChangeSet does not match changeset.v1: {e}", cs_path,
                     hint="see govkit/schemas/changeset.v1.json")
    if errs:
        return None
    limit = int(ws.config.get("loop.max_file_bytes"))
    if len(cs["edits"]) > int(ws.config.get("loop.max_edits")):
        report.error("GK-CS-SIZE", f"{len(cs['edits'])} edits, over loop.max_edits", cs_path)
        return None
    edits: dict[str, FileEdit] = {}
    for n, e in enumerate(cs["edits"]):
        where = f"edits[{n}] ({e['mode']} {e['path']})"
        targets = [e["path"]] + ([e["new_path"]] if e.get("new_path") else [])
        bad = False
        for rel in targets:
            why = path_problem(ws, rel) or _scope_problem(rel, scope)
            if rel in edits:
                why = why or "named by two edits"
            if why:
                code = "GK-CS-SCOPE" if "SCOPE" in why else "GK-CS-PATH"
                report.error(code, f"{where}: path '{rel}' refused: {why}", rel,
                             hint="only paths inside the locked IN_SCOPE_PATHS may change"
                             if code == "GK-CS-SCOPE" else "name a plain repository file")
                bad = True
        if bad:
            continue
        try:
            got = _edit(ws, e, where, limit, report)
        except _Refuse as exc:
            report.error("GK-CS-PATH", f"{where}: {exc}", e["path"])
            continue
        for fe in got:
            edits[fe.path] = fe
    if len(report.errors) > before:
        return None
    return list(edits.values())


def _edit(ws: Workspace, e: dict, where: str, limit: int, report: Report) -> list[FileEdit]:
    rel, mode = e["path"], e["mode"]
    old, perm = _read(ws, rel)
    if mode == "add" and old is not None:
        report.error("GK-CS-EXISTS", f"{where}: '{rel}' already exists", rel,
                     "use mode modify with its before_sha")
        return []
    if mode != "add":
        if old is None:
            report.error("GK-CS-MISSING", f"{where}: '{rel}' does not exist", rel,
                         "use mode add, or check the path")
            return []
        want = e["before_sha"]
        have = blob_id(old, len(want))
        if have != want:
            report.error("GK-CS-STALE", f"{where}: before_sha is stale for '{rel}': expected "
                         f"{want}, the file is now {have}", rel,
                         "the file changed since the ChangeSet was written: rebase the edit "
                         "and stamp it again (govkit changeset stamp FILE)")
            return []
    if mode == "delete":
        return [FileEdit(rel, old, None, perm)]
    dest = e.get("new_path") or rel
    if dest != rel and os.path.lexists(ws.root / dest):
        report.error("GK-CS-EXISTS", f"{where}: rename target '{dest}' already exists", dest)
        return []
    if "patch" in e:
        new = apply_patch(ws, e["patch"], rel, dest, old, where, report)
        if new is None:
            return []
    else:
        new = e["after"].encode("utf-8") if "after" in e else old
    assert new is not None
    if len(new) > limit:
        report.error("GK-CS-SIZE", f"{where}: new content is {len(new)} bytes, over "
                     f"loop.max_file_bytes ({limit})", dest)
        return []
    if dest != rel:
        return [FileEdit(rel, old, None, perm), FileEdit(dest, None, new, perm)]
    return [FileEdit(rel, old, new, perm)]


def patch_paths(ws: Workspace, patch: bytes) -> list[str] | None:
    """Every path a patch touches; None if git cannot read it. `--recount` lets a hunk swallow
    a following file header (its lines read as hunk lines), so the paths are the union of
    `git apply --numstat -z` with and without --recount, plus every '+++ '/'--- ' header line
    naming a path (a conservative over-approximation: more paths only means refusal)."""
    first = _numstat(ws, patch, ["--recount"])
    if first is None:
        return None
    out = first + (_numstat(ws, patch, []) or [])
    for line in patch.split(b"\n"):
        if line.startswith((b"+++ ", b"--- ")):
            name = line[4:].split(b"\t")[0].strip().decode("utf-8", "surrogateescape")
            if name != "/dev/null":
                out.append(name[2:] if name[:2] in ("a/", "b/") else name)
    return list(dict.fromkeys(out))


def _numstat(ws: Workspace, patch: bytes, opts: list[str]) -> list[str] | None:
    p = ws.git.run("apply", "--numstat", *opts, "-z", "-", input=patch, check=False)
    if p.returncode != 0:
        return None
    out: list[str] = []
    fields = p.stdout.split(b"\0")
    i = 0
    while i < len(fields):
        rec = fields[i]
        if not rec:
            i += 1
            continue
        parts = rec.split(b"\t")
        if len(parts) == 3 and parts[2]:
            out.append(parts[2].decode("utf-8", "surrogateescape"))
            i += 1
        else:  # a rename or copy: "added\tdeleted\t" then old and new path
            out += [f.decode("utf-8", "surrogateescape") for f in fields[i + 1:i + 3]]
            i += 3
    return out


def apply_patch(ws: Workspace, patch_text: str, rel: str, dest: str, old: bytes | None,
                where: str, report: Report) -> bytes | None:
    patch = patch_text.encode("utf-8")
    touched = patch_paths(ws, patch)
    if not touched:
        report.error("GK-CS-PATCH", f"{where}: the patch is not a unified diff git can read",
                     rel, "write a unified diff for this one file (diff -u / git diff)")
        return None
    others = sorted(set(touched) - {rel, dest})
    if others:
        report.error("GK-CS-PATCH", f"{where}: the patch also touches {', '.join(others)}",
                     rel, "one patch per edit, for that edit's file only")
        return None
    with tempfile.TemporaryDirectory(prefix="govkit-patch-") as tmp:
        scratch = Path(tmp) / "t"
        scratch.mkdir()
        if old is not None:
            (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
            (scratch / rel).write_bytes(old)
        chk = _scratch_apply(scratch, tmp, ["--check"], patch)
        if chk.returncode != 0:
            msg = chk.stderr.decode("utf-8", "replace").strip().splitlines()
            report.error("GK-CS-PATCH", f"{where}: the patch does not apply: "
                         f"{msg[-1] if msg else 'rejected'}", rel,
                         "regenerate the patch against the current file")
            return None
        if _scratch_apply(scratch, tmp, [], patch).returncode != 0:
            report.error("GK-CS-PATCH", f"{where}: the patch does not apply", rel)
            return None
        out = scratch / dest
        try:
            st = os.lstat(out)
        except FileNotFoundError:
            report.error("GK-CS-PATCH", f"{where}: the patch removes '{dest}'", rel,
                         "use mode delete to remove a file")
            return None
        if not stat.S_ISREG(st.st_mode):
            report.error("GK-CS-PATCH", f"{where}: the patch makes '{dest}' something other than "
                         "a regular file", rel)
            return None
        return out.read_bytes()


def _scratch_apply(cwd: Path, ceiling: str, opts: list[str], patch: bytes):
    """`git apply` outside any repository (a plain patch tool): no GIT_DIR or work tree from
    the environment, discovery stopped at the scratch directory."""
    import subprocess

    from govkit.vcs.git import PINNED

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CEILING_DIRECTORIES=ceiling, LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    return subprocess.run(["git", *PINNED, "apply", *opts, "--recount", "-"], cwd=cwd,
                          input=patch, capture_output=True, env=env)


def stamp(ws: Workspace, file: str) -> list[str]:
    """Fill before_sha of every modify/delete/rename edit from the current tree; writes FILE
    atomically; returns the paths stamped."""
    from govkit.store.atomic import atomic_write_bytes

    cs, _raw = load(ws, file)
    if not isinstance(cs, dict) or not isinstance(cs.get("edits"), list):
        raise GovkitError("ChangeSet has no 'edits' list", path=file)
    done = []
    for n, e in enumerate(cs["edits"]):
        if not isinstance(e, dict) or e.get("mode") not in ("modify", "delete", "rename") \
                or not isinstance(e.get("path"), str):
            continue
        rel = e["path"]
        why = path_problem(ws, rel)
        if why:
            raise GovkitError(f"edits[{n}]: path '{rel}' refused: {why}", path=file)
        try:
            old, _ = _read(ws, rel)
        except _Refuse as exc:
            raise GovkitError(f"edits[{n}]: '{rel}': {exc}", path=file) from None
        if old is None:
            raise GovkitError(f"edits[{n}]: '{rel}' does not exist", path=file)
        e["before_sha"] = blob_id(old)
        done.append(rel)
    errs = schema_errors(cs)
    if errs:
        raise GovkitError(f"ChangeSet does not match changeset.v1: {errs[0]}", path=file,
                          hint="see govkit/schemas/changeset.v1.json")
    atomic_write_bytes(file, (json.dumps(cs, indent=2, ensure_ascii=False) + "\n").encode())
    return done
