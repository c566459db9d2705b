#!/usr/bin/env python3
"""Peer benchmark: Shoal against Faiss (IVF-Flat, HNSW-Flat, exact Flat), hnswlib and usearch.

Run with the benchmark virtual environment (see setup_venv.sh / run.sh):

    Benchmarks/.venv/bin/python Benchmarks/peers/peers.py [--dataset NAME ...] [options]

For every dataset, in one run and on the same machine state, each method is built with the
same number of build threads (--build-threads, default 2, Shoal included) and then searched
with --threads (default 1) over the whole query set, sweeping its search-time knob:

  * Shoal           `shoal eval ... --batch` and one query at a time, nprobe sweep
  * Faiss IVF-Flat  IndexIVFFlat(IndexFlatL2 quantizer), same partition count as Shoal,
                    nprobe sweep, batch (all queries in one call) and one query at a time
  * Faiss HNSW      IndexHNSWFlat(d, 32), efConstruction 40 (default), efSearch sweep
  * hnswlib         M=16, ef_construction=200, ef sweep, one knn_query batch
  * usearch         Index(ndim, metric='l2sq', dtype='f32'), default connectivity,
                    expansion_search sweep, one batch
  * Faiss Flat      exact brute force (reference row: the recall ceiling given ties)

Each peer method runs in a forked child process, so that its RSS measurement starts from a
clean slate and a crash in one library cannot take down the whole run. See README.md for how
every number is computed.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import math
import multiprocessing as mp
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "common"))
from vector_files import read_vecs, recall_at_k  # noqa: E402  (shared with the other benchmark scripts)

# On a shared machine, libgomp's default active spin-waiting makes 2-thread OpenMP builds
# (Faiss k-means and HNSW construction) up to 10x slower whenever another process holds a core.
# Passive waiting avoids that and costs nothing measurable with 1 search thread. Set before any
# OpenMP runtime is loaded (the libraries are imported in the forked children). Override by
# setting OMP_WAIT_POLICY yourself.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent.parent
DEFAULT_DATASETS = ["mnist-test10k-784", "sigmod2024-yfcc-clip100"]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
DEFAULT_SHOAL = REPO_ROOT / ".build" / "release" / "shoal"

FAISS_HNSW_EF = [16, 32, 64, 128, 256]
HNSWLIB_EF = [10, 20, 40, 80, 160, 320]
USEARCH_EF = [16, 32, 64, 128, 256]

ALL_METHODS = ["shoal", "faiss-ivf", "faiss-hnsw", "hnswlib", "usearch", "faiss-flat"]


# --------------------------------------------------------------------------------------------
# Shoal's rules
# --------------------------------------------------------------------------------------------

def shoal_default_partitions(n: int) -> int:
    """Shoal's default base-level partition count for n vectors.

    Mirrors IndexConfiguration.defaultPartitionCount(for:) in Sources/Shoal: round(sqrt(n)),
    capped at n/4 so that partitions average at least four vectors, and 1 below 8 vectors.
    (Swift's `.rounded()` rounds halves away from zero; sqrt(n) is never exactly x.5 for
    integer n, so Python's round() agrees.)
    """
    if n < 8:
        return 1
    root = int(round(math.sqrt(n)))
    return max(1, min(root, n // 4))


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------



@dataclass
class Dataset:
    name: str
    dir: Path
    base: np.ndarray
    queries: np.ndarray
    gt: np.ndarray  # (nq, 100) int32

    @property
    def n(self) -> int:
        return self.base.shape[0]

    @property
    def d(self) -> int:
        return self.base.shape[1]

    @property
    def nq(self) -> int:
        return self.queries.shape[0]

    @property
    def raw_bytes(self) -> int:
        """Raw vectors (float32) plus one 64-bit id per vector: the reference for memory ratios."""
        return self.n * self.d * 4 + self.n * 8


def load_dataset(data_dir: Path, name: str, query_limit: int | None) -> Dataset:
    folder = data_dir / name
    base = read_vecs(folder / "base.fvecs", "float32")
    queries = read_vecs(folder / "query.fvecs", "float32", query_limit)
    gt = read_vecs(folder / "gt100.ivecs", "int32", query_limit)
    if base.shape[1] != queries.shape[1]:
        raise ValueError(f"{name}: base has dimension {base.shape[1]}, queries {queries.shape[1]}")
    if gt.shape[0] < queries.shape[0]:
        raise ValueError(f"{name}: ground truth for {gt.shape[0]} queries, but {queries.shape[0]} queries")
    return Dataset(name, folder, base, queries, gt[: queries.shape[0]])




# --------------------------------------------------------------------------------------------
# Measurement helpers
# --------------------------------------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    """Current resident set size of this process, from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def _malloc_trim() -> None:
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def rss_growth(rss0: int) -> tuple[int, int]:
    """RSS growth since rss_baseline(): (after trimming free heap pages, before trimming).
    The trimmed figure is what the built index keeps resident; the untrimmed one also counts
    build temporaries that were freed but not yet returned to the OS."""
    gc.collect()
    untrimmed = rss_bytes() - rss0
    _malloc_trim()
    return rss_bytes() - rss0, untrimmed


def rss_baseline() -> int:
    """RSS before a build, after handing free heap pages back to the OS. Without the trim, a
    build that reuses memory freed earlier (by the parent process before the fork, or by the
    warm-up) would not show up as RSS growth at all."""
    gc.collect()
    _malloc_trim()
    return rss_bytes()


@dataclass
class Row:
    """One search setting of one method."""
    param: int
    recall: float
    qps: float
    mean_ms: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class MethodResult:
    method: str            # display name, e.g. "Faiss IVF-Flat"
    key: str               # method id, e.g. "faiss-ivf"
    mode: str              # "batch" or "single" (one query at a time)
    param_name: str        # "nprobe", "efSearch", ...
    status: str = "ok"     # ok | missing | failed
    message: str = ""
    build_s: float | None = None
    index_bytes: int | None = None         # the library's own size figure
    index_bytes_source: str = ""
    rss_delta_bytes: int | None = None     # RSS increase around building (free heap trimmed)
    rss_untrimmed_delta_bytes: int | None = None
    rows: list[Row] = field(default_factory=list)
    info: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "rows"}
        out["rows"] = [{**{k: v for k, v in r.__dict__.items() if k != "extra"}, **r.extra} for r in self.rows]
        return out


