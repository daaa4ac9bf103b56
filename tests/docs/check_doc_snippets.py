#!/usr/bin/env python3
"""Compiles and runs every complete program shown in the README and docs/*.md.

A fenced ```cpp block that defines `int main` is a program. It is compiled against the build
tree's headers and libraries and run; if the next fenced block follows a line that is exactly
"Output:", the program's standard output must equal it. Blocks without main (fragments) are
skipped here: snippets.py checks that every block, fragment or program, is the text of the
compiled file (or region of one) its `<!-- snippet: ... -->` marker names.

usage: check_doc_snippets.py --cxx CXX --include DIR [--include DIR...] --work DIR --lib LIB [--lib LIB...] FILE.md...
"""
import argparse
import pathlib
import re
import subprocess
import sys

FENCE = re.compile(r"^```(\w*)\s*$")


def programs(markdown: pathlib.Path):
    """Yields (line number, code, expected output or None) for each program in a file."""
    lines = markdown.read_text().splitlines()
    blocks = []  # (start line, language, text, line before the block)
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            start, lang = i, m.group(1)
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            before = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
            blocks.append((start + 1, lang, "\n".join(lines[start + 1:j]) + "\n", before))
            i = j + 1
        else:
            i += 1
    for n, (line, lang, text, _) in enumerate(blocks):
        if lang != "cpp" or "int main(" not in text:
            continue
        expected = None
        if n + 1 < len(blocks) and blocks[n + 1][3].strip() == "Output:":
            expected = blocks[n + 1][2]
        yield line, text, expected


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--include", required=True, action="append")
    parser.add_argument("--work", required=True)
    parser.add_argument("--lib", action="append", required=True, dest="libs")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    checked = failed = 0
    for name in args.files:
        path = pathlib.Path(name)
        for line, code, expected in programs(path):
            where = f"{path.name}:{line}"
            src = work / f"{path.stem}_{line}.cpp"
            exe = work / f"{path.stem}_{line}"
            src.write_text(code)
            build = subprocess.run(
                [args.cxx, "-std=c++20", "-Wall", "-Wextra", "-Werror",
                 "-Wno-missing-field-initializers", *[f"-I{d}" for d in args.include], str(src), "-o", str(exe),
                 *args.libs, "-pthread"], capture_output=True, text=True)
            checked += 1
            if build.returncode != 0:
                failed += 1
                print(f"FAIL {where}: does not compile\n{build.stderr[:3000]}")
                continue
            run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
            if run.returncode != 0:
                failed += 1
                print(f"FAIL {where}: exit code {run.returncode}\n{run.stdout}{run.stderr}")
            elif expected is not None and run.stdout != expected:
                failed += 1
                print(f"FAIL {where}: output differs\n--- expected\n{expected}--- got\n{run.stdout}")
            else:
                print(f"ok   {where}")
    print(f"{checked - failed} passed, {failed} failed")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
