#!/usr/bin/env bash
# Crash-safety trials: the built `shoal` executable inserts or deletes in acknowledged batches
# (`--ack`) and is killed with SIGKILL at seeded random moments; after every kill the reopened
# collection must hold every acknowledged write, each unacknowledged batch entirely or not at all,
# and pass `verify`. The trial logic is Tests/ShoalStoreTests/Faults/KillTrialTests.swift, which
# the test suite runs 50 times; this script runs it TRIALS times (default 500).
#
#   Benchmarks/durability/kill-trials.sh [TRIALS]
set -euo pipefail
cd "$(dirname "$0")/../.."
trials="${1:-500}"
scratch="${SCRATCH_PATH:-.build-store}"
swift build --build-tests --scratch-path "$scratch" 2>&1 | tail -1
SHOAL_KILL_TRIALS="$trials" swift test --skip-build --scratch-path "$scratch" --filter KillTrialTests 2>&1 \
    | grep -E "kill trials:|recorded an issue|Test run" | sed -e 's/^[^a-zA-Z]*//'
