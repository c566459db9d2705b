#!/usr/bin/env bash
# Durability measurements reported in docs/durability.md: insert throughput with durability
# against the in-memory index, search latency during inserts, log replay, and the reopen time of
# a 1M × 128 collection. Synthetic clustered data, generated in code (seeded).
#
#   Benchmarks/durability/run.sh            (from anywhere; needs ~3 GB of memory and of disk)
set -euo pipefail
cd "$(dirname "$0")"
scratch=../../.build-bench
# SwiftPM can keep a stale build plan for a path dependency that gained files; start it afresh.
rm -f "$scratch/release.yaml" "$scratch"/*/release/description.json
swift build -c release --scratch-path "$scratch" 2>&1 | tail -1
bench="$scratch/release/durability-bench"
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" throughput
"$bench" latency --rate 0
"$bench" latency --rate 5
"$bench" replay --base 10000 --count 100000
"$bench" replay --base 100000 --count 100000
large="${TMPDIR:-/tmp}/shoal-durability-large-$$"
rm -rf "$large"
"$bench" make "$large" --count 1000000
for _ in 1 2 3; do "$bench" reopen "$large"; done
"$bench" append "$large" --count 100000
"$bench" reopen "$large"
rm -rf "$large"
