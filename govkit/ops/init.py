"""`govkit init`: scaffold the .GOV/ layout in a (new or existing) git repository.

Never overwrites: every file that already exists is left alone and reported as skipped.
Paths come from the configuration (.GOV/govkit.yaml if present, else the built-in defaults).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from govkit.errors import GovkitError

STARTER_SPEC = "Project_Master_Spec_v01.000.md"

# Path keys of config DEFAULTS["paths"] that name directories (the rest name files).
DIR_KEYS = ("gov_dir", "validator_gates_dir", "refinements_dir", "task_packets_dir", "stubs_dir",
            "templates_dir", "keys_dir", "approvals_dir", "state_dir")
# Files that are optional inputs read only when present; init creates their directory only.
OPTIONAL_FILE_KEYS = ("legacy_validator_gates",)

STATE_GITIGNORE = "# govkit runtime state (lock, journals): never committed\n*\n"


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    git_initialized: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"root": str(self.root), "git_initialized": self.git_initialized,
                "created": self.created, "skipped": self.skipped, "notes": self.notes}


def project_name(project: str | None, root: Path) -> str:
    """The <Project> of the starter spec's name: --project, else the directory's name made
    file-name safe (letters, digits, '_' and '-'); 'Project' when nothing is left."""
    import re

    if project is not None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", project):
            raise GovkitError(f"invalid project name {project!r}",
                              hint="use letters, digits, '_' and '-' (e.g. --project Billing)")
        return project
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", root.name).strip("_-")
    return name[:64] or "Project"


def starter_spec_name(project: str) -> str:
    return f"{project}_Master_Spec_v01.000.md"


def starter_spec_text(name: str = STARTER_SPEC) -> str:
    title = name[:-3].replace("_", " ")
    return f"""# {title}

This is the Master Spec: the law of this project. Work packets anchor to its numbered sections
by line (refinement SPEC_ANCHORS). Never edit a released version in place: copy it to the next
version (e.g. _v01.001.md), change the copy, and point .GOV/roles_shared/SPEC_CURRENT.md at it.

## 1. Purpose

1.1 The system SHALL state what it is for in one paragraph here.
1.2 The system SHALL name its users and what each of them needs.

## 2. Requirements

2.1 Each requirement SHALL be one numbered, testable sentence.
2.2 A requirement SHALL use SHALL for obligations and MAY for options.

## 3. Governance

