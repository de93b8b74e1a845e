"""The one door to a repository: root, config, git, and lazily parsed, cached artifacts."""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path, PurePosixPath

from govkit import config as config_mod
from govkit.errors import GovkitError
from govkit.util.paths import is_absolute_like
from govkit.util.textio import Text, read_text


def _exists(path: Path) -> bool:
    """path.exists(), where a name the OS refuses (too long, ...) does not exist either."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


# A WP id names files (<WP>.md, <WP>.json), branches and worktrees: keep it well below the
# 255-byte file name limit of every common file system.
MAX_WP_ID_BYTES = 128


class Workspace:
    def __init__(self, root: Path, cfg: config_mod.Config | None = None):
        self.root = Path(root).resolve()
        self.config = cfg or config_mod.load(self.root)
        self._texts: dict[str, Text | None] = {}
        self._md: dict[str, object] = {}
        self._models: dict[tuple, object] = {}
        self._real_dirs: dict[str, str] = {}   # directory -> its resolved path (safe_path)

    @staticmethod
    def find_root(repo: str | os.PathLike | None = None) -> Path:
        """The git top level of repo (default: the current directory), or GovkitError."""
        from govkit.vcs.git import find_root

        start = Path(repo or os.getcwd())
        if not start.is_dir():
            raise GovkitError("repository directory does not exist", path=str(start))
        root = find_root(start)
        if root is None:
            raise GovkitError("not inside a git repository", path=str(start),
                              hint="run inside a git work tree, or pass --repo PATH "
                                   "(govkit init DIR sets one up)")
        return root

    @classmethod
    def open(cls, repo: str | os.PathLike | None = None) -> Workspace:
        return cls(cls.find_root(repo))

    # ---- paths ----------------------------------------------------------------------------
    @cached_property
    def git(self):
        from govkit.vcs.git import Git

        return Git(self.root)

    def p(self, key: str) -> str:
        """A configured repo-relative path (POSIX form)."""
        return self.config.path(key)

    def abs(self, rel: str) -> Path:
        return self.root / rel

    def safe_path(self, rel: str, what: str = "path", must_exist: bool = False) -> Path:
        """Resolve an untrusted repo-relative path; refuse anything outside the repository."""
        raw = (rel or "").strip()
        if not raw or "\x00" in raw:
            raise GovkitError(f"{what} is empty or invalid: {rel!r}")
        norm = raw.replace("\\", "/")
        pp = PurePosixPath(norm)
        if is_absolute_like(norm):
            raise GovkitError(f"{what} must be repository-relative, got absolute path '{raw}'")
        if ".." in pp.parts:
            raise GovkitError(f"{what} '{raw}' leaves the repository ('..' is not allowed)")
        if any(len(part.encode("utf-8", "surrogateescape")) > 255 for part in pp.parts):
            raise GovkitError(f"{what} '{raw[:80]}...' has a name longer than 255 bytes, which no "
                              "file system allows")
        full = self.root / pp
        try:
            resolved = self._resolve(full)
        except (OSError, RuntimeError):
            raise GovkitError(f"{what} '{raw}' cannot be resolved (symlink loop?)") from None
        top = self._root_prefix
        if resolved != top[:-1] and not resolved.startswith(top):
            raise GovkitError(f"{what} '{raw}' resolves outside the repository through a symlink")
        if must_exist and not _exists(full):
            raise GovkitError(f"{what} '{raw}' does not exist")
        return full

    @cached_property
    def _root_prefix(self) -> str:
        """The resolved root and a separator, case-normalised: "inside" is a prefix test (Path
        comparisons against every parent cost more than the resolving itself)."""
        return os.path.normcase(str(self.root)).rstrip(os.sep) + os.sep

    def _resolve(self, full: Path) -> str:
        """os.path.normcase of full.resolve(). A directory is resolved once per Workspace (a
        ci run reads hundreds of files from a few directories); a name that is a symlink is
        resolved in full, as before."""
        parent = str(full.parent)
        real = self._real_dirs.get(parent)
        if real is None:
            real = self._real_dirs[parent] = str(full.parent.resolve())
        leaf = os.path.join(real, full.name) if full.name else real
        if os.path.islink(leaf):
            leaf = str(full.resolve())
        return os.path.normcase(leaf)

    def check_wp_id(self, wp: str) -> str:
        wp = (wp or "").strip()
        if not wp:
            raise GovkitError("missing work packet id", hint="pass an id such as WP-1-Example")
        if "/" in wp or "\\" in wp or ".." in wp or "\x00" in wp:
            raise GovkitError(f"invalid work packet id '{wp}': path characters ('/', '\\\\', '..') "
                              "are not allowed", hint="use the bare id, e.g. WP-1-Example")
        if len(wp.encode("utf-8", "surrogatepass")) > MAX_WP_ID_BYTES:
            raise GovkitError(f"work packet id is too long ({len(wp)} characters; at most "
                              f"{MAX_WP_ID_BYTES} bytes): it names files, branches and worktrees",
                              hint="use a short id such as WP-1-Example")
        if wp.lower().endswith(".md"):
            stem = wp[:-3]
            raise GovkitError(f"invalid work packet id '{wp}': a file name, not an id",
                              hint=f"did you mean {stem}?")
        if not re.fullmatch(self.config.get("wp_id_pattern"), wp):
            raise GovkitError(f"invalid work packet id '{wp}' (must match "
                              f"{self.config.get('wp_id_pattern')})",
                              hint="ids look like WP-1-Example or WP-1-Example-v2")
        return wp

    # ---- reading --------------------------------------------------------------------------
    def read(self, rel: str, optional: bool = False, allow_empty: bool = False) -> Text | None:
        key = f"{rel}|{allow_empty}"
        if key in self._texts:
            return self._texts[key]
        path = self.safe_path(rel, "artifact")
        if optional and not _exists(path):
            doc = None
        else:
            doc = read_text(path, rel, self.config.get("limits.max_artifact_bytes"), allow_empty)
        self._texts[key] = doc
        return doc

    def md(self, rel: str):
        if rel not in self._md:
            self._md[rel] = self.parse_md(self.read(rel))
        return self._md[rel]

    @cached_property
    def cache(self):
        """The parse cache in the git common directory, or None (disabled, or no git files)."""
        from govkit.store.cache import for_repo

        return for_repo(self.root)

    def parse_md(self, doc: Text):
        """The block structure of doc, from the cache when an entry for these exact bytes (and
        this parser and govkit version) is intact; a broken entry is parsed again."""
        from govkit import __version__
        from govkit.model import markdown as mdparse

        store = self.cache
        if store is None:
            return mdparse.parse(doc)
        from govkit.store.cache import key
        from govkit.util.gcpause import gc_paused

        k = key("md", str(mdparse.CACHE_VERSION), __version__, doc.raw)
        with gc_paused():   # tens of thousands of small objects, no cycles
            data = store.get(k)
            if isinstance(data, dict):
                try:
                    return mdparse.MdDoc.from_data(doc, data)
                except (KeyError, IndexError, TypeError, ValueError, AttributeError):
                    pass
        md = mdparse.parse(doc)
        store.put(k, md.to_data())
        return md

    def _cached(self, key: tuple, build):
        if key not in self._models:
            self._models[key] = build()
        return self._models[key]

    def invalidate(self) -> None:
        """Forget cached reads (after this process wrote files)."""
        self._real_dirs.clear()
        self._texts.clear()
        self._md.clear()
        self._models.clear()

    # ---- artifacts ------------------------------------------------------------------------
    def packet_rel(self, wp: str) -> str:
        return f"{self.p('task_packets_dir')}/{wp}.md"

    def refinement_rel(self, wp: str) -> str:
        return f"{self.p('refinements_dir')}/{wp}.md"

    def resolve_packet(self, wp: str) -> tuple[str, str]:
        """(packet path, how it was found). Exact file name first; a base id resolves to its
        active '-vN' packet through the traceability registry. Never a substring match."""
        wp = self.check_wp_id(wp)
        exact = self.packet_rel(wp)
        if _exists(self.abs(exact)):
            return exact, "exact"
        row = self.registry_map().get(wp)
        if row is not None:
            active = row.active.strip().strip("`")
            is_stub = active.replace("\\", "/").startswith(self.p("stubs_dir").rstrip("/") + "/")
            if active and not is_stub and _is_file(self.abs(active)):  # stubs never execute
                self.safe_path(active, "registry Active Packet")
                return active, f"traceability registry ({self.p('traceability_registry')}:{row.line})"
        stub = f"{self.p('stubs_dir')}/{wp}.md"
        hint = f"check the id; packets live in {self.p('task_packets_dir')}/"
        if _is_file(self.abs(stub)):
            hint = f"{stub} is a stub: stubs are never executable; activate it (govkit stub activate {wp})"
        else:
            near = self.similar_packets(wp)
            if near:
                hint = "did you mean: " + ", ".join(near)
        raise GovkitError(f"unknown work packet '{wp}': no {exact}", path=exact, hint=hint)

    def similar_packets(self, wp: str) -> list[str]:
        d = self.abs(self.p("task_packets_dir"))
        if not d.is_dir():
            return []
        names = sorted(n[:-3] for n in os.listdir(d) if n.endswith(".md"))
        return [n for n in names if n.startswith(wp) or wp.startswith(n)][:5]

    def packet(self, rel: str):
        from govkit.model.packet import parse_packet

        return self._cached(("packet", rel), lambda: parse_packet(self.read(rel), self.md(rel)))

    def refinement(self, rel: str):
        from govkit.model.refinement import parse_refinement

        return self._cached(("ref", rel), lambda: parse_refinement(self.read(rel), self.md(rel)))

    def spec_pointer(self):
        from govkit.model.spec import parse_pointer

        rel = self.p("spec_current")
        return self._cached(("ptr",), lambda: parse_pointer(
            self.read(rel), self.config.get("spec.file_pattern"), self.md(rel)))

    def spec_files(self) -> list[str]:
        import fnmatch

        d = self.config.get("spec.dir")
        base = self.abs(d)
        pat = self.config.get("spec.file_pattern")
        names = sorted(n for n in os.listdir(base) if fnmatch.fnmatchcase(n, pat)) if base.is_dir() else []
        return [n if d in (".", "") else f"{d}/{n}" for n in names]

    def spec(self, name: str):
        from govkit.model.spec import MasterSpec

        d = self.config.get("spec.dir")
        rel = name if d in (".", "") else f"{d}/{name}"
        return self._cached(("spec", rel), lambda: MasterSpec(self.read(rel), self.cache))

    def board(self):
        from govkit.model.board import parse_board

        rel = self.p("task_board")
        return self._cached(("board",), lambda: parse_board(self.read(rel), self.md(rel)))

    def registry_rows(self):
        from govkit.model.registry import parse_registry

        rel = self.p("traceability_registry")
        if not _exists(self.abs(rel)):
            return []
        return self._cached(("registry",), lambda: parse_registry(self.md(rel)))

    def registry_map(self):
        from govkit.model.registry import registry_map

        return registry_map(self.registry_rows())

    def signature_rows(self):
        from govkit.model.sigaudit import parse_signature_audit

        rel = self.p("signature_audit")
        if not _exists(self.abs(rel)):
            return None
        return self._cached(("sigaudit",), lambda: parse_signature_audit(self.md(rel)))

    def gate_log(self):
        from govkit.model.gatelog import parse_gate_log

        rel = self.p("gate_log")
        return self._cached(("gatelog",), lambda: parse_gate_log(
            self.read(rel, optional=True, allow_empty=True), rel))

    def current_spec(self, report=None):
        """(spec name, MasterSpec) from SPEC_CURRENT, or (None, None); problems become error
        findings when a report is given."""
        rel = self.p("spec_current")
        if not _exists(self.abs(rel)):
            if report is not None:
                report.error("GK-SPEC-POINTER-MISSING", "spec pointer is missing", rel, None,
                             "create it naming the current Master Spec (govkit init writes one)")
            return None, None
        ptr = self.spec_pointer()
        if not ptr.name:
            if report is not None:
                report.error("GK-SPEC-POINTER-EMPTY", "spec pointer names no spec file matching "
                             f"'{self.config.get('spec.file_pattern')}'", rel, 1,
                             "write the spec file name, e.g. **Project_Master_Spec_v01.000.md**")
            return None, None
        d = self.config.get("spec.dir")
        spec_rel = ptr.name if d in (".", "") else f"{d}/{ptr.name}"
        if not _is_file(self.abs(spec_rel)):
            if report is not None:
                report.error("GK-SPEC-MISSING", f"spec pointer names '{ptr.name}', which does not exist",
                             rel, ptr.line, "fix the pointer or add the spec file")
            return ptr.name, None
        return ptr.name, self.spec(ptr.name)

    # ---- writing --------------------------------------------------------------------------
    def state_dir(self) -> Path:
        """Lock and journals: `<git dir>/govkit/` (per worktree, never in the work tree, so a
        refused command leaves no untracked file); `paths.state_dir` when set to another path."""
        rel = self.p("state_dir")
        if rel == config_mod.DEFAULTS["paths"]["state_dir"]:
            from govkit.vcs.head import git_dirs_any

            dirs = git_dirs_any(self.root)
            if dirs is not None:
                return dirs[0] / "govkit"
        return self.safe_path(rel, "paths.state_dir")

    def lock(self, command: str = ""):
        from govkit.store.lock import WorkspaceLock

        return WorkspaceLock(self.state_dir() / "lock",
                             timeout=float(self.config.get("lock.timeout_seconds")),
                             command=command)
