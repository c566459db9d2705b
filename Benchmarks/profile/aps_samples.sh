#!/usr/bin/env bash
# Benchmarks/profile/aps_samples.sh — on-CPU cost of batched recall-target search, A/B.
#
#   Benchmarks/profile/aps_samples.sh SHOAL_BINARY... [-- DATASET]
#
# For each binary, twice and alternating: `perf record -F 4000` of
#   shoal eval --batch --recall-target 0.9 --repeat 10 --threads 1 --build-threads 1
# on DATASET (default sigmod2024-yfcc-clip100 in ../shared/data), and prints how many samples fall
# inside AdaptiveBatch's rounds (`runChunk`). cpu-clock samples count only time on a CPU, so on a
# shared machine this compares two builds far better than wall-clock QPS does. Needs `perf`.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BINARIES=()
DATASET="sigmod2024-yfcc-clip100"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --) DATASET="$2"; shift 2 ;;
    *) BINARIES+=("$1"); shift ;;
  esac
done
D="${DATA_DIR:-$REPO_ROOT/../shared/data}/$DATASET"
PERF_DATA="$(mktemp)"
trap 'rm -f "$PERF_DATA"' EXIT
for round in 1 2; do
  for binary in "${BINARIES[@]}"; do
    perf record -q -F 4000 -g -o "$PERF_DATA" "$binary" eval --base "$D/base.fvecs" --queries "$D/query.fvecs" \
      --ground-truth "$D/gt100.ivecs" --threads 1 --build-threads 1 --batch --recall-target 0.9 --repeat 10 \
      >/dev/null 2>&1
    samples=$(perf script -i "$PERF_DATA" -F ip,sym 2>/dev/null | awk 'BEGIN{RS="\n\n"} /AdaptiveBatch.*runChunk/{c++} END{print c+0}')
    echo "round $round  $binary  runChunk samples: $samples  load: $(cut -d' ' -f1 /proc/loadavg)"
  done
done
