"""Operator acts that write: `govkit keys init` (an Ed25519 key pair) and `govkit approve WP`
(a signed approval statement, see govkit.signing.approvals). Each is one transaction."""

from __future__ import annotations

import base64
import json
import re
from typing import TYPE_CHECKING

from govkit.actions.common import commit, refuse_if_failed
from govkit.config import CONFIG_REL
from govkit.errors import GovkitError
from govkit.gates.refinement import check_refinement
from govkit.result import Report
from govkit.signing import keys
from govkit.signing.approvals import (
    approval_rel,
    build_statement,
    canonical,
    check_key_id,
    public_key_rel,
)
from govkit.txn.transaction import transaction
from govkit.util.timeutil import compact_seconds

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def _public_raw(key) -> bytes:
    return key.public_bytes_raw()


def keys_init(ws: Workspace, key_id: str | None = None, trust: bool = False,
              key_dir: str | None = None) -> Report:
    """Generate an Ed25519 key pair (govkit.signing.keys.generate): private key (0600) outside the
    repository (in key_dir when given), public key in .GOV/keys/<key-id>.pub; under the
    workspace lock."""
    if key_dir is None:
        return _keys_init(ws, key_id, trust)
    import os

    path = os.path.abspath(os.path.expanduser(key_dir))
    old = os.environ.get(keys.ENV_DIR)
    os.environ[keys.ENV_DIR] = path  # keys.key_dir() reads it; restored below
    try:
        report = _keys_init(ws, key_id, trust)
    finally:
        if old is None:
            os.environ.pop(keys.ENV_DIR, None)
        else:
            os.environ[keys.ENV_DIR] = old
    if old != path:
        report.next_commands.append(f"export {keys.ENV_DIR}={path}  (so approve, lock and "
                                    "approve-skeleton find the key)")
    return report


def _keys_init(ws: Workspace, key_id: str | None, trust: bool) -> Report:
    import getpass

    report = Report("keys-init")
    if key_id is None:
        user = re.sub(r"[^A-Za-z0-9._-]", "", getpass.getuser() or "operator") or "operator"
        key_id = f"{user}-{compact_seconds()}"
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


def _trust(ws: Workspace, tx, key_id: str, report: Report) -> None:
    path = ws.abs(CONFIG_REL)
    raw = path.read_bytes() if path.exists() else b""
    if re.search(rb"^approvals\s*:", raw, re.MULTILINE):
        report.warn("GK-APPROVAL-TRUST-MANUAL", f"{CONFIG_REL} already has an 'approvals' "
                    f"section: add '{key_id}' to approvals.trusted_keys by hand", CONFIG_REL)
        return
    sep = b"" if not raw or raw.endswith(b"\n") else b"\n"
    tx.write(CONFIG_REL, raw + sep + f"approvals:\n  trusted_keys:\n    - {key_id}\n".encode())


def approve(ws: Workspace, wp: str, key_id: str | None = None) -> Report:
    wp = ws.check_wp_id(wp)
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
    report.next_commands = _after_approve(ws, wp)
    return report


def _after_approve(ws: Workspace, wp: str) -> list[str]:
    """What comes next depends on how far the WP is: unsigned, signed, or prepared."""
    log = ws.gate_log()
    if log.last(wp, "SIGNATURE") is None:
        return [f"govkit record-signature {wp} <signature>  (the operator's one-time token)"]
    if log.last(wp, "PREPARE") is None:
        branch = ws.config.get("branch_template").format(wp=wp)
        return [f"govkit worktree-add {wp}",
                f"govkit record-prepare {wp} <coder-id> --branch {branch}"]
    return [f"govkit create-task-packet {wp} --checkpoint"]


