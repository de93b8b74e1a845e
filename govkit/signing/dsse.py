"""A DSSE envelope over an in-toto Statement v1, signed with an operator's Ed25519 key.

Envelope: {payloadType, payload (base64 of the statement's canonical JSON), signatures:
[{keyid, sig}]}; the signature covers DSSE's pre-authentication encoding (PAE), so the payload
type cannot be swapped. Verification is the caller's policy: which key ids it trusts.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

from govkit.util import canonjson

if TYPE_CHECKING:
    from govkit.workspace import Workspace

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"


def pae(payload_type: str, payload: bytes) -> bytes:
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def statement(subject_name: str, sha256: str, predicate_type: str, predicate: dict) -> dict:
    return {"_type": STATEMENT_TYPE,
            "subject": [{"name": subject_name, "digest": {"sha256": sha256}}],
            "predicateType": predicate_type, "predicate": predicate}


def sign_envelope(private_key, key_id: str, stmt: dict) -> dict:
    payload = canonjson.dumpb(stmt)
    sig = private_key.sign(pae(PAYLOAD_TYPE, payload))
    return {"payloadType": PAYLOAD_TYPE, "payload": base64.b64encode(payload).decode("ascii"),
            "signatures": [{"keyid": key_id, "sig": base64.b64encode(sig).decode("ascii")}]}


def open_envelope(ws: Workspace, env, trusted: list[str]) -> tuple[dict | None, str | None, str]:
    """(statement, key id, problem): the statement when a trusted key's signature verifies,
    else (None, None, what is wrong)."""
    from govkit.errors import GovkitError
    from govkit.signing import keys

    try:
        if env.get("payloadType") != PAYLOAD_TYPE:
            return None, None, f"payloadType is not {PAYLOAD_TYPE}"
        payload = base64.b64decode(env["payload"], validate=True)
        sigs = env["signatures"]
        if not isinstance(sigs, list) or not sigs:
            return None, None, "no signatures"
        stmt = json.loads(payload.decode("utf-8"))
        if not isinstance(stmt, dict):
            return None, None, "payload is not a statement"
    except (AttributeError, KeyError, TypeError, ValueError, RecursionError) as exc:
        return None, None, f"malformed envelope ({str(exc)[:60]})"
    problem = "signed by no trusted key (approvals.trusted_keys)"
    for s in sigs:
        kid = s.get("keyid") if isinstance(s, dict) else None
        if not isinstance(kid, str) or kid not in trusted:
            continue
        try:
            pub = keys.load_public_key(ws, kid)
            sig = base64.b64decode(s.get("sig") or "", validate=True)
        except (GovkitError, ValueError, TypeError) as exc:
            problem = f"key {kid}: {getattr(exc, 'message', exc)}"
            continue
        if keys.verify(pub, sig, pae(PAYLOAD_TYPE, payload)):
            return stmt, kid, ""
        problem = f"the signature by {kid} does not verify (envelope altered)"
    return None, None, problem


def operator_key(ws: Workspace, key_id: str | None = None):
    """(key id, private key) of the operator, or None when no operator key is available here:
    an explicit key id, else the only (or the first trusted) private key whose public key is
    in the repository."""
    from govkit.signing import keys

    if key_id:
        return key_id, keys.load_private_key(key_id)
    d = keys.key_dir()
    ids = sorted(p.name[:-4] for p in d.glob("*.key")) if d.is_dir() else []
    ids = [k for k in ids if keys.public_key_path(ws, k).is_file()]
    trusted = [str(k) for k in ws.config.get("approvals.trusted_keys") or []]
    ids = [k for k in ids if k in trusted] or ids
    if not ids:
        return None
    return ids[0], keys.load_private_key(ids[0])
