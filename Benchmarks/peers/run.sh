#!/usr/bin/env bash
# Benchmarks/peers/run.sh — one command for the Shoal peer benchmark.
#
#   Benchmarks/peers/run.sh [peers.py options...]
#
# 1. Runs setup_venv.sh: creates Benchmarks/.venv with pinned numpy, faiss-cpu, hnswlib and
#    usearch if it is missing (quiet and instant when already set up).
# 2. Builds the `shoal` executable in release mode from the repository root:
#        swift build -c release --product shoal
#    (set SKIP_BUILD=1 to use whatever is already in the release bin folder).
# 3. Runs peers.py with the venv's Python, pointing --shoal at the release executable, and passes
#    every argument of this script through (a --shoal given here overrides the default).
#
# Examples:
#   Benchmarks/peers/run.sh                                  # default datasets, full sweep
#   Benchmarks/peers/run.sh --dataset sift5k-ngt --queries 100
#   Benchmarks/peers/run.sh --json-out Benchmarks/results/peers.json \
#                           --markdown-out Benchmarks/results/peers.md
#
# See Benchmarks/peers/README.md for what is measured and how.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PY="${SHOAL_VENV:-$REPO_ROOT/Benchmarks/.venv}/bin/python"

"$SCRIPT_DIR/setup_venv.sh"

cd "$REPO_ROOT"
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "run.sh: swift build -c release --product shoal" >&2
  swift build -c release --product shoal >&2
fi
# SwiftPM keeps .build/release pointing at the release bin folder of the host triple.
exec "$PY" "$SCRIPT_DIR/peers.py" --shoal "$REPO_ROOT/.build/release/shoal" "$@"
