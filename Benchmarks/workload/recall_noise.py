#!/usr/bin/env python3
"""Per-query recall spread on a runbook, to tell sampling noise from estimator error.

    Benchmarks/.venv/bin/python Benchmarks/workload/recall_noise.py DATASET NPROBE [NPROBE ...]

Needs the runbook written by run.sh (Benchmarks/results/tmp/workload/runbooks/DATASET) and the data in
$DATA_DIR (default <repo>/../shared/data)."""
# Per-query recall spread on a runbook: replay with Faiss IVF-Flat at several nprobe values, record
# every query's recall@10, and estimate the share of 100-query batches within target ± 0.02 that
# sampling noise alone allows (batches resampled from the pooled per-query recalls, so no batch has
# a systematic error).
import os, sys, json, numpy as np
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers_workload as pw, faiss
faiss.omp_set_num_threads(1)
ds, k = sys.argv[1], 10
REPO = Path(__file__).resolve().parents[2]
D = Path(os.environ.get("DATA_DIR", REPO.parent / "shared" / "data")) / ds
book = pw.load_runbook(REPO / "Benchmarks/results/tmp/workload/runbooks" / ds)
base = pw.load_vectors(D / "base.fvecs"); queries = pw.load_vectors(D / "query.fvecs")
nlist = int(round(len(book.initial) ** 0.5))
rng = np.random.default_rng(1)
for nprobe in [int(a) for a in sys.argv[2:]]:
    peer = pw.FaissIVF(nlist); peer.build(base[book.initial], book.initial); peer.set_knob(nprobe)
    per_query, batch_means = [], []
    for op in book.operations:
        ids = np.asarray(op.get("ids", []), dtype=np.int64)
        if op["type"] == "insert": peer.insert(base[ids], ids)
        elif op["type"] == "delete": peer.delete(ids)
        else:
            q = queries[np.asarray(op["queries"], dtype=np.int64)]
            found = peer.search(q, k)[:, :k]; truth = book.gt_rows(op)[:, :k]
            hits = ((truth[:, :, None] == found[:, None, :]) & (truth[:, :, None] >= 0)).any(axis=2).sum(axis=1)
            r = hits / np.maximum((truth >= 0).sum(axis=1), 1)
            per_query += r.tolist(); batch_means.append(r.mean())
    pq = np.array(per_query); bm = np.array(batch_means); mu = pq.mean()
    sims = np.array([rng.choice(pq, 100).mean() for _ in range(20000)])
    print(json.dumps({"dataset": ds, "nprobe": nprobe, "mean": round(mu, 4), "per_query_sd": round(pq.std(), 4),
        "batch_sd_observed": round(bm.std(), 4), "batch_sd_iid": round(pq.std() / 10, 4),
        "share_within_mean_pm_0.02_iid": round(float((abs(sims - mu) <= 0.02).mean()), 3),
        "share_within_mean_pm_0.02_observed": round(float((abs(bm - mu) <= 0.02).mean()), 3)}))
