#!/usr/bin/env bash
# Benchmarks/workload/run.sh — the dynamic-workload benchmark in one command.
#
#   Benchmarks/workload/run.sh [--dataset NAME | --synthetic] [peers_workload.py run options...]
#
# 1. Creates Benchmarks/.venv with the pinned peer libraries if missing (../peers/setup_venv.sh).
# 2. Builds `shoal` in release mode (SKIP_BUILD=1 skips this).
# 3. Generates the runbook with `shoal workload generate` (once; delete the folder to regenerate):
#      skewed inserts/deletes, uniform queries, 30 % insert / 20 % delete / 50 % query,
#      initial size = half the base set, update batch 100, query batch 100, 200 operations,
#      cluster size 100, seed 1738, ground truth k = 100.
#    With --synthetic it first writes a clustered 1,000,000 × 128 Gaussian mixture
#    (peers_workload.py synthetic; minutes on 2 cores) and uses update batch 10,000, query batch
#    100, 200 operations, cluster size 1,000 for it.
# 4. Replays the runbook against Shoal, Faiss IVF-Flat, hnswlib and usearch (peers_workload.py run),
#    single-threaded, and prints the comparison table.
#
# Environment: DATA_DIR (default <repo>/../shared/data), OUT (default
# <repo>/Benchmarks/results/tmp/workload), GEN_ARGS (extra `shoal workload generate` options).
#
# Examples:
#   Benchmarks/workload/run.sh --dataset sigmod2024-yfcc-clip100
#   Benchmarks/workload/run.sh --dataset mnist-test10k-784 --k 100
#   Benchmarks/workload/run.sh --synthetic --methods shoal,faiss-ivf
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PY="${SHOAL_VENV:-$REPO_ROOT/Benchmarks/.venv}/bin/python"
DATA_DIR="${DATA_DIR:-$REPO_ROOT/../shared/data}"
OUT="${OUT:-$REPO_ROOT/Benchmarks/results/tmp/workload}"
SHOAL="$REPO_ROOT/.build/release/shoal"

DATASET="sigmod2024-yfcc-clip100"
SYNTHETIC=0
PASS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dataset) DATASET="$2"; shift 2 ;;
    --synthetic) SYNTHETIC=1; shift ;;
    *) PASS+=("$1"); shift ;;
  esac
done

"$REPO_ROOT/Benchmarks/peers/setup_venv.sh"
cd "$REPO_ROOT"
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "run.sh: swift build -c release --product shoal" >&2
  swift build -c release --product shoal >&2
fi

if [[ "$SYNTHETIC" == "1" ]]; then
  DATASET="synthetic-gmm-1m-128"
  DS_DIR="$OUT/$DATASET"
  if [[ ! -f "$DS_DIR/base.fvecs" ]]; then
    "$PY" "$SCRIPT_DIR/peers_workload.py" synthetic --out "$DS_DIR" --n 1000000 --d 128 --queries 10000
  fi
  DEFAULT_GEN=(--update-batch 10000 --query-batch 100 --operations 200 --cluster-size 1000)
else
  DS_DIR="$DATA_DIR/$DATASET"
  DEFAULT_GEN=(--update-batch 100 --query-batch 100 --operations 200 --cluster-size 100)
fi

RUNBOOK="$OUT/runbooks/$DATASET"
if [[ ! -f "$RUNBOOK/runbook.json" ]]; then
  # shellcheck disable=SC2086
  "$SHOAL" workload generate --base "$DS_DIR/base.fvecs" --queries "$DS_DIR/query.fvecs" --output "$RUNBOOK" \
    --insert-ratio 0.3 --delete-ratio 0.2 --query-ratio 0.5 --sampling skewed --query-sampling uniform \
    --seed 1738 --k 100 "${DEFAULT_GEN[@]}" ${GEN_ARGS:-}
fi

exec "$PY" "$SCRIPT_DIR/peers_workload.py" run --runbook "$RUNBOOK" --base "$DS_DIR/base.fvecs" \
  --queries "$DS_DIR/query.fvecs" --shoal "$SHOAL" --output "$OUT/results/$DATASET" ${PASS[@]+"${PASS[@]}"}
