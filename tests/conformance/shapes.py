"""The conformance corpus of issue #12: synthetic repositories reproducing each shape of real
post-work and CI states, with the original's documented verdict (kernel-gates.md 9, 11, 12 and
the vectors of section 18) and the verdict expected per profile.

Each shape: prepare(repo) writes the base and the packet (committed: the checkpoint); in strict
the workspace is the one `govkit init --keys` makes (its `profile: strict` config and a trusted
operator key) and the packet is then locked under the operator's signature; change(repo) makes
the work. Scopes list exact files, because the
original compares IN_SCOPE_PATHS by string equality."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from support.postwork import PKT, block, set_manifest, setup, stage, write
from support.repo import commit_all

OLD = "l1\nl2\nl3\nl4\nl5\n"
NEW = "l1\nl2\nX3\nl4\nl5\nl6\n"
PRE = "776174c15d3390b95832eeca21c3e60c9acc8bec"     # vector 1
POST = "7b81a097b2db63596195a2e4cb242de1f5df7108"
EMPTY = "da39a3ee5e6b4b0d3255bfef95601890afd80709"   # SHA-1 of empty content
TICK = "  - [x] all_links_resolvable"
SCOPE = ("src/a.txt", "src/evidence.txt")


def sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


@dataclass
class Shape:
    name: str
    command: str                      # "post-work" or "ci"
    original: str                     # the original's documented verdict
    compat: str
    strict: str
    why: str                          # source of the original's verdict / the difference
    prepare: Callable[[Path], None]
    change: Callable[[Path], None]


def _base(files=None, **kw) -> Callable[[Path], None]:
    def run(repo: Path) -> None:
        kw.setdefault("scope", SCOPE)
        setup(repo, {"src/a.txt": OLD, **(files or {})}, **kw)
    return run


def _edit_packet(old: str, new: str, **kw) -> Callable[[Path], None]:
    def run(repo: Path) -> None:
        _base(**kw)(repo)
        p = repo / PKT
        p.write_text(p.read_text().replace(old, new, 1))
        commit_all(repo, "packet edit")
    return run


def _work(manifest: str, extra: Callable[[Path], None] | None = None,
          commit: bool = False) -> Callable[[Path], None]:
    def run(repo: Path) -> None:
        write(repo, "src/a.txt", NEW)
        if extra:
            extra(repo)
        set_manifest(repo, manifest)
        stage(repo)
        if commit:
            commit_all(repo, "work")
    return run


V1 = block("src/a.txt", 1, 6, 1, PRE, POST, TICK)
FENCED = ("## TEST_PLAN\n- Run the tests:\n  ```bash\n  python -m pytest\npython -m pytest -k one\n"
          "  ```\n\n## WAIVERS GRANTED")
NEARLY = ("**Waiver ID:** CX-573F-2026-01\n**Scope:** docs/x.md\n"
          "**Approver:** operator (chat 2026-01-02)\n**Expiry:** 2999-12-31\n")
PARAGRAPH = ("Operator approved a git hygiene waiver [CX-573F] for this WP because the docs fix "
             "was requested in the same session.\n")
TEMPLATE_WAIVER = ("- (Record any explicit user waivers here per [CX-573F]. Include Waiver ID, "
                   "Date, Scope, Justification, and Approver.)\n")


def _docs(repo: Path) -> None:
    write(repo, "docs/x.md", "d2\n")


DOCS_BLOCK = block("docs/x.md", 1, 1, 0, sha("d\n"), sha("d2\n"), TICK)


def _delete_old(repo: Path) -> None:
    (repo / "src/old.txt").unlink()


def _new_file(repo: Path) -> None:
    write(repo, "src/new.txt", "a\nb\n")


def _ci_base(repo: Path) -> None:
    from support.wsfactory import make_sample

    make_sample(repo)


def _ci_boundary(repo: Path) -> None:
    write(repo, "src/lib.rs", 'const P: &str = ".GOV/task_packets";\n')
    commit_all(repo, "boundary")


def _ci_claim(repo: Path) -> None:
    from support.wsfactory import edit, packet

    edit(packet(repo), "- **Status:** Ready for Dev", "- **Status:** In Progress")
    edit(packet(repo), "- CODER_MODEL: <unclaimed>", "- CODER_MODEL: gpt-5")
    edit(packet(repo), "- CODER_REASONING_STRENGTH: <unclaimed>",
         "- CODER_REASONING_STRENGTH: HIGH (LOW | MEDIUM | HIGH | EXTRA_HIGH)")
    commit_all(repo, "claim")


def _nothing(repo: Path) -> None:
    return None


SHAPES: list[Shape] = [
    Shape("vector 1: staged happy path", "post-work", "PASS", "PASS", "PASS",
          "18.1", _base(), _work(V1)),
    Shape("vector 1: End=5 (hunk outside the window)", "post-work", "FAIL", "FAIL", "FAIL",
          "18.1", _base(), _work(block("src/a.txt", 1, 5, 1, PRE, POST, TICK))),
    Shape("vector 2: wrong Pre-SHA1, WAIVERS holds only template text", "post-work", "PASS",
          "FAIL", "FAIL", "18.2; bypass fix 17.9 (template text never grants a waiver)",
          _base(waivers=TEMPLATE_WAIVER), _work(block("src/a.txt", 1, 6, 1, "0" * 40, POST,
                                                      TICK))),
    Shape("vector 9: EXIT_CODE: `0` in backticks", "post-work", "FAIL", "PASS", "PASS",
          "18.9; defect 17.17 fixed (the template's own format is accepted)",
          _base(evidence="- COMMAND: python -m pytest\n- EXIT_CODE: `0`\n"), _work(V1)),
    Shape("vector 10 / cause 7: clean tree, MERGE_BASE_SHA with a comment", "post-work", "PASS",
          "PASS", "PASS", "18.10: same verdict; govkit reads the SHA (defect 18) and says so",
          _edit_packet("\n\n## SCOPE", " (merge-base at creation)\n\n## SCOPE"),
          _work(V1, commit=True)),
    Shape("cause 1: new file, Pre-SHA1 = SHA-1 of empty content", "post-work", "PASS", "PASS",
          "PASS", "9.9.6: a new file's Pre-SHA1 is never compared",
          _base(scope=SCOPE + ("src/new.txt",)),
          _work(V1 + block("src/new.txt", 1, 2, 2, EMPTY, sha("a\nb\n"), TICK), _new_file)),
    Shape("cause 2: EVIDENCE_MAPPING cites a path with '@'", "post-work", "PASS", "PASS", "PASS",
          "9.6: only the src/app/.GOV citation regex",
          _base({"assets/packs/router_pack@1.json": "{}\n"},
                mapping="- rule 1 -> src/evidence.txt:1\n"
                        "- rule 2 -> `assets/packs/router_pack@1.json:1`\n"), _work(V1)),
    Shape("cause 3: fence in a list item with an under-indented line", "post-work", "PASS",
          "PASS", "PASS", "9.5: line-based reading; govkit warns GK-MD-FENCE",
          _edit_packet("## WAIVERS GRANTED", FENCED), _work(V1)),
    Shape("cause 4: nearly-structured waiver (Waiver ID/Scope/Approver/Expiry)", "post-work",
          "PASS", "PASS", "PASS", "9.4 (CX-573F, no NONE); strict: the locked record counts",
          _base({"docs/x.md": "d\n"}, waivers=NEARLY), _work(V1 + DOCS_BLOCK, _docs)),
    Shape("cause 4: free-text [CX-573F] paragraph with a reason", "post-work", "PASS", "PASS",
          "FAIL", "9.4; compat: legacy waiver with a warning; strict: only locked structured",
          _base({"docs/x.md": "d\n"}, waivers=PARAGRAPH), _work(V1 + DOCS_BLOCK, _docs)),
    Shape("cause 5: window [1, 2000] past the end of the file", "post-work", "PASS", "PASS",
          "FAIL", "9.9.8: hunks only; compat clamps with a warning",
          _base(), _work(block("src/a.txt", 1, 2000, 1, PRE, POST, TICK))),
    Shape("cause 6: deleted file without a manifest entry", "post-work", "PASS", "PASS", "FAIL",
          "9.7: --diff-filter=d; compat warns",
          _base({"src/old.txt": "gone\n"}, scope=SCOPE + ("src/old.txt",)),
          _work(V1, _delete_old)),
    Shape("mutation: wrong Post-SHA1", "post-work", "FAIL", "FAIL", "FAIL", "9.9.7",
          _base(), _work(block("src/a.txt", 1, 6, 1, PRE, PRE, TICK))),
    Shape("mutation: out-of-scope file, no waiver", "post-work", "FAIL", "FAIL", "FAIL", "9.8",
          _base({"docs/x.md": "d\n"}), _work(V1 + DOCS_BLOCK, _docs)),
    Shape("ci: clean sample workspace", "ci", "PASS", "PASS", "PASS", "12.5", _ci_base,
          _nothing),
    Shape("ci: product code references .GOV/", "ci", "FAIL", "FAIL", "FAIL",
          "12.5 step 8 ([CX-211]/[CX-212]); govkit: GK-BOUNDARY", _ci_base, _ci_boundary),
    Shape("ci: CODER_REASONING_STRENGTH holds template text", "ci", "FAIL", "FAIL", "FAIL",
          "11.2 normalisation", _ci_base, _ci_claim),
]

# Section-18 vectors that are not post-work or CI states: covered by the suites named here,
# with the same verdict in both profiles (the differences are bypass fixes).
OTHER_VECTORS = [
    ("vector 3: WP-1-Foo next to WP-1-Foo-v2.md", "reads -v2", "reads WP-1-Foo.md",
     "bypass fix 17.21; tests/e2e/test_prework.py"),
    ("vector 4: refinement with a BOM", "FAIL (2 errors)", "one BOM finding",
     "defect 27; tests/e2e/test_bad_input.py"),
    ("vector 5: sign within 10 s of refine", "FAIL", "FAIL", "tests/e2e/test_signature_rules.py"),
    ("vector 6: validator steps within 5 s; reset on COMMITTED", "FAIL; reset succeeds",
     "FAIL; reset refused", "defect 17.4; tests/e2e/test_validator_gate.py"),
    ("vector 7: CRLF refinement after sign", "lone CR left", "CRLF kept",
     "defect 13; tests/e2e/test_signature_rules.py"),
    ("vector 8: empty USER_SIGNATURE line", "takes the next line", "empty",
     "defect 13; tests/e2e/test_prework.py"),
]


# strict as `govkit init` writes it, before any shape: (shape, command, compat, strict, original,
# note); the verdicts are asserted by the suite named in the note.
INIT_ROWS = [
    ("init, then create-task-packet with no operator key", "create-task-packet",
     "packet created (`init --profile compat`: no config)",
     "exit 2 naming `govkit keys init --trust [--key-dir DIR]`; nothing written",
     "n/a (no init; never signs)", "tests/e2e/test_init_strict.py"),
    ("init --keys, then create-task-packet, lock, pre-work", "pre-work", "PASS", "PASS "
     "(LOCK signed by the trusted operator key)", "n/a", "tests/e2e/test_init_strict.py"),
]


def run_shape(shape: Shape, profile: str, root: Path) -> tuple[str, list[str]]:
    """Build the shape in root (a new directory) and run its command: (verdict, finding codes)."""
    import json

    from support.repo import init_repo, run_govkit

    repo = init_repo(root)
    (repo / "README.md").write_text("test repo\n")
    commit_all(repo, "initial")
    env = None
    key_dir = root.with_name(root.name + "-keys")
    if profile == "strict":
        # strict as `govkit init` writes it: its config, and the operator's trusted key (--keys)
        from support.keys import init_strict

        env = init_strict(repo, key_dir, "op", "--project", "Project")
        commit_all(repo, "govkit init (profile strict, operator key)")
    shape.prepare(repo)
    if profile == "strict" and shape.command == "post-work":
        from support.custody import lock_packet

        lock_packet(repo, key_dir=key_dir)   # operator-signed, as `govkit lock` signs it
        commit_all(repo, "lock")
    shape.change(repo)
    args = ["post-work", "WP-1-Demo"] if shape.command == "post-work" else ["ci"]
    p = run_govkit(*args, "--json", cwd=repo, env=env)
    if p.returncode not in (0, 1):
        return f"exit {p.returncode}", [p.stderr.strip()[-300:]]
    codes = [f"{f['severity'][0]}:{f['code']}" for f in json.loads(p.stdout)["findings"]
             if f["severity"] in ("error", "warning")]
    return ("PASS" if p.returncode == 0 else "FAIL"), codes
