"""`--format github`: GitHub workflow commands a real run prints, one line per finding."""

from __future__ import annotations

from support.outcheck import unsafe_in
from support.repo import git
from support.wsfactory import make_sample

WP = "WP-1-Demo"


def test_post_work_github_commands(repo, gk):
    make_sample(repo)
    for name in ("src/a,b:c.py", "src/100%.py", "src/nl\nx.py"):
        (repo / name).write_text("x\n")
    git(repo, "add", "src")
    p = gk("post-work", WP, "--format", "github", cwd=repo)
    assert p.returncode == 1
    lines = p.stdout.splitlines()
    assert lines[-1].startswith(f"post-work {WP}: FAIL")
    errors = [ln for ln in lines if ln.startswith("::error ")]
    files = {ln.split("file=", 1)[1].split(",", 1)[0] for ln in errors if "file=" in ln}
    assert {"src/a%2Cb%3Ac.py", "src/100%25.py", "src/nl%0Ax.py"} <= files
    assert all(unsafe_in(ln) == [] for ln in lines)
    assert all(ln.startswith(("::error ", "::warning ", "::notice ")) for ln in lines[:-1])


def test_global_github_format_passes(repo, gk):
    make_sample(repo)
    p = gk("--format", "github", "pre-work", WP, cwd=repo)
    lines = p.stdout.splitlines()
    assert p.returncode == 0 and lines[-1].startswith(f"pre-work {WP}: PASS")
    assert all(ln.startswith("::warning ") for ln in lines[:-1])
