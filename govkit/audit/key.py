"""The audit HMAC key: GOVKIT_AUDIT_KEY, or a key file outside the repository (audit.key_file).

The key itself never appears in a message, a record or a log line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.config import CONFIG_REL
from govkit.errors import GovkitError
from govkit.util.paths import inside

if TYPE_CHECKING:
    from govkit.workspace import Workspace

ENV = "GOVKIT_AUDIT_KEY"


def key_file_path(root: Path, configured: str) -> Path:
    p = Path(os.path.expanduser(configured))
    if not p.is_absolute():
        p = Path(root) / p
    return Path(os.path.abspath(p))


def load_key(root: Path, configured: str | None) -> tuple[bytes | None, str]:
    """(key or None, where it came from). Raises GovkitError for an unusable key file."""
    env = os.environ.get(ENV)
    if env:
        return env.encode("utf-8"), f"environment ({ENV})"
    if not configured:
        return None, "none"
    path = key_file_path(root, configured)
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
    return key, f"key file {path}"


def load_for(ws: Workspace) -> tuple[bytes | None, str]:
    return load_key(ws.root, ws.config.get("audit.key_file"))
