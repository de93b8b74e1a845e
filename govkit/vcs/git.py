"""git access: argument lists only (never a shell string) and pinned diff options."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from govkit.errors import GovkitError

# Options that make output independent of the user's git config (kernel-gates.md 17.23).
PINNED = ["-c", "core.quotepath=false", "-c", "diff.algorithm=myers", "-c", "color.ui=never",
          "-c", "diff.noprefix=false", "-c", "diff.relative=false"]
DIFF_PINNED = ["--no-color", "--no-ext-diff", "--no-textconv"]

_counter = {"spawned": 0}


class GitError(GovkitError):
    pass


def spawned() -> int:
    """How many git processes this process has started (benchmarks report it)."""
    return _counter["spawned"]


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C")
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


class Git:
    def __init__(self, root: Path):
        self.root = Path(root)

    def run(self, *args: str, check: bool = True, input: bytes | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
        cmd = ["git", *PINNED, *args]
        _counter["spawned"] += 1
        try:
            proc = subprocess.run(cmd, cwd=self.root, capture_output=True, input=input,
                                  env={**_env(), **(env or {})})
        except FileNotFoundError:
            raise GitError("git not found on PATH", hint="install git, or put it on PATH") from None
        if check and proc.returncode != 0:
            msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {' '.join(args[:3])} failed: {msg[-1] if msg else proc.returncode}")
        return proc

    def out(self, *args: str, check: bool = True) -> str:
        return self.run(*args, check=check).stdout.decode("utf-8", "replace")

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    # ---- common queries -------------------------------------------------------------------
    def head(self) -> str | None:
        p = self.run("rev-parse", "--verify", "-q", "HEAD", check=False)
        return p.stdout.decode().strip() or None if p.returncode == 0 else None

    def branch(self) -> str | None:
        """The checked-out branch's short name; None when HEAD is detached."""
        from govkit.vcs.head import head_ref

        ref = head_ref(self.root)
        if ref is not None:
            return ref[len("refs/heads/"):] if ref.startswith("refs/heads/") else None
        p = self.run("symbolic-ref", "-q", "--short", "HEAD", check=False)
        return p.stdout.decode().strip() if p.returncode == 0 else None

    def toplevel(self) -> Path:
        return Path(self.out("rev-parse", "--show-toplevel").strip())

    def rev_parse(self, rev: str) -> str | None:
        if rev.startswith("-"):
            return None
        p = self.run("rev-parse", "--verify", "-q", "--end-of-options", rev + "^{commit}", check=False)
        return p.stdout.decode().strip() if p.returncode == 0 else None

    def merge_base(self, a: str, b: str) -> str | None:
        p = self.run("merge-base", "--end-of-options", a, b, check=False)
        return p.stdout.decode().strip() if p.returncode == 0 else None

    def branch_exists(self, name: str) -> bool:
        return self.ok("show-ref", "--verify", "--quiet", f"refs/heads/{name}")

    def commit_files(self, branch: str, files: dict[str, bytes], message: str) -> str:
        """Commit files (path -> bytes, mode 100644) on top of branch with a private index,
        without touching any working tree or the real index; returns the new commit id. The
        ref moves only if it still points where it did (update-ref with the old value)."""
        import tempfile

        old = self.out("rev-parse", "--verify", "--end-of-options", f"refs/heads/{branch}").strip()
        with tempfile.TemporaryDirectory() as tmp:
            index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}

            def run(*args: str, input: bytes | None = None) -> str:
                p = self.run(*args, input=input, env=index, check=False)
                if p.returncode != 0:
                    raise GitError(f"commit on {branch} failed: git {args[0]}: "
                                   f"{p.stderr.decode('utf-8', 'replace').strip()}")
                return p.stdout.decode().strip()

            run("read-tree", old)
            for rel, data in files.items():
                blob = run("hash-object", "-w", "--stdin", input=data)
                run("update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}")
            tree = run("write-tree")
            new = run("commit-tree", tree, "-p", old, "-m", message)
            run("update-ref", f"refs/heads/{branch}", new, old)
        return new

    def worktrees(self) -> list[dict]:
        """`git worktree list --porcelain` as a list of {worktree, branch, head, ...}."""
        out = self.out("worktree", "list", "--porcelain", check=False)
        trees: list[dict] = []
        cur: dict[str, str] = {}
        for line in out.splitlines():
            if not line.strip():
                if cur:
                    trees.append(cur)
                cur = {}
                continue
            key, _, val = line.partition(" ")
            cur[key] = val
        if cur:
            trees.append(cur)
        return trees


