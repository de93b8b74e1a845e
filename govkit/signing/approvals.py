"""Signed approval statements: the operator's decision as an Ed25519 signature, not typed text.

`govkit approve WP` signs a statement
    {format, wp, refinement_path, refinement_sha256, spec, spec_sha256, key_id, created_utc, nonce}
with the operator's private key (kept outside the repository) and stores
    {"statement": {...}, "signature": "<base64>"}
in .GOV/approvals/<WP>.json. The signature covers the canonical JSON of the statement (sorted
keys, no whitespace, UTF-8).

refinement_sha256 is govkit.actions.common.content_sha256: the refinement with its decision
lines (USER_REVIEW_STATUS, USER_SIGNATURE, USER_APPROVAL_EVIDENCE) reduced to their labels, so
the statement stays valid when record-signature fills those lines, and breaks on any other edit.

With approvals.require_signed: true, record-signature, create-task-packet and pre-work call
check_approval(), which adds GK-APPROVAL-* findings unless a statement for exactly this WP, by a
key listed in approvals.trusted_keys (public key in .GOV/keys/<key-id>.pub), verifies over the
current refinement and spec.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report
from govkit.util import canonjson

if TYPE_CHECKING:
    from govkit.workspace import Workspace

FORMAT = "govkit-approval/1"
_FIELDS = ("format", "wp", "refinement_path", "refinement_sha256", "spec", "spec_sha256",
           "key_id", "created_utc", "nonce")


def canonical(statement: dict) -> bytes:
    return canonjson.dumpb(statement, ascii=False)


def approval_rel(ws: Workspace, wp: str) -> str:
    return f"{ws.p('approvals_dir')}/{wp}.json"


def check_key_id(key_id: str) -> str:
    from govkit.signing.keys import check_key_id as check

    return check(key_id)


# ---- key material (govkit.signing.keys) ---------------------------------------------------------------
def public_key_rel(ws: Workspace, key_id: str) -> str:
    return f"{ws.p('keys_dir')}/{check_key_id(key_id)}.pub"


# ---- statements -------------------------------------------------------------------------------
def _spec_facts(ws: Workspace) -> tuple[str | None, str | None]:
    name, spec = ws.current_spec()
    if spec is None:
        return name, None
    return name, hashlib.sha256(spec.doc.raw).hexdigest()


def build_statement(ws: Workspace, wp: str, ref_rel: str, key_id: str) -> dict:
    from govkit.model.refinement import content_sha256
    from govkit.util.timeutil import iso

    spec, spec_sha = _spec_facts(ws)
    return {"format": FORMAT, "wp": wp, "refinement_path": ref_rel,
            "refinement_sha256": content_sha256(ws.abs(ref_rel).read_bytes()),
            "spec": spec or "<unresolved>", "spec_sha256": spec_sha or "<unresolved>",
            "key_id": key_id, "created_utc": iso(), "nonce": secrets.token_hex(16)}


def verify(ws: Workspace, wp: str, ref_rel: str) -> list[tuple[str, str, str | None]]:
    """Problems with the approval of wp over ref_rel: [(code, message, path)], [] when valid."""
    from govkit.model.refinement import content_sha256
    from govkit.util.timeutil import CLOCK_SKEW_TOLERANCE, parse_iso

    rel = approval_rel(ws, wp)
    path = ws.abs(rel)
    if not path.is_file():
        return [("GK-APPROVAL-MISSING", f"no signed approval statement {rel}", rel)]
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
        st = doc["statement"]
        sig = base64.b64decode(doc["signature"], validate=True)
        if not isinstance(st, dict) or any(k not in st for k in _FIELDS):
            raise KeyError("statement fields")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        return [("GK-APPROVAL-INVALID", f"approval statement is malformed ({exc})", rel)]
    if st.get("format") != FORMAT:
        return [("GK-APPROVAL-INVALID", f"unknown statement format {st.get('format')!r}", rel)]
    key_id = str(st.get("key_id"))
    trusted = [str(k) for k in ws.config.get("approvals.trusted_keys") or []]
    if key_id not in trusted:
        return [("GK-APPROVAL-UNTRUSTED", (f"statement is signed by key '{key_id}', which is not "
                 "listed in approvals.trusted_keys"), rel)]
    try:
        pub_rel = public_key_rel(ws, key_id)
    except GovkitError as exc:
        return [("GK-APPROVAL-INVALID", exc.message, rel)]
    from govkit.signing import keys

    if not ws.abs(pub_rel).is_file():
        return [("GK-APPROVAL-KEY", f"public key {pub_rel} of trusted key '{key_id}' is missing",
                 pub_rel)]
    try:
        pub = keys.load_public_key(ws, key_id)
    except GovkitError as exc:
        return [("GK-APPROVAL-KEY", exc.message, pub_rel)]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(pub, Ed25519PublicKey):
        return [("GK-APPROVAL-KEY", f"{pub_rel} is not an Ed25519 public key", pub_rel)]
    if not keys.verify(pub, sig, canonical(st)):
        return [("GK-APPROVAL-SIGNATURE", (f"the signature of {rel} does not verify with key "
                 f"'{key_id}' (statement altered or signed by another key)"), rel)]
    problems = []
    if st.get("wp") != wp:
        problems.append(("GK-APPROVAL-WP", (f"statement approves {st.get('wp')!r}, not {wp} "
                         "(a statement cannot be replayed for another WP)"), rel))
    if not ws.abs(ref_rel).is_file():
        problems.append(("GK-APPROVAL-STALE", f"refinement {ref_rel} is missing", ref_rel))
    elif st.get("refinement_sha256") != content_sha256(ws.abs(ref_rel).read_bytes()):
        problems.append(("GK-APPROVAL-STALE", (f"refinement {ref_rel} changed after it was "
                         "approved (SHA-256 differs)"), ref_rel))
    spec, spec_sha = _spec_facts(ws)
    if st.get("spec") != (spec or "<unresolved>") or st.get("spec_sha256") != (spec_sha or
                                                                               "<unresolved>"):
        problems.append(("GK-APPROVAL-SPEC", (f"statement approves against spec {st.get('spec')} "
                         f"({str(st.get('spec_sha256'))[:12]}), current is {spec} "
                         f"({(spec_sha or '')[:12]})"), rel))
    created = parse_iso(st.get("created_utc"))
    import time

    if created is None:
        problems.append(("GK-APPROVAL-INVALID", "created_utc is not an ISO UTC time", rel))
    elif created.timestamp() - time.time() > CLOCK_SKEW_TOLERANCE:
        problems.append(("GK-APPROVAL-CLOCK", (f"statement is dated in the future "
                         f"({st.get('created_utc')})"), rel))
    return problems


def check_approval(ws: Workspace, wp: str, ref_rel: str, report: Report) -> None:
    """Add GK-APPROVAL-* error findings unless a valid signed statement approves ref_rel."""
    problems = verify(ws, wp, ref_rel)
    for code, msg, path in problems:
        report.error(code, msg, path, None, f"the operator reviews {ref_rel} and runs "
                     f"`govkit approve {wp}` with a trusted key")
    if not problems:
        report.info("GK-APPROVAL-OK", f"signed approval for {wp} verifies", approval_rel(ws, wp))
