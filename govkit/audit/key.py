"""The audit HMAC key: GOVKIT_AUDIT_KEY, a key file outside the repository (audit.key_file), or
the per-repository key that govkit makes itself: `<config home>/govkit/keys/<repo-id>.key`
($XDG_CONFIG_HOME or ~/.config; mode 0600), where repo-id is the repository's root commit id
(or a random id while there is no commit), remembered in `<git common dir>/govkit/repo-id`.

The key itself never appears in a message, a record or a log line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.config import CONFIG_REL
from govkit.errors import GovkitError
from govkit.util.paths import inside

if TYPE_CHECKING:
    from govkit.workspace import Workspace

ENV = "GOVKIT_AUDIT_KEY"
_RID = re.compile(r"[0-9a-f]{40,64}")


def key_file_path(root: Path, configured: str) -> Path:
    p = Path(os.path.expanduser(configured))
    if not p.is_absolute():
        p = Path(root) / p
    return Path(os.path.abspath(p))


def config_home() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME")
    return Path(base) if base and os.path.isabs(base) else Path.home() / ".config"


def _common_dir(root: Path) -> Path | None:
    from govkit.vcs.head import git_dirs_any

    dirs = git_dirs_any(Path(root))
    return dirs[1] if dirs else None


def repo_id(root: Path, create: bool = False) -> str | None:
    """The repository's id: remembered in the git common directory; else its root commit id
    (or, with create, a random id when there is no commit yet). None outside git."""
    common = _common_dir(root)
    if common is None:
        return None
    f = common / "govkit" / "repo-id"
    try:
        rid = f.read_text(encoding="ascii").strip()
        if _RID.fullmatch(rid):
            return rid
    except (OSError, UnicodeDecodeError):
        pass
    import subprocess

    try:
        p = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=root,
                           capture_output=True, text=True, timeout=30)
        roots = sorted(p.stdout.split()) if p.returncode == 0 else []
    except (OSError, subprocess.SubprocessError):
        roots = []
    if not roots and not create:
        return None
    if roots:
        rid = roots[0]
    else:
        import secrets

        rid = secrets.token_hex(20)
    if create or roots:  # remembered: every later run skips this git process
        from govkit.store.atomic import atomic_write_bytes

        try:
            atomic_write_bytes(f, (rid + "\n").encode("ascii"))
        except (OSError, GovkitError):
            pass  # then it is recomputed (the root commit is stable)
    return rid


def default_key_path(root: Path, create: bool = False) -> Path | None:
    rid = repo_id(root, create)
    return None if rid is None else config_home() / "govkit" / "keys" / f"{rid}.key"


def ensure_key(root: Path, configured: str | None) -> Path | None:
    """Create the per-repository key when no key is configured anywhere; returns its path when
    it was created now (the caller says where), else None."""
    if os.environ.get(ENV) or configured:
        return None
    path = default_key_path(root, create=True)
    if path is None or path.exists():
        return None
    import secrets

    from govkit.store.atomic import write_new

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        write_new(path, (secrets.token_hex(32) + "\n").encode("ascii"), mode=0o600)
    except FileExistsError:
        return None  # another process made it first
    os.chmod(path, 0o600)  # whatever the umask
    return path


def load_key(root: Path, configured: str | None) -> tuple[bytes | None, str]:
    """(key or None, where it came from). Raises GovkitError for an unusable key file."""
    env = os.environ.get(ENV)
    if env:
        return env.encode("utf-8"), f"environment ({ENV})"
    if not configured:
        path = default_key_path(root)
        if path is None or not path.is_file():
            return None, "none"
        return _read(path, str(path), root), f"key file {path}"
    path = key_file_path(root, configured)
    return _read(path, configured, root), f"key file {path}"


def _read(path: Path, configured: str, root: Path) -> bytes:
    real = Path(os.path.realpath(path))
    if inside(real, root):
        raise GovkitError(
            f"audit key file '{configured}' is inside the repository; a key there would be "
            "committed and anyone could forge the trail", path=CONFIG_REL,
            hint="move the key outside the repository (e.g. ~/.config/govkit/audit.key) and set "
                 "audit.key_file to that path, or use GOVKIT_AUDIT_KEY")
    try:
        raw = real.read_bytes()
    except FileNotFoundError:
        raise GovkitError(f"audit key file not found: {path}", path=CONFIG_REL,
                          hint="create it (e.g. `head -c 32 /dev/urandom | base64 > FILE; "
                               "chmod 600 FILE`) or remove audit.key_file") from None
    except OSError as exc:
        raise GovkitError(f"audit key file {path} cannot be read: {exc.strerror}",
                          path=CONFIG_REL, hint="check its permissions") from None
    key = raw.strip()
    if not key:
        raise GovkitError(f"audit key file {path} is empty", path=CONFIG_REL,
                          hint="write a random secret into it (32 bytes or more)")
    return key


def load_for(ws: Workspace) -> tuple[bytes | None, str]:
    return load_key(ws.root, ws.config.get("audit.key_file"))


def ensure_for(ws: Workspace) -> Path | None:
    """govkit init (and the first trail write): make the per-repository key if none is set."""
    return ensure_key(ws.root, ws.config.get("audit.key_file"))
