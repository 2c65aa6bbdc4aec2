#!/usr/bin/env python3
"""Builds compilable translation units from the ```cpp blocks of the docs.

usage: doc_snippets.py OUT_DIR HARNESS...

A harness (tests/consumer/*_snippets.cpp.in) names its document on its first
line, `//@doc PATH` (relative to the repository root), declares what the
document's snippets use, and places every ```cpp block of the document, in
order of appearance, with one of

  //@snippet N        block N (1-based) here, whole
  //@snippet N head   its lines before the first blank line (declarations
  //@snippet N tail   that must be at namespace scope), and the rest

Each block must be placed exactly once (head and tail together count as
once), so a block added to or removed from the document fails the test
until the harness says where it goes: the docs cannot drift from what
compiles. `#line` directives make the compiler report a snippet's errors at
its line in the document. Writes OUT_DIR/NAME.cpp for each NAME_snippets.cpp.in.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BLOCK = re.compile(r"^```cpp\n(.*?)^```", re.S | re.M)
MARKER = re.compile(r"^\s*//@snippet (\d+)(?: (head|tail))?\s*$")


def cpp_blocks(doc):
    """(first line number, text) of each ```cpp block."""
    text = doc.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in BLOCK.finditer(text)]


def part(first_line, text, which):
    """The whole block, or its head / tail around the first blank line."""
    lines = text.splitlines(keepends=True)
    if which is None:
        return first_line, text
    blank = next((i for i, line in enumerate(lines) if not line.strip()), None)
    if blank is None:
        raise SystemExit(f"block at line {first_line} has no blank line to split at")
    if which == "head":
        return first_line, "".join(lines[:blank])
    return first_line + blank + 1, "".join(lines[blank + 1:])


def expand(harness):
    lines = harness.read_text(encoding="utf-8").splitlines(keepends=True)
    doc_directive = re.match(r"//@doc (\S+)", lines[0])
    if not doc_directive:
        raise SystemExit(f"{harness}: the first line must be //@doc PATH")
    doc = ROOT / doc_directive.group(1)
    blocks = cpp_blocks(doc)
    placed = {}
    out = []
    for number, line in enumerate(lines, start=1):
        marker = MARKER.match(line)
        if not marker:
            out.append(line)
            continue
        index, which = int(marker.group(1)), marker.group(2)
        if not 1 <= index <= len(blocks):
            raise SystemExit(f"{harness}:{number}: {doc.name} has {len(blocks)} cpp blocks, not {index}")
        placed.setdefault(index, []).append(which)
        first_line, text = part(*blocks[index - 1], which)
        out.append(f'#line {first_line} "{doc}"\n{text}#line {number + 1} "{harness}"\n')
    for index in range(1, len(blocks) + 1):
        if sorted(placed.get(index, []), key=str) not in ([None], ["head", "tail"]):
            raise SystemExit(f"{harness}: block {index} of {doc.name} (line {blocks[index - 1][0]}) "
                             f"must be placed once, whole or as head and tail; it is placed {placed.get(index, [])}")
    return "".join(out)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    for harness in map(Path, sys.argv[2:]):
        name = harness.name.removesuffix("_snippets.cpp.in")
        (out_dir / f"{name}.cpp").write_text(expand(harness), encoding="utf-8")
        print(out_dir / f"{name}.cpp")


if __name__ == "__main__":
    main()
