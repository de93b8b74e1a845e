"""Ed25519 operator keys.

Private keys live outside the repository (GOVKIT_KEY_DIR, default ~/.config/govkit/keys) as
`<key-id>.key` (PKCS#8 PEM, mode 0600); public keys live in the repository as
`.GOV/keys/<key-id>.pub` (PEM), so anyone can check a signature and nobody can make one.
`cryptography` is imported inside the functions that need it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.store.atomic import atomic_write_bytes, write_new
from govkit.util.paths import inside

if TYPE_CHECKING:
    from govkit.workspace import Workspace

ENV_DIR = "GOVKIT_KEY_DIR"
_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_key_id(key_id: str) -> str:
    if not isinstance(key_id, str) or not _KEY_ID.match(key_id) or ".." in key_id:
        raise GovkitError(f"invalid key id {key_id!r}",
                          hint="use letters, digits, '.', '_' and '-' (e.g. alice-2024)")
    return key_id


def key_dir() -> Path:
    env = os.environ.get(ENV_DIR)
    return Path(os.path.expanduser(env)) if env else Path.home() / ".config" / "govkit" / "keys"


def private_key_path(key_id: str) -> Path:
    return key_dir() / f"{check_key_id(key_id)}.key"


def public_key_path(ws: Workspace, key_id: str) -> Path:
    return ws.abs(ws.p("keys_dir")) / f"{check_key_id(key_id)}.pub"


def default_key_id() -> str:
    """The only private key in the key directory (an error when there are none or several)."""
    d = key_dir()
    ids = sorted(p.name[:-4] for p in d.glob("*.key")) if d.is_dir() else []
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise GovkitError(f"no operator key in {d}",
                          hint="create one with `govkit keys init` (or set GOVKIT_KEY_DIR)")
    raise GovkitError(f"several operator keys in {d}: {', '.join(ids)}",
                      hint="choose one with --key-id")


def generate(ws: Workspace, key_id: str) -> tuple[Path, Path]:
    """Create a key pair: private key outside the repo (0600), public key in .GOV/keys/."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    priv_path = private_key_path(key_id)
    if inside(priv_path.parent, ws.root):
        raise GovkitError(f"key directory {priv_path.parent} is inside the repository; private "
                          "keys must never be committed", hint=f"set {ENV_DIR} to a directory "
                          "outside the repository")
    if priv_path.exists():
        raise GovkitError(f"operator key '{key_id}' already exists: {priv_path}",
                          hint="choose another key id")
    priv = Ed25519PrivateKey.generate()
    pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    pub = priv.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    priv_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_new(priv_path, pem, 0o600)
    pub_path = public_key_path(ws, key_id)
    atomic_write_bytes(pub_path, pub)
    return priv_path, pub_path


def load_private_key(key_id: str | None = None):
    from cryptography.hazmat.primitives import serialization

    key_id = key_id or default_key_id()
    path = private_key_path(key_id)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GovkitError(f"operator key '{key_id}' not found: {path}",
                          hint="create it with `govkit keys init` (or set GOVKIT_KEY_DIR)"
                          ) from None
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise GovkitError(f"operator key file {path} is not an unencrypted Ed25519 PEM key"
                          ) from None


def load_public_key(ws: Workspace, key_id: str):
    from cryptography.hazmat.primitives import serialization

    path = public_key_path(ws, key_id)
    try:
        return serialization.load_pem_public_key(path.read_bytes())
    except FileNotFoundError:
        raise GovkitError(f"public key for '{key_id}' not found",
                          path=str(path.relative_to(ws.root)),
                          hint="commit the operator's public key into the keys directory") from None
    except ValueError:
        raise GovkitError(f"public key for '{key_id}' is not a PEM public key",
                          path=str(path.relative_to(ws.root))) from None


def sign(priv, data: bytes) -> bytes:
    return priv.sign(data)


def verify(pub, sig: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        pub.verify(sig, data)
    except InvalidSignature:
        return False
    return True
