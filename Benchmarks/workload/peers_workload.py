#!/usr/bin/env python3
"""Replays one dynamic-workload runbook against Shoal, Faiss IVF-Flat, hnswlib and usearch.

Run with the benchmark virtual environment (see run.sh, or Benchmarks/peers/setup_venv.sh):

    Benchmarks/.venv/bin/python Benchmarks/workload/peers_workload.py run \\
        --runbook DIR --base base.fvecs [--queries query.fvecs] [--shoal .build/release/shoal]

    Benchmarks/.venv/bin/python Benchmarks/workload/peers_workload.py synthetic --out DIR

`run` replays the SAME runbook (written by `shoal workload generate`, format in docs/workload.md)
against every system, in one process run, single-threaded (searches and updates):

  * Shoal          `shoal workload run --json --threads 1` (recall target, maintenance as chosen)
  * Faiss IVF-Flat IndexIVFFlat, the same partition count as Shoal's initial index, trained on the
                   initial set, never maintained; add_with_ids / remove_ids (hashtable direct map)
  * hnswlib        M=16, ef_construction=200, allow_replace_deleted; delete = mark_deleted,
                   insert = add_items(replace_deleted=True) under a fresh label
  * usearch        Index(metric='l2sq', dtype='f32'), default connectivity; remove / add under a
                   fresh key

The search knob of each peer (Faiss nprobe, hnswlib ef, usearch expansion_search) is fixed once,
before the replay: the smallest value whose mean recall@k reaches the target on a calibration
sample of the workload's queries (at most --calibration-queries distinct queries that the query
operations use), measured against exact neighbours over the INITIAL resident set. Shoal calibrates
its recall-target search on a sample of the same kind and then adapts per query.

Per system it prints mean / min recall of the query operations, the share of query operations
with recall within target +- tolerance, total search / update / maintenance seconds, and the mean
per-query latency of the query operations in the first and the last tenth of the trace; then the
ratios of Shoal's total time to Faiss's and to hnswlib's.

`synthetic` writes a clustered Gaussian-mixture data set (default 1,000,000 x 128 float32 base
vectors and 10,000 queries from the same mixture, seeded) as base.fvecs / query.fvecs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "common"))
from vector_files import load_vectors, read_vecs, recall_at_k  # noqa: E402  (shared with the other benchmark scripts)

# Passive OpenMP waiting (see Benchmarks/peers/peers.py); set before faiss is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent.parent
DEFAULT_SHOAL = REPO_ROOT / ".build" / "release" / "shoal"
ALL_METHODS = ["shoal", "faiss-ivf", "hnswlib", "usearch"]


# --------------------------------------------------------------------------------------------
# Files (readers and recall@k: Benchmarks/common/vector_files.py)
# --------------------------------------------------------------------------------------------


def write_fvecs_chunk(f, x: np.ndarray) -> None:
    n, d = x.shape
    out = np.empty((n, d + 1), dtype=np.float32)
    out[:, 0] = np.array([d], dtype=np.int32).view(np.float32)[0]
    out[:, 1:] = x
    out.tofile(f)


@dataclass
class Runbook:
    directory: Path
    params: dict
    data: dict
    initial: np.ndarray
    operations: list
    gt: np.ndarray  # (rows, K) int32 base ids, -1 padded

    @property
    def queries_from_base(self) -> bool:
        return bool(self.data["sample_queries"])

    def gt_rows(self, op: dict) -> np.ndarray:
        first = op["gt_row"]
        return self.gt[first:first + len(op["queries"])]

    def final_resident(self) -> np.ndarray:
        resident = set(self.initial.tolist())
        for op in self.operations:
            if op["type"] == "insert":
                resident.update(op["ids"])
            elif op["type"] == "delete":
                resident.difference_update(op["ids"])
        return np.array(sorted(resident), dtype=np.int64)


def load_runbook(directory: Path) -> Runbook:
    with open(directory / "runbook.json") as f:
        book = json.load(f)
    if book.get("format") != "shoal-workload-runbook" or book.get("version") != 1:
        raise ValueError(f"{directory}/runbook.json is not a version-1 shoal workload runbook")
    info = book["ground_truth"]
    gt = read_vecs(directory / info["file"], "int32") if info["rows"] > 0 else np.zeros((0, info["k"]), np.int32)
    if gt.shape != (info["rows"], info["k"]):
        raise ValueError(f"{directory}/{info['file']} holds {gt.shape}, runbook.json expects ({info['rows']}, {info['k']})")
    return Runbook(directory, book["parameters"], book["data"], np.array(book["initialize"]["ids"], dtype=np.int64),
                   book["operations"], gt)




def exact_neighbours(base: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    import faiss
    flat = faiss.IndexFlatL2(base.shape[1])
    flat.add(base[ids])
    _, rows = flat.search(queries, min(k, len(ids)))
    return np.where(rows >= 0, ids[np.maximum(rows, 0)], -1)


# --------------------------------------------------------------------------------------------
# Systems
# --------------------------------------------------------------------------------------------

@dataclass
class OpRow:
    op: int
    type: str
    size: int
    latency_ms: float
    recall: float | None = None
    maintenance_ms: float = 0.0


@dataclass
class SystemResult:
    name: str
    knob: str = ""
    status: str = "ok"
    message: str = ""
    build_s: float = 0.0
    tune_s: float = 0.0
    rows: list = field(default_factory=list)
    info: dict = field(default_factory=dict)

    def summary(self, target: float | None, tolerance: float) -> dict:
        queries = [r for r in self.rows if r.type == "query"]
        recalls = [r.recall for r in queries if r.recall is not None]
        search = sum(r.latency_ms for r in queries) / 1000
        update = sum(r.latency_ms for r in self.rows if r.type != "query") / 1000
        maint = sum(r.maintenance_ms for r in self.rows) / 1000
        tenth = max(1, math.ceil(len(self.rows) / 10))

        def per_query(rows, how=np.mean):
            q = [r.latency_ms / r.size for r in rows if r.type == "query" and r.size > 0]
            return float(how(q)) if q else None

        first, last = per_query(self.rows[:tenth]), per_query(self.rows[-tenth:])
        first_median, last_median = per_query(self.rows[:tenth], np.median), per_query(self.rows[-tenth:], np.median)
        # Query operations slower than 3x the median query operation (for Shoal: mostly the first
        # search after a restructuring, which recalibrates recall-target search).
        lat = np.array([r.latency_ms for r in queries]) if queries else np.zeros(0)
        slow = lat[lat > 3 * np.median(lat)] if len(lat) else lat
        within = None
        if target is not None and recalls:
            within = sum(abs(r - target) <= tolerance + 1e-12 for r in recalls) / len(recalls)
        return {
            "system": self.name, "knob": self.knob, "status": self.status, "message": self.message,
            "query_ops": len(queries), "mean_recall": float(np.mean(recalls)) if recalls else None,
            "min_recall": min(recalls) if recalls else None, "max_recall": max(recalls) if recalls else None,
            "within_target_share": within, "search_s": search, "update_s": update, "maintenance_s": maint,
            "total_s": search + update + maint, "first_tenth_query_ms": first, "last_tenth_query_ms": last,
            "last_to_first": (last / first) if first and last else None,
            "first_tenth_median_query_ms": first_median, "last_tenth_median_query_ms": last_median,
            "last_to_first_median": (last_median / first_median) if first_median and last_median else None,
            "slow_query_ops": int(len(slow)), "slow_query_ops_s": float(slow.sum() / 1000), "build_s": self.build_s,
            "tune_s": self.tune_s, **self.info,
        }


def run_shoal(args, book: Runbook, out_dir: Path) -> SystemResult:
    command = [str(args.shoal), "workload", "run", "--runbook", str(args.runbook), "--base", str(args.base),
               "--output", str(out_dir / "shoal"), "--threads", str(args.threads), "--json", "--k", str(args.k),
               "--maintenance", args.maintenance, "--calibration-queries", str(args.calibration_queries),
               "--tolerance", str(args.tolerance)]
    if args.queries:
        command += ["--queries", str(args.queries)]
    if args.nprobe:
        command += ["--nprobe", str(args.nprobe)]
    else:
        command += ["--recall-target", str(args.recall_target)]
    if args.partitions:
        command += ["--partitions", str(args.partitions)]
    command += args.shoal_arg or []
    res = SystemResult("Shoal", knob=f"recall target {args.recall_target}" if not args.nprobe else f"nprobe {args.nprobe}")
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        res.status, res.message = "failed", (proc.stderr.strip() or proc.stdout.strip())[-500:]
        return res
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    res.build_s = out["build_s"]
    res.tune_s = out["calibration_s"]
    res.info = {"initial_partitions": out["initial_partitions"], "final_partitions": out["final_partitions"],
                "splits": out["splits"], "merges": out["merges"], "final_ids_match": out["final_ids_match"],
                "maintenance": out["maintenance"]}
    for r in out["per_operation"]:
        res.rows.append(OpRow(r["op"], r["type"], r["size"], r["latency_ms"], r["recall"], r["maintenance_ms"]))
    return res


class Peer:
    """A peer index replayed under base ids; subclasses map them to their own labels."""
    name = ""
    knob = ""

    def build(self, base, ids): ...
    def insert(self, vectors, ids): ...
    def delete(self, ids): ...
    def search(self, queries, k) -> np.ndarray: ...
    def set_knob(self, value): ...
    def knob_values(self, k): ...


class FaissIVF(Peer):
    name, knob = "Faiss IVF-Flat", "nprobe"

    def __init__(self, nlist: int):
        self.nlist = nlist

    def build(self, base, ids):
        import faiss
        d = base.shape[1]
        self.quantizer = faiss.IndexFlatL2(d)
        self.index = faiss.IndexIVFFlat(self.quantizer, d, self.nlist, faiss.METRIC_L2)
        self.index.train(base)
        try:
            self.index.set_direct_map_type(faiss.DirectMap.Hashtable)
            self.direct_map = "hashtable"
        except Exception:  # older Faiss: remove_ids scans every list instead
            self.direct_map = "none"
        self.index.add_with_ids(base, ids.astype(np.int64))

    def insert(self, vectors, ids):
        self.index.add_with_ids(vectors, ids.astype(np.int64))

    def delete(self, ids):
        removed = self.index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64))
        if removed != len(ids):
            raise RuntimeError(f"Faiss removed {removed} of {len(ids)} ids")

    def search(self, queries, k):
        return self.index.search(queries, k)[1]

    def set_knob(self, value):
        self.index.nprobe = int(value)

    def knob_values(self, k):
        return list(range(1, self.nlist + 1))


class Hnswlib(Peer):
    name, knob = "hnswlib", "ef"

    def __init__(self, capacity: int):
        self.capacity = capacity

    def build(self, base, ids):
        import hnswlib
        self.index = hnswlib.Index(space="l2", dim=base.shape[1])
        self.index.init_index(max_elements=self.capacity, ef_construction=200, M=16, random_seed=100,
                              allow_replace_deleted=True)
        self.index.set_num_threads(1)
        self.labels = {}  # base id -> label
        self.base_of = np.full(self.capacity, -1, dtype=np.int64)  # label -> base id
        self.next_label = 0
        self.insert(base, ids)

    def _fresh(self, ids):
        labels = np.arange(self.next_label, self.next_label + len(ids), dtype=np.int64)
        self.next_label += len(ids)
        for i, label in zip(ids.tolist(), labels.tolist()):
            self.labels[i] = label
        self.base_of[labels] = ids
        return labels

    def insert(self, vectors, ids):
        self.index.add_items(vectors, self._fresh(ids), num_threads=1, replace_deleted=True)

    def delete(self, ids):
        for i in ids.tolist():
            self.index.mark_deleted(self.labels.pop(i))

    def search(self, queries, k):
        labels, _ = self.index.knn_query(queries, k=k, num_threads=1)
        return self.base_of[labels.astype(np.int64)]

    def set_knob(self, value):
        self.index.set_ef(int(value))

    def knob_values(self, k):
        return sorted({max(k, v) for v in [10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160,
                                           192, 224, 256, 320, 384, 448, 512, 640, 768, 1024, 1536, 2048]})


class USearch(Peer):
    name, knob = "usearch", "expansion_search"

    def build(self, base, ids):
        from usearch.index import Index
        self.index = Index(ndim=base.shape[1], metric="l2sq", dtype="f32")
        self.keys = {}
        self.base_of = {}
        self.next_key = 0
        self.insert(base, ids)

    def insert(self, vectors, ids):
        keys = np.arange(self.next_key, self.next_key + len(ids), dtype=np.uint64)
        self.next_key += len(ids)
        for i, key in zip(ids.tolist(), keys.tolist()):
            self.keys[i] = key
            self.base_of[key] = i
        self.index.add(keys, vectors, threads=1)

    def delete(self, ids):
        keys = np.array([self.keys.pop(i) for i in ids.tolist()], dtype=np.uint64)
        self.index.remove(keys)
        for key in keys.tolist():
            self.base_of.pop(key, None)

    def search(self, queries, k):
        m = self.index.search(queries, k, threads=1)
        keys = np.asarray(m.keys).astype(np.int64)
        counts = np.asarray(m.counts)
        out = np.full(keys.shape, -1, dtype=np.int64)
        lookup = self.base_of
        for q in range(keys.shape[0]):
            for j in range(int(counts[q])):
                out[q, j] = lookup.get(int(keys[q, j]), -1)
        return out

    def set_knob(self, value):
        self.index.expansion_search = int(value)

    def knob_values(self, k):
        return [16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512, 768, 1024, 1536, 2048]


def choose_knob(peer: Peer, calib_queries, calib_gt, k, target) -> tuple[int, float]:
    """Smallest knob value whose mean recall@k on the calibration sample reaches the target
    (binary search over the ascending candidates, recall assumed non-decreasing in the knob)."""
    values = peer.knob_values(k)
    cache = {}

    def recall(i):
        if i not in cache:
            peer.set_knob(values[i])
            cache[i] = recall_at_k(peer.search(calib_queries, k), calib_gt, k)
        return cache[i]

    lo, hi = 0, len(values) - 1
    if recall(hi) < target:
        peer.set_knob(values[hi])
        return values[hi], recall(hi)
    while lo < hi:
        mid = (lo + hi) // 2
        if recall(mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    peer.set_knob(values[lo])
    return values[lo], recall(lo)


def run_peer(peer: Peer, args, book: Runbook, base, queries, calib_idx) -> SystemResult:
    res = SystemResult(peer.name)
    k = args.k
    try:
        t0 = time.perf_counter()
        peer.build(base[book.initial], book.initial)
        res.build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        calib_q = queries[calib_idx]
        calib_gt = exact_neighbours(base, book.initial, calib_q, k)
        if args.nprobe and isinstance(peer, FaissIVF):
            value, r = args.nprobe, None
            peer.set_knob(value)
        else:
            value, r = choose_knob(peer, calib_q, calib_gt, k, args.recall_target)
        res.tune_s = time.perf_counter() - t0
        res.knob = f"{peer.knob} {value}" + (f" (calibration recall {r:.3f})" if r is not None else "")
        res.info = {peer.knob: value, "calibration_recall": r}
        if isinstance(peer, FaissIVF):
            res.info["nlist"] = peer.nlist
            res.info["direct_map"] = peer.direct_map
        clock = time.perf_counter
        for op in book.operations:
            kind = op["type"]
            if kind == "query":
                q = queries[np.asarray(op["queries"], dtype=np.int64)]
                t0 = clock()
                found = peer.search(q, k)
                dt = clock() - t0
                res.rows.append(OpRow(op["index"], kind, len(q), dt * 1000, recall_at_k(found, book.gt_rows(op), k)))
            else:
                ids = np.asarray(op["ids"], dtype=np.int64)
                if kind == "insert":
                    v = base[ids]
                    t0 = clock()
                    peer.insert(v, ids)
                else:
                    t0 = clock()
                    peer.delete(ids)
                dt = clock() - t0
                res.rows.append(OpRow(op["index"], kind, len(ids), dt * 1000))
    except Exception as error:  # report, keep the other systems
        res.status, res.message = "failed", f"{type(error).__name__}: {error}"
    return res


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def fmt(value, digits=3):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown_table(summaries: list[dict], target, tolerance) -> str:
    head = ("| system | knob | mean recall | min recall | within target ± {tol} | search s | update s | "
            "maintenance s | total s | first-tenth ms/query | last-tenth ms/query | last/first | last/first (medians) "
            "| slow query ops (s) |").format(tol=tolerance)
    lines = [head, "|" + "---|" * 14]
    for s in summaries:
        if s["status"] != "ok":
            lines.append(f"| {s['system']} | failed: {s['message']} |" + " |" * 12)
            continue
        within = f"{100 * s['within_target_share']:.1f} %" if s["within_target_share"] is not None else "-"
        lines.append(
            f"| {s['system']} | {s['knob']} | {fmt(s['mean_recall'], 4)} | {fmt(s['min_recall'], 4)} | {within} | "
            f"{fmt(s['search_s'])} | {fmt(s['update_s'])} | {fmt(s['maintenance_s'])} | {fmt(s['total_s'])} | "
            f"{fmt(s['first_tenth_query_ms'], 4)} | {fmt(s['last_tenth_query_ms'], 4)} | {fmt(s['last_to_first'], 3)} | "
            f"{fmt(s['last_to_first_median'], 3)} | {s['slow_query_ops']} ({fmt(s['slow_query_ops_s'])}) |")
    return "\n".join(lines)


def command_run(args) -> int:
    import faiss
    faiss.omp_set_num_threads(args.threads)
    book = load_runbook(args.runbook)
    base = load_vectors(args.base)
    if base.shape != (book.data["n_base_vectors"], book.data["vector_dimension"]):
        raise SystemExit(f"{args.base} holds {base.shape}, the runbook was generated from "
                         f"({book.data['n_base_vectors']}, {book.data['vector_dimension']})")
    if book.queries_from_base:
        queries = base
    else:
        if not args.queries:
            raise SystemExit("the runbook's queries come from a query file; pass --queries")
        queries = load_vectors(args.queries)
    if book.params["metric"] != "l2":
        raise SystemExit("the peers are configured for L2 only")
    if args.k > book.gt.shape[1]:
        raise SystemExit(f"--k {args.k} exceeds the runbook's ground-truth depth {book.gt.shape[1]}")
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    used = sorted({q for op in book.operations if op["type"] == "query" for q in op["queries"]})
    rng = np.random.default_rng(int(book.params["seed"]) + 17)
    calib_idx = np.sort(rng.choice(np.array(used, dtype=np.int64), size=min(args.calibration_queries, len(used)),
                                   replace=False)) if used else np.zeros(0, dtype=np.int64)
    inserted = sum(len(op["ids"]) for op in book.operations if op["type"] == "insert")
    n_ops = len(book.operations)
    print(f"runbook {args.runbook}: {n_ops} operations "
          f"({sum(op['type'] == 'insert' for op in book.operations)} inserts, "
          f"{sum(op['type'] == 'delete' for op in book.operations)} deletes, "
          f"{sum(op['type'] == 'query' for op in book.operations)} query batches), initial {len(book.initial)}, "
          f"k = {args.k}, target {args.recall_target}, {args.threads} thread(s)", flush=True)

    results: list[SystemResult] = []
    methods = args.methods
    nlist = args.partitions
    if "shoal" in methods:
        print("running Shoal…", flush=True)
        shoal = run_shoal(args, book, out_dir)
        results.append(shoal)
        if shoal.status == "ok" and nlist is None:
            nlist = shoal.info["initial_partitions"]
    if nlist is None:
        n = len(book.initial)
        nlist = 1 if n < 8 else max(1, min(int(round(math.sqrt(n))), n // 4))
    factories = {"faiss-ivf": lambda: FaissIVF(nlist), "hnswlib": lambda: Hnswlib(len(book.initial) + inserted),
                 "usearch": lambda: USearch()}
    for key in [m for m in ALL_METHODS if m != "shoal" and m in methods]:
        print(f"running {key}…", flush=True)
        results.append(run_peer(factories[key](), args, book, base, queries, calib_idx))

    target = None if args.nprobe else args.recall_target
    summaries = [r.summary(target, args.tolerance) for r in results]
    print()
    print(markdown_table(summaries, target, args.tolerance))
    by_name = {s["system"]: s for s in summaries if s["status"] == "ok"}
    ratios = {}
    if "Shoal" in by_name:
        for peer in ("Faiss IVF-Flat", "hnswlib", "usearch"):
            if peer in by_name and by_name[peer]["total_s"] > 0:
                ratios[peer] = by_name["Shoal"]["total_s"] / by_name[peer]["total_s"]
        print()
        for peer, ratio in ratios.items():
            print(f"Shoal / {peer} total time: {ratio:.3f}")
    report = {"runbook": str(args.runbook), "k": args.k, "recall_target": target, "tolerance": args.tolerance,
              "threads": args.threads, "summaries": summaries, "shoal_total_ratio": ratios,
              "per_operation": {r.name: [row.__dict__ for row in r.rows] for r in results}}
    with open(out_dir / "peers_workload.json", "w") as f:
        json.dump(report, f, indent=1)
    with open(out_dir / "peers_workload.md", "w") as f:
        f.write(markdown_table(summaries, target, args.tolerance) + "\n")
    print(f"\nwrote {out_dir}/peers_workload.json and peers_workload.md")
    return 0 if all(r.status == "ok" for r in results) else 1


def command_synthetic(args) -> int:
    """A Gaussian mixture: `clusters` centres ~ N(0, spread^2 I), cluster weights from a Dirichlet
    (uneven sizes), per-cluster standard deviation in [0.5, 1.5]; queries from the same mixture."""
    rng = np.random.default_rng(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    centres = rng.normal(0, args.spread, size=(args.clusters, args.d)).astype(np.float32)
    weights = rng.dirichlet(np.full(args.clusters, 2.0))
    scales = rng.uniform(0.5, 1.5, size=args.clusters).astype(np.float32)

    def write(path: Path, n: int):
        with open(path, "wb") as f:
            done = 0
            while done < n:
                m = min(100_000, n - done)
                labels = rng.choice(args.clusters, size=m, p=weights)
                x = centres[labels] + rng.standard_normal((m, args.d), dtype=np.float32) * scales[labels, None]
                write_fvecs_chunk(f, x.astype(np.float32))
                done += m
                print(f"\r{path.name}: {done}/{n}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)

    write(out / "base.fvecs", args.n)
    write(out / "query.fvecs", args.queries)
    with open(out / "meta.json", "w") as f:
        json.dump({"generator": "Benchmarks/workload/peers_workload.py synthetic", "n": args.n, "d": args.d,
                   "queries": args.queries, "clusters": args.clusters, "spread": args.spread, "seed": args.seed,
                   "metric": "l2"}, f, indent=1)
    print(f"wrote {out}/base.fvecs ({args.n} x {args.d}), query.fvecs ({args.queries} x {args.d})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="replay a runbook against Shoal and the peers")
    run.add_argument("--runbook", type=Path, required=True, help="runbook directory (shoal workload generate)")
    run.add_argument("--base", type=Path, required=True, help="base vectors the runbook was generated from")
    run.add_argument("--queries", type=Path, help="query vectors the runbook was generated from")
    run.add_argument("--output", type=Path, default=REPO_ROOT / "Benchmarks" / "results" / "tmp" / "workload",
                     help="directory for Shoal's report and peers_workload.{json,md}")
    run.add_argument("--shoal", type=Path, default=DEFAULT_SHOAL, help="the shoal executable (release build)")
    run.add_argument("--k", type=int, default=10, help="neighbours per query (recall@k)")
    run.add_argument("--recall-target", type=float, default=0.9, help="recall target (Shoal) / tuning target (peers)")
    run.add_argument("--nprobe", type=int, help="fixed nprobe for Shoal and Faiss instead of a recall target")
    run.add_argument("--tolerance", type=float, default=0.02, help="'within target' means |recall - target| <= this")
    run.add_argument("--maintenance", choices=["every", "auto", "off"], default="every", help="Shoal's maintenance")
    run.add_argument("--partitions", type=int, help="partition count for Shoal and Faiss (default: Shoal's rule)")
    run.add_argument("--calibration-queries", type=int, default=256, help="workload queries used for calibration")
    run.add_argument("--threads", type=int, default=1, help="threads for every system (default 1)")
    run.add_argument("--methods", type=lambda s: s.split(","), default=ALL_METHODS,
                     help="comma-separated subset of " + ",".join(ALL_METHODS))
    run.add_argument("--shoal-arg", action="append", help="extra argument passed to `shoal workload run` (repeatable)")
    syn = sub.add_parser("synthetic", help="write a clustered Gaussian-mixture data set (.fvecs)")
    syn.add_argument("--out", type=Path, required=True, help="directory for base.fvecs, query.fvecs, meta.json")
    syn.add_argument("--n", type=int, default=1_000_000, help="base vectors")
    syn.add_argument("--d", type=int, default=128, help="dimension")
    syn.add_argument("--queries", type=int, default=10_000, help="query vectors")
    syn.add_argument("--clusters", type=int, default=1000, help="mixture components")
    syn.add_argument("--spread", type=float, default=3.0, help="standard deviation of the centres")
    syn.add_argument("--seed", type=int, default=1234, help="random seed")
    args = parser.parse_args()
    return command_run(args) if args.command == "run" else command_synthetic(args)


if __name__ == "__main__":
    sys.exit(main())
