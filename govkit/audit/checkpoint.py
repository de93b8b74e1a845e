"""Signed checkpoints: (record count, last seq, last hash) signed with an operator's Ed25519 key.

A checkpoint committed to git or stored elsewhere makes a later rewrite of the whole trail
detectable even by someone who re-chains it perfectly without the HMAC key.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.util import canonjson

if TYPE_CHECKING:
    from govkit.workspace import Workspace

FORMAT = "govkit-audit-checkpoint/1"
_FIELDS = ("format", "trail", "records", "last_seq", "last_hash", "created", "key_id")


def statement(cp: dict) -> bytes:
    """The signed bytes: canonical JSON of every field but the signature."""
    body = {k: cp[k] for k in _FIELDS}
    return canonjson.dumpb(body)


def make(trail_rel: str, records: int, last_seq: int, last_hash: str, key_id: str, priv) -> dict:
    from govkit.signing import keys
    from govkit.util.timeutil import iso_us

    cp = {"format": FORMAT, "trail": trail_rel, "records": records, "last_seq": last_seq,
          "last_hash": last_hash, "created": iso_us(), "key_id": key_id}
    cp["signature"] = base64.b64encode(keys.sign(priv, statement(cp))).decode("ascii")
    return cp


def load(path: Path) -> dict:
    """Read and shape-check a checkpoint file (GovkitError for anything unreadable)."""
    try:
        cp = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GovkitError("checkpoint file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise GovkitError(f"checkpoint file is not valid JSON ({exc})", path=str(path)) from None
    bad = [k for k in _FIELDS + ("signature",) if not isinstance(cp, dict) or k not in cp]
    if bad or cp.get("format") != FORMAT:
        raise GovkitError("not a govkit audit checkpoint" + (f" (missing: {', '.join(bad)})"
                                                             if bad else ""), path=str(path),
                          hint="create one with `govkit audit checkpoint`")
    if not isinstance(cp["last_seq"], int) or not isinstance(cp["last_hash"], str):
        raise GovkitError("checkpoint has a malformed last_seq or last_hash", path=str(path))
    return cp


def check_signature(ws: Workspace, cp: dict, report, shown: str) -> bool:
    """Add a finding and return False when the signature is not good."""
    from govkit.signing import keys

    trusted = ws.config.get("approvals.trusted_keys") or []
    if trusted and cp["key_id"] not in trusted:
        report.error("GK-AUDIT-CHECKPOINT-SIG", f"checkpoint is signed by '{cp['key_id']}', "
                     "which is not in approvals.trusted_keys", path=shown)
        return False
    try:
        pub = keys.load_public_key(ws, keys.check_key_id(cp["key_id"]))
        sig = base64.b64decode(cp["signature"], validate=True)
    except GovkitError as exc:
        report.error("GK-AUDIT-CHECKPOINT-SIG", f"checkpoint signature cannot be checked: "
                     f"{exc.message}", path=shown, hint=exc.hint)
        return False
    except (ValueError, TypeError):
        report.error("GK-AUDIT-CHECKPOINT-SIG", "checkpoint signature is not base64", path=shown)
        return False
    if not keys.verify(pub, sig, statement(cp)):
        report.error("GK-AUDIT-CHECKPOINT-SIG", f"checkpoint signature is not valid for key "
                     f"'{cp['key_id']}' (the checkpoint was altered or forged)", path=shown,
                     hint="use the original checkpoint file")
        return False
    return True
