#!/usr/bin/env python3
"""Follows docs/getting-started.md sections 1 and 2 the way a newcomer would.

Section 1: takes main.cpp, the g++ command line, the sample batch and the
printed output from the page itself, builds main.cpp with that command line
(the compiler and the vendored include directory substituted), runs it on the
sample and on the broken body, and compares with what the page says.

Section 2: runs the page's install commands on the pswire checkout the page
belongs to (the one above docs/), with a temporary prefix in place of
/usr/local, then its CMakeLists.txt and build commands and its pkg-config
commands on the same main.cpp; both programs must print what section 1 says.

usage: check_getting_started.py GETTING_STARTED.md CXX INCLUDE_DIR WORK_DIR [EXTRA_FLAGS]
INCLUDE_DIR holds pswire/pswire.hpp (the single header, or include/).
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

PAGE_PREFIX = "/usr/local"


def block_after(text, marker, language):
    """The first ```language block after `marker`."""
    start = text.index(marker)
    match = re.compile(r"```" + language + r"\n(.*?)```", re.S).search(text, start)
    return match.group(1)


def run_commands(block, cwd, env, cxx, extra):
    """Runs a page's sh block line by line; returns what its ./PROGRAM lines print.

    `export NAME=VALUE` lines set the environment of the lines after them; a
    line starting with g++ gets the compiler under test and the extra flags.
    """
    printed = []
    for line in block.splitlines():
        command = line.split("#", 1)[0].strip()
        if not command:
            continue
        if command.startswith("export "):
            name, value = command[len("export "):].split("=", 1)
            env[name] = value
            continue
        if command.startswith("g++ "):
            command = " ".join([shlex.quote(cxx)] + [shlex.quote(flag) for flag in extra]) + command[len("g++"):]
        program = command.startswith("./")
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, env=env, text=True,
                              stdout=subprocess.PIPE if program else sys.stderr)
        if done.returncode != 0:
            raise SystemExit(f"FAIL: `{line}` exited {done.returncode}")
        if program:
            printed.append(done.stdout)
    return printed


def check_installed_package(page, source, cxx, extra, work, main_cpp, sample, expected):
    """Section 2 with a temporary prefix; returns a list of failures."""
    section = page[page.index("## 2. CMake, installed package"):page.index("## 3.")]
    if work.exists():
        shutil.rmtree(work)
    myapp = work / "myapp"
    myapp.mkdir(parents=True)
    prefix = str(work / "prefix")
    (myapp / "main.cpp").write_text(main_cpp, encoding="utf-8")
    (myapp / "batch.json").write_text(sample, encoding="utf-8")
    (myapp / "CMakeLists.txt").write_text(block_after(section, "**`CMakeLists.txt`**", "cmake"), encoding="utf-8")
    env = dict(os.environ, PSWIRE=str(source), CXX=cxx, CXXFLAGS=" ".join(extra))

    def commands(marker):
        return block_after(section, marker, "sh").replace(PAGE_PREFIX, prefix)

    run_commands(commands("**Install**"), work, env, cxx, extra)
    failures = []
    for name, marker in (("CMake find_package", "**Build and run**"), ("pkg-config", "Or with pkg-config")):
        printed = run_commands(commands(marker), myapp, env, cxx, extra)
        if printed != [expected]:
            failures.append(f"{name} consumer printed:\n{''.join(printed)}expected:\n{expected}")
        if name == "pkg-config":
            # Relocatable: the prefix comes from where pswire.pc is, not from configure time.
            includedir = subprocess.run(["pkg-config", "--variable=includedir", "pswire"], env=env, text=True,
                                        capture_output=True, check=True).stdout.strip()
            if Path(includedir).resolve() != (Path(prefix) / "include").resolve():
                failures.append(f"pswire.pc gives includedir {includedir}, not {prefix}/include")
    return failures


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
    source = Path(sys.argv[1]).resolve().parent.parent
    failures += check_installed_package(page, source, cxx, extra, work / "installed", block_after(section, "**`main.cpp`**", "cpp"),
                                        sample, expected)
    for failure in failures:
        print("FAIL", failure)
    print(f"getting started: {'ok' if not failures else 'FAILED'} ({include})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
