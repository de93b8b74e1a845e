"""The lock, read side: a WP's record files and the LOCK (or later AMEND) that says what the
packet's locked content, scope, waivers and merge base are. Every gate that judges a packet
calls check_lock; the waivers and the merge base that count are the lock's, never text that
merely appears in the file (docs/design/records-and-locks.md)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.model.records import FILE_RE, Record, chain_problems, parse_record
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

LOCK_TYPES = ("LOCK", "AMEND")
PREDICATE_LOCK = "https://govkit.dev/lock/v1"


def records_dir(ws: Workspace, wp: str) -> str:
    return f"{ws.p('gov_dir').rstrip('/')}/records/{wp}"


def load_records(ws: Workspace, wp: str, rev: str | None = None,
                 problems: list | None = None) -> list[Record]:
    """The WP's records in file-name order, from the work tree or from git revision `rev`.
    A file that is not a well-formed record is appended to `problems` as (path, problem) when
    a list is given; otherwise it raises GovkitError (exit 2)."""
    d = records_dir(ws, wp)
    found: dict[str, bytes | None] = {}
    if rev is None:
        full = ws.safe_path(d, "record directory")
        if full.is_dir():
            for name in sorted(p.name for p in full.iterdir()):
                p = full / name
                if p.is_symlink() or not p.is_file():
                    found[f"{d}/{name}"] = None
                else:
                    found[f"{d}/{name}"] = p.read_bytes()
    else:
        from govkit.vcs.git import cat_blobs

        listing = ws.git.run("ls-tree", "-z", rev, "--", d + "/", check=False)
        names = []
        for entry in listing.stdout.split(b"\0"):
            if b"\t" not in entry:
                continue
            meta, path = entry.split(b"\t", 1)
            rel = path.decode("utf-8", "surrogateescape")
            if meta.split(b" ")[1:2] != [b"blob"]:
                found[rel] = None
            else:
                names.append(rel)
        blobs = cat_blobs(ws.git, [f"{rev}:{n}" for n in names])
        for n in sorted(names):
            found[n] = blobs.get(f"{rev}:{n}")
    out = []
    for rel in sorted(found):
        raw = found[rel]
        try:
            if raw is None:
                raise ValueError("not a regular file")
            if not FILE_RE.match(posixpath.basename(rel)):
                raise ValueError("not a record file name (NNNN-TYPE.json)")
            out.append(parse_record(raw, rel))
        except ValueError as exc:
            if problems is None:
                raise GovkitError(f"malformed record: {exc}", path=rel,
                                  hint="restore the record directory from git") from None
            problems.append((rel, str(exc)))
    return out


def current_lock(records: list[Record]) -> Record | None:
    return next((r for r in reversed(records) if r.type in LOCK_TYPES), None)


def anchored_state(records: list[Record], start: Record) -> tuple[dict, dict, list[tuple[str, str]]]:
    """The refinement {path, content_sha256} and spec {name, sha1} in force after `start` (a
    LOCK or AMEND): its own, moved by each later REANCHOR whose recorded old hashes are exactly
    the ones in force (a REANCHOR that does not continue from them is a forged link: reported as
    (path, problem), and nothing after it counts)."""
    ref = dict(start.body.get("refinement") or {})
    spec = dict(start.body.get("spec") or {})
    problems: list[tuple[str, str]] = []
    after = False
    for r in records:
        if r is start:
            after = True
            continue
        if not after or r.type != "REANCHOR":
            continue
        rb = r.body.get("refinement") if isinstance(r.body.get("refinement"), dict) else {}
        sb = r.body.get("spec") if isinstance(r.body.get("spec"), dict) else {}
        old_spec, new_spec = sb.get("old"), sb.get("new")
        if rb.get("path") != ref.get("path") or \
                rb.get("old_sha256") != ref.get("content_sha256") or \
                old_spec != {"name": spec.get("name"), "sha1": spec.get("sha1")} or \
                not isinstance(new_spec, dict) or not isinstance(rb.get("new_sha256"), str):
            problems.append((r.path, "REANCHOR does not continue from the refinement and spec "
                             f"in force ({str(ref.get('content_sha256'))[:12]}, "
                             f"{spec.get('name')}): its old hashes are not the lock's"))
            break
        ref = {"path": ref.get("path"), "content_sha256": rb["new_sha256"]}
        spec = {"name": new_spec.get("name"), "sha1": new_spec.get("sha1")}
    return ref, spec, problems


def _normal(raw: bytes) -> str:
    text = raw.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def reanchor_lines(old: bytes, new: bytes) -> list[list]:
    """[line, old text, new text] of every line a reanchor rewrote (LF-normalised, BOM dropped)."""
    a, b = _normal(old).split("\n"), _normal(new).split("\n")
    return [[n, x, y] for n, (x, y) in enumerate(zip(a, b), 1) if x != y]


def reanchor_content_problems(records: list[Record], start: Record,
                              raw: bytes) -> list[tuple[str, str]]:
    """Each REANCHOR after `start` changed only the lines it records (SPEC_TARGET_*, anchor
    windows): walking back from the refinement on disk, putting each REANCHOR's old lines back
    must give exactly its old SHA-256. A REANCHOR written by hand to bless other edits fails."""
    from govkit.model.refinement import content_sha256

    after = records[records.index(start) + 1:] if start in records else []
    text = _normal(raw)
    for r in reversed([r for r in after if r.type == "REANCHOR"]):
        rb = r.body.get("refinement") if isinstance(r.body.get("refinement"), dict) else {}
        if content_sha256(text.encode("utf-8", "surrogateescape")) != rb.get("new_sha256"):
            break    # edited since: reported as a changed refinement
        lines = text.split("\n")
        items = r.body.get("lines")
        ok = isinstance(items, list) and bool(items)
        for item in items if ok else []:
            if not (isinstance(item, list) and len(item) == 3 and type(item[0]) is int and
                    1 <= item[0] <= len(lines) and lines[item[0] - 1] == item[2] and
                    isinstance(item[1], str)):
                ok = False
                break
            lines[item[0] - 1] = item[1]
        text = "\n".join(lines)
        if not ok or content_sha256(text.encode("utf-8", "surrogateescape")) != \
                rb.get("old_sha256"):
            return [(r.path, "REANCHOR changed more of the refinement than its SPEC_TARGET and "
                     "anchor lines (putting its recorded lines back does not give its old "
                     "SHA-256)")]
    return []


def locked_scope(lock: Record) -> tuple[list[str], list[str]]:
    scope = lock.body.get("scope") or {}
    return [str(s) for s in scope.get("in") or []], [str(s) for s in scope.get("out") or []]


def locked_waivers(lock: Record) -> list[dict]:
    return [w for w in lock.body.get("waivers") or [] if isinstance(w, dict)]


def locked_merge_base(lock: Record) -> str:
    return str(lock.body.get("merge_base") or "")


def strict(ws: Workspace) -> bool:
    return ws.config.get("profile") == "strict"


def check_lock(ws: Workspace, wp: str, pkt_rel: str, report: Report,
               records: list[Record] | None = None,
               blame: Callable[[str], str] | None = None) -> Record | None:
    """Recompute the packet's locked content and compare it with the WP's lock. Adds
    GK-LOCK-NONE / -CHAIN / -FOREIGN / -DRIFT / -SIGNATURE findings; returns the lock record
    when it is intact, else None. blame: section name -> text naming the commit that changed
    it (`ci --base`)."""
    problems: list[tuple[str, str]] = []
    if records is None:
        records = load_records(ws, wp, problems=problems)
    problems += chain_problems(records)
    lock = current_lock(records)
    if lock is None and not problems:
        hint = (f"the operator checks the packet and runs `govkit lock {wp}`")
        if strict(ws):
            report.error("GK-LOCK-NONE", f"{wp} has no LOCK record (profile strict)", pkt_rel,
                         None, hint)
        else:
            report.warn("GK-LOCK-NONE", f"{wp} has no LOCK record: its scope, waivers and "
                        "merge base are not protected", pkt_rel, None, hint)
        return None
    for path, problem in problems:
        report.error("GK-LOCK-CHAIN", f"record chain of {wp} is broken: {problem}", path, None,
                     f"restore {records_dir(ws, wp)}/ from git; records are never edited")
    if problems:
        return None
    assert lock is not None
    body = lock.body
    if lock.wp != wp or body.get("packet") != pkt_rel:
        report.error("GK-LOCK-FOREIGN", f"{lock.path} locks {body.get('packet')!r} of "
                     f"{lock.wp!r}, not {pkt_rel} of {wp}", lock.path, None,
                     "a lock cannot be replayed for another packet; restore the records")
        return None
    if not check_envelope(ws, lock, pkt_rel, report):
        return None
    from govkit.model.lockhash import locked_view

    doc = ws.read(pkt_rel)
    _, spec, forged = anchored_state(records, lock)
    for path, problem in forged:
        report.error("GK-LOCK-REANCHOR", f"{path}: {problem}", path, None,
                     f"restore {records_dir(ws, wp)}/ from git; only `govkit reanchor {wp}` "
                     "writes a REANCHOR")
    if forged:
        return None
    view = locked_view(doc.text, body.get("coder_sections") or [], ws.md(pkt_rel))
    if view.sha256 == body.get("locked_sha256"):
        report.facts["lock"] = lock.path
        if spec.get("name") and spec != body.get("spec"):
            report.facts["anchored_spec"] = spec.get("name")
        return lock
    _drift(ws, wp, pkt_rel, lock, view, report, blame)
    return None


def check_envelope(ws: Workspace, lock: Record, pkt_rel: str, report: Report) -> bool:
    env = lock.body.get("envelope")
    trusted = [str(k) for k in ws.config.get("approvals.trusted_keys") or []]
    if env is None:
        if trusted or strict(ws):   # strict: every lock is the operator's, signed
            msg = f"{lock.path} carries no operator signature, and " + \
                ("trusted keys are configured" if trusted else "the profile is strict")
            if strict(ws):
                report.error("GK-LOCK-SIGNATURE", msg, lock.path, None,
                             f"the operator re-locks with a key: govkit amend {lock.wp} ...")
                return False
            report.warn("GK-LOCK-SIGNATURE", msg, lock.path)
        return True
    from govkit.signing.dsse import open_envelope

    stmt, _, problem = open_envelope(ws, env, trusted)
    if stmt is None:
        report.error("GK-LOCK-SIGNATURE", f"{lock.path}: {problem}", lock.path, None,
                     "restore the record from git; only the operator can sign a lock")
        return False
    predicate = {k: v for k, v in lock.body.items() if k != "envelope"}
    subject = (stmt.get("subject") or [{}])[0] if isinstance(stmt.get("subject"), list) else {}
    if stmt.get("predicate") != predicate or \
            stmt.get("predicateType") != f"https://govkit.dev/{lock.type.lower()}/v1" or \
            subject.get("name") != pkt_rel or \
            subject.get("digest") != {"sha256": lock.body.get("locked_sha256")}:
        report.error("GK-LOCK-SIGNATURE", f"{lock.path}: the signed statement does not match "
                     "the record's body (edited after signing, or replayed)", lock.path, None,
                     "restore the record from git")
        return False
    return True


def _first_change(old: list[tuple[int, str]], new: list[tuple[int, str]]):
    """(packet line, old text, new text) of the first differing line."""
    for i in range(max(len(old), len(new))):
        o = old[i][1] if i < len(old) else None
        n = new[i][1] if i < len(new) else None
        if o != n:
            line = new[i][0] if i < len(new) else (new[-1][0] if new else None)
            return line, o, n
    return None, None, None


def _drift(ws: Workspace, wp: str, pkt_rel: str, lock: Record, view, report: Report,
           blame: Callable[[str], str] | None = None) -> None:
    from govkit.model.lockhash import locked_view

    old = locked_view(str(lock.body.get("locked_text") or ""),
                      lock.body.get("coder_sections") or [])
    fix = (f"restore the locked text (undo the edit; {lock.path} holds it as locked_text), or "
           f"ask the operator for `govkit amend {wp}`; only these sections are yours: "
           + ", ".join(lock.body.get("coder_sections") or []))
    locked_secs = lock.body.get("sections") or {}
    names = list(dict.fromkeys([*locked_secs, *view.sections]))
    changed = [n for n in names if locked_secs.get(n) != view.sections.get(n)]
    if not changed:
        changed = names[:1] or ["(top)"]
    for name in changed:
        line, o, n = _first_change(old.parts.get(name, []), view.parts.get(name, []))
        what = ("was removed" if name not in view.sections else
                "was added" if name not in locked_secs else "changed")
        detail = f"; line {line}: locked {o!r}, now {n!r}" if (o, n) != (None, None) else ""
        detail += blame(name) if blame else ""
        report.error("GK-LOCK-DRIFT", f"locked section '{name}' of {pkt_rel} {what} since "
                     f"{lock.type} {posixpath.basename(lock.path)}{detail}", pkt_rel, line, fix)
