#!/usr/bin/env python3
"""Benchmarks/profile/callees.py — where the on-CPU samples under one function go.

    perf record -q -F 1000 -g -o perf.data .build/release/shoal workload run ...
    perf script -i perf.data -F ip,sym > stacks.txt
    Benchmarks/profile/callees.py stacks.txt PATTERN [TOP]
    Benchmarks/profile/callees.py --inclusive stacks.txt PATTERN [TOP]

Prints how many samples have a frame whose symbol contains PATTERN (the innermost such frame), then
the TOP (default 12) most common (frame called by it, leaf function) pairs under it. Symbols are
Swift-mangled; a distinctive substring such as `6search5batch7options` (VectorIndex.search(batch:))
or `7runPass` (a maintenance pass) is enough. With TOP = 0 only the count is printed.

With --inclusive it prints, for the TOP (default 40) functions called under the outermost frame
matching PATTERN, how many of those samples have that function anywhere on the stack (each
function counted once per sample), e.g. `runChunk` or `CalibrationTrace` under a search.
"""
import collections
import re
import sys


def frames(stack: str) -> list[str]:
    """The symbols of one `perf script -F ip,sym` stack, leaf first."""
    names = []
    for line in stack.strip().split("\n"):
        parts = line.strip().split(" ", 1)
        if parts and parts[0]:
            names.append(parts[1] if len(parts) > 1 else parts[0])
    return names


def inclusive(stacks: list[str], pattern: str, top: int) -> None:
    """Per function below the outermost PATTERN frame: the samples that have it on the stack."""
    counts: collections.Counter[str] = collections.Counter()
    hits = 0
    for stack in stacks:
        names = frames(stack)
        matches = [i for i, name in enumerate(names) if pattern in name]
        if not matches:
            continue
        hits += 1
        # Generic specialisations differ only in a 32-digit hash: count them as one function.
        counts.update({re.sub(r"[0-9A-F]{32}", "", name)[:110] for name in names[: matches[-1]]})
    print(hits)
    for name, count in counts.most_common(top):
        print(count, name)


def main() -> None:
    arguments = sys.argv[1:]
    by_stack = "--inclusive" in arguments
    arguments = [a for a in arguments if a != "--inclusive"]
    if len(arguments) < 2:
        sys.exit(__doc__)
    path, pattern = arguments[0], arguments[1]
    top = int(arguments[2]) if len(arguments) > 2 else (40 if by_stack else 12)
    with open(path) as file:
        stacks = file.read().split("\n\n")
    if by_stack:
        inclusive(stacks, pattern, top)
        return
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    hits = 0
    for stack in stacks:
        names = frames(stack)
        for i, name in enumerate(names):
            if pattern in name:
                hits += 1
                child = names[i - 1] if i > 0 else "(self)"
                counts[(re.sub(r"^\$s\d+", "", child)[:80], re.sub(r"^\$s\d+", "", names[0])[:60])] += 1
                break
    print(hits)
    for (child, leaf), count in counts.most_common(top):
        print(count, child, "→", leaf)


if __name__ == "__main__":
    main()