def time_batch(search: Callable[[], np.ndarray], nq: int, repeat: int) -> tuple[np.ndarray, float]:
    """Best wall time of `repeat` calls of search(); returns (ids of the last call, seconds)."""
    best = math.inf
    ids = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        ids = search()
        best = min(best, time.perf_counter() - t0)
    return ids, best


def time_single(search_one: Callable[[np.ndarray], np.ndarray], queries: list[np.ndarray], k: int,
                repeat: int) -> tuple[np.ndarray, float, np.ndarray]:
    """One query at a time. Wall time of the whole loop (best of `repeat`), and the per-query
    latencies of that best repetition."""
    nq = len(queries)
    best = math.inf
    best_lat = None
    ids = np.full((nq, k), -1, dtype=np.int64)
    lat = np.empty(nq)
    clock = time.perf_counter
    for _ in range(repeat):
        t_start = clock()
        for i, q in enumerate(queries):
            t0 = clock()
            res = search_one(q)
            lat[i] = clock() - t0
            ids[i, : len(res)] = res
        total = clock() - t_start
        if total < best:
            best = total
            best_lat = lat.copy()
    return ids, best, best_lat


def make_row(param: int, ids: np.ndarray, seconds: float, nq: int, gt: np.ndarray, k: int,
             latencies: np.ndarray | None = None) -> Row:
    row = Row(param=param, recall=recall_at_k(ids, gt, k), qps=nq / seconds, mean_ms=1000 * seconds / nq)
    if latencies is not None:
        row.p50_ms = float(np.percentile(latencies, 50) * 1000)
        row.p99_ms = float(np.percentile(latencies, 99) * 1000)
    return row


# --------------------------------------------------------------------------------------------
# Peer methods (each runs inside a forked child)
# --------------------------------------------------------------------------------------------

def warm_up(build: Callable[[np.ndarray], Any], d: int) -> None:
    """Builds and drops a throwaway index on random data, so that thread pools, BLAS buffers and
    allocator arenas exist before the RSS baseline (they are not part of the index)."""
    rng = np.random.default_rng(0)
    junk = rng.standard_normal((2048, d), dtype=np.float32)
    build(junk)
    del junk
    gc.collect()


@dataclass
class Config:
    k: int
    partitions: int
    nprobe: list[int]
    threads: int
    build_threads: int
    repeat: int