# Environment that changes how git finds a repository: then only git itself may answer.
_DISCOVERY_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES",
                  "GIT_DISCOVERY_ACROSS_FILESYSTEM")


def _root_from_files(start: Path) -> Path | None:
    """The work tree containing start, found as git finds it in the plain case (the nearest
    directory with a valid `.git`); None whenever git should decide (no process spent here:
    every gate opens the repository)."""
    from govkit.vcs.head import git_dirs

    if any(os.environ.get(v) for v in _DISCOVERY_ENV):
        return None
    here = Path(os.path.realpath(start))
    if ".git" in here.parts:
        return None
    for d in (here, *here.parents):
        if os.path.lexists(d / ".git"):
            return d if git_dirs(d) is not None else None
    return None


def find_root(start: Path) -> Path | None:
    """The git top level containing start, or None."""
    fast = _root_from_files(start)
    if fast is not None:
        return fast
    try:
        p = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=start,
                           capture_output=True, env=_env())
    except FileNotFoundError:
        raise GitError("git not found on PATH", hint="install git, or put it on PATH") from None
    _counter["spawned"] += 1
    if p.returncode != 0:
        return None
    return Path(p.stdout.decode().strip())


def _batch_specs(specs: list[str]) -> list[str]:
    specs = list(dict.fromkeys(s for s in specs if s))
    for s in specs:
        if "\n" in s:
            raise GovkitError(f"path contains a newline, cannot read it from git: {s!r}")
    return specs


def _batch_input(specs: list[str]) -> bytes:
    return ("\n".join(specs) + "\n").encode("utf-8", "surrogateescape")


def cat_blobs(git: Git, specs: list[str]) -> dict[str, bytes | None]:
    """Contents of object specs ('<oid>' or '<rev>:<path>') from ONE `git cat-file --batch`."""
    specs = _batch_specs(specs)
    if not specs:
        return {}
    return _parse_batch(specs, git.run("cat-file", "--batch", input=_batch_input(specs)).stdout)


def _parse_batch(specs: list[str], data: bytes) -> dict[str, bytes | None]:
    res: dict[str, bytes | None] = {}
    pos = 0
    for s in specs:
        nl = data.index(b"\n", pos)
        line = data[pos:nl]
        pos = nl + 1
        if line.endswith((b" missing", b" ambiguous")) or line.startswith(b"dangling"):
            res[s] = None
            continue
        header = line.split(b" ")
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            res[s] = data[pos:pos + size]
            pos += size + 1
        elif len(header) == 3:          # a tree or commit: skip its bytes
            pos += int(header[2]) + 1
            res[s] = None
        else:                           # "<spec> missing" / "ambiguous"
            res[s] = None
    return res


class BlobBatch:
    """cat_blobs with the `git cat-file --batch` process started in advance: it starts while
    the caller does other work (pre-work parses and checks meanwhile), so on a second CPU its
    start-up costs no wall time. Reads once (read), or is closed unused (close); the same
    errors as cat_blobs, raised by read."""

    def __init__(self, git: Git):
        cmd = ["git", *PINNED, "cat-file", "--batch"]
        _counter["spawned"] += 1
        self._error: GitError | None = None
        self._proc: subprocess.Popen | None = None
        try:
            self._proc = subprocess.Popen(cmd, cwd=git.root, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          env=_env())
        except FileNotFoundError:
            self._error = GitError("git not found on PATH", hint="install git, or put it on PATH")

    def read(self, specs: list[str]) -> dict[str, bytes | None]:
        specs = _batch_specs(specs)
        if self._error is not None:
            raise self._error
        if not specs:
            self.close()
            return {}
        assert self._proc is not None
        out, err = self._proc.communicate(_batch_input(specs))
        if self._proc.returncode != 0:
            msg = err.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git cat-file --batch failed: {msg[-1] if msg else self._proc.returncode}")
        return _parse_batch(specs, out)

    def close(self) -> None:
        """End the process if read did not (it exits at the end of its input)."""
        if self._proc is not None and self._proc.returncode is None:
            self._proc.communicate(b"")
