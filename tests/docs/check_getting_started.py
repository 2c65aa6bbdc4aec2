#!/usr/bin/env python3
"""Follows docs/getting-started.md section 1 the way a newcomer would.

Takes main.cpp, the g++ command line, the sample batch and the printed
output from the page itself, builds main.cpp with that command line (the
compiler and the vendored include directory substituted), runs it on the
sample and on the broken body, and compares with what the page says.

usage: check_getting_started.py GETTING_STARTED.md CXX INCLUDE_DIR WORK_DIR [EXTRA_FLAGS]
INCLUDE_DIR holds pswire/pswire.hpp (the single header, or include/).
"""
import re
import shlex
import subprocess
import sys
from pathlib import Path


def block_after(text, marker, language):
    """The first ```language block after `marker`."""
    start = text.index(marker)
    match = re.compile(r"```" + language + r"\n(.*?)```", re.S).search(text, start)
    return match.group(1)


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    page = Path(sys.argv[1]).read_text(encoding="utf-8")
    cxx, include, work = sys.argv[2], sys.argv[3], Path(sys.argv[4])
    extra = shlex.split(sys.argv[5]) if len(sys.argv) == 6 else []
    section = page[page.index("## 1. Vendor"):page.index("## 2.")]
    work.mkdir(parents=True, exist_ok=True)

    (work / "main.cpp").write_text(block_after(section, "**`main.cpp`**", "cpp"), encoding="utf-8")
    build_and_run = block_after(section, "**Build and run**", "sh").splitlines()
    compile_line = shlex.split(next(line for line in build_and_run if line.startswith("g++ ")))
    sample = re.search(r"printf '%s' '(.*)' > batch\.json", "\n".join(build_and_run)).group(1)
    expected = block_after(section, "prints", "")
    broken = re.search(r"a broken body \(`(.*?)`\) prints", section).group(1)
    expected_error = block_after(section, ") prints", "")

    command = [cxx] + ["-I" + include if arg == "-Ithird_party" else arg for arg in compile_line[1:]] + extra
    assert "-I" + include in command, "the page's command line vendors into third_party"
    subprocess.run(command, cwd=work, check=True)
    (work / "batch.json").write_text(sample, encoding="utf-8")
    (work / "broken.json").write_text(broken, encoding="utf-8")

    failures = []
    good = subprocess.run(["./decode_batch", "batch.json"], cwd=work, capture_output=True, text=True)
    if good.returncode != 0 or good.stdout != expected:
        failures.append(f"sample batch: exit {good.returncode}, printed:\n{good.stdout}{good.stderr}expected:\n{expected}")
    bad = subprocess.run(["./decode_batch", "broken.json"], cwd=work, capture_output=True, text=True)
    if bad.returncode != 1 or bad.stderr != expected_error:
        failures.append(f"broken body: exit {bad.returncode}, printed:\n{bad.stderr}expected:\n{expected_error}")
    for failure in failures:
        print("FAIL", failure)
    print(f"getting started: {'ok' if not failures else 'FAILED'} ({include})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
