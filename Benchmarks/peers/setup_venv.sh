#!/usr/bin/env bash
# Benchmarks/peers/setup_venv.sh
#
# Creates (if missing) the Python virtual environment used by the peer
# benchmark at <repo>/Benchmarks/.venv and installs pinned versions of the
# peer libraries (numpy, faiss-cpu, hnswlib, usearch).
#
# * The repository root is found from this script's own location, so it can
#   be run from any working directory.
# * Idempotent: a stamp file records the pinned set that was installed; when
#   it matches, the script exits immediately and silently.
# * hnswlib 0.8.0 is published on PyPI as a source distribution only, so it is
#   compiled here with the system C++ compiler (g++). Its build dependencies
#   (setuptools, wheel, pybind11, numpy) are pinned and installed first, and
#   hnswlib is then built with --no-build-isolation against them (this avoids
#   pip fetching unpinned build deps into an isolated env on every install).
#
# Environment overrides:
#   PYTHON=python3.11   interpreter used to create the venv (default: python3)
#   SHOAL_VENV=/path    venv location (default: <repo>/Benchmarks/.venv)
#   VERBOSE=1           show pip output
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
VENV="${SHOAL_VENV:-$REPO_ROOT/Benchmarks/.venv}"
PYTHON="${PYTHON:-python3}"

# --- pinned versions -------------------------------------------------------
BUILD_PINS=(
  "setuptools==84.2.1"
  "wheel==0.48.0"
  "pybind11==3.1.0"
)
NUMPY_PIN="numpy==2.4.6"
PINS=(
  "$NUMPY_PIN"
  "faiss-cpu==1.15.1"
  "hnswlib==0.8.0"
  "usearch==2.26.6"
)
# ---------------------------------------------------------------------------

STAMP="$VENV/.shoal-peers-stamp"
WANT="$(printf '%s\n' "${BUILD_PINS[@]}" "${PINS[@]}")"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  exit 0
fi

PIP_Q=(-q)
[[ "${VERBOSE:-0}" == "1" ]] && PIP_Q=()

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "setup_venv: creating virtual environment at $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
# Keep the venv out of git without touching the repository's own .gitignore
# (Python >= 3.13 does this by itself).
[[ -f "$VENV/.gitignore" ]] || printf '*\n' > "$VENV/.gitignore"

PIP=("$VENV/bin/python" -m pip "${PIP_Q[@]}" --disable-pip-version-check)

echo "setup_venv: installing pinned peer libraries (first run compiles hnswlib; takes a few minutes)" >&2
"${PIP[@]}" install "${BUILD_PINS[@]}" "$NUMPY_PIN"
# hnswlib: sdist only; build against the pinned numpy/pybind11 above.
"${PIP[@]}" install --no-build-isolation "${PINS[@]}"

# Smoke check: every library imports.
"$VENV/bin/python" - <<'PY'
import numpy, faiss, hnswlib, usearch.index  # noqa: F401
PY

printf '%s' "$WANT" > "$STAMP"
echo "setup_venv: ready ($VENV)" >&2
