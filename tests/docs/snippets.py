#!/usr/bin/env python3
"""Keeps every ```cpp block in the README and docs/*.md equal to the source file it comes from.

Each ```cpp block is preceded (as the last non-blank line before its fence) by a marker naming
its source, relative to the repository root:

    <!-- snippet: examples/thread_pool_fetch_urls.cpp -->
        the whole file after its leading comment block (the run of `//` lines it opens with)
    <!-- snippet: examples/asyncio/asyncio_sleep.cpp#wait_for -->
        the lines between `// [wait_for]` and `// [end wait_for]` in that file, the marker
        lines excluded and their common indentation removed

Region marker lines (`// [name]`, `// [end name]`) never appear in a block: a file may be shown
whole in one place and by regions in others.

    snippets.py --check   fails, naming file and line, when a cpp block has no marker, its marker
                          names a missing file or region, or its text differs from the source
    snippets.py --write   rewrites every block from its source (run it after editing a source)

Both take --root (default: the repository holding this script) and optionally the Markdown files
to look at (default: README.md and docs/*.md). Python 3 standard library only.
"""
import argparse
import difflib
import pathlib
import re
import sys

FENCE = re.compile(r"^```(\S*)\s*$")
MARKER = re.compile(r"^<!--\s*snippet:\s*(?P<path>[^#\s]+)(?:#(?P<region>[\w.-]+))?\s*-->\s*$")
REGION = re.compile(r"^\s*//\s*\[(?P<end>end\s+)?(?P<name>[\w.-]+)\]\s*$")


class SnippetError(Exception):
    pass


def _dedent(lines):
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] if line.strip() else "" for line in lines]


def _trim_blank(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def source_text(root: pathlib.Path, path: str, region):
    """The text a marker names, ending in a newline; raises SnippetError when it does not exist."""
    if pathlib.PurePosixPath(path).is_absolute() or ".." in pathlib.PurePosixPath(path).parts:
        raise SnippetError(f"{path}: must be a path inside the repository, relative to its root")
    file = root / path
    if not file.is_file():
        raise SnippetError(f"{path}: no such file")
    lines = file.read_text().splitlines()
    if region is None:
        i = 0
        while i < len(lines) and lines[i].lstrip().startswith("//"):
            i += 1
        body = [line for line in lines[i:] if not REGION.match(line)]
    else:
        starts = [n for n, line in enumerate(lines)
                  if (m := REGION.match(line)) and m["name"] == region and not m["end"]]
        ends = [n for n, line in enumerate(lines)
                if (m := REGION.match(line)) and m["name"] == region and m["end"]]
        if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
            raise SnippetError(f"{path}: needs exactly one `// [{region}]` followed by one "
                               f"`// [end {region}]` (found {len(starts)} and {len(ends)})")
        body = _dedent([line for line in lines[starts[0] + 1:ends[0]] if not REGION.match(line)])
    body = [line.rstrip() for line in _trim_blank(body)]
    if not body:
        raise SnippetError(f"{path}{'#' + region if region else ''}: is empty")
    return "\n".join(body) + "\n"


def blocks(lines):
    """Yields (fence line index, closing fence index, language, marker match or None, marker index)."""
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        marker = MARKER.match(lines[k]) if k >= 0 else None
        yield i, j, m.group(1), marker, k
        i = j + 1


def process(root: pathlib.Path, md: pathlib.Path, write: bool):
    """Returns (problems, blocks checked, new text or None when nothing changed)."""
    text = md.read_text()
    lines = text.splitlines()
    name = md.relative_to(root) if md.is_relative_to(root) else md
    problems, out, last, count = [], [], 0, 0
    used_markers = set()
    for start, end, lang, marker, k in blocks(lines):
        if marker:
            used_markers.add(k)
        if lang != "cpp":
            if marker:
                problems.append(f"{name}:{k + 1}: a snippet marker must precede a ```cpp block")
            continue
        count += 1
        if not marker:
            problems.append(f"{name}:{start + 1}: ```cpp block without a "
                            f"`<!-- snippet: path[#region] -->` line before it")
            continue
        try:
            want = source_text(root, marker["path"], marker["region"])
        except SnippetError as e:
            problems.append(f"{name}:{k + 1}: {e}")
            continue
        have = "\n".join(lines[start + 1:end]) + "\n" if end > start + 1 else ""
        if have != want:
            if write:
                out.extend(lines[last:start + 1])
                out.extend(want.splitlines())
                last = end
            else:
                diff = "".join(difflib.unified_diff(
                    want.splitlines(True), have.splitlines(True),
                    f"{marker['path']}{'#' + marker['region'] if marker['region'] else ''}",
                    f"{name}:{start + 2}"))
                problems.append(f"{name}:{start + 1}: block differs from its source "
                                f"(run tests/docs/snippets.py --write)\n{diff}")
    for n, line in enumerate(lines):
        if MARKER.match(line) and n not in used_markers:
            problems.append(f"{name}:{n + 1}: snippet marker not followed by a fenced block")
    new = None
    if write and out:
        out.extend(lines[last:])
        new = "\n".join(out) + ("\n" if text.endswith("\n") else "")
    return problems, count, new


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail when a block differs")
    mode.add_argument("--write", action="store_true", help="regenerate every block")
    parser.add_argument("--root", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parents[2])
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    args = parser.parse_args()
    root = args.root.resolve()
    files = [f.resolve() for f in args.files] or [root / "README.md",
                                                   *sorted((root / "docs").glob("*.md"))]
    problems, total = [], 0
    for md in files:
        found, count, new = process(root, md, args.write)
        problems += found
        total += count
        if new is not None:
            md.write_text(new)
            print(f"rewrote {md.relative_to(root) if md.is_relative_to(root) else md}")
    for p in problems:
        print(f"FAIL {p}")
    print(f"{total} cpp blocks in {len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
