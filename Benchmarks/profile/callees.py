#!/usr/bin/env python3
"""Benchmarks/profile/callees.py — where the on-CPU samples under one function go.

    perf record -q -F 1000 -g -o perf.data .build/release/shoal workload run ...
    perf script -i perf.data -F ip,sym > stacks.txt
    Benchmarks/profile/callees.py stacks.txt PATTERN [TOP]

Prints how many samples have a frame whose symbol contains PATTERN (the innermost such frame), then
the TOP (default 12) most common (frame called by it, leaf function) pairs under it. Symbols are
Swift-mangled; a distinctive substring such as `6search5batch7options` (VectorIndex.search(batch:))
or `7runPass` (a maintenance pass) is enough. With TOP = 0 only the count is printed.
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


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, pattern = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    with open(path) as file:
        stacks = file.read().split("\n\n")
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
