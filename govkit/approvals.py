"""Signed approval statements: the operator's decision as an Ed25519 signature, not typed text.

`govkit approve WP` signs a statement
    {format, wp, refinement_path, refinement_sha256, spec, spec_sha256, key_id, created_utc, nonce}
with the operator's private key (kept outside the repository) and stores
    {"statement": {...}, "signature": "<base64>"}
in .GOV/approvals/<WP>.json. The signature covers the canonical JSON of the statement (sorted
keys, no whitespace, UTF-8).

refinement_sha256 is govkit.gates.orchestrator.content_sha256: the refinement with its decision
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
import re
import secrets

from govkit.errors import GovkitError
from govkit.report import Report

FORMAT = "govkit-approval/1"
_FIELDS = ("format", "wp", "refinement_path", "refinement_sha256", "spec", "spec_sha256",
           "key_id", "created_utc", "nonce")


def canonical(statement: dict) -> bytes:
    return json.dumps(statement, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def approval_rel(ws, wp: str) -> str:
    return f"{ws.p('approvals_dir')}/{wp}.json"


def check_key_id(key_id: str) -> str:
    from govkit.keys import check_key_id as check

    return check(key_id)


# ---- key material (govkit.keys) ---------------------------------------------------------------
def public_key_rel(ws, key_id: str) -> str:
    return f"{ws.p('keys_dir')}/{check_key_id(key_id)}.pub"


def _public_raw(key) -> bytes:
    return key.public_bytes_raw()


def keys_init(ws, key_id: str | None = None, trust: bool = False) -> Report:
    """Generate an Ed25519 key pair (govkit.keys.generate): private key (0600) outside the
    repository, public key in .GOV/keys/<key-id>.pub; under the workspace lock."""
    import getpass
    import time

    from govkit import keys
    from govkit.gates.orchestrator import commit
    from govkit.txn import transaction

    report = Report("keys-init")
    if key_id is None:
        user = re.sub(r"[^A-Za-z0-9._-]", "", getpass.getuser() or "operator") or "operator"
        key_id = f"{user}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}"
    check_key_id(key_id)
    pub_rel = public_key_rel(ws, key_id)
    if ws.abs(pub_rel).exists():
        raise GovkitError(f"key id '{key_id}' already exists", path=pub_rel,
                          hint="choose another --key-id")
    with transaction(ws, "keys-init", None) as tx:
        priv_path, _ = keys.generate(ws, key_id)
        if trust:
            _trust(ws, tx, key_id, report)
        commit(ws, tx)
    report.facts.update({"key_id": key_id, "private_key": str(priv_path), "public_key": pub_rel})
    report.info("GK-APPROVAL-KEY-CREATED", f"key {key_id}: private key {priv_path} (mode 0600, "
                f"never commit it), public key {pub_rel}")
    if not trust:
        report.next_commands = [(f"add '{key_id}' to approvals.trusted_keys in .GOV/govkit.yaml "
                                "(or run keys init --trust)")]
    return report


def _trust(ws, tx, key_id: str, report: Report) -> None:
    from govkit.config import CONFIG_REL

    path = ws.abs(CONFIG_REL)
    raw = path.read_bytes() if path.exists() else b""
    if re.search(rb"^approvals\s*:", raw, re.MULTILINE):
        report.warn("GK-APPROVAL-TRUST-MANUAL", f"{CONFIG_REL} already has an 'approvals' "
                    f"section: add '{key_id}' to approvals.trusted_keys by hand", CONFIG_REL)
        return
    sep = b"" if not raw or raw.endswith(b"\n") else b"\n"
    tx.write(CONFIG_REL, raw + sep + f"approvals:\n  trusted_keys:\n    - {key_id}\n".encode())


# ---- statements -------------------------------------------------------------------------------
def _spec_facts(ws) -> tuple[str | None, str | None]:
    from govkit.gates.refinement import resolve_spec

    name, spec = resolve_spec(ws)
    if spec is None:
        return name, None
    return name, hashlib.sha256(spec.doc.raw).hexdigest()


def build_statement(ws, wp: str, ref_rel: str, key_id: str) -> dict:
    from govkit.gates.orchestrator import content_sha256, iso_now

    spec, spec_sha = _spec_facts(ws)
    return {"format": FORMAT, "wp": wp, "refinement_path": ref_rel,
            "refinement_sha256": content_sha256(ws.abs(ref_rel).read_bytes()),
            "spec": spec or "<unresolved>", "spec_sha256": spec_sha or "<unresolved>",
            "key_id": key_id, "created_utc": iso_now(), "nonce": secrets.token_hex(16)}


def approve(ws, wp: str, key_id: str | None = None) -> Report:
    from govkit.gates.orchestrator import commit, refuse_if_failed
    from govkit.gates.refinement import check_refinement
    from govkit.txn import transaction

    wp = ws.check_wp_id(wp)
    from govkit import keys

    key_id = check_key_id(key_id or keys.default_key_id())
    private = keys.load_private_key(key_id)
    report = Report("approve", wp)
    rel = approval_rel(ws, wp)
    with transaction(ws, "approve", wp) as tx:
        log = ws.gate_log()
        rec = log.last(wp, "REFINEMENT") or {}
        ref_rel = str(rec.get("refinement_path") or ws.refinement_rel(wp)).replace("\\", "/")
        ws.safe_path(ref_rel, "refinement path")
        report.merge(check_refinement(ws, wp, ref_rel, require_signature=False,
                                      report=Report("refinement-check", wp)))
        pub = ws.abs(public_key_rel(ws, key_id))
        if not pub.is_file():
            report.error("GK-APPROVAL-KEY", f"public key {public_key_rel(ws, key_id)} is missing",
                         public_key_rel(ws, key_id), None, "govkit keys init writes it")
        else:
            try:
                same = _public_raw(keys.load_public_key(ws, key_id)) == \
                    _public_raw(private.public_key())
            except GovkitError:
                same = False
            if not same:
                report.error("GK-APPROVAL-KEY", f"public key {public_key_rel(ws, key_id)} does "
                             "not match the private key", public_key_rel(ws, key_id))
        refuse_if_failed(ws, report, "approve")
        statement = build_statement(ws, wp, ref_rel, key_id)
        sig = keys.sign(private, canonical(statement))
        doc = {"statement": statement, "signature": base64.b64encode(sig).decode("ascii")}
        tx.write_text(rel, json.dumps(doc, indent=2, sort_keys=True) + "\n")
        commit(ws, tx)
    report.facts.update({"approval": rel, "key_id": key_id,
                         "refinement_sha256": statement["refinement_sha256"]})
    report.info("GK-APPROVAL-SIGNED", f"approval statement for {wp} signed by {key_id}", rel)
    report.next_commands = [f"govkit record-signature {wp} <signature>"]
    return report


def verify(ws, wp: str, ref_rel: str) -> list[tuple[str, str, str | None]]:
    """Problems with the approval of wp over ref_rel: [(code, message, path)], [] when valid."""
    from govkit.gates.orchestrator import CLOCK_SKEW_TOLERANCE, content_sha256, parse_ts

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
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
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
    from govkit import keys

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
    created = parse_ts(st.get("created_utc"))
    import time

    if created is None:
        problems.append(("GK-APPROVAL-INVALID", "created_utc is not an ISO UTC time", rel))
    elif created.timestamp() - time.time() > CLOCK_SKEW_TOLERANCE:
        problems.append(("GK-APPROVAL-CLOCK", (f"statement is dated in the future "
                         f"({st.get('created_utc')})"), rel))
    return problems


def check_approval(ws, wp: str, ref_rel: str, report: Report) -> None:
    """Add GK-APPROVAL-* error findings unless a valid signed statement approves ref_rel."""
    problems = verify(ws, wp, ref_rel)
    for code, msg, path in problems:
        report.error(code, msg, path, None, f"the operator reviews {ref_rel} and runs "
                     f"`govkit approve {wp}` with a trusted key")
    if not problems:
        report.info("GK-APPROVAL-OK", f"signed approval for {wp} verifies", approval_rel(ws, wp))