def run_faiss_ivf(ds: Dataset, cfg: Config) -> list[MethodResult]:
    import faiss
    faiss.omp_set_num_threads(cfg.build_threads)

    def build(x):
        quantizer = faiss.IndexFlatL2(ds.d)
        index = faiss.IndexIVFFlat(quantizer, ds.d, min(cfg.partitions, x.shape[0] // 39 or 1), faiss.METRIC_L2)
        index.train(x)
        index.add(x)
        index.search(ds.queries[:100], cfg.k)

    warm_up(build, ds.d)
    rss0 = rss_baseline()
    t0 = time.perf_counter()
    quantizer = faiss.IndexFlatL2(ds.d)
    index = faiss.IndexIVFFlat(quantizer, ds.d, cfg.partitions, faiss.METRIC_L2)
    index.train(ds.base)
    index.add(ds.base)
    build_s = time.perf_counter() - t0
    rss_delta, rss_untrimmed = rss_growth(rss0)
    size = int(faiss.serialize_index(index).size)
    info = {"kmeans_niter": int(index.cp.niter), "nlist": int(index.nlist)}

    faiss.omp_set_num_threads(cfg.threads)
    common = dict(method="Faiss IVF-Flat", key="faiss-ivf", param_name="nprobe", build_s=build_s,
                  index_bytes=size, index_bytes_source="faiss.serialize_index", rss_delta_bytes=rss_delta,
                  rss_untrimmed_delta_bytes=rss_untrimmed, info=info)
    batch = MethodResult(mode="batch", **common)
    single = MethodResult(mode="single", **common)
    singles = [ds.queries[i:i + 1] for i in range(ds.nq)]
    for nprobe in cfg.nprobe:
        index.nprobe = nprobe
        ids, secs = time_batch(lambda: index.search(ds.queries, cfg.k)[1], ds.nq, cfg.repeat)
        batch.rows.append(make_row(nprobe, ids, secs, ds.nq, ds.gt, cfg.k))
        ids, secs, lat = time_single(lambda q: index.search(q, cfg.k)[1][0], singles, cfg.k, cfg.repeat)
        single.rows.append(make_row(nprobe, ids, secs, ds.nq, ds.gt, cfg.k, lat))
    return [batch, single]


def run_faiss_hnsw(ds: Dataset, cfg: Config) -> list[MethodResult]:
    import faiss
    faiss.omp_set_num_threads(cfg.build_threads)

    def build(x):
        index = faiss.IndexHNSWFlat(ds.d, 32)
        index.add(x)
        index.search(ds.queries[:100], cfg.k)

    warm_up(build, ds.d)
    rss0 = rss_baseline()
    t0 = time.perf_counter()
    index = faiss.IndexHNSWFlat(ds.d, 32)
    index.add(ds.base)
    build_s = time.perf_counter() - t0
    rss_delta, rss_untrimmed = rss_growth(rss0)
    size = int(faiss.serialize_index(index).size)
    res = MethodResult(method="Faiss HNSW", key="faiss-hnsw", mode="batch", param_name="efSearch",
                       build_s=build_s, index_bytes=size, index_bytes_source="faiss.serialize_index",
                       rss_delta_bytes=rss_delta, rss_untrimmed_delta_bytes=rss_untrimmed,
                       info={"M": 32, "efConstruction": int(index.hnsw.efConstruction)})
    faiss.omp_set_num_threads(cfg.threads)
    for ef in FAISS_HNSW_EF:
        index.hnsw.efSearch = ef
        ids, secs = time_batch(lambda: index.search(ds.queries, cfg.k)[1], ds.nq, cfg.repeat)
        res.rows.append(make_row(ef, ids, secs, ds.nq, ds.gt, cfg.k))
    return [res]


def run_faiss_flat(ds: Dataset, cfg: Config) -> list[MethodResult]:
    import faiss
    faiss.omp_set_num_threads(cfg.build_threads)

    def build(x):
        index = faiss.IndexFlatL2(ds.d)
        index.add(x)
        index.search(ds.queries[:100], cfg.k)

    warm_up(build, ds.d)
    rss0 = rss_baseline()
    t0 = time.perf_counter()
    index = faiss.IndexFlatL2(ds.d)
    index.add(ds.base)
    build_s = time.perf_counter() - t0
    rss_delta, rss_untrimmed = rss_growth(rss0)
    size = int(faiss.serialize_index(index).size)
    res = MethodResult(method="Faiss Flat (exact)", key="faiss-flat", mode="batch", param_name="-",
                       build_s=build_s, index_bytes=size, index_bytes_source="faiss.serialize_index",
                       rss_delta_bytes=rss_delta, rss_untrimmed_delta_bytes=rss_untrimmed)
    faiss.omp_set_num_threads(cfg.threads)
    ids, secs = time_batch(lambda: index.search(ds.queries, cfg.k)[1], ds.nq, cfg.repeat)
    res.rows.append(make_row(0, ids, secs, ds.nq, ds.gt, cfg.k))
    return [res]


def run_hnswlib(ds: Dataset, cfg: Config) -> list[MethodResult]:
    import hnswlib

    def build(x):
        index = hnswlib.Index(space="l2", dim=ds.d)
        index.init_index(max_elements=x.shape[0], ef_construction=200, M=16, random_seed=100)
        index.add_items(x, np.arange(x.shape[0]), num_threads=cfg.build_threads)
        index.knn_query(ds.queries[:100], k=cfg.k, num_threads=cfg.threads)

    warm_up(build, ds.d)
    rss0 = rss_baseline()
    t0 = time.perf_counter()
    index = hnswlib.Index(space="l2", dim=ds.d)
    index.init_index(max_elements=ds.n, ef_construction=200, M=16, random_seed=100)
    index.set_num_threads(cfg.build_threads)
    index.add_items(ds.base, np.arange(ds.n), num_threads=cfg.build_threads)
    build_s = time.perf_counter() - t0
    rss_delta, rss_untrimmed = rss_growth(rss0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "hnswlib.bin")
        index.save_index(path)
        size = os.path.getsize(path)
    res = MethodResult(method="hnswlib", key="hnswlib", mode="batch", param_name="ef", build_s=build_s,
                       index_bytes=size, index_bytes_source="hnswlib save_index file size",
                       rss_delta_bytes=rss_delta, rss_untrimmed_delta_bytes=rss_untrimmed,
                       info={"M": 16, "ef_construction": 200})
    index.set_num_threads(cfg.threads)
    for ef in HNSWLIB_EF:
        index.set_ef(ef)
        ids, secs = time_batch(lambda: index.knn_query(ds.queries, k=cfg.k, num_threads=cfg.threads)[0],
                               ds.nq, cfg.repeat)
        res.rows.append(make_row(ef, ids.astype(np.int64), secs, ds.nq, ds.gt, cfg.k))
    return [res]


def run_usearch(ds: Dataset, cfg: Config) -> list[MethodResult]:
    from usearch.index import Index
    keys = np.arange(ds.n, dtype=np.uint64)

    def build(x):
        index = Index(ndim=ds.d, metric="l2sq", dtype="f32")
        index.add(np.arange(x.shape[0], dtype=np.uint64), x, threads=cfg.build_threads)
        index.search(ds.queries[:100], cfg.k, threads=cfg.threads)

    warm_up(build, ds.d)
    rss0 = rss_baseline()
    t0 = time.perf_counter()
    index = Index(ndim=ds.d, metric="l2sq", dtype="f32")
    index.add(keys, ds.base, threads=cfg.build_threads)
    build_s = time.perf_counter() - t0
    rss_delta, rss_untrimmed = rss_growth(rss0)
    # memory_usage counts reserved-but-untouched capacity (several times the data on small
    # sets), so the serialized length is the figure comparable to the other libraries'.
    res = MethodResult(method="usearch", key="usearch", mode="batch", param_name="expansion",
                       build_s=build_s, index_bytes=int(index.serialized_length),
                       index_bytes_source="usearch Index.serialized_length", rss_delta_bytes=rss_delta,
                       rss_untrimmed_delta_bytes=rss_untrimmed,
                       info={"connectivity": int(index.connectivity), "expansion_add": int(index.expansion_add),
                             "memory_usage": int(index.memory_usage),
                             "hardware_acceleration": str(index.hardware_acceleration)})
    for ef in USEARCH_EF:
        index.expansion_search = ef

        def search():
            m = index.search(ds.queries, cfg.k, threads=cfg.threads)
            ids = m.keys.astype(np.int64)
            ids[ids >= ds.n] = -1  # sentinel for unfilled slots
            return ids

        ids, secs = time_batch(search, ds.nq, cfg.repeat)
        res.rows.append(make_row(ef, ids, secs, ds.nq, ds.gt, cfg.k))
    return [res]


PEERS: dict[str, tuple[str, Callable[[Dataset, Config], list[MethodResult]]]] = {
    "faiss-ivf": ("Faiss IVF-Flat", run_faiss_ivf),
    "faiss-hnsw": ("Faiss HNSW", run_faiss_hnsw),
    "hnswlib": ("hnswlib", run_hnswlib),
    "usearch": ("usearch", run_usearch),
    "faiss-flat": ("Faiss Flat (exact)", run_faiss_flat),
}


def _child(fn, ds, cfg, conn):
    try:
        conn.send(("ok", [r.to_json() for r in fn(ds, cfg)]))
    except BaseException:  # report anything, including KeyboardInterrupt, to the parent
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def from_json(d: dict) -> MethodResult:
    rows = []
    for r in d.pop("rows"):
        base = {k: r.pop(k) for k in ("param", "recall", "qps", "mean_ms", "p50_ms", "p99_ms")}
        rows.append(Row(**base, extra=r))
    return MethodResult(**d, rows=rows)


def run_peer(key: str, ds: Dataset, cfg: Config, timeout: float) -> list[MethodResult]:
    """Runs one peer in a forked child (fresh RSS baseline, crash isolation)."""
    name, fn = PEERS[key]
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, ds, cfg, child))
    proc.start()
    child.close()
    status, payload = "error", f"{name}: child process ended without a result"
    if parent.poll(timeout):
        try:
            status, payload = parent.recv()
        except EOFError:
            pass
    else:
        payload = f"{name}: timed out after {timeout:.0f} s"
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    if status == "ok":
        return [from_json(d) for d in payload]
    if proc.exitcode not in (0, None) and "ended without" in payload:
        payload += f" (exit code {proc.exitcode})"
    return [MethodResult(method=name, key=key, mode="batch", param_name="-", status="failed", message=payload)]


