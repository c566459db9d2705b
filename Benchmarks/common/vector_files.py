"""Vector files and recall for the benchmark scripts (Benchmarks/peers, Benchmarks/workload).

One copy of the readers and of recall@k, so every script reads data and scores results the same
way (and the same way as Shoal: ShoalData's readers and GroundTruth.recall).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


def read_vecs(path: Path, dtype: str, limit: int | None = None) -> np.ndarray:
    """Reads .fvecs (dtype 'float32') or .ivecs ('int32'): per row an int32 d, then d values."""
    raw = np.fromfile(path, dtype=np.int32)
    if raw.size == 0:
        raise ValueError(f"{path} is empty")
    d = int(raw[0])
    if d <= 0 or raw.size % (d + 1) != 0:
        raise ValueError(f"{path}: size {raw.size * 4} bytes does not fit rows of dimension {d}")
    rows = raw.reshape(-1, d + 1)
    if not np.all(rows[:, 0] == d):
        raise ValueError(f"{path}: rows do not all have dimension {d}")
    if limit is not None:
        rows = rows[:limit]
    return np.ascontiguousarray(rows[:, 1:]).view(dtype).copy()


def load_vectors(path: Path) -> np.ndarray:
    """float32 rows from .fvecs, .bvecs or .npy (by extension)."""
    suffix = path.suffix.lower()
    if suffix == ".fvecs":
        return read_vecs(path, "float32")
    if suffix == ".npy":
        return np.ascontiguousarray(np.load(path).astype(np.float32))
    if suffix == ".bvecs":
        raw = np.fromfile(path, dtype=np.uint8)
        d = int(raw[:4].view(np.int32)[0])
        return raw.reshape(-1, d + 4)[:, 4:].astype(np.float32)
    raise ValueError(f"{path}: unsupported extension {suffix} (use .fvecs, .bvecs or .npy)")


def recall_at_k(found: np.ndarray, gt: np.ndarray, k: int) -> float:
    """Mean over queries of |found[:k] ∩ gt[:k]| / |gt[:k] without -1| (as ShoalData's
    GroundTruth.recall; a query whose ground truth is all padding scores 1). With full ground
    truth this is |found[:k] ∩ gt[:k]| / k."""
    found = np.asarray(found, dtype=np.int64)[:, :k]
    truth = np.asarray(gt, dtype=np.int64)[:, :k]
    hits = ((truth[:, :, None] == found[:, None, :]) & (truth[:, :, None] >= 0)).any(axis=2).sum(axis=1)
    expected = (truth >= 0).sum(axis=1)
    per_query = np.where(expected > 0, hits / np.maximum(expected, 1), 1.0)
    return float(per_query.mean()) if len(per_query) else 1.0