3.1 No code SHALL change without a signed task packet that anchors to this spec.
3.2 Every change SHALL match the COR-701 manifest of its task packet.
3.3 Validation verdicts SHALL be recorded through the validator gates.
"""


def _ensure_repo(root: Path, branch: str, result: InitResult) -> None:
    from govkit.vcs.git import Git, find_root

    top = find_root(root)
    top = top.resolve() if top else None
    if top is None:
        git = Git(root)
        p = git.run("init", "-q", str(root), check=False)
        if p.returncode != 0:
            raise GovkitError(f"git init failed: {p.stderr.decode('utf-8', 'replace').strip()}",
                              path=str(root))
        # `git init -b` needs git >= 2.28; pointing HEAD works everywhere.
        git.run("symbolic-ref", "HEAD", f"refs/heads/{branch}", check=False)
        result.git_initialized = True
        return
    if top != root.resolve():
        raise GovkitError(f"{root} is inside the git repository {top}, not at its top level",
                          path=str(root),
                          hint=f"run `govkit init {top}`: .GOV/ lives at the repository root")


def _templates() -> list[tuple[str, str]]:
    from govkit.util.templates import template_names, template_text

    out = []
    for name in template_names():
        if not name.endswith(".md"):
            continue
        text = template_text(name)
        text = text.removeprefix("\ufeff")
        out.append((name, text))
    return out


def plan(cfg, root: Path, project: str | None = None
         ) -> tuple[list[str], list[tuple[str, bytes]], list[str]]:
    """(directories, files as (rel, bytes), notes) that a complete layout needs."""
    from govkit.model import scaffold
    from govkit.model.spec import newest
    from govkit.util.templates import template_text

    paths = cfg.data["paths"]
    notes: list[str] = []
    dirs = [paths[k] for k in DIR_KEYS]
    dirs += [str(Path(paths[k]).parent.as_posix()) for k in OPTIONAL_FILE_KEYS]
    for k in ("spec_current", "task_board", "traceability_registry", "signature_audit", "gate_log"):
        dirs.append(Path(paths[k]).parent.as_posix())
    spec_dir = cfg.get("spec.dir")
    if spec_dir not in (".", ""):
        dirs.append(spec_dir)

    files: list[tuple[str, bytes]] = []

    def add(rel: str, text: str) -> None:
        files.append((rel, text.encode("utf-8")))

    # The Master Spec: only when the project has none yet.
    import fnmatch

    base = root / spec_dir if spec_dir not in (".", "") else root
    pattern = cfg.get("spec.file_pattern")
    existing = sorted(n for n in os.listdir(base) if fnmatch.fnmatchcase(n, pattern)) \
        if base.is_dir() else []
    prefix = "" if spec_dir in (".", "") else spec_dir.rstrip("/") + "/"
    if existing:
        spec_name = newest(existing) or existing[-1]
        notes.append(f"kept the existing Master Spec {prefix}{spec_name}")
    else:
        spec_name = starter_spec_name(project_name(project, root))
        if not fnmatch.fnmatchcase(spec_name, pattern):
            notes.append(f"the starter spec name {spec_name} does not match spec.file_pattern "
                         f"'{pattern}'; rename it")
        add(prefix + spec_name, starter_spec_text(spec_name))
    add(paths["spec_current"], scaffold.pointer_text(spec_name))
    add(paths["task_board"], scaffold.board_text())
    add(paths["traceability_registry"], scaffold.registry_text())
    add(paths["signature_audit"], scaffold.sigaudit_rows_text())
    add(paths["gate_log"], json.dumps({"gate_logs": []}, indent=2) + "\n")
    for name, text in _templates():
        add(f"{paths['templates_dir']}/{name}", text)
    add(f"{paths['state_dir']}/.gitignore", STATE_GITIGNORE)
    add("justfile", template_text("justfile"))
    return dirs, files, notes


def _no_file_in_the_way(root: Path, rels) -> None:
    """GovkitError when a file (not a directory) stands where a configured directory, or one
    of its parents, must be: mkdir would fail half-way with NotADirectoryError."""
    for rel in rels:
        cur = root
        for part in Path(rel).parts:
            cur = cur / part
            if cur.is_dir():
                continue
            if cur.exists() or cur.is_symlink():
                shown = cur.relative_to(root).as_posix()
                raise GovkitError("expected a directory, found a file", path=shown,
                                  hint=f"move {shown} away (govkit init needs a directory "
                                       "there) and run govkit init again")
            break


CI_FILES = {"github": (".github/workflows/govkit.yml", "github-workflow.yml")}
PROFILES = ("strict", "compat")
# What a new workspace's config says when init writes no commented example (--with-config).
STRICT_CONFIG = """\
# govkit configuration (every key optional; `govkit init --with-config` shows them all).
# profile strict: the original scripts' defects are refused, and every LOCK is signed by an
# operator key that the governed agent never holds (docs/compatibility.md). The operator
# creates that key once: govkit keys init --trust [--key-dir DIR]
profile: strict
"""


def config_text(profile: str, with_config: bool) -> str | None:
    """The .GOV/govkit.yaml init writes: strict always sets its profile; compat keeps the old
    behaviour (no file, or the commented example with --with-config)."""
    from govkit.util.templates import template_text

    if not with_config:
        return STRICT_CONFIG if profile == "strict" else None
    text = template_text("govkit.yaml")
    if profile == "strict":
        head, sep, tail = text.partition("\n# profile: compat ")
        if not sep:
            raise GovkitError("the packaged govkit.yaml template has no profile line")
        text = head + "\nprofile: strict         " + tail
    return text


def init_workspace(target: str | os.PathLike | None = None, with_config: bool = False,
                   git_init: bool = True, ci: str | None = None,
                   project: str | None = None, profile: str = "strict", keys: bool = False,
                   key_id: str | None = None, key_dir: str | None = None) -> InitResult:
    root = Path(target or os.getcwd()).expanduser()
    if project is not None:
        project_name(project, root)  # bad input fails before anything is written
    if profile not in PROFILES:
        raise GovkitError(f"unknown profile {profile!r}", hint="--profile strict or compat")
    if keys:
        _check_key_args(root, key_id, key_dir)
    if root.exists() and not root.is_dir():
        raise GovkitError("not a directory", path=str(root))
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    result = InitResult(root)
    from govkit import config as config_mod
    from govkit.workspace import Workspace

    cfg = config_mod.load(root)
    if git_init:
        _ensure_repo(root, cfg.get("main_branch"), result)
    ws = Workspace(root, cfg)

    from govkit.txn.transaction import transaction

    state_rel = cfg.path("state_dir")
    state = ws.safe_path(state_rel, "paths.state_dir")
    _no_file_in_the_way(root, [state_rel, *plan(cfg, root, project)[0]])
    if not state.is_dir():
        state.mkdir(parents=True, exist_ok=True)
        result.created.append(state_rel.rstrip("/") + "/")
    from govkit.audit.key import ensure_for

    made = ensure_for(ws)  # the trail is signed from its first record
    if made is not None:
        result.notes.append(f"created this repository's audit key {made} (mode 0600, outside "
                            "the repository; docs/audit.md says how to back up and rotate it)")
    with transaction(ws, "init") as tx:
        dirs, files, notes = plan(cfg, root, project)
        result.notes += notes
        cfg_text = config_text(profile, with_config)
        if cfg_text is not None:
            files.insert(0, (config_mod.CONFIG_REL, cfg_text.encode("utf-8")))
        if ci is not None:   # `--ci github`: the CI workflow, never over an existing file
            from govkit.util.templates import template_text as _tt

            rel_ci, name = CI_FILES[ci]
            files.append((rel_ci, _tt(name).encode("utf-8")))
            dirs.append(rel_ci.rsplit("/", 1)[0])
        for rel in sorted(set(dirs)):
            d = ws.safe_path(rel, "configured directory")
            if d.is_dir():
                continue
            if d.exists():
                raise GovkitError("expected a directory, found a file", path=rel)
            d.mkdir(parents=True, exist_ok=True)
            result.created.append(rel.rstrip("/") + "/")
        todo = []
        for rel, data in files:
            path = ws.safe_path(rel, "configured file")
            if path.exists() or path.is_symlink():
                result.skipped.append(rel)
            else:
                todo.append((rel, path, data))
        # One transaction: every new file lands, or (after a crash) the next command finishes.
        for rel, _, data in todo:
            tx.write(rel, data)
            result.created.append(rel)
        attrs = _gitattributes(ws, cfg)
        if attrs is not None:
            tx.write(".gitattributes", attrs)
            result.created.append(".gitattributes (merge rules)")
        tx.audit_data = {"skipped": len(result.skipped)}
    _merge_driver(ws, result)
    if config_mod.CONFIG_REL in result.skipped:
        result.notes.append(f"kept the existing {config_mod.CONFIG_REL} (profile "
                            f"{cfg.get('profile')}); --profile does not change it")
    _operator_key(root, result, keys, key_id, key_dir)
    return result


def _check_key_args(root: Path, key_id: str | None, key_dir: str | None) -> None:
    """--keys input errors before anything is written: a bad key id, a key directory inside
    the repository (a private key must never be committed)."""
    from govkit.signing import keys as keys_mod
    from govkit.util.paths import inside

    d = Path(os.path.abspath(os.path.expanduser(key_dir))) if key_dir else keys_mod.key_dir()
    if inside(d.resolve(), root.resolve()):
        raise GovkitError(f"key directory {d} is inside the repository; private keys must never "
                          "be committed", hint=f"pass --key-dir (or set {keys_mod.ENV_DIR}) to a "
                          "directory outside the repository")
    if key_id is not None and (d / f"{keys_mod.check_key_id(key_id)}.key").exists():
        raise GovkitError(f"operator key '{key_id}' already exists: {d / (key_id + '.key')}",
                          hint="choose another --key-id, or leave out --keys and trust the "
                               "existing key (docs/user-guide.md#operator-keys)")


def _operator_key(root: Path, result: InitResult, keys: bool, key_id: str | None,
                  key_dir: str | None) -> None:
    """--keys: the operator's key pair (keys init --trust); otherwise, in strict, say how."""
    from govkit import config as config_mod
    from govkit.actions.lock import KEYS_FIX, operator_key_problem
    from govkit.workspace import Workspace

    ws = Workspace(root, config_mod.load(root))   # the config init just wrote
    if keys:
        from govkit.actions.approve import keys_init

        rep = keys_init(ws, key_id, trust=True, key_dir=key_dir)
        result.created.append(str(rep.facts["public_key"]))
        result.notes.append(f"created the operator key {rep.facts['key_id']}: private key "
                            f"{rep.facts['private_key']} (mode 0600, outside the repository; "
                            "back it up), trusted in " + config_mod.CONFIG_REL)
        result.notes += [f"then: {c}" for c in rep.next_commands]
        for f in rep.warnings:
            result.notes.append(f.message)
        return
    if ws.config.get("profile") == "strict" and operator_key_problem(ws) is not None:
        result.notes.append("profile strict: create-task-packet, lock and amend sign the LOCK "
                            f"with an operator key; create it once: `{KEYS_FIX}` (or rerun "
                            "`govkit init --keys`); the private key stays outside the repository")


