"""pre-work reads the spec's lines through the line index in the parse cache; whatever the
cache holds, the verdict is the one computed from the spec alone (GOVKIT_NO_CACHE=1), also
after an edit that keeps the spec's size and modification time."""

from __future__ import annotations

import hashlib
import json
import os

from support.repo import commit_all
from support.wsfactory import edit, make_sample, refinement

WP = "WP-1-Demo"
ON = {"CI": "", "GOVKIT_NO_CACHE": ""}
OFF = {"GOVKIT_NO_CACHE": "1"}


def _verdict(gk, repo, env):
    p = gk("pre-work", WP, "--json", cwd=repo, env=env)
    assert p.returncode in (0, 1), p.stderr
    return p.returncode, sorted((f["code"], f.get("line")) for f in json.loads(p.stdout)["findings"])


def test_a_same_size_same_mtime_spec_edit_is_seen(repo, gk):
    make_sample(repo)
    (spec,) = repo.glob("*_Master_Spec_v*.md")
    old_sha1 = hashlib.sha1(spec.read_bytes()).hexdigest()
    # 600 lines before the anchored rule and 400 after it: several blocks of the index.
    before = "".join(f"filler line {n:04d} before the rules\n" for n in range(600))
    after = "".join(f"filler line {n:04d} after the rules\n" for n in range(400))
    spec.write_text(before + spec.read_text() + after)
    new_sha1 = hashlib.sha1(spec.read_bytes()).hexdigest()
    ref = refinement(repo)
    edit(ref, "- CONTEXT_START_LINE: 4", "- CONTEXT_START_LINE: 604")
    edit(ref, "- CONTEXT_END_LINE: 6", "- CONTEXT_END_LINE: 606")
    edit(ref, old_sha1, new_sha1)
    commit_all(repo, "a longer spec")
    assert _verdict(gk, repo, ON)[0] == 0        # writes the index
    assert _verdict(gk, repo, ON) == _verdict(gk, repo, OFF) == (0, _verdict(gk, repo, OFF)[1])

    # Same size, same mtime: three lines joined before the rule and three split after it,
    # so the anchored lines 604-606 now hold other text.
    st = spec.stat()
    raw = spec.read_bytes()
    for n in (100, 101, 102):
        at = raw.index(b"\nfiller line %04d before" % n)
        raw = raw[:at] + b" " + raw[at + 1:]
    for n in (10, 11, 12):
        at = raw.index(b"filler line %04d after" % n) + len(b"filler")
        raw = raw[:at] + b"\n" + raw[at + 1:]
    spec.write_bytes(raw)
    os.utime(spec, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (spec.stat().st_size, spec.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    cold = _verdict(gk, repo, OFF)
    assert cold[0] == 1 and "GK-REF-TOKEN" in {code for code, _ in cold[1]}
    assert _verdict(gk, repo, ON) == cold
    assert _verdict(gk, repo, ON) == cold         # and again, from the new index
