#!/usr/bin/env bash
# Kernel benchmark: Shoal's Swift distance kernels (as dispatched by ShoalKernels.Kernels) versus
# the same algorithms in C with AVX2 intrinsics (Benchmarks/KernelBench). Builds in release, then
# runs; arguments go to kernel-bench, e.g.
#   Benchmarks/kernels.sh                      # table, PASS/FAIL line (exit 1 on FAIL)
#   Benchmarks/kernels.sh --json > out.json    # machine-readable
#   Benchmarks/kernels.sh --isa baseline       # force the Swift side's instruction set (≤ supported)
#   Benchmarks/kernels.sh --dims 128 --reps 9  # fewer dimensions, more samples
# See docs/kernels.md. The machine may be shared: check the "other load" column before trusting
# a ratio, and rerun when it is high.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --package-path Benchmarks/KernelBench >&2
exec Benchmarks/KernelBench/.build/release/kernel-bench "$@"