def merge_rules(cfg) -> list[str]:
    """Parallel WPs merge without conflicts: the signature audit and the board are
    line-oriented (git's union), the compat gate log (JSON) has govkit's own driver."""
    from govkit.actions.gatelog_merge import DRIVER

    paths = cfg.data["paths"]
    return [f"/{paths['signature_audit']} merge=union", f"/{paths['task_board']} merge=union",
            f"/{paths['gate_log']} merge={DRIVER}"]


def _gitattributes(ws, cfg) -> bytes | None:
    """.gitattributes with the missing merge rules appended (None: nothing to add)."""
    path = ws.safe_path(".gitattributes", ".gitattributes")
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    have = {ln.strip() for ln in old.splitlines()}
    add = [r for r in merge_rules(cfg) if r not in have]
    if not add:
        return None
    head = old if not old or old.endswith("\n") else old + "\n"
    return (head + "# govkit: append-only governance files merge without conflicts\n"
            + "\n".join(add) + "\n").encode("utf-8")


def _merge_driver(ws, result: InitResult) -> None:
    """Register the gate-log driver in this repository's git config (local, not committed)."""
    import sys

    from govkit.actions.gatelog_merge import DRIVER

    if not ws.git.ok("rev-parse", "--git-dir"):
        return
    cmd = f'"{sys.executable}" -m govkit merge-gatelog %O %A %B'
    ws.git.run("config", f"merge.{DRIVER}.name", "govkit gate log (append-only)")
    ws.git.run("config", f"merge.{DRIVER}.driver", cmd)
    result.notes.append(f"registered the git merge driver {DRIVER} (gate log) in .git/config; "
                        "every clone runs `govkit init` once to register it")
