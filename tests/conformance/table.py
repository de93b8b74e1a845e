"""Print the conformance table of issue #12 (shape, compat, strict, original) as Markdown.

Run from the repository root: python tests/conformance/table.py [--codes]"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE.parent), str(HERE)]

from shapes import INIT_ROWS, OTHER_VECTORS, SHAPES, run_shape  # noqa: E402


def main(argv: list[str]) -> int:
    codes = "--codes" in argv
    print("| Shape | Command | compat | strict | original | Note |")
    print("|---|---|---|---|---|---|")
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n, s in enumerate(SHAPES):
            got = {}
            for prof in ("compat", "strict"):
                verdict, found = run_shape(s, prof, Path(tmp) / f"{n}-{prof}")
                want = getattr(s, prof)
                mark = "" if verdict == want else f" (expected {want})"
                bad += verdict != want
                got[prof] = verdict + mark + (f" `{' '.join(found)}`" if codes else "")
            print(f"| {s.name} | {s.command} | {got['compat']} | {got['strict']} | {s.original} "
                  f"| {s.why} |")
    for name, command, compat, strict, original, note in INIT_ROWS:
        print(f"| {name} | {command} | {compat} | {strict} | {original} | {note} |")
    for name, original, govkit, note in OTHER_VECTORS:
        print(f"| {name} | (other gates) | {govkit} | {govkit} | {original} | {note} |")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
