#!/usr/bin/env python3
"""Why calibrating on stored vectors overshoots: stored rows against held-out queries, at fixed nprobe.

For one data set in ../shared/data it builds a k-means partitioning like Shoal's (round(√n) centroids,
10 iterations, centroids then set to the exact means of their members) and compares three kinds of
query: the held-out queries, a sample of stored rows (each without its own id among its neighbours),
and the same rows with their own pull removed from their centroid (leave-one-out). It prints the share
of the 10 true neighbours inside the nprobe nearest partitions, and the mean h/ρ of the three nearest
bisectors (h: distance to the bisector with the nearest centroid, ρ: the 10th neighbour's distance),
the ratio the spherical-cap model turns into probabilities.

Usage: Benchmarks/.venv/bin/python Benchmarks/recall/stored_vs_heldout.py sigmod2023-knng100
(the venv comes from Benchmarks/peers/setup_venv.sh; it needs numpy and faiss-cpu).
"""
import sys

import faiss
import numpy as np


def fvecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    return raw.reshape(-1, raw[0] + 1)[:, 1:].view(np.float32).copy()


def main():
    name = sys.argv[1]
    folder = (sys.argv[2] if len(sys.argv) > 2 else "../shared/data") + "/" + name
    base, queries = fvecs(folder + "/base.fvecs"), fvecs(folder + "/query.fvecs")[:500]
    n, d = base.shape
    kmeans = faiss.Kmeans(d, int(round(n ** 0.5)), niter=10, seed=1234)
    kmeans.train(base)
    centroids = kmeans.centroids.copy()
    assign = lambda: faiss.knn(base, centroids, 1)[1][:, 0]
    home = assign()
    for c in range(len(centroids)):
        if (home == c).any():
            centroids[c] = base[home == c].mean(0)
    home = assign()
    sizes = np.bincount(home, minlength=len(centroids))
    sample = np.random.default_rng(0).choice(n, 500, replace=False)
    truth_queries = faiss.knn(queries, base, 10)[1]
    truth_stored = np.array([[j for j in row if j != i][:10] for row, i in zip(faiss.knn(base[sample], base, 11)[1], sample)])

    def report(label, points, truth, own=None):
        recalls = {probe: [] for probe in (1, 2, 4, 8, 16)}
        ratios = []
        for r, point in enumerate(points):
            cs = centroids
            if own is not None:
                i = own[r]
                cs = centroids.copy()
                cs[home[i]] = (sizes[home[i]] * centroids[home[i]] - base[i]) / (sizes[home[i]] - 1)
            squared = ((cs - point) ** 2).sum(1)
            order = np.argsort(squared)
            for probe in recalls:
                chosen = set(order[:probe])
                recalls[probe].append(np.mean([home[j] in chosen for j in truth[r]]))
            nearest = order[0]
            separation = np.sqrt(((cs - cs[nearest]) ** 2).sum(1))
            separation[nearest] = 1
            h = (squared - squared[nearest]) / (2 * separation)
            h[nearest] = np.inf
            rho = np.sqrt(((point - base[truth[r][-1]]) ** 2).sum())
            ratios.append(np.sort(h)[:3] / rho)
        line = " ".join(f"nprobe {p}: {np.mean(v):.3f}" for p, v in recalls.items())
        print(f"{label:<14} {line}   h/ρ (3 nearest bisectors): " + " ".join(f"{v:.3f}" for v in np.mean(ratios, 0)))

    print(f"{name}: {n} × {d}, {len(centroids)} partitions, 500 queries of each kind")
    report("held-out", queries, truth_queries)
    report("stored", base[sample], truth_stored)
    report("leave-one-out", base[sample], truth_stored, own=sample)


if __name__ == "__main__":
    main()