# --------------------------------------------------------------------------------------------
# Shoal (subprocess)
# --------------------------------------------------------------------------------------------

def shoal_version(shoal: Path) -> str | None:
    try:
        out = subprocess.run([str(shoal), "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except Exception:
        return None


def run_shoal(shoal: Path, ds: Dataset, cfg: Config, batch: bool, query_limit: int | None,
              timeout: float) -> MethodResult:
    mode = "batch" if batch else "single"
    res = MethodResult(method="Shoal", key="shoal", mode=mode, param_name="nprobe")
    if not (shoal.is_file() and os.access(shoal, os.X_OK)):
        res.status = "missing"
        res.message = f"shoal executable not found at {shoal}"
        return res
    cmd = [str(shoal), "eval",
           "--base", str(ds.dir / "base.fvecs"), "--queries", str(ds.dir / "query.fvecs"),
           "--ground-truth", str(ds.dir / "gt100.ivecs"),
           "--k", str(cfg.k), "--metric", "l2", "--partitions", str(cfg.partitions),
           "--nprobe", ",".join(map(str, cfg.nprobe)), "--threads", str(cfg.threads),
           "--build-threads", str(cfg.build_threads), "--repeat", str(cfg.repeat), "--json"]
    if batch:
        cmd.append("--batch")
    if query_limit is not None:
        cmd += ["--query-limit", str(query_limit)]
    res.info["command"] = " ".join(cmd)
    # getrusage(RUSAGE_CHILDREN) is cumulative over waited children; fork so each run is alone.
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def target(conn):
        try:
            t0 = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            wall = time.perf_counter() - t0
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
            conn.send(("ok", p.returncode, p.stdout, p.stderr, wall, peak))
        except subprocess.TimeoutExpired:
            conn.send(("timeout", None, "", "", timeout, None))
        except Exception as e:  # noqa: BLE001
            conn.send(("error", None, "", repr(e), 0.0, None))
        finally:
            conn.close()

    proc = ctx.Process(target=target, args=(child,))
    proc.start()
    child.close()
    try:
        kind, rc, stdout, stderr, wall, peak = parent.recv()
    except EOFError:
        kind, rc, stdout, stderr, wall, peak = "error", None, "", "runner process died", 0.0, None
    proc.join()
    res.info["process_wall_s"] = wall
    res.info["process_peak_rss_bytes"] = peak
    if kind != "ok" or rc != 0:
        res.status = "failed"
        tail = "\n".join((stderr or "").strip().splitlines()[-15:])
        res.message = f"shoal eval {'timed out' if kind == 'timeout' else f'exited with {rc}'}: {tail}"
        return res
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        extra = {k: v for k, v in obj.items()
                 if k not in ("nprobe", "recall", "qps", "mean_ms", "p50_ms", "p99_ms")}
        row = Row(param=int(obj["nprobe"]), recall=float(obj["recall"]), qps=float(obj["qps"]),
                  mean_ms=float(obj.get("mean_ms") or 1000.0 / float(obj["qps"])),
                  p50_ms=obj.get("p50_ms"), p99_ms=obj.get("p99_ms"), extra=extra)
        # In batch mode shoal reports batch time / query count as every latency; not a percentile.
        if batch:
            row.p50_ms = row.p99_ms = None
        res.rows.append(row)
        if obj.get("build_s") is not None:
            res.build_s = float(obj["build_s"])
        if obj.get("memory_bytes") is not None:
            res.index_bytes = int(obj["memory_bytes"])
            res.index_bytes_source = "shoal memory_bytes (VectorIndex.memoryFootprint)"
        if obj.get("partitions") is not None:
            res.info["partitions"] = int(obj["partitions"])
    if not res.rows:
        res.status = "failed"
        res.message = "shoal eval printed no JSON lines; stderr: " + "\n".join(stderr.strip().splitlines()[-5:])
    return res


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------

def best_at_recall(res: MethodResult, target: float) -> dict:
    """Best QPS among settings with recall >= target, and the QPS interpolated at exactly
    `target` (log-linear in QPS between the two sweep neighbours that bracket it)."""
    out: dict[str, Any] = {"best_qps": None, "best_param": None, "best_recall": None, "interp_qps": None,
                           "max_recall": max((r.recall for r in res.rows), default=None)}
    ok = [r for r in res.rows if r.recall >= target]
    if ok:
        best = max(ok, key=lambda r: r.qps)
        out.update(best_qps=best.qps, best_param=best.param, best_recall=best.recall)
    rows = sorted(res.rows, key=lambda r: r.param)
    for lo, hi in zip(rows, rows[1:]):
        if lo.recall < target <= hi.recall:
            t = (target - lo.recall) / (hi.recall - lo.recall)
            out["interp_qps"] = math.exp(math.log(lo.qps) + t * (math.log(hi.qps) - math.log(lo.qps)))
            break
    return out


def ratio(a, b):
    return a / b if (a is not None and b not in (None, 0)) else None


def summarize(ds: Dataset, results: list[MethodResult], target: float) -> dict:
    per = {}
    for r in results:
        if r.status == "ok":
            per[f"{r.key}/{r.mode}"] = {"method": r.method, "mode": r.mode, "param_name": r.param_name,
                                        **best_at_recall(r, target),
                                        "build_s": r.build_s, "index_bytes": r.index_bytes}

    def get(key, field_):
        return per.get(key, {}).get(field_)

    by = {f"{r.key}/{r.mode}": r for r in results}
    shoal_b, faiss_b = by.get("shoal/batch"), by.get("faiss-ivf/batch")
    s = {
        "target_recall": target,
        "per_method": per,
        "shoal_status": shoal_b.status if shoal_b else "skipped",
        "qps_ratio_shoal_vs_faiss_ivf_batch": ratio(get("shoal/batch", "best_qps"), get("faiss-ivf/batch", "best_qps")),
        "qps_ratio_shoal_vs_faiss_ivf_batch_interp": ratio(get("shoal/batch", "interp_qps"),
                                                           get("faiss-ivf/batch", "interp_qps")),
        "qps_ratio_shoal_vs_faiss_ivf_single": ratio(get("shoal/single", "best_qps"),
                                                     get("faiss-ivf/single", "best_qps")),
        "build_ratio_shoal_vs_faiss_ivf": ratio(shoal_b.build_s if shoal_b else None,
                                                faiss_b.build_s if faiss_b else None),
        "memory_ratio_shoal_vs_raw": ratio(shoal_b.index_bytes if shoal_b else None, ds.raw_bytes),
        "memory_ratio_faiss_ivf_vs_raw": ratio(faiss_b.index_bytes if faiss_b else None, ds.raw_bytes),
    }
    return s


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def fmt(v, spec: str, none: str = "-") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return none
    return format(v, spec)


def mb(b) -> str:
    return fmt(None if b is None else b / 1e6, ".2f")


HEAD = ["method", "mode", "param", "recall@10", "QPS", "mean ms", "p50 ms", "p99 ms",
        "build s", "index MB", "RSS Δ MB", "index/raw"]


def table_rows(ds: Dataset, results: list[MethodResult]) -> list[list[str]]:
    out = []
    for r in results:
        if r.status != "ok":
            out.append([r.method, r.mode, "", r.status.upper(), "", "", "", "", "", "", "", ""])
            continue
        for i, row in enumerate(r.rows):
            first = i == 0
            out.append([
                r.method if first else "", r.mode if first else "",
                f"{r.param_name}={row.param}" if r.param_name != "-" else "-",
                fmt(row.recall, ".4f"), fmt(row.qps, ",.0f"), fmt(row.mean_ms, ".4f"),
                fmt(row.p50_ms, ".4f"), fmt(row.p99_ms, ".4f"),
                fmt(r.build_s, ".3f") if first else "", mb(r.index_bytes) if first else "",
                mb(r.rss_delta_bytes) if first else "",
                fmt(ratio(r.index_bytes, ds.raw_bytes), ".3f") if first else "",
            ])
    return out


def summary_lines(ds: Dataset, s: dict, results: list[MethodResult]) -> list[tuple[str, str]]:
    t = s["target_recall"]
    lines = []
    for key, p in s["per_method"].items():
        if p["best_qps"] is None:
            val = f"never reaches {t} (max recall {fmt(p['max_recall'], '.4f')})"
        else:
            setting = "exact" if p["param_name"] == "-" else f"{p['param_name']}={p['best_param']}"
            val = (f"best {p['best_qps']:,.0f} QPS ({setting}, recall {p['best_recall']:.4f})"
                   f"; interpolated at {t}: {fmt(p['interp_qps'], ',.0f', 'n/a (first setting already above)')}")
        lines.append((f"{p['method']} [{p['mode']}] QPS at recall ≥ {t}", val))
    status = s["shoal_status"]
    na = "n/a (Shoal missing)" if status == "missing" else ("n/a" if status == "ok" else f"n/a (Shoal {status})")
    lines.append(("Shoal/Faiss-IVF batch QPS at recall ≥ %g (same partitions)" % t,
                  fmt(s["qps_ratio_shoal_vs_faiss_ivf_batch"], ".2f", na) + "×"
                  if s["qps_ratio_shoal_vs_faiss_ivf_batch"] is not None else na))
    lines.append(("  … interpolated at exactly %g" % t,
                  fmt(s["qps_ratio_shoal_vs_faiss_ivf_batch_interp"], ".2f", na) + "×"
                  if s["qps_ratio_shoal_vs_faiss_ivf_batch_interp"] is not None else na))
    lines.append(("Shoal/Faiss-IVF one-at-a-time QPS at recall ≥ %g" % t,
                  fmt(s["qps_ratio_shoal_vs_faiss_ivf_single"], ".2f") + "×"
                  if s["qps_ratio_shoal_vs_faiss_ivf_single"] is not None else na))
    lines.append(("Shoal/Faiss-IVF build time", fmt(s["build_ratio_shoal_vs_faiss_ivf"], ".2f") + "×"
                  if s["build_ratio_shoal_vs_faiss_ivf"] is not None else na))
    lines.append(("Shoal index memory / raw vectors+ids", fmt(s["memory_ratio_shoal_vs_raw"], ".3f")
                  if s["memory_ratio_shoal_vs_raw"] is not None else na))
    lines.append(("Faiss IVF-Flat index memory / raw vectors+ids", fmt(s["memory_ratio_faiss_ivf_vs_raw"], ".3f")))
    for r in results:
        if r.status != "ok":
            lines.append((f"{r.method} [{r.mode}] {r.status}", r.message.strip().splitlines()[-1] if r.message else ""))
    return lines


def text_table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    left = {0, 1, 2}

    def line(cells):
        return "  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(head), "  ".join("-" * w for w in widths)] + [line(r) for r in rows])


def md_table(head: list[str], rows: list[list[str]]) -> str:
    esc = lambda c: c.replace("|", "\\|")  # noqa: E731
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" if i < 3 else "---:" for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def dataset_header(ds: Dataset, cfg: Config) -> str:
    return (f"{ds.name}: {ds.n} × {ds.d} base, {ds.nq} queries, k={cfg.k}, {cfg.partitions} partitions "
            f"(Shoal & Faiss IVF), raw vectors+ids {ds.raw_bytes / 1e6:.2f} MB")


def settings_note(cfg: Config) -> str:
    return (f"Search: {cfg.threads} thread(s) for every method; QPS = queries / wall time over the whole "
            f"query set, best of {cfg.repeat}. Builds: {cfg.build_threads} thread(s) for every method, "
            f"Shoal included (--build-threads {cfg.build_threads}). 'batch' = all queries in one call; "
            f"'single' = one call per query (peers pay Python call overhead there, Shoal does not). "
            f"index MB = the library's own figure (Shoal memory_bytes, Faiss serialize_index, hnswlib saved "
            f"file, usearch serialized_length); RSS Δ = resident-set growth around the build; "
            f"index/raw = index MB / (n·d·4 + n·8). OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}.")


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def parse_int_list(text: str) -> list[int]:
    try:
        vals = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}")
    if not vals:
        raise argparse.ArgumentTypeError("empty list")
    return vals


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--dataset", action="append", metavar="NAME",
                   help=f"dataset folder under --data-dir (repeatable; default: {' '.join(DEFAULT_DATASETS)})")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder holding the dataset folders")
    p.add_argument("--k", type=int, default=10, help="neighbours per query (recall@k)")
    p.add_argument("--partitions", type=int, default=None,
                   help="IVF partitions for Shoal and Faiss IVF (default: Shoal's rule, round(sqrt(n)))")
    p.add_argument("--nprobe", type=parse_int_list, default=[1, 2, 4, 8, 16, 32, 64],
                   help="nprobe values for Shoal and Faiss IVF (values above the partition count are clamped)")
    p.add_argument("--shoal", type=Path, default=DEFAULT_SHOAL, help="path to the shoal executable")
    p.add_argument("--threads", type=int, default=1, help="search threads for every method")
    p.add_argument("--build-threads", type=int, default=2, help="build threads for every method (Shoal included)")
    p.add_argument("--queries", type=int, default=None, metavar="N", help="use only the first N queries")
    p.add_argument("--repeat", type=int, default=3, help="timed repetitions per setting; the fastest is kept")
    p.add_argument("--target-recall", type=float, default=0.95, help="recall level for the summary")
    p.add_argument("--methods", type=lambda s: [x.strip() for x in s.split(",") if x.strip()],
                   default=list(ALL_METHODS), help="comma-separated subset of: " + ",".join(ALL_METHODS))
    p.add_argument("--timeout", type=float, default=900, help="seconds allowed per method and dataset")
    p.add_argument("--json-out", type=Path, help="write all results as JSON here")
    p.add_argument("--markdown-out", type=Path, help="write the tables and summary as Markdown here")
    a = p.parse_args(argv)
    a.dataset = a.dataset or list(DEFAULT_DATASETS)
    bad = [m for m in a.methods if m not in ALL_METHODS]
    if bad:
        p.error(f"unknown method(s) {bad}; choose from {ALL_METHODS}")
    for name in ("k", "threads", "build_threads", "repeat"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if a.queries is not None and a.queries < 1:
        p.error("--queries must be at least 1")
    if a.partitions is not None and a.partitions < 1:
        p.error("--partitions must be at least 1")
    return a


def versions() -> dict:
    out = {"python": platform.python_version()}
    for dist in ("numpy", "faiss-cpu", "hnswlib", "usearch"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = None
    return out


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv=None) -> int:
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args(argv)
    vers = versions()
    missing_libs = [d for d in ("faiss-cpu", "hnswlib", "usearch") if vers[d] is None]
    needed = {"faiss-cpu": ("faiss-ivf", "faiss-hnsw", "faiss-flat"), "hnswlib": ("hnswlib",), "usearch": ("usearch",)}
    if any(m in args.methods for d in missing_libs for m in needed[d]):
        log(f"error: {', '.join(missing_libs)} not importable from {sys.executable}; "
            f"run Benchmarks/peers/setup_venv.sh and use Benchmarks/.venv/bin/python")
        return 2

    shoal = args.shoal.expanduser()
    if not shoal.is_absolute():
        shoal = (Path.cwd() / shoal)
    want_shoal = "shoal" in args.methods
    shoal_present = shoal.is_file() and os.access(shoal, os.X_OK)
    if want_shoal and not shoal_present:
        log(f"NOTE: shoal executable not found at {shoal}.\n"
            f"      Build it with `swift build -c release --product shoal` (or use Benchmarks/peers/run.sh);\n"
            f"      continuing with the peer libraries only; Shoal is marked MISSING.")

    meta = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": platform.node(), "cpu": cpu_model(), "cores": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()), "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "versions": vers, "shoal_path": str(shoal), "data_dir": str(args.data_dir),
        "datasets": args.dataset, "queries_limit": args.queries, "partitions_option": args.partitions,
        "shoal_version": shoal_version(shoal) if want_shoal and shoal_present else None,
        "k": args.k, "threads": args.threads, "build_threads": args.build_threads, "repeat": args.repeat,
        "target_recall": args.target_recall, "methods": args.methods,
        "params": {"faiss_hnsw": {"M": 32, "efConstruction": 40, "efSearch": FAISS_HNSW_EF},
                   "hnswlib": {"M": 16, "ef_construction": 200, "ef": HNSWLIB_EF},
                   "usearch": {"metric": "l2sq", "dtype": "f32", "expansion_search": USEARCH_EF}},
    }
    out_json = {"meta": meta, "datasets": []}
    note = settings_note(Config(args.k, 0, [], args.threads, args.build_threads, args.repeat))
    md: list[str] = ["# Shoal peer benchmark", "",
                     f"{meta['started']} · {meta['cpu']} · {meta['cores']} cores · load average "
                     f"{meta['load_average_at_start'][0]:.2f} at start · "
                     + ", ".join(f"{k} {v}" for k, v in vers.items() if v), "", note, ""]

    print(f"Shoal peer benchmark — {meta['cpu']}, {meta['cores']} cores, load average "
          f"{meta['load_average_at_start'][0]:.2f}; " + ", ".join(f"{k} {v}" for k, v in vers.items() if v))
    print("Settings: " + note)
    load1 = os.getloadavg()[0]
    if load1 > 0.5:
        log(f"NOTE: load average {load1:.2f} at start on {os.cpu_count()} cores; other work will add noise "
            f"(QPS is best of {args.repeat}; build times are single measurements).")
    t_all = time.perf_counter()
    for name in args.dataset:
        try:
            ds = load_dataset(args.data_dir, name, args.queries)
        except (OSError, ValueError) as e:
            log(f"error: cannot load dataset {name} from {args.data_dir}: {e}")
            return 2
        partitions = args.partitions or shoal_default_partitions(ds.n)
        nprobe = sorted({min(v, partitions) for v in args.nprobe if v >= 1})
        cfg = Config(k=args.k, partitions=partitions, nprobe=nprobe, threads=args.threads,
                     build_threads=args.build_threads, repeat=args.repeat)
        log(f"== {dataset_header(ds, cfg)}")
        results: list[MethodResult] = []
        t_ds = time.perf_counter()
        for key in ALL_METHODS:
            if key not in args.methods:
                continue
            t0 = time.perf_counter()
            if key == "shoal":
                log("   Shoal (batch)…")
                results.append(run_shoal(shoal, ds, cfg, True, args.queries, args.timeout))
                if results[-1].status != "missing":
                    log("   Shoal (one query at a time)…")
                    results.append(run_shoal(shoal, ds, cfg, False, args.queries, args.timeout))
                else:
                    results.append(MethodResult(method="Shoal", key="shoal", mode="single", param_name="nprobe",
                                                status="missing", message=results[-1].message))
            else:
                log(f"   {PEERS[key][0]}…")
                results.extend(run_peer(key, ds, cfg, args.timeout))
            log(f"     done in {time.perf_counter() - t0:.1f} s")
            for r in results[-2:]:
                if r.key == key and r.status == "failed":
                    log(f"     FAILED: {r.message.strip()}")
        summary = summarize(ds, results, args.target_recall)

        rows = table_rows(ds, results)
        print()
        print(dataset_header(ds, cfg))
        print(text_table(HEAD, rows))
        print()
        print(f"Summary ({name}):")
        for label, val in summary_lines(ds, summary, results):
            print(f"  {label}: {val}")

        md += [f"## {ds.name}", "", dataset_header(ds, cfg), "", md_table(HEAD, rows), "",
               f"**Summary ({name})**", ""]
        md += [f"- {label.strip()}: {val}" for label, val in summary_lines(ds, summary, results)]
        md.append("")
        out_json["datasets"].append({
            "name": ds.name, "n": ds.n, "d": ds.d, "queries": ds.nq, "partitions": partitions,
            "nprobe": nprobe, "raw_bytes": ds.raw_bytes, "seconds": time.perf_counter() - t_ds,
            "methods": [r.to_json() for r in results], "summary": summary,
        })

    meta["total_seconds"] = time.perf_counter() - t_all
    log(f"total {meta['total_seconds']:.1f} s")

    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(out_json, indent=2) + "\n")
        log(f"wrote {args.json_out}")
    if args.markdown_out:
        args.markdown_out.parent.mkdir(parents=True, exist_ok=True)
        args.markdown_out.write_text("\n".join(md) + "\n")
        log(f"wrote {args.markdown_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
